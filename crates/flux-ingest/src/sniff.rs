//! Looking at the head of a file: encoding, delimiter, header row, layout
//! and what the visible dates say about day/month order.
//!
//! Everything here works on records, so the same header search serves CSV
//! and spreadsheets. The header is the first of the first
//! [`MAX_HEADER_SEARCH`] records that a known layout (or the caller's
//! mapping) accepts; records before it are preamble (back-office reports
//! write titles, the shop and the period there; the period text is kept for
//! messages).
//!
//! The rows after the header are looked at too: their dates for day/month
//! order, and their item cells for receipt-level exports, which list a whole
//! receipt in one cell (`"1 x Tea, 2 x Scone"`, `"Latte x 1, Scone x 2"`)
//! and are refused ([`IngestError::ReceiptLevel`]): splitting such text would
//! store guessed numbers.

use serde::Serialize;

use crate::columns::{ColumnMapping, Layout, Role};
use crate::dates::{
    date_order_for_locale, evidence, DateOrder, DateOrderChoice, DateOrderReason, Evidence,
};
use crate::encoding::TextEncoding;
use crate::error::IngestError;
use crate::format::{self, unmapped_columns, Format, UnmappedColumn};
use crate::numbers::DecimalSeparator;
use crate::options::ParseOptions;
use crate::record::{RawRecord, RecordSource};
use crate::sheet::{SheetRows, ZIP_MAGIC};
use crate::tokenizer::Tokenizer;

/// How many records from the top may be preamble before we give up.
pub const MAX_HEADER_SEARCH: usize = 50;
/// Bytes of a file looked at by [`sniff`].
pub const HEAD_BYTES: usize = 64 * 1024;

/// The container a file came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Container {
    /// CSV, semicolon- or tab-separated text.
    Delimited,
    /// Excel `.xlsx` (first sheet).
    Xlsx,
}

/// What the head of a file revealed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sniffed {
    pub container: Container,
    /// Text encoding (`None` for spreadsheets).
    pub encoding: Option<TextEncoding>,
    /// Field delimiter (`None` for spreadsheets).
    pub delimiter: Option<char>,
    /// 1-based line (or sheet row) of the header row.
    pub header_line: u64,
    pub headers: Vec<String>,
    pub format: Format,
    /// Columns used, as header names: store it to replay this choice.
    pub mapping: ColumnMapping,
    pub decimal_separator: DecimalSeparator,
    /// Order settled from the head alone; [`crate::parse`] also scans the
    /// whole file when the head is ambiguous.
    pub date_order: DateOrderChoice,
    /// Columns that look like money or quantities but have no role: worth
    /// a look, since their numbers are not imported.
    pub unmapped: Vec<UnmappedColumn>,
    /// Reporting period written above the header (`Jan 1, 2025 - Jan 31,
    /// 2025`), when the file has one.
    pub period: Option<String>,
}

/// Hints the caller gives detection.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Hints<'a> {
    pub format: Option<Format>,
    pub mapping: Option<&'a ColumnMapping>,
    pub locale: Option<&'a str>,
    pub date_order: Option<DateOrder>,
}

/// The outcome of the header search, with what parsing needs besides.
#[derive(Debug, Clone)]
pub(crate) struct Detected {
    pub header_index: usize,
    pub header_line: u64,
    pub headers: Vec<String>,
    pub format: Format,
    pub layout: Layout,
    pub scan: DateScan,
    pub period: Option<String>,
}

/// Detects the layout of a file from its first bytes (about [`HEAD_BYTES`]
/// are enough for delimited text). A spreadsheet is a zip archive that can
/// only be read whole, so for `.xlsx` pass the complete file.
pub fn sniff(head: &[u8]) -> Result<Sniffed, IngestError> {
    sniff_hinted(head, Hints::default())
}

