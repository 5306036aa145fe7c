//! The week's schedule: rules, the hourly requirement from the forecast,
//! building the cheapest schedule that covers it, manual edits (checked
//! against every rule), copying last week, publishing, and the week as
//! the dashboard shows it (shifts, per-hour need against staff, labor cost
//! against forecast and actual sales).
//!
//! Times in the engine are 15-minute slots of the local week; here they
//! become instants through the restaurant's time zone. Wall-clock time is
//! what a rota shows, so a shift keeps its local hours across a change of
//! daylight-saving time.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use flux_domain::validation::{Errors, FieldError};
use flux_labor::hourly::{DayHours, Profile, ProfileParams};
use flux_labor::requirement::{requirement, Driver, HourlyDemand, Standard};
use flux_labor::schedule::{self as engine, Person, Problem, Violation};
use flux_labor::{slots_from_minutes, Slot, SLOTS_PER_DAY, SLOTS_PER_HOUR, TIMELINE};
use flux_store::labor as store;
use flux_store::status::{LaborDriver, ShiftSource, TimeOffStatus, TotalLevel};
use flux_store::PgConnection;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Caller;
use crate::{AppError, AppResult, Kind};

/// Scheduling and overtime rules, in hours where people think in hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesView {
    pub min_shift_hours: f64,
    pub max_shift_hours: f64,
    pub max_week_hours: f64,
    /// Least time between the end of one shift and the start of the next.
    pub min_rest_hours: f64,
    /// A shift longer than this has an unpaid break.
    pub break_after_hours: f64,
    pub break_minutes: i32,
    /// Time past this in a day is overtime; none: no daily overtime.
    pub overtime_daily_hours: Option<f64>,
    /// Time past this in a week is overtime; none: no weekly overtime.
    pub overtime_weekly_hours: Option<f64>,
    #[schema(value_type = String, example = "1.5")]
    pub overtime_multiplier: Decimal,
    /// Busy hours are staffed for this quantile of the hourly forecast (0.5–0.99).
    pub service_level: f64,
    /// What one missing staff-hour is worth avoiding, in the restaurant's
    /// currency; above every wage, or gaps are preferred to people.
    #[schema(value_type = String, example = "100")]
    pub understaffing_penalty: Decimal,
}

impl Default for RulesView {
    fn default() -> Self {
        RulesView {
            min_shift_hours: 4.0,
            max_shift_hours: 9.0,
            max_week_hours: 40.0,
            min_rest_hours: 11.0,
            break_after_hours: 6.0,
            break_minutes: 30,
            overtime_daily_hours: None,
            overtime_weekly_hours: Some(40.0),
            overtime_multiplier: Decimal::new(15, 1),
            service_level: 0.75,
            understaffing_penalty: Decimal::from(100),
        }
    }
}

fn mins(h: f64) -> i32 {
    (h * 60.0).round() as i32
}

fn hrs(m: i32) -> f64 {
    f64::from(m) / 60.0
}

impl RulesView {
    fn from_stored(r: store::Rules) -> Self {
        RulesView {
            min_shift_hours: hrs(r.min_shift_minutes),
            max_shift_hours: hrs(r.max_shift_minutes),
            max_week_hours: hrs(r.max_week_minutes),
            min_rest_hours: hrs(r.min_rest_minutes),
            break_after_hours: hrs(r.break_after_minutes),
            break_minutes: r.break_minutes,
            overtime_daily_hours: r.overtime_daily_minutes.map(hrs),
            overtime_weekly_hours: r.overtime_weekly_minutes.map(hrs),
            overtime_multiplier: r.overtime_multiplier,
            service_level: r.service_level.to_f64().unwrap_or(0.75),
            understaffing_penalty: r.understaffing_penalty,
        }
    }

    fn validate(&self) -> Result<store::Rules, flux_domain::Invalid> {
        let mut errs = Errors::default();
        let mut hours = |field: &str, v: f64, lo: f64, hi: f64| {
            if !v.is_finite() || v < lo || v > hi {
                errs.push(FieldError::new(
                    field,
                    "out_of_range",
                    format!("must be {lo} to {hi} hours"),
                ));
            }
        };
        hours("min_shift_hours", self.min_shift_hours, 0.5, 24.0);
        hours("max_shift_hours", self.max_shift_hours, 0.5, 24.0);
        hours("max_week_hours", self.max_week_hours, 1.0, 168.0);
        hours("min_rest_hours", self.min_rest_hours, 0.0, 24.0);
        hours("break_after_hours", self.break_after_hours, 0.0, 24.0);
        if let Some(h) = self.overtime_daily_hours {
            hours("overtime_daily_hours", h, 1.0, 24.0);
        }
        if let Some(h) = self.overtime_weekly_hours {
            hours("overtime_weekly_hours", h, 1.0, 168.0);
        }
        if self.min_shift_hours > self.max_shift_hours {
            errs.push(FieldError::new(
                "min_shift_hours",
                "above_max",
                "must not exceed max_shift_hours",
            ));
        }
        if !(0..=120).contains(&self.break_minutes) {
            errs.push(FieldError::new(
                "break_minutes",
                "out_of_range",
                "must be 0 to 120",
            ));
        }
        if self.overtime_multiplier < Decimal::ONE || self.overtime_multiplier > Decimal::from(5) {
            errs.push(FieldError::new(
                "overtime_multiplier",
                "out_of_range",
                "must be 1 to 5",
            ));
        }
        if !(0.5..=0.99).contains(&self.service_level) {
            errs.push(FieldError::new(
                "service_level",
                "out_of_range",
                "must be 0.5 to 0.99",
            ));
        }
        if self.understaffing_penalty < Decimal::ZERO
            || self.understaffing_penalty > Decimal::from(100_000)
        {
            errs.push(FieldError::new(
                "understaffing_penalty",
                "out_of_range",
                "must be 0 to 100000",
            ));
        }
        errs.finish()?;
        Ok(store::Rules {
            min_shift_minutes: mins(self.min_shift_hours),
            max_shift_minutes: mins(self.max_shift_hours),
            max_week_minutes: mins(self.max_week_hours),
            min_rest_minutes: mins(self.min_rest_hours),
            break_after_minutes: mins(self.break_after_hours),
            break_minutes: self.break_minutes,
            overtime_daily_minutes: self.overtime_daily_hours.map(mins),
            overtime_weekly_minutes: self.overtime_weekly_hours.map(mins),
            overtime_multiplier: self.overtime_multiplier,
            service_level: Decimal::from_f64_retain(self.service_level)
                .unwrap_or(Decimal::new(75, 2))
                .round_dp(2),
            understaffing_penalty: self.understaffing_penalty,
        })
    }

