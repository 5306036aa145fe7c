//! Profitability per dish and Kasavana–Smith menu engineering.
//!
//! Each dish is placed on two axes. *Popularity*: its share of all units
//! sold against 70 % of an equal share (`0.7 / number of items`). The 70 %
//! rule exists because with many items an "average" share is tiny, and
//! calling half the menu unpopular would be misleading. *Profitability*: its
//! contribution margin per unit against the menu's weighted average (total
//! contribution ÷ total units). An item meeting a threshold exactly counts
//! as high. All ratios are fractions (0.30, not 30).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::arith;
use crate::book::RecipeBook;
use crate::cogs::CostOptions;
use crate::error::CostingError;
use crate::money::Money;
use crate::name::key_of;

/// What one dish did over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DishSales {
    pub dish: String,
    pub units_sold: u64,
    pub revenue: Money,
    /// Total food cost of the units sold (not per unit).
    pub food_cost: Money,
}

impl RecipeBook {
    /// Sales figures for a dish with its food cost computed from the book:
    /// `units_sold × cost per portion`.
    pub fn dish_sales(
        &self,
        dish: &str,
        units_sold: u64,
        revenue: Money,
        options: &CostOptions,
    ) -> Result<DishSales, CostingError> {
        let cost = self.cost(dish, options)?;
        Ok(DishSales {
            dish: cost.recipe,
            units_sold,
            revenue,
            food_cost: Money::new(arith::mul(
                cost.unit_cost.amount(),
                Decimal::from(units_sold),
                "food cost",
            )?),
        })
    }
}

/// Profitability of one dish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DishProfit {
    pub dish: String,
    pub units_sold: u64,
    pub revenue: Money,
    pub food_cost: Money,
    /// Revenue − food cost.
    pub contribution: Money,
    /// Contribution ÷ units; `None` when nothing sold.
    pub contribution_per_unit: Option<Money>,
    /// Revenue ÷ units; `None` when nothing sold.
    pub average_price: Option<Money>,
    /// Food cost ÷ revenue; `None` without revenue.
    pub food_cost_ratio: Option<Decimal>,
}

pub fn profitability(sales: &DishSales) -> DishProfit {
    let units = Decimal::from(sales.units_sold);
    let contribution = sales.revenue - sales.food_cost;
    DishProfit {
        dish: sales.dish.clone(),
        units_sold: sales.units_sold,
        revenue: sales.revenue,
        food_cost: sales.food_cost,
        contribution,
        contribution_per_unit: contribution.checked_div(units),
        average_price: sales.revenue.checked_div(units),
        food_cost_ratio: sales.food_cost / sales.revenue,
    }
}

/// The four menu-engineering classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MenuClass {
    /// Popular and profitable: keep, feature.
    Star,
    /// Popular, below-average contribution: reprice or re-cost.
    Plowhorse,
    /// Profitable but unpopular: promote or reposition.
    Puzzle,
    /// Neither: candidate for removal.
    Dog,
}

