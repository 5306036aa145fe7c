//! `/api/v1/restaurants/{id}/forecast/*`: demand forecasts (seed shapes),
//! runs, explanations, feedback and accuracy.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use flux_demand::{DemandError, RunOptions, Trigger};
use flux_domain::role::Action;
use flux_domain::Invalid;
use flux_forecast::ModelKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult, Code, Problem};
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
    #[schema(value_type = Object)]
    pub explanation: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
pub struct ForecastResponse {
    pub forecast_run_id: Uuid,
    pub forecasts: Vec<ForecastDay>,
}

fn demand_error(e: DemandError) -> ApiError {
    match e {
        DemandError::NoHistory => ApiError::new(
            Code::NoValidRows,
            "no sales history yet: import sales before forecasting",
        ),
        DemandError::NoRestaurant => ApiError::not_found(),
        DemandError::Engine(e) => ApiError::new(Code::ValidationFailed, e.to_string()),
        other => ApiError::Internal(anyhow::anyhow!(other)),
    }
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
            flux_store::menu::get(&mut t.tx, t.restaurant_id, *id)
                .await?
                .ok_or_else(|| ApiError::new(Code::NotFound, "no such menu item"))?
                .menu_item_id,
        ),
        (None, Some(name)) => {
            let key = flux_domain::menu::name_key(name);
            let found = flux_store::menu::keys(&mut t.tx, t.restaurant_id)
                .await?
                .into_iter()
                .find(|(k, _)| *k == key);
            Some(
                found
                    .ok_or_else(|| ApiError::new(Code::NotFound, "no menu item with this name"))?
                    .1,
            )
        }
        (None, None) => None,
    };
    let (rid, user) = (t.restaurant_id, t.user_id);
    t.commit().await?;
    let outcome = flux_demand::run(
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
    .await
    .map_err(demand_error)?;
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
                explanation: serde_json::to_value(d.explanation).unwrap_or_default(),
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
    #[schema(value_type = Vec<Object>)]
    pub forecasts: Vec<flux_store::forecasts::StoredForecast>,
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
    let mut rows = flux_store::forecasts::latest(
        &mut t.tx,
        t.restaurant_id,
        f.menu_item_id,
        f.from,
        f.to,
        after,
        limit + 1,
    )
    .await?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        match rows.last() {
            Some(last) => {
                flux_store::forecasts::name_key_of(&mut t.tx, t.restaurant_id, last.menu_item_id)
                    .await?
                    .map(|k| encode(&(k, last.date)))
            }
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

/// Forecast runs, newest first: model, parameters, timings, status.
#[utoipa::path(get, path = "/{restaurant_id}/forecast/runs", tag = "forecast",
    params(("restaurant_id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn runs(mut t: Tenant) -> ApiResult<Json<serde_json::Value>> {
    let runs = flux_store::forecasts::list_runs(&mut t.tx, t.restaurant_id, 100).await?;
    t.commit().await?;
    Ok(Json(serde_json::json!({ "items": runs })))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExplainQuery {
    pub menu_item_id: Uuid,
    pub date: NaiveDate,
}

/// Why the newest forecast for a dish and day is what it is.
#[utoipa::path(get, path = "/{restaurant_id}/forecast/explanation", tag = "forecast",
    params(("restaurant_id" = Uuid, Path), ExplainQuery),
    responses((status = 200, body = Object), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn explanation(
    mut t: Tenant,
    Query(q): Query<ExplainQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    let rows = flux_store::forecasts::latest(
        &mut t.tx,
        t.restaurant_id,
        Some(q.menu_item_id),
        Some(q.date),
        Some(q.date),
        None,
        1,
    )
    .await?;
    t.commit().await?;
    let f = rows
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::new(Code::NotFound, "no forecast for this dish and day"))?;
    Ok(Json(serde_json::json!({
        "menu_item_id": f.menu_item_id, "menu_item_name": f.menu_item_name, "date": f.date,
        "p10": f.p10, "p50": f.p50, "p90": f.p90, "model_name": f.model_name,
        "logic_trigger": f.logic_trigger, "explanation": f.explanation,
    })))
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
    responses((status = 201, body = Object), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn feedback(
    mut t: Tenant,
    Json(b): Json<FeedbackInput>,
) -> ApiResult<(StatusCode, Json<flux_store::forecasts::Feedback>)> {
    t.require(Action::WriteData)?;
    if !["too_high", "too_low", "about_right"].contains(&b.verdict.as_str()) {
        return Err(Invalid::one(
            "verdict",
            "invalid_verdict",
            "must be too_high, too_low or about_right",
        )
        .into());
    }
    let note = match b.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => Some(flux_domain::validation::clean_text("note", n, 2000)?),
        None => None,
    };
    flux_store::menu::get(&mut t.tx, t.restaurant_id, b.menu_item_id)
        .await?
        .ok_or_else(|| ApiError::new(Code::NotFound, "no such menu item"))?;
    let run = flux_store::forecasts::latest(
        &mut t.tx,
        t.restaurant_id,
        Some(b.menu_item_id),
        Some(b.date),
        Some(b.date),
        None,
        1,
    )
    .await?
    .into_iter()
    .next()
    .map(|f| f.forecast_run_id);
    let fb = flux_store::forecasts::insert_feedback(
        &mut t.tx,
        t.restaurant_id,
        b.menu_item_id,
        b.date,
        run,
        &b.verdict,
        note.as_deref(),
        t.user_id,
    )
    .await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(fb)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedbackQuery {
    pub menu_item_id: Option<Uuid>,
}

/// Feedback given on forecasts, newest first.
#[utoipa::path(get, path = "/{restaurant_id}/forecast/feedback", tag = "forecast",
    params(("restaurant_id" = Uuid, Path), FeedbackQuery),
    responses((status = 200, body = Object), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn feedback_list(
    mut t: Tenant,
    Query(q): Query<FeedbackQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    let items =
        flux_store::forecasts::list_feedback(&mut t.tx, t.restaurant_id, q.menu_item_id, 200)
            .await?;
    t.commit().await?;
    Ok(Json(serde_json::json!({ "items": items })))
}

/// Accuracy of stored forecasts against the sales that followed: MASE,
/// scaled pinball, [p10, p90] coverage and bias, per dish and overall.
#[utoipa::path(get, path = "/{restaurant_id}/forecast/accuracy", tag = "forecast",
    params(("restaurant_id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn accuracy(mut t: Tenant) -> ApiResult<Json<serde_json::Value>> {
    let r = flux_store::restaurants::get(&mut t.tx, t.restaurant_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let tz: chrono_tz::Tz = r.timezone.parse().unwrap_or(chrono_tz::UTC);
    let today = chrono::Utc::now().with_timezone(&tz).date_naive();
    let report = flux_demand::accuracy::report(&mut t.tx, t.restaurant_id, today).await?;
    t.commit().await?;
    Ok(Json(
        serde_json::to_value(report).map_err(|e| ApiError::Internal(e.into()))?,
    ))
}
