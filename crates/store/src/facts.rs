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

/// Counts of the facts of one combination of dimensions, and of one day
/// when counted by day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FactCounts {
    pub day: Option<NaiveDate>,
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

/// Days `[from, to)`.
pub(crate) type DaySpan = (NaiveDate, NaiveDate);

/// The days `[from, to)` as the whole months within (first day of the
/// first month, first day after the last) and the days around them, so
/// a year is read from the monthly counts and a week from the daily.
pub(crate) fn spans(from: NaiveDate, to: NaiveDate) -> (Option<DaySpan>, Vec<DaySpan>) {
    use chrono::Datelike;
    let month_start = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let first_whole = if from.day() == 1 {
        from
    } else {
        month_start(from)
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(to)
    };
    let after_whole = month_start(to);
    if first_whole >= after_whole || from >= to {
        return (
            None,
            vec![(from, to)]
                .into_iter()
                .filter(|(a, b)| a < b)
                .collect(),
        );
    }
    let days = [(from, first_whole), (after_whole, to)]
        .into_iter()
        .filter(|(a, b)| a < b)
        .collect();
    (Some((first_whole, after_whole)), days)
}

/// How counted rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grouping {
    Total,
    Dimensions,
    DaysAndDimensions,
}

/// One counting query: its SQL, the days it counts, and whether it takes
/// the moment of asking (`today`, `now`) as its third and fourth
/// parameters; the four dimensions follow.
pub(crate) struct CountQuery {
    pub sql: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub pending: bool,
}

const COUNT_COLUMNS: [&str; 8] = [
    "cases",
    "first_contact",
    "handed_over",
    "closed",
    "deadline_due",
    "deadline_met",
    "response_due",
    "response_met",
];

/// The queries that count `f` (see migration 0019): the pre-counted
/// months and days, and the pending facts, whose deadlines depend on the
/// moment of asking. Each returns rows of: the day (by day), the four
/// dimensions (unless a total), then the eight counts.
pub(crate) fn count_queries(mark: char, f: &FactFilter, grouping: Grouping) -> Vec<CountQuery> {
    let (by_day, by_dimension) = match grouping {
        Grouping::Total => (false, false),
        Grouping::Dimensions => (false, true),
        Grouping::DaysAndDimensions => (true, true),
    };
    let columns = |day: &str, district: &str| -> String {
        let mut c = Vec::new();
        if by_day {
            c.push(day.to_owned());
        }
        if by_dimension {
            c.extend([
                "case_type".into(),
                "board".into(),
                district.to_owned(),
                "channel".into(),
            ]);
        }
        c.join(", ")
    };
    let select = |day: &str, district: &str| -> (String, String) {
        let c = columns(day, district);
        if c.is_empty() {
            (String::new(), String::new())
        } else {
            (format!("{c}, "), format!(" GROUP BY {c}"))
        }
    };
    let sums = COUNT_COLUMNS
        .iter()
        .map(|c| format!("CAST(coalesce(sum({c}), 0) AS BIGINT)"))
        .collect::<Vec<_>>()
        .join(", ");
    let settled = |table: &str, key: &str, from: NaiveDate, to: NaiveDate| {
        let (columns, group) = select(key, "district");
        CountQuery {
            sql: format!(
                "SELECT {columns}{sums} FROM {table} WHERE {key} >= {mark}1 AND {key} < {mark}2 AND {dims}{group}",
                dims = dimensions(mark, 3)
            ),
            from,
            to,
            pending: false,
        }
    };
    let (months, days) = if by_day {
        (None, vec![(f.from, f.to)])
    } else {
        spans(f.from, f.to)
    };
    let mut queries: Vec<CountQuery> = months
        .map(|(a, b)| settled("case_counts_month", "month", a, b))
        .into_iter()
        .chain(
            days.into_iter()
                .map(|(a, b)| settled("case_counts_day", "day", a, b)),
        )
        .collect();
    let (columns, group) = select("created_day", "coalesce(district, '')");
    queries.push(CountQuery {
        sql: format!(
            "SELECT {columns}{zero}, {zero}, {zero}, {zero}, \
             count(*) FILTER (WHERE closed_day IS NULL AND feedback_deadline < {mark}3), {zero}, \
             count(*) FILTER (WHERE first_response IS NULL AND response_due < {mark}4), {zero} \
             FROM case_facts WHERE created_day >= {mark}1 AND created_day < {mark}2 \
             AND ((closed_day IS NULL AND feedback_deadline IS NOT NULL) \
             OR (first_response IS NULL AND response_due IS NOT NULL)) AND {dims}{group}",
            dims = dimensions(mark, 5),
            zero = "CAST(0 AS BIGINT)",
        ),
        from: f.from,
        to: f.to,
        pending: true,
    });
    queries
}

