//! Undo never loses a sale: after any sequence of uploads and undos the
//! stored sales equal those of the uploads still active, replayed in the
//! order they were made, as if the undone ones had never been made.

use std::collections::BTreeMap;

use proptest::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{spawn_app, TestApp, User};

async fn undo(app: &TestApp, user: &User, r: &str, id: &str) -> Value {
    let (s, v) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/restaurants/{r}/data/uploads/{id}"),
            Some(&user.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "undo: {v}");
    v
}

/// One day's total per dish as the daily roll-up holds it: quantity,
/// revenue (none when no line had a price) and line count.
type Daily = BTreeMap<(String, String), (i64, Option<i64>, i64)>;
/// One order's line count and total.
type Orders = BTreeMap<(String, String), (i64, Option<i64>)>;
/// Every stored line as (date, order, dish, quantity, total) → how many.
/// Keys are stored only as a hash, so lines are compared as a multiset;
/// which file's values won still shows.
type Lines = BTreeMap<(String, String, String, i64, Option<i64>), usize>;
/// A stored line as read: date, order, dish, quantity, total.
type LineRow = (String, Option<String>, String, f64, Option<f64>);
/// The line that won a key: order, dish, quantity, total.
type Winner = (u8, String, i64, Option<i64>);

/// What is stored, read straight from the tables.
async fn stored(app: &TestApp, r: &str) -> (Lines, Daily, Orders) {
    let rid: Uuid = r.parse().expect("restaurant id");
    let mut tx = flux_store::tenant::begin(&app.pool, Uuid::nil(), rid)
        .await
        .expect("tenant");
    let rows: Vec<LineRow> = sqlx::query_as(
        "select i.business_date::text, i.order_ref, m.name, i.quantity::float8, i.line_total::float8
         from transaction_items i join menu_items m using (restaurant_id, menu_item_id)",
    )
    .fetch_all(&mut *tx)
    .await
    .expect("lines");
    let mut lines = Lines::new();
    for (date, order, dish, q, t) in rows {
        let order = order.expect("every test line has an order");
        *lines
            .entry((date, order, dish, q as i64, t.map(|t| t as i64)))
            .or_default() += 1;
    }
    let daily: Vec<(String, String, f64, Option<f64>, i64)> = sqlx::query_as(
        "select d.business_date::text, m.name, d.quantity::float8, d.revenue::float8, d.line_count
         from daily_item_sales d join menu_items m using (restaurant_id, menu_item_id)",
    )
    .fetch_all(&mut *tx)
    .await
    .expect("daily");
    let orders: Vec<(String, String, i32, Option<f64>)> = sqlx::query_as(
        "select business_date::text, order_ref, line_count, total_amount::float8 from transactions",
    )
    .fetch_all(&mut *tx)
    .await
    .expect("orders");
    // The roll-up's last sale of each dish-day (what sold-out inference
    // reads) is the latest time among the lines stored for it.
    let stale: i64 = sqlx::query_scalar(
        "select count(*) from daily_item_sales d
         full join (select business_date, menu_item_id, max(occurred_at) as latest
                    from transaction_items group by business_date, menu_item_id) t
           using (business_date, menu_item_id)
         where d.last_sale_at is distinct from t.latest",
    )
    .fetch_one(&mut *tx)
    .await
    .expect("last sales");
    assert_eq!(stale, 0, "roll-up last sale times follow the stored lines");
    tx.commit().await.expect("commit");
    (
        lines,
        daily
            .into_iter()
            .map(|(d, m, q, rev, n)| ((d, m), (q as i64, rev.map(|r| r as i64), n)))
            .collect(),
        orders
            .into_iter()
            .map(|(d, o, n, t)| ((d, o), (i64::from(n), t.map(|t| t as i64))))
            .collect(),
    )
}

const DISHES: [&str; 3] = ["Paella", "Sangria", "Tortilla"];
const PRICE: [i64; 3] = [14, 6, 9];

/// One line of an order in one file: which dish, how many, whether the
/// export gave a price, and the POS line id if it gave one (a small range,
/// so that one file may repeat an id, as a spreadsheet that mangled ids
/// would).
#[derive(Debug, Clone)]
struct Line {
    dish: usize,
    quantity: i64,
    priced: bool,
    line_id: Option<u8>,
}

