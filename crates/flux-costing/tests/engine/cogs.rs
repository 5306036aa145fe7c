//! COGS against hand-computed figures.

use crate::common::{day, dec, ingredient, pizzeria, tomatoes};
use flux_costing::{
    margin, CostOptions, CostingError, IngredientSpec, Money, PriceBasis, Recipe, RecipeBook, Unit,
};

fn with_waste() -> CostOptions {
    CostOptions {
        include_waste: true,
        prices: PriceBasis::Current,
    }
}

fn without_waste() -> CostOptions {
    CostOptions {
        include_waste: false,
        prices: PriceBasis::Current,
    }
}

fn tomato_salad_book() -> RecipeBook {
    RecipeBook::new(
        vec![tomatoes()],
        vec![Recipe::dish("Tomato salad", 20).ingredient("Tomatoes", dec("10"), Unit::Kilogram)],
    )
    .expect("valid")
}

#[test]
fn seed_example_ten_kilos_of_tomatoes_cost_23_with_waste_and_20_without() {
    let book = tomato_salad_book();
    // 10 kg × 2.00 × 1.15 = 23.00
    let cost = book.cost("Tomato salad", &with_waste()).expect("costs");
    assert_eq!(cost.batch_cost.amount(), dec("23"));
    assert_eq!(cost.batch_cost.to_string(), "23.00");
    // 23.00 / 20 portions = 1.15
    assert_eq!(cost.unit_cost.amount(), dec("1.15"));
    // 10 kg × 2.00 = 20.00
    let cost = book.cost("Tomato salad", &without_waste()).expect("costs");
    assert_eq!(cost.batch_cost.amount(), dec("20"));
    assert_eq!(cost.batch_cost.to_string(), "20.00");
}

#[test]
fn sub_recipe_batch_cost_is_the_sum_of_its_lines() {
    let book = pizzeria();
    // tomatoes 2.5 × 2.00 = 5.00, oil 0.1 l × 8.00 = 0.80,
    // garlic 0.02 kg × 6.00 = 0.12 → 5.92; per litre 2.96
    let sauce = book.cost("tomato sauce", &without_waste()).expect("costs");
    assert_eq!(sauce.batch_cost.amount(), dec("5.92"));
    assert_eq!(sauce.unit_cost.amount(), dec("2.96"));
    assert_eq!(sauce.margin, None, "preps have no margin");
    // with waste: 5.75 + 0.80 + 0.132 = 6.682
    let sauce = book.cost("tomato sauce", &with_waste()).expect("costs");
    assert_eq!(sauce.batch_cost.amount(), dec("6.682"));
}

#[test]
fn pizza_carries_a_quarter_of_the_sauce_batch() {
    let book = pizzeria();
    // sauce 0.25 × 5.92 = 1.48, flour 0.25 × 0.80 = 0.20,
    // mozzarella 0.125 × 8.00 = 1.00, basil 5 × 0.02 = 0.10 → 2.78
    let plain = book
        .cost("Pizza Margherita", &without_waste())
        .expect("costs");
    assert_eq!(plain.batch_cost.amount(), dec("2.78"));
    assert_eq!(plain.unit_cost.amount(), dec("2.78"));

    // sauce 0.25 × 6.682 = 1.6705, flour 0.20 × 1.02 = 0.204,
    // mozzarella 1.00 × 1.05 = 1.05, basil 0.10 × 1.30 = 0.13 → 3.0545
    let cost = book.cost("Pizza Margherita", &with_waste()).expect("costs");
    assert_eq!(cost.batch_cost.amount(), dec("3.0545"));
    assert_eq!(cost.unit_cost.to_string(), "3.05");
    // (10 − 3.0545) / 10
    assert_eq!(cost.margin, Some(dec("0.69455")));
    assert_eq!(plain.margin, Some(dec("0.722")));
}

