//! The shapes storage and HTTP layers exchange: JSON round trips, lenient
//! units on the way in, errors instead of panics on absurd figures.

use crate::common::{dec, pizzeria};
use flux_costing::{
    CostOptions, CostingError, Ingredient, IngredientSpec, Recipe, RecipeBook, Unit,
};
use serde_json::json;

#[test]
fn ingredient_specs_and_recipes_read_from_json_with_lenient_units() {
    let spec: IngredientSpec = serde_json::from_value(json!({
        "name": "Tomatoes",
        "category": "produce",
        "base_unit": "Kilogram",
        "unit_cost": "2.00",
        "waste_factor": "0.15",
        "pack_size": { "amount": "6", "unit": "kgs" },
        "cost_history": [{ "effective": "2024-01-01", "unit_cost": "1.80" }]
    }))
    .expect("spec parses");
    assert_eq!(spec.base_unit, Unit::Kilogram);
    let tomatoes = Ingredient::new(spec).expect("valid");
    assert_eq!(tomatoes.pack_in_base_units(), Some(dec("6")));

    let recipe: Recipe = serde_json::from_value(json!({
        "name": "Tomato salad",
        "yield": { "portions": "20" },
        "lines": [{ "component": { "ingredient": "tomatoes" }, "quantity": "10", "unit": "KG" }],
        "menu_price": "4.50"
    }))
    .expect("recipe parses");
    let book = RecipeBook::new(vec![tomatoes], vec![recipe]).expect("valid");
    let cost = book
        .cost("tomato salad", &CostOptions::default())
        .expect("costs");
    assert_eq!(cost.batch_cost.to_string(), "23.00");

    let bad: Result<IngredientSpec, _> = serde_json::from_value(json!({
        "name": "Tomatoes", "base_unit": "bushel", "unit_cost": "2"
    }));
    assert!(bad.is_err(), "unknown units are refused at the boundary");
}

#[test]
fn recipes_round_trip_through_json() {
    let book = pizzeria();
    for recipe in book.recipes() {
        let json = serde_json::to_string(recipe).expect("serialises");
        let back: Recipe = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(&back, recipe);
    }
    let cost = book
        .cost("Pizza Margherita", &CostOptions::default())
        .expect("costs");
    let json = serde_json::to_value(&cost).expect("serialises");
    assert_eq!(json["batch_cost"], "3.0545", "money is exact, as a string");
    assert_eq!(json["lines"][0]["path"][1], "Tomato sauce");
    assert_eq!(json["lines"][0]["base_unit"], "kg");
}

#[test]
fn absurd_quantities_are_errors_not_panics() {
    let huge = Ingredient::new(IngredientSpec::new(
        "Gold",
        Unit::Kilogram,
        dec("1000000000000000000000"),
    ))
    .expect("valid");
    let book = RecipeBook::new(
        vec![huge],
        vec![Recipe::dish("Folly", 1).ingredient(
            "Gold",
            dec("100000000000000000000"),
            Unit::Kilogram,
        )],
    )
    .expect("valid");
    assert!(matches!(
        book.cost("Folly", &CostOptions::default()),
        Err(CostingError::Overflow { .. })
    ));
    assert!(matches!(
        book.explode([("Folly", dec("10000000000"))]),
        Err(CostingError::Overflow { .. })
    ));
}
