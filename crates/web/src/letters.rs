//! Letters and faxes at the desk: a scanned letter (PDF or image) becomes
//! a new case, or joins the case whose number it names, with its text read
//! by OCR so the letter is found by search, and the date it arrived.

use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use kontakt_app::cases::{
    Arrival, CaseError, ContactInput, FieldError, InboundFile, IntakeRequest,
};
use kontakt_domain::case::Channel;
use maud::{html, Markup};

use crate::desk::{after_change, field_error, non_empty, require_desk, type_name};
use crate::pages::layout;
use crate::problem::PageError;
use crate::session::Staff;
use crate::AppState;

#[derive(Default)]
struct LetterForm {
    case_number: String,
    case_type: String,
    district: String,
    name: String,
    received: String,
}

fn page(state: &AppState, staff: &Staff, f: &LetterForm, errors: &[FieldError]) -> Markup {
    let lang = staff.lang;
    let catalog = state.cases.catalog();
    let err = |field: &str| field_error(errors, field).map(str::to_owned);
    layout(
        lang,
        &lang.t("letter-title"),
        Some(staff),
        html! {
            h1 { (lang.t("letter-title")) }
            p { (lang.t("letter-intro")) }
            @if !errors.is_empty() {
                div.error-summary role="alert" {
                    p { (lang.t("quick-not-saved")) }
                    ul { @for e in errors { li { (e.field) ": " (e.reason) } } }
                }
            }
            form method="post" action="/letters/new" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(staff.session.session.csrf_token);
                label for="file" { (lang.t("letter-file")) " (" (lang.t("required")) ")" }
                input #file name="file" type="file" required accept="application/pdf,image/png,image/jpeg,image/tiff";
                @if let Some(e) = err("file") { p.field-error { (e) } }
                label for="received" { (lang.t("letter-received")) }
                input #received name="received" type="date" value=(f.received);
                @if let Some(e) = err("received_at") { p.field-error { (e) } }
                label for="case_number" { (lang.t("letter-case-number")) }
                input #case_number name="case_number" value=(f.case_number) aria-describedby="case_number-hint";
                p.hint #case_number-hint { (lang.t("letter-case-number-hint")) }
                @if let Some(e) = err("attach_to") { p.field-error { (e) } }
                fieldset {
                    legend { (lang.t("letter-new-case")) }
                    label for="case_type" { (lang.t("quick-case-type")) }
                    input #case_type name="case_type" list="case-types" value=(f.case_type) autocomplete="off";
                    datalist #case-types {
                        @for t in &catalog.case_types {
                            option value=(t.code) { (type_name(lang, t)) }
                        }
                    }
                    @if let Some(e) = err("case_type") { p.field-error { (e) } }
                    label for="district" { (lang.t("col-district")) }
                    select #district name="district" {
                        option value="" { "(" (lang.t("none")) ")" }
                        @for d in &catalog.districts {
                            option value=(d.code) selected[d.code == f.district] { (d.name) }
                        }
                    }
                    @if let Some(e) = err("district") { p.field-error { (e) } }
                    label for="name" { (lang.t("letter-sender")) }
                    input #name name="name" value=(f.name) autocomplete="off";
                }
                div.actions { button type="submit" { (lang.t("letter-save")) } }
            }
        },
    )
}

pub async fn form(State(state): State<AppState>, staff: Staff) -> Result<Markup, PageError> {
    require_desk(&staff)?;
    let today = kontakt_domain::calendar::stockholm_today().to_string();
    Ok(page(
        &state,
        &staff,
        &LetterForm {
            received: today,
            ..LetterForm::default()
        },
        &[],
    ))
}

