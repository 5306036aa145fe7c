//! Flux's HTTP API.
//!
//! [`Application::build`] binds a listener (port 0 in tests), assembles the
//! router and returns a handle that runs until a shutdown future resolves.
//! `main` stays thin: the CLI crate builds the configuration and the
//! database pool and hands them here.

pub mod error;
pub mod extract;
pub mod idempotency;
pub mod middleware;
pub mod openapi;
pub mod pagination;
pub mod routes;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::Router;
use flux_store::PgPool;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa_swagger_ui::SwaggerUi;

pub use flux_app::accounts::tokens::TokenKeys;

/// Settings the HTTP layer needs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub addr: SocketAddr,
    /// HS256 secret for access tokens (≥ 32 bytes).
    pub jwt_secret: Vec<u8>,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// Use the left-most `X-Forwarded-For` address as the client address
    /// and believe `X-Forwarded-Proto` (only behind a proxy that sets
    /// them). Requests such a proxy reports as `https` get an HSTS header.
    pub trust_forwarded_for: bool,
    /// Largest JSON body accepted.
    pub max_body_bytes: usize,
    /// Largest sales file accepted by the upload endpoints.
    pub max_upload_bytes: usize,
    /// E-mails purchase orders to suppliers when they are sent; `None`
    /// leaves sending to the operator (CSV, printed page).
    pub mailer: Option<flux_app::purchasing::mail::Mailer>,
    /// Browser origins (`https://app.example`) allowed to call the API from
    /// their pages. Empty, the default: no CORS headers at all, so only
    /// same-origin pages (the dashboard) and non-browser clients can.
    pub cors_allowed_origins: Vec<HeaderValue>,
    /// The address people reach the server at (`https://flux.example`),
    /// for links in e-mails (invitations). Unset, e-mails give the path.
    pub public_url: Option<String>,
    /// Where restaurants' weather is fetched from; `None`: imports only.
    pub weather: Option<flux_app::weather::Provider>,
    /// What reads menu photos (local OCR, a vision model); none: photo
    /// uploads answer 503.
    pub menu_readers: flux_app::menu_photos::Readers,
}

impl ServerConfig {
    /// Sets the CORS allow-list from origins as written in configuration
    /// (`https://app.example`); an origin that is not a valid header value
    /// is an error naming it.
    pub fn allow_cors_origins(&mut self, origins: &[String]) -> Result<(), String> {
        self.cors_allowed_origins = origins
            .iter()
            .map(|o| {
                HeaderValue::from_str(o.trim()).map_err(|_| format!("invalid CORS origin {o:?}"))
            })
            .collect::<Result<_, _>>()?;
        Ok(())
    }

    pub fn new(addr: SocketAddr, jwt_secret: Vec<u8>) -> Self {
        Self {
            addr,
            jwt_secret,
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            trust_forwarded_for: false,
            max_body_bytes: 1024 * 1024,
            max_upload_bytes: 256 * 1024 * 1024,
            cors_allowed_origins: Vec::new(),
            mailer: None,
            public_url: None,
            weather: None,
            menu_readers: flux_app::menu_photos::Readers::default(),
        }
    }
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub tokens: Arc<TokenKeys>,
    pub trust_forwarded_for: bool,
    pub max_upload_bytes: u64,
    pub mailer: Option<flux_app::purchasing::mail::Mailer>,
    pub public_url: Option<String>,
    pub weather: Option<flux_app::weather::Provider>,
    pub menu_readers: flux_app::menu_photos::Readers,
}

impl AppState {
    /// The client address used for login throttling.
    pub fn client_ip(&self, headers: &HeaderMap, peer: SocketAddr) -> String {
        if self.trust_forwarded_for {
            if let Some(first) = headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(str::trim)
                .filter(|v| v.parse::<std::net::IpAddr>().is_ok())
            {
                return first.to_string();
            }
        }
        peer.ip().to_string()
    }
}

