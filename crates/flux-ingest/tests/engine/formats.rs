//! One test per supported layout, each on a realistic sample generated here.

use std::io::Cursor;

use crate::common::{day, dec, opts, run, workbook};
use flux_ingest::{
    parse_bytes, preview, ColumnMapping, DateOrder, DateOrderReason, Format, IngestError, Role,
    Warning,
};

#[test]
fn seed_format_computes_totals_and_splits_quantity_prefixes() {
    let csv = b"date,item,quantity,price\n\
2024-03-01,Croissant,3,2.50\n\
2024-03-01,2x Coffee,1,3.00\n\
\n\
2024-03-02,  flat   WHITE ,1,0\n";
    let p = run(csv, &opts());
    assert_eq!(p.summary.sniffed.format, Format::Seed);
    assert_eq!(p.lines.len(), 3);
    let croissant = &p.lines[0];
    assert_eq!(croissant.line, 2);
    assert_eq!(croissant.business_date, day(2024, 3, 1));
    assert_eq!(croissant.quantity, Some(dec("3")));
    assert_eq!(croissant.line_total, Some(dec("7.50")));
    assert_eq!(croissant.local_time, None);
    let coffee = &p.lines[1];
    assert_eq!(
        (coffee.item.as_str(), coffee.quantity),
        ("Coffee", Some(dec("2")))
    );
    assert_eq!(coffee.line_total, Some(dec("6.00")));
    let white = &p.lines[2];
    assert_eq!(white.line, 5, "physical line numbers count the blank line");
    assert_eq!(white.item, "flat WHITE");
    assert_eq!(white.item_key(), "flat white");
    assert_eq!(white.warnings, vec![Warning::NonPositivePrice]);
    assert_eq!(p.summary.skipped.blank, 1);
}

#[test]
fn transaction_level_numbers_lines_within_orders_and_keys_are_stable() {
    let csv = b"order_id,timestamp,item,quantity,unit_price,promo\n\
A1,2024-03-01 12:00,Burger,1,9.50,no\n\
A1,2024-03-01 12:00,Fries,2,3.00,yes\n\
A2,2024-03-02 01:30,Burger,1,9.50,0\n";
    let p = run(csv, &opts());
    assert_eq!(p.summary.sniffed.format, Format::Transactions);
    let positions: Vec<_> = p.lines.iter().map(|l| l.line_in_order).collect();
    assert_eq!(positions, vec![Some(0), Some(1), Some(0)]);
    assert!(!p.lines[0].promo && p.lines[1].promo);
    assert_eq!(p.lines[1].line_total, Some(dec("6.00")));
    // 01:30 belongs to the previous business day.
    assert_eq!(p.lines[2].business_date, day(2024, 3, 1));
    assert_eq!(p.lines[2].order_id.as_deref(), Some("A2"));

    let keys: Vec<_> = p.lines.iter().map(|l| l.dedupe_key()).collect();
    let again: Vec<_> = run(csv, &opts())
        .lines
        .iter()
        .map(|l| l.dedupe_key())
        .collect();
    assert_eq!(keys, again, "re-importing yields the same keys");
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 3);
}

#[test]
fn bakery_transactions_count_one_unit_per_row_and_skip_none() {
    let csv = b"Date,Time,Transaction,Item\n\
2016-10-30,09:58:11,1,Bread\n\
2016-10-30,10:05:34,2,Scandinavian\n\
2016-10-30,10:05:34,2,Scandinavian\n\
2016-10-30,10:07:57,3,NONE\n";
    let p = run(csv, &opts());
    assert_eq!(p.summary.sniffed.format, Format::Transactions);
    assert_eq!(p.lines.len(), 3);
    assert_eq!(p.summary.skipped.not_a_sale, 1);
    assert!(p
        .lines
        .iter()
        .all(|l| l.quantity == Some(dec("1")) && l.line_total.is_none()));
    assert_eq!(p.lines[2].line_in_order, Some(1));
    assert_ne!(p.lines[1].dedupe_key(), p.lines[2].dedupe_key());
}

