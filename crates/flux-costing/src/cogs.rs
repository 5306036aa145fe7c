//! Cost of goods sold for a recipe, with a line-by-line breakdown.
//!
//! COGS = Σ quantity × unit cost × (1 + waste factor), the waste term being
//! switchable per restaurant. Sub-recipes are flattened: a pizza using a
//! quarter of a sauce batch carries a quarter of each sauce ingredient, and
//! each breakdown line records the path of recipes it came through.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::arith;
use crate::book::{RecipeBook, Resolved};
use crate::error::CostingError;
use crate::ingredient::Ingredient;
use crate::money::Money;
use crate::recipe::Yield;
use crate::units::Unit;
use crate::waste::WasteFactor;

/// Which prices to cost with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PriceBasis {
    /// Each ingredient's current unit cost.
    #[default]
    Current,
    /// The cost history entry effective on that date.
    AsOf(NaiveDate),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CostOptions {
    /// Whether to apply `(1 + waste factor)`; restaurants toggle this.
    pub include_waste: bool,
    pub prices: PriceBasis,
}

impl Default for CostOptions {
    fn default() -> Self {
        CostOptions {
            include_waste: true,
            prices: PriceBasis::Current,
        }
    }
}

/// One ingredient line of a flattened recipe.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CostLine {
    /// Recipes from the costed one down to the one holding this line, e.g.
    /// `["Margherita", "Tomato sauce"]`.
    pub path: Vec<String>,
    pub ingredient: String,
    /// Net quantity (before waste) in the ingredient's base unit.
    pub quantity: Decimal,
    pub base_unit: Unit,
    pub unit_cost: Money,
    pub waste_factor: WasteFactor,
    /// The line's preparation yield, when it has one: it replaces the
    /// waste factor (`cost = quantity ÷ share × unit_cost`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edible_share: Option<Decimal>,
    /// `quantity × unit_cost`.
    pub cost_without_waste: Money,
    /// `quantity × unit_cost × (1 + waste)` (or `÷ share`) if waste is
    /// included, else the same as `cost_without_waste`. This is what the
    /// totals add up.
    pub cost: Money,
}

/// The cost of one batch of a recipe and derived figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecipeCost {
    pub recipe: String,
    pub yields: Yield,
    pub options: CostOptions,
    /// Cost of one batch (Σ line costs).
    pub batch_cost: Money,
    /// Cost per portion for dishes, or per yield unit (per litre of sauce
    /// yielding "2 l") for preps.
    pub unit_cost: Money,
    /// Menu price of one portion, if set.
    pub menu_price: Option<Money>,
    /// `(price − unit_cost) / price` as a fraction; `None` without a price,
    /// with a zero price, or for preps.
    pub margin: Option<Decimal>,
    pub lines: Vec<CostLine>,
}

/// Margin as a fraction of price: `(price − cost) / price`. `None` when the
/// price is absent or zero, where a margin means nothing.
pub fn margin(price: Option<Money>, cost: Money) -> Option<Decimal> {
    let price = price.filter(|p| !p.is_zero())?;
    (price - cost) / price
}

/// An ingredient with its net quantity, reached through `path`.
pub(crate) struct FlatLine<'a> {
    pub(crate) path: Vec<String>,
    pub(crate) ingredient: &'a Ingredient,
    pub(crate) quantity: Decimal,
    /// The line's preparation yield, replacing the waste factor.
    pub(crate) share: Option<Decimal>,
}

impl FlatLine<'_> {
    /// What `quantity × multiplier` must be bought: `1 ÷ share` for a
    /// prepared line, `1 + waste factor` otherwise.
    pub(crate) fn multiplier(&self) -> Result<Decimal, CostingError> {
        match self.share {
            Some(share) => arith::div(Decimal::ONE, share, "preparation yield"),
            None => Ok(self.ingredient.waste_factor().multiplier()),
        }
    }

    /// The as-purchased quantity.
    pub(crate) fn gross(&self) -> Result<Decimal, CostingError> {
        match self.share {
            Some(share) => arith::div(self.quantity, share, "ingredient quantity"),
            None => arith::mul(
                self.quantity,
                self.ingredient.waste_factor().multiplier(),
                "ingredient quantity",
            ),
        }
    }
}

