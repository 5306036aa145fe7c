//! The waste log: what was thrown away, why, and what it cost.
//!
//! Ingredient waste is a stock event (it lowers the on-hand estimate like
//! any other). A wasted prep or dish is stored as itself, in its recipe's
//! yield unit, and its ingredients are derived through the recipe whenever
//! they are needed (costing, the variance report, on-hand), so correcting
//! a recipe later corrects the waste it explains.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use flux_costing::Unit;
use flux_domain::{FieldError, Invalid};
use flux_store::PgConnection;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::costing::Kitchen;
use crate::inventory::{Result, WasteReason};
use crate::AppError;

/// What was wasted: one of an ingredient or a recipe (prep or dish).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WasteInput {
    pub ingredient_id: Option<Uuid>,
    /// A prep or a dish's recipe; its quantity is in the recipe's yield
    /// unit (portions for a dish) unless `unit` says otherwise.
    pub recipe_id: Option<Uuid>,
    pub quantity: Decimal,
    /// For an ingredient, any unit it converts to (default its base unit);
    /// for a prep, a unit its yield converts to.
    pub unit: Option<String>,
    pub reason: WasteReason,
    pub note: Option<String>,
}

/// What kind of thing an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WastedKind {
    Ingredient,
    Prep,
    Dish,
}

/// One entry of the log, costed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WasteEntry {
    pub waste_id: Uuid,
    pub date: NaiveDate,
    pub kind: WastedKind,
    /// The ingredient's or recipe's id.
    pub item_id: Uuid,
    pub item: String,
    pub quantity: Decimal,
    /// The ingredient's base unit, the prep's yield unit, or "each" for
    /// portions of a dish.
    pub unit: String,
    pub reason: WasteReason,
    pub note: Option<String>,
    /// At the ingredient's price of the day (through the recipe for preps
    /// and dishes); `None` when no price was in effect.
    pub value: Option<Decimal>,
}

/// Money wasted for one reason or one item.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WasteTotal {
    pub name: String,
    pub value: Decimal,
    pub entries: usize,
}

/// The log of a period with its totals.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WasteLog {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Newest first.
    pub entries: Vec<WasteEntry>,
    pub total_value: Decimal,
    /// Largest first.
    pub by_reason: Vec<WasteTotal>,
    /// The costliest items, largest first (at most 10).
    pub by_item: Vec<WasteTotal>,
    pub revenue: Decimal,
    /// Waste as a percentage of sales; `None` without sales.
    pub waste_pct: Option<Decimal>,
}

/// A checked entry, ready to store.
enum Ready<'a> {
    Ingredient {
        input: &'a WasteInput,
        id: Uuid,
        base: Decimal,
    },
    Recipe {
        input: &'a WasteInput,
        id: Uuid,
        quantity: Decimal,
    },
}

const MAX_NOTE: usize = 500;

/// The most entries one request logs: a long evening's waste sheet, and a
/// bound on the rows one request writes.
pub const MAX_ENTRIES: usize = 200;