pub async fn register(
    State(state): State<AppState>,
    staff: Staff,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let Ok(mut multipart) = multipart else {
        staff.check_csrf(&state, "").await?;
        return Err(PageError::Csrf);
    };
    let lang = staff.lang;
    let mut f = LetterForm::default();
    let mut csrf_checked = false;
    let mut file = None;
    let mut errors = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                errors.push(FieldError {
                    field: "file".into(),
                    reason: lang.ta("error-upload", &[("error", &e)]),
                });
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        // The token comes first in the form: nothing is read before it is checked.
        if name == "csrf" {
            staff
                .check_csrf(&state, &field.text().await.unwrap_or_default())
                .await?;
            csrf_checked = true;
            continue;
        }
        if !csrf_checked {
            break;
        }
        if name == "file" {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let content_type = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_lowercase();
            match field.bytes().await {
                Ok(bytes) if !bytes.is_empty() => {
                    file = Some(InboundFile {
                        file_name,
                        content_type,
                        content: bytes.to_vec(),
                    })
                }
                Ok(_) => {}
                Err(e) => errors.push(FieldError {
                    field: "file".into(),
                    reason: lang.ta("error-upload", &[("error", &e)]),
                }),
            }
            continue;
        }
        let value = field.text().await.unwrap_or_default();
        match name.as_str() {
            "case_number" => f.case_number = value,
            "case_type" => f.case_type = value,
            "district" => f.district = value,
            "name" => f.name = value,
            "received" => f.received = value,
            _ => {}
        }
    }
    if !csrf_checked {
        staff.check_csrf(&state, "").await?;
    }
    require_desk(&staff)?;
    let Some(file) = file else {
        errors.push(FieldError {
            field: "file".into(),
            reason: lang.t("letter-no-file"),
        });
        return Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            page(&state, &staff, &f, &errors),
        )
            .into_response());
    };
    let received_at =
        match non_empty(&f.received).map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d")) {
            None => None,
            Some(Ok(d)) => Some(kontakt_domain::calendar::stockholm_midnight(d)),
            Some(Err(_)) => {
                errors.push(FieldError {
                    field: "received_at".into(),
                    reason: lang.t("letter-bad-date"),
                });
                None
            }
        };
    let text = match kontakt_app::letters::extract_text(&file.content, &file.content_type).await {
        Ok(text) => text,
        Err(e @ kontakt_app::letters::LetterError::Unsupported(_)) => {
            errors.push(FieldError {
                field: "file".into(),
                reason: e.to_string(),
            });
            String::new()
        }
        // The letter is registered all the same; its file is the record.
        Err(e) => {
            tracing::warn!(error = %e, "a letter's text could not be read");
            String::new()
        }
    };
    if !errors.is_empty() {
        return Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            page(&state, &staff, &f, &errors),
        )
            .into_response());
    }
    let limit = kontakt_app::cases::limits::DESCRIPTION_CHARS - 200;
    let mut description = if text.is_empty() {
        lang.t("letter-no-text")
    } else {
        format!(
            "{}\n\n{}",
            lang.t("letter-ocr-heading"),
            text.chars().take(limit).collect::<String>()
        )
    };
    if text.chars().count() > limit {
        description.push_str(&format!("\n\n{}", lang.t("letter-text-cut")));
    }
    let attach_to = non_empty(&f.case_number).map(|n| n.to_uppercase());
    let request = IntakeRequest {
        case_type: attach_to
            .is_none()
            .then(|| non_empty(&f.case_type))
            .flatten(),
        channel: Channel::Letter.as_str().into(),
        description,
        district: attach_to
            .is_none()
            .then(|| non_empty(&f.district))
            .flatten(),
        contact: attach_to
            .is_none()
            .then(|| {
                non_empty(&f.name).map(|name| ContactInput {
                    name: Some(name),
                    ..ContactInput::default()
                })
            })
            .flatten(),
        attach_to: attach_to.clone(),
        received_at: attach_to.is_none().then_some(received_at).flatten(),
        ..IntakeRequest::default()
    };
    let arrival = Arrival {
        files: vec![file],
        intake_key: None,
        resident_reply: false,
        assign: None,
    };
    match state
        .cases
        .intake_arrival(request, arrival, &staff.actor, Utc::now())
        .await
    {
        Ok(intake) => {
            let number = intake.number.to_string();
            let case = state.cases.read(&number, &staff.actor, Utc::now()).await;
            after_change(&state, &staff, &number, case, &lang.t("letter-done")).await
        }
        Err(CaseError::Invalid(errors)) => Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            page(&state, &staff, &f, &errors),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}
