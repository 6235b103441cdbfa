//! The knowledge base over HTTP: a JSON API (`/api/v1/knowledge/…`, and
//! the public `/api/v1/assistant`), the staff pages (`/knowledge…`) and
//! the residents' web assistant (`/fraga`). Everything goes through
//! `KnowledgeService`; bodies are Markdown rendered without raw HTML and
//! with web links only.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use chrono::Utc;
use kontakt_app::cases::{CaseError, FieldError};
use kontakt_app::knowledge::{Article, Found, KnowledgeError, SearchResult, Version};
use kontakt_domain::knowledge::{
    safe_url, ArticleContent, ArticleLink, ArticleStatus, ArticleText, Audience, Freshness,
    WorkflowStep,
};
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::desk::pick;
use crate::extract::Caller;
use crate::i18n::Lang;
use crate::pages::layout;
use crate::problem::{ApiError, PageError, Problem};
use crate::session::Staff;
use crate::AppState;

impl From<KnowledgeError> for ApiError {
    fn from(e: KnowledgeError) -> Self {
        match e {
            KnowledgeError::Invalid(errors) => ApiError::Case(CaseError::Invalid(errors)),
            KnowledgeError::Forbidden(m) => ApiError::Case(CaseError::Forbidden(m)),
            KnowledgeError::NotFound => ApiError::NotFound("no such article".into()),
            KnowledgeError::Conflict(_) => ApiError::Case(CaseError::Conflict),
            KnowledgeError::Store(e) => e.into(),
        }
    }
}

impl From<KnowledgeError> for PageError {
    fn from(e: KnowledgeError) -> Self {
        match e {
            KnowledgeError::Invalid(errors) => PageError::Invalid(
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.reason))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            KnowledgeError::Forbidden(m) => PageError::Forbidden(m),
            KnowledgeError::NotFound => PageError::NotFound,
            KnowledgeError::Conflict(m) => PageError::Invalid(m),
            KnowledgeError::Store(e) => PageError::Internal(e.to_string()),
        }
    }
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_search))
        .routes(routes!(api_create))
        .routes(routes!(api_article))
        .routes(routes!(api_revise))
        .routes(routes!(api_step))
        .routes(routes!(api_flag))
        .routes(routes!(api_answer))
        .routes(routes!(api_todo))
        .routes(routes!(api_attach))
        .routes(routes!(api_uses))
        .routes(routes!(api_assistant))
}

// ---- Markdown -----------------------------------------------------------

/// A body as HTML: Markdown without raw HTML (shown as text) and with
/// links and images only to web addresses (others become plain text).
pub fn render_markdown(body: &str) -> Markup {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut unsafe_links = 0usize;
    let events = Parser::new_ext(body, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH)
        .filter_map(|event| match event {
            Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
            Event::Start(Tag::Link { dest_url, .. }) if !safe_url(&dest_url) => {
                unsafe_links += 1;
                None
            }
            Event::End(TagEnd::Link) if unsafe_links > 0 => {
                unsafe_links -= 1;
                None
            }
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
            other => Some(other),
        });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    PreEscaped(out)
}

// ---- the API --------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The question or words, e.g. "när töms soptunnan i Farsta".
    pub q: Option<String>,
    /// The caller's district (its local articles first).
    pub district: Option<String>,
    /// For the assistant: the resident's language (sv, en, …).
    pub lang: Option<String>,
}

/// Refused before a body is read: the caller reads no articles.
fn check_reader(caller: &Caller) -> Result<(), ApiError> {
    if kontakt_app::knowledge::KnowledgeService::may_read(&caller.actor) {
        Ok(())
    } else {
        Err(ApiError::Case(CaseError::Forbidden(
            "the knowledge base is for the contact centre's and the boards' staff".into(),
        )))
    }
}

/// Refused before a body is read: the caller writes no articles.
fn check_writer(state: &AppState, caller: &Caller) -> Result<(), ApiError> {
    if state.knowledge.may_write_any(&caller.actor) {
        Ok(())
    } else {
        Err(ApiError::Case(CaseError::Forbidden(
            "only editors, team leaders and officers write articles".into(),
        )))
    }
}

fn bad_query(field: &str, reason: &str) -> ApiError {
    ApiError::BadQuery(vec![FieldError {
        field: field.into(),
        reason: reason.into(),
    }])
}

fn question(q: &SearchQuery) -> Result<String, ApiError> {
    let text = q.q.as_deref().unwrap_or("").trim();
    if text.is_empty() {
        return Err(bad_query("q", "ask something"));
    }
    if text.chars().count() > 500 {
        return Err(bad_query("q", "is longer than 500 characters"));
    }
    Ok(text.to_owned())
}

/// Search the published articles (staff): Swedish stems, the catalog's
/// synonyms, typing errors forgiven, the caller's district first.
#[utoipa::path(get, path = "/knowledge/search", tag = "knowledge", params(SearchQuery),
    responses((status = 200, body = Object), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
async fn api_search(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<SearchQuery>,
) -> Result<Json<SearchResult>, ApiError> {
    check_reader(&caller)?;
    let text = question(&q)?;
    Ok(Json(
        state
            .knowledge
            .search(&caller.actor, &text, q.district.as_deref(), Utc::now())
            .await?,
    ))
}

/// The web assistant's answer: public articles only, in the resident's
/// language when translated. Open to anyone; a question nothing answers
/// is counted (as word stems) for the articles' owners.
#[utoipa::path(get, path = "/assistant", tag = "knowledge", params(SearchQuery),
    responses((status = 200, body = Object), (status = 400, body = Problem)))]
