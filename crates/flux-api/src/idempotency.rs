//! `Idempotency-Key` on POST requests: the HTTP half of
//! [`flux_app::idempotency`].
//!
//! A POST under `/api/v1` with an `Idempotency-Key` header and a valid
//! access token runs at most once per key and user. The first request
//! claims the key and runs; its response is stored for 24 hours. The same
//! key again with the same request (method, path, query, content type and
//! body) gets the stored response back with `Idempotent-Replayed: true`,
//! without running anything; with a different request it is a 422
//! (`idempotency_key_reused`); while the first is still running, a 409
//! (`idempotency_key_in_use`) with `Retry-After`.
//!
//! What is not stored, so that a retry runs afresh: server errors (5xx),
//! 401 and 429 (the caller may log in again or wait), responses larger
//! than [`MAX_STORED_BYTES`], and requests whose body the handler did not
//! read to the end (it refused them on their headers alone, before any
//! work). The token endpoints (`/api/v1/auth/...`) ignore the header:
//! their replies carry credentials, which are never stored in clear.
//! Requests without a valid token are passed on untouched (they fail
//! authentication anyway). A replay does not run the handler, so it does
//! not repeat its checks either: someone removed from a restaurant can
//! still replay, for the rest of the 24 hours, a response they were
//! already given, and nothing more.
//!
//! The request body is fingerprinted while the handler reads it, never
//! buffered, so uploads of hundreds of megabytes stay streamed. Multipart
//! bodies are fingerprinted without their boundary string, which HTTP
//! clients draw at random for every attempt: a retried upload of the same
//! file and fields is the same request.

use std::sync::{Arc, Mutex, PoisonError};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use flux_app::idempotency::{self as app, Begin, Key, StoredResponse};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::AppState;

/// The request header carrying the key.
pub const HEADER: &str = "idempotency-key";
/// Set on responses sent again from storage.
pub const REPLAYED: &str = "idempotent-replayed";
/// Largest response kept for replay; every POST reply of the API is far
/// smaller (the largest is an import report with its first row errors).
pub const MAX_STORED_BYTES: u64 = 4 * 1024 * 1024;

/// The middleware; see the module documentation.
pub async fn idempotent_posts(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(raw_key) = req.headers().get(HEADER) else {
        return next.run(req).await;
    };
    let path = req.uri().path();
    if req.method() != Method::POST
        || !path.starts_with("/api/v1/")
        || path.starts_with("/api/v1/auth/")
    {
        return next.run(req).await;
    }
    let Some(user_id) = bearer_user(&state, &req) else {
        return next.run(req).await;
    };
    // Invalid bytes become U+FFFD, which the key's rules refuse.
    let key = match Key::parse(&String::from_utf8_lossy(raw_key.as_bytes())) {
        Ok(key) => key,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let fingerprint = Fingerprint::start(&req);
    match app::begin(&state.pool, user_id, &key).await {
        Err(e) => ApiError::from(e).into_response(),
        Ok(Begin::Stored(stored)) => {
            let fingerprint = match fingerprint.read_all(req.into_body()).await {
                Ok(fp) => fp,
                Err(e) => return e.into_response(),
            };
            match stored.replay(&fingerprint) {
                Ok(response) => replay(response),
                Err(e) => ApiError::from(e).into_response(),
            }
        }
        Ok(Begin::Run) => {
            let content_length = req
                .headers()
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok());
            let shared = Arc::new(Mutex::new(fingerprint));
            let (parts, body) = req.into_parts();
            let body_was_empty = body.is_end_stream();
            let req = Request::from_parts(parts, watch_body(body, shared.clone()));
            let response = next.run(req).await;
            let fingerprint =
                std::mem::take(&mut *shared.lock().unwrap_or_else(PoisonError::into_inner));
            let read_whole_body = body_was_empty
                || fingerprint.ended
                || content_length.is_some_and(|n| n == fingerprint.seen);
            store_or_release(
                &state,
                user_id,
                &key,
                fingerprint,
                read_whole_body,
                response,
            )
            .await
        }
    }
}

