//! The switchboard's directory over HTTP: the operators' search (type-ahead
//! through desk.js, a plain form without it), a person's and a unit's page
//! with absence notes and stand-ins, connecting a call and taking a
//! message from the screen pop, the HR import with its preview, the JSON
//! API, and the public directory (`/organisation`, units and numbers only).

use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use base64::Engine;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use kontakt_app::directory::{
    AbsenceRequest, Away, DirectoryError, Found, MessageRequest, Preview, PublicUnit,
};
use kontakt_domain::access::Role;
use kontakt_domain::directory::diff::{ChangeKind, Entry};
use kontakt_domain::directory::{Problem as FieldProblem, Subject};
use maud::{html, Markup};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::{ApiJson, Caller};
use crate::i18n::Lang;
use crate::pages::layout;
use crate::problem::{ApiError, PageError, Problem};
use crate::session::Staff;
use crate::AppState;

impl From<DirectoryError> for ApiError {
    fn from(e: DirectoryError) -> Self {
        use kontakt_app::cases::{CaseError, FieldError};
        match e {
            DirectoryError::Invalid(problems) => ApiError::Case(CaseError::Invalid(
                problems
                    .into_iter()
                    .map(|p| FieldError {
                        field: if p.place == "request" {
                            p.field
                        } else {
                            format!("{}: {}", p.place, p.field)
                        },
                        reason: p.reason,
                    })
                    .collect(),
            )),
            DirectoryError::Forbidden(m) => ApiError::Case(CaseError::Forbidden(m)),
            DirectoryError::NotFound => ApiError::NotFound("not in the directory".into()),
            DirectoryError::Conflict(m) => ApiError::Conflict(m),
            DirectoryError::Store(e) => e.into(),
            DirectoryError::Case(e) => ApiError::Case(e),
        }
    }
}

impl From<DirectoryError> for PageError {
    fn from(e: DirectoryError) -> Self {
        match e {
            DirectoryError::Invalid(problems) => PageError::Invalid(
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            DirectoryError::Forbidden(m) => PageError::Forbidden(m),
            DirectoryError::NotFound => PageError::NotFound,
            DirectoryError::Conflict(m) => PageError::Invalid(m),
            DirectoryError::Store(e) => PageError::Internal(e.to_string()),
            DirectoryError::Case(e) => e.into(),
        }
    }
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_search))
        .routes(routes!(api_person))
        .routes(routes!(api_unit))
        .routes(routes!(api_history))
        .routes(routes!(api_set_absence))
        .routes(routes!(api_remove_absence))
        .routes(routes!(api_preview))
        .routes(routes!(api_apply))
        .routes(routes!(api_message))
        .routes(routes!(api_transfer))
        .routes(routes!(api_public))
}

/// "person:1001" or "unit:TK" (as in forms and links).
fn parse_subject(s: &str) -> Option<Subject> {
    let (kind, id) = s.split_once(':')?;
    Subject::parse(kind, id).filter(|s| !s.id().is_empty())
}

fn subject_key(s: &Subject) -> String {
    format!("{}:{}", s.kind(), s.id())
}

fn subject_href(s: &Subject) -> String {
    match s {
        Subject::Person(id) => format!("/directory/people/{}", url(id)),
        Subject::Unit(id) => format!("/directory/units/{}", url(id)),
    }
}

fn url(s: &str) -> String {
    crate::phone::url_part(s)
}

fn when(t: DateTime<Utc>) -> String {
    kontakt_domain::calendar::stockholm_minute(t)
}

// ---------------------------------------------------------------- API

#[derive(Debug, Deserialize, IntoParams)]
struct SearchParams {
    /// What the operator typed: names, functions, units, districts.
    q: Option<String>,
    /// At most this many (1–50, default 10).
    limit: Option<usize>,
}

/// Type-ahead over people, units, functions and districts' search words,
/// with availability (absence note and stand-in) and the best number.
#[utoipa::path(get, path = "/directory/search", tag = "directory", params(SearchParams),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
async fn api_search(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<SearchParams>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let hits = state
        .directory
        .search(
            &caller.actor,
            p.q.as_deref().unwrap_or_default(),
            p.limit.unwrap_or(10),
            Utc::now(),
        )
        .await?;
    Ok(Json(serde_json::json!({ "items": hits })))
}

/// A person: units, numbers, languages, competences, absence notes.
#[utoipa::path(get, path = "/directory/people/{id}", tag = "directory",
    params(("id" = String, Path, description = "Employee number")),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn api_person(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<kontakt_app::directory::PersonView>, ApiError> {
    Ok(Json(
        state
            .directory
            .person(&caller.actor, &id, Utc::now())
            .await?,
    ))
}

/// A unit: where it sits, its functions, numbers, staff and sub-units.
#[utoipa::path(get, path = "/directory/units/{id}", tag = "directory",
    params(("id" = String, Path, description = "Unit code")),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn api_unit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<kontakt_app::directory::UnitView>, ApiError> {
    Ok(Json(
        state.directory.unit(&caller.actor, &id, Utc::now()).await?,
    ))
}

/// Every change of a person or unit (imports, absence notes), newest first:
/// team leaders and administrators.
#[utoipa::path(get, path = "/directory/{kind}/{id}/history", tag = "directory",
    params(("kind" = String, Path, description = "people or units"), ("id" = String, Path)),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn api_history(
    State(state): State<AppState>,
    caller: Caller,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let subject = match kind.as_str() {
        "people" => Subject::Person(id),
        "units" => Subject::Unit(id),
        _ => return Err(ApiError::NotFound("no such resource".into())),
    };
    let rows = state.directory.history(&caller.actor, &subject).await?;
    let items: Vec<serde_json::Value> = rows
        .into_iter()
        .map(|h| {
            let parse = |s: Option<String>| {
                s.and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
            };
            serde_json::json!({"at": h.at, "actor": h.actor, "change": h.change,
                "fields": h.fields, "before": parse(h.before), "after": parse(h.after), "import": h.import_id})
        })
        .collect();
    Ok(Json(serde_json::json!({ "items": items })))
}

/// An absence note to set.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AbsenceBody {
    /// "person:<employee number>" or "unit:<code>".
    subject: String,
    /// Defaults to now.
    #[serde(default)]
    from: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    #[serde(default)]
    reason: Option<String>,
    /// "person:…" or "unit:…".
    #[serde(default)]
    stand_in: Option<String>,
}

