//! The restaurant list (the switcher's full page) and restaurant creation.
//!
//! A new restaurant's currency and number/date format may be left blank:
//! they then follow the timezone's country (`America/New_York` → dollars,
//! month-first dates), so an owner outside Spain is not silently given
//! euros and day-first dates.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use flux_app::restaurants::RestaurantWithRole;
use flux_domain::restaurant::{Profile, DEFAULT_TIMEZONE};
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;

use crate::error::WebResult;
use crate::extract::{CsrfForm, SignedIn, Visit};
use crate::layout::{self, csrf_field, described_by, field, Chrome};
use crate::{nav, WebState};

pub(crate) async fn my_restaurants(
    state: &WebState,
    user_id: Uuid,
) -> WebResult<Vec<RestaurantWithRole>> {
    let mut tx = flux_store::tenant::begin_user(state.pool(), user_id).await?;
    let rows = flux_app::restaurants::mine(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(rows)
}

/// `/`: the login page for visitors; the restaurant for a user with one;
/// the list otherwise.
pub async fn home(State(state): State<WebState>, visit: Visit) -> WebResult {
    let Some(user_id) = visit.session.user_id else {
        return Ok(Redirect::to("/login").into_response());
    };
    let rows = my_restaurants(&state, user_id).await?;
    Ok(match rows.as_slice() {
        [one] => Redirect::to(&nav::href(one.restaurant.restaurant_id, "")).into_response(),
        _ => Redirect::to("/app").into_response(),
    })
}

#[derive(Deserialize, Default)]
pub struct NewRestaurant {
    #[serde(default)]
    name: String,
    #[serde(default)]
    timezone: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    locale: String,
}

/// Locales whose number and date formats the dashboard knows.
const LOCALES: [(&str, &str); 6] = [
    ("es-ES", "Spanish (Spain)"),
    ("en-GB", "English (UK)"),
    ("en-US", "English (US)"),
    ("fr-FR", "French (France)"),
    ("de-DE", "German (Germany)"),
    ("en", "English (other)"),
];

/// Suggestions only: any IANA zone is accepted.
pub(crate) const TIMEZONES: [&str; 16] = [
    "Europe/Madrid",
    "Atlantic/Canary",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Lisbon",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Mexico_City",
    "Australia/Sydney",
    "Asia/Tokyo",
    "Asia/Singapore",
    "UTC",
];

/// The profile fields of an existing restaurant (the settings page).
pub fn profile_fields(v: &NewRestaurantView<'_>, errors: &[flux_domain::FieldError]) -> Markup {
    fields(v, errors, false)
}

/// The fields of a new restaurant: like [`profile_fields`], but currency
/// and format may stay blank to follow the timezone.
fn create_fields(v: &NewRestaurantView<'_>, errors: &[flux_domain::FieldError]) -> Markup {
    fields(v, errors, true)
}

/// `defaults`: blank currency and format follow the timezone (a new
/// restaurant); otherwise every field is required (an existing one).
fn fields(v: &NewRestaurantView<'_>, errors: &[flux_domain::FieldError], defaults: bool) -> Markup {
    let err = |f: &str| {
        errors
            .iter()
            .find(|e| e.field == f)
            .map(|e| e.message.clone())
    };
    let (name_e, tz_e, cur_e, loc_e) =
        (err("name"), err("timezone"), err("currency"), err("locale"));
    let (tz_help, cur_help, loc_help) = if defaults {
        (
            "Decides what “today” means for sales, and the defaults beside it.",
            "ISO code, e.g. USD. Blank: the timezone’s country’s currency.",
            Some("Also decides how dates such as 1/5/2025 are read."),
        )
    } else {
        (
            "Decides what “today” means for sales.",
            "ISO code, e.g. EUR.",
            None,
        )
    };
    let custom_locale = !v.locale.trim().is_empty() && !LOCALES.iter().any(|(c, _)| *c == v.locale);
    html! {
        (field("name", "Restaurant name", None, name_e.as_deref(), html! {
            input #name type="text" name="name" value=(v.name) required maxlength="200"
                aria-invalid=[name_e.as_ref().map(|_| "true")]
                aria-describedby=[described_by("name", false, name_e.as_deref())];
        }))
        div.grid-3 {
            (field("timezone", "Timezone", Some(tz_help), tz_e.as_deref(), html! {
                input #timezone type="text" name="timezone" value=(v.timezone) list="timezones"
                    required[!defaults] placeholder=[defaults.then_some(DEFAULT_TIMEZONE)]
                    aria-invalid=[tz_e.as_ref().map(|_| "true")]
                    aria-describedby=[described_by("timezone", true, tz_e.as_deref())];
                datalist #timezones { @for tz in TIMEZONES { option value=(tz) {} } }
            }))
            (field("currency", "Currency", Some(cur_help), cur_e.as_deref(), html! {
                input #currency type="text" name="currency" value=(v.currency) maxlength="3"
                    required[!defaults] autocapitalize="characters"
                    placeholder=[defaults.then_some("From the timezone")]
                    aria-invalid=[cur_e.as_ref().map(|_| "true")]
                    aria-describedby=[described_by("currency", true, cur_e.as_deref())];
            }))
            (field("locale", "Number and date format", loc_help, loc_e.as_deref(), html! {
                select #locale name="locale"
                    aria-invalid=[loc_e.as_ref().map(|_| "true")]
                    aria-describedby=[described_by("locale", loc_help.is_some(), loc_e.as_deref())] {
                    @if defaults {
                        option value="" selected[v.locale.trim().is_empty()] { "From the timezone" }
                    }
                    @for (code, label) in LOCALES {
                        option value=(code) selected[v.locale == code] { (label) }
                    }
                    @if custom_locale {
                        option value=(v.locale) selected { (v.locale) }
                    }
                }
            }))
        }
    }
}

/// Values shown in the profile fields.
pub struct NewRestaurantView<'a> {
    pub name: &'a str,
    pub timezone: &'a str,
    pub currency: &'a str,
    pub locale: &'a str,
}

