//! Settings: the restaurant profile, the typed forecasting settings of
//! `flux_domain::settings::Settings`, and the weekly operating hours.
//!
//! Three forms on one page, each posting to its own URL, because each needs
//! a different capability (profile and hours: managers; settings: owners).

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use flux_app::hours::{DayInput, WeeklyHours};
use flux_app::restaurants::ProfilePatch;
use flux_app::settings::{Settings, HOLIDAY_COUNTRIES};
use flux_app::AppError;
use flux_domain::role::Action;
use flux_domain::FieldError;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{WebError, WebResult};
use crate::extract::{CsrfForm, TenantPage};
use crate::format::{parse_decimal, WEEKDAY_NAMES};
use crate::layout::{csrf_field, described_by, field, notice_text};
use crate::nav;
use crate::pages::restaurants::{profile_fields, NewRestaurantView};

/// Ranges per weekday offered by the form (lunch and dinner).
const SLOTS: usize = 2;

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

/// One opening range as typed: (open, close), empty when unused.
type Slot = (String, String);

/// What the page shows: stored values, or a rejected submission with its
/// errors for one of the three forms.
#[derive(Default)]
struct Shown {
    profile: Option<(ProfileForm, Vec<FieldError>)>,
    settings: Option<(SettingsForm, Vec<FieldError>)>,
    hours: Option<(Vec<Slot>, Vec<FieldError>)>,
    deletion: Option<Vec<FieldError>>,
}

async fn render(
    mut t: TenantPage,
    status: StatusCode,
    notice: Option<&str>,
    shown: Shown,
) -> WebResult {
    let stored = flux_app::settings::get(&mut t.tx, t.restaurant_id).await?;
    let week = flux_app::hours::get(&mut t.tx, t.restaurant_id).await?;
    let (profile, profile_errors) = shown.profile.unwrap_or_else(|| {
        (
            ProfileForm {
                name: t.restaurant.name.clone(),
                timezone: t.restaurant.timezone.to_string(),
                currency: t.restaurant.currency.to_string(),
                locale: t.restaurant.locale.to_string(),
            },
            Vec::new(),
        )
    });
    let (settings, settings_errors) = shown
        .settings
        .unwrap_or_else(|| (SettingsForm::from_settings(&stored), Vec::new()));
    let (hours, hours_errors) = shown
        .hours
        .unwrap_or_else(|| (hours_pairs(&week), Vec::new()));
    let body = html! {
        @if let Some(at) = t.restaurant.delete_after {
            p.alert role="alert" {
                "This restaurant and all its data will be deleted on "
                (t.fmt().datetime(at, t.restaurant.timezone)) ". An owner can cancel this below."
            }
        }
        div.page-head {
            h1 { "Settings" }
            @if t.can(Action::Administer) {
                a.btn href=(t.href("/audit")) { "Audit log" }
            }
        }
        (profile_form(&t, &profile, &profile_errors))
        (hours_form(&t, &hours, &hours_errors))
        (settings_form(&t, &settings, &settings_errors))
        @if t.can(Action::Administer) {
            (deletion_form(&t, shown.deletion.as_deref().unwrap_or_default()))
        }
    };
    let page = t.render(nav::SETTINGS, "Settings", notice, body);
    t.commit().await?;
    Ok((status, page).into_response())
}

pub async fn page(t: TenantPage, Query(q): Query<Done>) -> WebResult {
    render(
        t,
        StatusCode::OK,
        notice_text(q.done.as_deref()),
        Shown::default(),
    )
    .await
}

/// Field errors of a rejection, for the form; anything else is an error page.
fn form_errors(e: AppError) -> Result<Vec<FieldError>, WebError> {
    match e {
        AppError::Rejected { errors, .. } if !errors.is_empty() => Ok(errors),
        other => Err(other.into()),
    }
}

fn read_only_note(t: &TenantPage, action: Action, who: &str) -> Markup {
    html! {
        @if !t.can(action) { p.muted.small { "Only " (who) " can change these." } }
    }
}

// --- Deletion --------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct DeletionForm {
    #[serde(default)]
    name: String,
}

