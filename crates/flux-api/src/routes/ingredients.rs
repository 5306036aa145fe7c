//! `/api/v1/restaurants/{id}/ingredients`: what recipes are made of, their
//! prices over time, and CSV import.
//!
//! Money and quantities are exact decimals, written as JSON strings
//! ("2.80") in responses; requests may send numbers or strings.

use axum::body::Bytes;
use axum::extract::RawPathParams;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use flux_app::costing::ingredients::{self, IngredientInput, IngredientQuery, IngredientRow};
use flux_app::costing::Kitchen;
use flux_domain::role::Action;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult, Code, Problem};
use crate::extract::{path_uuid, Json, Query, Tenant};
use crate::pagination::{encode, PageParams};

#[derive(Serialize, ToSchema)]
pub struct Ingredient {
    pub id: Uuid,
    pub name: String,
    /// produce, meat, seafood, dairy, bakery, dry_goods, oils, spices,
    /// beverages, frozen or other.
    pub category: String,
    /// The unit `unit_cost` is per.
    #[schema(example = "kg")]
    pub base_unit: String,
    /// Cost of one base unit effective today.
    #[schema(value_type = String, example = "2.80")]
    pub unit_cost: Decimal,
    #[schema(value_type = String, example = "0.15")]
    pub waste_factor: Decimal,
    pub shelf_life_days: Option<i32>,
    pub supplier: Option<String>,
    /// Purchase pack, e.g. "5 kg".
    pub pack_size: Option<String>,
    #[schema(value_type = Option<String>)]
    pub grams_per_each: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub grams_per_ml: Option<Decimal>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<IngredientRow> for Ingredient {
    fn from(r: IngredientRow) -> Self {
        Self {
            id: r.ingredient_id,
            name: r.name,
            category: r.category,
            base_unit: r.base_unit,
            unit_cost: r.unit_cost.normalize(),
            waste_factor: r.waste_factor.normalize(),
            shelf_life_days: r.shelf_life_days,
            supplier: r.supplier,
            pack_size: match (r.pack_amount, r.pack_unit) {
                (Some(a), Some(u)) => Some(format!("{} {u}", a.normalize())),
                _ => None,
            },
            grams_per_each: r.grams_per_each.map(|d| d.normalize()),
            grams_per_ml: r.grams_per_ml.map(|d| d.normalize()),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct IngredientPage {
    pub items: Vec<Ingredient>,
    pub next_cursor: Option<String>,
    pub total: i64,
}

/// An ingredient to create or replace.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IngredientBody {
    #[schema(example = "Tomatoes")]
    pub name: String,
    #[schema(example = "produce")]
    pub category: Option<String>,
    /// g, kg, oz, lb, ml, l, tsp, tbsp, cup, fl oz, each or dozen.
    #[schema(example = "kg")]
    pub base_unit: String,
    /// Per base unit. A changed cost on update is recorded in the history
    /// as effective today.
    #[schema(value_type = String, example = "2.40")]
    pub unit_cost: Decimal,
    /// 0 to 0.60.
    #[schema(value_type = Option<String>, example = "0.10")]
    pub waste_factor: Option<Decimal>,
    pub shelf_life_days: Option<i64>,
    pub supplier: Option<String>,
    #[schema(example = "5 kg")]
    pub pack_size: Option<String>,
    /// Weight of one piece in grams: lets "2 each" be priced per kg.
    #[schema(value_type = Option<String>)]
    pub grams_per_each: Option<Decimal>,
    /// Density: lets "100 ml" be priced per kg.
    #[schema(value_type = Option<String>)]
    pub grams_per_ml: Option<Decimal>,
}

impl From<IngredientBody> for IngredientInput {
    fn from(b: IngredientBody) -> Self {
        IngredientInput {
            name: b.name,
            category: b.category,
            base_unit: b.base_unit,
            unit_cost: b.unit_cost,
            waste_factor: b.waste_factor,
            shelf_life_days: b.shelf_life_days,
            supplier: b.supplier,
            pack_size: b.pack_size,
            grams_per_each: b.grams_per_each,
            grams_per_ml: b.grams_per_ml,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// 1–200, default 50.
    pub limit: Option<String>,
    pub cursor: Option<String>,
    /// Exact category.
    pub category: Option<String>,
    /// Substring of the name (case-insensitive).
    pub q: Option<String>,
}

/// List ingredients by name, with filters and keyset pagination.
#[utoipa::path(get, path = "/{restaurant_id}/ingredients", tag = "costing",
    params(("restaurant_id" = Uuid, Path), ListParams),
    responses((status = 200, body = IngredientPage), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(mut t: Tenant, Query(p): Query<ListParams>) -> ApiResult<Json<IngredientPage>> {
    let page =
        PageParams {
            limit: match p.limit {
                Some(l) => Some(l.parse().map_err(|_| {
                    ApiError::new(Code::InvalidQuery, "limit must be a whole number")
                })?),
                None => None,
            },
            cursor: p.cursor,
        };
    let limit = page.limit()?;
    let q = IngredientQuery {
        category: p
            .category
            .filter(|c| !c.trim().is_empty())
            .map(|c| flux_costing::Category::parse(&c).to_string()),
        search: p
            .q
            .filter(|c| !c.trim().is_empty())
            .map(|s| s.trim().to_string()),
        after: page.decode::<(String, Uuid)>()?,
        limit: limit + 1,
    };
    let (mut rows, total) = ingredients::list(&mut t.tx, t.restaurant_id, &q).await?;
    t.commit().await?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(0));
        rows.last().map(|r| encode(&(&r.name_key, r.ingredient_id)))
    } else {
        None
    };
    Ok(Json(IngredientPage {
        items: rows.into_iter().map(Ingredient::from).collect(),
        next_cursor,
        total,
    }))
}

/// Create an ingredient; its first price is effective today.
#[utoipa::path(post, path = "/{restaurant_id}/ingredients", tag = "costing",
    params(("restaurant_id" = Uuid, Path)), request_body = IngredientBody,
    responses((status = 201, body = Ingredient), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    mut t: Tenant,
    Json(b): Json<IngredientBody>,
) -> ApiResult<(StatusCode, Json<Ingredient>)> {
    t.require(Action::WriteData)?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let row = ingredients::create(&mut t.tx, t.restaurant_id, &kitchen, &b.into()).await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// One ingredient.
#[utoipa::path(get, path = "/{restaurant_id}/ingredients/{ingredient_id}", tag = "costing",
    params(("restaurant_id" = Uuid, Path), ("ingredient_id" = Uuid, Path)),
    responses((status = 200, body = Ingredient), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get(mut t: Tenant, params: RawPathParams) -> ApiResult<Json<Ingredient>> {
    let id = path_uuid(&params, "ingredient_id")?;
    let row = ingredients::get(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(Json(row.into()))
}

/// Replace an ingredient. Refused (422) if the change would break a recipe,
/// e.g. a new base unit that a recipe's quantities cannot convert to.
#[utoipa::path(put, path = "/{restaurant_id}/ingredients/{ingredient_id}", tag = "costing",
    params(("restaurant_id" = Uuid, Path), ("ingredient_id" = Uuid, Path)), request_body = IngredientBody,
    responses((status = 200, body = Ingredient), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<IngredientBody>,
) -> ApiResult<Json<Ingredient>> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "ingredient_id")?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let row = ingredients::update(&mut t.tx, t.restaurant_id, &kitchen, id, &b.into()).await?;
    t.commit().await?;
    Ok(Json(row.into()))
}

/// Delete an ingredient. 409 `in_use` while a recipe uses it.
#[utoipa::path(delete, path = "/{restaurant_id}/ingredients/{ingredient_id}", tag = "costing",
    params(("restaurant_id" = Uuid, Path), ("ingredient_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete(mut t: Tenant, params: RawPathParams) -> ApiResult<StatusCode> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "ingredient_id")?;
    ingredients::delete(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct CostEntry {
    pub effective_from: NaiveDate,
    #[schema(value_type = String)]
    pub unit_cost: Decimal,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct CostHistory {
    pub ingredient_id: Uuid,
    pub base_unit: String,
    /// Oldest first.
    pub history: Vec<CostEntry>,
    /// The date asked for with `as_of`, and the cost effective then.
    pub as_of: Option<NaiveDate>,
    #[schema(value_type = Option<String>)]
    pub cost_as_of: Option<Decimal>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    /// Also give the cost effective on this date.
    pub as_of: Option<NaiveDate>,
}

/// An ingredient's price history, and its cost as of a date.
#[utoipa::path(get, path = "/{restaurant_id}/ingredients/{ingredient_id}/costs", tag = "costing",
    params(("restaurant_id" = Uuid, Path), ("ingredient_id" = Uuid, Path), AsOf),
    responses((status = 200, body = CostHistory), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn costs(
    mut t: Tenant,
    params: RawPathParams,
    Query(q): Query<AsOf>,
) -> ApiResult<Json<CostHistory>> {
    let id = path_uuid(&params, "ingredient_id")?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let row = kitchen.ingredient(id).ok_or_else(ApiError::not_found)?;
    let history = ingredients::cost_history(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    let cost_as_of = match q.as_of {
        None => None,
        Some(date) => {
            let ingredient = kitchen
                .book
                .ingredient(&row.name)
                .ok_or_else(ApiError::not_found)?;
            Some(
                ingredient
                    .cost_as_of(date)
                    .map_err(flux_app::costing::KitchenError::from)?
                    .amount()
                    .normalize(),
            )
        }
    };
    Ok(Json(CostHistory {
        ingredient_id: id,
        base_unit: row.base_unit.clone(),
        history: history
            .into_iter()
            .map(|c| CostEntry {
                effective_from: c.effective_from,
                unit_cost: c.unit_cost.normalize(),
                recorded_at: c.recorded_at,
            })
            .collect(),
        as_of: q.as_of,
        cost_as_of,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceChange {
    #[schema(value_type = String, example = "2.65")]
    pub unit_cost: Decimal,
    /// Default: today. Past dates correct history; future dates announce a
    /// price that takes effect then.
    pub effective_from: Option<NaiveDate>,
}

/// Record a price change (per base unit) effective on a date.
#[utoipa::path(post, path = "/{restaurant_id}/ingredients/{ingredient_id}/costs", tag = "costing",
    params(("restaurant_id" = Uuid, Path), ("ingredient_id" = Uuid, Path)), request_body = PriceChange,
    responses((status = 201, body = Ingredient), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn add_cost(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<PriceChange>,
) -> ApiResult<(StatusCode, Json<Ingredient>)> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "ingredient_id")?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let effective = b.effective_from.unwrap_or(kitchen.today);
    let row = ingredients::change_price(
        &mut t.tx,
        t.restaurant_id,
        &kitchen,
        id,
        b.unit_cost,
        effective,
    )
    .await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// Import ingredients from CSV (`Content-Type: text/csv`). Columns:
/// `name`, `base_unit`, `unit_cost` required; `category`, `waste_factor`
/// (0.15 or 15%), `shelf_life_days`, `supplier`, `pack_size` ("5 kg"),
/// `grams_per_each`, `grams_per_ml` optional. Known names are updated.
/// All rows or none: any bad row is a 422 naming every row and column at
/// fault, and nothing is stored.
#[utoipa::path(post, path = "/{restaurant_id}/ingredients/import", tag = "costing",
    params(("restaurant_id" = Uuid, Path)),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ingredients::ImportOutcome), (status = 403, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn import(
    mut t: Tenant,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> ApiResult<Json<ingredients::ImportOutcome>> {
    t.require(Action::WriteData)?;
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("text/csv") && !content_type.starts_with("text/plain") {
        return Err(ApiError::new(
            Code::UnsupportedMediaType,
            "send the file as the request body with Content-Type: text/csv",
        ));
    }
    // A NUL byte makes this a binary file, and PostgreSQL cannot store it
    // in a name anyway.
    if body.contains(&0) {
        return Err(ApiError::field(
            Code::ControlCharacters,
            "body",
            "control_character",
            "the file must not contain NUL bytes",
        ));
    }
    let rows = ingredients::parse_csv(&body)?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let outcome = ingredients::import(&mut t.tx, t.restaurant_id, &kitchen, &rows).await?;
    t.commit().await?;
    Ok(Json(outcome))
}

/// One preparation yield of an ingredient.
#[derive(Serialize, ToSchema)]
pub struct YieldView {
    pub action: String,
    /// The edible share of what was bought.
    #[serde(rename = "yield")]
    #[schema(value_type = String, example = "0.7")]
    pub share: Decimal,
}

#[derive(Serialize, ToSchema)]
pub struct YieldList {
    pub yields: Vec<YieldView>,
}

fn yield_list(rows: Vec<ingredients::YieldRow>) -> YieldList {
    YieldList {
        yields: rows
            .into_iter()
            .map(|y| YieldView {
                action: y.action,
                share: y.edible_share.normalize(),
            })
            .collect(),
    }
}

/// An ingredient's preparation yields ("diced: 0.7").
#[utoipa::path(get, path = "/{restaurant_id}/ingredients/{ingredient_id}/yields", tag = "costing",
    params(("restaurant_id" = Uuid, Path), ("ingredient_id" = Uuid, Path)),
    responses((status = 200, body = YieldList), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn yields(mut t: Tenant, params: RawPathParams) -> ApiResult<Json<YieldList>> {
    let id = path_uuid(&params, "ingredient_id")?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    kitchen.ingredient(id).ok_or_else(ApiError::not_found)?;
    t.commit().await?;
    Ok(Json(yield_list(ingredients::yields_of(&kitchen, id))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct YieldsBody {
    pub yields: Vec<ingredients::YieldInput>,
}

/// Replace an ingredient's preparation yields; a recipe line can then name
/// one (`prep`). Removing one a recipe uses is `409 in_use`.
#[utoipa::path(put, path = "/{restaurant_id}/ingredients/{ingredient_id}/yields", tag = "costing",
    params(("restaurant_id" = Uuid, Path), ("ingredient_id" = Uuid, Path)), request_body = YieldsBody,
    responses((status = 200, body = YieldList), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn set_yields(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<YieldsBody>,
) -> ApiResult<Json<YieldList>> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "ingredient_id")?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let rows = ingredients::set_yields(&mut t.tx, t.restaurant_id, &kitchen, id, &b.yields).await?;
    t.commit().await?;
    Ok(Json(yield_list(rows)))
}
