//! How uploads spell a date order: the forms, the API and `flux import`
//! all go through `parse_date_order`.

use flux_app::uploads::{date_order_codes, parse_date_order};
use flux_ingest::DateOrder;

#[test]
fn short_and_long_spellings_and_auto() {
    assert_eq!(parse_date_order("dmy"), Ok(Some(DateOrder::Dmy)));
    assert_eq!(parse_date_order(" MDY "), Ok(Some(DateOrder::Mdy)));
    assert_eq!(parse_date_order("day-month"), Ok(Some(DateOrder::Dmy)));
    assert_eq!(parse_date_order("month_day"), Ok(Some(DateOrder::Mdy)));
    assert_eq!(parse_date_order("auto"), Ok(None));
    assert_eq!(parse_date_order(""), Ok(None));
}

#[test]
fn unknown_orders_list_what_is_accepted() {
    let err = parse_date_order("dym").expect_err("not an order");
    assert!(err.contains("\"dym\""), "{err}");
    for code in date_order_codes() {
        assert!(err.contains(code), "{err} lacks {code}");
    }
}

#[test]
fn every_offered_code_parses() {
    let codes = date_order_codes();
    assert!(
        codes.contains(&"dmy") && codes.contains(&"mdy"),
        "{codes:?}"
    );
    for code in codes {
        assert!(matches!(parse_date_order(code), Ok(Some(_))), "{code}");
    }
}
