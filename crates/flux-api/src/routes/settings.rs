//! `/api/v1/restaurants/{id}/settings`: typed settings (see flux-domain).

use flux_app::settings::Settings;
use flux_domain::role::Action;
use serde_json::{Map, Value};

use crate::error::{ApiResult, Problem};
use crate::extract::{Json, Tenant};

/// Settings schema for the OpenAPI document (the domain type stays free of
/// HTTP concerns).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct SettingsDoc {
    waste_factor_enabled: bool,
    /// 0–1
    forecast_confidence_threshold: f64,
    /// 0–12; sales before this local hour count for the previous day.
    day_cutoff_hour: u8,
    /// 0.5–0.999
    service_level: f64,
    /// 1–90
    forecast_horizon_days: u16,
    /// ES, GB, US, FR, DE or null
    holiday_country: Option<String>,
    /// 30–3650: days the audit log keeps its entries.
    audit_retention_days: u16,
    /// −90–90 or null: where the restaurant is, for its weather.
    latitude: Option<f64>,
    /// −180–180 or null.
    longitude: Option<f64>,
}

/// All settings, with defaults for those never set.
#[utoipa::path(get, path = "/{restaurant_id}/settings", tag = "settings",
    params(("restaurant_id" = uuid::Uuid, Path)),
    responses((status = 200, body = SettingsDoc), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get(mut t: Tenant) -> ApiResult<Json<Settings>> {
    let s = flux_app::settings::get(&mut t.tx, t.restaurant_id).await?;
    t.commit().await?;
    Ok(Json(s))
}

/// Update some settings (owners only). All or nothing: one bad key or value
/// rejects the whole request with every problem listed.
#[utoipa::path(put, path = "/{restaurant_id}/settings", tag = "settings",
    params(("restaurant_id" = uuid::Uuid, Path)), request_body = SettingsDoc,
    responses((status = 200, body = SettingsDoc), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn put(
    mut t: Tenant,
    Json(patch): Json<Map<String, Value>>,
) -> ApiResult<Json<Settings>> {
    t.require(Action::Administer)?;
    let next = flux_app::settings::update(&mut t.tx, t.restaurant_id, &patch).await?;
    t.commit().await?;
    Ok(Json(next))
}
