//! Allergen declarations and the allergen matrix.
//!
//! An ingredient declares allergens once someone has reviewed it; until
//! then it is *unreviewed*, and every dish that uses it says so, because a
//! sheet that prints "no allergens" for a dish nobody checked is worse than
//! no sheet. Dishes' allergens are never stored: they are rolled up from
//! the ingredients through the recipes each time, so a changed recipe or a
//! corrected declaration shows everywhere at once.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use flux_costing::allergen::{declared, Rollup};
use flux_costing::{Allergen, AllergenChange};
use flux_domain::{FieldError, Invalid};
use flux_store::PgConnection;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::costing::{Kitchen, KitchenError};
use crate::inventory::Result;
use crate::AppError;

/// Every reviewed ingredient's declaration, by ingredient id.
#[derive(Debug, Clone, Default)]
pub struct Declarations {
    pub by_ingredient: HashMap<Uuid, BTreeSet<Allergen>>,
}

impl Declarations {
    pub async fn load(
        conn: &mut PgConnection,
        rid: Uuid,
    ) -> std::result::Result<Declarations, KitchenError> {
        let mut by_ingredient = HashMap::new();
        for row in flux_store::inventory::allergens(conn, rid).await? {
            let set = row
                .allergens
                .iter()
                .map(|a| {
                    // The schema's check allows only known names.
                    Allergen::parse(a).ok_or_else(|| {
                        sqlx::Error::Decode(
                            format!("unknown allergen {a:?} in the database").into(),
                        )
                    })
                })
                .collect::<std::result::Result<BTreeSet<_>, _>>()?;
            by_ingredient.insert(row.ingredient_id, declared(set));
        }
        Ok(Declarations { by_ingredient })
    }

    /// The engine's input: tags by ingredient name.
    fn by_name(&self, kitchen: &Kitchen) -> BTreeMap<String, BTreeSet<Allergen>> {
        kitchen
            .rows
            .ingredients
            .iter()
            .filter_map(|i| {
                self.by_ingredient
                    .get(&i.ingredient_id)
                    .map(|set| (i.name.clone(), set.clone()))
            })
            .collect()
    }
}

/// One allergen of a dish and where it comes from.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Contains {
    pub allergen: Allergen,
    /// "Béchamel › Milk": through which prep to which ingredient.
    pub sources: Vec<String>,
}

/// One dish's (or prep's) row of the matrix.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecipeAllergens {
    pub recipe_id: Uuid,
    /// Set for a dish.
    pub menu_item_id: Option<Uuid>,
    pub name: String,
    pub contains: Vec<Contains>,
    /// Ingredients of the recipe nobody has reviewed yet: the row is
    /// incomplete while this is not empty.
    pub unreviewed: Vec<String>,
}

impl RecipeAllergens {
    pub fn has(&self, a: Allergen) -> bool {
        self.contains.iter().any(|c| c.allergen == a)
    }
}

