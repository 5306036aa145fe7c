//! Turning a photo into what OCR reads best: upright (EXIF orientation),
//! grayscale, text large enough (small images upscaled), level lines
//! (deskewed by the angle that makes rows of text sharpest), and even
//! contrast (a local threshold for photos lit unevenly).

use std::io::Cursor;

use image::{DynamicImage, GrayImage, ImageDecoder, ImageReader, Luma};
use imageproc::geometric_transformations::{rotate_about_center, Interpolation};
use imageproc::region_labelling::{connected_components, Connectivity};

use crate::error::ScanError;

/// Bounds on what is decoded.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_pixels: u64,
    pub min_side: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // A 40 MP phone photo; decoded grayscale that is 40 MB.
            max_pixels: 40_000_000,
            min_side: 200,
        }
    }
}

/// The prepared page and what was done to it.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub image: GrayImage,
    /// Clockwise skew found, in degrees; the page was turned back by it.
    pub deskew_degrees: f32,
    pub upscaled: bool,
    /// Whether uneven lighting was flattened.
    pub thresholded: bool,
    /// Leader dots erased (OCR reads rows of dots as letters).
    pub leader_dots: usize,
}

/// Decodes a JPEG, PNG or WebP within the limits and turns it upright.
pub fn decode(bytes: &[u8], limits: Limits) -> Result<DynamicImage, ScanError> {
    let unreadable = |e: image::ImageError| ScanError::Unreadable(e.to_string());
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ScanError::Unreadable(e.to_string()))?;
    let (width, height) = reader.into_dimensions().map_err(unreadable)?;
    check_size(width, height, limits)?;
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ScanError::Unreadable(e.to_string()))?;
    let mut decoder_limits = image::Limits::default();
    decoder_limits.max_image_width = Some(width);
    decoder_limits.max_image_height = Some(height);
    decoder_limits.max_alloc = Some(limits.max_pixels.saturating_mul(4));
    reader.limits(decoder_limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// The limits on a page's size, also for pages a PDF renderer produced.
pub fn check_size(width: u32, height: u32, limits: Limits) -> Result<(), ScanError> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels {
        return Err(ScanError::TooManyPixels {
            width,
            height,
            max_pixels: limits.max_pixels,
            megapixels: limits.max_pixels / 1_000_000,
        });
    }
    if width.min(height) < limits.min_side {
        return Err(ScanError::TooSmall {
            width,
            height,
            min: limits.min_side,
        });
    }
    Ok(())
}

/// Grayscale, upscale, deskew and even out an upright image.
pub fn prepare(img: &DynamicImage) -> Prepared {
    let mut gray = img.to_luma8();
    // Tesseract reads best at about 300 dpi; a page photographed or saved
    // at under 1600 px across has its small print below that.
    let long = gray.width().max(gray.height());
    let upscaled = long < 1600;
    if upscaled {
        let f = 2000.0 / long as f32;
        gray = image::imageops::resize(
            &gray,
            (gray.width() as f32 * f) as u32,
            (gray.height() as f32 * f) as u32,
            image::imageops::FilterType::CatmullRom,
        );
    }
    stretch_contrast(&mut gray);
    let thresholded = uneven(&gray);
    if thresholded {
        flatten_background(&mut gray);
        stretch_contrast(&mut gray);
    }
    let angle = skew_angle(&gray);
    if angle.abs() >= 0.2 {
        gray = rotate_about_center(
            &gray,
            -angle.to_radians(),
            Interpolation::Bilinear,
            Luma([255u8]),
        );
    }
    let leader_dots = erase_leader_dots(&mut gray);
    Prepared {
        image: gray,
        deskew_degrees: angle,
        upscaled,
        thresholded,
        leader_dots,
    }
}

/// Maps the 1st..99th percentile of brightness onto the full range, so a
/// grey-on-grey photo becomes black on white.
fn stretch_contrast(img: &mut GrayImage) {
    let mut hist = [0u64; 256];
    for p in img.pixels() {
        hist[p.0[0] as usize] += 1;
    }
    let total: u64 = hist.iter().sum();
    let pct = |q: f64| {
        let target = (total as f64 * q) as u64;
        let mut acc = 0;
        for (v, &n) in hist.iter().enumerate() {
            acc += n;
            if acc >= target {
                return v as f32;
            }
        }
        255.0
    };
    let (lo, hi) = (pct(0.01), pct(0.99));
    if hi - lo < 1.0 || (lo < 2.0 && hi > 253.0) {
        return;
    }
    for p in img.pixels_mut() {
        let v = ((p.0[0] as f32 - lo) * 255.0 / (hi - lo)).clamp(0.0, 255.0);
        p.0[0] = v as u8;
    }
}

