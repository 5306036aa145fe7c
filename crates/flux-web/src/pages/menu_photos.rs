//! Menu photo to menu (`flux_app::menu_photos`): upload a photo or PDF of
//! the printed menu, see the photo beside the dishes read off it, edit
//! them (low-confidence ones highlighted, dishes the menu already has shown
//! with their current price), and confirm them all with one click.

use std::collections::HashMap;

use axum::extract::{RawPathParams, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect};
use flux_app::menu_photos::scans::{self, Actor, ConfirmItem, Proposal};
use flux_app::menu_photos::PhotoLimits;
use flux_domain::role::Action;
use maud::{html, Markup};
use rust_decimal::Decimal;

use crate::error::WebResult;
use crate::extract::{path_uuid, CsrfForm, CsrfMultipart, TenantPage};
use crate::layout::csrf_field;
use crate::pages::uploads::problem_box;
use crate::{nav, WebState};

fn readers_note(state: &WebState) -> &'static str {
    let r = state.readers();
    match (&r.vision, &r.tesseract) {
        (Some(_), _) => "Photos are read by the configured vision model (local OCR if it fails).",
        (None, Some(_)) => "Photos are read on this server with local OCR (Tesseract); no data leaves it.",
        (None, None) => "No menu reader is installed on this server: install tesseract-ocr or configure a vision model.",
    }
}

fn upload_form(t: &TenantPage, state: &WebState) -> Markup {
    html! {
        form.card #menu-photo method="post" enctype="multipart/form-data" action=(t.href("/menu/photo")) {
            h2 { "Read a menu photo" }
            (csrf_field(&t.csrf))
            p.muted { (readers_note(state)) }
            label for="photo" { "Photo or PDF of the printed menu (JPEG, PNG, WebP or PDF, up to 20 MB)" }
            input #photo type="file" name="file" accept="image/jpeg,image/png,image/webp,application/pdf" required;
            button type="submit" { "Read the menu" }
        }
    }
}

async fn page_with(
    mut t: TenantPage,
    state: &WebState,
    status: StatusCode,
    problem: Option<Markup>,
) -> WebResult {
    let recent = scans::recent(&mut t.tx, t.restaurant_id, 10).await?;
    let body = html! {
        nav.breadcrumb aria-label="Breadcrumb" { a href=(t.href("/menu")) { "Menu" } " / " }
        div.page-head { h1 { "Menu photo" } }
        @if let Some(p) = problem { (p) }
        (upload_form(&t, state))
        @if !recent.is_empty() {
            section.card {
                h2 { "Earlier photos" }
                table {
                    thead { tr { th { "When" } th { "File" } th { "Dishes" } th { "Status" } } }
                    tbody {
                        @for s in &recent {
                            tr {
                                td { (s.created_at.format("%Y-%m-%d %H:%M")) }
                                td { a href=(t.href(&format!("/menu/photo/{}", s.scan_id))) { (s.filename) } }
                                td { (s.total_items) }
                                td { @if s.confirmed_at.is_some() { "confirmed" } @else { "waiting for you" } }
                            }
                        }
                    }
                }
            }
        }
    };
    let page = t.render(nav::MENU, "Menu photo", None, body);
    t.commit().await?;
    Ok((status, page).into_response())
}

pub async fn page(State(state): State<WebState>, t: TenantPage) -> WebResult {
    t.require(Action::WriteData)?;
    page_with(t, &state, StatusCode::OK, None).await
}