/// Builds the complete router (API, docs, probes) over `state`, plus
/// `pages` (the server-rendered dashboard, which brings its own state).
///
/// Every response is marked `nosniff` and, unless a handler chose
/// otherwise, `Cache-Control: no-store` (API responses are per-user data
/// and token replies). `/docs` gets a content security policy that allows
/// only the Swagger UI files it serves itself. HSTS is sent only on
/// requests a trusted proxy reports as HTTPS, see [`middleware::hsts`].
pub fn router(state: AppState, max_body_bytes: usize, pages: Router) -> Router {
    let (api, mut spec) = openapi::api_router(state.max_upload_bytes as usize).split_for_parts();
    openapi::document_idempotency_key(&mut spec);
    openapi::document_problems(&mut spec);
    let spec_json = Arc::new(spec.clone());
    let trust_forwarded = state.trust_forwarded_for;
    Router::new()
        .merge(api)
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let spec = spec_json.clone();
                async move { axum::Json((*spec).clone()) }
            }),
        )
        .merge(docs_router(spec))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            idempotency::idempotent_posts,
        ))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(state)
        .merge(pages)
        .fallback(|| async { error::ApiError::not_found() })
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(axum::middleware::from_fn_with_state(
            middleware::TrustForwarded(trust_forwarded),
            middleware::hsts,
        ))
        .layer(axum::middleware::from_fn(middleware::trace_request))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            middleware::panic_response,
        ))
}

/// Cross-origin access for the configured origins only: the methods and
/// headers the API uses, and the response headers a client reads.
fn cors(origins: Vec<HeaderValue>) -> tower_http::cors::CorsLayer {
    use axum::http::{HeaderName, Method};
    let request_id = HeaderName::from_static("x-request-id");
    tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::AllowOrigin::list(origins))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            request_id.clone(),
            HeaderName::from_static(idempotency::HEADER),
        ])
        .expose_headers([
            header::LOCATION,
            header::RETRY_AFTER,
            request_id,
            HeaderName::from_static(idempotency::REPLAYED),
        ])
        .max_age(Duration::from_secs(600))
}

/// What the Swagger UI page loads: its own bundle, preset, initializer and
/// style sheets (all served under `/docs`), icons inlined as `data:` URIs,
/// and the spec fetched from this origin. Nothing else, and it may not be
/// framed. The one hash is the `<style>` element the bundled Swagger UI
/// inserts itself; a new Swagger UI version may change it, which the
/// browser test of `/docs` reports as a policy violation.
const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; \
    frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Swagger UI at `/docs`, working offline (the files are compiled in).
/// The online validator badge is switched off: it would load an image
/// from another site, which the policy forbids.
fn docs_router(spec: utoipa::openapi::OpenApi) -> Router<AppState> {
    Router::from(
        SwaggerUi::new("/docs")
            .url("/api/v1/openapi-ui.json", spec)
            .config(utoipa_swagger_ui::Config::default().validator_url("none")),
    )
    .layer(SetResponseHeaderLayer::overriding(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOCS_CSP),
    ))
    .layer(SetResponseHeaderLayer::overriding(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("DENY"),
    ))
}

/// A bound, not yet running server.
pub struct Application {
    listener: TcpListener,
    router: Router,
}

impl Application {
    /// Binds `config.addr` and prepares the router. Nothing is served until
    /// [`Application::run_until`].
    pub async fn build(config: &ServerConfig, pool: PgPool) -> std::io::Result<Self> {
        Self::build_with_pages(config, pool, Router::new()).await
    }

    /// [`Application::build`] with extra routes (the web dashboard) served
    /// beside the API.
    pub async fn build_with_pages(
        config: &ServerConfig,
        pool: PgPool,
        pages: Router,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(config.addr).await?;
        let state = AppState {
            pool,
            tokens: Arc::new(TokenKeys::new(
                &config.jwt_secret,
                config.access_token_ttl,
                config.refresh_token_ttl,
            )),
            trust_forwarded_for: config.trust_forwarded_for,
            max_upload_bytes: config.max_upload_bytes as u64,
            mailer: config.mailer.clone(),
            public_url: config.public_url.clone(),
            weather: config.weather.clone(),
            menu_readers: config.menu_readers.clone(),
        };
        let mut router = router(state, config.max_body_bytes, pages);
        if !config.cors_allowed_origins.is_empty() {
            router = router.layer(cors(config.cors_allowed_origins.clone()));
        }
        Ok(Self { listener, router })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` resolves, then stops accepting and lets
    /// in-flight requests finish.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    }
}
