//! Ingredient cost history: what a unit cost was on any given day.
//!
//! Supplier prices change; costing a dish "as of" a date (last month's
//! margin, a quote for next week) must use the price effective then, not
//! today's.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Money;

/// One price change: from `effective` on, the unit cost (per base unit) is
/// `unit_cost`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostEntry {
    pub effective: NaiveDate,
    pub unit_cost: Money,
}

/// Entries sorted by date, one per date, costs non-negative.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CostHistory {
    entries: Vec<CostEntry>,
}

/// Why a history could not be built; the caller adds the ingredient name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HistoryError {
    Negative(Decimal),
    Conflict(NaiveDate),
}

impl CostHistory {
    /// Sorts the entries; an exact duplicate is dropped, two different costs
    /// on one date are a conflict (which one would be "the" price?).
    pub(crate) fn new(mut entries: Vec<CostEntry>) -> Result<Self, HistoryError> {
        if let Some(bad) = entries.iter().find(|e| e.unit_cost < Money::ZERO) {
            return Err(HistoryError::Negative(bad.unit_cost.amount()));
        }
        entries.sort_by_key(|e| e.effective);
        entries.dedup();
        if let Some(pair) = entries
            .windows(2)
            .find(|w| w[0].effective == w[1].effective)
        {
            return Err(HistoryError::Conflict(pair[0].effective));
        }
        Ok(CostHistory { entries })
    }

    pub fn entries(&self) -> &[CostEntry] {
        &self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn earliest(&self) -> Option<NaiveDate> {
        self.entries.first().map(|e| e.effective)
    }

    /// The cost of the latest entry effective on or before `date`, or `None`
    /// when the date precedes every entry.
    pub fn cost_as_of(&self, date: NaiveDate) -> Option<Money> {
        let after = self.entries.partition_point(|e| e.effective <= date);
        after
            .checked_sub(1)
            .and_then(|i| self.entries.get(i))
            .map(|e| e.unit_cost)
    }
}
