//! The one error type of the HTTP API, rendered as RFC 9457
//! `application/problem+json`.
//!
//! Every error carries a stable machine-readable `code` from [`Code`]; clients
//! branch on it, never on the human `detail`. Internal errors are logged with
//! their cause chain and rendered without it.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use flux_domain::{FieldError, Invalid};
use serde::Serialize;
use utoipa::ToSchema;

/// The table of error codes and their HTTP statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    MalformedJson,
    InvalidBody,
    InvalidQuery,
    /// A text value holds NUL or another control character; the database
    /// cannot store NUL, so such input is refused where it enters.
    ControlCharacters,
    ValidationFailed,
    Unauthenticated,
    InvalidToken,
    TokenExpired,
    InvalidCredentials,
    RefreshTokenReused,
    Forbidden,
    NotFound,
    Conflict,
    EmailTaken,
    LastOwner,
    PayloadTooLarge,
    UnsupportedMediaType,
    TooManyAttempts,
    NotReady,
    EmptyFile,
    UnrecognisedLayout,
    InvalidFile,
    DuplicateUpload,
    RowsRejected,
    NoValidRows,
    InUse,
    InvalidRecipe,
    RecipeCycle,
    NoCostAsOf,
    MailFailed,
    WeatherFailed,
    /// No OCR engine or vision model on this server.
    ReaderUnavailable,
    AllergensChanged,
    IdempotencyKeyReused,
    IdempotencyKeyInUse,
    InvitationUnusable,
    /// The server ran out of disk space (or hit a file size limit) while
    /// receiving or storing; nothing was stored.
    InsufficientStorage,
    Internal,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::MalformedJson => "malformed_json",
            Code::InvalidBody => "invalid_body",
            Code::InvalidQuery => "invalid_query",
            Code::ControlCharacters => "control_characters",
            Code::ValidationFailed => "validation_failed",
            Code::Unauthenticated => "unauthenticated",
            Code::InvalidToken => "invalid_token",
            Code::TokenExpired => "token_expired",
            Code::InvalidCredentials => "invalid_credentials",
            Code::RefreshTokenReused => "refresh_token_reused",
            Code::Forbidden => "forbidden",
            Code::NotFound => "not_found",
            Code::Conflict => "conflict",
            Code::EmailTaken => "email_taken",
            Code::LastOwner => "last_owner",
            Code::PayloadTooLarge => "payload_too_large",
            Code::UnsupportedMediaType => "unsupported_media_type",
            Code::TooManyAttempts => "too_many_attempts",
            Code::NotReady => "not_ready",
            Code::EmptyFile => "empty_file",
            Code::UnrecognisedLayout => "unrecognised_layout",
            Code::InvalidFile => "invalid_file",
            Code::DuplicateUpload => "duplicate_upload",
            Code::RowsRejected => "rows_rejected",
            Code::NoValidRows => "no_valid_rows",
            Code::InUse => "in_use",
            Code::InvalidRecipe => "invalid_recipe",
            Code::RecipeCycle => "recipe_cycle",
            Code::NoCostAsOf => "no_cost_as_of",
            Code::MailFailed => "mail_failed",
            Code::WeatherFailed => "weather_provider_failed",
            Code::ReaderUnavailable => "menu_reader_unavailable",
            Code::AllergensChanged => "allergens_changed",
            Code::IdempotencyKeyReused => "idempotency_key_reused",
            Code::IdempotencyKeyInUse => "idempotency_key_in_use",
            Code::InvitationUnusable => "invitation_unusable",
            Code::InsufficientStorage => "insufficient_storage",
            Code::Internal => "internal_error",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Code::MalformedJson | Code::InvalidQuery => StatusCode::BAD_REQUEST,
            Code::InvalidBody
            | Code::ControlCharacters
            | Code::ValidationFailed
            | Code::EmptyFile
            | Code::UnrecognisedLayout
            | Code::InvalidFile
            | Code::RowsRejected
            | Code::NoValidRows
            | Code::InvalidRecipe
            | Code::RecipeCycle
            | Code::NoCostAsOf
            | Code::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Code::Unauthenticated
            | Code::InvalidToken
            | Code::TokenExpired
            | Code::InvalidCredentials
            | Code::RefreshTokenReused => StatusCode::UNAUTHORIZED,
            Code::Forbidden => StatusCode::FORBIDDEN,
            Code::NotFound => StatusCode::NOT_FOUND,
            Code::Conflict
            | Code::EmailTaken
            | Code::LastOwner
            | Code::DuplicateUpload
            | Code::InUse
            | Code::AllergensChanged
            | Code::IdempotencyKeyInUse => StatusCode::CONFLICT,
            Code::InvitationUnusable => StatusCode::GONE,
            Code::InsufficientStorage => StatusCode::INSUFFICIENT_STORAGE,
            Code::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Code::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Code::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            Code::NotReady => StatusCode::SERVICE_UNAVAILABLE,
            Code::MailFailed | Code::WeatherFailed => StatusCode::BAD_GATEWAY,
            Code::ReaderUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// URI identifying the problem type: `urn:flux:problem:<code>`.
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code.
    pub code: String,
    /// Per-field problems, for validation errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// Problem-specific members (RFC 9457 extensions), e.g. the import
    /// report of a rejected upload.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{detail}")]
    Client {
        code: Code,
        detail: String,
        errors: Vec<FieldError>,
        retry_after_secs: Option<u64>,
        extensions: serde_json::Map<String, serde_json::Value>,
    },
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn new(code: Code, detail: impl Into<String>) -> Self {
        ApiError::Client {
            code,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after_secs: None,
            extensions: Default::default(),
        }
    }
    pub fn not_found() -> Self {
        Self::new(Code::NotFound, "no such resource")
    }
    pub fn forbidden() -> Self {
        Self::new(
            Code::Forbidden,
            "your role in this restaurant does not allow this",
        )
    }
    pub fn field(code: Code, field: &str, field_code: &'static str, message: &str) -> Self {
        ApiError::Client {
            code,
            detail: format!("{field}: {message}"),
            errors: vec![FieldError::new(field, field_code, message)],
            retry_after_secs: None,
            extensions: Default::default(),
        }
    }
    /// Adds an extension member to the problem document.
    pub fn with(mut self, key: &str, value: serde_json::Value) -> Self {
        if let ApiError::Client { extensions, .. } = &mut self {
            extensions.insert(key.to_string(), value);
        }
        self
    }

    pub fn code(&self) -> Code {
        match self {
            ApiError::Client { code, .. } => *code,
            ApiError::Internal(_) => Code::Internal,
        }
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        flux_app::AppError::from(invalid).into()
    }
}

