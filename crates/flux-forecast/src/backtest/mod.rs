//! Rolling-origin backtests: forecast from several past origins with only
//! the data before each, score against what happened, for any set of
//! models.
//!
//! Origins end at the last day of data and step back by `step_days`
//! (default: the horizon, so test windows do not overlap). Planned
//! closures and promotions in a test window are taken from the data's
//! flags, as a restaurant would know them in advance. Days that are
//! closed, missing or beyond the data are not scored. A series is scored
//! at an origin when it has `min_history_days` usable days and a non-zero
//! in-sample weekly-naive MAE (the MASE scale).

mod metrics;

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use self::metrics::Accumulator;
pub use self::metrics::{pinball, ModelScore, PitSummary};
use crate::context::{day_num, ItemView, Job};
use crate::error::{ForecastError, Result};
use crate::hierarchy::{self, Tree};
use crate::models::{ItemPrediction, Model, Predictive};
use crate::nb::NegBin;
use crate::output::DayForecast;
use crate::types::{ForecastRequest, Horizon, ModelKind, PlannedPromo, Restaurant};

/// How to backtest.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BacktestConfig {
    /// Number of forecast origins.
    pub origins: usize,
    /// Days forecast from each origin.
    pub horizon: Horizon,
    /// Days between origins (default: the horizon).
    pub step_days: Option<u32>,
    /// Usable history days a series needs to be scored.
    pub min_history_days: usize,
    /// Items whose recent mean (last 56 usable days) reaches this are
    /// scored for interval coverage; the others for PIT calibration.
    pub coverage_min_mean: f64,
    /// Last origin (default: as late as the data allows).
    pub last_origin: Option<NaiveDate>,
    /// Seed of the PIT randomisation.
    pub pit_seed: u64,
}

impl BacktestConfig {
    /// `origins` origins of `horizon` days with the other settings at
    /// their defaults.
    pub fn new(origins: usize, horizon: Horizon) -> Self {
        Self {
            origins,
            horizon,
            step_days: None,
            min_history_days: 28,
            coverage_min_mean: 5.0,
            last_origin: None,
            pit_seed: 1,
        }
    }
}

/// A model with the label it is reported under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedModel {
    /// Report label.
    pub label: String,
    /// The model.
    pub model: Model,
}

impl From<ModelKind> for NamedModel {
    fn from(kind: ModelKind) -> Self {
        Self {
            label: kind.name().to_owned(),
            model: Model::from_kind(kind),
        }
    }
}

/// Result of a backtest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestReport {
    /// Forecast origins, ascending.
    pub origins: Vec<NaiveDate>,
    /// Horizon in days.
    pub horizon: u32,
    /// Item series in the data.
    pub series: usize,
    /// One score per model, in the order given.
    pub scores: Vec<ModelScore>,
}

/// Runs the backtest. Errors if a restaurant is invalid or no origin fits.
pub fn backtest(
    restaurants: &[Restaurant],
    models: &[NamedModel],
    cfg: &BacktestConfig,
) -> Result<BacktestReport> {
    let origins = origins(restaurants, cfg)?;
    let mut acc = vec![Accumulator::default(); models.len()];
    for (oi, origin) in origins.iter().enumerate() {
        for (mi, m) in models.iter().enumerate() {
            let parts = restaurants
                .par_iter()
                .enumerate()
                .map(|(ri, r)| score_restaurant(r, &m.model, *origin, cfg, oi, ri))
                .collect::<Result<Vec<_>>>()?;
            for p in &parts {
                acc[mi].merge(p);
            }
        }
    }
    Ok(BacktestReport {
        horizon: cfg.horizon.days(),
        series: restaurants.iter().map(|r| r.series.len()).sum(),
        scores: models
            .iter()
            .zip(&acc)
            .map(|(m, a)| a.finish(m.label.clone()))
            .collect(),
        origins,
    })
}

/// The origins (first forecast days) a backtest with `cfg` uses, ascending.
pub fn origins(restaurants: &[Restaurant], cfg: &BacktestConfig) -> Result<Vec<NaiveDate>> {
    let end = restaurants
        .iter()
        .flat_map(|r| &r.series)
        .map(|s| day_num(s.start) + s.quantities.len() as i32)
        .max()
        .ok_or_else(|| ForecastError::InvalidBacktest("no data".into()))?;
    let h = cfg.horizon.days() as i32;
    let last = cfg.last_origin.map_or(end - h, day_num);
    let step = cfg.step_days.map_or(h, |s| s.max(1) as i32);
    if cfg.origins == 0 {
        return Err(ForecastError::InvalidBacktest(
            "at least one origin is needed".into(),
        ));
    }
    (0..cfg.origins as i32)
        .rev()
        .map(|j| {
            NaiveDate::from_num_days_from_ce_opt(last - j * step)
                .ok_or(ForecastError::DateOutOfRange)
        })
        .collect()
}

