//! `/api/v1/restaurants/{id}/data/uploads`: sales file imports, their
//! history, undo, and a preview that stores nothing.

use std::io::Write;
use std::sync::Arc;

use axum::extract::{Multipart, RawPathParams, State};
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use flux_app::uploads::{
    parse_date_order, parse_format, Actor, ImportOptions, ImportReport, Policy, Source,
    UploadPreview,
};
use flux_domain::restaurant::Timezone;
use flux_domain::role::Action;
use flux_ingest::ColumnMapping;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{storage_error, ApiError, ApiResult, Code, Problem};
use crate::extract::{
    is_forbidden_char, path_uuid, reject_control_chars, reject_control_chars_in_json, Json, Query,
    Tenant,
};
use crate::pagination::{encode, PageParams};
use crate::AppState;

/// A multipart upload, spooled to a temporary file so memory stays flat.
struct Upload {
    file: tempfile::NamedTempFile,
    filename: String,
    opts: ImportOptions,
}

fn bad_field(field: &str, msg: impl Into<String>) -> ApiError {
    let msg = msg.into();
    ApiError::field(Code::ValidationFailed, field, "invalid", &msg)
}

async fn read_upload(mut mp: Multipart, max_bytes: u64) -> ApiResult<Upload> {
    let mut file: Option<(tempfile::NamedTempFile, String)> = None;
    let mut opts = ImportOptions::default();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::new(
                    Code::PayloadTooLarge,
                    format!("files are limited to {max_bytes} bytes"),
                ))
            }
            Err(e) => {
                return Err(ApiError::new(
                    Code::InvalidBody,
                    format!("malformed multipart body: {e}"),
                ))
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            // The name is only shown back in the upload history, so control
            // characters (which the database may refuse) are dropped rather
            // than failing the upload.
            let filename = field
                .file_name()
                .unwrap_or("upload.csv")
                .chars()
                .filter(|c| !is_forbidden_char(*c))
                .take(200)
                .collect::<String>();
            let mut tmp = tempfile::NamedTempFile::new().map_err(storage_error)?;
            let mut written = 0u64;
            let mut field = field;
            loop {
                match field.chunk().await {
                    Ok(Some(bytes)) => {
                        written += bytes.len() as u64;
                        if written > max_bytes {
                            return Err(ApiError::new(
                                Code::PayloadTooLarge,
                                format!("files are limited to {max_bytes} bytes"),
                            ));
                        }
                        tmp.write_all(&bytes).map_err(storage_error)?;
                    }
                    Ok(None) => break,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return Err(ApiError::new(
                            Code::PayloadTooLarge,
                            format!("files are limited to {max_bytes} bytes"),
                        ))
                    }
                    Err(e) => {
                        return Err(ApiError::new(
                            Code::InvalidBody,
                            format!("malformed multipart body: {e}"),
                        ))
                    }
                }
            }
            tmp.flush().map_err(storage_error)?;
            if written == 0 {
                return Err(ApiError::new(Code::EmptyFile, "the file is empty"));
            }
            file = Some((tmp, filename));
            continue;
        }
        let text = field.text().await.map_err(|e| {
            ApiError::new(Code::InvalidBody, format!("malformed multipart body: {e}"))
        })?;
        reject_control_chars(&name, &text)?;
        let text = text.trim();
        match name.as_str() {
            "policy" => opts.policy = text.parse::<Policy>().map_err(|e| bad_field("policy", e))?,
            "format" if !text.is_empty() => {
                opts.format = Some(parse_format(text).map_err(|e| bad_field("format", e))?)
            }
            "mapping" if !text.is_empty() => {
                let mapping = serde_json::from_str::<ColumnMapping>(text)
                    .map_err(|e| bad_field("mapping", format!("not a column mapping: {e}")))?;
                // `\u0000` escapes decode to NUL only inside the document,
                // and the mapping is remembered in the database.
                if text.contains("\\u") {
                    let tree = serde_json::from_str::<serde_json::Value>(text)
                        .map_err(|e| bad_field("mapping", format!("not a column mapping: {e}")))?;
                    reject_control_chars_in_json("mapping", &tree)?;
                }
                opts.mapping = Some(mapping);
            }
            "period_date" if !text.is_empty() => {
                opts.period_date = Some(
                    NaiveDate::parse_from_str(text, "%Y-%m-%d")
                        .map_err(|_| bad_field("period_date", "must be a date as YYYY-MM-DD"))?,
                )
            }
            "location" if !text.is_empty() => {
                opts.location = Some(text.chars().take(200).collect())
            }
            "date_order" => {
                opts.date_order = parse_date_order(text).map_err(|e| bad_field("date_order", e))?
            }
            "timezone" if !text.is_empty() => {
                opts.timezone = Some(Timezone::parse(text).map_err(|e| {
                    let msg =
                        e.0.first()
                            .map_or_else(|| e.to_string(), |f| f.message.clone());
                    bad_field("timezone", msg)
                })?)
            }
            "format" | "mapping" | "period_date" | "location" | "timezone" => {}
            other => return Err(bad_field(other, "unknown form field")),
        }
    }
    let (file, filename) = file.ok_or_else(|| bad_field("file", "a `file` part is required"))?;
    Ok(Upload {
        file,
        filename,
        opts,
    })
}

