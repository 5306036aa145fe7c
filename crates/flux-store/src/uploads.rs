//! Sale lines, uploads, orders and the daily roll-up.
//!
//! Lines arrive through `COPY ... FROM STDIN (format binary)`, the fastest
//! way into PostgreSQL, into a temporary staging table: PostgreSQL refuses
//! `COPY FROM` into tables with row-level security for roles subject to it,
//! and the server's role always is. Staged lines are then moved with one
//! `INSERT ... SELECT`, checked by RLS. When the restaurant already has lines
//! in the file's date range, staged lines whose key is already stored (or
//! repeated in the file) are first set aside in `duplicate_lines`, which is
//! what makes re-imports exactly-once and lets undo hand a line to another
//! upload that holds it; otherwise the plain insert is used (a key clash
//! then aborts it and the caller retries the careful way). Either way what
//! is left staged is exactly what gets stored, so the daily roll-up and the
//! orders are aggregated from the staging table, one statement each (or,
//! for a daily-totals file, copied from it line for line).
//!
//! The invariant, after any sequence of imports and undos: the stored lines
//! are those of a replay of the active uploads in the order they were made,
//! the first holder of a key winning; the roll-up and the orders are sums of
//! the stored lines. Imports and undos of one restaurant are serialised by
//! [`lock_sales`].

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use sqlx::encode::IsNull;
use sqlx::postgres::{PgArgumentBuffer, PgCopyIn};
use sqlx::{Encode, PgConnection, Postgres};
use uuid::Uuid;

use crate::Result;

/// One sale line, ready to be encoded for COPY by [`LineEncoder`].
#[derive(Debug, Clone)]
pub struct LineRow<'a> {
    pub business_date: NaiveDate,
    pub dedupe_key: [u8; 16],
    pub order_ref: Option<&'a str>,
    pub line_no: u64,
    pub menu_item_id: Uuid,
    pub occurred_at: Option<DateTime<Utc>>,
    pub quantity: Option<Decimal>,
    pub unit_price: Option<Decimal>,
    pub line_total: Option<Decimal>,
    pub is_promo: bool,
}

const COLUMNS: &str = "restaurant_id, business_date, dedupe_key, upload_id, order_ref, line_no, \
     menu_item_id, occurred_at, quantity, unit_price, line_total, is_promo";

/// Fields per row of [`COLUMNS`].
const FIELDS: i16 = 12;

/// Opening of a binary COPY stream: signature, flags, header extension length.
const COPY_HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";
/// A field count of -1 ends a binary COPY stream.
const COPY_TRAILER: &[u8] = &[0xff, 0xff];

/// Encodes sale lines for `COPY ... (format binary)`.
///
/// Binary rather than text: the server then only checks each value instead
/// of parsing dates, timestamps, UUIDs and decimals from text, which was a
/// large share of the staging time. Values are encoded with the driver's
/// own `Encode` implementations, the same bytes a bound parameter would
/// carry.
pub struct LineEncoder {
    buf: PgArgumentBuffer,
    restaurant_id: Uuid,
    upload_id: Uuid,
}

impl LineEncoder {
    /// A stream for one upload's lines, starting with the COPY header.
    pub fn new(restaurant_id: Uuid, upload_id: Uuid, capacity: usize) -> Self {
        let mut buf = PgArgumentBuffer::default();
        buf.reserve(capacity);
        buf.extend_from_slice(COPY_HEADER);
        Self {
            buf,
            restaurant_id,
            upload_id,
        }
    }

    /// Bytes encoded and not yet taken.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The bytes encoded so far, leaving the encoder empty.
    pub fn take(&mut self) -> Vec<u8> {
        let capacity = self.buf.capacity();
        std::mem::replace(&mut *self.buf, Vec::with_capacity(capacity))
    }

    /// Ends the stream; send what [`LineEncoder::take`] returns last.
    pub fn finish(&mut self) {
        self.buf.extend_from_slice(COPY_TRAILER);
    }

