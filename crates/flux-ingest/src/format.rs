//! Known export layouts and header-based detection.
//!
//! Each [`Format`] is a table of header aliases per [`Role`] plus a predicate
//! saying which roles must be present for the layout to be claimed. Detection
//! tries the most specific layouts first (a Toast file would also satisfy the
//! generic layout, but then voided lines would be counted as sales).

use serde::{Deserialize, Serialize};

use crate::aliases::{
    Aliases, CLOVER, GENERIC, LIGHTSPEED, REVENUE, SEED, SQUARE, TOAST, VISITORS,
};
use crate::columns::{normalize_header, Layout, Role};
use crate::dates::DateOrder;

/// A sales-file layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// `date,item,quantity,price`: one row per item and day, unit price.
    Seed,
    /// One row per item line of a ticket: order id, date/time, item, and
    /// optionally quantity, unit price, line total, promo flag.
    Transactions,
    /// Toast `ItemSelectionDetails.csv`.
    Toast,
    /// Square "Items Detail" (21-, 33- and 35-column variants).
    Square,
    /// Clover "Item Sales": totals per item over a period, no per-row date.
    Clover,
    /// Lightspeed sale-line / receipt exports.
    Lightspeed,
    /// Daily visitor (cover) counts per store: item "Visitors".
    DailyVisitors,
    /// Daily revenue per product group, no quantities.
    DailyRevenue,
    /// Any other layout with a recognisable date and item column.
    Generic,
    /// Columns chosen by an explicit [`crate::ColumnMapping`].
    Custom,
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::Seed => "seed",
            Format::Transactions => "transactions",
            Format::Toast => "Toast",
            Format::Square => "Square",
            Format::Clover => "Clover",
            Format::Lightspeed => "Lightspeed",
            Format::DailyVisitors => "daily visitors",
            Format::DailyRevenue => "daily revenue",
            Format::Generic => "generic",
            Format::Custom => "custom mapping",
        })
    }
}

/// Formats in detection order: most specific first.
const DETECTION_ORDER: [Format; 9] = [
    Format::Toast,
    Format::Square,
    Format::Lightspeed,
    Format::Seed,
    Format::DailyVisitors,
    Format::Transactions,
    Format::Generic,
    Format::DailyRevenue,
    Format::Clover,
];

impl Format {
    fn aliases(self) -> Aliases {
        match self {
            Format::Seed => SEED,
            Format::Toast => TOAST,
            Format::Square => SQUARE,
            Format::Clover => CLOVER,
            Format::Lightspeed => LIGHTSPEED,
            Format::DailyVisitors => VISITORS,
            Format::DailyRevenue => REVENUE,
            Format::Transactions | Format::Generic | Format::Custom => GENERIC,
        }
    }

