//! The one error type of the costing engine.
//!
//! Every variant names the recipe, ingredient or unit at fault so that a
//! caller can show it to a chef without further lookups.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use thiserror::Error;

use crate::units::{Unit, UnitError};
use crate::waste::WasteFactorError;

#[derive(Debug, Clone, PartialEq, Error)]
pub enum CostingError {
    #[error(transparent)]
    Unit(#[from] UnitError),
    #[error(transparent)]
    WasteFactor(#[from] WasteFactorError),
    #[error("invalid name {input:?}: must be 1 to 200 characters")]
    InvalidName { input: String },
    #[error("{what} must not be negative, got {value}")]
    Negative { what: String, value: Decimal },
    #[error("ingredient {ingredient:?}: pack size {pack} cannot be expressed in {base_unit}")]
    InvalidPackSize {
        ingredient: String,
        pack: String,
        base_unit: Unit,
        #[source]
        source: UnitError,
    },
    #[error("ingredient {ingredient:?}: pack size must be greater than zero")]
    EmptyPackSize { ingredient: String },
    #[error("ingredient {ingredient:?} has two different costs effective on {date}")]
    ConflictingCost { ingredient: String, date: NaiveDate },
    #[error("ingredient {ingredient:?} has no cost effective on or before {date}{}", earliest_hint(*.earliest))]
    NoCostAsOf {
        ingredient: String,
        date: NaiveDate,
        earliest: Option<NaiveDate>,
    },
    #[error("{kind} {name:?} is defined twice")]
    Duplicate { kind: &'static str, name: String },
    #[error("recipe {recipe:?} uses unknown ingredient {ingredient:?}")]
    UnknownIngredient { recipe: String, ingredient: String },
    #[error("recipe {recipe:?} uses unknown sub-recipe {sub_recipe:?}")]
    UnknownSubRecipe { recipe: String, sub_recipe: String },
    #[error("no recipe named {name:?}")]
    UnknownRecipe { name: String },
    #[error("recipe {recipe:?}: {component:?} is measured in {line_unit} but is known in {target_unit}: {source}")]
    UnitMismatch {
        recipe: String,
        component: String,
        line_unit: Unit,
        target_unit: Unit,
        #[source]
        source: UnitError,
    },
    #[error(
        "recipe {recipe:?}: quantity of {component:?} must be greater than zero, got {quantity}"
    )]
    NonPositiveQuantity {
        recipe: String,
        component: String,
        quantity: Decimal,
    },
    #[error("recipe {recipe:?}: yield must be greater than zero")]
    NonPositiveYield { recipe: String },
    #[error("recipes form a cycle: {}", .path.join(" → "))]
    Cycle { path: Vec<String> },
    #[error("demand for {dish:?} must be a finite, non-negative number, got {value}")]
    InvalidDemand { dish: String, value: String },
    #[error(transparent)]
    Book(#[from] crate::book::InvalidBook),
    #[error("{what} is too large to compute")]
    Overflow { what: String },
    #[error("menu engineering needs at least one dish with units sold")]
    NoSales,
    #[error("recipe {recipe:?}: the yield of {component:?} {action} must be above 0 and at most 1 (of an ingredient only), got {share}")]
    InvalidYield {
        recipe: String,
        component: String,
        action: String,
        share: Decimal,
    },
    #[error("the period ends ({to}) before it starts ({from})")]
    InvalidPeriod { from: String, to: String },
}

fn earliest_hint(earliest: Option<NaiveDate>) -> String {
    match earliest {
        Some(date) => format!(" (earliest cost is effective {date})"),
        None => " (no cost history)".to_owned(),
    }
}
