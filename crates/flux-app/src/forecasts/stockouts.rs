//! Sold-out days (censored demand). On a day a dish ran out, what it sold
//! is the least that was wanted, not what was wanted: the forecaster reads
//! it as a lower bound (`flux_forecast`, `DayFlags::stockout`) instead of
//! learning that demand was low.
//!
//! Two sources: a chef or manager marks a day ([`mark`]; audited), and
//! transaction-level imports reveal days where a dish's sales stopped
//! hours before the restaurant's ([`INFER_RULE`]). Both are listed by
//! [`list`] and used by every forecast run ([`for_forecast`]).

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use flux_domain::{FieldError, Invalid};
use flux_store::stockouts::InferRule;
use flux_store::PgConnection;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{AppError, AppResult, Kind};

pub use flux_store::stockouts::Stockout;

/// Longest note, in characters.
pub const NOTE_MAX: usize = 500;
/// How far back a day may be marked (the forecaster reads two years).
pub const MAX_DAYS_BACK: i64 = 730;
/// Days of timed sales the inference reads before each forecast.
pub const INFER_DAYS: i64 = 365;
/// A dish sold out when the restaurant kept selling two hours after its
/// last sale, three times its usual gap, on a day it sold at least three,
/// once it has two weeks of timed sales. Deliberately strict: a false
/// "sold out" lifts a forecast, a missed one only leaves it as it was.
pub const INFER_RULE: InferRule = InferRule {
    min_gap_secs: 2.0 * 3600.0,
    habit_factor: 3.0,
    min_quantity: 3.0,
    min_days: 14,
};

/// A sold-out day as submitted.
#[derive(Debug, Clone)]
pub struct StockoutInput {
    pub menu_item_id: Uuid,
    /// `None` when the submitted day was missing or not a date.
    pub date: Option<NaiveDate>,
    pub note: String,
}

fn validate(input: &StockoutInput, today: NaiveDate) -> Result<(NaiveDate, String), Invalid> {
    let mut errors = Vec::new();
    match input.date {
        None => errors.push(FieldError::new(
            "date",
            "invalid",
            "must be a date (YYYY-MM-DD)",
        )),
        Some(d) if d > today => errors.push(FieldError::new(
            "date",
            "in_the_future",
            format!("must be today ({today}) or earlier: a dish runs out on a day that has come"),
        )),
        Some(d) if d < today - Duration::days(MAX_DAYS_BACK) => errors.push(FieldError::new(
            "date",
            "out_of_range",
            format!("must be at most {MAX_DAYS_BACK} days ago"),
        )),
        Some(_) => {}
    }
    let note = if input.note.trim().is_empty() {
        Some(String::new())
    } else {
        match flux_domain::validation::clean_text("note", &input.note, NOTE_MAX) {
            Ok(n) => Some(n),
            Err(e) => {
                errors.extend(e.0);
                None
            }
        }
    };
    match (input.date, note) {
        (Some(d), Some(n)) if errors.is_empty() => Ok((d, n)),
        _ => Err(Invalid(errors)),
    }
}

/// Marks a dish's day as sold out (again: the note is replaced). An
/// unknown dish, or another restaurant's, is not found.
pub async fn mark(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    user_id: Uuid,
    input: &StockoutInput,
) -> AppResult<Stockout> {
    let restaurant = flux_store::restaurants::get(conn, restaurant_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let (date, note) = validate(input, restaurant.timezone.today())?;
    super::stored::dish(conn, restaurant_id, input.menu_item_id).await?;
    Ok(flux_store::stockouts::upsert(
        conn,
        restaurant_id,
        input.menu_item_id,
        date,
        &note,
        user_id,
    )
    .await?)
}

/// Removes a mark; not found when the day was not marked (an inferred day
/// cannot be removed: it follows from the sales).
pub async fn unmark(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    item: Uuid,
    date: NaiveDate,
) -> AppResult<()> {
    if flux_store::stockouts::delete(conn, restaurant_id, item, date).await? {
        Ok(())
    } else {
        Err(AppError::new(
            Kind::NotFound,
            "this dish is not marked sold out on this day",
        ))
    }
}

/// Where a sold-out day comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StockoutSource {
    /// Marked by a person.
    Marked,
    /// Inferred from the times of the sales.
    Inferred,
}

/// One sold-out day, marked or inferred.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StockoutDay {
    pub menu_item_id: Uuid,
    pub menu_item_name: String,
    pub date: NaiveDate,
    pub source: StockoutSource,
    /// The person's note (marked days only).
    pub note: Option<String>,
}

