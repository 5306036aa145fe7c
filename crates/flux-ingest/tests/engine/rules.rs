//! Cross-layout rules: chosen date order, summary rows, detection by fit,
//! receipt-level refusals, refunds in period summaries, shared line ids and
//! value limits. Every sample is generated here.

use crate::common::{day, dec, opts, run, workbook, Parsed};
use flux_ingest::{
    parse_bytes, DateOrder, DateOrderReason, Format, IngestError, RowErrorKind, UnmappedColumn,
    UnmappedKind, Warning, MAX_LINE_TOTAL, MAX_QUANTITY, MAX_UNIT_PRICE,
};
use rust_decimal::Decimal;

fn sum_totals(p: &Parsed) -> Decimal {
    p.lines.iter().filter_map(|l| l.line_total).sum()
}

fn sum_quantities(p: &Parsed) -> Decimal {
    p.lines.iter().filter_map(|l| l.quantity).sum()
}

// ---- A: date order and time zone chosen by the user ----

#[test]
fn chosen_date_order_wins_over_locale_and_file_evidence() {
    let csv = b"date,item,quantity,price\n03/04/2024,Tea,1,2.00\n05/06/2024,Tea,1,2.00\n";
    let p = run(csv, &opts().with_locale("en-GB"));
    assert_eq!(p.summary.sniffed.date_order.order, DateOrder::Dmy);
    assert_eq!(p.lines[0].business_date, day(2024, 4, 3));

    let p = run(
        csv,
        &opts().with_locale("en-GB").with_date_order(DateOrder::Mdy),
    );
    assert_eq!(p.summary.sniffed.date_order.order, DateOrder::Mdy);
    assert_eq!(p.summary.sniffed.date_order.reason, DateOrderReason::Chosen);
    assert!(p
        .summary
        .sniffed
        .date_order
        .to_string()
        .contains("chosen by the user"));
    assert_eq!(p.lines[0].business_date, day(2024, 3, 4));

    // Even a value that can only be read day-first does not override it:
    // such rows become errors, and the person sees why.
    let csv = b"date,item,quantity,price\n13/04/2024,Tea,1,2.00\n04/05/2024,Tea,1,2.00\n";
    let p = run(csv, &opts().with_date_order(DateOrder::Mdy));
    assert_eq!(p.summary.sniffed.date_order.reason, DateOrderReason::Chosen);
    assert_eq!(p.errors.len(), 1);
    assert_eq!(p.errors[0].kind, RowErrorKind::InvalidDate);
    assert_eq!(p.lines[0].business_date, day(2024, 4, 5));

    let sniffed =
        flux_ingest::sniff_with(csv, &opts().with_date_order(DateOrder::Dmy)).expect("sniffs");
    assert_eq!(sniffed.date_order.reason, DateOrderReason::Chosen);
}

#[test]
fn the_timezone_option_alone_moves_instants() {
    let csv = b"order_id,timestamp,item,quantity,unit_price\nA1,2024-03-01 12:00,Tea,1,2.00\n";
    let london = run(csv, &opts());
    let mut o = opts();
    o.timezone = chrono_tz::America::New_York;
    let ny = run(csv, &o);
    let at = |p: &Parsed| p.lines[0].instant.map(|i| i.to_rfc3339());
    assert_eq!(at(&london).as_deref(), Some("2024-03-01T12:00:00+00:00"));
    assert_eq!(at(&ny).as_deref(), Some("2024-03-01T17:00:00+00:00"));
}

// ---- B: summary rows ----

