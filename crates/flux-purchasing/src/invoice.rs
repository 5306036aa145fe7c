//! Three-way match of a supplier's invoice: what was ordered, what was
//! received and what was invoiced, line by line, with credit notes netted
//! off, and every difference named.
//!
//! Quantities are in the ingredient's base unit and prices per base unit,
//! so a supplier billing in cases and a receipt counted in kilograms
//! compare directly; the caller converts packs with the pack size. Money is
//! exact decimal arithmetic; nothing here rounds except the percentage of
//! a price change (to 0.1 %).
//!
//! Lines are keyed by the caller's ingredient key `K`. Invoice lines nobody
//! could match to an ingredient (`key: None`) come back as
//! [`Issue::UnknownLine`] and are never merged with each other.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

/// A purchase-order line as ordered and (once the order arrived) received.
#[derive(Debug, Clone, PartialEq)]
pub struct Ordered<K> {
    pub key: K,
    pub name: String,
    pub quantity: Decimal,
    /// Per base unit, as the order priced it.
    pub unit_price: Decimal,
    /// `None` until the order is received.
    pub received: Option<Decimal>,
    /// Of what was received, what went back (returned, or damaged on
    /// arrival) with a credit note: billing it is not owed.
    pub returned: Decimal,
}

/// An invoice or credit-note line, converted to base units.
#[derive(Debug, Clone, PartialEq)]
pub struct Billed<K> {
    pub key: Option<K>,
    pub description: String,
    pub quantity: Decimal,
    /// Per base unit.
    pub unit_price: Decimal,
    pub amount: Decimal,
}

/// What is wrong with one matched line.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Issue {
    /// Less arrived than was ordered.
    ShortDelivery { missing: Decimal },
    /// More was invoiced (net of credits) than arrived: the supplier owes
    /// a credit of `amount` for `quantity`.
    BilledNotReceived { quantity: Decimal, amount: Decimal },
    /// Less was invoiced than arrived (a later invoice may follow).
    ReceivedNotBilled { quantity: Decimal },
    /// The invoiced price per base unit differs from the order's.
    PriceChange {
        ordered: Decimal,
        invoiced: Decimal,
        /// Change in percent, to 0.1.
        percent: Decimal,
    },
    /// Ordered, but not on the invoice at all.
    NotInvoiced,
    /// Invoiced but never ordered on this purchase order.
    NotOrdered,
    /// No ingredient matches this invoice line.
    UnknownLine,
    /// The line's amount is not its quantity times its price.
    AmountMismatch { expected: Decimal },
}

/// One line of the match.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Line<K> {
    pub key: Option<K>,
    pub name: String,
    pub ordered: Option<Decimal>,
    pub received: Option<Decimal>,
    /// Invoiced quantity net of credit notes.
    pub invoiced: Decimal,
    pub credited: Decimal,
    pub ordered_price: Option<Decimal>,
    /// Quantity-weighted price of the invoice lines.
    pub invoiced_price: Option<Decimal>,
    /// Invoiced amount net of credits.
    pub amount: Decimal,
    pub issues: Vec<Issue>,
}

/// The whole match.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Match<K> {
    pub lines: Vec<Line<K>>,
    /// Invoiced minus credited.
    pub net_amount: Decimal,
    /// What the supplier still owes back for goods billed and not received.
    pub credit_due: Decimal,
    /// True when no line has an issue.
    pub clean: bool,
}

/// A price change counts when it is at least this share of the ordered
/// price per base unit (0.5 %): below it is the rounding of pack prices,
/// whatever the unit (a price per gram is a thousandth of one per kg).
const PRICE_TOLERANCE: Decimal = Decimal::from_parts(5, 0, 0, false, 3); // 0.005

/// Amounts may differ from quantity × price by a cent of rounding.
const AMOUNT_TOLERANCE: Decimal = Decimal::from_parts(1, 0, 0, false, 2); // 0.01

