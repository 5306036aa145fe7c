//! Menus with known content, rendered as images: the ground truth the
//! accuracy tests and `flux bench menu-photos` score the reader against.
//!
//! Layouts cover what printed menus do: one to three columns, section
//! headers (larger, sometimes capitals), dot leaders or a plain gap before
//! the price, descriptions in a smaller face under the name, two prices per
//! row (glass and bottle), every price style the parser knows, a slightly
//! rotated scan and a photo-like page (uneven light, grey ink, blur and
//! noise). Fonts are handed in by the caller: this crate reads no files.

use ab_glyph::{Font, FontArc, PxScale};
use image::{Rgb, RgbImage};
use imageproc::drawing::{draw_text_mut, text_size};
use imageproc::geometric_transformations::{rotate_about_center, Interpolation};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

/// How prices are printed on one menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceStyle {
    /// `12.50`
    Decimal,
    /// `12,50 €`
    CommaEuro,
    /// `€12`
    EuroPrefix,
    /// `$12.95` and `$12`
    Dollar,
    /// `12.-`
    SwissDash,
    /// `12`
    Bare,
}

/// What one rendered page looks like.
#[derive(Debug, Clone)]
pub struct MenuSpec {
    pub name: String,
    pub seed: u64,
    pub columns: u32,
    /// Index into the fonts for names and prices, and for headers.
    pub body_font: usize,
    pub header_font: usize,
    pub text_px: f32,
    pub leaders: bool,
    pub upper_headers: bool,
    pub descriptions: bool,
    pub price_style: PriceStyle,
    /// One section's dishes carry two prices.
    pub variants: bool,
    pub rotate_degrees: f32,
    pub photo_like: bool,
}

/// A dish as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct TruthItem {
    pub name: String,
    pub category: String,
    pub description: Option<String>,
    pub price: Decimal,
    pub prices: Vec<Decimal>,
}

/// A rendered page and what is on it.
#[derive(Debug, Clone)]
pub struct Page {
    pub spec: MenuSpec,
    pub image: RgbImage,
    pub truth: Vec<TruthItem>,
}

const SECTIONS: [(&str, &[&str]); 8] = [
    (
        "Starters",
        &[
            "Caesar Salad",
            "Tomato Bruschetta",
            "Garlic Bread",
            "Calamari Fritti",
            "French Onion Soup",
            "Burrata with Figs",
            "Chicken Wings",
            "Prawn Cocktail",
            "Beef Carpaccio",
            "Hummus Plate",
        ],
    ),
    (
        "Mains",
        &[
            "Ribeye Steak",
            "Grilled Salmon",
            "Chicken Tikka Masala",
            "Mushroom Risotto",
            "Lamb Shank",
            "Fish and Chips",
            "Beef Burger",
            "Duck Confit",
            "Vegetable Curry",
            "Pork Belly",
        ],
    ),
    (
        "Pasta",
        &[
            "Spaghetti Carbonara",
            "Penne Arrabbiata",
            "Lasagne",
            "Linguine Vongole",
            "Tagliatelle Bolognese",
            "Gnocchi Sorrentina",
            "Ravioli di Ricotta",
            "Pappardelle al Ragu",
        ],
    ),
    (
        "Pizza",
        &[
            "Margherita",
            "Quattro Formaggi",
            "Diavola",
            "Capricciosa",
            "Prosciutto e Funghi",
            "Marinara",
            "Calzone",
            "Vegetariana",
        ],
    ),
    (
        "Desserts",
        &[
            "Tiramisu",
            "Chocolate Fondant",
            "Creme Brulee",
            "Panna Cotta",
            "Apple Crumble",
            "Cheesecake",
            "Lemon Tart",
            "Sticky Toffee Pudding",
        ],
    ),
    (
        "Tapas",
        &[
            "Patatas Bravas",
            "Tortilla Espanola",
            "Gambas al Ajillo",
            "Croquetas de Jamon",
            "Pimientos de Padron",
            "Pulpo a la Gallega",
            "Albondigas",
            "Pan con Tomate",
        ],
    ),
    (
        "Drinks",
        &[
            "Espresso",
            "Cappuccino",
            "Fresh Orange Juice",
            "Lemonade",
            "Iced Tea",
            "Sparkling Water",
            "Hot Chocolate",
            "Ginger Beer",
        ],
    ),
    (
        "Wines",
        &[
            "House Red",
            "House White",
            "Prosecco",
            "Rioja Reserva",
            "Sauvignon Blanc",
            "Pinot Grigio",
            "Malbec",
            "Rose",
        ],
    ),
];

