//! Mail set aside: a mail that arrived but cannot become a case by itself
//! (no catalog mailbox matches its addresses, its mailbox's case type needs
//! a district or form fields a mail cannot give, or it is not a mail at
//! all). The mail server was told it was received, so Kontakt keeps it
//! here until an agent registers it as a case or discards it; nothing
//! acknowledged is lost, and nothing is bounced back to a resident who
//! wrote to the right address.

use chrono::{DateTime, Utc};

/// A mail to set aside. `key` makes setting aside idempotent: a mail
/// delivered twice is kept once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSetAside {
    pub key: String,
    pub received_at: DateTime<Utc>,
    /// Why it could not be registered, in words for the agent.
    pub reason: String,
    /// The sender's address as written (may be empty or not an address).
    pub sender: String,
    pub subject: String,
    pub raw: Vec<u8>,
}

/// A set-aside mail as listed (without its content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAsideSummary {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    pub reason: String,
    pub sender: String,
    pub subject: String,
    pub size: u64,
}

/// A set-aside mail with the mail itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    pub summary: SetAsideSummary,
    pub raw: Vec<u8>,
}

/// Lets go of a set-aside mail (registered as a case, or discarded), with
/// the audit entries of that decision, in one transaction.
#[derive(Debug, Clone)]
pub struct Release {
    pub id: i64,
    pub audit: Vec<kontakt_domain::audit::AuditEvent>,
}
