//! `flux inventory ...`: the actual-against-theoretical report, the waste
//! log, allergens, par levels, supplier invoices and transfers from the
//! shell, through the same use cases as the API and the dashboard.

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
    /// Import a supplier's invoice CSV and show its three-way match.
    InvoiceImport(InvoiceImportArgs),
    /// Recent invoices and credit notes, with each invoice's match.
    Invoices(RestaurantArgs),
    /// Send an ingredient or prep to another restaurant, acting as a user
    /// who holds a role in both.
    Transfer(TransferArgs),
    /// An ingredient's preparation yields; with --set, replace them.
    Yields(YieldsArgs),
    /// Set (or with --clear remove) an ingredient's par level.
    Par(ParArgs),
}

#[derive(Debug, Args)]
pub struct YieldsArgs {
    #[arg(long)]
    pub restaurant: Uuid,
    /// The ingredient, by name.
    #[arg(long)]
    pub ingredient: String,
    /// Every yield it has, replacing the stored ones:
    /// `diced=0.70,peeled=85%`; `none` removes them all.
    #[arg(long)]
    pub set: Option<String>,
}

#[derive(Debug, Args)]
pub struct ParArgs {
    #[arg(long)]
    pub restaurant: Uuid,
    /// The ingredient, by name.
    #[arg(long)]
    pub ingredient: String,
    /// In the ingredient's base unit.
    #[arg(long, required_unless_present = "clear")]
    pub min: Option<Decimal>,
    #[arg(long, required_unless_present = "clear")]
    pub max: Option<Decimal>,
    /// Remove the par: the forecast's suggestion applies again.
    #[arg(long, conflicts_with_all = ["min", "max"])]
    pub clear: bool,
}

#[derive(Debug, Args)]
pub struct InvoiceImportArgs {
    #[arg(long)]
    pub restaurant: Uuid,
    /// The supplier, by name.
    #[arg(long)]
    pub supplier: String,
    /// The supplier's invoice number.
    #[arg(long)]
    pub number: String,
    #[arg(long)]
    pub date: NaiveDate,
    /// The purchase order it bills, to match against.
    #[arg(long)]
    pub order: Option<Uuid>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// The CSV file.
    pub file: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub struct TransferArgs {
    /// The sending restaurant.
    #[arg(long)]
    pub restaurant: Uuid,
    /// The receiving restaurant.
    #[arg(long)]
    pub to: Uuid,
    /// The account acting (its roles in both restaurants are checked).
    #[arg(long = "as")]
    pub user: String,
    /// An ingredient or prep of the sending restaurant, by name.
    #[arg(long)]
    pub item: String,
    /// In the item's base unit (a prep: its yield unit).
    #[arg(long)]
    pub quantity: Decimal,
    /// Default: today.
    #[arg(long)]
    pub date: Option<NaiveDate>,
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
        InventoryCommand::InvoiceImport(a) => invoice_import(&pool, &a).await,
        InventoryCommand::Invoices(a) => invoice_list(&pool, &a).await,
        InventoryCommand::Transfer(a) => transfer(&pool, &a).await,
        InventoryCommand::Yields(a) => yields(&pool, &a).await,
        InventoryCommand::Par(a) => par(&pool, &a).await,
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

/// A rejection with its field messages, for the terminal.
fn explained(e: flux_app::AppError) -> anyhow::Error {
    match e {
        flux_app::AppError::Rejected { ref errors, .. } if !errors.is_empty() => anyhow::anyhow!(
            "{e}: {}",
            errors
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => app_err(other),
    }
}

fn print_match(m: &flux_app::inventory::invoices::Matched) {
    let q = |v: Option<Decimal>| v.map_or_else(|| "—".to_owned(), |v| v.round_dp(3).to_string());
    println!(
        "{} {} from {} on {}: {:.2} net of credits; credit due {:.2}; {}",
        if m.invoice.kind == flux_app::inventory::InvoiceKind::Invoice {
            "invoice"
        } else {
            "credit note"
        },
        m.invoice.number,
        m.invoice.supplier,
        m.invoice.invoice_date,
        m.net_amount,
        m.credit_due,
        if m.clean { "matches" } else { "differences" }
    );
    for a in &m.invoice.price_alerts {
        println!(
            "  price rise: {} {} → {} (+{} %)",
            a.ingredient, a.previous_unit_cost, a.unit_cost, a.percent
        );
    }
    println!(
        "  {:<28} {:>10} {:>10} {:>10} {:>10}  differences",
        "item", "ordered", "received", "invoiced", "amount"
    );
    for l in &m.lines {
        let issues: Vec<String> = l
            .issues
            .iter()
            .filter_map(|i| serde_json::to_value(i).ok())
            .filter_map(|v| v["kind"].as_str().map(|k| k.replace('_', " ")))
            .collect();
        println!(
            "  {:<28} {:>10} {:>10} {:>10} {:>10.2}  {}",
            l.name.chars().take(28).collect::<String>(),
            q(l.ordered),
            q(l.received),
            l.invoiced.round_dp(3),
            l.amount,
            issues.join(", ")
        );
    }
}

async fn invoice_import(pool: &flux_store::PgPool, a: &InvoiceImportArgs) -> anyhow::Result<()> {
    let bytes = std::fs::read(&a.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", a.file.display()))?;
    let (lines, skipped) = flux_app::inventory::invoices::parse_csv(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: {}", a.file.display(), explained(e)))?;
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), a.restaurant).await?;
    let kitchen = kitchen_of(&mut tx, a.restaurant).await?;
    let key = a.supplier.trim().to_lowercase();
    let Some(supplier) = flux_app::purchasing::suppliers::list(&mut tx, a.restaurant)
        .await
        .map_err(app_err)?
        .into_iter()
        .find(|s| s.name.trim().to_lowercase() == key)
    else {
        anyhow::bail!(
            "no supplier named {:?} in restaurant {}",
            a.supplier,
            a.restaurant
        );
    };
    let input = flux_app::inventory::invoices::InvoiceInput {
        supplier_id: supplier.supplier_id,
        number: a.number.clone(),
        invoice_date: a.date,
        purchase_order_id: a.order,
        note: None,
        lines,
    };
    let v = flux_app::inventory::invoices::record(&mut tx, a.restaurant, &kitchen, &input, None)
        .await
        .map_err(explained)?;
    let m = flux_app::inventory::invoices::matched(&mut tx, a.restaurant, v.id)
        .await
        .map_err(app_err)?;
    tx.commit().await?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&m)?);
        return Ok(());
    }
    println!(
        "recorded {} lines ({} summary rows skipped) as {}",
        v.lines.len(),
        skipped,
        v.id
    );
    print_match(&m);
    Ok(())
}

