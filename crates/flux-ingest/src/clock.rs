//! Wall-clock time, time zones and the restaurant's business day.
//!
//! Sales files record local wall-clock time. A restaurant open until 02:00
//! counts a 01:30 sale in the previous evening's takings, so each sale gets a
//! *business date*: its calendar date, minus one day when the time is before
//! the day cut-off hour (04:00 by default). The cut-off is applied to the
//! wall-clock time, so daylight-saving changes do not move it.
//!
//! Converting wall-clock time to an instant needs the zone's rules, and two
//! cases have no single answer:
//! * **gap** (clocks jump forward, e.g. 02:30 does not exist): the time is
//!   read with the offset in force *before* the jump, which lands it the
//!   length of the gap later (02:30 → 03:30). A till whose clock was not
//!   yet adjusted produces exactly such times.
//! * **fold** (clocks go back, 01:30 happens twice): the *earlier* instant is
//!   taken. Files rarely say which was meant and the first is the more common
//!   reading; the wall-clock time, and so the business date, is the same.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// Default hour before which a sale belongs to the previous business day.
pub const DEFAULT_DAY_CUTOFF_HOUR: u8 = 4;

/// Business date of a sale at local wall-clock time `local`: the calendar
/// date, or the day before when the hour is earlier than `cutoff_hour`.
/// A cut-off of 0 makes business dates calendar dates.
pub fn business_date(local: NaiveDateTime, cutoff_hour: u8) -> NaiveDate {
    let date = local.date();
    if local.hour() < u32::from(cutoff_hour) {
        date.pred_opt().unwrap_or(date)
    } else {
        date
    }
}

/// The instant meant by wall-clock time `local` in `tz`, resolving DST gaps
/// and folds as the module documentation describes.
pub fn resolve_local(tz: Tz, local: NaiveDateTime) -> DateTime<Tz> {
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => t,
        chrono::LocalResult::Ambiguous(earlier, _) => earlier,
        chrono::LocalResult::None => {
            // Offset in force a day before (comfortably before any gap).
            let before = local - Duration::hours(24);
            let offset = tz.offset_from_utc_datetime(&before).fix();
            let utc = local - Duration::seconds(i64::from(offset.local_minus_utc()));
            tz.from_utc_datetime(&utc)
        }
    }
}

/// Wall-clock time in `tz` for an instant given with an explicit UTC offset.
pub(crate) fn to_local(tz: Tz, naive: NaiveDateTime, offset_secs: i32) -> NaiveDateTime {
    let utc = naive - Duration::seconds(i64::from(offset_secs));
    Utc.from_utc_datetime(&utc).with_timezone(&tz).naive_local()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|x| x.and_hms_opt(h, min, 0))
            .expect("valid test time")
    }

    #[test]
    fn cutoff_moves_small_hours_to_previous_day() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 1).expect("valid");
        assert_eq!(business_date(at(2024, 3, 2, 1, 30), 4), day);
        assert_eq!(business_date(at(2024, 3, 1, 4, 0), 4), day);
        assert_eq!(business_date(at(2024, 3, 1, 23, 59), 4), day);
        assert_eq!(
            business_date(at(2024, 3, 2, 1, 30), 0),
            at(2024, 3, 2, 0, 0).date()
        );
    }

    #[test]
    fn dst_gap_and_fold() {
        let tz: Tz = chrono_tz::America::New_York;
        // 2024-03-10 02:30 does not exist in New York.
        let gap = resolve_local(tz, at(2024, 3, 10, 2, 30));
        assert_eq!(gap.naive_local(), at(2024, 3, 10, 3, 30));
        // 2024-11-03 01:30 happens twice; the earlier is EDT (UTC-4).
        let fold = resolve_local(tz, at(2024, 11, 3, 1, 30));
        assert_eq!(fold.naive_utc(), at(2024, 11, 3, 5, 30));
    }
}
