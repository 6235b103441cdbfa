//! The JSON API under `/api/v1`. Handlers are thin: parse, check the token's
//! scope, call the case service, shape the answer.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use kontakt_app::cases::{
    limits, DeadlineRequest, EntryRequest, FieldError, HandoverRequest, HandoverResponseRequest,
    IntakeRequest, LinkRequest, ReassignRequest, StatusRequest,
};
use kontakt_domain::case::{CaseNumber, Channel, Status};
use kontakt_domain::personnummer::Personnummer;
use kontakt_store::CaseFilter;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::{ApiJson, Caller};
use crate::problem::{ApiError, Problem};
use crate::views::{
    CaseList, CaseSummaryView, CaseTypeView, CaseView, EntryAdded, IntakeResult, RectificationView,
    RegisterExtractView, ReviewView,
};
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_case_types))
        .routes(routes!(create_case, list_cases))
        .routes(routes!(get_case))
        .routes(routes!(add_entry))
        .routes(routes!(change_status))
        .routes(routes!(hand_over))
        .routes(routes!(respond_to_handover))
        .routes(routes!(link_case))
        .routes(routes!(set_deadline))
        .routes(routes!(reassign))
        .routes(routes!(get_attachment))
        .routes(routes!(audit_review))
        .routes(routes!(register_extract))
        .routes(routes!(rectify_person))
        .routes(routes!(retention_report))
}

fn view(state: &AppState, caller: &Caller, case: &kontakt_store::CaseRecord) -> CaseView {
    let may_see_protected = caller.actor.principal.protected_identity;
    CaseView::new(case, state.cases.catalog(), may_see_protected)
}

/// The case types of the catalog.
#[utoipa::path(get, path = "/case-types", tag = "catalog",
    responses((status = 200, body = Vec<CaseTypeView>), (status = 401, body = Problem)),
    security(("bearer" = [])))]
async fn list_case_types(
    State(state): State<AppState>,
    // Any valid token: the catalog is not personal data, but the API is not public.
    _caller: Caller,
) -> Result<Json<Vec<CaseTypeView>>, ApiError> {
    Ok(Json(
        state
            .cases
            .catalog()
            .case_types
            .iter()
            .map(CaseTypeView::new)
            .collect(),
    ))
}

