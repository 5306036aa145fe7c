//! Restaurant settings as key/value rows (types live in flux-domain).

use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::Result;

pub async fn load(conn: &mut PgConnection, restaurant_id: Uuid) -> Result<Vec<(String, Value)>> {
    Ok(
        sqlx::query_as("select key, value from settings where restaurant_id = $1")
            .bind(restaurant_id)
            .fetch_all(conn)
            .await?,
    )
}

pub async fn upsert(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    pairs: &[(&str, Value)],
) -> Result<()> {
    for (key, value) in pairs {
        sqlx::query(
            "insert into settings (restaurant_id, key, value) values ($1, $2, $3)
             on conflict (restaurant_id, key) do update set value = excluded.value, updated_at = now()",
        )
        .bind(restaurant_id)
        .bind(key)
        .bind(value)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
