//! The menu: the dishes a restaurant sells, whether typed in by a person or
//! met for the first time in a sales file, and the other spellings (aliases)
//! that sales files use for them.
//!
//! Names are unique by their key (case and spacing ignored), so "Caesar
//! salad" and " caesar  SALAD" are the same dish everywhere: here, in
//! imports and in recipes.

use flux_domain::menu::{
    name_key, parse_category, parse_description, parse_item_name, parse_price,
};
use flux_domain::Invalid;
use flux_store::menu::{self as store, ListQuery};
use flux_store::PgConnection;
use rust_decimal::Decimal;
use uuid::Uuid;

pub use flux_store::menu::{MenuItem, MenuItemData};

use crate::{AppError, AppResult, Kind};

/// Worded as a predicate so every front-end can put the field's label in
/// front of it ("The name is already used …").
const NAME_TAKEN: &str =
    "is already used by another dish (names are compared ignoring case and spacing)";

/// A dish as submitted, before validation.
#[derive(Debug, Clone, Default)]
pub struct MenuItemInput {
    pub name: String,
    /// Blank means none.
    pub category: Option<String>,
    /// Blank means none.
    pub description: Option<String>,
    pub price: Option<Decimal>,
    /// Absent means active: a dish someone adds or replaces is on the menu
    /// unless they say otherwise.
    pub active: Option<bool>,
}

/// Checks every field and reports all problems at once, in the order of the
/// form (name, category, price, description). Whether the dish came from a sales import
/// is not the submitter's to say, so the result is always a person's dish.
pub fn validate(input: &MenuItemInput) -> Result<MenuItemData, Invalid> {
    let name = parse_item_name(&input.name);
    let category = parse_category(input.category.as_deref());
    let price = input.price.map(parse_price).transpose();
    let description = parse_description(input.description.as_deref());
    match (name, category, price, description) {
        (Ok(name), Ok(category), Ok(price), Ok(description)) => Ok(MenuItemData {
            name,
            category,
            description,
            price,
            active: input.active.unwrap_or(true),
            auto_created: false,
        }),
        (name, category, price, description) => Err(Invalid(
            [name.err(), category.err(), price.err(), description.err()]
                .into_iter()
                .flatten()
                .flat_map(|invalid| invalid.0)
                .collect(),
        )),
    }
}

/// Filters and keyset position of a listing.
#[derive(Debug, Clone, Default)]
pub struct MenuQuery {
    /// Exact category, case-insensitive; blank means any.
    pub category: Option<String>,
    /// Substring of the name, case-insensitive; blank means any.
    pub search: Option<String>,
    pub active: Option<bool>,
    /// The (name key, id) of the last item of the previous page.
    pub after: Option<(String, Uuid)>,
    /// Page size; the caller bounds it.
    pub limit: i64,
}

/// One page of dishes ordered by name.
#[derive(Debug, Clone)]
pub struct MenuPage {
    pub items: Vec<MenuItem>,
    /// Dishes matching the filters, over all pages.
    pub total: i64,
    /// Whether another page follows this one.
    pub more: bool,
}

/// Filters are compared with stored values, which are trimmed; a stray
/// space typed into a search box must not hide every dish.
fn filter_text(raw: Option<String>) -> Option<String> {
    raw.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// One page of the menu.
pub async fn list(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    q: MenuQuery,
) -> AppResult<MenuPage> {
    let limit = q.limit.max(1);
    let query = ListQuery {
        category: filter_text(q.category),
        search: filter_text(q.search),
        active: q.active,
        after: q.after,
        // One extra row tells whether another page exists.
        limit: limit + 1,
    };
    let (mut items, total) = store::list(conn, restaurant_id, &query).await?;
    let more = items.len() as i64 > limit;
    items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(MenuPage { items, total, more })
}

/// One dish.
pub async fn get(conn: &mut PgConnection, restaurant_id: Uuid, id: Uuid) -> AppResult<MenuItem> {
    store::get(conn, restaurant_id, id)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Adds a dish by hand.
pub async fn create(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    input: &MenuItemInput,
) -> AppResult<MenuItem> {
    let data = validate(input)?;
    store::insert(conn, restaurant_id, &data)
        .await
        .map_err(|e| AppError::from(e).taken("name", NAME_TAKEN))
}

/// Replaces a dish's fields. A dish a sales import created stays marked as
/// such while it keeps the name the import gave it (fixing its price or
/// category does not change where it came from); renaming it makes it the
/// operator's own.
pub async fn update(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    id: Uuid,
    input: &MenuItemInput,
) -> AppResult<MenuItem> {
    let mut data = validate(input)?;
    let current = get(conn, restaurant_id, id).await?;
    data.auto_created = current.auto_created && data.name == current.name;
    store::update(conn, restaurant_id, id, &data)
        .await
        .map_err(|e| AppError::from(e).taken("name", NAME_TAKEN))?
        .ok_or_else(AppError::not_found)
}

/// Deletes a dish.
pub async fn delete(conn: &mut PgConnection, restaurant_id: Uuid, id: Uuid) -> AppResult<()> {
    if store::delete(conn, restaurant_id, id).await? {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

/// Adds another spelling of a dish, so future imports map it to the dish;
/// returns the spelling as cleaned. A spelling that already names a dish or
/// an alias is refused: one spelling must mean one dish.
pub async fn add_alias(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    id: Uuid,
    alias: &str,
) -> AppResult<String> {
    let alias = parse_item_name(alias).map_err(|Invalid(errors)| {
        Invalid(
            errors
                .into_iter()
                .map(|mut e| {
                    e.field = "alias".into();
                    e
                })
                .collect(),
        )
    })?;
    let key = name_key(&alias);
    get(conn, restaurant_id, id).await?;
    let taken = || {
        AppError::field(
            Kind::Conflict,
            "alias",
            "taken",
            "this spelling already names a dish or an alias",
        )
    };
    if store::keys(conn, restaurant_id)
        .await?
        .iter()
        .any(|(k, _)| *k == key)
    {
        return Err(taken());
    }
    store::add_alias(conn, restaurant_id, id, &key)
        .await
        .map_err(|e| match AppError::from(e) {
            // A concurrent request added the same spelling first.
            e if e.kind() == Some(Kind::Conflict) => taken(),
            other => other,
        })?;
    Ok(alias)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_reports_every_field_in_form_order() {
        let err = validate(&MenuItemInput {
            name: " ".into(),
            category: Some("x".repeat(101)),
            price: Some(Decimal::new(-1, 0)),
            description: Some("y".repeat(501)),
            active: None,
        })
        .expect_err("invalid");
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "category", "price", "description"]);
    }

    #[test]
    fn a_valid_dish_is_cleaned_active_by_default_and_a_persons() {
        let d = validate(&MenuItemInput {
            name: " Caesar   Salad ".into(),
            category: Some("  ".into()),
            price: Some(Decimal::new(1250, 2)),
            description: None,
            active: None,
        })
        .expect("valid");
        assert_eq!(d.name, "Caesar Salad");
        assert_eq!(d.category, None);
        assert!(d.active && !d.auto_created);
    }
}
