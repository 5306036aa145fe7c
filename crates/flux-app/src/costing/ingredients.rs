//! Ingredients: reads, validation (shared by the JSON API, the dashboard
//! and CSV import), writes, price changes with history, and deletes.
//!
//! Every write rebuilds the recipe book with the change applied before it
//! is stored: changing an ingredient's base unit from `kg` to `each` would
//! otherwise silently break every recipe that weighs it.

use chrono::NaiveDate;
use flux_costing::{Category, MeasureProfile, Name, Quantity, Unit, WasteFactor};
use flux_domain::{FieldError, Invalid};
use flux_store::costing::IngredientData;
use flux_store::PgConnection;
use rust_decimal::Decimal;
use serde::Deserialize;
use sqlx::Connection;
use uuid::Uuid;

pub use flux_store::costing::{CostRow, IngredientQuery, IngredientRow};

use crate::costing::{settle, Kitchen, KitchenError};
use crate::{AppError, AppResult, Kind};

/// The one wording of an ingredient name clash, whichever front-end asked.
const NAME_TAKEN: &str =
    "an ingredient with this name already exists (names are compared ignoring case and spacing)";

fn name_taken() -> AppError {
    AppError::field(Kind::Conflict, "name", "taken", NAME_TAKEN)
}

/// One page of ingredients by name, and how many match the filters.
pub async fn list(
    conn: &mut PgConnection,
    rid: Uuid,
    query: &IngredientQuery,
) -> AppResult<(Vec<IngredientRow>, i64)> {
    Ok(flux_store::costing::list_ingredients(conn, rid, query).await?)
}

