//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::io::{Cursor, Write};

use chrono::NaiveDate;
use flux_ingest::{parse_bytes, ParseOptions, RowError, SaleLine, Summary};
use rust_decimal::Decimal;

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

pub fn dec(s: &str) -> Decimal {
    s.parse().expect("valid test decimal")
}

/// London restaurant, "today" well after the sample data.
pub fn opts() -> ParseOptions {
    ParseOptions::new(chrono_tz::Europe::London, day(2025, 1, 1))
}

pub struct Parsed {
    pub lines: Vec<SaleLine>,
    pub errors: Vec<RowError>,
    pub summary: Summary,
}

/// Parses everything and checks the summary's counting invariant.
pub fn run(bytes: &[u8], opts: &ParseOptions) -> Parsed {
    let mut reader = parse_bytes(bytes, opts).expect("file should be readable");
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for row in reader.by_ref() {
        match row {
            Ok(l) => lines.push(l),
            Err(e) => errors.push(e),
        }
    }
    let summary = reader.summary().clone();
    assert_eq!(
        summary.rows_read,
        summary.parsed + summary.errored + summary.skipped.total(),
        "counts must add up: {summary:?}"
    );
    assert_eq!(summary.parsed as usize, lines.len());
    assert_eq!(summary.errored as usize, errors.len());
    Parsed {
        lines,
        errors,
        summary,
    }
}

/// A minimal `.xlsx` with inline strings, numbers and an Excel date serial.
pub fn workbook(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, v) in row.iter().enumerate() {
            let col = (b'A' + c as u8) as char;
            let cell = format!("{col}{}", r + 1);
            if let Some(serial) = v.strip_prefix("date:") {
                sheet.push_str(&format!(r#"<c r="{cell}" s="1"><v>{serial}</v></c>"#));
            } else if v.parse::<f64>().is_ok() {
                sheet.push_str(&format!(r#"<c r="{cell}"><v>{v}</v></c>"#));
            } else {
                sheet.push_str(&format!(
                    r#"<c r="{cell}" t="inlineStr"><is><t>{v}</t></is></c>"#
                ));
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let files = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sales" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#.to_string()),
        ("xl/styles.xml", r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="0"/><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#.to_string()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, body) in files {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("zip entry");
        zip.write_all(body.as_bytes()).expect("zip write");
    }
    zip.finish().expect("zip finish").into_inner()
}