const DESCRIPTIONS: [&str; 12] = [
    "romaine, croutons, parmesan",
    "with seasonal vegetables",
    "slow cooked, red wine jus",
    "served with fries and salad",
    "tomato, mozzarella, basil",
    "house made, vanilla cream",
    "garlic, chilli, olive oil",
    "with rosemary potatoes",
    "fresh herbs and lemon",
    "smoked paprika, aioli",
    "toasted almonds, honey",
    "mixed leaves, balsamic",
];

fn format_price(p: Decimal, style: PriceStyle) -> String {
    let two = format!("{:.2}", p);
    match style {
        PriceStyle::Decimal => two,
        PriceStyle::CommaEuro => format!("{} €", two.replace('.', ",")),
        PriceStyle::EuroPrefix => format!("€{}", p.trunc()),
        PriceStyle::Dollar if p.fract().is_zero() => format!("${}", p.trunc()),
        PriceStyle::Dollar => format!("${two}"),
        PriceStyle::SwissDash => format!("{}.-", p.trunc()),
        PriceStyle::Bare => format!("{}", p.trunc()),
    }
}

fn whole_only(style: PriceStyle) -> bool {
    matches!(
        style,
        PriceStyle::EuroPrefix | PriceStyle::SwissDash | PriceStyle::Bare
    )
}

fn random_price(rng: &mut ChaCha8Rng, style: PriceStyle, lo: u32, hi: u32) -> Decimal {
    let whole = rng.gen_range(lo..=hi);
    if whole_only(style) {
        return Decimal::from(whole);
    }
    let cents = [0u32, 50, 95, 90, 25, 75][rng.gen_range(0..6)];
    Decimal::new(i64::from(whole * 100 + cents), 2)
}

/// Renders one page. Deterministic for a spec and a set of fonts.
pub fn render(spec: &MenuSpec, fonts: &[FontArc]) -> Page {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let (w, h) = (1700u32, 2200u32);
    let mut img = RgbImage::from_pixel(w, h, Rgb([255, 255, 255]));
    let ink = Rgb([20u8, 20, 20]);
    let soft = Rgb([80u8, 80, 80]);
    let body = &fonts[spec.body_font % fonts.len()];
    let head = &fonts[spec.header_font % fonts.len()];
    let px = spec.text_px;
    let margin = 110i32;
    let gutter = 90i32;
    let cols = spec.columns.clamp(1, 3) as i32;
    let col_w = (w as i32 - 2 * margin - (cols - 1) * gutter) / cols;

    let title = "Trattoria del Sol";
    let tpx = PxScale::from(px * 2.0);
    let (tw, _) = text_size(tpx, head, title);
    draw_text_mut(
        &mut img,
        ink,
        (w as i32 - tw as i32) / 2,
        70,
        tpx,
        head,
        title,
    );

    let mut sections: Vec<usize> = (0..SECTIONS.len()).collect();
    sections.shuffle(&mut rng);
    let per_col = if cols == 1 { 3 } else { 2 };
    let items_per_section = match cols {
        1 => 5,
        2 => 5,
        _ => 4,
    };
    let mut truth = Vec::new();
    let body_px = PxScale::from(px);
    let desc_px = PxScale::from(px * 0.78);
    let head_px = PxScale::from(px * 1.45);
    let line_h = (px * 1.55) as i32;
    let mut next_section = sections.into_iter();
    for c in 0..cols {
        let x0 = margin + c * (col_w + gutter);
        let x1 = x0 + col_w;
        let mut y = 70 + (px * 2.0 * 1.9) as i32;
        for s in 0..per_col {
            let Some(si) = next_section.next() else { break };
            let (category, dishes) = SECTIONS[si];
            let header = if spec.upper_headers {
                category.to_uppercase()
            } else {
                category.to_string()
            };
            draw_text_mut(&mut img, ink, x0, y, head_px, head, &header);
            y += (px * 1.45 * 1.7) as i32;
            let two_prices = spec.variants && s == 0;
            let mut picks: Vec<&str> = dishes.to_vec();
            picks.shuffle(&mut rng);
            for name in picks.into_iter().take(items_per_section) {
                let first = random_price(&mut rng, spec.price_style, 4, 34);
                let mut prices = vec![first];
                if two_prices {
                    prices.push(first * Decimal::from(4) + Decimal::from(rng.gen_range(0..6)));
                }
                let printed = prices
                    .iter()
                    .map(|p| format_price(*p, spec.price_style))
                    .collect::<Vec<_>>()
                    .join("   ");
                let (pw, _) = text_size(body_px, body, &printed);
                let (nw, _) = text_size(body_px, body, name);
                draw_text_mut(&mut img, ink, x0, y, body_px, body, name);
                let px_x = x1 - pw as i32;
                draw_text_mut(&mut img, ink, px_x, y, body_px, body, &printed);
                if spec.leaders {
                    let (dw, _) = text_size(body_px, body, ". ");
                    let start = x0 + nw as i32 + (px * 0.5) as i32;
                    let stop = px_x - (px * 0.5) as i32;
                    let n = ((stop - start) / dw.max(1) as i32).max(0) as usize;
                    if n > 0 {
                        draw_text_mut(&mut img, soft, start, y, body_px, body, &". ".repeat(n));
                    }
                }
                y += line_h;
                let description = if spec.descriptions && rng.gen_bool(0.6) {
                    let d = DESCRIPTIONS[rng.gen_range(0..DESCRIPTIONS.len())];
                    draw_text_mut(&mut img, soft, x0, y - (px * 0.2) as i32, desc_px, body, d);
                    y += (px * 1.25) as i32;
                    Some(d.to_string())
                } else {
                    None
                };
                y += (px * 0.35) as i32;
                truth.push(TruthItem {
                    name: name.to_string(),
                    category: category.to_string(),
                    description,
                    price: first,
                    prices,
                });
            }
            y += (px * 1.2) as i32;
        }
    }

    if spec.photo_like {
        photo_like(&mut img, &mut rng);
    }
    if spec.rotate_degrees != 0.0 {
        img = rotate_about_center(
            &img,
            spec.rotate_degrees.to_radians(),
            Interpolation::Bilinear,
            Rgb([255, 255, 255]),
        );
    }
    Page {
        spec: spec.clone(),
        image: img,
        truth,
    }
}

