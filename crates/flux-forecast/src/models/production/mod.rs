//! The production model: a hierarchical, recency-weighted negative
//! binomial with pooled weekday profiles and estimated special-day and
//! promotion effects.
//!
//! For item `i` on day `t` the forecast is
//! `Y ~ NB(mean = L_i · s_i[dow] · e[class] · (1 + β·promo), size = r_i)`:
//! - `s_i`: weekday profile, the item's ratio-to-week-mean evidence shrunk
//!   toward its category's, which is shrunk toward the restaurant's, which
//!   is shrunk toward flat (`profile_prior_units` pseudo-units each time);
//! - `L_i = (a + K_L·m·δ^age) / (b + K_L·δ^age)`: a discounted Gamma–Poisson
//!   level (half-life chosen per item, see [`HalfLife`]) whose prior `m` is the median
//!   level of established items in the category (else the restaurant, else
//!   4/day) worth `K_L = level_prior_days` days;
//! - `e[class]`: multipliers per public-holiday name and per special-day
//!   label, pooled over the restaurant's items and shrunk class → group
//!   (holidays / special days) → no effect, `K_E` days at each step;
//! - `β`: promotion lift per unit share pooled over items, shrunk to 0;
//! - `1/r = φ_i(lead) + (1 − w_i)/a`: overdispersion φ estimated by moments
//!   from 1- and 7-day-ahead residuals (recency-weighted, shrunk toward the
//!   restaurant's φ, interpolated by lead time), plus the level's own
//!   uncertainty until the item has residuals of its own (`w_i`), so
//!   intervals stay honest as history grows.
//!
//! Quantiles are exact NB quantiles; closed days are exactly zero; closed
//! and missing days never enter any estimate. A sold-out day's sales are a
//! lower bound (censored demand): the level learns `E[Y | Y ≥ sold]` under
//! the item's NB for that day, and the day enters no weekday profile,
//! effect or residual.

mod fit;

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use self::fit::{
    half_life_errors, level_filter, profile_stats, LevelFit, ProfileStats, Residuals,
    HALF_LIFE_CANDIDATES, RESIDUAL_LAGS,
};
use super::{ItemPrediction, Predictive, QUANTILES};
use crate::context::{
    dow, weekday_of, ClassGroup, DayKind, ItemView, Job, COLD, DRY, MILD, WARM, WEATHER_CLASSES,
    WET,
};
use crate::error::Result;
use crate::nb::NegBin;
use crate::output::{ColdStartTier, DayForecast, Explanation, ItemForecast, TemperatureBand};
use crate::types::ModelKind;

/// Hyper-parameters of the production model. Defaults were chosen by
/// rolling-origin backtests (see `docs/forecasting.md`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProductionParams {
    /// Half-life of the level's memory: chosen per item from its own
    /// history, or fixed.
    pub level_half_life: HalfLife,
    /// Half-life of the weekday profile's memory, in weeks.
    pub profile_half_life_weeks: f64,
    /// Pseudo-units of demand with which a parent profile enters a child's.
    pub profile_prior_units: f64,
    /// Days of data the category level prior is worth.
    pub level_prior_days: f64,
    /// Days of evidence the "no effect" prior of special days and
    /// promotions is worth.
    pub effect_prior_days: f64,
    /// Days of residuals the restaurant's overdispersion is worth in an
    /// item's estimate.
    pub dispersion_prior_days: f64,
    /// Days of evidence the "weather does not matter" prior is worth, at
    /// the restaurant and again at each item (shrunk toward the
    /// restaurant's effect).
    pub weather_prior_days: f64,
    /// Older history is ignored.
    pub max_history_days: usize,
    /// Follow the restaurant's seasonal ramp of earlier years.
    pub yearly_ramp: bool,
}

impl Default for ProductionParams {
    fn default() -> Self {
        Self {
            level_half_life: HalfLife::Auto,
            profile_half_life_weeks: 13.0,
            profile_prior_units: 20.0,
            level_prior_days: 3.0,
            effect_prior_days: 2.0,
            dispersion_prior_days: 14.0,
            weather_prior_days: 28.0,
            max_history_days: 730,
            yearly_ramp: true,
        }
    }
}

/// How long the level remembers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HalfLife {
    /// Per item, the candidate (7, 14, 28 or 56 days) with the smallest
    /// in-sample 7-day-ahead absolute error; items with fewer than
    /// [`AUTO_MIN_RESIDUALS`] residuals use the restaurant's pooled choice.
    Auto,
    /// The same half-life in days for every item.
    Fixed(f64),
}

