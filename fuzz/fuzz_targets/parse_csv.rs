//! The whole import parse of a delimited file: sniffing, the row parser,
//! dates, times, numbers, summary rows, refusals. The first byte picks the
//! options (time zone, locale, date order, cut-off, period date).
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, file)) = data.split_first() else {
        return;
    };
    common::parse_all(file, &common::options(selector));
});
