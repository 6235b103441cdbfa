//! Crises (migration 0022): started and ended with their audit entries in
//! one write; at most one is active (a unique index, and a check in the
//! write so a second start is a conflict, not a database error).

use chrono::{DateTime, Utc};
use kontakt_domain::audit::AuditEvent;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCrisis {
    pub id: i64,
    /// The message as JSON the crisis service wrote.
    pub message: String,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    /// The entry numbers' announcements before the crisis, as JSON.
    pub phone_before: String,
    pub ended_by: Option<String>,
    pub ended_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub enum CrisisWrite {
    /// Returns the new crisis's id; `StoreError::Conflict` if one is active.
    Start {
        message: String,
        phone_before: String,
        by: String,
        at: DateTime<Utc>,
        audit: Vec<AuditEvent>,
    },
    /// Returns 1, or 0 if the crisis had ended already.
    End {
        id: i64,
        by: String,
        at: DateTime<Utc>,
        audit: Vec<AuditEvent>,
    },
}

pub(crate) const COLUMNS: &str =
    "id, message, started_by, started_at, ended_by, ended_at, phone_before";
