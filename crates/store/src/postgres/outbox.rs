//! The outbox on PostgreSQL.

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use deadpool_postgres::Transaction;
use tokio_postgres::Row;

use super::db;
use crate::outbox::{
    fill_in, parse_refs, refs, Claim, NewOutbound, OutboundMessage, OutboundResult, Outcome,
    COLUMNS,
};
use crate::{stored, Result};
use kontakt_domain::case::CaseNumber;
use kontakt_domain::message::{OutboundChannel, OutboundState};

pub(super) async fn queue(
    tx: &Transaction<'_>,
    case_id: i64,
    number: CaseNumber,
    at: DateTime<Utc>,
    messages: &[NewOutbound],
) -> Result<()> {
    for m in messages {
        tx.execute(
            "INSERT INTO outbox (case_id, channel, recipient, subject, body, message_id, in_reply_to, refs, \
             next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
            &[
                &case_id,
                &m.channel.as_str(),
                &m.recipient,
                &fill_in(&m.subject, number),
                &fill_in(&m.body, number),
                &m.message_id,
                &m.in_reply_to,
                &refs(&m.references),
                &at,
            ],
        )
        .await
        .map_err(db)?;
    }
    Ok(())
}

/// Queues a board's report unless that board's report for that month is
/// queued already; returns whether it was queued now.
pub(super) async fn queue_report(
    tx: &Transaction<'_>,
    r: &crate::outbox::NewReport,
) -> Result<u64> {
    let queued = tx
        .query_opt(
            "SELECT 1 FROM stats_reports WHERE board = $1 AND month = $2",
            &[&r.board, &r.month],
        )
        .await
        .map_err(db)?;
    if queued.is_some() {
        return Ok(0);
    }
    let m = &r.message;
    let row = tx
        .query_one(
            "INSERT INTO outbox (case_id, channel, recipient, subject, body, message_id, in_reply_to, refs, \
             next_attempt_at, created_at) VALUES (NULL, $1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
            &[
                &m.channel.as_str(),
                &m.recipient,
                &m.subject,
                &m.body,
                &m.message_id,
                &m.in_reply_to,
                &refs(&m.references),
                &r.at,
            ],
        )
        .await
        .map_err(db)?;
    let outbox_id: i64 = row.get(0);
    tx.execute(
        "INSERT INTO stats_reports (board, month, outbox_id, queued_at) VALUES ($1, $2, $3, $4)",
        &[&r.board, &r.month, &outbox_id, &r.at],
    )
    .await
    .map_err(db)?;
    Ok(1)
}

fn message(r: &Row) -> Result<OutboundMessage> {
    let number: Option<String> = r.get(1);
    let channel: String = r.get(2);
    let state: String = r.get(9);
    let refs: String = r.get(8);
    let attempts: i32 = r.get(10);
    Ok(OutboundMessage {
        id: r.get(0),
        case: number
            .map(|n| stored::<CaseNumber>("case number", &n, |s| s.parse().ok()))
            .transpose()?,
        channel: stored("outbound channel", &channel, OutboundChannel::parse)?,
        recipient: r.get(3),
        subject: r.get(4),
        body: r.get(5),
        message_id: r.get(6),
        in_reply_to: r.get(7),
        references: parse_refs(&refs),
        state: stored("outbound state", &state, OutboundState::parse)?,
        attempts: u32::try_from(attempts).unwrap_or(0),
        last_error: r.get(11),
        created_at: r.get(12),
        sent_at: r.get(13),
    })
}

/// Due messages, locked so that a second process claiming at the same
/// moment skips them rather than sending them twice.
pub(super) async fn claim(tx: &Transaction<'_>, c: &Claim) -> Result<Vec<OutboundMessage>> {
    let rows = tx
        .query(
            &format!(
                "WITH claimed AS (
                     UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2
                     WHERE id IN (SELECT id FROM outbox WHERE state = 'queued' AND next_attempt_at <= $1 AND channel = $4
                                  ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
                     RETURNING *)
                 SELECT {COLUMNS} FROM claimed o LEFT JOIN cases c ON c.id = o.case_id ORDER BY o.id"
            ),
            &[&c.now, &c.lease_until, &i64::from(c.limit), &c.channel.as_str()],
        )
        .await
        .map_err(db)?;
    rows.iter().map(message).collect()
}

