//! Recipes as written: dishes and preps, their lines and their yield.
//!
//! A [`Recipe`] is a draft: names are not yet resolved and units not yet
//! checked. It becomes usable once it is part of a
//! [`RecipeBook`](crate::book::RecipeBook), which validates every line.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::measure::Quantity;
use crate::units::Unit;

/// What a recipe line refers to, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    Ingredient(String),
    /// A prep such as "tomato sauce", or another dish used as a component.
    Recipe(String),
}

impl Component {
    pub fn name(&self) -> &str {
        match self {
            Component::Ingredient(name) | Component::Recipe(name) => name,
        }
    }
}

/// One line: so much of an ingredient or a sub-recipe.
///
/// For a sub-recipe the unit must share a dimension with that recipe's
/// yield: "500 ml" of a sauce yielding "2 l", or "1 each" (one portion) of a
/// dish yielding portions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipeLine {
    pub component: Component,
    /// For an ingredient with `prep`: the prepared (edible) quantity the
    /// dish needs, e.g. 100 g of diced onion.
    pub quantity: Decimal,
    pub unit: Unit,
    /// How the ingredient is prepared for this line and what share of what
    /// was bought survives it; ingredient lines only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prep: Option<PrepYield>,
}

/// A preparation's yield: the edible share of the as-purchased quantity
/// ("onion, diced: 0.70"). A line with one needs `quantity ÷ share` as
/// purchased, and that replaces the ingredient's waste factor for the line
/// (the trim is already in the share).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrepYield {
    /// "diced", "peeled", "filleted".
    pub action: String,
    /// Above 0, at most 1.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.70"))]
    pub share: Decimal,
}

/// What one batch of a recipe makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Yield {
    /// A dish: so many portions served.
    Portions(Decimal),
    /// A prep: an amount such as 2 l of sauce or 1.5 kg of dough.
    Quantity(Quantity),
}

impl Yield {
    /// The yield as a number in its own unit (portions, or the quantity's
    /// unit); demand and per-unit costs are expressed in it.
    pub fn amount(&self) -> Decimal {
        match self {
            Yield::Portions(n) => *n,
            Yield::Quantity(q) => q.amount(),
        }
    }

    /// The unit of [`Yield::amount`]: `each` (one portion) for dishes.
    pub fn unit(&self) -> Unit {
        match self {
            Yield::Portions(_) => Unit::Each,
            Yield::Quantity(q) => q.unit(),
        }
    }
}

/// A dish or prep as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipe {
    pub name: String,
    #[serde(rename = "yield")]
    pub yields: Yield,
    pub lines: Vec<RecipeLine>,
    /// Menu price of one portion, for margins. Absent for preps.
    #[serde(default)]
    pub menu_price: Option<Decimal>,
}

impl Recipe {
    /// A dish yielding `portions` per batch.
    pub fn dish(name: &str, portions: impl Into<Decimal>) -> Self {
        Recipe {
            name: name.to_owned(),
            yields: Yield::Portions(portions.into()),
            lines: Vec::new(),
            menu_price: None,
        }
    }

    /// A prep (sub-recipe) yielding `quantity` per batch.
    pub fn prep(name: &str, quantity: Quantity) -> Self {
        Recipe {
            name: name.to_owned(),
            yields: Yield::Quantity(quantity),
            lines: Vec::new(),
            menu_price: None,
        }
    }

    pub fn ingredient(mut self, name: &str, quantity: Decimal, unit: Unit) -> Self {
        self.lines.push(RecipeLine {
            component: Component::Ingredient(name.to_owned()),
            quantity,
            unit,
            prep: None,
        });
        self
    }

    /// An ingredient prepared one way: `quantity` is the prepared amount.
    pub fn prepared(
        mut self,
        name: &str,
        quantity: Decimal,
        unit: Unit,
        action: &str,
        share: Decimal,
    ) -> Self {
        self.lines.push(RecipeLine {
            component: Component::Ingredient(name.to_owned()),
            quantity,
            unit,
            prep: Some(PrepYield {
                action: action.to_owned(),
                share,
            }),
        });
        self
    }

    pub fn sub_recipe(mut self, name: &str, quantity: Decimal, unit: Unit) -> Self {
        self.lines.push(RecipeLine {
            component: Component::Recipe(name.to_owned()),
            quantity,
            unit,
            prep: None,
        });
        self
    }

    pub fn priced(mut self, menu_price: Decimal) -> Self {
        self.menu_price = Some(menu_price);
        self
    }
}
