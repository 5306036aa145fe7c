//! The forecast pages: refreshing makes a prep list, feedback is stored
//! and shown, and the usual guards (CSRF, roles, tenancy) hold.

use reqwest::StatusCode;

use crate::helpers::{csrf_of, recent_sales_csv, spawn_app, Visitor};

/// Signs up, creates a restaurant, imports recent sales; returns its id.
async fn restaurant_with_sales(v: &Visitor, email: &str) -> String {
    v.sign_up(email).await;
    let rid = v.create_restaurant("Casa Pepe").await;
    let token = csrf_of(&v.get(&format!("/app/r/{rid}/uploads")).await.body);
    let up = v
        .upload(
            &rid,
            Some(&token),
            "sales.csv",
            recent_sales_csv().as_bytes(),
        )
        .await;
    assert_eq!(up.status, StatusCode::SEE_OTHER, "{}", up.body);
    rid
}

/// Refreshes the forecast and returns the prep page it redirects to.
async fn refresh(v: &Visitor, rid: &str) -> String {
    let path = format!("/app/r/{rid}/forecast");
    let done = v.submit(&path, &path, &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let to = done.location.expect("redirect");
    assert!(to.contains("done=forecast-refreshed"), "{to}");
    let page = v.get(&to).await;
    assert_eq!(page.status, StatusCode::OK);
    page.body
}

/// The id of the first dish linked from a prep page.
fn first_dish(body: &str, rid: &str) -> String {
    let marker = format!("/app/r/{rid}/forecast/");
    body.match_indices(&marker)
        .map(|(i, _)| &body[i + marker.len()..])
        .find_map(|rest| {
            rest.get(..36)
                .filter(|id| uuid::Uuid::parse_str(id).is_ok())
        })
        .expect("a dish link")
        .to_string()
}

#[tokio::test]
async fn refreshing_forecasts_every_dish_for_tomorrow() {
    let app = spawn_app().await;
    let v = app.visitor();
    v.sign_up("owner@example.com").await;
    let rid = v.create_restaurant("Casa Pepe").await;
    let path = format!("/app/r/{rid}/forecast");

    let empty = v.get(&path).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("No forecasts yet"), "{}", empty.body);
    assert!(empty.body.contains("Import your sales first"));
    assert!(
        empty.body.contains(r#"aria-current="page">Forecast<"#),
        "the nav marks the section"
    );

    // Refreshing without any history explains what to do instead.
    let token = csrf_of(&empty.body);
    let nothing = v.post(&path, &[("csrf", &token)]).await;
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nothing
        .body
        .contains("There is no sales history to forecast from"));

    let token = csrf_of(&v.get(&format!("/app/r/{rid}/uploads")).await.body);
    let up = v
        .upload(
            &rid,
            Some(&token),
            "sales.csv",
            recent_sales_csv().as_bytes(),
        )
        .await;
    assert_eq!(up.status, StatusCode::SEE_OTHER, "{}", up.body);
    let ready = v.get(&path).await.body;
    assert!(ready.contains("Press “Refresh forecast”"), "{ready}");

    let prep = refresh(&v, &rid).await;
    assert!(prep.contains("Tomorrow’s prep"), "{prep}");
    assert!(prep.contains("Forecast refreshed"));
    assert!(
        prep.contains("Caesar Salad") && prep.contains("Tiramisu"),
        "{prep}"
    );
    assert!(
        prep.contains("recent demand is about"),
        "explained in words"
    );
    assert!(prep.contains(r#"class="table stack prep""#));
    // The restaurant total is forecast too, with its own range.
    assert!(prep.contains("Whole restaurant"), "{prep}");
    assert!(prep.contains("8 days in 10 between"));
}

#[tokio::test]
async fn feedback_needs_csrf_and_is_listed_on_the_dish_page() {
    let app = spawn_app().await;
    let v = app.visitor();
    let rid = restaurant_with_sales(&v, "chef@example.com").await;
    let prep = refresh(&v, &rid).await;
    let dish = format!("/app/r/{rid}/forecast/{}", first_dish(&prep, &rid));
    let page = v.get(&dish).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"<path class="band""#),
        "the chart has a band"
    );
    assert!(page.body.contains("No feedback on this dish yet"));

    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Duration::days(1)).to_string();
    let forged = v
        .post(
            &dish,
            &[
                ("date", &tomorrow),
                ("verdict", "too_high"),
                ("note", "forged"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let bad = v
        .submit(&dish, &dish, &[("date", &tomorrow), ("verdict", "meh")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r#"id="verdict-error""#), "{}", bad.body);

    let saved = v
        .submit(
            &dish,
            &dish,
            &[
                ("date", &tomorrow),
                ("verdict", "too_low"),
                ("note", "<b>Party</b> of 20 booked"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let shown = v.get(&saved.location.expect("redirect")).await.body;
    assert!(shown.contains("your feedback was saved"));
    assert!(shown.contains("Too low"));
    assert!(shown.contains("&lt;b&gt;Party&lt;/b&gt; of 20 booked"));
    assert!(!shown.contains("<b>Party</b>") && !shown.contains("forged"));
    assert!(shown.contains("chef@example.com"));
}

#[tokio::test]
async fn another_restaurants_forecasts_are_not_found() {
    let app = spawn_app().await;
    let alice = app.visitor();
    let rid = restaurant_with_sales(&alice, "alice@example.com").await;
    let prep = refresh(&alice, &rid).await;
    let dish = format!("/app/r/{rid}/forecast/{}", first_dish(&prep, &rid));

    let mallory = app.visitor();
    mallory.sign_up("mallory@example.com").await;
    let own = mallory.create_restaurant("Mallory's").await;
    for path in [format!("/app/r/{rid}/forecast"), dish.clone()] {
        let page = mallory.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!page.body.contains("Caesar"), "{path} leaks a dish");
    }
    let token = csrf_of(&mallory.get("/app").await.body);
    let write = mallory
        .post(
            &dish,
            &[
                ("csrf", &token),
                ("date", "2024-01-01"),
                ("verdict", "too_high"),
            ],
        )
        .await;
    assert_eq!(write.status, StatusCode::NOT_FOUND);
    let run = mallory
        .post(&format!("/app/r/{rid}/forecast"), &[("csrf", &token)])
        .await;
    assert_eq!(run.status, StatusCode::NOT_FOUND);
    // Alice's dish id under Mallory's own restaurant names nothing either.
    let swapped = dish.replace(&rid, &own);
    assert_eq!(mallory.get(&swapped).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn viewers_read_forecasts_but_cannot_refresh_or_give_feedback() {
    let app = spawn_app().await;
    let owner = app.visitor();
    let rid = restaurant_with_sales(&owner, "owner@example.com").await;
    let prep = refresh(&owner, &rid).await;
    let dish = format!("/app/r/{rid}/forecast/{}", first_dish(&prep, &rid));

    let viewer = app.visitor();
    viewer.sign_up("viewer@example.com").await;
    app.add_member("owner@example.com", &rid, "viewer@example.com", "viewer")
        .await;
    let path = format!("/app/r/{rid}/forecast");
    let page = viewer.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Caesar Salad"));
    assert!(
        !page.body.contains("Refresh forecast"),
        "no button to press"
    );

    let refused = viewer.submit(&path, &path, &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let dish_page = viewer.get(&dish).await;
    assert!(dish_page
        .body
        .contains("Your role can read feedback but not give it."));
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Duration::days(1)).to_string();
    let no_feedback = viewer
        .submit(
            &dish,
            &dish,
            &[("date", &tomorrow), ("verdict", "too_high")],
        )
        .await;
    assert_eq!(no_feedback.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_dish_page_shows_accuracy_once_past_forecasts_can_be_scored() {
    let app = spawn_app().await;
    let v = app.visitor();
    let rid = restaurant_with_sales(&v, "owner@example.com").await;
    // A run made two weeks ago, as the nightly job would have: its days
    // have since been sold, so they can be scored.
    let today = chrono::Utc::now().date_naive();
    flux_app::forecasts::run(
        &app.pool,
        rid.parse().expect("uuid"),
        &flux_app::forecasts::RunOptions {
            model: flux_forecast::ModelKind::Production,
            horizon: Some(14),
            as_of: Some(today - chrono::Duration::days(14)),
            trigger: flux_app::forecasts::Trigger::Nightly,
            user_id: None,
        },
    )
    .await
    .expect("past run");
    let prep = refresh(&v, &rid).await;
    let dish = v
        .get(&format!(
            "/app/r/{rid}/forecast/{}",
            first_dish(&prep, &rid)
        ))
        .await;
    assert!(
        dish.body.contains("How accurate it has been") && dish.body.contains("Average miss"),
        "{}",
        dish.body
    );
    // The last weeks: what was forecast for each past day against what
    // was sold, drawn behind the sales and counted per week.
    assert!(
        dish.body.contains(r#"class="band band-past""#),
        "{}",
        dish.body
    );
    let table_start = dish.body.find("past-weeks").expect("the weeks table");
    let table = &dish.body[table_start..];
    let table = &table[..table.find("</table>").expect("table end")];
    let mut scored = 0;
    for cell in table.split("data-label=\"Days within the range\">").skip(1) {
        let text = &cell[..cell.find("</td>").expect("cell end")];
        let total: usize = text
            .split(" of ")
            .nth(1)
            .and_then(|t| t.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .expect("N of M");
        scored += total;
    }
    assert_eq!(
        scored, 14,
        "every past day of the run is counted once: {table}"
    );
}

#[tokio::test]
async fn an_override_set_on_the_dish_page_is_shown_used_and_removable() {
    let app = spawn_app().await;
    let v = app.visitor();
    let rid = restaurant_with_sales(&v, "chef@example.com").await;
    let prep = refresh(&v, &rid).await;
    let dish = format!("/app/r/{rid}/forecast/{}", first_dish(&prep, &rid));
    let action = format!("{dish}/override");
    let page = v.get(&dish).await.body;
    assert!(page.contains("Override the forecast") && page.contains("No overrides of this dish"));

    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Duration::days(1)).to_string();
    let forged = v
        .post(
            &action,
            &[("date", &tomorrow), ("quantity", "5"), ("reason", "x")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let bad = v
        .submit(
            &dish,
            &action,
            &[("date", &tomorrow), ("quantity", "-3"), ("reason", " ")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body.contains("Enter how many you expect to sell"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("Say why, so others know."));
    assert!(bad.body.contains(r#"value="-3""#), "what was typed is kept");

    let saved = v
        .submit(
            &dish,
            &action,
            &[
                ("date", &tomorrow),
                ("quantity", "77"),
                ("reason", "<i>Wedding</i> party"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let to = saved.location.expect("redirect");
    assert!(to.contains("done=override-saved"), "{to}");
    let shown = v.get(&to).await.body;
    assert!(shown.contains("Overridden"), "{shown}");
    assert!(shown.contains("&lt;i&gt;Wedding&lt;/i&gt; party") && !shown.contains("<i>Wedding"));
    let prep_day = v
        .get(&format!("/app/r/{rid}/forecast?date={tomorrow}"))
        .await
        .body;
    assert!(
        prep_day.contains("Overridden"),
        "the prep list uses it: {prep_day}"
    );
    assert!(
        prep_day.contains(">77<") || prep_day.contains(">77 <"),
        "{prep_day}"
    );

    let remove = format!("{dish}/override/{tomorrow}/remove");
    assert!(shown.contains(&remove), "a remove button");
    let gone = v.submit(&dish, &remove, &[]).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.body);
    let after = v.get(&gone.location.expect("redirect")).await.body;
    assert!(after.contains("Override removed") && !after.contains("Overridden"));
    assert!(after.contains("No overrides of this dish"));
}

#[tokio::test]
async fn a_sold_out_day_marked_on_the_dish_page_is_listed_and_can_be_unmarked() {
    let app = spawn_app().await;
    let v = app.visitor();
    let rid = restaurant_with_sales(&v, "chef@example.com").await;
    let prep = refresh(&v, &rid).await;
    let dish = format!("/app/r/{rid}/forecast/{}", first_dish(&prep, &rid));
    let action = format!("{dish}/stockout");
    let page = v.get(&dish).await.body;
    assert!(page.contains("Sold out") && page.contains("No sold-out days in the last eight weeks"));

    let yesterday = (chrono::Utc::now().date_naive() - chrono::Duration::days(1)).to_string();
    let forged = v.post(&action, &[("date", &yesterday)]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let bad = v
        .submit(&dish, &action, &[("date", "not a day"), ("note", "")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad
        .body
        .contains("Choose today or one of the last two weeks."));

    let saved = v
        .submit(
            &dish,
            &action,
            &[("date", &yesterday), ("note", "<b>gone</b> by 9")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let to = saved.location.expect("redirect");
    assert!(to.contains("done=stockout-saved"), "{to}");
    let shown = v.get(&to).await.body;
    assert!(shown.contains("Marked sold out"), "{shown}");
    assert!(shown.contains("&lt;b&gt;gone&lt;/b&gt; by 9") && !shown.contains("<b>gone"));

    let remove = format!("{dish}/stockout/{yesterday}/remove");
    assert!(shown.contains(&remove), "an unmark button");
    let gone = v.submit(&dish, &remove, &[]).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.body);
    let after = v.get(&gone.location.expect("redirect")).await.body;
    assert!(
        after.contains("Unmarked") && after.contains("No sold-out days in the last eight weeks")
    );
}

#[tokio::test]
async fn events_are_added_listed_and_removed_on_their_page() {
    let app = spawn_app().await;
    let v = app.visitor();
    let rid = restaurant_with_sales(&v, "chef@example.com").await;
    let prep = refresh(&v, &rid).await;
    let page = format!("/app/r/{rid}/forecast/events");
    assert!(
        prep.contains(&format!(r#"href="{page}""#)),
        "linked from the prep page"
    );
    let empty = v.get(&page).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("No events yet."));

    let day = (chrono::Utc::now().date_naive() + chrono::Duration::days(5)).to_string();
    let bad = v
        .submit(
            &page,
            &page,
            &[("name", ""), ("starts_on", &day), ("ends_on", "x")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("Please correct the fields marked below."));
    assert!(bad.body.contains("Give the event a name"), "{}", bad.body);
    assert!(
        bad.body.contains("Choose the day."),
        "the unreadable last day"
    );
    let added = v
        .submit(
            &page,
            &page,
            &[
                ("name", "<b>Fair</b>"),
                ("starts_on", &day),
                ("ends_on", &day),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let shown = v.get(&added.location.expect("redirect")).await.body;
    assert!(shown.contains("Event added"));
    assert!(shown.contains("&lt;b&gt;Fair&lt;/b&gt;") && !shown.contains("<b>Fair"));
    assert!(shown.contains("Coming"));

    let remove = shown
        .split("action=\"")
        .filter_map(|s| s.split('"').next())
        .find(|a| a.ends_with("/delete"))
        .expect("a remove button")
        .to_string();
    let gone = v.submit(&page, &remove, &[]).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.body);
    let after = v.get(&gone.location.expect("redirect")).await.body;
    assert!(after.contains("Event removed") && after.contains("No events yet."));
}

#[tokio::test]
async fn the_model_page_explains_the_forecast_with_this_restaurants_numbers() {
    let app = spawn_app().await;
    let v = app.visitor();
    let rid = restaurant_with_sales(&v, "owner@example.com").await;
    let prep = refresh(&v, &rid).await;
    let path = format!("/app/r/{rid}/forecast/model");
    assert!(prep.contains(&path), "linked from the prep page");
    let page = v.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for part in [
        "How the forecast works",
        "What it does",
        "What data it used",
        "days with sales",
        "How accurate it has been here",
        "Its limits",
        "People stay in control",
        "weather",
    ] {
        assert!(page.body.contains(part), "{part}: {}", page.body);
    }

    let other = app.visitor();
    other.sign_up("other@example.com").await;
    let theirs = other.get(&path).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
}

/// Posts a weather file through the page's multipart form.
async fn import_weather(
    v: &Visitor,
    rid: &str,
    csrf: Option<&str>,
    csv: &str,
) -> crate::helpers::Page {
    let mut form = reqwest::multipart::Form::new();
    if let Some(t) = csrf {
        form = form.text("csrf", t.to_string());
    }
    form = form.part(
        "file",
        reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("weather.csv"),
    );
    crate::helpers::page_of(
        v.http
            .post(format!("{}/app/r/{rid}/forecast/weather/import", v.base))
            .multipart(form)
            .send()
            .await
            .expect("import"),
    )
    .await
}

#[tokio::test]
async fn weather_is_imported_and_shown_on_its_page() {
    let app = spawn_app().await;
    let v = app.visitor();
    let rid = restaurant_with_sales(&v, "chef@example.com").await;
    let prep = refresh(&v, &rid).await;
    let page = format!("/app/r/{rid}/forecast/weather");
    assert!(
        prep.contains(&format!(r#"href="{page}""#)),
        "linked from the prep page"
    );
    let empty = v.get(&page).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("No location yet"), "{}", empty.body);
    assert!(empty.body.contains("No weather stored for these days."));
    let csrf = csrf_of(&empty.body);

    let y = chrono::Utc::now().date_naive() - chrono::Duration::days(1);
    let forged = import_weather(&v, &rid, None, "date,prcp\n2026-01-01,1\n").await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "no CSRF token, no import"
    );
    let bad = import_weather(
        &v,
        &rid,
        Some(&csrf),
        &format!("date,tavg,prcp\n{y},<b>x</b>,1\n"),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("line 2"), "names the line: {}", bad.body);
    assert!(!bad.body.contains("<b>x</b>"), "hostile text is escaped");
    let ok = import_weather(
        &v,
        &rid,
        Some(&csrf),
        &format!("date,tavg,prcp\n{y},7.5,3.2\n"),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let shown = v.get(&ok.location.expect("redirect")).await.body;
    assert!(shown.contains("Imported 1 day(s) of weather"), "{shown}");
    assert!(
        // A restaurant in Madrid: Spanish number formats.
        shown.contains("7,5 °C") && shown.contains("3,2 mm") && shown.contains("Your file"),
        "{}",
        shown.split("<table").nth(1).unwrap_or(&shown)
    );

    // The location is a setting; with it the page says where the weather
    // comes from (this server has no provider: imports only).
    let settings = format!("/app/r/{rid}/settings");
    let form = v.get(&settings).await.body;
    let csrf = csrf_of(&form);
    let saved = v
        .post(
            &settings,
            &[
                ("csrf", &csrf),
                ("forecast_confidence_threshold", "0.7"),
                ("day_cutoff_hour", "4"),
                ("service_level", "0.9"),
                ("forecast_horizon_days", "14"),
                ("holiday_country", ""),
                ("latitude", "54.3233"),
                ("longitude", "10.1228"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let located = v.get(&page).await.body;
    assert!(
        located.contains("This server fetches no weather"),
        "{located}"
    );
    assert!(!located.contains("Fetch now"));
}
