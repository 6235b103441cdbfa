//! The residents' e-services: one public form per case type the catalog
//! marks `public`, made from the type's form fields, so a form asks what
//! the desk and Open311 ask. A resident may stay anonymous or give a name
//! and an address, chooses how to get the answer, and may attach files.
//! The form becomes an ordinary case (channel `e_service`) through the
//! same intake as every channel; the receipt page and the acknowledgement
//! give the case number, what happens next and the deadline.
//!
//! Abuse limits: a few submissions per client and ten minutes, at most 3
//! files of 10 MB each (and the server's body limit), and a honeypot field
//! that people never see and robots fill in.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use kontakt_app::cases::{
    Actor, Arrival, CaseError, ContactInput, FieldError, InboundFile, IntakeRequest,
};
use kontakt_domain::case::Channel;
use kontakt_domain::catalog::{CaseType, Responsible};
use kontakt_domain::resident::ResidentIdentity;
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;

use crate::desk::{field_error, form_fields, form_values, non_empty, pick, type_name};
use crate::i18n::Lang;
use crate::AppState;

/// Submissions one client may make per window.
pub const SUBMISSIONS_PER_WINDOW: u32 = 5;
pub const WINDOW_SECONDS: i64 = 600;
const MAX_FILES: usize = 3;
/// The honeypot's name: a field a robot takes for a real one.
const HONEYPOT: &str = "website";

/// A public page: the city's frame without the staff's menus.
pub(crate) fn public_page(state: &AppState, lang: Lang, title: &str, body: Markup) -> Markup {
    public_layout(Some(state), lang, title, body)
}

/// The crisis message, if one is published, shows at the top of every
/// public page (without a state, as on a plain error page, it does not).
fn public_layout(state: Option<&AppState>, lang: Lang, title: &str, body: Markup) -> Markup {
    let crisis = state.and_then(|s| s.crisis.current());
    let other = lang.other();
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – " (lang.t("eservice-brand")) }
                link rel="stylesheet" href="/static/kontakt.css";
            }
            body {
                header {
                    a.brand href="/e-tjanster" { (lang.t("eservice-brand")) }
                    nav aria-label=(lang.t("eservice-nav")) {
                        a href="/e-tjanster" { (lang.t("eservice-list-title")) }
                        a href="/fraga" { (lang.t("kb-assistant-title")) }
                        a href="/organisation" { (lang.t("dir-public-title")) }
                    }
                    a.language href=(format!("/lang/{}", other.code())) lang=(other.code()) hreflang=(other.code()) { (lang.t("switch-language")) }
                }
                main {
                    (crate::crisis::public_banner(lang.code(), crisis.as_deref()))
                    (body)
                }
                footer {
                    p { (lang.t("eservice-other-ways")) }
                }
            }
        }
    }
}

fn public_types(state: &AppState) -> impl Iterator<Item = &CaseType> {
    state.cases.catalog().case_types.iter().filter(|t| t.public)
}

/// `GET /e-tjanster`: the services, by service area.
pub async fn list(State(state): State<AppState>, lang: Lang) -> Markup {
    let catalog = state.cases.catalog();
    public_layout(
        Some(&state),
        lang,
        &lang.t("eservice-list-title"),
        html! {
            h1 { (lang.t("eservice-list-title")) }
            p { (lang.t("eservice-list-intro")) }
            @for area in &catalog.service_areas {
                @let types: Vec<&CaseType> = public_types(&state).filter(|t| t.service_area == area.code).collect();
                @if !types.is_empty() {
                    h2 { (pick(lang, &area.name_sv, &area.name_en)) }
                    ul {
                        @for t in types {
                            li { a href=(format!("/e-tjanster/{}", t.code)) { (type_name(lang, t)) } }
                        }
                    }
                }
            }
        },
    )
}

/// What the resident filled in, kept to show the form again.
#[derive(Default)]
struct Submission {
    description: String,
    district: String,
    anonymous: bool,
    name: String,
    email: String,
    phone: String,
    feedback_channel: String,
    honeypot: String,
    form: serde_json::Map<String, serde_json::Value>,
    files: Vec<InboundFile>,
}

