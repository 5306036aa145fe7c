//! Read models over the daily roll-up: sales analytics and data health.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::Result;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct DailyTotal {
    pub date: NaiveDate,
    pub quantity: Decimal,
    pub revenue: Option<Decimal>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct ItemTotal {
    pub menu_item_id: Uuid,
    pub name: String,
    pub category: Option<String>,
    pub quantity: Decimal,
    pub revenue: Option<Decimal>,
    pub days_sold: i64,
    pub promo_share: Option<f64>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct WeekdayProfile {
    /// 0 = Monday … 6 = Sunday.
    pub day_of_week: i32,
    pub days: i64,
    pub avg_quantity: Decimal,
    pub avg_revenue: Option<Decimal>,
}

pub async fn daily_totals(
    conn: &mut PgConnection,
    rid: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DailyTotal>> {
    Ok(sqlx::query_as(
        "select business_date as date, sum(quantity) as quantity, sum(revenue) as revenue
         from daily_item_sales where restaurant_id = $1 and business_date between $2 and $3
         group by business_date order by business_date",
    )
    .bind(rid)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

/// Per-item totals, best sellers first.
pub async fn item_totals(
    conn: &mut PgConnection,
    rid: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    limit: i64,
) -> Result<Vec<ItemTotal>> {
    Ok(sqlx::query_as(
        "select d.menu_item_id, m.name, m.category, sum(d.quantity) as quantity, sum(d.revenue) as revenue,
                count(*) as days_sold,
                (sum(d.promo_quantity) / nullif(sum(d.quantity), 0))::float8 as promo_share
         from daily_item_sales d
         join menu_items m on m.restaurant_id = d.restaurant_id and m.menu_item_id = d.menu_item_id
         where d.restaurant_id = $1 and d.business_date between $2 and $3
         group by d.menu_item_id, m.name, m.category
         order by sum(d.quantity) desc, m.name limit $4",
    )
    .bind(rid)
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// Average daily totals per weekday, over days with sales.
pub async fn weekday_profile(
    conn: &mut PgConnection,
    rid: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<WeekdayProfile>> {
    Ok(sqlx::query_as(
        "select (extract(isodow from date)::int - 1) as day_of_week, count(*) as days,
                round(avg(quantity), 2) as avg_quantity, round(avg(revenue), 2) as avg_revenue
         from (select business_date as date, sum(quantity) as quantity, sum(revenue) as revenue
               from daily_item_sales where restaurant_id = $1 and business_date between $2 and $3
               group by business_date) t
         group by 1 order by 1",
    )
    .bind(rid)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

/// The first and last business day with sales.
pub async fn sales_span(
    conn: &mut PgConnection,
    rid: Uuid,
) -> Result<Option<(NaiveDate, NaiveDate)>> {
    let row: (Option<NaiveDate>, Option<NaiveDate>) = sqlx::query_as(
        "select min(business_date), max(business_date) from daily_item_sales where restaurant_id = $1",
    )
    .bind(rid)
    .fetch_one(conn)
    .await?;
    Ok(row.0.zip(row.1))
}

/// Days between the first and last sale with no sales at all.
pub async fn days_without_sales(conn: &mut PgConnection, rid: Uuid) -> Result<Vec<NaiveDate>> {
    Ok(sqlx::query_scalar(
        "with span as (select min(business_date) lo, max(business_date) hi
                       from daily_item_sales where restaurant_id = $1)
         select d::date from span, generate_series(span.lo, span.hi, interval '1 day') d
         where not exists (select 1 from daily_item_sales s
                           where s.restaurant_id = $1 and s.business_date = d::date)
         order by 1",
    )
    .bind(rid)
    .fetch_all(conn)
    .await?)
}

/// Items with fewer than `min_days` days of sales.
pub async fn thin_items(
    conn: &mut PgConnection,
    rid: Uuid,
    min_days: i64,
) -> Result<Vec<(Uuid, String, i64)>> {
    Ok(sqlx::query_as(
        "select m.menu_item_id, m.name, count(d.business_date) as days
         from menu_items m left join daily_item_sales d
           on d.restaurant_id = m.restaurant_id and d.menu_item_id = m.menu_item_id
         where m.restaurant_id = $1 and m.active
         group by m.menu_item_id, m.name having count(d.business_date) < $2
         order by 3, 2",
    )
    .bind(rid)
    .bind(min_days)
    .fetch_all(conn)
    .await?)
}

pub async fn last_upload_at(
    conn: &mut PgConnection,
    rid: Uuid,
) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    Ok(sqlx::query_scalar(
        "select max(created_at) from data_uploads where restaurant_id = $1 and status = 'completed'",
    )
    .bind(rid)
    .fetch_one(conn)
    .await?)
}

/// Dishes that sold but whose sales carry no money at all (every stored day
/// has no revenue): the files they came from had no usable price or amount
/// column. Names sorted, with the total count.
pub async fn dishes_without_revenue(
    conn: &mut PgConnection,
    rid: Uuid,
) -> Result<Vec<(Uuid, String)>> {
    Ok(sqlx::query_as(
        "select m.menu_item_id, m.name
         from menu_items m join daily_item_sales d
           on d.restaurant_id = m.restaurant_id and d.menu_item_id = m.menu_item_id
         where m.restaurant_id = $1 and m.active
         group by m.menu_item_id, m.name having bool_and(d.revenue is null)
         order by m.name",
    )
    .bind(rid)
    .fetch_all(conn)
    .await?)
}
