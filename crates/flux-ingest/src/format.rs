//! Known export layouts and header-based detection.
//!
//! Each [`Format`] is a table of header aliases per [`Role`] plus a predicate
//! saying which roles must be present for the layout to be claimed. Roles a
//! vendor table leaves open are then filled from the generic aliases, so a
//! re-configured export with an extra column still has it understood.
//!
//! Detection is by fit, not by the first layout that claims a header: every
//! layout that claims the header row is resolved and the one that explains
//! most columns wins; ties go to the more specific layout (a Toast file also
//! satisfies the generic layout, which knows nothing of Toast's voids).
//! Columns that look like money or quantities but stayed unmapped are
//! reported ([`crate::Sniffed::unmapped`]) so no revenue disappears silently.

use serde::{Deserialize, Serialize};

use crate::aliases::{
    Aliases, DISCOUNT, GENERIC, GROSS, LIGHTSPEED, PERIOD_SUMMARY, QUANTITY, REFUND_AMOUNT,
    REFUND_QUANTITY, REVENUE, SEED, SQUARE, TOAST, TOTAL, UNIT_PRICE, VISITORS,
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
    /// Item sales summary: totals per item over a period, no per-row date
    /// (Clover "Item Sales", Loyverse "Item sales", Square "Item Sales",
    /// Toast product mix). Stored as `period_summary`; `clover` is still read.
    #[serde(alias = "clover")]
    PeriodSummary,
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
            Format::PeriodSummary => "item sales summary",
            Format::Lightspeed => "Lightspeed",
            Format::DailyVisitors => "daily visitors",
            Format::DailyRevenue => "daily revenue",
            Format::Generic => "generic",
            Format::Custom => "custom mapping",
        })
    }
}

/// Formats from most to least specific: a tie in fit goes to the earlier.
const DETECTION_ORDER: [Format; 9] = [
    Format::Toast,
    Format::Square,
    Format::Lightspeed,
    Format::Seed,
    Format::DailyVisitors,
    Format::Transactions,
    Format::Generic,
    Format::DailyRevenue,
    Format::PeriodSummary,
];

impl Format {
    fn aliases(self) -> Aliases {
        match self {
            Format::Seed => SEED,
            Format::Toast => TOAST,
            Format::Square => SQUARE,
            Format::PeriodSummary => PERIOD_SUMMARY,
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
            Format::Toast | Format::Square => Some(DateOrder::Mdy),
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
        assign(&mut layout, &normalized, self.aliases());
        layout
    }

    /// [`Format::layout`] with roles the vendor table leaves open filled
    /// from the generic aliases: exports are configurable, and a column the
    /// vendor table does not know (Loyverse `Net sales` in a receipt layout)
    /// must still count.
    pub(crate) fn fitted_layout(self, headers: &[String]) -> Layout {
        let mut layout = self.layout(headers);
        if matches!(self, Format::Seed | Format::Custom) {
            return layout;
        }
        let normalized: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
        let open: Vec<(Role, &'static [&'static str])> = GENERIC
            .iter()
            .filter(|(role, _)| !layout.has(*role) && !self.never_fills(*role, &layout))
            .copied()
            .collect();
        assign(&mut layout, &normalized, &open);
        layout
    }

    /// Roles the generic fill must leave alone for this layout.
    fn never_fills(self, role: Role, layout: &Layout) -> bool {
        match role {
            // A period summary has no dates by definition, and a layout
            // with a timestamp needs no second date column.
            Role::Date | Role::Time => self == Format::PeriodSummary || layout.has(Role::Timestamp),
            Role::Timestamp => self == Format::PeriodSummary || layout.has(Role::Date),
            // The item of a visitor count is fixed; a revenue-per-group
            // file's item is its group.
            Role::Item => self.fixed_item().is_some() || self.revenue_only(),
            Role::Category => self.revenue_only(),
            _ => false,
        }
    }

    /// Roles (any of each group) the layout needs for this format.
    pub(crate) fn required(self) -> &'static [&'static [Role]] {
        const ITEM_DATE: &[&[Role]] = &[&[Role::Item], &[Role::Date, Role::Timestamp]];
        match self {
            Format::PeriodSummary => &[&[Role::Item]],
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
            // `Receipt number` alone is not enough: other systems use it too.
            Format::Lightspeed => ["saleid", "salelineid", "receiptid"]
                .iter()
                .any(|h| has_header(h)),
            Format::Seed => {
                let mut n: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
                n.sort();
                n == ["date", "item", "price", "quantity"]
            }
            Format::PeriodSummary => {
                // Period totals: no date column at all, but counts or money.
                !GENERIC_DATE_ROLES
                    .iter()
                    .any(|r| Format::Generic.layout(headers).has(*r))
                    && (layout.has(Role::Quantity)
                        || layout.has(Role::Total)
                        || layout.has(Role::GrossTotal))
            }
            // Both are for files without dishes: an item column means the
            // rows are dish sales, and its guests or groups are other columns.
            Format::DailyRevenue | Format::DailyVisitors => {
                !Format::Generic.layout(headers).has(Role::Item)
            }
            Format::Transactions | Format::Generic | Format::Custom => true,
        }
    }
}

const GENERIC_DATE_ROLES: [Role; 2] = [Role::Date, Role::Timestamp];

/// Finds the first format whose headers match.
pub(crate) fn detect(headers: &[String]) -> Option<(Format, Layout)> {
    let mut best: Option<(Format, Layout)> = None;
    for &f in &DETECTION_ORDER {
        if !f.claims(headers, &f.layout(headers)) {
            continue;
        }
        let layout = f.fitted_layout(headers);
        // Strictly better only: on a tie the more specific layout, earlier
        // in the order, keeps the file.
        if best
            .as_ref()
            .is_none_or(|(_, b)| layout.explained() > b.explained())
        {
            best = Some((f, layout));
        }
    }
    best
}

