//! The agents' and officers' desktop: the start page's queues, quick
//! registration (snabbregistrering), the case card with note, status and
//! hand-over, and search. Every read and change goes through
//! `CaseService`, so access rules and auditing are the API's own; these
//! handlers only turn forms into requests and records into HTML.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use base64::Engine;
use chrono::Utc;
use kontakt_app::cases::{
    CaseError, ContactInput, EntryRequest, FieldError, HandoverRequest, HandoverResponseRequest,
    IntakeRequest, StatusRequest,
};
use kontakt_domain::access::Role;
use kontakt_domain::case::{Channel, EntryBody, Status};
use kontakt_domain::catalog::{FieldKind, GroupKind};
use kontakt_store::{CaseFilter, CaseSummary};
use maud::{html, Markup};
use serde::Deserialize;

use crate::i18n::Lang;
use crate::pages::{layout, PageError};
use crate::session::Staff;
use crate::views::CaseView;
use crate::AppState;

/// Roles that work with cases at the desk.
pub const DESK_ROLES: &[Role] = &[Role::AgentL1, Role::AgentL2, Role::Officer, Role::Registrar];

pub fn require_desk(staff: &Staff) -> Result<(), PageError> {
    if DESK_ROLES.iter().any(|r| staff.has(*r)) {
        Ok(())
    } else {
        Err(PageError::Forbidden(
            "the desk is for agents, officers and registrars".into(),
        ))
    }
}

fn status_name(lang: Lang, status: &str) -> String {
    match status {
        "registered" => lang.t("status-registered"),
        "in_progress" => lang.t("status-in-progress"),
        "waiting_for_resident" => lang.t("status-waiting-for-resident"),
        "handed_over" => lang.t("status-handed-over"),
        "closed" => lang.t("status-closed"),
        _ => lang.t("status-unknown"),
    }
}

fn resolution_name(lang: Lang, resolution: &str) -> String {
    match resolution {
        "answered_at_first_contact" => lang.t("resolution-first-contact"),
        "resolved_in_centre" => lang.t("resolution-in-centre"),
        "handed_over" => lang.t("resolution-handed-over"),
        "referred_elsewhere" => lang.t("resolution-referred"),
        _ => lang.t("resolution-unknown"),
    }
}

pub(crate) fn channel_name(lang: Lang, c: Channel) -> String {
    match c {
        Channel::Phone => lang.t("channel-phone"),
        Channel::Email => lang.t("channel-email"),
        Channel::Sms => lang.t("channel-sms"),
        Channel::EService => lang.t("channel-e-service"),
        Channel::Letter => lang.t("channel-letter"),
        Channel::Visit => lang.t("channel-visit"),
        Channel::SocialMedia => lang.t("channel-social-media"),
        Channel::Chat => lang.t("channel-chat"),
        Channel::Open311 => lang.t("channel-open311"),
    }
}

/// A channel's name from its word (as views carry it), the word itself if unknown.
/// Where a message to the resident stands, in words (not by colour).
fn message_state(lang: Lang, state: &str) -> String {
    match state {
        "queued" => lang.t("message-state-queued"),
        "sent" => lang.t("message-state-sent"),
        "delivered" => lang.t("message-state-delivered"),
        "failed" => lang.t("message-state-failed"),
        other => other.to_owned(),
    }
}

fn channel_word(lang: Lang, word: &str) -> String {
    Channel::parse(word).map_or_else(|| word.to_owned(), |c| channel_name(lang, c))
}

/// The catalog's two names: the one for the page's language.
pub(crate) fn pick<'a>(lang: Lang, sv: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::En if !en.is_empty() => en,
        _ => sv,
    }
}

pub(crate) fn type_name(lang: Lang, t: &kontakt_domain::catalog::CaseType) -> &str {
    pick(lang, &t.name_sv, &t.name_en)
}

pub(crate) fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} kB", b.div_ceil(1024)),
        b => format!("{b} byte"),
    }
}

/// A form field's value as the agent reads it: choices by their label.
fn form_value(
    lang: Lang,
    field: &kontakt_domain::catalog::FormField,
    value: Option<&serde_json::Value>,
) -> String {
    let label = |key: &str| match &field.kind {
        FieldKind::Choice { choices } | FieldKind::MultiChoice { choices } => choices
            .iter()
            .find(|c| c.key == key)
            .map_or(key.to_owned(), |c| {
                pick(lang, &c.label_sv, &c.label_en).to_owned()
            }),
        _ => key.to_owned(),
    };
    match value {
        None | Some(serde_json::Value::Null) => "–".to_owned(),
        Some(serde_json::Value::String(s)) => label(s),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str())
            .map(label)
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}

/// What happened, in words for the timeline.
fn entry_kind(lang: Lang, body: &EntryBody) -> String {
    match body {
        EntryBody::Registered { .. } => lang.t("entry-registered"),
        EntryBody::Note { .. } => lang.t("entry-note"),
        EntryBody::MessageIn { .. } => lang.t("entry-message-in"),
        EntryBody::MessageOut { .. } => lang.t("entry-message-out"),
        EntryBody::Attachment { .. } => lang.t("entry-attachment"),
        EntryBody::StatusChanged { .. } => lang.t("entry-status-changed"),
        EntryBody::HandedOver { .. } => lang.t("entry-handed-over"),
        EntryBody::Linked { .. } => lang.t("entry-linked"),
        EntryBody::Correction { .. } => lang.t("entry-correction"),
        EntryBody::FeedbackDeadlineChanged { .. } => lang.t("entry-deadline-changed"),
        EntryBody::HandoverAccepted { .. } => lang.t("entry-handover-accepted"),
        EntryBody::InfoRequested { .. } => lang.t("entry-info-requested"),
        EntryBody::HandoverReturned { .. } => lang.t("entry-handover-returned"),
        EntryBody::FeedbackChannelChanged { .. } => lang.t("entry-feedback-channel-changed"),
        EntryBody::CallbackRequested { .. } => lang.t("entry-callback-requested"),
    }
}

fn summary_row(state: &AppState, lang: Lang, c: &CaseSummary) -> Markup {
    let catalog = state.cases.catalog();
    let type_name = catalog
        .case_type(&c.case_type)
        .map_or(c.case_type.as_str(), |t| type_name(lang, t));
    let overdue = c.feedback_deadline.is_some_and(|d| {
        d < kontakt_domain::calendar::stockholm_today() && c.status != Status::Closed
    });
    html! {
        tr {
            td { a href=(format!("/cases/{}", c.number)) { (c.number.to_string()) } }
            td { (type_name) }
            td { (status_name(lang, c.status.as_str())) }
            td { (c.district.as_deref().and_then(|d| catalog.district(d)).map_or("–", |d| d.name.as_str())) }
            td {
                @if let Some(d) = c.feedback_deadline {
                    @if overdue { strong.error { (d) " (" (lang.t("overdue")) ")" } } @else { (d) }
                } @else { "–" }
            }
        }
    }
}

fn case_table(state: &AppState, lang: Lang, cases: &[CaseSummary], caption: &str) -> Markup {
    html! {
        table {
            caption { (caption) }
            thead { tr {
                th scope="col" { (lang.t("col-case")) } th scope="col" { (lang.t("col-type")) } th scope="col" { (lang.t("col-status")) }
                th scope="col" { (lang.t("col-district")) } th scope="col" { (lang.t("col-deadline")) }
            } }
            tbody {
                @for c in cases { (summary_row(state, lang, c)) }
                @if cases.is_empty() { tr { td colspan="5" { (lang.t("table-empty")) } } }
            }
        }
    }
}