#[test]
fn toast_drops_void_and_deferred_lines() {
    let csv = "Location,Order Id,Order #,Sent Date,Order Date,Check Id,Server,Table,Dining Area,Service,Dining Option,Item Selection Id,Item Id,Master Id,SKU,PLU,Menu Item,Menu Subgroup(s),Menu Group,Menu,Sales Category,Gross Price,Discount,Net Price,Qty,Tax,Void?,Deferred,Tax Exempt,Tax Inclusion Option,Dining Option Tax,Tab Name\n\
Main St,100000001,12,03/01/2024 12:01:10,03/01/2024 12:00:05,200001,Ana,5,Patio,Lunch,Dine In,300001,400001,,,,Cheeseburger,,Burgers,Lunch,Food,25.00,5.00,20.00,2,1.60,false,false,false,,,\n\
Main St,100000001,12,03/01/2024 12:01:10,03/01/2024 12:00:05,200001,Ana,5,Patio,Lunch,Dine In,300002,400002,,,,\"Fries, large\",,Sides,Lunch,Food,4.50,0.00,4.50,1,0.36,true,false,false,,,\n\
Main St,100000002,13,03/01/2024 13:10:00,03/01/2024 13:09:00,200002,Ana,,,,Take Out,300003,400003,,,,Gift Card,,Gift Cards,Retail,Retail,50.00,0.00,50.00,1,0.00,false,true,false,,,\n\
Main St,100000003,14,03/02/2024 00:45:00,03/02/2024 00:44:00,200003,Bo,2,Bar,Late,Dine In,300004,400004,,,,IPA Pint,,Beer,Bar,Beer,7.00,0.00,7.00,1,0.56,false,false,false,,,\n";
    let p = run(csv.as_bytes(), &opts());
    assert_eq!(p.summary.sniffed.format, Format::Toast);
    assert_eq!(p.summary.skipped.voided, 1);
    assert_eq!(p.summary.skipped.deferred, 1);
    assert_eq!(p.lines.len(), 2);
    let burger = &p.lines[0];
    assert_eq!(burger.item, "Cheeseburger");
    assert_eq!(burger.quantity, Some(dec("2")));
    assert_eq!(burger.unit_price, Some(dec("12.5")));
    assert_eq!(burger.line_total, Some(dec("20.00")));
    assert!(burger.promo, "a discount marks the line as promoted");
    assert_eq!(burger.category.as_deref(), Some("Burgers"));
    assert_eq!(burger.location.as_deref(), Some("Main St"));
    assert_eq!(burger.order_id.as_deref(), Some("100000001"));
    assert_eq!(burger.line_id.as_deref(), Some("300001"));
    assert_eq!(
        p.summary.sniffed.mapping.line_id.as_deref(),
        Some("Item Selection Id")
    );
    assert_eq!(
        p.lines[1].business_date,
        day(2024, 3, 1),
        "00:44 counts for the evening before"
    );
    assert_eq!(p.summary.sniffed.date_order.order, DateOrder::Mdy);
}

fn square_sample(extra_headers: &[&str]) -> String {
    let mut headers = vec![
        "Date",
        "Time",
        "Time Zone",
        "Category",
        "Item",
        "Qty",
        "Price Point Name",
        "SKU",
        "Modifiers Applied",
        "Gross Sales",
        "Discounts",
        "Net Sales",
        "Tax",
        "Transaction ID",
        "Payment ID",
        "Device Name",
        "Notes",
        "Details",
        "Event Type",
        "Location",
        "Dining Option",
    ];
    headers.extend_from_slice(extra_headers);
    let pad = ",".repeat(extra_headers.len());
    let mut s = headers.join(",");
    s.push('\n');
    s.push_str(&format!("2024-03-01,08:15:02,Eastern Time (US & Canada),Coffee,Latte,2,Regular,,,\"$9.00\",\"-$1.00\",\"$8.00\",\"$0.64\",TX1,P1,iPad,,,Payment,Downtown,For Here{pad}\n"));
    s.push_str(&format!("2024-03-01,08:15:02,Eastern Time (US & Canada),Bakery,Muffin,1,Regular,,,\"$3.50\",\"$0.00\",\"$3.50\",\"$0.28\",TX1,P1,iPad,,,Payment,Downtown,For Here{pad}\n"));
    s.push_str(&format!("2024-03-02,09:00:00,Eastern Time (US & Canada),Coffee,Latte,-1,Regular,,,\"-$4.50\",\"$0.00\",\"-$4.50\",\"-$0.32\",TX2,P2,iPad,,,Refund,Downtown,For Here{pad}\n"));
    s.push_str(&format!("2024-03-02,09:05:00,Eastern Time (US & Canada),\"Food, hot\",\"Soup, tomato\",1,Regular,,,\"$1,004.00\",\"$0.00\",\"$1,004.00\",\"$0.00\",TX3,P3,iPad,,,Payment,Downtown,To Go{pad}\n"));
    s
}

