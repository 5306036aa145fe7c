//! Stock counts, deliveries and waste, and the on-hand estimate between
//! counts.
//!
//! Usage is never typed in: it is what the recipes say the sales used
//! (portions sold × the dish's gross quantity per portion, waste factor
//! included, through sub-recipes). Wasted preps and dishes take their
//! ingredients off through their recipes the same way. A count is the
//! stock at the end of its day, so usage and deliveries count from the day
//! after.

use std::collections::HashMap;

use crate::costing::Kitchen;
use chrono::NaiveDate;
use flux_costing::Unit;
use flux_domain::{FieldError, Invalid};
use flux_purchasing::StockEvent;
use flux_store::PgConnection;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub use flux_store::purchasing::StockEventRow;

use crate::purchasing::{undecodable, Result};
use crate::AppError;

/// What kind of stock event is being recorded. Stored as its lower-case
/// name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
// Named for the document, where `Kind` alone would say nothing.
#[schema(as = StockKind)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// What was on the shelf at the end of the day.
    Count,
    /// What arrived, by purchase order or not.
    Delivery,
    /// What was thrown away.
    Waste,
    /// What went back to the supplier (recorded with its credit note).
    Return,
    /// What arrived from another restaurant (recorded by the transfer).
    TransferIn,
    /// What left for another restaurant (recorded by the transfer).
    TransferOut,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Count,
        Kind::Delivery,
        Kind::Waste,
        Kind::Return,
        Kind::TransferIn,
        Kind::TransferOut,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Count => "count",
            Kind::Delivery => "delivery",
            Kind::Waste => "waste",
            Kind::Return => "return",
            Kind::TransferIn => "transfer_in",
            Kind::TransferOut => "transfer_out",
        }
    }

    /// The kind named `s` exactly as stored.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One event as received.
#[derive(Debug, Clone, Deserialize)]
pub struct EventInput {
    pub ingredient_id: Uuid,
    pub quantity: Decimal,
    /// Any unit the ingredient converts to; default its base unit.
    pub unit: Option<String>,
    pub note: Option<String>,
    /// Why, for waste (default `other`); refused for counts and deliveries.
    #[serde(default)]
    pub reason: Option<flux_store::status::WasteReason>,
}

/// Records events of one kind on one date, all or none; quantities are
/// converted to each ingredient's base unit.
pub async fn record(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    kind: Kind,
    date: NaiveDate,
    items: &[EventInput],
) -> Result<Vec<StockEventRow>> {
    let mut errors = Vec::new();
    let mut ready = Vec::new();
    if items.is_empty() {
        errors.push(FieldError::new(
            "items",
            "required",
            "give at least one ingredient",
        ));
    }
    for (i, item) in items.iter().enumerate() {
        let field = |f: &str| format!("items.{i}.{f}");
        let Some(row) = kitchen.ingredient(item.ingredient_id) else {
            errors.push(FieldError::new(
                field("ingredient_id"),
                "unknown",
                "no such ingredient in this restaurant",
            ));
            continue;
        };
        if item.quantity < Decimal::ZERO {
            errors.push(FieldError::new(
                field("quantity"),
                "negative",
                "must not be negative",
            ));
            continue;
        }
        if item.reason.is_some() && kind != Kind::Waste {
            errors.push(FieldError::new(
                field("reason"),
                "not_waste",
                "only waste has a reason",
            ));
            continue;
        }
        let base = match item
            .unit
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            None => Ok(item.quantity),
            Some(u) => match Unit::parse(u) {
                Ok(unit) => kitchen
                    .book
                    .ingredient(&row.name)
                    .ok_or_else(AppError::not_found)?
                    .to_base(item.quantity, unit)
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            },
        };
        match base {
            Ok(q) => ready.push((item, q)),
            Err(message) => errors.push(FieldError::new(field("unit"), "invalid", message)),
        }
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let mut out = Vec::new();
    for (item, quantity) in ready {
        let note = item
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        out.push(
            flux_store::purchasing::insert_event(
                conn,
                rid,
                &flux_store::purchasing::NewEvent {
                    ingredient_id: item.ingredient_id,
                    kind: kind.as_str(),
                    date,
                    quantity: quantity.normalize(),
                    note,
                    purchase_order_id: None,
                    reason: (kind == Kind::Waste).then(|| {
                        item.reason
                            .unwrap_or(flux_store::status::WasteReason::Other)
                            .as_str()
                    }),
                    transfer_id: None,
                    invoice_id: None,
                },
            )
            .await?,
        );
    }
    Ok(out)
}