/// One uploaded file: orders (by number, each on a fixed day) and their
/// lines. The same order may carry other values in another file, as a
/// corrected re-export would.
#[derive(Debug, Clone)]
struct File {
    orders: BTreeMap<u8, Vec<Line>>,
}

fn order_day(order: u8) -> String {
    format!("2024-01-{:02}", 1 + order % 4)
}

/// What tells two rows under one line id apart: dish, quantity, priced.
type Content = (usize, i64, bool);

/// How the importer identifies a line: its POS line id when the file has
/// one (numbered by distinct content when one file gives the id to rows that
/// differ, so neither is dropped), else its order and its position among the
/// order's rows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    LineId(u8, u8, usize),
    Position(u8, usize),
}

impl File {
    fn csv(&self) -> String {
        let mut out = String::from("order_id,line_id,timestamp,item,quantity,unit_price\n");
        for (order, lines) in &self.orders {
            for l in lines {
                let id = l
                    .line_id
                    .map(|i| format!("O{order}L{i}"))
                    .unwrap_or_default();
                let price = if l.priced {
                    format!("{}.00", PRICE[l.dish])
                } else {
                    String::new()
                };
                out.push_str(&format!(
                    "O{order},{id},{} 12:00:00,{},{},{price}\n",
                    order_day(*order),
                    DISHES[l.dish],
                    l.quantity,
                ));
            }
        }
        out
    }

    /// The file's lines in file order, with the key each is stored under.
    fn keyed(&self) -> Vec<(u8, Key, &Line)> {
        let mut out = Vec::new();
        // Distinct row contents seen under each line id in this file.
        let mut contents: BTreeMap<(u8, u8), Vec<Content>> = BTreeMap::new();
        for (order, lines) in &self.orders {
            for (i, l) in lines.iter().enumerate() {
                let key = match l.line_id {
                    Some(id) => {
                        let seen = contents.entry((*order, id)).or_default();
                        let content = (l.dish, l.quantity, l.priced);
                        let n = match seen.iter().position(|c| *c == content) {
                            Some(n) => n,
                            None => {
                                seen.push(content);
                                seen.len() - 1
                            }
                        };
                        Key::LineId(*order, id, n)
                    }
                    None => Key::Position(*order, i + 1),
                };
                out.push((*order, key, l));
            }
        }
        out
    }
}

#[derive(Debug, Clone)]
enum Op {
    Upload(File),
    /// Undo the n-th still-active upload (modulo their number).
    Undo(usize),
}

fn file() -> impl Strategy<Value = File> {
    let line = (
        0..DISHES.len(),
        1i64..6,
        prop::bool::weighted(0.85),
        prop::option::weighted(0.4, 0u8..3),
    )
        .prop_map(|(dish, quantity, priced, line_id)| Line {
            dish,
            quantity,
            priced,
            line_id,
        });
    // Few orders, so that files overlap heavily and one line often has
    // three or more holders.
    proptest::collection::btree_map(0u8..5, proptest::collection::vec(line, 1..4), 1..5)
        .prop_map(|orders| File { orders })
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        3 => file().prop_map(Op::Upload),
        2 => any::<usize>().prop_map(Op::Undo),
    ];
    proptest::collection::vec(op, 1..10)
}

fn add(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
    }
}

/// The stored sales a replay of the active files would give: the first
/// line to hold a key (earliest file, then earliest in the file) wins.
fn expected(files: &[(File, bool)]) -> (Lines, Daily, Orders) {
    let mut winners: BTreeMap<(String, Key), Winner> = BTreeMap::new();
    for (f, active) in files {
        if !active {
            continue;
        }
        for (order, key, l) in f.keyed() {
            let total = l.priced.then(|| l.quantity * PRICE[l.dish]);
            winners.entry((order_day(order), key)).or_insert((
                order,
                DISHES[l.dish].to_string(),
                l.quantity,
                total,
            ));
        }
    }
    let mut lines = Lines::new();
    let mut daily = Daily::new();
    let mut orders = Orders::new();
    for ((date, _), (order, dish, q, t)) in winners {
        let order = format!("O{order}");
        let d = daily.entry((date.clone(), dish.clone())).or_default();
        *d = (d.0 + q, add(d.1, t), d.2 + 1);
        let o = orders.entry((date.clone(), order.clone())).or_default();
        *o = (o.0 + 1, add(o.1, t));
        *lines.entry((date, order, dish, q, t)).or_default() += 1;
    }
    (lines, daily, orders)
}

