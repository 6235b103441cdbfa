//! Retention and rectification on SQLite.

use r2d2_sqlite::rusqlite::{params, Connection, OptionalExtension};

use super::{db, micros, time};
use crate::rights::removal_event;
use crate::rights::{
    Rectification, RectificationRecord, Removal, RemovedCount, RetentionCandidate,
};
use crate::{stored, Result};

pub(super) fn candidates(
    conn: &Connection,
    case_type: &str,
    closed_before: chrono::DateTime<chrono::Utc>,
    limit: u32,
) -> Result<Vec<RetentionCandidate>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT number, closed_at FROM cases
             WHERE case_type = ?1 AND closed_at IS NOT NULL AND closed_at < ?2 AND status = 'closed'
             ORDER BY closed_at LIMIT ?3",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map(params![case_type, micros(closed_before), limit], |r| {
            Ok((r.get::<_, String>(0)?, time(r.get(1)?)?))
        })
        .map_err(db)?;
    rows.map(|r| {
        let (number, closed_at) = r.map_err(db)?;
        Ok(RetentionCandidate {
            number: stored("case number", &number, |s| s.parse().ok())?,
            case_type: case_type.to_owned(),
            closed_at,
        })
    })
    .collect()
}

pub(super) fn remove(
    conn: &Connection,
    r: &Removal,
) -> Result<(u64, Vec<kontakt_domain::audit::AuditEvent>)> {
    conn.execute("INSERT INTO retention_gate (open) VALUES (1)", [])
        .map_err(db)?;
    let mut removed = 0;
    let mut audit = Vec::new();
    for number in &r.numbers {
        let row = conn
            .prepare_cached(
                "SELECT id, case_type, board, COALESCE(district, ''), channel, COALESCE(resolution, ''),
                        created_at, person_id, organisation_id, closed_at
                 FROM cases
                 WHERE number = ?1 AND case_type = ?2 AND status = 'closed' AND closed_at < ?3",
            )
            .and_then(|mut s| {
                s.query_row(params![number.to_string(), r.case_type, micros(r.closed_before)], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        [
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, String>(5)?,
                        ],
                        time(r.get(6)?)?,
                        r.get::<_, Option<i64>>(7)?,
                        r.get::<_, Option<i64>>(8)?,
                        time(r.get(9)?)?,
                    ))
                })
                .optional()
            })
            .map_err(db)?;
        // Gone, reopened or changed meanwhile: not due any more.
        let Some((id, facts, created_at, person, organisation, closed_at)) = row else {
            continue;
        };
        let month = kontakt_domain::calendar::stockholm_date(created_at)
            .format("%Y-%m")
            .to_string();
        conn.prepare_cached(
            "INSERT INTO retention_counts (month, case_type, board, district, channel, resolution, removed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)
             ON CONFLICT (month, case_type, board, district, channel, resolution)
             DO UPDATE SET removed = retention_counts.removed + 1",
        )
        .and_then(|mut s| {
            s.execute(params![month, facts[0], facts[1], facts[2], facts[3], facts[4]])
        })
        .map_err(db)?;
        let shas: Vec<String> = conn
            .prepare_cached(
                "SELECT json_extract(body, '$.sha256') FROM case_entries WHERE case_id = ?1 AND kind = 'attachment'",
            )
            .and_then(|mut s| {
                s.query_map([id], |r| r.get::<_, String>(0))?
                    .collect::<std::result::Result<Vec<_>, _>>()
            })
            .map_err(db)?;
        for sql in [
            "DELETE FROM case_links WHERE case_id = ?1 OR other_id = ?1",
            "DELETE FROM case_search WHERE rowid >= ?1 * 1024 AND rowid < (?1 + 1) * 1024",
            "DELETE FROM case_search_queue WHERE id >= ?1 * 1024 AND id < (?1 + 1) * 1024",
            "DELETE FROM outbox WHERE case_id = ?1",
            "DELETE FROM intake_keys WHERE case_id = ?1",
            "DELETE FROM case_entries WHERE case_id = ?1",
            "DELETE FROM cases WHERE id = ?1",
        ] {
            conn.prepare_cached(sql)
                .and_then(|mut s| s.execute([id]))
                .map_err(db)?;
        }
        for sha in shas {
            conn.prepare_cached(&crate::knowledge::unused_blob_sql(
                '?',
                "json_extract(body, '$.sha256')",
            ))
            .and_then(|mut s| s.execute([sha]))
            .map_err(db)?;
        }
        if let Some(person) = person {
            for sql in [
                "DELETE FROM person_rectifications WHERE person_id = ?1 AND NOT EXISTS (SELECT 1 FROM cases WHERE person_id = ?1)",
                "UPDATE persons SET name = NULL, phone = NULL, email = NULL, preferred_language = NULL
                 WHERE id = ?1 AND protected_identity AND NOT EXISTS (SELECT 1 FROM cases WHERE person_id = ?1)",
                "DELETE FROM persons WHERE id = ?1 AND NOT protected_identity AND NOT EXISTS (SELECT 1 FROM cases WHERE person_id = ?1)",
            ] {
                conn.prepare_cached(sql)
                    .and_then(|mut s| s.execute([person]))
                    .map_err(db)?;
            }
        }
        if let Some(org) = organisation {
            conn.prepare_cached(
                "DELETE FROM organisations WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM cases WHERE organisation_id = ?1)",
            )
            .and_then(|mut s| s.execute([org]))
            .map_err(db)?;
        }
        audit.push(removal_event(r, number, &facts[1], closed_at));
        removed += 1;
    }
    conn.execute("DELETE FROM retention_gate", []).map_err(db)?;
    Ok((removed, audit))
}

