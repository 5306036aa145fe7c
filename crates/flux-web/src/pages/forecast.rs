//! Demand forecasts: "Tomorrow's prep" (every dish for one day, with a
//! button to refresh the forecast) and one dish's page (recent sales and
//! the forecast on one chart, the forecast days explained, feedback and
//! accuracy).
//!
//! Both writes are the same use cases the JSON API calls: refreshing is
//! `flux_app::forecasts::run` with `Trigger::Api` and the production
//! model, feedback is `flux_app::forecasts::feedback::give` (its rules live
//! there only), and both need a role that may write data. What the pages
//! draw comes from `flux_app::forecasts::stored`, which reads the newest
//! completed run exactly as the API serves it, and for a dish only that
//! dish's rows.

use std::collections::HashMap;

use axum::extract::{Query, RawPathParams, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::{Datelike, Duration, NaiveDate};
use flux_app::forecasts::feedback::{self, Feedback, FeedbackInput, Verdict};
use flux_app::forecasts::overrides::{self, OverrideInput};
use flux_app::forecasts::stockouts::{self, StockoutDay, StockoutInput, StockoutSource};
use flux_app::forecasts::stored::{self, MenuItem, Run, StoredForecast};
use flux_app::forecasts::{DemandError, RunOptions, Trigger};
use flux_app::AppError;
use flux_domain::role::Action;
use flux_domain::FieldError;
use flux_forecast::{ColdStartTier, Explanation, ModelKind, TemperatureBand};
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;

use crate::charts::{self, ForecastChart};
use crate::error::{WebError, WebResult};
use crate::extract::{path_uuid, CsrfForm, TenantPage};
use crate::format::{Fmt, WEEKDAY_NAMES};
use crate::layout::{csrf_field, described_by, empty_state, field, notice_text};
use crate::pages::uploads::problem_box;
use crate::{nav, WebState};

/// Days of actual sales drawn before the forecast on a dish's chart.
const HISTORY_DAYS: i64 = 56;
/// Past days a cook can still give feedback on from the dish page.
const FEEDBACK_PAST_DAYS: i64 = 7;
/// Feedback entries listed on a dish's page.
const FEEDBACK_SHOWN: i64 = 50;
fn label(v: Verdict) -> &'static str {
    match v {
        Verdict::TooHigh => "Too high",
        Verdict::TooLow => "Too low",
        Verdict::AboutRight => "About right",
    }
}

fn verdict_label(v: &str) -> &str {
    match Verdict::parse(v) {
        Some(verdict) => label(verdict),
        None => v,
    }
}

/// Today in the restaurant's timezone: "tomorrow" is the restaurant's, not
/// the server's.
fn today(t: &TenantPage) -> NaiveDate {
    t.restaurant.timezone.today()
}

fn parse_day(raw: Option<&str>) -> Option<NaiveDate> {
    raw.and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
}

/// A forecast quantity: whole portions when it is one, else one decimal
/// (slow dishes forecast fractions that still matter).
fn units(fmt: &Fmt, v: f64) -> String {
    if (v - v.round()).abs() < 0.05 {
        fmt.num(v.round(), 0)
    } else {
        fmt.num(v, 1)
    }
}

fn range(fmt: &Fmt, f: &StoredForecast) -> String {
    format!("{}–{}", units(fmt, f.p10), units(fmt, f.p90))
}

/// A multiplier as a signed change: 1.2 → "+20%", 0.9 → "−10%".
fn change(fmt: &Fmt, m: f32) -> String {
    let d = f64::from(m) - 1.0;
    let sign = if d < 0.0 { "−" } else { "+" };
    format!("{sign}{}", fmt.percent(d.abs(), 0))
}

/// The forecast's reasons as a sentence, with the restaurant's number
/// formats. Falls back to the engine's short text when the stored
/// structure is not one this version understands.
/// Names of the restaurant's events per day, for naming their effect.
type EventNames = HashMap<NaiveDate, String>;

fn explain(fmt: &Fmt, f: &StoredForecast, events: &EventNames) -> String {
    match serde_json::from_value::<Explanation>(f.explanation.clone()) {
        Ok(e) => words(fmt, &e, events.get(&f.date).map(String::as_str)),
        Err(_) => f.logic_trigger.clone(),
    }
}

/// `event`: the name of the day's event, which the special-day effect is.
fn words(fmt: &Fmt, e: &Explanation, event: Option<&str>) -> String {
    let day = WEEKDAY_NAMES[e.weekday.num_days_from_monday() as usize];
    if e.closed {
        return format!("Closed on {day}s: nothing to prep.");
    }
    let m = f64::from(e.weekday_multiplier);
    let mut parts = vec![if (m - 1.0).abs() < 0.05 {
        format!("{day}s are about average")
    } else {
        format!("{day}s sell {}× an average day", fmt.num(m, 1))
    }];
    let level = f64::from(e.recent_level);
    parts.push(format!(
        "recent demand is about {} a day",
        fmt.num(level, if level >= 10.0 { 0 } else { 1 })
    ));
    for (what, effect) in [
        ("public holiday", e.holiday_effect),
        (event.unwrap_or("special day"), e.special_day_effect),
        ("promotion", e.promo_effect),
        ("rain", e.rain_effect),
        (
            match e.temperature_band {
                Some(TemperatureBand::Warm) => "a warmer day than of late",
                Some(TemperatureBand::Cold) => "a colder day than of late",
                None => "",
            },
            e.temperature_effect
                .filter(|_| e.temperature_band.is_some()),
        ),
        ("the season (as in earlier years)", e.season_effect),
    ] {
        if let Some(m) = effect {
            parts.push(format!("{what} {}", change(fmt, m)));
        }
    }
    match e.cold_start {
        ColdStartTier::CategoryPrior => {
            parts.push("new dish: based on similar dishes in its category".into())
        }
        ColdStartTier::Blend => parts.push("short history: partly based on its category".into()),
        ColdStartTier::ItemHistory => {}
    }
    format!("{}.", parts.join("; "))
}

