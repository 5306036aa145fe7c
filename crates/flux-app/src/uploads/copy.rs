//! The two passes over the file: `scan` (read-only) and `store` (COPY).

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use flux_ingest::{ParseOptions, SaleLine, Summary};
use flux_store::uploads::{self as store, LineRow, NewUpload};
use flux_store::PgPool;
use uuid::Uuid;

use crate::uploads::{Actor, ImportError, ImportReport, Progress};

/// What pass 1 learnt.
pub(crate) struct Scan {
    pub summary: Summary,
    pub lines: u64,
    pub other_location: u64,
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
    /// item key → (display name, category)
    pub items: HashMap<String, (String, Option<String>)>,
    pub location: Option<String>,
    /// Whether any line carries a POS order id (then orders are derived).
    pub has_orders: bool,
}

fn open(path: &Path, popts: &ParseOptions) -> Result<flux_ingest::SalesReader<File>, ImportError> {
    Ok(flux_ingest::parse(File::open(path)?, popts)?)
}

fn wanted(line: &SaleLine, location: &Option<String>) -> bool {
    location
        .as_ref()
        .is_none_or(|l| line.location.as_deref() == Some(l.as_str()))
}

pub(crate) async fn scan(
    path: &Path,
    popts: &ParseOptions,
    location: Option<String>,
) -> Result<Scan, ImportError> {
    let path = path.to_path_buf();
    let popts = popts.clone();
    tokio::task::spawn_blocking(move || {
        let mut reader = open(&path, &popts)?;
        let mut scan = Scan {
            summary: reader.summary().clone(),
            lines: 0,
            other_location: 0,
            first_date: None,
            last_date: None,
            items: HashMap::new(),
            location,
            has_orders: false,
        };
        for line in reader.by_ref().flatten() {
            if !wanted(&line, &scan.location) {
                scan.other_location += 1;
                continue;
            }
            scan.lines += 1;
            scan.has_orders |= line.order_id.is_some();
            let d = line.business_date;
            scan.first_date = Some(scan.first_date.map_or(d, |f| f.min(d)));
            scan.last_date = Some(scan.last_date.map_or(d, |l| l.max(d)));
            let key = line.item_key();
            scan.items
                .entry(key)
                .or_insert_with(|| (line.item.clone(), line.category.clone()));
        }
        scan.summary = reader.finish();
        Ok(scan)
    })
    .await
    .map_err(|e| ImportError::Internal(e.to_string()))?
}

pub(crate) enum StoreFailure {
    /// A plain insert hit an existing key: retry skipping existing lines.
    KeyClash,
    Other(ImportError),
}

impl<E: Into<ImportError>> From<E> for StoreFailure {
    fn from(e: E) -> Self {
        StoreFailure::Other(e.into())
    }
}

fn is_key_clash(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.code().as_deref() == Some("23505"))
}

/// Everything pass 2 needs.
pub(crate) struct StoreJob<'a> {
    pub actor: Actor,
    pub upload_id: Uuid,
    pub path: &'a Path,
    pub popts: &'a ParseOptions,
    pub scan: &'a Scan,
    pub sha: &'a [u8],
    pub remember_mapping: Option<&'a (String, serde_json::Value)>,
}

const CHUNK_BYTES: usize = 512 * 1024;

/// Watches, in file order, whether any (business day, dish) has more than
/// one line, holding only the current day's dishes: a day that comes back
/// after a later one counts as repeated rather than being remembered.
/// Daily-totals exports, sorted by day with one line per dish, are the
/// case this recognises.
struct DayItems {
    day: Option<NaiveDate>,
    items: HashSet<Uuid>,
    unique: bool,
}

impl DayItems {
    fn new() -> Self {
        Self {
            day: None,
            items: HashSet::new(),
            unique: true,
        }
    }

    fn see(&mut self, day: NaiveDate, item: Uuid) {
        if !self.unique {
            return;
        }
        match self.day {
            Some(d) if d == day => {}
            Some(d) if d > day => return self.give_up(),
            _ => {
                self.day = Some(day);
                self.items.clear();
            }
        }
        if !self.items.insert(item) {
            self.give_up();
        }
    }

    fn give_up(&mut self) {
        self.unique = false;
        self.items = HashSet::new();
    }

