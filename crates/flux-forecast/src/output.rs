//! Output types: per item and day, the forecast distribution summary and
//! why it is what it is.
//!
//! The human-readable explanation text is derived from the structured
//! components when serialising (and by `Display`), not stored, so a batch
//! of millions of forecast days does not hold millions of strings.

use std::fmt;

use chrono::{NaiveDate, Weekday};
use serde::{Deserialize, Serialize, Serializer};

use crate::types::ModelKind;

/// How much of an item's own history the forecast rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ColdStartTier {
    /// Fewer than 5 usable days: the category (or restaurant) prior.
    CategoryPrior,
    /// 5 to 29 usable days: prior and item data blended.
    Blend,
    /// 30 or more usable days: the item's own history.
    ItemHistory,
}

impl ColdStartTier {
    /// Tier for a count of usable (open, non-missing) history days.
    pub fn from_usable_days(n: usize) -> Self {
        match n {
            0..=4 => ColdStartTier::CategoryPrior,
            5..=29 => ColdStartTier::Blend,
            _ => ColdStartTier::ItemHistory,
        }
    }
}

/// How a day's temperature compares with the four weeks before it. The
/// level already follows the seasons, so what moves demand beyond it is a
/// day warmer or colder than the recent ones (see `docs/forecasting.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum TemperatureBand {
    /// At least 3 °C below the mean of the 28 days before.
    Cold,
    /// At least 3 °C above it.
    Warm,
}

impl TemperatureBand {
    /// The word used in explanations.
    pub fn word(self) -> &'static str {
        match self {
            TemperatureBand::Cold => "cold",
            TemperatureBand::Warm => "warm",
        }
    }
}

/// The parts a day's forecast is made of.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Explanation {
    /// Model that produced the forecast.
    pub model: ModelKind,
    /// Weekday of the forecast day.
    pub weekday: Weekday,
    /// Multiplier of this weekday relative to an average day.
    pub weekday_multiplier: f32,
    /// Deseasonalised recent demand level per day.
    pub recent_level: f32,
    /// Multiplier for a public holiday, when the day is one.
    #[serde(default)]
    pub holiday_effect: Option<f32>,
    /// Multiplier for a restaurant special day, when the day is one.
    #[serde(default)]
    pub special_day_effect: Option<f32>,
    /// Multiplier for a planned promotion, when there is one.
    #[serde(default)]
    pub promo_effect: Option<f32>,
    /// Multiplier for rain, when the day is forecast wet (against a dry
    /// day, which the recent level then means).
    #[serde(default)]
    pub rain_effect: Option<f32>,
    /// Whether the day is forecast warmer or colder than the weeks before.
    #[serde(default)]
    pub temperature_band: Option<TemperatureBand>,
    /// Multiplier for that temperature, when the band is set.
    #[serde(default)]
    pub temperature_effect: Option<f32>,
    /// Multiplier for the season: how demand moved over the same weeks of
    /// earlier years, when it moved by at least 1 %.
    #[serde(default)]
    pub season_effect: Option<f32>,
    /// The restaurant is closed: the forecast is exactly zero.
    #[serde(default)]
    pub closed: bool,
    /// How much item history stands behind the forecast.
    pub cold_start: ColdStartTier,
}

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn write_effect(f: &mut fmt::Formatter<'_>, what: &str, m: Option<f32>) -> fmt::Result {
    match m {
        Some(m) => write!(f, ", {what} {:+.0}%", (m - 1.0) * 100.0),
        None => Ok(()),
    }
}

