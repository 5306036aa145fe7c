//! Clocked time: clock in and out, actual against scheduled hours, and pay
//! by the restaurant's overtime rule with a payroll export.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use flux_labor::pay::{classify, OvertimeRule, Span};
use flux_store::labor as store;
use flux_store::status::EntrySource;
use flux_store::PgConnection;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::Caller;
use crate::{AppError, AppResult, Kind};

/// A clocked span.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EntryView {
    pub id: Uuid,
    pub staff_id: Uuid,
    pub clock_in: DateTime<Utc>,
    pub clock_out: Option<DateTime<Utc>>,
    pub break_minutes: i32,
    pub source: EntrySource,
}

impl From<store::TimeEntry> for EntryView {
    fn from(e: store::TimeEntry) -> Self {
        EntryView {
            id: e.entry_id,
            staff_id: e.staff_id,
            clock_in: e.clock_in,
            clock_out: e.clock_out,
            break_minutes: e.break_minutes,
            source: e.source,
        }
    }
}

async fn known(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    staff_id: Uuid,
) -> AppResult<()> {
    caller.may_act_for(conn, rid, staff_id).await?;
    if store::staff(conn, rid, Some(staff_id))
        .await?
        .iter()
        .any(|s| s.active)
    {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

/// Clocks a person in now; clocking in twice is a conflict.
pub async fn clock_in(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    staff_id: Uuid,
) -> AppResult<EntryView> {
    known(conn, rid, caller, staff_id).await?;
    match store::clock_in(conn, rid, staff_id, Utc::now(), caller.by()).await {
        Ok(e) => Ok(e.into()),
        Err(flux_store::StoreError::Conflict(_)) => {
            Err(AppError::new(Kind::Conflict, "already clocked in"))
        }
        Err(e) => Err(e.into()),
    }
}

/// Clocks a person out now, with the unpaid break they took.
pub async fn clock_out(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    staff_id: Uuid,
    break_minutes: i32,
) -> AppResult<EntryView> {
    known(conn, rid, caller, staff_id).await?;
    if !(0..=240).contains(&break_minutes) {
        return Err(AppError::field(
            Kind::Validation,
            "break_minutes",
            "out_of_range",
            "must be 0 to 240",
        ));
    }
    store::clock_out(conn, rid, staff_id, Utc::now(), break_minutes)
        .await?
        .map(Into::into)
        .ok_or_else(|| AppError::new(Kind::Conflict, "not clocked in"))
}

/// A span a manager enters (a forgotten clock-out, a paper timesheet).
#[derive(Debug, Clone, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryInput {
    pub staff_id: Uuid,
    pub clock_in: DateTime<Utc>,
    pub clock_out: DateTime<Utc>,
    #[serde(default)]
    pub break_minutes: i32,
}

/// Records a closed span (managers); one overlapping another of the same
/// person, longer than 24 hours or in the future is refused.
pub async fn add_entry(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    input: EntryInput,
) -> AppResult<EntryView> {
    caller.require_manager()?;
    known(conn, rid, caller, input.staff_id).await?;
    let mut errs = flux_domain::validation::Errors::default();
    let field =
        |f: &str, code: &'static str, m: &str| flux_domain::validation::FieldError::new(f, code, m);
    if input.clock_out <= input.clock_in {
        errs.push(field("clock_out", "before_start", "must be after clock_in"));
    } else if input.clock_out - input.clock_in > Duration::hours(24) {
        errs.push(field(
            "clock_out",
            "too_long",
            "a span lasts at most 24 hours",
        ));
    }
    if input.clock_out > Utc::now() + Duration::minutes(5) {
        errs.push(field("clock_out", "in_future", "must not be in the future"));
    }
    let span = (input.clock_out - input.clock_in).num_minutes();
    if input.break_minutes < 0 || i64::from(input.break_minutes) >= span.max(1) {
        errs.push(field(
            "break_minutes",
            "out_of_range",
            "must be at least 0 and shorter than the span",
        ));
    }
    errs.finish()?;
    if store::entry_overlaps(conn, rid, input.staff_id, (input.clock_in, input.clock_out)).await? {
        return Err(AppError::new(
            Kind::Conflict,
            "overlaps another time entry of this person",
        ));
    }
    Ok(store::insert_entry(
        conn,
        rid,
        input.staff_id,
        (input.clock_in, input.clock_out),
        input.break_minutes,
        caller.by(),
    )
    .await?
    .into())
}

/// One person's pay over a period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayLine {
    pub staff_id: Uuid,
    pub name: String,
    pub scheduled_hours: f64,
    pub worked_hours: f64,
    pub regular_hours: f64,
    pub daily_overtime_hours: f64,
    pub weekly_overtime_hours: f64,
    /// The person's rate: their own in their first role, else the role's.
    #[schema(value_type = String)]
    pub rate: Decimal,
    #[schema(value_type = String)]
    pub gross: Decimal,
    /// Entries still open (clocked in, not out): not counted.
    pub open_entries: usize,
}

/// Pay over `from..=to` (local dates).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub lines: Vec<PayLine>,
    #[schema(value_type = String)]
    pub gross: Decimal,
    /// Actual sales in the period, and labor's share of them.
    pub sales: Option<f64>,
    pub labor_share_of_sales: Option<f64>,
}

