//! Dates, time zones, encodings, numbers, validation and error accounting.

use crate::common::{day, dec, opts, run};
use flux_ingest::{
    business_date, parse_bytes, DateOrder, DateOrderReason, DecimalSeparator, Format, RowErrorKind,
    TextEncoding, Warning,
};

/// A seed file whose first 64 KiB hold only ambiguous dates, so only a
/// whole-file pre-scan can find the deciding value at the end.
fn ambiguous_then(last_date: &str) -> Vec<u8> {
    let mut csv = b"date,item,quantity,price\n".to_vec();
    while csv.len() < 100 * 1024 {
        csv.extend_from_slice(b"01/02/2024,Bun,1,1.00\n");
    }
    csv.extend_from_slice(format!("{last_date},Bun,1,1.00\n").as_bytes());
    csv
}

#[test]
fn date_order_is_decided_by_the_whole_file() {
    let p = run(&ambiguous_then("13/02/2024"), &opts());
    let choice = &p.summary.sniffed.date_order;
    assert_eq!(choice.order, DateOrder::Dmy);
    let last_line = p.lines.last().map(|l| l.line).expect("has lines");
    assert_eq!(
        choice.reason,
        DateOrderReason::FileEvidence {
            line: last_line,
            value: "13/02/2024".into()
        }
    );
    assert_eq!(p.lines[0].business_date, day(2024, 2, 1));
    assert!(choice.to_string().contains("13/02/2024"));

    let p = run(&ambiguous_then("02/13/2024"), &opts().with_locale("en-GB"));
    assert_eq!(
        p.summary.sniffed.date_order.order,
        DateOrder::Mdy,
        "file evidence beats locale"
    );
    assert_eq!(p.lines[0].business_date, day(2024, 1, 2));
}

#[test]
fn ambiguous_files_follow_the_locale_then_the_format() {
    let csv = b"date,item,quantity,price\n01/02/2024,Bun,1,1.00\n03/04/2024,Bun,1,1.00\n";
    let us = run(csv, &opts().with_locale("en-US"));
    assert_eq!(us.summary.sniffed.date_order.order, DateOrder::Mdy);
    assert_eq!(
        us.summary.sniffed.date_order.reason,
        DateOrderReason::Locale {
            locale: "en-US".into()
        }
    );
    assert_eq!(us.lines[0].business_date, day(2024, 1, 2));
    for locale in ["en-GB", "es-ES", "de-DE"] {
        let p = run(csv, &opts().with_locale(locale));
        assert_eq!(
            p.summary.sniffed.date_order.order,
            DateOrder::Dmy,
            "{locale}"
        );
        assert_eq!(p.lines[0].business_date, day(2024, 2, 1));
    }
    let sniffed = flux_ingest::sniff_with(csv, &opts().with_locale("en-US")).expect("sniffs");
    assert_eq!(sniffed.date_order.order, DateOrder::Mdy);
    let none = run(csv, &opts());
    assert_eq!(
        none.summary.sniffed.date_order.reason,
        DateOrderReason::Fallback
    );

    let toast = b"Order Id,Order Date,Menu Item,Qty,Net Price,Void?\n1,01/02/2024 10:00:00,Tea,1,2.00,false\n";
    let p = run(toast, &opts());
    assert_eq!(p.summary.sniffed.format, Format::Toast);
    assert_eq!(
        p.summary.sniffed.date_order.reason,
        DateOrderReason::FormatDefault {
            format: Format::Toast
        }
    );
    assert_eq!(p.lines[0].business_date, day(2024, 1, 2));
}

#[test]
fn semicolons_with_decimal_commas_and_currency() {
    let csv =
        "datum;artikel;menge;preis\n01.03.2024;Brezel;2;1,50 €\n01.03.2024;Torte;1;\"1.234,50\"\n"
            .as_bytes();
    let p = run(csv, &opts().with_locale("de-DE"));
    assert_eq!(p.summary.sniffed.delimiter, Some(';'));
    assert_eq!(p.summary.sniffed.decimal_separator, DecimalSeparator::Comma);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.lines[0].unit_price, Some(dec("1.50")));
    assert_eq!(p.lines[0].line_total, Some(dec("3.00")));
    assert_eq!(p.lines[1].unit_price, Some(dec("1234.50")));
    assert_eq!(p.lines[0].business_date, day(2024, 3, 1));
}

