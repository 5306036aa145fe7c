//! The restaurant's own calendar of events (a festival, a home match, the
//! street market). Each day of an event reaches the forecaster as a
//! special day labelled with the event's name, so a recurring event's
//! effect is learnt from its past occurrences (pooled with the
//! restaurant's other events when it has few) and applied to the next;
//! the forecast's explanation shows it ("special day +25 %").

use chrono::{Duration, NaiveDate};
use flux_domain::{FieldError, Invalid};
use flux_store::PgConnection;
use uuid::Uuid;

use crate::{AppError, AppResult, Kind};

pub use flux_store::events::Event;

/// Longest name, in characters.
pub const NAME_MAX: usize = 100;
/// Longest event, in days.
pub const MAX_DAYS: i64 = 31;
/// Events are entered at most this far back (the forecaster reads two
/// years) and ahead.
pub const YEARS_BACK: i64 = 5;
pub const YEARS_AHEAD: i64 = 2;
/// Most events one call lists.
pub const MAX_LISTED: i64 = 1000;
/// Most events a restaurant keeps: every forecast reads all their days,
/// so the calendar must stay bounded (a festival a week for five years is
/// still far below it).
pub const MAX_EVENTS: i64 = 2000;

/// An event as submitted; a date is `None` when it was missing or not a
/// date.
#[derive(Debug, Clone)]
pub struct EventInput {
    pub name: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}

fn validate(
    input: &EventInput,
    today: NaiveDate,
) -> Result<(String, NaiveDate, NaiveDate), Invalid> {
    let mut errors = Vec::new();
    let name = match flux_domain::validation::clean_text("name", &input.name, NAME_MAX) {
        Ok(n) => Some(n),
        Err(e) => {
            errors.extend(e.0);
            None
        }
    };
    let earliest = today - Duration::days(365 * YEARS_BACK);
    let latest = today + Duration::days(365 * YEARS_AHEAD);
    for (field, d) in [("starts_on", input.starts_on), ("ends_on", input.ends_on)] {
        match d {
            None => errors.push(FieldError::new(
                field,
                "invalid",
                "must be a date (YYYY-MM-DD)",
            )),
            Some(d) if d < earliest || d > latest => errors.push(FieldError::new(
                field,
                "out_of_range",
                format!("must be between {earliest} and {latest}"),
            )),
            Some(_) => {}
        }
    }
    if let (Some(s), Some(e)) = (input.starts_on, input.ends_on) {
        if e < s {
            errors.push(FieldError::new(
                "ends_on",
                "before_start",
                "must not be before the first day",
            ));
        } else if (e - s).num_days() >= MAX_DAYS {
            errors.push(FieldError::new(
                "ends_on",
                "too_long",
                format!("an event lasts at most {MAX_DAYS} days"),
            ));
        }
    }
    match (name, input.starts_on, input.ends_on) {
        (Some(n), Some(s), Some(e)) if errors.is_empty() => Ok((n, s, e)),
        _ => Err(Invalid(errors)),
    }
}

async fn today(conn: &mut PgConnection, restaurant_id: Uuid) -> AppResult<NaiveDate> {
    Ok(flux_store::restaurants::get(conn, restaurant_id)
        .await?
        .ok_or_else(AppError::not_found)?
        .timezone
        .today())
}

/// Adds an event to the calendar.
pub async fn create(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    user_id: Uuid,
    input: &EventInput,
) -> AppResult<Event> {
    let (name, starts_on, ends_on) = validate(input, today(conn, restaurant_id).await?)?;
    if flux_store::events::count(conn, restaurant_id).await? >= MAX_EVENTS {
        return Err(AppError::new(
            Kind::Conflict,
            format!("a restaurant keeps at most {MAX_EVENTS} events; remove old ones first"),
        ));
    }
    Ok(flux_store::events::insert(conn, restaurant_id, &name, starts_on, ends_on, user_id).await?)
}

/// Events overlapping `from..=to` (default: a year back to a year ahead),
/// soonest first.
pub async fn list(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> AppResult<Vec<Event>> {
    let today = today(conn, restaurant_id).await?;
    let from = from.unwrap_or(today - Duration::days(365));
    let to = to.unwrap_or(today + Duration::days(365));
    crate::check_period(from, to)?;
    Ok(flux_store::events::list(conn, restaurant_id, from, to, MAX_LISTED).await?)
}

/// Removes an event; not found when there is none with that id here.
pub async fn delete(conn: &mut PgConnection, restaurant_id: Uuid, event_id: Uuid) -> AppResult<()> {
    if flux_store::events::delete(conn, restaurant_id, event_id).await? {
        Ok(())
    } else {
        Err(AppError::new(Kind::NotFound, "no such event"))
    }
}

/// The names of the events on each day from `from` to `to` (several on
/// one day joined with " / "), for naming their effect in explanations.
pub async fn names_by_day(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<std::collections::HashMap<NaiveDate, String>> {
    let mut names: std::collections::HashMap<NaiveDate, String> = Default::default();
    for (date, name) in flux_store::events::days(conn, restaurant_id, from, to).await? {
        names
            .entry(date)
            .and_modify(|n| {
                n.push_str(" / ");
                n.push_str(&name);
            })
            .or_insert(name);
    }
    Ok(names)
}

/// The special days the forecaster reads: every event day from two years
/// before `as_of` to the end of the horizon.
pub(crate) async fn special_days(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    as_of: NaiveDate,
    horizon_days: u32,
) -> Result<Vec<flux_forecast::SpecialDay>, flux_store::StoreError> {
    let from = as_of - Duration::days(730);
    let to = as_of + Duration::days(i64::from(horizon_days));
    Ok(flux_store::events::days(conn, restaurant_id, from, to)
        .await?
        .into_iter()
        .map(|(date, name)| flux_forecast::SpecialDay {
            date,
            label: Some(name),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default()
    }

    fn input(name: &str, s: Option<NaiveDate>, e: Option<NaiveDate>) -> EventInput {
        EventInput {
            name: name.into(),
            starts_on: s,
            ends_on: e,
        }
    }

    #[test]
    fn an_event_has_a_clean_name_and_a_span_of_at_most_a_month() {
        let d = |n: i64| Some(today() + Duration::days(n));
        assert!(validate(&input("Street market", d(3), d(3)), today()).is_ok());
        assert!(validate(&input("Festival", d(-400), d(-392)), today()).is_ok());
        let Err(Invalid(errors)) = validate(&input(" ", d(5), d(2)), today()) else {
            panic!("accepted");
        };
        let fields: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(fields, [("name", "required"), ("ends_on", "before_start")]);
        assert!(validate(&input("Long", d(0), d(MAX_DAYS)), today()).is_err());
        assert!(validate(&input("Ok", d(0), d(MAX_DAYS - 1)), today()).is_ok());
        assert!(validate(&input("a\u{0}b", d(0), d(0)), today()).is_err());
        assert!(validate(&input("Far", d(365 * 3), d(365 * 3)), today()).is_err());
        assert!(validate(&input("No dates", None, None), today()).is_err());
    }
}
