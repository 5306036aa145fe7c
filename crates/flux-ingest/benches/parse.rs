//! Parse throughput on 1M generated seed-format rows, reported as rows/s.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use flux_ingest::{parse_bytes, ParseOptions};

const ROWS: u64 = 1_000_000;

fn seed_file() -> Vec<u8> {
    const ITEMS: [&str; 8] = [
        "Croissant",
        "Flat White",
        "Pain au chocolat",
        "Latte",
        "Sourdough Loaf",
        "Espresso",
        "Cinnamon Bun",
        "Americano",
    ];
    let mut out = b"date,item,quantity,price\n".to_vec();
    let start = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default();
    for i in 0..ROWS {
        let date = start + chrono::Days::new(i / 1000);
        let item = ITEMS[(i % ITEMS.len() as u64) as usize];
        let qty = 1 + i % 5;
        let cents = 150 + (i * 37) % 700;
        out.extend_from_slice(
            format!("{date},{item},{qty},{}.{:02}\n", cents / 100, cents % 100).as_bytes(),
        );
    }
    out
}

fn bench(c: &mut Criterion) {
    let data = seed_file();
    let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    let opts = ParseOptions::new(chrono_tz::UTC, today);
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Elements(ROWS));
    group.sample_size(10);
    group.bench_function("seed_1m_rows", |b| {
        b.iter(|| {
            let reader = parse_bytes(black_box(&data), &opts).expect("valid file");
            let summary = reader.finish();
            assert_eq!(summary.parsed, ROWS);
            summary.parsed
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