/// The start page's work: the user's groups' queues and deadlines due.
pub async fn start_page_work(state: &AppState, staff: &Staff) -> Result<Markup, PageError> {
    if require_desk(staff).is_err() {
        return Ok(html! {});
    }
    let now = Utc::now();
    let today = kontakt_domain::calendar::stockholm_today();
    let mut queues = Vec::new();
    for group in &staff.session.principal.groups {
        let filter = CaseFilter {
            assignee_group: Some(group.clone()),
            limit: 200,
            ..CaseFilter::default()
        };
        let cases: Vec<CaseSummary> = state
            .cases
            .list(&filter, &staff.actor, now)
            .await?
            .into_iter()
            .filter(|c| c.status != Status::Closed)
            .collect();
        queues.push((group.clone(), cases));
    }
    // Only an officer accepts hand-overs, so only an officer has cases of
    // their own; for everyone else the (audited) search would be wasted.
    let mine: Vec<CaseSummary> = if !staff.has(Role::Officer) {
        Vec::new()
    } else {
        state
            .cases
            .list(
                &CaseFilter {
                    assignee_person: Some(staff.actor.id.clone()),
                    limit: 100,
                    ..CaseFilter::default()
                },
                &staff.actor,
                now,
            )
            .await?
            .into_iter()
            .filter(|c| c.status != Status::Closed)
            .collect()
    };
    // Messages that did not reach the resident in the last two weeks, for
    // the agents to reach them another way (the card says why).
    let undelivered: Vec<CaseSummary> = if staff.has(Role::AgentL1) || staff.has(Role::AgentL2) {
        state
            .cases
            .list(
                &CaseFilter {
                    message_failed_since: Some(now - chrono::Duration::days(14)),
                    limit: 50,
                    ..CaseFilter::default()
                },
                &staff.actor,
                now,
            )
            .await?
    } else {
        Vec::new()
    };
    // Mail that could not become a case by itself waits for an agent.
    let set_aside = kontakt_app::set_aside::SetAsideMail::new(state.cases.clone())
        .count(&staff.actor)
        .await?;
    let phone_panel = crate::phone::agent_panel(state, staff).await;
    let catalog = state.cases.catalog();
    let lang = staff.lang;
    Ok(html! {
        (phone_panel)
        p { a.button href="/cases/new" { (lang.t("desk-new-button")) } " "
            a.button href="/search" { (lang.t("desk-search-button")) } }
        @if set_aside > 0 {
            p.waiting role="status" { a href="/mail/set-aside" { (lang.ta("desk-set-aside", &[("count", &set_aside.to_string())])) } }
        }
        div #queues data-live="/events" {
        @if staff.has(Role::Officer) {
            section aria-labelledby="mine" {
                h2 #mine { (lang.t("desk-mine")) " " span.count { "(" (mine.len()) ")" } }
                (case_table(state, lang, &mine, &lang.t("desk-mine-caption")))
            }
        }
        @if !undelivered.is_empty() {
            section aria-labelledby="undelivered" {
                h2 #undelivered { (lang.t("desk-undelivered")) " " span.count { "(" (undelivered.len()) ")" } }
                (case_table(state, lang, &undelivered, &lang.t("desk-undelivered-caption")))
            }
        }
        @for (group, cases) in &queues {
            @let name = catalog.group(group).map_or(group.as_str(), |g| pick(lang, &g.name_sv, &g.name_en));
            @let due: Vec<CaseSummary> = cases.iter().filter(|c| c.feedback_deadline.is_some_and(|d| d <= today)).cloned().collect();
            @let oldest = cases.iter().map(|c| c.created_at).min();
            @let open = format!("{}{}", cases.len(), if cases.len() >= 200 { "+" } else { "" });
            section aria-labelledby=(format!("q-{group}")) {
                h2 id=(format!("q-{group}")) { (lang.ta("desk-queue", &[("name", &name)])) " " span.count { "(" (lang.ta("desk-queue-open", &[("count", &open)])) ")" } }
                @if let Some(o) = oldest {
                    p { (lang.ta("desk-oldest", &[("time", &kontakt_domain::calendar::stockholm_local(o).format("%Y-%m-%d %H:%M"))])) }
                }
                @if !due.is_empty() {
                    (case_table(state, lang, &due, &lang.t("desk-due-caption")))
                }
                (case_table(state, lang, &cases.iter().take(25).cloned().collect::<Vec<_>>(), &lang.t("desk-latest-caption")))
            }
        }
        }
    })
}

#[derive(Deserialize, Default, Clone)]
pub struct QuickForm {
    #[serde(default)]
    pub(crate) csrf: String,
    #[serde(default)]
    pub(crate) case_type: String,
    #[serde(default)]
    pub(crate) district: String,
    #[serde(default)]
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) personnummer: String,
    #[serde(default)]
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) phone: String,
    /// Only where a mail is registered (set-aside mail).
    #[serde(default)]
    pub(crate) email: String,
    /// The phone call being registered (from the screen pop), linked to
    /// the case when it is saved.
    #[serde(default)]
    pub(crate) call: String,
    #[serde(default)]
    pub(crate) feedback_channel: String,
    #[serde(default)]
    pub(crate) action: String,
    /// The case type's form fields (`form.<code>` in the posted form).
    #[serde(skip)]
    pub(crate) form: serde_json::Map<String, serde_json::Value>,
}

impl QuickForm {
    /// Reads the posted pairs: the fixed fields by name, the case type's
    /// form fields from `form.<code>` (a multiple choice may repeat).
    pub(crate) fn from_pairs(
        pairs: Vec<(String, String)>,
        catalog: &kontakt_domain::catalog::Catalog,
    ) -> Self {
        let mut q = QuickForm::default();
        let mut form_pairs = Vec::new();
        for (name, value) in pairs {
            match name.as_str() {
                "csrf" => q.csrf = value,
                "case_type" => q.case_type = value,
                "district" => q.district = value,
                "description" => q.description = value,
                "personnummer" => q.personnummer = value,
                "name" => q.name = value,
                "phone" => q.phone = value,
                "email" => q.email = value,
                "call" => q.call = value,
                "feedback_channel" => q.feedback_channel = value,
                "action" => q.action = value,
                _ => {
                    if let Some(code) = name.strip_prefix("form.") {
                        form_pairs.push((code.to_owned(), value));
                    }
                }
            }
        }
        q.form = form_values(catalog.case_type(q.case_type.trim()), form_pairs);
        q
    }
}

/// The values of a case type's form fields from posted `form.<code>`
/// pairs (code, value); a multiple choice may repeat.
pub(crate) fn form_values(
    case_type: Option<&kontakt_domain::catalog::CaseType>,
    form_pairs: Vec<(String, String)>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut form = serde_json::Map::new();
    {
        let fields = case_type.map(|t| t.fields.as_slice()).unwrap_or_default();
        for (code, value) in form_pairs {
            let multi = fields
                .iter()
                .any(|f| f.code == code && matches!(f.kind, FieldKind::MultiChoice { .. }));
            if multi {
                let entry = form
                    .entry(code)
                    .or_insert_with(|| serde_json::Value::Array(Vec::new()));
                if let serde_json::Value::Array(items) = entry {
                    items.push(serde_json::Value::String(value));
                }
            } else if !value.trim().is_empty() {
                form.insert(code, serde_json::Value::String(value));
            }
        }
    }
    form
}

/// The case type's guidance and form fields, for quick registration (also
/// fetched by desk.js when the agent picks a type).
/// The case type's guidance in the page's language (Swedish if untranslated).
fn guidance(lang: Lang, t: &kontakt_domain::catalog::CaseType) -> Option<&str> {
    match lang {
        Lang::En => t.guidance_en.as_deref().or(t.guidance_sv.as_deref()),
        Lang::Sv => t.guidance_sv.as_deref(),
    }
}

pub(crate) fn type_fields(
    lang: Lang,
    case_type: Option<&kontakt_domain::catalog::CaseType>,
    values: &serde_json::Map<String, serde_json::Value>,
    errors: &[FieldError],
) -> Markup {
    let Some(t) = case_type else {
        return html! {};
    };
    html! {
        @if let Some(g) = guidance(lang, t) {
            aside.guidance { h2 { (lang.ta("quick-guidance", &[("type", &type_name(lang, t))])) } p { (g) } }
        }
        (form_fields(lang, t, values, errors))
    }
}

