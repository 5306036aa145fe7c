//! Ingredient explosion through sub-recipes, with pack rounding.

use std::collections::BTreeMap;

use crate::common::{dec, pizzeria};
use flux_costing::{CostingError, Unit};
use rust_decimal::Decimal;

#[test]
fn demand_is_exploded_through_sub_recipes_and_rounded_to_packs() {
    // 40 pizzas need 40 × 0.5 l = 20 l of sauce, plus 3 l sold on its own:
    // 23 l = 11.5 batches of the 2 l sauce.
    let explosion = pizzeria()
        .explode([("Pizza Margherita", dec("40")), ("Tomato sauce", dec("3"))])
        .expect("explodes");

    let tomatoes = explosion.need("tomatoes").expect("tomatoes");
    // 11.5 × 2.5 kg = 28.75 kg net; × 1.15 = 33.0625 kg gross
    assert_eq!(tomatoes.base_unit, Unit::Kilogram);
    assert_eq!(tomatoes.net_quantity, dec("28.75"));
    assert_eq!(tomatoes.gross_quantity, dec("33.0625"));
    // 6 kg cases: 28.75 / 6 = 4.79 → 5; 33.0625 / 6 = 5.51 → 6
    assert_eq!(tomatoes.packs_net, Some(dec("5")));
    assert_eq!(tomatoes.packs_gross, Some(dec("6")));
    // pizzas: 10 batches × 2.5 = 25 kg; sauce sold: 1.5 batches = 3.75 kg
    assert_eq!(tomatoes.by_dish["Pizza Margherita"], dec("25"));
    assert_eq!(tomatoes.by_dish["Tomato sauce"], dec("3.75"));

    let mozzarella = explosion.need("Mozzarella").expect("mozzarella");
    // 40 × 0.125 = 5 kg → 2 packs of 2.5 kg; 5.25 kg with waste → 3 packs
    assert_eq!(mozzarella.net_quantity, dec("5"));
    assert_eq!(mozzarella.gross_quantity, dec("5.25"));
    assert_eq!(mozzarella.packs_net, Some(dec("2")));
    assert_eq!(mozzarella.packs_gross, Some(dec("3")));

    let flour = explosion.need("Flour").expect("flour");
    // 10 kg (10.2 with waste) fits one 25 kg sack either way
    assert_eq!(flour.net_quantity, dec("10"));
    assert_eq!(flour.gross_quantity, dec("10.2"));
    assert_eq!(
        (flour.packs_net, flour.packs_gross),
        (Some(dec("1")), Some(dec("1")))
    );

    let oil = explosion.need("Olive oil").expect("oil");
    // 11.5 × 0.1 l; no pack size, so no pack counts
    assert_eq!(oil.net_quantity, dec("1.15"));
    assert_eq!(oil.gross_quantity, dec("1.15"));
    assert_eq!(oil.packs_net, None);

    let basil = explosion.need("Basil").expect("basil");
    // 40 × 5 g = 200 g; × 1.30 = 260 g, in the gram base unit
    assert_eq!(
        (basil.net_quantity, basil.base_unit),
        (dec("200"), Unit::Gram)
    );
    assert_eq!(basil.gross_quantity, dec("260"));

    let names: Vec<_> = explosion
        .needs
        .iter()
        .map(|n| n.ingredient.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Basil",
            "Flour",
            "Garlic",
            "Mozzarella",
            "Olive oil",
            "Tomatoes"
        ]
    );
}

#[test]
fn forecast_means_are_taken_as_exact_decimals() {
    let forecast: BTreeMap<String, f64> = [("pizza margherita".to_owned(), 39.6)].into();
    let explosion = pizzeria().explode_forecast(forecast).expect("explodes");
    // 39.6 × 0.25 kg = 9.9 kg exactly, no binary float residue
    assert_eq!(
        explosion.need("Flour").map(|n| n.net_quantity),
        Some(dec("9.9"))
    );
}

#[test]
fn bad_demand_is_rejected() {
    let book = pizzeria();
    for bad in [f64::NAN, f64::INFINITY, -1.0] {
        assert!(matches!(
            book.explode_forecast([("Pizza Margherita", bad)]),
            Err(CostingError::InvalidDemand { .. })
        ));
    }
    assert!(matches!(
        book.explode([("Pizza Margherita", dec("-2"))]),
        Err(CostingError::InvalidDemand { .. })
    ));
    assert_eq!(
        book.explode([("Calzone", Decimal::ONE)]),
        Err(CostingError::UnknownRecipe {
            name: "Calzone".into()
        })
    );
}

#[test]
fn zero_demand_needs_nothing_but_lists_the_ingredients() {
    let explosion = pizzeria()
        .explode([("Pizza Margherita", Decimal::ZERO)])
        .expect("explodes");
    assert!(explosion
        .needs
        .iter()
        .all(|n| n.net_quantity.is_zero() && n.packs_gross.unwrap_or_default().is_zero()));
}

#[test]
fn a_prepared_line_buys_its_quantity_over_the_yield_instead_of_the_waste_factor() {
    use flux_costing::{CostOptions, Ingredient, IngredientSpec, Recipe, RecipeBook};
    // Onions at 1.20/kg with a 10 % waste factor; diced they yield 70 %.
    let mut spec = IngredientSpec::new("Onion", Unit::Kilogram, dec("1.20"));
    spec.waste_factor = dec("0.10");
    let onion = Ingredient::new(spec).expect("onion");
    let book = RecipeBook::new(
        vec![onion],
        vec![
            // 70 g of diced onion, and 50 g used whole.
            Recipe::dish("Soup", 1)
                .prepared("Onion", dec("70"), Unit::Gram, "diced", dec("0.70"))
                .ingredient("Onion", dec("50"), Unit::Gram),
        ],
    )
    .expect("book");
    let need = book
        .explode([("Soup", dec("10"))])
        .expect("explodes")
        .need("onion")
        .cloned()
        .expect("onion");
    // 10 × (0.07 ÷ 0.70 + 0.05 × 1.10) = 10 × (0.1 + 0.055)
    assert_eq!(need.net_quantity, dec("1.2"));
    assert_eq!(need.gross_quantity, dec("1.55"));
    let cost = book.cost("Soup", &CostOptions::default()).expect("cost");
    // 0.1 × 1.20 + 0.055 × 1.20
    assert_eq!(cost.batch_cost.amount(), dec("0.186"));
    assert_eq!(cost.lines[0].edible_share, Some(dec("0.70")));
    let net = book
        .cost(
            "Soup",
            &CostOptions {
                include_waste: false,
                ..CostOptions::default()
            },
        )
        .expect("cost");
    assert_eq!(net.batch_cost.amount(), dec("0.144"));

    // A yield must be a share of what was bought.
    let bad = RecipeBook::new(
        vec![
            Ingredient::new(IngredientSpec::new("Onion", Unit::Kilogram, dec("1"))).expect("onion"),
        ],
        vec![Recipe::dish("Soup", 1).prepared("Onion", dec("70"), Unit::Gram, "diced", dec("1.5"))],
    );
    assert!(
        matches!(&bad, Err(b) if b.problems.iter().any(|p| matches!(p, CostingError::InvalidYield { .. }))),
        "{bad:?}"
    );
}
