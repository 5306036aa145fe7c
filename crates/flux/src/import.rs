//! `flux import` and `flux data-health`: the import pipeline from the shell.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use flux_app::uploads::{
    date_order_codes, parse_date_order, parse_format, Actor, ImportError, ImportOptions,
    ImportReport, Policy, Source,
};
use flux_domain::restaurant::Timezone;
use flux_ingest::DateOrder;
use indicatif::{ProgressBar, ProgressStyle};
use uuid::Uuid;

use crate::config::Config;
use crate::database;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Restaurant to import into.
    #[arg(long)]
    pub restaurant: Uuid,
    /// The sales export (CSV, TSV or .xlsx).
    pub file: PathBuf,
    /// Parse and validate only; store nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// strict: any row error rejects the file; skip_invalid: import the valid rows.
    #[arg(long, default_value = "skip_invalid")]
    pub policy: Policy,
    /// Force a layout (seed, transactions, toast, square, clover, lightspeed, ...).
    #[arg(long, value_parser = parse_format)]
    pub format: Option<flux_ingest::Format>,
    /// Sales date of period-total exports (Clover), YYYY-MM-DD.
    #[arg(long)]
    pub period_date: Option<chrono::NaiveDate>,
    /// Import only this location of a multi-store file.
    #[arg(long)]
    pub location: Option<String>,
    /// Read day/month dates in this order (dmy, mdy) instead of letting the
    /// file, the restaurant's locale and the format decide.
    #[arg(long, value_parser = date_order_flag)]
    pub date_order: Option<DateOrder>,
    /// Read the file's times in this IANA zone (e.g. America/New_York)
    /// instead of the restaurant's.
    #[arg(long, value_parser = timezone_flag)]
    pub timezone: Option<Timezone>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `--date-order`: leaving the flag out is how to ask for detection.
fn date_order_flag(raw: &str) -> Result<DateOrder, String> {
    parse_date_order(raw)?.ok_or_else(|| {
        format!(
            "leave --date-order out to let the file decide, or give one of {}",
            date_order_codes().join(", ")
        )
    })
}

fn timezone_flag(raw: &str) -> Result<Timezone, String> {
    Timezone::parse(raw).map_err(|e| e.to_string())
}

#[derive(Debug, Args)]
pub struct HealthArgs {
    #[arg(long)]
    pub restaurant: Uuid,
    #[arg(long)]
    pub json: bool,
}

pub async fn run(config: &Config, args: ImportArgs) -> anyhow::Result<()> {
    let db = database::open(config).await?;
    flux_store::migrate(&db.owner)
        .await
        .context("applying migrations")?;
    let pool = flux_store::connect_app(db.app.clone(), db.app_role, 4).await?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{bar:40}] {pos}/{len} lines ({per_sec}, eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message("importing");
    let progress_bar = bar.clone();
    let progress = Arc::new(move |p: flux_app::uploads::Progress| {
        progress_bar.set_length(p.lines_total);
        progress_bar.set_position(p.lines_done);
    });
    let source = Source {
        filename: args
            .file
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| "upload".into()),
        path: args.file.clone(),
    };
    let opts = ImportOptions {
        policy: args.policy,
        format: args.format,
        mapping: None,
        period_date: args.period_date,
        location: args.location,
        dry_run: args.dry_run,
        max_errors: 1000,
        date_order: args.date_order,
        timezone: args.timezone,
    };
    let actor = Actor {
        restaurant_id: args.restaurant,
        user_id: None,
    };
    let result = flux_app::uploads::import(&pool, actor, &source, &opts, progress).await;
    bar.finish_and_clear();
    pool.close().await;
    db.release()?;
    match result {
        Ok(report) => {
            print_report(&report, args.json);
            Ok(())
        }
        Err(ImportError::Rejected(report)) | Err(ImportError::NoRows(report)) => {
            print_report(&report, args.json);
            anyhow::bail!("nothing was imported")
        }
        Err(e) => Err(e.into()),
    }
}

