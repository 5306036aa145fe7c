//! Turning one raw record into a [`SaleLine`], a skip, or a [`RowError`].
//!
//! Rules applied here, in order:
//! * voided and deferred lines (Toast `Void?`/`Deferred`, an event type or
//!   status saying void, cancelled or storniert) are skipped, not errors; an
//!   event type saying refund, return or Rückerstattung makes a positive
//!   quantity negative;
//! * a row holding only a name and no numbers is a section heading: skipped,
//!   and its name becomes the category of the rows below that have none
//!   (Clover writes categories that way);
//! * summary rows are skipped: an item (or, with no item, any text cell)
//!   reading `Total`, `Grand Total`, `Subtotal`, `Summe`, `Gesamt`,
//!   `Total général`… alone or followed by what it totals (`Total (Coffee)`,
//!   `Subtotal: Bar`), but not a dish such as `Total Burger`; and a row with
//!   money but no item, no date and no order id (group and menu roll-ups);
//!   and a row with no item whose quantity and money are exactly the sum of
//!   the lines above it since the last summary row or since the day began
//!   (an unlabelled subtotal);
//! * an empty item on a row that is otherwise a sale (it has a date or an
//!   order id) becomes [`UNKNOWN_ITEM`] with a warning; item `NONE` is
//!   "no sale";
//! * `2x Coffee` is 2 × `Coffee` (multiplied with a quantity column if any);
//!   no quantity column means one unit, except revenue-only layouts, whose
//!   quantity is unknown;
//! * refunded units in their own column are subtracted from the quantity;
//!   refunded money is subtracted from the total unless the total column is
//!   a net one (`Net sales`), which already excludes it;
//! * unit price falls back to gross (else net) line total ÷ quantity,
//!   rounded to 4 places; line total falls back to gross − discount −
//!   refunds, else unit price × quantity;
//! * a line with zero units and no money (unsold items listed by product-mix
//!   reports, lines refunded in full) is "no sale";
//! * quantities beyond [`MAX_QUANTITY`], unit prices beyond
//!   [`MAX_UNIT_PRICE`] and totals beyond [`MAX_LINE_TOTAL`], read or
//!   derived, are [`RowErrorKind::OutOfRange`]; money is rounded to
//!   [`MONEY_SCALE`] places and quantities to [`QUANTITY_SCALE`];
//! * promo is the promo column when present, else "a discount was given";
//! * single-cell notes and repeated header rows are skipped as non-data;
//! * a line id already seen on a different row gets its own occurrence and
//!   [`Warning::SharedKey`], so neither line is lost;
//! * dates after `today` or before 2000 are errors; zero or negative prices
//!   on a sale are warnings.

use std::borrow::Cow;
use std::hash::Hasher;

use chrono::{Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;

use crate::clock::{business_date, resolve_local, to_local};
use crate::columns::normalize_header;
use crate::columns::{Layout, Role};
use crate::counters::{Fnv64, LineCounters};
use crate::dates::{parse_date_time, parse_time, DateOrder};
use crate::encoding::TextEncoding;
use crate::error::{RowError, RowErrorKind};
use crate::format::Format;
use crate::item::{display_item_name, looks_like_formula, split_quantity_prefix};
use crate::line::{SaleLine, Warning};
use crate::numbers::{
    is_no_value, parse_decimal, parse_flag, round_to, DecimalSeparator, MAX_LINE_TOTAL,
    MAX_QUANTITY, MAX_UNIT_PRICE, MONEY_SCALE, QUANTITY_SCALE,
};
use crate::record::RawRecord;
use crate::tokenizer::MAX_FIELD_BYTES;

/// Display name given to a sale whose item cell is empty.
pub const UNKNOWN_ITEM: &str = "(unknown item)";

/// Everything fixed for a file once its header is known.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub format: Format,
    pub layout: Layout,
    pub headers: Vec<String>,
    pub encoding: TextEncoding,
    pub decimal: DecimalSeparator,
    pub date_order: DateOrder,
    pub timezone: Tz,
    pub cutoff_hour: u8,
    pub today: NaiveDate,
    pub period_date: Option<NaiveDate>,
}

