//! Crisis mode: in a crisis many agents must give the same information at
//! once (001:362). A crisis message has, per language, a title, what
//! residents are told (web pages and the phone's announcement) and the
//! script agents read; and the case type its contacts are registered as,
//! so statistics count them apart. One crisis at a time.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::knowledge::LANGUAGES;

/// One language's version of a crisis message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrisisText {
    pub title: String,
    /// What residents read and callers hear before the menu.
    pub message: String,
    /// What agents say: the uniform answer.
    pub script: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrisisMessage {
    /// By language code; Swedish is required.
    pub texts: BTreeMap<String, CrisisText>,
    /// The case type crisis contacts are registered as.
    pub case_type: String,
}

const MAX_TITLE: usize = 200;
/// It is also read out before the phone menu, which takes at most this
/// much (`crate::phone`), so the crisis cannot go out without it.
const MAX_MESSAGE: usize = 600;
const MAX_SCRIPT: usize = 10_000;

impl CrisisMessage {
    /// The message as published: line breaks as `\n` (browsers send
    /// `\r\n`), no other control characters, titles trimmed.
    pub fn normalized(&self) -> CrisisMessage {
        let clean = |s: &str| -> String {
            s.replace("\r\n", "\n")
                .replace('\r', "\n")
                .chars()
                .filter(|c| *c == '\n' || !c.is_control())
                .collect::<String>()
                .trim()
                .to_owned()
        };
        CrisisMessage {
            texts: self
                .texts
                .iter()
                .map(|(l, t)| {
                    (
                        l.clone(),
                        CrisisText {
                            title: clean(&t.title),
                            message: clean(&t.message),
                            script: clean(&t.script),
                        },
                    )
                })
                .collect(),
            case_type: self.case_type.trim().to_owned(),
        }
    }

    /// Every problem, by field (empty when valid).
    pub fn problems(&self, catalog: &Catalog) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if !self.texts.contains_key("sv") {
            out.push(("texts.sv".into(), "a Swedish text is required".into()));
        }
        for (lang, t) in &self.texts {
            let field = |f: &str| format!("texts.{lang}.{f}");
            if !LANGUAGES.contains(&lang.as_str()) {
                out.push((
                    format!("texts.{lang}"),
                    format!("'{lang}' is not one of {}", LANGUAGES.join(", ")),
                ));
            }
            for (name, value, max) in [
                ("title", &t.title, MAX_TITLE),
                ("message", &t.message, MAX_MESSAGE),
                ("script", &t.script, MAX_SCRIPT),
            ] {
                if value.trim().is_empty() {
                    out.push((field(name), "is empty".into()));
                } else if value.chars().count() > max {
                    out.push((field(name), format!("is longer than {max} characters")));
                }
            }
        }
        if catalog.case_type(&self.case_type).is_none() {
            out.push((
                "case_type".into(),
                format!("'{}' is not a case type in the catalog", self.case_type),
            ));
        }
        out
    }

    /// The text in `lang`, else the Swedish one.
    pub fn text(&self, lang: &str) -> Option<(&str, &CrisisText)> {
        self.texts
            .get_key_value(lang)
            .or_else(|| self.texts.get_key_value("sv"))
            .map(|(l, t)| (l.as_str(), t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::load(
            "stockholm.toml",
            include_str!("../../../catalog/stockholm.toml"),
        )
        .expect("catalog")
    }

    fn text(s: &str) -> CrisisText {
        CrisisText {
            title: s.into(),
            message: s.into(),
            script: s.into(),
        }
    }

    #[test]
    fn a_crisis_message_needs_swedish_and_a_known_case_type() {
        let catalog = catalog();
        let good = CrisisMessage {
            texts: BTreeMap::from([
                ("sv".into(), text("Vattenläcka")),
                ("en".into(), text("Water leak")),
            ]),
            case_type: "ALLM-KRIS".into(),
        };
        assert_eq!(good.problems(&catalog), vec![]);
        assert_eq!(good.text("ar").map(|(l, _)| l), Some("sv"));
        let bad = CrisisMessage {
            texts: BTreeMap::from([("en".into(), text(" ")), ("xx".into(), text("x"))]),
            case_type: "NOPE".into(),
        };
        let fields: Vec<String> = bad.problems(&catalog).into_iter().map(|(f, _)| f).collect();
        for f in [
            "texts.sv",
            "texts.en.title",
            "texts.en.script",
            "texts.xx",
            "case_type",
        ] {
            assert!(fields.iter().any(|x| x == f), "{f}: {fields:?}");
        }
    }
}
