//! Real-world export layouts, generated here with invented values in the
//! shape the vendors write: header names and order, preamble, section and
//! total rows, number and date styles. Each test checks rows read, stored
//! and skipped by reason, and the totals against the file's own totals row
//! (or, where the export has none, against the sum of its lines).

use crate::common::{day, dec, opts, run, workbook, Parsed};
use flux_ingest::{parse_bytes, DateOrder, Format, IngestError, UnmappedColumn, UnmappedKind};
use rust_decimal::Decimal;

fn sum_totals(p: &Parsed) -> Decimal {
    p.lines.iter().filter_map(|l| l.line_total).sum()
}

fn sum_quantities(p: &Parsed) -> Decimal {
    p.lines.iter().filter_map(|l| l.quantity).sum()
}

/// Encodes text as Windows-1252 for the characters used here (Latin-1).
fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1 test text"))
        .collect()
}

#[test]
fn loyverse_receipts_by_item() {
    let csv = "Date,Receipt number,Receipt type,Category,SKU,Item,Variant,Modifiers applied,Quantity,Gross sales,Discounts,Net sales,Cost of goods,Gross profit,Taxes,Dining option,POS,Store,Cashier name,Customer name,Customer contacts,Comment,Status\n\
7/28/24 1:33 PM,4-1021,Sale,Coffee,10004,Flat White,Large,Oat milk,1.000,4.50,0.00,4.50,1.10,3.40,0.00,Dine in,POS 1,Corner Cafe,Anna,,,,Closed\n\
7/28/24 1:33 PM,4-1021,Sale,Bakery,20001,Croissant,,,2.000,6.00,0.60,5.40,2.00,3.40,0.00,Dine in,POS 1,Corner Cafe,Anna,,,,Closed\n\
7/28/24 2:05 PM,4-1022,Refund,Bakery,20001,Croissant,,,-1.000,-3.00,0.00,-3.00,-1.00,-2.00,0.00,Dine in,POS 1,Corner Cafe,Anna,,,,Closed\n\
7/28/24 2:10 PM,4-1023,Sale,Coffee,10001,Espresso,,,1.000,2.50,0.00,2.50,0.50,2.00,0.00,Takeout,POS 1,Corner Cafe,Anna,,,,Cancelled\n";
    let p = run(csv.as_bytes(), &opts());
    let s = &p.summary;
    assert_eq!(s.sniffed.format, Format::Transactions);
    assert_eq!(s.sniffed.date_order.order, DateOrder::Mdy);
    assert_eq!(s.sniffed.mapping.total.as_deref(), Some("Net sales"));
    assert_eq!(
        s.sniffed.mapping.gross_total.as_deref(),
        Some("Gross sales")
    );
    assert_eq!(s.sniffed.mapping.event_type.as_deref(), Some("Status"));
    assert_eq!(s.sniffed.mapping.location.as_deref(), Some("Store"));
    assert!(s.sniffed.unmapped.is_empty(), "{:?}", s.sniffed.unmapped);
    assert_eq!((s.rows_read, s.parsed, s.errored), (4, 3, 0));
    assert_eq!(s.skipped.voided, 1, "the cancelled receipt");
    let croissant = &p.lines[1];
    assert_eq!(croissant.unit_price, Some(dec("3")));
    assert_eq!(croissant.line_total, Some(dec("5.40")));
    assert!(croissant.promo);
    assert_eq!(croissant.category.as_deref(), Some("Bakery"));
    let refund = &p.lines[2];
    assert_eq!(refund.quantity, Some(dec("-1")));
    assert_eq!(refund.line_total, Some(dec("-3.00")));
    assert_eq!(
        p.lines[0].local_time.map(|t| t.to_string()).as_deref(),
        Some("2024-07-28 13:33:00")
    );
    // No totals row in this export: net sales of the kept lines.
    assert_eq!(sum_totals(&p), dec("6.90"));
    assert_eq!(sum_quantities(&p), dec("2"));
}

