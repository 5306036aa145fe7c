//! `/app/invitations/{token}`: where an invitation link lands. A visitor
//! is sent to log in (or sign up) and comes back here; the page then says
//! which restaurant and role the invitation offers and asks to accept it.
//! Accepting is `flux_app::invitations::accept`, as in the API: the account
//! must have the invited address, and the link works once.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use flux_app::{AppError, Kind};
use maud::{html, Markup};

use crate::error::WebResult;
use crate::extract::{CsrfForm, SignedIn};
use crate::layout::{self, csrf_field};
use crate::{nav, WebState};

/// A rejection a person can act on, as a page; anything else is an error.
fn refusal(e: AppError) -> WebResult {
    let (status, title, text) = match e.kind() {
        Some(Kind::NotFound) => (
            StatusCode::NOT_FOUND,
            "Invitation not found",
            "This link is not a valid invitation. If it was resent, use the newest e-mail."
                .to_string(),
        ),
        Some(Kind::InvitationUnusable) => (
            StatusCode::GONE,
            "Invitation no longer valid",
            e.to_string(),
        ),
        Some(Kind::Forbidden) => (
            StatusCode::FORBIDDEN,
            "Invitation for another address",
            e.to_string(),
        ),
        Some(Kind::Conflict) => (StatusCode::CONFLICT, "Already a member", e.to_string()),
        _ => return Err(e.into()),
    };
    Ok((
        status,
        page(
            title,
            html! { p { (text) } p { a href="/app" { "Your restaurants" } } },
        ),
    )
        .into_response())
}

fn page(title: &str, body: Markup) -> Markup {
    layout::public_page(
        title,
        html! { section.card.narrow { h1 { (title) } (body) } },
    )
}

/// The invitation, with an accept button.
pub async fn show(
    State(state): State<WebState>,
    user: SignedIn,
    Path(token): Path<String>,
) -> WebResult {
    match flux_app::invitations::show(state.pool(), user.user_id, &token).await {
        Ok(offer) => {
            let action = flux_app::invitations::accept_path(&token);
            Ok(page(
                "You are invited",
                html! {
                    p.lead { "Join " strong { (offer.restaurant_name) } " as " strong { (offer.role) } "." }
                    form method="post" action=(action) {
                        (csrf_field(&user.csrf))
                        button.btn.btn-primary type="submit" { "Accept and join" }
                    }
                },
            )
            .into_response())
        }
        Err(e) => refusal(e),
    }
}

#[derive(serde::Deserialize)]
pub struct AcceptForm {}

/// Accepts and opens the restaurant.
pub async fn accept(
    State(state): State<WebState>,
    user: SignedIn,
    Path(token): Path<String>,
    CsrfForm(_): CsrfForm<AcceptForm>,
) -> WebResult {
    match flux_app::invitations::accept(state.pool(), user.user_id, &token).await {
        Ok(joined) => Ok(Redirect::to(&nav::href(joined.restaurant_id, "")).into_response()),
        Err(e) => refusal(e),
    }
}
