//! Staff pages (`flux_app::labor::staff`): roles with their labor standard
//! and what the last eight weeks suggest, the people with their roles and
//! availability, time-off requests to approve or deny, and forms to add a
//! role, a person and a request. Managers change everything; anyone else
//! sees their own record and requests their own time off.

use axum::extract::{Query, RawPathParams};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::{Duration, NaiveDate};
use flux_app::labor::schedule;
use flux_app::labor::staff::{
    self, AvailabilityInput, RoleInput, StaffInput, StaffRoleInput, TimeOffInput,
};
use flux_app::labor::Caller;
use flux_app::labor::{LaborDriver, TimeOffStatus};
use flux_app::AppError;
use maud::html;
use serde::Deserialize;

use crate::error::{WebError, WebResult};
use crate::extract::{path_uuid, CsrfForm, Empty, TenantPage};
use crate::format::parse_decimal;
use crate::layout::csrf_field;

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

fn caller(t: &TenantPage) -> Caller {
    Caller {
        user_id: t.user_id,
        role: t.role,
    }
}

fn notice(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "role-added" => "Role added.",
        "person-added" => "Person added.",
        "time-off-requested" => "Time off requested: a manager approves it.",
        "time-off-decided" => "Decision saved.",
        _ => return None,
    })
}

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

