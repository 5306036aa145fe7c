//! Seasonal naive: tomorrow sells what the same weekday sold last week.
//!
//! The point forecast is the most recent usable value on the same weekday
//! within the last five weeks (closures and gaps are skipped, not read as
//! zero); without one, the mean of the last 28 usable days. Quantiles come
//! from the empirical distribution of past week-over-week errors
//! `y_t − y_{t−7}` (last year, both days usable) added to the point and
//! floored at zero; the spread is not widened with the horizon because for
//! stationary demand a lag-7k difference has the variance of a lag-7 one.
//! With fewer than 5 such errors it falls back to a Poisson around the point.

use std::sync::Arc;

use rayon::prelude::*;

use super::{sorted_quantile, ItemPrediction, Predictive, QUANTILES};
use crate::context::{dow, weekday_of, ItemView, Job};
use crate::error::Result;
use crate::nb::NegBin;
use crate::output::{ColdStartTier, DayForecast, Explanation, ItemForecast};
use crate::types::ModelKind;

const LOOKBACK_WEEKS: usize = 5;
const ERROR_WINDOW: usize = 365;
const MIN_ERRORS: usize = 5;

pub(crate) fn run(job: &Job<'_>, want_predictive: bool) -> Result<Vec<ItemPrediction>> {
    job.items
        .par_iter()
        .map(|item| {
            job.check_deadline()?;
            Ok(forecast_item(job, item, want_predictive))
        })
        .collect()
}

fn forecast_item(job: &Job<'_>, item: &ItemView<'_>, want_predictive: bool) -> ItemPrediction {
    let n = item.len;
    let mut last = [None::<f64>; 7];
    for i in (n.saturating_sub(7 * LOOKBACK_WEEKS)..n).rev() {
        let d = dow(item.first_day + i as i32);
        if last[d].is_none() && item.flag(i).usable() {
            last[d] = Some(item.y(i));
        }
    }
    let (mut sum, mut cnt) = (0.0, 0usize);
    for i in (0..n).rev() {
        if cnt == 28 {
            break;
        }
        if item.flag(i).usable() {
            sum += item.y(i);
            cnt += 1;
        }
    }
    let recent = if cnt > 0 { sum / cnt as f64 } else { 0.0 };

    let mut errors: Vec<f64> = (n.saturating_sub(ERROR_WINDOW).max(7)..n)
        .filter(|&i| item.flag(i).usable() && item.flag(i - 7).usable())
        .map(|i| item.y(i) - item.y(i - 7))
        .collect();
    errors.sort_by(f64::total_cmp);
    let errors: Arc<[f64]> = errors.into();

    let usable = item.usable_days();
    let tier = ColdStartTier::from_usable_days(usable);
    let confidence = (usable as f32 / (usable as f32 + 28.0)).clamp(0.0, 1.0);
    let mut days = Vec::with_capacity(job.horizon);
    let mut predictive = Vec::with_capacity(if want_predictive { job.horizon } else { 0 });
    for h in 0..job.horizon {
        let d = dow(job.as_of + h as i32);
        let point = last[d].unwrap_or(recent);
        let closed = job.closed[h];
        let mut q = [0.0; 4];
        let pred = if closed {
            Predictive::Zero
        } else if errors.len() >= MIN_ERRORS {
            for (o, p) in q.iter_mut().zip(QUANTILES) {
                *o = (point + sorted_quantile(&errors, p)).max(0.0);
            }
            Predictive::Empirical {
                center: point,
                errors: Arc::clone(&errors),
            }
        } else {
            let nb = NegBin::new(point, f64::INFINITY);
            nb.quantiles(&QUANTILES, &mut q);
            Predictive::NegBin(nb)
        };
        let mean = if closed { 0.0 } else { point };
        days.push(DayForecast {
            date: job.dates[h],
            mean,
            p10: q[0],
            p50: q[1],
            p90: q[2],
            p99: q[3],
            confidence,
            explanation: Explanation {
                model: ModelKind::SeasonalNaive,
                weekday: weekday_of(d),
                weekday_multiplier: if recent > 0.0 {
                    (point / recent) as f32
                } else {
                    1.0
                },
                recent_level: recent as f32,
                holiday_effect: None,
                special_day_effect: None,
                promo_effect: None,
                rain_effect: None,
                temperature_band: None,
                temperature_effect: None,
                season_effect: None,
                closed,
                cold_start: tier,
            },
        });
        if want_predictive {
            predictive.push(pred);
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
