//! The scheduler against the rules, the exact optimum and the LP bound.

use flux_labor::schedule::{
    build, check, cost, exact, lower_bound, staffed, Person, Problem, Rules, Shift, Violation,
};
use flux_labor::synthetic::{week, WeekSpec};
use flux_labor::{SLOTS_PER_DAY, TIMELINE};

fn hour(day: u32, h: u32) -> u32 {
    day * SLOTS_PER_DAY + h * 4
}

fn always() -> Vec<bool> {
    vec![true; TIMELINE as usize]
}

/// One role, Monday 12:00–20:00 needs one person.
fn one_day(people: Vec<Person>, rules: Rules) -> Problem {
    let mut need = vec![0; TIMELINE as usize];
    for k in hour(0, 12)..hour(0, 20) {
        need[k as usize] = 1;
    }
    Problem {
        roles: 1,
        need: vec![need],
        people,
        rules,
    }
}

fn person(wage: f64) -> Person {
    Person {
        roles: vec![(0, wage)],
        available: always(),
        max_week: None,
    }
}

#[test]
fn a_simple_day_is_covered_at_the_lowest_cost() {
    let p = one_day(vec![person(20.0), person(15.0)], Rules::default());
    let r = build(&p).expect("schedule");
    // One 8-hour shift would have a 30-minute unpaid break, a gap in cover
    // that costs more (penalty 100/h) than splitting the day in two 4-hour
    // shifts without breaks: 4 h at 15 + 4 h at 20 = 140.
    assert_eq!(r.shifts.len(), 2, "{:?}", r.shifts);
    assert_eq!(r.cost.understaffed_slots, 0);
    assert!((r.cost.wages - 140.0).abs() < 1e-9, "{:?}", r.cost);
    assert!(check(&p, &r.shifts).is_empty());
    // With gaps priced at 30/h, one person covers it all and the break stays open.
    let mut cheap_gaps = p.clone();
    cheap_gaps.rules.understaffing_penalty = 30.0;
    let r = build(&cheap_gaps).expect("schedule");
    assert_eq!(r.shifts.len(), 1, "{:?}", r.shifts);
    let s = r.shifts[0];
    assert_eq!((s.person, s.start, s.end()), (1, hour(0, 12), hour(0, 20)));
    assert_eq!(r.cost.understaffed_slots, 2);
    assert!((r.cost.wages - 7.5 * 15.0).abs() < 1e-9, "{:?}", r.cost);
}

#[test]
fn built_weeks_break_no_rule_and_cost_at_least_the_lower_bound() {
    for seed in 0..4 {
        let p = week(WeekSpec {
            people: 16,
            roles: 2,
            days: 7,
            peak: 3,
            seed,
        });
        let r = build(&p).expect("schedule");
        let v = check(&p, &r.shifts);
        assert!(v.is_empty(), "seed {seed}: {v:?}");
        let bound = lower_bound(&p).expect("bound");
        let total = r.cost.objective(&p.rules);
        assert!(
            bound <= total + 1e-6,
            "seed {seed}: bound {bound} > cost {total}"
        );
        assert_eq!(r.cost, cost(&p, &r.shifts));
    }
}

#[test]
fn the_decomposition_is_close_to_the_exact_optimum_on_small_weeks() {
    let mut gaps = Vec::new();
    for seed in 0..6 {
        let p = week(WeekSpec {
            people: 5,
            roles: 1,
            days: 2,
            peak: 2,
            seed,
        });
        let heuristic = build(&p).expect("schedule");
        let best = exact(&p, 60.0).expect("exact");
        assert!(
            check(&p, &best.shifts).is_empty(),
            "{:?}",
            check(&p, &best.shifts)
        );
        let h = heuristic.cost.objective(&p.rules);
        let e = best.cost.objective(&p.rules);
        let bound = lower_bound(&p).expect("bound");
        assert!(
            bound <= e + 1e-6,
            "seed {seed}: bound {bound} above the optimum {e}"
        );
        assert!(
            e <= h + 1e-6,
            "seed {seed}: exact {e} worse than heuristic {h}"
        );
        gaps.push((h - e) / e);
    }
    let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
    let worst = gaps.iter().copied().fold(0.0, f64::max);
    println!(
        "gap to the exact optimum: mean {:.2} %, worst {:.2} %",
        mean * 100.0,
        worst * 100.0
    );
    assert!(worst < 0.05, "gaps {gaps:?}");
}

