//! Backtests the three models on the real data sets in `shared/data` (when
//! present) and on synthetic data with known truth, and prints one table
//! per data set.
//!
//! ```text
//! cargo run -p flux-forecast --release --example backtest_data -j 1
//! cargo run -p flux-forecast --release --example backtest_data -j 1 -- --tune
//! cargo run -p flux-forecast --release --example backtest_data -j 1 -- --json
//! ```
//!
//! `--without-events` drops every data set's special days (Kieler Woche,
//! Recruit's holidays), to measure what the event calendar is worth;
//! `--without-weather` drops Kiel's weather likewise. The weather used is
//! what was observed, as if the forecast of it had been perfect: an upper
//! bound of what weather forecasts can add.
//! `--tune` also scores a small grid of production hyper-parameters on
//! tuning origins that end before the evaluation origins start, so the
//! choice of defaults never sees the evaluation windows.
//! `--only NAME` runs one data set. `FLUX_DATA_DIR` overrides where the data is looked for.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::error::Error;
use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use flux_forecast::backtest::{backtest, BacktestConfig, BacktestReport, NamedModel};
use flux_forecast::synthetic::{generate, SyntheticConfig};
use flux_forecast::{
    forecast_restaurant, Country, DayFlags, ForecastRequest, HalfLife, Horizon, ItemSeries, Model,
    ModelKind, ProductionParams, Restaurant, SpecialDay, WeatherDay,
};

type Res<T> = Result<T, Box<dyn Error>>;

/// Reads one data set from the data directory.
type Loader = fn(&Path) -> Res<Vec<Restaurant>>;

/// Quantities by item then date.
type Daily = BTreeMap<String, BTreeMap<NaiveDate, f64>>;

fn date(s: &str, fmt: &str) -> Res<NaiveDate> {
    Ok(NaiveDate::parse_from_str(s.trim(), fmt)?)
}

fn days(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |d| *d <= to)
}

/// One series per item from its first sale to `end`; days where `open`
/// says the business was closed are flagged, other absent days are zero.
fn series_from_daily(
    daily: &Daily,
    category: Option<&str>,
    end: NaiveDate,
    flag: &dyn Fn(NaiveDate) -> DayFlags,
) -> Vec<ItemSeries> {
    daily
        .iter()
        .filter_map(|(item, by_day)| {
            let start = *by_day.keys().next()?;
            let mut s =
                ItemSeries::new(item.clone(), category.map(str::to_owned), start, Vec::new());
            for d in days(start, end) {
                let f = flag(d);
                s.quantities.push(if f.usable() {
                    by_day.get(&d).copied().unwrap_or(0.0)
                } else {
                    0.0
                });
                s.flags.push(f);
            }
            Some(s)
        })
        .collect()
}

fn bread_basket(dir: &Path) -> Res<Vec<Restaurant>> {
    let mut rdr = csv::Reader::from_path(dir.join("bread-basket-edinburgh/BreadBasket_DMS.csv"))?;
    let mut daily = Daily::new();
    let mut open = BTreeSet::new();
    for rec in rdr.records() {
        let rec = rec?;
        let d = date(&rec[0], "%Y-%m-%d")?;
        open.insert(d);
        let item = rec[3].trim();
        if item != "NONE" {
            *daily
                .entry(item.to_owned())
                .or_default()
                .entry(d)
                .or_insert(0.0) += 1.0;
        }
    }
    let end = *open.iter().next_back().ok_or("empty file")?;
    let flag = |d: NaiveDate| {
        if open.contains(&d) {
            DayFlags::OPEN
        } else {
            DayFlags::CLOSED
        }
    };
    Ok(vec![Restaurant {
        series: series_from_daily(&daily, None, end, &flag),
        special_days: vec![],
        country: Some(Country::Gb),
        weather: vec![],
    }])
}

