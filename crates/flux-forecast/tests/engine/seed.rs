//! The seed model's formulas on small hand-computed cases.

use chrono::NaiveDate;
use flux_forecast::models::seed::{
    category_prior, seed_multipliers, seed_posterior, shrinkage_weight, GammaPrior,
};
use flux_forecast::{
    forecast_restaurant, ColdStartTier, ForecastRequest, Horizon, ItemSeries, ModelKind, Restaurant,
};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn multipliers_are_capped_then_shrunk() {
    // Four observations per weekday → weight 4/(4+4) = 0.5.
    assert!(close(shrinkage_weight(4), 0.5));
    let means = [10.0, 10.0, 10.0, 10.0, 10.0, 40.0, 0.0];
    let sums = means.map(|m| m * 4.0);
    let m = seed_multipliers(&sums, &[4; 7]);
    let global = 90.0 / 7.0;
    // 40/12.86 = 3.11 is capped to 3.0, then 0.5·3 + 0.5 = 2.0.
    assert!(close(m[5], 2.0));
    // 0 is capped up to 0.3, then 0.5·0.3 + 0.5 = 0.65.
    assert!(close(m[6], 0.65));
    assert!(close(m[0], 0.5 * (10.0 / global) + 0.5));
}

#[test]
fn weekdays_without_data_stay_neutral() {
    let mut counts = [4; 7];
    counts[2] = 0;
    let sums = [8.0, 8.0, 0.0, 8.0, 8.0, 8.0, 8.0];
    assert!(close(seed_multipliers(&sums, &counts)[2], 1.0));
    assert_eq!(seed_multipliers(&[0.0; 7], &[3; 7]), [1.0; 7]);
}

#[test]
fn conjugate_update_and_predictive() {
    let post = GammaPrior::GLOBAL.update(100.0, 30.0);
    assert!(close(post.alpha, 102.0) && close(post.beta, 30.5));
    let nb = post.predictive();
    assert!(close(nb.mean(), 102.0 / 30.5));
}

#[test]
fn category_prior_by_moments() {
    // Means 2, 4, 6: m = 4, v = 4 → β = 1, α = 4.
    let p = category_prior(&[2.0, 4.0, 6.0]);
    assert!(close(p.alpha, 4.0) && close(p.beta, 1.0));
    // One item: strength of the global prior (β = 0.5).
    let p = category_prior(&[5.0]);
    assert!(close(p.alpha, 2.5) && close(p.beta, 0.5));
    assert_eq!(category_prior(&[]), GammaPrior::GLOBAL);
}

#[test]
fn cold_start_tiers_pick_the_prior() {
    let cat = GammaPrior {
        alpha: 8.0,
        beta: 2.0,
    };
    assert_eq!(seed_posterior(cat, 12.0, 4), cat);
    assert_eq!(
        seed_posterior(cat, 12.0, 5),
        GammaPrior {
            alpha: 20.0,
            beta: 7.0
        }
    );
    assert_eq!(
        seed_posterior(cat, 300.0, 30),
        GammaPrior {
            alpha: 302.0,
            beta: 30.5
        }
    );
}

#[test]
fn seed_forecast_is_reproducible_and_reseasonalised() {
    let start = NaiveDate::from_ymd_opt(2025, 1, 6).expect("date"); // a Monday
    let q: Vec<f64> = (0..70)
        .map(|i| if i % 7 == 5 { 30.0 } else { 10.0 })
        .collect();
    let r = Restaurant {
        series: vec![ItemSeries::new("soup", None, start, q)],
        special_days: vec![],
        country: None,
        weather: Vec::new(),
    };
    let as_of = NaiveDate::from_ymd_opt(2025, 3, 17).expect("date"); // Monday
    let req = ForecastRequest::new(as_of, Horizon::new(7).expect("h"), ModelKind::Seed);
    let a = forecast_restaurant(&r, &req).expect("forecast");
    let b = forecast_restaurant(&r, &req).expect("forecast");
    assert_eq!(a, b);
    let days = &a[0].days;
    // Saturday multiplier: 30/12.857 = 2.333, weight 10/14 → 1.952.
    let sat = days[5].explanation.weekday_multiplier as f64;
    let expect = (10.0 / 14.0) * (30.0 / (90.0 / 7.0)) + 4.0 / 14.0;
    assert!((sat - expect).abs() < 1e-5, "{sat} vs {expect}");
    // mean = α/β · M with α = 2 + Σy', β = 0.5 + 70.
    let mon = days[0].explanation.weekday_multiplier as f64;
    let sum_prime = 60.0 * 10.0 / mon + 10.0 * 30.0 / sat;
    let mean = (2.0 + sum_prime) / 70.5;
    assert!((days[0].mean - mean * mon).abs() < 1e-3);
    assert!((days[5].mean - mean * sat).abs() < 1e-3);
    assert_eq!(days[0].explanation.cold_start, ColdStartTier::ItemHistory);
    assert!(days[5].p90 > days[0].p90);
}
