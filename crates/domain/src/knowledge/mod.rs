//! The knowledge base: articles that make every agent give the same answer
//! (001:240, 001:1710), each owned by the board responsible for its
//! content, with a review-by date so it stays fresh (001:527, 001:1038),
//! optionally local to one district (001:1478, 001:2520). An article's
//! versions go draft → review → published; the published one is what
//! agents and residents read until a newer version is published.

pub mod search;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;

word_enum! {
    /// Where a version of an article stands.
    ArticleStatus {
    /// Being written; only editors and its board's officers see it.
    Draft = "draft",
    /// Submitted; waiting for an editor to publish or return it.
    Review = "review",
    /// What agents (and, if public, residents) read.
    Published = "published",
    /// Published once, replaced by a newer published version.
    Superseded = "superseded",
    }
}

word_enum! {
    /// Who may read an article.
    Audience {
    /// The contact centre's staff only (scripts, internal routines).
    Agents = "agents",
    /// Also residents, through the web assistant.
    Public = "public",
    }
}

word_enum! {
    /// A step in an article's workflow.
    WorkflowStep {
    /// A draft is sent for review.
    Submit = "submit",
    /// A version in review is published.
    Publish = "publish",
    /// A version in review goes back to its author as a draft.
    Return = "return",
    }
}

/// The status a step leads to, or why it cannot be taken.
pub fn next_status(current: ArticleStatus, step: WorkflowStep) -> Result<ArticleStatus, String> {
    use ArticleStatus::*;
    match (current, step) {
        (Draft, WorkflowStep::Submit) => Ok(Review),
        (Review, WorkflowStep::Publish) => Ok(Published),
        (Review, WorkflowStep::Return) => Ok(Draft),
        (from, step) => Err(format!("a version that is {from} cannot be sent to {step}")),
    }
}

/// An article's text in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleText {
    pub title: String,
    /// Markdown; rendered without raw HTML and with safe links only.
    pub body: String,
}

/// A link shown with an article (a page on the city's site, a form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleLink {
    pub title: String,
    pub url: String,
}

/// What an author writes: the content of a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleContent {
    /// By language code; Swedish (`sv`) is required.
    pub texts: BTreeMap<String, ArticleText>,
    /// The board responsible for the content.
    pub owner_board: String,
    pub service_area: String,
    /// Local knowledge for one district, e.g. a recycling centre's hours.
    pub district: Option<String>,
    pub audience: Audience,
    /// Case types the article answers: shown when one is registered.
    pub case_types: Vec<String>,
    pub links: Vec<ArticleLink>,
    /// When the owner must look at it again.
    pub review_by: NaiveDate,
}

/// Languages an article may be written in: Swedish, English and the
/// languages most spoken in Stockholm (as for the residents' pages).
pub const LANGUAGES: &[&str] = &[
    "sv", "en", "fi", "ar", "fa", "so", "ti", "pl", "es", "tr", "ru", "uk",
];

const MAX_TITLE: usize = 200;
const MAX_BODY: usize = 50_000;
/// A review date further away than this is no review date.
const MAX_REVIEW_DAYS: i64 = 3 * 366;

impl ArticleContent {
    /// Every problem with the content, by field (empty when valid).
    pub fn problems(&self, catalog: &Catalog, today: NaiveDate) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut problem = |field: &str, reason: String| out.push((field.to_owned(), reason));
        if !self.texts.contains_key("sv") {
            problem("texts.sv", "a Swedish text is required".into());
        }
        for (lang, text) in &self.texts {
            if !LANGUAGES.contains(&lang.as_str()) {
                problem(
                    &format!("texts.{lang}"),
                    format!("'{lang}' is not one of {}", LANGUAGES.join(", ")),
                );
            }
            let title = text.title.trim();
            if title.is_empty() {
                problem(&format!("texts.{lang}.title"), "is empty".into());
            } else if title.chars().count() > MAX_TITLE {
                problem(
                    &format!("texts.{lang}.title"),
                    format!("is longer than {MAX_TITLE} characters"),
                );
            }
            if text.body.trim().is_empty() {
                problem(&format!("texts.{lang}.body"), "is empty".into());
            } else if text.body.chars().count() > MAX_BODY {
                problem(
                    &format!("texts.{lang}.body"),
                    format!("is longer than {MAX_BODY} characters"),
                );
            }
        }
        if catalog.board(&self.owner_board).is_none() {
            problem(
                "owner_board",
                format!("'{}' is not a board in the catalog", self.owner_board),
            );
        }
        if !catalog
            .service_areas
            .iter()
            .any(|a| a.code == self.service_area)
        {
            problem(
                "service_area",
                format!(
                    "'{}' is not a service area in the catalog",
                    self.service_area
                ),
            );
        }
        if let Some(d) = &self.district {
            if catalog.district(d).is_none() {
                problem(
                    "district",
                    format!("'{d}' is not a district in the catalog"),
                );
            }
        }
        for t in &self.case_types {
            if catalog.case_type(t).is_none() {
                problem(
                    "case_types",
                    format!("'{t}' is not a case type in the catalog"),
                );
            }
        }
        for (i, l) in self.links.iter().enumerate() {
            if l.title.trim().is_empty() {
                problem(&format!("links[{i}].title"), "is empty".into());
            }
            if !safe_url(&l.url) {
                problem(
                    &format!("links[{i}].url"),
                    "must be an https:// or http:// address".into(),
                );
            }
        }
        if self.review_by < today {
            problem("review_by", "is in the past".into());
        } else if (self.review_by - today).num_days() > MAX_REVIEW_DAYS {
            problem("review_by", "is more than three years away".into());
        }
        out
    }

    /// The text in `lang`, else the Swedish one.
    pub fn text(&self, lang: &str) -> Option<(&str, &ArticleText)> {
        self.texts
            .get_key_value(lang)
            .or_else(|| self.texts.get_key_value("sv"))
            .map(|(l, t)| (l.as_str(), t))
    }
}

