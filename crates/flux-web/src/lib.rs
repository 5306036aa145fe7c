//! Flux's server-rendered web dashboard.
//!
//! Plain HTML pages from compiled [`maud`] templates, one embedded style
//! sheet, a few lines of progressive-enhancement JavaScript and charts drawn
//! as SVG on the server, so every page works without JavaScript and the
//! binary needs no front-end build.
//!
//! The dashboard is an adapter over the application layer, a sibling of the
//! JSON API: every page parses its form, calls the same `flux_app` use case
//! the API calls, and renders the result (a rejection's field errors as
//! messages beside the fields). Every tenant page runs inside the
//! transaction `flux_app::tenancy::enter` opens after the membership check
//! the API makes too. It never writes SQL and never calls the store.
//!
//! Layout of the crate:
//! - [`session`]: session cookies (signed, backed by server-side sessions)
//!   and CSRF tokens;
//! - `extract`: extractors for the visitor, the signed-in user, the tenant
//!   page context and CSRF-checked forms;
//! - `layout` and [`nav`]: the page chrome; [`nav`] is the one list of
//!   sections, where new pages (recipes, purchasing) add their entry;
//! - `pages/`: one module per area, each contributing its routes;
//! - [`charts`] and [`format`]: SVG charts and locale-aware formatting.

pub mod charts;
mod error;
mod extract;
pub mod format;
mod layout;
pub mod nav;
mod pages;
pub mod session;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use flux_app::accounts::tokens::TokenKeys;
use flux_store::PgPool;

/// Everything the pages share. Cheap to clone.
#[derive(Clone)]
pub struct WebState {
    pool: PgPool,
    keys: Arc<session::Keys>,
    /// Only used to call the API's auth service, which issues tokens; the
    /// dashboard itself never hands tokens to the browser.
    tokens: Arc<TokenKeys>,
    max_upload_bytes: u64,
    trust_forwarded_for: bool,
    mailer: Option<flux_app::purchasing::mail::Mailer>,
    weather: Option<flux_app::weather::Provider>,
    menu_readers: flux_app::menu_photos::Readers,
}

impl WebState {
    /// `jwt_secret` is the server's access-token secret; the cookie key is
    /// derived from it, so instances sharing the secret share sessions.
    pub fn new(pool: PgPool, jwt_secret: &[u8], max_upload_bytes: u64) -> Self {
        Self {
            pool,
            keys: Arc::new(session::Keys::derive(jwt_secret)),
            tokens: Arc::new(TokenKeys::new(
                jwt_secret,
                Duration::from_secs(60),
                Duration::from_secs(60),
            )),
            max_upload_bytes,
            trust_forwarded_for: false,
            mailer: None,
            weather: None,
            menu_readers: flux_app::menu_photos::Readers::default(),
        }
    }

    /// Read menu photos with these (local OCR, a vision model).
    pub fn menu_readers(mut self, readers: flux_app::menu_photos::Readers) -> Self {
        self.menu_readers = readers;
        self
    }

    pub(crate) fn readers(&self) -> &flux_app::menu_photos::Readers {
        &self.menu_readers
    }

    /// Honour `X-Forwarded-For` (login throttling) and `X-Forwarded-Proto`
    /// (secure cookies); only behind a proxy that sets them.
    pub fn trust_forwarded_for(mut self, trust: bool) -> Self {
        self.trust_forwarded_for = trust;
        self
    }

    /// E-mail purchase orders to suppliers when they are sent.
    pub fn mailer(mut self, mailer: Option<flux_app::purchasing::mail::Mailer>) -> Self {
        self.mailer = mailer;
        self
    }

    pub(crate) fn mail(&self) -> Option<&flux_app::purchasing::mail::Mailer> {
        self.mailer.as_ref()
    }

    /// Fetch restaurants' weather from this provider ("Fetch now").
    pub fn weather(mut self, provider: Option<flux_app::weather::Provider>) -> Self {
        self.weather = provider;
        self
    }

    pub(crate) fn weather_provider(&self) -> Option<&flux_app::weather::Provider> {
        self.weather.as_ref()
    }

    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }
    pub(crate) fn keys(&self) -> &session::Keys {
        &self.keys
    }
    pub(crate) fn tokens(&self) -> &TokenKeys {
        &self.tokens
    }
    pub(crate) fn max_upload_bytes(&self) -> u64 {
        self.max_upload_bytes
    }
    pub(crate) fn trusts_forwarded(&self) -> bool {
        self.trust_forwarded_for
    }
}

/// The dashboard's routes: `/`, `/login`, `/signup`, `/logout` and
/// everything under `/app`. Merge it beside the API (it brings its own
/// state).
pub fn router(state: WebState) -> Router {
    pages::routes(&state)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            extract::session_layer,
        ))
        .layer(axum::middleware::from_fn(extract::query_guard))
        .layer(axum::middleware::from_fn(error::security_headers))
        .with_state(state)
}
