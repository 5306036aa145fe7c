//! Daily weather from a CSV file: the restaurant's own station, or an
//! export of a public service. Columns are found by name, so the common
//! layouts read as they are:
//!
//! - Flux's own: `date,temperature_c,precipitation_mm`;
//! - Open-Meteo's CSV download: a few lines of location metadata, then
//!   `time,temperature_2m_mean (°C),precipitation_sum (mm)` (or max/min);
//! - Meteostat's daily export: `date,tavg,tmin,tmax,prcp,…`;
//! - NOAA's daily summaries: `"STATION","DATE",…,"PRCP","TAVG","TMAX",…`
//!   (metric when downloaded so; `(°F)`/`(inch)` units in a header are
//!   converted).
//!
//! A temperature column may be missing (rain alone is an input, and so is
//! temperature alone); a mean is taken from max and min when there is no
//! mean column. The whole file is read or none of it: every rejected line
//! is reported with its number and why.

use chrono::NaiveDate;
use flux_domain::FieldError;
use flux_store::weather::Day;

/// Most lines a file may have (27 years of days).
pub const MAX_ROWS: usize = 10_000;
/// Most rejected lines reported one by one.
const MAX_REPORTED: usize = 20;
/// Lines before the header that may hold metadata (Open-Meteo writes 3).
const MAX_PREAMBLE: usize = 20;
/// Values no weather station records.
pub const TEMPERATURE_RANGE: (f32, f32) = (-90.0, 60.0);
pub const PRECIPITATION_RANGE: (f32, f32) = (0.0, 2000.0);

