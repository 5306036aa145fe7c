//! Shift templates (a role, a start, a length) and the covering models over
//! them: how many of each template a day needs (an integer program per role
//! and day), and the week's LP relaxation that bounds every schedule's cost.

use good_lp::{constraint, microlp, variable, Expression, ProblemVariables, Solution, SolverModel};

use super::{Problem, ScheduleError};
use crate::{hours, Slot, SLOTS_PER_DAY, TIMELINE};

/// A shift shape for one role: who works it is decided later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Template {
    pub role: usize,
    pub start: Slot,
    pub len: u32,
}

impl Template {
    pub fn end(&self) -> Slot {
        self.start + self.len
    }

    pub fn covers(&self, p: &Problem, slot: Slot) -> bool {
        super::Shift {
            person: 0,
            role: self.role,
            start: self.start,
            len: self.len,
        }
        .covers(&p.rules, slot)
    }

    pub fn paid(&self, p: &Problem) -> u32 {
        self.len - p.rules.break_slots(self.len)
    }
}

/// The slots a day's shifts are asked to cover: the day itself and, when
/// demand runs on past midnight, the stretch after it until the first slot
/// with no need (a bar's night belongs to the day it began).
pub(crate) fn day_window(need: &[u32], day: u32) -> (Slot, Slot) {
    let start = day * SLOTS_PER_DAY;
    let mut end = start + SLOTS_PER_DAY;
    while end < TIMELINE && need.get(end as usize).copied().unwrap_or(0) > 0 {
        end += 1;
    }
    (start, end)
}

/// Templates of `role` starting on `day` that cover at least one slot of
/// `window` with need left.
pub(crate) fn day_templates(
    p: &Problem,
    role: usize,
    day: u32,
    need: &[u32],
    (w0, w1): (Slot, Slot),
) -> Vec<Template> {
    let r = &p.rules;
    let day_start = day * SLOTS_PER_DAY;
    let mut out = Vec::new();
    let mut start = day_start;
    while start < day_start + SLOTS_PER_DAY {
        let mut len = r.min_shift;
        while len <= r.max_shift {
            let t = Template { role, start, len };
            if t.end() <= TIMELINE
                && (start.max(w0)..t.end().min(w1)).any(|k| need[k as usize] > 0 && t.covers(p, k))
            {
                out.push(t);
            }
            len += r.start_step;
        }
        start += r.start_step;
    }
    out
}

/// Who may still take a template: a person's index and the template.
pub(crate) type Eligible<'a> = &'a dyn Fn(usize, &Template) -> bool;

/// The cheapest wage of the people who could work `t` and are allowed by
/// `who`, and how many of them there are.
pub(crate) fn pool(p: &Problem, t: &Template, who: Eligible<'_>) -> (u32, f64) {
    let mut n = 0;
    let mut wage = f64::INFINITY;
    for (i, person) in p.people.iter().enumerate() {
        if !who(i, t) {
            continue;
        }
        if let Some(w) = person.wage(t.role) {
            if person.free(t.start, t.end()) {
                n += 1;
                wage = wage.min(w);
            }
        }
    }
    (n, wage)
}

/// How many of each template to staff so the window's need is covered at
/// the lowest cost. People of the role are grouped into up to [`TIERS`]
/// wage tiers; a template is staffed per tier, priced at the cheapest
/// eligible wage of the tier and capped by its eligible people, and a tier
/// staffs at most as many shifts as it has people. Without tiers every
/// shift would be priced at the one cheapest wage, and the day would be
/// cut into short shifts that one cheap person cannot all work.
pub(crate) fn cover(
    p: &Problem,
    templates: &[Template],
    need: &[u32],
    window: (Slot, Slot),
    who: Eligible<'_>,
) -> Result<Vec<(Template, u32)>, ScheduleError> {
    let Some(role) = templates.first().map(|t| t.role) else {
        return Ok(Vec::new());
    };
    let tiers = tiers(p, role, &|i| templates.iter().any(|t| who(i, t)));
    let mut priced: Vec<(Template, usize, u32, f64)> = Vec::new();
    for t in templates {
        for (g, members) in tiers.iter().enumerate() {
            let (n, wage) = pool(p, t, &|i, t| members.contains(&i) && who(i, t));
            if n > 0 {
                priced.push((*t, g, n, wage));
            }
        }
    }
    if priced.is_empty() {
        return Ok(Vec::new());
    }
    let mut vars = ProblemVariables::new();
    let counts: Vec<_> = priced
        .iter()
        .map(|(_, _, n, _)| vars.add(variable().integer().min(0).max(*n)))
        .collect();
    let slots: Vec<Slot> = (window.0..window.1)
        .filter(|k| need[*k as usize] > 0)
        .collect();
    let short: Vec<_> = slots.iter().map(|_| vars.add(variable().min(0))).collect();
    let mut objective = Expression::from(0.0);
    for ((t, _, _, wage), v) in priced.iter().zip(&counts) {
        objective += hours(t.paid(p)) * wage * *v;
    }
    for s in &short {
        objective += hours(1) * p.rules.understaffing_penalty * *s;
    }
    let mut model = vars.minimise(objective).using(microlp);
    for (k, s) in slots.iter().zip(&short) {
        let mut covered = Expression::from(0.0);
        for ((t, _, _, _), v) in priced.iter().zip(&counts) {
            if t.covers(p, *k) {
                covered += *v;
            }
        }
        model = model.with(constraint!(covered + *s >= f64::from(need[*k as usize])));
    }
    for (g, members) in tiers.iter().enumerate() {
        let used: Expression = priced
            .iter()
            .zip(&counts)
            .filter(|((_, tier, _, _), _)| *tier == g)
            .map(|(_, v)| *v)
            .sum();
        model = model.with(constraint!(used <= members.len() as f64));
    }
    let solution = model
        .solve()
        .map_err(|e| ScheduleError::Solver(e.to_string()))?;
    let mut out: Vec<(Template, u32)> = Vec::new();
    for ((t, _, _, _), v) in priced.iter().zip(&counts) {
        let n = solution.value(*v).round();
        if n >= 1.0 {
            match out.iter_mut().find(|(x, _)| x == t) {
                Some((_, c)) => *c += n as u32,
                None => out.push((*t, n as u32)),
            }
        }
    }
    Ok(out)
}