#[test]
fn loyverse_item_sales_summary() {
    let csv = "Item name,SKU,Category,Items sold,Gross sales,Items refunded,Refunds,Discounts,Net sales,Cost of goods,Gross profit,Margin,Taxes\n\
Flat White,10004,Coffee,212.000,954.00,2.000,9.00,12.50,932.50,233.20,699.30,75.00%,0.00\n\
Croissant,20001,Bakery,140.000,420.00,0.000,0.00,0.00,420.00,140.00,280.00,66.67%,0.00\n\
Iced Tea,30001,Drinks,0.000,0.00,0.000,0.00,0.00,0.00,0.00,0.00,0.00%,0.00\n";
    let err = parse_bytes(csv.as_bytes(), &opts())
        .err()
        .expect("needs a date");
    assert!(
        matches!(
            err,
            IngestError::PeriodDateRequired {
                format: Format::PeriodSummary,
                period: None
            }
        ),
        "{err}"
    );
    let p = run(csv.as_bytes(), &opts().with_period_date(day(2024, 7, 31)));
    let s = &p.summary;
    assert!(s.sniffed.unmapped.is_empty(), "{:?}", s.sniffed.unmapped);
    assert_eq!((s.rows_read, s.parsed, s.errored), (3, 2, 0));
    assert_eq!(s.skipped.not_a_sale, 1, "listed but not sold");
    assert_eq!(
        p.lines[0].quantity,
        Some(dec("210")),
        "212 sold, 2 refunded"
    );
    assert_eq!(p.lines[0].category.as_deref(), Some("Coffee"));
    assert_eq!(sum_totals(&p), dec("1352.50"));
    assert_eq!(sum_quantities(&p), dec("350"));
}

#[test]
fn toast_all_items_report() {
    let csv = "Master ID,Item ID,Parent ID,Menu Name,Menu Group,Subgroup,Menu Item,Tags,Avg Price,Item Qty (incl voids),% of Ttl Qty (incl voids),Gross Amount (incl voids),% of Ttl Amt (incl voids),Item Qty,Gross Amount,Void Qty,Void Amount,Discount Amount,Net Amount,# Orders,% of Ttl # Orders,% Qty (Group),% Qty (Menu),% Qty (All),% Net Amt (Group),% Net Amt (Menu),% Net Amt (All)\n\
400000001,400000101,,Dinner,Tacos,,Fish Tacos,,14.00000,32.00000,4.10000,448.00,5.20000,31.00000,434.00,1.00000,14.00,0.00,434.00,27,3.90000,22.50000,6.10000,3.90000,21.40000,6.30000,4.80000\n\
400000002,400000102,,Dinner,Tacos,,Veggie Tacos,,12.00000,0.00000,0.00000,0.00,0.00000,0.00000,0.00,0.00000,0.00,0.00,0.00,0,0.00000,0.00000,0.00000,0.00000,0.00000,0.00000,0.00000\n\
400000003,400000103,,Bar,Cocktails,,House Margarita,,12.00000,20.00000,2.50000,240.00,2.80000,20.00000,240.00,0.00000,0.00,24.00,216.00,15,2.10000,30.00000,8.00000,2.50000,28.00000,7.90000,2.40000\n";
    let p = run(csv.as_bytes(), &opts().with_period_date(day(2024, 10, 8)));
    let s = &p.summary;
    assert_eq!(s.sniffed.format, Format::PeriodSummary);
    let m = &s.sniffed.mapping;
    assert_eq!(m.item.as_deref(), Some("Menu Item"));
    assert_eq!(
        m.quantity.as_deref(),
        Some("Item Qty"),
        "not the count incl. voids"
    );
    assert_eq!(m.gross_total.as_deref(), Some("Gross Amount"));
    assert_eq!(m.total.as_deref(), Some("Net Amount"));
    assert_eq!(m.category.as_deref(), Some("Menu Group"));
    assert!(s.sniffed.unmapped.is_empty(), "{:?}", s.sniffed.unmapped);
    assert_eq!((s.rows_read, s.parsed, s.errored), (3, 2, 0));
    assert_eq!(s.skipped.not_a_sale, 1);
    assert_eq!(p.lines[0].unit_price, Some(dec("14")));
    assert_eq!(p.lines[1].unit_price, Some(dec("12")));
    assert!(p.lines[1].promo);
    assert_eq!(sum_totals(&p), dec("650.00"));
    assert_eq!(sum_quantities(&p), dec("51"));
}

