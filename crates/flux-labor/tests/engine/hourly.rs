//! Hourly profiles and forecasts: coherence with the day, shape recovery,
//! and the backtest on generated transaction-level history.

use chrono::{Datelike, Duration, NaiveDate};
use flux_labor::backtest::backtest;
use flux_labor::hourly::{DayHours, Profile, ProfileParams};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A café: breakfast and lunch peaks on weekdays, a late brunch at weekends.
fn shape(weekday: u32, h: usize) -> f64 {
    let h = h as f64;
    if !(7.0..19.0).contains(&h) {
        return 0.0;
    }
    if weekday >= 5 {
        (-((h - 12.0) / 2.0).powi(2)).exp()
    } else {
        (-((h - 8.5) / 1.0).powi(2)).exp() + 1.2 * (-((h - 13.0) / 1.2).powi(2)).exp()
    }
}

fn history(days: usize, seed: u64) -> Vec<DayHours> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let start = NaiveDate::from_ymd_opt(2025, 1, 6).expect("date");
    (0..days)
        .map(|i| {
            let date = start + Duration::days(i as i64);
            let wd = date.weekday().num_days_from_monday();
            let level = if wd >= 5 { 220.0 } else { 160.0 } * rng.gen_range(0.8..1.2);
            let total: f64 = (0..24).map(|h| shape(wd, h)).sum();
            let hours = std::array::from_fn(|h| {
                let mean = level * shape(wd, h) / total;
                // Poisson by inversion is enough for a test's noise.
                let mut k = 0.0;
                let mut p = (-mean).exp();
                let mut cdf = p;
                let u: f64 = rng.gen();
                while u > cdf && k < 1000.0 {
                    k += 1.0;
                    p *= mean / k;
                    cdf += p;
                }
                k
            });
            DayHours { date, hours }
        })
        .collect()
}

#[test]
fn the_profile_recovers_the_shape_of_each_weekday() {
    let p = Profile::fit(&history(16 * 7, 1), ProfileParams::default());
    for wd in [0u32, 5] {
        let total: f64 = (0..24).map(|h| shape(wd, h)).sum();
        for h in 0..24 {
            let truth = shape(wd, h) / total;
            let got = p.shares[wd as usize][h];
            assert!(
                (got - truth).abs() < 0.02,
                "weekday {wd} hour {h}: {got} vs {truth}"
            );
        }
    }
    let lunch = p
        .dayparts(0)
        .into_iter()
        .find(|d| d.0 == "lunch")
        .expect("lunch")
        .1;
    assert!(lunch > 0.4, "{lunch}");
}

proptest! {
    #[test]
    fn hours_add_up_to_the_day(mean in 0.0f64..5000.0, spread in 1.0f64..3.0, seed in 0u64..50) {
        let p = Profile::fit(&history(28, seed), ProfileParams::default());
        let date = NaiveDate::from_ymd_opt(2025, 6, 4).expect("date");
        let hours = p.split(date, mean, mean * spread);
        let sum: f64 = hours.iter().map(|h| h.mean).sum();
        prop_assert!((sum - mean).abs() <= 1e-9 * mean.max(1.0), "{sum} vs {mean}");
        for h in &hours {
            prop_assert!(h.p10 <= h.p50 && h.p50 <= h.p90);
            prop_assert!(h.quantile(0.75) >= h.p50 && h.quantile(0.75) <= h.p90);
        }
    }
}

#[test]
fn hourly_forecasts_beat_the_hourly_seasonal_naive() {
    let scores = backtest(&history(26 * 7, 3), 8, 7).expect("backtest");
    let (flux, naive) = (&scores[0], &scores[1]);
    println!("{scores:#?}");
    assert!(flux.mase < naive.mase, "{scores:?}");
    assert!(flux.scaled_pinball < naive.scaled_pinball, "{scores:?}");
    assert!((0.65..=0.95).contains(&flux.coverage_80), "{scores:?}");
}
