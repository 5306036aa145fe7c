//! Roles (stations) with their wage and labor standard, and staff: who can
//! work which role at what rate, when they are available, and time off.

use chrono::{NaiveDate, NaiveTime};
use flux_domain::validation::{clean_text, Errors, FieldError};
use flux_domain::Invalid;
use flux_store::labor as store;
use flux_store::status::{LaborDriver, TimeOffStatus};
use flux_store::PgConnection;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Caller;
use crate::{AppError, AppResult, Kind};

/// A role as clients send it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleInput {
    #[schema(example = "Line cook")]
    pub name: String,
    /// Wage per hour in the restaurant's currency.
    #[schema(value_type = String, example = "16.50")]
    pub hourly_wage: Decimal,
    pub driver: LaborDriver,
    /// Items or covers one person handles in an hour; 0: staffed at the minimum only.
    #[serde(default)]
    #[schema(value_type = String, example = "30")]
    pub per_labor_hour: Decimal,
    /// People on duty in every open hour.
    #[serde(default)]
    pub min_staff: i32,
    /// Minutes before opening the minimum is on duty.
    #[serde(default)]
    pub before_open_minutes: i32,
    /// Minutes after closing the minimum stays.
    #[serde(default)]
    pub after_close_minutes: i32,
}

/// A role as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoleView {
    pub id: Uuid,
    pub name: String,
    #[schema(value_type = String)]
    pub hourly_wage: Decimal,
    pub driver: LaborDriver,
    #[schema(value_type = String)]
    pub per_labor_hour: Decimal,
    pub min_staff: i32,
    pub before_open_minutes: i32,
    pub after_close_minutes: i32,
}

impl From<store::Role> for RoleView {
    fn from(r: store::Role) -> Self {
        RoleView {
            id: r.role_id,
            name: r.name,
            hourly_wage: r.hourly_wage,
            driver: r.driver,
            per_labor_hour: r.per_labor_hour,
            min_staff: r.min_staff,
            before_open_minutes: r.before_open_minutes,
            after_close_minutes: r.after_close_minutes,
        }
    }
}

fn money(field: &str, v: Decimal, errs: &mut Errors) {
    if v < Decimal::ZERO || v > Decimal::from(100_000) || v.scale() > 2 {
        errs.push(FieldError::new(
            field,
            "out_of_range",
            "must be 0 to 100000 with at most 2 decimals",
        ));
    }
}

fn minutes(field: &str, v: i32, max: i32, errs: &mut Errors) {
    if !(0..=max).contains(&v) {
        errs.push(FieldError::new(
            field,
            "out_of_range",
            format!("must be 0 to {max} minutes"),
        ));
    }
}

