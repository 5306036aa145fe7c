//! Units of measure and exact conversions between them.
//!
//! Kitchens mix metric and US customary units freely ("2 tbsp oil",
//! "1 lb butter", "250 ml cream"), so every conversion goes through a base
//! unit per dimension (gram, millilitre, each) using exact decimal factors.
//! Crossing dimensions (ml of oil priced per kg, onions counted but priced by
//! weight) needs facts about the ingredient; see [`crate::measure`].

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// What a unit measures. Conversions within a dimension need no knowledge of
/// the ingredient; conversions across dimensions do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Mass,
    Volume,
    Count,
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dimension::Mass => "mass",
            Dimension::Volume => "volume",
            Dimension::Count => "count",
        })
    }
}

/// A unit of measure. Volumes are US customary where metric and US differ
/// (a cup is 236.5882365 ml, not the 250 ml metric cup).
///
/// Serialises as its canonical symbol (`"kg"`, `"fl oz"`) and deserialises
/// through the same lenient parser as [`Unit::parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Unit {
    Gram,
    Kilogram,
    Ounce,
    Pound,
    Millilitre,
    Litre,
    Teaspoon,
    Tablespoon,
    Cup,
    FluidOunce,
    Each,
    Dozen,
}

/// Why a unit string or a conversion was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UnitError {
    #[error("unknown unit {input:?}")]
    Unknown { input: String },
    #[error("cannot convert {from} to {to} without {missing}")]
    Incompatible {
        from: Unit,
        to: Unit,
        missing: MissingProperty,
    },
    #[error("{property} must be greater than zero, got {value}")]
    NonPositiveProperty {
        property: MissingProperty,
        value: Decimal,
    },
    #[error("invalid quantity {input:?}: {reason}")]
    InvalidQuantity { input: String, reason: String },
    #[error("converting {amount} {from} to {to} overflows")]
    Overflow {
        amount: Decimal,
        from: Unit,
        to: Unit,
    },
}

/// The ingredient fact a cross-dimension conversion needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingProperty {
    /// Weight of one piece, bridging count and mass.
    GramsPerEach,
    /// Density, bridging volume and mass.
    GramsPerMl,
    /// Count to volume goes through mass, so it needs both.
    GramsPerEachAndGramsPerMl,
}

impl fmt::Display for MissingProperty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MissingProperty::GramsPerEach => "grams_per_each (weight of one piece)",
            MissingProperty::GramsPerMl => "grams_per_ml (density)",
            MissingProperty::GramsPerEachAndGramsPerMl => {
                "grams_per_each (weight of one piece) and grams_per_ml (density)"
            }
        })
    }
}

impl Unit {
    /// Every unit, for listings and exhaustive tests.
    pub const ALL: [Unit; 12] = [
        Unit::Gram,
        Unit::Kilogram,
        Unit::Ounce,
        Unit::Pound,
        Unit::Millilitre,
        Unit::Litre,
        Unit::Teaspoon,
        Unit::Tablespoon,
        Unit::Cup,
        Unit::FluidOunce,
        Unit::Each,
        Unit::Dozen,
    ];

    /// Parses a unit leniently: case, surrounding space, dots, plurals and
    /// the usual spellings ("Kilogram", "kgs", "fl. oz", "floz", "pcs",
    /// "ea", "unit") are all accepted, because unit strings arrive from
    /// supplier invoices and hand-typed recipes.
    pub fn parse(input: &str) -> Result<Unit, UnitError> {
        let squashed: String = input
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-' | '_'))
            .collect();
        let unit = match squashed.as_str() {
            "g" | "gr" | "grs" | "gram" | "grams" | "gramme" | "grammes" => Unit::Gram,
            "kg" | "kgs" | "kilo" | "kilos" | "kilogram" | "kilograms" | "kilogramme"
            | "kilogrammes" => Unit::Kilogram,
            "oz" | "ozs" | "ounce" | "ounces" => Unit::Ounce,
            "lb" | "lbs" | "pound" | "pounds" => Unit::Pound,
            "ml" | "mls" | "millilitre" | "millilitres" | "milliliter" | "milliliters" | "cc" => {
                Unit::Millilitre
            }
            "l" | "lt" | "ltr" | "ltrs" | "litre" | "litres" | "liter" | "liters" => Unit::Litre,
            "tsp" | "tsps" | "teaspoon" | "teaspoons" => Unit::Teaspoon,
            "tbsp" | "tbsps" | "tbs" | "tbl" | "tablespoon" | "tablespoons" => Unit::Tablespoon,
            "cup" | "cups" => Unit::Cup,
            "floz" | "flozs" | "fluidounce" | "fluidounces" | "flounce" | "flounces" => {
                Unit::FluidOunce
            }
            "each" | "ea" | "pc" | "pcs" | "piece" | "pieces" | "unit" | "units" | "item"
            | "items" | "count" | "ct" | "x" => Unit::Each,
            "dozen" | "dozens" | "doz" | "dz" => Unit::Dozen,
            _ => {
                return Err(UnitError::Unknown {
                    input: input.to_owned(),
                })
            }
        };
        Ok(unit)
    }