/// Residuals an item needs before its own half-life choice is trusted.
pub const AUTO_MIN_RESIDUALS: usize = 56;

/// Prior level when neither the category nor the restaurant has an
/// established item: the mean of the seed's global Gamma(2, 0.5).
const GLOBAL_LEVEL: f64 = 4.0;
/// Items need this many usable days to inform category level priors.
const ESTABLISHED_DAYS: usize = 14;
/// Bounds of the overdispersion φ: below 0.01 intervals would be
/// Poisson-thin; above 3 the data is more noise than signal.
const PHI_RANGE: (f64, f64) = (0.01, 3.0);
/// Established dishes needed to measure the spread of levels.
const MIN_SPREAD_ITEMS: usize = 3;
/// Squared coefficient of variation of a dish's level around the typical
/// one when it cannot be measured: a log-scale standard deviation of 1
/// (a dish as likely to sell a third as three times the typical).
const DEFAULT_PRIOR_CV2: f64 = 1.718;
/// Cap on that spread, so one odd dish does not make every new dish's
/// interval meaningless.
const MAX_PRIOR_CV2: f64 = 4.0;
/// φ when nothing in the restaurant has residuals yet.
const DEFAULT_PHI: f64 = 0.15;

/// A weather class's effect is learnt only once the restaurant has seen
/// this many days of it: fewer say more about the days than the weather.
const WEATHER_MIN_DAYS: f64 = 28.0;

/// Restaurant-wide quantities pooled over items.
struct Pooled {
    effects: Vec<f64>,
    /// Per weather class: the restaurant's multiplier against the recent
    /// mix of weather, `None` while it has too few days of the class.
    weather: [Option<f64>; WEATHER_CLASSES],
    promo_beta: f64,
    /// Overdispersion at each of [`RESIDUAL_LAGS`].
    phi: [f64; 2],
    /// Per horizon day: how the restaurant's demand moved over the same
    /// weeks of earlier years (see [`yearly_ramp`]); 1 without them.
    ramp: Vec<f64>,
}

/// Fifty-two weeks: "the same day last year" on the same weekday.
const YEAR: i32 = 364;
/// Earlier years looked at for the seasonal ramp.
const RAMP_YEARS: i32 = 3;
/// Half-width in days of the window around the target day a year back,
/// and the length of the window before the origin: whole weeks, so the
/// weekday mix cancels.
const RAMP_WINDOW: i32 = 14;
/// Days at the start of each series left out of the ramp's windows.
const RAMP_SETTLE_DAYS: i32 = 28;
/// Usable, ordinary days each window needs.
const RAMP_MIN_DAYS: usize = 10;

/// The yearly seasonal ramp. The level follows seasons with its memory,
/// so it lags a steady seasonal rise or fall (a beach bakery in spring).
/// For each horizon day this is the ratio, in each earlier year with
/// data, of the restaurant's demand in the weeks around that day to its
/// demand in the weeks before the origin, averaged on the log scale over
/// the years and shrunk toward 1 (one year counts half; more years
/// count more). Restaurant-wide because one dish's year is too noisy;
/// special days and holidays are left out of both windows.
fn yearly_ramp(job: &Job<'_>) -> Vec<f64> {
    let o = job.as_of;
    // The restaurant's ordinary-day totals over every window, summed once:
    // `None` where no dish has a usable day.
    let lo = o - RAMP_YEARS * YEAR - RAMP_WINDOW;
    let mut daily: Vec<Option<f64>> = vec![None; (o - lo).max(0) as usize];
    for it in &job.items {
        let from = (lo - it.first_day).max(RAMP_SETTLE_DAYS);
        // A dish's first weeks are often its launch, not its season.
        for i in from.max(0) as usize..it.len {
            let day = it.first_day + i as i32;
            if it.flag(i).usable() {
                let slot = &mut daily[(day - lo) as usize];
                *slot = Some(slot.unwrap_or(0.0) + it.y(i));
            }
        }
    }
    let window = |from: i32, to: i32| -> Option<f64> {
        let (mut sum, mut n) = (0.0, 0usize);
        for day in from.max(lo)..to.min(o) {
            let Some(y) = daily[(day - lo) as usize] else {
                continue;
            };
            if matches!(job.calendar.kind(day), DayKind::Normal) {
                sum += y;
                n += 1;
            }
        }
        (n >= RAMP_MIN_DAYS && sum > 0.0).then(|| sum / n as f64)
    };
    let bases: Vec<(i32, f64)> = (1..=RAMP_YEARS)
        .filter_map(|k| window(o - k * YEAR - RAMP_WINDOW, o - k * YEAR).map(|b| (k, b)))
        .collect();
    (0..job.horizon as i32)
        .map(|h| {
            let logs: Vec<f64> = bases
                .iter()
                .filter_map(|&(k, base)| {
                    let t = o + h - k * YEAR;
                    window(t - RAMP_WINDOW / 2, t + RAMP_WINDOW / 2).map(|a| (a / base).ln())
                })
                .collect();
            if logs.is_empty() {
                return 1.0;
            }
            let n = logs.len() as f64;
            let mean = logs.iter().sum::<f64>() / n;
            (mean * n / (n + 1.0)).clamp(-1.0, 1.0).exp()
        })
        .collect()
}

