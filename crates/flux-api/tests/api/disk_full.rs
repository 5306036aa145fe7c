//! No room to receive an upload: the spooling write fails as it does on a
//! full disk, and the caller gets a 507 naming the cause, with nothing
//! stored. The failure is produced with a file size limit on this test's
//! process (each test runs in its own process), which makes the write fail
//! the way a full filesystem does, without needing one.

use nix::sys::resource::{setrlimit, Resource};
use nix::sys::signal::{SigSet, Signal};
use reqwest::StatusCode;

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn disk_full_while_receiving_an_upload_is_a_507_and_stores_nothing() {
    // The server runs on this thread (a current-thread runtime) and the
    // database in its own processes, started before the limit is set.
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;

    // Exceeding the limit raises SIGXFSZ, which would kill the process;
    // blocked, the write fails with EFBIG instead.
    let mut xfsz = SigSet::empty();
    xfsz.add(Signal::SIGXFSZ);
    xfsz.thread_block().expect("block SIGXFSZ");
    setrlimit(
        Resource::RLIMIT_FSIZE,
        64 * 1024,
        nix::sys::resource::RLIM_INFINITY,
    )
    .expect("file size limit");

    let mut csv = String::from("date,item,quantity,price\n");
    while csv.len() < 1024 * 1024 {
        csv.push_str("2025-01-01,Tea with a rather long name to fill the file,3,2.50\n");
    }
    let (s, b) = app
        .upload(&owner, &r, "big.csv", csv.into_bytes(), &[])
        .await;
    assert_problem(s, &b, 507, "insufficient_storage");
    assert!(
        b["detail"]
            .as_str()
            .is_some_and(|d| d.contains("nothing was stored")),
        "{b}"
    );

    setrlimit(
        Resource::RLIMIT_FSIZE,
        nix::sys::resource::RLIM_INFINITY,
        nix::sys::resource::RLIM_INFINITY,
    )
    .expect("lift the limit");
    let (s, list) = app
        .get(&format!("/api/v1/restaurants/{r}/data/uploads"), &owner)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0), "{list}");
    let (_, items) = app
        .get(&format!("/api/v1/restaurants/{r}/menu/items"), &owner)
        .await;
    assert_eq!(items["total"], 0, "no dish was created: {items}");
    // With room again, the same file goes in.
    let small = "date,item,quantity,price\n2025-01-01,Tea,3,2.50\n";
    let (s, b) = app
        .upload(&owner, &r, "small.csv", small.as_bytes().to_vec(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}

/// PostgreSQL out of disk space (SQLSTATE 53100) while writing. Filling
/// the server's disk needs a filesystem of its own; instead a trigger in
/// this test's database raises the very error the server raises when a
/// write finds no room, so the real error travels the real path from the
/// server through the store to the reply.
#[tokio::test]
async fn the_database_out_of_disk_space_is_a_507_and_the_write_is_rolled_back() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let schema_owner = sqlx::PgPool::connect_with(app.owner_db.clone())
        .await
        .expect("connect as the owner");
    for statement in [
        "create function flux_test_disk_full() returns trigger language plpgsql as $$
         begin raise exception 'could not extend file: No space left on device'
             using errcode = 'disk_full'; end $$",
        "create trigger flux_test_disk_full before insert on menu_items
         for each row execute function flux_test_disk_full()",
    ] {
        sqlx::query(statement)
            .execute(&schema_owner)
            .await
            .expect("test trigger");
    }

    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/menu/items"),
            &owner,
            serde_json::json!({"name": "Paella", "category": "Mains", "price": 14.0}),
        )
        .await;
    assert_problem(s, &b, 507, "insufficient_storage");
    assert!(
        b["detail"]
            .as_str()
            .is_some_and(|d| d.contains("nothing was stored")),
        "{b}"
    );
    sqlx::query("drop trigger flux_test_disk_full on menu_items")
        .execute(&schema_owner)
        .await
        .expect("room again");
    let (_, items) = app
        .get(&format!("/api/v1/restaurants/{r}/menu/items"), &owner)
        .await;
    assert_eq!(items["total"], 0, "nothing stored: {items}");
    let (_, log) = app
        .get(&format!("/api/v1/restaurants/{r}/audit"), &owner)
        .await;
    assert!(
        !log.to_string().contains("Paella"),
        "no audit entry for a write that never happened: {log}"
    );
}