/// Assigns each role the first of its aliases present among the
/// `normalized` headers, each header used at most once.
fn assign(layout: &mut Layout, normalized: &[String], aliases: &[(Role, &'static [&'static str])]) {
    for &(role, aliases) in aliases {
        if layout.has(role) {
            continue;
        }
        'alias: for alias in aliases {
            for (i, h) in normalized.iter().enumerate() {
                if h == alias && !layout.uses(i) {
                    layout.set(role, i);
                    break 'alias;
                }
            }
        }
    }
}

/// A column that looks like money or a quantity but was given no role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnmappedColumn {
    /// The header as written in the file.
    pub header: String,
    pub kind: UnmappedKind,
}

/// What an unmapped column seems to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnmappedKind {
    Money,
    Quantity,
}

/// Header words of columns that are money or counts but never item sales:
/// taxes, tips, costs, shares, voided amounts, modifier sub-totals.
const NOT_SALES: &[&str] = &[
    "tax",
    "tva",
    "iva",
    "vat",
    "tip",
    "gratuit",
    "cost",
    "cogs",
    "profit",
    "margin",
    "marge",
    "avg",
    "average",
    "moyen",
    "void",
    "fee",
    "commission",
    "percent",
    "rate",
    "modifier",
    "collected",
    "deposit",
    "tender",
    "change",
    "orders",
];
/// Parts of compound words (German) and run-together names that mark a
/// column as not sales wherever they appear.
const COMPOUND_NOT_SALES: &[&str] = &[
    "steuer",
    "mwst",
    "trinkgeld",
    "gebuhr",
    "storno",
    "durchschnitt",
    "giftcard",
    "servicecharge",
];
/// Endings of descriptive columns that merely mention money
/// (`Price Point Name`, `Discount Name`, `Refund Reason`).
const DESCRIPTIVE_ENDINGS: &[&str] = &[
    "name", "id", "type", "code", "sku", "note", "notes", "reason", "method", "status", "date",
    "time", "option", "category", "group", "source", "channel", "location",
];
const MONEY_WORDS: &[&str] = &[
    "sales", "amount", "price", "total", "revenue", "refund", "umsatz", "betrag", "preis", "erlos",
    "brutto", "netto", "montant", "prix", "importe", "precio", "importo", "prezzo",
];
const QUANTITY_WORDS: &[&str] = &[
    "qty", "quantity", "units", "menge", "anzahl", "sold", "cantidad", "quantite", "qte", "stuck",
];

/// Headers of `headers` that `layout` leaves unused although they look like
/// money or quantities. A second count beside a mapped quantity (Square's
/// `Count` repeats `Qty`) loses nothing and is not reported; a second money
/// column may be revenue and is.
pub(crate) fn unmapped_columns(headers: &[String], layout: &Layout) -> Vec<UnmappedColumn> {
    headers
        .iter()
        .enumerate()
        .filter(|(i, _)| !layout.uses(*i))
        .filter_map(|(_, h)| {
            let kind = classify_unmapped(h)
                .filter(|k| *k == UnmappedKind::Money || !layout.has(Role::Quantity))?;
            Some(UnmappedColumn {
                header: h.clone(),
                kind,
            })
        })
        .collect()
}

/// A header with a date and money columns but nothing naming what was sold
/// (daily sales summaries): no layout can make dish sales of it.
pub(crate) fn totals_without_items(headers: &[String]) -> bool {
    let layout = Format::Generic.layout(headers);
    (layout.has(Role::Date) || layout.has(Role::Timestamp))
        && !layout.has(Role::Item)
        && !layout.has(Role::Category)
        && (layout.has(Role::Total)
            || layout.has(Role::GrossTotal)
            || headers
                .iter()
                .any(|h| classify_unmapped(h) == Some(UnmappedKind::Money)))
}

fn classify_unmapped(header: &str) -> Option<UnmappedKind> {
    let n = normalize_header(header);
    // Whole words of the header, so `Coffee sales` is not a fee and
    // `Amount paid` does not end in an id; German compounds
    // (`Umsatzsteuer`) are matched inside the word.
    let words: Vec<String> = header
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(normalize_header)
        .collect();
    let not_sales = words.iter().any(|w| {
        NOT_SALES.iter().any(|x| w.starts_with(x))
            || COMPOUND_NOT_SALES.iter().any(|x| w.contains(x))
    }) || COMPOUND_NOT_SALES.iter().any(|x| n.contains(x));
    let descriptive = match words.as_slice() {
        [one] => DESCRIPTIVE_ENDINGS
            .iter()
            .any(|e| e.len() >= 4 && one.ends_with(e) || one == e),
        [.., last] => DESCRIPTIVE_ENDINGS.contains(&last.as_str()),
        [] => true,
    };
    if n.is_empty() || header.contains('%') || not_sales || descriptive {
        return None;
    }
    let listed = |lists: &[&[&str]]| lists.iter().any(|l| l.contains(&n.as_str()));
    if listed(&[QUANTITY, REFUND_QUANTITY]) || QUANTITY_WORDS.iter().any(|w| n.contains(w)) {
        return Some(UnmappedKind::Quantity);
    }
    if listed(&[TOTAL, GROSS, UNIT_PRICE, DISCOUNT, REFUND_AMOUNT])
        || MONEY_WORDS.iter().any(|w| n.contains(w))
    {
        return Some(UnmappedKind::Money);
    }
    None
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
                Format::PeriodSummary,
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
