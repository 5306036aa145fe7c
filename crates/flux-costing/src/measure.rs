//! Quantities, and conversions that cross dimensions using facts about one
//! ingredient.
//!
//! "2 onions" priced per kg, or "30 ml olive oil" priced per litre of
//! weight-sold oil, can only be costed if we know what one onion weighs or
//! how dense the oil is. Those facts live in a [`MeasureProfile`]; a missing
//! fact is a typed error naming both units and the property, never a guess.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::units::{convert, Dimension, MissingProperty, Unit, UnitError};

/// The per-ingredient facts that bridge count, mass and volume.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawProfile", into = "RawProfile")]
pub struct MeasureProfile {
    grams_per_each: Option<Decimal>,
    grams_per_ml: Option<Decimal>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct RawProfile {
    grams_per_each: Option<Decimal>,
    grams_per_ml: Option<Decimal>,
}

impl TryFrom<RawProfile> for MeasureProfile {
    type Error = UnitError;
    fn try_from(raw: RawProfile) -> Result<Self, Self::Error> {
        MeasureProfile::new(raw.grams_per_each, raw.grams_per_ml)
    }
}

impl From<MeasureProfile> for RawProfile {
    fn from(p: MeasureProfile) -> Self {
        RawProfile {
            grams_per_each: p.grams_per_each,
            grams_per_ml: p.grams_per_ml,
        }
    }
}

impl MeasureProfile {
    /// Both facts are optional but, when given, must be positive: a zero
    /// density would turn any volume into zero grams and hide a data error.
    pub fn new(
        grams_per_each: Option<Decimal>,
        grams_per_ml: Option<Decimal>,
    ) -> Result<Self, UnitError> {
        for (value, property) in [
            (grams_per_each, MissingProperty::GramsPerEach),
            (grams_per_ml, MissingProperty::GramsPerMl),
        ] {
            if let Some(value) = value.filter(|v| *v <= Decimal::ZERO) {
                return Err(UnitError::NonPositiveProperty { property, value });
            }
        }
        Ok(MeasureProfile {
            grams_per_each,
            grams_per_ml,
        })
    }

    pub fn grams_per_each(&self) -> Option<Decimal> {
        self.grams_per_each
    }

    pub fn grams_per_ml(&self) -> Option<Decimal> {
        self.grams_per_ml
    }

    /// Converts between any two units, bridging dimensions through grams.
    pub fn convert(&self, amount: Decimal, from: Unit, to: Unit) -> Result<Decimal, UnitError> {
        if from.dimension() == to.dimension() {
            return convert(amount, from, to);
        }
        let incompatible = |missing| UnitError::Incompatible { from, to, missing };
        let overflow = || UnitError::Overflow { amount, from, to };
        let needs = |dimension| match dimension {
            Dimension::Count => self.grams_per_each.ok_or(MissingProperty::GramsPerEach),
            Dimension::Volume => self.grams_per_ml.ok_or(MissingProperty::GramsPerMl),
            Dimension::Mass => Ok(Decimal::ONE),
        };
        // Report everything that is missing, not just the first gap, so one
        // fix is enough.
        let (from_factor, to_factor) = match (needs(from.dimension()), needs(to.dimension())) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(_), Err(_)) => {
                return Err(incompatible(MissingProperty::GramsPerEachAndGramsPerMl))
            }
            (Err(missing), _) | (_, Err(missing)) => return Err(incompatible(missing)),
        };
        let base_from = convert(amount, from, from.base())?;
        let grams = base_from.checked_mul(from_factor).ok_or_else(overflow)?;
        let base_to = grams.checked_div(to_factor).ok_or_else(overflow)?;
        convert(base_to, to.base(), to)
    }

    /// Whether `from` can be converted to `to` with these facts.
    pub fn can_convert(&self, from: Unit, to: Unit) -> Result<(), UnitError> {
        self.convert(Decimal::ONE, from, to).map(|_| ())
    }
}

/// A non-negative amount in a unit, such as a pack size or a batch yield.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
// The fields are those of `RawQuantity`, which it serialises through.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "RawQuantity", into = "RawQuantity")]
pub struct Quantity {
    amount: Decimal,
    unit: Unit,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct RawQuantity {
    amount: Decimal,
    unit: Unit,
}

impl TryFrom<RawQuantity> for Quantity {
    type Error = UnitError;
    fn try_from(raw: RawQuantity) -> Result<Self, Self::Error> {
        Quantity::new(raw.amount, raw.unit)
    }
}

impl From<Quantity> for RawQuantity {
    fn from(q: Quantity) -> Self {
        RawQuantity {
            amount: q.amount,
            unit: q.unit,
        }
    }
}

impl Quantity {
    /// Rejects negative amounts; zero is allowed (an empty stock level) and
    /// callers that need a positive amount check [`Quantity::is_positive`].
    pub fn new(amount: Decimal, unit: Unit) -> Result<Self, UnitError> {
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(UnitError::InvalidQuantity {
                input: format!("{amount} {unit}"),
                reason: "must not be negative".into(),
            });
        }
        Ok(Quantity { amount, unit })
    }