/// The user of the request's access token, if it has a valid one.
fn bearer_user(state: &AppState, req: &Request) -> Option<uuid::Uuid> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?;
    state.tokens.verify_access(token.trim()).ok()
}

/// Keeps the handler's response for replay when it is worth replaying,
/// otherwise gives the key back; either way the response goes out.
async fn store_or_release(
    state: &AppState,
    user_id: uuid::Uuid,
    key: &Key,
    fingerprint: Fingerprint,
    read_whole_body: bool,
    response: Response,
) -> Response {
    let status = response.status();
    let storable = read_whole_body
        && !status.is_server_error()
        && status != StatusCode::UNAUTHORIZED
        && status != StatusCode::TOO_MANY_REQUESTS
        && response
            .body()
            .size_hint()
            .upper()
            .is_some_and(|n| n <= MAX_STORED_BYTES);
    if !storable {
        if let Err(e) = app::abandon(&state.pool, user_id, key).await {
            tracing::warn!(error = %e, "could not release an idempotency key");
        }
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_STORED_BYTES as usize).await {
        Ok(bytes) => bytes,
        Err(e) => {
            // The handler's own body failed mid-way: nothing sensible to
            // send or keep.
            let _ = app::abandon(&state.pool, user_id, key).await;
            return ApiError::Internal(anyhow::anyhow!("response body failed: {e}"))
                .into_response();
        }
    };
    let header_text = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_string)
    };
    let stored = StoredResponse {
        fingerprint: fingerprint.finish(),
        status: status.as_u16() as i16,
        content_type: header_text(header::CONTENT_TYPE),
        location: header_text(header::LOCATION),
        body: bytes.to_vec(),
    };
    if let Err(e) = app::finish(&state.pool, user_id, key, &stored).await {
        // The work is done and the client gets its answer; only a later
        // retry would run again.
        tracing::warn!(error = %e, "could not store an idempotent response");
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Rebuilds a stored response.
fn replay(stored: StoredResponse) -> Response {
    let status = StatusCode::from_u16(stored.status as u16).unwrap_or(StatusCode::OK);
    let mut response = (status, Body::from(stored.body)).into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, stored.content_type),
        (header::LOCATION, stored.location),
    ] {
        if let Some(value) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            headers.insert(name, value);
        }
    }
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    response
}

/// Passes the body through to the handler, feeding the fingerprint on the
/// way and noting whether the handler read it to the end.
fn watch_body(body: Body, fingerprint: Arc<Mutex<Fingerprint>>) -> Body {
    let stream = futures_util::stream::unfold(
        (body.into_data_stream(), fingerprint),
        |(mut stream, fingerprint)| async move {
            let next = stream.next().await;
            {
                let mut fp = fingerprint.lock().unwrap_or_else(PoisonError::into_inner);
                match &next {
                    Some(Ok(chunk)) => fp.update(chunk),
                    Some(Err(_)) => fp.failed = true,
                    None => fp.ended = !fp.failed,
                }
            }
            next.map(|item| (item, (stream, fingerprint)))
        },
    );
    Body::from_stream(stream)
}

/// SHA-256 of a request: method, path and query, content type without
/// parameters, and the body (multipart boundaries removed).
#[derive(Default)]
struct Fingerprint {
    hasher: Sha256,
    /// The multipart boundary, removed wherever it occurs in the body.
    boundary: Option<Vec<u8>>,
    /// Bytes that may be the start of a boundary split across chunks.
    carry: Vec<u8>,
    seen: u64,
    ended: bool,
    failed: bool,
}

