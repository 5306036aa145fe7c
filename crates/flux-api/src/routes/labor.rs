//! `/api/v1/restaurants/{id}/labor/...`: roles and their standards, staff,
//! time off, the scheduling rules, the week's schedule (build, edit, copy,
//! publish), the time clock and pay. Owners and managers see and change
//! everything; other members see only the staff record linked to their
//! login and act only for it.

use axum::extract::RawPathParams;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use flux_app::labor::clock::{self, EntryInput, EntryView, PayReport};
use flux_app::labor::schedule::{self, BuildOutcome, RulesView, ShiftInput, WeekView};
use flux_app::labor::staff::{
    self, RoleInput, RoleView, StaffInput, StaffView, TimeOffInput, TimeOffView,
};
use flux_app::labor::Caller;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::{ApiResult, Problem};
use crate::extract::{path_uuid, Json, Query, Tenant};

/// The member asking; a macro so the tenant's transaction can be borrowed
/// mutably in the same call.
macro_rules! caller {
    ($t:ident) => {
        Caller {
            user_id: $t.user_id,
            role: $t.role,
        }
    };
}

fn path_week(params: &RawPathParams) -> ApiResult<NaiveDate> {
    let raw = params
        .iter()
        .find(|(k, _)| *k == "week_start")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
        flux_app::AppError::field(
            flux_app::Kind::Validation,
            "week_start",
            "invalid_date",
            "must be a date as YYYY-MM-DD",
        )
    })?;
    Ok(schedule::week_start("week_start", date)?)
}

#[derive(Serialize, ToSchema)]
pub struct RoleList {
    pub items: Vec<RoleView>,
}

