//! The costing engine: books, COGS, explosion, menu engineering, properties and the wire format.
//!
//! One test binary per crate: each integration test file is a module
//! here, so the suite links one executable instead of one per file.

mod common;
mod book;
mod cogs;
mod explode;
mod menu;
mod properties;
mod wire;
