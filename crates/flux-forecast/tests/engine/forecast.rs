//! Behaviour of the engine's public entry points.

use chrono::{Days, NaiveDate};
use flux_forecast::{
    forecast_batch, forecast_restaurant, BatchJob, ColdStartTier, Country, DayFlags, ForecastError,
    ForecastRequest, Horizon, ItemSeries, ModelKind, PlannedPromo, PromoShare, Restaurant,
    SpecialDay,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Poisson};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn plus(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).expect("in range")
}

fn restaurant(series: Vec<ItemSeries>) -> Restaurant {
    Restaurant {
        series,
        special_days: vec![],
        country: None,
        weather: Vec::new(),
    }
}

const START: (i32, u32, u32) = (2025, 1, 6); // a Monday

fn start() -> NaiveDate {
    date(START.0, START.1, START.2)
}

fn request(days_after_start: u64, horizon: u32, model: ModelKind) -> ForecastRequest {
    ForecastRequest::new(
        plus(start(), days_after_start),
        Horizon::new(horizon).expect("h"),
        model,
    )
}

/// Poisson draws around `mean(day)`.
fn poisson_series(name: &str, n: usize, seed: u64, mean: impl Fn(usize) -> f64) -> ItemSeries {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let q = (0..n)
        .map(|i| {
            Poisson::new(mean(i))
                .map(|p| p.sample(&mut rng))
                .unwrap_or(0.0)
        })
        .collect();
    ItemSeries::new(name, Some("mains".into()), start(), q)
}

#[test]
fn closed_days_forecast_exactly_zero_for_every_model() {
    let r = restaurant(vec![poisson_series("a", 120, 1, |_| 12.0)]);
    for model in ModelKind::ALL {
        let mut req = request(120, 14, model);
        req.closed_days = vec![plus(start(), 123)];
        let f = forecast_restaurant(&r, &req).expect("forecast");
        let d = &f[0].days[3];
        assert_eq!(
            (d.mean, d.p10, d.p50, d.p90, d.p99),
            (0.0, 0.0, 0.0, 0.0, 0.0),
            "{model}"
        );
        assert!(d.explanation.closed);
        assert!(f[0].days[4].mean > 5.0, "{model}");
    }
}

#[test]
fn closed_and_missing_history_is_not_read_as_zero_demand() {
    let mut s = poisson_series("a", 140, 2, |_| 20.0);
    s.flags = vec![DayFlags::OPEN; 140];
    for i in 100..140 {
        // Every other day closed, a gap too: the zeros must be ignored.
        s.quantities[i] = 0.0;
        s.flags[i] = if i % 2 == 0 {
            DayFlags::CLOSED
        } else {
            DayFlags::MISSING
        };
    }
    let f = forecast_restaurant(
        &restaurant(vec![s]),
        &request(140, 7, ModelKind::Production),
    )
    .expect("forecast");
    let mean = f[0].days.iter().map(|d| d.mean).sum::<f64>() / 7.0;
    assert!((mean - 20.0).abs() < 3.0, "{mean}");
}

#[test]
fn level_shifts_are_followed_by_production_not_by_seed() {
    let s = poisson_series("a", 280, 3, |i| if i < 238 { 20.0 } else { 40.0 });
    let r = restaurant(vec![s]);
    let mean = |m| {
        let f = forecast_restaurant(&r, &request(280, 7, m)).expect("forecast");
        f[0].days.iter().map(|d| d.mean).sum::<f64>() / 7.0
    };
    let prod = mean(ModelKind::Production);
    let seed = mean(ModelKind::Seed);
    assert!(prod > 34.0, "production {prod}");
    assert!(seed < 26.0, "seed {seed}");
}

#[test]
fn weekday_pattern_is_learned() {
    let s = poisson_series("a", 182, 4, |i| if i % 7 == 4 { 30.0 } else { 15.0 });
    let f = forecast_restaurant(
        &restaurant(vec![s]),
        &request(182, 7, ModelKind::Production),
    )
    .expect("forecast");
    let fri = &f[0].days[4];
    assert!((fri.mean / f[0].days[1].mean - 2.0).abs() < 0.3);
    assert!(
        fri.explanation.to_string().starts_with("Friday 1."),
        "{}",
        fri.explanation
    );
}

