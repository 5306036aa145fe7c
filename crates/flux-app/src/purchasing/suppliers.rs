//! Suppliers and their offers: reads, validation and writes, the same for
//! the API and the dashboard (one validation, one wording for a taken
//! name, one answer for a supplier still named by orders).

use crate::costing::Kitchen;
use flux_costing::{Name, Quantity};
use flux_domain::{FieldError, Invalid};
use flux_store::PgConnection;
use rust_decimal::Decimal;
use serde::Deserialize;
use sqlx::Connection;
use uuid::Uuid;

pub use flux_store::purchasing::{OfferRow, SupplierData, SupplierRow};

use crate::costing::settle;
use crate::purchasing::Result;
use crate::{AppError, Kind};

/// The one wording of a supplier name clash, whichever front-end asked.
const NAME_TAKEN: &str = "a supplier with this name already exists";

/// A supplier as received.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SupplierInput {
    pub name: String,
    pub contact_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Days between ordering and delivery (default 1).
    pub lead_time_days: Option<i64>,
    /// ISO weekdays it delivers on, 1 = Monday … 7 = Sunday (default Monday–Friday).
    pub delivery_days: Option<Vec<i64>>,
    pub min_order_value: Option<Decimal>,
}

fn optional_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    let v = value.map(str::trim).filter(|s| !s.is_empty())?;
    if v.chars().count() > max || v.chars().any(char::is_control) {
        errors.push(FieldError::new(
            field,
            "invalid",
            format!("must be at most {max} characters without control characters"),
        ));
        return None;
    }
    Some(v.to_owned())
}

/// Checks every field and reports all problems at once.
pub fn validate(input: &SupplierInput) -> Result<SupplierData, Invalid> {
    let mut errors = Vec::new();
    let name = match Name::parse(&input.name) {
        Ok(n) => Some(n),
        Err(e) => {
            errors.push(FieldError::new("name", "invalid", e.to_string()));
            None
        }
    };
    let contact_name = optional_text(
        &mut errors,
        "contact_name",
        input.contact_name.as_deref(),
        200,
    );
    let email = optional_text(&mut errors, "email", input.email.as_deref(), 254);
    if let Some(e) = &email {
        if flux_domain::email::Email::parse(e).is_err() {
            errors.push(FieldError::new(
                "email",
                "invalid",
                "is not an e-mail address",
            ));
        }
    }
    let phone = optional_text(&mut errors, "phone", input.phone.as_deref(), 50);
    let lead_time_days = match input.lead_time_days.unwrap_or(1) {
        d @ 0..=60 => i32::try_from(d).unwrap_or(1),
        d => {
            errors.push(FieldError::new(
                "lead_time_days",
                "out_of_range",
                format!("must be between 0 and 60 days, got {d}"),
            ));
            1
        }
    };
    let mut delivery_days: Vec<i16> = Vec::new();
    for d in input
        .delivery_days
        .clone()
        .unwrap_or_else(|| vec![1, 2, 3, 4, 5])
    {
        match i16::try_from(d) {
            Ok(day @ 1..=7) if !delivery_days.contains(&day) => delivery_days.push(day),
            Ok(1..=7) => {}
            _ => errors.push(FieldError::new(
                "delivery_days",
                "invalid",
                format!("weekdays are 1 (Monday) to 7 (Sunday), got {d}"),
            )),
        }
    }
    delivery_days.sort_unstable();
    if delivery_days.is_empty() && errors.iter().all(|e| e.field != "delivery_days") {
        errors.push(FieldError::new(
            "delivery_days",
            "required",
            "give at least one delivery weekday",
        ));
    }
    let min_order_value = input.min_order_value.unwrap_or(Decimal::ZERO);
    if min_order_value < Decimal::ZERO {
        errors.push(FieldError::new(
            "min_order_value",
            "negative",
            "must not be negative",
        ));
    }
    if !errors.is_empty() {
        return Err(Invalid(errors));
    }
    let name = name.ok_or_else(|| Invalid::one("name", "invalid", "invalid name"))?;
    Ok(SupplierData {
        name_key: name.key(),
        name: name.to_string(),
        contact_name,
        email,
        phone,
        lead_time_days,
        delivery_days,
        min_order_value,
    })
}

/// A supplier and what it sells, in the store's order.
#[derive(Debug, Clone)]
pub struct SupplierOffers {
    pub supplier: SupplierRow,
    pub offers: Vec<OfferRow>,
}

/// Every supplier, by name.
pub async fn list(conn: &mut PgConnection, rid: Uuid) -> Result<Vec<SupplierRow>> {
    Ok(flux_store::purchasing::suppliers(conn, rid).await?)
}

/// Every supplier with its offers, in two queries.
pub async fn list_with_offers(conn: &mut PgConnection, rid: Uuid) -> Result<Vec<SupplierOffers>> {
    let suppliers = list(conn, rid).await?;
    let offers = flux_store::purchasing::offers(conn, rid).await?;
    Ok(suppliers
        .into_iter()
        .map(|supplier| SupplierOffers {
            offers: offers
                .iter()
                .filter(|o| o.supplier_id == supplier.supplier_id)
                .cloned()
                .collect(),
            supplier,
        })
        .collect())
}

