//! The seed's confirmation workflow: every active dish without a recipe gets
//! a suggestion from the built-in library of common dishes, so a new
//! restaurant starts from something. A chef confirms it as is (missing
//! ingredients are created at typical prices, to be corrected later) or
//! with their own lines.

use flux_costing::{suggest, Money, Unit, WasteFactor};
use flux_store::menu::ListQuery;
use flux_store::PgConnection;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::costing::ingredients::{self, IngredientInput};
use crate::costing::recipes::{self, LineInput, OnExisting, RecipeInput};
use crate::costing::{Kitchen, KitchenError};

/// An active dish that has no confirmed recipe yet.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Pending {
    pub menu_item_id: Uuid,
    pub name: String,
    pub category: Option<String>,
    pub price: Option<Decimal>,
    /// The closest library dish, if any is close enough.
    pub suggestion: Option<SuggestionView>,
    /// For a dish the library does not know: the ingredients a model
    /// proposed when the dish came from a menu photo. Unconfirmed; a chef
    /// writes the recipe from it.
    pub model_suggestion: Option<Vec<ModelLineView>>,
}

/// One line of a model's proposal.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModelLineView {
    pub ingredient: String,
    /// The restaurant's ingredient of that name, when it already has one.
    pub ingredient_id: Option<Uuid>,
    #[serde(with = "rust_decimal::serde::float")]
    #[schema(value_type = f64)]
    pub quantity: Decimal,
    pub unit: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SuggestionView {
    pub library_dish: String,
    pub matched_on: String,
    /// 0..=1; 1 is an exact name or alias match.
    pub score: f64,
    pub portions: Decimal,
    /// Food cost of one portion at the library's typical prices (EUR), with waste.
    pub estimated_portion_cost: Option<Money>,
    pub lines: Vec<SuggestedLineView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SuggestedLineView {
    pub ingredient: String,
    /// The restaurant's ingredient of that name, when it already has one.
    pub ingredient_id: Option<Uuid>,
    pub quantity: Decimal,
    pub unit: Unit,
    pub waste_factor: WasteFactor,
    pub typical_unit_cost: Decimal,
    pub per: Unit,
}

/// Every active menu item without a recipe, with a suggestion where the
/// library has one.
pub async fn pending(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
) -> Result<Vec<Pending>, KitchenError> {
    let query = ListQuery {
        active: Some(true),
        limit: i64::MAX,
        ..ListQuery::default()
    };
    let (items, _) = flux_store::menu::list(conn, rid, &query).await?;
    let ideas = flux_store::recipe_suggestions::all(conn, rid).await?;
    Ok(items
        .into_iter()
        .filter(|m| kitchen.recipe_for_item(m.menu_item_id).is_none())
        .map(|m| Pending {
            model_suggestion: ideas
                .iter()
                .find(|(id, _)| *id == m.menu_item_id)
                .and_then(|(_, lines)| {
                    serde_json::from_value::<Vec<crate::menu_photos::vision::IdeaLine>>(
                        lines.clone(),
                    )
                    .ok()
                })
                .map(|lines| {
                    lines
                        .into_iter()
                        .map(|l| ModelLineView {
                            ingredient_id: kitchen
                                .ingredient_named(&l.ingredient)
                                .map(|i| i.ingredient_id),
                            ingredient: l.ingredient,
                            quantity: l.quantity,
                            unit: l.unit,
                        })
                        .collect()
                }),
            suggestion: suggestion_for(kitchen, &m.name),
            menu_item_id: m.menu_item_id,
            name: m.name,
            category: m.category,
            price: m.price,
        })
        .collect())
}

fn suggestion_for(kitchen: &Kitchen, dish: &str) -> Option<SuggestionView> {
    let s = suggest(dish)?;
    Some(SuggestionView {
        library_dish: s.dish.name.clone(),
        matched_on: s.matched_on.clone(),
        score: s.score,
        portions: s.dish.portions,
        estimated_portion_cost: s.estimated_portion_cost(true).ok(),
        lines: s
            .dish
            .lines
            .iter()
            .map(|l| SuggestedLineView {
                ingredient: l.ingredient.clone(),
                ingredient_id: kitchen
                    .ingredient_named(&l.ingredient)
                    .map(|i| i.ingredient_id),
                quantity: l.quantity,
                unit: l.unit,
                waste_factor: l.waste_factor,
                typical_unit_cost: l.unit_cost_eur,
                per: l.cost_unit,
            })
            .collect(),
    })
}

/// Confirms the library's suggestion for a menu item as its recipe,
/// creating the ingredients the restaurant does not have yet at the
/// library's typical prices. `Ok(None)`: no such item or no suggestion.
pub async fn accept(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    menu_item_id: Uuid,
) -> Result<Option<Uuid>, KitchenError> {
    let Some(item) = flux_store::menu::get(conn, rid, menu_item_id).await? else {
        return Ok(None);
    };
    let Some(s) = suggest(&item.name) else {
        return Ok(None);
    };
    for spec in s.ingredients() {
        if kitchen.ingredient_named(&spec.name).is_some() {
            continue;
        }
        let input = IngredientInput {
            name: spec.name.clone(),
            category: Some(spec.category.to_string()),
            base_unit: spec.base_unit.symbol().to_owned(),
            unit_cost: spec.unit_cost,
            waste_factor: Some(spec.waste_factor),
            shelf_life_days: spec.shelf_life_days.map(i64::from),
            ..IngredientInput::default()
        };
        let valid = ingredients::validate(&input, "")?;
        ingredients::insert_valid(conn, rid, kitchen, &valid).await?;
    }
    // The book now has the new ingredients (same transaction).
    let kitchen = Kitchen::load(conn, rid).await?;
    let mut lines = Vec::new();
    for l in &s.dish.lines {
        let id = kitchen
            .ingredient_named(&l.ingredient)
            .map(|i| i.ingredient_id);
        lines.push(LineInput {
            ingredient_id: id,
            recipe_id: None,
            quantity: l.quantity,
            unit: l.unit.symbol().to_owned(),
            prep: None,
        });
    }
    let input = RecipeInput {
        menu_item_id: Some(menu_item_id),
        name: None,
        portions: Some(s.dish.portions),
        yields: None,
        lines,
        // A library suggestion replaces the dish's recipe only when the
        // owner accepts it as is; what it declares is then theirs to see.
        acknowledge_allergen_change: false,
    };
    let id = recipes::save(conn, rid, &kitchen, None, &input, OnExisting::Replace).await?;
    Ok(Some(id))
}
