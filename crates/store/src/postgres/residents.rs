//! Mina sidor on PostgreSQL (see `crate::residents`).

use chrono::{DateTime, Utc};
use deadpool_postgres::{GenericClient, Transaction};

use super::db;
use crate::residents::{
    NewResidentSession, ResidentSession, ResidentWrite, CODE_ACCEPTED, CODE_DEAD, CODE_WRONG,
    SESSION_COLUMNS,
};
use crate::Result;

pub(super) async fn session(
    client: &impl GenericClient,
    id_hash: &str,
) -> Result<Option<ResidentSession>> {
    Ok(client
        .query_opt(
            &format!("SELECT {SESSION_COLUMNS} FROM resident_sessions WHERE id_hash = $1"),
            &[&id_hash],
        )
        .await
        .map_err(db)?
        .map(|r| ResidentSession {
            id_hash: r.get(0),
            identity: r.get(1),
            device_hash: r.get(2),
            csrf_token: r.get(3),
            created_at: r.get(4),
            last_seen_at: r.get(5),
            ended_at: r.get(6),
        }))
}

pub(super) async fn code(client: &impl GenericClient, id: &str) -> Result<Option<(String, u32)>> {
    Ok(client
        .query_opt(
            "SELECT address, attempts FROM resident_codes WHERE id = $1",
            &[&id],
        )
        .await
        .map_err(db)?
        .map(|r| (r.get::<_, String>(0), r.get::<_, i32>(1).max(0) as u32)))
}

pub(super) async fn codes_since(
    client: &impl GenericClient,
    address: &str,
    since: DateTime<Utc>,
) -> Result<u64> {
    let n: i64 = client
        .query_one(
            "SELECT COUNT(*) FROM resident_codes WHERE address = $1 AND created_at >= $2",
            &[&address, &since],
        )
        .await
        .map_err(db)?
        .get(0);
    Ok(n as u64)
}

pub(super) async fn follow_token_hash(
    client: &impl GenericClient,
    number: &str,
) -> Result<Option<String>> {
    Ok(client
        .query_opt(
            "SELECT follow_token_hash FROM cases WHERE number = $1",
            &[&number],
        )
        .await
        .map_err(db)?
        .and_then(|r| r.get(0)))
}

async fn start(tx: &Transaction<'_>, s: &NewResidentSession) -> Result<()> {
    tx.execute(
        "INSERT INTO resident_sessions (id_hash, identity, device_hash, csrf_token, created_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $5, $5)",
        &[&s.id_hash, &s.identity, &s.device_hash, &s.csrf_token, &s.at],
    )
    .await
    .map_err(db)?;
    Ok(())
}

/// Applies the write; answers its result and whether its audit entries
/// are to be written.
pub(super) async fn write(tx: &Transaction<'_>, w: &ResidentWrite) -> Result<(i64, bool)> {
    match w {
        ResidentWrite::IssueCode {
            id,
            address,
            code_hash,
            at,
            expires_at,
            message: m,
            limit,
            since,
            ..
        } => {
            // One address's codes are counted one request at a time, in
            // every process sharing the database.
            tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[address])
                .await
                .map_err(db)?;
            let sent: i64 = tx
                .query_one(
                    "SELECT count(*) FROM resident_codes WHERE address = $1 AND created_at >= $2",
                    &[address, since],
                )
                .await
                .map_err(db)?
                .get(0);
            if sent >= i64::from(*limit) {
                return Ok((0, false));
            }
            tx.execute(
                "INSERT INTO resident_codes (id, address, code_hash, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
                &[id, address, code_hash, at, expires_at],
            )
            .await
            .map_err(db)?;
            tx.execute(
                "INSERT INTO outbox (case_id, channel, recipient, subject, body, message_id, in_reply_to, refs, \
                 next_attempt_at, created_at) VALUES (NULL, $1, $2, $3, $4, $5, NULL, '', $6, $6)",
                &[
                    &m.channel.as_str(),
                    &m.recipient,
                    &m.subject,
                    &m.body,
                    &m.message_id,
                    at,
                ],
            )
            .await
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
            // Locked, so two tries at once are counted one after the other.
            let Some(row) = tx
                .query_opt(
                    "SELECT code_hash, expires_at, attempts, used_at FROM resident_codes WHERE id = $1 FOR UPDATE",
                    &[id],
                )
                .await
                .map_err(db)?
            else {
                return Ok((CODE_DEAD, false));
            };
            let stored: String = row.get(0);
            let expires: DateTime<Utc> = row.get(1);
            let attempts: i32 = row.get(2);
            let used: Option<DateTime<Utc>> = row.get(3);
            if used.is_some() || expires <= session.at || attempts as i64 >= i64::from(*max_attempts)
            {
                return Ok((CODE_DEAD, false));
            }
            // Only keyed hashes are compared: timing tells nothing of the code.
            let right = stored == *code_hash;
            tx.execute(
                "UPDATE resident_codes SET attempts = attempts + 1, \
                 used_at = CASE WHEN $2 THEN $3 ELSE used_at END WHERE id = $1",
                &[id, &right, &session.at],
            )
            .await
            .map_err(db)?;
            if !right {
                return Ok((CODE_WRONG, false));
            }
            start(tx, session).await?;
            Ok((CODE_ACCEPTED, true))
        }
        ResidentWrite::StartSession { session, .. } => {
            start(tx, session).await?;
            Ok((1, true))
        }
        ResidentWrite::Touch { id_hash, at } => tx
            .execute(
                "UPDATE resident_sessions SET last_seen_at = $2 WHERE id_hash = $1 AND ended_at IS NULL",
                &[id_hash, at],
            )
            .await
            .map(|n| (n as i64, false))
            .map_err(db),
        ResidentWrite::Purge { before } => {
            let codes = tx
                .execute("DELETE FROM resident_codes WHERE expires_at < $1", &[before])
                .await
                .map_err(db)?;
            let sessions = tx
                .execute(
                    "DELETE FROM resident_sessions WHERE COALESCE(ended_at, last_seen_at) < $1",
                    &[before],
                )
                .await
                .map_err(db)?;
            Ok(((codes + sessions) as i64, false))
        }
        ResidentWrite::End { id_hash, at, .. } => {
            let n = tx
                .execute(
                    "UPDATE resident_sessions SET ended_at = $2 WHERE id_hash = $1 AND ended_at IS NULL",
                    &[id_hash, at],
                )
                .await
                .map_err(db)?;
            Ok((n as i64, n > 0))
        }
        ResidentWrite::SetLanguage {
            persons,
            language,
            at,
            ..
        } => {
            let (condition, value) = persons.condition("$1");
            let n = tx
                .execute(
                    &format!(
                        "UPDATE persons SET preferred_language = $2, updated_at = $3 WHERE {condition}"
                    ),
                    &[&value, language, at],
                )
                .await
                .map_err(db)?;
            Ok((n as i64, true))
        }
    }
}
