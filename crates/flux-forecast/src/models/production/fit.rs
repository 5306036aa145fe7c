//! Per-item statistics of the production model, each gathered in one pass
//! over the item's history: weekday-profile evidence, and the discounted
//! level filter with the residual, special-day and promotion statistics
//! that the restaurant-level pooling needs.

use super::{DEFAULT_PHI, PHI_RANGE};
use crate::context::{dow, DayKind, ItemView, Job, WEATHER_CLASSES};
use crate::nb::NegBin;

/// Evidence for an item's weekday profile: recency-weighted sums of
/// quantities (`y`) and of their week means (`e`), per weekday. The ratio
/// `y/e` is the classic ratio-to-moving-average seasonal index; keeping
/// the two sums apart lets items, categories and the restaurant be pooled
/// by adding them.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ProfileStats {
    pub y: [f64; 7],
    pub e: [f64; 7],
}

impl ProfileStats {
    pub fn add(&mut self, o: &ProfileStats) {
        for d in 0..7 {
            self.y[d] += o.y[d];
            self.e[d] += o.e[d];
        }
    }

    /// Shrinks the evidence toward `prior` with `k` pseudo-units of weight
    /// per weekday: items with little volume inherit the prior's shape.
    pub fn shrink(&self, prior: &[f64; 7], k: f64) -> [f64; 7] {
        let mut s = [1.0; 7];
        for d in 0..7 {
            s[d] = (self.y[d] + k * prior[d]) / (self.e[d] + k);
        }
        s
    }
}

/// Whether a history day may teach the model about ordinary demand. A
/// sold-out day may not: what it sold is only a lower bound (the level
/// filter uses it through [`at_least`]).
#[inline]
fn ordinary(job: &Job<'_>, item: &ItemView<'_>, i: usize) -> bool {
    let f = item.flag(i);
    f.usable()
        && !f.stockout
        && f.promo.get() == 0.0
        && job.calendar.kind(item.first_day + i as i32) == DayKind::Normal
}

/// Weekday-profile evidence from weeks counted back from the origin, each
/// week weighted `0.5^(weeks_ago / half_life)`. A week needs at least four
/// ordinary days for its mean to be a fair yardstick.
pub(crate) fn profile_stats(
    job: &Job<'_>,
    item: &ItemView<'_>,
    start: usize,
    half_life_weeks: f64,
) -> ProfileStats {
    let mut st = ProfileStats::default();
    let mut buf = [(0usize, 0.0f64); 7];
    let mut nbuf = 0usize;
    let mut cur_week = i32::MIN;
    let decay = 0.5f64.powf(1.0 / half_life_weeks.max(0.1));
    let flush = |st: &mut ProfileStats, buf: &[(usize, f64)], week: i32| {
        if buf.len() < 4 {
            return;
        }
        let mean = buf.iter().map(|x| x.1).sum::<f64>() / buf.len() as f64;
        if mean <= 0.0 {
            return;
        }
        let w = decay.powi(week);
        for &(d, y) in buf {
            st.y[d] += w * y;
            st.e[d] += w * mean;
        }
    };
    for i in (start..item.len).rev() {
        let day = item.first_day + i as i32;
        let week = (job.as_of - 1 - day) / 7;
        if week != cur_week {
            flush(&mut st, &buf[..nbuf], cur_week);
            nbuf = 0;
            cur_week = week;
        }
        if ordinary(job, item, i) {
            buf[nbuf] = (dow(day), item.y(i));
            nbuf += 1;
        }
    }
    flush(&mut st, &buf[..nbuf], cur_week);
    st
}

/// Leads (days ahead) at which residuals are collected: the forecast's
/// dispersion is interpolated between them by lead time.
pub(crate) const RESIDUAL_LAGS: [usize; 2] = [1, 7];

/// Method-of-moments evidence for the overdispersion φ in
/// `Var = μ + φμ²`: Σ (e² − μ), Σ μ² and the count of residuals `e = y − μ`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Residuals {
    pub excess: f64,
    pub mu2: f64,
    /// Recency-weighted count.
    pub n: f64,
}

impl Residuals {
    pub fn add(&mut self, o: &Residuals) {
        self.excess += o.excess;
        self.mu2 += o.mu2;
        self.n += o.n;
    }

    /// φ shrunk toward `prior` with `k_days` days of weight, clamped.
    pub fn phi(&self, prior: f64, k_days: f64, range: (f64, f64)) -> f64 {
        if self.n <= 0.0 || self.mu2 <= 0.0 {
            return prior;
        }
        let k = k_days * self.mu2 / self.n;
        ((self.excess + k * prior) / (self.mu2 + k)).clamp(range.0, range.1)
    }
}

