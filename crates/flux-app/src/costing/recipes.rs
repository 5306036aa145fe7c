//! Recipe writes: dishes (one per menu item) and preps (named sub-recipes
//! such as a sauce), validated field by field and then against the whole
//! book, so cycles and impossible units are refused before they are stored.
//!
//! The API and the dashboard's editor write through [`create`] and
//! [`update`], which never replace a dish's existing recipe: a second
//! recipe for the same dish is refused, so a stale form or a second cook
//! cannot silently overwrite a chef's recipe. Only the seed's confirmation
//! workflow ([`confirm`], the library's suggestions) replaces one.

use chrono::Utc;
use flux_costing::{Name, RecipeCost, Unit};
use flux_domain::{FieldError, Invalid};
use flux_store::costing::{LineData, RecipeData};
use flux_store::PgConnection;
use rust_decimal::Decimal;
use serde::Deserialize;
use sqlx::Connection;
use uuid::Uuid;

pub use flux_store::costing::{LineRow, RecipeRow};

use crate::costing::{settle, Kitchen, KitchenError};
use crate::{AppError, AppResult, Kind};

/// The one wording of a prep name clash, whichever front-end asked.
const PREP_NAME_TAKEN: &str = "a prep with this name already exists";

/// Why a save of `input` (replacing `own`, if any) was refused, worded as
/// a taken name when another prep has its name: the trial recipe book
/// would otherwise report the clash as a prep "defined twice". Field
/// problems are reported first, as they are found before the trial.
fn refusal(kitchen: &Kitchen, input: &RecipeInput, own: Option<Uuid>, e: AppError) -> AppError {
    let clash = match (&input.menu_item_id, &input.name) {
        (None, Some(name)) => {
            let key = flux_costing::name::key_of(name);
            kitchen.rows.recipes.iter().any(|r| {
                r.menu_item_id.is_none()
                    && Some(r.recipe_id) != own
                    && flux_costing::name::key_of(&r.name) == key
            })
        }
        _ => false,
    };
    if clash && e.kind() != Some(Kind::Validation) {
        AppError::field(Kind::Conflict, "name", "taken", PREP_NAME_TAKEN)
    } else {
        e.taken("name", PREP_NAME_TAKEN)
    }
}

/// A recipe as received.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipeInput {
    /// Set for a dish: the menu item this recipe makes.
    pub menu_item_id: Option<Uuid>,
    /// Set for a prep (sub-recipe), e.g. "Tomato sauce".
    pub name: Option<String>,
    /// Portions per batch, for dishes (default 1).
    pub portions: Option<Decimal>,
    /// What one batch of a prep makes, e.g. `{"amount": 2, "unit": "l"}`.
    #[serde(rename = "yield")]
    pub yields: Option<YieldInput>,
    pub lines: Vec<LineInput>,
    /// Saves a change that alters the allergens of a dish (this one, or
    /// one that uses this prep); without it such a change is refused with
    /// the dishes and allergens listed.
    #[serde(default)]
    pub acknowledge_allergen_change: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YieldInput {
    pub amount: Decimal,
    pub unit: String,
}

/// One line: so much of an ingredient or of a prep.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    pub ingredient_id: Option<Uuid>,
    /// A prep (or dish) used as a component.
    pub recipe_id: Option<Uuid>,
    pub quantity: Decimal,
    pub unit: String,
    /// How an ingredient is prepared ("diced"): one of its recorded
    /// yields; `quantity` is then the prepared amount.
    #[serde(default)]
    pub prep: Option<String>,
}

/// Whether saving a dish recipe may replace the menu item's existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnExisting {
    Replace,
    Refuse,
}

/// Validates and stores a new dish or prep recipe; a dish that already has
/// a recipe is refused (`menu_item_id` taken: edit that one). Returns the
/// new recipe's id.
pub async fn create(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    input: &RecipeInput,
) -> AppResult<Uuid> {
    let mut savepoint = conn.begin().await?;
    let stored = save(
        &mut savepoint,
        rid,
        kitchen,
        None,
        input,
        OnExisting::Refuse,
    )
    .await;
    settle(savepoint, stored)
        .await
        .map_err(|e| refusal(kitchen, input, None, e))
}

/// Validates and replaces recipe `id`'s yield and lines; not found when it
/// is not this restaurant's.
pub async fn update(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    id: Uuid,
    input: &RecipeInput,
) -> AppResult<Uuid> {
    let mut savepoint = conn.begin().await?;
    let stored = save(
        &mut savepoint,
        rid,
        kitchen,
        Some(id),
        input,
        OnExisting::Refuse,
    )
    .await;
    settle(savepoint, stored)
        .await
        .map_err(|e| refusal(kitchen, input, Some(id), e))
}

/// The seed's confirmation of a dish's recipe as the chef adjusted it:
/// replaces the dish's earlier recipe, if any.
pub async fn confirm(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    input: &RecipeInput,
) -> AppResult<Uuid> {
    Ok(save(conn, rid, kitchen, None, input, OnExisting::Replace).await?)
}

