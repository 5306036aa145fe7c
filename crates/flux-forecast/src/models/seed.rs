//! The seed model, kept faithful to its original specification because it
//! is the baseline every change is measured against (weaknesses included:
//! no recency, intervals that collapse to Poisson as history grows, Monte
//! Carlo quantiles, no holidays or promotions).
//!
//! 1. Weekday multipliers `M_d = mean_d / global_mean`, capped to
//!    [0.3, 3.0], shrunk `M'_d = a·M_d + (1−a)` with `a = n_d/(n_d + 4)`
//!    (`n_d` = usable observations on that weekday: one observation counts
//!    20%, four 50%, a year's 52 about 93%).
//! 2. Deseasonalise `y' = y / M'_d`.
//! 3. Priors: global Gamma(α=2, β=0.5); a category prior from the item
//!    means of items (≥5 days) in the category by the method of moments
//!    (`β = m/v`, `α = m²/v`, β clamped to [0.05, 5]); with one item, or no
//!    spread, `β = 0.5` and `α = 0.5·m`.
//! 4. Cold start: < 5 usable days: the category prior alone; 5–29: the
//!    category prior updated with the item's data (the blend); ≥ 30: the
//!    global prior updated with the item's data. Update: `α+Σy'`, `β+n`.
//! 5. Predictive `NB(n=α, p=β/(β+1))` for the base demand; quantiles by
//!    Monte Carlo: draw base samples (Gamma–Poisson mixture), multiply by
//!    the future day's `M'`, take quantiles with linear interpolation. The
//!    mean is the exact `α/β·M'`. Sampling uses ChaCha8 seeded from the
//!    parameters' seed, the item name and the origin, so it is reproducible.
//! 6. Confidence `1/(1+exp(−(n−30)/10))` of the usable day count.

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma, Poisson, StandardNormal};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{sorted_quantile, ItemPrediction, Predictive, QUANTILES};
use crate::context::{dow, weekday_of, ItemView, Job};
use crate::error::Result;
use crate::nb::NegBin;
use crate::output::{ColdStartTier, DayForecast, Explanation, ItemForecast};
use crate::types::ModelKind;

/// Seed model settings (only how its Monte Carlo runs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SeedParams {
    /// Monte Carlo samples per item.
    pub samples: usize,
    /// Base seed of the random generator.
    pub rng_seed: u64,
}

impl Default for SeedParams {
    fn default() -> Self {
        Self {
            samples: 1000,
            rng_seed: 0x5eed,
        }
    }
}

/// A Gamma(α, β) distribution on a daily rate (shape, rate).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GammaPrior {
    /// Shape: roughly total pseudo-demand.
    pub alpha: f64,
    /// Rate: roughly pseudo-days.
    pub beta: f64,
}

impl GammaPrior {
    /// The seed's weak global prior Gamma(2.0, 0.5).
    pub const GLOBAL: GammaPrior = GammaPrior {
        alpha: 2.0,
        beta: 0.5,
    };

    /// Conjugate update with `n` days totalling `sum`.
    pub fn update(self, sum: f64, n: f64) -> GammaPrior {
        GammaPrior {
            alpha: self.alpha + sum,
            beta: self.beta + n,
        }
    }

    /// Mean rate α/β.
    pub fn mean(self) -> f64 {
        self.alpha / self.beta
    }

    /// The predictive NB(n=α, p=β/(β+1)).
    pub fn predictive(self) -> NegBin {
        NegBin::from_n_p(self.alpha, self.beta / (self.beta + 1.0))
    }
}

/// Weight of a weekday's own multiplier given its observation count.
pub fn shrinkage_weight(n: usize) -> f64 {
    n as f64 / (n as f64 + 4.0)
}

/// Seed weekday multipliers from per-weekday sums and counts of usable
/// days: ratio to the global mean, capped to [0.3, 3.0], then shrunk to 1.
pub fn seed_multipliers(sums: &[f64; 7], counts: &[usize; 7]) -> [f64; 7] {
    let total: f64 = sums.iter().sum();
    let n: usize = counts.iter().sum();
    let mut out = [1.0; 7];
    if n == 0 || total <= 0.0 {
        return out;
    }
    let global = total / n as f64;
    for d in 0..7 {
        if counts[d] > 0 {
            let m = (sums[d] / counts[d] as f64 / global).clamp(0.3, 3.0);
            let a = shrinkage_weight(counts[d]);
            out[d] = a * m + (1.0 - a);
        }
    }
    out
}

/// Category prior from the deseasonalised mean rates of its items.
pub fn category_prior(item_means: &[f64]) -> GammaPrior {
    let k = item_means.len();
    if k == 0 {
        return GammaPrior::GLOBAL;
    }
    let m = item_means.iter().sum::<f64>() / k as f64;
    if m <= 0.0 {
        return GammaPrior::GLOBAL;
    }
    let v = if k >= 2 {
        item_means.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (k - 1) as f64
    } else {
        0.0
    };
    let beta = if v > 0.0 {
        (m / v).clamp(0.05, 5.0)
    } else {
        0.5
    };
    GammaPrior {
        alpha: (m * beta).max(1e-3),
        beta,
    }
}

/// Posterior for an item given its tier, category prior and data.
pub fn seed_posterior(category: GammaPrior, sum: f64, n: usize) -> GammaPrior {
    match ColdStartTier::from_usable_days(n) {
        ColdStartTier::CategoryPrior => category,
        ColdStartTier::Blend => category.update(sum, n as f64),
        ColdStartTier::ItemHistory => GammaPrior::GLOBAL.update(sum, n as f64),
    }
}

