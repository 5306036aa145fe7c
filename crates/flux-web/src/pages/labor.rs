//! Labor pages (`flux_app::labor`): the week's schedule for managers (a
//! people × days grid, staff needed against staff on duty per hour, labor
//! cost against sales, build / copy last week / publish, a form to add a
//! shift and a button to remove one), "my shifts" for everyone else (one
//! column, readable on a phone), and the time-clock kiosk.

use axum::extract::{Query, RawPathParams};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::{Datelike, Duration, NaiveDate};
use flux_app::labor::schedule::{self, ShiftInput, WeekView};
use flux_app::labor::{clock, staff, Caller};
use flux_app::AppError;
use maud::{html, Markup};
use serde::Deserialize;

use crate::error::{WebError, WebResult};
use crate::extract::{path_uuid, CsrfForm, Empty, TenantPage};
use crate::layout::csrf_field;

#[derive(Deserialize, Default)]
pub struct WeekQuery {
    week: Option<String>,
    done: Option<String>,
}

fn caller(t: &TenantPage) -> Caller {
    Caller {
        user_id: t.user_id,
        role: t.role,
    }
}

fn monday_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// The week asked for (any day of it), else the coming one.
fn week_of(t: &TenantPage, raw: Option<&str>) -> NaiveDate {
    raw.and_then(|r| NaiveDate::parse_from_str(r.trim(), "%Y-%m-%d").ok())
        .map(monday_of)
        .unwrap_or_else(|| monday_of(t.restaurant.timezone.today() + Duration::days(7)))
}

fn notice(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "built" => "Schedule built from the forecast at the lowest labor cost that covers it.",
        "copied" => "Last week copied. Shifts that broke a rule this week were left out.",
        "published" => "Published: everyone can see their shifts.",
        "shift-added" => "Shift added.",
        "shift-removed" => "Shift removed.",
        "clocked-in" => "Clocked in.",
        "clocked-out" => "Clocked out.",
        _ => return None,
    })
}

fn hhmm(local: &str) -> &str {
    local.get(11..16).unwrap_or(local)
}

/// Staff needed against staff on duty, summed over roles, per open hour.
/// One open hour of the week: (day, hour, staff needed, staff on duty).
type HourRow = (u32, u32, u32, u32);

fn coverage_chart(v: &WeekView) -> Markup {
    let mut hours: Vec<HourRow> = Vec::new();
    for h in &v.hours {
        match hours.iter_mut().find(|x| x.0 == h.day && x.1 == h.hour) {
            Some(x) => {
                x.2 += h.need;
                x.3 += h.staffed;
            }
            None => hours.push((h.day, h.hour, h.need, h.staffed)),
        }
    }
    hours.sort();
    let (w, ht, left, top, bottom) = (960.0, 220.0, 36.0, 12.0, 28.0);
    let max = hours.iter().map(|x| x.2.max(x.3)).max().unwrap_or(1).max(1) as f64;
    let n = hours.len().max(1) as f64;
    let step = (w - left - 8.0) / n;
    let y = |v: f64| top + (ht - top - bottom) * (1.0 - v / max);
    let path = |pick: &dyn Fn(&HourRow) -> u32| -> String {
        let mut d = String::new();
        for (i, x) in hours.iter().enumerate() {
            let (x0, x1) = (left + step * i as f64, left + step * (i + 1) as f64);
            let yy = y(f64::from(pick(x)));
            d.push_str(&format!(
                "{}{x0:.1},{yy:.1} L{x1:.1},{yy:.1} ",
                if i == 0 { "M" } else { "L" }
            ));
        }
        d
    };
    let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Mon"];
    html! {
        svg.chart.chart-coverage role="img" viewBox={ "0 0 " (w) " " (ht) } preserveAspectRatio="xMidYMid meet" {
            title { "Staff needed and staff on duty per hour" }
            desc { "Per open hour of the week, summed over roles: the requirement from the forecast and the people scheduled." }
            g.grid {
                @for t in 0..=(max as u32) {
                    @if max <= 8.0 || t % 2 == 0 {
                        line x1=(left) x2=(w - 8.0) y1=(format!("{:.1}", y(f64::from(t)))) y2=(format!("{:.1}", y(f64::from(t)))) {}
                        text.axis x=(left - 6.0) y=(format!("{:.1}", y(f64::from(t)) + 4.0)) text-anchor="end" { (t) }
                    }
                }
            }
            @for (i, x) in hours.iter().enumerate() {
                @if i == 0 || hours[i - 1].0 != x.0 {
                    text.axis x=(format!("{:.1}", left + step * i as f64)) y=(ht - 8.0) { (days.get(x.0 as usize).copied().unwrap_or("")) }
                }
            }
            path.need d=(path(&|x| x.2)) {}
            path.staffed d=(path(&|x| x.3)) {}
        }
        p.legend { span.key-need { "Needed" } " " span.key-staffed { "On duty" } }
    }
}