async fn api_assistant(
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Result<Json<SearchResult>, ApiError> {
    let text = question(&q)?;
    let lang = q.lang.as_deref().unwrap_or("sv");
    Ok(Json(state.knowledge.ask(&text, lang, Utc::now()).await?))
}

/// A new article or version: its content and what changed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleRequest {
    #[schema(value_type = Object)]
    pub content: ArticleContent,
    #[serde(default)]
    pub note: String,
    /// For a new version: the newest version number the author saw.
    pub after: Option<i64>,
}

/// Write a new article; its first version is a draft.
#[utoipa::path(post, path = "/knowledge/articles", tag = "knowledge", request_body = ArticleRequest,
    responses((status = 201, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn api_create(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<crate::extract::ApiJson<ArticleRequest>, ApiError>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    check_writer(&state, &caller)?;
    let crate::extract::ApiJson(req) = body?;
    let id = state
        .knowledge
        .create(&caller.actor, &req.content, &req.note, Utc::now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "id": id, "version": 1 })),
    ))
}

/// An article: every version for those who may write it, the published
/// one for other readers.
#[utoipa::path(get, path = "/knowledge/articles/{id}", tag = "knowledge",
    params(("id" = i64, Path, description = "The article")),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn api_article(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Article>, ApiError> {
    Ok(Json(state.knowledge.article(&caller.actor, id).await?))
}

/// A new draft version after `after`.
#[utoipa::path(post, path = "/knowledge/articles/{id}/versions", tag = "knowledge", request_body = ArticleRequest,
    params(("id" = i64, Path, description = "The article")),
    responses((status = 201, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn api_revise(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    body: Result<crate::extract::ApiJson<ArticleRequest>, ApiError>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    check_writer(&state, &caller)?;
    let crate::extract::ApiJson(req) = body?;
    let after = req.after.ok_or_else(|| {
        ApiError::Case(CaseError::Invalid(vec![FieldError {
            field: "after".into(),
            reason: "the newest version number you saw is required".into(),
        }]))
    })?;
    let number = state
        .knowledge
        .revise(
            &caller.actor,
            id,
            after,
            &req.content,
            &req.note,
            Utc::now(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "id": id, "version": number })),
    ))
}

/// Submit a draft for review, or publish or return a version in review.
#[utoipa::path(post, path = "/knowledge/articles/{id}/versions/{version}/{step}", tag = "knowledge",
    params(("id" = i64, Path, description = "The article"), ("version" = i64, Path, description = "The version"), ("step" = String, Path, description = "submit, publish or return")),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