/// Why a row produced no sale and no error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Skip {
    Blank,
    Voided,
    Deferred,
    NotASale,
    SummaryRow,
    NoData,
}

// Boxing the line would cost an allocation per row; the value is moved
// straight out, so its size does not matter.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Outcome {
    Sale(SaleLine),
    Skipped(Skip),
}

const MIN_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

struct Row<'a> {
    rec: &'a RawRecord,
    plan: &'a Plan,
    fallbacks: u64,
}

impl<'a> Row<'a> {
    fn column(&self, role: Role) -> &'a str {
        self.plan
            .layout
            .col(role)
            .and_then(|i| self.plan.headers.get(i))
            .map_or("", String::as_str)
    }

    /// `None` when the layout has no such column; a short row reads as "".
    fn text(&mut self, role: Role) -> Option<Cow<'a, str>> {
        let idx = self.plan.layout.col(role)?;
        let bytes = self.rec.get(idx).unwrap_or_default();
        let (s, fell_back) = self.plan.encoding.decode(bytes);
        self.fallbacks += u64::from(fell_back);
        Some(match s {
            Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
            Cow::Owned(o) => Cow::Owned(o.trim().to_owned()),
        })
    }

    fn error(&self, role: Role, raw: &str, kind: RowErrorKind) -> RowError {
        RowError::at(self.rec.line, self.column(role), raw, kind)
    }

    /// A number, `None` when the column is absent or the cell empty (or a
    /// lone dash).
    fn number(&mut self, role: Role) -> Result<Option<Decimal>, RowError> {
        match self.text(role) {
            None => Ok(None),
            Some(t) if is_no_value(&t) => Ok(None),
            Some(t) => parse_decimal(&t, self.plan.decimal)
                .map(Some)
                .ok_or_else(|| self.error(role, &t, RowErrorKind::InvalidNumber)),
        }
    }

    /// Rejects a value whose magnitude exceeds `max`.
    fn check(&mut self, role: Role, value: Option<Decimal>, max: Decimal) -> Result<(), RowError> {
        match value {
            Some(v) if v.abs() > max => {
                let raw = self
                    .text(role)
                    .map_or_else(|| v.to_string(), Cow::into_owned);
                Err(self.error(role, &raw, RowErrorKind::OutOfRange { max }))
            }
            _ => Ok(()),
        }
    }

    fn flag(&mut self, role: Role) -> bool {
        self.text(role).is_some_and(|t| parse_flag(&t))
    }
}

/// Converts the record; `fallbacks` counts fields decoded as Windows-1252.
pub(crate) fn convert(
    rec: &RawRecord,
    plan: &Plan,
    counters: &mut LineCounters,
    fallbacks: &mut u64,
) -> Result<Outcome, RowError> {
    let mut row = Row {
        rec,
        plan,
        fallbacks: 0,
    };
    let out = convert_row(&mut row, counters);
    *fallbacks += row.fallbacks;
    out
}

