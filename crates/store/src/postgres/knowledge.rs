//! The knowledge base on PostgreSQL (see `crate::knowledge`).

use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::{GenericClient, Transaction};
use kontakt_domain::knowledge::ArticleStatus;
use tokio_postgres::Row;

use super::db;
use crate::knowledge::{
    article_sql, gap_upsert_sql, gaps_sql, ArticleFlag, ArticleUse, Gap, KnowledgeWrite,
    StoredArticle, StoredVersion, LIST_SQL, OPEN_FLAGS_SQL, PUBLISHED_SQL, STAMP_SQL, USES_SQL,
};
use crate::{stored, Result, StoreError};

fn version(r: &Row) -> Result<StoredVersion> {
    let status: String = r.get(2);
    Ok(StoredVersion {
        number: r.get(1),
        status: stored("article status", &status, ArticleStatus::parse)?,
        content: r.get(3),
        note: r.get(4),
        changed_by: r.get(5),
        changed_at: r.get(6),
    })
}

async fn select(
    client: &impl GenericClient,
    sql: &str,
    param: Option<i64>,
) -> Result<Vec<StoredArticle>> {
    let rows = match param {
        Some(p) => client.query(sql, &[&p]).await,
        None => client.query(sql, &[]).await,
    }
    .map_err(db)?;
    let mut out: Vec<StoredArticle> = Vec::new();
    for r in &rows {
        let id: i64 = r.get(0);
        let v = version(r)?;
        match out.last_mut() {
            Some(a) if a.id == id => a.versions.push(v),
            _ => {
                let head = client
                    .query_one(
                        "SELECT created_by, created_at FROM articles WHERE id = $1",
                        &[&id],
                    )
                    .await
                    .map_err(db)?;
                out.push(StoredArticle {
                    id,
                    created_by: head.get(0),
                    created_at: head.get(1),
                    versions: vec![v],
                });
            }
        }
    }
    Ok(out)
}

pub(super) async fn article(client: &impl GenericClient, id: i64) -> Result<Option<StoredArticle>> {
    Ok(select(client, &article_sql('$'), Some(id))
        .await?
        .into_iter()
        .next())
}

pub(super) async fn published(client: &impl GenericClient) -> Result<Vec<StoredArticle>> {
    select(client, PUBLISHED_SQL, None).await
}

pub(super) async fn list(client: &impl GenericClient) -> Result<Vec<StoredArticle>> {
    select(client, LIST_SQL, None).await
}

pub(super) async fn stamp(client: &impl GenericClient) -> Result<i64> {
    let r = client.query_one(STAMP_SQL, &[]).await.map_err(db)?;
    Ok(r.get(0))
}

pub(super) async fn open_flags(client: &impl GenericClient) -> Result<Vec<ArticleFlag>> {
    let rows = client.query(OPEN_FLAGS_SQL, &[]).await.map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| ArticleFlag {
            id: r.get(0),
            article: r.get(1),
            version: r.get(2),
            reason: r.get(3),
            flagged_by: r.get(4),
            flagged_at: r.get(5),
        })
        .collect())
}

pub(super) async fn uses(client: &impl GenericClient) -> Result<Vec<ArticleUse>> {
    let rows = client.query(USES_SQL, &[]).await.map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| ArticleUse {
            article: r.get(0),
            uses: r.get::<_, i64>(1).max(0) as u64,
            first_contact: r.get::<_, i64>(2).max(0) as u64,
        })
        .collect())
}

pub(super) async fn gaps(client: &impl GenericClient, since: NaiveDate) -> Result<Vec<Gap>> {
    let rows = client.query(&gaps_sql('$'), &[&since]).await.map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| Gap {
            terms: r.get(0),
            lang: r.get(1),
            service_area: r.get(2),
            asked: r.get::<_, i64>(3).max(0) as u64,
        })
        .collect())
}

async fn touch(tx: &Transaction<'_>, article: i64, at: DateTime<Utc>) -> Result<()> {
    tx.execute(crate::knowledge::COUNT_CHANGE_SQL, &[])
        .await
        .map_err(db)?;
    let n = tx
        .execute(
            "UPDATE articles SET changed_at = greatest(changed_at + interval '1 microsecond', $2) \
             WHERE id = $1",
            &[&article, &at],
        )
        .await
        .map_err(db)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

async fn insert_version(
    tx: &Transaction<'_>,
    article: i64,
    number: i64,
    content: &str,
    note: &str,
    by: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO article_versions (article_id, number, status, content, note, changed_by, changed_at) \
         VALUES ($1, $2, 'draft', $3, $4, $5, $6)",
        &[&article, &number, &content, &note, &by, &at],
    )
    .await
    .map_err(db)?;
    Ok(())
}

