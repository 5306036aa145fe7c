//! Field-level validation errors, collected so a client sees every problem
//! with its input at once rather than one per round trip.

use serde::Serialize;

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `days.2.ranges.0.close`.
    pub field: String,
    /// Stable machine-readable reason, e.g. `too_long`.
    pub code: &'static str,
    /// Human explanation.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

/// Input was rejected; carries every field error found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid input: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn one(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self(vec![FieldError::new(field, code, message)])
    }
}

/// Collects errors while validating several fields.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }
    /// Records the error of `result` (re-rooted under `field`) and returns its value.
    pub fn check<T>(&mut self, result: Result<T, Invalid>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(Invalid(errs)) => {
                self.0.extend(errs);
                None
            }
        }
    }
    pub fn finish(self) -> Result<(), Invalid> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.0))
        }
    }
}

/// Rejects control characters other than ordinary whitespace: they have no
/// business in names and make logs and CSV exports unsafe.
pub fn clean_text(field: &str, value: &str, max_chars: usize) -> Result<String, Invalid> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Invalid::one(field, "required", "must not be empty"));
    }
    if trimmed.chars().count() > max_chars {
        return Err(Invalid::one(
            field,
            "too_long",
            format!("must be at most {max_chars} characters"),
        ));
    }
    if trimmed.chars().any(|c| c.is_control()) {
        return Err(Invalid::one(
            field,
            "invalid_characters",
            "must not contain control characters",
        ));
    }
    Ok(trimmed.to_string())
}
