//! The directory on PostgreSQL (see `crate::directory`).

use chrono::{DateTime, Utc};
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;

use super::db;
use crate::directory::{
    DirectorySnapshot, DirectoryStamp, DirectoryWrite, HistoryRow, ImportRow, StoredAbsence,
    StoredEntry, ABSENCE_COLUMNS, HISTORY_COLUMNS,
};
use crate::{Result, StoreError};

pub(super) async fn stamp(client: &impl GenericClient) -> Result<DirectoryStamp> {
    let row = client
        .query_one("SELECT n, notes FROM directory_stamp", &[])
        .await
        .map_err(db)?;
    Ok(DirectoryStamp {
        entries: row.get(0),
        notes: row.get(1),
    })
}

fn absence(r: &Row) -> StoredAbsence {
    StoredAbsence {
        id: r.get(0),
        kind: r.get(1),
        entry_id: r.get(2),
        starts_at: r.get(3),
        ends_at: r.get(4),
        data: r.get(5),
        set_by: r.get(6),
        set_at: r.get(7),
    }
}

/// Everything, in one snapshot (the caller's repeatable-read transaction).
pub(super) async fn snapshot(
    client: &impl GenericClient,
    now: DateTime<Utc>,
) -> Result<DirectorySnapshot> {
    let stamp = stamp(client).await?;
    let entries = client
        .query(
            "SELECT kind, id, data FROM directory_entries ORDER BY kind, id",
            &[],
        )
        .await
        .map_err(db)?
        .iter()
        .map(|r| StoredEntry {
            kind: r.get(0),
            id: r.get(1),
            data: r.get(2),
        })
        .collect();
    let absences = current_absences(client, now).await?;
    Ok(DirectorySnapshot {
        stamp,
        entries,
        absences,
    })
}

/// The absence notes not ended at `now`, with the counters (the caller's snapshot).
pub(super) async fn notes(
    client: &impl GenericClient,
    now: DateTime<Utc>,
) -> Result<(DirectoryStamp, Vec<StoredAbsence>)> {
    Ok((stamp(client).await?, current_absences(client, now).await?))
}

async fn current_absences(
    client: &impl GenericClient,
    now: DateTime<Utc>,
) -> Result<Vec<StoredAbsence>> {
    Ok(client
        .query(
            &format!(
                "SELECT {ABSENCE_COLUMNS} FROM directory_absences \
                 WHERE removed_at IS NULL AND ends_at > $1 ORDER BY starts_at, id"
            ),
            &[&now],
        )
        .await
        .map_err(db)?
        .iter()
        .map(absence)
        .collect())
}

pub(super) async fn history(
    client: &impl GenericClient,
    kind: &str,
    id: &str,
    limit: u32,
) -> Result<Vec<HistoryRow>> {
    Ok(client
        .query(
            &format!(
                "SELECT {HISTORY_COLUMNS} FROM directory_history \
                 WHERE kind = $1 AND entry_id = $2 ORDER BY id DESC LIMIT $3"
            ),
            &[&kind, &id, &i64::from(limit)],
        )
        .await
        .map_err(db)?
        .iter()
        .map(|r| HistoryRow {
            id: r.get(0),
            at: r.get(1),
            actor: r.get(2),
            kind: r.get(3),
            entry_id: r.get(4),
            change: r.get(5),
            fields: r.get(6),
            before: r.get(7),
            after: r.get(8),
            import_id: r.get(9),
        })
        .collect())
}

pub(super) async fn imports(client: &impl GenericClient, limit: u32) -> Result<Vec<ImportRow>> {
    Ok(client
        .query(
            "SELECT id, at, actor, source, summary FROM directory_imports ORDER BY id DESC LIMIT $1",
            &[&i64::from(limit)],
        )
        .await
        .map_err(db)?
        .iter()
        .map(|r| ImportRow {
            id: r.get(0),
            at: r.get(1),
            actor: r.get(2),
            source: r.get(3),
            summary: r.get(4),
        })
        .collect())
}

#[allow(clippy::too_many_arguments)]
async fn record(
    tx: &Transaction<'_>,
    at: &DateTime<Utc>,
    actor: &str,
    kind: &str,
    entry_id: &str,
    change: &str,
    fields: &str,
    before: Option<&str>,
    after: Option<&str>,
    import_id: Option<i64>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO directory_history (at, actor, kind, entry_id, change, fields, before, after, import_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[&at, &actor, &kind, &entry_id, &change, &fields, &before, &after, &import_id],
    )
    .await
    .map(|_| ())
    .map_err(db)
}

