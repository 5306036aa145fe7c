//! Accuracy of reading menu photos with the real local OCR: rendered menus
//! with known content (fonts, one to three columns, headers, leaders,
//! every price style, rotated and photo-like pages) are read through the
//! same `extract` the API and the CLI call, and scored.

use std::time::{Duration, Instant};

use flux_app::menu_photos::{extract, Engine, PhotoLimits, Readers, Tesseract, VisionModel};
use flux_menuscan::synthetic::{render, score, standard_set, Score};
use flux_testkit::fake_model::{self, completion, http};
use flux_testkit::menu_images::{encode, fonts};

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
        // Photo-like pages travel as JPEG, as a phone would send them.
        let format = if spec.photo_like {
            image::ImageFormat::Jpeg
        } else {
            image::ImageFormat::Png
        };
        let bytes = encode(&page.image, format);
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

/// The fake model: a menu request is answered with `reply` once it names
/// the schema and carries the page as a PNG data URL.
async fn fake_model(reply: String, delay: Duration) -> (String, tokio::task::JoinHandle<()>) {
    fake_model::serve(
        move |request| {
            let ok = fake_model::schema_name(request) == "menu"
                && request["messages"][1]["content"][1]["image_url"]["url"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("data:image/png;base64,"));
            if ok {
                reply.clone()
            } else {
                http(400, "{}")
            }
        },
        delay,
    )
    .await
}

fn one_page() -> Vec<u8> {
    let fonts = fonts();
    let spec = &standard_set(fonts.len())[0];
    encode(&render(spec, &fonts).image, image::ImageFormat::Png)
}

#[tokio::test]
async fn a_vision_model_answer_is_used_and_validated() {
    let content = serde_json::json!({"items": [
        {"name": "Caesar Salad", "category": "Starters", "description": "romaine",
         "prices": [{"label": null, "price": 12.5}], "confidence": 0.97},
        {"name": "\u{7}", "category": null, "description": null, "prices": [], "confidence": 0.5}
    ]})
    .to_string();
    let (url, _server) = fake_model(completion(&content), Duration::ZERO).await;
    let readers = Readers {
        tesseract: None,
        vision: Some(VisionModel::new(
            &url,
            Some("test-key".into()),
            "test-model",
        )),
    };
    let got = extract(&one_page(), "en-US", &readers, PhotoLimits::default())
        .await
        .expect("extract");
    assert_eq!(got.engine, Engine::VisionModel);
    assert_eq!(
        got.items.len(),
        1,
        "the name of only a control character is dropped"
    );
    assert_eq!(got.items[0].name, "Caesar Salad");
    assert_eq!(got.items[0].price, Some(rust_decimal::Decimal::new(125, 1)));
}

#[tokio::test]
async fn a_malformed_or_slow_model_falls_back_to_local_ocr() {
    let tesseract = Tesseract::detect().await.expect("tesseract is installed");
    let page = one_page();
    for (reply, delay) in [
        (
            completion("Sure! Here is the menu: Caesar Salad 12.50"),
            Duration::ZERO,
        ),
        (http(500, "{\"error\": \"overloaded\"}"), Duration::ZERO),
        (completion("{\"items\": []}"), Duration::from_secs(5)),
    ] {
        let (url, _server) = fake_model(reply, delay).await;
        let mut model = VisionModel::new(&url, None, "test-model");
        model.timeout = Duration::from_secs(1);
        let readers = Readers {
            tesseract: Some(tesseract.clone()),
            vision: Some(model),
        };
        let got = extract(&page, "en-US", &readers, PhotoLimits::default())
            .await
            .expect("extract");
        assert_eq!(got.engine, Engine::LocalOcr);
        assert!(
            got.warnings.iter().any(|w| w.contains("vision model")),
            "{:?}",
            got.warnings
        );
        assert!(got.items.len() >= 12, "{} items", got.items.len());
    }
    // With no local OCR to fall back on, the failure is the answer.
    let (url, _server) = fake_model(completion("not json"), Duration::ZERO).await;
    let readers = Readers {
        tesseract: None,
        vision: Some(VisionModel::new(&url, None, "m")),
    };
    let err = extract(&page, "en-US", &readers, PhotoLimits::default())
        .await
        .expect_err("malformed");
    assert_eq!(err.kind(), Some(flux_app::Kind::ReaderUnavailable));
}