fn form_page(
    lang: Lang,
    t: &CaseType,
    state: &AppState,
    s: &Submission,
    errors: &[FieldError],
) -> Markup {
    let err = |f: &str| field_error(errors, f).map(str::to_owned);
    let catalog = state.cases.catalog();
    let title = type_name(lang, t);
    public_layout(
        Some(state),
        lang,
        title,
        html! {
            h1 { (title) }
            p { (lang.t("eservice-required-note")) }
            @if !errors.is_empty() {
                div.error-summary role="alert" tabindex="-1" {
                    p { (lang.t("eservice-not-sent")) }
                    ul { @for e in errors { li { (e.reason) } } }
                    @if !s.files.is_empty() { p { (lang.t("eservice-files-again")) } }
                }
            }
            form method="post" action=(format!("/e-tjanster/{}", t.code)) enctype="multipart/form-data" {
                label for="description" { (lang.t("eservice-description")) " (" (lang.t("required")) ")" }
                textarea #description name="description" rows="6" required
                    aria-describedby=[err("description").map(|_| "description-error")] { (s.description) }
                @if let Some(e) = err("description") { p.field-error #description-error { (e) } }
                @if t.responsible == Responsible::DistrictBoard {
                    label for="district" { (lang.t("eservice-district")) " (" (lang.t("required")) ")" }
                    select #district name="district" required aria-describedby=[err("district").map(|_| "district-error")] {
                        option value="" { "(" (lang.t("choose")) ")" }
                        @for d in &catalog.districts {
                            option value=(d.code) selected[d.code == s.district] { (d.name) }
                        }
                    }
                    @if let Some(e) = err("district") { p.field-error #district-error { (e) } }
                }
                (form_fields(lang, t, &s.form, errors))
                fieldset {
                    legend { (lang.t("eservice-you")) }
                    p { (lang.t("eservice-you-intro")) }
                    label.check {
                        input type="checkbox" name="anonymous" value="yes" checked[s.anonymous];
                        " " (lang.t("eservice-anonymous"))
                    }
                    label for="name" { (lang.t("name")) }
                    input #name name="name" value=(s.name) autocomplete="name";
                    label for="email" { (lang.t("eservice-email")) }
                    input #email name="email" type="email" value=(s.email) autocomplete="email";
                    label for="phone" { (lang.t("eservice-mobile")) }
                    input #phone name="phone" type="tel" value=(s.phone) autocomplete="tel";
                    @if let Some(e) = err("contact") { p.field-error { (e) } }
                }
                fieldset {
                    legend { (lang.t("eservice-answer-by")) }
                    @for (value, label) in [("email", "eservice-by-email"), ("sms", "eservice-by-sms"), ("phone", "eservice-by-phone"), ("", "eservice-by-none")] {
                        label.check {
                            input type="radio" name="feedback_channel" value=(value) checked[s.feedback_channel == value];
                            " " (lang.t(label))
                        }
                    }
                    @if let Some(e) = err("feedback_channel") { p.field-error { (e) } }
                }
                label for="files" { (lang.t("eservice-files")) }
                input #files name="files" type="file" multiple aria-describedby="files-hint";
                p.hint #files-hint { (lang.t("eservice-files-hint")) }
                @if let Some(e) = err("files") { p.field-error { (e) } }
                // People never see this field; robots fill it in.
                div.hp aria-hidden="true" {
                    label for=(HONEYPOT) { (lang.t("eservice-honeypot")) }
                    input id=(HONEYPOT) name=(HONEYPOT) tabindex="-1" autocomplete="off";
                }
                div.actions { button type="submit" { (lang.t("eservice-send")) } }
            }
            p { (lang.t("eservice-privacy")) }
        },
    )
}

fn find(state: &AppState, code: &str) -> Option<CaseType> {
    public_types(state).find(|t| t.code == code).cloned()
}

fn not_found(lang: Lang) -> Response {
    (
        StatusCode::NOT_FOUND,
        public_layout(
            None,
            lang,
            &lang.t("eservice-missing"),
            html! {
                h1 { (lang.t("eservice-missing")) }
                p { a href="/e-tjanster" { (lang.t("eservice-list-title")) } }
            },
        ),
    )
        .into_response()
}

/// `GET /e-tjanster/{code}`: the empty form.
#[derive(Debug, Default, Deserialize)]
pub struct Prefill {
    /// A question from the web assistant, to start the description with.
    fraga: Option<String>,
}

pub async fn form(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
    Query(prefill): Query<Prefill>,
    parts: Parts,
) -> Response {
    let mut submission = Submission {
        description: prefill
            .fraga
            .map(|q| q.chars().take(2_000).collect())
            .unwrap_or_default(),
        ..Submission::default()
    };
    // A resident logged in on Mina sidor: the address they logged in
    // with, so they need not type it again.
    if let Some(identity) = crate::mina_sidor::logged_in_identity(&state, &parts).await {
        match identity {
            ResidentIdentity::Email(e) => submission.email = e.as_str().to_owned(),
            ResidentIdentity::Phone(p) => submission.phone = p.as_str().to_owned(),
            ResidentIdentity::Personnummer(_) | ResidentIdentity::Case(_) => {}
        }
    }
    match find(&state, &code) {
        Some(t) => form_page(lang, &t, &state, &submission, &[]).into_response(),
        None => not_found(lang),
    }
}

fn problem(field: &str, reason: String) -> FieldError {
    FieldError {
        field: field.into(),
        reason,
    }
}

/// Reads the posted form; a broken upload is reported on the files field.
async fn read(mut multipart: Multipart, t: &CaseType, lang: Lang) -> (Submission, Vec<FieldError>) {
    let mut s = Submission::default();
    let mut errors = Vec::new();
    let mut form_pairs = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                errors.push(problem(
                    "files",
                    lang.ta("eservice-upload-failed", &[("error", &e)]),
                ));
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "files" {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let content_type = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_owned();
            match field.bytes().await {
                // A file input left empty still sends a part without a name.
                Ok(bytes) if bytes.is_empty() && file_name.is_empty() => {}
                Ok(bytes) if bytes.len() > kontakt_app::cases::limits::ATTACHMENT_BYTES => errors
                    .push(problem(
                        "files",
                        lang.ta("eservice-file-too-large", &[("name", &file_name)]),
                    )),
                Ok(bytes) => s.files.push(InboundFile {
                    file_name,
                    content_type,
                    content: bytes.to_vec(),
                }),
                Err(e) => errors.push(problem(
                    "files",
                    lang.ta("eservice-upload-failed", &[("error", &e)]),
                )),
            }
            continue;
        }
        let value = field.text().await.unwrap_or_default();
        match name.as_str() {
            "description" => s.description = value,
            "district" => s.district = value,
            "anonymous" => s.anonymous = value == "yes",
            "name" => s.name = value,
            "email" => s.email = value,
            "phone" => s.phone = value,
            "feedback_channel" => s.feedback_channel = value,
            HONEYPOT => s.honeypot = value,
            other => {
                if let Some(code) = other.strip_prefix("form.") {
                    form_pairs.push((code.to_owned(), value));
                }
            }
        }
    }
    if s.files.len() > MAX_FILES {
        errors.push(problem(
            "files",
            lang.ta(
                "eservice-too-many-files",
                &[("max", &MAX_FILES.to_string())],
            ),
        ));
    }
    s.form = form_values(Some(t), form_pairs);
    (s, errors)
}

