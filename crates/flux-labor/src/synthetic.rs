//! Weeks to schedule with known shape, for tests and benchmarks: a
//! restaurant open 11:00–23:00 with lunch and dinner peaks, people with
//! one or two roles, wages that differ, and availability with days off and
//! partial days.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::schedule::{Person, Problem, Rules};
use crate::{SLOTS_PER_DAY, SLOTS_PER_HOUR, TIMELINE};

/// Size of a synthetic week.
#[derive(Debug, Clone, Copy)]
pub struct WeekSpec {
    pub people: usize,
    pub roles: usize,
    pub days: u32,
    /// Peak staff per role at dinner.
    pub peak: u32,
    pub seed: u64,
}

/// A week with a lunch and a dinner peak per role, scaled so `peak` people
/// are needed at the busiest hour.
pub fn week(spec: WeekSpec) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let need: Vec<Vec<u32>> = (0..spec.roles)
        .map(|role| {
            (0..TIMELINE)
                .map(|k| {
                    let day = k / SLOTS_PER_DAY;
                    if day >= spec.days {
                        return 0;
                    }
                    let hour = f64::from(k % SLOTS_PER_DAY) / f64::from(SLOTS_PER_HOUR);
                    if !(11.0..23.0).contains(&hour) {
                        return 0;
                    }
                    let lunch = (-((hour - 12.5) / 1.2).powi(2)).exp();
                    let dinner = (-((hour - 19.5) / 1.5).powi(2)).exp();
                    let weekend = if day >= 4 { 1.0 } else { 0.75 };
                    let role_scale = 1.0 - 0.15 * role as f64;
                    let x = f64::from(spec.peak) * weekend * role_scale * (0.55 * lunch + dinner);
                    (x.round() as u32).max(1)
                })
                .collect()
        })
        .collect();
    let people = (0..spec.people)
        .map(|i| {
            let main = i % spec.roles;
            let mut roles = vec![(main, 14.0 + rng.gen_range(0.0..8.0))];
            if spec.roles > 1 && rng.gen_bool(0.3) {
                let other = (main + 1 + rng.gen_range(0..spec.roles - 1)) % spec.roles;
                roles.push((other, 14.0 + rng.gen_range(0.0..8.0)));
            }
            let mut available = vec![false; TIMELINE as usize];
            for day in 0..spec.days {
                if rng.gen_bool(0.2) {
                    continue; // a day off
                }
                let (from, to) = match rng.gen_range(0..4) {
                    0 => (10, 17), // days only
                    1 => (16, 24), // evenings only
                    _ => (9, 24),
                };
                let base = day * SLOTS_PER_DAY;
                for s in base + from * SLOTS_PER_HOUR..base + to * SLOTS_PER_HOUR {
                    available[s as usize] = true;
                }
            }
            Person {
                roles,
                available,
                max_week: None,
            }
        })
        .collect();
    Problem {
        roles: spec.roles,
        need,
        people,
        rules: Rules::default(),
    }
}
