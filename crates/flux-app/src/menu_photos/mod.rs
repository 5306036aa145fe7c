//! Menu photo to menu: an owner photographs or scans the printed menu,
//! Flux proposes the dishes (sections as categories, names, descriptions,
//! prices) and the owner confirms or edits them.
//!
//! Reading happens in [`extract`]: a PDF becomes page images, each page is
//! prepared for OCR (`flux_menuscan::prepare`), read by the local
//! Tesseract ([`ocr`]) or, when one is configured, by a vision model
//! ([`vision`]), and parsed into dishes (`flux_menuscan::layout`). Nothing
//! is stored by reading: [`scans`] keeps the proposal until the owner
//! confirms it into the menu.

pub mod ocr;
pub mod scans;
pub mod vision;

use std::time::Instant;

use flux_menuscan::prepare::{self, Limits};
use flux_menuscan::ScannedItem;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{AppError, AppResult, Kind};

pub use ocr::{OcrError, Tesseract};
pub use vision::VisionModel;

/// What a photo may be.
#[derive(Debug, Clone, Copy)]
pub struct PhotoLimits {
    pub max_bytes: usize,
    pub max_pixels: u64,
    pub max_pages: u32,
}

impl Default for PhotoLimits {
    fn default() -> Self {
        PhotoLimits {
            max_bytes: 20 * 1024 * 1024,
            max_pixels: Limits::default().max_pixels,
            max_pages: 10,
        }
    }
}

/// Which reader produced the items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum Engine {
    /// Tesseract on this server.
    LocalOcr,
    /// The configured vision model.
    VisionModel,
}

impl Engine {
    pub fn label(self) -> &'static str {
        match self {
            Engine::LocalOcr => "local OCR (Tesseract)",
            Engine::VisionModel => "vision model",
        }
    }
}

/// The readers a server has.
#[derive(Debug, Clone, Default)]
pub struct Readers {
    pub tesseract: Option<Tesseract>,
    pub vision: Option<VisionModel>,
}

/// Dishes read off a photo, before anyone confirmed them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Extraction {
    pub items: Vec<ScannedItem>,
    pub engine: Engine,
    pub pages: u32,
    /// Tesseract languages used (`spa+eng`); empty for a vision model.
    pub languages: String,
    /// Wall time of the reading, in seconds.
    pub seconds: f64,
    /// What the owner should know (a model that failed, a page with no
    /// dishes).
    pub warnings: Vec<String>,
}

fn invalid(detail: impl Into<String>) -> AppError {
    AppError::new(Kind::InvalidFile, detail)
}

fn scan_error(e: flux_menuscan::ScanError) -> AppError {
    invalid(e.to_string())
}

pub(crate) fn ocr_error(e: OcrError) -> AppError {
    match e {
        OcrError::BadPdf(_) => invalid(e.to_string()),
        OcrError::NotInstalled | OcrError::NoPdfRenderer => {
            AppError::new(Kind::ReaderUnavailable, e.to_string())
        }
        OcrError::Timeout(_) => AppError::new(Kind::Busy, e.to_string()),
        OcrError::Failed(_) => AppError::internal(e),
    }
}

/// A page ready for a reader: the prepared grayscale PNG for OCR and the
/// upright original for a vision model.
struct PageImage {
    prepared: image::GrayImage,
    prepared_png: Vec<u8>,
    upright_png: Vec<u8>,
}

fn is_pdf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-")
}

/// Decodes and prepares one page off the async executor: it is seconds of
/// CPU on a large photo.
async fn prepare_page(bytes: Vec<u8>, limits: Limits) -> AppResult<PageImage> {
    tokio::task::spawn_blocking(move || {
        let img = prepare::decode(&bytes, limits).map_err(scan_error)?;
        let prepared = prepare::prepare(&img);
        let upright = img.to_luma8();
        Ok(PageImage {
            prepared_png: prepare::to_png(&prepared.image),
            prepared: prepared.image,
            upright_png: prepare::to_png(&upright),
        })
    })
    .await
    .map_err(AppError::internal)?
}