#[test]
fn tab_separated_with_pound_prices() {
    let csv = "date\titem\tquantity\tprice\n2024-03-01\tScone\t2\t£2.25\n".as_bytes();
    let p = run(csv, &opts());
    assert_eq!(p.summary.sniffed.delimiter, Some('\t'));
    assert_eq!(p.lines[0].line_total, Some(dec("4.50")));
}

#[test]
fn windows_1252_is_detected_and_decoded() {
    let (bytes, _, _) = encoding_rs::WINDOWS_1252
        .encode("date,item,quantity,price\n2024-03-01,Crème brûlée,1,6.50\n");
    assert!(std::str::from_utf8(&bytes).is_err(), "really 1252 bytes");
    let p = run(&bytes, &opts());
    assert_eq!(p.summary.sniffed.encoding, Some(TextEncoding::Windows1252));
    assert_eq!(p.lines[0].item, "Crème brûlée");
    assert_eq!(p.lines[0].item_key(), "crème brûlée");
}

#[test]
fn stray_1252_bytes_in_a_utf8_file_are_counted_not_fatal() {
    let mut csv = b"date,item,quantity,price\n".to_vec();
    for _ in 0..5000 {
        csv.extend_from_slice("2024-03-01,Café au lait,1,3.00\n".as_bytes());
    }
    csv.extend_from_slice(b"2024-03-01,Cr\xE8me,1,3.00\n");
    let p = run(&csv, &opts());
    assert_eq!(p.summary.sniffed.encoding, Some(TextEncoding::Utf8));
    assert_eq!(p.summary.windows1252_fields, 1);
    assert_eq!(p.lines.last().map(|l| l.item.as_str()), Some("Crème"));
}

#[test]
fn utf8_bom_is_stripped() {
    let p = run(
        b"\xEF\xBB\xBFdate,item,quantity,price\n2024-03-01,Tea,1,2\n",
        &opts(),
    );
    assert_eq!(p.summary.sniffed.encoding, Some(TextEncoding::Utf8Bom));
    assert_eq!(p.summary.sniffed.headers[0], "date");
    assert_eq!(p.lines.len(), 1);
}

#[test]
fn business_day_cutoff_across_midnight() {
    let csv = b"order_id,timestamp,item\n1,2024-03-01 23:50,Wine\n1,2024-03-02 00:10,Wine\n2,2024-03-02 03:59,Wine\n3,2024-03-02 04:00,Wine\n";
    let p = run(csv, &opts());
    let days: Vec<_> = p.lines.iter().map(|l| l.business_date).collect();
    assert_eq!(
        days,
        vec![
            day(2024, 3, 1),
            day(2024, 3, 1),
            day(2024, 3, 1),
            day(2024, 3, 2)
        ]
    );
    let midnight = run(csv, &opts().with_day_cutoff_hour(0));
    assert_eq!(midnight.lines[1].business_date, day(2024, 3, 2));
    let t = day(2024, 3, 2).and_hms_opt(1, 30, 0).expect("valid");
    assert_eq!(business_date(t, 4), day(2024, 3, 1));
    assert!(parse_bytes(csv, &opts().with_day_cutoff_hour(24)).is_err());
}

#[test]
fn daylight_saving_gap_and_fold() {
    let csv = b"order_id,timestamp,item\n1,2024-03-10 02:30,Pie\n2,2024-11-03 01:30,Pie\n3,2024-07-01T12:00:00Z,Pie\n";
    let mut o = opts();
    o.timezone = chrono_tz::America::New_York;
    let p = run(csv, &o);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let utc: Vec<String> = p
        .lines
        .iter()
        .map(|l| l.instant.expect("timed").to_rfc3339())
        .collect();
    // Gap: read with the pre-jump offset (EST, UTC-5).
    assert_eq!(utc[0], "2024-03-10T07:30:00+00:00");
    // Fold: the earlier instant (EDT, UTC-4).
    assert_eq!(utc[1], "2024-11-03T05:30:00+00:00");
    // Explicit UTC converted to local wall-clock time.
    assert_eq!(
        p.lines[2].local_time.map(|t| t.to_string()).as_deref(),
        Some("2024-07-01 08:00:00")
    );
    assert_eq!(
        p.lines[0].business_date,
        day(2024, 3, 9),
        "02:30 is before the 04:00 cut-off"
    );
}

