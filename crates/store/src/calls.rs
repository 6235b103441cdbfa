//! Call records (see migration 0015): written when a call reaches Kontakt,
//! closed once with its outcome. A closed record is never changed again,
//! so a duplicated or late event cannot count a call twice.

use chrono::{DateTime, NaiveDate, Utc};
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

/// Calls counted together for the statistics (migration 0019): those of
/// one Stockholm day with the same answer group, outcome, queue time in
/// whole seconds, overflow and callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallCount {
    pub day: NaiveDate,
    pub answer_group: String,
    pub outcome: CallOutcome,
    pub queue_secs: u64,
    pub overflowed: bool,
    /// For callbacks with a deadline: whether it was kept.
    pub callback_kept: Option<bool>,
    pub calls: u64,
    pub queue_ms: u64,
    pub handle_ms: u64,
}

/// Closed calls to count, each with its call id: the store marks each
/// call counted and adds only those it marked, in one transaction, so a
/// call is counted once even if two processes count at the same time.
#[derive(Debug, Clone, Default)]
pub struct CallCountsWrite {
    /// Each call's id and what it adds (None: nothing, e.g. a call that
    /// reached no answer group; it is marked counted all the same).
    pub calls: Vec<(String, Option<CallCount>)>,
}

impl CallCountsWrite {
    /// The counts of the marked calls, added up per key (day, group,
    /// outcome, queue second, overflow, callback).
    pub(crate) fn merged<'a>(counts: impl IntoIterator<Item = &'a CallCount>) -> Vec<CallCount> {
        let mut merged: std::collections::BTreeMap<_, CallCount> =
            std::collections::BTreeMap::new();
        for c in counts {
            let key = (
                c.day,
                c.answer_group.clone(),
                c.outcome.as_str(),
                c.queue_secs,
                c.overflowed,
                c.callback_kept,
            );
            match merged.get_mut(&key) {
                Some(m) => {
                    m.calls += c.calls;
                    m.queue_ms += c.queue_ms;
                    m.handle_ms += c.handle_ms;
                }
                None => {
                    merged.insert(key, c.clone());
                }
            }
        }
        merged.into_values().collect()
    }
}

/// How a callback is kept in the counts' key.
pub(crate) fn callback_key(kept: Option<bool>) -> &'static str {
    match kept {
        None => "",
        Some(true) => "kept",
        Some(false) => "missed",
    }
}

pub(crate) fn callback_of_key(key: &str) -> Option<bool> {
    match key {
        "kept" => Some(true),
        "missed" => Some(false),
        _ => None,
    }
}

/// The upsert of one count into `call_counts_day` or `call_counts_month`
/// (`key` = `day` or `month`); parameters in `CallCount` order.
pub(crate) fn count_upsert_sql(mark: char, table: &str, key: &str) -> String {
    let values: Vec<String> = (1..=9).map(|i| format!("{mark}{i}")).collect();
    format!(
        "INSERT INTO {table} ({key}, answer_group, outcome, queue_secs, overflowed, callback, calls, queue_ms, handle_ms) \
         VALUES ({}) ON CONFLICT ({key}, answer_group, outcome, queue_secs, overflowed, callback) DO UPDATE SET \
         calls = {table}.calls + excluded.calls, queue_ms = {table}.queue_ms + excluded.queue_ms, \
         handle_ms = {table}.handle_ms + excluded.handle_ms",
        values.join(", ")
    )
}

/// Closed calls not yet counted, oldest first: parameter the limit.
pub(crate) fn uncounted_sql(mark: char) -> String {
    format!(
        "SELECT {COLUMNS} FROM calls WHERE NOT counted AND outcome IS NOT NULL ORDER BY id LIMIT {mark}1"
    )
}

/// The queries that count the calls of the Stockholm days `[from, to)`:
/// the monthly counts for whole months, the daily for the days around
/// them. Parameters from, to; rows: answer group, outcome, queue seconds,
/// overflowed, callback, calls, queue ms, handle ms.
pub(crate) fn bucket_queries(
    mark: char,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(String, NaiveDate, NaiveDate)> {
    let query = |table: &str, key: &str| {
        format!(
            "SELECT answer_group, outcome, queue_secs, overflowed, callback, CAST(sum(calls) AS BIGINT), \
             CAST(sum(queue_ms) AS BIGINT), CAST(sum(handle_ms) AS BIGINT) FROM {table} \
             WHERE {key} >= {mark}1 AND {key} < {mark}2 \
             GROUP BY answer_group, outcome, queue_secs, overflowed, callback"
        )
    };
    let (months, days) = crate::facts::spans(from, to);
    months
        .map(|(a, b)| (query("call_counts_month", "month"), a, b))
        .into_iter()
        .chain(
            days.into_iter()
                .map(|(a, b)| (query("call_counts_day", "day"), a, b)),
        )
        .collect()
}

/// Buckets of several queries added up.
pub(crate) fn merge_buckets(
    buckets: Vec<kontakt_domain::stats::CallBucket>,
) -> Vec<kontakt_domain::stats::CallBucket> {
    let mut merged: std::collections::BTreeMap<_, kontakt_domain::stats::CallBucket> =
        std::collections::BTreeMap::new();
    for b in buckets {
        let key = (
            b.answer_group.clone(),
            b.outcome.as_str(),
            b.queue_ms,
            b.overflowed,
            b.callback_deadline_met,
        );
        match merged.get_mut(&key) {
            Some(m) => {
                m.count += b.count;
                m.total_queue_ms += b.total_queue_ms;
                m.total_handle_ms += b.total_handle_ms;
            }
            None => {
                merged.insert(key, b);
            }
        }
    }
    merged.into_values().collect()
}

/// The first day of `day`'s month, the key of the monthly counts.
pub(crate) fn month_of(day: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    day.with_day(1).unwrap_or(day)
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
