//! Daily weather where the restaurant is, as an input of its forecast:
//! fetched from the weather provider (the restaurant's latitude and
//! longitude in its settings; the nightly run refreshes it) or imported
//! from a file. The forecaster learns from the restaurant's own history
//! how rain and days warmer or colder than the weeks before move each
//! dish, and names the effect in the forecast's explanation
//! ("rain −12 %").

pub mod file;
pub mod provider;

use chrono::{Duration, NaiveDate};
use flux_store::weather::Day;
pub use flux_store::weather::{Source, StoredDay};
use flux_store::{PgConnection, PgPool};
use uuid::Uuid;

use crate::{AppError, AppResult, Kind};

pub use provider::Provider;

/// Weather is kept (and imported) this far back: the forecaster reads two
/// years, the rest is for the operator's own look back.
pub const YEARS_BACK: i64 = 10;
/// Days of history the forecaster reads, as for sales.
pub const HISTORY_DAYS: i64 = 730;
/// A restaurant with fewer stored days than this over the last two years
/// has its history fetched from the provider's archive.
pub const BACKFILL_BELOW_DAYS: i64 = 600;
/// Most days one listing returns.
pub const MAX_LISTED: i64 = 800;

/// What an import or a refresh stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Report {
    /// Days written (an import's every day; a refresh's, except days the
    /// restaurant imported itself, which it keeps).
    pub days_stored: u64,
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
    /// A refresh also fetched the last two years from the archive.
    pub backfilled: bool,
}

impl Report {
    fn of(days: &[Day], stored: u64, backfilled: bool) -> Self {
        Self {
            days_stored: stored,
            first: days.iter().map(|d| d.date).min(),
            last: days.iter().map(|d| d.date).max(),
            backfilled,
        }
    }
}

