//! What an import reports back: the same shape for the API, the CLI and
//! the stored upload record; and what a preview shows before any import.

use chrono::NaiveDate;
use flux_ingest::{ColumnMapping, RowError, SaleLine, SkipCounts, UnmappedColumn, UnmappedKind};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::uploads::copy::Scan;
use crate::uploads::{ImportOptions, Source};

/// Progress of pass 2, for progress bars.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub lines_done: u64,
    pub lines_total: u64,
}

/// The outcome of an import (or dry run).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    /// `None` for dry runs and rejected files.
    pub upload_id: Option<Uuid>,
    pub filename: String,
    pub size_bytes: u64,
    pub format: String,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub headers: Vec<String>,
    /// "day/month/year because ..." — which date order was used and why.
    pub date_order: String,
    pub policy: String,
    pub dry_run: bool,
    pub used_saved_mapping: bool,
    pub rows_read: u64,
    /// Valid sale lines in the file.
    pub rows_valid: u64,
    /// Lines stored by this import.
    pub rows_imported: u64,
    /// Valid lines already stored by an earlier import (not counted twice).
    pub rows_duplicate: u64,
    pub rows_errored: u64,
    pub rows_skipped: u64,
    pub skipped: SkipCounts,
    /// Lines of other locations, when importing one location of a multi-store file.
    pub rows_other_location: u64,
    pub lines_with_warnings: u64,
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
    pub distinct_items: usize,
    pub new_menu_items: u64,
    pub orders: u64,
    /// The first row errors (line, column, value, reason); counts above are exact.
    pub errors: Vec<ErrorRow>,
    /// Columns that look like money or quantities but were not used: what
    /// they hold is not in the stored sales.
    pub unmapped_columns: Vec<UnmappedColumn>,
    /// What a person should check, in words (unused money columns, ...).
    pub warnings: Vec<String>,
    pub elapsed_ms: u64,
}

/// Sentences describing columns the import could not use.
pub fn unmapped_warnings(unmapped: &[UnmappedColumn]) -> Vec<String> {
    unmapped
        .iter()
        .map(|u| match u.kind {
            UnmappedKind::Money => format!(
                "column {:?} looks like money but was not used: its amounts are not in the stored sales (map it as total or gross_total if it is the line's revenue)",
                u.header
            ),
            UnmappedKind::Quantity => format!(
                "column {:?} looks like a quantity but was not used: its counts are not in the stored sales (map it as quantity if it is the units sold)",
                u.header
            ),
        })
        .collect()
}

/// One row error, flattened for JSON and tables.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorRow {
    pub line: u64,
    pub column: Option<String>,
    pub value: Option<String>,
    pub reason: String,
}

impl From<&RowError> for ErrorRow {
    fn from(e: &RowError) -> Self {
        Self {
            line: e.line,
            column: e.column.clone(),
            value: e.raw.clone(),
            reason: e.kind.to_string(),
        }
    }
}

/// What a preview shows: how the file would be read, or why it cannot be.
/// `recognised` tells the two apart.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum UploadPreview {
    // Boxed: the mapping and rows make it ten times the other variant.
    Recognised(Box<RecognisedPreview>),
    Unrecognised(UnrecognisedLayout),
}

/// A layout the parser recognised, with the first rows as they would be
/// imported.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecognisedPreview {
    /// Always `true`.
    pub recognised: bool,
    pub format: String,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    /// 1-based line (or sheet row) of the header row.
    pub header_line: u64,
    pub headers: Vec<String>,
    /// Columns used, as header names: send it back as `mapping` to keep it.
    pub mapping: ColumnMapping,
    /// "day/month/year because ..." — which date order was used and why.
    pub date_order: String,
    /// The order used for dates that do not start with the year: `dmy`
    /// or `mdy`.
    #[schema(value_type = String, example = "mdy")]
    pub date_order_used: flux_ingest::DateOrder,
    /// Why that order: the upload chose it, the file showed it, or the
    /// locale, the format or the fallback decided.
    pub date_order_reason: DateOrderSource,
    /// IANA zone the file's times are read in.
    pub timezone: String,
    /// Whether that zone is the restaurant's or this upload's `timezone`.
    pub timezone_from: TimezoneSource,
    /// The restaurant's BCP 47 locale, used when the file does not settle
    /// the date order or the decimal separator.
    pub locale: String,
    /// Columns that look like money or quantities but would not be used.
    pub unmapped_columns: Vec<UnmappedColumn>,
    /// What a person should check before importing, in words.
    pub warnings: Vec<String>,
    pub rows: Vec<PreviewRow>,
}

