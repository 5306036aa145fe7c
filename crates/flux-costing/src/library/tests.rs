use super::*;

#[test]
fn embedded_data_parses_into_about_forty_dishes() {
    let parsed = parse_library().expect("dishes.toml must parse");
    assert!(parsed.len() >= 40, "only {} dishes", parsed.len());
    assert_eq!(library().len(), parsed.len());
    // Decimal values come through exactly, not via binary floats.
    let caesar = &parsed[0];
    assert_eq!(caesar.lines[0].waste_factor.value(), Decimal::new(20, 2));
    assert_eq!(caesar.lines[0].unit_cost_eur, Decimal::new(280, 2));
}

#[test]
fn every_dish_builds_a_valid_book_with_a_plausible_food_cost() {
    for dish in library() {
        let suggestion = Suggestion {
            dish: dish.clone(),
            matched_on: dish.name.clone(),
            score: 1.0,
        };
        let cost = suggestion
            .estimated_portion_cost(true)
            .unwrap_or_else(|e| panic!("{}: {e}", dish.name));
        let ratio = cost.amount() / dish.typical_price_eur;
        // Typical restaurant food cost sits between roughly 10 % and 40 %.
        assert!(
            ratio > Decimal::new(5, 2) && ratio < Decimal::new(45, 2),
            "{}: food cost {cost} for price {} is {ratio}",
            dish.name,
            dish.typical_price_eur
        );
    }
}

#[test]
fn names_and_aliases_are_unique_across_the_library() {
    let mut seen = std::collections::BTreeMap::new();
    for dish in library() {
        for name in std::iter::once(&dish.name).chain(&dish.aliases) {
            let key = matching::normalise(name);
            if let Some(other) = seen.insert(key.clone(), dish.name.clone()) {
                panic!("{key:?} is used by both {other} and {}", dish.name);
            }
        }
    }
}

#[test]
fn every_dish_finds_itself() {
    for dish in library() {
        let found = suggest(&dish.name).expect("own name matches");
        assert_eq!(found.dish.name, dish.name);
        assert_eq!(found.score, 1.0);
    }
}

#[test]
fn caesar_salad_is_found_in_many_spellings() {
    for query in [
        "Caesar Salad",
        "caesar  salad",
        "Ensalada César",
        "CAESAR",
        "Chicken Caesar Salad",
        "ceasar salad",
        "Caesar salads",
    ] {
        let found = suggest(query).unwrap_or_else(|| panic!("{query:?} not found"));
        assert_eq!(found.dish.name, "Caesar salad", "{query:?}");
    }
}

#[test]
fn other_languages_typos_and_keywords_match() {
    for (query, expected) in [
        ("Pizza Margarita", "Pizza margherita"),
        ("Cappucino", "Cappuccino"),
        ("Spaghetti alla Carbonara", "Spaghetti carbonara"),
        ("Penne carbonara", "Spaghetti carbonara"),
        ("Tarta de queso", "New York cheesecake"),
        ("Soupe à l'oignon", "French onion soup"),
        ("Tortilla de patatas", "Tortilla espanola"),
        ("Crème brûlée", "Creme brulee"),
        ("Fish & Chips", "Fish and chips"),
        ("Café con leche", "Caffe latte"),
        ("Butter croissant", "Croissant"),
        ("Gambas al ajillo", "Gambas al ajillo"),
    ] {
        let found = suggest(query).unwrap_or_else(|| panic!("{query:?} not found"));
        assert_eq!(found.dish.name, expected, "{query:?}");
    }
}

#[test]
fn unrelated_names_are_not_matched() {
    assert_eq!(suggest("Sushi platter"), None);
    assert_eq!(suggest(""), None);
    assert_eq!(suggest("!!!"), None);
}

