//! An ingredient's demand over a window as a distribution, built from the
//! quantile forecasts of the dish-days that use it.
//!
//! Each dish-day forecast is read as a piecewise-linear quantile function
//! through its quantiles (see [`QuantileForecast::quantile`]); the
//! ingredient's demand is the recipe-weighted sum of independent draws from
//! those functions, sampled by Monte Carlo ([`ingredient_demand`]). The
//! result keeps its sorted samples, so any quantile and the expected
//! shortage or leftover at any stock level can be read from it afterwards.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::ProcurementError;

/// One dish-day forecast: quantiles of units sold that day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuantileForecast {
    /// Expected units sold. Validated but not used for sampling: the
    /// quantiles define the shape, and [`QuantileForecast::implied_mean`]
    /// is the mean the sampler actually reproduces.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
}

/// One dish-day's contribution to an ingredient: its forecast and how many
/// base units of the ingredient one unit of the dish uses (gross, waste
/// included).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Usage {
    /// Forecast of the dish on that day.
    pub forecast: QuantileForecast,
    /// Base units of the ingredient per unit of the dish.
    pub per_unit: f64,
}

/// Probabilities at which a forecast's quantile function is pinned.
const KNOTS: [f64; 5] = [0.0, 0.1, 0.5, 0.9, 0.99];

/// How far below p10 the quantile function starts, as a share of the
/// p10–p50 spread. 0.75 makes the mean of the lowest decile match that of a
/// normal distribution (≈ p10 − 0.37·(p50 − p10)); a straight line from zero
/// would understate the demand of dishes that never sell near zero.
const FLOOR_SPREAD: f64 = 0.75;

/// Draws this close to 1 are pulled back so the exponential tail stays
/// finite (ln 10¹⁰ ≈ 23 tail scales beyond p99 at most).
const MAX_TAIL_DRAW: f64 = 1.0 - 1e-12;

/// A forecast's quantile function, ready to evaluate.
#[derive(Debug, Clone, Copy)]
struct Curve {
    /// Values at [`KNOTS`]: floor, p10, p50, p90, p99 (sorted).
    values: [f64; 5],
    /// Scale of the exponential tail beyond p99.
    tail_scale: f64,
}

impl Curve {
    fn new(f: &QuantileForecast) -> Self {
        // Forecast models can emit crossing quantiles through rounding.
        // Sorting them (monotone rearrangement) never moves an estimate
        // further from the true quantiles, so it repairs without guessing.
        let mut q = [f.p10, f.p50, f.p90, f.p99];
        q.sort_by(f64::total_cmp);
        let [p10, p50, p90, p99] = q;
        let floor = (p10 - FLOOR_SPREAD * (p50 - p10)).max(0.0);
        Self {
            values: [floor, p10, p50, p90, p99],
            // An exponential tail continuing the p90→p99 decay: for an
            // exponential, Q(0.99) − Q(0.9) = scale · ln 10. It is a little
            // heavier than a normal tail, which errs on the side of stock.
            tail_scale: (p99 - p90) / std::f64::consts::LN_10,
        }
    }

    fn at(&self, u: f64) -> f64 {
        let u = if u.is_nan() { 0.5 } else { u.clamp(0.0, 1.0) };
        for i in 1..KNOTS.len() {
            if u <= KNOTS[i] {
                let (u0, u1) = (KNOTS[i - 1], KNOTS[i]);
                let (v0, v1) = (self.values[i - 1], self.values[i]);
                return v0 + (u - u0) / (u1 - u0) * (v1 - v0);
            }
        }
        let u = u.min(MAX_TAIL_DRAW);
        self.values[4] + self.tail_scale * ((1.0 - KNOTS[4]) / (1.0 - u)).ln()
    }

    fn mean(&self) -> f64 {
        let body: f64 = (1..KNOTS.len())
            .map(|i| (KNOTS[i] - KNOTS[i - 1]) * (self.values[i - 1] + self.values[i]) / 2.0)
            .sum();
        // The mean of an exponential tail is its start plus its scale.
        body + (1.0 - KNOTS[4]) * (self.values[4] + self.tail_scale)
    }
}

impl QuantileForecast {
    /// The quantile function the sampler uses, at probability `u` in
    /// `[0, 1]` (NaN reads as the median).
    ///
    /// Linear through (0, floor), (0.1, p10), (0.5, p50), (0.9, p90) and
    /// (0.99, p99), where floor = max(0, p10 − 0.75·(p50 − p10)); beyond p99
    /// an exponential tail with the decay implied by p90 and p99. Quantiles
    /// that cross are sorted first. Meaningful only for a valid forecast
    /// (finite, non-negative), which [`ingredient_demand`] checks.
    pub fn quantile(&self, u: f64) -> f64 {
        Curve::new(self).at(u)
    }

    /// Mean of the distribution [`QuantileForecast::quantile`] describes.
    /// It is usually within a few percent of the model's `mean`; the gap
    /// is the price of knowing the distribution only at four quantiles.
    pub fn implied_mean(&self) -> f64 {
        Curve::new(self).mean()
    }

    fn check(&self, usage: usize) -> Result<(), ProcurementError> {
        let fields = [
            ("mean", self.mean),
            ("p10", self.p10),
            ("p50", self.p50),
            ("p90", self.p90),
            ("p99", self.p99),
        ];
        for (field, value) in fields {
            if !value.is_finite() || value < 0.0 {
                return Err(ProcurementError::InvalidForecast {
                    usage,
                    field,
                    value,
                });
            }
        }
        Ok(())
    }
}

/// Summary quantiles of a [`DemandDistribution`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DemandSummary {
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
}

