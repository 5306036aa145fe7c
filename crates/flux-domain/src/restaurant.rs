//! A restaurant's profile: name, timezone, currency and locale. The timezone
//! decides what "today" and "a business day" mean for every sale and
//! forecast, so it must be a real IANA zone, not a free-form string. It
//! also stands in for the restaurant's country: a locale or currency left
//! out defaults to that country's (see [`regional`]).

pub mod regional;

use std::str::FromStr;

use chrono_tz::Tz;

use crate::validation::{clean_text, Errors};
use crate::Invalid;

/// Validated restaurant profile fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub name: String,
    pub timezone: Tz,
    pub currency: Currency,
    pub locale: Locale,
}

/// A stored value that is not what its column must hold: the database and
/// the code disagree, which is an error to report, never to paper over
/// (an unreadable timezone read as UTC would shift every business day).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stored {what} {value:?} is not valid")]
pub struct InvalidStored {
    pub what: &'static str,
    pub value: String,
}

/// A restaurant's IANA timezone, parsed once where it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timezone(Tz);

impl Timezone {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        parse_timezone(raw).map(Timezone)
    }
    pub fn tz(self) -> Tz {
        self.0
    }
    pub fn name(self) -> &'static str {
        self.0.name()
    }
    /// Today's date in this timezone.
    pub fn today(self) -> chrono::NaiveDate {
        chrono::Utc::now().with_timezone(&self.0).date_naive()
    }
}

impl From<Tz> for Timezone {
    fn from(tz: Tz) -> Self {
        Timezone(tz)
    }
}

impl TryFrom<String> for Timezone {
    type Error = InvalidStored;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Tz::from_str(&s).map(Timezone).map_err(|_| InvalidStored {
            what: "timezone",
            value: truncate(&s),
        })
    }
}

impl std::fmt::Display for Timezone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.name())
    }
}

