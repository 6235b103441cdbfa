//! Call records on PostgreSQL.

use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::GenericClient;
use deadpool_postgres::Transaction;
use tokio_postgres::Row;

use super::db;
use crate::calls::{CallRow, COLUMNS};
use crate::{stored, Result};
use kontakt_domain::case::CaseNumber;
use kontakt_domain::phone::CallOutcome;

fn typed(r: &Row) -> Result<CallRow> {
    let outcome: Option<String> = r.get(9);
    let case: Option<String> = r.get(13);
    Ok(CallRow {
        call_id: r.get(0),
        entry_number: r.get(1),
        menu_path: r.get(2),
        answer_group: r.get(3),
        language: r.get(4),
        arrived_at: r.get(5),
        ended_at: r.get(6),
        queue_ms: r.get::<_, i64>(7).max(0) as u64,
        handle_ms: r.get::<_, i64>(8).max(0) as u64,
        outcome: outcome
            .map(|o| stored("call outcome", &o, CallOutcome::parse))
            .transpose()?,
        agent: r.get(10),
        overflowed: r.get(11),
        callback_deadline: r.get(12),
        case_number: case
            .map(|n| stored::<CaseNumber>("case number", &n, |s| s.parse().ok()))
            .transpose()?,
    })
}

pub(super) async fn save(tx: &Transaction<'_>, c: &CallRow) -> Result<u64> {
    tx.execute(
        &format!(
            "INSERT INTO calls ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (call_id) DO UPDATE SET menu_path = excluded.menu_path, answer_group = excluded.answer_group, \
             language = excluded.language, ended_at = excluded.ended_at, queue_ms = excluded.queue_ms, \
             handle_ms = excluded.handle_ms, outcome = excluded.outcome, agent = excluded.agent, \
             overflowed = excluded.overflowed, callback_deadline = excluded.callback_deadline, \
             case_number = COALESCE(calls.case_number, excluded.case_number) \
             WHERE calls.outcome IS NULL"
        ),
        &[
            &c.call_id,
            &c.entry_number,
            &c.menu_path,
            &c.answer_group,
            &c.language,
            &c.arrived_at,
            &c.ended_at,
            &i64::try_from(c.queue_ms).unwrap_or(i64::MAX),
            &i64::try_from(c.handle_ms).unwrap_or(i64::MAX),
            &c.outcome.map(|o| o.as_str()),
            &c.agent,
            &c.overflowed,
            &c.callback_deadline,
            &c.case_number.map(|n| n.to_string()),
        ],
    )
    .await
    .map_err(db)
}

pub(super) async fn close_open(
    tx: &Transaction<'_>,
    outcome: CallOutcome,
    at: DateTime<Utc>,
) -> Result<u64> {
    tx.execute(
        "UPDATE calls SET outcome = $1, ended_at = $2 WHERE outcome IS NULL",
        &[&outcome.as_str(), &at],
    )
    .await
    .map_err(db)
}

pub(super) async fn link_case(
    tx: &Transaction<'_>,
    call_id: &str,
    case: CaseNumber,
) -> Result<u64> {
    tx.execute(
        "UPDATE calls SET case_number = $1 WHERE call_id = $2 AND case_number IS NULL",
        &[&case.to_string(), &call_id],
    )
    .await
    .map_err(db)
}

pub(super) async fn since(
    client: &impl GenericClient,
    since: DateTime<Utc>,
) -> Result<Vec<CallRow>> {
    let rows = client
        .query(
            &format!("SELECT {COLUMNS} FROM calls WHERE arrived_at >= $1 ORDER BY arrived_at, id"),
            &[&since],
        )
        .await
        .map_err(db)?;
    rows.iter().map(typed).collect()
}

pub(super) async fn buckets(
    client: &impl GenericClient,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<kontakt_domain::stats::CallBucket>> {
    let mut buckets = Vec::new();
    for (sql, from, to) in crate::calls::bucket_queries('$', from, to) {
        let rows = client.query(&sql, &[&from, &to]).await.map_err(db)?;
        for r in &rows {
            let outcome: String = r.get(1);
            let callback: String = r.get(4);
            buckets.push(kontakt_domain::stats::CallBucket {
                answer_group: r.get(0),
                outcome: stored("call outcome", &outcome, CallOutcome::parse)?,
                queue_ms: r.get::<_, i64>(2).max(0) as u64 * 1000,
                total_queue_ms: r.get::<_, i64>(6).max(0) as u64,
                total_handle_ms: r.get::<_, i64>(7).max(0) as u64,
                overflowed: r.get(3),
                callback_deadline_met: crate::calls::callback_of_key(&callback),
                count: r.get::<_, i64>(5).max(0) as u64,
            });
        }
    }
    Ok(crate::calls::merge_buckets(buckets))
}

pub(super) async fn uncounted(client: &impl GenericClient, limit: u32) -> Result<Vec<CallRow>> {
    let rows = client
        .query(&crate::calls::uncounted_sql('$'), &[&i64::from(limit)])
        .await
        .map_err(db)?;
    rows.iter().map(typed).collect()
}

pub(super) async fn count(
    tx: &Transaction<'_>,
    write: &crate::calls::CallCountsWrite,
) -> Result<u64> {
    let big = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let mark = tx
        .prepare_cached(
            "UPDATE calls SET counted = true WHERE call_id = $1 AND NOT counted AND outcome IS NOT NULL",
        )
        .await
        .map_err(db)?;
    let (mut marked, mut marked_calls) = (Vec::new(), 0u64);
    for (call_id, count) in &write.calls {
        if tx.execute(&mark, &[call_id]).await.map_err(db)? > 0 {
            marked.extend(count);
            marked_calls += 1;
        }
    }
    let counts = crate::calls::CallCountsWrite::merged(marked.iter().copied());
    for (table, key) in [("call_counts_day", "day"), ("call_counts_month", "month")] {
        let upsert = tx
            .prepare_cached(&crate::calls::count_upsert_sql('$', table, key))
            .await
            .map_err(db)?;
        for c in &counts {
            let at = if key == "day" {
                c.day
            } else {
                crate::calls::month_of(c.day)
            };
            tx.execute(
                &upsert,
                &[
                    &at,
                    &c.answer_group,
                    &c.outcome.as_str(),
                    &big(c.queue_secs),
                    &c.overflowed,
                    &crate::calls::callback_key(c.callback_kept),
                    &big(c.calls),
                    &big(c.queue_ms),
                    &big(c.handle_ms),
                ],
            )
            .await
            .map_err(db)?;
        }
    }
    Ok(marked_calls)
}

pub(super) async fn unlinked(
    client: &impl GenericClient,
    agent: &str,
    since: DateTime<Utc>,
) -> Result<Vec<(String, DateTime<Utc>)>> {
    let rows = client
        .query(&crate::calls::unlinked_sql('$'), &[&since, &agent])
        .await
        .map_err(db)?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

pub(super) async fn one(client: &impl GenericClient, call_id: &str) -> Result<Option<CallRow>> {
    let row = client
        .query_opt(
            &format!("SELECT {COLUMNS} FROM calls WHERE call_id = $1"),
            &[&call_id],
        )
        .await
        .map_err(db)?;
    row.as_ref().map(typed).transpose()
}