async fn api_step(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, number, step)): Path<(i64, i64, String)>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let step = WorkflowStep::parse(&step).ok_or_else(|| {
        ApiError::NotFound(format!(
            "'{step}' is not one of {}",
            WorkflowStep::choices()
        ))
    })?;
    let status = state
        .knowledge
        .step(&caller.actor, id, number, step, Utc::now())
        .await?;
    Ok(Json(
        serde_json::json!({ "id": id, "version": number, "status": status }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagRequest {
    /// What is wrong or outdated.
    pub reason: String,
}

/// Flag an article as wrong or outdated: it reaches its owner's to-do list.
#[utoipa::path(post, path = "/knowledge/articles/{id}/flags", tag = "knowledge", request_body = FlagRequest,
    params(("id" = i64, Path, description = "The article")),
    responses((status = 201, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn api_flag(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    body: Result<crate::extract::ApiJson<FlagRequest>, ApiError>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    check_reader(&caller)?;
    let crate::extract::ApiJson(req) = body?;
    let flag = state
        .knowledge
        .flag(&caller.actor, id, &req.reason, Utc::now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "flag": flag })),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    /// The case the article answered, e.g. KC-2026-000042.
    pub case: String,
}

/// Note the article as the answer given on a case.
#[utoipa::path(post, path = "/knowledge/articles/{id}/answers", tag = "knowledge", request_body = AnswerRequest,
    params(("id" = i64, Path, description = "The article")),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn api_answer(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    body: Result<crate::extract::ApiJson<AnswerRequest>, ApiError>,
) -> Result<Json<serde_json::Value>, ApiError> {
    check_reader(&caller)?;
    let crate::extract::ApiJson(req) = body?;
    // Only on a case the caller may read (the read is audited as any).
    state
        .cases
        .read(req.case.trim(), &caller.actor, Utc::now())
        .await?;
    let new = state
        .knowledge
        .mark_answer(&caller.actor, id, &req.case, Utc::now())
        .await?;
    Ok(Json(
        serde_json::json!({ "article": id, "case": req.case, "new": new }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentRequest {
    pub file_name: String,
    pub content_type: Option<String>,
    pub content_base64: String,
}

/// Attach a file to an article (its type is what its content shows).
#[utoipa::path(post, path = "/knowledge/articles/{id}/attachments", tag = "knowledge", request_body = AttachmentRequest,
    params(("id" = i64, Path, description = "The article")),
    responses((status = 201, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn api_attach(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    body: Result<crate::extract::ApiJson<AttachmentRequest>, ApiError>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    use base64::Engine;
    check_writer(&state, &caller)?;
    let crate::extract::ApiJson(req) = body?;
    let content = base64::engine::general_purpose::STANDARD
        .decode(req.content_base64.trim())
        .map_err(|e| {
            ApiError::Case(CaseError::Invalid(vec![FieldError {
                field: "content_base64".into(),
                reason: format!("is not valid base64: {e}"),
            }]))
        })?;
    let declared = req
        .content_type
        .unwrap_or_else(|| "application/octet-stream".into());
    let attachment = state
        .knowledge
        .attach(
            &caller.actor,
            id,
            &req.file_name,
            &declared,
            content,
            Utc::now(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "article": id, "attachment": attachment })),
    ))
}

/// Which articles are given as answers, and how often the question was
/// then answered at first contact.
#[utoipa::path(get, path = "/knowledge/uses", tag = "knowledge",
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
async fn api_uses(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<serde_json::Value>, ApiError> {
    let uses = state.knowledge.uses(&caller.actor).await?;
    Ok(Json(serde_json::json!({ "uses": uses })))
}

/// What the caller's boards have to do: articles to review, versions in
/// review, agents' flags, residents' questions without an answer.
#[utoipa::path(get, path = "/knowledge/todo", tag = "knowledge",
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
async fn api_todo(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<kontakt_app::knowledge::ToDo>, ApiError> {
    Ok(Json(state.knowledge.todo(&caller.actor, Utc::now()).await?))
}

// ---- staff pages ------------------------------------------------------------

fn freshness_note(lang: Lang, f: Freshness) -> Markup {
    match f {
        Freshness::Current => html! {},
        Freshness::DueSoon { days } => html! {
            p.notice { (lang.ta("kb-due-soon", &[("days", &days)])) }
        },
        Freshness::Stale { days } => html! {
            p.warning role="note" { strong { (lang.t("kb-stale-label")) } " " (lang.ta("kb-stale", &[("days", &days)])) }
        },
    }
}

fn hit_list(lang: Lang, hits: &[Found], public: bool) -> Markup {
    html! {
        ol.kb-hits {
            @for h in hits {
                li {
                    @let href = if public { format!("/fraga/artiklar/{}?lang={}", h.id, h.lang) } else { format!("/knowledge/{}", h.id) };
                    a href=(href) lang=(h.lang) { (h.title) }
                    p lang=(h.lang) { (h.summary) }
                    @if !public { (freshness_note(lang, h.freshness)) }
                }
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SearchForm {
    q: Option<String>,
    district: Option<String>,
}

/// `GET /knowledge`: search, and the way to the to-do list and new articles.
pub async fn search_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(f): Query<SearchForm>,
) -> Result<Markup, PageError> {
    let lang = staff.lang;
    let catalog = state.cases.catalog();
    let q = f.q.unwrap_or_default();
    let district = f.district.filter(|d| !d.is_empty());
    if !kontakt_app::knowledge::KnowledgeService::may_read(&staff.actor) {
        return Err(PageError::Forbidden(
            "the knowledge base is for the contact centre's and the boards' staff".into(),
        ));
    }
    let result = if q.trim().is_empty() {
        None
    } else {
        Some(
            state
                .knowledge
                .search(&staff.actor, q.trim(), district.as_deref(), Utc::now())
                .await?,
        )
    };
    let title = lang.t("kb-title");
    Ok(layout(
        lang,
        &title,
        Some(&staff),
        html! {
            h1 { (title) }
            p {
                a href="/knowledge/todo" { (lang.t("kb-todo")) }
                @if state.knowledge.may_write(&staff.actor, "") || !state.knowledge.owned_boards(&staff.actor).is_empty() {
                    " · " a href="/knowledge/new" { (lang.t("kb-new")) }
                }
            }
            form.kb-search method="get" action="/knowledge" role="search" {
                label for="q" { (lang.t("kb-question")) }
                input #q name="q" type="search" value=(q) autofocus;
                label for="district" { (lang.t("stats-district")) }
                select #district name="district" {
                    option value="" { (lang.t("kb-any-district")) }
                    @for d in &catalog.districts {
                        option value=(d.code) selected[district.as_deref() == Some(d.code.as_str())] { (d.name) }
                    }
                }
                button type="submit" { (lang.t("kb-search")) }
            }
            @if let Some(r) = result {
                @if !r.corrected.is_empty() {
                    p { (lang.t("kb-corrected")) " "
                        @for (asked, used) in &r.corrected { s { (asked) } " → " strong { (used) } " " }
                    }
                }
                @if r.hits.is_empty() {
                    p role="status" { (lang.t("kb-nothing")) }
                } @else {
                    h2 { (lang.t("kb-results")) }
                    (hit_list(lang, &r.hits, false))
                }
            }
        },
    ))
}

fn status_name(lang: Lang, s: ArticleStatus) -> String {
    lang.t(match s {
        ArticleStatus::Draft => "kb-status-draft",
        ArticleStatus::Review => "kb-status-review",
        ArticleStatus::Published => "kb-status-published",
        ArticleStatus::Superseded => "kb-status-superseded",
    })
}

fn article_body(lang: Lang, state: &AppState, v: &Version, show_lang: &str) -> Markup {
    let catalog = state.cases.catalog();
    let Some((text_lang, text)) = v.content.text(show_lang) else {
        return html! {};
    };
    html! {
        article.kb-article lang=(text_lang) {
            h1 { (text.title) }
            (render_markdown(&text.body))
            @if !v.content.links.is_empty() {
                ul.kb-links {
                    @for l in &v.content.links {
                        li { a href=(l.url) rel="noopener" { (l.title) } }
                    }
                }
            }
        }
        dl.kb-facts {
            dt { (lang.t("kb-owner")) }
            dd {
                (catalog.board(&v.content.owner_board).map_or(v.content.owner_board.as_str(), |b| pick(lang, &b.name_sv, &b.name_en)))
                " " a href=(format!("/directory/boards/{}", crate::phone::url_part(&v.content.owner_board))) { (lang.t("card-in-directory")) }
            }
            @if let Some(d) = &v.content.district {
                dt { (lang.t("stats-district")) }
                dd { (catalog.district(d).map_or(d.as_str(), |d| d.name.as_str())) }
            }
            dt { (lang.t("kb-audience")) }
            dd { (lang.t(if v.content.audience == Audience::Public { "kb-audience-public" } else { "kb-audience-agents" })) }
            dt { (lang.t("kb-review-by")) }
            dd { (v.content.review_by.to_string()) }
            dt { (lang.t("kb-languages")) }
            dd { (v.content.texts.keys().cloned().collect::<Vec<_>>().join(", ")) }
        }
    }
}

/// `GET /knowledge/{article}`: the article as agents read it, its
/// versions, the flag form, and the workflow for those who may.
pub async fn article_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let lang = staff.lang;
    let article = state.knowledge.article(&staff.actor, id).await?;
    let files = state.knowledge.attachments(&staff.actor, id).await?;
    let today = kontakt_domain::calendar::stockholm_today();
    let shown = article
        .published()
        .or_else(|| article.newest())
        .ok_or(PageError::NotFound)?;
    let newest = article.newest().ok_or(PageError::NotFound)?;
    let owner = newest.content.owner_board.clone();
    let may_write = state.knowledge.may_write(&staff.actor, &owner);
    let editor = kontakt_app::knowledge::KnowledgeService::is_editor(&staff.actor);
    let csrf = staff.session.session.csrf_token.clone();
    let title = shown
        .content
        .text("sv")
        .map(|(_, t)| t.title.clone())
        .unwrap_or_default();
    let step_form = |step: WorkflowStep, label: &str| {
        html! {
            form.inline method="post" action=(format!("/knowledge/{id}/step")) {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="number" value=(newest.number);
                input type="hidden" name="step" value=(step.as_str());
                button type="submit" { (label) }
            }
        }
    };
    Ok(layout(
        lang,
        &title,
        Some(&staff),
        html! {
            p { a href="/knowledge" { (lang.t("kb-back")) } }
            @if shown.status != ArticleStatus::Published {
                p.notice { (lang.t("kb-not-published")) }
            }
            (freshness_note(lang, kontakt_domain::knowledge::freshness(shown.content.review_by, today)))
            (article_body(lang, &state, shown, lang.code()))
            @if !files.is_empty() || may_write {
                section aria-labelledby="kb-files" {
                    h2 #kb-files { (lang.t("kb-files")) }
                    ul {
                        @for f in &files {
                            li {
                                a href=(format!("/knowledge/{id}/attachments/{}", f.id)) { (f.name) }
                                " (" (f.size.div_ceil(1024)) " kB)"
                                @if may_write {
                                    form.inline method="post" action=(format!("/knowledge/{id}/attachments/{}/remove", f.id)) {
                                        input type="hidden" name="csrf" value=(csrf);
                                        button type="submit" { (lang.t("kb-file-remove")) }
                                    }
                                }
                            }
                        }
                    }
                    @if may_write {
                        form method="post" action=(format!("/knowledge/{id}/attachments")) enctype="multipart/form-data" {
                            input type="hidden" name="csrf" value=(csrf);
                            label for="file" { (lang.t("kb-file-add")) }
                            input #file name="file" type="file" required;
                            button type="submit" { (lang.t("kb-file-upload")) }
                        }
                    }
                }
            }
            @if may_write || editor {
                section aria-labelledby="kb-work" {
                    h2 #kb-work { (lang.t("kb-work")) }
                    p { (lang.ta("kb-newest", &[("number", &newest.number), ("status", &status_name(lang, newest.status))])) }
                    @if may_write && newest.status != ArticleStatus::Review {
                        p { a href=(format!("/knowledge/{id}/edit")) { (lang.t("kb-edit")) } }
                    }
                    @if may_write && newest.status == ArticleStatus::Draft {
                        (step_form(WorkflowStep::Submit, &lang.t("kb-submit")))
                    }
                    @if editor && newest.status == ArticleStatus::Review {
                        (step_form(WorkflowStep::Publish, &lang.t("kb-publish")))
                        (step_form(WorkflowStep::Return, &lang.t("kb-return")))
                    }
                }
            }
            @if article.published().is_some() {
                section aria-labelledby="kb-flag" {
                    h2 #kb-flag { (lang.t("kb-flag")) }
                    form method="post" action=(format!("/knowledge/{id}/flag")) {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="reason" { (lang.t("kb-flag-reason")) }
                        textarea #reason name="reason" rows="3" required {}
                        button type="submit" { (lang.t("kb-flag-send")) }
                    }
                }
            }
            section aria-labelledby="kb-history" {
                h2 #kb-history { (lang.t("kb-history")) }
                table {
                    caption.visually-hidden { (lang.t("kb-history")) }
                    thead { tr {
                        th scope="col" { (lang.t("kb-version")) }
                        th scope="col" { (lang.t("kb-status")) }
                        th scope="col" { (lang.t("kb-changed-by")) }
                        th scope="col" { (lang.t("kb-changed-at")) }
                        th scope="col" { (lang.t("kb-note")) }
                    } }
                    tbody {
                        @for v in article.versions.iter().rev() {
                            tr {
                                th scope="row" { (v.number) }
                                td { (status_name(lang, v.status)) }
                                td { (v.changed_by) }
                                td { (kontakt_domain::calendar::stockholm_local(v.changed_at).format("%Y-%m-%d %H:%M").to_string()) }
                                td { (v.note) }
                            }
                        }
                    }
                }
            }
        },
    ))
}

/// The edit form's fields, as posted.
#[derive(Debug, Default, Deserialize)]
pub struct ArticleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    after: Option<i64>,
    #[serde(default)]
    title_sv: String,
    #[serde(default)]
    body_sv: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    body_en: String,
    #[serde(default)]
    owner_board: String,
    #[serde(default)]
    service_area: String,
    #[serde(default)]
    district: String,
    #[serde(default)]
    audience: String,
    /// Case type codes, separated by commas or spaces.
    #[serde(default)]
    case_types: String,
    /// One link a line: `title | https://…`.
    #[serde(default)]
    links: String,
    #[serde(default)]
    review_by: String,
    #[serde(default)]
    note: String,
}

impl ArticleForm {
    fn from_content(c: &ArticleContent, after: Option<i64>) -> ArticleForm {
        let text = |l: &str| c.texts.get(l).cloned();
        ArticleForm {
            csrf: String::new(),
            after,
            title_sv: text("sv").map(|t| t.title).unwrap_or_default(),
            body_sv: text("sv").map(|t| t.body).unwrap_or_default(),
            title_en: text("en").map(|t| t.title).unwrap_or_default(),
            body_en: text("en").map(|t| t.body).unwrap_or_default(),
            owner_board: c.owner_board.clone(),
            service_area: c.service_area.clone(),
            district: c.district.clone().unwrap_or_default(),
            audience: c.audience.as_str().into(),
            case_types: c.case_types.join(", "),
            links: c
                .links
                .iter()
                .map(|l| format!("{} | {}", l.title, l.url))
                .collect::<Vec<_>>()
                .join("\n"),
            review_by: c.review_by.to_string(),
            note: String::new(),
        }
    }

    /// The content, or every field that could not be read.
    fn content(&self, keep: &BTreeMap<String, ArticleText>) -> Result<ArticleContent, Vec<String>> {
        let mut errors = Vec::new();
        let mut texts = keep.clone();
        for (code, title, body) in [
            ("sv", &self.title_sv, &self.body_sv),
            ("en", &self.title_en, &self.body_en),
        ] {
            if title.trim().is_empty() && body.trim().is_empty() {
                texts.remove(code);
            } else {
                texts.insert(
                    code.into(),
                    ArticleText {
                        title: title.trim().into(),
                        body: body.replace("\r\n", "\n"),
                    },
                );
            }
        }
        let audience = Audience::parse(&self.audience).unwrap_or_else(|| {
            errors.push(format!(
                "audience: '{}' is not one of {}",
                self.audience,
                Audience::choices()
            ));
            Audience::Agents
        });
        let review_by = self.review_by.trim().parse().unwrap_or_else(|_| {
            errors.push(format!(
                "review_by: '{}' is not a date (YYYY-MM-DD)",
                self.review_by
            ));
            chrono::NaiveDate::MIN
        });
        let mut links = Vec::new();
        for (i, line) in self
            .links
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            match line.split_once('|') {
                Some((title, url)) => links.push(ArticleLink {
                    title: title.trim().into(),
                    url: url.trim().into(),
                }),
                None => errors.push(format!("links, line {}: write 'title | https://…'", i + 1)),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ArticleContent {
            texts,
            owner_board: self.owner_board.trim().into(),
            service_area: self.service_area.trim().into(),
            district: Some(self.district.trim().to_owned()).filter(|d| !d.is_empty()),
            audience,
            case_types: self
                .case_types
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
            links,
            review_by,
        })
    }
}

fn edit_page(
    state: &AppState,
    staff: &Staff,
    action: &str,
    f: &ArticleForm,
    errors: &[String],
) -> Markup {
    let lang = staff.lang;
    let catalog = state.cases.catalog();
    let title = lang.t("kb-edit-title");
    layout(
        lang,
        &title,
        Some(staff),
        html! {
            h1 { (title) }
            @if !errors.is_empty() {
                div.error-summary role="alert" {
                    p { (lang.t("kb-not-saved")) }
                    ul { @for e in errors { li { (e) } } }
                }
            }
            form.kb-edit method="post" action=(action) {
                input type="hidden" name="csrf" value=(staff.session.session.csrf_token);
                @if let Some(after) = f.after { input type="hidden" name="after" value=(after); }
                fieldset {
                    legend { (lang.t("kb-text-sv")) }
                    label for="title_sv" { (lang.t("kb-field-title")) }
                    input #title_sv name="title_sv" type="text" value=(f.title_sv) required;
                    label for="body_sv" { (lang.t("kb-field-body")) }
                    textarea #body_sv name="body_sv" rows="12" required aria-describedby="body-hint" { (f.body_sv) }
                    p.hint #body-hint { (lang.t("kb-body-hint")) }
                }
                fieldset {
                    legend { (lang.t("kb-text-en")) }
                    label for="title_en" { (lang.t("kb-field-title")) }
                    input #title_en name="title_en" type="text" value=(f.title_en);
                    label for="body_en" { (lang.t("kb-field-body")) }
                    textarea #body_en name="body_en" rows="8" { (f.body_en) }
                }
                label for="owner_board" { (lang.t("kb-owner")) }
                select #owner_board name="owner_board" {
                    @for b in &catalog.boards {
                        option value=(b.code) selected[f.owner_board == b.code] { (pick(lang, &b.name_sv, &b.name_en)) }
                    }
                }
                label for="service_area" { (lang.t("kb-service-area")) }
                select #service_area name="service_area" {
                    @for a in &catalog.service_areas {
                        option value=(a.code) selected[f.service_area == a.code] { (pick(lang, &a.name_sv, &a.name_en)) }
                    }
                }
                label for="district" { (lang.t("stats-district")) }
                select #district name="district" {
                    option value="" { (lang.t("kb-whole-city")) }
                    @for d in &catalog.districts {
                        option value=(d.code) selected[f.district == d.code] { (d.name) }
                    }
                }
                label for="audience" { (lang.t("kb-audience")) }
                select #audience name="audience" {
                    option value="agents" selected[f.audience != "public"] { (lang.t("kb-audience-agents")) }
                    option value="public" selected[f.audience == "public"] { (lang.t("kb-audience-public")) }
                }
                label for="case_types" { (lang.t("kb-case-types")) }
                input #case_types name="case_types" type="text" value=(f.case_types) aria-describedby="types-hint";
                p.hint #types-hint { (lang.t("kb-case-types-hint")) }
                label for="links" { (lang.t("kb-links")) }
                textarea #links name="links" rows="3" aria-describedby="links-hint" { (f.links) }
                p.hint #links-hint { (lang.t("kb-links-hint")) }
                label for="review_by" { (lang.t("kb-review-by")) }
                input #review_by name="review_by" type="date" value=(f.review_by) required;
                label for="note" { (lang.t("kb-note")) }
                input #note name="note" type="text" value=(f.note);
                div.actions { button type="submit" { (lang.t("kb-save")) } }
            }
        },
    )
}

/// `GET /knowledge/new`.
pub async fn new_form(State(state): State<AppState>, staff: Staff) -> Result<Markup, PageError> {
    let boards = state.knowledge.owned_boards(&staff.actor);
    if !state.knowledge.may_write(&staff.actor, "") && boards.is_empty() {
        return Err(PageError::Forbidden(
            "only editors, team leaders and officers write articles".into(),
        ));
    }
    let f = ArticleForm {
        owner_board: boards.first().cloned().unwrap_or_default(),
        audience: "agents".into(),
        review_by: (kontakt_domain::calendar::stockholm_today() + chrono::Duration::days(180))
            .to_string(),
        ..ArticleForm::default()
    };
    Ok(edit_page(&state, &staff, "/knowledge/new", &f, &[]))
}

fn invalid_page(
    state: &AppState,
    staff: &Staff,
    action: &str,
    f: &ArticleForm,
    e: KnowledgeError,
) -> Result<Response, PageError> {
    match e {
        KnowledgeError::Invalid(errors) => {
            let lines: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.reason))
                .collect();
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                edit_page(state, staff, action, f, &lines),
            )
                .into_response())
        }
        KnowledgeError::Conflict(m) => Ok((
            StatusCode::CONFLICT,
            edit_page(state, staff, action, f, &[m]),
        )
            .into_response()),
        other => Err(other.into()),
    }
}

