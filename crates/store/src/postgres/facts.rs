//! Case facts on PostgreSQL (see `crate::facts`).

use deadpool_postgres::{GenericClient, Transaction};
use kontakt_domain::stats::CaseCounts;

use super::db;
use crate::facts::{
    counts_sql, dequeue_sql, queued_sql, resolution_sql, upsert_sql, CaseFactSource, FactCounts,
    FactFilter, FactsWrite, QueuedCase, ResolutionBucket,
};
use crate::Result;

fn count(r: &tokio_postgres::Row, i: usize) -> u64 {
    r.get::<_, i64>(i).max(0) as u64
}

pub(super) async fn queued(client: &impl GenericClient, limit: u32) -> Result<Vec<QueuedCase>> {
    let rows = client
        .query(&queued_sql('$'), &[&i64::from(limit)])
        .await
        .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| {
            let present: Option<i64> = r.get(2);
            QueuedCase {
                case_id: r.get(0),
                changes: r.get(1),
                source: present.map(|case_id| CaseFactSource {
                    case_id,
                    case_type: r.get(3),
                    board: r.get(4),
                    district: r.get(5),
                    channel: r.get(6),
                    resolution: r.get(7),
                    handed_over: r.get(8),
                    created_at: r.get(9),
                    closed_at: r.get(10),
                    feedback_deadline: r.get(11),
                    first_message_out: r.get(12),
                }),
            }
        })
        .collect())
}

pub(super) async fn save(tx: &Transaction<'_>, write: &FactsWrite) -> Result<u64> {
    let upsert = tx.prepare_cached(&upsert_sql('$')).await.map_err(db)?;
    for f in &write.facts {
        tx.execute(
            &upsert,
            &[
                &f.case_id,
                &f.created_day,
                &f.case_type,
                &f.board,
                &f.district,
                &f.channel,
                &f.first_contact,
                &f.handed_over,
                &f.closed_day,
                &f.resolution_days,
                &f.feedback_deadline,
                &f.response_due,
                &f.first_response,
            ],
        )
        .await
        .map_err(db)?;
    }
    let dequeue = tx.prepare_cached(&dequeue_sql('$')).await.map_err(db)?;
    let mut done = 0;
    for (case_id, changes) in &write.done {
        done += tx
            .execute(&dequeue, &[case_id, changes])
            .await
            .map_err(db)?;
    }
    Ok(done)
}

/// The eight counts of a counting row, from column `at` on.
fn counts_at(r: &tokio_postgres::Row, at: usize) -> CaseCounts {
    CaseCounts {
        cases: count(r, at),
        first_contact: count(r, at + 1),
        handed_over: count(r, at + 2),
        closed: count(r, at + 3),
        deadline_due: count(r, at + 4),
        deadline_met: count(r, at + 5),
        response_due: count(r, at + 6),
        response_met: count(r, at + 7),
    }
}

async fn count_rows(
    client: &impl GenericClient,
    f: &FactFilter,
    by_day_and_dimension: bool,
) -> Result<Vec<tokio_postgres::Row>> {
    client
        .query(
            &counts_sql('$', by_day_and_dimension),
            &[
                &f.from,
                &f.to,
                &f.today,
                &f.now,
                &f.case_type,
                &f.board,
                &f.district,
                &f.channel,
            ],
        )
        .await
        .map_err(db)
}

pub(super) async fn counts(client: &impl GenericClient, f: &FactFilter) -> Result<Vec<FactCounts>> {
    Ok(count_rows(client, f, true)
        .await?
        .iter()
        .map(|r| FactCounts {
            day: r.get(0),
            case_type: r.get(1),
            board: r.get(2),
            district: r.get(3),
            channel: r.get(4),
            counts: counts_at(r, 5),
        })
        .collect())
}

pub(super) async fn totals(client: &impl GenericClient, f: &FactFilter) -> Result<CaseCounts> {
    Ok(count_rows(client, f, false)
        .await?
        .first()
        .map(|r| counts_at(r, 0))
        .unwrap_or_default())
}

pub(super) async fn resolution(
    client: &impl GenericClient,
    f: &FactFilter,
) -> Result<Vec<ResolutionBucket>> {
    let rows = client
        .query(
            &resolution_sql('$'),
            &[
                &f.from,
                &f.to,
                &f.case_type,
                &f.board,
                &f.district,
                &f.channel,
            ],
        )
        .await
        .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| ResolutionBucket {
            case_type: r.get(0),
            board: r.get(1),
            days: r.get(2),
            count: count(r, 3),
        })
        .collect())
}

pub(super) async fn insert_baseline(
    tx: &Transaction<'_>,
    b: &crate::facts::Baseline,
) -> Result<i64> {
    let row = tx
        .query_one(
            "INSERT INTO stats_baselines (name, scope, period, figures, frozen_by, frozen_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[
                &b.name,
                &b.scope,
                &b.period,
                &b.figures,
                &b.frozen_by,
                &b.frozen_at,
            ],
        )
        .await
        .map_err(db)?;
    Ok(row.get(0))
}

pub(super) async fn baselines(client: &impl GenericClient) -> Result<Vec<crate::facts::Baseline>> {
    let rows = client
        .query(
            &format!(
                "SELECT {} FROM stats_baselines ORDER BY frozen_at DESC, id DESC",
                crate::facts::BASELINE_COLUMNS
            ),
            &[],
        )
        .await
        .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| crate::facts::Baseline {
            id: r.get(0),
            name: r.get(1),
            scope: r.get(2),
            period: r.get(3),
            figures: r.get(4),
            frozen_by: r.get(5),
            frozen_at: r.get(6),
        })
        .collect())
}