/// One ingredient; not found when it is not this restaurant's.
pub async fn get(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> AppResult<IngredientRow> {
    flux_store::costing::get_ingredient(conn, rid, id)
        .await?
        .ok_or_else(AppError::not_found)
}

/// An ingredient's prices, oldest first.
pub async fn cost_history(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> AppResult<Vec<CostRow>> {
    Ok(flux_store::costing::cost_history(conn, rid, id).await?)
}

/// Validates and stores a new ingredient; its first price takes effect
/// today.
pub async fn create(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    input: &IngredientInput,
) -> AppResult<IngredientRow> {
    let valid = validate(input, "")?;
    let mut savepoint = conn.begin().await?;
    let stored = insert_valid(&mut savepoint, rid, kitchen, &valid).await;
    settle(savepoint, stored)
        .await
        .map_err(|e| e.taken("name", NAME_TAKEN))
}

/// Validates and replaces an ingredient's fields; a changed price is
/// recorded as effective today. Refused if it would break a recipe.
pub async fn update(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    id: Uuid,
    input: &IngredientInput,
) -> AppResult<IngredientRow> {
    let valid = validate(input, "")?;
    let exists = kitchen.ingredient(id).is_some();
    // A rename onto another ingredient's name is a taken name, not the
    // "defined twice" the trial recipe book would report.
    if exists
        && kitchen
            .rows
            .ingredients
            .iter()
            .any(|i| i.ingredient_id != id && i.name_key == valid.data.name_key)
    {
        return Err(name_taken());
    }
    let mut savepoint = conn.begin().await?;
    let stored = update_valid(&mut savepoint, rid, kitchen, id, &valid).await;
    settle(savepoint, stored)
        .await
        .map_err(|e| e.taken("name", NAME_TAKEN))?
        .ok_or_else(AppError::not_found)
}

/// Records a price change effective on `effective_from` (past or future)
/// and returns the ingredient with its current cost.
pub async fn change_price(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    id: Uuid,
    unit_cost: Decimal,
    effective_from: NaiveDate,
) -> AppResult<IngredientRow> {
    if !set_price(conn, rid, kitchen, id, unit_cost, effective_from).await? {
        return Err(AppError::not_found());
    }
    get(conn, rid, id).await
}

/// An ingredient as received, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IngredientInput {
    pub name: String,
    pub category: Option<String>,
    /// The unit `unit_cost` is per: g, kg, oz, lb, ml, l, tsp, tbsp, cup,
    /// fl oz, each, dozen.
    pub base_unit: String,
    pub unit_cost: Decimal,
    /// 0 to 0.60 (a fraction, not a percentage).
    pub waste_factor: Option<Decimal>,
    pub shelf_life_days: Option<i64>,
    pub supplier: Option<String>,
    /// The purchase pack, e.g. "5 kg" or "30 each".
    pub pack_size: Option<String>,
    pub grams_per_each: Option<Decimal>,
    pub grams_per_ml: Option<Decimal>,
}

/// A validated ingredient ready to store.
#[derive(Debug, Clone)]
pub struct ValidIngredient {
    pub data: IngredientData,
    pub unit_cost: Decimal,
}

const MAX_SUPPLIER_CHARS: usize = 200;

/// Checks every field and reports all problems at once, each with its
/// field name (prefixed by `prefix`, e.g. `row 7.` for CSV imports).
pub fn validate(input: &IngredientInput, prefix: &str) -> Result<ValidIngredient, Invalid> {
    let mut errors = Vec::new();
    let mut bad = |field: &str, code: &'static str, message: String| {
        errors.push(FieldError::new(format!("{prefix}{field}"), code, message));
    };
    let name = Name::parse(&input.name)
        .map_err(|e| bad("name", "invalid", e.to_string()))
        .ok();
    let base_unit = Unit::parse(&input.base_unit)
        .map_err(|e| bad("base_unit", "unknown_unit", e.to_string()))
        .ok();
    if input.unit_cost < Decimal::ZERO {
        bad(
            "unit_cost",
            "negative",
            format!("must not be negative, got {}", input.unit_cost),
        );
    }
    let waste = input.waste_factor.unwrap_or(Decimal::ZERO);
    if let Err(e) = WasteFactor::new(waste) {
        bad("waste_factor", "out_of_range", e.to_string());
    }
    let shelf_life_days = match input.shelf_life_days {
        None => None,
        Some(d) if (1..=3650).contains(&d) => i32::try_from(d).ok(),
        Some(d) => {
            bad(
                "shelf_life_days",
                "out_of_range",
                format!("must be between 1 and 3650 days, got {d}"),
            );
            None
        }
    };
    let supplier = input
        .supplier
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    if supplier
        .as_ref()
        .is_some_and(|s| s.chars().count() > MAX_SUPPLIER_CHARS || s.chars().any(char::is_control))
    {
        bad(
            "supplier",
            "invalid",
            format!("must be at most {MAX_SUPPLIER_CHARS} characters without control characters"),
        );
    }
    let profile = MeasureProfile::new(input.grams_per_each, input.grams_per_ml)
        .map_err(|e| bad("grams_per_each", "invalid", e.to_string()))
        .ok();
    let pack = match input.pack_size.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => match Quantity::parse(s) {
            Ok(q) if q.is_positive() => Some(q),
            Ok(_) => {
                bad("pack_size", "invalid", "must be greater than zero".into());
                None
            }
            Err(e) => {
                bad("pack_size", "invalid", e.to_string());
                None
            }
        },
    };
    if let (Some(pack), Some(unit), Some(profile)) = (pack, base_unit, &profile) {
        if let Err(e) = profile.can_convert(pack.unit(), unit) {
            bad(
                "pack_size",
                "impossible_conversion",
                format!("a pack of {pack} cannot be expressed in {unit}: {e}"),
            );
        }
    }
    if !errors.is_empty() {
        return Err(Invalid(errors));
    }
    match (name, base_unit) {
        (Some(name), Some(unit)) => Ok(ValidIngredient {
            data: IngredientData {
                name_key: name.key(),
                name: name.to_string(),
                category: input
                    .category
                    .as_deref()
                    .map(Category::parse)
                    .unwrap_or_default()
                    .to_string(),
                base_unit: unit.symbol().to_owned(),
                waste_factor: waste,
                shelf_life_days,
                supplier,
                pack_amount: pack.map(|p| p.amount()),
                pack_unit: pack.map(|p| p.unit().symbol().to_owned()),
                grams_per_each: input.grams_per_each,
                grams_per_ml: input.grams_per_ml,
            },
            unit_cost: input.unit_cost,
        }),
        _ => Err(Invalid::one(prefix, "invalid", "invalid ingredient")),
    }
}

