//! Crisis mode over HTTP: the page and API that publish and end a crisis
//! message, the live banner every staff page shows (`crisis` events on the
//! page's server-sent stream `/events`, which desk.js renders), and the
//! banner on the residents' pages.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::Event;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use chrono::Utc;
use kontakt_app::cases::{CaseError, FieldError};
use kontakt_app::crisis::{Crisis, CrisisError, CrisisService};
use kontakt_domain::crisis::{CrisisMessage, CrisisText};
use maud::{html, Markup};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::Caller;
use crate::i18n::Lang;
use crate::pages::layout;
use crate::problem::{ApiError, PageError, Problem};
use crate::session::Staff;
use crate::AppState;

impl From<CrisisError> for ApiError {
    fn from(e: CrisisError) -> Self {
        match e {
            CrisisError::Invalid(errors) => ApiError::Case(CaseError::Invalid(errors)),
            CrisisError::Forbidden(m) => ApiError::Case(CaseError::Forbidden(m)),
            CrisisError::Conflict(_) => ApiError::Case(CaseError::Conflict),
            CrisisError::Store(e) => e.into(),
        }
    }
}

impl From<CrisisError> for PageError {
    fn from(e: CrisisError) -> Self {
        match e {
            CrisisError::Invalid(errors) => PageError::Invalid(
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.reason))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            CrisisError::Forbidden(m) => PageError::Forbidden(m),
            CrisisError::Conflict(m) => PageError::Invalid(m),
            CrisisError::Store(e) => PageError::Internal(e.to_string()),
        }
    }
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_current, api_start))
        .routes(routes!(api_end))
}

/// The banner staff see: the message, the script to read and the case
/// type to register contacts as. Empty when there is no crisis.
pub fn staff_banner(lang: Lang, crisis: Option<&Crisis>) -> Markup {
    let Some(c) = crisis else {
        return html! {};
    };
    let Some((text_lang, t)) = c.message.text(lang.code()) else {
        return html! {};
    };
    html! {
        div.crisis role="alert" lang=(text_lang) {
            h2 { (lang.t("crisis-banner")) ": " (t.title) }
            p { (t.message) }
            details open {
                summary { (lang.t("crisis-script")) }
                p.script { (t.script) }
            }
            p { a href=(format!("/cases/new?case_type={}", c.message.case_type)) { (lang.ta("crisis-register", &[("type", &c.message.case_type)])) } }
        }
    }
}

/// The banner on the residents' pages, in their language when the
/// message has it.
pub fn public_banner(lang_code: &str, crisis: Option<&Crisis>) -> Markup {
    let Some(c) = crisis else {
        return html! {};
    };
    let Some((text_lang, t)) = c.message.text(lang_code) else {
        return html! {};
    };
    html! {
        div.crisis role="alert" lang=(text_lang) {
            h2 { (t.title) }
            p { (t.message) }
        }
    }
}

/// The staff banner's HTML now and at every change, as `crisis` events
/// ("none" when there is no crisis: browsers drop events without data);
/// part of every staff page's event stream (`/events`).
pub fn banner_events(
    receiver: tokio::sync::watch::Receiver<Option<std::sync::Arc<Crisis>>>,
    lang: Lang,
) -> impl futures_util::Stream<Item = Result<Event, std::convert::Infallible>> {
    futures_util::stream::unfold((receiver, true), move |(mut receiver, first)| async move {
        if !first && receiver.changed().await.is_err() {
            return None;
        }
        let banner = staff_banner(lang, receiver.borrow_and_update().as_deref()).into_string();
        let data = if banner.is_empty() {
            "none".to_owned()
        } else {
            banner
        };
        Some((
            Ok(Event::default().event("crisis").data(data)),
            (receiver, false),
        ))
    })
}

/// A crisis message to publish: texts by language (Swedish required) and
/// the case type its contacts are registered as.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CrisisRequest {
    #[schema(value_type = Object)]
    pub texts: std::collections::BTreeMap<String, CrisisText>,
    pub case_type: Option<String>,
}

/// The crisis case type when none is named.
const DEFAULT_CASE_TYPE: &str = "ALLM-KRIS";

fn forbidden() -> ApiError {
    ApiError::Case(CaseError::Forbidden(
        "team leaders, knowledge editors and administrators publish crisis messages".into(),
    ))
}

/// The crisis message going on, if any (staff).
#[utoipa::path(get, path = "/crisis", tag = "knowledge",
    responses((status = 200, body = Object), (status = 401, body = Problem)),
    security(("bearer" = [])))]
async fn api_current(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<serde_json::Value>, ApiError> {
    let current = state.crisis.load().await?;
    Ok(Json(serde_json::json!({ "crisis": current.as_deref() })))
}

/// Publish a crisis message: on every desktop at once, on the residents'
/// pages and before every phone menu.
#[utoipa::path(post, path = "/crisis", tag = "knowledge", request_body = CrisisRequest,
    responses((status = 201, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn api_start(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<crate::extract::ApiJson<CrisisRequest>, ApiError>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    if !CrisisService::may_publish(&caller.actor) {
        return Err(forbidden());
    }
    let crate::extract::ApiJson(req) = body?;
    let message = CrisisMessage {
        texts: req.texts,
        case_type: req.case_type.unwrap_or_else(|| DEFAULT_CASE_TYPE.into()),
    };
    let crisis = state
        .crisis
        .start(&caller.actor, &message, Utc::now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "crisis": crisis.as_ref() })),
    ))
}

