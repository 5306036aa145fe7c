//! Importing a sales file into a restaurant, exactly once.
//!
//! The pipeline, shared by the HTTP upload endpoint and `flux import`:
//!
//! 1. hash the file; the same file already imported is refused;
//! 2. **pass 1** parses the whole file without writing anything: counts,
//!    row errors, the date range and the set of dish names. A `strict`
//!    upload with any row error stops here, as does a dry run;
//! 3. one database transaction then creates missing menu items
//!    (`auto_created`), **pass 2** re-parses the file and streams the lines
//!    with `COPY` into a staging table, moves them into `transaction_items`
//!    (skipping lines already stored), updates the daily roll-up and records
//!    the upload.
//!
//! Parsing twice costs less than it seems (the parser runs several times
//! faster than PostgreSQL ingests) and keeps memory bounded whatever the file
//! size: nothing but the dish names and counters is held between passes.
//! Everything is one transaction, so a crash at any point leaves no partial
//! import.
//!
//! The history of past uploads and their undo live in [`history`] (its
//! functions are re-exported here); data health in [`health`].

mod copy;
pub mod health;
pub mod history;
mod report;

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::NaiveDate;
use flux_domain::restaurant::Timezone;
use flux_ingest::{ColumnMapping, DateOrder, Format, IngestError, ParseOptions};
use flux_store::PgPool;
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub use history::{get, list, undo, History, Upload, UploadStatus};
pub use report::{
    DateOrderSource, ErrorRow, ImportReport, PreviewRow, Progress, RecognisedPreview,
    TimezoneSource, UnrecognisedLayout, UploadPreview,
};

/// What to do with rows that fail validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Any row error rejects the whole file.
    Strict,
    /// Import the valid rows, report the others.
    #[default]
    SkipInvalid,
}

impl Policy {
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Strict => "strict",
            Policy::SkipInvalid => "skip_invalid",
        }
    }
}

impl FromStr for Policy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "strict" => Ok(Policy::Strict),
            "skip_invalid" => Ok(Policy::SkipInvalid),
            other => Err(format!(
                "unknown policy {other:?} (expected strict or skip_invalid)"
            )),
        }
    }
}

/// Parses a format name (`seed`, `toast`, `square`, ...).
pub fn parse_format(name: &str) -> Result<Format, String> {
    serde_json::from_value(serde_json::Value::String(name.trim().to_lowercase()))
        .map_err(|_| format!("unknown format {name:?}"))
}

/// Per-upload choices.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub policy: Policy,
    pub format: Option<Format>,
    pub mapping: Option<ColumnMapping>,
    /// The sales date of period-total exports (Clover).
    pub period_date: Option<NaiveDate>,
    /// Only lines of this location (files covering several stores).
    pub location: Option<String>,
    pub dry_run: bool,
    /// Row errors kept in the report (counts stay exact).
    pub max_errors: usize,
    /// Day/month order chosen for this file; `None` lets the file, the
    /// locale and the format decide.
    pub date_order: Option<DateOrder>,
    /// Zone the file's times are read in, instead of the restaurant's
    /// (a file exported by a till set to another zone).
    pub timezone: Option<Timezone>,
}

/// Parses a date order as the upload forms and `flux import` spell it:
/// `dmy`/`day-month`, `mdy`/`month-day`, and `ymd`/`year-month-day` when
/// the parser has that order; `auto` or blank is `None`.
pub fn parse_date_order(raw: &str) -> Result<Option<DateOrder>, String> {
    let word = raw.trim().to_ascii_lowercase().replace('_', "-");
    let code = match word.as_str() {
        "" | "auto" => return Ok(None),
        "day-month" | "day-month-year" => "dmy",
        "month-day" | "month-day-year" => "mdy",
        "year-month-day" => "ymd",
        other => other,
    };
    date_order_code(code).map(Some).ok_or_else(|| {
        format!(
            "unknown date order {:?} (expected auto, {})",
            raw.chars().take(40).collect::<String>(),
            date_order_codes().join(", ")
        )
    })
}

/// The short codes of the date orders the parser knows (`dmy`, `mdy`, ...),
/// as a person may choose them for an upload.
pub fn date_order_codes() -> Vec<&'static str> {
    ["dmy", "mdy", "ymd"]
        .into_iter()
        .filter(|c| date_order_code(c).is_some())
        .collect()
}

/// [`DateOrder`]'s own spelling is the code, so a variant the parser adds
/// is accepted everywhere without a second list to keep in step.
fn date_order_code(code: &str) -> Option<DateOrder> {
    serde_json::from_value(serde_json::Value::String(code.to_string())).ok()
}

/// Who imports into which restaurant.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub restaurant_id: Uuid,
    /// `None` for imports run from the command line.
    pub user_id: Option<Uuid>,
}

