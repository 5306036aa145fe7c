//! Money and quantity parsing into exact decimals.
//!
//! Money is never a float: `rust_decimal::Decimal` keeps `0.1 + 0.2` exact
//! and maps onto PostgreSQL `numeric`. Quantities use the same type so that
//! `price × quantity` stays exact and fractional units (0.5 kg) work.
//!
//! Exports write numbers many ways: `$8.00`, `-$8.00`, `($8.00)`, `8,50 €`,
//! `1,234.56`, `1.234,56`, `1 234,56`. The file's decimal separator is a
//! default; a value containing both `.` and `,` is read by whichever comes
//! last, and a lone "other" separator followed by exactly three digits is a
//! thousands separator (`1,234` in a point-decimal file).

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Largest |quantity| of one sale line (the database holds `numeric(14,3)`;
/// a million units in one line is a typo or an id in the wrong column).
pub const MAX_QUANTITY: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
/// Largest |unit price| (`numeric(14,4)`).
pub const MAX_UNIT_PRICE: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
/// Largest |line total| and |gross line total| (`numeric(16,4)`).
pub const MAX_LINE_TOTAL: Decimal = Decimal::from_parts(100_000_000, 0, 0, false, 0);
/// Decimal places kept for money. More are rounded half away from zero
/// (`148.828353` → `148.8284`): exports that print more carry float noise,
/// not fractions of a cent worth rejecting a row for.
pub const MONEY_SCALE: u32 = 4;
/// Decimal places kept for quantities (grams of a kilo), rounded likewise.
pub const QUANTITY_SCALE: u32 = 3;

/// Rounds to `scale` places, half away from zero, without trailing zeros
/// added.
pub(crate) fn round_to(value: Decimal, scale: u32) -> Decimal {
    if value.scale() <= scale {
        return value;
    }
    value.round_dp_with_strategy(scale, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

/// A cell that says "no value": empty, or a lone dash as period reports
/// print for missing numbers.
pub(crate) fn is_no_value(s: &str) -> bool {
    matches!(s.trim(), "" | "-" | "–" | "—" | "n/a" | "N/A")
}

/// Decimal separator a file uses by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecimalSeparator {
    Point,
    Comma,
}

impl DecimalSeparator {
    /// Semicolon- and tab-delimited files from continental-European locales
    /// use decimal commas; comma-delimited files cannot without quoting.
    pub fn infer(delimiter: u8, locale: Option<&str>) -> Self {
        if delimiter == b';' {
            return Self::Comma;
        }
        let comma_locale = locale
            .and_then(|l| l.split(['-', '_']).next())
            .map(|lang| {
                matches!(
                    lang.to_ascii_lowercase().as_str(),
                    "de" | "fr"
                        | "es"
                        | "it"
                        | "nl"
                        | "pt"
                        | "ru"
                        | "uk"
                        | "pl"
                        | "cs"
                        | "da"
                        | "fi"
                        | "nb"
                        | "no"
                        | "sv"
                        | "tr"
                        | "el"
                        | "hu"
                        | "ro"
                        | "id"
                        | "vi"
                )
            })
            .unwrap_or(false);
        if comma_locale && delimiter != b',' {
            Self::Comma
        } else {
            Self::Point
        }
    }
}

/// Parses a number or money amount. Currency symbols and codes, spaces,
/// thousands separators and accounting parentheses are accepted.
pub fn parse_decimal(s: &str, sep: DecimalSeparator) -> Option<Decimal> {
    let s = s.trim();
    // Fast path: plain ASCII numbers, the overwhelming majority.
    if !s.is_empty()
        && s.len() <= 30
        && s.bytes().all(|b| {
            b.is_ascii_digit() || b == b'-' || (b == b'.' && sep == DecimalSeparator::Point)
        })
    {
        if let Ok(d) = Decimal::from_str(s) {
            return Some(d);
        }
    }
    if let Some(d) = parse_scientific(s) {
        return Some(d);
    }
    parse_slow(s, sep)
}

/// `9.490217167802856E-4`, as exports that print raw floats write small
/// values. Only plain ASCII mantissa and exponent; the exponent is bounded
/// so the value stays representable.
fn parse_scientific(s: &str) -> Option<Decimal> {
    let (mantissa, exponent) = s.split_once(['e', 'E'])?;
    let plain = |t: &str, allow_dot: bool| {
        let t = t.strip_prefix(['-', '+']).unwrap_or(t);
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_digit() || (allow_dot && b == b'.'))
    };
    if s.len() > 40 || !plain(mantissa, true) || !plain(exponent, false) {
        return None;
    }
    let exp: i32 = exponent.parse().ok()?;
    if !(-28..=28).contains(&exp) {
        return None;
    }
    Decimal::from_scientific(s).ok()
}

fn parse_slow(s: &str, sep: DecimalSeparator) -> Option<Decimal> {
    let mut negative = false;
    let mut body = s;
    if let Some(inner) = body.strip_prefix('(').and_then(|b| b.strip_suffix(')')) {
        negative = true;
        body = inner;
    }
    // Keep digits, separators and signs; drop currency symbols, codes and
    // spaces (including the non-breaking ones some locales use).
    let mut digits = String::with_capacity(body.len());
    let mut seen_digit = false;
    let mut closed = false; // a trailing minus ("8.00-") ends the number
    for c in body.chars() {
        match c {
            '0'..='9' | '.' | ',' | '\'' if closed => return None,
            '0'..='9' => {
                seen_digit = true;
                digits.push(c);
            }
            '.' | ',' | '\'' => digits.push(c),
            '-' | '\u{2212}' if !seen_digit => negative = !negative,
            '-' | '\u{2212}' if !closed => {
                negative = !negative;
                closed = true;
            }
            '+' if !seen_digit => {}
            '$' | '€' | '£' | '¥' | '₹' | '₩' | '₺' | '₴' | '₽' | '¢' | ' ' | '\u{a0}'
            | '\u{202f}' => {}
            c if c.is_ascii_alphabetic() && !seen_digit => {} // USD 8.00, EUR, CHF
            c if c.is_alphabetic() && seen_digit => closed = true, // 8.00 EUR, 8,50 zł
            _ => return None,
        }
    }
    if !seen_digit {
        return None;
    }
    let last_point = digits.rfind('.');
    let last_comma = digits.rfind(',');
    let decimal = match (last_point, last_comma) {
        (Some(p), Some(c)) => Some(if p > c { '.' } else { ',' }),
        (Some(_), None) => lone_separator(&digits, '.', sep == DecimalSeparator::Point),
        (None, Some(_)) => lone_separator(&digits, ',', sep == DecimalSeparator::Comma),
        (None, None) => None,
    };
    let (int_part, frac_part) = match decimal.and_then(|d| digits.rfind(d)) {
        Some(pos) => (&digits[..pos], &digits[pos + 1..]),
        None => (digits.as_str(), ""),
    };
    if !frac_part.bytes().all(|b| b.is_ascii_digit()) || !well_grouped(int_part) {
        return None;
    }
    let mut clean = String::with_capacity(digits.len() + 1);
    if negative {
        clean.push('-');
    }
    clean.extend(int_part.chars().filter(char::is_ascii_digit));
    if !frac_part.is_empty() {
        clean.push('.');
        clean.push_str(frac_part);
    }
    Decimal::from_str(&clean).ok()
}

/// Thousands groups after the first must have exactly three digits, so
/// `1.2.3` is rejected rather than read as 123.
fn well_grouped(int_part: &str) -> bool {
    let mut groups = int_part.split(['.', ',', '\'']);
    let first_ok = groups
        .next()
        .is_some_and(|g| g.len() <= 3 || !int_part.contains(['.', ',', '\'']));
    first_ok && groups.all(|g| g.len() == 3)
}

/// Decides whether the only separator kind present is a decimal separator.
fn lone_separator(digits: &str, c: char, is_file_decimal: bool) -> Option<char> {
    let count = digits.matches(c).count();
    if count > 1 {
        return None; // 1.234.567: thousands
    }
    if is_file_decimal {
        return Some(c);
    }
    let (before, after) = digits.split_once(c)?;
    let grouped = after.len() == 3 && !before.is_empty() && before.len() <= 3 && before != "0";
    if grouped {
        None
    } else {
        Some(c)
    }
}

/// Reads a yes/no flag leniently (`1`, `true`, `yes`, `y`, `x`, `t`, `✓`).
pub fn parse_flag(s: &str) -> bool {
    let s = s.trim();
    [
        "1", "true", "yes", "y", "x", "t", "✓", "ja", "si", "sí", "oui", "promo",
    ]
    .iter()
    .any(|t| s.eq_ignore_ascii_case(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<String> {
        parse_decimal(s, DecimalSeparator::Point).map(|d| d.to_string())
    }
    fn c(s: &str) -> Option<String> {
        parse_decimal(s, DecimalSeparator::Comma).map(|d| d.to_string())
    }

    #[test]
    fn parses_scientific_notation() {
        let p = DecimalSeparator::Point;
        assert_eq!(
            parse_decimal("9.490217167802856E-4", p),
            Decimal::from_str("0.0009490217167802856").ok()
        );
        assert_eq!(parse_decimal("1.5e3", p), Decimal::from_str("1500").ok());
        assert_eq!(parse_decimal("1e999", p), None);
    }

    #[test]
    fn parses_money_shapes() {
        assert_eq!(p("8.00").as_deref(), Some("8.00"));
        assert_eq!(p("$8.00").as_deref(), Some("8.00"));
        assert_eq!(p("-$8.00").as_deref(), Some("-8.00"));
        assert_eq!(p("$-8.00").as_deref(), Some("-8.00"));
        assert_eq!(p("($8.00)").as_deref(), Some("-8.00"));
        assert_eq!(p("$1,234.50").as_deref(), Some("1234.50"));
        assert_eq!(p("1,234").as_deref(), Some("1234"));
        assert_eq!(p("1,5").as_deref(), Some("1.5"));
        assert_eq!(p("£ 3.20").as_deref(), Some("3.20"));
        assert_eq!(p("USD 3.20").as_deref(), Some("3.20"));
        assert_eq!(c("8,50").as_deref(), Some("8.50"));
        assert_eq!(c("8,50 €").as_deref(), Some("8.50"));
        assert_eq!(c("1.234,56").as_deref(), Some("1234.56"));
        assert_eq!(c("1 234,56").as_deref(), Some("1234.56"));
        assert_eq!(c("1.234").as_deref(), Some("1234"));
        assert_eq!(c("8.5").as_deref(), Some("8.5"));
        assert_eq!(p("148.828353112183").as_deref(), Some("148.828353112183"));
        assert_eq!(p(""), None);
        assert_eq!(p("abc"), None);
        assert_eq!(p("1.2.3x"), None);
        assert_eq!(p("=1+1"), None);
    }

    #[test]
    fn infers_separator() {
        assert_eq!(DecimalSeparator::infer(b';', None), DecimalSeparator::Comma);
        assert_eq!(
            DecimalSeparator::infer(b',', Some("de-DE")),
            DecimalSeparator::Point
        );
        assert_eq!(
            DecimalSeparator::infer(b'\t', Some("de-DE")),
            DecimalSeparator::Comma
        );
        assert_eq!(
            DecimalSeparator::infer(b'\t', Some("en-US")),
            DecimalSeparator::Point
        );
    }
}
