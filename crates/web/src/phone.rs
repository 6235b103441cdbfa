//! The phone at the web interface: a team leader's answer groups, and for
//! each its own phone settings — the greeting callers hear on entering the
//! queue, the group's hours, and an absence message that closes the line
//! until a given time.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use kontakt_app::cases::FieldError;
use kontakt_app::phone::PhoneError;
use kontakt_domain::catalog::Group;
use kontakt_domain::phone::SettingsInput;
use maud::{html, Markup};
use serde::Deserialize;

use crate::desk::{field_error, pick};
use crate::i18n::Lang;
use crate::pages::layout;
use crate::problem::PageError;
use crate::session::Staff;
use crate::AppState;

impl From<PhoneError> for PageError {
    fn from(e: PhoneError) -> Self {
        match e {
            PhoneError::Forbidden(m) => PageError::Forbidden(m),
            PhoneError::NotFound(_) => PageError::NotFound,
            PhoneError::Store(e) => PageError::Internal(e.to_string()),
            other => PageError::Invalid(other.to_string()),
        }
    }
}

fn managed<'a>(state: &'a AppState, staff: &Staff) -> Result<Vec<&'a Group>, PageError> {
    let groups = state.phone.managed_groups(&staff.actor);
    if groups.is_empty() {
        return Err(PageError::Forbidden(
            "the phone settings are for team leaders of answer groups and administrators".into(),
        ));
    }
    Ok(groups)
}

pub async fn groups(State(state): State<AppState>, staff: Staff) -> Result<Markup, PageError> {
    let groups = managed(&state, &staff)?;
    let lang = staff.lang;
    let mut rows = Vec::new();
    for g in groups {
        let stored = state.phone.settings(&g.code).await?;
        rows.push((g, stored));
    }
    let now = Utc::now();
    Ok(layout(
        lang,
        &lang.t("phone-title"),
        Some(&staff),
        html! {
            h1 { (lang.t("phone-title")) }
            p { (lang.t("phone-intro")) }
            table {
                caption { (lang.t("phone-groups-caption")) }
                thead { tr {
                    th scope="col" { (lang.t("phone-group")) }
                    th scope="col" { (lang.t("phone-absence")) }
                    th scope="col" { (lang.t("phone-changed")) }
                } }
                tbody {
                    @for (g, stored) in &rows {
                        tr {
                            td { a href=(format!("/phone/groups/{}", g.code)) { (pick(lang, &g.name_sv, &g.name_en)) " (" (g.code) ")" } }
                            td {
                                @match stored.as_ref().and_then(|s| s.settings.absence.as_ref()).filter(|a| a.until > now) {
                                    Some(a) => { (lang.ta("phone-absent-until", &[("time", &local(a.until))])) }
                                    None => { "–" }
                                }
                            }
                            td { @if let Some(s) = stored { (local(s.changed_at)) " " (s.changed_by) } @else { "–" } }
                        }
                    }
                }
            }
        },
    ))
}

