//! `flux forecast` and `flux backtest`: the forecasting engine on a sales
//! file, with no database. This is the interface data scientists and the
//! model comparisons in docs/forecasting.md use.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Args;
use flux_forecast::assemble::{restaurant_from_daily, DailyTotal};
use flux_forecast::backtest::{backtest, BacktestConfig, NamedModel};
use flux_forecast::{
    forecast_batch, BatchJob, Country, ForecastRequest, Horizon, ModelKind, Restaurant,
};

#[derive(Debug, Args)]
pub struct ForecastArgs {
    /// Sales file in any format `flux import` accepts.
    #[arg(long)]
    pub input: PathBuf,
    /// First forecast day; only sales before it are used.
    #[arg(long)]
    pub as_of: NaiveDate,
    /// Days to forecast (1–90).
    #[arg(long, default_value_t = 14)]
    pub horizon: u32,
    /// seasonal-naive, seed or production.
    #[arg(long, default_value = "production")]
    pub model: ModelKind,
    /// Output CSV (default: standard output).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Public-holiday calendar: ES, GB, US, FR or DE.
    #[arg(long)]
    pub country: Option<Country>,
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Sales file in any format `flux import` accepts.
    #[arg(long)]
    pub input: PathBuf,
    /// Days forecast from each origin.
    #[arg(long, default_value_t = 14)]
    pub horizon: u32,
    /// Rolling origins, ending as late as the data allows.
    #[arg(long, default_value_t = 8)]
    pub origins: usize,
    /// Models to compare (comma-separated).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "seasonal-naive,seed,production"
    )]
    pub models: Vec<ModelKind>,
    /// Public-holiday calendar: ES, GB, US, FR or DE.
    #[arg(long)]
    pub country: Option<Country>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// (item, day) → (quantity, promo quantity, category) of one location.
type DayTotals = HashMap<(String, NaiveDate), (f64, f64, Option<String>)>;

/// Reads a sales file into one engine restaurant per location (a file
/// covering several stores becomes several restaurants).
fn load(
    path: &PathBuf,
    before: Option<NaiveDate>,
    country: Option<Country>,
) -> anyhow::Result<Vec<(String, Restaurant)>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    // Offline files carry local times already; UTC keeps them as written.
    let today = chrono::Utc::now().date_naive();
    let opts = flux_ingest::ParseOptions::new(chrono_tz::UTC, today);
    let mut reader = flux_ingest::parse(file, &opts)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut totals: BTreeMap<String, DayTotals> = BTreeMap::new();
    for line in reader.by_ref().flatten() {
        if before.is_some_and(|b| line.business_date >= b) {
            continue;
        }
        // Revenue-only files (daily takings per product group) forecast revenue.
        let q = line
            .quantity
            .or(line.line_total)
            .and_then(|d| d.to_string().parse::<f64>().ok())
            .unwrap_or(0.0);
        let loc = line.location.clone().unwrap_or_default();
        let e = totals
            .entry(loc)
            .or_default()
            .entry((line.item.clone(), line.business_date))
            .or_insert((0.0, 0.0, line.category.clone()));
        e.0 += q;
        if line.promo {
            e.1 += q;
        }
    }
    let summary = reader.finish();
    if summary.errored > 0 {
        eprintln!(
            "note: {} rows with errors were skipped (first: {})",
            summary.errored,
            summary
                .errors
                .first()
                .map(|e| e.to_string())
                .unwrap_or_default()
        );
    }
    anyhow::ensure!(!totals.is_empty(), "no sales found in {}", path.display());
    Ok(totals
        .into_iter()
        .map(|(loc, days)| {
            let rows = days
                .into_iter()
                .map(|((item, date), (q, p, category))| DailyTotal {
                    item,
                    category,
                    date,
                    quantity: q,
                    promo_share: if q > 0.0 { p / q } else { 0.0 },
                });
            let mut r = restaurant_from_daily(rows, &HashSet::new(), before);
            r.country = country;
            (loc, r)
        })
        .collect())
}

pub fn forecast(args: ForecastArgs) -> anyhow::Result<()> {
    let restaurants = load(&args.input, Some(args.as_of), args.country)?;
    let req = ForecastRequest::new(args.as_of, Horizon::new(args.horizon)?, args.model);
    let jobs: Vec<BatchJob<'_>> = restaurants
        .iter()
        .map(|(_, r)| BatchJob {
            restaurant: r,
            request: &req,
        })
        .collect();
    let results = forecast_batch(&jobs);
    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut w = csv::Writer::from_writer(&mut out);
    w.write_record([
        "item",
        "date",
        "mean",
        "p10",
        "p50",
        "p90",
        "p99",
        "confidence",
        "explanation",
    ])?;
    let several = restaurants.len() > 1;
    let mut rows = 0usize;
    for ((loc, _), result) in restaurants.iter().zip(results) {
        let items = result.with_context(|| format!("forecasting {loc}"))?;
        for it in items {
            let name = if several {
                format!("{loc}/{}", it.item)
            } else {
                it.item.clone()
            };
            for d in it.days {
                w.write_record([
                    name.clone(),
                    d.date.to_string(),
                    format!("{:.3}", d.mean),
                    format!("{}", d.p10),
                    format!("{}", d.p50),
                    format!("{}", d.p90),
                    format!("{}", d.p99),
                    format!("{:.3}", d.confidence),
                    d.explanation.to_string(),
                ])?;
                rows += 1;
            }
        }
    }
    w.flush()?;
    drop(w);
    out.flush()?;
    if let Some(p) = &args.output {
        eprintln!("wrote {rows} forecast rows to {}", p.display());
    }
    Ok(())
}

pub fn run_backtest(args: BacktestArgs) -> anyhow::Result<()> {
    let restaurants: Vec<Restaurant> = load(&args.input, None, args.country)?
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let models: Vec<NamedModel> = args.models.iter().map(|&m| NamedModel::from(m)).collect();
    let cfg = BacktestConfig::new(args.origins, Horizon::new(args.horizon)?);
    let report = backtest(&restaurants, &models, &cfg)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!(
        "{} series, {} origins ({} to {}), horizon {} days",
        report.series,
        report.origins.len(),
        report
            .origins
            .first()
            .map(|d| d.to_string())
            .unwrap_or_default(),
        report
            .origins
            .last()
            .map(|d| d.to_string())
            .unwrap_or_default(),
        report.horizon
    );
    println!("| model | WQL | MASE | scaled pinball | coverage [p10,p90] (≥5/day) | PIT χ² (slow items) | bias |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for s in &report.scores {
        let cov = s.coverage_80.map_or("–".to_string(), |c| {
            format!("{c:.3} ({} days)", s.coverage_days)
        });
        let pit = s
            .pit
            .as_ref()
            .map_or("–".to_string(), |p| format!("{:.1}", p.chi_square));
        println!(
            "| {} | {:.4} | {:.3} | {:.3} | {cov} | {pit} | {:+.3} |",
            s.model, s.wql, s.mase, s.scaled_pinball, s.bias
        );
    }
    Ok(())
}
