//! Ingredients: what they cost, how much of them is wasted, and how they are
//! bought.
//!
//! An [`Ingredient`] is built from a plain [`IngredientSpec`] (what storage
//! or an API hands over) and can only exist if every field is valid: the
//! cost is non-negative, the waste factor within bounds, the pack size
//! expressible in the base unit.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::CostingError;
use crate::history::{CostEntry, CostHistory, HistoryError};
use crate::measure::{MeasureProfile, Quantity};
use crate::money::Money;
use crate::name::Name;
use crate::units::Unit;
use crate::waste::WasteFactor;

/// Broad ingredient families, used for reporting and purchasing groups.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Produce,
    Meat,
    Seafood,
    Dairy,
    Bakery,
    DryGoods,
    Oils,
    Spices,
    Beverages,
    Frozen,
    #[default]
    Other,
}

impl Category {
    /// Lenient parse: unknown families become [`Category::Other`] rather than
    /// an error, because a category only groups reports.
    pub fn parse(input: &str) -> Category {
        let key: String = input
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        match key.as_str() {
            "produce" | "vegetable" | "vegetables" | "fruit" | "fruits" | "veg" => {
                Category::Produce
            }
            "meat" | "meats" | "poultry" | "charcuterie" => Category::Meat,
            "seafood" | "fish" | "shellfish" => Category::Seafood,
            "dairy" | "cheese" | "eggs" | "egg" => Category::Dairy,
            "bakery" | "bread" => Category::Bakery,
            "drygoods" | "dry" | "pantry" | "grains" | "flour" | "pasta" => Category::DryGoods,
            "oils" | "oil" | "fats" | "fat" => Category::Oils,
            "spices" | "spice" | "herbs" | "seasoning" | "condiments" | "condiment" => {
                Category::Spices
            }
            "beverages" | "beverage" | "drinks" | "coffee" => Category::Beverages,
            "frozen" => Category::Frozen,
            _ => Category::Other,
        }
    }
}

impl FromStr for Category {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Category::parse(s))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Category::Produce => "produce",
            Category::Meat => "meat",
            Category::Seafood => "seafood",
            Category::Dairy => "dairy",
            Category::Bakery => "bakery",
            Category::DryGoods => "dry_goods",
            Category::Oils => "oils",
            Category::Spices => "spices",
            Category::Beverages => "beverages",
            Category::Frozen => "frozen",
            Category::Other => "other",
        })
    }
}

/// The unvalidated shape of an ingredient, as stored or received.
/// Costs (`unit_cost` and history) are per one `base_unit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngredientSpec {
    pub name: String,
    #[serde(default)]
    pub category: Category,
    pub base_unit: Unit,
    pub unit_cost: Decimal,
    #[serde(default)]
    pub waste_factor: Decimal,
    #[serde(default)]
    pub shelf_life_days: Option<u32>,
    #[serde(default)]
    pub pack_size: Option<Quantity>,
    #[serde(default)]
    pub grams_per_each: Option<Decimal>,
    #[serde(default)]
    pub grams_per_ml: Option<Decimal>,
    #[serde(default)]
    pub cost_history: Vec<CostEntry>,
}

impl IngredientSpec {
    /// A spec with no waste, pack, bridging facts or history; fill the rest
    /// with struct update syntax.
    pub fn new(name: &str, base_unit: Unit, unit_cost: Decimal) -> Self {
        IngredientSpec {
            name: name.to_owned(),
            category: Category::Other,
            base_unit,
            unit_cost,
            waste_factor: Decimal::ZERO,
            shelf_life_days: None,
            pack_size: None,
            grams_per_each: None,
            grams_per_ml: None,
            cost_history: Vec::new(),
        }
    }
}

/// A validated ingredient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ingredient {
    name: Name,
    category: Category,
    base_unit: Unit,
    unit_cost: Money,
    waste: WasteFactor,
    shelf_life_days: Option<u32>,
    pack_size: Option<Quantity>,
    pack_in_base: Option<Decimal>,
    profile: MeasureProfile,
    history: CostHistory,
}

impl Ingredient {
    pub fn new(spec: IngredientSpec) -> Result<Self, CostingError> {
        let name = Name::parse(&spec.name)?;
        if spec.unit_cost.is_sign_negative() && !spec.unit_cost.is_zero() {
            return Err(CostingError::Negative {
                what: format!("unit cost of {name}"),
                value: spec.unit_cost,
            });
        }
        let waste = WasteFactor::new(spec.waste_factor)?;
        let profile = MeasureProfile::new(spec.grams_per_each, spec.grams_per_ml)?;
        let pack_in_base = match spec.pack_size {
            None => None,
            Some(pack) if !pack.is_positive() => {
                return Err(CostingError::EmptyPackSize {
                    ingredient: name.to_string(),
                })
            }
            Some(pack) => Some(
                profile
                    .convert(pack.amount(), pack.unit(), spec.base_unit)
                    .map_err(|source| CostingError::InvalidPackSize {
                        ingredient: name.to_string(),
                        pack: pack.to_string(),
                        base_unit: spec.base_unit,
                        source,
                    })?,
            ),
        };
        let history = CostHistory::new(spec.cost_history).map_err(|e| match e {
            HistoryError::Negative(value) => CostingError::Negative {
                what: format!("historical unit cost of {name}"),
                value,
            },
            HistoryError::Conflict(date) => CostingError::ConflictingCost {
                ingredient: name.to_string(),
                date,
            },
        })?;
        Ok(Ingredient {
            name,
            category: spec.category,
            base_unit: spec.base_unit,
            unit_cost: Money::new(spec.unit_cost),
            waste,
            shelf_life_days: spec.shelf_life_days,
            pack_size: spec.pack_size,
            pack_in_base,
            profile,
            history,
        })
    }

