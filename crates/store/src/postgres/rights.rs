//! Retention and rectification on PostgreSQL.

use deadpool_postgres::Transaction;
use tokio_postgres::GenericClient;

use super::db;
use crate::rights::removal_event;
use crate::rights::{
    Rectification, RectificationRecord, Removal, RemovedCount, RetentionCandidate,
};
use crate::{stored, Result};

pub(super) async fn candidates(
    client: &impl GenericClient,
    case_type: &str,
    closed_before: chrono::DateTime<chrono::Utc>,
    limit: u32,
) -> Result<Vec<RetentionCandidate>> {
    let rows = client
        .query(
            "SELECT number, closed_at FROM cases
             WHERE case_type = $1 AND closed_at IS NOT NULL AND closed_at < $2 AND status = 'closed'
             ORDER BY closed_at LIMIT $3",
            &[&case_type, &closed_before, &i64::from(limit)],
        )
        .await
        .map_err(db)?;
    rows.iter()
        .map(|r| {
            let number: String = r.get(0);
            Ok(RetentionCandidate {
                number: stored("case number", &number, |s| s.parse().ok())?,
                case_type: case_type.to_owned(),
                closed_at: r.get(1),
            })
        })
        .collect()
}

pub(super) async fn remove(
    tx: &Transaction<'_>,
    r: &Removal,
) -> Result<(u64, Vec<kontakt_domain::audit::AuditEvent>)> {
    // Opens the timeline's append-only guard for this transaction only.
    tx.batch_execute("SET LOCAL kontakt.retention = 'on'")
        .await
        .map_err(db)?;
    let mut removed = 0;
    let mut audit = Vec::new();
    for number in &r.numbers {
        let row = tx
            .query_opt(
                "SELECT id, case_type, board, COALESCE(district, ''), channel, COALESCE(resolution, ''),
                        created_at, person_id, organisation_id, closed_at
                 FROM cases
                 WHERE number = $1 AND case_type = $2 AND status = 'closed' AND closed_at < $3
                 FOR UPDATE",
                &[&number.to_string(), &r.case_type, &r.closed_before],
            )
            .await
            .map_err(db)?;
        // Gone, reopened or changed meanwhile: not due any more.
        let Some(row) = row else { continue };
        let closed_at: chrono::DateTime<chrono::Utc> = row.get(9);
        let id: i64 = row.get(0);
        let created_at: chrono::DateTime<chrono::Utc> = row.get(6);
        let person: Option<i64> = row.get(7);
        let organisation: Option<i64> = row.get(8);
        let month = kontakt_domain::calendar::stockholm_date(created_at)
            .format("%Y-%m")
            .to_string();
        let facts: Vec<String> = (1..=5).map(|i| row.get(i)).collect();
        tx.execute(
            "INSERT INTO retention_counts (month, case_type, board, district, channel, resolution, removed)
             VALUES ($1, $2, $3, $4, $5, $6, 1)
             ON CONFLICT (month, case_type, board, district, channel, resolution)
             DO UPDATE SET removed = retention_counts.removed + 1",
            &[&month, &facts[0], &facts[1], &facts[2], &facts[3], &facts[4]],
        )
        .await
        .map_err(db)?;
        let shas: Vec<String> = tx
            .query(
                "SELECT body ->> 'sha256' FROM case_entries WHERE case_id = $1 AND kind = 'attachment'",
                &[&id],
            )
            .await
            .map_err(db)?
            .iter()
            .filter_map(|r| r.get::<_, Option<String>>(0))
            .collect();
        for sql in [
            "DELETE FROM case_links WHERE case_id = $1 OR other_id = $1",
            "DELETE FROM case_search WHERE case_id = $1",
            "DELETE FROM case_search_queue WHERE case_id = $1",
            "DELETE FROM outbox WHERE case_id = $1",
            "DELETE FROM intake_keys WHERE case_id = $1",
            "DELETE FROM case_entries WHERE case_id = $1",
            "DELETE FROM cases WHERE id = $1",
        ] {
            tx.execute(sql, &[&id]).await.map_err(db)?;
        }
        for sha in shas {
            tx.execute(
                &crate::knowledge::unused_blob_sql('$', "body ->> 'sha256'"),
                &[&sha],
            )
            .await
            .map_err(db)?;
        }
        if let Some(person) = person {
            for sql in [
                "DELETE FROM person_rectifications WHERE person_id = $1 AND NOT EXISTS (SELECT 1 FROM cases WHERE person_id = $1)",
                "UPDATE persons SET name = NULL, phone = NULL, email = NULL, preferred_language = NULL
                 WHERE id = $1 AND protected_identity AND NOT EXISTS (SELECT 1 FROM cases WHERE person_id = $1)",
                "DELETE FROM persons WHERE id = $1 AND NOT protected_identity AND NOT EXISTS (SELECT 1 FROM cases WHERE person_id = $1)",
            ] {
                tx.execute(sql, &[&person]).await.map_err(db)?;
            }
        }
        if let Some(org) = organisation {
            tx.execute(
                "DELETE FROM organisations WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM cases WHERE organisation_id = $1)",
                &[&org],
            )
            .await
            .map_err(db)?;
        }
        audit.push(removal_event(r, number, &facts[1], closed_at));
        removed += 1;
    }
    tx.batch_execute("SET LOCAL kontakt.retention = 'off'")
        .await
        .map_err(db)?;
    Ok((removed, audit))
}

pub(super) async fn counts(client: &impl GenericClient) -> Result<Vec<RemovedCount>> {
    let rows = client
        .query(
            "SELECT month, case_type, board, district, channel, resolution, removed
             FROM retention_counts ORDER BY month, case_type, board, district, channel, resolution",
            &[],
        )
        .await
        .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| RemovedCount {
            month: r.get(0),
            case_type: r.get(1),
            board: r.get(2),
            district: r.get(3),
            channel: r.get(4),
            resolution: r.get(5),
            removed: u64::try_from(r.get::<_, i64>(6)).unwrap_or(0),
        })
        .collect())
}

pub(super) async fn rectify(tx: &Transaction<'_>, r: &Rectification) -> Result<()> {
    for (field, new_value) in &r.changes {
        let column = field.column();
        let old: Option<String> = tx
            .query_opt(
                &format!("SELECT {column} FROM persons WHERE id = $1 FOR UPDATE"),
                &[&r.person_id],
            )
            .await
            .map_err(db)?
            .ok_or(crate::StoreError::NotFound)?
            .get(0);
        tx.execute(
            &format!("UPDATE persons SET {column} = $1, updated_at = $2 WHERE id = $3"),
            &[new_value, &r.at, &r.person_id],
        )
        .await
        .map_err(db)?;
        tx.execute(
            "INSERT INTO person_rectifications (person_id, at, actor, field, old_value, new_value, reason)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[&r.person_id, &r.at, &r.actor, &column, &old, new_value, &r.reason],
        )
        .await
        .map_err(db)?;
    }
    Ok(())
}

pub(super) async fn history(
    client: &impl GenericClient,
    person_id: i64,
) -> Result<Vec<RectificationRecord>> {
    let rows = client
        .query(
            "SELECT at, actor, field, old_value, new_value, reason FROM person_rectifications
             WHERE person_id = $1 ORDER BY id",
            &[&person_id],
        )
        .await
        .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| RectificationRecord {
            at: r.get(0),
            actor: r.get(1),
            field: r.get(2),
            old_value: r.get(3),
            new_value: r.get(4),
            reason: r.get(5),
        })
        .collect())
}
