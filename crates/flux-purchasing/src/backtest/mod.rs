//! Does the newsvendor policy actually cost less than ordering the naive
//! summed p50s or p90s? A daily ordering simulation with perishable stock
//! answers it on synthetic demand with known truth.
//!
//! Every policy sees the same calibrated forecasts (exact quantiles of the
//! true negative binomial demand, see [`scenario`]) and the same realised
//! demand. On each ingredient's delivery mornings a policy orders up to its
//! target for the days until the next delivery, net of stock on the shelf;
//! the goods arrive before service. Stock is used first in, first out, and
//! a batch is thrown away at the end of the last day of its shelf life.
//!
//! Cost is waste (expired units × unit cost) plus stockouts (short units ×
//! stockout multiplier × unit cost) plus holding (units on the shelf each
//! night × holding rate × unit cost). Holding is small, but without it
//! "more stock" would be free for goods that keep and the comparison would
//! not be the one the newsvendor optimises.
//!
//! Simplifications: ingredients run out independently (a missing bun does
//! not stop the burger's potatoes from being used), there are no packs and
//! no supplier minimums, and stock left at the end of the horizon is not
//! costed.

pub mod scenario;

use std::collections::VecDeque;
use std::fmt;

use chrono::{Datelike, Days};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::demand::{ingredient_demand, QuantileForecast, Usage};
use crate::error::ProcurementError;
use crate::service_level::{newsvendor_quantity, service_level_for, Economics};
use crate::window::coverage_window;
use scenario::NegBinomial;
pub use scenario::{Dish, Ingredient, Scenario};

/// How a policy sets its order-up-to target for a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Policy {
    /// This crate: the service-level quantile of the summed demand
    /// distribution.
    Newsvendor,
    /// Σ over dish-days of per-unit × p50.
    OrderP50,
    /// Σ over dish-days of per-unit × p90.
    OrderP90,
}

impl Policy {
    pub const ALL: [Policy; 3] = [Policy::Newsvendor, Policy::OrderP50, Policy::OrderP90];
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Policy::Newsvendor => "newsvendor",
            Policy::OrderP50 => "order p50",
            Policy::OrderP90 => "order p90",
        })
    }
}

/// What one policy did with one ingredient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngredientOutcome {
    pub name: String,
    pub base_unit: String,
    pub demand_units: f64,
    pub ordered_units: f64,
    pub waste_units: f64,
    pub waste_cost: f64,
    pub short_units: f64,
    pub stockout_cost: f64,
    pub holding_cost: f64,
}

/// One policy's result over the whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyReport {
    pub policy: Policy,
    /// In scenario order.
    pub ingredients: Vec<IngredientOutcome>,
    pub waste_cost: f64,
    pub stockout_cost: f64,
    pub holding_cost: f64,
    pub total_cost: f64,
}

/// All policies on one scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestReport {
    pub days: u32,
    pub dishes: usize,
    /// In [`Policy::ALL`] order.
    pub policies: Vec<PolicyReport>,
}

impl BacktestReport {
    pub fn policy(&self, policy: Policy) -> Option<&PolicyReport> {
        self.policies.iter().find(|p| p.policy == policy)
    }
}

impl fmt::Display for BacktestReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ingredients = self.policies.first().map_or(0, |p| p.ingredients.len());
        writeln!(
            f,
            "backtest: {} days, {} dishes, {} ingredients (costs in currency units)",
            self.days, self.dishes, ingredients
        )?;
        writeln!(
            f,
            "{:<12} {:>10} {:>10} {:>10} {:>10}",
            "policy", "waste", "stockout", "holding", "total"
        )?;
        for p in &self.policies {
            writeln!(
                f,
                "{:<12} {:>10.2} {:>10.2} {:>10.2} {:>10.2}",
                p.policy, p.waste_cost, p.stockout_cost, p.holding_cost, p.total_cost
            )?;
        }
        writeln!(f)?;
        write!(f, "{:<18}", "wasted / short")?;
        for p in &self.policies {
            write!(f, " {:>18}", p.policy)?;
        }
        writeln!(f)?;
        for i in 0..ingredients {
            let mut label = None;
            let mut cells = String::new();
            for p in &self.policies {
                if let Some(o) = p.ingredients.get(i) {
                    label.get_or_insert_with(|| format!("{} ({})", o.name, o.base_unit));
                    cells.push_str(&format!(
                        " {:>18}",
                        format!("{:.1} / {:.1}", o.waste_units, o.short_units)
                    ));
                }
            }
            writeln!(f, "{:<18}{cells}", label.unwrap_or_default())?;
        }
        Ok(())
    }
}

