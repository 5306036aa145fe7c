//! The restaurant's weather (`flux_app::weather`): the last four weeks and
//! the coming sixteen days as stored, where they came from, "Fetch now"
//! from the provider, and a file import. The forecast reads it and names
//! the effect of rain and of unusual warmth or cold in its explanations.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use flux_app::weather::{self, Report, Source};
use flux_app::AppError;
use flux_domain::role::Action;
use maud::{html, Markup};
use serde::Deserialize;

use super::uploads::problem_box;
use crate::error::WebResult;
use crate::extract::{CsrfForm, CsrfMultipart, TenantPage};
use crate::layout::csrf_field;
use crate::WebState;

/// A weather file larger than this is not one (ten thousand days of
/// Meteostat's eleven columns are about 600 kB).
const MAX_FILE_BYTES: usize = 1024 * 1024;

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
    days: Option<u64>,
}

fn notice(q: &Done) -> Option<String> {
    let days = q.days.unwrap_or(0);
    match q.done.as_deref()? {
        "imported" => Some(format!(
            "Imported {days} day(s) of weather: the next forecast reads them."
        )),
        "fetched" => Some(format!(
            "Fetched {days} day(s) of weather from the provider."
        )),
        _ => None,
    }
}

async fn render(
    mut t: TenantPage,
    state: &WebState,
    status: StatusCode,
    notice: Option<String>,
    problem: Option<Markup>,
) -> WebResult {
    let days = weather::list(&mut t.tx, t.restaurant_id, None, None).await?;
    let settings = flux_app::settings::get(&mut t.tx, t.restaurant_id).await?;
    let today = t.restaurant.timezone.today();
    let fmt = t.fmt();
    let can = t.can(Action::WriteData);
    let located = settings.latitude.zip(settings.longitude);
    let body = html! {
        nav.breadcrumb aria-label="Breadcrumb" { a href=(t.href("/forecast")) { "Forecast" } " / " }
        h1 { "Weather" }
        p.lead {
            "Rain, and days warmer or colder than the weeks before, move what some dishes sell. "
            "The forecast learns by how much from your own history, and says so in its reasons (“rain −12 %”)."
        }
        @if let Some(p) = problem { (p) }
        section.card {
            h2 { "Where the weather comes from" }
            @match located {
                Some((lat, lon)) => {
                    p {
                        "Location " (fmt.num(lat, 4)) ", " (fmt.num(lon, 4)) " ("
                        a href=(t.href("/settings")) { "change in Settings" } "). "
                        @if state.weather_provider().is_some() {
                            "Every night the weather of the last two weeks and the next sixteen days is fetched before the forecast."
                        } @else {
                            "This server fetches no weather: import a file below."
                        }
                    }
                    @if can && state.weather_provider().is_some() {
                        form method="post" action=(t.href("/forecast/weather/refresh")) {
                            (csrf_field(&t.csrf))
                            button.btn type="submit" { "Fetch now" }
                        }
                    }
                }
                None => p.muted {
                    "No location yet: set the restaurant’s latitude and longitude in "
                    a href=(t.href("/settings")) { "Settings" }
                    " to get its weather every night, or import a file below."
                }
            }
        }
        section.card {
            h2 { "The last four weeks and the next sixteen days" }
            @if days.is_empty() {
                p.muted { "No weather stored for these days." }
            } @else {
                table.table.stack.weather {
                    thead { tr {
                        th scope="col" { "Day" }
                        th scope="col" .num { "Temperature" }
                        th scope="col" .num { "Precipitation" }
                        th scope="col" { "From" }
                    } }
                    tbody {
                        @for d in &days {
                            tr class=[(d.date == today).then_some("today")] {
                                td data-label="Day" { (fmt.date(d.date)) @if d.date > today { " (forecast)" } }
                                td.num data-label="Temperature" {
                                    @match d.temperature_c { Some(c) => { (fmt.num(f64::from(c), 1)) " °C" } None => "–" }
                                }
                                td.num data-label="Precipitation" {
                                    @match d.precipitation_mm { Some(p) => { (fmt.num(f64::from(p), 1)) " mm" } None => "–" }
                                }
                                td data-label="From" {
                                    @match d.source { Source::Provider => "Weather service", Source::Import => "Your file" }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if can {
            form.card #import-weather method="post" action=(t.href("/forecast/weather/import")) enctype="multipart/form-data" {
                h2 { "Import a weather file" }
                (csrf_field(&t.csrf))
                p.muted.small {
                    "A CSV with a date column and a temperature or precipitation column, "
                    "e.g. " code { "date,temperature_c,precipitation_mm" } ". Exports of Open-Meteo, Meteostat and NOAA read as they are. "
                    "Your days replace stored ones and the weather service never overwrites them."
                }
                div.field {
                    label for="weather-file" { "File" }
                    input #weather-file type="file" name="file" accept=".csv,text/csv" required;
                }
                button.btn.btn-primary type="submit" { "Import" }
            }
        }
    };
    let page = t.render("forecast", "Weather", notice.as_deref(), body);
    t.commit().await?;
    Ok((status, page).into_response())
}

pub async fn page(
    State(state): State<WebState>,
    t: TenantPage,
    Query(q): Query<Done>,
) -> WebResult {
    render(t, &state, StatusCode::OK, notice(&q), None).await
}

/// What a rejected import or fetch says to the operator.
fn problem(title: &str, e: &AppError) -> Option<Markup> {
    let AppError::Rejected { detail, errors, .. } = e else {
        return None;
    };
    Some(problem_box(
        title,
        html! {
            p { (detail) }
            @if !errors.is_empty() {
                ul { @for f in errors { li { (f.field) ": " (f.message) } } }
            }
        },
    ))
}

pub async fn import(
    State(state): State<WebState>,
    mut t: TenantPage,
    CsrfMultipart(mut mp): CsrfMultipart,
) -> WebResult {
    t.require(Action::WriteData)?;
    let mut bytes = Vec::new();
    let mut refused = None;
    loop {
        match mp.next_field().await {
            Ok(Some(mut field)) if field.name() == Some("file") => loop {
                match field.chunk().await {
                    Ok(Some(chunk)) if bytes.len() + chunk.len() <= MAX_FILE_BYTES => {
                        bytes.extend_from_slice(&chunk)
                    }
                    Ok(Some(_)) => {
                        refused = Some("The file is too large for a weather file (1 MB at most).");
                        break;
                    }
                    Ok(None) => break,
                    Err(_) => {
                        refused = Some("The upload was interrupted; please try again.");
                        break;
                    }
                }
            },
            Ok(Some(_)) => continue,
            Ok(None) => break,
            Err(_) => {
                refused = Some("The upload was interrupted; please try again.");
                break;
            }
        }
        if refused.is_some() {
            break;
        }
    }
    let title = "The weather file was not imported";
    if let Some(message) = refused {
        let p = problem_box(title, html! { p { (message) } });
        return render(t, &state, StatusCode::UNPROCESSABLE_ENTITY, None, Some(p)).await;
    }
    match weather::import(&mut t.tx, t.restaurant_id, &bytes).await {
        Ok(Report { days_stored, .. }) => {
            let to = t.href(&format!(
                "/forecast/weather?done=imported&days={days_stored}"
            ));
            t.commit().await?;
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => match problem(title, &e) {
            // Rejected before anything was written: the transaction is
            // still good for the page.
            Some(p) => render(t, &state, StatusCode::UNPROCESSABLE_ENTITY, None, Some(p)).await,
            None => Err(e.into()),
        },
    }
}

pub async fn refresh(
    State(state): State<WebState>,
    t: TenantPage,
    CsrfForm(_): CsrfForm<crate::extract::Empty>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let Some(provider) = state.weather_provider().cloned() else {
        let p = problem_box(
            "No weather service",
            html! { p { "This server fetches no weather; import a file instead." } },
        );
        return render(t, &state, StatusCode::CONFLICT, None, Some(p)).await;
    };
    let (rid, user) = (t.restaurant_id, t.user_id);
    // No transaction is held while the provider answers.
    let frame = t.suspend().await?;
    let result = weather::refresh(state.pool(), rid, user, &provider).await;
    let t = TenantPage::resume(frame, &state).await?;
    match result {
        Ok(r) => {
            let to = t.href(&format!(
                "/forecast/weather?done=fetched&days={}",
                r.days_stored
            ));
            t.commit().await?;
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => match problem("The weather was not fetched", &e) {
            Some(p) => {
                let status = match e.kind() {
                    Some(flux_app::Kind::WeatherFailed) => StatusCode::BAD_GATEWAY,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                render(t, &state, status, None, Some(p)).await
            }
            None => Err(e.into()),
        },
    }
}