/// Gross base units of each ingredient in one portion of each dish.
pub fn usage_per_portion(kitchen: &Kitchen) -> HashMap<Uuid, Vec<(Uuid, f64)>> {
    let mut out = HashMap::new();
    for r in &kitchen.rows.recipes {
        let Some(item) = r.menu_item_id else { continue };
        if let Ok(ex) = kitchen.explode_items(&[(item, Decimal::ONE)]) {
            out.insert(
                item,
                ex.needs
                    .iter()
                    .map(|n| {
                        (
                            n.ingredient_id,
                            n.gross_quantity.to_f64().unwrap_or_default(),
                        )
                    })
                    .collect(),
            );
        }
    }
    out
}

/// The on-hand estimate of one ingredient.
#[derive(Debug, Clone, Serialize)]
pub struct OnHand {
    pub ingredient_id: Uuid,
    pub ingredient: String,
    pub base_unit: String,
    pub last_count: Option<NaiveDate>,
    /// `None` until the ingredient is first counted: unknown is not zero.
    pub on_hand: Option<f64>,
}

/// Every ingredient's estimated stock at the end of `as_of`.
pub async fn on_hand(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    as_of: NaiveDate,
) -> Result<Vec<OnHand>> {
    let events = flux_store::purchasing::events_since_last_count(conn, rid).await?;
    let mut by_ingredient: HashMap<Uuid, Vec<StockEvent>> = HashMap::new();
    let mut counted: HashMap<Uuid, NaiveDate> = HashMap::new();
    for e in &events {
        let quantity = e.quantity.to_f64().unwrap_or_default();
        let kind = Kind::parse(&e.kind).ok_or_else(|| undecodable("stock event kind", &e.kind))?;
        let event = match kind {
            Kind::Count => {
                counted.insert(e.ingredient_id, e.event_date);
                StockEvent::Count {
                    date: e.event_date,
                    quantity,
                }
            }
            Kind::Delivery | Kind::TransferIn => StockEvent::Delivery {
                date: e.event_date,
                quantity,
            },
            Kind::Return | Kind::TransferOut => StockEvent::Removed {
                date: e.event_date,
                quantity,
            },
            Kind::Waste => StockEvent::Waste {
                date: e.event_date,
                quantity,
            },
        };
        by_ingredient
            .entry(e.ingredient_id)
            .or_default()
            .push(event);
    }
    // Usage since the oldest of the latest counts.
    if let Some(from) = counted.values().min().copied() {
        let per_portion = usage_per_portion(kitchen);
        for day in flux_store::purchasing::dish_days(conn, rid, from, as_of).await? {
            let Some(uses) = per_portion.get(&day.menu_item_id) else {
                continue;
            };
            let sold = day.quantity.to_f64().unwrap_or_default();
            for (ingredient, per) in uses {
                if counted.get(ingredient).is_some_and(|c| day.date > *c) {
                    by_ingredient
                        .entry(*ingredient)
                        .or_default()
                        .push(StockEvent::Usage {
                            date: day.date,
                            quantity: sold * per,
                        });
                }
            }
        }
    }
    // Wasted preps and dishes took their ingredients off the shelf too.
    if let Some(from) = counted.values().min().copied() {
        for w in flux_store::inventory::recipe_waste_between(conn, rid, from, as_of).await? {
            for (ingredient, quantity) in
                crate::inventory::waste::exploded(kitchen, w.recipe_id, w.quantity)
            {
                if counted.get(&ingredient).is_some_and(|c| w.waste_date > *c) {
                    by_ingredient
                        .entry(ingredient)
                        .or_default()
                        .push(StockEvent::Waste {
                            date: w.waste_date,
                            quantity: quantity.to_f64().unwrap_or_default(),
                        });
                }
            }
        }
    }
    Ok(kitchen
        .rows
        .ingredients
        .iter()
        .map(|i| OnHand {
            ingredient_id: i.ingredient_id,
            ingredient: i.name.clone(),
            base_unit: i.base_unit.clone(),
            last_count: counted.get(&i.ingredient_id).copied(),
            on_hand: by_ingredient
                .get(&i.ingredient_id)
                .and_then(|ev| flux_purchasing::project_on_hand(ev, as_of)),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_as_stored() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::parse("usage"), None, "usage is derived, never stored");
    }
}
