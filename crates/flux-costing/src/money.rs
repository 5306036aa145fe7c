//! Exact money amounts.
//!
//! Costs are products of many small fractions (0.0042 €/g × 37 g × 1.15), so
//! every figure is an exact [`Decimal`] and rounding happens only when a
//! figure is shown. Display rounds to 2 decimal places **half away from
//! zero** (0.125 → 0.13), the convention of menus and invoices, rather than
//! banker's rounding. The engine is currency-agnostic: a book is priced in
//! one currency chosen by its owner.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Div, Mul, Neg, Sub};

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// An exact amount of money. May be negative (a loss-making contribution).
///
/// Serialises as an exact decimal string without trailing zeros ("3.0545",
/// "23"), so stored and transmitted figures are never pre-rounded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Money(Decimal);

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Serialize::serialize(&self.0.normalize(), serializer)
    }
}

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    pub fn new(amount: Decimal) -> Self {
        Money(amount)
    }

    /// The exact, unrounded amount.
    pub fn amount(self) -> Decimal {
        self.0
    }

    /// Rounded to cents (half away from zero), always with two decimals.
    pub fn rounded(self) -> Decimal {
        round_money(self.0)
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Division that yields `None` for a zero divisor instead of panicking,
    /// since divisors here (units sold, portions) come from data.
    pub fn checked_div(self, divisor: Decimal) -> Option<Money> {
        self.0.checked_div(divisor).map(Money)
    }
}

/// Rounds an amount for display: 2 dp, half away from zero, scale fixed at 2
/// so "23" shows as "23.00".
pub fn round_money(amount: Decimal) -> Decimal {
    let mut rounded = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(2);
    rounded
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.rounded())
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Mul<Decimal> for Money {
    type Output = Money;
    fn mul(self, rhs: Decimal) -> Money {
        Money(self.0 * rhs)
    }
}

impl Div<Money> for Money {
    type Output = Option<Decimal>;
    /// A ratio of two amounts; `None` when dividing by zero.
    fn div(self, rhs: Money) -> Option<Decimal> {
        self.0.checked_div(rhs.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str_exact(s).expect("test literal")
    }

    #[test]
    fn display_rounds_half_away_from_zero_with_two_decimals() {
        assert_eq!(Money::new(dec("23")).to_string(), "23.00");
        assert_eq!(Money::new(dec("0.125")).to_string(), "0.13");
        assert_eq!(Money::new(dec("0.135")).to_string(), "0.14");
        assert_eq!(Money::new(dec("-0.125")).to_string(), "-0.13");
        assert_eq!(Money::new(dec("1.23456")).to_string(), "1.23");
    }

    #[test]
    fn arithmetic_stays_exact() {
        let tenth = Money::new(dec("0.1"));
        let total: Money = [tenth, tenth, tenth].iter().sum();
        assert_eq!(total.amount(), dec("0.3"));
        assert_eq!(Money::new(dec("1")) / Money::ZERO, None);
    }
}