/// The case type's form fields as inputs named `form.<code>`, with their
/// errors; shared by quick registration and the public e-services.
pub(crate) fn form_fields(
    lang: Lang,
    t: &kontakt_domain::catalog::CaseType,
    values: &serde_json::Map<String, serde_json::Value>,
    errors: &[FieldError],
) -> Markup {
    html! {
        @if !t.fields.is_empty() {
            fieldset {
                legend { (lang.ta("quick-fields-legend", &[("type", &type_name(lang, t))])) }
                @for f in &t.fields {
                    @let id = format!("form-{}", f.code);
                    @let name = format!("form.{}", f.code);
                    @let value = values.get(&f.code);
                    @let text = value.and_then(|v| v.as_str()).unwrap_or("");
                    @let error = field_error(errors, &format!("form.{}", f.code));
                    @let described = error.map(|_| format!("{id}-error"));
                    @match &f.kind {
                        FieldKind::MultiChoice { choices } => {
                            fieldset.choices aria-describedby=[described.as_deref()] {
                                legend { (pick(lang, &f.label_sv, &f.label_en)) @if f.required { " (" (lang.t("required")) ")" } }
                                @for c in choices {
                                    @let checked = value.and_then(|v| v.as_array()).is_some_and(|a| a.iter().any(|x| x.as_str() == Some(c.key.as_str())));
                                    label.check {
                                        input type="checkbox" name=(name) value=(c.key) checked[checked];
                                        " " (pick(lang, &c.label_sv, &c.label_en))
                                    }
                                }
                            }
                        }
                        kind => {
                            label for=(id) { (pick(lang, &f.label_sv, &f.label_en)) @if f.required { " (" (lang.t("required")) ")" } }
                            @match kind {
                                FieldKind::Choice { choices } => {
                                    select id=(id) name=(name) required[f.required] aria-describedby=[described.as_deref()] {
                                        option value="" { "(" (lang.t("choose")) ")" }
                                        @for c in choices {
                                            option value=(c.key) selected[text == c.key] { (pick(lang, &c.label_sv, &c.label_en)) }
                                        }
                                    }
                                }
                                FieldKind::Date => {
                                    input id=(id) name=(name) type="date" value=(text) required[f.required] aria-describedby=[described.as_deref()];
                                }
                                FieldKind::Number => {
                                    input id=(id) name=(name) inputmode="decimal" value=(value.map(|v| v.to_string().trim_matches('"').to_owned()).unwrap_or_default()) required[f.required] aria-describedby=[described.as_deref()];
                                }
                                FieldKind::Text { max_length } => {
                                    input id=(id) name=(name) value=(text) maxlength=(max_length) required[f.required] aria-describedby=[described.as_deref()];
                                }
                                FieldKind::MultiChoice { .. } => {}
                            }
                        }
                    }
                    @if let Some(e) = error { p.field-error id=(format!("{id}-error")) { (e) } }
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct PersonLookupQuery {
    #[serde(default)]
    person: String,
}

/// Quick registration's look-up of a caller by personnummer or phone: the
/// contacts the agent may see (an audited search), and the details as the
/// latest of them recorded them (an audited read, within the agreement).
pub async fn quick_person(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<PersonLookupQuery>,
) -> Result<Markup, PageError> {
    require_desk(&staff)?;
    let mut filter = CaseFilter {
        limit: 20,
        ..CaseFilter::default()
    };
    match person_query(staff.lang, &q.person) {
        Ok(PersonQuery::Personnummer(p)) => filter.personnummer = Some(p),
        Ok(PersonQuery::Phone(p)) => filter.phone = Some(p),
        // A name is not an identifier: many residents share one. The
        // search page lists their cases instead.
        Ok(PersonQuery::Name(_)) | Err(_) => return Ok(html! {}),
    }
    let now = Utc::now();
    let found = state.cases.list(&filter, &staff.actor, now).await?;
    let Some(latest) = found.first() else {
        return Ok(html! { p.lookup { (staff.lang.t("lookup-none")) } });
    };
    let case = state
        .cases
        .read(&latest.number.to_string(), &staff.actor, now)
        .await?;
    let view = CaseView::new(
        &case,
        state.cases.catalog(),
        staff.session.principal.protected_identity,
    );
    let p = &view.contact;
    let lang = staff.lang;
    Ok(html! {
        div.lookup {
            p {
                strong { (lang.t("lookup-found")) " " }
                (p.name.as_deref().map_or_else(|| lang.t("lookup-no-name"), str::to_owned))
                @if let Some(phone) = &p.phone { " · " (phone) }
                " – " (lang.ta("lookup-cases", &[("count", &format!("{}{}", found.len(), if found.len() >= 20 { "+" } else { "" }))])) " "
                a href=(format!("/cases/{}", view.number)) target="_blank" rel="noopener" { (view.number) }
                "."
            }
            @if !p.protected_identity {
                button.use-person type="button" data-name=[p.name.as_deref()] data-phone=[p.phone.as_deref()] { (lang.t("lookup-use")) }
            }
        }
    })
}

#[derive(Deserialize)]
pub struct FieldsQuery {
    #[serde(default)]
    case_type: String,
    #[serde(default)]
    district: String,
}

/// The fragment desk.js swaps in when the agent picks a case type.
pub async fn quick_fields(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<FieldsQuery>,
) -> Result<Markup, PageError> {
    require_desk(&staff)?;
    let catalog = state.cases.catalog();
    let district = Some(q.district.trim()).filter(|d| !d.is_empty());
    let articles =
        crate::knowledge::linked_articles(&state, &staff, q.case_type.trim(), district).await;
    Ok(html! {
        (type_fields(
            staff.lang,
            catalog.case_type(q.case_type.trim()),
            &serde_json::Map::new(),
            &[],
        ))
        (articles)
    })
}

pub(crate) fn field_error<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.field == field || e.field.starts_with(&format!("{field}.")))
        .map(|e| e.reason.as_str())
}

fn quick_page(state: &AppState, staff: &Staff, form: &QuickForm, errors: &[FieldError]) -> Markup {
    let catalog = state.cases.catalog();
    let csrf = &staff.session.session.csrf_token;
    let lang = staff.lang;
    let err = |f: &str| field_error(errors, f).map(str::to_owned);
    let contact_err = err("contact");
    layout(
        lang,
        &lang.t("quick-title"),
        Some(staff),
        html! {
            h1 { (lang.t("quick-title")) }
            @if !errors.is_empty() {
                div.error-summary role="alert" {
                    p { (lang.t("quick-not-saved")) }
                    ul { @for e in errors { li { (e.field) ": " (e.reason) } } }
                }
            }
            form method="post" action="/cases/new" {
                input type="hidden" name="csrf" value=(csrf);
                @if !form.call.is_empty() {
                    input type="hidden" name="call" value=(form.call);
                    p.waiting role="status" { (lang.ta("quick-from-call", &[("phone", &form.phone)])) }
                }
                (case_fields(catalog, lang, form, errors, 4, true))
                fieldset {
                    legend { (lang.t("quick-resident")) }
                    label for="personnummer" { (lang.t("personnummer")) }
                    input #personnummer name="personnummer" value=(form.personnummer) inputmode="numeric" autocomplete="off";
                    label for="name" { (lang.t("name")) }
                    input #name name="name" value=(form.name) autocomplete="off";
                    label for="phone" { (lang.t("phone")) }
                    input #phone name="phone" value=(form.phone) inputmode="tel" autocomplete="off";
                    @if let Some(e) = contact_err { p.field-error { (e) } }
                    div #person-lookup data-lookup="/cases/new/person" aria-live="polite" {}
                    label for="feedback_channel" { (lang.t("feedback-via")) }
                    select #feedback_channel name="feedback_channel" {
                        option value="" selected[form.feedback_channel.is_empty()] { "(" (lang.t("none")) ")" }
                        @for c in [Channel::Phone, Channel::Sms, Channel::Email, Channel::Letter] {
                            option value=(c.as_str()) selected[c.as_str() == form.feedback_channel] { (channel_name(lang, c)) }
                        }
                    }
                    @if let Some(e) = err("feedback_channel") { p.field-error { (e) } }
                }
                div.actions {
                    button type="submit" name="action" value="close" { (lang.t("quick-save-close")) }
                    " "
                    button type="submit" name="action" value="open" { (lang.t("quick-save-open")) }
                }
            }
        },
    )
}

/// The case's own fields, shared by quick registration and the
/// registration of set-aside mail: the type (with its synonyms to search
/// by), the district, the description and the type's form fields.
pub(crate) fn case_fields(
    catalog: &kontakt_domain::catalog::Catalog,
    lang: Lang,
    form: &QuickForm,
    errors: &[FieldError],
    description_rows: u8,
    autofocus: bool,
) -> Markup {
    let err = |f: &str| field_error(errors, f).map(str::to_owned);
    html! {
        label for="case_type" { (lang.t("quick-case-type")) }
        input #case_type name="case_type" list="case-types" value=(form.case_type) required autofocus[autofocus]
            autocomplete="off" aria-describedby=[err("case_type").map(|_| "case_type-error")];
        @if let Some(e) = err("case_type") { p.field-error #case_type-error { (e) } }
        datalist #case-types {
            @for t in &catalog.case_types {
                option value=(t.code) { (type_name(lang, t)) @if !t.synonyms.is_empty() { " – " (t.synonyms.join(", ")) } }
            }
        }
        label for="district" { (lang.t("col-district")) }
        select #district name="district" {
            option value="" { "(" (lang.t("none")) ")" }
            @for d in &catalog.districts {
                option value=(d.code) selected[d.code == form.district] { (d.name) }
            }
        }
        @if let Some(e) = err("district") { p.field-error { (e) } }
        label for="description" { (lang.t("quick-description")) }
        textarea #description name="description" rows=(description_rows) required aria-describedby=[err("description").map(|_| "description-error")] { (form.description) }
        @if let Some(e) = err("description") { p.field-error #description-error { (e) } }
        div #type-fields data-fields="/cases/new/fields" aria-live="polite" {
            (type_fields(lang, catalog.case_type(form.case_type.trim()), &form.form, errors))
        }
    }
}

/// Quick registration can start from a phone call (the screen pop): the
/// call is linked to the case, and the caller's number filled in.
#[derive(Deserialize, Default)]
pub struct QuickPrefill {
    #[serde(default)]
    call: String,
    /// A case type to start with (the crisis banner's link).
    #[serde(default)]
    case_type: String,
}

pub async fn quick_form(
    State(state): State<AppState>,
    staff: Staff,
    Query(prefill): Query<QuickPrefill>,
) -> Result<Markup, PageError> {
    require_desk(&staff)?;
    let mut form = QuickForm::default();
    if state
        .cases
        .catalog()
        .case_type(prefill.case_type.trim())
        .is_some()
    {
        form.case_type = prefill.case_type.trim().to_owned();
    }
    if let Some(board) = &state.switchboard {
        if let Some(from) = board.caller(&staff.actor, &prefill.call).await {
            form.call = prefill.call;
            // A withheld number ("anonymous") is no number to fill in.
            if kontakt_domain::contact::PhoneNumber::parse(&from).is_ok() {
                form.phone = from;
            }
            form.feedback_channel = Channel::Phone.as_str().into();
        }
    }
    Ok(quick_page(&state, &staff, &form, &[]))
}

pub(crate) fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

pub async fn quick_register(
    State(state): State<AppState>,
    staff: Staff,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = QuickForm::from_pairs(pairs, state.cases.catalog());
    staff.check_csrf(&state, &form.csrf).await?;
    require_desk(&staff)?;
    let contact = ContactInput {
        name: non_empty(&form.name),
        personnummer: non_empty(&form.personnummer),
        phone: non_empty(&form.phone),
        ..ContactInput::default()
    };
    let has_contact =
        contact.name.is_some() || contact.personnummer.is_some() || contact.phone.is_some();
    let request = IntakeRequest {
        case_type: non_empty(&form.case_type),
        channel: Channel::Phone.as_str().to_owned(),
        description: form.description.clone(),
        district: non_empty(&form.district),
        contact: has_contact.then_some(contact),
        anonymous: false,
        feedback_channel: non_empty(&form.feedback_channel),
        form: form.form.clone(),
        attach_to: None,
        close_as: (form.action != "open").then(|| "answered_at_first_contact".to_owned()),
        received_at: None,
    };
    let registered = state.cases.intake(request, &staff.actor, Utc::now()).await;
    if let (Ok(intake), Some(board), false) =
        (&registered, &state.switchboard, form.call.is_empty())
    {
        // Every answered call ends as a case: the call record names it.
        if let Err(e) = board
            .link_case(&staff.actor, &form.call, intake.number)
            .await
        {
            tracing::warn!(error = %e, "the call could not be linked to its case");
        }
    }
    match registered {
        Ok(intake) if form.action == "open" => {
            Ok(Redirect::to(&format!("/cases/{}", intake.number)).into_response())
        }
        Ok(intake) => Ok(Redirect::to(&format!("/?registered={}", intake.number)).into_response()),
        Err(CaseError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            quick_page(&state, &staff, &form, &errors),
        )
            .into_response()),
        Err(CaseError::Rule(rule)) => {
            let errors = vec![FieldError {
                field: rule.field().into(),
                reason: rule.to_string(),
            }];
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                quick_page(&state, &staff, &form, &errors),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn case_page(
    state: &AppState,
    staff: &Staff,
    c: &CaseView,
    message: Option<Markup>,
    articles: Markup,
) -> Markup {
    let catalog = state.cases.catalog();
    let csrf = &staff.session.session.csrf_token;
    let case_type = catalog.case_type(&c.case_type);
    let officer_groups: Vec<_> = catalog
        .groups
        .iter()
        .filter(|g| matches!(&g.kind, GroupKind::Officer { board } if *board == c.board))
        .collect();
    // The officer group the case is handed to, if the viewer belongs to it:
    // then the card offers the officer's answers instead of the centre's tools.
    let my_officer_group = c.assignee.group.as_deref().filter(|g| {
        staff.session.principal.groups.iter().any(|m| m == g)
            && matches!(
                catalog.group(g).map(|g| &g.kind),
                Some(GroupKind::Officer { .. })
            )
    });
    // What the officer last did with a hand-over, when it came back to the centre.
    let came_back = c
        .entries
        .iter()
        .rev()
        .find_map(|e| match &e.body {
            EntryBody::HandedOver { .. } => Some(None),
            EntryBody::InfoRequested { question, .. } => Some(Some((
                "card-came-back-question",
                question,
                e.author.as_str(),
            ))),
            EntryBody::HandoverReturned { reason, .. } => {
                Some(Some(("card-came-back-returned", reason, e.author.as_str())))
            }
            _ => None,
        })
        .flatten();
    // Hand back to the group that handed it to us before, else the type's group.
    let default_group = c
        .entries
        .iter()
        .rev()
        .find_map(|e| match &e.body {
            EntryBody::HandedOver { group, .. } => Some(group.clone()),
            _ => None,
        })
        .or_else(|| case_type.and_then(|t| t.handover_group.clone()));
    let base = format!("/cases/{}", c.number);
    let lang = staff.lang;
    let case_type_name = case_type.map_or(c.case_type.as_str(), |t| type_name(lang, t));
    let board_name = catalog
        .board(&c.board)
        .map_or(c.board.as_str(), |b| pick(lang, &b.name_sv, &b.name_en));
    let group_name = |g: &str| {
        catalog.group(g).map_or(g.to_owned(), |g| {
            pick(lang, &g.name_sv, &g.name_en).to_owned()
        })
    };
    // Phone first: with no feedback channel chosen, a reply is recorded
    // (said on the phone), not sent to an address the case may not have.
    let feedback_channels = [
        Channel::Phone,
        Channel::Email,
        Channel::Sms,
        Channel::Letter,
    ];
    layout(
        lang,
        &c.number,
        Some(staff),
        html! {
            h1 { (c.number) " – " (case_type_name) }
            @if let Some(m) = message { div.message role="status" { (m) } }
            dl.facts {
                dt { (lang.t("col-status")) } dd { (status_name(lang, &c.status)) @if let Some(r) = &c.resolution { " (" (resolution_name(lang, r)) ")" } }
                dt { (lang.t("card-board")) } dd { (board_name) }
                dt { (lang.t("col-district")) } dd { (c.district_name.as_deref().unwrap_or("–")) }
                dt { (lang.t("card-channel")) } dd { (channel_word(lang, &c.channel)) }
                dt { (lang.t("col-deadline")) } dd { (c.feedback_deadline.map_or("–".to_owned(), |d| d.to_string())) " " (lang.t("via")) " " (c.feedback_channel.as_deref().map_or("–".to_owned(), |f| channel_word(lang, f))) }
                dt { (lang.t("card-assigned")) }
                dd {
                    (c.assignee.group.as_deref().map_or("–".to_owned(), group_name))
                    @if let Some(g) = c.assignee.group.as_deref() { " " a href=(format!("/directory/groups/{}", crate::phone::url_part(g))) { (lang.t("card-in-directory")) } }
                }
                dt { (lang.t("card-resident")) } dd {
                    @if c.contact.protected_identity && c.contact.name.as_deref() == Some(crate::views::PROTECTED_NAME) {
                        strong { (crate::views::PROTECTED_NAME) }
                    } @else {
                        (c.contact.name.as_deref().unwrap_or("–"))
                        @if let Some(p) = &c.contact.personnummer { " · " (p) }
                        @if let Some(p) = &c.contact.phone { " · " (p) }
                        // The language the resident chose on Mina sidor or
                        // in an e-service: what to answer in, and whom to
                        // route their calls to.
                        @if let Some(code) = &c.contact.preferred_language {
                            @let name = crate::i18n::ResidentLang::parse(code).map_or(code.clone(), |l| format!("{} ({code})", l.endonym()));
                            " · " (lang.ta("card-language", &[("language", &name)]))
                        }
                        @if c.contact.kind == "person" { " · " a href=(format!("/cases/{}/person", c.number)) { (lang.t("card-history")) } }
                        " · " a href=(format!("/cases/{}/resident-view", c.number)) { (lang.t("card-resident-view")) }
                    }
                }
            }
            @if let (Some((what, text, who)), None) = (came_back, my_officer_group) {
                @if c.status != "closed" && c.status != "handed_over" {
                    div.callout role="note" {
                        h2 { (lang.t(what)) }
                        p { (text) } p.author { "– " (who) }
                    }
                }
            }
            h2 { (lang.t("card-description")) }
            p.description { (c.description) }
            @if let Some(t) = case_type.filter(|t| !t.fields.is_empty()) {
                h2 { (lang.t("card-fields")) }
                dl.facts {
                    @for f in &t.fields {
                        dt { (pick(lang, &f.label_sv, &f.label_en)) }
                        dd { (form_value(lang, f, c.form.get(&f.code))) }
                    }
                }
            }
            @if let Some(g) = case_type.and_then(|t| guidance(lang, t)) {
                aside.guidance { h2 { (lang.t("card-guidance")) } p { (g) } }
            }
            (articles)
            // The acknowledgement on the phone: what the agent tells the
            // caller (the resident's language is the page's own choice).
            @if c.status != "closed" {
                aside.guidance {
                    h2 { (lang.t("card-tell")) }
                    p {
                        (lang.ta("card-tell-number", &[("case", &c.number)]))
                        @if let Some(next) = case_type.and_then(|t| match lang { Lang::En => t.next_steps_en.as_ref().or(t.next_steps_sv.as_ref()), Lang::Sv => t.next_steps_sv.as_ref() }) {
                            " " (next)
                        }
                        @if let Some(d) = c.feedback_deadline {
                            " " (lang.ta("card-tell-deadline", &[("date", &kontakt_app::messages::long_date(d, lang == Lang::En))]))
                        }
                    }
                }
            }
            @let attachments: Vec<(&str, &str, u64, bool)> = c.entries.iter().filter_map(|e| match &e.body {
                EntryBody::Attachment { file_name, sha256, size, content_type } => Some((
                    file_name.as_str(), sha256.as_str(), *size,
                    kontakt_app::cases::looks_like_program(file_name, content_type),
                )),
                _ => None,
            }).collect();
            @if !attachments.is_empty() {
                h2 { (lang.t("card-attachments")) }
                ul.attachments {
                    @for (name, sha, size, program) in &attachments {
                        li {
                            a href=(format!("/api/v1/cases/{}/attachments/{sha}", c.number)) download=(name) { (name) } " (" (human_size(*size)) ")"
                            @if *program { " " strong.error { (lang.t("card-attachment-program")) } }
                        }
                    }
                }
            }
            @if !c.related.is_empty() {
                h2 { (lang.t("card-related")) }
                ul { @for r in &c.related { li { a href=(format!("/cases/{r}")) { (r) } } } }
            }
            @if !c.messages.is_empty() {
                h2 { (lang.t("card-messages")) }
                table.messages {
                    thead { tr {
                        th scope="col" { (lang.t("card-messages-when")) }
                        th scope="col" { (lang.t("card-messages-to")) }
                        th scope="col" { (lang.t("card-messages-subject")) }
                        th scope="col" { (lang.t("card-messages-state")) }
                    } }
                    tbody {
                        @for m in &c.messages {
                            tr {
                                td { time datetime=(m.created_at.to_rfc3339()) { (kontakt_domain::calendar::stockholm_local(m.created_at).format("%Y-%m-%d %H:%M")) } }
                                td { (channel_word(lang, &m.channel)) ": " (m.recipient) }
                                td { (m.subject) }
                                td {
                                    (message_state(lang, &m.state))
                                    @if let Some(e) = &m.last_error { br; span.error-reason { (e) } }
                                }
                            }
                        }
                    }
                }
            }
            h2 { (lang.t("card-timeline")) }
            ol.timeline {
                @for e in &c.entries {
                    li {
                        time datetime=(e.at.to_rfc3339()) { (kontakt_domain::calendar::stockholm_local(e.at).format("%Y-%m-%d %H:%M")) }
                        " " strong { (entry_kind(lang, &e.body)) } " " span.author { (e.author) }
                        p { (e.summary()) }
                    }
                }
            }
            @if let (Some(_), true) = (my_officer_group, c.status != "closed") {
                (officer_panel(lang, c, csrf, &base))
            }
            @if c.status != "closed" {
                section.actions-panel {
                    h2 { (lang.t("card-reply")) }
                    form method="post" action=(format!("{base}/reply")) {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="reply" { (lang.t("card-reply-text")) }
                        textarea #reply name="text" rows="3" required {}
                        label for="reply-channel" { (lang.t("card-reply-channel")) }
                        select #reply-channel name="channel" {
                            @for ch in feedback_channels {
                                option value=(ch.as_str()) selected[c.feedback_channel.as_deref() == Some(ch.as_str())] { (channel_name(lang, ch)) }
                            }
                        }
                        button type="submit" { (lang.t("card-reply-save")) }
                    }
                    h2 { (lang.t("card-work-status")) }
                    div.inline-forms {
                        @for status in ["in_progress", "waiting_for_resident"] {
                            @if c.status != status {
                                form.inline method="post" action=(format!("{base}/status")) {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="version" value=(c.version);
                                    input type="hidden" name="status" value=(status);
                                    button type="submit" { (lang.ta("card-set-status", &[("status", &status_name(lang, status))])) }
                                }
                            }
                        }
                    }
                    h2 { (lang.t("card-deadline")) }
                    form method="post" action=(format!("{base}/deadline")) {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="deadline" { (lang.t("card-deadline-new")) }
                        input #deadline type="date" name="deadline" required value=[c.feedback_deadline];
                        label for="deadline-reason" { (lang.t("card-deadline-reason")) }
                        input #deadline-reason name="reason" required;
                        button type="submit" { (lang.t("card-deadline-save")) }
                    }
                    h2 { (lang.t("card-attach")) }
                    form method="post" action=(format!("{base}/attach")) enctype="multipart/form-data" {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="file" { (lang.t("card-attach-file")) }
                        input #file type="file" name="file" required;
                        button type="submit" { (lang.t("card-attach-save")) }
                    }
                    h2 { (lang.t("card-link")) }
                    form method="post" action=(format!("{base}/link")) {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="link-case" { (lang.t("card-link-number")) }
                        input #link-case name="case" required autocomplete="off" spellcheck="false";
                        button type="submit" { (lang.t("card-link-save")) }
                    }
                    h2 { (lang.t("card-note")) }
                    form method="post" action=(format!("{base}/note")) {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="note" { (lang.t("card-note-new")) }
                        textarea #note name="text" rows="3" required {}
                        button type="submit" { (lang.t("card-note-save")) }
                    }
                    @if !officer_groups.is_empty() && c.status != "handed_over" && my_officer_group.is_none() {
                        h2 { (lang.t("card-handover")) }
                        form method="post" action=(format!("{base}/handover")) {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="version" value=(c.version);
                            label for="group" { (lang.t("card-handover-group")) }
                            select #group name="group" {
                                @for g in &officer_groups {
                                    option value=(g.code) selected[default_group.as_deref() == Some(g.code.as_str())] { (pick(lang, &g.name_sv, &g.name_en)) }
                                }
                            }
                            label for="summary" { (lang.t("card-handover-summary")) }
                            textarea #summary name="summary" rows="4" required {}
                            button type="submit" { (lang.t("card-handover-save")) }
                        }
                    }
                    @if my_officer_group.is_none() {
                    h2 { (lang.t("card-close")) }
                    form #close-form method="post" action=(format!("{base}/status")) {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="version" value=(c.version);
                        input type="hidden" name="status" value="closed";
                        label for="resolution" { (lang.t("card-close-resolution")) }
                        select #resolution name="resolution" {
                            @if c.handed_over {
                                option value="handed_over" { (lang.t("card-close-handed-over")) }
                            }
                            option value="resolved_in_centre" { (lang.t("card-close-in-centre")) }
                            option value="referred_elsewhere" { (lang.t("card-close-referred")) }
                        }
                        button type="submit" { (lang.t("card-close-save")) }
                    }
                    }
                }
            }
        },
    )
}

