//! The restaurant's calendar of events (`flux_app::events`): what is
//! coming and what has been, a form to add one, and removal. The forecast
//! reads every event day as a special day named after the event.

use axum::extract::{Query, RawPathParams};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use flux_app::events::{self, Event, EventInput};
use flux_app::AppError;
use flux_domain::role::Action;
use flux_domain::FieldError;
use maud::{html, Markup};
use serde::Deserialize;

use crate::error::WebResult;
use crate::extract::{path_uuid, CsrfForm, TenantPage};
use crate::layout::{csrf_field, described_by, field, notice_text};

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

/// The form as typed.
#[derive(Deserialize, Default)]
pub struct EventForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
}

fn parse_day(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

fn form(t: &TenantPage, v: &EventForm, errors: &[FieldError]) -> Markup {
    // The use case's codes, worded for the form.
    let message = |name: &str| {
        errors.iter().find(|e| e.field == name).map(|e| {
            match (name, e.code) {
                ("name", _) => "Give the event a name, up to 100 characters of plain text.",
                ("ends_on", "before_start") => "The last day must not be before the first.",
                ("ends_on", "too_long") => "An event lasts at most 31 days.",
                (_, "out_of_range") => "Choose a day within five years back and two years ahead.",
                _ => "Choose the day.",
            }
            .to_string()
        })
    };
    let (name_e, start_e, end_e) = (message("name"), message("starts_on"), message("ends_on"));
    html! {
        form.card #add-event method="post" action=(t.href("/forecast/events")) novalidate {
            h2 { "Add an event" }
            (csrf_field(&t.csrf))
            @if !errors.is_empty() {
                p.alert role="alert" { "Please correct the fields marked below." }
            }
            (field("event-name", "Name", Some("Use the same name each time it comes back, so its effect is learnt."), name_e.as_deref(), html! {
                input #event-name type="text" name="name" maxlength="100" value=(v.name)
                    aria-invalid=[name_e.as_ref().map(|_| "true")]
                    aria-describedby=[described_by("event-name", true, name_e.as_deref())];
            }))
            div.grid-3 {
                (field("event-start", "First day", None, start_e.as_deref(), html! {
                    input #event-start type="date" name="starts_on" value=(v.starts_on)
                        aria-invalid=[start_e.as_ref().map(|_| "true")]
                        aria-describedby=[described_by("event-start", false, start_e.as_deref())];
                }))
                (field("event-end", "Last day", None, end_e.as_deref(), html! {
                    input #event-end type="date" name="ends_on" value=(v.ends_on)
                        aria-invalid=[end_e.as_ref().map(|_| "true")]
                        aria-describedby=[described_by("event-end", false, end_e.as_deref())];
                }))
            }
            button.btn.btn-primary type="submit" { "Add event" }
        }
    }
}

async fn render(
    mut t: TenantPage,
    status: StatusCode,
    notice: Option<&str>,
    typed: &EventForm,
    errors: &[FieldError],
) -> WebResult {
    let list: Vec<Event> = events::list(&mut t.tx, t.restaurant_id, None, None).await?;
    let today = t.restaurant.timezone.today();
    let fmt = t.fmt();
    let can = t.can(Action::WriteData);
    let body = html! {
        nav.breadcrumb aria-label="Breadcrumb" { a href=(t.href("/forecast")) { "Forecast" } " / " }
        h1 { "Events" }
        p.lead {
            "Festivals, matches, markets: days that sell differently for a reason the calendar knows. "
            "The forecast learns each event’s effect from its earlier occurrences and applies it to the next."
        }
        section.card {
            h2 { "A year back, a year ahead" }
            @if list.is_empty() {
                p.muted { "No events yet." }
            } @else {
                table.table.stack.events {
                    thead { tr {
                        th scope="col" { "Event" }
                        th scope="col" { "Days" }
                        th scope="col" { "When" }
                        @if can { th scope="col" { span.visually-hidden { "Actions" } } }
                    } }
                    tbody {
                        @for e in &list {
                            tr {
                                td.break data-label="Event" { (e.name) }
                                td data-label="Days" {
                                    (fmt.date(e.starts_on))
                                    @if e.ends_on != e.starts_on { " – " (fmt.date(e.ends_on)) }
                                }
                                td data-label="When" {
                                    @if e.ends_on < today { "Past" } @else if e.starts_on > today { "Coming" } @else { "Now" }
                                }
                                @if can {
                                    td {
                                        form method="post" action=(t.href(&format!("/forecast/events/{}/delete", e.event_id))) {
                                            (csrf_field(&t.csrf))
                                            button.btn.btn-quiet type="submit" { "Remove" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if can { (form(&t, typed, errors)) }
    };
    let page = t.render("forecast", "Events", notice_text(notice), body);
    t.commit().await?;
    Ok((status, page).into_response())
}

pub async fn page(t: TenantPage, Query(q): Query<Done>) -> WebResult {
    render(
        t,
        StatusCode::OK,
        q.done.as_deref(),
        &EventForm::default(),
        &[],
    )
    .await
}

pub async fn create(mut t: TenantPage, CsrfForm(f): CsrfForm<EventForm>) -> WebResult {
    t.require(Action::WriteData)?;
    let input = EventInput {
        name: f.name.clone(),
        starts_on: parse_day(&f.starts_on),
        ends_on: parse_day(&f.ends_on),
    };
    match events::create(&mut t.tx, t.restaurant_id, t.user_id, &input).await {
        Ok(_) => {}
        Err(AppError::Rejected { errors, .. }) if !errors.is_empty() => {
            return render(t, StatusCode::UNPROCESSABLE_ENTITY, None, &f, &errors).await;
        }
        Err(e) => return Err(e.into()),
    }
    let to = t.href("/forecast/events?done=event-added");
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

pub async fn delete(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(_): CsrfForm<crate::extract::Empty>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "event_id")?;
    events::delete(&mut t.tx, t.restaurant_id, id).await?;
    let to = t.href("/forecast/events?done=event-removed");
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}
