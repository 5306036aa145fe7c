//! `flux inventory ...`: the actual-against-theoretical report, the waste
//! log, allergens and par levels from the shell, through the same use
//! cases as the API and the dashboard.

use chrono::{Duration, NaiveDate};
use clap::{Args, Subcommand};
use flux_app::costing::Kitchen;
use flux_app::inventory::{variance, waste};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::config::Config;
use crate::database;

#[derive(Debug, Subcommand)]
pub enum InventoryCommand {
    /// Actual against theoretical usage per ingredient, largest unexplained first.
    Variance(PeriodArgs),
    /// The waste log of a period with its totals by reason.
    Waste(PeriodArgs),
    /// Every dish's allergens through its recipe, and the ingredients not yet reviewed.
    Allergens(RestaurantArgs),
    /// Record the review of an ingredient's allergens.
    Declare(DeclareArgs),
    /// Every ingredient's par level, set and suggested by the forecast.
    Pars(RestaurantArgs),
}

#[derive(Debug, Args)]
pub struct RestaurantArgs {
    #[arg(long)]
    pub restaurant: Uuid,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DeclareArgs {
    #[arg(long)]
    pub restaurant: Uuid,
    /// The ingredient, by name.
    #[arg(long)]
    pub ingredient: String,
    /// Comma-separated allergens it contains (`milk,eggs`); `none` when it
    /// contains none of them.
    #[arg(long)]
    pub allergens: String,
}

#[derive(Debug, Args)]
pub struct PeriodArgs {
    #[arg(long)]
    pub restaurant: Uuid,
    /// First day (default: 27 days before --to).
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// Last day (default: yesterday in the restaurant's time zone).
    #[arg(long)]
    pub to: Option<NaiveDate>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(config: &Config, cmd: InventoryCommand) -> anyhow::Result<()> {
    let db = database::open(config).await?;
    flux_store::migrate(&db.owner).await?;
    let pool = flux_store::connect_app(db.app.clone(), db.app_role, 2).await?;
    let result = match cmd {
        InventoryCommand::Variance(a) => variance_report(&pool, &a).await,
        InventoryCommand::Waste(a) => waste_log(&pool, &a).await,
        InventoryCommand::Allergens(a) => allergens(&pool, &a).await,
        InventoryCommand::Declare(a) => declare(&pool, &a).await,
        InventoryCommand::Pars(a) => pars(&pool, &a).await,
    };
    pool.close().await;
    db.release()?;
    result
}

fn app_err(e: flux_app::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

fn period(kitchen: &Kitchen, a: &PeriodArgs) -> (NaiveDate, NaiveDate) {
    let to = a.to.unwrap_or(kitchen.today - Duration::days(1));
    (a.from.unwrap_or(to - Duration::days(27)), to)
}

fn opt(v: Option<Decimal>, dp: u32) -> String {
    v.map_or_else(|| "—".to_owned(), |v| v.round_dp(dp).to_string())
}

async fn variance_report(pool: &flux_store::PgPool, a: &PeriodArgs) -> anyhow::Result<()> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), a.restaurant).await?;
    let kitchen = Kitchen::load(&mut tx, a.restaurant)
        .await
        .map_err(|e| anyhow::anyhow!("restaurant {}: {e}", a.restaurant))?;
    let (from, to) = period(&kitchen, a);
    let r = variance::report(&mut tx, a.restaurant, &kitchen, from, to)
        .await
        .map_err(app_err)?;
    tx.commit().await?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(());
    }
    let t = &r.report.totals;
    let pct = |v: Option<Decimal>| v.map_or_else(|| "—".to_owned(), |v| format!("{:.1} %", v));
    println!(
        "{from} to {to}: sales {:.2}; food cost actual {} against theoretical {}; waste {:.2}; unexplained {:.2}",
        t.revenue,
        pct(t.actual_food_cost_pct),
        pct(t.theoretical_food_cost_pct),
        t.waste_cost,
        t.unexplained_cost
    );
    println!(
        "{:<28} {:>5} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "ingredient",
        "unit",
        "opening",
        "delivered",
        "closing",
        "actual",
        "theory",
        "waste",
        "value"
    );
    for l in r.report.lines.iter().filter(|l| l.actual.is_some()) {
        println!(
            "{:<28} {:>5} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
            l.ingredient.chars().take(28).collect::<String>(),
            l.base_unit,
            opt(l.opening, 2),
            l.deliveries.round_dp(2),
            opt(l.closing, 2),
            opt(l.actual, 2),
            l.theoretical.round_dp(2),
            l.waste.round_dp(2),
            opt(l.unexplained_value, 2),
        );
    }
    let uncounted = t.uncounted_ingredients;
    if uncounted > 0 {
        println!("{uncounted} ingredients were not counted at both ends of the period.");
    }
    Ok(())
}