/// The officer's answers to a hand-over: accept, ask the centre for more,
/// return with a reason, or close with the answer given.
fn officer_panel(lang: Lang, c: &CaseView, csrf: &str, base: &str) -> Markup {
    let action = format!("{base}/respond");
    html! {
        section.actions-panel.officer aria-labelledby="officer-heading" {
            h2 #officer-heading { (lang.t("officer-heading")) }
            @if c.status == "handed_over" {
                form method="post" action=(action) {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="version" value=(c.version);
                    input type="hidden" name="action" value="accept";
                    button #accept type="submit" { (lang.t("officer-accept")) }
                }
            }
            form method="post" action=(action) {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="version" value=(c.version);
                input type="hidden" name="action" value="answer_and_close";
                label for="answer" { (lang.t("officer-answer")) }
                textarea #answer name="text" rows="4" required {}
                label for="answer-channel" { (lang.t("officer-answer-channel")) }
                select #answer-channel name="channel" {
                    // Phone first: with no feedback channel chosen, the
                    // answer is recorded, not sent to an address that may be missing.
                    @for ch in [Channel::Phone, Channel::Email, Channel::Sms, Channel::Letter] {
                        option value=(ch.as_str()) selected[c.feedback_channel.as_deref() == Some(ch.as_str())] { (channel_name(lang, ch)) }
                    }
                }
                button type="submit" { (lang.t("officer-answer-save")) }
            }
            form method="post" action=(action) {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="version" value=(c.version);
                input type="hidden" name="action" value="request_info";
                label for="question" { (lang.t("officer-question")) }
                textarea #question name="text" rows="2" required {}
                button type="submit" { (lang.t("officer-question-save")) }
            }
            form method="post" action=(action) {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="version" value=(c.version);
                input type="hidden" name="action" value="return";
                label for="return-reason" { (lang.t("officer-return")) }
                textarea #return-reason name="text" rows="2" required {}
                button type="submit" { (lang.t("officer-return-save")) }
            }
        }
    }
}