/// Result of the level filter for one item.
#[derive(Debug, Clone, Default)]
pub(crate) struct LevelFit {
    /// Discounted sum of ordinary quantities (Gamma shape without prior).
    pub a: f64,
    /// Discounted sum of weekday multipliers, the exposure (Gamma rate).
    pub b: f64,
    /// Discount factor the level prior has by the origin, `δ^age`.
    pub prior_decay: f64,
    /// Usable (open, non-missing) days.
    pub usable: usize,
    /// Residuals 1 and 7 days ahead ([`RESIDUAL_LAGS`]).
    pub residuals: [Residuals; 2],
    /// Per special-day class: Σ y, Σ expected, day count.
    pub classes: Vec<[f64; 3]>,
    /// Promotions: Σ share·(y − μ), Σ share²·μ, count.
    pub promo: [f64; 3],
    /// Sold-out days among the usable ones.
    pub stockouts: usize,
    /// Per weather class (`context::DRY`…`WARM`), over ordinary days
    /// after the burn-in: Σ y, Σ expected, day count.
    pub weather: [[f64; 3]; WEATHER_CLASSES],
}

impl LevelFit {
    /// Level estimate before pooling (None without data).
    pub fn level(&self) -> Option<f64> {
        (self.b > 1e-9).then(|| self.a / self.b)
    }
}

/// Caps a quantity entering the level at a generous upper bound around
/// the expected value `mu` (4 standard deviations under a dispersion of
/// 0.3, plus 3 units), so one freak day (a party order) does not lift the
/// level for weeks. Before the burn-in, or without an expectation, the
/// quantity is used as is. Residual statistics still see the raw value.
#[inline]
fn clip(y: f64, mu: f64, usable: usize) -> f64 {
    if usable <= RESIDUAL_BURN_IN || !mu.is_finite() {
        return y;
    }
    y.min(mu + 4.0 * (mu + 0.3 * mu * mu).sqrt() + 3.0)
}

/// Expected demand of a sold-out day that sold `y` when `mu` was expected:
/// `E[Y | Y ≥ y]` under NB(μ, 1/φ), with the item's dispersion as known
/// so far. Treating `y` as the demand would bias the level low by the
/// units that could not be sold.
#[inline]
fn at_least(y: f64, mu: f64, phi: f64) -> f64 {
    NegBin::new(mu, 1.0 / phi.max(1e-6)).mean_at_least(y)
}

/// Weight (days of residuals) of the default dispersion in the estimate
/// used for sold-out days: none once the item has residuals of its own.
/// The default is wider than most dishes' spread, and a wider spread
/// makes `E[Y | Y ≥ sold]` larger: shrinking toward it lifted the
/// forecast of often-sold-out dishes about 4 % above their demand in
/// `tests/engine/stockouts.rs`, against 1–2 % with the dish's own estimate.
const STOCKOUT_PHI_PRIOR_DAYS: f64 = 0.0;

/// Residuals are only trusted after this many usable days.
const RESIDUAL_BURN_IN: usize = 14;

