//! The operators' type-ahead over the directory: people by name, units by
//! name, function and the search words their district uses, and districts
//! by name or what people call them ("söder"). In memory, rebuilt when the
//! directory changes, so a keystroke costs no database round trip.
//!
//! - Every word of the query must match (the last one may be half typed):
//!   "parkeringstillstånd söder" finds the unit that issues permits and
//!   serves Södermalm. A district word also lets through units that serve
//!   the whole city.
//! - A word matches a known word exactly, by its Swedish stem
//!   ("bygglovet"), as its beginning ("bygg", "anders"), or one or two
//!   typing errors away ("andersen", "parkringstillstånd").
//! - Hyphenated words are found whole and by their parts ("Anna-Karin").
//! - Accents other than Swedish å, ä, ö are not needed: "ramirez" finds
//!   Ramírez, "sahin" Şahin.

use std::collections::{BTreeMap, HashMap};

use super::{Directory, Subject};
use crate::catalog::Catalog;
use crate::text::search_terms;

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub subject: Subject,
    pub score: f32,
}

pub struct DirectoryIndex {
    subjects: Vec<Subject>,
    /// Whether the subject serves the whole city (no district of its own).
    citywide: Vec<bool>,
    /// Known words, sorted, with the subjects each is in and its weight there.
    terms: Vec<String>,
    postings: Vec<Vec<(u32, f32)>>,
    /// Term positions by length in characters, for typing errors.
    by_length: BTreeMap<usize, Vec<u32>>,
    /// Every word naming a district (name, aliases), lower case.
    district_words: Vec<String>,
}

// How much a word weighs where it is found.
const FAMILY_NAME: f32 = 10.0;
const GIVEN_NAME: f32 = 8.0;
const UNIT_NAME: f32 = 9.0;
const FUNCTION: f32 = 8.0;
const DISTRICT: f32 = 4.0;
const DETAIL: f32 = 3.0;
const CONTEXT: f32 = 2.0;
const PERSON_DISTRICT: f32 = 1.5;

// How well a query word matches a known one.
const EXACT: f32 = 1.0;
const STEM: f32 = 0.9;
const BEGINNING: f32 = 0.75;
const TYPO: f32 = 0.5;
/// Words of a query that count.
const MAX_QUERY_WORDS: usize = 8;
/// A beginning of longer words, when the word is also known whole.
const KNOWN_WHOLE: f32 = 0.5;
/// A district word let through for a unit serving the whole city.
const CITYWIDE: f32 = 0.5;

/// A letter as the index keeps it: lower case, and without the accents of
/// other languages' names (Swedish å, ä and ö are letters of their own).
fn fold(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ã' | 'ą' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'ę' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'ı' => 'i',
        'ó' | 'ò' | 'ô' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' | 'ń' => 'n',
        'ç' | 'ć' | 'č' => 'c',
        'ş' | 'ś' | 'š' => 's',
        'ğ' => 'g',
        'ł' => 'l',
        'ż' | 'ź' | 'ž' => 'z',
        'ý' => 'y',
        'ø' => 'ö',
        'æ' => 'ä',
        other => other,
    }
}

/// Composed first ("o" + "¨" pasted from some systems is "ö"), then lower
/// case and folded.
fn lower(word: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    word.nfc()
        .collect::<String>()
        .to_lowercase()
        .chars()
        .map(fold)
        .collect()
}

/// The words of a text as the index keeps them: lower case; a hyphenated
/// word whole (without the hyphens) and each part.
fn words(text: &str) -> Vec<String> {
    use unicode_normalization::UnicodeNormalization;
    let text: String = text.nfc().collect();
    let mut out = Vec::new();
    for w in text
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
    {
        let lower = lower(w);
        if lower.contains('-') {
            let joined: String = lower.chars().filter(|c| *c != '-').collect();
            if joined.chars().count() >= 2 {
                out.push(joined);
            }
            out.extend(
                lower
                    .split('-')
                    .filter(|p| p.chars().count() >= 2)
                    .map(str::to_owned),
            );
        } else if lower.chars().count() >= 2 {
            out.push(lower);
        }
    }
    out
}

/// The query's words: hyphenated ones whole, as typed ("anna-karin").
fn query_words(text: &str) -> Vec<String> {
    use unicode_normalization::UnicodeNormalization;
    let text: String = text.nfc().collect();
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map(|w| lower(w).chars().filter(|c| *c != '-').collect::<String>())
        .filter(|w| !w.is_empty())
        .collect()
}