/// `POST /knowledge/new`.
pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    axum::Form(f): axum::Form<ArticleForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &f.csrf).await?;
    let content = match f.content(&BTreeMap::new()) {
        Ok(c) => c,
        Err(errors) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                edit_page(&state, &staff, "/knowledge/new", &f, &errors),
            )
                .into_response())
        }
    };
    match state
        .knowledge
        .create(&staff.actor, &content, &f.note, Utc::now())
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/knowledge/{id}")).into_response()),
        Err(e) => invalid_page(&state, &staff, "/knowledge/new", &f, e),
    }
}

/// `GET /knowledge/{article}/edit`: the newest version, to change.
pub async fn edit_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let article = state.knowledge.article(&staff.actor, id).await?;
    let newest = article.newest().ok_or(PageError::NotFound)?;
    if !state
        .knowledge
        .may_write(&staff.actor, &newest.content.owner_board)
    {
        return Err(PageError::Forbidden("you do not write this article".into()));
    }
    let f = ArticleForm::from_content(&newest.content, Some(newest.number));
    Ok(edit_page(
        &state,
        &staff,
        &format!("/knowledge/{id}/edit"),
        &f,
        &[],
    ))
}

/// `POST /knowledge/{article}/edit`: a new draft version.
pub async fn revise(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<ArticleForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &f.csrf).await?;
    let action = format!("/knowledge/{id}/edit");
    let article = state.knowledge.article(&staff.actor, id).await?;
    // Languages the form does not show are kept as they were.
    let keep: BTreeMap<String, ArticleText> = article
        .newest()
        .map(|v| {
            v.content
                .texts
                .iter()
                .filter(|(l, _)| l.as_str() != "sv" && l.as_str() != "en")
                .map(|(l, t)| (l.clone(), t.clone()))
                .collect()
        })
        .unwrap_or_default();
    let content = match f.content(&keep) {
        Ok(c) => c,
        Err(errors) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                edit_page(&state, &staff, &action, &f, &errors),
            )
                .into_response())
        }
    };
    let after = f.after.unwrap_or(0);
    match state
        .knowledge
        .revise(&staff.actor, id, after, &content, &f.note, Utc::now())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/knowledge/{id}")).into_response()),
        Err(e) => invalid_page(&state, &staff, &action, &f, e),
    }
}

