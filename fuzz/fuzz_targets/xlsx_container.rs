//! Damaged spreadsheets: arbitrary bytes behind the zip signature, so the
//! importer's spreadsheet path (and the zip and XML readers under it) must
//! refuse them cleanly.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut file = b"PK\x03\x04".to_vec();
    file.extend_from_slice(data.strip_prefix(b"PK\x03\x04").unwrap_or(data));
    common::parse_all(&file, &common::options(0));
});