    /// Appends one row.
    pub fn push(&mut self, r: &LineRow<'_>) -> Result<()> {
        self.buf.extend_from_slice(&FIELDS.to_be_bytes());
        let line_no = i64::try_from(r.line_no).unwrap_or(i64::MAX);
        let (restaurant_id, upload_id) = (self.restaurant_id, self.upload_id);
        self.field(&restaurant_id)?;
        self.field(&r.business_date)?;
        self.field(&&r.dedupe_key[..])?;
        self.field(&upload_id)?;
        self.field(&r.order_ref)?;
        self.field(&line_no)?;
        self.field(&r.menu_item_id)?;
        self.field(&r.occurred_at)?;
        self.field(&r.quantity)?;
        self.field(&r.unit_price)?;
        self.field(&r.line_total)?;
        self.field(&r.is_promo)?;
        Ok(())
    }

    /// One field: its length (-1 for NULL), then its binary value.
    fn field<'q, T: Encode<'q, Postgres>>(&mut self, value: &T) -> Result<()> {
        let at = self.buf.len();
        self.buf.extend_from_slice(&[0; 4]);
        match value
            .encode_by_ref(&mut self.buf)
            .map_err(sqlx::Error::Encode)?
        {
            IsNull::No => {
                let n = i32::try_from(self.buf.len() - at - 4)
                    .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
                self.buf[at..at + 4].copy_from_slice(&n.to_be_bytes());
            }
            IsNull::Yes => {
                self.buf.truncate(at);
                self.buf.extend_from_slice(&(-1i32).to_be_bytes());
            }
        }
        Ok(())
    }
}

