//! Synthetic restaurants with known demand distributions, for the
//! backtest.
//!
//! Daily dish demand is negative binomial (a Poisson whose rate is
//! gamma-distributed, so busy and quiet days vary more than Poisson alone
//! would allow) with a weekday pattern. Because the truth is known, the
//! forecasts handed to the policies are exact quantiles of it: any cost
//! difference between policies comes from how they turn quantiles into
//! orders, not from forecast error.

use chrono::{NaiveDate, Weekday};
use rand::Rng;
use rand_distr::{Distribution, Gamma, Poisson};

use crate::demand::QuantileForecast;
use crate::error::ProcurementError;

/// A dish on the synthetic menu.
#[derive(Debug, Clone, PartialEq)]
pub struct Dish {
    pub name: String,
    /// Mean units sold on an average day.
    pub base_mean: f64,
    /// Multipliers of `base_mean`, Monday first.
    pub weekday_factors: [f64; 7],
    /// Negative binomial size: variance = mean + mean² / size. Smaller is
    /// more erratic.
    pub size: f64,
    /// Base units of each ingredient (index into
    /// [`Scenario::ingredients`]) per dish.
    pub recipe: Vec<(usize, f64)>,
}

/// An ingredient of the synthetic kitchen.
#[derive(Debug, Clone, PartialEq)]
pub struct Ingredient {
    pub name: String,
    pub base_unit: String,
    pub unit_cost: f64,
    /// Days a delivered unit is usable, counting the delivery day.
    pub shelf_life_days: Option<u32>,
    /// Weekdays it is delivered. Orders are placed the same morning and
    /// arrive before service (zero lead time), so a policy only decides on
    /// these days.
    pub delivery_days: Vec<Weekday>,
}

/// Everything a backtest run needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// First simulated day; every ingredient should be delivered on it,
    /// or all policies start with the same unavoidable shortage.
    pub start: NaiveDate,
    pub days: u32,
    pub dishes: Vec<Dish>,
    pub ingredients: Vec<Ingredient>,
    pub stockout_multiplier: f64,
    pub holding_rate_per_day: f64,
    /// Monte Carlo samples per newsvendor decision.
    pub samples: usize,
    /// Seeds both the actual demand and the Monte Carlo draws.
    pub seed: u64,
}

/// Monday 6 January 2025; the `None` arm is unreachable for a valid date.
const DEFAULT_START: NaiveDate = match NaiveDate::from_ymd_opt(2025, 1, 6) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

const EVERY_DAY: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

impl Default for Scenario {
    /// A small bistro. Delivered daily: bread and tuna that must be used
    /// the day they arrive, and salmon that keeps one day longer (the case
    /// [`crate::service_level_for`] exists for). Delivered Monday and
    /// Thursday: cream, potatoes and rice, which keep. Five dishes, busier
    /// at the weekend.
    fn default() -> Self {
        let weekend = [0.8, 0.85, 0.9, 1.0, 1.3, 1.45, 1.1];
        let ingredient =
            |name: &str, unit: &str, cost: f64, shelf: Option<u32>, days: &[Weekday]| Ingredient {
                name: name.to_owned(),
                base_unit: unit.to_owned(),
                unit_cost: cost,
                shelf_life_days: shelf,
                delivery_days: days.to_vec(),
            };
        let twice_weekly = [Weekday::Mon, Weekday::Thu];
        Self {
            start: DEFAULT_START,
            days: 120,
            ingredients: vec![
                ingredient("bread roll", "each", 0.45, Some(1), &EVERY_DAY),
                ingredient("tuna", "kg", 32.0, Some(1), &EVERY_DAY),
                ingredient("salmon", "kg", 28.0, Some(2), &EVERY_DAY),
                ingredient("cream", "l", 3.2, Some(12), &twice_weekly),
                ingredient("potatoes", "kg", 1.1, Some(21), &twice_weekly),
                ingredient("rice", "kg", 1.9, None, &twice_weekly),
            ],
            dishes: vec![
                Dish {
                    name: "burger".to_owned(),
                    base_mean: 40.0,
                    weekday_factors: weekend,
                    size: 8.0,
                    recipe: vec![(0, 1.0), (4, 0.25)],
                },
                Dish {
                    name: "tuna bowl".to_owned(),
                    base_mean: 18.0,
                    weekday_factors: weekend,
                    size: 5.0,
                    recipe: vec![(1, 0.14), (5, 0.12)],
                },
                Dish {
                    name: "risotto".to_owned(),
                    base_mean: 12.0,
                    weekday_factors: [1.0, 0.9, 0.9, 1.0, 1.2, 1.3, 1.2],
                    size: 4.0,
                    recipe: vec![(5, 0.09), (3, 0.06)],
                },
                Dish {
                    name: "chowder".to_owned(),
                    base_mean: 15.0,
                    weekday_factors: [0.7, 0.8, 0.9, 1.0, 1.3, 1.5, 1.4],
                    size: 6.0,
                    recipe: vec![(3, 0.1), (4, 0.15), (0, 0.5)],
                },
                Dish {
                    name: "grilled salmon".to_owned(),
                    base_mean: 14.0,
                    weekday_factors: [0.9, 0.9, 1.0, 1.0, 1.2, 1.2, 0.8],
                    size: 5.0,
                    recipe: vec![(2, 0.18), (4, 0.2)],
                },
            ],
            stockout_multiplier: 3.0,
            holding_rate_per_day: 0.002,
            samples: 2_000,
            seed: 20_250_106,
        }
    }
}

