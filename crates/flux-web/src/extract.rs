//! Who is asking, in which restaurant, and whether their form is genuine.
//!
//! - [`session_layer`] gives every request a [`Visit`] (a verified session,
//!   checked against the database when signed in, anonymous if need be)
//!   and writes the cookie back when it changes;
//! - [`SignedIn`] requires a logged-in user (else: redirect to login);
//! - [`TenantPage`] additionally opens a transaction scoped to the
//!   restaurant in the path and checks membership exactly like the API's
//!   `Tenant` extractor: non-members get 404, and [`TenantPage::require`]
//!   turns a missing capability into a 403 page;
//! - [`CsrfForm`] and [`CsrfMultipart`] are the only ways a handler reads a
//!   submitted form, and both reject a missing or wrong CSRF token, so a
//!   handler cannot forget the check;
//! - [`query_guard`] and [`CsrfForm`] refuse control characters in query
//!   parameters and form fields, once for every page.

use axum::extract::{FromRequest, FromRequestParts, Multipart, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use flux_app::restaurants::{Restaurant, RestaurantWithRole};
use flux_domain::role::{Action, Role};
use flux_store::{Postgres, Transaction};
use maud::Markup;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::WebError;
use crate::format::Fmt;
use crate::layout::{self, Chrome};
use crate::session::{self, Session};
use crate::WebState;

/// The verified session of this request.
#[derive(Debug, Clone)]
pub struct Visit {
    pub session: Session,
    pub csrf: String,
}

/// Put in a response's extensions by handlers that log in or out: the
/// session the browser should hold from now on.
#[derive(Debug, Clone)]
pub struct NewSession(pub Session);

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Resolves the session before the handler and writes the cookie after it.
pub async fn session_layer(
    axum::extract::State(state): axum::extract::State<WebState>,
    mut req: Request,
    next: Next,
) -> Response {
    let keys = state.keys();
    let secure = session::needs_secure(req.headers(), state.trusts_forwarded());
    let decoded = session::read_cookie(req.headers()).and_then(|v| Session::decode(v, keys, now()));
    let existing = match decoded {
        Some(s) => match live(&state, s).await {
            Ok(s) => s,
            Err(e) => return e.into_response(),
        },
        None => None,
    };
    let fresh = existing.is_none();
    let session = existing.unwrap_or_else(|| Session::anonymous(now()));
    req.extensions_mut().insert(Visit {
        csrf: session.csrf_token(keys),
        session: session.clone(),
    });
    let mut res = next.run(req).await;
    let to_write = match res.extensions_mut().remove::<NewSession>() {
        Some(NewSession(s)) => Some(s),
        None if fresh => Some(session),
        None => None,
    };
    if let Some(s) = to_write {
        let max_age = (s.expires - now()).max(0);
        let cookie = session::set_cookie(Some(&s.encode(keys)), max_age, secure);
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// A signed-in session only counts while its row in the database does
/// (one primary-key lookup): an ended or expired one, or one naming
/// another user, makes the visitor anonymous again. Anonymous sessions are
/// not stored and need no lookup.
async fn live(state: &WebState, s: Session) -> Result<Option<Session>, WebError> {
    let Some(user_id) = s.user_id else {
        return Ok(Some(s));
    };
    let stored = flux_app::accounts::sessions::check(state.pool(), s.secret()).await?;
    Ok((stored == Some(user_id)).then_some(s))
}

impl<S: Send + Sync> FromRequestParts<S> for Visit {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Visit>()
            .cloned()
            .ok_or_else(|| WebError::Internal(anyhow::anyhow!("session layer missing")))
    }
}

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user_id: Uuid,
    pub csrf: String,
}

fn return_path(parts: &Parts) -> String {
    // Only GETs are worth returning to; a POST would be replayed as a GET.
    if parts.method == axum::http::Method::GET {
        parts
            .uri
            .path_and_query()
            .map_or_else(String::new, |p| p.as_str().to_string())
    } else {
        String::new()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let visit = Visit::from_request_parts(parts, state).await?;
        match visit.session.user_id {
            Some(user_id) => Ok(SignedIn {
                user_id,
                csrf: visit.csrf,
            }),
            None => Err(WebError::SignIn(return_path(parts))),
        }
    }
}

/// A member of the restaurant named in the path, with a transaction scoped
/// to it (row-level security active) and what the chrome needs.
pub struct TenantPage {
    pub user_id: Uuid,
    pub restaurant_id: Uuid,
    pub role: Role,
    pub restaurant: Restaurant,
    pub restaurants: Vec<RestaurantWithRole>,
    pub csrf: String,
    pub tx: Transaction<'static, Postgres>,
}

impl FromRequestParts<WebState> for TenantPage {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let user = SignedIn::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound)?;
        let restaurant_id = path_uuid(&params, "rid")?;
        let flux_app::tenancy::Tenancy { role, mut tx } =
            flux_app::tenancy::enter(state.pool(), user.user_id, restaurant_id).await?;
        let restaurant = flux_app::restaurants::get(&mut tx, restaurant_id).await?;
        let restaurants = flux_app::restaurants::mine(&mut tx, user.user_id).await?;
        Ok(TenantPage {
            user_id: user.user_id,
            restaurant_id,
            role,
            restaurant,
            restaurants,
            csrf: user.csrf,
            tx,
        })
    }
}