/// One row of a counting query, as the backends read it.
pub(crate) struct CountRow {
    pub day: Option<NaiveDate>,
    pub case_type: String,
    pub board: String,
    pub district: String,
    pub channel: String,
    pub counts: kontakt_domain::stats::CaseCounts,
}

/// The rows of several counting queries added up by day and dimension.
pub(crate) fn merge_counts(rows: Vec<CountRow>) -> Vec<FactCounts> {
    let mut merged: std::collections::BTreeMap<_, kontakt_domain::stats::CaseCounts> =
        std::collections::BTreeMap::new();
    for r in rows {
        merged
            .entry((r.day, r.case_type, r.board, r.district, r.channel))
            .or_default()
            .add(&r.counts);
    }
    merged
        .into_iter()
        .map(
            |((day, case_type, board, district, channel), counts)| FactCounts {
                day,
                case_type,
                board,
                district: Some(district).filter(|d| !d.is_empty()),
                channel,
                counts,
            },
        )
        .collect()
}

/// The queries for the resolution days of the cases closed on days in
/// `[from, to)`: parameters from, to, then the four dimensions. Rows:
/// case type, board, days, closed cases.
pub(crate) fn resolution_queries(
    mark: char,
    f: &FactFilter,
) -> Vec<(String, NaiveDate, NaiveDate)> {
    let query = |table: &str, key: &str| {
        format!(
            "SELECT case_type, board, days, CAST(sum(closed) AS BIGINT) FROM {table} \
             WHERE {key} >= {mark}1 AND {key} < {mark}2 AND {dims} \
             GROUP BY case_type, board, days HAVING sum(closed) > 0",
            dims = dimensions(mark, 3)
        )
    };
    let (months, days) = spans(f.from, f.to);
    months
        .map(|(a, b)| (query("case_resolution_month", "month"), a, b))
        .into_iter()
        .chain(
            days.into_iter()
                .map(|(a, b)| (query("case_resolution_day", "day"), a, b)),
        )
        .collect()
}

/// Resolution buckets of several queries added up.
pub(crate) fn merge_resolution(rows: Vec<ResolutionBucket>) -> Vec<ResolutionBucket> {
    let mut merged: std::collections::BTreeMap<(String, String, i64), u64> =
        std::collections::BTreeMap::new();
    for r in rows {
        *merged.entry((r.case_type, r.board, r.days)).or_default() += r.count;
    }
    merged
        .into_iter()
        .map(|((case_type, board, days), count)| ResolutionBucket {
            case_type,
            board,
            days,
            count,
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::spans;
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn a_range_is_split_into_whole_months_and_the_days_around_them() {
        // A year: months only.
        assert_eq!(
            spans(d("2026-01-01"), d("2027-01-01")),
            (Some((d("2026-01-01"), d("2027-01-01"))), vec![])
        );
        // A week across a month's end: days only.
        assert_eq!(
            spans(d("2026-03-30"), d("2026-04-06")),
            (None, vec![(d("2026-03-30"), d("2026-04-06"))])
        );
        // Days, a whole February, days.
        assert_eq!(
            spans(d("2026-01-20"), d("2026-03-03")),
            (
                Some((d("2026-02-01"), d("2026-03-01"))),
                vec![
                    (d("2026-01-20"), d("2026-02-01")),
                    (d("2026-03-01"), d("2026-03-03"))
                ]
            )
        );
        // Nothing to count.
        assert_eq!(spans(d("2026-03-03"), d("2026-03-03")), (None, vec![]));
        assert_eq!(spans(d("2026-03-05"), d("2026-03-03")), (None, vec![]));
    }
}