async fn render(
    mut t: TenantPage,
    status: StatusCode,
    note: Option<&str>,
    problem: Option<String>,
) -> WebResult {
    let who = caller(&t);
    let people = match staff::list(&mut t.tx, t.restaurant_id, who).await {
        Ok(p) => p,
        Err(e) if e.kind() == Some(flux_app::Kind::NotFound) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let roles = staff::roles(&mut t.tx, t.restaurant_id).await?;
    let suggestions = if who.manages() {
        schedule::suggest_standards(&mut t.tx, t.restaurant_id, who).await?
    } else {
        Vec::new()
    };
    let today = t.restaurant.timezone.today();
    let requests = match staff::time_off(
        &mut t.tx,
        t.restaurant_id,
        who,
        (today - Duration::days(30), today + Duration::days(365)),
    )
    .await
    {
        Ok(r) => r,
        Err(e) if e.kind() == Some(flux_app::Kind::NotFound) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let fmt = t.fmt();
    let base = t.href("/labor/staff");
    let role_name = |id: uuid::Uuid| {
        roles
            .iter()
            .find(|r| r.id == id)
            .map_or("?", |r| r.name.as_str())
    };
    let person_name = |id: uuid::Uuid| {
        people
            .iter()
            .find(|p| p.id == id)
            .map_or("?", |p| p.name.as_str())
    };
    let body = html! {
        nav.breadcrumb aria-label="Breadcrumb" { a href=(t.href("/labor")) { "Schedule" } " / " }
        h1 { "Staff" }
        @if let Some(p) = &problem { p.alert role="alert" #problem { (p) } }
        section.card {
            h2 { "Roles and labor standards" }
            @if roles.is_empty() { p.muted { "No roles yet." } } @else {
                table.table.stack #roles {
                    thead { tr { th { "Role" } th { "Wage" } th { "Follows" } th { "Per labor hour" } th { "Minimum" } @if who.manages() { th { "Suggested" } } } }
                    tbody {
                        @for r in &roles {
                            tr {
                                td data-label="Role" { (r.name) }
                                td data-label="Wage" { (fmt.money(r.hourly_wage)) }
                                td data-label="Follows" { @match r.driver { LaborDriver::Items => "items", LaborDriver::Covers => "covers" } }
                                td data-label="Per labor hour" { (r.per_labor_hour) }
                                td data-label="Minimum" { (r.min_staff) }
                                @if who.manages() {
                                    td data-label="Suggested" {
                                        @match suggestions.iter().find(|s| s.role_id == r.id).and_then(|s| s.suggested_per_labor_hour.map(|x| (x, s.hours_seen))) {
                                            Some((x, n)) => { (fmt.num(x, 1)) span.muted { " from " (n) " hours" } }
                                            None => span.muted { "not enough past shifts" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section.card {
            h2 { "People" }
            @if people.is_empty() { p.muted { "No one yet." } } @else {
                table.table.stack #people {
                    thead { tr { th { "Name" } th { "Roles" } th { "Hours a week" } th { "Available" } } }
                    tbody {
                        @for p in &people {
                            tr {
                                td data-label="Name" { (p.name) @if !p.active { span.muted { " (inactive)" } } }
                                td data-label="Roles" { @for (i, r) in p.roles.iter().enumerate() { @if i > 0 { ", " } (role_name(r.role_id)) } }
                                td data-label="Hours a week" {
                                    @if let Some(c) = p.contracted_hours { (fmt.num(c, 0)) " contracted" }
                                    @if let Some(m) = p.max_week_hours { " · at most " (fmt.num(m, 0)) }
                                }
                                td data-label="Available" {
                                    @if p.availability.is_empty() { "whenever open" }
                                    @for a in &p.availability { span.avail { (DAYS.get(a.day_of_week as usize).copied().unwrap_or("?")) " " (a.from) "–" (a.to) } " " }
                                }
                            }
                        }
                    }
                }
            }
        }
        section.card {
            h2 { "Time off" }
            @if requests.is_empty() { p.muted { "No requests." } } @else {
                table.table.stack #time-off {
                    thead { tr { th { "Who" } th { "Days" } th { "Reason" } th { "Status" } } }
                    tbody {
                        @for r in &requests {
                            tr {
                                td data-label="Who" { (person_name(r.staff_id)) }
                                td data-label="Days" { (fmt.date(r.starts_on)) @if r.ends_on != r.starts_on { " – " (fmt.date(r.ends_on)) } }
                                td.break data-label="Reason" { (r.reason) }
                                td data-label="Status" {
                                    @if r.status == TimeOffStatus::Pending && who.manages() {
                                        form.inline method="post" action=(format!("{base}/time-off/{}/approve", r.id)) { (csrf_field(&t.csrf)) button.btn type="submit" { "Approve" } }
                                        form.inline method="post" action=(format!("{base}/time-off/{}/deny", r.id)) { (csrf_field(&t.csrf)) button.btn.btn-quiet type="submit" { "Deny" } }
                                    } @else { (r.status.as_str()) }
                                }
                            }
                        }
                    }
                }
            }
            @if !people.is_empty() {
                form #request-time-off method="post" action=(format!("{base}/time-off")) {
                    (csrf_field(&t.csrf))
                    div.grid-3 {
                        label { "Who" select name="staff_id" { @for p in &people { option value=(p.id) { (p.name) } } } }
                        label { "First day" input type="date" name="starts_on" required; }
                        label { "Last day" input type="date" name="ends_on" required; }
                        label { "Reason" input type="text" name="reason" maxlength="500"; }
                    }
                    button.btn type="submit" { "Request time off" }
                }
            }
        }
        @if who.manages() {
            form.card #add-role method="post" action=(format!("{base}/roles")) {
                h2 { "Add a role" }
                (csrf_field(&t.csrf))
                div.grid-3 {
                    label { "Name" input type="text" name="name" maxlength="80" required; }
                    label { "Wage per hour" input type="text" inputmode="decimal" name="hourly_wage" required; }
                    label { "Follows" select name="driver" { option value="items" { "items sold" } option value="covers" { "covers (orders)" } } }
                    label { "Units per labor hour" input type="text" inputmode="decimal" name="per_labor_hour" value="0"; }
                    label { "Minimum on duty" input type="number" name="min_staff" min="0" max="100" value="1"; }
                    label { "Opening duties (min)" input type="number" name="before_open_minutes" min="0" max="240" value="0"; }
                    label { "Closing duties (min)" input type="number" name="after_close_minutes" min="0" max="240" value="0"; }
                }
                button.btn.btn-primary type="submit" { "Add role" }
            }
            @if !roles.is_empty() {
                form.card #add-person method="post" action=(format!("{base}/people")) {
                    h2 { "Add a person" }
                    (csrf_field(&t.csrf))
                    div.grid-3 {
                        label { "Name" input type="text" name="name" maxlength="120" required; }
                        label { "Role" select name="role_id" { @for r in &roles { option value=(r.id) { (r.name) } } } }
                        label { "Own wage (blank: the role's)" input type="text" inputmode="decimal" name="hourly_wage"; }
                        label { "Contracted hours a week" input type="number" name="contracted_hours" min="0" max="168"; }
                        label { "At most hours a week" input type="number" name="max_week_hours" min="0" max="168"; }
                    }
                    fieldset {
                        legend { "Available (none ticked: whenever open)" }
                        @for (i, d) in DAYS.iter().enumerate() {
                            label.inline { input type="checkbox" name=(format!("day{i}")) value="on"; " " (d) }
                        }
                        label { " from " input type="time" name="from" value="10:00"; }
                        label { " to " input type="time" name="to" value="23:00"; }
                    }
                    button.btn.btn-primary type="submit" { "Add person" }
                }
            }
        }
    };
    let page = t.render(crate::nav::LABOR, "Staff", note, body);
    t.commit().await?;
    Ok((status, page).into_response())
}

pub async fn page(t: TenantPage, Query(q): Query<Done>) -> WebResult {
    render(t, StatusCode::OK, notice(q.done.as_deref()), None).await
}

/// Runs a use case in a savepoint: a refusal leaves everything as it was
/// and the page is shown again with the reason.
macro_rules! attempt {
    ($t:ident, $done:literal, |$tx:ident, $who:ident, $rid:ident| $call:expr) => {{
        let $who = caller(&$t);
        let $rid = $t.restaurant_id;
        let mut $tx = sqlx::Acquire::begin(&mut *$t.tx).await?;
        match $call.await {
            Ok(_) => $tx.commit().await?,
            Err(e @ AppError::Rejected { .. })
                if !matches!(
                    e.kind(),
                    Some(flux_app::Kind::NotFound | flux_app::Kind::Forbidden)
                ) =>
            {
                $tx.rollback().await?;
                let why = match &e {
                    AppError::Rejected { errors, .. } if !errors.is_empty() => errors
                        .iter()
                        .map(|f| format!("{}: {}", f.field, f.message))
                        .collect::<Vec<_>>()
                        .join("; "),
                    _ => e.to_string(),
                };
                return render($t, StatusCode::UNPROCESSABLE_ENTITY, None, Some(why)).await;
            }
            Err(e) => return Err(e.into()),
        }
        let to = $t.href(concat!("/labor/staff?done=", $done));
        $t.commit().await?;
        Ok(Redirect::to(&to).into_response())
    }};
}

fn decimal_or(raw: &str, default: rust_decimal::Decimal) -> rust_decimal::Decimal {
    if raw.trim().is_empty() {
        default
    } else {
        // Unparseable text becomes a negative amount, which the use case
        // refuses with the field named.
        parse_decimal(raw).unwrap_or(rust_decimal::Decimal::NEGATIVE_ONE)
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    name: String,
    hourly_wage: String,
    driver: String,
    #[serde(default)]
    per_labor_hour: String,
    #[serde(default)]
    min_staff: String,
    #[serde(default)]
    before_open_minutes: String,
    #[serde(default)]
    after_close_minutes: String,
}

/// A whole number as typed; blank is zero, and text that is not a number
/// becomes -1, which the use case refuses with the field named.
fn whole(raw: &str) -> i32 {
    let raw = raw.trim();
    if raw.is_empty() {
        0
    } else {
        raw.parse().unwrap_or(-1)
    }
}

pub async fn add_role(mut t: TenantPage, CsrfForm(f): CsrfForm<RoleForm>) -> WebResult {
    let driver = LaborDriver::try_from(f.driver.clone())
        .map_err(|_| WebError::BadRequest("choose what the role follows".into()))?;
    let input = RoleInput {
        name: f.name,
        hourly_wage: decimal_or(&f.hourly_wage, rust_decimal::Decimal::NEGATIVE_ONE),
        driver,
        per_labor_hour: decimal_or(&f.per_labor_hour, rust_decimal::Decimal::ZERO),
        min_staff: whole(&f.min_staff),
        before_open_minutes: whole(&f.before_open_minutes),
        after_close_minutes: whole(&f.after_close_minutes),
    };
    attempt!(t, "role-added", |tx, who, rid| staff::save_role(
        &mut tx, rid, who, None, input
    ))
}

#[derive(Deserialize)]
pub struct PersonForm {
    name: String,
    role_id: String,
    #[serde(default)]
    hourly_wage: String,
    #[serde(default)]
    contracted_hours: String,
    #[serde(default)]
    max_week_hours: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    day0: Option<String>,
    day1: Option<String>,
    day2: Option<String>,
    day3: Option<String>,
    day4: Option<String>,
    day5: Option<String>,
    day6: Option<String>,
}

pub async fn add_person(mut t: TenantPage, CsrfForm(f): CsrfForm<PersonForm>) -> WebResult {
    let role_id = f
        .role_id
        .parse()
        .map_err(|_| WebError::BadRequest("choose a role".into()))?;
    let hours = |raw: &str| -> Option<f64> {
        let raw = raw.trim();
        // Text that is not a number is sent on as out of range, to be named.
        (!raw.is_empty()).then(|| raw.parse().unwrap_or(-1.0))
    };
    let ticked = [
        &f.day0, &f.day1, &f.day2, &f.day3, &f.day4, &f.day5, &f.day6,
    ];
    let availability = ticked
        .iter()
        .enumerate()
        .filter(|(_, d)| d.is_some())
        .map(|(i, _)| AvailabilityInput {
            day_of_week: i as i16,
            from: f.from.clone(),
            to: f.to.clone(),
        })
        .collect();
    let input = StaffInput {
        name: f.name,
        email: None,
        user_id: None,
        contracted_hours: hours(&f.contracted_hours),
        max_week_hours: hours(&f.max_week_hours),
        active: true,
        roles: vec![StaffRoleInput {
            role_id,
            hourly_wage: (!f.hourly_wage.trim().is_empty())
                .then(|| decimal_or(&f.hourly_wage, rust_decimal::Decimal::ZERO)),
        }],
        availability,
    };
    attempt!(t, "person-added", |tx, who, rid| staff::save(
        &mut tx, rid, who, None, input
    ))
}

#[derive(Deserialize)]
pub struct TimeOffForm {
    staff_id: String,
    starts_on: String,
    ends_on: String,
    #[serde(default)]
    reason: String,
}

pub async fn request_time_off(mut t: TenantPage, CsrfForm(f): CsrfForm<TimeOffForm>) -> WebResult {
    let day = |raw: &str| {
        NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
            .map_err(|_| WebError::BadRequest("choose the days".into()))
    };
    let input = TimeOffInput {
        staff_id: f
            .staff_id
            .parse()
            .map_err(|_| WebError::BadRequest("choose who".into()))?,
        starts_on: day(&f.starts_on)?,
        ends_on: day(&f.ends_on)?,
        reason: f.reason,
    };
    attempt!(t, "time-off-requested", |tx, who, rid| {
        staff::request_time_off(&mut tx, rid, who, input)
    })
}

pub async fn approve(
    t: TenantPage,
    params: RawPathParams,
    CsrfForm(_): CsrfForm<Empty>,
) -> WebResult {
    decide(t, params, true).await
}

pub async fn deny(t: TenantPage, params: RawPathParams, CsrfForm(_): CsrfForm<Empty>) -> WebResult {
    decide(t, params, false).await
}

async fn decide(mut t: TenantPage, params: RawPathParams, yes: bool) -> WebResult {
    let id = path_uuid(&params, "time_off_id")?;
    attempt!(
        t,
        "time-off-decided",
        |tx, who, rid| staff::decide_time_off(&mut tx, rid, who, id, yes)
    )
}
