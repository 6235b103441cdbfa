//! Searching the knowledge base: in memory, rebuilt when articles change
//! (a few thousand a year), so a question costs no database round trip.
//!
//! - Words are Swedish stems (`crate::text`): "soptunnan" finds "soptunnor".
//! - The catalog's synonyms widen a question: "dagis" also searches the
//!   words of "Förskoleplats" and favours articles linked to that case type.
//! - A word the index does not know is replaced by known words one or two
//!   typing errors away ("förskolplats" → "förskoleplats").
//! - A word also finds the compounds it begins ("förskola" finds
//!   "förskoleplats"), as Swedish writes compounds as one word.
//! - A district named in the question, or the caller's district, lifts
//!   that district's local articles and lowers other districts' ones.
//! - Titles weigh more than bodies; rare words more than common ones.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::Audience;
use crate::catalog::Catalog;
use crate::text::search_terms;

/// One language version of an article, as the index holds it.
#[derive(Debug, Clone)]
pub struct Document {
    pub article: i64,
    pub lang: String,
    pub title: String,
    pub body: String,
    pub district: Option<String>,
    pub case_types: Vec<String>,
    pub audience: Audience,
}

/// A question and who asks it.
#[derive(Debug, Clone)]
pub struct Query<'a> {
    pub text: &'a str,
    /// Agents read every article; residents the public ones only.
    pub audience: Audience,
    /// The asker's language: an article answers in it when it has it.
    pub lang: &'a str,
    /// The caller's district, if known.
    pub district: Option<&'a str>,
    pub limit: usize,
}

/// An article that answers, in the language to show it in.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub article: i64,
    pub lang: String,
    pub score: f32,
}

/// What the question was understood as, for "did you mean" and for
/// counting questions without an answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Understood {
    /// The question's words (stems) the index knows or was corrected to.
    pub terms: Vec<String>,
    /// Words replaced by a close known word: (asked, used).
    pub corrected: Vec<(String, String)>,
    /// A case type whose synonym the question used.
    pub case_type: Option<String>,
    /// A district the question names.
    pub district: Option<String>,
}

struct Entry {
    article: i64,
    lang: String,
    district: Option<String>,
    case_types: Vec<String>,
    audience: Audience,
    length: f32,
}

/// A synonym phrase of a case type, as stems, and what it stands for.
struct Synonym {
    phrase: Vec<String>,
    case_type: String,
    expansion: Vec<String>,
}

pub struct SearchIndex {
    entries: Vec<Entry>,
    /// term → (entry, weight of the field it is in).
    postings: HashMap<String, Vec<(u32, f32)>>,
    average_length: f32,
    synonyms: Vec<Synonym>,
    /// A district's name as stems, and its code.
    districts: Vec<(Vec<String>, String)>,
    /// Known terms by length in characters, for typo correction.
    vocabulary: BTreeMap<usize, Vec<String>>,
    /// Every known term, sorted, for compounds a word begins.
    sorted: Vec<String>,
    /// Terms of public articles: a resident's question is corrected and
    /// widened only with these, so no internal article's words show.
    public_terms: HashSet<String>,
}

const TITLE_WEIGHT: f32 = 3.0;
const BODY_WEIGHT: f32 = 1.0;
const SYNONYM_WEIGHT: f32 = 0.8;
const TYPO_WEIGHT: f32 = 0.6;
const COMPOUND_WEIGHT: f32 = 0.7;
/// A word this short is no compound's beginning worth following.
const MIN_COMPOUND_PREFIX: usize = 5;
/// At most this many compounds per word.
const MAX_COMPOUNDS: usize = 20;
const OWN_DISTRICT: f32 = 2.0;
const OTHER_DISTRICT: f32 = 0.3;
const LINKED_CASE_TYPE: f32 = 1.5;

/// Words too common in questions to mean anything on their own.
const STOP_WORDS: &[&str] = &[
    "att", "av", "de", "den", "det", "du", "eller", "en", "ett", "för", "har", "hur", "inte",
    "jag", "kan", "man", "med", "min", "mitt", "mina", "när", "och", "om", "på", "som", "till",
    "var", "vad", "vi", "vill", "är", "the", "and", "how", "what", "when", "my", "is", "to", "of",
    "in", "a",
];

fn question_terms(text: &str) -> Vec<String> {
    let kept: String = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !STOP_WORDS.contains(&w.to_lowercase().as_str()))
        .collect::<Vec<_>>()
        .join(" ");
    search_terms(&kept)
}