    fn engine(&self) -> engine::Rules {
        let slots = |h: f64| slots_from_minutes(mins(h).max(0) as u32);
        engine::Rules {
            min_shift: slots(self.min_shift_hours).max(1),
            max_shift: slots(self.max_shift_hours).max(1),
            max_week: slots(self.max_week_hours),
            min_rest: slots(self.min_rest_hours),
            break_after: slots(self.break_after_hours),
            break_len: slots_from_minutes(self.break_minutes.max(0) as u32),
            start_step: 2,
            overtime_week: self.overtime_weekly_hours.map(slots),
            overtime_multiplier: self.overtime_multiplier.to_f64().unwrap_or(1.5),
            understaffing_penalty: self.understaffing_penalty.to_f64().unwrap_or(100.0),
        }
    }
}

/// The stored rules, or the defaults.
pub async fn rules(conn: &mut PgConnection, rid: Uuid) -> AppResult<RulesView> {
    Ok(store::rules(conn, rid)
        .await?
        .map(RulesView::from_stored)
        .unwrap_or_default())
}

pub async fn set_rules(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    input: RulesView,
) -> AppResult<RulesView> {
    caller.require_manager()?;
    let stored = input.validate()?;
    store::set_rules(conn, rid, &stored).await?;
    Ok(RulesView::from_stored(stored))
}

/// The Monday a week starts on; any other day is refused.
pub fn week_start(field: &str, date: NaiveDate) -> AppResult<NaiveDate> {
    if date.weekday() == chrono::Weekday::Mon {
        Ok(date)
    } else {
        Err(AppError::field(
            Kind::Validation,
            field,
            "not_monday",
            "a week starts on a Monday",
        ))
    }
}

/// Local time ↔ slots of one week.
struct Clock {
    tz: Tz,
    start: NaiveDateTime,
}

impl Clock {
    fn local(&self, slot: Slot) -> NaiveDateTime {
        self.start + Duration::minutes(15 * i64::from(slot))
    }

    fn instant(&self, slot: Slot) -> DateTime<Utc> {
        let local = self.local(slot);
        match self.tz.from_local_datetime(&local) {
            chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
            chrono::LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
            // A wall-clock time skipped by the spring change: the instant an hour on.
            chrono::LocalResult::None => self
                .tz
                .from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
                .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc)),
        }
    }

    /// The slot an instant falls in, when it is inside the timeline.
    fn slot(&self, t: DateTime<Utc>) -> Option<Slot> {
        let local = t.with_timezone(&self.tz).naive_local();
        let m = (local - self.start).num_minutes();
        (0..i64::from(TIMELINE) * 15)
            .contains(&m)
            .then_some((m / 15) as Slot)
    }
}

/// Everything a week's schedule is made from.
struct Inputs {
    clock: Clock,
    roles: Vec<store::Role>,
    staff: Vec<store::Staff>,
    problem: Problem,
    /// Expected sales value of the week from the forecast, when known.
    forecast_sales: Option<f64>,
    actual_sales: Option<f64>,
    demand_source: DemandSource,
    warnings: Vec<String>,
}

/// Where the hourly demand came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DemandSource {
    /// The latest forecast run, split into hours by the sales' own profile.
    Forecast,
    /// No forecast for the week: the average of the same weekdays lately.
    History,
    /// No sales yet: roles are staffed at their minimum.
    None,
}