/// Records waste on `date`, all entries or none.
pub async fn record(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    date: NaiveDate,
    items: &[WasteInput],
    recorded_by: Option<Uuid>,
) -> Result<Vec<Uuid>> {
    let mut errors = Vec::new();
    if items.is_empty() {
        errors.push(FieldError::new(
            "items",
            "required",
            "give at least one entry",
        ));
    }
    let mut ready = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let field = |f: &str| format!("items.{i}.{f}");
        if item.quantity <= Decimal::ZERO {
            errors.push(FieldError::new(
                field("quantity"),
                "not_positive",
                "must be greater than zero",
            ));
            continue;
        }
        if item
            .note
            .as_deref()
            .is_some_and(|n| n.chars().count() > MAX_NOTE)
        {
            errors.push(FieldError::new(
                field("note"),
                "too_long",
                format!("at most {MAX_NOTE} characters"),
            ));
            continue;
        }
        let unit = match item
            .unit
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            None => None,
            Some(u) => match Unit::parse(u) {
                Ok(unit) => Some(unit),
                Err(e) => {
                    errors.push(FieldError::new(field("unit"), "invalid", e.to_string()));
                    continue;
                }
            },
        };
        match (item.ingredient_id, item.recipe_id) {
            (Some(id), None) => {
                let Some(row) = kitchen.ingredient(id) else {
                    errors.push(FieldError::new(
                        field("ingredient_id"),
                        "unknown",
                        "no such ingredient in this restaurant",
                    ));
                    continue;
                };
                let base = match unit {
                    None => Ok(item.quantity),
                    Some(unit) => kitchen
                        .book
                        .ingredient(&row.name)
                        .ok_or_else(AppError::not_found)?
                        .to_base(item.quantity, unit)
                        .map_err(|e| e.to_string()),
                };
                match base {
                    Ok(base) => ready.push(Ready::Ingredient {
                        input: item,
                        id,
                        base,
                    }),
                    Err(m) => errors.push(FieldError::new(field("unit"), "invalid", m)),
                }
            }
            (None, Some(id)) => {
                let Some(recipe) = kitchen.recipe(id) else {
                    errors.push(FieldError::new(
                        field("recipe_id"),
                        "unknown",
                        "no such recipe in this restaurant",
                    ));
                    continue;
                };
                let quantity = match (unit, recipe.menu_item_id) {
                    (None, _) => Ok(item.quantity),
                    (Some(Unit::Each), Some(_)) => Ok(item.quantity),
                    (Some(_), Some(_)) => Err("a dish is wasted in portions".to_owned()),
                    (Some(unit), None) => Unit::parse(&recipe.yield_unit)
                        .and_then(|to| flux_costing::convert(item.quantity, unit, to))
                        .map_err(|e| e.to_string()),
                };
                match quantity {
                    Ok(quantity) => ready.push(Ready::Recipe {
                        input: item,
                        id,
                        quantity,
                    }),
                    Err(m) => errors.push(FieldError::new(field("unit"), "invalid", m)),
                }
            }
            _ => errors.push(FieldError::new(
                field("ingredient_id"),
                "one_required",
                "give exactly one of ingredient_id and recipe_id",
            )),
        }
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let mut ids = Vec::new();
    for r in ready {
        let note = |i: &WasteInput| {
            i.note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned)
        };
        match r {
            Ready::Ingredient { input, id, base } => {
                let note = note(input);
                let row = flux_store::purchasing::insert_event(
                    conn,
                    rid,
                    &flux_store::purchasing::NewEvent {
                        ingredient_id: id,
                        kind: crate::purchasing::stock::Kind::Waste.as_str(),
                        date,
                        quantity: base.normalize(),
                        note: note.as_deref(),
                        purchase_order_id: None,
                        reason: Some(input.reason.as_str()),
                        transfer_id: None,
                        invoice_id: None,
                    },
                )
                .await?;
                ids.push(row.event_id);
            }
            Ready::Recipe {
                input,
                id,
                quantity,
            } => {
                let note = note(input);
                let row = flux_store::inventory::insert_recipe_waste(
                    conn,
                    rid,
                    id,
                    date,
                    quantity.normalize(),
                    input.reason,
                    note.as_deref(),
                    recorded_by,
                )
                .await?;
                ids.push(row.waste_id);
            }
        }
    }
    Ok(ids)
}