#[test]
fn nobody_is_scheduled_outside_availability_or_beyond_their_week() {
    let mut lazy = person(10.0);
    // Free Monday only.
    lazy.available = (0..TIMELINE).map(|k| k < SLOTS_PER_DAY).collect();
    let mut capped = person(11.0);
    capped.max_week = Some(6 * 4);
    let mut need = vec![0; TIMELINE as usize];
    for day in 0..3 {
        for k in hour(day, 10)..hour(day, 16) {
            need[k as usize] = 1;
        }
    }
    let p = Problem {
        roles: 1,
        need: vec![need],
        people: vec![lazy, capped, person(30.0)],
        rules: Rules::default(),
    };
    let r = build(&p).expect("schedule");
    assert!(check(&p, &r.shifts).is_empty());
    for s in &r.shifts {
        if s.person == 0 {
            assert_eq!(s.day(), 0);
        }
    }
    let capped_paid: u32 = r
        .shifts
        .iter()
        .filter(|s| s.person == 1)
        .map(|s| s.paid(&p.rules))
        .sum();
    assert!(capped_paid <= 24);
    // Every hour is covered by someone: the expensive person fills in.
    assert_eq!(r.cost.understaffed_slots, 0, "{:?}", r.shifts);
}

#[test]
fn rest_between_a_late_and_an_early_shift_is_kept() {
    let mut need = vec![0; TIMELINE as usize];
    for k in hour(0, 18)..hour(0, 23) {
        need[k as usize] = 1;
    }
    for k in hour(1, 6)..hour(1, 11) {
        need[k as usize] = 1;
    }
    let p = Problem {
        roles: 1,
        need: vec![need],
        people: vec![person(10.0), person(12.0)],
        rules: Rules::default(),
    };
    let r = build(&p).expect("schedule");
    assert!(check(&p, &r.shifts).is_empty());
    let people: Vec<usize> = r.shifts.iter().map(|s| s.person).collect();
    assert_eq!(r.shifts.len(), 2);
    assert_ne!(
        people[0], people[1],
        "the same person closed and opened: {:?}",
        r.shifts
    );
}

#[test]
fn weekly_overtime_is_priced_and_avoided_when_someone_else_is_cheaper() {
    let mut rules = Rules {
        max_week: 60 * 4,
        overtime_week: Some(16 * 4),
        ..Rules::default()
    };
    rules.break_after = 100;
    let mut need = vec![0; TIMELINE as usize];
    for day in 0..3 {
        for k in hour(day, 10)..hour(day, 18) {
            need[k as usize] = 1;
        }
    }
    let p = Problem {
        roles: 1,
        need: vec![need],
        people: vec![person(20.0), person(24.0)],
        rules,
    };
    let r = build(&p).expect("schedule");
    // Three 8-hour days: the cheap person's third day would be overtime at
    // 30/h, so the 24/h person takes it.
    assert_eq!(r.cost.overtime, 0.0, "{:?}", r.shifts);
    assert_eq!(r.shifts.iter().filter(|s| s.person == 1).count(), 1);
    // Priced by hand: the same three days all on one person cost 16 h at 20
    // and 8 h at 20 × 1.5.
    let all_cheap: Vec<Shift> = r.shifts.iter().map(|s| Shift { person: 0, ..*s }).collect();
    let c = cost(&p, &all_cheap);
    assert!((c.wages - 24.0 * 20.0).abs() < 1e-9);
    assert!((c.overtime - 8.0 * 20.0 * 0.5).abs() < 1e-9, "{c:?}");
}

#[test]
fn every_rule_broken_on_purpose_is_named() {
    let mut monday_only = person(10.0);
    monday_only.available = (0..TIMELINE).map(|k| k < SLOTS_PER_DAY).collect();
    let p = Problem {
        roles: 2,
        need: vec![vec![0; TIMELINE as usize]; 2],
        people: vec![person(10.0), monday_only],
        rules: Rules {
            max_week: 12 * 4,
            ..Rules::default()
        },
    };
    let s = |person, role, start, len| Shift {
        person,
        role,
        start,
        len,
    };
    type Case = (Vec<Shift>, fn(&Violation) -> bool);
    let cases: Vec<Case> = vec![
        (vec![s(7, 0, hour(0, 9), 32)], |v| {
            matches!(v, Violation::UnknownPerson { .. })
        }),
        (vec![s(0, 1, hour(0, 9), 32)], |v| {
            matches!(v, Violation::RoleNotWorked { .. })
        }),
        (vec![s(1, 0, hour(1, 9), 32)], |v| {
            matches!(v, Violation::Unavailable { .. })
        }),
        (vec![s(0, 0, hour(0, 9), 8)], |v| {
            matches!(v, Violation::TooShort { .. })
        }),
        (vec![s(0, 0, hour(0, 9), 44)], |v| {
            matches!(v, Violation::TooLong { .. })
        }),
        (vec![s(0, 0, 7 * SLOTS_PER_DAY, 32)], |v| {
            matches!(v, Violation::OutsideWeek { .. })
        }),
        (
            vec![s(0, 0, hour(0, 6), 16), s(0, 0, hour(0, 18), 16)],
            |v| matches!(v, Violation::SecondShiftSameDay { .. }),
        ),
        (
            vec![s(0, 0, hour(0, 9), 32), s(0, 0, hour(0, 12), 32)],
            |v| matches!(v, Violation::Overlap { .. }),
        ),
        (
            vec![s(0, 0, hour(0, 16), 32), s(0, 0, hour(1, 6), 32)],
            |v| matches!(v, Violation::RestTooShort { .. }),
        ),
        (
            vec![s(0, 0, hour(0, 9), 32), s(0, 0, hour(2, 9), 32)],
            |v| matches!(v, Violation::WeekTooLong { .. }),
        ),
    ];
    for (shifts, expected) in cases {
        let v = check(&p, &shifts);
        assert!(v.iter().any(expected), "{shifts:?} gave {v:?}");
    }
    assert!(check(&p, &[s(0, 0, hour(0, 9), 32)]).is_empty());
}