/// Intake's reasons, in the page's words where the field is the resident's.
fn resident_errors(lang: Lang, t: &CaseType, errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| {
            let label = match e.field.as_str() {
                "description" => lang.t("eservice-description"),
                "district" => lang.t("eservice-district"),
                "feedback_channel" => lang.t("eservice-answer-by"),
                f if f.starts_with("contact") => lang.t("eservice-you"),
                f => f
                    .strip_prefix("form.")
                    .and_then(|code| t.fields.iter().find(|x| x.code == code))
                    .map(|x| pick(lang, &x.label_sv, &x.label_en).to_owned())
                    .unwrap_or_else(|| f.to_owned()),
            };
            FieldError {
                reason: format!("{label}: {}", e.reason),
                field: e.field,
            }
        })
        .collect()
}

/// `POST /e-tjanster/{code}`: the form becomes a case.
pub async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
    parts: Parts,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let Some(t) = find(&state, &code) else {
        return not_found(lang);
    };
    let client = crate::session::client_address(&parts);
    if !state.submission_throttle.admit(&client, Utc::now()) {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            public_layout(
                Some(&state),
                lang,
                &lang.t("eservice-slow-down"),
                html! {
                    h1 { (lang.t("eservice-slow-down")) }
                    p { (lang.t("eservice-slow-down-text")) }
                },
            ),
        )
            .into_response();
    }
    let Ok(multipart) = multipart else {
        let errors = vec![problem("files", lang.t("eservice-not-a-form"))];
        return (
            StatusCode::BAD_REQUEST,
            form_page(lang, &t, &state, &Submission::default(), &errors),
        )
            .into_response();
    };
    let (s, mut errors) = read(multipart, &t, lang).await;
    if !s.honeypot.trim().is_empty() {
        // Only a robot fills in what no person sees: nothing is registered.
        tracing::info!(client, "e-service honeypot filled in; nothing registered");
        errors.push(problem("form", lang.t("eservice-not-sent")));
    }
    if !errors.is_empty() {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(lang, &t, &state, &s, &errors),
        )
            .into_response();
    }
    let contact = ContactInput {
        name: non_empty(&s.name),
        email: non_empty(&s.email),
        phone: non_empty(&s.phone),
        preferred_language: Some(lang.code().to_owned()),
        ..ContactInput::default()
    };
    let given = contact.name.is_some() || contact.email.is_some() || contact.phone.is_some();
    let request = IntakeRequest {
        case_type: Some(t.code.clone()),
        channel: Channel::EService.as_str().into(),
        description: s.description.clone(),
        district: non_empty(&s.district),
        contact: given.then_some(contact),
        anonymous: s.anonymous,
        feedback_channel: non_empty(&s.feedback_channel),
        form: s.form.clone(),
        ..IntakeRequest::default()
    };
    let mut actor = Actor::channel("system:e-service");
    actor.client = client;
    let arrival = Arrival {
        files: s.files.clone(),
        intake_key: None,
        resident_reply: false,
        assign: None,
    };
    match state
        .cases
        .intake_arrival(request, arrival, &actor, Utc::now())
        .await
    {
        Ok(intake) => {
            let next = match lang {
                Lang::En => t.next_steps_en.clone().or(t.next_steps_sv.clone()),
                Lang::Sv => t.next_steps_sv.clone(),
            };
            let by_mail = s.feedback_channel == "email" && !s.email.trim().is_empty();
            public_layout(Some(&state), lang, &lang.t("eservice-thanks"), html! {
                h1 { (lang.t("eservice-thanks")) }
                p.receipt { (lang.ta("eservice-receipt", &[("number", &intake.number.to_string())])) }
                @if let Some(next) = next { h2 { (lang.t("eservice-next")) } p { (next) } }
                @if let Some(d) = intake.feedback_deadline {
                    p { (lang.ta("eservice-deadline", &[("date", &kontakt_app::messages::long_date(d, lang == Lang::En))])) }
                }
                @if by_mail { p { (lang.ta("eservice-mail-sent", &[("email", &s.email.trim())])) } }
                p { (lang.t("eservice-keep-number")) }
                @if let Some(token) = &intake.follow_token {
                    @let token = kontakt_domain::resident::format_follow_token(token);
                    p { (lang.ta("eservice-follow", &[("token", &token)])) }
                    p { a href=(format!("/mina-sidor/folj?arende={}&kod={token}", intake.number)) { (lang.t("eservice-follow-link")) } }
                }
                p { a href="/e-tjanster" { (lang.t("eservice-more")) } }
            })
            .into_response()
        }
        Err(CaseError::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(lang, &t, &state, &s, &resident_errors(lang, &t, errors)),
        )
            .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "e-service submission failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                public_layout(
                    Some(&state),
                    lang,
                    &lang.t("eservice-failed"),
                    html! {
                        h1 { (lang.t("eservice-failed")) }
                        p { (lang.t("eservice-failed-text")) }
                    },
                ),
            )
                .into_response()
        }
    }
}
