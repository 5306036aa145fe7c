//! Black-box tests of the HTTP API: a real server on a random port, over a
//! fresh database on a real PostgreSQL server per test.

mod helpers;

mod audit;
mod auth;
mod costing;
mod disk_full;
mod distribution;
mod erasure;
mod errors;
mod events;
mod forecast;
mod hardening;
mod idempotency;
mod import_quality;
mod inventory;
mod invitations;
mod invoices;
mod labor;
mod locale_defaults;
mod menu;
mod menu_photos;
mod openapi;
mod overrides;
mod partitions;
mod purchasing;
mod restaurant_deletion;
mod restaurants;
mod retention;
mod rls;
mod schema_fuzz;
mod stockouts;
mod store_paths;
mod tenancy;
mod undo;
mod uploads;
mod weather;
