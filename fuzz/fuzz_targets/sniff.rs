//! Layout detection on the first bytes of any file: encoding, delimiter,
//! header row, vendor layout and column roles.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(sniffed) = flux_ingest::sniff(data) {
        // A detected header lies inside what was read.
        assert!(sniffed.header_line as usize <= data.len() + 1);
    }
});
