//! The recipe book: ingredients and recipes validated as a whole.
//!
//! Building a book resolves every name, checks every unit against the
//! ingredient or sub-recipe it measures, and rejects cycles (a sauce that
//! contains itself would make its cost infinite). Once built, costing and
//! explosion cannot fail on structure, only on prices (a missing historical
//! cost).

use std::collections::btree_map::Entry as Slot;
use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use thiserror::Error;

use crate::error::CostingError;
use crate::ingredient::Ingredient;
use crate::money::Money;
use crate::name::{key_of, Name};
use crate::recipe::{Component, Recipe};
use crate::units::convert;

mod cycles;

/// Every problem found while building a book, so a whole import can be
/// fixed in one pass.
#[derive(Debug, Clone, PartialEq, Error)]
pub struct InvalidBook {
    pub problems: Vec<CostingError>,
}

impl fmt::Display for InvalidBook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid recipe book: ")?;
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

/// A resolved line: quantities are already in the unit the component is
/// costed in, so costing is only multiplication.
#[derive(Debug, Clone)]
pub(crate) enum Resolved {
    /// `quantity` in the ingredient's base unit, as the recipe uses it;
    /// `share` the line's preparation yield, if it has one.
    Ingredient {
        key: String,
        quantity: Decimal,
        share: Option<Decimal>,
    },
    /// `batches`: the fraction of one batch of the sub-recipe used.
    SubRecipe { key: String, batches: Decimal },
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) name: Name,
    pub(crate) recipe: Recipe,
    pub(crate) menu_price: Option<Money>,
    pub(crate) lines: Vec<Resolved>,
}

/// A validated, cycle-free set of ingredients and recipes.
#[derive(Debug, Clone)]
pub struct RecipeBook {
    pub(crate) ingredients: BTreeMap<String, Ingredient>,
    pub(crate) recipes: BTreeMap<String, Entry>,
}

impl RecipeBook {
    pub fn new(ingredients: Vec<Ingredient>, recipes: Vec<Recipe>) -> Result<Self, InvalidBook> {
        let mut problems = Vec::new();
        let mut ingredient_map = BTreeMap::new();
        for ingredient in ingredients {
            let key = ingredient.name().key();
            match ingredient_map.entry(key) {
                Slot::Occupied(_) => problems.push(CostingError::Duplicate {
                    kind: "ingredient",
                    name: ingredient.name().to_string(),
                }),
                Slot::Vacant(slot) => {
                    slot.insert(ingredient);
                }
            }
        }

        // Yields first, so lines can be resolved against any sub-recipe.
        let mut named = BTreeMap::new();
        for recipe in recipes {
            let name = match Name::parse(&recipe.name) {
                Ok(name) => name,
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            };
            if recipe.yields.amount() <= Decimal::ZERO {
                problems.push(CostingError::NonPositiveYield {
                    recipe: name.to_string(),
                });
                continue;
            }
            if let Some(price) = recipe
                .menu_price
                .filter(|p| p.is_sign_negative() && !p.is_zero())
            {
                problems.push(CostingError::Negative {
                    what: format!("menu price of {name}"),
                    value: price,
                });
            }
            let key = name.key();
            if named.contains_key(&key) {
                problems.push(CostingError::Duplicate {
                    kind: "recipe",
                    name: name.to_string(),
                });
                continue;
            }
            named.insert(key, (name, recipe));
        }

        let mut entries = BTreeMap::new();
        for (key, (name, recipe)) in &named {
            let mut lines = Vec::new();
            for line in &recipe.lines {
                match resolve(name, line, &ingredient_map, &named) {
                    Ok(resolved) => lines.push(resolved),
                    Err(e) => problems.push(e),
                }
            }
            entries.insert(
                key.clone(),
                Entry {
                    name: name.clone(),
                    menu_price: recipe.menu_price.map(Money::new),
                    recipe: recipe.clone(),
                    lines,
                },
            );
        }

        problems.extend(cycles::find_cycles(&entries));
        if problems.is_empty() {
            Ok(RecipeBook {
                ingredients: ingredient_map,
                recipes: entries,
            })
        } else {
            Err(InvalidBook { problems })
        }
    }

