//! Reading a printed menu from a photo or a scan.
//!
//! Pure and synchronous: bytes or word boxes in, values out. The OCR
//! engine itself (Tesseract) and the optional vision model are called by
//! the application layer; this crate prepares the image they read and
//! turns what they saw into dishes.
//!
//! - [`prepare`]: decode within pixel limits, honour EXIF orientation,
//!   grayscale, upscale small pages, deskew, and threshold unevenly lit
//!   photos.
//! - [`invoice`]: the line items of a supplier invoice (numbers that
//!   multiply out), for invoices read by the same OCR.
//! - [`words`]: Tesseract's TSV output as word boxes.
//! - [`layout`]: columns, section headers, dot leaders, prices in many
//!   styles ([`price`]), descriptions, variants and a confidence per dish.
//! - `synthetic` (feature): rendered menus with known content and the
//!   scoring used by the accuracy test and the benchmark.

pub mod error;
pub mod invoice;
pub mod layout;
pub mod prepare;
pub mod price;
#[cfg(feature = "synthetic")]
pub mod synthetic;
pub mod words;

pub use error::ScanError;
pub use layout::{parse_menu, row_prices, ScannedItem, Variant};
pub use words::{parse_tsv, Word};
