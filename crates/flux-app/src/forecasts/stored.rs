//! Reading stored forecasts: the newest completed run's days, runs, one
//! day's explanation, and what the prep and dish pages draw.
//!
//! Each reader loads what its caller shows and no more: the dish view reads
//! one dish's forecasts, the days of history its chart draws and that
//! dish's accuracy, never the whole restaurant's history or report.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use flux_domain::settings::Settings;
use flux_store::PgConnection;
use uuid::Uuid;

use super::accuracy::{self, ItemAccuracy};
use super::feedback::{self, Feedback};
use crate::{AppError, AppResult, Kind};

pub use flux_store::forecasts::StoredTotal;
pub use flux_store::forecasts::{Run, StoredForecast};
pub use flux_store::menu::MenuItem;
pub use flux_store::status::{RunStatus, TotalLevel};

/// Most stored rows one call returns; far above any real menu × horizon.
pub const MAX_ROWS: i64 = 5000;

/// A dish of the restaurant, or not found.
pub async fn dish(conn: &mut PgConnection, restaurant_id: Uuid, id: Uuid) -> AppResult<MenuItem> {
    flux_store::menu::get(conn, restaurant_id, id)
        .await?
        .ok_or_else(|| AppError::new(Kind::NotFound, "no such menu item"))
}

/// The dish named `name` (compared as imports compare names), or not found.
pub async fn dish_by_name(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    name: &str,
) -> AppResult<Uuid> {
    let key = flux_domain::menu::name_key(name);
    flux_store::menu::keys(conn, restaurant_id)
        .await?
        .into_iter()
        .find(|(k, _)| *k == key)
        .map(|(_, id)| id)
        .ok_or_else(|| AppError::new(Kind::NotFound, "no menu item with this name"))
}

/// Filters for [`latest`].
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub item: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Keyset position: after this (dish name key, date).
    pub after: Option<(String, NaiveDate)>,
}

/// The newest completed run's forecasts, by dish then day, at most `limit`.
pub async fn latest(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    filter: &Filter,
    limit: i64,
) -> AppResult<Vec<StoredForecast>> {
    Ok(flux_store::forecasts::latest(
        conn,
        restaurant_id,
        filter.item,
        filter.from,
        filter.to,
        filter.after.clone(),
        limit,
    )
    .await?)
}

/// The keyset position just after a stored forecast, for the next page.
pub async fn position_after(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    last: &StoredForecast,
) -> AppResult<Option<(String, NaiveDate)>> {
    Ok(
        flux_store::forecasts::name_key_of(conn, restaurant_id, last.menu_item_id)
            .await?
            .map(|k| (k, last.date)),
    )
}

/// Runs, newest first.
pub async fn runs(conn: &mut PgConnection, restaurant_id: Uuid, limit: i64) -> AppResult<Vec<Run>> {
    Ok(flux_store::forecasts::list_runs(conn, restaurant_id, limit).await?)
}

/// The newest completed run: the one [`latest`] reads from.
pub async fn latest_run(conn: &mut PgConnection, restaurant_id: Uuid) -> AppResult<Option<Run>> {
    Ok(runs(conn, restaurant_id, 20)
        .await?
        .into_iter()
        .find(|r| r.status == RunStatus::Completed))
}

/// The newest run's forecast of one dish and day, if there is one.
pub async fn day_of(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    item: Uuid,
    date: NaiveDate,
) -> AppResult<Option<StoredForecast>> {
    let filter = Filter {
        item: Some(item),
        from: Some(date),
        to: Some(date),
        after: None,
    };
    Ok(latest(conn, restaurant_id, &filter, 1)
        .await?
        .into_iter()
        .next())
}

/// The newest forecast of one dish and day, or not found.
pub async fn explanation(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    item: Uuid,
    date: NaiveDate,
) -> AppResult<StoredForecast> {
    day_of(conn, restaurant_id, item, date)
        .await?
        .ok_or_else(|| AppError::new(Kind::NotFound, "no forecast for this dish and day"))
}

/// The restaurant's settings, as typed values.
async fn settings(conn: &mut PgConnection, restaurant_id: Uuid) -> AppResult<Settings> {
    let rows = flux_store::settings::load(conn, restaurant_id).await?;
    Ok(Settings::from_stored(
        rows.iter().map(|(k, v)| (k.as_str(), v)),
    ))
}

/// The newest completed run's restaurant and category totals between two
/// days (inclusive; a run holds at most 90 days): restaurant first,
/// then categories by name, each by date. Their means are the sums of the
/// dishes' means as the model made them, before any override.
pub async fn totals(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> AppResult<Vec<StoredTotal>> {
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            return Err(AppError::field(
                Kind::Validation,
                "to",
                "before_from",
                "must not be before from",
            ));
        }
    }
    Ok(flux_store::forecasts::latest_totals(conn, restaurant_id, from, to).await?)
}

/// What the prep page shows for one day.
#[derive(Debug, Clone)]
pub struct PrepView {
    pub run: Option<Run>,
    pub forecasts: Vec<StoredForecast>,
    /// The restaurant total that day, when the run has one.
    pub total: Option<StoredTotal>,
    pub has_sales: bool,
    pub confidence_threshold: f64,
}

