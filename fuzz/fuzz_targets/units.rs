//! Units and quantities as typed in recipes and supplier invoices
//! ("2 kg", "250g", "1.5 fl oz", "2,5 kg", "Kilogram").
#![no_main]

use flux_costing::measure::Quantity;
use flux_costing::units::Unit;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(unit) = Unit::parse(text) {
        // A unit's own name always reads back as the same unit.
        assert_eq!(Unit::parse(&unit.to_string()).ok(), Some(unit), "{text:?}");
    }
    if let Ok(q) = Quantity::parse(text) {
        assert!(!q.amount().is_sign_negative() || q.amount().is_zero(), "{text:?}");
    }
});