#[test]
fn toast_product_mix_with_group_and_menu_rollups() {
    let csv = "Menu Item,Menu Group,Menu,Avg Price,Item Qty,Gross Amount,Void Qty,Void Amount,Discount Amount,Net Amount,# Orders,Tax\n\
Espresso Martini,Classic Cocktails,Cocktails,$16.00,51,\"$816.00\",0,$0.00,$16.00,\"$800.00\",24,$64.00\n\
Negroni,Classic Cocktails,Cocktails,$14.00,10,$140.00,0,$0.00,$0.00,$140.00,9,$11.20\n\
,Classic Cocktails,Cocktails,$15.67,61,$956.00,0,$0.00,$16.00,$940.00,33,$75.20\n\
,,Cocktails,$15.67,61,$956.00,0,$0.00,$16.00,$940.00,33,$75.20\n\
Fries,Sides,Dinner,$5.00,12,$60.00,1,$5.00,$0.00,$60.00,11,$4.80\n\
Open Drink,No Menu Group,No Menu,$0.00,0,$0.00,0,$0.00,$0.00,$0.00,0,$0.00\n\
,Sides,Dinner,$5.00,12,$60.00,1,$5.00,$0.00,$60.00,11,$4.80\n\
,,Dinner,$5.00,12,$60.00,1,$5.00,$0.00,$60.00,11,$4.80\n\
Total,,,$13.70,73,\"$1,016.00\",1,$5.00,$16.00,\"$1,000.00\",44,$80.00\n";
    let p = run(csv.as_bytes(), &opts().with_period_date(day(2024, 10, 8)));
    let s = &p.summary;
    assert_eq!(s.sniffed.format, Format::PeriodSummary);
    assert_eq!((s.rows_read, s.parsed, s.errored), (9, 3, 0));
    assert_eq!(s.skipped.summary_rows, 5, "2 group, 2 menu roll-ups, total");
    assert_eq!(s.skipped.not_a_sale, 1);
    let items: Vec<&str> = p.lines.iter().map(|l| l.item.as_str()).collect();
    assert_eq!(items, ["Espresso Martini", "Negroni", "Fries"]);
    // The file's Total row: 73 units, $1,000.00 net.
    assert_eq!(sum_quantities(&p), dec("73"));
    assert_eq!(sum_totals(&p), dec("1000.00"));
}

#[test]
fn square_items_detail_resaved_through_a_spreadsheet() {
    // Dates became M/D/YYYY, money got accounting style with a trailing
    // space, negatives in brackets, and one time lost its column value.
    let csv = "Date,Time,Time Zone,Category,Item,Qty,Price Point Name,SKU,Modifiers Applied,Gross Sales,Discounts,Net Sales,Tax,Transaction ID,Payment ID,Device Name,Notes,Details,Event Type,Location,Dining Option,Customer ID,Customer Name,Customer Reference ID\n\
7/18/2024,2:30:00 PM,,Coffee,Oat Latte,1,Large,,Extra Shot,$6.50 ,$0.00 ,$6.50 ,$0.52 ,TXN0001AAA,PAY0001AAA,Front Counter,,,Payment,Corner Cafe,,,,\n\
7/18/2024,2:30:00 PM,,Bakery,Croissant,2,Regular,,,$7.00 ,($0.70),$6.30 ,$0.50 ,TXN0001AAA,PAY0001AAA,Front Counter,,,Payment,Corner Cafe,,,,\n\
7/18/2024,,,Catering,Party Tray,1,Regular,,,\"$1,149.00 \",$0.00 ,\"$1,149.00 \",$0.00 ,TXN0003CCC,PAY0003CCC,Front Counter,,,Payment,Corner Cafe,,,,\n\
7/19/2024,9:05:12 AM,,Coffee,Oat Latte,1,Large,,,($6.50),$0.00 ,($6.50),($0.52),TXN0002BBB,PAY0002BBB,Front Counter,,,Refund,Corner Cafe,,,,\n";
    let p = run(csv.as_bytes(), &opts());
    let s = &p.summary;
    assert_eq!(s.sniffed.format, Format::Square);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert!(s.sniffed.unmapped.is_empty(), "{:?}", s.sniffed.unmapped);
    assert_eq!((s.rows_read, s.parsed, s.errored), (4, 4, 0));
    assert_eq!(p.lines[0].business_date, day(2024, 7, 18));
    assert_eq!(
        p.lines[0]
            .local_time
            .map(|t| t.time().to_string())
            .as_deref(),
        Some("14:30:00")
    );
    assert_eq!(p.lines[1].unit_price, Some(dec("3.5")));
    assert!(p.lines[1].promo);
    assert_eq!(p.lines[2].line_total, Some(dec("1149.00")));
    assert_eq!(p.lines[2].local_time, None);
    assert_eq!(p.lines[3].quantity, Some(dec("-1")));
    assert_eq!(p.lines[3].line_total, Some(dec("-6.50")));
    assert_eq!(sum_totals(&p), dec("1155.30"));
}

