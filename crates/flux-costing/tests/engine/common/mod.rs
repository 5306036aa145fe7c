//! Shared fixtures: a small pizzeria whose figures are worked out by hand in
//! the tests that use it.
#![allow(dead_code)]

use chrono::NaiveDate;
use flux_costing::{
    CostEntry, Ingredient, IngredientSpec, Money, Quantity, Recipe, RecipeBook, Unit,
};
use rust_decimal::Decimal;

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str_exact(s).expect("test literal")
}

pub fn day(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

pub fn qty(s: &str) -> Quantity {
    Quantity::parse(s).expect("test quantity")
}

pub fn ingredient(spec: IngredientSpec) -> Ingredient {
    Ingredient::new(spec).expect("valid test ingredient")
}

/// Tomatoes at 2.00/kg with 15 % waste (the seed example), sold in 6 kg
/// cases, with a price history.
pub fn tomatoes() -> Ingredient {
    ingredient(IngredientSpec {
        waste_factor: dec("0.15"),
        pack_size: Some(qty("6 kg")),
        shelf_life_days: Some(7),
        cost_history: vec![
            CostEntry {
                effective: day("2024-01-01"),
                unit_cost: Money::new(dec("1.80")),
            },
            CostEntry {
                effective: day("2024-06-01"),
                unit_cost: Money::new(dec("2.00")),
            },
        ],
        ..IngredientSpec::new("Tomatoes", Unit::Kilogram, dec("2.00"))
    })
}

/// The pizzeria:
///
/// * Tomato sauce (prep, yields 2 l): 2.5 kg tomatoes, 100 ml olive oil,
///   20 g garlic.
/// * Pizza Margherita (1 portion, 10.00): 500 ml tomato sauce (a quarter
///   batch), 250 g flour, 125 g mozzarella, 5 g basil.
pub fn pizzeria() -> RecipeBook {
    let ingredients = vec![
        tomatoes(),
        ingredient(IngredientSpec::new("Olive oil", Unit::Litre, dec("8.00"))),
        ingredient(IngredientSpec {
            waste_factor: dec("0.10"),
            ..IngredientSpec::new("Garlic", Unit::Kilogram, dec("6.00"))
        }),
        ingredient(IngredientSpec {
            waste_factor: dec("0.02"),
            pack_size: Some(qty("25 kg")),
            ..IngredientSpec::new("Flour", Unit::Kilogram, dec("0.80"))
        }),
        ingredient(IngredientSpec {
            waste_factor: dec("0.05"),
            pack_size: Some(qty("2.5 kg")),
            ..IngredientSpec::new("Mozzarella", Unit::Kilogram, dec("8.00"))
        }),
        ingredient(IngredientSpec {
            waste_factor: dec("0.30"),
            ..IngredientSpec::new("Basil", Unit::Gram, dec("0.02"))
        }),
    ];
    let recipes = vec![
        Recipe::prep("Tomato sauce", qty("2 l"))
            .ingredient("Tomatoes", dec("2.5"), Unit::Kilogram)
            .ingredient("Olive oil", dec("100"), Unit::Millilitre)
            .ingredient("Garlic", dec("20"), Unit::Gram),
        Recipe::dish("Pizza Margherita", 1)
            .sub_recipe("Tomato sauce", dec("500"), Unit::Millilitre)
            .ingredient("Flour", dec("250"), Unit::Gram)
            .ingredient("Mozzarella", dec("125"), Unit::Gram)
            .ingredient("basil", dec("5"), Unit::Gram)
            .priced(dec("10.00")),
    ];
    RecipeBook::new(ingredients, recipes).expect("valid pizzeria")
}
