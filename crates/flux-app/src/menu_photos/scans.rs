//! Proposals: what was read off a photo, kept until the owner confirms it.
//!
//! A scan stores the photo and the items read. Shown back, each item is
//! compared with the menu as it is now: a dish the menu already has (same
//! name ignoring case and spacing, one of its aliases, or a near spelling
//! such as an OCR slip) is flagged with its current price beside the read
//! one. Confirming merges those into the existing dish (its price and
//! category updated) and creates the rest, in one transaction; a scan is
//! confirmed once.

use chrono::{DateTime, Utc};
use flux_domain::menu::name_key;
use flux_menuscan::{ScannedItem, Variant};
use flux_store::menu::ListQuery;
use flux_store::{PgConnection, PgPool};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{extract, Engine, PhotoLimits, Readers};
use crate::menu::{self, MenuItemInput};
use crate::{AppError, AppResult, Kind};

/// Items below this confidence are highlighted for a second look.
pub const LOW_CONFIDENCE: f64 = 0.75;

/// Names this similar (0..1, normalised edit distance on the name key) are
/// taken for the same dish.
const NEAR: f64 = 0.85;

/// A dish the menu already has, matched to a read item.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExistingDish {
    pub menu_item_id: Uuid,
    pub name: String,
    pub category: Option<String>,
    #[serde(with = "rust_decimal::serde::float_option")]
    #[schema(value_type = Option<f64>)]
    pub price: Option<Decimal>,
    /// How the match was made: `name`, `alias` or `similar`.
    pub matched_on: &'static str,
    /// The read price differs from the menu's.
    pub price_differs: bool,
}

/// One of several prices of a dish.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PriceVariant {
    pub label: Option<String>,
    #[serde(with = "rust_decimal::serde::float")]
    #[schema(value_type = f64)]
    pub price: Decimal,
}

/// One read dish, as proposed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposedItem {
    pub name: String,
    pub category: Option<String>,
    pub description: Option<String>,
    /// The first printed price.
    #[serde(with = "rust_decimal::serde::float_option")]
    #[schema(value_type = Option<f64>, example = 12.5)]
    pub price: Option<Decimal>,
    /// Every printed price with its label (small/large, glass/bottle).
    pub variants: Vec<PriceVariant>,
    pub confidence: f64,
    pub low_confidence: bool,
    pub page: u32,
    /// The menu's dish this one would merge into.
    pub existing: Option<ExistingDish>,
}

/// A scan as shown to the owner (the seed's response, plus what the
/// preview needs).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Proposal {
    pub scan_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub engine: Engine,
    pub filename: String,
    pub pages: u32,
    pub seconds: f64,
    pub items: Vec<ProposedItem>,
    pub total_items: usize,
    pub message: String,
    pub warnings: Vec<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// One dish the owner confirms, as edited.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ConfirmItem {
    pub name: String,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, with = "rust_decimal::serde::float_option")]
    #[schema(value_type = Option<f64>)]
    pub price: Option<Decimal>,
    /// Merge into this existing dish instead of creating one (as proposed
    /// in `existing`); absent: matched again by name.
    #[serde(default)]
    pub merge_into: Option<Uuid>,
}

/// What a confirmation did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Confirmed {
    pub created: usize,
    pub updated: usize,
    /// Dishes now on the menu from this scan, in the order given.
    pub menu_item_ids: Vec<Uuid>,
    pub message: String,
}

/// Who scans: the restaurant and, from the dashboard or the API, the user.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub restaurant_id: Uuid,
    pub user_id: Option<Uuid>,
}

async fn tx(pool: &PgPool, actor: Actor) -> AppResult<sqlx::Transaction<'static, sqlx::Postgres>> {
    Ok(match actor.user_id {
        Some(u) => flux_store::tenant::begin(pool, u, actor.restaurant_id).await?,
        None => {
            let mut tx = pool.begin().await?;
            flux_store::tenant::set_restaurant(&mut tx, actor.restaurant_id).await?;
            tx
        }
    })
}

