//! Restaurants, roles, members, settings and operating hours.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn an_owner_creates_lists_reads_and_updates_restaurants() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let (s, r) = app
        .post("/api/v1/restaurants", &owner, json!({"name": "Eixample Elegance", "timezone": "Europe/Madrid", "currency": "eur", "locale": "ca-ES"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["currency"], "EUR");
    assert_eq!(r["role"], "owner");
    let id = r["id"].as_str().expect("id");
    app.create_restaurant(&owner, "Second Place").await;

    let (s, list) = app.get("/api/v1/restaurants", &owner).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["name"], "Eixample Elegance");

    let (s, updated) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/restaurants/{id}"),
            Some(&owner.access),
            Some(json!({"timezone": "Europe/London"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{updated}");
    assert_eq!(updated["timezone"], "Europe/London");
    assert_eq!(updated["name"], "Eixample Elegance");

    let (s, b) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/restaurants/{id}"),
            Some(&owner.access),
            Some(json!({"timezone": "Mars/Base", "currency": "EURO"})),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"].as_array().map(Vec::len), Some(2));
    let (_, still) = app.get(&format!("/api/v1/restaurants/{id}"), &owner).await;
    assert_eq!(still["timezone"], "Europe/London");
}

#[tokio::test]
async fn a_user_can_hold_different_roles_in_different_restaurants() {
    let app = spawn_app().await;
    let a = app.register("a@example.com").await;
    let b = app.register("b@example.com").await;
    let ra = app.create_restaurant(&a, "A's").await;
    let rb = app.create_restaurant(&b, "B's").await;
    app.add_member(&a, &ra, &b, "viewer").await;
    let (_, list) = app.get("/api/v1/restaurants", &b).await;
    let roles: Vec<(String, String)> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap_or_default().to_string(),
                r["role"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(roles.contains(&(ra.clone(), "viewer".into())));
    assert!(roles.contains(&(rb.clone(), "owner".into())));
}

#[tokio::test]
async fn viewers_cannot_write_and_only_owners_manage_members_and_settings() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let viewer = app.register("viewer@example.com").await;
    let manager = app.register("manager@example.com").await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    app.add_member(&owner, &r, &viewer, "viewer").await;
    app.add_member(&owner, &r, &manager, "manager").await;
    app.add_member(&owner, &r, &chef, "chef").await;

    let item = json!({"name": "Soup", "price": 5});
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/menu/items"),
            &viewer,
            item.clone(),
        )
        .await;
    assert_problem(s, &b, 403, "forbidden");
    let (s, _) = app
        .post(&format!("/api/v1/restaurants/{r}/menu/items"), &chef, item)
        .await;
    assert_eq!(s, StatusCode::CREATED);
    // Viewers still read.
    let (s, items) = app
        .get(&format!("/api/v1/restaurants/{r}/menu/items"), &viewer)
        .await;
    assert_eq!((s, items["total"].as_i64()), (StatusCode::OK, Some(1)));

    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/restaurants/{r}/settings"),
            Some(&manager.access),
            Some(json!({"waste_factor_enabled": false})),
        )
        .await;
    assert_problem(s, &b, 403, "forbidden");
    let other = app.register("other@example.com").await;
    // Managers invite, but only owners invite owners; chefs invite nobody.
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/invitations"),
            &manager,
            json!({"email": other.email, "role": "owner"}),
        )
        .await;
    assert_problem(s, &b, 403, "forbidden");
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/invitations"),
            &chef,
            json!({"email": other.email, "role": "viewer"}),
        )
        .await;
    assert_problem(s, &b, 403, "forbidden");
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/invitations"),
            &manager,
            json!({"email": other.email, "role": "chef"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    // Managers manage opening hours; chefs do not.
    let hours =
        json!({"days": [{"day_of_week": 0, "ranges": [{"open": "12:00", "close": "16:00"}]}]});
    let (s, _) = app
        .post(
            &format!("/api/v1/restaurants/{r}/operating-hours"),
            &manager,
            hours.clone(),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/operating-hours"),
            &chef,
            hours,
        )
        .await;
    assert_problem(s, &b, 403, "forbidden");
}

#[tokio::test]
async fn a_restaurant_always_keeps_an_owner() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let (_, me) = app.get("/api/v1/auth/me", &owner).await;
    let owner_id = me["id"].as_str().expect("id");
    let (s, b) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/restaurants/{r}/members/{owner_id}"),
            Some(&owner.access),
            Some(json!({"role": "viewer"})),
        )
        .await;
    assert_problem(s, &b, 409, "last_owner");
    let (s, b) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/restaurants/{r}/members/{owner_id}"),
            Some(&owner.access),
            None,
        )
        .await;
    assert_problem(s, &b, 409, "last_owner");

    let second = app.register("second@example.com").await;
    app.add_member(&owner, &r, &second, "owner").await;
    let (s, m) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/restaurants/{r}/members/{owner_id}"),
            Some(&owner.access),
            Some(json!({"role": "chef"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["role"], "chef");
    let (_, members) = app
        .get(&format!("/api/v1/restaurants/{r}/members"), &second)
        .await;
    assert_eq!(members["total"], 2);
}

#[tokio::test]
async fn settings_are_typed_defaulted_and_validated_all_or_nothing() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let path = format!("/api/v1/restaurants/{r}/settings");
    let (s, defaults) = app.get(&path, &owner).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(defaults["waste_factor_enabled"], true);
    assert_eq!(defaults["forecast_confidence_threshold"], 0.7);

    let (s, updated) = app
        .call(
            Method::PUT,
            &path,
            Some(&owner.access),
            Some(json!({"waste_factor_enabled": false, "forecast_confidence_threshold": 0.8})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{updated}");
    assert_eq!(updated["waste_factor_enabled"], false);

    let (s, b) = app
        .call(
            Method::PUT,
            &path,
            Some(&owner.access),
            Some(json!({"waste_factor_enabled": true, "colour": "red", "day_cutoff_hour": 30})),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    let fields: Vec<&str> = b["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(
        fields.contains(&"colour") && fields.contains(&"day_cutoff_hour"),
        "{b}"
    );
    let (_, after) = app.get(&path, &owner).await;
    assert_eq!(after, updated, "a rejected update must change nothing");
}

#[tokio::test]
async fn operating_hours_round_trip_and_bad_schedules_are_rejected() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let path = format!("/api/v1/restaurants/{r}/operating-hours");
    let week = json!({"days": [
        {"day_of_week": 0, "closed": true},
        {"day_of_week": 1, "ranges": [{"open": "12:00", "close": "16:00"}, {"open": "20:00", "close": "23:30"}]},
        {"day_of_week": 4, "ranges": [{"open": "19:00", "close": "02:00"}]}
    ]});
    let (s, saved) = app.post(&path, &owner, week).await;
    assert_eq!(s, StatusCode::OK, "{saved}");
    let (_, got) = app.get(&path, &owner).await;
    assert_eq!(got, saved);
    assert_eq!(got["days"].as_array().map(Vec::len), Some(7));
    assert_eq!(got["days"][0]["closed"], true);
    assert_eq!(got["days"][1]["ranges"][1]["close"], "23:30");
    assert_eq!(got["days"][2]["closed"], true, "unlisted days are closed");

    let (s, b) = app
        .post(&path, &owner, json!({"days": [{"day_of_week": 1, "ranges": [{"open": "12:00", "close": "16:00"}, {"open": "15:00", "close": "18:00"}]}]}))
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["code"], "overlap");
    let (_, unchanged) = app.get(&path, &owner).await;
    assert_eq!(unchanged, saved);
}

#[tokio::test]
async fn inviting_reports_a_bad_role_and_a_bad_email_together() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let path = format!("/api/v1/restaurants/{r}/invitations");
    let (s, b) = app
        .post(
            &path,
            &owner,
            json!({"email": "not an e-mail", "role": "boss"}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    let fields: Vec<&str> = b["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["role", "email"], "{b}");

    let (s, b) = app
        .post(
            &path,
            &owner,
            json!({"email": "nobody@example.com", "role": "chef"}),
        )
        .await;
    // Whether an account exists is never told: nobody@ has none.
    assert_eq!(s, StatusCode::CREATED, "{b}");

    let (s, b) = app
        .post(&path, &owner, json!({"email": owner.email, "role": "chef"}))
        .await;
    assert_problem(s, &b, 409, "conflict");
    assert_eq!(b["errors"][0]["code"], "already_member", "{b}");
}

#[tokio::test]
async fn a_member_may_leave_but_not_as_the_last_owner_and_unknown_members_are_404() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    app.add_member(&owner, &r, &chef, "chef").await;
    let (_, me) = app.get("/api/v1/auth/me", &chef).await;
    let chef_id = me["id"].as_str().expect("id");
    let (s, b) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/restaurants/{r}/members/{chef_id}"),
            Some(&owner.access),
            Some(json!({"role": "chief"})),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["code"], "invalid_role");
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/restaurants/{r}/members/{chef_id}"),
            Some(&chef.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "members may remove themselves");
    let (s, b) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/restaurants/{r}/members/{chef_id}"),
            Some(&owner.access),
            Some(json!({"role": "viewer"})),
        )
        .await;
    assert_problem(s, &b, 404, "not_found");
    let (_, members) = app
        .get(&format!("/api/v1/restaurants/{r}/members"), &owner)
        .await;
    assert_eq!(members["total"], 1);
}

