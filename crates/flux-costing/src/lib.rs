//! Flux's costing engine: units, ingredient prices, recipes, COGS,
//! ingredient explosion, menu engineering, actual-against-theoretical usage
//! and allergens.
//!
//! Pure and synchronous: no I/O, no clock, no database. Storage and HTTP
//! layers build [`Ingredient`]s and [`Recipe`]s from their rows, assemble a
//! [`RecipeBook`] (which validates names, units and cycles once), then ask
//! it for costs ([`RecipeBook::cost`]), purchase needs
//! ([`RecipeBook::explode`]) and menu analyses ([`analyse_menu`]). All money
//! is exact [`rust_decimal::Decimal`]; rounding is for display only.

pub mod allergen;
mod arith;
pub mod book;
pub mod cogs;
pub mod error;
pub mod explode;
pub mod history;
pub mod ingredient;
pub mod library;
pub mod measure;
pub mod menu;
pub mod money;
pub mod name;
pub mod recipe;
pub mod units;
pub mod variance;
pub mod waste;

pub use allergen::{Allergen, AllergenChange};
pub use book::{InvalidBook, RecipeBook};
pub use cogs::{margin, CostLine, CostOptions, PriceBasis, RecipeCost};
pub use error::CostingError;
pub use explode::{Explosion, IngredientNeed};
pub use history::{CostEntry, CostHistory};
pub use ingredient::{Category, Ingredient, IngredientSpec};
pub use library::{library, suggest, suggestions, LibraryDish, SuggestedLine, Suggestion};
pub use measure::{MeasureProfile, Quantity};
pub use menu::{
    analyse_menu, compare_periods, profitability, DishProfit, DishSales, MenuAnalysis, MenuClass,
    MenuItem, PeriodChange,
};
pub use money::{round_money, Money};
pub use name::Name;
pub use recipe::{Component, PrepYield, Recipe, RecipeLine, Yield};
pub use units::{convert, Dimension, MissingProperty, Unit, UnitError};
pub use waste::{WasteFactor, WasteFactorError};
