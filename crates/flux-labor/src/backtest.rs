//! Rolling-origin backtest of hourly forecasts against the hourly seasonal
//! naive (the same hour of the same weekday a week earlier).
//!
//! At each origin the day totals before it are forecast by the production
//! day model, split into hours by a profile fitted on the same history,
//! and scored on the hours of the following days. Errors are scaled by the
//! in-sample mean absolute error of the hourly seasonal naive (lag 168
//! hours), as in MASE, so scores compare across restaurants: below 1 beats
//! the naive on its own history.

use chrono::{Datelike, Duration, NaiveDate};
use flux_forecast::{
    forecast_restaurant, DayFlags, ForecastRequest, Horizon, ItemSeries, ModelKind, Restaurant,
};
use serde::Serialize;

use crate::hourly::{pinball, DayHours, Profile, ProfileParams};

/// Scores of one model over every scored hour.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HourlyScore {
    pub model: &'static str,
    /// Mean absolute error of the expected value (the naive: its point), scaled.
    pub mase: f64,
    /// Mean pinball loss over the 10th, 50th and 90th percentiles, scaled.
    pub scaled_pinball: f64,
    /// Share of hours inside the 10–90 interval (0.8 when calibrated).
    pub coverage_80: f64,
    pub hours: usize,
}

/// Why a backtest could not run.
#[derive(Debug, thiserror::Error)]
pub enum BacktestError {
    #[error("not enough history: {0}")]
    TooShort(&'static str),
    #[error(transparent)]
    Forecast(#[from] flux_forecast::ForecastError),
}

const QUANTILES: [f64; 3] = [0.1, 0.5, 0.9];

/// Backtests `origins` weekly origins ending `horizon` days before the
/// last day of `history`. Days absent from the history are closed.
pub fn backtest(
    history: &[DayHours],
    origins: usize,
    horizon: u32,
) -> Result<Vec<HourlyScore>, BacktestError> {
    let mut days: Vec<DayHours> = history.to_vec();
    days.sort_by_key(|d| d.date);
    let (Some(first), Some(last)) = (days.first().map(|d| d.date), days.last().map(|d| d.date))
    else {
        return Err(BacktestError::TooShort("no days"));
    };
    let span = (last - first).num_days() + 1;
    if span < 8 * 7 + i64::from(horizon) + 7 * origins as i64 {
        return Err(BacktestError::TooShort(
            "needs 8 weeks before the first origin",
        ));
    }
    let by_date = |d: NaiveDate| {
        days.binary_search_by_key(&d, |x| x.date)
            .ok()
            .map(|i| &days[i])
    };
    let hour_at = |d: NaiveDate, h: usize| by_date(d).map_or(0.0, |x| x.hours[h]);
    let mut model = Acc::default();
    let mut naive = Acc::default();
    for o in 0..origins {
        let origin = last - Duration::days(i64::from(horizon) + 7 * (origins - 1 - o) as i64);
        let train: Vec<DayHours> = days.iter().filter(|d| d.date < origin).cloned().collect();
        let scale = naive_scale(&train, &hour_at);
        if scale <= 0.0 {
            continue;
        }
        let profile = Profile::fit(&train, ProfileParams::default());
        let n = (origin - first).num_days() as usize;
        let mut quantities = Vec::with_capacity(n);
        let mut flags = Vec::with_capacity(n);
        for i in 0..n {
            let d = first + Duration::days(i as i64);
            match by_date(d) {
                Some(x) => {
                    quantities.push(x.total());
                    flags.push(DayFlags::OPEN);
                }
                None => {
                    quantities.push(0.0);
                    flags.push(DayFlags::CLOSED);
                }
            }
        }
        let mut series = ItemSeries::new("all", None, first, quantities);
        series.flags = flags;
        let restaurant = Restaurant {
            series: vec![series],
            special_days: vec![],
            country: None,
            weather: vec![],
        };
        let request = ForecastRequest::new(
            origin - Duration::days(1),
            Horizon::new(horizon).map_err(BacktestError::Forecast)?,
            ModelKind::Production,
        );
        let forecast = forecast_restaurant(&restaurant, &request)?;
        let Some(item) = forecast.first() else {
            continue;
        };
        for day in &item.days {
            let Some(actual) = by_date(day.date) else {
                continue; // closed: nothing to staff, nothing to score
            };
            let hours = profile.split(day.date, day.mean, day.p90);
            let wd = day.date.weekday().num_days_from_monday() as usize;
            // The naive's value: the latest same weekday before the origin.
            let mut back = day.date - Duration::days(7);
            while back >= origin {
                back -= Duration::days(7);
            }
            for (h, f) in hours.iter().enumerate() {
                // Hours the restaurant never sells in are not scored: both
                // models say zero and the hour would flatter both.
                if profile.shares[wd][h] < 1e-3 && actual.hours[h] == 0.0 {
                    continue;
                }
                let y = actual.hours[h];
                model.add(y, f.mean, [f.p10, f.p50, f.p90], scale);
                let nv = hour_at(back, h);
                naive.add(y, nv, [nv, nv, nv], scale);
            }
        }
    }
    if model.n == 0 {
        return Err(BacktestError::TooShort("no scored hours"));
    }
    Ok(vec![
        model.finish("flux hourly (production day × profile)"),
        naive.finish("hourly seasonal naive (lag 168 h)"),
    ])
}

/// In-sample mean absolute error of the hourly seasonal naive.
fn naive_scale(train: &[DayHours], hour_at: &dyn Fn(NaiveDate, usize) -> f64) -> f64 {
    let (mut sum, mut n) = (0.0, 0usize);
    for d in train {
        let prev = d.date - Duration::days(7);
        if train.first().is_none_or(|f| prev < f.date) {
            continue;
        }
        for h in 0..24 {
            let (y, p) = (d.hours[h], hour_at(prev, h));
            if y > 0.0 || p > 0.0 {
                sum += (y - p).abs();
                n += 1;
            }
        }
    }
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}

#[derive(Default)]
struct Acc {
    abs: f64,
    pin: f64,
    inside: usize,
    n: usize,
}

impl Acc {
    fn add(&mut self, y: f64, point: f64, q: [f64; 3], scale: f64) {
        self.abs += (y - point).abs() / scale;
        self.pin += QUANTILES
            .iter()
            .zip(q)
            .map(|(p, v)| pinball(*p, v, y))
            .sum::<f64>()
            / 3.0
            / scale;
        if y >= q[0] && y <= q[2] {
            self.inside += 1;
        }
        self.n += 1;
    }

    fn finish(&self, model: &'static str) -> HourlyScore {
        let n = self.n.max(1) as f64;
        HourlyScore {
            model,
            mase: self.abs / n,
            scaled_pinball: self.pin / n,
            coverage_80: self.inside as f64 / n,
            hours: self.n,
        }
    }
}
