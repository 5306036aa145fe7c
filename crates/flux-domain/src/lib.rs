//! Flux's domain vocabulary: the values every other crate passes around,
//! each with a `parse` constructor so an invalid one cannot exist.
//!
//! This crate must stay pure (no I/O, no HTTP, no SQL): it is shared by the
//! server, the CLI and the engines, and its rules are unit-tested in
//! isolation.

pub mod email;
pub mod forecast;
pub mod hours;
pub mod menu;
pub mod restaurant;
pub mod role;
pub mod settings;
pub mod validation;

pub use validation::{FieldError, Invalid};
