//! Money and quantity text ("1.234,50", "(3.00)", "€12", "1e5", ...).
#![no_main]

use flux_ingest::{parse_decimal, DecimalSeparator};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for sep in [DecimalSeparator::Point, DecimalSeparator::Comma] {
        if let Some(value) = parse_decimal(text, sep) {
            // Whatever was read survives being written and read again.
            let again = parse_decimal(&value.to_string(), DecimalSeparator::Point);
            assert_eq!(again, Some(value), "{text:?} read as {value}");
        }
    }
});
