//! The knowledge base on SQLite (see `crate::knowledge`).

use chrono::NaiveDate;
use kontakt_domain::knowledge::ArticleStatus;
use r2d2_sqlite::rusqlite::{params, Connection, OptionalExtension, Row};

use super::{db, micros, time};
use crate::knowledge::{
    article_sql, gap_upsert_sql, gaps_sql, ArticleFlag, ArticleUse, Gap, KnowledgeWrite,
    StoredArticle, StoredVersion, LIST_SQL, OPEN_FLAGS_SQL, PUBLISHED_SQL, STAMP_SQL, USES_SQL,
};
use crate::{stored, Result, StoreError};

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

type VersionRow = (i64, i64, String, String, String, String, i64);

fn version_row(r: &Row) -> r2d2_sqlite::rusqlite::Result<VersionRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

fn version(
    (_, number, status, content, note, changed_by, at): VersionRow,
) -> Result<StoredVersion> {
    Ok(StoredVersion {
        number,
        status: stored("article status", &status, ArticleStatus::parse)?,
        content,
        note,
        changed_by,
        changed_at: time(at).map_err(db)?,
    })
}

/// Versions grouped into their articles (rows ordered by article).
fn articles(conn: &Connection, rows: Vec<VersionRow>) -> Result<Vec<StoredArticle>> {
    let mut out: Vec<StoredArticle> = Vec::new();
    for row in rows {
        let id = row.0;
        let v = version(row)?;
        match out.last_mut() {
            Some(a) if a.id == id => a.versions.push(v),
            _ => {
                let (created_by, created_at): (String, i64) = conn
                    .prepare_cached("SELECT created_by, created_at FROM articles WHERE id = ?1")
                    .and_then(|mut s| s.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))))
                    .map_err(db)?;
                out.push(StoredArticle {
                    id,
                    created_by,
                    created_at: time(created_at).map_err(db)?,
                    versions: vec![v],
                });
            }
        }
    }
    Ok(out)
}

fn select(conn: &Connection, sql: &str, param: Option<i64>) -> Result<Vec<StoredArticle>> {
    let rows: Vec<VersionRow> = conn
        .prepare_cached(sql)
        .and_then(|mut s| match param {
            Some(p) => s.query_map([p], version_row)?.collect(),
            None => s.query_map([], version_row)?.collect(),
        })
        .map_err(db)?;
    articles(conn, rows)
}

pub(super) fn article(conn: &Connection, id: i64) -> Result<Option<StoredArticle>> {
    Ok(select(conn, &article_sql('?'), Some(id))?
        .into_iter()
        .next())
}

pub(super) fn published(conn: &Connection) -> Result<Vec<StoredArticle>> {
    select(conn, PUBLISHED_SQL, None)
}

pub(super) fn list(conn: &Connection) -> Result<Vec<StoredArticle>> {
    select(conn, LIST_SQL, None)
}

pub(super) fn stamp(conn: &Connection) -> Result<i64> {
    conn.prepare_cached(STAMP_SQL)
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(db)
}

pub(super) fn open_flags(conn: &Connection) -> Result<Vec<ArticleFlag>> {
    type Raw = (i64, i64, i64, String, String, i64);
    let rows: Vec<Raw> = conn
        .prepare_cached(OPEN_FLAGS_SQL)
        .and_then(|mut s| {
            s.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect()
        })
        .map_err(db)?;
    rows.into_iter()
        .map(|(id, article, version, reason, flagged_by, at)| {
            Ok(ArticleFlag {
                id,
                article,
                version,
                reason,
                flagged_by,
                flagged_at: time(at).map_err(db)?,
            })
        })
        .collect()
}

pub(super) fn uses(conn: &Connection) -> Result<Vec<ArticleUse>> {
    conn.prepare_cached(USES_SQL)
        .and_then(|mut s| {
            s.query_map([], |r| {
                Ok(ArticleUse {
                    article: r.get(0)?,
                    uses: r.get::<_, i64>(1)?.max(0) as u64,
                    first_contact: r.get::<_, i64>(2)?.max(0) as u64,
                })
            })?
            .collect()
        })
        .map_err(db)
}

pub(super) fn gaps(conn: &Connection, since: NaiveDate) -> Result<Vec<Gap>> {
    conn.prepare_cached(&gaps_sql('?'))
        .and_then(|mut s| {
            s.query_map([day(since)], |r| {
                Ok(Gap {
                    terms: r.get(0)?,
                    lang: r.get(1)?,
                    service_area: r.get(2)?,
                    asked: r.get::<_, i64>(3)?.max(0) as u64,
                })
            })?
            .collect()
        })
        .map_err(db)
}