impl SearchIndex {
    pub fn build(documents: &[Document], catalog: &Catalog) -> SearchIndex {
        let mut entries = Vec::with_capacity(documents.len());
        let mut public_terms: HashSet<String> = HashSet::new();
        let mut postings: HashMap<String, Vec<(u32, f32)>> = HashMap::new();
        let mut total_length = 0.0;
        for (i, d) in documents.iter().enumerate() {
            let i = i as u32;
            let title = search_terms(&d.title);
            let body = search_terms(&d.body);
            let mut weights: HashMap<&str, f32> = HashMap::new();
            for t in &body {
                *weights.entry(t).or_default() = BODY_WEIGHT;
            }
            for t in &title {
                *weights.entry(t).or_default() += TITLE_WEIGHT;
            }
            for (term, weight) in weights {
                if d.audience == Audience::Public {
                    public_terms.insert(term.to_owned());
                }
                postings
                    .entry(term.to_owned())
                    .or_default()
                    .push((i, weight));
            }
            let length = (title.len() + body.len()).max(1) as f32;
            total_length += length;
            entries.push(Entry {
                article: d.article,
                lang: d.lang.clone(),
                district: d.district.clone(),
                case_types: d.case_types.clone(),
                audience: d.audience,
                length,
            });
        }
        let mut synonyms = Vec::new();
        for t in &catalog.case_types {
            let mut expansion = search_terms(&t.name_sv);
            if let Some(area) = catalog
                .service_areas
                .iter()
                .find(|a| a.code == t.service_area)
            {
                expansion.extend(search_terms(&area.name_sv));
            }
            for phrase in t.synonyms.iter().chain(std::iter::once(&t.name_sv)) {
                let phrase = search_terms(phrase);
                if !phrase.is_empty() {
                    synonyms.push(Synonym {
                        phrase,
                        case_type: t.code.clone(),
                        expansion: expansion.clone(),
                    });
                }
            }
        }
        // Longer phrases first: "soptunnan inte tömd" before "soptunna".
        synonyms.sort_by_key(|s| std::cmp::Reverse(s.phrase.len()));
        let districts = catalog
            .districts
            .iter()
            .map(|d| (search_terms(&d.name), d.code.clone()))
            .collect();
        let mut sorted: Vec<String> = postings.keys().cloned().collect();
        sorted.sort();
        let mut vocabulary: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for term in postings.keys() {
            vocabulary
                .entry(term.chars().count())
                .or_default()
                .push(term.clone());
        }
        SearchIndex {
            average_length: if entries.is_empty() {
                1.0
            } else {
                total_length / entries.len() as f32
            },
            entries,
            postings,
            synonyms,
            districts,
            vocabulary,
            sorted,
            public_terms,
        }
    }

    /// Whether a known term may be offered to this audience.
    fn offered(&self, term: &str, audience: Audience) -> bool {
        audience == Audience::Agents || self.public_terms.contains(term)
    }

