//! From word boxes to a menu: which words form a visual row, in which
//! order a reader goes through the columns, and what each row is (a
//! section header, a dish with its prices, a description, a lone price).
//!
//! Tesseract's own line grouping is the starting point. It is corrected in
//! two ways that menus need: a row whose name and price Tesseract put in
//! different blocks (a wide gap, no leaders) is joined again, and a line
//! that runs across two columns (a price, then a wide gap, then the next
//! column's dish) is cut. Columns are then found from the page itself:
//! vertical strips no narrow line crosses. Lines wider than a column
//! (titles, centred section headers) split the page into bands read top to
//! bottom, each band column by column.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::price::{self, is_currency, is_leader_char, Style};
use crate::words::Word;

/// One dish as read off the menu.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScannedItem {
    pub name: String,
    /// The section header the dish is printed under.
    pub category: Option<String>,
    pub description: Option<String>,
    /// The first (usually smallest) price.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub price: Option<Decimal>,
    /// Every price on the row, with its label where one is printed
    /// ("small", "glass", "L"); one entry for a single price.
    pub variants: Vec<Variant>,
    /// 0..=1: how sure the reading is (OCR confidence, a price found, a
    /// plausible name).
    pub confidence: f64,
    /// 1-based page of a multi-page document.
    pub page: u32,
    /// Where the dish's name line is on the prepared page (left, top,
    /// right, bottom), for a second look at a row whose price was missed.
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub row: Option<[i32; 4]>,
}

/// One of several prices of a dish.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Variant {
    pub label: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = f64))]
    pub price: Decimal,
}

#[derive(Debug, Clone)]
struct Tok {
    text: String,
    left: i32,
    right: i32,
    conf: f32,
    price: Option<(Decimal, Style)>,
    currency: bool,
}

#[derive(Debug, Clone)]
struct Line {
    toks: Vec<Tok>,
    left: i32,
    right: i32,
    top: i32,
    bottom: i32,
    /// Median word height: font size, near enough to compare lines.
    size: f32,
    page: u32,
    leaders: bool,
}

impl Line {
    fn from_toks(
        toks: Vec<Tok>,
        top: i32,
        bottom: i32,
        size: f32,
        page: u32,
        leaders: bool,
    ) -> Self {
        let left = toks.iter().map(|t| t.left).min().unwrap_or(0);
        let right = toks.iter().map(|t| t.right).max().unwrap_or(0);
        Line {
            toks,
            left,
            right,
            top,
            bottom,
            size,
            page,
            leaders,
        }
    }
    fn center(&self) -> i32 {
        (self.left + self.right) / 2
    }
    fn v_overlap(&self, other: &Line) -> f32 {
        let inter = (self.bottom.min(other.bottom) - self.top.max(other.top)).max(0) as f32;
        let min_h = ((self.bottom - self.top).min(other.bottom - other.top)).max(1) as f32;
        inter / min_h
    }
}

/// The prices a second look at the strip right of a dish's name found:
/// the price tokens before any other word. Tesseract drops a lone
/// one-digit price far from its dish; read as one line on its own, it is
/// found.
pub fn row_prices(words: &[Word]) -> Vec<Variant> {
    let mut sorted: Vec<&Word> = words.iter().collect();
    sorted.sort_by_key(|w| w.left);
    let mut out = Vec::new();
    for w in sorted {
        if is_currency(&w.text) || w.text.chars().all(is_leader_char) {
            continue;
        }
        match price::parse(&w.text) {
            Some((price, _)) => out.push(Variant { label: None, price }),
            None if is_label(&w.text) && !out.is_empty() => {}
            None => break,
        }
    }
    out
}