fn convert_row(row: &mut Row<'_>, counters: &mut LineCounters) -> Result<Outcome, RowError> {
    let line = row.rec.line;
    if row.rec.is_blank() {
        return Ok(Outcome::Skipped(Skip::Blank));
    }
    if row.rec.unterminated_quote {
        return Err(RowError::new(line, RowErrorKind::UnterminatedQuote));
    }
    if row.rec.truncated {
        return Err(RowError::new(
            line,
            RowErrorKind::RecordTooLong {
                max_bytes: MAX_FIELD_BYTES,
            },
        ));
    }
    let plan = row.plan;
    if is_non_data(row.rec, plan) {
        if row.rec.len() == 1 {
            // A lone name between data rows heads the rows below it.
            counters.section = section_name(row.rec, plan);
        }
        return Ok(Outcome::Skipped(Skip::NoData));
    }
    // Positions count every row of an order, even ones skipped or rejected
    // below, so a line voided in a later export does not renumber the rest.
    let order_id = row
        .text(Role::OrderId)
        .filter(|o| !o.is_empty())
        .map(Cow::into_owned);
    let line_in_order = order_id.as_deref().map(|o| counters.order_position(o));

    // Not sales at all.
    if row.flag(Role::Void) {
        return Ok(Outcome::Skipped(Skip::Voided));
    }
    if row.flag(Role::Deferred) {
        return Ok(Outcome::Skipped(Skip::Deferred));
    }
    let mut refund = false;
    if let Some(event) = row.text(Role::EventType) {
        let e = event.to_ascii_lowercase();
        if ["void", "cancel", "storn", "annul"]
            .iter()
            .any(|w| e.contains(w))
        {
            return Ok(Outcome::Skipped(Skip::Voided));
        }
        refund = [
            "refund",
            "return",
            "erstattung",
            "reembolso",
            "devolucion",
            "rembourse",
        ]
        .iter()
        .any(|w| e.contains(w));
    }

    // Item.
    let raw_item: Cow<'_, str> = match row.text(Role::Item) {
        Some(t) => t,
        None => Cow::Owned(plan.layout.fixed_item.clone().unwrap_or_default()),
    };
    let mut warnings = Vec::new();
    let (display, removed) = display_item_name(&raw_item);
    let has_numbers = NUMERIC_ROLES
        .iter()
        .any(|r| row.text(*r).is_some_and(|t| !is_no_value(&t)));
    if !has_numbers && plan.headers.len() >= 3 && non_empty_cells(row.rec, plan) == 1 {
        // Only a name, no numbers: a heading (category above its items). A
        // lone date heads a day's rows but is no category.
        let in_date_column = [Role::Date, Role::Timestamp]
            .iter()
            .any(|r| row.text(*r).is_some_and(|t| !t.is_empty()));
        counters.section = if in_date_column {
            None
        } else {
            section_name(row.rec, plan)
        };
        return Ok(Outcome::Skipped(Skip::NoData));
    }
    if display.is_empty() {
        if row_has_summary_label(row.rec, plan) || is_unlabelled_subtotal(row, counters) {
            counters.section = None;
            counters.running.reset_run();
            return Ok(Outcome::Skipped(Skip::SummaryRow));
        }
        if !looks_like_sale(row, order_id.is_some()) {
            // Money without a name, date or order: a subtotal or roll-up
            // (menu group, category, grand total). Nothing at all: a
            // modifier or note line of a report.
            if has_numbers {
                return Ok(Outcome::Skipped(Skip::SummaryRow));
            }
            if !plan.layout.has(Role::Date) && !plan.layout.has(Role::Timestamp) {
                return Ok(Outcome::Skipped(Skip::NoData));
            }
        }
    }
    let display = if display.is_empty() {
        // The money and the unit were still sold: keep the line so totals
        // reconcile, and let consumers decide what an unnamed item means.
        warnings.push(Warning::MissingItem {
            column: row.column(Role::Item).to_owned(),
        });
        Cow::Borrowed(UNKNOWN_ITEM)
    } else {
        display
    };
    if removed {
        warnings.push(Warning::ControlCharsRemoved {
            column: row.column(Role::Item).to_owned(),
        });
    }
    let (prefix_qty, name) = match split_quantity_prefix(&display) {
        Some((n, rest)) => (Some(n), rest),
        None => (None, display.as_ref()),
    };
    if name.eq_ignore_ascii_case("none") {
        return Ok(Outcome::Skipped(Skip::NotASale));
    }
    if is_voided_name(name) {
        return Ok(Outcome::Skipped(Skip::Voided));
    }
    if is_summary_label(name) {
        counters.running.reset_run();
        counters.section = None;
        return Ok(Outcome::Skipped(Skip::SummaryRow));
    }
    let item = if plan.format.revenue_only() && name.bytes().all(|b| b.is_ascii_digit()) {
        // A bare product-group code reads badly; "Warengruppe 3" does not.
        format!("{} {name}", row.column(Role::Item))
    } else {
        name.to_owned()
    };
    if looks_like_formula(&item) {
        warnings.push(Warning::FormulaLike {
            column: row.column(Role::Item).to_owned(),
        });
    }

    // Date and time.
    let (date, time, date_role, date_raw) = read_when(row)?;
    if date > plan.today {
        return Err(row.error(
            date_role,
            &date_raw,
            RowErrorKind::FutureDate { today: plan.today },
        ));
    }
    if date < MIN_DATE {
        return Err(row.error(date_role, &date_raw, RowErrorKind::TooOld));
    }
    let local_time = time.map(|t| date.and_time(t));
    let business = local_time.map_or(date, |l| business_date(l, plan.cutoff_hour));
    let instant = local_time.map(|l| resolve_local(plan.timezone, l).with_timezone(&Utc));

    // Quantities and money.
    let period = plan.format == Format::PeriodSummary;
    let qty_col = match row.text(Role::Quantity) {
        None => None,
        Some(t) if is_no_value(&t) && period => None,
        Some(t) if t.is_empty() => {
            return Err(row.error(Role::Quantity, "", RowErrorKind::Missing))
        }
        Some(t) => Some(
            parse_decimal(&t, plan.decimal)
                .ok_or_else(|| row.error(Role::Quantity, &t, RowErrorKind::InvalidNumber))?,
        ),
    };
    let unit = row.number(Role::UnitPrice)?;
    let mut total = row.number(Role::Total)?;
    let mut gross = row.number(Role::GrossTotal)?;
    let discount = row.number(Role::Discount)?;
    // `Refunded` is a count in item reports but a yes/no flag in some
    // line exports: a word there is no count.
    let refunded_qty = match row.text(Role::RefundQuantity) {
        Some(t)
            if t.chars().any(char::is_alphabetic) && parse_decimal(&t, plan.decimal).is_none() =>
        {
            None
        }
        _ => row.number(Role::RefundQuantity)?.map(|q| q.abs()),
    };
    let refunded = row.number(Role::RefundAmount)?.map(|a| a.abs());
    row.check(Role::Quantity, qty_col, MAX_QUANTITY)?;
    row.check(Role::UnitPrice, unit, MAX_UNIT_PRICE)?;
    row.check(Role::Total, total, MAX_LINE_TOTAL)?;
    row.check(Role::GrossTotal, gross, MAX_LINE_TOTAL)?;
    row.check(Role::Discount, discount, MAX_LINE_TOTAL)?;
    row.check(Role::RefundQuantity, refunded_qty, MAX_QUANTITY)?;
    row.check(Role::RefundAmount, refunded, MAX_LINE_TOTAL)?;
    if period && qty_col.is_none() && total.is_none() && gross.is_none() {
        // Category headings inside a period report (`'01,Coffee`): they
        // head the items below.
        counters.section = Some(item);
        return Ok(Outcome::Skipped(Skip::NoData));
    }
    let sold = match (qty_col, prefix_qty) {
        (Some(q), Some(p)) => Some(q.checked_mul(p).ok_or_else(|| {
            row.error(Role::Quantity, &q.to_string(), RowErrorKind::InvalidNumber)
        })?),
        (Some(q), None) => Some(q),
        (None, Some(p)) => Some(p),
        (None, None) if plan.format.revenue_only() => None,
        (None, None) if refunded_qty.is_some() => Some(Decimal::ZERO),
        // A quantity column left blank (`-` in a period report): unknown,
        // not one unit.
        (None, None) if plan.layout.has(Role::Quantity) => None,
        (None, None) => Some(Decimal::ONE),
    };
    // Units sold net of units refunded in the same row.
    let mut quantity = match (sold, refunded_qty) {
        (Some(s), Some(r)) => Some(s.checked_sub(r).ok_or_else(|| {
            row.error(Role::Quantity, &s.to_string(), RowErrorKind::InvalidNumber)
        })?),
        (s, _) => s,
    };
    if refund {
        // A refund takes units and money back, however the export signs
        // them (Lightspeed writes the quantity negative, the amount not).
        if let Some(q) = quantity.filter(|q| q.is_sign_positive() && !q.is_zero()) {
            quantity = Some(-q);
        }
        total = total.map(|t| -t.abs());
        gross = gross.map(|g| -g.abs());
    }
    // A net total already has refunds taken off; any other total has not.
    let total_is_net = normalize_header(row.column(Role::Total)).contains("net");
    if let (Some(t), Some(r), false) = (total, refunded, total_is_net) {
        // Both are within MAX_LINE_TOTAL, so this cannot overflow.
        total = t.checked_sub(r);
    }
    let per_unit = |amount: Option<Decimal>, units: Option<Decimal>| -> Option<Decimal> {
        let q = units.filter(|q| !q.is_zero())?;
        amount
            .and_then(|a| a.checked_div(q))
            .map(|p| p.round_dp(MONEY_SCALE).normalize())
    };
    // Gross money is for the units sold, before refunds took any back.
    let unit_price = unit
        .or_else(|| per_unit(gross, if refund { quantity } else { sold }))
        .or_else(|| per_unit(total, quantity));
    // Discounts and refunds shrink the amount towards zero, so on a
    // negative (refunded) gross they are added back.
    let toward_zero = |amount: Decimal, by: Decimal| {
        if amount.is_sign_negative() {
            amount.checked_add(by.abs())
        } else {
            amount.checked_sub(by.abs())
        }
    };
    let line_total = total
        .or_else(|| {
            gross.and_then(|g| {
                let net = toward_zero(g, discount.unwrap_or_default())?;
                toward_zero(net, refunded.unwrap_or_default())
            })
        })
        .or_else(|| {
            let t = unit_price
                .zip(quantity)
                .and_then(|(p, q)| p.checked_mul(q))?;
            // Units refunded in their own column are already off the
            // quantity; a refunded amount alone is not.
            match (refunded, refunded_qty) {
                (Some(r), None) => toward_zero(t, r),
                _ => Some(t),
            }
        });
    let quantity = quantity.map(|q| round_to(q, QUANTITY_SCALE));
    let unit_price = unit_price.map(|p| round_to(p, MONEY_SCALE));
    let line_total = line_total.map(|t| round_to(t, MONEY_SCALE));
    // Derived values get the same limits, blamed on the column they came from.
    let price_source = if unit.is_some() {
        Role::UnitPrice
    } else if gross.is_some() {
        Role::GrossTotal
    } else {
        Role::Total
    };
    row.check(Role::Quantity, quantity, MAX_QUANTITY)?;
    row.check(price_source, unit_price, MAX_UNIT_PRICE)?;
    row.check(
        if total.is_some() {
            Role::Total
        } else {
            price_source
        },
        line_total,
        MAX_LINE_TOTAL,
    )?;
    if quantity.is_some_and(|q| q.is_zero())
        && line_total.is_none_or(|t| t.is_zero())
        && (gross.is_none_or(|g| g.is_zero()) || refunded_qty.is_some())
    {
        // Listed but not sold (product-mix reports list every menu item),
        // or sold and refunded in full.
        return Ok(Outcome::Skipped(Skip::NotASale));
    }
    let promo = match row.text(Role::Promo) {
        Some(p) => parse_flag(&p),
        None => discount.is_some_and(|d| !d.is_zero()),
    };
    // A sale rather than a refund: unknown or positive quantity.
    let is_sale = quantity.is_none_or(|q| q > Decimal::ZERO);
    if is_sale
        && (unit_price.is_some_and(|p| p <= Decimal::ZERO)
            || line_total.is_some_and(|t| t <= Decimal::ZERO))
    {
        warnings.push(Warning::NonPositivePrice);
    }

    let category =
        text_value(row, Role::Category, &mut warnings).or_else(|| counters.section.clone());
    let location = text_value(row, Role::Location, &mut warnings);
    let line_id = row
        .text(Role::LineId)
        .filter(|o| !o.is_empty())
        .map(Cow::into_owned);
    let occurrence = if let Some(id) = &line_id {
        let mut key = Fnv64::default();
        key.write(location.as_deref().unwrap_or("").as_bytes());
        key.write_u8(0);
        key.write(id.as_bytes());
        let n = counters.line_id_occurrence(key.finish(), record_hash(row.rec));
        if n > 0 {
            warnings.push(Warning::SharedKey {
                column: row.column(Role::LineId).to_owned(),
            });
        }
        n
    } else if order_id.is_some() {
        0
    } else {
        // Cheap in-memory grouping key; never persisted, so any hash works.
        let mut h = Fnv64::default();
        h.write(location.as_deref().unwrap_or("").as_bytes());
        h.write_i64(local_time.map_or(0, |t| t.and_utc().timestamp()));
        h.write_i32(date.num_days_from_ce());
        for b in item.bytes() {
            h.write_u8(b.to_ascii_lowercase());
        }
        counters.occurrence(h.finish())
    };

    counters
        .running
        .add(business, quantity, line_total, item != UNKNOWN_ITEM);
    Ok(Outcome::Sale(SaleLine {
        line,
        business_date: business,
        local_time,
        instant,
        order_id,
        line_in_order,
        line_id,
        item,
        quantity,
        unit_price,
        line_total,
        promo,
        category,
        location,
        warnings,
        occurrence,
    }))
}