async fn waste_log(pool: &flux_store::PgPool, a: &PeriodArgs) -> anyhow::Result<()> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), a.restaurant).await?;
    let kitchen = Kitchen::load(&mut tx, a.restaurant)
        .await
        .map_err(|e| anyhow::anyhow!("restaurant {}: {e}", a.restaurant))?;
    let (from, to) = period(&kitchen, a);
    let log = waste::log(&mut tx, a.restaurant, &kitchen, from, to)
        .await
        .map_err(app_err)?;
    tx.commit().await?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&log)?);
        return Ok(());
    }
    println!(
        "{from} to {to}: waste {:.2}{}",
        log.total_value,
        log.waste_pct
            .map(|p| format!(" ({p:.2} % of sales)"))
            .unwrap_or_default()
    );
    for r in &log.by_reason {
        println!(
            "  {:<20} {:>10.2}  ({} entries)",
            r.name, r.value, r.entries
        );
    }
    for e in &log.entries {
        println!(
            "{}  {:<28} {:>8} {:<5} {:<18} {:>8}",
            e.date,
            e.item.chars().take(28).collect::<String>(),
            e.quantity.round_dp(3),
            e.unit,
            e.reason.label(),
            opt(e.value, 2)
        );
    }
    Ok(())
}

async fn kitchen_of(
    tx: &mut flux_store::PgConnection,
    restaurant: Uuid,
) -> anyhow::Result<Kitchen> {
    Kitchen::load(tx, restaurant)
        .await
        .map_err(|e| anyhow::anyhow!("restaurant {restaurant}: {e}"))
}

async fn allergens(pool: &flux_store::PgPool, a: &RestaurantArgs) -> anyhow::Result<()> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), a.restaurant).await?;
    let kitchen = kitchen_of(&mut tx, a.restaurant).await?;
    let o = flux_app::inventory::allergens::overview(&mut tx, a.restaurant, &kitchen)
        .await
        .map_err(app_err)?;
    tx.commit().await?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&o)?);
        return Ok(());
    }
    for r in o.recipes.iter().filter(|r| r.menu_item_id.is_some()) {
        let list: Vec<&str> = r.contains.iter().map(|c| c.allergen.label()).collect();
        println!(
            "{:<32} {}{}",
            r.name,
            if list.is_empty() {
                "none of the listed allergens".to_owned()
            } else {
                list.join(", ")
            },
            if r.unreviewed.is_empty() {
                String::new()
            } else {
                format!("  (not reviewed: {})", r.unreviewed.join(", "))
            }
        );
    }
    Ok(())
}

async fn declare(pool: &flux_store::PgPool, a: &DeclareArgs) -> anyhow::Result<()> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), a.restaurant).await?;
    let kitchen = kitchen_of(&mut tx, a.restaurant).await?;
    let Some(row) = kitchen.ingredient_named(&a.ingredient) else {
        anyhow::bail!(
            "no ingredient named {:?} in restaurant {}",
            a.ingredient,
            a.restaurant
        );
    };
    let names: Vec<String> = match a.allergens.trim() {
        "none" | "" => Vec::new(),
        list => list.split(',').map(|s| s.trim().to_owned()).collect(),
    };
    let set = flux_app::inventory::allergens::set(
        &mut tx,
        a.restaurant,
        &kitchen,
        row.ingredient_id,
        &names,
        None,
    )
    .await
    .map_err(|e| match e {
        flux_app::AppError::Rejected { ref errors, .. } if !errors.is_empty() => anyhow::anyhow!(
            "{}",
            errors
                .iter()
                .map(|f| {
                    let i: Option<usize> = f
                        .field
                        .strip_prefix("allergens.")
                        .and_then(|i| i.parse().ok());
                    match i.and_then(|i| names.get(i)) {
                        Some(n) => format!("--allergens: {n:?} is {}", f.message),
                        None => format!("--allergens: {}", f.message),
                    }
                })
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => app_err(other),
    })?;
    tx.commit().await?;
    let list: Vec<&str> = set.iter().map(|a| a.label()).collect();
    println!(
        "{}: {}",
        row.name,
        if list.is_empty() {
            "reviewed, none".to_owned()
        } else {
            list.join(", ")
        }
    );
    Ok(())
}

async fn pars(pool: &flux_store::PgPool, a: &RestaurantArgs) -> anyhow::Result<()> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), a.restaurant).await?;
    let kitchen = kitchen_of(&mut tx, a.restaurant).await?;
    let levels =
        flux_app::purchasing::plan::par_levels(&mut tx, a.restaurant, &kitchen, kitchen.today)
            .await
            .map_err(app_err)?;
    tx.commit().await?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&levels)?);
        return Ok(());
    }
    let par = |p: Option<flux_purchasing::Par>| {
        p.map_or_else(|| "—".to_owned(), |p| format!("{:.2}–{:.2}", p.min, p.max))
    };
    for l in &levels {
        println!(
            "{:<28} {:>5}  on hand {:>10}  suggested {:>16}  set {:>16}",
            l.ingredient.chars().take(28).collect::<String>(),
            l.base_unit,
            l.on_hand
                .map_or_else(|| "not counted".to_owned(), |v| format!("{v:.2}")),
            par(l.suggested),
            par(l.set)
        );
    }
    Ok(())
}