fn create_form(
    csrf: &str,
    v: &NewRestaurantView<'_>,
    errors: &[flux_domain::FieldError],
) -> Markup {
    html! {
        form.card method="post" action="/app/restaurants" novalidate {
            h2 { "Add a restaurant" }
            (csrf_field(csrf))
            (create_fields(v, errors))
            button.btn.btn-primary type="submit" { "Create restaurant" }
        }
    }
}

/// A new restaurant's form: blank currency and format follow the timezone.
const DEFAULT_VIEW: NewRestaurantView<'static> = NewRestaurantView {
    name: "",
    timezone: DEFAULT_TIMEZONE,
    currency: "",
    locale: "",
};

fn list_body(
    rows: &[RestaurantWithRole],
    csrf: &str,
    v: &NewRestaurantView<'_>,
    errors: &[flux_domain::FieldError],
) -> Markup {
    html! {
        div.page-head { h1 { "Your restaurants" } }
        @if rows.is_empty() {
            p.lead { "Welcome to Flux. Start by adding your restaurant; then upload a sales export and Flux will show what sells, when." }
        } @else {
            ul.restaurant-list {
                @for r in rows {
                    li.card {
                        a.restaurant-link href=(nav::href(r.restaurant.restaurant_id, "")) {
                            span.restaurant-name { (r.restaurant.name) }
                            span.muted { (r.restaurant.timezone) " · " (r.restaurant.currency) }
                        }
                        span.badge { (r.role) }
                    }
                }
            }
        }
        @if rows.len() > 1 {
            p { a.btn href="/app/group" { "Compare your restaurants" } }
        }
        (create_form(csrf, v, errors))
    }
}

#[derive(serde::Deserialize, Default)]
pub struct GroupQuery {
    from: Option<String>,
    to: Option<String>,
}

