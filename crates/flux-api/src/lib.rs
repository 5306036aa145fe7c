//! Flux's HTTP API.
//!
//! [`Application::build`] binds a listener (port 0 in tests), assembles the
//! router and returns a handle that runs until a shutdown future resolves.
//! `main` stays thin: the CLI crate builds the configuration and the
//! database pool and hands them here.

pub mod error;
pub mod extract;
pub mod middleware;
pub mod openapi;
pub mod pagination;
pub mod routes;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::HeaderMap;
use axum::Router;
use flux_store::PgPool;
use tokio::net::TcpListener;
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
    /// (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// Largest JSON body accepted.
    pub max_body_bytes: usize,
    /// Largest sales file accepted by the upload endpoints.
    pub max_upload_bytes: usize,
    /// E-mails purchase orders to suppliers when they are sent; `None`
    /// leaves sending to the operator (CSV, printed page).
    pub mailer: Option<flux_app::purchasing::mail::Mailer>,
}

impl ServerConfig {
    pub fn new(addr: SocketAddr, jwt_secret: Vec<u8>) -> Self {
        Self {
            addr,
            jwt_secret,
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            trust_forwarded_for: false,
            max_body_bytes: 1024 * 1024,
            max_upload_bytes: 256 * 1024 * 1024,
            mailer: None,
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
pub fn router(state: AppState, max_body_bytes: usize, pages: Router) -> Router {
    let (api, spec) = openapi::api_router(state.max_upload_bytes as usize).split_for_parts();
    let spec_json = Arc::new(spec.clone());
    Router::new()
        .merge(api)
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let spec = spec_json.clone();
                async move { axum::Json((*spec).clone()) }
            }),
        )
        .merge(SwaggerUi::new("/docs").url("/api/v1/openapi-ui.json", spec))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(state)
        .merge(pages)
        .fallback(|| async { error::ApiError::not_found() })
        .layer(axum::middleware::from_fn(middleware::trace_request))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            middleware::panic_response,
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
        };
        Ok(Self {
            listener,
            router: router(state, config.max_body_bytes, pages),
        })
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