    /// Canonical symbol, stable for storage and APIs.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Gram => "g",
            Unit::Kilogram => "kg",
            Unit::Ounce => "oz",
            Unit::Pound => "lb",
            Unit::Millilitre => "ml",
            Unit::Litre => "l",
            Unit::Teaspoon => "tsp",
            Unit::Tablespoon => "tbsp",
            Unit::Cup => "cup",
            Unit::FluidOunce => "fl oz",
            Unit::Each => "each",
            Unit::Dozen => "dozen",
        }
    }

    pub fn dimension(self) -> Dimension {
        match self {
            Unit::Gram | Unit::Kilogram | Unit::Ounce | Unit::Pound => Dimension::Mass,
            Unit::Millilitre
            | Unit::Litre
            | Unit::Teaspoon
            | Unit::Tablespoon
            | Unit::Cup
            | Unit::FluidOunce => Dimension::Volume,
            Unit::Each | Unit::Dozen => Dimension::Count,
        }
    }

    /// How many base units (g, ml or each) one of this unit is. All factors
    /// are exact by definition (the avoirdupois pound is 453.59237 g, the US
    /// fluid ounce 1/128 of a 231 in³ gallon).
    pub fn base_factor(self) -> Decimal {
        match self {
            Unit::Gram | Unit::Millilitre | Unit::Each => Decimal::ONE,
            Unit::Kilogram | Unit::Litre => Decimal::ONE_THOUSAND,
            Unit::Ounce => Decimal::new(28_349_523_125, 9),
            Unit::Pound => Decimal::new(45_359_237, 5),
            Unit::Teaspoon => Decimal::new(492_892_159_375, 11),
            Unit::Tablespoon => Decimal::new(1_478_676_478_125, 11),
            Unit::Cup => Decimal::new(2_365_882_365, 7),
            Unit::FluidOunce => Decimal::new(295_735_295_625, 10),
            Unit::Dozen => Decimal::from(12),
        }
    }

    /// The base unit of this unit's dimension.
    pub fn base(self) -> Unit {
        base_unit_of(self.dimension())
    }
}

/// The unit every quantity of a dimension is normalised to.
pub fn base_unit_of(dimension: Dimension) -> Unit {
    match dimension {
        Dimension::Mass => Unit::Gram,
        Dimension::Volume => Unit::Millilitre,
        Dimension::Count => Unit::Each,
    }
}

/// Converts `amount` between units of the same dimension.
///
/// The amount is multiplied into base units before dividing, so results
/// that terminate in decimal are exact; others (grams to ounces) are
/// correct to Decimal's 28 significant digits.
pub fn convert(amount: Decimal, from: Unit, to: Unit) -> Result<Decimal, UnitError> {
    if from.dimension() != to.dimension() {
        let missing = match (from.dimension(), to.dimension()) {
            (Dimension::Count, Dimension::Volume) | (Dimension::Volume, Dimension::Count) => {
                MissingProperty::GramsPerEachAndGramsPerMl
            }
            (Dimension::Count, _) | (_, Dimension::Count) => MissingProperty::GramsPerEach,
            _ => MissingProperty::GramsPerMl,
        };
        return Err(UnitError::Incompatible { from, to, missing });
    }
    if from == to {
        return Ok(amount);
    }
    let overflow = || UnitError::Overflow { amount, from, to };
    amount
        .checked_mul(from.base_factor())
        .and_then(|base| base.checked_div(to.base_factor()))
        .ok_or_else(overflow)
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

impl FromStr for Unit {
    type Err = UnitError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Unit::parse(s)
    }
}

