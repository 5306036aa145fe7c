//! Sign up, log in, log out (here or everywhere).
//!
//! Accounts and login throttling are `flux_app::accounts`, shared with the
//! API; this module turns their outcome into a server-side session and its
//! cookie. Login also issues a refresh token, which a browser session has
//! no use for, so it is revoked straight away rather than left valid in the
//! database. Logging out deletes the session; logging out everywhere ends
//! every session of the user and revokes all their refresh tokens.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use flux_app::accounts::{self as auth, Issued};
use flux_app::AppError;
use maud::{html, Markup};
use serde::Deserialize;

use crate::error::{WebError, WebResult};
use crate::extract::{with_session, CsrfForm, Visit};
use crate::layout::{self, csrf_field, described_by, field};
use crate::session::Session;
use crate::WebState;

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct Credentials {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// Only paths inside the dashboard are followed after login, so a crafted
/// link cannot bounce a user to another site (`//host`, `/\\host`, a
/// scheme) or smuggle header lines into the redirect (control characters,
/// which would also make the `Location` header unbuildable after the
/// session was already issued). Anything else falls back to `/`.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if (n == "/app" || n.starts_with("/app/") || n.starts_with("/app?"))
                && !n.contains("//")
                && !n.contains('\\')
                && n.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            n
        }
        _ => "/",
    }
}

#[derive(Default)]
struct FormState<'a> {
    email: &'a str,
    next: Option<&'a str>,
    email_error: Option<String>,
    password_error: Option<String>,
    form_error: Option<String>,
}

fn auth_form(csrf: &str, signup: bool, s: &FormState<'_>) -> Markup {
    let (title, action, button) = if signup {
        ("Create your Flux account", "/signup", "Create account")
    } else {
        ("Log in to Flux", "/login", "Log in")
    };
    let pw_hint = signup.then_some("At least 8 characters.");
    html! {
        section.card.narrow.auth {
            h1 { (title) }
            @if signup {
                p.lead { "Turn your sales history into dish-level demand forecasts." }
            }
            @if let Some(e) = &s.form_error {
                p.alert role="alert" { (e) }
            }
            form method="post" action=(action) novalidate {
                (csrf_field(csrf))
                @if let Some(n) = s.next { input type="hidden" name="next" value=(n); }
                (field("email", "E-mail", None, s.email_error.as_deref(), html! {
                    input #email type="email" name="email" value=(s.email) autocomplete="email" required
                        autofocus[s.email.is_empty()]
                        aria-invalid=[s.email_error.as_ref().map(|_| "true")]
                        aria-describedby=[described_by("email", false, s.email_error.as_deref())];
                }))
                (field("password", "Password", pw_hint, s.password_error.as_deref(), html! {
                    input #password type="password" name="password" required
                        autocomplete=(if signup { "new-password" } else { "current-password" })
                        autofocus[!s.email.is_empty()]
                        aria-invalid=[s.password_error.as_ref().map(|_| "true")]
                        aria-describedby=[described_by("password", pw_hint.is_some(), s.password_error.as_deref())];
                }))
                button.btn.btn-primary.btn-block type="submit" { (button) }
            }
            @let carry = s.next.map(|n| format!("?next={}", crate::format::url_encode(n))).unwrap_or_default();
            @if signup {
                p.switch { "Already have an account? " a href=(format!("/login{carry}")) { "Log in" } }
            } @else {
                p.switch { "New to Flux? " a href=(format!("/signup{carry}")) { "Create an account" } }
            }
        }
    }
}

fn render(title: &str, csrf: &str, signup: bool, s: &FormState<'_>) -> Markup {
    layout::public_page(title, auth_form(csrf, signup, s))
}

pub async fn login_page(visit: Visit, Query(q): Query<NextQuery>) -> Response {
    if visit.session.user_id.is_some() {
        return Redirect::to(safe_next(q.next.as_deref())).into_response();
    }
    let next = q.next.as_deref().filter(|n| safe_next(Some(n)) != "/");
    render(
        "Log in",
        &visit.csrf,
        false,
        &FormState {
            next,
            ..Default::default()
        },
    )
    .into_response()
}

pub async fn signup_page(visit: Visit, Query(q): Query<NextQuery>) -> Response {
    if visit.session.user_id.is_some() {
        return Redirect::to(safe_next(q.next.as_deref())).into_response();
    }
    // An invitee arrives here from the invitation link and goes back to it.
    let next = q.next.as_deref().filter(|n| safe_next(Some(n)) != "/");
    render(
        "Sign up",
        &visit.csrf,
        true,
        &FormState {
            next,
            ..Default::default()
        },
    )
    .into_response()
}

/// Signs the browser in as the user the tokens were issued to, ending the
/// session it held before (if any) so no orphaned session stays live.
pub(crate) async fn start_session(
    state: &WebState,
    visit: &Visit,
    issued: Issued,
    next: &str,
) -> WebResult {
    let user_id = state.tokens().verify_access(&issued.access_token)?;
    auth::logout(state.pool(), user_id, Some(&issued.refresh_token)).await?;
    if visit.session.user_id.is_some() {
        auth::sessions::end(state.pool(), visit.session.secret()).await?;
    }
    let started = auth::sessions::start(state.pool(), user_id).await?;
    let session = Session::signed_in(user_id, started.secret, started.expires_at.timestamp());
    Ok(with_session(Redirect::to(next), session))
}

