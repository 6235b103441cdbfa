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
use kontakt_app::phone::PhoneService;
use kontakt_app::switchboard::{AgentAction, Switchboard};
use kontakt_domain::access::Role;
use kontakt_domain::acd::AgentState;
use kontakt_domain::catalog::{Group, GroupKind};
use kontakt_domain::phone::{AnnouncementInput, SettingsInput};
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
    let mut numbers = Vec::new();
    if PhoneService::may_announce(&staff.actor) {
        for n in &state.phone.catalog().phone.numbers {
            numbers.push((n, state.phone.announcement(&n.number, now).await?));
        }
    }
    Ok(layout(
        lang,
        &lang.t("phone-title"),
        Some(&staff),
        html! {
            h1 { (lang.t("phone-title")) }
            @if !numbers.is_empty() {
                table {
                    caption { (lang.t("phone-announcements-caption")) }
                    thead { tr {
                        th scope="col" { (lang.t("phone-number")) }
                        th scope="col" { (lang.t("phone-announcement")) }
                    } }
                    tbody {
                        @for (n, a) in &numbers {
                            tr {
                                td { a href=(format!("/phone/numbers/{}", n.number)) { (pick(lang, &n.name_sv, &n.name_en)) " (" (n.number) ")" } }
                                td { @match a { Some(a) => { (a.text_sv) } None => { (lang.t("phone-no-announcement")) } } }
                            }
                        }
                    }
                }
            }
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
    kontakt_domain::calendar::stockholm_minute(t)
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

fn announcement_page(
    staff: &Staff,
    number: &kontakt_domain::catalog::phone::EntryPoint,
    input: &AnnouncementInput,
    errors: &[FieldError],
    saved: bool,
) -> Markup {
    let lang = staff.lang;
    let err = |f: &str| field_error(errors, f).map(str::to_owned);
    let name = format!(
        "{} ({})",
        pick(lang, &number.name_sv, &number.name_en),
        number.number
    );
    let text = |id: &'static str, label: String, value: &str| {
        html! {
            label for=(id) { (label) }
            textarea id=(id) name=(id) rows="4" aria-describedby=[err(id).map(|_| format!("{id}-error"))] { (value) }
            @if let Some(e) = err(id) { p.field-error id=(format!("{id}-error")) { (e) } }
        }
    };
    layout(
        lang,
        &lang.ta("phone-announcement-title", &[("name", &name)]),
        Some(staff),
        html! {
            p { a href="/phone" { "← " (lang.t("phone-title")) } }
            h1 { (lang.ta("phone-announcement-title", &[("name", &name)])) }
            @if saved { p.waiting role="status" { (lang.t("phone-saved")) } }
            @if !errors.is_empty() {
                div.error-summary role="alert" {
                    p { (lang.t("phone-not-saved")) }
                    ul { @for e in errors { li { (e.field) ": " (e.reason) } } }
                }
            }
            p { (lang.t("phone-announcement-intro")) }
            form method="post" action=(format!("/phone/numbers/{}", number.number)) {
                input type="hidden" name="csrf" value=(staff.session.session.csrf_token);
                fieldset {
                    legend { (lang.t("phone-announcement")) }
                    (text("text_sv", lang.t("phone-in-swedish"), &input.text_sv))
                    (text("text_en", lang.t("phone-in-english"), &input.text_en))
                    label for="until" { (lang.t("phone-announcement-until")) }
                    input id="until" name="until" type="datetime-local" value=(input.until)
                        aria-describedby=[err("until").map(|_| "until-error")];
                    @if let Some(e) = err("until") { p.field-error id="until-error" { (e) } }
                }
                div.actions { button type="submit" { (lang.t("phone-announcement-save")) } }
            }
        },
    )
}

fn entry_number<'a>(
    state: &'a AppState,
    staff: &Staff,
    number: &str,
) -> Result<&'a kontakt_domain::catalog::phone::EntryPoint, PageError> {
    if !PhoneService::may_announce(&staff.actor) {
        return Err(PageError::Forbidden(
            "only an administrator changes what every caller hears before the menu".into(),
        ));
    }
    state
        .phone
        .catalog()
        .phone
        .number(number)
        .ok_or(PageError::NotFound)
}

