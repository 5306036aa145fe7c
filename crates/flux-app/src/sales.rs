//! Sales analytics over the daily roll-up: daily totals, best-selling
//! dishes, the weekday profile, and the dashboard's overview of a recent
//! period. Read only; the roll-up itself is kept by imports and undos.

use chrono::{Duration, NaiveDate};
use flux_store::{sales as store, PgConnection};
use uuid::Uuid;

use crate::AppResult;

pub use flux_store::sales::{DailyTotal, ItemTotal, WeekdayProfile};

/// How many dishes the overview ranks.
pub const TOP_DISHES: i64 = 10;

/// The longest overview period: ten years, as for the API's ranges.
const MAX_DAYS: i64 = 3660;

/// Total units and revenue of each day of `from..=to` with sales.
pub async fn daily(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<DailyTotal>> {
    Ok(store::daily_totals(conn, restaurant_id, from, to).await?)
}

/// Per-dish totals over `from..=to`, best sellers first, at most `limit`.
pub async fn items(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    limit: i64,
) -> AppResult<Vec<ItemTotal>> {
    Ok(store::item_totals(conn, restaurant_id, from, to, limit).await?)
}

/// The average day of each weekday over `from..=to`, counting only days
/// with sales (a closed day would drag the average down).
pub async fn weekdays(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<WeekdayProfile>> {
    Ok(store::weekday_profile(conn, restaurant_id, from, to).await?)
}

/// The first and last business day with sales; `None` before any sale.
pub async fn span(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
) -> AppResult<Option<(NaiveDate, NaiveDate)>> {
    Ok(store::sales_span(conn, restaurant_id).await?)
}

/// The last `days` days of sales, ending on the last day with sales.
#[derive(Debug, Clone)]
pub struct Overview {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub daily: Vec<DailyTotal>,
    pub weekdays: Vec<WeekdayProfile>,
    /// The [`TOP_DISHES`] best sellers of the period.
    pub top: Vec<ItemTotal>,
}

/// The overview of the `days` days up to the last sale (never before the
/// first sale); `None` while the restaurant has no sales. The period ends
/// on the last sale rather than today, so a restaurant that uploads weekly
/// sees its latest week, not empty days.
pub async fn overview(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    days: i64,
) -> AppResult<Option<Overview>> {
    let Some((first, last)) = span(conn, restaurant_id).await? else {
        return Ok(None);
    };
    let back = Duration::days(days.clamp(1, MAX_DAYS) - 1);
    let from = last.checked_sub_signed(back).unwrap_or(first).max(first);
    Ok(Some(Overview {
        from,
        to: last,
        daily: daily(conn, restaurant_id, from, last).await?,
        weekdays: weekdays(conn, restaurant_id, from, last).await?,
        top: items(conn, restaurant_id, from, last, TOP_DISHES).await?,
    }))
}
