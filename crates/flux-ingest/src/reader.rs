//! The streaming entry point: [`parse`] and the [`SalesReader`] iterator.
//!
//! Memory stays bounded by one record, a 64 KiB read buffer, the first
//! `max_errors` errors and two capped counter maps, whatever the file size.
//! The only extra pass over the input is the date-order pre-scan, which runs
//! only when the head of the file holds day/month dates that do not settle
//! the order, and stops at the first value that does.

use std::io::{self, Read, Seek, SeekFrom};

use serde::Serialize;

use crate::columns::Role;
use crate::counters::LineCounters;
use crate::encoding::{TextEncoding, Utf16ToUtf8};
use crate::error::{IngestError, RowError, RowErrorKind};
use crate::line::SaleLine;
use crate::options::ParseOptions;
use crate::record::{RawRecord, RecordSource};
use crate::row::{convert, Outcome, Plan, Skip};
use crate::sheet::{SheetRows, ZIP_MAGIC};
use crate::sniff::{
    choose_date_order, describe, detect_header, sniff_delimited, Container, Detected, Hints,
    Sniffed, HEAD_BYTES,
};
use crate::tokenizer::Tokenizer;

/// Rows that produced neither a sale nor an error, by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkipCounts {
    /// Empty lines and rows of bare delimiters.
    pub blank: u64,
    /// Voided lines (Toast `Void?`, event type "void").
    pub voided: u64,
    /// Deferred revenue such as gift cards (Toast `Deferred`).
    pub deferred: u64,
    /// Rows that record no sale: item `NONE`, or zero units and no money
    /// (unsold items listed by product-mix reports, lines refunded in full).
    pub not_a_sale: u64,
    /// Subtotal, total and roll-up rows of a report (`Total`, `Total
    /// (Coffee)`, `Summe`, group rows with money but no item).
    pub summary_rows: u64,
    /// Rows without sales data: section headings, modifier lines of period
    /// reports, single-cell notes and footers, repeated header rows.
    pub no_data: u64,
}

impl SkipCounts {
    pub fn total(&self) -> u64 {
        self.blank
            + self.voided
            + self.deferred
            + self.not_a_sale
            + self.summary_rows
            + self.no_data
    }
}

/// Exact counts for a parse, plus the first errors.
///
/// Invariant once the reader is exhausted:
/// `rows_read == parsed + errored + skipped.total()`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Layout, encoding, delimiter, mapping and the final date order.
    pub sniffed: Sniffed,
    /// Records above the header row (report titles and the like).
    pub preamble_rows: u64,
    /// Records after the header row, including blank lines.
    pub rows_read: u64,
    pub parsed: u64,
    pub errored: u64,
    pub skipped: SkipCounts,
    /// Sale lines that carry at least one warning.
    pub lines_with_warnings: u64,
    /// Fields of a UTF-8 file that were not UTF-8 and were read as Windows-1252.
    pub windows1252_fields: u64,
    /// The first `max_errors` row errors, in file order.
    pub errors: Vec<RowError>,
    /// Errors counted but not kept.
    pub errors_dropped: u64,
}

enum Source<R: Read> {
    Delimited(Tokenizer<Text<R>>),
    Sheet(SheetRows),
}

/// The bytes of a delimited file as UTF-8 (or single-byte) text.
enum Text<R> {
    Plain(R),
    Utf16(Utf16ToUtf8<R>),
}

impl<R: Read> Read for Text<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Text::Plain(r) => r.read(buf),
            Text::Utf16(r) => r.read(buf),
        }
    }
}

impl<R: Read + Seek> Seek for Text<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        match self {
            Text::Plain(r) => r.seek(to),
            Text::Utf16(r) => r.seek(to),
        }
    }
}

impl<R: Read> RecordSource for Source<R> {
    fn next_record(&mut self, rec: &mut RawRecord) -> io::Result<bool> {
        match self {
            Source::Delimited(t) => t.next_record(rec),
            Source::Sheet(s) => s.next_record(rec),
        }
    }
}

