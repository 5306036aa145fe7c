//! Caller-supplied parsing options.

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::clock::DEFAULT_DAY_CUTOFF_HOUR;
use crate::columns::ColumnMapping;
use crate::dates::DateOrder;
use crate::format::Format;

/// Default number of row errors kept in memory; counts stay exact beyond it.
pub const DEFAULT_MAX_ERRORS: usize = 1000;

/// How to parse one file. `today` is passed in, never read from the clock,
/// so parsing is a pure function of its inputs.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// Force a layout instead of detecting it from the headers.
    pub format: Option<Format>,
    /// Explicit columns; overrides detection (with `format`, the format's
    /// rules still apply, e.g. Toast voids are dropped).
    pub mapping: Option<ColumnMapping>,
    /// The restaurant's time zone; file times are wall-clock times in it.
    /// Overriding it is all a caller needs to read the file in another zone
    /// (times carrying an explicit UTC offset are converted into it).
    pub timezone: Tz,
    /// Sales before this hour count towards the previous business day (0–23).
    pub day_cutoff_hour: u8,
    /// BCP 47 tag (`en-US`, `de-DE`) used when the file does not settle
    /// day/month order or the decimal separator.
    pub locale: Option<String>,
    /// Day/month order chosen by a person; wins over evidence in the file,
    /// the locale and the format's convention.
    pub date_order: Option<DateOrder>,
    /// Date to book exports that are totals over a period on (item sales
    /// summaries); required for them, since their rows carry no date.
    pub period_date: Option<NaiveDate>,
    /// Rows dated after this are errors.
    pub today: NaiveDate,
    /// Row errors kept in the summary.
    pub max_errors: usize,
}

impl ParseOptions {
    /// Options with defaults: detect everything, 04:00 cut-off, keep the
    /// first [`DEFAULT_MAX_ERRORS`] errors.
    pub fn new(timezone: Tz, today: NaiveDate) -> Self {
        Self {
            format: None,
            mapping: None,
            timezone,
            day_cutoff_hour: DEFAULT_DAY_CUTOFF_HOUR,
            locale: None,
            date_order: None,
            period_date: None,
            today,
            max_errors: DEFAULT_MAX_ERRORS,
        }
    }

    pub fn with_format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }

    pub fn with_mapping(mut self, mapping: ColumnMapping) -> Self {
        self.mapping = Some(mapping);
        self
    }

    pub fn with_locale(mut self, locale: impl Into<String>) -> Self {
        self.locale = Some(locale.into());
        self
    }

    pub fn with_date_order(mut self, order: DateOrder) -> Self {
        self.date_order = Some(order);
        self
    }

    pub fn with_period_date(mut self, date: NaiveDate) -> Self {
        self.period_date = Some(date);
        self
    }

    pub fn with_day_cutoff_hour(mut self, hour: u8) -> Self {
        self.day_cutoff_hour = hour;
        self
    }

    pub fn with_max_errors(mut self, max: usize) -> Self {
        self.max_errors = max;
        self
    }
}
