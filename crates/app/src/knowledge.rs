//! The knowledge base: writing, reviewing and publishing articles, finding
//! them, and learning where they fall short (agents' flags, the answers
//! given, residents' questions without an answer).
//!
//! Who may do what:
//! - read published articles: every staff role that serves residents
//!   (agents, officers, registrars, team leaders, editors, administrators);
//!   residents read the public ones through the web assistant;
//! - write drafts and send them for review: editors, team leaders, and
//!   officers of the board that owns the article;
//! - publish or return a version in review: editors;
//! - flag an article as wrong or outdated, give it as an answer: readers;
//!   flags reach the owner's to-do list.
//!
//! The search index lives in memory and is rebuilt when the store's
//! knowledge stamp moves (any write, by any process).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use kontakt_domain::access::Role;
use kontakt_domain::catalog::{Catalog, GroupKind};
use kontakt_domain::knowledge::search::{Document, Hit, Query, SearchIndex, Understood};
use kontakt_domain::knowledge::{
    freshness, next_status, ArticleContent, ArticleStatus, Audience, Freshness, WorkflowStep,
};
use kontakt_store::knowledge::{ArticleFlag, ArticleUse, Gap, KnowledgeWrite, StoredArticle};
use kontakt_store::{Store, StoreError};
use serde::Serialize;

use crate::cases::{Actor, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    #[error("the request has invalid fields")]
    Invalid(Vec<FieldError>),
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("no such article")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("storage failed: {0}")]
    Store(StoreError),
}

impl From<StoreError> for KnowledgeError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => KnowledgeError::NotFound,
            StoreError::Conflict => KnowledgeError::Conflict(
                "the article was changed by someone else; reload it and try again".into(),
            ),
            other => KnowledgeError::Store(other),
        }
    }
}

/// One version of an article.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    pub number: i64,
    pub status: ArticleStatus,
    pub content: ArticleContent,
    pub note: String,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

/// An article with its versions, oldest first.
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    pub id: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub versions: Vec<Version>,
}

impl Article {
    /// What agents (and residents) read, if anything is published.
    pub fn published(&self) -> Option<&Version> {
        self.versions
            .iter()
            .rev()
            .find(|v| v.status == ArticleStatus::Published)
    }

    pub fn newest(&self) -> Option<&Version> {
        self.versions.last()
    }

    fn from_stored(a: StoredArticle) -> Result<Article, KnowledgeError> {
        let versions = a
            .versions
            .into_iter()
            .map(|v| {
                Ok(Version {
                    number: v.number,
                    status: v.status,
                    content: serde_json::from_str(&v.content).map_err(|e| {
                        KnowledgeError::Store(StoreError::Corrupt(format!(
                            "article {} version {}: {e}",
                            a.id, v.number
                        )))
                    })?,
                    note: v.note,
                    changed_by: v.changed_by,
                    changed_at: v.changed_at,
                })
            })
            .collect::<Result<Vec<_>, KnowledgeError>>()?;
        Ok(Article {
            id: a.id,
            created_by: a.created_by,
            created_at: a.created_at,
            versions,
        })
    }
}

/// An article found by a search, in the language to show it in.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    pub id: i64,
    pub lang: String,
    pub title: String,
    /// The beginning of the body, as plain text.
    pub summary: String,
    pub district: Option<String>,
    pub owner_board: String,
    pub freshness: Freshness,
    pub score: f32,
}

/// What a search returned, and how the question was read.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResult {
    pub hits: Vec<Found>,
    /// Words replaced by close known words ("did you mean").
    pub corrected: Vec<(String, String)>,
    pub case_type: Option<String>,
    pub district: Option<String>,
}

/// An article given as the answer: how often, and on how many of those
/// cases the question was answered at first contact.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerUse {
    pub article: i64,
    pub title: String,
    pub uses: u64,
    pub first_contact: u64,
}

/// An owner's to-do list.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ToDo {
    /// Published articles past or near their review date.
    pub review: Vec<(i64, String, Freshness)>,
    /// Versions waiting for an editor.
    pub in_review: Vec<(i64, String, i64)>,
    /// Agents' flags not dealt with: (flag, article, title, reason).
    pub flags: Vec<(ArticleFlag, String)>,
    /// Residents' questions without an answer, for the owners' service
    /// areas (or all, for editors).
    pub gaps: Vec<Gap>,
}