#[test]
fn an_uncoverable_week_still_gets_a_schedule_with_its_gaps() {
    let mut need = vec![0; TIMELINE as usize];
    for k in hour(0, 10)..hour(0, 22) {
        need[k as usize] = 3;
    }
    let p = Problem {
        roles: 1,
        need: vec![need],
        people: vec![person(10.0)],
        rules: Rules::default(),
    };
    let r = build(&p).expect("schedule");
    assert_eq!(r.shifts.len(), 1);
    let on = staffed(&p, &r.shifts);
    let covered: u32 = on[0].iter().sum();
    assert_eq!(r.cost.understaffed_slots, 3 * 48 - covered);
}

#[test]
fn inconsistent_rules_are_refused() {
    let p = one_day(
        vec![person(10.0)],
        Rules {
            min_shift: 40,
            max_shift: 20,
            ..Rules::default()
        },
    );
    assert!(build(&p).is_err());
}

mod requirement {
    use flux_labor::requirement::{
        requirement, suggest_per_labor_hour, Driver, HourlyDemand, Standard,
    };
    use flux_labor::TIMELINE;

    fn open_monday(from: u32, to: u32) -> Vec<bool> {
        (0..TIMELINE).map(|k| k >= from * 4 && k < to * 4).collect()
    }

    #[test]
    fn staff_follow_demand_over_the_standard_with_the_minimum_and_duties() {
        let mut items = vec![0.0; 180];
        items[12] = 95.0; // 12:00–13:00: 95 items at 30 per labor hour: 4 cooks
        items[13] = 60.0; // exactly 2
        items[14] = 10.0; // below one: the minimum of 1
        let demand = HourlyDemand {
            items,
            covers: vec![40.0; 180],
        };
        let kitchen = Standard {
            driver: Driver::Items,
            per_labor_hour: 30.0,
            min_staff: 1,
            before_open: 2,
            after_close: 4,
        };
        let floor = Standard {
            driver: Driver::Covers,
            per_labor_hour: 25.0,
            min_staff: 0,
            before_open: 0,
            after_close: 0,
        };
        let need = requirement(&[kitchen, floor], &demand, &open_monday(12, 15));
        let k = &need[0];
        assert_eq!(&k[48..52], &[4, 4, 4, 4]);
        assert_eq!(&k[52..56], &[2, 2, 2, 2]);
        assert_eq!(&k[56..60], &[1, 1, 1, 1]);
        // Opening duties 11:30–12:00, closing 15:00–16:00, nothing else.
        assert_eq!(&k[46..48], &[1, 1]);
        assert_eq!(k[45], 0);
        assert_eq!(&k[60..64], &[1, 1, 1, 1]);
        assert_eq!(k[64], 0);
        // The floor follows covers: 40 at 25 an hour is 2, only while open.
        assert!(need[1][48..60].iter().all(|&n| n == 2));
        assert_eq!(need[1].iter().filter(|&&n| n > 0).count(), 12);
    }

    #[test]
    fn a_standard_is_suggested_from_the_busy_hours_of_past_shifts() {
        // Twelve hours: units per staff-hour 5, 10, …, 60 (the quiet ones
        // first). The 75th percentile by nearest rank is the 9th: 45.
        let hours: Vec<(f64, f64)> = (1..=12).map(|k| (10.0 * f64::from(k), 2.0)).collect();
        assert_eq!(suggest_per_labor_hour(&hours), Some(45.0));
        // Hours without staff or sales are no evidence; too few: no suggestion.
        let mut thin = hours[..7].to_vec();
        thin.extend([(0.0, 2.0), (30.0, 0.0)]);
        assert_eq!(suggest_per_labor_hour(&thin), None);
    }
}
