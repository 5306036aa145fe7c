//! A quick look at a file before importing it, for the upload screen: what
//! was detected and how the first rows come out.

use std::io::{Read, Seek};

use serde::Serialize;

use crate::error::{IngestError, RowError};
use crate::line::SaleLine;
use crate::options::ParseOptions;
use crate::reader::parse;
use crate::sniff::Sniffed;

/// Detected settings and the first parsed rows.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    /// Format, delimiter, encoding, column mapping, date order and reason.
    pub sniffed: Sniffed,
    /// The first rows, each a sale line (with its warnings) or an error.
    pub rows: Vec<Result<SaleLine, RowError>>,
}

/// Parses up to `rows` data rows (skipped rows are not counted).
pub fn preview<R: Read + Seek>(
    src: R,
    opts: &ParseOptions,
    rows: usize,
) -> Result<Preview, IngestError> {
    let mut reader = parse(src, opts)?;
    let rows = reader.by_ref().take(rows).collect();
    Ok(Preview {
        sniffed: reader.sniffed().clone(),
        rows,
    })
}
