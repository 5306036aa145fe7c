//! `flux bench hourly FILE…` and `flux bench schedule`.
//!
//! `hourly` reads timestamped sales exports (any layout the importer
//! knows), builds each day's units per local hour (items) and distinct
//! orders per hour (covers, when the file has order ids), and backtests
//! Flux's hourly forecasts against the hourly seasonal naive at weekly
//! rolling origins (`flux_labor::backtest`). The table gives MASE, scaled
//! pinball over p10/p50/p90 and the 10–90 interval's coverage per file and
//! measure.
//!
//! `schedule` times the scheduler on a generated week (60 people × 7 days ×
//! 4 roles in 15-minute slots by default) against the LP relaxation solved
//! in the same run, and prints the cost gap to that lower bound.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use chrono::{NaiveDate, Timelike};
use clap::Args;
use flux_labor::backtest::backtest;
use flux_labor::hourly::DayHours;

#[derive(Debug, Args)]
pub struct HourlyArgs {
    /// Timestamped sales exports.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Weekly forecast origins.
    #[arg(long, default_value_t = 8)]
    pub origins: usize,
    /// Days forecast from each origin.
    #[arg(long, default_value_t = 7)]
    pub horizon: u32,
}

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    #[arg(long, default_value_t = 60)]
    pub people: usize,
    #[arg(long, default_value_t = 4)]
    pub roles: usize,
    /// Staff per role at the busiest hour.
    #[arg(long, default_value_t = 6)]
    pub peak: u32,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

/// Items and covers per local hour of each day of one file.
fn load(path: &PathBuf) -> anyhow::Result<(Vec<DayHours>, Vec<DayHours>)> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let today = chrono::Utc::now().date_naive();
    // Exports carry local times; UTC keeps them as written.
    let opts = flux_ingest::ParseOptions::new(chrono_tz::UTC, today);
    let mut reader = flux_ingest::parse(file, &opts)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut items: BTreeMap<NaiveDate, [f64; 24]> = BTreeMap::new();
    let mut orders: BTreeMap<NaiveDate, [f64; 24]> = BTreeMap::new();
    let mut seen: HashSet<(NaiveDate, String)> = HashSet::new();
    let mut timed = 0usize;
    for line in reader.by_ref().flatten() {
        let Some(t) = line.local_time else {
            continue;
        };
        timed += 1;
        let h = t.hour() as usize;
        let q = line
            .quantity
            .and_then(|d| d.to_string().parse::<f64>().ok())
            .unwrap_or(1.0);
        items.entry(line.business_date).or_insert([0.0; 24])[h] += q;
        if let Some(order) = line.order_id {
            if seen.insert((line.business_date, order)) {
                orders.entry(line.business_date).or_insert([0.0; 24])[h] += 1.0;
            }
        }
    }
    reader.finish();
    anyhow::ensure!(timed > 0, "{} has no sale times", path.display());
    let days = |m: BTreeMap<NaiveDate, [f64; 24]>| {
        m.into_iter()
            .map(|(date, hours)| DayHours { date, hours })
            .collect::<Vec<_>>()
    };
    Ok((days(items), days(orders)))
}

pub fn hourly(a: HourlyArgs) -> anyhow::Result<()> {
    println!("| file | measure | model | MASE | scaled pinball | 10–90 coverage | hours |");
    println!("|---|---|---|---|---|---|---|");
    for path in &a.files {
        let (items, covers) = load(path)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (measure, days) in [("items", items), ("covers", covers)] {
            if days.is_empty() {
                continue;
            }
            match backtest(&days, a.origins, a.horizon) {
                Ok(scores) => {
                    for s in scores {
                        println!(
                            "| {name} | {measure} | {} | {:.3} | {:.3} | {:.0} % | {} |",
                            s.model,
                            s.mase,
                            s.scaled_pinball,
                            s.coverage_80 * 100.0,
                            s.hours
                        );
                    }
                }
                Err(e) => println!("| {name} | {measure} | skipped: {e} | | | | |"),
            }
        }
    }
    Ok(())
}

pub fn schedule(a: ScheduleArgs) -> anyhow::Result<()> {
    use flux_labor::schedule::{build, lower_bound};
    use flux_labor::synthetic::{week, WeekSpec};
    let p = week(WeekSpec {
        people: a.people,
        roles: a.roles,
        days: 7,
        peak: a.peak,
        seed: a.seed,
    });
    let t = Instant::now();
    let bound = lower_bound(&p)?;
    let bound_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let report = build(&p)?;
    let build_s = t.elapsed().as_secs_f64();
    let total = report.cost.objective(&p.rules);
    println!("| | seconds | cost (labor + understaffing) |");
    println!("|---|---|---|");
    println!("| LP lower bound (baseline) | {bound_s:.3} | {bound:.2} |");
    println!("| schedule | {build_s:.3} | {total:.2} |");
    println!(
        "\n{} people × 7 days × {} roles, 15-minute slots: {} shifts from {} programs; \
         time {:.1}× the bound's; cost gap to the bound {:.2} %; labor {:.2}, overtime {:.2}, \
         {} staff-slots understaffed, {} overstaffed",
        a.people,
        a.roles,
        report.shifts.len(),
        report.solves,
        build_s / bound_s.max(1e-9),
        (total - bound) / bound.max(1e-9) * 100.0,
        report.cost.labor(),
        report.cost.overtime,
        report.cost.understaffed_slots,
        report.cost.overstaffed_slots,
    );
    Ok(())
}