/// Reads a photo and stores the proposal. No transaction is held while the
/// reader works (seconds per page).
pub async fn scan(
    pool: &PgPool,
    actor: Actor,
    photo: &[u8],
    filename: &str,
    readers: &Readers,
    limits: PhotoLimits,
) -> AppResult<Proposal> {
    let locale = {
        let mut t = tx(pool, actor).await?;
        let r = flux_store::restaurants::get(&mut t, actor.restaurant_id)
            .await?
            .ok_or_else(AppError::not_found)?;
        t.commit().await?;
        r.locale.as_str().to_string()
    };
    let mut extraction = extract(photo, &locale, readers, limits).await?;
    let recipe_ideas = recipe_ideas(readers, &mut extraction).await;
    let shown = first_page_png(photo).await?;
    let mut t = tx(pool, actor).await?;
    let stored = flux_store::menu_photos::insert(
        &mut t,
        actor.restaurant_id,
        actor.user_id,
        &flux_store::menu_photos::NewScan {
            engine: match extraction.engine {
                Engine::LocalOcr => "local_ocr",
                Engine::VisionModel => "vision_model",
            },
            filename,
            pages: i32::try_from(extraction.pages).unwrap_or(i32::MAX),
            seconds: extraction.seconds,
            photo: &shown,
            items: serde_json::to_value(&extraction.items).map_err(AppError::internal)?,
            warnings: serde_json::to_value(&extraction.warnings).map_err(AppError::internal)?,
            recipe_ideas,
        },
    )
    .await?;
    let proposal = proposal(&mut t, actor.restaurant_id, stored).await?;
    t.commit().await?;
    Ok(proposal)
}

/// Starter recipes from the model for the read dishes the built-in
/// library does not know, by name key; none without a model. A model that
/// fails costs a warning, not the scan.
async fn recipe_ideas(readers: &Readers, extraction: &mut super::Extraction) -> serde_json::Value {
    let Some(model) = &readers.vision else {
        return serde_json::json!({});
    };
    let mut unknown: Vec<String> = Vec::new();
    for it in &extraction.items {
        if flux_costing::suggest(&it.name).is_none()
            && !unknown.iter().any(|u| name_key(u) == name_key(&it.name))
        {
            unknown.push(it.name.clone());
        }
    }
    unknown.truncate(40);
    match super::vision::propose_recipes(model, &unknown).await {
        Ok(ideas) => serde_json::Value::Object(
            ideas
                .into_iter()
                .filter_map(|(dish, lines)| {
                    Some((name_key(&dish), serde_json::to_value(lines).ok()?))
                })
                .collect(),
        ),
        Err(e) => {
            extraction.warnings.push(format!(
                "starter recipes for dishes the library does not know could not be proposed ({e})"
            ));
            serde_json::json!({})
        }
    }
}

/// The photo as the page shows it: the upright first page, PNG.
async fn first_page_png(photo: &[u8]) -> AppResult<Vec<u8>> {
    let bytes = if photo.starts_with(b"%PDF-") {
        super::ocr::pdf_pages(photo, 1)
            .await
            .map_err(super::ocr_error)?
            .into_iter()
            .next()
            .unwrap_or_default()
    } else {
        photo.to_vec()
    };
    tokio::task::spawn_blocking(move || {
        let img = flux_menuscan::prepare::decode(&bytes, flux_menuscan::prepare::Limits::default())
            .map_err(|e| AppError::new(Kind::InvalidFile, e.to_string()))?;
        // Shown beside the list, not read again: 1600 px is plenty.
        let img = if img.width().max(img.height()) > 1600 {
            img.resize(1600, 1600, image::imageops::FilterType::Triangle)
        } else {
            img
        };
        let mut out = Vec::new();
        img.to_rgb8()
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .map_err(AppError::internal)?;
        Ok(out)
    })
    .await
    .map_err(AppError::internal)?
}

