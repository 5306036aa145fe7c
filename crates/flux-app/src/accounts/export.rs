//! A person's own data, for the GDPR rights of access and portability: one
//! zip of JSON files with everything Flux holds about them as a person.
//!
//! That is their account, the restaurants they belong to and as what,
//! their logins (when each session and token was issued and ended, never
//! the secrets), and every change they made in each restaurant (from the
//! audit log). Restaurant data they did not author (sales, menus) belongs
//! to the restaurant and is exported by its owners, not here.

use std::io::Write;

use flux_store::PgPool;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::{AppError, AppResult, Kind};

/// Changes exported per restaurant at most; a person's own edits stay far
/// below it, and the cap keeps one request's memory bounded.
const MAX_CHANGES: i64 = 100_000;

/// The zip, and the name to save it under.
pub struct Export {
    pub filename: String,
    pub zip: Vec<u8>,
}

/// Everything about `user_id`, as a zip of JSON files.
pub async fn export(pool: &PgPool, user_id: Uuid) -> AppResult<Export> {
    let mut tx = flux_store::tenant::begin_user(pool, user_id).await?;
    let user = flux_store::users::by_id(&mut tx, user_id)
        .await?
        .ok_or_else(|| AppError::new(Kind::InvalidToken, "unknown user"))?;
    let restaurants = flux_store::restaurants::list_for_user(&mut tx, user_id).await?;
    let sessions = flux_store::sessions::list_for_user(&mut tx, user_id).await?;
    let tokens = flux_store::tokens::list_for_user(&mut tx, user_id).await?;
    tx.commit().await?;

    let mut changes = Vec::new();
    for r in &restaurants {
        let rid = r.restaurant.restaurant_id;
        let mut tx = flux_store::tenant::begin(pool, user_id, rid).await?;
        let filter = flux_store::audit::Filter {
            actor: Some(user_id),
            limit: MAX_CHANGES,
            ..Default::default()
        };
        for e in flux_store::audit::list(&mut tx, rid, &filter).await? {
            changes.push(json!({
                "restaurant_id": rid, "at": e.at, "action": e.action, "entity": e.entity,
                "entity_key": e.entity_key, "before": e.before, "after": e.after,
            }));
        }
        tx.commit().await?;
    }

    let files: Vec<(&str, Value)> = vec![
        (
            "account.json",
            json!({"id": user.user_id, "email": user.email, "created_at": user.created_at}),
        ),
        (
            "memberships.json",
            Value::Array(
                restaurants
                    .iter()
                    .map(|r| {
                        json!({"restaurant_id": r.restaurant.restaurant_id,
                               "restaurant": r.restaurant.name, "role": r.role.to_string()})
                    })
                    .collect(),
            ),
        ),
        (
            "logins.json",
            json!({
                "dashboard_sessions": sessions.iter().map(|(c, e)| json!({"started": c, "expires": e})).collect::<Vec<_>>(),
                "api_refresh_tokens": tokens.iter().map(|t| json!({"issued": t.created_at, "expires": t.expires_at,
                    "used": t.used_at, "revoked": t.revoked_at})).collect::<Vec<_>>(),
            }),
        ),
        ("changes.json", Value::Array(changes)),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let mut add = |name: &str, bytes: &[u8]| -> Result<(), AppError> {
        zip.start_file(name, options).map_err(AppError::internal)?;
        zip.write_all(bytes).map_err(AppError::internal)
    };
    add(
        "README.txt",
        b"Your data in Flux, as JSON: account.json (your account), memberships.json \
(restaurants you belong to and your role), logins.json (when sessions and tokens \
were issued and ended; never their secrets), changes.json (every change you made, \
with the values before and after).\n",
    )?;
    for (name, value) in &files {
        let text = serde_json::to_vec_pretty(value).map_err(AppError::internal)?;
        add(name, &text)?;
    }
    let zip = zip.finish().map_err(AppError::internal)?.into_inner();
    Ok(Export {
        filename: format!("flux-data-{}.zip", chrono::Utc::now().format("%Y-%m-%d")),
        zip,
    })
}