#[test]
fn square_item_sales_summary_reports_the_money_it_leaves_out() {
    let csv = "Item Name,Item Variation,SKU,Category,Items Sold,Product Sales,Items Refunded,Refunds,Discounts & Comps,Net Sales,Tax,Gross Sales,Units Sold\n\
Oat Latte,Regular,,Coffee,277,\"£1,108.00\",2,£8.00,-£20.00,\"£1,080.00\",£180.00,\"£1,260.00\",277\n\
Croissant,Regular,,Bakery,65,£195.00,0,£0.00,£0.00,£195.00,£32.50,£227.50,65\n";
    let p = run(csv.as_bytes(), &opts().with_period_date(day(2024, 3, 31)));
    let s = &p.summary;
    assert_eq!(s.sniffed.format, Format::PeriodSummary);
    assert_eq!(
        s.sniffed.mapping.gross_total.as_deref(),
        Some("Product Sales")
    );
    assert_eq!(
        s.sniffed.mapping.discount.as_deref(),
        Some("Discounts & Comps")
    );
    assert_eq!(
        s.sniffed.unmapped,
        vec![UnmappedColumn {
            header: "Gross Sales".into(),
            kind: UnmappedKind::Money
        }],
        "Units Sold repeats Items Sold; Gross Sales (net + tax) is left out"
    );
    assert_eq!((s.rows_read, s.parsed), (2, 2));
    assert_eq!(p.lines[0].quantity, Some(dec("275")));
    assert_eq!(p.lines[0].unit_price, Some(dec("4")));
    assert_eq!(sum_totals(&p), dec("1275.00"));
}

fn clover_items_report() -> String {
    "Items Report\n\
\"Jul 1, 2024 12:00 AM - Jul 31, 2024 11:59 PM\"\n\
\"Requested on: Aug 4, 2024 11:12 AM\"\n\
Filters: Item Type = Revenue Items\n\
\n\
Categories: All\n\
\"Net Sales are shown after discounts and refunds, before taxes.\"\n\
\n\
Gross Sales,\"$1,100.00\"\n\
Net Sales,\"$1,000.00\"\n\
COGS,$0.00\n\
\n\
Category Name,Name,Gross Sales,Net Sales,Sold,Refunded,Modifier Name,Modifier Sold,Modifier Amount,Discounts,Refunds,% Net Sales,Avg Item Size,COGS,Gross Profit\n\
Ice Cream\n\
,Kids Scoop,\"$500.00\",\"$480.00\",100,0,\" \",\" \",-,-$20.00,$0.00,48.0%,$4.80,-,-\n\
,,,\" \",\" \",\" \",Sprinkles,10,$9.90,\" \",\" \",\" \",\" \",\" \",\" \"\n\
,Regular Scoop,\"$220.00\",\"$220.00\",40,0,\"\u{a0}\",\"\u{a0}\",-,$0.00,$0.00,22.0%,$5.50,-,-\n\
Total (Ice Cream),,\"$720.00\",\"$700.00\",140,0,-,10,$9.90,-$20.00,$0.00,70.0%,$5.00,-,-\n\
\n\
Liquor: Call\n\
,Americano,\"$380.00\",\"$300.00\",82,2,\" \",\" \",-,-$64.00,-$16.00,30.0%,$3.66,-,-\n\
Total (Liquor: Call),,\"$380.00\",\"$300.00\",82,2,-,0,$0.00,-$64.00,-$16.00,30.0%,$3.66,-,-\n\
\n\
TOTAL,,\"$1,100.00\",\"$1,000.00\",222,2,-,10,$9.90,-$84.00,-$16.00,100.0%,$4.50,-,-\n"
        .to_owned()
}

#[test]
fn clover_items_report_applies_section_categories() {
    let csv = clover_items_report();
    let err = parse_bytes(csv.as_bytes(), &opts())
        .err()
        .expect("needs a date");
    let msg = err.to_string();
    assert!(
        msg.contains("Jul 1, 2024 12:00 AM - Jul 31, 2024 11:59 PM"),
        "{msg}"
    );
    assert!(!msg.contains("Clover"), "{msg}");

    let p = run(csv.as_bytes(), &opts().with_period_date(day(2024, 7, 31)));
    let s = &p.summary;
    assert_eq!(s.sniffed.format, Format::PeriodSummary);
    assert_eq!(s.sniffed.header_line, 13);
    assert_eq!(s.preamble_rows, 12);
    assert!(s.sniffed.unmapped.is_empty(), "{:?}", s.sniffed.unmapped);
    assert_eq!((s.rows_read, s.parsed, s.errored), (11, 3, 0));
    assert_eq!(
        s.skipped.summary_rows, 3,
        "two category totals, the grand total"
    );
    assert_eq!(
        s.skipped.no_data, 3,
        "two section headings, one modifier row"
    );
    assert_eq!(s.skipped.blank, 2);
    let cats: Vec<(&str, Option<&str>)> = p
        .lines
        .iter()
        .map(|l| (l.item.as_str(), l.category.as_deref()))
        .collect();
    assert_eq!(
        cats,
        [
            ("Kids Scoop", Some("Ice Cream")),
            ("Regular Scoop", Some("Ice Cream")),
            ("Americano", Some("Liquor: Call")),
        ]
    );
    assert_eq!(p.lines[2].quantity, Some(dec("80")), "82 sold, 2 refunded");
    // The TOTAL row: 222 sold, 2 refunded, $1,000.00 net.
    assert_eq!(sum_quantities(&p), dec("220"));
    assert_eq!(sum_totals(&p), dec("1000.00"));
}

