//! Stored forecast runs, forecasts and feedback.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use flux_domain::forecast::Quantiles;

use crate::Result;

/// A dish with its daily sales, as the forecaster reads them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DailySale {
    pub menu_item_id: Uuid,
    pub business_date: NaiveDate,
    pub quantity: f64,
    pub promo_quantity: f64,
}

/// Daily sales before `before`, of one dish or all, from `from` or the
/// beginning. A page that draws one dish asks for that dish and the days
/// it draws, never the whole restaurant's history.
pub async fn daily_sales(
    conn: &mut PgConnection,
    rid: Uuid,
    item: Option<Uuid>,
    from: Option<NaiveDate>,
    before: NaiveDate,
) -> Result<Vec<DailySale>> {
    Ok(sqlx::query_as(
        "select menu_item_id, business_date, quantity::float8 as quantity, promo_quantity::float8 as promo_quantity
         from daily_item_sales
         where restaurant_id = $1 and business_date < $2
           and ($3::uuid is null or menu_item_id = $3)
           and ($4::date is null or business_date >= $4)",
    )
    .bind(rid)
    .bind(before)
    .bind(item)
    .bind(from)
    .fetch_all(conn)
    .await?)
}

/// The first day a dish sold, if it ever did.
pub async fn first_sale(
    conn: &mut PgConnection,
    rid: Uuid,
    item: Uuid,
) -> Result<Option<NaiveDate>> {
    Ok(sqlx::query_scalar(
        "select min(business_date) from daily_item_sales where restaurant_id = $1 and menu_item_id = $2",
    )
    .bind(rid)
    .bind(item)
    .fetch_one(conn)
    .await?)
}

/// One dish's whole daily history, as parallel arrays in date order.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DailySeries {
    pub menu_item_id: Uuid,
    pub dates: Vec<NaiveDate>,
    pub quantity: Vec<f64>,
    pub promo_quantity: Vec<f64>,
}

