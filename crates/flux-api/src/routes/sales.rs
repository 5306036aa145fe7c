//! `/api/v1/restaurants/{id}/sales/*` and `/data/health`: read models over
//! the daily roll-up.

use chrono::{Duration, NaiveDate, Utc};
use flux_app::sales::{DailyTotal, ItemTotal, WeekdayProfile};
use flux_app::uploads::health::HealthReport;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiResult, Code, Problem};
use crate::extract::{Json, Query, Tenant};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Range {
    /// First day (default: 90 days before `to`).
    pub from: Option<NaiveDate>,
    /// Last day (default: today).
    pub to: Option<NaiveDate>,
    /// For `items`: how many (1–500, default 20).
    pub limit: Option<i64>,
}

impl Range {
    fn resolve(&self) -> Result<(NaiveDate, NaiveDate), ApiError> {
        let to = self.to.unwrap_or_else(|| Utc::now().date_naive());
        let from = self.from.unwrap_or(to - Duration::days(90));
        super::check_period(from, to)?;
        Ok((from, to))
    }
}

/// Daily totals over the period read (given, or defaulted).
#[derive(Serialize, ToSchema)]
pub struct DailySales {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub items: Vec<DailyTotal>,
}

/// Per-dish totals over the period read, best sellers first.
#[derive(Serialize, ToSchema)]
pub struct ItemSales {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub items: Vec<ItemTotal>,
}

/// The average day per weekday over the period read.
#[derive(Serialize, ToSchema)]
pub struct WeekdaySales {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub items: Vec<WeekdayProfile>,
}

/// Daily totals (units and revenue) over a date range.
#[utoipa::path(get, path = "/{restaurant_id}/sales/daily", tag = "sales",
    params(("restaurant_id" = uuid::Uuid, Path), Range),
    responses((status = 200, body = DailySales), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn daily(mut t: Tenant, Query(r): Query<Range>) -> ApiResult<Json<DailySales>> {
    let (from, to) = r.resolve()?;
    let items = flux_app::sales::daily(&mut t.tx, t.restaurant_id, from, to).await?;
    t.commit().await?;
    Ok(Json(DailySales { from, to, items }))
}

/// Per-dish totals over a date range, best sellers first.
#[utoipa::path(get, path = "/{restaurant_id}/sales/items", tag = "sales",
    params(("restaurant_id" = uuid::Uuid, Path), Range),
    responses((status = 200, body = ItemSales), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn items(mut t: Tenant, Query(r): Query<Range>) -> ApiResult<Json<ItemSales>> {
    let (from, to) = r.resolve()?;
    let limit = r.limit.unwrap_or(20);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::new(
            Code::InvalidQuery,
            "limit must be between 1 and 500",
        ));
    }
    let items = flux_app::sales::items(&mut t.tx, t.restaurant_id, from, to, limit).await?;
    t.commit().await?;
    Ok(Json(ItemSales { from, to, items }))
}

/// Average day per weekday (0 = Monday), over days with sales.
#[utoipa::path(get, path = "/{restaurant_id}/sales/weekday", tag = "sales",
    params(("restaurant_id" = uuid::Uuid, Path), Range),
    responses((status = 200, body = WeekdaySales), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn weekday(mut t: Tenant, Query(r): Query<Range>) -> ApiResult<Json<WeekdaySales>> {
    let (from, to) = r.resolve()?;
    let items = flux_app::sales::weekdays(&mut t.tx, t.restaurant_id, from, to).await?;
    t.commit().await?;
    Ok(Json(WeekdaySales { from, to, items }))
}

/// Data health: history span, gaps, days with no sales, dishes with too
/// little history to forecast, last upload.
#[utoipa::path(get, path = "/{restaurant_id}/data/health", tag = "sales",
    params(("restaurant_id" = uuid::Uuid, Path)),
    responses((status = 200, body = HealthReport), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn health(mut t: Tenant) -> ApiResult<Json<HealthReport>> {
    let report = flux_app::uploads::health::report(&mut t.tx, t.restaurant_id).await?;
    t.commit().await?;
    Ok(Json(report))
}