/// Uneven light from one corner, grey ink, a little blur and sensor noise.
fn photo_like(img: &mut RgbImage, rng: &mut ChaCha8Rng) {
    let (w, h) = img.dimensions();
    let gray = image::imageops::grayscale(img);
    let blurred = imageproc::filter::gaussian_blur_f32(&gray, 1.1);
    let diag = ((w * w + h * h) as f32).sqrt();
    for (x, y, p) in img.enumerate_pixels_mut() {
        let v = f32::from(blurred.get_pixel(x, y).0[0]) / 255.0;
        let light = 235.0 - 85.0 * ((x as f32 + y as f32 * 0.8) / diag);
        let ink = 95.0;
        let noise: f32 = rng.gen_range(-10.0..10.0);
        let out = (ink + (light - ink) * v + noise).clamp(0.0, 255.0) as u8;
        *p = Rgb([out, out.saturating_sub(3), out.saturating_sub(8)]);
    }
}

/// Twelve pages that together cover every layout feature and price style.
pub fn standard_set(font_count: usize) -> Vec<MenuSpec> {
    use PriceStyle::*;
    let f = |i: usize| i % font_count.max(1);
    let base = |name: &str, seed: u64| MenuSpec {
        name: name.to_string(),
        seed,
        columns: 1,
        body_font: 0,
        header_font: 0,
        text_px: 34.0,
        leaders: false,
        upper_headers: false,
        descriptions: false,
        price_style: Decimal,
        variants: false,
        rotate_degrees: 0.0,
        photo_like: false,
    };
    vec![
        MenuSpec {
            leaders: true,
            descriptions: true,
            ..base("one column, leaders, descriptions", 1)
        },
        MenuSpec {
            body_font: f(1),
            header_font: f(1),
            upper_headers: true,
            price_style: CommaEuro,
            ..base("one column, serif, capitals, 12,50 €", 2)
        },
        MenuSpec {
            columns: 2,
            text_px: 30.0,
            body_font: f(2),
            header_font: f(3),
            leaders: true,
            price_style: EuroPrefix,
            ..base("two columns, leaders, €12", 3)
        },
        MenuSpec {
            columns: 2,
            text_px: 30.0,
            body_font: f(3),
            header_font: f(2),
            descriptions: true,
            price_style: Dollar,
            variants: true,
            ..base("two columns, descriptions, $, two prices", 4)
        },
        MenuSpec {
            columns: 3,
            text_px: 26.0,
            body_font: f(4),
            header_font: f(4),
            upper_headers: true,
            price_style: SwissDash,
            ..base("three columns, capitals, 12.-", 5)
        },
        MenuSpec {
            columns: 3,
            text_px: 26.0,
            body_font: f(5),
            header_font: f(0),
            leaders: true,
            price_style: Bare,
            ..base("three columns, leaders, bare 12", 6)
        },
        MenuSpec {
            columns: 2,
            text_px: 24.0,
            body_font: f(0),
            header_font: f(1),
            price_style: Bare,
            descriptions: true,
            ..base("two columns, small print, bare 12", 7)
        },
        MenuSpec {
            columns: 1,
            text_px: 30.0,
            body_font: f(2),
            header_font: f(2),
            variants: true,
            price_style: CommaEuro,
            ..base("one column, two prices, 12,50 €", 8)
        },
        MenuSpec {
            columns: 2,
            text_px: 30.0,
            body_font: f(1),
            header_font: f(1),
            leaders: true,
            rotate_degrees: 2.0,
            ..base("two columns, rotated 2°", 9)
        },
        MenuSpec {
            columns: 1,
            body_font: f(3),
            header_font: f(3),
            descriptions: true,
            rotate_degrees: -1.5,
            price_style: Dollar,
            ..base("one column, rotated -1.5°, $", 10)
        },
        MenuSpec {
            columns: 2,
            text_px: 30.0,
            body_font: f(0),
            header_font: f(0),
            leaders: true,
            photo_like: true,
            upper_headers: true,
            ..base("two columns, photo-like", 11)
        },
        MenuSpec {
            columns: 1,
            body_font: f(5),
            header_font: f(4),
            descriptions: true,
            photo_like: true,
            rotate_degrees: 1.0,
            price_style: EuroPrefix,
            ..base("one column, photo-like, rotated 1°", 12)
        },
    ]
}