fn subject_field(field: &str, value: &str) -> Result<Subject, DirectoryError> {
    parse_subject(value).ok_or_else(|| {
        DirectoryError::Invalid(vec![FieldProblem {
            place: "request".into(),
            field: field.into(),
            reason: "write person:<employee number> or unit:<code>".into(),
        }])
    })
}

/// Set an absence note (away until …, contact … instead).
#[utoipa::path(post, path = "/directory/absences", tag = "directory", request_body = AbsenceBody,
    responses((status = 201, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn api_set_absence(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<ApiJson<AbsenceBody>, ApiError>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let ApiJson(b) = body?;
    let subject = subject_field("subject", &b.subject)?;
    let stand_in = match b.stand_in.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(subject_field("stand_in", s)?),
        None => None,
    };
    let id = state
        .directory
        .set_absence(
            &caller.actor,
            AbsenceRequest {
                subject,
                from: b.from,
                until: b.until,
                reason: b.reason,
                stand_in,
            },
            Utc::now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))))
}

/// Remove an absence note (the person is back).
#[utoipa::path(delete, path = "/directory/absences/{id}", tag = "directory",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn api_remove_absence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .directory
        .remove_absence(&caller.actor, id, Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An HR export (CSV or LDIF) as text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportBody {
    content: String,
    /// The file's name, kept with the import.
    #[serde(default)]
    source: String,
    /// The preview's stamp (for applying).
    #[serde(default)]
    stamp: Option<i64>,
}

/// What an HR file would change (starters, leavers, moves, changed
/// details, and leavers' open cases and groups). Nothing is written.
#[utoipa::path(post, path = "/directory/imports/preview", tag = "directory", request_body = ImportBody,
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn api_preview(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<ApiJson<ImportBody>, ApiError>,
) -> Result<Json<Preview>, ApiError> {
    let ApiJson(b) = body?;
    Ok(Json(
        state
            .directory
            .preview(&caller.actor, b.content.as_bytes())
            .await?,
    ))
}

/// Apply an HR file whose preview was made at `stamp`: all or nothing; 409
/// if the directory changed since the preview.
#[utoipa::path(post, path = "/directory/imports", tag = "directory", request_body = ImportBody,
    responses((status = 201, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn api_apply(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<ApiJson<ImportBody>, ApiError>,
) -> Result<(StatusCode, Json<kontakt_app::directory::Applied>), ApiError> {
    let ApiJson(b) = body?;
    let Some(stamp) = b.stamp else {
        return Err(DirectoryError::Invalid(vec![FieldProblem {
            place: "request".into(),
            field: "stamp".into(),
            reason: "is required: preview the file first".into(),
        }])
        .into());
    };
    let applied = state
        .directory
        .apply(
            &caller.actor,
            &b.source,
            b.content.as_bytes(),
            stamp,
            Utc::now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(applied)))
}

/// A message taken for someone who cannot answer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageBody {
    /// "person:…" or "unit:…".
    to: String,
    #[serde(default)]
    caller_name: String,
    #[serde(default)]
    caller_phone: String,
    #[serde(default)]
    message: String,
    /// The callback is promised by this day (default: the next working day).
    #[serde(default)]
    callback_by: Option<NaiveDate>,
    #[serde(default)]
    call: Option<String>,
}

/// Take a message: a case given to the person and their unit's group, with
/// the callback promised by a day.
#[utoipa::path(post, path = "/directory/messages", tag = "directory", request_body = MessageBody,
    responses((status = 201, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn api_message(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<ApiJson<MessageBody>, ApiError>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let ApiJson(b) = body?;
    let to = subject_field("to", &b.to)?;
    let intake = state
        .directory
        .take_message(
            &state.cases,
            &caller.actor,
            MessageRequest {
                to: Some(to),
                caller_name: b.caller_name,
                caller_phone: b.caller_phone,
                message: b.message,
                callback_by: b.callback_by,
                call: b.call.clone(),
            },
            Utc::now(),
        )
        .await?;
    if let (Some(call), Some(board)) = (&b.call, &state.switchboard) {
        // The message came from this call: link them, as quick registration does.
        let _ = board.link_case(&caller.actor, call, intake.number).await;
    }
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({"number": intake.number.to_string(),
            "feedback_deadline": intake.feedback_deadline})),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferBody {
    /// "person:…" or "unit:…".
    to: String,
}

/// Connect the call this agent is talking on to a person or unit from the
/// directory: the unit's answer group's queue, or the best number (the
/// phone system is told `transfer_to`). Someone away is not connected (409,
/// naming the stand-in).
#[utoipa::path(post, path = "/phone/calls/{call}/transfer", tag = "directory", request_body = TransferBody,
    params(("call" = String, Path)),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn api_transfer(
    State(state): State<AppState>,
    caller: Caller,
    Path(call): Path<String>,
    body: Result<ApiJson<TransferBody>, ApiError>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let ApiJson(b) = body?;
    let to = subject_field("to", &b.to)?;
    let instructions = transfer(&state, &caller.actor, &call, &to).await?;
    Ok(Json(serde_json::json!({ "instructions": instructions })))
}

async fn transfer(
    state: &AppState,
    actor: &kontakt_app::cases::Actor,
    call: &str,
    to: &Subject,
) -> Result<Vec<kontakt_app::switchboard::Instruction>, ApiError> {
    let now = Utc::now();
    let destination = state.directory.destination(actor, to, now).await?;
    let board = state
        .switchboard
        .as_ref()
        .ok_or_else(|| ApiError::NotFound("this process runs no phone queues".into()))?;
    Ok(board.transfer(actor, call, &destination, now).await?)
}

/// The public directory: units the city lists, their functions, numbers,
/// addresses and opening hours. No staff.
#[utoipa::path(get, path = "/public/directory", tag = "directory",
    responses((status = 200, body = Object)))]
async fn api_public(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let units = state.directory.public_units().await?;
    Ok(Json(serde_json::json!({
        "switchboard": switchboard_number(&state),
        "units": units,
    })))
}

/// The city's main number: the catalog's first entry number.
fn switchboard_number(state: &AppState) -> Option<kontakt_domain::contact::PhoneNumber> {
    state
        .cases
        .catalog()
        .phone
        .numbers
        .first()
        .and_then(|n| kontakt_domain::contact::PhoneNumber::parse(&n.number).ok())
}

// ---------------------------------------------------------------- pages

pub fn require_directory(staff: &Staff) -> Result<(), PageError> {
    if kontakt_app::directory::may_read(&staff.actor) {
        Ok(())
    } else {
        Err(PageError::Forbidden(
            "the directory is for staff who serve residents".into(),
        ))
    }
}

fn require_import(staff: &Staff) -> Result<(), PageError> {
    if kontakt_app::directory::may_import(&staff.actor) {
        Ok(())
    } else {
        Err(PageError::Forbidden(
            "imports are for administrators".into(),
        ))
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    /// The call the operator is on (from the screen pop).
    #[serde(default)]
    call: String,
}

fn away_text(lang: Lang, away: &Away) -> Markup {
    html! {
        span.away {
            strong { (lang.ta("dir-away-until", &[("until", &when(away.until))])) }
            @if let Some(r) = &away.reason { " (" (r) ")" }
            @if let Some(s) = &away.stand_in {
                " " (lang.t("dir-stand-in")) ": "
                a href=(subject_href(&s.subject)) { (s.name) }
                @if let Some(n) = &s.number { " " a href=(format!("tel:{n}")) { (n.national()) } }
            }
        }
    }
}

fn number_kind(lang: Lang, kind: Option<kontakt_domain::directory::NumberKind>) -> String {
    use kontakt_domain::directory::NumberKind;
    match kind {
        Some(NumberKind::Direct) => lang.t("dir-number-direct"),
        Some(NumberKind::Mobile) => lang.t("dir-number-mobile"),
        Some(NumberKind::Function) => lang.t("dir-number-function"),
        None => String::new(),
    }
}

/// The results list: the same fragment for the page and the type-ahead.
fn results(lang: Lang, q: &str, hits: &[Found], call: &str) -> Markup {
    html! {
        @if !q.trim().is_empty() {
            p #dir-count { (lang.tn("dir-count", hits.len())) }
        }
        @if !hits.is_empty() {
            ul.dir-results {
                @for h in hits {
                    li {
                        a href=(format!("{}{}", subject_href(&h.subject), if call.is_empty() { String::new() } else { format!("?call={}", url(call)) })) {
                            strong { (h.name) }
                        }
                        " "
                        span.kind { "(" (if matches!(h.subject, Subject::Person(_)) { lang.t("dir-kind-person") } else { lang.t("dir-kind-unit") }) ")" }
                        @if !h.detail.is_empty() { " – " (h.detail) }
                        @if !h.context.is_empty() { br; span.context { (h.context) } }
                        br;
                        @match &h.number {
                            Some(n) => { a href=(format!("tel:{n}")) { (n.national()) } " " span.kind { (number_kind(lang, h.number_kind)) } }
                            None => { (lang.t("dir-no-number")) }
                        }
                        @if let Some(a) = &h.away { br; (away_text(lang, a)) }
                    }
                }
            }
        }
    }
}

/// `GET /directory`: the operators' search.
pub async fn search_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<SearchQuery>,
) -> Result<Markup, PageError> {
    require_directory(&staff)?;
    let lang = staff.lang;
    let hits = if q.q.trim().is_empty() {
        Vec::new()
    } else {
        state
            .directory
            .search(&staff.actor, &q.q, 20, Utc::now())
            .await?
    };
    let title = lang.t("dir-title");
    Ok(layout(
        lang,
        &title,
        Some(&staff),
        html! {
            h1 { (title) }
            @if !q.call.is_empty() { p.notice { (lang.t("dir-on-call")) } }
            form.dir-search method="get" action="/directory" role="search" {
                label for="directory-q" { (lang.t("dir-search-label")) }
                input #directory-q name="q" type="search" value=(q.q) autocomplete="off" autofocus
                    data-results="/directory/results" aria-describedby="dir-hint" aria-controls="dir-results";
                @if !q.call.is_empty() { input type="hidden" name="call" value=(q.call); }
                button type="submit" { (lang.t("dir-search")) }
                p #dir-hint.hint { (lang.t("dir-hint")) }
            }
            div #dir-results aria-live="polite" { (results(lang, &q.q, &hits, &q.call)) }
            @if staff.has(Role::Administrator) { p { a href="/directory/import" { (lang.t("dir-import-title")) } } }
        },
    ))
}

/// `GET /directory/groups/{code}` and `/directory/boards/{code}`: the units
/// a Kontakt group or a board is in the directory (linked from a case's
/// group and a knowledge article's owner).
pub async fn group_units(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
) -> Result<Markup, PageError> {
    units_page(&state, &staff, Some(&code), None).await
}

pub async fn board_units(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
) -> Result<Markup, PageError> {
    units_page(&state, &staff, None, Some(&code)).await
}

async fn units_page(
    state: &AppState,
    staff: &Staff,
    group: Option<&str>,
    board: Option<&str>,
) -> Result<Markup, PageError> {
    require_directory(staff)?;
    let lang = staff.lang;
    let catalog = state.cases.catalog();
    let name = match (group, board) {
        (Some(g), _) => catalog.group(g).map_or(g.to_owned(), |x| {
            if lang == Lang::Sv {
                x.name_sv.clone()
            } else {
                x.name_en.clone()
            }
        }),
        (_, Some(b)) => catalog.board(b).map_or(b.to_owned(), |x| {
            if lang == Lang::Sv {
                x.name_sv.clone()
            } else {
                x.name_en.clone()
            }
        }),
        _ => String::new(),
    };
    let units = state
        .directory
        .units_of(&staff.actor, group, board, Utc::now())
        .await?;
    let title = lang.ta("dir-units-of", &[("name", &name)]);
    Ok(layout(
        lang,
        &title,
        Some(staff),
        html! {
            h1 { (title) }
            @if units.is_empty() { p { (lang.t("dir-units-none")) } }
            (results(lang, "", &units, ""))
        },
    ))
}

/// `GET /directory/results`: the results fragment desk.js swaps in as the
/// operator types.
pub async fn results_fragment(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<SearchQuery>,
) -> Result<Markup, PageError> {
    require_directory(&staff)?;
    let hits = if q.q.trim().is_empty() {
        Vec::new()
    } else {
        state
            .directory
            .search(&staff.actor, &q.q, 20, Utc::now())
            .await?
    };
    Ok(results(staff.lang, &q.q, &hits, &q.call))
}

#[derive(Debug, Default, Deserialize)]
pub struct CallQuery {
    #[serde(default)]
    call: String,
}

/// Connect / take a message, when the operator is on a call.
fn call_actions(lang: Lang, staff: &Staff, subject: &Subject, call: &str, away: bool) -> Markup {
    let key = subject_key(subject);
    html! {
        @if !call.is_empty() {
            section.call-actions aria-labelledby="call-actions" {
                h2 #call-actions { (lang.t("dir-call-actions")) }
                @if !away {
                    form.inline method="post" action="/directory/transfer" {
                        input type="hidden" name="csrf" value=(staff.session.session.csrf_token);
                        input type="hidden" name="call" value=(call);
                        input type="hidden" name="to" value=(key);
                        button type="submit" { (lang.t("dir-connect")) }
                    }
                    " "
                }
                a.button href=(format!("/directory/message?to={}&call={}", url(&key), url(call))) { (lang.t("dir-take-message")) }
            }
        } @else {
            p { a href=(format!("/directory/message?to={}", url(&key))) { (lang.t("dir-take-message")) } }
        }
    }
}

/// The absence form and the notes of a person or unit.
fn absence_section(
    lang: Lang,
    staff: &Staff,
    subject: &Subject,
    notes: &[kontakt_app::directory::Note],
    stand_ins: &[(Subject, String)],
) -> Markup {
    let back = subject_href(subject);
    html! {
        section aria-labelledby="absence-h" {
            h2 #absence-h { (lang.t("dir-absence")) }
            @if notes.is_empty() {
                p { (lang.t("dir-no-absence")) }
            } @else {
                ul {
                    @for n in notes {
                        li {
                            (when(n.absence.from)) " – " (when(n.absence.until))
                            @if let Some(r) = &n.absence.reason { ": " (r) }
                            @if let Some(s) = &n.absence.stand_in { " · " (lang.t("dir-stand-in")) ": " a href=(subject_href(s)) { (s.id()) } }
                            " "
                            form.inline method="post" action=(format!("/directory/absences/{}/remove", n.id)) {
                                input type="hidden" name="csrf" value=(staff.session.session.csrf_token);
                                input type="hidden" name="back" value=(back);
                                button type="submit" { (lang.t("dir-absence-remove")) }
                            }
                        }
                    }
                }
            }
            form method="post" action="/directory/absences" {
                input type="hidden" name="csrf" value=(staff.session.session.csrf_token);
                input type="hidden" name="subject" value=(subject_key(subject));
                fieldset {
                    legend { (lang.t("dir-absence-new")) }
                    label for="until_date" { (lang.t("dir-absence-until")) }
                    input #until_date name="until_date" type="date" required;
                    label for="until_time" { (lang.t("dir-absence-until-time")) }
                    input #until_time name="until_time" type="time" value="17:00";
                    label for="reason" { (lang.t("dir-absence-reason")) }
                    input #reason name="reason" type="text" maxlength="200";
                    label for="stand_in" { (lang.t("dir-stand-in")) }
                    select #stand_in name="stand_in" {
                        option value="" { (lang.t("dir-stand-in-none")) }
                        @for (s, name) in stand_ins { option value=(subject_key(s)) { (name) } }
                    }
                }
                button type="submit" { (lang.t("dir-absence-save")) }
            }
        }
    }
}