pub async fn case_card(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<Markup, PageError> {
    require_desk(&staff)?;
    let case = state.cases.read(&number, &staff.actor, Utc::now()).await?;
    let view = CaseView::new(
        &case,
        state.cases.catalog(),
        staff.session.principal.protected_identity,
    );
    let articles = crate::knowledge::case_articles(&state, &staff, &view).await;
    Ok(case_page(&state, &staff, &view, None, articles))
}

/// The person on a case and their contact history: every case about them
/// that the viewer may see (the list applies the same access rules).
pub async fn person_view(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<Markup, PageError> {
    require_desk(&staff)?;
    let now = Utc::now();
    let case = state.cases.read(&number, &staff.actor, now).await?;
    let view = CaseView::new(
        &case,
        state.cases.catalog(),
        staff.session.principal.protected_identity,
    );
    let p = &view.contact;
    let history = match p
        .personnummer
        .as_deref()
        .and_then(|pnr| kontakt_domain::personnummer::Personnummer::parse_today(pnr).ok())
    {
        Some(pnr) => {
            let filter = CaseFilter {
                personnummer: Some(pnr),
                limit: 100,
                ..CaseFilter::default()
            };
            state.cases.list(&filter, &staff.actor, now).await?
        }
        None => Vec::new(),
    };
    let lang = staff.lang;
    Ok(layout(
        lang,
        &lang.t("person-title"),
        Some(&staff),
        html! {
            h1 { (p.name.as_deref().map_or_else(|| lang.t("person-unknown"), str::to_owned)) }
            p { a href=(format!("/cases/{}", view.number)) { (lang.ta("person-back", &[("number", &view.number)])) } }
            dl.facts {
                dt { (lang.t("personnummer")) } dd { (p.personnummer.as_deref().unwrap_or("–")) }
                dt { (lang.t("phone")) } dd { (p.phone.as_deref().unwrap_or("–")) }
                dt { (lang.t("email")) } dd { (p.email.as_deref().unwrap_or("–")) }
                dt { (lang.t("person-language")) } dd { (p.preferred_language.as_deref().unwrap_or("–")) }
                dt { (lang.t("person-feedback")) } dd { (view.feedback_channel.as_deref().map_or("–".to_owned(), |f| channel_word(lang, f))) }
                @if p.protected_identity { dt { (lang.t("person-protected")) } dd { strong { (lang.t("person-protected-yes")) } } }
            }
            @if p.personnummer.is_some() {
                (case_table(&state, lang, &history, &lang.tn("person-history", history.len())))
            } @else {
                p { (lang.t("person-no-history")) }
            }
        },
    ))
}

#[derive(Deserialize)]
pub struct CaseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    resolution: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    case: String,
    #[serde(default)]
    version: Option<i64>,
}

pub(crate) async fn after_change(
    state: &AppState,
    staff: &Staff,
    number: &str,
    result: Result<kontakt_store::CaseRecord, CaseError>,
    done: &str,
) -> Result<Response, PageError> {
    match result {
        Ok(case) => {
            let view = CaseView::new(
                &case,
                state.cases.catalog(),
                staff.session.principal.protected_identity,
            );
            let articles = crate::knowledge::case_articles(state, staff, &view).await;
            Ok(
                case_page(state, staff, &view, Some(html! { p { (done) } }), articles)
                    .into_response(),
            )
        }
        Err(e @ (CaseError::Invalid(_) | CaseError::Rule(_) | CaseError::Conflict)) => {
            let message = match &e {
                CaseError::Invalid(errors) => errors
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.reason))
                    .collect::<Vec<_>>()
                    .join("; "),
                CaseError::Conflict => staff.lang.t("card-conflict"),
                other => other.to_string(),
            };
            let case = state.cases.read(number, &staff.actor, Utc::now()).await?;
            let view = CaseView::new(
                &case,
                state.cases.catalog(),
                staff.session.principal.protected_identity,
            );
            let articles = crate::knowledge::case_articles(state, staff, &view).await;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                case_page(
                    state,
                    staff,
                    &view,
                    Some(html! { p.error role="alert" { (message) } }),
                    articles,
                ),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn add_note(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    Form(form): Form<CaseForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &form.csrf).await?;
    require_desk(&staff)?;
    let done = &staff.lang.t("done-note");
    add_text_entry(&state, &staff, &number, "note", form.text, None, done).await
}

/// Appends a note or a message to the case and shows the card again.
async fn add_text_entry(
    state: &AppState,
    staff: &Staff,
    number: &str,
    kind: &str,
    text: String,
    channel: Option<String>,
    done: &str,
) -> Result<Response, PageError> {
    let request = EntryRequest {
        kind: kind.into(),
        text: Some(text),
        channel,
        file_name: None,
        content_type: None,
        content_base64: None,
        corrects: None,
    };
    let result = state
        .cases
        .add_entry(number, request, &staff.actor, Utc::now())
        .await
        .map(|(case, _)| case);
    after_change(state, staff, number, result, done).await
}

/// Records the answer given to the resident as an outbound message (the
/// channels issue will send it; here it is what was said, and how).
pub async fn reply(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    Form(form): Form<CaseForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &form.csrf).await?;
    require_desk(&staff)?;
    let channel = non_empty(&form.channel);
    let done = &staff.lang.t("done-reply");
    add_text_entry(
        &state,
        &staff,
        &number,
        "message_out",
        form.text,
        channel,
        done,
    )
    .await
}

