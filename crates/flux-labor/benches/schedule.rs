//! The scheduling target: 60 people × 7 days × 4 roles in 15-minute slots
//! in under 5 s, with the cost gap to the LP lower bound printed. The
//! baseline measured in the same run is the LP bound itself (one relaxed
//! program per role, no integers, no people): the scheduler's time is
//! reported as a multiple of it.

use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use flux_labor::schedule::{build, lower_bound};
use flux_labor::synthetic::{week, WeekSpec};

fn bench(c: &mut Criterion) {
    let p = week(WeekSpec {
        people: 60,
        roles: 4,
        days: 7,
        peak: 6,
        seed: 7,
    });
    let t = Instant::now();
    let report = build(&p).expect("schedule");
    let build_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let bound = lower_bound(&p).expect("bound");
    let bound_s = t.elapsed().as_secs_f64();
    let total = report.cost.objective(&p.rules);
    println!(
        "60 people x 7 days x 4 roles: {} shifts, {} programs, build {build_s:.2} s, \
         LP bound {bound_s:.2} s (build/bound {:.1}x); cost {total:.0} vs bound {bound:.0}: gap {:.2} %; \
         understaffed {} staff-slots",
        report.shifts.len(),
        report.solves,
        build_s / bound_s,
        (total - bound) / bound * 100.0,
        report.cost.understaffed_slots,
    );
    let mut g = c.benchmark_group("schedule");
    g.sample_size(10);
    g.bench_function("build 60x7x4", |b| b.iter(|| build(&p).expect("schedule")));
    g.bench_function("lp bound 60x7x4", |b| {
        b.iter(|| lower_bound(&p).expect("bound"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
