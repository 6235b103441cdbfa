//! What the store does for the data subject's rights: retention (gallring)
//! removes closed cases whose retention period has passed, keeping only
//! anonymous counts; rectification (rättelse) changes a person's details and
//! keeps the history of the change.

use chrono::{DateTime, Utc};
use kontakt_domain::audit::AuditEvent;
use kontakt_domain::case::CaseNumber;

/// A closed case that retention may remove, with the anonymous facts its
/// count is kept under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionCandidate {
    pub number: CaseNumber,
    pub case_type: String,
    pub closed_at: DateTime<Utc>,
}

/// Removes the cases (timeline, links, attachments no other case uses, and
/// persons or organisations left without cases), adds them to the anonymous
/// counts, and writes one audit entry per removed case, in one transaction.
/// A case is removed only if it still is a closed case of `case_type`
/// closed before `closed_before` (it may have been reopened meanwhile).
/// A person with protected identity keeps a row with only the personnummer
/// and the flag, so a later contact cannot lift the protection.
#[derive(Debug, Clone)]
pub struct Removal {
    pub case_type: String,
    pub closed_before: DateTime<Utc>,
    pub numbers: Vec<CaseNumber>,
    /// The audit entry for each removal; the store fills in the case
    /// number, its board and the day it was closed.
    pub template: AuditEvent,
}

/// One line of the anonymous counts retention leaves behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedCount {
    /// Month of registration, `YYYY-MM`.
    pub month: String,
    pub case_type: String,
    pub board: String,
    pub district: String,
    pub channel: String,
    pub resolution: String,
    pub removed: u64,
}

/// Which of a person's details a rectification changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonField {
    Name,
    Phone,
    Email,
    PreferredLanguage,
}

impl PersonField {
    pub fn column(self) -> &'static str {
        match self {
            PersonField::Name => "name",
            PersonField::Phone => "phone",
            PersonField::Email => "email",
            PersonField::PreferredLanguage => "preferred_language",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "name" => PersonField::Name,
            "phone" => PersonField::Phone,
            "email" => PersonField::Email,
            "preferred_language" => PersonField::PreferredLanguage,
            _ => return None,
        })
    }
}

/// A rectification of one person's details, with its reason.
#[derive(Debug, Clone)]
pub struct Rectification {
    pub person_id: i64,
    /// (field, new value in its stored form; `None` removes the value).
    pub changes: Vec<(PersonField, Option<String>)>,
    pub reason: String,
    pub actor: String,
    pub at: DateTime<Utc>,
    pub audit: Vec<AuditEvent>,
}

/// One change in a person's rectification history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RectificationRecord {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: String,
}

/// The audit entry for one removed case, from the removal's template.
pub(crate) fn removal_event(
    r: &Removal,
    number: &CaseNumber,
    board: &str,
    closed_at: DateTime<Utc>,
) -> AuditEvent {
    let mut event = r.template.clone();
    event.object_type = "case".into();
    event.object_id = number.to_string();
    event.board = board.to_owned();
    if let serde_json::Value::Object(detail) = &mut event.detail {
        detail.insert("case_type".into(), r.case_type.clone().into());
        detail.insert(
            "closed".into(),
            kontakt_domain::calendar::stockholm_date(closed_at)
                .to_string()
                .into(),
        );
    }
    event
}
