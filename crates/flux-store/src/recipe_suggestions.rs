//! Starter recipes a model proposed for dishes the library does not know
//! (migration 0027).

use sqlx::PgConnection;
use uuid::Uuid;

use crate::Result;

/// Stores (or replaces) the model's proposal for a dish.
pub async fn upsert(
    conn: &mut PgConnection,
    rid: Uuid,
    menu_item_id: Uuid,
    lines: &serde_json::Value,
) -> Result<()> {
    sqlx::query(
        "insert into recipe_suggestions (restaurant_id, menu_item_id, source, lines)
         values ($1, $2, 'model', $3)
         on conflict (restaurant_id, menu_item_id)
         do update set lines = excluded.lines, created_at = now()",
    )
    .bind(rid)
    .bind(menu_item_id)
    .bind(lines)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every stored proposal of the restaurant: (menu item, lines).
pub async fn all(conn: &mut PgConnection, rid: Uuid) -> Result<Vec<(Uuid, serde_json::Value)>> {
    Ok(sqlx::query_as(
        "select menu_item_id, lines from recipe_suggestions where restaurant_id = $1",
    )
    .bind(rid)
    .fetch_all(conn)
    .await?)
}
