//! Public holidays of the supported countries.

use chrono::NaiveDate;
use flux_forecast::calendar::{easter_sunday, is_public_holiday, public_holidays};
use flux_forecast::Country;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

#[test]
fn easter_sunday_known_years() {
    assert_eq!(easter_sunday(2016), Some(d(2016, 3, 27)));
    assert_eq!(easter_sunday(2024), Some(d(2024, 3, 31)));
    assert_eq!(easter_sunday(2025), Some(d(2025, 4, 20)));
    assert_eq!(easter_sunday(2026), Some(d(2026, 4, 5)));
    assert_eq!(easter_sunday(2038), Some(d(2038, 4, 25)));
}

#[test]
fn gb_easter_monday_2025() {
    assert!(is_public_holiday(Country::Gb, d(2025, 4, 21)));
    assert!(is_public_holiday(Country::Gb, d(2025, 4, 18)));
    assert!(!is_public_holiday(Country::Gb, d(2025, 4, 22)));
}

#[test]
fn us_thanksgiving_2026() {
    let h = public_holidays(Country::Us, 2026);
    let t = h
        .iter()
        .find(|h| h.name == "Thanksgiving Day")
        .expect("thanksgiving");
    assert_eq!(t.date, d(2026, 11, 26));
}

#[test]
fn us_observed_days_move_off_weekends() {
    // 4 July 2026 is a Saturday: observed on Friday 3 July.
    assert!(is_public_holiday(Country::Us, d(2026, 7, 3)));
    assert!(is_public_holiday(Country::Us, d(2026, 7, 4)));
}

#[test]
fn gb_christmas_substitutes() {
    // 2021: Christmas on Saturday, Boxing Day on Sunday → 27th and 28th.
    assert!(is_public_holiday(Country::Gb, d(2021, 12, 27)));
    assert!(is_public_holiday(Country::Gb, d(2021, 12, 28)));
    // Spring bank holiday 2025 is the last Monday of May.
    assert!(is_public_holiday(Country::Gb, d(2025, 5, 26)));
}

#[test]
fn easter_based_holidays_of_de_fr_es() {
    assert!(is_public_holiday(Country::De, d(2025, 6, 9)), "Whit Monday");
    assert!(is_public_holiday(Country::Fr, d(2025, 5, 29)), "Ascension");
    assert!(
        is_public_holiday(Country::Es, d(2025, 4, 18)),
        "Good Friday"
    );
    assert!(
        !is_public_holiday(Country::Fr, d(2025, 4, 18)),
        "no Good Friday in France"
    );
    assert!(is_public_holiday(Country::Fr, d(2025, 7, 14)));
    assert!(is_public_holiday(Country::Es, d(2025, 10, 12)));
    assert!(is_public_holiday(Country::De, d(2025, 10, 3)));
}

#[test]
fn holidays_are_sorted_and_unique() {
    for c in [
        Country::Es,
        Country::Gb,
        Country::Us,
        Country::Fr,
        Country::De,
    ] {
        let h = public_holidays(c, 2025);
        assert!(h.len() >= 8, "{c:?}");
        assert!(h.windows(2).all(|w| w[0].date < w[1].date), "{c:?}");
    }
}