/// Matches an order (empty when the invoice names none) against invoice
/// and credit-note lines. Ordered lines keep their order; unmatched invoice
/// lines follow in invoice order.
pub fn match_invoice<K: Ord + Clone>(
    ordered: &[Ordered<K>],
    invoiced: &[Billed<K>],
    credited: &[Billed<K>],
) -> Match<K> {
    let mut billed: BTreeMap<K, Sums> = BTreeMap::new();
    let mut first_seen: Vec<K> = Vec::new();
    let mut unknown = Vec::new();
    for b in invoiced {
        let Some(key) = &b.key else {
            unknown.push(b);
            continue;
        };
        if !billed.contains_key(key) {
            first_seen.push(key.clone());
        }
        let s = billed.entry(key.clone()).or_default();
        // Saturating: absurd inputs give absurd figures, never a panic.
        let expected = b.quantity.checked_mul(b.unit_price).unwrap_or(Decimal::MAX);
        s.quantity = s.quantity.saturating_add(b.quantity);
        s.amount = s.amount.saturating_add(b.amount);
        s.priced = s.priced.saturating_add(expected);
        if (expected - b.amount).abs() > AMOUNT_TOLERANCE {
            s.amount_off = Some(expected.round_dp(2));
        }
    }
    let mut credits: BTreeMap<K, (Decimal, Decimal)> = BTreeMap::new();
    // A credit for a line nobody matched still counts in the net amount.
    for c in credited {
        if let Some(key) = &c.key {
            let slot = credits.entry(key.clone()).or_default();
            slot.0 += c.quantity;
            slot.1 += c.amount;
        }
    }

    let has_order = !ordered.is_empty();
    let mut lines = Vec::new();
    let mut credit_due = Decimal::ZERO;
    let mut on_order: BTreeMap<&K, ()> = BTreeMap::new();
    for o in ordered {
        on_order.insert(&o.key, ());
        let sums = billed.get(&o.key);
        let (cq, ca) = credits.get(&o.key).copied().unwrap_or_default();
        let mut issues = Vec::new();
        if let Some(r) = o.received {
            if r < o.quantity {
                issues.push(Issue::ShortDelivery {
                    missing: (o.quantity - r).normalize(),
                });
            }
        }
        let line = match sums {
            None => {
                issues.push(Issue::NotInvoiced);
                Line {
                    key: Some(o.key.clone()),
                    name: o.name.clone(),
                    ordered: Some(o.quantity.normalize()),
                    received: o.received.map(|d| d.normalize()),
                    invoiced: -cq,
                    credited: cq.normalize(),
                    ordered_price: Some(o.unit_price.normalize()),
                    invoiced_price: None,
                    amount: -ca,
                    issues,
                }
            }
            Some(s) => {
                let price = weighted(s);
                if let Some(p) = price {
                    let off = (p - o.unit_price).abs();
                    let limit = (o.unit_price.abs() * PRICE_TOLERANCE).max(Decimal::new(1, 6));
                    if off >= limit {
                        issues.push(price_change(o.unit_price, p));
                    }
                }
                let net = s.quantity - cq;
                if let Some(r) = o.received {
                    let kept = (r - o.returned).max(Decimal::ZERO);
                    quantity_issues(net, kept, price, &mut issues, &mut credit_due);
                }
                if let Some(expected) = s.amount_off {
                    issues.push(Issue::AmountMismatch { expected });
                }
                Line {
                    key: Some(o.key.clone()),
                    name: o.name.clone(),
                    ordered: Some(o.quantity.normalize()),
                    received: o.received.map(|d| d.normalize()),
                    invoiced: net.normalize(),
                    credited: cq.normalize(),
                    ordered_price: Some(o.unit_price.normalize()),
                    invoiced_price: price.map(|d| d.normalize()),
                    amount: (s.amount - ca).normalize(),
                    issues,
                }
            }
        };
        lines.push(line);
    }
    for key in &first_seen {
        if on_order.contains_key(key) {
            continue;
        }
        let Some(s) = billed.get(key) else { continue };
        let (cq, ca) = credits.get(key).copied().unwrap_or_default();
        let mut issues = Vec::new();
        if has_order {
            issues.push(Issue::NotOrdered);
        }
        if let Some(expected) = s.amount_off {
            issues.push(Issue::AmountMismatch { expected });
        }
        let name = invoiced
            .iter()
            .find(|b| b.key.as_ref() == Some(key))
            .map(|b| b.description.clone())
            .unwrap_or_default();
        lines.push(Line {
            key: Some(key.clone()),
            name,
            ordered: None,
            received: None,
            invoiced: (s.quantity - cq).normalize(),
            credited: cq.normalize(),
            ordered_price: None,
            invoiced_price: weighted(s).map(|d| d.normalize()),
            amount: (s.amount - ca).normalize(),
            issues,
        });
    }
    for b in unknown {
        lines.push(Line {
            key: None,
            name: b.description.clone(),
            ordered: None,
            received: None,
            invoiced: b.quantity.normalize(),
            credited: Decimal::ZERO,
            ordered_price: None,
            invoiced_price: Some(b.unit_price.normalize()),
            amount: b.amount.normalize(),
            issues: vec![Issue::UnknownLine],
        });
    }
    let total = |lines: &[Billed<K>]| {
        lines
            .iter()
            .fold(Decimal::ZERO, |t, b| t.saturating_add(b.amount))
    };
    let (total_invoiced, total_credited) = (total(invoiced), total(credited));
    let clean = lines.iter().all(|l| l.issues.is_empty());
    Match {
        lines,
        net_amount: (total_invoiced - total_credited).normalize(),
        credit_due: credit_due.round_dp(2).normalize(),
        clean,
    }
}

