//! Profitability and Kasavana–Smith menu engineering on a worked example.

use crate::common::{dec, pizzeria};
use flux_costing::menu::PeriodChange;
use flux_costing::{
    analyse_menu, compare_periods, profitability, CostOptions, CostingError, DishSales, MenuClass,
    Money,
};
use rust_decimal::Decimal;

fn sales(dish: &str, units: u64, revenue: &str, food_cost: &str) -> DishSales {
    DishSales {
        dish: dish.into(),
        units_sold: units,
        revenue: Money::new(dec(revenue)),
        food_cost: Money::new(dec(food_cost)),
    }
}

/// | dish   | units | price | cost/unit | revenue | food cost | CM   | CM/unit |
/// |--------|-------|-------|-----------|---------|-----------|------|---------|
/// | Burger |   400 |    14 |         4 |    5600 |      1600 | 4000 |      10 |
/// | Salad  |   150 |     9 |         2 |    1350 |       300 | 1050 |       7 |
/// | Steak  |   100 |    25 |        10 |    2500 |      1000 | 1500 |      15 |
/// | Soup   |    50 |     6 |         2 |     300 |       100 |  200 |       4 |
/// | total  |   700 |       |           |    9750 |      3000 | 6750 |         |
fn current_period() -> Vec<DishSales> {
    vec![
        sales("Burger", 400, "5600", "1600"),
        sales("Salad", 150, "1350", "300"),
        sales("Steak", 100, "2500", "1000"),
        sales("Soup", 50, "300", "100"),
    ]
}

/// | dish     | units | revenue | food cost | CM   | CM/unit |
/// |----------|-------|---------|-----------|------|---------|
/// | Burger   |   300 |    4200 |      1500 | 2700 |       9 |
/// | Salad    |   100 |     900 |       200 |  700 |       7 |
/// | Steak    |   200 |    5000 |      2000 | 3000 |      15 |
/// | Soup     |    50 |     300 |       100 |  200 |       4 |
/// | Gazpacho |     0 |       0 |         0 |    0 |       – |
/// | total    |   650 |   10400 |      3800 | 6600 |         |
fn previous_period() -> Vec<DishSales> {
    vec![
        sales("Burger", 300, "4200", "1500"),
        sales("Salad", 100, "900", "200"),
        sales("Steak", 200, "5000", "2000"),
        sales("Soup", 50, "300", "100"),
        sales("Gazpacho", 0, "0", "0"),
    ]
}

#[test]
fn per_dish_profitability() {
    let p = profitability(&sales("Burger", 400, "5600", "1600"));
    assert_eq!(p.contribution.amount(), dec("4000"));
    assert_eq!(p.contribution_per_unit.map(Money::amount), Some(dec("10")));
    assert_eq!(p.average_price.map(Money::amount), Some(dec("14")));
    // 1600 / 5600 = 2/7
    assert_eq!(p.food_cost_ratio, Some(dec("1600") / dec("5600")));

    let nothing = profitability(&sales("Gazpacho", 0, "0", "0"));
    assert_eq!(nothing.contribution_per_unit, None);
    assert_eq!(nothing.food_cost_ratio, None);
}

#[test]
fn worked_example_is_classified_by_the_standard_thresholds() {
    let analysis = analyse_menu(&current_period()).expect("analyses");
    // Popularity threshold: 70 % × 1/4 items = 0.175 of the mix, i.e.
    // 0.175 × 700 = 122.5 units. Shares: burger 400/700 = 0.571,
    // salad 150/700 = 0.214 (high); steak 100/700 = 0.143, soup 0.071 (low).
    assert_eq!(analysis.popularity_threshold, dec("0.175"));
    // Contribution threshold: 6750 / 700 = 9.642857… per unit.
    // Burger 10 and steak 15 are high; salad 7 and soup 4 are low.
    assert_eq!(
        analysis.contribution_threshold.amount(),
        dec("6750") / dec("700")
    );
    assert_eq!(analysis.contribution_threshold.to_string(), "9.64");
    assert_eq!(analysis.total_units, 700);
    assert_eq!(analysis.total_contribution.amount(), dec("6750"));
    // Theoretical food cost: 3000 / 9750 = 30.77 %
    assert_eq!(analysis.food_cost_ratio, Some(dec("3000") / dec("9750")));

    let class = |dish| analysis.item(dish).map(|i| i.class);
    assert_eq!(class("Burger"), Some(MenuClass::Star));
    assert_eq!(class("Salad"), Some(MenuClass::Plowhorse));
    assert_eq!(class("Steak"), Some(MenuClass::Puzzle));
    assert_eq!(class("Soup"), Some(MenuClass::Dog));
    let burger = analysis.item("burger").expect("burger");
    assert_eq!(burger.mix_share, dec("400") / dec("700"));
}