#[test]
fn future_and_ancient_dates_are_row_errors() {
    let csv = b"date,item,quantity,price\n2030-01-01,Tea,1,2\n1999-12-31,Tea,1,2\n2024-13-01,Tea,1,2\n2024-01-01,Tea,1,2\n";
    let p = run(csv, &opts());
    assert_eq!(p.lines.len(), 1);
    let kinds: Vec<_> = p.errors.iter().map(|e| e.kind.clone()).collect();
    assert_eq!(
        kinds,
        vec![
            RowErrorKind::FutureDate {
                today: day(2025, 1, 1)
            },
            RowErrorKind::TooOld,
            RowErrorKind::InvalidDate
        ]
    );
    assert_eq!(p.errors[0].line, 2);
    assert_eq!(p.errors[0].column.as_deref(), Some("date"));
    assert_eq!(p.errors[0].raw.as_deref(), Some("2030-01-01"));
}

#[test]
fn error_cap_keeps_counts_exact() {
    let mut csv = b"date,item,quantity,price\n".to_vec();
    for i in 0..1000 {
        if i % 2 == 0 {
            csv.extend_from_slice(b"2024-01-01,Tea,lots,2\n");
        } else {
            csv.extend_from_slice(b"2024-01-01,Tea,1,2\n");
        }
    }
    let p = run(&csv, &opts().with_max_errors(10));
    assert_eq!(p.summary.errored, 500);
    assert_eq!(p.summary.parsed, 500);
    assert_eq!(p.summary.errors.len(), 10);
    assert_eq!(p.summary.errors_dropped, 490);
    assert_eq!(p.summary.errors[1].line, 4);
    assert_eq!(p.errors.len(), 500, "the iterator still yields every error");
}

#[test]
fn quoted_newlines_keep_physical_line_numbers() {
    let csv =
        b"date,item,quantity,price\n2024-01-01,\"Tea\nwith milk\",1,2\n2024-01-01,Tea,oops,2\n";
    let p = run(csv, &opts());
    assert_eq!(p.lines[0].item, "Tea with milk");
    assert_eq!(p.errors[0].line, 4);
}

#[test]
fn formula_like_and_control_characters_are_flagged() {
    let csv =
        b"date,item,quantity,price\n2024-01-01,=cmd|' /C calc'!A0,1,2\n2024-01-01,Te\0a,1,2\n";
    let p = run(csv, &opts());
    assert_eq!(p.lines[0].item, "=cmd|' /C calc'!A0", "kept as data");
    assert!(matches!(
        p.lines[0].warnings[0],
        Warning::FormulaLike { .. }
    ));
    assert_eq!(
        flux_ingest::sanitize_for_display(&p.lines[0].item),
        "'=cmd|' /C calc'!A0"
    );
    assert_eq!(p.lines[1].item, "Tea");
    assert!(matches!(
        p.lines[1].warnings[0],
        Warning::ControlCharsRemoved { .. }
    ));
}

#[test]
fn order_positions_count_voided_rows_so_keys_survive_a_later_void() {
    let before = b"Order Id,Order Date,Menu Item,Qty,Net Price,Void?\n7,01/02/2024 10:00:00,Tea,1,2.00,false\n7,01/02/2024 10:00:00,Cake,1,3.00,false\n";
    let after = b"Order Id,Order Date,Menu Item,Qty,Net Price,Void?\n7,01/02/2024 10:00:00,Tea,1,2.00,true\n7,01/02/2024 10:00:00,Cake,1,3.00,false\n";
    let cake_before = run(before, &opts()).lines[1].dedupe_key();
    let after = run(after, &opts());
    assert_eq!(after.lines.len(), 1);
    assert_eq!(after.lines[0].dedupe_key(), cake_before);
}
