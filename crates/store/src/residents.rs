//! What the store keeps for Mina sidor (migration 0025): one-time codes
//! (only a keyed hash of each), residents' sessions (only the SHA-256 of
//! the cookie value and of the browser), and persons' preferred language.
//! The rules (code length, lifetimes, throttling, who owns which case)
//! live in `kontakt_app::residents`.

use chrono::{DateTime, Utc};
use kontakt_domain::audit::AuditEvent;

use crate::outbox::NewOutbound;

/// A session to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResidentSession {
    pub id_hash: String,
    /// What the resident proved, in `ResidentIdentity`'s stored form.
    pub identity: String,
    pub device_hash: String,
    pub csrf_token: String,
    pub at: DateTime<Utc>,
}

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentSession {
    pub id_hash: String,
    pub identity: String,
    pub device_hash: String,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// Whose person records a resident's choice of language is written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonsOf {
    Email(String),
    Phone(String),
    Personnummer(String),
    /// The person of this case (a resident following it by its secret).
    Case(String),
}

/// What a tried code came to (`ResidentWrite::Redeem`'s answer).
pub const CODE_ACCEPTED: i64 = 1;
pub const CODE_WRONG: i64 = 0;
/// Used, expired, tried too often, or never issued.
pub const CODE_DEAD: i64 = -1;

#[derive(Debug, Clone)]
pub enum ResidentWrite {
    /// Keeps a code and queues the message that carries it, in one
    /// transaction. Returns 1.
    IssueCode {
        id: String,
        address: String,
        code_hash: String,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        /// At most this many codes to the address since `since`: counted
        /// in the write, so requests at once cannot all pass the count.
        /// Over it nothing is written and the result is 0.
        limit: u32,
        since: DateTime<Utc>,
        message: NewOutbound,
        audit: Vec<AuditEvent>,
    },
    /// Tries a code. A right code that is alive is used up and `session`
    /// started with `audit` (`CODE_ACCEPTED`); a wrong one counts a try
    /// (`CODE_WRONG`); a code used, expired or tried `max_attempts` times
    /// is `CODE_DEAD`, right or not.
    Redeem {
        id: String,
        code_hash: String,
        max_attempts: u32,
        session: NewResidentSession,
        audit: Vec<AuditEvent>,
    },
    /// Starts a session proved elsewhere (e-legitimation, a case's secret).
    /// Returns 1.
    StartSession {
        session: NewResidentSession,
        audit: Vec<AuditEvent>,
    },
    /// Notes that the session was used; 1, or 0 if it has ended.
    Touch { id_hash: String, at: DateTime<Utc> },
    /// Forgets codes that expired and sessions last used before `before`
    /// (the addresses and identities they name are personal data kept no
    /// longer than they work). Answers how many rows went.
    Purge { before: DateTime<Utc> },
    /// Ends a session; 1, or 0 if it had ended.
    End {
        id_hash: String,
        at: DateTime<Utc>,
        audit: Vec<AuditEvent>,
    },
    /// Sets the preferred language of the persons named; returns how many.
    SetLanguage {
        persons: PersonsOf,
        language: String,
        at: DateTime<Utc>,
        audit: Vec<AuditEvent>,
    },
}

impl ResidentWrite {
    /// The audit entries to write with the change (for `Redeem`, only
    /// when the code was accepted).
    pub fn audit(&self) -> &[AuditEvent] {
        match self {
            ResidentWrite::IssueCode { audit, .. }
            | ResidentWrite::Redeem { audit, .. }
            | ResidentWrite::StartSession { audit, .. }
            | ResidentWrite::End { audit, .. }
            | ResidentWrite::SetLanguage { audit, .. } => audit,
            ResidentWrite::Touch { .. } | ResidentWrite::Purge { .. } => &[],
        }
    }
}

impl PersonsOf {
    /// The condition on `persons` that picks them, with `param` for the
    /// value, and the value.
    pub(crate) fn condition(&self, param: &str) -> (String, &str) {
        match self {
            // The persons of the cases the address was given on (lower-
            // cased by the caller); a code never reaches a protected person.
            PersonsOf::Email(v) => (
                format!(
                    "id IN (SELECT person_id FROM cases WHERE given_email = {param}) \
                     AND NOT protected_identity"
                ),
                v,
            ),
            PersonsOf::Phone(v) => (
                format!(
                    "id IN (SELECT person_id FROM cases WHERE given_phone = {param}) \
                     AND NOT protected_identity"
                ),
                v,
            ),
            PersonsOf::Personnummer(v) => (format!("personnummer = {param}"), v),
            PersonsOf::Case(v) => (
                format!(
                    "id = (SELECT person_id FROM cases WHERE number = {param}) \
                     AND NOT protected_identity"
                ),
                v,
            ),
        }
    }
}

pub(crate) const SESSION_COLUMNS: &str =
    "id_hash, identity, device_hash, csrf_token, created_at, last_seen_at, ended_at";