#[test]
fn an_item_exactly_at_a_threshold_counts_as_high() {
    // Two items, 70 % × 1/2 = 0.35 popularity threshold. Mix 35/65: the
    // first sits exactly on it. Contribution: (35×2 + 65×2) / 100 = 2, both
    // exactly on it.
    let analysis = analyse_menu(&[sales("A", 35, "105", "35"), sales("B", 65, "195", "65")])
        .expect("analyses");
    assert_eq!(analysis.item("A").map(|i| i.class), Some(MenuClass::Star));
    assert_eq!(analysis.item("B").map(|i| i.class), Some(MenuClass::Star));
}

#[test]
fn periods_are_compared_dish_by_dish() {
    // Previous thresholds: popularity 0.7 / 5 = 0.14 → 91 of 650 units, so
    // burger, salad and steak are popular; contribution 6600 / 650 = 10.15,
    // so only steak is profitable: burger and salad Plowhorses, steak Star,
    // soup and gazpacho (nothing sold) Dogs.
    let previous = analyse_menu(&previous_period()).expect("analyses");
    let current = analyse_menu(&current_period()).expect("analyses");
    let changes = compare_periods(&previous, &current);
    let change =
        |dish: &str| -> &PeriodChange { changes.iter().find(|c| c.dish == dish).expect("listed") };

    let burger = change("Burger");
    assert_eq!(
        (burger.previous, burger.current),
        (Some(MenuClass::Plowhorse), Some(MenuClass::Star))
    );
    assert!(burger.class_changed);
    assert_eq!(
        burger.contribution_per_unit_delta.map(Money::amount),
        Some(dec("1"))
    );
    assert_eq!(burger.units_sold_delta, 100);

    let steak = change("Steak");
    assert_eq!(
        (steak.previous, steak.current),
        (Some(MenuClass::Star), Some(MenuClass::Puzzle))
    );
    assert_eq!(
        steak.contribution_per_unit_delta.map(Money::amount),
        Some(Decimal::ZERO)
    );
    // 0.4 − 0.4: same food cost ratio
    assert_eq!(steak.food_cost_ratio_delta, Some(Decimal::ZERO));

    let salad = change("Salad");
    assert!(!salad.class_changed);
    assert_eq!(salad.current, Some(MenuClass::Plowhorse));

    let soup = change("Soup");
    assert_eq!(
        (soup.previous, soup.current),
        (Some(MenuClass::Dog), Some(MenuClass::Dog))
    );

    let gazpacho = change("Gazpacho");
    assert_eq!(
        (gazpacho.previous, gazpacho.current),
        (Some(MenuClass::Dog), None)
    );
    assert!(gazpacho.class_changed);
    assert_eq!(gazpacho.mix_share_delta, None);
    assert_eq!(gazpacho.units_sold_delta, 0);
    assert_eq!(changes.len(), 5);
}

#[test]
fn a_menu_without_sales_or_with_duplicates_is_rejected() {
    assert_eq!(analyse_menu(&[]), Err(CostingError::NoSales));
    assert_eq!(
        analyse_menu(&[sales("A", 0, "0", "0")]),
        Err(CostingError::NoSales)
    );
    assert!(matches!(
        analyse_menu(&[sales("A", 1, "1", "0"), sales("a", 1, "1", "0")]),
        Err(CostingError::Duplicate { .. })
    ));
}

#[test]
fn dish_sales_take_food_cost_from_the_book() {
    let book = pizzeria();
    let s = book
        .dish_sales(
            "pizza margherita",
            100,
            Money::new(dec("1000")),
            &CostOptions::default(),
        )
        .expect("costs");
    // 100 × 3.0545 (see the COGS tests)
    assert_eq!(s.food_cost.amount(), dec("305.45"));
    assert_eq!(s.dish, "Pizza Margherita");
}
