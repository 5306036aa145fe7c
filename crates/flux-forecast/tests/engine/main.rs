//! The forecasting engine: models, backtests, calendars, hierarchy, extreme inputs and properties.
//!
//! One test binary per crate: each integration test file is a module
//! here, so the suite links one executable instead of one per file.

mod backtest;
mod calendar;
mod extreme_inputs;
mod forecast;
mod hierarchy;
mod nb;
mod properties;
mod season;
mod seed;
mod stockouts;
mod weather;
