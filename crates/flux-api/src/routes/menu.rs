//! `/api/v1/restaurants/{id}/menu/items`: dishes, with the seed's paths.

use axum::extract::RawPathParams;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use flux_app::menu::MenuQuery;
use flux_domain::role::Action;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult, Code, Problem};
use crate::extract::{path_uuid, Json, Query, Tenant};
use crate::pagination::{encode, PageParams};

#[derive(Serialize, ToSchema)]
pub struct MenuItem {
    pub id: Uuid,
    pub name: String,
    pub category: Option<String>,
    pub description: Option<String>,
    #[serde(with = "rust_decimal::serde::float_option")]
    #[schema(value_type = Option<f64>, example = 12.5)]
    pub price: Option<Decimal>,
    pub active: bool,
    /// Created by a sales import rather than by a person.
    pub auto_created: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<flux_app::menu::MenuItem> for MenuItem {
    fn from(m: flux_app::menu::MenuItem) -> Self {
        Self {
            id: m.menu_item_id,
            name: m.name,
            category: m.category,
            description: m.description,
            price: m.price,
            active: m.active,
            auto_created: m.auto_created,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MenuItemPage {
    pub items: Vec<MenuItem>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// Items matching the filters, over all pages.
    pub total: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MenuItemInput {
    #[schema(example = "Caesar Salad")]
    pub name: String,
    pub category: Option<String>,
    /// Up to 500 characters; absent or blank means none (a replacement
    /// without it clears it).
    #[serde(default)]
    #[schema(example = "romaine, croutons, parmesan")]
    pub description: Option<String>,
    #[serde(default, with = "rust_decimal::serde::float_option")]
    #[schema(value_type = Option<f64>, example = 12.5)]
    pub price: Option<Decimal>,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Filters {
    /// Exact category (case-insensitive).
    pub category: Option<String>,
    /// Substring of the name (case-insensitive).
    pub q: Option<String>,
    pub active: Option<bool>,
}

#[derive(Deserialize)]
pub struct ListParams {
    #[serde(flatten)]
    pub page: PageParamsFlat,
    #[serde(flatten)]
    pub filters: FiltersFlat,
}

/// Flattened copies: serde's `flatten` and `Option<i64>` from query strings
/// need string parsing, which axum's `Query` handles only at the top level.
#[derive(Deserialize)]
pub struct PageParamsFlat {
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

#[derive(Deserialize)]
pub struct FiltersFlat {
    pub category: Option<String>,
    pub q: Option<String>,
    pub active: Option<String>,
}

impl From<MenuItemInput> for flux_app::menu::MenuItemInput {
    fn from(b: MenuItemInput) -> Self {
        Self {
            name: b.name,
            category: b.category,
            description: b.description,
            price: b.price,
            active: Some(b.active),
        }
    }
}

/// List menu items, by name, with filters and keyset pagination.
#[utoipa::path(get, path = "/{restaurant_id}/menu/items", tag = "menu",
    params(("restaurant_id" = Uuid, Path), PageParams, Filters),
    responses((status = 200, body = MenuItemPage), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(mut t: Tenant, Query(p): Query<ListParams>) -> ApiResult<Json<MenuItemPage>> {
    let bad = |what: &str| ApiError::new(Code::InvalidQuery, what.to_string());
    let page = PageParams {
        limit: match p.page.limit {
            Some(l) => Some(l.parse().map_err(|_| bad("limit must be a whole number"))?),
            None => None,
        },
        cursor: p.page.cursor,
    };
    let active = match p.filters.active.as_deref() {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return Err(bad("active must be true or false")),
    };
    let limit = page.limit()?;
    let q = MenuQuery {
        category: p.filters.category,
        search: p.filters.q,
        active,
        after: page.decode::<(String, Uuid)>()?,
        limit,
    };
    let found = flux_app::menu::list(&mut t.tx, t.restaurant_id, q).await?;
    t.commit().await?;
    let next_cursor = if found.more {
        found
            .items
            .last()
            .map(|r| encode(&(&r.name_key, r.menu_item_id)))
    } else {
        None
    };
    Ok(Json(MenuItemPage {
        items: found.items.into_iter().map(MenuItem::from).collect(),
        next_cursor,
        total: found.total,
    }))
}

/// Create a menu item (chefs, managers, owners).
#[utoipa::path(post, path = "/{restaurant_id}/menu/items", tag = "menu",
    params(("restaurant_id" = Uuid, Path)), request_body = MenuItemInput,
    responses((status = 201, body = MenuItem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    mut t: Tenant,
    Json(b): Json<MenuItemInput>,
) -> ApiResult<(StatusCode, Json<MenuItem>)> {
    t.require(Action::WriteData)?;
    let item = flux_app::menu::create(&mut t.tx, t.restaurant_id, &b.into()).await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(item.into())))
}

/// One menu item.
#[utoipa::path(get, path = "/{restaurant_id}/menu/items/{item_id}", tag = "menu",
    params(("restaurant_id" = Uuid, Path), ("item_id" = Uuid, Path)),
    responses((status = 200, body = MenuItem), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get(mut t: Tenant, params: RawPathParams) -> ApiResult<Json<MenuItem>> {
    let id = path_uuid(&params, "item_id")?;
    let item = flux_app::menu::get(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(Json(item.into()))
}

/// Replace a menu item's fields (seed: PUT).
#[utoipa::path(put, path = "/{restaurant_id}/menu/items/{item_id}", tag = "menu",
    params(("restaurant_id" = Uuid, Path), ("item_id" = Uuid, Path)), request_body = MenuItemInput,
    responses((status = 200, body = MenuItem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<MenuItemInput>,
) -> ApiResult<Json<MenuItem>> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "item_id")?;
    let item = flux_app::menu::update(&mut t.tx, t.restaurant_id, id, &b.into()).await?;
    t.commit().await?;
    Ok(Json(item.into()))
}

/// Delete a menu item.
#[utoipa::path(delete, path = "/{restaurant_id}/menu/items/{item_id}", tag = "menu",
    params(("restaurant_id" = Uuid, Path), ("item_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete(mut t: Tenant, params: RawPathParams) -> ApiResult<StatusCode> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "item_id")?;
    flux_app::menu::delete(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AliasInput {
    /// Another spelling that sales files use for this dish, e.g. "Caesar salad (L)".
    pub alias: String,
}

/// An alias as stored: the spelling after the same clean-up as dish names.
#[derive(Serialize, ToSchema)]
pub struct MenuAlias {
    pub menu_item_id: Uuid,
    pub alias: String,
}

/// Add an alias: future imports map this spelling to the dish.
#[utoipa::path(post, path = "/{restaurant_id}/menu/items/{item_id}/aliases", tag = "menu",
    params(("restaurant_id" = Uuid, Path), ("item_id" = Uuid, Path)), request_body = AliasInput,
    responses((status = 201, body = MenuAlias), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn add_alias(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<AliasInput>,
) -> ApiResult<(StatusCode, Json<MenuAlias>)> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "item_id")?;
    let alias = flux_app::menu::add_alias(&mut t.tx, t.restaurant_id, id, &b.alias).await?;
    t.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(MenuAlias {
            menu_item_id: id,
            alias,
        }),
    ))
}