/// [`sniff`] honouring the format, mapping and locale in `opts`.
pub fn sniff_with(head: &[u8], opts: &ParseOptions) -> Result<Sniffed, IngestError> {
    sniff_hinted(
        head,
        Hints {
            format: opts.format,
            mapping: opts.mapping.as_ref(),
            locale: opts.locale.as_deref(),
            date_order: opts.date_order,
        },
    )
}

fn sniff_hinted(head: &[u8], hints: Hints<'_>) -> Result<Sniffed, IngestError> {
    if head.starts_with(ZIP_MAGIC) {
        let mut sheet = SheetRows::open(std::io::Cursor::new(head))?;
        let detected = detect_header(&mut sheet, TextEncoding::Utf8, hints, false)?;
        return Ok(describe(&detected, Container::Xlsx, None, None, hints));
    }
    let (sniffed, _) = sniff_delimited(head, hints)?;
    Ok(sniffed)
}

pub(crate) fn sniff_delimited(
    head: &[u8],
    hints: Hints<'_>,
) -> Result<(Sniffed, Detected), IngestError> {
    let encoding = TextEncoding::detect(head)?;
    if let Some(codec) = encoding_rs::Encoding::for_bom(head).map(|(c, _)| c) {
        if matches!(encoding, TextEncoding::Utf16Le | TextEncoding::Utf16Be) {
            // Sniff the UTF-8 text the parser will read (see `Utf16ToUtf8`).
            let (text, _) = codec.decode_with_bom_removal(head);
            // A cut head ends in a partial record; the UTF-8 text is shorter
            // than HEAD_BYTES, so drop that record here.
            let text = match text.rfind('\n') {
                Some(end) if head.len() >= HEAD_BYTES => &text[..=end],
                _ => &text[..],
            };
            let (mut sniffed, detected) = sniff_delimited(text.as_bytes(), hints)?;
            sniffed.encoding = Some(encoding);
            return Ok((sniffed, detected));
        }
    }
    let body = head.get(encoding.bom_len()..).unwrap_or_default();
    let delim = sniff_delimiter(body);
    let truncated = head.len() >= HEAD_BYTES;
    let mut tok = Tokenizer::new(body, delim, 1);
    let detected = detect_header(&mut tok, encoding, hints, truncated)?;
    let sniffed = describe(
        &detected,
        Container::Delimited,
        Some(encoding),
        Some(delim),
        hints,
    );
    Ok((sniffed, detected))
}

pub(crate) fn describe(
    d: &Detected,
    container: Container,
    encoding: Option<TextEncoding>,
    delim: Option<u8>,
    hints: Hints<'_>,
) -> Sniffed {
    Sniffed {
        container,
        encoding,
        delimiter: delim.map(char::from),
        header_line: d.header_line,
        headers: d.headers.clone(),
        format: d.format,
        mapping: d.layout.to_mapping(&d.headers),
        decimal_separator: DecimalSeparator::infer(delim.unwrap_or(b','), hints.locale),
        date_order: choose_date_order(&d.scan, hints, d.format),
        unmapped: unmapped_columns(&d.headers, &d.layout),
        period: d.period.clone(),
    }
}

/// Picks the delimiter whose per-line count is most consistent over the
/// first lines (quote-aware). Consistency beats frequency: a semicolon file
/// with decimal commas has one comma per row but not in its header.
pub(crate) fn sniff_delimiter(body: &[u8]) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let lines: Vec<&[u8]> = body
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .take(30)
        .collect();
    let mut best = (b',', 0usize, 0usize);
    for cand in CANDIDATES {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| count_outside_quotes(l, cand))
            .collect();
        let mut freq: Vec<(usize, usize)> = Vec::new();
        for &c in counts.iter().filter(|&&c| c > 0) {
            match freq.iter_mut().find(|(v, _)| *v == c) {
                Some((_, n)) => *n += 1,
                None => freq.push((c, 1)),
            }
        }
        let Some(&(mode, score)) = freq.iter().max_by_key(|&&(v, n)| (n, v)) else {
            continue;
        };
        if (score, mode) > (best.1, best.2) {
            best = (cand, score, mode);
        }
    }
    best.0
}