fn manager_view(t: &TenantPage, v: &WeekView) -> Markup {
    let fmt = t.fmt();
    let base = t.href("/labor");
    let week = v.week_start;
    let day_name = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    html! {
        div.actions {
            form method="post" action=(format!("{base}/build?week={week}")) {
                (csrf_field(&t.csrf))
                button.btn.btn-primary #build type="submit" { "Build from forecast" }
            }
            form method="post" action=(format!("{base}/copy?week={week}")) {
                (csrf_field(&t.csrf))
                button.btn type="submit" { "Copy last week" }
            }
            form method="post" action=(format!("{base}/publish?week={week}")) {
                (csrf_field(&t.csrf))
                button.btn #publish type="submit" { @if v.published_at.is_some() { "Publish again" } @else { "Publish" } }
            }
        }
        section.card.labor-kpis {
            dl.kpi-row {
                div { dt { "Labor cost" } dd #labor-cost { (fmt.money_f64(v.labor_cost)) } }
                div { dt { "Of forecast sales" } dd { (v.labor_share_of_forecast.map_or("–".into(), |s| fmt.percent(s, 1))) } }
                div { dt { "Of actual sales" } dd { (v.labor_share_of_actual.map_or("–".into(), |s| fmt.percent(s, 1))) } }
                div { dt { "Understaffed" } dd #under { (fmt.num(v.understaffed_hours, 1)) " staff-hours" } }
                div { dt { "Overstaffed" } dd { (fmt.num(v.overstaffed_hours, 1)) " staff-hours" } }
                div { dt { "Status" } dd #status { @if v.published_at.is_some() { "Published" } @else { "Draft" } } }
            }
            @for w in &v.warnings { p.muted { (w) } }
        }
        @if !v.hours.is_empty() {
            section.card {
                h2 { "Needed against on duty" }
                (coverage_chart(v))
            }
        }
        @if !v.rule_breaks.is_empty() {
            section.card role="alert" {
                h2 { "Rules broken" }
                ul { @for b in &v.rule_breaks { li { (b.message) } } }
            }
        }
        section.card {
            h2 { "The week" }
            div.table-scroll {
                table.table.week-grid {
                    thead { tr {
                        th scope="col" { "Person" }
                        @for d in 0..7 { th scope="col" { (day_name[d]) " " (fmt.date_short(week + Duration::days(d as i64))) } }
                        th scope="col" { "Hours" }
                    } }
                    tbody {
                        @for p in &v.people {
                            tr {
                                th scope="row" { (p.name) }
                                @for d in 0..7u32 {
                                    td {
                                        @for s in v.shifts.iter().filter(|s| s.staff_id == p.staff_id && s.day == d) {
                                            div.shift data-shift=(s.id) {
                                                span { (hhmm(&s.local_start)) "–" (hhmm(&s.local_end)) }
                                                " " span.muted { (s.role_name) }
                                                form method="post" action=(format!("{base}/shifts/{}/delete?week={week}", s.id)) {
                                                    (csrf_field(&t.csrf))
                                                    button.btn.btn-quiet type="submit" aria-label=(format!("Remove {}'s shift", p.name)) { "×" }
                                                }
                                            }
                                        }
                                    }
                                }
                                td { (fmt.num(p.scheduled_hours, 1))
                                    @if let Some(c) = p.contracted_hours { span.muted { " / " (fmt.num(c, 0)) } } }
                            }
                        }
                    }
                }
            }
        }
        form.card #add-shift method="post" action=(format!("{base}/shifts?week={week}")) {
            h2 { "Add a shift" }
            (csrf_field(&t.csrf))
            div.grid-3 {
                label { "Person" select name="staff_id" { @for p in &v.people { option value=(p.staff_id) { (p.name) } } } }
                label { "Role" select name="role_id" { @for r in &v.roles { option value=(r.id) { (r.name) } } } }
                label { "Day" select name="day" { @for d in 0..7 { option value=(d) { (day_name[d]) } } } }
                label { "From" input type="time" name="from" step="900" value="11:00"; }
                label { "To" input type="time" name="to" step="900" value="17:00"; }
            }
            button.btn.btn-primary type="submit" { "Add shift" }
        }
    }
}

fn my_view(t: &TenantPage, v: &WeekView) -> Markup {
    let fmt = t.fmt();
    html! {
        section.card.my-shifts {
            h2 { "My shifts" }
            @if v.shifts.is_empty() {
                p.muted { "No published shifts for you this week." }
            } @else {
                ul.plain {
                    @for s in &v.shifts {
                        li.shift {
                            strong { (fmt.weekday(s.day as usize)) } " "
                            (hhmm(&s.local_start)) "–" (hhmm(&s.local_end)) " · " (s.role_name)
                            " · " (fmt.num(s.paid_hours, 1)) " h"
                        }
                    }
                }
            }
        }
    }
}

async fn render(
    mut t: TenantPage,
    week: NaiveDate,
    status: StatusCode,
    note: Option<&str>,
    problem: Option<String>,
) -> WebResult {
    let who = caller(&t);
    let v = match schedule::week(&mut t.tx, t.restaurant_id, who, week).await {
        Ok(v) => v,
        // A member without a staff record sees an empty week.
        Err(e) if e.kind() == Some(flux_app::Kind::NotFound) && !who.manages() => {
            let body = html! { h1 { "Schedule" } p.muted { "You have no staff record in this restaurant yet." } };
            let page = t.render(crate::nav::LABOR, "Schedule", None, body);
            t.commit().await?;
            return Ok((StatusCode::OK, page).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let base = t.href("/labor");
    let body = html! {
        h1 { "Schedule" }
        nav.week-nav aria-label="Weeks" {
            a href=(format!("{base}?week={}", week - Duration::days(7))) { "← Previous week" }
            " " strong { "Week of " (t.fmt().date(week)) } " "
            a href=(format!("{base}?week={}", week + Duration::days(7))) { "Next week →" }
            " · " a href=(t.href("/labor/clock")) { "Time clock" }
            " · " a href=(t.href("/labor/staff")) { "Staff" }
        }
        @if let Some(p) = &problem { p.alert role="alert" #problem { (p) } }
        @if who.manages() { (manager_view(&t, &v)) } @else { (my_view(&t, &v)) }
    };
    let page = t.render(crate::nav::LABOR, "Schedule", note, body);
    t.commit().await?;
    Ok((status, page).into_response())
}

pub async fn page(t: TenantPage, Query(q): Query<WeekQuery>) -> WebResult {
    let week = week_of(&t, q.week.as_deref());
    render(t, week, StatusCode::OK, notice(q.done.as_deref()), None).await
}

/// Runs a week action and returns to the week with a notice.
async fn week_action(mut t: TenantPage, q: WeekQuery, done: &str, action: ActionKind) -> WebResult {
    let week = week_of(&t, q.week.as_deref());
    let who = caller(&t);
    let result = match action {
        ActionKind::Build => schedule::build(&mut t.tx, t.restaurant_id, who, week)
            .await
            .map(|_| ()),
        ActionKind::Copy => schedule::copy_previous(&mut t.tx, t.restaurant_id, who, week)
            .await
            .map(|_| ()),
        ActionKind::Publish => schedule::publish(&mut t.tx, t.restaurant_id, who, week)
            .await
            .map(|_| ()),
    };
    result?;
    let to = t.href(&format!("/labor?week={week}&done={done}"));
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

enum ActionKind {
    Build,
    Copy,
    Publish,
}

pub async fn build(
    t: TenantPage,
    Query(q): Query<WeekQuery>,
    CsrfForm(_): CsrfForm<Empty>,
) -> WebResult {
    week_action(t, q, "built", ActionKind::Build).await
}

pub async fn copy(
    t: TenantPage,
    Query(q): Query<WeekQuery>,
    CsrfForm(_): CsrfForm<Empty>,
) -> WebResult {
    week_action(t, q, "copied", ActionKind::Copy).await
}

pub async fn publish(
    t: TenantPage,
    Query(q): Query<WeekQuery>,
    CsrfForm(_): CsrfForm<Empty>,
) -> WebResult {
    week_action(t, q, "published", ActionKind::Publish).await
}

#[derive(Deserialize)]
pub struct ShiftForm {
    staff_id: String,
    role_id: String,
    day: u32,
    from: String,
    to: String,
}

pub async fn add_shift(
    mut t: TenantPage,
    Query(q): Query<WeekQuery>,
    CsrfForm(f): CsrfForm<ShiftForm>,
) -> WebResult {
    let week = week_of(&t, q.week.as_deref());
    let (Ok(staff_id), Ok(role_id)) = (f.staff_id.parse(), f.role_id.parse()) else {
        return Err(WebError::BadRequest("choose a person and a role".into()));
    };
    let day = week + Duration::days(i64::from(f.day.min(6)));
    // An end at or before the start runs past midnight.
    let end_day = if f.to <= f.from {
        day + Duration::days(1)
    } else {
        day
    };
    let input = ShiftInput {
        staff_id,
        role_id,
        start: format!("{day}T{}", f.from.trim()),
        end: format!("{end_day}T{}", f.to.trim()),
    };
    // A savepoint: a refused shift leaves the week exactly as it was,
    // and the page is still rendered in this transaction.
    let who = caller(&t);
    let mut sp = sqlx::Acquire::begin(&mut *t.tx).await?;
    match schedule::save_shift(&mut sp, t.restaurant_id, who, week, None, input).await {
        Ok(_) => sp.commit().await?,
        Err(AppError::Rejected { detail, .. }) => {
            sp.rollback().await?;
            return render(
                t,
                week,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(detail),
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    }
    let to = t.href(&format!("/labor?week={week}&done=shift-added"));
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

pub async fn delete_shift(
    mut t: TenantPage,
    params: RawPathParams,
    Query(q): Query<WeekQuery>,
    CsrfForm(_): CsrfForm<Empty>,
) -> WebResult {
    let week = week_of(&t, q.week.as_deref());
    let id = path_uuid(&params, "shift_id")?;
    let who = caller(&t);
    schedule::delete_shift(&mut t.tx, t.restaurant_id, who, week, id).await?;
    let to = t.href(&format!("/labor?week={week}&done=shift-removed"));
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

/// The kiosk: managers see everyone with a button each; anyone else themselves.
pub async fn clock_page(mut t: TenantPage, Query(q): Query<WeekQuery>) -> WebResult {
    let who = caller(&t);
    let people = match staff::list(&mut t.tx, t.restaurant_id, who).await {
        Ok(p) => p,
        Err(e) if e.kind() == Some(flux_app::Kind::NotFound) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let now = chrono::Utc::now();
    let open: Vec<uuid::Uuid> = match clock::entries(
        &mut t.tx,
        t.restaurant_id,
        who,
        now - Duration::days(2),
        now + Duration::minutes(1),
    )
    .await
    {
        Ok(e) => e
            .into_iter()
            .filter(|e| e.clock_out.is_none())
            .map(|e| e.staff_id)
            .collect(),
        Err(_) => Vec::new(),
    };
    let base = t.href("/labor/clock");
    let body = html! {
        h1 { "Time clock" }
        @if people.is_empty() { p.muted { "You have no staff record in this restaurant yet." } }
        ul.plain.kiosk {
            @for p in people.iter().filter(|p| p.active) {
                li {
                    span.kiosk-name { (p.name) }
                    @if open.contains(&p.id) {
                        form method="post" action=(format!("{base}/{}/out", p.id)) {
                            (csrf_field(&t.csrf))
                            label { "Break (min) " input type="number" name="break_minutes" min="0" max="240" value="0"; }
                            button.btn type="submit" { "Clock out" }
                        }
                    } @else {
                        form method="post" action=(format!("{base}/{}/in", p.id)) {
                            (csrf_field(&t.csrf))
                            button.btn.btn-primary type="submit" { "Clock in" }
                        }
                    }
                }
            }
        }
    };
    let page = t.render(
        crate::nav::LABOR,
        "Time clock",
        notice(q.done.as_deref()),
        body,
    );
    t.commit().await?;
    Ok((StatusCode::OK, page).into_response())
}

#[derive(Deserialize, Default)]
pub struct OutForm {
    #[serde(default)]
    break_minutes: Option<String>,
}

pub async fn clock_in(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(_): CsrfForm<Empty>,
) -> WebResult {
    let id = path_uuid(&params, "staff_id")?;
    let who = caller(&t);
    clock::clock_in(&mut t.tx, t.restaurant_id, who, id).await?;
    let to = t.href("/labor/clock?done=clocked-in");
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

pub async fn clock_out(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(f): CsrfForm<OutForm>,
) -> WebResult {
    let id = path_uuid(&params, "staff_id")?;
    let minutes = f
        .break_minutes
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map_or(Ok(0), str::parse::<i32>);
    let Ok(minutes) = minutes else {
        return Err(WebError::BadRequest(
            "the break is a number of minutes".into(),
        ));
    };
    let who = caller(&t);
    clock::clock_out(&mut t.tx, t.restaurant_id, who, id, minutes).await?;
    let to = t.href("/labor/clock?done=clocked-out");
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}
