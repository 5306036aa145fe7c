//! Ingredient explosion: from dishes to sell to ingredients to buy.
//!
//! Demand (portions sold, or a forecast's mean portions) is pushed through
//! every recipe and sub-recipe down to ingredients, summed per ingredient in
//! its base unit, then rounded up to whole purchase packs. Rounding happens
//! only at the end, on totals, so ten dishes each needing a tenth of a pack
//! buy one pack, not ten.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::arith;
use crate::book::RecipeBook;
use crate::error::CostingError;
use crate::measure::Quantity;
use crate::units::Unit;
use crate::waste::WasteFactor;

/// How much of one ingredient the demand needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngredientNeed {
    pub ingredient: String,
    pub base_unit: Unit,
    pub waste_factor: WasteFactor,
    /// What the recipes call for, in the base unit.
    pub net_quantity: Decimal,
    /// What must be bought to end up with `net`: `net × (1 + waste)`, or
    /// `net ÷ share` for the lines with a preparation yield.
    pub gross_quantity: Decimal,
    pub pack_size: Option<Quantity>,
    /// Whole packs covering `net_quantity` (rounded up).
    pub packs_net: Option<Decimal>,
    /// Whole packs covering `gross_quantity` (rounded up).
    pub packs_gross: Option<Decimal>,
    /// Net quantity contributed by each demanded dish, by dish name.
    pub by_dish: BTreeMap<String, Decimal>,
}

/// Ingredient needs sorted by ingredient name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explosion {
    pub needs: Vec<IngredientNeed>,
}

impl Explosion {
    pub fn need(&self, ingredient: &str) -> Option<&IngredientNeed> {
        let key = crate::name::key_of(ingredient);
        self.needs
            .iter()
            .find(|n| crate::name::key_of(&n.ingredient) == key)
    }
}

impl RecipeBook {
    /// Explodes exact demand. Each quantity is in the recipe's yield unit:
    /// portions for dishes, the yield's unit for preps (litres of a sauce
    /// yielding "2 l").
    pub fn explode<K: AsRef<str>>(
        &self,
        demand: impl IntoIterator<Item = (K, Decimal)>,
    ) -> Result<Explosion, CostingError> {
        // Keyed by ingredient key; BTreeMap keeps output order stable.
        let mut totals: BTreeMap<String, IngredientNeed> = BTreeMap::new();
        for (dish, quantity) in demand {
            let dish = dish.as_ref();
            if quantity.is_sign_negative() && !quantity.is_zero() {
                return Err(CostingError::InvalidDemand {
                    dish: dish.to_owned(),
                    value: quantity.to_string(),
                });
            }
            let entry = self.entry(dish)?;
            let batches = arith::div(quantity, entry.recipe.yields.amount(), "demand")?;
            let dish_name = entry.name.to_string();
            for flat in self.flatten(dish, batches)? {
                let ingredient = flat.ingredient;
                let need =
                    totals
                        .entry(ingredient.name().key())
                        .or_insert_with(|| IngredientNeed {
                            ingredient: ingredient.name().to_string(),
                            base_unit: ingredient.base_unit(),
                            waste_factor: ingredient.waste_factor(),
                            net_quantity: Decimal::ZERO,
                            gross_quantity: Decimal::ZERO,
                            pack_size: ingredient.pack_size(),
                            packs_net: None,
                            packs_gross: None,
                            by_dish: BTreeMap::new(),
                        });
                let what = "ingredient need";
                need.net_quantity = arith::add(need.net_quantity, flat.quantity, what)?;
                // Gross per line: a prepared line has its own yield.
                need.gross_quantity = arith::add(need.gross_quantity, flat.gross()?, what)?;
                let by_dish = need.by_dish.entry(dish_name.clone()).or_default();
                *by_dish = arith::add(*by_dish, flat.quantity, what)?;
            }
        }
        let needs = totals
            .into_values()
            .map(|mut need| {
                if let Some(pack) = self
                    .ingredient(&need.ingredient)
                    .and_then(|i| i.pack_in_base_units())
                {
                    need.packs_net = Some(arith::div(need.net_quantity, pack, "packs")?.ceil());
                    need.packs_gross = Some(arith::div(need.gross_quantity, pack, "packs")?.ceil());
                }
                Ok(need)
            })
            .collect::<Result<_, CostingError>>()?;
        Ok(Explosion { needs })
    }

    /// Explodes forecast means given as `f64`. Each value is converted via
    /// its shortest decimal representation (0.1 stays 0.1); NaN, infinite
    /// and negative values are rejected.
    pub fn explode_forecast<K: AsRef<str>>(
        &self,
        demand: impl IntoIterator<Item = (K, f64)>,
    ) -> Result<Explosion, CostingError> {
        let exact = demand
            .into_iter()
            .map(|(dish, mean)| {
                let invalid = || CostingError::InvalidDemand {
                    dish: dish.as_ref().to_owned(),
                    value: mean.to_string(),
                };
                if !mean.is_finite() || mean < 0.0 {
                    return Err(invalid());
                }
                let value = Decimal::from_str(&mean.to_string()).map_err(|_| invalid())?;
                Ok((dish, value))
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.explode(exact)
    }
}
