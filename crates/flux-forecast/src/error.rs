//! The one error type of the crate.
//!
//! Every failure but one is caused by bad input (the engine does no I/O), so
//! each of those variants names the offending item or value so a caller can
//! turn it into a field error without parsing the message. The exception is
//! [`ForecastError::TimeBudgetExceeded`]: the caller's deadline passed, which
//! says more about the machine's load than about the data, so it is worth
//! retrying later rather than reporting as invalid input.

use thiserror::Error;

/// Why a forecast, a backtest or a value constructor refused its input.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ForecastError {
    /// A quantity was negative, NaN or infinite.
    #[error("item `{item}`: quantity on day {day} is {value}, expected a finite number >= 0")]
    InvalidQuantity {
        item: String,
        day: usize,
        value: f64,
    },
    /// The per-day flags do not line up with the quantities.
    #[error("item `{item}`: {flags} day flags for {days} quantities (flags must be empty or one per day)")]
    FlagsLengthMismatch {
        item: String,
        flags: usize,
        days: usize,
    },
    /// A promotion share outside 0..=1.
    #[error("promotion share {0} is outside 0..=1")]
    InvalidPromoShare(f64),
    /// Horizon outside the supported range.
    #[error("horizon {0} days is outside 1..={max}", max = crate::types::Horizon::MAX)]
    InvalidHorizon(u32),
    /// A model name that is not one of the known models.
    #[error("unknown model `{0}` (expected one of: seasonal-naive, seed, production)")]
    UnknownModel(String),
    /// A country code without built-in public holidays.
    #[error("unknown country `{0}` (expected one of: ES, GB, US, FR, DE)")]
    UnknownCountry(String),
    /// An item series with no days at all.
    #[error("item `{0}` has an empty series")]
    EmptySeries(String),
    /// A restaurant with no item series.
    #[error("the restaurant has no item series")]
    NoSeries,
    /// Two series with the same item name in one restaurant.
    #[error("item `{0}` appears more than once")]
    DuplicateItem(String),
    /// A backtest that cannot place a single origin in the data.
    #[error("backtest: {0}")]
    InvalidBacktest(String),
    /// A date calculation left the representable range.
    #[error("date out of range")]
    DateOutOfRange,
    /// The request's deadline passed before every item was forecast.
    #[error("the forecast of {items} items did not finish before its deadline")]
    TimeBudgetExceeded {
        /// Items in the job.
        items: usize,
    },
}

/// Shorthand used across the crate.
pub type Result<T, E = ForecastError> = std::result::Result<T, E>;