#[tokio::test]
async fn a_profile_update_is_normalised_and_validated_whole() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let (s, b) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/restaurants/{r}"),
            Some(&owner.access),
            Some(json!({"name": "  ", "currency": " gbp ", "locale": "en_gb"})),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["field"], "name", "{b}");
    let (s, ok) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/restaurants/{r}"),
            Some(&owner.access),
            Some(json!({"name": " Bistro Two ", "currency": " gbp ", "locale": "en_gb"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{ok}");
    assert_eq!(
        (
            ok["name"].as_str(),
            ok["currency"].as_str(),
            ok["locale"].as_str()
        ),
        (Some("Bistro Two"), Some("GBP"), Some("en-GB"))
    );
}

#[tokio::test]
async fn a_stored_timezone_that_does_not_parse_is_an_error_never_utc() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let rid: uuid::Uuid = r.parse().expect("id");
    // Corrupt the row behind the API's back, as a bad migration or a manual
    // edit could: nothing that reads it may quietly fall back to UTC.
    let mut tx = flux_store::tenant::begin(&app.pool, uuid::Uuid::nil(), rid)
        .await
        .expect("tenant");
    sqlx::query("update restaurants set timezone = 'Mars/Olympus' where restaurant_id = $1")
        .bind(rid)
        .execute(&mut *tx)
        .await
        .expect("corrupt");
    tx.commit().await.expect("commit");

    let (s, body) = app.get(&format!("/api/v1/restaurants/{r}"), &owner).await;
    assert_problem(s, &body, 500, "internal_error");
    let (s, body) = app
        .get(
            &format!("/api/v1/restaurants/{r}/forecast/accuracy"),
            &owner,
        )
        .await;
    assert_problem(s, &body, 500, "internal_error");
    assert!(
        !body.to_string().contains("Mars"),
        "the cause is logged, not shown: {body}"
    );
}