/// What decided an upload's date order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DateOrderSource {
    /// The upload's `date_order`.
    Chosen,
    /// A date in the file that reads only one way.
    FileEvidence,
    /// The restaurant's locale.
    Locale,
    /// The export format's convention.
    FormatDefault,
    /// Every date starts with the year.
    YearFirst,
    /// Nothing decided: day first.
    Fallback,
}

impl From<&flux_ingest::DateOrderReason> for DateOrderSource {
    fn from(r: &flux_ingest::DateOrderReason) -> Self {
        use flux_ingest::DateOrderReason as R;
        match r {
            R::Chosen => Self::Chosen,
            R::FileEvidence { .. } => Self::FileEvidence,
            R::Locale { .. } => Self::Locale,
            R::FormatDefault { .. } => Self::FormatDefault,
            R::YearFirst => Self::YearFirst,
            R::Fallback => Self::Fallback,
        }
    }
}

/// Where the zone an upload is read in comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimezoneSource {
    /// The restaurant's profile.
    Restaurant,
    /// The upload's own `timezone` field.
    Upload,
}

/// A layout the parser could not place: the caller should send a mapping.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnrecognisedLayout {
    /// Always `false`.
    pub recognised: bool,
    pub headers: Vec<String>,
    pub message: String,
}

/// One previewed row: a sale line, or the error that would reject it.
/// `ok` tells the two apart.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum PreviewRow {
    Line {
        /// Always `true`.
        ok: bool,
        line: SaleLine,
    },
    Error {
        /// Always `false`.
        ok: bool,
        error: ErrorRow,
    },
}

impl ImportReport {
    pub(crate) fn from_scan(scan: &Scan, source: &Source, size: u64, opts: &ImportOptions) -> Self {
        let s = &scan.summary;
        Self {
            upload_id: None,
            filename: source.filename.clone(),
            size_bytes: size,
            format: format_id(s.sniffed.format),
            encoding: s.sniffed.encoding.map(|e| e.to_string()),
            delimiter: s.sniffed.delimiter.map(|d| d.to_string()),
            headers: s.sniffed.headers.clone(),
            date_order: s.sniffed.date_order.to_string(),
            policy: opts.policy.as_str().to_string(),
            dry_run: opts.dry_run,
            used_saved_mapping: false,
            rows_read: s.rows_read,
            rows_valid: scan.lines,
            rows_imported: 0,
            rows_duplicate: 0,
            rows_errored: s.errored,
            rows_skipped: s.skipped.total(),
            skipped: s.skipped.clone(),
            rows_other_location: scan.other_location,
            lines_with_warnings: s.lines_with_warnings,
            first_date: scan.first_date,
            last_date: scan.last_date,
            distinct_items: scan.items.len(),
            new_menu_items: 0,
            orders: 0,
            errors: s.errors.iter().map(ErrorRow::from).collect(),
            unmapped_columns: s.sniffed.unmapped.clone(),
            warnings: unmapped_warnings(&s.sniffed.unmapped),
            elapsed_ms: 0,
        }
    }

    pub(crate) fn finish(&mut self, started: std::time::Instant) {
        self.elapsed_ms = started.elapsed().as_millis() as u64;
    }
}

/// The stable identifier of a format (`toast`, `seed`, ...), the same
/// word the `format` override accepts.
pub fn format_id(f: flux_ingest::Format) -> String {
    serde_json::to_value(f)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| f.to_string())
}
