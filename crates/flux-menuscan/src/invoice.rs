//! The line items of a printed supplier invoice, from OCR word boxes.
//!
//! An invoice is a table: a description on the left and numbers on the
//! right (quantity, unit price, amount; sometimes a VAT rate or a code in
//! between). Words are grouped into rows by their vertical centres; a row
//! is a line item when it ends in at least two numbers that fit together
//! (quantity × price = amount, within a cent or 1 %), or in a quantity and
//! an amount. Rows naming a subtotal, tax or total are summaries, never
//! items.
//!
//! Why not the menu layout pass: menus have one price a dish and dot
//! leaders; invoices have several numbers a row whose arithmetic is the
//! strongest evidence of which is which.

use rust_decimal::Decimal;

use crate::price;
use crate::words::Word;

/// One line item as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceRow {
    pub description: String,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub amount: Decimal,
    /// The page it was read on (1-based).
    pub page: u32,
}

/// Words of rows that are totals, taxes or headers, in the languages
/// suppliers print.
const SUMMARY: [&str; 24] = [
    "subtotal",
    "total",
    "totals",
    "vat",
    "tax",
    "iva",
    "tva",
    "mwst",
    "ust",
    "igic",
    "balance",
    "due",
    "importe",
    "base",
    "imponible",
    "netto",
    "brutto",
    "summe",
    "gesamt",
    "montant",
    "net",
    "gross",
    "amount",
    "description",
];

/// A row whose first word names a total, a tax or a column ("Subtotal",
/// "VAT 10%", "Base imponible"); later words are the product's own
/// ("Pizza base 30cm").
fn is_summary(description: &str) -> bool {
    description
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .is_some_and(|w| SUMMARY.contains(&w.to_lowercase().as_str()))
}

/// A plain or grouped number (`1,200.00`, `1.200,00`, `12000`), for the
/// amounts a menu price never reaches.
fn plain_number(t: &str) -> Option<Decimal> {
    let t = t.trim_matches(|c: char| matches!(c, '€' | '$' | '£'));
    let (last_dot, last_comma) = (t.rfind('.'), t.rfind(','));
    let cleaned = match (last_dot, last_comma) {
        (Some(d), Some(c)) if d > c => t.replace(',', ""),
        (Some(_), Some(_)) => t.replace('.', "").replace(',', "."),
        (None, Some(c)) if t.len() - c - 1 != 3 => t.replace(',', "."),
        (None, Some(_)) => t.replace(',', ""),
        _ => t.to_owned(),
    };
    if cleaned.is_empty()
        || !cleaned
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    {
        return None;
    }
    cleaned.parse().ok()
}

/// A number as printed in a table cell: a price or a plain quantity, with
/// OCR's `O` for zero and a stray `x` before a quantity forgiven.
fn number(token: &str) -> Option<Decimal> {
    let t = token.trim().trim_start_matches(['x', 'X', '×']);
    // A lone "1" in a quantity column is what OCR most often misreads.
    if matches!(t, "l" | "I" | "|" | "il" | "Il" | "i") {
        return Some(Decimal::ONE);
    }
    if t.is_empty() || !t.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    price::parse(t).map(|(d, _)| d).or_else(|| plain_number(t))
}

fn fits(q: Decimal, p: Decimal, a: Decimal) -> bool {
    if q <= Decimal::ZERO || p < Decimal::ZERO || a < Decimal::ZERO {
        return false;
    }
    let Some(expected) = q.checked_mul(p) else {
        return false;
    };
    let diff = (expected - a).abs();
    diff <= Decimal::new(2, 2) || diff <= a * Decimal::new(1, 2)
}

/// Which of the trailing numbers are quantity, unit price and amount, and
/// how many of them (from the end) the item uses: numbers before those
/// belong to the description ("Eggs 30 …").
fn assign(nums: &[Decimal]) -> Option<((Decimal, Decimal, Decimal), usize)> {
    let n = nums.len();
    // (quantity, price, amount) positions from the end, most common first:
    // qty price amount; qty price discount amount; qty code price amount;
    // price qty amount.
    let patterns: [(usize, usize, usize); 4] = [(3, 2, 1), (4, 3, 1), (4, 2, 1), (2, 3, 1)];
    for (q, p, a) in patterns {
        let used = q.max(p).max(a);
        if n >= used {
            let (q, p, a) = (nums[n - q], nums[n - p], nums[n - a]);
            if fits(q, p, a) {
                return Some(((q, p, a), used));
            }
        }
    }
    // Quantity and amount only (a price equal to the amount is one unit).
    if n == 2 && nums[0] == nums[1] {
        return Some(((Decimal::ONE, nums[0], nums[1]), 2));
    }
    if n == 2 && nums[0] > Decimal::ZERO && nums[0] <= Decimal::from(10_000) {
        let (q, a) = (nums[0], nums[1]);
        return Some(((q, (a / q).round_dp(4), a), 2));
    }
    None
}

/// A VAT or discount rate printed in a numeric column.
fn is_rate(token: &str) -> bool {
    token.ends_with('%')
        && token
            .trim_end_matches('%')
            .chars()
            .any(|c| c.is_ascii_digit())
}

struct Row<'a> {
    words: Vec<&'a Word>,
    top: i32,
    bottom: i32,
    page: u32,
}