fn list_or_dash(items: &[String]) -> String {
    if items.is_empty() {
        "–".into()
    } else {
        items.join(", ")
    }
}

/// `GET /directory/people/{person}`.
pub async fn person_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<CallQuery>,
) -> Result<Markup, PageError> {
    require_directory(&staff)?;
    let lang = staff.lang;
    let now = Utc::now();
    let v = state.directory.person(&staff.actor, &id, now).await?;
    let p = &v.person;
    let subject = Subject::Person(p.id.clone());
    // Stand-ins: the unit itself and its other people.
    let mut stand_ins: Vec<(Subject, String)> = Vec::new();
    for u in &v.units {
        stand_ins.push((Subject::Unit(u.id.clone()), u.name.clone()));
        if let Ok(unit) = state.directory.unit(&staff.actor, &u.id, now).await {
            for s in unit
                .staff
                .into_iter()
                .filter(|s| s.subject != subject)
                .take(50)
            {
                stand_ins.push((s.subject, s.name));
            }
        }
    }
    let title = p.full_name();
    Ok(layout(
        lang,
        &title,
        Some(&staff),
        html! {
            p { a href=(format!("/directory{}", if q.call.is_empty() { String::new() } else { format!("?call={}", url(&q.call)) })) { (lang.t("dir-back")) } }
            h1 { (title) }
            @if let Some(a) = &v.away { p.warning role="status" { (away_text(lang, a)) } }
            dl {
                dt { (lang.t("dir-title-field")) } dd { (p.title.as_deref().unwrap_or("–")) }
                dt { (lang.t("dir-units")) }
                dd { @for (i, u) in v.units.iter().enumerate() { @if i > 0 { ", " } a href=(subject_href(&Subject::Unit(u.id.clone()))) { (u.name) } } }
                dt { (lang.t("dir-best-number")) }
                dd { @match &v.number { Some(n) => { a href=(format!("tel:{n}")) { (n.national()) } " (" (number_kind(lang, v.number_kind)) ")" } None => { (lang.t("dir-no-number")) } } }
                dt { (lang.t("dir-direct")) } dd { (p.direct_phone.as_ref().map_or("–".into(), |n| n.national())) }
                dt { (lang.t("dir-mobile")) } dd { (p.mobile.as_ref().map_or("–".into(), |n| n.national())) }
                dt { (lang.t("dir-email")) } dd { (p.email.as_ref().map_or("–".into(), |n| n.to_string())) }
                dt { (lang.t("dir-languages")) } dd { (list_or_dash(&p.languages.iter().map(|l| l.as_str().to_owned()).collect::<Vec<_>>())) }
                dt { (lang.t("dir-competences")) } dd { (list_or_dash(&p.competences)) }
                dt { (lang.t("dir-connect-rule")) }
                dd { (if p.connect == kontakt_domain::directory::Connect::Direct { lang.t("dir-connect-direct") } else { lang.t("dir-connect-function") }) }
            }
            (call_actions(lang, &staff, &subject, &q.call, v.away.is_some()))
            (absence_section(lang, &staff, &subject, &v.notes, &stand_ins))
            (history_section(&state, &staff, &subject).await)
        },
    ))
}

