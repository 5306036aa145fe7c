//! The schedule pages: a manager builds the week, sees need against staff,
//! a refused shift leaves the week as it was, publishing shows a cook their
//! own shifts, and the kiosk clocks in and out.

use chrono::{Datelike, Duration, Utc};
use flux_app::hours::DayInput;
use flux_app::labor::staff::{RoleInput, StaffInput, StaffRoleInput};
use flux_app::labor::Caller;
use flux_app::labor::LaborDriver;
use flux_domain::role::Role;
use reqwest::StatusCode;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::helpers::{csrf_of, spawn_app};

#[tokio::test]
async fn a_manager_builds_and_publishes_the_week_and_a_cook_sees_their_shifts() {
    let app = spawn_app().await;
    let v = app.visitor();
    v.sign_up("owner@example.com").await;
    let rid = v.create_restaurant("Bistro").await;
    let owner = app.user_id("owner@example.com").await;
    let r: Uuid = rid.parse().expect("uuid");
    let boss = Caller {
        user_id: owner,
        role: Role::Owner,
    };
    let mut tx = flux_store::tenant::begin(&app.pool, owner, r)
        .await
        .expect("tx");
    let days: Vec<DayInput> = (0..7)
        .map(|d| DayInput {
            day_of_week: d,
            closed: false,
            ranges: vec![("11:00".into(), "22:00".into())],
        })
        .collect();
    flux_app::hours::replace(&mut tx, r, &days)
        .await
        .expect("hours");
    let role = flux_app::labor::staff::save_role(
        &mut tx,
        r,
        boss,
        None,
        RoleInput {
            name: "Kitchen".into(),
            hourly_wage: Decimal::from(15),
            driver: LaborDriver::Items,
            per_labor_hour: Decimal::ZERO,
            min_staff: 1,
            before_open_minutes: 0,
            after_close_minutes: 0,
        },
    )
    .await
    .expect("role");
    let mut people = Vec::new();
    for name in ["Ana", "Ben", "Chloé", "Dev"] {
        let p = flux_app::labor::staff::save(
            &mut tx,
            r,
            boss,
            None,
            StaffInput {
                name: name.into(),
                email: None,
                user_id: None,
                contracted_hours: None,
                max_week_hours: None,
                active: true,
                roles: vec![StaffRoleInput {
                    role_id: role.id,
                    hourly_wage: None,
                }],
                availability: vec![],
            },
        )
        .await
        .expect("staff");
        people.push(p.id);
    }
    tx.commit().await.expect("commit");

    let today = Utc::now().date_naive();
    let week = today + Duration::days(7 - i64::from(today.weekday().num_days_from_monday()));
    let url = format!("/app/r/{rid}/labor?week={week}");
    let page = v.get(&url).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Build from forecast"));
    assert!(
        page.body.contains("chart-coverage"),
        "the requirement is drawn before any shift"
    );
    let built = v
        .post(
            &format!("/app/r/{rid}/labor/build?week={week}"),
            &[("csrf", &csrf_of(&page.body))],
        )
        .await;
    assert_eq!(built.status, StatusCode::SEE_OTHER, "{}", built.body);
    let page = v.get(&format!("{url}&done=built")).await;
    assert!(page.body.contains("Schedule built"), "{}", page.body);
    let shifts = page.body.matches("data-shift=").count();
    // 11 hours a day with one cook at a time: at least two shifts a day.
    assert!(shifts >= 14, "{shifts} shifts");
    assert!(!page.body.contains("Rules broken"));

    // A shift for Ana on top of her existing Monday one is refused; nothing changes.
    let bad = v
        .post(
            &format!("/app/r/{rid}/labor/shifts?week={week}"),
            &[
                ("csrf", &csrf_of(&page.body)),
                ("staff_id", &people[0].to_string()),
                ("role_id", &role.id.to_string()),
                ("day", "0"),
                ("from", "09:00"),
                ("to", "10:00"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("breaks a rule"), "{}", bad.body);
    assert_eq!(
        v.get(&url).await.body.matches("data-shift=").count(),
        shifts
    );

    let published = v
        .post(
            &format!("/app/r/{rid}/labor/publish?week={week}"),
            &[("csrf", &csrf_of(&page.body))],
        )
        .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    assert!(v.get(&url).await.body.contains("Published"));

    // A cook linked to Ben's record sees Ben's shifts only, in one column.
    let cook = app.visitor();
    cook.sign_up("ben@example.com").await;
    app.add_member("owner@example.com", &rid, "ben@example.com", "chef")
        .await;
    let ben_user = app.user_id("ben@example.com").await;
    let mut tx = flux_store::tenant::begin(&app.pool, owner, r)
        .await
        .expect("tx");
    let mut ben = flux_app::labor::staff::get(&mut tx, r, boss, people[1])
        .await
        .expect("ben");
    ben.user_id = Some(ben_user);
    flux_app::labor::staff::save(
        &mut tx,
        r,
        boss,
        Some(people[1]),
        StaffInput {
            name: ben.name.clone(),
            email: None,
            user_id: Some(ben_user),
            contracted_hours: None,
            max_week_hours: None,
            active: true,
            roles: ben.roles.clone(),
            availability: vec![],
        },
    )
    .await
    .expect("link");
    tx.commit().await.expect("commit");
    let mine = cook.get(&url).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert!(mine.body.contains("My shifts"));
    assert!(!mine.body.contains("Build from forecast"));
    assert!(!mine.body.contains("Ana"), "another person's shift leaked");
    let forbidden = cook
        .post(
            &format!("/app/r/{rid}/labor/build?week={week}"),
            &[("csrf", &csrf_of(&mine.body))],
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

    // The kiosk: Ben clocks himself in and out.
    let kiosk = cook.get(&format!("/app/r/{rid}/labor/clock")).await;
    assert!(kiosk.body.contains("Clock in"), "{}", kiosk.body);
    let ben_id = people[1];
    let done = cook
        .post(
            &format!("/app/r/{rid}/labor/clock/{ben_id}/in"),
            &[("csrf", &csrf_of(&kiosk.body))],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let kiosk = cook.get(&format!("/app/r/{rid}/labor/clock")).await;
    assert!(kiosk.body.contains("Clock out"));
    let done = cook
        .post(
            &format!("/app/r/{rid}/labor/clock/{ben_id}/out"),
            &[("csrf", &csrf_of(&kiosk.body)), ("break_minutes", "0")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    // Someone else's record is not his to clock.
    let other = cook
        .post(
            &format!("/app/r/{rid}/labor/clock/{}/in", people[0]),
            &[("csrf", &csrf_of(&kiosk.body))],
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_staff_page_adds_roles_and_people_and_decides_time_off() {
    let app = spawn_app().await;
    let v = app.visitor();
    v.sign_up("owner@example.com").await;
    let rid = v.create_restaurant("Bistro").await;
    let url = format!("/app/r/{rid}/labor/staff");
    let page = v.get(&url).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("No roles yet."));
    let added = v
        .post(
            &format!("{url}/roles"),
            &[
                ("csrf", &csrf_of(&page.body)),
                ("name", "Line cook"),
                ("hourly_wage", "15.50"),
                ("driver", "items"),
                ("per_labor_hour", "30"),
                ("min_staff", "1"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let page = v.get(&url).await;
    assert!(
        page.body.contains("Line cook") && page.body.contains("not enough past shifts"),
        "{}",
        page.body
    );
    // A wage that is not a number is refused, naming the field; nothing is added.
    let bad = v
        .post(
            &format!("{url}/roles"),
            &[
                ("csrf", &csrf_of(&page.body)),
                ("name", "Bar"),
                ("hourly_wage", "lots"),
                ("driver", "items"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("hourly_wage"), "{}", bad.body);
    assert!(!v.get(&url).await.body.contains(">Bar<"));

    let role_id = {
        let owner = app.user_id("owner@example.com").await;
        let r: Uuid = rid.parse().expect("uuid");
        let mut tx = flux_store::tenant::begin(&app.pool, owner, r)
            .await
            .expect("tx");
        let roles = flux_app::labor::staff::roles(&mut tx, r)
            .await
            .expect("roles");
        tx.commit().await.expect("commit");
        roles[0].id
    };
    let added = v
        .post(
            &format!("{url}/people"),
            &[
                ("csrf", &csrf_of(&page.body)),
                ("name", "Zoë <script>"),
                ("role_id", &role_id.to_string()),
                ("max_week_hours", "32"),
                ("day1", "on"),
                ("day3", "on"),
                ("from", "16:00"),
                ("to", "23:30"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let page = v.get(&url).await;
    assert!(
        page.body.contains("Zoë &lt;script&gt;"),
        "the name is escaped"
    );
    assert!(
        page.body.contains("Tue 16:00–23:30") && page.body.contains("Thu 16:00–23:30"),
        "{}",
        page.body
    );
    let person = page
        .body
        .split("name=\"staff_id\"")
        .nth(1)
        .and_then(|s| s.split("value=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .expect("person id")
        .to_string();
    let asked = v
        .post(
            &format!("{url}/time-off"),
            &[
                ("csrf", &csrf_of(&page.body)),
                ("staff_id", &person),
                ("starts_on", "2027-01-04"),
                ("ends_on", "2027-01-02"),
            ],
        )
        .await;
    assert_eq!(
        asked.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the last day is before the first"
    );
    let asked = v
        .post(
            &format!("{url}/time-off"),
            &[
                ("csrf", &csrf_of(&page.body)),
                ("staff_id", &person),
                ("starts_on", "2027-01-04"),
                ("ends_on", "2027-01-06"),
                ("reason", "Family"),
            ],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let page = v.get(&url).await;
    let approve = page
        .body
        .split("action=\"")
        .find(|s| s.contains("/approve\""))
        .and_then(|s| s.split('"').next())
        .expect("approve form")
        .to_string();
    let done = v.post(&approve, &[("csrf", &csrf_of(&page.body))]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(v.get(&url).await.body.contains("approved"));
}
