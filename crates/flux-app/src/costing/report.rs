//! Profitability over a period: per dish units, revenue, COGS, contribution
//! and food-cost %, the restaurant's theoretical food-cost %, the
//! menu-engineering matrix, and what changed since the period before.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use flux_costing::{
    analyse_menu, compare_periods, CostOptions, CostingError, MenuAnalysis, MenuClass, Money,
    PeriodChange,
};
use flux_store::PgConnection;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::costing::{Kitchen, KitchenError};

/// One dish's line in the report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DishLine {
    pub menu_item_id: Uuid,
    pub dish: String,
    pub category: Option<String>,
    pub units_sold: u64,
    pub revenue: Money,
    /// Food cost of one portion at the report's prices.
    pub portion_cost: Money,
    /// COGS: portion cost × units sold.
    pub food_cost: Money,
    pub contribution: Money,
    pub contribution_per_unit: Option<Money>,
    /// Food cost ÷ revenue.
    pub food_cost_ratio: Option<Decimal>,
    /// Share of all units sold.
    pub mix_share: Decimal,
    pub class: MenuClass,
}

/// A dish sold in the period that could not be costed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Uncosted {
    pub menu_item_id: Uuid,
    pub dish: String,
    pub units_sold: Decimal,
    pub revenue: Option<Decimal>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Totals {
    pub units_sold: u64,
    pub revenue: Money,
    pub food_cost: Money,
    pub contribution: Money,
    /// Theoretical food-cost %: what the recipes say the food cost, as a
    /// share of revenue (compare with the actual from stock counts).
    pub food_cost_ratio: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Profitability {
    pub period: Period,
    pub options: CostOptions,
    /// Best contribution first.
    pub dishes: Vec<DishLine>,
    pub uncosted: Vec<Uncosted>,
    /// `None` when nothing costed was sold.
    pub totals: Option<Totals>,
    /// A dish is popular when its mix share is at least 70 % of an equal
    /// share (0.7 ÷ number of dishes): the standard Kasavana–Smith rule.
    pub popularity_threshold: Option<Decimal>,
    /// A dish contributes well when its contribution per unit is at least
    /// the menu's weighted average.
    pub contribution_threshold: Option<Money>,
    pub previous_period: Period,
    pub previous_totals: Option<Totals>,
    /// Dish by dish against the previous period of the same length.
    pub changes: Vec<PeriodChange>,
}

struct Analysed {
    analysis: Option<MenuAnalysis>,
    ids: HashMap<String, (Uuid, Option<String>)>,
    uncosted: Vec<Uncosted>,
}

/// The period a report covers when none is asked for: the 28 days (four
/// of each weekday) up to yesterday, the last complete day.
pub fn default_period(
    today: NaiveDate,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> (NaiveDate, NaiveDate) {
    let to = to.unwrap_or(today - Duration::days(1));
    (from.unwrap_or(to - Duration::days(27)), to)
}

/// The report for `from..=to` (inclusive) and the same length before it.
pub async fn profitability(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    from: NaiveDate,
    to: NaiveDate,
    options: &CostOptions,
) -> Result<Profitability, KitchenError> {
    let days = (to - from).num_days() + 1;
    let previous = Period {
        from: from - Duration::days(days),
        to: from - Duration::days(1),
    };
    let current = analyse(conn, rid, kitchen, from, to, options).await?;
    let before = analyse(conn, rid, kitchen, previous.from, previous.to, options).await?;
    let changes = match (&before.analysis, &current.analysis) {
        (Some(p), Some(c)) => compare_periods(p, c),
        _ => Vec::new(),
    };
    let mut dishes: Vec<DishLine> = current
        .analysis
        .as_ref()
        .map(|a| {
            a.items
                .iter()
                .map(|item| {
                    let p = &item.profit;
                    let (menu_item_id, category) =
                        current.ids.get(&p.dish).cloned().unwrap_or_default();
                    let portion_cost = p
                        .food_cost
                        .checked_div(Decimal::from(p.units_sold))
                        .unwrap_or(Money::ZERO);
                    DishLine {
                        menu_item_id,
                        dish: p.dish.clone(),
                        category,
                        units_sold: p.units_sold,
                        revenue: p.revenue,
                        portion_cost,
                        food_cost: p.food_cost,
                        contribution: p.contribution,
                        contribution_per_unit: p.contribution_per_unit,
                        food_cost_ratio: p.food_cost_ratio,
                        mix_share: item.mix_share,
                        class: item.class,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    dishes.sort_by(|a, b| {
        b.contribution
            .cmp(&a.contribution)
            .then(a.dish.cmp(&b.dish))
    });
    Ok(Profitability {
        period: Period { from, to },
        options: *options,
        dishes,
        uncosted: current.uncosted,
        totals: current.analysis.as_ref().map(totals),
        popularity_threshold: current.analysis.as_ref().map(|a| a.popularity_threshold),
        contribution_threshold: current.analysis.as_ref().map(|a| a.contribution_threshold),
        previous_period: previous,
        previous_totals: before.analysis.as_ref().map(totals),
        changes,
    })
}

fn totals(a: &MenuAnalysis) -> Totals {
    Totals {
        units_sold: a.total_units,
        revenue: a.total_revenue,
        food_cost: a.total_food_cost,
        contribution: a.total_contribution,
        food_cost_ratio: a.food_cost_ratio,
    }
}

async fn analyse(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    from: NaiveDate,
    to: NaiveDate,
    options: &CostOptions,
) -> Result<Analysed, KitchenError> {
    let sold = flux_store::sales::item_totals(conn, rid, from, to, i64::MAX).await?;
    let mut sales = Vec::new();
    let mut ids = HashMap::new();
    let mut uncosted = Vec::new();
    for item in sold {
        let mut skip = |reason: String| {
            uncosted.push(Uncosted {
                menu_item_id: item.menu_item_id,
                dish: item.name.clone(),
                units_sold: item.quantity,
                revenue: item.revenue,
                reason,
            });
        };
        let Some(recipe) = kitchen.recipe_for_item(item.menu_item_id) else {
            skip("no recipe yet".into());
            continue;
        };
        let Some(name) = kitchen.book_name(recipe.recipe_id) else {
            skip("no recipe yet".into());
            continue;
        };
        // Sales quantities are stored exactly but menu engineering counts
        // whole plates; a half portion sold rounds to the nearest plate.
        let Some(units) = item.quantity.round().to_u64() else {
            skip(format!("units sold {} is not a count", item.quantity));
            continue;
        };
        let revenue = match (item.revenue, recipe.menu_price) {
            (Some(r), _) => r,
            (None, Some(price)) => price * item.quantity,
            (None, None) => {
                skip("no revenue in the sales and no menu price".into());
                continue;
            }
        };
        match kitchen
            .book
            .dish_sales(name, units, Money::new(revenue), options)
        {
            Ok(s) => {
                ids.insert(s.dish.clone(), (item.menu_item_id, item.category.clone()));
                sales.push(s);
            }
            // A price missing for the report's date is the operator's to
            // fix, not a reason to hide every other dish.
            Err(e @ CostingError::NoCostAsOf { .. }) => skip(e.to_string()),
            Err(e) => return Err(e.into()),
        }
    }
    let analysis = match analyse_menu(&sales) {
        Ok(a) => Some(a),
        Err(CostingError::NoSales) => None,
        Err(e) => return Err(e.into()),
    };
    Ok(Analysed {
        analysis,
        ids,
        uncosted,
    })
}
