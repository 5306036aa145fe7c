//! Deterministic synthetic restaurants with known truth, for benchmarks,
//! backtests and tests when real data is absent.
//!
//! Each restaurant gets a weekly pattern (sometimes closed on Mondays), a
//! country's public holidays with a restaurant-specific effect, a few
//! labelled special days, random closures and an occasional data gap. Its
//! items have log-normal base levels (some intermittent), an item-specific
//! tilt of the weekly pattern, a slow mean-reverting drift, sometimes a
//! level shift, sometimes a late start (new dishes), sometimes promotions,
//! and negative binomial noise. The same config always gives the same data.

use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma, LogNormal, Normal, Poisson};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::calendar::is_public_holiday;
use crate::types::{Country, DayFlags, ItemSeries, PromoShare, Restaurant, SpecialDay};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SyntheticConfig {
    /// Number of restaurants.
    pub restaurants: usize,
    /// Items per restaurant.
    pub items_per_restaurant: usize,
    /// Days of data per restaurant.
    pub days: usize,
    /// First day.
    pub start: NaiveDate,
    /// Random seed: same seed, same data.
    pub seed: u64,
}

impl Default for SyntheticConfig {
    fn default() -> Self {
        Self {
            restaurants: 20,
            items_per_restaurant: 12,
            days: 365,
            start: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(),
            seed: 7,
        }
    }
}

/// Generated data and the true mean demand behind every observation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyntheticData {
    /// The restaurants, as the engine takes them.
    pub restaurants: Vec<Restaurant>,
    /// `truth[r][i][d]`: true mean of restaurant `r`, item `i`, on day `d`
    /// of that item's series (0 on closed days).
    pub truth: Vec<Vec<Vec<f64>>>,
}

const CATEGORIES: [&str; 4] = ["mains", "starters", "desserts", "drinks"];
const COUNTRIES: [Option<Country>; 6] = [
    Some(Country::Es),
    Some(Country::Gb),
    Some(Country::Us),
    Some(Country::Fr),
    Some(Country::De),
    None,
];
const WEEKLY: [f64; 7] = [0.8, 0.85, 0.9, 1.0, 1.3, 1.5, 1.1];

/// Generates the data (restaurants in parallel, each from its own stream).
pub fn generate(cfg: &SyntheticConfig) -> SyntheticData {
    let (restaurants, truth) = (0..cfg.restaurants)
        .into_par_iter()
        .map(|r| restaurant(cfg, r))
        .unzip();
    SyntheticData { restaurants, truth }
}

/// One draw from a negative binomial with this mean and size (as a
/// Gamma–Poisson mixture); 0 for a mean of 0 or less. Public so that tests
/// with their own truths draw the same way as the generator.
pub fn sample_nb(rng: &mut ChaCha8Rng, mean: f64, size: f64) -> f64 {
    if mean <= 0.0 {
        return 0.0;
    }
    let lambda = Gamma::new(size, mean / size)
        .map(|g| g.sample(rng))
        .unwrap_or(mean);
    Poisson::new(lambda.max(1e-9))
        .map(|p| p.sample(rng))
        .unwrap_or(0.0)
}