fn deletion_form(t: &TenantPage, errors: &[FieldError]) -> Markup {
    let err = errors
        .iter()
        .find(|e| e.field == "name")
        .map(|_| "Type the restaurant’s name exactly as it is shown above.".to_string());
    html! {
        section.card #delete-restaurant {
            h2 { "Delete this restaurant" }
            @match t.restaurant.delete_after {
                Some(at) => {
                    p { "Deletion is scheduled for " (t.fmt().datetime(at, t.restaurant.timezone)) "." }
                    form method="post" action=(t.href("/settings/delete/cancel")) {
                        (csrf_field(&t.csrf))
                        button.btn.btn-primary type="submit" { "Keep this restaurant" }
                    }
                }
                None => {
                    p {
                        "Deletes the restaurant and everything it holds (sales, forecasts, menu, recipes, stock, orders, the audit log) "
                        "30 days from now; any owner can cancel until then. Members keep their accounts."
                    }
                    form method="post" action=(t.href("/settings/delete")) novalidate {
                        (csrf_field(&t.csrf))
                        (field("delete-name", "Type the restaurant’s name to confirm", None, err.as_deref(), html! {
                            input #delete-name type="text" name="name" autocomplete="off"
                                aria-invalid=[err.as_ref().map(|_| "true")]
                                aria-describedby=[described_by("delete-name", false, err.as_deref())];
                        }))
                        button.btn.btn-danger type="submit" { "Delete restaurant" }
                    }
                }
            }
        }
    }
}

pub async fn request_deletion(mut t: TenantPage, CsrfForm(f): CsrfForm<DeletionForm>) -> WebResult {
    t.require(Action::Administer)?;
    match flux_app::restaurants::deletion::request(&mut t.tx, t.restaurant_id, &f.name).await {
        Ok(_) => {}
        Err(e) => {
            let errors = form_errors(e)?;
            let shown = Shown {
                deletion: Some(errors),
                ..Shown::default()
            };
            return render(t, StatusCode::UNPROCESSABLE_ENTITY, None, shown).await;
        }
    }
    let to = t.href("/settings?done=deletion-scheduled#delete-restaurant");
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

pub async fn cancel_deletion(
    mut t: TenantPage,
    CsrfForm(_): CsrfForm<crate::extract::Empty>,
) -> WebResult {
    t.require(Action::Administer)?;
    flux_app::restaurants::deletion::cancel(&mut t.tx, t.restaurant_id).await?;
    let to = t.href("/settings?done=deletion-cancelled");
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

// --- Profile ---------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    timezone: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    locale: String,
}

fn profile_form(t: &TenantPage, v: &ProfileForm, errors: &[FieldError]) -> Markup {
    let can = t.can(Action::ManageRestaurant);
    html! {
        form.card method="post" action=(t.href("/settings/profile")) novalidate {
            h2 { "Restaurant" }
            (read_only_note(t, Action::ManageRestaurant, "owners and managers"))
            (csrf_field(&t.csrf))
            fieldset disabled[!can] {
                (profile_fields(&NewRestaurantView {
                    name: &v.name,
                    timezone: &v.timezone,
                    currency: &v.currency,
                    locale: &v.locale,
                }, errors))
                @if can { button.btn.btn-primary type="submit" { "Save restaurant" } }
            }
        }
    }
}

pub async fn save_profile(mut t: TenantPage, CsrfForm(f): CsrfForm<ProfileForm>) -> WebResult {
    t.require(Action::ManageRestaurant)?;
    let patch = ProfilePatch {
        name: Some(f.name.clone()),
        timezone: Some(f.timezone.clone()),
        currency: Some(f.currency.clone()),
        locale: Some(f.locale.clone()),
    };
    match flux_app::restaurants::update(&mut t.tx, t.restaurant_id, &patch).await {
        Ok(_) => {
            let to = t.href("/settings?done=saved");
            t.commit().await?;
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            let shown = Shown {
                profile: Some((f, form_errors(e)?)),
                ..Shown::default()
            };
            render(t, StatusCode::UNPROCESSABLE_ENTITY, None, shown).await
        }
    }
}

// --- Settings --------------------------------------------------------------

/// The settings as typed into the form.
#[derive(Deserialize, Default)]
pub struct SettingsForm {
    waste_factor_enabled: Option<String>,
    #[serde(default)]
    forecast_confidence_threshold: String,
    #[serde(default)]
    day_cutoff_hour: String,
    #[serde(default)]
    service_level: String,
    #[serde(default)]
    forecast_horizon_days: String,
    #[serde(default)]
    holiday_country: String,
    /// Left out of the form (an older page): unchanged.
    #[serde(default)]
    audit_retention_days: String,
    /// Blank clears; left out of the form: unchanged.
    latitude: Option<String>,
    longitude: Option<String>,
}

impl SettingsForm {
    fn from_settings(s: &Settings) -> Self {
        Self {
            waste_factor_enabled: s.waste_factor_enabled.then(|| "on".into()),
            forecast_confidence_threshold: s.forecast_confidence_threshold.to_string(),
            day_cutoff_hour: s.day_cutoff_hour.to_string(),
            service_level: s.service_level.to_string(),
            forecast_horizon_days: s.forecast_horizon_days.to_string(),
            holiday_country: s.holiday_country.clone().unwrap_or_default(),
            audit_retention_days: s.audit_retention_days.to_string(),
            latitude: Some(s.latitude.map(|x| x.to_string()).unwrap_or_default()),
            longitude: Some(s.longitude.map(|x| x.to_string()).unwrap_or_default()),
        }
    }

    /// The JSON patch the domain validates, plus errors for text that is
    /// not even a number.
    fn to_patch(&self) -> (Map<String, Value>, Vec<FieldError>) {
        let mut patch = Map::new();
        let mut errors = Vec::new();
        patch.insert(
            "waste_factor_enabled".into(),
            Value::Bool(self.waste_factor_enabled.is_some()),
        );
        for (key, raw, whole) in [
            (
                "forecast_confidence_threshold",
                &self.forecast_confidence_threshold,
                false,
            ),
            ("day_cutoff_hour", &self.day_cutoff_hour, true),
            ("service_level", &self.service_level, false),
            ("forecast_horizon_days", &self.forecast_horizon_days, true),
            ("audit_retention_days", &self.audit_retention_days, true),
        ] {
            if key == "audit_retention_days" && raw.trim().is_empty() {
                continue;
            }
            let number = parse_decimal(raw).and_then(|d| {
                if whole {
                    i64::try_from(d)
                        .ok()
                        .filter(|_| d.fract().is_zero())
                        .map(Value::from)
                } else {
                    rust_decimal::prelude::ToPrimitive::to_f64(&d).map(Value::from)
                }
            });
            match number {
                Some(v) => {
                    patch.insert(key.into(), v);
                }
                None => errors.push(FieldError::new(
                    key,
                    "invalid_type",
                    if whole {
                        "must be a whole number"
                    } else {
                        "must be a number"
                    },
                )),
            }
        }
        for (key, raw) in [("latitude", &self.latitude), ("longitude", &self.longitude)] {
            let Some(raw) = raw.as_deref().map(str::trim) else {
                continue;
            };
            if raw.is_empty() {
                patch.insert(key.into(), Value::Null);
                continue;
            }
            match parse_decimal(raw).and_then(|d| rust_decimal::prelude::ToPrimitive::to_f64(&d)) {
                Some(v) => {
                    patch.insert(key.into(), Value::from(v));
                }
                None => errors.push(FieldError::new(key, "invalid_type", "must be a number")),
            }
        }
        let country = self.holiday_country.trim();
        patch.insert(
            "holiday_country".into(),
            if country.is_empty() {
                Value::Null
            } else {
                Value::from(country)
            },
        );
        (patch, errors)
    }
}

fn err_of(errors: &[FieldError], f: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == f)
        .map(|e| format!("This {}.", e.message))
}