async fn run_case(app: &TestApp, user: &User, n: usize, ops: &[Op]) {
    let r = app.create_restaurant(user, &format!("Case {n}")).await;
    let mut made: Vec<(File, bool, String)> = Vec::new();
    for op in ops {
        match op {
            Op::Upload(f) => {
                let (s, rep) = app.upload(user, &r, "sales.csv", f.csv().into(), &[]).await;
                match s {
                    StatusCode::CREATED => {
                        let id = rep["upload_id"].as_str().expect("upload id").to_string();
                        made.push((f.clone(), true, id));
                    }
                    // The same file while it is live: refused, nothing stored.
                    StatusCode::CONFLICT => assert!(
                        made.iter()
                            .any(|(m, active, _)| *active && m.csv() == f.csv()),
                        "409 without an identical live upload: {rep}"
                    ),
                    other => panic!("upload answered {other}: {rep}"),
                }
            }
            Op::Undo(i) => {
                let active: Vec<usize> = (0..made.len()).filter(|&k| made[k].1).collect();
                if active.is_empty() {
                    continue;
                }
                let k = active[i % active.len()];
                undo(app, user, &r, &made[k].2).await;
                made[k].1 = false;
            }
        }
        let files: Vec<(File, bool)> = made.iter().map(|(f, a, _)| (f.clone(), *a)).collect();
        let want = expected(&files);
        let got = stored(app, &r).await;
        assert_eq!(got.0, want.0, "lines after {op:?} in {ops:#?}");
        assert_eq!(got.1, want.1, "daily roll-up after {op:?} in {ops:#?}");
        assert_eq!(got.2, want.2, "orders after {op:?} in {ops:#?}");
    }
}

#[test]
fn after_any_uploads_and_undos_the_stored_sales_are_those_of_the_active_uploads() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (app, user) = rt.block_on(async {
        let app = spawn_app().await;
        let user = app.register("undo@example.com").await;
        (app, user)
    });
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    });
    let n = std::sync::atomic::AtomicUsize::new(0);
    runner
        .run(&ops(), |ops| {
            let case = n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            rt.block_on(run_case(&app, &user, case, &ops));
            Ok(())
        })
        .expect("property holds");
}

#[tokio::test]
async fn undoing_the_first_of_two_overlapping_uploads_keeps_the_sales_the_second_holds() {
    let app = spawn_app().await;
    let user = app.register("chef@example.com").await;
    let r = app.create_restaurant(&user, "Bistro").await;
    let a = "date,item,quantity,price\n2024-01-01,Soup,3,4.00\n2024-01-02,Soup,4,4.00\n";
    let b = "date,item,quantity,price\n2024-01-01,Soup,3,4.00\n2024-01-02,Soup,4,4.00\n\
             2024-01-03,Soup,5,4.00\n";
    let (s, ra) = app.upload(&user, &r, "a.csv", a.into(), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{ra}");
    let (s, rb) = app.upload(&user, &r, "b.csv", b.into(), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{rb}");
    assert_eq!(
        (rb["rows_imported"].as_u64(), rb["rows_duplicate"].as_u64()),
        (Some(1), Some(2))
    );
    undo(&app, &user, &r, ra["upload_id"].as_str().expect("id")).await;

    assert_eq!(
        crate::uploads::daily(&app, &user, &r).await,
        [
            ("2024-01-01".to_string(), 3.0),
            ("2024-01-02".to_string(), 4.0),
            ("2024-01-03".to_string(), 5.0)
        ],
        "b still holds 1-2 Jan"
    );
    // b's record now says it imported all three lines.
    let id = rb["upload_id"].as_str().expect("id");
    let (_, stored_b) = app
        .get(&format!("/api/v1/restaurants/{r}/data/uploads/{id}"), &user)
        .await;
    assert_eq!(
        (
            stored_b["rows_imported"].as_i64(),
            stored_b["rows_duplicate"].as_i64()
        ),
        (Some(3), Some(0))
    );
}