fn to_f64(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

async fn inputs(conn: &mut PgConnection, rid: Uuid, week: NaiveDate) -> AppResult<Inputs> {
    let restaurant = crate::restaurants::get(conn, rid).await?;
    let tz = restaurant.timezone.tz();
    let clock = Clock {
        tz,
        start: week.and_time(chrono::NaiveTime::MIN),
    };
    let rules = rules(conn, rid).await?;
    let roles = store::roles(conn, rid).await?;
    let staff: Vec<store::Staff> = store::staff(conn, rid, None)
        .await?
        .into_iter()
        .filter(|s| s.active)
        .collect();
    let links = store::staff_roles(conn, rid).await?;
    let avail = store::availability(conn, rid).await?;
    let week_end = week + Duration::days(6);
    let off: Vec<store::TimeOff> =
        store::time_off(conn, rid, (week, week_end + Duration::days(1)), None)
            .await?
            .into_iter()
            .filter(|t| t.status == TimeOffStatus::Approved)
            .collect();
    let hours = crate::hours::get(conn, rid).await?;
    let mut warnings = Vec::new();

    // Open slots from the weekly hours (a range past midnight runs into the next day).
    let mut open = vec![false; TIMELINE as usize];
    for (d, ranges) in hours.days.iter().enumerate() {
        for r in ranges {
            let (from, to) = day_range(d as u32, r.open, r.close);
            for k in from..to.min(TIMELINE) {
                open[k as usize] = true;
            }
        }
    }
    if hours.days.iter().all(|d| d.is_empty()) {
        warnings.push("no opening hours are set: nothing is required until they are".into());
    }

    // Hourly history and the profile.
    let since = week - Duration::weeks(16);
    let rows = store::hourly_history(conn, rid, tz.name(), since).await?;
    let mut items: Vec<DayHours> = Vec::new();
    let mut covers: Vec<DayHours> = Vec::new();
    for (date, hour, q, orders) in rows {
        if date >= week {
            continue;
        }
        let h = usize::try_from(hour).unwrap_or(0).min(23);
        if items.last().is_none_or(|d| d.date != date) {
            items.push(DayHours {
                date,
                hours: [0.0; 24],
            });
            covers.push(DayHours {
                date,
                hours: [0.0; 24],
            });
        }
        if let (Some(i), Some(c)) = (items.last_mut(), covers.last_mut()) {
            i.hours[h] += q;
            c.hours[h] += orders;
        }
    }
    let mut item_profile = Profile::fit(&items, ProfileParams::default());
    let mut cover_profile = Profile::fit(&covers, ProfileParams::default());
    for p in [&mut item_profile, &mut cover_profile] {
        for wd in 0..7 {
            if p.days[wd] == 0 {
                // No timed sales on this weekday: spread over its open hours.
                p.shares[wd] = open_shares(&open, wd as u32);
            }
        }
    }

    // Day totals: the latest forecast, else the same weekdays' average.
    let totals =
        flux_store::forecasts::latest_totals(conn, rid, Some(week), Some(week_end)).await?;
    let daily = flux_store::sales::daily_totals(conn, rid, since, week - Duration::days(1)).await?;
    let mut demand = HourlyDemand {
        items: vec![0.0; (TIMELINE / SLOTS_PER_HOUR) as usize],
        covers: vec![0.0; (TIMELINE / SLOTS_PER_HOUR) as usize],
    };
    let q = rules.service_level;
    let mut source = DemandSource::None;
    let mut expected_items = 0.0;
    for d in 0..7u32 {
        let date = week + Duration::days(i64::from(d));
        let forecast = totals
            .iter()
            .find(|t| t.level == TotalLevel::Restaurant && t.date == date)
            .map(|t| (t.mean, t.p90));
        let same_days: Vec<f64> = daily
            .iter()
            .filter(|x| x.date.weekday() == date.weekday() && x.date >= week - Duration::weeks(8))
            .map(|x| to_f64(x.quantity))
            .collect();
        let (mean, p90) = match forecast {
            Some(f) => {
                source = DemandSource::Forecast;
                f
            }
            None if !same_days.is_empty() => {
                if source == DemandSource::None {
                    source = DemandSource::History;
                }
                let m = same_days.iter().sum::<f64>() / same_days.len() as f64;
                let var =
                    same_days.iter().map(|x| (x - m).powi(2)).sum::<f64>() / same_days.len() as f64;
                (m, m + 1.2816 * var.sqrt())
            }
            None => continue,
        };
        expected_items += mean;
        let wd = d as usize;
        let ratio = cover_ratio(&items, &covers, wd);
        let ih = item_profile.split(date, mean, p90);
        let ch = cover_profile.split(date, mean * ratio, p90 * ratio);
        for h in 0..24 {
            let at = d as usize * 24 + h;
            demand.items[at] = ih[h].quantile(q);
            demand.covers[at] = ch[h].quantile(q);
        }
    }
    if source == DemandSource::None && !roles.is_empty() {
        warnings.push("no sales yet: roles are staffed at their minimum".into());
    }
    let standards: Vec<Standard> = roles
        .iter()
        .map(|r| Standard {
            driver: match r.driver {
                LaborDriver::Items => Driver::Items,
                LaborDriver::Covers => Driver::Covers,
            },
            per_labor_hour: to_f64(r.per_labor_hour),
            min_staff: r.min_staff.max(0) as u32,
            before_open: slots_from_minutes(r.before_open_minutes.max(0) as u32),
            after_close: slots_from_minutes(r.after_close_minutes.max(0) as u32),
        })
        .collect();
    let need = requirement(&standards, &demand, &open);

    // People.
    let people: Vec<Person> = staff
        .iter()
        .map(|s| {
            let roles_of: Vec<(usize, f64)> = links
                .iter()
                .filter(|l| l.staff_id == s.staff_id)
                .filter_map(|l| {
                    let i = roles.iter().position(|r| r.role_id == l.role_id)?;
                    Some((i, to_f64(l.hourly_wage.unwrap_or(roles[i].hourly_wage))))
                })
                .collect();
            let ranges: Vec<&store::Availability> =
                avail.iter().filter(|a| a.staff_id == s.staff_id).collect();
            let mut available = vec![ranges.is_empty(); TIMELINE as usize];
            for a in ranges {
                let (from, to) =
                    day_range(a.day_of_week.clamp(0, 6) as u32, a.start_time, a.end_time);
                for k in from..to.min(TIMELINE) {
                    available[k as usize] = true;
                }
            }
            for t in off.iter().filter(|t| t.staff_id == s.staff_id) {
                for d in 0..8u32 {
                    let date = week + Duration::days(i64::from(d));
                    if date >= t.starts_on && date <= t.ends_on {
                        let from = d * SLOTS_PER_DAY;
                        for k in from..(from + SLOTS_PER_DAY).min(TIMELINE) {
                            available[k as usize] = false;
                        }
                    }
                }
            }
            Person {
                roles: roles_of,
                available,
                max_week: s
                    .max_week_minutes
                    .map(|m| slots_from_minutes(m.max(0) as u32)),
            }
        })
        .collect();

    // Sales value: expected items at the recent value per item; actual revenue.
    let (qty, revenue): (f64, f64) = daily
        .iter()
        .filter(|x| x.date >= week - Duration::weeks(8))
        .fold((0.0, 0.0), |(q, r), x| {
            (q + to_f64(x.quantity), r + x.revenue.map_or(0.0, to_f64))
        });
    let forecast_sales = (qty > 0.0 && revenue > 0.0 && expected_items > 0.0)
        .then(|| expected_items * revenue / qty);
    let actual: Vec<_> = flux_store::sales::daily_totals(conn, rid, week, week_end).await?;
    let actual_sales = (!actual.is_empty())
        .then(|| {
            actual
                .iter()
                .map(|x| x.revenue.map_or(0.0, to_f64))
                .sum::<f64>()
        })
        .filter(|v| *v > 0.0);

    let problem = Problem {
        roles: roles.len(),
        need,
        people,
        rules: rules.engine(),
    };
    Ok(Inputs {
        clock,
        roles,
        staff,
        problem,
        forecast_sales,
        actual_sales,
        demand_source: source,
        warnings,
    })
}

/// Covers per item on a weekday, from the hourly history (all days when
/// the weekday has none).
fn cover_ratio(items: &[DayHours], covers: &[DayHours], wd: usize) -> f64 {
    let sum = |days: &[DayHours], only: Option<usize>| -> f64 {
        days.iter()
            .filter(|d| only.is_none_or(|w| d.date.weekday().num_days_from_monday() as usize == w))
            .map(DayHours::total)
            .sum()
    };
    let (i, c) = (sum(items, Some(wd)), sum(covers, Some(wd)));
    if i > 0.0 && c > 0.0 {
        return c / i;
    }
    let (i, c) = (sum(items, None), sum(covers, None));
    if i > 0.0 && c > 0.0 {
        c / i
    } else {
        1.0
    }
}

/// Equal shares over a weekday's open hours.
fn open_shares(open: &[bool], wd: u32) -> [f64; 24] {
    let base = wd * SLOTS_PER_DAY;
    let mut shares = [0.0; 24];
    for (h, s) in shares.iter_mut().enumerate() {
        let from = base + h as u32 * SLOTS_PER_HOUR;
        *s = (from..from + SLOTS_PER_HOUR)
            .filter(|k| open[*k as usize])
            .count() as f64;
    }
    let total: f64 = shares.iter().sum();
    if total > 0.0 {
        shares.iter_mut().for_each(|s| *s /= total);
    }
    shares
}

/// A weekday's range as slots of the week; an end at or before the start
/// runs past midnight.
fn day_range(day: u32, from: chrono::NaiveTime, to: chrono::NaiveTime) -> (Slot, Slot) {
    use chrono::Timelike;
    let slot = |t: chrono::NaiveTime| (t.hour() * 60 + t.minute()) / 15;
    let start = day * SLOTS_PER_DAY + slot(from);
    let mut end = day * SLOTS_PER_DAY + slot(to);
    if end <= start {
        end += SLOTS_PER_DAY;
    }
    (start, end)
}

/// A shift as the schedule shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShiftView {
    pub id: Uuid,
    pub staff_id: Uuid,
    pub staff_name: String,
    pub role_id: Uuid,
    pub role_name: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Local wall-clock start and end, as the rota shows them.
    #[schema(example = "2026-12-07T11:00")]
    pub local_start: String,
    #[schema(example = "2026-12-07T19:00")]
    pub local_end: String,
    /// 0 = Monday.
    pub day: u32,
    pub break_minutes: i32,
    pub paid_hours: f64,
    pub cost: f64,
    pub source: ShiftSource,
}

