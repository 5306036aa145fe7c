//! The one error type of the application layer, with no HTTP in it.
//!
//! A use case fails with an [`AppError`]: either a *rejection* the caller
//! can act on (a [`Kind`] with a human detail, field errors and optional
//! extension values such as the import report), or an internal failure that
//! is logged and never shown. Each adapter renders it its own way: the API
//! maps [`Kind`] to a status and a stable problem `code`, the dashboard to a
//! form message or an error page, the CLI to a message and an exit code.
//! Classifying the errors of the areas (imports, costing, purchasing) happens
//! here, once, so two front-ends cannot disagree about what a failure means.

use flux_domain::{FieldError, Invalid};
use flux_store::StoreError;

/// What kind of rejection; one per stable error code of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Fields failed validation; see the field errors.
    Validation,
    InvalidCredentials,
    InvalidToken,
    TokenExpired,
    RefreshTokenReused,
    /// The caller's role does not allow this.
    Forbidden,
    /// No such resource, or another tenant's (existence is not revealed).
    NotFound,
    Conflict,
    EmailTaken,
    LastOwner,
    /// Still referenced (an ingredient used by a recipe).
    InUse,
    TooManyAttempts,
    EmptyFile,
    UnrecognisedLayout,
    InvalidFile,
    DuplicateUpload,
    RowsRejected,
    NoValidRows,
    InvalidRecipe,
    RecipeCycle,
    NoCostAsOf,
    /// An outside service (the mail server) failed; nothing was changed.
    MailFailed,
    /// The weather provider failed or answered nonsense; nothing was
    /// changed.
    WeatherFailed,
    /// An invitation link that was used, withdrawn or has expired.
    InvitationUnusable,
    /// An `Idempotency-Key` already answered a different request.
    IdempotencyKeyReused,
    /// A request with the same `Idempotency-Key` is still running.
    IdempotencyKeyInUse,
    /// The work could not finish now (a forecast over its time budget);
    /// trying again later may succeed.
    Busy,
    /// No menu reader (OCR engine or vision model) is available on this
    /// server.
    ReaderUnavailable,
    /// A recipe change would change what allergens a dish declares; sent
    /// again with the change acknowledged, it is saved.
    AllergensChanged,
}

/// Why a use case did not happen. In every case nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{detail}")]
    Rejected {
        kind: Kind,
        detail: String,
        errors: Vec<FieldError>,
        retry_after_secs: Option<u64>,
        /// Extra machine-readable members (an import report, the headers
        /// of an unrecognised file, the id of an earlier upload).
        extensions: serde_json::Map<String, serde_json::Value>,
    },
    #[error("internal error: {0}")]
    Internal(String),
    /// The database failed (not a constraint: those are rejections).
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

/// Shorthand for use-case results.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(kind: Kind, detail: impl Into<String>) -> Self {
        AppError::Rejected {
            kind,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after_secs: None,
            extensions: Default::default(),
        }
    }

    pub fn not_found() -> Self {
        Self::new(Kind::NotFound, "no such resource")
    }

    pub fn forbidden() -> Self {
        Self::new(
            Kind::Forbidden,
            "your role in this restaurant does not allow this",
        )
    }

    /// A rejection about one field.
    pub fn field(kind: Kind, field: &str, field_code: &'static str, message: &str) -> Self {
        AppError::Rejected {
            kind,
            detail: format!("{field}: {message}"),
            errors: vec![FieldError::new(field, field_code, message)],
            retry_after_secs: None,
            extensions: Default::default(),
        }
    }

    pub fn too_many(retry_after_secs: u64) -> Self {
        AppError::Rejected {
            kind: Kind::TooManyAttempts,
            detail: "too many failed attempts; try again later".into(),
            errors: Vec::new(),
            retry_after_secs: Some(retry_after_secs),
            extensions: Default::default(),
        }
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        AppError::Internal(e.to_string())
    }

    /// Adds an extension member.
    pub fn with(mut self, key: &str, value: serde_json::Value) -> Self {
        if let AppError::Rejected { extensions, .. } = &mut self {
            extensions.insert(key.to_string(), value);
        }
        self
    }

    /// The rejection's kind; `None` for internal failures.
    pub fn kind(&self) -> Option<Kind> {
        match self {
            AppError::Rejected { kind, .. } => Some(*kind),
            AppError::Internal(_) | AppError::Database(_) => None,
        }
    }

    /// Turns a unique-constraint clash into a field error on `field`: the
    /// one place where "that name is taken" is worded per resource.
    pub fn taken(self, field: &str, message: &str) -> Self {
        match self {
            AppError::Rejected {
                kind: Kind::Conflict,
                ..
            } => AppError::field(Kind::Conflict, field, "taken", message),
            other => other,
        }
    }
}

