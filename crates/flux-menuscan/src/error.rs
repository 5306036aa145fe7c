//! What can go wrong reading a menu photo, worded for the person who sent it.

/// Why a photo or an OCR answer could not be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScanError {
    /// The bytes are not an image in a supported format, or are damaged.
    #[error("the file is not a readable JPEG, PNG or WebP image: {0}")]
    Unreadable(String),
    /// More pixels than the limit (decompression bombs look like this too).
    #[error("the image is {width}×{height} pixels; photos are limited to {max_pixels} pixels (about {megapixels} megapixels)")]
    TooManyPixels {
        width: u32,
        height: u32,
        max_pixels: u64,
        megapixels: u64,
    },
    /// Too small to hold readable text.
    #[error("the image is {width}×{height} pixels; at least {min}×{min} is needed to read text")]
    TooSmall { width: u32, height: u32, min: u32 },
    /// The OCR engine's TSV output did not have the expected shape.
    #[error("the OCR output is malformed at line {line}: {reason}")]
    MalformedTsv { line: usize, reason: String },
}