fn recruit(dir: &Path) -> Res<Vec<Restaurant>> {
    let base = dir.join("recruit-restaurant");
    let mut genre = HashMap::new();
    for rec in csv::Reader::from_path(base.join("air_store_info.csv"))?.records() {
        let rec = rec?;
        genre.insert(rec[0].to_owned(), rec[1].to_owned());
    }
    let mut holidays = Vec::new();
    for rec in csv::Reader::from_path(base.join("date_info.csv"))?.records() {
        let rec = rec?;
        if rec[2].trim() == "1" {
            holidays.push(SpecialDay {
                date: date(&rec[0], "%Y-%m-%d")?,
                label: Some("public holiday".into()),
            });
        }
    }
    let mut visits: BTreeMap<String, BTreeMap<NaiveDate, f64>> = BTreeMap::new();
    for rec in csv::Reader::from_path(base.join("air_visit_data.csv"))?.records() {
        let rec = rec?;
        visits
            .entry(rec[0].to_owned())
            .or_default()
            .insert(date(&rec[1], "%Y-%m-%d")?, rec[2].trim().parse()?);
    }
    let end = visits
        .values()
        .filter_map(|v| v.keys().next_back())
        .max()
        .copied()
        .ok_or("no visits")?;
    let mut out = Vec::new();
    for (store, by_day) in visits {
        let Some(&start) = by_day.keys().next() else {
            continue;
        };
        // Absent days are closures; a week or more absent is a data gap.
        let all: Vec<NaiveDate> = days(start, end).collect();
        let mut flags = vec![DayFlags::OPEN; all.len()];
        let mut i = 0;
        while i < all.len() {
            if by_day.contains_key(&all[i]) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < all.len() && !by_day.contains_key(&all[j]) {
                j += 1;
            }
            let f = if j - i >= 7 {
                DayFlags::MISSING
            } else {
                DayFlags::CLOSED
            };
            flags[i..j].fill(f);
            i = j;
        }
        let quantities = all
            .iter()
            .map(|d| by_day.get(d).copied().unwrap_or(0.0))
            .collect();
        out.push(Restaurant {
            series: vec![ItemSeries {
                item: "visitors".into(),
                category: genre.get(&store).cloned(),
                start,
                quantities,
                flags,
            }],
            special_days: holidays.clone(),
            country: None,
            weather: vec![],
        });
    }
    Ok(out)
}

fn kiel(dir: &Path) -> Res<Vec<Restaurant>> {
    let base = dir.join("kiel-bakery");
    let mut daily = Daily::new();
    let mut open = BTreeSet::new();
    for rec in csv::Reader::from_path(base.join("umsatzdaten_gekuerzt.csv"))?.records() {
        let rec = rec?;
        let d = date(&rec[1], "%Y-%m-%d")?;
        open.insert(d);
        daily
            .entry(format!("group {}", rec[2].trim()))
            .or_default()
            .insert(d, rec[3].trim().parse()?);
    }
    let mut special_days = Vec::new();
    for rec in csv::Reader::from_path(base.join("kiwo.csv"))?.records() {
        let rec = rec?;
        special_days.push(SpecialDay {
            date: date(&rec[0], "%Y-%m-%d")?,
            label: Some("Kieler Woche".into()),
        });
    }
    let end = *open.iter().next_back().ok_or("empty file")?;
    let flag = |d: NaiveDate| {
        if open.contains(&d) {
            DayFlags::OPEN
        } else {
            DayFlags::CLOSED
        }
    };
    Ok(vec![Restaurant {
        series: series_from_daily(&daily, None, end, &flag),
        special_days,
        country: Some(Country::De),
        weather: kiel_weather(&base)?,
    }])
}