#[test]
fn square_reads_quoted_money_and_refunds_in_any_column_variant() {
    for extra in [
        &[][..],
        &[
            "Customer ID",
            "Customer Name",
            "Customer Reference ID",
            "Unit",
            "Count",
            "Itemization Type",
            "Commission",
            "Employee",
            "Fulfillment Note",
            "Channel",
            "Token",
            "Card Brand",
        ][..],
    ] {
        let csv = square_sample(extra);
        let mut o = opts();
        o.timezone = chrono_tz::America::New_York;
        let p = run(csv.as_bytes(), &o);
        assert_eq!(
            p.summary.sniffed.format,
            Format::Square,
            "{} columns",
            21 + extra.len()
        );
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let latte = &p.lines[0];
        assert_eq!(latte.line_total, Some(dec("8.00")));
        assert_eq!(latte.unit_price, Some(dec("4.5")));
        assert!(latte.promo);
        assert_eq!(latte.location.as_deref(), Some("Downtown"));
        let refund = &p.lines[2];
        assert_eq!(refund.quantity, Some(dec("-1")));
        assert_eq!(refund.line_total, Some(dec("-4.50")));
        assert!(refund.warnings.is_empty(), "refunds are not price warnings");
        assert_eq!(p.lines[3].item, "Soup, tomato");
        assert_eq!(p.lines[3].line_total, Some(dec("1004.00")));
        let instant = latte.instant.expect("has a time");
        assert_eq!(instant.to_rfc3339(), "2024-03-01T13:15:02+00:00");
    }
}

#[test]
fn clover_skips_preamble_and_needs_a_period_date() {
    let csv = b"Item Sales\n\
Merchant,Corner Cafe\n\
Reporting Period,\"Mar 1, 2024 - Mar 1, 2024\"\n\
\n\
Name,SKU,Category,Sold Qty,Item Revenue,Discounts,Refunds,Net Sales\n\
Drinks,,,,,,,\n\
Latte,L1,Drinks,12,\"$54.00\",\"$4.00\",\"$0.00\",\"$50.00\"\n\
Mocha,M1,Drinks,3,\"$15.00\",\"$0.00\",\"$0.00\",\"$15.00\"\n\
Total,,,15,\"$69.00\",\"$4.00\",\"$0.00\",\"$65.00\"\n";
    let err = parse_bytes(csv, &opts())
        .err()
        .expect("period date required");
    assert!(
        matches!(
            err,
            IngestError::PeriodDateRequired {
                format: Format::PeriodSummary,
                period: Some(ref p),
            } if p == "Mar 1, 2024 - Mar 1, 2024"
        ),
        "{err}"
    );
    assert!(err.to_string().contains("period_date"));

    let p = run(csv, &opts().with_period_date(day(2024, 3, 1)));
    assert_eq!(p.summary.sniffed.format, Format::PeriodSummary);
    assert_eq!(p.summary.sniffed.header_line, 5);
    assert_eq!(p.summary.preamble_rows, 4);
    assert_eq!(p.summary.skipped.no_data, 1);
    assert_eq!(p.summary.skipped.summary_rows, 1);
    assert_eq!(p.lines.len(), 2);
    assert_eq!(p.lines[0].business_date, day(2024, 3, 1));
    assert_eq!(p.lines[0].quantity, Some(dec("12")));
    assert_eq!(p.lines[0].line_total, Some(dec("50.00")));
    assert_eq!(p.lines[0].unit_price, Some(dec("4.5")));
    assert_eq!(p.lines[0].line, 7);
}