impl fmt::Display for Explanation {
    /// E.g. "Friday 1.4x, recent level 18/day, holiday +20%".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.closed {
            return write!(f, "{}: closed", weekday_name(self.weekday));
        }
        write!(
            f,
            "{} {:.1}x, recent level ",
            weekday_name(self.weekday),
            self.weekday_multiplier
        )?;
        // Whole units read better for busy items, decimals matter for slow ones.
        if self.recent_level >= 10.0 {
            write!(f, "{:.0}/day", self.recent_level)?;
        } else {
            write!(f, "{:.1}/day", self.recent_level)?;
        }
        write_effect(f, "holiday", self.holiday_effect)?;
        write_effect(f, "special day", self.special_day_effect)?;
        write_effect(f, "promo", self.promo_effect)?;
        write_effect(f, "rain", self.rain_effect)?;
        if let Some(band) = self.temperature_band {
            write_effect(f, band.word(), self.temperature_effect)?;
        }
        write_effect(f, "season", self.season_effect)?;
        match self.cold_start {
            ColdStartTier::CategoryPrior => f.write_str(", new item: category prior"),
            ColdStartTier::Blend => f.write_str(", short history: blended with category"),
            ColdStartTier::ItemHistory => Ok(()),
        }
    }
}

// What an `Explanation` serialises as: the fields the derive would give,
// plus the rendered text, so readers of the JSON need not re-implement
// `Display`. Its doc comment is the schema's description.
/// Why a day's forecast is what it is: its parts and the sentence they make.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
struct ExplanationJson {
    /// Model that produced the forecast.
    model: ModelKind,
    /// Weekday of the forecast day, as chrono writes it.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "Fri"))]
    weekday: Weekday,
    /// Multiplier of this weekday relative to an average day.
    weekday_multiplier: f32,
    /// Deseasonalised recent demand level per day.
    recent_level: f32,
    /// Multiplier for a public holiday, when the day is one.
    holiday_effect: Option<f32>,
    /// Multiplier for a restaurant special day, when the day is one.
    special_day_effect: Option<f32>,
    /// Multiplier for a planned promotion, when there is one.
    promo_effect: Option<f32>,
    /// Multiplier for rain, when the day is forecast wet.
    rain_effect: Option<f32>,
    /// Whether the day is forecast warmer or colder than the weeks before.
    temperature_band: Option<TemperatureBand>,
    /// Multiplier for that temperature, when the band is set.
    temperature_effect: Option<f32>,
    /// Multiplier for the season (the same weeks of earlier years).
    season_effect: Option<f32>,
    /// The restaurant is closed: the forecast is exactly zero.
    closed: bool,
    /// How much item history stands behind the forecast.
    cold_start: ColdStartTier,
    /// E.g. "Friday 1.4x, recent level 18/day, holiday +20%".
    text: String,
}

impl Serialize for Explanation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ExplanationJson {
            model: self.model,
            weekday: self.weekday,
            weekday_multiplier: self.weekday_multiplier,
            recent_level: self.recent_level,
            holiday_effect: self.holiday_effect,
            special_day_effect: self.special_day_effect,
            promo_effect: self.promo_effect,
            rain_effect: self.rain_effect,
            temperature_band: self.temperature_band,
            temperature_effect: self.temperature_effect,
            season_effect: self.season_effect,
            closed: self.closed,
            cold_start: self.cold_start,
            text: self.to_string(),
        }
        .serialize(s)
    }
}

// The schema is the serialised shape's, under the public type's name.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Explanation {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <ExplanationJson as utoipa::PartialSchema>::schema()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Explanation {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Explanation")
    }

    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        <ExplanationJson as utoipa::ToSchema>::schemas(schemas);
    }
}

/// Forecast of one item on one day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DayForecast {
    /// The day.
    pub date: NaiveDate,
    /// Expected demand.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile (stock-out protection).
    pub p99: f64,
    /// 0..1: how much to trust this forecast (more data and less noise
    /// give more confidence).
    pub confidence: f32,
    /// Why the numbers are what they are.
    pub explanation: Explanation,
}

/// Forecast of one item over the horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemForecast {
    /// Item name as given in the input.
    pub item: String,
    /// Category as given in the input.
    pub category: Option<String>,
    /// One entry per horizon day, in date order.
    pub days: Vec<DayForecast>,
}
