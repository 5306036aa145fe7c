//! Reads a sales export the way an upload would and prints what was
//! understood: layout, mapping, row counts by outcome and the totals of the
//! stored lines. No database involved, so an unfamiliar file can be checked
//! against its own totals before anyone imports it.
//!
//! ```text
//! cargo run -p flux-ingest --example inspect -- FILE [--tz Area/City] [--locale xx-YY] [--period YYYY-MM-DD]
//! ```

use std::fs::File;

use chrono::NaiveDate;
use rust_decimal::Decimal;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: inspect FILE [--tz Z] [--locale L] [--period D]")?;
    let mut tz = chrono_tz::UTC;
    let mut locale = None;
    let mut period = None;
    while let Some(flag) = args.next() {
        let value = args.next().ok_or("flag without value")?;
        match flag.as_str() {
            "--tz" => tz = value.parse().map_err(|e| format!("--tz: {e}"))?,
            "--locale" => locale = Some(value),
            "--period" => period = Some(value.parse::<NaiveDate>()?),
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    let today = chrono::Utc::now().date_naive();
    let mut opts = flux_ingest::ParseOptions::new(tz, today);
    if let Some(l) = locale {
        opts = opts.with_locale(l);
    }
    if let Some(d) = period {
        opts = opts.with_period_date(d);
    }
    let mut reader = flux_ingest::parse(File::open(&path)?, &opts)?;
    let (mut qty, mut total, mut priced, mut lines) = (Decimal::ZERO, Decimal::ZERO, 0u64, 0u64);
    let mut items = std::collections::BTreeSet::new();
    for line in reader.by_ref().flatten() {
        lines += 1;
        qty += line.quantity.unwrap_or_default();
        if let Some(t) = line.line_total {
            total += t;
            priced += 1;
        }
        items.insert(line.item_key());
    }
    let s = reader.finish();
    println!("format      {}", s.sniffed.format);
    println!("header line {}", s.sniffed.header_line);
    println!("mapping     {}", serde_json::to_string(&s.sniffed.mapping)?);
    println!("date order  {}", s.sniffed.date_order);
    println!(
        "unmapped    {}",
        serde_json::to_string(&s.sniffed.unmapped)?
    );
    println!(
        "rows read {} = stored {} + errors {} + skipped {} {}",
        s.rows_read,
        s.parsed,
        s.errored,
        s.skipped.total(),
        serde_json::to_string(&s.skipped)?
    );
    println!("lines {lines}, priced {priced}, dishes {}", items.len());
    println!("quantity {qty}, revenue {total}");
    for e in s.errors.iter().take(5) {
        println!("error: {e}");
    }
    Ok(())
}
