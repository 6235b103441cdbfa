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

fn status_sv(status: &str) -> &'static str {
    match status {
        "registered" => "Registrerat",
        "in_progress" => "Pågår",
        "waiting_for_resident" => "Väntar på invånaren",
        "handed_over" => "Överlämnat",
        "closed" => "Avslutat",
        _ => "Okänd status",
    }
}

fn resolution_sv(resolution: &str) -> &'static str {
    match resolution {
        "answered_at_first_contact" => "besvarat vid första kontakten",
        "resolved_in_centre" => "löst i kontaktcenter",
        "handed_over" => "besvarat av handläggare",
        "referred_elsewhere" => "hänvisat till annan",
        _ => "okänt utfall",
    }
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} kB", b.div_ceil(1024)),
        b => format!("{b} byte"),
    }
}

/// A form field's value as the agent reads it: choices by their label.
fn form_value_sv(
    field: &kontakt_domain::catalog::FormField,
    value: Option<&serde_json::Value>,
) -> String {
    let label = |key: &str| match &field.kind {
        FieldKind::Choice { choices } | FieldKind::MultiChoice { choices } => choices
            .iter()
            .find(|c| c.key == key)
            .map_or(key.to_owned(), |c| c.label_sv.clone()),
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
fn entry_kind_sv(body: &EntryBody) -> &'static str {
    match body {
        EntryBody::Registered { .. } => "Registrerat",
        EntryBody::Note { .. } => "Anteckning",
        EntryBody::MessageIn { .. } => "Meddelande från invånaren",
        EntryBody::MessageOut { .. } => "Svar till invånaren",
        EntryBody::Attachment { .. } => "Bilaga",
        EntryBody::StatusChanged { .. } => "Status ändrad",
        EntryBody::HandedOver { .. } => "Överlämnat",
        EntryBody::Linked { .. } => "Kopplat till ärende",
        EntryBody::Correction { .. } => "Rättelse",
        EntryBody::FeedbackDeadlineChanged { .. } => "Nytt återkopplingsdatum",
        EntryBody::HandoverAccepted { .. } => "Mottaget av handläggare",
        EntryBody::InfoRequested { .. } => "Handläggaren ber om mer underlag",
        EntryBody::HandoverReturned { .. } => "Returnerat av handläggare",
    }
}

fn summary_row(state: &AppState, c: &CaseSummary) -> Markup {
    let catalog = state.cases.catalog();
    let type_name = catalog
        .case_type(&c.case_type)
        .map_or(c.case_type.as_str(), |t| t.name_sv.as_str());
    let overdue = c.feedback_deadline.is_some_and(|d| {
        d < kontakt_domain::calendar::stockholm_today() && c.status != Status::Closed
    });
    html! {
        tr {
            td { a href=(format!("/cases/{}", c.number)) { (c.number.to_string()) } }
            td { (type_name) }
            td { (status_sv(c.status.as_str())) }
            td { (c.district.as_deref().and_then(|d| catalog.district(d)).map_or("–", |d| d.name.as_str())) }
            td {
                @if let Some(d) = c.feedback_deadline {
                    @if overdue { strong.error { (d) " (försenad)" } } @else { (d) }
                } @else { "–" }
            }
        }
    }
}

fn case_table(state: &AppState, cases: &[CaseSummary], caption: &str) -> Markup {
    html! {
        table {
            caption { (caption) }
            thead { tr {
                th scope="col" { "Ärende" } th scope="col" { "Ärendetyp" } th scope="col" { "Status" }
                th scope="col" { "Stadsdel" } th scope="col" { "Återkoppling senast" }
            } }
            tbody {
                @for c in cases { (summary_row(state, c)) }
                @if cases.is_empty() { tr { td colspan="5" { "Inga ärenden." } } }
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
    let mine: Vec<CaseSummary> = state
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
        .collect();
    let catalog = state.cases.catalog();
    Ok(html! {
        p { a.button href="/cases/new" { "Ny registrering (Alt+N)" } " "
            a.button href="/search" { "Sök ärenden (Alt+S)" } }
        div #queues data-live="/events" {
        @if !mine.is_empty() || staff.has(Role::Officer) {
            section aria-labelledby="mine" {
                h2 #mine { "Mina ärenden " span.count { "(" (mine.len()) ")" } }
                (case_table(state, &mine, "Ärenden du har tagit emot"))
            }
        }
        @for (group, cases) in &queues {
            @let name = catalog.group(group).map_or(group.as_str(), |g| g.name_sv.as_str());
            @let due: Vec<CaseSummary> = cases.iter().filter(|c| c.feedback_deadline.is_some_and(|d| d <= today)).cloned().collect();
            @let oldest = cases.iter().map(|c| c.created_at).min();
            section aria-labelledby=(format!("q-{group}")) {
                h2 id=(format!("q-{group}")) { "Kö: " (name) " " span.count { "(" (cases.len()) @if cases.len() >= 200 { "+" } " öppna)" } }
                @if let Some(o) = oldest {
                    p { "Äldsta väntande sedan " (kontakt_domain::calendar::stockholm_local(o).format("%Y-%m-%d %H:%M")) "." }
                }
                @if !due.is_empty() {
                    (case_table(state, &due, "Återkoppling i dag eller försenad"))
                }
                (case_table(state, &cases.iter().take(25).cloned().collect::<Vec<_>>(), "Senaste i kön"))
            }
        }
        }
    })
}

#[derive(Deserialize, Default, Clone)]
pub struct QuickForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    case_type: String,
    #[serde(default)]
    district: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    personnummer: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    feedback_channel: String,
    #[serde(default)]
    action: String,
    /// The case type's form fields (`form.<code>` in the posted form).
    #[serde(skip)]
    form: serde_json::Map<String, serde_json::Value>,
}

impl QuickForm {
    /// Reads the posted pairs: the fixed fields by name, the case type's
    /// form fields from `form.<code>` (a multiple choice may repeat).
    fn from_pairs(
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
                "feedback_channel" => q.feedback_channel = value,
                "action" => q.action = value,
                _ => {
                    if let Some(code) = name.strip_prefix("form.") {
                        form_pairs.push((code.to_owned(), value));
                    }
                }
            }
        }
        let fields = catalog
            .case_type(q.case_type.trim())
            .map(|t| t.fields.as_slice())
            .unwrap_or_default();
        for (code, value) in form_pairs {
            let multi = fields
                .iter()
                .any(|f| f.code == code && matches!(f.kind, FieldKind::MultiChoice { .. }));
            if multi {
                let entry = q
                    .form
                    .entry(code)
                    .or_insert_with(|| serde_json::Value::Array(Vec::new()));
                if let serde_json::Value::Array(items) = entry {
                    items.push(serde_json::Value::String(value));
                }
            } else if !value.trim().is_empty() {
                q.form.insert(code, serde_json::Value::String(value));
            }
        }
        q
    }
}