impl Fingerprint {
    fn start(req: &Request) -> Self {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let mut params = content_type.split(';');
        let essence = params
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let boundary = if essence.starts_with("multipart/") {
            params
                .filter_map(|p| p.trim().split_once('='))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("boundary"))
                .map(|(_, value)| value.trim().trim_matches('"').as_bytes().to_vec())
                .filter(|b| !b.is_empty())
        } else {
            None
        };
        let mut hasher = Sha256::new();
        let target = req
            .uri()
            .path_and_query()
            .map(|pq| pq.as_str())
            .unwrap_or_default();
        hasher.update(format!("{} {target}\n{essence}\n", req.method()).as_bytes());
        Fingerprint {
            hasher,
            boundary,
            ..Default::default()
        }
    }

    fn update(&mut self, chunk: &[u8]) {
        self.seen += chunk.len() as u64;
        let Some(boundary) = &self.boundary else {
            self.hasher.update(chunk);
            return;
        };
        self.carry.extend_from_slice(chunk);
        let mut start = 0;
        while let Some(at) = memchr::memmem::find(&self.carry[start..], boundary) {
            self.hasher.update(&self.carry[start..start + at]);
            start += at + boundary.len();
        }
        // A boundary may begin in the last bytes and end in the next chunk.
        let keep_from = start.max(self.carry.len().saturating_sub(boundary.len() - 1));
        self.hasher.update(&self.carry[start..keep_from]);
        self.carry.drain(..keep_from);
    }

    fn finish(mut self) -> Vec<u8> {
        let rest = std::mem::take(&mut self.carry);
        self.hasher.update(&rest);
        self.hasher.finalize().to_vec()
    }

    /// Fingerprints a whole body (a repeated request, which is not run).
    async fn read_all(mut self, body: Body) -> Result<Vec<u8>, ApiError> {
        let mut stream = body.into_data_stream();
        while let Some(chunk) = stream.next().await {
            let chunk: Bytes = chunk.map_err(|e| {
                ApiError::new(
                    crate::error::Code::InvalidBody,
                    format!("the request body could not be read: {e}"),
                )
            })?;
            self.update(&chunk);
        }
        Ok(self.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(content_type: &str) -> Request {
        Request::builder()
            .method(Method::POST)
            .uri("/api/v1/restaurants/x/uploads?policy=strict")
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::empty())
            .expect("request")
    }

    fn fingerprint(content_type: &str, chunks: &[&[u8]]) -> Vec<u8> {
        let mut fp = Fingerprint::start(&request(content_type));
        for chunk in chunks {
            fp.update(chunk);
        }
        fp.finish()
    }

    #[test]
    fn multipart_bodies_differing_only_in_boundary_are_the_same_request() {
        let body = |b: &str| {
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.csv\"\r\n\r\n\
                 date,item,quantity\r\n2025-01-01,Tea,3\r\n--{b}--\r\n"
            )
        };
        let one = body("XyZ123");
        let two = body("------------------------q9w8e7");
        let a = fingerprint("multipart/form-data; boundary=XyZ123", &[one.as_bytes()]);
        // Split mid-boundary, byte by byte: the carry must join the halves.
        let bytes = two.as_bytes();
        let pieces: Vec<&[u8]> = bytes.chunks(1).collect();
        let b = fingerprint(
            "multipart/form-data; boundary=\"------------------------q9w8e7\"",
            &pieces,
        );
        assert_eq!(a, b);
        let other = body("XyZ123").replace("Tea", "Tee");
        let c = fingerprint("multipart/form-data; boundary=XyZ123", &[other.as_bytes()]);
        assert_ne!(a, c, "a different file is a different request");
    }

    #[test]
    fn json_bodies_are_fingerprinted_byte_for_byte_with_method_and_path() {
        let a = fingerprint("application/json", &[b"{\"name\":\"a\"}"]);
        let b = fingerprint(
            "application/json; charset=utf-8",
            &[b"{\"name\":", b"\"a\"}"],
        );
        assert_eq!(a, b, "chunking and content-type parameters do not matter");
        assert_ne!(a, fingerprint("application/json", &[b"{\"name\":\"b\"}"]));
        let mut other_path = Fingerprint::start(
            &Request::builder()
                .method(Method::POST)
                .uri("/api/v1/restaurants/y/uploads?policy=strict")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::empty())
                .expect("request"),
        );
        other_path.update(b"{\"name\":\"a\"}");
        assert_ne!(a, other_path.finish());
    }
}
