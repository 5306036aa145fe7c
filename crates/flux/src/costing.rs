//! `flux costing ...`: the profitability report and ingredient imports
//! from the shell, through the same service functions as the API.

use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use flux_app::costing::report::Profitability;
use flux_app::costing::Kitchen;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::config::Config;
use crate::database;

#[derive(Debug, Subcommand)]
pub enum CostingCommand {
    /// Print the profitability table and menu-engineering matrix of a period.
    Report(ReportArgs),
    /// Import ingredients from a CSV file (all rows or none).
    ImportIngredients(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[arg(long)]
    pub restaurant: Uuid,
    /// First day (default: 27 days before --to).
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// Last day (default: yesterday, in the restaurant's time zone).
    #[arg(long)]
    pub to: Option<NaiveDate>,
    /// Cost at the prices effective on this date (default: today's).
    #[arg(long)]
    pub prices_as_of: Option<NaiveDate>,
    /// Include waste factors (default: the restaurant's setting).
    #[arg(long)]
    pub waste: Option<bool>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[arg(long)]
    pub restaurant: Uuid,
    /// CSV with columns name, base_unit, unit_cost and optionally category,
    /// waste_factor, shelf_life_days, supplier, pack_size, grams_per_each,
    /// grams_per_ml.
    pub file: PathBuf,
}

pub async fn run(config: &Config, cmd: CostingCommand) -> anyhow::Result<()> {
    let db = database::open(config).await?;
    flux_store::migrate(&db.owner).await?;
    let pool = flux_store::connect_app(db.app.clone(), db.app_role, 2).await?;
    let result = match cmd {
        CostingCommand::Report(args) => report(&pool, args).await,
        CostingCommand::ImportIngredients(args) => import(&pool, args).await,
    };
    pool.close().await;
    db.release()?;
    result
}

async fn report(pool: &flux_store::PgPool, args: ReportArgs) -> anyhow::Result<()> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), args.restaurant).await?;
    let kitchen = Kitchen::load(&mut tx, args.restaurant)
        .await
        .map_err(|e| anyhow::anyhow!("restaurant {}: {e}", args.restaurant))?;
    let (from, to) = flux_app::costing::report::default_period(kitchen.today, args.from, args.to);
    anyhow::ensure!(from <= to, "--from must not be after --to");
    let options = kitchen.options(args.waste, args.prices_as_of);
    let r = flux_app::costing::report::profitability(
        &mut tx,
        args.restaurant,
        &kitchen,
        from,
        to,
        &options,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    tx.commit().await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        print!("{}", table(&r));
    }
    Ok(())
}

fn pct(ratio: Option<Decimal>) -> String {
    ratio.map_or_else(
        || "-".into(),
        // Decimal's `{:.1}` truncates; round first so 27.77 % reads 27.8 %.
        |r| format!("{:.1}%", (r * Decimal::ONE_HUNDRED).round_dp(1)),
    )
}

/// The report as an aligned text table.
fn table(r: &Profitability) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let prices = match r.options.prices {
        flux_costing::PriceBasis::Current => "today's prices".to_string(),
        flux_costing::PriceBasis::AsOf(d) => format!("prices as of {d}"),
    };
    let _ = writeln!(
        out,
        "Profitability {} to {} ({prices}, waste {})",
        r.period.from,
        r.period.to,
        if r.options.include_waste {
            "included"
        } else {
            "excluded"
        }
    );
    let width = r
        .dishes
        .iter()
        .map(|d| d.dish.chars().count())
        .max()
        .unwrap_or(4)
        .max(5);
    let _ = writeln!(
        out,
        "{:<width$}  {:>7}  {:>10}  {:>10}  {:>12}  {:>7}  {:>6}  Class",
        "Dish", "Units", "Revenue", "Food cost", "Contribution", "Cost %", "Mix %"
    );
    for d in &r.dishes {
        let _ = writeln!(
            out,
            "{:<width$}  {:>7}  {:>10.2}  {:>10.2}  {:>12.2}  {:>7}  {:>6}  {}",
            d.dish,
            d.units_sold,
            d.revenue.rounded(),
            d.food_cost.rounded(),
            d.contribution.rounded(),
            pct(d.food_cost_ratio),
            pct(Some(d.mix_share)),
            serde_json::to_value(d.class)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        );
    }
    match &r.totals {
        Some(t) => {
            let _ = writeln!(
                out,
                "{:<width$}  {:>7}  {:>10.2}  {:>10.2}  {:>12.2}  {:>7}",
                "Total",
                t.units_sold,
                t.revenue.rounded(),
                t.food_cost.rounded(),
                t.contribution.rounded(),
                pct(t.food_cost_ratio)
            );
            let _ = writeln!(
                out,
                "\nTheoretical food cost: {}. Popular: at least {} of the mix. High contribution: at least {:.2} per plate.",
                pct(t.food_cost_ratio),
                pct(r.popularity_threshold),
                r.contribution_threshold.map(|m| m.rounded()).unwrap_or_default()
            );
        }
        None => {
            let _ = writeln!(out, "\nNo costed dish was sold in this period.");
        }
    }
    if !r.uncosted.is_empty() {
        let units: Decimal = r.uncosted.iter().map(|u| u.units_sold).sum();
        let _ = writeln!(
            out,
            "Not costed: {} dishes ({} units), e.g. {} ({}).",
            r.uncosted.len(),
            units.normalize(),
            r.uncosted[0].dish,
            r.uncosted[0].reason
        );
    }
    let moved: Vec<String> = r
        .changes
        .iter()
        .filter(|c| c.class_changed && c.previous.is_some() && c.current.is_some())
        .map(|c| {
            let name = |m: Option<flux_costing::MenuClass>| {
                m.and_then(|m| serde_json::to_value(m).ok())
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            };
            format!("{} {} → {}", c.dish, name(c.previous), name(c.current))
        })
        .collect();
    let _ = writeln!(
        out,
        "Since {} to {}: {}",
        r.previous_period.from,
        r.previous_period.to,
        if moved.is_empty() {
            "no dish changed class".to_string()
        } else {
            moved.join("; ")
        }
    );
    out
}

