//! The production scheduler: day by day, first which shifts the day needs
//! (a small integer covering program per role: which starts and lengths,
//! how many of each), then who works them (an assignment program over the
//! day's shifts and the people still free, priced with each person's wage
//! and the overtime their week has reached). Whatever stays uncovered, for
//! lack of a free person, is tried again with the people left, up to three
//! rounds.
//!
//! Solving the whole week as one program ([`super::exact`]) is optimal but
//! grows with people × shapes × days; the decomposition keeps every program
//! small (hundreds of variables), so a 60-person week takes about a second.
//! Its cost gap to the exact optimum and to the LP bound is measured in the
//! tests and the benchmark.

use good_lp::{constraint, microlp, variable, Expression, ProblemVariables, Solution, SolverModel};
use serde::Serialize;

use super::templates::{cover, day_templates, day_window, Template};
use super::{cost, staffed, Cost, Problem, ScheduleError, Shift};
use crate::{hours, Slot, TIMELINE};

/// A built schedule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BuildReport {
    pub shifts: Vec<Shift>,
    pub cost: Cost,
    /// Linear programs solved.
    pub solves: usize,
}

/// Where each person's week stands while days are filled in.
struct Week {
    paid: Vec<u32>,
    last_end: Vec<Option<Slot>>,
    today: Vec<bool>,
}

impl Week {
    fn can_take(&self, p: &Problem, person: usize, t: &Template) -> bool {
        let Some(who) = p.people.get(person) else {
            return false;
        };
        !self.today[person]
            && who.wage(t.role).is_some()
            && self.last_end[person].is_none_or(|end| end + p.rules.min_rest <= t.start)
            && self.paid[person] + t.paid(p) <= who.week_limit(&p.rules)
            && who.free(t.start, t.end())
    }

    /// Wage plus the overtime premium this shift would add to the person's week.
    fn price(&self, p: &Problem, person: usize, t: &Template) -> f64 {
        let wage = p.people[person].wage(t.role).unwrap_or(0.0);
        let paid = t.paid(p);
        let mut price = hours(paid) * wage;
        if let Some(limit) = p.rules.overtime_week {
            let before = self.paid[person].saturating_sub(limit);
            let after = (self.paid[person] + paid).saturating_sub(limit);
            price += hours(after - before) * wage * (p.rules.overtime_multiplier - 1.0);
        }
        price
    }
}

/// Builds the week's schedule.
pub fn build(p: &Problem) -> Result<BuildReport, ScheduleError> {
    p.rules.validate()?;
    let n = p.people.len();
    let mut week = Week {
        paid: vec![0; n],
        last_end: vec![None; n],
        today: vec![false; n],
    };
    let mut shifts: Vec<Shift> = Vec::new();
    let mut solves = 0;
    for day in 0..7 {
        week.today.iter_mut().for_each(|t| *t = false);
        for _round in 0..3 {
            let on = staffed(p, &shifts);
            let mut wanted = Vec::new();
            for (role, have) in on.iter().enumerate() {
                let residual: Vec<u32> = (0..TIMELINE)
                    .map(|k| p.need_at(role, k).saturating_sub(have[k as usize]))
                    .collect();
                let window = day_window(&residual, day);
                let templates = day_templates(p, role, day, &residual, window);
                if templates.is_empty() {
                    continue;
                }
                let chosen = cover(p, &templates, &residual, window, &|i, t| {
                    week.can_take(p, i, t)
                })?;
                solves += 1;
                for (t, count) in chosen {
                    wanted.extend(std::iter::repeat_n(t, count as usize));
                }
            }
            if wanted.is_empty() {
                break;
            }
            let assigned = assign(p, &wanted, &week)?;
            solves += 1;
            if assigned.is_empty() {
                break;
            }
            for s in assigned {
                week.today[s.person] = true;
                week.paid[s.person] += s.paid(&p.rules);
                week.last_end[s.person] = Some(s.end());
                shifts.push(s);
            }
        }
    }
    shifts.sort_by_key(|s| (s.start, s.role, s.person));
    let cost = cost(p, &shifts);
    Ok(BuildReport {
        shifts,
        cost,
        solves,
    })
}

/// Who works which of the day's wanted shifts: each shift at most one
/// person, each person at most one shift, an unfilled shift costing the
/// understaffing penalty for its hours.
fn assign(p: &Problem, wanted: &[Template], week: &Week) -> Result<Vec<Shift>, ScheduleError> {
    let mut vars = ProblemVariables::new();
    let mut objective = Expression::from(0.0);
    let mut pairs = Vec::new();
    let mut unfilled = Vec::new();
    for (i, t) in wanted.iter().enumerate() {
        for person in 0..p.people.len() {
            if week.can_take(p, person, t) {
                let v = vars.add(variable().binary());
                objective += week.price(p, person, t) * v;
                pairs.push((i, person, v));
            }
        }
        let u = vars.add(variable().min(0).max(1));
        objective += hours(t.paid(p)) * p.rules.understaffing_penalty * u;
        unfilled.push(u);
    }
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    let mut model = vars.minimise(objective).using(microlp);
    for (i, u) in unfilled.iter().enumerate() {
        let taken: Expression = pairs.iter().filter(|x| x.0 == i).map(|x| x.2).sum();
        model = model.with(constraint!(taken + *u == 1.0));
    }
    for person in 0..p.people.len() {
        let mine: Vec<_> = pairs
            .iter()
            .filter(|x| x.1 == person)
            .map(|x| x.2)
            .collect();
        if mine.len() > 1 {
            let total: Expression = mine.into_iter().sum();
            model = model.with(constraint!(total <= 1.0));
        }
    }
    let solution = model
        .solve()
        .map_err(|e| ScheduleError::Solver(e.to_string()))?;
    Ok(pairs
        .iter()
        .filter(|(_, _, v)| solution.value(*v) > 0.5)
        .map(|&(i, person, _)| Shift {
            person,
            role: wanted[i].role,
            start: wanted[i].start,
            len: wanted[i].len,
        })
        .collect())
}