/// Stores a new, already validated ingredient whose first price takes
/// effect today.
pub async fn insert_valid(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    valid: &ValidIngredient,
) -> Result<IngredientRow, KitchenError> {
    Ok(flux_store::costing::insert_ingredient(
        conn,
        rid,
        &valid.data,
        valid.unit_cost,
        kitchen.today,
    )
    .await?)
}

/// Replaces an ingredient's fields with validated ones. A changed
/// `unit_cost` is recorded as a price effective today. Refused if it would
/// break a recipe.
pub async fn update_valid(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    id: Uuid,
    valid: &ValidIngredient,
) -> Result<Option<IngredientRow>, KitchenError> {
    let Some(current) = kitchen.ingredient(id) else {
        return Ok(None);
    };
    let mut trial = kitchen.rows.clone();
    if let Some(row) = trial.ingredients.iter_mut().find(|i| i.ingredient_id == id) {
        apply(row, &valid.data);
    }
    Kitchen::from_rows(trial, kitchen.today, kitchen.waste_enabled)?;
    let price_changed = current.unit_cost != valid.unit_cost;
    let row = flux_store::costing::update_ingredient(conn, rid, id, &valid.data).await?;
    if price_changed {
        flux_store::costing::set_cost(conn, rid, id, kitchen.today, valid.unit_cost, kitchen.today)
            .await?;
        return Ok(flux_store::costing::get_ingredient(conn, rid, id).await?);
    }
    Ok(row)
}

fn apply(row: &mut IngredientRow, d: &IngredientData) {
    row.name.clone_from(&d.name);
    row.name_key.clone_from(&d.name_key);
    row.category.clone_from(&d.category);
    row.base_unit.clone_from(&d.base_unit);
    row.waste_factor = d.waste_factor;
    row.shelf_life_days = d.shelf_life_days;
    row.supplier.clone_from(&d.supplier);
    row.pack_amount = d.pack_amount;
    row.pack_unit.clone_from(&d.pack_unit);
    row.grams_per_each = d.grams_per_each;
    row.grams_per_ml = d.grams_per_ml;
}

/// Records a price change effective on `effective_from` (past or future);
/// the current cost follows if the change is effective today or earlier.
pub async fn set_price(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    id: Uuid,
    unit_cost: Decimal,
    effective_from: NaiveDate,
) -> Result<bool, KitchenError> {
    if unit_cost < Decimal::ZERO {
        return Err(Invalid::one(
            "unit_cost",
            "negative",
            format!("must not be negative, got {unit_cost}"),
        )
        .into());
    }
    if kitchen.ingredient(id).is_none() {
        return Ok(false);
    }
    flux_store::costing::set_cost(conn, rid, id, effective_from, unit_cost, kitchen.today).await?;
    Ok(true)
}