/// Every dish's history before `before`, one row per dish.
///
/// The forecaster reads a restaurant's whole history (tens of thousands of
/// daily rows) on every run; aggregating into arrays in the database sends
/// one row per dish instead of one per dish-day, which removes most of the
/// per-row protocol and decoding work (see `docs/benchmarks.md`).
pub async fn daily_series(
    conn: &mut PgConnection,
    rid: Uuid,
    before: NaiveDate,
) -> Result<Vec<DailySeries>> {
    Ok(sqlx::query_as(
        "select menu_item_id,
                array_agg(business_date order by business_date) as dates,
                array_agg(quantity::float8 order by business_date) as quantity,
                array_agg(promo_quantity::float8 order by business_date) as promo_quantity
         from daily_item_sales where restaurant_id = $1 and business_date < $2
         group by menu_item_id",
    )
    .bind(rid)
    .bind(before)
    .fetch_all(conn)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Run {
    pub forecast_run_id: Uuid,
    pub model: String,
    pub model_version: String,
    /// What the run was asked for, as recorded then (today: horizon,
    /// holiday country, closed weekdays). Older runs keep the keys of
    /// their time, so the document promises no fixed shape.
    #[schema(value_type = Object)]
    pub parameters: Value,
    pub trigger: String,
    pub as_of: NaiveDate,
    pub horizon_days: i32,
    #[sqlx(try_from = "String")]
    pub status: crate::status::RunStatus,
    pub items: i32,
    pub load_ms: i64,
    pub engine_ms: i64,
    pub store_ms: i64,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
}

const RUN_COLUMNS: &str =
    "forecast_run_id, model, model_version, parameters, trigger, as_of, horizon_days, \
     status, items, load_ms, engine_ms, store_ms, error, created_at";

#[allow(clippy::too_many_arguments)]
pub async fn insert_run(
    conn: &mut PgConnection,
    rid: Uuid,
    run: &Run,
    created_by: Option<Uuid>,
) -> Result<()> {
    sqlx::query(
        "insert into forecast_runs (restaurant_id, forecast_run_id, model, model_version, parameters, trigger,
             as_of, horizon_days, status, items, load_ms, engine_ms, store_ms, error, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(rid)
    .bind(run.forecast_run_id)
    .bind(&run.model)
    .bind(&run.model_version)
    .bind(&run.parameters)
    .bind(&run.trigger)
    .bind(run.as_of)
    .bind(run.horizon_days)
    .bind(run.status.as_str())
    .bind(run.items)
    .bind(run.load_ms)
    .bind(run.engine_ms)
    .bind(run.store_ms)
    .bind(&run.error)
    .bind(created_by)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_store_ms(conn: &mut PgConnection, rid: Uuid, run_id: Uuid, ms: i64) -> Result<()> {
    sqlx::query("update forecast_runs set store_ms = $3, updated_at = now() where restaurant_id = $1 and forecast_run_id = $2")
        .bind(rid)
        .bind(run_id)
        .bind(ms)
        .execute(conn)
        .await?;
    Ok(())
}

/// Column-wise forecast rows, inserted with one `UNNEST` statement.
#[derive(Debug, Default)]
pub struct ForecastRows {
    pub menu_item_id: Vec<Uuid>,
    pub date: Vec<NaiveDate>,
    pub mean: Vec<f64>,
    pub p10: Vec<f64>,
    pub p50: Vec<f64>,
    pub p90: Vec<f64>,
    pub p99: Vec<f64>,
    pub confidence: Vec<f32>,
    pub explanation: Vec<Value>,
    pub text: Vec<String>,
}

pub async fn insert_forecasts(
    conn: &mut PgConnection,
    rid: Uuid,
    run_id: Uuid,
    rows: &ForecastRows,
) -> Result<u64> {
    Ok(sqlx::query(
        "insert into demand_forecasts (restaurant_id, forecast_run_id, menu_item_id, forecast_date, mean, p10, p50,
             p90, p99, confidence, explanation, explanation_text)
         select $1, $2, * from unnest($3::uuid[], $4::date[], $5::float8[], $6::float8[], $7::float8[], $8::float8[],
                                      $9::float8[], $10::float4[], $11::jsonb[], $12::text[])",
    )
    .bind(rid)
    .bind(run_id)
    .bind(&rows.menu_item_id)
    .bind(&rows.date)
    .bind(&rows.mean)
    .bind(&rows.p10)
    .bind(&rows.p50)
    .bind(&rows.p90)
    .bind(&rows.p99)
    .bind(&rows.confidence)
    .bind(&rows.explanation)
    .bind(&rows.text)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Forecast days of a run's upper levels, column-wise for one insert.
#[derive(Debug, Default)]
pub struct TotalRows {
    pub level: Vec<crate::status::TotalLevel>,
    /// Category name; empty for the restaurant.
    pub name: Vec<String>,
    pub date: Vec<NaiveDate>,
    pub mean: Vec<f64>,
    pub p10: Vec<f64>,
    pub p50: Vec<f64>,
    pub p90: Vec<f64>,
    pub p99: Vec<f64>,
}

pub async fn insert_totals(
    conn: &mut PgConnection,
    rid: Uuid,
    run_id: Uuid,
    rows: &TotalRows,
) -> Result<u64> {
    let levels: Vec<&str> = rows.level.iter().map(|l| l.as_str()).collect();
    Ok(sqlx::query(
        "insert into forecast_totals (restaurant_id, forecast_run_id, level, name, forecast_date, mean, p10, p50,
             p90, p99)
         select $1, $2, * from unnest($3::text[], $4::text[], $5::date[], $6::float8[], $7::float8[],
                                      $8::float8[], $9::float8[], $10::float8[])",
    )
    .bind(rid)
    .bind(run_id)
    .bind(&levels)
    .bind(&rows.name)
    .bind(&rows.date)
    .bind(&rows.mean)
    .bind(&rows.p10)
    .bind(&rows.p50)
    .bind(&rows.p90)
    .bind(&rows.p99)
    .execute(conn)
    .await?
    .rows_affected())
}

/// One day of a stored upper-level forecast.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredTotal {
    pub forecast_run_id: Uuid,
    #[sqlx(try_from = "String")]
    pub level: crate::status::TotalLevel,
    pub name: String,
    pub date: NaiveDate,
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
}

/// The newest completed run's upper levels between two days (inclusive),
/// restaurant first, then categories by name, each by date.
pub async fn latest_totals(
    conn: &mut PgConnection,
    rid: Uuid,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<StoredTotal>> {
    Ok(sqlx::query_as(
        "with run as (select forecast_run_id from forecast_runs
                      where restaurant_id = $1 and status = 'completed'
                      order by created_at desc limit 1)
         select t.forecast_run_id, t.level, t.name, t.forecast_date as date, t.mean, t.p10, t.p50, t.p90, t.p99
         from forecast_totals t join run using (forecast_run_id)
         where t.restaurant_id = $1
           and ($2::date is null or t.forecast_date >= $2)
           and ($3::date is null or t.forecast_date <= $3)
         order by t.level desc, t.name, t.forecast_date",
    )
    .bind(rid)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

pub async fn list_runs(conn: &mut PgConnection, rid: Uuid, limit: i64) -> Result<Vec<Run>> {
    Ok(sqlx::query_as(&format!(
        "select {RUN_COLUMNS} from forecast_runs where restaurant_id = $1 order by created_at desc limit $2"
    ))
    .bind(rid)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// One stored forecast day of a dish.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct StoredForecast {
    pub forecast_run_id: Uuid,
    pub menu_item_id: Uuid,
    pub menu_item_name: String,
    pub date: NaiveDate,
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub confidence_score: f32,
    pub model_name: String,
    #[schema(schema_with = explanation_schema)]
    pub explanation: Value,
    pub logic_trigger: String,
    /// The model's median, before any override.
    pub model_p50: f64,
    /// A person's override of this day's median, when there is one: the
    /// quantiles above already follow it.
    pub override_quantity: Option<f64>,
    pub override_reason: Option<String>,
}

impl StoredForecast {
    fn apply_override(&mut self) {
        let Self {
            mean,
            p10,
            p50,
            p90,
            p99,
            override_quantity,
            ..
        } = self;
        apply_override(*override_quantity, [mean, p10, p50, p90, p99]);
    }
}

/// Sets mean, p10, p50, p90 and p99 (in that order) to what a person's
/// override makes of them, when there is one.
pub(crate) fn apply_override(target: Option<f64>, [mean, p10, p50, p90, p99]: [&mut f64; 5]) {
    if let Some(target) = target {
        let q = Quantiles {
            mean: *mean,
            p10: *p10,
            p50: *p50,
            p90: *p90,
            p99: *p99,
        }
        .overridden(target);
        (*mean, *p10, *p50, *p90, *p99) = (q.mean, q.p10, q.p50, q.p90, q.p99);
    }
}

// The column holds the forecast engine's serialised explanation, a type
// this layer does not depend on: the document names its schema.
fn explanation_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::Ref::from_schema_name("Explanation").into()
}

/// Forecasts of the newest completed run, filtered.
pub async fn latest(
    conn: &mut PgConnection,
    rid: Uuid,
    item: Option<Uuid>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    after: Option<(String, NaiveDate)>,
    limit: i64,
) -> Result<Vec<StoredForecast>> {
    let (after_name, after_date) = match after {
        Some((n, d)) => (Some(n), Some(d)),
        None => (None, None),
    };
    let mut rows: Vec<StoredForecast> = sqlx::query_as(
        "with run as (select forecast_run_id, model from forecast_runs
                      where restaurant_id = $1 and status = 'completed'
                      order by created_at desc limit 1)
         select f.forecast_run_id, f.menu_item_id, m.name as menu_item_name, f.forecast_date as date,
                f.mean, f.p10, f.p50, f.p90, f.p99, f.confidence as confidence_score, run.model as model_name,
                f.explanation, f.explanation_text as logic_trigger, f.p50 as model_p50,
                o.quantity::float8 as override_quantity, o.reason as override_reason
         from demand_forecasts f
         join run on run.forecast_run_id = f.forecast_run_id
         join menu_items m on m.restaurant_id = f.restaurant_id and m.menu_item_id = f.menu_item_id
         left join forecast_overrides o on o.restaurant_id = f.restaurant_id and o.menu_item_id = f.menu_item_id
                                       and o.forecast_date = f.forecast_date
         where f.restaurant_id = $1
           and ($2::uuid is null or f.menu_item_id = $2)
           and ($3::date is null or f.forecast_date >= $3)
           and ($4::date is null or f.forecast_date <= $4)
           and ($5::text is null or (m.name_key, f.forecast_date) > ($5, $6))
         order by m.name_key, f.forecast_date
         limit $7",
    )
    .bind(rid)
    .bind(item)
    .bind(from)
    .bind(to)
    .bind(after_name)
    .bind(after_date)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter_mut().for_each(StoredForecast::apply_override);
    Ok(rows)
}

pub async fn name_key_of(conn: &mut PgConnection, rid: Uuid, item: Uuid) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "select name_key from menu_items where restaurant_id = $1 and menu_item_id = $2",
    )
    .bind(rid)
    .bind(item)
    .fetch_optional(conn)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Feedback {
    pub feedback_id: Uuid,
    pub menu_item_id: Uuid,
    pub forecast_date: NaiveDate,
    pub forecast_run_id: Option<Uuid>,
    pub verdict: String,
    pub note: Option<String>,
    pub user_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_feedback(
    conn: &mut PgConnection,
    rid: Uuid,
    item: Uuid,
    date: NaiveDate,
    run: Option<Uuid>,
    verdict: &str,
    note: Option<&str>,
    user: Uuid,
) -> Result<Feedback> {
    Ok(sqlx::query_as(
        "insert into forecast_feedback (restaurant_id, feedback_id, menu_item_id, forecast_date, forecast_run_id,
             verdict, note, user_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         returning feedback_id, menu_item_id, forecast_date, forecast_run_id, verdict, note, user_id, created_at",
    )
    .bind(rid)
    .bind(Uuid::now_v7())
    .bind(item)
    .bind(date)
    .bind(run)
    .bind(verdict)
    .bind(note)
    .bind(user)
    .fetch_one(conn)
    .await?)
}

pub async fn list_feedback(
    conn: &mut PgConnection,
    rid: Uuid,
    item: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Feedback>> {
    Ok(sqlx::query_as(
        "select feedback_id, menu_item_id, forecast_date, forecast_run_id, verdict, note, user_id, created_at
         from forecast_feedback where restaurant_id = $1 and ($2::uuid is null or menu_item_id = $2)
         order by created_at desc limit $3",
    )
    .bind(rid)
    .bind(item)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// Pairs of (stored forecast, actual) for days that have passed: for each
/// dish and day, the forecast of the newest run made before that day.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ForecastVsActual {
    pub menu_item_id: Uuid,
    pub name: String,
    pub date: NaiveDate,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub actual: f64,
}

/// Past forecast days (of one dish, or all) with what was then sold, from
/// `since` (or the first forecast) up to `today`.
pub async fn forecast_vs_actual(
    conn: &mut PgConnection,
    rid: Uuid,
    item: Option<Uuid>,
    since: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Vec<ForecastVsActual>> {
    Ok(sqlx::query_as(
        "select distinct on (f.menu_item_id, f.forecast_date)
                f.menu_item_id, m.name, f.forecast_date as date, f.p10, f.p50, f.p90,
                coalesce(d.quantity, 0)::float8 as actual
         from demand_forecasts f
         join forecast_runs r on r.restaurant_id = f.restaurant_id and r.forecast_run_id = f.forecast_run_id
         join menu_items m on m.restaurant_id = f.restaurant_id and m.menu_item_id = f.menu_item_id
         left join daily_item_sales d on d.restaurant_id = f.restaurant_id and d.menu_item_id = f.menu_item_id
                                     and d.business_date = f.forecast_date
         where f.restaurant_id = $1 and f.forecast_date < $2 and r.as_of <= f.forecast_date
           and ($3::uuid is null or f.menu_item_id = $3)
           and ($4::date is null or f.forecast_date >= $4)
           and exists (select 1 from daily_item_sales a where a.restaurant_id = $1 and a.business_date = f.forecast_date)
         order by f.menu_item_id, f.forecast_date, r.created_at desc",
    )
    .bind(rid)
    .bind(today)
    .bind(item)
    .bind(since)
    .fetch_all(conn)
    .await?)
}

/// A restaurant's forecast accuracy over a trailing window, as measured
/// by one nightly run.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct AccuracySnapshot {
    /// The restaurant's local day of the run.
    pub measured_on: NaiveDate,
    /// Days before `measured_on` whose forecasts were scored.
    pub window_days: i16,
    /// Dish-days scored (days with sales recorded).
    pub dish_days: i32,
    pub mae: f64,
    pub mase: Option<f64>,
    pub scaled_pinball: Option<f64>,
    pub coverage_80: Option<f64>,
    pub bias: Option<f64>,
}

/// Keeps a snapshot (the newest of the day wins).
pub async fn record_accuracy(
    conn: &mut PgConnection,
    rid: Uuid,
    s: &AccuracySnapshot,
) -> Result<()> {
    sqlx::query(
        "insert into forecast_accuracy_history
             (restaurant_id, measured_on, window_days, dish_days, mae, mase, scaled_pinball, coverage_80, bias)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (restaurant_id, measured_on) do update set
             window_days = excluded.window_days, dish_days = excluded.dish_days, mae = excluded.mae,
             mase = excluded.mase, scaled_pinball = excluded.scaled_pinball,
             coverage_80 = excluded.coverage_80, bias = excluded.bias, created_at = now()",
    )
    .bind(rid)
    .bind(s.measured_on)
    .bind(s.window_days)
    .bind(s.dish_days)
    .bind(s.mae)
    .bind(s.mase)
    .bind(s.scaled_pinball)
    .bind(s.coverage_80)
    .bind(s.bias)
    .execute(conn)
    .await?;
    Ok(())
}

/// The newest `limit` snapshots, newest first.
pub async fn accuracy_history(
    conn: &mut PgConnection,
    rid: Uuid,
    limit: i64,
) -> Result<Vec<AccuracySnapshot>> {
    Ok(sqlx::query_as(
        "select measured_on, window_days, dish_days, mae, mase, scaled_pinball, coverage_80, bias
         from forecast_accuracy_history where restaurant_id = $1
         order by measured_on desc limit $2",
    )
    .bind(rid)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// A person's override of one dish-day's forecast.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Override {
    pub menu_item_id: Uuid,
    pub menu_item_name: String,
    pub forecast_date: NaiveDate,
    /// The median the person set.
    pub quantity: f64,
    pub reason: String,
    /// What the model's median was when the override was made (none when
    /// no forecast covered the day yet).
    pub model_p50: Option<f64>,
    pub forecast_run_id: Option<Uuid>,
    /// Who set it; none once that account is erased.
    pub user_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const OVERRIDE_COLUMNS: &str = "o.menu_item_id, m.name as menu_item_name, o.forecast_date, \
     o.quantity::float8 as quantity, o.reason, o.model_p50, o.forecast_run_id, o.user_id, o.created_at, o.updated_at";

/// What an override sets, and what the model said then.
#[derive(Debug, Clone)]
pub struct NewOverride<'a> {
    pub menu_item_id: Uuid,
    pub date: NaiveDate,
    pub quantity: f64,
    pub reason: &'a str,
    pub model_p50: Option<f64>,
    pub forecast_run_id: Option<Uuid>,
    pub user_id: Uuid,
}

/// Sets (or replaces) the override of a dish-day.
pub async fn upsert_override(
    conn: &mut PgConnection,
    rid: Uuid,
    o: &NewOverride<'_>,
) -> Result<Override> {
    Ok(sqlx::query_as(&format!(
        "with o as (
             insert into forecast_overrides (restaurant_id, menu_item_id, forecast_date, quantity, reason,
                 model_p50, forecast_run_id, user_id)
             values ($1, $2, $3, $4::float8, $5, $6, $7, $8)
             on conflict (restaurant_id, menu_item_id, forecast_date) do update
             set quantity = excluded.quantity, reason = excluded.reason, model_p50 = excluded.model_p50,
                 forecast_run_id = excluded.forecast_run_id, user_id = excluded.user_id, updated_at = now()
             returning *)
         select {OVERRIDE_COLUMNS} from o
         join menu_items m on m.restaurant_id = o.restaurant_id and m.menu_item_id = o.menu_item_id"
    ))
    .bind(rid)
    .bind(o.menu_item_id)
    .bind(o.date)
    .bind(o.quantity)
    .bind(o.reason)
    .bind(o.model_p50)
    .bind(o.forecast_run_id)
    .bind(o.user_id)
    .fetch_one(conn)
    .await?)
}

/// Removes a dish-day's override; false when there was none.
pub async fn delete_override(
    conn: &mut PgConnection,
    rid: Uuid,
    item: Uuid,
    date: NaiveDate,
) -> Result<bool> {
    Ok(sqlx::query(
        "delete from forecast_overrides where restaurant_id = $1 and menu_item_id = $2 and forecast_date = $3",
    )
    .bind(rid)
    .bind(item)
    .bind(date)
    .execute(conn)
    .await?
    .rows_affected()
        > 0)
}

/// Overrides by day then dish name, of one dish or all, in a date range.
pub async fn list_overrides(
    conn: &mut PgConnection,
    rid: Uuid,
    item: Option<Uuid>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    limit: i64,
) -> Result<Vec<Override>> {
    Ok(sqlx::query_as(&format!(
        "select {OVERRIDE_COLUMNS} from forecast_overrides o
         join menu_items m on m.restaurant_id = o.restaurant_id and m.menu_item_id = o.menu_item_id
         where o.restaurant_id = $1 and ($2::uuid is null or o.menu_item_id = $2)
           and ($3::date is null or o.forecast_date >= $3) and ($4::date is null or o.forecast_date <= $4)
         order by o.forecast_date, m.name_key limit $5"
    ))
    .bind(rid)
    .bind(item)
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// Past overridden days with the model's median then and what was sold,
/// for scoring people against the model.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OverrideOutcome {
    pub quantity: f64,
    pub model_p50: f64,
    pub actual: f64,
}

pub async fn override_outcomes(
    conn: &mut PgConnection,
    rid: Uuid,
    today: NaiveDate,
) -> Result<Vec<OverrideOutcome>> {
    Ok(sqlx::query_as(
        "select o.quantity::float8 as quantity, o.model_p50, coalesce(d.quantity, 0)::float8 as actual
         from forecast_overrides o
         left join daily_item_sales d on d.restaurant_id = o.restaurant_id and d.menu_item_id = o.menu_item_id
                                     and d.business_date = o.forecast_date
         where o.restaurant_id = $1 and o.forecast_date < $2 and o.model_p50 is not null
           and exists (select 1 from daily_item_sales a where a.restaurant_id = $1 and a.business_date = o.forecast_date)",
    )
    .bind(rid)
    .bind(today)
    .fetch_all(conn)
    .await?)
}

/// What the newest run was made from: the span and size of the history.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistorySpan {
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
    pub days: i64,
    pub dishes: i64,
    pub units: f64,
}

pub async fn history_span(
    conn: &mut PgConnection,
    rid: Uuid,
    before: NaiveDate,
) -> Result<HistorySpan> {
    Ok(sqlx::query_as(
        "select min(business_date) as first, max(business_date) as last,
                count(distinct business_date) as days, count(distinct menu_item_id) as dishes,
                coalesce(sum(quantity), 0)::float8 as units
         from daily_item_sales where restaurant_id = $1 and business_date < $2",
    )
    .bind(rid)
    .bind(before)
    .fetch_one(conn)
    .await?)
}
