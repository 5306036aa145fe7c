//! `/api/v1/auth/*`: accounts and tokens, with the seed's request and
//! response shapes.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{AuthUser, Json};
use crate::AppState;
use flux_app::accounts::{self as auth, Issued};

#[derive(Deserialize, ToSchema)]
pub struct Credentials {
    #[schema(example = "chef@restaurant.com")]
    pub email: String,
    #[schema(example = "securepassword123")]
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

impl From<Issued> for TokenPair {
    fn from(i: Issued) -> Self {
        Self {
            access_token: i.access_token,
            refresh_token: i.refresh_token,
            token_type: "bearer",
            expires_in: i.expires_in,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Deserialize, ToSchema, Default)]
pub struct LogoutRequest {
    /// Ends this login's session family; omit to end all of the user's sessions.
    pub refresh_token: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub email: String,
    pub created_at: DateTime<Utc>,
}

/// Create an account and log in.
#[utoipa::path(post, path = "/register", tag = "auth", request_body = Credentials,
    responses((status = 201, body = TokenPair), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn register(
    State(s): State<AppState>,
    Json(c): Json<Credentials>,
) -> ApiResult<(StatusCode, Json<TokenPair>)> {
    let issued = auth::register(&s.pool, &s.tokens, &c.email, &c.password).await?;
    Ok((StatusCode::CREATED, Json(issued.into())))
}

/// Log in with e-mail and password. Repeated failures are throttled per
/// account and per client address (429 with `Retry-After`).
#[utoipa::path(post, path = "/login", tag = "auth", request_body = Credentials,
    responses((status = 200, body = TokenPair), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn login(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(c): Json<Credentials>,
) -> ApiResult<Json<TokenPair>> {
    let ip = s.client_ip(&headers, peer);
    let issued = auth::login(&s.pool, &s.tokens, &c.email, &c.password, Some(ip)).await?;
    Ok(Json(issued.into()))
}

/// Exchange a refresh token for a new pair (the old one stops working).
#[utoipa::path(post, path = "/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = Problem)))]
pub async fn refresh(
    State(s): State<AppState>,
    Json(r): Json<RefreshRequest>,
) -> ApiResult<Json<TokenPair>> {
    Ok(Json(
        auth::refresh(&s.pool, &s.tokens, &r.refresh_token)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    /// At least 8 characters.
    pub new_password: String,
}

/// Change the password. Every refresh token and dashboard session of the
/// account ends; the reply is a fresh pair for this client.
#[utoipa::path(post, path = "/password", tag = "auth", request_body = PasswordChange,
    responses((status = 200, body = TokenPair), (status = 401, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem)),
    security(("bearer" = [])))]
pub async fn change_password(
    State(s): State<AppState>,
    user: AuthUser,
    Json(b): Json<PasswordChange>,
) -> ApiResult<Json<TokenPair>> {
    let issued = auth::change_password(
        &s.pool,
        &s.tokens,
        user.user_id,
        &b.current_password,
        &b.new_password,
    )
    .await?;
    Ok(Json(issued.into()))
}

/// Everything Flux holds about you as a person (account, memberships,
/// logins, the changes you made), as a zip of JSON files.
#[utoipa::path(get, path = "/me/export", tag = "auth",
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), (status = 401, body = Problem)),
    security(("bearer" = [])))]
pub async fn export(
    State(s): State<AppState>,
    user: AuthUser,
) -> ApiResult<axum::response::Response> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let export = flux_app::accounts::export::export(&s.pool, user.user_id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", export.filename),
            ),
        ],
        export.zip,
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErasureRequest {
    /// The account's current password.
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct ErasureScheduled {
    /// When the account will be erased; logging in before then cancels it.
    pub erase_after: DateTime<Utc>,
}

/// Erase my account (GDPR): every login ends now, and the account with
/// its memberships is erased after a 30-day grace period unless you log
/// in again. Refused (409 `last_owner`) while you are the only owner of a
/// restaurant.
#[utoipa::path(post, path = "/me/erase", tag = "auth", request_body = ErasureRequest,
    responses((status = 202, body = ErasureScheduled), (status = 401, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)),
    security(("bearer" = [])))]
pub async fn erase(
    State(s): State<AppState>,
    user: AuthUser,
    Json(b): Json<ErasureRequest>,
) -> ApiResult<(StatusCode, Json<ErasureScheduled>)> {
    let erase_after =
        flux_app::accounts::erasure::request(&s.pool, user.user_id, &b.password).await?;
    Ok((StatusCode::ACCEPTED, Json(ErasureScheduled { erase_after })))
}

/// Log out: revoke refresh tokens. Access tokens expire on their own shortly.
#[utoipa::path(post, path = "/logout", tag = "auth", request_body(content = LogoutRequest, description = "optional"),
    responses((status = 204), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn logout(
    State(s): State<AppState>,
    user: AuthUser,
    body: axum::body::Bytes,
) -> ApiResult<StatusCode> {
    // The body is optional, which axum's `Json` cannot express.
    let body: LogoutRequest = if body.iter().all(u8::is_ascii_whitespace) {
        LogoutRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::new(crate::error::Code::MalformedJson, e.to_string()))?
    };
    auth::logout(&s.pool, user.user_id, body.refresh_token.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The current user's profile.
#[utoipa::path(get, path = "/me", tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn me(State(s): State<AppState>, user: AuthUser) -> ApiResult<Json<Me>> {
    Ok(Json(auth::me(&s.pool, user.user_id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeChange {
    /// The corrected e-mail address (also the login name from now on).
    #[schema(example = "owner@example.com")]
    pub email: String,
    /// The account's current password.
    pub current_password: String,
}

/// Correct my account (GDPR rectification): change the e-mail address,
/// proven with the current password (a wrong one counts against the
/// login throttle). Other logins stay open.
#[utoipa::path(patch, path = "/me", tag = "auth", request_body = MeChange,
    responses((status = 200, body = Me), (status = 401, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem), (status = 429, body = Problem)),
    security(("bearer" = [])))]
pub async fn change_me(
    State(s): State<AppState>,
    user: AuthUser,
    Json(b): Json<MeChange>,
) -> ApiResult<Json<Me>> {
    let u = auth::change_email(&s.pool, user.user_id, &b.current_password, &b.email).await?;
    Ok(Json(u.into()))
}

impl From<auth::User> for Me {
    fn from(u: auth::User) -> Self {
        Me {
            id: u.user_id,
            email: u.email,
            created_at: u.created_at,
        }
    }
}
