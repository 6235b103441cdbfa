//! Words for full-text search. Swedish words are reduced to their stem
//! (Snowball), so "förskolan", "förskolor" and "förskola" find each other.
//! Stemming happens here, in one place, both when text is indexed and when
//! it is searched, so SQLite and PostgreSQL index the same terms.

use rust_stemmers::{Algorithm, Stemmer};

/// Longer "words" are not words (pasted codes, URLs) and are skipped.
const MAX_WORD_CHARS: usize = 40;

/// The distinct stems of `text`'s words, in order of first appearance.
/// Words are runs of letters and digits; one-letter words are skipped.
pub fn search_terms(text: &str) -> Vec<String> {
    static STEMMER: std::sync::OnceLock<Stemmer> = std::sync::OnceLock::new();
    let stemmer = STEMMER.get_or_init(|| Stemmer::create(Algorithm::Swedish));
    let mut terms: Vec<String> = Vec::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2 && w.chars().count() <= MAX_WORD_CHARS)
    {
        let lower = word.to_lowercase();
        let stem = stem(stemmer, &lower);
        if !terms.contains(&stem) {
            terms.push(stem);
        }
    }
    terms
}

/// Snowball's Swedish stemmer leaves the definite singular of words in -a
/// and -e ("förskolan", "gatan", "ansökan") whole; such a word is stemmed
/// again without its final n, so it meets its other forms.
fn stem(stemmer: &Stemmer, word: &str) -> String {
    let stem = stemmer.stem(word).into_owned();
    let definite =
        stem == word && word.chars().count() >= 5 && (word.ends_with("an") || word.ends_with("en"));
    if definite {
        stemmer.stem(&word[..word.len() - 1]).into_owned()
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections_of_a_swedish_word_share_a_stem() {
        let a = search_terms("förskolan");
        assert_eq!(a, search_terms("förskolor"));
        assert_eq!(a, search_terms("förskola"));
        assert_eq!(a.len(), 1);
    }

    #[test]
    fn words_are_lowercased_split_and_deduplicated() {
        let t = search_terms("Bygglov, BYGGLOV! i Bromma – 2026");
        assert_eq!(t.len(), 3, "{t:?}"); // bygglov, bromma, 2026 ("i" is too short)
        assert!(t.iter().all(|w| w.chars().all(|c| !c.is_uppercase())));
    }
}
