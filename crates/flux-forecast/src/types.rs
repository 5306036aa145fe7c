//! Input types: what a restaurant's sales history and a forecast request
//! look like.
//!
//! Newtypes (`Horizon`, `PromoShare`, `Country`, `ModelKind`) can only hold
//! valid values, so code past the constructors never re-checks them. Series
//! are validated as a whole by [`Restaurant::validate`] because their rules
//! span fields (flags must line up with quantities).

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;
use std::time::Instant;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{ForecastError, Result};

/// Number of days to forecast, 1..=90.
///
/// The upper bound exists because the models have no yearly seasonality or
/// trend: past three months their intervals mean little.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Horizon(u32);

impl Horizon {
    /// Longest supported horizon in days.
    pub const MAX: u32 = 90;

    /// Accepts 1..=90 days.
    pub fn new(days: u32) -> Result<Self> {
        if (1..=Self::MAX).contains(&days) {
            Ok(Self(days))
        } else {
            Err(ForecastError::InvalidHorizon(days))
        }
    }

    /// The number of days.
    pub fn days(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Horizon {
    type Error = ForecastError;
    fn try_from(v: u32) -> Result<Self> {
        Self::new(v)
    }
}

impl From<Horizon> for u32 {
    fn from(h: Horizon) -> u32 {
        h.0
    }
}

/// Share of a day's sales that ran under a promotion, 0..=1.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
#[serde(try_from = "f32", into = "f32")]
pub struct PromoShare(f32);

impl PromoShare {
    /// No promotion.
    pub const NONE: Self = Self(0.0);
    /// Promotion all day.
    pub const FULL: Self = Self(1.0);

    /// Accepts finite values in 0..=1.
    pub fn new(share: f32) -> Result<Self> {
        if share.is_finite() && (0.0..=1.0).contains(&share) {
            Ok(Self(share))
        } else {
            Err(ForecastError::InvalidPromoShare(f64::from(share)))
        }
    }

    /// The share as a number in 0..=1.
    pub fn get(self) -> f32 {
        self.0
    }
}

impl TryFrom<f32> for PromoShare {
    type Error = ForecastError;
    fn try_from(v: f32) -> Result<Self> {
        Self::new(v)
    }
}

impl From<PromoShare> for f32 {
    fn from(p: PromoShare) -> f32 {
        p.0
    }
}

/// Countries with built-in public holidays (national ones only; regional
/// holidays belong in the restaurant's own calendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Country {
    /// Spain.
    Es,
    /// United Kingdom (England and Wales bank holidays).
    Gb,
    /// United States (federal holidays).
    Us,
    /// France.
    Fr,
    /// Germany (nationwide holidays).
    De,
}

impl Country {
    /// ISO 3166-1 alpha-2 code.
    pub fn code(self) -> &'static str {
        match self {
            Country::Es => "ES",
            Country::Gb => "GB",
            Country::Us => "US",
            Country::Fr => "FR",
            Country::De => "DE",
        }
    }
}

impl FromStr for Country {
    type Err = ForecastError;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_uppercase().as_str() {
            "ES" => Ok(Country::Es),
            "GB" | "UK" => Ok(Country::Gb),
            "US" => Ok(Country::Us),
            "FR" => Ok(Country::Fr),
            "DE" => Ok(Country::De),
            _ => Err(ForecastError::UnknownCountry(s.to_owned())),
        }
    }
}

impl TryFrom<String> for Country {
    type Error = ForecastError;
    fn try_from(s: String) -> Result<Self> {
        s.parse()
    }
}

impl From<Country> for String {
    fn from(c: Country) -> String {
        c.code().to_owned()
    }
}

/// The forecasting models, selectable by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ModelKind {
    /// Same weekday last week, with empirical error quantiles.
    SeasonalNaive,
    /// The original specification, kept as the comparison baseline.
    Seed,
    /// The recommended model.
    Production,
}

impl ModelKind {
    /// All models, baseline first.
    pub const ALL: [ModelKind; 3] = [
        ModelKind::SeasonalNaive,
        ModelKind::Seed,
        ModelKind::Production,
    ];