/// `/app/group`: the user's restaurants side by side over a period.
pub async fn group(
    State(state): State<WebState>,
    user: SignedIn,
    axum::extract::Query(q): axum::extract::Query<GroupQuery>,
) -> WebResult {
    let rows = my_restaurants(&state, user.user_id).await?;
    let date = |raw: Option<&str>| -> WebResult<Option<chrono::NaiveDate>> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| crate::error::WebError::BadRequest("dates are YYYY-MM-DD".into())),
        }
    };
    let to = date(q.to.as_deref())?
        .unwrap_or_else(|| chrono::Utc::now().date_naive() - chrono::Duration::days(1));
    let from = date(q.from.as_deref())?.unwrap_or(to - chrono::Duration::days(27));
    let sites = flux_app::inventory::group::overview(state.pool(), user.user_id, from, to).await?;
    let pct =
        |v: Option<rust_decimal::Decimal>| v.map_or_else(|| "—".to_owned(), |v| format!("{v} %"));
    let body = html! {
        div.page-head { h1 { "Your restaurants side by side" } }
        form.filters method="get" {
            label { "From " input type="date" name="from" value=(from); }
            label { "To " input type="date" name="to" value=(to); }
            button.btn type="submit" { "Show" }
        }
        p.muted.small { "Each restaurant in its own currency. Food cost counts the ingredients counted at both ends of the period; labor is shown where you are an owner or manager." }
        table.table.stack #group {
            thead { tr {
                th { "Restaurant" } th.num { "Sales" } th.num { "Food cost" } th.num { "Theoretical" }
                th.num { "Waste" } th.num { "Unexplained" } th.num { "Labor" }
            } }
            tbody {
                @for s in &sites {
                    tr {
                        td data-label="Restaurant" { a href=(nav::href(s.restaurant_id, "/inventory")) { (s.name) } }
                        td.num data-label="Sales" { (s.sales.round_dp(2)) }
                        td.num data-label="Food cost" { (pct(s.actual_food_cost_pct)) }
                        td.num data-label="Theoretical" { (pct(s.theoretical_food_cost_pct)) }
                        td.num data-label="Waste" { (s.waste_value.round_dp(2)) " · " (pct(s.waste_pct)) }
                        td.num data-label="Unexplained" { (s.unexplained_cost) }
                        td.num data-label="Labor" { (pct(s.labor_pct)) }
                    }
                }
            }
        }
    };
    Ok(render(&rows, &user.csrf, body).into_response())
}

fn render(rows: &[RestaurantWithRole], csrf: &str, body: Markup) -> Markup {
    layout::page(
        "Restaurants",
        &Chrome {
            csrf,
            restaurants: rows,
            current: None,
        },
        layout::notice_text(None),
        body,
    )
}

pub async fn list(State(state): State<WebState>, user: SignedIn) -> WebResult {
    let rows = my_restaurants(&state, user.user_id).await?;
    Ok(render(
        &rows,
        &user.csrf,
        list_body(&rows, &user.csrf, &DEFAULT_VIEW, &[]),
    )
    .into_response())
}

pub async fn new_page(State(state): State<WebState>, user: SignedIn) -> WebResult {
    let rows = my_restaurants(&state, user.user_id).await?;
    let body = html! {
        div.page-head { h1 { "New restaurant" } }
        (create_form(&user.csrf, &DEFAULT_VIEW, &[]))
    };
    Ok(render(&rows, &user.csrf, body).into_response())
}

pub async fn create(
    State(state): State<WebState>,
    user: SignedIn,
    CsrfForm(f): CsrfForm<NewRestaurant>,
) -> WebResult<Response> {
    // Blank fields are defaults: `Profile::parse` treats them as not given.
    match Profile::parse(
        &f.name,
        Some(&f.timezone),
        Some(&f.currency),
        Some(&f.locale),
    ) {
        Ok(profile) => {
            let r = flux_app::restaurants::create(state.pool(), user.user_id, &profile).await?;
            Ok(
                Redirect::to(&format!("{}?done=created", nav::href(r.restaurant_id, "")))
                    .into_response(),
            )
        }
        Err(invalid) => {
            let rows = my_restaurants(&state, user.user_id).await?;
            let v = NewRestaurantView {
                name: &f.name,
                timezone: &f.timezone,
                currency: &f.currency,
                locale: &f.locale,
            };
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(
                    &rows,
                    &user.csrf,
                    list_body(&rows, &user.csrf, &v, &invalid.0),
                ),
            )
                .into_response())
        }
    }
}