impl RecipeBook {
    /// Flattens `batches` batches of a recipe into ingredient lines.
    pub(crate) fn flatten(
        &self,
        recipe: &str,
        batches: Decimal,
    ) -> Result<Vec<FlatLine<'_>>, CostingError> {
        let mut out = Vec::new();
        let mut path = Vec::new();
        self.flatten_into(recipe, batches, &mut path, &mut out)?;
        Ok(out)
    }

    fn flatten_into<'a>(
        &'a self,
        recipe: &str,
        batches: Decimal,
        path: &mut Vec<String>,
        out: &mut Vec<FlatLine<'a>>,
    ) -> Result<(), CostingError> {
        let entry = self.entry(recipe)?;
        path.push(entry.name.to_string());
        for line in &entry.lines {
            match line {
                Resolved::Ingredient {
                    key,
                    quantity,
                    share,
                } => {
                    // The book resolved every key when it was built.
                    let ingredient = self.ingredients.get(key).ok_or_else(|| {
                        CostingError::UnknownIngredient {
                            recipe: entry.name.to_string(),
                            ingredient: key.clone(),
                        }
                    })?;
                    out.push(FlatLine {
                        path: path.clone(),
                        ingredient,
                        quantity: arith::mul(*quantity, batches, "ingredient quantity")?,
                        share: *share,
                    });
                }
                Resolved::SubRecipe { key, batches: used } => {
                    let batches = arith::mul(batches, *used, "sub-recipe quantity")?;
                    self.flatten_into(key, batches, path, out)?;
                }
            }
        }
        path.pop();
        Ok(())
    }

    /// Costs one batch of `recipe`.
    pub fn cost(&self, recipe: &str, options: &CostOptions) -> Result<RecipeCost, CostingError> {
        let entry = self.entry(recipe)?;
        let lines = self
            .flatten(recipe, Decimal::ONE)?
            .into_iter()
            .map(|flat| cost_line(flat, options))
            .collect::<Result<Vec<_>, _>>()?;
        let batch_cost = Money::new(arith::sum(
            lines.iter().map(|l| l.cost.amount()),
            "batch cost",
        )?);
        let yields = entry.recipe.yields;
        // The book guarantees a positive yield.
        let unit_cost = batch_cost
            .checked_div(yields.amount())
            .unwrap_or(batch_cost);
        let margin = match yields {
            Yield::Portions(_) => margin(entry.menu_price, unit_cost),
            Yield::Quantity(_) => None,
        };
        Ok(RecipeCost {
            recipe: entry.name.to_string(),
            yields,
            options: *options,
            batch_cost,
            unit_cost,
            menu_price: entry.menu_price,
            margin,
            lines,
        })
    }

    /// Cost of one portion of a dish (or one yield unit of a prep).
    pub fn cost_per_portion(
        &self,
        recipe: &str,
        options: &CostOptions,
    ) -> Result<Money, CostingError> {
        Ok(self.cost(recipe, options)?.unit_cost)
    }
}

fn cost_line(flat: FlatLine<'_>, options: &CostOptions) -> Result<CostLine, CostingError> {
    let ingredient = flat.ingredient;
    let unit_cost = match options.prices {
        PriceBasis::Current => ingredient.unit_cost(),
        PriceBasis::AsOf(date) => ingredient.cost_as_of(date)?,
    };
    let waste_factor = ingredient.waste_factor();
    let what = "ingredient cost";
    let cost_without_waste = Money::new(arith::mul(unit_cost.amount(), flat.quantity, what)?);
    let cost = if options.include_waste {
        Money::new(arith::mul(
            cost_without_waste.amount(),
            flat.multiplier()?,
            what,
        )?)
    } else {
        cost_without_waste
    };
    Ok(CostLine {
        edible_share: flat.share,
        path: flat.path,
        ingredient: ingredient.name().to_string(),
        quantity: flat.quantity,
        base_unit: ingredient.base_unit(),
        unit_cost,
        waste_factor,
        cost_without_waste,
        cost,
    })
}
