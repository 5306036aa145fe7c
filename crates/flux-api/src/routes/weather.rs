//! `/api/v1/restaurants/{id}/weather`: the daily weather where the
//! restaurant is, an input of its forecast: fetched from the weather
//! provider (with the restaurant's latitude and longitude in its
//! settings) or imported from a CSV file.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use flux_app::weather::{self, Report, StoredDay};
use flux_domain::role::Action;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiResult, Code, Problem};
use crate::extract::{Body, Json, Query, Tenant};
use crate::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WeatherQuery {
    /// Default: four weeks ago.
    pub from: Option<NaiveDate>,
    /// Default: sixteen days ahead. At most 800 days after `from`.
    pub to: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct WeatherList {
    pub items: Vec<StoredDay>,
}

/// Stored days from `from` to `to`, in date order.
#[utoipa::path(get, path = "/{restaurant_id}/weather", tag = "forecast",
    params(("restaurant_id" = Uuid, Path), WeatherQuery),
    responses((status = 200, body = WeatherList), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(mut t: Tenant, Query(q): Query<WeatherQuery>) -> ApiResult<Json<WeatherList>> {
    let items = weather::list(&mut t.tx, t.restaurant_id, q.from, q.to).await?;
    t.commit().await?;
    Ok(Json(WeatherList { items }))
}

/// Import daily weather from a CSV file sent as the body (`text/csv`,
/// at most 1 MiB): columns found by name (`date`, a temperature such as
/// `temperature_c`, `tavg` or max and min, a precipitation such as
/// `precipitation_mm` or `prcp`), so Open-Meteo's, Meteostat's and NOAA's
/// exports read as they are. Imported days replace any stored for those
/// dates and are never overwritten by the provider. All or nothing: each
/// rejected line is listed with its number.
#[utoipa::path(post, path = "/{restaurant_id}/weather/import", tag = "forecast",
    params(("restaurant_id" = Uuid, Path)),
    request_body(content = String, content_type = "text/csv",
        example = "date,temperature_c,precipitation_mm\n2026-06-01,18.5,0\n2026-06-02,14.0,6.2\n"),
    responses((status = 201, body = Report), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn import(mut t: Tenant, Body(body): Body) -> ApiResult<(StatusCode, Json<Report>)> {
    t.require(Action::WriteData)?;
    let report = weather::import(&mut t.tx, t.restaurant_id, &body).await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(report)))
}

/// Fetch the weather from the provider now: the last two weeks observed
/// and the next sixteen days forecast, and the last two years when the
/// restaurant has little history. The nightly run does the same before
/// every forecast. 409 when this server has no weather provider, 422
/// without a location in the settings, 502 when the provider fails
/// (nothing is stored then).
#[utoipa::path(post, path = "/{restaurant_id}/weather/refresh", tag = "forecast",
    params(("restaurant_id" = Uuid, Path)),
    responses((status = 200, body = Report), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem), (status = 502, body = Problem)),
    security(("bearer" = [])))]
pub async fn refresh(State(s): State<AppState>, t: Tenant) -> ApiResult<Json<Report>> {
    t.require(Action::WriteData)?;
    let (rid, user) = (t.restaurant_id, t.user_id);
    t.commit().await?;
    let Some(provider) = &s.weather else {
        return Err(ApiError::new(
            Code::Conflict,
            "this server has no weather provider configured (--weather-url); import a file instead",
        ));
    };
    Ok(Json(weather::refresh(&s.pool, rid, user, provider).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClearQuery {
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
}

#[derive(Serialize, ToSchema)]
pub struct Cleared {
    pub deleted: u64,
}

/// Remove the stored weather from `from` to `to` (imported and fetched).
#[utoipa::path(delete, path = "/{restaurant_id}/weather", tag = "forecast",
    params(("restaurant_id" = Uuid, Path), ClearQuery),
    responses((status = 200, body = Cleared), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn clear(mut t: Tenant, Query(q): Query<ClearQuery>) -> ApiResult<Json<Cleared>> {
    t.require(Action::WriteData)?;
    let deleted = weather::clear(&mut t.tx, t.restaurant_id, q.from, q.to).await?;
    t.commit().await?;
    Ok(Json(Cleared { deleted }))
}