/// The Tesseract language for `locale` (English, else the first installed,
/// when it has none) and all installed languages with it first, for a
/// second reading when the first is unsure.
fn reading_languages(tesseract: &Tesseract, locale: &str) -> (String, String) {
    let primary = tesseract
        .language_for(locale)
        .or_else(|| tesseract.language_for("en"))
        .unwrap_or_else(|| tesseract.languages()[0].as_str())
        .to_string();
    let all = std::iter::once(primary.clone())
        .chain(
            tesseract
                .languages()
                .iter()
                .filter(|l| **l != primary)
                .cloned(),
        )
        .collect::<Vec<_>>()
        .join("+");
    (primary, all)
}

/// Reads the dishes of a photo or a PDF. `locale` (the restaurant's, such
/// as `es-MX`) picks the OCR language; the other installed languages are
/// the fallback when the first reading is unsure.
pub async fn extract(
    bytes: &[u8],
    locale: &str,
    readers: &Readers,
    limits: PhotoLimits,
) -> AppResult<Extraction> {
    let started = Instant::now();
    if bytes.is_empty() {
        return Err(AppError::new(Kind::EmptyFile, "the file is empty"));
    }
    if bytes.len() > limits.max_bytes {
        return Err(invalid(format!(
            "the file is {} bytes; photos are limited to {} bytes",
            bytes.len(),
            limits.max_bytes
        )));
    }
    let decode_limits = Limits {
        max_pixels: limits.max_pixels,
        ..Limits::default()
    };
    let raw_pages: Vec<Vec<u8>> = if is_pdf(bytes) {
        ocr::pdf_pages(bytes, limits.max_pages)
            .await
            .map_err(ocr_error)?
    } else {
        vec![bytes.to_vec()]
    };
    let mut pages = Vec::with_capacity(raw_pages.len());
    for raw in raw_pages {
        pages.push(prepare_page(raw, decode_limits).await?);
    }
    let mut warnings = Vec::new();
    if let Some(model) = &readers.vision {
        match vision::read_pages(model, pages.iter().map(|p| p.upright_png.as_slice())).await {
            Ok(items) => {
                return Ok(Extraction {
                    items,
                    engine: Engine::VisionModel,
                    pages: pages.len() as u32,
                    languages: String::new(),
                    seconds: started.elapsed().as_secs_f64(),
                    warnings,
                })
            }
            Err(e) if readers.tesseract.is_some() => {
                warnings.push(format!("the vision model could not be used ({e}); the menu was read with local OCR instead"));
            }
            Err(e) => return Err(AppError::new(Kind::ReaderUnavailable, e.to_string())),
        }
    }
    let tesseract = readers.tesseract.as_ref().ok_or_else(|| {
        AppError::new(
            Kind::ReaderUnavailable,
            "no menu reader is available on this server: install tesseract-ocr or configure a vision model",
        )
    })?;
    let (primary, all) = reading_languages(tesseract, locale);
    let mut words = Vec::new();
    let mut used = primary.clone();
    for (i, page) in pages.iter().enumerate() {
        let mut page_words = tesseract
            .read(&page.prepared_png, &primary)
            .await
            .map_err(ocr_error)?;
        // An unsure reading in the restaurant's language may be a menu in
        // another one: read again with every installed language.
        if all != primary && mean_confidence(&page_words) < 70.0 {
            let again = tesseract
                .read(&page.prepared_png, &all)
                .await
                .map_err(ocr_error)?;
            if mean_confidence(&again) > mean_confidence(&page_words) {
                page_words = again;
                used = all.clone();
            }
        }
        // Dishes without prices on a page that has prices elsewhere: the
        // layout pass may have dropped lone prices; a sparse pass finds them.
        let read = flux_menuscan::parse_menu(&page_words);
        let unpriced = read.iter().filter(|it| it.price.is_none()).count();
        if unpriced >= 2 && unpriced * 10 >= read.len() {
            let sparse = tesseract
                .read_sparse(&page.prepared_png, &used)
                .await
                .map_err(ocr_error)?;
            page_words = flux_menuscan::words::merge_sparse(page_words, sparse);
        }
        for w in &mut page_words {
            w.page = i as u32 + 1;
        }
        words.extend(page_words);
    }
    let mut items = flux_menuscan::parse_menu(&words);
    reread_unpriced_rows(tesseract, &pages, &used, &mut items).await?;
    if items.is_empty() {
        warnings.push("no dishes with names and prices were found; try a sharper, straighter photo of one page".into());
    }
    Ok(Extraction {
        items,
        engine: Engine::LocalOcr,
        pages: pages.len() as u32,
        languages: used,
        seconds: started.elapsed().as_secs_f64(),
        warnings,
    })
}