/// Evens out the light: the paper's brightness and the ink's darkness are
/// estimated on a coarse grid and each region is stretched between them,
/// so a page lit from one corner has one white and one black everywhere.
/// (A local threshold does the same for text but turns the paper's grain
/// into speckles that OCR reads as letters.)
fn flatten_background(img: &mut GrayImage) {
    // The grain of a phone photo first: a 3×3 median keeps strokes.
    *img = imageproc::filter::median_filter(img, 1, 1);
    let (w, h) = img.dimensions();
    let cell = 24u32;
    let (gw, gh) = (w.div_ceil(cell), h.div_ceil(cell));
    let mut paper = GrayImage::new(gw, gh);
    let mut ink = GrayImage::new(gw, gh);
    for gy in 0..gh {
        for gx in 0..gw {
            let mut hist = [0u32; 256];
            let mut n = 0;
            for y in (gy * cell)..((gy + 1) * cell).min(h) {
                for x in (gx * cell)..((gx + 1) * cell).min(w) {
                    hist[img.get_pixel(x, y).0[0] as usize] += 1;
                    n += 1;
                }
            }
            let at = |q: u32| {
                let mut acc = 0;
                for (level, &c) in hist.iter().enumerate() {
                    acc += c;
                    if acc * 100 >= n * q {
                        return level as u8;
                    }
                }
                255
            };
            // The bright end of a cell is paper unless the cell is all
            // ink, which the neighbourhood filters below take care of.
            paper.put_pixel(gx, gy, Luma([at(90)]));
            ink.put_pixel(gx, gy, Luma([at(3)]));
        }
    }
    let neighbourhood = |grid: &GrayImage, pick: fn(u8, u8) -> u8, start: u8| {
        GrayImage::from_fn(gw, gh, |gx, gy| {
            let mut m = start;
            for dy in -2i64..=2 {
                for dx in -2i64..=2 {
                    let (x, y) = (gx as i64 + dx, gy as i64 + dy);
                    if x >= 0 && y >= 0 && (x as u32) < gw && (y as u32) < gh {
                        m = pick(m, grid.get_pixel(x as u32, y as u32).0[0]);
                    }
                }
            }
            Luma([m])
        })
    };
    let paper = neighbourhood(&paper, u8::max, 0);
    let ink = neighbourhood(&ink, u8::min, 255);
    let paper = image::imageops::resize(&paper, w, h, image::imageops::FilterType::Triangle);
    let ink = image::imageops::resize(&ink, w, h, image::imageops::FilterType::Triangle);
    // Each region's own ink-to-paper range becomes black-to-white, so
    // grey print in a shadow reads as well as black print in the light;
    // regions without print keep their grain small.
    for ((p, b), k) in img.pixels_mut().zip(paper.pixels()).zip(ink.pixels()) {
        let (bg, dark) = (f32::from(b.0[0]), f32::from(k.0[0]));
        let v = if bg - dark < 45.0 {
            // No print nearby: only the light is divided out.
            f32::from(p.0[0]) * 255.0 / bg.max(32.0)
        } else {
            let range = (bg - dark).max(70.0);
            (f32::from(p.0[0]) - (bg - range)) * 255.0 / range
        };
        p.0[0] = v.clamp(0.0, 255.0) as u8;
    }
}

