//! Failures of page requests, rendered as HTML pages a person can act on,
//! plus the security headers every dashboard response carries.
//!
//! The status codes follow the API's rules: another tenant's ids are 404
//! (existence is not revealed), a role that may not write gets 403, and
//! internal errors are logged with their cause and never shown.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use flux_app::{AppError, Kind};
use maud::html;

use crate::layout;

/// Every way a page request can fail.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// A form without a valid CSRF token.
    #[error("invalid CSRF token")]
    Csrf,
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A form field or query parameter held NUL or another control
    /// character; carries the field's name. PostgreSQL cannot store NUL,
    /// so such input is refused before any use case runs.
    #[error("control characters in `{0}`")]
    ControlCharacters(String),
    /// Not signed in; carries the path to come back to.
    #[error("sign-in required")]
    SignIn(String),
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

pub type WebResult<T = Response> = Result<T, WebError>;

impl From<sqlx::Error> for WebError {
    fn from(e: sqlx::Error) -> Self {
        WebError::Internal(e.into())
    }
}

/// A use case's rejection becomes the page its kind calls for; pages that
/// can show a form message match the rejection before this.
impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        match e.kind() {
            Some(Kind::NotFound) => WebError::NotFound,
            Some(Kind::Forbidden) => WebError::Forbidden,
            None => WebError::Internal(anyhow::anyhow!(e)),
            Some(_) => WebError::BadRequest(e.to_string()),
        }
    }
}

impl From<flux_app::costing::KitchenError> for WebError {
    fn from(e: flux_app::costing::KitchenError) -> Self {
        AppError::from(e).into()
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self {
            WebError::SignIn(next) => {
                let target = if next.is_empty() || next == "/app" {
                    "/login".to_string()
                } else {
                    format!("/login?next={}", crate::format::url_encode(&next))
                };
                return Redirect::to(&target).into_response();
            }
            WebError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "There is nothing here, or it belongs to a restaurant you are not a member of."
                    .to_string(),
            ),
            WebError::Forbidden => (
                StatusCode::FORBIDDEN,
                "Not allowed",
                "Your role in this restaurant does not allow this. Ask an owner to change your role."
                    .to_string(),
            ),
            WebError::Csrf => (
                StatusCode::FORBIDDEN,
                "This form has expired",
                "For your security the form could not be accepted. Go back, reload the page and try again."
                    .to_string(),
            ),
            WebError::BadRequest(ref m) => {
                tracing::debug!(message = %m, "bad page request");
                (
                    StatusCode::BAD_REQUEST,
                    "That request did not make sense",
                    "Go back and try again.".to_string(),
                )
            }
            WebError::ControlCharacters(field) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Unsupported characters",
                format!(
                    "The field “{field}” contains control characters (such as NUL) that \
                     cannot be stored. Go back, remove them and try again."
                ),
            ),
            WebError::Internal(e) => {
                tracing::error!(error = format!("{e:#}"), "internal error in a page");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "Something went wrong on our side; it has been logged. Please try again."
                        .to_string(),
                )
            }
        };
        let body = layout::public_page(
            title,
            html! {
                section.card.narrow {
                    h1 { (title) }
                    p { (message) }
                    p { a.btn href="/" { "Go to the dashboard" } }
                }
            },
        );
        (status, body).into_response()
    }
}

/// Adds the headers that make the pages harder to abuse: a strict content
/// security policy (no inline script or style, so injected markup cannot
/// run), no framing, no MIME sniffing, and no caching of tenant data.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
