//! `flux labor ...`: roles, staff, time off, the week's schedule and the
//! payroll export from the shell, through the same use cases as the API
//! and the dashboard.

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use flux_app::labor::staff::{
    self, AvailabilityInput, RoleInput, StaffInput, StaffRoleInput, TimeOffInput,
};
use flux_app::labor::LaborDriver;
use flux_app::labor::{clock, schedule, Caller};
use flux_domain::role::Role;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::config::Config;
use crate::database;

#[derive(Debug, Subcommand)]
pub enum LaborCommand {
    /// Build a week's schedule from the forecast (replaces its shifts) and print it.
    Schedule(ScheduleArgs),
    /// Hours by kind and gross pay per person over a period, as the payroll CSV.
    Payroll(PayrollArgs),
    /// The roles with their standards and what the last eight weeks suggest.
    Roles(RestaurantArg),
    /// Add a role (station) with its wage and labor standard.
    AddRole(AddRoleArgs),
    /// The staff with their roles and weekly availability.
    Staff(RestaurantArg),
    /// Add a person.
    AddStaff(AddStaffArgs),
    /// Record approved time off for a person.
    TimeOff(TimeOffArgs),
}

#[derive(Debug, Args)]
pub struct RestaurantArg {
    #[arg(long)]
    pub restaurant: Uuid,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AddRoleArgs {
    #[arg(long)]
    pub restaurant: Uuid,
    #[arg(long)]
    pub name: String,
    /// Wage per hour.
    #[arg(long)]
    pub wage: Decimal,
    /// `items` (kitchen, bar) or `covers` (floor).
    #[arg(long, value_parser = parse_driver)]
    pub driver: LaborDriver,
    /// Units one person handles per hour (0: the minimum only).
    #[arg(long, default_value = "0")]
    pub per_hour: Decimal,
    #[arg(long, default_value_t = 1)]
    pub min_staff: i32,
    /// Minutes of opening duties before each opening.
    #[arg(long, default_value_t = 0)]
    pub before_open: i32,
    /// Minutes of closing duties after each closing.
    #[arg(long, default_value_t = 0)]
    pub after_close: i32,
}

#[derive(Debug, Args)]
pub struct AddStaffArgs {
    #[arg(long)]
    pub restaurant: Uuid,
    #[arg(long)]
    pub name: String,
    /// A role the person works, by name, with their own wage after a colon
    /// when it differs from the role's (`--role Kitchen:15.50`); repeatable.
    #[arg(long = "role", required = true)]
    pub roles: Vec<String>,
    /// Weekly availability as `DAY HH:MM-HH:MM` (0 = Monday), repeatable;
    /// none: available whenever open.
    #[arg(long = "available")]
    pub available: Vec<String>,
    #[arg(long)]
    pub contracted_hours: Option<f64>,
    #[arg(long)]
    pub max_week_hours: Option<f64>,
}

#[derive(Debug, Args)]
pub struct TimeOffArgs {
    #[arg(long)]
    pub restaurant: Uuid,
    #[arg(long)]
    pub staff: Uuid,
    #[arg(long)]
    pub from: NaiveDate,
    /// Last day off, inclusive.
    #[arg(long)]
    pub to: NaiveDate,
    #[arg(long, default_value = "")]
    pub reason: String,
}

fn parse_driver(raw: &str) -> Result<LaborDriver, String> {
    LaborDriver::try_from(raw.trim().to_lowercase())
        .map_err(|_| "must be `items` or `covers`".to_string())
}

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    #[arg(long)]
    pub restaurant: Uuid,
    /// The Monday the week starts on.
    #[arg(long)]
    pub week: NaiveDate,
    /// Publish the week after building it.
    #[arg(long)]
    pub publish: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PayrollArgs {
    #[arg(long)]
    pub restaurant: Uuid,
    /// First day (local).
    #[arg(long)]
    pub from: NaiveDate,
    /// Last day, inclusive.
    #[arg(long)]
    pub to: NaiveDate,
}

/// The shell acts as an owner with no login of its own.
const SHELL: Caller = Caller {
    user_id: Uuid::nil(),
    role: Role::Owner,
};

pub async fn run(config: &Config, cmd: LaborCommand) -> anyhow::Result<()> {
    let db = database::open(config).await?;
    flux_store::migrate(&db.owner).await?;
    let pool = flux_store::connect_app(db.app.clone(), db.app_role, 2).await?;
    let result = match cmd {
        LaborCommand::Schedule(a) => build(&pool, &a).await,
        LaborCommand::Payroll(a) => payroll(&pool, &a).await,
        LaborCommand::Roles(a) => roles(&pool, &a).await,
        LaborCommand::AddRole(a) => add_role(&pool, a).await,
        LaborCommand::Staff(a) => list_staff(&pool, &a).await,
        LaborCommand::AddStaff(a) => add_staff(&pool, a).await,
        LaborCommand::TimeOff(a) => time_off(&pool, a).await,
    };
    pool.close().await;
    db.release()?;
    result
}

async fn build(pool: &flux_store::PgPool, a: &ScheduleArgs) -> anyhow::Result<()> {
    let week = schedule::week_start("--week", a.week).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), a.restaurant).await?;
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_message(format!("building the week of {week}"));
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let outcome = schedule::build(&mut tx, a.restaurant, SHELL, week)
        .await
        .map_err(|e| anyhow::anyhow!("restaurant {}: {e}", a.restaurant))?;
    let mut v = outcome.week;
    if a.publish {
        v = schedule::publish(&mut tx, a.restaurant, SHELL, week)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    tx.commit().await?;
    spinner.finish_and_clear();
    if a.json {
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    println!(
        "Week of {week}: {} shifts, labor {:.2}{}, understaffed {:.1} staff-hours, overstaffed {:.1} ({} programs, {:.2} s){}",
        v.shifts.len(),
        v.labor_cost,
        v.labor_share_of_forecast
            .map(|s| format!(" ({:.1} % of forecast sales)", s * 100.0))
            .unwrap_or_default(),
        v.understaffed_hours,
        v.overstaffed_hours,
        outcome.programs,
        outcome.seconds,
        if a.publish { ", published" } else { "" },
    );
    for w in &v.warnings {
        println!("note: {w}");
    }
    for s in &v.shifts {
        println!(
            "  {} – {}  {:<24} {}",
            s.local_start,
            &s.local_end[11..],
            s.staff_name,
            s.role_name
        );
    }
    Ok(())
}

async fn payroll(pool: &flux_store::PgPool, a: &PayrollArgs) -> anyhow::Result<()> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), a.restaurant).await?;
    let report = clock::pay(&mut tx, a.restaurant, SHELL, a.from, a.to)
        .await
        .map_err(|e| anyhow::anyhow!("restaurant {}: {e}", a.restaurant))?;
    tx.commit().await?;
    let csv = clock::payroll_csv(&report).map_err(|e| anyhow::anyhow!("{e}"))?;
    use std::io::Write;
    std::io::stdout().write_all(&csv)?;
    Ok(())
}