/// Wage tiers per role: enough to tell cheap from dear staff, few enough
/// to keep the covering program small.
const TIERS: usize = 3;

/// The people of `role` allowed by `who`, cheapest first, in up to
/// [`TIERS`] groups of about equal size.
fn tiers(p: &Problem, role: usize, who: &dyn Fn(usize) -> bool) -> Vec<Vec<usize>> {
    let mut people: Vec<(usize, f64)> = p
        .people
        .iter()
        .enumerate()
        .filter_map(|(i, x)| x.wage(role).filter(|_| who(i)).map(|w| (i, w)))
        .collect();
    people.sort_by(|a, b| a.1.total_cmp(&b.1));
    if people.is_empty() {
        return Vec::new();
    }
    let size = people.len().div_ceil(TIERS);
    people
        .chunks(size)
        .map(|c| c.iter().map(|(i, _)| *i).collect())
        .collect()
}

/// A lower bound on the objective (labor cost plus understaffing penalty)
/// of every schedule of the problem: per role, the LP relaxation of
/// covering the whole week with templates, each priced at the cheapest wage
/// of anyone free for it, at most as many per day as there are people in
/// the role. It ignores who works what, weekly limits, rest and overtime,
/// which only add cost, so no schedule costs less.
pub fn lower_bound(p: &Problem) -> Result<f64, ScheduleError> {
    p.rules.validate()?;
    let mut total = 0.0;
    for role in 0..p.roles {
        let Some(need) = p.need.get(role) else {
            continue;
        };
        let headcount = p.people.iter().filter(|x| x.wage(role).is_some()).count();
        let mut vars = ProblemVariables::new();
        let mut objective = Expression::from(0.0);
        let mut per_day: Vec<Vec<(Template, good_lp::Variable)>> = Vec::new();
        for day in 0..7 {
            let mut row = Vec::new();
            // Every slot a shift of the day can reach: the bound must not
            // leave out a shape some schedule could use.
            let window = (day * SLOTS_PER_DAY, TIMELINE);
            for t in day_templates(p, role, day, need, window) {
                let (n, wage) = pool(p, &t, &|_, _| true);
                if n == 0 {
                    continue;
                }
                let v = vars.add(variable().min(0).max(n));
                objective += hours(t.paid(p)) * wage * v;
                row.push((t, v));
            }
            per_day.push(row);
        }
        let slots: Vec<Slot> = (0..TIMELINE).filter(|k| need[*k as usize] > 0).collect();
        let short: Vec<_> = slots.iter().map(|_| vars.add(variable().min(0))).collect();
        for s in &short {
            objective += hours(1) * p.rules.understaffing_penalty * *s;
        }
        let mut model = vars.minimise(objective.clone()).using(microlp);
        for (k, s) in slots.iter().zip(&short) {
            let mut covered = Expression::from(0.0);
            for (t, v) in per_day.iter().flatten() {
                if t.covers(p, *k) {
                    covered += *v;
                }
            }
            model = model.with(constraint!(covered + *s >= f64::from(need[*k as usize])));
        }
        for row in &per_day {
            if !row.is_empty() {
                let day: Expression = row.iter().map(|(_, v)| *v).sum();
                model = model.with(constraint!(day <= headcount as f64));
            }
        }
        let solution = model
            .solve()
            .map_err(|e| ScheduleError::Solver(e.to_string()))?;
        total += solution.eval(&objective);
    }
    Ok(total)
}
