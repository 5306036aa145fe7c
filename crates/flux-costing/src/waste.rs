//! The waste factor: the share of an ingredient lost to trimming, peeling,
//! spoilage and spills, on top of the quantity a recipe calls for.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A waste factor between 0 and 0.60 inclusive. Above 60 % a figure is far
/// more likely to be a typo (15 instead of 0.15) than a real yield loss, so
/// it is refused rather than silently inflating costs.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct WasteFactor(Decimal);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WasteFactorError {
    #[error("waste factor {value} is outside 0 to 0.60")]
    OutOfRange { value: Decimal },
    #[error("waste factor {input:?} is not a number")]
    NotANumber { input: String },
}

impl WasteFactor {
    pub const ZERO: WasteFactor = WasteFactor(Decimal::ZERO);

    /// The largest accepted factor (60 %).
    pub fn max() -> Decimal {
        Decimal::new(60, 2)
    }

    pub fn new(value: Decimal) -> Result<Self, WasteFactorError> {
        if value < Decimal::ZERO || value > Self::max() {
            return Err(WasteFactorError::OutOfRange { value });
        }
        Ok(WasteFactor(value))
    }

    /// Accepts a fraction ("0.15") or a percentage ("15%", "15 %").
    pub fn parse(input: &str) -> Result<Self, WasteFactorError> {
        let trimmed = input.trim();
        let (number, scale) = match trimmed.strip_suffix('%') {
            Some(percent) => (percent.trim(), Decimal::ONE_HUNDRED),
            None => (trimmed, Decimal::ONE),
        };
        let value = Decimal::from_str(number).map_err(|_| WasteFactorError::NotANumber {
            input: input.to_owned(),
        })?;
        WasteFactor::new(value / scale)
    }

    pub fn value(self) -> Decimal {
        self.0
    }

    /// `1 + waste`: what a recipe quantity is multiplied by to get the
    /// quantity that must be bought.
    pub fn multiplier(self) -> Decimal {
        Decimal::ONE + self.0
    }
}

impl TryFrom<Decimal> for WasteFactor {
    type Error = WasteFactorError;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        WasteFactor::new(value)
    }
}

impl From<WasteFactor> for Decimal {
    fn from(w: WasteFactor) -> Decimal {
        w.0
    }
}

impl FromStr for WasteFactor {
    type Err = WasteFactorError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        WasteFactor::parse(s)
    }
}

impl fmt::Display for WasteFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", (self.0 * Decimal::ONE_HUNDRED).normalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str_exact(s).expect("test literal")
    }

    #[test]
    fn bounds_are_inclusive() {
        assert!(WasteFactor::new(dec("0")).is_ok());
        assert!(WasteFactor::new(dec("0.60")).is_ok());
        assert_eq!(
            WasteFactor::new(dec("0.6000001")),
            Err(WasteFactorError::OutOfRange {
                value: dec("0.6000001")
            })
        );
        assert!(WasteFactor::new(dec("-0.01")).is_err());
        assert!(WasteFactor::new(dec("15")).is_err());
    }

    #[test]
    fn parses_fractions_and_percentages() {
        assert_eq!(
            WasteFactor::parse("0.15").map(WasteFactor::value),
            Ok(dec("0.15"))
        );
        assert_eq!(
            WasteFactor::parse("15%").map(WasteFactor::value),
            Ok(dec("0.15"))
        );
        assert_eq!(
            WasteFactor::parse(" 60 % ").map(WasteFactor::value),
            Ok(dec("0.6"))
        );
        assert!(WasteFactor::parse("61%").is_err());
        assert!(matches!(
            WasteFactor::parse("lots"),
            Err(WasteFactorError::NotANumber { .. })
        ));
    }

    #[test]
    fn multiplier_and_display() {
        let w = WasteFactor::parse("0.15").expect("valid");
        assert_eq!(w.multiplier(), dec("1.15"));
        assert_eq!(w.to_string(), "15%");
    }
}
