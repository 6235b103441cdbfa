//! Case facts on SQLite (see `crate::facts`).

use chrono::NaiveDate;
use kontakt_domain::stats::CaseCounts;
use r2d2_sqlite::rusqlite::{params, Connection, Row};

use super::{date, db, micros, opt_time, time};
use crate::facts::{
    counts_sql, dequeue_sql, queued_sql, resolution_sql, upsert_sql, CaseFactSource, FactCounts,
    FactFilter, FactsWrite, QueuedCase, ResolutionBucket,
};
use crate::Result;

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn required_day(s: String) -> r2d2_sqlite::rusqlite::Result<NaiveDate> {
    date(Some(s))?.ok_or(r2d2_sqlite::rusqlite::Error::InvalidQuery)
}

pub(super) fn queued(conn: &Connection, limit: u32) -> Result<Vec<QueuedCase>> {
    conn.prepare_cached(&queued_sql('?'))
        .and_then(|mut s| {
            s.query_map(params![limit], |r| {
                let present: Option<i64> = r.get(2)?;
                let source = match present {
                    None => None,
                    Some(case_id) => Some(CaseFactSource {
                        case_id,
                        case_type: r.get(3)?,
                        board: r.get(4)?,
                        district: r.get(5)?,
                        channel: r.get(6)?,
                        resolution: r.get(7)?,
                        handed_over: r.get::<_, i64>(8)? != 0,
                        created_at: time(r.get(9)?)?,
                        closed_at: opt_time(r.get(10)?)?,
                        feedback_deadline: date(r.get(11)?)?,
                        first_message_out: opt_time(r.get(12)?)?,
                    }),
                };
                Ok(QueuedCase {
                    case_id: r.get(0)?,
                    changes: r.get(1)?,
                    source,
                })
            })?
            .collect()
        })
        .map_err(db)
}

pub(super) fn save(conn: &Connection, write: &FactsWrite) -> Result<u64> {
    let mut upsert = conn.prepare_cached(&upsert_sql('?')).map_err(db)?;
    for f in &write.facts {
        upsert
            .execute(params![
                f.case_id,
                day(f.created_day),
                f.case_type,
                f.board,
                f.district,
                f.channel,
                f.first_contact,
                f.handed_over,
                f.closed_day.map(day),
                f.resolution_days,
                f.feedback_deadline.map(day),
                f.response_due.map(micros),
                f.first_response.map(micros),
            ])
            .map_err(db)?;
    }
    let mut dequeue = conn.prepare_cached(&dequeue_sql('?')).map_err(db)?;
    let mut done = 0;
    for (case_id, changes) in &write.done {
        done += dequeue.execute(params![case_id, changes]).map_err(db)? as u64;
    }
    Ok(done)
}

/// The eight counts of a counting row, from column `at` on.
fn counts_at(r: &Row, at: usize) -> r2d2_sqlite::rusqlite::Result<CaseCounts> {
    let n = |i: usize| r.get::<_, i64>(at + i).map(|v| v.max(0) as u64);
    Ok(CaseCounts {
        cases: n(0)?,
        first_contact: n(1)?,
        handed_over: n(2)?,
        closed: n(3)?,
        deadline_due: n(4)?,
        deadline_met: n(5)?,
        response_due: n(6)?,
        response_met: n(7)?,
    })
}

fn count_rows<T>(
    conn: &Connection,
    f: &FactFilter,
    by_day_and_dimension: bool,
    row: impl FnMut(&Row) -> r2d2_sqlite::rusqlite::Result<T>,
) -> Result<Vec<T>> {
    conn.prepare_cached(&counts_sql('?', by_day_and_dimension))
        .and_then(|mut s| {
            s.query_map(
                params![
                    day(f.from),
                    day(f.to),
                    day(f.today),
                    micros(f.now),
                    f.case_type,
                    f.board,
                    f.district,
                    f.channel
                ],
                row,
            )?
            .collect()
        })
        .map_err(db)
}

pub(super) fn counts(conn: &Connection, f: &FactFilter) -> Result<Vec<FactCounts>> {
    count_rows(conn, f, true, |r| {
        Ok(FactCounts {
            day: required_day(r.get(0)?)?,
            case_type: r.get(1)?,
            board: r.get(2)?,
            district: r.get(3)?,
            channel: r.get(4)?,
            counts: counts_at(r, 5)?,
        })
    })
}

pub(super) fn totals(conn: &Connection, f: &FactFilter) -> Result<CaseCounts> {
    Ok(count_rows(conn, f, false, |r| counts_at(r, 0))?
        .into_iter()
        .next()
        .unwrap_or_default())
}

pub(super) fn resolution(conn: &Connection, f: &FactFilter) -> Result<Vec<ResolutionBucket>> {
    conn.prepare_cached(&resolution_sql('?'))
        .and_then(|mut s| {
            s.query_map(
                params![
                    day(f.from),
                    day(f.to),
                    f.case_type,
                    f.board,
                    f.district,
                    f.channel
                ],
                |r| {
                    Ok(ResolutionBucket {
                        case_type: r.get(0)?,
                        board: r.get(1)?,
                        days: r.get(2)?,
                        count: r.get::<_, i64>(3)?.max(0) as u64,
                    })
                },
            )?
            .collect()
        })
        .map_err(db)
}

pub(super) fn insert_baseline(conn: &Connection, b: &crate::facts::Baseline) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO stats_baselines (name, scope, period, figures, frozen_by, frozen_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| {
        s.execute(params![
            b.name,
            b.scope,
            b.period,
            b.figures,
            b.frozen_by,
            micros(b.frozen_at)
        ])
    })
    .map_err(db)?;
    Ok(conn.last_insert_rowid())
}

pub(super) fn baselines(conn: &Connection) -> Result<Vec<crate::facts::Baseline>> {
    conn.prepare_cached(&format!(
        "SELECT {} FROM stats_baselines ORDER BY frozen_at DESC, id DESC",
        crate::facts::BASELINE_COLUMNS
    ))
    .and_then(|mut s| {
        s.query_map([], |r| {
            Ok(crate::facts::Baseline {
                id: r.get(0)?,
                name: r.get(1)?,
                scope: r.get(2)?,
                period: r.get(3)?,
                figures: r.get(4)?,
                frozen_by: r.get(5)?,
                frozen_at: time(r.get(6)?)?,
            })
        })?
        .collect()
    })
    .map_err(db)
}