/// A code validated by `$parse` and kept in its normal form; reading a
/// stored one that does not parse is an [`InvalidStored`] error.
macro_rules! validated_code {
    ($(#[$doc:meta])* $name:ident, $what:literal, $parse:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, Invalid> {
                $parse(raw)
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidStored;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $parse(&s).map_err(|_| InvalidStored {
                    what: $what,
                    value: truncate(&s),
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

validated_code!(
    /// An ISO 4217 currency code, upper-case.
    Currency,
    "currency",
    parse_currency
);
validated_code!(
    /// A BCP 47 `language[-REGION]` tag, normalised (`en-GB`).
    Locale,
    "locale",
    parse_locale
);

/// Optional fields of an update; `None` keeps the stored value.
#[derive(Debug, Clone, Default)]
pub struct ProfilePatch {
    pub name: Option<String>,
    pub timezone: Option<String>,
    pub currency: Option<String>,
    pub locale: Option<String>,
}

pub fn parse_name(raw: &str) -> Result<String, Invalid> {
    clean_text("name", raw, 200)
}

pub fn parse_timezone(raw: &str) -> Result<Tz, Invalid> {
    Tz::from_str(raw.trim()).map_err(|_| {
        Invalid::one(
            "timezone",
            "invalid_timezone",
            format!(
                "{:?} is not an IANA timezone such as \"Europe/Madrid\"",
                truncate(raw)
            ),
        )
    })
}

/// An ISO 4217 code, upper-cased.
pub fn parse_currency(raw: &str) -> Result<Currency, Invalid> {
    let code = raw.trim().to_ascii_uppercase();
    iso_currency::Currency::from_code(&code)
        .map(|c| Currency(c.code().to_string()))
        .ok_or_else(|| {
            Invalid::one(
                "currency",
                "invalid_currency",
                format!(
                    "{:?} is not an ISO 4217 currency code such as \"EUR\"",
                    truncate(raw)
                ),
            )
        })
}

/// A BCP 47 tag of the common `language[-REGION]` form (`es`, `en-GB`,
/// `en-001`): enough to pick date order and number formatting, which is
/// all Flux uses. The region is an ISO 3166 country or a UN M.49 area.
pub fn parse_locale(raw: &str) -> Result<Locale, Invalid> {
    let raw = raw.trim().replace('_', "-");
    let mut parts = raw.split('-');
    let lang = parts.next().unwrap_or_default();
    let region = parts.next();
    let ok = (2..=3).contains(&lang.len())
        && lang.chars().all(|c| c.is_ascii_alphabetic())
        && region.is_none_or(|r| {
            (r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic()))
                || (r.len() == 3 && r.chars().all(|c| c.is_ascii_digit()))
        })
        && parts.next().is_none();
    if !ok {
        return Err(Invalid::one(
            "locale",
            "invalid_locale",
            format!("{:?} is not a locale such as \"en-GB\"", truncate(&raw)),
        ));
    }
    Ok(Locale(match region {
        Some(r) => format!("{}-{}", lang.to_ascii_lowercase(), r.to_ascii_uppercase()),
        None => lang.to_ascii_lowercase(),
    }))
}

/// Timezone of a restaurant created without one.
pub const DEFAULT_TIMEZONE: &str = "Europe/Madrid";

/// An optional text field: absent or blank both mean "not given".
fn given(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|s| !s.is_empty())
}

impl Profile {
    /// Validates a new restaurant. A timezone left out is
    /// [`DEFAULT_TIMEZONE`]; a currency or locale left out (or blank)
    /// follows the timezone's country ([`regional::defaults_for`]), so a
    /// restaurant in `America/New_York` gets `en-US` and `USD`.
    pub fn parse(
        name: &str,
        timezone: Option<&str>,
        currency: Option<&str>,
        locale: Option<&str>,
    ) -> Result<Self, Invalid> {
        let mut errs = Errors::default();
        let name = errs.check(parse_name(name));
        let timezone = errs.check(parse_timezone(given(timezone).unwrap_or(DEFAULT_TIMEZONE)));
        let currency = given(currency).map(|c| errs.check(parse_currency(c)));
        let locale = given(locale).map(|l| errs.check(parse_locale(l)));
        errs.finish()?;
        let Some(timezone) = timezone else {
            return Err(Invalid::one(
                "timezone",
                "invalid_timezone",
                "invalid timezone",
            ));
        };
        let defaults = regional::defaults_for(timezone);
        let currency = currency.flatten().unwrap_or(defaults.currency);
        let locale = locale.flatten().unwrap_or(defaults.locale);
        match name {
            Some(name) => Ok(Self {
                name,
                timezone,
                currency,
                locale,
            }),
            None => Err(Invalid::one("restaurant", "invalid", "invalid restaurant")),
        }
    }

    /// Applies a patch, validating every field present. Unlike
    /// [`Profile::parse`], a blank field is an error, not a default: a
    /// stored value is only replaced by one the owner typed.
    pub fn apply(&self, patch: &ProfilePatch) -> Result<Self, Invalid> {
        let mut errs = Errors::default();
        let name = errs.check(parse_name(patch.name.as_deref().unwrap_or(&self.name)));
        let timezone = match &patch.timezone {
            Some(tz) => errs.check(parse_timezone(tz)),
            None => Some(self.timezone),
        };
        let currency = match &patch.currency {
            Some(c) => errs.check(parse_currency(c)),
            None => Some(self.currency.clone()),
        };
        let locale = match &patch.locale {
            Some(l) => errs.check(parse_locale(l)),
            None => Some(self.locale.clone()),
        };
        errs.finish()?;
        match (name, timezone, currency, locale) {
            (Some(name), Some(timezone), Some(currency), Some(locale)) => Ok(Self {
                name,
                timezone,
                currency,
                locale,
            }),
            _ => Err(Invalid::one("restaurant", "invalid", "invalid restaurant")),
        }
    }
}

/// Echoing hostile input back in an error must not echo a megabyte of it.
pub(crate) fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_normalisation() {
        let p = Profile::parse(" La Boqueria ", None, Some("eur"), Some("en_gb")).expect("valid");
        assert_eq!(p.name, "La Boqueria");
        assert_eq!(p.timezone, chrono_tz::Europe::Madrid);
        assert_eq!(p.currency, "EUR");
        assert_eq!(p.locale, "en-GB");
    }

    #[test]
    fn locale_and_currency_follow_the_timezone_when_not_given() {
        let p = Profile::parse("Deli", Some("America/New_York"), None, None).expect("valid");
        assert_eq!((p.locale.as_str(), p.currency.as_str()), ("en-US", "USD"));
        let p = Profile::parse("Deli", Some("Asia/Tokyo"), Some(" "), Some("")).expect("valid");
        assert_eq!((p.locale.as_str(), p.currency.as_str()), ("ja-JP", "JPY"));
        // What the owner gives wins over the timezone.
        let p = Profile::parse("Deli", Some("America/New_York"), Some("eur"), Some("es_us"))
            .expect("valid");
        assert_eq!((p.locale.as_str(), p.currency.as_str()), ("es-US", "EUR"));
        let p = Profile::parse("Deli", None, None, None).expect("valid");
        assert_eq!(p.timezone, chrono_tz::Europe::Madrid);
        assert_eq!((p.locale.as_str(), p.currency.as_str()), ("es-ES", "EUR"));
        let p = Profile::parse("Deli", Some("UTC"), None, None).expect("valid");
        assert_eq!(
            (p.locale.as_str(), p.currency.as_str()),
            (regional::NEUTRAL_LOCALE, regional::NEUTRAL_CURRENCY)
        );
    }

    #[test]
    fn a_bad_timezone_is_reported_with_the_other_fields_not_defaulted() {
        let err = Profile::parse("Deli", Some("Mars/Olympus"), None, Some("english!"))
            .expect_err("invalid");
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["timezone", "locale"]);
    }

    #[test]
    fn a_patch_keeps_blank_fields_an_error() {
        let p = Profile::parse("Deli", Some("Europe/London"), None, None).expect("valid");
        let err = p
            .apply(&ProfilePatch {
                currency: Some(" ".into()),
                ..ProfilePatch::default()
            })
            .expect_err("blank currency");
        assert_eq!(err.0[0].field, "currency");
        let moved = p
            .apply(&ProfilePatch {
                timezone: Some("Europe/Berlin".into()),
                ..ProfilePatch::default()
            })
            .expect("valid");
        // Moving the clock does not silently change money or formats.
        assert_eq!(
            (moved.locale.as_str(), moved.currency.as_str()),
            ("en-GB", "GBP")
        );
    }

    #[test]
    fn locales_may_name_a_un_m49_area() {
        assert_eq!(
            parse_locale("en-001").map(|l| l.to_string()),
            Ok("en-001".into())
        );
        assert!(parse_locale("en-01").is_err());
        assert!(parse_locale("en-0a1").is_err());
    }

    #[test]
    fn stored_values_that_do_not_parse_are_errors_not_defaults() {
        assert!(Timezone::try_from("Mars/Olympus".to_string()).is_err());
        assert_eq!(
            Timezone::try_from("America/New_York".to_string()).map(|t| t.name()),
            Ok("America/New_York")
        );
        assert!(Currency::try_from("EURO".to_string()).is_err());
        assert!(Locale::try_from("english!".to_string()).is_err());
    }

    #[test]
    fn reports_every_bad_field() {
        let err = Profile::parse("", Some("Mars/Olympus"), Some("EURO"), Some("english!"))
            .expect_err("invalid");
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "timezone", "currency", "locale"]);
    }
}