    /// The name used in requests and reports.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::SeasonalNaive => "seasonal-naive",
            ModelKind::Seed => "seed",
            ModelKind::Production => "production",
        }
    }
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ModelKind {
    type Err = ForecastError;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "seasonal-naive" => Ok(ModelKind::SeasonalNaive),
            "seed" => Ok(ModelKind::Seed),
            "production" => Ok(ModelKind::Production),
            _ => Err(ForecastError::UnknownModel(s.to_owned())),
        }
    }
}

impl TryFrom<String> for ModelKind {
    type Error = ForecastError;
    fn try_from(s: String) -> Result<Self> {
        s.parse()
    }
}

impl From<ModelKind> for String {
    fn from(m: ModelKind) -> String {
        m.name().to_owned()
    }
}

// Serialised through `String`, so the schema is a string of the names.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ModelKind {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .description(Some("The forecasting model, by name."))
            .enum_values(Some(ModelKind::ALL.map(ModelKind::name)))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ModelKind {}

/// What happened on one day besides the quantity.
///
/// Eight bytes so a year of flags for a million series stays in memory.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct DayFlags {
    /// The restaurant was closed: the day says nothing about demand.
    #[serde(default)]
    pub closed: bool,
    /// A restaurant-wide data gap: demand is unknown, not zero.
    #[serde(default)]
    pub missing: bool,
    /// Share of the day under a promotion for this item.
    #[serde(default)]
    pub promo: PromoShare,
    /// The item ran out (sold out, marked unavailable): the quantity sold
    /// is a lower bound on the day's demand, not a measurement of it.
    #[serde(default)]
    pub stockout: bool,
}

impl DayFlags {
    /// An open day with data and no promotion.
    pub const OPEN: Self = Self {
        closed: false,
        missing: false,
        promo: PromoShare::NONE,
        stockout: false,
    };
    /// A closed day.
    pub const CLOSED: Self = Self {
        closed: true,
        missing: false,
        promo: PromoShare::NONE,
        stockout: false,
    };
    /// A day without data.
    pub const MISSING: Self = Self {
        closed: false,
        missing: true,
        promo: PromoShare::NONE,
        stockout: false,
    };

    /// Whether the day's quantity can be used to learn demand.
    pub fn usable(self) -> bool {
        !self.closed && !self.missing
    }
}

/// Daily sales of one menu item.
///
/// `quantities[i]` is the quantity sold on `start + i` days. `flags` is
/// either empty (every day open, no promotion) or has one entry per day:
/// keeping flags optional saves memory for the common case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemSeries {
    /// Item name, unique within the restaurant.
    pub item: String,
    /// Menu category used to pool information between items.
    #[serde(default)]
    pub category: Option<String>,
    /// Date of `quantities[0]`.
    pub start: NaiveDate,
    /// Daily quantities, finite and >= 0 (may be fractional, e.g. kilograms).
    pub quantities: Vec<f64>,
    /// Per-day flags: empty, or exactly one per quantity.
    #[serde(default)]
    pub flags: Vec<DayFlags>,
}

impl ItemSeries {
    /// A series with every day open.
    pub fn new(
        item: impl Into<String>,
        category: Option<String>,
        start: NaiveDate,
        quantities: Vec<f64>,
    ) -> Self {
        Self {
            item: item.into(),
            category,
            start,
            quantities,
            flags: Vec::new(),
        }
    }

    /// Flags of day `i` (defaults when flags are omitted).
    #[inline]
    pub fn flag(&self, i: usize) -> DayFlags {
        self.flags.get(i).copied().unwrap_or(DayFlags::OPEN)
    }

    /// Date of day `i`.
    pub fn date(&self, i: usize) -> Option<NaiveDate> {
        self.start.checked_add_days(Days::new(i as u64))
    }

