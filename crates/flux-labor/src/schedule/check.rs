//! Every rule a set of shifts breaks. A schedule from [`super::build`]
//! breaks none; a manager's edit is refused with the list.

use serde::Serialize;

use super::{Problem, Shift};
use crate::{hours, SLOTS_PER_DAY, TIMELINE};

/// One broken rule, naming the shift (its index in the list checked).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Violation {
    /// The person is not in the problem.
    UnknownPerson { shift: usize },
    /// The person does not work this role.
    RoleNotWorked { shift: usize },
    /// The shift falls outside the person's availability or approved time off.
    Unavailable { shift: usize },
    /// Shorter than the rules' minimum.
    TooShort {
        shift: usize,
        hours: f64,
        min_hours: f64,
    },
    /// Longer than the rules' maximum.
    TooLong {
        shift: usize,
        hours: f64,
        max_hours: f64,
    },
    /// Starts outside the week or ends past what the week can hold.
    OutsideWeek { shift: usize },
    /// A second shift for the same person on the same day.
    SecondShiftSameDay { shift: usize, other: usize },
    /// Overlaps another shift of the same person.
    Overlap { shift: usize, other: usize },
    /// Starts too soon after the person's previous shift ends.
    RestTooShort {
        shift: usize,
        other: usize,
        rest_hours: f64,
        min_hours: f64,
    },
    /// The person's week goes over their limit.
    WeekTooLong {
        person: usize,
        hours: f64,
        max_hours: f64,
    },
}

/// Every violation, shifts in the order given.
pub fn check(p: &Problem, shifts: &[Shift]) -> Vec<Violation> {
    let r = &p.rules;
    let mut out = Vec::new();
    for (i, s) in shifts.iter().enumerate() {
        let Some(who) = p.people.get(s.person) else {
            out.push(Violation::UnknownPerson { shift: i });
            continue;
        };
        if s.start >= 7 * SLOTS_PER_DAY || s.end() > TIMELINE {
            out.push(Violation::OutsideWeek { shift: i });
            continue;
        }
        if who.wage(s.role).is_none() {
            out.push(Violation::RoleNotWorked { shift: i });
        }
        if !who.free(s.start, s.end()) {
            out.push(Violation::Unavailable { shift: i });
        }
        if s.len < r.min_shift {
            out.push(Violation::TooShort {
                shift: i,
                hours: hours(s.len),
                min_hours: hours(r.min_shift),
            });
        }
        if s.len > r.max_shift {
            out.push(Violation::TooLong {
                shift: i,
                hours: hours(s.len),
                max_hours: hours(r.max_shift),
            });
        }
        for (j, o) in shifts.iter().enumerate().take(i) {
            if o.person != s.person {
                continue;
            }
            let (first, second) = if o.start <= s.start { (o, s) } else { (s, o) };
            if second.start < first.end() {
                out.push(Violation::Overlap { shift: i, other: j });
            } else if o.day() == s.day() {
                out.push(Violation::SecondShiftSameDay { shift: i, other: j });
            } else if second.start < first.end() + r.min_rest {
                out.push(Violation::RestTooShort {
                    shift: i,
                    other: j,
                    rest_hours: hours(second.start - first.end()),
                    min_hours: hours(r.min_rest),
                });
            }
        }
    }
    for (person, who) in p.people.iter().enumerate() {
        let paid: u32 = shifts
            .iter()
            .filter(|s| s.person == person)
            .map(|s| s.paid(r))
            .sum();
        let limit = who.week_limit(r);
        if paid > limit {
            out.push(Violation::WeekTooLong {
                person,
                hours: hours(paid),
                max_hours: hours(limit),
            });
        }
    }
    out
}
