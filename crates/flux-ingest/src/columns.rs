//! Column roles, header matching and the user-editable [`ColumnMapping`].
//!
//! Headers are compared after [`normalize_header`] (case, spaces and
//! punctuation removed) so `Order Id`, `order_id` and `ORDER-ID` are one
//! column. A `ColumnMapping` names headers as they appear in the file; it is
//! serde-serialisable so the choice a person made once can be remembered per
//! restaurant and replayed on the next upload.

use serde::{Deserialize, Serialize};

use crate::error::IngestError;

/// What a column means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Calendar date of the sale (may also carry a time).
    Date,
    /// Time of day, when separate from the date.
    Time,
    /// Date and time in one column.
    Timestamp,
    Item,
    Quantity,
    /// Price of one unit before discounts.
    UnitPrice,
    /// Line total actually charged (net of discounts).
    Total,
    /// Line total before discounts.
    GrossTotal,
    Discount,
    OrderId,
    /// Identifier of the line itself (Toast `Item Selection Id`,
    /// Lightspeed `Sale Line ID`): the most stable dedupe key.
    LineId,
    Promo,
    Category,
    Location,
    /// Toast `Void?`: voided lines are not sales.
    Void,
    /// Toast `Deferred`: gift cards and other deferred revenue, not sales.
    Deferred,
    /// Square `Event Type`, Lightspeed `Type`: payment, refund or void.
    EventType,
    /// Units refunded, reported beside units sold in period summaries
    /// (`Items refunded`, `Refunded`): subtracted from the quantity.
    RefundQuantity,
    /// Money refunded, reported beside sales (`Refunds`, `Refunded amount`):
    /// subtracted from revenue unless the total is already net.
    RefundAmount,
}

impl Role {
    pub const ALL: [Role; 19] = [
        Role::Date,
        Role::Time,
        Role::Timestamp,
        Role::Item,
        Role::Quantity,
        Role::UnitPrice,
        Role::Total,
        Role::GrossTotal,
        Role::Discount,
        Role::OrderId,
        Role::LineId,
        Role::Promo,
        Role::Category,
        Role::Location,
        Role::Void,
        Role::Deferred,
        Role::EventType,
        Role::RefundQuantity,
        Role::RefundAmount,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Role::Date => "date",
            Role::Time => "time",
            Role::Timestamp => "timestamp",
            Role::Item => "item",
            Role::Quantity => "quantity",
            Role::UnitPrice => "unit_price",
            Role::Total => "total",
            Role::GrossTotal => "gross_total",
            Role::Discount => "discount",
            Role::OrderId => "order_id",
            Role::LineId => "line_id",
            Role::Promo => "promo",
            Role::Category => "category",
            Role::Location => "location",
            Role::Void => "void",
            Role::Deferred => "deferred",
            Role::EventType => "event_type",
            Role::RefundQuantity => "refund_quantity",
            Role::RefundAmount => "refund_amount",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Which header of the file holds which meaning. Every field is optional;
/// a usable mapping needs an item (or `fixed_item`) and a date or timestamp
/// (unless the caller supplies a period date).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ColumnMapping {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gross_total: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub void: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deferred: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_quantity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_amount: Option<String>,
    /// Item name to use for every row when the file has no item column
    /// (e.g. daily visitor counts become item "Visitors").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_item: Option<String>,
}

impl ColumnMapping {
    pub fn get(&self, role: Role) -> Option<&str> {
        self.slot(role).as_deref()
    }

    pub fn set(&mut self, role: Role, header: impl Into<String>) {
        *self.slot_mut(role) = Some(header.into());
    }

    fn slot(&self, role: Role) -> &Option<String> {
        match role {
            Role::Date => &self.date,
            Role::Time => &self.time,
            Role::Timestamp => &self.timestamp,
            Role::Item => &self.item,
            Role::Quantity => &self.quantity,
            Role::UnitPrice => &self.unit_price,
            Role::Total => &self.total,
            Role::GrossTotal => &self.gross_total,
            Role::Discount => &self.discount,
            Role::OrderId => &self.order_id,
            Role::LineId => &self.line_id,
            Role::Promo => &self.promo,
            Role::Category => &self.category,
            Role::Location => &self.location,
            Role::Void => &self.void,
            Role::Deferred => &self.deferred,
            Role::EventType => &self.event_type,
            Role::RefundQuantity => &self.refund_quantity,
            Role::RefundAmount => &self.refund_amount,
        }
    }

