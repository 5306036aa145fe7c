//! Ingredient explosion: dishes × quantities → ingredient quantities, with
//! and without waste, through sub-recipes, in purchase units and packs.
//! Procurement reuses [`Kitchen::explode_items`] on forecast demand.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use flux_costing::{Quantity, Unit, WasteFactor};
use flux_store::PgConnection;
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::costing::{Kitchen, KitchenError};

/// What one ingredient is needed for the whole demand.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Need {
    pub ingredient_id: Uuid,
    pub ingredient: String,
    /// The unit quantities are in: the one the ingredient is bought and
    /// priced in.
    pub unit: Unit,
    pub waste_factor: WasteFactor,
    /// What the recipes call for.
    pub net_quantity: Decimal,
    /// Net × (1 + waste factor): what has to be bought.
    pub gross_quantity: Decimal,
    pub pack_size: Option<Quantity>,
    /// Whole packs covering the gross quantity.
    pub packs: Option<Decimal>,
    pub supplier: Option<String>,
    /// Net quantity by dish.
    pub by_dish: BTreeMap<String, Decimal>,
}

/// A dish in the demand that has no recipe yet: its ingredients are
/// missing from the totals, and the operator should know.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Uncovered {
    pub menu_item_id: Uuid,
    pub quantity: Decimal,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExplosionReport {
    pub needs: Vec<Need>,
    pub uncovered: Vec<Uncovered>,
}

impl Kitchen {
    /// Explodes demand given per menu item.
    pub fn explode_items(
        &self,
        demand: &[(Uuid, Decimal)],
    ) -> Result<ExplosionReport, KitchenError> {
        let mut dishes: BTreeMap<String, Decimal> = BTreeMap::new();
        let mut uncovered = Vec::new();
        for &(item, quantity) in demand {
            if quantity < Decimal::ZERO {
                return Err(flux_domain::Invalid::one(
                    "quantity",
                    "negative",
                    format!("demand for menu item {item} must not be negative"),
                )
                .into());
            }
            match self
                .recipe_for_item(item)
                .and_then(|r| self.book_name(r.recipe_id))
            {
                Some(name) => *dishes.entry(name.to_owned()).or_default() += quantity,
                None => uncovered.push(Uncovered {
                    menu_item_id: item,
                    quantity,
                }),
            }
        }
        let explosion = self.book.explode(dishes)?;
        let needs = explosion
            .needs
            .into_iter()
            .map(|n| {
                let row = self.ingredient_named(&n.ingredient);
                Need {
                    ingredient_id: row.map(|r| r.ingredient_id).unwrap_or_default(),
                    supplier: row.and_then(|r| r.supplier.clone()),
                    ingredient: n.ingredient,
                    unit: n.base_unit,
                    waste_factor: n.waste_factor,
                    net_quantity: n.net_quantity.normalize(),
                    gross_quantity: n.gross_quantity.normalize(),
                    pack_size: n.pack_size,
                    packs: n.packs_gross,
                    by_dish: n.by_dish,
                }
            })
            .collect();
        Ok(ExplosionReport { needs, uncovered })
    }
}

/// Units sold per menu item over a period: "what did last week use?".
pub async fn sales_demand(
    conn: &mut PgConnection,
    rid: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(Uuid, Decimal)>, KitchenError> {
    Ok(flux_store::costing::item_sales(conn, rid, from, to)
        .await?
        .into_iter()
        .map(|s| (s.menu_item_id, s.quantity))
        .collect())
}

/// Forecast demand per menu item over a period from the newest forecast
/// run: the mean, or the p90 when planning for a busy outcome.
pub async fn forecast_demand(
    conn: &mut PgConnection,
    rid: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    p90: bool,
) -> Result<Vec<(Uuid, Decimal)>, KitchenError> {
    Ok(flux_store::costing::item_forecasts(conn, rid, from, to)
        .await?
        .into_iter()
        .map(|f| {
            let value = if p90 { f.p90 } else { f.mean };
            let exact = Decimal::from_f64(value.max(0.0))
                .unwrap_or_default()
                .round_dp(3);
            (f.menu_item_id, exact)
        })
        .collect())
}
