//! The knowledge base's tables (migration 0021): articles and their
//! versions, agents' flags, the articles given as answers, and the
//! questions no article answered. Every write is one `KnowledgeWrite`, in
//! one transaction; the SQL is shared by both backends (`?N` or `$N`).

use chrono::{DateTime, NaiveDate, Utc};
use kontakt_domain::knowledge::ArticleStatus;

/// One version of an article as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVersion {
    pub number: i64,
    pub status: ArticleStatus,
    /// The content as JSON the knowledge service wrote.
    pub content: String,
    pub note: String,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

/// An article with every version, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredArticle {
    pub id: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub versions: Vec<StoredVersion>,
}

/// An agent's "wrong or outdated" on an article.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ArticleFlag {
    pub id: i64,
    pub article: i64,
    pub version: i64,
    pub reason: String,
    pub flagged_by: String,
    pub flagged_at: DateTime<Utc>,
}

/// A file attached to an article.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ArticleAttachment {
    pub id: i64,
    pub article: i64,
    pub name: String,
    pub content_type: String,
    pub sha256: String,
    /// The article's newest version when the file was added.
    pub version: i64,
    pub size: u64,
    pub added_by: String,
    pub added_at: DateTime<Utc>,
}

pub(crate) const ATTACHMENT_COLUMNS: &str =
    "id, article_id, name, content_type, sha256, version, size, added_by, added_at";

/// Questions without an answer, added up over days.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Gap {
    pub terms: String,
    pub lang: String,
    pub service_area: String,
    pub asked: u64,
}

/// How often an article was given as the answer, and on how many of
/// those cases the question was answered at first contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ArticleUse {
    pub article: i64,
    pub uses: u64,
    pub first_contact: u64,
}

/// A change to the knowledge base. Each returns a number: the new
/// article's id, the new version's number, the flag's id, or how many
/// rows changed.
#[derive(Debug, Clone)]
pub enum KnowledgeWrite {
    /// A new article with its first version, a draft.
    Create {
        content: String,
        note: String,
        by: String,
        at: DateTime<Utc>,
    },
    /// A new draft version after `after`, the newest version the author
    /// saw (`StoreError::Conflict` if another came since).
    AddVersion {
        article: i64,
        after: i64,
        content: String,
        note: String,
        by: String,
        at: DateTime<Utc>,
    },
    /// A workflow step on a version that is `from` (`Conflict` if it is
    /// not, e.g. two editors publishing at once); publishing supersedes
    /// the version published before.
    Step {
        article: i64,
        number: i64,
        from: ArticleStatus,
        to: ArticleStatus,
        by: String,
        at: DateTime<Utc>,
    },
    Flag {
        article: i64,
        version: i64,
        reason: String,
        by: String,
        at: DateTime<Utc>,
    },
    ResolveFlag {
        flag: i64,
        by: String,
        at: DateTime<Utc>,
    },
    /// The article given as the answer on a case (once per case).
    Answer {
        article: i64,
        case_number: String,
        by: String,
        at: DateTime<Utc>,
    },
    /// A file for an article (its blob stored if new); returns its id.
    Attach {
        article: i64,
        name: String,
        content_type: String,
        blob: crate::NewBlob,
        by: String,
        at: DateTime<Utc>,
    },
    /// Takes a file off an article (its blob goes if nothing else uses it).
    Detach {
        article: i64,
        attachment: i64,
        at: DateTime<Utc>,
    },
    /// A question no article answered, as its word stems.
    Gap {
        day: NaiveDate,
        terms: String,
        lang: String,
        service_area: String,
    },
}

pub(crate) const VERSION_COLUMNS: &str =
    "article_id, number, status, content, note, changed_by, changed_at";

/// Every version of one article (parameter: the id), oldest first.
pub(crate) fn article_sql(mark: char) -> String {
    format!(
        "SELECT {VERSION_COLUMNS} FROM article_versions WHERE article_id = {mark}1 ORDER BY number"
    )
}

/// The published version of every article, by article.
pub(crate) const PUBLISHED_SQL: &str = "SELECT article_id, number, status, content, note, \
     changed_by, changed_at FROM article_versions WHERE status = 'published' ORDER BY article_id";

/// Every article's newest version and, when another, its published one.
pub(crate) const LIST_SQL: &str = "SELECT v.article_id, v.number, v.status, v.content, v.note, \
     v.changed_by, v.changed_at FROM article_versions v \
     WHERE v.number = (SELECT max(number) FROM article_versions n WHERE n.article_id = v.article_id) \
     OR v.status = 'published' ORDER BY v.article_id, v.number";

pub(crate) const STAMP_SQL: &str = "SELECT n FROM knowledge_changes";

/// Counts a change, in the writing transaction (see migration 0021).
pub(crate) const COUNT_CHANGE_SQL: &str = "UPDATE knowledge_changes SET n = n + 1";

pub(crate) const OPEN_FLAGS_SQL: &str = "SELECT id, article_id, version, reason, flagged_by, \
     flagged_at FROM article_flags WHERE resolved_at IS NULL ORDER BY flagged_at, id";

pub(crate) const USES_SQL: &str = "SELECT a.article_id, count(*), \
     count(c.id) FILTER (WHERE c.resolution = 'answered_at_first_contact') \
     FROM article_answers a LEFT JOIN cases c ON c.number = a.case_number \
     GROUP BY a.article_id";

/// A question without an answer is listed once asked this many times:
/// the stems of one resident's single question (a name, a street) are not
/// shown to anyone.
pub const GAP_MIN_ASKED: u32 = 3;

/// Questions without an answer since a day (parameter), most asked first.
pub(crate) fn gaps_sql(mark: char) -> String {
    format!(
        "SELECT terms, lang, service_area, CAST(sum(asked) AS BIGINT) FROM knowledge_gaps \
         WHERE day >= {mark}1 GROUP BY terms, lang, service_area \
         HAVING sum(asked) >= {GAP_MIN_ASKED} ORDER BY sum(asked) DESC, terms LIMIT 200"
    )
}

pub(crate) fn gap_upsert_sql(mark: char) -> String {
    format!(
        "INSERT INTO knowledge_gaps (day, terms, lang, service_area, asked) \
         VALUES ({mark}1, {mark}2, {mark}3, {mark}4, 1) \
         ON CONFLICT (day, terms, lang) DO UPDATE SET asked = knowledge_gaps.asked + 1"
    )
}

/// Deletes a blob nothing uses any more: no case entry, no article.
pub(crate) fn unused_blob_sql(mark: char, json_sha: &str) -> String {
    format!(
        "DELETE FROM blobs WHERE sha256 = {mark}1 \
         AND NOT EXISTS (SELECT 1 FROM case_entries WHERE kind = 'attachment' AND {json_sha} = {mark}1) \
         AND NOT EXISTS (SELECT 1 FROM article_attachments WHERE sha256 = {mark}1)"
    )
}