#[test]
fn clover_items_report_as_a_workbook() {
    let csv = clover_items_report();
    let rows: Vec<Vec<String>> = csv
        .lines()
        .map(|l| {
            // Good enough for this fixture: split on commas outside quotes.
            let mut cells = vec![String::new()];
            let mut quoted = false;
            for c in l.chars() {
                match c {
                    '"' => quoted = !quoted,
                    ',' if !quoted => cells.push(String::new()),
                    c => cells.last_mut().expect("one cell").push(c),
                }
            }
            cells
        })
        .collect();
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let padded: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| {
            let mut v: Vec<&str> = r.iter().map(String::as_str).collect();
            v.resize(width, "");
            v
        })
        .collect();
    let book = workbook(&padded);
    let p = run(&book, &opts().with_period_date(day(2024, 7, 31)));
    let s = &p.summary;
    assert_eq!(s.sniffed.container, flux_ingest::Container::Xlsx);
    assert_eq!((s.parsed, s.errored), (3, 0));
    assert_eq!(s.skipped.summary_rows, 3);
    assert_eq!(p.lines[0].category.as_deref(), Some("Ice Cream"));
    assert_eq!(sum_totals(&p), dec("1000"));
}

#[test]
fn german_back_office_report_with_title_and_period() {
    let text = "Artikelumsatz je Bon\r\n\
Filiale;Café Central\r\n\
Zeitraum;01.03.2024 bis 31.03.2024\r\n\
;\r\n\
Datum;Uhrzeit;Bon-Nr.;Warengruppe;Artikel;Menge;Einzelpreis;Gesamt\r\n\
01.03.2024;08:15;1001;Heißgetränke;Cappuccino;2;3,20;6,40\r\n\
01.03.2024;08:15;1001;Backwaren;Croissant;1;2,10;2,10\r\n\
15.03.2024;12:40;1002;Speisen;Total Burger;1;12,90;12,90\r\n\
15.03.2024;12:41;1003;Heißgetränke;Espresso;-1;2,50;-2,50\r\n\
;;;;Summe;3;;18,90\r\n";
    let p = run(&latin1(text), &opts().with_locale("de-DE"));
    let s = &p.summary;
    assert_eq!(s.sniffed.delimiter, Some(';'));
    assert_eq!(s.sniffed.header_line, 5);
    assert_eq!(s.preamble_rows, 4);
    assert_eq!(
        s.sniffed.period.as_deref(),
        Some("01.03.2024 bis 31.03.2024")
    );
    assert_eq!(s.sniffed.date_order.order, DateOrder::Dmy);
    let m = &s.sniffed.mapping;
    assert_eq!(m.order_id.as_deref(), Some("Bon-Nr."));
    assert_eq!(m.category.as_deref(), Some("Warengruppe"));
    assert_eq!(m.unit_price.as_deref(), Some("Einzelpreis"));
    assert_eq!(m.total.as_deref(), Some("Gesamt"));
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!((s.rows_read, s.parsed), (5, 4));
    assert_eq!(s.skipped.summary_rows, 1);
    assert_eq!(p.lines[0].category.as_deref(), Some("Heißgetränke"));
    assert_eq!(p.lines[2].item, "Total Burger");
    assert_eq!(p.lines[2].business_date, day(2024, 3, 15));
    // The Summe row: 3 units, 18,90.
    assert_eq!(sum_quantities(&p), dec("3"));
    assert_eq!(sum_totals(&p), dec("18.90"));
}

