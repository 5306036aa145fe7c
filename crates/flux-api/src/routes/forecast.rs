//! `/api/v1/restaurants/{id}/forecast/*`: demand forecasts (seed shapes),
//! runs, explanations, feedback and accuracy.

use axum::extract::{RawPathParams, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use flux_app::forecasts::accuracy::AccuracyReport;
use flux_app::forecasts::stored::{self, Run, StoredForecast};
use flux_app::forecasts::{feedback, overrides, stockouts, transparency, RunOptions, Trigger};
use flux_domain::role::Action;
use flux_domain::Invalid;
use flux_forecast::{Explanation, ModelKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{path_uuid, Json, Query, Tenant};
use crate::pagination::{encode, PageParams};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForecastRequest {
    /// One dish by name (seed shape); omit both to forecast every dish.
    pub menu_item_name: Option<String>,
    /// One dish by id.
    pub menu_item_id: Option<Uuid>,
    /// 1–90; default: the restaurant's `forecast_horizon_days` setting.
    pub days_ahead: Option<u32>,
    /// seasonal-naive, seed or production (default).
    pub model: Option<String>,
}

/// One dish-day, in the seed's shape plus ids and the structured explanation.
#[derive(Serialize, ToSchema)]
pub struct ForecastDay {
    pub menu_item_id: Uuid,
    pub menu_item_name: String,
    pub date: NaiveDate,
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub confidence_score: f32,
    pub model_name: String,
    /// Short human explanation, e.g. "Friday 1.4x, recent level 18/day".
    pub logic_trigger: String,
    pub explanation: Explanation,
    /// The model's median; differs from `p50` when a person overrode it.
    pub model_p50: f64,
    /// A person's override of this day's median: the quantiles above
    /// follow it.
    pub override_quantity: Option<f64>,
    pub override_reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ForecastResponse {
    pub forecast_run_id: Uuid,
    pub forecasts: Vec<ForecastDay>,
}

/// Generate forecasts now (stored as a run) and return them.
#[utoipa::path(post, path = "/{restaurant_id}/forecast/demand", tag = "forecast",
    params(("restaurant_id" = Uuid, Path)), request_body = ForecastRequest,
    responses((status = 200, body = ForecastResponse), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    mut t: Tenant,
    Json(b): Json<ForecastRequest>,
) -> ApiResult<Json<ForecastResponse>> {
    t.require(Action::WriteData)?;
    if let Some(d) = b.days_ahead {
        if !(1..=90).contains(&d) {
            return Err(
                Invalid::one("days_ahead", "out_of_range", "must be between 1 and 90").into(),
            );
        }
    }
    let model = match b.model.as_deref() {
        None => ModelKind::Production,
        Some(m) => m.parse::<ModelKind>().map_err(|_| {
            ApiError::from(Invalid::one(
                "model",
                "unknown_model",
                "must be seasonal-naive, seed or production",
            ))
        })?,
    };
    // Resolve the dish first, so an unknown one is a 404 before any work.
    let item = match (&b.menu_item_id, &b.menu_item_name) {
        (Some(id), _) => Some(
            stored::dish(&mut t.tx, t.restaurant_id, *id)
                .await?
                .menu_item_id,
        ),
        (None, Some(name)) => Some(stored::dish_by_name(&mut t.tx, t.restaurant_id, name).await?),
        (None, None) => None,
    };
    let (rid, user) = (t.restaurant_id, t.user_id);
    t.commit().await?;
    let outcome = flux_app::forecasts::run(
        &s.pool,
        rid,
        &RunOptions {
            model,
            horizon: b.days_ahead,
            as_of: None,
            trigger: Trigger::Api,
            user_id: Some(user),
        },
    )
    .await?;
    let model_name = outcome.run.model.as_str();
    let forecasts = outcome
        .forecasts
        .iter()
        .filter(|(id, _, _)| item.is_none_or(|i| i == *id))
        .flat_map(|(id, name, f)| {
            let outcome = &outcome;
            f.days.iter().map(move |d| {
                let (q, o) = outcome.effective(*id, d);
                ForecastDay {
                    menu_item_id: *id,
                    menu_item_name: name.clone(),
                    date: d.date,
                    mean: q.mean,
                    p10: q.p10,
                    p50: q.p50,
                    p90: q.p90,
                    p99: q.p99,
                    confidence_score: d.confidence,
                    model_name: model_name.to_string(),
                    logic_trigger: d.explanation.to_string(),
                    explanation: d.explanation,
                    model_p50: d.p50,
                    override_quantity: o.map(|o| o.quantity),
                    override_reason: o.map(|o| o.reason.clone()),
                }
            })
        })
        .collect();
    Ok(Json(ForecastResponse {
        forecast_run_id: outcome.run.forecast_run_id,
        forecasts,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForecastFilter {
    pub menu_item_id: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct StoredPage {
    pub forecasts: Vec<StoredForecast>,
    pub next_cursor: Option<String>,
}

/// The newest run's forecasts, by dish then day, paginated.
#[utoipa::path(get, path = "/{restaurant_id}/forecast/demand", tag = "forecast",
    params(("restaurant_id" = Uuid, Path), ForecastFilter),
    responses((status = 200, body = StoredPage), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(mut t: Tenant, Query(f): Query<ForecastFilter>) -> ApiResult<Json<StoredPage>> {
    let page = PageParams {
        limit: f.limit,
        cursor: f.cursor,
    };
    let limit = page.limit()?;
    let after = page.decode::<(String, NaiveDate)>()?;
    let filter = stored::Filter {
        item: f.menu_item_id,
        from: f.from,
        to: f.to,
        after,
    };
    let mut rows = stored::latest(&mut t.tx, t.restaurant_id, &filter, limit + 1).await?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        match rows.last() {
            Some(last) => stored::position_after(&mut t.tx, t.restaurant_id, last)
                .await?
                .map(|p| encode(&p)),
            None => None,
        }
    } else {
        None
    };
    t.commit().await?;
    Ok(Json(StoredPage {
        forecasts: rows,
        next_cursor,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TotalsFilter {
    /// First day (inclusive).
    pub from: Option<NaiveDate>,
    /// Last day (inclusive).
    pub to: Option<NaiveDate>,
}

/// One day of the restaurant's or a category's total.
#[derive(Serialize, ToSchema)]
pub struct TotalDay {
    pub date: NaiveDate,
    /// The sum of the dishes' means (reconciled).
    pub mean: f64,
    /// Quantiles of the total's own distribution: they do not add up
    /// over dishes.
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
}

/// A category's total over the days asked for.
#[derive(Serialize, ToSchema)]
pub struct CategoryTotal {
    pub category: String,
    pub days: Vec<TotalDay>,
}

#[derive(Serialize, ToSchema)]
pub struct TotalsResponse {
    /// The run the totals belong to; absent before the first run.
    pub forecast_run_id: Option<Uuid>,
    /// The whole restaurant, by day.
    pub restaurant: Vec<TotalDay>,
    /// Categories with at least two dishes, by name.
    pub categories: Vec<CategoryTotal>,
}

/// The newest run's restaurant and category totals. Each level is
/// forecast on its own and the means reconciled, so dish means add up to
/// category means and those to the restaurant's; an override of a dish
/// does not change them.
#[utoipa::path(get, path = "/{restaurant_id}/forecast/totals", tag = "forecast",
    params(("restaurant_id" = Uuid, Path), TotalsFilter),
    responses((status = 200, body = TotalsResponse), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn totals(
    mut t: Tenant,
    Query(f): Query<TotalsFilter>,
) -> ApiResult<Json<TotalsResponse>> {
    let rows = stored::totals(&mut t.tx, t.restaurant_id, f.from, f.to).await?;
    t.commit().await?;
    let mut out = TotalsResponse {
        forecast_run_id: rows.first().map(|r| r.forecast_run_id),
        restaurant: Vec::new(),
        categories: Vec::new(),
    };
    for r in rows {
        let day = TotalDay {
            date: r.date,
            mean: r.mean,
            p10: r.p10,
            p50: r.p50,
            p90: r.p90,
            p99: r.p99,
        };
        match r.level {
            stored::TotalLevel::Restaurant => out.restaurant.push(day),
            stored::TotalLevel::Category => match out.categories.last_mut() {
                Some(c) if c.category == r.name => c.days.push(day),
                _ => out.categories.push(CategoryTotal {
                    category: r.name,
                    days: vec![day],
                }),
            },
        }
    }
    Ok(Json(out))
}

#[derive(Serialize, ToSchema)]
pub struct RunList {
    pub items: Vec<Run>,
}

/// Forecast runs, newest first: model, parameters, timings, status.
#[utoipa::path(get, path = "/{restaurant_id}/forecast/runs", tag = "forecast",
    params(("restaurant_id" = Uuid, Path)),
    responses((status = 200, body = RunList), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn runs(mut t: Tenant) -> ApiResult<Json<RunList>> {
    let items = stored::runs(&mut t.tx, t.restaurant_id, 100).await?;
    t.commit().await?;
    Ok(Json(RunList { items }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExplainQuery {
    pub menu_item_id: Uuid,
    pub date: NaiveDate,
}

/// One stored forecast day, reduced to what explains it.
#[derive(Serialize, ToSchema)]
pub struct ForecastExplanation {
    pub menu_item_id: Uuid,
    pub menu_item_name: String,
    pub date: NaiveDate,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub model_name: String,
    pub logic_trigger: String,
    /// The engine's explanation, as stored with the run.
    #[schema(value_type = Explanation)]
    pub explanation: serde_json::Value,
}

/// Why the newest forecast for a dish and day is what it is.
#[utoipa::path(get, path = "/{restaurant_id}/forecast/explanation", tag = "forecast",
    params(("restaurant_id" = Uuid, Path), ExplainQuery),
    responses((status = 200, body = ForecastExplanation), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn explanation(
    mut t: Tenant,
    Query(q): Query<ExplainQuery>,
) -> ApiResult<Json<ForecastExplanation>> {
    let f = stored::explanation(&mut t.tx, t.restaurant_id, q.menu_item_id, q.date).await?;
    t.commit().await?;
    Ok(Json(ForecastExplanation {
        menu_item_id: f.menu_item_id,
        menu_item_name: f.menu_item_name,
        date: f.date,
        p10: f.p10,
        p50: f.p50,
        p90: f.p90,
        model_name: f.model_name,
        logic_trigger: f.logic_trigger,
        explanation: f.explanation,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackInput {
    pub menu_item_id: Uuid,
    pub date: NaiveDate,
    /// too_high, too_low or about_right.
    pub verdict: String,
    pub note: Option<String>,
}

/// Mark a forecast too high or too low (seed workflow 5).
#[utoipa::path(post, path = "/{restaurant_id}/forecast/feedback", tag = "forecast",
    params(("restaurant_id" = Uuid, Path)), request_body = FeedbackInput,
    responses((status = 201, body = feedback::Feedback), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn feedback(
    mut t: Tenant,
    Json(b): Json<FeedbackInput>,
) -> ApiResult<(StatusCode, Json<feedback::Feedback>)> {
    t.require(Action::WriteData)?;
    let input = feedback::FeedbackInput {
        menu_item_id: b.menu_item_id,
        date: Some(b.date),
        verdict: b.verdict,
        note: b.note,
    };
    let fb = feedback::give(&mut t.tx, t.restaurant_id, t.user_id, &input).await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(fb)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedbackQuery {
    pub menu_item_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct FeedbackList {
    pub items: Vec<feedback::Feedback>,
}

/// Feedback given on forecasts, newest first.
#[utoipa::path(get, path = "/{restaurant_id}/forecast/feedback", tag = "forecast",
    params(("restaurant_id" = Uuid, Path), FeedbackQuery),
    responses((status = 200, body = FeedbackList), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn feedback_list(
    mut t: Tenant,
    Query(q): Query<FeedbackQuery>,
) -> ApiResult<Json<FeedbackList>> {
    let items = feedback::list(&mut t.tx, t.restaurant_id, q.menu_item_id, 200).await?;
    t.commit().await?;
    Ok(Json(FeedbackList { items }))
}

/// Accuracy of stored forecasts against the sales that followed: MASE,
/// scaled pinball, [p10, p90] coverage and bias, per dish and overall.
#[utoipa::path(get, path = "/{restaurant_id}/forecast/accuracy", tag = "forecast",
    params(("restaurant_id" = Uuid, Path)),
    responses((status = 200, body = AccuracyReport), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn accuracy(mut t: Tenant) -> ApiResult<Json<AccuracyReport>> {
    let report = stored::accuracy_report(&mut t.tx, t.restaurant_id).await?;
    t.commit().await?;
    Ok(Json(report))
}

/// The model card: what the forecasting model does, what of this
/// restaurant's data it used, how accurate it has been here (a backtest on
/// the restaurant's own history beside the seasonal-naive baseline, and
/// stored forecasts against the sales that followed), how overrides did,
/// and its limits.
#[utoipa::path(get, path = "/{restaurant_id}/forecast/model", tag = "forecast",
    params(("restaurant_id" = Uuid, Path)),
    responses((status = 200, body = transparency::ModelCard), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn model_card(
    State(s): State<AppState>,
    t: Tenant,
) -> ApiResult<Json<transparency::ModelCard>> {
    let (rid, user) = (t.restaurant_id, t.user_id);
    t.commit().await?;
    Ok(Json(transparency::card(&s.pool, rid, user).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideBody {
    pub menu_item_id: Uuid,
    /// Today (in the restaurant's timezone) or later, at most 366 days ahead.
    pub date: NaiveDate,
    /// The expected quantity: it becomes the day's median (0–100000).
    pub quantity: f64,
    /// Why (1–500 characters), e.g. "party of 40 booked".
    pub reason: String,
}

/// Override a dish's forecast for a day (replacing an earlier override of
/// that day). Used by the prep list, purchasing, costing and every read
/// of stored forecasts; logged in the audit log.
#[utoipa::path(post, path = "/{restaurant_id}/forecast/overrides", tag = "forecast",
    params(("restaurant_id" = Uuid, Path)), request_body = OverrideBody,
    responses((status = 201, body = overrides::Override), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn override_set(
    mut t: Tenant,
    Json(b): Json<OverrideBody>,
) -> ApiResult<(StatusCode, Json<overrides::Override>)> {
    t.require(Action::WriteData)?;
    let input = overrides::OverrideInput {
        menu_item_id: b.menu_item_id,
        date: Some(b.date),
        quantity: Some(b.quantity),
        reason: b.reason,
    };
    let o = overrides::set(&mut t.tx, t.restaurant_id, t.user_id, &input).await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(o)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverrideQuery {
    pub menu_item_id: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct OverrideList {
    pub items: Vec<overrides::Override>,
}

/// Overrides by day then dish (at most 1000).
#[utoipa::path(get, path = "/{restaurant_id}/forecast/overrides", tag = "forecast",
    params(("restaurant_id" = Uuid, Path), OverrideQuery),
    responses((status = 200, body = OverrideList), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn override_list(
    mut t: Tenant,
    Query(q): Query<OverrideQuery>,
) -> ApiResult<Json<OverrideList>> {
    let filter = overrides::Filter {
        item: q.menu_item_id,
        from: q.from,
        to: q.to,
    };
    let items = overrides::list(&mut t.tx, t.restaurant_id, &filter).await?;
    t.commit().await?;
    Ok(Json(OverrideList { items }))
}

/// Remove a dish-day's override: the model's forecast applies again.
#[utoipa::path(delete, path = "/{restaurant_id}/forecast/overrides/{menu_item_id}/{date}", tag = "forecast",
    params(("restaurant_id" = Uuid, Path), ("menu_item_id" = Uuid, Path), ("date" = NaiveDate, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn override_remove(mut t: Tenant, params: RawPathParams) -> ApiResult<StatusCode> {
    t.require(Action::WriteData)?;
    let (item, date) = item_and_date(&params)?;
    overrides::remove(&mut t.tx, t.restaurant_id, item, date).await?;
    t.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockoutBody {
    pub menu_item_id: Uuid,
    /// The day the dish ran out: today (in the restaurant's timezone) or
    /// earlier, at most 730 days ago.
    pub date: NaiveDate,
    /// Optional, up to 500 characters, e.g. "gone by 9 pm".
    #[serde(default)]
    pub note: String,
}

/// Mark a day on which a dish sold out. Its sales that day become a lower
/// bound on demand for every later forecast (censored demand), instead of
/// a low day; logged in the audit log.
#[utoipa::path(post, path = "/{restaurant_id}/forecast/stockouts", tag = "forecast",
    params(("restaurant_id" = Uuid, Path)), request_body = StockoutBody,
    responses((status = 201, body = stockouts::Stockout), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn stockout_mark(
    mut t: Tenant,
    Json(b): Json<StockoutBody>,
) -> ApiResult<(StatusCode, Json<stockouts::Stockout>)> {
    t.require(Action::WriteData)?;
    let input = stockouts::StockoutInput {
        menu_item_id: b.menu_item_id,
        date: Some(b.date),
        note: b.note,
    };
    let m = stockouts::mark(&mut t.tx, t.restaurant_id, t.user_id, &input).await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(m)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StockoutQuery {
    pub menu_item_id: Option<Uuid>,
    /// First day (default: 8 weeks before `to`).
    pub from: Option<NaiveDate>,
    /// Last day (default: today).
    pub to: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct StockoutList {
    pub items: Vec<stockouts::StockoutDay>,
}

/// Sold-out days, marked by people or inferred from the times of sales
/// (a dish whose sales stopped hours before the restaurant's), newest
/// first (at most 1000).
#[utoipa::path(get, path = "/{restaurant_id}/forecast/stockouts", tag = "forecast",
    params(("restaurant_id" = Uuid, Path), StockoutQuery),
    responses((status = 200, body = StockoutList), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn stockout_list(
    mut t: Tenant,
    Query(q): Query<StockoutQuery>,
) -> ApiResult<Json<StockoutList>> {
    let items = stockouts::list(&mut t.tx, t.restaurant_id, q.menu_item_id, q.from, q.to).await?;
    t.commit().await?;
    Ok(Json(StockoutList { items }))
}

/// Unmark a sold-out day (an inferred one cannot be unmarked).
#[utoipa::path(delete, path = "/{restaurant_id}/forecast/stockouts/{menu_item_id}/{date}", tag = "forecast",
    params(("restaurant_id" = Uuid, Path), ("menu_item_id" = Uuid, Path), ("date" = NaiveDate, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn stockout_unmark(mut t: Tenant, params: RawPathParams) -> ApiResult<StatusCode> {
    t.require(Action::WriteData)?;
    let (item, date) = item_and_date(&params)?;
    stockouts::unmark(&mut t.tx, t.restaurant_id, item, date).await?;
    t.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The `{menu_item_id}/{date}` of a dish-day path; a malformed one names
/// no dish-day, so it is not found.
fn item_and_date(params: &RawPathParams) -> ApiResult<(Uuid, NaiveDate)> {
    let item = path_uuid(params, "menu_item_id")?;
    let date = params
        .iter()
        .find(|(k, _)| *k == "date")
        .and_then(|(_, v)| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
        .ok_or_else(ApiError::not_found)?;
    Ok((item, date))
}
