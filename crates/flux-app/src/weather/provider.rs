//! The weather provider adapter: Open-Meteo's forecast API (the last
//! weeks observed and the next 16 days forecast, in one call) and its
//! historical archive (for a restaurant's first two years), both free of
//! keys for non-commercial use and self-hostable. Base URLs come from
//! configuration, so a self-hosted instance, a commercial plan (with
//! `apikey`) or the tests' local fake server are all the same code.
//!
//! Daily values asked for: maximum and minimum temperature (their mean is
//! the day's temperature; both APIs have them for every model) and the
//! precipitation sum, in °C and mm, for days in the restaurant's time
//! zone.

use std::time::Duration;

use chrono::NaiveDate;
use flux_store::weather::Day;
use serde::Deserialize;

use super::file::{PRECIPITATION_RANGE, TEMPERATURE_RANGE};
use crate::{AppError, AppResult, Kind};

/// Days of forecast asked for: the API's longest.
pub const FORECAST_DAYS: u32 = 16;
/// Observed days asked for with each forecast: enough to cover the
/// archive's lag of about five days and a fortnight of missed runs.
pub const PAST_DAYS: u32 = 14;
/// A larger answer is not weather: two years of days are about 60 kB.
const MAX_RESPONSE_BYTES: usize = 2 << 20;
const TIMEOUT: Duration = Duration::from_secs(20);

/// Where the provider is.
#[derive(Debug, Clone)]
pub struct Provider {
    client: reqwest::Client,
    forecast_url: String,
    archive_url: String,
    api_key: Option<String>,
}

/// The public service's addresses.
pub const DEFAULT_FORECAST_URL: &str = "https://api.open-meteo.com";
pub const DEFAULT_ARCHIVE_URL: &str = "https://archive-api.open-meteo.com";

#[derive(Deserialize)]
struct Answer {
    daily: Option<Daily>,
}

#[derive(Deserialize)]
struct Daily {
    time: Vec<String>,
    #[serde(default)]
    temperature_2m_max: Vec<Option<f64>>,
    #[serde(default)]
    temperature_2m_min: Vec<Option<f64>>,
    #[serde(default)]
    precipitation_sum: Vec<Option<f64>>,
}

#[derive(Deserialize)]
struct Refusal {
    reason: Option<String>,
}

fn failed(detail: impl Into<String>) -> AppError {
    AppError::new(Kind::WeatherFailed, detail)
}

impl Provider {
    /// A provider at these base URLs (scheme and host, e.g.
    /// `https://api.open-meteo.com`).
    pub fn new(
        forecast_url: &str,
        archive_url: &str,
        api_key: Option<String>,
    ) -> Result<Self, String> {
        for u in [forecast_url, archive_url] {
            let parsed = reqwest::Url::parse(u).map_err(|e| format!("weather URL {u:?}: {e}"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(format!("weather URL {u:?} must be http or https"));
            }
        }
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .user_agent(concat!("flux/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            client,
            forecast_url: forecast_url.trim_end_matches('/').to_string(),
            archive_url: archive_url.trim_end_matches('/').to_string(),
            api_key: api_key.filter(|k| !k.is_empty()),
        })
    }

    /// The last [`PAST_DAYS`] observed and the next [`FORECAST_DAYS`].
    pub async fn recent(&self, lat: f64, lon: f64, timezone: &str) -> AppResult<Vec<Day>> {
        let url = format!("{}/v1/forecast", self.forecast_url);
        self.get(
            &url,
            lat,
            lon,
            timezone,
            &[
                ("past_days", PAST_DAYS.to_string()),
                ("forecast_days", FORECAST_DAYS.to_string()),
            ],
        )
        .await
    }

    /// Observed days from `from` to `to` (the archive lags about five days).
    pub async fn history(
        &self,
        lat: f64,
        lon: f64,
        timezone: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<Vec<Day>> {
        let url = format!("{}/v1/archive", self.archive_url);
        self.get(
            &url,
            lat,
            lon,
            timezone,
            &[
                ("start_date", from.to_string()),
                ("end_date", to.to_string()),
            ],
        )
        .await
    }

    async fn get(
        &self,
        url: &str,
        lat: f64,
        lon: f64,
        timezone: &str,
        extra: &[(&str, String)],
    ) -> AppResult<Vec<Day>> {
        let mut query: Vec<(&str, String)> = vec![
            ("latitude", format!("{lat:.4}")),
            ("longitude", format!("{lon:.4}")),
            (
                "daily",
                "temperature_2m_max,temperature_2m_min,precipitation_sum".into(),
            ),
            ("timezone", timezone.to_string()),
        ];
        query.extend(extra.iter().cloned());
        if let Some(k) = &self.api_key {
            query.push(("apikey", k.clone()));
        }
        let mut resp = self
            .client
            .get(url)
            .query(&query)
            .send()
            .await
            .map_err(|e| {
                failed(format!(
                    "the weather provider could not be reached: {}",
                    without_url(&e)
                ))
            })?;
        let status = resp.status();
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| {
            failed(format!(
                "the weather provider's answer broke off: {}",
                without_url(&e)
            ))
        })? {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(failed("the weather provider's answer is too large"));
            }
            body.extend_from_slice(&chunk);
        }
        if !status.is_success() {
            let reason = serde_json::from_slice::<Refusal>(&body)
                .ok()
                .and_then(|r| r.reason)
                .map(|r| r.chars().take(200).collect::<String>())
                .unwrap_or_else(|| status.to_string());
            return Err(failed(format!("the weather provider refused: {reason}")));
        }
        let answer: Answer = serde_json::from_slice(&body).map_err(|e| {
            failed(format!(
                "the weather provider's answer is not its JSON: {e}"
            ))
        })?;
        days(
            answer
                .daily
                .ok_or_else(|| failed("the weather provider sent no daily values"))?,
        )
    }
}

/// Errors name the host, not the query (which may carry the key).
fn without_url(e: &reqwest::Error) -> String {
    let mut e = e.to_string();
    if let Some(i) = e.find(" for url") {
        e.truncate(i);
    }
    e
}

/// The provider's columns as days; values outside what a station can
/// record are dropped, not stored.
fn days(d: Daily) -> AppResult<Vec<Day>> {
    let n = d.time.len();
    let fits = |v: &Vec<Option<f64>>| v.is_empty() || v.len() == n;
    if !(fits(&d.temperature_2m_max) && fits(&d.temperature_2m_min) && fits(&d.precipitation_sum)) {
        return Err(failed(
            "the weather provider's daily columns have different lengths",
        ));
    }
    let at = |v: &Vec<Option<f64>>, i: usize| v.get(i).copied().flatten().map(|x| x as f32);
    let mut out = Vec::with_capacity(n);
    for (i, t) in d.time.iter().enumerate() {
        let date = NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map_err(|_| failed(format!("the weather provider sent a day {t:?}")))?;
        let temperature = match (at(&d.temperature_2m_max, i), at(&d.temperature_2m_min, i)) {
            (Some(a), Some(b)) => Some((a + b) / 2.0),
            _ => None,
        }
        .filter(|t| (TEMPERATURE_RANGE.0..=TEMPERATURE_RANGE.1).contains(t));
        let precipitation = at(&d.precipitation_sum, i)
            .filter(|p| (PRECIPITATION_RANGE.0..=PRECIPITATION_RANGE.1).contains(p));
        if temperature.is_some() || precipitation.is_some() {
            out.push(Day {
                date,
                temperature_c: temperature,
                precipitation_mm: precipitation,
            });
        }
    }
    Ok(out)
}