/// Iterator over the sale lines of one file. Skipped rows are not yielded
/// but counted; see [`SalesReader::summary`].
pub struct SalesReader<R: Read> {
    source: Source<R>,
    rec: RawRecord,
    plan: Plan,
    counters: LineCounters,
    summary: Summary,
    max_errors: usize,
    /// Records still to skip before the first data row (preamble + header).
    to_skip: usize,
    done: bool,
}

/// Opens a sales file for streaming.
///
/// Detects the layout (unless `opts` forces one), settles the date order
/// (pre-scanning the file when needed, then seeking back), and returns an
/// iterator of sale lines and row errors. Fails only when the file as a
/// whole cannot be read.
pub fn parse<R: Read + Seek>(
    mut src: R,
    opts: &ParseOptions,
) -> Result<SalesReader<R>, IngestError> {
    if opts.day_cutoff_hour > 23 {
        return Err(IngestError::InvalidOption(format!(
            "day_cutoff_hour must be 0-23, got {}",
            opts.day_cutoff_hour
        )));
    }
    let hints = Hints {
        format: opts.format,
        mapping: opts.mapping.as_ref(),
        locale: opts.locale.as_deref(),
        date_order: opts.date_order,
    };
    let start = src.stream_position()?;
    let head = read_head(&mut src)?;
    src.seek(SeekFrom::Start(start))?;

    let (sniffed, detected, source) = if head.starts_with(ZIP_MAGIC) {
        let sheet = SheetRows::open(src)?;
        let detected = detect_header(&mut sheet.restart(), TextEncoding::Utf8, hints, false)?;
        let sniffed = describe(&detected, Container::Xlsx, None, None, hints);
        (sniffed, detected, Source::Sheet(sheet))
    } else {
        let utf16 = TextEncoding::utf16(&head);
        let (mut src, head, start) = match utf16 {
            Some(e) => {
                let mut text = Text::Utf16(
                    Utf16ToUtf8::new(src, e)?.ok_or(IngestError::UnsupportedEncoding("UTF-16"))?,
                );
                let head = read_head(&mut text)?;
                text.seek(SeekFrom::Start(0))?;
                (text, head, 0)
            }
            None => (Text::Plain(src), head, start),
        };
        let (mut sniffed, mut detected) = sniff_delimited(&head, hints)?;
        if utf16.is_some() {
            sniffed.encoding = utf16;
        }
        let encoding = sniffed.encoding.unwrap_or(TextEncoding::Utf8);
        let delim = sniffed.delimiter.map_or(b',', |c| c as u8);
        let body_start = start + encoding.bom_len() as u64;
        let head_is_whole_file = head.len() < HEAD_BYTES;
        if opts.date_order.is_none()
            && detected.scan.decided.is_none()
            && detected.scan.ambiguous_seen
            && !head_is_whole_file
        {
            src.seek(SeekFrom::Start(body_start))?;
            prescan_dates(&mut src, delim, &mut detected, encoding)?;
            sniffed.date_order = choose_date_order(&detected.scan, hints, detected.format);
        }
        src.seek(SeekFrom::Start(body_start))?;
        (
            sniffed,
            detected,
            Source::Delimited(Tokenizer::new(src, delim, 1)),
        )
    };

    let dated = detected.layout.has(Role::Date) || detected.layout.has(Role::Timestamp);
    if !dated && opts.period_date.is_none() {
        return Err(IngestError::PeriodDateRequired {
            format: detected.format,
            period: detected.period.clone(),
        });
    }
    let plan = Plan {
        format: detected.format,
        layout: detected.layout.clone(),
        headers: detected.headers.clone(),
        encoding: sniffed.encoding.unwrap_or(TextEncoding::Utf8),
        decimal: sniffed.decimal_separator,
        date_order: sniffed.date_order.order,
        timezone: opts.timezone,
        cutoff_hour: opts.day_cutoff_hour,
        today: opts.today,
        period_date: opts.period_date,
    };
    Ok(SalesReader {
        source,
        rec: RawRecord::default(),
        plan,
        counters: LineCounters::default(),
        summary: Summary {
            sniffed,
            preamble_rows: detected.header_index as u64,
            rows_read: 0,
            parsed: 0,
            errored: 0,
            skipped: SkipCounts::default(),
            lines_with_warnings: 0,
            windows1252_fields: 0,
            errors: Vec::new(),
            errors_dropped: 0,
        },
        max_errors: opts.max_errors,
        to_skip: detected.header_index + 1,
        done: false,
    })
}

