//! Clocked time into hours by kind and gross pay.
//!
//! Daily overtime is counted first (minutes of a day beyond the daily
//! threshold), then weekly overtime on the regular minutes that remain,
//! in clock order, beyond the weekly threshold, so no minute is overtime
//! twice. Days are the local date a span starts on; weeks start on Monday.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// When time becomes overtime.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OvertimeRule {
    /// Minutes in a day after which time is overtime.
    pub daily_after_minutes: Option<u32>,
    /// Minutes in a week after which time is overtime.
    pub weekly_after_minutes: Option<u32>,
    /// Overtime pay as a multiple of the rate.
    pub multiplier: Decimal,
}

/// One clocked span in local time, with its unpaid break.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub break_minutes: u32,
}

impl Span {
    /// Paid minutes; a span ending before it starts counts as none.
    pub fn minutes(&self) -> u32 {
        let m = (self.end - self.start).num_minutes().max(0) as u32;
        m.saturating_sub(self.break_minutes)
    }
}

/// Hours by kind, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Minutes {
    pub regular: u32,
    pub daily_overtime: u32,
    pub weekly_overtime: u32,
}

impl Minutes {
    pub fn total(&self) -> u32 {
        self.regular + self.daily_overtime + self.weekly_overtime
    }

    pub fn overtime(&self) -> u32 {
        self.daily_overtime + self.weekly_overtime
    }

    /// Gross pay at `rate` per hour, rounded to the cent.
    pub fn gross(&self, rate: Decimal, rule: &OvertimeRule) -> Decimal {
        let hours = |m: u32| Decimal::from(m) / Decimal::from(60);
        let mut gross = (hours(self.regular) * rate
            + hours(self.overtime()) * rate * rule.multiplier)
            .round_dp(2);
        // Always two decimals, as payroll shows money.
        gross.rescale(2);
        gross
    }
}

fn week_of(d: NaiveDate) -> NaiveDate {
    d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// One person's spans classified.
pub fn classify(spans: &[Span], rule: &OvertimeRule) -> Minutes {
    let mut spans: Vec<Span> = spans.to_vec();
    spans.sort_by_key(|s| s.start);
    // Per day: its minutes, split into regular and daily overtime.
    let mut days: Vec<(NaiveDate, u32)> = Vec::new();
    for s in &spans {
        let d = s.start.date();
        match days.last_mut() {
            Some((last, m)) if *last == d => *m += s.minutes(),
            _ => days.push((d, s.minutes())),
        }
    }
    let mut out = Minutes::default();
    let mut week: Option<(NaiveDate, u32)> = None;
    for (d, minutes) in days {
        let daily_ot = rule
            .daily_after_minutes
            .map_or(0, |t| minutes.saturating_sub(t));
        let mut regular = minutes - daily_ot;
        out.daily_overtime += daily_ot;
        let w = week_of(d);
        let so_far = match week {
            Some((wk, m)) if wk == w => m,
            _ => 0,
        };
        if let Some(t) = rule.weekly_after_minutes {
            let room = t.saturating_sub(so_far);
            let weekly_ot = regular.saturating_sub(room);
            out.weekly_overtime += weekly_ot;
            regular -= weekly_ot;
        }
        out.regular += regular;
        week = Some((w, so_far + regular));
    }
    out
}
