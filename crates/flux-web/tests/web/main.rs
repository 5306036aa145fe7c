//! Handler-level tests of the dashboard: a real server on a random port
//! over a fresh database, driven by an HTTP client with a cookie store,
//! the way a browser without JavaScript would use it.

mod account;
mod app_layer;
mod audit;
mod forecast;
mod hardening;
mod helpers;
mod inventory;
mod invitations;
mod labor;
mod locale_pages;
mod menu_photos;
mod pages;
mod purchasing_app;
mod security;
mod sessions;
mod uploads_app;