/// `GET /directory/units/{unit}`.
pub async fn unit_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<CallQuery>,
) -> Result<Markup, PageError> {
    require_directory(&staff)?;
    let lang = staff.lang;
    let v = state.directory.unit(&staff.actor, &id, Utc::now()).await?;
    let u = &v.unit;
    let subject = Subject::Unit(u.id.clone());
    let catalog = state.cases.catalog();
    let mut stand_ins: Vec<(Subject, String)> = v
        .children
        .iter()
        .map(|c| (Subject::Unit(c.id.clone()), c.name.clone()))
        .collect();
    if let Some(parent) = v.path.last() {
        stand_ins.push((Subject::Unit(parent.id.clone()), parent.name.clone()));
    }
    let title = u.name.clone();
    Ok(layout(
        lang,
        &title,
        Some(&staff),
        html! {
            p { a href=(format!("/directory{}", if q.call.is_empty() { String::new() } else { format!("?call={}", url(&q.call)) })) { (lang.t("dir-back")) } }
            nav aria-label=(lang.t("dir-path")) {
                @for (i, p) in v.path.iter().enumerate() {
                    @if i > 0 { " › " }
                    a href=(subject_href(&Subject::Unit(p.id.clone()))) { (p.name) }
                }
            }
            h1 { (title) }
            @if let Some(a) = &v.away { p.warning role="status" { (away_text(lang, a)) } }
            dl {
                dt { (lang.t("dir-kind")) } dd { (if lang == Lang::Sv { u.kind.label_sv() } else { u.kind.label_en() }) }
                dt { (lang.t("dir-best-number")) } dd { @match &v.number { Some(n) => { a href=(format!("tel:{n}")) { (n.national()) } } None => { (lang.t("dir-no-number")) } } }
                dt { (lang.t("dir-mailbox")) } dd { (u.mailbox.as_ref().map_or("–".into(), |m| m.to_string())) }
                dt { (lang.t("dir-address")) } dd { (u.visiting_address.as_deref().unwrap_or("–")) }
                dt { (lang.t("dir-hours")) } dd { (u.opening_hours.as_deref().unwrap_or("–")) }
                dt { (lang.t("dir-districts")) }
                dd { (if u.districts.is_empty() { lang.t("dir-whole-city") } else { u.districts.iter().map(|d| catalog.district(d).map_or(d.clone(), |x| x.name.clone())).collect::<Vec<_>>().join(", ") }) }
                @if let Some(g) = &u.group {
                    dt { (lang.t("dir-group")) } dd { (catalog.group(g).map_or(g.clone(), |x| if lang == Lang::Sv { x.name_sv.clone() } else { x.name_en.clone() })) " (" (g) ")" }
                }
            }
            @if !u.functions.is_empty() {
                h2 { (lang.t("dir-functions")) }
                ul {
                    @for f in &u.functions {
                        li { strong { (f.name) } @if !f.search_words.is_empty() { " – " (lang.t("dir-search-words")) ": " (f.search_words.join(", ")) } }
                    }
                }
            }
            (call_actions(lang, &staff, &subject, &q.call, v.away.is_some()))
            @if !v.children.is_empty() {
                h2 { (lang.t("dir-children")) }
                ul { @for c in &v.children { li { a href=(subject_href(&Subject::Unit(c.id.clone()))) { (c.name) } } } }
            }
            @if !v.staff.is_empty() {
                h2 { (lang.t("dir-staff")) }
                (results(lang, "", &v.staff, &q.call))
            }
            (absence_section(lang, &staff, &subject, &v.notes, &stand_ins))
            (history_section(&state, &staff, &subject).await)
        },
    ))
}