/// Most days one call returns.
pub const MAX_LISTED: usize = 1000;

/// Sold-out days from `from` to `to` (default: the last 8 weeks), of one
/// dish or all, newest first; a day both marked and inferred is listed
/// once, as marked.
pub async fn list(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    item: Option<Uuid>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> AppResult<Vec<StockoutDay>> {
    let restaurant = flux_store::restaurants::get(conn, restaurant_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let today = restaurant.timezone.today();
    let to = to.unwrap_or(today);
    let from = from.unwrap_or(to - Duration::days(55));
    crate::check_period(from, to)?;
    let marked =
        flux_store::stockouts::list(conn, restaurant_id, item, from, to, MAX_LISTED as i64).await?;
    let seen: HashSet<(Uuid, NaiveDate)> = marked
        .iter()
        .map(|m| (m.menu_item_id, m.business_date))
        .collect();
    let mut days: Vec<StockoutDay> = marked
        .into_iter()
        .map(|m| StockoutDay {
            menu_item_id: m.menu_item_id,
            menu_item_name: m.menu_item_name,
            date: m.business_date,
            source: StockoutSource::Marked,
            note: Some(m.note),
        })
        .collect();
    let inferred = flux_store::stockouts::inferred(
        conn,
        restaurant_id,
        from,
        to + Duration::days(1),
        &INFER_RULE,
    )
    .await?;
    // Only the asked-for dish, and not the days already listed as marked.
    let inferred: Vec<(Uuid, NaiveDate)> = inferred
        .into_iter()
        .filter(|(id, date)| item.is_none_or(|i| i == *id) && !seen.contains(&(*id, *date)))
        .collect();
    if !inferred.is_empty() {
        // One dish's page needs one name, not the whole menu's.
        let names: HashMap<Uuid, String> = match item {
            Some(id) => {
                let dish = super::stored::dish(conn, restaurant_id, id).await?;
                HashMap::from([(dish.menu_item_id, dish.name)])
            }
            None => flux_store::menu::list(
                conn,
                restaurant_id,
                &flux_store::menu::ListQuery {
                    limit: 100_000,
                    ..Default::default()
                },
            )
            .await?
            .0
            .into_iter()
            .map(|m| (m.menu_item_id, m.name))
            .collect(),
        };
        for (id, date) in inferred {
            days.push(StockoutDay {
                menu_item_id: id,
                menu_item_name: names.get(&id).cloned().unwrap_or_default(),
                date,
                source: StockoutSource::Inferred,
                note: None,
            });
        }
    }
    days.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| a.menu_item_name.cmp(&b.menu_item_name))
    });
    days.truncate(MAX_LISTED);
    Ok(days)
}

/// Every sold-out day before `before` the forecaster should read as a
/// lower bound: marked ones, and inferred ones of the last
/// [`INFER_DAYS`].
pub(crate) async fn for_forecast(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    before: NaiveDate,
) -> Result<HashSet<(Uuid, NaiveDate)>, flux_store::StoreError> {
    let mut days: HashSet<(Uuid, NaiveDate)> =
        flux_store::stockouts::marked_before(conn, restaurant_id, before)
            .await?
            .into_iter()
            .collect();
    days.extend(
        flux_store::stockouts::inferred(
            conn,
            restaurant_id,
            before - Duration::days(INFER_DAYS),
            before,
            &INFER_RULE,
        )
        .await?,
    );
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default()
    }

    fn input(date: Option<NaiveDate>, note: &str) -> StockoutInput {
        StockoutInput {
            menu_item_id: Uuid::nil(),
            date,
            note: note.into(),
        }
    }

    #[test]
    fn a_sold_out_day_has_come_and_its_note_is_optional_clean_text() {
        assert!(validate(&input(Some(today()), ""), today()).is_ok());
        assert!(validate(
            &input(Some(today() - Duration::days(3)), "ran out at 9pm"),
            today()
        )
        .is_ok());
        let tomorrow = today() + Duration::days(1);
        let Err(Invalid(errors)) = validate(&input(Some(tomorrow), "a\u{0}b"), today()) else {
            panic!("accepted a future day and a NUL");
        };
        let fields: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(fields[0], ("date", "in_the_future"));
        assert_eq!(fields[1].0, "note");
        let long = "x".repeat(NOTE_MAX + 1);
        assert!(validate(&input(Some(today()), &long), today()).is_err());
        let old = today() - Duration::days(MAX_DAYS_BACK + 1);
        assert!(validate(&input(Some(old), ""), today()).is_err());
        assert!(validate(&input(None, ""), today()).is_err());
    }
}