fn confidence(fmt: &Fmt, f: &StoredForecast, threshold: f64) -> Markup {
    let c = f64::from(f.confidence_score);
    html! {
        (fmt.percent(c, 0))
        @if c < threshold {
            " " span.badge.warn title="Below the confidence threshold in Settings: check before relying on it" { "Low" }
        }
    }
}

/// "Tue, 5 Mar 2024", with "today"/"tomorrow" where it applies.
fn day_label(fmt: &Fmt, d: NaiveDate, today: NaiveDate) -> String {
    let base = format!(
        "{}, {}",
        fmt.weekday(d.weekday().num_days_from_monday() as usize),
        fmt.date(d)
    );
    match (d - today).num_days() {
        0 => format!("{base} (today)"),
        1 => format!("{base} (tomorrow)"),
        -1 => format!("{base} (yesterday)"),
        _ => base,
    }
}

fn run_days(run: &Run) -> Vec<NaiveDate> {
    (0..i64::from(run.horizon_days.max(0)))
        .map(|i| run.as_of + Duration::days(i))
        .collect()
}

fn run_note(t: &TenantPage, fmt: &Fmt, run: &Run) -> Markup {
    html! {
        p.muted.small {
            "Forecast made " (fmt.datetime(run.created_at, t.restaurant.timezone))
            " from sales up to " (fmt.date(run.as_of - Duration::days(1)))
            ", for " (fmt.int(i64::from(run.items))) " dish(es) over " (fmt.int(i64::from(run.horizon_days))) " days. "
            a href=(t.href("/forecast/model")) { "How the forecast works" }
            " · "
            a href=(t.href("/forecast/events")) { "Events" }
            " · "
            a href=(t.href("/forecast/weather")) { "Weather" }
        }
    }
}

fn refresh_form(t: &TenantPage, day: NaiveDate) -> Markup {
    html! {
        form.refresh method="post" action=(t.href("/forecast")) {
            (csrf_field(&t.csrf))
            input type="hidden" name="date" value=(day.to_string());
            button.btn.btn-primary type="submit" { "Refresh forecast" }
        }
    }
}

#[derive(Deserialize, Default)]
pub struct PrepQuery {
    date: Option<String>,
    done: Option<String>,
}

/// One week of a dish's past forecasts against its sales.
struct PastWeek {
    monday: NaiveDate,
    forecast: f64,
    sold: f64,
    days: usize,
    within: usize,
    above: usize,
    below: usize,
}

/// Past forecast days grouped by week (Monday first), newest week first.
fn past_weeks(past: &[stored::PastDay]) -> Vec<PastWeek> {
    let mut weeks: Vec<PastWeek> = Vec::new();
    for p in past {
        let monday = p.date - Duration::days(i64::from(p.date.weekday().num_days_from_monday()));
        if weeks.last().is_none_or(|w| w.monday != monday) {
            weeks.push(PastWeek {
                monday,
                forecast: 0.0,
                sold: 0.0,
                days: 0,
                within: 0,
                above: 0,
                below: 0,
            });
        }
        if let Some(w) = weeks.last_mut() {
            w.forecast += p.p50;
            w.sold += p.actual;
            w.days += 1;
            if p.actual > p.p90 {
                w.above += 1;
            } else if p.actual < p.p10 {
                w.below += 1;
            } else {
                w.within += 1;
            }
        }
    }
    weeks.reverse();
    weeks
}

pub async fn prep(t: TenantPage, Query(q): Query<PrepQuery>) -> WebResult {
    let day = parse_day(q.date.as_deref());
    render_prep(t, day, notice_text(q.done.as_deref()), None, StatusCode::OK).await
}

