//! Service levels (newsvendor critical ratio) and the newsvendor quantity.

use flux_purchasing::{
    ingredient_demand, newsvendor_quantity, service_level, service_level_for, DemandDistribution,
    Economics, QuantileForecast, Usage, MAX_SERVICE_LEVEL,
};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn perishables_balance_three_times_cost_short_against_cost_wasted() {
    // Cu = 3c, Co = c: 3 / (3 + 1) = 0.75.
    let e = Economics {
        unit_cost: 4.0,
        shelf_life_days: Some(3),
        coverage_days: 4,
        ..Economics::default()
    };
    let s = service_level(&e);
    assert!(close(s.value, 0.75));
    assert!(close(s.underage_cost, 12.0));
    assert!(close(s.overage_cost, 4.0));
    assert_eq!(
        s.reason,
        "perishable: 3-day shelf life within a 4-day window, leftovers spoil, 75 % service level"
    );
    // Shelf life equal to the window: the leftover still spoils.
    let same = Economics {
        shelf_life_days: Some(4),
        ..e
    };
    assert!(close(service_level(&same).value, 0.75));
}

#[test]
fn goods_that_keep_only_pay_holding_and_lean_to_more() {
    // Co = 0.02/day × 5 days = 0.1c, so 3 / 3.1.
    let e = Economics {
        unit_cost: 2.0,
        shelf_life_days: Some(30),
        coverage_days: 5,
        holding_rate_per_day: 0.02,
        ..Economics::default()
    };
    let s = service_level(&e);
    assert!(close(s.value, 3.0 / 3.1), "{}", s.value);
    assert!(close(s.overage_cost, 0.2));
    assert!(s
        .reason
        .starts_with("keeps: 30-day shelf life outlasts the 5-day window"));
    assert!(s.reason.ends_with("96.8 % service level"), "{}", s.reason);
}

#[test]
fn dry_goods_hit_the_cap() {
    // Co = 0.002 × 7 = 0.014c: 3 / 3.014 ≈ 0.995, capped at 0.99.
    let e = Economics {
        shelf_life_days: None,
        coverage_days: 7,
        ..Economics::default()
    };
    let s = service_level(&e);
    assert_eq!(s.value, MAX_SERVICE_LEVEL);
    assert!(
        s.reason.starts_with("keeps: no shelf limit"),
        "{}",
        s.reason
    );
    assert!(
        s.reason.ends_with("99 % service level (capped)"),
        "{}",
        s.reason
    );
}

#[test]
fn a_cheap_stockout_is_raised_to_the_floor() {
    // Cu = 0.5c, Co = c: 1/3, raised to 0.5.
    let e = Economics {
        shelf_life_days: Some(1),
        coverage_days: 1,
        stockout_multiplier: 0.5,
        ..Economics::default()
    };
    let s = service_level(&e);
    assert_eq!(s.value, 0.5);
    assert!(s.reason.contains("raised to the floor"));
}

#[test]
fn an_operator_override_wins_and_says_so() {
    let e = Economics {
        shelf_life_days: Some(2),
        coverage_days: 3,
        override_level: Some(0.85),
        ..Economics::default()
    };
    let s = service_level(&e);
    assert_eq!(s.value, 0.85);
    assert!(
        s.reason
            .starts_with("operator override: 85 % service level (economics alone: perishable"),
        "{}",
        s.reason
    );
    let bad = Economics {
        override_level: Some(1.5),
        ..e
    };
    let s = service_level(&bad);
    assert_eq!(s.value, 0.75);
    assert!(s.reason.contains("override 1.5 ignored"));
}

#[test]
fn unusable_economics_fall_back_to_defaults() {
    let e = Economics {
        unit_cost: f64::NAN,
        shelf_life_days: Some(1),
        coverage_days: 0,
        stockout_multiplier: f64::INFINITY,
        ..Economics::default()
    };
    let s = service_level(&e);
    assert!(close(s.value, 0.75));
    assert_eq!(s.underage_cost, 0.0);
}

#[test]
fn newsvendor_quantity_is_the_critical_ratio_quantile() {
    // Cu = 3, Co = 1 → 0.75 → the 75th of 0..=100.
    let e = Economics {
        unit_cost: 1.0,
        shelf_life_days: Some(1),
        coverage_days: 1,
        ..Economics::default()
    };
    let d = DemandDistribution::from_samples((0..=100).map(f64::from).collect()).expect("valid");
    assert_eq!(newsvendor_quantity(&d, service_level(&e).value), 75.0);

    // One dish, p50 10 and p90 18, 0.2 kg each: the 0.75 quantile of the
    // curve is 10 + 0.625·8 = 15 portions = 3.0 kg.
    let usage = Usage {
        forecast: QuantileForecast {
            mean: 11.0,
            p10: 5.0,
            p50: 10.0,
            p90: 18.0,
            p99: 24.0,
        },
        per_unit: 0.2,
    };
    let d = ingredient_demand(&[usage], 4_000, 11).expect("valid");
    let q = newsvendor_quantity(&d, 0.75);
    assert!((q - 3.0).abs() < 0.07, "{q}");
}

fn one_dish_demand() -> DemandDistribution {
    let usage = Usage {
        forecast: QuantileForecast {
            mean: 14.0,
            p10: 6.0,
            p50: 13.0,
            p90: 23.0,
            p99: 33.0,
        },
        per_unit: 0.18,
    };
    ingredient_demand(&[usage], 4_000, 5).expect("valid")
}

#[test]
fn demand_aware_level_agrees_at_the_extremes() {
    let d = one_dish_demand();
    for shelf in [Some(1), None] {
        let e = Economics {
            shelf_life_days: shelf,
            coverage_days: 1,
            ..Economics::default()
        };
        assert_eq!(service_level_for(&e, &d), service_level(&e));
    }
    // A year of shelf life after a one-day window never spoils a leftover.
    let e = Economics {
        shelf_life_days: Some(365),
        coverage_days: 1,
        ..Economics::default()
    };
    assert_eq!(service_level_for(&e, &d).value, service_level(&e).value);
}

#[test]
fn demand_aware_level_sees_leftovers_that_spoil_the_day_after() {
    // Salmon delivered daily with a 2-day shelf life: the binary rule calls
    // it dry goods (99 %), but a leftover must sell out the next day.
    let d = one_dish_demand();
    let e = |shelf| Economics {
        shelf_life_days: Some(shelf),
        coverage_days: 1,
        ..Economics::default()
    };
    assert_eq!(service_level(&e(2)).value, MAX_SERVICE_LEVEL);
    let two = service_level_for(&e(2), &d);
    let three = service_level_for(&e(3), &d);
    assert!(two.value > 0.75 && two.value < 0.95, "{}", two.value);
    assert!(three.value >= two.value, "{} < {}", three.value, two.value);
    assert!(
        two.reason
            .starts_with("keeps 1 day past the 1-day window, but a leftover spoils"),
        "{}",
        two.reason
    );
    assert!(two.overage_cost > 0.1 && two.overage_cost < 1.0);
    // The override still wins.
    let forced = Economics {
        override_level: Some(0.6),
        ..e(2)
    };
    assert_eq!(service_level_for(&forced, &d).value, 0.6);
}
