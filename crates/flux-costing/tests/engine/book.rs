//! Building a recipe book: cycles, unknown references and unit mismatches.

use crate::common;

use crate::common::{dec, ingredient, qty, tomatoes};
use flux_costing::{
    CostingError, IngredientSpec, InvalidBook, MissingProperty, Recipe, RecipeBook, Unit, UnitError,
};

fn problems(recipes: Vec<Recipe>) -> Vec<CostingError> {
    let mozzarella = ingredient(IngredientSpec::new("Mozzarella", Unit::Kilogram, dec("8")));
    match RecipeBook::new(vec![tomatoes(), mozzarella], recipes) {
        Ok(_) => Vec::new(),
        Err(InvalidBook { problems }) => problems,
    }
}

#[test]
fn two_recipes_using_each_other_are_a_cycle_with_its_path() {
    let found = problems(vec![
        Recipe::prep("A", qty("1 l")).sub_recipe("B", dec("0.5"), Unit::Litre),
        Recipe::prep("B", qty("1 l")).sub_recipe("A", dec("0.5"), Unit::Litre),
    ]);
    assert_eq!(
        found,
        [CostingError::Cycle {
            path: vec!["A".into(), "B".into(), "A".into()]
        }]
    );
    assert_eq!(found[0].to_string(), "recipes form a cycle: A → B → A");
}

#[test]
fn a_recipe_using_itself_is_a_cycle() {
    let found = problems(vec![Recipe::prep("Stock", qty("5 l"))
        .ingredient("Tomatoes", dec("1"), Unit::Kilogram)
        .sub_recipe("stock", dec("1"), Unit::Litre)]);
    assert_eq!(
        found,
        [CostingError::Cycle {
            path: vec!["Stock".into(), "Stock".into()]
        }]
    );
}

#[test]
fn a_longer_cycle_reports_only_the_looping_part() {
    let found = problems(vec![
        Recipe::dish("Entry", 1).sub_recipe("X", dec("100"), Unit::Gram),
        Recipe::prep("X", qty("1 kg")).sub_recipe("Y", dec("100"), Unit::Gram),
        Recipe::prep("Y", qty("1 kg")).sub_recipe("Z", dec("100"), Unit::Gram),
        Recipe::prep("Z", qty("1 kg")).sub_recipe("X", dec("100"), Unit::Gram),
    ]);
    assert_eq!(
        found,
        [CostingError::Cycle {
            path: vec!["X".into(), "Y".into(), "Z".into(), "X".into()]
        }]
    );
}

#[test]
fn unknown_references_are_all_reported() {
    let found = problems(vec![Recipe::dish("Pizza", 1)
        .ingredient("Truffle", dec("5"), Unit::Gram)
        .sub_recipe("Pesto", dec("30"), Unit::Gram)]);
    assert_eq!(
        found,
        [
            CostingError::UnknownIngredient {
                recipe: "Pizza".into(),
                ingredient: "Truffle".into()
            },
            CostingError::UnknownSubRecipe {
                recipe: "Pizza".into(),
                sub_recipe: "Pesto".into()
            },
        ]
    );
}

#[test]
fn lines_in_units_that_cannot_reach_the_target_are_mismatches() {
    let found = problems(vec![
        Recipe::prep("Sauce", qty("2 l")).ingredient("Tomatoes", dec("2"), Unit::Kilogram),
        Recipe::dish("Pizza", 1)
            .ingredient("Mozzarella", dec("1"), Unit::Each)
            .sub_recipe("Sauce", dec("200"), Unit::Gram),
        Recipe::dish("Menu", 1).sub_recipe("Pizza", dec("100"), Unit::Gram),
    ]);
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(
        found[1],
        CostingError::UnitMismatch {
            recipe: "Pizza".into(),
            component: "Mozzarella".into(),
            line_unit: Unit::Each,
            target_unit: Unit::Kilogram,
            source: UnitError::Incompatible {
                from: Unit::Each,
                to: Unit::Kilogram,
                missing: MissingProperty::GramsPerEach
            },
        }
    );
    let message = found[1].to_string();
    assert!(
        message.contains("each") && message.contains("kg") && message.contains("grams_per_each")
    );
    assert!(matches!(
        &found[2],
        CostingError::UnitMismatch { component, line_unit: Unit::Gram, target_unit: Unit::Litre, .. }
            if component == "Sauce"
    ));
    assert!(matches!(
        &found[0],
        CostingError::UnitMismatch { component, target_unit: Unit::Each, .. } if component == "Pizza"
    ));
}

#[test]
fn portions_of_a_dish_can_be_a_component() {
    let book = RecipeBook::new(
        vec![tomatoes()],
        vec![
            Recipe::dish("Bruschetta", 4).ingredient("Tomatoes", dec("0.4"), Unit::Kilogram),
            // two of the four bruschette: half a batch
            Recipe::dish("Tapas board", 1).sub_recipe("Bruschetta", dec("2"), Unit::Each),
        ],
    )
    .expect("valid");
    let cost = book
        .cost("Tapas board", &flux_costing::CostOptions::default())
        .expect("costs");
    // 0.2 kg × 2.00 × 1.15
    assert_eq!(cost.batch_cost.amount(), dec("0.46"));
}

#[test]
fn duplicates_bad_quantities_and_yields_are_rejected() {
    let found = problems(vec![
        Recipe::dish("Salad", 1).ingredient("Tomatoes", dec("0"), Unit::Gram),
        Recipe::dish("salad ", 1),
        Recipe::dish("Empty", 0),
        Recipe::dish("Loss leader", 1).priced(dec("-1")),
    ]);
    assert!(found.contains(&CostingError::Duplicate {
        kind: "recipe",
        name: "salad".into()
    }));
    assert!(found.contains(&CostingError::NonPositiveQuantity {
        recipe: "Salad".into(),
        component: "Tomatoes".into(),
        quantity: dec("0"),
    }));
    assert!(found.contains(&CostingError::NonPositiveYield {
        recipe: "Empty".into()
    }));
    assert!(found
        .iter()
        .any(|e| matches!(e, CostingError::Negative { .. })));

    let twice = RecipeBook::new(vec![tomatoes(), tomatoes()], vec![]);
    assert!(matches!(twice, Err(InvalidBook { problems }) if problems.len() == 1));
}

#[test]
fn lookups_ignore_case_and_spacing() {
    let book = common::pizzeria();
    assert!(book.recipe("  pizza   margherita").is_some());
    assert!(book.ingredient("TOMATOES").is_some());
    assert_eq!(book.recipes().count(), 2);
    assert_eq!(book.ingredients().count(), 6);
}
