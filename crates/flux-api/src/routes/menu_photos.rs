//! `/api/v1/restaurants/{id}/recipes/menu/…`: a photo of the printed menu
//! read into proposed dishes (the seed's `upload-photo`), the proposal,
//! its photo, and the owner's confirmation into the menu.

use axum::extract::{Multipart, RawPathParams, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use flux_app::menu_photos::scans::{self, Actor, ConfirmItem, Confirmed, Proposal};
use flux_app::menu_photos::PhotoLimits;
use flux_domain::role::Action;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult, Code, Problem};
use crate::extract::{is_forbidden_char, path_uuid, Json, Tenant};
use crate::AppState;

/// The multipart form of a photo upload.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PhotoForm {
    /// JPEG, PNG or WebP photo, or a PDF (every page, up to 10), at most
    /// 20 MB and 40 megapixels.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

fn too_large(max: usize) -> ApiError {
    ApiError::new(
        Code::PayloadTooLarge,
        format!("photos are limited to {max} bytes"),
    )
}

/// Reads the `file` part into memory, refusing more than `max` bytes as
/// they arrive.
async fn read_photo(mut mp: Multipart, max: usize) -> ApiResult<(Vec<u8>, String)> {
    let malformed = |e: axum::extract::multipart::MultipartError| -> ApiError {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(max)
        } else {
            ApiError::new(Code::InvalidBody, format!("malformed multipart body: {e}"))
        }
    };
    while let Some(mut field) = mp.next_field().await.map_err(malformed)? {
        if field.name() != Some("file") {
            continue;
        }
        let filename = field
            .file_name()
            .unwrap_or("menu")
            .chars()
            .filter(|c| !is_forbidden_char(*c))
            .take(200)
            .collect::<String>();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(malformed)? {
            if bytes.len() + chunk.len() > max {
                return Err(too_large(max));
            }
            bytes.extend_from_slice(&chunk);
        }
        if bytes.is_empty() {
            return Err(ApiError::new(Code::EmptyFile, "the file is empty"));
        }
        return Ok((bytes, filename));
    }
    Err(ApiError::field(
        Code::ValidationFailed,
        "file",
        "required",
        "a `file` part is required",
    ))
}

/// Upload a photo or scan of the printed menu. The dishes read off it
/// (section headers as categories, names, descriptions, prices and their
/// variants, a confidence each) come back as a proposal that changes
/// nothing until confirmed; dishes the menu already has are flagged with
/// their current price. Read by the local OCR engine, or by the vision
/// model when the server has one configured (`engine` says which).
#[utoipa::path(post, path = "/{restaurant_id}/recipes/menu/upload-photo", tag = "menu",
    params(("restaurant_id" = Uuid, Path)),
    request_body(content = PhotoForm, content_type = "multipart/form-data"),
    responses((status = 201, body = Proposal), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem), (status = 503, body = Problem)),
    security(("bearer" = [])))]
pub async fn upload(
    State(s): State<AppState>,
    t: Tenant,
    mp: Multipart,
) -> ApiResult<(StatusCode, Json<Proposal>)> {
    t.require(Action::WriteData)?;
    let actor = Actor {
        restaurant_id: t.restaurant_id,
        user_id: Some(t.user_id),
    };
    t.commit().await?;
    let limits = PhotoLimits::default();
    let (bytes, filename) = read_photo(mp, limits.max_bytes).await?;
    let proposal = scans::scan(&s.pool, actor, &bytes, &filename, &s.menu_readers, limits).await?;
    Ok((StatusCode::CREATED, Json(proposal)))
}

/// A proposal, compared with the menu as it is now.
#[utoipa::path(get, path = "/{restaurant_id}/recipes/menu/photo-scans/{scan_id}", tag = "menu",
    params(("restaurant_id" = Uuid, Path), ("scan_id" = Uuid, Path)),
    responses((status = 200, body = Proposal), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get(mut t: Tenant, params: RawPathParams) -> ApiResult<Json<Proposal>> {
    let id = path_uuid(&params, "scan_id")?;
    let p = scans::get(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(Json(p))
}

/// The photo of a proposal (the upright first page, PNG).
#[utoipa::path(get, path = "/{restaurant_id}/recipes/menu/photo-scans/{scan_id}/photo", tag = "menu",
    params(("restaurant_id" = Uuid, Path), ("scan_id" = Uuid, Path)),
    responses((status = 200, content_type = "image/png", body = Vec<u8>), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn photo(mut t: Tenant, params: RawPathParams) -> ApiResult<impl IntoResponse> {
    let id = path_uuid(&params, "scan_id")?;
    let png = scans::photo(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(([(header::CONTENT_TYPE, "image/png")], png))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmBody {
    /// The dishes to put on the menu, as edited; dishes left out are
    /// dropped.
    pub items: Vec<ConfirmItem>,
}

/// Confirm a proposal into the menu: matched dishes are updated (price and
/// category), the others created, all or nothing; the new dishes' starter
/// recipes then wait in `GET …/recipes/confirm`. A proposal is confirmed
/// once (409 after).
#[utoipa::path(post, path = "/{restaurant_id}/recipes/menu/photo-scans/{scan_id}/confirm", tag = "menu",
    params(("restaurant_id" = Uuid, Path), ("scan_id" = Uuid, Path)),
    request_body = ConfirmBody,
    responses((status = 200, body = Confirmed), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn confirm(
    mut t: Tenant,
    params: RawPathParams,
    Json(body): Json<ConfirmBody>,
) -> ApiResult<Json<Confirmed>> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "scan_id")?;
    let done = scans::confirm(&mut t.tx, t.restaurant_id, id, Some(t.user_id), &body.items).await?;
    t.commit().await?;
    Ok(Json(done))
}