/// Why an import did not happen. In every case nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    File(#[from] IngestError),
    #[error("this file was already imported as upload {0}")]
    Duplicate(Uuid),
    #[error("rejected: {} row(s) have errors and the policy is strict", .0.rows_errored)]
    Rejected(Box<ImportReport>),
    #[error("the file has no valid sale rows")]
    NoRows(Box<ImportReport>),
    #[error("restaurant not found")]
    NoRestaurant,
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] flux_store::StoreError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

/// A file to import.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    /// Name shown in upload history.
    pub filename: String,
}

fn hash_file(path: &Path) -> std::io::Result<(Vec<u8>, u64)> {
    let mut reader = BufReader::with_capacity(1 << 20, File::open(path)?);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((hasher.finalize().to_vec(), size))
}

/// The restaurant facts parsing depends on, with this upload's overrides
/// applied: `timezone` is the zone the file is read in.
struct Context {
    timezone: chrono_tz::Tz,
    timezone_from: TimezoneSource,
    locale: String,
    cutoff: u8,
}

async fn context(
    pool: &PgPool,
    actor: Actor,
    opts: &ImportOptions,
) -> Result<Context, ImportError> {
    let mut tx = flux_store::tenant::begin(
        pool,
        actor.user_id.unwrap_or(Uuid::nil()),
        actor.restaurant_id,
    )
    .await?;
    let r = flux_store::restaurants::get(&mut tx, actor.restaurant_id)
        .await?
        .ok_or(ImportError::NoRestaurant)?;
    let rows = flux_store::settings::load(&mut tx, actor.restaurant_id).await?;
    tx.commit().await?;
    let settings =
        flux_domain::settings::Settings::from_stored(rows.iter().map(|(k, v)| (k.as_str(), v)));
    let (timezone, timezone_from) = match opts.timezone {
        Some(tz) => (tz.tz(), TimezoneSource::Upload),
        None => (r.timezone.tz(), TimezoneSource::Restaurant),
    };
    Ok(Context {
        timezone,
        timezone_from,
        locale: r.locale.to_string(),
        cutoff: settings.day_cutoff_hour,
    })
}

fn parse_options(ctx: &Context, opts: &ImportOptions, today: NaiveDate) -> ParseOptions {
    let mut p = ParseOptions::new(ctx.timezone, today)
        .with_locale(ctx.locale.clone())
        .with_day_cutoff_hour(ctx.cutoff)
        .with_max_errors(if opts.max_errors == 0 {
            1000
        } else {
            opts.max_errors
        });
    if let Some(f) = opts.format {
        p = p.with_format(f);
    }
    if let Some(m) = &opts.mapping {
        p = p.with_mapping(m.clone());
    }
    if let Some(d) = opts.period_date {
        p = p.with_period_date(d);
    }
    if let Some(order) = opts.date_order {
        p = p.with_date_order(order);
    }
    p
}

/// Key under which a hand-made column mapping is remembered: the
/// normalised header row.
fn headers_key(headers: &[String]) -> String {
    headers
        .iter()
        .map(|h| flux_ingest::normalize_header(h))
        .collect::<Vec<_>>()
        .join("|")
}