pub async fn upload(
    State(state): State<WebState>,
    t: TenantPage,
    CsrfMultipart(mut mp): CsrfMultipart,
) -> WebResult {
    t.require(Action::WriteData)?;
    let limits = PhotoLimits::default();
    let mut photo: Option<(Vec<u8>, String)> = None;
    let mut refused: Option<String> = None;
    while let Ok(Some(mut field)) = mp.next_field().await {
        if field.name() != Some("file") {
            continue;
        }
        let name = field
            .file_name()
            .unwrap_or("menu")
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        let mut bytes = Vec::new();
        while let Ok(Some(chunk)) = field.chunk().await {
            if bytes.len() + chunk.len() > limits.max_bytes {
                refused = Some(format!(
                    "Photos are limited to {} MB.",
                    limits.max_bytes / 1024 / 1024
                ));
                break;
            }
            bytes.extend_from_slice(&chunk);
        }
        photo = Some((bytes, name));
        break;
    }
    let (bytes, filename) = match (refused, photo) {
        (Some(msg), _) => {
            let p = problem_box("The photo was not read", html! { p { (msg) } });
            return page_with(t, &state, StatusCode::UNPROCESSABLE_ENTITY, Some(p)).await;
        }
        (None, None) => {
            let p = problem_box(
                "The photo was not read",
                html! { p { "Choose a photo or PDF of the menu." } },
            );
            return page_with(t, &state, StatusCode::UNPROCESSABLE_ENTITY, Some(p)).await;
        }
        (None, Some(p)) => p,
    };
    let actor = Actor {
        restaurant_id: t.restaurant_id,
        user_id: Some(t.user_id),
    };
    let rid = t.restaurant_id;
    // No transaction is held while the photo is read (seconds).
    let frame = t.suspend().await?;
    match scans::scan(
        state.pool(),
        actor,
        &bytes,
        &filename,
        state.readers(),
        limits,
    )
    .await
    {
        Ok(p) => Ok(
            Redirect::to(&nav::href(rid, &format!("/menu/photo/{}", p.scan_id))).into_response(),
        ),
        Err(e) if e.kind().is_some() => {
            let t = TenantPage::resume(frame, &state).await?;
            let p = problem_box("The photo was not read", html! { p { (e.to_string()) } });
            page_with(t, &state, StatusCode::UNPROCESSABLE_ENTITY, Some(p)).await
        }
        Err(e) => Err(e.into()),
    }
}

fn money(p: Option<Decimal>) -> String {
    p.map_or_else(String::new, |p| format!("{:.2}", p))
}

fn proposal_view(t: &TenantPage, p: &Proposal) -> Markup {
    let confirmed = p.confirmed_at.is_some();
    html! {
        p { (p.message) " Read by " (p.engine.label()) " in " (format!("{:.1}", p.seconds)) " s." }
        @for w in &p.warnings { p.alert role="status" { (w) } }
        div.photo-review {
            figure.card {
                img src=(t.href(&format!("/menu/photo/{}/photo", p.scan_id))) alt="The uploaded menu";
                figcaption { (p.filename) }
            }
            form.card #confirm-photo method="post" action=(t.href(&format!("/menu/photo/{}/confirm", p.scan_id))) {
                (csrf_field(&t.csrf))
                input type="hidden" name="count" value=(p.items.len());
                table {
                    thead { tr { th { "Add" } th { "Dish" } th { "Category" } th { "Price" } th { "Sure" } th { "On the menu" } } }
                    tbody {
                        @for (i, it) in p.items.iter().enumerate() {
                            tr.low-confidence[it.low_confidence] {
                                td { input type="checkbox" name=(format!("include_{i}")) checked aria-label=(format!("Add {}", it.name)); }
                                td {
                                    input name=(format!("name_{i}")) value=(it.name) aria-label="Dish name" required;
                                    br;
                                    input name=(format!("description_{i}")) value=(it.description.clone().unwrap_or_default()) aria-label="Description" placeholder="description";
                                }
                                td { input name=(format!("category_{i}")) value=(it.category.clone().unwrap_or_default()) aria-label="Category"; }
                                td { input name=(format!("price_{i}")) value=(money(it.price)) inputmode="decimal" size="7" aria-label="Price"; }
                                td { (format!("{:.0} %", it.confidence * 100.0)) }
                                td {
                                    @if let Some(e) = &it.existing {
                                        input type="hidden" name=(format!("merge_{i}")) value=(e.menu_item_id);
                                        (e.name) " at " (money(e.price))
                                        @if e.price_differs { " → " strong { (money(it.price)) } }
                                    } @else { "new" }
                                }
                            }
                        }
                    }
                }
                @if confirmed {
                    p { "Confirmed " (p.confirmed_at.map(|c| c.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()) "." }
                } @else {
                    button type="submit" { "Confirm all into the menu" }
                }
            }
        }
    }
}