/// Every recipe's allergens, dishes first, each by name.
pub fn matrix(kitchen: &Kitchen, decl: &Declarations) -> Vec<RecipeAllergens> {
    let tags = decl.by_name(kitchen);
    let mut out: Vec<RecipeAllergens> = kitchen
        .rows
        .recipes
        .iter()
        .filter_map(|r| {
            let name = kitchen.book_name(r.recipe_id)?;
            let rollup = kitchen.book.allergens(name, &tags).ok()?;
            let mut unreviewed: Vec<String> = ingredients_of(kitchen, r.recipe_id)
                .into_iter()
                .filter(|(id, _)| !decl.by_ingredient.contains_key(id))
                .map(|(_, n)| n)
                .collect();
            unreviewed.sort();
            Some(RecipeAllergens {
                recipe_id: r.recipe_id,
                menu_item_id: r.menu_item_id,
                name: name.to_owned(),
                contains: rollup
                    .into_iter()
                    .map(|(allergen, sources)| Contains {
                        allergen,
                        sources: sources.into_iter().collect(),
                    })
                    .collect(),
                unreviewed,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.menu_item_id
            .is_some()
            .cmp(&a.menu_item_id.is_some())
            .then_with(|| a.name.cmp(&b.name))
    });
    out
}

fn ingredients_of(kitchen: &Kitchen, recipe_id: Uuid) -> Vec<(Uuid, String)> {
    crate::inventory::waste::exploded(kitchen, recipe_id, Decimal::ONE)
        .into_iter()
        .filter_map(|(id, _)| kitchen.ingredient(id).map(|i| (id, i.name.clone())))
        .collect()
}

/// A dish whose allergens a change would alter.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DishChange {
    pub dish: String,
    pub added: Vec<Allergen>,
    pub removed: Vec<Allergen>,
}

/// The dishes (and preps) of `before` whose allergens differ in `after`.
/// Recipes new in `after` are not changes: they had nothing declared.
pub fn changes(before: &Kitchen, after: &Kitchen, decl: &Declarations) -> Vec<DishChange> {
    let (tags_before, tags_after) = (decl.by_name(before), decl.by_name(after));
    let rollup = |k: &Kitchen, tags: &BTreeMap<String, BTreeSet<Allergen>>, id: Uuid| {
        k.book_name(id)
            .and_then(|n| k.book.allergens(n, tags).ok())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for r in &before.rows.recipes {
        if after.recipe(r.recipe_id).is_none() {
            continue;
        }
        let old: Rollup = rollup(before, &tags_before, r.recipe_id);
        let new: Rollup = rollup(after, &tags_after, r.recipe_id);
        let change = AllergenChange::between(&old, &new);
        if !change.is_empty() {
            out.push(DishChange {
                dish: before.book_name(r.recipe_id).unwrap_or(&r.name).to_owned(),
                added: change.added,
                removed: change.removed,
            });
        }
    }
    out.sort_by(|a, b| a.dish.cmp(&b.dish));
    out
}

/// The refusal of a change that alters allergens, listing each dish.
pub fn changed_error(changes: &[DishChange]) -> AppError {
    let words = |list: &[Allergen]| {
        list.iter()
            .map(|a| a.label().to_lowercase())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let detail = changes
        .iter()
        .map(|c| {
            let mut parts = Vec::new();
            if !c.added.is_empty() {
                parts.push(format!("adds {}", words(&c.added)));
            }
            if !c.removed.is_empty() {
                parts.push(format!("removes {}", words(&c.removed)));
            }
            format!("{}: {}", c.dish, parts.join(" and "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    AppError::new(
        crate::Kind::AllergensChanged,
        format!("this change alters declared allergens ({detail}); save again acknowledging it to keep it"),
    )
    .with(
        "allergen_changes",
        serde_json::to_value(changes).unwrap_or_default(),
    )
}

/// Records a review of an ingredient's allergens; names are the stored
/// ones or common spellings ("soya", "sulfites").
pub async fn set(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    ingredient_id: Uuid,
    names: &[String],
    reviewed_by: Option<Uuid>,
) -> Result<BTreeSet<Allergen>> {
    if kitchen.ingredient(ingredient_id).is_none() {
        return Err(AppError::not_found());
    }
    let mut errors = Vec::new();
    let mut set = BTreeSet::new();
    if names.len() > Allergen::ALL.len() * 2 {
        errors.push(FieldError::new(
            "allergens",
            "too_many",
            "more entries than there are allergens",
        ));
    }
    for (i, name) in names.iter().enumerate().take(Allergen::ALL.len() * 2) {
        match Allergen::parse(name) {
            Some(a) => {
                set.insert(a);
            }
            None => errors.push(FieldError::new(
                format!("allergens.{i}"),
                "unknown",
                "not one of the EU 14 or US major allergens",
            )),
        }
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let set = declared(set);
    let stored: Vec<&str> = set.iter().map(|a| a.as_str()).collect();
    flux_store::inventory::set_allergens(conn, rid, ingredient_id, &stored, reviewed_by).await?;
    Ok(set)
}

/// An ingredient's declaration as the allergen pages show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IngredientDeclaration {
    pub ingredient_id: Uuid,
    pub name: String,
    pub allergens: Vec<Allergen>,
    /// `false` until someone reviews it: then `allergens` is not "none"
    /// but unknown.
    pub reviewed: bool,
    pub reviewed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The matrix: every recipe's allergens and every ingredient's
/// declaration.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Overview {
    pub recipes: Vec<RecipeAllergens>,
    pub ingredients: Vec<IngredientDeclaration>,
}

pub async fn overview(conn: &mut PgConnection, rid: Uuid, kitchen: &Kitchen) -> Result<Overview> {
    let rows = flux_store::inventory::allergens(conn, rid).await?;
    let decl = Declarations::load(conn, rid).await?;
    let mut ingredients: Vec<IngredientDeclaration> = kitchen
        .rows
        .ingredients
        .iter()
        .map(|i| {
            let row = rows.iter().find(|r| r.ingredient_id == i.ingredient_id);
            IngredientDeclaration {
                ingredient_id: i.ingredient_id,
                name: i.name.clone(),
                allergens: decl
                    .by_ingredient
                    .get(&i.ingredient_id)
                    .map(|s| s.iter().copied().collect())
                    .unwrap_or_default(),
                reviewed: row.is_some(),
                reviewed_at: row.map(|r| r.reviewed_at),
            }
        })
        .collect();
    ingredients.sort_by_key(|i| i.name.to_lowercase());
    Ok(Overview {
        recipes: matrix(kitchen, &decl),
        ingredients,
    })
}