pub async fn number(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    axum::extract::Query(q): axum::extract::Query<SavedQuery>,
) -> Result<Markup, PageError> {
    let entry = entry_number(&state, &staff, &number)?;
    let input = state
        .phone
        .stored_announcement(&entry.number)
        .await?
        .and_then(|s| s.announcement)
        .map(|a| a.to_input())
        .unwrap_or_default();
    Ok(announcement_page(
        &staff,
        entry,
        &input,
        &[],
        q.saved.is_some(),
    ))
}

#[derive(Deserialize)]
pub struct AnnouncementForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text_sv: String,
    #[serde(default)]
    text_en: String,
    #[serde(default)]
    until: String,
}

pub async fn save_number(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    Form(f): Form<AnnouncementForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &f.csrf).await?;
    let input = AnnouncementInput {
        text_sv: f.text_sv,
        text_en: f.text_en,
        until: f.until,
    };
    match state
        .phone
        .change_announcement(&number, &input, &staff.actor, Utc::now())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/phone/numbers/{number}?saved=1")).into_response()),
        Err(PhoneError::Invalid(errors)) => {
            let entry = entry_number(&state, &staff, &number)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                announcement_page(&staff, entry, &input, &errors, false),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------
// The agent's phone at the desk: log in to the queues, ready, pause, log
// out; the screen pop when a call rings; the wallboard per answer group.
// ---------------------------------------------------------------------------

fn board(state: &AppState) -> Result<&std::sync::Arc<Switchboard>, PageError> {
    state.switchboard.as_ref().ok_or(PageError::NotFound)
}

/// The phone panel on an agent's start page (empty for everyone else).
pub async fn agent_panel(state: &AppState, staff: &Staff) -> Markup {
    let Some(board) = &state.switchboard else {
        return html! {};
    };
    let answers = staff.session.principal.groups.iter().any(|g| {
        state
            .cases
            .catalog()
            .group(g)
            .is_some_and(|g| matches!(g.kind, GroupKind::Answer { .. }))
    });
    if !answers {
        return html! {};
    }
    let lang = staff.lang;
    let csrf = &staff.session.session.csrf_token;
    let state_now = board.agent_state(&staff.actor).await;
    let callbacks = board.callbacks(&staff.session.principal.groups).await;
    let today =
        kontakt_domain::calendar::stockholm_midnight(kontakt_domain::calendar::stockholm_today());
    // Best effort on the start page: a store hiccup hides the list, not the page.
    let unlinked = board
        .unlinked_calls(&staff.actor, today)
        .await
        .unwrap_or_default();
    let button = |action: &str, label: String| {
        html! {
            form.inline method="post" action="/phone/agent" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="action" value=(action);
                button type="submit" { (label) }
            }
        }
    };
    let (word, call) = match &state_now {
        None | Some(AgentState::LoggedOut) => (lang.t("agent-logged-out"), None),
        Some(AgentState::Ready { .. }) => (lang.t("agent-ready"), None),
        Some(AgentState::Offered { call }) => (lang.t("agent-offered"), Some(call.clone())),
        Some(AgentState::OnCall { call }) => (lang.t("agent-on-call"), Some(call.clone())),
        Some(AgentState::WrapUp { .. }) => (lang.t("agent-wrap-up"), None),
        Some(AgentState::Paused { reason }) => {
            (lang.ta("agent-paused", &[("reason", reason)]), None)
        }
    };
    html! {
        section.phone-panel aria-labelledby="phone-panel" data-phone-events="/phone/events" {
            h2 #phone-panel { (lang.t("agent-phone")) ": " span #agent-state { (word) } }
            div #screen-pop aria-live="assertive" data-pop="/phone/calls/" data-ringing=(lang.t("agent-call-ringing")) {
                @if let Some(call) = &call {
                    a.button href=(format!("/phone/calls/{}", url_part(call))) { (lang.t("agent-show-call")) }
                }
            }
            @if !callbacks.is_empty() {
                p { (lang.ta("agent-callbacks", &[("count", &callbacks.len().to_string())])) }
                ul.callbacks {
                    @for (group, deadline) in callbacks.iter().take(5) {
                        li { (group) ": " (lang.ta("agent-callback-by", &[("time", &local(*deadline))])) }
                    }
                }
            }
            @if !unlinked.is_empty() {
                p { (lang.ta("agent-unlinked", &[("count", &unlinked.len().to_string())])) }
                ul.unlinked-calls {
                    @for (call, at) in &unlinked {
                        li { a href=(format!("/cases/new?call={}", url_part(call))) { (lang.ta("agent-unlinked-call", &[("time", &local(*at))])) } }
                    }
                }
            }
            div.actions {
                @match &state_now {
                    None | Some(AgentState::LoggedOut) => { (button("login", lang.t("agent-login"))) }
                    Some(AgentState::Paused { .. }) => {
                        (button("ready", lang.t("agent-ready-button")))
                        (button("logout", lang.t("agent-logout")))
                    }
                    Some(AgentState::WrapUp { .. }) => {
                        (button("wrap_up_done", lang.t("agent-wrap-up-done")))
                    }
                    Some(AgentState::Ready { .. }) => {
                        form.inline method="post" action="/phone/agent" {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="action" value="pause";
                            label for="pause-reason" { (lang.t("agent-pause-reason")) }
                            select #pause-reason name="reason" {
                                @for r in PAUSE_REASONS { option value=(r) { (lang.t(&format!("pause-{r}"))) } }
                            }
                            button type="submit" { (lang.t("agent-pause")) }
                        }
                        (button("logout", lang.t("agent-logout")))
                    }
                    Some(_) => {}
                }
            }
        }
    }
}

