//! The raw record shared by the CSV tokenizer and the spreadsheet reader.
//!
//! One buffer is reused for every row so the hot path allocates nothing per
//! field; caps are enforced here so every source gets them for free.

use std::io;

use crate::tokenizer::{MAX_FIELDS, MAX_FIELD_BYTES, MAX_RECORD_BYTES};

/// Fields of one record as raw bytes, plus where it started.
#[derive(Debug, Default, Clone)]
pub struct RawRecord {
    buf: Vec<u8>,
    ends: Vec<usize>,
    field_start: usize,
    /// 1-based physical line where the record starts.
    pub line: u64,
    /// Some field or the record hit a size cap and was cut.
    pub truncated: bool,
    /// The last field opened a quote that never closed.
    pub unterminated_quote: bool,
}

impl RawRecord {
    pub fn clear(&mut self) {
        self.buf.clear();
        self.ends.clear();
        self.field_start = 0;
        self.truncated = false;
        self.unterminated_quote = false;
    }

    /// Appends bytes to the current field, honouring the caps.
    pub fn push(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        if self.ends.len() >= MAX_FIELDS {
            self.truncated = true;
            return;
        }
        let field_len = self.buf.len() - self.field_start;
        let room = MAX_FIELD_BYTES
            .saturating_sub(field_len)
            .min(MAX_RECORD_BYTES.saturating_sub(self.buf.len()));
        if bytes.len() > room {
            self.truncated = true;
        }
        let take = bytes.len().min(room);
        self.buf.extend_from_slice(&bytes[..take]);
    }

    pub fn end_field(&mut self) {
        if self.ends.len() >= MAX_FIELDS {
            self.truncated = true;
            return;
        }
        self.ends.push(self.buf.len());
        self.field_start = self.buf.len();
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.buf.get(start..end)
    }

    /// True when every field is empty or whitespace: a blank line, or a row
    /// of bare delimiters as spreadsheets like to leave behind.
    pub fn is_blank(&self) -> bool {
        self.buf.iter().all(|b| b.is_ascii_whitespace())
    }
}

/// Anything that yields records: the CSV tokenizer or a spreadsheet.
pub trait RecordSource {
    /// Fills `rec` with the next record; `Ok(false)` at the end.
    fn next_record(&mut self, rec: &mut RawRecord) -> io::Result<bool>;
}