#[derive(Default)]
struct Sums {
    quantity: Decimal,
    amount: Decimal,
    // Σ quantity × price: the quantity-weighted price of billed lines.
    priced: Decimal,
    amount_off: Option<Decimal>,
}

fn weighted(s: &Sums) -> Option<Decimal> {
    s.priced.checked_div(s.quantity)
}

/// `(new − old) / old` in percent to 0.1; `None` for a zero or absurd old.
fn percent_change(old: Decimal, new: Decimal) -> Option<Decimal> {
    new.checked_sub(old)?
        .checked_div(old)?
        .checked_mul(Decimal::ONE_HUNDRED)
        .map(|p| p.round_dp(1))
}

fn price_change(ordered: Decimal, invoiced: Decimal) -> Issue {
    let percent = percent_change(ordered, invoiced).unwrap_or_default();
    Issue::PriceChange {
        ordered: ordered.normalize(),
        invoiced: invoiced.normalize(),
        percent: percent.normalize(),
    }
}

fn quantity_issues(
    net: Decimal,
    received: Decimal,
    price: Option<Decimal>,
    issues: &mut Vec<Issue>,
    credit_due: &mut Decimal,
) {
    if net > received {
        let quantity = net - received;
        let amount = quantity
            .checked_mul(price.unwrap_or_default())
            .unwrap_or(Decimal::MAX)
            .round_dp(2);
        *credit_due = credit_due.saturating_add(amount);
        issues.push(Issue::BilledNotReceived {
            quantity: quantity.normalize(),
            amount: amount.normalize(),
        });
    } else if net < received {
        issues.push(Issue::ReceivedNotBilled {
            quantity: (received - net).normalize(),
        });
    }
}