/// Effect multipliers per calendar class, shrunk class → group → none:
/// `e_group = (n·R + K)/(n + K)` over all the group's days, then
/// `e_class = (n_c·R_c + K·e_group)/(n_c + K)`, so a holiday seen once
/// moves only a third of the way from the typical holiday's effect.
fn pool_effects(fits: &[LevelFit], groups: &[ClassGroup], k: f64) -> Vec<f64> {
    let mut tot = vec![[0.0; 3]; groups.len()];
    for f in fits {
        for (t, c) in tot.iter_mut().zip(&f.classes) {
            t[0] += c[0];
            t[1] += c[1];
            // Days, not item-days: a holiday is one event however many
            // items saw it.
            t[2] = t[2].max(c[2]);
        }
    }
    let shrink = |t: &[f64; 3], prior: f64| {
        if t[1] > 0.0 {
            ((t[2] * t[0] / t[1] + k * prior) / (t[2] + k)).clamp(0.05, 5.0)
        } else {
            prior
        }
    };
    let group_effect = |g: ClassGroup| {
        let sum = tot
            .iter()
            .zip(groups)
            .filter(|(_, gg)| **gg == g)
            .fold([0.0; 3], |a, (t, _)| {
                [a[0] + t[0], a[1] + t[1], a[2] + t[2]]
            });
        shrink(&sum, 1.0)
    };
    let holiday = group_effect(ClassGroup::Holiday);
    let special = group_effect(ClassGroup::Special);
    tot.iter()
        .zip(groups)
        .map(|(t, g)| {
            shrink(
                t,
                match g {
                    ClassGroup::Holiday => holiday,
                    ClassGroup::Special => special,
                },
            )
        })
        .collect()
}

/// `(Σy + k·prior·Σμ/n) / (Σμ + k·Σμ/n)`: a class's ratio of sales to
/// expectation with `k` days of `prior` mixed in, each pseudo-day worth
/// the class's average expectation.
fn shrunk_ratio(t: &[f64; 3], prior: f64, k: f64) -> f64 {
    if t[1] <= 0.0 || t[2] <= 0.0 {
        return prior;
    }
    let per_day = t[1] / t[2];
    ((t[0] + k * prior * per_day) / (t[1] + k * per_day)).clamp(0.2, 5.0)
}

/// The restaurant's weather multipliers (see [`Pooled::weather`]). Days,
/// not item-days, decide whether a class has been seen enough.
fn pool_weather(fits: &[LevelFit], k: f64) -> [Option<f64>; WEATHER_CLASSES] {
    let mut tot = [[0.0; 3]; WEATHER_CLASSES];
    let mut days = [0.0f64; WEATHER_CLASSES];
    for f in fits {
        for c in 0..WEATHER_CLASSES {
            tot[c][0] += f.weather[c][0];
            tot[c][1] += f.weather[c][1];
            tot[c][2] += f.weather[c][2];
            days[c] = days[c].max(f.weather[c][2]);
        }
    }
    std::array::from_fn(|c| {
        (days[c] >= WEATHER_MIN_DAYS).then(|| {
            // The pooled count is item-days; shrink by days.
            let t = [tot[c][0], tot[c][1], days[c]];
            shrunk_ratio(&t, 1.0, k)
        })
    })
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    })
}

/// Normalises a profile to average 1 over the weekdays the restaurant
/// opens, so "1.4x" reads as "40% above an average open day".
fn normalise(s: &mut [f64; 7], open: &[bool; 7]) {
    let (sum, n) = (0..7)
        .filter(|&d| open[d])
        .fold((0.0, 0), |(a, n), d| (a + s[d], n + 1));
    if n > 0 && sum > 0.0 {
        let m = sum / f64::from(n);
        s.iter_mut().for_each(|x| *x /= m);
    }
}