fn touch(conn: &Connection, article: i64, at: i64) -> Result<()> {
    conn.prepare_cached(crate::knowledge::COUNT_CHANGE_SQL)
        .and_then(|mut s| s.execute([]))
        .map_err(db)?;
    let n = conn
        .prepare_cached("UPDATE articles SET changed_at = max(changed_at + 1, ?2) WHERE id = ?1")
        .and_then(|mut s| s.execute(params![article, at]))
        .map_err(db)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

fn newest(conn: &Connection, article: i64) -> Result<Option<i64>> {
    conn.prepare_cached("SELECT max(number) FROM article_versions WHERE article_id = ?1")
        .and_then(|mut s| s.query_row([article], |r| r.get(0)))
        .map_err(db)
}

fn insert_version(
    conn: &Connection,
    article: i64,
    number: i64,
    content: &str,
    note: &str,
    by: &str,
    at: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO article_versions (article_id, number, status, content, note, changed_by, changed_at) \
         VALUES (?1, ?2, 'draft', ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| s.execute(params![article, number, content, note, by, at]))
    .map_err(db)?;
    Ok(())
}

pub(super) fn write(conn: &Connection, w: &KnowledgeWrite) -> Result<i64> {
    match w {
        KnowledgeWrite::Create {
            content,
            note,
            by,
            at,
        } => {
            conn.prepare_cached(
                "INSERT INTO articles (created_by, created_at, changed_at) VALUES (?1, ?2, ?2)",
            )
            .and_then(|mut s| s.execute(params![by, micros(*at)]))
            .map_err(db)?;
            let id = conn.last_insert_rowid();
            insert_version(conn, id, 1, content, note, by, micros(*at))?;
            touch(conn, id, micros(*at))?;
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
            let Some(last) = newest(conn, *article)? else {
                return Err(StoreError::NotFound);
            };
            if last != *after {
                return Err(StoreError::Conflict);
            }
            insert_version(conn, *article, last + 1, content, note, by, micros(*at))?;
            touch(conn, *article, micros(*at))?;
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
            if *to == ArticleStatus::Published {
                conn.prepare_cached(
                    "UPDATE article_versions SET status = 'superseded' \
                     WHERE article_id = ?1 AND status = 'published'",
                )
                .and_then(|mut s| s.execute([article]))
                .map_err(db)?;
            }
            let n = conn
                .prepare_cached(
                    "UPDATE article_versions SET status = ?4, changed_by = ?5, changed_at = ?6 \
                     WHERE article_id = ?1 AND number = ?2 AND status = ?3",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        article,
                        number,
                        from.as_str(),
                        to.as_str(),
                        by,
                        micros(*at)
                    ])
                })
                .map_err(db)?;
            if n == 0 {
                return Err(StoreError::Conflict);
            }
            touch(conn, *article, micros(*at))?;
            Ok(1)
        }
        KnowledgeWrite::Flag {
            article,
            version,
            reason,
            by,
            at,
        } => {
            conn.prepare_cached(
                "INSERT INTO article_flags (article_id, version, reason, flagged_by, flagged_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut s| s.execute(params![article, version, reason, by, micros(*at)]))
            .map_err(db)?;
            let id = conn.last_insert_rowid();
            touch(conn, *article, micros(*at))?;
            Ok(id)
        }
        KnowledgeWrite::ResolveFlag { flag, by, at } => {
            let article: Option<i64> = conn
                .prepare_cached(
                    "UPDATE article_flags SET resolved_by = ?2, resolved_at = ?3 \
                     WHERE id = ?1 AND resolved_at IS NULL RETURNING article_id",
                )
                .and_then(|mut s| {
                    s.query_row(params![flag, by, micros(*at)], |r| r.get(0))
                        .optional()
                })
                .map_err(db)?;
            match article {
                Some(a) => {
                    touch(conn, a, micros(*at))?;
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
        } => conn
            .prepare_cached(
                "INSERT INTO article_answers (article_id, case_number, marked_by, marked_at) \
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            )
            .and_then(|mut s| s.execute(params![article, case_number, by, micros(*at)]))
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
            let Some(version) = newest(conn, *article)? else {
                return Err(StoreError::NotFound);
            };
            super::insert_blob(conn, blob)?;
            conn.prepare_cached(
                "INSERT INTO article_attachments (article_id, name, content_type, sha256, version, size, added_by, added_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    article,
                    name,
                    content_type,
                    blob.sha256,
                    version,
                    blob.content.len() as i64,
                    by,
                    micros(*at)
                ])
            })
            .map_err(db)?;
            let id = conn.last_insert_rowid();
            touch(conn, *article, micros(*at))?;
            Ok(id)
        }
        KnowledgeWrite::Detach {
            article,
            attachment,
            at,
        } => {
            let sha: Option<String> = conn
                .prepare_cached(
                    "DELETE FROM article_attachments WHERE id = ?1 AND article_id = ?2 RETURNING sha256",
                )
                .and_then(|mut s| s.query_row(params![attachment, article], |r| r.get(0)).optional())
                .map_err(db)?;
            let Some(sha) = sha else {
                return Err(StoreError::NotFound);
            };
            conn.prepare_cached(&crate::knowledge::unused_blob_sql(
                '?',
                "json_extract(body, '$.sha256')",
            ))
            .and_then(|mut s| s.execute([&sha]))
            .map_err(db)?;
            touch(conn, *article, micros(*at))?;
            Ok(1)
        }
        KnowledgeWrite::Gap {
            day: d,
            terms,
            lang,
            service_area,
        } => conn
            .prepare_cached(&gap_upsert_sql('?'))
            .and_then(|mut s| s.execute(params![day(*d), terms, lang, service_area]))
            .map(|n| n as i64)
            .map_err(db),
    }
}

pub(super) fn attachments(
    conn: &Connection,
    article: i64,
) -> Result<Vec<crate::knowledge::ArticleAttachment>> {
    type Raw = (i64, i64, String, String, String, i64, i64, String, i64);
    let rows: Vec<Raw> = conn
        .prepare_cached(&format!(
            "SELECT {} FROM article_attachments WHERE article_id = ?1 ORDER BY id",
            crate::knowledge::ATTACHMENT_COLUMNS
        ))
        .and_then(|mut s| {
            s.query_map([article], |r| {
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
                ))
            })?
            .collect()
        })
        .map_err(db)?;
    rows.into_iter()
        .map(
            |(id, article, name, content_type, sha256, version, size, added_by, at)| {
                Ok(crate::knowledge::ArticleAttachment {
                    id,
                    article,
                    name,
                    content_type,
                    sha256,
                    version,
                    size: size.max(0) as u64,
                    added_by,
                    added_at: time(at).map_err(db)?,
                })
            },
        )
        .collect()
}
