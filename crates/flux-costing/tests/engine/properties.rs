//! Property tests: conversions round-trip, COGS is linear in quantity,
//! explosion is linear in demand, waste factors accept exactly their range.

use crate::common;

use crate::common::{dec, ingredient, tomatoes};
use flux_costing::{
    convert, CostOptions, IngredientSpec, MeasureProfile, PriceBasis, Quantity, Recipe, RecipeBook,
    Unit, WasteFactor,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn unit() -> impl Strategy<Value = Unit> {
    proptest::sample::select(Unit::ALL.to_vec())
}

/// Two units of the same dimension.
fn same_dimension_pair() -> impl Strategy<Value = (Unit, Unit)> {
    (unit(), any::<prop::sample::Index>()).prop_map(|(from, i)| {
        let peers: Vec<Unit> = Unit::ALL
            .into_iter()
            .filter(|u| u.dimension() == from.dimension())
            .collect();
        (from, *i.get(&peers))
    })
}

/// Two units of different dimensions.
fn cross_dimension_pair() -> impl Strategy<Value = (Unit, Unit)> {
    (unit(), any::<prop::sample::Index>()).prop_map(|(from, i)| {
        let others: Vec<Unit> = Unit::ALL
            .into_iter()
            .filter(|u| u.dimension() != from.dimension())
            .collect();
        (from, *i.get(&others))
    })
}

/// Up to a billion, with up to 6 decimals: far beyond any kitchen.
fn amount() -> impl Strategy<Value = Decimal> {
    (0i64..1_000_000_000_000_000, 0u32..=6).prop_map(|(m, s)| Decimal::new(m, s))
}

fn positive(max: i64, scale: u32) -> impl Strategy<Value = Decimal> {
    (1i64..=max).prop_map(move |m| Decimal::new(m, scale))
}

/// Relative closeness, for results of non-terminating divisions.
fn close(a: Decimal, b: Decimal) -> bool {
    let tolerance = Decimal::new(1, 18) * a.abs().max(Decimal::ONE);
    (a - b).abs() <= tolerance
}

proptest! {
    #[test]
    fn same_dimension_conversions_round_trip(x in amount(), (from, to) in same_dimension_pair()) {
        let there = convert(x, from, to).expect("same dimension");
        let back = convert(there, to, from).expect("same dimension");
        prop_assert!(close(back, x), "{x} {from} → {there} {to} → {back}");
    }

    #[test]
    fn conversion_to_base_and_back_is_exact(x in amount(), u in unit()) {
        let base = convert(x, u, u.base()).expect("same dimension");
        prop_assert_eq!(convert(base, u.base(), u).expect("same dimension"), x);
    }

    #[test]
    fn different_dimensions_never_convert_without_facts(
        x in amount(),
        (from, to) in cross_dimension_pair(),
    ) {
        prop_assert!(convert(x, from, to).is_err());
        prop_assert!(MeasureProfile::default().convert(x, from, to).is_err());
    }

    #[test]
    fn cross_dimension_conversions_round_trip(
        x in amount(),
        from in unit(),
        to in unit(),
        each in positive(5_000_000, 3),
        density in positive(3_000, 3),
    ) {
        let profile = MeasureProfile::new(Some(each), Some(density)).expect("positive");
        let there = profile.convert(x, from, to).expect("both facts known");
        let back = profile.convert(there, to, from).expect("both facts known");
        prop_assert!(close(back, x), "{x} {from} → {there} {to} → {back}");
    }

    #[test]
    fn unit_symbols_and_quantities_parse_back(x in amount(), u in unit()) {
        let q = Quantity::new(x, u).expect("non-negative");
        prop_assert_eq!(Quantity::parse(&q.to_string()).expect("own display parses"), q);
    }

    #[test]
    fn waste_factor_accepts_exactly_zero_to_sixty_percent(m in -2_000i64..2_000) {
        let value = Decimal::new(m, 3);
        let accepted = WasteFactor::new(value).is_ok();
        prop_assert_eq!(accepted, value >= Decimal::ZERO && value <= dec("0.6"));
    }

    #[test]
    fn cogs_is_linear_in_quantity(
        grams in positive(50_000, 1),
        sauce_ml in positive(4_000, 0),
        k in 1i64..200,
        waste in 0i64..=60,
    ) {
        let k = Decimal::from(k);
        let book = |factor: Decimal| {
            let cheese = ingredient(IngredientSpec {
                waste_factor: Decimal::new(waste, 2),
                grams_per_each: Some(dec("125")),
                ..IngredientSpec::new("Cheese", Unit::Kilogram, dec("8.35"))
            });
            RecipeBook::new(
                vec![tomatoes(), cheese],
                vec![
                    Recipe::prep("Sauce", Quantity::new(dec("2"), Unit::Litre).expect("valid"))
                        .ingredient("Tomatoes", dec("2.5"), Unit::Kilogram),
                    Recipe::dish("Dish", 1)
                        .ingredient("Cheese", grams * factor, Unit::Gram)
                        .sub_recipe("Sauce", sauce_ml * factor, Unit::Millilitre),
                ],
            )
            .expect("valid")
        };
        for include_waste in [false, true] {
            let options = CostOptions { include_waste, prices: PriceBasis::Current };
            let one = book(Decimal::ONE).cost("Dish", &options).expect("costs");
            let many = book(k).cost("Dish", &options).expect("costs");
            prop_assert!(close(many.batch_cost.amount(), one.batch_cost.amount() * k));
        }
        // With waste = Σ line × (1 + waste) of the same lines without it.
        let with = book(Decimal::ONE).cost("Dish", &CostOptions::default()).expect("costs");
        let expected: Decimal = with
            .lines
            .iter()
            .map(|l| l.cost_without_waste.amount() * l.waste_factor.multiplier())
            .sum();
        prop_assert_eq!(with.batch_cost.amount(), expected);
    }

    #[test]
    fn explosion_is_linear_in_demand(portions in positive(10_000, 1), k in 1i64..50) {
        let book = common::pizzeria();
        let k = Decimal::from(k);
        let one = book.explode([("Pizza Margherita", portions)]).expect("explodes");
        let many = book.explode([("Pizza Margherita", portions * k)]).expect("explodes");
        for (a, b) in one.needs.iter().zip(&many.needs) {
            prop_assert!(close(b.net_quantity, a.net_quantity * k));
            prop_assert!(close(b.gross_quantity, a.gross_quantity * k));
            if let (Some(pa), Some(pb)) = (a.packs_gross, b.packs_gross) {
                prop_assert!(pb <= pa * k, "rounding once never buys more than rounding each");
            }
        }
    }
}
