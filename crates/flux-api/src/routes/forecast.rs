//! `/api/v1/restaurants/{id}/forecast/*`: demand forecasts (seed shapes),
//! runs, explanations, feedback and accuracy.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use flux_app::forecasts::accuracy::AccuracyReport;
use flux_app::forecasts::stored::{self, Run, StoredForecast};
use flux_app::forecasts::{feedback, RunOptions, Trigger};
use flux_domain::role::Action;
use flux_domain::Invalid;
use flux_forecast::{Explanation, ModelKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Json, Query, Tenant};
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
    let model_name = outcome.run.model.clone();
    let forecasts = outcome
        .forecasts
        .into_iter()
        .filter(|(id, _, _)| item.is_none_or(|i| i == *id))
        .flat_map(|(id, name, f)| {
            let model_name = model_name.clone();
            f.days.into_iter().map(move |d| ForecastDay {
                menu_item_id: id,
                menu_item_name: name.clone(),
                date: d.date,
                mean: d.mean,
                p10: d.p10,
                p50: d.p50,
                p90: d.p90,
                p99: d.p99,
                confidence_score: d.confidence,
                model_name: model_name.clone(),
                logic_trigger: d.explanation.to_string(),
                explanation: d.explanation,
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
