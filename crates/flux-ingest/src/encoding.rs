//! Text encoding detection and per-field decoding.
//!
//! Restaurant exports are UTF-8 (sometimes with a byte-order mark), UTF-16
//! with a byte-order mark (Square's "Excel" downloads in some countries,
//! tab-separated) or, from older Windows back offices, Windows-1252. UTF-16
//! files are transcoded to UTF-8 as they stream ([`Utf16ToUtf8`]), so the
//! tokenizer only ever sees UTF-8. The file-level choice is made
//! from the head of the file; because a 1252 byte can first appear deep in a
//! large file, every field is also decoded defensively: a field that is not
//! valid UTF-8 is decoded as 1252 and counted, instead of failing the row.

use std::borrow::Cow;
use std::io::{self, Read, Seek, SeekFrom};

use serde::{Deserialize, Serialize};

use crate::error::IngestError;

/// The UTF-8 byte-order mark.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Text encoding of a delimited file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    Utf8,
    /// UTF-8 starting with a byte-order mark (stripped before parsing).
    Utf8Bom,
    Windows1252,
    /// UTF-16 little-endian with a byte-order mark, read through [`Utf16ToUtf8`].
    Utf16Le,
    /// UTF-16 big-endian with a byte-order mark, read through [`Utf16ToUtf8`].
    Utf16Be,
}

impl std::fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Utf8 => "UTF-8",
            Self::Utf8Bom => "UTF-8 with BOM",
            Self::Windows1252 => "Windows-1252",
            Self::Utf16Le => "UTF-16LE",
            Self::Utf16Be => "UTF-16BE",
        })
    }
}

impl TextEncoding {
    /// Detects the encoding from the first bytes of a file.
    ///
    /// `head` may end in the middle of a multi-byte character; that is not
    /// treated as invalid.
    pub fn detect(head: &[u8]) -> Result<Self, IngestError> {
        if head.starts_with(UTF8_BOM) {
            return Ok(Self::Utf8Bom);
        }
        if let Some(e) = Self::utf16(head) {
            return Ok(e);
        }
        match std::str::from_utf8(head) {
            Ok(_) => Ok(Self::Utf8),
            // error_len() == None: the head was cut inside a character.
            Err(e) if e.error_len().is_none() => Ok(Self::Utf8),
            Err(_) => Ok(Self::Windows1252),
        }
    }

    /// The UTF-16 encoding announced by the byte-order mark, if any.
    pub fn utf16(head: &[u8]) -> Option<Self> {
        if head.starts_with(b"\xFF\xFE") {
            Some(Self::Utf16Le)
        } else if head.starts_with(b"\xFE\xFF") {
            Some(Self::Utf16Be)
        } else {
            None
        }
    }

    fn utf16_codec(self) -> Option<&'static encoding_rs::Encoding> {
        match self {
            Self::Utf16Le => Some(encoding_rs::UTF_16LE),
            Self::Utf16Be => Some(encoding_rs::UTF_16BE),
            _ => None,
        }
    }

    /// Bytes to skip at the start of the (transcoded) text. UTF-16 marks are
    /// removed by the transcoder.
    pub fn bom_len(self) -> usize {
        match self {
            Self::Utf8Bom => UTF8_BOM.len(),
            _ => 0,
        }
    }

    /// Decodes one field. The flag is true when a field of a UTF-8 file had
    /// to fall back to Windows-1252.
    pub fn decode(self, bytes: &[u8]) -> (Cow<'_, str>, bool) {
        match self {
            // UTF-16 reaches the tokenizer already transcoded to UTF-8.
            Self::Utf8 | Self::Utf8Bom | Self::Utf16Le | Self::Utf16Be => {
                match std::str::from_utf8(bytes) {
                    Ok(s) => (Cow::Borrowed(s), false),
                    Err(_) => (decode_1252(bytes), true),
                }
            }
            Self::Windows1252 => (decode_1252(bytes), false),
        }
    }
}

fn decode_1252(bytes: &[u8]) -> Cow<'_, str> {
    encoding_rs::WINDOWS_1252
        .decode_without_bom_handling(bytes)
        .0
}

/// A UTF-16 file read as UTF-8, seekable to any position of its UTF-8 text.
///
/// Written here because the streaming decoders available as crates
/// (`encoding_rs_io`) cannot seek, and parsing seeks back to the header after
/// looking at the head and after the date-order pre-scan. Seeking re-decodes
/// from the start, which costs one extra pass at most (the pre-scan already
/// is one); malformed sequences become U+FFFD.
pub struct Utf16ToUtf8<R> {
    inner: R,
    /// Position of the byte-order mark in `inner`.
    origin: u64,
    encoding: TextEncoding,
    decoder: encoding_rs::Decoder,
    raw: Box<[u8]>,
    raw_start: usize,
    raw_end: usize,
    out: Box<[u8]>,
    out_start: usize,
    out_end: usize,
    /// UTF-8 bytes handed out so far.
    pos: u64,
    inner_done: bool,
    finished: bool,
}

impl<R: Read + Seek> Utf16ToUtf8<R> {
    const RAW: usize = 64 * 1024;