/// What a client is told to wait while the database is unavailable.
const DATABASE_RETRY_SECS: u64 = 5;

/// Whether a failure is the database being unreachable or shutting down
/// (a restart, a failover) rather than a fault: the request may simply be
/// retried, so it is a 503 with `Retry-After`, not a 500.
fn database_unavailable(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<sqlx::Error>()
            .is_some_and(|e| match e {
                sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed => true,
                // 57P: operator intervention (shutdown, starting up);
                // 08: connection exception.
                sqlx::Error::Database(db) => db
                    .code()
                    .is_some_and(|c| c.starts_with("57P") || c.starts_with("08")),
                _ => false,
            })
    })
}

/// Whether PostgreSQL refused a write for lack of disk space (SQLSTATE
/// 53100); the statement and its transaction were rolled back.
fn database_disk_full(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause.downcast_ref::<sqlx::Error>().is_some_and(
            |e| matches!(e, sqlx::Error::Database(db) if db.code().as_deref() == Some("53100")),
        )
    })
}

/// A local file write (spooling an upload) that failed for lack of room
/// is a 507 naming the cause; any other I/O failure is internal.
pub fn storage_error(e: std::io::Error) -> ApiError {
    use std::io::ErrorKind;
    // ENOSPC, EFBIG (a file size limit), EDQUOT.
    let full = matches!(
        e.kind(),
        ErrorKind::StorageFull | ErrorKind::FileTooLarge | ErrorKind::QuotaExceeded
    ) || matches!(e.raw_os_error(), Some(28 | 27 | 122));
    if full {
        tracing::error!(error = %e, "no room to spool an upload");
        ApiError::new(
            Code::InsufficientStorage,
            "the server has no room to receive this file; nothing was stored",
        )
    } else {
        ApiError::Internal(e.into())
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::Internal(e.into())
    }
}

