//! Request extractors: typed bodies whose failures render as problems, the
//! authenticated user, and the tenant context. Handlers take these as
//! arguments, so a handler cannot forget authentication or tenancy.

use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRef, FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use flux_domain::role::{Action, Role};
use flux_store::{Postgres, Transaction};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::{ApiError, Code};
use crate::AppState;

/// `axum::Json`, with rejections rendered as problem+json, and with every
/// string (and object key) in the body checked for control characters
/// before the handler sees it: PostgreSQL refuses NUL in text, so a NUL
/// that got through would surface as a 500 deep in a use case.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

/// A raw request body (a file sent as `text/csv`) whose rejections are
/// problem documents: 413 past the body limit, 400 when it broke off.
pub struct Body(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(req, state)
            .await
            .map(Body)
            .map_err(|r| {
                if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(Code::PayloadTooLarge, "the request body is too large")
                } else {
                    ApiError::new(Code::InvalidBody, r.body_text())
                }
            })
    }
}

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json_content_type(req.headers()) {
            return Err(ApiError::new(
                Code::UnsupportedMediaType,
                "expected `Content-Type: application/json`",
            ));
        }
        let Body(bytes) = Body::from_request(req, state).await?;
        // Parsing into `T` first keeps serde's messages (with line and
        // column) for malformed bodies.
        let axum::Json(value) = axum::Json::<T>::from_bytes(&bytes)?;
        // Raw control characters are invalid JSON, so they can only arrive
        // as `\u` escapes; bodies without one need no second parse.
        if bytes.windows(2).any(|w| w == b"\\u") {
            let tree: serde_json::Value = serde_json::from_slice(&bytes)
                .map_err(|e| ApiError::new(Code::MalformedJson, e.to_string()))?;
            if let Some(field) = control_in_json(&tree, String::new()) {
                return Err(control_characters(&field));
            }
        }
        Ok(Json(value))
    }
}

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// `application/json` or any `application/*+json`, parameters ignored
/// (the same media types `axum::Json` accepts).
fn is_json_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    match essence.split_once('/') {
        Some((kind, sub)) => {
            kind.eq_ignore_ascii_case("application")
                && (sub.eq_ignore_ascii_case("json") || sub.to_ascii_lowercase().ends_with("+json"))
        }
        None => false,
    }
}

/// Characters refused in any text input: NUL and the other C0/C1 control
/// characters. Tab, line feed and carriage return stay allowed, since
/// notes and addresses may span lines.
pub fn is_forbidden_char(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Fails with a `control_characters` problem naming `field` if `value`
/// holds a forbidden character.
pub fn reject_control_chars(field: &str, value: &str) -> Result<(), ApiError> {
    if value.chars().any(is_forbidden_char) {
        Err(control_characters(field))
    } else {
        Ok(())
    }
}

/// Fails with a `control_characters` problem if any string or key in the
/// JSON document `value` (the content of the form field `field`) holds a
/// forbidden character; the problem names its path inside the field.
pub fn reject_control_chars_in_json(
    field: &str,
    value: &serde_json::Value,
) -> Result<(), ApiError> {
    match control_in_json(value, field.to_string()) {
        Some(path) => Err(control_characters(&path)),
        None => Ok(()),
    }
}

fn control_characters(field: &str) -> ApiError {
    ApiError::field(
        Code::ControlCharacters,
        field,
        "control_character",
        "must not contain NUL or other control characters",
    )
}

/// The path (`lines[2].note`) of the first string or key holding a
/// forbidden character.
fn control_in_json(value: &serde_json::Value, path: String) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) if s.chars().any(is_forbidden_char) => Some(path),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| control_in_json(v, format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            let child = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            if k.chars().any(is_forbidden_char) {
                // The key itself is at fault; name it without the
                // characters that would make the message unreadable.
                Some(child.chars().filter(|c| !is_forbidden_char(*c)).collect())
            } else {
                control_in_json(v, child)
            }
        }),
        _ => None,
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::JsonDataError(e) => {
                // serde's message names the field and the problem, e.g.
                // "missing field `email`" or "invalid type: integer, expected a string".
                let detail = std::error::Error::source(&e)
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| e.body_text());
                ApiError::new(Code::InvalidBody, detail)
            }
            JsonRejection::JsonSyntaxError(e) => ApiError::new(
                Code::MalformedJson,
                std::error::Error::source(&e)
                    .map(|s| format!("the body is not valid JSON: {s}"))
                    .unwrap_or_else(|| e.body_text()),
            ),
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                Code::UnsupportedMediaType,
                "expected `Content-Type: application/json`",
            ),
            other if other.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::new(Code::PayloadTooLarge, "the request body is too large")
            }
            other => ApiError::new(Code::InvalidBody, other.body_text()),
        }
    }
}

