//! Call records on SQLite.

use r2d2_sqlite::rusqlite::{params, Connection, OptionalExtension, Row};

use super::{db, micros, opt_time, time};
use crate::calls::{CallRow, COLUMNS};
use crate::{stored, Result};
use chrono::NaiveDate;
use kontakt_domain::case::CaseNumber;
use kontakt_domain::phone::CallOutcome;

fn row(r: &Row) -> r2d2_sqlite::rusqlite::Result<(CallRow, Option<String>, Option<String>)> {
    Ok((
        CallRow {
            call_id: r.get(0)?,
            entry_number: r.get(1)?,
            menu_path: r.get(2)?,
            answer_group: r.get(3)?,
            language: r.get(4)?,
            arrived_at: time(r.get(5)?)?,
            ended_at: opt_time(r.get(6)?)?,
            queue_ms: r.get::<_, i64>(7)?.max(0) as u64,
            handle_ms: r.get::<_, i64>(8)?.max(0) as u64,
            outcome: None,
            agent: r.get(10)?,
            overflowed: r.get::<_, i64>(11)? != 0,
            callback_deadline: opt_time(r.get(12)?)?,
            case_number: None,
        },
        r.get(9)?,
        r.get(13)?,
    ))
}

fn typed((mut call, outcome, case): (CallRow, Option<String>, Option<String>)) -> Result<CallRow> {
    call.outcome = outcome
        .map(|o| stored("call outcome", &o, CallOutcome::parse))
        .transpose()?;
    call.case_number = case
        .map(|n| stored::<CaseNumber>("case number", &n, |s| s.parse().ok()))
        .transpose()?;
    Ok(call)
}

pub(super) fn save(conn: &Connection, c: &CallRow) -> Result<u64> {
    conn.prepare_cached(&format!(
        "INSERT INTO calls ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) \
         ON CONFLICT (call_id) DO UPDATE SET menu_path = excluded.menu_path, answer_group = excluded.answer_group, \
         language = excluded.language, ended_at = excluded.ended_at, queue_ms = excluded.queue_ms, \
         handle_ms = excluded.handle_ms, outcome = excluded.outcome, agent = excluded.agent, \
         overflowed = excluded.overflowed, callback_deadline = excluded.callback_deadline, \
         case_number = COALESCE(calls.case_number, excluded.case_number) \
         WHERE calls.outcome IS NULL"
    ))
    .and_then(|mut s| {
        s.execute(params![
            c.call_id,
            c.entry_number,
            c.menu_path,
            c.answer_group,
            c.language,
            micros(c.arrived_at),
            c.ended_at.map(micros),
            i64::try_from(c.queue_ms).unwrap_or(i64::MAX),
            i64::try_from(c.handle_ms).unwrap_or(i64::MAX),
            c.outcome.map(|o| o.as_str()),
            c.agent,
            i64::from(c.overflowed),
            c.callback_deadline.map(micros),
            c.case_number.map(|n| n.to_string()),
        ])
    })
    .map(|n| n as u64)
    .map_err(db)
}

pub(super) fn close_open(conn: &Connection, outcome: CallOutcome, at: i64) -> Result<u64> {
    conn.prepare_cached("UPDATE calls SET outcome = ?1, ended_at = ?2 WHERE outcome IS NULL")
        .and_then(|mut s| s.execute(params![outcome.as_str(), at]))
        .map(|n| n as u64)
        .map_err(db)
}

pub(super) fn link_case(conn: &Connection, call_id: &str, case: CaseNumber) -> Result<u64> {
    conn.prepare_cached(
        "UPDATE calls SET case_number = ?1 WHERE call_id = ?2 AND case_number IS NULL",
    )
    .and_then(|mut s| s.execute(params![case.to_string(), call_id]))
    .map(|n| n as u64)
    .map_err(db)
}