/// Creates the per-transaction staging table (dropped at commit).
pub async fn create_staging(conn: &mut PgConnection) -> Result<()> {
    sqlx::query(
        "create temporary table staged_items (like transaction_items including defaults) on commit drop",
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Starts a COPY into the staging table; feed it with `send` and finish it.
pub async fn copy_in(conn: &mut PgConnection) -> Result<PgCopyIn<&mut PgConnection>> {
    Ok(conn
        .copy_in_raw(&format!(
            "copy staged_items ({COLUMNS}) from stdin (format binary)"
        ))
        .await?)
}

/// What [`merge_staging`] stored.
#[derive(Debug, Clone, Copy, Default)]
pub struct Merged {
    pub lines: u64,
    pub orders: u64,
}

/// How many staged lines share a business day and dish, as the caller
/// observed while staging them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayItemLines {
    /// At most one line per (business day, dish): each line is its own
    /// roll-up row, so none needs aggregating (a daily-totals export).
    Unique,
    /// Some (day, dish) has several lines, or nobody checked.
    Repeated,
}

/// Creates the monthly partitions of the sale lines and the daily roll-up
/// covering `first` to `last` (migration 0024); returns how many were new.
/// Run it in a short transaction of its own before the import's: creating
/// a partition locks the parent table until commit.
pub async fn ensure_partitions(
    conn: &mut PgConnection,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<i32> {
    Ok(
        sqlx::query_scalar("select flux_ensure_sales_partitions($1, $2)")
            .bind(first)
            .bind(last)
            .fetch_one(conn)
            .await?,
    )
}

/// Drops the sales partitions of months that ended on or before `cutoff`
/// (every restaurant's sales of those months); returns how many.
pub async fn drop_partitions_before(conn: &mut PgConnection, cutoff: NaiveDate) -> Result<i32> {
    Ok(
        sqlx::query_scalar("select flux_drop_sales_partitions_before($1)")
            .bind(cutoff)
            .fetch_one(conn)
            .await?,
    )
}

/// Serialises imports and undos of one restaurant until the transaction
/// ends. Both read "what is already stored" and act on it; two of them
/// interleaved could each think the other's lines absent (a line then lost
/// on a later undo) or hand a line to an upload that is itself being
/// undone. Imports of different restaurants never wait for each other.
pub async fn lock_sales(conn: &mut PgConnection, restaurant_id: Uuid) -> Result<()> {
    sqlx::query("select pg_advisory_xact_lock(hashtextextended($1::text, 7253))")
        .bind(restaurant_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Moves staged lines whose key is already stored, or repeated earlier in
/// the same file, into `duplicate_lines`, so that undoing the upload that
/// owns a line can hand it to another upload that holds it. What remains
/// staged is exactly the lines this upload adds. Returns how many were set
/// aside.
async fn set_aside_duplicates(conn: &mut PgConnection, restaurant_id: Uuid) -> Result<u64> {
    let held: i64 = sqlx::query_scalar(&format!(
        "with ranked as (
             select s.ctid as row_ref,
                    row_number() over (partition by s.business_date, s.dedupe_key order by s.line_no) as nth,
                    exists (select 1 from transaction_items t
                            where t.restaurant_id = $1 and t.business_date = s.business_date
                              and t.dedupe_key = s.dedupe_key) as stored
             from staged_items s
             where s.restaurant_id = $1
         ),
         held as (
             delete from staged_items s using ranked r
             where s.ctid = r.row_ref and (r.nth > 1 or r.stored)
             returning s.*
         ),
         kept as (insert into duplicate_lines ({COLUMNS}) select {COLUMNS} from held returning 1)
         select count(*) from kept"
    ))
    .bind(restaurant_id)
    .fetch_one(conn)
    .await?;
    Ok(held as u64)
}

/// Moves staged lines into `transaction_items`, adds them to the daily
/// roll-up and (with `with_orders`) derives their POS orders.
///
/// With `skip_existing`, lines already stored (or repeated in the file) are
/// first set aside as duplicates and roll-up rows and orders are upserted.
/// Without it the caller asserts that the restaurant has no lines in the
/// staged date range, so plain inserts suffice (a clash, such as a key
/// repeated inside the file, is then an error and the caller retries with
/// `skip_existing`). The caller holds [`lock_sales`].
///
/// Either way every line left staged is stored, or the statement fails: a
/// clash is an error, never skipped. So the roll-up and the orders are
/// aggregated from the staging table itself rather than from what the line
/// insert returns, which kept a second copy of every stored line in a
/// spilled tuple store. Aggregates are inserted in primary-key order, so
/// their B-tree inserts land on the rightmost pages instead of all over
/// the index. With [`DayItemLines::Unique`] the roll-up rows are the staged
/// lines themselves, in file order: no hash table or sort over millions of
/// groups. Setting duplicates aside only removes lines, so what the caller
/// saw while staging still holds.
pub async fn merge_staging(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    skip_existing: bool,
    with_orders: bool,
    day_items: DayItemLines,
) -> Result<Merged> {
    // JIT compilation costs more than it saves on these scans and
    // aggregates (all time goes into writing rows); off for this
    // transaction only.
    sqlx::query("select set_config('jit', 'off', true)")
        .execute(&mut *conn)
        .await?;
    let started = std::time::Instant::now();
    let step = |name: &'static str| {
        tracing::info!(
            step = name,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "merge step done"
        );
    };
    let (daily_conflict, order_conflict) = if skip_existing {
        set_aside_duplicates(&mut *conn, restaurant_id).await?;
        step("duplicates set aside");
        (
            "on conflict (restaurant_id, business_date, menu_item_id) do update set
                 quantity = d.quantity + excluded.quantity,
                 revenue = case when d.revenue is null and excluded.revenue is null then null
                                else coalesce(d.revenue, 0) + coalesce(excluded.revenue, 0) end,
                 promo_quantity = d.promo_quantity + excluded.promo_quantity,
                 line_count = d.line_count + excluded.line_count,
                 last_sale_at = greatest(d.last_sale_at, excluded.last_sale_at),
                 updated_at = now()",
            // An order may gain lines from a later file (a day exported
            // twice, the second time complete): its totals then grow with
            // the new lines.
            "on conflict (restaurant_id, business_date, order_ref) do update set
                 occurred_at = least(o.occurred_at, excluded.occurred_at),
                 line_count = o.line_count + excluded.line_count,
                 total_amount = case when o.total_amount is null and excluded.total_amount is null then null
                                     else coalesce(o.total_amount, 0) + coalesce(excluded.total_amount, 0) end,
                 is_promo = o.is_promo or excluded.is_promo",
        )
    } else {
        ("", "")
    };
    let lines = sqlx::query(&format!(
        "insert into transaction_items ({COLUMNS}) select {COLUMNS} from staged_items"
    ))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    step("lines inserted");
    // Both forms give each (day, dish) the same totals: for a single line
    // the sums are its own values.
    let daily_rows = match day_items {
        DayItemLines::Unique => {
            "select restaurant_id, business_date, menu_item_id, coalesce(quantity, 0), line_total,
                    case when is_promo then coalesce(quantity, 0) else 0 end, 1, occurred_at
             from staged_items where restaurant_id = $1"
        }
        DayItemLines::Repeated => {
            "select restaurant_id, business_date, menu_item_id, coalesce(sum(quantity), 0), sum(line_total),
                    coalesce(sum(quantity) filter (where is_promo), 0), count(*), max(occurred_at)
             from staged_items where restaurant_id = $1
             group by restaurant_id, business_date, menu_item_id
             order by restaurant_id, business_date, menu_item_id"
        }
    };
    sqlx::query(&format!(
        "insert into daily_item_sales as d
             (restaurant_id, business_date, menu_item_id, quantity, revenue, promo_quantity, line_count,
              last_sale_at)
         {daily_rows}
         {daily_conflict}"
    ))
    .bind(restaurant_id)
    .execute(&mut *conn)
    .await?;
    step("daily roll-up");
    let orders = if with_orders {
        sqlx::query(&format!(
            "insert into transactions as o (restaurant_id, order_ref, business_date, upload_id, occurred_at,
                                            line_count, total_amount, is_promo)
             select restaurant_id, order_ref, business_date, min(upload_id::text)::uuid, min(occurred_at),
                    count(*), sum(line_total), bool_or(is_promo)
             from staged_items where restaurant_id = $1 and order_ref is not null
             group by restaurant_id, business_date, order_ref
             order by restaurant_id, business_date, order_ref
             {order_conflict}"
        ))
        .bind(restaurant_id)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    } else {
        0
    };
    step("orders");
    Ok(Merged { lines, orders })
}

/// Whether the restaurant already has lines in the date range.
pub async fn has_lines_between(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "select exists(select 1 from transaction_items
                       where restaurant_id = $1 and business_date between $2 and $3)",
    )
    .bind(restaurant_id)
    .bind(from)
    .bind(to)
    .fetch_one(conn)
    .await?)
}

