//! A person overrides a forecast: human oversight of the model.
//!
//! A manager who knows what the model cannot (a booked party, a closed
//! street) sets the day's expected quantity for a dish with a reason. The
//! override replaces the median of the newest run's forecast for that day
//! wherever forecasts are read (prep list, purchasing, costing, the API;
//! see `flux_domain::forecast`), survives later runs, and is logged in the
//! audit log with who, when and before/after. Removing it restores the
//! model's forecast. The model's median at the time is kept so the
//! transparency page can score people against the model.

use chrono::{Duration, NaiveDate};
use flux_domain::forecast::OVERRIDE_MAX;
use flux_domain::{FieldError, Invalid};
use flux_store::forecasts::NewOverride;
use flux_store::PgConnection;
use uuid::Uuid;

use crate::{AppError, AppResult, Kind};

pub use flux_store::forecasts::Override;

/// Longest reason, in characters.
pub const REASON_MAX: usize = 500;
/// How far ahead a day may be overridden.
pub const MAX_DAYS_AHEAD: i64 = 366;

/// An override as submitted.
#[derive(Debug, Clone)]
pub struct OverrideInput {
    pub menu_item_id: Uuid,
    /// `None` when the submitted day was missing or not a date.
    pub date: Option<NaiveDate>,
    /// `None` when the submitted quantity was missing or not a number.
    pub quantity: Option<f64>,
    pub reason: String,
}

/// Checks the input against the restaurant's `today`, every problem at once.
fn validate(input: &OverrideInput, today: NaiveDate) -> Result<(NaiveDate, f64, String), Invalid> {
    let mut errors = Vec::new();
    match input.date {
        None => errors.push(FieldError::new(
            "date",
            "invalid",
            "must be a date (YYYY-MM-DD)",
        )),
        Some(d) if d < today => errors.push(FieldError::new(
            "date",
            "in_the_past",
            format!("must be today ({today}) or later: past days are not forecast any more"),
        )),
        Some(d) if d > today + Duration::days(MAX_DAYS_AHEAD) => errors.push(FieldError::new(
            "date",
            "out_of_range",
            format!("must be at most {MAX_DAYS_AHEAD} days ahead"),
        )),
        Some(_) => {}
    }
    match input.quantity {
        Some(q) if q.is_finite() && (0.0..=OVERRIDE_MAX).contains(&q) => {}
        _ => errors.push(FieldError::new(
            "quantity",
            "out_of_range",
            format!("must be a number from 0 to {OVERRIDE_MAX}"),
        )),
    }
    let reason = match flux_domain::validation::clean_text("reason", &input.reason, REASON_MAX) {
        Ok(r) => Some(r),
        Err(e) => {
            errors.extend(e.0);
            None
        }
    };
    match (input.date, input.quantity, reason) {
        (Some(d), Some(q), Some(r)) if errors.is_empty() => {
            Ok((d, (q * 1000.0).round() / 1000.0, r))
        }
        _ => Err(Invalid(errors)),
    }
}

/// Sets (or replaces) the override of one dish and day. An unknown dish
/// (or another restaurant's) is not found.
pub async fn set(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    user_id: Uuid,
    input: &OverrideInput,
) -> AppResult<Override> {
    let restaurant = flux_store::restaurants::get(conn, restaurant_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let (date, quantity, reason) = validate(input, restaurant.timezone.today())?;
    super::stored::dish(conn, restaurant_id, input.menu_item_id).await?;
    let current = super::stored::day_of(conn, restaurant_id, input.menu_item_id, date).await?;
    Ok(flux_store::forecasts::upsert_override(
        conn,
        restaurant_id,
        &NewOverride {
            menu_item_id: input.menu_item_id,
            date,
            quantity,
            reason: &reason,
            model_p50: current.as_ref().map(|f| f.model_p50),
            forecast_run_id: current.map(|f| f.forecast_run_id),
            user_id,
        },
    )
    .await?)
}

/// Removes the override of one dish and day; not found when there is none.
pub async fn remove(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    item: Uuid,
    date: NaiveDate,
) -> AppResult<()> {
    if flux_store::forecasts::delete_override(conn, restaurant_id, item, date).await? {
        Ok(())
    } else {
        Err(AppError::new(
            Kind::NotFound,
            "no override for this dish and day",
        ))
    }
}

/// Filters for [`list`].
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub item: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Most overrides one call returns.
pub const MAX_LISTED: i64 = 1000;

/// Overrides by day, then dish.
pub async fn list(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    filter: &Filter,
) -> AppResult<Vec<Override>> {
    Ok(flux_store::forecasts::list_overrides(
        conn,
        restaurant_id,
        filter.item,
        filter.from,
        filter.to,
        MAX_LISTED,
    )
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default()
    }

    fn input(date: Option<NaiveDate>, quantity: Option<f64>, reason: &str) -> OverrideInput {
        OverrideInput {
            menu_item_id: Uuid::nil(),
            date,
            quantity,
            reason: reason.into(),
        }
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let past = today() - Duration::days(1);
        let Err(Invalid(errors)) = validate(&input(Some(past), Some(f64::NAN), " "), today())
        else {
            panic!("invalid input accepted");
        };
        let fields: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("date", "in_the_past"),
                ("quantity", "out_of_range"),
                ("reason", "required")
            ]
        );
    }

    #[test]
    fn limits_and_hostile_text_are_refused() {
        let far = today() + Duration::days(MAX_DAYS_AHEAD + 1);
        assert!(validate(&input(Some(far), Some(3.0), "party"), today()).is_err());
        assert!(validate(&input(Some(today()), Some(-1.0), "party"), today()).is_err());
        assert!(validate(
            &input(Some(today()), Some(OVERRIDE_MAX + 1.0), "x"),
            today()
        )
        .is_err());
        assert!(validate(&input(Some(today()), Some(3.0), "bad\u{0}reason"), today()).is_err());
        assert!(validate(&input(None, Some(3.0), "party"), today()).is_err());
    }

    #[test]
    fn quantities_keep_three_decimals_and_reasons_are_trimmed() {
        let ok = validate(
            &input(Some(today()), Some(12.34567), "  wedding  "),
            today(),
        );
        assert_eq!(ok.ok(), Some((today(), 12.346, "wedding".to_string())));
    }
}
