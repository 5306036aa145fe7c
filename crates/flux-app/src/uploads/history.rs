//! The upload history: listing past imports, reading one, and undoing one.
//!
//! Undo is the only write here. It is idempotent: an upload already undone
//! is returned as it is, so a second click or a retried request never
//! touches the sales that later uploads (possibly of the same file) stored.

use chrono::{DateTime, Utc};
use flux_store::{uploads as store, PgConnection};
use uuid::Uuid;

use crate::{AppError, AppResult};

pub use flux_store::uploads::Upload;

pub use flux_store::status::UploadStatus;

fn is_completed(upload: &Upload) -> bool {
    upload.status == UploadStatus::Completed
}

/// One page of the history, newest first.
#[derive(Debug, Clone)]
pub struct History {
    pub uploads: Vec<Upload>,
    /// Whether older uploads follow the last one of this page.
    pub more: bool,
    /// Every upload of the restaurant, undone ones included.
    pub total: i64,
}

impl History {
    /// The keyset position of the page's last upload, to ask for the next
    /// page with; `None` on the last page.
    pub fn next(&self) -> Option<(DateTime<Utc>, Uuid)> {
        if !self.more {
            return None;
        }
        self.uploads.last().map(|u| (u.created_at, u.upload_id))
    }
}

/// Up to `limit` uploads made before `before` (the position of the last
/// upload already seen), newest first.
pub async fn list(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> AppResult<History> {
    let limit = limit.max(1);
    // One row beyond the page tells whether another page follows.
    let (mut uploads, total) = store::list_uploads(conn, restaurant_id, before, limit + 1).await?;
    let more = uploads.len() as i64 > limit;
    uploads.truncate(limit as usize);
    Ok(History {
        uploads,
        more,
        total,
    })
}

/// One upload with its counts, date range and row errors; another
/// restaurant's upload is not found.
pub async fn get(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    upload_id: Uuid,
) -> AppResult<Upload> {
    store::get_upload(conn, restaurant_id, upload_id)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Undoes an upload: every line it imported and its share of the daily
/// totals go, and it stays in the history as undone. Returns the upload as
/// stored afterwards.
pub async fn undo(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    upload_id: Uuid,
) -> AppResult<Upload> {
    let upload = get(conn, restaurant_id, upload_id).await?;
    if !is_completed(&upload) {
        return Ok(upload);
    }
    // Imports and undos of the restaurant wait for each other; reading the
    // status again under the lock keeps two undos at once from both acting.
    store::lock_sales(conn, restaurant_id).await?;
    let upload = get(conn, restaurant_id, upload_id).await?;
    if !is_completed(&upload) {
        return Ok(upload);
    }
    store::undo_upload(conn, restaurant_id, upload_id).await?;
    // Fewer sales mean other forecasts, as more do after an import (the
    // run is recorded as import-triggered: the sales data changed); queued
    // in the same transaction, so the job exists exactly when the undo does.
    flux_store::jobs::enqueue_forecast(conn, restaurant_id, "import").await?;
    get(conn, restaurant_id, upload_id).await
}
