//! A forecast's quantiles and what a person's override does to them.
//!
//! An override states the quantity a manager expects (a wedding on
//! Saturday, a street closed on Monday). It replaces the median; the rest
//! of the distribution moves with it so that purchasing, which orders from
//! the upper quantiles, keeps a safety margin in proportion. Above one
//! unit the quantiles are scaled by the same factor (the model's relative
//! uncertainty is kept); at a median below one unit there is nothing to
//! scale and they are shifted instead. The result is never negative and
//! stays ordered.

use serde::Serialize;

/// Largest quantity an override may state, per dish and day.
pub const OVERRIDE_MAX: f64 = 100_000.0;

/// The quantities a forecast day carries.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quantiles {
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
}

impl Quantiles {
    /// These quantiles with their median set to `target`.
    pub fn overridden(self, target: f64) -> Quantiles {
        let target = if target.is_finite() {
            target.clamp(0.0, OVERRIDE_MAX)
        } else {
            self.p50
        };
        let moved = |q: f64| -> f64 {
            let v = if self.p50 >= 1.0 {
                q * target / self.p50
            } else {
                q + (target - self.p50)
            };
            v.max(0.0)
        };
        let p10 = moved(self.p10).min(target);
        let p90 = moved(self.p90).max(target);
        let p99 = moved(self.p99).max(p90);
        Quantiles {
            mean: moved(self.mean),
            p10,
            p50: target,
            p90,
            p99,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(p10: f64, p50: f64, p90: f64) -> Quantiles {
        Quantiles {
            mean: p50,
            p10,
            p50,
            p90,
            p99: p90 * 1.5,
        }
    }

    #[test]
    fn a_busy_dish_keeps_its_relative_spread() {
        let o = q(14.0, 20.0, 27.0).overridden(40.0);
        assert_eq!((o.p10, o.p50, o.p90, o.mean), (28.0, 40.0, 54.0, 40.0));
    }

    #[test]
    fn a_slow_dish_is_shifted_and_never_negative() {
        let o = q(0.0, 0.0, 3.0).overridden(10.0);
        assert_eq!((o.p10, o.p50, o.p90), (10.0, 10.0, 13.0));
        let down = q(0.0, 0.5, 2.0).overridden(0.0);
        assert_eq!((down.p10, down.p50, down.p90), (0.0, 0.0, 1.5));
    }

    #[test]
    fn results_stay_ordered_and_finite_whatever_the_target() {
        for target in [0.0, 0.3, 1.0, 7.0, 1e9, f64::NAN, -5.0] {
            for base in [q(0.0, 0.0, 0.0), q(2.0, 5.0, 9.0), q(0.0, 0.9, 4.0)] {
                let o = base.overridden(target);
                assert!(o.p10 <= o.p50 && o.p50 <= o.p90 && o.p90 <= o.p99, "{o:?}");
                assert!([o.mean, o.p10, o.p99]
                    .iter()
                    .all(|v| v.is_finite() && *v >= 0.0));
            }
        }
    }
}
