//! Call records (see migration 0015): written when a call reaches Kontakt,
//! closed once with its outcome. A closed record is never changed again,
//! so a duplicated or late event cannot count a call twice.

use chrono::{DateTime, Utc};
use kontakt_domain::case::CaseNumber;
use kontakt_domain::phone::CallOutcome;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRow {
    pub call_id: String,
    pub entry_number: String,
    pub menu_path: String,
    pub answer_group: Option<String>,
    pub language: String,
    pub arrived_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub queue_ms: u64,
    pub handle_ms: u64,
    /// None while the call goes on.
    pub outcome: Option<CallOutcome>,
    pub agent: Option<String>,
    pub overflowed: bool,
    pub callback_deadline: Option<DateTime<Utc>>,
    pub case_number: Option<CaseNumber>,
}

/// The counting query behind `Store::call_buckets`; `callback_kept` is the
/// one expression the backends write differently.
pub(crate) fn buckets_sql(mark: char, callback_kept: &str) -> String {
    format!(
        "SELECT answer_group, outcome, (queue_ms + 999) / 1000, overflowed, \
         CASE WHEN callback_deadline IS NULL THEN NULL ELSE {callback_kept} END, count(*), \
         CAST(sum(queue_ms) AS BIGINT) \
         FROM calls WHERE arrived_at >= {mark}1 AND arrived_at < {mark}2 \
         AND outcome IS NOT NULL AND answer_group IS NOT NULL \
         GROUP BY 1, 2, 3, 4, 5"
    )
}

/// The query behind `Store::unlinked_calls`: since, agent.
pub(crate) fn unlinked_sql(mark: char) -> String {
    format!(
        "SELECT call_id, arrived_at FROM calls WHERE arrived_at >= {mark}1 AND agent = {mark}2 \
         AND case_number IS NULL AND outcome IN ('answered', 'transferred', 'callback') \
         ORDER BY arrived_at, id"
    )
}

pub(crate) const COLUMNS: &str = "call_id, entry_number, menu_path, answer_group, language, \
    arrived_at, ended_at, queue_ms, handle_ms, outcome, agent, overflowed, callback_deadline, case_number";
