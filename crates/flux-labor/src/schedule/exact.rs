//! The whole week as one integer program: every person, every shift shape
//! they could work, every rule as a constraint. Optimal, and the yardstick
//! for [`super::build`], but its size is people × shapes × days, so it is
//! for small cases (tests) and for a time-limited search on larger ones.

use good_lp::{
    constraint, microlp, variable, Expression, ProblemVariables, Solution, SolverModel,
    WithTimeLimit,
};

use super::templates::day_templates;
use super::{cost, BuildReport, Problem, ScheduleError, Shift};
use crate::{hours, SLOTS_PER_DAY, TIMELINE};

/// The optimal week, or the best found within `time_limit_s` seconds.
/// Overtime is priced at the person's highest wage, which is the schedule's
/// true price whenever a person has one wage.
pub fn exact(p: &Problem, time_limit_s: f64) -> Result<BuildReport, ScheduleError> {
    p.rules.validate()?;
    let r = &p.rules;
    let mut vars = ProblemVariables::new();
    let mut objective = Expression::from(0.0);
    // (person, shift, variable)
    let mut x: Vec<(usize, Shift, good_lp::Variable)> = Vec::new();
    for (person, who) in p.people.iter().enumerate() {
        for &(role, wage) in &who.roles {
            let Some(need) = p.need.get(role) else {
                continue;
            };
            for day in 0..7 {
                let window = (day * SLOTS_PER_DAY, TIMELINE);
                for t in day_templates(p, role, day, need, window) {
                    if !who.free(t.start, t.end()) {
                        continue;
                    }
                    let v = vars.add(variable().binary());
                    objective += hours(t.paid(p)) * wage * v;
                    let shift = Shift {
                        person,
                        role,
                        start: t.start,
                        len: t.len,
                    };
                    x.push((person, shift, v));
                }
            }
        }
    }
    let mut overtime = Vec::new();
    if let Some(limit) = r.overtime_week {
        for (person, who) in p.people.iter().enumerate() {
            let top = who.roles.iter().map(|(_, w)| *w).fold(0.0, f64::max);
            let o = vars.add(variable().min(0));
            objective += top * (r.overtime_multiplier - 1.0) * o;
            overtime.push((person, o, limit));
        }
    }
    let mut short = Vec::new();
    for role in 0..p.roles {
        for k in 0..TIMELINE {
            let need = p.need_at(role, k);
            if need > 0 {
                let s = vars.add(variable().min(0));
                objective += hours(1) * r.understaffing_penalty * s;
                short.push((role, k, need, s));
            }
        }
    }
    let mut model = vars
        .minimise(objective)
        .using(microlp)
        .with_time_limit(time_limit_s);
    for &(role, k, need, s) in &short {
        let covered: Expression = x
            .iter()
            .filter(|(_, sh, _)| sh.role == role && sh.covers(r, k))
            .map(|(_, _, v)| *v)
            .sum();
        model = model.with(constraint!(covered + s >= f64::from(need)));
    }
    for (person, who) in p.people.iter().enumerate() {
        let mine: Vec<&(usize, Shift, good_lp::Variable)> =
            x.iter().filter(|(q, _, _)| *q == person).collect();
        for day in 0..7 {
            let today: Expression = mine
                .iter()
                .filter(|(_, s, _)| s.day() == day)
                .map(|(_, _, v)| *v)
                .sum();
            model = model.with(constraint!(today <= 1.0));
        }
        let paid: Expression = mine.iter().map(|(_, s, v)| f64::from(s.paid(r)) * *v).sum();
        model = model.with(constraint!(paid.clone() <= f64::from(who.week_limit(r))));
        if let Some(&(_, o, limit)) = overtime.iter().find(|(q, _, _)| *q == person) {
            // o is in hours; paid in slots.
            model = model.with(constraint!(hours(1) * paid - o <= hours(limit)));
        }
        // Rest: a shift and a later one that starts too soon after it.
        for (_, a, va) in &mine {
            for (_, b, vb) in &mine {
                if b.day() > a.day() && b.start < a.end() + r.min_rest {
                    model = model.with(constraint!(*va + *vb <= 1.0));
                }
            }
        }
    }
    let solution = model
        .solve()
        .map_err(|e| ScheduleError::Solver(e.to_string()))?;
    let mut shifts: Vec<Shift> = x
        .iter()
        .filter(|(_, _, v)| solution.value(*v) > 0.5)
        .map(|(_, s, _)| *s)
        .collect();
    shifts.sort_by_key(|s| (s.start, s.role, s.person));
    let cost = cost(p, &shifts);
    Ok(BuildReport {
        shifts,
        cost,
        solves: 1,
    })
}
