//! `/api/v1/restaurants/{id}/operating-hours`: the weekly schedule.

use flux_app::hours::{DayInput, WeeklyHours};
use flux_domain::role::Action;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiResult, Problem};
use crate::extract::{Json, Tenant};

#[derive(Serialize, Deserialize, ToSchema)]
pub struct Range {
    /// HH:MM
    #[schema(example = "12:00")]
    pub open: String,
    /// HH:MM; at or before `open` means past midnight.
    #[schema(example = "16:00")]
    pub close: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Day {
    /// 0 = Monday … 6 = Sunday.
    pub day_of_week: i64,
    #[serde(default)]
    pub closed: bool,
    #[serde(default)]
    pub ranges: Vec<Range>,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// On input, weekdays not listed are closed. On output all seven are listed.
    pub days: Vec<Day>,
}

fn to_schedule(w: &WeeklyHours) -> Schedule {
    Schedule {
        days: w
            .days
            .iter()
            .enumerate()
            .map(|(i, ranges)| Day {
                day_of_week: i as i64,
                closed: ranges.is_empty(),
                ranges: ranges
                    .iter()
                    .map(|r| Range {
                        open: r.open.format("%H:%M").to_string(),
                        close: r.close.format("%H:%M").to_string(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The weekly schedule.
#[utoipa::path(get, path = "/{restaurant_id}/operating-hours", tag = "operating-hours",
    params(("restaurant_id" = uuid::Uuid, Path)),
    responses((status = 200, body = Schedule), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get(mut t: Tenant) -> ApiResult<Json<Schedule>> {
    let w = flux_app::hours::get(&mut t.tx, t.restaurant_id).await?;
    t.commit().await?;
    Ok(Json(to_schedule(&w)))
}

/// Replace the weekly schedule (owners and managers).
#[utoipa::path(post, path = "/{restaurant_id}/operating-hours", tag = "operating-hours",
    params(("restaurant_id" = uuid::Uuid, Path)), request_body = Schedule,
    responses((status = 200, body = Schedule), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn set(mut t: Tenant, Json(b): Json<Schedule>) -> ApiResult<Json<Schedule>> {
    t.require(Action::ManageRestaurant)?;
    let input: Vec<DayInput> = b
        .days
        .into_iter()
        .map(|d| DayInput {
            day_of_week: d.day_of_week,
            closed: d.closed,
            ranges: d.ranges.into_iter().map(|r| (r.open, r.close)).collect(),
        })
        .collect();
    let week = flux_app::hours::replace(&mut t.tx, t.restaurant_id, &input).await?;
    t.commit().await?;
    Ok(Json(to_schedule(&week)))
}
