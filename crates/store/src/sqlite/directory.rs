//! The directory on SQLite (see `crate::directory`).

use chrono::{DateTime, Utc};
use r2d2_sqlite::rusqlite::{params, Connection, Row};

use super::{db, micros, time};
use crate::directory::{
    DirectorySnapshot, DirectoryStamp, DirectoryWrite, HistoryRow, ImportRow, StoredAbsence,
    StoredEntry, ABSENCE_COLUMNS, HISTORY_COLUMNS,
};
use crate::{Result, StoreError};

pub(super) fn stamp(conn: &Connection) -> Result<DirectoryStamp> {
    conn.query_row("SELECT n, notes FROM directory_stamp", [], |r| {
        Ok(DirectoryStamp {
            entries: r.get(0)?,
            notes: r.get(1)?,
        })
    })
    .map_err(db)
}

type AbsenceRaw = (i64, String, String, i64, i64, String, String, i64);

fn absence(
    (id, kind, entry_id, starts, ends, data, set_by, set_at): AbsenceRaw,
) -> Result<StoredAbsence> {
    Ok(StoredAbsence {
        id,
        kind,
        entry_id,
        starts_at: time(starts).map_err(db)?,
        ends_at: time(ends).map_err(db)?,
        data,
        set_by,
        set_at: time(set_at).map_err(db)?,
    })
}

/// Everything, in one read transaction.
pub(super) fn snapshot(conn: &Connection, now: DateTime<Utc>) -> Result<DirectorySnapshot> {
    let tx = conn.unchecked_transaction().map_err(db)?;
    let stamp = stamp(&tx)?;
    let entries = tx
        .prepare_cached("SELECT kind, id, data FROM directory_entries ORDER BY kind, id")
        .and_then(|mut s| {
            s.query_map([], |r| {
                Ok(StoredEntry {
                    kind: r.get(0)?,
                    id: r.get(1)?,
                    data: r.get(2)?,
                })
            })?
            .collect::<r2d2_sqlite::rusqlite::Result<Vec<_>>>()
        })
        .map_err(db)?;
    let absences = current_absences(&tx, now)?;
    tx.commit().map_err(db)?;
    Ok(DirectorySnapshot {
        stamp,
        entries,
        absences,
    })
}

/// The absence notes not ended at `now`, with the counters, in one read transaction.
pub(super) fn notes(
    conn: &Connection,
    now: DateTime<Utc>,
) -> Result<(DirectoryStamp, Vec<StoredAbsence>)> {
    let tx = conn.unchecked_transaction().map_err(db)?;
    let stamp = stamp(&tx)?;
    let absences = current_absences(&tx, now)?;
    tx.commit().map_err(db)?;
    Ok((stamp, absences))
}

