//! Word boxes: what an OCR engine saw, where, and how sure it was.
//!
//! Tesseract's TSV output is one row per page, block, paragraph, line and
//! word (`level` 1 to 5); only words carry text and a confidence. The
//! block/paragraph/line numbers are Tesseract's own layout analysis, which
//! the parser uses as a first grouping and then corrects.

use crate::error::ScanError;

/// One recognised word and its box in pixels of the prepared image.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub text: String,
    pub left: i32,
    pub top: i32,
    pub width: i32,
    pub height: i32,
    /// 0..=100, as the engine reports it.
    pub confidence: f32,
    pub page: u32,
    pub block: u32,
    pub paragraph: u32,
    pub line: u32,
}

impl Word {
    pub fn right(&self) -> i32 {
        self.left + self.width
    }
    pub fn bottom(&self) -> i32 {
        self.top + self.height
    }
}

const HEADER: [&str; 12] = [
    "level",
    "page_num",
    "block_num",
    "par_num",
    "line_num",
    "word_num",
    "left",
    "top",
    "width",
    "height",
    "conf",
    "text",
];

/// Reads Tesseract's `tsv` output. Rows of levels other than words, and
/// words that are only whitespace, are skipped.
pub fn parse_tsv(tsv: &str) -> Result<Vec<Word>, ScanError> {
    let mut lines = tsv.lines().enumerate();
    let bad = |line: usize, reason: &str| ScanError::MalformedTsv {
        line: line + 1,
        reason: reason.to_string(),
    };
    match lines.next() {
        Some((_, header)) if header.split('\t').eq(HEADER) => {}
        Some((i, _)) => return Err(bad(i, "the header is not Tesseract's TSV header")),
        None => return Ok(Vec::new()),
    }
    let mut words = Vec::new();
    for (i, line) in lines {
        if line.is_empty() {
            continue;
        }
        // The text is the last column and may itself be empty.
        let cols: Vec<&str> = line.splitn(12, '\t').collect();
        if cols.len() < 11 {
            return Err(bad(i, "fewer than 11 columns"));
        }
        let int = |k: usize| -> Result<i64, ScanError> {
            cols[k]
                .trim()
                .parse::<i64>()
                .map_err(|_| bad(i, &format!("column {} is not a whole number", HEADER[k])))
        };
        if int(0)? != 5 {
            continue;
        }
        let text = cols.get(11).copied().unwrap_or("").trim();
        if text.is_empty() {
            continue;
        }
        let confidence: f32 = cols[10]
            .trim()
            .parse()
            .map_err(|_| bad(i, "column conf is not a number"))?;
        let clamp_u = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
        let clamp_i = |v: i64| i32::try_from(v).unwrap_or(if v < 0 { i32::MIN } else { i32::MAX });
        words.push(Word {
            text: text.to_string(),
            page: clamp_u(int(1)?),
            block: clamp_u(int(2)?),
            paragraph: clamp_u(int(3)?),
            line: clamp_u(int(4)?),
            left: clamp_i(int(6)?),
            top: clamp_i(int(7)?),
            width: clamp_i(int(8)?.max(1)),
            height: clamp_i(int(9)?.max(1)),
            confidence: confidence.clamp(0.0, 100.0),
        });
    }
    Ok(words)
}

/// Adds the words of a second, sparse reading (Tesseract's `--psm 11`,
/// which finds isolated text such as a lone price far right of its dish
/// that the page layout pass drops) where the first reading has nothing.
/// Only confident words that read as prices are added: the sparse pass
/// also "finds" text in a photo's grain. Each added word is a line of its
/// own; the layout parser joins it to its row.
pub fn merge_sparse(mut primary: Vec<Word>, sparse: Vec<Word>) -> Vec<Word> {
    let overlaps = |a: &Word, b: &Word| {
        a.page == b.page
            && a.left < b.right()
            && b.left < a.right()
            && a.top < b.bottom()
            && b.top < a.bottom()
    };
    let first_free = primary.iter().map(|w| w.block).max().unwrap_or(0) + 1;
    let mut added = Vec::new();
    for (i, w) in sparse.into_iter().enumerate() {
        let price_like = w.confidence >= 60.0 && crate::price::parse(&w.text).is_some();
        if price_like && !primary.iter().any(|p| overlaps(p, &w)) {
            added.push(Word {
                block: first_free.saturating_add(i as u32),
                paragraph: 1,
                line: 1,
                ..w
            });
        }
    }
    primary.extend(added);
    primary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_read_and_other_levels_skipped() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t800\t600\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t10\t20\t50\t12\t96.5\tCaesar\n\
                   5\t1\t1\t1\t1\t2\t70\t20\t40\t12\t91\tSalad\n\
                   5\t1\t1\t1\t1\t3\t200\t20\t40\t12\t95\t \n";
        let words = parse_tsv(tsv).expect("valid");
        assert_eq!(words.len(), 2);
        assert_eq!(words[1].text, "Salad");
        assert_eq!(words[1].right(), 110);
        assert!((words[0].confidence - 96.5).abs() < 1e-6);
    }

    #[test]
    fn a_wrong_header_or_column_is_named() {
        assert!(matches!(
            parse_tsv("a\tb\n"),
            Err(ScanError::MalformedTsv { line: 1, .. })
        ));
        let tsv = format!(
            "{}\n5\t1\t1\t1\t1\t1\tx\t20\t50\t12\t96\tA\n",
            HEADER.join("\t")
        );
        let err = parse_tsv(&tsv).expect_err("bad left");
        assert_eq!(
            err,
            ScanError::MalformedTsv {
                line: 2,
                reason: "column left is not a whole number".into()
            }
        );
    }
}
