//! Weekly operating hours: per weekday, zero (closed) or more opening ranges.
//!
//! The forecaster treats a closed day as "demand is exactly zero, and this
//! day says nothing about demand", so a wrong schedule corrupts forecasts;
//! hence the strict validation (sorted, non-overlapping ranges).

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use crate::validation::{Errors, FieldError};
use crate::Invalid;

/// One opening range. `close <= open` means the range runs past midnight
/// (a bar open 18:00–02:00); only the last range of a day may do that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRange {
    pub open: NaiveTime,
    pub close: NaiveTime,
}

/// The validated schedule; index 0 is Monday (ISO weekday − 1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WeeklyHours {
    pub days: [Vec<TimeRange>; 7],
}

/// One day as submitted by a client.
#[derive(Debug, Clone)]
pub struct DayInput {
    pub day_of_week: i64,
    pub closed: bool,
    pub ranges: Vec<(String, String)>,
}

const MAX_RANGES_PER_DAY: usize = 6;

fn parse_time(field: &str, raw: &str) -> Result<NaiveTime, FieldError> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(raw.trim(), "%H:%M:%S"))
        .map_err(|_| FieldError::new(field, "invalid_time", "must be a time as HH:MM"))
}

impl WeeklyHours {
    /// Validates a whole week. Days not listed are closed.
    pub fn parse(days: &[DayInput]) -> Result<Self, Invalid> {
        let mut week = WeeklyHours::default();
        let mut seen = [false; 7];
        let mut errs = Errors::default();
        for (i, day) in days.iter().enumerate() {
            let field = format!("days.{i}");
            let Some(dow) = usize::try_from(day.day_of_week).ok().filter(|d| *d < 7) else {
                errs.push(FieldError::new(
                    format!("{field}.day_of_week"),
                    "out_of_range",
                    "must be 0 (Monday) to 6 (Sunday)",
                ));
                continue;
            };
            if std::mem::replace(&mut seen[dow], true) {
                errs.push(FieldError::new(
                    format!("{field}.day_of_week"),
                    "duplicate",
                    "each weekday may appear once",
                ));
                continue;
            }
            if day.closed && !day.ranges.is_empty() {
                errs.push(FieldError::new(
                    format!("{field}.ranges"),
                    "closed_with_ranges",
                    "a closed day cannot have opening ranges",
                ));
                continue;
            }
            if day.ranges.len() > MAX_RANGES_PER_DAY {
                errs.push(FieldError::new(
                    format!("{field}.ranges"),
                    "too_many",
                    format!("at most {MAX_RANGES_PER_DAY} ranges per day"),
                ));
                continue;
            }
            let mut ranges = Vec::new();
            for (j, (open, close)) in day.ranges.iter().enumerate() {
                let rf = format!("{field}.ranges.{j}");
                match (
                    parse_time(&format!("{rf}.open"), open),
                    parse_time(&format!("{rf}.close"), close),
                ) {
                    (Ok(open), Ok(close)) => ranges.push(TimeRange { open, close }),
                    (a, b) => {
                        a.err()
                            .into_iter()
                            .chain(b.err())
                            .for_each(|e| errs.push(e));
                    }
                }
            }
            if let Err(e) = check_ranges(&field, &ranges) {
                errs.push(e);
            }
            week.days[dow] = ranges;
        }
        errs.finish()?;
        Ok(week)
    }

    pub fn is_closed(&self, weekday_from_monday: usize) -> bool {
        self.days.get(weekday_from_monday).is_none_or(Vec::is_empty)
    }
}

fn check_ranges(field: &str, ranges: &[TimeRange]) -> Result<(), FieldError> {
    for (j, r) in ranges.iter().enumerate() {
        let overnight = r.close <= r.open;
        if overnight && j + 1 != ranges.len() {
            return Err(FieldError::new(
                format!("{field}.ranges.{j}"),
                "overnight_not_last",
                "only the last range of a day may run past midnight",
            ));
        }
        if let Some(next) = ranges.get(j + 1) {
            if next.open < r.close || next.open < r.open {
                return Err(FieldError::new(
                    format!("{field}.ranges.{}", j + 1),
                    "overlap",
                    "ranges must be in order and must not overlap",
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(dow: i64, ranges: &[(&str, &str)]) -> DayInput {
        DayInput {
            day_of_week: dow,
            closed: ranges.is_empty(),
            ranges: ranges
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        }
    }

    #[test]
    fn accepts_split_shifts_and_overnight_last_range() {
        let w = WeeklyHours::parse(&[
            day(0, &[("12:00", "16:00"), ("20:00", "23:30")]),
            day(4, &[("18:00", "02:00")]),
            day(6, &[]),
        ])
        .expect("valid");
        assert_eq!(w.days[0].len(), 2);
        assert!(w.is_closed(1), "unlisted days are closed");
        assert!(w.is_closed(6));
        assert!(!w.is_closed(4));
    }

    #[test]
    fn rejects_overlaps_bad_times_duplicates_and_bad_weekdays() {
        let err = WeeklyHours::parse(&[
            day(0, &[("12:00", "16:00"), ("15:00", "18:00")]),
            day(1, &[("25:00", "16:00")]),
            day(0, &[("09:00", "10:00")]),
            day(9, &[]),
            day(2, &[("22:00", "01:00"), ("09:00", "10:00")]),
        ])
        .expect_err("invalid");
        let codes: Vec<_> = err.0.iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            [
                "overlap",
                "invalid_time",
                "duplicate",
                "out_of_range",
                "overnight_not_last"
            ]
        );
    }
}
