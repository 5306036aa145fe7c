//! The first sheet of an `.xlsx` workbook as a record source.
//!
//! Spreadsheet exports are small compared with CSV (Excel itself stops at
//! about a million rows), and calamine materialises a sheet as a whole, so
//! unlike delimited text the sheet is held in memory while it is read. Cells
//! are rendered to the same text the CSV path sees: dates as ISO
//! `YYYY-MM-DD[ HH:MM:SS]`, whole numbers as integers without a fraction or
//! exponent (long ids included), other numbers in their shortest exact form.

use std::fmt::Write as _;
use std::io::{self, Read, Seek};

use calamine::{Data, Range, Reader, Xlsx};

use crate::error::IngestError;
use crate::record::{RawRecord, RecordSource};

/// Magic number of zip containers, which `.xlsx` files are.
pub const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// Rows of one sheet; clones restart from the top.
#[derive(Clone)]
pub struct SheetRows {
    range: std::sync::Arc<Range<Data>>,
    next: usize,
    /// Sheet row number (1-based) of the range's first row.
    first_row: u64,
    cell: String,
}

impl SheetRows {
    pub fn open<R: Read + Seek>(src: R) -> Result<Self, IngestError> {
        let mut book: Xlsx<R> =
            Xlsx::new(src).map_err(|e| IngestError::Spreadsheet(e.to_string()))?;
        let range = book
            .worksheet_range_at(0)
            .ok_or_else(|| IngestError::Spreadsheet("the workbook has no sheets".into()))?
            .map_err(|e| IngestError::Spreadsheet(e.to_string()))?;
        let first_row = range.start().map_or(1, |(r, _)| u64::from(r) + 1);
        Ok(Self {
            range: std::sync::Arc::new(range),
            next: 0,
            first_row,
            cell: String::new(),
        })
    }

    /// A reader positioned at the first row again.
    pub fn restart(&self) -> Self {
        Self {
            range: self.range.clone(),
            next: 0,
            first_row: self.first_row,
            cell: String::new(),
        }
    }
}

impl RecordSource for SheetRows {
    fn next_record(&mut self, rec: &mut RawRecord) -> io::Result<bool> {
        rec.clear();
        // Indexed access: `rows().nth(n)` would walk from the top each time.
        if self.next >= self.range.height() {
            return Ok(false);
        }
        let row = self.next;
        rec.line = self.first_row + row as u64;
        self.next += 1;
        for col in 0..self.range.width() {
            self.cell.clear();
            if let Some(cell) = self.range.get((row, col)) {
                render(cell, &mut self.cell);
            }
            rec.push(self.cell.as_bytes());
            rec.end_field();
        }
        Ok(true)
    }
}

fn render(cell: &Data, out: &mut String) {
    // Writing to a String cannot fail.
    let _ = match cell {
        Data::Empty | Data::Error(_) => Ok(()),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            out.push_str(s);
            Ok(())
        }
        Data::Int(i) => write!(out, "{i}"),
        // Whole numbers print as integers, however long: ids (Toast's are 19
        // digits) arrive as floats and must not become `1.3e18` or gain a
        // `.0`. Below 2^63 the cast is exact for every integral float.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e18 => write!(out, "{}", *f as i64),
        Data::Float(f) if f.fract() == 0.0 => write!(out, "{f:.0}"),
        // Shortest text that reads back as the same float: `8.2`, not
        // `8.1999999999999993`.
        Data::Float(f) => write!(out, "{f}"),
        Data::Bool(b) => write!(out, "{b}"),
        Data::DateTime(dt) => {
            if dt.as_f64() < 1.0 {
                // A time of day only (Excel serial below one day).
                let secs = (dt.as_f64() * 86_400.0).round() as u32;
                write!(
                    out,
                    "{:02}:{:02}:{:02}",
                    secs / 3600 % 24,
                    secs / 60 % 60,
                    secs % 60
                )
            } else if let Some(t) = dt.as_datetime() {
                if t.time() == chrono::NaiveTime::MIN {
                    write!(out, "{}", t.format("%Y-%m-%d"))
                } else {
                    write!(out, "{}", t.format("%Y-%m-%d %H:%M:%S"))
                }
            } else {
                Ok(())
            }
        }
    };
}