/// Square marks voided lines in the item name (`Naan (Voided)`), with a
/// positive quantity and no money: they were never sold.
fn is_voided_name(name: &str) -> bool {
    let Some(open) = name.trim_end().strip_suffix(')').and_then(|n| n.rfind('(')) else {
        return false;
    };
    let marker = name.trim_end()[open + 1..name.trim_end().len() - 1].trim();
    ["voided", "void", "storniert", "annule", "anulado"]
        .iter()
        .any(|m| marker.eq_ignore_ascii_case(m))
}

/// Columns whose content makes a row more than a heading.
const NUMERIC_ROLES: [Role; 6] = [
    Role::Quantity,
    Role::UnitPrice,
    Role::Total,
    Role::GrossTotal,
    Role::RefundQuantity,
    Role::RefundAmount,
];

/// Hash of every field of a record, to tell rows apart.
fn record_hash(rec: &RawRecord) -> u64 {
    let mut h = Fnv64::default();
    for i in 0..rec.len() {
        let f = rec.get(i).unwrap_or_default();
        h.write_usize(f.len());
        h.write(f);
    }
    h.finish()
}

/// Cells with more than whitespace (a no-break space counts as blank, as
/// period reports fill empty cells with it).
fn non_empty_cells(rec: &RawRecord, plan: &Plan) -> usize {
    (0..rec.len())
        .filter_map(|i| rec.get(i))
        .filter(|f| !plan.encoding.decode(f).0.trim().is_empty())
        .count()
}