/// One hour of one role: staff needed against staff scheduled.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HourCover {
    pub role_id: Uuid,
    /// 0 = Monday.
    pub day: u32,
    pub hour: u32,
    /// Staff needed (the most in any quarter of the hour).
    pub need: u32,
    /// Staff on duty (the fewest in any quarter of the hour).
    pub staffed: u32,
    /// Staff-hours above the requirement in the hour.
    pub over_hours: f64,
    /// Staff-hours below it.
    pub under_hours: f64,
}

/// A person's week.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonWeek {
    pub staff_id: Uuid,
    pub name: String,
    pub scheduled_hours: f64,
    pub contracted_hours: Option<f64>,
}

/// A rule a shift breaks, named for people.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RuleBreak {
    /// The shift, when the rule is about one.
    pub shift_id: Option<Uuid>,
    pub staff_id: Option<Uuid>,
    /// Stable code: `unavailable`, `role_not_worked`, `too_short`,
    /// `too_long`, `outside_week`, `second_shift_same_day`, `overlap`,
    /// `rest_too_short`, `week_too_long`.
    pub rule: String,
    pub message: String,
}

/// The week as the dashboard and the API show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WeekView {
    pub week_start: NaiveDate,
    pub built_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub roles: Vec<super::staff::RoleView>,
    pub people: Vec<PersonWeek>,
    pub shifts: Vec<ShiftView>,
    /// Per role, day and open hour; empty for members who see only their own shifts.
    pub hours: Vec<HourCover>,
    pub labor_cost: f64,
    pub overtime_cost: f64,
    pub understaffed_hours: f64,
    pub overstaffed_hours: f64,
    pub forecast_sales: Option<f64>,
    pub actual_sales: Option<f64>,
    /// Labor cost as a share of forecast sales value.
    pub labor_share_of_forecast: Option<f64>,
    pub labor_share_of_actual: Option<f64>,
    pub demand_source: DemandSource,
    pub rule_breaks: Vec<RuleBreak>,
    pub warnings: Vec<String>,
}