/// Discounted Gamma–Poisson filter: every calendar day multiplies the
/// evidence by `delta`; an ordinary day then adds its quantity to `a` and
/// its weekday multiplier to `b`, so `a/b` is an exponentially weighted
/// deseasonalised level. Special and promotion days do not move the level;
/// they are compared with it to estimate their effects.
///
/// Residuals are discounted by `residual_decay` per day: dispersion
/// changes with seasons and regimes, and the recent one is what the
/// forecast will meet.
pub(crate) fn level_filter(
    job: &Job<'_>,
    item: &ItemView<'_>,
    start: usize,
    profile: &[f64; 7],
    delta: f64,
    residual_decay: f64,
) -> LevelFit {
    let mut fit = LevelFit {
        classes: vec![[0.0; 3]; job.calendar.groups.len()],
        ..LevelFit::default()
    };
    // Level at the end of each of the last eight days, for residuals at
    // the leads of RESIDUAL_LAGS (NaN = unknown).
    let mut ring = [f64::NAN; 8];
    let (mut a, mut b) = (0.0f64, 0.0f64);
    let weather_empty = job.weather.is_empty();
    for i in start..item.len {
        a *= delta;
        b *= delta;
        for r in &mut fit.residuals {
            r.excess *= residual_decay;
            r.mu2 *= residual_decay;
            r.n *= residual_decay;
        }
        let day = item.first_day + i as i32;
        let slot = i % 8;
        let flag = item.flag(i);
        if flag.usable() {
            fit.usable += 1;
            let y = item.y(i);
            let s = profile[dow(day)];
            let level = if b > 1e-9 { a / b } else { f64::NAN };
            let kind = job.calendar.kind(day);
            let promo = f64::from(flag.promo.get());
            if flag.stockout {
                // Censored: demand was at least `y`. On an ordinary day the
                // level learns the expected demand given that; special and
                // promotion days teach their effects nothing, and no
                // residual is taken (the error against a bound is not an
                // error of the forecast).
                fit.stockouts += 1;
                if kind.class().is_none() && promo == 0.0 {
                    let mu = level * s;
                    let y_eff = if mu.is_finite() && mu > 0.0 {
                        let phi =
                            fit.residuals[0].phi(DEFAULT_PHI, STOCKOUT_PHI_PRIOR_DAYS, PHI_RANGE);
                        at_least(y, mu, phi)
                    } else {
                        y
                    };
                    a += clip(y_eff, mu, fit.usable);
                    b += s;
                }
            } else if let Some(c) = kind.class() {
                if level.is_finite() {
                    let st = &mut fit.classes[c];
                    st[0] += y;
                    st[1] += level * s;
                    st[2] += 1.0;
                }
            } else if promo > 0.0 {
                if level.is_finite() {
                    let mu = level * s;
                    fit.promo[0] += promo * (y - mu);
                    fit.promo[1] += promo * promo * mu;
                    fit.promo[2] += 1.0;
                }
            } else {
                if fit.usable > RESIDUAL_BURN_IN {
                    for (r, lag) in fit.residuals.iter_mut().zip(RESIDUAL_LAGS) {
                        let lagged = ring[(i + 8 - lag) % 8];
                        if lagged.is_finite() {
                            let mu = lagged * s;
                            r.excess += (y - mu) * (y - mu) - mu;
                            r.mu2 += mu * mu;
                            r.n += 1.0;
                        }
                    }
                }
                let y_level = clip(y, level * s, fit.usable);
                // Weather days still teach the level: they are most days,
                // and the level then means the recent mix of weather,
                // which is what each class's ratio is measured against.
                if fit.usable > RESIDUAL_BURN_IN && level.is_finite() && !weather_empty {
                    for c in job.weather.classes(day).into_iter().flatten() {
                        let st = &mut fit.weather[c];
                        st[0] += y_level;
                        st[1] += level * s;
                        st[2] += 1.0;
                    }
                }
                a += y_level;
                b += s;
            }
        }
        ring[slot] = if b > 1e-9 { a / b } else { f64::NAN };
    }
    // Days between the last history entry and the origin still age the
    // evidence relative to the prior.
    let gap = (job.as_of - (item.first_day + item.len as i32)).max(0);
    let age = job.as_of - (item.first_day + start as i32);
    let g = delta.powi(gap);
    fit.a = a * g;
    fit.b = b * g;
    fit.prior_decay = delta.powi(age.max(0));
    fit
}

/// Half-lives (days) among which the level's memory is chosen per item.
pub(crate) const HALF_LIFE_CANDIDATES: [f64; 4] = [7.0, 14.0, 28.0, 56.0];

/// Sum of absolute 7-day-ahead errors of the level filter for each
/// candidate half-life, and the number of residuals behind each sum. The
/// filter is the same as [`level_filter`] (ordinary days only), so this is
/// an in-sample rolling-origin backtest of the item's own level memory.
pub(crate) fn half_life_errors(
    job: &Job<'_>,
    item: &ItemView<'_>,
    start: usize,
    profile: &[f64; 7],
) -> ([f64; 4], usize) {
    let deltas = HALF_LIFE_CANDIDATES.map(|h| 0.5f64.powf(1.0 / h));
    let mut a = [0.0f64; 4];
    let mut b = [0.0f64; 4];
    let mut ring = [[f64::NAN; 7]; 4];
    let mut err = [0.0f64; 4];
    let (mut n, mut usable) = (0usize, 0usize);
    for i in start..item.len {
        for c in 0..4 {
            a[c] *= deltas[c];
            b[c] *= deltas[c];
        }
        let slot = i % 7;
        if ordinary(job, item, i) {
            usable += 1;
            let y = item.y(i);
            let s = profile[dow(item.first_day + i as i32)];
            if usable > RESIDUAL_BURN_IN && ring.iter().all(|r| r[slot].is_finite()) {
                for c in 0..4 {
                    err[c] += (y - ring[c][slot] * s).abs();
                }
                n += 1;
            }
            for c in 0..4 {
                a[c] += clip(y, ring[c][slot] * s, usable);
                b[c] += s;
            }
        }
        for c in 0..4 {
            ring[c][slot] = if b[c] > 1e-9 { a[c] / b[c] } else { f64::NAN };
        }
    }
    (err, n)
}