/// Pay over a period by the overtime rule; managers see everyone, others themselves.
pub async fn pay(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<PayReport> {
    if to < from || (to - from).num_days() > 62 {
        return Err(AppError::field(
            Kind::Validation,
            "to",
            "out_of_range",
            "must be on or after from, at most 62 days later",
        ));
    }
    let only = caller.scope(conn, rid).await?;
    let restaurant = crate::restaurants::get(conn, rid).await?;
    let tz = restaurant.timezone.tz();
    let local = |d: NaiveDate| {
        use chrono::TimeZone;
        tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map_or_else(
                || d.and_time(chrono::NaiveTime::MIN).and_utc(),
                |t| t.with_timezone(&Utc),
            )
    };
    let range = (local(from), local(to + Duration::days(1)));
    let rules = super::schedule::rules(conn, rid).await?;
    let rule = OvertimeRule {
        daily_after_minutes: rules
            .overtime_daily_hours
            .map(|h| (h * 60.0).round() as u32),
        weekly_after_minutes: rules
            .overtime_weekly_hours
            .map(|h| (h * 60.0).round() as u32),
        multiplier: rules.overtime_multiplier,
    };
    let staff = store::staff(conn, rid, only).await?;
    let roles = store::roles(conn, rid).await?;
    let links = store::staff_roles(conn, rid).await?;
    let entries = store::entries(conn, rid, range, only).await?;
    let mut lines = Vec::new();
    let mut total = Decimal::ZERO;
    for s in &staff {
        let mine: Vec<&store::TimeEntry> = entries
            .iter()
            .filter(|e| e.staff_id == s.staff_id)
            .collect();
        let spans: Vec<Span> = mine
            .iter()
            .filter_map(|e| {
                Some(Span {
                    start: e.clock_in.with_timezone(&tz).naive_local(),
                    end: e.clock_out?.with_timezone(&tz).naive_local(),
                    break_minutes: e.break_minutes.max(0) as u32,
                })
            })
            .collect();
        let minutes = classify(&spans, &rule);
        // The first role by the roles' order.
        let rate = roles
            .iter()
            .find_map(|r| {
                links
                    .iter()
                    .find(|l| l.staff_id == s.staff_id && l.role_id == r.role_id)
                    .map(|l| l.hourly_wage.unwrap_or(r.hourly_wage))
            })
            .unwrap_or(Decimal::ZERO);
        let scheduled = store::published_shifts_of(conn, rid, s.staff_id, range).await?;
        let scheduled_minutes: i64 = scheduled
            .iter()
            .map(|x| (x.ends_at - x.starts_at).num_minutes() - i64::from(x.break_minutes))
            .sum();
        if mine.is_empty() && scheduled.is_empty() {
            continue;
        }
        let gross = minutes.gross(rate, &rule);
        total += gross;
        let h = |m: u32| f64::from(m) / 60.0;
        lines.push(PayLine {
            staff_id: s.staff_id,
            name: s.name.clone(),
            scheduled_hours: scheduled_minutes as f64 / 60.0,
            worked_hours: h(minutes.total()),
            regular_hours: h(minutes.regular),
            daily_overtime_hours: h(minutes.daily_overtime),
            weekly_overtime_hours: h(minutes.weekly_overtime),
            rate,
            gross,
            open_entries: mine.iter().filter(|e| e.clock_out.is_none()).count(),
        });
    }
    let sales: f64 = flux_store::sales::daily_totals(conn, rid, from, to)
        .await?
        .iter()
        .filter_map(|d| d.revenue)
        .map(|r| rust_decimal::prelude::ToPrimitive::to_f64(&r).unwrap_or(0.0))
        .sum();
    let sales = (sales > 0.0 && only.is_none()).then_some(sales);
    let labor = rust_decimal::prelude::ToPrimitive::to_f64(&total).unwrap_or(0.0);
    Ok(PayReport {
        from,
        to,
        labor_share_of_sales: sales.map(|s| labor / s),
        sales,
        lines,
        gross: total,
    })
}

/// The payroll export: one row per person.
pub fn payroll_csv(report: &PayReport) -> AppResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let row =
        |w: &mut csv::Writer<Vec<u8>>, r: &[String]| w.write_record(r).map_err(AppError::internal);
    row(
        &mut w,
        &[
            "person",
            "regular_hours",
            "daily_overtime_hours",
            "weekly_overtime_hours",
            "rate",
            "gross",
        ]
        .map(String::from),
    )?;
    for l in &report.lines {
        // A name starting with = + - @ would run as a formula in a spreadsheet.
        let name = if l.name.starts_with(['=', '+', '-', '@']) {
            format!("'{}", l.name)
        } else {
            l.name.clone()
        };
        row(
            &mut w,
            &[
                name,
                format!("{:.2}", l.regular_hours),
                format!("{:.2}", l.daily_overtime_hours),
                format!("{:.2}", l.weekly_overtime_hours),
                l.rate.to_string(),
                l.gross.to_string(),
            ],
        )?;
    }
    w.into_inner().map_err(AppError::internal)
}

/// The caller's own time entries over a period (managers: everyone's).
pub async fn entries(
    conn: &mut PgConnection,
    rid: Uuid,
    caller: Caller,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<EntryView>> {
    let only = caller.scope(conn, rid).await?;
    Ok(store::entries(conn, rid, (from, to), only)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}
