//! Item names: display form, matching key, quantity prefixes and
//! spreadsheet-formula safety.
//!
//! The same dish arrives as `Flat White`, ` flat  white ` and `FLAT WHITE`
//! across exports; forecasting must see one item, while people still want
//! the name as the restaurant wrote it. So a line keeps a cleaned display
//! name and [`normalize_item_name`] gives the matching key.

use std::borrow::Cow;

use rust_decimal::Decimal;

/// Matching key for an item name: trimmed, internal whitespace collapsed to
/// one space, control characters removed, lower-cased (Unicode-aware; this
/// is `to_lowercase`, close to but not full Unicode case folding).
pub fn normalize_item_name(name: &str) -> String {
    display_item_name(name).0.to_lowercase()
}

/// Display form: trimmed, whitespace runs collapsed, control characters
/// (including NUL, which PostgreSQL text cannot hold) removed. The flag is
/// true when control characters were removed.
pub fn display_item_name(name: &str) -> (Cow<'_, str>, bool) {
    let clean = {
        let t = name.trim();
        !t.contains("  ")
            && t.chars()
                .all(|c| c == ' ' || !(c.is_whitespace() || c.is_control()))
    };
    if clean {
        return (Cow::Borrowed(name.trim()), false);
    }
    let mut out = String::with_capacity(name.len());
    let mut removed = false;
    let mut pending_space = false;
    for c in name.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if c.is_control() || c == '\u{feff}' {
            removed = true;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    (Cow::Owned(out), removed)
}

/// Splits a leading count off an item name: `2x Coffee` → (2, `Coffee`).
/// Accepts `2x`, `2 x`, `2X` and `2×`; the count is 1–4 digits.
pub fn split_quantity_prefix(name: &str) -> Option<(Decimal, &str)> {
    let t = name.trim_start();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    let after = t[digits..].trim_start();
    let rest = after
        .strip_prefix(['x', 'X', '×'])
        .filter(|r| r.starts_with(char::is_whitespace))?
        .trim();
    if rest.is_empty() {
        return None;
    }
    let n: u32 = t[..digits].parse().ok()?;
    Some((Decimal::from(n), rest))
}

/// True when a spreadsheet would run the value as a formula
/// (`=cmd|'/c calc'!A1`, `+1+1`, `@SUM(..)`, `-2+3`). Such values are kept
/// as data but must be escaped wherever they are exported or displayed.
pub fn looks_like_formula(s: &str) -> bool {
    let s = s.trim_start();
    match s.chars().next() {
        Some('=' | '+' | '@' | '\t' | '\r') => true,
        Some('-') => {
            s.len() > 1
                && !s[1..]
                    .trim_start()
                    .starts_with(|c: char| c.is_ascii_digit())
        }
        _ => false,
    }
}

/// A form safe to put in a spreadsheet cell or a log line: control
/// characters become `\u{..}` escapes and formula-like text gets a leading
/// apostrophe, the convention spreadsheets honour for "this is text".
pub fn sanitize_for_display(s: &str) -> Cow<'_, str> {
    let formula = looks_like_formula(s);
    if !formula && !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 1);
    if formula {
        out.push('\'');
    }
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_for_matching() {
        assert_eq!(normalize_item_name("  Flat   White "), "flat white");
        assert_eq!(normalize_item_name("CRÈME\tBRÛLÉE"), "crème brûlée");
        assert_eq!(display_item_name(" Latte\0 ").0, "Latte");
        assert!(display_item_name("La\0tte").1);
    }

    #[test]
    fn quantity_prefix() {
        assert_eq!(
            split_quantity_prefix("2x Coffee"),
            Some((Decimal::from(2), "Coffee"))
        );
        assert_eq!(
            split_quantity_prefix("12 X  Bagel"),
            Some((Decimal::from(12), "Bagel"))
        );
        assert_eq!(
            split_quantity_prefix("3× Tea"),
            Some((Decimal::from(3), "Tea"))
        );
        assert_eq!(split_quantity_prefix("7Up"), None);
        assert_eq!(split_quantity_prefix("2xl Shirt"), None);
        assert_eq!(split_quantity_prefix("2x"), None);
    }

    #[test]
    fn formulas_are_flagged_and_escaped() {
        assert!(looks_like_formula("=cmd|' /C calc'!A0"));
        assert!(looks_like_formula("@SUM(A1)"));
        assert!(!looks_like_formula("-5"));
        assert!(!looks_like_formula("Espresso"));
        assert_eq!(sanitize_for_display("=1+1"), "'=1+1");
        assert_eq!(sanitize_for_display("a\u{7}"), "a\\u{7}");
    }
}