/// Whether a link may be shown: web addresses only (no `javascript:`).
pub fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
        && url.len() <= 2_000
}

/// How an article stands against its review date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Freshness {
    Current,
    /// Due for review within [`DUE_SOON_DAYS`].
    DueSoon {
        days: i64,
    },
    /// Past its review date: shown to agents with a warning.
    Stale {
        days: i64,
    },
}

pub const DUE_SOON_DAYS: i64 = 30;

pub fn freshness(review_by: NaiveDate, today: NaiveDate) -> Freshness {
    let days = (review_by - today).num_days();
    if days < 0 {
        Freshness::Stale { days: -days }
    } else if days <= DUE_SOON_DAYS {
        Freshness::DueSoon { days }
    } else {
        Freshness::Current
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

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn content() -> ArticleContent {
        ArticleContent {
            texts: BTreeMap::from([(
                "sv".to_owned(),
                ArticleText {
                    title: "Förskoleplats".into(),
                    body: "Ansök i e-tjänsten.".into(),
                },
            )]),
            owner_board: "UTN".into(),
            service_area: "preschool".into(),
            district: Some("farsta".into()),
            audience: Audience::Public,
            case_types: vec!["FSK-KO".into()],
            links: vec![ArticleLink {
                title: "Ansök".into(),
                url: "https://start.stockholm/forskola".into(),
            }],
            review_by: day("2027-06-01"),
        }
    }

    #[test]
    fn the_workflow_goes_draft_review_published() {
        use ArticleStatus::*;
        use WorkflowStep::*;
        assert_eq!(next_status(Draft, Submit), Ok(Review));
        assert_eq!(next_status(Review, Publish), Ok(Published));
        assert_eq!(next_status(Review, Return), Ok(Draft));
        for (from, step) in [
            (Draft, Publish),
            (Published, Publish),
            (Published, Submit),
            (Superseded, Publish),
            (Draft, Return),
        ] {
            assert!(next_status(from, step).is_err(), "{from} {step}");
        }
    }

    #[test]
    fn content_is_checked_field_by_field() {
        let catalog = catalog();
        let today = day("2026-12-07");
        assert_eq!(content().problems(&catalog, today), vec![]);
        let mut bad = content();
        bad.texts.insert(
            "xx".into(),
            ArticleText {
                title: " ".into(),
                body: String::new(),
            },
        );
        bad.texts.remove("sv");
        bad.owner_board = "NOPE".into();
        bad.district = Some("atlantis".into());
        bad.case_types.push("NOPE".into());
        bad.links[0].url = "javascript:alert(1)".into();
        bad.review_by = day("2026-12-01");
        let fields: Vec<String> = bad
            .problems(&catalog, today)
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        for f in [
            "texts.sv",
            "texts.xx",
            "texts.xx.title",
            "texts.xx.body",
            "owner_board",
            "district",
            "case_types",
            "links[0].url",
            "review_by",
        ] {
            assert!(fields.iter().any(|x| x == f), "{f} in {fields:?}");
        }
    }

    #[test]
    fn freshness_warns_before_and_after_the_review_date() {
        let today = day("2026-12-07");
        assert_eq!(freshness(day("2027-06-01"), today), Freshness::Current);
        assert_eq!(
            freshness(day("2026-12-20"), today),
            Freshness::DueSoon { days: 13 }
        );
        assert_eq!(
            freshness(day("2026-12-01"), today),
            Freshness::Stale { days: 6 }
        );
    }

    #[test]
    fn a_text_falls_back_to_swedish() {
        let c = content();
        assert_eq!(c.text("ar").map(|(l, _)| l), Some("sv"));
        assert_eq!(
            c.text("sv").map(|(_, t)| t.title.as_str()),
            Some("Förskoleplats")
        );
    }
}