/// Register a contact: a new case, or new information on an existing case (`attach_to`).
#[utoipa::path(post, path = "/cases", tag = "cases", request_body = IntakeRequest,
    responses(
        (status = 201, description = "A new case was registered", body = IntakeResult),
        (status = 200, description = "The contact was added to the existing case", body = IntakeResult),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn create_case(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<IntakeRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let outcome = state.cases.intake(req, &caller.actor, Utc::now()).await?;
    let number = outcome.number;
    let status = if outcome.attached {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let body = IntakeResult {
        number: number.to_string(),
        attached: outcome.attached,
        status: outcome.status.to_string(),
        feedback_deadline: outcome.feedback_deadline,
    };
    Ok((
        status,
        [(header::LOCATION, format!("/api/v1/cases/{number}"))],
        Json(body),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// registered, in_progress, handed_over, waiting_for_resident or closed.
    status: Option<String>,
    case_type: Option<String>,
    board: Option<String>,
    district: Option<String>,
    channel: Option<String>,
    /// Cases assigned to this group.
    group: Option<String>,
    /// Cases assigned to this person (the actor id of an officer who accepted them).
    assignee: Option<String>,
    /// Only cases with a message to the resident that could not be
    /// delivered in the last two weeks.
    #[serde(default)]
    undelivered: bool,
    /// Cases of the person with this personnummer.
    personnummer: Option<String>,
    /// Cases of persons with this phone number.
    phone: Option<String>,
    /// Cases of persons whose name starts with this (at least two letters;
    /// a lower-case name is matched capitalised: "anna l" finds "Anna Lind").
    name: Option<String>,
    /// Registered at or after (RFC 3339 time or YYYY-MM-DD).
    created_from: Option<String>,
    /// Registered before (RFC 3339 time or YYYY-MM-DD).
    created_to: Option<String>,
    /// Page cursor: the `next_before` of the previous page.
    before: Option<String>,
    /// Page size, 1–500 (default 50).
    limit: Option<u32>,
    /// Full text: words that must all occur in the description or the
    /// timeline; Swedish inflections match ("förskolan" finds "förskolor").
    q: Option<String>,
}

fn parse_time(errors: &mut Vec<FieldError>, field: &str, v: Option<&str>) -> Option<DateTime<Utc>> {
    let v = v?.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Some(t.with_timezone(&Utc));
    }
    match v.parse::<NaiveDate>() {
        Ok(d) => Some(kontakt_domain::calendar::stockholm_midnight(d)),
        Err(_) => {
            errors.push(FieldError {
                field: field.into(),
                reason: format!("'{v}' is not a date (YYYY-MM-DD) or RFC 3339 time"),
            });
            None
        }
    }
}

/// List cases, newest first, without personal data.
#[utoipa::path(get, path = "/cases", tag = "cases", params(ListQuery),
    responses((status = 200, body = CaseList), (status = 400, body = Problem), (status = 401, body = Problem)),
    security(("bearer" = [])))]
async fn list_cases(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<CaseList>, ApiError> {
    let Query(q) = query.map_err(|e| {
        ApiError::BadQuery(vec![FieldError {
            field: "(query)".into(),
            reason: e.body_text(),
        }])
    })?;
    let mut errors = Vec::new();
    let mut word = |field: &str, v: &Option<String>, ok: bool| {
        if v.is_some() && !ok {
            errors.push(FieldError {
                field: field.into(),
                reason: format!(
                    "'{}' is not a valid value",
                    v.as_deref().unwrap_or_default()
                ),
            });
        }
    };
    let status = q.status.as_deref().and_then(Status::parse);
    word("status", &q.status, status.is_some());
    let channel = q.channel.as_deref().and_then(Channel::parse);
    word("channel", &q.channel, channel.is_some());
    let before = q.before.as_deref().and_then(|b| CaseNumber::parse(b).ok());
    word("before", &q.before, before.is_some());
    let personnummer = q
        .personnummer
        .as_deref()
        .and_then(|p| Personnummer::parse_today(p).ok());
    word("personnummer", &q.personnummer, personnummer.is_some());
    let phone = q
        .phone
        .as_deref()
        .and_then(|p| kontakt_domain::contact::PhoneNumber::parse(p).ok());
    word("phone", &q.phone, phone.is_some());
    let name_prefix = q
        .name
        .as_deref()
        .and_then(kontakt_domain::contact::name_search_prefix);
    word("name", &q.name, name_prefix.is_some());
    let limit = q.limit.unwrap_or(50);
    if !(1..=limits::PAGE_MAX).contains(&limit) {
        errors.push(FieldError {
            field: "limit".into(),
            reason: format!("must be 1–{}", limits::PAGE_MAX),
        });
    }
    let created_from = parse_time(&mut errors, "created_from", q.created_from.as_deref());
    let created_to = parse_time(&mut errors, "created_to", q.created_to.as_deref());
    let terms =
        q.q.as_deref()
            .map(kontakt_domain::text::search_terms)
            .unwrap_or_default();
    if q.q.as_deref().is_some_and(|t| t.chars().count() > 200) || terms.len() > 10 {
        errors.push(FieldError {
            field: "q".into(),
            reason: "at most 200 characters and 10 words".into(),
        });
    }
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let filter = CaseFilter {
        status,
        case_type: q.case_type,
        board: q.board,
        district: q.district,
        channel,
        assignee_group: q.group,
        assignee_person: q.assignee,
        personnummer,
        phone,
        given_email: None,
        given_phone: None,
        name_prefix,
        created_from,
        created_to,
        // The agents' queue: messages that failed in the last two weeks.
        message_failed_since: q
            .undelivered
            .then(|| Utc::now() - chrono::Duration::days(14)),
        before,
        limit,
        visibility: None,
        terms,
    };
    let items = state.cases.list(&filter, &caller.actor, Utc::now()).await?;
    let next_before = (items.len() == limit as usize)
        .then(|| items.last().map(|c| c.number.to_string()))
        .flatten();
    Ok(Json(CaseList {
        items: items.iter().map(CaseSummaryView::from).collect(),
        next_before,
    }))
}

/// One case with its whole timeline.
#[utoipa::path(get, path = "/cases/{number}", tag = "cases",
    params(("number" = String, Path, description = "Case number, e.g. KC-2026-000123")),
    responses((status = 200, body = CaseView), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn get_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
) -> Result<Json<CaseView>, ApiError> {
    let case = state.cases.read(&number, &caller.actor, Utc::now()).await?;
    Ok(Json(view(&state, &caller, &case)))
}

/// Append to the timeline: a note, a message in or out, an attachment or a correction.
#[utoipa::path(post, path = "/cases/{number}/entries", tag = "cases", request_body = EntryRequest,
    params(("number" = String, Path, description = "Case number")),
    responses((status = 201, body = EntryAdded), (status = 400, body = Problem), (status = 404, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn add_entry(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    ApiJson(req): ApiJson<EntryRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let (case, seq) = state
        .cases
        .add_entry(&number, req, &caller.actor, Utc::now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(EntryAdded {
            number: case.number.to_string(),
            seq,
            version: case.version,
        }),
    ))
}

/// Change the status: start work, wait for the resident, close with a resolution, or reopen with a reason.
#[utoipa::path(post, path = "/cases/{number}/status", tag = "cases", request_body = StatusRequest,
    params(("number" = String, Path, description = "Case number")),
    responses((status = 200, body = CaseView), (status = 404, body = Problem),
        (status = 409, description = "Illegal transition or concurrent change", body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn change_status(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    ApiJson(req): ApiJson<StatusRequest>,
) -> Result<Json<CaseView>, ApiError> {
    let case = state
        .cases
        .change_status(&number, req, &caller.actor, Utc::now())
        .await?;
    Ok(Json(view(&state, &caller, &case)))
}

/// Hand the case over to an officer group with a summary of what the resident said and was told.
#[utoipa::path(post, path = "/cases/{number}/handover", tag = "cases", request_body = HandoverRequest,
    params(("number" = String, Path, description = "Case number")),
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn hand_over(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    ApiJson(req): ApiJson<HandoverRequest>,
) -> Result<Json<CaseView>, ApiError> {
    let case = state
        .cases
        .hand_over(&number, req, &caller.actor, Utc::now())
        .await?;
    Ok(Json(view(&state, &caller, &case)))
}

/// The officer group's answer to a hand-over: `accept` it (it becomes the
/// officer's own), `request_info` from the centre or `return` it with a
/// reason (both put it back in the centre's queue), or `answer_and_close`
/// with the answer given to the resident. Only members of the officer group
/// the case is assigned to may answer. 204 when the case went back to the
/// centre and the caller may no longer see it.
#[utoipa::path(post, path = "/cases/{number}/handover-response", tag = "cases", request_body = HandoverResponseRequest,
    params(("number" = String, Path, description = "Case number")),
    responses((status = 200, body = CaseView), (status = 204, description = "The case is back with the centre"),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn respond_to_handover(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    ApiJson(req): ApiJson<HandoverResponseRequest>,
) -> Result<Response, ApiError> {
    let case = state
        .cases
        .respond_to_handover(&number, req, &caller.actor, Utc::now())
        .await?;
    Ok(match case {
        Some(case) => Json(view(&state, &caller, &case)).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// Relate two cases; both timelines record it.
#[utoipa::path(post, path = "/cases/{number}/links", tag = "cases", request_body = LinkRequest,
    params(("number" = String, Path, description = "Case number")),
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn link_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    ApiJson(req): ApiJson<LinkRequest>,
) -> Result<Json<CaseView>, ApiError> {
    let case = state
        .cases
        .link(&number, req, &caller.actor, Utc::now())
        .await?;
    Ok(Json(view(&state, &caller, &case)))
}

/// Set a new feedback deadline, with the reason.
#[utoipa::path(post, path = "/cases/{number}/feedback-deadline", tag = "cases", request_body = DeadlineRequest,
    params(("number" = String, Path, description = "Case number")),
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn set_deadline(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    ApiJson(req): ApiJson<DeadlineRequest>,
) -> Result<Json<CaseView>, ApiError> {
    let case = state
        .cases
        .set_deadline(&number, req, &caller.actor, Utc::now())
        .await?;
    Ok(Json(view(&state, &caller, &case)))
}

/// Give the case to another group and/or person (e.g. a leaver's cases),
/// with the reason.
#[utoipa::path(post, path = "/cases/{number}/assignee", tag = "cases", request_body = ReassignRequest,
    params(("number" = String, Path, description = "Case number")),
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn reassign(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    ApiJson(req): ApiJson<ReassignRequest>,
) -> Result<Json<CaseView>, ApiError> {
    let case = state
        .cases
        .reassign(&number, req, &caller.actor, Utc::now())
        .await?;
    Ok(Json(view(&state, &caller, &case)))
}

/// Download an attachment of the case.
#[utoipa::path(get, path = "/cases/{number}/attachments/{sha256}", tag = "cases",
    params(("number" = String, Path, description = "Case number"), ("sha256" = String, Path, description = "The attachment's SHA-256")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn get_attachment(
    State(state): State<AppState>,
    caller: Caller,
    Path((number, sha256)): Path<(String, String)>,
) -> Result<impl IntoResponse, ApiError> {
    let (file_name, content_type, content) = state
        .cases
        .attachment(&number, &sha256, &caller.actor, Utc::now())
        .await?;
    Ok(file_download(&file_name, content_type, content))
}

/// A stored file as a download: its name made safe for the header, its
/// type as stored (sniffed when it arrived), never sniffed again by the
/// browser.
pub(crate) fn file_download(file_name: &str, content_type: String, content: Vec<u8>) -> Response {
    let safe_name: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe_name}\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        content,
    )
        .into_response()
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ReviewQuery {
    /// The board whose data's lookups are reviewed.
    board: String,
    /// First day (YYYY-MM-DD, Stockholm).
    from: NaiveDate,
    /// Last day, inclusive.
    to: NaiveDate,
    /// json (default) or csv.
    format: Option<String>,
}

/// Log review for a board's log reviewer: every lookup of the board's data in
/// the period, lookups of protected persons, unusual volumes, after hours.
#[utoipa::path(get, path = "/audit/review", tag = "audit", params(ReviewQuery),
    responses((status = 200, body = ReviewView), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
async fn audit_review(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<ReviewQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<axum::response::Response, ApiError> {
    let Query(q) = query.map_err(|e| {
        ApiError::BadQuery(vec![FieldError {
            field: "(query)".into(),
            reason: e.body_text(),
        }])
    })?;
    let review = kontakt_app::review::review(
        state.cases.store(),
        &caller.actor,
        &q.board,
        q.from,
        q.to,
        Utc::now(),
    )
    .await?;
    let view = ReviewView::new(&review);
    match q.format.as_deref() {
        None | Some("json") => Ok(Json(view).into_response()),
        Some("csv") => {
            let mut out = csv::Writer::from_writer(Vec::new());
            let header = [
                "id",
                "at",
                "actor",
                "action",
                "object_type",
                "object_id",
                "purpose",
                "client",
                "outcome",
                "operation_id",
                "flags",
            ];
            let write = |out: &mut csv::Writer<Vec<u8>>, row: &[String]| {
                out.write_record(row)
                    .map_err(|e| ApiError::Internal(e.to_string()))
            };
            write(&mut out, &header.map(String::from))?;
            for e in &view.entries {
                write(
                    &mut out,
                    &[
                        e.id.to_string(),
                        e.at.to_rfc3339(),
                        e.actor.clone(),
                        e.action.clone(),
                        e.object_type.clone(),
                        e.object_id.clone(),
                        e.purpose.clone(),
                        e.client.clone(),
                        e.outcome.to_owned(),
                        e.operation_id.clone(),
                        e.flags.join(" "),
                    ],
                )?;
            }
            let bytes = out
                .into_inner()
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!(
                            "attachment; filename=\"loggranskning-{}-{}-{}.csv\"",
                            q.board, q.from, q.to
                        ),
                    ),
                ],
                bytes,
            )
                .into_response())
        }
        Some(other) => Err(ApiError::BadQuery(vec![FieldError {
            field: "format".into(),
            reason: format!("'{other}' is not one of: json, csv"),
        }])),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ExtractRequest {
    /// The person's personal identity number (in the body, so it stays out
    /// of URLs and proxy logs).
    #[serde(default)]
    personnummer: String,
    /// json (default), html (a printable document for the resident) or pdf.
    #[serde(default)]
    format: Option<String>,
}

/// Register extract (registerutdrag): everything held about a person. Registrar only.
#[utoipa::path(post, path = "/persons/extract", tag = "persons", request_body = ExtractRequest,
    responses((status = 200, body = RegisterExtractView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn register_extract(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<ExtractRequest>,
) -> Result<axum::response::Response, ApiError> {
    let format = req.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "html" | "pdf") {
        return Err(ApiError::BadQuery(vec![FieldError {
            field: "format".into(),
            reason: format!("'{format}' is not one of: json, html, pdf"),
        }]));
    }
    let extract = state
        .cases
        .register_extract(&req.personnummer, &caller.actor, Utc::now())
        .await?;
    let view = RegisterExtractView::new(&extract, state.cases.catalog());
    Ok(match format {
        "html" => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                // A self-contained document: its own inline styles, no script.
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
                ),
            ],
            view.to_html(),
        )
            .into_response(),
        "pdf" => (
            [
                (header::CONTENT_TYPE, "application/pdf"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"registerutdrag.pdf\"",
                ),
            ],
            crate::pdf::register_extract(&view),
        )
            .into_response(),
        _ => Json(view).into_response(),
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RectifyBody {
    #[serde(default)]
    personnummer: String,
    /// New values by field: name, phone, email, preferred_language; null removes a value.
    #[schema(value_type = Object)]
    changes: std::collections::BTreeMap<String, Option<String>>,
    /// Why (kept in the person's history).
    reason: String,
}

/// Rectification (rättelse) of a person's details; the old values are kept
/// in the person's history, shown in the register extract. Registrar only.
#[utoipa::path(post, path = "/persons/rectify", tag = "persons", request_body = RectifyBody,
    responses((status = 200, body = [RectificationView]), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn rectify_person(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<RectifyBody>,
) -> Result<Json<Vec<RectificationView>>, ApiError> {
    let history = state
        .cases
        .rectify(
            kontakt_app::rights::RectifyRequest {
                personnummer: req.personnummer,
                changes: req.changes,
                reason: req.reason,
            },
            &caller.actor,
            Utc::now(),
        )
        .await?;
    Ok(Json(history.iter().map(RectificationView::new).collect()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct RetentionQuery {
    /// The day to plan for (default today, Stockholm).
    today: Option<NaiveDate>,
}

/// Retention (gallring) dry run: which closed cases are due for removal,
/// per case type. Removes nothing. Administrators only.
#[utoipa::path(get, path = "/retention", tag = "persons", params(RetentionQuery),
    responses((status = 200, body = Object), (status = 403, body = Problem)),
    security(("bearer" = [])))]
async fn retention_report(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<RetentionQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<kontakt_app::rights::RetentionReport>, ApiError> {
    let Query(q) = query.map_err(|e| {
        ApiError::BadQuery(vec![FieldError {
            field: "(query)".into(),
            reason: e.body_text(),
        }])
    })?;
    let today = q
        .today
        .unwrap_or_else(kontakt_domain::calendar::stockholm_today);
    let report = kontakt_app::rights::run_retention(
        state.cases.store(),
        state.cases.catalog(),
        &caller.actor,
        today,
        true,
    )
    .await?;
    Ok(Json(report))
}