/// The default scenario ([`Scenario::default`]), deterministic.
pub fn run_default() -> BacktestReport {
    // The default scenario is valid by construction, so `run` cannot fail
    // on it; an empty report keeps this function free of a panic path.
    run(&Scenario::default()).unwrap_or_else(|_| BacktestReport {
        days: 0,
        dishes: 0,
        policies: Vec::new(),
    })
}

/// Simulates every [`Policy`] on `scenario`.
pub fn run(scenario: &Scenario) -> Result<BacktestReport, ProcurementError> {
    scenario.validate()?;
    let world = World::new(scenario)?;
    let policies = Policy::ALL
        .iter()
        .map(|&policy| simulate(&world, policy))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(BacktestReport {
        days: scenario.days,
        dishes: scenario.dishes.len(),
        policies,
    })
}

/// What every policy shares: forecasts, realised demand, windows.
struct World<'a> {
    scenario: &'a Scenario,
    /// `forecasts[weekday][dish]`, Monday first.
    forecasts: Vec<Vec<QuantileForecast>>,
    /// `sold[day][dish]`.
    sold: Vec<Vec<f64>>,
    /// `windows[day][ingredient]`: coverage days if that day is a delivery
    /// day for the ingredient.
    windows: Vec<Vec<Option<u32>>>,
}

impl<'a> World<'a> {
    fn new(s: &'a Scenario) -> Result<Self, ProcurementError> {
        let nb = |dish: &Dish, weekday: usize| NegBinomial {
            mean: dish.base_mean * dish.weekday_factors[weekday],
            size: dish.size,
        };
        let forecasts = (0..7)
            .map(|w| s.dishes.iter().map(|d| nb(d, w).forecast()).collect())
            .collect();
        let mut rng = ChaCha8Rng::seed_from_u64(s.seed);
        let mut sold = Vec::new();
        let mut windows = Vec::new();
        for day in 0..s.days {
            let date = s
                .start
                .checked_add_days(Days::new(u64::from(day)))
                .ok_or_else(|| ProcurementError::InvalidScenario("runs off the calendar".into()))?;
            let weekday = date.weekday().num_days_from_monday() as usize;
            sold.push(
                s.dishes
                    .iter()
                    .map(|d| nb(d, weekday).sample(&mut rng))
                    .collect(),
            );
            windows.push(
                s.ingredients
                    .iter()
                    .map(|i| {
                        coverage_window(date, &i.delivery_days, 0)
                            .filter(|w| w.first_delivery == date)
                            .map(|w| w.coverage_days)
                    })
                    .collect(),
            );
        }
        Ok(Self {
            scenario: s,
            forecasts,
            sold,
            windows,
        })
    }

    fn weekday(&self, day: u32) -> usize {
        let start = self.scenario.start.weekday().num_days_from_monday();
        ((start + day) % 7) as usize
    }

    /// Dish-days using `ingredient` over `days` days from `day`.
    fn usages(&self, ingredient: usize, day: u32, days: u32) -> Vec<Usage> {
        let mut out = Vec::new();
        for d in day..day.saturating_add(days) {
            let forecasts = &self.forecasts[self.weekday(d)];
            for (dish, forecast) in self.scenario.dishes.iter().zip(forecasts) {
                for &(i, per_unit) in &dish.recipe {
                    if i == ingredient {
                        out.push(Usage {
                            forecast: *forecast,
                            per_unit,
                        });
                    }
                }
            }
        }
        out
    }

    fn used(&self, ingredient: usize, day: u32) -> f64 {
        let sold = &self.sold[day as usize];
        self.scenario
            .dishes
            .iter()
            .zip(sold)
            .flat_map(|(dish, n)| {
                dish.recipe
                    .iter()
                    .filter(|(i, _)| *i == ingredient)
                    .map(move |(_, per_unit)| per_unit * n)
            })
            .sum()
    }