#[test]
fn coverage_on_poisson_data_is_near_nominal() {
    let n_series = 60;
    let series: Vec<ItemSeries> = (0..n_series)
        .map(|k| {
            let base = 5.0 + k as f64;
            poisson_series(&format!("i{k}"), 224, 100 + k as u64, move |i| {
                base * if i % 7 >= 5 { 1.5 } else { 1.0 }
            })
        })
        .collect();
    let (mut inside, mut total) = (0, 0);
    for origin in [168u64, 182, 196, 210] {
        let hist: Vec<ItemSeries> = series
            .iter()
            .map(|s| {
                let mut h = s.clone();
                h.quantities.truncate(origin as usize);
                h
            })
            .collect();
        let f = forecast_restaurant(
            &restaurant(hist),
            &request(origin, 14, ModelKind::Production),
        )
        .expect("forecast");
        for (s, fc) in series.iter().zip(&f) {
            for (h, d) in fc.days.iter().enumerate() {
                let y = s.quantities[origin as usize + h];
                total += 1;
                if d.p10 <= y && y <= d.p90 {
                    inside += 1;
                }
            }
        }
    }
    let cov = inside as f64 / total as f64;
    assert!((0.76..=0.9).contains(&cov), "coverage {cov}");
}

#[test]
fn new_items_start_from_their_category() {
    let mut series: Vec<ItemSeries> = (0..4)
        .map(|k| poisson_series(&format!("old{k}"), 120, 10 + k, |_| 30.0))
        .collect();
    let mut new = poisson_series("new", 3, 20, |_| 30.0);
    new.start = plus(start(), 117);
    series.push(new);
    let f = forecast_restaurant(&restaurant(series), &request(120, 7, ModelKind::Production))
        .expect("forecast");
    let new = f.iter().find(|f| f.item == "new").expect("new item");
    assert_eq!(
        new.days[0].explanation.cold_start,
        ColdStartTier::CategoryPrior
    );
    assert!(
        (new.days[0].mean - 30.0).abs() < 8.0,
        "{}",
        new.days[0].mean
    );
    assert!(new.days[0].confidence < f[0].days[0].confidence);
    let old = &f[0].days[0];
    assert_eq!(old.explanation.cold_start, ColdStartTier::ItemHistory);
}

#[test]
fn item_with_no_history_before_origin_gets_the_prior() {
    let mut series = vec![poisson_series("old", 60, 5, |_| 10.0)];
    let mut later = poisson_series("later", 10, 6, |_| 10.0);
    later.start = plus(start(), 70);
    series.push(later);
    let f = forecast_restaurant(&restaurant(series), &request(60, 7, ModelKind::Production))
        .expect("forecast");
    assert!((f[1].days[0].mean - f[0].days[0].mean).abs() < 5.0);
}

#[test]
fn holiday_effects_are_estimated_from_history() {
    // Two years in GB with every public holiday at triple demand.
    let n = 730;
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let q = (0..n)
        .map(|i| {
            let d = plus(start(), i as u64);
            let m = if flux_forecast::calendar::is_public_holiday(Country::Gb, d) {
                45.0
            } else {
                15.0
            };
            Poisson::new(m).map(|p| p.sample(&mut rng)).unwrap_or(0.0)
        })
        .collect();
    let r = Restaurant {
        series: vec![ItemSeries::new("a", None, start(), q)],
        special_days: vec![],
        country: Some(Country::Gb),
        weather: Vec::new(),
    };
    // 2027-03-26 is Good Friday; origin a week earlier.
    let req = ForecastRequest::new(
        date(2027, 3, 19),
        Horizon::new(14).expect("h"),
        ModelKind::Production,
    );
    let f = forecast_restaurant(&r, &req).expect("forecast");
    let gf = f[0]
        .days
        .iter()
        .find(|d| d.date == date(2027, 3, 26))
        .expect("good friday");
    let eff = gf.explanation.holiday_effect.expect("holiday effect");
    assert!(eff > 2.0, "{eff}");
    assert!(
        gf.explanation.to_string().contains("holiday +"),
        "{}",
        gf.explanation
    );
}

#[test]
fn special_days_and_promotions_lift_the_forecast() {
    let n = 300;
    let mut s = poisson_series("a", n, 7, |_| 10.0);
    s.flags = vec![DayFlags::OPEN; n];
    let mut special_days = Vec::new();
    let mut rng = ChaCha8Rng::seed_from_u64(8);
    for i in (5..n).step_by(10) {
        s.flags[i].promo = PromoShare::FULL;
        s.quantities[i] = Poisson::new(20.0)
            .map(|p| p.sample(&mut rng))
            .unwrap_or(0.0);
    }
    for i in (13..n).step_by(30) {
        special_days.push(SpecialDay {
            date: plus(start(), i as u64),
            label: Some("market".into()),
        });
        s.quantities[i] = Poisson::new(30.0)
            .map(|p| p.sample(&mut rng))
            .unwrap_or(0.0);
    }
    special_days.push(SpecialDay {
        date: plus(start(), n as u64 + 2),
        label: Some("market".into()),
    });
    let r = Restaurant {
        series: vec![s],
        special_days,
        country: None,
        weather: Vec::new(),
    };
    let mut req = request(n as u64, 7, ModelKind::Production);
    req.promotions.push(PlannedPromo {
        date: plus(start(), n as u64 + 4),
        item: None,
        share: PromoShare::FULL,
    });
    let f = forecast_restaurant(&r, &req).expect("forecast");
    let e = &f[0].days[2].explanation;
    assert!(e.special_day_effect.expect("special") > 2.0, "{e}");
    let p = &f[0].days[4].explanation;
    assert!(p.promo_effect.expect("promo") > 1.6, "{p}");
    assert!(f[0].days[4].mean > 1.6 * f[0].days[3].mean);
}