pub async fn change_deadline(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    Form(form): Form<CaseForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &form.csrf).await?;
    require_desk(&staff)?;
    let deadline = match form.deadline.parse::<chrono::NaiveDate>() {
        Ok(d) => Some(d),
        Err(_) => {
            let error = CaseError::Invalid(vec![FieldError {
                field: "deadline".into(),
                reason: staff.lang.t("error-date"),
            }]);
            return after_change(&state, &staff, &number, Err(error), "").await;
        }
    };
    let request = kontakt_app::cases::DeadlineRequest {
        deadline,
        reason: form.reason,
    };
    let result = state
        .cases
        .set_deadline(&number, request, &staff.actor, Utc::now())
        .await;
    after_change(
        &state,
        &staff,
        &number,
        result,
        &staff.lang.t("done-deadline"),
    )
    .await
}

pub async fn hand_over(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    Form(form): Form<CaseForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &form.csrf).await?;
    require_desk(&staff)?;
    let request = HandoverRequest {
        group: form.group,
        summary: form.summary,
        expected_version: form.version,
    };
    let result = state
        .cases
        .hand_over(&number, request, &staff.actor, Utc::now())
        .await;
    after_change(
        &state,
        &staff,
        &number,
        result,
        &staff.lang.t("done-handover"),
    )
    .await
}