/// The case type's guidance and form fields, for quick registration (also
/// fetched by desk.js when the agent picks a type).
fn type_fields(
    case_type: Option<&kontakt_domain::catalog::CaseType>,
    values: &serde_json::Map<String, serde_json::Value>,
    errors: &[FieldError],
) -> Markup {
    let Some(t) = case_type else {
        return html! {};
    };
    html! {
        @if let Some(g) = t.guidance_sv.as_deref() {
            aside.guidance { h2 { "Vägledning: " (t.name_sv) } p { (g) } }
        }
        @if !t.fields.is_empty() {
            fieldset {
                legend { "Uppgifter för " (t.name_sv) }
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
                                legend { (f.label_sv) @if f.required { " (obligatorisk)" } }
                                @for c in choices {
                                    @let checked = value.and_then(|v| v.as_array()).is_some_and(|a| a.iter().any(|x| x.as_str() == Some(c.key.as_str())));
                                    label.check {
                                        input type="checkbox" name=(name) value=(c.key) checked[checked];
                                        " " (c.label_sv)
                                    }
                                }
                            }
                        }
                        kind => {
                            label for=(id) { (f.label_sv) @if f.required { " (obligatorisk)" } }
                            @match kind {
                                FieldKind::Choice { choices } => {
                                    select id=(id) name=(name) required[f.required] aria-describedby=[described.as_deref()] {
                                        option value="" { "(välj)" }
                                        @for c in choices {
                                            option value=(c.key) selected[text == c.key] { (c.label_sv) }
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
    match person_query(&q.person) {
        Ok(PersonQuery::Personnummer(p)) => filter.personnummer = Some(p),
        Ok(PersonQuery::Phone(p)) => filter.phone = Some(p),
        // A name is not an identifier: many residents share one. The
        // search page lists their cases instead.
        Ok(PersonQuery::Name(_)) | Err(_) => return Ok(html! {}),
    }
    let now = Utc::now();
    let found = state.cases.list(&filter, &staff.actor, now).await?;
    let Some(latest) = found.first() else {
        return Ok(html! { p.lookup { "Ingen tidigare kontakt som du får se." } });
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
    Ok(html! {
        div.lookup {
            p {
                strong { "Tidigare kontakt: " }
                (p.name.as_deref().unwrap_or("(namn okänt)"))
                @if let Some(phone) = &p.phone { " · " (phone) }
                " – " (found.len()) @if found.len() >= 20 { "+" } " ärenden du får se, senast "
                a href=(format!("/cases/{}", view.number)) target="_blank" rel="noopener" { (view.number) }
                "."
            }
            @if !p.protected_identity {
                button.use-person type="button" data-name=[p.name.as_deref()] data-phone=[p.phone.as_deref()] { "Fyll i namn och telefon" }
            }
        }
    })
}

#[derive(Deserialize)]
pub struct FieldsQuery {
    #[serde(default)]
    case_type: String,
}

/// The fragment desk.js swaps in when the agent picks a case type.
pub async fn quick_fields(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<FieldsQuery>,
) -> Result<Markup, PageError> {
    require_desk(&staff)?;
    let catalog = state.cases.catalog();
    Ok(type_fields(
        catalog.case_type(q.case_type.trim()),
        &serde_json::Map::new(),
        &[],
    ))
}

fn field_error<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.field == field || e.field.starts_with(&format!("{field}.")))
        .map(|e| e.reason.as_str())
}

fn quick_page(state: &AppState, staff: &Staff, form: &QuickForm, errors: &[FieldError]) -> Markup {
    let catalog = state.cases.catalog();
    let csrf = &staff.session.session.csrf_token;
    let err = |f: &str| field_error(errors, f).map(str::to_owned);
    let contact_err = err("contact");
    layout(
        staff.lang,
        "Ny registrering",
        Some(staff),
        html! {
            h1 { "Ny registrering " span lang="en" { "(Quick registration)" } }
            @if !errors.is_empty() {
                div.error-summary role="alert" {
                    p { "Ärendet sparades inte. Rätta fälten nedan:" }
                    ul { @for e in errors { li { (e.field) ": " (e.reason) } } }
                }
            }
            form method="post" action="/cases/new" {
                input type="hidden" name="csrf" value=(csrf);
                label for="case_type" { "Ärendetyp (skriv namn, synonym eller kod)" }
                input #case_type name="case_type" list="case-types" value=(form.case_type) required autofocus
                    autocomplete="off" aria-describedby=[err("case_type").map(|_| "case_type-error")];
                @if let Some(e) = err("case_type") { p.field-error #case_type-error { (e) } }
                datalist #case-types {
                    @for t in &catalog.case_types {
                        option value=(t.code) { (t.name_sv) @if !t.synonyms.is_empty() { " – " (t.synonyms.join(", ")) } }
                    }
                }
                label for="district" { "Stadsdel" }
                select #district name="district" {
                    option value="" { "(ingen)" }
                    @for d in &catalog.districts {
                        option value=(d.code) selected[d.code == form.district] { (d.name) }
                    }
                }
                @if let Some(e) = err("district") { p.field-error { (e) } }
                label for="description" { "Vad gäller det?" }
                textarea #description name="description" rows="4" required aria-describedby=[err("description").map(|_| "description-error")] { (form.description) }
                @if let Some(e) = err("description") { p.field-error #description-error { (e) } }
                div #type-fields data-fields="/cases/new/fields" aria-live="polite" {
                    (type_fields(catalog.case_type(form.case_type.trim()), &form.form, errors))
                }
                fieldset {
                    legend { "Invånaren (valfritt)" }
                    label for="personnummer" { "Personnummer" }
                    input #personnummer name="personnummer" value=(form.personnummer) inputmode="numeric" autocomplete="off";
                    label for="name" { "Namn" }
                    input #name name="name" value=(form.name) autocomplete="off";
                    label for="phone" { "Telefon" }
                    input #phone name="phone" value=(form.phone) inputmode="tel" autocomplete="off";
                    @if let Some(e) = contact_err { p.field-error { (e) } }
                    div #person-lookup data-lookup="/cases/new/person" aria-live="polite" {}
                    label for="feedback_channel" { "Återkoppling via" }
                    select #feedback_channel name="feedback_channel" {
                        @for (v, l) in [("", "(ingen)"), ("phone", "Telefon"), ("sms", "SMS"), ("email", "E-post"), ("letter", "Brev")] {
                            option value=(v) selected[v == form.feedback_channel] { (l) }
                        }
                    }
                    @if let Some(e) = err("feedback_channel") { p.field-error { (e) } }
                }
                div.actions {
                    button type="submit" name="action" value="close" { "Spara och stäng – besvarat direkt" }
                    " "
                    button type="submit" name="action" value="open" { "Spara och öppna ärendet" }
                }
            }
        },
    )
}

pub async fn quick_form(State(state): State<AppState>, staff: Staff) -> Result<Markup, PageError> {
    require_desk(&staff)?;
    Ok(quick_page(&state, &staff, &QuickForm::default(), &[]))
}

fn non_empty(s: &str) -> Option<String> {
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
    match state.cases.intake(request, &staff.actor, Utc::now()).await {
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

fn case_page(state: &AppState, staff: &Staff, c: &CaseView, message: Option<Markup>) -> Markup {
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
                "Handläggaren ber om mer underlag",
                question,
                e.author.as_str(),
            ))),
            EntryBody::HandoverReturned { reason, .. } => Some(Some((
                "Handläggaren returnerade ärendet",
                reason,
                e.author.as_str(),
            ))),
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
    layout(
        staff.lang,
        &c.number,
        Some(staff),
        html! {
            h1 { (c.number) " – " (c.case_type_name_sv.as_deref().unwrap_or(&c.case_type)) }
            @if let Some(m) = message { div.message role="status" { (m) } }
            dl.facts {
                dt { "Status" } dd { (status_sv(&c.status)) @if let Some(r) = &c.resolution { " (" (resolution_sv(r)) ")" } }
                dt { "Ansvarig nämnd" } dd { (c.board_name_sv.as_deref().unwrap_or(&c.board)) }
                dt { "Stadsdel" } dd { (c.district_name.as_deref().unwrap_or("–")) }
                dt { "Kanal" } dd { (c.channel) }
                dt { "Återkoppling senast" } dd { (c.feedback_deadline.map_or("–".to_owned(), |d| d.to_string())) " via " (c.feedback_channel.as_deref().unwrap_or("–")) }
                dt { "Tilldelat" } dd { (c.assignee.group.as_deref().and_then(|g| catalog.group(g)).map_or("–", |g| g.name_sv.as_str())) }
                dt { "Invånare" } dd {
                    @if c.contact.protected_identity && c.contact.name.as_deref() == Some(crate::views::PROTECTED_NAME) {
                        strong { (crate::views::PROTECTED_NAME) }
                    } @else {
                        (c.contact.name.as_deref().unwrap_or("–"))
                        @if let Some(p) = &c.contact.personnummer { " · " (p) }
                        @if let Some(p) = &c.contact.phone { " · " (p) }
                        @if c.contact.kind == "person" { " · " a href=(format!("/cases/{}/person", c.number)) { "Kontakthistorik" } }
                    }
                }
            }
            @if let (Some((what, text, who)), None) = (came_back, my_officer_group) {
                @if c.status != "closed" && c.status != "handed_over" {
                    div.callout role="note" {
                        h2 { (what) }
                        p { (text) } p.author { "– " (who) }
                    }
                }
            }
            h2 { "Beskrivning" }
            p.description { (c.description) }
            @if let Some(t) = case_type.filter(|t| !t.fields.is_empty()) {
                h2 { "Uppgifter" }
                dl.facts {
                    @for f in &t.fields {
                        dt { (f.label_sv) }
                        dd { (form_value_sv(f, c.form.get(&f.code))) }
                    }
                }
            }
            @if let Some(g) = case_type.and_then(|t| t.guidance_sv.as_deref()) {
                aside.guidance { h2 { "Vägledning" } p { (g) } }
            }
            @let attachments: Vec<(&str, &str, u64)> = c.entries.iter().filter_map(|e| match &e.body {
                EntryBody::Attachment { file_name, sha256, size, .. } => Some((file_name.as_str(), sha256.as_str(), *size)),
                _ => None,
            }).collect();
            @if !attachments.is_empty() {
                h2 { "Bilagor" }
                ul.attachments {
                    @for (name, sha, size) in &attachments {
                        li { a href=(format!("/api/v1/cases/{}/attachments/{sha}", c.number)) download=(name) { (name) } " (" (human_size(*size)) ")" }
                    }
                }
            }
            @if !c.related.is_empty() {
                h2 { "Kopplade ärenden" }
                ul { @for r in &c.related { li { a href=(format!("/cases/{r}")) { (r) } } } }
            }
            h2 { "Händelser " span lang="en" { "(Timeline)" } }
            ol.timeline {
                @for e in &c.entries {
                    li {
                        time datetime=(e.at.to_rfc3339()) { (kontakt_domain::calendar::stockholm_local(e.at).format("%Y-%m-%d %H:%M")) }
                        " " strong { (entry_kind_sv(&e.body)) } " " span.author { (e.author) }
                        p { (e.summary()) }
                    }
                }
            }
            @if let (Some(_), true) = (my_officer_group, c.status != "closed") {
                (officer_panel(c, csrf, &base))
            }
            @if c.status != "closed" {
                section.actions-panel {
                    h2 { "Svara invånaren" }
                    form method="post" action=(format!("{base}/reply")) {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="reply" { "Svar" }
                        textarea #reply name="text" rows="3" required {}
                        label for="reply-channel" { "Skickas via" }
                        select #reply-channel name="channel" {
                            @for (v, l) in [("email", "E-post"), ("sms", "SMS"), ("phone", "Telefon (samtal)"), ("letter", "Brev")] {
                                option value=(v) selected[c.feedback_channel.as_deref() == Some(v)] { (l) }
                            }
                        }
                        button type="submit" { "Registrera svaret" }
                    }
                    h2 { "Arbetsläge" }
                    div.inline-forms {
                        @for (status, label) in [("in_progress", "Pågår"), ("waiting_for_resident", "Väntar på invånaren")] {
                            @if c.status != status {
                                form.inline method="post" action=(format!("{base}/status")) {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="version" value=(c.version);
                                    input type="hidden" name="status" value=(status);
                                    button type="submit" { "Sätt till: " (label) }
                                }
                            }
                        }
                    }
                    h2 { "Återkopplingsdatum" }
                    form method="post" action=(format!("{base}/deadline")) {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="deadline" { "Nytt datum" }
                        input #deadline type="date" name="deadline" required value=[c.feedback_deadline];
                        label for="deadline-reason" { "Skäl (visas i händelserna)" }
                        input #deadline-reason name="reason" required;
                        button type="submit" { "Ändra datum" }
                    }
                    h2 { "Bifoga fil" }
                    form method="post" action=(format!("{base}/attach")) enctype="multipart/form-data" {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="file" { "Fil (högst 10 MB)" }
                        input #file type="file" name="file" required;
                        button type="submit" { "Bifoga" }
                    }
                    h2 { "Koppla till annat ärende" }
                    form method="post" action=(format!("{base}/link")) {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="link-case" { "Ärendenummer (KC-ÅÅÅÅ-NNNNNN)" }
                        input #link-case name="case" required autocomplete="off" spellcheck="false";
                        button type="submit" { "Koppla" }
                    }
                    h2 { "Anteckning" }
                    form method="post" action=(format!("{base}/note")) {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="note" { "Ny anteckning" }
                        textarea #note name="text" rows="3" required {}
                        button type="submit" { "Spara anteckning" }
                    }
                    @if !officer_groups.is_empty() && c.status != "handed_over" && my_officer_group.is_none() {
                        h2 { "Lämna över till handläggare" }
                        form method="post" action=(format!("{base}/handover")) {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="version" value=(c.version);
                            label for="group" { "Grupp" }
                            select #group name="group" {
                                @for g in &officer_groups {
                                    option value=(g.code) selected[default_group.as_deref() == Some(g.code.as_str())] { (g.name_sv) }
                                }
                            }
                            label for="summary" { "Sammanfattning: vad invånaren sa och fick veta (obligatorisk)" }
                            textarea #summary name="summary" rows="4" required {}
                            button type="submit" { "Lämna över" }
                        }
                    }
                    @if my_officer_group.is_none() {
                    h2 { "Avsluta" }
                    form #close-form method="post" action=(format!("{base}/status")) {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="version" value=(c.version);
                        input type="hidden" name="status" value="closed";
                        label for="resolution" { "Utfall" }
                        select #resolution name="resolution" {
                            @if c.handed_over {
                                option value="handed_over" { "Besvarat av handläggare efter överlämning" }
                            }
                            option value="resolved_in_centre" { "Löst i kontaktcenter" }
                            option value="referred_elsewhere" { "Hänvisat till annan" }
                        }
                        button type="submit" { "Avsluta ärendet" }
                    }
                    }
                }
            }
        },
    )
}