/// Locks the stamp row first: writers take turns, and an import's check
/// of the stamp holds until it commits.
async fn lock_stamp(tx: &Transaction<'_>) -> Result<i64> {
    Ok(tx
        .query_one("SELECT n FROM directory_stamp FOR UPDATE", &[])
        .await
        .map_err(db)?
        .get(0))
}

async fn bump(tx: &Transaction<'_>, counter: &str) -> Result<()> {
    tx.execute(
        &format!("UPDATE directory_stamp SET {counter} = {counter} + 1"),
        &[],
    )
    .await
    .map(|_| ())
    .map_err(db)
}

pub(super) async fn write(tx: &Transaction<'_>, w: &DirectoryWrite) -> Result<i64> {
    let current = lock_stamp(tx).await?;
    match w {
        DirectoryWrite::Apply {
            expected_stamp,
            changes,
            source,
            summary,
            by,
            at,
            ..
        } => {
            if current != *expected_stamp {
                return Err(StoreError::Conflict);
            }
            let import_id: Option<i64> = match source {
                Some(source) => Some(
                    tx.query_one(
                        "INSERT INTO directory_imports (at, actor, source, summary) VALUES ($1, $2, $3, $4) RETURNING id",
                        &[at, by, source, summary],
                    )
                    .await
                    .map_err(db)?
                    .get(0),
                ),
                None => None,
            };
            for c in changes {
                match &c.after {
                    Some(data) => {
                        tx.execute(
                            "INSERT INTO directory_entries (kind, id, data) VALUES ($1, $2, $3) \
                             ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data",
                            &[&c.kind, &c.id, data],
                        )
                        .await
                    }
                    None => {
                        // Whoever left has no absence note any more.
                        tx.execute(
                            "UPDATE directory_absences SET removed_by = $3, removed_at = $4 \
                             WHERE kind = $1 AND entry_id = $2 AND removed_at IS NULL",
                            &[&c.kind, &c.id, by, at],
                        )
                        .await
                        .map_err(db)?;
                        tx.execute(
                            "DELETE FROM directory_entries WHERE kind = $1 AND id = $2",
                            &[&c.kind, &c.id],
                        )
                        .await
                    }
                }
                .map_err(db)?;
                record(
                    tx,
                    at,
                    by,
                    &c.kind,
                    &c.id,
                    &c.change,
                    &c.fields,
                    c.before.as_deref(),
                    c.after.as_deref(),
                    import_id,
                )
                .await?;
            }
            bump(tx, "n").await?;
            if changes.iter().any(|c| c.after.is_none()) {
                bump(tx, "notes").await?;
            }
            Ok(import_id.unwrap_or(0))
        }
        DirectoryWrite::SetAbsence {
            kind,
            entry_id,
            starts_at,
            ends_at,
            data,
            by,
            at,
            ..
        } => {
            let id: i64 = tx
                .query_one(
                    "INSERT INTO directory_absences (kind, entry_id, starts_at, ends_at, data, set_by, set_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    &[kind, entry_id, starts_at, ends_at, data, by, at],
                )
                .await
                .map_err(db)?
                .get(0);
            record(
                tx,
                at,
                by,
                kind,
                entry_id,
                "absence_set",
                "",
                None,
                Some(data),
                None,
            )
            .await?;
            bump(tx, "notes").await?;
            Ok(id)
        }
        DirectoryWrite::RemoveAbsence { id, by, at, .. } => {
            let Some(row) = tx
                .query_opt(
                    "UPDATE directory_absences SET removed_by = $2, removed_at = $3 \
                     WHERE id = $1 AND removed_at IS NULL RETURNING kind, entry_id, data",
                    &[id, by, at],
                )
                .await
                .map_err(db)?
            else {
                return Ok(0);
            };
            let (kind, entry_id, data): (String, String, String) =
                (row.get(0), row.get(1), row.get(2));
            record(
                tx,
                at,
                by,
                &kind,
                &entry_id,
                "absence_removed",
                "",
                Some(&data),
                None,
                None,
            )
            .await?;
            bump(tx, "notes").await?;
            Ok(1)
        }
    }
}
