//! The sales-file parser: formats, layouts, rules, values, generated and hostile files.
//!
//! One test binary per crate: each integration test file is a module
//! here, so the suite links one executable instead of one per file.

mod common;
mod formats;
mod generated;
mod hostile;
mod layouts;
mod rules;
mod values;
