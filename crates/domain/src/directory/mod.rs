//! The switchboard's directory (001:664, 1478, 1542): the city's
//! organisation — boards and companies, administrations, departments,
//! units, each with the functions it performs — and its staff, with
//! absence notes (hänvisning) saying who stands in.
//!
//! Every value here is checked: a `Directory` holds only units and people
//! whose references resolve (parents, units, the catalog's boards, groups,
//! districts, service areas and case types), so search, the public
//! directory and the import's difference all read consistent data.

pub mod diff;
pub mod search;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::contact::{EmailAddress, Language, PhoneNumber};

word_enum! {
    /// Where a unit stands in the organisation.
    UnitKind {
        Board = "board",
        Company = "company",
        Administration = "administration",
        Department = "department",
        Unit = "unit",
    }
}

impl UnitKind {
    /// Also the Swedish words an HR system writes.
    pub fn parse_any(s: &str) -> Option<UnitKind> {
        let s = s.trim().to_lowercase();
        UnitKind::parse(&s).or(match s.as_str() {
            "nämnd" | "namnd" | "styrelse" => Some(UnitKind::Board),
            "bolag" => Some(UnitKind::Company),
            "förvaltning" | "forvaltning" => Some(UnitKind::Administration),
            "avdelning" => Some(UnitKind::Department),
            "enhet" | "sektion" | "grupp" => Some(UnitKind::Unit),
            _ => None,
        })
    }

    pub fn label_sv(&self) -> &'static str {
        match self {
            UnitKind::Board => "Nämnd",
            UnitKind::Company => "Bolag",
            UnitKind::Administration => "Förvaltning",
            UnitKind::Department => "Avdelning",
            UnitKind::Unit => "Enhet",
        }
    }

    pub fn label_en(&self) -> &'static str {
        match self {
            UnitKind::Board => "Board",
            UnitKind::Company => "Company",
            UnitKind::Administration => "Administration",
            UnitKind::Department => "Department",
            UnitKind::Unit => "Unit",
        }
    }
}

word_enum! {
    /// May the switchboard put a caller straight through to the person, or
    /// only to the function (the unit's number) they work in?
    Connect {
        Direct = "direct",
        ViaFunction = "via_function",
    }
}

/// Something a unit does for residents ("Bygglov", "Parkeringstillstånd"),
/// with the words callers use for it — which differ between districts, so
/// each unit carries its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_area: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub case_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub search_words: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// The HR system's code, e.g. "TK-PARK-SO".
    pub id: String,
    pub name: String,
    pub kind: UnitKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The catalog's board this unit belongs to (its data controller).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub board: Option<String>,
    /// The catalog's answer or officer group that is this unit in Kontakt:
    /// hand-overs and messages for the unit go there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The catalog's districts the unit serves (none: the whole city).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub districts: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<Function>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visiting_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_hours: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<PhoneNumber>,
    /// The unit's functional mailbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailbox: Option<EmailAddress>,
    /// Listed in the public directory (names, functions, numbers the city
    /// publishes; never staff).
    #[serde(default)]
    pub public: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The HR system's employee number.
    pub id: String,
    pub given_name: String,
    pub family_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The units the person works in; the first is the main one.
    pub units: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_phone: Option<PhoneNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<PhoneNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<EmailAddress>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<Language>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub competences: Vec<String>,
    pub connect: Connect,
    /// The person's Kontakt login, if they have one: their languages and
    /// competences are their skills in the phone queues, and messages
    /// taken for them are assigned to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

impl Person {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }

    pub fn main_unit(&self) -> &str {
        self.units.first().map(String::as_str).unwrap_or_default()
    }
}

/// Who an absence note or a stand-in is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Subject {
    Person(String),
    Unit(String),
}

impl Subject {
    pub fn id(&self) -> &str {
        match self {
            Subject::Person(id) | Subject::Unit(id) => id,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Subject::Person(_) => "person",
            Subject::Unit(_) => "unit",
        }
    }

    pub fn parse(kind: &str, id: &str) -> Option<Subject> {
        match kind {
            "person" => Some(Subject::Person(id.to_owned())),
            "unit" => Some(Subject::Unit(id.to_owned())),
            _ => None,
        }
    }
}

