//! Labor (migration 0028): roles and their standards, staff with their
//! roles, availability and time off, the scheduling rules, weeks and their
//! shifts, clocked time, and the hourly sales history the requirement is
//! built from.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::status::{EntrySource, LaborDriver, ShiftSource, TimeOffStatus};
use crate::{Result, StoreError};

/// A role (station) with its wage and labor standard.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Role {
    pub role_id: Uuid,
    pub name: String,
    pub hourly_wage: Decimal,
    #[sqlx(try_from = "String")]
    pub driver: LaborDriver,
    pub per_labor_hour: Decimal,
    pub min_staff: i32,
    pub before_open_minutes: i32,
    pub after_close_minutes: i32,
}

const ROLE_COLUMNS: &str = "role_id, name, hourly_wage, driver, per_labor_hour, min_staff, \
                            before_open_minutes, after_close_minutes";

pub async fn roles(conn: &mut PgConnection, rid: Uuid) -> Result<Vec<Role>> {
    Ok(sqlx::query_as(&format!(
        "select {ROLE_COLUMNS} from labor_roles where restaurant_id = $1 order by position, name"
    ))
    .bind(rid)
    .fetch_all(conn)
    .await?)
}

/// Creates the role, or replaces it when `role.role_id` exists.
pub async fn upsert_role(conn: &mut PgConnection, rid: Uuid, role: &Role) -> Result<Role> {
    sqlx::query_as(&format!(
        "insert into labor_roles (restaurant_id, role_id, name, hourly_wage, driver, per_labor_hour,
                                  min_staff, before_open_minutes, after_close_minutes, position)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9,
                 (select count(*) from labor_roles where restaurant_id = $1))
         on conflict (restaurant_id, role_id) do update set
             name = excluded.name, hourly_wage = excluded.hourly_wage, driver = excluded.driver,
             per_labor_hour = excluded.per_labor_hour, min_staff = excluded.min_staff,
             before_open_minutes = excluded.before_open_minutes,
             after_close_minutes = excluded.after_close_minutes, updated_at = now()
         returning {ROLE_COLUMNS}"
    ))
    .bind(rid)
    .bind(role.role_id)
    .bind(&role.name)
    .bind(role.hourly_wage)
    .bind(role.driver.as_str())
    .bind(role.per_labor_hour)
    .bind(role.min_staff)
    .bind(role.before_open_minutes)
    .bind(role.after_close_minutes)
    .fetch_one(conn)
    .await
    .map_err(StoreError::from_sqlx)
}

/// Deletes a role with its shifts and staff links; `false` when none.
pub async fn delete_role(conn: &mut PgConnection, rid: Uuid, role_id: Uuid) -> Result<bool> {
    Ok(
        sqlx::query("delete from labor_roles where restaurant_id = $1 and role_id = $2")
            .bind(rid)
            .bind(role_id)
            .execute(conn)
            .await?
            .rows_affected()
            > 0,
    )
}

/// A person who can be scheduled.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Staff {
    pub staff_id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub user_id: Option<Uuid>,
    pub contracted_minutes: Option<i32>,
    pub max_week_minutes: Option<i32>,
    pub active: bool,
}

const STAFF_COLUMNS: &str =
    "staff_id, name, email, user_id, contracted_minutes, max_week_minutes, active";

/// A role a person works, with their own rate when they have one.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StaffRole {
    pub staff_id: Uuid,
    pub role_id: Uuid,
    pub hourly_wage: Option<Decimal>,
}

/// One weekly availability range.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Availability {
    pub staff_id: Uuid,
    pub day_of_week: i16,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
}

/// Staff by name; `only` narrows to one person.
pub async fn staff(conn: &mut PgConnection, rid: Uuid, only: Option<Uuid>) -> Result<Vec<Staff>> {
    Ok(sqlx::query_as(&format!(
        "select {STAFF_COLUMNS} from staff
         where restaurant_id = $1 and ($2::uuid is null or staff_id = $2) order by name, staff_id"
    ))
    .bind(rid)
    .bind(only)
    .fetch_all(conn)
    .await?)
}

