//! The actual-against-theoretical report of a period, and its trend.
//!
//! Inputs, per ingredient: its counts, deliveries and logged waste (its own
//! and that of wasted preps and dishes, through their recipes) from the
//! last count before the period to its end; and the theoretical use of
//! every dish sold, per day, as purchased (each portion exploded through
//! the recipe and its sub-recipes, the waste factor's trim included). The
//! engine (`flux_costing::variance`) lines the windows up and does the
//! arithmetic; prices are those in effect on the period's last day.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use flux_costing::variance::{self, IngredientUsage, Movement, MovementKind};
use flux_store::PgConnection;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

pub use flux_costing::variance::{VarianceLine, VarianceReport, VarianceTotals, Window};

use crate::costing::Kitchen;
use crate::inventory::Result;
use crate::purchasing::stock::Kind;

/// The report with each line's ingredient id beside the engine's figures.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    #[serde(flatten)]
    pub report: VarianceReport,
    /// Ingredient ids in the order of `report.lines`.
    pub ingredient_ids: Vec<Uuid>,
}

/// One period of the trend.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrendPoint {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub totals: VarianceTotals,
}

/// The report of `[from, to]`.
pub async fn report(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Report> {
    let (from, to) = crate::inventory::period(from, to)?;
    let events = flux_store::inventory::period_events(conn, rid, from, to).await?;
    let start = events
        .iter()
        .map(|e| e.event_date)
        .min()
        .map_or(from, |d| d.min(from));

    let mut movements: HashMap<Uuid, Vec<Movement>> = HashMap::new();
    for e in &events {
        let kind = match Kind::parse(&e.kind) {
            Some(Kind::Count) => MovementKind::Count,
            Some(Kind::Delivery) => MovementKind::Delivery,
            Some(Kind::Waste) => MovementKind::Waste,
            Some(Kind::Return) => MovementKind::Return,
            Some(Kind::TransferIn) => MovementKind::TransferIn,
            Some(Kind::TransferOut) => MovementKind::TransferOut,
            None => return Err(crate::purchasing::undecodable("stock event kind", &e.kind)),
        };
        movements
            .entry(e.ingredient_id)
            .or_default()
            .push(Movement {
                date: e.event_date,
                kind,
                quantity: e.quantity,
            });
    }
    for w in flux_store::inventory::recipe_waste_between(conn, rid, start, to).await? {
        for (ingredient, quantity) in
            crate::inventory::waste::exploded(kitchen, w.recipe_id, w.quantity)
        {
            movements.entry(ingredient).or_default().push(Movement {
                date: w.waste_date,
                kind: MovementKind::Waste,
                quantity,
            });
        }
    }

    // One portion of each dish, exploded once, then scaled by each day's
    // sales.
    let mut per_portion: HashMap<Uuid, (String, Vec<(Uuid, Decimal)>)> = HashMap::new();
    let mut theoretical: HashMap<Uuid, Vec<(NaiveDate, String, Decimal)>> = HashMap::new();
    for day in flux_store::purchasing::dish_days(conn, rid, start, to).await? {
        let (dish, uses) = match per_portion.entry(day.menu_item_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(slot) => {
                let Some(recipe) = kitchen.recipe_for_item(day.menu_item_id) else {
                    continue;
                };
                let dish = kitchen
                    .book_name(recipe.recipe_id)
                    .unwrap_or(&recipe.name)
                    .to_owned();
                let uses =
                    crate::inventory::waste::exploded(kitchen, recipe.recipe_id, Decimal::ONE);
                slot.insert((dish, uses))
            }
        };
        for (ingredient, per) in uses {
            let Some(quantity) = per.checked_mul(day.quantity) else {
                continue;
            };
            theoretical
                .entry(*ingredient)
                .or_default()
                .push((day.date, dish.clone(), quantity));
        }
    }

    let mut inputs = Vec::new();
    let mut ids = Vec::new();
    for row in &kitchen.rows.ingredients {
        let unit_cost = kitchen
            .book
            .ingredient(&row.name)
            .and_then(|i| i.cost_as_of(to).ok())
            .map_or(row.unit_cost, |m| m.amount());
        ids.push((row.name.clone(), row.ingredient_id));
        inputs.push(IngredientUsage {
            ingredient: row.name.clone(),
            base_unit: row.base_unit.clone(),
            unit_cost,
            movements: movements.remove(&row.ingredient_id).unwrap_or_default(),
            theoretical: theoretical.remove(&row.ingredient_id).unwrap_or_default(),
        });
    }
    let revenue = flux_store::inventory::revenue(conn, rid, from, to).await?;
    let report = variance::report(from, to, &inputs, revenue)
        .map_err(|e| crate::AppError::from(crate::costing::KitchenError::from(e)))?;
    let by_name: HashMap<String, Uuid> = ids.into_iter().collect();
    let ingredient_ids = report
        .lines
        .iter()
        .map(|l| by_name.get(&l.ingredient).copied().unwrap_or_default())
        .collect();
    Ok(Report {
        report,
        ingredient_ids,
    })
}

/// The most periods a trend shows.
pub const MAX_TREND_PERIODS: u32 = 12;

/// The totals of `periods` consecutive periods of `days` days, the last
/// ending on `to`, oldest first.
pub async fn trend(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    to: NaiveDate,
    days: u32,
    periods: u32,
) -> Result<Vec<TrendPoint>> {
    if !(1..=92).contains(&days) {
        return Err(
            flux_domain::Invalid::one("days", "out_of_range", "must be between 1 and 92").into(),
        );
    }
    if !(1..=MAX_TREND_PERIODS).contains(&periods) {
        return Err(flux_domain::Invalid::one(
            "periods",
            "out_of_range",
            format!("must be between 1 and {MAX_TREND_PERIODS}"),
        )
        .into());
    }
    let mut out = Vec::new();
    for k in (0..periods).rev() {
        let end = to - Duration::days(i64::from(k) * i64::from(days));
        let start = end - Duration::days(i64::from(days) - 1);
        let r = report(conn, rid, kitchen, start, end).await?;
        out.push(TrendPoint {
            from: start,
            to: end,
            totals: r.report.totals,
        });
    }
    Ok(out)
}