/// Reads the dishes of one or more pages from their word boxes.
pub fn parse_menu(words: &[Word]) -> Vec<ScannedItem> {
    let mut pages: Vec<u32> = words.iter().map(|w| w.page).collect();
    pages.sort_unstable();
    pages.dedup();
    let mut flow = Vec::new();
    for page in pages {
        let page_words: Vec<&Word> = words.iter().filter(|w| w.page == page).collect();
        let lines = raw_lines(&page_words);
        let lines = split_across_columns(lines);
        let lines = join_split_rows(lines);
        flow.extend(reading_order(lines));
    }
    classify(&flow)
}

/// Splits words on runs of leader characters ("Salad.....12.50"), giving
/// each piece its share of the word's box.
fn tokens_of(word: &Word, leaders: &mut bool) -> Vec<Tok> {
    let chars: Vec<char> = word.text.chars().collect();
    let n = chars.len().max(1) as f32;
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let push = |from: usize, to: usize, out: &mut Vec<Tok>| {
        let text: String = chars[from..to].iter().collect();
        let text = text.trim().to_string();
        if text.is_empty() {
            return;
        }
        let left = word.left + (word.width as f32 * from as f32 / n) as i32;
        let right = word.left + (word.width as f32 * to as f32 / n) as i32;
        out.push(Tok {
            price: price::parse(&text),
            currency: is_currency(&text),
            text,
            left,
            right: right.max(left + 1),
            conf: word.confidence,
        });
    };
    while i < chars.len() {
        if is_run_char(chars[i]) {
            let mut j = i;
            while j < chars.len() && is_run_char(chars[j]) {
                j += 1;
            }
            // Two or more dots in a row are leaders, except the dash of
            // `12.-` and a trailing ellipsis-like pair inside a price.
            let run: String = chars[i..j].iter().collect();
            if j - i >= 3 || (j - i == 2 && run != ".-" && run != ",-") {
                *leaders = true;
                push(start, i, &mut out);
                start = j;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    push(start, chars.len(), &mut out);
    out
}

fn is_run_char(c: char) -> bool {
    matches!(c, '.' | '…' | '·' | '_' | '•' | '‥' | '⋯') || (c == '-' || c == ',')
}

fn median(mut v: Vec<f32>) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}

/// A word's font size (its em) from its box height: a box spans the
/// x-height, plus the ascender or cap height when the word has a tall
/// letter, plus the descender when it has one. Without this, "MAINS" over
/// "Grilled Salmon" looks smaller than the dishes it heads.
fn em_of(w: &Word) -> f32 {
    let tall = w
        .text
        .chars()
        .any(|c| c.is_uppercase() || c.is_ascii_digit() || "bdfhklt".contains(c));
    let deep = w.text.chars().any(|c| "gjpqy".contains(c));
    let share = if tall { 0.72 } else { 0.5 } + if deep { 0.22 } else { 0.0 };
    w.height as f32 / share
}

/// Tesseract's lines, in its order, as token rows.
fn raw_lines(words: &[&Word]) -> Vec<Line> {
    let mut keys: Vec<(u32, u32, u32)> = Vec::new();
    let mut groups: Vec<Vec<&Word>> = Vec::new();
    for w in words {
        let key = (w.block, w.paragraph, w.line);
        match keys.iter().position(|k| *k == key) {
            Some(i) => groups[i].push(w),
            None => {
                keys.push(key);
                groups.push(vec![w]);
            }
        }
    }
    groups
        .into_iter()
        .filter_map(|mut ws| {
            ws.sort_by_key(|w| w.left);
            let mut leaders = false;
            let toks: Vec<Tok> = ws
                .iter()
                .flat_map(|w| tokens_of(w, &mut leaders))
                // Bullets and stray dots are decoration; a lone dash may
                // separate a name from its description, so it stays.
                .filter(|t| {
                    !t.text.chars().all(is_leader_char)
                        || matches!(t.text.as_str(), "-" | "–" | "—")
                })
                .collect();
            if toks.is_empty() {
                return None;
            }
            let top = ws.iter().map(|w| w.top).min()?;
            let bottom = ws.iter().map(|w| w.bottom()).max()?;
            let size = median(ws.iter().map(|w| em_of(w)).collect());
            Some(Line::from_toks(
                toks, top, bottom, size, ws[0].page, leaders,
            ))
        })
        .collect()
}

/// Cuts a line where Tesseract read two columns' rows as one: after a price
/// followed by a gap and more text, and at any very wide gap (the price
/// part is joined back to its name by [`join_split_rows`]).
fn split_across_columns(lines: Vec<Line>) -> Vec<Line> {
    let mut out = Vec::new();
    for line in lines {
        let gap_limit = (line.size * 1.0) as i32;
        let wide_gap = (line.size * 2.5) as i32;
        let mut current: Vec<Tok> = Vec::new();
        let toks = line.toks.clone();
        for (i, tok) in toks.iter().enumerate() {
            current.push(tok.clone());
            let next = toks.get(i + 1);
            let after_price =
                tok.price.is_some() || (tok.currency && i > 0 && toks[i - 1].price.is_some());
            let next_is_currency = next.is_some_and(|n| n.currency);
            if let Some(next) = next {
                let gap = next.left - tok.right;
                let column_break =
                    after_price && !next_is_currency && gap > gap_limit && next.price.is_none();
                if column_break || gap > wide_gap {
                    out.push(Line::from_toks(
                        std::mem::take(&mut current),
                        line.top,
                        line.bottom,
                        line.size,
                        line.page,
                        line.leaders,
                    ));
                }
            }
        }
        if !current.is_empty() {
            out.push(Line::from_toks(
                current,
                line.top,
                line.bottom,
                line.size,
                line.page,
                line.leaders,
            ));
        }
    }
    out
}

fn is_price_only(line: &Line) -> bool {
    line.toks
        .iter()
        .all(|t| t.price.is_some() || t.currency || is_label(&t.text))
        && line.toks.iter().any(|t| t.price.is_some())
}

fn has_price(line: &Line) -> bool {
    line.toks
        .iter()
        .any(|t| t.price.is_some_and(|(_, s)| s == Style::Marked))
}

/// Joins a price-only line to the text on its left in the same visual row.
fn join_split_rows(mut lines: Vec<Line>) -> Vec<Line> {
    let mut i = 0;
    while i < lines.len() {
        if !is_price_only(&lines[i]) {
            i += 1;
            continue;
        }
        let p = lines[i].clone();
        let target = lines
            .iter()
            .enumerate()
            .filter(|(j, l)| {
                *j != i
                    && l.page == p.page
                    && !is_price_only(l)
                    && !has_price(l)
                    && l.right <= p.left + 2
                    && l.v_overlap(&p) >= 0.5
            })
            .min_by_key(|(_, l)| p.left - l.right)
            .map(|(j, _)| j);
        match target {
            Some(j) => {
                let mut toks = std::mem::take(&mut lines[j].toks);
                toks.extend(p.toks.iter().cloned());
                let merged = Line::from_toks(
                    toks,
                    lines[j].top.min(p.top),
                    lines[j].bottom.max(p.bottom),
                    lines[j].size,
                    p.page,
                    // A price set apart from its name: as good as leaders
                    // for telling a bare number is a price.
                    true,
                );
                lines[j] = merged;
                lines.remove(i);
                if j < i {
                    continue;
                }
            }
            None => i += 1,
        }
    }
    lines
}

/// Orders lines as a reader would: bands between full-width lines, and in
/// each band the columns left to right, each top to bottom.
fn reading_order(lines: Vec<Line>) -> Vec<Line> {
    if lines.is_empty() {
        return lines;
    }
    let page_left = lines.iter().map(|l| l.left).min().unwrap_or(0);
    let page_right = lines.iter().map(|l| l.right).max().unwrap_or(0);
    let page_w = (page_right - page_left).max(1);
    let s = median(lines.iter().map(|l| l.size).collect()).max(1.0);
    // Coverage of the page's width by lines, in buckets of 2 px. A gutter
    // is a strip that almost no line crosses: a title or a centred header
    // may cross it, a row of dishes may not.
    let buckets = (page_w / 2 + 1) as usize;
    let mut cover = vec![0u32; buckets];
    for l in &lines {
        let a = ((l.left - page_left) / 2).max(0) as usize;
        let b = (((l.right - page_left) / 2).max(0) as usize).min(buckets - 1);
        for c in cover.iter_mut().take(b + 1).skip(a) {
            *c += 1;
        }
    }
    let allowed = (lines.len() / 15).max(1) as u32;
    let min_gutter = ((1.5 * s) / 2.0).ceil() as usize;
    let mut bounds: Vec<i32> = Vec::new();
    let mut run_start: Option<usize> = None;
    for (k, &c) in cover.iter().enumerate() {
        if c <= allowed {
            run_start.get_or_insert(k);
        } else if let Some(a) = run_start.take() {
            if k - a >= min_gutter && a > 0 {
                bounds.push(page_left + ((a + k) as i32));
            }
        }
    }
    let column_of = |l: &Line| bounds.iter().filter(|&&b| l.center() > b).count();
    let spans = |l: &Line| bounds.iter().any(|&b| l.left < b && l.right > b);

    let mut spanning: Vec<Line> = lines.iter().filter(|l| spans(l)).cloned().collect();
    spanning.sort_by_key(|l| l.top);
    let mut rest: Vec<Line> = lines.into_iter().filter(|l| !spans(l)).collect();
    rest.sort_by_key(|l| (column_of(l), l.top));
    let mut out = Vec::new();
    let mut band_top = i32::MIN;
    let mut separators = spanning.into_iter().map(Some).chain(std::iter::once(None));
    loop {
        let sep = separators.next();
        let Some(sep) = sep else { break };
        let band_bottom = sep.as_ref().map_or(i32::MAX, |l| l.top);
        out.extend(
            rest.iter()
                .filter(|l| l.top >= band_top && l.top < band_bottom)
                .cloned(),
        );
        match sep {
            Some(l) => {
                band_top = l.top;
                out.push(l);
            }
            None => break,
        }
    }
    out
}

/// Size and case words that label one of several prices.
fn is_label(text: &str) -> bool {
    let t = text.trim_end_matches([':', '.']).to_lowercase();
    matches!(
        t.as_str(),
        "s" | "m"
            | "l"
            | "xl"
            | "sm"
            | "md"
            | "lg"
            | "small"
            | "medium"
            | "large"
            | "reg"
            | "regular"
            | "half"
            | "full"
            | "glass"
            | "bottle"
            | "btl"
            | "carafe"
            | "cup"
            | "pot"
            | "pint"
            | "½"
            | "1/2"
            | "copa"
            | "botella"
            | "media"
            | "grande"
            | "pequeño"
            | "pequeña"
            | "chica"
            | "ración"
            | "tapa"
    ) || {
        let digits = t.trim_end_matches(|c: char| c.is_alphabetic() || c == '"');
        let unit = &t[digits.len()..];
        !digits.is_empty()
            && digits
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
            && matches!(unit, "cl" | "ml" | "l" | "oz" | "\"" | "in" | "cm" | "g")
    }
}

/// Prices at the end of a row, first to last, and where the name ends.
fn trailing_prices(line: &Line) -> (usize, Vec<Variant>, bool, f32) {
    let toks = &line.toks;
    let mut end = toks.len();
    let mut found: Vec<Variant> = Vec::new();
    let mut bare = false;
    let mut conf = 0.0f32;
    loop {
        let mut currency = false;
        while end > 0 && toks[end - 1].currency {
            end -= 1;
            currency = true;
        }
        let Some((value, style)) = end.checked_sub(1).and_then(|k| toks[k].price) else {
            if currency {
                // A sign with no number after the name: put nothing back.
            }
            break;
        };
        let k = end - 1;
        let prefixed = k > 0 && toks[k - 1].currency;
        let gap = if k > 0 {
            toks[k].left - toks[k - 1].right
        } else {
            i32::MAX
        };
        let accepted = style == Style::Marked
            || currency
            || prefixed
            || line.leaders
            || !found.is_empty()
            || gap as f32 >= 0.8 * line.size;
        if !accepted {
            break;
        }
        bare |= style == Style::Bare && !currency && !prefixed;
        conf += toks[k].conf;
        end = k;
        if prefixed {
            end -= 1;
        }
        let label = if end > 0 && is_label(&toks[end - 1].text) && end > 1 {
            end -= 1;
            Some(toks[end].text.trim_end_matches(':').to_string())
        } else {
            None
        };
        found.push(Variant {
            label,
            price: value,
        });
    }
    found.reverse();
    let n = found.len().max(1) as f32;
    (end, found, bare, conf / n)
}

fn letters(s: &str) -> usize {
    s.chars().filter(|c| c.is_alphabetic()).count()
}

fn is_upper(s: &str) -> bool {
    letters(s) >= 2
        && s.chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
}

fn starts_lower(s: &str) -> bool {
    s.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(char::is_lowercase)
}

/// "STARTERS" → "Starters"; "CAESAR SALAD" → "Caesar Salad".
fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f
                    .to_uppercase()
                    .chain(cs.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn tidy(s: &str) -> String {
    let s = s
        .trim_matches(|c: char| {
            !c.is_alphanumeric() && !matches!(c, ')' | '(' | '\'' | '"' | '&' | '!' | '?')
        })
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if is_upper(&s) {
        title_case(&s)
    } else {
        s
    }
}

/// "12. Pad Thai" and "#3 Ramen": the menu's own numbering is not the name.
fn strip_numbering(s: &str) -> &str {
    let t = s.trim_start_matches('#');
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 3 {
        return s;
    }
    let rest = &t[digits..];
    match rest
        .strip_prefix(['.', ')'])
        .or_else(|| (s.starts_with('#')).then_some(rest))
    {
        Some(r) if r.starts_with(' ') && letters(r) >= 2 => r.trim_start(),
        _ => s,
    }
}

fn text_of(toks: &[Tok]) -> String {
    toks.iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn mean_conf(toks: &[Tok]) -> f32 {
    if toks.is_empty() {
        return 0.0;
    }
    toks.iter().map(|t| t.conf).sum::<f32>() / toks.len() as f32
}

/// Splits "Caesar Salad – romaine, croutons" into name and description.
fn split_inline_description(text: &str) -> (String, Option<String>) {
    for sep in [" – ", " — ", " - ", " | ", ": "] {
        if let Some((name, rest)) = text.split_once(sep) {
            if letters(name) >= 2 && (rest.contains(',') || starts_lower(rest)) {
                return (name.to_string(), Some(rest.trim().to_string()));
            }
        }
    }
    (text.to_string(), None)
}

struct Draft {
    item: ScannedItem,
    line_bottom: i32,
    line_left: i32,
    line_right: i32,
    page: u32,
}

fn classify(flow: &[Line]) -> Vec<ScannedItem> {
    let priced: Vec<&Line> = flow
        .iter()
        .filter(|l| !trailing_prices(l).1.is_empty())
        .collect();
    let item_size = median(priced.iter().map(|l| l.size).collect())
        .max(median(flow.iter().map(|l| l.size).collect()) * 0.5)
        .max(1.0);
    let upper_items = priced
        .iter()
        .filter(|l| is_upper(&text_of(&l.toks[..trailing_prices(l).0])))
        .count()
        * 2
        > priced.len();

    let mut items: Vec<ScannedItem> = Vec::new();
    let mut current: Option<Draft> = None;
    let mut category: Option<String> = None;
    let close_below = |d: &Draft, l: &Line| {
        d.page == l.page
            && l.top >= d.line_bottom - (item_size * 0.5) as i32
            && (l.top - d.line_bottom) as f32 <= 1.3 * item_size
            && l.left < d.line_right
            && l.right > d.line_left
    };
    for line in flow {
        let (end, variants, bare, price_conf) = trailing_prices(line);
        let name_toks = &line.toks[..end];
        let raw = text_of(name_toks);
        let text = tidy(strip_numbering(raw.trim()));
        if variants.is_empty() {
            if letters(&text) < 2 {
                continue;
            }
            let words = text.split_whitespace().count();
            let bigger = line.size >= 1.18 * item_size;
            let header = !raw.trim_end().ends_with(',')
                && !starts_lower(&raw)
                && words <= 6
                && (bigger || (!upper_items && is_upper(&raw)));
            if header {
                if let Some(d) = current.take() {
                    items.push(d.item);
                }
                category = Some(text);
                continue;
            }
            if let Some(d) = current.as_mut() {
                let small = line.size < 0.93 * item_size;
                if close_below(d, line) && (small || starts_lower(&raw) || raw.contains(',')) {
                    let desc = d.item.description.get_or_insert_with(String::new);
                    if !desc.is_empty() {
                        desc.push(' ');
                    }
                    desc.push_str(raw.trim());
                    d.line_bottom = line.bottom;
                    continue;
                }
            }
            // A name whose price is on a later line, or that has none.
            if let Some(d) = current.take() {
                items.push(d.item);
            }
            let (name, description) = split_inline_description(&text);
            current = Some(Draft {
                item: ScannedItem {
                    name,
                    category: category.clone(),
                    description,
                    price: None,
                    variants: Vec::new(),
                    confidence: f64::from(mean_conf(name_toks) / 100.0) * 0.6,
                    page: line.page,
                    row: Some([line.left, line.top, line.right, line.bottom]),
                },
                line_bottom: line.bottom,
                line_left: line.left,
                line_right: line.right,
                page: line.page,
            });
            continue;
        }
        // A row with prices: a lone price or a description carrying the
        // price belongs to the dish above when that dish has none yet.
        if let Some(d) = current.as_mut() {
            let lone = letters(&text) < 2;
            let desc_like = starts_lower(&raw) || line.size < 0.9 * item_size;
            if d.item.price.is_none() && close_below(d, line) && (lone || desc_like) {
                if !lone {
                    let desc = d.item.description.get_or_insert_with(String::new);
                    if !desc.is_empty() {
                        desc.push(' ');
                    }
                    desc.push_str(&text);
                }
                d.item.price = variants.first().map(|v| v.price);
                d.item.variants = variants;
                d.item.confidence = (d.item.confidence / 0.6 * 0.9).min(1.0);
                d.line_bottom = line.bottom;
                continue;
            }
        }
        if letters(&text) < 2 {
            continue;
        }
        if let Some(d) = current.take() {
            items.push(d.item);
        }
        let (name, description) = split_inline_description(&text);
        let ocr = (mean_conf(name_toks) * 0.8 + price_conf * 0.2) / 100.0;
        let mut confidence = f64::from(ocr);
        if bare && !line.leaders {
            confidence *= 0.85;
        }
        let plausible = letters(&name) as f64
            / name.chars().filter(|c| !c.is_whitespace()).count().max(1) as f64;
        confidence *= plausible.clamp(0.5, 1.0);
        current = Some(Draft {
            item: ScannedItem {
                name,
                category: category.clone(),
                description,
                price: variants.first().map(|v| v.price),
                variants,
                confidence: (confidence * 1000.0).round() / 1000.0,
                page: line.page,
                row: Some([line.left, line.top, line.right, line.bottom]),
            },
            line_bottom: line.bottom,
            line_left: line.left,
            line_right: line.right,
            page: line.page,
        });
    }
    if let Some(d) = current.take() {
        items.push(d.item);
    }
    for item in &mut items {
        item.confidence = (item.confidence.clamp(0.0, 1.0) * 1000.0).round() / 1000.0;
        if let Some(d) = &mut item.description {
            *d = d.split_whitespace().collect::<Vec<_>>().join(" ");
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words of one visual row, as Tesseract would box them: `left` per
    /// word, 20 px per character, one Tesseract line per call.
    fn row(words: &mut Vec<Word>, block: u32, top: i32, height: i32, parts: &[(&str, i32)]) {
        for (text, left) in parts {
            words.push(Word {
                text: (*text).to_string(),
                left: *left,
                top,
                width: 20 * text.chars().count() as i32,
                height,
                confidence: 95.0,
                page: 1,
                block,
                paragraph: 1,
                line: top as u32,
            });
        }
    }

    #[test]
    fn two_columns_headers_leaders_descriptions_and_variants() {
        let mut w = Vec::new();
        row(&mut w, 1, 100, 40, &[("STARTERS", 100)]);
        row(
            &mut w,
            1,
            160,
            30,
            &[("Caesar", 100), ("Salad", 240), ("........12.50", 360)],
        );
        row(&mut w, 1, 200, 20, &[("romaine,", 100), ("croutons", 260)]);
        row(&mut w, 1, 240, 30, &[("Garlic", 100), ("Bread", 240)]);
        // Its price in a block of its own, far right.
        row(&mut w, 2, 241, 30, &[("€6", 640)]);
        row(&mut w, 3, 100, 40, &[("WINES", 1000)]);
        row(
            &mut w,
            3,
            160,
            30,
            &[
                ("House", 1000),
                ("Red", 1130),
                ("glass", 1300),
                ("6,50", 1420),
                ("bottle", 1520),
                ("24,00", 1660),
            ],
        );
        let items = parse_menu(&w);
        let names: Vec<_> = items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["Caesar Salad", "Garlic Bread", "House Red"]);
        assert_eq!(items[0].category.as_deref(), Some("Starters"));
        assert_eq!(items[0].price, Some(Decimal::new(1250, 2)));
        assert_eq!(items[0].description.as_deref(), Some("romaine, croutons"));
        assert_eq!(items[1].price, Some(Decimal::from(6)));
        assert_eq!(items[2].category.as_deref(), Some("Wines"));
        let labels: Vec<_> = items[2]
            .variants
            .iter()
            .map(|v| (v.label.clone(), v.price))
            .collect();
        assert_eq!(
            labels,
            [
                (Some("glass".to_string()), Decimal::new(650, 2)),
                (Some("bottle".to_string()), Decimal::new(2400, 2))
            ]
        );
    }

    #[test]
    fn numbering_and_capitals_are_tidied_and_a_number_in_a_name_is_not_a_price() {
        let mut w = Vec::new();
        row(
            &mut w,
            1,
            100,
            30,
            &[("12.", 100), ("PAD", 180), ("THAI", 260), ("9.50", 700)],
        );
        row(
            &mut w,
            1,
            150,
            30,
            &[
                ("Pizza", 100),
                ("4", 210),
                ("Stagioni", 240),
                ("11.00", 700),
            ],
        );
        let items = parse_menu(&w);
        assert_eq!(items[0].name, "Pad Thai");
        assert_eq!(items[1].name, "Pizza 4 Stagioni");
        assert_eq!(items[1].price, Some(Decimal::new(1100, 2)));
    }

    proptest::proptest! {
        #[test]
        fn any_words_are_parsed_without_panicking(
            texts in proptest::collection::vec("\\PC{0,12}", 0..40),
            coords in proptest::collection::vec((-50i32..3000, -50i32..3000, 0i32..400, 0i32..200), 40),
        ) {
            let words: Vec<Word> = texts.iter().zip(&coords).enumerate().map(|(i, (t, c))| Word {
                text: t.clone(), left: c.0, top: c.1, width: c.2, height: c.3,
                confidence: 90.0, page: 1 + (i % 2) as u32, block: (i % 5) as u32, paragraph: 1, line: (i % 3) as u32,
            }).collect();
            for item in parse_menu(&words) {
                proptest::prop_assert!(!item.name.is_empty());
                proptest::prop_assert!((0.0..=1.0).contains(&item.confidence));
            }
        }
    }
}