    pub fn name(&self) -> &Name {
        &self.name
    }
    pub fn category(&self) -> Category {
        self.category
    }
    pub fn base_unit(&self) -> Unit {
        self.base_unit
    }
    /// Current cost per base unit.
    pub fn unit_cost(&self) -> Money {
        self.unit_cost
    }
    pub fn waste_factor(&self) -> WasteFactor {
        self.waste
    }
    pub fn shelf_life_days(&self) -> Option<u32> {
        self.shelf_life_days
    }
    /// The purchase pack as entered (e.g. 5 kg, 30 each).
    pub fn pack_size(&self) -> Option<Quantity> {
        self.pack_size
    }
    /// The purchase pack in base units.
    pub fn pack_in_base_units(&self) -> Option<Decimal> {
        self.pack_in_base
    }
    pub fn profile(&self) -> &MeasureProfile {
        &self.profile
    }
    pub fn cost_history(&self) -> &CostHistory {
        &self.history
    }

    /// The unit cost effective on `date`: the latest history entry effective
    /// on or before it. The current `unit_cost` is deliberately not a
    /// fallback: silently costing last year with today's price would be
    /// wrong in a way nobody notices.
    pub fn cost_as_of(&self, date: NaiveDate) -> Result<Money, CostingError> {
        self.history
            .cost_as_of(date)
            .ok_or_else(|| CostingError::NoCostAsOf {
                ingredient: self.name.to_string(),
                date,
                earliest: self.history.earliest(),
            })
    }

    /// Converts a quantity in any unit to this ingredient's base unit.
    pub fn to_base(&self, amount: Decimal, unit: Unit) -> Result<Decimal, CostingError> {
        Ok(self.profile.convert(amount, unit, self.base_unit)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str_exact(s).expect("test literal")
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::from_str(s).expect("test date")
    }

    fn entry(date: &str, cost: &str) -> CostEntry {
        CostEntry {
            effective: day(date),
            unit_cost: Money::new(dec(cost)),
        }
    }

    fn tomatoes() -> Ingredient {
        Ingredient::new(IngredientSpec {
            cost_history: vec![
                entry("2024-03-01", "2.40"),
                entry("2024-01-01", "2.00"),
                entry("2024-02-01", "2.20"),
            ],
            ..IngredientSpec::new("Tomatoes", Unit::Kilogram, dec("2.40"))
        })
        .expect("valid")
    }

    #[test]
    fn cost_as_of_picks_the_latest_entry_on_or_before_the_date() {
        let t = tomatoes();
        assert_eq!(t.cost_as_of(day("2024-01-01")), Ok(Money::new(dec("2.00"))));
        assert_eq!(t.cost_as_of(day("2024-01-31")), Ok(Money::new(dec("2.00"))));
        assert_eq!(t.cost_as_of(day("2024-02-01")), Ok(Money::new(dec("2.20"))));
        assert_eq!(t.cost_as_of(day("2024-02-15")), Ok(Money::new(dec("2.20"))));
        assert_eq!(t.cost_as_of(day("2030-01-01")), Ok(Money::new(dec("2.40"))));
    }

    #[test]
    fn cost_before_the_first_entry_is_an_error() {
        assert_eq!(
            tomatoes().cost_as_of(day("2023-12-31")),
            Err(CostingError::NoCostAsOf {
                ingredient: "Tomatoes".into(),
                date: day("2023-12-31"),
                earliest: Some(day("2024-01-01")),
            })
        );
        let no_history =
            Ingredient::new(IngredientSpec::new("Salt", Unit::Kilogram, dec("1"))).expect("valid");
        assert!(no_history.cost_as_of(day("2024-01-01")).is_err());
    }

    #[test]
    fn conflicting_history_and_negative_costs_are_rejected() {
        let conflict = IngredientSpec {
            cost_history: vec![entry("2024-01-01", "2"), entry("2024-01-01", "3")],
            ..IngredientSpec::new("Tomatoes", Unit::Kilogram, dec("2"))
        };
        assert!(matches!(
            Ingredient::new(conflict),
            Err(CostingError::ConflictingCost { .. })
        ));
        let negative = IngredientSpec::new("Tomatoes", Unit::Kilogram, dec("-1"));
        assert!(matches!(
            Ingredient::new(negative),
            Err(CostingError::Negative { .. })
        ));
    }

    #[test]
    fn waste_factor_out_of_bounds_is_rejected() {
        let spec = IngredientSpec {
            waste_factor: dec("0.61"),
            ..IngredientSpec::new("Artichoke", Unit::Kilogram, dec("4"))
        };
        assert!(matches!(
            Ingredient::new(spec),
            Err(CostingError::WasteFactor(_))
        ));
    }

    #[test]
    fn pack_sizes_are_normalised_to_the_base_unit() {
        let flour = Ingredient::new(IngredientSpec {
            pack_size: Some(Quantity::parse("25 kg").expect("valid")),
            ..IngredientSpec::new("Flour", Unit::Gram, dec("0.0009"))
        })
        .expect("valid");
        assert_eq!(flour.pack_in_base_units(), Some(dec("25000")));

        let eggs_by_weight = IngredientSpec {
            pack_size: Some(Quantity::parse("30 each").expect("valid")),
            ..IngredientSpec::new("Eggs", Unit::Kilogram, dec("5"))
        };
        assert!(matches!(
            Ingredient::new(eggs_by_weight),
            Err(CostingError::InvalidPackSize { .. })
        ));
    }
}