/// A rise of the cost per base unit strictly above `threshold_percent`
/// (from `previous` to `new`), as a percentage to 0.1; `None` otherwise or
/// without a previous price.
pub fn price_rise(previous: Decimal, new: Decimal, threshold_percent: Decimal) -> Option<Decimal> {
    if previous <= Decimal::ZERO || new <= previous {
        return None;
    }
    // A rise too large to compute is above any threshold.
    let percent = percent_change(previous, new).unwrap_or(Decimal::MAX);
    (percent > threshold_percent).then(|| percent.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("a decimal")
    }

    fn ordered(key: u8, name: &str, q: &str, p: &str, r: Option<&str>) -> Ordered<u8> {
        Ordered {
            key,
            name: name.into(),
            quantity: d(q),
            unit_price: d(p),
            received: r.map(d),
            returned: Decimal::ZERO,
        }
    }

    fn billed(key: Option<u8>, name: &str, q: &str, p: &str) -> Billed<u8> {
        Billed {
            key,
            description: name.into(),
            quantity: d(q),
            unit_price: d(p),
            amount: (d(q) * d(p)).round_dp(2),
        }
    }

    #[test]
    fn short_delivery_billed_in_full_is_owed_back() {
        // 10 kg tomatoes ordered at 2.00, 8 arrived, 10 invoiced.
        let m = match_invoice(
            &[ordered(1, "tomatoes", "10", "2", Some("8"))],
            &[billed(Some(1), "TOMATOES 5KG", "10", "2")],
            &[],
        );
        let line = &m.lines[0];
        assert_eq!(
            line.issues,
            vec![
                Issue::ShortDelivery { missing: d("2") },
                Issue::BilledNotReceived {
                    quantity: d("2"),
                    amount: d("4")
                }
            ]
        );
        assert_eq!(m.credit_due, d("4"));
        assert_eq!(m.net_amount, d("20"));
        assert!(!m.clean);
    }

    #[test]
    fn a_credit_note_settles_the_shortage() {
        let m = match_invoice(
            &[ordered(1, "tomatoes", "10", "2", Some("8"))],
            &[billed(Some(1), "tomatoes", "10", "2")],
            &[billed(Some(1), "tomatoes short", "2", "2")],
        );
        let line = &m.lines[0];
        assert_eq!(line.invoiced, d("8"));
        assert_eq!(line.credited, d("2"));
        assert_eq!(line.amount, d("16"));
        assert_eq!(line.issues, vec![Issue::ShortDelivery { missing: d("2") }]);
        assert_eq!(m.credit_due, Decimal::ZERO);
        assert_eq!(m.net_amount, d("16"));
    }

    #[test]
    fn a_return_credited_is_not_owed_and_not_a_short_delivery() {
        let mut line = ordered(1, "cream", "6", "3", Some("6"));
        line.returned = d("1");
        let m = match_invoice(
            &[line],
            &[billed(Some(1), "cream", "6", "3")],
            &[billed(Some(1), "cream returned", "1", "3")],
        );
        assert!(m.clean, "{m:?}");
        assert_eq!(m.lines[0].received, Some(d("6")));
        assert_eq!(m.lines[0].invoiced, d("5"));
    }

    #[test]
    fn price_changes_are_named_with_their_percentage() {
        let m = match_invoice(
            &[ordered(1, "cream", "6", "3.20", Some("6"))],
            &[billed(Some(1), "cream 1l", "6", "3.52")],
            &[],
        );
        assert_eq!(
            m.lines[0].issues,
            vec![Issue::PriceChange {
                ordered: d("3.2"),
                invoiced: d("3.52"),
                percent: d("10")
            }]
        );
        // A fifth more per gram is a change, however small the figures.
        let m = match_invoice(
            &[ordered(1, "saffron", "10", "0.020", Some("10"))],
            &[billed(Some(1), "saffron", "10", "0.024")],
            &[],
        );
        assert_eq!(
            m.lines[0].issues,
            vec![Issue::PriceChange {
                ordered: d("0.02"),
                invoiced: d("0.024"),
                percent: d("20")
            }]
        );
        // Rounding of a pack price is not a change.
        let m = match_invoice(
            &[ordered(1, "cream", "6", "3.2", Some("6"))],
            &[billed(Some(1), "cream", "6", "3.201")],
            &[],
        );
        assert!(m.clean, "{m:?}");
    }

    #[test]
    fn unknown_and_unordered_lines_are_kept_and_flagged() {
        let m = match_invoice(
            &[
                ordered(1, "flour", "25", "0.8", Some("25")),
                ordered(2, "yeast", "1", "6", Some("1")),
            ],
            &[
                billed(Some(1), "flour", "25", "0.8"),
                billed(Some(3), "butter", "2", "7"),
                billed(None, "DELIVERY CHARGE", "1", "5"),
                billed(None, "PALLET DEPOSIT", "1", "12"),
            ],
            &[],
        );
        let issues: Vec<(&str, &[Issue])> = m
            .lines
            .iter()
            .map(|l| (l.name.as_str(), l.issues.as_slice()))
            .collect();
        assert_eq!(
            issues,
            vec![
                ("flour", &[][..]),
                ("yeast", &[Issue::NotInvoiced][..]),
                ("butter", &[Issue::NotOrdered][..]),
                ("DELIVERY CHARGE", &[Issue::UnknownLine][..]),
                ("PALLET DEPOSIT", &[Issue::UnknownLine][..]),
            ]
        );
        assert_eq!(m.net_amount, d("51"));
    }

    #[test]
    fn an_invoice_without_an_order_flags_only_what_it_can_know() {
        let m = match_invoice::<u8>(&[], &[billed(Some(1), "flour", "25", "0.8")], &[]);
        assert!(m.clean);
        let mut wrong = billed(Some(1), "flour", "25", "0.8");
        wrong.amount = d("25");
        let m = match_invoice(&[], &[wrong], &[]);
        assert_eq!(
            m.lines[0].issues,
            vec![Issue::AmountMismatch { expected: d("20") }]
        );
    }

    #[test]
    fn two_invoice_lines_of_one_ingredient_are_weighed_together() {
        let m = match_invoice(
            &[ordered(1, "eggs", "60", "0.25", Some("60"))],
            &[
                billed(Some(1), "eggs", "30", "0.25"),
                billed(Some(1), "eggs", "30", "0.25"),
            ],
            &[],
        );
        assert!(m.clean, "{m:?}");
        assert_eq!(m.lines[0].invoiced, d("60"));
        assert_eq!(m.lines[0].invoiced_price, Some(d("0.25")));
    }

    #[test]
    fn only_rises_above_the_threshold_alert() {
        assert_eq!(price_rise(d("2"), d("2.2"), d("5")), Some(d("10")));
        assert_eq!(price_rise(d("2"), d("2.1"), d("5")), None, "exactly 5 %");
        assert_eq!(price_rise(d("2"), d("1.5"), d("5")), None, "a fall");
        assert_eq!(price_rise(Decimal::ZERO, d("1"), d("5")), None);
    }
}
