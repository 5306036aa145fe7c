//! Numbers, money and dates the way the restaurant's locale writes them.
//!
//! Deliberately small: Flux's customers are in Spain, Britain, the US,
//! France and Germany, so the rules for `es`, `en`, `de` and `fr` (with
//! `en-US` month-first dates) cover them; other languages fall back to
//! English conventions. The interface text itself stays English.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    En,
    Es,
    De,
    Fr,
}

/// Formatting rules for one restaurant.
#[derive(Debug, Clone)]
pub struct Fmt {
    lang: Lang,
    /// `en-US`: month before day.
    us: bool,
    currency: String,
}

const MONTHS: [[&str; 12]; 4] = [
    [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
    [
        "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
    ],
    [
        "Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.",
        "Dez.",
    ],
    [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ],
];

const WEEKDAYS: [[&str; 7]; 4] = [
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"],
    ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
    ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
];

impl Fmt {
    pub fn new(locale: &str, currency: &str) -> Self {
        let lower = locale.to_ascii_lowercase();
        let lang = match lower.split(['-', '_']).next().unwrap_or_default() {
            "es" => Lang::Es,
            "de" => Lang::De,
            "fr" => Lang::Fr,
            _ => Lang::En,
        };
        Self {
            lang,
            us: lower == "en-us" || lower == "en",
            currency: currency.to_ascii_uppercase(),
        }
    }

    fn idx(&self) -> usize {
        match self.lang {
            Lang::En => 0,
            Lang::Es => 1,
            Lang::De => 2,
            Lang::Fr => 3,
        }
    }

    fn separators(&self) -> (&'static str, char) {
        match self.lang {
            Lang::En => (",", '.'),
            Lang::Es | Lang::De => (".", ','),
            // French groups with a narrow no-break space.
            Lang::Fr => ("\u{202f}", ','),
        }
    }

    /// `value` rounded to `decimals` places, with grouping.
    pub fn num(&self, value: f64, decimals: usize) -> String {
        if !value.is_finite() {
            return "–".into();
        }
        let text = format!("{:.*}", decimals, value.abs());
        let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
        let (group, decimal) = self.separators();
        // Spanish does not group four-digit numbers (1000, but 10.000).
        let grouped = if self.lang == Lang::Es && int.len() <= 4 {
            int.to_string()
        } else {
            group_digits(int, group)
        };
        let negative = value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0');
        let mut out = String::new();
        if negative {
            out.push('−');
        }
        out.push_str(&grouped);
        if !frac.is_empty() {
            out.push(decimal);
            out.push_str(frac);
        }
        out
    }

    pub fn int(&self, value: i64) -> String {
        self.num(value as f64, 0)
    }

    /// A share (0.72) as a percentage: "72%" in English, "72 %" elsewhere.
    pub fn percent(&self, share: f64, decimals: usize) -> String {
        let n = self.num(share * 100.0, decimals);
        match self.lang {
            Lang::En => format!("{n}%"),
            // Continental style separates the sign with a no-break space
            // (narrow in French), so it never wraps away from the number.
            Lang::Fr => format!("{n}\u{202f}%"),
            Lang::Es | Lang::De => format!("{n}\u{a0}%"),
        }
    }

    /// A quantity: whole numbers without decimals, others with up to two.
    pub fn qty(&self, value: Decimal) -> String {
        let v = value.round_dp(2);
        if v.fract().is_zero() {
            self.num(v.to_f64().unwrap_or_default(), 0)
        } else {
            self.num(v.to_f64().unwrap_or_default(), 2)
        }
    }

    fn symbol(&self) -> Option<&'static str> {
        Some(match self.currency.as_str() {
            "EUR" => "€",
            "USD" => "$",
            "GBP" => "£",
            "CHF" => "CHF",
            _ => return None,
        })
    }

    /// An amount of money in the restaurant's currency.
    pub fn money(&self, value: Decimal) -> String {
        self.money_f64(value.to_f64().unwrap_or_default())
    }

    pub fn money_f64(&self, value: f64) -> String {
        let n = self.num(value, 2);
        match (self.lang, self.symbol()) {
            (Lang::En, Some(s)) if s.len() <= 3 && !s.chars().all(|c| c.is_ascii_alphabetic()) => {
                match n.strip_prefix('−') {
                    Some(abs) => format!("−{s}{abs}"),
                    None => format!("{s}{n}"),
                }
            }
            (_, Some(s)) => format!("{n}\u{a0}{s}"),
            (_, None) => format!("{n}\u{a0}{}", self.currency),
        }
    }

    /// A compact money amount for chart axes (€1.2k).
    pub fn compact(&self, value: f64) -> String {
        let abs = value.abs();
        if abs >= 1_000_000.0 {
            format!("{}M", self.num(value / 1_000_000.0, 1))
        } else if abs >= 10_000.0 {
            format!("{}k", self.num(value / 1000.0, 0))
        } else if abs >= 1000.0 {
            format!("{}k", self.num(value / 1000.0, 1))
        } else if abs.fract() == 0.0 {
            self.num(value, 0)
        } else {
            self.num(value, 1)
        }
    }

    /// A date with a short month name: "5 Mar 2024", "Mar 5, 2024" (US).
    pub fn date(&self, d: NaiveDate) -> String {
        let m = MONTHS[self.idx()][d.month0() as usize];
        match self.lang {
            Lang::En if self.us => format!("{m} {}, {}", d.day(), d.year()),
            Lang::De => format!("{}. {m} {}", d.day(), d.year()),
            _ => format!("{} {m} {}", d.day(), d.year()),
        }
    }

    /// Day and month only, for chart axes.
    pub fn date_short(&self, d: NaiveDate) -> String {
        let m = MONTHS[self.idx()][d.month0() as usize];
        match self.lang {
            Lang::En if self.us => format!("{m} {}", d.day()),
            Lang::De => format!("{}. {m}", d.day()),
            _ => format!("{} {m}", d.day()),
        }
    }

    /// A moment in the restaurant's timezone.
    pub fn datetime(&self, t: DateTime<Utc>, tz: flux_domain::restaurant::Timezone) -> String {
        let local = t.with_timezone(&tz.tz());
        let time = if self.lang == Lang::En && self.us {
            local.format("%-I:%M %p").to_string()
        } else {
            local.format("%H:%M").to_string()
        };
        format!("{} {time}", self.date(local.date_naive()))
    }

    /// Short weekday name; 0 = Monday.
    pub fn weekday(&self, day_from_monday: usize) -> &'static str {
        WEEKDAYS[self.idx()][day_from_monday % 7]
    }
}