/// What [`undo_upload`] changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Undone {
    /// Lines the upload owned, now gone from it.
    pub removed: u64,
    /// Of those, lines another active upload also held: they stay stored,
    /// now owned by the earliest such upload, with its values.
    pub reassigned: u64,
}

/// Removes everything an upload imported and marks it undone, as if it had
/// never been made: each of its lines that a still-active upload also held
/// passes to the earliest such upload (with that upload's values), and the
/// daily roll-up and orders of every touched day are recomputed from the
/// lines that remain.
pub async fn undo_upload(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    upload_id: Uuid,
) -> Result<Undone> {
    lock_sales(&mut *conn, restaurant_id).await?;
    sqlx::query(
        "create temporary table if not exists undo_touched (
             business_date date not null, dedupe_key bytea not null,
             menu_item_id uuid not null, order_ref text) on commit drop",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query("truncate undo_touched")
        .execute(&mut *conn)
        .await?;
    let removed = sqlx::query(
        "with gone as (
             delete from transaction_items where restaurant_id = $1 and upload_id = $2
             returning business_date, dedupe_key, menu_item_id, order_ref
         )
         insert into undo_touched select * from gone",
    )
    .bind(restaurant_id)
    .bind(upload_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query("delete from duplicate_lines where restaurant_id = $1 and upload_id = $2")
        .bind(restaurant_id)
        .bind(upload_id)
        .execute(&mut *conn)
        .await?;
    // Every remaining claim belongs to an active upload (an undo drops its
    // upload's claims), so the heir is the earliest claim by upload order,
    // then by position in its file.
    let reassigned: i64 = sqlx::query_scalar(&format!(
        "with heir as (
             select distinct on (d.business_date, d.dedupe_key) d.ctid as row_ref
             from duplicate_lines d
             join (select distinct business_date, dedupe_key from undo_touched) g
               on g.business_date = d.business_date and g.dedupe_key = d.dedupe_key
             join data_uploads u on u.restaurant_id = d.restaurant_id and u.upload_id = d.upload_id
             where d.restaurant_id = $1
             order by d.business_date, d.dedupe_key, u.created_at, d.upload_id, d.line_no
         ),
         moved as (
             delete from duplicate_lines d using heir h
             where d.restaurant_id = $1 and d.ctid = h.row_ref
             returning d.*
         ),
         stored as (
             insert into transaction_items ({COLUMNS}) select {COLUMNS} from moved
             returning business_date, dedupe_key, menu_item_id, order_ref, upload_id
         ),
         touched as (
             insert into undo_touched select business_date, dedupe_key, menu_item_id, order_ref from stored
         ),
         credited as (
             update data_uploads u set rows_imported = u.rows_imported + c.n,
                                       rows_duplicate = greatest(u.rows_duplicate - c.n, 0),
                                       updated_at = now()
             from (select upload_id, count(*) as n from stored group by upload_id) c
             where u.restaurant_id = $1 and u.upload_id = c.upload_id
         )
         select count(*) from stored"
    ))
    .bind(restaurant_id)
    .fetch_one(&mut *conn)
    .await?;
    recompute_touched(conn, restaurant_id).await?;
    sqlx::query(
        "update data_uploads set status = 'undone', updated_at = now()
         where restaurant_id = $1 and upload_id = $2",
    )
    .bind(restaurant_id)
    .bind(upload_id)
    .execute(conn)
    .await?;
    Ok(Undone {
        removed,
        reassigned: reassigned as u64,
    })
}