#[test]
fn a_suggestion_becomes_ingredients_and_a_recipe() {
    let s = suggest("margherita").expect("found");
    let specs = s.ingredients();
    assert_eq!(specs.len(), s.dish.lines.len());
    let flour = specs
        .iter()
        .find(|i| i.name.starts_with("Pizza flour"))
        .expect("flour");
    assert_eq!(flour.base_unit, Unit::Kilogram);
    assert_eq!(flour.unit_cost, Decimal::new(110, 2));
    let recipe = s.recipe();
    assert_eq!(recipe.menu_price, Some(Decimal::new(1000, 2)));
    assert_eq!(recipe.lines.len(), s.dish.lines.len());
}

#[test]
fn spanish_menu_names_find_their_dish_at_a_plausible_cost() {
    for (query, expected) in [
        ("Pimientos de Padrón", "Pimientos de padron"),
        ("Chorizo a la Sidra", "Chorizo a la sidra"),
        ("Boquerones en Vinagre", "Boquerones en vinagre"),
        ("Calamares a la Romana", "Calamares a la romana"),
        ("Jamón Ibérico", "Jamon iberico"),
        ("Burrata con Tomate", "Burrata con tomate"),
        ("Sopa de Pescado", "Sopa de pescado"),
        ("Paella Valenciana", "Paella valenciana"),
        ("Paella de Marisco", "Paella de marisco"),
        ("Arroz Negro", "Arroz negro"),
        ("Pulpo a la Gallega", "Pulpo a la gallega"),
        ("Secreto Ibérico", "Secreto iberico"),
        ("Merluza a la Plancha", "Merluza a la plancha"),
        ("Flan Casero", "Flan casero"),
        ("Helado Artesano", "Helado artesano"),
        ("Caña", "Cana"),
        ("Copa de Vino Tinto", "Copa de vino tinto"),
        ("Copa de Cava", "Copa de cava"),
        ("Sangría (jarra)", "Sangria jug"),
        ("Tinto de Verano", "Tinto de verano"),
        ("Agua Mineral", "Agua mineral"),
        ("Vermut", "Vermut"),
        ("Tataki de Atún", "Tataki de atun"),
        ("Coca de Verduras", "Coca de verduras"),
        ("Salmorejo", "Gazpacho"),
        ("Fideuà", "Fideua"),
        ("Bacalao al Pil Pil", "Bacalao al pil pil"),
    ] {
        let found = suggest(query).unwrap_or_else(|| panic!("{query:?} not found"));
        assert_eq!(found.dish.name, expected, "{query:?}");
        assert_eq!(
            found.score, 1.0,
            "{query:?} matched on {}",
            found.matched_on
        );
        let cost = found
            .estimated_portion_cost(true)
            .unwrap_or_else(|e| panic!("{query:?}: {e}"));
        assert!(
            cost.amount() < found.dish.typical_price_eur,
            "{query:?}: food cost {cost} is not below the price {}",
            found.dish.typical_price_eur
        );
    }
}

#[test]
fn an_ingredient_is_measured_in_one_dimension_across_the_library() {
    // A restaurant shares ingredients by name: the first dish accepted
    // creates one, and later dishes' lines must convert to its unit.
    let mut seen = std::collections::BTreeMap::new();
    for dish in library() {
        for line in &dish.lines {
            for unit in [line.unit, line.cost_unit] {
                let dimension = *seen
                    .entry(line.ingredient.clone())
                    .or_insert(unit.dimension());
                assert_eq!(
                    unit.dimension(),
                    dimension,
                    "{} in {}: {unit} does not convert to {dimension}",
                    line.ingredient,
                    dish.name
                );
            }
        }
    }
}

#[test]
fn an_exact_name_beats_a_fuzzy_one() {
    // "cava" is one letter from "cana" (a caña of beer); the exact alias wins.
    let s = suggest("Cava").expect("a match");
    assert_eq!(s.dish.name, "Copa de cava");
    let s = suggest("Copa de Cava").expect("a match");
    assert_eq!(s.dish.name, "Copa de cava");
    let s = suggest("Caña").expect("a match");
    assert_eq!(s.dish.name, "Cana");
}
