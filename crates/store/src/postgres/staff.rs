//! Staff accounts and sessions on PostgreSQL.

use deadpool_postgres::Transaction;
use tokio_postgres::GenericClient;
use tokio_postgres::Row;

use super::db;
use crate::staff::{Account, AccountChange, Session, SessionChange, SessionStage, StaffWrite};
use crate::{stored, Result};

pub(super) const ACCOUNT_COLUMNS: &str = "username, display_name, password_hash, totp_secret, totp_exempt, \
     must_change_password, oidc_subject, grants, disabled, failed_logins, locked_until, created_at, updated_at";

pub(super) async fn write(tx: &Transaction<'_>, w: &StaffWrite) -> Result<()> {
    match &w.account {
        Some(AccountChange::Save {
            account: a,
            end_sessions,
        }) => {
            tx.execute(
                "INSERT INTO staff_accounts (username, display_name, password_hash, totp_secret, totp_exempt,
                     must_change_password, oidc_subject, grants, disabled, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name,
                     password_hash = excluded.password_hash, totp_secret = excluded.totp_secret,
                     totp_exempt = excluded.totp_exempt, must_change_password = excluded.must_change_password,
                     oidc_subject = excluded.oidc_subject, grants = excluded.grants,
                     disabled = excluded.disabled, updated_at = excluded.updated_at",
                &[
                    &a.username,
                    &a.display_name,
                    &a.password_hash,
                    &a.totp_secret,
                    &a.totp_exempt,
                    &a.must_change_password,
                    &a.oidc_subject,
                    &a.grants.join(" "),
                    &a.disabled,
                    &a.created_at,
                    &a.updated_at,
                ],
            )
            .await
            .map_err(db)?;
            if *end_sessions {
                tx.execute(
                    "UPDATE staff_sessions SET ended_at = $1 WHERE username = $2 AND ended_at IS NULL",
                    &[&a.updated_at, &a.username],
                )
                .await
                .map_err(db)?;
            }
        }
        Some(AccountChange::LoginAttempt {
            username,
            success: true,
            ..
        }) => {
            tx.execute(
                "UPDATE staff_accounts SET failed_logins = 0, locked_until = NULL WHERE username = $1",
                &[username],
            )
            .await
            .map_err(db)?;
        }
        Some(AccountChange::LoginAttempt {
            username,
            success: false,
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
        None => {}
    }
    match &w.session {
        Some(SessionChange::Start(s)) => insert_session(tx, s).await?,
        Some(SessionChange::Replace { old_id_hash, new }) => {
            end_session(tx, old_id_hash, new.created_at).await?;
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
        Some(SessionChange::End { id_hash, at }) => end_session(tx, id_hash, *at).await?,
        None => {}
    }
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

async fn end_session(
    tx: &Transaction<'_>,
    id_hash: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    tx.execute(
        "UPDATE staff_sessions SET ended_at = $1 WHERE id_hash = $2 AND ended_at IS NULL",
        &[&at, &id_hash],
    )
    .await
    .map_err(db)?;
    Ok(())
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
