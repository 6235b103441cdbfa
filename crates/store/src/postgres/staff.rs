//! Staff accounts and sessions on PostgreSQL.

use deadpool_postgres::Transaction;
use tokio_postgres::GenericClient;
use tokio_postgres::Row;

use super::db;
use crate::staff::{Account, AccountChange, Session, SessionChange, SessionStage, StaffWrite};
use crate::{stored, Result, StoreError};

pub(super) const ACCOUNT_COLUMNS: &str = "username, display_name, password_hash, totp_secret, totp_exempt, \
     must_change_password, oidc_subject, grants, disabled, failed_logins, locked_until, created_at, updated_at, \
     sso_allowed, totp_last_step";

/// An UPDATE that must change exactly one row, else the step was already
/// taken (or its condition no longer holds).
fn exactly_one(n: u64) -> Result<()> {
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

pub(super) async fn write(tx: &Transaction<'_>, w: &StaffWrite) -> Result<()> {
    let at = &w.at;
    match &w.account {
        Some(AccountChange::Create(a)) => {
            tx.execute(
                "INSERT INTO staff_accounts (username, display_name, password_hash, totp_secret, totp_exempt,
                     must_change_password, sso_allowed, oidc_subject, grants, disabled, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                &[
                    &a.username,
                    &a.display_name,
                    &a.password_hash,
                    &a.totp_secret,
                    &a.totp_exempt,
                    &a.must_change_password,
                    &a.sso_allowed,
                    &a.oidc_subject,
                    &a.grants.join(" "),
                    &a.disabled,
                    &a.created_at,
                    &a.updated_at,
                ],
            )
            .await
            .map_err(db)?;
        }
        Some(AccountChange::SetDisabled { username, disabled }) => {
            let n = tx
                .execute(
                    "UPDATE staff_accounts SET disabled = $1, updated_at = $2 WHERE username = $3",
                    &[disabled, at, username],
                )
                .await
                .map_err(db)?;
            exactly_one(n).map_err(|_| StoreError::NotFound)?;
            if *disabled {
                end_sessions_of(tx, username, at).await?;
            }
        }
        Some(AccountChange::SetPassword {
            username,
            hash,
            reset,
            forget_second_factor,
        }) => {
            let n = tx
                .execute(
                    "UPDATE staff_accounts SET password_hash = $1, must_change_password = $2,
                         totp_secret = CASE WHEN $3 THEN NULL ELSE totp_secret END,
                         failed_logins = 0, locked_until = NULL, updated_at = $4
                     WHERE username = $5",
                    &[hash, reset, forget_second_factor, at, username],
                )
                .await
                .map_err(db)?;
            exactly_one(n).map_err(|_| StoreError::NotFound)?;
            if *reset {
                end_sessions_of(tx, username, at).await?;
            }
        }
        Some(AccountChange::Failure {
            username,
            max_failures,
            lock_until,
        }) => {
            let max = i32::try_from(*max_failures).unwrap_or(i32::MAX);
            tx.execute(
                "UPDATE staff_accounts SET
                     locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END,
                     failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END
                 WHERE username = $1",
                &[username, &max, lock_until],
            )
            .await
            .map_err(db)?;
        }
        Some(AccountChange::LoggedIn {
            username,
            totp_step,
            enrol,
        }) => {
            let n = tx
                .execute(
                    "UPDATE staff_accounts SET failed_logins = 0, locked_until = NULL,
                         totp_last_step = COALESCE($2::BIGINT, totp_last_step),
                         totp_secret = COALESCE(totp_secret, $3::TEXT),
                         updated_at = CASE WHEN $3::TEXT IS NULL THEN updated_at ELSE $4 END
                     WHERE username = $1 AND NOT disabled
                       AND ($2::BIGINT IS NULL OR totp_last_step < $2::BIGINT)
                       AND ($3::TEXT IS NULL OR totp_secret IS NULL)",
                    &[username, totp_step, enrol, at],
                )
                .await
                .map_err(db)?;
            exactly_one(n)?;
        }
        Some(AccountChange::BindSubject { username, subject }) => {
            let n = tx
                .execute(
                    "UPDATE staff_accounts SET oidc_subject = $1, updated_at = $2
                     WHERE username = $3 AND sso_allowed AND NOT disabled AND oidc_subject IS NULL",
                    &[subject, at, username],
                )
                .await
                .map_err(db)?;
            exactly_one(n)?;
        }
        None => {}
    }
    match &w.session {
        Some(SessionChange::Start(s)) => insert_session(tx, s).await?,
        Some(SessionChange::Replace { old_id_hash, new }) => {
            exactly_one(end_session(tx, old_id_hash, new.created_at).await?)?;
            insert_session(tx, new).await?;
        }
        Some(SessionChange::Touch { id_hash, at }) => {
            tx.execute(
                "UPDATE staff_sessions SET last_seen_at = $1 WHERE id_hash = $2",
                &[at, id_hash],
            )
            .await
            .map_err(db)?;
        }
        Some(SessionChange::End { id_hash, at }) => {
            exactly_one(end_session(tx, id_hash, *at).await?)?
        }
        Some(SessionChange::Purge { before }) => {
            tx.execute(
                "DELETE FROM staff_sessions WHERE ended_at < $1 OR last_seen_at < $1",
                &[before],
            )
            .await
            .map_err(db)?;
        }
        None => {}
    }
    Ok(())
}

async fn end_sessions_of(
    tx: &Transaction<'_>,
    username: &str,
    at: &chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    tx.execute(
        "UPDATE staff_sessions SET ended_at = $1 WHERE username = $2 AND ended_at IS NULL",
        &[at, &username],
    )
    .await
    .map_err(db)?;
    Ok(())
}

async fn insert_session(tx: &Transaction<'_>, s: &Session) -> Result<()> {
    tx.execute(
        "INSERT INTO staff_sessions (id_hash, username, stage, csrf_token, pending, created_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &s.id_hash,
            &s.username,
            &s.stage.as_str(),
            &s.csrf_token,
            &s.pending,
            &s.created_at,
            &s.last_seen_at,
        ],
    )
    .await
    .map_err(db)?;
    Ok(())
}

