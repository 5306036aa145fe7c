//! `/api/v1/restaurants`: the tenants a user belongs to.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use flux_app::restaurants::{ProfilePatch, Restaurant as Row};
use flux_domain::restaurant::Profile;
use flux_domain::role::Action;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{ApiResult, Problem};
use crate::extract::{AuthUser, Json, Tenant};

use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct Restaurant {
    pub id: Uuid,
    pub name: String,
    pub timezone: String,
    pub currency: String,
    pub locale: String,
    /// The asking user's role here.
    pub role: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the restaurant and all its data will be deleted, if an owner
    /// asked for it (see `POST .../deletion`).
    pub delete_after: Option<DateTime<Utc>>,
}

impl Restaurant {
    fn from_row(r: Row, role: &str) -> Self {
        Self {
            id: r.restaurant_id,
            name: r.name,
            timezone: r.timezone.to_string(),
            currency: r.currency.to_string(),
            locale: r.locale.to_string(),
            role: role.to_string(),
            created_at: r.created_at,
            updated_at: r.updated_at,
            delete_after: r.delete_after,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RestaurantList {
    pub items: Vec<Restaurant>,
    pub total: usize,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRestaurant {
    #[schema(example = "La Boqueria Bites")]
    pub name: String,
    /// IANA timezone; default `Europe/Madrid`. Also decides the defaults
    /// of `currency` and `locale`.
    #[schema(example = "America/New_York")]
    pub timezone: Option<String>,
    /// ISO 4217. Left out or blank: the timezone's country's currency
    /// (`America/New_York` → `USD`; `USD` for zones outside any country,
    /// such as `UTC`).
    #[schema(example = "USD")]
    pub currency: Option<String>,
    /// BCP 47 (`en-US`, `es-ES`); decides how ambiguous dates such as
    /// `1/5/2025` are read. Left out or blank: the timezone's country's
    /// language (`America/New_York` → `en-US`; `en-001` for zones outside
    /// any country).
    #[schema(example = "en-US")]
    pub locale: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct RestaurantPatch {
    pub name: Option<String>,
    pub timezone: Option<String>,
    pub currency: Option<String>,
    pub locale: Option<String>,
}

/// Create a restaurant; the caller becomes its owner.
#[utoipa::path(post, path = "", tag = "restaurants", request_body = NewRestaurant,
    responses((status = 201, body = Restaurant), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    user: AuthUser,
    Json(b): Json<NewRestaurant>,
) -> ApiResult<(StatusCode, Json<Restaurant>)> {
    let profile = Profile::parse(
        &b.name,
        b.timezone.as_deref(),
        b.currency.as_deref(),
        b.locale.as_deref(),
    )?;
    let row = flux_app::restaurants::create(&s.pool, user.user_id, &profile).await?;
    Ok((
        StatusCode::CREATED,
        Json(Restaurant::from_row(row, "owner")),
    ))
}

/// The restaurants the caller belongs to.
#[utoipa::path(get, path = "", tag = "restaurants",
    responses((status = 200, body = RestaurantList)), security(("bearer" = [])))]
pub async fn list(State(s): State<AppState>, user: AuthUser) -> ApiResult<Json<RestaurantList>> {
    let mut tx = flux_store::tenant::begin_user(&s.pool, user.user_id).await?;
    let rows = flux_app::restaurants::mine(&mut tx, user.user_id).await?;
    tx.commit().await?;
    let items: Vec<_> = rows
        .into_iter()
        .map(|r| Restaurant::from_row(r.restaurant, r.role.as_str()))
        .collect();
    Ok(Json(RestaurantList {
        total: items.len(),
        items,
    }))
}

/// One restaurant.
#[utoipa::path(get, path = "/{restaurant_id}", tag = "restaurants",
    params(("restaurant_id" = Uuid, Path)),
    responses((status = 200, body = Restaurant), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get(mut t: Tenant) -> ApiResult<Json<Restaurant>> {
    let row = flux_app::restaurants::get(&mut t.tx, t.restaurant_id).await?;
    let role = t.role;
    t.commit().await?;
    Ok(Json(Restaurant::from_row(row, role.as_str())))
}

/// Update name, timezone, currency or locale (owners and managers).
#[utoipa::path(patch, path = "/{restaurant_id}", tag = "restaurants",
    params(("restaurant_id" = Uuid, Path)), request_body = RestaurantPatch,
    responses((status = 200, body = Restaurant), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(mut t: Tenant, Json(b): Json<RestaurantPatch>) -> ApiResult<Json<Restaurant>> {
    t.require(Action::ManageRestaurant)?;
    let patch = ProfilePatch {
        name: b.name,
        timezone: b.timezone,
        currency: b.currency,
        locale: b.locale,
    };
    let row = flux_app::restaurants::update(&mut t.tx, t.restaurant_id, &patch).await?;
    let role = t.role;
    t.commit().await?;
    Ok(Json(Restaurant::from_row(row, role.as_str())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeletionRequest {
    /// The restaurant's name, typed again to confirm which one goes.
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct DeletionScheduled {
    /// When the restaurant and everything it holds are deleted; an owner
    /// can cancel until then.
    pub delete_after: DateTime<Utc>,
}

/// Delete the restaurant and all its data (owners): scheduled 30 days on,
/// cancellable until then. Members keep their accounts.
#[utoipa::path(post, path = "/{restaurant_id}/deletion", tag = "restaurants",
    params(("restaurant_id" = Uuid, Path)), request_body = DeletionRequest,
    responses((status = 202, body = DeletionScheduled), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn request_deletion(
    mut t: Tenant,
    Json(b): Json<DeletionRequest>,
) -> ApiResult<(StatusCode, Json<DeletionScheduled>)> {
    t.require(Action::Administer)?;
    let delete_after =
        flux_app::restaurants::deletion::request(&mut t.tx, t.restaurant_id, &b.name).await?;
    t.commit().await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(DeletionScheduled { delete_after }),
    ))
}

/// Cancel a pending deletion (owners).
#[utoipa::path(delete, path = "/{restaurant_id}/deletion", tag = "restaurants",
    params(("restaurant_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn cancel_deletion(mut t: Tenant) -> ApiResult<StatusCode> {
    t.require(Action::Administer)?;
    flux_app::restaurants::deletion::cancel(&mut t.tx, t.restaurant_id).await?;
    t.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