/// Kiel's weather file: daily mean temperature and the day's WMO
/// present-weather code, not millimetres of rain. Codes 50–99 (drizzle,
/// rain, snow, showers, thunderstorms at the station) make a wet day,
/// stated as 1 mm, the engine's threshold; lower codes a dry one; a
/// missing code leaves the day's rain unknown.
fn kiel_weather(base: &Path) -> Res<Vec<WeatherDay>> {
    let mut out = Vec::new();
    for rec in csv::Reader::from_path(base.join("wetter.csv"))?.records() {
        let rec = rec?;
        let code: Option<u32> = rec.get(4).and_then(|c| c.trim().parse().ok());
        out.push(WeatherDay {
            date: date(&rec[0], "%Y-%m-%d")?,
            temperature_c: rec.get(2).and_then(|t| t.trim().parse().ok()),
            precipitation_mm: code.map(|c| if c >= 50 { 1.0 } else { 0.0 }),
        });
    }
    Ok(out)
}

fn coffee(dir: &Path) -> Res<Vec<Restaurant>> {
    let mut daily = Daily::new();
    let mut open = BTreeSet::new();
    for rec in
        csv::Reader::from_path(dir.join("coffee-vending-ukraine/coffee-sales-a.csv"))?.records()
    {
        let rec = rec?;
        let d = date(&rec[0], "%Y/%m/%d")?;
        open.insert(d);
        *daily
            .entry(rec[5].trim().to_owned())
            .or_default()
            .entry(d)
            .or_insert(0.0) += 1.0;
    }
    let end = *open.iter().next_back().ok_or("empty file")?;
    let flag = |d: NaiveDate| {
        if open.contains(&d) {
            DayFlags::OPEN
        } else {
            DayFlags::CLOSED
        }
    };
    Ok(vec![Restaurant {
        series: series_from_daily(&daily, None, end, &flag),
        special_days: vec![],
        country: None,
        weather: vec![],
    }])
}

fn synthetic() -> Vec<Restaurant> {
    generate(&SyntheticConfig {
        restaurants: 40,
        items_per_restaurant: 12,
        days: 400,
        ..SyntheticConfig::default()
    })
    .restaurants
}

fn print_report(name: &str, r: &BacktestReport) {
    let first = r
        .origins
        .first()
        .map(ToString::to_string)
        .unwrap_or_default();
    let last = r
        .origins
        .last()
        .map(ToString::to_string)
        .unwrap_or_default();
    println!(
        "\n## {name}: {} series, {} origins {first}..{last}, horizon {}",
        r.series,
        r.origins.len(),
        r.horizon
    );
    println!(
        "| model | scored | MASE | sPinball | cov80 [expected] (days) | PIT maxdev | bias |\n|---|---|---|---|---|---|---|"
    );
    for s in &r.scores {
        let cov = match (s.coverage_80, s.expected_coverage_80) {
            (Some(c), Some(e)) => format!("{c:.3} [{e:.3}] ({})", s.coverage_days),
            _ => "-".into(),
        };
        let pit = s.pit.as_ref().map_or("-".into(), |p| {
            format!("{:.3} ({})", p.max_abs_deviation, p.count)
        });
        println!(
            "| {} | {} | {:.3} | {:.3} | {cov} | {pit} | {:+.3} |",
            s.model, s.evaluated_series, s.mase, s.scaled_pinball, s.bias
        );
    }
}

fn production(label: String, p: ProductionParams) -> NamedModel {
    NamedModel {
        label,
        model: Model::Production(p),
    }
}

fn tuning_grid() -> Vec<NamedModel> {
    let mut out = Vec::new();
    out.push(production("hl=auto".into(), ProductionParams::default()));
    for hl in [7.0, 14.0, 28.0, 56.0] {
        out.push(production(
            format!("hl={hl}"),
            ProductionParams {
                level_half_life: HalfLife::Fixed(hl),
                ..ProductionParams::default()
            },
        ));
    }
    for k in [5.0, 80.0] {
        out.push(production(
            format!("profile_prior={k}"),
            ProductionParams {
                profile_prior_units: k,
                ..ProductionParams::default()
            },
        ));
    }
    out
}

