//! Invariants that must hold for any valid input.

use chrono::{Days, NaiveDate};
use flux_forecast::nb::NegBin;
use flux_forecast::{
    forecast_restaurant, DayFlags, ForecastRequest, Horizon, ItemSeries, ModelKind, PromoShare,
    Restaurant,
};
use proptest::prelude::*;

fn flags() -> impl Strategy<Value = DayFlags> {
    (0u8..20, 0u8..10).prop_map(|(k, p)| DayFlags {
        closed: k == 0,
        missing: k == 1,
        promo: if p == 0 {
            PromoShare::FULL
        } else {
            PromoShare::NONE
        },
        stockout: k == 2 || k == 3,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn nb_quantiles_are_ordered_and_consistent(mean in 0.0f64..5000.0, size in 0.05f64..500.0) {
        let nb = NegBin::new(mean, size);
        let mut q = [0.0; 4];
        nb.quantiles(&[0.1, 0.5, 0.9, 0.99], &mut q);
        prop_assert!(q.windows(2).all(|w| w[0] <= w[1]));
        for (p, k) in [0.1, 0.5, 0.9, 0.99].into_iter().zip(q) {
            prop_assert!(nb.cdf(k as u64) >= p - 1e-9);
            if k >= 1.0 {
                prop_assert!(nb.cdf(k as u64 - 1) < p + 1e-9);
            }
        }
    }

    #[test]
    fn forecasts_are_finite_ordered_and_zero_when_closed(
        days in prop::collection::vec((0.0f64..60.0, flags()), 1..120),
        offset in 0u64..10,
        horizon in 1u32..30,
        model in prop::sample::select(ModelKind::ALL.to_vec()),
    ) {
        let start = NaiveDate::from_ymd_opt(2025, 1, 1).expect("valid date");
        let (q, f): (Vec<f64>, Vec<DayFlags>) = days.into_iter().unzip();
        let n = q.len() as u64;
        let mut s = ItemSeries::new("x", Some("c".into()), start, q);
        s.flags = f;
        let r = Restaurant { series: vec![s], special_days: vec![], country: Some(flux_forecast::Country::Fr), weather: vec![] };
        let as_of = start.checked_add_days(Days::new(n + offset)).expect("in range");
        let mut req = ForecastRequest::new(as_of, Horizon::new(horizon).expect("1..30 is a valid horizon"), model);
        req.closed_days.push(as_of);
        let out = forecast_restaurant(&r, &req).expect("valid input forecasts");
        let first = &out[0].days[0];
        prop_assert_eq!((first.mean, first.p99), (0.0, 0.0));
        for d in &out[0].days {
            prop_assert!(d.mean.is_finite() && d.mean >= 0.0);
            prop_assert!(0.0 <= d.p10 && d.p10 <= d.p50 && d.p50 <= d.p90 && d.p90 <= d.p99);
            prop_assert!(d.p99.is_finite());
            prop_assert!((0.0..=1.0).contains(&d.confidence));
        }
    }
}
