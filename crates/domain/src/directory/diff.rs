//! The difference an HR file makes, shown before it is applied: starters,
//! leavers, moves and changed details (numbers, titles, …), for people and
//! units alike. The new directory is checked whole, so a file that would
//! leave a person in a removed unit is refused, not half-applied.

use serde::Serialize;

use super::{Directory, Person, Problem, Subject, Unit};
use crate::catalog::Catalog;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A new person or unit.
    Starter,
    /// Gone from the file: a person who left, a unit closed down.
    Leaver,
    /// A person in other units, a unit under another parent.
    Moved,
    /// Other details changed (numbers, title, name, …).
    Changed,
}

impl ChangeKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            ChangeKind::Starter => "starter",
            ChangeKind::Leaver => "leaver",
            ChangeKind::Moved => "moved",
            ChangeKind::Changed => "changed",
        }
    }
}

/// A unit or a person as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Entry {
    Unit(Unit),
    Person(Person),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub subject: Subject,
    pub kind: ChangeKind,
    /// The fields that differ (all of them for starters and leavers: none).
    pub fields: Vec<&'static str>,
    pub before: Option<Entry>,
    pub after: Option<Entry>,
}

/// What a file would change, and the directory after it.
#[derive(Debug, Clone)]
pub struct Difference {
    pub changes: Vec<Change>,
    pub after: Directory,
    pub unchanged: usize,
}

impl Difference {
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }
}

/// The difference between the directory and a file's units and/or people
/// (`None`: the file does not list them, they stay as they are).
pub fn difference(
    current: &Directory,
    units: Option<Vec<Unit>>,
    people: Option<Vec<Person>>,
    catalog: &Catalog,
) -> Result<Difference, Vec<Problem>> {
    let new_units = units.unwrap_or_else(|| current.units().cloned().collect());
    let new_people = people.unwrap_or_else(|| current.people().cloned().collect());
    let after = Directory::new(new_units, new_people, catalog)?;
    let mut changes = Vec::new();
    let mut unchanged = 0;
    for u in after.units() {
        match current.unit(&u.id) {
            None => changes.push(Change {
                subject: Subject::Unit(u.id.clone()),
                kind: ChangeKind::Starter,
                fields: Vec::new(),
                before: None,
                after: Some(Entry::Unit(u.clone())),
            }),
            Some(old) if old == u => unchanged += 1,
            Some(old) => {
                let fields = unit_fields(old, u);
                let kind = if fields.contains(&"parent") {
                    ChangeKind::Moved
                } else {
                    ChangeKind::Changed
                };
                changes.push(Change {
                    subject: Subject::Unit(u.id.clone()),
                    kind,
                    fields,
                    before: Some(Entry::Unit(old.clone())),
                    after: Some(Entry::Unit(u.clone())),
                });
            }
        }
    }
    for old in current.units().filter(|u| after.unit(&u.id).is_none()) {
        changes.push(Change {
            subject: Subject::Unit(old.id.clone()),
            kind: ChangeKind::Leaver,
            fields: Vec::new(),
            before: Some(Entry::Unit(old.clone())),
            after: None,
        });
    }
    for p in after.people() {
        match current.person(&p.id) {
            None => changes.push(Change {
                subject: Subject::Person(p.id.clone()),
                kind: ChangeKind::Starter,
                fields: Vec::new(),
                before: None,
                after: Some(Entry::Person(p.clone())),
            }),
            Some(old) if old == p => unchanged += 1,
            Some(old) => {
                let fields = person_fields(old, p);
                let kind = if fields.contains(&"units") {
                    ChangeKind::Moved
                } else {
                    ChangeKind::Changed
                };
                changes.push(Change {
                    subject: Subject::Person(p.id.clone()),
                    kind,
                    fields,
                    before: Some(Entry::Person(old.clone())),
                    after: Some(Entry::Person(p.clone())),
                });
            }
        }
    }
    for old in current.people().filter(|p| after.person(&p.id).is_none()) {
        changes.push(Change {
            subject: Subject::Person(old.id.clone()),
            kind: ChangeKind::Leaver,
            fields: Vec::new(),
            before: Some(Entry::Person(old.clone())),
            after: None,
        });
    }
    changes.sort_by(|a, b| (a.kind, &a.subject).cmp(&(b.kind, &b.subject)));
    Ok(Difference {
        changes,
        after,
        unchanged,
    })
}

/// Which fields of a unit differ.
fn unit_fields(a: &Unit, b: &Unit) -> Vec<&'static str> {
    let mut f = Vec::new();
    let mut differs = |name: &'static str, d: bool| {
        if d {
            f.push(name)
        }
    };
    differs("name", a.name != b.name);
    differs("kind", a.kind != b.kind);
    differs("parent", a.parent != b.parent);
    differs("board", a.board != b.board);
    differs("group", a.group != b.group);
    differs("districts", a.districts != b.districts);
    differs("functions", a.functions != b.functions);
    differs("visiting_address", a.visiting_address != b.visiting_address);
    differs("opening_hours", a.opening_hours != b.opening_hours);
    differs("phone", a.phone != b.phone);
    differs("mailbox", a.mailbox != b.mailbox);
    differs("public", a.public != b.public);
    f
}

/// Which fields of a person differ.
fn person_fields(a: &Person, b: &Person) -> Vec<&'static str> {
    let mut f = Vec::new();
    let mut differs = |name: &'static str, d: bool| {
        if d {
            f.push(name)
        }
    };
    differs("given_name", a.given_name != b.given_name);
    differs("family_name", a.family_name != b.family_name);
    differs("title", a.title != b.title);
    differs("units", a.units != b.units);
    differs("direct_phone", a.direct_phone != b.direct_phone);
    differs("mobile", a.mobile != b.mobile);
    differs("email", a.email != b.email);
    differs("languages", a.languages != b.languages);
    differs("competences", a.competences != b.competences);
    differs("connect", a.connect != b.connect);
    differs("account", a.account != b.account);
    f
}
