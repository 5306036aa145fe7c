//! Randomly generated exports in the layouts of real point-of-sale systems,
//! written the way each vendor writes them (money formats, date formats,
//! void and refund markers, section and total rows), with the true totals
//! computed while generating. The parser must reproduce those totals to the
//! cent for every seed: one hand-written sample per layout cannot show that.

use crate::common::{day, opts, run};
use rust_decimal::Decimal;

/// Small deterministic generator (xorshift64*): the tests must not depend
/// on an outside source of randomness to be repeatable.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const DISHES: [(&str, &str); 10] = [
    ("Flat White", "Coffee"),
    ("Americano", "Coffee"),
    ("Chai Latte", "Tea"),
    ("Fish, Chips", "Mains"),
    ("Mac & Cheese", "Mains"),
    ("Caesar Salad", "Mains"),
    ("Brownie", "Bakery"),
    ("Croissant", "Bakery"),
    ("Lemonade", "Cold Drinks"),
    ("Crème Brûlée", "Desserts"),
];

/// Money in cents as `$1,234.50` / `-$3.00`.
fn dollars(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    let whole = (c / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}${grouped}.{:02}", c % 100)
}

fn plain(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

fn quote(s: &str) -> String {
    if s.contains(',') || s.contains('"') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The truth kept while writing a file.
#[derive(Default)]
struct Truth {
    lines: usize,
    quantity: i64,
    cents: i64,
}

fn check(bytes: &[u8], truth: &Truth, opts: &flux_ingest::ParseOptions, what: &str) {
    let p = run(bytes, opts);
    assert!(p.errors.is_empty(), "{what}: {:?}", p.errors.first());
    assert_eq!(p.lines.len(), truth.lines, "{what}: stored lines");
    let qty: Decimal = p.lines.iter().filter_map(|l| l.quantity).sum();
    let money: Decimal = p.lines.iter().filter_map(|l| l.line_total).sum();
    assert_eq!(qty, Decimal::from(truth.quantity), "{what}: quantity");
    assert_eq!(money, Decimal::new(truth.cents, 2), "{what}: revenue");
    assert!(
        p.lines.iter().all(|l| l.item != flux_ingest::UNKNOWN_ITEM),
        "{what}: no summary row stored as a dish"
    );
}

/// Square "Items Detail": `$` money with thousands separators, refunds as
/// negative lines with event type Refund, voids as `Name (Voided)` at $0.
fn square(seed: u64) -> (Vec<u8>, Truth) {
    let mut rng = Rng::new(seed);
    let mut out = String::from(
        "Date,Time,Time Zone,Category,Item,Qty,Price Point Name,SKU,Modifiers Applied,Gross Sales,Discounts,Net Sales,Tax,Transaction ID,Payment ID,Device Name,Notes,Details,Event Type,Location,Dining Option\n",
    );
    let mut t = Truth::default();
    for order in 0..(10 + rng.below(60)) {
        let date = format!("2024-03-{:02}", 1 + rng.below(28));
        let time = format!(
            "{:02}:{:02}:{:02}",
            8 + rng.below(14),
            rng.below(60),
            rng.below(60)
        );
        let refund = rng.chance(6);
        for _ in 0..(1 + rng.below(3)) {
            let (dish, cat) = DISHES[rng.below(DISHES.len() as u64) as usize];
            let voided = rng.chance(5);
            let q = 1 + rng.below(3) as i64;
            let unit = 250 + 10 * rng.below(250) as i64;
            let gross = if voided { 0 } else { q * unit };
            let disc = if !voided && rng.chance(20) {
                50.min(gross)
            } else {
                0
            };
            let sign = if refund { -1 } else { 1 };
            let (qty, gross, disc, net) =
                (sign * q, sign * gross, sign * disc, sign * (gross - disc));
            let item = if voided {
                format!("{dish} (Voided)")
            } else {
                dish.to_owned()
            };
            out += &format!(
                "{date},{time},Eastern Time (US & Canada),{cat},{},{qty}.0,Regular,,,{},{},{},{},T{seed}x{order},P{order},Terminal,,https://example.invalid/t/{order},{},Main St,For Here\n",
                quote(&item),
                quote(&dollars(gross)),
                quote(&dollars(-disc)),
                quote(&dollars(net)),
                quote(&dollars(net / 10)),
                if refund { "Refund" } else { "Payment" },
            );
            if !voided {
                t.lines += 1;
                t.quantity += qty;
                t.cents += net;
            }
        }
    }
    (out.into_bytes(), t)
}

/// Loyverse "Receipts by item": day-first dates with a 24-hour clock,
/// refunds as negative receipts, cancelled receipts marked in `Status`.
fn loyverse(seed: u64) -> (Vec<u8>, Truth) {
    let mut rng = Rng::new(seed);
    let mut out = String::from(
        "Date,Receipt number,Receipt type,Category,SKU,Item,Variant,Modifiers applied,Quantity,Gross sales,Discounts,Net sales,Cost of goods,Gross profit,Taxes,POS,Store,Cashier name,Customer name,Customer contacts,Comment,Status\n",
    );
    let mut t = Truth::default();
    for receipt in 0..(10 + rng.below(60)) {
        // Day 20 first, so the file itself settles day/month order.
        let d = if receipt == 0 { 20 } else { 1 + rng.below(28) };
        let date = format!(
            "{d:02}/03/2024 {:02}:{:02}",
            7 + rng.below(12),
            rng.below(60)
        );
        let refund = rng.chance(5);
        let cancelled = rng.chance(4);
        for _ in 0..(1 + rng.below(3)) {
            let (dish, cat) = DISHES[rng.below(DISHES.len() as u64) as usize];
            let q = 1 + rng.below(4) as i64;
            let unit = 150 + 5 * rng.below(200) as i64;
            let gross = q * unit;
            let disc = if rng.chance(15) { gross / 10 } else { 0 };
            let sign = if refund { -1 } else { 1 };
            let net = sign * (gross - disc);
            out += &format!(
                "{date},1-{receipt},{},{cat},100{},{},,,{}.000,{},{},{},0.00,{},0.00,POS 1,Cafe,Owner,,,,{}\n",
                if refund { "Refund" } else { "Sale" },
                rng.below(90),
                quote(dish),
                sign * q,
                plain(sign * gross),
                plain(disc),
                plain(net),
                plain(net),
                if cancelled { "Cancelled" } else { "Closed" },
            );
            if !cancelled {
                t.lines += 1;
                t.quantity += sign * q;
                t.cents += net;
            }
        }
    }
    (out.into_bytes(), t)
}

/// Toast `ItemSelectionDetails.csv`: month-first two-digit-year dates with
/// a 12-hour clock, 19-digit ids, `Void?` and `Deferred` (gift cards) flags.
fn toast(seed: u64) -> (Vec<u8>, Truth) {
    let mut rng = Rng::new(seed);
    let mut out = String::from(
        "Location,Order Id,Order #,Sent Date,Order Date,Check Id,Server,Table,Dining Area,Service,Dining Option,Item Selection Id,Item Id,Master Id,SKU,PLU,Menu Item,Menu Subgroup(s),Menu Group,Menu,Sales Category,Gross Price,Discount,Net Price,Qty,Tax,Void?,Deferred,Tax Exempt,Tax Inclusion Option,Dining Option Tax,Tab Name\n",
    );
    let mut t = Truth::default();
    let mut selection = 1_300_000_000_000_000_000u64 + seed * 1_000_000;
    for order in 0..(10 + rng.below(60)) {
        let (h, m) = (1 + rng.below(12), rng.below(60));
        let meridiem = if rng.chance(50) { "PM" } else { "AM" };
        let when = format!("3/{}/24 {h}:{m:02} {meridiem}", 1 + rng.below(28));
        let order_id = 1_300_000_011_111_111_000u64 + order;
        for _ in 0..(1 + rng.below(4)) {
            selection += 1 + rng.below(1000);
            let deferred = rng.chance(3);
            let (dish, cat) = if deferred {
                ("Gift Card", "Gift Cards")
            } else {
                DISHES[rng.below(DISHES.len() as u64) as usize]
            };
            let void = rng.chance(5);
            let q = 1 + rng.below(3) as i64;
            let unit = 300 + 25 * rng.below(100) as i64;
            let gross = q * unit;
            let disc = if rng.chance(10) { gross / 2 } else { 0 };
            out += &format!(
                "Main St,{order_id},{order},{when},{when},{order_id}9,Server A,6,Patio,Dinner,Dine In,{selection},42,43,,,{},,{cat},Dinner,Food,{},{},{},{q}.0,0.88000000,{void},{deferred},false,Tax Not Included,No Effect,\n",
                quote(dish),
                quote(&plain(gross)),
                plain(disc),
                quote(&plain(gross - disc)),
            );
            if !void && !deferred {
                t.lines += 1;
                t.quantity += q;
                t.cents += gross - disc;
            }
        }
    }
    (out.into_bytes(), t)
}

/// Clover "Items Report": title, period and a summary block above the
/// header, category rows above their items, modifier sub-rows, `Total
/// (Category)` and `TOTAL` rows, `$` money and `-` for nothing.
fn clover(seed: u64) -> (Vec<u8>, Truth) {
    let mut rng = Rng::new(seed);
    let mut t = Truth::default();
    let mut body = String::new();
    let (mut all_gross, mut all_net, mut all_sold) = (0i64, 0i64, 0i64);
    for cat in ["Coffee", "Mains", "Bakery", "Liquor: Call"] {
        if rng.chance(20) {
            continue;
        }
        body += &format!("{}\n", quote(cat));
        let (mut cat_gross, mut cat_net, mut cat_sold) = (0i64, 0i64, 0i64);
        for (dish, _) in DISHES {
            if !rng.chance(40) {
                continue;
            }
            let sold = 1 + rng.below(300) as i64;
            let refunded = if rng.chance(20) {
                1 + rng.below(3) as i64
            } else {
                0
            };
            let unit = 200 + 10 * rng.below(100) as i64;
            let gross = sold * unit;
            let disc = if rng.chance(30) {
                100 * (1 + rng.below(20) as i64)
            } else {
                0
            };
            let refunds = refunded * unit;
            let net = gross - disc - refunds;
            body += &format!(
                ",{},{},{},{sold},{refunded},\" \",\" \",-,{},{},10.0%,{},-,-\n",
                quote(dish),
                quote(&dollars(gross)),
                quote(&dollars(net)),
                quote(&dollars(-disc)),
                quote(&dollars(-refunds)),
                quote(&dollars(unit)),
            );
            if rng.chance(30) {
                body +=
                    ",,,\" \",\" \",\" \",Oat Milk,12,$6.00,\" \",\" \",\" \",\" \",\" \",\" \"\n";
            }
            t.lines += 1;
            t.quantity += sold - refunded;
            t.cents += net;
            cat_gross += gross;
            cat_net += net;
            cat_sold += sold;
        }
        body += &format!(
            "{},,{},{},{cat_sold},0,-,0,$0.00,-,-,40.0%,-,-,-\n\n",
            quote(&format!("Total ({cat})")),
            quote(&dollars(cat_gross)),
            quote(&dollars(cat_net)),
        );
        all_gross += cat_gross;
        all_net += cat_net;
        all_sold += cat_sold;
    }
    let out = format!(
        "Items Report\n\"Mar 1, 2024 12:00 AM - Mar 31, 2024 11:59 PM\"\n\"Requested on: Apr 2, 2024 9:12 AM\"\nFilters: Item Type = Revenue Items\n\nGross Sales,{}\nNet Sales,{}\nCOGS,$0.00\n\nCategory Name,Name,Gross Sales,Net Sales,Sold,Refunded,Modifier Name,Modifier Sold,Modifier Amount,Discounts,Refunds,% Net Sales,Avg Item Size,COGS,Gross Profit\n{body}TOTAL,,{},{},{all_sold},0,-,0,$0.00,-,-,100.0%,-,-,-\n",
        quote(&dollars(all_gross)),
        quote(&dollars(all_net)),
        quote(&dollars(all_gross)),
        quote(&dollars(all_net)),
    );
    (out.into_bytes(), t)
}

const SEEDS: u64 = 40;

#[test]
fn square_items_detail_totals_hold_for_every_seed() {
    for seed in 0..SEEDS {
        let (bytes, truth) = square(seed);
        check(&bytes, &truth, &opts(), &format!("square seed {seed}"));
    }
}

#[test]
fn loyverse_receipts_by_item_totals_hold_for_every_seed() {
    for seed in 0..SEEDS {
        let (bytes, truth) = loyverse(seed);
        check(&bytes, &truth, &opts(), &format!("loyverse seed {seed}"));
    }
}

#[test]
fn toast_item_selection_totals_hold_for_every_seed() {
    for seed in 0..SEEDS {
        let (bytes, truth) = toast(seed);
        check(&bytes, &truth, &opts(), &format!("toast seed {seed}"));
    }
}

#[test]
fn clover_items_report_totals_hold_for_every_seed() {
    for seed in 0..SEEDS {
        let (bytes, truth) = clover(seed);
        let o = opts().with_period_date(day(2024, 3, 31));
        check(&bytes, &truth, &o, &format!("clover seed {seed}"));
    }
}
