//! The normalised output of the parser: one [`SaleLine`] per sold item line.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::item::normalize_item_name;

/// One normalised sale line.
///
/// Quantities and money are exact decimals (see [`crate::numbers`]).
/// Negative quantities are refunds and are kept so they net out downstream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaleLine {
    /// 1-based physical line in the file (spreadsheet row for `.xlsx`).
    pub line: u64,
    /// Day the sale counts towards, after the day cut-off hour.
    pub business_date: NaiveDate,
    /// Wall-clock time in the restaurant's zone, when the file has times.
    pub local_time: Option<NaiveDateTime>,
    /// `local_time` as an instant (DST resolved as [`crate::clock`] says).
    pub instant: Option<DateTime<Utc>>,
    pub order_id: Option<String>,
    /// 0-based position of this line among the rows of its order (voided
    /// and rejected rows included, so positions survive a later void), when
    /// there is an order id.
    pub line_in_order: Option<u32>,
    /// The export's own identifier for the line, when it has one.
    pub line_id: Option<String>,
    /// Display name (trimmed, whitespace collapsed, control chars removed).
    pub item: String,
    /// Units sold; negative for refunds; `None` when the file reports only
    /// revenue (daily revenue per product group).
    pub quantity: Option<Decimal>,
    pub unit_price: Option<Decimal>,
    /// Amount charged for the line, net of discounts; `None` when unknown.
    pub line_total: Option<Decimal>,
    pub promo: bool,
    pub category: Option<String>,
    /// Store / restaurant identifier when the file covers several.
    pub location: Option<String>,
    pub warnings: Vec<Warning>,
    /// Makes [`SaleLine::dedupe_key`] unique within a file. With a line id:
    /// 0, or the number of the distinct row when several different rows
    /// share the id ([`Warning::SharedKey`]). Else without an order id: how
    /// many earlier lines of the file had the same location, time (or date)
    /// and item. 0 when there is an order id.
    pub occurrence: u32,
}

/// A problem that does not reject the line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
// Named for the document: `Warning` alone says nothing among the API's schemas.
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(as = SaleLineWarning)
)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Warning {
    /// Unit price or line total is zero or negative (comps, refunds,
    /// data-entry mistakes): kept, but worth a look.
    NonPositivePrice,
    /// A text value would run as a spreadsheet formula; use
    /// [`crate::sanitize_for_display`] before exporting it.
    FormulaLike { column: String },
    /// The item cell was empty; the line is kept as `(unknown item)` so
    /// revenue and unit totals still reconcile.
    MissingItem { column: String },
    /// Control characters (e.g. NUL) were removed from a text value.
    ControlCharsRemoved { column: String },
    /// An earlier, different row of the file has the same id in `column`
    /// (ids garbled by a spreadsheet, or an export bug): both lines are kept
    /// with keys of their own.
    SharedKey { column: String },
}

impl SaleLine {
    /// Matching key of the item (see [`normalize_item_name`]).
    pub fn item_key(&self) -> String {
        normalize_item_name(&self.item)
    }

    /// Stable identity of this line across re-imports, as 32 hex digits.
    ///
    /// From the most stable identity available: location + the export's
    /// line id; else location + order id + position within the order; else
    /// location + date/time + item key + occurrence among identical earlier
    /// rows. Uploading the same transactions again yields the same keys. The
    /// hash is FNV-1a (128-bit), fixed here so keys stay stable across
    /// builds and platforms.
    pub fn dedupe_key(&self) -> String {
        let mut h = Fnv128::new();
        h.part(self.location.as_deref().unwrap_or(""));
        match (&self.line_id, &self.order_id, self.line_in_order) {
            (Some(id), _, _) => {
                h.part("line");
                h.part(id);
                // Only rows sharing an id with a different earlier row have
                // a number, so keys of every other line stay as they were.
                if self.occurrence > 0 {
                    h.part(&self.occurrence.to_string());
                }
            }
            (None, Some(order), Some(pos)) => {
                h.part("order");
                h.part(order);
                h.part(&pos.to_string());
            }
            _ => {
                h.part("row");
                match self.local_time {
                    Some(t) => h.part(&t.to_string()),
                    None => h.part(&self.business_date.to_string()),
                }
                h.part(&self.item_key());
                h.part(&self.occurrence.to_string());
            }
        }
        format!("{:032x}", h.0)
    }
}

struct Fnv128(u128);

impl Fnv128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;

    fn new() -> Self {
        Self(Self::OFFSET)
    }

    /// Hashes a length-prefixed part so ("ab","c") ≠ ("a","bc").
    fn part(&mut self, s: &str) {
        for b in (s.len() as u64).to_le_bytes().iter().chain(s.as_bytes()) {
            self.0 ^= u128::from(*b);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }
}
