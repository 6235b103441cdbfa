//! The outbox on SQLite.

use r2d2_sqlite::rusqlite::{params, Connection, OptionalExtension, Row};

use super::{db, micros, opt_time, time};
use crate::outbox::{
    fill_in, parse_refs, refs, Claim, NewOutbound, OutboundMessage, OutboundResult, Outcome,
    COLUMNS,
};
use crate::{stored, Result};
use kontakt_domain::case::CaseNumber;
use kontakt_domain::message::{OutboundChannel, OutboundState};

pub(super) fn queue(
    conn: &Connection,
    case_id: i64,
    number: CaseNumber,
    at: i64,
    messages: &[NewOutbound],
) -> Result<()> {
    for m in messages {
        conn.prepare_cached(
            "INSERT INTO outbox (case_id, channel, recipient, subject, body, message_id, in_reply_to, refs, \
             next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        )
        .and_then(|mut s| {
            s.execute(params![
                case_id,
                m.channel.as_str(),
                m.recipient,
                fill_in(&m.subject, number),
                fill_in(&m.body, number),
                m.message_id,
                m.in_reply_to,
                refs(&m.references),
                at
            ])
        })
        .map_err(db)?;
    }
    Ok(())
}

/// Queues a board's report unless that board's report for that month is
/// queued already; returns whether it was queued now.
pub(super) fn queue_report(conn: &Connection, r: &crate::outbox::NewReport) -> Result<u64> {
    let month = r.month.format("%Y-%m-%d").to_string();
    let queued: Option<i64> = conn
        .prepare_cached("SELECT 1 FROM stats_reports WHERE board = ?1 AND month = ?2")
        .and_then(|mut s| {
            s.query_row(params![r.board, month], |row| row.get(0))
                .optional()
        })
        .map_err(db)?;
    if queued.is_some() {
        return Ok(0);
    }
    let m = &r.message;
    conn.prepare_cached(
        "INSERT INTO outbox (case_id, channel, recipient, subject, body, message_id, in_reply_to, refs, \
         next_attempt_at, created_at) VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )
    .and_then(|mut s| {
        s.execute(params![
            m.channel.as_str(),
            m.recipient,
            m.subject,
            m.body,
            m.message_id,
            m.in_reply_to,
            refs(&m.references),
            micros(r.at)
        ])
    })
    .map_err(db)?;
    let outbox_id = conn.last_insert_rowid();
    conn.prepare_cached(
        "INSERT INTO stats_reports (board, month, outbox_id, queued_at) VALUES (?1, ?2, ?3, ?4)",
    )
    .and_then(|mut s| s.execute(params![r.board, month, outbox_id, micros(r.at)]))
    .map_err(db)?;
    Ok(1)
}

type RawRow = (
    i64,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    i64,
    Option<String>,
    i64,
    Option<i64>,
);

fn raw(r: &Row) -> r2d2_sqlite::rusqlite::Result<RawRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
        r.get(12)?,
        r.get(13)?,
    ))
}

fn message(raw: RawRow) -> Result<OutboundMessage> {
    let (
        id,
        number,
        channel,
        recipient,
        subject,
        body,
        message_id,
        in_reply_to,
        refs,
        state,
        attempts,
        last_error,
        created,
        sent,
    ) = raw;
    Ok(OutboundMessage {
        id,
        case: number
            .map(|n| stored::<CaseNumber>("case number", &n, |s| s.parse().ok()))
            .transpose()?,
        channel: stored("outbound channel", &channel, OutboundChannel::parse)?,
        recipient,
        subject,
        body,
        message_id,
        in_reply_to,
        references: parse_refs(&refs),
        state: stored("outbound state", &state, OutboundState::parse)?,
        attempts: u32::try_from(attempts).unwrap_or(0),
        last_error,
        created_at: time(created).map_err(db)?,
        sent_at: opt_time(sent).map_err(db)?,
    })
}

pub(super) fn claim(conn: &Connection, c: &Claim) -> Result<Vec<OutboundMessage>> {
    let ids: Vec<i64> = conn
        .prepare_cached(
            "SELECT id FROM outbox WHERE state = 'queued' AND next_attempt_at <= ?1 AND channel = ?3 \
             ORDER BY next_attempt_at, id LIMIT ?2",
        )
        .and_then(|mut s| {
            s.query_map(params![micros(c.now), c.limit, c.channel.as_str()], |r| r.get(0))?
                .collect()
        })
        .map_err(db)?;
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        conn.prepare_cached(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?1 WHERE id = ?2",
        )
        .and_then(|mut s| s.execute(params![micros(c.lease_until), id]))
        .map_err(db)?;
        let row = conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM outbox o LEFT JOIN cases c ON c.id = o.case_id WHERE o.id = ?1"
            ))
            .and_then(|mut s| s.query_row([id], raw))
            .map_err(db)?;
        claimed.push(message(row)?);
    }
    Ok(claimed)
}

