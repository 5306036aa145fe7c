//! The purchasing engine: windows, demand distributions, service levels, orders, stock and the backtest.
//!
//! One test binary per crate: each integration test file is a module
//! here, so the suite links one executable instead of one per file.

mod backtest;
mod demand;
mod order;
mod service_level;
mod stock;
mod window;
