//! Staff accounts and sessions on SQLite.

use r2d2_sqlite::rusqlite::{params, Connection, OptionalExtension, Row};

use super::{db, micros, opt_time, time};
use crate::staff::{Account, AccountChange, Session, SessionChange, SessionStage, StaffWrite};
use crate::{stored, Result, StoreError};

const ACCOUNT_COLUMNS: &str = "username, display_name, password_hash, totp_secret, totp_exempt, \
     must_change_password, oidc_subject, grants, disabled, failed_logins, locked_until, created_at, updated_at, \
     sso_allowed, totp_last_step";

/// Runs an UPDATE that must change exactly one row, else the step was
/// already taken (or its condition no longer holds).
fn exactly_one(n: usize) -> Result<()> {
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

pub(super) fn write(conn: &Connection, w: &StaffWrite) -> Result<()> {
    let at = micros(w.at);
    match &w.account {
        Some(AccountChange::Create(a)) => {
            conn.prepare_cached(
                "INSERT INTO staff_accounts (username, display_name, password_hash, totp_secret, totp_exempt,
                     must_change_password, sso_allowed, oidc_subject, grants, disabled, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    a.username,
                    a.display_name,
                    a.password_hash,
                    a.totp_secret,
                    a.totp_exempt,
                    a.must_change_password,
                    a.sso_allowed,
                    a.oidc_subject,
                    a.grants.join(" "),
                    a.disabled,
                    micros(a.created_at),
                    micros(a.updated_at)
                ])
            })
            .map_err(db)?;
        }
        Some(AccountChange::SetDisabled { username, disabled }) => {
            let n = conn
                .prepare_cached(
                    "UPDATE staff_accounts SET disabled = ?1, updated_at = ?2 WHERE username = ?3",
                )
                .and_then(|mut s| s.execute(params![disabled, at, username]))
                .map_err(db)?;
            exactly_one(n).map_err(|_| StoreError::NotFound)?;
            if *disabled {
                end_sessions_of(conn, username, at)?;
            }
        }
        Some(AccountChange::SetPassword {
            username,
            hash,
            reset,
            forget_second_factor,
        }) => {
            let n = conn
                .prepare_cached(
                    "UPDATE staff_accounts SET password_hash = ?1, must_change_password = ?2,
                         totp_secret = CASE WHEN ?3 THEN NULL ELSE totp_secret END,
                         failed_logins = 0, locked_until = NULL, updated_at = ?4
                     WHERE username = ?5",
                )
                .and_then(|mut s| {
                    s.execute(params![hash, reset, forget_second_factor, at, username])
                })
                .map_err(db)?;
            exactly_one(n).map_err(|_| StoreError::NotFound)?;
            if *reset {
                end_sessions_of(conn, username, at)?;
            }
        }
        Some(AccountChange::Failure {
            username,
            max_failures,
            lock_until,
        }) => {
            conn.prepare_cached(
                "UPDATE staff_accounts SET
                     locked_until = CASE WHEN failed_logins + 1 >= ?2 THEN ?3 ELSE locked_until END,
                     failed_logins = CASE WHEN failed_logins + 1 >= ?2 THEN 0 ELSE failed_logins + 1 END
                 WHERE username = ?1",
            )
            .and_then(|mut s| s.execute(params![username, max_failures, micros(*lock_until)]))
            .map_err(db)?;
        }
        Some(AccountChange::LoggedIn {
            username,
            totp_step,
            enrol,
        }) => {
            let n = conn
                .prepare_cached(
                    "UPDATE staff_accounts SET failed_logins = 0, locked_until = NULL,
                         totp_last_step = COALESCE(?2, totp_last_step),
                         totp_secret = COALESCE(totp_secret, ?3),
                         updated_at = CASE WHEN ?3 IS NULL THEN updated_at ELSE ?4 END
                     WHERE username = ?1 AND NOT disabled AND (?2 IS NULL OR totp_last_step < ?2)
                       AND (?3 IS NULL OR totp_secret IS NULL)",
                )
                .and_then(|mut s| s.execute(params![username, totp_step, enrol, at]))
                .map_err(db)?;
            exactly_one(n)?;
        }
        Some(AccountChange::BindSubject { username, subject }) => {
            let n = conn
                .prepare_cached(
                    "UPDATE staff_accounts SET oidc_subject = ?1, updated_at = ?2
                     WHERE username = ?3 AND sso_allowed AND NOT disabled AND oidc_subject IS NULL",
                )
                .and_then(|mut s| s.execute(params![subject, at, username]))
                .map_err(db)?;
            exactly_one(n)?;
        }
        None => {}
    }
    match &w.session {
        Some(SessionChange::Start(s)) => insert_session(conn, s)?,
        Some(SessionChange::Replace { old_id_hash, new }) => {
            exactly_one(end_session(conn, old_id_hash, new.created_at)?)?;
            insert_session(conn, new)?;
        }
        Some(SessionChange::Touch { id_hash, at }) => {
            conn.prepare_cached("UPDATE staff_sessions SET last_seen_at = ?1 WHERE id_hash = ?2")
                .and_then(|mut s| s.execute(params![micros(*at), id_hash]))
                .map_err(db)?;
        }
        Some(SessionChange::End { id_hash, at }) => exactly_one(end_session(conn, id_hash, *at)?)?,
        Some(SessionChange::Purge { before }) => {
            conn.prepare_cached(
                "DELETE FROM staff_sessions WHERE ended_at < ?1 OR last_seen_at < ?1",
            )
            .and_then(|mut s| s.execute([micros(*before)]))
            .map_err(db)?;
        }
        None => {}
    }
    Ok(())
}

