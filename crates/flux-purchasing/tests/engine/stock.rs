//! On-hand projection between counts and low-stock alerts.

use chrono::NaiveDate;
use flux_purchasing::{low_stock, project_on_hand, DemandDistribution, StockEvent};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, d).expect("test date")
}

use StockEvent::{Count, Delivery, Usage, Waste};

#[test]
fn count_then_deliveries_usage_and_waste() {
    let events = [
        Count {
            date: day(1),
            quantity: 10.0,
        },
        Delivery {
            date: day(2),
            quantity: 5.0,
        },
        Usage {
            date: day(2),
            quantity: 4.0,
        },
        Waste {
            date: day(3),
            quantity: 1.5,
        },
        Usage {
            date: day(5),
            quantity: 2.0,
        },
    ];
    // 10 + 5 − 4 − 1.5 = 9.5 on the 3rd; the usage on the 5th is later.
    assert_eq!(project_on_hand(&events, day(3)), Some(9.5));
    assert_eq!(project_on_hand(&events, day(5)), Some(7.5));
}

#[test]
fn events_before_the_latest_count_are_ignored() {
    let events = [
        Usage {
            date: day(1),
            quantity: 100.0,
        },
        Count {
            date: day(1),
            quantity: 50.0,
        },
        Delivery {
            date: day(2),
            quantity: 20.0,
        },
        Count {
            date: day(3),
            quantity: 8.0,
        },
        Usage {
            date: day(4),
            quantity: 3.0,
        },
    ];
    assert_eq!(project_on_hand(&events, day(4)), Some(5.0));
    // As of the 2nd, the count on the 3rd is in the future.
    assert_eq!(project_on_hand(&events, day(2)), Some(70.0));
}

#[test]
fn on_the_count_day_only_later_entries_apply() {
    let events = [
        Delivery {
            date: day(1),
            quantity: 7.0,
        },
        Count {
            date: day(1),
            quantity: 10.0,
        },
        Usage {
            date: day(1),
            quantity: 2.0,
        },
        // Out of date order in the slice: still applied by date.
        Delivery {
            date: day(3),
            quantity: 1.0,
        },
        Usage {
            date: day(2),
            quantity: 1.0,
        },
    ];
    assert_eq!(project_on_hand(&events, day(1)), Some(8.0));
    assert_eq!(project_on_hand(&events, day(3)), Some(8.0));
}

#[test]
fn no_count_is_unknown_not_zero() {
    let events = [Delivery {
        date: day(1),
        quantity: 5.0,
    }];
    assert_eq!(project_on_hand(&events, day(2)), None);
    assert_eq!(project_on_hand(&[], day(2)), None);
    // A count after `as_of` does not help either.
    let later = [Count {
        date: day(9),
        quantity: 5.0,
    }];
    assert_eq!(project_on_hand(&later, day(2)), None);
}

#[test]
fn stock_never_goes_below_zero_and_a_missed_delivery_does_not_hide_the_next() {
    let events = [
        Count {
            date: day(1),
            quantity: 5.0,
        },
        Usage {
            date: day(2),
            quantity: 8.0,
        },
        Delivery {
            date: day(3),
            quantity: 4.0,
        },
    ];
    assert_eq!(project_on_hand(&events, day(2)), Some(0.0));
    // 0 + 4, not −3 + 4.
    assert_eq!(project_on_hand(&events, day(3)), Some(4.0));
}

#[test]
fn nonsense_quantities_are_skipped() {
    let events = [
        Count {
            date: day(1),
            quantity: 5.0,
        },
        Count {
            date: day(2),
            quantity: f64::NAN,
        },
        Usage {
            date: day(2),
            quantity: -3.0,
        },
        Delivery {
            date: day(2),
            quantity: 2.0,
        },
    ];
    assert_eq!(project_on_hand(&events, day(2)), Some(7.0));
}

#[test]
fn low_stock_alerts_below_the_chosen_quantile() {
    let d = DemandDistribution::from_samples((0..=100).map(f64::from).collect()).expect("valid");
    let alert = low_stock(40.0, &d, 0.5).expect("40 is below the median 50");
    assert_eq!(alert.needed, 50.0);
    assert_eq!(alert.shortfall, 10.0);
    // 41..=100 exceed 40: 60 of 101 samples.
    assert!((alert.chance_short - 60.0 / 101.0).abs() < 1e-12);
    assert_eq!(low_stock(60.0, &d, 0.5), None);
    assert!(low_stock(60.0, &d, 0.9).is_some());
}