/// Erases dot leaders: runs of six or more small, evenly spaced blobs on
/// one baseline. Tesseract reads them as "ee", "o.oo" or digits glued to
/// the price, so they are removed before it looks. Decimal points and the
/// dots of an i are single blobs, not runs, and stay.
fn erase_leader_dots(img: &mut GrayImage) -> usize {
    let (w, h) = img.dimensions();
    let binary = GrayImage::from_fn(w, h, |x, y| {
        Luma([if img.get_pixel(x, y).0[0] < 140 {
            255
        } else {
            0
        }])
    });
    let labels = connected_components(&binary, Connectivity::Eight, Luma([0u8]));
    #[derive(Clone, Copy)]
    struct Blob {
        x0: u32,
        y0: u32,
        x1: u32,
        y1: u32,
        n: u32,
    }
    let mut blobs: Vec<Blob> = Vec::new();
    for (x, y, l) in labels.enumerate_pixels() {
        let l = l.0[0] as usize;
        if l == 0 {
            continue;
        }
        if blobs.len() < l {
            blobs.resize(
                l,
                Blob {
                    x0: u32::MAX,
                    y0: u32::MAX,
                    x1: 0,
                    y1: 0,
                    n: 0,
                },
            );
        }
        let b = &mut blobs[l - 1];
        b.x0 = b.x0.min(x);
        b.y0 = b.y0.min(y);
        b.x1 = b.x1.max(x);
        b.y1 = b.y1.max(y);
        b.n += 1;
    }
    let max_dot = (w.max(h) / 250).max(4);
    let mut dots: Vec<(f32, f32, f32, usize)> = blobs
        .iter()
        .enumerate()
        .filter_map(|(i, b)| {
            let (bw, bh) = (b.x1 + 1 - b.x0, b.y1 + 1 - b.y0);
            let aspect = bw as f32 / bh as f32;
            let fill = b.n as f32 / (bw * bh) as f32;
            (b.n > 0
                && bw <= max_dot
                && bh <= max_dot
                && (0.4..=2.5).contains(&aspect)
                && fill >= 0.35)
                .then(|| {
                    (
                        (b.x0 + b.x1) as f32 / 2.0,
                        (b.y0 + b.y1) as f32 / 2.0,
                        bw.max(bh) as f32,
                        i,
                    )
                })
        })
        .collect();
    // Noise, not a menu: leave it to the OCR engine.
    if dots.len() > 40_000 {
        return 0;
    }
    dots.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut next: Vec<Option<usize>> = vec![None; dots.len()];
    let mut has_prev = vec![false; dots.len()];
    for i in 0..dots.len() {
        let (x, y, d, _) = dots[i];
        let mut best: Option<(usize, f32)> = None;
        for (j, &(x2, y2, d2, _)) in dots.iter().enumerate().skip(i + 1) {
            let dx = x2 - x;
            if dx > 6.0 * d.max(d2) + 6.0 {
                break;
            }
            if dx > 0.5
                && (y2 - y).abs() <= (d.max(d2) * 0.5).max(1.5)
                && best.is_none_or(|(_, bd)| dx < bd)
            {
                best = Some((j, dx));
            }
        }
        if let Some((j, _)) = best {
            if !has_prev[j] {
                next[i] = Some(j);
                has_prev[j] = true;
            }
        }
    }
    let mut erased = 0;
    for (start, _) in has_prev.iter().enumerate().filter(|(_, p)| !**p) {
        let mut chain = vec![start];
        let mut k = start;
        while let Some(j) = next[k] {
            chain.push(j);
            k = j;
        }
        if chain.len() < 6 {
            continue;
        }
        // Cut the run where the spacing breaks: the last leader dot and a
        // decimal point a digit further on are not one run.
        let gaps: Vec<f32> = chain
            .windows(2)
            .map(|p| dots[p[1]].0 - dots[p[0]].0)
            .collect();
        let mut sorted = gaps.clone();
        sorted.sort_by(f32::total_cmp);
        let typical = sorted[sorted.len() / 2];
        let mut segment: Vec<usize> = vec![chain[0]];
        let mut runs: Vec<Vec<usize>> = Vec::new();
        for (k, g) in gaps.iter().enumerate() {
            if *g > 1.4 * typical || *g < 0.6 * typical {
                runs.push(std::mem::take(&mut segment));
            }
            segment.push(chain[k + 1]);
        }
        runs.push(segment);
        // Leader dots stand apart; the letters of small print (o, e, c)
        // are compact blobs too, but touch-close to each other.
        let spaced = |r: &Vec<usize>| {
            let size = r.iter().map(|&c| dots[c].2).sum::<f32>() / r.len() as f32;
            let span = dots[r[r.len() - 1]].0 - dots[r[0]].0;
            span / (r.len() - 1) as f32 >= 2.2 * size
        };
        for run in runs.into_iter().filter(|r| r.len() >= 6 && spaced(r)) {
            for &c in &run {
                let b = blobs[dots[c].3];
                for y in b.y0.saturating_sub(1)..=(b.y1 + 1).min(h - 1) {
                    for x in b.x0.saturating_sub(1)..=(b.x1 + 1).min(w - 1) {
                        img.put_pixel(x, y, Luma([255]));
                    }
                }
            }
            erased += run.len();
        }
    }
    erased
}

/// Whether the background brightness varies across the page (shadow,
/// vignetting) enough that one global threshold would lose text.
fn uneven(img: &GrayImage) -> bool {
    let (w, h) = img.dimensions();
    let cells = 4u32;
    let mut backgrounds = Vec::new();
    for cy in 0..cells {
        for cx in 0..cells {
            let mut hist = [0u32; 256];
            let (x0, y0) = (cx * w / cells, cy * h / cells);
            let (x1, y1) = ((cx + 1) * w / cells, (cy + 1) * h / cells);
            for y in (y0..y1).step_by(4) {
                for x in (x0..x1).step_by(4) {
                    hist[img.get_pixel(x, y).0[0] as usize] += 1;
                }
            }
            // The bright end of a cell is its paper.
            let total: u32 = hist.iter().sum();
            let mut acc = 0;
            let mut bg = 255;
            for v in (0..256).rev() {
                acc += hist[v];
                if acc * 5 >= total {
                    bg = v;
                    break;
                }
            }
            backgrounds.push(bg as i32);
        }
    }
    let max = backgrounds.iter().max().copied().unwrap_or(255);
    let min = backgrounds.iter().min().copied().unwrap_or(255);
    max - min > 40
}