/// End the crisis going on: the banner, the pages' message and the phone
/// announcements go.
#[utoipa::path(post, path = "/crisis/end", tag = "knowledge",
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
async fn api_end(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = state.crisis.end(&caller.actor, Utc::now()).await?;
    Ok(Json(serde_json::json!({ "ended": id })))
}

#[derive(Debug, Default, Deserialize)]
pub struct CrisisForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title_sv: String,
    #[serde(default)]
    message_sv: String,
    #[serde(default)]
    script_sv: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    message_en: String,
    #[serde(default)]
    script_en: String,
    #[serde(default)]
    case_type: String,
}

impl CrisisForm {
    fn message(&self) -> CrisisMessage {
        let mut texts = std::collections::BTreeMap::new();
        for (code, title, message, script) in [
            ("sv", &self.title_sv, &self.message_sv, &self.script_sv),
            ("en", &self.title_en, &self.message_en, &self.script_en),
        ] {
            let all_empty = [title, message, script].iter().all(|v| v.trim().is_empty());
            if code == "sv" || !all_empty {
                texts.insert(
                    code.to_owned(),
                    CrisisText {
                        title: title.trim().into(),
                        message: message.trim().into(),
                        script: script.trim().into(),
                    },
                );
            }
        }
        CrisisMessage {
            texts,
            case_type: Some(self.case_type.trim())
                .filter(|c| !c.is_empty())
                .unwrap_or(DEFAULT_CASE_TYPE)
                .to_owned(),
        }
    }
}

fn crisis_page(state: &AppState, staff: &Staff, f: &CrisisForm, errors: &[FieldError]) -> Markup {
    let lang = staff.lang;
    let title = lang.t("crisis-title");
    let csrf = &staff.session.session.csrf_token;
    let current = state.crisis.current();
    html! {
        (layout(lang, &title, Some(staff), html! {
            h1 { (title) }
            @if let Some(c) = &current {
                p { (lang.ta("crisis-active", &[("since", &kontakt_domain::calendar::stockholm_local(c.started_at).format("%Y-%m-%d %H:%M").to_string())])) }
                form method="post" action="/crisis/end" {
                    input type="hidden" name="csrf" value=(csrf);
                    button type="submit" { (lang.t("crisis-end")) }
                }
            } @else {
                p { (lang.t("crisis-intro")) }
                @if !errors.is_empty() {
                    div.error-summary role="alert" {
                        p { (lang.t("crisis-not-published")) }
                        ul { @for e in errors { li { (e.field) ": " (e.reason) } } }
                    }
                }
                form method="post" action="/crisis" {
                    input type="hidden" name="csrf" value=(csrf);
                    @for (code, legend, t, m, s) in [("sv", lang.t("kb-text-sv"), &f.title_sv, &f.message_sv, &f.script_sv), ("en", lang.t("kb-text-en"), &f.title_en, &f.message_en, &f.script_en)] {
                        fieldset {
                            legend { (legend) }
                            label for=(format!("title_{code}")) { (lang.t("kb-field-title")) }
                            input id=(format!("title_{code}")) name=(format!("title_{code}")) type="text" value=(t);
                            label for=(format!("message_{code}")) { (lang.t("crisis-message")) }
                            textarea id=(format!("message_{code}")) name=(format!("message_{code}")) rows="3" { (m) }
                            label for=(format!("script_{code}")) { (lang.t("crisis-script")) }
                            textarea id=(format!("script_{code}")) name=(format!("script_{code}")) rows="5" { (s) }
                        }
                    }
                    label for="case_type" { (lang.t("crisis-case-type")) }
                    input #case_type name="case_type" type="text" value=(if f.case_type.is_empty() { DEFAULT_CASE_TYPE } else { f.case_type.as_str() });
                    div.actions { button type="submit" { (lang.t("crisis-publish")) } }
                }
            }
        }))
    }
}

fn require(staff: &Staff) -> Result<(), PageError> {
    if CrisisService::may_publish(&staff.actor) {
        Ok(())
    } else {
        Err(PageError::Forbidden(
            "team leaders, knowledge editors and administrators publish crisis messages".into(),
        ))
    }
}

/// `GET /crisis`.
pub async fn page(State(state): State<AppState>, staff: Staff) -> Result<Markup, PageError> {
    require(&staff)?;
    state.crisis.load().await?;
    Ok(crisis_page(&state, &staff, &CrisisForm::default(), &[]))
}

/// `POST /crisis`: publish.
pub async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    axum::Form(f): axum::Form<CrisisForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &f.csrf).await?;
    require(&staff)?;
    match state
        .crisis
        .start(&staff.actor, &f.message(), Utc::now())
        .await
    {
        Ok(_) => Ok(Redirect::to("/crisis").into_response()),
        Err(CrisisError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            crisis_page(&state, &staff, &f, &errors),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct EndForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /crisis/end`: one action ends it.
pub async fn end(
    State(state): State<AppState>,
    staff: Staff,
    axum::Form(f): axum::Form<EndForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &f.csrf).await?;
    require(&staff)?;
    state.crisis.end(&staff.actor, Utc::now()).await?;
    Ok(Redirect::to("/crisis").into_response())
}
