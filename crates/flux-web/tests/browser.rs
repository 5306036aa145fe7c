//! A real browser journey: headless Chromium driven through chromedriver
//! (WebDriver) against a real server and database. It signs up, creates a
//! restaurant, uploads a file with one bad row, reads the row error and the
//! sales chart, refreshes the forecast and opens a dish's forecast, enters
//! an ingredient and a recipe (watching the live COGS), accepts a suggested
//! recipe and reads the menu-engineering matrix, on a desktop window and at
//! 375 px, and saves a screenshot of each page under `target/screenshots/`.
//!
//! Missing Chromium or chromedriver fail the test: CI installs them
//! (`apt-get install chromium chromium-driver`), and a silently skipped
//! browser test would hide regressions.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use flux_store::pool::AppRole;

const SECRET: &[u8] = b"browser-test-secret-0123456789abcdefghij";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// Kills chromedriver and every Chromium process started with this test's
/// profile directory, even when the test panics.
struct Browser {
    driver: Child,
    profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // Chromium outlives a killed driver; find it by its unique profile
        // directory rather than by name, so no other browser is touched.
        let marker = self.profile.path().to_string_lossy().to_string();
        if let Ok(entries) = std::fs::read_dir("/proc") {
            for e in entries.flatten() {
                let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
                    continue;
                };
                let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
                if String::from_utf8_lossy(&cmdline).contains(&marker) {
                    let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
                }
            }
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).expect("create target/screenshots");
    dir
}

async fn start_browser() -> (Browser, Client) {
    for bin in [CHROMEDRIVER, CHROMIUM] {
        assert!(
            Path::new(bin).exists(),
            "{bin} is missing: install it with `apt-get install chromium chromium-driver`"
        );
    }
    let port = free_port();
    let profile = tempfile::tempdir().expect("profile dir");
    let driver = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let browser = Browser { driver, profile };
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,1000",
                format!("--user-data-dir={}", browser.profile.path().display()),
            ],
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a WebDriver session");
    (browser, client)
}

async fn spawn_app() -> String {
    spawn_app_reading(flux_app::menu_photos::Readers::default()).await
}

/// The dashboard with these menu photo readers.
async fn spawn_app_reading(readers: flux_app::menu_photos::Readers) -> String {
    spawn_app_with_pool(readers).await.0
}

/// The dashboard and a pool on its database, for state the pages do not set.
async fn spawn_app_with_pool(
    readers: flux_app::menu_photos::Readers,
) -> (String, flux_store::PgPool) {
    let db = flux_testkit::fresh_db().await;
    let pool = flux_store::connect_app(db.app.clone(), AppRole::Direct, 5)
        .await
        .expect("connect");
    let pages = flux_web::router(
        flux_web::WebState::new(pool.clone(), SECRET, 32 << 20).menu_readers(readers),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        axum::serve(
            listener,
            pages.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    (format!("http://{addr}"), pool)
}

/// Nine weeks of sales for three dishes up to yesterday (relative to
/// today, so there is always recent history to forecast from), and one row
/// whose quantity is text.
fn sales_csv() -> String {
    let mut csv = String::from("date,item,quantity,price\n");
    let today = chrono::Utc::now().date_naive();
    let start = today - chrono::Duration::days(63);
    for day in 0..63 {
        let d = start + chrono::Duration::days(day);
        let weekend = day % 7 >= 4;
        let base = if weekend { 9 } else { 5 };
        csv.push_str(&format!("{d},Caesar Salad,{},12.50\n", base + day % 3));
        csv.push_str(&format!("{d},Patatas Bravas,{},6.00\n", base + 3 - day % 2));
        csv.push_str(&format!("{d},Tiramisu,{},5.50\n", 2 + day % 4));
    }
    csv.push_str(&format!(
        "{},Tiramisu,lots,5.50\n",
        start + chrono::Duration::days(6)
    ));
    csv
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(screenshots_dir().join(name), png).expect("write screenshot");
}

async fn fill(c: &Client, css: &str, text: &str) {
    let e = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    e.clear().await.ok();
    e.send_keys(text).await.expect("type");
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .expect("click");
}

async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("waiting for {css}: {e}"))
}

/// Scrolls an element into view, so the screenshot shows it.
async fn show(c: &Client, css: &str) {
    c.execute(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})",
        vec![serde_json::json!(css)],
    )
    .await
    .expect("scroll");
}

async fn fits_width(c: &Client) -> bool {
    c.execute(
        "return document.documentElement.scrollWidth <= window.innerWidth",
        vec![],
    )
    .await
    .expect("script")
    .as_bool()
    .unwrap_or(false)
}

