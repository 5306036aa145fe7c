//! Text encoding detection and per-field decoding.
//!
//! Restaurant exports are UTF-8 (sometimes with a byte-order mark) or, from
//! older Windows back offices, Windows-1252. The file-level choice is made
//! from the head of the file; because a 1252 byte can first appear deep in a
//! large file, every field is also decoded defensively: a field that is not
//! valid UTF-8 is decoded as 1252 and counted, instead of failing the row.

use std::borrow::Cow;

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
}

impl std::fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Utf8 => "UTF-8",
            Self::Utf8Bom => "UTF-8 with BOM",
            Self::Windows1252 => "Windows-1252",
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
        if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
            return Err(IngestError::UnsupportedEncoding("UTF-16"));
        }
        match std::str::from_utf8(head) {
            Ok(_) => Ok(Self::Utf8),
            // error_len() == None: the head was cut inside a character.
            Err(e) if e.error_len().is_none() => Ok(Self::Utf8),
            Err(_) => Ok(Self::Windows1252),
        }
    }

    /// Bytes to skip at the start of the file.
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
            Self::Utf8 | Self::Utf8Bom => match std::str::from_utf8(bytes) {
                Ok(s) => (Cow::Borrowed(s), false),
                Err(_) => (decode_1252(bytes), true),
            },
            Self::Windows1252 => (decode_1252(bytes), false),
        }
    }
}

fn decode_1252(bytes: &[u8]) -> Cow<'_, str> {
    encoding_rs::WINDOWS_1252
        .decode_without_bom_handling(bytes)
        .0
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
        assert!(TextEncoding::detect(b"\xFF\xFEa\0").is_err());
    }

    #[test]
    fn falls_back_per_field() {
        let (s, fell_back) = TextEncoding::Utf8.decode(b"Cr\xE8me");
        assert_eq!(s, "Crème");
        assert!(fell_back);
    }
}
