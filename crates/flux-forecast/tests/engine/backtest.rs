//! Rolling-origin backtests and the synthetic data generator.

use flux_forecast::backtest::{backtest, pinball, BacktestConfig, NamedModel};
use flux_forecast::synthetic::{generate, SyntheticConfig};
use flux_forecast::{ForecastError, Horizon, ModelKind};

fn small() -> SyntheticConfig {
    SyntheticConfig {
        restaurants: 6,
        items_per_restaurant: 8,
        days: 300,
        ..SyntheticConfig::default()
    }
}

#[test]
fn synthetic_data_is_deterministic_and_valid() {
    let a = generate(&small());
    let b = generate(&small());
    assert_eq!(a, b);
    assert_eq!(a.restaurants.len(), 6);
    for (r, truth) in a.restaurants.iter().zip(&a.truth) {
        r.validate().expect("valid restaurant");
        for (s, t) in r.series.iter().zip(truth) {
            assert_eq!(s.quantities.len(), t.len());
            for (i, f) in s.flags.iter().enumerate() {
                if f.closed {
                    assert_eq!(s.quantities[i], 0.0);
                }
            }
        }
    }
    let other = generate(&SyntheticConfig { seed: 8, ..small() });
    assert_ne!(a, other);
}

#[test]
fn pinball_loss_is_asymmetric() {
    assert!((pinball(0.9, 10.0, 20.0) - 9.0).abs() < 1e-12);
    assert!((pinball(0.9, 20.0, 10.0) - 1.0).abs() < 1e-12);
}

#[test]
fn production_beats_the_baselines_on_synthetic_data() {
    let data = generate(&small());
    let models: Vec<NamedModel> = ModelKind::ALL.into_iter().map(NamedModel::from).collect();
    let cfg = BacktestConfig::new(4, Horizon::new(14).expect("h"));
    let report = backtest(&data.restaurants, &models, &cfg).expect("backtest");
    assert_eq!(report.origins.len(), 4);
    assert!(report.origins.windows(2).all(|w| w[0] < w[1]));
    let [naive, seed, prod] = [&report.scores[0], &report.scores[1], &report.scores[2]];
    assert_eq!(prod.model, "production");
    assert!(prod.evaluated_series > 100);
    assert_eq!(prod.evaluated_series, naive.evaluated_series);
    assert!(
        prod.mase < naive.mase && prod.mase < seed.mase,
        "{report:?}"
    );
    assert!(
        prod.scaled_pinball < naive.scaled_pinball && prod.scaled_pinball < seed.scaled_pinball
    );
    let cov = prod.coverage_80.expect("high-volume items exist");
    assert!((0.72..=0.9).contains(&cov), "{cov}");
    let pit = prod.pit.as_ref().expect("low-volume items exist");
    assert!((pit.deciles.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    assert!(pit.max_abs_deviation < seed.pit.as_ref().expect("pit").max_abs_deviation + 0.02);
    let json = serde_json::to_string(&report).expect("serialise");
    assert!(json.contains("scaled_pinball"));
}

#[test]
fn backtest_rejects_impossible_settings() {
    let data = generate(&small());
    let models = [NamedModel::from(ModelKind::Production)];
    let cfg = BacktestConfig::new(0, Horizon::new(7).expect("h"));
    assert!(matches!(
        backtest(&data.restaurants, &models, &cfg),
        Err(ForecastError::InvalidBacktest(_))
    ));
    let cfg = BacktestConfig::new(2, Horizon::new(7).expect("h"));
    assert!(backtest(&[], &models, &cfg).is_err());
}