async fn history_section(state: &AppState, staff: &Staff, subject: &Subject) -> Markup {
    let lang = staff.lang;
    let Ok(rows) = state.directory.history(&staff.actor, subject).await else {
        return html! {};
    };
    html! {
        section aria-labelledby="history-h" {
            h2 #history-h { (lang.t("dir-history")) }
            @if rows.is_empty() { p { "–" } } @else {
                table {
                    thead { tr { th scope="col" { (lang.t("dir-history-when")) } th scope="col" { (lang.t("dir-history-who")) } th scope="col" { (lang.t("dir-history-what")) } } }
                    tbody {
                        @for h in rows.iter().take(50) {
                            tr { td { (when(h.at)) } td { (h.actor) } td { (change_label(lang, &h.change)) @if !h.fields.is_empty() { " (" (h.fields.split(',').map(|f| lang.t(&format!("dir-field-{}", f.replace('_', "-")))).collect::<Vec<_>>().join(", ")) ")" } } }
                        }
                    }
                }
            }
        }
    }
}

fn change_label(lang: Lang, change: &str) -> String {
    match change {
        "starter" => lang.t("dir-change-starter"),
        "leaver" => lang.t("dir-change-leaver"),
        "moved" => lang.t("dir-change-moved"),
        "changed" => lang.t("dir-change-changed"),
        "absence_set" => lang.t("dir-change-absence-set"),
        "absence_removed" => lang.t("dir-change-absence-removed"),
        other => other.to_owned(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct AbsenceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    until_date: String,
    #[serde(default)]
    until_time: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    stand_in: String,
}

/// `POST /directory/absences`.
pub async fn set_absence(
    State(state): State<AppState>,
    staff: Staff,
    axum::Form(f): axum::Form<AbsenceForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &f.csrf).await?;
    require_directory(&staff)?;
    let subject = parse_subject(&f.subject).ok_or(PageError::NotFound)?;
    let until = NaiveDate::parse_from_str(f.until_date.trim(), "%Y-%m-%d")
        .ok()
        .and_then(|d| {
            let t = NaiveTime::parse_from_str(f.until_time.trim(), "%H:%M")
                .unwrap_or_else(|_| NaiveTime::from_hms_opt(17, 0, 0).unwrap_or_default());
            kontakt_domain::calendar::stockholm_to_utc(d.and_time(t))
        });
    let stand_in = parse_subject(&f.stand_in);
    state
        .directory
        .set_absence(
            &staff.actor,
            AbsenceRequest {
                subject: subject.clone(),
                from: None,
                until,
                reason: Some(f.reason),
                stand_in,
            },
            Utc::now(),
        )
        .await?;
    Ok(Redirect::to(&subject_href(&subject)).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    back: String,
}

/// `POST /directory/absences/{note}/remove`.
pub async fn remove_absence(
    State(state): State<AppState>,
    staff: Staff,
    Path(note): Path<i64>,
    axum::Form(f): axum::Form<RemoveForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &f.csrf).await?;
    require_directory(&staff)?;
    state
        .directory
        .remove_absence(&staff.actor, note, Utc::now())
        .await?;
    // Back to a directory page only, never elsewhere.
    let back = if f.back.starts_with("/directory/") && !f.back.contains("//") {
        f.back
    } else {
        "/directory".into()
    };
    Ok(Redirect::to(&back).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct MessageQuery {
    #[serde(default)]
    to: String,
    #[serde(default)]
    call: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    call: String,
    #[serde(default)]
    caller_name: String,
    #[serde(default)]
    caller_phone: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    callback_by: String,
}

fn message_page(staff: &Staff, to_name: &str, f: &MessageForm, error: Option<&str>) -> Markup {
    let lang = staff.lang;
    let title = lang.ta("dir-message-title", &[("name", &to_name)]);
    html! {
        (layout(lang, &title, Some(staff), html! {
            h1 { (title) }
            @if let Some(e) = error { div.error-summary role="alert" { p { (e) } } }
            form method="post" action="/directory/message" {
                input type="hidden" name="csrf" value=(staff.session.session.csrf_token);
                input type="hidden" name="to" value=(f.to);
                input type="hidden" name="call" value=(f.call);
                label for="caller_name" { (lang.t("dir-message-caller")) }
                input #caller_name name="caller_name" type="text" value=(f.caller_name) autocomplete="off";
                label for="caller_phone" { (lang.t("dir-message-phone")) }
                input #caller_phone name="caller_phone" type="tel" value=(f.caller_phone) autocomplete="off";
                label for="message" { (lang.t("dir-message-text")) }
                textarea #message name="message" rows="4" required { (f.message) }
                label for="callback_by" { (lang.t("dir-message-callback")) }
                input #callback_by name="callback_by" type="date" value=(f.callback_by);
                p.hint { (lang.t("dir-message-hint")) }
                button type="submit" { (lang.t("dir-message-save")) }
            }
        }))
    }
}

/// `GET /directory/message`: the form.
pub async fn message_form(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<MessageQuery>,
) -> Result<Markup, PageError> {
    require_directory(&staff)?;
    let Some(to) = parse_subject(&q.to) else {
        // No one chosen yet: find them first.
        let lang = staff.lang;
        let title = lang.t("dir-message-choose");
        return Ok(layout(
            lang,
            &title,
            Some(&staff),
            html! {
                h1 { (title) }
                form.dir-search method="get" action="/directory" role="search" {
                    @if !q.call.is_empty() { input type="hidden" name="call" value=(q.call); }
                    label for="directory-q" { (lang.t("dir-search-label")) }
                    input #directory-q name="q" type="search" autocomplete="off";
                    button type="submit" { (lang.t("dir-search")) }
                }
            },
        ));
    };
    let name = subject_name(&state, &staff, &to).await?;
    let mut f = MessageForm {
        to: q.to,
        call: q.call.clone(),
        ..MessageForm::default()
    };
    // The caller's number, from the call the operator is on.
    if let (false, Some(board)) = (q.call.is_empty(), &state.switchboard) {
        if let Some(from) = board.caller(&staff.actor, &q.call).await {
            f.caller_phone = from;
        }
    }
    Ok(message_page(&staff, &name, &f, None))
}

async fn subject_name(state: &AppState, staff: &Staff, s: &Subject) -> Result<String, PageError> {
    Ok(state.directory.name_of(&staff.actor, s).await?)
}

/// `POST /directory/message`: the case is made, and the call linked to it.
pub async fn take_message(
    State(state): State<AppState>,
    staff: Staff,
    axum::Form(f): axum::Form<MessageForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &f.csrf).await?;
    require_directory(&staff)?;
    let to = parse_subject(&f.to).ok_or(PageError::NotFound)?;
    let callback_by = match f.callback_by.trim() {
        "" => None,
        d => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                let name = subject_name(&state, &staff, &to).await?;
                let e = staff.lang.t("dir-message-bad-date");
                return Ok((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    message_page(&staff, &name, &f, Some(&e)),
                )
                    .into_response());
            }
        },
    };
    let call = Some(f.call.clone()).filter(|c| !c.is_empty());
    let result = state
        .directory
        .take_message(
            &state.cases,
            &staff.actor,
            MessageRequest {
                to: Some(to.clone()),
                caller_name: f.caller_name.clone(),
                caller_phone: f.caller_phone.clone(),
                message: f.message.clone(),
                callback_by,
                call: call.clone(),
            },
            Utc::now(),
        )
        .await;
    match result {
        Ok(intake) => {
            if let (Some(call), Some(board)) = (&call, &state.switchboard) {
                let _ = board.link_case(&staff.actor, call, intake.number).await;
            }
            Ok(Redirect::to(&format!("/cases/{}", intake.number)).into_response())
        }
        Err(DirectoryError::Case(kontakt_app::cases::CaseError::Invalid(errors))) => {
            let name = subject_name(&state, &staff, &to).await?;
            let text = errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.reason))
                .collect::<Vec<_>>()
                .join("; ");
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                message_page(&staff, &name, &f, Some(&text)),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TransferForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    call: String,
    #[serde(default)]
    to: String,
}