pub async fn show(mut t: TenantPage, params: RawPathParams) -> WebResult {
    let id = path_uuid(&params, "scan_id")?;
    let p = scans::get(&mut t.tx, t.restaurant_id, id).await?;
    let body = html! {
        nav.breadcrumb aria-label="Breadcrumb" {
            a href=(t.href("/menu")) { "Menu" } " / " a href=(t.href("/menu/photo")) { "Menu photo" } " / "
        }
        div.page-head { h1 { "Dishes read off " (p.filename) } }
        (proposal_view(&t, &p))
    };
    let page = t.render(nav::MENU, "Menu photo", None, body);
    t.commit().await?;
    Ok(page.into_response())
}

pub async fn photo(mut t: TenantPage, params: RawPathParams) -> WebResult {
    let id = path_uuid(&params, "scan_id")?;
    let png = scans::photo(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(([(header::CONTENT_TYPE, "image/png")], png).into_response())
}

/// The edited rows of the confirm form (`name_3`, `price_3`, ...).
fn confirm_items(f: &HashMap<String, String>) -> Result<Vec<ConfirmItem>, String> {
    let count: usize = f
        .get("count")
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
        .min(2000);
    let mut items = Vec::new();
    for i in 0..count {
        if !f.contains_key(&format!("include_{i}")) {
            continue;
        }
        let text = |k: &str| {
            f.get(&format!("{k}_{i}"))
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let Some(name) = text("name") else { continue };
        let price = match text("price") {
            Some(p) => Some(
                p.replace(',', ".")
                    .parse::<Decimal>()
                    .map_err(|_| format!("The price of {name} is not a number: {p}"))?,
            ),
            None => None,
        };
        items.push(ConfirmItem {
            name,
            category: text("category"),
            description: text("description"),
            price,
            merge_into: text("merge").and_then(|m| m.parse().ok()),
        });
    }
    Ok(items)
}

pub async fn confirm(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "scan_id")?;
    let outcome = match confirm_items(&f) {
        Ok(items) => {
            // A savepoint: a dish refused half-way must undo the dishes
            // before it and the scan's confirmation, while the page below
            // still reads through the same transaction.
            let mut sp = sqlx::Connection::begin(&mut *t.tx)
                .await
                .map_err(flux_app::AppError::from)?;
            match scans::confirm(&mut sp, t.restaurant_id, id, Some(t.user_id), &items).await {
                Ok(done) => {
                    sp.commit().await.map_err(flux_app::AppError::from)?;
                    Ok(done)
                }
                Err(e) => {
                    sp.rollback().await.map_err(flux_app::AppError::from)?;
                    Err(e.to_string())
                }
            }
        }
        Err(msg) => Err(msg),
    };
    match outcome {
        Ok(_) => {
            let to = t.href("/recipes?done=menu-photo");
            t.commit().await?;
            Ok(Redirect::to(&to).into_response())
        }
        Err(msg) => {
            let p = scans::get(&mut t.tx, t.restaurant_id, id).await?;
            let body = html! {
                div.page-head { h1 { "Dishes read off " (p.filename) } }
                (problem_box("Nothing was added", html! { p { (msg) } }))
                (proposal_view(&t, &p))
            };
            let page = t.render(nav::MENU, "Menu photo", None, body);
            t.commit().await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