/// Local hour at which every restaurant is re-forecast each night: after
/// the day's last sales, before the morning's ordering and prep.
pub const NIGHTLY_FORECAST_HOUR: u32 = 2;

/// The next instant strictly after `now` at which the local clock in `tz`
/// shows `hour`:00 — e.g. the nightly forecast at 02:00 local time. On a
/// day when that hour does not exist (DST gap) the first instant after the
/// gap is used; when it exists twice, the first.
pub fn next_local_hour(
    tz: Tz,
    now: chrono::DateTime<chrono::Utc>,
    hour: u32,
) -> chrono::DateTime<chrono::Utc> {
    use chrono::{Duration, TimeZone};
    let local_today = now.with_timezone(&tz).date_naive();
    for offset in 0..3 {
        let day = local_today + Duration::days(offset);
        let Some(naive) = day.and_hms_opt(hour, 0, 0) else {
            continue;
        };
        let candidate = match tz.from_local_datetime(&naive) {
            chrono::LocalResult::Single(t) => t,
            chrono::LocalResult::Ambiguous(first, _) => first,
            chrono::LocalResult::None => {
                match tz.from_local_datetime(&(naive + Duration::hours(1))) {
                    chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t,
                    chrono::LocalResult::None => continue,
                }
            }
        }
        .with_timezone(&chrono::Utc);
        if candidate > now {
            return candidate;
        }
    }
    now + Duration::days(1)
}

#[cfg(test)]
mod schedule_tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn next_two_am_follows_the_restaurants_clock() {
        let madrid = chrono_tz::Europe::Madrid;
        // 2026-01-10 01:00 UTC is 02:00 in Madrid (UTC+1): strictly after, so next day.
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 1, 10, 1, 0, 0)
            .single()
            .expect("time");
        assert_eq!(
            next_local_hour(madrid, now, 2),
            chrono::Utc
                .with_ymd_and_hms(2026, 1, 11, 1, 0, 0)
                .single()
                .expect("t")
        );
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 1, 10, 0, 30, 0)
            .single()
            .expect("time");
        assert_eq!(
            next_local_hour(madrid, now, 2),
            chrono::Utc
                .with_ymd_and_hms(2026, 1, 10, 1, 0, 0)
                .single()
                .expect("t")
        );
        // 2026-03-29: Madrid skips 02:00-03:00; the job runs at 03:00 local = 01:00 UTC.
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 3, 28, 12, 0, 0)
            .single()
            .expect("time");
        assert_eq!(
            next_local_hour(madrid, now, 2),
            chrono::Utc
                .with_ymd_and_hms(2026, 3, 29, 1, 0, 0)
                .single()
                .expect("t")
        );
    }
}
