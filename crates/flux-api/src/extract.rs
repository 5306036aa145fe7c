//! Request extractors: typed bodies whose failures render as problems, the
//! authenticated user, and the tenant context. Handlers take these as
//! arguments, so a handler cannot forget authentication or tenancy.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRef, FromRequest, FromRequestParts, RawPathParams};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use flux_domain::role::{Action, Role};
use flux_store::{Postgres, Transaction};
use uuid::Uuid;

use crate::error::{ApiError, Code};
use crate::AppState;

/// `axum::Json`, with rejections rendered as problem+json.
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
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

/// `axum::extract::Query`, with rejections rendered as problem+json.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

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
