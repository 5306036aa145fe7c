//! From needs to supplier orders: offers, packs, grouping, minimums.

use flux_purchasing::{
    packs_for, recommend, DemandDistribution, Economics, Need, Offer, Plan, Supplier,
};
use rust_decimal::Decimal;
use uuid::Uuid;

fn dec(s: &str) -> Decimal {
    Decimal::from_str_exact(s).expect("test literal")
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn supplier(n: u128, name: &str, minimum: &str) -> Supplier {
    Supplier {
        id: id(n),
        name: name.to_owned(),
        min_order_value: dec(minimum),
    }
}

fn offer(supplier: u128, size: &str, price: &str, preferred: bool) -> Offer {
    Offer {
        supplier: id(supplier),
        pack_base_units: dec(size),
        pack_price: dec(price),
        preferred,
    }
}

/// Demand uniform on 0, 0.2, …, 20: p50 10, p75 15, p90 18.
fn uniform_0_20() -> DemandDistribution {
    DemandDistribution::from_samples((0..=100).map(|i| f64::from(i) / 5.0).collect())
        .expect("valid")
}

/// A need whose demand is exactly `units` (every sample equal), so the
/// target is `units` at any service level.
fn need(n: u128, name: &str, units: f64, shelf: Option<u32>, offers: Vec<Offer>) -> Need {
    Need {
        ingredient: id(n),
        name: name.to_owned(),
        base_unit: "kg".to_owned(),
        demand: DemandDistribution::from_samples(vec![units; 10]).expect("valid"),
        economics: Economics {
            unit_cost: 1.0,
            shelf_life_days: shelf,
            coverage_days: 3,
            ..Economics::default()
        },
        on_hand: 0.0,
        on_order: 0.0,
        offers,
        par: None,
    }
}

#[test]
fn packs_round_up_and_zero_needs_nothing() {
    assert_eq!(packs_for(10.0, dec("5")), 2);
    assert_eq!(packs_for(10.1, dec("5")), 3);
    assert_eq!(packs_for(0.3, dec("5")), 1);
    assert_eq!(packs_for(0.0, dec("5")), 0);
    assert_eq!(packs_for(-3.0, dec("5")), 0);
    assert_eq!(packs_for(f64::NAN, dec("5")), 0);
    assert_eq!(packs_for(10.0, Decimal::ZERO), 0);
    // Float noise from interpolation is not a third pack.
    assert_eq!(packs_for(10.000_000_001, dec("5")), 2);
    assert_eq!(packs_for(1e30, dec("0.001")), u32::MAX);
}

#[test]
fn a_line_nets_stock_and_explains_itself() {
    let s = supplier(1, "Fresh Co", "0");
    let n = Need {
        ingredient: id(10),
        name: "lettuce".to_owned(),
        base_unit: "kg".to_owned(),
        demand: uniform_0_20(),
        economics: Economics {
            unit_cost: 2.0,
            shelf_life_days: Some(2),
            coverage_days: 3,
            ..Economics::default()
        },
        on_hand: 4.0,
        on_order: 2.0,
        offers: vec![offer(1, "5", "7.50", false)],
        par: None,
    };
    let plan = recommend(&[n], &[s]);
    let line = &plan.orders[0].lines[0];
    // Perishable → 75 % → target 15; net 15 − 4 − 2 = 9 → 2 packs of 5.
    assert_eq!(line.service_level, 0.75);
    assert_eq!(line.target, 15.0);
    assert_eq!(line.net, 9.0);
    assert_eq!(line.packs, 2);
    assert_eq!(line.quantity, dec("10"));
    assert_eq!(line.cost, dec("15.00"));
    assert_eq!(
        line.explanation,
        "need 10 kg p50 / 18 kg p90 over 3 days; at a 75 % service level hold 15 kg; \
         4 kg on hand, 2 kg on order; order 2 packs of 5 kg"
    );
    assert_eq!(plan.orders[0].total, dec("15.00"));
    assert!(!plan.orders[0].below_minimum);
    assert_eq!(plan.orders[0].note, None);
}

#[test]
fn enough_stock_means_nothing_needed() {
    let mut n = need(10, "flour", 8.0, None, vec![offer(1, "25", "20", false)]);
    n.on_hand = 9.0;
    let plan = recommend(&[n], &[supplier(1, "Mill", "0")]);
    assert!(plan.orders.is_empty());
    assert_eq!(plan.nothing_needed.len(), 1);
    let line = &plan.nothing_needed[0];
    assert_eq!((line.packs, line.net, line.cost), (0, 0.0, Decimal::ZERO));
    assert!(
        line.explanation.ends_with("9 kg on hand; nothing to order"),
        "{}",
        line.explanation
    );
}

#[test]
fn preferred_offer_beats_a_cheaper_one() {
    let n = need(
        10,
        "butter",
        4.0,
        Some(30),
        vec![offer(1, "1", "5.00", false), offer(2, "1", "6.00", true)],
    );
    let plan = recommend(
        &[n],
        &[supplier(1, "Cheap", "0"), supplier(2, "Usual", "0")],
    );
    assert_eq!(plan.orders.len(), 1);
    assert_eq!(plan.orders[0].name, "Usual");
}

#[test]
fn without_a_preference_the_cheapest_per_base_unit_wins() {
    // 10 kg for 18 (1.80/kg) beats 2 kg for 4 (2.00/kg) despite the price.
    let n = need(
        10,
        "rice",
        12.0,
        None,
        vec![offer(1, "2", "4.00", false), offer(2, "10", "18.00", false)],
    );
    let plan = recommend(&[n], &[supplier(1, "Small", "0"), supplier(2, "Bulk", "0")]);
    let order = &plan.orders[0];
    assert_eq!(order.name, "Bulk");
    assert_eq!((order.lines[0].packs, order.total), (2, dec("36.00")));
}

#[test]
fn unusable_offers_land_in_no_offer() {
    let needs = [
        need(10, "saffron", 1.0, None, vec![]),
        need(11, "caviar", 1.0, Some(5), vec![offer(9, "1", "99", false)]),
        need(12, "air", 1.0, None, vec![offer(1, "0", "1", false)]),
    ];
    let plan = recommend(&needs, &[supplier(1, "Known", "0")]);
    assert!(plan.orders.is_empty());
    let names: Vec<&str> = plan.no_offer.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["air", "caviar", "saffron"]);
}

