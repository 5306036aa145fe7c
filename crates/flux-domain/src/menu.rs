//! Menu item names and prices.
//!
//! Sales files spell the same dish many ways ("Caesar  salad", "caesar
//! salad "). The *key* of a name (trimmed, whitespace collapsed, case-folded)
//! is what uniqueness and import matching use; the display name keeps the
//! operator's spelling.

use rust_decimal::Decimal;

use crate::validation::clean_text;
use crate::Invalid;

/// The matching key of a dish name.
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A display name: trimmed, inner whitespace collapsed, bounded, no control characters.
pub fn parse_item_name(raw: &str) -> Result<String, Invalid> {
    let collapsed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    clean_text("name", &collapsed, 200)
}

pub fn parse_category(raw: Option<&str>) -> Result<Option<String>, Invalid> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(c) => clean_text("category", c, 100).map(Some),
    }
}

/// A description: up to 500 characters of plain text; blank means none.
pub fn parse_description(raw: Option<&str>) -> Result<Option<String>, Invalid> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(d) => clean_text("description", d, 500).map(Some),
    }
}

/// Prices are exact decimals with at most 2 places, from 0 to 1,000,000.
pub fn parse_price(price: Decimal) -> Result<Decimal, Invalid> {
    if price.is_sign_negative() {
        return Err(Invalid::one("price", "negative", "must not be negative"));
    }
    if price > Decimal::from(1_000_000) {
        return Err(Invalid::one(
            "price",
            "too_large",
            "must be at most 1000000",
        ));
    }
    if price.normalize().scale() > 2 {
        return Err(Invalid::one(
            "price",
            "too_precise",
            "must have at most 2 decimal places",
        ));
    }
    Ok(price.round_dp(2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn spelling_variants_share_a_key() {
        assert_eq!(name_key("Caesar  salad"), name_key(" caesar SALAD "));
        assert_ne!(name_key("Caesar salad"), name_key("Caesar salads"));
    }

    #[test]
    fn prices_are_bounded_and_exact() {
        assert!(parse_price(Decimal::new(-1, 2)).is_err());
        assert!(parse_price(Decimal::new(1234, 3)).is_err());
        assert_eq!(
            parse_price(Decimal::new(1250, 2)).expect("ok"),
            Decimal::new(1250, 2)
        );
    }

    proptest! {
        #[test]
        fn key_is_idempotent(s in "\\PC{0,40}") {
            let k = name_key(&s);
            prop_assert_eq!(name_key(&k), k);
        }
    }
}