pub(super) fn counts(conn: &Connection) -> Result<Vec<RemovedCount>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT month, case_type, board, district, channel, resolution, removed
             FROM retention_counts ORDER BY month, case_type, board, district, channel, resolution",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(RemovedCount {
                month: r.get(0)?,
                case_type: r.get(1)?,
                board: r.get(2)?,
                district: r.get(3)?,
                channel: r.get(4)?,
                resolution: r.get(5)?,
                removed: r.get(6)?,
            })
        })
        .map_err(db)?;
    rows.map(|r| r.map_err(db)).collect()
}

pub(super) fn rectify(conn: &Connection, r: &Rectification) -> Result<()> {
    for (field, new_value) in &r.changes {
        let column = field.column();
        let old: Option<String> = conn
            .query_row(
                &format!("SELECT {column} FROM persons WHERE id = ?1"),
                [r.person_id],
                |row| row.get(0),
            )
            .optional()
            .map_err(db)?
            .ok_or(crate::StoreError::NotFound)?;
        conn.execute(
            &format!("UPDATE persons SET {column} = ?1, updated_at = ?2 WHERE id = ?3"),
            params![new_value, micros(r.at), r.person_id],
        )
        .map_err(db)?;
        conn.prepare_cached(
            "INSERT INTO person_rectifications (person_id, at, actor, field, old_value, new_value, reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .and_then(|mut s| {
            s.execute(params![r.person_id, micros(r.at), r.actor, column, old, new_value, r.reason])
        })
        .map_err(db)?;
    }
    Ok(())
}

pub(super) fn history(conn: &Connection, person_id: i64) -> Result<Vec<RectificationRecord>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT at, actor, field, old_value, new_value, reason FROM person_rectifications
             WHERE person_id = ?1 ORDER BY id",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map([person_id], |r| {
            Ok(RectificationRecord {
                at: time(r.get(0)?)?,
                actor: r.get(1)?,
                field: r.get(2)?,
                old_value: r.get(3)?,
                new_value: r.get(4)?,
                reason: r.get(5)?,
            })
        })
        .map_err(db)?;
    rows.map(|r| r.map_err(db)).collect()
}