/// A [`TenantPage`] without its transaction, for handlers that must not
/// hold one across slow work (imports).
pub struct Frame {
    user_id: Uuid,
    restaurant_id: Uuid,
    role: Role,
    restaurant: Restaurant,
    restaurants: Vec<RestaurantWithRole>,
    csrf: String,
}

impl TenantPage {
    /// Commits the transaction and keeps the rest.
    pub async fn suspend(self) -> Result<Frame, WebError> {
        self.tx.commit().await?;
        Ok(Frame {
            user_id: self.user_id,
            restaurant_id: self.restaurant_id,
            role: self.role,
            restaurant: self.restaurant,
            restaurants: self.restaurants,
            csrf: self.csrf,
        })
    }

    /// Opens a new transaction for the same user and restaurant.
    pub async fn resume(f: Frame, state: &WebState) -> Result<Self, WebError> {
        let tx = flux_store::tenant::begin(state.pool(), f.user_id, f.restaurant_id).await?;
        Ok(TenantPage {
            user_id: f.user_id,
            restaurant_id: f.restaurant_id,
            role: f.role,
            restaurant: f.restaurant,
            restaurants: f.restaurants,
            csrf: f.csrf,
            tx,
        })
    }

    /// A 403 page unless the member's role allows `action`.
    pub fn require(&self, action: Action) -> Result<(), WebError> {
        if self.role.can(action) {
            Ok(())
        } else {
            Err(WebError::Forbidden)
        }
    }

    pub fn can(&self, action: Action) -> bool {
        self.role.can(action)
    }

    /// Formatting rules of this restaurant's locale and currency.
    pub fn fmt(&self) -> Fmt {
        Fmt::new(
            self.restaurant.locale.as_str(),
            self.restaurant.currency.as_str(),
        )
    }

    /// A URL inside this restaurant.
    pub fn href(&self, path: &str) -> String {
        crate::nav::href(self.restaurant_id, path)
    }

    /// Renders a page of section `active` in the chrome.
    pub fn render(&self, active: &str, title: &str, notice: Option<&str>, main: Markup) -> Markup {
        layout::page(
            title,
            &Chrome {
                csrf: &self.csrf,
                restaurants: &self.restaurants,
                current: Some((&self.restaurant, active)),
            },
            notice,
            main,
        )
    }

    pub async fn commit(self) -> Result<(), WebError> {
        self.tx.commit().await?;
        Ok(())
    }
}

/// Reads a uuid path parameter; a malformed id names nothing, so 404.
pub fn path_uuid(params: &RawPathParams, name: &str) -> Result<Uuid, WebError> {
    params
        .iter()
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| Uuid::parse_str(v).ok())
        .ok_or(WebError::NotFound)
}