async fn journey(c: &Client, base: &str) {
    c.goto(&format!("{base}/signup"))
        .await
        .expect("open sign-up");
    shot(c, "01-signup.png").await;
    fill(c, "#email", "chef@example.com").await;
    fill(c, "#password", "correct horse battery").await;
    click(c, "form button[type=submit]").await;

    wait_for(c, "form[action='/app/restaurants']").await;
    fill(c, "#name", "La Boqueria Bites").await;
    shot(c, "02-new-restaurant.png").await;
    click(c, "form[action='/app/restaurants'] button[type=submit]").await;

    wait_for(c, ".onboarding").await;
    shot(c, "03-onboarding.png").await;
    let csv_path = std::env::temp_dir().join(format!("flux-browser-{}.csv", uuid::Uuid::new_v4()));
    std::fs::write(&csv_path, sales_csv()).expect("write csv");
    c.find(Locator::Css("#file"))
        .await
        .expect("file input")
        .send_keys(&csv_path.to_string_lossy())
        .await
        .expect("choose file");
    click(c, ".upload-form button[type=submit]").await;

    let errors = wait_for(c, "table.errors").await;
    let text = errors.text().await.expect("table text");
    assert!(text.contains("lots"), "the bad value is listed: {text}");
    assert!(c
        .current_url()
        .await
        .expect("url")
        .path()
        .contains("/uploads/"));
    show(c, "table.errors").await;
    shot(c, "04-upload-detail.png").await;
    let _ = std::fs::remove_file(&csv_path);

    click(c, "nav.tabs a[href$='/uploads']").await;
    wait_for(c, "table.stack").await;
    shot(c, "05-uploads.png").await;

    let sales_tab = c.find(Locator::Css("nav.tabs a")).await.expect("sales tab");
    sales_tab.click().await.expect("open sales");
    wait_for(c, "svg.chart-line").await;
    wait_for(c, "svg.chart-bars").await;
    shot(c, "06-sales.png").await;
    let overview = c.current_url().await.expect("url");

    // Forecast: refresh, read tomorrow's prep, open a dish.
    click(c, "nav.tabs a[href$='/forecast']").await;
    wait_for(c, "form.refresh").await;
    click(c, "form.refresh button[type=submit]").await;
    wait_for(c, "table.prep").await;
    let prep = c
        .find(Locator::Css("table.prep"))
        .await
        .expect("prep table")
        .text()
        .await
        .expect("text");
    assert!(
        prep.contains("Caesar Salad") && prep.contains("Tiramisu"),
        "every dish is listed: {prep}"
    );
    shot(c, "14-forecast-prep.png").await;
    let forecast_url = format!("{}/forecast", overview.as_str().trim_end_matches('/'));
    click(c, "table.prep a").await;
    wait_for(c, "svg.chart-forecast path.band").await;
    wait_for(c, "svg.chart-forecast polyline.forecast").await;
    shot(c, "15-forecast-dish.png").await;
    let dish_url = c.current_url().await.expect("url");

    // Costing: enter an ingredient and a recipe by hand, watch the live
    // COGS, then take the library's suggestion for another dish and read
    // the menu-engineering matrix.
    let root = overview.as_str().trim_end_matches('/').to_string();
    c.goto(&format!("{root}/ingredients/new"))
        .await
        .expect("new ingredient");
    fill(c, "#name", "Potatoes").await;
    fill(c, "#unit_cost", "1.20").await;
    fill(c, "#waste", "25%").await;
    fill(c, "#pack_size", "10 kg").await;
    shot(c, "17-ingredient-form.png").await;
    click(c, "form.card button[type=submit]").await;
    wait_for(c, "form.price-form").await;
    shot(c, "18-ingredient.png").await;

    c.goto(&format!("{root}/recipes")).await.expect("recipes");
    wait_for(c, "table.pending").await;
    shot(c, "19-recipes-to-confirm.png").await;
    let rows = c
        .find_all(Locator::Css("table.pending tbody tr"))
        .await
        .expect("pending rows");
    let mut write_own = None;
    for row in rows {
        if row
            .text()
            .await
            .unwrap_or_default()
            .contains("Patatas Bravas")
        {
            write_own = Some(
                row.find(Locator::Css("a.btn"))
                    .await
                    .expect("write-my-own link"),
            );
        }
    }
    write_own
        .expect("Patatas Bravas waits for a recipe")
        .click()
        .await
        .expect("open the editor");
    wait_for(c, "form.recipe-form").await;
    c.find(Locator::Css("#line0_component"))
        .await
        .expect("first line")
        .select_by_label("Potatoes (kg)")
        .await
        .expect("choose potatoes");
    fill(c, "#line0_quantity", "250").await;
    // The cost panel follows the typing without a page load:
    // 0.25 kg × 1.20 × 1.25 waste = 0.375 per portion.
    let live = wait_for(c, "#cogs .portion-cost").await;
    let live = live.text().await.expect("cost text");
    assert!(
        live.contains("0.38") || live.contains("0,38"),
        "live COGS: {live}"
    );
    show(c, "#cogs").await;
    shot(c, "20-recipe-editor-live-cogs.png").await;
    click(c, "button[value=save]").await;
    wait_for(c, ".notice").await;
    wait_for(c, "#cogs .portion-cost").await;
    let saved = c.current_url().await.expect("url");
    assert!(
        saved.query().unwrap_or_default().contains("done=saved"),
        "{saved}"
    );
    shot(c, "21-recipe.png").await;

    c.goto(&format!("{root}/recipes")).await.expect("recipes");
    click(c, "form.accept button[type=submit]").await;
    wait_for(c, "#cogs .portion-cost").await;
    c.goto(&format!("{root}/recipes")).await.expect("recipes");
    wait_for(c, "table.recipes").await;
    let confirmed = c
        .find(Locator::Css("table.recipes"))
        .await
        .expect("recipes")
        .text()
        .await
        .expect("text");
    assert!(
        confirmed.contains("Patatas Bravas") && confirmed.contains("Caesar Salad"),
        "{confirmed}"
    );

    c.goto(&format!("{root}/profitability"))
        .await
        .expect("profitability");
    wait_for(c, "svg.chart-matrix").await;
    let dots = c
        .find_all(Locator::Css("svg.chart-matrix circle.dot"))
        .await
        .expect("dots");
    assert_eq!(dots.len(), 2, "one dot per costed dish");
    let table = c
        .find(Locator::Css("table.profit"))
        .await
        .expect("profit table")
        .text()
        .await
        .expect("text");
    assert!(table.contains("Patatas Bravas"), "{table}");
    shot(c, "22-profitability.png").await;
    let profit_url = format!("{root}/profitability");
    let recipe_url = saved.as_str().to_string();

    // Purchasing: a supplier with an offer, a stock count, the
    // recommendation turned into an order that is sent, and the prep list.
    c.goto(&format!("{root}/purchasing/suppliers"))
        .await
        .expect("suppliers");
    fill(c, "#name", "Huerta Hermanos").await;
    fill(c, "#min_order_value", "0").await;
    click(c, "form.supplier-form button[type=submit]").await;
    wait_for(c, "form.offer-form").await;
    c.find(Locator::Css("#ingredient_id"))
        .await
        .expect("ingredient select")
        .select_by_label("Potatoes (kg)")
        .await
        .expect("choose potatoes");
    fill(c, "#pack_size", "10 kg").await;
    fill(c, "#pack_price", "9.50").await;
    click(c, "form.offer-form button[type=submit]").await;
    wait_for(c, "table.offers").await;
    shot(c, "25-supplier.png").await;

    c.goto(&format!("{root}/purchasing/stock"))
        .await
        .expect("stock");
    wait_for(c, "table.stock").await;
    let mut potatoes = None;
    for row in c
        .find_all(Locator::Css("table.stock tbody tr"))
        .await
        .expect("stock rows")
    {
        if row.text().await.unwrap_or_default().contains("Potatoes") {
            potatoes = row.find(Locator::Css("input")).await.ok();
        }
    }
    potatoes
        .expect("a count field for potatoes")
        .send_keys("1")
        .await
        .expect("type a count");
    click(c, "form.count-form button[type=submit]").await;
    wait_for(c, "p.notice").await;
    let stock = c
        .find(Locator::Css("table.stock"))
        .await
        .expect("stock")
        .text()
        .await
        .expect("text");
    assert!(
        stock.contains("Potatoes") && !stock.contains("Potatoes\nnot counted"),
        "{stock}"
    );
    shot(c, "26-stock.png").await;

    c.goto(&format!("{root}/purchasing"))
        .await
        .expect("purchasing");
    let rec = wait_for(c, "table.recommend")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        rec.contains("Potatoes") && rec.contains("on hand"),
        "every line explains itself: {rec}"
    );
    shot(c, "27-purchasing.png").await;
    click(c, "form.accept-orders button[type=submit]").await;
    wait_for(c, "table.orders").await;
    click(c, "table.orders a").await;
    wait_for(c, "table.order-lines").await;
    click(c, ".actions form[action$='/send'] button").await;
    // The page reloads with the new status (waiting for the old badge would
    // race the navigation).
    let status = wait_for(c, ".page-head .badge.status-sent")
        .await
        .text()
        .await
        .expect("status");
    assert_eq!(status, "sent");
    shot(c, "28-order.png").await;
    let order_url = c.current_url().await.expect("url").as_str().to_string();

    c.goto(&format!("{root}/purchasing/prep"))
        .await
        .expect("prep");
    wait_for(c, "table.prep-dishes").await;
    shot(c, "29-prep-list.png").await;
    let purchasing_url = format!("{root}/purchasing");

    let menu_url = format!("{}/menu", overview.as_str().trim_end_matches('/'));
    c.goto(&menu_url).await.expect("menu");
    wait_for(c, "table.stack").await;
    shot(c, "07-menu.png").await;
    let health_url = format!("{}/health", overview.as_str().trim_end_matches('/'));
    c.goto(&health_url).await.expect("health");
    wait_for(c, ".kpis").await;
    shot(c, "08-health.png").await;
    let settings_url = format!("{}/settings", overview.as_str().trim_end_matches('/'));
    c.goto(&settings_url).await.expect("settings");
    wait_for(c, "fieldset.hours").await;
    shot(c, "09-settings.png").await;

    let account_url = format!("{base}/app/account");
    click(c, "a.account-link").await;
    wait_for(c, "#email-form").await;
    shot(c, "31b-account.png").await;

    // The same pages on a phone.
    c.set_window_size(375, 812).await.expect("resize");
    for (url, name) in [
        (overview.as_str().to_string(), "10-mobile-sales.png"),
        (menu_url.clone(), "11-mobile-menu.png"),
        (settings_url.clone(), "12-mobile-settings.png"),
    ] {
        c.goto(&url).await.expect("open page");
        wait_for(c, "main").await;
        assert!(
            fits_width(c).await,
            "{name}: the page scrolls horizontally at 375 px"
        );
        shot(c, name).await;
    }
    c.goto(overview.as_str()).await.expect("sales");
    wait_for(c, "svg.chart-line").await;
    let uploads_url = format!("{}/uploads", overview.as_str().trim_end_matches('/'));
    c.goto(&uploads_url).await.expect("uploads");
    let first = wait_for(c, "table.stack a").await;
    first.click().await.expect("open the upload");
    wait_for(c, "table.errors").await;
    assert!(
        fits_width(c).await,
        "upload detail scrolls horizontally at 375 px"
    );
    show(c, "table.errors").await;
    shot(c, "13-mobile-upload-detail.png").await;

    c.goto(&forecast_url).await.expect("forecast");
    wait_for(c, "table.prep").await;
    assert!(
        fits_width(c).await,
        "forecast scrolls horizontally at 375 px"
    );
    c.goto(dish_url.as_str()).await.expect("dish");
    wait_for(c, "svg.chart-forecast path.band").await;
    assert!(
        fits_width(c).await,
        "dish forecast scrolls horizontally at 375 px"
    );
    c.goto(&forecast_url).await.expect("forecast");
    wait_for(c, "table.prep").await;
    show(c, "table.prep").await;
    shot(c, "16-mobile-forecast.png").await;

    for (url, ready, name) in [
        (
            &profit_url,
            "svg.chart-matrix",
            "23-mobile-profitability.png",
        ),
        (&recipe_url, "#cogs", "24-mobile-recipe.png"),
        (&purchasing_url, ".subnav", "30-mobile-purchasing.png"),
        (&order_url, "table.order-lines", "31-mobile-order.png"),
        (&account_url, "#erase-form", "32-mobile-account.png"),
    ] {
        c.goto(url).await.expect("open page");
        wait_for(c, ready).await;
        assert!(
            fits_width(c).await,
            "{name}: the page scrolls horizontally at 375 px"
        );
        shot(c, name).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_user_uploads_sales_and_sees_the_row_error_and_the_chart() {
    let base = spawn_app().await;
    let (browser, client) = start_browser().await;
    // Run the journey in a task so a failed assertion still lets us close
    // the session before the guard kills the processes.
    let c = client.clone();
    let outcome = tokio::spawn(async move { journey(&c, &base).await }).await;
    let _ = client.close().await;
    drop(browser);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// An owner reads a photographed menu: the photo beside the dishes, one
/// name corrected, all confirmed, the dishes on the menu.
async fn menu_photo_journey(c: &Client, base: &str) {
    c.goto(&format!("{base}/signup"))
        .await
        .expect("open sign-up");
    fill(c, "#email", "owner@example.com").await;
    fill(c, "#password", "correct horse battery").await;
    click(c, "form button[type=submit]").await;
    wait_for(c, "form[action='/app/restaurants']").await;
    fill(c, "#name", "Trattoria del Sol").await;
    click(c, "form[action='/app/restaurants'] button[type=submit]").await;
    wait_for(c, ".onboarding").await;
    let home = c.current_url().await.expect("url");
    let rid = home
        .path()
        .split('/')
        .skip_while(|s| *s != "r")
        .nth(1)
        .expect("a restaurant page")
        .to_string();
    let root = format!("{base}/app/r/{rid}");

    c.goto(&format!("{root}/menu")).await.expect("menu");
    click(c, "a[href$='/menu/photo']").await;
    wait_for(c, "#menu-photo").await;
    let fonts = flux_testkit::menu_images::fonts();
    let spec = &flux_menuscan::synthetic::standard_set(fonts.len())[3];
    let page = flux_menuscan::synthetic::render(spec, &fonts);
    let path = std::env::temp_dir().join(format!("flux-menu-{}.png", uuid::Uuid::new_v4()));
    std::fs::write(
        &path,
        flux_testkit::menu_images::encode(&page.image, image::ImageFormat::Png),
    )
    .expect("write photo");
    c.find(Locator::Css("#photo"))
        .await
        .expect("file input")
        .send_keys(&path.to_string_lossy())
        .await
        .expect("choose file");
    click(c, "#menu-photo button[type=submit]").await;

    wait_for(c, "#confirm-photo").await;
    let rows = c
        .find_all(Locator::Css("#confirm-photo tbody tr"))
        .await
        .expect("rows");
    assert_eq!(rows.len(), page.truth.len(), "one row per dish");
    let img = c
        .find(Locator::Css("img[alt='The uploaded menu']"))
        .await
        .expect("the photo");
    let loaded = c
        .execute(
            "return arguments[0].complete && arguments[0].naturalWidth > 0",
            vec![serde_json::to_value(&img).expect("element")],
        )
        .await
        .expect("script");
    assert_eq!(loaded, serde_json::json!(true), "the photo is shown");
    assert!(fits_width(c).await, "the review fits the window");
    shot(c, "20-menu-photo-review.png").await;
    fill(c, "input[name='name_0']", "House Special").await;
    click(c, "#confirm-photo button[type=submit]").await;
    wait_for(c, "main").await;
    let _ = std::fs::remove_file(&path);
    assert!(c
        .current_url()
        .await
        .expect("url")
        .path()
        .ends_with("/recipes"));

    c.goto(&format!("{root}/menu")).await.expect("menu");
    let menu = wait_for(c, "main").await.text().await.expect("text");
    assert!(menu.contains("House Special"), "{menu}");
    assert!(menu.contains(&page.truth[1].name), "{menu}");
    shot(c, "21-menu-after-photo.png").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_reads_a_menu_photo_and_confirms_it() {
    let tesseract = flux_app::menu_photos::Tesseract::detect()
        .await
        .expect("tesseract is installed");
    let base = spawn_app_reading(flux_app::menu_photos::Readers {
        tesseract: Some(tesseract),
        vision: None,
    })
    .await;
    let (browser, client) = start_browser().await;
    let c = client.clone();
    let outcome = tokio::spawn(async move { menu_photo_journey(&c, &base).await }).await;
    let _ = client.close().await;
    drop(browser);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Roles, hours and four people for the schedule journey, through the
/// application layer (the dashboard has no staff forms yet).
async fn staff_a_restaurant(
    pool: &flux_store::PgPool,
    owner: uuid::Uuid,
    rid: uuid::Uuid,
) -> Vec<uuid::Uuid> {
    use flux_app::labor::staff::{save, save_role, RoleInput, StaffInput, StaffRoleInput};
    let boss = flux_app::labor::Caller {
        user_id: owner,
        role: flux_domain::role::Role::Owner,
    };
    let mut tx = flux_store::tenant::begin(pool, owner, rid)
        .await
        .expect("tx");
    let days: Vec<flux_app::hours::DayInput> = (0..7)
        .map(|d| flux_app::hours::DayInput {
            day_of_week: d,
            closed: false,
            ranges: vec![("11:00".into(), "22:00".into())],
        })
        .collect();
    flux_app::hours::replace(&mut tx, rid, &days)
        .await
        .expect("hours");
    let mut people = Vec::new();
    for (role, names) in [
        ("Kitchen", ["Ana", "Ben", "Chloé"]),
        ("Floor", ["Dev", "Emma", "Femi"]),
    ] {
        let r = save_role(
            &mut tx,
            rid,
            boss,
            None,
            RoleInput {
                name: role.into(),
                hourly_wage: rust_decimal::Decimal::from(15),
                driver: flux_app::labor::LaborDriver::Items,
                per_labor_hour: rust_decimal::Decimal::ZERO,
                min_staff: 1,
                before_open_minutes: 30,
                after_close_minutes: 0,
            },
        )
        .await
        .expect("role");
        for name in names {
            let p = save(
                &mut tx,
                rid,
                boss,
                None,
                StaffInput {
                    name: name.into(),
                    email: None,
                    user_id: None,
                    contracted_hours: Some(30.0),
                    // Three per role are then needed to cover the week.
                    max_week_hours: Some(30.0),
                    active: true,
                    roles: vec![StaffRoleInput {
                        role_id: r.id,
                        hourly_wage: None,
                    }],
                    availability: vec![],
                },
            )
            .await
            .expect("person");
            people.push(p.id);
        }
    }
    tx.commit().await.expect("commit");
    people
}

/// Signs up as owner@example.com and creates `restaurant`; returns its id
/// and the owner's user id.
async fn owner_with_restaurant(
    c: &Client,
    base: &str,
    pool: &flux_store::PgPool,
    restaurant: &str,
) -> (uuid::Uuid, uuid::Uuid) {
    c.goto(&format!("{base}/signup"))
        .await
        .expect("open sign-up");
    fill(c, "#email", "owner@example.com").await;
    fill(c, "#password", "correct horse battery").await;
    click(c, "form button[type=submit]").await;
    wait_for(c, "form[action='/app/restaurants']").await;
    fill(c, "#name", restaurant).await;
    click(c, "form[action='/app/restaurants'] button[type=submit]").await;
    wait_for(c, ".onboarding").await;
    let home = c.current_url().await.expect("url");
    let rid: uuid::Uuid = home
        .path()
        .split('/')
        .skip_while(|s| *s != "r")
        .nth(1)
        .expect("a restaurant page")
        .parse()
        .expect("uuid");
    let owner = flux_app::accounts::user_id_by_email(pool, "owner@example.com")
        .await
        .expect("lookup")
        .expect("owner");
    (rid, owner)
}

async fn schedule_journey(c: &Client, base: &str, pool: &flux_store::PgPool) {
    let (rid, owner) = owner_with_restaurant(c, base, pool, "Bistro Rota").await;
    let people = staff_a_restaurant(pool, owner, rid).await;

    c.goto(&format!("{base}/app/r/{rid}")).await.expect("home");
    click(c, "a[href$='/labor']").await;
    wait_for(c, "#build").await;
    wait_for(c, "svg.chart-coverage").await;
    click(c, "#build").await;
    wait_for(c, "[data-shift]").await;
    let shifts = c
        .find_all(Locator::Css("[data-shift]"))
        .await
        .expect("shifts");
    // Three people of 30 hours per role cannot cover 11.5 hours a day:
    // every day has a shift per role, and the gaps are shown.
    assert!(
        shifts.len() >= 14,
        "a shift per role and day at least: {}",
        shifts.len()
    );
    let under = wait_for(c, "#under").await.text().await.expect("under");
    assert!(
        !under.starts_with('0'),
        "the uncovered hours are shown: {under}"
    );
    let staffed = c
        .find(Locator::Css("svg.chart-coverage path.staffed"))
        .await
        .expect("line");
    assert!(staffed
        .attr("d")
        .await
        .expect("d")
        .is_some_and(|d| d.len() > 20));
    shot(c, "40-schedule-built.png").await;
    click(c, "#publish").await;
    // The old page's status would go stale: wait for the new one.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !c
        .current_url()
        .await
        .expect("url")
        .as_str()
        .contains("done=published")
    {
        assert!(
            Instant::now() < deadline,
            "publishing did not return to the week"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let status = wait_for(c, "#status").await.text().await.expect("status");
    assert_eq!(status, "Published");
    let url = c.current_url().await.expect("url").to_string();

    // Ben signs up; the owner makes him a chef linked to his staff record.
    c.delete_all_cookies().await.expect("sign out");
    c.goto(&format!("{base}/signup"))
        .await
        .expect("open sign-up");
    fill(c, "#email", "ben@example.com").await;
    fill(c, "#password", "correct horse battery").await;
    click(c, "form button[type=submit]").await;
    wait_for(c, "form[action='/app/restaurants']").await;
    let ben = flux_app::accounts::user_id_by_email(pool, "ben@example.com")
        .await
        .expect("lookup")
        .expect("ben");
    let mut tx = flux_store::tenant::begin(pool, owner, rid)
        .await
        .expect("tx");
    let issued = flux_app::invitations::invite(
        &mut tx,
        rid,
        (owner, flux_domain::role::Role::Owner),
        &flux_app::invitations::NewInvitation {
            email: "ben@example.com".into(),
            role: "chef".into(),
        },
        flux_app::invitations::Delivery {
            mailer: None,
            public_url: None,
        },
    )
    .await
    .expect("invite");
    let boss = flux_app::labor::Caller {
        user_id: owner,
        role: flux_domain::role::Role::Owner,
    };
    let record = flux_app::labor::staff::get(&mut tx, rid, boss, people[1])
        .await
        .expect("ben's record");
    tx.commit().await.expect("commit");
    flux_app::invitations::accept(pool, ben, &issued.token)
        .await
        .expect("accept");
    let mut tx = flux_store::tenant::begin(pool, owner, rid)
        .await
        .expect("tx");
    flux_app::labor::staff::save(
        &mut tx,
        rid,
        boss,
        Some(people[1]),
        flux_app::labor::staff::StaffInput {
            name: record.name,
            email: None,
            user_id: Some(ben),
            contracted_hours: record.contracted_hours,
            max_week_hours: None,
            active: true,
            roles: record.roles,
            availability: vec![],
        },
    )
    .await
    .expect("link");
    tx.commit().await.expect("commit");

    // On a phone, Ben sees his own shifts in one column.
    c.set_window_size(375, 812).await.expect("resize");
    c.goto(&url).await.expect("schedule");
    let mine = wait_for(c, ".my-shifts").await.text().await.expect("text");
    assert!(mine.contains("Kitchen"), "{mine}");
    let body = wait_for(c, "main").await.text().await.expect("text");
    assert!(
        !body.contains("Ana") && !body.contains("Build from forecast"),
        "{body}"
    );
    assert!(fits_width(c).await, "my shifts fit a phone");
    shot(c, "41-my-shifts-mobile.png").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_builds_and_publishes_the_week_and_a_cook_reads_it_on_a_phone() {
    let (base, pool) = spawn_app_with_pool(flux_app::menu_photos::Readers::default()).await;
    let (browser, client) = start_browser().await;
    let c = client.clone();
    let outcome = tokio::spawn(async move { schedule_journey(&c, &base, &pool).await }).await;
    let _ = client.close().await;
    drop(browser);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Cheese and flour, and a cheese toast made of them, for the inventory
/// journey.
async fn stock_a_kitchen(
    pool: &flux_store::PgPool,
    owner: uuid::Uuid,
    rid: uuid::Uuid,
) -> uuid::Uuid {
    use rust_decimal::Decimal;
    let mut tx = flux_store::tenant::begin(pool, owner, rid)
        .await
        .expect("tx");
    let kitchen = flux_app::costing::Kitchen::load(&mut tx, rid)
        .await
        .expect("kitchen");
    let mut ids = Vec::new();
    for (name, cost) in [("Cheese", 10), ("Flour", 1)] {
        let input = flux_app::costing::ingredients::IngredientInput {
            name: name.into(),
            base_unit: "kg".into(),
            unit_cost: Decimal::from(cost),
            ..Default::default()
        };
        ids.push(
            flux_app::costing::ingredients::create(&mut tx, rid, &kitchen, &input)
                .await
                .expect("ingredient")
                .ingredient_id,
        );
    }
    let item = flux_app::menu::create(
        &mut tx,
        rid,
        &flux_app::menu::MenuItemInput {
            name: "Cheese toast".into(),
            price: Some(Decimal::from(6)),
            ..Default::default()
        },
    )
    .await
    .expect("item");
    let kitchen = flux_app::costing::Kitchen::load(&mut tx, rid)
        .await
        .expect("kitchen");
    let lines = ids
        .iter()
        .zip([50, 100])
        .map(|(id, g)| flux_app::costing::recipes::LineInput {
            ingredient_id: Some(*id),
            recipe_id: None,
            quantity: Decimal::from(g),
            unit: "g".into(),
            prep: None,
        })
        .collect();
    flux_app::costing::recipes::create(
        &mut tx,
        rid,
        &kitchen,
        &flux_app::costing::recipes::RecipeInput {
            menu_item_id: Some(item.menu_item_id),
            name: None,
            portions: None,
            yields: None,
            lines,
            acknowledge_allergen_change: false,
        },
    )
    .await
    .expect("recipe");
    tx.commit().await.expect("commit");
    ids[0]
}

async fn inventory_journey(c: &Client, base: &str, pool: &flux_store::PgPool) {
    let (rid, owner) = owner_with_restaurant(c, base, pool, "Bistro Stock").await;
    let cheese = stock_a_kitchen(pool, owner, rid).await;

    // At the pass, on a phone: two dropped toasts.
    c.set_window_size(375, 812).await.expect("resize");
    c.goto(&format!("{base}/app/r/{rid}/inventory/waste"))
        .await
        .expect("waste page");
    wait_for(c, "#log-waste").await;
    c.find(Locator::Css("#log-waste select[name=item]"))
        .await
        .expect("item select")
        .select_by_label("Cheese toast")
        .await
        .expect("choose the toast");
    fill(c, "#log-waste input[name=quantity]", "2").await;
    c.find(Locator::Css("#log-waste select[name=reason]"))
        .await
        .expect("reason select")
        .select_by_value("dropped")
        .await
        .expect("choose dropped");
    assert!(fits_width(c).await, "the waste form fits a phone");
    shot(c, "50-waste-mobile.png").await;
    click(c, "#log-waste button[type=submit]").await;
    let table = wait_for(c, "#waste-entries")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        table.contains("Cheese toast") && table.contains("Dropped"),
        "{table}"
    );
    assert!(fits_width(c).await, "the waste log fits a phone");
    shot(c, "51-waste-logged-mobile.png").await;

    // At the desk: the cheese declares milk, and the matrix shows it.
    c.set_window_size(1280, 900).await.expect("resize");
    c.goto(&format!(
        "{base}/app/r/{rid}/inventory/allergens/ingredients/{cheese}"
    ))
    .await
    .expect("review");
    click(c, "#declare input[name=milk]").await;
    click(c, "#declare button[type=submit]").await;
    wait_for(c, "#allergen-matrix").await;
    let mark = wait_for(c, "tr[data-dish='Cheese toast'] td[data-allergen='milk']")
        .await
        .text()
        .await
        .expect("text");
    assert!(mark.contains('●'), "{mark}");
    show(c, "#allergen-matrix").await;
    shot(c, "52-allergen-matrix.png").await;
    c.goto(&format!("{base}/app/r/{rid}/inventory"))
        .await
        .expect("variance");
    wait_for(c, "#variance-kpis").await;
    shot(c, "53-variance.png").await;

    // The supplier's invoice arrives as a CSV: the cheese went up 20 % and
    // a deposit line matches nothing.
    supply_cheese(pool, owner, rid, cheese).await;
    c.goto(&format!("{base}/app/r/{rid}/inventory/invoices"))
        .await
        .expect("invoices");
    wait_for(c, "#import-invoice").await;
    fill(c, "#import-invoice input[name=number]", "F-2001").await;
    let path = std::env::temp_dir().join(format!("flux-invoice-{}.csv", uuid::Uuid::new_v4()));
    std::fs::write(
        &path,
        "Description,Qty,Unit price,Amount\nCheese mature 1kg,3,12.00,36.00\nCrate deposit,1,4.00,4.00\n",
    )
    .expect("write invoice");
    c.find(Locator::Css("#import-invoice input[name=file]"))
        .await
        .expect("file input")
        .send_keys(&path.to_string_lossy())
        .await
        .expect("choose file");
    click(c, "#import-invoice button[type=submit]").await;
    let lines = wait_for(c, "#match-lines")
        .await
        .text()
        .await
        .expect("text");
    assert!(lines.contains("Unknown line"), "{lines}");
    let alerts = wait_for(c, "#price-alerts")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        alerts.contains("Cheese") && alerts.contains("+20"),
        "{alerts}"
    );
    shot(c, "54-invoice-match.png").await;

    // From a phone: two kilos of cheese go to the second restaurant.
    let second = second_site(pool, owner).await;
    c.set_window_size(375, 812).await.expect("resize");
    c.goto(&format!("{base}/app/r/{rid}/inventory/transfers"))
        .await
        .expect("transfers");
    wait_for(c, "#send-transfer").await;
    c.find(Locator::Css("#send-transfer select[name=item]"))
        .await
        .expect("item select")
        .select_by_label("Cheese (kg)")
        .await
        .expect("choose cheese");
    fill(c, "#send-transfer input[name=quantity]", "2").await;
    assert!(fits_width(c).await, "the transfer form fits a phone");
    click(c, "#send-transfer button[type=submit]").await;
    let table = wait_for(c, "#transfers").await.text().await.expect("text");
    assert!(
        table.contains("To Bistro Annex") && table.contains("sent"),
        "{table}"
    );
    assert!(fits_width(c).await, "the transfer list fits a phone");
    shot(c, "55-transfer-mobile.png").await;
    c.goto(&format!("{base}/app/r/{second}/inventory/transfers"))
        .await
        .expect("their transfers");
    let theirs = wait_for(c, "#transfers").await.text().await.expect("text");
    assert!(theirs.contains("From Bistro Stock"), "{theirs}");
}

/// A supplier offering the cheese in 1 kg packs at 10.00.
async fn supply_cheese(
    pool: &flux_store::PgPool,
    owner: uuid::Uuid,
    rid: uuid::Uuid,
    cheese: uuid::Uuid,
) {
    use flux_app::purchasing::suppliers::{self, OfferInput, SupplierInput};
    let mut tx = flux_store::tenant::begin(pool, owner, rid)
        .await
        .expect("tx");
    let kitchen = flux_app::costing::Kitchen::load(&mut tx, rid)
        .await
        .expect("kitchen");
    let s = suppliers::create(
        &mut tx,
        rid,
        &SupplierInput {
            name: "Queseria Norte".into(),
            ..Default::default()
        },
    )
    .await
    .expect("supplier");
    suppliers::set_offer(
        &mut tx,
        rid,
        &kitchen,
        s.supplier_id,
        cheese,
        &OfferInput {
            pack_size: "1 kg".into(),
            pack_price: rust_decimal::Decimal::from(10),
            preferred: true,
        },
    )
    .await
    .expect("offer");
    tx.commit().await.expect("commit");
}

/// The owner's second restaurant, which stocks cheese too.
async fn second_site(pool: &flux_store::PgPool, owner: uuid::Uuid) -> uuid::Uuid {
    let profile = flux_domain::restaurant::Profile::parse(
        "Bistro Annex",
        Some("Europe/Madrid"),
        Some("EUR"),
        Some("es-ES"),
    )
    .expect("profile");
    let r = flux_app::restaurants::create(pool, owner, &profile)
        .await
        .expect("restaurant");
    let rid = r.restaurant_id;
    let mut tx = flux_store::tenant::begin(pool, owner, rid)
        .await
        .expect("tx");
    let kitchen = flux_app::costing::Kitchen::load(&mut tx, rid)
        .await
        .expect("kitchen");
    flux_app::costing::ingredients::create(
        &mut tx,
        rid,
        &kitchen,
        &flux_app::costing::ingredients::IngredientInput {
            name: "Cheese".into(),
            base_unit: "kg".into(),
            unit_cost: rust_decimal::Decimal::from(11),
            ..Default::default()
        },
    )
    .await
    .expect("cheese there");
    tx.commit().await.expect("commit");
    rid
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cook_logs_waste_on_a_phone_and_the_owner_reviews_allergens() {
    let (base, pool) = spawn_app_with_pool(flux_app::menu_photos::Readers::default()).await;
    let (browser, client) = start_browser().await;
    let c = client.clone();
    let outcome = tokio::spawn(async move { inventory_journey(&c, &base, &pool).await }).await;
    let _ = client.close().await;
    drop(browser);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