#[test]
fn lines_group_by_supplier_sorted_by_name() {
    let needs = [
        need(
            10,
            "zucchini",
            3.0,
            Some(5),
            vec![offer(2, "1", "2", false)],
        ),
        need(11, "apples", 3.0, Some(5), vec![offer(2, "1", "2", false)]),
        need(12, "yeast", 3.0, Some(5), vec![offer(1, "1", "2", false)]),
    ];
    let plan = recommend(
        &needs,
        &[supplier(2, "Farm", "0"), supplier(1, "Bakery", "0")],
    );
    let view: Vec<(&str, Vec<&str>)> = plan
        .orders
        .iter()
        .map(|o| {
            (
                o.name.as_str(),
                o.lines.iter().map(|l| l.name.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        view,
        [
            ("Bakery", vec!["yeast"]),
            ("Farm", vec!["apples", "zucchini"])
        ]
    );
}

#[test]
fn below_minimum_is_topped_up_with_what_keeps_longest() {
    // Lettuce spoils within the window and is never topped up. Flour has
    // no shelf life and goes first, but 3 kg over 3 days is 1 kg/day, so
    // no more than 28 kg may be held. Oil (60 days) takes the rest, under
    // the same 28-day cap.
    let needs = [
        need(
            10,
            "lettuce",
            6.0,
            Some(2),
            vec![offer(1, "1", "3.00", false)],
        ),
        need(11, "oil", 3.0, Some(60), vec![offer(1, "1", "4.00", false)]),
        need(12, "flour", 3.0, None, vec![offer(1, "5", "6.00", false)]),
    ];
    // Before: lettuce 6 × 3 = 18, oil 3 × 4 = 12, flour 1 × 6 = 6 → 36.
    // Gap 64: flour room = floor((28 − 5) / 5) = 4 packs = 24 → 60;
    // gap 40: oil room = floor((28 − 3) / 1) = 25 packs, needs 10 → 100.
    let plan = recommend(&needs, &[supplier(1, "Wholesale", "100")]);
    let order = &plan.orders[0];
    let packs: Vec<(&str, u32)> = order
        .lines
        .iter()
        .map(|l| (l.name.as_str(), l.packs))
        .collect();
    assert_eq!(packs, [("flour", 5), ("lettuce", 6), ("oil", 13)]);
    assert_eq!(order.total, dec("100.00"));
    assert!(!order.below_minimum);
    assert_eq!(
        order.note.as_deref(),
        Some("topped up 4 × flour, 10 × oil to reach the 100.00 minimum")
    );
    let flour = &order.lines[0];
    assert_eq!(flour.quantity, dec("25"));
    assert_eq!(flour.cost, dec("30.00"));
    assert!(flour
        .explanation
        .ends_with("order 1 pack of 5 kg, plus 4 to reach the 100.00 minimum"));
}

#[test]
fn an_order_that_cannot_reach_its_minimum_says_by_how_much() {
    let needs = [need(
        10,
        "basil",
        3.0,
        Some(3),
        vec![offer(1, "1", "42.20", false)],
    )];
    let plan: Plan = recommend(&needs, &[supplier(1, "Herbs", "150")]);
    let order = &plan.orders[0];
    assert_eq!(order.total, dec("126.60"));
    assert!(order.below_minimum);
    assert_eq!(
        order.note.as_deref(),
        Some("below the 150.00 minimum by 23.40: add items or combine with the next order")
    );
}

#[test]
fn a_partial_top_up_is_mentioned_in_the_shortfall_note() {
    // Salt: 0.3 kg over 3 days → 2.8 kg within 28 days; 1 kg packs at
    // 1.00: 1 pack ordered, room for 1 more.
    let needs = [
        need(10, "salt", 0.3, None, vec![offer(1, "1", "1.00", false)]),
        need(
            11,
            "basil",
            3.0,
            Some(3),
            vec![offer(1, "1", "10.00", false)],
        ),
    ];
    let plan = recommend(&needs, &[supplier(1, "Herbs", "50")]);
    let order = &plan.orders[0];
    assert_eq!(order.total, dec("32.00"));
    assert!(order.below_minimum);
    assert_eq!(
        order.note.as_deref(),
        Some("below the 50.00 minimum by 18.00 after topping up 1 × salt: add items or combine with the next order")
    );
}

#[test]
fn fill_to_par_orders_up_to_the_maximum_only_at_or_below_the_minimum() {
    let s = supplier(1, "Fresh Co", "0");
    let mut n = need(20, "rice", 30.0, None, vec![offer(1, "5", "10", false)]);
    n.par = flux_purchasing::Par::new(8.0, 25.0);
    n.on_hand = 9.0;
    let above = recommend(std::slice::from_ref(&n), std::slice::from_ref(&s));
    assert!(
        above.orders.is_empty(),
        "above the minimum: nothing, whatever the forecast"
    );
    assert!(above.nothing_needed[0].explanation.contains("fill to par"));
    n.on_hand = 6.0;
    n.on_order = 1.0;
    let plan = recommend(&[n], &[s]);
    let line = &plan.orders[0].lines[0];
    // 25 − 7 = 18 → 4 packs of 5.
    assert_eq!(line.net, 18.0);
    assert_eq!(line.packs, 4);
    assert_eq!(line.target, 25.0);
    assert!(
        line.explanation.contains("up to 25 kg"),
        "{}",
        line.explanation
    );
}