/// The distribution of an ingredient's total demand over a window, held as
/// sorted samples (never empty, all finite and ≥ 0).
#[derive(Debug, Clone, PartialEq)]
pub struct DemandDistribution {
    samples: Vec<f64>,
    mean: f64,
}

impl DemandDistribution {
    /// A distribution from raw samples in any order, e.g. simulated totals
    /// or a history of actual usage.
    pub fn from_samples(mut samples: Vec<f64>) -> Result<Self, ProcurementError> {
        if samples.is_empty() {
            return Err(ProcurementError::NoSamples);
        }
        if let Some((index, &value)) = samples
            .iter()
            .enumerate()
            .find(|(_, v)| !v.is_finite() || **v < 0.0)
        {
            return Err(ProcurementError::InvalidSample { index, value });
        }
        samples.sort_by(f64::total_cmp);
        let mean = samples.iter().sum::<f64>() / samples.len() as f64;
        if !mean.is_finite() {
            return Err(ProcurementError::Overflow);
        }
        Ok(Self { samples, mean })
    }

    /// No demand at all (an ingredient nothing on the forecast uses).
    pub fn zero() -> Self {
        Self {
            samples: vec![0.0],
            mean: 0.0,
        }
    }

    /// The sorted samples.
    pub fn samples(&self) -> &[f64] {
        &self.samples
    }

    /// The `q`-quantile, `q` in `[0, 1]` (clamped; NaN reads as the
    /// median), interpolating linearly between neighbouring samples.
    pub fn quantile(&self, q: f64) -> f64 {
        let q = if q.is_nan() { 0.5 } else { q.clamp(0.0, 1.0) };
        let last = self.samples.len() - 1;
        let h = q * last as f64;
        let lo = (h.floor() as usize).min(last);
        let hi = (lo + 1).min(last);
        let (a, b) = (self.samples[lo], self.samples[hi]);
        a + (h - lo as f64) * (b - a)
    }

    pub fn mean(&self) -> f64 {
        self.mean
    }

    pub fn p10(&self) -> f64 {
        self.quantile(0.1)
    }

    pub fn p50(&self) -> f64 {
        self.quantile(0.5)
    }

    pub fn p90(&self) -> f64 {
        self.quantile(0.9)
    }

    pub fn p99(&self) -> f64 {
        self.quantile(0.99)
    }

    pub fn summary(&self) -> DemandSummary {
        DemandSummary {
            mean: self.mean,
            p10: self.p10(),
            p50: self.p50(),
            p90: self.p90(),
            p99: self.p99(),
        }
    }

    /// Expected units short if we hold `stock` (NaN reads as none):
    /// E[max(0, D − stock)].
    pub fn expected_shortage(&self, stock: f64) -> f64 {
        let stock = if stock.is_nan() { 0.0 } else { stock };
        // A plain sum over every sample (rather than prefix sums) keeps the
        // result exactly monotone in `stock` despite rounding.
        self.samples
            .iter()
            .map(|d| (d - stock).max(0.0))
            .sum::<f64>()
            / self.samples.len() as f64
    }

    /// Expected units left over if we hold `stock` (NaN reads as none):
    /// E[max(0, stock − D)].
    pub fn expected_leftover(&self, stock: f64) -> f64 {
        let stock = if stock.is_nan() { 0.0 } else { stock };
        self.samples
            .iter()
            .map(|d| (stock - d).max(0.0))
            .sum::<f64>()
            / self.samples.len() as f64
    }

    /// Probability that demand exceeds `stock`, i.e. of running out.
    pub fn probability_above(&self, stock: f64) -> f64 {
        let stock = if stock.is_nan() { 0.0 } else { stock };
        let at_or_below = self.samples.partition_point(|d| *d <= stock);
        (self.samples.len() - at_or_below) as f64 / self.samples.len() as f64
    }
}

/// Demand of one ingredient = Σ per_unit × dish-day demand, dish-days
/// independent, as `samples` Monte Carlo draws.
///
/// Each draw takes one uniform `u` per usage, reads the usage's forecast
/// quantile function at `u` ([`QuantileForecast::quantile`]) and adds
/// `per_unit` times that. The generator is ChaCha8 seeded from `seed`, so
/// equal inputs give equal distributions. Errors name the first usage with
/// a negative or non-finite figure; crossing quantiles are sorted instead.
/// No usages at all give [`DemandDistribution::zero`].
pub fn ingredient_demand(
    usages: &[Usage],
    samples: usize,
    seed: u64,
) -> Result<DemandDistribution, ProcurementError> {
    if samples == 0 {
        return Err(ProcurementError::NoSamples);
    }
    let mut curves = Vec::with_capacity(usages.len());
    for (i, usage) in usages.iter().enumerate() {
        usage.forecast.check(i)?;
        if !usage.per_unit.is_finite() || usage.per_unit < 0.0 {
            return Err(ProcurementError::InvalidPerUnit {
                usage: i,
                value: usage.per_unit,
            });
        }
        if usage.per_unit > 0.0 {
            curves.push((Curve::new(&usage.forecast), usage.per_unit));
        }
    }
    if curves.is_empty() {
        return Ok(DemandDistribution::zero());
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut totals = Vec::with_capacity(samples);
    for _ in 0..samples {
        let total: f64 = curves
            .iter()
            .map(|(curve, per_unit)| per_unit * curve.at(rng.gen::<f64>()))
            .sum();
        if !total.is_finite() {
            return Err(ProcurementError::Overflow);
        }
        totals.push(total);
    }
    DemandDistribution::from_samples(totals)
}
