//! Censored demand: on a day a dish sold out, what it sold is a lower
//! bound on what was wanted. Twenty dishes with known demand run out on
//! about half their days; forecasting them with the sold-out days marked
//! recovers the true demand, while reading the same sales as demand (the
//! days unmarked) forecasts too low by roughly the units that could not
//! be sold.

use chrono::{Datelike, Days, NaiveDate};
use flux_forecast::synthetic::sample_nb;
use flux_forecast::{
    forecast_restaurant, DayFlags, ForecastRequest, Horizon, ItemSeries, ModelKind, Restaurant,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const WEEKLY: [f64; 7] = [1.0, 0.95, 1.0, 1.05, 1.2, 1.4, 0.9];
const DAYS: u64 = 182;
const HORIZON: u32 = 14;
const SIZE: f64 = 15.0;

fn demand(rng: &mut ChaCha8Rng, mean: f64) -> f64 {
    sample_nb(rng, mean, SIZE)
}

/// The restaurant as sold (sales capped by the day's stock, sold-out days
/// flagged), and each dish's true mean per forecast day.
fn sold_out_often(seed: u64) -> (Restaurant, NaiveDate, Vec<Vec<f64>>, f64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let start = NaiveDate::from_ymd_opt(2025, 3, 3).expect("date");
    let as_of = start + Days::new(DAYS);
    let (mut series, mut truth) = (Vec::new(), Vec::new());
    let (mut out, mut all) = (0usize, 0usize);
    for d in 0..20 {
        let base: f64 = rng.gen_range(15.0..45.0);
        let mean_on =
            |date: NaiveDate| base * WEEKLY[date.weekday().num_days_from_monday() as usize];
        let mut q = Vec::new();
        let mut flags = Vec::new();
        for i in 0..DAYS {
            let date = start + Days::new(i);
            let mu = mean_on(date);
            let wanted = demand(&mut rng, mu);
            // The kitchen preps around the usual number and runs out
            // when the day is busier.
            let stock = (mu * rng.gen_range(0.8..1.1)).round();
            let sold_out = wanted >= stock;
            q.push(wanted.min(stock));
            flags.push(DayFlags {
                stockout: sold_out,
                ..DayFlags::OPEN
            });
            out += usize::from(sold_out);
            all += 1;
        }
        let mut s = ItemSeries::new(format!("dish {d}"), Some("Mains".into()), start, q);
        s.flags = flags;
        series.push(s);
        truth.push(
            (0..u64::from(HORIZON))
                .map(|h| mean_on(as_of + Days::new(h)))
                .collect(),
        );
    }
    let restaurant = Restaurant {
        series,
        special_days: vec![],
        country: None,
        weather: Vec::new(),
    };
    (restaurant, as_of, truth, out as f64 / all as f64)
}

/// Σ forecast mean / Σ true mean − 1 over every dish and day.
fn bias(r: &Restaurant, as_of: NaiveDate, truth: &[Vec<f64>]) -> f64 {
    let req = ForecastRequest::new(
        as_of,
        Horizon::new(HORIZON).expect("horizon"),
        ModelKind::Production,
    );
    let out = forecast_restaurant(r, &req).expect("forecast");
    let (mut got, mut want) = (0.0, 0.0);
    for (f, t) in out.iter().zip(truth) {
        for (d, m) in f.days.iter().zip(t) {
            assert!(
                d.p10 <= d.p50 && d.p50 <= d.p90 && d.p90.is_finite(),
                "{d:?}"
            );
            got += d.mean;
            want += m;
        }
    }
    got / want - 1.0
}

#[test]
fn sold_out_days_are_lower_bounds_and_ignoring_them_biases_the_forecast_low() {
    for seed in [1, 2, 3] {
        let (marked, as_of, truth, share) = sold_out_often(seed);
        assert!(
            (0.35..0.75).contains(&share),
            "the scenario sells out on many days: {share}"
        );
        let mut unmarked = marked.clone();
        for s in &mut unmarked.series {
            for f in &mut s.flags {
                f.stockout = false;
            }
        }
        let aware = bias(&marked, as_of, &truth);
        let ignoring = bias(&unmarked, as_of, &truth);
        eprintln!(
            "seed {seed}: sold out {share:.2}, bias marked {aware:+.3}, unmarked {ignoring:+.3}"
        );
        assert!(
            ignoring < -0.08,
            "read as demand, sales forecast low: {ignoring}"
        );
        assert!(
            aware.abs() < 0.05,
            "marked, the forecast finds the demand: {aware}"
        );
        assert!(aware.abs() + 0.05 < ignoring.abs());
    }
}

#[test]
fn a_dish_that_always_sells_out_still_gets_a_finite_ordered_forecast() {
    let start = NaiveDate::from_ymd_opt(2025, 1, 6).expect("date");
    let n = 120;
    let mut s = ItemSeries::new("always gone", None, start, vec![12.0; n]);
    s.flags = vec![
        DayFlags {
            stockout: true,
            ..DayFlags::OPEN
        };
        n
    ];
    let r = Restaurant {
        series: vec![s],
        special_days: vec![],
        country: None,
        weather: Vec::new(),
    };
    let req = ForecastRequest::new(
        start + Days::new(n as u64),
        Horizon::new(7).expect("horizon"),
        ModelKind::Production,
    );
    let out = forecast_restaurant(&r, &req).expect("forecast");
    for d in &out[0].days {
        assert!(d.mean.is_finite() && d.p99.is_finite());
        assert!(d.p10 <= d.p50 && d.p50 <= d.p90 && d.p90 <= d.p99);
        assert!(d.mean >= 12.0, "never below what always sold: {d:?}");
    }
}