/// `POST /directory/transfer`: put the caller through.
pub async fn transfer_page(
    State(state): State<AppState>,
    staff: Staff,
    axum::Form(f): axum::Form<TransferForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &f.csrf).await?;
    require_directory(&staff)?;
    let lang = staff.lang;
    let to = parse_subject(&f.to).ok_or(PageError::NotFound)?;
    let name = subject_name(&state, &staff, &to).await?;
    let outcome = transfer(&state, &staff.actor, &f.call, &to).await;
    let title = lang.t("dir-transfer-title");
    let body = match outcome {
        Ok(_) => {
            html! { p role="status" { (lang.ta("dir-transferred", &[("name", &name)])) } p { a href="/" { (lang.t("nav-start")) } } }
        }
        Err(e) => {
            let text = match e {
                ApiError::Conflict(m) | ApiError::NotFound(m) => m,
                other => other.to_problem().detail.unwrap_or_default(),
            };
            html! {
                div.error-summary role="alert" { p { (lang.t("dir-not-transferred")) ": " (text) } }
                p { a href=(format!("{}?call={}", subject_href(&to), url(&f.call))) { (lang.t("dir-back")) } }
            }
        }
    };
    Ok(layout(lang, &title, Some(&staff), html! { h1 { (title) } (body) }).into_response())
}

