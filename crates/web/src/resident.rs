//! What a resident sees of their case, in plain words: its status, when
//! they hear from the city, and the timeline entries meant for them
//! (`EntryBody::seen_by_resident`) — never internal notes, hand-over
//! summaries or what the centre and the officers said to each other. The
//! agent's "resident view" of a case (`/cases/{number}/resident-view`)
//! shows exactly this, so the agent sees what the resident sees when they
//! call.

use axum::extract::{Path, State};
use chrono::Utc;
use kontakt_domain::case::{EntryBody, Status};
use kontakt_domain::catalog::{Catalog, GroupKind};
use kontakt_store::CaseRecord;
use maud::{html, Markup};

use crate::desk::{channel_name, pick, require_desk};
use crate::i18n::Lang;
use crate::pages::{layout, PageError};
use crate::session::Staff;
use crate::AppState;

/// The case's status as the resident reads it.
fn status_words(lang: Lang, catalog: &Catalog, case: &CaseRecord) -> String {
    match case.status {
        Status::Registered => lang.t("resident-status-registered"),
        Status::InProgress => lang.t("resident-status-in-progress"),
        Status::WaitingForResident => lang.t("resident-status-waiting"),
        Status::HandedOver => lang.ta(
            "resident-status-handed-over",
            &[(
                "to",
                &administration(lang, catalog, case.assignee_group.as_deref()),
            )],
        ),
        Status::Closed => lang.t("resident-status-closed"),
    }
}

/// The board whose administration a group works for, as residents know it.
fn administration(lang: Lang, catalog: &Catalog, group: Option<&str>) -> String {
    group
        .and_then(|g| catalog.group(g))
        .and_then(|g| match &g.kind {
            GroupKind::Officer { board } => catalog.board(board),
            GroupKind::Answer { .. } => None,
        })
        .map_or_else(
            || lang.t("resident-the-city"),
            |b| pick(lang, &b.name_sv, &b.name_en).to_owned(),
        )
}

/// One entry in the resident's words, or nothing if it is not theirs to see.
fn entry_words(lang: Lang, catalog: &Catalog, author: &str, body: &EntryBody) -> Option<Markup> {
    if !body.seen_by_resident(author) {
        return None;
    }
    Some(match body {
        EntryBody::Registered { channel, .. } => {
            html! { (lang.ta("resident-entry-registered", &[("channel", &channel_name(lang, *channel).to_lowercase())])) }
        }
        EntryBody::MessageIn { text, .. } => {
            html! { strong { (lang.t("resident-entry-you-wrote")) } p.message { (text) } }
        }
        EntryBody::MessageOut { text, .. } => {
            html! { strong { (lang.t("resident-entry-we-wrote")) } p.message { (text) } }
        }
        EntryBody::Attachment { file_name, .. } => {
            html! { (lang.ta("resident-entry-document", &[("name", file_name)])) }
        }
        EntryBody::StatusChanged { to, .. } => match to {
            Status::Closed => html! { (lang.t("resident-entry-closed")) },
            Status::WaitingForResident => html! { (lang.t("resident-entry-waiting")) },
            _ => html! { (lang.t("resident-entry-in-progress")) },
        },
        EntryBody::HandedOver { group, .. } => html! {
            (lang.ta("resident-entry-handed-over", &[("to", &administration(lang, catalog, Some(group)))]))
        },
        EntryBody::HandoverAccepted { .. } => html! { (lang.t("resident-entry-taken-on")) },
        EntryBody::FeedbackDeadlineChanged { deadline, .. } => html! {
            (lang.ta("resident-entry-new-date", &[("date", &deadline.to_string())]))
        },
        _ => return None,
    })
}

/// The case as the resident sees it.
pub fn resident_case(lang: Lang, catalog: &Catalog, case: &CaseRecord) -> Markup {
    let type_name = catalog
        .case_type(&case.case_type)
        .map_or(case.case_type.as_str(), |t| {
            pick(lang, &t.name_sv, &t.name_en)
        });
    html! {
        dl.facts {
            dt { (lang.t("resident-case")) } dd { (case.number) " – " (type_name) }
            dt { (lang.t("resident-status")) } dd { (status_words(lang, catalog, case)) }
            @if case.status != Status::Closed {
                @if let Some(d) = case.feedback_deadline {
                    dt { (lang.t("resident-feedback-by")) } dd { (d) }
                }
            }
        }
        h2 { (lang.t("resident-timeline")) }
        ol.timeline {
            @for e in &case.entries {
                @if let Some(words) = entry_words(lang, catalog, &e.author, &e.body) {
                    li {
                        time datetime=(e.at.to_rfc3339()) { (kontakt_domain::calendar::stockholm_minute(e.at)) }
                        " " (words)
                    }
                }
            }
        }
    }
}

/// `GET /cases/{number}/resident-view`: what the resident sees of the
/// case (a read like any other: access-checked and audited).
pub async fn resident_view(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<Markup, PageError> {
    require_desk(&staff)?;
    let case = state.cases.read(&number, &staff.actor, Utc::now()).await?;
    let lang = staff.lang;
    let title = lang.ta(
        "resident-view-title",
        &[("number", &case.number.to_string())],
    );
    Ok(layout(
        lang,
        &title,
        Some(&staff),
        html! {
            p { a href=(format!("/cases/{}", case.number)) { (lang.t("resident-view-back")) } }
            h1 { (title) }
            p.hint { (lang.t("resident-view-intro")) }
            (resident_case(lang, state.cases.catalog(), &case))
        },
    ))
}
