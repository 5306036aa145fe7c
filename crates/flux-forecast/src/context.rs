//! The prepared view of one forecast job that every model reads: day
//! numbers instead of dates, a per-day calendar of special days, and the
//! planned closures and promotions of the horizon.
//!
//! Dates are turned into integer day numbers once, so the per-day loops of
//! the models index arrays instead of doing date arithmetic or hash
//! look-ups (they run hundreds of millions of times in a large batch).

use std::collections::HashMap;
use std::time::Instant;

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::calendar::public_holidays;
use crate::error::{ForecastError, Result};
use crate::types::{DayFlags, ForecastRequest, ItemSeries, Restaurant};

/// Days since the Common Era; 0001-01-01 (a Monday) is day 1.
pub(crate) fn day_num(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

/// Weekday index, Monday = 0.
#[inline]
pub(crate) fn dow(day: i32) -> usize {
    (day - 1).rem_euclid(7) as usize
}

/// Weekday of a Monday = 0 index.
pub(crate) fn weekday_of(d: usize) -> Weekday {
    match d % 7 {
        0 => Weekday::Mon,
        1 => Weekday::Tue,
        2 => Weekday::Wed,
        3 => Weekday::Thu,
        4 => Weekday::Fri,
        5 => Weekday::Sat,
        _ => Weekday::Sun,
    }
}

/// What kind of day the calendar says it is. Restaurant special days win
/// over public holidays: the restaurant knows its own calendar best.
///
/// Each non-normal day carries its effect class: one per public holiday
/// name (Christmas and a bank holiday need not share an effect) and one
/// per special-day label (unlabelled days share one). Classes are indices
/// into [`Calendar::groups`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DayKind {
    Normal,
    Holiday(u16),
    Special(u16),
}

impl DayKind {
    /// Index into per-class effect tables.
    pub(crate) fn class(self) -> Option<usize> {
        match self {
            DayKind::Normal => None,
            DayKind::Holiday(c) | DayKind::Special(c) => Some(usize::from(c)),
        }
    }
}

/// Which group an effect class belongs to; a class's effect is shrunk
/// toward its group's, and the group's toward no effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClassGroup {
    Holiday,
    Special,
}

/// The class of `key` within one group, creating it on first sight.
fn class_of<'k>(
    key: &'k str,
    group: ClassGroup,
    names: &mut HashMap<&'k str, u16>,
    groups: &mut Vec<ClassGroup>,
) -> u16 {
    let next = groups.len() as u16;
    let c = *names.entry(key).or_insert(next);
    if c == next {
        groups.push(group);
    }
    c
}

/// A restaurant's day kinds over a contiguous range of day numbers.
#[derive(Debug)]
pub(crate) struct Calendar {
    first: i32,
    kinds: Vec<DayKind>,
    /// Group of each effect class.
    pub groups: Vec<ClassGroup>,
}

impl Calendar {
    fn build(r: &Restaurant, first: i32, end: i32) -> Self {
        let len = (end - first).max(0) as usize;
        let mut kinds = vec![DayKind::Normal; len];
        let mut groups = Vec::new();
        let set = |d: NaiveDate, k: DayKind, kinds: &mut Vec<DayKind>| {
            let i = day_num(d) - first;
            if i >= 0 && (i as usize) < len {
                kinds[i as usize] = k;
            }
        };
        let mut holiday_names = HashMap::new();
        if let (Some(country), Some(a), Some(b)) = (
            r.country,
            NaiveDate::from_num_days_from_ce_opt(first),
            NaiveDate::from_num_days_from_ce_opt(end),
        ) {
            for year in a.year()..=b.year() {
                for h in public_holidays(country, year) {
                    let c = class_of(h.name, ClassGroup::Holiday, &mut holiday_names, &mut groups);
                    set(h.date, DayKind::Holiday(c), &mut kinds);
                }
            }
        }
        let mut labels = HashMap::new();
        for sd in &r.special_days {
            let label = sd.label.as_deref().unwrap_or("");
            let c = class_of(label, ClassGroup::Special, &mut labels, &mut groups);
            set(sd.date, DayKind::Special(c), &mut kinds);
        }
        Self {
            first,
            kinds,
            groups,
        }
    }