/// Rebuilds the roll-up rows and orders that `undo_touched` names from the
/// lines now stored. Recomputing rather than subtracting keeps them exact
/// whatever mix of removed and inherited lines a day had.
async fn recompute_touched(conn: &mut PgConnection, restaurant_id: Uuid) -> Result<()> {
    sqlx::query(
        "delete from daily_item_sales d
         using (select distinct business_date, menu_item_id from undo_touched) t
         where d.restaurant_id = $1 and d.business_date = t.business_date
           and d.menu_item_id = t.menu_item_id",
    )
    .bind(restaurant_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "insert into daily_item_sales
             (restaurant_id, business_date, menu_item_id, quantity, revenue, promo_quantity, line_count,
              last_sale_at)
         select i.restaurant_id, i.business_date, i.menu_item_id, coalesce(sum(i.quantity), 0),
                sum(i.line_total), coalesce(sum(i.quantity) filter (where i.is_promo), 0), count(*),
                max(i.occurred_at)
         from transaction_items i
         join (select distinct business_date, menu_item_id from undo_touched) t
           on i.business_date = t.business_date and i.menu_item_id = t.menu_item_id
         where i.restaurant_id = $1
         group by i.restaurant_id, i.business_date, i.menu_item_id",
    )
    .bind(restaurant_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "delete from transactions o
         using (select distinct business_date, order_ref from undo_touched where order_ref is not null) t
         where o.restaurant_id = $1 and o.business_date = t.business_date and o.order_ref = t.order_ref",
    )
    .bind(restaurant_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "insert into transactions (restaurant_id, order_ref, business_date, upload_id, occurred_at,
                                   line_count, total_amount, is_promo)
         select i.restaurant_id, i.order_ref, i.business_date, min(i.upload_id::text)::uuid,
                min(i.occurred_at), count(*), sum(i.line_total), bool_or(i.is_promo)
         from transaction_items i
         join (select distinct business_date, order_ref from undo_touched where order_ref is not null) t
           on i.business_date = t.business_date and i.order_ref = t.order_ref
         where i.restaurant_id = $1
         group by i.restaurant_id, i.order_ref, i.business_date",
    )
    .bind(restaurant_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A stored upload.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Upload {
    pub upload_id: Uuid,
    pub filename: String,
    pub size_bytes: i64,
    pub format: String,
    pub policy: String,
    #[sqlx(try_from = "String")]
    pub status: crate::status::UploadStatus,
    pub rows_read: i64,
    pub rows_imported: i64,
    pub rows_duplicate: i64,
    pub rows_errored: i64,
    pub rows_skipped: i64,
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
    pub date_order: Option<String>,
    #[schema(schema_with = summary_schema)]
    pub summary: Value,
    #[schema(schema_with = errors_schema)]
    pub errors: Value,
    pub created_at: DateTime<Utc>,
}

// The JSON columns hold what the import use case wrote, whose types live
// above this layer: the document names their schemas rather than calling
// the columns free-form.
fn summary_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::schema::RefBuilder::new()
        .ref_location_from_schema_name("ImportReport")
        .description(Some(
            "The import report as it was when the upload was made.",
        ))
        .into()
}

