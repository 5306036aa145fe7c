//! Flux's purchasing maths: how much of each ingredient to order, from
//! whom, every morning.
//!
//! Pure and synchronous: no I/O, no clock (`today` is always a parameter),
//! no database. Callers hand in forecasts, recipes, stock and offers; the
//! crate hands back a [`Plan`] with a sentence per line saying why.
//!
//! # Method
//!
//! Forecasts come per dish and day as quantiles (p10, p50, p90, p99).
//! Recipes turn a dish into base units of ingredients, so an ingredient's
//! demand over the days an order must last (its [`coverage_window`]) is a
//! weighted *sum* of many dish-day demands. Quantiles do not add: the p90 of
//! a sum is well below the sum of the p90s, because bad days for one dish
//! are rarely bad days for all of them. Ordering the sum of p90s buys
//! insurance against every dish peaking on every day at once, and the bin
//! collects the premium.
//!
//! [`ingredient_demand`] therefore builds the distribution of the sum by
//! Monte Carlo: each dish-day's quantiles define a piecewise-linear
//! quantile function with an exponential tail beyond p99; a sample draws
//! one uniform per dish-day, reads each quantile function and adds up the
//! recipe-weighted results. Monte Carlo because a sum of a dozen
//! differently shaped, skewed distributions known only at four quantiles
//! has no closed form, while a few thousand samples pin its quantiles to
//! about a percent and its mean to a fraction of that, deterministically
//! (ChaCha seeded by the caller).
//!
//! The sum assumes dish-days are **independent** given the forecast. Demand
//! shocks the forecast does not know about (a heatwave, a cancelled event)
//! move all dishes together and make the true spread wider; the forecast's
//! own calendar effects are already in its quantiles. Where such shocks
//! matter, a higher service level is the remedy, via
//! [`Economics::override_level`].
//!
//! How far into that distribution to stock is a newsvendor decision
//! ([`service_level`]): stock the Cu / (Cu + Co) quantile, where Cu is the
//! cost of a unit short (a multiple of its cost: lost margin and goodwill)
//! and Co the cost of a unit left over, which is the whole unit for
//! perishables that spoil within the window and only a little holding cost
//! for goods that keep. Goods that outlast the window by only a day or two
//! sit in between: [`service_level_for`] weighs the chance that a leftover
//! spoils before the next window uses it, with the demand distribution.
//!
//! [`recommend`] nets the target against stock on hand
//! ([`project_on_hand`]) and on order, rounds up to whole packs of the
//! preferred or cheapest offer, groups lines by supplier and tops up orders
//! below a supplier's minimum with goods that keep. [`backtest`] checks the
//! whole policy against the naive "order the summed p50s/p90s" on
//! synthetic data with known truth.

pub mod backtest;
pub mod demand;
pub mod error;
mod format;
pub mod invoice;
pub mod order;
pub mod par;
pub mod service_level;
pub mod stock;
pub mod window;

pub use demand::{ingredient_demand, DemandDistribution, DemandSummary, QuantileForecast, Usage};
pub use error::ProcurementError;
pub use order::{
    packs_for, recommend, Line, Need, Offer, Plan, Supplier, SupplierOrder, MAX_TOP_UP_DAYS,
};
pub use par::{fill_to_par, Par};
pub use service_level::{
    newsvendor_quantity, service_level, service_level_for, Economics, ServiceLevel,
    MAX_SERVICE_LEVEL, MIN_SERVICE_LEVEL,
};
pub use stock::{low_stock, project_on_hand, LowStock, StockEvent};
pub use window::{coverage_window, Window};