/// How well a reading matches the truth of a page.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Score {
    pub truth_items: usize,
    /// Truth dishes found by name.
    pub found: usize,
    /// Found dishes whose first price is right.
    pub price_right: usize,
    /// Found dishes whose category is right.
    pub category_right: usize,
    /// Extracted items that match no dish.
    pub spurious: usize,
}

impl Score {
    pub fn recall(&self) -> f64 {
        self.found as f64 / self.truth_items.max(1) as f64
    }
    pub fn price_accuracy(&self) -> f64 {
        self.price_right as f64 / self.found.max(1) as f64
    }
    pub fn category_accuracy(&self) -> f64 {
        self.category_right as f64 / self.found.max(1) as f64
    }
    pub fn add(&mut self, o: Score) {
        self.truth_items += o.truth_items;
        self.found += o.found;
        self.price_right += o.price_right;
        self.category_right += o.category_right;
        self.spurious += o.spurious;
    }
}

fn key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Edit distance, for matching an OCR'd name to the printed one despite a
/// misread letter.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Scores items against a page's truth: a dish is found when an item's
/// name is within one edit per eight letters of it.
pub fn score(truth: &[TruthItem], items: &[crate::ScannedItem]) -> Score {
    let mut used = vec![false; items.len()];
    let mut s = Score {
        truth_items: truth.len(),
        ..Score::default()
    };
    for t in truth {
        let tk = key(&t.name);
        let best = items
            .iter()
            .enumerate()
            .filter(|(i, _)| !used[*i])
            .map(|(i, it)| (i, distance(&tk, &key(&it.name))))
            .min_by_key(|&(_, d)| d);
        if let Some((i, d)) = best {
            if d <= 1 + tk.len() / 8 {
                used[i] = true;
                s.found += 1;
                if items[i].price == Some(t.price) {
                    s.price_right += 1;
                }
                if items[i].category.as_deref().map(key) == Some(key(&t.category)) {
                    s.category_right += 1;
                }
            }
        }
    }
    s.spurious = used.iter().filter(|u| !**u).count();
    s
}

/// The glyph outlines of a font, for callers that check a font loads.
pub fn font_has_glyphs(font: &FontArc) -> bool {
    font.glyph_id('A').0 != 0
}

/// One printed line of a generated invoice.
#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceTruth {
    pub description: String,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub amount: Decimal,
}

const INVOICE_PRODUCTS: [&str; 24] = [
    "Tomatoes vine 5kg",
    "Onions brown 10kg",
    "Potatoes Agria 25kg",
    "Mozzarella fior di latte 1kg",
    "Parmigiano Reggiano 24m",
    "Double cream 1L",
    "Unsalted butter 2.5kg",
    "Free range eggs x30",
    "Flour type 00 25kg",
    "Extra virgin olive oil 5L",
    "Basil fresh bunch",
    "Garlic peeled 1kg",
    "Lemons Primofiori",
    "Chicken thighs boneless",
    "Beef sirloin",
    "Salmon fillet skin on",
    "Prawns raw 16/20",
    "Rice Arborio 5kg",
    "Sugar caster 10kg",
    "Whole milk 1L",
    "Lettuce Romaine",
    "Mushrooms chestnut 2.5kg",
    "Red peppers",
    "Spinach baby 1kg",
];

