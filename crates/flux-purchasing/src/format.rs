//! Number formatting for the human sentences in service levels, order
//! lines and notes. Display only: nothing here feeds back into a figure.

use rust_decimal::Decimal;

/// A demand quantity with as many decimals as its size warrants:
/// 0.06, 2.5, 12.4, 150.
pub(crate) fn qty(x: f64) -> String {
    let decimals = match x.abs() {
        a if a < 1.0 => 2,
        a if a < 100.0 => 1,
        _ => 0,
    };
    trim(format!("{x:.decimals$}"))
}

/// A share as a percentage: "75 %", "97.5 %".
pub(crate) fn pct(share: f64) -> String {
    let p = share * 100.0;
    if (p - p.round()).abs() < 0.05 {
        format!("{p:.0} %")
    } else {
        format!("{p:.1} %")
    }
}

/// An exact quantity without trailing zeros: "5", "0.25".
pub(crate) fn dec(x: Decimal) -> String {
    x.normalize().to_string()
}

/// Money with two decimals, as on an invoice.
pub(crate) fn money(x: Decimal) -> String {
    format!("{:.2}", x.round_dp(2))
}

/// "1 day", "3 days".
pub(crate) fn days(n: u32) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

fn trim(s: String) -> String {
    if s.contains('.') {
        let t = s.trim_end_matches('0').trim_end_matches('.');
        if t == "-0" {
            "0".to_owned()
        } else {
            t.to_owned()
        }
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_keep_meaningful_digits() {
        assert_eq!(qty(0.06), "0.06");
        assert_eq!(qty(2.5), "2.5");
        assert_eq!(qty(12.43), "12.4");
        assert_eq!(qty(6.0), "6");
        assert_eq!(qty(150.2), "150");
        assert_eq!(qty(0.0), "0");
    }

    #[test]
    fn percentages_drop_needless_decimals() {
        assert_eq!(pct(0.75), "75 %");
        assert_eq!(pct(0.975), "97.5 %");
        assert_eq!(pct(0.99), "99 %");
    }

    #[test]
    fn money_has_two_decimals() {
        assert_eq!(money(Decimal::new(1234, 1)), "123.40");
        assert_eq!(money(Decimal::from(150)), "150.00");
    }
}