#[tokio::test]
async fn photos_that_are_not_menus_are_refused_with_the_reason() {
    let readers = Readers {
        tesseract: Some(Tesseract::detect().await.expect("tesseract is installed")),
        vision: None,
    };
    let limits = PhotoLimits::default();
    for (bytes, want) in [
        (
            b"GIF89a not really".to_vec(),
            "not a readable JPEG, PNG or WebP",
        ),
        (b"%PDF-1.4 truncated".to_vec(), "PDF could not be read"),
        (
            encode(&image::RgbImage::new(120, 90), image::ImageFormat::Png),
            "at least 200",
        ),
        (
            encode(&image::RgbImage::new(8000, 6000), image::ImageFormat::Png),
            "limited to 40000000 pixels",
        ),
    ] {
        let err = extract(&bytes, "en-US", &readers, limits)
            .await
            .expect_err("refused");
        assert_eq!(err.kind(), Some(flux_app::Kind::InvalidFile), "{err}");
        assert!(err.to_string().contains(want), "{err}");
    }
    let err = extract(b"", "en-US", &readers, limits)
        .await
        .expect_err("empty");
    assert_eq!(err.kind(), Some(flux_app::Kind::EmptyFile));
}

#[tokio::test]
async fn the_reading_language_follows_the_restaurants_locale() {
    let t = Tesseract::detect().await.expect("tesseract is installed");
    assert!(
        t.languages().iter().any(|l| l == "eng"),
        "{:?}",
        t.languages()
    );
    assert_eq!(t.language_for("es-MX"), Some("spa"));
    assert_eq!(t.language_for("en_GB"), Some("eng"));
    // No data for Japanese here: the caller falls back to English.
    assert_eq!(t.language_for("ja-JP"), None);
    // A Spanish restaurant's menu is read with Spanish first.
    let readers = Readers {
        tesseract: Some(t),
        vision: None,
    };
    let got = extract(&one_page(), "es-ES", &readers, PhotoLimits::default())
        .await
        .expect("extract");
    assert!(got.languages.starts_with("spa"), "{}", got.languages);
    assert!(got.items.len() >= 12, "{} items", got.items.len());
}

/// A JPEG with an EXIF orientation tag (APP1 right after SOI): how a phone
/// stores a photo taken sideways.
fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II*\0");
    tiff.extend_from_slice(&8u32.to_le_bytes());
    tiff.extend_from_slice(&1u16.to_le_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&orientation.to_le_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let len = u16::try_from(app1.len() + 2).expect("small");
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[tokio::test]
async fn sideways_phone_photos_webp_and_pdf_are_read() {
    let tesseract = Tesseract::detect().await.expect("tesseract is installed");
    let readers = Readers {
        tesseract: Some(tesseract),
        vision: None,
    };
    let fonts = fonts();
    let page = render(&standard_set(fonts.len())[0], &fonts);
    let n = page.truth.len();

    // Stored turned a quarter to the left, tagged "rotate 90° clockwise".
    let sideways = image::imageops::rotate270(&page.image);
    let jpeg = with_exif_orientation(&encode(&sideways, image::ImageFormat::Jpeg), 6);
    let got = extract(&jpeg, "en-US", &readers, PhotoLimits::default())
        .await
        .expect("sideways JPEG");
    assert!(
        score(&page.truth, &got.items).found + 1 >= n,
        "{} of {n}",
        got.items.len()
    );

    let webp = encode(&page.image, image::ImageFormat::WebP);
    let got = extract(&webp, "en-US", &readers, PhotoLimits::default())
        .await
        .expect("WebP");
    assert!(score(&page.truth, &got.items).found + 1 >= n);

    // A PDF with the page as its image, as a scanner makes it (Tesseract
    // writes one from the PNG).
    let dir = tempfile::tempdir().expect("tmp");
    let png = dir.path().join("menu.png");
    std::fs::write(&png, encode(&page.image, image::ImageFormat::Png)).expect("write");
    let status = std::process::Command::new("tesseract")
        .arg(&png)
        .arg(dir.path().join("menu"))
        .arg("pdf")
        .output()
        .expect("tesseract makes a PDF");
    assert!(status.status.success());
    let pdf = std::fs::read(dir.path().join("menu.pdf")).expect("pdf");
    let got = extract(&pdf, "en-US", &readers, PhotoLimits::default())
        .await
        .expect("PDF");
    assert_eq!(got.pages, 1);
    assert!(
        score(&page.truth, &got.items).found + 1 >= n,
        "{} of {n}",
        got.items.len()
    );
}