/// One forecast day made outside the engine, by a public reference method
/// that another program ran on exported data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ExternalDay {
    /// Forecast day.
    pub date: NaiveDate,
    /// 10 % quantile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90 % quantile.
    pub p90: f64,
    /// Mean.
    pub mean: f64,
}

/// External forecasts keyed by (restaurant index in the slice given to
/// [`score_external`], item name, origin).
pub type ExternalForecasts = HashMap<(usize, String, NaiveDate), Vec<ExternalDay>>;

/// Scores forecasts made elsewhere exactly as [`backtest`] scores a model:
/// same origins, same series and days scored, same metrics. Expected
/// coverage and PIT need a predictive distribution and are left out.
/// Errors when a series that would be scored has no forecast for a scored
/// day, so a comparison never silently covers fewer series.
pub fn score_external(
    restaurants: &[Restaurant],
    label: &str,
    forecasts: &ExternalForecasts,
    cfg: &BacktestConfig,
) -> Result<ModelScore> {
    let mut acc = Accumulator::default();
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.pit_seed);
    for origin in origins(restaurants, cfg)? {
        for (ri, r) in restaurants.iter().enumerate() {
            let req = request_for(r, ModelKind::SeasonalNaive, origin, cfg.horizon);
            let job = Job::new(r, &req)?;
            for it in &job.items {
                let (scale, level, usable) = scale_and_level(it);
                if usable < cfg.min_history_days || scale <= 0.0 {
                    continue;
                }
                let key = (ri, it.series.item.clone(), origin);
                let by_date: HashMap<NaiveDate, &ExternalDay> = forecasts
                    .get(&key)
                    .map(|days| days.iter().map(|d| (d.date, d)).collect())
                    .unwrap_or_default();
                let mut points = Vec::with_capacity(job.horizon);
                for (h, date) in job.dates.iter().enumerate() {
                    match by_date.get(date) {
                        Some(d) => points.push(Point {
                            p10: d.p10,
                            p50: d.p50,
                            p90: d.p90,
                            mean: d.mean,
                        }),
                        None if scored_day(&job, it, h).is_some() => {
                            return Err(ForecastError::InvalidBacktest(format!(
                                "{label}: no forecast of {} (restaurant {ri}) for {date} from {origin}",
                                it.series.item
                            )))
                        }
                        // Not scored: any placeholder will do.
                        None => points.push(Point::default()),
                    }
                }
                let high_volume = level >= cfg.coverage_min_mean;
                score_item(
                    &job,
                    it,
                    &points,
                    &[],
                    scale,
                    high_volume,
                    &mut rng,
                    &mut acc,
                );
            }
        }
    }
    Ok(acc.finish(label.to_owned()))
}

/// Scores of the hierarchy's levels, base (each level forecast on its own)
/// and reconciled, for one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HierarchyReport {
    /// Forecast origins, ascending.
    pub origins: Vec<NaiveDate>,
    /// Dishes as the model forecasts them alone.
    pub items_base: ModelScore,
    /// Dishes after reconciliation.
    pub items_reconciled: ModelScore,
    /// Category nodes, base.
    pub categories_base: ModelScore,
    /// Category nodes, reconciled.
    pub categories_reconciled: ModelScore,
    /// Restaurant totals forecast directly.
    pub totals_base: ModelScore,
    /// Restaurant totals as the sum of the dishes' means, with dishes
    /// taken as independent for the interval (a moment-matched negative
    /// binomial): the naive way to get a total.
    pub totals_bottom_up: ModelScore,
    /// Restaurant totals after reconciliation.
    pub totals_reconciled: ModelScore,
}