/// Why an agent pauses (kept short: the wallboard counts them).
const PAUSE_REASONS: &[&str] = &["break", "meeting", "training", "case_work", "other"];

#[derive(Deserialize)]
pub struct AgentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
}

pub async fn agent_action(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<AgentForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &f.csrf).await?;
    crate::desk::require_desk(&staff)?;
    let action = match f.action.as_str() {
        "login" => AgentAction::Login,
        "ready" => AgentAction::Ready,
        "pause" if PAUSE_REASONS.contains(&f.reason.as_str()) => AgentAction::Pause(f.reason),
        "pause" => {
            return Err(PageError::Invalid(format!(
                "Ange ett skäl till pausen: {}. (Give a reason for the pause.)",
                PAUSE_REASONS.join(", ")
            )))
        }
        "wrap_up_done" => AgentAction::WrapUpDone,
        "logout" => AgentAction::Logout,
        other => {
            return Err(PageError::Invalid(format!(
                "'{other}' är ingen åtgärd. (Not an action.)"
            )))
        }
    };
    board(&state)?
        .agent(&staff.actor, action, Utc::now())
        .await
        .map_err(|e| PageError::Invalid(e.to_string()))?;
    Ok(Redirect::to("/").into_response())
}

/// The screen pop: who calls (matched on the number, within what the agent
/// may see — an audited search) and their open cases, with quick
/// registration linked to the call. Only for a call ringing at or
/// answered by this agent.
pub async fn call_pop(
    State(state): State<AppState>,
    staff: Staff,
    Path(call): Path<String>,
) -> Result<Markup, PageError> {
    crate::desk::require_desk(&staff)?;
    let from = board(&state)?
        .caller(&staff.actor, &call)
        .await
        .ok_or(PageError::NotFound)?;
    let lang = staff.lang;
    let now = Utc::now();
    let phone = kontakt_domain::contact::PhoneNumber::parse(&from).ok();
    let cases = match &phone {
        Some(p) => {
            state
                .cases
                .list(
                    &kontakt_store::CaseFilter {
                        phone: Some(p.clone()),
                        limit: 20,
                        ..kontakt_store::CaseFilter::default()
                    },
                    &staff.actor,
                    now,
                )
                .await?
        }
        None => Vec::new(),
    };
    let open: Vec<_> = cases
        .iter()
        .filter(|c| c.status != kontakt_domain::case::Status::Closed)
        .collect();
    let catalog = state.cases.catalog();
    let shown = phone
        .as_ref()
        .map_or_else(|| lang.t("call-hidden-number"), |p| p.to_string());
    Ok(layout(
        lang,
        &lang.t("call-title"),
        Some(&staff),
        html! {
            div #call-pop data-phone-events="/phone/events" {
            h1 { (lang.ta("call-heading", &[("phone", &shown)])) }
            @if cases.is_empty() {
                p { (lang.t("call-no-cases")) }
            } @else {
                p { (lang.ta("call-cases", &[("count", &cases.len().to_string()), ("open", &open.len().to_string())])) }
                @if !open.is_empty() {
                    ul {
                        @for c in &open {
                            li {
                                a href=(format!("/cases/{}", c.number)) { (c.number) } " – "
                                (catalog.case_type(&c.case_type).map_or(c.case_type.as_str(), |t| crate::desk::type_name(lang, t)))
                                " "
                                form.inline method="post" action=(format!("/phone/calls/{}/link", url_part(&call))) {
                                    input type="hidden" name="csrf" value=(staff.session.session.csrf_token);
                                    input type="hidden" name="case" value=(c.number.to_string());
                                    button type="submit" { (lang.ta("call-link", &[("case", &c.number.to_string())])) }
                                }
                            }
                        }
                    }
                }
            }
            p { a.button href=(format!("/cases/new?call={}", url_part(&call))) { (lang.t("call-register")) } }
            form.dir-search method="get" action="/directory" role="search" {
                input type="hidden" name="call" value=(call);
                label for="call-directory-q" { (lang.t("call-directory")) }
                input #call-directory-q name="q" type="search" autocomplete="off";
                button type="submit" { (lang.t("dir-search")) }
            }
            }
        },
    ))
}