/// The text of the one filled cell of a heading row.
fn section_name(rec: &RawRecord, plan: &Plan) -> Option<String> {
    let cell = (0..rec.len())
        .filter_map(|i| rec.get(i))
        .map(|f| plan.encoding.decode(f).0)
        .find(|t| !t.trim().is_empty())?;
    let (name, _) = display_item_name(&cell);
    (!name.is_empty() && !is_summary_label(&name)).then(|| name.into_owned())
}

/// The row carries something that makes it a sale despite an empty item:
/// an order id, or a date in a dated layout.
fn looks_like_sale(row: &mut Row<'_>, has_order: bool) -> bool {
    if has_order {
        return true;
    }
    [Role::Timestamp, Role::Date]
        .iter()
        .any(|r| row.text(*r).is_some_and(|t| !t.is_empty()))
}

/// A row with no item whose quantity and money are exactly the sum of the
/// lines above it (since the last summary row, or the whole day): a subtotal
/// its export did not label. Matching sums, not a guess, decide it, so an
/// unnamed sale is still kept as one.
fn is_unlabelled_subtotal(row: &mut Row<'_>, counters: &LineCounters) -> bool {
    // A row of its own order, line or time of day is a sale, whatever its sums.
    let has = |row: &mut Row<'_>, role| row.text(role).is_some_and(|t| !t.is_empty());
    if has(row, Role::OrderId) || has(row, Role::LineId) || has(row, Role::Time) {
        return false;
    }
    let when = read_when(row).ok();
    if when.as_ref().is_some_and(|(_, time, ..)| time.is_some()) {
        return false;
    }
    let number = |row: &mut Row<'_>, role| row.number(role).ok().flatten();
    let quantity = number(row, Role::Quantity);
    let money: Vec<Decimal> = [Role::Total, Role::GrossTotal, Role::UnitPrice]
        .into_iter()
        .filter_map(|r| number(row, r))
        .collect();
    let date = when.map(|(d, ..)| d);
    counters.running.is_subtotal(date, quantity, &money)
}

