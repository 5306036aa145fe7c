//! Throughput of the production and seed models on synthetic data:
//! 10,000 series (1,000 restaurants × 10 items) with a year of history,
//! forecasting 28 days. Prints series per second for each model.

use std::hint::black_box;
use std::time::Instant;

use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use flux_forecast::synthetic::{generate, SyntheticConfig};
use flux_forecast::{forecast_batch, BatchJob, ForecastRequest, Horizon, ModelKind};

const RESTAURANTS: usize = 1_000;
const ITEMS: usize = 10;
const DAYS: usize = 365;

fn bench(c: &mut Criterion) {
    let cfg = SyntheticConfig {
        restaurants: RESTAURANTS,
        items_per_restaurant: ITEMS,
        days: DAYS,
        start: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(),
        seed: 11,
    };
    let data = generate(&cfg);
    let as_of = cfg
        .start
        .checked_add_days(Days::new(DAYS as u64))
        .unwrap_or(cfg.start);
    let series = (RESTAURANTS * ITEMS) as u64;
    let mut group = c.benchmark_group("forecast_10k_series_28d");
    group.sample_size(10);
    group.throughput(Throughput::Elements(series));
    for model in [ModelKind::Production, ModelKind::Seed] {
        let Ok(horizon) = Horizon::new(28) else {
            return;
        };
        let req = ForecastRequest::new(as_of, horizon, model);
        let jobs: Vec<BatchJob<'_>> = data
            .restaurants
            .iter()
            .map(|r| BatchJob {
                restaurant: r,
                request: &req,
            })
            .collect();
        let t = Instant::now();
        let out = forecast_batch(&jobs);
        let secs = t.elapsed().as_secs_f64();
        eprintln!(
            "{model}: one batch of {series} series in {secs:.3}s = {:.0} series/s",
            series as f64 / secs
        );
        black_box(out);
        group.bench_function(model.name(), |b| {
            b.iter(|| black_box(forecast_batch(&jobs)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