#[test]
fn lightspeed_sale_lines() {
    let csv = b"Sale ID,Date,Type,Item,Category,Quantity,Price,Discount,Total,Shop\n\
5001,2024-03-01 11:02:00,Sale,Espresso,Coffee,2,2.80,0.00,5.60,Centre\n\
5001,2024-03-01 11:02:00,Sale,Cookie,Bakery,1,2.00,0.50,1.50,Centre\n\
5002,2024-03-01 11:30:00,Void,Cookie,Bakery,1,2.00,0.00,2.00,Centre\n\
5003,2024-03-01 12:00:00,Refund,Espresso,Coffee,1,2.80,0.00,2.80,Centre\n";
    let p = run(csv, &opts());
    assert_eq!(p.summary.sniffed.format, Format::Lightspeed);
    assert_eq!(p.lines[0].line_total, Some(dec("5.60")));
    assert_eq!(p.lines[1].line_in_order, Some(1));
    assert!(p.lines[1].promo);
    assert_eq!(p.lines[1].location.as_deref(), Some("Centre"));
    assert_eq!(p.summary.skipped.voided, 1);
    let refund = &p.lines[2];
    assert_eq!(
        (refund.quantity, refund.line_total),
        (Some(dec("-1")), Some(dec("-2.80")))
    );
}

#[test]
fn vending_file_with_bom_and_month_first_dates() {
    let mut csv = b"\xEF\xBB\xBFdate,datetime,cash_type,card,money,coffee_name\r\n".to_vec();
    csv.extend_from_slice(b"3/1/2024,3/1/2024 10:15,card,ANON-1,38.7,Latte\r\n");
    csv.extend_from_slice(b"3/13/2024,3/13/2024 12:19,cash,,39,  CORTADO  \r\n");
    csv.extend_from_slice(b"3/13/2024,3/13/2024 12:20,cash,,39,\r\n");
    let p = run(&csv, &opts());
    assert_eq!(p.summary.sniffed.format, Format::Generic);
    assert_eq!(
        p.summary.sniffed.encoding,
        Some(flux_ingest::TextEncoding::Utf8Bom)
    );
    assert_eq!(p.summary.sniffed.date_order.order, DateOrder::Mdy);
    assert!(matches!(
        p.summary.sniffed.date_order.reason,
        DateOrderReason::FileEvidence { line: 3, .. }
    ));
    assert_eq!(p.lines[0].business_date, day(2024, 3, 1));
    assert_eq!(p.lines[0].line_total, Some(dec("38.7")));
    assert_eq!(p.lines[1].item_key(), "cortado");
    assert_eq!(p.lines[2].item, flux_ingest::UNKNOWN_ITEM);
    assert!(matches!(
        p.lines[2].warnings[0],
        Warning::MissingItem { .. }
    ));
}

#[test]
fn visitor_counts_expose_the_store_as_location() {
    let csv = b"air_store_id,visit_date,visitors\n\
air_ba937bf13d40fb24,2016-01-13,25\n\
air_25e9888d30b386df,2016-01-13,7\n";
    let p = run(csv, &opts());
    assert_eq!(p.summary.sniffed.format, Format::DailyVisitors);
    assert_eq!(p.lines[0].item, "Visitors");
    assert_eq!(p.lines[0].quantity, Some(dec("25")));
    assert_eq!(p.lines[1].location.as_deref(), Some("air_25e9888d30b386df"));
    assert_ne!(p.lines[0].dedupe_key(), p.lines[1].dedupe_key());
}

#[test]
fn revenue_per_product_group_has_no_quantity() {
    let csv = b"id,Datum,Warengruppe,Umsatz\n\
1307011,2013-07-01,1,148.828353112183\n\
1307012,2013-07-01,2,535.856116803973\n";
    let p = run(csv, &opts());
    assert_eq!(p.summary.sniffed.format, Format::DailyRevenue);
    assert_eq!(p.lines[0].item, "Warengruppe 1");
    assert_eq!(p.lines[0].quantity, None);
    assert_eq!(p.lines[0].unit_price, None);
    // Money is kept to four places (MONEY_SCALE), as the database stores it.
    assert_eq!(p.lines[0].line_total, Some(dec("148.8284")));
}

