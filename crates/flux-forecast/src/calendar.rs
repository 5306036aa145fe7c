//! National public holidays of the supported countries, computed from their
//! rules (fixed dates, n-th weekday rules, Easter offsets and weekend
//! substitutes), so no table needs yearly maintenance.
//!
//! Only nationwide holidays are built in; regional ones (a German state's,
//! a Spanish community's) belong in the restaurant's own special days.
//! Where a holiday is moved off a weekend, both the actual and the observed
//! day are returned: restaurants see demand change on both.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Serialize;

use crate::types::Country;

/// One public holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Holiday {
    /// The day.
    pub date: NaiveDate,
    /// English name.
    pub name: &'static str,
}

/// Gregorian Easter Sunday (the anonymous Gregorian computus).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// The `n`-th (1-based) `weekday` of a month.
fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u8) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
}

/// The last `weekday` of a month.
fn last_weekday(year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
    nth_weekday(year, month, weekday, 5).or_else(|| nth_weekday(year, month, weekday, 4))
}

fn offset(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    if days >= 0 {
        date.checked_add_days(Days::new(days as u64))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    }
}

struct Builder {
    year: i32,
    out: Vec<Holiday>,
}

impl Builder {
    fn add(&mut self, date: Option<NaiveDate>, name: &'static str) {
        if let Some(date) = date {
            if !self.out.iter().any(|h| h.date == date) {
                self.out.push(Holiday { date, name });
            }
        }
    }
    fn fixed(&mut self, month: u32, day: u32, name: &'static str) -> Option<NaiveDate> {
        let d = NaiveDate::from_ymd_opt(self.year, month, day);
        self.add(d, name);
        d
    }
    fn easter(&mut self, days: i64, name: &'static str) {
        let d = easter_sunday(self.year).and_then(|e| offset(e, days));
        self.add(d, name);
    }
}

/// US federal rule: Saturday holidays are observed on Friday, Sunday ones on
/// Monday.
fn us_observed(d: NaiveDate) -> Option<NaiveDate> {
    match d.weekday() {
        Weekday::Sat => offset(d, -1),
        Weekday::Sun => offset(d, 1),
        _ => None,
    }
}

/// Public holidays of `country` in `year`, sorted by date.
pub fn public_holidays(country: Country, year: i32) -> Vec<Holiday> {
    let mut b = Builder {
        year,
        out: Vec::with_capacity(16),
    };
    match country {
        Country::Es => {
            b.fixed(1, 1, "New Year's Day");
            b.fixed(1, 6, "Epiphany");
            b.easter(-2, "Good Friday");
            b.fixed(5, 1, "Labour Day");
            b.fixed(8, 15, "Assumption Day");
            b.fixed(10, 12, "National Day");
            b.fixed(11, 1, "All Saints' Day");
            b.fixed(12, 6, "Constitution Day");
            b.fixed(12, 8, "Immaculate Conception");
            b.fixed(12, 25, "Christmas Day");
        }
        Country::Gb => {
            if let Some(ny) = b.fixed(1, 1, "New Year's Day") {
                let sub = match ny.weekday() {
                    Weekday::Sat => offset(ny, 2),
                    Weekday::Sun => offset(ny, 1),
                    _ => None,
                };
                b.add(sub, "New Year's Day (substitute)");
            }
            b.easter(-2, "Good Friday");
            b.easter(1, "Easter Monday");
            b.add(
                nth_weekday(year, 5, Weekday::Mon, 1),
                "Early May bank holiday",
            );
            b.add(last_weekday(year, 5, Weekday::Mon), "Spring bank holiday");
            b.add(last_weekday(year, 8, Weekday::Mon), "Summer bank holiday");
            let xmas = b.fixed(12, 25, "Christmas Day");
            b.fixed(12, 26, "Boxing Day");
            // When either falls on a weekend the next free weekdays are
            // bank holidays in their place (27th and/or 28th).
            if let Some(x) = xmas {
                let subs: &[i64] = match x.weekday() {
                    Weekday::Fri => &[3],
                    Weekday::Sat => &[2, 3],
                    Weekday::Sun => &[2],
                    _ => &[],
                };
                for &s in subs {
                    b.add(offset(x, s), "Christmas bank holiday (substitute)");
                }
            }
        }
        Country::Us => {
            let mut fixed = vec![(1, 1, "New Year's Day"), (7, 4, "Independence Day")];
            if year >= 2021 {
                fixed.push((6, 19, "Juneteenth"));
            }
            fixed.push((11, 11, "Veterans Day"));
            fixed.push((12, 25, "Christmas Day"));
            for (m, d, name) in fixed {
                if let Some(day) = b.fixed(m, d, name) {
                    b.add(us_observed(day), name);
                }
            }
            b.add(
                nth_weekday(year, 1, Weekday::Mon, 3),
                "Martin Luther King Jr. Day",
            );
            b.add(
                nth_weekday(year, 2, Weekday::Mon, 3),
                "Washington's Birthday",
            );
            b.add(last_weekday(year, 5, Weekday::Mon), "Memorial Day");
            b.add(nth_weekday(year, 9, Weekday::Mon, 1), "Labor Day");
            b.add(nth_weekday(year, 10, Weekday::Mon, 2), "Columbus Day");
            b.add(nth_weekday(year, 11, Weekday::Thu, 4), "Thanksgiving Day");
        }
        Country::Fr => {
            b.fixed(1, 1, "New Year's Day");
            b.easter(1, "Easter Monday");
            b.fixed(5, 1, "Labour Day");
            b.fixed(5, 8, "Victory in Europe Day");
            b.easter(39, "Ascension Day");
            b.easter(50, "Whit Monday");
            b.fixed(7, 14, "Bastille Day");
            b.fixed(8, 15, "Assumption Day");
            b.fixed(11, 1, "All Saints' Day");
            b.fixed(11, 11, "Armistice Day");
            b.fixed(12, 25, "Christmas Day");
        }
        Country::De => {
            b.fixed(1, 1, "New Year's Day");
            b.easter(-2, "Good Friday");
            b.easter(1, "Easter Monday");
            b.fixed(5, 1, "Labour Day");
            b.easter(39, "Ascension Day");
            b.easter(50, "Whit Monday");
            b.fixed(10, 3, "German Unity Day");
            if year == 2017 {
                // 500th anniversary of the Reformation: nationwide once.
                b.fixed(10, 31, "Reformation Day");
            }
            b.fixed(12, 25, "Christmas Day");
            b.fixed(12, 26, "Second Day of Christmas");
        }
    }
    b.out.sort_by_key(|h| h.date);
    b.out
}

/// Whether `date` is a public holiday (actual or observed) in `country`.
pub fn is_public_holiday(country: Country, date: NaiveDate) -> bool {
    public_holidays(country, date.year())
        .iter()
        .any(|h| h.date == date)
}