/// Why a file could not be read at all, or which lines were wrong.
#[derive(Debug, PartialEq)]
pub enum FileError {
    NotText,
    Empty,
    /// No line within the first ones names a date column and a weather
    /// column; the first line's cells are given.
    NoHeader(Vec<String>),
    TooManyRows,
    Rows(Vec<FieldError>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Metric,
    Fahrenheit,
    Inch,
}

/// A header cell: its name without units or punctuation, and its unit.
fn normalise(cell: &str) -> (String, Unit) {
    let lower = cell.trim().trim_matches('"').to_lowercase();
    let unit = if lower.contains("°f") || lower.contains("fahrenheit") {
        Unit::Fahrenheit
    } else if lower.contains("inch") || lower.contains("(in)") {
        Unit::Inch
    } else {
        Unit::Metric
    };
    let name: String = lower
        .split(['(', '['])
        .next()
        .unwrap_or_default()
        .trim()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    (name.trim_matches('_').to_string(), unit)
}

const DATE: [&str; 7] = ["date", "day", "time", "datum", "fecha", "jour", "data"];
const MEAN: [&str; 11] = [
    "temperature",
    "temperature_c",
    "temperature_2m_mean",
    "temp",
    "tavg",
    "tmean",
    "mean_temperature",
    "temperatur",
    "temperature_mean",
    "avg_temperature",
    "t_mean",
];
const MAX: [&str; 5] = [
    "temperature_2m_max",
    "tmax",
    "max_temperature",
    "temperature_max",
    "t_max",
];
const MIN: [&str; 5] = [
    "temperature_2m_min",
    "tmin",
    "min_temperature",
    "temperature_min",
    "t_min",
];
const PRECIPITATION: [&str; 10] = [
    "precipitation",
    "precipitation_mm",
    "precipitation_sum",
    "prcp",
    "precip",
    "rain",
    "rain_mm",
    "rainfall",
    "rain_sum",
    "niederschlag",
];

/// Where each measure is in a row, and its unit.
#[derive(Debug, Default)]
struct Columns {
    date: usize,
    mean: Option<(usize, Unit)>,
    max: Option<(usize, Unit)>,
    min: Option<(usize, Unit)>,
    precipitation: Option<(usize, Unit)>,
}

fn columns(header: &[String]) -> Option<Columns> {
    let cells: Vec<(String, Unit)> = header.iter().map(|c| normalise(c)).collect();
    let find = |names: &[&str]| {
        cells
            .iter()
            .position(|(n, _)| names.contains(&n.as_str()))
            .map(|i| (i, cells[i].1))
    };
    let c = Columns {
        date: find(&DATE)?.0,
        mean: find(&MEAN),
        max: find(&MAX),
        min: find(&MIN),
        precipitation: find(&PRECIPITATION),
    };
    let temperature = c.mean.is_some() || (c.max.is_some() && c.min.is_some());
    (temperature || c.precipitation.is_some()).then_some(c)
}

fn date(raw: &str) -> Option<NaiveDate> {
    let s = raw.trim().trim_matches('"');
    // A timestamp's day ("2024-01-01T00:00").
    let s = s.split(['T', ' ']).next().unwrap_or(s);
    ["%Y-%m-%d", "%Y%m%d", "%d.%m.%Y", "%Y/%m/%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}

/// A measurement: `Ok(None)` when blank or marked missing.
fn number(raw: &str, decimal_comma: bool) -> Result<Option<f32>, ()> {
    let s = raw.trim().trim_matches('"');
    if s.is_empty() || ["na", "nan", "null", "-", "--", "m"].contains(&s.to_lowercase().as_str()) {
        return Ok(None);
    }
    let s = if decimal_comma {
        s.replace(',', ".")
    } else {
        s.to_string()
    };
    s.replace('−', "-")
        .parse::<f32>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or(())
}

fn in_unit(v: f32, unit: Unit) -> f32 {
    match unit {
        Unit::Fahrenheit => (v - 32.0) * 5.0 / 9.0,
        Unit::Inch => v * 25.4,
        Unit::Metric => v,
    }
}

/// Reads a weather file; days in file order, each date once.
pub fn parse(bytes: &[u8]) -> Result<Vec<Day>, FileError> {
    let text = std::str::from_utf8(bytes).map_err(|_| FileError::NotText)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().find(|l| !l.trim().is_empty());
    let Some(first_line) = first_line else {
        return Err(FileError::Empty);
    };
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let mut cols = None;
    let mut first_cells = Vec::new();
    for _ in 0..MAX_PREAMBLE {
        let Some(Ok(rec)) = records.next() else {
            break;
        };
        let cells: Vec<String> = rec.iter().map(str::to_string).collect();
        if first_cells.is_empty() {
            first_cells = cells.iter().take(20).cloned().collect();
        }
        if let Some(c) = columns(&cells) {
            cols = Some(c);
            break;
        }
    }
    let Some(cols) = cols else {
        return Err(FileError::NoHeader(first_cells));
    };
    let decimal_comma = delimiter == b';';
    let mut days: Vec<Day> = Vec::new();
    let mut seen: std::collections::HashMap<NaiveDate, u64> = Default::default();
    let mut errors = Vec::new();
    let mut reject = |line: u64, message: String| {
        if errors.len() < MAX_REPORTED {
            errors.push(FieldError::new(
                format!("line {line}"),
                "invalid_row",
                message,
            ));
        }
    };
    let mut rejected = 0usize;
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                rejected += 1;
                reject(line, "is not valid CSV".into());
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if days.len() + rejected >= MAX_ROWS {
            return Err(FileError::TooManyRows);
        }
        let cell = |i: usize| rec.get(i).unwrap_or("");
        let Some(d) = date(cell(cols.date)) else {
            rejected += 1;
            reject(
                line,
                format!("date {:?} is not a date (YYYY-MM-DD)", cut(cell(cols.date))),
            );
            continue;
        };
        let mut bad = None;
        let mut read = |col: Option<(usize, Unit)>, what: &str| -> Option<f32> {
            let (i, unit) = col?;
            match number(cell(i), decimal_comma) {
                Ok(v) => v.map(|v| in_unit(v, unit)),
                Err(()) => {
                    bad = Some(format!("{what} {:?} is not a number", cut(cell(i))));
                    None
                }
            }
        };
        let mean = read(cols.mean, "temperature");
        let max = read(cols.max, "maximum temperature");
        let min = read(cols.min, "minimum temperature");
        let precipitation = read(cols.precipitation, "precipitation");
        let temperature = mean.or(match (max, min) {
            (Some(a), Some(b)) => Some((a + b) / 2.0),
            _ => None,
        });
        if bad.is_none() {
            if let Some(t) =
                temperature.filter(|t| !(TEMPERATURE_RANGE.0..=TEMPERATURE_RANGE.1).contains(t))
            {
                bad = Some(format!(
                    "temperature {t:.1} °C is outside {}..{} °C",
                    TEMPERATURE_RANGE.0, TEMPERATURE_RANGE.1
                ));
            } else if let Some(p) = precipitation
                .filter(|p| !(PRECIPITATION_RANGE.0..=PRECIPITATION_RANGE.1).contains(p))
            {
                bad = Some(format!(
                    "precipitation {p:.1} mm is outside {}..{} mm",
                    PRECIPITATION_RANGE.0, PRECIPITATION_RANGE.1
                ));
            } else if let Some(earlier) = seen.get(&d) {
                bad = Some(format!("{d} is also on line {earlier}"));
            }
        }
        if let Some(message) = bad {
            rejected += 1;
            reject(line, message);
            continue;
        }
        if temperature.is_none() && precipitation.is_none() {
            // A day the station missed: nothing to store.
            continue;
        }
        seen.insert(d, line);
        days.push(Day {
            date: d,
            temperature_c: temperature,
            precipitation_mm: precipitation,
        });
    }
    if rejected > 0 {
        if rejected > errors.len() {
            errors.push(FieldError::new(
                "file",
                "more_rows_rejected",
                format!("and {} more lines", rejected - errors.len()),
            ));
        }
        return Err(FileError::Rows(errors));
    }
    if days.is_empty() {
        return Err(FileError::Empty);
    }
    Ok(days)
}

/// A cell as quoted in a message: at most 40 characters.
fn cut(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn reads_flux_open_meteo_meteostat_and_noaa_layouts() {
        let flux = "date,temperature_c,precipitation_mm\n2024-06-01,18.5,0\n2024-06-02,,4.2\n";
        let open_meteo =
            "latitude,longitude,elevation,utc_offset_seconds,timezone,timezone_abbreviation\n\
            54.3,10.1,5.0,7200,Europe/Berlin,GMT+2\n\n\
            time,temperature_2m_max (°C),temperature_2m_min (°C),precipitation_sum (mm)\n\
            2024-06-01,22.0,15.0,0.00\n2024-06-02,19.0,13.0,4.20\n";
        let meteostat = "date,tavg,tmin,tmax,prcp,snow,wdir,wspd,wpgt,pres,tsun\n\
            2024-06-01,18.5,15.0,22.0,0.0,,,,,,\n2024-06-02,16.0,13.0,19.0,4.2,,,,,,\n";
        let noaa = "\"STATION\",\"DATE\",\"PRCP\",\"TAVG\",\"TMAX\",\"TMIN\"\n\
            \"GME00120\",\"2024-06-01\",\"0.0\",\"18.5\",\"22.0\",\"15.0\"\n";
        let a = parse(flux.as_bytes()).expect("flux");
        assert_eq!(a.len(), 2);
        assert_eq!(a[1].temperature_c, None);
        assert_eq!(a[1].precipitation_mm, Some(4.2));
        let b = parse(open_meteo.as_bytes()).expect("open-meteo");
        assert_eq!(b[0].temperature_c, Some(18.5), "mean of max and min");
        assert_eq!(b[1].date, day(2024, 6, 2));
        let c = parse(meteostat.as_bytes()).expect("meteostat");
        assert_eq!(c[1].temperature_c, Some(16.0), "the mean column wins");
        // NOAA's metric download; units only converted when a header says.
        let d = parse(noaa.as_bytes()).expect("noaa");
        assert_eq!(d[0].temperature_c, Some(18.5));
        let f = "date;Temperatur (°F);Niederschlag (inch)\n01.06.2024;50;0,5\n";
        let e = parse(f.as_bytes()).expect("semicolons, decimal commas, units");
        assert!((e[0].temperature_c.unwrap_or_default() - 10.0).abs() < 1e-4);
        assert!((e[0].precipitation_mm.unwrap_or_default() - 12.7).abs() < 1e-4);
    }

    #[test]
    fn every_bad_line_is_named_and_nothing_is_read() {
        let f = "date,temperature_c,precipitation_mm\n\
            2024-06-01,18.5,0\n\
            yesterday,18,0\n\
            2024-06-03,warm,0\n\
            2024-06-04,75,0\n\
            2024-06-05,10,-3\n\
            2024-06-01,12,1\n";
        let Err(FileError::Rows(errors)) = parse(f.as_bytes()) else {
            panic!("accepted");
        };
        let lines: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(lines, ["line 3", "line 4", "line 5", "line 6", "line 7"]);
        assert!(
            errors[0].message.contains("not a date"),
            "{}",
            errors[0].message
        );
        assert!(errors[1].message.contains("\"warm\""));
        assert!(errors[2].message.contains("outside"));
        assert!(
            errors[4].message.contains("line 2"),
            "{}",
            errors[4].message
        );
    }

    #[test]
    fn files_that_are_not_weather_say_so() {
        assert_eq!(parse(b""), Err(FileError::Empty));
        assert_eq!(parse(b"\xff\xfe"), Err(FileError::NotText));
        let Err(FileError::NoHeader(cells)) = parse(b"item,quantity\nburger,3\n") else {
            panic!("accepted");
        };
        assert_eq!(cells, ["item", "quantity"]);
        // A header and only days the station missed.
        assert_eq!(parse(b"date,prcp\n2024-01-01,\n"), Err(FileError::Empty));
        let many: String = std::iter::once("date,prcp\n".to_string())
            .chain((0..=MAX_ROWS).map(|i| format!("2000-01-01,{i}\n")))
            .collect();
        assert_eq!(parse(many.as_bytes()), Err(FileError::TooManyRows));
    }
}