/// The staff record linked to a login, if any.
pub async fn staff_of_user(
    conn: &mut PgConnection,
    rid: Uuid,
    user_id: Uuid,
) -> Result<Option<Uuid>> {
    Ok(
        sqlx::query_scalar("select staff_id from staff where restaurant_id = $1 and user_id = $2")
            .bind(rid)
            .bind(user_id)
            .fetch_optional(conn)
            .await?,
    )
}

pub async fn staff_roles(conn: &mut PgConnection, rid: Uuid) -> Result<Vec<StaffRole>> {
    Ok(sqlx::query_as(
        "select staff_id, role_id, hourly_wage from staff_roles where restaurant_id = $1
         order by staff_id, role_id",
    )
    .bind(rid)
    .fetch_all(conn)
    .await?)
}

pub async fn availability(conn: &mut PgConnection, rid: Uuid) -> Result<Vec<Availability>> {
    Ok(sqlx::query_as(
        "select staff_id, day_of_week, start_time, end_time from staff_availability
         where restaurant_id = $1 order by staff_id, day_of_week, position",
    )
    .bind(rid)
    .fetch_all(conn)
    .await?)
}

/// Creates the person, or replaces their record when `s.staff_id` exists.
pub async fn upsert_staff(conn: &mut PgConnection, rid: Uuid, s: &Staff) -> Result<Staff> {
    sqlx::query_as(&format!(
        "insert into staff (restaurant_id, staff_id, name, email, user_id, contracted_minutes,
                            max_week_minutes, active)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (restaurant_id, staff_id) do update set
             name = excluded.name, email = excluded.email, user_id = excluded.user_id,
             contracted_minutes = excluded.contracted_minutes,
             max_week_minutes = excluded.max_week_minutes, active = excluded.active,
             updated_at = now()
         returning {STAFF_COLUMNS}"
    ))
    .bind(rid)
    .bind(s.staff_id)
    .bind(&s.name)
    .bind(&s.email)
    .bind(s.user_id)
    .bind(s.contracted_minutes)
    .bind(s.max_week_minutes)
    .bind(s.active)
    .fetch_one(conn)
    .await
    .map_err(StoreError::from_sqlx)
}

