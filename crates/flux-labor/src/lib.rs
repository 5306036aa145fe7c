//! Flux's labor engine: pure functions from demand to staff.
//!
//! * [`hourly`]: the intraday profile of a restaurant's sales (per weekday
//!   and hour, from timestamped lines) and hourly forecasts whose expected
//!   values add up to the day's forecast by construction, with quantiles
//!   from the day's own distribution thinned to the hour.
//! * [`requirement`]: staff needed per role and 15-minute slot from the
//!   hourly forecast, the labor standards and the opening hours.
//! * [`schedule`]: a week's shifts at the lowest labor cost that covers the
//!   requirement, from a linear-programming solver, and the checks a manual
//!   edit must pass.
//! * [`pay`]: hours by kind (regular, daily and weekly overtime) and gross
//!   pay from clocked time.
//!
//! Time inside the engine is a week of 15-minute [`Slot`]s counted from
//! Monday 00:00 local time; callers convert to and from dates and zones.
//! The crate does no I/O.

pub mod backtest;
pub mod hourly;
pub mod pay;
pub mod requirement;
pub mod schedule;
pub mod synthetic;

/// A 15-minute slot of the week: 0 is Monday 00:00–00:15 local time.
pub type Slot = u32;

/// Slots in an hour.
pub const SLOTS_PER_HOUR: u32 = 4;
/// Slots in a day.
pub const SLOTS_PER_DAY: u32 = 96;
/// Slots in a week.
pub const SLOTS_PER_WEEK: u32 = 7 * SLOTS_PER_DAY;
/// A shift that starts on Sunday may run past midnight into the next week;
/// the engine's timelines carry this many slots beyond the week for it.
pub const OVERFLOW_SLOTS: u32 = SLOTS_PER_DAY / 2;
/// Length of every timeline the engine reads or writes.
pub const TIMELINE: u32 = SLOTS_PER_WEEK + OVERFLOW_SLOTS;

/// Minutes to slots, rounding up: a 20-minute break blocks two slots.
pub fn slots_from_minutes(minutes: u32) -> u32 {
    minutes.div_ceil(15)
}

/// Hours a number of slots stands for.
pub fn hours(slots: u32) -> f64 {
    f64::from(slots) / f64::from(SLOTS_PER_HOUR)
}