/// English weekday names for labels and form fields; 0 = Monday.
pub const WEEKDAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn group_digits(int: &str, sep: &str) -> String {
    let digits: Vec<char> = int.chars().collect();
    let mut out = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push_str(sep);
        }
        out.push(*c);
    }
    out
}

/// Percent-encodes a query-string value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Parses a decimal typed by a person: "12.50", "12,50", "1.234,50".
pub fn parse_decimal(raw: &str) -> Option<Decimal> {
    let s: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '\u{a0}')
        .collect();
    if s.is_empty() {
        return None;
    }
    let normalised = match (s.rfind('.'), s.rfind(',')) {
        // Both present: the later one is the decimal separator.
        (Some(d), Some(c)) if c > d => s.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => s.replace(',', ""),
        (None, Some(_)) => s.replace(',', "."),
        _ => s,
    };
    normalised.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn numbers_follow_the_locale() {
        assert_eq!(Fmt::new("en-GB", "GBP").num(1234567.891, 2), "1,234,567.89");
        assert_eq!(Fmt::new("es-ES", "EUR").num(1234567.891, 2), "1.234.567,89");
        assert_eq!(Fmt::new("es-ES", "EUR").num(1234.0, 0), "1234");
        assert_eq!(Fmt::new("de-DE", "EUR").num(1234.5, 1), "1.234,5");
        assert_eq!(Fmt::new("fr-FR", "EUR").num(1234.5, 1), "1\u{202f}234,5");
        assert_eq!(Fmt::new("en", "USD").num(-3.0, 0), "−3");
        assert_eq!(Fmt::new("en", "USD").num(-0.001, 0), "0");
        assert_eq!(Fmt::new("en-GB", "GBP").percent(0.726, 0), "73%");
        assert_eq!(Fmt::new("es-ES", "EUR").percent(0.5, 1), "50,0\u{a0}%");
    }

    #[test]
    fn money_places_the_symbol_per_locale() {
        let v = Decimal::new(123450, 2);
        assert_eq!(Fmt::new("en-GB", "GBP").money(v), "£1,234.50");
        assert_eq!(Fmt::new("en-US", "USD").money(-v), "−$1,234.50");
        assert_eq!(Fmt::new("es-ES", "EUR").money(v), "1234,50\u{a0}€");
        assert_eq!(Fmt::new("de-DE", "EUR").money(v), "1.234,50\u{a0}€");
        assert_eq!(Fmt::new("en-GB", "JPY").money(v), "1,234.50\u{a0}JPY");
    }

    #[test]
    fn dates_follow_the_locale() {
        let day = d("2024-03-05");
        assert_eq!(Fmt::new("en-US", "USD").date(day), "Mar 5, 2024");
        assert_eq!(Fmt::new("en-GB", "GBP").date(day), "5 Mar 2024");
        assert_eq!(Fmt::new("es-ES", "EUR").date(day), "5 mar 2024");
        assert_eq!(Fmt::new("de-DE", "EUR").date(day), "5. März 2024");
        assert_eq!(Fmt::new("fr-FR", "EUR").date_short(day), "5 mars");
        assert_eq!(Fmt::new("de", "EUR").weekday(6), "So");
    }

    #[test]
    fn parses_decimals_as_people_type_them() {
        assert_eq!(parse_decimal("12.50"), Some(Decimal::new(1250, 2)));
        assert_eq!(parse_decimal("12,50"), Some(Decimal::new(1250, 2)));
        assert_eq!(parse_decimal("1.234,50"), Some(Decimal::new(123450, 2)));
        assert_eq!(parse_decimal("1,234.50"), Some(Decimal::new(123450, 2)));
        assert_eq!(parse_decimal("abc"), None);
        assert_eq!(parse_decimal(" "), None);
    }

    #[test]
    fn url_encoding_escapes_reserved_characters() {
        assert_eq!(url_encode("/app/r?x=1&y"), "/app/r%3Fx%3D1%26y");
    }
}