/// Replaces a person's roles and weekly availability.
pub async fn replace_staff_links(
    conn: &mut PgConnection,
    rid: Uuid,
    staff_id: Uuid,
    roles: &[(Uuid, Option<Decimal>)],
    availability: &[(i16, NaiveTime, NaiveTime)],
) -> Result<()> {
    sqlx::query("delete from staff_roles where restaurant_id = $1 and staff_id = $2")
        .bind(rid)
        .bind(staff_id)
        .execute(&mut *conn)
        .await?;
    for (role_id, wage) in roles {
        sqlx::query(
            "insert into staff_roles (restaurant_id, staff_id, role_id, hourly_wage) values ($1, $2, $3, $4)",
        )
        .bind(rid)
        .bind(staff_id)
        .bind(role_id)
        .bind(wage)
        .execute(&mut *conn)
        .await
        .map_err(StoreError::from_sqlx)?;
    }
    sqlx::query("delete from staff_availability where restaurant_id = $1 and staff_id = $2")
        .bind(rid)
        .bind(staff_id)
        .execute(&mut *conn)
        .await?;
    for (pos, (dow, from, to)) in availability.iter().enumerate() {
        sqlx::query(
            "insert into staff_availability (restaurant_id, staff_id, day_of_week, position, start_time, end_time)
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(rid)
        .bind(staff_id)
        .bind(dow)
        .bind(pos as i16)
        .bind(from)
        .bind(to)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A time-off request.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TimeOff {
    pub time_off_id: Uuid,
    pub staff_id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub reason: String,
    #[sqlx(try_from = "String")]
    pub status: TimeOffStatus,
    pub decided_at: Option<DateTime<Utc>>,
}

const TIME_OFF_COLUMNS: &str =
    "time_off_id, staff_id, starts_on, ends_on, reason, status, decided_at";

pub async fn insert_time_off(
    conn: &mut PgConnection,
    rid: Uuid,
    staff_id: Uuid,
    (starts_on, ends_on): (NaiveDate, NaiveDate),
    reason: &str,
    requested_by: Option<Uuid>,
) -> Result<TimeOff> {
    sqlx::query_as(&format!(
        "insert into time_off (restaurant_id, time_off_id, staff_id, starts_on, ends_on, reason, requested_by)
         values ($1, $2, $3, $4, $5, $6, $7) returning {TIME_OFF_COLUMNS}"
    ))
    .bind(rid)
    .bind(Uuid::now_v7())
    .bind(staff_id)
    .bind(starts_on)
    .bind(ends_on)
    .bind(reason)
    .bind(requested_by)
    .fetch_one(conn)
    .await
    .map_err(StoreError::from_sqlx)
}

/// Requests overlapping `from..=to`; `only` narrows to one person.
pub async fn time_off(
    conn: &mut PgConnection,
    rid: Uuid,
    (from, to): (NaiveDate, NaiveDate),
    only: Option<Uuid>,
) -> Result<Vec<TimeOff>> {
    Ok(sqlx::query_as(&format!(
        "select {TIME_OFF_COLUMNS} from time_off
         where restaurant_id = $1 and ends_on >= $2 and starts_on <= $3
           and ($4::uuid is null or staff_id = $4)
         order by starts_on, staff_id"
    ))
    .bind(rid)
    .bind(from)
    .bind(to)
    .bind(only)
    .fetch_all(conn)
    .await?)
}

/// Whether a request with this id exists, decided or not.
pub async fn time_off_exists(
    conn: &mut PgConnection,
    rid: Uuid,
    time_off_id: Uuid,
) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "select exists(select 1 from time_off where restaurant_id = $1 and time_off_id = $2)",
    )
    .bind(rid)
    .bind(time_off_id)
    .fetch_one(conn)
    .await?)
}

/// Approves or denies a pending request; `None` when there is no pending
/// request with that id.
pub async fn decide_time_off(
    conn: &mut PgConnection,
    rid: Uuid,
    time_off_id: Uuid,
    status: TimeOffStatus,
    by: Option<Uuid>,
) -> Result<Option<TimeOff>> {
    Ok(sqlx::query_as(&format!(
        "update time_off set status = $3, decided_by = $4, decided_at = now(), updated_at = now()
         where restaurant_id = $1 and time_off_id = $2 and status = 'pending'
         returning {TIME_OFF_COLUMNS}"
    ))
    .bind(rid)
    .bind(time_off_id)
    .bind(status.as_str())
    .bind(by)
    .fetch_optional(conn)
    .await?)
}

/// The restaurant's scheduling and overtime rules.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Rules {
    pub min_shift_minutes: i32,
    pub max_shift_minutes: i32,
    pub max_week_minutes: i32,
    pub min_rest_minutes: i32,
    pub break_after_minutes: i32,
    pub break_minutes: i32,
    pub overtime_daily_minutes: Option<i32>,
    pub overtime_weekly_minutes: Option<i32>,
    pub overtime_multiplier: Decimal,
    pub service_level: Decimal,
    pub understaffing_penalty: Decimal,
}

const RULE_COLUMNS: &str =
    "min_shift_minutes, max_shift_minutes, max_week_minutes, min_rest_minutes, \
    break_after_minutes, break_minutes, overtime_daily_minutes, overtime_weekly_minutes, \
    overtime_multiplier, service_level, understaffing_penalty";

/// The stored rules; `None` until they are first set.
pub async fn rules(conn: &mut PgConnection, rid: Uuid) -> Result<Option<Rules>> {
    Ok(sqlx::query_as(&format!(
        "select {RULE_COLUMNS} from labor_rules where restaurant_id = $1"
    ))
    .bind(rid)
    .fetch_optional(conn)
    .await?)
}