    /// Kind of day number `day` (normal outside the covered range).
    #[inline]
    pub(crate) fn kind(&self, day: i32) -> DayKind {
        let i = day - self.first;
        if i >= 0 {
            self.kinds
                .get(i as usize)
                .copied()
                .unwrap_or(DayKind::Normal)
        } else {
            DayKind::Normal
        }
    }
}

/// Weather classes: each day with weather is in at most one of dry / wet
/// and one of cold / mild / warm. The production model learns a
/// multiplier per class (see `models::production`).
pub(crate) const DRY: usize = 0;
pub(crate) const WET: usize = 1;
pub(crate) const COLD: usize = 2;
pub(crate) const MILD: usize = 3;
pub(crate) const WARM: usize = 4;
/// Number of weather classes.
pub(crate) const WEATHER_CLASSES: usize = 5;

/// A day with at least this much precipitation is wet: the usual
/// climatological threshold for a "rain day", below which the ground
/// hardly gets wet.
const WET_MM: f32 = 1.0;
/// A day this much warmer (colder) than the mean of the days before it
/// is warm (cold).
pub const BAND_DEGREES: f32 = 3.0;
/// Days whose mean temperature is the yardstick of the next one.
const TEMPERATURE_WINDOW: usize = 28;
/// The yardstick needs this many days with a temperature.
const TEMPERATURE_MIN_DAYS: u32 = 7;
/// No class.
const NONE: u8 = u8::MAX;

/// A restaurant's weather classes over a contiguous range of day numbers
/// (empty when the restaurant gave no weather, so it costs nothing then).
#[derive(Debug, Default)]
pub(crate) struct WeatherCal {
    first: i32,
    /// Per day: rain class, temperature class (or [`NONE`]).
    classes: Vec<[u8; 2]>,
}

impl WeatherCal {
    fn build(r: &Restaurant, first: i32, end: i32) -> Self {
        if r.weather.is_empty() {
            return Self::default();
        }
        let len = (end - first).max(0) as usize;
        let mut rain = vec![None; len];
        let mut temp: Vec<Option<f32>> = vec![None; len];
        for w in &r.weather {
            let i = day_num(w.date) - first;
            if i < 0 || i as usize >= len {
                continue;
            }
            let i = i as usize;
            rain[i] = w.precipitation_mm.filter(|p| p.is_finite() && *p >= 0.0);
            temp[i] = w.temperature_c.filter(|t| t.is_finite());
        }
        let mut classes = vec![[NONE; 2]; len];
        // Sliding sum of the temperatures of the TEMPERATURE_WINDOW days
        // before day i.
        let (mut sum, mut n) = (0.0f64, 0u32);
        for i in 0..len {
            if i >= TEMPERATURE_WINDOW {
                if let Some(t) = temp[i - TEMPERATURE_WINDOW] {
                    sum -= f64::from(t);
                    n -= 1;
                }
            }
            let c = &mut classes[i];
            if let Some(p) = rain[i] {
                c[0] = if p >= WET_MM { WET } else { DRY } as u8;
            }
            if let (Some(t), true) = (temp[i], n >= TEMPERATURE_MIN_DAYS) {
                let anomaly = f64::from(t) - sum / f64::from(n);
                c[1] = if anomaly >= f64::from(BAND_DEGREES) {
                    WARM
                } else if anomaly <= -f64::from(BAND_DEGREES) {
                    COLD
                } else {
                    MILD
                } as u8;
            }
            if let Some(t) = temp[i] {
                sum += f64::from(t);
                n += 1;
            }
        }
        Self { first, classes }
    }

    /// The weather classes of day number `day`, unknown ones `None`.
    #[inline]
    pub(crate) fn classes(&self, day: i32) -> [Option<usize>; 2] {
        let i = day - self.first;
        match (i >= 0).then(|| self.classes.get(i as usize)).flatten() {
            Some(c) => c.map(|x| (x != NONE).then_some(usize::from(x))),
            None => [None; 2],
        }
    }

    /// Whether any day has weather.
    pub(crate) fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }
}

