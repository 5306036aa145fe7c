//! Per-file counters that give lines their position within an order and
//! their occurrence among identical rows, which make dedupe keys stable;
//! plus the section heading the rows below it belong to.
//!
//! Line ids: an export's own line id is normally unique, but ids read
//! through a float (spreadsheets keep 15 significant digits of an 18-digit
//! id) or a buggy export can repeat one for different lines. Each distinct
//! content under one id gets its own occurrence so both lines survive;
//! the very same row repeated keeps occurrence and key, as before.
//!
//! Memory is bounded: the maps are cleared when they reach their cap. That
//! only matters for an order whose lines are more than `ORDER_CAP` orders
//! apart (exports list an order's lines together) or identical rows more
//! than `ROW_CAP` distinct rows apart.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// State carried from row to row within one file.
#[derive(Debug, Default)]
pub struct LineCounters {
    orders: HashMap<String, u32>,
    rows: HashMap<u64, u32, BuildHasherDefault<Fnv64>>,
    /// Per line-id hash: the contents seen under it and their numbers.
    line_ids: HashMap<u64, IdContents, BuildHasherDefault<Fnv64>>,
    /// The last section heading (a row holding only a name, e.g. a category
    /// above its items in a period report).
    pub section: Option<String>,
    /// Sums of the sale lines read since the last summary row, and since
    /// the day began, which tell a subtotal row without a label from a sale.
    pub running: RunningSums,
}

/// Quantity and money of consecutive sale lines: one run since the last
/// summary row, one for the current date.
#[derive(Debug, Default)]
pub struct RunningSums {
    date: Option<chrono::NaiveDate>,
    since_summary: Run,
    day: Run,
}

/// Quantity and money of a run of lines, and whether any of them was named
/// (a run of unnamed lines only is never totalled by a subtotal: identical
/// unnamed sales in a row are sales).
#[derive(Debug, Default, Clone, Copy)]
struct Run {
    quantity: rust_decimal::Decimal,
    money: rust_decimal::Decimal,
    named: bool,
}

impl RunningSums {
    /// Adds a stored line.
    pub fn add(
        &mut self,
        date: chrono::NaiveDate,
        quantity: Option<rust_decimal::Decimal>,
        money: Option<rust_decimal::Decimal>,
        named: bool,
    ) {
        if self.date != Some(date) {
            *self = Self {
                date: Some(date),
                ..Self::default()
            };
        }
        let q = quantity.unwrap_or_default();
        let m = money.unwrap_or_default();
        for run in [&mut self.since_summary, &mut self.day] {
            run.quantity = run.quantity.saturating_add(q);
            run.money = run.money.saturating_add(m);
            run.named |= named;
        }
    }

    /// A summary row was skipped: the next subtotal starts from zero.
    pub fn reset_run(&mut self) {
        self.since_summary = Default::default();
    }

    /// Whether `quantity` and one of `money` equal the lines since the last
    /// summary row or the whole current day (on `date`, when dated). Values
    /// that are absent must be absent or zero in the run too, and a run of
    /// nothing matches nothing.
    pub fn is_subtotal(
        &self,
        date: Option<chrono::NaiveDate>,
        quantity: Option<rust_decimal::Decimal>,
        money: &[rust_decimal::Decimal],
    ) -> bool {
        if date.is_some() && date != self.date {
            return false;
        }
        [self.since_summary, self.day].iter().any(|run| {
            let (q, m) = (run.quantity, run.money);
            if !run.named || (q.is_zero() && m.is_zero()) {
                return false;
            }
            let qty_ok = quantity.map_or(q.is_zero() || money.is_empty(), |x| x == q);
            let money_ok = if money.is_empty() {
                quantity.is_some()
            } else {
                money.contains(&m)
            };
            qty_ok && money_ok
        })
    }
}

#[derive(Debug, Default)]
struct IdContents {
    next: u32,
    contents: Vec<(u64, u32)>,
}

/// FNV-1a: fast for the short keys hashed per row, where SipHash's
/// flooding resistance buys nothing (keys come from one file, maps are capped).
#[derive(Debug, Clone, Copy)]
pub struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv64 {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

const ORDER_CAP: usize = 4096;
const ROW_CAP: usize = 65_536;
const LINE_ID_CAP: usize = 65_536;
/// Distinct contents remembered per line id; more share the last occurrence.
const CONTENTS_PER_ID: usize = 16;

impl LineCounters {
    /// 0-based position of the next line of `order`.
    pub fn order_position(&mut self, order: &str) -> u32 {
        if let Some(n) = self.orders.get_mut(order) {
            let pos = *n;
            *n = n.saturating_add(1);
            return pos;
        }
        if self.orders.len() >= ORDER_CAP {
            self.orders.clear();
        }
        self.orders.insert(order.to_owned(), 1);
        0
    }

    /// Occurrence of a line id with this content: 0 for the first content
    /// seen under the id, 1 for the second distinct one, and so on; the same
    /// content again gets its earlier number.
    pub fn line_id_occurrence(&mut self, id: u64, content: u64) -> u32 {
        if self.line_ids.len() >= LINE_ID_CAP && !self.line_ids.contains_key(&id) {
            self.line_ids.clear();
        }
        let seen = self.line_ids.entry(id).or_default();
        if let Some(&(_, n)) = seen.contents.iter().find(|(c, _)| *c == content) {
            return n;
        }
        // Beyond the cap the oldest content is forgotten; numbering goes on,
        // so distinct lines still get distinct numbers.
        if seen.contents.len() >= CONTENTS_PER_ID {
            seen.contents.remove(0);
        }
        let n = seen.next;
        seen.next = seen.next.saturating_add(1);
        seen.contents.push((content, n));
        n
    }

    /// How many earlier rows had the same content key.
    pub fn occurrence(&mut self, key: u64) -> u32 {
        if self.rows.len() >= ROW_CAP && !self.rows.contains_key(&key) {
            self.rows.clear();
        }
        let n = self.rows.entry(key).or_insert(0);
        let seen = *n;
        *n = n.saturating_add(1);
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_lines_per_order_and_identical_rows() {
        let mut c = LineCounters::default();
        assert_eq!(c.order_position("A"), 0);
        assert_eq!(c.order_position("B"), 0);
        assert_eq!(c.order_position("A"), 1);
        assert_eq!(c.occurrence(7), 0);
        assert_eq!(c.occurrence(7), 1);
        assert_eq!(c.occurrence(8), 0);
    }

    #[test]
    fn line_ids_tell_distinct_contents_apart() {
        let mut c = LineCounters::default();
        assert_eq!(c.line_id_occurrence(1, 10), 0);
        assert_eq!(c.line_id_occurrence(1, 11), 1);
        assert_eq!(c.line_id_occurrence(1, 10), 0, "same content, same number");
        assert_eq!(c.line_id_occurrence(2, 11), 0);
        for i in 0..(LINE_ID_CAP * 2) {
            c.line_id_occurrence(i as u64, 0);
        }
        assert!(c.line_ids.len() <= LINE_ID_CAP);
        for k in 0..100 {
            c.line_id_occurrence(u64::MAX, k);
        }
        assert!(c.line_ids[&u64::MAX].contents.len() <= CONTENTS_PER_ID);
        assert_eq!(c.line_id_occurrence(u64::MAX, 1000), 100);
    }

    #[test]
    fn maps_stay_bounded() {
        let mut c = LineCounters::default();
        for i in 0..(ORDER_CAP * 3) {
            c.order_position(&i.to_string());
        }
        assert!(c.orders.len() <= ORDER_CAP);
    }
}