/// Ends a session; returns how many rows it changed (0 if already ended).
async fn end_session(
    tx: &Transaction<'_>,
    id_hash: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<u64> {
    tx.execute(
        "UPDATE staff_sessions SET ended_at = $1 WHERE id_hash = $2 AND ended_at IS NULL",
        &[&at, &id_hash],
    )
    .await
    .map_err(db)
}

fn account_row(r: &Row) -> Account {
    let grants: String = r.get(7);
    let failed: i32 = r.get(9);
    Account {
        username: r.get(0),
        display_name: r.get(1),
        password_hash: r.get(2),
        totp_secret: r.get(3),
        totp_exempt: r.get(4),
        must_change_password: r.get(5),
        oidc_subject: r.get(6),
        grants: grants.split_whitespace().map(str::to_owned).collect(),
        disabled: r.get(8),
        failed_logins: u32::try_from(failed).unwrap_or(0),
        locked_until: r.get(10),
        created_at: r.get(11),
        updated_at: r.get(12),
        sso_allowed: r.get(13),
        totp_last_step: r.get(14),
    }
}

pub(super) async fn accounts(
    client: &impl GenericClient,
    filter: &str,
    arg: Option<&str>,
) -> Result<Vec<Account>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM staff_accounts {filter} ORDER BY username");
    let rows = match arg {
        Some(arg) => client.query(&sql, &[&arg]).await,
        None => client.query(&sql, &[]).await,
    }
    .map_err(db)?;
    Ok(rows.iter().map(account_row).collect())
}

pub(super) async fn session(client: &impl GenericClient, id_hash: &str) -> Result<Option<Session>> {
    let row = client
        .query_opt(
            "SELECT username, stage, csrf_token, pending, created_at, last_seen_at, ended_at IS NOT NULL
             FROM staff_sessions WHERE id_hash = $1",
            &[&id_hash],
        )
        .await
        .map_err(db)?;
    row.map(|r| {
        let stage: String = r.get(1);
        Ok(Session {
            id_hash: id_hash.to_owned(),
            username: r.get(0),
            stage: stored("session stage", &stage, SessionStage::parse)?,
            csrf_token: r.get(2),
            pending: r.get(3),
            created_at: r.get(4),
            last_seen_at: r.get(5),
            ended: r.get(6),
        })
    })
    .transpose()
}