async fn invoice_list(pool: &flux_store::PgPool, a: &RestaurantArgs) -> anyhow::Result<()> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), a.restaurant).await?;
    kitchen_of(&mut tx, a.restaurant).await?;
    let list = flux_app::inventory::invoices::list(&mut tx, a.restaurant, None, None, 50)
        .await
        .map_err(app_err)?;
    let mut matches = Vec::new();
    for v in list
        .iter()
        .filter(|v| v.kind == flux_app::inventory::InvoiceKind::Invoice)
    {
        matches.push(
            flux_app::inventory::invoices::matched(&mut tx, a.restaurant, v.id)
                .await
                .map_err(app_err)?,
        );
    }
    tx.commit().await?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&matches)?);
        return Ok(());
    }
    if matches.is_empty() {
        println!("no invoices recorded");
    }
    for m in &matches {
        print_match(m);
    }
    Ok(())
}

async fn transfer(pool: &flux_store::PgPool, a: &TransferArgs) -> anyhow::Result<()> {
    let Some(user) = flux_app::accounts::user_id_by_email(pool, &a.user)
        .await
        .map_err(app_err)?
    else {
        anyhow::bail!("--as: no account has the e-mail {:?}", a.user);
    };
    let mut tx = flux_store::tenant::begin(pool, user, a.restaurant).await?;
    let role = flux_app::restaurants::mine(&mut tx, user)
        .await
        .map_err(app_err)?
        .into_iter()
        .find(|r| r.restaurant.restaurant_id == a.restaurant)
        .map(|r| r.role);
    match role {
        None => anyhow::bail!(
            "--as: {} holds no role in restaurant {}",
            a.user,
            a.restaurant
        ),
        Some(r) if !r.can(flux_domain::role::Action::WriteData) => {
            anyhow::bail!(
                "--as: {} is {r} in restaurant {}, which cannot move its stock",
                a.user,
                a.restaurant
            )
        }
        Some(_) => {}
    }
    let kitchen = kitchen_of(&mut tx, a.restaurant).await?;
    let (ingredient_id, recipe_id) = match kitchen.ingredient_named(&a.item) {
        Some(i) => (Some(i.ingredient_id), None),
        None => {
            let key = a.item.trim().to_lowercase();
            match kitchen
                .rows
                .recipes
                .iter()
                .find(|r| r.menu_item_id.is_none() && r.name.trim().to_lowercase() == key)
            {
                Some(r) => (None, Some(r.recipe_id)),
                None => anyhow::bail!(
                    "--item: no ingredient or prep named {:?} in restaurant {}",
                    a.item,
                    a.restaurant
                ),
            }
        }
    };
    let t = flux_app::inventory::transfers::send(
        &mut tx,
        a.restaurant,
        user,
        &kitchen,
        &flux_app::inventory::transfers::TransferInput {
            restaurant_id: a.to,
            date: a.date,
            note: None,
            lines: vec![flux_app::inventory::transfers::LineInput {
                ingredient_id,
                recipe_id,
                quantity: a.quantity,
            }],
        },
    )
    .await
    .map_err(explained)?;
    tx.commit().await?;
    println!(
        "sent {} {} of {} to {} on {}, valued {}",
        a.quantity,
        t.lines.first().map_or("", |l| l.unit.as_str()),
        a.item,
        t.counterpart,
        t.date,
        t.value
            .map_or_else(|| "without a cost".to_owned(), |v| format!("{v:.2}"))
    );
    Ok(())
}

