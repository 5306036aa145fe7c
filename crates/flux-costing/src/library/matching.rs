//! Loose matching of dish names typed by people against library entries.
//!
//! Menus are multilingual and inconsistently spelled ("Ensalada César",
//! "caesar  salad", "Cappucino"), so names are normalised (case, accents,
//! punctuation, plurals, filler words) and compared token by token, allowing
//! a small edit distance on longer words.

/// Words that say nothing about which dish is meant.
const STOPWORDS: &[&str] = &[
    "a", "al", "alla", "and", "au", "con", "de", "del", "di", "e", "el", "en", "et", "la", "le",
    "of", "the", "with", "y",
];

/// Lowercases, folds common Latin accents, turns punctuation into spaces and
/// collapses whitespace.
pub(crate) fn normalise(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars().flat_map(char::to_lowercase) {
        match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'í' | 'ì' | 'î' | 'ï' => out.push('i'),
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => out.push('o'),
            'ú' | 'ù' | 'û' | 'ü' => out.push('u'),
            'ñ' => out.push('n'),
            'ç' => out.push('c'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            c if c.is_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Significant tokens: normalised, without filler words, crudely singular.
pub(crate) fn tokens(input: &str) -> Vec<String> {
    normalise(input)
        .split(' ')
        .filter(|t| !t.is_empty() && !STOPWORDS.contains(t))
        .map(singular)
        .collect()
}

fn singular(token: &str) -> String {
    match token.strip_suffix('s') {
        Some(stem) if stem.len() >= 3 && !stem.ends_with('s') => stem.to_owned(),
        _ => token.to_owned(),
    }
}

/// Optimal string alignment distance (Levenshtein plus transpositions), so
/// "ceasar" is one edit from "caesar".
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

/// Tokens match when equal, or within 1 edit (4+ letters) or 2 edits (8+).
fn similar(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let shorter = a.chars().count().min(b.chars().count());
    let allowed = match shorter {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    allowed > 0 && edit_distance(a, b) <= allowed
}

/// Dice similarity of two token lists under [`similar`], in 0..=1.
pub(crate) fn phrase_score(query: &[String], candidate: &[String]) -> f64 {
    if query.is_empty() || candidate.is_empty() {
        return 0.0;
    }
    let mut used = vec![false; candidate.len()];
    let mut matched = 0usize;
    for q in query {
        if let Some(i) = (0..candidate.len()).find(|&i| !used[i] && similar(q, &candidate[i])) {
            used[i] = true;
            matched += 1;
        }
    }
    // Counts are tiny, so the conversions are exact.
    (2 * matched) as f64 / (query.len() + candidate.len()) as f64
}

/// Whether a keyword appears (loosely) among the query's tokens.
pub(crate) fn has_keyword(query: &[String], keyword: &str) -> bool {
    let keyword = tokens(keyword);
    !keyword.is_empty() && keyword.iter().all(|k| query.iter().any(|q| similar(q, k)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_folds_case_accents_and_punctuation() {
        assert_eq!(normalise("  Ensalada  CÉSAR! "), "ensalada cesar");
        assert_eq!(normalise("Soupe à l'oignon"), "soupe a l oignon");
        assert_eq!(tokens("Fish & Chips"), vec!["fish", "chip"]);
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("caesar", "ceasar"), 1);
        assert_eq!(edit_distance("margherita", "margarita"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn short_words_must_match_exactly() {
        assert!(!similar("pea", "pie"));
        assert!(similar("latte", "latt"));
    }
}
