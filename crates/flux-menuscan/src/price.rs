//! Prices as menus print them: `12.50`, `12,50 €`, `€12`, `$12`, `12.-`,
//! `12`, and as OCR misreads them (`12.5O`, a currency sign read apart).

use rust_decimal::Decimal;

/// Currency signs and codes a price may carry before or after the number.
const CURRENCY: [&str; 12] = [
    "€", "$", "£", "¥", "₹", "eur", "usd", "gbp", "chf", "fr.", "mxn", "s/",
];

/// A token that is only a currency sign or code.
pub fn is_currency(token: &str) -> bool {
    let t = token.trim().to_lowercase();
    CURRENCY.contains(&t.as_str())
}

/// Characters menus use as dot leaders between a name and its price.
pub fn is_leader_char(c: char) -> bool {
    matches!(c, '.' | '…' | '·' | '_' | '•' | '‥' | '-' | '–' | '—' | '⋯')
}

/// How a price was written, which decides how sure the parser is that a
/// number is a price and not part of a name ("Pizza 4 Stagioni").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Decimals, a currency, or `12.-`: unmistakably money.
    Marked,
    /// A bare whole number such as `12`.
    Bare,
}

/// Parses one token as a price; `None` when it is not one. Leader dots
/// stuck to the front (`.....12.50`) are ignored.
pub fn parse(token: &str) -> Option<(Decimal, Style)> {
    let mut t = token
        .trim()
        .trim_start_matches(is_leader_char)
        .trim()
        .to_lowercase();
    let mut marked = false;
    for c in CURRENCY {
        if let Some(rest) = t.strip_prefix(c) {
            t = rest.trim().to_string();
            marked = true;
            break;
        }
    }
    for c in CURRENCY {
        if let Some(rest) = t.strip_suffix(c) {
            t = rest.trim().to_string();
            marked = true;
            break;
        }
    }
    // `12.-` and `12,–`: whole amounts in the Swiss and German style.
    for dash in [".-", ",-", ".–", ",–", ".—", ",—"] {
        if let Some(rest) = t.strip_suffix(dash) {
            t = rest.to_string();
            marked = true;
            break;
        }
    }
    if t.is_empty() || t.len() > 9 {
        return None;
    }
    let digits = t.chars().filter(char::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    // OCR reads a zero as the letter O now and then; only inside something
    // that is already mostly digits.
    if digits >= 2 {
        t = t.replace(['o', 'O'], "0");
    }
    let (int, frac) = match t.find(['.', ',']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t.as_str(), None),
    };
    if int.is_empty() || int.len() > 4 || !int.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let value: Decimal = match frac {
        Some(f) if (1..=2).contains(&f.len()) && f.chars().all(|c| c.is_ascii_digit()) => {
            marked = true;
            format!("{int}.{f}").parse().ok()?
        }
        Some(_) => return None,
        None => int.parse().ok()?,
    };
    if value <= Decimal::ZERO {
        return None;
    }
    Some((value, if marked { Style::Marked } else { Style::Bare }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(t: &str) -> Option<String> {
        parse(t).map(|(v, _)| v.normalize().to_string())
    }

    #[test]
    fn every_printed_style_is_read() {
        for (token, want) in [
            ("12.50", "12.5"),
            ("12,50", "12.5"),
            ("12,50€", "12.5"),
            ("€12", "12"),
            ("$12", "12"),
            ("$ 9.95", "9.95"),
            ("12.-", "12"),
            ("12,-", "12"),
            ("12", "12"),
            ("........14.00", "14"),
            ("12.5O", "12.5"),
            ("EUR12", "12"),
            ("9.5", "9.5"),
        ] {
            assert_eq!(price(token).as_deref(), Some(want), "{token}");
        }
    }

    #[test]
    fn words_and_odd_numbers_are_not_prices() {
        for token in [
            "Salad", "12.505", "1/2", "0", "12345", "€", "", "4x", "12:30",
        ] {
            assert_eq!(price(token), None, "{token}");
        }
    }

    #[test]
    fn bare_numbers_are_told_apart() {
        assert_eq!(parse("12").map(|p| p.1), Some(Style::Bare));
        assert_eq!(parse("12.00").map(|p| p.1), Some(Style::Marked));
        assert_eq!(parse("€12").map(|p| p.1), Some(Style::Marked));
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_parsed_without_panicking(s in "\\PC{0,20}") {
            let _ = parse(&s);
        }

        #[test]
        fn printed_cents_round_trip(cents in 1u32..99_999) {
            let printed = format!("{}.{:02}", cents / 100, cents % 100);
            let want = Decimal::new(i64::from(cents), 2);
            proptest::prop_assert_eq!(parse(&printed).map(|p| p.0), Some(want));
            let comma = printed.replace('.', ",") + " €";
            proptest::prop_assert_eq!(parse(comma.trim_end_matches(" €")).map(|p| p.0), Some(want));
        }
    }
}