/// A supplier invoice page with known lines: a letterhead, a table of
/// description, quantity, unit price and amount (decimal point or comma,
/// a currency sign on some amounts, a VAT column on some pages), and
/// subtotal, tax and total rows below. Odd seeds are photo-like and
/// slightly rotated.
pub fn render_invoice(seed: u64, fonts: &[FontArc]) -> (RgbImage, Vec<InvoiceTruth>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (w, h) = (1700u32, 2200u32);
    let mut img = RgbImage::from_pixel(w, h, Rgb([255, 255, 255]));
    let ink = Rgb([20u8, 20, 20]);
    let font = &fonts[(seed as usize) % fonts.len()];
    let px = 34.0 + (seed % 3) as f32 * 4.0;
    let scale = PxScale::from(px);
    let comma = seed % 2 == 0;
    let vat_column = seed % 3 == 1;
    let money = |d: Decimal, sign: bool| {
        let s = format!("{:.2}", d.round_dp(2));
        let s = if comma { s.replace('.', ",") } else { s };
        if sign {
            if comma {
                format!("{s} €")
            } else {
                format!("€{s}")
            }
        } else {
            s
        }
    };
    draw_text_mut(
        &mut img,
        ink,
        110,
        90,
        PxScale::from(px * 1.8),
        font,
        "Fresh Co Wholesale",
    );
    let number = format!(
        "Invoice {} · Date 2026-03-{:02}",
        4000 + seed,
        1 + seed % 27
    );
    draw_text_mut(&mut img, ink, 110, 190, scale, font, &number);
    let cols = if vat_column {
        [
            (1000, "Qty"),
            (1210, "Price"),
            (1340, "VAT"),
            (1590, "Amount"),
        ]
    } else {
        [
            (1000, "Qty"),
            (1260, "Unit price"),
            (1260, ""),
            (1590, "Amount"),
        ]
    };
    let right = |img: &mut RgbImage, x: i32, y: i32, s: &str| {
        let (tw, _) = text_size(scale, font, s);
        draw_text_mut(img, ink, x - tw as i32, y, scale, font, s);
    };
    let mut y = 300;
    draw_text_mut(&mut img, ink, 110, y, scale, font, "Description");
    for (x, label) in cols {
        right(&mut img, x, y, label);
    }
    y += (px * 2.0) as i32;
    let mut products: Vec<&str> = INVOICE_PRODUCTS.to_vec();
    products.shuffle(&mut rng);
    let mut truth = Vec::new();
    let sign = seed % 4 == 3;
    for name in products.into_iter().take(rng.gen_range(6..11)) {
        let quantity = Decimal::from(rng.gen_range(1..13));
        let unit_price = Decimal::new(rng.gen_range(95..4_800), 2);
        let amount = (quantity * unit_price).round_dp(2);
        draw_text_mut(&mut img, ink, 110, y, scale, font, name);
        right(&mut img, cols[0].0, y, &quantity.to_string());
        right(&mut img, cols[1].0, y, &money(unit_price, false));
        if vat_column {
            right(&mut img, cols[2].0, y, "10%");
        }
        right(&mut img, cols[3].0, y, &money(amount, sign));
        truth.push(InvoiceTruth {
            description: name.to_owned(),
            quantity,
            unit_price,
            amount,
        });
        y += (px * 1.7) as i32;
    }
    let subtotal: Decimal = truth.iter().map(|t| t.amount).sum();
    let vat = (subtotal * Decimal::new(10, 2)).round_dp(2);
    y += (px * 1.2) as i32;
    for (label, value) in [
        ("Subtotal", subtotal),
        ("VAT 10%", vat),
        ("Total", subtotal + vat),
    ] {
        draw_text_mut(&mut img, ink, 1000, y, scale, font, label);
        right(&mut img, cols[3].0, y, &money(value, true));
        y += (px * 1.6) as i32;
    }
    if seed % 2 == 1 {
        photo_like(&mut img, &mut rng);
        img = rotate_about_center(
            &img,
            (rng.gen_range(-1.5f32..1.5)).to_radians(),
            Interpolation::Bilinear,
            Rgb([255, 255, 255]),
        );
    }
    (img, truth)
}
