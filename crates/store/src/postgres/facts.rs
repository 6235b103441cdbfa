//! Case facts on PostgreSQL (see `crate::facts`).

use deadpool_postgres::{GenericClient, Transaction};
use kontakt_domain::stats::CaseCounts;

use super::db;
use crate::facts::{
    count_queries, dequeue_sql, merge_counts, merge_resolution, queued_sql, resolution_queries,
    upsert_sql, CaseFactSource, CountRow, FactCounts, FactFilter, FactsWrite, Grouping, QueuedCase,
    ResolutionBucket,
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

async fn count_rows(
    client: &impl GenericClient,
    f: &FactFilter,
    grouping: Grouping,
) -> Result<Vec<CountRow>> {
    let (by_day, by_dimension) = match grouping {
        Grouping::Total => (false, false),
        Grouping::Dimensions => (false, true),
        Grouping::DaysAndDimensions => (true, true),
    };
    let mut out = Vec::new();
    for q in count_queries('$', f, grouping) {
        let rows = if q.pending {
            client
                .query(
                    &q.sql,
                    &[
                        &q.from,
                        &q.to,
                        &f.today,
                        &f.now,
                        &f.case_type,
                        &f.board,
                        &f.district,
                        &f.channel,
                    ],
                )
                .await
        } else {
            client
                .query(
                    &q.sql,
                    &[
                        &q.from,
                        &q.to,
                        &f.case_type,
                        &f.board,
                        &f.district,
                        &f.channel,
                    ],
                )
                .await
        }
        .map_err(db)?;
        for r in &rows {
            let mut at = 0;
            let day = by_day.then(|| {
                at += 1;
                r.get(0)
            });
            let mut dims = [String::new(), String::new(), String::new(), String::new()];
            if by_dimension {
                for d in &mut dims {
                    *d = r.get(at);
                    at += 1;
                }
            }
            let mut counts = [0u64; 8];
            for (i, c) in counts.iter_mut().enumerate() {
                *c = count(r, at + i);
            }
            let [case_type, board, district, channel] = dims;
            out.push(CountRow {
                day,
                case_type,
                board,
                district,
                channel,
                counts: CaseCounts::from_row(counts),
            });
        }
    }
    Ok(out)
}

pub(super) async fn counts(
    client: &impl GenericClient,
    f: &FactFilter,
    by_day: bool,
) -> Result<Vec<FactCounts>> {
    let grouping = if by_day {
        Grouping::DaysAndDimensions
    } else {
        Grouping::Dimensions
    };
    Ok(merge_counts(count_rows(client, f, grouping).await?))
}

pub(super) async fn totals(client: &impl GenericClient, f: &FactFilter) -> Result<CaseCounts> {
    let mut total = CaseCounts::default();
    for r in count_rows(client, f, Grouping::Total).await? {
        total.add(&r.counts);
    }
    Ok(total)
}

pub(super) async fn resolution(
    client: &impl GenericClient,
    f: &FactFilter,
) -> Result<Vec<ResolutionBucket>> {
    let mut out = Vec::new();
    for (sql, from, to) in resolution_queries('$', f) {
        let rows = client
            .query(
                &sql,
                &[&from, &to, &f.case_type, &f.board, &f.district, &f.channel],
            )
            .await
            .map_err(db)?;
        out.extend(rows.iter().map(|r| ResolutionBucket {
            case_type: r.get(0),
            board: r.get(1),
            days: r.get(2),
            count: count(r, 3),
        }));
    }
    Ok(merge_resolution(out))
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