/// `axum::extract::Query`, with rejections rendered as problem+json and
/// every parameter (name and value) checked for control characters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Query(value) = axum::extract::Query::<T>::try_from_uri(&parts.uri)?;
        let axum::extract::Query(pairs) =
            axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)?;
        for (name, v) in &pairs {
            if name.chars().any(is_forbidden_char) {
                let shown: String = name.chars().filter(|c| !is_forbidden_char(*c)).collect();
                return Err(control_characters(&shown));
            }
            reject_control_chars(name, v)?;
        }
        Ok(Query(value))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::new(Code::InvalidQuery, r.body_text())
    }
}

/// Reads a uuid path parameter. A malformed id cannot name an existing
/// resource, so it is a 404 like any other unknown id.
pub fn path_uuid(params: &RawPathParams, name: &str) -> Result<Uuid, ApiError> {
    params
        .iter()
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| Uuid::parse_str(v).ok())
        .ok_or_else(ApiError::not_found)
}

/// The user behind a valid access token.
#[derive(Debug, Clone, Copy)]
pub struct AuthUser {
    pub user_id: Uuid,
}

impl<S> FromRequestParts<S> for AuthUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let header = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
            ApiError::new(
                Code::Unauthenticated,
                "missing `Authorization: Bearer <token>`",
            )
        })?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| {
                h.strip_prefix("Bearer ")
                    .or_else(|| h.strip_prefix("bearer "))
            })
            .ok_or_else(|| {
                ApiError::new(
                    Code::InvalidToken,
                    "the Authorization header must be `Bearer <token>`",
                )
            })?;
        let user_id = state.tokens.verify_access(token.trim())?;
        Ok(AuthUser { user_id })
    }
}

/// An authenticated member of the restaurant named in the path, with an
/// open transaction scoped to that restaurant (row-level security active).
///
/// Non-members get 404, exactly as for a restaurant that does not exist, so
/// ids of other tenants reveal nothing.
pub struct Tenant {
    pub user_id: Uuid,
    pub restaurant_id: Uuid,
    pub role: Role,
    pub tx: Transaction<'static, Postgres>,
}

impl Tenant {
    /// Fails with 403 unless the member's role allows `action`.
    pub fn require(&self, action: Action) -> Result<(), ApiError> {
        if self.role.can(action) {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    pub async fn commit(self) -> Result<(), ApiError> {
        self.tx.commit().await?;
        Ok(())
    }
}

impl<S> FromRequestParts<S> for Tenant
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found())?;
        let restaurant_id = path_uuid(&params, "restaurant_id")?;
        let state = AppState::from_ref(state);
        let flux_app::tenancy::Tenancy { role, tx } =
            flux_app::tenancy::enter(&state.pool, user.user_id, restaurant_id).await?;
        Ok(Tenant {
            user_id: user.user_id,
            restaurant_id,
            role,
            tx,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_path_of_the_first_offending_string_is_named() {
        let body = json!({"name": "ok", "lines": [{"note": "fine"}, {"note": "a\u{0}b"}]});
        assert_eq!(
            control_in_json(&body, String::new()).as_deref(),
            Some("lines[1].note")
        );
        assert_eq!(
            control_in_json(&json!({"note": "two\nlines\tok"}), String::new()),
            None
        );
        assert_eq!(
            control_in_json(&json!({"k\u{1}ey": 1}), String::new()).as_deref(),
            Some("key")
        );
        assert_eq!(
            control_in_json(&json!({"date": "F\u{0}"}), "mapping".into()).as_deref(),
            Some("mapping.date")
        );
    }

    #[test]
    fn only_line_breaks_and_tabs_are_allowed_among_control_characters() {
        for c in ['\0', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}'] {
            assert!(is_forbidden_char(c), "{c:?}");
        }
        for c in ['\t', '\n', '\r', ' ', 'é', '€'] {
            assert!(!is_forbidden_char(c), "{c:?}");
        }
    }
}