pub(super) async fn write(tx: &Transaction<'_>, w: &KnowledgeWrite) -> Result<i64> {
    match w {
        KnowledgeWrite::Create {
            content,
            note,
            by,
            at,
        } => {
            let row = tx
                .query_one(
                    "INSERT INTO articles (created_by, created_at, changed_at) VALUES ($1, $2, $2) RETURNING id",
                    &[by, at],
                )
                .await
                .map_err(db)?;
            let id: i64 = row.get(0);
            insert_version(tx, id, 1, content, note, by, *at).await?;
            touch(tx, id, *at).await?;
            Ok(id)
        }
        KnowledgeWrite::AddVersion {
            article,
            after,
            content,
            note,
            by,
            at,
        } => {
            // Locks the article, so two authors cannot both add after `after`.
            let exists = tx
                .query_opt(
                    "SELECT id FROM articles WHERE id = $1 FOR UPDATE",
                    &[article],
                )
                .await
                .map_err(db)?;
            if exists.is_none() {
                return Err(StoreError::NotFound);
            }
            let last: Option<i64> = tx
                .query_one(
                    "SELECT max(number) FROM article_versions WHERE article_id = $1",
                    &[article],
                )
                .await
                .map_err(db)?
                .get(0);
            let Some(last) = last else {
                return Err(StoreError::NotFound);
            };
            if last != *after {
                return Err(StoreError::Conflict);
            }
            insert_version(tx, *article, last + 1, content, note, by, *at).await?;
            touch(tx, *article, *at).await?;
            Ok(last + 1)
        }
        KnowledgeWrite::Step {
            article,
            number,
            from,
            to,
            by,
            at,
        } => {
            tx.query_opt(
                "SELECT id FROM articles WHERE id = $1 FOR UPDATE",
                &[article],
            )
            .await
            .map_err(db)?;
            if *to == ArticleStatus::Published {
                tx.execute(
                    "UPDATE article_versions SET status = 'superseded' \
                     WHERE article_id = $1 AND status = 'published'",
                    &[article],
                )
                .await
                .map_err(db)?;
            }
            let n = tx
                .execute(
                    "UPDATE article_versions SET status = $4, changed_by = $5, changed_at = $6 \
                     WHERE article_id = $1 AND number = $2 AND status = $3",
                    &[article, number, &from.as_str(), &to.as_str(), by, at],
                )
                .await
                .map_err(db)?;
            if n == 0 {
                return Err(StoreError::Conflict);
            }
            touch(tx, *article, *at).await?;
            Ok(1)
        }
        KnowledgeWrite::Flag {
            article,
            version,
            reason,
            by,
            at,
        } => {
            let row = tx
                .query_one(
                    "INSERT INTO article_flags (article_id, version, reason, flagged_by, flagged_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    &[article, version, reason, by, at],
                )
                .await
                .map_err(db)?;
            touch(tx, *article, *at).await?;
            Ok(row.get(0))
        }
        KnowledgeWrite::ResolveFlag { flag, by, at } => {
            let row = tx
                .query_opt(
                    "UPDATE article_flags SET resolved_by = $2, resolved_at = $3 \
                     WHERE id = $1 AND resolved_at IS NULL RETURNING article_id",
                    &[flag, by, at],
                )
                .await
                .map_err(db)?;
            match row {
                Some(r) => {
                    touch(tx, r.get(0), *at).await?;
                    Ok(1)
                }
                None => Ok(0),
            }
        }
        KnowledgeWrite::Answer {
            article,
            case_number,
            by,
            at,
        } => tx
            .execute(
                "INSERT INTO article_answers (article_id, case_number, marked_by, marked_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[article, case_number, by, at],
            )
            .await
            .map(|n| n as i64)
            .map_err(db),
        KnowledgeWrite::Attach {
            article,
            name,
            content_type,
            blob,
            by,
            at,
        } => {
            let version: Option<i64> = tx
                .query_one(
                    "SELECT max(number) FROM article_versions WHERE article_id = $1",
                    &[article],
                )
                .await
                .map_err(db)?
                .get(0);
            let Some(version) = version else {
                return Err(StoreError::NotFound);
            };
            super::outbox::insert_blob(tx, blob).await?;
            let row = tx
                .query_one(
                    "INSERT INTO article_attachments (article_id, name, content_type, sha256, version, size, added_by, added_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    &[article, name, content_type, &blob.sha256, &version, &(blob.content.len() as i64), by, at],
                )
                .await
                .map_err(db)?;
            touch(tx, *article, *at).await?;
            Ok(row.get(0))
        }
        KnowledgeWrite::Detach {
            article,
            attachment,
            at,
        } => {
            let row = tx
                .query_opt(
                    "DELETE FROM article_attachments WHERE id = $1 AND article_id = $2 RETURNING sha256",
                    &[attachment, article],
                )
                .await
                .map_err(db)?;
            let Some(row) = row else {
                return Err(StoreError::NotFound);
            };
            let sha: String = row.get(0);
            tx.execute(
                &crate::knowledge::unused_blob_sql('$', "body ->> 'sha256'"),
                &[&sha],
            )
            .await
            .map_err(db)?;
            touch(tx, *article, *at).await?;
            Ok(1)
        }
        KnowledgeWrite::Gap {
            day,
            terms,
            lang,
            service_area,
        } => tx
            .execute(&gap_upsert_sql('$'), &[day, terms, lang, service_area])
            .await
            .map(|n| n as i64)
            .map_err(db),
    }
}

pub(super) async fn attachments(
    client: &impl GenericClient,
    article: i64,
) -> Result<Vec<crate::knowledge::ArticleAttachment>> {
    let rows = client
        .query(
            &format!(
                "SELECT {} FROM article_attachments WHERE article_id = $1 ORDER BY id",
                crate::knowledge::ATTACHMENT_COLUMNS
            ),
            &[&article],
        )
        .await
        .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| crate::knowledge::ArticleAttachment {
            id: r.get(0),
            article: r.get(1),
            name: r.get(2),
            content_type: r.get(3),
            sha256: r.get(4),
            version: r.get(5),
            size: r.get::<_, i64>(6).max(0) as u64,
            added_by: r.get(7),
            added_at: r.get(8),
        })
        .collect())
}
