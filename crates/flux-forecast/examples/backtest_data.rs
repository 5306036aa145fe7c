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
//!
//! Public reference methods (statsforecast's AutoETS, a global LightGBM
//! quantile model) run in Python on exported data and are scored here, by
//! the same code as the engine's models:
//!
//! ```text
//! cargo run -p flux-forecast --release --example backtest_data -j 1 -- --export target/anchors
//! python3 bench/anchors/anchors.py target/anchors
//! cargo run -p flux-forecast --release --example backtest_data -j 1 -- --score-external target/anchors
//! ```
//!
//! `--hierarchy` scores dishes, categories and restaurant totals before
//! and after reconciliation (`flux_forecast::hierarchy`).
//!
//! Sets marked held out in [`HELD_OUT`] take no part in choosing the
//! engine's parameters; their tables are reported apart.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::error::Error;
use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use flux_forecast::backtest::{
    backtest, backtest_hierarchy, origins, score_external, BacktestConfig, BacktestReport,
    ExternalDay, ExternalForecasts, ModelScore, NamedModel,
};
use flux_forecast::calendar::public_holidays;
use flux_forecast::synthetic::{generate, SyntheticConfig};
use flux_forecast::{
    forecast_restaurant, Country, DayFlags, ForecastRequest, HalfLife, Horizon, ItemSeries, Model,
    ModelKind, ProductionParams, Restaurant, SpecialDay, WeatherDay,
};

type Res<T> = Result<T, Box<dyn Error>>;

/// Real sets kept out of every choice of the engine's parameters from the
/// anchor comparison on: results on them are what an unseen restaurant
/// can expect. (The half-life and profile-prior grids in `--tune` were
/// chosen earlier, when all sets were looked at; see docs/forecasting.md.)
const HELD_OUT: [&str; 2] = ["recruit-restaurant", "coffee-vending-ukraine"];

/// Label of the production model's dishes after reconciliation.
const RECONCILED: &str = "production (reconciled)";

/// External models the anchor script writes, by file stem.
const ANCHORS: [&str; 2] = ["auto-ets", "lightgbm"];

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
    let held = if HELD_OUT.contains(&name) {
        " (held out)"
    } else {
        ""
    };
    println!(
        "\n## {name}{held}: {} series, {} origins {first}..{last}, horizon {}",
        r.series,
        r.origins.len(),
        r.horizon
    );
    print_scores(&r.scores);
}