fn number_field(
    key: &str,
    label: &str,
    hint: &str,
    value: &str,
    errors: &[FieldError],
    step: &str,
) -> Markup {
    let e = err_of(errors, key);
    field(
        key,
        label,
        Some(hint),
        e.as_deref(),
        html! {
            input id=(key) type="number" name=(key) value=(value) step=(step) inputmode="decimal"
                aria-invalid=[e.as_ref().map(|_| "true")]
                aria-describedby=[described_by(key, true, e.as_deref())];
        },
    )
}

fn settings_form(t: &TenantPage, v: &SettingsForm, errors: &[FieldError]) -> Markup {
    let can = t.can(Action::Administer);
    let country_e = err_of(errors, "holiday_country");
    html! {
        form.card method="post" action=(t.href("/settings")) novalidate {
            h2 { "Forecasting" }
            (read_only_note(t, Action::Administer, "owners"))
            (csrf_field(&t.csrf))
            fieldset disabled[!can] {
                div.grid-2 {
                    (number_field("day_cutoff_hour", "Business day starts at (hour)",
                        "0–12. Sales before this local hour count for the previous day.", &v.day_cutoff_hour, errors, "1"))
                    (number_field("forecast_horizon_days", "Forecast horizon (days)",
                        "1–90 days ahead.", &v.forecast_horizon_days, errors, "1"))
                    (number_field("service_level", "Service level",
                        "0.5–0.999: how rarely you accept running out.", &v.service_level, errors, "0.001"))
                    (number_field("forecast_confidence_threshold", "Confidence threshold",
                        "0–1. Forecasts below it are flagged.", &v.forecast_confidence_threshold, errors, "0.01"))
                    (number_field("audit_retention_days", "Keep the audit log (days)",
                        "30–3650. Older entries are deleted nightly.", &v.audit_retention_days, errors, "1"))
                    (number_field("latitude", "Latitude",
                        "Where the restaurant is, for its weather: −90 to 90, e.g. 54.32. Blank: no weather.",
                        v.latitude.as_deref().unwrap_or_default(), errors, "any"))
                    (number_field("longitude", "Longitude",
                        "−180 to 180, e.g. 10.13.", v.longitude.as_deref().unwrap_or_default(), errors, "any"))
                }
                (field("holiday_country", "Public holidays", Some("Whose public holidays the forecaster takes into account."), country_e.as_deref(), html! {
                    select #holiday_country name="holiday_country"
                        aria-describedby=[described_by("holiday_country", true, country_e.as_deref())] {
                        option value="" selected[v.holiday_country.is_empty()] { "None" }
                        @for c in HOLIDAY_COUNTRIES {
                            option value=(c) selected[v.holiday_country.eq_ignore_ascii_case(c)] { (country_name(c)) }
                        }
                    }
                }))
                div.field {
                    label.choice {
                        input type="checkbox" name="waste_factor_enabled" checked[v.waste_factor_enabled.is_some()];
                        span { "Include ingredient waste in dish costs" }
                    }
                }
                @if can { button.btn.btn-primary type="submit" { "Save forecasting settings" } }
            }
        }
    }
}

