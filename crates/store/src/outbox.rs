//! The outbox: messages to residents, kept until they are sent. A message
//! is queued in the same transaction as the change that made it (the
//! acknowledgement with the new case, a reply with its timeline entry), so
//! a message the city promised cannot be lost between the commit and the
//! send. A dispatcher claims due messages with a lease and records each
//! outcome; a message whose dispatcher died is claimed again when its
//! lease runs out (at least once, never silently dropped).

use chrono::{DateTime, Utc};
use kontakt_domain::case::CaseNumber;
use kontakt_domain::message::{OutboundChannel, OutboundState};

/// A message to queue with a case change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutbound {
    pub channel: OutboundChannel,
    /// An e-mail address or an E.164 phone number.
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// Unique: the e-mail's Message-ID (without angle brackets), or the
    /// reference an SMS's delivery reports come back with.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    /// Earlier Message-IDs of the conversation, oldest first.
    pub references: Vec<String>,
}

/// A board's monthly statistics report: queued once per board and month,
/// with its outbox message in the same transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReport {
    pub board: String,
    /// The month's first day.
    pub month: chrono::NaiveDate,
    pub message: NewOutbound,
    pub at: DateTime<Utc>,
}

/// A queued or sent message as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundMessage {
    pub id: i64,
    /// None for a message about no case (a board's monthly report).
    pub case: Option<CaseNumber>,
    pub channel: OutboundChannel,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub state: OutboundState,
    /// Attempts so far, the one just claimed included.
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl OutboundMessage {
    /// What the message is about, for logs and file names: its case
    /// number, or `report` for a message about no case.
    pub fn case_label(&self) -> String {
        self.case
            .map_or_else(|| "no-case".to_owned(), |c| c.to_string())
    }
}

/// Takes up to `limit` messages due at `now`; each is leased until
/// `lease_until`, when it is due again unless an outcome was recorded.
#[derive(Debug, Clone, Copy)]
pub struct Claim {
    /// Only messages of this channel (a process sends on the channels it
    /// has a transport for).
    pub channel: OutboundChannel,
    pub now: DateTime<Utc>,
    pub lease_until: DateTime<Utc>,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Handed over; `provider_ref` is the gateway's own id, if it gave one.
    Sent { provider_ref: Option<String> },
    /// A passing failure: try again at `at`.
    Retry { at: DateTime<Utc>, error: String },
    /// A lasting failure (refused address, or attempts used up), or a
    /// report that a sent message did not arrive.
    Failed { error: String },
    /// The gateway reported delivery to the phone.
    Delivered,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundResult {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub outcome: Outcome,
}

/// Stands for the case number in a message queued with a new case, whose
/// number the store allocates only inside the transaction; the store
/// writes the number in its place.
pub const CASE_NUMBER: &str = "{case_number}";

pub(crate) fn fill_in(text: &str, number: CaseNumber) -> String {
    text.replace(CASE_NUMBER, &number.to_string())
}

pub(crate) const COLUMNS: &str = "o.id, c.number, o.channel, o.recipient, o.subject, o.body, \
     o.message_id, o.in_reply_to, o.refs, o.state, o.attempts, o.last_error, o.created_at, o.sent_at";

pub(crate) fn refs(references: &[String]) -> String {
    references.join(" ")
}

pub(crate) fn parse_refs(refs: &str) -> Vec<String> {
    refs.split_whitespace().map(str::to_owned).collect()
}
