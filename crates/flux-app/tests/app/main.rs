//! Use cases on a real database that no single front end owns.
//!
//! One test binary per crate: each integration test file is a module
//! here, so the suite links one executable instead of one per file.

mod date_order;
mod invoice_photos;
mod menu_photos;