/// The name of the menu item a new dish recipe is for; not found when it is
/// not this restaurant's.
pub async fn dish_name(
    conn: &mut PgConnection,
    rid: Uuid,
    menu_item_id: Uuid,
) -> AppResult<String> {
    flux_store::menu::get(conn, rid, menu_item_id)
        .await?
        .map(|m| m.name)
        .ok_or_else(AppError::not_found)
}

/// Validates and stores a recipe; `recipe_id` is the one being replaced,
/// if any. Returns the stored recipe's id.
pub async fn save(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    recipe_id: Option<Uuid>,
    input: &RecipeInput,
    on_existing: OnExisting,
) -> Result<Uuid, KitchenError> {
    let planned = plan(conn, rid, kitchen, recipe_id, input, on_existing).await?;
    // Only a change to an existing recipe can alter what a dish declared.
    if planned.target.is_some() && !input.acknowledge_allergen_change {
        let decl = crate::inventory::allergens::Declarations::load(conn, rid).await?;
        let changes = crate::inventory::allergens::changes(kitchen, &planned.trial, &decl);
        if !changes.is_empty() {
            return Err(KitchenError::AllergensChanged(changes));
        }
    }
    Ok(flux_store::costing::save_recipe(conn, rid, planned.target, &planned.data).await?)
}

/// What a recipe would cost if saved as given, without storing anything:
/// the editor's live COGS.
pub async fn preview(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    recipe_id: Option<Uuid>,
    input: &RecipeInput,
) -> Result<RecipeCost, KitchenError> {
    let planned = plan(conn, rid, kitchen, recipe_id, input, OnExisting::Replace).await?;
    planned
        .trial
        .cost(planned.trial_id, &kitchen.options(None, None))
}

/// A validated change and the book as it would be with it.
struct Planned {
    data: RecipeData,
    /// The stored recipe to replace, if any.
    target: Option<Uuid>,
    trial: Kitchen,
    trial_id: Uuid,
}

async fn plan(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    recipe_id: Option<Uuid>,
    input: &RecipeInput,
    on_existing: OnExisting,
) -> Result<Planned, KitchenError> {
    if let Some(id) = recipe_id {
        if kitchen.recipe(id).is_none() {
            return Err(KitchenError::UnknownRecipe(id));
        }
    }
    let (data, dish) = validate(conn, rid, kitchen, input).await?;
    let mut target = recipe_id;
    if let Some(item) = data.menu_item_id {
        if let Some(existing) = kitchen.recipe_for_item(item) {
            if Some(existing.recipe_id) != recipe_id {
                match on_existing {
                    OnExisting::Replace if recipe_id.is_none() => target = Some(existing.recipe_id),
                    _ => {
                        return Err(Invalid::one(
                            "menu_item_id",
                            "taken",
                            "this menu item already has a recipe; edit that one",
                        )
                        .into())
                    }
                }
            }
        }
    }
    // Try the change on a copy of the book first.
    let trial_id = target.unwrap_or_else(Uuid::now_v7);
    let mut rows = kitchen.rows.clone();
    rows.recipes.retain(|r| r.recipe_id != trial_id);
    rows.lines.retain(|l| l.recipe_id != trial_id);
    let now = Utc::now();
    rows.recipes.push(RecipeRow {
        recipe_id: trial_id,
        menu_item_id: data.menu_item_id,
        name: match (&dish, &data.name) {
            (Some((name, _)), _) => name.clone(),
            (None, Some((name, _))) => name.clone(),
            (None, None) => String::new(),
        },
        yield_amount: data.yield_amount,
        yield_unit: data.yield_unit.clone(),
        menu_price: dish.as_ref().and_then(|(_, price)| *price),
        created_at: now,
        updated_at: now,
    });
    rows.lines
        .extend(data.lines.iter().enumerate().map(|(i, l)| LineRow {
            recipe_id: trial_id,
            line_no: i32::try_from(i).unwrap_or(i32::MAX),
            ingredient_id: l.ingredient_id,
            sub_recipe_id: l.sub_recipe_id,
            quantity: l.quantity,
            unit: l.unit.clone(),
            prep_key: l.prep_key.clone(),
        }));
    let trial = Kitchen::from_rows(rows, kitchen.today, kitchen.waste_enabled)?;
    Ok(Planned {
        data,
        target,
        trial,
        trial_id,
    })
}

