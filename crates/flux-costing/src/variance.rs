//! Actual against theoretical usage: where the food went.
//!
//! For each ingredient, *actual* usage between two stock counts is what
//! left the shelf: opening count + deliveries + transfers in − transfers
//! out − returns to the supplier − closing count. *Theoretical* usage is what the recipes say the
//! dishes sold in the same days took (as purchased, losses included). The
//! difference is the variance; the part of it that was logged as waste is
//! shown apart, so what is left (`unexplained`) is the food nobody can
//! account for: over-portioning, unrecorded waste, theft, a wrong recipe or
//! a miscount.
//!
//! Counts are the stock at the end of their day, as everywhere in Flux. An
//! ingredient's window runs from the last count before the period (or, if
//! there is none, its first count inside it) to its last count in the
//! period, and *every* figure of that ingredient covers exactly that window,
//! so actual and theoretical are always compared over the same days. When
//! counts fall on the period's edges (the usual routine) the window is the
//! period. An ingredient without two counts has no actual usage: unknown is
//! not zero, and it is listed apart rather than reported as a variance.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::arith;
use crate::error::CostingError;

/// What happened to one ingredient on one day, in its base unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    /// What was on the shelf at the end of the day.
    Count,
    Delivery,
    /// Goods sent back to the supplier (a credit note's return).
    Return,
    TransferIn,
    TransferOut,
    /// Waste logged for the ingredient itself, or the ingredients of a
    /// wasted prep or dish through its recipe.
    Waste,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Movement {
    pub date: NaiveDate,
    pub kind: MovementKind,
    pub quantity: Decimal,
}

/// One ingredient's inputs for a period.
#[derive(Debug, Clone, PartialEq)]
pub struct IngredientUsage {
    pub ingredient: String,
    pub base_unit: String,
    /// Cost per base unit the variance is valued at (the price at the
    /// period's end).
    pub unit_cost: Decimal,
    /// In any order; of two counts on one day the later in this list wins.
    pub movements: Vec<Movement>,
    /// Theoretical use by the dishes sold: (day, dish, quantity).
    pub theoretical: Vec<(NaiveDate, String, Decimal)>,
}

/// The days an ingredient's figures cover: after the opening count's day,
/// up to and including the closing count's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Window {
    pub opening_count: NaiveDate,
    pub closing_count: NaiveDate,
}

impl Window {
    pub fn contains(&self, date: NaiveDate) -> bool {
        date > self.opening_count && date <= self.closing_count
    }

    pub fn days(&self) -> i64 {
        (self.closing_count - self.opening_count).num_days()
    }
}

/// Why an ingredient has no actual usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Uncounted {
    /// Never counted on or before the period's end.
    NoCount,
    /// Only one count: usage needs a count at each end.
    OneCount,
}

/// One ingredient's line of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VarianceLine {
    pub ingredient: String,
    pub base_unit: String,
    pub unit_cost: Decimal,
    /// `None` with `uncounted` set when there are not two counts.
    pub window: Option<Window>,
    pub uncounted: Option<Uncounted>,
    pub opening: Option<Decimal>,
    pub deliveries: Decimal,
    /// Sent back to the supplier.
    pub returns: Decimal,
    pub transfers_in: Decimal,
    pub transfers_out: Decimal,
    pub closing: Option<Decimal>,
    pub actual: Option<Decimal>,
    pub theoretical: Decimal,
    /// Logged waste in the window (part of `actual`, shown apart).
    pub waste: Decimal,
    /// `actual − theoretical`: positive means more left the shelf than the
    /// sales account for.
    pub variance: Option<Decimal>,
    /// `variance − waste`: what logged waste does not explain.
    pub unexplained: Option<Decimal>,
    pub actual_value: Option<Decimal>,
    pub theoretical_value: Decimal,
    pub waste_value: Decimal,
    pub variance_value: Option<Decimal>,
    pub unexplained_value: Option<Decimal>,
    /// The dishes behind the theoretical use, largest first.
    pub drivers: Vec<Driver>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Driver {
    pub dish: String,
    pub quantity: Decimal,
}