impl From<Invalid> for AppError {
    fn from(Invalid(errors): Invalid) -> Self {
        AppError::Rejected {
            kind: Kind::Validation,
            detail: "the request has invalid fields; see `errors`".into(),
            errors,
            retry_after_secs: None,
            extensions: Default::default(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(constraint) => AppError::Rejected {
                kind: Kind::Conflict,
                // The constraint's name is the schema's business, not the
                // caller's: logged, not shown.
                detail: {
                    tracing::debug!(constraint, "unique constraint refused a write");
                    "conflicts with existing data".to_string()
                },
                errors: Vec::new(),
                retry_after_secs: None,
                extensions: Default::default(),
            },
            StoreError::InUse(_) => Self::new(
                Kind::InUse,
                "still used by a recipe; remove it from those recipes first",
            ),
            StoreError::Db(e) => AppError::Database(e),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Database(e)
    }
}

impl From<crate::costing::KitchenError> for AppError {
    fn from(e: crate::costing::KitchenError) -> Self {
        use crate::costing::KitchenError;
        use flux_costing::CostingError;
        match e {
            KitchenError::NoRestaurant | KitchenError::UnknownRecipe(_) => AppError::not_found(),
            KitchenError::Invalid(invalid) => invalid.into(),
            KitchenError::Store(e) => e.into(),
            KitchenError::AllergensChanged(changes) => {
                crate::inventory::allergens::changed_error(&changes)
            }
            KitchenError::Costing(e) => {
                let is_cycle = |e: &CostingError| matches!(e, CostingError::Cycle { .. });
                let kind = match &e {
                    e if is_cycle(e) => Kind::RecipeCycle,
                    CostingError::Book(book) if book.problems.iter().any(is_cycle) => {
                        Kind::RecipeCycle
                    }
                    CostingError::NoCostAsOf { .. } => Kind::NoCostAsOf,
                    _ => Kind::InvalidRecipe,
                };
                AppError::new(kind, e.to_string())
            }
        }
    }
}

impl From<crate::uploads::ImportError> for AppError {
    fn from(e: crate::uploads::ImportError) -> Self {
        use crate::uploads::ImportError;
        use flux_ingest::IngestError;
        let report = |r: &crate::uploads::ImportReport| serde_json::to_value(r).unwrap_or_default();
        match e {
            ImportError::File(IngestError::Empty) => {
                AppError::new(Kind::EmptyFile, "the file is empty or has no header row")
            }
            ImportError::File(IngestError::UnrecognisedLayout { headers }) => AppError::new(
                Kind::UnrecognisedLayout,
                format!(
                    "the file's layout was not recognised (headers found: {}); send a `mapping` \
                     naming which header holds the date, item, quantity and price",
                    headers.join(", ")
                ),
            )
            .with("headers", serde_json::json!(headers)),
            ImportError::File(IngestError::Io(e)) => AppError::internal(e),
            ImportError::File(other) => AppError::new(Kind::InvalidFile, other.to_string()),
            ImportError::Duplicate(id) => AppError::new(
                Kind::DuplicateUpload,
                format!(
                    "this file was already imported as upload {id}; undo that upload first to \
                     import it again"
                ),
            )
            .with("upload_id", serde_json::json!(id)),
            ImportError::Rejected(r) => AppError::new(
                Kind::RowsRejected,
                format!(
                    "{} row(s) have errors and the policy is strict; nothing was imported",
                    r.rows_errored
                ),
            )
            .with("report", report(&r)),
            ImportError::NoRows(r) => AppError::new(
                Kind::NoValidRows,
                "the file has no valid sale rows; nothing was imported",
            )
            .with("report", report(&r)),
            ImportError::NoRestaurant => AppError::not_found(),
            ImportError::Store(s) => s.into(),
            ImportError::Db(e) => AppError::Database(e),
            other => AppError::internal(other),
        }
    }
}

impl From<crate::forecasts::DemandError> for AppError {
    fn from(e: crate::forecasts::DemandError) -> Self {
        use crate::forecasts::DemandError;
        match e {
            DemandError::NoHistory => AppError::new(
                Kind::NoValidRows,
                "no sales history yet: import sales before forecasting",
            ),
            DemandError::NoRestaurant => AppError::not_found(),
            DemandError::Engine(e) => AppError::new(Kind::Validation, e.to_string()),
            e @ DemandError::TimeBudgetExceeded { .. } => AppError::new(
                Kind::Busy,
                format!("{e}; it will be retried, or try again in a few minutes"),
            ),
            DemandError::Store(s) => s.into(),
            DemandError::Db(e) => AppError::Database(e),
            DemandError::Internal(m) => AppError::Internal(m),
        }
    }
}
