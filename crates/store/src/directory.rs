//! The switchboard's directory (migration 0024): units and people as JSON
//! the directory service checked, absence notes, imports, and the history
//! of every change. Every write counts up `directory_stamp` in its
//! transaction, so a search index knows it is out of date and an import
//! applies only to the directory its preview was made from.

use chrono::{DateTime, Utc};
use kontakt_domain::audit::AuditEvent;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    /// "unit" or "person".
    pub kind: String,
    pub id: String,
    pub data: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAbsence {
    pub id: i64,
    pub kind: String,
    pub entry_id: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub data: String,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

/// How many changes the directory has seen: of its entries (imports,
/// edits) and of its absence notes, counted apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirectoryStamp {
    pub entries: i64,
    pub notes: i64,
}

/// The directory as one snapshot: the stamp, every entry, and the absence
/// notes that have not ended.
#[derive(Debug, Clone, Default)]
pub struct DirectorySnapshot {
    pub stamp: DirectoryStamp,
    pub entries: Vec<StoredEntry>,
    pub absences: Vec<StoredAbsence>,
}

/// One change to an entry: `after` `None` removes it.
#[derive(Debug, Clone)]
pub struct EntryChange {
    pub kind: String,
    pub id: String,
    /// starter, leaver, moved, changed.
    pub change: String,
    /// The fields that changed, comma-separated.
    pub fields: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone)]
pub enum DirectoryWrite {
    /// Applies changes (an import, or one edit) if the directory's entries
    /// are still at `expected_stamp` (else `StoreError::Conflict`, nothing
    /// written).
    /// With `source`, the import is recorded and its id returned.
    Apply {
        expected_stamp: i64,
        changes: Vec<EntryChange>,
        source: Option<String>,
        summary: String,
        by: String,
        at: DateTime<Utc>,
        audit: Vec<AuditEvent>,
    },
    /// Returns the note's id.
    SetAbsence {
        kind: String,
        entry_id: String,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        data: String,
        by: String,
        at: DateTime<Utc>,
        audit: Vec<AuditEvent>,
    },
    /// Returns 1, or 0 if it was removed already.
    RemoveAbsence {
        id: i64,
        by: String,
        at: DateTime<Utc>,
        audit: Vec<AuditEvent>,
    },
}

impl DirectoryWrite {
    pub fn audit(&self) -> &[AuditEvent] {
        match self {
            DirectoryWrite::Apply { audit, .. }
            | DirectoryWrite::SetAbsence { audit, .. }
            | DirectoryWrite::RemoveAbsence { audit, .. } => audit,
        }
    }
}

/// One line of an entry's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: String,
    pub entry_id: String,
    /// starter, leaver, moved, changed, absence_set, absence_removed.
    pub change: String,
    pub fields: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub import_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub source: String,
    pub summary: String,
}

pub(crate) const HISTORY_COLUMNS: &str =
    "id, at, actor, kind, entry_id, change, fields, before, after, import_id";
pub(crate) const ABSENCE_COLUMNS: &str =
    "id, kind, entry_id, starts_at, ends_at, data, set_by, set_at";
