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

use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use self::metrics::Accumulator;
pub use self::metrics::{pinball, ModelScore, PitSummary};
use crate::context::{day_num, ItemView, Job};
use crate::error::{ForecastError, Result};
use crate::models::{ItemPrediction, Model};
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
    let mut origins = Vec::with_capacity(cfg.origins);
    for j in (0..cfg.origins as i32).rev() {
        let day = last - j * step;
        origins
            .push(NaiveDate::from_num_days_from_ce_opt(day).ok_or(ForecastError::DateOutOfRange)?);
    }
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
        origins,
        horizon: cfg.horizon.days(),
        series: restaurants.iter().map(|r| r.series.len()).sum(),
        scores: models
            .iter()
            .zip(&acc)
            .map(|(m, a)| a.finish(m.label.clone()))
            .collect(),
    })
}

/// What the restaurant knew in advance about the test window.
fn request_for(
    r: &Restaurant,
    model: &Model,
    origin: NaiveDate,
    horizon: Horizon,
) -> ForecastRequest {
    let mut req = ForecastRequest::new(origin, horizon, model.kind());
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
    let req = request_for(r, model, origin, cfg.horizon);
    let job = Job::new(r, &req)?;
    let preds = model.run(&job, true)?;
    let mut acc = Accumulator::default();
    let seed = cfg.pit_seed ^ ((origin_idx as u64) << 40) ^ ((restaurant_idx as u64) << 8);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for (it, pred) in job.items.iter().zip(&preds) {
        let (scale, level, usable) = scale_and_level(it);
        if usable < cfg.min_history_days || scale <= 0.0 {
            continue;
        }
        score_item(
            &job,
            it,
            pred,
            scale,
            level >= cfg.coverage_min_mean,
            &mut rng,
            &mut acc,
        );
    }
    Ok(acc)
}

fn score_item(
    job: &Job<'_>,
    it: &ItemView<'_>,
    pred: &ItemPrediction,
    scale: f64,
    high_volume: bool,
    rng: &mut ChaCha8Rng,
    acc: &mut Accumulator,
) {
    let (mut abs, mut pin, mut n) = (0.0, 0.0, 0usize);
    for (h, day) in pred.forecast.days.iter().enumerate() {
        let i = job.as_of + h as i32 - it.first_day;
        if i < 0 || i as usize >= it.series.quantities.len() || !it.series.flag(i as usize).usable()
        {
            continue;
        }
        let y = it.series.quantities[i as usize];
        abs += (day.p50 - y).abs();
        pin +=
            (pinball(0.1, day.p10, y) + pinball(0.5, day.p50, y) + pinball(0.9, day.p90, y)) / 3.0;
        n += 1;
        acc.err_sum += day.mean - y;
        acc.actual_sum += y;
        if high_volume {
            acc.coverage_days += 1;
            if day.p10 <= y && y <= day.p90 {
                acc.covered += 1;
            }
            if let Some(p) = pred.predictive.get(h) {
                acc.expected_covered += p.cdf_pair(day.p90).1 - p.cdf_pair(day.p10).0;
            }
        } else if let Some(p) = pred.predictive.get(h) {
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