/// The words of a photographed or scanned document (a supplier's
/// invoice), read with the local OCR in the restaurant's language: the
/// same page preparation as menus, without the menu passes. A vision
/// model is not used here: its prompt reads menus.
pub async fn read_words(
    bytes: &[u8],
    locale: &str,
    readers: &Readers,
    limits: PhotoLimits,
) -> AppResult<Vec<flux_menuscan::Word>> {
    if bytes.is_empty() {
        return Err(AppError::new(Kind::EmptyFile, "the file is empty"));
    }
    if bytes.len() > limits.max_bytes {
        return Err(invalid(format!(
            "the file is {} bytes; photos are limited to {} bytes",
            bytes.len(),
            limits.max_bytes
        )));
    }
    let tesseract = readers.tesseract.as_ref().ok_or_else(|| {
        AppError::new(
            Kind::ReaderUnavailable,
            "no document reader is available on this server: install tesseract-ocr",
        )
    })?;
    let decode_limits = Limits {
        max_pixels: limits.max_pixels,
        ..Limits::default()
    };
    let raw_pages: Vec<Vec<u8>> = if is_pdf(bytes) {
        ocr::pdf_pages(bytes, limits.max_pages)
            .await
            .map_err(ocr_error)?
    } else {
        vec![bytes.to_vec()]
    };
    let (language, all) = reading_languages(tesseract, locale);
    let mut words = Vec::new();
    for (i, raw) in raw_pages.into_iter().enumerate() {
        let page = prepare_page(raw, decode_limits).await?;
        let mut page_words = tesseract
            .read_table(&page.prepared_png, &language)
            .await
            .map_err(ocr_error)?;
        // A supplier printing in another language than the restaurant's.
        if all != language && mean_confidence(&page_words) < 80.0 {
            let again = tesseract
                .read_table(&page.prepared_png, &all)
                .await
                .map_err(ocr_error)?;
            if mean_confidence(&again) > mean_confidence(&page_words) {
                page_words = again;
            }
        }
        for w in &mut page_words {
            w.page = i as u32 + 1;
        }
        words.extend(page_words);
    }
    Ok(words)
}

/// Whether bytes are a photo or PDF the readers take (by their magic
/// numbers), rather than text.
pub fn is_image_or_pdf(bytes: &[u8]) -> bool {
    is_pdf(bytes)
        || bytes.starts_with(b"\x89PNG")
        || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP")
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
}

/// Reads again, as one line each, the strips right of dishes that came
/// out without a price: a lone short price far from its name is what the
/// page passes miss most.
async fn reread_unpriced_rows(
    tesseract: &Tesseract,
    pages: &[PageImage],
    languages: &str,
    items: &mut [ScannedItem],
) -> AppResult<()> {
    const MAX_REREADS: usize = 60;
    let mut done = 0;
    for item in items.iter_mut().filter(|it| it.price.is_none()) {
        let (Some([_, top, right, bottom]), Some(page)) =
            (item.row, pages.get(item.page.saturating_sub(1) as usize))
        else {
            continue;
        };
        if done == MAX_REREADS {
            break;
        }
        done += 1;
        let (w, h) = page.prepared.dimensions();
        let pad = (bottom - top) / 3;
        let x0 = u32::try_from(right.max(0)).unwrap_or(0).min(w);
        let y0 = u32::try_from((top - pad).max(0)).unwrap_or(0).min(h);
        let y1 = u32::try_from((bottom + pad).max(0)).unwrap_or(0).min(h);
        let x1 = (x0 + w / 2).min(w);
        if x1 <= x0 + 8 || y1 <= y0 + 4 {
            continue;
        }
        let strip = image::imageops::crop_imm(&page.prepared, x0, y0, x1 - x0, y1 - y0).to_image();
        let words = tesseract
            .read_line(&prepare::to_png(&strip), languages)
            .await
            .map_err(ocr_error)?;
        let variants = flux_menuscan::row_prices(&words);
        if let Some(first) = variants.first() {
            item.price = Some(first.price);
            item.variants = variants;
            item.confidence = (item.confidence / 0.6 * 0.8).min(1.0);
        }
    }
    Ok(())
}

fn mean_confidence(words: &[flux_menuscan::Word]) -> f32 {
    if words.is_empty() {
        return 0.0;
    }
    words.iter().map(|w| w.confidence).sum::<f32>() / words.len() as f32
}
