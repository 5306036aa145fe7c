//! `spawn_app()` and typed helpers, so tests read as sentences.

use std::time::Duration;

use flux_api::{Application, ServerConfig};
use flux_store::pool::AppRole;

use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};

pub const SECRET: &[u8] = b"integration-test-secret-0123456789abcdef";
pub const PASSWORD: &str = "correct horse battery";
/// Small enough that tests can exceed it cheaply.
pub const MAX_UPLOAD: usize = 4 * 1024 * 1024;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,

    pub pool: flux_store::PgPool,
    /// The database's owner, for tests that change the schema itself.
    pub owner_db: sqlx::postgres::PgConnectOptions,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A server whose configuration `configure` adjusts (e.g. an SMTP mailer).
pub async fn spawn_app_with(configure: impl FnOnce(&mut ServerConfig)) -> TestApp {
    let db = flux_testkit::fresh_db().await;
    spawn_app_on(db.app.clone(), db.owner.clone(), configure).await
}

/// A server over a database of the caller's (already migrated).
pub async fn spawn_app_on(
    app_db: sqlx::postgres::PgConnectOptions,
    owner_db: sqlx::postgres::PgConnectOptions,
    configure: impl FnOnce(&mut ServerConfig),
) -> TestApp {
    let pool = flux_store::connect_app(app_db, AppRole::Direct, 5)
        .await
        .expect("connect as flux_app");
    let mut config = ServerConfig::new("127.0.0.1:0".parse().expect("addr"), SECRET.to_vec());
    config.max_upload_bytes = MAX_UPLOAD;
    configure(&mut config);
    let app = Application::build(&config, pool.clone())
        .await
        .expect("bind");
    let addr = app.local_addr().expect("addr");
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        base: format!("http://{addr}"),
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client"),

        pool,
        owner_db,
    }
}

/// A logged-in user.
#[derive(Clone, Debug)]
pub struct User {
    pub email: String,
    pub access: String,
    pub refresh: String,
}

impl TestApp {
    pub fn req(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let rb = self.client.request(method, format!("{}{path}", self.base));
        match token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut rb = self.req(method, path, token);
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        json_of(rb.send().await.expect("request")).await
    }