fn errors_schema() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(utoipa::openapi::Ref::from_schema_name("ErrorRow"))
        .description(Some("The first row errors of the import."))
        .build()
}

const UPLOAD_COLUMNS: &str = "upload_id, filename, size_bytes, format, policy, status, rows_read, \
     rows_imported, rows_duplicate, rows_errored, rows_skipped, first_date, last_date, date_order, \
     summary, errors, created_at";

/// A new upload's record.
#[derive(Debug, Clone)]
pub struct NewUpload<'a> {
    pub upload_id: Uuid,
    pub filename: &'a str,
    pub file_sha256: &'a [u8],
    pub size_bytes: i64,
    pub format: &'a str,
    pub policy: &'a str,
    pub rows_read: i64,
    pub rows_imported: i64,
    pub rows_duplicate: i64,
    pub rows_errored: i64,
    pub rows_skipped: i64,
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
    pub date_order: Option<&'a str>,
    pub summary: Value,
    pub errors: Value,
    pub created_by: Option<Uuid>,
}

pub async fn insert_upload(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    u: &NewUpload<'_>,
) -> Result<()> {
    sqlx::query(
        "insert into data_uploads (restaurant_id, upload_id, filename, file_sha256, size_bytes, format,
             policy, status, rows_read, rows_imported, rows_duplicate, rows_errored, rows_skipped,
             first_date, last_date, date_order, summary, errors, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, 'completed', $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
    )
    .bind(restaurant_id)
    .bind(u.upload_id)
    .bind(u.filename)
    .bind(u.file_sha256)
    .bind(u.size_bytes)
    .bind(u.format)
    .bind(u.policy)
    .bind(u.rows_read)
    .bind(u.rows_imported)
    .bind(u.rows_duplicate)
    .bind(u.rows_errored)
    .bind(u.rows_skipped)
    .bind(u.first_date)
    .bind(u.last_date)
    .bind(u.date_order)
    .bind(&u.summary)
    .bind(&u.errors)
    .bind(u.created_by)
    .execute(conn)
    .await
    .map_err(crate::StoreError::from_sqlx)?;
    Ok(())
}

/// The live upload of the same file, if any.
pub async fn live_upload_with_hash(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    sha: &[u8],
) -> Result<Option<Uuid>> {
    Ok(sqlx::query_scalar(
        "select upload_id from data_uploads where restaurant_id = $1 and file_sha256 = $2 and status = 'completed'",
    )
    .bind(restaurant_id)
    .bind(sha)
    .fetch_optional(conn)
    .await?)
}

pub async fn get_upload(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    upload_id: Uuid,
) -> Result<Option<Upload>> {
    Ok(sqlx::query_as(&format!(
        "select {UPLOAD_COLUMNS} from data_uploads where restaurant_id = $1 and upload_id = $2"
    ))
    .bind(restaurant_id)
    .bind(upload_id)
    .fetch_optional(conn)
    .await?)
}