/// A stored scan, compared with the menu as it is now.
pub async fn get(conn: &mut PgConnection, rid: Uuid, scan_id: Uuid) -> AppResult<Proposal> {
    let stored = flux_store::menu_photos::get(conn, rid, scan_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    proposal(conn, rid, stored).await
}

/// The photo of a scan (PNG).
pub async fn photo(conn: &mut PgConnection, rid: Uuid, scan_id: Uuid) -> AppResult<Vec<u8>> {
    flux_store::menu_photos::photo(conn, rid, scan_id)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Recent scans, newest first.
pub async fn recent(conn: &mut PgConnection, rid: Uuid, limit: i64) -> AppResult<Vec<Proposal>> {
    let stored = flux_store::menu_photos::recent(conn, rid, limit).await?;
    // One read of the menu for the whole list, not one per scan.
    let index = menu_index(conn, rid).await?;
    stored.into_iter().map(|s| compare(&index, s)).collect()
}

struct MenuIndex {
    dishes: Vec<flux_store::menu::MenuItem>,
    keys: Vec<(String, Uuid)>,
}

async fn menu_index(conn: &mut PgConnection, rid: Uuid) -> AppResult<MenuIndex> {
    let query = ListQuery {
        limit: i64::MAX,
        ..ListQuery::default()
    };
    let (dishes, _) = flux_store::menu::list(conn, rid, &query).await?;
    let keys = flux_store::menu::keys(conn, rid).await?;
    Ok(MenuIndex { dishes, keys })
}

impl MenuIndex {
    fn find(&self, name: &str) -> Option<(&flux_store::menu::MenuItem, &'static str)> {
        let key = name_key(name);
        let by_id = |id: Uuid| self.dishes.iter().find(|d| d.menu_item_id == id);
        if let Some(d) = self.dishes.iter().find(|d| d.name_key == key) {
            return Some((d, "name"));
        }
        if let Some((_, id)) = self.keys.iter().find(|(k, _)| *k == key) {
            if let Some(d) = by_id(*id) {
                return Some((d, "alias"));
            }
        }
        self.dishes
            .iter()
            .map(|d| (d, strsim::normalized_levenshtein(&d.name_key, &key)))
            .filter(|(_, s)| *s >= NEAR)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(d, _)| (d, "similar"))
    }
}

async fn proposal(
    conn: &mut PgConnection,
    rid: Uuid,
    s: flux_store::menu_photos::Scan,
) -> AppResult<Proposal> {
    let index = menu_index(conn, rid).await?;
    compare(&index, s)
}

/// A stored scan, its items matched against the menu in `index`.
fn compare(index: &MenuIndex, s: flux_store::menu_photos::Scan) -> AppResult<Proposal> {
    let items: Vec<ScannedItem> = serde_json::from_value(s.items).map_err(AppError::internal)?;
    let warnings: Vec<String> = serde_json::from_value(s.warnings).unwrap_or_default();
    let engine = if s.engine == "vision_model" {
        Engine::VisionModel
    } else {
        Engine::LocalOcr
    };
    let items: Vec<ProposedItem> = items
        .into_iter()
        .map(|it| {
            let existing = index.find(&it.name).map(|(d, how)| ExistingDish {
                menu_item_id: d.menu_item_id,
                name: d.name.clone(),
                category: d.category.clone(),
                price: d.price,
                matched_on: how,
                price_differs: it.price.is_some() && d.price != it.price,
            });
            ProposedItem {
                low_confidence: it.confidence < LOW_CONFIDENCE,
                name: it.name,
                category: it.category,
                description: it.description,
                price: it.price,
                variants: it
                    .variants
                    .into_iter()
                    .map(|v: Variant| PriceVariant {
                        label: v.label,
                        price: v.price,
                    })
                    .collect(),
                confidence: it.confidence,
                page: it.page,
                existing,
            }
        })
        .collect();
    let known = items.iter().filter(|i| i.existing.is_some()).count();
    let message = if items.is_empty() {
        "No dishes were found on the photo.".to_string()
    } else {
        format!(
            "Extracted {} menu items with {}: {} new, {} already on your menu. Nothing is saved until you confirm.",
            items.len(),
            engine.label(),
            items.len() - known,
            known
        )
    };
    Ok(Proposal {
        scan_id: s.scan_id,
        created_at: s.created_at,
        engine,
        filename: s.filename,
        pages: u32::try_from(s.pages).unwrap_or(0),
        seconds: s.seconds,
        total_items: items.len(),
        items,
        message,
        warnings,
        confirmed_at: s.confirmed_at,
    })
}

/// Confirms the dishes of a scan (as the owner edited them) into the menu:
/// matches are merged, the rest created, all or nothing.
pub async fn confirm(
    conn: &mut PgConnection,
    rid: Uuid,
    scan_id: Uuid,
    user_id: Option<Uuid>,
    items: &[ConfirmItem],
) -> AppResult<Confirmed> {
    let scan = flux_store::menu_photos::get(conn, rid, scan_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    if items.is_empty() {
        return Err(AppError::field(
            Kind::Validation,
            "items",
            "empty",
            "at least one dish is needed",
        ));
    }
    if items.len() > 2000 {
        return Err(AppError::field(
            Kind::Validation,
            "items",
            "too_many",
            "at most 2000 dishes at once",
        ));
    }
    if !flux_store::menu_photos::mark_confirmed(conn, rid, scan_id, user_id).await? {
        return Err(AppError::new(
            Kind::Conflict,
            "this scan was already confirmed; upload the photo again to make another proposal",
        ));
    }
    let mut index = menu_index(conn, rid).await?;
    let (mut created, mut updated) = (0, 0);
    let mut ids = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let target = match item.merge_into {
            Some(id) => Some(
                index
                    .dishes
                    .iter()
                    .find(|d| d.menu_item_id == id)
                    .cloned()
                    .ok_or_else(|| {
                        AppError::field(
                            Kind::Validation,
                            &format!("items[{i}].merge_into"),
                            "unknown",
                            "is not a dish of this restaurant",
                        )
                    })?,
            ),
            None => index.find(&item.name).map(|(d, _)| d.clone()),
        };
        let in_field = |e: AppError| prefix_fields(e, i);
        let saved = match target {
            Some(d) => {
                updated += 1;
                let input = MenuItemInput {
                    name: d.name.clone(),
                    category: item.category.clone().or(d.category.clone()),
                    description: item.description.clone().or(d.description.clone()),
                    price: item.price.or(d.price),
                    active: Some(true),
                };
                menu::update(conn, rid, d.menu_item_id, &input)
                    .await
                    .map_err(in_field)?
            }
            None => {
                created += 1;
                let input = MenuItemInput {
                    name: item.name.clone(),
                    category: item.category.clone(),
                    description: item.description.clone(),
                    price: item.price,
                    active: Some(true),
                };
                menu::create(conn, rid, &input).await.map_err(in_field)?
            }
        };
        // The model's starter recipe waits in the queue for a dish the
        // library does not know.
        let idea = scan
            .recipe_ideas
            .get(name_key(&saved.name))
            .or_else(|| scan.recipe_ideas.get(name_key(&item.name)));
        if let Some(lines) = idea {
            if flux_costing::suggest(&saved.name).is_none() {
                flux_store::recipe_suggestions::upsert(conn, rid, saved.menu_item_id, lines)
                    .await?;
            }
        }
        // A dish listed twice in one confirmation merges into itself.
        index
            .dishes
            .retain(|d| d.menu_item_id != saved.menu_item_id);
        ids.push(saved.menu_item_id);
        index.dishes.push(saved);
    }
    Ok(Confirmed {
        message: format!(
            "{created} dishes added to your menu and {updated} updated; their starter recipes are waiting in the recipe queue."
        ),
        created,
        updated,
        menu_item_ids: ids,
    })
}

/// Names the confirmed item in field errors: `items[3].price`.
fn prefix_fields(e: AppError, i: usize) -> AppError {
    match e {
        AppError::Rejected {
            kind,
            detail,
            errors,
            retry_after_secs,
            extensions,
        } => AppError::Rejected {
            kind,
            detail,
            errors: errors
                .into_iter()
                .map(|mut f| {
                    f.field = format!("items[{i}].{}", f.field);
                    f
                })
                .collect(),
            retry_after_secs,
            extensions,
        },
        other => other,
    }
}
