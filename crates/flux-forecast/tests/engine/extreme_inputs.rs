//! Hostile and degenerate histories must still forecast: every model
//! finishes and reports finite, ordered quantiles. Nothing here is timed;
//! a hang shows up as a test that never ends, which the runner's slow-test
//! timeout turns into a failure.

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use flux_forecast::{
    forecast_batch, forecast_restaurant, BatchJob, Country, DayFlags, ForecastError,
    ForecastRequest, Horizon, ItemForecast, ItemSeries, ModelKind, Restaurant,
};

/// Largest quantity an import accepts (11 digits).
const IMPORT_LIMIT: f64 = 99_999_999_999.0;

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid date")
}

fn series(name: &str, quantities: Vec<f64>) -> ItemSeries {
    ItemSeries::new(name, Some("mains".into()), start(), quantities)
}

fn restaurant(series: Vec<ItemSeries>) -> Restaurant {
    Restaurant {
        series,
        special_days: vec![],
        country: Some(Country::Es),
        weather: Vec::new(),
    }
}

/// A request for the day after the longest series, 28 days ahead.
fn request(r: &Restaurant, model: ModelKind) -> ForecastRequest {
    let days = r
        .series
        .iter()
        .map(|s| s.quantities.len())
        .max()
        .unwrap_or(0);
    let as_of = start()
        .checked_add_days(Days::new(days as u64))
        .expect("in range");
    ForecastRequest::new(as_of, Horizon::new(28).expect("valid horizon"), model)
}

fn assert_sane(what: &str, model: ModelKind, forecasts: &[ItemForecast]) {
    for f in forecasts {
        assert_eq!(f.days.len(), 28, "{what} {model} {}", f.item);
        for d in &f.days {
            let ctx = format!("{what} {model} {} {}: {d:?}", f.item, d.date);
            assert!(d.mean.is_finite() && d.mean >= 0.0, "{ctx}");
            for q in [d.p10, d.p50, d.p90, d.p99] {
                assert!(q.is_finite(), "{ctx}");
            }
            assert!(
                0.0 <= d.p10 && d.p10 <= d.p50 && d.p50 <= d.p90 && d.p90 <= d.p99,
                "{ctx}"
            );
            assert!((0.0..=1.0).contains(&d.confidence), "{ctx}");
        }
    }
}

/// Forecasts `r` with every model and checks the output.
fn forecast_all_models(what: &str, r: &Restaurant) {
    for model in ModelKind::ALL {
        let out = forecast_restaurant(r, &request(r, model))
            .unwrap_or_else(|e| panic!("{what} {model}: {e}"));
        assert_eq!(out.len(), r.series.len(), "{what} {model}");
        assert_sane(what, model, &out);
    }
}

fn zeros_with(n: usize, at: usize, value: f64) -> Vec<f64> {
    let mut q = vec![0.0; n];
    q[at] = value;
    q
}

#[test]
fn a_single_huge_spike_among_zeros() {
    // Early (inside the level's burn-in), mid-history and on the last day.
    for at in [2, 180, 364] {
        let r = restaurant(vec![series("spike", zeros_with(365, at, 1e9))]);
        forecast_all_models(&format!("spike on day {at}"), &r);
    }
    let r = restaurant(vec![series("spike", zeros_with(365, 300, IMPORT_LIMIT))]);
    forecast_all_models("spike at the import limit", &r);
}

#[test]
fn all_zero_history() {
    for n in [1, 3, 30, 400] {
        let r = restaurant(vec![series("nothing", vec![0.0; n])]);
        forecast_all_models(&format!("{n} zero days"), &r);
    }
}

#[test]
fn one_day_of_history() {
    for q in [0.0, 1.0, 37.0, 1e9, IMPORT_LIMIT] {
        let r = restaurant(vec![series("new", vec![q])]);
        forecast_all_models(&format!("one day of {q}"), &r);
    }
}

#[test]
fn quantities_near_the_import_limit() {
    for q in [1e10, IMPORT_LIMIT] {
        let r = restaurant(vec![series("bulk", vec![q; 200])]);
        forecast_all_models(&format!("constant {q}"), &r);
        let alternating = (0..200).map(|i| if i % 2 == 0 { q } else { 0.0 }).collect();
        let r = restaurant(vec![series("bulk", alternating)]);
        forecast_all_models(&format!("alternating 0 and {q}"), &r);
    }
}