/// Rows of words: a word joins the row whose vertical band holds its
/// centre; rows are read top to bottom, words left to right.
fn rows(words: &[Word]) -> Vec<Row<'_>> {
    let mut sorted: Vec<&Word> = words.iter().filter(|w| !w.text.trim().is_empty()).collect();
    sorted.sort_by_key(|w| (w.page, w.top + w.height / 2, w.left));
    let mut out: Vec<Row> = Vec::new();
    for w in sorted {
        let centre = w.top + w.height / 2;
        match out.last_mut() {
            Some(r) if r.page == w.page && centre >= r.top && centre <= r.bottom => {
                r.top = r.top.min(w.top);
                r.bottom = r.bottom.max(w.bottom());
                r.words.push(w);
            }
            _ => out.push(Row {
                words: vec![w],
                top: w.top,
                bottom: w.bottom(),
                page: w.page,
            }),
        }
    }
    for r in &mut out {
        r.words.sort_by_key(|w| w.left);
    }
    out
}

/// The line items of the pages' words, in reading order.
pub fn parse_invoice(words: &[Word]) -> Vec<InvoiceRow> {
    let mut out = Vec::new();
    for row in rows(words) {
        let texts: Vec<&str> = row
            .words
            .iter()
            .map(|w| w.text.trim())
            .filter(|t| !price::is_currency(t))
            .collect();
        // Trailing numbers (and rates), right to left, until the first word.
        let mut split = texts.len();
        while split > 0 && (number(texts[split - 1]).is_some() || is_rate(texts[split - 1])) {
            split -= 1;
        }
        let numeric: Vec<(usize, Decimal)> = (split..texts.len())
            .filter(|&i| !is_rate(texts[i]))
            .filter_map(|i| number(texts[i]).map(|d| (i, d)))
            .collect();
        let nums: Vec<Decimal> = numeric.iter().map(|(_, d)| *d).collect();
        let Some(((quantity, unit_price, amount), used)) = assign(&nums) else {
            continue;
        };
        let first = numeric[numeric.len() - used].0;
        let description = texts[..first].join(" ");
        let description = description
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_owned();
        if description.is_empty() || is_summary(&description) {
            continue;
        }
        {
            out.push(InvoiceRow {
                description,
                quantity: quantity.normalize(),
                unit_price: unit_price.normalize(),
                amount: amount.normalize(),
                page: row.page,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(y: i32, cells: &[(&str, i32)]) -> Vec<Word> {
        cells
            .iter()
            .map(|(text, x)| Word {
                text: (*text).into(),
                left: *x,
                top: y,
                width: 10 * text.len() as i32,
                height: 20,
                confidence: 90.0,
                page: 1,
                block: 1,
                paragraph: 1,
                line: 1,
            })
            .collect()
    }

    fn d(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    #[test]
    fn item_rows_are_read_and_summaries_skipped() {
        let mut words = Vec::new();
        words.extend(row(
            100,
            &[
                ("Description", 50),
                ("Qty", 600),
                ("Price", 800),
                ("Amount", 1000),
            ],
        ));
        words.extend(row(
            140,
            &[
                ("TOMATOES", 50),
                ("VINE", 160),
                ("5KG", 230),
                ("2", 600),
                ("10,00", 800),
                ("20,00", 1000),
            ],
        ));
        // A slightly lower baseline for the numbers still joins the row.
        words.extend(row(184, &[("Cream", 50), ("double", 120)]));
        words.extend(row(
            188,
            &[("6", 600), ("3.52", 800), ("10%", 900), ("21.12", 1000)],
        ));
        words.extend(row(
            230,
            &[
                ("Flour", 50),
                ("T55", 120),
                ("25", 600),
                ("€0.80", 800),
                ("€20.00", 1000),
            ],
        ));
        words.extend(row(300, &[("Subtotal", 50), ("61,12", 1000)]));
        words.extend(row(340, &[("IVA", 50), ("10%", 600), ("6,11", 1000)]));
        words.extend(row(380, &[("TOTAL", 50), ("67,23", 1000)]));
        let got = parse_invoice(&words);
        let summary: Vec<(String, Decimal, Decimal, Decimal)> = got
            .iter()
            .map(|r| (r.description.clone(), r.quantity, r.unit_price, r.amount))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("TOMATOES VINE 5KG".into(), d("2"), d("10"), d("20")),
                ("Cream double".into(), d("6"), d("3.52"), d("21.12")),
                ("Flour T55".into(), d("25"), d("0.8"), d("20")),
            ]
        );
    }

    #[test]
    fn grouped_amounts_and_products_named_like_totals_are_read() {
        let mut words = row(
            100,
            &[
                ("Pizza", 50),
                ("base", 120),
                ("30cm", 200),
                ("100", 600),
                ("12.00", 800),
                ("1,200.00", 1000),
            ],
        );
        words.extend(row(
            140,
            &[
                ("Net", 50),
                ("weight", 120),
                ("total", 200),
                ("1", 600),
                ("3", 800),
                ("3", 1000),
            ],
        ));
        let got = parse_invoice(&words);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].description, "Pizza base 30cm");
        assert_eq!(got[0].amount, d("1200"));
        assert_eq!(plain_number("1.200,50"), Some(d("1200.50")));
        assert_eq!(plain_number("12000"), Some(d("12000")));
        assert_eq!(plain_number("3,5"), Some(d("3.5")));
    }

    #[test]
    fn numbers_that_do_not_multiply_are_not_an_item() {
        let words = row(
            100,
            &[
                ("Order", 50),
                ("ref", 120),
                ("4411", 600),
                ("2026", 800),
                ("17", 1000),
            ],
        );
        assert!(parse_invoice(&words).is_empty());
        let words = row(
            100,
            &[
                ("Delivery", 50),
                ("charge", 150),
                ("1", 600),
                ("5.00", 1000),
            ],
        );
        let got = parse_invoice(&words);
        assert_eq!(got[0].unit_price, d("5"));
    }
}
