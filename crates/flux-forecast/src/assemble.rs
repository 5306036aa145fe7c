//! Building engine input from daily sales totals.
//!
//! Sales stores (files, the database) know "dish X sold q on day d" only for
//! days with sales. The engine needs dense daily series and must be told
//! which missing days mean zero demand and which mean "unknown": a day on
//! which the *whole restaurant* sold nothing is a closure or a data gap, so
//! it is flagged (closed when the schedule says so, missing otherwise),
//! never fitted as zero demand. Each dish's series starts at its first sale,
//! so a new dish is not read as months of zero demand before its launch.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate};

use crate::types::{DayFlags, ItemSeries, PromoShare, Restaurant};

/// One dish's total on one business day.
#[derive(Debug, Clone)]
pub struct DailyTotal {
    pub item: String,
    pub category: Option<String>,
    pub date: NaiveDate,
    pub quantity: f64,
    /// Share of the quantity sold under a promotion (0..=1).
    pub promo_share: f64,
}

/// A dish's category and, per day, (quantity, promo quantity).
type ItemDays = (Option<String>, BTreeMap<NaiveDate, (f64, f64)>);

/// Assembles a restaurant from daily totals. `closed_weekdays` holds ISO
/// weekdays − 1 (0 = Monday) on which the restaurant is closed; `until`
/// extends every series to that day (exclusive), e.g. the forecast origin,
/// so trailing days without sales are seen.
pub fn restaurant_from_daily(
    totals: impl IntoIterator<Item = DailyTotal>,
    closed_weekdays: &HashSet<u32>,
    until: Option<NaiveDate>,
) -> Restaurant {
    let mut by_item: BTreeMap<String, ItemDays> = BTreeMap::new();
    let mut active_days: HashSet<NaiveDate> = HashSet::new();
    let mut last: Option<NaiveDate> = None;
    for t in totals {
        if !t.quantity.is_finite() {
            continue;
        }
        let q = t.quantity.max(0.0);
        active_days.insert(t.date);
        last = Some(last.map_or(t.date, |l| l.max(t.date)));
        let entry = by_item
            .entry(t.item)
            .or_insert_with(|| (t.category.clone(), BTreeMap::new()));
        if entry.0.is_none() {
            entry.0 = t.category;
        }
        let day = entry.1.entry(t.date).or_insert((0.0, 0.0));
        day.0 += q;
        day.1 += q * t.promo_share.clamp(0.0, 1.0);
    }
    let Some(last) = last else {
        return Restaurant {
            series: Vec::new(),
            special_days: Vec::new(),
            country: None,
            weather: Vec::new(),
        };
    };
    let end = until.unwrap_or(last + chrono::Days::new(1));
    let mut series = Vec::with_capacity(by_item.len());
    for (item, (category, days)) in by_item {
        let Some((&start, _)) = days.iter().next() else {
            continue;
        };
        if start >= end {
            continue;
        }
        let n = (end - start).num_days() as usize;
        let mut quantities = vec![0.0; n];
        let mut flags = vec![DayFlags::default(); n];
        for (i, (q, f)) in quantities.iter_mut().zip(flags.iter_mut()).enumerate() {
            let date = start + chrono::Days::new(i as u64);
            if let Some(&(sold, promo)) = days.get(&date) {
                *q = sold;
                if sold > 0.0 {
                    f.promo = PromoShare::new((promo / sold) as f32).unwrap_or_default();
                }
            } else if !active_days.contains(&date) {
                if closed_weekdays.contains(&date.weekday().num_days_from_monday()) {
                    f.closed = true;
                } else {
                    f.missing = true;
                }
            }
        }
        let mut s = ItemSeries::new(item, category, start, quantities);
        s.flags = flags;
        series.push(s);
    }
    Restaurant {
        series,
        special_days: Vec::new(),
        country: None,
        weather: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn t(item: &str, date: &str, q: f64) -> DailyTotal {
        DailyTotal {
            item: item.into(),
            category: None,
            date: d(date),
            quantity: q,
            promo_share: 0.0,
        }
    }

    #[test]
    fn restaurant_wide_gaps_are_missing_or_closed_and_item_gaps_are_zero() {
        // 2024-03-04 is a Monday (closed), 2024-03-06 a Wednesday gap.
        let r = restaurant_from_daily(
            vec![
                t("Soup", "2024-03-02", 3.0),
                t("Soup", "2024-03-03", 4.0),
                t("Cake", "2024-03-03", 1.0),
                t("Cake", "2024-03-05", 2.0),
                t("Soup", "2024-03-07", 5.0),
            ],
            &HashSet::from([0]),
            None,
        );
        let soup = r.series.iter().find(|s| s.item == "Soup").expect("soup");
        assert_eq!(soup.start, d("2024-03-02"));
        assert_eq!(soup.quantities, [3.0, 4.0, 0.0, 0.0, 0.0, 5.0]);
        assert!(soup.flags[2].closed, "Monday is a closed weekday");
        assert!(
            !soup.flags[3].closed && !soup.flags[3].missing,
            "Cake sold on the 5th: Soup's 0 is real"
        );
        assert!(soup.flags[4].missing, "nobody sold anything on the 6th");
        let cake = r.series.iter().find(|s| s.item == "Cake").expect("cake");
        assert_eq!(
            cake.start,
            d("2024-03-03"),
            "a dish starts at its first sale"
        );
    }

    #[test]
    fn until_extends_series_to_the_origin() {
        let r = restaurant_from_daily(
            vec![t("Soup", "2024-03-01", 1.0)],
            &HashSet::new(),
            Some(d("2024-03-04")),
        );
        assert_eq!(r.series[0].quantities.len(), 3);
        assert!(r.series[0].flags[2].missing);
    }
}