/// A word's Swedish stem, kept apart from whole words (a name is no
/// inflection: "Andersen" must not find "Anders" as its stem).
fn stem(word: &str) -> Option<String> {
    search_terms(word)
        .into_iter()
        .next()
        .map(|s| format!("{STEM_MARK}{s}"))
}

const STEM_MARK: char = '~';

struct Builder {
    postings: HashMap<String, HashMap<u32, f32>>,
}

impl Builder {
    fn add(&mut self, doc: u32, text: &str, weight: f32) {
        for w in words(text) {
            if let Some(s) = stem(&w) {
                self.put(doc, s, weight * STEM);
            }
            self.put(doc, w, weight);
        }
    }

    fn put(&mut self, doc: u32, term: String, weight: f32) {
        let best = self
            .postings
            .entry(term)
            .or_default()
            .entry(doc)
            .or_default();
        if weight > *best {
            *best = weight;
        }
    }
}

impl DirectoryIndex {
    pub fn build(dir: &Directory, catalog: &Catalog) -> DirectoryIndex {
        let mut b = Builder {
            postings: HashMap::new(),
        };
        let mut subjects = Vec::new();
        let mut citywide = Vec::new();
        let district_text = |code: &str| -> String {
            catalog
                .district(code)
                .map(|d| format!("{} {}", d.name, d.aliases.join(" ")))
                .unwrap_or_default()
        };
        // A unit serves its own districts, else those of the nearest unit
        // above it that names some (HR files often set them only on the
        // district administration).
        let served = |id: &str| -> Vec<String> {
            std::iter::once(id)
                .chain(dir.ancestors(id))
                .filter_map(|a| dir.unit(a))
                .map(|u| u.districts.clone())
                .find(|d| !d.is_empty())
                .unwrap_or_default()
        };
        for u in dir.units() {
            let doc = subjects.len() as u32;
            subjects.push(Subject::Unit(u.id.clone()));
            let districts = served(&u.id);
            citywide.push(districts.is_empty());
            b.add(doc, &u.name, UNIT_NAME);
            for f in &u.functions {
                b.add(doc, &f.name, FUNCTION);
                for w in &f.search_words {
                    b.add(doc, w, FUNCTION);
                }
            }
            for d in &districts {
                b.add(doc, &district_text(d), DISTRICT);
            }
            for a in dir.ancestors(&u.id).filter_map(|id| dir.unit(id)) {
                b.add(doc, &a.name, CONTEXT);
            }
        }
        for p in dir.people() {
            let doc = subjects.len() as u32;
            subjects.push(Subject::Person(p.id.clone()));
            let mut serves_city = true;
            b.add(doc, &p.family_name, FAMILY_NAME);
            b.add(doc, &p.given_name, GIVEN_NAME);
            if let Some(t) = &p.title {
                b.add(doc, t, DETAIL);
            }
            for c in &p.competences {
                b.add(doc, c, DETAIL);
            }
            for u in p.units.iter().filter_map(|id| dir.unit(id)) {
                b.add(doc, &u.name, CONTEXT);
                for f in &u.functions {
                    b.add(doc, &f.name, CONTEXT);
                }
                for d in served(&u.id) {
                    serves_city = false;
                    b.add(doc, &district_text(&d), PERSON_DISTRICT);
                }
            }
            citywide.push(serves_city);
        }
        let mut sorted: Vec<(String, HashMap<u32, f32>)> = b.postings.into_iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        let mut terms = Vec::with_capacity(sorted.len());
        let mut postings = Vec::with_capacity(sorted.len());
        let mut by_length: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
        for (i, (term, docs)) in sorted.into_iter().enumerate() {
            if !term.starts_with(STEM_MARK) {
                by_length
                    .entry(term.chars().count())
                    .or_default()
                    .push(i as u32);
            }
            terms.push(term);
            postings.push(docs.into_iter().collect());
        }
        let mut district_words: Vec<String> = catalog
            .districts
            .iter()
            .flat_map(|d| {
                words(&d.name)
                    .into_iter()
                    .chain(d.aliases.iter().flat_map(|a| words(a)))
            })
            .collect();
        district_words.sort();
        district_words.dedup();
        DirectoryIndex {
            subjects,
            citywide,
            terms,
            postings,
            by_length,
            district_words,
        }
    }

    pub fn len(&self) -> usize {
        self.subjects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.subjects.is_empty()
    }

    /// Terms beginning with `prefix`: a range of the sorted terms.
    fn beginning_with(&self, prefix: &str) -> std::ops::Range<usize> {
        let start = self.terms.partition_point(|t| t.as_str() < prefix);
        let end = start + self.terms[start..].partition_point(|t| t.starts_with(prefix));
        start..end
    }