/// Stored shifts as engine shifts (those outside the timeline are dropped
/// and reported by the caller's check).
fn engine_shifts(inp: &Inputs, stored: &[store::Shift]) -> Vec<(usize, engine::Shift)> {
    stored
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let person = inp.staff.iter().position(|p| p.staff_id == s.staff_id)?;
            let role = inp.roles.iter().position(|r| r.role_id == s.role_id)?;
            let start = inp.clock.slot(s.starts_at)?;
            let end = inp
                .clock
                .slot(s.ends_at - Duration::seconds(1))
                .map(|e| e + 1)?;
            Some((
                i,
                engine::Shift {
                    person,
                    role,
                    start,
                    len: end.saturating_sub(start),
                },
            ))
        })
        .collect()
}

fn describe(
    inp: &Inputs,
    stored: &[store::Shift],
    index: &[(usize, engine::Shift)],
    v: &Violation,
) -> RuleBreak {
    let shift = |i: &usize| index.get(*i).and_then(|(k, _)| stored.get(*k));
    let name = |staff_id: Uuid| {
        inp.staff
            .iter()
            .find(|p| p.staff_id == staff_id)
            .map_or_else(|| "someone".to_string(), |p| p.name.clone())
    };
    let (s, rule, message) = match v {
        Violation::UnknownPerson { shift: i } => (
            shift(i),
            "unknown_person",
            "is not on the active staff".to_string(),
        ),
        Violation::RoleNotWorked { shift: i } => (
            shift(i),
            "role_not_worked",
            "does not work this role".into(),
        ),
        Violation::Unavailable { shift: i } => (
            shift(i),
            "unavailable",
            "is not available then (availability or approved time off)".into(),
        ),
        Violation::TooShort {
            shift: i,
            hours,
            min_hours,
        } => (
            shift(i),
            "too_short",
            format!("shift of {hours} h is shorter than the minimum {min_hours} h"),
        ),
        Violation::TooLong {
            shift: i,
            hours,
            max_hours,
        } => (
            shift(i),
            "too_long",
            format!("shift of {hours} h is longer than the maximum {max_hours} h"),
        ),
        Violation::OutsideWeek { shift: i } => {
            (shift(i), "outside_week", "shift is outside the week".into())
        }
        Violation::SecondShiftSameDay { shift: i, .. } => (
            shift(i),
            "second_shift_same_day",
            "already has a shift that day".into(),
        ),
        Violation::Overlap { shift: i, .. } => (
            shift(i),
            "overlap",
            "already has a shift at that time".into(),
        ),
        Violation::RestTooShort {
            shift: i,
            rest_hours,
            min_hours,
            ..
        } => (
            shift(i),
            "rest_too_short",
            format!("gets {rest_hours} h of rest between shifts, less than {min_hours} h"),
        ),
        Violation::WeekTooLong {
            person,
            hours,
            max_hours,
        } => {
            let staff_id = inp.staff.get(*person).map(|p| p.staff_id);
            return RuleBreak {
                shift_id: None,
                staff_id,
                rule: "week_too_long".into(),
                message: format!(
                    "{} is scheduled {hours} h, over the weekly {max_hours} h",
                    staff_id.map(name).unwrap_or_default()
                ),
            };
        }
    };
    RuleBreak {
        shift_id: s.map(|s| s.shift_id),
        staff_id: s.map(|s| s.staff_id),
        rule: rule.into(),
        message: format!(
            "{} {message}",
            s.map(|s| name(s.staff_id)).unwrap_or_default()
        ),
    }
}

fn rule_breaks(
    inp: &Inputs,
    stored: &[store::Shift],
) -> (Vec<(usize, engine::Shift)>, Vec<RuleBreak>) {
    let index = engine_shifts(inp, stored);
    let shifts: Vec<engine::Shift> = index.iter().map(|(_, s)| *s).collect();
    let mut out: Vec<RuleBreak> = engine::check(&inp.problem, &shifts)
        .iter()
        .map(|v| describe(inp, stored, &index, v))
        .collect();
    for (i, s) in stored.iter().enumerate() {
        if !index.iter().any(|(k, _)| *k == i) {
            out.push(RuleBreak {
                shift_id: Some(s.shift_id),
                staff_id: Some(s.staff_id),
                rule: "outside_week".into(),
                message: "shift is outside the week, or its person or role is gone".into(),
            });
        }
    }
    (index, out)
}

