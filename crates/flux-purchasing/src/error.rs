//! The one error type of the procurement maths.
//!
//! Only inputs that would make a recommendation meaningless are errors
//! (a NaN forecast, a negative recipe quantity). Everything that can be
//! repaired without guessing (crossing quantiles, a stock figure below zero)
//! is repaired where it is read, and the repair is documented there.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Error)]
pub enum ProcurementError {
    /// A forecast figure is NaN, infinite or negative. `usage` is the index
    /// in the slice given to [`crate::ingredient_demand`].
    #[error("usage {usage}: forecast {field} is {value}, expected a finite number ≥ 0")]
    InvalidForecast {
        usage: usize,
        field: &'static str,
        value: f64,
    },
    /// A recipe quantity per dish unit is NaN, infinite or negative.
    #[error("usage {usage}: quantity per dish unit is {value}, expected a finite number ≥ 0")]
    InvalidPerUnit { usage: usize, value: f64 },
    /// A demand sample given to [`crate::DemandDistribution::from_samples`]
    /// is NaN, infinite or negative.
    #[error("demand sample {index} is {value}, expected a finite number ≥ 0")]
    InvalidSample { index: usize, value: f64 },
    /// A distribution needs at least one sample.
    #[error("a demand distribution needs at least one sample")]
    NoSamples,
    /// The summed demand of one sample does not fit in an `f64`.
    #[error("ingredient demand overflows: forecasts or recipe quantities are absurdly large")]
    Overflow,
    /// A backtest scenario cannot be simulated.
    #[error("backtest scenario: {0}")]
    InvalidScenario(String),
}
