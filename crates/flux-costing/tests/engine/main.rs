//! The costing engine: books, COGS, explosion, menu engineering, properties and the wire format.
//!
//! One test binary per crate: each integration test file is a module
//! here, so the suite links one executable instead of one per file.

mod book;
mod cogs;
mod common;
mod explode;
mod menu;
mod properties;
mod wire;
