//! Mina sidor on SQLite (see `crate::residents`).

use r2d2_sqlite::rusqlite::{params, Connection, OptionalExtension, Row};

use super::{db, micros, opt_time, time};
use crate::residents::{
    NewResidentSession, ResidentSession, ResidentWrite, CODE_ACCEPTED, CODE_DEAD, CODE_WRONG,
    SESSION_COLUMNS,
};
use crate::Result;

type Raw = (String, String, String, String, i64, i64, Option<i64>);

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

pub(super) fn session(conn: &Connection, id_hash: &str) -> Result<Option<ResidentSession>> {
    let row: Option<Raw> = conn
        .prepare_cached(&format!(
            "SELECT {SESSION_COLUMNS} FROM resident_sessions WHERE id_hash = ?1"
        ))
        .and_then(|mut s| s.query_row([id_hash], raw).optional())
        .map_err(db)?;
    row.map(
        |(id_hash, identity, device_hash, csrf_token, created, seen, ended)| {
            Ok(ResidentSession {
                id_hash,
                identity,
                device_hash,
                csrf_token,
                created_at: time(created).map_err(db)?,
                last_seen_at: time(seen).map_err(db)?,
                ended_at: opt_time(ended).map_err(db)?,
            })
        },
    )
    .transpose()
}

pub(super) fn code(conn: &Connection, id: &str) -> Result<Option<(String, u32)>> {
    conn.prepare_cached("SELECT address, attempts FROM resident_codes WHERE id = ?1")
        .and_then(|mut s| {
            s.query_row([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))
                .optional()
        })
        .map_err(db)
}

pub(super) fn codes_since(conn: &Connection, address: &str, since: i64) -> Result<u64> {
    conn.prepare_cached(
        "SELECT COUNT(*) FROM resident_codes WHERE address = ?1 AND created_at >= ?2",
    )
    .and_then(|mut s| s.query_row(params![address, since], |r| r.get::<_, i64>(0)))
    .map(|n| n as u64)
    .map_err(db)
}

pub(super) fn follow_token_hash(conn: &Connection, number: &str) -> Result<Option<String>> {
    conn.prepare_cached("SELECT follow_token_hash FROM cases WHERE number = ?1")
        .and_then(|mut s| {
            s.query_row([number], |r| r.get::<_, Option<String>>(0))
                .optional()
        })
        .map(Option::flatten)
        .map_err(db)
}

fn start(conn: &Connection, s: &NewResidentSession) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO resident_sessions (id_hash, identity, device_hash, csrf_token, created_at, last_seen_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )
    .and_then(|mut st| {
        st.execute(params![
            s.id_hash,
            s.identity,
            s.device_hash,
            s.csrf_token,
            micros(s.at)
        ])
    })
    .map_err(db)?;
    Ok(())
}

/// Applies the write; answers its result and whether its audit entries
/// are to be written.
pub(super) fn write(conn: &Connection, w: &ResidentWrite) -> Result<(i64, bool)> {
    match w {
        ResidentWrite::IssueCode {
            id,
            address,
            code_hash,
            at,
            expires_at,
            message,
            limit,
            since,
            ..
        } => {
            let sent: i64 = conn
                .prepare_cached(
                    "SELECT count(*) FROM resident_codes WHERE address = ?1 AND created_at >= ?2",
                )
                .and_then(|mut s| s.query_row(params![address, micros(*since)], |r| r.get(0)))
                .map_err(db)?;
            if sent >= i64::from(*limit) {
                return Ok((0, false));
            }
            conn.prepare_cached(
                "INSERT INTO resident_codes (id, address, code_hash, created_at, expires_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut s| {
                s.execute(params![id, address, code_hash, micros(*at), micros(*expires_at)])
            })
            .map_err(db)?;
            let m = message;
            conn.prepare_cached(
                "INSERT INTO outbox (case_id, channel, recipient, subject, body, message_id, in_reply_to, refs, \
                 next_attempt_at, created_at) VALUES (NULL, ?1, ?2, ?3, ?4, ?5, NULL, '', ?6, ?6)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    m.channel.as_str(),
                    m.recipient,
                    m.subject,
                    m.body,
                    m.message_id,
                    micros(*at)
                ])
            })
            .map_err(db)?;
            Ok((1, true))
        }
        ResidentWrite::Redeem {
            id,
            code_hash,
            max_attempts,
            session,
            ..
        } => {
            let row: Option<(String, i64, i64, Option<i64>)> = conn
                .prepare_cached(
                    "SELECT code_hash, expires_at, attempts, used_at FROM resident_codes WHERE id = ?1",
                )
                .and_then(|mut s| {
                    s.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                        .optional()
                })
                .map_err(db)?;
            let Some((stored, expires, attempts, used)) = row else {
                return Ok((CODE_DEAD, false));
            };
            let now = micros(session.at);
            if used.is_some() || expires <= now || attempts >= i64::from(*max_attempts) {
                return Ok((CODE_DEAD, false));
            }
            // Only keyed hashes are compared: timing tells nothing of the code.
            let right = stored == *code_hash;
            conn.prepare_cached(
                "UPDATE resident_codes SET attempts = attempts + 1, used_at = CASE WHEN ?2 THEN ?3 ELSE used_at END \
                 WHERE id = ?1",
            )
            .and_then(|mut s| s.execute(params![id, right, now]))
            .map_err(db)?;
            if !right {
                return Ok((CODE_WRONG, false));
            }
            start(conn, session)?;
            Ok((CODE_ACCEPTED, true))
        }
        ResidentWrite::StartSession { session, .. } => {
            start(conn, session)?;
            Ok((1, true))
        }
        ResidentWrite::Touch { id_hash, at } => conn
            .prepare_cached(
                "UPDATE resident_sessions SET last_seen_at = ?2 WHERE id_hash = ?1 AND ended_at IS NULL",
            )
            .and_then(|mut s| s.execute(params![id_hash, micros(*at)]))
            .map(|n| (n as i64, false))
            .map_err(db),
        ResidentWrite::Purge { before } => {
            let codes = conn
                .prepare_cached("DELETE FROM resident_codes WHERE expires_at < ?1")
                .and_then(|mut s| s.execute(params![micros(*before)]))
                .map_err(db)?;
            let sessions = conn
                .prepare_cached(
                    "DELETE FROM resident_sessions WHERE COALESCE(ended_at, last_seen_at) < ?1",
                )
                .and_then(|mut s| s.execute(params![micros(*before)]))
                .map_err(db)?;
            Ok(((codes + sessions) as i64, false))
        }
        ResidentWrite::End { id_hash, at, .. } => {
            let n = conn
                .prepare_cached(
                    "UPDATE resident_sessions SET ended_at = ?2 WHERE id_hash = ?1 AND ended_at IS NULL",
                )
                .and_then(|mut s| s.execute(params![id_hash, micros(*at)]))
                .map_err(db)?;
            Ok((n as i64, n > 0))
        }
        ResidentWrite::SetLanguage {
            persons,
            language,
            at,
            ..
        } => {
            let (condition, value) = persons.condition("?1");
            let n = conn
                .prepare_cached(&format!(
                    "UPDATE persons SET preferred_language = ?2, updated_at = ?3 WHERE {condition}"
                ))
                .and_then(|mut s| s.execute(params![value, language, micros(*at)]))
                .map_err(db)?;
            Ok((n as i64, true))
        }
    }
}
