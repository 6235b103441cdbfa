//! Anonymous facts about cases, for statistics (migration 0017): every
//! change of a case queues it (database triggers), the statistics service
//! makes the facts of the queued cases, and they are counted here by day
//! and dimension. No fact holds a number, a person, a
//! contact or a text, and retention leaves them, so statistics survive
//! the cases they came from.

use chrono::{DateTime, NaiveDate, Utc};

/// What a case's fact is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFactSource {
    pub case_id: i64,
    pub case_type: String,
    pub board: String,
    pub district: Option<String>,
    pub channel: String,
    pub resolution: Option<String>,
    pub handed_over: bool,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub feedback_deadline: Option<NaiveDate>,
    /// The first message the city sent the resident on the case.
    pub first_message_out: Option<DateTime<Utc>>,
}

/// A case waiting in the facts queue: how many changes it had when read,
/// and what it is now (None if it was removed meanwhile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedCase {
    pub case_id: i64,
    pub changes: i64,
    pub source: Option<CaseFactSource>,
}

/// One case's anonymous fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFact {
    pub case_id: i64,
    /// Stockholm date of the contact.
    pub created_day: NaiveDate,
    pub case_type: String,
    pub board: String,
    pub district: Option<String>,
    pub channel: String,
    pub first_contact: bool,
    pub handed_over: bool,
    pub closed_day: Option<NaiveDate>,
    /// Whole days from the contact to the closure.
    pub resolution_days: Option<i64>,
    pub feedback_deadline: Option<NaiveDate>,
    /// On written channels: when the resident is owed an answer.
    pub response_due: Option<DateTime<Utc>>,
    pub first_response: Option<DateTime<Utc>>,
}

/// Facts to store, and the queued cases they were made from (case id,
/// changes when read), in one transaction: a case changed again since it
/// was read stays queued.
#[derive(Debug, Clone)]
pub struct FactsWrite {
    pub facts: Vec<CaseFact>,
    pub done: Vec<(i64, i64)>,
}

/// Which facts to count: contacts on days in `[from, to)`, optionally of
/// one case type, board, district or channel. `today` and `now` decide
/// which deadlines have passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactFilter {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub case_type: Option<String>,
    pub board: Option<String>,
    pub district: Option<String>,
    pub channel: Option<String>,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
}

/// Counts of the facts of one day and one combination of dimensions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FactCounts {
    pub day: NaiveDate,
    pub case_type: String,
    pub board: String,
    pub district: Option<String>,
    pub channel: String,
    pub counts: kontakt_domain::stats::CaseCounts,
}

/// Closed cases of a type and board that took this many whole days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolutionBucket {
    pub case_type: String,
    pub board: String,
    pub days: i64,
    pub count: u64,
}

/// A baseline (nollmätning): figures frozen for a selection and period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    pub id: i64,
    pub name: String,
    /// The selection, as JSON the statistics service wrote.
    pub scope: String,
    /// The period's label, e.g. 2026-W49.
    pub period: String,
    /// The figures, as JSON the statistics service wrote.
    pub figures: String,
    pub frozen_by: String,
    pub frozen_at: DateTime<Utc>,
}

/// A baseline to freeze (its id is the store's), with its audit entry.
#[derive(Debug, Clone)]
pub struct NewBaseline {
    pub baseline: Baseline,
    pub audit: Vec<kontakt_domain::audit::AuditEvent>,
}

pub(crate) const BASELINE_COLUMNS: &str = "id, name, scope, period, figures, frozen_by, frozen_at";

/// The dimension filters (case type, board, district, channel), bound as
/// four parameters from `first` on; a NULL parameter does not filter.
fn dimensions(mark: char, first: u8) -> String {
    ["case_type", "board", "district", "channel"]
        .iter()
        .zip(first..)
        .map(|(column, i)| format!("(CAST({mark}{i} AS TEXT) IS NULL OR {column} = {mark}{i})"))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The counting query, with `?N` (SQLite) or `$N` (PostgreSQL) parameters:
/// from, to, today, now, then the four dimensions.
pub(crate) fn counts_sql(mark: char, by_day_and_dimension: bool) -> String {
    let (columns, group) = if by_day_and_dimension {
        (
            "created_day, case_type, board, district, channel, ",
            " GROUP BY created_day, case_type, board, district, channel",
        )
    } else {
        ("", "")
    };
    format!(
        "SELECT {columns}count(*), \
         count(*) FILTER (WHERE first_contact), \
         count(*) FILTER (WHERE handed_over), \
         count(*) FILTER (WHERE closed_day IS NOT NULL), \
         count(*) FILTER (WHERE feedback_deadline IS NOT NULL AND (closed_day IS NOT NULL OR feedback_deadline < {m}3)), \
         count(*) FILTER (WHERE closed_day IS NOT NULL AND closed_day <= feedback_deadline), \
         count(*) FILTER (WHERE response_due IS NOT NULL AND (first_response IS NOT NULL OR response_due < {m}4)), \
         count(*) FILTER (WHERE first_response IS NOT NULL AND first_response <= response_due) \
         FROM case_facts WHERE created_day >= {m}1 AND created_day < {m}2 AND {dims}{group}",
        m = mark,
        dims = dimensions(mark, 5),
    )
}

/// Resolution days of the cases closed on days in `[from, to)`:
/// parameters from, to, then the four dimensions.
pub(crate) fn resolution_sql(mark: char) -> String {
    format!(
        "SELECT case_type, board, resolution_days, count(*) FROM case_facts \
         WHERE closed_day >= {m}1 AND closed_day < {m}2 AND resolution_days IS NOT NULL AND {dims} \
         GROUP BY case_type, board, resolution_days",
        m = mark,
        dims = dimensions(mark, 3),
    )
}

pub(crate) const UPSERT_COLUMNS: &str = "case_id, created_day, case_type, board, district, channel, \
    first_contact, handed_over, closed_day, resolution_days, feedback_deadline, response_due, first_response";

/// The upsert of one fact, with `?N` or `$N` parameters in `UPSERT_COLUMNS` order.
pub(crate) fn upsert_sql(mark: char) -> String {
    let values: Vec<String> = (1..=13).map(|i| format!("{mark}{i}")).collect();
    let updates: Vec<String> = UPSERT_COLUMNS
        .split(", ")
        .skip(1)
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO case_facts ({UPSERT_COLUMNS}) VALUES ({}) ON CONFLICT (case_id) DO UPDATE SET {}",
        values.join(", "),
        updates.join(", ")
    )
}

/// The queued cases, by id, with what their facts are made from.
pub(crate) fn queued_sql(mark: char) -> String {
    format!(
        "SELECT q.case_id, q.changes, c.id, c.case_type, c.board, c.district, c.channel, c.resolution, \
         c.handed_over, c.created_at, c.closed_at, c.feedback_deadline, \
         (SELECT min(e.at) FROM case_entries e WHERE e.case_id = q.case_id AND e.kind = 'message_out') \
         FROM case_facts_queue q LEFT JOIN cases c ON c.id = q.case_id ORDER BY q.case_id LIMIT {mark}1"
    )
}

/// Takes a case off the queue unless it changed again since it was read.
pub(crate) fn dequeue_sql(mark: char) -> String {
    format!("DELETE FROM case_facts_queue WHERE case_id = {mark}1 AND changes = {mark}2")
}
