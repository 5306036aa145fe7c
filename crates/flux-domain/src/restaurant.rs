//! A restaurant's profile: name, timezone, currency and locale. The timezone
//! decides what "today" and "a business day" mean for every sale and
//! forecast, so it must be a real IANA zone, not a free-form string.

use std::str::FromStr;

use chrono_tz::Tz;

use crate::validation::{clean_text, Errors};
use crate::Invalid;

/// Validated restaurant profile fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub name: String,
    pub timezone: Tz,
    pub currency: String,
    pub locale: String,
}

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
pub fn parse_currency(raw: &str) -> Result<String, Invalid> {
    let code = raw.trim().to_ascii_uppercase();
    iso_currency::Currency::from_code(&code)
        .map(|c| c.code().to_string())
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

/// A BCP 47 tag of the common `language[-REGION]` form (`es`, `en-GB`):
/// enough to pick date order and number formatting, which is all Flux uses.
pub fn parse_locale(raw: &str) -> Result<String, Invalid> {
    let raw = raw.trim().replace('_', "-");
    let mut parts = raw.split('-');
    let lang = parts.next().unwrap_or_default();
    let region = parts.next();
    let ok = (2..=3).contains(&lang.len())
        && lang.chars().all(|c| c.is_ascii_alphabetic())
        && region.is_none_or(|r| r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic()))
        && parts.next().is_none();
    if !ok {
        return Err(Invalid::one(
            "locale",
            "invalid_locale",
            format!("{:?} is not a locale such as \"en-GB\"", truncate(&raw)),
        ));
    }
    Ok(match region {
        Some(r) => format!("{}-{}", lang.to_ascii_lowercase(), r.to_ascii_uppercase()),
        None => lang.to_ascii_lowercase(),
    })
}

impl Profile {
    /// Validates a new restaurant; missing optional fields get defaults that
    /// suit the seed's first customers (Spain).
    pub fn parse(
        name: &str,
        timezone: Option<&str>,
        currency: Option<&str>,
        locale: Option<&str>,
    ) -> Result<Self, Invalid> {
        let mut errs = Errors::default();
        let name = errs.check(parse_name(name));
        let timezone = errs.check(parse_timezone(timezone.unwrap_or("Europe/Madrid")));
        let currency = errs.check(parse_currency(currency.unwrap_or("EUR")));
        let locale = errs.check(parse_locale(locale.unwrap_or("es-ES")));
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

    /// Applies a patch, validating every field present.
    pub fn apply(&self, patch: &ProfilePatch) -> Result<Self, Invalid> {
        Self::parse(
            patch.name.as_deref().unwrap_or(&self.name),
            Some(patch.timezone.as_deref().unwrap_or(self.timezone.name())),
            Some(patch.currency.as_deref().unwrap_or(&self.currency)),
            Some(patch.locale.as_deref().unwrap_or(&self.locale)),
        )
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
    fn reports_every_bad_field() {
        let err = Profile::parse("", Some("Mars/Olympus"), Some("EURO"), Some("english!"))
            .expect_err("invalid");
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "timezone", "currency", "locale"]);
    }
}
