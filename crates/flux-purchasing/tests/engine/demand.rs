//! Ingredient demand distributions: the piecewise-linear forecast curve,
//! Monte Carlo sums, and reading quantiles and expectations back.

use flux_purchasing::{
    ingredient_demand, DemandDistribution, ProcurementError, QuantileForecast, Usage,
};
use proptest::prelude::*;

fn forecast(p10: f64, p50: f64, p90: f64, p99: f64) -> QuantileForecast {
    QuantileForecast {
        mean: p50,
        p10,
        p50,
        p90,
        p99,
    }
}

/// Quantiles of a normal with mean 20 and sd 5 (z = 1.2816, 2.3263).
fn normal_20_5() -> QuantileForecast {
    QuantileForecast {
        mean: 20.0,
        p10: 20.0 - 1.2816 * 5.0,
        p50: 20.0,
        p90: 20.0 + 1.2816 * 5.0,
        p99: 20.0 + 2.3263 * 5.0,
    }
}

#[test]
fn forecast_curve_matches_hand_worked_points() {
    // floor = 10 − 0.75·(20 − 10) = 2.5; tail scale = (60 − 40)/ln 10.
    let f = forecast(10.0, 20.0, 40.0, 60.0);
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(close(f.quantile(0.0), 2.5));
    assert!(close(f.quantile(0.05), 6.25));
    assert!(close(f.quantile(0.1), 10.0));
    assert!(close(f.quantile(0.3), 15.0));
    assert!(close(f.quantile(0.7), 30.0));
    assert!(close(f.quantile(0.945), 50.0));
    assert!(close(f.quantile(0.99), 60.0));
    // One decade beyond p99 adds what p90→p99 added: 60 + 20.
    assert!(close(f.quantile(0.999), 80.0));
    assert!(f.quantile(1.0).is_finite());
}

#[test]
fn implied_mean_is_the_area_under_the_curve() {
    // 0.1·(2.5+10)/2 + 0.4·15 + 0.4·30 + 0.09·50 + 0.01·(60 + 20/ln 10)
    let f = forecast(10.0, 20.0, 40.0, 60.0);
    let expected = 0.625 + 6.0 + 12.0 + 4.5 + 0.01 * (60.0 + 20.0 / std::f64::consts::LN_10);
    assert!((f.implied_mean() - expected).abs() < 1e-9);
    // For a symmetric, normal-like forecast the curve keeps the mean
    // within 1 % of the model's.
    let n = normal_20_5();
    assert!((n.implied_mean() - n.mean).abs() / n.mean < 0.01);
}

#[test]
fn a_floor_of_zero_when_p10_is_close_to_zero() {
    let f = forecast(1.0, 5.0, 9.0, 12.0);
    assert_eq!(f.quantile(0.0), 0.0);
}

#[test]
fn single_usage_reproduces_its_quantiles_scaled_by_the_recipe() {
    let usage = Usage {
        forecast: forecast(4.0, 10.0, 18.0, 25.0),
        per_unit: 0.2,
    };
    let d = ingredient_demand(&[usage], 4_000, 7).expect("valid");
    // MC error of a quantile is about sqrt(q(1−q)/n)/density; 2 % of the
    // value is several standard errors here.
    assert!((d.p50() - 2.0).abs() < 0.06, "p50 {}", d.p50());
    assert!((d.p90() - 3.6).abs() < 0.08, "p90 {}", d.p90());
    assert!((d.p10() - 0.8).abs() < 0.04, "p10 {}", d.p10());
    // Between p50 and p90 the curve is linear: the 0.75 quantile is
    // 10 + (0.25/0.4)·8 = 15 units, i.e. 3.0 base units.
    assert!(
        (d.quantile(0.75) - 3.0).abs() < 0.07,
        "q75 {}",
        d.quantile(0.75)
    );
}

#[test]
fn the_p90_of_a_sum_is_not_the_sum_of_p90s_but_the_mean_adds_up() {
    let f = normal_20_5();
    let usages = vec![
        Usage {
            forecast: f,
            per_unit: 1.0
        };
        10
    ];
    let d = ingredient_demand(&usages, 4_000, 42).expect("valid");
    let sum_p90 = 10.0 * f.p90; // 264.1
    let sum_p50 = 10.0 * f.p50; // 200
                                // Independent dish-days: sd of the total ≈ 5·√10 ≈ 16, so its p90 is
                                // about 200 + 1.28·16 ≈ 220, some 44 below the naive 264.
    assert!(
        d.p90() < sum_p90 - 30.0,
        "p90 {} vs Σp90 {sum_p90}",
        d.p90()
    );
    assert!(d.p90() > sum_p50 + 10.0, "p90 {}", d.p90());
    assert!((d.p90() - 220.0).abs() < 5.0, "p90 {}", d.p90());
    // The mean of a sum is the sum of means: within 4 standard errors
    // (sd 16 / √4000 ≈ 0.25).
    let expected_mean = 10.0 * f.implied_mean();
    assert!(
        (d.mean() - expected_mean).abs() < 1.0,
        "mean {} vs {expected_mean}",
        d.mean()
    );
    assert!((d.mean() - 10.0 * f.mean).abs() < 2.0);
}

#[test]
fn recipe_weights_scale_each_dish() {
    let f = normal_20_5();
    let usages = [
        Usage {
            forecast: f,
            per_unit: 0.25,
        },
        Usage {
            forecast: f,
            per_unit: 0.5,
        },
    ];
    let d = ingredient_demand(&usages, 4_000, 1).expect("valid");
    assert!((d.mean() - 0.75 * f.implied_mean()).abs() < 0.1);
}

