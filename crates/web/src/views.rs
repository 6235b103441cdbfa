//! What the API returns: records shaped for clients, with catalog names
//! resolved. Personal data of a protected person is replaced here, the one
//! place every case read passes through.

use chrono::{DateTime, NaiveDate, Utc};
use kontakt_domain::case::EntryBody;
use kontakt_domain::catalog::{CaseType, Catalog, CentreLevel, FormField};
use kontakt_store::{CaseRecord, CaseSummary, ContactRecord, EntryRecord};
use serde::Serialize;
use utoipa::ToSchema;

/// Shown instead of a protected person's name.
pub const PROTECTED_NAME: &str = "Skyddad identitet";

#[derive(Serialize, ToSchema)]
pub struct CaseTypeView {
    pub code: String,
    pub name_sv: String,
    pub name_en: String,
    pub synonyms: Vec<String>,
    pub service_area: String,
    /// The responsible board's code, or null when it follows the case's district.
    pub board: Option<String>,
    pub board_by_district: bool,
    #[schema(value_type = String)]
    pub centre_level: CentreLevel,
    pub feedback_days: u32,
    pub retention_months: u32,
    pub confidential: bool,
    pub public: bool,
    pub guidance_sv: Option<String>,
    pub guidance_en: Option<String>,
    #[schema(value_type = Vec<Object>)]
    pub fields: Vec<FormField>,
}

