//! Case facts on SQLite (see `crate::facts`).

use chrono::NaiveDate;
use kontakt_domain::stats::CaseCounts;
use r2d2_sqlite::rusqlite::{params, Connection, Row};

use super::{date, db, micros, opt_time, time};
use crate::facts::{
    count_queries, dequeue_sql, merge_counts, merge_resolution, queued_sql, resolution_queries,
    upsert_sql, CaseFactSource, CountRow, FactCounts, FactFilter, FactsWrite, Grouping, QueuedCase,
    ResolutionBucket,
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

fn count_rows(conn: &Connection, f: &FactFilter, grouping: Grouping) -> Result<Vec<CountRow>> {
    let (by_day, by_dimension) = match grouping {
        Grouping::Total => (false, false),
        Grouping::Dimensions => (false, true),
        Grouping::DaysAndDimensions => (true, true),
    };
    let read = |r: &Row| -> r2d2_sqlite::rusqlite::Result<CountRow> {
        let mut at = 0;
        let day = if by_day {
            at += 1;
            Some(required_day(r.get(0)?)?)
        } else {
            None
        };
        let mut dims = [String::new(), String::new(), String::new(), String::new()];
        if by_dimension {
            for d in &mut dims {
                *d = r.get(at)?;
                at += 1;
            }
        }
        let mut counts = [0u64; 8];
        for (i, c) in counts.iter_mut().enumerate() {
            *c = r.get::<_, i64>(at + i)?.max(0) as u64;
        }
        let [case_type, board, district, channel] = dims;
        Ok(CountRow {
            day,
            case_type,
            board,
            district,
            channel,
            counts: CaseCounts::from_row(counts),
        })
    };
    let mut rows = Vec::new();
    // The months, the days and the pending facts are read in one snapshot,
    // so a case changing meanwhile is counted once.
    let snapshot = conn.unchecked_transaction().map_err(db)?;
    for q in count_queries('?', f, grouping) {
        let mut statement = snapshot.prepare_cached(&q.sql).map_err(db)?;
        let dims = [&f.case_type, &f.board, &f.district, &f.channel];
        let read_rows: r2d2_sqlite::rusqlite::Result<Vec<CountRow>> = if q.pending {
            statement
                .query_map(
                    params![
                        day(q.from),
                        day(q.to),
                        day(f.today),
                        micros(f.now),
                        dims[0],
                        dims[1],
                        dims[2],
                        dims[3]
                    ],
                    read,
                )
                .and_then(|m| m.collect())
        } else {
            statement
                .query_map(
                    params![day(q.from), day(q.to), dims[0], dims[1], dims[2], dims[3]],
                    read,
                )
                .and_then(|m| m.collect())
        };
        rows.extend(read_rows.map_err(db)?);
    }
    drop(snapshot);
    Ok(rows)
}

pub(super) fn counts(conn: &Connection, f: &FactFilter, by_day: bool) -> Result<Vec<FactCounts>> {
    let grouping = if by_day {
        Grouping::DaysAndDimensions
    } else {
        Grouping::Dimensions
    };
    Ok(merge_counts(count_rows(conn, f, grouping)?))
}

pub(super) fn totals(conn: &Connection, f: &FactFilter) -> Result<CaseCounts> {
    let mut total = CaseCounts::default();
    for r in count_rows(conn, f, Grouping::Total)? {
        total.add(&r.counts);
    }
    Ok(total)
}

pub(super) fn resolution(conn: &Connection, f: &FactFilter) -> Result<Vec<ResolutionBucket>> {
    let mut rows = Vec::new();
    for (sql, from, to) in resolution_queries('?', f) {
        let read: r2d2_sqlite::rusqlite::Result<Vec<ResolutionBucket>> =
            conn.prepare_cached(&sql).and_then(|mut s| {
                s.query_map(
                    params![
                        day(from),
                        day(to),
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
            });
        rows.extend(read.map_err(db)?);
    }
    Ok(merge_resolution(rows))
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
