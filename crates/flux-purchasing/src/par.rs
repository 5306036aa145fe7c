//! Par levels: the least an ingredient should have on the shelf (`min`)
//! and what an order tops it up to (`max`), for kitchens that order by par
//! rather than by the day's recommendation.
//!
//! Suggested from the forecast: `min` is the 90th percentile of what the
//! kitchen uses before anything ordered today can arrive (below it the
//! shelf may run out first), and `max` is the newsvendor order-up-to level
//! of the coverage window, never below `min`. Fill to par orders only when
//! stock on hand and on order is at or below `min`, and then up to `max`.

use serde::{Deserialize, Serialize};

use crate::demand::DemandDistribution;

/// A minimum and maximum stock, in the ingredient's base unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Par {
    pub min: f64,
    pub max: f64,
}

impl Par {
    /// A par as entered: finite, `0 ≤ min ≤ max`.
    pub fn new(min: f64, max: f64) -> Option<Par> {
        (min.is_finite() && max.is_finite() && min >= 0.0 && max >= min).then_some(Par { min, max })
    }
}

/// The par the forecast suggests: `min` = p90 of use until the first
/// delivery, `max` = the window's order-up-to `target` (at least `min`).
pub fn suggest(until_delivery: &DemandDistribution, target: f64) -> Par {
    let min = until_delivery.p90().max(0.0);
    let max = if target.is_finite() {
        target.max(min)
    } else {
        min
    };
    Par { min, max }
}

/// What to order under fill to par: nothing while stock (on hand plus on
/// order; negative or non-finite figures count as none) is above `min`,
/// else up to `max`.
pub fn fill_to_par(par: Par, on_hand: f64, on_order: f64) -> f64 {
    let clean = |x: f64| if x.is_finite() { x.max(0.0) } else { 0.0 };
    let stock = clean(on_hand) + clean(on_order);
    if stock <= par.min {
        (par.max - stock).max(0.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_only_at_or_below_the_minimum_and_then_up_to_the_maximum() {
        let par = Par::new(4.0, 10.0).expect("par");
        assert_eq!(fill_to_par(par, 5.0, 0.0), 0.0);
        assert_eq!(fill_to_par(par, 3.0, 1.0), 6.0);
        assert_eq!(fill_to_par(par, 1.0, 0.0), 9.0);
        assert_eq!(fill_to_par(par, f64::NAN, -2.0), 10.0);
        assert!(Par::new(5.0, 4.0).is_none());
        assert!(Par::new(-1.0, 4.0).is_none());
        assert!(Par::new(1.0, f64::INFINITY).is_none());
    }

    #[test]
    fn the_suggestion_covers_the_days_before_delivery_and_tops_up_to_the_target() {
        let before = DemandDistribution::from_samples((0..100).map(f64::from).collect())
            .expect("distribution");
        let par = suggest(&before, 150.0);
        assert!((par.min - before.p90()).abs() < 1e-9);
        assert_eq!(par.max, 150.0);
        let low_target = suggest(&before, 10.0);
        assert_eq!(low_target.max, low_target.min, "max is never below min");
    }
}