/// `GET /directory/import`: upload an HR file.
pub async fn import_form(State(state): State<AppState>, staff: Staff) -> Result<Markup, PageError> {
    require_import(&staff)?;
    let lang = staff.lang;
    let imports = state.directory.imports(&staff.actor).await?;
    let title = lang.t("dir-import-title");
    Ok(layout(
        lang,
        &title,
        Some(&staff),
        html! {
            h1 { (title) }
            p { (lang.t("dir-import-intro")) }
            form method="post" action="/directory/import" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(staff.session.session.csrf_token);
                label for="file" { (lang.t("dir-import-file")) }
                input #file name="file" type="file" accept=".csv,.ldif,.txt,text/csv" required;
                button type="submit" { (lang.t("dir-import-preview")) }
            }
            h2 { (lang.t("dir-import-recent")) }
            @if imports.is_empty() { p { "–" } } @else {
                table {
                    thead { tr { th scope="col" { (lang.t("dir-history-when")) } th scope="col" { (lang.t("dir-history-who")) } th scope="col" { (lang.t("dir-import-source")) } th scope="col" { (lang.t("dir-import-summary")) } } }
                    tbody { @for i in &imports { tr { td { (when(i.at)) } td { (i.actor) } td { (i.source) } td { (i.summary) } } } }
                }
            }
        },
    ))
}

/// The multipart form: the CSRF token first (checked before anything else
/// is read), then the file.
async fn read_upload(
    state: &AppState,
    staff: &Staff,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(String, Vec<u8>), PageError> {
    let Ok(mut form) = form else {
        staff.check_csrf(state, "").await?;
        return Err(PageError::Csrf);
    };
    let mut csrf_checked = false;
    let (mut name, mut bytes) = (String::new(), Vec::new());
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| PageError::Invalid(e.to_string()))?
    {
        match field.name() {
            Some("csrf") => {
                let token = field.text().await.unwrap_or_default();
                staff.check_csrf(state, &token).await?;
                csrf_checked = true;
            }
            Some("file") if csrf_checked => {
                name = field.file_name().unwrap_or("hr.csv").to_owned();
                bytes = field
                    .bytes()
                    .await
                    .map_err(|e| PageError::Invalid(e.to_string()))?
                    .to_vec();
            }
            _ => {}
        }
    }
    if !csrf_checked {
        staff.check_csrf(state, "").await?;
        return Err(PageError::Csrf);
    }
    Ok((name, bytes))
}

fn entry_name(e: Option<&Entry>) -> String {
    match e {
        Some(Entry::Person(p)) => p.full_name(),
        Some(Entry::Unit(u)) => u.name.clone(),
        None => String::new(),
    }
}