/// Backtests `model` on every level of each restaurant's hierarchy (see
/// [`crate::hierarchy`]), before and after reconciliation.
pub fn backtest_hierarchy(
    restaurants: &[Restaurant],
    model: &Model,
    cfg: &BacktestConfig,
) -> Result<HierarchyReport> {
    let origins = origins(restaurants, cfg)?;
    let trees: Vec<Tree> = restaurants.iter().map(Tree::build).collect();
    // items base, items rec, cats base, cats rec, totals base, bottom-up, totals rec
    let mut acc = vec![Accumulator::default(); 7];
    for (oi, origin) in origins.iter().enumerate() {
        let parts = restaurants
            .par_iter()
            .zip(trees.par_iter())
            .enumerate()
            .map(|(ri, (r, tree))| {
                let req = request_for(r, model.kind(), *origin, cfg.horizon);
                let run = hierarchy::run(model, r, tree, &req)?;
                let job = Job::new(r, &req)?;
                let upper_job = Job::new(&tree.upper, &req)?;
                let seed = cfg.pit_seed ^ ((oi as u64) << 40) ^ ((ri as u64) << 8);
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                let mut out = vec![Accumulator::default(); 7];
                let root = tree.upper.series.len() - 1;
                let bottom_up = bottom_up(&run.items_base, job.horizon);
                for (k, preds) in [&run.items_base, &run.items].into_iter().enumerate() {
                    for (it, p) in job.items.iter().zip(preds) {
                        score_prediction(&job, it, p, cfg, &mut rng, &mut out[k]);
                    }
                }
                for (k, preds) in [&run.upper_base, &run.upper].into_iter().enumerate() {
                    for (i, (it, p)) in upper_job.items.iter().zip(preds).enumerate() {
                        let slot = if i == root { 4 + 2 * k } else { 2 + k };
                        score_prediction(&upper_job, it, p, cfg, &mut rng, &mut out[slot]);
                    }
                }
                score_prediction(
                    &upper_job,
                    &upper_job.items[root],
                    &bottom_up,
                    cfg,
                    &mut rng,
                    &mut out[5],
                );
                Ok(out)
            })
            .collect::<Result<Vec<_>>>()?;
        for p in &parts {
            for (a, b) in acc.iter_mut().zip(p) {
                a.merge(b);
            }
        }
    }
    let label = model.kind().name();
    let f = |i: usize, what: &str| acc[i].finish(format!("{label} {what}"));
    Ok(HierarchyReport {
        items_base: f(0, "dishes, base"),
        items_reconciled: f(1, "dishes, reconciled"),
        categories_base: f(2, "categories, base"),
        categories_reconciled: f(3, "categories, reconciled"),
        totals_base: f(4, "total, direct"),
        totals_bottom_up: f(5, "total, sum of dishes"),
        totals_reconciled: f(6, "total, reconciled"),
        origins,
    })
}

/// The sum of the dishes' forecasts with independent errors.
fn bottom_up(items: &[ItemPrediction], horizon: usize) -> ItemPrediction {
    let mut base = items[0].clone();
    base.forecast.item = hierarchy::TOTAL.to_owned();
    for h in 0..horizon.min(base.forecast.days.len()) {
        let (mut m, mut v) = (0.0, 0.0);
        for p in items {
            m += p.forecast.days[h].mean;
            v += p.predictive.get(h).map_or(0.0, Predictive::variance);
        }
        let dist = if m <= 0.0 {
            Predictive::Zero
        } else {
            // Var = μ + μ²/r; below Poisson variance, the Poisson limit.
            let excess = v - m;
            let size = if excess > 1e-12 {
                m * m / excess
            } else {
                f64::INFINITY
            };
            Predictive::NegBin(NegBin::new(m, size))
        };
        let q = dist.quantiles();
        let day = &mut base.forecast.days[h];
        day.mean = m;
        day.p10 = q[0];
        day.p50 = q[1];
        day.p90 = q[2];
        day.p99 = q[3];
        if let Some(slot) = base.predictive.get_mut(h) {
            *slot = dist;
        }
    }
    base
}

/// Scores one prediction of a series when the series qualifies.
fn score_prediction(
    job: &Job<'_>,
    it: &ItemView<'_>,
    pred: &ItemPrediction,
    cfg: &BacktestConfig,
    rng: &mut ChaCha8Rng,
    acc: &mut Accumulator,
) {
    let (scale, level, usable) = scale_and_level(it);
    if usable < cfg.min_history_days || scale <= 0.0 {
        return;
    }
    let points: Vec<Point> = pred.forecast.days.iter().map(Point::from).collect();
    score_item(
        job,
        it,
        &points,
        &pred.predictive,
        scale,
        level >= cfg.coverage_min_mean,
        rng,
        acc,
    );
}

/// The request a backtest makes at `origin`: what the restaurant knew in
/// advance about the test window (its planned closures and promotions,
/// taken from the data's flags).
pub fn request_for(
    r: &Restaurant,
    model: ModelKind,
    origin: NaiveDate,
    horizon: Horizon,
) -> ForecastRequest {
    let mut req = ForecastRequest::new(origin, horizon, model);
    let o = day_num(origin);
    let hd = horizon.days() as usize;
    let mut closed = vec![false; hd];
    for s in &r.series {
        let first = day_num(s.start);
        for (h, c) in closed.iter_mut().enumerate() {
            let i = o + h as i32 - first;
            if i < 0 || i as usize >= s.quantities.len() {
                continue;
            }
            let f = s.flag(i as usize);
            *c |= f.closed;
            if f.promo.get() > 0.0 {
                if let Some(date) = origin.checked_add_days(Days::new(h as u64)) {
                    req.promotions.push(PlannedPromo {
                        date,
                        item: Some(s.item.clone()),
                        share: f.promo,
                    });
                }
            }
        }
    }
    req.closed_days = closed
        .iter()
        .enumerate()
        .filter(|(_, c)| **c)
        .filter_map(|(h, _)| origin.checked_add_days(Days::new(h as u64)))
        .collect();
    req
}

