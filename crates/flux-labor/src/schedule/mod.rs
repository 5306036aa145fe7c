//! A week's schedule: the problem, the shifts, and what they cost.
//!
//! A person works at most one shift a day (a shift belongs to the day it
//! starts on, even when it runs past midnight). A shift longer than the
//! break threshold has one unpaid break in its middle, during which the
//! person does not count towards the requirement. Staffing below the
//! requirement is allowed but costs a penalty per missing staff-hour, so a
//! week that cannot be covered still gets the best schedule there is, with
//! its gaps shown.
//!
//! [`build`] is the scheduler used in production (a decomposition that
//! solves many small MILPs), [`exact`] solves the whole week as one MILP
//! for small cases and gives the optimum the decomposition is measured
//! against, [`lower_bound`] is the LP relaxation that bounds any schedule's
//! cost from below on large cases, and [`check`] finds every rule a given
//! set of shifts breaks (manual edits).

mod build;
mod check;
mod exact;
mod templates;

pub use build::{build, BuildReport};
pub use check::{check, Violation};
pub use exact::exact;
pub use templates::lower_bound;

use serde::{Deserialize, Serialize};

use crate::{hours, Slot, TIMELINE};

/// The rules every shift and every person's week must keep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    /// Shortest shift, in slots (including its break).
    pub min_shift: u32,
    /// Longest shift, in slots (including its break).
    pub max_shift: u32,
    /// Most paid slots a person works in a week, unless their own limit is lower.
    pub max_week: u32,
    /// Least time off between the end of one shift and the start of the next, in slots.
    pub min_rest: u32,
    /// A shift longer than this many slots has a break.
    pub break_after: u32,
    /// Length of that break in slots (unpaid, not counted as staffed).
    pub break_len: u32,
    /// Shifts start on multiples of this many slots (2: on the half hour).
    pub start_step: u32,
    /// Paid slots beyond this in a week are overtime.
    pub overtime_week: Option<u32>,
    /// Overtime pay as a multiple of the wage (1.5: time and a half).
    pub overtime_multiplier: f64,
    /// Cost of one missing staff-hour, in the wage currency. It should be
    /// higher than any wage, or the scheduler prefers gaps to people.
    pub understaffing_penalty: f64,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            min_shift: 4 * 4,
            max_shift: 9 * 4,
            max_week: 40 * 4,
            min_rest: 11 * 4,
            break_after: 6 * 4,
            break_len: 2,
            start_step: 2,
            overtime_week: Some(40 * 4),
            overtime_multiplier: 1.5,
            understaffing_penalty: 100.0,
        }
    }
}

impl Rules {
    /// Slots of a shift of `len` slots that are its break.
    pub fn break_slots(&self, len: u32) -> u32 {
        if len > self.break_after {
            self.break_len.min(len)
        } else {
            0
        }
    }

    /// Where the break of a shift starts, when it has one: its middle.
    pub fn break_start(&self, start: Slot, len: u32) -> Option<Slot> {
        let b = self.break_slots(len);
        (b > 0).then(|| start + (len - b) / 2)
    }
}

/// Someone who can be scheduled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// The roles the person can work, each with their wage per hour in it.
    pub roles: Vec<(usize, f64)>,
    /// Per slot of the [`TIMELINE`]: may the person work then? Weekly
    /// availability with approved time off already taken out.
    pub available: Vec<bool>,
    /// The person's own weekly limit in paid slots, when lower than the rules'.
    pub max_week: Option<u32>,
}

impl Person {
    /// The wage per hour in a role, if the person can work it.
    pub fn wage(&self, role: usize) -> Option<f64> {
        self.roles.iter().find(|(r, _)| *r == role).map(|(_, w)| *w)
    }

    /// Whether the person is free for every slot of `[start, end)`.
    pub fn free(&self, start: Slot, end: Slot) -> bool {
        (start..end).all(|s| self.available.get(s as usize).copied().unwrap_or(false))
    }

    fn week_limit(&self, rules: &Rules) -> u32 {
        self.max_week
            .map_or(rules.max_week, |m| m.min(rules.max_week))
    }
}

/// One week to schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Number of roles; roles are `0..roles`.
    pub roles: usize,
    /// Per role, staff needed per slot of the [`TIMELINE`].
    pub need: Vec<Vec<u32>>,
    pub people: Vec<Person>,
    pub rules: Rules,
}

impl Problem {
    /// Staff needed in `role` at `slot`.
    pub fn need_at(&self, role: usize, slot: Slot) -> u32 {
        self.need
            .get(role)
            .and_then(|n| n.get(slot as usize))
            .copied()
            .unwrap_or(0)
    }
}

/// One person working one role for one stretch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    /// Index into [`Problem::people`].
    pub person: usize,
    pub role: usize,
    pub start: Slot,
    /// Length in slots, break included.
    pub len: u32,
}

