//! Set-aside mail at the desk: mail that could not become a case by itself
//! waits here for an agent, who reads it and registers it as a case (with
//! the case type, district and form fields the mail could not give) or
//! discards it with a reason.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use kontakt_app::cases::{CaseError, ContactInput, FieldError, IntakeRequest};
use kontakt_app::set_aside::{SetAsideMail, SetAsideView};
use kontakt_domain::case::Channel;
use maud::{html, Markup};
use serde::Deserialize;

use crate::desk::{
    case_fields, channel_name, field_error, human_size, non_empty, require_desk, QuickForm,
};
use crate::pages::layout;
use crate::problem::PageError;
use crate::session::Staff;
use crate::AppState;

fn service(state: &AppState) -> SetAsideMail {
    SetAsideMail::new(state.cases.clone())
}

fn when(t: chrono::DateTime<Utc>) -> String {
    kontakt_domain::calendar::stockholm_minute(t)
}

pub async fn list(State(state): State<AppState>, staff: Staff) -> Result<Markup, PageError> {
    require_desk(&staff)?;
    let mails = service(&state).list(&staff.actor, Utc::now()).await?;
    let lang = staff.lang;
    Ok(layout(
        lang,
        &lang.t("set-aside-title"),
        Some(&staff),
        html! {
            h1 { (lang.t("set-aside-title")) }
            p { (lang.t("set-aside-intro")) }
            @if mails.is_empty() {
                p { (lang.t("set-aside-none")) }
            } @else {
                table {
                    caption { (lang.t("set-aside-caption")) }
                    thead { tr {
                        th scope="col" { (lang.t("set-aside-received")) }
                        th scope="col" { (lang.t("set-aside-sender")) }
                        th scope="col" { (lang.t("set-aside-subject")) }
                        th scope="col" { (lang.t("set-aside-reason")) }
                    } }
                    tbody {
                        @for m in &mails {
                            tr {
                                td { (when(m.received_at)) }
                                td { (m.sender) }
                                td { a href=(format!("/mail/set-aside/{}", m.id)) {
                                    @if m.subject.is_empty() { "(" (lang.t("set-aside-no-subject")) ")" } @else { (m.subject) }
                                } }
                                td { (m.reason) }
                            }
                        }
                    }
                }
            }
        },
    ))
}

/// The registration form, prefilled from the mail the first time.
fn prefilled(view: &SetAsideView) -> QuickForm {
    QuickForm {
        description: view.text.clone(),
        name: view.sender_name.clone().unwrap_or_default(),
        email: view.sender_address.clone().unwrap_or_default(),
        feedback_channel: if view.sender_address.is_some() {
            Channel::Email.as_str().into()
        } else {
            String::new()
        },
        ..QuickForm::default()
    }
}