fn country_name(code: &str) -> &str {
    match code {
        "ES" => "Spain",
        "GB" => "United Kingdom",
        "US" => "United States",
        "FR" => "France",
        "DE" => "Germany",
        other => other,
    }
}

pub async fn save(mut t: TenantPage, CsrfForm(f): CsrfForm<SettingsForm>) -> WebResult {
    t.require(Action::Administer)?;
    let (patch, unreadable) = f.to_patch();
    let errors = if unreadable.is_empty() {
        match flux_app::settings::update(&mut t.tx, t.restaurant_id, &patch).await {
            Ok(_) => {
                let to = t.href("/settings?done=saved");
                t.commit().await?;
                return Ok(Redirect::to(&to).into_response());
            }
            Err(e) => form_errors(e)?,
        }
    } else {
        // Nothing is stored, but the readable fields are still checked so
        // every problem shows at once.
        let mut errors = unreadable;
        if let Err(invalid) = flux_app::settings::check(&patch) {
            errors.extend(invalid.0);
        }
        errors
    };
    let shown = Shown {
        settings: Some((f, errors)),
        ..Shown::default()
    };
    render(t, StatusCode::UNPROCESSABLE_ENTITY, None, shown).await
}

// --- Operating hours -------------------------------------------------------

fn slot_name(day: usize, slot: usize, end: &str) -> String {
    format!("d{day}_{slot}_{end}")
}

/// The stored week as (open, close) text per day and slot, flattened.
fn hours_pairs(week: &WeeklyHours) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for day in &week.days {
        for slot in 0..SLOTS {
            out.push(day.get(slot).map_or_else(Default::default, |r| {
                (
                    r.open.format("%H:%M").to_string(),
                    r.close.format("%H:%M").to_string(),
                )
            }));
        }
    }
    out
}

fn hours_form(t: &TenantPage, v: &[(String, String)], errors: &[FieldError]) -> Markup {
    let can = t.can(Action::ManageRestaurant);
    html! {
        form.card method="post" action=(t.href("/settings/hours")) novalidate {
            h2 { "Opening hours" }
            p.muted.small { "Leave a day empty when you are closed. A closing time before the opening time runs past midnight." }
            (read_only_note(t, Action::ManageRestaurant, "owners and managers"))
            (csrf_field(&t.csrf))
            fieldset.hours disabled[!can] {
                @for (day, name) in WEEKDAY_NAMES.iter().enumerate() {
                    @let prefix = format!("days.{day}.");
                    @let day_errors: Vec<&FieldError> = errors.iter().filter(|e| e.field.starts_with(&prefix) || e.field == format!("days.{day}")).collect();
                    fieldset.day.invalid[!day_errors.is_empty()] {
                        legend { (name) }
                        div.slots {
                            @for slot in 0..SLOTS {
                                @let (open, close) = v.get(day * SLOTS + slot).cloned().unwrap_or_default();
                                @let (o, c) = (slot_name(day, slot, "open"), slot_name(day, slot, "close"));
                                div.slot {
                                    label for=(o) { (if slot == 0 { "Opens" } else { "Opens again" }) }
                                    input id=(o) type="time" name=(o) value=(open);
                                    label for=(c) { "Closes" }
                                    input id=(c) type="time" name=(c) value=(close);
                                }
                            }
                        }
                        @for e in &day_errors {
                            p.field-error { (hours_message(e)) }
                        }
                    }
                }
                @if can { button.btn.btn-primary type="submit" { "Save opening hours" } }
            }
        }
    }
}

