//! Forecast accuracy once actuals arrive: the backtest's metrics, computed
//! on stored forecasts against the sales that followed.
//!
//! For each dish and past day, the forecast of the newest run made before
//! that day is compared with what was sold. Errors are scaled by the dish's
//! in-sample weekly seasonal-naive error (as in the backtest), so numbers
//! are comparable across dishes of any volume.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use flux_store::forecasts::{AccuracySnapshot, ForecastVsActual};
use flux_store::PgPool;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Dishes selling at least this much a day are scored for interval coverage.
pub const COVERAGE_MIN_MEAN: f64 = 5.0;

#[derive(Debug, Clone, Serialize, Default, ToSchema)]
pub struct Metrics {
    pub days: usize,
    pub mae: f64,
    /// Mean absolute error of p50 over the weekly-naive error of the history.
    pub mase: Option<f64>,
    /// Pinball loss over p10/p50/p90, scaled like MASE.
    pub scaled_pinball: Option<f64>,
    /// Share of days inside [p10, p90] (dishes selling ≥ 5/day only).
    pub coverage_80: Option<f64>,
    /// (forecast − actual) / actual, summed over days.
    pub bias: Option<f64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemAccuracy {
    pub menu_item_id: Uuid,
    pub name: String,
    #[serde(flatten)]
    pub metrics: Metrics,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccuracyReport {
    pub restaurant: Metrics,
    pub items: Vec<ItemAccuracy>,
}

/// One scored day.
#[derive(Debug, Clone, Copy)]
pub struct Pair {
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub actual: f64,
}

fn pinball(q: f64, tau: f64, y: f64) -> f64 {
    if y >= q {
        tau * (y - q)
    } else {
        (1.0 - tau) * (q - y)
    }
}

/// Metrics of a set of days, given the history's weekly-naive MAE.
pub fn metrics(pairs: &[Pair], naive_mae: Option<f64>) -> Metrics {
    if pairs.is_empty() {
        return Metrics::default();
    }
    let n = pairs.len() as f64;
    let mae = pairs.iter().map(|p| (p.p50 - p.actual).abs()).sum::<f64>() / n;
    let pin = pairs
        .iter()
        .map(|p| {
            (pinball(p.p10, 0.1, p.actual)
                + pinball(p.p50, 0.5, p.actual)
                + pinball(p.p90, 0.9, p.actual))
                / 3.0
        })
        .sum::<f64>()
        / n;
    let mean_actual = pairs.iter().map(|p| p.actual).sum::<f64>() / n;
    let scale = naive_mae.filter(|s| *s > 0.0);
    let coverage = (mean_actual >= COVERAGE_MIN_MEAN).then(|| {
        pairs
            .iter()
            .filter(|p| p.p10 <= p.actual && p.actual <= p.p90)
            .count() as f64
            / n
    });
    let total_actual: f64 = pairs.iter().map(|p| p.actual).sum();
    Metrics {
        days: pairs.len(),
        mae,
        mase: scale.map(|s| mae / s),
        scaled_pinball: scale.map(|s| pin / s),
        coverage_80: coverage,
        bias: (total_actual > 0.0)
            .then(|| pairs.iter().map(|p| p.p50 - p.actual).sum::<f64>() / total_actual),
    }
}

/// Weekly seasonal-naive MAE of a daily history (date-sorted).
pub fn weekly_naive_mae(history: &[(NaiveDate, f64)]) -> Option<f64> {
    let by_date: BTreeMap<NaiveDate, f64> = history.iter().copied().collect();
    let errs: Vec<f64> = by_date
        .iter()
        .filter_map(|(d, y)| {
            by_date
                .get(&(*d - chrono::Days::new(7)))
                .map(|prev| (y - prev).abs())
        })
        .collect();
    (!errs.is_empty()).then(|| errs.iter().sum::<f64>() / errs.len() as f64)
}

/// Accuracy of a restaurant's stored forecasts up to (not including) `today`.
pub async fn report(
    conn: &mut flux_store::PgConnection,
    rid: Uuid,
    today: NaiveDate,
) -> Result<AccuracyReport, flux_store::StoreError> {
    report_for(conn, rid, None, today).await
}

/// Like [`report`], for one dish only (or all with `None`): a dish's page
/// reads that dish's forecasts and history, not the whole restaurant's.
/// With one dish, the restaurant-level metrics are that dish's.
pub async fn report_for(
    conn: &mut flux_store::PgConnection,
    rid: Uuid,
    item: Option<Uuid>,
    today: NaiveDate,
) -> Result<AccuracyReport, flux_store::StoreError> {
    let rows = flux_store::forecasts::forecast_vs_actual(conn, rid, item, None, today).await?;
    report_from(conn, rid, item, rows).await
}

/// Scores `rows` (past forecast days of one dish, or all, as
/// [`flux_store::forecasts::forecast_vs_actual`] returns them), each dish
/// scaled by its sales history before its first scored day.
pub async fn report_from(
    conn: &mut flux_store::PgConnection,
    rid: Uuid,
    item: Option<Uuid>,
    rows: Vec<ForecastVsActual>,
) -> Result<AccuracyReport, flux_store::StoreError> {
    let first = rows.iter().map(|r| r.date).min();
    let history = match first {
        Some(f) => flux_store::forecasts::daily_sales(conn, rid, item, None, f).await?,
        None => Vec::new(),
    };
    let mut hist: BTreeMap<Uuid, Vec<(NaiveDate, f64)>> = BTreeMap::new();
    for h in history {
        hist.entry(h.menu_item_id)
            .or_default()
            .push((h.business_date, h.quantity));
    }
    let mut by_item: BTreeMap<Uuid, (String, Vec<Pair>)> = BTreeMap::new();
    for r in rows {
        by_item
            .entry(r.menu_item_id)
            .or_insert_with(|| (r.name.clone(), Vec::new()))
            .1
            .push(Pair {
                p10: r.p10,
                p50: r.p50,
                p90: r.p90,
                actual: r.actual,
            });
    }
    let mut items = Vec::new();
    let mut all = Vec::new();
    let mut scales = Vec::new();
    for (id, (name, pairs)) in by_item {
        let scale = hist.get(&id).and_then(|h| weekly_naive_mae(h));
        if let Some(s) = scale {
            scales.push((s, pairs.len()));
        }
        all.extend(pairs.iter().copied());
        items.push(ItemAccuracy {
            menu_item_id: id,
            name,
            metrics: metrics(&pairs, scale),
        });
    }
    // The restaurant-level scale is the day-weighted mean of the dishes' scales.
    let weight: usize = scales.iter().map(|s| s.1).sum();
    let scale = (weight > 0)
        .then(|| scales.iter().map(|(s, n)| s * *n as f64).sum::<f64>() / weight as f64);
    Ok(AccuracyReport {
        restaurant: metrics(&all, scale),
        items,
    })
}

/// Days of forecasts each nightly snapshot scores.
pub const TRACK_WINDOW_DAYS: i64 = 28;

/// The snapshot of `metrics` measured on `on`, if any day was scored.
pub fn snapshot(on: NaiveDate, metrics: &Metrics) -> Option<AccuracySnapshot> {
    (metrics.days > 0).then(|| AccuracySnapshot {
        measured_on: on,
        window_days: TRACK_WINDOW_DAYS as i16,
        dish_days: i32::try_from(metrics.days).unwrap_or(i32::MAX),
        mae: metrics.mae,
        mase: metrics.mase,
        scaled_pinball: metrics.scaled_pinball,
        coverage_80: metrics.coverage_80,
        bias: metrics.bias,
    })
}

/// Scores the restaurant's forecasts of the last [`TRACK_WINDOW_DAYS`]
/// against what was sold and keeps the result for today (the nightly run
/// calls this, so accuracy is tracked over time). `None` when no
/// forecast day of the window has sales yet.
pub async fn track(pool: &PgPool, rid: Uuid) -> crate::AppResult<Option<AccuracySnapshot>> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), rid).await?;
    let Some(r) = flux_store::restaurants::get(&mut tx, rid).await? else {
        return Ok(None);
    };
    let today = r.timezone.today();
    let since = today - Duration::days(TRACK_WINDOW_DAYS);
    let rows =
        flux_store::forecasts::forecast_vs_actual(&mut tx, rid, None, Some(since), today).await?;
    let report = report_from(&mut tx, rid, None, rows).await?;
    let snap = snapshot(today, &report.restaurant);
    if let Some(s) = &snap {
        flux_store::forecasts::record_accuracy(&mut tx, rid, s).await?;
    }
    tx.commit().await?;
    Ok(snap)
}