    /// Parses "2 kg", "250g", "1.5 fl oz" or "2,5 kg" (decimal comma).
    pub fn parse(input: &str) -> Result<Self, UnitError> {
        let invalid = |reason: &str| UnitError::InvalidQuantity {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = input.trim();
        let split = trimmed
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+')))
            .ok_or_else(|| invalid("missing unit"))?;
        let (number, unit) = trimmed.split_at(split);
        let number = number.trim().replace(',', ".");
        if number.is_empty() {
            return Err(invalid("missing number"));
        }
        let amount = Decimal::from_str(&number).map_err(|_| invalid("not a number"))?;
        Quantity::new(amount, Unit::parse(unit)?)
    }

    pub fn amount(&self) -> Decimal {
        self.amount
    }

    pub fn unit(&self) -> Unit {
        self.unit
    }

    pub fn is_positive(&self) -> bool {
        self.amount > Decimal::ZERO
    }

    /// The same quantity in another unit of the same dimension.
    pub fn to_unit(&self, unit: Unit) -> Result<Quantity, UnitError> {
        Ok(Quantity {
            amount: convert(self.amount, self.unit, unit)?,
            unit,
        })
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount.normalize(), self.unit)
    }
}

impl FromStr for Quantity {
    type Err = UnitError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Quantity::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str_exact(s).expect("test literal")
    }

    fn onion_oil() -> MeasureProfile {
        MeasureProfile::new(Some(dec("150")), Some(dec("0.92"))).expect("valid")
    }

    #[test]
    fn count_to_mass_and_back_uses_grams_per_each() {
        let p = onion_oil();
        assert_eq!(
            p.convert(dec("2"), Unit::Each, Unit::Kilogram),
            Ok(dec("0.3"))
        );
        assert_eq!(
            p.convert(dec("0.3"), Unit::Kilogram, Unit::Each),
            Ok(dec("2"))
        );
        assert_eq!(
            p.convert(dec("1"), Unit::Dozen, Unit::Gram),
            Ok(dec("1800"))
        );
    }

    #[test]
    fn volume_to_mass_and_back_uses_density() {
        let p = onion_oil();
        // 500 ml × 0.92 g/ml = 460 g = 0.46 kg
        assert_eq!(
            p.convert(dec("500"), Unit::Millilitre, Unit::Kilogram),
            Ok(dec("0.46"))
        );
        assert_eq!(
            p.convert(dec("0.46"), Unit::Kilogram, Unit::Millilitre),
            Ok(dec("500"))
        );
        // 1 tbsp of oil = 14.78676478125 ml × 0.92 = 13.60382359875 g
        assert_eq!(
            p.convert(dec("1"), Unit::Tablespoon, Unit::Gram),
            Ok(dec("13.6038235987500"))
        );
    }

    #[test]
    fn count_to_volume_goes_through_mass() {
        let p = MeasureProfile::new(Some(dec("46")), Some(dec("0.92"))).expect("valid");
        // 2 eggs × 46 g ÷ 0.92 g/ml = 100 ml
        assert_eq!(
            p.convert(dec("2"), Unit::Each, Unit::Millilitre),
            Ok(dec("100"))
        );
    }

    #[test]
    fn missing_facts_are_named_with_both_units() {
        let no_density = MeasureProfile::new(Some(dec("150")), None).expect("valid");
        assert_eq!(
            no_density.convert(dec("1"), Unit::Millilitre, Unit::Kilogram),
            Err(UnitError::Incompatible {
                from: Unit::Millilitre,
                to: Unit::Kilogram,
                missing: MissingProperty::GramsPerMl
            })
        );
        assert_eq!(
            MeasureProfile::default().convert(dec("1"), Unit::Each, Unit::Litre),
            Err(UnitError::Incompatible {
                from: Unit::Each,
                to: Unit::Litre,
                missing: MissingProperty::GramsPerEachAndGramsPerMl
            })
        );
        let no_weight = MeasureProfile::new(None, Some(dec("1"))).expect("valid");
        assert_eq!(
            no_weight.convert(dec("1"), Unit::Each, Unit::Litre),
            Err(UnitError::Incompatible {
                from: Unit::Each,
                to: Unit::Litre,
                missing: MissingProperty::GramsPerEach
            })
        );
    }

    #[test]
    fn non_positive_facts_are_rejected() {
        assert!(MeasureProfile::new(Some(Decimal::ZERO), None).is_err());
        assert!(MeasureProfile::new(None, Some(dec("-1"))).is_err());
    }

    #[test]
    fn quantities_parse_leniently() {
        let q = Quantity::parse("2,5 kg").expect("valid");
        assert_eq!((q.amount(), q.unit()), (dec("2.5"), Unit::Kilogram));
        let q = Quantity::parse("250g").expect("valid");
        assert_eq!((q.amount(), q.unit()), (dec("250"), Unit::Gram));
        let q = Quantity::parse(" 1.5 fl oz ").expect("valid");
        assert_eq!((q.amount(), q.unit()), (dec("1.5"), Unit::FluidOunce));
        assert!(Quantity::parse("kg").is_err());
        assert!(Quantity::parse("12").is_err());
        assert!(Quantity::parse("-1 kg").is_err());
        assert!(Quantity::parse("1 bushel").is_err());
    }
}
