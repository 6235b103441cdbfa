//! Set-aside mail on PostgreSQL.

use deadpool_postgres::GenericClient;
use deadpool_postgres::Transaction;
use tokio_postgres::Row;

use super::db;
use crate::set_aside::{NewSetAside, SetAside, SetAsideSummary};
use crate::Result;

const COLUMNS: &str = "id, received_at, reason, sender, subject, octet_length(raw)";

fn summary(r: &Row) -> SetAsideSummary {
    SetAsideSummary {
        id: r.get(0),
        received_at: r.get(1),
        reason: r.get(2),
        sender: r.get(3),
        subject: r.get(4),
        size: r.get::<_, i32>(5).max(0) as u64,
    }
}

pub(super) async fn insert(tx: &Transaction<'_>, m: &NewSetAside) -> Result<i64> {
    tx.execute(
        "INSERT INTO set_aside_mail (key, received_at, reason, sender, subject, raw) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING",
        &[
            &m.key,
            &m.received_at,
            &m.reason,
            &m.sender,
            &m.subject,
            &m.raw,
        ],
    )
    .await
    .map_err(db)?;
    Ok(tx
        .query_one("SELECT id FROM set_aside_mail WHERE key = $1", &[&m.key])
        .await
        .map_err(db)?
        .get(0))
}

pub(super) async fn release(tx: &Transaction<'_>, id: i64) -> Result<u64> {
    tx.execute("DELETE FROM set_aside_mail WHERE id = $1", &[&id])
        .await
        .map_err(db)
}

pub(super) async fn list(client: &impl GenericClient, limit: u32) -> Result<Vec<SetAsideSummary>> {
    let rows = client
        .query(
            &format!("SELECT {COLUMNS} FROM set_aside_mail ORDER BY received_at, id LIMIT $1"),
            &[&i64::from(limit)],
        )
        .await
        .map_err(db)?;
    Ok(rows.iter().map(summary).collect())
}

pub(super) async fn get(client: &impl GenericClient, id: i64) -> Result<Option<SetAside>> {
    let row = client
        .query_opt(
            &format!("SELECT {COLUMNS}, raw FROM set_aside_mail WHERE id = $1"),
            &[&id],
        )
        .await
        .map_err(db)?;
    Ok(row.map(|r| SetAside {
        summary: summary(&r),
        raw: r.get(6),
    }))
}