/// Runs the whole import. `progress` is called from a worker thread as
/// lines are streamed.
pub async fn import(
    pool: &PgPool,
    actor: Actor,
    source: &Source,
    opts: &ImportOptions,
    progress: std::sync::Arc<dyn Fn(Progress) + Send + Sync>,
) -> Result<ImportReport, ImportError> {
    let started = std::time::Instant::now();
    let path = source.path.clone();
    let (sha, size) = tokio::task::spawn_blocking(move || hash_file(&path))
        .await
        .map_err(|e| ImportError::Internal(e.to_string()))??;

    {
        let mut tx = flux_store::tenant::begin(
            pool,
            actor.user_id.unwrap_or(Uuid::nil()),
            actor.restaurant_id,
        )
        .await?;
        if let Some(earlier) =
            flux_store::uploads::live_upload_with_hash(&mut tx, actor.restaurant_id, &sha).await?
        {
            return Err(ImportError::Duplicate(earlier));
        }
        tx.commit().await?;
    }

    let ctx = context(pool, actor, opts).await?;
    let today = chrono::Utc::now().with_timezone(&ctx.timezone).date_naive();
    let mut popts = parse_options(&ctx, opts, today);
    let mut remembered = false;

    // Pass 1: everything we need to know before writing.
    let scan = match copy::scan(&source.path, &popts, opts.location.clone()).await {
        Err(ImportError::File(IngestError::UnrecognisedLayout { headers }))
            if opts.mapping.is_none() =>
        {
            let key = headers_key(&headers);
            let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), actor.restaurant_id).await?;
            let saved =
                flux_store::uploads::saved_mapping(&mut tx, actor.restaurant_id, &key).await?;
            tx.commit().await?;
            let Some(mapping) = saved.and_then(|m| serde_json::from_value::<ColumnMapping>(m).ok())
            else {
                return Err(ImportError::File(IngestError::UnrecognisedLayout {
                    headers,
                }));
            };
            popts = popts.with_mapping(mapping);
            remembered = true;
            copy::scan(&source.path, &popts, opts.location.clone()).await?
        }
        other => other?,
    };
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        lines = scan.lines,
        "file scanned"
    );
    let mut report = ImportReport::from_scan(&scan, source, size, opts);
    report.used_saved_mapping = remembered;
    if opts.policy == Policy::Strict && scan.summary.errored > 0 {
        report.finish(started);
        return Err(ImportError::Rejected(Box::new(report)));
    }
    if scan.lines == 0 {
        report.finish(started);
        return Err(ImportError::NoRows(Box::new(report)));
    }
    if opts.dry_run {
        report.finish(started);
        return Ok(report);
    }

    // The months the file covers get their partitions first, committed
    // at once: the import's own transaction then never holds the lock
    // that creating one takes on the whole table.
    if let (Some(first), Some(last)) = (scan.first_date, scan.last_date) {
        let mut tx = pool.begin().await?;
        flux_store::uploads::ensure_partitions(&mut tx, first, last).await?;
        tx.commit().await?;
    }

    // Pass 2, in one transaction with the upload record. A plain insert
    // that meets a key clash (possible only for very unusual files) is
    // retried skipping existing lines.
    let upload_id = Uuid::now_v7();
    let remember = match &opts.mapping {
        Some(m) => Some((
            headers_key(&scan.summary.sniffed.headers),
            serde_json::to_value(m).map_err(|e| ImportError::Internal(e.to_string()))?,
        )),
        None => None,
    };
    let job = copy::StoreJob {
        actor,
        upload_id,
        path: &source.path,
        popts: &popts,
        scan: &scan,
        sha: &sha,
        remember_mapping: remember.as_ref(),
    };
    let mut direct_allowed = true;
    loop {
        match copy::store(
            pool,
            &job,
            direct_allowed,
            &mut report,
            progress.clone(),
            started,
        )
        .await
        {
            Ok(()) => {
                let secs = started.elapsed().as_secs_f64();
                metrics::counter!("flux_import_rows_total").increment(report.rows_read);
                metrics::histogram!("flux_import_seconds").record(secs);
                if secs > 0.0 {
                    metrics::histogram!("flux_import_rows_per_second")
                        .record(report.rows_read as f64 / secs);
                }
                return Ok(report);
            }
            Err(copy::StoreFailure::KeyClash) if direct_allowed => {
                tracing::info!("plain insert met an existing key; retrying with skip-existing");
                direct_allowed = false;
            }
            Err(copy::StoreFailure::KeyClash) => {
                return Err(ImportError::Internal(
                    "duplicate keys within staging".into(),
                ));
            }
            Err(copy::StoreFailure::Other(e)) => return Err(e),
        }
    }
}

/// Detection results and the first `rows` parsed lines with their problems.
/// Stores nothing.
pub async fn preview(
    pool: &PgPool,
    actor: Actor,
    source: &Source,
    opts: &ImportOptions,
    rows: usize,
) -> Result<UploadPreview, ImportError> {
    let ctx = context(pool, actor, opts).await?;
    let today = chrono::Utc::now().with_timezone(&ctx.timezone).date_naive();
    let popts = parse_options(&ctx, opts, today);
    let path = source.path.clone();
    let result =
        tokio::task::spawn_blocking(move || -> Result<flux_ingest::Preview, ImportError> {
            Ok(flux_ingest::preview(File::open(&path)?, &popts, rows)?)
        })
        .await
        .map_err(|e| ImportError::Internal(e.to_string()))?;
    let p = match result {
        Err(ImportError::File(IngestError::UnrecognisedLayout { headers })) => {
            return Ok(UploadPreview::Unrecognised(UnrecognisedLayout {
                recognised: false,
                headers,
                message: "layout not recognised: send a column mapping naming the date, item, quantity and price headers".into(),
            }))
        }
        other => other?,
    };
    let rows = p
        .rows
        .into_iter()
        .map(|r| match r {
            Ok(line) => PreviewRow::Line { ok: true, line },
            Err(e) => PreviewRow::Error {
                ok: false,
                error: ErrorRow::from(&e),
            },
        })
        .collect();
    let sniffed = p.sniffed;
    Ok(UploadPreview::Recognised(Box::new(RecognisedPreview {
        recognised: true,
        format: report::format_id(sniffed.format),
        encoding: sniffed.encoding.map(|e| e.to_string()),
        delimiter: sniffed.delimiter.map(|d| d.to_string()),
        header_line: sniffed.header_line,
        headers: sniffed.headers,
        mapping: sniffed.mapping,
        date_order: sniffed.date_order.to_string(),
        date_order_used: sniffed.date_order.order,
        date_order_reason: (&sniffed.date_order.reason).into(),
        timezone: ctx.timezone.name().to_string(),
        timezone_from: ctx.timezone_from,
        locale: ctx.locale,
        warnings: report::unmapped_warnings(&sniffed.unmapped),
        unmapped_columns: sniffed.unmapped,
        rows,
    })))
}
