//! Flux's demand-forecasting engine: pure functions from a restaurant's
//! sales history to per-item, per-day forecast distributions.
//!
//! The crate does no I/O: no files, network, database or async runtime.
//! Callers load data, build [`Restaurant`] and [`ForecastRequest`] values and
//! get [`ItemForecast`]s back. Three models are selectable by name
//! ([`ModelKind`]): `seasonal-naive` and `seed` are baselines, `production`
//! is the recommended model. [`backtest`] measures them by rolling-origin
//! evaluation, [`synthetic`] makes data with known truth, and [`calendar`]
//! knows the public holidays of the supported countries.
//!
//! ```
//! use chrono::NaiveDate;
//! use flux_forecast::{forecast_restaurant, ForecastRequest, Horizon, ItemSeries, ModelKind, Restaurant};
//!
//! let start = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap();
//! let sales = (0..56).map(|d| if d % 7 == 4 { 30.0 } else { 20.0 }).collect();
//! let restaurant = Restaurant {
//!     series: vec![ItemSeries::new("burger", Some("mains".into()), start, sales)],
//!     special_days: vec![],
//!     country: None,
//!     weather: vec![],
//! };
//! let as_of = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
//! let request = ForecastRequest::new(as_of, Horizon::new(7).unwrap(), ModelKind::Production);
//! let forecast = forecast_restaurant(&restaurant, &request).unwrap();
//! assert_eq!(forecast[0].days.len(), 7);
//! ```

pub mod assemble;
pub mod backtest;
pub mod calendar;
mod context;
mod engine;
pub mod error;
pub mod hierarchy;
pub mod models;
pub mod nb;
pub mod output;
pub mod synthetic;
pub mod types;

pub use engine::{forecast_batch, forecast_restaurant, forecast_with, BatchJob};
pub use error::{ForecastError, Result};
pub use hierarchy::{forecast_hierarchy, HierarchyForecast};
pub use models::production::HalfLife;
pub use models::{Model, ProductionParams, SeedParams};
pub use output::{ColdStartTier, DayForecast, Explanation, ItemForecast, TemperatureBand};
pub use types::{
    Country, DayFlags, ForecastRequest, Horizon, ItemSeries, ModelKind, PlannedPromo, PromoShare,
    Restaurant, SpecialDay, WeatherDay,
};
