//! `spawn_app()` and a `Browser`-like client with typed helpers, so tests
//! read as sentences.

use std::time::Duration;

use flux_store::pool::AppRole;
use reqwest::{header, StatusCode};

pub const SECRET: &[u8] = b"web-test-secret-0123456789abcdefghijkl";
pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub base: String,
    /// For tests that set up state the pages cannot (e.g. a past run).
    pub pool: flux_store::PgPool,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|s| s).await
}

/// [`spawn_app`] with the dashboard's state adjusted (menu photo readers).
pub async fn spawn_app_with(
    configure: impl FnOnce(flux_web::WebState) -> flux_web::WebState,
) -> TestApp {
    let db = flux_testkit::fresh_db().await;
    let pool = flux_store::connect_app(db.app.clone(), AppRole::Direct, 5)
        .await
        .expect("connect as flux_app");
    // The dashboard alone: it is a sibling of the API over the application
    // layer and needs nothing from it.
    let pages = flux_web::router(configure(flux_web::WebState::new(
        pool.clone(),
        SECRET,
        4 * 1024 * 1024,
    )));
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
    TestApp {
        base: format!("http://{addr}"),
        pool,
    }
}

/// One visitor: a cookie jar and no automatic redirects, so tests see
/// every status and `Location`.
pub struct Visitor {
    pub base: String,
    pub http: reqwest::Client,
}

/// A response's status, `Location` and body.
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub set_cookie: Vec<String>,
    pub body: String,
}

impl TestApp {
    pub fn visitor(&self) -> Visitor {
        Visitor {
            base: self.base.clone(),
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
        }
    }
}

pub async fn page_of(resp: reqwest::Response) -> Page {
    let status = resp.status();
    let location = resp
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let set_cookie = resp
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect();
    let body = resp.text().await.expect("body");
    Page {
        status,
        location,
        set_cookie,
        body,
    }
}

/// The CSRF token of the first form on a page.
pub fn csrf_of(html: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    let end = html[start..].find('"').expect("closing quote") + start;
    html[start..end].to_string()
}

impl Visitor {
    pub async fn get(&self, path: &str) -> Page {
        page_of(
            self.http
                .get(format!("{}{path}", self.base))
                .send()
                .await
                .expect("GET"),
        )
        .await
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        page_of(
            self.http
                .post(format!("{}{path}", self.base))
                .form(fields)
                .send()
                .await
                .expect("POST"),
        )
        .await
    }

    /// Posts a form rendered at `form_page`, with its CSRF token.
    pub async fn submit(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let token = csrf_of(&self.get(form_page).await.body);
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }

    pub async fn sign_up(&self, email: &str) -> Page {
        let page = self
            .submit(
                "/signup",
                "/signup",
                &[("email", email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "sign-up failed: {}",
            page.body
        );
        page
    }

    /// Creates a restaurant and returns its id.
    pub async fn create_restaurant(&self, name: &str) -> String {
        let page = self
            .submit(
                "/app",
                "/app/restaurants",
                &[
                    ("name", name),
                    ("timezone", "Europe/Madrid"),
                    ("currency", "EUR"),
                    ("locale", "es-ES"),
                ],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "create restaurant: {}",
            page.body
        );
        let location = page.location.expect("redirect");
        location
            .trim_start_matches("/app/r/")
            .split('?')
            .next()
            .expect("id")
            .to_string()
    }

    /// Uploads a sales file through the multipart form.
    pub async fn upload(&self, rid: &str, csrf: Option<&str>, name: &str, bytes: &[u8]) -> Page {
        let mut form = reqwest::multipart::Form::new();
        if let Some(t) = csrf {
            form = form.text("csrf", t.to_string());
        }
        form = form
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()),
            )
            .text("policy", "skip_invalid");
        page_of(
            self.http
                .post(format!("{}/app/r/{rid}/uploads", self.base))
                .multipart(form)
                .send()
                .await
                .expect("upload"),
        )
        .await
    }
}

/// Nine weeks of daily sales of two dishes up to yesterday (dates relative
/// to today, so the history is always recent enough to forecast from).
pub fn recent_sales_csv() -> String {
    let mut csv = String::from("date,item,quantity,price\n");
    let today = chrono::Utc::now().date_naive();
    for back in (1..=63).rev() {
        let d = today - chrono::Duration::days(back);
        let busy = back % 7 < 2;
        csv.push_str(&format!(
            "{d},Caesar Salad,{},12.50\n",
            if busy { 14 } else { 8 } + back % 3
        ));
        csv.push_str(&format!("{d},Tiramisu,{},6.00\n", 3 + back % 4));
    }
    csv
}

impl TestApp {
    /// Invites `email` into `rid` as `role` on behalf of `owner`, through
    /// the use case the API calls, and returns the link's token.
    pub async fn invite(&self, owner: &str, rid: &str, email: &str, role: &str) -> String {
        let rid: uuid::Uuid = rid.parse().expect("restaurant id");
        let owner_id = self.user_id(owner).await;
        let mut tx = flux_store::tenant::begin(&self.pool, owner_id, rid)
            .await
            .expect("tenant");
        let input = flux_app::invitations::NewInvitation {
            email: email.to_string(),
            role: role.to_string(),
        };
        let delivery = flux_app::invitations::Delivery {
            mailer: None,
            public_url: None,
        };
        let issued = flux_app::invitations::invite(
            &mut tx,
            rid,
            (owner_id, flux_domain::role::Role::Owner),
            &input,
            delivery,
        )
        .await
        .expect("invite");
        tx.commit().await.expect("commit");
        issued.token
    }

    pub async fn user_id(&self, email: &str) -> uuid::Uuid {
        flux_app::accounts::user_id_by_email(&self.pool, email)
            .await
            .expect("look up user")
            .expect("account")
    }

    /// Makes `member` (who must have an account) a member of `rid` with
    /// `role` the only way there is: an invitation from `owner`, accepted
    /// by `member`.
    pub async fn add_member(&self, owner: &str, rid: &str, member: &str, role: &str) {
        let token = self.invite(owner, rid, member, role).await;
        flux_app::invitations::accept(&self.pool, self.user_id(member).await, &token)
            .await
            .expect("accept");
    }
}