impl From<flux_app::Kind> for Code {
    fn from(kind: flux_app::Kind) -> Self {
        use flux_app::Kind;
        match kind {
            Kind::Validation => Code::ValidationFailed,
            Kind::InvalidCredentials => Code::InvalidCredentials,
            Kind::InvalidToken => Code::InvalidToken,
            Kind::TokenExpired => Code::TokenExpired,
            Kind::RefreshTokenReused => Code::RefreshTokenReused,
            Kind::Forbidden => Code::Forbidden,
            Kind::NotFound => Code::NotFound,
            Kind::Conflict => Code::Conflict,
            Kind::EmailTaken => Code::EmailTaken,
            Kind::LastOwner => Code::LastOwner,
            Kind::InUse => Code::InUse,
            Kind::TooManyAttempts => Code::TooManyAttempts,
            Kind::EmptyFile => Code::EmptyFile,
            Kind::UnrecognisedLayout => Code::UnrecognisedLayout,
            Kind::InvalidFile => Code::InvalidFile,
            Kind::DuplicateUpload => Code::DuplicateUpload,
            Kind::RowsRejected => Code::RowsRejected,
            Kind::NoValidRows => Code::NoValidRows,
            Kind::InvalidRecipe => Code::InvalidRecipe,
            Kind::RecipeCycle => Code::RecipeCycle,
            Kind::NoCostAsOf => Code::NoCostAsOf,
            Kind::MailFailed => Code::MailFailed,
            Kind::WeatherFailed => Code::WeatherFailed,
            Kind::IdempotencyKeyReused => Code::IdempotencyKeyReused,
            Kind::IdempotencyKeyInUse => Code::IdempotencyKeyInUse,
            Kind::InvitationUnusable => Code::InvitationUnusable,
            Kind::Busy => Code::NotReady,
            Kind::ReaderUnavailable => Code::ReaderUnavailable,
            Kind::AllergensChanged => Code::AllergensChanged,
        }
    }
}

/// A use case's rejection keeps its kind, detail, field errors and
/// extensions; the API only chooses the status and the code.
impl From<flux_app::AppError> for ApiError {
    fn from(e: flux_app::AppError) -> Self {
        match e {
            flux_app::AppError::Rejected {
                kind,
                detail,
                errors,
                retry_after_secs,
                extensions,
            } => ApiError::Client {
                code: kind.into(),
                detail,
                errors,
                retry_after_secs,
                extensions,
            },
            internal => ApiError::Internal(internal.into()),
        }
    }
}

impl From<flux_app::costing::KitchenError> for ApiError {
    fn from(e: flux_app::costing::KitchenError) -> Self {
        flux_app::AppError::from(e).into()
    }
}

impl From<flux_app::forecasts::DemandError> for ApiError {
    fn from(e: flux_app::forecasts::DemandError) -> Self {
        flux_app::AppError::from(e).into()
    }
}

impl From<flux_app::uploads::ImportError> for ApiError {
    fn from(e: flux_app::uploads::ImportError) -> Self {
        flux_app::AppError::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (code, detail, errors, retry, extensions) = match self {
            ApiError::Client {
                code,
                detail,
                errors,
                retry_after_secs,
                extensions,
            } => (code, detail, errors, retry_after_secs, extensions),
            ApiError::Internal(e) if database_disk_full(&e) => {
                tracing::error!(error = format!("{e:#}"), "database out of disk space");
                (
                    Code::InsufficientStorage,
                    "the server is out of disk space; nothing was stored".to_string(),
                    Vec::new(),
                    None,
                    Default::default(),
                )
            }
            ApiError::Internal(e) if database_unavailable(&e) => {
                tracing::warn!(error = format!("{e:#}"), "database unavailable");
                (
                    Code::NotReady,
                    "the database is unavailable; try again shortly".to_string(),
                    Vec::new(),
                    Some(DATABASE_RETRY_SECS),
                    Default::default(),
                )
            }
            ApiError::Internal(e) => {
                tracing::error!(error = format!("{e:#}"), "internal error");
                (
                    Code::Internal,
                    "something went wrong on our side; it has been logged".to_string(),
                    Vec::new(),
                    None,
                    Default::default(),
                )
            }
        };
        let status = code.status();
        let problem = Problem {
            type_uri: format!("urn:flux:problem:{}", code.as_str()),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
            code: code.as_str().to_string(),
            errors: errors
                .into_iter()
                .map(|e| ProblemField {
                    field: e.field,
                    code: e.code.to_string(),
                    message: e.message,
                })
                .collect(),
            extensions,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = retry {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if code.status() == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