    fn validate(&self) -> Result<()> {
        if self.quantities.is_empty() {
            return Err(ForecastError::EmptySeries(self.item.clone()));
        }
        if !self.flags.is_empty() && self.flags.len() != self.quantities.len() {
            return Err(ForecastError::FlagsLengthMismatch {
                item: self.item.clone(),
                flags: self.flags.len(),
                days: self.quantities.len(),
            });
        }
        if let Some((day, &value)) = self
            .quantities
            .iter()
            .enumerate()
            .find(|(_, q)| !(q.is_finite() && **q >= 0.0))
        {
            return Err(ForecastError::InvalidQuantity {
                item: self.item.clone(),
                day,
                value,
            });
        }
        Ok(())
    }
}

/// A day the restaurant marks as special (an event, a local festival, a
/// regional holiday). Days sharing a label share an estimated effect.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SpecialDay {
    /// The date.
    pub date: NaiveDate,
    /// Optional label such as "Valentine's Day".
    #[serde(default)]
    pub label: Option<String>,
}

/// One day's weather where the restaurant is: observed for past days,
/// forecast for coming ones. Either measure may be unknown.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WeatherDay {
    /// The (local) day.
    pub date: NaiveDate,
    /// Mean air temperature over the day, degrees Celsius.
    #[serde(default)]
    pub temperature_c: Option<f32>,
    /// Total precipitation (rain, snow as water), millimetres.
    #[serde(default)]
    pub precipitation_mm: Option<f32>,
}

/// Everything known about one restaurant's past.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Restaurant {
    /// One series per menu item.
    pub series: Vec<ItemSeries>,
    /// The restaurant's own calendar of special days, past and future.
    #[serde(default)]
    pub special_days: Vec<SpecialDay>,
    /// Country whose national public holidays apply.
    #[serde(default)]
    pub country: Option<Country>,
    /// Daily weather, past and forecast; days without an entry have no
    /// weather effect.
    #[serde(default)]
    pub weather: Vec<WeatherDay>,
}

impl Restaurant {
    /// Checks every series: non-empty, finite non-negative quantities,
    /// flags lined up, unique item names.
    pub fn validate(&self) -> Result<()> {
        if self.series.is_empty() {
            return Err(ForecastError::NoSeries);
        }
        let mut names = HashSet::with_capacity(self.series.len());
        for s in &self.series {
            s.validate()?;
            if !names.insert(s.item.as_str()) {
                return Err(ForecastError::DuplicateItem(s.item.clone()));
            }
        }
        Ok(())
    }
}

/// A promotion planned for a future day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedPromo {
    /// The day.
    pub date: NaiveDate,
    /// The item on promotion; `None` means every item.
    #[serde(default)]
    pub item: Option<String>,
    /// Share of the day under promotion.
    pub share: PromoShare,
}

/// What to forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastRequest {
    /// First forecast day; only history strictly before it is used.
    pub as_of: NaiveDate,
    /// Number of days to forecast from `as_of`.
    pub horizon: Horizon,
    /// Days in the horizon when the restaurant will be closed.
    #[serde(default)]
    pub closed_days: Vec<NaiveDate>,
    /// Planned promotions in the horizon.
    #[serde(default)]
    pub promotions: Vec<PlannedPromo>,
    /// Which model to run.
    pub model: ModelKind,
    /// When the caller stops waiting: a run still going at that instant
    /// fails with [`ForecastError::TimeBudgetExceeded`] instead of holding
    /// its threads for as long as the input makes it take. `None` means no
    /// limit. Not serialised: an `Instant` means nothing outside the
    /// process that took it.
    #[serde(skip)]
    pub deadline: Option<Instant>,
}

impl ForecastRequest {
    /// A request with no planned closures or promotions and no deadline.
    pub fn new(as_of: NaiveDate, horizon: Horizon, model: ModelKind) -> Self {
        Self {
            as_of,
            horizon,
            closed_days: Vec::new(),
            promotions: Vec::new(),
            model,
            deadline: None,
        }
    }

    /// The same request with a deadline (see [`ForecastRequest::deadline`]).
    pub fn with_deadline(mut self, deadline: Instant) -> Self {
        self.deadline = Some(deadline);
        self
    }
}