impl Scenario {
    pub(crate) fn validate(&self) -> Result<(), ProcurementError> {
        let bad = |msg: String| Err(ProcurementError::InvalidScenario(msg));
        if self.samples == 0 {
            return bad("samples must be at least 1".to_owned());
        }
        if !(self.stockout_multiplier.is_finite() && self.stockout_multiplier > 0.0) {
            return bad(format!(
                "stockout multiplier {} must be positive",
                self.stockout_multiplier
            ));
        }
        if !(self.holding_rate_per_day.is_finite() && self.holding_rate_per_day >= 0.0) {
            return bad(format!(
                "holding rate {} must be ≥ 0",
                self.holding_rate_per_day
            ));
        }
        for i in &self.ingredients {
            if !(i.unit_cost.is_finite() && i.unit_cost >= 0.0) {
                return bad(format!("{}: unit cost {} must be ≥ 0", i.name, i.unit_cost));
            }
            if i.shelf_life_days == Some(0) {
                return bad(format!("{}: shelf life must be at least 1 day", i.name));
            }
            if i.delivery_days.is_empty() {
                return bad(format!("{}: no delivery days", i.name));
            }
        }
        for d in &self.dishes {
            if !(d.size.is_finite() && d.size > 0.0) {
                return bad(format!("{}: size {} must be positive", d.name, d.size));
            }
            for f in d.weekday_factors {
                let mean = d.base_mean * f;
                // Beyond this the pmf at zero underflows and the quantile
                // walk would have nowhere to start.
                if !(mean.is_finite() && mean >= 0.0 && d.size * (mean / d.size).ln_1p() < 700.0) {
                    return bad(format!("{}: daily mean {mean} out of range", d.name));
                }
            }
            for &(ingredient, per_unit) in &d.recipe {
                if ingredient >= self.ingredients.len() {
                    return bad(format!("{}: unknown ingredient {ingredient}", d.name));
                }
                if !(per_unit.is_finite() && per_unit >= 0.0) {
                    return bad(format!("{}: quantity {per_unit} must be ≥ 0", d.name));
                }
            }
        }
        Ok(())
    }
}

/// Negative binomial with the given mean and size.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NegBinomial {
    pub mean: f64,
    pub size: f64,
}

/// Steps after which the quantile walk gives up; far beyond any valid
/// scenario's p99.
const MAX_WALK: u32 = 1_000_000;

impl NegBinomial {
    /// The exact forecast a perfect model would give.
    pub fn forecast(&self) -> QuantileForecast {
        let [p10, p50, p90, p99] = self.quantiles([0.1, 0.5, 0.9, 0.99]);
        QuantileForecast {
            mean: self.mean,
            p10,
            p50,
            p90,
            p99,
        }
    }

    /// Smallest counts whose CDF reaches each probability (ascending).
    fn quantiles(&self, probs: [f64; 4]) -> [f64; 4] {
        let mut out = [0.0; 4];
        if self.mean <= 0.0 {
            return out;
        }
        let (m, k) = (self.mean, self.size);
        let ratio = m / (k + m);
        // pmf(0) = (k / (k + m))^k, then pmf(y + 1) = pmf(y)·(y + k)/(y + 1)·ratio.
        let mut pmf = (-k * (m / k).ln_1p()).exp();
        let mut cdf = pmf;
        let mut y = 0u32;
        for (slot, &p) in out.iter_mut().zip(&probs) {
            while cdf < p && y < MAX_WALK {
                pmf *= (f64::from(y) + k) / f64::from(y + 1) * ratio;
                y += 1;
                cdf += pmf;
            }
            *slot = f64::from(y);
        }
        out
    }

    pub fn sample<R: Rng>(&self, rng: &mut R) -> f64 {
        if self.mean <= 0.0 {
            return 0.0;
        }
        let Ok(gamma) = Gamma::new(self.size, self.mean / self.size) else {
            return self.mean;
        };
        let rate: f64 = gamma.sample(rng);
        match Poisson::new(rate) {
            Ok(poisson) => poisson.sample(rng),
            // A rate of exactly zero: nothing sells.
            Err(_) => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_limit_quantiles_match_tables() {
        // A huge size makes the negative binomial a Poisson(10), whose
        // quantiles are tabulated: 6, 10, 14, 18.
        let nb = NegBinomial {
            mean: 10.0,
            size: 1e9,
        };
        assert_eq!(nb.quantiles([0.1, 0.5, 0.9, 0.99]), [6.0, 10.0, 14.0, 18.0]);
    }

    #[test]
    fn geometric_quantiles_match_closed_form() {
        // Size 1 is geometric with P(Y ≤ y) = 1 − (m/(1+m))^(y+1); mean 3
        // gives 0.75^(y+1), so the median is the first y with
        // 0.75^(y+1) ≤ 0.5, i.e. y = 2 (0.42), and p90 is y = 8 (0.075;
        // y = 7 leaves 0.1001, just short).
        let nb = NegBinomial {
            mean: 3.0,
            size: 1.0,
        };
        let q = nb.quantiles([0.1, 0.5, 0.9, 0.99]);
        assert_eq!(q[1], 2.0);
        assert_eq!(q[2], 8.0);
    }
}
