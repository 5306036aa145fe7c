//! Typed restaurant settings.
//!
//! Settings are stored as key/value rows so new ones need no migration, but
//! every key has a type, a range and a default here; unknown keys and bad
//! values are rejected with a field error instead of being stored and
//! silently ignored.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::validation::{Errors, FieldError};
use crate::Invalid;

/// Countries whose public holidays the forecaster knows.
pub const HOLIDAY_COUNTRIES: [&str; 5] = ["ES", "GB", "US", "FR", "DE"];

/// All settings of one restaurant, with defaults for the ones never set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    /// Include ingredient waste factors in COGS.
    pub waste_factor_enabled: bool,
    /// Forecasts below this confidence are flagged in the dashboard.
    pub forecast_confidence_threshold: f64,
    /// Sales before this local hour count for the previous business day.
    pub day_cutoff_hour: u8,
    /// Probability of not running out that orders and prep aim for.
    pub service_level: f64,
    /// Days ahead the nightly forecast covers.
    pub forecast_horizon_days: u16,
    /// Public-holiday calendar used by the forecaster (ISO 3166 alpha-2).
    pub holiday_country: Option<String>,
    /// Days the audit log keeps its entries (30 days to 10 years).
    pub audit_retention_days: u16,
    /// Where the restaurant is (WGS84 degrees), for its weather; both or
    /// neither are needed.
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            waste_factor_enabled: true,
            forecast_confidence_threshold: 0.7,
            day_cutoff_hour: 4,
            service_level: 0.9,
            forecast_horizon_days: 14,
            holiday_country: None,
            audit_retention_days: 365,
            latitude: None,
            longitude: None,
        }
    }
}

impl Settings {
    /// Builds settings from stored rows. Rows with keys this version does not
    /// know (written by a newer release) are skipped, not fatal.
    pub fn from_stored<'a>(rows: impl IntoIterator<Item = (&'a str, &'a Value)>) -> Self {
        let mut s = Settings::default();
        for (key, value) in rows {
            let _ = s.set(key, value);
        }
        s
    }

    /// Applies a partial update given as a JSON object. All or nothing: on
    /// any error nothing is applied and every bad key is reported.
    pub fn apply_patch(&self, patch: &Map<String, Value>) -> Result<Settings, Invalid> {
        let mut next = self.clone();
        let mut errs = Errors::default();
        for (key, value) in patch {
            if let Err(e) = next.set(key, value) {
                errs.push(e);
            }
        }
        errs.finish()?;
        Ok(next)
    }

    /// Key/value pairs for storage.
    pub fn to_pairs(&self) -> Vec<(&'static str, Value)> {
        vec![
            (
                "waste_factor_enabled",
                Value::from(self.waste_factor_enabled),
            ),
            (
                "forecast_confidence_threshold",
                Value::from(self.forecast_confidence_threshold),
            ),
            ("day_cutoff_hour", Value::from(self.day_cutoff_hour)),
            ("service_level", Value::from(self.service_level)),
            (
                "forecast_horizon_days",
                Value::from(self.forecast_horizon_days),
            ),
            (
                "holiday_country",
                self.holiday_country
                    .clone()
                    .map_or(Value::Null, Value::from),
            ),
            (
                "audit_retention_days",
                Value::from(self.audit_retention_days),
            ),
            ("latitude", self.latitude.map_or(Value::Null, Value::from)),
            ("longitude", self.longitude.map_or(Value::Null, Value::from)),
        ]
    }

    fn set(&mut self, key: &str, value: &Value) -> Result<(), FieldError> {
        match key {
            "waste_factor_enabled" => self.waste_factor_enabled = boolean(key, value)?,
            "forecast_confidence_threshold" => {
                self.forecast_confidence_threshold = number_in(key, value, 0.0, 1.0)?
            }
            "day_cutoff_hour" => self.day_cutoff_hour = integer_in(key, value, 0, 12)? as u8,
            "service_level" => self.service_level = number_in(key, value, 0.5, 0.999)?,
            "forecast_horizon_days" => {
                self.forecast_horizon_days = integer_in(key, value, 1, 90)? as u16
            }
            "holiday_country" => self.holiday_country = country(key, value)?,
            "audit_retention_days" => {
                self.audit_retention_days = integer_in(key, value, 30, 3650)? as u16
            }
            "latitude" => self.latitude = optional_number_in(key, value, -90.0, 90.0)?,
            "longitude" => self.longitude = optional_number_in(key, value, -180.0, 180.0)?,
            _ => {
                return Err(FieldError::new(
                    truncate_key(key),
                    "unknown_setting",
                    format!("unknown setting; known settings: {}", KNOWN.join(", ")),
                ))
            }
        }
        Ok(())
    }
}

