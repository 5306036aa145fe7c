//! The page chrome (document head, top bar, restaurant switcher, section
//! menu) and the embedded static assets.
//!
//! Assets are compiled into the binary with `include_str!` and served with
//! a content hash in their URL, so they can be cached forever and still
//! change with each release.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use flux_app::restaurants::{Restaurant, RestaurantWithRole};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use sha2::{Digest, Sha256};

use crate::nav;

const CSS: &str = include_str!("../assets/app.css");
const JS: &str = include_str!("../assets/app.js");

fn version() -> &'static str {
    static V: OnceLock<String> = OnceLock::new();
    V.get_or_init(|| {
        let mut h = Sha256::new();
        h.update(CSS);
        h.update(JS);
        hex_prefix(&h.finalize())
    })
}

fn hex_prefix(bytes: &[u8]) -> String {
    bytes.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, IMMUTABLE),
        ],
        CSS,
    )
}

pub async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, IMMUTABLE),
        ],
        JS,
    )
}

/// What the top bar shows for a signed-in user.
pub struct Chrome<'a> {
    pub csrf: &'a str,
    pub restaurants: &'a [RestaurantWithRole],
    /// The restaurant being viewed, with the active section's key.
    pub current: Option<(&'a Restaurant, &'a str)>,
}

fn head(title: &str) -> Markup {
    let v = version();
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · Flux" }
            link rel="stylesheet" href={ "/app/assets/app.css?v=" (v) };
            script src={ "/app/assets/app.js?v=" (v) } defer {}
        }
    }
}

fn brand() -> Markup {
    html! {
        a.brand href="/" aria-label="Flux home" {
            span.brand-mark aria-hidden="true" { (PreEscaped(LOGO)) }
            span { "Flux" }
        }
    }
}

/// A small wave mark: the product's logo, inline so it costs no request.
const LOGO: &str = r##"<svg viewBox="0 0 24 24" width="24" height="24" focusable="false"><rect width="24" height="24" rx="6" fill="currentColor"/><path d="M4 15c2.5 0 2.5-6 5-6s2.5 6 5 6 2.5-6 6-6" fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round"/></svg>"##;

/// A page for a signed-in user.
pub fn page(title: &str, chrome: &Chrome<'_>, notice: Option<&str>, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(title))
            body {
                a.skip-link href="#main" { "Skip to content" }
                header.topbar {
                    div.topbar-inner {
                        (brand())
                        (switcher(chrome))
                        a.btn.btn-quiet.account-link href="/app/account" { "Account" }
                        form.logout method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(chrome.csrf);
                            button.btn.btn-quiet type="submit" { "Log out" }
                            button.btn.btn-quiet type="submit" name="scope" value="everywhere"
                                title="End every session of this account, on every device" { "Log out everywhere" }
                        }
                    }
                    @if let Some((r, active)) = chrome.current {
                        nav.tabs aria-label="Sections" {
                            ul {
                                @for e in nav::ENTRIES {
                                    li {
                                        a href=(nav::href(r.restaurant_id, e.path))
                                            aria-current=[(e.key == active).then_some("page")] { (e.label) }
                                    }
                                }
                            }
                        }
                    }
                }
                main #main .container tabindex="-1" {
                    @if let Some(n) = notice {
                        p.notice role="status" { (n) }
                    }
                    (main)
                }
                (footer())
            }
        }
    }
}

fn switcher(chrome: &Chrome<'_>) -> Markup {
    let label = chrome
        .current
        .map_or("Your restaurants", |(r, _)| r.name.as_str());
    html! {
        details.switcher {
            summary aria-label="Switch restaurant" { span.switcher-name { (label) } }
            div.switcher-menu {
                ul {
                    @for r in chrome.restaurants {
                        @let id = r.restaurant.restaurant_id;
                        li {
                            a href=(nav::href(id, ""))
                                aria-current=[chrome.current.is_some_and(|(c, _)| c.restaurant_id == id).then_some("true")] {
                                (r.restaurant.name)
                                span.role { (r.role) }
                            }
                        }
                    }
                }
                a.switcher-new href="/app/restaurants/new" { "+ New restaurant" }
                a.switcher-new href="/app" { "All restaurants" }
            }
        }
    }
}

fn footer() -> Markup {
    html! {
        footer.footer { div.container { "Flux · restaurant intelligence" } }
    }
}

/// A page for visitors who are not signed in (and for error pages).
pub fn public_page(title: &str, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(title))
            body.public {
                a.skip-link href="#main" { "Skip to content" }
                header.topbar { div.topbar-inner { (brand()) } }
                main #main .container tabindex="-1" { (main) }
                (footer())
            }
        }
    }
}

/// A labelled form field with its error beside it. `input` is the control
/// itself; it must carry `id` = `name` and `aria-describedby` when invalid
/// (see [`described_by`]).
pub fn field(
    name: &str,
    label: &str,
    hint: Option<&str>,
    error: Option<&str>,
    input: Markup,
) -> Markup {
    html! {
        div.field.invalid[error.is_some()] {
            label for=(name) { (label) }
            @if let Some(h) = hint { p.hint id={ (name) "-hint" } { (h) } }
            (input)
            @if let Some(e) = error {
                p.field-error id={ (name) "-error" } { (e) }
            }
        }
    }
}

/// The `aria-describedby` value for a field.
pub fn described_by(name: &str, has_hint: bool, error: Option<&str>) -> Option<String> {
    let mut ids = Vec::new();
    if has_hint {
        ids.push(format!("{name}-hint"));
    }
    if error.is_some() {
        ids.push(format!("{name}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The hidden CSRF field every form carries.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

/// An empty state: what is missing and what to do next.
pub fn empty_state(title: &str, text: &str, action: Option<(&str, &str)>) -> Markup {
    html! {
        div.empty {
            h2 { (title) }
            p { (text) }
            @if let Some((href, label)) = action {
                a.btn.btn-primary href=(href) { (label) }
            }
        }
    }
}

/// Short text for a notice code passed back after a redirect (a fixed set,
/// so no visitor-supplied text is ever echoed).
pub fn notice_text(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "created" => "Restaurant created. Upload a sales file to get started.",
        "saved" => "Changes saved.",
        "imported" => "Upload imported.",
        "undone" => "Upload undone: its sales were removed.",
        "item-created" => "Menu item created.",
        "item-saved" => "Menu item saved.",
        "forecast-refreshed" => "Forecast refreshed from your latest sales.",
        "feedback-saved" => "Thank you: your feedback was saved.",
        "override-saved" => {
            "Override saved: prep, ordering and costing use your number for that day."
        }
        "override-removed" => "Override removed: the forecast applies again.",
        "stockout-saved" => {
            "Marked sold out: the next forecast reads that day’s sales as the least that was wanted."
        }
        "stockout-removed" => "Unmarked: that day counts as an ordinary day again.",
        "event-added" => "Event added: the next forecast takes it into account.",
        "event-removed" => "Event removed.",
        "deletion-scheduled" => "Deletion scheduled. You can cancel it until then.",
        "deletion-cancelled" => "Deletion cancelled: the restaurant stays.",
        "email-changed" => "E-mail address saved: log in with it from now on.",
        "password-changed" => "Password changed. Every other device was logged out.",
        _ => return None,
    })
}