pub(super) async fn record(tx: &Transaction<'_>, r: &OutboundResult) -> Result<()> {
    match &r.outcome {
        Outcome::Sent { provider_ref } => tx.execute(
            // A delivery report may come before the send is recorded: keep it.
            "UPDATE outbox SET state = CASE WHEN state = 'queued' THEN 'sent' ELSE state END, \
             sent_at = $1, provider_ref = $2, last_error = NULL WHERE id = $3",
            &[&r.at, provider_ref, &r.id],
        ).await,
        Outcome::Retry { at, error } => tx.execute(
            "UPDATE outbox SET next_attempt_at = $1, last_error = $2 WHERE id = $3 AND state = 'queued'",
            &[at, error, &r.id],
        ).await,
        Outcome::Failed { error } => tx.execute(
            "UPDATE outbox SET state = 'failed', last_error = $1 WHERE id = $2",
            &[error, &r.id],
        ).await,
        Outcome::Delivered => tx.execute(
            "UPDATE outbox SET state = 'delivered', last_error = NULL WHERE id = $1",
            &[&r.id],
        ).await,
    }
    .map_err(db)?;
    Ok(())
}

pub(super) async fn for_case(
    client: &impl GenericClient,
    number: CaseNumber,
) -> Result<Vec<OutboundMessage>> {
    let rows = client
        .query(
            &format!("SELECT {COLUMNS} FROM outbox o LEFT JOIN cases c ON c.id = o.case_id WHERE c.number = $1 ORDER BY o.id"),
            &[&number.to_string()],
        )
        .await
        .map_err(db)?;
    rows.iter().map(message).collect()
}

/// Refuses a message that was registered before (see `intake_keys`). A
/// check before any write, so a refused write leaves nothing behind.
pub(super) async fn check_intake_key(tx: &impl GenericClient, key: Option<&str>) -> Result<()> {
    let Some(key) = key else { return Ok(()) };
    let seen = tx
        .query_opt(
            "SELECT c.number FROM intake_keys k JOIN cases c ON c.id = k.case_id WHERE k.key = $1",
            &[&key],
        )
        .await
        .map_err(db)?;
    match seen {
        Some(row) => {
            let number: String = row.get(0);
            Err(crate::StoreError::AlreadyRegistered(stored(
                "case number",
                &number,
                |s| s.parse().ok(),
            )?))
        }
        None => Ok(()),
    }
}

pub(super) async fn record_intake_key(
    tx: &Transaction<'_>,
    key: Option<&str>,
    case_id: i64,
    at: DateTime<Utc>,
) -> Result<()> {
    if let Some(key) = key {
        tx.execute(
            "INSERT INTO intake_keys (key, case_id, created_at) VALUES ($1, $2, $3)",
            &[&key, &case_id, &at],
        )
        .await
        .map_err(db)?;
    }
    Ok(())
}

pub(super) async fn insert_blob(tx: &Transaction<'_>, blob: &crate::NewBlob) -> Result<()> {
    tx.execute(
        "INSERT INTO blobs (sha256, size, content) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING",
        &[&blob.sha256, &(blob.content.len() as i64), &blob.content],
    )
    .await
    .map_err(db)?;
    Ok(())
}

pub(super) async fn by_message_id(
    client: &impl GenericClient,
    message_id: &str,
) -> Result<Option<OutboundMessage>> {
    let row = client
        .query_opt(
            &format!("SELECT {COLUMNS} FROM outbox o LEFT JOIN cases c ON c.id = o.case_id WHERE o.message_id = $1"),
            &[&message_id],
        )
        .await
        .map_err(db)?;
    row.as_ref().map(message).transpose()
}

/// The case Kontakt last sent a message on this channel to this address
/// about, since `since`.
pub(super) async fn count_to(
    client: &impl GenericClient,
    channel: OutboundChannel,
    recipient: &str,
    since: DateTime<Utc>,
) -> Result<u64> {
    let n: i64 = client
        .query_one(
            "SELECT COUNT(*) FROM outbox WHERE recipient = $1 AND channel = $2 AND created_at >= $3",
            &[&recipient, &channel.as_str(), &since],
        )
        .await
        .map_err(db)?
        .get(0);
    Ok(n.max(0) as u64)
}

pub(super) async fn latest_to(
    client: &impl GenericClient,
    channel: OutboundChannel,
    recipient: &str,
    since: DateTime<Utc>,
) -> Result<Option<CaseNumber>> {
    let row = client
        .query_opt(
            "SELECT c.number FROM outbox o JOIN cases c ON c.id = o.case_id \
             WHERE o.recipient = $1 AND o.channel = $2 AND o.created_at >= $3 ORDER BY o.id DESC LIMIT 1",
            &[&recipient, &channel.as_str(), &since],
        )
        .await
        .map_err(db)?;
    row.map(|r| {
        let n: String = r.get(0);
        stored("case number", &n, |s| s.parse().ok())
    })
    .transpose()
}