/// Removes an entry recorded by mistake; not found when it is not this
/// restaurant's.
pub async fn delete(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> Result<()> {
    if flux_store::inventory::delete_waste(conn, rid, id).await? {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

/// The ingredients a wasted recipe took, as purchased: `(ingredient id,
/// quantity in its base unit)`.
pub fn exploded(kitchen: &Kitchen, recipe_id: Uuid, quantity: Decimal) -> Vec<(Uuid, Decimal)> {
    let Some(name) = kitchen.book_name(recipe_id) else {
        return Vec::new();
    };
    match kitchen.book.explode([(name, quantity)]) {
        Ok(ex) => ex
            .needs
            .into_iter()
            .filter_map(|n| {
                kitchen
                    .ingredient_named(&n.ingredient)
                    .map(|row| (row.ingredient_id, n.gross_quantity))
            })
            .collect(),
        // The book was validated when loaded; an overflow on an absurd
        // quantity leaves the entry without ingredients rather than
        // failing the whole report.
        Err(_) => Vec::new(),
    }
}

/// The value of `quantity` of an ingredient on `date`: at the price then
/// in effect, or the current one for days before its first recorded price
/// (an ingredient entered after the waste was).
pub(crate) fn ingredient_value(
    kitchen: &Kitchen,
    name: &str,
    quantity: Decimal,
    date: NaiveDate,
) -> Option<Decimal> {
    let ingredient = kitchen.book.ingredient(name)?;
    let cost = ingredient
        .cost_as_of(date)
        .unwrap_or_else(|_| ingredient.unit_cost());
    cost.amount().checked_mul(quantity)
}

/// The value of `quantity` yield units of a recipe on `date`, priced the
/// same way.
pub(crate) fn recipe_value(
    kitchen: &Kitchen,
    recipe_id: Uuid,
    quantity: Decimal,
    date: NaiveDate,
) -> Option<Decimal> {
    let cost = kitchen
        .cost(recipe_id, &kitchen.options(None, Some(date)))
        .or_else(|_| kitchen.cost(recipe_id, &kitchen.options(None, None)))
        .ok()?;
    cost.unit_cost.amount().checked_mul(quantity)
}

/// The waste of `[from, to]`, costed, with totals by reason and by item.
pub async fn log(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<WasteLog> {
    let (from, to) = crate::inventory::period(from, to)?;
    let mut entries = Vec::new();
    for e in flux_store::inventory::ingredient_waste_between(conn, rid, from, to).await? {
        let Some(row) = kitchen.ingredient(e.ingredient_id) else {
            continue;
        };
        let reason = match e.reason.as_deref() {
            Some(r) => WasteReason::try_from(r.to_owned())
                .map_err(|_| crate::purchasing::undecodable("waste reason", r))?,
            None => WasteReason::Other,
        };
        entries.push(WasteEntry {
            waste_id: e.event_id,
            date: e.event_date,
            kind: WastedKind::Ingredient,
            item_id: e.ingredient_id,
            item: row.name.clone(),
            quantity: e.quantity,
            unit: row.base_unit.clone(),
            reason,
            note: e.note,
            value: ingredient_value(kitchen, &row.name, e.quantity, e.event_date),
        });
    }
    for w in flux_store::inventory::recipe_waste_between(conn, rid, from, to).await? {
        let Some(recipe) = kitchen.recipe(w.recipe_id) else {
            continue;
        };
        entries.push(WasteEntry {
            waste_id: w.waste_id,
            date: w.waste_date,
            kind: if recipe.menu_item_id.is_some() {
                WastedKind::Dish
            } else {
                WastedKind::Prep
            },
            item_id: w.recipe_id,
            item: kitchen
                .book_name(w.recipe_id)
                .unwrap_or(&recipe.name)
                .to_owned(),
            quantity: w.quantity,
            unit: recipe.yield_unit.clone(),
            reason: w.reason,
            note: w.note,
            value: recipe_value(kitchen, w.recipe_id, w.quantity, w.waste_date),
        });
    }
    entries.sort_by(|a, b| b.date.cmp(&a.date).then(b.waste_id.cmp(&a.waste_id)));
    let total = |it: &mut dyn Iterator<Item = &WasteEntry>| {
        it.filter_map(|e| e.value)
            .fold(Decimal::ZERO, |a, v| a.saturating_add(v))
    };
    let total_value = total(&mut entries.iter());
    let ranked = |key: &dyn Fn(&WasteEntry) -> String| {
        let mut groups: BTreeMap<String, (Decimal, usize)> = BTreeMap::new();
        for e in &entries {
            let slot = groups.entry(key(e)).or_default();
            slot.0 = slot.0.saturating_add(e.value.unwrap_or_default());
            slot.1 += 1;
        }
        let mut out: Vec<WasteTotal> = groups
            .into_iter()
            .map(|(name, (value, entries))| WasteTotal {
                name,
                value,
                entries,
            })
            .collect();
        out.sort_by(|a, b| b.value.cmp(&a.value).then(a.name.cmp(&b.name)));
        out
    };
    let by_reason = ranked(&|e| e.reason.label().to_owned());
    let mut by_item = ranked(&|e| e.item.clone());
    by_item.truncate(10);
    let revenue = flux_store::inventory::revenue(conn, rid, from, to).await?;
    let waste_pct = (revenue > Decimal::ZERO)
        .then(|| total_value.checked_div(revenue))
        .flatten()
        .map(|r| (r * Decimal::ONE_HUNDRED).round_dp(2));
    Ok(WasteLog {
        from,
        to,
        entries,
        total_value,
        by_reason,
        by_item,
        revenue,
        waste_pct,
    })
}