#[derive(Debug, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    number: i64,
    #[serde(default)]
    step: String,
}

/// `POST /knowledge/{article}/step`.
pub async fn step(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<StepForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &f.csrf).await?;
    let step = WorkflowStep::parse(&f.step)
        .ok_or_else(|| PageError::Invalid(format!("'{}' is not a workflow step", f.step)))?;
    state
        .knowledge
        .step(&staff.actor, id, f.number, step, Utc::now())
        .await?;
    Ok(Redirect::to(&format!("/knowledge/{id}")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct FlagForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// `POST /knowledge/{article}/flag`.
pub async fn flag(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<FlagForm>,
) -> Result<Markup, PageError> {
    staff.check_csrf(&state, &f.csrf).await?;
    state
        .knowledge
        .flag(&staff.actor, id, &f.reason, Utc::now())
        .await?;
    let lang = staff.lang;
    let title = lang.t("kb-flagged");
    Ok(layout(
        lang,
        &title,
        Some(&staff),
        html! {
            h1 { (title) }
            p role="status" { (lang.t("kb-flagged-text")) }
            p { a href=(format!("/knowledge/{id}")) { (lang.t("kb-back-article")) } }
        },
    ))
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /knowledge/flags/{flag}/resolve`.
pub async fn resolve_flag(
    State(state): State<AppState>,
    staff: Staff,
    Path(flag): Path<i64>,
    axum::Form(f): axum::Form<CsrfForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &f.csrf).await?;
    state
        .knowledge
        .resolve_flag(&staff.actor, flag, Utc::now())
        .await?;
    Ok(Redirect::to("/knowledge/todo").into_response())
}

/// `GET /knowledge/todo`: the owner's to-do list.
pub async fn todo_page(State(state): State<AppState>, staff: Staff) -> Result<Markup, PageError> {
    let lang = staff.lang;
    let todo = state.knowledge.todo(&staff.actor, Utc::now()).await?;
    let uses = state.knowledge.uses(&staff.actor).await?;
    let title = lang.t("kb-todo");
    let csrf = staff.session.session.csrf_token.clone();
    Ok(layout(
        lang,
        &title,
        Some(&staff),
        html! {
            h1 { (title) }
            h2 { (lang.t("kb-todo-review")) }
            @if todo.review.is_empty() { p { (lang.t("kb-none")) } }
            ul { @for (id, t, f) in &todo.review { li { a href=(format!("/knowledge/{id}")) { (t) } (freshness_note(lang, *f)) } } }
            h2 { (lang.t("kb-todo-in-review")) }
            @if todo.in_review.is_empty() { p { (lang.t("kb-none")) } }
            ul { @for (id, t, n) in &todo.in_review { li { a href=(format!("/knowledge/{id}")) { (t) } " (" (lang.t("kb-version")) " " (n) ")" } } }
            h2 { (lang.t("kb-todo-flags")) }
            @if todo.flags.is_empty() { p { (lang.t("kb-none")) } }
            ul {
                @for (f, t) in &todo.flags {
                    li {
                        a href=(format!("/knowledge/{}", f.article)) { (t) } ": " (f.reason)
                        form.inline method="post" action=(format!("/knowledge/flags/{}/resolve", f.id)) {
                            input type="hidden" name="csrf" value=(csrf);
                            button type="submit" { (lang.t("kb-resolve")) }
                        }
                    }
                }
            }
            h2 { (lang.t("kb-uses")) }
            @if uses.is_empty() { p { (lang.t("kb-none")) } } @else {
                table {
                    caption.visually-hidden { (lang.t("kb-uses")) }
                    thead { tr {
                        th scope="col" { (lang.t("kb-title")) }
                        th scope="col" { (lang.t("kb-uses-given")) }
                        th scope="col" { (lang.t("kb-uses-first-contact")) }
                    } }
                    tbody {
                        @for u in uses.iter().take(20) {
                            tr {
                                th scope="row" { a href=(format!("/knowledge/{}", u.article)) { (u.title) } }
                                td { (u.uses) }
                                td { (u.first_contact) }
                            }
                        }
                    }
                }
            }
            h2 { (lang.t("kb-todo-gaps")) }
            p { (lang.ta("kb-gaps-intro", &[("days", &kontakt_app::knowledge::GAP_DAYS)])) }
            @if todo.gaps.is_empty() { p { (lang.t("kb-none")) } } @else {
                table {
                    caption.visually-hidden { (lang.t("kb-todo-gaps")) }
                    thead { tr { th scope="col" { (lang.t("kb-gap-words")) } th scope="col" { (lang.t("kb-languages")) } th scope="col" { (lang.t("kb-gap-asked")) } } }
                    tbody { @for g in &todo.gaps { tr { th scope="row" { (g.terms) } td { (g.lang) } td { (g.asked) } } } }
                }
            }
        },
    ))
}

/// The articles for a case type, for quick registration and the case card.
pub(crate) async fn linked_articles(
    state: &AppState,
    staff: &Staff,
    case_type: &str,
    district: Option<&str>,
) -> Markup {
    let lang = staff.lang;
    let Ok(found) = state
        .knowledge
        .for_case_type(&staff.actor, case_type, district, Utc::now())
        .await
    else {
        return html! {};
    };
    if found.is_empty() {
        return html! {};
    }
    html! {
        section.kb-linked aria-labelledby="kb-linked" {
            h2 #kb-linked { (lang.t("kb-linked")) }
            (hit_list(lang, &found, false))
        }
    }
}

/// The case card's articles for its type: what the agent can read out,
/// each with "given as the answer".
pub(crate) async fn case_articles(
    state: &AppState,
    staff: &Staff,
    case: &crate::views::CaseView,
) -> Markup {
    let lang = staff.lang;
    let Ok(found) = state
        .knowledge
        .for_case_type(
            &staff.actor,
            &case.case_type,
            case.district.as_deref(),
            Utc::now(),
        )
        .await
    else {
        return html! {};
    };
    if found.is_empty() {
        return html! {};
    }
    let csrf = &staff.session.session.csrf_token;
    html! {
        aside.kb-linked aria-labelledby="kb-card-articles" {
            h2 #kb-card-articles { (lang.t("kb-linked")) }
            ul {
                @for h in &found {
                    li {
                        a href=(format!("/knowledge/{}", h.id)) { (h.title) }
                        (freshness_note(lang, h.freshness))
                        form.inline method="post" action=(format!("/cases/{}/answer", case.number)) {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="article" value=(h.id);
                            button type="submit" { (lang.t("kb-answer-given")) }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    article: i64,
}

/// `POST /cases/{number}/answer`: the article was the answer given.
pub async fn answer_given(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    axum::Form(f): axum::Form<AnswerForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &f.csrf).await?;
    crate::desk::require_desk(&staff)?;
    // Only on a case the agent may read.
    state.cases.read(&number, &staff.actor, Utc::now()).await?;
    state
        .knowledge
        .mark_answer(&staff.actor, f.article, &number, Utc::now())
        .await?;
    Ok(Redirect::to(&format!("/cases/{number}")).into_response())
}

// ---- the residents' web assistant ------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct AssistantQuery {
    q: Option<String>,
    lang: Option<String>,
}

/// `GET /fraga`: a resident asks in their own words; the best public
/// articles answer, in their language when translated; if nothing helps,
/// the question goes to the contact centre through an e-service.
pub async fn assistant(
    State(state): State<AppState>,
    lang: Lang,
    Query(q): Query<AssistantQuery>,
) -> Result<Markup, PageError> {
    let text = q.q.unwrap_or_default();
    let text = text.trim();
    let asked_lang = q.lang.unwrap_or_else(|| lang.code().to_owned());
    let result = if text.is_empty() || text.chars().count() > 500 {
        None
    } else {
        Some(state.knowledge.ask(text, &asked_lang, Utc::now()).await?)
    };
    let catalog = state.cases.catalog();
    // Where the question goes when no article helps: the e-service of the
    // case type it was understood as, if public, else a general question.
    let service = result
        .as_ref()
        .and_then(|r| r.case_type.as_deref())
        .and_then(|t| catalog.case_type(t))
        .filter(|t| t.public)
        .map_or(kontakt_app::knowledge::GENERAL_QUESTION, |t| {
            t.code.as_str()
        });
    let title = lang.t("kb-assistant-title");
    Ok(crate::eservice::public_page(
        &state,
        lang,
        &title,
        html! {
            h1 { (title) }
            p { (lang.t("kb-assistant-intro")) }
            form.kb-search method="get" action="/fraga" role="search" {
                label for="q" { (lang.t("kb-assistant-question")) }
                input #q name="q" type="search" value=(text) maxlength="500";
                button type="submit" { (lang.t("kb-search")) }
            }
            @if let Some(r) = &result {
                @if r.hits.is_empty() {
                    p role="status" { (lang.t("kb-assistant-nothing")) }
                } @else {
                    h2 { (lang.t("kb-assistant-answers")) }
                    (hit_list(lang, &r.hits, true))
                }
                section aria-labelledby="kb-ask-us" {
                    h2 #kb-ask-us { (lang.t("kb-assistant-not-helped")) }
                    p {
                        a.button href=(format!("/e-tjanster/{service}?fraga={}", form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>())) {
                            (lang.t("kb-assistant-send"))
                        }
                    }
                }
            }
        },
    ))
}

/// `GET /fraga/artiklar/{article}`: a public article for residents.
pub async fn public_article(
    State(state): State<AppState>,
    lang: Lang,
    Path(id): Path<i64>,
    Query(q): Query<AssistantQuery>,
) -> Result<Markup, PageError> {
    let v = state.knowledge.public_article(id).await?;
    let files = state.knowledge.public_attachments(id).await?;
    let show = q.lang.unwrap_or_else(|| lang.code().to_owned());
    let (text_lang, text) = v.content.text(&show).ok_or(PageError::NotFound)?;
    let dir = if matches!(text_lang, "ar" | "fa") {
        "rtl"
    } else {
        "ltr"
    };
    Ok(crate::eservice::public_page(
        &state,
        lang,
        &text.title,
        html! {
            p { a href="/fraga" { (lang.t("kb-assistant-back")) } }
            article.kb-article lang=(text_lang) dir=(dir) {
                h1 { (text.title) }
                (render_markdown(&text.body))
                @if !v.content.links.is_empty() {
                    ul.kb-links { @for l in &v.content.links { li { a href=(l.url) rel="noopener" { (l.title) } } } }
                }
                @if !files.is_empty() {
                    ul.kb-files {
                        @for f in &files {
                            li { a href=(format!("/fraga/artiklar/{id}/bilagor/{}", f.id)) { (f.name) } " (" (f.size.div_ceil(1024)) " kB)" }
                        }
                    }
                }
            }
        },
    ))
}

/// `GET /fraga/artiklar/{article}/bilagor/{attachment}`: a public
/// article's file.
pub async fn public_file(
    State(state): State<AppState>,
    Path((id, attachment)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let (file, content) = state.knowledge.attachment(None, id, attachment).await?;
    Ok(crate::api::file_download(
        &file.name,
        file.content_type,
        content,
    ))
}

/// `GET /knowledge/{article}/attachments/{attachment}`.
pub async fn staff_file(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, attachment)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let (file, content) = state
        .knowledge
        .attachment(Some(&staff.actor), id, attachment)
        .await?;
    Ok(crate::api::file_download(
        &file.name,
        file.content_type,
        content,
    ))
}

/// `POST /knowledge/{article}/attachments`: a file from the article page.
/// The CSRF token comes first in the form: no file is read before it is
/// checked (and a body that is no form is refused as a forgery).
pub async fn upload(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let Ok(mut multipart) = multipart else {
        staff.check_csrf(&state, "").await?;
        return Err(PageError::Csrf);
    };
    let (mut checked, mut file) = (false, None);
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("csrf") => {
                staff
                    .check_csrf(&state, &field.text().await.unwrap_or_default())
                    .await?;
                checked = true;
            }
            Some("file") if checked => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let declared = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| PageError::Invalid(format!("file: {e}")))?;
                file = Some((name, declared, bytes.to_vec()));
            }
            _ => {}
        }
    }
    if !checked {
        staff.check_csrf(&state, "").await?;
        return Err(PageError::Csrf);
    }
    let (name, declared, content) =
        file.ok_or_else(|| PageError::Invalid("file: choose a file".into()))?;
    state
        .knowledge
        .attach(&staff.actor, id, &name, &declared, content, Utc::now())
        .await?;
    Ok(Redirect::to(&format!("/knowledge/{id}")).into_response())
}

/// `POST /knowledge/{article}/attachments/{attachment}/remove`.
pub async fn remove_file(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, attachment)): Path<(i64, i64)>,
    axum::Form(f): axum::Form<CsrfForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &f.csrf).await?;
    state
        .knowledge
        .detach(&staff.actor, id, attachment, Utc::now())
        .await?;
    Ok(Redirect::to(&format!("/knowledge/{id}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_rendered_without_html_or_script_links() {
        let html = render_markdown(
            "# Rubrik\n\n**Fet** <script>alert(1)</script> [bra](https://stockholm.se) [dålig](javascript:alert(1))",
        )
        .into_string();
        assert!(html.contains("<h1>Rubrik</h1>"), "{html}");
        assert!(html.contains("<strong>Fet</strong>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("href=\"https://stockholm.se\""), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(
            html.contains("dålig"),
            "the text of a refused link stays: {html}"
        );
    }
}