    /// Known longer terms that begin with `term`: the compounds it starts.
    fn compounds<'a>(
        &'a self,
        term: &'a str,
        audience: Audience,
    ) -> impl Iterator<Item = &'a String> + 'a {
        let start = if term.chars().count() >= MIN_COMPOUND_PREFIX {
            self.sorted.partition_point(|t| t.as_str() < term)
        } else {
            self.sorted.len()
        };
        self.sorted[start..]
            .iter()
            .take_while(move |t| t.starts_with(term))
            .filter(move |t| t.as_str() != term && self.offered(t, audience))
            .take(MAX_COMPOUNDS)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Known words one typing error away (two for long words), closest
    /// first, at most three.
    fn corrections(&self, term: &str, audience: Audience) -> Vec<String> {
        let n = term.chars().count();
        if n < 4 {
            return Vec::new();
        }
        let max = if n >= 8 { 2 } else { 1 };
        let mut found: Vec<(usize, &String)> = Vec::new();
        for len in n.saturating_sub(max)..=n + max {
            for known in self
                .vocabulary
                .get(&len)
                .into_iter()
                .flatten()
                .filter(|k| self.offered(k, audience))
            {
                let d = strsim::levenshtein(term, known);
                if d <= max {
                    found.push((d, known));
                }
            }
        }
        found.sort();
        found.into_iter().take(3).map(|(_, t)| t.clone()).collect()
    }

    /// How the question is read: its terms (with corrections), a case
    /// type its words stand for, a district it names.
    pub fn understand(&self, text: &str, audience: Audience) -> Understood {
        let asked = question_terms(text);
        let mut u = Understood::default();
        // A district is named by any word of its name ("Kista" for
        // Rinkeby-Kista).
        for (name, code) in &self.districts {
            if name
                .iter()
                .any(|t| t.chars().count() >= 4 && asked.contains(t))
            {
                u.district = Some(code.clone());
                break;
            }
        }
        for s in &self.synonyms {
            if s.phrase.iter().all(|t| asked.contains(t)) {
                u.case_type = Some(s.case_type.clone());
                break;
            }
        }
        for term in asked {
            let known = self.postings.contains_key(&term) && self.offered(&term, audience);
            if known || self.compounds(&term, audience).next().is_some() {
                u.terms.push(term);
            } else if let Some(best) = self.corrections(&term, audience).into_iter().next() {
                u.corrected.push((term, best.clone()));
                u.terms.push(best);
            }
        }
        u
    }

    /// The best articles for the question, best first; none when nothing
    /// matches.
    pub fn search(&self, q: &Query) -> (Vec<Hit>, Understood) {
        let understood = self.understand(q.text, q.audience);
        let mut weighted: Vec<(String, f32)> = Vec::new();
        let mut add = |term: &str, weight: f32| match weighted.iter_mut().find(|(t, _)| t == term) {
            Some((_, w)) => *w = w.max(weight),
            None => weighted.push((term.to_owned(), weight)),
        };
        let asked = question_terms(q.text);
        for t in &asked {
            let compounds: Vec<&String> = self.compounds(t, q.audience).collect();
            if self.postings.contains_key(t) || !compounds.is_empty() {
                add(t, 1.0);
                for c in compounds {
                    add(c, COMPOUND_WEIGHT);
                }
            } else {
                for c in self.corrections(t, q.audience) {
                    add(&c, TYPO_WEIGHT);
                }
            }
        }
        if let Some(case_type) = &understood.case_type {
            for s in self.synonyms.iter().filter(|s| &s.case_type == case_type) {
                for t in &s.expansion {
                    add(t, SYNONYM_WEIGHT);
                }
            }
        }
        let district = understood.district.as_deref().or(q.district);
        let n = self.entries.len().max(1) as f32;
        let mut scores: HashMap<u32, f32> = HashMap::new();
        for (term, weight) in &weighted {
            let Some(list) = self.postings.get(term) else {
                continue;
            };
            let idf = ((n - list.len() as f32 + 0.5) / (list.len() as f32 + 0.5) + 1.0).ln();
            for (entry, field) in list {
                let e = &self.entries[*entry as usize];
                if q.audience == Audience::Public && e.audience != Audience::Public {
                    continue;
                }
                let norm = 0.75 + 0.25 * e.length / self.average_length;
                *scores.entry(*entry).or_default() += weight * idf * field / norm;
            }
        }
        // Per article: its best language version's score, shown in the
        // asker's language when the article has it.
        let mut by_article: HashMap<i64, (f32, String)> = HashMap::new();
        let mut languages: HashMap<i64, HashSet<&str>> = HashMap::new();
        for e in &self.entries {
            languages.entry(e.article).or_default().insert(&e.lang);
        }
        for (entry, mut score) in scores {
            let e = &self.entries[entry as usize];
            match (&e.district, district) {
                (Some(own), Some(asked)) if own == asked => score *= OWN_DISTRICT,
                (Some(_), _) => score *= OTHER_DISTRICT,
                (None, _) => {}
            }
            if understood
                .case_type
                .as_ref()
                .is_some_and(|t| e.case_types.contains(t))
            {
                score *= LINKED_CASE_TYPE;
            }
            let best = by_article.entry(e.article).or_insert((0.0, String::new()));
            if score > best.0 {
                best.0 = score;
            }
        }
        let mut hits: Vec<Hit> = by_article
            .into_iter()
            .filter(|(_, (score, _))| *score > 0.0)
            .map(|(article, (score, _))| {
                let has = |l: &str| languages.get(&article).is_some_and(|s| s.contains(l));
                let lang = if has(q.lang) { q.lang } else { "sv" };
                Hit {
                    article,
                    lang: lang.to_owned(),
                    score,
                }
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.article.cmp(&b.article)));
        hits.truncate(q.limit);
        (hits, understood)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::load(
            "stockholm.toml",
            include_str!("../../../../catalog/stockholm.toml"),
        )
        .expect("catalog")
    }

    fn doc(article: i64, title: &str, body: &str, district: Option<&str>) -> Document {
        Document {
            article,
            lang: "sv".into(),
            title: title.into(),
            body: body.into(),
            district: district.map(str::to_owned),
            case_types: vec![],
            audience: Audience::Public,
        }
    }

    fn index() -> SearchIndex {
        let mut docs = vec![
            doc(
                1,
                "Förskoleplats – så ansöker du",
                "Du ansöker om plats i förskola i e-tjänsten senast fyra månader före önskat datum.",
                None,
            ),
            doc(
                2,
                "Sophämtning – när töms soptunnan?",
                "Soptunnor töms varannan vecka. Se ditt schema på Mina sidor.",
                None,
            ),
            doc(
                3,
                "Sophämtning i Farsta",
                "I Farsta töms soptunnan på tisdagar, udda veckor.",
                Some("farsta"),
            ),
            doc(
                4,
                "Sophämtning i Kista",
                "I Kista töms soptunnan på onsdagar.",
                Some("rinkeby-kista"),
            ),
            doc(
                5,
                "Parkeringstillstånd för boende",
                "Boendeparkering söker du i e-tjänsten.",
                None,
            ),
        ];
        docs[0].case_types = vec!["FSK-KO".into()];
        let mut english = doc(
            1,
            "Preschool place – how to apply",
            "Apply for a preschool place in the e-service.",
            None,
        );
        english.lang = "en".into();
        docs.push(english);
        let mut internal = doc(6, "Manus vid förskolekö", "Intern rutin om förskola.", None);
        internal.audience = Audience::Agents;
        docs.push(internal);
        SearchIndex::build(&docs, &catalog())
    }

    fn ask(index: &SearchIndex, text: &str, audience: Audience, lang: &str) -> Vec<Hit> {
        index
            .search(&Query {
                text,
                audience,
                lang,
                district: None,
                limit: 5,
            })
            .0
    }

    fn first(index: &SearchIndex, text: &str) -> i64 {
        ask(index, text, Audience::Public, "sv")
            .first()
            .map_or(0, |h| h.article)
    }

    #[test]
    fn inflected_words_find_the_article() {
        let index = index();
        assert_eq!(first(&index, "förskolor"), 1);
        assert_eq!(first(&index, "parkeringstillståndet"), 5);
    }

    #[test]
    fn a_district_in_the_question_lifts_its_local_article() {
        let index = index();
        assert_eq!(first(&index, "när töms soptunnan i Farsta"), 3);
        assert_eq!(first(&index, "när töms soptunnan i Kista"), 4);
        // Without a district the city-wide article comes first.
        assert_eq!(first(&index, "när töms soptunnan"), 2);
    }

    #[test]
    fn catalog_synonyms_and_typos_are_understood() {
        let index = index();
        assert_eq!(first(&index, "dagis"), 1);
        let (hits, understood) = index.search(&Query {
            text: "förskolplats",
            audience: Audience::Public,
            lang: "sv",
            district: None,
            limit: 5,
        });
        assert_eq!(hits.first().map(|h| h.article), Some(1), "{understood:?}");
        assert!(!understood.corrected.is_empty());
    }

    #[test]
    fn residents_see_public_articles_in_their_language() {
        let index = index();
        let hits = ask(&index, "förskola", Audience::Public, "en");
        assert!(hits.iter().all(|h| h.article != 6), "{hits:?}");
        let one = hits.iter().find(|h| h.article == 1).expect("article 1");
        assert_eq!(one.lang, "en");
        // Agents see the internal script too.
        let agents = ask(&index, "förskola", Audience::Agents, "sv");
        assert!(agents.iter().any(|h| h.article == 6));
    }

    #[test]
    fn a_word_finds_the_compounds_it_begins() {
        let docs = vec![doc(1, "Förskoleplats", "Ansök i e-tjänsten.", None)];
        let index = SearchIndex::build(&docs, &catalog());
        assert_eq!(first(&index, "förskola"), 1);
    }

    #[test]
    fn residents_are_not_offered_internal_words() {
        let index = index();
        // "Manus" is only in the agents' script: a resident's typo is not
        // corrected to it.
        let (_, public) = index.search(&Query {
            text: "manuss",
            audience: Audience::Public,
            lang: "sv",
            district: None,
            limit: 5,
        });
        assert!(public.corrected.is_empty(), "{public:?}");
        let (_, staff) = index.search(&Query {
            text: "manuss",
            audience: Audience::Agents,
            lang: "sv",
            district: None,
            limit: 5,
        });
        assert!(!staff.corrected.is_empty(), "{staff:?}");
    }

    #[test]
    fn nothing_matches_nonsense() {
        let index = index();
        assert!(ask(&index, "xyzzy qwerty", Audience::Public, "sv").is_empty());
        assert!(ask(&index, "", Audience::Public, "sv").is_empty());
    }
}