/// Deletes an ingredient no recipe uses (`Kind::InUse` while one does).
pub async fn delete(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> AppResult<()> {
    if flux_store::costing::delete_ingredient(conn, rid, id).await? {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

/// Stores a parsed CSV: new names are created, known names updated (a
/// changed price becomes a history entry effective today). The whole file
/// is checked against the recipe book first, so a file either lands whole
/// or not at all.
pub async fn import(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    rows: &[ValidIngredient],
) -> Result<ImportOutcome, KitchenError> {
    let mut trial = kitchen.rows.clone();
    for valid in rows {
        if let Some(row) = trial
            .ingredients
            .iter_mut()
            .find(|i| i.name_key == valid.data.name_key)
        {
            apply(row, &valid.data);
        }
    }
    Kitchen::from_rows(trial, kitchen.today, kitchen.waste_enabled)?;
    let mut outcome = ImportOutcome {
        created: 0,
        updated: 0,
        unchanged: 0,
    };
    for valid in rows {
        match kitchen
            .rows
            .ingredients
            .iter()
            .find(|i| i.name_key == valid.data.name_key)
        {
            None => {
                insert_valid(conn, rid, kitchen, valid).await?;
                outcome.created += 1;
            }
            Some(existing) if same(existing, valid) => outcome.unchanged += 1,
            Some(existing) => {
                update_valid(conn, rid, kitchen, existing.ingredient_id, valid).await?;
                outcome.updated += 1;
            }
        }
    }
    Ok(outcome)
}

fn same(row: &IngredientRow, v: &ValidIngredient) -> bool {
    let d = &v.data;
    row.name == d.name
        && row.category == d.category
        && row.base_unit == d.base_unit
        && row.unit_cost == v.unit_cost
        && row.waste_factor == d.waste_factor
        && row.shelf_life_days == d.shelf_life_days
        && row.supplier == d.supplier
        && row.pack_amount == d.pack_amount
        && row.pack_unit == d.pack_unit
        && row.grams_per_each == d.grams_per_each
        && row.grams_per_ml == d.grams_per_ml
}

/// One CSV import: every row valid, or nothing stored.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ImportOutcome {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Parses an ingredient CSV (header row required; columns `name`,
/// `base_unit`, `unit_cost` required, `category`, `waste_factor`,
/// `shelf_life_days`, `supplier`, `pack_size`, `grams_per_each`,
/// `grams_per_ml` optional, in any order). Errors name the row (counting
/// the header as row 1, as spreadsheets do) and the column.
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<ValidIngredient>, Invalid> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(bytes);
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| c.trim().to_lowercase().replace(' ', "_"))
            .collect(),
        Err(e) => return Err(Invalid::one("file", "invalid_csv", e.to_string())),
    };
    for required in ["name", "base_unit", "unit_cost"] {
        if !headers.iter().any(|h| h == required) {
            return Err(Invalid::one(
                "file",
                "missing_column",
                format!(
                    "the header row has no `{required}` column (found: {})",
                    headers.join(", ")
                ),
            ));
        }
    }
    const KNOWN: [&str; 10] = [
        "name",
        "category",
        "base_unit",
        "unit_cost",
        "waste_factor",
        "shelf_life_days",
        "supplier",
        "pack_size",
        "grams_per_each",
        "grams_per_ml",
    ];
    if let Some(unknown) = headers.iter().find(|h| !KNOWN.contains(&h.as_str())) {
        return Err(Invalid::one(
            "file",
            "unknown_column",
            format!(
                "unknown column `{unknown}`; known columns: {}",
                KNOWN.join(", ")
            ),
        ));
    }
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let prefix = format!("row {row}.");
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(FieldError::new(
                    format!("row {row}"),
                    "invalid_csv",
                    e.to_string(),
                ));
                continue;
            }
        };
        let get = |col: &str| {
            headers
                .iter()
                .position(|h| h == col)
                .and_then(|p| record.get(p))
                .filter(|v| !v.is_empty())
        };
        let mut decimal = |col: &str| -> Option<Decimal> {
            let raw = get(col)?;
            match raw.parse::<Decimal>() {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(FieldError::new(
                        format!("{prefix}{col}"),
                        "not_a_number",
                        format!("{raw:?} is not a number"),
                    ));
                    None
                }
            }
        };
        let unit_cost = decimal("unit_cost");
        let grams_per_each = decimal("grams_per_each");
        let grams_per_ml = decimal("grams_per_ml");
        // A field that does not parse is reported and the row is still
        // validated, so one pass over the file shows every problem in it.
        let mut parsed = true;
        let waste_factor = match get("waste_factor") {
            None => None,
            Some(raw) => match WasteFactor::parse(raw) {
                Ok(w) => Some(w.value()),
                Err(e) => {
                    errors.push(FieldError::new(
                        format!("{prefix}waste_factor"),
                        "out_of_range",
                        e.to_string(),
                    ));
                    parsed = false;
                    None
                }
            },
        };
        let shelf_life_days = match get("shelf_life_days") {
            None => None,
            Some(raw) => match raw.parse::<i64>() {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(FieldError::new(
                        format!("{prefix}shelf_life_days"),
                        "not_a_number",
                        format!("{raw:?} is not a whole number of days"),
                    ));
                    parsed = false;
                    None
                }
            },
        };
        if unit_cost.is_none() {
            parsed = false;
            if get("unit_cost").is_none() {
                errors.push(FieldError::new(
                    format!("{prefix}unit_cost"),
                    "required",
                    "a unit cost is required",
                ));
            }
        }
        let input = IngredientInput {
            name: get("name").unwrap_or_default().to_owned(),
            category: get("category").map(str::to_owned),
            base_unit: get("base_unit").unwrap_or_default().to_owned(),
            unit_cost: unit_cost.unwrap_or_default(),
            waste_factor,
            shelf_life_days,
            supplier: get("supplier").map(str::to_owned),
            pack_size: get("pack_size").map(str::to_owned),
            grams_per_each,
            grams_per_ml,
        };
        match validate(&input, &prefix) {
            Ok(_) if !parsed => {}
            Ok(valid) => {
                if let Some(first) = seen.insert(valid.data.name_key.clone(), row) {
                    errors.push(FieldError::new(
                        format!("{prefix}name"),
                        "duplicate",
                        format!("{:?} is already on row {first}", valid.data.name),
                    ));
                }
                out.push(valid);
            }
            Err(Invalid(mut e)) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() {
        return Err(Invalid(errors));
    }
    if out.is_empty() {
        return Err(Invalid::one(
            "file",
            "empty",
            "the file has no ingredient rows",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: &Invalid) -> Vec<(&str, &str)> {
        e.0.iter().map(|f| (f.field.as_str(), f.code)).collect()
    }

    #[test]
    fn csv_rows_are_normalised() {
        let rows = parse_csv(
            b"Name,Base Unit,Unit Cost,Waste Factor,Pack Size,Category\n\
              Tomatoes , KG ,2.40,15%,5 kg,vegetables\n\
              Eggs,dozen,3.10,,,eggs\n",
        )
        .expect("valid file");
        assert_eq!(rows.len(), 2);
        let t = &rows[0];
        assert_eq!(
            (
                t.data.name.as_str(),
                t.data.base_unit.as_str(),
                t.data.category.as_str()
            ),
            ("Tomatoes", "kg", "produce")
        );
        assert_eq!(t.data.waste_factor, Decimal::new(15, 2));
        assert_eq!(t.data.pack_amount, Some(Decimal::from(5)));
        assert_eq!(rows[1].data.category, "dairy");
        assert_eq!(rows[1].data.waste_factor, Decimal::ZERO);
    }

    #[test]
    fn every_problem_in_a_file_is_reported_with_row_and_column() {
        let e = parse_csv(
            b"name,base_unit,unit_cost,waste_factor,shelf_life_days,supplier\n\
              Saffron,bushel,4000,0.9,x,\"Evil\x07Corp\"\n\
              ,kg,1,0,,\n\
              Salt,kg,1,0,,\n\
              SALT,kg,1,0,,\n",
        )
        .expect_err("bad file");
        assert_eq!(
            fields(&e),
            [
                ("row 2.waste_factor", "out_of_range"),
                ("row 2.shelf_life_days", "not_a_number"),
                ("row 2.base_unit", "unknown_unit"),
                ("row 2.supplier", "invalid"),
                ("row 3.name", "invalid"),
                ("row 5.name", "duplicate"),
            ]
        );
    }

    #[test]
    fn files_without_the_required_columns_or_rows_are_refused() {
        let e = parse_csv(b"name,unit_cost\nSalt,1\n").expect_err("no base_unit");
        assert_eq!(fields(&e), [("file", "missing_column")]);
        let e = parse_csv(b"name,base_unit,unit_cost,colour\nSalt,kg,1,white\n")
            .expect_err("unknown column");
        assert_eq!(fields(&e), [("file", "unknown_column")]);
        let e = parse_csv(b"name,base_unit,unit_cost\n").expect_err("empty");
        assert_eq!(fields(&e), [("file", "empty")]);
    }

    #[test]
    fn a_pack_that_cannot_be_expressed_in_the_base_unit_is_refused() {
        let input = IngredientInput {
            name: "Milk".into(),
            base_unit: "l".into(),
            unit_cost: Decimal::ONE,
            pack_size: Some("6 each".into()),
            ..IngredientInput::default()
        };
        let e = validate(&input, "").expect_err("no weight per piece");
        assert_eq!(fields(&e), [("pack_size", "impossible_conversion")]);
        let ok = IngredientInput {
            pack_size: Some("6 l".into()),
            ..input
        };
        assert!(validate(&ok, "").is_ok());
    }
}

/// The key a preparation is matched by: trimmed, lower-case, single
/// spaces ("Diced " and "diced" are one yield).
pub fn yield_key(action: &str) -> String {
    action
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// One preparation yield as received.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct YieldInput {
    /// "diced", "peeled", "filleted".
    pub action: String,
    /// The edible share of what was bought, above 0 and at most 1 (or a
    /// percentage such as "70%").
    #[serde(rename = "yield")]
    #[schema(value_type = String, example = "0.70")]
    pub share: String,
}

pub use flux_store::costing::YieldRow;

/// An ingredient's preparation yields, by action.
pub fn yields_of(kitchen: &Kitchen, ingredient_id: Uuid) -> Vec<YieldRow> {
    kitchen
        .rows
        .yields
        .iter()
        .filter(|y| y.ingredient_id == ingredient_id)
        .cloned()
        .collect()
}

/// The most preparations one ingredient records.
const MAX_YIELDS: usize = 30;

/// Replaces an ingredient's preparation yields, all or none. Removing one
/// a recipe uses is refused (`in_use`); changing a share re-costs every
/// recipe that uses it.
pub async fn set_yields(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    ingredient_id: Uuid,
    input: &[YieldInput],
) -> AppResult<Vec<YieldRow>> {
    if kitchen.ingredient(ingredient_id).is_none() {
        return Err(AppError::not_found());
    }
    let mut errors = Vec::new();
    if input.len() > MAX_YIELDS {
        errors.push(flux_domain::FieldError::new(
            "yields",
            "too_many",
            format!("at most {MAX_YIELDS} preparations"),
        ));
    }
    let mut ready: Vec<(String, String, Decimal)> = Vec::new();
    for (i, y) in input.iter().enumerate().take(MAX_YIELDS) {
        let action = y.action.split_whitespace().collect::<Vec<_>>().join(" ");
        let key = yield_key(&action);
        if action.is_empty() || action.chars().count() > 60 {
            errors.push(flux_domain::FieldError::new(
                format!("yields.{i}.action"),
                "invalid",
                "1 to 60 characters",
            ));
            continue;
        }
        if ready.iter().any(|r| r.1 == key) {
            errors.push(flux_domain::FieldError::new(
                format!("yields.{i}.action"),
                "duplicate",
                "this preparation is listed twice",
            ));
            continue;
        }
        let raw = y.share.trim();
        let share = match raw.strip_suffix('%') {
            Some(p) => p
                .trim()
                .parse::<Decimal>()
                .ok()
                .and_then(|p| p.checked_div(Decimal::ONE_HUNDRED)),
            None => raw.parse::<Decimal>().ok(),
        };
        match share {
            Some(s) if s > Decimal::ZERO && s <= Decimal::ONE => {
                ready.push((action, key, s.normalize()))
            }
            _ => errors.push(flux_domain::FieldError::new(
                format!("yields.{i}.yield"),
                "out_of_range",
                "the edible share must be above 0 and at most 1 (0.70 or 70%)",
            )),
        }
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let mut savepoint = conn.begin().await?;
    let stored = flux_store::costing::set_yields(&mut savepoint, rid, ingredient_id, &ready).await;
    settle(savepoint, stored).await.map_err(|e| {
        if e.kind() == Some(crate::Kind::InUse) {
            AppError::new(
                crate::Kind::InUse,
                "a recipe uses a preparation this would remove; change that recipe first",
            )
        } else {
            e
        }
    })?;
    let rows = flux_store::costing::book_rows(conn, rid).await?;
    Ok(rows
        .yields
        .into_iter()
        .filter(|y| y.ingredient_id == ingredient_id)
        .collect())
}