/// Field checks; returns the data to store and, for a dish, the menu
/// item's name and price.
#[allow(clippy::type_complexity)]
async fn validate(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    input: &RecipeInput,
) -> Result<(RecipeData, Option<(String, Option<Decimal>)>), KitchenError> {
    let mut errors = Vec::new();
    let mut bad = |field: String, code: &'static str, message: String| {
        errors.push(FieldError::new(field, code, message));
    };
    let mut dish = None;
    let mut name = None;
    let (yield_amount, yield_unit) = match (input.menu_item_id, &input.name) {
        (Some(item), None) => {
            match flux_store::menu::get(conn, rid, item).await? {
                Some(m) => dish = Some((m.name, m.price)),
                None => bad(
                    "menu_item_id".into(),
                    "unknown",
                    "no such menu item in this restaurant".into(),
                ),
            }
            if input.yields.is_some() {
                bad(
                    "yield".into(),
                    "not_allowed",
                    "a dish yields portions: use `portions`".into(),
                );
            }
            let portions = input.portions.unwrap_or(Decimal::ONE);
            if portions <= Decimal::ZERO {
                bad(
                    "portions".into(),
                    "not_positive",
                    "must be greater than zero".into(),
                );
            }
            (portions, Unit::Each.symbol().to_owned())
        }
        (None, Some(raw)) => {
            match Name::parse(raw) {
                Ok(n) => name = Some((n.to_string(), n.key())),
                Err(e) => bad("name".into(), "invalid", e.to_string()),
            }
            if input.portions.is_some() {
                bad(
                    "portions".into(),
                    "not_allowed",
                    "a prep yields an amount: use `yield`".into(),
                );
            }
            match &input.yields {
                None => {
                    bad(
                        "yield".into(),
                        "required",
                        "a prep needs a yield, e.g. {\"amount\": 2, \"unit\": \"l\"}".into(),
                    );
                    (Decimal::ONE, String::new())
                }
                Some(y) => {
                    if y.amount <= Decimal::ZERO {
                        bad(
                            "yield.amount".into(),
                            "not_positive",
                            "must be greater than zero".into(),
                        );
                    }
                    let unit = match Unit::parse(&y.unit) {
                        Ok(u) => u.symbol().to_owned(),
                        Err(e) => {
                            bad("yield.unit".into(), "unknown_unit", e.to_string());
                            String::new()
                        }
                    };
                    (y.amount, unit)
                }
            }
        }
        _ => {
            bad(
                "menu_item_id".into(),
                "dish_or_prep",
                "give either `menu_item_id` (a dish) or `name` (a prep), not both or neither"
                    .into(),
            );
            (Decimal::ONE, String::new())
        }
    };
    if input.lines.is_empty() {
        bad(
            "lines".into(),
            "required",
            "a recipe needs at least one line".into(),
        );
    }
    if input.lines.len() > 200 {
        bad(
            "lines".into(),
            "too_many",
            "a recipe has at most 200 lines".into(),
        );
    }
    let mut lines = Vec::new();
    for (i, line) in input.lines.iter().enumerate() {
        let field = |f: &str| format!("lines.{i}.{f}");
        match (line.ingredient_id, line.recipe_id) {
            (Some(id), None) if kitchen.ingredient(id).is_none() => bad(
                field("ingredient_id"),
                "unknown",
                "no such ingredient in this restaurant".into(),
            ),
            (None, Some(id)) if kitchen.recipe(id).is_none() => bad(
                field("recipe_id"),
                "unknown",
                "no such recipe in this restaurant".into(),
            ),
            (Some(_), None) | (None, Some(_)) => {}
            _ => bad(
                field("ingredient_id"),
                "ingredient_or_recipe",
                "give either `ingredient_id` or `recipe_id`".into(),
            ),
        }
        if line.quantity <= Decimal::ZERO {
            bad(
                field("quantity"),
                "not_positive",
                "must be greater than zero".into(),
            );
        }
        let prep_key = match (line.prep.as_deref().map(str::trim), line.ingredient_id) {
            (None | Some(""), _) => None,
            (Some(action), Some(ingredient)) => {
                let key = crate::costing::ingredients::yield_key(action);
                if !kitchen
                    .rows
                    .yields
                    .iter()
                    .any(|y| y.ingredient_id == ingredient && y.action_key == key)
                {
                    bad(
                        field("prep"),
                        "unknown",
                        format!("no yield recorded for {action:?} of this ingredient; add it to the ingredient first"),
                    );
                }
                Some(key)
            }
            (Some(_), None) => {
                bad(
                    field("prep"),
                    "not_allowed",
                    "only an ingredient line has a preparation".into(),
                );
                None
            }
        };
        match Unit::parse(&line.unit) {
            Ok(unit) => lines.push(LineData {
                ingredient_id: line.ingredient_id,
                sub_recipe_id: line.recipe_id,
                quantity: line.quantity,
                unit: unit.symbol().to_owned(),
                prep_key,
            }),
            Err(e) => bad(field("unit"), "unknown_unit", e.to_string()),
        }
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    Ok((
        RecipeData {
            menu_item_id: input.menu_item_id,
            name,
            yield_amount,
            yield_unit,
            lines,
        },
        dish,
    ))
}

/// Deletes a recipe no other recipe uses (`Kind::InUse` while one does).
pub async fn delete(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> AppResult<()> {
    if flux_store::costing::delete_recipe(conn, rid, id).await? {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}