fn app_err(e: flux_app::AppError) -> anyhow::Error {
    match &e {
        flux_app::AppError::Rejected { errors, .. } if !errors.is_empty() => anyhow::anyhow!(
            "{e}: {}",
            errors
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        _ => anyhow::anyhow!("{e}"),
    }
}

async fn roles(pool: &flux_store::PgPool, a: &RestaurantArg) -> anyhow::Result<()> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), a.restaurant).await?;
    let list = schedule::suggest_standards(&mut tx, a.restaurant, SHELL)
        .await
        .map_err(app_err)?;
    tx.commit().await?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    for r in list {
        println!(
            "{}  {:<16} {} per labor hour: {}{}",
            r.role_id,
            r.name,
            r.driver,
            r.per_labor_hour,
            r.suggested_per_labor_hour
                .map(|s| format!(
                    " (the last eight weeks suggest {s:.1}, from {} hours)",
                    r.hours_seen
                ))
                .unwrap_or_default()
        );
    }
    Ok(())
}

async fn add_role(pool: &flux_store::PgPool, a: AddRoleArgs) -> anyhow::Result<()> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), a.restaurant).await?;
    let input = RoleInput {
        name: a.name,
        hourly_wage: a.wage,
        driver: a.driver,
        per_labor_hour: a.per_hour,
        min_staff: a.min_staff,
        before_open_minutes: a.before_open,
        after_close_minutes: a.after_close,
    };
    let r = staff::save_role(&mut tx, a.restaurant, SHELL, None, input)
        .await
        .map_err(app_err)?;
    tx.commit().await?;
    println!("{}  {}", r.id, r.name);
    Ok(())
}

