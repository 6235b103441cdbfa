//! Set-aside mail on SQLite.

use r2d2_sqlite::rusqlite::{params, Connection, OptionalExtension, Row};

use super::{db, micros, time};
use crate::set_aside::{NewSetAside, SetAside, SetAsideSummary};
use crate::Result;

const COLUMNS: &str = "id, received_at, reason, sender, subject, length(raw)";

fn summary(r: &Row) -> r2d2_sqlite::rusqlite::Result<SetAsideSummary> {
    Ok(SetAsideSummary {
        id: r.get(0)?,
        received_at: time(r.get(1)?)?,
        reason: r.get(2)?,
        sender: r.get(3)?,
        subject: r.get(4)?,
        size: r.get::<_, i64>(5)?.max(0) as u64,
    })
}

pub(super) fn insert(conn: &Connection, m: &NewSetAside) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO set_aside_mail (key, received_at, reason, sender, subject, raw) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (key) DO NOTHING",
    )
    .and_then(|mut s| {
        s.execute(params![
            m.key,
            micros(m.received_at),
            m.reason,
            m.sender,
            m.subject,
            m.raw
        ])
    })
    .map_err(db)?;
    conn.prepare_cached("SELECT id FROM set_aside_mail WHERE key = ?1")
        .and_then(|mut s| s.query_row([&m.key], |r| r.get(0)))
        .map_err(db)
}

pub(super) fn release(conn: &Connection, id: i64) -> Result<u64> {
    conn.prepare_cached("DELETE FROM set_aside_mail WHERE id = ?1")
        .and_then(|mut s| s.execute([id]))
        .map(|n| n as u64)
        .map_err(db)
}

pub(super) fn list(conn: &Connection, limit: u32) -> Result<Vec<SetAsideSummary>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM set_aside_mail ORDER BY received_at, id LIMIT ?1"
    ))
    .and_then(|mut s| s.query_map([limit], summary)?.collect())
    .map_err(db)
}

pub(super) fn get(conn: &Connection, id: i64) -> Result<Option<SetAside>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS}, raw FROM set_aside_mail WHERE id = ?1"
    ))
    .and_then(|mut s| {
        s.query_row([id], |r| {
            Ok(SetAside {
                summary: summary(r)?,
                raw: r.get(6)?,
            })
        })
        .optional()
    })
    .map_err(db)
}