/// The page's skew in degrees clockwise (lines falling to the right), found
/// as the angle whose row profile of dark pixels is the most peaked: level
/// text makes dense rows separated by empty ones.
fn skew_angle(full: &GrayImage) -> f32 {
    // Measured on a reduced copy: averaging pixels removes the grain of a
    // photo, which would otherwise outvote the text.
    let factor = (full.width().max(full.height()) / 1000).max(1);
    let img = image::imageops::resize(
        full,
        full.width() / factor,
        full.height() / factor,
        image::imageops::FilterType::Triangle,
    );
    let (w, h) = img.dimensions();
    let step = 1u32;
    // Only pixels in blocks that look like print: a block that is mostly
    // dark is a shadow, a photo's grain or the table the page lies on,
    // whose edges and blotches would outvote the text.
    let block = 24u32;
    let bw = w.div_ceil(block);
    let mut density = vec![0u32; (bw * h.div_ceil(block)) as usize];
    for (x, y, p) in img.enumerate_pixels() {
        if p.0[0] < 110 {
            density[((y / block) * bw + x / block) as usize] += 1;
        }
    }
    let printed = |x: u32, y: u32| {
        let d = density[((y / block) * bw + x / block) as usize];
        d * 100 <= block * block * 30
    };
    let dark: Vec<(f32, f32)> = (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y).0[0] < 110 && printed(x, y))
        .map(|(x, y)| (x as f32, y as f32))
        .collect();
    if dark.len() < 100 {
        return 0.0;
    }
    let score = |deg: f32| {
        let (s, c) = deg.to_radians().sin_cos();
        let rows = (h / step + w / step + 2) as usize;
        let mut profile = vec![0u32; rows * 2];
        for &(x, y) in &dark {
            let r = (y * c - x * s) / step as f32 + rows as f32 * 0.5;
            if r >= 0.0 {
                if let Some(v) = profile.get_mut(r as usize) {
                    *v += 1;
                }
            }
        }
        profile
            .iter()
            .map(|&v| f64::from(v) * f64::from(v))
            .sum::<f64>()
    };
    let mut best = (0.0f32, score(0.0));
    let mut deg = -6.0f32;
    while deg <= 6.0 {
        let sc = score(deg);
        if sc > best.1 {
            best = (deg, sc);
        }
        deg += 0.5;
    }
    let (coarse, _) = best;
    let mut deg = coarse - 0.5;
    while deg <= coarse + 0.5 {
        let sc = score(deg);
        if sc > best.1 {
            best = (deg, sc);
        }
        deg += 0.1;
    }
    best.0
}

/// PNG bytes of a prepared page, for the OCR engine.
pub fn to_png(img: &GrayImage) -> Vec<u8> {
    let mut out = Vec::new();
    // Encoding an in-memory grayscale buffer cannot fail.
    let _ = img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_image(angle_deg: f32) -> GrayImage {
        let mut img = GrayImage::from_pixel(1200, 800, Luma([255]));
        for row in 0..12 {
            let y0 = 80 + row * 50;
            for y in y0..y0 + 14 {
                for x in 100..1100 {
                    if (x / 9) % 4 != 3 {
                        img.put_pixel(x, y, Luma([0]));
                    }
                }
            }
        }
        rotate_about_center(
            &img,
            angle_deg.to_radians(),
            Interpolation::Bilinear,
            Luma([255]),
        )
    }

    #[test]
    fn skew_is_measured_within_a_fraction_of_a_degree() {
        for angle in [-3.0f32, 0.0, 1.5, 4.0] {
            let found = skew_angle(&lines_image(angle));
            assert!(
                (found - angle).abs() < 0.35,
                "turned {angle}, found {found}"
            );
        }
    }

    #[test]
    fn too_big_and_too_small_are_refused_before_decoding() {
        let limits = Limits::default();
        assert!(matches!(
            check_size(10_000, 10_000, limits),
            Err(ScanError::TooManyPixels { .. })
        ));
        assert!(matches!(
            check_size(100, 1000, limits),
            Err(ScanError::TooSmall { .. })
        ));
        assert!(check_size(2000, 3000, limits).is_ok());
    }

    #[test]
    fn garbage_is_unreadable_not_a_panic() {
        assert!(matches!(
            decode(b"not an image", Limits::default()),
            Err(ScanError::Unreadable(_))
        ));
        let mut png = to_png(&GrayImage::from_pixel(300, 300, Luma([200])));
        png.truncate(png.len() / 2);
        assert!(decode(&png, Limits::default()).is_err());
    }
}