async fn list_staff(pool: &flux_store::PgPool, a: &RestaurantArg) -> anyhow::Result<()> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), a.restaurant).await?;
    let people = staff::list(&mut tx, a.restaurant, SHELL)
        .await
        .map_err(app_err)?;
    let roles = staff::roles(&mut tx, a.restaurant).await.map_err(app_err)?;
    tx.commit().await?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&people)?);
        return Ok(());
    }
    for p in people {
        let names: Vec<String> = p
            .roles
            .iter()
            .filter_map(|r| {
                roles
                    .iter()
                    .find(|x| x.id == r.role_id)
                    .map(|x| x.name.clone())
            })
            .collect();
        println!(
            "{}  {:<24} {}{}",
            p.id,
            p.name,
            names.join(", "),
            if p.active { "" } else { " (inactive)" }
        );
    }
    Ok(())
}

/// `DAY HH:MM-HH:MM`.
fn parse_available(raw: &str) -> anyhow::Result<AvailabilityInput> {
    let (day, range) = raw
        .trim()
        .split_once(' ')
        .ok_or_else(|| anyhow::anyhow!("--available {raw:?}: expected `DAY HH:MM-HH:MM`"))?;
    let (from, to) = range
        .split_once('-')
        .ok_or_else(|| anyhow::anyhow!("--available {raw:?}: expected `DAY HH:MM-HH:MM`"))?;
    let day: i16 = day
        .parse()
        .map_err(|_| anyhow::anyhow!("--available {raw:?}: the day is 0 (Monday) to 6"))?;
    Ok(AvailabilityInput {
        day_of_week: day,
        from: from.trim().into(),
        to: to.trim().into(),
    })
}

async fn add_staff(pool: &flux_store::PgPool, a: AddStaffArgs) -> anyhow::Result<()> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), a.restaurant).await?;
    let known = staff::roles(&mut tx, a.restaurant).await.map_err(app_err)?;
    let mut roles = Vec::new();
    for raw in &a.roles {
        let (name, wage) =
            match raw.rsplit_once(':') {
                Some((n, w)) => (
                    n,
                    Some(w.trim().parse::<Decimal>().map_err(|_| {
                        anyhow::anyhow!("--role {raw:?}: the wage is not a number")
                    })?),
                ),
                None => (raw.as_str(), None),
            };
        let role = known
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                anyhow::anyhow!("--role {raw:?}: no role of that name (see `flux labor roles`)")
            })?;
        roles.push(StaffRoleInput {
            role_id: role.id,
            hourly_wage: wage,
        });
    }
    let availability = a
        .available
        .iter()
        .map(|r| parse_available(r))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let input = StaffInput {
        name: a.name,
        email: None,
        user_id: None,
        contracted_hours: a.contracted_hours,
        max_week_hours: a.max_week_hours,
        active: true,
        roles,
        availability,
    };
    let p = staff::save(&mut tx, a.restaurant, SHELL, None, input)
        .await
        .map_err(app_err)?;
    tx.commit().await?;
    println!("{}  {}", p.id, p.name);
    Ok(())
}

async fn time_off(pool: &flux_store::PgPool, a: TimeOffArgs) -> anyhow::Result<()> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), a.restaurant).await?;
    let input = TimeOffInput {
        staff_id: a.staff,
        starts_on: a.from,
        ends_on: a.to,
        reason: a.reason,
    };
    let t = staff::request_time_off(&mut tx, a.restaurant, SHELL, input)
        .await
        .map_err(app_err)?;
    let t = staff::decide_time_off(&mut tx, a.restaurant, SHELL, t.id, true)
        .await
        .map_err(app_err)?;
    tx.commit().await?;
    println!("{}  {} to {}: {}", t.id, t.starts_on, t.ends_on, t.status);
    Ok(())
}