    /// The header aliases (normalised) this format recognises per role.
    pub fn header_aliases(self) -> Vec<(Role, &'static [&'static str])> {
        self.aliases().to_vec()
    }

    /// Item name for every row when the layout has no item column.
    pub fn fixed_item(self) -> Option<&'static str> {
        match self {
            Format::DailyVisitors => Some("Visitors"),
            _ => None,
        }
    }

    /// Rows carry revenue but no unit count.
    pub fn revenue_only(self) -> bool {
        self == Format::DailyRevenue
    }

    /// Date order a US point-of-sale system writes when the file itself
    /// does not settle it.
    pub fn default_date_order(self) -> Option<DateOrder> {
        match self {
            Format::Toast | Format::Square | Format::Clover => Some(DateOrder::Mdy),
            _ => None,
        }
    }

    /// Resolves this format's aliases against `headers`, first alias first,
    /// each header used at most once.
    pub(crate) fn layout(self, headers: &[String]) -> Layout {
        let normalized: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
        let mut layout = Layout {
            fixed_item: self.fixed_item().map(str::to_owned),
            ..Layout::default()
        };
        for &(role, aliases) in self.aliases() {
            'alias: for alias in aliases {
                for (i, h) in normalized.iter().enumerate() {
                    if h == alias && !layout.uses(i) {
                        layout.set(role, i);
                        break 'alias;
                    }
                }
            }
        }
        layout
    }

    /// Roles (any of each group) the layout needs for this format.
    pub(crate) fn required(self) -> &'static [&'static [Role]] {
        const ITEM_DATE: &[&[Role]] = &[&[Role::Item], &[Role::Date, Role::Timestamp]];
        match self {
            Format::Clover => &[&[Role::Item]],
            Format::DailyVisitors => &[&[Role::Quantity], &[Role::Date, Role::Timestamp]],
            Format::DailyRevenue => &[
                &[Role::Item],
                &[Role::Total],
                &[Role::Date, Role::Timestamp],
            ],
            Format::Toast | Format::Square | Format::Lightspeed | Format::Transactions => &[
                &[Role::Item],
                &[Role::OrderId],
                &[Role::Date, Role::Timestamp],
            ],
            _ => ITEM_DATE,
        }
    }

    /// Names of required role groups missing from `layout`.
    pub(crate) fn missing(self, layout: &Layout) -> Vec<&'static str> {
        self.required()
            .iter()
            .filter(|group| {
                !group
                    .iter()
                    .any(|r| layout.has(*r) || (*r == Role::Item && layout.fixed_item.is_some()))
            })
            .map(|group| group.first().map_or("?", |r| r.name()))
            .collect()
    }

    fn claims(self, headers: &[String], layout: &Layout) -> bool {
        if !self.missing(layout).is_empty() {
            return false;
        }
        let has_header = |name: &str| headers.iter().any(|h| normalize_header(h) == name);
        match self {
            Format::Toast => {
                layout.has(Role::Void) || layout.has(Role::GrossTotal) || layout.has(Role::Total)
            }
            Format::Square => layout.has(Role::GrossTotal) && layout.has(Role::Total),
            Format::Lightspeed => ["saleid", "receiptid", "receiptnumber"]
                .iter()
                .any(|h| has_header(h)),
            Format::Seed => {
                let mut n: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
                n.sort();
                n == ["date", "item", "price", "quantity"]
            }
            Format::Clover => {
                // Period totals: no date column at all, but counts or money.
                !GENERIC_DATE_ROLES
                    .iter()
                    .any(|r| Format::Generic.layout(headers).has(*r))
                    && (layout.has(Role::Quantity)
                        || layout.has(Role::Total)
                        || layout.has(Role::GrossTotal))
            }
            Format::DailyRevenue => !Format::Generic.layout(headers).has(Role::Item),
            Format::Transactions | Format::Generic | Format::DailyVisitors | Format::Custom => true,
        }
    }
}

const GENERIC_DATE_ROLES: [Role; 2] = [Role::Date, Role::Timestamp];

/// Finds the first format whose headers match.
pub(crate) fn detect(headers: &[String]) -> Option<(Format, Layout)> {
    DETECTION_ORDER.iter().find_map(|&f| {
        let layout = f.layout(headers);
        f.claims(headers, &layout).then_some((f, layout))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn detects_known_layouts() {
        let cases: [(&[&str], Format); 9] = [
            (&["date", "item", "quantity", "price"], Format::Seed),
            (
                &["Date", "Time", "Transaction", "Item"],
                Format::Transactions,
            ),
            (
                &[
                    "date",
                    "datetime",
                    "cash_type",
                    "card",
                    "money",
                    "coffee_name",
                ],
                Format::Generic,
            ),
            (
                &["air_store_id", "visit_date", "visitors"],
                Format::DailyVisitors,
            ),
            (
                &["id", "Datum", "Warengruppe", "Umsatz"],
                Format::DailyRevenue,
            ),
            (
                &[
                    "Order Id",
                    "Order Date",
                    "Menu Item",
                    "Menu Group",
                    "Qty",
                    "Gross Price",
                    "Discount",
                    "Net Price",
                    "Void?",
                    "Deferred",
                ],
                Format::Toast,
            ),
            (
                &[
                    "Date",
                    "Time",
                    "Time Zone",
                    "Category",
                    "Item",
                    "Qty",
                    "Gross Sales",
                    "Discounts",
                    "Net Sales",
                    "Transaction ID",
                    "Event Type",
                ],
                Format::Square,
            ),
            (
                &["Name", "Sold Qty", "Item Revenue", "Discounts", "Net Sales"],
                Format::Clover,
            ),
            (
                &["Sale ID", "Date", "Item", "Quantity", "Price", "Total"],
                Format::Lightspeed,
            ),
        ];
        for (headers, want) in cases {
            let got = detect(&h(headers)).map(|(f, _)| f);
            assert_eq!(got, Some(want), "{headers:?}");
        }
    }

    #[test]
    fn unknown_layouts_are_not_claimed() {
        assert!(detect(&h(&["foo", "bar"])).is_none());
        assert!(detect(&h(&["Datum", "KielerWoche"])).is_none());
    }
}
