//! Menu photo scans: a photo and the dishes read off it, until and after
//! the owner confirms them (migration 0025).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::Result;

/// A stored scan without its photo.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Scan {
    pub scan_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub engine: String,
    pub filename: String,
    pub pages: i32,
    pub seconds: f64,
    pub items: serde_json::Value,
    pub warnings: serde_json::Value,
    pub confirmed_at: Option<DateTime<Utc>>,
    /// A model's starter recipes for dishes the library does not know, by
    /// name key.
    pub recipe_ideas: serde_json::Value,
}

/// What a new scan stores.
#[derive(Debug, Clone)]
pub struct NewScan<'a> {
    pub engine: &'a str,
    pub filename: &'a str,
    pub pages: i32,
    pub seconds: f64,
    pub photo: &'a [u8],
    pub items: serde_json::Value,
    pub warnings: serde_json::Value,
    pub recipe_ideas: serde_json::Value,
}

const COLUMNS: &str =
    "scan_id, created_at, engine, filename, pages, seconds, items, warnings, confirmed_at, recipe_ideas";

pub async fn insert(
    conn: &mut PgConnection,
    rid: Uuid,
    user_id: Option<Uuid>,
    scan: &NewScan<'_>,
) -> Result<Scan> {
    Ok(sqlx::query_as(&format!(
        "insert into menu_photo_scans
             (restaurant_id, scan_id, created_by, engine, filename, pages, seconds, photo, items, warnings, recipe_ideas)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning {COLUMNS}"
    ))
    .bind(rid)
    .bind(Uuid::now_v7())
    .bind(user_id)
    .bind(scan.engine)
    .bind(scan.filename)
    .bind(scan.pages)
    .bind(scan.seconds)
    .bind(scan.photo)
    .bind(&scan.items)
    .bind(&scan.warnings)
    .bind(&scan.recipe_ideas)
    .fetch_one(conn)
    .await?)
}

pub async fn get(conn: &mut PgConnection, rid: Uuid, scan_id: Uuid) -> Result<Option<Scan>> {
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS} from menu_photo_scans where restaurant_id = $1 and scan_id = $2"
    ))
    .bind(rid)
    .bind(scan_id)
    .fetch_optional(conn)
    .await?)
}

/// The most recent scans, newest first.
pub async fn recent(conn: &mut PgConnection, rid: Uuid, limit: i64) -> Result<Vec<Scan>> {
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS} from menu_photo_scans where restaurant_id = $1
         order by created_at desc, scan_id desc limit $2"
    ))
    .bind(rid)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

pub async fn photo(conn: &mut PgConnection, rid: Uuid, scan_id: Uuid) -> Result<Option<Vec<u8>>> {
    Ok(sqlx::query_scalar(
        "select photo from menu_photo_scans where restaurant_id = $1 and scan_id = $2",
    )
    .bind(rid)
    .bind(scan_id)
    .fetch_optional(conn)
    .await?)
}

/// Marks a scan confirmed; false when it was already (or does not exist).
/// The row lock makes two concurrent confirmations apply once.
pub async fn mark_confirmed(
    conn: &mut PgConnection,
    rid: Uuid,
    scan_id: Uuid,
    user_id: Option<Uuid>,
) -> Result<bool> {
    Ok(sqlx::query(
        "update menu_photo_scans set confirmed_at = now(), confirmed_by = $3
         where restaurant_id = $1 and scan_id = $2 and confirmed_at is null",
    )
    .bind(rid)
    .bind(scan_id)
    .bind(user_id)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}