fn view(
    inp: &Inputs,
    week: Option<store::Week>,
    week_start: NaiveDate,
    stored: Vec<store::Shift>,
    full: bool,
) -> WeekView {
    let (index, breaks) = rule_breaks(inp, &stored);
    let shifts: Vec<engine::Shift> = index.iter().map(|(_, s)| *s).collect();
    let cost = engine::cost(&inp.problem, &shifts);
    let on = engine::staffed(&inp.problem, &shifts);
    let rules = &inp.problem.rules;
    let fmt = |t: NaiveDateTime| t.format("%Y-%m-%dT%H:%M").to_string();
    let shift_views: Vec<ShiftView> = stored
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let e = index.iter().find(|(k, _)| *k == i).map(|(_, e)| *e);
            let paid = e.map_or(0, |e| e.paid(rules));
            let wage = e
                .and_then(|e| {
                    inp.problem
                        .people
                        .get(e.person)
                        .and_then(|p| p.wage(e.role))
                })
                .unwrap_or(0.0);
            let local = |t: DateTime<Utc>| t.with_timezone(&inp.clock.tz).naive_local();
            ShiftView {
                id: s.shift_id,
                staff_id: s.staff_id,
                staff_name: inp
                    .staff
                    .iter()
                    .find(|p| p.staff_id == s.staff_id)
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                role_id: s.role_id,
                role_name: inp
                    .roles
                    .iter()
                    .find(|r| r.role_id == s.role_id)
                    .map(|r| r.name.clone())
                    .unwrap_or_default(),
                starts_at: s.starts_at,
                ends_at: s.ends_at,
                local_start: fmt(local(s.starts_at)),
                local_end: fmt(local(s.ends_at)),
                day: e.map_or(0, |e| e.day()),
                break_minutes: s.break_minutes,
                paid_hours: flux_labor::hours(paid),
                cost: flux_labor::hours(paid) * wage,
                source: s.source,
            }
        })
        .collect();
    let mut hours = Vec::new();
    if full {
        for (r, role) in inp.roles.iter().enumerate() {
            for h in 0..(7 * 24 + 12) as u32 {
                let slots = h * SLOTS_PER_HOUR..(h + 1) * SLOTS_PER_HOUR;
                let need: Vec<u32> = slots.clone().map(|k| inp.problem.need_at(r, k)).collect();
                let have: Vec<u32> = slots.map(|k| on[r][k as usize]).collect();
                if need.iter().all(|n| *n == 0) && have.iter().all(|n| *n == 0) {
                    continue;
                }
                let over: u32 = need
                    .iter()
                    .zip(&have)
                    .map(|(n, h)| h.saturating_sub(*n))
                    .sum();
                let under: u32 = need
                    .iter()
                    .zip(&have)
                    .map(|(n, h)| n.saturating_sub(*h))
                    .sum();
                hours.push(HourCover {
                    role_id: role.role_id,
                    day: h / 24,
                    hour: h % 24,
                    need: need.iter().copied().max().unwrap_or(0),
                    staffed: have.iter().copied().min().unwrap_or(0),
                    over_hours: flux_labor::hours(over),
                    under_hours: flux_labor::hours(under),
                });
            }
        }
    }
    let people = inp
        .staff
        .iter()
        .enumerate()
        .filter(|(_, p)| full || shift_views.iter().any(|s| s.staff_id == p.staff_id))
        .map(|(i, p)| PersonWeek {
            staff_id: p.staff_id,
            name: p.name.clone(),
            scheduled_hours: flux_labor::hours(
                shifts
                    .iter()
                    .filter(|s| s.person == i)
                    .map(|s| s.paid(rules))
                    .sum(),
            ),
            contracted_hours: p.contracted_minutes.map(hrs),
        })
        .collect();
    let labor = cost.labor();
    let share = |sales: Option<f64>| sales.filter(|s| *s > 0.0).map(|s| labor / s);
    WeekView {
        week_start,
        built_at: week.as_ref().and_then(|w| w.built_at),
        published_at: week.as_ref().and_then(|w| w.published_at),
        roles: if full {
            inp.roles.iter().cloned().map(Into::into).collect()
        } else {
            Vec::new()
        },
        people,
        shifts: shift_views,
        hours,
        labor_cost: labor,
        overtime_cost: cost.overtime,
        understaffed_hours: if full {
            flux_labor::hours(cost.understaffed_slots)
        } else {
            0.0
        },
        overstaffed_hours: if full {
            flux_labor::hours(cost.overstaffed_slots)
        } else {
            0.0
        },
        forecast_sales: inp.forecast_sales.filter(|_| full),
        actual_sales: inp.actual_sales.filter(|_| full),
        labor_share_of_forecast: share(inp.forecast_sales).filter(|_| full),
        labor_share_of_actual: share(inp.actual_sales).filter(|_| full),
        demand_source: inp.demand_source,
        rule_breaks: if full { breaks } else { Vec::new() },
        warnings: inp.warnings.clone(),
    }
}

/// The week: everything for managers; for anyone else their own shifts
/// of a published week.
pub async fn week(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    week_start: NaiveDate,
) -> AppResult<WeekView> {
    let only = caller.scope(conn, rid).await?;
    let inp = inputs(conn, rid, week_start).await?;
    let stored_week = store::week(conn, rid, week_start).await?;
    let published = stored_week
        .as_ref()
        .is_some_and(|w| w.published_at.is_some());
    let shifts = if only.is_some() && !published {
        Vec::new()
    } else {
        store::shifts(conn, rid, week_start, only).await?
    };
    Ok(view(&inp, stored_week, week_start, shifts, only.is_none()))
}

fn stored_from(
    inp: &Inputs,
    week_start: NaiveDate,
    s: &engine::Shift,
    source: ShiftSource,
) -> store::Shift {
    store::Shift {
        shift_id: Uuid::now_v7(),
        week_start,
        staff_id: inp.staff[s.person].staff_id,
        role_id: inp.roles[s.role].role_id,
        starts_at: inp.clock.instant(s.start),
        ends_at: inp.clock.instant(s.end()),
        break_minutes: (inp.problem.rules.break_slots(s.len) * 15) as i32,
        source,
    }
}

/// What a build did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BuildOutcome {
    pub week: WeekView,
    /// Linear programs the scheduler solved.
    pub programs: usize,
    pub seconds: f64,
}

