//! Cross-cutting request handling: request ids, access logs, request
//! metrics, panics, transport security.

use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Response};
use axum::middleware::Next;
use axum::response::IntoResponse;
use tracing::Instrument;

use crate::error::{ApiError, Code};

const REQUEST_ID: &str = "x-request-id";

/// Accepts a caller's `x-request-id` if it is short and plain (it ends up in
/// logs, so hostile values are replaced), otherwise generates one; echoes it
/// on the response and puts it on every log line of the request's span.
pub async fn trace_request(mut req: Request, next: Next) -> Response<Body> {
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 128
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let header = HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("invalid"));
    req.headers_mut().insert(REQUEST_ID, header.clone());

    let method = req.method().clone();
    let path = req.uri().path().to_string();
    // The route's template, never the raw path: one series per route
    // whatever the ids in it (unmatched paths share one).
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_string();
    let span = tracing::info_span!("request", request_id = %id, %method, %path);
    let started = Instant::now();
    let mut response = next.run(req).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    span.in_scope(|| {
        tracing::info!(
            status,
            elapsed_ms = elapsed.as_millis() as u64,
            "request finished"
        )
    });
    let labels = [
        ("method", method.as_str().to_string()),
        ("route", route),
        ("status", status.to_string()),
    ];
    metrics::histogram!("flux_http_request_duration_seconds", &labels)
        .record(elapsed.as_secs_f64());
    response.headers_mut().insert(REQUEST_ID, header);
    response
}

/// A panic in a handler becomes a logged 500 problem, not a dropped connection.
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    let msg = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into());
    tracing::error!(panic = %msg, "handler panicked");
    ApiError::new(
        Code::Internal,
        "something went wrong on our side; it has been logged",
    )
    .into_response()
}

/// Whether `X-Forwarded-*` headers come from a proxy the operator trusts
/// (`ServerConfig::trust_forwarded_for`).
#[derive(Debug, Clone, Copy)]
pub struct TrustForwarded(pub bool);

/// One year, the commonly recommended minimum for HSTS.
const HSTS: &str = "max-age=31536000";

/// Sends `Strict-Transport-Security` when the request reached the proxy
/// over HTTPS. The server itself speaks plain HTTP, so the only evidence
/// is `X-Forwarded-Proto: https`, and it is believed only when forwarded
/// headers are trusted; HSTS on a plain-HTTP deployment would lock
/// browsers out of it.
pub async fn hsts(
    State(TrustForwarded(trusted)): State<TrustForwarded>,
    req: Request,
    next: Next,
) -> Response<Body> {
    let https = trusted
        && req
            .headers()
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
    let mut response = next.run(req).await;
    if https {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    response
}