impl TryFrom<String> for Unit {
    type Error = UnitError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Unit::parse(&value)
    }
}

impl From<Unit> for String {
    fn from(unit: Unit) -> Self {
        unit.symbol().to_owned()
    }
}

// Serialised through `String`, so the schema is a string of the symbols.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Unit {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .description(Some(
                "A unit of measure, as its canonical symbol (volumes are US customary).",
            ))
            .enum_values(Some(Unit::ALL.map(Unit::symbol)))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Unit {}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str_exact(s).expect("test literal")
    }

    #[test]
    fn lenient_spellings_parse_to_the_same_unit() {
        for (input, unit) in [
            ("kg", Unit::Kilogram),
            ("Kilogram", Unit::Kilogram),
            (" KGS ", Unit::Kilogram),
            ("fl oz", Unit::FluidOunce),
            ("floz", Unit::FluidOunce),
            ("Fl. Oz.", Unit::FluidOunce),
            ("fluid ounces", Unit::FluidOunce),
            ("pcs", Unit::Each),
            ("ea", Unit::Each),
            ("unit", Unit::Each),
            ("Tbsp", Unit::Tablespoon),
            ("teaspoons", Unit::Teaspoon),
            ("lbs", Unit::Pound),
            ("Litres", Unit::Litre),
            ("doz", Unit::Dozen),
        ] {
            assert_eq!(Unit::parse(input), Ok(unit), "{input}");
        }
    }

    #[test]
    fn unknown_units_are_rejected_with_the_input() {
        let err = Unit::parse("bushel").expect_err("must fail");
        assert_eq!(
            err,
            UnitError::Unknown {
                input: "bushel".into()
            }
        );
        assert!(Unit::parse("").is_err());
    }

    #[test]
    fn every_symbol_parses_back() {
        for unit in Unit::ALL {
            assert_eq!(Unit::parse(unit.symbol()), Ok(unit));
        }
    }

    #[test]
    fn us_customary_factors_are_exact() {
        assert_eq!(
            convert(dec("1"), Unit::Teaspoon, Unit::Millilitre),
            Ok(dec("4.92892159375"))
        );
        assert_eq!(
            convert(dec("3"), Unit::Teaspoon, Unit::Tablespoon),
            Ok(dec("1"))
        );
        assert_eq!(
            convert(dec("16"), Unit::Tablespoon, Unit::Cup),
            Ok(dec("1"))
        );
        assert_eq!(convert(dec("8"), Unit::FluidOunce, Unit::Cup), Ok(dec("1")));
        assert_eq!(convert(dec("16"), Unit::Ounce, Unit::Pound), Ok(dec("1")));
        assert_eq!(
            convert(dec("2"), Unit::Pound, Unit::Kilogram),
            Ok(dec("0.90718474"))
        );
    }

    #[test]
    fn conversions_work_both_ways() {
        assert_eq!(
            convert(dec("2.5"), Unit::Kilogram, Unit::Gram),
            Ok(dec("2500"))
        );
        assert_eq!(
            convert(dec("2500"), Unit::Gram, Unit::Kilogram),
            Ok(dec("2.5"))
        );
        assert_eq!(
            convert(dec("750"), Unit::Millilitre, Unit::Litre),
            Ok(dec("0.75"))
        );
        assert_eq!(
            convert(dec("0.75"), Unit::Litre, Unit::Millilitre),
            Ok(dec("750"))
        );
        assert_eq!(convert(dec("3"), Unit::Dozen, Unit::Each), Ok(dec("36")));
        assert_eq!(convert(dec("6"), Unit::Each, Unit::Dozen), Ok(dec("0.5")));
    }

    #[test]
    fn cross_dimension_without_ingredient_facts_names_what_is_missing() {
        assert_eq!(
            convert(dec("1"), Unit::Litre, Unit::Kilogram),
            Err(UnitError::Incompatible {
                from: Unit::Litre,
                to: Unit::Kilogram,
                missing: MissingProperty::GramsPerMl
            })
        );
        let err = convert(dec("1"), Unit::Each, Unit::Cup).expect_err("must fail");
        let message = err.to_string();
        assert!(
            message.contains("each") && message.contains("cup"),
            "{message}"
        );
        assert!(message.contains("grams_per_each") && message.contains("grams_per_ml"));
    }
}
