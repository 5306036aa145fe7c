//! The forecasting models and what they share: the predictive
//! distribution of one day (for quantiles and calibration checks) and the
//! `Model` enum that selects a model with its parameters.

pub mod naive;
pub mod production;
pub mod seed;

use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::context::Job;
use crate::error::{ForecastError, Result};
use crate::nb::NegBin;
use crate::output::ItemForecast;
use crate::types::ModelKind;

pub use production::ProductionParams;
pub use seed::SeedParams;

/// The probabilities reported for every forecast day, ascending.
pub const QUANTILES: [f64; 4] = [0.1, 0.5, 0.9, 0.99];

/// A model together with its parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "kebab-case")]
pub enum Model {
    /// Same weekday last week.
    SeasonalNaive,
    /// The original specification.
    Seed(SeedParams),
    /// The recommended model.
    Production(ProductionParams),
}

impl Model {
    /// The model of that kind with default parameters.
    pub fn from_kind(kind: ModelKind) -> Self {
        match kind {
            ModelKind::SeasonalNaive => Model::SeasonalNaive,
            ModelKind::Seed => Model::Seed(SeedParams::default()),
            ModelKind::Production => Model::Production(ProductionParams::default()),
        }
    }

    /// Which kind of model this is.
    pub fn kind(&self) -> ModelKind {
        match self {
            Model::SeasonalNaive => ModelKind::SeasonalNaive,
            Model::Seed(_) => ModelKind::Seed,
            Model::Production(_) => ModelKind::Production,
        }
    }

    /// Forecasts every item of the job; with `want_predictive` also returns
    /// each day's full predictive distribution (used by backtests). Fails
    /// only when the request's deadline passes.
    pub(crate) fn run(&self, job: &Job<'_>, want_predictive: bool) -> Result<Vec<ItemPrediction>> {
        match self {
            Model::SeasonalNaive => naive::run(job, want_predictive),
            Model::Seed(p) => seed::run(p, job, want_predictive),
            Model::Production(p) => production::run(p, job, want_predictive),
        }
    }
}

impl FromStr for Model {
    type Err = ForecastError;
    fn from_str(s: &str) -> Result<Self> {
        s.parse::<ModelKind>().map(Model::from_kind)
    }
}

/// One day's predictive distribution, enough to compute the CDF at an
/// observed value (randomised PIT) in backtests.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Predictive {
    /// Point mass at zero (closed day).
    Zero,
    /// Negative binomial.
    NegBin(NegBin),
    /// A negative binomial base multiplied by a constant (seed model).
    ScaledNegBin { base: NegBin, scale: f64 },
    /// `max(center + e, 0)` with `e` drawn from sorted past errors.
    Empirical { center: f64, errors: Arc<[f64]> },
}

impl Predictive {
    /// Expected value.
    pub(crate) fn mean(&self) -> f64 {
        match self {
            Predictive::Zero => 0.0,
            Predictive::NegBin(nb) => nb.mean(),
            Predictive::ScaledNegBin { base, scale } => base.mean() * scale,
            Predictive::Empirical { center, errors } => {
                if errors.is_empty() {
                    center.max(0.0)
                } else {
                    errors.iter().map(|e| (center + e).max(0.0)).sum::<f64>() / errors.len() as f64
                }
            }
        }
    }

    /// Variance.
    pub(crate) fn variance(&self) -> f64 {
        match self {
            Predictive::Zero => 0.0,
            Predictive::NegBin(nb) => nb.variance(),
            Predictive::ScaledNegBin { base, scale } => base.variance() * scale * scale,
            Predictive::Empirical { center, errors } => {
                if errors.is_empty() {
                    return 0.0;
                }
                let m = self.mean();
                errors
                    .iter()
                    .map(|e| ((center + e).max(0.0) - m).powi(2))
                    .sum::<f64>()
                    / errors.len() as f64
            }
        }
    }

    /// The same shape of distribution moved to a new mean (as reported in
    /// the forecast): a negative binomial keeps its size (its dispersion),
    /// an empirical one shifts.
    pub(crate) fn with_mean(&self, mean: f64) -> Predictive {
        let mean = mean.max(0.0);
        match self {
            Predictive::Zero => Predictive::Zero,
            Predictive::NegBin(nb) => Predictive::NegBin(NegBin::new(mean, nb.size())),
            Predictive::ScaledNegBin { base, scale } if *scale > 0.0 => Predictive::ScaledNegBin {
                base: NegBin::new(mean / scale, base.size()),
                scale: *scale,
            },
            Predictive::ScaledNegBin { .. } => Predictive::Zero,
            // The seasonal-naive model reports its centre as the mean.
            Predictive::Empirical { errors, .. } => Predictive::Empirical {
                center: mean,
                errors: Arc::clone(errors),
            },
        }
    }

    /// Quantiles at `QUANTILES`, ascending.
    pub(crate) fn quantiles(&self) -> [f64; 4] {
        let mut q = [0.0; 4];
        match self {
            Predictive::Zero => {}
            Predictive::NegBin(nb) => nb.quantiles(&QUANTILES, &mut q),
            Predictive::ScaledNegBin { base, scale } => {
                base.quantiles(&QUANTILES, &mut q);
                q.iter_mut().for_each(|x| *x *= scale);
            }
            Predictive::Empirical { center, errors } => {
                for (o, p) in q.iter_mut().zip(QUANTILES) {
                    *o = (center + sorted_quantile(errors, p)).max(0.0);
                }
            }
        }
        q
    }

    /// `(P(Y < y), P(Y ≤ y))`.
    pub(crate) fn cdf_pair(&self, y: f64) -> (f64, f64) {
        match self {
            Predictive::Zero => (
                if y > 0.0 { 1.0 } else { 0.0 },
                if y >= 0.0 { 1.0 } else { 0.0 },
            ),
            Predictive::NegBin(nb) => (nb.cdf_below(y), nb.cdf_real(y)),
            Predictive::ScaledNegBin { base, scale } => {
                if *scale <= 0.0 {
                    return Predictive::Zero.cdf_pair(y);
                }
                // Base values are integers: snap y/scale so that an observed
                // value that equals a support point is recognised as one.
                let x = y / scale;
                let r = x.round();
                let x = if (x - r).abs() < 1e-9 { r } else { x };
                (base.cdf_below(x), base.cdf_real(x))
            }
            Predictive::Empirical { center, errors } => {
                if y < 0.0 || errors.is_empty() {
                    return (
                        0.0,
                        if y >= 0.0 && errors.is_empty() {
                            1.0
                        } else {
                            0.0
                        },
                    );
                }
                let n = errors.len() as f64;
                let t = y - center;
                let below = if y > 0.0 {
                    errors.partition_point(|e| *e < t) as f64 / n
                } else {
                    0.0
                };
                let at = errors.partition_point(|e| *e <= t) as f64 / n;
                (below, at)
            }
        }
    }
}

/// Forecast of one item plus (optionally) its predictive distributions.
#[derive(Debug, Clone)]
pub(crate) struct ItemPrediction {
    pub forecast: ItemForecast,
    pub predictive: Vec<Predictive>,
}

/// Quantile of sorted values with linear interpolation between order
/// statistics (the common "type 7" definition).
pub(crate) fn sorted_quantile(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}