#[test]
fn total_and_subtotal_rows_are_skipped_but_dishes_named_total_stay() {
    let csv = "Category,Item,Qty,Net Sales\n\
Coffee,Latte,10,45.00\n\
Coffee,Total Burger,1,9.00\n\
Total (Coffee),,11,54.00\n\
Bakery,Scone,4,10.00\n\
Bakery,Subtotal,4,10.00\n\
,,15,64.00\n\
Summe,,15,64.00\n\
Gesamt:,,15,64.00\n\
Total général,,15,64.00\n\
GRAND TOTAL,,15,64.00\n";
    let p = run(csv.as_bytes(), &opts().with_period_date(day(2024, 3, 1)));
    assert_eq!(p.summary.sniffed.format, Format::PeriodSummary);
    let items: Vec<&str> = p.lines.iter().map(|l| l.item.as_str()).collect();
    assert_eq!(items, ["Latte", "Total Burger", "Scone"]);
    assert_eq!(p.summary.rows_read, 10);
    assert_eq!(p.summary.skipped.summary_rows, 7);
    assert!(p.lines.iter().all(|l| l.item != flux_ingest::UNKNOWN_ITEM));
    // The file's own totals row says 15 units and 64.00.
    assert_eq!(sum_quantities(&p), dec("15"));
    assert_eq!(sum_totals(&p), dec("64.00"));
}

#[test]
fn dated_exports_keep_unnamed_sales_but_drop_undated_totals() {
    let csv = b"Date,Order,Item,Qty,Total\n\
2024-03-01,A1,Tea,1,2.50\n\
2024-03-01,A2,,1,3.00\n\
2024-03-01,A3,Zwischensumme,2,5.50\n\
,,,2,5.50\n\
,,,,\n";
    let p = run(csv, &opts());
    assert_eq!(p.lines.len(), 2);
    assert_eq!(p.lines[1].item, flux_ingest::UNKNOWN_ITEM);
    assert!(matches!(
        p.lines[1].warnings[0],
        Warning::MissingItem { .. }
    ));
    assert_eq!(p.summary.skipped.summary_rows, 2);
    assert_eq!(p.summary.skipped.blank, 1);
    assert_eq!(sum_totals(&p), dec("5.50"));
}

/// Daily reports that write a subtotal with an empty name: the row whose
/// quantity and money are exactly the sum of the lines above (since the last
/// subtotal, or the whole day) is a subtotal; an unnamed row whose numbers
/// are not is still a sale.
#[test]
fn unlabelled_subtotals_are_told_from_unnamed_sales_by_their_sums() {
    let csv = b"date,item,quantity,revenue\n\
2024-03-01,Soup,3,13.50\n\
2024-03-01,Stew,2,54.00\n\
2024-03-01,,5,67.50\n\
2024-03-01,Bread,1,2.00\n\
2024-03-01,,1,2.00\n\
2024-03-01,,6,69.50\n\
2024-03-02,,4,9.00\n\
2024-03-02,Soup,2,9.00\n";
    let p = run(csv, &opts());
    let items: Vec<&str> = p.lines.iter().map(|l| l.item.as_str()).collect();
    assert_eq!(p.summary.skipped.summary_rows, 3, "{items:?}");
    assert_eq!(
        items,
        ["Soup", "Stew", "Bread", flux_ingest::UNKNOWN_ITEM, "Soup"]
    );
    assert_eq!(sum_quantities(&p), dec("12"));
    assert_eq!(sum_totals(&p), dec("87.50"));
}

// ---- C: detection by fit and unmapped money ----

#[test]
fn line_items_without_an_order_id_keep_net_and_gross_sales() {
    let csv = b"Date,Item,Qty,Gross sales,Net sales\n\
2024-03-01,Latte,2,9.00,8.00\n\
2024-03-01,Scone,1,3.00,3.00\n";
    let p = run(csv, &opts());
    let m = &p.summary.sniffed.mapping;
    assert_eq!(m.total.as_deref(), Some("Net sales"));
    assert_eq!(m.gross_total.as_deref(), Some("Gross sales"));
    assert_eq!(p.summary.sniffed.unmapped, Vec::<UnmappedColumn>::new());
    assert_eq!(p.lines[0].line_total, Some(dec("8.00")));
    assert_eq!(p.lines[0].unit_price, Some(dec("4.5")));
    assert_eq!(sum_totals(&p), dec("11.00"));
}