#[test]
fn breakdown_is_flattened_with_paths() {
    let cost = pizzeria()
        .cost("Pizza Margherita", &with_waste())
        .expect("costs");
    let names: Vec<_> = cost.lines.iter().map(|l| l.ingredient.as_str()).collect();
    assert_eq!(
        names,
        [
            "Tomatoes",
            "Olive oil",
            "Garlic",
            "Flour",
            "Mozzarella",
            "Basil"
        ]
    );
    let tomato = &cost.lines[0];
    assert_eq!(tomato.path, ["Pizza Margherita", "Tomato sauce"]);
    // a quarter of 2.5 kg
    assert_eq!(tomato.quantity, dec("0.625"));
    assert_eq!(tomato.base_unit, Unit::Kilogram);
    assert_eq!(tomato.cost_without_waste.amount(), dec("1.25"));
    assert_eq!(tomato.cost.amount(), dec("1.4375"));
    let oil = &cost.lines[1];
    assert_eq!(oil.quantity, dec("0.025"), "100 ml / 4 in litres");
    let flour = &cost.lines[3];
    assert_eq!(flour.path, ["Pizza Margherita"]);
    assert_eq!(flour.quantity, dec("0.25"));
    let total: Money = cost.lines.iter().map(|l| l.cost).sum();
    assert_eq!(total, cost.batch_cost);
}

#[test]
fn costs_use_the_price_effective_on_the_date() {
    let book = tomato_salad_book();
    let as_of = |date| CostOptions {
        include_waste: true,
        prices: PriceBasis::AsOf(day(date)),
    };
    // 10 × 1.80 × 1.15 = 20.70 between January and June
    let cost = book
        .cost("Tomato salad", &as_of("2024-03-01"))
        .expect("costs");
    assert_eq!(cost.batch_cost.amount(), dec("20.70"));
    // on the day the price changes, the new price applies: 10 × 2.00 × 1.15
    let cost = book
        .cost("Tomato salad", &as_of("2024-06-01"))
        .expect("costs");
    assert_eq!(cost.batch_cost.amount(), dec("23"));
    // before the first entry there is no price
    assert_eq!(
        book.cost("Tomato salad", &as_of("2023-12-31")),
        Err(CostingError::NoCostAsOf {
            ingredient: "Tomatoes".into(),
            date: day("2023-12-31"),
            earliest: Some(day("2024-01-01")),
        })
    );
}

#[test]
fn counted_and_measured_lines_are_costed_by_weight() {
    let onions = ingredient(IngredientSpec {
        grams_per_each: Some(dec("150")),
        ..IngredientSpec::new("Onions", Unit::Kilogram, dec("1.20"))
    });
    let oil = ingredient(IngredientSpec {
        grams_per_ml: Some(dec("0.92")),
        ..IngredientSpec::new("Sunflower oil", Unit::Kilogram, dec("5.00"))
    });
    let book = RecipeBook::new(
        vec![onions, oil],
        vec![Recipe::dish("Fried onions", 4)
            .ingredient("Onions", dec("2"), Unit::Each)
            .ingredient("Sunflower oil", dec("100"), Unit::Millilitre)],
    )
    .expect("valid");
    let cost = book.cost("Fried onions", &with_waste()).expect("costs");
    // onions 2 × 150 g = 0.3 kg × 1.20 = 0.36; oil 100 ml × 0.92 = 92 g
    // = 0.092 kg × 5.00 = 0.46 → 0.82, a quarter per portion
    assert_eq!(cost.lines[0].quantity, dec("0.3"));
    assert_eq!(cost.lines[1].quantity, dec("0.092"));
    assert_eq!(cost.batch_cost.amount(), dec("0.82"));
    assert_eq!(cost.unit_cost.amount(), dec("0.205"));
}

#[test]
fn margin_needs_a_non_zero_price() {
    let cost = Money::new(dec("3"));
    assert_eq!(margin(Some(Money::new(dec("10"))), cost), Some(dec("0.7")));
    assert_eq!(margin(Some(Money::ZERO), cost), None);
    assert_eq!(margin(None, cost), None);
    assert_eq!(
        margin(Some(Money::new(dec("2"))), cost),
        Some(dec("-0.5")),
        "selling below cost is a negative margin"
    );
}

#[test]
fn unknown_recipe_is_an_error() {
    assert_eq!(
        pizzeria().cost("Calzone", &with_waste()),
        Err(CostingError::UnknownRecipe {
            name: "Calzone".into()
        })
    );
}