fn count_outside_quotes(line: &[u8], delim: u8) -> usize {
    let mut in_quotes = false;
    let mut n = 0;
    for &b in line {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if b == delim && !in_quotes {
            n += 1;
        }
    }
    n
}

/// Finds the header row among the first records and resolves the layout,
/// then reads the dates of the following records (within `src`) for
/// day/month evidence. `partial_tail`: the last record may be cut off.
pub(crate) fn detect_header<S: RecordSource>(
    src: &mut S,
    encoding: TextEncoding,
    hints: Hints<'_>,
    partial_tail: bool,
) -> Result<Detected, IngestError> {
    let mut rec = RawRecord::default();
    let mut widest: Vec<String> = Vec::new();
    let mut first_err: Option<IngestError> = None;
    let mut index = 0usize;
    let mut period: Option<String> = None;
    let found = loop {
        if index >= MAX_HEADER_SEARCH || !src.next_record(&mut rec)? {
            break None;
        }
        index += 1;
        if rec.is_blank() {
            continue;
        }
        let headers: Vec<String> = (0..rec.len())
            .map(|i| {
                encoding
                    .decode(rec.get(i).unwrap_or_default())
                    .0
                    .trim()
                    .to_owned()
            })
            .collect();
        match resolve_layout(&headers, hints) {
            Ok(Some((format, layout))) => {
                break Some((index - 1, rec.line, headers, format, layout))
            }
            Ok(None) => {}
            Err(e) => {
                // The first candidate is most likely the real header row.
                first_err.get_or_insert(e);
            }
        }
        if period.is_none() {
            period = headers.iter().find_map(|h| period_text(h));
        }
        if headers.len() > widest.len() {
            widest = headers;
        }
    };
    let Some((header_index, header_line, headers, format, layout)) = found else {
        if let Some(e) = first_err {
            return Err(e);
        }
        if widest.is_empty() {
            return Err(IngestError::Empty);
        }
        if format::totals_without_items(&widest) {
            return Err(IngestError::NoItems { headers: widest });
        }
        return Err(IngestError::UnrecognisedLayout { headers: widest });
    };
    let mut scan = DateScan::default();
    scan.feed(src, &layout, encoding, partial_tail, None)?;
    if let Some(example) = scan.items.receipt_level(&layout) {
        let column = layout
            .col(Role::Item)
            .and_then(|i| headers.get(i))
            .cloned()
            .unwrap_or_default();
        return Err(IngestError::ReceiptLevel { column, example });
    }
    Ok(Detected {
        header_index,
        header_line,
        headers,
        format,
        layout,
        scan,
        period,
    })
}

/// The reporting period in a preamble cell: two parts with digits joined by
/// a range word (`Mar 1, 2024 - Mar 31, 2024`, `Zeitraum: 01.03.2024 bis
/// 31.03.2024`, `du 01/03/2024 au 31/03/2024`), without its label.
fn period_text(cell: &str) -> Option<String> {
    const RANGE: [&str; 7] = [" - ", " – ", " — ", " to ", " bis ", " au ", " al "];
    let cell = cell.trim();
    if cell.len() > 120 {
        return None;
    }
    let value = match cell.split_once(": ") {
        Some((label, rest)) if !label.chars().any(|c| c.is_ascii_digit()) => rest.trim(),
        _ => cell,
    };
    let lower = value.to_lowercase();
    RANGE.iter().find_map(|sep| {
        let (a, b) = lower.split_once(sep)?;
        let digits = |s: &str| s.chars().any(|c| c.is_ascii_digit());
        (digits(a) && digits(b)).then(|| crate::error::excerpt(value))
    })
}