/// [`parse`] over bytes already in memory.
pub fn parse_bytes<'a>(
    bytes: &'a [u8],
    opts: &ParseOptions,
) -> Result<SalesReader<io::Cursor<&'a [u8]>>, IngestError> {
    parse(io::Cursor::new(bytes), opts)
}

fn read_head<R: Read>(src: &mut R) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(HEAD_BYTES);
    src.take(HEAD_BYTES as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// Whole-file pass over the date columns, stopping at the first value that
/// settles day/month order.
fn prescan_dates<R: Read>(
    src: &mut R,
    delim: u8,
    detected: &mut Detected,
    encoding: TextEncoding,
) -> io::Result<()> {
    let mut tok = Tokenizer::new(src, delim, 1);
    let mut rec = RawRecord::default();
    for _ in 0..=detected.header_index {
        if !tok.next_record(&mut rec)? {
            return Ok(());
        }
    }
    let layout = detected.layout.clone();
    detected.scan.feed(&mut tok, &layout, encoding, false, None)
}

impl<R: Read> SalesReader<R> {
    /// Counts so far; exact once the iterator returned `None`.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// What was detected about the file.
    pub fn sniffed(&self) -> &Sniffed {
        &self.summary.sniffed
    }

    /// Drains the remaining rows (counting them) and returns the summary.
    pub fn finish(mut self) -> Summary {
        for _ in self.by_ref() {}
        self.summary
    }

    fn record_error(&mut self, e: &RowError) {
        self.summary.errored += 1;
        if self.summary.errors.len() < self.max_errors {
            self.summary.errors.push(e.clone());
        } else {
            self.summary.errors_dropped += 1;
        }
    }
}

impl<R: Read> Iterator for SalesReader<R> {
    type Item = Result<SaleLine, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.source.next_record(&mut self.rec) {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    break;
                }
                Err(e) => {
                    self.done = true;
                    let err = RowError::new(
                        self.rec.line,
                        RowErrorKind::Io {
                            message: e.to_string(),
                        },
                    );
                    self.record_error(&err);
                    return Some(Err(err));
                }
            }
            if self.to_skip > 0 {
                self.to_skip -= 1;
                continue;
            }
            self.summary.rows_read += 1;
            let outcome = convert(
                &self.rec,
                &self.plan,
                &mut self.counters,
                &mut self.summary.windows1252_fields,
            );
            match outcome {
                Ok(Outcome::Sale(line)) => {
                    self.summary.parsed += 1;
                    if !line.warnings.is_empty() {
                        self.summary.lines_with_warnings += 1;
                    }
                    return Some(Ok(line));
                }
                Ok(Outcome::Skipped(reason)) => {
                    let s = &mut self.summary.skipped;
                    match reason {
                        Skip::Blank => s.blank += 1,
                        Skip::Voided => s.voided += 1,
                        Skip::Deferred => s.deferred += 1,
                        Skip::NotASale => s.not_a_sale += 1,
                        Skip::SummaryRow => s.summary_rows += 1,
                        Skip::NoData => s.no_data += 1,
                    }
                }
                Err(e) => {
                    self.record_error(&e);
                    return Some(Err(e));
                }
            }
        }
        None
    }
}