/// The officer's answers to a hand-over: accept, ask the centre for more,
/// return with a reason, or close with the answer given.
fn officer_panel(c: &CaseView, csrf: &str, base: &str) -> Markup {
    let action = format!("{base}/respond");
    html! {
        section.actions-panel.officer aria-labelledby="officer-heading" {
            h2 #officer-heading { "Handläggarens svar " span lang="en" { "(Officer's answer)" } }
            @if c.status == "handed_over" {
                form method="post" action=(action) {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="version" value=(c.version);
                    input type="hidden" name="action" value="accept";
                    button #accept type="submit" { "Ta emot ärendet" }
                }
            }
            form method="post" action=(action) {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="version" value=(c.version);
                input type="hidden" name="action" value="answer_and_close";
                label for="answer" { "Svar till invånaren (avslutar ärendet)" }
                textarea #answer name="text" rows="4" required {}
                label for="answer-channel" { "Svaret gavs via" }
                select #answer-channel name="channel" {
                    @for (v, l) in [("email", "E-post"), ("sms", "SMS"), ("phone", "Telefon (samtal)"), ("letter", "Brev")] {
                        option value=(v) selected[c.feedback_channel.as_deref() == Some(v)] { (l) }
                    }
                }
                button type="submit" { "Avsluta med svar" }
            }
            form method="post" action=(action) {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="version" value=(c.version);
                input type="hidden" name="action" value="request_info";
                label for="question" { "Be kontaktcenter om mer underlag: vad saknas?" }
                textarea #question name="text" rows="2" required {}
                button type="submit" { "Skicka frågan" }
            }
            form method="post" action=(action) {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="version" value=(c.version);
                input type="hidden" name="action" value="return";
                label for="return-reason" { "Returnera till kontaktcenter: skäl" }
                textarea #return-reason name="text" rows="2" required {}
                button type="submit" { "Returnera ärendet" }
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
    Ok(case_page(&state, &staff, &view, None))
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
    Ok(layout(
        staff.lang,
        "Person",
        Some(&staff),
        html! {
            h1 { (p.name.as_deref().unwrap_or("Okänd person")) }
            p { a href=(format!("/cases/{}", view.number)) { "Tillbaka till " (view.number) } }
            dl.facts {
                dt { "Personnummer" } dd { (p.personnummer.as_deref().unwrap_or("–")) }
                dt { "Telefon" } dd { (p.phone.as_deref().unwrap_or("–")) }
                dt { "E-post" } dd { (p.email.as_deref().unwrap_or("–")) }
                dt { "Språk" } dd { (p.preferred_language.as_deref().unwrap_or("–")) }
                dt { "Återkoppling via (senaste ärendet)" } dd { (view.feedback_channel.as_deref().unwrap_or("–")) }
                @if p.protected_identity { dt { "Skyddad identitet" } dd { strong { "Ja – lämna inga uppgifter vidare" } } }
            }
            @if p.personnummer.is_some() {
                (case_table(&state, &history, &format!("Kontakthistorik: {} ärenden du får se", history.len())))
            } @else {
                p { "Utan personnummer kan kontakthistoriken inte visas." }
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

async fn after_change(
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
            Ok(case_page(state, staff, &view, Some(html! { p { (done) } })).into_response())
        }
        Err(e @ (CaseError::Invalid(_) | CaseError::Rule(_) | CaseError::Conflict)) => {
            let message = match &e {
                CaseError::Invalid(errors) => errors
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.reason))
                    .collect::<Vec<_>>()
                    .join("; "),
                CaseError::Conflict => {
                    "Ärendet ändrades av någon annan medan du arbetade. Sidan visar nu det senaste."
                        .to_owned()
                }
                other => other.to_string(),
            };
            let case = state.cases.read(number, &staff.actor, Utc::now()).await?;
            let view = CaseView::new(
                &case,
                state.cases.catalog(),
                staff.session.principal.protected_identity,
            );
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                case_page(
                    state,
                    staff,
                    &view,
                    Some(html! { p.error role="alert" { (message) } }),
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
    let done = "Anteckningen är sparad.";
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
    let done = "Svaret är registrerat.";
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
                reason: "ange ett datum (ÅÅÅÅ-MM-DD)".into(),
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
        "Återkopplingsdatumet är ändrat.",
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
    after_change(&state, &staff, &number, result, "Ärendet är överlämnat.").await
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
        "accept" => "Du har tagit emot ärendet.",
        "answer_and_close" => "Svaret är registrerat och ärendet avslutat.",
        _ => "",
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
        Ok(Some(case)) => after_change(&state, &staff, &number, Ok(case), done).await,
        Err(e) => after_change(&state, &staff, &number, Err(e), done).await,
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
    after_change(&state, &staff, &number, result, "Ärendena är kopplade.").await
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
                let error = bad(&format!("uppladdningen gick inte att läsa: {e}"));
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
                        let error = bad(&format!("filen gick inte att läsa: {e}"));
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
        return after_change(&state, &staff, &number, Err(bad("välj en fil")), "").await;
    };
    if file_name.trim().is_empty() && bytes.is_empty() {
        return after_change(&state, &staff, &number, Err(bad("välj en fil")), "").await;
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
    after_change(&state, &staff, &number, result, "Filen är bifogad.").await
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
    after_change(&state, &staff, &number, result, "Statusen är ändrad.").await
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
fn person_query(input: &str) -> Result<PersonQuery, String> {
    use kontakt_domain::contact::{name_search_prefix, PhoneNumber};
    use kontakt_domain::personnummer::Personnummer;
    let t = input.trim();
    if t.chars().any(char::is_alphabetic) {
        return name_search_prefix(t)
            .map(PersonQuery::Name)
            .ok_or_else(|| "Invånare: skriv minst två bokstäver av namnet".to_owned());
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let has_separator = t.len() >= 5 && matches!(t.as_bytes()[t.len() - 5], b'-' | b'+');
    let looks_like_phone =
        t.starts_with('+') || (t.starts_with('0') && !has_separator && digits.len() != 12);
    if looks_like_phone {
        return PhoneNumber::parse(t)
            .map(PersonQuery::Phone)
            .map_err(|e| format!("Telefonnummer: {e}"));
    }
    Personnummer::parse_today(t)
        .map(PersonQuery::Personnummer)
        .map_err(|e| format!("Personnummer: {e}"))
}

fn search_date(errors: &mut Vec<String>, label: &str, value: &str) -> Option<chrono::NaiveDate> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    match v.parse::<chrono::NaiveDate>() {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(format!("{label}: ange ett datum (ÅÅÅÅ-MM-DD)"));
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
        match person_query(&q.person) {
            Ok(PersonQuery::Personnummer(p)) => filter.personnummer = Some(p),
            Ok(PersonQuery::Phone(p)) => filter.phone = Some(p),
            Ok(PersonQuery::Name(n)) => filter.name_prefix = Some(n),
            Err(e) => errors.push(e),
        }
    }
    if let Some(s) = non_empty(&q.status) {
        match Status::parse(&s) {
            Some(s) => filter.status = Some(s),
            None => errors.push(format!("Status: okänd status {s}")),
        }
    }
    if let Some(c) = non_empty(&q.channel) {
        match Channel::parse(&c) {
            Some(c) => filter.channel = Some(c),
            None => errors.push(format!("Kanal: okänd kanal {c}")),
        }
    }
    let from = search_date(&mut errors, "Från", &q.from);
    let to = search_date(&mut errors, "Till", &q.to);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            errors.push("Från-datumet ligger efter till-datumet".to_owned());
        }
    }
    filter.created_from = from.map(stockholm_midnight);
    filter.created_to = to.and_then(|d| d.succ_opt()).map(stockholm_midnight);
    filter.terms = kontakt_domain::text::search_terms(&q.q);
    if q.q.chars().count() > 200 || filter.terms.len() > 10 {
        errors.push("Fritext: högst 200 tecken och 10 ord".to_owned());
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
        staff.lang,
        "Sök ärenden",
        Some(&staff),
        html! {
            h1 { "Sök ärenden " span lang="en" { "(Search)" } }
            @if !errors.is_empty() { div.error-summary role="alert" { @for e in &errors { p { (e) } } } }
            form.search method="get" action="/search" {
                label for="q" { "Fritext (beskrivning och händelser; böjningsformer hittas)" }
                input #q type="search" name="q" value=(q.q) autofocus;
                div.filters {
                    div { label for="number" { "Ärendenummer" }
                        input #number name="number" placeholder="KC-2026-000123" value=(q.number); }
                    div { label for="s-person" { "Invånare: personnummer, telefon eller namn" }
                        input #s-person name="person" value=(q.person) autocomplete="off"; }
                    div { label for="s-case_type" { "Ärendetyp" }
                        select #s-case_type name="case_type" {
                            option value="" { "(alla)" }
                            @for t in &catalog.case_types { option value=(t.code) selected[t.code == q.case_type] { (t.name_sv) } }
                        } }
                    div { label for="s-board" { "Nämnd" }
                        select #s-board name="board" {
                            option value="" { "(alla)" }
                            @for b in &catalog.boards { option value=(b.code) selected[b.code == q.board] { (b.name_sv) } }
                        } }
                    div { label for="s-district" { "Stadsdel" }
                        select #s-district name="district" {
                            option value="" { "(alla)" }
                            @for d in &catalog.districts { option value=(d.code) selected[d.code == q.district] { (d.name) } }
                        } }
                    div { label for="s-status" { "Status" }
                        select #s-status name="status" {
                            option value="" { "(alla)" }
                            @for s in ["registered", "in_progress", "waiting_for_resident", "handed_over", "closed"] {
                                option value=(s) selected[s == q.status] { (status_sv(s)) }
                            }
                        } }
                    div { label for="s-channel" { "Kanal" }
                        select #s-channel name="channel" {
                            option value="" { "(alla)" }
                            @for c in Channel::ALL { option value=(c.as_str()) selected[c.as_str() == q.channel] { (channel_sv(*c)) } }
                        } }
                    div { label for="s-from" { "Registrerat från" }
                        input #s-from type="date" name="from" value=(q.from); }
                    div { label for="s-to" { "Registrerat till och med" }
                        input #s-to type="date" name="to" value=(q.to); }
                }
                button type="submit" { "Sök" }
            }
            @if searched && errors.is_empty() {
                (case_table(&state, &results, &format!("{} träffar (högst 100 visas)", results.len())))
            }
        },
    );
    Ok((status, page).into_response())
}

fn channel_sv(c: Channel) -> &'static str {
    match c {
        Channel::Phone => "Telefon",
        Channel::Email => "E-post",
        Channel::Sms => "SMS",
        Channel::EService => "E-tjänst",
        Channel::Letter => "Brev",
        Channel::Visit => "Besök",
        Channel::SocialMedia => "Sociala medier",
        Channel::Chat => "Chatt",
    }
}

/// Server-sent events for open desks: an event named `changed` (saying
/// nothing about which case: nothing leaks through it) whenever a case was
/// created or changed, so the start page can reload its queues, which are
/// access-checked like any page.
pub async fn events(
    State(state): State<AppState>,
    _staff: Staff,
) -> axum::response::sse::Sse<
    impl futures_util::Stream<Item = Result<axum::response::sse::Event, std::convert::Infallible>>,
> {
    use axum::response::sse::{Event, KeepAlive, Sse};
    let receiver = state.cases.subscribe();
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
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
    Sse::new(stream).keep_alive(KeepAlive::default())
}