impl CaseTypeView {
    pub fn new(ct: &CaseType) -> Self {
        let board = match &ct.responsible {
            kontakt_domain::catalog::Responsible::Board(b) => Some(b.clone()),
            kontakt_domain::catalog::Responsible::DistrictBoard => None,
        };
        CaseTypeView {
            code: ct.code.clone(),
            name_sv: ct.name_sv.clone(),
            name_en: ct.name_en.clone(),
            synonyms: ct.synonyms.clone(),
            service_area: ct.service_area.clone(),
            board_by_district: board.is_none(),
            board,
            centre_level: ct.centre_level,
            feedback_days: ct.feedback_days,
            retention_months: ct.retention_months,
            confidential: ct.confidential,
            public: ct.public,
            guidance_sv: ct.guidance_sv.clone(),
            guidance_en: ct.guidance_en.clone(),
            fields: ct.fields.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ContactView {
    /// person, organisation or anonymous.
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personnummer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_language: Option<String>,
    pub protected_identity: bool,
}

impl ContactView {
    /// `may_see_protected`: whether the caller holds the permission to see
    /// a protected person's details.
    pub fn new(c: &ContactRecord, may_see_protected: bool) -> Self {
        match c {
            ContactRecord::Anonymous => ContactView {
                kind: "anonymous",
                name: None,
                personnummer: None,
                org_number: None,
                phone: None,
                email: None,
                preferred_language: None,
                protected_identity: false,
            },
            ContactRecord::Person(p) if p.protected_identity && !may_see_protected => ContactView {
                kind: "person",
                name: Some(PROTECTED_NAME.into()),
                personnummer: None,
                org_number: None,
                phone: None,
                email: None,
                preferred_language: None,
                protected_identity: true,
            },
            ContactRecord::Person(p) => ContactView {
                kind: "person",
                name: p.name.clone(),
                personnummer: p.personnummer.as_ref().map(|x| x.to_string()),
                org_number: None,
                phone: p.phone.as_ref().map(|x| x.to_string()),
                email: p.email.as_ref().map(|x| x.to_string()),
                preferred_language: p.preferred_language.as_ref().map(|x| x.to_string()),
                protected_identity: p.protected_identity,
            },
            ContactRecord::Organisation(o) => ContactView {
                kind: "organisation",
                name: o.name.clone(),
                personnummer: None,
                org_number: Some(o.org_number.to_string()),
                phone: o.phone.as_ref().map(|x| x.to_string()),
                email: o.email.as_ref().map(|x| x.to_string()),
                preferred_language: None,
                protected_identity: false,
            },
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct EntryView {
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub author: String,
    /// The entry: `kind` plus the fields of that kind.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub body: EntryBody,
}

impl EntryView {
    /// One line for people reading a timeline (the desk, the register
    /// extract): what was written or said, or what happened.
    pub fn summary(&self) -> String {
        match &self.body {
            EntryBody::Attachment { file_name, .. } => file_name.clone(),
            EntryBody::HandedOver { group, summary } => format!("{group}: {summary}"),
            EntryBody::StatusChanged { to, reason, .. } => match reason {
                Some(r) => format!("{} ({r})", to.as_str()),
                None => to.as_str().to_owned(),
            },
            EntryBody::Linked { case } => case.to_string(),
            EntryBody::HandoverAccepted { group } => group.clone(),
            EntryBody::InfoRequested { group, question } => format!("{group}: {question}"),
            EntryBody::HandoverReturned { group, reason } => format!("{group}: {reason}"),
            EntryBody::FeedbackChannelChanged { to, .. } => to.as_str().to_owned(),
            EntryBody::CallbackRequested { phone, when } => match phone {
                Some(p) => format!("{} ({when})", p.national()),
                None => when.clone(),
            },
            other => other.text().unwrap_or_default().to_owned(),
        }
    }

    fn new(e: &EntryRecord) -> Self {
        EntryView {
            seq: e.seq,
            at: e.at,
            author: e.author.clone(),
            body: e.body.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Assignee {
    pub group: Option<String>,
    pub person: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CaseView {
    /// The case number, e.g. KC-2026-000123.
    pub number: String,
    /// Increases with every change; pass it back as `expected_version`.
    pub version: i64,
    pub case_type: String,
    pub case_type_name_sv: Option<String>,
    pub case_type_name_en: Option<String>,
    pub board: String,
    pub board_name_sv: Option<String>,
    pub service_area: String,
    pub district: Option<String>,
    pub district_name: Option<String>,
    pub channel: String,
    pub status: String,
    pub resolution: Option<String>,
    pub assignee: Assignee,
    pub contact: ContactView,
    pub feedback_channel: Option<String>,
    pub feedback_deadline: Option<NaiveDate>,
    pub description: String,
    #[schema(value_type = Object)]
    pub form: serde_json::Map<String, serde_json::Value>,
    pub confidential: bool,
    pub handed_over: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub related: Vec<String>,
    pub entries: Vec<EntryView>,
    /// What was sent (or waits to be sent) to the resident, and where each
    /// message stands.
    pub messages: Vec<MessageView>,
}

/// A message to the resident: an acknowledgement or a reply.
#[derive(Serialize, ToSchema)]
pub struct MessageView {
    /// "email" or "sms".
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// "queued", "sent", "delivered" or "failed".
    pub state: String,
    pub attempts: u32,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl CaseView {
    pub fn new(c: &CaseRecord, catalog: &Catalog, may_see_protected: bool) -> Self {
        let ct = catalog.case_type(&c.case_type);
        CaseView {
            number: c.number.to_string(),
            version: c.version,
            case_type: c.case_type.clone(),
            case_type_name_sv: ct.map(|t| t.name_sv.clone()),
            case_type_name_en: ct.map(|t| t.name_en.clone()),
            board: c.board.clone(),
            board_name_sv: catalog.board(&c.board).map(|b| b.name_sv.clone()),
            service_area: c.service_area.clone(),
            district: c.district.clone(),
            district_name: c
                .district
                .as_deref()
                .and_then(|d| catalog.district(d))
                .map(|d| d.name.clone()),
            channel: c.channel.to_string(),
            status: c.status.to_string(),
            resolution: c.resolution.map(|r| r.to_string()),
            assignee: Assignee {
                group: c.assignee_group.clone(),
                person: c.assignee_person.clone(),
            },
            contact: ContactView::new(&c.contact, may_see_protected),
            feedback_channel: c.feedback_channel.map(|f| f.to_string()),
            feedback_deadline: c.feedback_deadline,
            description: c.description.clone(),
            form: c.form.clone(),
            confidential: c.confidential,
            handed_over: c.handed_over,
            created_at: c.created_at,
            updated_at: c.updated_at,
            closed_at: c.closed_at,
            related: c.related.iter().map(|n| n.to_string()).collect(),
            entries: c.entries.iter().map(EntryView::new).collect(),
            messages: c
                .outbox
                .iter()
                .map(|m| MessageView {
                    channel: m.channel.to_string(),
                    // A protected person's address is theirs alone to know.
                    recipient: if hides_protected(&c.contact, may_see_protected) {
                        PROTECTED_NAME.into()
                    } else {
                        m.recipient.clone()
                    },
                    subject: m.subject.clone(),
                    body: m.body.clone(),
                    state: m.state.to_string(),
                    attempts: m.attempts,
                    last_error: if hides_protected(&c.contact, may_see_protected) {
                        m.last_error.as_ref().map(|_| PROTECTED_NAME.into())
                    } else {
                        m.last_error.clone()
                    },
                    created_at: m.created_at,
                    sent_at: m.sent_at,
                })
                .collect(),
        }
    }
}

fn hides_protected(contact: &ContactRecord, may_see_protected: bool) -> bool {
    !may_see_protected && matches!(contact, ContactRecord::Person(p) if p.protected_identity)
}

/// A case in a list: no personal data and no free text.
#[derive(Serialize, ToSchema)]
pub struct CaseSummaryView {
    pub number: String,
    pub case_type: String,
    pub board: String,
    pub district: Option<String>,
    pub channel: String,
    pub status: String,
    pub resolution: Option<String>,
    pub assignee_group: Option<String>,
    pub contact_kind: String,
    pub feedback_deadline: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&CaseSummary> for CaseSummaryView {
    fn from(s: &CaseSummary) -> Self {
        CaseSummaryView {
            number: s.number.to_string(),
            case_type: s.case_type.clone(),
            board: s.board.clone(),
            district: s.district.clone(),
            channel: s.channel.to_string(),
            status: s.status.to_string(),
            resolution: s.resolution.map(|r| r.to_string()),
            assignee_group: s.assignee_group.clone(),
            contact_kind: s.contact_kind.to_string(),
            feedback_deadline: s.feedback_deadline,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CaseList {
    pub items: Vec<CaseSummaryView>,
    /// Pass as `before` to get the next page; absent on the last page.
    pub next_before: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct IntakeResult {
    /// The case number of the new case, or of the case the contact was added to.
    pub number: String,
    /// True when the contact was added to an existing case.
    pub attached: bool,
    pub status: String,
    pub feedback_deadline: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct EntryAdded {
    pub number: String,
    pub seq: u32,
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntryView {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub purpose: String,
    pub client: String,
    pub outcome: &'static str,
    pub operation_id: String,
    /// `protected_identity`, `after_hours`.
    pub flags: Vec<&'static str>,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewView {
    pub board: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// More entries than one review reads; narrow the period.
    pub truncated: bool,
    pub entries: Vec<AuditEntryView>,
    /// Ids of lookups (or attempts) of persons with protected identity.
    pub protected_lookups: Vec<i64>,
    /// Ids of lookups outside 07–18 on working days.
    pub after_hours: Vec<i64>,
    /// Users far above their peers' volume in the period.
    #[schema(value_type = Vec<Object>)]
    pub unusual_volumes: Vec<kontakt_app::review::UserVolume>,
}

impl ReviewView {
    pub fn new(r: &kontakt_app::review::Review) -> Self {
        let entries = r
            .entries
            .iter()
            .map(|e| {
                let mut flags = Vec::new();
                if r.protected.contains(&e.id) {
                    flags.push("protected_identity");
                }
                if r.after_hours.contains(&e.id) {
                    flags.push("after_hours");
                }
                AuditEntryView {
                    id: e.id,
                    at: e.event.at,
                    actor: e.event.actor.clone(),
                    action: e.event.action.clone(),
                    object_type: e.event.object_type.clone(),
                    object_id: e.event.object_id.clone(),
                    purpose: e.event.purpose.clone(),
                    client: e.event.client.clone(),
                    outcome: e.event.outcome.as_str(),
                    operation_id: e.event.operation_id.clone(),
                    flags,
                }
            })
            .collect();
        ReviewView {
            board: r.board.clone(),
            from: r.from,
            to: r.to,
            truncated: r.truncated,
            entries,
            protected_lookups: r.protected.clone(),
            after_hours: r.after_hours.clone(),
            unusual_volumes: r.unusual.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RegisterExtractView {
    pub generated_at: DateTime<Utc>,
    pub person: ContactView,
    pub cases: Vec<CaseView>,
    /// Changes made to the person's details, oldest first.
    pub rectifications: Vec<RectificationView>,
}

/// One rectified detail: what it was, what it became, who, when, why.
#[derive(Serialize, ToSchema)]
pub struct RectificationView {
    pub at: DateTime<Utc>,
    pub by: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: String,
}

impl RectificationView {
    pub fn new(r: &kontakt_store::rights::RectificationRecord) -> Self {
        RectificationView {
            at: r.at,
            by: r.actor.clone(),
            field: r.field.clone(),
            old_value: r.old_value.clone(),
            new_value: r.new_value.clone(),
            reason: r.reason.clone(),
        }
    }
}

impl RegisterExtractView {
    pub fn new(e: &kontakt_app::cases::RegisterExtract, catalog: &Catalog) -> Self {
        RegisterExtractView {
            generated_at: e.generated_at,
            person: ContactView::new(&ContactRecord::Person(e.person.clone()), true),
            cases: e
                .cases
                .iter()
                .map(|c| CaseView::new(c, catalog, true))
                .collect(),
            rectifications: e
                .rectifications
                .iter()
                .map(RectificationView::new)
                .collect(),
        }
    }

    /// A plain, accessible HTML document for the resident (Swedish first,
    /// English second), printable as it is.
    pub fn to_html(&self) -> String {
        let p = &self.person;
        let mut out = String::from(
            "<!doctype html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Registerutdrag – Register extract</title>\
             <style>body{font-family:sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;line-height:1.5}\
             table{border-collapse:collapse;width:100%}th,td{border:1px solid #555;padding:.3rem;text-align:left;vertical-align:top}</style>\
             </head><body><main>\n<h1>Registerutdrag <span lang=\"en\">(Register extract)</span></h1>\n",
        );
        out += &format!(
            "<p>Framställt {} <span lang=\"en\">(made)</span>. Uppgifter som Stockholms stads kontaktcenter behandlar om dig.</p>\n",
            esc(&self.generated_at.format("%Y-%m-%d %H:%M UTC").to_string())
        );
        out += "<h2>Personuppgifter <span lang=\"en\">(Personal data)</span></h2>\n<table>\n";
        for (label, value) in [
            ("Namn (name)", p.name.clone()),
            (
                "Personnummer (personal identity number)",
                p.personnummer.clone(),
            ),
            ("Telefon (phone)", p.phone.clone()),
            ("E-post (e-mail)", p.email.clone()),
            ("Språk (language)", p.preferred_language.clone()),
            (
                "Skyddad identitet (protected identity)",
                Some(
                    if p.protected_identity {
                        "ja (yes)"
                    } else {
                        "nej (no)"
                    }
                    .into(),
                ),
            ),
        ] {
            out += &format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n",
                esc(label),
                esc(value.as_deref().unwrap_or("–"))
            );
        }
        out += "</table>\n";
        out += &format!(
            "<h2>Ärenden <span lang=\"en\">(Cases)</span>: {}</h2>\n",
            self.cases.len()
        );
        for c in &self.cases {
            out += &format!(
                "<section><h3>{} – {}</h3>\n<p>Registrerat {} via {}. Status: {}. Ansvarig nämnd: {}.</p>\n<p>{}</p>\n<table><tr><th scope=\"col\">Tid (time)</th><th scope=\"col\">Händelse (event)</th><th scope=\"col\">Text</th></tr>\n",
                esc(&c.number),
                esc(c.case_type_name_sv.as_deref().unwrap_or(&c.case_type)),
                esc(&c.created_at.format("%Y-%m-%d").to_string()),
                esc(&c.channel),
                esc(&c.status),
                esc(c.board_name_sv.as_deref().unwrap_or(&c.board)),
                esc(&c.description),
            );
            for e in &c.entries {
                let text = e.summary();
                out += &format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    esc(&e.at.format("%Y-%m-%d %H:%M").to_string()),
                    esc(e.body.kind()),
                    esc(&text)
                );
            }
            out += "</table></section>\n";
        }
        if !self.rectifications.is_empty() {
            out += "<h2>Rättelser <span lang=\"en\">(Rectifications)</span></h2>\n<table><tr><th scope=\"col\">Tid (time)</th><th scope=\"col\">Uppgift (field)</th><th scope=\"col\">Före (before)</th><th scope=\"col\">Efter (after)</th><th scope=\"col\">Skäl (reason)</th></tr>\n";
            for r in &self.rectifications {
                out += &format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    esc(&r.at.format("%Y-%m-%d %H:%M").to_string()),
                    esc(&r.field),
                    esc(r.old_value.as_deref().unwrap_or("–")),
                    esc(r.new_value.as_deref().unwrap_or("–")),
                    esc(&r.reason)
                );
            }
            out += "</table>\n";
        }
        out += "</main></body></html>\n";
        out
    }
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