impl Shift {
    pub fn end(&self) -> Slot {
        self.start + self.len
    }

    /// The day of the week (0 = Monday) the shift belongs to.
    pub fn day(&self) -> u32 {
        self.start / crate::SLOTS_PER_DAY
    }

    /// Paid slots: the length without the break.
    pub fn paid(&self, rules: &Rules) -> u32 {
        self.len - rules.break_slots(self.len)
    }

    /// Whether the person counts towards the requirement at `slot`.
    pub fn covers(&self, rules: &Rules, slot: Slot) -> bool {
        if slot < self.start || slot >= self.end() {
            return false;
        }
        match rules.break_start(self.start, self.len) {
            Some(b) => slot < b || slot >= b + rules.break_slots(self.len),
            None => true,
        }
    }
}

/// What a schedule costs and how well it covers the requirement.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Cost {
    /// Wages at the base rate for every paid hour.
    pub wages: f64,
    /// The extra paid for weekly overtime.
    pub overtime: f64,
    /// Staff-slots below the requirement.
    pub understaffed_slots: u32,
    /// Staff-slots above it.
    pub overstaffed_slots: u32,
}

impl Cost {
    /// Labor cost: wages and overtime.
    pub fn labor(&self) -> f64 {
        self.wages + self.overtime
    }

    /// The objective the scheduler minimises: labor cost plus the penalty
    /// for every missing staff-hour.
    pub fn objective(&self, rules: &Rules) -> f64 {
        self.labor() + hours(self.understaffed_slots) * rules.understaffing_penalty
    }
}

/// Staff scheduled per role and slot.
pub fn staffed(problem: &Problem, shifts: &[Shift]) -> Vec<Vec<u32>> {
    let mut on = vec![vec![0u32; TIMELINE as usize]; problem.roles];
    for s in shifts {
        if let Some(line) = on.get_mut(s.role) {
            for slot in s.start..s.end().min(TIMELINE) {
                if s.covers(&problem.rules, slot) {
                    line[slot as usize] += 1;
                }
            }
        }
    }
    on
}

/// The cost of a set of shifts under the problem's wages and rules. Shifts
/// for a role a person cannot work are priced at zero here; [`check`]
/// reports them.
pub fn cost(problem: &Problem, shifts: &[Shift]) -> Cost {
    let rules = &problem.rules;
    let mut c = Cost::default();
    let mut week_paid = vec![0u32; problem.people.len()];
    let mut week_pay = vec![0f64; problem.people.len()];
    for s in shifts {
        let Some(p) = problem.people.get(s.person) else {
            continue;
        };
        let wage = p.wage(s.role).unwrap_or(0.0);
        let paid = s.paid(rules);
        c.wages += hours(paid) * wage;
        week_paid[s.person] += paid;
        week_pay[s.person] += hours(paid) * wage;
    }
    if let Some(limit) = rules.overtime_week {
        for (i, &paid) in week_paid.iter().enumerate() {
            if paid > limit && paid > 0 {
                // The premium is paid at the person's average rate of the week.
                let avg = week_pay[i] / hours(paid);
                c.overtime += hours(paid - limit) * avg * (rules.overtime_multiplier - 1.0);
            }
        }
    }
    let on = staffed(problem, shifts);
    for (role, line) in on.iter().enumerate() {
        for (slot, &have) in line.iter().enumerate() {
            let need = problem.need_at(role, slot as Slot);
            c.understaffed_slots += need.saturating_sub(have);
            c.overstaffed_slots += have.saturating_sub(need);
        }
    }
    c
}

/// Why no schedule could be made.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ScheduleError {
    #[error("the rules are inconsistent: {0}")]
    Rules(&'static str),
    #[error("the solver failed: {0}")]
    Solver(String),
}

impl Rules {
    /// Rejects rules no shift can satisfy.
    pub fn validate(&self) -> Result<(), ScheduleError> {
        if self.min_shift == 0 || self.min_shift > self.max_shift {
            return Err(ScheduleError::Rules(
                "the shortest shift must be at least one slot and no longer than the longest",
            ));
        }
        if self.max_shift > crate::OVERFLOW_SLOTS + crate::SLOTS_PER_DAY / 2 {
            return Err(ScheduleError::Rules("a shift may last at most 24 hours"));
        }
        if self.start_step == 0 {
            return Err(ScheduleError::Rules(
                "shifts must start on a step of at least one slot",
            ));
        }
        if self.overtime_multiplier < 1.0 || !self.overtime_multiplier.is_finite() {
            return Err(ScheduleError::Rules(
                "the overtime multiplier must be at least 1",
            ));
        }
        if !self.understaffing_penalty.is_finite() || self.understaffing_penalty < 0.0 {
            return Err(ScheduleError::Rules(
                "the understaffing penalty must be a positive number",
            ));
        }
        Ok(())
    }
}
