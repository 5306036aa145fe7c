//! What is on the shelf between stock counts, and whether it lasts until
//! the next delivery.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::demand::DemandDistribution;

/// A recorded movement or count of one ingredient, in base units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum StockEvent {
    /// A physical count: what was on the shelf.
    Count { date: NaiveDate, quantity: f64 },
    /// Goods received, from a supplier or another restaurant.
    Delivery { date: NaiveDate, quantity: f64 },
    /// Goods used by sales (e.g. recipes × dishes sold).
    Usage { date: NaiveDate, quantity: f64 },
    /// Goods thrown away.
    Waste { date: NaiveDate, quantity: f64 },
    /// Goods that left otherwise: returned to the supplier or sent to
    /// another restaurant.
    Removed { date: NaiveDate, quantity: f64 },
}

impl StockEvent {
    pub fn date(&self) -> NaiveDate {
        match *self {
            Self::Count { date, .. }
            | Self::Delivery { date, .. }
            | Self::Usage { date, .. }
            | Self::Waste { date, .. }
            | Self::Removed { date, .. } => date,
        }
    }

    pub fn quantity(&self) -> f64 {
        match *self {
            Self::Count { quantity, .. }
            | Self::Delivery { quantity, .. }
            | Self::Usage { quantity, .. }
            | Self::Waste { quantity, .. }
            | Self::Removed { quantity, .. } => quantity,
        }
    }

    fn valid(&self) -> bool {
        self.quantity().is_finite() && self.quantity() >= 0.0
    }
}

/// On-hand stock at the end of `as_of`: the latest count on or before it,
/// plus deliveries, minus usage, waste and removals recorded after that count up to
/// and including `as_of`. No count at all gives `None`: unknown stock is
/// not zero stock, and ordering as if it were would over-order.
///
/// Events are applied in date order. On the count's own date, only events
/// that come after the count in `events` are applied (the count already saw
/// the ones before it); of two counts on one date the later one wins.
/// Events with a negative or non-finite quantity are ignored.
///
/// The running figure never goes below zero. A shelf cannot hold less than
/// nothing, so a negative figure means a delivery went unrecorded; carrying
/// the deficit forward would hide the next real delivery behind it.
pub fn project_on_hand(events: &[StockEvent], as_of: NaiveDate) -> Option<f64> {
    let (count_at, count) = events
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e, StockEvent::Count { .. }) && e.valid() && e.date() <= as_of)
        .max_by_key(|(i, e)| (e.date(), *i))?;
    let count_key = (count.date(), count_at);
    let mut after: Vec<(usize, &StockEvent)> = events
        .iter()
        .enumerate()
        .filter(|(i, e)| e.valid() && e.date() <= as_of && (e.date(), *i) > count_key)
        .collect();
    after.sort_by_key(|(i, e)| (e.date(), *i));
    let mut on_hand = count.quantity();
    for (_, e) in after {
        on_hand = match *e {
            // Unreachable in practice: the chosen count is the latest.
            StockEvent::Count { quantity, .. } => quantity,
            StockEvent::Delivery { quantity, .. } => on_hand + quantity,
            StockEvent::Usage { quantity, .. }
            | StockEvent::Waste { quantity, .. }
            | StockEvent::Removed { quantity, .. } => (on_hand - quantity).max(0.0),
        };
    }
    Some(on_hand)
}

/// A warning that stock will probably not last until the next delivery.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LowStock {
    /// Projected stock now.
    pub on_hand: f64,
    /// The demand quantile the stock was checked against.
    pub quantile: f64,
    /// Demand at that quantile until the next delivery.
    pub needed: f64,
    /// `needed − on_hand`.
    pub shortfall: f64,
    /// Probability that demand until the next delivery exceeds the stock.
    pub chance_short: f64,
}

/// Low-stock alert: `Some` when `on_hand` is below the `quantile` of demand
/// until the next delivery (0.5 is the median: more likely short than not).
pub fn low_stock(
    on_hand: f64,
    until_delivery: &DemandDistribution,
    quantile: f64,
) -> Option<LowStock> {
    let needed = until_delivery.quantile(quantile);
    (on_hand < needed).then(|| LowStock {
        on_hand,
        quantile,
        needed,
        shortfall: needed - on_hand,
        chance_short: until_delivery.probability_above(on_hand),
    })
}