/// Money totals over the counted ingredients, and food cost against sales.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VarianceTotals {
    pub counted_ingredients: usize,
    pub uncounted_ingredients: usize,
    pub actual_cost: Decimal,
    pub theoretical_cost: Decimal,
    pub waste_cost: Decimal,
    pub variance_cost: Decimal,
    pub unexplained_cost: Decimal,
    pub revenue: Decimal,
    /// Actual cost ÷ revenue × 100, to four places; `None` without sales
    /// or without a counted ingredient.
    pub actual_food_cost_pct: Option<Decimal>,
    pub theoretical_food_cost_pct: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VarianceReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Counted ingredients first, ranked by the money nobody can account
    /// for (largest absolute first), then the uncounted ones by name.
    pub lines: Vec<VarianceLine>,
    pub totals: VarianceTotals,
}

/// The report for `[from, to]`, with `revenue` the sales of those days.
pub fn report(
    from: NaiveDate,
    to: NaiveDate,
    ingredients: &[IngredientUsage],
    revenue: Decimal,
) -> Result<VarianceReport, CostingError> {
    if to < from {
        return Err(CostingError::InvalidPeriod {
            from: from.to_string(),
            to: to.to_string(),
        });
    }
    let mut lines = ingredients
        .iter()
        .map(|i| line(from, to, i))
        .collect::<Result<Vec<_>, _>>()?;
    lines.sort_by(|a, b| {
        let key = |l: &VarianceLine| l.unexplained_value.map(|v| v.abs());
        // Counted before uncounted, then the largest money first.
        key(b)
            .is_some()
            .cmp(&key(a).is_some())
            .then_with(|| key(b).cmp(&key(a)))
            .then_with(|| a.ingredient.cmp(&b.ingredient))
    });
    let totals = totals(&lines, revenue)?;
    Ok(VarianceReport {
        from,
        to,
        lines,
        totals,
    })
}

/// The opening and closing counts: the last count before `from` (or the
/// first inside the period) and the last count up to `to`, if distinct.
fn window(from: NaiveDate, to: NaiveDate, movements: &[Movement]) -> Result<Window, Uncounted> {
    let count_days: Vec<NaiveDate> = movements
        .iter()
        .filter(|m| m.kind == MovementKind::Count && m.date <= to)
        .map(|m| m.date)
        .collect();
    let before = from - Duration::days(1);
    let opening = count_days
        .iter()
        .filter(|d| **d <= before)
        .max()
        .or_else(|| count_days.iter().filter(|d| **d >= from).min())
        .copied()
        .ok_or(Uncounted::NoCount)?;
    let closing = count_days
        .iter()
        .max()
        .copied()
        .filter(|c| *c > opening)
        .ok_or(Uncounted::OneCount)?;
    Ok(Window {
        opening_count: opening,
        closing_count: closing,
    })
}

/// The count of `day`: the last one listed for it.
fn count_on(movements: &[Movement], day: NaiveDate) -> Option<Decimal> {
    movements
        .iter()
        .rev()
        .find(|m| m.kind == MovementKind::Count && m.date == day)
        .map(|m| m.quantity)
}

