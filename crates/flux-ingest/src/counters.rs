//! Per-file counters that give lines their position within an order and
//! their occurrence among identical rows, which make dedupe keys stable.
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
    fn maps_stay_bounded() {
        let mut c = LineCounters::default();
        for i in 0..(ORDER_CAP * 3) {
            c.order_position(&i.to_string());
        }
        assert!(c.orders.len() <= ORDER_CAP);
    }
}