/// `--explain`: for each data set, the production forecast from its last
/// 28 days' origin, one line per item and day whose explanation names an
/// event or the weather: what an operator would read.
/// `--as-of DATE` moves the origin.
fn explain_effects(sets: &[(&str, Vec<Restaurant>, u32, usize)], at: Option<NaiveDate>) -> Res<()> {
    for (name, restaurants, _, _) in sets {
        let Some(r) = restaurants.first() else {
            continue;
        };
        let end = r
            .series
            .iter()
            .filter_map(|s| s.date(s.quantities.len()))
            .max()
            .ok_or("no series")?;
        let as_of = match at {
            Some(d) => d,
            None => end.checked_sub_days(Days::new(28)).ok_or("date")?,
        };
        let request = ForecastRequest::new(as_of, Horizon::new(28)?, ModelKind::Production);
        println!("\n## {name}: explanations from {as_of}");
        for f in forecast_restaurant(r, &request)? {
            for d in &f.days {
                let e = &d.explanation;
                if e.rain_effect.is_some()
                    || e.temperature_band.is_some()
                    || e.special_day_effect.is_some()
                {
                    println!("{} {}: {e}", f.item, d.date);
                }
            }
        }
    }
    Ok(())
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().collect();
    let json = args.iter().any(|a| a == "--json");
    let tune = args.iter().any(|a| a == "--tune");
    let without_events = args.iter().any(|a| a == "--without-events");
    let without_weather = args.iter().any(|a| a == "--without-weather");
    let dir = std::env::var_os("FLUX_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        });
    let mut sets: Vec<(&str, Vec<Restaurant>, u32, usize)> = Vec::new();
    let loaders: [(&str, Loader, u32); 4] = [
        ("bread-basket-edinburgh", bread_basket, 7),
        ("recruit-restaurant", recruit, 14),
        ("kiel-bakery", kiel, 14),
        ("coffee-vending-ukraine", coffee, 14),
    ];
    // `--only NAME` runs one data set (and skips the synthetic one).
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1));
    for (name, load, horizon) in loaders {
        if only.is_some_and(|o| o != name) {
            continue;
        }
        match load(&dir) {
            Ok(mut r) => {
                for x in &mut r {
                    if without_events {
                        x.special_days.clear();
                    }
                    if without_weather {
                        x.weather.clear();
                    }
                }
                sets.push((name, r, horizon, 8))
            }
            Err(e) => eprintln!("skipping {name}: {e} (looked in {})", dir.display()),
        }
    }
    if only.is_none() {
        sets.push(("synthetic", synthetic(), 14, 8));
    }

    if args.iter().any(|a| a == "--explain") {
        let at = args
            .iter()
            .position(|a| a == "--as-of")
            .and_then(|i| args.get(i + 1))
            .map(|d| date(d, "%Y-%m-%d"))
            .transpose()?;
        return explain_effects(&sets, at);
    }
    let models: Vec<NamedModel> = ModelKind::ALL.into_iter().map(NamedModel::from).collect();
    let mut reports = Vec::new();
    for (name, restaurants, horizon, origins) in &sets {
        let cfg = BacktestConfig::new(*origins, Horizon::new(*horizon)?);
        let report = backtest(restaurants, &models, &cfg)?;
        if tune {
            let first = report.origins.first().copied().ok_or("no origins")?;
            let step = u64::from(*horizon);
            let tcfg = BacktestConfig {
                last_origin: first.checked_sub_days(Days::new(step)),
                origins: 4,
                ..cfg
            };
            match backtest(restaurants, &tuning_grid(), &tcfg) {
                Ok(t) => print_report(&format!("{name} (tuning origins)"), &t),
                Err(e) => eprintln!("tuning {name}: {e}"),
            }
        }
        if !json {
            print_report(name, &report);
        }
        reports.push((name.to_string(), report));
    }
    if json {
        let map: BTreeMap<_, _> = reports.into_iter().collect();
        println!("{}", serde_json::to_string_pretty(&map)?);
    }
    Ok(())
}