pub async fn roles(conn: &mut PgConnection, rid: Uuid) -> AppResult<Vec<RoleView>> {
    Ok(store::roles(conn, rid)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Creates a role (`role_id` none) or replaces one.
pub async fn save_role(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    role_id: Option<Uuid>,
    input: RoleInput,
) -> AppResult<RoleView> {
    caller.require_manager()?;
    let mut errs = Errors::default();
    let name = errs.check(clean_text("name", &input.name, 80));
    money("hourly_wage", input.hourly_wage, &mut errs);
    money("per_labor_hour", input.per_labor_hour, &mut errs);
    if !(0..=100).contains(&input.min_staff) {
        errs.push(FieldError::new(
            "min_staff",
            "out_of_range",
            "must be 0 to 100",
        ));
    }
    minutes(
        "before_open_minutes",
        input.before_open_minutes,
        240,
        &mut errs,
    );
    minutes(
        "after_close_minutes",
        input.after_close_minutes,
        240,
        &mut errs,
    );
    errs.finish()?;
    let Some(name) = name.filter(|n| !n.is_empty()) else {
        return Err(Invalid::one("name", "required", "must not be empty").into());
    };
    if let Some(id) = role_id {
        if !store::roles(conn, rid)
            .await?
            .iter()
            .any(|r| r.role_id == id)
        {
            return Err(AppError::not_found());
        }
    }
    let role = store::Role {
        role_id: role_id.unwrap_or_else(Uuid::now_v7),
        name,
        hourly_wage: input.hourly_wage,
        driver: input.driver,
        per_labor_hour: input.per_labor_hour,
        min_staff: input.min_staff,
        before_open_minutes: input.before_open_minutes,
        after_close_minutes: input.after_close_minutes,
    };
    match store::upsert_role(conn, rid, &role).await {
        Ok(r) => Ok(r.into()),
        Err(flux_store::StoreError::Conflict(_)) => Err(AppError::field(
            Kind::Conflict,
            "name",
            "taken",
            "another role has this name",
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_role(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    role_id: Uuid,
) -> AppResult<()> {
    caller.require_manager()?;
    if store::delete_role(conn, rid, role_id).await? {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

/// A role a person works, and their own rate in it when it differs.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffRoleInput {
    pub role_id: Uuid,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub hourly_wage: Option<Decimal>,
}

/// One weekly availability range.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityInput {
    /// 0 = Monday … 6 = Sunday.
    pub day_of_week: i16,
    /// HH:MM
    #[schema(example = "09:00")]
    pub from: String,
    /// HH:MM; at or before `from` runs past midnight.
    #[schema(example = "17:00")]
    pub to: String,
}

/// A person as clients send them.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffInput {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    /// Link to a member's login: they then see their own shifts and pay.
    #[serde(default)]
    pub user_id: Option<Uuid>,
    /// Hours a week in the person's contract (shown against the schedule).
    #[serde(default)]
    pub contracted_hours: Option<f64>,
    /// The most hours a week the person may be scheduled, when lower than the rules'.
    #[serde(default)]
    pub max_week_hours: Option<f64>,
    #[serde(default = "yes")]
    pub active: bool,
    pub roles: Vec<StaffRoleInput>,
    /// Days not listed are unavailable; no ranges at all: available whenever open.
    #[serde(default)]
    pub availability: Vec<AvailabilityInput>,
}

fn yes() -> bool {
    true
}

/// A person as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StaffView {
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub user_id: Option<Uuid>,
    pub contracted_hours: Option<f64>,
    pub max_week_hours: Option<f64>,
    pub active: bool,
    pub roles: Vec<StaffRoleInput>,
    pub availability: Vec<AvailabilityInput>,
}

/// Everyone the caller may see, with roles and availability.
pub async fn list(conn: &mut PgConnection, rid: Uuid, caller: Caller) -> AppResult<Vec<StaffView>> {
    let only = caller.scope(conn, rid).await?;
    let people = store::staff(conn, rid, only).await?;
    let roles = store::staff_roles(conn, rid).await?;
    let avail = store::availability(conn, rid).await?;
    Ok(people
        .into_iter()
        .map(|s| view(s, &roles, &avail))
        .collect())
}

fn view(s: store::Staff, roles: &[store::StaffRole], avail: &[store::Availability]) -> StaffView {
    let hours = |m: Option<i32>| m.map(|m| f64::from(m) / 60.0);
    StaffView {
        id: s.staff_id,
        roles: roles
            .iter()
            .filter(|r| r.staff_id == s.staff_id)
            .map(|r| StaffRoleInput {
                role_id: r.role_id,
                hourly_wage: r.hourly_wage,
            })
            .collect(),
        availability: avail
            .iter()
            .filter(|a| a.staff_id == s.staff_id)
            .map(|a| AvailabilityInput {
                day_of_week: a.day_of_week,
                from: a.start_time.format("%H:%M").to_string(),
                to: a.end_time.format("%H:%M").to_string(),
            })
            .collect(),
        name: s.name,
        email: s.email,
        user_id: s.user_id,
        contracted_hours: hours(s.contracted_minutes),
        max_week_hours: hours(s.max_week_minutes),
        active: s.active,
    }
}

pub async fn get(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    staff_id: Uuid,
) -> AppResult<StaffView> {
    caller.may_act_for(conn, rid, staff_id).await?;
    list(conn, rid, caller)
        .await?
        .into_iter()
        .find(|s| s.id == staff_id)
        .ok_or_else(AppError::not_found)
}

fn parse_time(field: &str, raw: &str) -> Result<NaiveTime, FieldError> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .map_err(|_| FieldError::new(field, "invalid_time", "must be a time as HH:MM"))
}

fn week_hours(field: &str, h: Option<f64>, errs: &mut Errors) -> Option<i32> {
    let h = h?;
    if !h.is_finite() || !(0.0..=168.0).contains(&h) {
        errs.push(FieldError::new(
            field,
            "out_of_range",
            "must be 0 to 168 hours",
        ));
        return None;
    }
    Some((h * 60.0).round() as i32)
}

/// Creates a person (`staff_id` none) or replaces their record.
pub async fn save(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    staff_id: Option<Uuid>,
    input: StaffInput,
) -> AppResult<StaffView> {
    caller.require_manager()?;
    let mut errs = Errors::default();
    let name = errs
        .check(clean_text("name", &input.name, 120))
        .unwrap_or_default();
    if name.is_empty() {
        errs.push(FieldError::new("name", "required", "must not be empty"));
    }
    let email = match input
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        Some(e) if e.len() <= 254 && e.contains('@') => Some(e.to_string()),
        Some(_) => {
            errs.push(FieldError::new(
                "email",
                "invalid_email",
                "must be an email address",
            ));
            None
        }
        None => None,
    };
    let contracted = week_hours("contracted_hours", input.contracted_hours, &mut errs);
    let max_week = week_hours("max_week_hours", input.max_week_hours, &mut errs);
    let known = store::roles(conn, rid).await?;
    let mut roles = Vec::new();
    for (i, r) in input.roles.iter().enumerate() {
        if !known.iter().any(|k| k.role_id == r.role_id) {
            errs.push(FieldError::new(
                format!("roles.{i}.role_id"),
                "unknown_role",
                "no such role in this restaurant",
            ));
        } else if roles.iter().any(|(id, _)| *id == r.role_id) {
            errs.push(FieldError::new(
                format!("roles.{i}.role_id"),
                "duplicate",
                "each role may appear once",
            ));
        }
        if let Some(w) = r.hourly_wage {
            money(&format!("roles.{i}.hourly_wage"), w, &mut errs);
        }
        roles.push((r.role_id, r.hourly_wage));
    }
    let mut avail = Vec::new();
    for (i, a) in input.availability.iter().enumerate() {
        if !(0..=6).contains(&a.day_of_week) {
            errs.push(FieldError::new(
                format!("availability.{i}.day_of_week"),
                "out_of_range",
                "must be 0 (Monday) to 6 (Sunday)",
            ));
        }
        let from = parse_time(&format!("availability.{i}.from"), &a.from);
        let to = parse_time(&format!("availability.{i}.to"), &a.to);
        match (from, to) {
            (Ok(f), Ok(t)) => avail.push((a.day_of_week, f, t)),
            (f, t) => {
                if let Err(e) = f {
                    errs.push(e);
                }
                if let Err(e) = t {
                    errs.push(e);
                }
            }
        }
    }
    if avail.len() > 50 {
        errs.push(FieldError::new(
            "availability",
            "too_many",
            "at most 50 ranges",
        ));
    }
    if let Some(user) = input.user_id {
        if flux_store::members::role_of(conn, rid, user)
            .await?
            .is_none()
        {
            errs.push(FieldError::new(
                "user_id",
                "not_a_member",
                "this user is not a member of the restaurant",
            ));
        }
    }
    errs.finish()?;
    if let Some(id) = staff_id {
        if store::staff(conn, rid, Some(id)).await?.is_empty() {
            return Err(AppError::not_found());
        }
    }
    let record = store::Staff {
        staff_id: staff_id.unwrap_or_else(Uuid::now_v7),
        name,
        email,
        user_id: input.user_id,
        contracted_minutes: contracted,
        max_week_minutes: max_week,
        active: input.active,
    };
    let saved = match store::upsert_staff(conn, rid, &record).await {
        Ok(s) => s,
        Err(flux_store::StoreError::Conflict(_)) => {
            return Err(AppError::field(
                Kind::Conflict,
                "user_id",
                "taken",
                "this login is linked to another staff record",
            ))
        }
        Err(e) => return Err(e.into()),
    };
    store::replace_staff_links(conn, rid, saved.staff_id, &roles, &avail).await?;
    get(conn, rid, caller, saved.staff_id).await
}

/// A time-off request as clients send it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeOffInput {
    pub staff_id: Uuid,
    pub starts_on: NaiveDate,
    /// Last day off, inclusive.
    pub ends_on: NaiveDate,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimeOffView {
    pub id: Uuid,
    pub staff_id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub reason: String,
    pub status: TimeOffStatus,
}

impl From<store::TimeOff> for TimeOffView {
    fn from(t: store::TimeOff) -> Self {
        TimeOffView {
            id: t.time_off_id,
            staff_id: t.staff_id,
            starts_on: t.starts_on,
            ends_on: t.ends_on,
            reason: t.reason,
            status: t.status,
        }
    }
}

/// Requests time off: for oneself, or (managers) for anyone.
pub async fn request_time_off(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    input: TimeOffInput,
) -> AppResult<TimeOffView> {
    caller.may_act_for(conn, rid, input.staff_id).await?;
    if store::staff(conn, rid, Some(input.staff_id))
        .await?
        .is_empty()
    {
        return Err(AppError::not_found());
    }
    let mut errs = Errors::default();
    if input.ends_on < input.starts_on {
        errs.push(FieldError::new(
            "ends_on",
            "before_start",
            "must be on or after starts_on",
        ));
    } else if (input.ends_on - input.starts_on).num_days() > 366 {
        errs.push(FieldError::new(
            "ends_on",
            "too_long",
            "at most a year at once",
        ));
    }
    let reason = if input.reason.trim().is_empty() {
        String::new()
    } else {
        errs.check(clean_text("reason", &input.reason, 500))
            .unwrap_or_default()
    };
    errs.finish()?;
    Ok(store::insert_time_off(
        conn,
        rid,
        input.staff_id,
        (input.starts_on, input.ends_on),
        &reason,
        caller.by(),
    )
    .await?
    .into())
}

/// Time off overlapping the days given, as far as the caller may see.
pub async fn time_off(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    range: (NaiveDate, NaiveDate),
) -> AppResult<Vec<TimeOffView>> {
    let only = caller.scope(conn, rid).await?;
    Ok(store::time_off(conn, rid, range, only)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// A manager approves or denies a pending request.
pub async fn decide_time_off(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    time_off_id: Uuid,
    approve: bool,
) -> AppResult<TimeOffView> {
    caller.require_manager()?;
    let status = if approve {
        TimeOffStatus::Approved
    } else {
        TimeOffStatus::Denied
    };
    match store::decide_time_off(conn, rid, time_off_id, status, caller.by()).await? {
        Some(t) => Ok(t.into()),
        None => {
            if store::time_off_exists(conn, rid, time_off_id).await? {
                Err(AppError::new(
                    Kind::Conflict,
                    "this request was already decided",
                ))
            } else {
                Err(AppError::not_found())
            }
        }
    }
}