#[test]
fn forecasts_are_deterministic_and_batches_keep_order() {
    let r1 = restaurant(vec![poisson_series("a", 90, 1, |_| 5.0)]);
    let r2 = restaurant(vec![poisson_series("b", 90, 2, |_| 50.0)]);
    let bad = restaurant(vec![]);
    for model in ModelKind::ALL {
        let req = request(90, 28, model);
        let jobs = [
            BatchJob {
                restaurant: &r1,
                request: &req,
            },
            BatchJob {
                restaurant: &bad,
                request: &req,
            },
            BatchJob {
                restaurant: &r2,
                request: &req,
            },
        ];
        let a = forecast_batch(&jobs);
        let b = forecast_batch(&jobs);
        assert_eq!(a, b);
        assert_eq!(a[0].as_ref().expect("ok")[0].item, "a");
        assert_eq!(a[1], Err(ForecastError::NoSeries));
        assert_eq!(a[2].as_ref().expect("ok")[0].item, "b");
        for d in &a[2].as_ref().expect("ok")[0].days {
            assert!(
                d.p10 <= d.p50 && d.p50 <= d.p90 && d.p90 <= d.p99,
                "{model}"
            );
            assert!((0.0..=1.0).contains(&d.confidence));
        }
    }
}

#[test]
fn bad_input_is_rejected() {
    assert_eq!(Horizon::new(0), Err(ForecastError::InvalidHorizon(0)));
    assert_eq!(Horizon::new(91), Err(ForecastError::InvalidHorizon(91)));
    assert!(Horizon::new(90).is_ok());
    assert_eq!(
        "prophet".parse::<ModelKind>(),
        Err(ForecastError::UnknownModel("prophet".into()))
    );
    assert_eq!(
        "seasonal-naive".parse::<ModelKind>(),
        Ok(ModelKind::SeasonalNaive)
    );
    assert!(PromoShare::new(1.5).is_err());
    assert!("XX".parse::<Country>().is_err());

    let req = request(10, 7, ModelKind::Production);
    let neg = restaurant(vec![ItemSeries::new("a", None, start(), vec![1.0, -2.0])]);
    assert!(matches!(
        forecast_restaurant(&neg, &req),
        Err(ForecastError::InvalidQuantity { day: 1, .. })
    ));
    let nan = restaurant(vec![ItemSeries::new("a", None, start(), vec![f64::NAN])]);
    assert!(matches!(
        forecast_restaurant(&nan, &req),
        Err(ForecastError::InvalidQuantity { .. })
    ));
    let empty = restaurant(vec![ItemSeries::new("a", None, start(), vec![])]);
    assert_eq!(
        forecast_restaurant(&empty, &req),
        Err(ForecastError::EmptySeries("a".into()))
    );
    assert_eq!(
        forecast_restaurant(&restaurant(vec![]), &req),
        Err(ForecastError::NoSeries)
    );
    let mut s = ItemSeries::new("a", None, start(), vec![1.0, 2.0]);
    s.flags = vec![DayFlags::OPEN];
    assert!(matches!(
        forecast_restaurant(&restaurant(vec![s]), &req),
        Err(ForecastError::FlagsLengthMismatch { .. })
    ));
    let dup = restaurant(vec![
        ItemSeries::new("a", None, start(), vec![1.0]),
        ItemSeries::new("a", None, start(), vec![1.0]),
    ]);
    assert_eq!(
        forecast_restaurant(&dup, &req),
        Err(ForecastError::DuplicateItem("a".into()))
    );
}