    /// Reads `inner` from its current position, which must be the start of
    /// the byte-order mark. `None` when `encoding` is not UTF-16.
    pub fn new(mut inner: R, encoding: TextEncoding) -> io::Result<Option<Self>> {
        let Some(codec) = encoding.utf16_codec() else {
            return Ok(None);
        };
        let origin = inner.stream_position()?;
        Ok(Some(Self {
            inner,
            origin,
            encoding,
            decoder: codec.new_decoder_with_bom_removal(),
            raw: vec![0; Self::RAW].into_boxed_slice(),
            raw_start: 0,
            raw_end: 0,
            // Two UTF-16 bytes become at most three UTF-8 bytes.
            out: vec![0; Self::RAW * 3 / 2 + 16].into_boxed_slice(),
            out_start: 0,
            out_end: 0,
            pos: 0,
            inner_done: false,
            finished: false,
        }))
    }

    fn rewind(&mut self) -> io::Result<()> {
        self.inner.seek(SeekFrom::Start(self.origin))?;
        if let Some(codec) = self.encoding.utf16_codec() {
            self.decoder = codec.new_decoder_with_bom_removal();
        }
        self.raw_start = 0;
        self.raw_end = 0;
        self.out_start = 0;
        self.out_end = 0;
        self.pos = 0;
        self.inner_done = false;
        self.finished = false;
        Ok(())
    }
}

impl<R: Read> Read for Utf16ToUtf8<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_start < self.out_end {
                let n = buf.len().min(self.out_end - self.out_start);
                buf[..n].copy_from_slice(&self.out[self.out_start..self.out_start + n]);
                self.out_start += n;
                self.pos += n as u64;
                return Ok(n);
            }
            if self.finished || buf.is_empty() {
                return Ok(0);
            }
            if self.raw_start == self.raw_end && !self.inner_done {
                self.raw_end = self.inner.read(&mut self.raw)?;
                self.raw_start = 0;
                self.inner_done = self.raw_end == 0;
            }
            let last = self.inner_done;
            let (result, read, written, _) = self.decoder.decode_to_utf8(
                &self.raw[self.raw_start..self.raw_end],
                &mut self.out,
                last,
            );
            self.raw_start += read;
            self.out_start = 0;
            self.out_end = written;
            // The last call may still write (a replacement character for a
            // cut-off tail); the decoder is spent either way.
            if last && result == encoding_rs::CoderResult::InputEmpty {
                self.finished = true;
            }
        }
    }
}

impl<R: Read + Seek> Seek for Utf16ToUtf8<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => n,
            SeekFrom::Current(0) => return Ok(self.pos),
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    "a transcoded file seeks only to absolute positions",
                ))
            }
        };
        if target < self.pos {
            self.rewind()?;
        }
        let mut skip = target - self.pos;
        let mut sink = [0u8; 8192];
        while skip > 0 {
            let n = self.read(&mut sink[..skip.min(8192) as usize])?;
            if n == 0 {
                break;
            }
            skip -= n as u64;
        }
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_encodings() {
        assert_eq!(
            TextEncoding::detect(b"\xEF\xBB\xBFa,b").ok(),
            Some(TextEncoding::Utf8Bom)
        );
        assert_eq!(
            TextEncoding::detect(b"Cr\xE8me").ok(),
            Some(TextEncoding::Windows1252)
        );
        // Cut in the middle of "é" (C3 A9).
        assert_eq!(
            TextEncoding::detect(b"caf\xC3").ok(),
            Some(TextEncoding::Utf8)
        );
        assert_eq!(
            TextEncoding::detect(b"\xFF\xFEa\0").ok(),
            Some(TextEncoding::Utf16Le)
        );
    }

    fn utf16le(text: &str) -> Vec<u8> {
        let mut v = vec![0xFF, 0xFE];
        v.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        v
    }

    #[test]
    fn utf16_reads_as_utf8_and_seeks_back() {
        let text = "Datum\tArtikel\n".repeat(10_000) + "Crème brûlée ☕\n";
        let mut r = Utf16ToUtf8::new(io::Cursor::new(utf16le(&text)), TextEncoding::Utf16Le)
            .expect("io")
            .expect("utf-16");
        let mut all = String::new();
        r.read_to_string(&mut all).expect("read");
        assert_eq!(all, text);
        assert_eq!(r.seek(SeekFrom::Start(6)).expect("seek"), 6);
        let mut rest = String::new();
        r.read_to_string(&mut rest).expect("read");
        assert_eq!(rest, text[6..]);
    }

    #[test]
    fn a_cut_off_utf16_tail_is_a_replacement_character() {
        for bytes in [
            &b"\xFF\xFED"[..],
            &b"\xFF\xFEa\0b"[..],
            &b"\xFF\xFEa\0\x3D\xD8"[..],
        ] {
            let mut r = Utf16ToUtf8::new(io::Cursor::new(bytes), TextEncoding::Utf16Le)
                .expect("io")
                .expect("utf-16");
            let mut text = String::new();
            r.read_to_string(&mut text).expect("read");
            assert!(text.ends_with('\u{FFFD}'), "{text:?}");
        }
    }

    #[test]
    fn falls_back_per_field() {
        let (s, fell_back) = TextEncoding::Utf8.decode(b"Cr\xE8me");
        assert_eq!(s, "Crème");
        assert!(fell_back);
    }
}
