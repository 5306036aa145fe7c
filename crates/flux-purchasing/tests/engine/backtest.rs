//! The backtest: the newsvendor policy against naive summed quantiles.

use flux_purchasing::backtest::{run, run_default, Policy, Scenario};
use flux_purchasing::ProcurementError;

#[test]
fn newsvendor_beats_ordering_summed_p50s_and_p90s() {
    let report = run_default();
    assert_eq!(report.policies.len(), 3);
    let total = |p| report.policy(p).expect("every policy runs").total_cost;
    let (nv, p50, p90) = (
        total(Policy::Newsvendor),
        total(Policy::OrderP50),
        total(Policy::OrderP90),
    );
    assert!(nv < p50, "newsvendor {nv} vs p50 {p50}");
    assert!(nv < p90, "newsvendor {nv} vs p90 {p90}");

    // The mechanism, not just the totals: p50 runs short far more often,
    // p90 wastes far more perishables.
    let nv_r = report.policy(Policy::Newsvendor).expect("runs");
    let p50_r = report.policy(Policy::OrderP50).expect("runs");
    let p90_r = report.policy(Policy::OrderP90).expect("runs");
    assert!(p50_r.stockout_cost > 2.0 * nv_r.stockout_cost);
    assert!(p90_r.waste_cost > 1.2 * nv_r.waste_cost);

    // All policies face the same demand; goods that keep are never wasted.
    for p in &report.policies {
        for (a, b) in p.ingredients.iter().zip(&nv_r.ingredients) {
            assert_eq!(a.demand_units, b.demand_units);
        }
        let rice = p
            .ingredients
            .iter()
            .find(|i| i.name == "rice")
            .expect("rice");
        assert_eq!(rice.waste_units, 0.0);
        let sum = p.waste_cost + p.stockout_cost + p.holding_cost;
        assert!((p.total_cost - sum).abs() < 1e-9);
    }
}

#[test]
fn the_backtest_is_deterministic_and_prints_a_table() {
    // Four weeks keep this quick; the full default runs above.
    let short = Scenario {
        days: 28,
        ..Scenario::default()
    };
    let a = run(&short).expect("valid scenario");
    assert_eq!(a, run(&short).expect("valid scenario"));
    let text = a.to_string();
    assert!(text.contains("policy"), "{text}");
    for name in ["newsvendor", "order p50", "order p90", "bread roll (each)"] {
        assert!(text.contains(name), "{name} missing from\n{text}");
    }
}

#[test]
fn invalid_scenarios_are_rejected() {
    let mut s = Scenario {
        samples: 0,
        ..Scenario::default()
    };
    assert!(matches!(run(&s), Err(ProcurementError::InvalidScenario(_))));
    s = Scenario::default();
    s.dishes[0].recipe.push((99, 1.0));
    let err = run(&s).expect_err("unknown ingredient");
    assert!(err.to_string().contains("unknown ingredient 99"), "{err}");
}