#[test]
fn constant_series_have_near_zero_dispersion() {
    for q in [1.0, 20.0, 5e5, 2e6] {
        let r = restaurant(vec![series("steady", vec![q; 365])]);
        forecast_all_models(&format!("constant {q}"), &r);
    }
}

#[test]
fn history_that_ended_long_before_the_origin() {
    // Over a long gap the level's evidence decays to almost nothing while
    // its ratio stays put: some 250 days on, the level is still the old
    // one but its Gamma shape is near zero, so the predictive has a mean
    // of a thousand and a size of a few millionths, the distribution that
    // hung the quantile search. Longer gaps fall back to the prior level.
    for (level, gap) in [(1000.0, 250), (1e5, 290), (1000.0, 400), (1000.0, 2000)] {
        let r = restaurant(vec![
            series("discontinued", vec![level; 60]),
            series("current", vec![5.0; 60 + gap]),
        ]);
        forecast_all_models(&format!("{level} a day ending {gap} days early"), &r);
    }
}

#[test]
fn a_long_data_gap_before_the_origin() {
    for (level, gap) in [(1000.0, 250), (1e5, 290), (1000.0, 400), (1000.0, 2000)] {
        let mut s = series("gap", vec![level; 60 + gap]);
        s.flags = vec![DayFlags::OPEN; 60 + gap];
        s.flags[60..].fill(DayFlags::MISSING);
        forecast_all_models(
            &format!("{level} a day, {gap} missing days"),
            &restaurant(vec![s]),
        );
    }
}

#[test]
fn extreme_items_pooled_in_one_restaurant() {
    // Restaurant-level pooling (profiles, dispersion, level priors) must
    // not let one hostile item poison the rest.
    let r = restaurant(vec![
        series("spike", zeros_with(365, 200, 1e9)),
        series("nothing", vec![0.0; 365]),
        series("new", vec![IMPORT_LIMIT]),
        series("bulk", vec![IMPORT_LIMIT; 365]),
        series("steady", vec![20.0; 365]),
        series("tiny", vec![1e-9; 365]),
        series(
            "normal",
            (0..365).map(|i| f64::from(10 + (i % 7) * 3)).collect(),
        ),
    ]);
    forecast_all_models("mixed", &r);
}

#[test]
fn a_deadline_already_past_fails_cleanly() {
    let r = restaurant(vec![
        series("a", vec![12.0; 60]),
        series("b", vec![3.0; 60]),
    ]);
    for model in ModelKind::ALL {
        // The deadline is taken before the run starts, so it has passed by
        // the first check whatever the speed of the machine.
        let req = request(&r, model).with_deadline(Instant::now());
        assert_eq!(
            forecast_restaurant(&r, &req),
            Err(ForecastError::TimeBudgetExceeded { items: 2 }),
            "{model}"
        );
    }
}

#[test]
fn a_distant_deadline_changes_nothing() {
    let r = restaurant(vec![series(
        "a",
        (0..90).map(|i| f64::from(i % 9)).collect(),
    )]);
    for model in ModelKind::ALL {
        let req = request(&r, model);
        let far = Instant::now() + Duration::from_secs(24 * 3600);
        assert_eq!(
            forecast_restaurant(&r, &req.clone().with_deadline(far)),
            forecast_restaurant(&r, &req),
            "{model}"
        );
    }
}

#[test]
fn a_past_deadline_fails_only_its_own_batch_job() {
    let r = restaurant(vec![series("a", vec![5.0; 40])]);
    let late = request(&r, ModelKind::Production).with_deadline(Instant::now());
    let open = request(&r, ModelKind::Production);
    let out = forecast_batch(&[
        BatchJob {
            restaurant: &r,
            request: &late,
        },
        BatchJob {
            restaurant: &r,
            request: &open,
        },
    ]);
    assert_eq!(out[0], Err(ForecastError::TimeBudgetExceeded { items: 1 }));
    assert!(out[1].is_ok());
}