    fn verdict(&self) -> store::DayItemLines {
        if self.unique {
            store::DayItemLines::Unique
        } else {
            store::DayItemLines::Repeated
        }
    }
}

pub(crate) async fn store(
    pool: &PgPool,
    job: &StoreJob<'_>,
    direct_allowed: bool,
    report: &mut ImportReport,
    progress: Arc<dyn Fn(Progress) + Send + Sync>,
    started: std::time::Instant,
) -> Result<(), StoreFailure> {
    let rid = job.actor.restaurant_id;
    let mut tx =
        flux_store::tenant::begin(pool, job.actor.user_id.unwrap_or(Uuid::nil()), rid).await?;
    // Held until commit: what is "already stored" must not change under us.
    store::lock_sales(&mut tx, rid).await?;
    // The same file sent twice at once: the first check ran before the
    // lock, so the one that waited learns here that the other won.
    if let Some(earlier) = store::live_upload_with_hash(&mut tx, rid, job.sha).await? {
        return Err(StoreFailure::Other(ImportError::Duplicate(earlier)));
    }

    let mut ids: HashMap<String, Uuid> = flux_store::menu::keys(&mut tx, rid)
        .await?
        .into_iter()
        .collect();
    let missing: Vec<(String, String, Option<String>)> = job
        .scan
        .items
        .iter()
        .filter(|(k, _)| !ids.contains_key(*k))
        .map(|(k, (name, cat))| (name.clone(), k.clone(), cat.clone()))
        .collect();
    let created = flux_store::menu::create_auto(&mut tx, rid, &missing).await?;
    report.new_menu_items = created.len() as u64;
    ids.extend(created);

    let (first, last) = match (job.scan.first_date, job.scan.last_date) {
        (Some(f), Some(l)) => (f, l),
        _ => {
            return Err(StoreFailure::Other(ImportError::Internal(
                "no dates".into(),
            )))
        }
    };
    let skip_existing =
        !direct_allowed || store::has_lines_between(&mut tx, rid, first, last).await?;
    store::create_staging(&mut tx).await?;

    // Producer: a blocking thread parses and encodes COPY chunks; a bounded
    // channel keeps memory flat whatever the file size.
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<u8>>(8);
    let ids = Arc::new(ids);
    let path = job.path.to_path_buf();
    let popts = job.popts.clone();
    let location = job.scan.location.clone();
    let total = job.scan.lines;
    let upload_id = job.upload_id;
    let producer = tokio::task::spawn_blocking(move || -> Result<DayItems, ImportError> {
        let reader = open(&path, &popts)?;
        let mut encoder = store::LineEncoder::new(rid, upload_id, CHUNK_BYTES + 4096);
        let mut done = 0u64;
        let mut day_items = DayItems::new();
        for line in reader.flatten() {
            if !wanted(&line, &location) {
                continue;
            }
            let Some(&menu_item_id) = ids.get(&line.item_key()) else {
                return Err(ImportError::Internal(format!(
                    "no menu item for {:?}",
                    line.item
                )));
            };
            let mut key = [0u8; 16];
            hex::decode_to_slice(line.dedupe_key(), &mut key)
                .map_err(|e| ImportError::Internal(e.to_string()))?;
            day_items.see(line.business_date, menu_item_id);
            encoder.push(&LineRow {
                business_date: line.business_date,
                dedupe_key: key,
                order_ref: line.order_id.as_deref(),
                line_no: line.line,
                menu_item_id,
                occurred_at: line.instant,
                quantity: line.quantity,
                unit_price: line.unit_price,
                line_total: line.line_total,
                is_promo: line.promo,
            })?;
            done += 1;
            if encoder.len() >= CHUNK_BYTES {
                if sender.blocking_send(encoder.take()).is_err() {
                    return Ok(day_items); // the consumer stopped; it reports why
                }
                progress(Progress {
                    lines_done: done,
                    lines_total: total,
                });
            }
        }
        encoder.finish();
        let _ = sender.blocking_send(encoder.take());
        progress(Progress {
            lines_done: done,
            lines_total: total,
        });
        Ok(day_items)
    });

    let day_items = {
        let mut copy = store::copy_in(&mut tx).await?;
        let mut failure: Option<sqlx::Error> = None;
        while let Some(chunk) = receiver.recv().await {
            if let Err(e) = copy.send(chunk).await {
                failure = Some(e);
                break;
            }
        }
        drop(receiver);
        let produced = producer
            .await
            .map_err(|e| ImportError::Internal(e.to_string()))?;
        match (failure, produced) {
            (Some(e), _) => return Err(e.into()),
            (None, Err(e)) => {
                let _ = copy.abort("import failed").await;
                return Err(StoreFailure::Other(e));
            }
            (None, Ok(seen)) => {
                copy.finish().await?;
                seen.verdict()
            }
        }
    };
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "lines copied to staging"
    );
    let merged =
        match store::merge_staging(&mut tx, rid, skip_existing, job.scan.has_orders, day_items)
            .await
        {
            Ok(m) => m,
            Err(flux_store::StoreError::Db(e)) if is_key_clash(&e) => {
                return Err(StoreFailure::KeyClash)
            }
            Err(e) => return Err(e.into()),
        };
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "lines stored and rolled up"
    );
    let imported = merged.lines;
    report.orders = merged.orders;
    report.upload_id = Some(job.upload_id);
    report.rows_imported = imported;
    report.rows_duplicate = job.scan.lines.saturating_sub(imported);
    report.finish(started);

    let summary =
        serde_json::to_value(&*report).map_err(|e| ImportError::Internal(e.to_string()))?;
    let errors = summary.get("errors").cloned().unwrap_or_default();
    let as_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    store::insert_upload(
        &mut tx,
        rid,
        &NewUpload {
            upload_id: job.upload_id,
            filename: &report.filename,
            file_sha256: job.sha,
            size_bytes: as_i64(report.size_bytes),
            format: &report.format,
            policy: &report.policy,
            rows_read: as_i64(report.rows_read),
            rows_imported: as_i64(report.rows_imported),
            rows_duplicate: as_i64(report.rows_duplicate),
            rows_errored: as_i64(report.rows_errored),
            rows_skipped: as_i64(report.rows_skipped),
            first_date: report.first_date,
            last_date: report.last_date,
            date_order: Some(&report.date_order),
            summary,
            errors,
            created_by: job.actor.user_id,
        },
    )
    .await
    .map_err(|e| match e {
        // Two concurrent uploads of the same file: the other one won.
        flux_store::StoreError::Conflict(_) => StoreFailure::Other(ImportError::Internal(
            "the same file is being imported concurrently".into(),
        )),
        other => StoreFailure::Other(other.into()),
    })?;
    // New sales mean new forecasts; queued in the same transaction, so the
    // job exists exactly when the import does.
    sales_enqueue_forecast(&mut tx, rid).await?;
    if let Some((key, value)) = job.remember_mapping {
        store::save_mapping(&mut tx, rid, key, value).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn sales_enqueue_forecast(
    tx: &mut flux_store::PgConnection,
    rid: Uuid,
) -> Result<(), StoreFailure> {
    flux_store::jobs::enqueue_forecast(tx, rid, "import").await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, d).expect("date")
    }

    fn verdict(lines: &[(u32, u128)]) -> store::DayItemLines {
        let mut seen = DayItems::new();
        for &(d, item) in lines {
            seen.see(day(d), Uuid::from_u128(item));
        }
        seen.verdict()
    }

    #[test]
    fn one_line_per_day_and_dish_in_day_order_is_unique() {
        assert_eq!(
            verdict(&[(1, 1), (1, 2), (2, 1), (2, 2), (3, 2)]),
            store::DayItemLines::Unique
        );
        assert_eq!(verdict(&[]), store::DayItemLines::Unique);
    }

    #[test]
    fn a_dish_twice_in_a_day_or_a_day_that_comes_back_is_repeated() {
        assert_eq!(
            verdict(&[(1, 1), (1, 2), (1, 1)]),
            store::DayItemLines::Repeated
        );
        // Day 1 again after day 2: it may repeat a dish of day 1, which is
        // no longer remembered.
        assert_eq!(
            verdict(&[(1, 1), (2, 2), (1, 3)]),
            store::DayItemLines::Repeated
        );
        // Once repeated, always repeated.
        assert_eq!(
            verdict(&[(1, 1), (1, 1), (2, 1), (3, 1)]),
            store::DayItemLines::Repeated
        );
    }
}