pub async fn set_rules(conn: &mut PgConnection, rid: Uuid, r: &Rules) -> Result<()> {
    sqlx::query(&format!(
        "insert into labor_rules (restaurant_id, {RULE_COLUMNS})
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         on conflict (restaurant_id) do update set
             min_shift_minutes = excluded.min_shift_minutes, max_shift_minutes = excluded.max_shift_minutes,
             max_week_minutes = excluded.max_week_minutes, min_rest_minutes = excluded.min_rest_minutes,
             break_after_minutes = excluded.break_after_minutes, break_minutes = excluded.break_minutes,
             overtime_daily_minutes = excluded.overtime_daily_minutes,
             overtime_weekly_minutes = excluded.overtime_weekly_minutes,
             overtime_multiplier = excluded.overtime_multiplier, service_level = excluded.service_level,
             understaffing_penalty = excluded.understaffing_penalty, updated_at = now()"
    ))
    .bind(rid)
    .bind(r.min_shift_minutes)
    .bind(r.max_shift_minutes)
    .bind(r.max_week_minutes)
    .bind(r.min_rest_minutes)
    .bind(r.break_after_minutes)
    .bind(r.break_minutes)
    .bind(r.overtime_daily_minutes)
    .bind(r.overtime_weekly_minutes)
    .bind(r.overtime_multiplier)
    .bind(r.service_level)
    .bind(r.understaffing_penalty)
    .execute(conn)
    .await?;
    Ok(())
}

/// A week's schedule state.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Week {
    pub week_start: NaiveDate,
    pub built_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
}

pub async fn week(
    conn: &mut PgConnection,
    rid: Uuid,
    week_start: NaiveDate,
) -> Result<Option<Week>> {
    Ok(sqlx::query_as(
        "select week_start, built_at, published_at from schedule_weeks
         where restaurant_id = $1 and week_start = $2",
    )
    .bind(rid)
    .bind(week_start)
    .fetch_optional(conn)
    .await?)
}

/// Creates the week when it does not exist yet, and locks it for the rest
/// of the transaction so two edits of one week run one after the other.
pub async fn lock_week(conn: &mut PgConnection, rid: Uuid, week_start: NaiveDate) -> Result<Week> {
    sqlx::query(
        "insert into schedule_weeks (restaurant_id, week_start) values ($1, $2)
         on conflict do nothing",
    )
    .bind(rid)
    .bind(week_start)
    .execute(&mut *conn)
    .await?;
    Ok(sqlx::query_as(
        "select week_start, built_at, published_at from schedule_weeks
         where restaurant_id = $1 and week_start = $2 for update",
    )
    .bind(rid)
    .bind(week_start)
    .fetch_one(conn)
    .await?)
}

/// Marks the week built and/or published (`Some(by)`: by that user, when
/// there is one; the command line publishes as nobody).
pub async fn mark_week(
    conn: &mut PgConnection,
    rid: Uuid,
    week_start: NaiveDate,
    built: bool,
    published: Option<Option<Uuid>>,
) -> Result<()> {
    sqlx::query(
        "update schedule_weeks set
             built_at = case when $3 then now() else built_at end,
             published_at = case when $4 then now() else published_at end,
             published_by = case when $4 then $5 else published_by end, updated_at = now()
         where restaurant_id = $1 and week_start = $2",
    )
    .bind(rid)
    .bind(week_start)
    .bind(built)
    .bind(published.is_some())
    .bind(published.flatten())
    .execute(conn)
    .await?;
    Ok(())
}

/// A stored shift.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Shift {
    pub shift_id: Uuid,
    pub week_start: NaiveDate,
    pub staff_id: Uuid,
    pub role_id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub break_minutes: i32,
    #[sqlx(try_from = "String")]
    pub source: ShiftSource,
}

const SHIFT_COLUMNS: &str =
    "shift_id, week_start, staff_id, role_id, starts_at, ends_at, break_minutes, source";

/// The week's shifts by start; `only` narrows to one person.
pub async fn shifts(
    conn: &mut PgConnection,
    rid: Uuid,
    week_start: NaiveDate,
    only: Option<Uuid>,
) -> Result<Vec<Shift>> {
    Ok(sqlx::query_as(&format!(
        "select {SHIFT_COLUMNS} from shifts
         where restaurant_id = $1 and week_start = $2 and ($3::uuid is null or staff_id = $3)
         order by starts_at, staff_id"
    ))
    .bind(rid)
    .bind(week_start)
    .bind(only)
    .fetch_all(conn)
    .await?)
}

