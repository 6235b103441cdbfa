//! Crises on PostgreSQL (see `crate::crisis`).

use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;

use super::db;
use crate::crisis::{CrisisWrite, StoredCrisis, COLUMNS};
use crate::{Result, StoreError};

fn crisis(r: &Row) -> StoredCrisis {
    StoredCrisis {
        id: r.get(0),
        message: r.get(1),
        started_by: r.get(2),
        started_at: r.get(3),
        ended_by: r.get(4),
        ended_at: r.get(5),
        phone_before: r.get(6),
    }
}

pub(super) async fn active(client: &impl GenericClient) -> Result<Option<StoredCrisis>> {
    Ok(client
        .query_opt(
            &format!("SELECT {COLUMNS} FROM crises WHERE ended_at IS NULL"),
            &[],
        )
        .await
        .map_err(db)?
        .as_ref()
        .map(crisis))
}

pub(super) async fn recent(client: &impl GenericClient, limit: u32) -> Result<Vec<StoredCrisis>> {
    Ok(client
        .query(
            &format!("SELECT {COLUMNS} FROM crises ORDER BY started_at DESC, id DESC LIMIT $1"),
            &[&i64::from(limit)],
        )
        .await
        .map_err(db)?
        .iter()
        .map(crisis)
        .collect())
}

pub(super) async fn write(tx: &Transaction<'_>, w: &CrisisWrite) -> Result<i64> {
    match w {
        CrisisWrite::Start {
            message,
            phone_before,
            by,
            at,
            ..
        } => {
            // One start at a time, so the check below holds.
            tx.execute("LOCK TABLE crises IN SHARE ROW EXCLUSIVE MODE", &[])
                .await
                .map_err(db)?;
            if active(tx).await?.is_some() {
                return Err(StoreError::Conflict);
            }
            let row = tx
                .query_one(
                    "INSERT INTO crises (message, started_by, started_at, phone_before) VALUES ($1, $2, $3, $4) RETURNING id",
                    &[message, by, at, phone_before],
                )
                .await
                .map_err(db)?;
            Ok(row.get(0))
        }
        CrisisWrite::End { id, by, at, .. } => tx
            .execute(
                "UPDATE crises SET ended_by = $2, ended_at = $3 WHERE id = $1 AND ended_at IS NULL",
                &[id, by, at],
            )
            .await
            .map(|n| n as i64)
            .map_err(db),
    }
}