fn restaurant(cfg: &SyntheticConfig, r: usize) -> (Restaurant, Vec<Vec<f64>>) {
    let mut rng =
        ChaCha8Rng::seed_from_u64(cfg.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ r as u64);
    let n = cfg.days;
    let date = |d: usize| {
        cfg.start
            .checked_add_days(Days::new(d as u64))
            .unwrap_or(cfg.start)
    };
    let start_dow = crate::context::dow(crate::context::day_num(cfg.start));
    let country = COUNTRIES[r % COUNTRIES.len()];
    let weekly: Vec<f64> = WEEKLY
        .iter()
        .map(|w| w * rng.gen_range(0.85..1.15))
        .collect();
    let closed_mondays = rng.gen_bool(0.2);
    let holiday_effect = rng.gen_range(0.6..1.6);
    let closed_on_holidays = rng.gen_bool(0.15);

    // Restaurant-wide day states.
    let mut closed = vec![false; n];
    let mut missing = vec![false; n];
    let mut hol = vec![false; n];
    for d in 0..n {
        let dw = (start_dow + d) % 7;
        hol[d] = country.is_some_and(|c| is_public_holiday(c, date(d)));
        closed[d] =
            (closed_mondays && dw == 0) || rng.gen_bool(0.01) || (hol[d] && closed_on_holidays);
    }
    if n > 60 && rng.gen_bool(0.15) {
        let at = rng.gen_range(0..n - 20);
        let len = rng.gen_range(5..12);
        missing[at..(at + len).min(n)].fill(true);
    }
    let mut special_days = Vec::new();
    let mut special = vec![1.0; n];
    for _ in 0..(n / 120) {
        let d = rng.gen_range(0..n);
        special[d] = 2.0;
        special_days.push(SpecialDay {
            date: date(d),
            label: Some("street festival".into()),
        });
    }

    let mut series = Vec::with_capacity(cfg.items_per_restaurant);
    let mut truth = Vec::with_capacity(cfg.items_per_restaurant);
    let base_dist = LogNormal::new(8f64.ln(), 1.1).ok();
    let drift = Normal::new(0.0, 0.02).ok();
    for i in 0..cfg.items_per_restaurant {
        let intermittent = rng.gen_bool(0.15);
        let base = if intermittent {
            rng.gen_range(0.1..1.0)
        } else {
            base_dist
                .map(|b| b.sample(&mut rng))
                .unwrap_or(8.0)
                .clamp(0.5, 300.0)
        };
        let tilt = rng.gen_range(0.7..1.3);
        let size = rng.gen_range(3.0..30.0);
        let shift = rng.gen_bool(0.3).then(|| {
            (
                rng.gen_range(n / 2..n.max(n / 2 + 1)),
                rng.gen_range(0.5..2.0),
            )
        });
        let first = if n > 90 && rng.gen_bool(0.1) {
            rng.gen_range(n - 60..n - 3)
        } else {
            0
        };
        let promo_rate = if rng.gen_bool(0.1) { 0.04 } else { 0.0 };
        let mut log_drift = 0.0f64;
        let (mut q, mut flags, mut mu_t) = (Vec::new(), Vec::new(), Vec::new());
        for d in first..n {
            log_drift = 0.97 * log_drift + drift.map(|x| x.sample(&mut rng)).unwrap_or(0.0);
            let dw = (start_dow + d) % 7;
            let shifted = shift.map_or(1.0, |(at, m)| if d >= at { m } else { 1.0 });
            let promo = rng.gen_bool(promo_rate);
            let mut mu = base * weekly[dw].powf(tilt) * shifted * log_drift.exp() * special[d];
            if hol[d] {
                mu *= holiday_effect;
            }
            if promo {
                mu *= 1.5;
            }
            if closed[d] {
                mu = 0.0;
            }
            let y = if missing[d] {
                0.0
            } else {
                sample_nb(&mut rng, mu, size)
            };
            q.push(y);
            mu_t.push(mu);
            flags.push(DayFlags {
                closed: closed[d],
                missing: missing[d],
                promo: if promo {
                    PromoShare::FULL
                } else {
                    PromoShare::NONE
                },
                stockout: false,
            });
        }
        if q.is_empty() {
            q.push(0.0);
            mu_t.push(0.0);
            flags.push(DayFlags::OPEN);
        }
        series.push(ItemSeries {
            item: format!("item-{i:03}"),
            category: Some(CATEGORIES[i % CATEGORIES.len()].to_owned()),
            start: date(first),
            quantities: q,
            flags,
        });
        truth.push(mu_t);
    }
    (
        Restaurant {
            series,
            special_days,
            country,
            weather: Vec::new(),
        },
        truth,
    )
}