fn page(
    state: &AppState,
    staff: &Staff,
    view: &SetAsideView,
    form: &QuickForm,
    errors: &[FieldError],
) -> Markup {
    let lang = staff.lang;
    let catalog = state.cases.catalog();
    let csrf = &staff.session.session.csrf_token;
    let err = |f: &str| field_error(errors, f).map(str::to_owned);
    let base = format!("/mail/set-aside/{}", view.summary.id);
    layout(
        lang,
        &lang.t("set-aside-one-title"),
        Some(staff),
        html! {
            p { a href="/mail/set-aside" { "← " (lang.t("set-aside-title")) } }
            h1 { (lang.t("set-aside-one-title")) }
            @if !errors.is_empty() {
                div.error-summary role="alert" {
                    p { (lang.t("quick-not-saved")) }
                    ul { @for e in errors { li { (e.field) ": " (e.reason) } } }
                }
            }
            dl {
                dt { (lang.t("set-aside-received")) } dd { (when(view.summary.received_at)) }
                dt { (lang.t("set-aside-sender")) } dd { (view.summary.sender) }
                dt { (lang.t("set-aside-to")) } dd { (view.to.join(", ")) }
                dt { (lang.t("set-aside-reason")) } dd { (view.summary.reason) }
                @if !view.files.is_empty() {
                    dt { (lang.t("set-aside-files")) }
                    dd { ul { @for (name, size) in &view.files { li { (name) " (" (human_size(*size as u64)) ")" } } } }
                }
            }
            section aria-labelledby="register" {
                h2 #register { (lang.t("set-aside-register")) }
                form method="post" action=(format!("{base}/register")) {
                    input type="hidden" name="csrf" value=(csrf);
                    (case_fields(catalog, lang, form, errors, 10, false))
                    fieldset {
                        legend { (lang.t("quick-resident")) }
                        label for="name" { (lang.t("name")) }
                        input #name name="name" value=(form.name) autocomplete="off";
                        label for="email" { (lang.t("email")) }
                        input #email name="email" type="email" value=(form.email) autocomplete="off";
                        @if let Some(e) = err("contact") { p.field-error { (e) } }
                        label for="feedback_channel" { (lang.t("feedback-via")) }
                        select #feedback_channel name="feedback_channel" {
                            option value="" selected[form.feedback_channel.is_empty()] { "(" (lang.t("none")) ")" }
                            @for c in [Channel::Email, Channel::Phone, Channel::Letter] {
                                option value=(c.as_str()) selected[c.as_str() == form.feedback_channel] { (channel_name(lang, c)) }
                            }
                        }
                        @if let Some(e) = err("feedback_channel") { p.field-error { (e) } }
                    }
                    div.actions { button type="submit" { (lang.t("set-aside-register-button")) } }
                }
            }
            section aria-labelledby="discard" {
                h2 #discard { (lang.t("set-aside-discard")) }
                form method="post" action=(format!("{base}/discard")) {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="reason" { (lang.t("set-aside-discard-reason")) }
                    textarea #reason name="reason" rows="2" required aria-describedby=[err("reason").map(|_| "reason-error")] {}
                    @if let Some(e) = err("reason") { p.field-error #reason-error { (e) } }
                    div.actions { button type="submit" { (lang.t("set-aside-discard-button")) } }
                }
            }
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    require_desk(&staff)?;
    let view = service(&state).read(id, &staff.actor, Utc::now()).await?;
    Ok(page(&state, &staff, &view, &prefilled(&view), &[]))
}

pub async fn register(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = QuickForm::from_pairs(pairs, state.cases.catalog());
    staff.check_csrf(&state, &form.csrf).await?;
    require_desk(&staff)?;
    let contact = ContactInput {
        name: non_empty(&form.name),
        email: non_empty(&form.email),
        ..ContactInput::default()
    };
    let has_contact = contact.name.is_some() || contact.email.is_some();
    let request = IntakeRequest {
        case_type: non_empty(&form.case_type),
        description: form.description.clone(),
        district: non_empty(&form.district),
        contact: has_contact.then_some(contact),
        feedback_channel: non_empty(&form.feedback_channel),
        form: form.form.clone(),
        ..IntakeRequest::default()
    };
    let now = Utc::now();
    let mail = service(&state);
    match mail.register(id, request, &staff.actor, now).await {
        Ok(number) => Ok(Redirect::to(&format!("/cases/{number}")).into_response()),
        Err(CaseError::Invalid(errors)) => {
            let view = mail.read(id, &staff.actor, now).await?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&state, &staff, &view, &form, &errors),
            )
                .into_response())
        }
        Err(CaseError::Rule(rule)) => {
            let view = mail.read(id, &staff.actor, now).await?;
            let errors = vec![FieldError {
                field: rule.field().into(),
                reason: rule.to_string(),
            }];
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&state, &staff, &view, &form, &errors),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct DiscardForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

pub async fn discard(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<DiscardForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &f.csrf).await?;
    require_desk(&staff)?;
    let now = Utc::now();
    let mail = service(&state);
    match mail.discard(id, &f.reason, &staff.actor, now).await {
        Ok(()) => Ok(Redirect::to("/mail/set-aside").into_response()),
        Err(CaseError::Invalid(errors)) => {
            let view = mail.read(id, &staff.actor, now).await?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&state, &staff, &view, &prefilled(&view), &errors),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