fn current_absences(tx: &Connection, now: DateTime<Utc>) -> Result<Vec<StoredAbsence>> {
    let raw: Vec<AbsenceRaw> = tx
        .prepare_cached(&format!(
            "SELECT {ABSENCE_COLUMNS} FROM directory_absences \
             WHERE removed_at IS NULL AND ends_at > ?1 ORDER BY starts_at, id"
        ))
        .and_then(|mut s| {
            s.query_map([micros(now)], |r| {
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
    raw.into_iter().map(absence).collect()
}

fn history_row(r: &Row) -> r2d2_sqlite::rusqlite::Result<(HistoryRow, i64)> {
    let at: i64 = r.get(1)?;
    Ok((
        HistoryRow {
            id: r.get(0)?,
            at: DateTime::<Utc>::MIN_UTC,
            actor: r.get(2)?,
            kind: r.get(3)?,
            entry_id: r.get(4)?,
            change: r.get(5)?,
            fields: r.get(6)?,
            before: r.get(7)?,
            after: r.get(8)?,
            import_id: r.get(9)?,
        },
        at,
    ))
}

pub(super) fn history(
    conn: &Connection,
    kind: &str,
    id: &str,
    limit: u32,
) -> Result<Vec<HistoryRow>> {
    let rows: Vec<(HistoryRow, i64)> = conn
        .prepare_cached(&format!(
            "SELECT {HISTORY_COLUMNS} FROM directory_history \
             WHERE kind = ?1 AND entry_id = ?2 ORDER BY id DESC LIMIT ?3"
        ))
        .and_then(|mut s| {
            s.query_map(params![kind, id, limit], history_row)?
                .collect()
        })
        .map_err(db)?;
    rows.into_iter()
        .map(|(mut h, at)| {
            h.at = time(at).map_err(db)?;
            Ok(h)
        })
        .collect()
}

pub(super) fn imports(conn: &Connection, limit: u32) -> Result<Vec<ImportRow>> {
    let rows: Vec<(i64, i64, String, String, String)> = conn
        .prepare_cached(
            "SELECT id, at, actor, source, summary FROM directory_imports ORDER BY id DESC LIMIT ?1",
        )
        .and_then(|mut s| {
            s.query_map([limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
                .collect()
        })
        .map_err(db)?;
    rows.into_iter()
        .map(|(id, at, actor, source, summary)| {
            Ok(ImportRow {
                id,
                at: time(at).map_err(db)?,
                actor,
                source,
                summary,
            })
        })
        .collect()
}

fn bump(conn: &Connection, counter: &str) -> Result<()> {
    conn.execute(
        &format!("UPDATE directory_stamp SET {counter} = {counter} + 1"),
        [],
    )
    .map(|_| ())
    .map_err(db)
}

#[allow(clippy::too_many_arguments)]
fn record(
    conn: &Connection,
    at: i64,
    actor: &str,
    kind: &str,
    entry_id: &str,
    change: &str,
    fields: &str,
    before: Option<&str>,
    after: Option<&str>,
    import_id: Option<i64>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO directory_history (at, actor, kind, entry_id, change, fields, before, after, import_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .and_then(|mut s| {
        s.execute(params![at, actor, kind, entry_id, change, fields, before, after, import_id])
    })
    .map(|_| ())
    .map_err(db)
}

pub(super) fn write(conn: &Connection, w: &DirectoryWrite) -> Result<i64> {
    match w {
        DirectoryWrite::Apply {
            expected_stamp,
            changes,
            source,
            summary,
            by,
            at,
            ..
        } => {
            if stamp(conn)?.entries != *expected_stamp {
                return Err(StoreError::Conflict);
            }
            let at = micros(*at);
            let import_id = match source {
                Some(source) => {
                    conn.prepare_cached(
                        "INSERT INTO directory_imports (at, actor, source, summary) VALUES (?1, ?2, ?3, ?4)",
                    )
                    .and_then(|mut s| s.execute(params![at, by, source, summary]))
                    .map_err(db)?;
                    Some(conn.last_insert_rowid())
                }
                None => None,
            };
            for c in changes {
                match &c.after {
                    Some(data) => conn
                        .prepare_cached(
                            "INSERT INTO directory_entries (kind, id, data) VALUES (?1, ?2, ?3) \
                             ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data",
                        )
                        .and_then(|mut s| s.execute(params![c.kind, c.id, data])),
                    None => conn
                        .prepare_cached("DELETE FROM directory_entries WHERE kind = ?1 AND id = ?2")
                        .and_then(|mut s| s.execute(params![c.kind, c.id]))
                        // Whoever left has no absence note any more.
                        .and_then(|_| {
                            conn.prepare_cached(
                                "UPDATE directory_absences SET removed_by = ?3, removed_at = ?4 \
                                 WHERE kind = ?1 AND entry_id = ?2 AND removed_at IS NULL",
                            )?
                            .execute(params![c.kind, c.id, by, at])
                        }),
                }
                .map_err(db)?;
                record(
                    conn,
                    at,
                    by,
                    &c.kind,
                    &c.id,
                    &c.change,
                    &c.fields,
                    c.before.as_deref(),
                    c.after.as_deref(),
                    import_id,
                )?;
            }
            bump(conn, "n")?;
            if changes.iter().any(|c| c.after.is_none()) {
                bump(conn, "notes")?;
            }
            Ok(import_id.unwrap_or(0))
        }
        DirectoryWrite::SetAbsence {
            kind,
            entry_id,
            starts_at,
            ends_at,
            data,
            by,
            at,
            ..
        } => {
            conn.prepare_cached(
                "INSERT INTO directory_absences (kind, entry_id, starts_at, ends_at, data, set_by, set_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut s| {
                s.execute(params![kind, entry_id, micros(*starts_at), micros(*ends_at), data, by, micros(*at)])
            })
            .map_err(db)?;
            let id = conn.last_insert_rowid();
            record(
                conn,
                micros(*at),
                by,
                kind,
                entry_id,
                "absence_set",
                "",
                None,
                Some(data),
                None,
            )?;
            bump(conn, "notes")?;
            Ok(id)
        }
        DirectoryWrite::RemoveAbsence { id, by, at, .. } => {
            let found: Option<(String, String, String)> = conn
                .prepare_cached(
                    "SELECT kind, entry_id, data FROM directory_absences WHERE id = ?1 AND removed_at IS NULL",
                )
                .and_then(|mut s| {
                    let mut rows = s.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                    rows.next().transpose()
                })
                .map_err(db)?;
            let Some((kind, entry_id, data)) = found else {
                return Ok(0);
            };
            conn.prepare_cached(
                "UPDATE directory_absences SET removed_by = ?2, removed_at = ?3 WHERE id = ?1",
            )
            .and_then(|mut s| s.execute(params![id, by, micros(*at)]))
            .map_err(db)?;
            record(
                conn,
                micros(*at),
                by,
                &kind,
                &entry_id,
                "absence_removed",
                "",
                Some(&data),
                None,
                None,
            )?;
            bump(conn, "notes")?;
            Ok(1)
        }
    }
}