/// Builds the week's schedule from the requirement, replacing the week's shifts.
pub async fn build(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    week_start: NaiveDate,
) -> AppResult<BuildOutcome> {
    caller.require_manager()?;
    let inp = inputs(conn, rid, week_start).await?;
    store::lock_week(conn, rid, week_start).await?;
    let t = std::time::Instant::now();
    let problem = inp.problem.clone();
    // The solver is CPU-bound (about a second for 60 people): off the async workers.
    let report = tokio::task::spawn_blocking(move || engine::build(&problem))
        .await
        .map_err(AppError::internal)?
        .map_err(|e| AppError::new(Kind::Validation, e.to_string()))?;
    let seconds = t.elapsed().as_secs_f64();
    let shifts: Vec<store::Shift> = report
        .shifts
        .iter()
        .map(|s| stored_from(&inp, week_start, s, ShiftSource::Built))
        .collect();
    store::replace_shifts(conn, rid, week_start, &shifts).await?;
    store::mark_week(conn, rid, week_start, true, None).await?;
    tracing::info!(%rid, %week_start, shifts = shifts.len(), programs = report.solves, seconds, "schedule built");
    let stored_week = store::week(conn, rid, week_start).await?;
    Ok(BuildOutcome {
        week: view(&inp, stored_week, week_start, shifts, true),
        programs: report.solves,
        seconds,
    })
}

/// A shift as a manager enters it, in local wall-clock time.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftInput {
    pub staff_id: Uuid,
    pub role_id: Uuid,
    /// Local start, `YYYY-MM-DDTHH:MM`, on a quarter hour.
    #[schema(example = "2026-12-07T11:00")]
    pub start: String,
    /// Local end, same form.
    #[schema(example = "2026-12-07T19:00")]
    pub end: String,
}

fn local_slot(clock: &Clock, field: &str, raw: &str) -> Result<Slot, FieldError> {
    let t = NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M").map_err(|_| {
        FieldError::new(
            field,
            "invalid_time",
            "must be a local time as YYYY-MM-DDTHH:MM",
        )
    })?;
    let m = (t - clock.start).num_minutes();
    if m % 15 != 0 {
        return Err(FieldError::new(
            field,
            "not_quarter_hour",
            "must be on a quarter hour",
        ));
    }
    if !(0..=i64::from(TIMELINE) * 15).contains(&m) {
        return Err(FieldError::new(
            field,
            "outside_week",
            "must fall in the week",
        ));
    }
    Ok((m / 15) as Slot)
}

/// Adds a shift (`shift_id` none) or changes one. A shift that breaks a
/// rule is refused with every broken rule named; the week is unchanged.
pub async fn save_shift(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    week_start: NaiveDate,
    shift_id: Option<Uuid>,
    input: ShiftInput,
) -> AppResult<WeekView> {
    caller.require_manager()?;
    let inp = inputs(conn, rid, week_start).await?;
    store::lock_week(conn, rid, week_start).await?;
    let mut stored = store::shifts(conn, rid, week_start, None).await?;
    let mut errs = Errors::default();
    let start = errs.check(
        local_slot(&inp.clock, "start", &input.start).map_err(|e| flux_domain::Invalid(vec![e])),
    );
    let end = errs.check(
        local_slot(&inp.clock, "end", &input.end).map_err(|e| flux_domain::Invalid(vec![e])),
    );
    if let (Some(s), Some(e)) = (start, end) {
        if e <= s {
            errs.push(FieldError::new(
                "end",
                "before_start",
                "must be after start",
            ));
        }
    }
    if !inp.staff.iter().any(|p| p.staff_id == input.staff_id) {
        errs.push(FieldError::new(
            "staff_id",
            "unknown_staff",
            "no such active person in this restaurant",
        ));
    }
    if !inp.roles.iter().any(|r| r.role_id == input.role_id) {
        errs.push(FieldError::new(
            "role_id",
            "unknown_role",
            "no such role in this restaurant",
        ));
    }
    errs.finish()?;
    let (Some(start), Some(end)) = (start, end) else {
        return Err(AppError::internal("validated times missing"));
    };
    let len = end - start;
    let shift = store::Shift {
        shift_id: shift_id.unwrap_or_else(Uuid::now_v7),
        week_start,
        staff_id: input.staff_id,
        role_id: input.role_id,
        starts_at: inp.clock.instant(start),
        ends_at: inp.clock.instant(end),
        break_minutes: (inp.problem.rules.break_slots(len) * 15) as i32,
        source: ShiftSource::Manual,
    };
    match shift_id {
        Some(id) => {
            let Some(slot) = stored.iter_mut().find(|s| s.shift_id == id) else {
                return Err(AppError::not_found());
            };
            *slot = shift.clone();
        }
        None => stored.push(shift.clone()),
    }
    let (_, breaks) = rule_breaks(&inp, &stored);
    let mine: Vec<&RuleBreak> = breaks
        .iter()
        .filter(|b| {
            b.shift_id == Some(shift.shift_id)
                || (b.shift_id.is_none() && b.staff_id == Some(shift.staff_id))
        })
        .collect();
    if !mine.is_empty() {
        let detail = mine
            .iter()
            .map(|b| b.message.clone())
            .collect::<Vec<_>>()
            .join("; ");
        return Err(AppError::new(
            Kind::Validation,
            format!("the shift breaks a rule: {detail}"),
        )
        .with(
            "rule_breaks",
            serde_json::to_value(&mine).unwrap_or_default(),
        ));
    }
    store::insert_shift(conn, rid, &shift).await?;
    week(conn, rid, caller, week_start).await
}