pub(crate) fn run(
    p: &ProductionParams,
    job: &Job<'_>,
    want_predictive: bool,
) -> Result<Vec<ItemPrediction>> {
    let start = |it: &ItemView<'_>| it.len.saturating_sub(p.max_history_days);
    // 1. Weekday profiles, pooled item → category → restaurant → flat.
    let stats: Vec<ProfileStats> = job
        .items
        .par_iter()
        .map(|it| profile_stats(job, it, start(it), p.profile_half_life_weeks))
        .collect();
    let mut rest = ProfileStats::default();
    let mut cats: HashMap<Option<&str>, ProfileStats> = HashMap::new();
    for (it, st) in job.items.iter().zip(&stats) {
        rest.add(st);
        cats.entry(it.series.category.as_deref())
            .or_default()
            .add(st);
    }
    let open: [bool; 7] = if rest.e.iter().any(|e| *e > 0.0) {
        rest.e.map(|e| e > 0.0)
    } else {
        [true; 7]
    };
    let k = p.profile_prior_units;
    let rest_profile = rest.shrink(&[1.0; 7], k);
    let cat_profiles: HashMap<Option<&str>, [f64; 7]> = cats
        .iter()
        .map(|(c, st)| (*c, st.shrink(&rest_profile, k)))
        .collect();
    let profiles: Vec<[f64; 7]> = job
        .items
        .iter()
        .zip(&stats)
        .map(|(it, st)| {
            let parent = cat_profiles
                .get(&it.series.category.as_deref())
                .unwrap_or(&rest_profile);
            let mut s = st.shrink(parent, k);
            normalise(&mut s, &open);
            s
        })
        .collect();

    // 2. Discounted level filters. The phases before the forecasts are a
    // few linear passes over each item's (capped) history, so a check
    // between phases is enough to keep the overshoot to one such pass.
    job.check_deadline()?;
    let half_lives = choose_half_lives(p, job, &profiles, start);
    // Dispersion shares the weekday profile's (slower) memory.
    let residual_decay = 0.5f64.powf(1.0 / (7.0 * p.profile_half_life_weeks).max(1.0));
    let fits: Vec<LevelFit> = job
        .items
        .par_iter()
        .zip(profiles.par_iter())
        .zip(half_lives.par_iter())
        .map(|((it, s), hl)| {
            let delta = 0.5f64.powf(1.0 / hl.max(0.5));
            level_filter(job, it, start(it), s, delta, residual_decay)
        })
        .collect();

    // 3. Restaurant pooling: effects, promotion lift, dispersion, priors.
    job.check_deadline()?;
    let effects = pool_effects(&fits, &job.calendar.groups, p.effect_prior_days);
    let promo = fits.iter().fold([0.0; 3], |a, f| {
        [a[0] + f.promo[0], a[1] + f.promo[1], a[2] + f.promo[2]]
    });
    let promo_beta = if promo[1] > 0.0 {
        (promo[0] / promo[1] * promo[2] / (promo[2] + p.effect_prior_days)).clamp(-0.9, 5.0)
    } else {
        0.0
    };
    let mut res = [Residuals::default(); 2];
    for f in &fits {
        for (t, r) in res.iter_mut().zip(&f.residuals) {
            t.add(r);
        }
    }
    let phi = res.map(|r| r.phi(DEFAULT_PHI, 0.0, PHI_RANGE));
    let weather = pool_weather(&fits, p.weather_prior_days);
    let pooled = Pooled {
        effects,
        weather,
        promo_beta,
        phi,
        ramp: if p.yearly_ramp {
            yearly_ramp(job)
        } else {
            vec![1.0; job.horizon]
        },
    };
    let established = |cat: Option<Option<&str>>| {
        median(
            job.items
                .iter()
                .zip(&fits)
                .filter(|(it, f)| {
                    f.usable >= ESTABLISHED_DAYS
                        && match cat {
                            None => true,
                            Some(c) => it.series.category.as_deref() == c,
                        }
                })
                .filter_map(|(_, f)| f.level())
                .collect(),
        )
    };
    let rest_level = established(None).unwrap_or(GLOBAL_LEVEL);
    // How far a dish's level may lie from its category's typical one: the
    // spread of established dishes' levels (on the log scale, as levels
    // are skewed). A new dish's forecast rests on the typical level, and
    // its interval must carry that spread, not just the noise of a day.
    let spread = |cat: Option<Option<&str>>| {
        let logs: Vec<f64> = job
            .items
            .iter()
            .zip(&fits)
            .filter(|(it, f)| {
                f.usable >= ESTABLISHED_DAYS
                    && cat.is_none_or(|c| it.series.category.as_deref() == c)
            })
            .filter_map(|(_, f)| f.level())
            .filter(|l| *l > 0.0)
            .map(f64::ln)
            .collect();
        (logs.len() >= MIN_SPREAD_ITEMS).then(|| {
            let n = logs.len() as f64;
            let m = logs.iter().sum::<f64>() / n;
            let var = logs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
            (var.exp() - 1.0).min(MAX_PRIOR_CV2)
        })
    };
    let rest_spread = spread(None).unwrap_or(DEFAULT_PRIOR_CV2);
    let mut cat_level: HashMap<Option<&str>, (f64, f64)> = HashMap::new();
    for it in &job.items {
        let c = it.series.category.as_deref();
        cat_level.entry(c).or_insert_with(|| {
            (
                established(Some(c)).unwrap_or(rest_level),
                spread(Some(c)).unwrap_or(rest_spread),
            )
        });
    }

    // 4. Forecasts.
    job.items
        .par_iter()
        .zip(fits.par_iter())
        .zip(profiles.par_iter())
        .map(|((it, f), s)| {
            let prior = cat_level
                .get(&it.series.category.as_deref())
                .copied()
                .unwrap_or((rest_level, rest_spread));
            job.check_deadline()?;
            Ok(forecast_item(
                p,
                job,
                it,
                f,
                s,
                prior,
                &pooled,
                want_predictive,
            ))
        })
        .collect()
}