#[test]
fn spanish_report_with_twelve_hour_clock() {
    let csv = "Informe de ventas por artículo\n\
Periodo: 01/03/2024 - 31/03/2024\n\
Fecha;Hora;Ticket;Categoría;Artículo;Cantidad;Precio;Importe\n\
01/03/2024;8:15 a. m.;T-1;Bebidas;Café con leche;2;1,80;3,60\n\
01/03/2024;8:15 p. m.;T-2;Raciones;Patatas bravas;1;5,50;5,50\n\
02/03/2024;12:05 a. m.;T-3;Bebidas;Caña;3;2,00;6,00\n\
Total general;;;;;6;;15,10\n";
    let p = run(csv.as_bytes(), &opts().with_locale("es-ES"));
    let s = &p.summary;
    assert_eq!(s.sniffed.format, Format::Transactions);
    assert_eq!(s.sniffed.period.as_deref(), Some("01/03/2024 - 31/03/2024"));
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!((s.rows_read, s.parsed), (4, 3));
    assert_eq!(s.skipped.summary_rows, 1);
    let times: Vec<String> = p
        .lines
        .iter()
        .map(|l| l.local_time.map(|t| t.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(
        times,
        [
            "2024-03-01 08:15:00",
            "2024-03-01 20:15:00",
            "2024-03-02 00:05:00"
        ]
    );
    // Five past midnight belongs to the evening before.
    assert_eq!(p.lines[2].business_date, day(2024, 3, 1));
    assert_eq!(sum_quantities(&p), dec("6"));
    assert_eq!(sum_totals(&p), dec("15.10"));
}

#[test]
fn sumup_sales_report_in_german() {
    let csv = "Datum,Typ,Transaktionsnummer,Zahlungsmethode,Menge,Beschreibung,Category,Sku,Währung,Preis vor Rabatt,Rabatt,Preis (brutto),Preis (netto),Steuer,Steuersatz,Konto\n\
\"12.03.2024, 12:32\",Verkauf,TXABCDEF01,MC,1,Hauptgang vegetarisch,Mittagstisch,,CHF,16.00,0.00,16.00,16.00,0.00,,kasse@example.ch\n\
\"12.03.2024, 12:40\",Verkauf,TXABCDEF02,Bar,2,Cappuccino,Heissgetränke,,CHF,9.00,0.00,9.00,8.33,0.67,8.1%,kasse@example.ch\n\
\"13.03.2024, 09:05\",Rückerstattung,TXABCDEF02,Bar,-2,Cappuccino,Heissgetränke,,CHF,-9.00,0.00,-9.00,-8.33,-0.67,8.1%,kasse@example.ch\n\
\"14.03.2024, 18:10\",Verkauf,TXABCDEF03,Visa,1,Apfelschorle,Kaltgetränke,,CHF,4.50,0.50,4.00,,0.00,,kasse@example.ch\n";
    let p = run(csv.as_bytes(), &opts().with_locale("de-CH"));
    let s = &p.summary;
    assert_eq!(s.sniffed.format, Format::Transactions);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let m = &s.sniffed.mapping;
    assert_eq!(m.item.as_deref(), Some("Beschreibung"));
    assert_eq!(m.order_id.as_deref(), Some("Transaktionsnummer"));
    assert_eq!(m.event_type.as_deref(), Some("Typ"));
    assert_eq!(m.total.as_deref(), Some("Preis (netto)"));
    assert_eq!(m.gross_total.as_deref(), Some("Preis vor Rabatt"));
    // The price with tax is not imported, and the file says so.
    assert_eq!(
        s.sniffed.unmapped,
        vec![UnmappedColumn {
            header: "Preis (brutto)".into(),
            kind: UnmappedKind::Money
        }]
    );
    assert_eq!((s.rows_read, s.parsed), (4, 4));
    assert_eq!(
        p.lines[0].local_time.map(|t| t.to_string()).as_deref(),
        Some("2024-03-12 12:32:00")
    );
    assert_eq!(p.lines[2].quantity, Some(dec("-2")), "the refund nets out");
    // No net price on the last line: gross less discount.
    assert_eq!(p.lines[3].line_total, Some(dec("4.00")));
    assert_eq!(sum_quantities(&p), dec("2"));
    assert_eq!(sum_totals(&p), dec("20.00"));
}

#[test]
fn square_items_detail_without_currency_format() {
    let csv = "Date,Time,Time Zone,Category,Item,Qty,Price Point Name,SKU,Modifiers Applied,Gross Sales,Discounts,Net Sales,Tax,Transaction ID,Payment ID,Device Name,Notes,Details,Event Type,Location\n\
10/05/2024,2:30:00 PM,,Coffee,Flat White,2,Regular,,,9.00,-1.00,8.00,0.64,T1,P1,Front,,,Payment,High St\n\
10/05/2024,2:45:00 PM,,Catering,Party Tray,1,Regular,,,\"1,149.00\",0.00,\"1,149.00\",0.00,T2,P2,Front,,,Payment,High St\n\
10/06/2024,9:00:00 AM,,Coffee,Flat White,1,Regular,,,-4.50,0.00,-4.50,-0.36,T3,P3,Front,,,Refund,High St\n";
    let p = run(csv.as_bytes(), &opts());
    let s = &p.summary;
    assert_eq!(s.sniffed.format, Format::Square);
    assert_eq!(s.sniffed.date_order.order, DateOrder::Mdy);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!((s.rows_read, s.parsed), (3, 3));
    assert_eq!(p.lines[0].business_date, day(2024, 10, 5));
    assert_eq!(p.lines[0].unit_price, Some(dec("4.5")));
    assert_eq!(p.lines[2].quantity, Some(dec("-1")));
    assert_eq!(sum_totals(&p), dec("1152.50"));
}

#[test]
fn loyverse_receipts_by_item_in_spanish_with_twelve_hour_clock() {
    let csv = "Fecha,Número de recibo,Tipo de recibo,Categoria,Artículo,Cantidad,Ventas brutas,Descuentos,Ventas netas,Costo de los bienes,TPV,Nombre del cajero,Estado\n\
19/9/2024 8:15 p.\u{202f}m.,R-1,Venta,Botana,Producto prueba,1,100,20,80,40,TPV 1,Ana,Cerrado\n\
19/9/2024 9:02 p. m.,R-2,Venta,Bebidas,Agua fresca,2,60,0,60,10,TPV 1,Ana,Cerrado\n\
19/9/2024 9:30 p. m.,R-3,Reembolso,Bebidas,Agua fresca,-1,-30,0,-30,-5,TPV 1,Ana,Cerrado\n\
19/9/2024 10:00 p. m.,R-4,Venta,Botana,Producto prueba,1,100,0,100,40,TPV 1,Ana,Cancelado\n";
    let mut o = opts().with_locale("es-MX");
    o.timezone = chrono_tz::America::Mexico_City;
    let p = run(csv.as_bytes(), &o);
    let s = &p.summary;
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let m = &s.sniffed.mapping;
    assert_eq!(m.order_id.as_deref(), Some("Número de recibo"));
    assert_eq!(m.total.as_deref(), Some("Ventas netas"));
    assert_eq!(m.gross_total.as_deref(), Some("Ventas brutas"));
    assert_eq!(m.event_type.as_deref(), Some("Estado"));
    assert_eq!((s.rows_read, s.parsed), (4, 3));
    assert_eq!(s.skipped.voided, 1, "the cancelled receipt");
    let first = &p.lines[0];
    assert_eq!(
        first.local_time.map(|t| t.to_string()).as_deref(),
        Some("2024-09-19 20:15:00")
    );
    assert_eq!(first.business_date, day(2024, 9, 19), "evening stays local");
    assert!(first.promo);
    assert_eq!(sum_quantities(&p), dec("2"));
    assert_eq!(sum_totals(&p), dec("110"));
}

#[test]
fn square_items_marked_voided_in_the_name_are_voids() {
    let csv = "Date,Time,Time Zone,Category,Item,Qty,Price Point Name,SKU,Modifiers Applied,Gross Sales,Discounts,Net Sales,Tax,Transaction ID,Payment ID,Device Name,Notes,Details,Event Type,Location\n\
2023-11-03,18:05:00,Eastern Time (US & Canada),Breads,NAN,2.0,Regular,,,$6.00,$0.00,$6.00,$0.48,T1,P1,iPad,,,Payment,Main\n\
2023-11-03,18:05:00,Eastern Time (US & Canada),Breads,NAN (Voided),2.0,Regular,,,$0.00,$0.00,$0.00,$0.00,T1,P1,iPad,,,Payment,Main\n\
2023-11-03,18:06:00,Eastern Time (US & Canada),Mains,ALOO GOBI (vegan) (Voided),1.0,Regular,,,$0.00,$0.00,$0.00,$0.00,T2,P2,iPad,,,Payment,Main\n\
2023-11-03,18:07:00,Eastern Time (US & Canada),Mains,ALOO GOBI (vegan),1.0,Regular,,,$14.00,$0.00,$14.00,$1.12,T3,P3,iPad,,,Payment,Main\n";
    let p = run(csv.as_bytes(), &opts());
    let s = &p.summary;
    assert_eq!((s.rows_read, s.parsed), (4, 2));
    assert_eq!(s.skipped.voided, 2);
    assert_eq!(p.lines[1].item, "ALOO GOBI (vegan)");
    assert_eq!(sum_quantities(&p), dec("3"));
    assert_eq!(sum_totals(&p), dec("20.00"));
}

#[test]
fn product_sales_template_with_category_blocks_and_summary_rows() {
    let csv = "\"Corner Cafe\"\n\
\"Main Street branch\"\n\
\"Printed Time:\",\"2024/07/31 23:10\"\n\
\"Start:\",\"2024/07/01 00:00\"\n\
\"End:\",\"2024/07/31 23:59\"\n\
\n\
\"Product No.\",\"Product Name\",\"Avg. Price\",\"Qty\",\"Total\"\n\
\"C001\",\"Latte\",\"3.50\",\"120\",\"420.00\"\n\
\"C002\",\"Espresso\",\"2.50\",\"80\",\"200.00\"\n\
\"\",\"\",\"Summary:\",\"200\",\"620.00\"\n\
\"'02\",\"Bakery\"\n\
\"Product No.\",\"Product Name\",\"Avg. Price\",\"Qty\",\"Total\"\n\
\"B001\",\"Scone\",\"2.00\",\"30\",\"60.00\"\n\
\"B002\",\"Muffin\",\"2.50\",\"12\",\"3.0E1\"\n\
\"\",\"\",\"Summary:\",\"42\",\"90.00\"\n\
\"Records Found: 4\",\"\",\"Summary:\",\"242\",\"710.00\"\n";
    let p = run(csv.as_bytes(), &opts().with_period_date(day(2024, 7, 31)));
    let s = &p.summary;
    assert_eq!(s.sniffed.format, Format::PeriodSummary);
    assert_eq!(s.sniffed.header_line, 7);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert!(s.sniffed.unmapped.is_empty(), "{:?}", s.sniffed.unmapped);
    assert_eq!((s.rows_read, s.parsed), (9, 4));
    assert_eq!(s.skipped.summary_rows, 3);
    assert_eq!(s.skipped.no_data, 2, "block heading and repeated header");
    assert_eq!(p.lines[2].category.as_deref(), Some("Bakery"));
    assert_eq!(p.lines[3].line_total, Some(dec("30")));
    // The last Summary row: 242 units, 710.00.
    assert_eq!(sum_quantities(&p), dec("242"));
    assert_eq!(sum_totals(&p), dec("710.00"));
}

/// Square's spreadsheet-friendly download in some countries is UTF-16 with
/// tabs; it reads exactly like the UTF-8 export.
#[test]
fn utf16_tab_separated_exports_read_like_utf8() {
    let text = "Date\tTime\tCategory\tItem\tQty\tGross Sales\tDiscounts\tNet Sales\tTransaction ID\tEvent Type\n\
2024-03-01\t12:01:00\tCoffee\tFlat White\t2\t£7.00\t£0.00\t£7.00\tT1\tPayment\n\
2024-03-01\t12:05:00\tBakery\tPain au chocolat\t1\t£3.20\t-£0.20\t£3.00\tT2\tPayment\n\
2024-03-02\t09:30:00\tCoffee\tCrème brûlée latte\t1\t£4.50\t£0.00\t£4.50\tT3\tPayment\n";
    for (bom, wide) in [
        ([0xFF, 0xFE], u16::to_le_bytes as fn(u16) -> [u8; 2]),
        ([0xFE, 0xFF], u16::to_be_bytes as fn(u16) -> [u8; 2]),
    ] {
        let mut bytes = bom.to_vec();
        bytes.extend(text.encode_utf16().flat_map(wide));
        let opts = flux_ingest::ParseOptions::new(
            chrono_tz::Europe::London,
            chrono::NaiveDate::from_ymd_opt(2024, 6, 1).expect("date"),
        );
        let mut reader = flux_ingest::parse_bytes(&bytes, &opts).expect("readable");
        let lines: Vec<_> = reader.by_ref().map(|l| l.expect("line")).collect();
        let summary = reader.finish();
        assert_eq!(summary.sniffed.format, flux_ingest::Format::Square);
        assert!(summary
            .sniffed
            .encoding
            .is_some_and(|e| e.to_string().starts_with("UTF-16")));
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[2].item, "Crème brûlée latte");
        let revenue: rust_decimal::Decimal = lines.iter().filter_map(|l| l.line_total).sum();
        assert_eq!(revenue.to_string(), "14.50");
        let sniffed = flux_ingest::sniff(&bytes).expect("sniff");
        assert_eq!(sniffed.delimiter, Some('\t'));
    }
}
