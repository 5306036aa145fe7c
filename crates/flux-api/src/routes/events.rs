//! `/api/v1/restaurants/{id}/events`: the restaurant's calendar of events
//! that move demand, read by every forecast as labelled special days.

use axum::extract::RawPathParams;
use axum::http::StatusCode;
use chrono::NaiveDate;
use flux_app::events::{self, Event, EventInput};
use flux_domain::role::Action;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiResult, Problem};
use crate::extract::{path_uuid, Json, Query, Tenant};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBody {
    /// 1–100 characters; events with the same name are the same event
    /// recurring (its effect is learnt from the earlier ones).
    #[schema(example = "Kieler Woche")]
    pub name: String,
    pub starts_on: NaiveDate,
    /// Last day, inclusive; at most 31 days in all.
    pub ends_on: NaiveDate,
}

/// Add an event (a festival, a home match, the street market). Every day
/// of it is a special day for the forecast; logged in the audit log. A
/// restaurant keeps at most 2000 events (409 beyond).
#[utoipa::path(post, path = "/{restaurant_id}/events", tag = "forecast",
    params(("restaurant_id" = Uuid, Path)), request_body = EventBody,
    responses((status = 201, body = Event), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    mut t: Tenant,
    Json(b): Json<EventBody>,
) -> ApiResult<(StatusCode, Json<Event>)> {
    t.require(Action::WriteData)?;
    let input = EventInput {
        name: b.name,
        starts_on: Some(b.starts_on),
        ends_on: Some(b.ends_on),
    };
    let e = events::create(&mut t.tx, t.restaurant_id, t.user_id, &input).await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(e)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// Default: a year ago.
    pub from: Option<NaiveDate>,
    /// Default: a year ahead.
    pub to: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct EventList {
    pub items: Vec<Event>,
}

/// Events overlapping `from`–`to`, soonest first (at most 1000).
#[utoipa::path(get, path = "/{restaurant_id}/events", tag = "forecast",
    params(("restaurant_id" = Uuid, Path), EventQuery),
    responses((status = 200, body = EventList), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(mut t: Tenant, Query(q): Query<EventQuery>) -> ApiResult<Json<EventList>> {
    let items = events::list(&mut t.tx, t.restaurant_id, q.from, q.to).await?;
    t.commit().await?;
    Ok(Json(EventList { items }))
}

/// Remove an event.
#[utoipa::path(delete, path = "/{restaurant_id}/events/{event_id}", tag = "forecast",
    params(("restaurant_id" = Uuid, Path), ("event_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete(mut t: Tenant, params: RawPathParams) -> ApiResult<StatusCode> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "event_id")?;
    events::delete(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
