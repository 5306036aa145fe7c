//! Spreadsheet imports: the input's lines and tabs become the rows and
//! cells of a real `.xlsx`, so the fuzzer explores cell contents (numbers,
//! date serials, long ids, text) rather than zip bytes.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, text)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(text);
    let rows: Vec<Vec<String>> = text
        .lines()
        .take(200)
        .map(|line| line.split('\t').map(str::to_string).collect())
        .collect();
    let book = common::workbook(&rows);
    common::parse_all(&book, &common::options(selector));
});