pub(super) fn since(conn: &Connection, since: i64) -> Result<Vec<CallRow>> {
    let rows: Vec<_> = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM calls WHERE arrived_at >= ?1 ORDER BY arrived_at, id"
        ))
        .and_then(|mut s| s.query_map([since], row)?.collect())
        .map_err(db)?;
    rows.into_iter().map(typed).collect()
}

pub(super) fn buckets(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<kontakt_domain::stats::CallBucket>> {
    type Row = (String, String, i64, i64, String, i64, i64, i64);
    let mut buckets = Vec::new();
    for (sql, from, to) in crate::calls::bucket_queries('?', from, to) {
        let rows: Vec<Row> = conn
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map([day(from), day(to)], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                    ))
                })?
                .collect()
            })
            .map_err(db)?;
        for (group, outcome, secs, overflowed, callback, count, queue, handle) in rows {
            buckets.push(kontakt_domain::stats::CallBucket {
                answer_group: group,
                outcome: stored("call outcome", &outcome, CallOutcome::parse)?,
                queue_ms: secs.max(0) as u64 * 1000,
                total_queue_ms: queue.max(0) as u64,
                total_handle_ms: handle.max(0) as u64,
                overflowed: overflowed != 0,
                callback_deadline_met: crate::calls::callback_of_key(&callback),
                count: count.max(0) as u64,
            });
        }
    }
    Ok(crate::calls::merge_buckets(buckets))
}

pub(super) fn uncounted(conn: &Connection, limit: u32) -> Result<Vec<CallRow>> {
    let rows: Vec<_> = conn
        .prepare_cached(&crate::calls::uncounted_sql('?'))
        .and_then(|mut s| s.query_map([limit], row)?.collect())
        .map_err(db)?;
    rows.into_iter().map(typed).collect()
}

pub(super) fn count(conn: &Connection, write: &crate::calls::CallCountsWrite) -> Result<u64> {
    let mut mark = conn
        .prepare_cached(
            "UPDATE calls SET counted = 1 WHERE call_id = ?1 AND NOT counted AND outcome IS NOT NULL",
        )
        .map_err(db)?;
    let (mut marked, mut marked_calls) = (Vec::new(), 0u64);
    for (call_id, count) in &write.calls {
        if mark.execute([call_id]).map_err(db)? > 0 {
            marked.extend(count);
            marked_calls += 1;
        }
    }
    let counts = crate::calls::CallCountsWrite::merged(marked.iter().copied());
    for (table, key) in [("call_counts_day", "day"), ("call_counts_month", "month")] {
        let mut upsert = conn
            .prepare_cached(&crate::calls::count_upsert_sql('?', table, key))
            .map_err(db)?;
        for c in &counts {
            let at = if key == "day" {
                c.day
            } else {
                crate::calls::month_of(c.day)
            };
            upsert
                .execute(params![
                    day(at),
                    c.answer_group,
                    c.outcome.as_str(),
                    i64::try_from(c.queue_secs).unwrap_or(i64::MAX),
                    i64::from(c.overflowed),
                    crate::calls::callback_key(c.callback_kept),
                    i64::try_from(c.calls).unwrap_or(i64::MAX),
                    i64::try_from(c.queue_ms).unwrap_or(i64::MAX),
                    i64::try_from(c.handle_ms).unwrap_or(i64::MAX),
                ])
                .map_err(db)?;
        }
    }
    Ok(marked_calls)
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(super) fn unlinked(
    conn: &Connection,
    agent: &str,
    since: i64,
) -> Result<Vec<(String, chrono::DateTime<chrono::Utc>)>> {
    conn.prepare_cached(&crate::calls::unlinked_sql('?'))
        .and_then(|mut s| {
            s.query_map(params![since, agent], |r| Ok((r.get(0)?, time(r.get(1)?)?)))?
                .collect()
        })
        .map_err(db)
}

pub(super) fn one(conn: &Connection, call_id: &str) -> Result<Option<CallRow>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM calls WHERE call_id = ?1"))
        .and_then(|mut s| s.query_row([call_id], row).optional())
        .map_err(db)?
        .map(typed)
        .transpose()
}