/// The restaurant's tracked accuracy, newest first: the newest snapshot
/// of each of the last `weeks` weeks that have one.
pub async fn history(
    conn: &mut flux_store::PgConnection,
    rid: Uuid,
    weeks: usize,
) -> Result<Vec<AccuracySnapshot>, flux_store::StoreError> {
    let rows = flux_store::forecasts::accuracy_history(conn, rid, (weeks as i64) * 7).await?;
    Ok(weekly(rows, weeks))
}

/// The newest snapshot of each ISO week, newest first, at most `weeks`.
fn weekly(rows: Vec<AccuracySnapshot>, weeks: usize) -> Vec<AccuracySnapshot> {
    use chrono::Datelike;
    let mut out: Vec<AccuracySnapshot> = Vec::new();
    for r in rows {
        let week = r.measured_on.iso_week();
        if out.last().is_some_and(|l| l.measured_on.iso_week() == week) {
            continue;
        }
        if out.len() == weeks {
            break;
        }
        out.push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_match_hand_computed_values() {
        let pairs = [
            Pair {
                p10: 4.0,
                p50: 6.0,
                p90: 9.0,
                actual: 7.0,
            },
            Pair {
                p10: 4.0,
                p50: 6.0,
                p90: 9.0,
                actual: 10.0,
            },
        ];
        let m = metrics(&pairs, Some(2.0));
        assert_eq!(m.days, 2);
        assert!((m.mae - 2.5).abs() < 1e-12); // |6-7|, |6-10|
        assert!((m.mase.unwrap_or_default() - 1.25).abs() < 1e-12);
        assert_eq!(
            m.coverage_80,
            Some(0.5),
            "mean actual 8.5 >= 5; 7 inside, 10 outside"
        );
        // bias: ((6-7)+(6-10)) / 17
        assert!((m.bias.unwrap_or_default() + 5.0 / 17.0).abs() < 1e-12);
    }

    #[test]
    fn weekly_naive_uses_same_weekday_last_week() {
        let d =
            |i: u64| NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default() + chrono::Days::new(i);
        let hist: Vec<_> = (0..14)
            .map(|i| (d(i), if i < 7 { 10.0 } else { 12.0 }))
            .collect();
        assert_eq!(weekly_naive_mae(&hist), Some(2.0));
        assert_eq!(weekly_naive_mae(&hist[..5]), None);
    }

    #[test]
    fn tracked_accuracy_keeps_the_newest_snapshot_of_each_week() {
        let snap = |d: &str| AccuracySnapshot {
            measured_on: d.parse().expect("date"),
            window_days: 28,
            dish_days: 10,
            mae: 1.0,
            mase: None,
            scaled_pinball: None,
            coverage_80: None,
            bias: None,
        };
        // Newest first, as stored rows come: Wed and Mon of one week, a
        // Sunday of the week before, then a week further back.
        let rows = vec![
            snap("2026-03-11"),
            snap("2026-03-09"),
            snap("2026-03-08"),
            snap("2026-03-01"),
        ];
        let days: Vec<String> = weekly(rows.clone(), 5)
            .iter()
            .map(|s| s.measured_on.to_string())
            .collect();
        assert_eq!(days, ["2026-03-11", "2026-03-08", "2026-03-01"]);
        assert_eq!(weekly(rows, 2).len(), 2);
        let none = Metrics::default();
        assert!(snapshot("2026-03-11".parse().expect("date"), &none).is_none());
    }
}
