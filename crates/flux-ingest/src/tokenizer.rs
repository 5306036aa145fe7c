//! A bounded, streaming CSV tokenizer.
//!
//! We tokenize ourselves rather than use a general CSV library because the
//! importer needs three things those do not give together: the *physical*
//! line where each record starts (quoted fields may span lines, and users fix
//! files by line number), blank lines reported instead of silently dropped
//! (they are counted as skipped), and hard caps on field and record size so a
//! hostile file cannot make us buffer gigabytes. Quoting follows RFC 4180 but
//! is lenient the way spreadsheet exports need: a stray quote inside an
//! unquoted field is data, text after a closing quote is appended.

use std::io::{self, Read};

use crate::record::{RawRecord, RecordSource};

/// Fields longer than this are cut (and the record flagged).
pub const MAX_FIELD_BYTES: usize = 64 * 1024;
/// Fields beyond this count are dropped (and the record flagged).
pub const MAX_FIELDS: usize = 512;
/// Total bytes kept for one record.
pub const MAX_RECORD_BYTES: usize = 1024 * 1024;

const BUF_SIZE: usize = 64 * 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    StartField,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// Splits a byte stream into records.
pub struct Tokenizer<R> {
    rdr: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    eof: bool,
    delim: u8,
    /// Physical line (1-based) of the next unread byte.
    line: u64,
    /// The previous record ended with `\r`; a directly following `\n` belongs
    /// to the same line break.
    after_cr: bool,
}

impl<R: Read> Tokenizer<R> {
    /// `first_line` is the physical line number of the first byte of `rdr`.
    pub fn new(rdr: R, delim: u8, first_line: u64) -> Self {
        Self {
            rdr,
            buf: vec![0; BUF_SIZE].into_boxed_slice(),
            pos: 0,
            len: 0,
            eof: false,
            delim,
            line: first_line,
            after_cr: false,
        }
    }

    fn fill(&mut self) -> io::Result<bool> {
        if self.pos < self.len {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        loop {
            match self.rdr.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.pos = 0;
                    self.len = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

impl<R: Read> RecordSource for Tokenizer<R> {
    fn next_record(&mut self, rec: &mut RawRecord) -> io::Result<bool> {
        rec.clear();
        if self.after_cr {
            self.after_cr = false;
            if self.fill()? && self.buf[self.pos] == b'\n' {
                self.pos += 1;
            }
        }
        if !self.fill()? {
            return Ok(false);
        }
        rec.line = self.line;
        let delim = self.delim;
        let mut state = State::StartField;
        loop {
            if !self.fill()? {
                if state == State::Quoted {
                    rec.unterminated_quote = true;
                }
                rec.end_field();
                return Ok(true);
            }
            match state {
                State::StartField | State::Unquoted => {
                    if state == State::StartField && self.buf[self.pos] == b'"' {
                        self.pos += 1;
                        state = State::Quoted;
                        continue;
                    }
                    // Bulk-copy the run of ordinary bytes: this is the hot loop.
                    let avail = &self.buf[self.pos..self.len];
                    let run = avail
                        .iter()
                        .position(|&b| b == delim || b == b'\n' || b == b'\r')
                        .unwrap_or(avail.len());
                    rec.push(&avail[..run]);
                    self.pos += run;
                    state = State::Unquoted;
                    if self.pos == self.len {
                        continue;
                    }
                    let b = self.buf[self.pos];
                    self.pos += 1;
                    if b == delim {
                        rec.end_field();
                        state = State::StartField;
                    } else {
                        self.end_line(b);
                        rec.end_field();
                        return Ok(true);
                    }
                }
                State::Quoted => {
                    let avail = &self.buf[self.pos..self.len];
                    let run = avail
                        .iter()
                        .position(|&b| b == b'"' || b == b'\n')
                        .unwrap_or(avail.len());
                    rec.push(&avail[..run]);
                    self.pos += run;
                    if self.pos == self.len {
                        continue;
                    }
                    let b = self.buf[self.pos];
                    self.pos += 1;
                    if b == b'"' {
                        state = State::QuoteInQuoted;
                    } else {
                        // A line break inside quotes is data but still a
                        // physical line.
                        self.line += 1;
                        rec.push(b"\n");
                    }
                }
                State::QuoteInQuoted => {
                    let b = self.buf[self.pos];
                    self.pos += 1;
                    if b == b'"' {
                        rec.push(b"\"");
                        state = State::Quoted;
                    } else if b == delim {
                        rec.end_field();
                        state = State::StartField;
                    } else if b == b'\n' || b == b'\r' {
                        self.end_line(b);
                        rec.end_field();
                        return Ok(true);
                    } else {
                        rec.push(&[b]);
                        state = State::Unquoted;
                    }
                }
            }
        }
    }
}

impl<R> Tokenizer<R> {
    fn end_line(&mut self, terminator: u8) {
        self.line += 1;
        if terminator == b'\r' {
            self.after_cr = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(input: &[u8], delim: u8) -> Vec<(u64, Vec<String>)> {
        let mut t = Tokenizer::new(input, delim, 1);
        let mut rec = RawRecord::default();
        let mut out = Vec::new();
        while t.next_record(&mut rec).expect("in-memory read") {
            let fields = (0..rec.len())
                .map(|i| String::from_utf8_lossy(rec.get(i).unwrap_or_default()).into_owned())
                .collect();
            out.push((rec.line, fields));
        }
        out
    }

    #[test]
    fn splits_quoted_fields_and_tracks_physical_lines() {
        let got = records(b"a,b\r\n\"x\ny\",\"q\"\"q\"\n\nlast,1", b',');
        assert_eq!(
            got,
            vec![
                (1, vec!["a".into(), "b".into()]),
                (2, vec!["x\ny".into(), "q\"q".into()]),
                (4, vec!["".into()]),
                (5, vec!["last".into(), "1".into()]),
            ]
        );
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        let got = records(b"a;b\rc;d\r", b';');
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].0, 2);
    }

    #[test]
    fn unterminated_quote_is_flagged() {
        let mut t = Tokenizer::new(&b"a,\"open\nmore"[..], b',', 1);
        let mut rec = RawRecord::default();
        assert!(t.next_record(&mut rec).expect("read"));
        assert!(rec.unterminated_quote);
    }

    #[test]
    fn long_fields_are_capped() {
        let mut input = vec![b'x'; MAX_FIELD_BYTES * 3];
        input.extend_from_slice(b",y\n");
        let mut t = Tokenizer::new(&input[..], b',', 1);
        let mut rec = RawRecord::default();
        assert!(t.next_record(&mut rec).expect("read"));
        assert!(rec.truncated);
        assert_eq!(rec.get(0).map(<[u8]>::len), Some(MAX_FIELD_BYTES));
        assert_eq!(rec.get(1), Some(&b"y"[..]));
    }
}