/// One supplier with its offers; not found when it is not this restaurant's.
pub async fn get(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> Result<SupplierOffers> {
    let supplier = flux_store::purchasing::get_supplier(conn, rid, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let offers = flux_store::purchasing::offers(conn, rid)
        .await?
        .into_iter()
        .filter(|o| o.supplier_id == id)
        .collect();
    Ok(SupplierOffers { supplier, offers })
}

/// Validates and stores a new supplier.
pub async fn create(
    conn: &mut PgConnection,
    rid: Uuid,
    input: &SupplierInput,
) -> Result<SupplierRow> {
    let data = validate(input)?;
    let mut savepoint = conn.begin().await?;
    let stored = flux_store::purchasing::insert_supplier(&mut savepoint, rid, &data).await;
    settle(savepoint, stored)
        .await
        .map_err(|e| e.taken("name", NAME_TAKEN))
}

/// Validates and replaces a supplier's details (its offers are kept).
pub async fn update(
    conn: &mut PgConnection,
    rid: Uuid,
    id: Uuid,
    input: &SupplierInput,
) -> Result<SupplierRow> {
    let data = validate(input)?;
    let mut savepoint = conn.begin().await?;
    let stored = flux_store::purchasing::update_supplier(&mut savepoint, rid, id, &data).await;
    settle(savepoint, stored)
        .await
        .map_err(|e| e.taken("name", NAME_TAKEN))?
        .ok_or_else(AppError::not_found)
}

/// Deletes a supplier and its offers; refused while purchase orders name
/// it, since they are the restaurant's record of what was bought.
pub async fn delete(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> Result<()> {
    match flux_store::purchasing::delete_supplier(conn, rid, id).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(AppError::not_found()),
        Err(flux_store::StoreError::InUse(_)) => Err(AppError::new(
            Kind::InUse,
            "purchase orders name this supplier; cancel or keep them",
        )),
        Err(e) => Err(e.into()),
    }
}

/// Removes a supplier's offer for an ingredient.
pub async fn delete_offer(
    conn: &mut PgConnection,
    rid: Uuid,
    supplier: Uuid,
    ingredient: Uuid,
) -> Result<()> {
    if flux_store::purchasing::delete_offer(conn, rid, supplier, ingredient).await? {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

/// An offer as received: "5 kg" at 11.50 a pack.
#[derive(Debug, Clone, Deserialize)]
pub struct OfferInput {
    pub pack_size: String,
    pub pack_price: Decimal,
    #[serde(default)]
    pub preferred: bool,
}

/// Validates an offer against the ingredient (the pack must convert to its
/// base unit) and stores it.
pub async fn set_offer(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    supplier: Uuid,
    ingredient: Uuid,
    input: &OfferInput,
) -> Result<OfferRow> {
    flux_store::purchasing::get_supplier(conn, rid, supplier)
        .await?
        .ok_or_else(AppError::not_found)?;
    let row = kitchen
        .ingredient(ingredient)
        .ok_or_else(AppError::not_found)?;
    let engine = kitchen
        .book
        .ingredient(&row.name)
        .ok_or_else(AppError::not_found)?;
    let mut errors = Vec::new();
    let pack_base_units = match Quantity::parse(&input.pack_size) {
        Ok(q) if q.is_positive() => match engine.to_base(q.amount(), q.unit()) {
            Ok(b) => Some(b),
            Err(e) => {
                errors.push(FieldError::new(
                    "pack_size",
                    "impossible_conversion",
                    e.to_string(),
                ));
                None
            }
        },
        Ok(_) => {
            errors.push(FieldError::new(
                "pack_size",
                "not_positive",
                "must be greater than zero",
            ));
            None
        }
        Err(e) => {
            errors.push(FieldError::new("pack_size", "invalid", e.to_string()));
            None
        }
    };
    if input.pack_price < Decimal::ZERO {
        errors.push(FieldError::new(
            "pack_price",
            "negative",
            "must not be negative",
        ));
    }
    let Some(pack_base_units) = pack_base_units.filter(|_| errors.is_empty()) else {
        return Err(Invalid(errors).into());
    };
    let offer = OfferRow {
        supplier_id: supplier,
        ingredient_id: ingredient,
        pack_base_units: pack_base_units.normalize(),
        pack_price: input.pack_price,
        preferred: input.preferred,
    };
    flux_store::purchasing::upsert_offer(conn, rid, &offer).await?;
    Ok(offer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppliers_are_validated_field_by_field() {
        let e = validate(&SupplierInput {
            name: " ".into(),
            email: Some("not-an-email".into()),
            lead_time_days: Some(90),
            delivery_days: Some(vec![0, 8]),
            min_order_value: Some(Decimal::NEGATIVE_ONE),
            ..SupplierInput::default()
        })
        .expect_err("invalid");
        let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "email",
                "lead_time_days",
                "delivery_days",
                "delivery_days",
                "min_order_value"
            ]
        );
        let ok = validate(&SupplierInput {
            name: "Huerta  SL".into(),
            delivery_days: Some(vec![5, 2, 2]),
            ..SupplierInput::default()
        })
        .expect("valid");
        assert_eq!(ok.name, "Huerta SL");
        assert_eq!(ok.delivery_days, [2, 5], "sorted and deduplicated");
        assert_eq!(ok.lead_time_days, 1);
    }
}
