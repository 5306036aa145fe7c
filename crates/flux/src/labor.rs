//! `flux labor ...`: the week's schedule and the payroll export from the
//! shell, through the same use cases as the API and the dashboard.

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use flux_app::labor::{clock, schedule, Caller};
use flux_domain::role::Role;
use uuid::Uuid;

use crate::config::Config;
use crate::database;

#[derive(Debug, Subcommand)]
pub enum LaborCommand {
    /// Build a week's schedule from the forecast (replaces its shifts) and print it.
    Schedule(ScheduleArgs),
    /// Hours by kind and gross pay per person over a period, as the payroll CSV.
    Payroll(PayrollArgs),
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