    fn term(&self, t: &str) -> Option<usize> {
        self.terms.binary_search_by(|x| x.as_str().cmp(t)).ok()
    }

    /// The subjects one query word matches, with the best weight for each.
    fn matches(&self, word: &str, last: bool) -> HashMap<u32, f32> {
        let mut found: HashMap<u32, f32> = HashMap::new();
        let take = |i: usize, factor: f32, found: &mut HashMap<u32, f32>| {
            for &(doc, w) in &self.postings[i] {
                let s = w * factor;
                let best = found.entry(doc).or_default();
                if s > *best {
                    *best = s;
                }
            }
        };
        let n = word.chars().count();
        if let Some(i) = self.term(word) {
            take(i, EXACT, &mut found);
        }
        if let Some(i) = stem(word).and_then(|s| self.term(&s)) {
            take(i, STEM, &mut found);
        }
        // A beginning: the word being typed, or the first part of a
        // compound ("bygglov" in "bygglovsenheten").
        if n >= 2 && (last || n >= 4) {
            // A word that is known whole ("söder") most likely means
            // itself, not the longer words it begins ("Söderort").
            let factor = if found.is_empty() {
                BEGINNING
            } else {
                BEGINNING * KNOWN_WHOLE
            };
            for i in self.beginning_with(word) {
                take(i, factor, &mut found);
            }
        }
        if n >= 4 && found.is_empty() {
            let max = if n >= 8 { 2 } else { 1 };
            for len in n.saturating_sub(max)..=n + max {
                for &i in self.by_length.get(&len).into_iter().flatten() {
                    if strsim::osa_distance(word, &self.terms[i as usize]) <= max {
                        take(i as usize, TYPO, &mut found);
                    }
                }
            }
            // A half-typed word with a typing error: compare beginnings.
            if last && found.is_empty() {
                for ids in self.by_length.range(n + 1..).map(|(_, ids)| ids) {
                    for &i in ids {
                        let t = &self.terms[i as usize];
                        let start: String = t.chars().take(n).collect();
                        if strsim::osa_distance(word, &start) <= 1 {
                            take(i as usize, TYPO, &mut found);
                        }
                    }
                }
            }
        }
        found
    }

    fn is_district_word(&self, word: &str, last: bool) -> bool {
        if last && word.chars().count() >= 3 {
            let start = self.district_words.partition_point(|t| t.as_str() < word);
            self.district_words
                .get(start)
                .is_some_and(|t| t.starts_with(word))
        } else {
            self.district_words
                .binary_search_by(|t| t.as_str().cmp(word))
                .is_ok()
        }
    }

    /// The best subjects for what the operator typed so far, best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        // Nobody types more to find someone; more is noise that costs.
        let words: Vec<String> = query_words(query)
            .into_iter()
            .take(MAX_QUERY_WORDS)
            .collect();
        let count = words.len();
        let mut scores: Option<HashMap<u32, f32>> = None;
        let mut district_words = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let last = i + 1 == count;
            let found = self.matches(word, last);
            if self.is_district_word(word, last) {
                // Applied after the other words, so a unit for the whole
                // city is not left out for not naming the district.
                district_words.push(found);
                continue;
            }
            if found.is_empty() {
                continue; // a word nothing knows ("på", "hos") narrows nothing
            }
            scores = Some(match scores {
                None => found,
                Some(acc) => acc
                    .into_iter()
                    .filter_map(|(doc, s)| found.get(&doc).map(|f| (doc, s + f)))
                    .collect(),
            });
        }
        for found in district_words {
            scores = Some(match scores {
                None => found,
                Some(acc) => acc
                    .into_iter()
                    .filter_map(|(doc, s)| match found.get(&doc) {
                        Some(f) => Some((doc, s + f)),
                        None if self.citywide[doc as usize] => Some((doc, s + CITYWIDE)),
                        None => None,
                    })
                    .collect(),
            });
        }
        let mut hits: Vec<(u32, f32)> = scores.unwrap_or_default().into_iter().collect();
        let best_first = |a: &(u32, f32), b: &(u32, f32)| {
            b.1.total_cmp(&a.1)
                .then_with(|| self.subjects[a.0 as usize].cmp(&self.subjects[b.0 as usize]))
        };
        // Only the best are sorted: a two-letter beginning matches thousands.
        if hits.len() > limit {
            hits.select_nth_unstable_by(limit, best_first);
            hits.truncate(limit);
        }
        hits.sort_by(best_first);
        hits.into_iter()
            .map(|(doc, score)| Hit {
                subject: self.subjects[doc as usize].clone(),
                score,
            })
            .collect()
    }
}
