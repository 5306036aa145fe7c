//! A cook's verdict on a forecast (the seed's workflow 5): too high, too
//! low or about right, with an optional note, tied to the run whose
//! forecast it judges so accuracy reviews can tell runs apart.
//!
//! The one place the rules live; the API and the dashboard both call
//! [`give`].

use chrono::NaiveDate;
use flux_domain::{FieldError, Invalid};
use flux_store::PgConnection;
use uuid::Uuid;

use crate::{AppError, AppResult};

pub use flux_store::forecasts::Feedback;

/// Longest note, in characters.
pub const NOTE_MAX: usize = 2000;

/// What the cook thought of the forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    TooHigh,
    TooLow,
    AboutRight,
}

impl Verdict {
    pub const ALL: [Verdict; 3] = [Verdict::TooHigh, Verdict::TooLow, Verdict::AboutRight];

    /// The stored and wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::TooHigh => "too_high",
            Verdict::TooLow => "too_low",
            Verdict::AboutRight => "about_right",
        }
    }

    pub fn parse(s: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }
}

/// A verdict as submitted.
#[derive(Debug, Clone)]
pub struct FeedbackInput {
    pub menu_item_id: Uuid,
    /// `None` when the submitted day was missing or not a date.
    pub date: Option<NaiveDate>,
    pub verdict: String,
    pub note: Option<String>,
}

/// Checks the input, every problem at once.
fn validate(input: &FeedbackInput) -> Result<(NaiveDate, Verdict, Option<String>), Invalid> {
    let mut errors = Vec::new();
    if input.date.is_none() {
        errors.push(FieldError::new(
            "date",
            "invalid",
            "must be a date (YYYY-MM-DD)",
        ));
    }
    let verdict = Verdict::parse(&input.verdict);
    if verdict.is_none() {
        errors.push(FieldError::new(
            "verdict",
            "invalid_verdict",
            "must be too_high, too_low or about_right",
        ));
    }
    let note = match input
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        None => None,
        Some(n) => match flux_domain::validation::clean_text("note", n, NOTE_MAX) {
            Ok(n) => Some(n),
            Err(e) => {
                errors.extend(e.0);
                None
            }
        },
    };
    match (input.date, verdict) {
        (Some(date), Some(verdict)) if errors.is_empty() => Ok((date, verdict, note)),
        _ => Err(Invalid(errors)),
    }
}

/// Records a verdict on the dish's forecast for the day, tied to the newest
/// run that forecast that day (if any). An unknown dish is not found.
pub async fn give(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    user_id: Uuid,
    input: &FeedbackInput,
) -> AppResult<Feedback> {
    let (date, verdict, note) = validate(input)?;
    flux_store::menu::get(conn, restaurant_id, input.menu_item_id)
        .await?
        .ok_or_else(|| AppError::new(crate::Kind::NotFound, "no such menu item"))?;
    let run = super::stored::day_of(conn, restaurant_id, input.menu_item_id, date)
        .await?
        .map(|f| f.forecast_run_id);
    Ok(flux_store::forecasts::insert_feedback(
        conn,
        restaurant_id,
        input.menu_item_id,
        date,
        run,
        verdict.as_str(),
        note.as_deref(),
        user_id,
    )
    .await?)
}

/// Feedback given, newest first, of one dish or all.
pub async fn list(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    item: Option<Uuid>,
    limit: i64,
) -> AppResult<Vec<Feedback>> {
    Ok(flux_store::forecasts::list_feedback(conn, restaurant_id, item, limit).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(date: Option<NaiveDate>, verdict: &str, note: Option<&str>) -> FeedbackInput {
        FeedbackInput {
            menu_item_id: Uuid::nil(),
            date,
            verdict: verdict.into(),
            note: note.map(str::to_string),
        }
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let long = "x".repeat(NOTE_MAX + 1);
        let Err(Invalid(errors)) = validate(&input(None, "meh", Some(&long))) else {
            panic!("invalid input accepted");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["date", "verdict", "note"]);
    }

    #[test]
    fn blank_notes_are_no_note_and_verdicts_are_typed() {
        let d = NaiveDate::from_ymd_opt(2024, 5, 1);
        let ok = validate(&input(d, "too_low", Some("   "))).ok();
        assert_eq!(ok.map(|(_, v, n)| (v, n)), Some((Verdict::TooLow, None)));
        assert!(validate(&input(d, "note\u{0}", None)).is_err());
        assert!(validate(&input(d, "about_right", Some("bad\u{0}note"))).is_err());
    }
}