#[test]
fn requests_and_forecasts_round_trip_through_json() {
    let json =
        r#"{"as_of":"2025-03-03","horizon":7,"model":"production","closed_days":["2025-03-05"]}"#;
    let req: ForecastRequest = serde_json::from_str(json).expect("parse");
    assert_eq!(req.horizon.days(), 7);
    assert!(serde_json::from_str::<ForecastRequest>(&json.replace(":7,", ":0,")).is_err());
    assert!(serde_json::from_str::<ForecastRequest>(&json.replace("production", "magic")).is_err());
    let r = restaurant(vec![poisson_series("a", 56, 1, |_| 18.0)]);
    let f = forecast_restaurant(&r, &req).expect("forecast");
    let out = serde_json::to_value(&f).expect("serialise");
    let text = out[0]["days"][0]["explanation"]["text"]
        .as_str()
        .expect("text");
    assert!(text.contains("recent level"), "{text}");
    let back: Vec<flux_forecast::ItemForecast> = serde_json::from_value(out).expect("deserialise");
    assert_eq!(back, f);
}

#[test]
fn seasonal_naive_repeats_last_week() {
    let q: Vec<f64> = (0..35)
        .map(|i| (i % 7) as f64 * 3.0 + (i / 7) as f64)
        .collect();
    let r = restaurant(vec![ItemSeries::new("a", None, start(), q.clone())]);
    let f = forecast_restaurant(&r, &request(35, 14, ModelKind::SeasonalNaive)).expect("forecast");
    for (h, d) in f[0].days.iter().enumerate() {
        assert_eq!(d.mean, q[28 + h % 7], "day {h}");
        assert!(d.p10 <= d.p50 && d.p50 <= d.p90);
    }
}

#[test]
fn production_intervals_do_not_collapse_with_long_history() {
    // Overdispersed demand (Gamma-mixed Poisson, variance 20 + 0.25·400):
    // a pure Poisson-Gamma posterior would shrink to Poisson width.
    let mut rng = ChaCha8Rng::seed_from_u64(33);
    let gamma = rand_distr::Gamma::new(4.0, 5.0).expect("gamma");
    let q = (0..700)
        .map(|_| {
            let l: f64 = gamma.sample(&mut rng);
            Poisson::new(l).map(|p| p.sample(&mut rng)).unwrap_or(0.0)
        })
        .collect();
    let r = restaurant(vec![ItemSeries::new("a", None, start(), q)]);
    let width = |m| {
        let f = forecast_restaurant(&r, &request(700, 7, m)).expect("forecast");
        f[0].days[0].p90 - f[0].days[0].p10
    };
    // True 10–90% width ≈ 2·1.28·√120 ≈ 28; Poisson(20) would give ≈ 11.
    let prod = width(ModelKind::Production);
    assert!((20.0..=36.0).contains(&prod), "production width {prod}");
    assert!(width(ModelKind::Seed) < 14.0);
}

#[test]
fn a_single_spike_does_not_lift_the_level() {
    let mut s = poisson_series("a", 200, 44, |_| 20.0);
    s.quantities[196] = 400.0; // a party order four days before the origin
    let f = forecast_restaurant(
        &restaurant(vec![s]),
        &request(200, 7, ModelKind::Production),
    )
    .expect("forecast");
    let mean = f[0].days.iter().map(|d| d.mean).sum::<f64>() / 7.0;
    assert!(mean < 27.0, "{mean}");
}

#[test]
fn each_public_holiday_gets_its_own_shrunk_effect() {
    // Three years in DE: Christmas Day triples demand, other holidays halve
    // it. Only the last two Christmases are inside the history window.
    let n = 3 * 365 + 20;
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let q = (0..n)
        .map(|i| {
            let d = plus(start(), i as u64);
            let hols =
                flux_forecast::calendar::public_holidays(Country::De, chrono::Datelike::year(&d));
            let m = match hols.iter().find(|h| h.date == d) {
                Some(h) if h.name == "Christmas Day" => 90.0,
                Some(_) => 15.0,
                None => 30.0,
            };
            Poisson::new(m).map(|p| p.sample(&mut rng)).unwrap_or(0.0)
        })
        .collect();
    let r = Restaurant {
        series: vec![ItemSeries::new("a", None, start(), q)],
        special_days: vec![],
        country: Some(Country::De),
        weather: Vec::new(),
    };
    let req = ForecastRequest::new(
        date(2028, 12, 20),
        Horizon::new(14).expect("h"),
        ModelKind::Production,
    );
    let f = forecast_restaurant(&r, &req).expect("forecast");
    let effect = |d| {
        f[0].days
            .iter()
            .find(|x| x.date == d)
            .and_then(|x| x.explanation.holiday_effect)
            .expect("holiday")
    };
    let xmas = effect(date(2028, 12, 25));
    let boxing = effect(date(2028, 12, 26));
    let new_year = effect(date(2029, 1, 1));
    assert!(xmas > 1.3, "christmas {xmas}");
    assert!(boxing < 0.8 && new_year < 0.8, "{boxing} {new_year}");
}