/// `Ok(None)`: this record is not the header. `Err`: it is the best
/// candidate but something specific is wrong (reported if nothing matches).
fn resolve_layout(
    headers: &[String],
    hints: Hints<'_>,
) -> Result<Option<(Format, Layout)>, IngestError> {
    if let Some(mapping) = hints.mapping {
        let mut layout = mapping.resolve(headers)?;
        let format = hints.format.unwrap_or(Format::Custom);
        if layout.fixed_item.is_none() {
            layout.fixed_item = format.fixed_item().map(str::to_owned);
        }
        let missing: Vec<&str> = [Role::Item]
            .into_iter()
            .filter(|r| !layout.has(*r) && layout.fixed_item.is_none())
            .map(Role::name)
            .collect();
        if !missing.is_empty() {
            return Err(IngestError::MissingColumns {
                format,
                missing,
                headers: headers.to_vec(),
            });
        }
        return Ok(Some((format, layout)));
    }
    if let Some(format) = hints.format {
        let layout = format.fitted_layout(headers);
        let missing = format.missing(&layout);
        if missing.is_empty() {
            return Ok(Some((format, layout)));
        }
        // Preamble lines miss everything; only a near miss is worth reporting.
        if missing.len() < format.required().len() {
            return Err(IngestError::MissingColumns {
                format,
                missing,
                headers: headers.to_vec(),
            });
        }
        return Ok(None);
    }
    Ok(format::detect(headers))
}

/// Day/month evidence gathered from date values.
#[derive(Debug, Clone, Default)]
pub(crate) struct DateScan {
    pub decided: Option<(DateOrder, u64, String)>,
    pub ambiguous_seen: bool,
    pub year_first_seen: bool,
    /// What the first item cells look like.
    pub items: ItemSample,
}

/// Item cells sampled from the first data rows.
#[derive(Debug, Clone, Default)]
pub(crate) struct ItemSample {
    cells: u32,
    /// Cells made mostly of `N x Name` / `Name x N` parts.
    itemised: u32,
    /// A cell listing several such parts, shown in the refusal.
    example: Option<String>,
}

/// Item cells looked at for receipt-level text.
const ITEM_SAMPLE: u32 = 20;

impl ItemSample {
    fn full(&self) -> bool {
        self.cells >= ITEM_SAMPLE
    }

    fn add(&mut self, cell: &str) {
        let cell = cell.trim();
        if cell.is_empty() {
            return;
        }
        self.cells += 1;
        let parts: Vec<&str> = cell.split(", ").collect();
        // Most parts counted: open-price lines (`Custom Amount`) may carry
        // no count.
        let counted = parts.iter().filter(|p| counted_part(p)).count();
        if counted > 0 && counted * 2 >= parts.len() {
            self.itemised += 1;
            if parts.len() > 1 && self.example.is_none() {
                self.example = Some(crate::error::excerpt(cell));
            }
        }
    }

    /// An example cell when most item cells list a receipt's lines. A file
    /// with its own quantity column is item-level whatever its names say.
    pub fn receipt_level(&self, layout: &Layout) -> Option<String> {
        if layout.has(Role::Quantity) || self.itemised * 2 <= self.cells {
            return None;
        }
        self.example.clone()
    }
}

/// `2 x Scone` or `Scone x 2` (spaces around the `x` tell it from an item
/// called `2x Coffee`, which the item parser reads as a quantity prefix).
fn counted_part(part: &str) -> bool {
    let part = part.trim();
    let is_count = |s: &str| {
        let s = s.trim();
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    };
    for sep in [" x ", " X ", " × "] {
        if let Some((a, b)) = part.split_once(sep) {
            let (a, b) = (a.trim(), b.trim());
            if (is_count(a) && !b.is_empty()) || (is_count(b) && !a.is_empty()) {
                return true;
            }
        }
    }
    false
}

