//! What a resident sees of their case, in plain words: its status, when
//! they hear from the city, and the timeline entries meant for them
//! (`EntryBody::seen_by_resident`) — never internal notes, hand-over
//! summaries or what the centre and the officers said to each other. The
//! agent's "resident view" of a case (`/cases/{number}/resident-view`)
//! shows exactly this, so the agent sees what the resident sees when they
//! call.

use axum::extract::{Path, State};
use chrono::Utc;
use kontakt_domain::case::{Channel, EntryBody, FeedbackChannel, Status};
use kontakt_domain::catalog::{Catalog, GroupKind};
use kontakt_store::CaseRecord;
use maud::{html, Markup};

use crate::desk::require_desk;
use crate::i18n::ResidentLang;
use crate::pages::{layout, PageError};
use crate::session::Staff;
use crate::AppState;

/// A name the catalog has in Swedish and English only: in the page's
/// language when it is one of them, else in English marked as such, so a
/// screen reader pronounces it right.
pub(crate) fn catalog_text(lang: ResidentLang, sv: &str, en: &str) -> Markup {
    match lang {
        ResidentLang::Sv => html! { (sv) },
        ResidentLang::En => html! { (en) },
        _ => html! { span lang="en" dir="ltr" { (en) } },
    }
}

/// How a contact reached the city, in the resident's words.
pub(crate) fn channel_words(lang: ResidentLang, c: Channel) -> String {
    lang.t(match c {
        Channel::Phone => "resident-via-phone",
        Channel::Email => "resident-via-email",
        Channel::Sms => "resident-via-sms",
        Channel::EService => "resident-via-e-service",
        Channel::Letter => "resident-via-letter",
        Channel::Visit => "resident-via-visit",
        Channel::SocialMedia => "resident-via-social-media",
        Channel::Chat => "resident-via-chat",
        Channel::Open311 => "resident-via-open311",
    })
}

/// How the resident hears back, in their words.
pub(crate) fn feedback_words(lang: ResidentLang, c: Option<FeedbackChannel>) -> String {
    lang.t(match c {
        Some(FeedbackChannel::Email) => "ms-channel-email",
        Some(FeedbackChannel::Sms) => "ms-channel-sms",
        Some(FeedbackChannel::Phone) => "ms-channel-phone",
        Some(FeedbackChannel::Letter) => "ms-channel-letter",
        None => "ms-channel-none",
    })
}

/// The case's status as the resident reads it.
pub(crate) fn status_words(lang: ResidentLang, catalog: &Catalog, case: &CaseRecord) -> Markup {
    html! {
        @match case.status {
            Status::Registered => (lang.t("resident-status-registered")),
            Status::InProgress => (lang.t("resident-status-in-progress")),
            Status::WaitingForResident => (lang.t("resident-status-waiting")),
            Status::HandedOver => (handed_over(lang, "resident-status-handed-over", catalog, case.assignee_group.as_deref())),
            Status::Closed => (lang.t("resident-status-closed")),
        }
    }
}

/// "… passed to <the administration>", the name marked in its own language.
fn handed_over(lang: ResidentLang, id: &str, catalog: &Catalog, group: Option<&str>) -> Markup {
    const MARK: &str = "\u{1}";
    let sentence = lang.ta(id, &[("to", &MARK)]);
    let (before, after) = sentence.split_once(MARK).unwrap_or((&sentence, ""));
    html! { (before) (administration(lang, catalog, group)) (after) }
}

/// The board whose administration a group works for, as residents know it.
fn administration(lang: ResidentLang, catalog: &Catalog, group: Option<&str>) -> Markup {
    match group
        .and_then(|g| catalog.group(g))
        .and_then(|g| match &g.kind {
            GroupKind::Officer { board } => catalog.board(board),
            GroupKind::Answer { .. } => None,
        }) {
        Some(b) => catalog_text(lang, &b.name_sv, &b.name_en),
        None => html! { (lang.t("resident-the-city")) },
    }
}

/// A date as every language reads it unambiguously (ISO 8601).
pub(crate) fn date(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// One entry in the resident's words, or nothing if it is not theirs to see.
fn entry_words(
    lang: ResidentLang,
    catalog: &Catalog,
    author: &str,
    body: &EntryBody,
) -> Option<Markup> {
    if !body.seen_by_resident(author) {
        return None;
    }
    Some(match body {
        EntryBody::Registered { channel, .. } => {
            html! { (lang.ta("resident-entry-registered", &[("channel", &channel_words(lang, *channel))])) }
        }
        EntryBody::MessageIn { text, .. } => {
            html! { strong { (lang.t("resident-entry-you-wrote")) } p.message dir="auto" { (text) } }
        }
        EntryBody::MessageOut { text, .. } => {
            html! { strong { (lang.t("resident-entry-we-wrote")) } p.message dir="auto" { (text) } }
        }
        EntryBody::Attachment { file_name, .. } => {
            html! { (lang.ta("resident-entry-document", &[("name", file_name)])) }
        }
        EntryBody::StatusChanged { to, .. } => match to {
            Status::Closed => html! { (lang.t("resident-entry-closed")) },
            Status::WaitingForResident => html! { (lang.t("resident-entry-waiting")) },
            _ => html! { (lang.t("resident-entry-in-progress")) },
        },
        EntryBody::HandedOver { group, .. } => {
            handed_over(lang, "resident-entry-handed-over", catalog, Some(group))
        }
        EntryBody::HandoverAccepted { .. } => html! { (lang.t("resident-entry-taken-on")) },
        EntryBody::FeedbackDeadlineChanged { deadline, .. } => html! {
            (lang.ta("resident-entry-new-date", &[("date", &date(*deadline))]))
        },
        EntryBody::FeedbackChannelChanged { to, .. } => html! {
            (lang.ta("resident-entry-feedback-channel", &[("channel", &feedback_words(lang, Some(*to)))]))
        },
        EntryBody::CallbackRequested { .. } => html! { (lang.t("resident-entry-callback")) },
        _ => return None,
    })
}

/// The case's type, as the resident reads it.
pub(crate) fn type_words(lang: ResidentLang, catalog: &Catalog, case_type: &str) -> Markup {
    match catalog.case_type(case_type) {
        Some(t) => catalog_text(lang, &t.name_sv, &t.name_en),
        None => html! { (case_type) },
    }
}

/// The case as the resident sees it.
pub fn resident_case(lang: ResidentLang, catalog: &Catalog, case: &CaseRecord) -> Markup {
    html! {
        dl.facts {
            dt { (lang.t("resident-case")) } dd { (case.number) " – " (type_words(lang, catalog, &case.case_type)) }
            dt { (lang.t("resident-about")) } dd { bdi { (case.description) } }
            dt { (lang.t("resident-status")) } dd { (status_words(lang, catalog, case)) }
            @if case.status != Status::Closed {
                @if let Some(d) = case.feedback_deadline {
                    dt { (lang.t("resident-feedback-by")) } dd { (date(d)) }
                }
            }
        }
        h2 { (lang.t("resident-timeline")) }
        ol.timeline {
            @for e in &case.entries {
                @if let Some(words) = entry_words(lang, catalog, &e.author, &e.body) {
                    li {
                        time datetime=(e.at.to_rfc3339()) dir="ltr" { (kontakt_domain::calendar::stockholm_minute(e.at)) }
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
            (resident_case(ResidentLang::from(lang), state.cases.catalog(), &case))
        },
    ))
}
