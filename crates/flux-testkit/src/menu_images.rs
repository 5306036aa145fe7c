//! Fonts and encodings for the rendered menus of the menu photo tests
//! (`flux_menuscan::synthetic` draws them; it reads no files itself).

use std::io::Cursor;

use ab_glyph::FontArc;

/// Faces from Debian's fonts-dejavu-core, fonts-liberation2 and
/// fonts-freefont-ttf, which `.ci/run` installs.
pub const FONTS: [&str; 6] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSerif.ttf",
];

/// The fonts, loaded; panics naming the missing package's file.
pub fn fonts() -> Vec<FontArc> {
    FONTS
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("font {p}: {e}"));
            FontArc::try_from_vec(bytes).unwrap_or_else(|e| panic!("font {p}: {e}"))
        })
        .collect()
}

/// An image encoded as a phone or a scanner would send it.
pub fn encode(img: &image::RgbImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format)
        .expect("encoding an in-memory image");
    out
}