/// What changed, in words: "Enheter: TK-PT-SO → TK-PT-IN; Direktnummer: …".
fn changed_fields(lang: Lang, c: &kontakt_domain::directory::diff::Change) -> String {
    let json = |e: &Option<Entry>| e.as_ref().and_then(|e| serde_json::to_value(e).ok());
    let (before, after) = (json(&c.before), json(&c.after));
    let shown = |v: Option<&serde_json::Value>| -> String {
        match v {
            None | Some(serde_json::Value::Null) => "–".into(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .map(|i| match i {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Object(o) => o
                        .get("name")
                        .and_then(|n| n.as_str())
                        .unwrap_or_default()
                        .to_owned(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", "),
            Some(other) => other.to_string(),
        }
    };
    c.fields
        .iter()
        .map(|f| {
            let label = lang.t(&format!("dir-field-{}", f.replace('_', "-")));
            format!(
                "{label}: {} → {}",
                shown(before.as_ref().and_then(|b| b.get(*f))),
                shown(after.as_ref().and_then(|a| a.get(*f)))
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn preview_page(staff: &Staff, source: &str, bytes: &[u8], p: &Preview) -> Markup {
    let lang = staff.lang;
    let title = lang.t("dir-import-preview-title");
    let label = |k: ChangeKind| match k {
        ChangeKind::Starter => lang.t("dir-change-starter"),
        ChangeKind::Leaver => lang.t("dir-change-leaver"),
        ChangeKind::Moved => lang.t("dir-change-moved"),
        ChangeKind::Changed => lang.t("dir-change-changed"),
    };
    html! {
        (layout(lang, &title, Some(staff), html! {
            h1 { (title) }
            p role="status" { (lang.ta("dir-import-counts", &[("starters", &p.starters.to_string()), ("leavers", &p.leavers.to_string()), ("moved", &p.moved.to_string()), ("changed", &p.changed.to_string()), ("unchanged", &p.unchanged.to_string())])) }
            @if p.absences > 0 { p { (lang.tn("dir-import-absences", p.absences)) } }
            @if !p.leavers_work.is_empty() {
                h2 { (lang.t("dir-import-leavers-work")) }
                ul {
                    @for w in &p.leavers_work {
                        li {
                            strong { (w.name) }
                            ": " (lang.tn("dir-import-open-cases", w.open_cases.len()))
                            @for c in &w.open_cases { " " a href=(format!("/cases/{c}")) { (c) } }
                            @if !w.groups.is_empty() { "; " (lang.t("dir-import-groups")) ": " (w.groups.join(", ")) }
                        }
                    }
                }
            }
            @if !p.changes.is_empty() {
                table {
                    caption { (lang.t("dir-import-changes")) }
                    thead { tr { th scope="col" { (lang.t("dir-history-what")) } th scope="col" { (lang.t("dir-import-who")) } th scope="col" { (lang.t("dir-import-fields")) } } }
                    tbody {
                        @for c in p.changes.iter().take(500) {
                            tr {
                                td { (label(c.kind)) }
                                td { (entry_name(c.after.as_ref().or(c.before.as_ref()))) " (" (c.subject.id()) ")" }
                                td { (changed_fields(lang, c)) }
                            }
                        }
                    }
                }
                @if p.changes.len() > 500 { p { (lang.ta("dir-import-more", &[("count", &(p.changes.len() - 500).to_string())])) } }
            }
            form method="post" action="/directory/import/apply" {
                input type="hidden" name="csrf" value=(staff.session.session.csrf_token);
                input type="hidden" name="stamp" value=(p.stamp);
                input type="hidden" name="source" value=(source);
                input type="hidden" name="content" value=(base64::engine::general_purpose::STANDARD.encode(bytes));
                input type="hidden" name="sha256" value=(file_hash(bytes));
                button type="submit" { (lang.t("dir-import-apply")) }
                " " a href="/directory/import" { (lang.t("dir-import-cancel")) }
            }
        }))
    }
}

/// The file's SHA-256: what is applied is the file that was previewed.
fn file_hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn problems_page(staff: &Staff, problems: &[FieldProblem]) -> Markup {
    let lang = staff.lang;
    let title = lang.t("dir-import-refused");
    html! {
        (layout(lang, &title, Some(staff), html! {
            h1 { (title) }
            div.error-summary role="alert" {
                p { (lang.tn("dir-import-problems", problems.len())) }
            }
            table {
                thead { tr { th scope="col" { (lang.t("dir-import-row")) } th scope="col" { (lang.t("dir-import-field")) } th scope="col" { (lang.t("dir-import-reason")) } } }
                tbody { @for p in problems.iter().take(1000) { tr { td { (p.place) } td { (p.field) } td { (p.reason) } } } }
            }
            p { a href="/directory/import" { (lang.t("dir-import-again")) } }
        }))
    }
}

/// `POST /directory/import`: the preview.
pub async fn import_preview(
    State(state): State<AppState>,
    staff: Staff,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let (name, bytes) = read_upload(&state, &staff, form).await?;
    require_import(&staff)?;
    match state.directory.preview(&staff.actor, &bytes).await {
        Ok(p) => Ok(preview_page(&staff, &name, &bytes, &p).into_response()),
        Err(DirectoryError::Invalid(problems)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            problems_page(&staff, &problems),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ApplyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    stamp: i64,
    #[serde(default)]
    source: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    sha256: String,
}

/// `POST /directory/import/apply`: all or nothing.
pub async fn import_apply(
    State(state): State<AppState>,
    staff: Staff,
    axum::Form(f): axum::Form<ApplyForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &f.csrf).await?;
    require_import(&staff)?;
    let lang = staff.lang;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(f.content.trim())
        .map_err(|_| PageError::Invalid("the file was lost on the way; upload it again".into()))?;
    if file_hash(&bytes) != f.sha256 {
        return Err(PageError::Invalid(
            "this is not the file that was previewed; upload it again".into(),
        ));
    }
    match state
        .directory
        .apply(&staff.actor, &f.source, &bytes, f.stamp, Utc::now())
        .await
    {
        Ok(a) => {
            let title = lang.t("dir-import-done");
            Ok(layout(
                lang,
                &title,
                Some(&staff),
                html! {
                    h1 { (title) }
                    p role="status" { (lang.ta("dir-import-counts", &[("starters", &a.preview.starters.to_string()), ("leavers", &a.preview.leavers.to_string()), ("moved", &a.preview.moved.to_string()), ("changed", &a.preview.changed.to_string()), ("unchanged", &a.preview.unchanged.to_string())])) }
                    p { a href="/directory" { (lang.t("dir-title")) } }
                },
            )
            .into_response())
        }
        Err(DirectoryError::Invalid(problems)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            problems_page(&staff, &problems),
        )
            .into_response()),
        Err(DirectoryError::Conflict(m)) => Ok((
            StatusCode::CONFLICT,
            layout(
                lang,
                &lang.t("dir-import-refused"),
                Some(&staff),
                html! {
                    div.error-summary role="alert" { p { (m) } }
                    p { a href="/directory/import" { (lang.t("dir-import-again")) } }
                },
            ),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- public

#[derive(Debug, Default, Deserialize)]
pub struct PublicQuery {
    #[serde(default)]
    q: String,
}

fn public_unit(lang: Lang, u: &PublicUnit) -> Markup {
    html! {
        li {
            h3 { a href=(format!("/organisation/{}", url(&u.id))) { (u.name) } }
            @if !u.parents.is_empty() { p.context { (u.parents.join(" › ")) } }
            @if !u.functions.is_empty() { p { (lang.t("dir-functions")) ": " (u.functions.join(", ")) } }
            @if let Some(n) = &u.phone { p { (lang.t("dir-phone")) ": " a href=(format!("tel:{n}")) { (n.national()) } } }
        }
    }
}

/// `GET /organisation`: the public directory of units and functions.
pub async fn public_list(
    State(state): State<AppState>,
    lang: Lang,
    Query(q): Query<PublicQuery>,
) -> Result<Markup, PageError> {
    let units = state.directory.public_units().await?;
    let words: Vec<String> =
        q.q.split_whitespace()
            .map(str::to_lowercase)
            .filter(|w| !w.is_empty())
            .take(10)
            .collect();
    let shown: Vec<&PublicUnit> = units
        .iter()
        .filter(|u| {
            let text = format!(
                "{} {} {} {}",
                u.name,
                u.functions.join(" "),
                u.districts.join(" "),
                u.parents.join(" ")
            )
            .to_lowercase();
            words.iter().all(|w| text.contains(w.as_str()))
        })
        .collect();
    let title = lang.t("dir-public-title");
    let switchboard = switchboard_number(&state);
    Ok(crate::eservice::public_page(
        &state,
        lang,
        &title,
        html! {
            h1 { (title) }
            @if let Some(n) = &switchboard { p { (lang.t("dir-public-switchboard")) ": " a href=(format!("tel:{n}")) { (n.national()) } } }
            form.kb-search method="get" action="/organisation" role="search" {
                label for="q" { (lang.t("dir-public-search")) }
                input #q name="q" type="search" value=(q.q) maxlength="200";
                button type="submit" { (lang.t("dir-search")) }
            }
            p role="status" { (lang.tn("dir-public-count", shown.len())) }
            ul.dir-public { @for u in shown.iter().take(300) { (public_unit(lang, u)) } }
        },
    ))
}

/// `GET /organisation/{unit}`: one public unit.
pub async fn public_unit_page(
    State(state): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let units = state.directory.public_units().await?;
    let u = units
        .iter()
        .find(|u| u.id == id)
        .ok_or(PageError::NotFound)?;
    Ok(crate::eservice::public_page(
        &state,
        lang,
        &u.name,
        html! {
            p { a href="/organisation" { (lang.t("dir-public-title")) } }
            h1 { (u.name) }
            @if !u.parents.is_empty() { p.context { (u.parents.join(" › ")) } }
            dl {
                dt { (lang.t("dir-phone")) } dd { @match &u.phone { Some(n) => { a href=(format!("tel:{n}")) { (n.national()) } } None => { "–" } } }
                dt { (lang.t("dir-mailbox")) } dd { @match &u.mailbox { Some(m) => { a href=(format!("mailto:{m}")) { (m) } } None => { "–" } } }
                dt { (lang.t("dir-address")) } dd { (u.visiting_address.as_deref().unwrap_or("–")) }
                dt { (lang.t("dir-hours")) } dd { (u.opening_hours.as_deref().unwrap_or("–")) }
                dt { (lang.t("dir-districts")) } dd { (if u.districts.is_empty() { lang.t("dir-whole-city") } else { u.districts.join(", ") }) }
            }
            @if !u.functions.is_empty() {
                h2 { (lang.t("dir-functions")) }
                ul { @for f in &u.functions { li { (f) } } }
            }
        },
    ))
}
