//! Staff accounts and sessions on SQLite.

use r2d2_sqlite::rusqlite::{params, Connection, OptionalExtension, Row};

use super::{db, micros, opt_time, time};
use crate::staff::{Account, AccountChange, Session, SessionChange, SessionStage, StaffWrite};
use crate::{stored, Result};

const ACCOUNT_COLUMNS: &str = "username, display_name, password_hash, totp_secret, totp_exempt, \
     must_change_password, oidc_subject, grants, disabled, failed_logins, locked_until, created_at, updated_at";

pub(super) fn write(conn: &Connection, w: &StaffWrite) -> Result<()> {
    match &w.account {
        Some(AccountChange::Save {
            account: a,
            end_sessions,
        }) => {
            conn.prepare_cached(
                "INSERT INTO staff_accounts (username, display_name, password_hash, totp_secret, totp_exempt,
                     must_change_password, oidc_subject, grants, disabled, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name,
                     password_hash = excluded.password_hash, totp_secret = excluded.totp_secret,
                     totp_exempt = excluded.totp_exempt, must_change_password = excluded.must_change_password,
                     oidc_subject = excluded.oidc_subject, grants = excluded.grants,
                     disabled = excluded.disabled, updated_at = excluded.updated_at",
            )
            .and_then(|mut s| {
                s.execute(params![
                    a.username,
                    a.display_name,
                    a.password_hash,
                    a.totp_secret,
                    a.totp_exempt,
                    a.must_change_password,
                    a.oidc_subject,
                    a.grants.join(" "),
                    a.disabled,
                    micros(a.created_at),
                    micros(a.updated_at)
                ])
            })
            .map_err(db)?;
            if *end_sessions {
                conn.prepare_cached(
                    "UPDATE staff_sessions SET ended_at = ?1 WHERE username = ?2 AND ended_at IS NULL",
                )
                .and_then(|mut s| s.execute(params![micros(a.updated_at), a.username]))
                .map_err(db)?;
            }
        }
        Some(AccountChange::LoginAttempt {
            username,
            success: true,
            ..
        }) => {
            conn.prepare_cached(
                "UPDATE staff_accounts SET failed_logins = 0, locked_until = NULL WHERE username = ?1",
            )
            .and_then(|mut s| s.execute([username]))
            .map_err(db)?;
        }
        Some(AccountChange::LoginAttempt {
            username,
            success: false,
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
        None => {}
    }
    match &w.session {
        Some(SessionChange::Start(s)) => insert_session(conn, s)?,
        Some(SessionChange::Replace { old_id_hash, new }) => {
            end_session(conn, old_id_hash, new.created_at)?;
            insert_session(conn, new)?;
        }
        Some(SessionChange::Touch { id_hash, at }) => {
            conn.prepare_cached("UPDATE staff_sessions SET last_seen_at = ?1 WHERE id_hash = ?2")
                .and_then(|mut s| s.execute(params![micros(*at), id_hash]))
                .map_err(db)?;
        }
        Some(SessionChange::End { id_hash, at }) => end_session(conn, id_hash, *at)?,
        None => {}
    }
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

fn end_session(conn: &Connection, id_hash: &str, at: chrono::DateTime<chrono::Utc>) -> Result<()> {
    conn.prepare_cached(
        "UPDATE staff_sessions SET ended_at = ?1 WHERE id_hash = ?2 AND ended_at IS NULL",
    )
    .and_then(|mut s| s.execute(params![micros(at), id_hash]))
    .map_err(db)?;
    Ok(())
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
