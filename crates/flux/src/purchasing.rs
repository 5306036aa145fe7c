//! `flux purchasing ...`: the morning purchase recommendation from the
//! shell, and the ordering-policy backtest.

use clap::{Args, Subcommand};
use flux_app::costing::Kitchen;
use uuid::Uuid;

use crate::config::Config;
use crate::database;

#[derive(Debug, Subcommand)]
pub enum PurchasingCommand {
    /// What to order today, per supplier, with the reason for every line.
    Recommend(RecommendArgs),
    /// Compare ordering policies (newsvendor, order the p50, order the p90)
    /// on generated data with known demand: waste and stockout costs.
    Backtest,
}

#[derive(Debug, Args)]
pub struct RecommendArgs {
    #[arg(long)]
    pub restaurant: Uuid,
    /// Service level 0.5–0.99 for every ingredient (default: per ingredient,
    /// from its cost and shelf life).
    #[arg(long)]
    pub service_level: Option<f64>,
    /// Fill to each ingredient's par level (set, else suggested) instead of
    /// ordering the forecast's quantity.
    #[arg(long)]
    pub fill_to_par: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(config: &Config, cmd: PurchasingCommand) -> anyhow::Result<()> {
    match cmd {
        PurchasingCommand::Backtest => {
            println!("{}", flux_purchasing::backtest::run_default());
            Ok(())
        }
        PurchasingCommand::Recommend(args) => {
            if let Some(l) = args.service_level {
                anyhow::ensure!(
                    (0.5..=0.99).contains(&l),
                    "--service-level must be between 0.5 and 0.99"
                );
            }
            let db = database::open(config).await?;
            flux_store::migrate(&db.owner).await?;
            let pool = flux_store::connect_app(db.app.clone(), db.app_role, 2).await?;
            let result = recommend(&pool, &args).await;
            pool.close().await;
            db.release()?;
            result
        }
    }
}

async fn recommend(pool: &flux_store::PgPool, args: &RecommendArgs) -> anyhow::Result<()> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), args.restaurant).await?;
    let kitchen = Kitchen::load(&mut tx, args.restaurant)
        .await
        .map_err(|e| anyhow::anyhow!("restaurant {}: {e}", args.restaurant))?;
    let r = flux_app::purchasing::plan::recommend(
        &mut tx,
        args.restaurant,
        &kitchen,
        kitchen.today,
        args.service_level,
        if args.fill_to_par {
            flux_app::purchasing::plan::Policy::Par
        } else {
            flux_app::purchasing::plan::Policy::Forecast
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    tx.commit().await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(());
    }
    println!("Purchase recommendation for {}", r.today);
    for w in &r.warnings {
        println!("note: {w}");
    }
    if r.plan.orders.is_empty() {
        println!(
            "Nothing to order: no ingredient has a supplier offer, or stock covers the forecast."
        );
    }
    for order in &r.plan.orders {
        let window = r.windows.iter().find(|w| w.supplier_id == order.supplier);
        println!();
        match window {
            Some(w) => println!(
                "{} — delivery {}, covers until {} ({} days): total {}",
                order.name, w.first_delivery, w.next_delivery, w.days, order.total
            ),
            None => println!("{}: total {}", order.name, order.total),
        }
        for l in order.lines.iter().filter(|l| l.packs > 0) {
            println!("  {}: {}", l.name, l.explanation);
        }
        if let Some(note) = &order.note {
            println!("  ({note})");
        }
    }
    if !r.plan.nothing_needed.is_empty() {
        let names: Vec<&str> = r
            .plan
            .nothing_needed
            .iter()
            .map(|l| l.name.as_str())
            .collect();
        println!("\nEnough in stock: {}", names.join(", "));
    }
    if !r.plan.no_offer.is_empty() {
        let names: Vec<&str> = r.plan.no_offer.iter().map(|(_, n)| n.as_str()).collect();
        println!("No supplier offer: {}", names.join(", "));
    }
    Ok(())
}