impl MenuClass {
    pub fn classify(high_popularity: bool, high_contribution: bool) -> MenuClass {
        match (high_popularity, high_contribution) {
            (true, true) => MenuClass::Star,
            (true, false) => MenuClass::Plowhorse,
            (false, true) => MenuClass::Puzzle,
            (false, false) => MenuClass::Dog,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MenuItem {
    pub profit: DishProfit,
    /// Units sold ÷ total units sold.
    pub mix_share: Decimal,
    pub high_popularity: bool,
    /// A dish that sold nothing has no per-unit contribution and counts as low.
    pub high_contribution: bool,
    pub class: MenuClass,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MenuAnalysis {
    pub items: Vec<MenuItem>,
    pub total_units: u64,
    pub total_revenue: Money,
    pub total_food_cost: Money,
    pub total_contribution: Money,
    /// `0.7 / number of items`, as a mix share.
    pub popularity_threshold: Decimal,
    /// Weighted average contribution per unit: total contribution ÷ total units.
    pub contribution_threshold: Money,
    /// Theoretical food cost of the whole menu: total food cost ÷ total
    /// revenue; `None` without revenue.
    pub food_cost_ratio: Option<Decimal>,
}

impl MenuAnalysis {
    pub fn item(&self, dish: &str) -> Option<&MenuItem> {
        let key = key_of(dish);
        self.items.iter().find(|i| key_of(&i.profit.dish) == key)
    }
}

/// Classifies every dish. Fails when no units were sold at all (there is no
/// mix to compare against) or a dish appears twice.
pub fn analyse_menu(sales: &[DishSales]) -> Result<MenuAnalysis, CostingError> {
    let mut seen = BTreeMap::new();
    for s in sales {
        if seen.insert(key_of(&s.dish), ()).is_some() {
            return Err(CostingError::Duplicate {
                kind: "dish",
                name: s.dish.clone(),
            });
        }
    }
    let total_units = sales
        .iter()
        .try_fold(0u64, |acc, s| acc.checked_add(s.units_sold))
        .ok_or_else(|| CostingError::Overflow {
            what: "total units sold".into(),
        })?;
    if total_units == 0 {
        return Err(CostingError::NoSales);
    }
    let profits: Vec<DishProfit> = sales.iter().map(profitability).collect();
    let total_revenue = Money::new(arith::sum(
        profits.iter().map(|p| p.revenue.amount()),
        "total revenue",
    )?);
    let total_food_cost = Money::new(arith::sum(
        profits.iter().map(|p| p.food_cost.amount()),
        "total food cost",
    )?);
    let total_contribution = total_revenue - total_food_cost;
    let units = Decimal::from(total_units);
    let contribution_threshold = total_contribution.checked_div(units).unwrap_or(Money::ZERO);
    let popularity_threshold = Decimal::new(7, 1) / Decimal::from(profits.len());

    let items = profits
        .into_iter()
        .map(|profit| {
            let mix_share = Decimal::from(profit.units_sold) / units;
            let high_popularity = mix_share >= popularity_threshold;
            let high_contribution = profit
                .contribution_per_unit
                .is_some_and(|cm| cm >= contribution_threshold);
            MenuItem {
                mix_share,
                high_popularity,
                high_contribution,
                class: MenuClass::classify(high_popularity, high_contribution),
                profit,
            }
        })
        .collect();
    Ok(MenuAnalysis {
        items,
        total_units,
        total_revenue,
        total_food_cost,
        total_contribution,
        popularity_threshold,
        contribution_threshold,
        food_cost_ratio: total_food_cost / total_revenue,
    })
}

/// How one dish moved between two periods. Figures are `current − previous`;
/// a side is `None` when the dish was not on the menu then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodChange {
    pub dish: String,
    pub previous: Option<MenuClass>,
    pub current: Option<MenuClass>,
    pub class_changed: bool,
    pub contribution_per_unit_delta: Option<Money>,
    pub food_cost_ratio_delta: Option<Decimal>,
    pub mix_share_delta: Option<Decimal>,
    pub units_sold_delta: i128,
}

/// Compares two analyses dish by dish (matched by name, ignoring case),
/// sorted by dish name.
pub fn compare_periods(previous: &MenuAnalysis, current: &MenuAnalysis) -> Vec<PeriodChange> {
    let mut dishes: BTreeMap<String, (Option<&MenuItem>, Option<&MenuItem>)> = BTreeMap::new();
    for item in &previous.items {
        dishes.entry(key_of(&item.profit.dish)).or_default().0 = Some(item);
    }
    for item in &current.items {
        dishes.entry(key_of(&item.profit.dish)).or_default().1 = Some(item);
    }
    dishes
        .into_values()
        .filter_map(|(prev, cur)| {
            let dish = cur.or(prev)?.profit.dish.clone();
            let both = prev.zip(cur);
            let units = |i: Option<&MenuItem>| i.map_or(0, |i| i128::from(i.profit.units_sold));
            Some(PeriodChange {
                dish,
                previous: prev.map(|i| i.class),
                current: cur.map(|i| i.class),
                class_changed: prev.map(|i| i.class) != cur.map(|i| i.class),
                contribution_per_unit_delta: both.and_then(|(p, c)| {
                    Some(c.profit.contribution_per_unit? - p.profit.contribution_per_unit?)
                }),
                food_cost_ratio_delta: both
                    .and_then(|(p, c)| Some(c.profit.food_cost_ratio? - p.profit.food_cost_ratio?)),
                mix_share_delta: both.map(|(p, c)| c.mix_share - p.mix_share),
                units_sold_delta: units(cur) - units(prev),
            })
        })
        .collect()
}
