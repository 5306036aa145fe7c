//! Coverage windows from delivery weekdays and lead times.

use chrono::{NaiveDate, Weekday};
use flux_purchasing::{coverage_window, Window};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("test date")
}

fn window(first: NaiveDate, next: NaiveDate, days: u32) -> Option<Window> {
    Some(Window {
        first_delivery: first,
        next_delivery: next,
        coverage_days: days,
    })
}

const MON_THU: [Weekday; 2] = [Weekday::Mon, Weekday::Thu];

#[test]
fn ordering_on_a_delivery_day_with_no_lead_time() {
    // Monday 6 Jan 2025: today's delivery must last until Thursday.
    assert_eq!(
        coverage_window(date(2025, 1, 6), &MON_THU, 0),
        window(date(2025, 1, 6), date(2025, 1, 9), 3)
    );
}

#[test]
fn a_lead_time_skips_to_the_next_delivery_and_its_longer_window() {
    // One day's lead on Monday misses Monday: Thursday to Monday, 4 days.
    assert_eq!(
        coverage_window(date(2025, 1, 6), &MON_THU, 1),
        window(date(2025, 1, 9), date(2025, 1, 13), 4)
    );
    // Three days' lead lands exactly on Thursday.
    assert_eq!(
        coverage_window(date(2025, 1, 6), &MON_THU, 3),
        window(date(2025, 1, 9), date(2025, 1, 13), 4)
    );
}

#[test]
fn windows_cross_week_and_year_boundaries() {
    // Saturday, weekly Monday delivery: next Monday to the one after.
    assert_eq!(
        coverage_window(date(2025, 1, 11), &[Weekday::Mon], 0),
        window(date(2025, 1, 13), date(2025, 1, 20), 7)
    );
    // Tuesday 31 Dec 2024, Wed/Fri deliveries, 2 days' lead: earliest
    // Thursday 2 Jan, so Friday 3 Jan until Wednesday 8 Jan.
    assert_eq!(
        coverage_window(date(2024, 12, 31), &[Weekday::Wed, Weekday::Fri], 2),
        window(date(2025, 1, 3), date(2025, 1, 8), 5)
    );
}

#[test]
fn a_long_lead_time_spans_weeks() {
    // Monday + 10 days = Thursday 16th; first Tuesday after is the 21st.
    assert_eq!(
        coverage_window(date(2025, 1, 6), &[Weekday::Tue], 10),
        window(date(2025, 1, 21), date(2025, 1, 28), 7)
    );
}

#[test]
fn daily_deliveries_cover_one_day_and_duplicates_are_harmless() {
    let every_day = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
        Weekday::Mon,
    ];
    assert_eq!(
        coverage_window(date(2025, 1, 12), &every_day, 0),
        window(date(2025, 1, 12), date(2025, 1, 13), 1)
    );
}

#[test]
fn no_delivery_days_no_window() {
    assert_eq!(coverage_window(date(2025, 1, 6), &[], 0), None);
    assert_eq!(coverage_window(NaiveDate::MAX, &MON_THU, 5), None);
}