/// Largest URL-encoded form accepted (forms here are a few fields).
const FORM_LIMIT: usize = 64 * 1024;

/// A URL-encoded form whose `csrf` field matched the session. `T` is
/// deserialised from the same body (it may ignore `csrf`).
pub struct CsrfForm<T>(pub T);

/// A form that carries nothing but its CSRF token (a button).
#[derive(serde::Deserialize)]
pub struct Empty {}

impl<T: DeserializeOwned> FromRequest<WebState> for CsrfForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        let visit = req
            .extensions()
            .get::<Visit>()
            .cloned()
            .ok_or_else(|| WebError::Internal(anyhow::anyhow!("session layer missing")))?;
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(WebError::Csrf);
        }
        let body = axum::body::to_bytes(req.into_body(), FORM_LIMIT)
            .await
            .map_err(|_| WebError::BadRequest("form too large".into()))?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
            .map_err(|e| WebError::BadRequest(format!("malformed form: {e}")))?;
        let token = pairs
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str())
            .unwrap_or_default();
        if !visit.session.check_csrf(state.keys(), token) {
            return Err(WebError::Csrf);
        }
        reject_control_chars(&pairs)?;
        let value = serde_urlencoded::from_bytes(&body)
            .map_err(|e| WebError::BadRequest(format!("malformed form: {e}")))?;
        Ok(CsrfForm(value))
    }
}

/// NUL and the other control characters except tab, line feed and
/// carriage return (text areas send line breaks).
pub(crate) fn is_forbidden_char(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// The field named `next` is exempt: it is never stored, only followed
/// after login, and the login page replaces an unsafe one with the
/// dashboard rather than failing.
fn reject_control_chars(pairs: &[(String, String)]) -> Result<(), WebError> {
    for (name, value) in pairs {
        if name == "next" {
            continue;
        }
        if name.chars().chain(value.chars()).any(is_forbidden_char) {
            let shown = name.chars().filter(|c| !is_forbidden_char(*c)).collect();
            return Err(WebError::ControlCharacters(shown));
        }
    }
    Ok(())
}

/// Refuses a request whose query string decodes to control characters
/// (`?q=a%00b`) with a 422 page naming the parameter, before any handler
/// could pass the value to the database, which cannot store NUL.
pub async fn query_guard(req: Request, next: Next) -> Response {
    if let Some(query) = req.uri().query() {
        // Undecodable queries are left to the handlers' own extractors.
        if let Ok(pairs) = serde_urlencoded::from_str::<Vec<(String, String)>>(query) {
            if let Err(e) = reject_control_chars(&pairs) {
                return e.into_response();
            }
        }
    }
    next.run(req).await
}

/// A multipart form whose first part is a valid `csrf` field; the rest of
/// the parts are left to the handler. Checking before reading the file
/// means a forged upload is refused before a byte of it is spooled.
pub struct CsrfMultipart(pub Multipart);

impl FromRequest<WebState> for CsrfMultipart {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        let visit = req
            .extensions()
            .get::<Visit>()
            .cloned()
            .ok_or_else(|| WebError::Internal(anyhow::anyhow!("session layer missing")))?;
        let mut mp = Multipart::from_request(req, state)
            .await
            .map_err(|_| WebError::Csrf)?;
        let first = mp.next_field().await.map_err(|_| WebError::Csrf)?;
        let Some(field) = first.filter(|f| f.name() == Some("csrf")) else {
            return Err(WebError::Csrf);
        };
        let token = field.text().await.map_err(|_| WebError::Csrf)?;
        if !visit.session.check_csrf(state.keys(), &token) {
            return Err(WebError::Csrf);
        }
        Ok(CsrfMultipart(mp))
    }
}

/// Responds with a redirect that also replaces the session.
pub fn with_session(res: impl IntoResponse, s: Session) -> Response {
    let mut res = res.into_response();
    res.extensions_mut().insert(NewSession(s));
    res
}