/// Every dish's forecast for `day` from the newest run.
pub async fn prep(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    day: NaiveDate,
) -> AppResult<PrepView> {
    let run = latest_run(conn, restaurant_id).await?;
    let (forecasts, total) = match run {
        Some(_) => {
            let filter = Filter {
                from: Some(day),
                to: Some(day),
                ..Filter::default()
            };
            let total = totals(conn, restaurant_id, Some(day), Some(day))
                .await?
                .into_iter()
                .find(|t| t.level == TotalLevel::Restaurant);
            (latest(conn, restaurant_id, &filter, MAX_ROWS).await?, total)
        }
        None => (Vec::new(), None),
    };
    let has_sales = flux_store::sales::sales_span(conn, restaurant_id)
        .await?
        .is_some();
    Ok(PrepView {
        run,
        forecasts,
        total,
        has_sales,
        confidence_threshold: settings(conn, restaurant_id)
            .await?
            .forecast_confidence_threshold,
    })
}

/// A past forecast day of a dish with what was then sold.
pub use flux_store::forecasts::ForecastVsActual as PastDay;

/// Days back a dish's page shows past forecasts against sales.
pub const PAST_DAYS_SHOWN: i64 = 28;

/// What one dish's page shows.
#[derive(Debug, Clone)]
pub struct DishView {
    pub run: Option<Run>,
    pub forecasts: Vec<StoredForecast>,
    /// Daily sales in the days before the forecast starts, oldest first,
    /// zeros filled in, starting no earlier than the dish's first sale.
    pub history: Vec<(NaiveDate, f64)>,
    pub feedback: Vec<Feedback>,
    /// E-mail of each member, for naming who gave feedback.
    pub members: HashMap<Uuid, String>,
    /// How past forecasts did, once some can be scored.
    pub accuracy: Option<ItemAccuracy>,
    /// The last [`PAST_DAYS_SHOWN`] days with sales: what was forecast for
    /// each (the newest run before it) and what was sold, oldest first.
    pub past: Vec<PastDay>,
    /// Sold-out days of the last eight weeks, marked or inferred.
    pub sold_out: Vec<super::stockouts::StockoutDay>,
    pub confidence_threshold: f64,
    /// People's overrides of this dish from today on.
    pub overrides: Vec<super::overrides::Override>,
}

/// One dish's forecasts, its last `history_days` of sales before them,
/// its newest `feedback_shown` verdicts and its accuracy.
pub async fn dish_view(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    item: Uuid,
    today: NaiveDate,
    history_days: i64,
    feedback_shown: i64,
) -> AppResult<DishView> {
    let run = latest_run(conn, restaurant_id).await?;
    let filter = Filter {
        item: Some(item),
        ..Filter::default()
    };
    let forecasts = latest(conn, restaurant_id, &filter, 366).await?;
    // The chart ends where the forecast starts (or today, without one).
    let start = forecasts.first().map_or(today, |f| f.date);
    let first_drawn = start - Duration::days(history_days.max(1));
    let sales: HashMap<NaiveDate, f64> = flux_store::forecasts::daily_sales(
        conn,
        restaurant_id,
        Some(item),
        Some(first_drawn),
        start,
    )
    .await?
    .into_iter()
    .map(|s| (s.business_date, s.quantity))
    .collect();
    let end = start - Duration::days(1);
    // No leading run of zeros before the dish was first sold.
    let history = match flux_store::forecasts::first_sale(conn, restaurant_id, item).await? {
        Some(first) if first <= end => first
            .max(first_drawn)
            .iter_days()
            .take_while(|d| *d <= end)
            .map(|d| (d, sales.get(&d).copied().unwrap_or(0.0)))
            .collect(),
        _ => Vec::new(),
    };
    let feedback = feedback::list(conn, restaurant_id, Some(item), feedback_shown).await?;
    let members = flux_store::members::list(conn, restaurant_id)
        .await?
        .into_iter()
        .map(|m| (m.user_id, m.email))
        .collect();
    let scored =
        flux_store::forecasts::forecast_vs_actual(conn, restaurant_id, Some(item), None, today)
            .await?;
    let recent_from = today - Duration::days(PAST_DAYS_SHOWN);
    let past = scored
        .iter()
        .filter(|r| r.date >= recent_from)
        .cloned()
        .collect();
    let accuracy = accuracy::report_from(conn, restaurant_id, Some(item), scored)
        .await?
        .items
        .into_iter()
        .find(|i| i.menu_item_id == item && i.metrics.days > 0);
    let overrides = super::overrides::list(
        conn,
        restaurant_id,
        &super::overrides::Filter {
            item: Some(item),
            from: Some(today),
            to: None,
        },
    )
    .await?;
    let sold_out = super::stockouts::list(conn, restaurant_id, Some(item), None, None).await?;
    Ok(DishView {
        past,
        sold_out,
        overrides,
        run,
        forecasts,
        history,
        feedback,
        members,
        accuracy,
        confidence_threshold: settings(conn, restaurant_id)
            .await?
            .forecast_confidence_threshold,
    })
}

/// The restaurant's accuracy report up to its local today.
pub async fn accuracy_report(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
) -> AppResult<accuracy::AccuracyReport> {
    let r = flux_store::restaurants::get(conn, restaurant_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let today = r.timezone.today();
    Ok(accuracy::report(conn, restaurant_id, today).await?)
}
