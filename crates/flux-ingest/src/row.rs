//! Turning one raw record into a [`SaleLine`], a skip, or a [`RowError`].
//!
//! Rules applied here, in order:
//! * voided and deferred lines (Toast `Void?`/`Deferred`, an event type
//!   saying void) are skipped, not errors; an event type saying refund or
//!   return makes a positive quantity negative;
//! * an empty item becomes [`UNKNOWN_ITEM`] with a warning (the sale
//!   still happened); item `NONE` is "no sale" and `Total`/`Grand Total` rows are report
//!   summaries: both skipped;
//! * `2x Coffee` is 2 × `Coffee` (multiplied with a quantity column if any);
//!   no quantity column means one unit, except revenue-only layouts, whose
//!   quantity is unknown;
//! * unit price falls back to gross (else net) line total ÷ quantity,
//!   rounded to 4 places; line total falls back to gross − discount, else
//!   unit price × quantity;
//! * promo is the promo column when present, else "a discount was given";
//! * single-cell notes and repeated header rows are skipped as non-data;
//! * dates after `today` or before 2000 are errors; zero or negative prices
//!   on a sale are warnings.

use std::borrow::Cow;
use std::hash::Hasher;

use chrono::{Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;

use crate::clock::{business_date, resolve_local, to_local};
use crate::columns::{Layout, Role};
use crate::counters::{Fnv64, LineCounters};
use crate::dates::{parse_date_time, parse_time, DateOrder};
use crate::encoding::TextEncoding;
use crate::error::{RowError, RowErrorKind};
use crate::format::Format;
use crate::item::{display_item_name, looks_like_formula, split_quantity_prefix};
use crate::line::{SaleLine, Warning};
use crate::numbers::{parse_decimal, parse_flag, DecimalSeparator};
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

    /// A number, `None` when the column is absent or the cell empty.
    fn number(&mut self, role: Role) -> Result<Option<Decimal>, RowError> {
        match self.text(role) {
            None => Ok(None),
            Some(t) if t.is_empty() => Ok(None),
            Some(t) => parse_decimal(&t, self.plan.decimal)
                .map(Some)
                .ok_or_else(|| self.error(role, &t, RowErrorKind::InvalidNumber)),
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
        if e.contains("void") || e.contains("cancel") {
            return Ok(Outcome::Skipped(Skip::Voided));
        }
        refund = e.contains("refund") || e.contains("return");
    }

    // Item.
    let raw_item: Cow<'_, str> = match row.text(Role::Item) {
        Some(t) => t,
        None => Cow::Owned(plan.layout.fixed_item.clone().unwrap_or_default()),
    };
    let mut warnings = Vec::new();
    let (display, removed) = display_item_name(&raw_item);
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
    if ["total", "totals", "grand total", "subtotal"]
        .iter()
        .any(|t| name.eq_ignore_ascii_case(t))
    {
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
    let qty_col = match row.text(Role::Quantity) {
        None => None,
        Some(t) if t.is_empty() && plan.format == Format::Clover => None,
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
    if plan.format == Format::Clover && qty_col.is_none() && total.is_none() && gross.is_none() {
        // Category headings inside a period report.
        return Ok(Outcome::Skipped(Skip::NoData));
    }
    let mut quantity = match (qty_col, prefix_qty) {
        (Some(q), Some(p)) => Some(q.checked_mul(p).ok_or_else(|| {
            row.error(Role::Quantity, &q.to_string(), RowErrorKind::InvalidNumber)
        })?),
        (Some(q), None) => Some(q),
        (None, Some(p)) => Some(p),
        (None, None) if plan.format.revenue_only() => None,
        (None, None) => Some(Decimal::ONE),
    };
    if refund {
        if let Some(q) = quantity.filter(|q| q.is_sign_positive() && !q.is_zero()) {
            quantity = Some(-q);
            total = total.map(|t| -t.abs());
            gross = gross.map(|g| -g.abs());
        }
    }
    let per_unit = |amount: Option<Decimal>| -> Option<Decimal> {
        let q = quantity.filter(|q| !q.is_zero())?;
        amount
            .and_then(|a| a.checked_div(q))
            .map(|p| p.round_dp(4).normalize())
    };
    let unit_price = unit.or_else(|| per_unit(gross)).or_else(|| per_unit(total));
    let line_total = total
        .or_else(|| gross.and_then(|g| g.checked_sub(discount.unwrap_or_default().abs())))
        .or_else(|| unit_price.zip(quantity).and_then(|(p, q)| p.checked_mul(q)));
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

    let category = text_value(row, Role::Category, &mut warnings);
    let location = text_value(row, Role::Location, &mut warnings);
    let line_id = row
        .text(Role::LineId)
        .filter(|o| !o.is_empty())
        .map(Cow::into_owned);
    let occurrence = if order_id.is_some() {
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
