//! The yearly seasonal ramp: a seaside café whose demand doubles from
//! March to June every year. With three years of history the production
//! model follows the spring rise that its level alone would lag, names the
//! season in the explanation, and forecasts spring closer to the truth
//! than the same model without the ramp; with less than a year of history
//! nothing changes.

use chrono::{Datelike, Days, NaiveDate};
use flux_forecast::synthetic::sample_nb;
use flux_forecast::{
    forecast_with, ForecastRequest, Horizon, ItemSeries, Model, ModelKind, ProductionParams,
    Restaurant,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const WEEKLY: [f64; 7] = [0.9, 0.9, 1.0, 1.0, 1.2, 1.3, 0.7];

/// True mean on a date: a yearly cycle (low in winter, high in summer)
/// times the weekday.
fn truth(base: f64, d: NaiveDate) -> f64 {
    let season = 1.0 - 0.45 * (f64::from(d.ordinal()) / 365.25 * std::f64::consts::TAU).cos();
    base * season * WEEKLY[d.weekday().num_days_from_monday() as usize]
}

fn cafe(start: NaiveDate, days: u64) -> Restaurant {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let series = [("coffee", 40.0), ("ice cream", 15.0), ("cake", 10.0)]
        .into_iter()
        .map(|(name, base)| {
            let q = (0..days)
                .map(|i| sample_nb(&mut rng, truth(base, start + Days::new(i)), 30.0))
                .collect();
            ItemSeries::new(name, Some("café".into()), start, q)
        })
        .collect();
    Restaurant {
        series,
        special_days: vec![],
        country: None,
        weather: vec![],
    }
}

fn params(ramp: bool) -> Model {
    Model::Production(ProductionParams {
        yearly_ramp: ramp,
        ..ProductionParams::default()
    })
}

/// Mean absolute error of the forecast mean against the true mean.
fn error(r: &Restaurant, as_of: NaiveDate, ramp: bool) -> (f64, Vec<Option<f32>>) {
    let req = ForecastRequest::new(as_of, Horizon::new(28).expect("h"), ModelKind::Production);
    let out = forecast_with(&params(ramp), r, &req).expect("forecast");
    let base = [40.0, 15.0, 10.0];
    let mut err = 0.0;
    for (f, b) in out.iter().zip(base) {
        for d in &f.days {
            err += (d.mean - truth(b, d.date)).abs();
        }
    }
    let seasons = out[0]
        .days
        .iter()
        .map(|d| d.explanation.season_effect)
        .collect();
    (err, seasons)
}

#[test]
fn the_spring_rise_of_earlier_years_is_followed_and_named() {
    let start = NaiveDate::from_ymd_opt(2021, 1, 4).expect("date");
    let r = cafe(start, 365 * 3 + 120);
    let as_of = NaiveDate::from_ymd_opt(2024, 4, 1).expect("date");
    let (with, seasons) = error(&r, as_of, true);
    let (without, none) = error(&r, as_of, false);
    assert!(
        with < 0.8 * without,
        "abs error with the ramp {with:.0} vs without {without:.0}"
    );
    assert!(none.iter().all(Option::is_none));
    // Four weeks into spring the season lifts demand, and says so.
    let late = seasons.last().copied().flatten().expect("a season effect");
    assert!(late > 1.05, "season effect {late}");
}

#[test]
fn less_than_a_year_of_history_changes_nothing() {
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).expect("date");
    let r = cafe(start, 300);
    let as_of = start + Days::new(300);
    let (with, seasons) = error(&r, as_of, true);
    let (without, _) = error(&r, as_of, false);
    assert_eq!(with, without);
    assert!(seasons.iter().all(Option::is_none));
}