pub async fn respond(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    Form(form): Form<CaseForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &form.csrf).await?;
    require_desk(&staff)?;
    let done = match form.action.as_str() {
        "accept" => staff.lang.t("done-accept"),
        "answer_and_close" => staff.lang.t("done-answer-close"),
        _ => String::new(),
    };
    let request = HandoverResponseRequest {
        action: form.action,
        text: Some(form.text),
        channel: non_empty(&form.channel),
        expected_version: form.version,
    };
    match state
        .cases
        .respond_to_handover(&number, request, &staff.actor, Utc::now())
        .await
    {
        // Back with the centre: the officer may no longer open it.
        Ok(None) => Ok(Redirect::to(&format!("/?sent_back={number}")).into_response()),
        Ok(Some(case)) => after_change(&state, &staff, &number, Ok(case), &done).await,
        Err(e) => after_change(&state, &staff, &number, Err(e), &done).await,
    }
}

pub async fn link(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    Form(form): Form<CaseForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &form.csrf).await?;
    require_desk(&staff)?;
    let request = kontakt_app::cases::LinkRequest { case: form.case };
    let result = state
        .cases
        .link(&number, request, &staff.actor, Utc::now())
        .await;
    after_change(&state, &staff, &number, result, &staff.lang.t("done-link")).await
}

/// A file uploaded from the card. The form sends the CSRF token before the
/// file, so a forged upload is refused before its content is read.
pub async fn attach(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    // Not a form upload at all: it carries no token either, so it is
    // refused as a forged request would be.
    let Ok(mut multipart) = multipart else {
        staff.check_csrf(&state, "").await?;
        return Err(PageError::Csrf);
    };
    let bad = |reason: &str| {
        CaseError::Invalid(vec![FieldError {
            field: "file".into(),
            reason: reason.into(),
        }])
    };
    let mut csrf_checked = false;
    let mut upload = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                let error = bad(&staff.lang.ta("error-upload", &[("error", &e)]));
                return after_change(&state, &staff, &number, Err(error), "").await;
            }
        };
        match field.name() {
            Some("csrf") => {
                let token = field.text().await.unwrap_or_default();
                staff.check_csrf(&state, &token).await?;
                csrf_checked = true;
            }
            Some("file") if csrf_checked => {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let content_type = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_owned();
                match field.bytes().await {
                    Ok(bytes) => upload = Some((file_name, content_type, bytes)),
                    Err(e) => {
                        let error = bad(&staff.lang.ta("error-upload", &[("error", &e)]));
                        return after_change(&state, &staff, &number, Err(error), "").await;
                    }
                }
            }
            _ => {}
        }
    }
    if !csrf_checked {
        staff.check_csrf(&state, "").await?;
    }
    require_desk(&staff)?;
    let Some((file_name, content_type, bytes)) = upload else {
        return after_change(
            &state,
            &staff,
            &number,
            Err(bad(&staff.lang.t("error-no-file"))),
            "",
        )
        .await;
    };
    if file_name.trim().is_empty() && bytes.is_empty() {
        return after_change(
            &state,
            &staff,
            &number,
            Err(bad(&staff.lang.t("error-no-file"))),
            "",
        )
        .await;
    }
    let request = EntryRequest {
        kind: "attachment".into(),
        text: None,
        channel: None,
        file_name: Some(file_name),
        content_type: Some(content_type),
        content_base64: Some(base64::engine::general_purpose::STANDARD.encode(&bytes)),
        corrects: None,
    };
    let result = state
        .cases
        .add_entry(&number, request, &staff.actor, Utc::now())
        .await
        .map(|(case, _)| case);
    after_change(
        &state,
        &staff,
        &number,
        result,
        &staff.lang.t("done-attach"),
    )
    .await
}

pub async fn change_status(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    Form(form): Form<CaseForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &form.csrf).await?;
    require_desk(&staff)?;
    let request = StatusRequest {
        status: form.status,
        resolution: non_empty(&form.resolution),
        reason: None,
        expected_version: form.version,
    };
    let result = state
        .cases
        .change_status(&number, request, &staff.actor, Utc::now())
        .await;
    after_change(
        &state,
        &staff,
        &number,
        result,
        &staff.lang.t("done-status"),
    )
    .await
}

#[derive(Deserialize, Default)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    number: String,
    /// Personnummer, phone number or the start of a name.
    #[serde(default, alias = "personnummer")]
    person: String,
    #[serde(default)]
    case_type: String,
    #[serde(default)]
    board: String,
    #[serde(default)]
    district: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// How the agent named the resident: personnummer, phone or name.
enum PersonQuery {
    Personnummer(kontakt_domain::personnummer::Personnummer),
    Phone(kontakt_domain::contact::PhoneNumber),
    Name(String),
}