impl DateScan {
    /// Reads records from `src` until it ends, `limit` records were read, or
    /// a value decides the order.
    pub fn feed<S: RecordSource>(
        &mut self,
        src: &mut S,
        layout: &Layout,
        encoding: TextEncoding,
        partial_tail: bool,
        limit: Option<usize>,
    ) -> std::io::Result<()> {
        let cols: Vec<usize> = [Role::Timestamp, Role::Date]
            .iter()
            .filter_map(|r| layout.col(*r))
            .collect();
        let item_col = layout.col(Role::Item);
        let dates_done = |s: &Self| cols.is_empty() || s.decided.is_some();
        let items_done = |s: &Self| item_col.is_none() || s.items.full();
        let mut rec = RawRecord::default();
        let mut pending: Option<RawRecord> = None;
        let mut n = 0usize;
        while !(dates_done(self) && items_done(self))
            && limit.is_none_or(|l| n < l)
            && src.next_record(&mut rec)?
        {
            n += 1;
            if partial_tail {
                // The head may end mid-record: judge each record only once
                // the next one proves it complete.
                if let Some(prev) = pending.replace(rec.clone()) {
                    self.judge(&prev, &cols, item_col, encoding);
                }
            } else {
                self.judge(&rec, &cols, item_col, encoding);
            }
        }
        Ok(())
    }

    fn judge(
        &mut self,
        rec: &RawRecord,
        cols: &[usize],
        item_col: Option<usize>,
        encoding: TextEncoding,
    ) {
        if let Some(raw) = item_col
            .filter(|_| !self.items.full())
            .and_then(|c| rec.get(c))
        {
            self.items.add(&encoding.decode(raw).0);
        }
        if self.decided.is_some() {
            return;
        }
        for &c in cols {
            let Some(raw) = rec.get(c) else { continue };
            let (value, _) = encoding.decode(raw);
            match evidence(&value) {
                Some(Evidence::Decides(order)) => {
                    self.decided = Some((order, rec.line, crate::error::excerpt(value.trim())));
                    return;
                }
                Some(Evidence::Ambiguous) => self.ambiguous_seen = true,
                Some(Evidence::YearFirst) => self.year_first_seen = true,
                None => {}
            }
        }
    }
}

/// Applies the precedence documented in [`crate::dates`].
pub(crate) fn choose_date_order(
    scan: &DateScan,
    hints: Hints<'_>,
    format: Format,
) -> DateOrderChoice {
    if let Some(order) = hints.date_order {
        return DateOrderChoice {
            order,
            reason: DateOrderReason::Chosen,
        };
    }
    let locale = hints.locale;
    if let Some((order, line, value)) = &scan.decided {
        return DateOrderChoice {
            order: *order,
            reason: DateOrderReason::FileEvidence {
                line: *line,
                value: value.clone(),
            },
        };
    }
    // A POS export's date format is fixed by the vendor, whatever the
    // restaurant's locale, so the format's own order wins over the locale.
    let fallback = if let Some(order) = format.default_date_order() {
        DateOrderChoice {
            order,
            reason: DateOrderReason::FormatDefault { format },
        }
    } else if let Some((l, order)) = locale.and_then(|l| date_order_for_locale(l).map(|o| (l, o))) {
        DateOrderChoice {
            order,
            reason: DateOrderReason::Locale {
                locale: l.to_owned(),
            },
        }
    } else {
        DateOrderChoice {
            order: DateOrder::Dmy,
            reason: DateOrderReason::Fallback,
        }
    };
    if !scan.ambiguous_seen && scan.year_first_seen {
        return DateOrderChoice {
            order: fallback.order,
            reason: DateOrderReason::YearFirst,
        };
    }
    fallback
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(
            sniff_delimiter(b"date;item;quantity;price\n2024-01-01;Tea;1;8,50\n"),
            b';'
        );
        assert_eq!(sniff_delimiter(b"a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a,\"b;c\",d\n1,\"x;y\",3\n"), b',');
        assert_eq!(sniff_delimiter(b"single\ncolumn\n"), b',');
    }
}