fn print_scores(scores: &[ModelScore]) {
    println!(
        "| model | scored | WQL | MASE | sPinball | cov80 [expected] (days) | PIT maxdev | bias |\n|---|---|---|---|---|---|---|---|"
    );
    for s in scores {
        let cov = match (s.coverage_80, s.expected_coverage_80) {
            (Some(c), Some(e)) => format!("{c:.3} [{e:.3}] ({})", s.coverage_days),
            (Some(c), None) => format!("{c:.3} ({})", s.coverage_days),
            _ => "-".into(),
        };
        let pit = s.pit.as_ref().map_or("-".into(), |p| {
            format!("{:.3} ({})", p.max_abs_deviation, p.count)
        });
        println!(
            "| {} | {} | {:.4} | {:.3} | {:.3} | {cov} | {pit} | {:+.3} |",
            s.model, s.evaluated_series, s.wql, s.mase, s.scaled_pinball, s.bias
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
    out.push(production(
        "no yearly ramp".into(),
        ProductionParams {
            yearly_ramp: false,
            ..ProductionParams::default()
        },
    ));
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

/// Labels of a restaurant's public holidays and special days, by date.
fn holiday_labels(r: &Restaurant) -> HashMap<NaiveDate, String> {
    let mut out = HashMap::new();
    if let Some(country) = r.country {
        let years: BTreeSet<i32> = r
            .series
            .iter()
            .flat_map(|s| [s.start, s.date(s.quantities.len()).unwrap_or(s.start)])
            .map(|d| chrono::Datelike::year(&d))
            .collect();
        for y in years.first().copied().unwrap_or(0)..=years.last().copied().unwrap_or(-1) {
            for h in public_holidays(country, y) {
                out.insert(h.date, h.name.to_owned());
            }
        }
    }
    for d in &r.special_days {
        out.insert(
            d.date,
            d.label.clone().unwrap_or_else(|| "special day".into()),
        );
    }
    out
}

/// `--export DIR`: each set's series, flags and backtest origins as CSV
/// and JSON for the anchor script.
fn export(sets: &[(&str, Vec<Restaurant>, u32, usize)], out: &Path) -> Res<()> {
    for (name, restaurants, horizon, n) in sets {
        let dir = out.join(name);
        std::fs::create_dir_all(&dir)?;
        let cfg = BacktestConfig::new(*n, Horizon::new(*horizon)?);
        let meta = serde_json::json!({
            "set": name,
            "horizon": horizon,
            "origins": origins(restaurants, &cfg)?,
            "held_out": HELD_OUT.contains(name),
        });
        std::fs::write(dir.join("meta.json"), serde_json::to_string_pretty(&meta)?)?;
        let mut w = csv::Writer::from_path(dir.join("series.csv"))?;
        w.write_record([
            "restaurant",
            "item",
            "date",
            "quantity",
            "closed",
            "missing",
            "stockout",
            "holiday",
        ])?;
        let mut rows = 0usize;
        for (ri, r) in restaurants.iter().enumerate() {
            let labels = holiday_labels(r);
            for s in &r.series {
                for (i, q) in s.quantities.iter().enumerate() {
                    let d = s.date(i).ok_or("date out of range")?;
                    let f = s.flag(i);
                    let bit = |b: bool| if b { "1" } else { "0" };
                    w.write_record([
                        ri.to_string().as_str(),
                        &s.item,
                        &d.to_string(),
                        &q.to_string(),
                        bit(f.closed),
                        bit(f.missing),
                        bit(f.stockout),
                        labels.get(&d).map_or("", String::as_str),
                    ])?;
                    rows += 1;
                }
            }
        }
        w.flush()?;
        eprintln!("exported {name}: {rows} rows to {}", dir.display());
    }
    Ok(())
}

/// Reads `DIR/<set>/forecasts/<model>.csv` as written by the anchor script.
fn read_external(path: &Path) -> Res<ExternalForecasts> {
    let mut out = ExternalForecasts::new();
    for rec in csv::Reader::from_path(path)?.records() {
        let rec = rec?;
        let num = |i: usize| -> Res<f64> {
            let v: f64 = rec.get(i).ok_or("short row")?.trim().parse()?;
            if v.is_finite() {
                Ok(v)
            } else {
                Err(format!("{}: non-finite value in {rec:?}", path.display()).into())
            }
        };
        let key = (
            rec[0].trim().parse::<usize>()?,
            rec[1].to_owned(),
            date(&rec[2], "%Y-%m-%d")?,
        );
        out.entry(key).or_default().push(ExternalDay {
            date: date(&rec[3], "%Y-%m-%d")?,
            p10: num(4)?,
            p50: num(5)?,
            p90: num(6)?,
            mean: num(7)?,
        });
    }
    Ok(out)
}

/// `--score-external DIR`: the engine's models and every anchor found in
/// `DIR`, one table per set, and production's weighted quantile loss
/// against the best of the others.
fn score_anchors(sets: &[(&str, Vec<Restaurant>, u32, usize)], dir: &Path) -> Res<()> {
    let models: Vec<NamedModel> = ModelKind::ALL.into_iter().map(NamedModel::from).collect();
    let mut summary = Vec::new();
    for (name, restaurants, horizon, n) in sets {
        let cfg = BacktestConfig::new(*n, Horizon::new(*horizon)?);
        let report = backtest(restaurants, &models, &cfg)?;
        let mut scores = report.scores.clone();
        // What the product serves: the dishes after reconciliation with
        // their category and restaurant totals.
        let mut served =
            backtest_hierarchy(restaurants, &Model::from_kind(ModelKind::Production), &cfg)?
                .items_reconciled;
        served.model = RECONCILED.into();
        scores.push(served);
        for anchor in ANCHORS {
            let path = dir
                .join(name)
                .join("forecasts")
                .join(format!("{anchor}.csv"));
            if !path.exists() {
                eprintln!("{name}: no {} (run the anchor script)", path.display());
                continue;
            }
            scores.push(score_external(
                restaurants,
                anchor,
                &read_external(&path)?,
                &cfg,
            )?);
        }
        print_report(
            name,
            &BacktestReport {
                scores: scores.clone(),
                ..report
            },
        );
        let ours =
            |s: &&ModelScore| s.model == ModelKind::Production.name() || s.model == RECONCILED;
        let prod = scores.iter().find(|s| s.model == RECONCILED);
        let best = scores
            .iter()
            .filter(|s| !ours(s))
            .min_by(|a, b| a.wql.total_cmp(&b.wql));
        if let (Some(p), Some(b)) = (prod, best) {
            summary.push((name.to_string(), b.model.clone(), b.wql, p.wql));
        }
    }
    println!(
        "\n| set | best other (WQL) | production (reconciled) WQL | better by |\n|---|---|---|---|"
    );
    for (name, other, b, p) in summary {
        let held = if HELD_OUT.contains(&name.as_str()) {
            " (held out)"
        } else {
            ""
        };
        println!(
            "| {name}{held} | {other} ({b:.4}) | {p:.4} | {:+.1} % |",
            (1.0 - p / b) * 100.0
        );
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
    let path_arg = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .map(PathBuf::from)
    };
    if args.iter().any(|a| a == "--hierarchy") {
        for (name, restaurants, horizon, n) in &sets {
            let cfg = BacktestConfig::new(*n, Horizon::new(*horizon)?);
            let model = Model::from_kind(ModelKind::Production);
            let h = backtest_hierarchy(restaurants, &model, &cfg)?;
            println!(
                "\n## {name}: hierarchy, {} origins, horizon {horizon}",
                h.origins.len()
            );
            print_scores(&[
                h.items_base,
                h.items_reconciled,
                h.categories_base,
                h.categories_reconciled,
                h.totals_base,
                h.totals_bottom_up,
                h.totals_reconciled,
            ]);
        }
        return Ok(());
    }
    if let Some(out) = path_arg("--export") {
        return export(&sets, &out);
    }
    if let Some(dir) = path_arg("--score-external") {
        return score_anchors(&sets, &dir);
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