/// Some text cell of the row (a category or label column) is a total label.
fn row_has_summary_label(rec: &RawRecord, plan: &Plan) -> bool {
    (0..rec.len().min(plan.headers.len()))
        .filter(|&i| !NUMERIC_ROLES.iter().any(|r| plan.layout.col(*r) == Some(i)))
        .filter_map(|i| rec.get(i))
        .any(|f| is_summary_label(&plan.encoding.decode(f).0))
}

/// Labels of subtotal and total rows, normalised (lower case, accents
/// folded, single spaces), in the languages exports are written in.
const SUMMARY_LABELS: &[&str] = &[
    "total",
    "totals",
    "grand total",
    "grand totals",
    "grandtotal",
    "subtotal",
    "subtotals",
    "sub total",
    "sub totals",
    "sub-total",
    "sub-totals",
    "total sales",
    "total net sales",
    "total gross sales",
    "total revenue",
    "total ht",
    "total ttc",
    "gesamtumsatz",
    "overall total",
    "report total",
    "total general",
    "sous-total",
    "sous total",
    "gesamt",
    "gesamtsumme",
    "summe",
    "zwischensumme",
    "endsumme",
    "totaal",
    "subtotaal",
    "eindtotaal",
    "totale",
    "subtotale",
    "totale generale",
    "totalt",
    "summa",
    "suma",
    "razem",
    "celkem",
    "toplam",
    "total geral",
    "yhteensa",
    "i alt",
    "totaux",
    "summary",
    "sumario",
    "resumen",
];