const KNOWN: [&str; 9] = [
    "waste_factor_enabled",
    "forecast_confidence_threshold",
    "day_cutoff_hour",
    "service_level",
    "forecast_horizon_days",
    "holiday_country",
    "audit_retention_days",
    "latitude",
    "longitude",
];

fn truncate_key(key: &str) -> String {
    key.chars().take(64).collect()
}

fn boolean(key: &str, v: &Value) -> Result<bool, FieldError> {
    v.as_bool()
        .ok_or_else(|| FieldError::new(key, "invalid_type", "must be true or false"))
}

fn number_in(key: &str, v: &Value, lo: f64, hi: f64) -> Result<f64, FieldError> {
    let n = v
        .as_f64()
        .ok_or_else(|| FieldError::new(key, "invalid_type", "must be a number"))?;
    if !(lo..=hi).contains(&n) {
        return Err(FieldError::new(
            key,
            "out_of_range",
            format!("must be between {lo} and {hi}"),
        ));
    }
    Ok(n)
}

fn optional_number_in(key: &str, v: &Value, lo: f64, hi: f64) -> Result<Option<f64>, FieldError> {
    match v {
        Value::Null => Ok(None),
        v => number_in(key, v, lo, hi).map(Some),
    }
}

fn integer_in(key: &str, v: &Value, lo: i64, hi: i64) -> Result<i64, FieldError> {
    let n = v
        .as_i64()
        .ok_or_else(|| FieldError::new(key, "invalid_type", "must be a whole number"))?;
    if !(lo..=hi).contains(&n) {
        return Err(FieldError::new(
            key,
            "out_of_range",
            format!("must be between {lo} and {hi}"),
        ));
    }
    Ok(n)
}

fn country(key: &str, v: &Value) -> Result<Option<String>, FieldError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => {
            let up = s.trim().to_ascii_uppercase();
            if HOLIDAY_COUNTRIES.contains(&up.as_str()) {
                Ok(Some(up))
            } else {
                Err(FieldError::new(
                    key,
                    "out_of_range",
                    format!("must be one of {} or null", HOLIDAY_COUNTRIES.join(", ")),
                ))
            }
        }
        _ => Err(FieldError::new(
            key,
            "invalid_type",
            "must be a string or null",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn applies_valid_patch_and_keeps_the_rest() {
        let s = Settings::default()
            .apply_patch(&obj(
                json!({"waste_factor_enabled": false, "holiday_country": "gb"}),
            ))
            .expect("valid");
        assert!(!s.waste_factor_enabled);
        assert_eq!(s.holiday_country.as_deref(), Some("GB"));
        assert_eq!(s.day_cutoff_hour, 4);
    }

    #[test]
    fn rejects_unknown_keys_and_bad_values_all_at_once() {
        let err = Settings::default()
            .apply_patch(&obj(json!({
                "colour": "red",
                "forecast_confidence_threshold": 1.5,
                "waste_factor_enabled": "yes"
            })))
            .expect_err("invalid");
        let mut codes: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        codes.sort();
        assert_eq!(
            codes,
            [
                ("colour", "unknown_setting"),
                ("forecast_confidence_threshold", "out_of_range"),
                ("waste_factor_enabled", "invalid_type")
            ]
        );
    }

    #[test]
    fn stored_pairs_round_trip() {
        let s = Settings {
            service_level: 0.95,
            holiday_country: Some("ES".into()),
            latitude: Some(54.32),
            longitude: Some(10.13),
            ..Settings::default()
        };
        let pairs = s.to_pairs();
        let back = Settings::from_stored(pairs.iter().map(|(k, v)| (*k, v)));
        assert_eq!(back, s);
    }
}