/// In-sample weekly-naive MAE and recent mean of an item's history.
fn scale_and_level(it: &ItemView<'_>) -> (f64, f64, usize) {
    let (mut sum, mut n) = (0.0, 0usize);
    for i in 7..it.len {
        if it.flag(i).usable() && it.flag(i - 7).usable() {
            sum += (it.y(i) - it.y(i - 7)).abs();
            n += 1;
        }
    }
    let (mut recent, mut cnt) = (0.0, 0usize);
    for i in it.len.saturating_sub(56)..it.len {
        if it.flag(i).usable() {
            recent += it.y(i);
            cnt += 1;
        }
    }
    let scale = if n > 0 { sum / n as f64 } else { 0.0 };
    (
        scale,
        if cnt > 0 { recent / cnt as f64 } else { 0.0 },
        it.usable_days(),
    )
}

fn score_restaurant(
    r: &Restaurant,
    model: &Model,
    origin: NaiveDate,
    cfg: &BacktestConfig,
    origin_idx: usize,
    restaurant_idx: usize,
) -> Result<Accumulator> {
    let req = request_for(r, model.kind(), origin, cfg.horizon);
    let job = Job::new(r, &req)?;
    let preds = model.run(&job, true)?;
    let mut acc = Accumulator::default();
    let seed = cfg.pit_seed ^ ((origin_idx as u64) << 40) ^ ((restaurant_idx as u64) << 8);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for (it, pred) in job.items.iter().zip(&preds) {
        score_prediction(&job, it, pred, cfg, &mut rng, &mut acc);
    }
    Ok(acc)
}

/// What is scored of one forecast day.
#[derive(Debug, Clone, Copy, Default)]
struct Point {
    p10: f64,
    p50: f64,
    p90: f64,
    mean: f64,
}

impl From<&DayForecast> for Point {
    fn from(d: &DayForecast) -> Self {
        Self {
            p10: d.p10,
            p50: d.p50,
            p90: d.p90,
            mean: d.mean,
        }
    }
}

/// The actual of horizon day `h` when that day is scored (inside the
/// data, usable).
fn scored_day(job: &Job<'_>, it: &ItemView<'_>, h: usize) -> Option<f64> {
    let i = job.as_of + h as i32 - it.first_day;
    if i < 0 || i as usize >= it.series.quantities.len() || !it.series.flag(i as usize).usable() {
        return None;
    }
    Some(it.series.quantities[i as usize])
}

#[allow(clippy::too_many_arguments)]
fn score_item(
    job: &Job<'_>,
    it: &ItemView<'_>,
    points: &[Point],
    predictive: &[Predictive],
    scale: f64,
    high_volume: bool,
    rng: &mut ChaCha8Rng,
    acc: &mut Accumulator,
) {
    let (mut abs, mut pin, mut n) = (0.0, 0.0, 0usize);
    for (h, day) in points.iter().enumerate() {
        let Some(y) = scored_day(job, it, h) else {
            continue;
        };
        abs += (day.p50 - y).abs();
        let day_pin =
            (pinball(0.1, day.p10, y) + pinball(0.5, day.p50, y) + pinball(0.9, day.p90, y)) / 3.0;
        pin += day_pin;
        acc.pinball_sum += day_pin;
        n += 1;
        acc.err_sum += day.mean - y;
        acc.actual_sum += y;
        if high_volume {
            acc.coverage_days += 1;
            if day.p10 <= y && y <= day.p90 {
                acc.covered += 1;
            }
            if let Some(p) = predictive.get(h) {
                acc.expected_days += 1;
                acc.expected_covered += p.cdf_pair(day.p90).1 - p.cdf_pair(day.p10).0;
            }
        } else if let Some(p) = predictive.get(h) {
            let (lo, hi) = p.cdf_pair(y);
            let v: f64 = rng.gen();
            acc.add_pit(lo + v * (hi - lo));
        }
    }
    if n > 0 {
        acc.series += 1;
        acc.days += n;
        acc.mase_sum += abs / n as f64 / scale;
        acc.spl_sum += pin / n as f64 / scale;
    }
}