#[test]
fn money_columns_that_cannot_be_placed_are_reported() {
    let csv = b"Date,Item,Qty,Net sales,Sales incl. service,Tax,Refund reason\n\
2024-03-01,Latte,2,8.00,8.80,0.80,\n";
    let p = run(csv, &opts());
    assert_eq!(
        p.summary.sniffed.unmapped,
        vec![UnmappedColumn {
            header: "Sales incl. service".into(),
            kind: UnmappedKind::Money,
        }]
    );
    let json = serde_json::to_string(&p.summary.sniffed).expect("serialises");
    assert!(json.contains(r#""unmapped":[{"header":"Sales incl. service","kind":"money"}]"#));
}

#[test]
fn the_layout_explaining_most_columns_wins() {
    // A guest count beside item sales: the visitor layout claims the
    // header too, but explains three columns where the sales layout
    // explains all six.
    let csv = b"Date,Store,Item,Guests,Qty,Total\n2024-03-01,North,Soup,40,3,12.00\n";
    let p = run(csv, &opts());
    assert_eq!(p.summary.sniffed.format, Format::Generic);
    assert_eq!(p.lines[0].item, "Soup");
    assert_eq!(p.lines[0].quantity, Some(dec("3")));
    assert_eq!(p.lines[0].line_total, Some(dec("12.00")));
    assert!(
        p.summary.sniffed.unmapped.is_empty(),
        "guests are not money or units sold: {:?}",
        p.summary.sniffed.unmapped
    );
}

// ---- D: receipt-level exports are refused ----

#[test]
fn receipts_with_items_in_one_column_are_refused() {
    let loyverse = "Date,Receipt number,Receipt type,Gross sales,Discounts,Net sales,Taxes,Total collected,Cost of goods,Gross profit,Payment type,Description,Dining option,POS,Store,Cashier name,Customer name,Customer contacts,Status\n\
8/17/24 12:16 PM,1-0003,Sale,9.00,0.50,8.50,0.00,8.50,2.10,6.40,Cash,\"1 x Latte, 2 x Cookie\",Dine in,POS 1,Corner Cafe,Owner,,,Closed\n\
8/17/24 12:30 PM,1-0004,Refund,-4.00,0.00,-4.00,0.00,-4.00,0.00,-4.00,Card,1 x Latte,Dine in,POS 1,Corner Cafe,Owner,,,Closed\n\
8/17/24 12:45 PM,1-0005,Sale,6.00,0.00,6.00,0.00,6.00,1.00,5.00,Card,\"1 x Tea, 1 x Scone\",Dine in,POS 1,Corner Cafe,Owner,,,Closed\n";
    let err = parse_bytes(loyverse.as_bytes(), &opts())
        .err()
        .expect("receipt level");
    match &err {
        IngestError::ReceiptLevel { column, example } => {
            assert_eq!(column, "Description");
            assert_eq!(example, "1 x Latte, 2 x Cookie");
        }
        other => panic!("unexpected {other}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("Description") && msg.contains("item-level"),
        "{msg}"
    );

    let square = "Date,Time,Time Zone,Gross Sales,Discounts,Net Sales,Tax,Tip,Total Collected,Transaction ID,Payment ID,Description,Event Type,Location\n\
2024-09-13,10:02:11,Eastern Time (US & Canada),$13.50,-$0.70,$12.80,$1.02,$2.00,$15.82,TXN1,PAY1,\"Oat Latte x 1, Croissant x 2\",Payment,Corner Cafe\n\
2024-09-13,10:15:00,Eastern Time (US & Canada),$4.50,$0.00,$4.50,$0.36,$0.00,$4.86,TXN2,PAY2,Oat Latte x 1,Payment,Corner Cafe\n";
    let err = flux_ingest::sniff(square.as_bytes()).expect_err("receipt level");
    assert!(
        matches!(&err, IngestError::ReceiptLevel { example, .. } if example == "Oat Latte x 1, Croissant x 2"),
        "{err}"
    );
}

#[test]
fn item_names_with_commas_are_not_receipts() {
    let csv = b"Date,Order,Item,Total\n\
2024-03-01,A1,\"Soup, tomato\",4.00\n\
2024-03-01,A2,\"Fries, large\",3.00\n\
2024-03-01,A3,2x Coffee,5.00\n";
    let p = run(csv, &opts());
    assert_eq!(p.lines.len(), 3);
    assert_eq!(p.lines[2].quantity, Some(dec("2")));
}

// ---- E: period summaries ----

#[test]
fn period_summaries_net_out_refunds_and_name_the_period() {
    let csv = "Sales by item\n\
\"Jan 1, 2025 - Jan 31, 2025\"\n\
\n\
Item name,Items sold,Gross sales,Items refunded,Refunds,Discounts,Net sales\n\
Flat White,212.000,954.00,2.000,9.00,12.50,932.50\n\
Croissant,140.000,420.00,0.000,0.00,0.00,420.00\n";
    let err = parse_bytes(csv.as_bytes(), &opts())
        .err()
        .expect("period date required");
    let msg = err.to_string();
    assert!(
        matches!(&err, IngestError::PeriodDateRequired { period: Some(p), .. } if p == "Jan 1, 2025 - Jan 31, 2025"),
        "{msg}"
    );
    assert!(msg.contains("Jan 1, 2025 - Jan 31, 2025"), "{msg}");
    assert!(msg.contains("item sales summary"), "{msg}");
    assert!(!msg.contains("Clover"), "{msg}");

    let mut o = opts().with_period_date(day(2025, 1, 31));
    o.today = day(2025, 2, 1);
    let p = run(csv.as_bytes(), &o);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(
        p.summary.sniffed.period.as_deref(),
        Some("Jan 1, 2025 - Jan 31, 2025")
    );
    let m = &p.summary.sniffed.mapping;
    assert_eq!(m.refund_quantity.as_deref(), Some("Items refunded"));
    assert_eq!(m.refund_amount.as_deref(), Some("Refunds"));
    let flat = &p.lines[0];
    assert_eq!(flat.quantity, Some(dec("210")));
    assert_eq!(
        flat.line_total,
        Some(dec("932.50")),
        "net sales are already net"
    );
    assert_eq!(flat.unit_price, Some(dec("4.5")), "gross per unit sold");
    assert_eq!(sum_totals(&p), dec("1352.50"));
}

#[test]
fn refunds_come_off_totals_that_are_not_net() {
    let csv = b"Product,Sold,Revenue,Refunded,Refunded amount\nTea,10,25.00,2,5.00\nCake,3,12.00,3,12.00\n";
    let p = run(csv, &opts().with_period_date(day(2024, 3, 31)));
    assert_eq!(p.lines.len(), 1, "a fully refunded line sold nothing");
    assert_eq!(p.summary.skipped.not_a_sale, 1);
    assert_eq!(p.lines[0].quantity, Some(dec("8")));
    assert_eq!(p.lines[0].line_total, Some(dec("20.00")));
}

// ---- F: ids from spreadsheets, shared line ids ----

#[test]
fn spreadsheet_ids_stay_whole_and_shared_ids_keep_both_lines() {
    // The two selection ids differ only beyond a float's 15-16 digits, so
    // the workbook holds the same number twice.
    let book = workbook(&[
        vec![
            "Order Id",
            "Order Date",
            "Item Selection Id",
            "Menu Item",
            "Qty",
            "Net Price",
            "Void?",
        ],
        vec![
            "1300000011111111101",
            "date:45352",
            "1300000011111111103",
            "Fish Tacos",
            "1",
            "14",
            "false",
        ],
        vec![
            "1300000011111111101",
            "date:45352",
            "1300000011111111104",
            "House Margarita",
            "2",
            "12",
            "false",
        ],
    ]);
    let p = run(&book, &opts());
    assert_eq!(p.summary.sniffed.format, Format::Toast);
    assert_eq!(p.lines.len(), 2);
    for l in &p.lines {
        let id = l.line_id.as_deref().expect("line id");
        assert!(id.bytes().all(|b| b.is_ascii_digit()), "{id}");
        assert_eq!(id.len(), 19, "{id}");
        let order = l.order_id.as_deref().expect("order id");
        assert!(order.bytes().all(|b| b.is_ascii_digit()), "{order}");
    }
    assert_eq!(
        p.lines[0].line_id, p.lines[1].line_id,
        "the float merged them"
    );
    assert_ne!(p.lines[0].dedupe_key(), p.lines[1].dedupe_key());
    assert!(p.lines[0].warnings.is_empty());
    assert_eq!(
        p.lines[1].warnings,
        vec![Warning::SharedKey {
            column: "Item Selection Id".into()
        }]
    );
    assert_eq!(sum_totals(&p), dec("26"));
}

#[test]
fn identical_rows_with_one_line_id_keep_one_key() {
    let csv = b"Sale ID,Sale Line ID,Date,Item,Quantity,Total\n\
5001,L1,2024-03-01 11:02:00,Espresso,1,2.80\n\
5001,L1,2024-03-01 11:02:00,Espresso,1,2.80\n\
5002,L1,2024-03-01 11:05:00,Cookie,1,2.00\n";
    let p = run(csv, &opts());
    assert_eq!(p.lines.len(), 3);
    let keys: Vec<String> = p.lines.iter().map(|l| l.dedupe_key()).collect();
    assert_eq!(keys[0], keys[1], "the same row twice is one line");
    assert_ne!(
        keys[0], keys[2],
        "a different row under the same id is kept"
    );
    assert!(p.lines[1].warnings.is_empty());
    assert_eq!(
        p.lines[2].warnings,
        vec![Warning::SharedKey {
            column: "Sale Line ID".into()
        }]
    );
}

// ---- G: limits ----

#[test]
fn implausible_numbers_are_row_errors() {
    let csv = b"date,item,quantity,price\n\
2024-03-01,Tea,99999999999,2.00\n\
2024-03-01,Tea,1,10000000000\n\
2024-03-01,Tea,1000,999999\n\
2024-03-01,Tea,3,1.23456\n\
2024-03-01,Tea,0.0005,2\n";
    let p = run(csv, &opts());
    assert_eq!(p.errors.len(), 3, "{:?}", p.errors);
    let e = &p.errors[0];
    assert_eq!(
        (e.line, e.column.as_deref(), e.raw.as_deref()),
        (2, Some("quantity"), Some("99999999999"))
    );
    assert_eq!(e.kind, RowErrorKind::OutOfRange { max: MAX_QUANTITY });
    let e = &p.errors[1];
    assert_eq!(
        (e.column.as_deref(), e.raw.as_deref()),
        (Some("price"), Some("10000000000"))
    );
    assert_eq!(
        e.kind,
        RowErrorKind::OutOfRange {
            max: MAX_UNIT_PRICE
        }
    );
    assert_eq!(
        p.errors[2].kind,
        RowErrorKind::OutOfRange {
            max: MAX_LINE_TOTAL
        },
        "1000 × 999999 is more than one line can hold"
    );
    assert!(p.errors[0].to_string().contains("out of range"));
    // Beyond four places money is rounded, quantities beyond three.
    assert_eq!(p.lines[0].unit_price, Some(dec("1.2346")));
    assert_eq!(p.lines[0].line_total, Some(dec("3.7037")));
    assert_eq!(p.lines[1].quantity, Some(dec("0.001")));
}

#[test]
fn full_vendor_headers_report_nothing_unmapped() {
    let toast = "Location,Order Id,Order #,Sent Date,Order Date,Check Id,Server,Table,Dining Area,Service,Dining Option,Item Selection Id,Item Id,Master Id,SKU,PLU,Menu Item,Menu Subgroup(s),Menu Group,Menu,Sales Category,Gross Price,Discount,Net Price,Qty,Tax,Void?,Deferred,Tax Exempt,Tax Inclusion Option,Dining Option Tax,Tab Name\n\
Main St,1,12,10/8/24 5:18 PM,10/8/24 5:17 PM,2,Ana,5,Patio,Dinner,Dine In,3,4,,,,Fish Tacos,,Tacos,Dinner,Food,14.00,0.00,14.00,1.0,1.12000000,false,false,false,Tax Not Included,No Effect,\n";
    let square = "Date,Time,Time Zone,Category,Item,Qty,Price Point Name,SKU,Modifiers Applied,Gross Sales,Discounts,Net Sales,Tax,Transaction ID,Payment ID,Device Name,Notes,Details,Event Type,Location,Dining Option,Customer ID,Customer Name,Customer Reference ID,Unit,Count,GTIN,Itemization Type,Commission,Employee,Fulfillment Note,Channel,Token,Card Brand,PAN Suffix\n\
2024-07-18,12:59:30,Eastern Time (US & Canada),Coffee,Oat Latte,1.0,Large,,,$6.50,$0.00,$6.50,$0.52,TXN1,PAY1,Front,,,Payment,Corner Cafe,,,,,ea,1,,Physical Good,$0.00,,,Corner Cafe,T1,Visa,1234\n";
    for (csv, format) in [(toast, Format::Toast), (square, Format::Square)] {
        let sniffed = flux_ingest::sniff(csv.as_bytes()).expect("sniffs");
        assert_eq!(sniffed.format, format);
        assert!(
            sniffed.unmapped.is_empty(),
            "{format}: {:?}",
            sniffed.unmapped
        );
    }
}

// ---- Regressions found by trying hostile and unusual files ----

#[test]
fn repeated_unnamed_sales_and_unnamed_sales_of_their_own_order_are_kept() {
    let repeated =
        b"date,item,quantity,price\n2024-03-01,,1,3.50\n2024-03-01,,1,3.50\n2024-03-01,,1,3.50\n";
    assert_eq!(run(repeated, &opts()).lines.len(), 3);
    let ordered = b"Date,Time,Transaction ID,Item,Qty,Net Sales\n2024-03-01,09:00,T1,Latte,1,3.50\n2024-03-01,09:05,T2,,1,3.50\n";
    let p = run(ordered, &opts());
    assert_eq!(p.lines.len(), 2);
    assert_eq!(p.summary.skipped.summary_rows, 0);
}

#[test]
fn a_guests_column_beside_an_item_column_does_not_make_a_visitors_file() {
    let p = run(
        b"Date,Guests,Item,Amount\n2024-03-01,2,Latte,3.50\n2024-03-01,4,Scone,2.00\n",
        &opts(),
    );
    let items: Vec<&str> = p.lines.iter().map(|l| l.item.as_str()).collect();
    assert_eq!(items, ["Latte", "Scone"]);
    assert_eq!(sum_totals(&p), dec("5.50"));
}

#[test]
fn refunds_take_money_back_however_the_export_signs_them() {
    let cases: [(&[u8], &str); 3] = [
        // Negative quantity, positive amount, event type says return.
        (
            b"Sale ID,Date,Item,Quantity,Price,Total,Type\n1,2024-03-01 10:00,Latte,1,3.50,3.50,SALE\n2,2024-03-01 10:05,Latte,-1,3.50,3.50,RETURN\n",
            "0.00",
        ),
        // Positive numbers on a return row, money from gross minus discount.
        (
            b"Sale ID,Date,Item,Quantity,Gross Sales,Discount,Type\n1,2024-03-01 10:00,Latte,1,10.00,2.00,SALE\n2,2024-03-01 10:05,Latte,1,10.00,2.00,RETURN\n",
            "0.00",
        ),
        // Negative numbers throughout, discount negative too.
        (
            b"Date,Order,Item,Qty,Gross sales,Discounts\n2024-03-01,1,Latte,1,10.00,2.00\n2024-03-01,2,Latte,-1,-10.00,-2.00\n",
            "0.00",
        ),
    ];
    for (csv, revenue) in cases {
        let p = run(csv, &opts());
        assert_eq!(p.lines.len(), 2);
        assert_eq!(sum_quantities(&p), Decimal::ZERO);
        assert_eq!(
            sum_totals(&p),
            dec(revenue),
            "{}",
            String::from_utf8_lossy(csv)
        );
    }
}

#[test]
fn period_summary_refunds_dashes_and_full_refunds() {
    let period = opts().with_period_date(day(2024, 3, 31));
    // A refunded amount with money from price × units sold.
    let p = run(
        b"Item name,Items sold,Price,Refunds\nLatte,3,3.50,3.50\n",
        &period,
    );
    assert_eq!(sum_totals(&p), dec("7.00"));
    // A dash is no quantity, not one unit.
    let p = run(b"Item name,Items sold,Net sales\nLatte,-,7.00\n", &period);
    assert_eq!(p.lines[0].quantity, None);
    // Sold and refunded in full: no sale.
    let p = run(
        b"Item name,Items sold,Gross sales,Items refunded,Refunds,Net sales\nLatte,1,3.00,1,3.00,0.00\nTea,2,4.00,0,0.00,4.00\n",
        &period,
    );
    assert_eq!(p.lines.len(), 1);
    assert_eq!(p.summary.skipped.not_a_sale, 1);
    // Plural and named totals are summaries.
    let p = run(
        b"Item name,Items sold,Net sales\nLatte,2,7.00\nScone,1,2.00\nGrand Totals,3,9.00\nSubtotals,3,9.00\nTotal Sales,3,9.00\nTotal TTC,3,9.00\nGesamtumsatz,3,9.00\n",
        &period,
    );
    assert_eq!(p.lines.len(), 2);
    assert_eq!(sum_totals(&p), dec("9.00"));
}

#[test]
fn a_refunded_yes_no_flag_is_not_a_count() {
    let p = run(
        b"Date,Order,Item,Qty,Total,Refunded\n2024-03-01,1,Latte,1,3.50,No\n2024-03-01,2,Tea,1,3.00,Yes\n",
        &opts(),
    );
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.lines.len(), 2);
}

#[test]
fn money_columns_named_with_other_words_are_reported_and_net_sales_win_over_total() {
    for header in ["Amount paid", "Coffee sales", "Festival revenue"] {
        let csv = format!("Date,Item,Qty,{header}\n2024-03-01,Latte,1,3.50\n");
        let s = flux_ingest::sniff(csv.as_bytes()).expect("sniff");
        assert_eq!(
            s.unmapped,
            [UnmappedColumn {
                header: header.to_owned(),
                kind: UnmappedKind::Money
            }],
            "{header}"
        );
    }
    let p = run(
        b"Date,Item,Qty,Net sales,Tax,Total\n2024-03-01,Latte,1,3.50,0.35,3.85\n",
        &opts(),
    );
    assert_eq!(sum_totals(&p), dec("3.50"), "revenue excludes tax");
}

#[test]
fn daily_totals_without_dishes_are_refused_with_what_to_export_instead() {
    let csv = b"Date,Gross sales,Refunds,Discounts,Net sales,Cost of goods,Gross profit,Margin,Taxes\n20/05/2026,93.20,1.00,0.00,92.20,20.54,71.66,77.72%,0.00\n";
    match parse_bytes(csv, &opts()).err() {
        Some(e @ IngestError::NoItems { .. }) => {
            let msg = e.to_string();
            assert!(
                msg.contains("no dishes") && msg.contains("item-level"),
                "{msg}"
            );
        }
        other => panic!("expected NoItems, got {other:?}"),
    }
    // A file of dates and something else entirely is still just unknown.
    assert!(matches!(
        parse_bytes(b"Datum,KielerWoche\n2024-01-01,1\n", &opts()).err(),
        Some(IngestError::UnrecognisedLayout { .. })
    ));
}
