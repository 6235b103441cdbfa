//! Kontakt's storage: one [`Store`] trait, implemented on embedded SQLite
//! (the default) and on PostgreSQL, chosen once from the database URL.
//!
//! The store keeps no business rules: the services decide *what* changes and
//! pass it here as a [`NewCase`] or a [`CaseUpdate`]; the store makes it
//! durable atomically. Every write goes through one writer per process that
//! commits several waiting writes in one transaction (group commit), so a
//! write is acknowledged only after its commit is on disk, while throughput
//! is not bounded by one disk flush per write. Case numbers are allocated by
//! that writer inside the transaction, which is what makes them gapless.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use kontakt_domain::audit::{AuditEvent, AuditRecord};
use kontakt_domain::case::{
    CaseNumber, Channel, ContactKind, EntryBody, FeedbackChannel, Resolution, Status,
};
use kontakt_domain::contact::{EmailAddress, Language, OrganisationNumber, PhoneNumber};
use kontakt_domain::personnummer::Personnummer;

pub mod calls;
pub mod crisis;
pub mod directory;
pub mod facts;
pub mod knowledge;
mod migrate;
pub mod outbox;
pub mod phone;
pub mod postgres;
pub mod residents;
pub mod rights;
mod rows;
pub mod set_aside;
pub mod sqlite;
pub mod staff;
mod writer;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// The case changed since it was read; the caller may read again and retry.
    #[error("the case was changed by someone else; reload it and try again")]
    Conflict,
    #[error("database URL: {0}")]
    BadUrl(String),
    #[error("database: {0}")]
    Database(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// A message with this intake key was registered before, on this case.
    #[error("already registered on case {0}")]
    AlreadyRegistered(CaseNumber),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// How to open a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Refuse a missing SQLite file: a typo in a path must not silently start
    /// an empty case register.
    MustExist,
    CreateIfMissing,
}

/// Opens the database named by `url` and runs pending migrations.
///
/// `sqlite:PATH` (also `sqlite://PATH`, `sqlite:///ABS/PATH`) or
/// `postgres://…` / `postgresql://…`. Any other scheme is an error.
pub async fn open(url: &str, mode: OpenMode) -> Result<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::PgStore::open(url).await?))
    } else if let Some(path) = url.strip_prefix("sqlite:") {
        let path = path.strip_prefix("//").unwrap_or(path);
        let path = path.split('?').next().unwrap_or(path);
        if path.is_empty() {
            return Err(StoreError::BadUrl(
                "the sqlite: URL has no file path".into(),
            ));
        }
        Ok(Arc::new(sqlite::SqliteStore::open(
            std::path::Path::new(path),
            mode,
        )?))
    } else {
        let scheme = url.split(':').next().unwrap_or("");
        Err(StoreError::BadUrl(format!(
            "unknown scheme '{scheme}:' (use sqlite:PATH or postgres://…)"
        )))
    }
}

/// Which database a store runs on, for diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[async_trait]
pub trait Store: Send + Sync {
    fn backend(&self) -> Backend;

    /// Registers a case with its first timeline entries; returns its new number.
    async fn create_case(&self, case: NewCase) -> Result<CaseNumber>;
    /// Registers many cases in one transaction (the generator's path; same
    /// rows as [`Store::create_case`]).
    async fn create_cases(&self, cases: Vec<NewCase>) -> Result<Vec<CaseNumber>>;
    /// Appends entries and applies the column changes, atomically; fails with
    /// [`StoreError::Conflict`] if `expected_version` no longer matches.
    async fn update_case(&self, number: CaseNumber, update: CaseUpdate) -> Result<Updated>;

    async fn case(&self, number: CaseNumber) -> Result<Option<CaseRecord>>;
    async fn list_cases(&self, filter: &CaseFilter) -> Result<Vec<CaseSummary>>;
    async fn count_cases(&self) -> Result<u64>;

