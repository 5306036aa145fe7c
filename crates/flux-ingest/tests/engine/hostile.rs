//! Hostile and random input: the parser may reject, but must never panic,
//! hang or buffer without bound.

use crate::common::opts;
use flux_ingest::{parse_bytes, sniff, RowErrorKind};
use proptest::prelude::*;

/// Parses to the end, checking the counting invariant, whatever happens.
fn exhaust(bytes: &[u8]) {
    if let Ok(mut reader) = parse_bytes(bytes, &opts()) {
        let mut yielded = 0u64;
        for row in reader.by_ref() {
            yielded += 1;
            if let Err(e) = row {
                let _ = e.to_string();
            }
        }
        let s = reader.summary();
        assert_eq!(s.rows_read, s.parsed + s.errored + s.skipped.total());
        assert_eq!(yielded, s.parsed + s.errored);
    }
    let _ = sniff(bytes);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        exhaust(&bytes);
    }

    #[test]
    fn random_csv_like_text_never_panics(
        body in proptest::collection::vec(
            prop_oneof![
                Just(",".to_string()), Just(";".to_string()), Just("\"".to_string()),
                Just("\n".to_string()), Just("\r".to_string()), Just("\t".to_string()),
                Just("2024-03-01".to_string()), Just("13/01/2024 25:61".to_string()),
                Just("$-8,00.0".to_string()), Just("2x ".to_string()), Just("\0".to_string()),
                Just("NONE".to_string()), Just("=cmd|".to_string()), Just("é".to_string()),
                "[0-9]{1,12}", "[a-zA-Z ]{1,8}",
            ],
            0..200,
        )
    ) {
        let mut csv = String::from("date,item,quantity,price\n");
        csv.extend(body);
        exhaust(csv.as_bytes());
    }
}

#[test]
fn huge_fields_are_cut_and_reported() {
    let mut csv = b"date,item,quantity,price\n2024-01-01,".to_vec();
    csv.extend(std::iter::repeat_n(b'A', 5 * 1024 * 1024));
    csv.extend_from_slice(b",1,2\n2024-01-01,Tea,1,2\n");
    let mut reader = parse_bytes(&csv, &opts()).expect("readable");
    let first = reader.next().expect("a row");
    let err = first.expect_err("too long");
    assert!(matches!(err.kind, RowErrorKind::RecordTooLong { .. }));
    assert!(reader.next().expect("a second row").is_ok());
}

#[test]
fn long_raw_values_are_truncated_in_errors() {
    let mut csv = b"date,item,quantity,price\n2024-01-01,Tea,".to_vec();
    csv.extend(std::iter::repeat_n(b'9', 10_000));
    csv.extend_from_slice(b"x,2\n");
    let mut reader = parse_bytes(&csv, &opts()).expect("readable");
    let err = reader.next().expect("a row").expect_err("bad number");
    assert!(err.raw.expect("raw kept").chars().count() <= 81);
}

#[test]
fn unterminated_quotes_and_many_fields_do_not_hang() {
    let csv = b"date,item,quantity,price\n2024-01-01,\"never closed,1,2\n2024-01-02,Tea,1,2\n";
    let mut reader = parse_bytes(csv, &opts()).expect("readable");
    let err = reader.next().expect("a row").expect_err("unterminated");
    assert_eq!(err.kind, RowErrorKind::UnterminatedQuote);
    assert!(reader.next().is_none());

    let mut wide = b"date,item,quantity,price\n2024-01-01,Tea,1,2".to_vec();
    wide.extend(std::iter::repeat_n(b',', 100_000));
    wide.push(b'\n');
    let mut reader = parse_bytes(&wide, &opts()).expect("readable");
    assert!(reader.next().expect("a row").is_err());
}

#[test]
fn nul_bytes_and_weird_quoting() {
    let csv = b"date,item,quantity,price\n2024-01-01,\0\0\0,1,2\n2024-01-01,Te\"\"a\"x,1,2\n\"2024-01-01\"junk,Tea,1,2\n";
    exhaust(csv);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn value_parsers_never_panic(s in "\\PC{0,40}", digits in "[0-9.,$()-]{0,60}") {
        for sep in [flux_ingest::DecimalSeparator::Point, flux_ingest::DecimalSeparator::Comma] {
            let _ = flux_ingest::parse_decimal(&s, sep);
            let _ = flux_ingest::parse_decimal(&digits, sep);
        }
        let _ = flux_ingest::split_quantity_prefix(&s);
        let _ = flux_ingest::sanitize_for_display(&s);
        let _ = flux_ingest::normalize_item_name(&s);
        let csv = format!("order_id,timestamp,item,quantity,unit_price,total,discount\n1,{s},9999x {s},{digits},{digits},{digits},{digits}\n");
        exhaust(csv.as_bytes());
    }
}

#[test]
fn extreme_numbers_do_not_overflow() {
    let big = "79228162514264337593543950335";
    let csv = format!(
        "order_id,timestamp,item,quantity,unit_price,gross_total,discount\n1,2024-01-01 10:00,9999x Tea,{big},{big},-{big},{big}\n"
    );
    exhaust(csv.as_bytes());
}