fn print_report(r: &ImportReport, json: bool) {
    if json {
        println!("{}", serde_json::to_string_pretty(r).unwrap_or_default());
        return;
    }
    let verb = if r.dry_run {
        "would import"
    } else {
        "imported"
    };
    println!("{}: {} ({} bytes)", r.filename, r.format, r.size_bytes);
    println!("  date order:  {}", r.date_order);
    println!(
        "  rows read {} | valid {} | {verb} {} | already stored {} | errors {} | skipped {}",
        r.rows_read,
        r.rows_valid,
        r.rows_imported,
        r.rows_duplicate,
        r.rows_errored,
        r.rows_skipped
    );
    if let (Some(f), Some(l)) = (r.first_date, r.last_date) {
        println!(
            "  business days {f} to {l}; {} dishes ({} new)",
            r.distinct_items, r.new_menu_items
        );
    }
    for w in &r.warnings {
        println!("  warning: {w}");
    }
    if let Some(id) = r.upload_id {
        println!("  upload id {id} (undo with DELETE /api/v1/restaurants/<id>/data/uploads/{id})");
    }
    for e in r.errors.iter().take(20) {
        println!(
            "  line {}: {}{}{}",
            e.line,
            e.column
                .as_deref()
                .map(|c| format!("column {c:?}: "))
                .unwrap_or_default(),
            e.value
                .as_deref()
                .map(|v| format!("value {v:?}: "))
                .unwrap_or_default(),
            e.reason
        );
    }
    if r.errors.len() > 20 || r.rows_errored > r.errors.len() as u64 {
        println!("  ... {} row errors in all", r.rows_errored);
    }
    println!("  took {} ms", r.elapsed_ms);
}

pub async fn health(config: &Config, args: HealthArgs) -> anyhow::Result<()> {
    let db = database::open(config).await?;
    flux_store::migrate(&db.owner).await?;
    let pool = flux_store::connect_app(db.app.clone(), db.app_role, 2).await?;
    let mut tx = flux_store::tenant::begin(&pool, Uuid::nil(), args.restaurant).await?;
    let r = flux_app::uploads::health::report(&mut tx, args.restaurant).await?;
    tx.commit().await?;
    pool.close().await;
    db.release()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(());
    }
    match (r.first_sale, r.last_sale) {
        (Some(f), Some(l)) => println!(
            "history: {f} to {l} ({} days, {} without sales)",
            r.days_in_span, r.days_without_sales
        ),
        _ => println!("history: none"),
    }
    println!(
        "last upload: {}",
        r.last_upload_at
            .map(|t| t.to_string())
            .unwrap_or_else(|| "never".into())
    );
    println!(
        "ready to forecast: {}",
        if r.ready_to_forecast { "yes" } else { "no" }
    );
    for a in &r.advice {
        println!("- {a}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn import_args(extra: &[&str]) -> Result<ImportArgs, clap::Error> {
        let mut argv = vec![
            "flux",
            "import",
            "--restaurant",
            "0190e0c4-0000-7000-8000-000000000001",
            "sales.csv",
        ];
        argv.extend_from_slice(extra);
        match Cli::try_parse_from(argv)?.command {
            Command::Import(args) => Ok(args),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn date_order_and_timezone_flags_reach_the_import_options() {
        let args = import_args(&["--date-order", "dmy", "--timezone", "America/New_York"])
            .expect("valid flags");
        assert_eq!(args.date_order, Some(DateOrder::Dmy));
        assert_eq!(args.timezone.map(Timezone::name), Some("America/New_York"));
        let args = import_args(&["--date-order", "month-day"]).expect("valid flags");
        assert_eq!(args.date_order, Some(DateOrder::Mdy));
        let args = import_args(&[]).expect("no flags");
        assert_eq!((args.date_order, args.timezone), (None, None));
    }

    #[test]
    fn bad_date_order_or_timezone_names_the_flag() {
        for extra in [
            ["--date-order", "dym"],
            ["--date-order", "auto"],
            ["--timezone", "Mars/Olympus"],
        ] {
            let err = import_args(&extra).expect_err("invalid flag").to_string();
            assert!(err.contains(extra[0]), "{err}");
        }
    }
}