fn line(
    from: NaiveDate,
    to: NaiveDate,
    input: &IngredientUsage,
) -> Result<VarianceLine, CostingError> {
    let what = "usage of ".to_owned() + &input.ingredient;
    let window = window(from, to, &input.movements);
    let in_window = |date: NaiveDate| match &window {
        Ok(w) => w.contains(date),
        // Without counts, deliveries, waste and sales of the period itself
        // are still worth showing.
        Err(_) => date >= from && date <= to,
    };
    let sum_of = |kind: MovementKind| {
        arith::sum(
            input
                .movements
                .iter()
                .filter(|m| m.kind == kind && in_window(m.date))
                .map(|m| m.quantity),
            &what,
        )
    };
    let deliveries = sum_of(MovementKind::Delivery)?;
    let returns = sum_of(MovementKind::Return)?;
    let transfers_in = sum_of(MovementKind::TransferIn)?;
    let transfers_out = sum_of(MovementKind::TransferOut)?;
    let waste = sum_of(MovementKind::Waste)?;
    let mut by_dish: BTreeMap<&str, Decimal> = BTreeMap::new();
    for (date, dish, quantity) in &input.theoretical {
        if in_window(*date) {
            let slot = by_dish.entry(dish).or_default();
            *slot = arith::add(*slot, *quantity, &what)?;
        }
    }
    let theoretical = arith::sum(by_dish.values().copied(), &what)?;
    let mut drivers: Vec<Driver> = by_dish
        .into_iter()
        .map(|(dish, quantity)| Driver {
            dish: dish.to_owned(),
            quantity,
        })
        .collect();
    drivers.sort_by(|a, b| b.quantity.cmp(&a.quantity).then(a.dish.cmp(&b.dish)));

    let (opening, closing) = match &window {
        Ok(w) => (
            count_on(&input.movements, w.opening_count),
            count_on(&input.movements, w.closing_count),
        ),
        Err(_) => (None, None),
    };
    let actual = match (opening, closing) {
        (Some(o), Some(c)) => {
            let inflow = arith::sum([o, deliveries, transfers_in], &what)?;
            let outflow = arith::sum([transfers_out, returns, c], &what)?;
            Some(arith::add(inflow, -outflow, &what)?)
        }
        _ => None,
    };
    let variance = actual
        .map(|a| arith::add(a, -theoretical, &what))
        .transpose()?;
    let unexplained = variance.map(|v| arith::add(v, -waste, &what)).transpose()?;
    let value = |q: Decimal| arith::mul(q, input.unit_cost, &what).map(|v| v.normalize());
    Ok(VarianceLine {
        ingredient: input.ingredient.clone(),
        base_unit: input.base_unit.clone(),
        unit_cost: input.unit_cost,
        window: window.ok(),
        uncounted: window.err(),
        opening,
        deliveries,
        returns,
        transfers_in,
        transfers_out,
        closing,
        actual: actual.map(|v| v.normalize()),
        theoretical: theoretical.normalize(),
        waste: waste.normalize(),
        variance: variance.map(|v| v.normalize()),
        unexplained: unexplained.map(|v| v.normalize()),
        actual_value: actual.map(value).transpose()?,
        theoretical_value: value(theoretical)?,
        waste_value: value(waste)?,
        variance_value: variance.map(value).transpose()?,
        unexplained_value: unexplained.map(value).transpose()?,
        drivers,
    })
}

