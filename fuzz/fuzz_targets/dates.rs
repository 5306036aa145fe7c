//! Date and time cells: the input is the first column of a small file
//! whose header makes it a date (or a timestamp, with an order id), so
//! every date, time and 12-hour-clock reader sees it.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fn quoted(cell: &str) -> String {
    format!("\"{}\"", cell.replace('"', "\"\""))
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, cell)) = data.split_first() else {
        return;
    };
    let cell = String::from_utf8_lossy(cell);
    let cells: Vec<&str> = cell.split('\n').take(20).collect();
    let mut file = if selector & 1 == 0 {
        String::from("date,item,quantity,price\n")
    } else {
        String::from("order_id,timestamp,item,quantity,price\n")
    };
    for (i, c) in cells.iter().enumerate() {
        if selector & 1 == 0 {
            file.push_str(&format!("{},Tea,1,2.50\n", quoted(c)));
        } else {
            file.push_str(&format!("A{i},{},Tea,1,2.50\n", quoted(c)));
        }
    }
    common::parse_all(file.as_bytes(), &common::options(selector >> 1));
});
