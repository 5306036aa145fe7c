//! Shared helpers for the integration tests.
#![allow(dead_code)]

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
