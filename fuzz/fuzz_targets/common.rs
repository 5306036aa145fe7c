//! What the targets share: parse options drawn from the input, the checks
//! every parse must pass, and a minimal `.xlsx` writer.

// Each target uses part of this module.
#![allow(dead_code)]

use std::io::{Cursor, Write};

use chrono::NaiveDate;
use flux_ingest::{DateOrder, ParseOptions, MAX_LINE_TOTAL, MAX_QUANTITY, MAX_UNIT_PRICE};
use rust_decimal::Decimal;

const ZONES: [chrono_tz::Tz; 4] = [
    chrono_tz::UTC,
    chrono_tz::Europe::Madrid,
    chrono_tz::America::New_York,
    chrono_tz::Pacific::Chatham,
];
const LOCALES: [Option<&str>; 4] = [None, Some("en-US"), Some("de-DE"), Some("xx")];

/// Options chosen by one byte, so the fuzzer explores time zones, locales,
/// date orders and day cut-offs along with the file.
pub fn options(selector: u8) -> ParseOptions {
    let today = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap_or_default();
    let mut opts = ParseOptions::new(ZONES[usize::from(selector & 3)], today);
    if let Some(locale) = LOCALES[usize::from((selector >> 2) & 3)] {
        opts = opts.with_locale(locale);
    }
    match (selector >> 4) & 3 {
        1 => opts = opts.with_date_order(DateOrder::Dmy),
        2 => opts = opts.with_date_order(DateOrder::Mdy),
        _ => {}
    }
    if selector & 0x40 != 0 {
        opts = opts.with_day_cutoff_hour(4);
    }
    if selector & 0x80 != 0 {
        opts = opts.with_period_date(today);
    }
    opts
}

fn within(value: Option<Decimal>, max: Decimal) -> bool {
    value.is_none_or(|v| v.abs() <= max)
}

/// Reads every line of `bytes` and checks what no input may break: no
/// panic, values within the documented limits, and every row read
/// accounted for exactly once.
pub fn parse_all(bytes: &[u8], opts: &ParseOptions) {
    let Ok(mut reader) = flux_ingest::parse_bytes(bytes, opts) else {
        return;
    };
    for line in reader.by_ref().flatten() {
        assert!(within(line.quantity, MAX_QUANTITY), "quantity {:?}", line.quantity);
        assert!(within(line.unit_price, MAX_UNIT_PRICE), "price {:?}", line.unit_price);
        assert!(within(line.line_total, MAX_LINE_TOTAL), "total {:?}", line.line_total);
        assert!(!line.item.is_empty(), "a line without a dish name");
    }
    let s = reader.finish();
    assert_eq!(
        s.rows_read,
        s.parsed + s.errored + s.skipped.total(),
        "rows read = stored + errors + skipped: {s:?}"
    );
}

fn escape(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || *c == '\t')
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// A one-sheet `.xlsx` whose cells are `rows` (the importer's tests have
/// the same writer; this crate is built apart from the workspace, with
/// sanitizer flags, and cannot reach test helpers, so it keeps its own,
/// which also escapes arbitrary text): numbers as numeric cells,
/// `date:SERIAL` as a date-formatted serial, everything else inline text.
pub fn workbook(rows: &[Vec<String>]) -> Vec<u8> {
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, v) in row.iter().enumerate().take(26) {
            let cell = format!("{}{}", char::from(b'A' + c as u8), r + 1);
            if let Some(serial) = v.strip_prefix("date:").filter(|s| s.parse::<f64>().is_ok()) {
                sheet.push_str(&format!(r#"<c r="{cell}" s="1"><v>{serial}</v></c>"#));
            } else if v.parse::<f64>().is_ok_and(f64::is_finite) {
                sheet.push_str(&format!(r#"<c r="{cell}"><v>{}</v></c>"#, v.trim()));
            } else {
                sheet.push_str(&format!(
                    r#"<c r="{cell}" t="inlineStr"><is><t>{}</t></is></c>"#,
                    escape(v)
                ));
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let files = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sales" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#.to_string()),
        ("xl/styles.xml", r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="0"/><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#.to_string()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, body) in files {
        if zip.start_file(name, zip::write::SimpleFileOptions::default()).is_err()
            || zip.write_all(body.as_bytes()).is_err()
        {
            return Vec::new();
        }
    }
    zip.finish().map(Cursor::into_inner).unwrap_or_default()
}
