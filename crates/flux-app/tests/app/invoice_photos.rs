//! Reading supplier invoices from photos with the real local OCR:
//! rendered invoices with known lines (fonts, decimal points and commas,
//! currency signs, a VAT column, photo-like rotated pages) are read
//! through the same `read_photo` the API and the dashboard call, and
//! every line is checked to the cent.

use flux_app::inventory::invoices::read_photo;
use flux_app::menu_photos::{Readers, Tesseract};
use flux_menuscan::synthetic::render_invoice;
use flux_testkit::menu_images::{encode, fonts};

fn key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_invoices_are_read_line_by_line_to_the_cent() {
    let fonts = fonts();
    let readers = Readers {
        tesseract: Some(Tesseract::detect().await.expect("tesseract is installed")),
        vision: None,
    };
    let (mut truth_lines, mut found, mut exact, mut spurious) = (0, 0, 0, 0);
    for seed in 1..=8u64 {
        let (image, truth) = render_invoice(seed, &fonts);
        let format = if seed % 2 == 1 {
            image::ImageFormat::Jpeg
        } else {
            image::ImageFormat::Png
        };
        let bytes = encode(&image, format);
        if let Some(dir) = std::env::var_os("INVOICE_SAVE") {
            let _ = std::fs::write(
                std::path::Path::new(&dir).join(format!("invoice-{seed}.png")),
                &bytes,
            );
        }
        let got = read_photo(&bytes, "en-GB", &readers).await.expect("read");
        let mut matched = vec![false; got.len()];
        for t in &truth {
            truth_lines += 1;
            let hit = got.iter().enumerate().find(|(i, g)| {
                !matched[*i]
                    && g.description
                        .as_deref()
                        .is_some_and(|d| strsim_close(&key(d), &key(&t.description)))
            });
            if let Some((i, g)) = hit {
                matched[i] = true;
                found += 1;
                if g.packs == t.quantity
                    && g.pack_price == t.unit_price
                    && g.amount == Some(t.amount)
                {
                    exact += 1;
                } else {
                    println!("  seed {seed}: {:?} read as {:?}", t, g);
                }
            } else {
                println!("  seed {seed}: missed {:?}", t);
            }
        }
        spurious += matched.iter().filter(|m| !**m).count();
    }
    let recall = found as f64 / truth_lines as f64;
    let accuracy = exact as f64 / found.max(1) as f64;
    println!(
        "{truth_lines} invoice lines: found {found} ({:.1} %), exact to the cent {exact} ({:.1} % of found), spurious {spurious}",
        recall * 100.0,
        accuracy * 100.0
    );
    assert!(recall >= 0.90, "line recall {recall:.3}");
    assert!(accuracy >= 0.95, "numbers exact {accuracy:.3}");
    assert!(
        spurious <= 2,
        "{spurious} lines that are not on the invoice"
    );
}

/// The same description, allowing OCR a misread letter in ten.
fn strsim_close(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()] * 10 <= b.len().max(1)
}