    fn target(
        &self,
        policy: Policy,
        ingredient: usize,
        day: u32,
        coverage_days: u32,
    ) -> Result<f64, ProcurementError> {
        let usages = self.usages(ingredient, day, coverage_days);
        let naive = |pick: fn(&QuantileForecast) -> f64| {
            usages.iter().map(|u| u.per_unit * pick(&u.forecast)).sum()
        };
        Ok(match policy {
            Policy::OrderP50 => naive(|f| f.p50),
            Policy::OrderP90 => naive(|f| f.p90),
            Policy::Newsvendor => {
                let s = self.scenario;
                let spec = &s.ingredients[ingredient];
                let economics = Economics {
                    unit_cost: spec.unit_cost,
                    shelf_life_days: spec.shelf_life_days,
                    coverage_days,
                    stockout_multiplier: s.stockout_multiplier,
                    holding_rate_per_day: s.holding_rate_per_day,
                    override_level: None,
                };
                // A distinct, reproducible stream per decision.
                let seed = s.seed ^ (u64::from(day) << 20) ^ ingredient as u64;
                let demand = ingredient_demand(&usages, s.samples, seed)?;
                newsvendor_quantity(&demand, service_level_for(&economics, &demand).value)
            }
        })
    }
}

/// Units that arrived together and expire together.
struct Batch {
    quantity: f64,
    /// Last day (index) the batch can be used.
    last_day: Option<u32>,
}

fn simulate(world: &World<'_>, policy: Policy) -> Result<PolicyReport, ProcurementError> {
    let s = world.scenario;
    let mut ingredients = Vec::with_capacity(s.ingredients.len());
    for (index, spec) in s.ingredients.iter().enumerate() {
        let mut shelf: VecDeque<Batch> = VecDeque::new();
        let mut o = IngredientOutcome {
            name: spec.name.clone(),
            base_unit: spec.base_unit.clone(),
            demand_units: 0.0,
            ordered_units: 0.0,
            waste_units: 0.0,
            waste_cost: 0.0,
            short_units: 0.0,
            stockout_cost: 0.0,
            holding_cost: 0.0,
        };
        for day in 0..s.days {
            if let Some(coverage) = world.windows[day as usize][index] {
                let target = world.target(policy, index, day, coverage)?;
                let on_hand: f64 = shelf.iter().map(|b| b.quantity).sum();
                let order = (target - on_hand).max(0.0);
                if order > 0.0 {
                    o.ordered_units += order;
                    shelf.push_back(Batch {
                        quantity: order,
                        last_day: spec.shelf_life_days.map(|l| day + l - 1),
                    });
                }
            }

            let mut wanted = world.used(index, day);
            o.demand_units += wanted;
            while wanted > 0.0 {
                let Some(batch) = shelf.front_mut() else {
                    break;
                };
                let take = batch.quantity.min(wanted);
                batch.quantity -= take;
                wanted -= take;
                if batch.quantity <= 0.0 {
                    shelf.pop_front();
                }
            }
            o.short_units += wanted;

            shelf.retain(|b| {
                let expired = b.last_day.is_some_and(|last| last <= day);
                if expired {
                    o.waste_units += b.quantity;
                }
                !expired
            });
            let held: f64 = shelf.iter().map(|b| b.quantity).sum();
            o.holding_cost += held * s.holding_rate_per_day * spec.unit_cost;
        }
        o.waste_cost = o.waste_units * spec.unit_cost;
        o.stockout_cost = o.short_units * s.stockout_multiplier * spec.unit_cost;
        ingredients.push(o);
    }
    let waste_cost = ingredients.iter().map(|o| o.waste_cost).sum();
    let stockout_cost = ingredients.iter().map(|o| o.stockout_cost).sum();
    let holding_cost = ingredients.iter().map(|o| o.holding_cost).sum();
    Ok(PolicyReport {
        policy,
        ingredients,
        waste_cost,
        stockout_cost,
        holding_cost,
        total_cost: waste_cost + stockout_cost + holding_cost,
    })
}