/// Multipart form of an upload.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The sales export (CSV, TSV or .xlsx).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `skip_invalid` (default) or `strict`.
    policy: Option<String>,
    /// Force a layout: seed, transactions, toast, square, clover, lightspeed, ...
    format: Option<String>,
    /// JSON column mapping for unrecognised layouts; remembered for next time.
    mapping: Option<String>,
    /// Sales date of period-total exports (Clover), YYYY-MM-DD.
    period_date: Option<String>,
    /// Import only this location of a multi-store file.
    location: Option<String>,
    /// How to read day/month dates such as `1/5/2025`: `auto` (default:
    /// a date in the file that reads only one way, then the export
    /// format's convention, then the restaurant's locale), `dmy`
    /// (day-month) or `mdy` (month-day). The preview's `date_order_reason`
    /// says which decided.
    date_order: Option<String>,
    /// IANA zone the file's times are in, when not the restaurant's
    /// (e.g. `America/New_York`).
    timezone: Option<String>,
}

/// Import a sales file. Atomic and exactly-once: the same file again is a
/// 409; lines already stored are not counted twice.
#[utoipa::path(post, path = "/{restaurant_id}/data/uploads", tag = "uploads",
    params(("restaurant_id" = Uuid, Path)),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = ImportReport), (status = 409, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    t: Tenant,
    mp: Multipart,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    t.require(Action::WriteData)?;
    let actor = Actor {
        restaurant_id: t.restaurant_id,
        user_id: Some(t.user_id),
    };
    t.commit().await?;
    let up = read_upload(mp, s.max_upload_bytes).await?;
    let source = Source {
        path: up.file.path().to_path_buf(),
        filename: up.filename,
    };
    let report = flux_app::uploads::import(&s.pool, actor, &source, &up.opts, Arc::new(|_| {}))
        .await
        .map_err(ApiError::from)?;
    Ok((StatusCode::CREATED, Json(report)))
}

/// Detect the layout, show the column mapping, the date order and the first
/// parsed rows with their problems. Stores nothing.
#[utoipa::path(post, path = "/{restaurant_id}/data/uploads/preview", tag = "uploads",
    params(("restaurant_id" = Uuid, Path)),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 200, body = UploadPreview), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn preview(
    State(s): State<AppState>,
    t: Tenant,
    mp: Multipart,
) -> ApiResult<Json<UploadPreview>> {
    let actor = Actor {
        restaurant_id: t.restaurant_id,
        user_id: Some(t.user_id),
    };
    t.commit().await?;
    let up = read_upload(mp, s.max_upload_bytes).await?;
    let source = Source {
        path: up.file.path().to_path_buf(),
        filename: up.filename,
    };
    let preview = flux_app::uploads::preview(&s.pool, actor, &source, &up.opts, 20)
        .await
        .map_err(ApiError::from)?;
    Ok(Json(preview))
}

#[derive(Serialize, ToSchema)]
pub struct UploadPage {
    pub items: Vec<flux_app::uploads::Upload>,
    pub next_cursor: Option<String>,
    pub total: i64,
}

/// Upload history, newest first.
#[utoipa::path(get, path = "/{restaurant_id}/data/uploads", tag = "uploads",
    params(("restaurant_id" = Uuid, Path), PageParams),
    responses((status = 200, body = UploadPage), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list(mut t: Tenant, Query(p): Query<PageParams>) -> ApiResult<Json<UploadPage>> {
    let limit = p.limit()?;
    let before = p.decode::<(DateTime<Utc>, Uuid)>()?;
    let history = flux_app::uploads::list(&mut t.tx, t.restaurant_id, before, limit).await?;
    t.commit().await?;
    Ok(Json(UploadPage {
        next_cursor: history.next().map(|position| encode(&position)),
        items: history.uploads,
        total: history.total,
    }))
}

/// One upload: status, counts, date range and row errors.
#[utoipa::path(get, path = "/{restaurant_id}/data/uploads/{upload_id}", tag = "uploads",
    params(("restaurant_id" = Uuid, Path), ("upload_id" = Uuid, Path)),
    responses((status = 200, body = flux_app::uploads::Upload), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get(
    mut t: Tenant,
    params: RawPathParams,
) -> ApiResult<Json<flux_app::uploads::Upload>> {
    let id = path_uuid(&params, "upload_id")?;
    let u = flux_app::uploads::get(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(Json(u))
}

/// Undo an upload: removes every line it imported and its share of the
/// daily totals. The upload stays in the history as `undone`; undoing it
/// again changes nothing.
#[utoipa::path(delete, path = "/{restaurant_id}/data/uploads/{upload_id}", tag = "uploads",
    params(("restaurant_id" = Uuid, Path), ("upload_id" = Uuid, Path)),
    responses((status = 200, body = flux_app::uploads::Upload), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn undo(
    mut t: Tenant,
    params: RawPathParams,
) -> ApiResult<Json<flux_app::uploads::Upload>> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "upload_id")?;
    let u = flux_app::uploads::undo(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(Json(u))
}
