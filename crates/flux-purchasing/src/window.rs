//! The window an order must cover, from a supplier's delivery weekdays and
//! lead time.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// When an order placed today arrives and how long it must last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// The delivery this order comes with.
    pub first_delivery: NaiveDate,
    /// The delivery after it, which brings the next order.
    pub next_delivery: NaiveDate,
    /// `next_delivery − first_delivery` in days: the order feeds these days.
    pub coverage_days: u32,
}

/// Orders placed `today` arrive at the first delivery day at least
/// `lead_time_days` away; the order must last until the delivery after
/// that one. `None` when `delivery_days` is empty (no delivery ever comes)
/// or the dates leave the calendar.
pub fn coverage_window(
    today: NaiveDate,
    delivery_days: &[Weekday],
    lead_time_days: u32,
) -> Option<Window> {
    let earliest = today.checked_add_days(Days::new(u64::from(lead_time_days)))?;
    let first_delivery = delivery_on_or_after(earliest, delivery_days)?;
    let next_delivery = delivery_on_or_after(first_delivery.succ_opt()?, delivery_days)?;
    let coverage_days = u32::try_from((next_delivery - first_delivery).num_days()).ok()?;
    Some(Window {
        first_delivery,
        next_delivery,
        coverage_days,
    })
}

fn delivery_on_or_after(from: NaiveDate, delivery_days: &[Weekday]) -> Option<NaiveDate> {
    (0..7)
        .filter_map(|offset| from.checked_add_days(Days::new(offset)))
        .find(|d| delivery_days.contains(&d.weekday()))
}