    pub async fn get(&self, path: &str, user: &User) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(&user.access), None).await
    }
    pub async fn post(&self, path: &str, user: &User, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(&user.access), Some(body))
            .await
    }

    /// The account id of `email`.
    pub async fn user_id(&self, email: &str) -> uuid::Uuid {
        flux_app::accounts::user_id_by_email(&self.pool, email)
            .await
            .expect("lookup")
            .expect("user")
    }

    pub async fn register(&self, email: &str) -> User {
        let (status, body) = self
            .call(
                Method::POST,
                "/api/v1/auth/register",
                None,
                Some(json!({"email": email, "password": PASSWORD})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "register {email}: {body}");
        User {
            email: email.to_lowercase(),
            access: body["access_token"].as_str().expect("access").to_string(),
            refresh: body["refresh_token"].as_str().expect("refresh").to_string(),
        }
    }

    pub async fn create_restaurant(&self, user: &User, name: &str) -> String {
        let (status, body) = self
            .post("/api/v1/restaurants", user, json!({"name": name}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "create restaurant: {body}");
        body["id"].as_str().expect("id").to_string()
    }

    /// Makes `member` a member the only way there is: `owner` invites
    /// their e-mail and they accept the invitation.
    pub async fn add_member(&self, owner: &User, restaurant: &str, member: &User, role: &str) {
        let (status, body) = self
            .post(
                &format!("/api/v1/restaurants/{restaurant}/invitations"),
                owner,
                json!({"email": member.email, "role": role}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "invite member: {body}");
        let token = body["token"].as_str().expect("token when not e-mailed");
        let (status, body) = self
            .post(
                "/api/v1/invitations/accept",
                member,
                json!({"token": token}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "accept invitation: {body}");
    }

    pub async fn create_item(
        &self,
        user: &User,
        restaurant: &str,
        name: &str,
        category: &str,
        price: f64,
    ) -> String {
        let (status, body) = self
            .post(
                &format!("/api/v1/restaurants/{restaurant}/menu/items"),
                user,
                json!({"name": name, "category": category, "price": price}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "create item: {body}");
        body["id"].as_str().expect("id").to_string()
    }
}

impl TestApp {
    /// Uploads `bytes` as a sales file with extra form fields.
    pub async fn upload(
        &self,
        user: &User,
        restaurant: &str,
        name: &str,
        bytes: Vec<u8>,
        fields: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        self.upload_to(user, restaurant, "", name, bytes, fields)
            .await
    }

    /// Posts a file to `data/uploads/{action}` (`""` imports, `"preview"`
    /// previews).
    pub async fn upload_to(
        &self,
        user: &User,
        restaurant: &str,
        action: &str,
        name: &str,
        bytes: Vec<u8>,
        fields: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        let resp = self
            .req(
                Method::POST,
                format!("/api/v1/restaurants/{restaurant}/data/uploads/{action}")
                    .trim_end_matches('/'),
                Some(&user.access),
            )
            .multipart(form)
            .send()
            .await
            .expect("upload");
        json_of(resp).await
    }
}

pub async fn json_of(resp: Response) -> (StatusCode, Value) {
    let status = resp.status();
    let bytes = resp.bytes().await.expect("body");
    let value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
    };
    (status, value)
}

/// Asserts a problem+json error with the given status and code.
pub fn assert_problem(status: StatusCode, body: &Value, want_status: u16, want_code: &str) {
    assert_eq!(
        status.as_u16(),
        want_status,
        "unexpected status; body: {body}"
    );
    assert_eq!(body["code"], want_code, "unexpected code; body: {body}");
    assert_eq!(
        body["status"], want_status,
        "problem status field; body: {body}"
    );
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.ends_with(want_code)),
        "problem type; body: {body}"
    );
}

/// A minimal SMTP server that accepts one message and hands back what it
/// received (envelope recipients and the raw message).
pub async fn smtp_sink() -> (String, tokio::task::JoinHandle<(Vec<String>, String)>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind sink");
    let url = format!("smtp://{}", listener.local_addr().expect("addr"));
    let handle = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.expect("a client");
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        let mut rcpt = Vec::new();
        let mut data = String::new();
        write.write_all(b"220 sink ESMTP\r\n").await.expect("greet");
        while let Ok(Some(line)) = lines.next_line().await {
            let upper = line.to_ascii_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                b"250-sink\r\n250 OK\r\n"
            } else if upper.starts_with("RCPT TO") {
                rcpt.push(line.clone());
                b"250 OK\r\n"
            } else if upper == "DATA" {
                write.write_all(b"354 go ahead\r\n").await.expect("354");
                while let Ok(Some(l)) = lines.next_line().await {
                    if l == "." {
                        break;
                    }
                    data.push_str(&l);
                    data.push('\n');
                }
                b"250 queued\r\n"
            } else if upper == "QUIT" {
                let _ = write.write_all(b"221 bye\r\n").await;
                break;
            } else {
                b"250 OK\r\n"
            };
            write.write_all(reply).await.expect("reply");
        }
        (rcpt, data)
    });
    (url, handle)
}

/// A JSON money or quantity (an exact decimal string, or a number) as a
/// `Decimal`.
pub fn dec(v: &Value) -> rust_decimal::Decimal {
    use std::str::FromStr;
    match v {
        Value::String(s) => {
            rust_decimal::Decimal::from_str(s).unwrap_or_else(|_| panic!("not a decimal: {v}"))
        }
        Value::Number(n) => rust_decimal::Decimal::from_str(&n.to_string()).expect("number"),
        other => panic!("not a decimal: {other}"),
    }
}