struct Cached {
    stamp: i64,
    index: Arc<SearchIndex>,
    /// The published version of each article.
    published: Arc<HashMap<i64, Version>>,
}

pub struct KnowledgeService {
    store: Arc<dyn Store>,
    catalog: Arc<Catalog>,
    cached: tokio::sync::RwLock<Option<Cached>>,
    /// One rebuild at a time.
    rebuilding: tokio::sync::Mutex<()>,
}

const SUMMARY_CHARS: usize = 220;
/// The e-service a resident's question goes to when no article helped
/// and it was understood as no public case type.
pub const GENERAL_QUESTION: &str = "ALLM-FRAGA";
/// Questions without an answer are listed for this many days back.
pub const GAP_DAYS: i64 = 90;

impl KnowledgeService {
    pub fn new(store: Arc<dyn Store>, catalog: Arc<Catalog>) -> Self {
        KnowledgeService {
            store,
            catalog,
            cached: tokio::sync::RwLock::new(None),
            rebuilding: tokio::sync::Mutex::new(()),
        }
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Whether no article was ever written.
    pub async fn is_empty(&self) -> Result<bool, KnowledgeError> {
        Ok(self.store.knowledge_stamp().await? == 0)
    }

    /// How many articles are published, and how long the search index
    /// took to build (for the benchmark).
    pub async fn warm(&self) -> Result<(usize, std::time::Duration), KnowledgeError> {
        let t = std::time::Instant::now();
        let (_, published) = self.index().await?;
        Ok((published.len(), t.elapsed()))
    }

    // ---- who may ----------------------------------------------------

    pub fn may_read(actor: &Actor) -> bool {
        let p = &actor.principal;
        [
            Role::AgentL1,
            Role::AgentL2,
            Role::Officer,
            Role::Registrar,
            Role::Supervisor,
            Role::Editor,
            Role::Administrator,
        ]
        .iter()
        .any(|r| p.has(*r))
    }

    pub fn is_editor(actor: &Actor) -> bool {
        actor.principal.has(Role::Editor)
    }

    /// The boards whose articles the actor owns (officer groups' boards).
    pub fn owned_boards(&self, actor: &Actor) -> Vec<String> {
        if !actor.principal.has(Role::Officer) {
            return Vec::new();
        }
        let mut boards: Vec<String> = actor
            .principal
            .groups
            .iter()
            .filter_map(|g| match &self.catalog.group(g)?.kind {
                GroupKind::Officer { board } => Some(board.clone()),
                _ => None,
            })
            .collect();
        boards.sort();
        boards.dedup();
        boards
    }

    /// Whether the actor writes any article at all (checked before a
    /// request's body is read).
    pub fn may_write_any(&self, actor: &Actor) -> bool {
        Self::is_editor(actor)
            || actor.principal.has(Role::Supervisor)
            || !self.owned_boards(actor).is_empty()
    }

    pub fn may_write(&self, actor: &Actor, owner_board: &str) -> bool {
        Self::is_editor(actor)
            || actor.principal.has(Role::Supervisor)
            || self.owned_boards(actor).iter().any(|b| b == owner_board)
    }

    fn check_read(actor: &Actor) -> Result<(), KnowledgeError> {
        if Self::may_read(actor) {
            Ok(())
        } else {
            Err(KnowledgeError::Forbidden(
                "the knowledge base is for the contact centre's and the boards' staff".into(),
            ))
        }
    }

    fn check_write(&self, actor: &Actor, owner_board: &str) -> Result<(), KnowledgeError> {
        if self.may_write(actor, owner_board) {
            Ok(())
        } else {
            Err(KnowledgeError::Forbidden(format!(
                "only editors, team leaders and the officers of {owner_board} write its articles"
            )))
        }
    }

    fn invalid(problems: Vec<(String, String)>) -> KnowledgeError {
        KnowledgeError::Invalid(
            problems
                .into_iter()
                .map(|(field, reason)| FieldError { field, reason })
                .collect(),
        )
    }

    fn checked(
        &self,
        content: &ArticleContent,
        now: DateTime<Utc>,
    ) -> Result<String, KnowledgeError> {
        let today = kontakt_domain::calendar::stockholm_date(now);
        let problems = content.problems(&self.catalog, today);
        if !problems.is_empty() {
            return Err(Self::invalid(problems));
        }
        let mut content = content.clone();
        for text in content.texts.values_mut() {
            text.title = text.title.trim().to_owned();
        }
        serde_json::to_string(&content)
            .map_err(|e| KnowledgeError::Store(StoreError::Corrupt(e.to_string())))
    }

    // ---- writing ------------------------------------------------------

    /// A new article, its first version a draft; returns its id.
    pub async fn create(
        &self,
        actor: &Actor,
        content: &ArticleContent,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, KnowledgeError> {
        self.check_write(actor, &content.owner_board)?;
        let json = self.checked(content, now)?;
        Ok(self
            .store
            .knowledge(KnowledgeWrite::Create {
                content: json,
                note: note.trim().to_owned(),
                by: actor.id.clone(),
                at: now,
            })
            .await?)
    }

    /// A new draft version after `after` (the newest version the author
    /// saw); returns its number. Refused while a version is in review.
    pub async fn revise(
        &self,
        actor: &Actor,
        id: i64,
        after: i64,
        content: &ArticleContent,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, KnowledgeError> {
        let article = self.load(id).await?;
        let newest = article.newest().ok_or(KnowledgeError::NotFound)?;
        // The owner as it is now and as it would be: both must allow it.
        self.check_write(actor, &newest.content.owner_board)?;
        self.check_write(actor, &content.owner_board)?;
        if newest.status == ArticleStatus::Review {
            return Err(KnowledgeError::Conflict(
                "a version is in review: publish or return it first".into(),
            ));
        }
        let json = self.checked(content, now)?;
        Ok(self
            .store
            .knowledge(KnowledgeWrite::AddVersion {
                article: id,
                after,
                content: json,
                note: note.trim().to_owned(),
                by: actor.id.clone(),
                at: now,
            })
            .await?)
    }

    /// Submit, publish or return the newest version.
    pub async fn step(
        &self,
        actor: &Actor,
        id: i64,
        number: i64,
        step: WorkflowStep,
        now: DateTime<Utc>,
    ) -> Result<ArticleStatus, KnowledgeError> {
        let article = self.load(id).await?;
        let version = article
            .versions
            .iter()
            .find(|v| v.number == number)
            .ok_or(KnowledgeError::NotFound)?;
        match step {
            WorkflowStep::Submit => self.check_write(actor, &version.content.owner_board)?,
            WorkflowStep::Publish | WorkflowStep::Return => {
                if !Self::is_editor(actor) {
                    return Err(KnowledgeError::Forbidden(
                        "only editors publish or return articles".into(),
                    ));
                }
            }
        }
        if article.newest().map(|v| v.number) != Some(number) {
            return Err(KnowledgeError::Conflict(
                "a newer version exists; only the newest moves on".into(),
            ));
        }
        let to = next_status(version.status, step).map_err(KnowledgeError::Conflict)?;
        if to == ArticleStatus::Published {
            // A version whose review date passed while it waited is not
            // published as if it were fresh.
            let today = kontakt_domain::calendar::stockholm_date(now);
            if version.content.review_by < today {
                return Err(Self::invalid(vec![(
                    "review_by".into(),
                    "is in the past: set a new review date before publishing".into(),
                )]));
            }
        }
        self.store
            .knowledge(KnowledgeWrite::Step {
                article: id,
                number,
                from: version.status,
                to,
                by: actor.id.clone(),
                at: now,
            })
            .await?;
        Ok(to)
    }

    /// An agent's "wrong or outdated": it reaches the owner's to-do list.
    pub async fn flag(
        &self,
        actor: &Actor,
        id: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, KnowledgeError> {
        Self::check_read(actor)?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 2_000 {
            return Err(Self::invalid(vec![(
                "reason".into(),
                "say what is wrong (up to 2 000 characters)".into(),
            )]));
        }
        let article = self.load(id).await?;
        let version = article.published().ok_or(KnowledgeError::NotFound)?;
        Ok(self
            .store
            .knowledge(KnowledgeWrite::Flag {
                article: id,
                version: version.number,
                reason: reason.to_owned(),
                by: actor.id.clone(),
                at: now,
            })
            .await?)
    }

    pub async fn resolve_flag(
        &self,
        actor: &Actor,
        flag: i64,
        now: DateTime<Utc>,
    ) -> Result<(), KnowledgeError> {
        let flags = self.store.open_article_flags().await?;
        let f = flags
            .iter()
            .find(|f| f.id == flag)
            .ok_or(KnowledgeError::NotFound)?;
        let article = self.load(f.article).await?;
        let owner = article
            .newest()
            .map(|v| v.content.owner_board.clone())
            .unwrap_or_default();
        self.check_write(actor, &owner)?;
        self.store
            .knowledge(KnowledgeWrite::ResolveFlag {
                flag,
                by: actor.id.clone(),
                at: now,
            })
            .await?;
        Ok(())
    }

    /// The article an agent gave as the answer on a case.
    pub async fn mark_answer(
        &self,
        actor: &Actor,
        id: i64,
        case_number: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, KnowledgeError> {
        Self::check_read(actor)?;
        let number: kontakt_domain::case::CaseNumber =
            case_number.trim().parse().map_err(|_| {
                Self::invalid(vec![(
                    "case".into(),
                    format!("'{case_number}' is not a case number"),
                )])
            })?;
        self.load(id)
            .await?
            .published()
            .ok_or(KnowledgeError::NotFound)?;
        if self.store.case(number).await?.is_none() {
            return Err(Self::invalid(vec![(
                "case".into(),
                format!("there is no case {number}"),
            )]));
        }
        Ok(self
            .store
            .knowledge(KnowledgeWrite::Answer {
                article: id,
                case_number: number.to_string(),
                by: actor.id.clone(),
                at: now,
            })
            .await?
            > 0)
    }

    /// Attaches a file (a form, a map, a leaflet) to an article; returns
    /// the attachment's id. Its type is what its content shows it to be.
    pub async fn attach(
        &self,
        actor: &Actor,
        id: i64,
        name: &str,
        declared_type: &str,
        content: Vec<u8>,
        now: DateTime<Utc>,
    ) -> Result<i64, KnowledgeError> {
        let article = self.load(id).await?;
        let owner = article
            .newest()
            .map(|v| v.content.owner_board.clone())
            .unwrap_or_default();
        self.check_write(actor, &owner)?;
        let name = name.trim();
        let mut problems = Vec::new();
        if name.is_empty() || name.chars().count() > 200 || name.contains(['/', '\\', '\0']) {
            problems.push((
                "file_name".to_owned(),
                "a file name of up to 200 characters, without '/', '\\' or NUL".to_owned(),
            ));
        }
        if content.is_empty() {
            problems.push(("content".to_owned(), "the file is empty".to_owned()));
        } else if content.len() > crate::cases::limits::ATTACHMENT_BYTES {
            problems.push((
                "content".to_owned(),
                format!(
                    "the file is larger than {} bytes",
                    crate::cases::limits::ATTACHMENT_BYTES
                ),
            ));
        }
        if !problems.is_empty() {
            return Err(Self::invalid(problems));
        }
        use sha2::Digest;
        let sha256 = hex::encode(sha2::Sha256::digest(&content));
        let content_type = crate::cases::stored_content_type(declared_type, &content);
        Ok(self
            .store
            .knowledge(KnowledgeWrite::Attach {
                article: id,
                name: name.to_owned(),
                content_type,
                blob: kontakt_store::NewBlob { sha256, content },
                by: actor.id.clone(),
                at: now,
            })
            .await?)
    }

    /// Takes a file off an article.
    pub async fn detach(
        &self,
        actor: &Actor,
        id: i64,
        attachment: i64,
        now: DateTime<Utc>,
    ) -> Result<(), KnowledgeError> {
        let article = self.load(id).await?;
        let owner = article
            .newest()
            .map(|v| v.content.owner_board.clone())
            .unwrap_or_default();
        self.check_write(actor, &owner)?;
        self.store
            .knowledge(KnowledgeWrite::Detach {
                article: id,
                attachment,
                at: now,
            })
            .await?;
        Ok(())
    }

    /// The files of an article the actor may read: every file for those
    /// who write it, else those added up to the published version (a file
    /// added to a draft stays with the draft).
    pub async fn attachments(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Vec<kontakt_store::knowledge::ArticleAttachment>, KnowledgeError> {
        let article = self.article(actor, id).await?;
        let owner = article
            .newest()
            .map(|v| v.content.owner_board.clone())
            .unwrap_or_default();
        let mut files = self.store.article_attachments(id).await?;
        if !self.may_write(actor, &owner) {
            let published = article.published().map_or(0, |v| v.number);
            files.retain(|f| f.version <= published);
        }
        Ok(files)
    }

    /// The files of a public article that its published version has.
    pub async fn public_attachments(
        &self,
        id: i64,
    ) -> Result<Vec<kontakt_store::knowledge::ArticleAttachment>, KnowledgeError> {
        let published = self.public_article(id).await?.number;
        let mut files = self.store.article_attachments(id).await?;
        files.retain(|f| f.version <= published);
        Ok(files)
    }

    /// One file and its content, for a staff reader or (`actor` None) a
    /// resident reading a public article.
    pub async fn attachment(
        &self,
        actor: Option<&Actor>,
        id: i64,
        attachment: i64,
    ) -> Result<(kontakt_store::knowledge::ArticleAttachment, Vec<u8>), KnowledgeError> {
        let list = match actor {
            Some(a) => self.attachments(a, id).await?,
            None => self.public_attachments(id).await?,
        };
        let file = list
            .into_iter()
            .find(|f| f.id == attachment)
            .ok_or(KnowledgeError::NotFound)?;
        let content = self.store.blob(&file.sha256).await?.ok_or_else(|| {
            KnowledgeError::Store(StoreError::Corrupt(format!(
                "blob {} is missing",
                file.sha256
            )))
        })?;
        Ok((file, content))
    }

    // ---- reading ------------------------------------------------------

    async fn load(&self, id: i64) -> Result<Article, KnowledgeError> {
        let stored = self
            .store
            .article(id)
            .await?
            .ok_or(KnowledgeError::NotFound)?;
        Article::from_stored(stored)
    }

    /// An article for staff: every version for those who may write it,
    /// the published one for other readers.
    pub async fn article(&self, actor: &Actor, id: i64) -> Result<Article, KnowledgeError> {
        Self::check_read(actor)?;
        let mut article = self.load(id).await?;
        let owner = article
            .newest()
            .map(|v| v.content.owner_board.clone())
            .unwrap_or_default();
        if !self.may_write(actor, &owner) {
            article
                .versions
                .retain(|v| v.status == ArticleStatus::Published);
            if article.versions.is_empty() {
                return Err(KnowledgeError::NotFound);
            }
        }
        Ok(article)
    }

    /// A public article in `lang` (else Swedish), for residents.
    pub async fn public_article(&self, id: i64) -> Result<Version, KnowledgeError> {
        let cached = self.index().await?;
        cached
            .1
            .get(&id)
            .filter(|v| v.content.audience == Audience::Public)
            .cloned()
            .ok_or(KnowledgeError::NotFound)
    }

    /// Every article's newest version (and published one), for the list.
    pub async fn list(&self, actor: &Actor) -> Result<Vec<Article>, KnowledgeError> {
        Self::check_read(actor)?;
        let mut out = Vec::new();
        for stored in self.store.article_list().await? {
            let mut a = Article::from_stored(stored)?;
            let owner = a
                .newest()
                .map(|v| v.content.owner_board.clone())
                .unwrap_or_default();
            if !self.may_write(actor, &owner) {
                a.versions.retain(|v| v.status == ArticleStatus::Published);
            }
            if !a.versions.is_empty() {
                out.push(a);
            }
        }
        Ok(out)
    }

    /// The search index of the published articles, rebuilt if any
    /// article changed since it was built.
    async fn index(
        &self,
    ) -> Result<(Arc<SearchIndex>, Arc<HashMap<i64, Version>>), KnowledgeError> {
        let stamp = self.store.knowledge_stamp().await?;
        if let Some(c) = self.cached.read().await.as_ref() {
            if c.stamp == stamp {
                return Ok((c.index.clone(), c.published.clone()));
            }
        }
        let _one = self.rebuilding.lock().await;
        let stamp = self.store.knowledge_stamp().await?;
        if let Some(c) = self.cached.read().await.as_ref() {
            if c.stamp == stamp {
                return Ok((c.index.clone(), c.published.clone()));
            }
        }
        let mut published = HashMap::new();
        let mut documents = Vec::new();
        for stored in self.store.published_articles().await? {
            let article = Article::from_stored(stored)?;
            let Some(v) = article.published() else {
                continue;
            };
            for (lang, text) in &v.content.texts {
                documents.push(Document {
                    article: article.id,
                    lang: lang.clone(),
                    title: text.title.clone(),
                    body: text.body.clone(),
                    district: v.content.district.clone(),
                    case_types: v.content.case_types.clone(),
                    audience: v.content.audience,
                });
            }
            published.insert(article.id, v.clone());
        }
        let index = Arc::new(SearchIndex::build(&documents, &self.catalog));
        let published = Arc::new(published);
        *self.cached.write().await = Some(Cached {
            stamp,
            index: index.clone(),
            published: published.clone(),
        });
        Ok((index, published))
    }

    fn found(hit: &Hit, v: &Version, today: NaiveDate) -> Found {
        let (lang, text) = v
            .content
            .text(&hit.lang)
            .map(|(l, t)| (l.to_owned(), t.clone()))
            .unwrap_or_else(|| {
                (
                    "sv".into(),
                    kontakt_domain::knowledge::ArticleText {
                        title: String::new(),
                        body: String::new(),
                    },
                )
            });
        Found {
            id: hit.article,
            lang,
            title: text.title,
            summary: summary(&text.body),
            district: v.content.district.clone(),
            owner_board: v.content.owner_board.clone(),
            freshness: freshness(v.content.review_by, today),
            score: hit.score,
        }
    }

    async fn run_search(
        &self,
        text: &str,
        audience: Audience,
        lang: &str,
        district: Option<&str>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<(SearchResult, Understood), KnowledgeError> {
        let (index, published) = self.index().await?;
        let (hits, understood) = index.search(&Query {
            text,
            audience,
            lang,
            district,
            limit: limit.clamp(1, 50),
        });
        let today = kontakt_domain::calendar::stockholm_date(now);
        let hits = hits
            .iter()
            .filter_map(|h| Some(Self::found(h, published.get(&h.article)?, today)))
            .collect();
        Ok((
            SearchResult {
                hits,
                corrected: understood.corrected.clone(),
                case_type: understood.case_type.clone(),
                district: understood.district.clone(),
            },
            understood,
        ))
    }

    /// Search for staff: every published article, the caller's district
    /// first.
    pub async fn search(
        &self,
        actor: &Actor,
        text: &str,
        district: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<SearchResult, KnowledgeError> {
        Self::check_read(actor)?;
        Ok(self
            .run_search(text, Audience::Agents, "sv", district, 10, now)
            .await?
            .0)
    }

    /// The web assistant: public articles, in the resident's language
    /// when translated. A question nothing answers is counted as a gap
    /// (as its word stems, nothing else).
    pub async fn ask(
        &self,
        text: &str,
        lang: &str,
        now: DateTime<Utc>,
    ) -> Result<SearchResult, KnowledgeError> {
        let (result, understood) = self
            .run_search(text, Audience::Public, lang, None, 5, now)
            .await?;
        if result.hits.is_empty() {
            let terms = gap_terms(text);
            if !terms.is_empty() {
                let service_area = understood
                    .case_type
                    .as_deref()
                    .and_then(|t| self.catalog.case_type(t))
                    .map(|t| t.service_area.clone())
                    .unwrap_or_default();
                self.store
                    .knowledge(KnowledgeWrite::Gap {
                        day: kontakt_domain::calendar::stockholm_date(now),
                        terms,
                        lang: if kontakt_domain::knowledge::LANGUAGES.contains(&lang) {
                            lang.to_owned()
                        } else {
                            "sv".into()
                        },
                        service_area,
                    })
                    .await?;
            }
        }
        Ok(result)
    }

    /// The published articles linked to a case type, the caller's
    /// district's local ones first: what the desktop shows on registering.
    pub async fn for_case_type(
        &self,
        actor: &Actor,
        case_type: &str,
        district: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Found>, KnowledgeError> {
        Self::check_read(actor)?;
        let (_, published) = self.index().await?;
        let today = kontakt_domain::calendar::stockholm_date(now);
        let mut out: Vec<Found> = published
            .iter()
            .filter(|(_, v)| v.content.case_types.iter().any(|t| t == case_type))
            .filter(|(_, v)| {
                v.content.district.is_none() || v.content.district.as_deref() == district
            })
            .map(|(id, v)| {
                let local = v.content.district.is_some();
                let hit = Hit {
                    article: *id,
                    lang: "sv".into(),
                    score: if local { 2.0 } else { 1.0 },
                };
                Self::found(&hit, v, today)
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.title.cmp(&b.title)));
        Ok(out)
    }

    /// What the actor's boards (all, for editors) have to do.
    pub async fn todo(&self, actor: &Actor, now: DateTime<Utc>) -> Result<ToDo, KnowledgeError> {
        Self::check_read(actor)?;
        let editor = Self::is_editor(actor);
        let boards = self.owned_boards(actor);
        let mine = |board: &str| editor || boards.iter().any(|b| b == board);
        let today = kontakt_domain::calendar::stockholm_date(now);
        let mut todo = ToDo::default();
        let mut titles: BTreeMap<i64, String> = BTreeMap::new();
        let mut areas: Vec<String> = Vec::new();
        for stored in self.store.article_list().await? {
            let a = Article::from_stored(stored)?;
            let Some(newest) = a.newest() else { continue };
            let title = newest
                .content
                .text("sv")
                .map(|(_, t)| t.title.clone())
                .unwrap_or_default();
            // Only the actor's boards' articles: their flags are listed below.
            if !mine(&newest.content.owner_board) {
                continue;
            }
            titles.insert(a.id, title.clone());
            areas.push(newest.content.service_area.clone());
            if newest.status == ArticleStatus::Review {
                todo.in_review.push((a.id, title.clone(), newest.number));
            }
            if let Some(p) = a.published() {
                let f = freshness(p.content.review_by, today);
                if f != Freshness::Current {
                    todo.review.push((a.id, title, f));
                }
            }
        }
        for f in self.store.open_article_flags().await? {
            if let Some(title) = titles.get(&f.article) {
                let title = title.clone();
                todo.flags.push((f, title));
            }
        }
        let since = today - chrono::Duration::days(GAP_DAYS);
        todo.gaps = self
            .store
            .knowledge_gaps(since)
            .await?
            .into_iter()
            .filter(|g| editor || g.service_area.is_empty() || areas.contains(&g.service_area))
            .collect();
        Ok(todo)
    }

    /// How often each published article was given as the answer, and on
    /// how many of those cases the question was answered at first contact:
    /// which answers solve contacts at once. Most given first.
    pub async fn uses(&self, actor: &Actor) -> Result<Vec<AnswerUse>, KnowledgeError> {
        Self::check_read(actor)?;
        let (_, published) = self.index().await?;
        let mut out: Vec<AnswerUse> = self
            .store
            .article_uses()
            .await?
            .into_iter()
            .filter_map(|u: ArticleUse| {
                let v = published.get(&u.article)?;
                Some(AnswerUse {
                    article: u.article,
                    title: v
                        .content
                        .text("sv")
                        .map(|(_, t)| t.title.clone())
                        .unwrap_or_default(),
                    uses: u.uses,
                    first_contact: u.first_contact,
                })
            })
            .collect();
        out.sort_by(|a, b| b.uses.cmp(&a.uses).then(a.article.cmp(&b.article)));
        Ok(out)
    }
}

/// The beginning of a Markdown body as plain text.
pub fn summary(body: &str) -> String {
    let plain: String = body
        .lines()
        .map(|l| l.trim_start_matches(['#', '>', '-', '*', ' ']).trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .replace(['*', '_', '`'], "");
    if plain.chars().count() <= SUMMARY_CHARS {
        plain
    } else {
        let cut: String = plain.chars().take(SUMMARY_CHARS).collect();
        format!("{}…", cut.trim_end())
    }
}

/// A question as it is kept when nothing answered it: its word stems,
/// sorted, without digits (no personnummer, phone or address number) and
/// at most eight, so no free text and nothing personal is stored.
pub fn gap_terms(text: &str) -> String {
    let mut terms: Vec<String> = kontakt_domain::text::search_terms(text)
        .into_iter()
        .filter(|t| !t.chars().any(|c| c.is_ascii_digit()) && t.chars().count() >= 3)
        .take(8)
        .collect();
    terms.sort();
    terms.dedup();
    terms.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gap_keeps_word_stems_and_nothing_personal() {
        let terms = gap_terms("Min son 20120304-1234 har inte fått plats, ring 0701234567!");
        assert!(!terms.chars().any(|c| c.is_ascii_digit()), "{terms}");
        assert!(terms.contains("plat"), "{terms}");
        assert_eq!(gap_terms("12 34"), "");
    }

    #[test]
    fn a_summary_is_plain_and_short() {
        assert_eq!(
            summary("# Rubrik\n\n**Fet** text och `kod`."),
            "Rubrik Fet text och kod."
        );
        let long = "ord ".repeat(200);
        assert!(summary(&long).chars().count() <= SUMMARY_CHARS + 1);
    }
}