/// `Total`, `Grand Total`, `Summe`, `Total général`, or one of them with
/// what it totals after a bracket, colon or dash (`Total (Coffee)`,
/// `Subtotal: Drinks`, `Total for Bar`). A name that merely starts with
/// the word (`Total Burger`) is a dish.
pub(crate) fn is_summary_label(name: &str) -> bool {
    let folded: String = name
        .trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(crate::columns::fold_accent)
        .collect();
    let folded = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    let folded = folded.trim_end_matches([':', '.', '*']).trim();
    if TOTAL_OF.iter().any(|scope| {
        folded
            .strip_prefix(scope)
            .is_some_and(|rest| rest == " total" || rest == " totals")
    }) {
        return true;
    }
    // German compounds: Tagessumme, Warengruppensumme, Zwischensumme.
    if folded.len() > "summe".len() && !folded.contains(' ') && folded.ends_with("summe") {
        return true;
    }
    SUMMARY_LABELS.iter().any(|label| {
        let Some(rest) = folded.strip_prefix(label) else {
            return false;
        };
        if rest.is_empty() {
            return true;
        }
        // The label must end at a word boundary (`Totals`, not `Totalitarian`).
        let rest_trimmed = rest.trim_start();
        if rest_trimmed.len() == rest.len() && !rest.starts_with(['(', '[', ':', '-']) {
            return false;
        }
        rest_trimmed.starts_with(['(', '[', ':', '-', '–', '—'])
            || OF_WORDS.iter().any(|w| rest_trimmed.starts_with(w))
    })
}