/// One item's history strictly before the forecast origin.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ItemView<'a> {
    pub series: &'a ItemSeries,
    /// Day number of `quantities[0]`.
    pub first_day: i32,
    /// Number of leading entries that lie before the origin.
    pub len: usize,
}

impl<'a> ItemView<'a> {
    fn new(series: &'a ItemSeries, as_of: i32) -> Self {
        let first_day = day_num(series.start);
        let before = (as_of - first_day).max(0) as usize;
        Self {
            series,
            first_day,
            len: before.min(series.quantities.len()),
        }
    }

    #[inline]
    pub fn y(&self, i: usize) -> f64 {
        self.series.quantities[i]
    }

    #[inline]
    pub fn flag(&self, i: usize) -> DayFlags {
        self.series.flag(i)
    }

    /// Number of usable (open, non-missing) history days.
    pub fn usable_days(&self) -> usize {
        if self.series.flags.is_empty() {
            self.len
        } else {
            self.series.flags[..self.len]
                .iter()
                .filter(|f| f.usable())
                .count()
        }
    }
}

/// Everything a model needs for one restaurant and one request.
#[derive(Debug)]
pub(crate) struct Job<'a> {
    pub request: &'a ForecastRequest,
    pub as_of: i32,
    pub horizon: usize,
    pub calendar: Calendar,
    pub weather: WeatherCal,
    /// Per horizon day: planned closure.
    pub closed: Vec<bool>,
    pub items: Vec<ItemView<'a>>,
    /// Horizon dates.
    pub dates: Vec<NaiveDate>,
    /// Whether models compute quantiles. A hierarchy run turns it off for
    /// its base forecasts, whose means reconciliation moves anyway, and
    /// computes them once from the reconciled distributions.
    pub quantiles: bool,
}

impl<'a> Job<'a> {
    /// Validates the input and prepares the lookup tables.
    pub fn new(restaurant: &'a Restaurant, request: &'a ForecastRequest) -> Result<Self> {
        restaurant.validate()?;
        let as_of = day_num(request.as_of);
        let horizon = request.horizon.days() as usize;
        let first = restaurant
            .series
            .iter()
            .map(|s| day_num(s.start))
            .min()
            .unwrap_or(as_of)
            .min(as_of);
        let end = as_of + horizon as i32;
        let calendar = Calendar::build(restaurant, first, end);
        let weather = WeatherCal::build(restaurant, first, end);
        let dates = (0..horizon)
            .map(|h| {
                request
                    .as_of
                    .checked_add_days(Days::new(h as u64))
                    .ok_or(ForecastError::DateOutOfRange)
            })
            .collect::<Result<Vec<_>>>()?;
        let mut closed = vec![false; horizon];
        for d in &request.closed_days {
            let i = day_num(*d) - as_of;
            if i >= 0 && (i as usize) < horizon {
                closed[i as usize] = true;
            }
        }
        let items = restaurant
            .series
            .iter()
            .map(|s| ItemView::new(s, as_of))
            .collect();
        Ok(Self {
            request,
            as_of,
            horizon,
            calendar,
            weather,
            closed,
            items,
            dates,
            quantiles: true,
        })
    }

    /// Fails once the request's deadline has passed. Models call it
    /// between items: reading the clock costs tens of nanoseconds and one
    /// item's forecast microseconds, so throughput does not notice, and a
    /// run overshoots its deadline by about one item's work per thread.
    pub fn check_deadline(&self) -> Result<()> {
        match self.request.deadline {
            Some(deadline) if Instant::now() >= deadline => {
                Err(ForecastError::TimeBudgetExceeded {
                    items: self.items.len(),
                })
            }
            _ => Ok(()),
        }
    }

    /// Planned promotion share per horizon day for one item.
    pub fn promo_plan(&self, item: &str) -> Vec<f32> {
        let mut out = vec![0.0f32; self.horizon];
        for p in &self.request.promotions {
            if p.item.as_deref().is_some_and(|i| i != item) {
                continue;
            }
            let i = day_num(p.date) - self.as_of;
            if i >= 0 && (i as usize) < self.horizon {
                out[i as usize] = out[i as usize].max(p.share.get());
            }
        }
        out
    }
}
