//! The labor engine: hourly profiles, schedules and pay.
//!
//! One test binary per crate: each integration test file is a module
//! here, so the suite links one executable instead of one per file.

mod hourly;
mod pay;
mod schedule;