fn local(t: chrono::DateTime<Utc>) -> String {
    kontakt_domain::calendar::stockholm_local(t)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn page(
    state: &AppState,
    staff: &Staff,
    group: &Group,
    input: &SettingsInput,
    errors: &[FieldError],
    saved: bool,
) -> Markup {
    let lang = staff.lang;
    let err = |f: &str| field_error(errors, f).map(str::to_owned);
    let name = pick(lang, &group.name_sv, &group.name_en);
    let numbers: Vec<_> = state
        .phone
        .catalog()
        .phone
        .numbers
        .iter()
        .map(|n| {
            let hours = state.phone.catalog().phone.hours(&n.hours);
            (n, hours)
        })
        .collect();
    let text = |id: &'static str, label: String, value: &str, rows: u8| {
        html! {
            label for=(id) { (label) }
            textarea id=(id) name=(id) rows=(rows) aria-describedby=[err(id).map(|_| format!("{id}-error"))] { (value) }
            @if let Some(e) = err(id) { p.field-error id=(format!("{id}-error")) { (e) } }
        }
    };
    let line = |id: &'static str, label: String, value: &str, kind: &str, hint: Option<String>| {
        html! {
            label for=(id) { (label) }
            @if let Some(h) = &hint { p.hint id=(format!("{id}-hint")) { (h) } }
            input id=(id) name=(id) type=(kind) value=(value)
                aria-describedby=[err(id).map(|_| format!("{id}-error")).or(hint.as_ref().map(|_| format!("{id}-hint")))];
            @if let Some(e) = err(id) { p.field-error id=(format!("{id}-error")) { (e) } }
        }
    };
    layout(
        lang,
        &lang.ta("phone-group-title", &[("name", &name)]),
        Some(staff),
        html! {
            p { a href="/phone" { "← " (lang.t("phone-title")) } }
            h1 { (lang.ta("phone-group-title", &[("name", &name)])) }
            @if saved { p.waiting role="status" { (lang.t("phone-saved")) } }
            @if !errors.is_empty() {
                div.error-summary role="alert" {
                    p { (lang.t("phone-not-saved")) }
                    ul { @for e in errors { li { (e.field) ": " (e.reason) } } }
                }
            }
            p { (lang.t("phone-numbers-hours")) }
            ul {
                @for (n, hours) in &numbers {
                    li { (pick(lang, &n.name_sv, &n.name_en)) " " (n.number) ": "
                        @if let Some(h) = hours { (week(lang, h.weekdays, h.saturday, h.sunday)) } }
                }
            }
            form method="post" action=(format!("/phone/groups/{}", group.code)) {
                input type="hidden" name="csrf" value=(staff.session.session.csrf_token);
                fieldset {
                    legend { (lang.t("phone-greeting")) }
                    (text("greeting_sv", lang.t("phone-in-swedish"), &input.greeting_sv, 3))
                    (text("greeting_en", lang.t("phone-in-english"), &input.greeting_en, 3))
                }
                fieldset {
                    legend { (lang.t("phone-hours")) }
                    p.hint { (lang.t("phone-hours-hint")) }
                    (line("weekdays", lang.t("phone-weekdays"), &input.weekdays, "text", None))
                    (line("saturday", lang.t("phone-saturday"), &input.saturday, "text", None))
                    (line("sunday", lang.t("phone-sunday"), &input.sunday, "text", None))
                }
                fieldset {
                    legend { (lang.t("phone-absence")) }
                    p.hint { (lang.t("phone-absence-hint")) }
                    (line("absent_until", lang.t("phone-absent-until-label"), &input.absent_until, "datetime-local", None))
                    (text("absence_sv", lang.t("phone-in-swedish"), &input.absence_sv, 3))
                    (text("absence_en", lang.t("phone-in-english"), &input.absence_en, 3))
                }
                div.actions { button type="submit" { (lang.t("phone-save")) } }
            }
        },
    )
}

fn week(
    lang: Lang,
    weekdays: Option<kontakt_domain::catalog::phone::Span>,
    saturday: Option<kontakt_domain::catalog::phone::Span>,
    sunday: Option<kontakt_domain::catalog::phone::Span>,
) -> String {
    let show = |s: Option<kontakt_domain::catalog::phone::Span>| {
        s.map_or(lang.t("phone-closed"), |s| s.to_string())
    };
    format!(
        "{} {}, {} {}, {} {}",
        lang.t("phone-weekdays"),
        show(weekdays),
        lang.t("phone-saturday"),
        show(saturday),
        lang.t("phone-sunday"),
        show(sunday)
    )
}

fn group_of<'a>(state: &'a AppState, staff: &Staff, code: &str) -> Result<&'a Group, PageError> {
    managed(state, staff)?
        .into_iter()
        .find(|g| g.code == code)
        .ok_or_else(|| {
            PageError::Forbidden(format!(
                "only the team leaders of {code} (or an administrator) change its phone settings"
            ))
        })
}

#[derive(Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn group(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    axum::extract::Query(q): axum::extract::Query<SavedQuery>,
) -> Result<Markup, PageError> {
    let group = group_of(&state, &staff, &code)?;
    let input = state
        .phone
        .settings(&code)
        .await?
        .map(|s| s.settings.to_input())
        .unwrap_or_default();
    Ok(page(&state, &staff, group, &input, &[], q.saved.is_some()))
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    greeting_sv: String,
    #[serde(default)]
    greeting_en: String,
    #[serde(default)]
    weekdays: String,
    #[serde(default)]
    saturday: String,
    #[serde(default)]
    sunday: String,
    #[serde(default)]
    absence_sv: String,
    #[serde(default)]
    absence_en: String,
    #[serde(default)]
    absent_until: String,
}

pub async fn save(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(f): Form<SettingsForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &f.csrf).await?;
    let input = SettingsInput {
        greeting_sv: f.greeting_sv,
        greeting_en: f.greeting_en,
        weekdays: f.weekdays,
        saturday: f.saturday,
        sunday: f.sunday,
        absence_sv: f.absence_sv,
        absence_en: f.absence_en,
        absent_until: f.absent_until,
    };
    match state
        .phone
        .change_settings(&code, &input, &staff.actor, Utc::now())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/phone/groups/{code}?saved=1")).into_response()),
        Err(PhoneError::Invalid(errors)) => {
            let group = group_of(&state, &staff, &code)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&state, &staff, group, &input, &errors, false),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