/// The client's socket address, when the server records it (it does, but
/// a missing one only weakens throttling to per-account).
pub struct PeerAddr(Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for PeerAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(PeerAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}

fn client_ip(state: &WebState, headers: &HeaderMap, peer: Option<SocketAddr>) -> Option<String> {
    if state.trusts_forwarded() {
        if let Some(ip) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| v.parse::<std::net::IpAddr>().is_ok())
        {
            return Some(ip.to_string());
        }
    }
    peer.map(|p| p.ip().to_string())
}

pub async fn login(
    State(state): State<WebState>,
    visit: Visit,
    PeerAddr(peer): PeerAddr,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<Credentials>,
) -> WebResult {
    let next = safe_next(f.next.as_deref()).to_string();
    let ip = client_ip(&state, &headers, peer);
    match auth::login(state.pool(), state.tokens(), &f.email, &f.password, ip).await {
        Ok(issued) => start_session(&state, &visit, issued, &next).await,
        Err(e) => {
            let message = match &e {
                AppError::Rejected {
                    retry_after_secs: Some(secs),
                    ..
                } => format!(
                    "Too many failed attempts. Try again in {} minute(s).",
                    secs.div_ceil(60)
                ),
                AppError::Rejected { .. } => "Wrong e-mail or password.".to_string(),
                AppError::Internal(_) | AppError::Database(_) => return Err(e.into()),
            };
            let s = FormState {
                email: f.email.trim(),
                next: f.next.as_deref().filter(|n| safe_next(Some(n)) != "/"),
                form_error: Some(message),
                ..Default::default()
            };
            Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                render("Log in", &visit.csrf, false, &s),
            )
                .into_response())
        }
    }
}

pub async fn signup(
    State(state): State<WebState>,
    visit: Visit,
    CsrfForm(f): CsrfForm<Credentials>,
) -> WebResult {
    match auth::register(state.pool(), state.tokens(), &f.email, &f.password).await {
        Ok(issued) => {
            let next = match safe_next(f.next.as_deref()) {
                "/" => "/app",
                next => next,
            };
            start_session(&state, &visit, issued, next).await
        }
        Err(AppError::Rejected { errors, detail, .. }) => {
            let find = |name: &str| {
                errors
                    .iter()
                    .find(|e| e.field == name)
                    .map(|e| format!("This {}", e.message.trim_start_matches("an ")))
                    .map(|m| fix_message(name, &m))
            };
            let mut s = FormState {
                email: f.email.trim(),
                next: f.next.as_deref().filter(|n| safe_next(Some(n)) != "/"),
                email_error: find("email"),
                password_error: find("password"),
                ..Default::default()
            };
            if s.email_error.is_none() && s.password_error.is_none() {
                s.form_error = Some(detail);
            }
            Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                render("Sign up", &visit.csrf, true, &s),
            )
                .into_response())
        }
        Err(e) => Err(WebError::from(e)),
    }
}

/// Turns the service's field messages ("is not a valid e-mail address",
/// "must be at least 8 characters") into sentences that read well beside
/// the field.
fn fix_message(field: &str, message: &str) -> String {
    let rest = message.trim_start_matches("This ");
    match field {
        "email" if rest.starts_with("account") => {
            "An account with this e-mail already exists. Log in instead?".into()
        }
        "email" => format!("This {rest}."),
        _ => format!("The password {rest}."),
    }
}

/// Which sessions a logout ends.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum LogoutScope {
    /// This browser's session only.
    #[default]
    Here,
    /// Every session of the user, and all their refresh tokens.
    Everywhere,
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    scope: LogoutScope,
}

pub async fn logout(
    State(state): State<WebState>,
    visit: Visit,
    CsrfForm(f): CsrfForm<LogoutForm>,
) -> WebResult {
    if let Some(user_id) = visit.session.user_id {
        match f.scope {
            LogoutScope::Here => {
                auth::sessions::end(state.pool(), visit.session.secret()).await?;
            }
            LogoutScope::Everywhere => auth::sessions::end_all(state.pool(), user_id).await?,
        }
    }
    Ok(with_session(
        Redirect::to("/login"),
        Session::anonymous(chrono::Utc::now().timestamp()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_dashboard_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/app/r/x")), "/app/r/x");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/app//evil.example")), "/");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(safe_next(Some("/app?x=1")), "/app?x=1");
        assert_eq!(safe_next(Some("/app\\evil")), "/");
        assert_eq!(safe_next(Some("/app/ok\r\nSet-Cookie:x")), "/");
        assert_eq!(safe_next(Some("/app/a\0b")), "/");
        assert_eq!(safe_next(Some("/apple")), "/");
        assert_eq!(safe_next(Some("javascript:alert(1)")), "/");
    }
}