/// An absence note (hänvisning): away until a time, and whom to contact
/// instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Absence {
    pub subject: Subject,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// What the operator may tell the caller ("på semester", "i möte").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stand_in: Option<Subject>,
}

impl Absence {
    pub fn covers(&self, at: DateTime<Utc>) -> bool {
        self.from <= at && at < self.until
    }
}

/// One wrong field: where, which, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// "unit TK-PARK", "person 104233", or a file's "row 7".
    pub place: String,
    pub field: String,
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.place, self.field, self.reason)
    }
}

const MAX_ID: usize = 40;
const MAX_NAME: usize = 200;
const MAX_TEXT: usize = 500;
const MAX_WORDS: usize = 50;

/// An id is what HR systems use: letters, digits, '-', '_', '.'.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn text_problem(value: &str, max: usize, required: bool) -> Option<String> {
    if required && value.trim().is_empty() {
        Some("is required".into())
    } else if value.chars().count() > max {
        Some(format!("is longer than {max} characters"))
    } else if value.chars().any(char::is_control) {
        Some("contains control characters".into())
    } else {
        None
    }
}

/// The whole directory: every unit and person, references resolved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Directory {
    units: BTreeMap<String, Unit>,
    people: BTreeMap<String, Person>,
}

impl Directory {
    /// Checks everything at once; nothing is returned unless all is right.
    pub fn new(
        units: Vec<Unit>,
        people: Vec<Person>,
        catalog: &Catalog,
    ) -> Result<Directory, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut dir = Directory::default();
        for u in units {
            if dir.units.contains_key(&u.id) {
                problems.push(problem(&Subject::Unit(u.id.clone()), "id", "appears twice"));
            }
            dir.units.insert(u.id.clone(), u);
        }
        for p in people {
            if dir.people.contains_key(&p.id) {
                problems.push(problem(
                    &Subject::Person(p.id.clone()),
                    "id",
                    "appears twice",
                ));
            }
            dir.people.insert(p.id.clone(), p);
        }
        problems.extend(dir.problems(catalog));
        if problems.is_empty() {
            Ok(dir)
        } else {
            Err(problems)
        }
    }

    /// A directory as stored, without checking it against the catalog
    /// (which may have changed since it was written).
    pub fn new_unchecked(units: Vec<Unit>, people: Vec<Person>) -> Directory {
        Directory {
            units: units.into_iter().map(|u| (u.id.clone(), u)).collect(),
            people: people.into_iter().map(|p| (p.id.clone(), p)).collect(),
        }
    }

    fn problems(&self, catalog: &Catalog) -> Vec<Problem> {
        let mut out = Vec::new();
        for u in self.units.values() {
            let at = Subject::Unit(u.id.clone());
            let mut bad = |field: &str, reason: String| out.push(problem(&at, field, &reason));
            if !valid_id(&u.id) {
                bad(
                    "id",
                    "may hold only letters, digits, '-', '_' and '.' (at most 40)".into(),
                );
            }
            if let Some(r) = text_problem(&u.name, MAX_NAME, true) {
                bad("name", r);
            }
            for (field, v) in [
                ("visiting_address", &u.visiting_address),
                ("opening_hours", &u.opening_hours),
            ] {
                if let Some(r) = v.as_deref().and_then(|v| text_problem(v, MAX_TEXT, false)) {
                    bad(field, r);
                }
            }
            if let Some(p) = &u.parent {
                if !self.units.contains_key(p) {
                    bad("parent", format!("unknown unit '{p}'"));
                } else if self.ancestors(p).any(|a| a == u.id) || p == &u.id {
                    bad("parent", "makes the organisation a circle".into());
                }
            }
            if let Some(b) = &u.board {
                if catalog.board(b).is_none() {
                    bad("board", format!("unknown board '{b}'"));
                }
            }
            if let Some(g) = &u.group {
                if catalog.group(g).is_none() {
                    bad("group", format!("unknown group '{g}'"));
                }
            }
            for d in &u.districts {
                if catalog.district(d).is_none() {
                    bad("districts", format!("unknown district '{d}'"));
                }
            }
            for (i, f) in u.functions.iter().enumerate() {
                let field = format!("functions[{i}]");
                if let Some(r) = text_problem(&f.name, MAX_NAME, true) {
                    bad(&format!("{field}.name"), r);
                }
                if let Some(a) = &f.service_area {
                    if catalog.service_area(a).is_none() {
                        bad(
                            &format!("{field}.service_area"),
                            format!("unknown service area '{a}'"),
                        );
                    }
                }
                for t in &f.case_types {
                    if catalog.case_type(t).is_none() {
                        bad(
                            &format!("{field}.case_types"),
                            format!("unknown case type '{t}'"),
                        );
                    }
                }
                if f.search_words.len() > MAX_WORDS
                    || f.search_words
                        .iter()
                        .any(|w| text_problem(w, 100, true).is_some())
                {
                    bad(
                        &format!("{field}.search_words"),
                        format!("at most {MAX_WORDS} words of at most 100 characters each"),
                    );
                }
            }
        }
        let mut logins: BTreeMap<&str, &str> = BTreeMap::new();
        for p in self.people.values() {
            if let Some(a) = &p.account {
                if let Some(first) = logins.insert(a, &p.id) {
                    out.push(problem(
                        &Subject::Person(p.id.clone()),
                        "account",
                        &format!("'{a}' is also person {first}'s login"),
                    ));
                }
            }
        }
        for p in self.people.values() {
            let at = Subject::Person(p.id.clone());
            let mut bad = |field: &str, reason: String| out.push(problem(&at, field, &reason));
            if !valid_id(&p.id) {
                bad(
                    "id",
                    "may hold only letters, digits, '-', '_' and '.' (at most 40)".into(),
                );
            }
            for (field, v) in [
                ("given_name", &p.given_name),
                ("family_name", &p.family_name),
            ] {
                if let Some(r) = text_problem(v, MAX_NAME, true) {
                    bad(field, r);
                }
            }
            if let Some(r) = p
                .title
                .as_deref()
                .and_then(|t| text_problem(t, MAX_NAME, false))
            {
                bad("title", r);
            }
            if p.units.is_empty() {
                bad("units", "a person works in at least one unit".into());
            }
            for u in &p.units {
                if !self.units.contains_key(u) {
                    bad("units", format!("unknown unit '{u}'"));
                }
            }
            if p.competences.len() > MAX_WORDS
                || p.competences
                    .iter()
                    .any(|w| text_problem(w, 100, true).is_some())
            {
                bad(
                    "competences",
                    format!("at most {MAX_WORDS} of at most 100 characters each"),
                );
            }
            if let Some(a) = &p.account {
                let login = a.len() <= 100
                    && a.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
                if a.is_empty() || !login {
                    bad("account", "is not a login name".into());
                }
            }
        }
        out
    }

    /// A parent's parents, nearest first (stops at a circle).
    pub fn ancestors<'a>(&'a self, unit: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let mut seen = BTreeSet::new();
        let mut next = Some(unit);
        std::iter::from_fn(move || {
            let id = next?;
            if !seen.insert(id) {
                return None;
            }
            next = self.units.get(id).and_then(|u| u.parent.as_deref());
            Some(id)
        })
        .skip(1)
    }

    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.units.get(id)
    }

    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.get(id)
    }

    pub fn units(&self) -> impl Iterator<Item = &Unit> {
        self.units.values()
    }

    pub fn people(&self) -> impl Iterator<Item = &Person> {
        self.people.values()
    }

    pub fn exists(&self, s: &Subject) -> bool {
        match s {
            Subject::Person(id) => self.people.contains_key(id),
            Subject::Unit(id) => self.units.contains_key(id),
        }
    }

    /// The person with this Kontakt login.
    pub fn person_by_account(&self, account: &str) -> Option<&Person> {
        self.people
            .values()
            .find(|p| p.account.as_deref() == Some(account))
    }

    /// The units that are this catalog group in Kontakt.
    pub fn units_of_group<'a>(&'a self, group: &'a str) -> impl Iterator<Item = &'a Unit> + 'a {
        self.units
            .values()
            .filter(move |u| u.group.as_deref() == Some(group))
    }

    /// The people working in a unit.
    pub fn staff_of<'a>(&'a self, unit: &'a str) -> impl Iterator<Item = &'a Person> + 'a {
        self.people
            .values()
            .filter(move |p| p.units.iter().any(|u| u == unit))
    }

    /// The organisation above a unit, from the top: "Trafiknämnden ›
    /// Trafikkontoret › Parkering".
    pub fn path(&self, unit: &str) -> Vec<&Unit> {
        let mut path: Vec<&Unit> = self
            .ancestors(unit)
            .filter_map(|id| self.units.get(id))
            .collect();
        path.reverse();
        path
    }

    /// The Kontakt group messages for this unit go to: its own, else the
    /// nearest above it that has one.
    pub fn group_of_unit(&self, unit: &str) -> Option<&str> {
        std::iter::once(unit)
            .chain(self.ancestors(unit))
            .find_map(|id| self.units.get(id).and_then(|u| u.group.as_deref()))
    }

    /// The number to connect a caller to, and why that one: a person's own
    /// number only if they may be connected directly; else their unit's.
    pub fn best_number(&self, s: &Subject) -> Option<(PhoneNumber, NumberKind)> {
        match s {
            Subject::Person(id) => {
                let p = self.people.get(id)?;
                if p.connect == Connect::Direct {
                    if let Some(n) = &p.direct_phone {
                        return Some((n.clone(), NumberKind::Direct));
                    }
                    if let Some(n) = &p.mobile {
                        return Some((n.clone(), NumberKind::Mobile));
                    }
                }
                p.units
                    .iter()
                    .find_map(|u| self.unit_number(u))
                    .map(|n| (n, NumberKind::Function))
            }
            Subject::Unit(id) => self.unit_number(id).map(|n| (n, NumberKind::Function)),
        }
    }

    /// A unit's number, else the nearest above it.
    fn unit_number(&self, unit: &str) -> Option<PhoneNumber> {
        std::iter::once(unit)
            .chain(self.ancestors(unit))
            .find_map(|id| self.units.get(id).and_then(|u| u.phone.clone()))
    }

    /// Checks an absence note against the directory.
    pub fn check_absence(&self, a: &Absence) -> Vec<Problem> {
        let mut out = Vec::new();
        let at = &a.subject;
        if !self.exists(at) {
            out.push(problem(at, "subject", "is not in the directory"));
        }
        if a.until <= a.from {
            out.push(problem(at, "until", "must be after the start"));
        }
        if let Some(r) = a
            .reason
            .as_deref()
            .and_then(|r| text_problem(r, MAX_NAME, false))
        {
            out.push(problem(at, "reason", &r));
        }
        if let Some(s) = &a.stand_in {
            if s == at {
                out.push(problem(at, "stand_in", "cannot stand in for themselves"));
            } else if !self.exists(s) {
                out.push(problem(at, "stand_in", "is not in the directory"));
            }
        }
        out
    }
}