/// Reads the resident field of the search. A personnummer is written with
/// its separator or as 12 digits (or 10 not starting with 0); Swedish phone
/// numbers start with 0 or +; anything with letters is a name's start.
fn person_query(lang: Lang, input: &str) -> Result<PersonQuery, String> {
    use kontakt_domain::contact::{name_search_prefix, PhoneNumber};
    use kontakt_domain::personnummer::Personnummer;
    let t = input.trim();
    if t.chars().any(char::is_alphabetic) {
        return name_search_prefix(t)
            .map(PersonQuery::Name)
            .ok_or_else(|| lang.t("search-error-name"));
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let has_separator = t.len() >= 5 && matches!(t.as_bytes()[t.len() - 5], b'-' | b'+');
    let looks_like_phone =
        t.starts_with('+') || (t.starts_with('0') && !has_separator && digits.len() != 12);
    if looks_like_phone {
        return PhoneNumber::parse(t)
            .map(PersonQuery::Phone)
            .map_err(|e| lang.ta("search-error-phone", &[("error", &e)]));
    }
    Personnummer::parse_today(t)
        .map(PersonQuery::Personnummer)
        .map_err(|e| lang.ta("search-error-personnummer", &[("error", &e)]))
}

fn search_date(
    lang: Lang,
    errors: &mut Vec<String>,
    label: &str,
    value: &str,
) -> Option<chrono::NaiveDate> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    match v.parse::<chrono::NaiveDate>() {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(format!("{label}: {}", lang.t("error-date")));
            None
        }
    }
}

pub async fn search(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<SearchParams>,
) -> Result<Response, PageError> {
    use kontakt_domain::calendar::stockholm_midnight;
    require_desk(&staff)?;
    let lang = staff.lang;
    if let Some(number) = non_empty(&q.number) {
        return Ok(Redirect::to(&format!("/cases/{}", number.to_uppercase())).into_response());
    }
    let catalog = state.cases.catalog();
    let mut errors = Vec::new();
    let mut filter = CaseFilter {
        case_type: non_empty(&q.case_type),
        board: non_empty(&q.board),
        district: non_empty(&q.district),
        limit: 100,
        ..CaseFilter::default()
    };
    if !q.person.trim().is_empty() {
        match person_query(lang, &q.person) {
            Ok(PersonQuery::Personnummer(p)) => filter.personnummer = Some(p),
            Ok(PersonQuery::Phone(p)) => filter.phone = Some(p),
            Ok(PersonQuery::Name(n)) => filter.name_prefix = Some(n),
            Err(e) => errors.push(e),
        }
    }
    if let Some(s) = non_empty(&q.status) {
        match Status::parse(&s) {
            Some(s) => filter.status = Some(s),
            None => errors.push(lang.ta("search-error-status", &[("value", &s)])),
        }
    }
    if let Some(c) = non_empty(&q.channel) {
        match Channel::parse(&c) {
            Some(c) => filter.channel = Some(c),
            None => errors.push(lang.ta("search-error-channel", &[("value", &c)])),
        }
    }
    let from = search_date(lang, &mut errors, &lang.t("search-from"), &q.from);
    let to = search_date(lang, &mut errors, &lang.t("search-to"), &q.to);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            errors.push(lang.t("search-error-range"));
        }
    }
    filter.created_from = from.map(stockholm_midnight);
    filter.created_to = to.and_then(|d| d.succ_opt()).map(stockholm_midnight);
    filter.terms = kontakt_domain::text::search_terms(&q.q);
    if q.q.chars().count() > 200 || filter.terms.len() > 10 {
        errors.push(lang.t("search-error-text"));
    }
    let searched = !filter.terms.is_empty()
        || [
            &q.person,
            &q.case_type,
            &q.board,
            &q.district,
            &q.status,
            &q.channel,
            &q.from,
            &q.to,
        ]
        .iter()
        .any(|v| !v.trim().is_empty());
    let results = if searched && errors.is_empty() {
        state.cases.list(&filter, &staff.actor, Utc::now()).await?
    } else {
        Vec::new()
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = layout(
        lang,
        &lang.t("search-title"),
        Some(&staff),
        html! {
            h1 { (lang.t("search-title")) }
            @if !errors.is_empty() { div.error-summary role="alert" { @for e in &errors { p { (e) } } } }
            form.search method="get" action="/search" {
                label for="q" { (lang.t("search-text")) }
                input #q type="search" name="q" value=(q.q) autofocus;
                div.filters {
                    div { label for="number" { (lang.t("search-number")) }
                        input #number name="number" placeholder="KC-2026-000123" value=(q.number); }
                    div { label for="s-person" { (lang.t("search-person")) }
                        input #s-person name="person" value=(q.person) autocomplete="off"; }
                    div { label for="s-case_type" { (lang.t("col-type")) }
                        select #s-case_type name="case_type" {
                            option value="" { "(" (lang.t("all")) ")" }
                            @for t in &catalog.case_types { option value=(t.code) selected[t.code == q.case_type] { (type_name(lang, t)) } }
                        } }
                    div { label for="s-board" { (lang.t("search-board")) }
                        select #s-board name="board" {
                            option value="" { "(" (lang.t("all")) ")" }
                            @for b in &catalog.boards { option value=(b.code) selected[b.code == q.board] { (pick(lang, &b.name_sv, &b.name_en)) } }
                        } }
                    div { label for="s-district" { (lang.t("col-district")) }
                        select #s-district name="district" {
                            option value="" { "(" (lang.t("all")) ")" }
                            @for d in &catalog.districts { option value=(d.code) selected[d.code == q.district] { (d.name) } }
                        } }
                    div { label for="s-status" { (lang.t("col-status")) }
                        select #s-status name="status" {
                            option value="" { "(" (lang.t("all")) ")" }
                            @for s in ["registered", "in_progress", "waiting_for_resident", "handed_over", "closed"] {
                                option value=(s) selected[s == q.status] { (status_name(lang, s)) }
                            }
                        } }
                    div { label for="s-channel" { (lang.t("card-channel")) }
                        select #s-channel name="channel" {
                            option value="" { "(" (lang.t("all")) ")" }
                            @for c in Channel::ALL { option value=(c.as_str()) selected[c.as_str() == q.channel] { (channel_name(lang, *c)) } }
                        } }
                    div { label for="s-from" { (lang.t("search-from")) }
                        input #s-from type="date" name="from" value=(q.from); }
                    div { label for="s-to" { (lang.t("search-to")) }
                        input #s-to type="date" name="to" value=(q.to); }
                }
                button type="submit" { (lang.t("nav-search")) }
            }
            @if searched && errors.is_empty() {
                (case_table(&state, lang, &results, &lang.tn("search-hits", results.len())))
            }
        },
    );
    Ok((status, page).into_response())
}

/// Server-sent events for open desks: an event named `changed` (saying
/// nothing about which case: nothing leaks through it) whenever a case was
/// created or changed, so the start page can reload its queues, which are
/// access-checked like any page.
pub async fn events(
    State(state): State<AppState>,
    staff: Staff,
) -> axum::response::sse::Sse<
    impl futures_util::Stream<Item = Result<axum::response::sse::Event, std::convert::Infallible>>,
> {
    use axum::response::sse::{Event, KeepAlive, Sse};
    let receiver = state.cases.subscribe();
    let changes = futures_util::stream::unfold(receiver, |mut receiver| async move {
        match receiver.recv().await {
            // Missed notices are one notice: the desk reloads anyway.
            Ok(()) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                // Browsers drop events with empty data, so it carries a word.
                let event = Event::default().event("changed").data("changed");
                Some((Ok(event), receiver))
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => None,
        }
    });
    // The same stream carries the crisis banner, so a page holds one
    // connection for both (browsers allow few per server).
    let crisis = crate::crisis::banner_events(state.crisis.subscribe(), staff.lang);
    Sse::new(futures_util::stream::select(changes, crisis)).keep_alive(KeepAlive::default())
}