fn end_sessions_of(conn: &Connection, username: &str, at: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE staff_sessions SET ended_at = ?1 WHERE username = ?2 AND ended_at IS NULL",
    )
    .and_then(|mut s| s.execute(params![at, username]))
    .map_err(db)?;
    Ok(())
}

fn insert_session(conn: &Connection, s: &Session) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO staff_sessions (id_hash, username, stage, csrf_token, pending, created_at, last_seen_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut st| {
        st.execute(params![
            s.id_hash,
            s.username,
            s.stage.as_str(),
            s.csrf_token,
            s.pending,
            micros(s.created_at),
            micros(s.last_seen_at)
        ])
    })
    .map_err(db)?;
    Ok(())
}

/// Ends a session; returns how many rows it changed (0 if already ended).
fn end_session(
    conn: &Connection,
    id_hash: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<usize> {
    conn.prepare_cached(
        "UPDATE staff_sessions SET ended_at = ?1 WHERE id_hash = ?2 AND ended_at IS NULL",
    )
    .and_then(|mut s| s.execute(params![micros(at), id_hash]))
    .map_err(db)
}

fn account_row(r: &Row) -> r2d2_sqlite::rusqlite::Result<Account> {
    let grants: String = r.get(7)?;
    Ok(Account {
        username: r.get(0)?,
        display_name: r.get(1)?,
        password_hash: r.get(2)?,
        totp_secret: r.get(3)?,
        totp_exempt: r.get(4)?,
        must_change_password: r.get(5)?,
        oidc_subject: r.get(6)?,
        grants: grants.split_whitespace().map(str::to_owned).collect(),
        disabled: r.get(8)?,
        failed_logins: r.get(9)?,
        locked_until: opt_time(r.get(10)?)?,
        created_at: time(r.get(11)?)?,
        updated_at: time(r.get(12)?)?,
        sso_allowed: r.get(13)?,
        totp_last_step: r.get(14)?,
    })
}

pub(super) fn accounts(conn: &Connection, filter: &str, arg: &str) -> Result<Vec<Account>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM staff_accounts {filter} ORDER BY username");
    let mut stmt = conn.prepare_cached(&sql).map_err(db)?;
    let rows = if arg.is_empty() {
        stmt.query_map([], account_row)
    } else {
        stmt.query_map([arg], account_row)
    }
    .map_err(db)?;
    rows.map(|r| r.map_err(db)).collect()
}

pub(super) fn session(conn: &Connection, id_hash: &str) -> Result<Option<Session>> {
    let row = conn
        .prepare_cached(
            "SELECT username, stage, csrf_token, pending, created_at, last_seen_at, ended_at IS NOT NULL
             FROM staff_sessions WHERE id_hash = ?1",
        )
        .and_then(|mut s| {
            s.query_row([id_hash], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    time(r.get(4)?)?,
                    time(r.get(5)?)?,
                    r.get::<_, bool>(6)?,
                ))
            })
            .optional()
        })
        .map_err(db)?;
    row.map(
        |(username, stage, csrf_token, pending, created_at, last_seen_at, ended)| {
            Ok(Session {
                id_hash: id_hash.to_owned(),
                username,
                stage: stored("session stage", &stage, SessionStage::parse)?,
                csrf_token,
                pending,
                created_at,
                last_seen_at,
                ended,
            })
        },
    )
    .transpose()
}