    /// Claims due messages for sending (see `outbox`).
    async fn claim_outbound(&self, claim: outbox::Claim) -> Result<Vec<outbox::OutboundMessage>>;
    /// Records how sending a claimed message went.
    async fn record_outbound(&self, result: outbox::OutboundResult) -> Result<()>;
    /// The message Kontakt sent with this Message-ID (or SMS reference).
    async fn outbound_by_message_id(
        &self,
        message_id: &str,
    ) -> Result<Option<outbox::OutboundMessage>>;
    /// The case of the latest message sent on `channel` to `recipient`
    /// since `since` (how an SMS answer finds its case).
    async fn latest_outbound_to(
        &self,
        channel: kontakt_domain::message::OutboundChannel,
        recipient: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<CaseNumber>>;
    /// The case a message with this intake key (a mail's Message-ID) made
    /// or joined, if any.
    async fn registered_intake(&self, key: &str) -> Result<Option<CaseNumber>>;
    /// How many messages were queued on `channel` to `recipient` since
    /// `since` (the caps on acknowledgements to one address).
    async fn count_outbound_to(
        &self,
        channel: kontakt_domain::message::OutboundChannel,
        recipient: &str,
        since: DateTime<Utc>,
    ) -> Result<u64>;
    async fn blob(&self, sha256: &str) -> Result<Option<Vec<u8>>>;

    /// Writes a call record: new, or an update of one still open. Returns
    /// false (and changes nothing) if the call was already closed.
    async fn save_call(&self, call: calls::CallRow) -> Result<bool>;
    /// Closes every open call record with this outcome (start-up: the
    /// queue state of those calls died with the last process).
    async fn close_open_calls(
        &self,
        outcome: kontakt_domain::phone::CallOutcome,
        at: DateTime<Utc>,
    ) -> Result<u64>;
    /// Notes the case a call was registered as, if it has none yet.
    async fn link_call_case(&self, call_id: &str, case: CaseNumber) -> Result<bool>;
    /// Call records that arrived at or after `since`, oldest first.
    async fn calls_since(&self, since: DateTime<Utc>) -> Result<Vec<calls::CallRow>>;
    /// The counted calls that arrived on the Stockholm days `[from, to)`,
    /// by answer group, outcome, queue time (whole seconds, rounded up),
    /// overflow and callback kept: what the phone figures need, read from
    /// the daily and monthly counts rather than call by call.
    async fn call_buckets(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<kontakt_domain::stats::CallBucket>>;
    /// Up to `limit` closed calls not yet counted for the statistics, oldest first.
    async fn uncounted_calls(&self, limit: u32) -> Result<Vec<calls::CallRow>>;
    /// Starts or ends a crisis, with its audit entries.
    async fn crisis_write(&self, write: crisis::CrisisWrite) -> Result<i64>;
    /// The crisis going on, if any.
    async fn active_crisis(&self) -> Result<Option<crisis::StoredCrisis>>;
    /// The latest crises, newest first.
    async fn crises(&self, limit: u32) -> Result<Vec<crisis::StoredCrisis>>;
    /// Changes the directory (one write, one transaction, with its audit
    /// entries and history); see `directory::DirectoryWrite` for what it returns.
    async fn directory_write(&self, write: directory::DirectoryWrite) -> Result<i64>;
    /// The whole directory and the absence notes not ended at `now`, in one snapshot.
    async fn directory(&self, now: DateTime<Utc>) -> Result<directory::DirectorySnapshot>;
    /// The directory's change counters.
    async fn directory_stamp(&self) -> Result<directory::DirectoryStamp>;
    /// The absence notes not ended at `now`, with the counters, in one snapshot.
    async fn directory_notes(
        &self,
        now: DateTime<Utc>,
    ) -> Result<(directory::DirectoryStamp, Vec<directory::StoredAbsence>)>;
    /// An entry's history, newest first.
    async fn directory_history(
        &self,
        kind: &str,
        id: &str,
        limit: u32,
    ) -> Result<Vec<directory::HistoryRow>>;
    /// The latest imports, newest first.
    async fn directory_imports(&self, limit: u32) -> Result<Vec<directory::ImportRow>>;

    /// Mina sidor: a one-time code, a session, a preferred language, each
    /// one write with its audit entries; see `residents::ResidentWrite`
    /// for what it returns.
    async fn resident_write(&self, write: residents::ResidentWrite) -> Result<i64>;
    async fn resident_session(&self, id_hash: &str) -> Result<Option<residents::ResidentSession>>;
    /// The address a code was sent to, and how often it was tried.
    async fn resident_code(&self, id: &str) -> Result<Option<(String, u32)>>;
    /// How many codes were sent to `address` since then (for throttling).
    async fn resident_codes_since(&self, address: &str, since: DateTime<Utc>) -> Result<u64>;
    /// The SHA-256 of the secret a resident follows the case with.
    async fn follow_token_hash(&self, number: CaseNumber) -> Result<Option<String>>;
    /// Changes the knowledge base (one write, one transaction); returns
    /// the new article's id, the new version's number, the flag's id, or
    /// how many rows changed.
    async fn knowledge(&self, write: knowledge::KnowledgeWrite) -> Result<i64>;
    /// An article with every version.
    async fn article(&self, id: i64) -> Result<Option<knowledge::StoredArticle>>;
    /// Every article's published version (what agents and residents read).
    async fn published_articles(&self) -> Result<Vec<knowledge::StoredArticle>>;
    /// The files attached to an article, oldest first.
    async fn article_attachments(&self, article: i64) -> Result<Vec<knowledge::ArticleAttachment>>;
    /// Every article's newest version and its published one.
    async fn article_list(&self) -> Result<Vec<knowledge::StoredArticle>>;
    /// The knowledge base's change count (0: nothing was ever written): a
    /// search index built at another count is out of date.
    async fn knowledge_stamp(&self) -> Result<i64>;
    async fn open_article_flags(&self) -> Result<Vec<knowledge::ArticleFlag>>;
    async fn article_uses(&self) -> Result<Vec<knowledge::ArticleUse>>;
    /// Questions without an answer since `since`, most asked first.
    async fn knowledge_gaps(&self, since: NaiveDate) -> Result<Vec<knowledge::Gap>>;
    /// Queues a board's monthly report unless that board's report for
    /// that month is queued already; returns whether it was queued now.
    async fn queue_report(&self, report: outbox::NewReport) -> Result<bool>;
    /// Adds counts and marks their calls counted, in one transaction;
    /// returns how many calls were marked.
    async fn count_calls(&self, write: calls::CallCountsWrite) -> Result<u64>;
    /// Calls `agent` answered since `since` that are no case and linked
    /// to none: call id and arrival, oldest first.
    async fn unlinked_calls(
        &self,
        agent: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<(String, DateTime<Utc>)>>;

    /// Up to `limit` cases waiting in the facts queue, with what their
    /// facts are made from.
    async fn queued_for_facts(&self, limit: u32) -> Result<Vec<facts::QueuedCase>>;
    /// Stores facts and takes their cases off the queue (unless changed
    /// again), in one transaction; returns how many left the queue.
    async fn save_facts(&self, write: facts::FactsWrite) -> Result<u64>;
    /// Freezes a baseline with its audit entry; returns its id.
    async fn freeze_baseline(&self, baseline: facts::NewBaseline) -> Result<i64>;
    /// Every baseline, newest first.
    async fn baselines(&self) -> Result<Vec<facts::Baseline>>;
    /// The facts counted together (a period's totals).
    async fn fact_totals(
        &self,
        filter: facts::FactFilter,
    ) -> Result<kontakt_domain::stats::CaseCounts>;
    /// The facts counted by dimension over the filter's days, or by day
    /// and dimension.
    async fn fact_counts(
        &self,
        filter: facts::FactFilter,
        by_day: bool,
    ) -> Result<Vec<facts::FactCounts>>;
    /// How many days the cases closed in the period took, per type and board.
    async fn resolution_buckets(
        &self,
        filter: facts::FactFilter,
    ) -> Result<Vec<facts::ResolutionBucket>>;
    async fn call(&self, call_id: &str) -> Result<Option<calls::CallRow>>;

    /// Every answer group's own phone settings that were ever changed.
    async fn phone_settings(&self) -> Result<Vec<phone::StoredPhoneSettings>>;
    /// Replaces one group's phone settings, with the audit entry.
    async fn save_phone_settings(&self, write: phone::PhoneSettingsWrite) -> Result<()>;
    /// Every entry number's announcement that was ever set or removed.
    async fn phone_announcements(&self) -> Result<Vec<phone::StoredAnnouncement>>;
    /// Sets or removes one number's announcement, with the audit entry.
    async fn save_phone_announcement(&self, write: phone::AnnouncementWrite) -> Result<()>;

    /// Keeps a mail that could not be registered (see `set_aside`); returns
    /// its id, the earlier one if the same mail was set aside before.
    async fn set_aside(&self, mail: set_aside::NewSetAside) -> Result<i64>;
    /// Set-aside mail, oldest first.
    async fn set_aside_list(&self, limit: u32) -> Result<Vec<set_aside::SetAsideSummary>>;
    async fn set_aside_mail(&self, id: i64) -> Result<Option<set_aside::SetAside>>;
    /// Lets go of a set-aside mail with its audit entries; false if it was
    /// already gone (someone else decided first).
    async fn release_set_aside(&self, release: set_aside::Release) -> Result<bool>;

    async fn create_token(&self, token: NewToken) -> Result<()>;
    /// Revokes every live token named `name`; returns how many.
    async fn revoke_tokens(&self, name: &str) -> Result<u64>;
    async fn token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>>;

    /// Writes an account or session change with its audit entries, atomically.
    async fn staff_write(&self, write: staff::StaffWrite) -> Result<()>;
    async fn account(&self, username: &str) -> Result<Option<staff::Account>>;
    /// The account bound to an OpenID provider's subject.
    async fn account_by_subject(&self, subject: &str) -> Result<Option<staff::Account>>;
    /// Every account, by username.
    async fn accounts(&self) -> Result<Vec<staff::Account>>;
    async fn session(&self, id_hash: &str) -> Result<Option<staff::Session>>;

    /// Closed cases of a type closed before `closed_before`, oldest first.
    async fn retention_candidates(
        &self,
        case_type: &str,
        closed_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<rights::RetentionCandidate>>;
    /// Removes cases for retention; returns how many were removed.
    async fn remove_cases(&self, removal: rights::Removal) -> Result<u64>;
    /// The anonymous counts of removed cases.
    async fn removed_counts(&self) -> Result<Vec<rights::RemovedCount>>;
    /// Changes a person's details and records the history, with audit entries.
    async fn rectify(&self, rectification: rights::Rectification) -> Result<()>;
    async fn rectifications(&self, person_id: i64) -> Result<Vec<rights::RectificationRecord>>;

    /// Moves up to `limit` bulk-loaded cases' search terms into the
    /// full-text index (one transaction); returns how many were moved.
    async fn index_queued(&self, limit: u32) -> Result<u64>;

    async fn meta(&self, key: &str) -> Result<Option<String>>;
    async fn set_meta(&self, key: &str, value: &str) -> Result<()>;

    /// Round trip through the writer: fails when writes would fail.
    async fn ping(&self) -> Result<()>;

    /// Appends to the audit log; returns once the entries are durable, so a
    /// read can be logged before its data is handed out.
    async fn audit(&self, events: Vec<AuditEvent>) -> Result<()>;
    /// Audit entries in id order, filtered (for verification and log review).
    async fn audit_page(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>>;
}

/// A person as given at a contact. With a personnummer the person is found
/// or created by it; without one a new person record is made.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonData {
    pub personnummer: Option<Personnummer>,
    pub name: Option<String>,
    pub phone: Option<PhoneNumber>,
    pub email: Option<EmailAddress>,
    pub preferred_language: Option<Language>,
    pub protected_identity: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrganisationData {
    pub org_number: OrganisationNumber,
    pub name: Option<String>,
    pub phone: Option<PhoneNumber>,
    pub email: Option<EmailAddress>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NewContact {
    Anonymous,
    Person(PersonData),
    Organisation(OrganisationData),
}

impl NewContact {
    pub fn kind(&self) -> ContactKind {
        match self {
            NewContact::Anonymous => ContactKind::Anonymous,
            NewContact::Person(_) => ContactKind::Person,
            NewContact::Organisation(_) => ContactKind::Organisation,
        }
    }
}

/// A file to keep, addressed by the SHA-256 of its content.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBlob {
    pub sha256: String,
    pub content: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct NewCase {
    pub case_type: String,
    pub board: String,
    pub service_area: String,
    pub district: Option<String>,
    pub channel: Channel,
    pub status: Status,
    pub resolution: Option<Resolution>,
    pub assignee_group: Option<String>,
    pub assignee_person: Option<String>,
    pub contact: NewContact,
    pub feedback_channel: Option<FeedbackChannel>,
    pub feedback_deadline: Option<NaiveDate>,
    pub description: String,
    pub form: serde_json::Map<String, serde_json::Value>,
    pub confidential: bool,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Set when the case has been handed over at some point.
    pub handed_over: bool,
    /// The timeline so far; the first entry is the registration.
    pub entries: Vec<NewEntry>,
    /// Recorded in the same transaction; the store fills in the case number.
    pub audit: Option<AuditEvent>,
    /// Messages to send (the acknowledgement), queued in the same transaction.
    pub outbox: Vec<outbox::NewOutbound>,
    /// Files the timeline's attachment entries refer to.
    pub blobs: Vec<NewBlob>,
    /// The id of the message that made the case (e.g. a mail's
    /// Message-ID): a second case from it is refused (`AlreadyRegistered`).
    pub intake_key: Option<String>,
    /// The SHA-256 of the secret in the acknowledgement, with which the
    /// resident follows the case on Mina sidor without logging in.
    pub follow_token_hash: Option<String>,
}

impl NewCase {
    /// The e-mail address (lower-cased) and phone number given on this
    /// case at registration: what a resident who logs in with a code must
    /// have given to see it (the person record gathers every contact's).
    pub fn given_addresses(&self) -> (Option<String>, Option<String>) {
        self.entries
            .iter()
            .find_map(|e| match &e.body {
                EntryBody::Registered { contact_given, .. } => Some((
                    contact_given.email.as_ref().map(|m| m.to_ascii_lowercase()),
                    contact_given.phone.clone(),
                )),
                _ => None,
            })
            .unwrap_or((None, None))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewEntry {
    pub at: DateTime<Utc>,
    pub author: String,
    pub body: EntryBody,
}

/// A change to an existing case. `None` fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct CaseUpdate {
    /// Optimistic concurrency: `Some(v)` fails unless the case is at version v.
    /// Appending information needs no check and passes `None`.
    pub expected_version: Option<i64>,
    pub at: DateTime<Utc>,
    pub author: String,
    pub entries: Vec<EntryBody>,
    pub status: Option<Status>,
    pub resolution: Option<Option<Resolution>>,
    pub closed_at: Option<Option<DateTime<Utc>>>,
    pub assignee_group: Option<Option<String>>,
    pub assignee_person: Option<Option<String>>,
    pub handed_over: bool,
    pub feedback_deadline: Option<NaiveDate>,
    pub feedback_channel: Option<FeedbackChannel>,
    /// Relate this case to another; the other case gets a `linked` entry too.
    pub link: Option<CaseNumber>,
    pub blob: Option<NewBlob>,
    /// Recorded in the same transaction as the change.
    pub audit: Vec<AuditEvent>,
    /// Messages to send, queued in the same transaction as the change.
    pub outbox: Vec<outbox::NewOutbound>,
    /// More files (besides `blob`) the new entries refer to.
    pub blobs: Vec<NewBlob>,
    /// The id of the message that brought this change, as for `NewCase`.
    pub intake_key: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Updated {
    pub version: i64,
    /// Sequence number of the last entry written.
    pub last_seq: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PersonRecord {
    pub id: i64,
    pub personnummer: Option<Personnummer>,
    pub name: Option<String>,
    pub phone: Option<PhoneNumber>,
    pub email: Option<EmailAddress>,
    pub preferred_language: Option<Language>,
    pub protected_identity: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrganisationRecord {
    pub id: i64,
    pub org_number: OrganisationNumber,
    pub name: Option<String>,
    pub phone: Option<PhoneNumber>,
    pub email: Option<EmailAddress>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ContactRecord {
    Anonymous,
    Person(PersonRecord),
    Organisation(OrganisationRecord),
}

impl ContactRecord {
    pub fn kind(&self) -> ContactKind {
        match self {
            ContactRecord::Anonymous => ContactKind::Anonymous,
            ContactRecord::Person(_) => ContactKind::Person,
            ContactRecord::Organisation(_) => ContactKind::Organisation,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EntryRecord {
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub author: String,
    pub body: EntryBody,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaseRecord {
    pub number: CaseNumber,
    pub version: i64,
    pub case_type: String,
    pub board: String,
    pub service_area: String,
    pub district: Option<String>,
    pub channel: Channel,
    pub status: Status,
    pub resolution: Option<Resolution>,
    pub assignee_group: Option<String>,
    pub assignee_person: Option<String>,
    pub contact: ContactRecord,
    pub feedback_channel: Option<FeedbackChannel>,
    pub feedback_deadline: Option<NaiveDate>,
    pub description: String,
    pub form: serde_json::Map<String, serde_json::Value>,
    pub confidential: bool,
    pub handed_over: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub related: Vec<CaseNumber>,
    pub entries: Vec<EntryRecord>,
    /// The messages to the resident and where each stands, oldest first.
    pub outbox: Vec<outbox::OutboundMessage>,
}

/// A case in a list: no personal data, no free text.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseSummary {
    pub number: CaseNumber,
    pub case_type: String,
    pub board: String,
    pub district: Option<String>,
    pub channel: Channel,
    pub status: Status,
    pub resolution: Option<Resolution>,
    pub assignee_group: Option<String>,
    pub contact_kind: ContactKind,
    pub feedback_deadline: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters for listing cases; newest first, paged by `before` (a cursor: the
/// internal position of the last case of the previous page).
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub status: Option<Status>,
    pub case_type: Option<String>,
    pub board: Option<String>,
    pub district: Option<String>,
    pub channel: Option<Channel>,
    pub assignee_group: Option<String>,
    /// Cases assigned to this person (a staff actor id).
    pub assignee_person: Option<String>,
    pub personnummer: Option<Personnummer>,
    /// Cases of persons with this phone number.
    pub phone: Option<kontakt_domain::contact::PhoneNumber>,
    /// Cases on which this e-mail address was given at registration (a
    /// resident's own, on Mina sidor; compared in ASCII lower case).
    pub given_email: Option<kontakt_domain::contact::EmailAddress>,
    /// Cases on which this phone number was given at registration.
    pub given_phone: Option<kontakt_domain::contact::PhoneNumber>,
    /// Cases of persons whose name starts with this (as stored: see
    /// `kontakt_domain::contact::name_search_prefix`).
    pub name_prefix: Option<String>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    /// Cases with a message to the resident that failed since then (the
    /// agents' queue of messages that did not arrive).
    pub message_failed_since: Option<DateTime<Utc>>,
    pub before: Option<CaseNumber>,
    pub limit: u32,
    /// Only the cases a principal may see (see `kontakt_domain::access`);
    /// `None` for the system's own use (generator, tests of the store).
    pub visibility: Option<kontakt_domain::access::Visibility>,
    /// Full-text search: every one of these stems (from
    /// `kontakt_domain::text::search_terms`) must occur in the case's
    /// description or timeline.
    pub terms: Vec<String>,
}

/// Which audit entries to read.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only entries with a greater id.
    pub after: i64,
    /// Only entries about this board's data.
    pub board: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    pub name: String,
    /// SHA-256 of the secret, hex; the secret itself is never stored.
    pub hash: String,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub name: String,
    pub scopes: Vec<String>,
    pub revoked: bool,
}

/// Parses a value the store wrote itself; a failure means the row was
/// changed behind the program's back.
pub(crate) fn stored<T>(
    what: &str,
    value: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T> {
    // The value itself stays out of the message: it may be personal data,
    // and this message ends up in the server log.
    parse(value).ok_or_else(|| StoreError::Corrupt(format!("{what}: unreadable stored value")))
}

/// Per-year case serials must fit the number format; the year comes from
/// the Stockholm date of registration.
pub(crate) fn case_year(at: DateTime<Utc>) -> i32 {
    use chrono::Datelike;
    kontakt_domain::calendar::stockholm_date(at).year()
}

/// The searchable text of a new case: its description and its entries'.
pub(crate) fn case_search_text(c: &NewCase) -> String {
    let mut text = c.description.clone();
    for t in c.entries.iter().filter_map(|e| e.body.text()) {
        text.push(' ');
        text.push_str(t);
    }
    search_terms_text(&text)
}

/// The stems of `text`, space-separated, as the search index stores them.
pub(crate) fn search_terms_text(text: &str) -> String {
    kontakt_domain::text::search_terms(text).join(" ")
}

/// A new case was last changed by its latest entry.
pub(crate) fn updated_at(c: &NewCase) -> DateTime<Utc> {
    c.entries
        .iter()
        .map(|e| e.at)
        .max()
        .unwrap_or(c.created_at)
        .max(c.created_at)
}
