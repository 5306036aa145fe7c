//! Accuracy of reading menu photos with the real local OCR: rendered menus
//! with known content (fonts, one to three columns, headers, leaders,
//! every price style, rotated and photo-like pages) are read through the
//! same `extract` the API and the CLI call, and scored.

use std::io::Cursor;
use std::time::Instant;

use ab_glyph::FontArc;
use flux_app::menu_photos::{extract, PhotoLimits, Readers, Tesseract};
use flux_menuscan::synthetic::{render, score, standard_set, Score};

/// Faces from Debian's fonts-dejavu-core, fonts-liberation2 and
/// fonts-freefont-ttf, which `.ci/run` installs.
const FONTS: [&str; 6] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSerif.ttf",
];

fn fonts() -> Vec<FontArc> {
    FONTS
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("font {p}: {e}"));
            FontArc::try_from_vec(bytes).unwrap_or_else(|e| panic!("font {p}: {e}"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_menus_are_read_with_the_promised_accuracy() {
    let fonts = fonts();
    let readers = Readers {
        tesseract: Some(Tesseract::detect().await.expect("tesseract is installed")),
        vision: None,
    };
    let mut total = Score::default();
    let mut seconds = Vec::new();
    for spec in standard_set(fonts.len()) {
        let page = render(&spec, &fonts);
        let mut bytes = Vec::new();
        // Photo-like pages travel as JPEG, as a phone would send them.
        let format = if spec.photo_like {
            image::ImageFormat::Jpeg
        } else {
            image::ImageFormat::Png
        };
        page.image
            .write_to(&mut Cursor::new(&mut bytes), format)
            .expect("encode");
        if let Some(dir) = std::env::var_os("MENU_SAVE") {
            let _ = std::fs::write(
                std::path::Path::new(&dir).join(format!("{}.png", spec.seed)),
                &bytes,
            );
        }
        let started = Instant::now();
        let got = extract(&bytes, "en-US", &readers, PhotoLimits::default())
            .await
            .expect("extract");
        seconds.push(started.elapsed().as_secs_f64());
        let s = score(&page.truth, &got.items);
        println!(
            "{:<45} items {:>2}/{:<2} prices {:>2} categories {:>2} spurious {:>2}  {:.1} s",
            spec.name,
            s.found,
            s.truth_items,
            s.price_right,
            s.category_right,
            s.spurious,
            started.elapsed().as_secs_f64()
        );
        if std::env::var_os("MENU_DEBUG").is_some() {
            for it in &got.items {
                println!(
                    "    {:?} | {:?} | {:?} | {:?} | {}",
                    it.category, it.name, it.price, it.description, it.confidence
                );
            }
            for t in &page.truth {
                println!("    truth {} | {} | {}", t.category, t.name, t.price);
            }
        }
        total.add(s);
    }
    seconds.sort_by(f64::total_cmp);
    println!(
        "recall {:.1} %, price accuracy {:.1} %, category accuracy {:.1} %, spurious {}, median {:.2} s per page",
        total.recall() * 100.0,
        total.price_accuracy() * 100.0,
        total.category_accuracy() * 100.0,
        total.spurious,
        seconds[seconds.len() / 2]
    );
    assert!(total.recall() >= 0.90, "item recall {:.3}", total.recall());
    assert!(
        total.price_accuracy() >= 0.95,
        "price accuracy {:.3}",
        total.price_accuracy()
    );
    assert!(
        total.category_accuracy() >= 0.85,
        "category accuracy {:.3}",
        total.category_accuracy()
    );
}
