//! Overtime rules and gross pay, checked against sums done by hand.

use chrono::{NaiveDate, NaiveDateTime};
use flux_labor::pay::{classify, Minutes, OvertimeRule, Span};
use rust_decimal::Decimal;

fn at(day: u32, h: u32, m: u32) -> NaiveDateTime {
    // 2026-11-30 is a Monday.
    NaiveDate::from_ymd_opt(2026, 11, 30)
        .and_then(|d| d.checked_add_days(chrono::Days::new(u64::from(day))))
        .and_then(|d| d.and_hms_opt(h, m, 0))
        .expect("time")
}

fn span(day: u32, from: u32, to: u32, break_minutes: u32) -> Span {
    Span {
        start: at(day, from, 0),
        end: at(day, to, 0),
        break_minutes,
    }
}

fn rule(daily: Option<u32>, weekly: Option<u32>) -> OvertimeRule {
    OvertimeRule {
        daily_after_minutes: daily.map(|h| h * 60),
        weekly_after_minutes: weekly.map(|h| h * 60),
        multiplier: Decimal::new(15, 1),
    }
}

#[test]
fn daily_overtime_counts_the_minutes_past_the_threshold() {
    // Monday 08:00–19:00 with a 30-minute break: 10.5 h, 8 regular, 2.5 overtime.
    let m = classify(&[span(0, 8, 19, 30)], &rule(Some(8), None));
    assert_eq!(
        m,
        Minutes {
            regular: 480,
            daily_overtime: 150,
            weekly_overtime: 0
        }
    );
    // 8 h at 20.00 + 2.5 h at 30.00 = 160 + 75 = 235.00
    assert_eq!(
        m.gross(Decimal::new(2000, 2), &rule(Some(8), None)),
        Decimal::new(23500, 2)
    );
}

#[test]
fn weekly_overtime_starts_when_the_week_passes_its_threshold() {
    // Five 9-hour days (no breaks): 45 h, weekly limit 40: the last 5 h of
    // Friday are overtime.
    let spans: Vec<Span> = (0..5).map(|d| span(d, 8, 17, 0)).collect();
    let m = classify(&spans, &rule(None, Some(40)));
    assert_eq!(
        m,
        Minutes {
            regular: 2400,
            daily_overtime: 0,
            weekly_overtime: 300
        }
    );
    // 40 × 18.50 + 5 × 27.75 = 740 + 138.75
    assert_eq!(
        m.gross(Decimal::new(1850, 2), &rule(None, Some(40))),
        Decimal::new(87875, 2)
    );
}

#[test]
fn a_minute_is_never_overtime_twice() {
    // Five 10-hour days, daily after 8, weekly after 40: 10 h daily
    // overtime; the 40 regular hours reach the weekly limit exactly.
    let spans: Vec<Span> = (0..5).map(|d| span(d, 8, 18, 0)).collect();
    let m = classify(&spans, &rule(Some(8), Some(40)));
    assert_eq!(
        m,
        Minutes {
            regular: 2400,
            daily_overtime: 600,
            weekly_overtime: 0
        }
    );
    // A sixth day of 6 h is all weekly overtime.
    let mut six = spans.clone();
    six.push(span(5, 9, 15, 0));
    let m = classify(&six, &rule(Some(8), Some(40)));
    assert_eq!(
        m,
        Minutes {
            regular: 2400,
            daily_overtime: 600,
            weekly_overtime: 360
        }
    );
    assert_eq!(m.total(), 56 * 60);
}

#[test]
fn weeks_are_counted_separately_and_two_spans_on_one_day_add_up() {
    // Two weeks of four 11-hour days each; weekly limit 40: 4 h overtime per week.
    let mut spans: Vec<Span> = (0..4).map(|d| span(d, 8, 19, 0)).collect();
    spans.extend((7..11).map(|d| span(d, 8, 19, 0)));
    let m = classify(&spans, &rule(None, Some(40)));
    assert_eq!(m.weekly_overtime, 8 * 60);
    // A split day: 07–11 and 17–23 is 10 h, 2 over a daily 8.
    let m = classify(
        &[span(0, 7, 11, 0), span(0, 17, 23, 0)],
        &rule(Some(8), None),
    );
    assert_eq!(m.daily_overtime, 120);
}