/// Live notices for this agent's desk (`offered`, `withdrawn`,
/// `connected` with the call id) and for wallboards (`queues`).
pub async fn events(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<
    axum::response::sse::Sse<
        impl futures_util::Stream<Item = Result<axum::response::sse::Event, std::convert::Infallible>>,
    >,
    PageError,
> {
    use axum::response::sse::{Event, KeepAlive, Sse};
    use kontakt_app::switchboard::Notice;
    let receiver = board(&state)?.subscribe();
    let me = kontakt_app::switchboard::agent_id(&staff.actor);
    let stream = futures_util::stream::unfold((receiver, me), |(mut receiver, me)| async move {
        loop {
            let event = match receiver.recv().await {
                Ok(Notice::Offered { agent, call, .. }) if agent == me => {
                    Event::default().event("offered").data(call)
                }
                Ok(Notice::Withdrawn { agent, call }) if agent == me => {
                    Event::default().event("withdrawn").data(call)
                }
                Ok(Notice::Connected { agent, call }) if agent == me => {
                    Event::default().event("connected").data(call)
                }
                Ok(Notice::Queues) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    Event::default().event("queues").data("changed")
                }
                Ok(_) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            };
            return Some((Ok(event), (receiver, me)));
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// The live wallboard of an answer group: for its agents, its team
/// leaders and administrators.
pub async fn wallboard(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
) -> Result<Markup, PageError> {
    let group = state
        .cases
        .catalog()
        .group(&code)
        .filter(|g| matches!(g.kind, GroupKind::Answer { .. }))
        .ok_or(PageError::NotFound)?;
    let member = staff.session.principal.groups.contains(&code);
    if !member && !staff.has(Role::Administrator) {
        return Err(PageError::Forbidden(format!(
            "the wallboard of {code} is for its agents and team leaders"
        )));
    }
    let snap = board(&state)?
        .snapshot(&code, Utc::now())
        .await
        .map_err(|e| PageError::Invalid(e.to_string()))?;
    let lang = staff.lang;
    let name = pick(lang, &group.name_sv, &group.name_en);
    let offered = snap.answered_today + snap.abandoned_today;
    let share = |n: u32| {
        if snap.answered_today == 0 {
            "–".to_owned()
        } else {
            format!(
                "{} %",
                (u64::from(n) * 100 + u64::from(snap.answered_today) / 2)
                    / u64::from(snap.answered_today)
            )
        }
    };
    let availability = if offered == 0 {
        "–".to_owned()
    } else {
        format!(
            "{} %",
            (u64::from(snap.answered_today) * 100 + u64::from(offered) / 2) / u64::from(offered)
        )
    };
    Ok(layout(
        lang,
        &lang.ta("wallboard-title", &[("name", &name)]),
        Some(&staff),
        html! {
            h1 { (lang.ta("wallboard-title", &[("name", &name)])) }
            div #wallboard data-phone-events="/phone/events" {
                dl.wallboard {
                    div { dt { (lang.t("wallboard-waiting")) } dd { (snap.waiting) } }
                    div { dt { (lang.t("wallboard-longest")) } dd { (minutes(snap.longest_wait_ms)) } }
                    div { dt { (lang.t("wallboard-callbacks")) } dd { (snap.callbacks_waiting) } }
                    div { dt { (lang.t("wallboard-ready")) } dd { (snap.agents.ready) } }
                    div { dt { (lang.t("wallboard-on-call")) } dd { (snap.agents.on_call + snap.agents.offered) } }
                    div { dt { (lang.t("wallboard-wrap-up")) } dd { (snap.agents.wrap_up) } }
                    div { dt { (lang.t("wallboard-paused")) } dd { (snap.agents.paused) } }
                    div { dt { (lang.t("wallboard-answered")) } dd { (snap.answered_today) } }
                    div { dt { (lang.t("wallboard-abandoned")) } dd { (snap.abandoned_today) } }
                    div { dt { (lang.t("wallboard-availability")) } dd { (availability) } }
                    @for (limit, n) in &snap.answered_within {
                        div { dt { (lang.ta("wallboard-within", &[("seconds", &(limit / 1000).to_string())])) } dd { (share(*n)) } }
                    }
                }
            }
        },
    ))
}

fn minutes(ms: u64) -> String {
    let s = ms / 1000;
    format!("{}:{:02}", s / 60, s % 60)
}

/// A call id as a URL part: phone systems choose the ids.
pub(crate) fn url_part(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    case: String,
}

/// The call is about a case the resident already has: the call record
/// names that case (every answered call ends as a case or linked to one),
/// and the agent goes to its card.
pub async fn link_call(
    State(state): State<AppState>,
    staff: Staff,
    Path(call): Path<String>,
    Form(f): Form<LinkForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &f.csrf).await?;
    crate::desk::require_desk(&staff)?;
    let number: kontakt_domain::case::CaseNumber = f.case.trim().parse().map_err(|_| {
        PageError::Invalid(format!(
            "'{}' är inget ärendenummer. (Not a case number.)",
            f.case
        ))
    })?;
    // The agent must be allowed to see the case (audited read).
    state
        .cases
        .read(&number.to_string(), &staff.actor, Utc::now())
        .await?;
    board(&state)?
        .link_case(&staff.actor, &call, number)
        .await
        .map_err(|e| PageError::Invalid(e.to_string()))?;
    Ok(Redirect::to(&format!("/cases/{number}")).into_response())
}