    /// Looks an ingredient up by name, ignoring case and spacing.
    pub fn ingredient(&self, name: &str) -> Option<&Ingredient> {
        self.ingredients.get(&key_of(name))
    }

    /// Looks a recipe up by name, ignoring case and spacing.
    pub fn recipe(&self, name: &str) -> Option<&Recipe> {
        self.recipes.get(&key_of(name)).map(|e| &e.recipe)
    }

    pub fn ingredients(&self) -> impl Iterator<Item = &Ingredient> {
        self.ingredients.values()
    }

    pub fn recipes(&self) -> impl Iterator<Item = &Recipe> {
        self.recipes.values().map(|e| &e.recipe)
    }

    pub(crate) fn entry(&self, name: &str) -> Result<&Entry, CostingError> {
        self.recipes
            .get(&key_of(name))
            .ok_or_else(|| CostingError::UnknownRecipe {
                name: name.to_owned(),
            })
    }
}

fn resolve(
    recipe: &Name,
    line: &crate::recipe::RecipeLine,
    ingredients: &BTreeMap<String, Ingredient>,
    recipes: &BTreeMap<String, (Name, Recipe)>,
) -> Result<Resolved, CostingError> {
    let component = line.component.name();
    if line.quantity <= Decimal::ZERO {
        return Err(CostingError::NonPositiveQuantity {
            recipe: recipe.to_string(),
            component: component.to_owned(),
            quantity: line.quantity,
        });
    }
    let key = key_of(component);
    let mismatch = |target_unit, source| CostingError::UnitMismatch {
        recipe: recipe.to_string(),
        component: component.to_owned(),
        line_unit: line.unit,
        target_unit,
        source,
    };
    match &line.component {
        Component::Ingredient(_) => {
            let ingredient =
                ingredients
                    .get(&key)
                    .ok_or_else(|| CostingError::UnknownIngredient {
                        recipe: recipe.to_string(),
                        ingredient: component.to_owned(),
                    })?;
            let quantity = ingredient
                .profile()
                .convert(line.quantity, line.unit, ingredient.base_unit())
                .map_err(|e| mismatch(ingredient.base_unit(), e))?;
            let share = match &line.prep {
                None => None,
                Some(p) if p.share > Decimal::ZERO && p.share <= Decimal::ONE => Some(p.share),
                Some(p) => {
                    return Err(CostingError::InvalidYield {
                        recipe: recipe.to_string(),
                        component: component.to_owned(),
                        action: p.action.clone(),
                        share: p.share,
                    })
                }
            };
            Ok(Resolved::Ingredient {
                key,
                quantity,
                share,
            })
        }
        Component::Recipe(_) if line.prep.is_some() => Err(CostingError::InvalidYield {
            recipe: recipe.to_string(),
            component: component.to_owned(),
            action: line
                .prep
                .as_ref()
                .map(|p| p.action.clone())
                .unwrap_or_default(),
            share: line.prep.as_ref().map_or(Decimal::ZERO, |p| p.share),
        }),
        Component::Recipe(_) => {
            let (_, sub) = recipes
                .get(&key)
                .ok_or_else(|| CostingError::UnknownSubRecipe {
                    recipe: recipe.to_string(),
                    sub_recipe: component.to_owned(),
                })?;
            // Sub-recipes have no density or piece weight, so a line must
            // share the yield's dimension; portions are counted in `each`.
            let yield_unit = sub.yields.unit();
            let in_yield_unit = convert(line.quantity, line.unit, yield_unit)
                .map_err(|e| mismatch(yield_unit, e))?;
            Ok(Resolved::SubRecipe {
                key,
                batches: crate::arith::div(
                    in_yield_unit,
                    sub.yields.amount(),
                    "sub-recipe quantity",
                )?,
            })
        }
    }
}