struct Fit {
    mult: [f64; 7],
    sum: f64,
    n: usize,
}

fn fit(item: &ItemView<'_>) -> Fit {
    let mut sums = [0.0; 7];
    let mut counts = [0usize; 7];
    for i in 0..item.len {
        if item.flag(i).usable() {
            let d = dow(item.first_day + i as i32);
            sums[d] += item.y(i);
            counts[d] += 1;
        }
    }
    let mult = seed_multipliers(&sums, &counts);
    let sum = (0..7).map(|d| sums[d] / mult[d]).sum();
    Fit {
        mult,
        sum,
        n: counts.iter().sum(),
    }
}

/// FNV-1a: a stable hash so seeds do not change between builds.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Above this rate a Poisson draw is taken from its normal approximation.
/// The Poisson sampler's rejection test subtracts numbers of size λ·ln λ,
/// so its rounding error grows with λ until the test means nothing, and an
/// infinite λ (a Gamma draw from an overflowing posterior) makes it NaN:
/// nothing is ever accepted and the loop never ends. At this rate the
/// normal's error is a fraction of a unit on a count of a trillion.
const POISSON_NORMAL_RATE: f64 = 1e12;

fn poisson_draw(lambda: f64, rng: &mut ChaCha8Rng) -> f64 {
    if lambda.is_nan() {
        return 0.0;
    }
    if lambda > POISSON_NORMAL_RATE {
        // Capping λ keeps λ + √λ·z finite for an infinite rate.
        let lambda = lambda.min(f64::MAX);
        let z: f64 = rng.sample(StandardNormal);
        return (lambda + lambda.sqrt() * z).round().max(0.0);
    }
    match Poisson::new(lambda) {
        // Knuth's method returns −1 when exp(−λ) rounds to 1 (λ below
        // about 1e-16, common for Gamma draws with a tiny shape).
        Ok(p) => p.sample(rng).max(0.0),
        Err(_) => 0.0,
    }
}

fn sample_base(post: GammaPrior, samples: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let mut out = Vec::with_capacity(samples);
    if let Ok(gamma) = Gamma::new(post.alpha, 1.0 / post.beta) {
        for _ in 0..samples {
            let lambda: f64 = gamma.sample(rng);
            let y = poisson_draw(lambda, rng);
            out.push(y);
        }
    } else {
        out.resize(samples, 0.0);
    }
    out.sort_by(f64::total_cmp);
    out
}

pub(crate) fn run(
    params: &SeedParams,
    job: &Job<'_>,
    want_predictive: bool,
) -> Result<Vec<ItemPrediction>> {
    let fits: Vec<Fit> = job.items.par_iter().map(fit).collect();
    let mut by_cat: HashMap<Option<&str>, Vec<f64>> = HashMap::new();
    for (item, f) in job.items.iter().zip(&fits) {
        if f.n >= 5 {
            by_cat
                .entry(item.series.category.as_deref())
                .or_default()
                .push(f.sum / f.n as f64);
        }
    }
    let priors: HashMap<Option<&str>, GammaPrior> = by_cat
        .iter()
        .map(|(k, v)| (*k, category_prior(v)))
        .collect();
    job.items
        .par_iter()
        .zip(fits.par_iter())
        .map(|(item, f)| {
            let cat = priors
                .get(&item.series.category.as_deref())
                .copied()
                .unwrap_or(GammaPrior::GLOBAL);
            job.check_deadline()?;
            Ok(forecast_item(params, job, item, f, cat, want_predictive))
        })
        .collect()
}

fn forecast_item(
    params: &SeedParams,
    job: &Job<'_>,
    item: &ItemView<'_>,
    f: &Fit,
    cat: GammaPrior,
    want_predictive: bool,
) -> ItemPrediction {
    let post = seed_posterior(cat, f.sum, f.n);
    let seed = params.rng_seed
        ^ fnv(item.series.item.as_bytes())
        ^ (job.as_of as u64).wrapping_mul(0x9e37_79b9);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let base = sample_base(post, params.samples.max(1), &mut rng);
    let base_q = QUANTILES.map(|p| sorted_quantile(&base, p));
    let tier = ColdStartTier::from_usable_days(f.n);
    let confidence = (1.0 / (1.0 + (-(f.n as f64 - 30.0) / 10.0).exp())) as f32;
    let nb = post.predictive();
    let mut days = Vec::with_capacity(job.horizon);
    let mut predictive = Vec::with_capacity(if want_predictive { job.horizon } else { 0 });
    for h in 0..job.horizon {
        let d = dow(job.as_of + h as i32);
        let m = if job.closed[h] { 0.0 } else { f.mult[d] };
        days.push(DayForecast {
            date: job.dates[h],
            mean: post.mean() * m,
            p10: base_q[0] * m,
            p50: base_q[1] * m,
            p90: base_q[2] * m,
            p99: base_q[3] * m,
            confidence,
            explanation: Explanation {
                model: ModelKind::Seed,
                weekday: weekday_of(d),
                weekday_multiplier: f.mult[d] as f32,
                recent_level: post.mean() as f32,
                holiday_effect: None,
                special_day_effect: None,
                promo_effect: None,
                rain_effect: None,
                temperature_band: None,
                temperature_effect: None,
                season_effect: None,
                closed: job.closed[h],
                cold_start: tier,
            },
        });
        if want_predictive {
            predictive.push(if job.closed[h] {
                Predictive::Zero
            } else {
                Predictive::ScaledNegBin { base: nb, scale: m }
            });
        }
    }
    ItemPrediction {
        forecast: ItemForecast {
            item: item.series.item.clone(),
            category: item.series.category.clone(),
            days,
        },
        predictive,
    }
}
