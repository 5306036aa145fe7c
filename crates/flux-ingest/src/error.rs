//! Error types.
//!
//! Two kinds of failure exist and they are kept apart on purpose:
//! [`IngestError`] means the file as a whole cannot be read (unknown layout,
//! missing option, I/O), while [`RowError`] describes one bad row and never
//! stops the stream. Whether one bad row should reject a whole import is the
//! caller's policy, so row errors are data, not control flow.

use std::fmt;

use serde::Serialize;

use crate::format::Format;

/// A failure that prevents the file from being parsed at all.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("could not read the file: {0}")]
    Io(#[from] std::io::Error),

    #[error("the file is empty or has no header row")]
    Empty,

    #[error("unsupported text encoding: {0} (export the file as UTF-8 or Windows-1252)")]
    UnsupportedEncoding(&'static str),

    /// No known layout matched; the headers are listed so a person can map
    /// them by hand with a [`crate::ColumnMapping`].
    #[error("unrecognised layout; headers found: {}", headers.join(", "))]
    UnrecognisedLayout { headers: Vec<String> },

    #[error("{format} layout is missing required column(s) {}; headers found: {}", missing.join(", "), headers.join(", "))]
    MissingColumns {
        format: Format,
        missing: Vec<&'static str>,
        headers: Vec<String>,
    },

    #[error("column mapping names {column:?} for {role}, but no such header exists; headers found: {}", headers.join(", "))]
    MappingColumnNotFound {
        role: &'static str,
        column: String,
        headers: Vec<String>,
    },

    /// Period reports (item sales summaries) carry no per-row date; the
    /// period written above the header, if any, is quoted.
    #[error("{format} layout without a per-row date: the rows are totals over a period{}; supply the sales date to book them on (period_date), or export the item-level report (one row per sale)", period.as_ref().map(|p| format!(" ({p})")).unwrap_or_default())]
    PeriodDateRequired {
        format: Format,
        period: Option<String>,
    },

    /// One row per receipt with its items run together in one text column:
    /// quantities and prices per item cannot be read without guessing.
    #[error("this is a receipt-level export: column {column:?} lists several items per row (e.g. {example:?}); export the item-level report instead (one row per item sold, e.g. \"receipts by item\" or \"items detail\")")]
    ReceiptLevel { column: String, example: String },

    /// Dates and money but no dish column: a sales summary per day (or
    /// shift), which says nothing about what was sold.
    #[error("this file has totals per date but no dishes (headers found: {}); Flux forecasts each dish, so export the item-level report instead (one row per item sold, e.g. \"receipts by item\", \"items detail\" or \"item sales\")", headers.join(", "))]
    NoItems { headers: Vec<String> },

    #[error("could not read the spreadsheet: {0}")]
    Spreadsheet(String),

    #[error("invalid option: {0}")]
    InvalidOption(String),
}

/// Longest raw value kept in a [`RowError`], in characters. Hostile files can
/// carry megabyte-long fields; error reports must stay small.
pub const MAX_RAW_CHARS: usize = 80;

/// One rejected row. The stream continues after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// 1-based physical line in the file (spreadsheet row for `.xlsx`).
    pub line: u64,
    /// Header of the offending column, when one column is to blame.
    pub column: Option<String>,
    /// The offending value, truncated and with control characters escaped,
    /// safe to show in a log or a web page.
    pub raw: Option<String>,
    pub kind: RowErrorKind,
}

impl RowError {
    pub(crate) fn new(line: u64, kind: RowErrorKind) -> Self {
        Self {
            line,
            column: None,
            raw: None,
            kind,
        }
    }

    pub(crate) fn at(line: u64, column: &str, raw: &str, kind: RowErrorKind) -> Self {
        Self {
            line,
            column: Some(column.to_owned()),
            raw: Some(excerpt(raw)),
            kind,
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(c) = &self.column {
            write!(f, ", column {c:?}")?;
        }
        if let Some(r) = &self.raw {
            write!(f, ", value {r:?}")?;
        }
        write!(f, ": {}", self.kind)
    }
}

impl std::error::Error for RowError {}

/// Why a row was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum RowErrorKind {
    #[error("required value is empty")]
    Missing,
    #[error("not a recognised date")]
    InvalidDate,
    #[error("not a recognised time of day")]
    InvalidTime,
    #[error("not a recognised number")]
    InvalidNumber,
    #[error("date is after today ({today})")]
    FutureDate { today: chrono::NaiveDate },
    #[error("date is before 2000-01-01, which is implausible for sales data")]
    TooOld,
    #[error("field longer than {max_bytes} bytes or too many fields; the row was cut")]
    RecordTooLong { max_bytes: usize },
    #[error("quoted field is never closed before the end of the file")]
    UnterminatedQuote,
    #[error("could not read the rest of the file: {message}")]
    Io { message: String },
    /// Beyond what a sale line can plausibly hold (see
    /// [`crate::numbers::MAX_QUANTITY`] and its siblings).
    #[error("value is out of range: more than {max} in absolute value")]
    OutOfRange { max: rust_decimal::Decimal },
}

/// Shortens `raw` to [`MAX_RAW_CHARS`] characters on a character boundary and
/// escapes control characters so the result is safe to print.
pub fn excerpt(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len().min(MAX_RAW_CHARS + 8));
    for (n, c) in raw.chars().enumerate() {
        if n == MAX_RAW_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_truncates_on_char_boundary_and_escapes_controls() {
        let long = "é".repeat(500);
        let e = excerpt(&long);
        assert_eq!(e.chars().count(), MAX_RAW_CHARS + 1);
        assert_eq!(excerpt("a\0b\u{1b}"), "a\\u{0}b\\u{1b}");
    }
}
