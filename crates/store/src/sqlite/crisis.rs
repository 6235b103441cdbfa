//! Crises on SQLite (see `crate::crisis`).

use r2d2_sqlite::rusqlite::{params, Connection, OptionalExtension, Row};

use super::{db, micros, opt_time, time};
use crate::crisis::{CrisisWrite, StoredCrisis, COLUMNS};
use crate::{Result, StoreError};

type Raw = (
    i64,
    String,
    String,
    i64,
    Option<String>,
    Option<i64>,
    String,
);

fn raw(r: &Row) -> r2d2_sqlite::rusqlite::Result<Raw> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

fn crisis(
    (id, message, started_by, started, ended_by, ended, phone_before): Raw,
) -> Result<StoredCrisis> {
    Ok(StoredCrisis {
        id,
        message,
        started_by,
        started_at: time(started).map_err(db)?,
        phone_before,
        ended_by,
        ended_at: opt_time(ended).map_err(db)?,
    })
}

pub(super) fn active(conn: &Connection) -> Result<Option<StoredCrisis>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM crises WHERE ended_at IS NULL"
    ))
    .and_then(|mut s| s.query_row([], raw).optional())
    .map_err(db)?
    .map(crisis)
    .transpose()
}

pub(super) fn recent(conn: &Connection, limit: u32) -> Result<Vec<StoredCrisis>> {
    let rows: Vec<Raw> = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM crises ORDER BY started_at DESC, id DESC LIMIT ?1"
        ))
        .and_then(|mut s| s.query_map([limit], raw)?.collect())
        .map_err(db)?;
    rows.into_iter().map(crisis).collect()
}

pub(super) fn write(conn: &Connection, w: &CrisisWrite) -> Result<i64> {
    match w {
        CrisisWrite::Start {
            message,
            phone_before,
            by,
            at,
            ..
        } => {
            if active(conn)?.is_some() {
                return Err(StoreError::Conflict);
            }
            conn.prepare_cached(
                "INSERT INTO crises (message, started_by, started_at, phone_before) VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut s| s.execute(params![message, by, micros(*at), phone_before]))
            .map_err(db)?;
            Ok(conn.last_insert_rowid())
        }
        CrisisWrite::End { id, by, at, .. } => conn
            .prepare_cached(
                "UPDATE crises SET ended_by = ?2, ended_at = ?3 WHERE id = ?1 AND ended_at IS NULL",
            )
            .and_then(|mut s| s.execute(params![id, by, micros(*at)]))
            .map(|n| n as i64)
            .map_err(db),
    }
}