fn hours_message(e: &FieldError) -> String {
    let m = &e.message;
    let mut chars = m.chars();
    match chars.next() {
        Some(c) => format!("{}{}.", c.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// Reads the week from the form. Which slots were filled is remembered, so
/// domain errors (indexed by range) land on the right day.
fn parse_hours(
    pairs: &[(String, String)],
) -> (Vec<(String, String)>, Vec<DayInput>, Vec<FieldError>) {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut shown = Vec::new();
    let mut days = Vec::new();
    let mut errors = Vec::new();
    for day in 0..7 {
        let mut ranges = Vec::new();
        for slot in 0..SLOTS {
            let open = get(&slot_name(day, slot, "open"));
            let close = get(&slot_name(day, slot, "close"));
            match (open.is_empty(), close.is_empty()) {
                (true, true) => {}
                (false, false) => ranges.push((open.clone(), close.clone())),
                _ => errors.push(FieldError::new(
                    format!("days.{day}.ranges.{slot}"),
                    "incomplete",
                    "give both an opening and a closing time",
                )),
            }
            shown.push((open, close));
        }
        days.push(DayInput {
            day_of_week: day as i64,
            closed: ranges.is_empty(),
            ranges,
        });
    }
    (shown, days, errors)
}

pub async fn save_hours(
    mut t: TenantPage,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> WebResult {
    t.require(Action::ManageRestaurant)?;
    let (shown, days, incomplete) = parse_hours(&pairs);
    let errors = if incomplete.is_empty() {
        match flux_app::hours::replace(&mut t.tx, t.restaurant_id, &days).await {
            Ok(_) => {
                let to = t.href("/settings?done=saved");
                t.commit().await?;
                return Ok(Redirect::to(&to).into_response());
            }
            Err(e) => form_errors(e)?,
        }
    } else {
        // Nothing is stored, but the complete ranges are still checked so
        // every problem shows at once.
        let mut errors = incomplete;
        if let Err(invalid) = flux_app::hours::check(&days) {
            errors.extend(invalid.0);
        }
        errors
    };
    let shown = Shown {
        hours: Some((shown, errors)),
        ..Shown::default()
    };
    render(t, StatusCode::UNPROCESSABLE_ENTITY, None, shown).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn hours_form_builds_a_week_and_flags_half_ranges() {
        let (_, days, errors) = parse_hours(&pairs(&[
            ("d0_0_open", "12:00"),
            ("d0_0_close", "16:00"),
            ("d0_1_open", "20:00"),
            ("d0_1_close", "23:30"),
            ("d2_0_open", "09:00"),
        ]));
        assert_eq!(days[0].ranges.len(), 2);
        assert!(days[1].closed);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "days.2.ranges.0");
        assert!(WeeklyHours::parse(&days).is_ok());
    }

    #[test]
    fn settings_form_rejects_text_and_passes_numbers_to_the_domain() {
        let f = SettingsForm {
            waste_factor_enabled: None,
            forecast_confidence_threshold: "0,8".into(),
            day_cutoff_hour: "four".into(),
            service_level: "0.95".into(),
            forecast_horizon_days: "14".into(),
            holiday_country: "es".into(),
            audit_retention_days: String::new(),
            latitude: Some("54,32".into()),
            longitude: None,
        };
        let (patch, errors) = f.to_patch();
        assert!(
            !patch.contains_key("audit_retention_days") && !patch.contains_key("longitude"),
            "a form without the field leaves it unchanged"
        );
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "day_cutoff_hour");
        let s = Settings::default().apply_patch(&patch).expect("valid");
        assert_eq!(s.holiday_country.as_deref(), Some("ES"));
        assert!(!s.waste_factor_enabled);
        assert!((s.forecast_confidence_threshold - 0.8).abs() < 1e-9);
        assert_eq!(s.latitude, Some(54.32));
    }
}