    fn slot_mut(&mut self, role: Role) -> &mut Option<String> {
        match role {
            Role::Date => &mut self.date,
            Role::Time => &mut self.time,
            Role::Timestamp => &mut self.timestamp,
            Role::Item => &mut self.item,
            Role::Quantity => &mut self.quantity,
            Role::UnitPrice => &mut self.unit_price,
            Role::Total => &mut self.total,
            Role::GrossTotal => &mut self.gross_total,
            Role::Discount => &mut self.discount,
            Role::OrderId => &mut self.order_id,
            Role::LineId => &mut self.line_id,
            Role::Promo => &mut self.promo,
            Role::Category => &mut self.category,
            Role::Location => &mut self.location,
            Role::Void => &mut self.void,
            Role::Deferred => &mut self.deferred,
            Role::EventType => &mut self.event_type,
            Role::RefundQuantity => &mut self.refund_quantity,
            Role::RefundAmount => &mut self.refund_amount,
        }
    }

    /// Resolves header names to column indices.
    pub(crate) fn resolve(&self, headers: &[String]) -> Result<Layout, IngestError> {
        let normalized: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
        let mut layout = Layout {
            fixed_item: self.fixed_item.clone(),
            ..Layout::default()
        };
        for role in Role::ALL {
            let Some(name) = self.get(role) else { continue };
            let want = normalize_header(name);
            let idx = normalized.iter().position(|h| *h == want).ok_or_else(|| {
                IngestError::MappingColumnNotFound {
                    role: role.name(),
                    column: name.to_owned(),
                    headers: headers.to_vec(),
                }
            })?;
            layout.set(role, idx);
        }
        Ok(layout)
    }
}

/// Column indices for each role, resolved against one header row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Layout {
    pub(crate) cols: [Option<usize>; Role::ALL.len()],
    pub fixed_item: Option<String>,
}

impl Layout {
    pub fn col(&self, role: Role) -> Option<usize> {
        self.cols[role as usize]
    }

    pub fn set(&mut self, role: Role, idx: usize) {
        self.cols[role as usize] = Some(idx);
    }

    pub fn uses(&self, idx: usize) -> bool {
        self.cols.contains(&Some(idx))
    }

    pub fn has(&self, role: Role) -> bool {
        self.col(role).is_some()
    }

    /// How many columns the layout gives a meaning to.
    pub fn explained(&self) -> usize {
        self.cols.iter().filter(|c| c.is_some()).count()
    }

    /// The mapping that reproduces this layout, for display and storage.
    pub fn to_mapping(&self, headers: &[String]) -> ColumnMapping {
        let mut m = ColumnMapping {
            fixed_item: self.fixed_item.clone(),
            ..ColumnMapping::default()
        };
        for role in Role::ALL {
            if let Some(h) = self.col(role).and_then(|i| headers.get(i)) {
                m.set(role, h.clone());
            }
        }
        m
    }
}

/// Case-, space- and punctuation-insensitive form of a header: lower-case
/// letters and digits only. `"Void?"` → `"void"`, `"Order Id"` → `"orderid"`.
/// Accents are folded too (`Categoría` → `categoria`, `Día` → `dia`).
pub fn normalize_header(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .map(fold_accent)
        .collect()
}

/// Base letter of common accented Latin letters; others unchanged.
pub(crate) fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ś' | 'š' => 's',
        'ź' | 'ż' | 'ž' => 'z',
        'ł' => 'l',
        'ř' => 'r',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_ignoring_case_space_and_punctuation() {
        assert_eq!(normalize_header(" Order-Id "), "orderid");
        assert_eq!(normalize_header("Void?"), "void");
        assert_eq!(normalize_header("coffee_name"), "coffeename");
        assert_eq!(normalize_header("Categoría"), "categoria");
    }

    #[test]
    fn mapping_round_trips_through_json() {
        let mut m = ColumnMapping::default();
        m.set(Role::Item, "Menu Item");
        m.set(Role::Date, "Order Date");
        let json = serde_json::to_string(&m).expect("serialise");
        assert_eq!(json, r#"{"date":"Order Date","item":"Menu Item"}"#);
        let back: ColumnMapping = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(back, m);
    }

    #[test]
    fn mapping_reports_unknown_headers() {
        let mut m = ColumnMapping::default();
        m.set(Role::Item, "Dish");
        let err = m
            .resolve(&["Product".to_owned()])
            .expect_err("no Dish column");
        assert!(err.to_string().contains("Product"));
    }
}