async fn render_prep(
    mut t: TenantPage,
    day: Option<NaiveDate>,
    notice: Option<&str>,
    problem: Option<Markup>,
    status: StatusCode,
) -> WebResult {
    let rid = t.restaurant_id;
    let today = today(&t);
    let day = day.unwrap_or(today + Duration::days(1));
    let stored::PrepView {
        run,
        forecasts: rows,
        has_sales,
        confidence_threshold: threshold,
        total: restaurant_total,
    } = stored::prep(&mut t.tx, rid, day).await?;
    let event_names = flux_app::events::names_by_day(&mut t.tx, rid, day, day).await?;
    let fmt = t.fmt();
    let title = if day == today + Duration::days(1) {
        "Tomorrow’s prep".to_string()
    } else {
        format!("Prep for {}", day_label(&fmt, day, today))
    };
    let can_refresh = t.can(Action::WriteData);
    let mut days = run.as_ref().map(run_days).unwrap_or_default();
    if !days.contains(&day) {
        days.push(day);
        days.sort_unstable();
    }
    let total: f64 = rows.iter().map(|f| f.p50).sum();
    let low = rows
        .iter()
        .filter(|f| f64::from(f.confidence_score) < threshold)
        .count();
    let body = html! {
        div.page-head {
            h1 { (title) }
            @if can_refresh && (has_sales || run.is_some()) { (refresh_form(&t, day)) }
        }
        p.muted.period { (day_label(&fmt, day, today)) }
        @if let Some(p) = problem { (p) }
        @if let Some(r) = &run {
            form.filters.day-picker method="get" action=(t.href("/forecast")) {
                div.field {
                    label for="date" { "Day" }
                    select #date name="date" {
                        @for d in &days {
                            option value=(d.to_string()) selected[*d == day] { (day_label(&fmt, *d, today)) }
                        }
                    }
                }
                div.filter-actions { button.btn type="submit" { "Show" } }
            }
            (run_note(&t, &fmt, r))
        }
        @if run.is_none() && !has_sales {
            (empty_state(
                "No forecasts yet",
                "Forecasts are made from your sales history. Import your sales first, then refresh the forecast here.",
                Some((&t.href("/uploads"), "Upload sales")),
            ))
        } @else if run.is_none() {
            div.empty {
                h2 { "No forecasts yet" }
                @if can_refresh {
                    p { "Your sales are imported. Press “Refresh forecast” to forecast every dish for the coming days." }
                    (refresh_form(&t, day))
                } @else {
                    p { "Your sales are imported. Ask an owner, manager or chef of this restaurant to refresh the forecast." }
                }
            }
        } @else if rows.is_empty() {
            div.empty {
                h2 { "No forecast for this day" }
                p {
                    "The latest forecast does not cover " (fmt.date(day)) ". "
                    @if can_refresh { "Refresh the forecast to cover the coming days." }
                    @else { "Ask an owner, manager or chef to refresh the forecast." }
                }
            }
        } @else {
            div.kpis {
                div.kpi { span.kpi-label { "Dishes" } span.kpi-value { (fmt.int(rows.len() as i64)) } }
                div.kpi { span.kpi-label { "Portions to prep" } span.kpi-value { (units(&fmt, total)) } span.kpi-sub { "sum of the medians" } }
                @if let Some(rt) = &restaurant_total {
                    div.kpi.restaurant-total {
                        span.kpi-label { "Whole restaurant" }
                        span.kpi-value { (units(&fmt, rt.mean)) }
                        span.kpi-sub { "expected in all; 8 days in 10 between " (units(&fmt, rt.p10)) " and " (units(&fmt, rt.p90)) }
                    }
                }
                div.kpi {
                    span.kpi-label { "Low confidence" }
                    span.kpi-value { (fmt.int(low as i64)) }
                    span.kpi-sub { "below " (fmt.percent(threshold, 0)) }
                }
            }
            section.card {
                h2 { "What to prep" }
                p.muted.small {
                    "“Prep” is the median forecast: half the time fewer sell, half the time more. "
                    "The range holds 8 days in 10 (10th to 90th percentile). "
                    "Forecasts below " (fmt.percent(threshold, 0)) " confidence are flagged "
                    span.badge.warn { "Low" } "."
                }
                table.table.stack.prep {
                    thead { tr {
                        th scope="col" { "Dish" }
                        th.num scope="col" { "Prep" }
                        th.num scope="col" { "Range" }
                        th.num scope="col" { "Confidence" }
                        th scope="col" { "Why" }
                    } }
                    tbody {
                        @for f in &rows {
                            tr {
                                td data-label="Dish" {
                                    a href=(t.href(&format!("/forecast/{}", f.menu_item_id))) { (f.menu_item_name) }
                                }
                                td.num.prep-qty data-label="Prep" {
                                    (units(&fmt, f.p50))
                                    @if f.override_quantity.is_some() {
                                        " " span.badge title=(format!("Model: {}", units(&fmt, f.model_p50))) { "Overridden" }
                                    }
                                }
                                td.num data-label="Range" { (range(&fmt, f)) }
                                td.num data-label="Confidence" { (confidence(&fmt, f, threshold)) }
                                td.why data-label="Why" {
                                    @if let Some(r) = &f.override_reason {
                                        "Set by a person (model said " (units(&fmt, f.model_p50)) "): " (r)
                                    } @else {
                                        (explain(&fmt, f, &event_names))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let page = t.render(nav::FORECAST, &title, notice, body);
    t.commit().await?;
    Ok((status, page).into_response())
}

#[derive(Deserialize, Default)]
pub struct RefreshForm {
    /// The day the page showed, to come back to it.
    date: Option<String>,
}

pub async fn refresh(
    State(state): State<WebState>,
    t: TenantPage,
    CsrfForm(f): CsrfForm<RefreshForm>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let day = parse_day(f.date.as_deref());
    let (rid, user) = (t.restaurant_id, t.user_id);
    // A run opens its own transactions and may take a while: hold none.
    let frame = t.suspend().await?;
    let opts = RunOptions {
        model: ModelKind::Production,
        horizon: None,
        as_of: None,
        trigger: Trigger::Api,
        user_id: Some(user),
    };
    let problem = match flux_app::forecasts::run(state.pool(), rid, &opts).await {
        Ok(_) => {
            let date = day.map(|d| format!("date={d}&")).unwrap_or_default();
            let to = nav::href(rid, &format!("/forecast?{date}done=forecast-refreshed"));
            return Ok(Redirect::to(&to).into_response());
        }
        Err(DemandError::NoHistory) => problem_box(
            "There is no sales history to forecast from",
            html! {
                p {
                    "Forecasts are made from past sales. "
                    a href=(nav::href(rid, "/uploads")) { "Upload your sales" }
                    ", then refresh the forecast."
                }
            },
        ),
        Err(DemandError::NoRestaurant) => return Err(WebError::NotFound),
        Err(e @ DemandError::TimeBudgetExceeded { .. }) => problem_box(
            "The forecast is taking too long",
            html! { p { (e.to_string()) ". It will be made again later; try refreshing in a few minutes." } },
        ),
        Err(DemandError::Engine(e)) => problem_box(
            "The forecast could not be made",
            html! { p { (e.to_string()) } },
        ),
        Err(other) => return Err(WebError::Internal(anyhow::anyhow!(other))),
    };
    let t = TenantPage::resume(frame, &state).await?;
    render_prep(
        t,
        day,
        None,
        Some(problem),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn load_item(t: &mut TenantPage, params: &RawPathParams) -> WebResult<MenuItem> {
    let id = path_uuid(params, "item_id")?;
    Ok(stored::dish(&mut t.tx, t.restaurant_id, id).await?)
}

/// The feedback form as typed.
#[derive(Deserialize, Default)]
pub struct FeedbackForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    verdict: String,
    #[serde(default)]
    note: String,
}

impl FeedbackForm {
    fn input(&self, menu_item_id: Uuid) -> FeedbackInput {
        FeedbackInput {
            menu_item_id,
            date: parse_day(Some(&self.date)),
            verdict: self.verdict.clone(),
            note: Some(self.note.clone()),
        }
    }
}

/// The use case's field errors, worded for the form beside each field.
fn form_errors(errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| {
            let message = match e.field.as_str() {
                "date" => "Choose the day.".to_string(),
                "verdict" => "Choose too high, too low or about right.".to_string(),
                "note" => format!("The note {}.", e.message),
                _ => e.message.clone(),
            };
            FieldError { message, ..e }
        })
        .collect()
}

/// The override form as typed.
#[derive(Deserialize, Default)]
pub struct OverrideForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    reason: String,
}

impl OverrideForm {
    fn input(&self, menu_item_id: Uuid) -> OverrideInput {
        OverrideInput {
            menu_item_id,
            date: parse_day(Some(&self.date)),
            quantity: self.quantity.trim().replace(',', ".").parse::<f64>().ok(),
            reason: self.reason.clone(),
        }
    }
}

/// What the dish page's two forms hold when one comes back with errors.
#[derive(Default)]
struct Forms {
    feedback: FeedbackForm,
    feedback_errors: Vec<FieldError>,
    override_form: OverrideForm,
    override_errors: Vec<FieldError>,
    stockout_errors: Vec<FieldError>,
}

/// The override use case's field errors, worded for the form.
fn override_errors(errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| {
            let message = match (e.field.as_str(), e.code) {
                ("date", "in_the_past") => "Choose today or a later day.".to_string(),
                ("date", _) => "Choose the day.".to_string(),
                ("quantity", _) => format!(
                    "Enter how many you expect to sell, from 0 to {}.",
                    flux_domain::forecast::OVERRIDE_MAX
                ),
                ("reason", "required") => "Say why, so others know.".to_string(),
                ("reason", _) => format!("The reason {}.", e.message),
                _ => e.message.clone(),
            };
            FieldError { message, ..e }
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub struct DishQuery {
    done: Option<String>,
}

pub async fn dish(
    mut t: TenantPage,
    params: RawPathParams,
    Query(q): Query<DishQuery>,
) -> WebResult {
    let item = load_item(&mut t, &params).await?;
    render_dish(
        t,
        &item,
        notice_text(q.done.as_deref()),
        &Forms::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn feedback(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(f): CsrfForm<FeedbackForm>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let item = load_item(&mut t, &params).await?;
    let input = f.input(item.menu_item_id);
    match feedback::give(&mut t.tx, t.restaurant_id, t.user_id, &input).await {
        Ok(_) => {}
        Err(AppError::Rejected { errors, .. }) if !errors.is_empty() => {
            let forms = Forms {
                feedback: f,
                feedback_errors: form_errors(errors),
                ..Forms::default()
            };
            return render_dish(t, &item, None, &forms, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(e) => return Err(e.into()),
    }
    let to = t.href(&format!(
        "/forecast/{}?done=feedback-saved#feedback",
        item.menu_item_id
    ));
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

/// Sets a dish-day's override from the dish page.
pub async fn set_override(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(f): CsrfForm<OverrideForm>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let item = load_item(&mut t, &params).await?;
    let input = f.input(item.menu_item_id);
    match overrides::set(&mut t.tx, t.restaurant_id, t.user_id, &input).await {
        Ok(_) => {}
        Err(AppError::Rejected { errors, .. }) if !errors.is_empty() => {
            let forms = Forms {
                override_form: f,
                override_errors: override_errors(errors),
                ..Forms::default()
            };
            return render_dish(t, &item, None, &forms, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(e) => return Err(e.into()),
    }
    let to = t.href(&format!(
        "/forecast/{}?done=override-saved#overrides",
        item.menu_item_id
    ));
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

/// The sold-out form: which day, and an optional note.
#[derive(Deserialize, Default)]
pub struct StockoutForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    note: String,
}

/// Marks a day on which the dish sold out.
pub async fn mark_stockout(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(f): CsrfForm<StockoutForm>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let item = load_item(&mut t, &params).await?;
    let input = StockoutInput {
        menu_item_id: item.menu_item_id,
        date: parse_day(Some(&f.date)),
        note: f.note,
    };
    match stockouts::mark(&mut t.tx, t.restaurant_id, t.user_id, &input).await {
        Ok(_) => {}
        Err(AppError::Rejected { errors, .. }) if !errors.is_empty() => {
            let forms = Forms {
                stockout_errors: errors,
                ..Forms::default()
            };
            return render_dish(t, &item, None, &forms, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(e) => return Err(e.into()),
    }
    let to = t.href(&format!(
        "/forecast/{}?done=stockout-saved#stockouts",
        item.menu_item_id
    ));
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

/// Unmarks a sold-out day.
pub async fn unmark_stockout(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(_): CsrfForm<crate::extract::Empty>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let item = load_item(&mut t, &params).await?;
    let date = path_day(&params)?;
    stockouts::unmark(&mut t.tx, t.restaurant_id, item.menu_item_id, date).await?;
    let to = t.href(&format!(
        "/forecast/{}?done=stockout-removed#stockouts",
        item.menu_item_id
    ));
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

/// The `{date}` of a dish-day path; a malformed one names no day.
fn path_day(params: &RawPathParams) -> Result<NaiveDate, WebError> {
    params
        .iter()
        .find(|(k, _)| *k == "date")
        .and_then(|(_, v)| parse_day(Some(v)))
        .ok_or(WebError::NotFound)
}

/// Days a dish sold out: a form to mark one (today or the two weeks
/// before) and the last weeks' days, marked or inferred.
fn stockout_section(
    t: &TenantPage,
    fmt: &Fmt,
    id: Uuid,
    today: NaiveDate,
    days: &[StockoutDay],
    errors: &[FieldError],
    can_write: bool,
) -> Markup {
    let date_err = errors
        .iter()
        .find(|e| e.field == "date")
        .map(|_| "Choose today or one of the last two weeks.".to_string());
    let note_err = errors
        .iter()
        .find(|e| e.field == "note")
        .map(|_| "Keep the note to 500 characters of plain text.".to_string());
    html! {
        section.card #stockouts {
            h2 { "Sold out" }
            p.muted.small {
                "On a day this dish ran out, it would have sold more than it did. Mark such days and the forecast "
                "reads their sales as the least that was wanted, not as a quiet day. Days when its sales stopped "
                "hours before the rest of the restaurant’s are found in timed sales on their own."
            }
            @if can_write {
                form.stockout-form method="post" action=(t.href(&format!("/forecast/{id}/stockout"))) novalidate {
                    (csrf_field(&t.csrf))
                    @if !errors.is_empty() {
                        p.alert role="alert" { "Please correct the fields marked below." }
                    }
                    (field("stockout-date", "Day it ran out", None, date_err.as_deref(), html! {
                        select #stockout-date name="date"
                            aria-invalid=[date_err.as_ref().map(|_| "true")]
                            aria-describedby=[described_by("stockout-date", false, date_err.as_deref())] {
                            @for back in 0..14 {
                                @let d = today - Duration::days(back);
                                option value=(d.to_string()) selected[back == 1] { (day_label(fmt, d, today)) }
                            }
                        }
                    }))
                    (field("stockout-note", "Note (optional)", Some("E.g. “gone by 9 pm”."), note_err.as_deref(), html! {
                        input #stockout-note type="text" name="note" maxlength="500"
                            aria-invalid=[note_err.as_ref().map(|_| "true")]
                            aria-describedby=[described_by("stockout-note", true, note_err.as_deref())];
                    }))
                    div.actions { button.btn.btn-primary type="submit" { "Mark sold out" } }
                }
            }
            @if days.is_empty() {
                p.muted { "No sold-out days in the last eight weeks." }
            } @else {
                table.table.stack.stockout-list {
                    thead { tr {
                        th scope="col" { "Day" }
                        th scope="col" { "How we know" }
                        th scope="col" { "Note" }
                        @if can_write { th scope="col" { span.visually-hidden { "Actions" } } }
                    } }
                    tbody {
                        @for d in days {
                            tr {
                                td data-label="Day" { (day_label(fmt, d.date, today)) }
                                td data-label="How we know" {
                                    @match d.source {
                                        StockoutSource::Marked => { "Marked" }
                                        StockoutSource::Inferred => { "From the sales times" }
                                    }
                                }
                                td data-label="Note" { (d.note.as_deref().unwrap_or("")) }
                                @if can_write {
                                    td {
                                        @if d.source == StockoutSource::Marked {
                                            form method="post" action=(t.href(&format!("/forecast/{id}/stockout/{}/remove", d.date))) {
                                                (csrf_field(&t.csrf))
                                                button.btn.btn-quiet type="submit" { "Unmark" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Removes a dish-day's override: the model's forecast applies again.
pub async fn remove_override(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(_): CsrfForm<crate::extract::Empty>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let item = load_item(&mut t, &params).await?;
    let date = path_day(&params)?;
    overrides::remove(&mut t.tx, t.restaurant_id, item.menu_item_id, date).await?;
    let to = t.href(&format!(
        "/forecast/{}?done=override-removed#overrides",
        item.menu_item_id
    ));
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

async fn render_dish(
    mut t: TenantPage,
    item: &MenuItem,
    notice: Option<&str>,
    forms: &Forms,
    status: StatusCode,
) -> WebResult {
    let (form, errors) = (&forms.feedback, &forms.feedback_errors);
    let rid = t.restaurant_id;
    let id = item.menu_item_id;
    let today = today(&t);
    let stored::DishView {
        run,
        forecasts,
        history,
        feedback,
        members: who,
        accuracy,
        past,
        sold_out,
        confidence_threshold: threshold,
        overrides: dish_overrides,
    } = stored::dish_view(&mut t.tx, rid, id, today, HISTORY_DAYS, FEEDBACK_SHOWN).await?;
    let event_names = match (forecasts.first(), forecasts.last()) {
        (Some(first), Some(last)) => {
            flux_app::events::names_by_day(&mut t.tx, rid, first.date, last.date).await?
        }
        _ => EventNames::new(),
    };
    let fmt = t.fmt();

    let hist_points: Vec<(String, f64)> = history
        .iter()
        .map(|(d, v)| (fmt.date_short(*d), *v))
        .collect();
    let fc_points: Vec<(String, f64, f64, f64)> = forecasts
        .iter()
        .map(|f| (fmt.date_short(f.date), f.p10, f.p50, f.p90))
        .collect();
    let forecast_of: HashMap<NaiveDate, (f64, f64)> =
        past.iter().map(|p| (p.date, (p.p10, p.p90))).collect();
    let past_bands: Vec<Option<(f64, f64)>> = history
        .iter()
        .map(|(d, _)| forecast_of.get(d).copied())
        .collect();
    let weeks = past_weeks(&past);
    let y_label = |v: f64| fmt.compact(v);
    let description = format!(
        "Daily portions of {} sold over the last {} days, then the forecast median with its 10th–90th percentile range shaded.",
        item.name,
        history.len()
    );

    // Feedback days: the last week (judging what happened) and the
    // forecast days (judging what is expected); tomorrow first by default.
    let mut feedback_days: Vec<NaiveDate> = (1..=FEEDBACK_PAST_DAYS)
        .rev()
        .map(|i| today - Duration::days(i))
        .collect();
    for f in &forecasts {
        if !feedback_days.contains(&f.date) {
            feedback_days.push(f.date);
        }
    }
    let chosen = parse_day(Some(&form.date)).unwrap_or_else(|| {
        let tomorrow = today + Duration::days(1);
        if feedback_days.contains(&tomorrow) {
            tomorrow
        } else {
            forecasts
                .first()
                .map_or(today - Duration::days(1), |f| f.date)
        }
    });
    let message = |name: &str| {
        errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.message.clone())
    };
    let (date_err, verdict_err, note_err) = (message("date"), message("verdict"), message("note"));
    let can_write = t.can(Action::WriteData);

    let body = html! {
        nav.breadcrumb aria-label="Breadcrumb" { a href=(t.href("/forecast")) { "Forecast" } " / " }
        div.page-head {
            h1.break { (item.name) }
            @if let Some(c) = &item.category { span.badge.muted { (c) } }
            @if !item.active { span.badge.muted { "Inactive" } }
        }
        @if let Some(r) = &run { (run_note(&t, &fmt, r)) }
        section.card {
            h2 { "Sales and forecast" }
            @if history.is_empty() && forecasts.is_empty() {
                p.muted { "No sales of this dish yet, and no forecast." }
            } @else {
                p.muted.small.legend {
                    span.key.key-actual aria-hidden="true" {} "Portions sold "
                    span.key.key-forecast aria-hidden="true" {} "Forecast (median) "
                    span.key.key-band aria-hidden="true" {} "Likely range (10th–90th percentile)"
                    @if !past.is_empty() {
                        " " span.key.key-past aria-hidden="true" {} "Range that was forecast for past days"
                    }
                }
                (charts::forecast(&ForecastChart {
                    title: &format!("{}: sales and forecast", item.name),
                    description: &description,
                    history: &hist_points,
                    forecast: &fc_points,
                    past: &past_bands,
                    y_label: &y_label,
                }))
                @if !history.is_empty() {
                    details.chart-data {
                        summary { "Show the sales" }
                        table.table {
                            thead { tr { th scope="col" { "Date" } th.num scope="col" { "Sold" } } }
                            tbody {
                                @for (d, v) in history.iter().rev() {
                                    tr { td { (fmt.date(*d)) } td.num { (units(&fmt, *v)) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        section.card {
            h2 { "Forecast by day" }
            @if forecasts.is_empty() {
                p.muted {
                    "No forecast for this dish yet. "
                    a href=(t.href("/forecast")) { "Refresh the forecast" }
                    " after importing sales; inactive dishes are not forecast."
                }
            } @else {
                table.table.stack {
                    thead { tr {
                        th scope="col" { "Day" }
                        th.num scope="col" { "Prep" }
                        th.num scope="col" { "Range" }
                        th.num scope="col" { "Confidence" }
                        th scope="col" { "Why" }
                    } }
                    tbody {
                        @for f in &forecasts {
                            tr {
                                td data-label="Day" { (day_label(&fmt, f.date, today)) }
                                td.num.prep-qty data-label="Prep" {
                                    (units(&fmt, f.p50))
                                    @if f.override_quantity.is_some() {
                                        " " span.badge title=(format!("Model: {}", units(&fmt, f.model_p50))) { "Overridden" }
                                    }
                                }
                                td.num data-label="Range" { (range(&fmt, f)) }
                                td.num data-label="Confidence" { (confidence(&fmt, f, threshold)) }
                                td.why data-label="Why" {
                                    @if let Some(r) = &f.override_reason {
                                        "Set by a person (model said " (units(&fmt, f.model_p50)) "): " (r)
                                    } @else {
                                        (explain(&fmt, f, &event_names))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(a) = &accuracy {
            @let m = &a.metrics;
            section.card {
                h2 { "How accurate it has been" }
                p.muted.small { "Past forecasts of this dish against what was then sold, over " (fmt.int(m.days as i64)) " day(s)." }
                div.kpis {
                    div.kpi { span.kpi-label { "Average miss" } span.kpi-value { (fmt.num(m.mae, 1)) } span.kpi-sub { "portions a day" } }
                    div.kpi {
                        span.kpi-label { "Within the range" }
                        span.kpi-value { (m.coverage_80.map(|c| fmt.percent(c, 0)).unwrap_or_else(|| "–".into())) }
                        span.kpi-sub { "of days (aim: about 80%)" }
                    }
                    div.kpi {
                        span.kpi-label { "Bias" }
                        span.kpi-value { (m.bias.map(|b| change(&fmt, (1.0 + b) as f32)).unwrap_or_else(|| "–".into())) }
                        span.kpi-sub { @match m.bias {
                            Some(b) if b > 0.0 => { "forecasts ran high" }
                            Some(b) if b < 0.0 => { "forecasts ran low" }
                            _ => { "no lean either way" }
                        } }
                    }
                    div.kpi {
                        span.kpi-label { "Against last week" }
                        span.kpi-value { (m.mase.map(|v| fmt.num(v, 2)).unwrap_or_else(|| "–".into())) }
                        span.kpi-sub { "below 1 beats repeating last week’s sales" }
                    }
                }
                @if !weeks.is_empty() {
                    h3 { "The last weeks" }
                    table.table.stack.past-weeks {
                        thead { tr {
                            th scope="col" { "Week of" }
                            th.num scope="col" { "Forecast" }
                            th.num scope="col" { "Sold" }
                            th.num scope="col" { "Days within the range" }
                        } }
                        tbody {
                            @for w in &weeks {
                                tr {
                                    td data-label="Week of" { (fmt.date(w.monday)) }
                                    td.num data-label="Forecast" { (units(&fmt, w.forecast)) }
                                    td.num data-label="Sold" { (units(&fmt, w.sold)) }
                                    td.num data-label="Days within the range" {
                                        (w.within) " of " (w.days)
                                        @if w.above > 0 { ", " (w.above) " above" }
                                        @if w.below > 0 { ", " (w.below) " below" }
                                    }
                                }
                            }
                        }
                    }
                    details.chart-data {
                        summary { "Show each day" }
                        table.table {
                            thead { tr {
                                th scope="col" { "Date" }
                                th.num scope="col" { "Forecast" }
                                th.num scope="col" { "Range" }
                                th.num scope="col" { "Sold" }
                            } }
                            tbody {
                                @for p in past.iter().rev() {
                                    tr {
                                        td { (fmt.date(p.date)) }
                                        td.num { (units(&fmt, p.p50)) }
                                        td.num { (units(&fmt, p.p10)) "–" (units(&fmt, p.p90)) }
                                        td.num { (units(&fmt, p.actual)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        (override_section(&t, &fmt, id, today, &forecasts, &dish_overrides, &forms.override_form, &forms.override_errors, can_write))
        (stockout_section(&t, &fmt, id, today, &sold_out, &forms.stockout_errors, can_write))
        section.card #feedback {
            h2 { "Feedback" }
            @if can_write {
                form.feedback-form method="post" action=(t.href(&format!("/forecast/{id}"))) novalidate {
                    (csrf_field(&t.csrf))
                    @if !errors.is_empty() {
                        p.alert role="alert" { "Please correct the fields marked below." }
                    }
                    (field("date", "Which day?", None, date_err.as_deref(), html! {
                        select #date name="date"
                            aria-invalid=[date_err.as_ref().map(|_| "true")]
                            aria-describedby=[described_by("date", false, date_err.as_deref())] {
                            @for d in &feedback_days {
                                option value=(d.to_string()) selected[*d == chosen] { (day_label(&fmt, *d, today)) }
                            }
                        }
                    }))
                    (field("note", "Note (optional)", Some("E.g. “rainy day”, “a party of 20 booked”."), note_err.as_deref(), html! {
                        textarea #note name="note" rows="2" maxlength="2000"
                            aria-invalid=[note_err.as_ref().map(|_| "true")]
                            aria-describedby=[described_by("note", true, note_err.as_deref())] { (form.note) }
                    }))
                    fieldset.field.verdicts aria-describedby=[verdict_err.as_ref().map(|_| "verdict-error")] {
                        legend { "The forecast for that day is…" }
                        div.actions {
                            @for (value, label) in Verdict::ALL.map(|v| (v.as_str(), label(v))) {
                                button.btn type="submit" name="verdict" value=(value) { (label) }
                            }
                        }
                        @if let Some(e) = &verdict_err { p.field-error #verdict-error { (e) } }
                    }
                }
            } @else {
                p.muted { "Your role can read feedback but not give it." }
            }
            h3 { "Past feedback" }
            @if feedback.is_empty() {
                p.muted { "No feedback on this dish yet." }
            } @else {
                (feedback_table(&t, &fmt, &feedback, &who, today))
            }
        }
    };
    let page = t.render(nav::FORECAST, &item.name, notice, body);
    t.commit().await?;
    Ok((status, page).into_response())
}

/// Overrides of this dish: the form and the ones in force.
#[allow(clippy::too_many_arguments)]
fn override_section(
    t: &TenantPage,
    fmt: &Fmt,
    id: Uuid,
    today: NaiveDate,
    forecasts: &[StoredForecast],
    current: &[overrides::Override],
    form: &OverrideForm,
    errors: &[FieldError],
    can_write: bool,
) -> Markup {
    let message = |name: &str| {
        errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.message.clone())
    };
    let (date_err, qty_err, reason_err) = (message("date"), message("quantity"), message("reason"));
    let chosen = parse_day(Some(&form.date)).or_else(|| forecasts.first().map(|f| f.date));
    html! {
        section.card #overrides {
            h2 { "Override the forecast" }
            p.muted.small {
                "When you know something the forecast cannot (a party booked, a street closed), set the day’s number here. "
                "It replaces the forecast for prep, ordering and costing until you remove it, and is recorded in the audit log. "
                a href=(t.href("/forecast/model")) { "How the forecast works" }
            }
            @if can_write {
                form.override-form method="post" action=(t.href(&format!("/forecast/{id}/override"))) novalidate {
                    (csrf_field(&t.csrf))
                    @if !errors.is_empty() {
                        p.alert role="alert" { "Please correct the fields marked below." }
                    }
                    (field("override-date", "Day", None, date_err.as_deref(), html! {
                        @if forecasts.is_empty() {
                            input #override-date type="date" name="date" min=(today.to_string()) value=(form.date)
                                aria-invalid=[date_err.as_ref().map(|_| "true")]
                                aria-describedby=[described_by("override-date", false, date_err.as_deref())];
                        } @else {
                            select #override-date name="date"
                                aria-invalid=[date_err.as_ref().map(|_| "true")]
                                aria-describedby=[described_by("override-date", false, date_err.as_deref())] {
                                @for f in forecasts.iter().filter(|f| f.date >= today) {
                                    option value=(f.date.to_string()) selected[Some(f.date) == chosen] {
                                        (day_label(fmt, f.date, today)) " — forecast " (units(fmt, f.p50))
                                    }
                                }
                            }
                        }
                    }))
                    (field("override-quantity", "Expected to sell", None, qty_err.as_deref(), html! {
                        input #override-quantity type="number" name="quantity" min="0" step="any" inputmode="decimal" value=(form.quantity)
                            aria-invalid=[qty_err.as_ref().map(|_| "true")]
                            aria-describedby=[described_by("override-quantity", false, qty_err.as_deref())];
                    }))
                    (field("override-reason", "Why", Some("E.g. “party of 40 booked”."), reason_err.as_deref(), html! {
                        input #override-reason type="text" name="reason" maxlength="500" value=(form.reason)
                            aria-invalid=[reason_err.as_ref().map(|_| "true")]
                            aria-describedby=[described_by("override-reason", true, reason_err.as_deref())];
                    }))
                    div.actions { button.btn.btn-primary type="submit" { "Set override" } }
                }
            }
            @if current.is_empty() {
                p.muted { "No overrides of this dish." }
            } @else {
                table.table.stack.override-list {
                    thead { tr {
                        th scope="col" { "Day" }
                        th.num scope="col" { "Set to" }
                        th.num scope="col" { "Model said" }
                        th scope="col" { "Why" }
                        th scope="col" { "When" }
                        @if can_write { th scope="col" { span.visually-hidden { "Actions" } } }
                    } }
                    tbody {
                        @for o in current {
                            tr {
                                td data-label="Day" { (day_label(fmt, o.forecast_date, today)) }
                                td.num data-label="Set to" { (units(fmt, o.quantity)) }
                                td.num data-label="Model said" { (o.model_p50.map(|v| units(fmt, v)).unwrap_or_else(|| "–".into())) }
                                td data-label="Why" { (o.reason) }
                                td data-label="When" { (fmt.datetime(o.updated_at, t.restaurant.timezone)) }
                                @if can_write {
                                    td {
                                        form method="post" action=(t.href(&format!("/forecast/{id}/override/{}/remove", o.forecast_date))) {
                                            (csrf_field(&t.csrf))
                                            button.btn type="submit" { "Remove" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn feedback_table(
    t: &TenantPage,
    fmt: &Fmt,
    feedback: &[Feedback],
    who: &HashMap<Uuid, String>,
    today: NaiveDate,
) -> Markup {
    html! {
        table.table.stack.feedback-list {
            thead { tr {
                th scope="col" { "Day" }
                th scope="col" { "Verdict" }
                th scope="col" { "Note" }
                th scope="col" { "By" }
                th scope="col" { "When" }
            } }
            tbody {
                @for f in feedback {
                    tr {
                        td data-label="Day" { (day_label(fmt, f.forecast_date, today)) }
                        td data-label="Verdict" {
                            span class={ "badge " (if f.verdict == "about_right" { "ok" } else { "warn" }) } { (verdict_label(&f.verdict)) }
                        }
                        td data-label="Note" { (f.note.as_deref().unwrap_or("–")) }
                        td data-label="By" {
                            (f.user_id.and_then(|u| who.get(&u)).map_or("a former member", String::as_str))
                        }
                        td data-label="When" { (fmt.datetime(f.created_at, t.restaurant.timezone)) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    fn explanation() -> Explanation {
        Explanation {
            model: ModelKind::Production,
            weekday: Weekday::Fri,
            weekday_multiplier: 1.4,
            recent_level: 18.2,
            holiday_effect: Some(1.2),
            special_day_effect: None,
            promo_effect: Some(0.9),
            rain_effect: None,
            temperature_band: None,
            temperature_effect: None,
            season_effect: None,
            closed: false,
            cold_start: ColdStartTier::Blend,
        }
    }

    #[test]
    fn explanations_read_as_a_sentence_in_the_locale() {
        let es = Fmt::new("es-ES", "EUR");
        assert_eq!(
            words(&es, &explanation(), None),
            "Fridays sell 1,4× an average day; recent demand is about 18 a day; \
             public holiday +20\u{a0}%; promotion −10\u{a0}%; short history: partly based on its category."
        );
        let market = Explanation {
            holiday_effect: None,
            special_day_effect: Some(1.5),
            promo_effect: None,
            rain_effect: None,
            temperature_band: None,
            temperature_effect: None,
            season_effect: None,
            ..explanation()
        };
        assert!(
            words(&es, &market, Some("Street market")).contains("Street market +50\u{a0}%"),
            "an event's effect carries its name"
        );
        assert!(words(&es, &market, None).contains("special day +50\u{a0}%"));
        let closed = Explanation {
            closed: true,
            ..explanation()
        };
        assert_eq!(
            words(&Fmt::new("en", "USD"), &closed, None),
            "Closed on Fridays: nothing to prep."
        );
    }

    #[test]
    fn stored_explanations_round_trip_and_fall_back_to_text() {
        let stored = serde_json::to_value(explanation()).expect("json");
        let mut f = StoredForecast {
            forecast_run_id: Uuid::nil(),
            menu_item_id: Uuid::nil(),
            menu_item_name: "Soup".into(),
            date: NaiveDate::from_ymd_opt(2024, 3, 1).expect("date"),
            mean: 1.0,
            p10: 0.0,
            p50: 1.0,
            p90: 2.5,
            p99: 4.0,
            confidence_score: 0.5,
            model_name: "production".into(),
            explanation: stored,
            logic_trigger: "Friday 1.4x".into(),
            model_p50: 1.0,
            override_quantity: None,
            override_reason: None,
        };
        let en = Fmt::new("en-GB", "GBP");
        let none = EventNames::new();
        assert!(explain(&en, &f, &none).starts_with("Fridays sell 1.4×"));
        assert_eq!(range(&en, &f), "0–2.5");
        f.explanation = serde_json::json!({"unknown": true});
        assert_eq!(explain(&en, &f, &none), "Friday 1.4x");
        let flagged = confidence(&en, &f, 0.7).into_string();
        assert!(flagged.contains("50%") && flagged.contains("Low"));
        assert!(!confidence(&en, &f, 0.4).into_string().contains("Low"));
    }

    #[test]
    fn the_use_cases_field_errors_read_as_sentences_beside_the_fields() {
        let errors = form_errors(vec![
            FieldError::new("date", "invalid", "must be a date (YYYY-MM-DD)"),
            FieldError::new("note", "too_long", "must be at most 2000 characters"),
        ]);
        assert_eq!(errors[0].message, "Choose the day.");
        assert_eq!(
            errors[1].message,
            "The note must be at most 2000 characters."
        );
        assert_eq!(verdict_label("too_low"), "Too low");
    }

    #[test]
    fn days_are_labelled_relative_to_today() {
        let en = Fmt::new("en-GB", "GBP");
        let today = NaiveDate::from_ymd_opt(2024, 3, 5).expect("date");
        assert_eq!(
            day_label(&en, today + Duration::days(1), today),
            "Wed, 6 Mar 2024 (tomorrow)"
        );
        assert_eq!(units(&en, 3.02), "3");
        assert_eq!(units(&en, 0.4), "0.4");
    }
}