/// Roles (stations) with their wage and labor standard.
#[utoipa::path(get, path = "/{restaurant_id}/labor/roles", tag = "labor",
    params(("restaurant_id" = Uuid, Path)),
    responses((status = 200, body = RoleList), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn roles(mut t: Tenant) -> ApiResult<Json<RoleList>> {
    let items = staff::roles(&mut t.tx, t.restaurant_id).await?;
    t.commit().await?;
    Ok(Json(RoleList { items }))
}

/// Add a role (owners and managers).
#[utoipa::path(post, path = "/{restaurant_id}/labor/roles", tag = "labor",
    params(("restaurant_id" = Uuid, Path)), request_body = RoleInput,
    responses((status = 201, body = RoleView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_role(
    mut t: Tenant,
    Json(b): Json<RoleInput>,
) -> ApiResult<(StatusCode, Json<RoleView>)> {
    let r = staff::save_role(&mut t.tx, t.restaurant_id, caller!(t), None, b).await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(r)))
}

#[derive(Serialize, ToSchema)]
pub struct SuggestionList {
    pub items: Vec<schedule::StandardSuggestion>,
}

/// Each role's units per labor hour as the last eight weeks' shifts and
/// sales suggest (owners and managers); apply one by replacing the role.
#[utoipa::path(get, path = "/{restaurant_id}/labor/roles/suggestions", tag = "labor",
    params(("restaurant_id" = Uuid, Path)),
    responses((status = 200, body = SuggestionList), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn suggestions(mut t: Tenant) -> ApiResult<Json<SuggestionList>> {
    let items = schedule::suggest_standards(&mut t.tx, t.restaurant_id, caller!(t)).await?;
    t.commit().await?;
    Ok(Json(SuggestionList { items }))
}

/// Replace a role.
#[utoipa::path(put, path = "/{restaurant_id}/labor/roles/{role_id}", tag = "labor",
    params(("restaurant_id" = Uuid, Path), ("role_id" = Uuid, Path)), request_body = RoleInput,
    responses((status = 200, body = RoleView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_role(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<RoleInput>,
) -> ApiResult<Json<RoleView>> {
    let id = path_uuid(&params, "role_id")?;
    let r = staff::save_role(&mut t.tx, t.restaurant_id, caller!(t), Some(id), b).await?;
    t.commit().await?;
    Ok(Json(r))
}

/// Remove a role with its shifts.
#[utoipa::path(delete, path = "/{restaurant_id}/labor/roles/{role_id}", tag = "labor",
    params(("restaurant_id" = Uuid, Path), ("role_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn delete_role(mut t: Tenant, params: RawPathParams) -> ApiResult<StatusCode> {
    let id = path_uuid(&params, "role_id")?;
    staff::delete_role(&mut t.tx, t.restaurant_id, caller!(t), id).await?;
    t.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct StaffList {
    pub items: Vec<StaffView>,
}

/// Staff with their roles and availability (members who are not managers: only themselves).
#[utoipa::path(get, path = "/{restaurant_id}/labor/staff", tag = "labor",
    params(("restaurant_id" = Uuid, Path)),
    responses((status = 200, body = StaffList), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list_staff(mut t: Tenant) -> ApiResult<Json<StaffList>> {
    let items = staff::list(&mut t.tx, t.restaurant_id, caller!(t)).await?;
    t.commit().await?;
    Ok(Json(StaffList { items }))
}

/// Add a person (owners and managers).
#[utoipa::path(post, path = "/{restaurant_id}/labor/staff", tag = "labor",
    params(("restaurant_id" = Uuid, Path)), request_body = StaffInput,
    responses((status = 201, body = StaffView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_staff(
    mut t: Tenant,
    Json(b): Json<StaffInput>,
) -> ApiResult<(StatusCode, Json<StaffView>)> {
    let s = staff::save(&mut t.tx, t.restaurant_id, caller!(t), None, b).await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(s)))
}

/// One person.
#[utoipa::path(get, path = "/{restaurant_id}/labor/staff/{staff_id}", tag = "labor",
    params(("restaurant_id" = Uuid, Path), ("staff_id" = Uuid, Path)),
    responses((status = 200, body = StaffView), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_staff(mut t: Tenant, params: RawPathParams) -> ApiResult<Json<StaffView>> {
    let id = path_uuid(&params, "staff_id")?;
    let s = staff::get(&mut t.tx, t.restaurant_id, caller!(t), id).await?;
    t.commit().await?;
    Ok(Json(s))
}

/// Replace a person's record, roles and availability.
#[utoipa::path(put, path = "/{restaurant_id}/labor/staff/{staff_id}", tag = "labor",
    params(("restaurant_id" = Uuid, Path), ("staff_id" = Uuid, Path)), request_body = StaffInput,
    responses((status = 200, body = StaffView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_staff(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<StaffInput>,
) -> ApiResult<Json<StaffView>> {
    let id = path_uuid(&params, "staff_id")?;
    let s = staff::save(&mut t.tx, t.restaurant_id, caller!(t), Some(id), b).await?;
    t.commit().await?;
    Ok(Json(s))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Range {
    /// Default: today.
    pub from: Option<NaiveDate>,
    /// Default: four weeks after `from`.
    pub to: Option<NaiveDate>,
}

impl Range {
    fn get(&self, max_days: i64) -> ApiResult<(NaiveDate, NaiveDate)> {
        let from = self.from.unwrap_or_else(|| Utc::now().date_naive());
        let to = self.to.unwrap_or(from + Duration::days(27));
        if to < from || (to - from).num_days() > max_days {
            return Err(flux_app::AppError::field(
                flux_app::Kind::Validation,
                "to",
                "out_of_range",
                &format!("must be on or after from, at most {max_days} days later"),
            )
            .into());
        }
        Ok((from, to))
    }
}

#[derive(Serialize, ToSchema)]
pub struct TimeOffList {
    pub items: Vec<TimeOffView>,
}

/// Time off overlapping `from`–`to` (at most a year).
#[utoipa::path(get, path = "/{restaurant_id}/labor/time-off", tag = "labor",
    params(("restaurant_id" = Uuid, Path), Range),
    responses((status = 200, body = TimeOffList), (status = 404, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn list_time_off(mut t: Tenant, Query(q): Query<Range>) -> ApiResult<Json<TimeOffList>> {
    let range = q.get(366)?;
    let items = staff::time_off(&mut t.tx, t.restaurant_id, caller!(t), range).await?;
    t.commit().await?;
    Ok(Json(TimeOffList { items }))
}

/// Request time off, for oneself or (managers) for anyone; pending until decided.
#[utoipa::path(post, path = "/{restaurant_id}/labor/time-off", tag = "labor",
    params(("restaurant_id" = Uuid, Path)), request_body = TimeOffInput,
    responses((status = 201, body = TimeOffView), (status = 404, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn request_time_off(
    mut t: Tenant,
    Json(b): Json<TimeOffInput>,
) -> ApiResult<(StatusCode, Json<TimeOffView>)> {
    let v = staff::request_time_off(&mut t.tx, t.restaurant_id, caller!(t), b).await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(v)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub approve: bool,
}

/// Approve or deny a pending request (owners and managers); 409 when already decided.
#[utoipa::path(post, path = "/{restaurant_id}/labor/time-off/{time_off_id}/decision", tag = "labor",
    params(("restaurant_id" = Uuid, Path), ("time_off_id" = Uuid, Path)), request_body = Decision,
    responses((status = 200, body = TimeOffView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn decide_time_off(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<Decision>,
) -> ApiResult<Json<TimeOffView>> {
    let id = path_uuid(&params, "time_off_id")?;
    let v = staff::decide_time_off(&mut t.tx, t.restaurant_id, caller!(t), id, b.approve).await?;
    t.commit().await?;
    Ok(Json(v))
}

/// The scheduling and overtime rules (defaults until set).
#[utoipa::path(get, path = "/{restaurant_id}/labor/rules", tag = "labor",
    params(("restaurant_id" = Uuid, Path)),
    responses((status = 200, body = RulesView), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_rules(mut t: Tenant) -> ApiResult<Json<RulesView>> {
    let r = schedule::rules(&mut t.tx, t.restaurant_id).await?;
    t.commit().await?;
    Ok(Json(r))
}

/// Replace the rules (owners and managers).
#[utoipa::path(put, path = "/{restaurant_id}/labor/rules", tag = "labor",
    params(("restaurant_id" = Uuid, Path)), request_body = RulesView,
    responses((status = 200, body = RulesView), (status = 403, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn set_rules(mut t: Tenant, Json(b): Json<RulesView>) -> ApiResult<Json<RulesView>> {
    let r = schedule::set_rules(&mut t.tx, t.restaurant_id, caller!(t), b).await?;
    t.commit().await?;
    Ok(Json(r))
}

/// The week (`week_start` a Monday): shifts, per-hour need against staff
/// per role, labor cost against forecast and actual sales, rule breaks.
/// Members who are not managers get their own shifts of a published week.
#[utoipa::path(get, path = "/{restaurant_id}/labor/schedule/{week_start}", tag = "labor",
    params(("restaurant_id" = Uuid, Path), ("week_start" = NaiveDate, Path)),
    responses((status = 200, body = WeekView), (status = 404, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn week(mut t: Tenant, params: RawPathParams) -> ApiResult<Json<WeekView>> {
    let w = path_week(&params)?;
    let v = schedule::week(&mut t.tx, t.restaurant_id, caller!(t), w).await?;
    t.commit().await?;
    Ok(Json(v))
}

/// Build the week's schedule at the lowest labor cost that covers the
/// requirement; replaces the week's shifts (owners and managers).
#[utoipa::path(post, path = "/{restaurant_id}/labor/schedule/{week_start}/build", tag = "labor",
    params(("restaurant_id" = Uuid, Path), ("week_start" = NaiveDate, Path)),
    responses((status = 200, body = BuildOutcome), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn build(mut t: Tenant, params: RawPathParams) -> ApiResult<Json<BuildOutcome>> {
    let w = path_week(&params)?;
    let v = schedule::build(&mut t.tx, t.restaurant_id, caller!(t), w).await?;
    t.commit().await?;
    Ok(Json(v))
}

/// Copy the week before into this one; shifts that would break a rule are
/// left out and listed in `warnings`.
#[utoipa::path(post, path = "/{restaurant_id}/labor/schedule/{week_start}/copy-previous", tag = "labor",
    params(("restaurant_id" = Uuid, Path), ("week_start" = NaiveDate, Path)),
    responses((status = 200, body = WeekView), (status = 403, body = Problem), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn copy_previous(mut t: Tenant, params: RawPathParams) -> ApiResult<Json<WeekView>> {
    let w = path_week(&params)?;
    let v = schedule::copy_previous(&mut t.tx, t.restaurant_id, caller!(t), w).await?;
    t.commit().await?;
    Ok(Json(v))
}

/// Publish the week: its people see their shifts.
#[utoipa::path(post, path = "/{restaurant_id}/labor/schedule/{week_start}/publish", tag = "labor",
    params(("restaurant_id" = Uuid, Path), ("week_start" = NaiveDate, Path)),
    responses((status = 200, body = WeekView), (status = 403, body = Problem), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn publish(mut t: Tenant, params: RawPathParams) -> ApiResult<Json<WeekView>> {
    let w = path_week(&params)?;
    let v = schedule::publish(&mut t.tx, t.restaurant_id, caller!(t), w).await?;
    t.commit().await?;
    Ok(Json(v))
}

/// Add a shift; one that breaks a rule is refused (422) with `rule_breaks`.
#[utoipa::path(post, path = "/{restaurant_id}/labor/schedule/{week_start}/shifts", tag = "labor",
    params(("restaurant_id" = Uuid, Path), ("week_start" = NaiveDate, Path)), request_body = ShiftInput,
    responses((status = 201, body = WeekView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn add_shift(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<ShiftInput>,
) -> ApiResult<(StatusCode, Json<WeekView>)> {
    let w = path_week(&params)?;
    let v = schedule::save_shift(&mut t.tx, t.restaurant_id, caller!(t), w, None, b).await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// Change a shift, checked like a new one.
#[utoipa::path(put, path = "/{restaurant_id}/labor/schedule/{week_start}/shifts/{shift_id}", tag = "labor",
    params(("restaurant_id" = Uuid, Path), ("week_start" = NaiveDate, Path), ("shift_id" = Uuid, Path)), request_body = ShiftInput,
    responses((status = 200, body = WeekView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_shift(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<ShiftInput>,
) -> ApiResult<Json<WeekView>> {
    let w = path_week(&params)?;
    let id = path_uuid(&params, "shift_id")?;
    let v = schedule::save_shift(&mut t.tx, t.restaurant_id, caller!(t), w, Some(id), b).await?;
    t.commit().await?;
    Ok(Json(v))
}

/// Remove a shift.
#[utoipa::path(delete, path = "/{restaurant_id}/labor/schedule/{week_start}/shifts/{shift_id}", tag = "labor",
    params(("restaurant_id" = Uuid, Path), ("week_start" = NaiveDate, Path), ("shift_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn delete_shift(mut t: Tenant, params: RawPathParams) -> ApiResult<StatusCode> {
    let w = path_week(&params)?;
    let id = path_uuid(&params, "shift_id")?;
    schedule::delete_shift(&mut t.tx, t.restaurant_id, caller!(t), w, id).await?;
    t.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockBody {
    pub staff_id: Uuid,
    /// Unpaid break taken, when clocking out.
    #[serde(default)]
    pub break_minutes: i32,
}

/// Clock in now (for oneself, or managers for anyone); 409 when already in.
#[utoipa::path(post, path = "/{restaurant_id}/labor/clock/in", tag = "labor",
    params(("restaurant_id" = Uuid, Path)), request_body = ClockBody,
    responses((status = 201, body = EntryView), (status = 404, body = Problem), (status = 409, body = Problem)), security(("bearer" = [])))]
pub async fn clock_in(
    mut t: Tenant,
    Json(b): Json<ClockBody>,
) -> ApiResult<(StatusCode, Json<EntryView>)> {
    let e = clock::clock_in(&mut t.tx, t.restaurant_id, caller!(t), b.staff_id).await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(e)))
}

/// Clock out now; 409 when not clocked in.
#[utoipa::path(post, path = "/{restaurant_id}/labor/clock/out", tag = "labor",
    params(("restaurant_id" = Uuid, Path)), request_body = ClockBody,
    responses((status = 200, body = EntryView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn clock_out(mut t: Tenant, Json(b): Json<ClockBody>) -> ApiResult<Json<EntryView>> {
    let e = clock::clock_out(
        &mut t.tx,
        t.restaurant_id,
        caller!(t),
        b.staff_id,
        b.break_minutes,
    )
    .await?;
    t.commit().await?;
    Ok(Json(e))
}

#[derive(Serialize, ToSchema)]
pub struct EntryList {
    pub items: Vec<EntryView>,
}

/// Time entries clocked in during `from`–`to` (at most 62 days).
#[utoipa::path(get, path = "/{restaurant_id}/labor/clock/entries", tag = "labor",
    params(("restaurant_id" = Uuid, Path), Range),
    responses((status = 200, body = EntryList), (status = 404, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn entries(mut t: Tenant, Query(q): Query<Range>) -> ApiResult<Json<EntryList>> {
    let (from, to) = q.get(62)?;
    let start = from.and_time(chrono::NaiveTime::MIN).and_utc() - Duration::days(1);
    let end = to.and_time(chrono::NaiveTime::MIN).and_utc() + Duration::days(2);
    let items = clock::entries(&mut t.tx, t.restaurant_id, caller!(t), start, end).await?;
    t.commit().await?;
    Ok(Json(EntryList { items }))
}

/// Enter a closed span (owners and managers): a forgotten clock-out, a paper timesheet.
#[utoipa::path(post, path = "/{restaurant_id}/labor/clock/entries", tag = "labor",
    params(("restaurant_id" = Uuid, Path)), request_body = EntryInput,
    responses((status = 201, body = EntryView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn add_entry(
    mut t: Tenant,
    Json(b): Json<EntryInput>,
) -> ApiResult<(StatusCode, Json<EntryView>)> {
    let e = clock::add_entry(&mut t.tx, t.restaurant_id, caller!(t), b).await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(e)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PayQuery {
    /// First day (local). Default: Monday of last week.
    pub from: Option<NaiveDate>,
    /// Last day, inclusive. Default: six days after `from`.
    pub to: Option<NaiveDate>,
    /// `csv` for the payroll export.
    pub format: Option<String>,
}

/// Hours by kind and gross pay per person by the overtime rule; `format=csv` for the payroll export.
#[utoipa::path(get, path = "/{restaurant_id}/labor/pay", tag = "labor",
    params(("restaurant_id" = Uuid, Path), PayQuery),
    responses((status = 200, body = PayReport), (status = 404, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn pay(mut t: Tenant, Query(q): Query<PayQuery>) -> ApiResult<Response> {
    let today = Utc::now().date_naive();
    let from = q.from.unwrap_or_else(|| {
        today - Duration::days(i64::from(today.weekday().num_days_from_monday()) + 7)
    });
    let to = q.to.unwrap_or(from + Duration::days(6));
    let report = clock::pay(&mut t.tx, t.restaurant_id, caller!(t), from, to).await?;
    t.commit().await?;
    match q.format.as_deref() {
        Some("csv") => {
            let body = clock::payroll_csv(&report)?;
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"payroll-{from}-{to}.csv\""),
                    ),
                ],
                body,
            )
                .into_response())
        }
        None | Some("json") => Ok(Json(report).into_response()),
        Some(_) => Err(flux_app::AppError::field(
            flux_app::Kind::Validation,
            "format",
            "unknown_format",
            "must be json or csv",
        )
        .into()),
    }
}
