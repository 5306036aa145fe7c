//! Entry points: forecast one restaurant, or many in parallel.

use rayon::prelude::*;

use crate::context::Job;
use crate::error::Result;
use crate::models::Model;
use crate::output::ItemForecast;
use crate::types::{ForecastRequest, Restaurant};

/// Forecasts every item of a restaurant with the request's model (default
/// parameters).
///
/// Only history strictly before `request.as_of` is read. Errors on invalid
/// input: negative or non-finite quantities, misaligned flags, an empty
/// series, a restaurant without series or duplicate item names; and with
/// [`ForecastError::TimeBudgetExceeded`](crate::ForecastError::TimeBudgetExceeded)
/// when `request.deadline` passes before the last item is done.
pub fn forecast_restaurant(
    restaurant: &Restaurant,
    request: &ForecastRequest,
) -> Result<Vec<ItemForecast>> {
    forecast_with(&Model::from_kind(request.model), restaurant, request)
}

/// Like [`forecast_restaurant`] with an explicit model and parameters
/// (`request.model` is ignored).
pub fn forecast_with(
    model: &Model,
    restaurant: &Restaurant,
    request: &ForecastRequest,
) -> Result<Vec<ItemForecast>> {
    let job = Job::new(restaurant, request)?;
    Ok(model
        .run(&job, false)?
        .into_iter()
        .map(|p| p.forecast)
        .collect())
}

/// One restaurant and its request, for [`forecast_batch`].
#[derive(Debug, Clone, Copy)]
pub struct BatchJob<'a> {
    /// The history.
    pub restaurant: &'a Restaurant,
    /// What to forecast.
    pub request: &'a ForecastRequest,
}

/// Forecasts many restaurants in parallel (rayon; items inside a
/// restaurant are parallel too). Results are in input order; one bad
/// restaurant does not fail the others.
pub fn forecast_batch(jobs: &[BatchJob<'_>]) -> Vec<Result<Vec<ItemForecast>>> {
    jobs.par_iter()
        .map(|j| forecast_restaurant(j.restaurant, j.request))
        .collect()
}