#[test]
fn explicit_mapping_and_format_override() {
    let csv = "Dia;Plato;Cantidad;Importe\n01/03/2024;Tortilla;2;7,50\n".as_bytes();
    let mut mapping = ColumnMapping::default();
    mapping.set(Role::Date, "día");
    mapping.set(Role::Item, "PLATO");
    mapping.set(Role::Quantity, "cantidad");
    mapping.set(Role::Total, "Importe");
    let json = serde_json::to_string(&mapping).expect("serialises");
    let mapping: ColumnMapping = serde_json::from_str(&json).expect("round-trips");
    let p = run(csv, &opts().with_mapping(mapping).with_locale("es-ES"));
    assert_eq!(p.summary.sniffed.format, Format::Custom);
    assert_eq!(p.lines[0].business_date, day(2024, 3, 1));
    assert_eq!(p.lines[0].line_total, Some(dec("7.50")));
    assert_eq!(p.lines[0].unit_price, Some(dec("3.75")));

    let err = parse_bytes(
        b"Date,Item,Qty\n2024-01-01,Tea,1\n",
        &opts().with_format(Format::Toast),
    )
    .err()
    .expect("not a Toast file");
    assert!(
        matches!(
            err,
            IngestError::MissingColumns {
                format: Format::Toast,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn unrecognised_headers_are_listed() {
    let err = parse_bytes(b"foo,bar,baz\n1,2,3\n", &opts())
        .err()
        .expect("unknown layout");
    match &err {
        IngestError::UnrecognisedLayout { headers } => assert_eq!(headers, &["foo", "bar", "baz"]),
        other => panic!("unexpected {other}"),
    }
    assert!(err.to_string().contains("foo, bar, baz"));
    assert!(matches!(parse_bytes(b"", &opts()), Err(IngestError::Empty)));
}

#[test]
fn preview_reports_detection_and_first_rows() {
    let csv = b"date;item;quantity;price\n01/02/2024;Brezel;2;1,20\n13/02/2024;Brezel;x;1,20\n14/02/2024;Kaffee;1;2,50\n";
    let pv = preview(Cursor::new(&csv[..]), &opts(), 2).expect("previewable");
    assert_eq!(pv.sniffed.delimiter, Some(';'));
    assert_eq!(pv.sniffed.format, Format::Seed);
    assert_eq!(pv.sniffed.mapping.get(Role::Quantity), Some("quantity"));
    assert_eq!(pv.sniffed.date_order.order, DateOrder::Dmy);
    assert_eq!(pv.rows.len(), 2);
    assert_eq!(
        pv.rows[0].as_ref().map(|l| l.line_total),
        Ok(Some(dec("2.40")))
    );
    let err = pv.rows[1].as_ref().expect_err("bad quantity");
    assert_eq!(
        (err.line, err.column.as_deref(), err.raw.as_deref()),
        (3, Some("quantity"), Some("x"))
    );
    assert!(serde_json::to_string(&pv).is_ok());
}

#[test]
fn xlsx_first_sheet() {
    // 45352 is 2024-03-01 as an Excel serial date.
    let book = workbook(&[
        vec!["Sales export"],
        vec!["date", "item", "quantity", "price"],
        vec!["date:45352", "Croissant", "3", "2.5"],
        vec!["2024-03-02", "Tea", "1", "1.8"],
    ]);
    let p = run(&book, &opts());
    assert_eq!(p.summary.sniffed.container, flux_ingest::Container::Xlsx);
    assert_eq!(p.summary.sniffed.header_line, 2);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.lines.len(), 2);
    assert_eq!(p.lines[0].business_date, day(2024, 3, 1));
    assert_eq!(p.lines[0].line, 3);
    assert_eq!(p.lines[0].line_total, Some(dec("7.5")));
    assert_eq!(p.lines[1].business_date, day(2024, 3, 2));
    let sniffed = flux_ingest::sniff(&book).expect("whole workbook sniffs");
    assert_eq!(sniffed.format, Format::Seed);
}

#[test]
fn repeated_headers_and_footer_notes_are_not_errors() {
    let csv = b"date,item,quantity,price
2024-03-01,Tea,1,2
date,item,quantity,price
2024-03-02,Tea,1,2
Exported by Till v2
";
    let p = run(csv, &opts());
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.lines.len(), 2);
    assert_eq!(p.summary.skipped.no_data, 2);
}