/// Newest first; `before` is the keyset cursor (created_at, id) of the last row seen.
pub async fn list_uploads(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<(Vec<Upload>, i64)> {
    let total: i64 =
        sqlx::query_scalar("select count(*) from data_uploads where restaurant_id = $1")
            .bind(restaurant_id)
            .fetch_one(&mut *conn)
            .await?;
    let (ts, id) = match before {
        Some((t, i)) => (Some(t), Some(i)),
        None => (None, None),
    };
    let rows = sqlx::query_as(&format!(
        "select {UPLOAD_COLUMNS} from data_uploads where restaurant_id = $1
           and ($2::timestamptz is null or (created_at, upload_id) < ($2, $3))
         order by created_at desc, upload_id desc limit $4"
    ))
    .bind(restaurant_id)
    .bind(ts)
    .bind(id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok((rows, total))
}

pub async fn saved_mapping(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    headers_key: &str,
) -> Result<Option<Value>> {
    Ok(sqlx::query_scalar(
        "select mapping from upload_mappings where restaurant_id = $1 and headers_key = $2",
    )
    .bind(restaurant_id)
    .bind(headers_key)
    .fetch_optional(conn)
    .await?)
}

pub async fn save_mapping(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    headers_key: &str,
    mapping: &Value,
) -> Result<()> {
    sqlx::query(
        "insert into upload_mappings (restaurant_id, headers_key, mapping) values ($1, $2, $3)
         on conflict (restaurant_id, headers_key) do update set mapping = excluded.mapping, updated_at = now()",
    )
    .bind(restaurant_id)
    .bind(headers_key)
    .bind(mapping)
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads one field of a binary COPY row: `None` for NULL.
    fn field<'a>(bytes: &mut &'a [u8]) -> Option<&'a [u8]> {
        let (len, rest) = bytes.split_at(4);
        let len = i32::from_be_bytes([len[0], len[1], len[2], len[3]]);
        if len < 0 {
            *bytes = rest;
            return None;
        }
        let (value, rest) = rest.split_at(len as usize);
        *bytes = rest;
        Some(value)
    }

    #[test]
    fn lines_are_encoded_as_postgresql_binary_copy_rows() {
        let rid = Uuid::from_u128(0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10);
        let upload = Uuid::from_u128(7);
        let item = Uuid::from_u128(9);
        let mut enc = LineEncoder::new(rid, upload, 256);
        let date = NaiveDate::from_ymd_opt(2000, 1, 3).expect("date");
        enc.push(&LineRow {
            business_date: date,
            dedupe_key: [0xab; 16],
            order_ref: None,
            line_no: 42,
            menu_item_id: item,
            occurred_at: None,
            quantity: Some(Decimal::new(15, 1)),
            unit_price: None,
            line_total: Some(Decimal::new(-2, 0)),
            is_promo: true,
        })
        .expect("encode");
        enc.finish();
        let out = enc.take();
        assert!(enc.is_empty());

        let mut rest = out.strip_prefix(COPY_HEADER).expect("header");
        assert_eq!(&rest[..2], &12i16.to_be_bytes(), "field count");
        rest = &rest[2..];
        assert_eq!(field(&mut rest), Some(&rid.as_bytes()[..]));
        // Days since 2000-01-01.
        assert_eq!(field(&mut rest), Some(&2i32.to_be_bytes()[..]));
        assert_eq!(field(&mut rest), Some(&[0xab; 16][..]));
        assert_eq!(field(&mut rest), Some(&upload.as_bytes()[..]));
        assert_eq!(field(&mut rest), None, "no order id");
        assert_eq!(field(&mut rest), Some(&42i64.to_be_bytes()[..]));
        assert_eq!(field(&mut rest), Some(&item.as_bytes()[..]));
        assert_eq!(field(&mut rest), None, "no time");
        // numeric 1.5: 2 base-10000 digits, weight 0, positive, scale 1: [1, 5000].
        let q: Vec<u8> = [2i16, 0, 0, 1, 1, 5000]
            .iter()
            .flat_map(|d| d.to_be_bytes())
            .collect();
        assert_eq!(field(&mut rest), Some(&q[..]));
        assert_eq!(field(&mut rest), None, "no unit price");
        // numeric -2: 1 digit, weight 0, negative (0x4000), scale 0.
        let t: Vec<u8> = [1i16, 0, 0x4000, 0, 2]
            .iter()
            .flat_map(|d| d.to_be_bytes())
            .collect();
        assert_eq!(field(&mut rest), Some(&t[..]));
        assert_eq!(field(&mut rest), Some(&[1u8][..]), "promo");
        assert_eq!(rest, COPY_TRAILER);
    }
}