/// The ingredient named (any case): its id, stored name and base unit.
fn ingredient_id(
    kitchen: &Kitchen,
    name: &str,
    restaurant: Uuid,
) -> anyhow::Result<(Uuid, String, String)> {
    kitchen
        .ingredient_named(name)
        .map(|r| (r.ingredient_id, r.name.clone(), r.base_unit.clone()))
        .ok_or_else(|| anyhow::anyhow!("no ingredient named {name:?} in restaurant {restaurant}"))
}

async fn yields(pool: &flux_store::PgPool, a: &YieldsArgs) -> anyhow::Result<()> {
    use flux_app::costing::ingredients::{self, YieldInput};
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), a.restaurant).await?;
    let kitchen = kitchen_of(&mut tx, a.restaurant).await?;
    let (id, name, _) = ingredient_id(&kitchen, &a.ingredient, a.restaurant)?;
    let rows = match a.set.as_deref().map(str::trim) {
        None => ingredients::yields_of(&kitchen, id),
        Some(list) => {
            let mut input = Vec::new();
            if list != "none" {
                for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    let Some((action, share)) = part.split_once('=') else {
                        anyhow::bail!("--set: {part:?} is not action=yield (diced=0.70)");
                    };
                    input.push(YieldInput {
                        action: action.trim().to_owned(),
                        share: share.trim().to_owned(),
                    });
                }
            }
            let rows = ingredients::set_yields(&mut tx, a.restaurant, &kitchen, id, &input)
                .await
                .map_err(explained)?;
            tx.commit().await?;
            rows
        }
    };
    if rows.is_empty() {
        println!("{name}: no preparation yields");
    }
    for y in rows {
        println!("{name}, {}: {}", y.action, y.edible_share.normalize());
    }
    Ok(())
}

async fn par(pool: &flux_store::PgPool, a: &ParArgs) -> anyhow::Result<()> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), a.restaurant).await?;
    let kitchen = kitchen_of(&mut tx, a.restaurant).await?;
    let (id, name, unit) = ingredient_id(&kitchen, &a.ingredient, a.restaurant)?;
    let value = match (a.clear, a.min, a.max) {
        (true, _, _) => None,
        (false, Some(min), Some(max)) => Some((min, max)),
        _ => anyhow::bail!("give --min and --max, or --clear"),
    };
    flux_app::purchasing::plan::set_par(&mut tx, a.restaurant, &kitchen, id, value)
        .await
        .map_err(explained)?;
    tx.commit().await?;
    match value {
        Some((min, max)) => println!("{name}: par {min}–{max} {unit}"),
        None => println!("{}: par removed; the forecast's suggestion applies", name),
    }
    Ok(())
}