async fn restaurant(
    conn: &mut PgConnection,
    rid: Uuid,
) -> AppResult<flux_store::restaurants::Restaurant> {
    flux_store::restaurants::get(conn, rid)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Reads a weather file and stores its days, replacing those dates (also
/// the provider's). All or nothing: a file with one bad line stores none.
pub async fn import(conn: &mut PgConnection, rid: Uuid, bytes: &[u8]) -> AppResult<Report> {
    let today = restaurant(conn, rid).await?.timezone.today();
    let days = file::parse(bytes).map_err(|e| match e {
        file::FileError::NotText => AppError::new(Kind::InvalidFile, "the file is not UTF-8 text"),
        file::FileError::Empty => AppError::new(Kind::EmptyFile, "the file has no weather days"),
        file::FileError::NoHeader(cells) => AppError::new(
            Kind::UnrecognisedLayout,
            "no line names a date column and a temperature or precipitation column \
             (e.g. date,temperature_c,precipitation_mm)",
        )
        .with("headers", serde_json::json!(cells)),
        file::FileError::TooManyRows => AppError::new(
            Kind::InvalidFile,
            format!("a weather file has at most {} days", file::MAX_ROWS),
        ),
        file::FileError::Rows(errors) => AppError::Rejected {
            kind: Kind::RowsRejected,
            detail: "some lines are not weather days; nothing was stored".into(),
            errors,
            retry_after_secs: None,
            extensions: Default::default(),
        },
    })?;
    let earliest = today - Duration::days(365 * YEARS_BACK);
    let latest = today + Duration::days(i64::from(provider::FORECAST_DAYS));
    if let Some(d) = days.iter().find(|d| d.date < earliest || d.date > latest) {
        return Err(AppError::field(
            Kind::Validation,
            "date",
            "out_of_range",
            &format!(
                "{} is outside {earliest}..{latest} (ten years back to the forecast's reach)",
                d.date
            ),
        ));
    }
    let stored = flux_store::weather::upsert(conn, rid, &days, Source::Import).await?;
    Ok(Report::of(&days, stored, false))
}

/// Stored days from `from` to `to` (default: the last four weeks and the
/// next sixteen days), at most [`MAX_LISTED`].
pub async fn list(
    conn: &mut PgConnection,
    rid: Uuid,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> AppResult<Vec<StoredDay>> {
    let today = restaurant(conn, rid).await?.timezone.today();
    let from = from.unwrap_or(today - Duration::days(28));
    let to = to.unwrap_or(today + Duration::days(i64::from(provider::FORECAST_DAYS)));
    crate::check_period(from, to)?;
    if (to - from).num_days() >= MAX_LISTED {
        return Err(AppError::field(
            Kind::Validation,
            "to",
            "too_long",
            &format!("a listing covers at most {MAX_LISTED} days"),
        ));
    }
    Ok(flux_store::weather::list(conn, rid, from, to).await?)
}

/// Removes the stored days from `from` to `to`; returns how many.
pub async fn clear(
    conn: &mut PgConnection,
    rid: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<u64> {
    crate::check_period(from, to)?;
    Ok(flux_store::weather::delete(conn, rid, from, to).await?)
}

/// Fetches the weather from the provider and stores it: the recent days
/// and the forecast, and the last two years from the archive when the
/// restaurant has little history. Owns its transactions (no transaction
/// is held while the provider is asked): one to read the location, one to
/// store the answer.
pub async fn refresh(
    pool: &PgPool,
    rid: Uuid,
    actor: Uuid,
    provider: &Provider,
) -> AppResult<Report> {
    fetch(pool, rid, actor, provider).await?.ok_or_else(|| {
        AppError::field(
            Kind::Validation,
            "latitude",
            "required",
            "set the restaurant's latitude and longitude in its settings first",
        )
    })
}

/// The nightly run's refresh: as [`refresh`], and nothing (`None`) for a
/// restaurant that set no location.
pub async fn refresh_nightly(
    pool: &PgPool,
    rid: Uuid,
    provider: &Provider,
) -> AppResult<Option<Report>> {
    fetch(pool, rid, Uuid::nil(), provider).await
}

async fn fetch(
    pool: &PgPool,
    rid: Uuid,
    actor: Uuid,
    provider: &Provider,
) -> AppResult<Option<Report>> {
    let mut tx = flux_store::tenant::begin(pool, actor, rid).await?;
    let r = restaurant(&mut tx, rid).await?;
    let settings = crate::settings::get(&mut tx, rid).await?;
    let today = r.timezone.today();
    let have =
        flux_store::weather::count(&mut tx, rid, today - Duration::days(HISTORY_DAYS), today)
            .await?;
    tx.commit().await?;
    let (Some(lat), Some(lon)) = (settings.latitude, settings.longitude) else {
        return Ok(None);
    };
    let tz = r.timezone.name();
    let mut days = Vec::new();
    let backfill = have < BACKFILL_BELOW_DAYS;
    if backfill {
        // The archive ends about five days back; the forecast call's
        // observed days cover the rest.
        let to = today - Duration::days(i64::from(provider::PAST_DAYS) / 2);
        days = provider
            .history(lat, lon, tz, today - Duration::days(HISTORY_DAYS), to)
            .await?;
    }
    days.extend(provider.recent(lat, lon, tz).await?);
    // A day in both answers: the later (forecast call's) one wins.
    let mut by_date = std::collections::BTreeMap::new();
    for d in days {
        by_date.insert(d.date, d);
    }
    let days: Vec<Day> = by_date.into_values().collect();
    let mut tx = flux_store::tenant::begin(pool, actor, rid).await?;
    let stored = flux_store::weather::upsert(&mut tx, rid, &days, Source::Provider).await?;
    tx.commit().await?;
    Ok(Some(Report::of(&days, stored, backfill)))
}

/// The weather the forecaster reads: two years before `as_of` to the end
/// of the horizon.
pub(crate) async fn for_forecast(
    conn: &mut PgConnection,
    rid: Uuid,
    as_of: NaiveDate,
    horizon_days: u32,
) -> Result<Vec<flux_forecast::WeatherDay>, flux_store::StoreError> {
    let from = as_of - Duration::days(HISTORY_DAYS);
    let to = as_of + Duration::days(i64::from(horizon_days));
    Ok(flux_store::weather::list(conn, rid, from, to)
        .await?
        .into_iter()
        .map(|d| flux_forecast::WeatherDay {
            date: d.date,
            temperature_c: d.temperature_c,
            precipitation_mm: d.precipitation_mm,
        })
        .collect())
}