/// What a total can be "of", in `<scope> total` labels.
const TOTAL_OF: &[&str] = &[
    "daily",
    "day",
    "category",
    "group",
    "menu",
    "menu group",
    "department",
    "store",
    "location",
    "week",
    "weekly",
    "month",
    "monthly",
    "period",
    "report",
    "section",
    "sales category",
];

/// Words that join a total label to what it totals (`Total for Bar`,
/// `Total du jour`, `Total de ventas`, `Summe der Warengruppe`).
const OF_WORDS: &[&str] = &[
    "for ", "of ", "du ", "de ", "des ", "del ", "der ", "di ", "van ", "fur ", "pour ", "per ",
];

/// A single-cell note or footer in a multi-column file, or the header row
/// repeated (files concatenated from several exports).
fn is_non_data(rec: &RawRecord, plan: &Plan) -> bool {
    if rec.len() == 1 && plan.headers.len() >= 3 {
        return true;
    }
    rec.len() == plan.headers.len()
        && plan.headers.iter().enumerate().all(|(i, h)| {
            rec.get(i)
                .is_some_and(|f| f.trim_ascii().eq_ignore_ascii_case(h.as_bytes()))
        })
}

fn text_value(row: &mut Row<'_>, role: Role, warnings: &mut Vec<Warning>) -> Option<String> {
    let t = row.text(role)?;
    if t.is_empty() {
        return None;
    }
    let (display, removed) = display_item_name(&t);
    if removed {
        warnings.push(Warning::ControlCharsRemoved {
            column: row.column(role).to_owned(),
        });
    }
    if looks_like_formula(&display) {
        warnings.push(Warning::FormulaLike {
            column: row.column(role).to_owned(),
        });
    }
    Some(display.into_owned())
}

/// Reads the sale's calendar date and optional time of day; also returns
/// which column and value to blame if the date is rejected later.
fn read_when(
    row: &mut Row<'_>,
) -> Result<(NaiveDate, Option<chrono::NaiveTime>, Role, String), RowError> {
    let plan = row.plan;
    let role = if plan.layout.has(Role::Timestamp) {
        Role::Timestamp
    } else if plan.layout.has(Role::Date) {
        Role::Date
    } else {
        // Period report: the caller's date (checked present before parsing).
        let date = plan.period_date.unwrap_or(plan.today);
        return Ok((date, None, Role::Date, date.to_string()));
    };
    let raw = row.text(role).unwrap_or_default();
    if raw.is_empty() {
        return Err(row.error(role, "", RowErrorKind::Missing));
    }
    let (mut date, mut time, offset) =
        parse_date_time(&raw, plan.date_order).map_err(|k| row.error(role, &raw, k))?;
    if role == Role::Date {
        if let Some(t) = row.text(Role::Time).filter(|t| !t.is_empty()) {
            time = Some(parse_time(&t).map_err(|k| row.error(Role::Time, &t, k))?);
        }
    }
    if let (Some(off), Some(t)) = (offset, time) {
        let local = to_local(plan.timezone, date.and_time(t), off);
        date = local.date();
        time = Some(local.time());
    }
    Ok((date, time, role, raw.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::is_summary_label;

    #[test]
    fn summary_labels_in_many_languages_but_not_dishes() {
        for label in [
            "Total",
            "TOTAL",
            "Totals",
            "Grand Total",
            "Sub-Total",
            "Subtotal:",
            "Total (Liquor: Call)",
            "Total - Drinks",
            "Total for Bar",
            "Daily total",
            "Category Total",
            "Summe",
            "Gesamt",
            "Tagessumme",
            "Summe der Warengruppe",
            "Total général",
            "Sous-total",
            "Total du jour",
            "Total general",
            "Totale generale",
            "Totaal",
        ] {
            assert!(is_summary_label(label), "{label}");
        }
        for dish in [
            "Total Burger",
            "Totally Vegan Bowl",
            "Totale Pizza",
            "Summer Salad",
            "Gesamtkunstwerk Torte",
            "Latte",
            "Subtotal Special",
        ] {
            assert!(!is_summary_label(dish), "{dish}");
        }
    }
}