pub(super) fn record(conn: &Connection, r: &OutboundResult) -> Result<()> {
    let at = micros(r.at);
    match &r.outcome {
        Outcome::Sent { provider_ref } => conn.execute(
            // A delivery report may come before the send is recorded: keep it.
            "UPDATE outbox SET state = CASE WHEN state = 'queued' THEN 'sent' ELSE state END, \
             sent_at = ?1, provider_ref = ?2, last_error = NULL WHERE id = ?3",
            params![at, provider_ref, r.id],
        ),
        Outcome::Retry { at: next, error } => conn.execute(
            "UPDATE outbox SET next_attempt_at = ?1, last_error = ?2 WHERE id = ?3 AND state = 'queued'",
            params![micros(*next), error, r.id],
        ),
        Outcome::Failed { error } => conn.execute(
            "UPDATE outbox SET state = 'failed', last_error = ?1 WHERE id = ?2",
            params![error, r.id],
        ),
        Outcome::Delivered => conn.execute(
            "UPDATE outbox SET state = 'delivered', last_error = NULL WHERE id = ?1",
            params![r.id],
        ),
    }
    .map_err(db)?;
    Ok(())
}

pub(super) fn for_case(conn: &Connection, number: CaseNumber) -> Result<Vec<OutboundMessage>> {
    let rows: Vec<RawRow> = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox o LEFT JOIN cases c ON c.id = o.case_id WHERE c.number = ?1 ORDER BY o.id"
        ))
        .and_then(|mut s| s.query_map([number.to_string()], raw)?.collect())
        .map_err(db)?;
    rows.into_iter().map(message).collect()
}

/// Refuses a message that was registered before (see `intake_keys`).
pub(super) fn check_intake_key(conn: &Connection, key: Option<&str>) -> Result<()> {
    let Some(key) = key else { return Ok(()) };
    let seen: Option<String> = conn
        .prepare_cached(
            "SELECT c.number FROM intake_keys k JOIN cases c ON c.id = k.case_id WHERE k.key = ?1",
        )
        .and_then(|mut s| s.query_row([key], |r| r.get(0)).optional())
        .map_err(db)?;
    match seen {
        Some(number) => Err(crate::StoreError::AlreadyRegistered(stored(
            "case number",
            &number,
            |s| s.parse().ok(),
        )?)),
        None => Ok(()),
    }
}

pub(super) fn record_intake_key(
    conn: &Connection,
    key: Option<&str>,
    case_id: i64,
    at: i64,
) -> Result<()> {
    if let Some(key) = key {
        conn.prepare_cached(
            "INSERT INTO intake_keys (key, case_id, created_at) VALUES (?1, ?2, ?3)",
        )
        .and_then(|mut s| s.execute(params![key, case_id, at]))
        .map_err(db)?;
    }
    Ok(())
}

pub(super) fn by_message_id(
    conn: &Connection,
    message_id: &str,
) -> Result<Option<OutboundMessage>> {
    let row: Option<RawRow> = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox o LEFT JOIN cases c ON c.id = o.case_id WHERE o.message_id = ?1"
        ))
        .and_then(|mut s| s.query_row([message_id], raw).optional())
        .map_err(db)?;
    row.map(message).transpose()
}

/// The case Kontakt last sent a message on this channel to this address
/// about, since `since`.
pub(super) fn count_to(
    conn: &Connection,
    channel: OutboundChannel,
    recipient: &str,
    since: i64,
) -> Result<u64> {
    conn.prepare_cached(
        "SELECT COUNT(*) FROM outbox WHERE recipient = ?1 AND channel = ?2 AND created_at >= ?3",
    )
    .and_then(|mut s| {
        s.query_row(params![recipient, channel.as_str(), since], |r| {
            r.get::<_, i64>(0)
        })
    })
    .map(|n| n.max(0) as u64)
    .map_err(db)
}

pub(super) fn latest_to(
    conn: &Connection,
    channel: OutboundChannel,
    recipient: &str,
    since: i64,
) -> Result<Option<CaseNumber>> {
    let number: Option<String> = conn
        .prepare_cached(
            "SELECT c.number FROM outbox o JOIN cases c ON c.id = o.case_id \
             WHERE o.recipient = ?1 AND o.channel = ?2 AND o.created_at >= ?3 ORDER BY o.id DESC LIMIT 1",
        )
        .and_then(|mut s| s.query_row(params![recipient, channel.as_str(), since], |r| r.get(0)).optional())
        .map_err(db)?;
    number
        .map(|n| stored("case number", &n, |s| s.parse().ok()))
        .transpose()
}