pub async fn delete_shift(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    week_start: NaiveDate,
    shift_id: Uuid,
) -> AppResult<()> {
    caller.require_manager()?;
    let stored = store::shifts(conn, rid, week_start, None).await?;
    if !stored.iter().any(|s| s.shift_id == shift_id)
        || !store::delete_shift(conn, rid, shift_id).await?
    {
        return Err(AppError::not_found());
    }
    Ok(())
}

/// Copies the week before into this one (replacing its shifts). Shifts
/// that would break a rule this week (someone's time off, changed
/// availability) are left out and listed in the warnings.
pub async fn copy_previous(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    week_start: NaiveDate,
) -> AppResult<WeekView> {
    caller.require_manager()?;
    let inp = inputs(conn, rid, week_start).await?;
    store::lock_week(conn, rid, week_start).await?;
    let previous = week_start - Duration::days(7);
    let prev_clock = Clock {
        tz: inp.clock.tz,
        start: previous.and_time(chrono::NaiveTime::MIN),
    };
    let mut kept: Vec<store::Shift> = Vec::new();
    let mut dropped = Vec::new();
    for s in store::shifts(conn, rid, previous, None).await? {
        // Same wall-clock hours a week on.
        let (Some(a), Some(b)) = (
            prev_clock.slot(s.starts_at),
            prev_clock.slot(s.ends_at - Duration::seconds(1)),
        ) else {
            continue;
        };
        let copy = store::Shift {
            shift_id: Uuid::now_v7(),
            week_start,
            starts_at: inp.clock.instant(a),
            ends_at: inp.clock.instant(b + 1),
            source: ShiftSource::Copied,
            ..s
        };
        let mut trial = kept.clone();
        trial.push(copy.clone());
        let (_, breaks) = rule_breaks(&inp, &trial);
        match breaks.iter().find(|b| {
            b.shift_id == Some(copy.shift_id)
                || (b.shift_id.is_none() && b.staff_id == Some(copy.staff_id))
        }) {
            Some(b) => dropped.push(b.message.clone()),
            None => kept.push(copy),
        }
    }
    store::replace_shifts(conn, rid, week_start, &kept).await?;
    let mut v = week(conn, rid, caller, week_start).await?;
    for d in dropped {
        v.warnings.push(format!("not copied: {d}"));
    }
    Ok(v)
}

/// Publishes the week: its people see their shifts.
pub async fn publish(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    week_start: NaiveDate,
) -> AppResult<WeekView> {
    caller.require_manager()?;
    store::lock_week(conn, rid, week_start).await?;
    store::mark_week(conn, rid, week_start, false, Some(caller.by())).await?;
    week(conn, rid, caller, week_start).await
}

/// A role's standard as entered, and as the restaurant's past suggests.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StandardSuggestion {
    pub role_id: Uuid,
    pub name: String,
    pub driver: LaborDriver,
    #[schema(value_type = String)]
    pub per_labor_hour: Decimal,
    /// Units one person handled per hour at the busy hours of the last
    /// eight weeks' shifts (the 75th percentile); none without enough of them.
    pub suggested_per_labor_hour: Option<f64>,
    /// Past hours with both the role on duty and sales.
    pub hours_seen: usize,
}

/// Suggests each role's units per labor hour from the shifts and timed
/// sales of the last eight weeks (managers).
pub async fn suggest_standards(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
) -> AppResult<Vec<StandardSuggestion>> {
    use chrono::Timelike;
    caller.require_manager()?;
    let restaurant = crate::restaurants::get(conn, rid).await?;
    let tz = restaurant.timezone.tz();
    let today = restaurant.timezone.today();
    let since = today - Duration::weeks(8);
    let sales: std::collections::HashMap<(NaiveDate, u32), (f64, f64)> =
        store::hourly_history(conn, rid, tz.name(), since)
            .await?
            .into_iter()
            .map(|(d, h, items, orders)| ((d, h.max(0) as u32), (items, orders)))
            .collect();
    let from = Utc::now() - Duration::weeks(8);
    let shifts = store::shifts_between(conn, rid, (from, Utc::now())).await?;
    let roles = store::roles(conn, rid).await?;
    let mut out = Vec::new();
    for role in roles {
        // Staff-hours on duty per local clock hour.
        let mut on: std::collections::HashMap<(NaiveDate, u32), f64> =
            std::collections::HashMap::new();
        for s in shifts.iter().filter(|s| s.role_id == role.role_id) {
            let (a, b) = (
                s.starts_at.with_timezone(&tz).naive_local(),
                s.ends_at.with_timezone(&tz).naive_local(),
            );
            let mut t = a;
            while t < b {
                let hour_end = (t + Duration::hours(1)).with_minute(0).unwrap_or(b).min(b);
                let minutes = (hour_end - t).num_minutes() as f64;
                *on.entry((t.date(), t.hour())).or_default() += minutes / 60.0;
                t = hour_end.max(t + Duration::minutes(1));
            }
        }
        let pairs: Vec<(f64, f64)> = on
            .iter()
            .map(|(k, staff)| {
                let (items, covers) = sales.get(k).copied().unwrap_or((0.0, 0.0));
                let units = match role.driver {
                    LaborDriver::Items => items,
                    LaborDriver::Covers => covers,
                };
                (units, *staff)
            })
            .collect();
        let hours_seen = pairs.iter().filter(|(u, s)| *u > 0.0 && *s > 0.0).count();
        out.push(StandardSuggestion {
            role_id: role.role_id,
            name: role.name,
            driver: role.driver,
            per_labor_hour: role.per_labor_hour,
            suggested_per_labor_hour: flux_labor::requirement::suggest_per_labor_hour(&pairs)
                .map(|x| (x * 10.0).round() / 10.0),
            hours_seen,
        });
    }
    Ok(out)
}