/// Every shift starting in `from..to`, any week, published or not.
pub async fn shifts_between(
    conn: &mut PgConnection,
    rid: Uuid,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<Shift>> {
    Ok(sqlx::query_as(&format!(
        "select {SHIFT_COLUMNS} from shifts
         where restaurant_id = $1 and starts_at >= $2 and starts_at < $3 order by starts_at"
    ))
    .bind(rid)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

/// Published shifts of one person starting in `from..to`.
pub async fn published_shifts_of(
    conn: &mut PgConnection,
    rid: Uuid,
    staff_id: Uuid,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<Shift>> {
    Ok(sqlx::query_as(&format!(
        "select {} from shifts s join schedule_weeks w using (restaurant_id, week_start)
         where s.restaurant_id = $1 and s.staff_id = $2 and s.starts_at >= $3 and s.starts_at < $4
           and w.published_at is not null
         order by s.starts_at",
        SHIFT_COLUMNS
            .split(", ")
            .map(|c| format!("s.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .bind(rid)
    .bind(staff_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

/// Replaces all of a week's shifts.
pub async fn replace_shifts(
    conn: &mut PgConnection,
    rid: Uuid,
    week_start: NaiveDate,
    shifts: &[Shift],
) -> Result<()> {
    sqlx::query("delete from shifts where restaurant_id = $1 and week_start = $2")
        .bind(rid)
        .bind(week_start)
        .execute(&mut *conn)
        .await?;
    for s in shifts {
        insert_shift(conn, rid, s).await?;
    }
    Ok(())
}

pub async fn insert_shift(conn: &mut PgConnection, rid: Uuid, s: &Shift) -> Result<()> {
    sqlx::query(
        "insert into shifts (restaurant_id, shift_id, week_start, staff_id, role_id, starts_at, ends_at,
                             break_minutes, source)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (restaurant_id, shift_id) do update set
             staff_id = excluded.staff_id, role_id = excluded.role_id, starts_at = excluded.starts_at,
             ends_at = excluded.ends_at, break_minutes = excluded.break_minutes,
             source = excluded.source, updated_at = now()",
    )
    .bind(rid)
    .bind(s.shift_id)
    .bind(s.week_start)
    .bind(s.staff_id)
    .bind(s.role_id)
    .bind(s.starts_at)
    .bind(s.ends_at)
    .bind(s.break_minutes)
    .bind(s.source.as_str())
    .execute(conn)
    .await
    .map_err(StoreError::from_sqlx)?;
    Ok(())
}

pub async fn delete_shift(conn: &mut PgConnection, rid: Uuid, shift_id: Uuid) -> Result<bool> {
    Ok(
        sqlx::query("delete from shifts where restaurant_id = $1 and shift_id = $2")
            .bind(rid)
            .bind(shift_id)
            .execute(conn)
            .await?
            .rows_affected()
            > 0,
    )
}

/// A clocked span; open while `clock_out` is null.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TimeEntry {
    pub entry_id: Uuid,
    pub staff_id: Uuid,
    pub clock_in: DateTime<Utc>,
    pub clock_out: Option<DateTime<Utc>>,
    pub break_minutes: i32,
    #[sqlx(try_from = "String")]
    pub source: EntrySource,
}

const ENTRY_COLUMNS: &str = "entry_id, staff_id, clock_in, clock_out, break_minutes, source";

/// Opens an entry; a person already clocked in is a conflict.
pub async fn clock_in(
    conn: &mut PgConnection,
    rid: Uuid,
    staff_id: Uuid,
    at: DateTime<Utc>,
    by: Option<Uuid>,
) -> Result<TimeEntry> {
    sqlx::query_as(&format!(
        "insert into time_entries (restaurant_id, entry_id, staff_id, clock_in, source, created_by)
         values ($1, $2, $3, $4, 'clock', $5) returning {ENTRY_COLUMNS}"
    ))
    .bind(rid)
    .bind(Uuid::now_v7())
    .bind(staff_id)
    .bind(at)
    .bind(by)
    .fetch_one(conn)
    .await
    .map_err(StoreError::from_sqlx)
}

/// Closes the person's open entry; `None` when they are not clocked in.
pub async fn clock_out(
    conn: &mut PgConnection,
    rid: Uuid,
    staff_id: Uuid,
    at: DateTime<Utc>,
    break_minutes: i32,
) -> Result<Option<TimeEntry>> {
    Ok(sqlx::query_as(&format!(
        "update time_entries set clock_out = greatest($3, clock_in + interval '1 minute'),
                                 break_minutes = $4, updated_at = now()
         where restaurant_id = $1 and staff_id = $2 and clock_out is null
         returning {ENTRY_COLUMNS}"
    ))
    .bind(rid)
    .bind(staff_id)
    .bind(at)
    .bind(break_minutes)
    .fetch_optional(conn)
    .await?)
}

/// A manager's entry or correction of a closed span.
pub async fn insert_entry(
    conn: &mut PgConnection,
    rid: Uuid,
    staff_id: Uuid,
    (clock_in, clock_out): (DateTime<Utc>, DateTime<Utc>),
    break_minutes: i32,
    by: Option<Uuid>,
) -> Result<TimeEntry> {
    sqlx::query_as(&format!(
        "insert into time_entries (restaurant_id, entry_id, staff_id, clock_in, clock_out, break_minutes,
                                   source, created_by)
         values ($1, $2, $3, $4, $5, $6, 'manual', $7) returning {ENTRY_COLUMNS}"
    ))
    .bind(rid)
    .bind(Uuid::now_v7())
    .bind(staff_id)
    .bind(clock_in)
    .bind(clock_out)
    .bind(break_minutes)
    .bind(by)
    .fetch_one(conn)
    .await
    .map_err(StoreError::from_sqlx)
}

/// Whether the person has an entry overlapping `from..to`.
pub async fn entry_overlaps(
    conn: &mut PgConnection,
    rid: Uuid,
    staff_id: Uuid,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "select exists(select 1 from time_entries where restaurant_id = $1 and staff_id = $2
                       and clock_in < $4 and coalesce(clock_out, 'infinity') > $3)",
    )
    .bind(rid)
    .bind(staff_id)
    .bind(from)
    .bind(to)
    .fetch_one(conn)
    .await?)
}

/// Entries clocked in during `from..to`; `only` narrows to one person.
pub async fn entries(
    conn: &mut PgConnection,
    rid: Uuid,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    only: Option<Uuid>,
) -> Result<Vec<TimeEntry>> {
    Ok(sqlx::query_as(&format!(
        "select {ENTRY_COLUMNS} from time_entries
         where restaurant_id = $1 and clock_in >= $2 and clock_in < $3
           and ($4::uuid is null or staff_id = $4)
         order by staff_id, clock_in"
    ))
    .bind(rid)
    .bind(from)
    .bind(to)
    .bind(only)
    .fetch_all(conn)
    .await?)
}

/// Units per local date and hour since `since`: items sold (quantity, one
/// per line without one) and distinct orders, from the lines that carry a
/// time. `tz` is the restaurant's IANA zone.
pub async fn hourly_history(
    conn: &mut PgConnection,
    rid: Uuid,
    tz: &str,
    since: NaiveDate,
) -> Result<Vec<(NaiveDate, i32, f64, f64)>> {
    Ok(sqlx::query_as(
        "with lines as (
             select business_date,
                    extract(hour from occurred_at at time zone $2)::int as hour,
                    coalesce(quantity, 1)::float8 as q, order_ref
             from transaction_items
             where restaurant_id = $1 and business_date >= $3 and occurred_at is not null)
         select business_date, hour, sum(q), count(distinct order_ref)::float8
         from lines group by business_date, hour order by business_date, hour",
    )
    .bind(rid)
    .bind(tz)
    .bind(since)
    .fetch_all(conn)
    .await?)
}
