//! The costing use cases over the store.
//!
//! [`Kitchen::load`] reads a restaurant's ingredients, price history and
//! recipes inside its tenant transaction and builds the pure engine's
//! [`RecipeBook`] from them; everything else (dish costs, ingredient
//! explosion, profitability, the menu-engineering matrix) asks that book.
//! Writes go the other way: [`ingredients`] and [`recipes`] validate input,
//! then rebuild the book with the change applied *before* storing it, so a
//! stored book is always one the engine accepts (no cycles, no impossible
//! units), and one bad edit can never stop the rest of the menu from
//! being costed.
//!
//! The API, the CLI and the dashboard all call these functions, so they
//! cannot disagree about a number.

pub mod explode;
pub mod ingredients;
pub mod recipes;
pub mod report;
pub mod suggest;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use flux_costing::{
    Category, Component, CostEntry, CostOptions, CostingError, Ingredient, IngredientSpec, Money,
    PriceBasis, Quantity, Recipe, RecipeBook, RecipeCost, RecipeLine, Unit, Yield,
};
use flux_store::{PgConnection, Postgres, Transaction};

pub use flux_store::costing::{BookRows, IngredientRow, RecipeRow};

use crate::{AppError, AppResult};
use uuid::Uuid;

/// Why a costing request failed.
#[derive(Debug, thiserror::Error)]
pub enum KitchenError {
    #[error("restaurant not found")]
    NoRestaurant,
    /// The engine refused the request or the book (a cycle, an impossible
    /// unit, a price missing for a date); the message names what is wrong.
    #[error(transparent)]
    Costing(#[from] CostingError),
    /// The input has invalid fields.
    #[error(transparent)]
    Invalid(#[from] flux_domain::Invalid),
    #[error("no recipe with id {0}")]
    UnknownRecipe(Uuid),
    /// The change would alter the allergens these dishes declare and was
    /// not acknowledged.
    #[error("the change alters declared allergens")]
    AllergensChanged(Vec<crate::inventory::allergens::DishChange>),
    #[error(transparent)]
    Store(#[from] flux_store::StoreError),
}

impl From<sqlx::Error> for KitchenError {
    fn from(e: sqlx::Error) -> Self {
        KitchenError::Store(e.into())
    }
}

/// Ends a write that ran in `savepoint` (opened with `Connection::begin`
/// on the caller's transaction): kept if it succeeded, undone if not.
///
/// A refused write (a name clash is a unique violation) would otherwise
/// abort the caller's whole transaction, and the dashboard could not read
/// what it needs to show the form again with the problem beside the field.
pub(crate) async fn settle<T, E>(
    savepoint: Transaction<'_, Postgres>,
    result: Result<T, E>,
) -> AppResult<T>
where
    E: Into<AppError>,
{
    match result {
        Ok(value) => {
            savepoint.commit().await?;
            Ok(value)
        }
        Err(e) => {
            savepoint.rollback().await?;
            Err(e.into())
        }
    }
}

/// A restaurant's recipe book, loaded and validated, with the ids the
/// engine does not know about.
#[derive(Debug, Clone)]
pub struct Kitchen {
    pub rows: BookRows,
    pub book: RecipeBook,
    /// The engine's name for each recipe id (dishes: the menu item's name).
    names: HashMap<Uuid, String>,
    /// The restaurant's local date.
    pub today: NaiveDate,
    /// The `waste_factor_enabled` setting: the default for every figure.
    pub waste_enabled: bool,
    /// All the restaurant's settings (service level, horizon, ...).
    pub settings: flux_domain::settings::Settings,
}

impl Kitchen {
    /// Loads and validates the restaurant's book.
    pub async fn load(conn: &mut PgConnection, rid: Uuid) -> Result<Kitchen, KitchenError> {
        let restaurant = flux_store::restaurants::get(conn, rid)
            .await?
            .ok_or(KitchenError::NoRestaurant)?;
        let today = restaurant.timezone.today();
        let stored = flux_store::settings::load(conn, rid).await?;
        let settings = flux_domain::settings::Settings::from_stored(
            stored.iter().map(|(k, v)| (k.as_str(), v)),
        );
        let rows = flux_store::costing::book_rows(conn, rid).await?;
        let mut kitchen = Kitchen::from_rows(rows, today, settings.waste_factor_enabled)?;
        kitchen.settings = settings;
        Ok(kitchen)
    }

    /// Builds the book from rows (also used to try a change before storing it).
    pub fn from_rows(
        rows: BookRows,
        today: NaiveDate,
        waste_enabled: bool,
    ) -> Result<Kitchen, KitchenError> {
        let (book, names) = build(&rows)?;
        Ok(Kitchen {
            rows,
            book,
            names,
            today,
            waste_enabled,
            settings: flux_domain::settings::Settings {
                waste_factor_enabled: waste_enabled,
                ..Default::default()
            },
        })
    }

    /// Cost options from optional request overrides and the settings.
    pub fn options(&self, waste: Option<bool>, date: Option<NaiveDate>) -> CostOptions {
        CostOptions {
            include_waste: waste.unwrap_or(self.waste_enabled),
            prices: date.map_or(PriceBasis::Current, PriceBasis::AsOf),
        }
    }

    pub fn recipe(&self, id: Uuid) -> Option<&RecipeRow> {
        self.rows.recipes.iter().find(|r| r.recipe_id == id)
    }

    /// The dish recipe of a menu item.
    pub fn recipe_for_item(&self, menu_item_id: Uuid) -> Option<&RecipeRow> {
        self.rows
            .recipes
            .iter()
            .find(|r| r.menu_item_id == Some(menu_item_id))
    }

    pub fn ingredient(&self, id: Uuid) -> Option<&IngredientRow> {
        self.rows.ingredients.iter().find(|i| i.ingredient_id == id)
    }

    /// The ingredient row behind an engine name.
    pub fn ingredient_named(&self, name: &str) -> Option<&IngredientRow> {
        let key = flux_costing::name::key_of(name);
        self.rows.ingredients.iter().find(|i| i.name_key == key)
    }

    /// The engine's name of a recipe.
    pub fn book_name(&self, id: Uuid) -> Option<&str> {
        self.names.get(&id).map(String::as_str)
    }

    /// The cost of one recipe with its breakdown by ingredient.
    pub fn cost(&self, id: Uuid, options: &CostOptions) -> Result<RecipeCost, KitchenError> {
        let name = self.book_name(id).ok_or(KitchenError::UnknownRecipe(id))?;
        Ok(self.book.cost(name, options)?)
    }
}

/// Turns stored rows into the engine's book, collecting every problem.
fn build(rows: &BookRows) -> Result<(RecipeBook, HashMap<Uuid, String>), CostingError> {
    // Every request builds the book: group prices and lines by owner once
    // rather than scanning all of them for each ingredient and recipe.
    let mut costs: HashMap<Uuid, Vec<CostEntry>> = HashMap::new();
    for c in &rows.costs {
        costs.entry(c.ingredient_id).or_default().push(CostEntry {
            effective: c.effective_from,
            unit_cost: Money::new(c.unit_cost),
        });
    }
    let mut lines_of: HashMap<Uuid, Vec<&flux_store::costing::LineRow>> = HashMap::new();
    for l in &rows.lines {
        lines_of.entry(l.recipe_id).or_default().push(l);
    }
    let prep_yields: HashMap<(Uuid, &str), &flux_store::costing::YieldRow> = rows
        .yields
        .iter()
        .map(|y| ((y.ingredient_id, y.action_key.as_str()), y))
        .collect();
    let mut problems = Vec::new();
    let mut ingredient_names = HashMap::new();
    let mut ingredients = Vec::new();
    for row in &rows.ingredients {
        ingredient_names.insert(row.ingredient_id, row.name.clone());
        let history = costs.remove(&row.ingredient_id).unwrap_or_default();
        match ingredient_spec(row, history) {
            Ok(spec) => match Ingredient::new(spec) {
                Ok(i) => ingredients.push(i),
                Err(e) => problems.push(e),
            },
            Err(e) => problems.push(e),
        }
    }
    let names = recipe_names(&rows.recipes);
    let mut recipes = Vec::new();
    for row in &rows.recipes {
        let name = names.get(&row.recipe_id).cloned().unwrap_or_default();
        let yields = match row.menu_item_id {
            Some(_) => Yield::Portions(row.yield_amount),
            None => match parse_unit(&row.yield_unit)
                .and_then(|u| Ok(Quantity::new(row.yield_amount, u)?))
            {
                Ok(q) => Yield::Quantity(q),
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            },
        };
        let mut lines = Vec::new();
        for line in lines_of
            .get(&row.recipe_id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            let component = match (line.ingredient_id, line.sub_recipe_id) {
                (Some(i), _) => ingredient_names.get(&i).cloned().map(Component::Ingredient),
                (None, Some(r)) => names.get(&r).cloned().map(Component::Recipe),
                (None, None) => None,
            };
            let (Some(component), Ok(unit)) = (component, parse_unit(&line.unit)) else {
                problems.push(CostingError::UnknownSubRecipe {
                    recipe: name.clone(),
                    sub_recipe: format!("line {}", line.line_no + 1),
                });
                continue;
            };
            let prep = match (&line.prep_key, line.ingredient_id) {
                (Some(key), Some(ingredient)) => {
                    match prep_yields.get(&(ingredient, key.as_str())) {
                        Some(y) => Some(flux_costing::PrepYield {
                            action: y.action.clone(),
                            share: y.edible_share,
                        }),
                        // The schema's foreign key makes this unreachable.
                        None => {
                            problems.push(CostingError::UnknownSubRecipe {
                                recipe: name.clone(),
                                sub_recipe: format!(
                                    "preparation {key:?} on line {}",
                                    line.line_no + 1
                                ),
                            });
                            continue;
                        }
                    }
                }
                _ => None,
            };
            lines.push(RecipeLine {
                component,
                quantity: line.quantity,
                unit,
                prep,
            });
        }
        recipes.push(Recipe {
            name,
            yields,
            lines,
            menu_price: row.menu_price,
        });
    }
    if !problems.is_empty() {
        return Err(flux_costing::InvalidBook { problems }.into());
    }
    let book = RecipeBook::new(ingredients, recipes)?;
    Ok((book, names))
}

/// Dishes are named after their menu item; a prep whose name clashes with
/// a dish is suffixed so that a new menu item can never make the stored
/// book ambiguous.
fn recipe_names(recipes: &[RecipeRow]) -> HashMap<Uuid, String> {
    let dish_keys: HashSet<String> = recipes
        .iter()
        .filter(|r| r.menu_item_id.is_some())
        .map(|r| flux_costing::name::key_of(&r.name))
        .collect();
    recipes
        .iter()
        .map(|r| {
            let clash = r.menu_item_id.is_none()
                && dish_keys.contains(&flux_costing::name::key_of(&r.name));
            let name = if clash {
                format!("{} (prep)", r.name)
            } else {
                r.name.clone()
            };
            (r.recipe_id, name)
        })
        .collect()
}

fn parse_unit(s: &str) -> Result<Unit, CostingError> {
    Ok(Unit::parse(s)?)
}

fn ingredient_spec(
    row: &IngredientRow,
    cost_history: Vec<CostEntry>,
) -> Result<IngredientSpec, CostingError> {
    let pack_size = match (row.pack_amount, row.pack_unit.as_deref()) {
        (Some(amount), Some(unit)) => Some(Quantity::new(amount, parse_unit(unit)?)?),
        _ => None,
    };
    Ok(IngredientSpec {
        name: row.name.clone(),
        category: Category::parse(&row.category),
        base_unit: parse_unit(&row.base_unit)?,
        unit_cost: row.unit_cost,
        waste_factor: row.waste_factor,
        shelf_life_days: row.shelf_life_days.and_then(|d| u32::try_from(d).ok()),
        pack_size,
        grams_per_each: row.grams_per_each,
        grams_per_ml: row.grams_per_ml,
        cost_history,
    })
}
