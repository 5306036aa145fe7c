//! The kitchen's prep list for a day: portions of each dish at the
//! restaurant's service level, and the preps (sub-recipes) those portions
//! need, in the preps' own yield units and batches, net of prepared stock
//! still usable that day.

use std::collections::BTreeMap;

use crate::costing::Kitchen;
use chrono::NaiveDate;
use flux_costing::Unit;
use flux_purchasing::QuantileForecast;
use flux_store::PgConnection;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::purchasing::Result;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PrepDish {
    pub menu_item_id: Uuid,
    pub dish: String,
    /// The forecast's median for the day.
    pub p50: f64,
    /// Portions to be ready for: the service-level quantile, rounded up.
    pub portions: u32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PrepItem {
    pub recipe_id: Uuid,
    pub prep: String,
    /// What the day's portions need, in the prep's yield unit.
    pub needed: Decimal,
    /// Already made and still usable (the latest prep count).
    pub on_hand: Decimal,
    /// To make: needed − on hand, never below zero.
    pub quantity: Decimal,
    pub unit: String,
    /// Batches of the prep's recipe to make (fractional: scale the recipe).
    pub batches: Decimal,
    pub for_dishes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PrepList {
    pub date: NaiveDate,
    pub service_level: f64,
    pub dishes: Vec<PrepDish>,
    pub preps: Vec<PrepItem>,
    /// What the list could not account for (no forecast, units a prep
    /// cannot be converted to).
    pub notes: Vec<String>,
}

pub async fn prep_list(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    date: NaiveDate,
    service_level: f64,
) -> Result<PrepList> {
    let forecasts = flux_store::purchasing::forecast_days(conn, rid, date, date).await?;
    let mut notes = Vec::new();
    let mut dishes = Vec::new();
    // recipe id → (quantity in its yield unit, dishes it serves)
    let mut preps: BTreeMap<Uuid, (Decimal, Vec<String>)> = BTreeMap::new();
    for f in &forecasts {
        let Some(recipe) = kitchen.recipe_for_item(f.menu_item_id) else {
            continue;
        };
        let q = QuantileForecast {
            mean: f.mean,
            p10: f.p10,
            p50: f.p50,
            p90: f.p90,
            p99: f.p99,
        };
        // The same quantile function purchasing samples from, so the prep
        // list and the orders agree on what a busy day looks like.
        let portions = q.quantile(service_level).max(0.0).ceil();
        let portions_u32 = portions.to_u32().unwrap_or(0);
        dishes.push(PrepDish {
            menu_item_id: f.menu_item_id,
            dish: recipe.name.clone(),
            p50: f.p50,
            portions: portions_u32,
        });
        if portions_u32 == 0 {
            continue;
        }
        let batches = Decimal::from(portions_u32) / recipe.yield_amount;
        walk(
            kitchen,
            recipe.recipe_id,
            batches,
            &recipe.name,
            &mut preps,
            &mut notes,
            0,
        );
    }
    if forecasts.is_empty() {
        notes.push(format!(
            "no forecast for {date}: refresh the forecast first"
        ));
    }
    let on_hand: std::collections::HashMap<Uuid, Decimal> =
        flux_store::purchasing::usable_prep_stock(conn, rid, date)
            .await?
            .into_iter()
            .collect();
    dishes.sort_by(|a, b| a.dish.cmp(&b.dish));
    let preps = preps
        .into_iter()
        .filter_map(|(id, (needed, mut for_dishes))| {
            let r = kitchen.recipe(id)?;
            for_dishes.sort();
            for_dishes.dedup();
            let stock = on_hand.get(&id).copied().unwrap_or(Decimal::ZERO);
            let to_make = (needed - stock).max(Decimal::ZERO);
            Some(PrepItem {
                recipe_id: id,
                prep: r.name.clone(),
                needed: needed.round_dp(3).normalize(),
                on_hand: stock.normalize(),
                quantity: to_make.round_dp(3).normalize(),
                unit: r.yield_unit.clone(),
                batches: (to_make / r.yield_amount).round_dp(2).normalize(),
                for_dishes,
            })
        })
        .collect();
    Ok(PrepList {
        date,
        service_level,
        dishes,
        preps,
        notes,
    })
}

/// Adds the preps `batches` of recipe `id` use, recursing into preps of
/// preps. The book is acyclic (checked on every write); the depth guard
/// only bounds the work.
fn walk(
    kitchen: &Kitchen,
    id: Uuid,
    batches: Decimal,
    dish: &str,
    preps: &mut BTreeMap<Uuid, (Decimal, Vec<String>)>,
    notes: &mut Vec<String>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    for line in kitchen.rows.lines.iter().filter(|l| l.recipe_id == id) {
        let Some(sub) = line.sub_recipe_id.and_then(|s| kitchen.recipe(s)) else {
            continue;
        };
        let converted = match (Unit::parse(&line.unit), Unit::parse(&sub.yield_unit)) {
            (Ok(from), Ok(to)) => flux_costing::convert(line.quantity * batches, from, to).ok(),
            _ => None,
        };
        let Some(amount) = converted else {
            notes.push(format!(
                "{dish}: {} {} of {} cannot be expressed in {}",
                line.quantity, line.unit, sub.name, sub.yield_unit
            ));
            continue;
        };
        let entry = preps
            .entry(sub.recipe_id)
            .or_insert((Decimal::ZERO, Vec::new()));
        entry.0 += amount;
        entry.1.push(dish.to_owned());
        walk(
            kitchen,
            sub.recipe_id,
            amount / sub.yield_amount,
            dish,
            preps,
            notes,
            depth + 1,
        );
    }
}

/// The restaurant's service level as a quantile, from the setting
/// (a share such as 0.9).
pub fn level_from_setting(setting: f64) -> f64 {
    if setting.is_finite() {
        setting.clamp(0.5, 0.99)
    } else {
        0.9
    }
}

/// Records a count of prepared stock: `quantity` in the prep's yield unit,
/// usable until `usable_until`.
pub async fn record_count(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    recipe: Uuid,
    counted_on: NaiveDate,
    quantity: Decimal,
    usable_until: NaiveDate,
) -> Result<()> {
    let mut errors = Vec::new();
    match kitchen.recipe(recipe) {
        Some(r) if r.menu_item_id.is_none() => {}
        Some(_) => errors.push(flux_domain::FieldError::new(
            "recipe_id",
            "not_a_prep",
            "prepared stock is counted for preps (sub-recipes), not dishes",
        )),
        None => errors.push(flux_domain::FieldError::new(
            "recipe_id",
            "unknown",
            "no such prep in this restaurant",
        )),
    }
    if quantity < Decimal::ZERO {
        errors.push(flux_domain::FieldError::new(
            "quantity",
            "negative",
            "must not be negative",
        ));
    }
    if usable_until < counted_on {
        errors.push(flux_domain::FieldError::new(
            "usable_until",
            "before_count",
            "must not be before the day it was counted",
        ));
    }
    if !errors.is_empty() {
        return Err(flux_domain::Invalid(errors).into());
    }
    flux_store::purchasing::insert_prep_count(
        conn,
        rid,
        recipe,
        counted_on,
        quantity,
        usable_until,
    )
    .await?;
    Ok(())
}