/// Which number `best_number` chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberKind {
    Direct,
    Mobile,
    /// The unit's (function's) number.
    Function,
}

fn problem(at: &Subject, field: &str, reason: &str) -> Problem {
    Problem {
        place: format!("{} {}", at.kind(), at.id()),
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

/// The stand-in to suggest for someone away: the note's own, else for a
/// person the unit they work in. Follows a stand-in who is away too, up to
/// a few steps, and never loops.
pub fn suggest_stand_in<A: std::borrow::Borrow<Absence>>(
    dir: &Directory,
    absences: &[A],
    subject: &Subject,
    at: DateTime<Utc>,
) -> Option<Subject> {
    // The newest note counts, when several cover the moment.
    let away = |s: &Subject| {
        absences
            .iter()
            .map(|a| a.borrow())
            .filter(|a| &a.subject == s && a.covers(at))
            .max_by_key(|a| a.from)
    };
    let mut seen = vec![subject.clone()];
    let mut current = subject.clone();
    for _ in 0..5 {
        let note = away(&current)?;
        // A stand-in who has left the directory is passed over.
        let next = note
            .stand_in
            .clone()
            .filter(|s| dir.exists(s))
            .or_else(|| match &current {
                Subject::Person(id) => dir
                    .person(id)
                    .map(|p| Subject::Unit(p.main_unit().to_owned())),
                Subject::Unit(_) => None,
            })?;
        if seen.contains(&next) {
            return None;
        }
        if away(&next).is_none() {
            return Some(next);
        }
        seen.push(next.clone());
        current = next;
    }
    None
}

#[cfg(test)]
mod tests;