async fn import(pool: &flux_store::PgPool, args: ImportArgs) -> anyhow::Result<()> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let rows = flux_app::costing::ingredients::parse_csv(&bytes).map_err(|e| {
        let lines: Vec<String> =
            e.0.iter()
                .map(|f| format!("  {}: {}", f.field, f.message))
                .collect();
        anyhow::anyhow!(
            "{} was not imported (nothing was stored):\n{}",
            args.file.display(),
            lines.join("\n")
        )
    })?;
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), args.restaurant).await?;
    let kitchen = Kitchen::load(&mut tx, args.restaurant)
        .await
        .map_err(|e| anyhow::anyhow!("restaurant {}: {e}", args.restaurant))?;
    let outcome = flux_app::costing::ingredients::import(&mut tx, args.restaurant, &kitchen, &rows)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "{} was not imported (nothing was stored): {e}",
                args.file.display()
            )
        })?;
    tx.commit().await?;
    println!(
        "{} ingredients created, {} updated, {} unchanged",
        outcome.created, outcome.updated, outcome.unchanged
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use flux_app::costing::report::{DishLine, Period, Totals};
    use flux_costing::{CostOptions, MenuClass, Money};

    #[test]
    fn the_table_shows_every_dish_the_totals_and_the_class_moves() {
        let money = |s: &str| Money::new(s.parse().expect("decimal"));
        let r = Profitability {
            period: Period {
                from: NaiveDate::from_ymd_opt(2026, 3, 8).expect("date"),
                to: NaiveDate::from_ymd_opt(2026, 3, 14).expect("date"),
            },
            options: CostOptions::default(),
            dishes: vec![DishLine {
                menu_item_id: Uuid::nil(),
                dish: "Paella".into(),
                category: None,
                units_sold: 10,
                revenue: money("180"),
                portion_cost: money("5"),
                food_cost: money("50"),
                contribution: money("130"),
                contribution_per_unit: Some(money("13")),
                food_cost_ratio: Some("0.2777".parse().expect("decimal")),
                mix_share: Decimal::ONE,
                class: MenuClass::Star,
            }],
            uncosted: vec![],
            totals: Some(Totals {
                units_sold: 10,
                revenue: money("180"),
                food_cost: money("50"),
                contribution: money("130"),
                food_cost_ratio: Some("0.2777".parse().expect("decimal")),
            }),
            popularity_threshold: Some("0.7".parse().expect("decimal")),
            contribution_threshold: Some(money("13")),
            previous_period: Period {
                from: NaiveDate::from_ymd_opt(2026, 3, 1).expect("date"),
                to: NaiveDate::from_ymd_opt(2026, 3, 7).expect("date"),
            },
            previous_totals: None,
            changes: vec![flux_costing::PeriodChange {
                dish: "Paella".into(),
                previous: Some(MenuClass::Puzzle),
                current: Some(MenuClass::Star),
                class_changed: true,
                contribution_per_unit_delta: None,
                food_cost_ratio_delta: None,
                mix_share_delta: None,
                units_sold_delta: 4,
            }],
        };
        let text = table(&r);
        assert!(text.contains("Paella"), "{text}");
        assert!(text.contains("180.00"), "{text}");
        assert!(text.contains("27.8%"), "{text}");
        assert!(text.contains("star"), "{text}");
        assert!(text.contains("Paella puzzle → star"), "{text}");
        assert!(text.starts_with(
            "Profitability 2026-03-08 to 2026-03-14 (today's prices, waste included)"
        ));
    }
}
