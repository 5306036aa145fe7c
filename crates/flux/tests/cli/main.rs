//! The binary from the outside: real `flux` processes over private clusters, the architecture rules, deployment files and faults.
//!
//! One test binary per crate: each integration test file is a module
//! here, so the suite links one executable instead of one per file.

mod architecture;
mod common;
mod deployment;
mod faults;
mod import_crash;
mod import_date_order;
mod inventory_cli;
mod labor_cli;
mod operations;