#[test]
fn same_seed_same_distribution() {
    let usages = [Usage {
        forecast: normal_20_5(),
        per_unit: 1.0,
    }];
    let a = ingredient_demand(&usages, 1_000, 9).expect("valid");
    let b = ingredient_demand(&usages, 1_000, 9).expect("valid");
    let c = ingredient_demand(&usages, 1_000, 10).expect("valid");
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn crossing_quantiles_are_sorted_not_rejected() {
    let crossed = forecast(10.0, 20.0, 19.9, 30.0);
    let sorted = forecast(10.0, 19.9, 20.0, 30.0);
    let run = |f| {
        ingredient_demand(
            &[Usage {
                forecast: f,
                per_unit: 1.0,
            }],
            500,
            3,
        )
        .expect("valid")
    };
    assert_eq!(run(crossed), run(sorted));
}

#[test]
fn invalid_inputs_name_the_problem() {
    let good = Usage {
        forecast: normal_20_5(),
        per_unit: 1.0,
    };
    let mut nan = good;
    nan.forecast.p50 = f64::NAN;
    match ingredient_demand(&[good, nan], 100, 0) {
        Err(ProcurementError::InvalidForecast { usage, field, .. }) => {
            assert_eq!((usage, field), (1, "p50"));
        }
        other => panic!("expected InvalidForecast, got {other:?}"),
    }
    let mut negative = good;
    negative.forecast.p10 = -1.0;
    assert!(matches!(
        ingredient_demand(&[negative], 100, 0),
        Err(ProcurementError::InvalidForecast { field: "p10", .. })
    ));
    let mut per_unit = good;
    per_unit.per_unit = -0.1;
    assert!(matches!(
        ingredient_demand(&[per_unit], 100, 0),
        Err(ProcurementError::InvalidPerUnit { usage: 0, .. })
    ));
    assert_eq!(
        ingredient_demand(&[good], 0, 0),
        Err(ProcurementError::NoSamples)
    );
    let message = ingredient_demand(&[good, nan], 100, 0)
        .expect_err("invalid")
        .to_string();
    assert!(
        message.contains("usage 1") && message.contains("p50"),
        "{message}"
    );
}

#[test]
fn no_usages_means_no_demand() {
    let d = ingredient_demand(&[], 100, 0).expect("valid");
    assert_eq!(d, DemandDistribution::zero());
    assert_eq!(d.p90(), 0.0);
}

#[test]
fn quantiles_interpolate_between_samples() {
    let d =
        DemandDistribution::from_samples((0..=100).rev().map(f64::from).collect()).expect("valid");
    assert_eq!(d.quantile(0.75), 75.0);
    assert!((d.quantile(0.755) - 75.5).abs() < 1e-9);
    assert_eq!(d.quantile(-1.0), 0.0);
    assert_eq!(d.quantile(2.0), 100.0);
    assert_eq!(d.quantile(f64::NAN), 50.0);
    assert_eq!(d.mean(), 50.0);
}

#[test]
fn expected_shortage_and_leftover_by_hand() {
    // Four equally likely demands. Holding 15: short 5 or 15 half the time
    // → 20/4 = 5; left 15 or 5 the other half → 5.
    let d = DemandDistribution::from_samples(vec![30.0, 0.0, 20.0, 10.0]).expect("valid");
    assert_eq!(d.expected_shortage(15.0), 5.0);
    assert_eq!(d.expected_leftover(15.0), 5.0);
    assert_eq!(d.expected_shortage(0.0), 15.0);
    assert_eq!(d.expected_leftover(30.0), 15.0);
    assert_eq!(d.probability_above(15.0), 0.5);
    assert_eq!(d.probability_above(30.0), 0.0);
}

#[test]
fn from_samples_rejects_bad_samples() {
    assert_eq!(
        DemandDistribution::from_samples(vec![]),
        Err(ProcurementError::NoSamples)
    );
    assert!(matches!(
        DemandDistribution::from_samples(vec![1.0, f64::INFINITY]),
        Err(ProcurementError::InvalidSample { index: 1, .. })
    ));
    assert!(matches!(
        DemandDistribution::from_samples(vec![-1.0]),
        Err(ProcurementError::InvalidSample { index: 0, .. })
    ));
}

fn arb_distribution() -> impl Strategy<Value = DemandDistribution> {
    prop::collection::vec(0.0f64..1_000.0, 1..200)
        .prop_map(|s| DemandDistribution::from_samples(s).expect("valid samples"))
}

proptest! {
    #[test]
    fn quantile_is_monotone_in_q(d in arb_distribution(), a in 0.0f64..=1.0, b in 0.0f64..=1.0) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(d.quantile(lo) <= d.quantile(hi));
    }

    #[test]
    fn shortage_falls_and_leftover_rises_with_stock(
        d in arb_distribution(), a in 0.0f64..1_200.0, b in 0.0f64..1_200.0
    ) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(d.expected_shortage(hi) <= d.expected_shortage(lo));
        prop_assert!(d.expected_leftover(hi) >= d.expected_leftover(lo));
        // E[(D−s)+] − E[(s−D)+] = E[D] − s.
        let gap = d.expected_shortage(lo) - d.expected_leftover(lo) - (d.mean() - lo);
        prop_assert!(gap.abs() < 1e-6 * (1.0 + d.mean() + lo));
    }

    #[test]
    fn forecast_curves_are_monotone_for_any_valid_forecast(
        q in prop::array::uniform4(0.0f64..500.0), a in 0.0f64..=1.0, b in 0.0f64..=1.0
    ) {
        let f = forecast(q[0], q[1], q[2], q[3]);
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(f.quantile(lo) <= f.quantile(hi) + 1e-9);
        prop_assert!(f.quantile(lo) >= 0.0);
    }
}
