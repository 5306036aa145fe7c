//! The audit log page (owners): who changed what and when, filtered by
//! table, action and dates, newest first, with what each update changed.
//! Reads `flux_app::audit`, as the API does.

use axum::extract::Query;
use axum::response::IntoResponse;
use chrono::{NaiveDate, TimeZone, Utc};
use flux_domain::role::Action;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::Value;

use crate::error::WebResult;
use crate::extract::TenantPage;
use crate::format::url_encode;
use crate::layout::empty_state;
use crate::nav;

const PAGE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct Filters {
    entity: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<i64>,
}

/// Local midnight of `date` in the restaurant's zone, as an instant.
fn local_midnight(t: &TenantPage, date: NaiveDate) -> Option<chrono::DateTime<Utc>> {
    let tz = t.restaurant.timezone.tz();
    tz.from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
}

fn date_of(raw: &Option<String>) -> Option<NaiveDate> {
    raw.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

/// The fields an update changed, as "field: before → after".
fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<String> {
    let (Some(Value::Object(b)), Some(Value::Object(a))) = (before, after) else {
        return Vec::new();
    };
    a.iter()
        .filter(|(k, v)| *k != "updated_at" && b.get(*k) != Some(v))
        .map(|(k, v)| {
            let old = b.get(k).map_or_else(|| "–".to_string(), short);
            format!("{k}: {old} → {}", short(v))
        })
        .collect()
}

fn short(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

fn key_text(key: &Value) -> String {
    match key {
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| format!("{k} {}", short(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => short(other),
    }
}

fn filters_form(t: &TenantPage, f: &Filters) -> Markup {
    let selected = |v: &Option<String>, x: &str| v.as_deref() == Some(x);
    html! {
        form.card.filters method="get" action=(t.href("/audit")) {
            div.grid-3 {
                div.field {
                    label for="entity" { "What" }
                    select #entity name="entity" {
                        option value="" { "Everything" }
                        @for e in flux_app::audit::ENTITIES {
                            option value=(e) selected[selected(&f.entity, e)] { (e.replace('_', " ")) }
                        }
                    }
                }
                div.field {
                    label for="action" { "Change" }
                    select #action name="action" {
                        option value="" { "Any" }
                        @for a in flux_app::audit::Action::ALL {
                            option value=(a.as_str()) selected[selected(&f.action, a.as_str())] { (a.as_str()) }
                        }
                    }
                }
                div.field {
                    label for="from" { "From" }
                    input #from type="date" name="from" value=(f.from.clone().unwrap_or_default());
                }
                div.field {
                    label for="to" { "To" }
                    input #to type="date" name="to" value=(f.to.clone().unwrap_or_default());
                }
            }
            button.btn type="submit" { "Filter" }
        }
    }
}

pub async fn page(mut t: TenantPage, Query(f): Query<Filters>) -> WebResult {
    t.require(Action::Administer)?;
    let since = date_of(&f.from).and_then(|d| local_midnight(&t, d));
    let until = date_of(&f.to)
        .and_then(|d| d.succ_opt())
        .and_then(|d| local_midnight(&t, d));
    let query = flux_app::audit::Query {
        entity: f.entity.clone(),
        action: f.action.clone(),
        actor: None,
        since,
        until,
        before_id: f.before,
        limit: PAGE,
    };
    let fmt = t.fmt();
    let tz = t.restaurant.timezone;
    let body = match flux_app::audit::list(&mut t.tx, t.restaurant_id, &query).await {
        Ok(page) => {
            let older = page.next_before_id.map(|id| {
                let mut q = format!("?before={id}");
                for (k, v) in [
                    ("entity", &f.entity),
                    ("action", &f.action),
                    ("from", &f.from),
                    ("to", &f.to),
                ] {
                    if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                        q.push_str(&format!("&{k}={}", url_encode(v)));
                    }
                }
                t.href(&format!("/audit{q}"))
            });
            html! {
                @if page.items.is_empty() {
                    (empty_state("No changes found", "Nothing matches these filters.", None))
                } @else {
                    table.table.stack {
                        thead { tr {
                            th scope="col" { "When" } th scope="col" { "Who" } th scope="col" { "What" }
                            th scope="col" { "Which" } th scope="col" { "Changes" }
                        } }
                        tbody {
                            @for e in &page.items {
                                tr {
                                    td data-label="When" { (fmt.datetime(e.at, tz)) }
                                    td data-label="Who" { (e.actor_email.clone().unwrap_or_else(|| if e.actor.is_some() { "a deleted account".into() } else { "Flux (automatic)".into() })) }
                                    td data-label="What" { (e.action) " " (e.entity.replace('_', " ")) }
                                    td data-label="Which" { (key_text(&e.entity_key)) }
                                    td data-label="Changes" {
                                        @match e.action.as_str() {
                                            "update" => { ul.changes { @for c in changes(e.before.as_ref(), e.after.as_ref()) { li { (c) } } } }
                                            "insert" => { "created" }
                                            _ => { "deleted" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if let Some(href) = older { p { a.btn href=(href) { "Older changes" } } }
                }
            }
        }
        Err(flux_app::AppError::Rejected {
            kind: flux_app::Kind::Validation,
            errors,
            ..
        }) => html! {
            div.alert role="alert" {
                p { "These filters cannot be used:" }
                ul { @for e in &errors { li { (e.field) " " (e.message) } } }
            }
        },
        Err(e) => return Err(e.into()),
    };
    let main = html! {
        div.page-head { h1 { "Audit log" } }
        p.lead { "Every change to this restaurant's menu, recipes, stock, orders, members and settings, with who made it. Kept for the days set in Settings." }
        (filters_form(&t, &f))
        (body)
    };
    let page = t.render(nav::SETTINGS, "Audit log", None, main);
    t.commit().await?;
    Ok(page.into_response())
}