fn totals(lines: &[VarianceLine], revenue: Decimal) -> Result<VarianceTotals, CostingError> {
    let counted: Vec<&VarianceLine> = lines.iter().filter(|l| l.actual.is_some()).collect();
    let what = "variance totals";
    let total = |f: fn(&VarianceLine) -> Option<Decimal>| {
        arith::sum(counted.iter().filter_map(|l| f(l)), what).map(|v| v.normalize())
    };
    let actual_cost = total(|l| l.actual_value)?;
    let theoretical_cost = total(|l| Some(l.theoretical_value))?;
    let share = |cost: Decimal| -> Result<Option<Decimal>, CostingError> {
        // Nothing counted means nothing to compare, not a food cost of 0 %.
        if revenue <= Decimal::ZERO || counted.is_empty() {
            return Ok(None);
        }
        let ratio = arith::div(cost, revenue, what)?;
        // A percentage to four places: more digits would only be noise.
        Ok(Some(
            arith::mul(ratio, Decimal::ONE_HUNDRED, what)?
                .round_dp(4)
                .normalize(),
        ))
    };
    Ok(VarianceTotals {
        counted_ingredients: counted.len(),
        uncounted_ingredients: lines.len() - counted.len(),
        actual_cost,
        theoretical_cost,
        waste_cost: total(|l| Some(l.waste_value))?,
        variance_cost: total(|l| l.variance_value)?,
        unexplained_cost: total(|l| l.unexplained_value)?,
        revenue: revenue.normalize(),
        actual_food_cost_pct: share(actual_cost)?,
        theoretical_food_cost_pct: share(theoretical_cost)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).expect("valid test date")
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str_exact(s).expect("test literal")
    }

    fn mv(day: u32, kind: MovementKind, q: &str) -> Movement {
        Movement {
            date: d(day),
            kind,
            quantity: dec(q),
        }
    }

    fn flour(movements: Vec<Movement>) -> IngredientUsage {
        IngredientUsage {
            ingredient: "Flour".into(),
            base_unit: "kg".into(),
            unit_cost: dec("0.80"),
            movements,
            theoretical: vec![
                (d(2), "Pizza".into(), dec("3")),
                (d(5), "Pizza".into(), dec("4")),
                (d(5), "Focaccia".into(), dec("1.5")),
                // Outside the window: ignored.
                (d(9), "Pizza".into(), dec("100")),
            ],
        }
    }

    #[test]
    fn actual_is_what_left_the_shelf_and_waste_is_shown_apart() {
        use MovementKind::*;
        let input = flour(vec![
            mv(1, Count, "10"),
            mv(1, Delivery, "50"), // before the opening count: already in it
            mv(3, Delivery, "5"),
            mv(4, TransferIn, "2"),
            mv(4, TransferOut, "1"),
            mv(4, Return, "0.5"),
            mv(5, Waste, "0.5"),
            mv(7, Count, "4"),
            mv(7, Count, "3.5"),   // a recount the same day wins
            mv(8, Delivery, "20"), // after the closing count
        ]);
        let report = report(d(2), d(8), &[input], dec("100")).expect("report");
        let l = &report.lines[0];
        assert_eq!(
            l.window,
            Some(Window {
                opening_count: d(1),
                closing_count: d(7)
            })
        );
        // 10 + 5 + 2 − 1 − 0.5 − 3.5
        assert_eq!(l.actual, Some(dec("12")));
        assert_eq!(l.returns, dec("0.5"));
        assert_eq!(l.theoretical, dec("8.5"));
        assert_eq!(l.variance, Some(dec("3.5")));
        assert_eq!(l.unexplained, Some(dec("3.0")));
        assert_eq!(l.unexplained_value, Some(dec("2.400")));
        assert_eq!(l.drivers[0].dish, "Pizza");
        assert_eq!(l.drivers[0].quantity, dec("7"));
        assert_eq!(report.totals.actual_food_cost_pct, Some(dec("9.6")));
        assert_eq!(report.totals.theoretical_food_cost_pct, Some(dec("6.8")));
    }

    #[test]
    fn one_count_is_not_zero_usage() {
        let input = flour(vec![mv(1, MovementKind::Count, "10")]);
        let once = report(d(2), d(8), &[input], Decimal::ZERO).expect("report");
        let l = &once.lines[0];
        assert_eq!(l.uncounted, Some(Uncounted::OneCount));
        assert_eq!(l.actual, None);
        assert_eq!(once.totals.counted_ingredients, 0);
        assert_eq!(once.totals.actual_food_cost_pct, None);
        let never = report(d(2), d(8), &[flour(vec![])], Decimal::ZERO).expect("report");
        assert_eq!(never.lines[0].uncounted, Some(Uncounted::NoCount));
    }

    #[test]
    fn without_an_earlier_count_the_window_opens_at_the_first_count_inside() {
        use MovementKind::*;
        let input = flour(vec![mv(4, Count, "10"), mv(7, Count, "2")]);
        let report = report(d(2), d(8), &[input], Decimal::ZERO).expect("report");
        let l = &report.lines[0];
        assert_eq!(l.window.map(|w| w.opening_count), Some(d(4)));
        // Sales on the 2nd are before the window; the 5th's count.
        assert_eq!(l.theoretical, dec("5.5"));
        assert_eq!(l.actual, Some(dec("8")));
    }

    #[test]
    fn ranks_by_money_unexplained() {
        use MovementKind::*;
        let mut small = flour(vec![mv(1, Count, "10"), mv(7, Count, "1")]);
        small.ingredient = "Salt".into();
        small.unit_cost = dec("0.01");
        let big = flour(vec![mv(1, Count, "10"), mv(7, Count, "1")]);
        let uncounted = IngredientUsage {
            ingredient: "Basil".into(),
            ..flour(vec![])
        };
        let report = report(d(2), d(8), &[small, uncounted, big], Decimal::ZERO).expect("report");
        let names: Vec<&str> = report.lines.iter().map(|l| l.ingredient.as_str()).collect();
        assert_eq!(names, ["Flour", "Salt", "Basil"]);
    }

    #[test]
    fn a_reversed_period_is_refused() {
        assert!(report(d(8), d(2), &[], Decimal::ZERO).is_err());
    }
}