/// Half-life per item (see [`HalfLife::Auto`]).
fn choose_half_lives(
    p: &ProductionParams,
    job: &Job<'_>,
    profiles: &[[f64; 7]],
    start: impl Fn(&ItemView<'_>) -> usize + Sync,
) -> Vec<f64> {
    if let HalfLife::Fixed(h) = p.level_half_life {
        return vec![h; job.items.len()];
    }
    let errs: Vec<([f64; 4], usize)> = job
        .items
        .par_iter()
        .zip(profiles.par_iter())
        .map(|(it, s)| half_life_errors(job, it, start(it), s))
        .collect();
    let argmin = |e: &[f64; 4]| (0..4).fold(0, |best, c| if e[c] < e[best] { c } else { best });
    // Pool relative errors so that big sellers do not decide for all.
    let mut pooled = [0.0; 4];
    for (e, n) in &errs {
        let total: f64 = e.iter().sum();
        if *n > 0 && total > 0.0 {
            for c in 0..4 {
                pooled[c] += e[c] / total;
            }
        }
    }
    let fallback = if pooled.iter().any(|x| *x > 0.0) {
        argmin(&pooled)
    } else {
        1
    };
    errs.iter()
        .map(|(e, n)| {
            HALF_LIFE_CANDIDATES[if *n >= AUTO_MIN_RESIDUALS {
                argmin(e)
            } else {
                fallback
            }]
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn forecast_item(
    p: &ProductionParams,
    job: &Job<'_>,
    item: &ItemView<'_>,
    f: &LevelFit,
    s: &[f64; 7],
    (prior_level, prior_cv2): (f64, f64),
    pooled: &Pooled,
    want_predictive: bool,
) -> ItemPrediction {
    let w0 = p.level_prior_days * f.prior_decay;
    let a = f.a + w0 * prior_level;
    let b = f.b + w0;
    let level = if b > 1e-12 { a / b } else { prior_level };
    let phi = [0, 1].map(|j| f.residuals[j].phi(pooled.phi[j], p.dispersion_prior_days, PHI_RANGE));
    // Level uncertainty (the Gamma posterior's squared CV is 1/a) is
    // already inside residual-based φ once there are enough residuals;
    // before that it is added explicitly, fading as residuals accumulate.
    let n_res = f.residuals[1].n;
    // The prior's share of the level carries the spread of levels among
    // the category's dishes; it fades like the prior itself.
    let prior_share = if b > 1e-12 { w0 / b } else { 1.0 };
    let level_var = (1.0 - n_res / (n_res + p.dispersion_prior_days)) / a.max(1e-6)
        + prior_share * prior_share * prior_cv2;
    // Dispersion by lead time: interpolated between the 1- and 7-day-ahead
    // estimates, flat beyond a week.
    let (l0, l1) = (RESIDUAL_LAGS[0] as f64, RESIDUAL_LAGS[1] as f64);
    let inv_size_at = |lead: f64| {
        let t = ((lead - l0) / (l1 - l0)).clamp(0.0, 1.0);
        (phi[0] + t * (phi[1] - phi[0])).max(PHI_RANGE.0) + level_var
    };
    let inv_size = inv_size_at(l1);
    let tier = ColdStartTier::from_usable_days(f.usable);
    let data_weight = f.usable as f64 / (f.usable as f64 + 14.0);
    let confidence = (data_weight / (1.0 + inv_size.sqrt())) as f32;
    let promos = job.promo_plan(&item.series.item);
    // The item's weather multipliers, shrunk toward the restaurant's.
    let weather: [Option<f64>; WEATHER_CLASSES] = std::array::from_fn(|c| {
        pooled.weather[c].map(|rest| shrunk_ratio(&f.weather[c], rest, p.weather_prior_days))
    });
    let mut days = Vec::with_capacity(job.horizon);
    let mut predictive = Vec::with_capacity(if want_predictive { job.horizon } else { 0 });
    let mut q = [0.0; 4];
    for (h, &promo_share) in promos.iter().enumerate() {
        let day = job.as_of + h as i32;
        let d = dow(day);
        let closed = job.closed[h];
        let (mut hol, mut spec) = (None, None);
        match job.calendar.kind(day) {
            DayKind::Normal => {}
            DayKind::Holiday(c) => hol = pooled.effects.get(usize::from(c)).copied(),
            DayKind::Special(c) => spec = pooled.effects.get(usize::from(c)).copied(),
        }
        let promo = (promo_share > 0.0).then(|| 1.0 + pooled.promo_beta * f64::from(promo_share));
        // The level means the recent mix of weather. With a day's weather
        // known, the dry (mild) day becomes the reference the level is
        // restated in, and rain (warmth, cold) an effect against it.
        let [rain_class, temp_class] = job.weather.classes(day);
        let mut day_level = level;
        let mut rain = None;
        if let (Some(c), Some(dry), Some(wet)) = (rain_class, weather[DRY], weather[WET]) {
            day_level *= dry;
            rain = (c == WET).then_some(wet / dry);
        }
        let mut band = None;
        if let (Some(c), Some(mild)) = (temp_class, weather[MILD]) {
            day_level *= mild;
            band = match c {
                WARM => weather[WARM].map(|w| (TemperatureBand::Warm, w / mild)),
                COLD => weather[COLD].map(|w| (TemperatureBand::Cold, w / mild)),
                _ => None,
            };
        }
        let mean = if closed {
            0.0
        } else {
            day_level
                * s[d]
                * hol.unwrap_or(1.0)
                * spec.unwrap_or(1.0)
                * promo.unwrap_or(1.0)
                * rain.unwrap_or(1.0)
                * band.map_or(1.0, |b| b.1)
                * pooled.ramp.get(h).copied().unwrap_or(1.0)
        };
        let nb = NegBin::new(mean, 1.0 / inv_size_at(h as f64 + 1.0));
        if closed {
            q = [0.0; 4];
        } else if job.quantiles {
            nb.quantiles(&QUANTILES, &mut q);
        }
        days.push(DayForecast {
            date: job.dates[h],
            mean,
            p10: q[0],
            p50: q[1],
            p90: q[2],
            p99: q[3],
            confidence,
            explanation: Explanation {
                model: ModelKind::Production,
                weekday: weekday_of(d),
                weekday_multiplier: s[d] as f32,
                recent_level: day_level as f32,
                holiday_effect: hol.map(|x| x as f32),
                special_day_effect: spec.map(|x| x as f32),
                promo_effect: promo.map(|x| x as f32),
                rain_effect: rain.map(|x| x as f32),
                temperature_band: band.map(|b| b.0),
                temperature_effect: band.map(|b| b.1 as f32),
                season_effect: pooled
                    .ramp
                    .get(h)
                    .filter(|r| (*r - 1.0).abs() >= 0.01)
                    .map(|r| *r as f32),
                closed,
                cold_start: tier,
            },
        });
        if want_predictive {
            predictive.push(if closed {
                Predictive::Zero
            } else {
                Predictive::NegBin(nb)
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
