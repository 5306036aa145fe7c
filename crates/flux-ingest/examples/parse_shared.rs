//! Parses every CSV under a data directory (default `../shared/data`, or the
//! first argument) and prints counts, rate, date order and the first errors.
//!
//! `cargo run --release -p flux-ingest --example parse_shared [DIR]`

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDate;
use flux_ingest::{parse, IngestError, ParseOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data"));
    if !dir.is_dir() {
        println!("skipping: {} is not present", dir.display());
        return Ok(());
    }
    let mut files = Vec::new();
    collect(&dir, &mut files)?;
    files.sort();
    let today = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("bad date")?;
    for path in files {
        let opts = ParseOptions::new(chrono_tz::UTC, today).with_max_errors(5);
        let started = Instant::now();
        let reader = match parse(BufReader::new(File::open(&path)?), &opts) {
            Ok(r) => r,
            Err(
                e @ (IngestError::UnrecognisedLayout { .. }
                | IngestError::PeriodDateRequired { .. }),
            ) => {
                println!("{}: not a sales file: {e}\n", path.display());
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let mut qty_lines = 0u64;
        let mut reader = reader;
        for line in reader.by_ref().flatten() {
            qty_lines += u64::from(line.quantity.is_some());
        }
        let s = reader.summary();
        let secs = started.elapsed().as_secs_f64();
        println!("{}", path.display());
        println!(
            "  format {} | encoding {} | delimiter {:?} | header line {}",
            s.sniffed.format,
            s.sniffed
                .encoding
                .map_or("-".to_string(), |e| e.to_string()),
            s.sniffed.delimiter.unwrap_or(' '),
            s.sniffed.header_line
        );
        println!("  mapping {}", serde_json_like(&s.sniffed.mapping));
        println!("  date order: {}", s.sniffed.date_order);
        println!(
            "  rows {} | parsed {} (with quantity {}) | errors {} | skipped {:?} | warnings {}",
            s.rows_read, s.parsed, qty_lines, s.errored, s.skipped, s.lines_with_warnings
        );
        println!(
            "  {:.1} ms, {:.0} rows/s",
            secs * 1e3,
            s.rows_read as f64 / secs.max(1e-9)
        );
        for e in &s.errors {
            println!("  error: {e}");
        }
        println!();
    }
    Ok(())
}

fn serde_json_like(m: &flux_ingest::ColumnMapping) -> String {
    flux_ingest::Role::ALL
        .iter()
        .filter_map(|r| m.get(*r).map(|h| format!("{r}={h:?}")))
        .chain(m.fixed_item.as_ref().map(|f| format!("fixed_item={f:?}")))
        .collect::<Vec<_>>()
        .join(", ")
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "csv" || e == "xlsx") {
            out.push(path);
        }
    }
    Ok(())
}
