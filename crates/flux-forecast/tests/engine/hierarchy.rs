//! The hierarchy: dish, category and restaurant forecasts are coherent,
//! the total is forecast better than by adding dishes up, and forecasts
//! made elsewhere are scored exactly like the engine's own.

use chrono::{Days, NaiveDate};
use flux_forecast::backtest::{
    backtest, backtest_hierarchy, origins, request_for, score_external, BacktestConfig,
    ExternalDay, ExternalForecasts, NamedModel,
};
use flux_forecast::hierarchy::TOTAL;
use flux_forecast::synthetic::{generate, SyntheticConfig};
use flux_forecast::{
    forecast_hierarchy, forecast_restaurant, ForecastRequest, Horizon, ItemSeries, Model,
    ModelKind, Restaurant,
};

fn data() -> Vec<Restaurant> {
    generate(&SyntheticConfig {
        restaurants: 12,
        items_per_restaurant: 10,
        days: 300,
        ..SyntheticConfig::default()
    })
    .restaurants
}

fn as_of(r: &Restaurant) -> NaiveDate {
    r.series[0]
        .start
        .checked_add_days(Days::new(280))
        .expect("date")
}

#[test]
fn reconciled_means_add_up_level_by_level() {
    let model = Model::from_kind(ModelKind::Production);
    let mut checked_categories = 0;
    for r in &data() {
        let req = ForecastRequest::new(
            as_of(r),
            Horizon::new(14).expect("h"),
            ModelKind::Production,
        );
        let h = forecast_hierarchy(&model, r, &req).expect("hierarchy");
        assert_eq!(h.items.len(), r.series.len());
        assert_eq!(h.total.item, TOTAL);
        for d in 0..14 {
            let dishes: f64 = h.items.iter().map(|f| f.days[d].mean).sum();
            let total = h.total.days[d].mean;
            assert!(
                (dishes - total).abs() <= 1e-6 * total.max(1.0),
                "day {d}: dishes {dishes} vs total {total}"
            );
            for c in &h.categories {
                let members: f64 = h
                    .items
                    .iter()
                    .filter(|f| f.category.as_deref() == Some(c.item.as_str()))
                    .map(|f| f.days[d].mean)
                    .sum();
                assert!((members - c.days[d].mean).abs() <= 1e-6 * members.max(1.0));
                checked_categories += 1;
            }
            for f in h.items.iter().chain(&h.categories).chain([&h.total]) {
                let x = &f.days[d];
                assert!(x.mean.is_finite() && x.mean >= 0.0);
                assert!(x.p10 <= x.p50 && x.p50 <= x.p90 && x.p90 <= x.p99, "{x:?}");
                if x.explanation.closed {
                    assert_eq!((x.mean, x.p99), (0.0, 0.0));
                }
            }
        }
    }
    assert!(
        checked_categories > 0,
        "the synthetic menus have categories"
    );
}

#[test]
fn a_restaurant_of_one_category_has_no_category_level() {
    let start = NaiveDate::from_ymd_opt(2025, 1, 6).expect("date");
    let dish = |name: &str, base: f64| {
        let sales = (0..70)
            .map(|d| base + f64::from(d % 7 == 5) * base)
            .collect();
        ItemSeries::new(name, Some("bakery".into()), start, sales)
    };
    let r = Restaurant {
        series: vec![dish("bread", 20.0), dish("rolls", 8.0)],
        special_days: vec![],
        country: None,
        weather: vec![],
    };
    let req = ForecastRequest::new(
        start.checked_add_days(Days::new(70)).expect("date"),
        Horizon::new(7).expect("h"),
        ModelKind::Production,
    );
    let h =
        forecast_hierarchy(&Model::from_kind(ModelKind::Production), &r, &req).expect("hierarchy");
    assert!(h.categories.is_empty(), "the category is the restaurant");
    // Reconciliation moves dishes only as far as the total disagrees: on
    // data this regular the reconciled dishes stay near their own forecast.
    let base = forecast_restaurant(&r, &req).expect("forecast");
    for (a, b) in base.iter().zip(&h.items) {
        for (x, y) in a.days.iter().zip(&b.days) {
            assert!(
                (x.mean - y.mean).abs() <= 0.1 * x.mean.max(1.0),
                "{x:?} {y:?}"
            );
        }
    }
}

#[test]
fn the_total_is_forecast_better_than_the_sum_of_its_dishes() {
    let cfg = BacktestConfig::new(4, Horizon::new(14).expect("h"));
    let h = backtest_hierarchy(&data(), &Model::from_kind(ModelKind::Production), &cfg)
        .expect("backtest");
    assert!(h.totals_base.evaluated_series >= 40, "{h:?}");
    // Independent dishes make the summed interval too narrow and carry
    // every new dish's guess; the total's own history knows better.
    assert!(
        h.totals_reconciled.wql < h.totals_bottom_up.wql,
        "reconciled {} vs sum of dishes {}",
        h.totals_reconciled.wql,
        h.totals_bottom_up.wql
    );
    assert!(h.totals_reconciled.wql <= 1.02 * h.totals_base.wql);
    // Coherence costs the dishes (almost) nothing.
    assert_eq!(
        h.items_base.evaluated_series,
        h.items_reconciled.evaluated_series
    );
    assert!(h.items_reconciled.wql <= 1.02 * h.items_base.wql, "{h:?}");
}

#[test]
fn external_forecasts_score_exactly_like_the_model_that_made_them() {
    let restaurants = data();
    let cfg = BacktestConfig::new(3, Horizon::new(7).expect("h"));
    let model = NamedModel::from(ModelKind::Production);
    let own = backtest(&restaurants, std::slice::from_ref(&model), &cfg).expect("backtest");
    let mut ext = ExternalForecasts::new();
    for origin in origins(&restaurants, &cfg).expect("origins") {
        for (ri, r) in restaurants.iter().enumerate() {
            let req = request_for(r, ModelKind::Production, origin, cfg.horizon);
            for f in forecast_restaurant(r, &req).expect("forecast") {
                let days = f
                    .days
                    .iter()
                    .map(|d| ExternalDay {
                        date: d.date,
                        p10: d.p10,
                        p50: d.p50,
                        p90: d.p90,
                        mean: d.mean,
                    })
                    .collect();
                ext.insert((ri, f.item, origin), days);
            }
        }
    }
    let score = score_external(&restaurants, "same", &ext, &cfg).expect("score");
    let base = &own.scores[0];
    assert_eq!(score.evaluated_series, base.evaluated_series);
    assert_eq!(score.evaluated_days, base.evaluated_days);
    for (a, b) in [
        (score.mase, base.mase),
        (score.wql, base.wql),
        (score.scaled_pinball, base.scaled_pinball),
        (score.bias, base.bias),
    ] {
        assert!((a - b).abs() < 1e-9, "{a} vs {b}");
    }
    assert_eq!(score.coverage_80, base.coverage_80);
    assert!(score.expected_coverage_80.is_none() && score.pit.is_none());

    // A forecast missing for a scored series is an error, not a smaller
    // table. Every forecast from the last origin goes, so a scored series
    // is certainly among them (one arbitrary key might be a series too
    // short to score).
    let last = ext.keys().map(|k| k.2).max().expect("a key");
    ext.retain(|k, _| k.2 != last);
    assert!(score_external(&restaurants, "gappy", &ext, &cfg).is_err());
}
