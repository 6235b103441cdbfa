//! Registering and changing cases: every rule between a request and the
//! store. All channels (API, desktop, e-mail, SMS, Open311) come through
//! here, so a case is validated the same way whatever door it came in by.

use std::sync::Arc;

use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use kontakt_domain::access::{decide, visibility, Action, CaseFacts, Decision, Principal};
use kontakt_domain::audit::{AuditEvent, Outcome};
use kontakt_domain::calendar::{add_working_days, stockholm_date};
use kontakt_domain::case::{
    check_handover, check_handover_response, check_resolution, check_transition, CaseNumber,
    Channel, ContactGiven, EntryBody, FeedbackChannel, HandoverResponse, Resolution, RuleError,
    Status,
};
use kontakt_domain::catalog::PersonalData;
use kontakt_domain::catalog::{CaseType, Catalog, GroupKind};
use kontakt_domain::contact::{EmailAddress, Language, OrganisationNumber, PhoneNumber};
use kontakt_domain::personnummer::Personnummer;
use kontakt_store::{
    CaseFilter, CaseRecord, CaseSummary, CaseUpdate, NewBlob, NewCase, NewContact, NewEntry,
    OrganisationData, PersonData, Store, StoreError,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// Size limits on what a case may hold; documented in the API and README.
pub mod limits {
    pub const DESCRIPTION_CHARS: usize = 10_000;
    pub const TEXT_CHARS: usize = 20_000;
    pub const NAME_CHARS: usize = 200;
    pub const REASON_CHARS: usize = 2_000;
    pub const FILE_NAME_CHARS: usize = 255;
    pub const ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
    pub const PAGE_MAX: u32 = 500;
    /// Messages to one address a day after which public channels' cases get
    /// no acknowledgement (see `within_acknowledgement_cap`).
    pub const ACKNOWLEDGEMENTS_PER_ADDRESS_AND_DAY: u64 = 5;
}

/// One thing wrong with a request: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ToSchema)]
pub struct FieldError {
    /// The field, as a dotted path into the request body, e.g. `contact.personnummer`.
    pub field: String,
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("the request has invalid fields")]
    Invalid(Vec<FieldError>),
    #[error("no case {0}")]
    NotFound(String),
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error(transparent)]
    Rule(#[from] RuleError),
    #[error("the case was changed by someone else; reload it and try again")]
    Conflict,
    #[error("storage failed: {0}")]
    Store(StoreError),
}

impl From<StoreError> for CaseError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict => CaseError::Conflict,
            other => CaseError::Store(other),
        }
    }
}

/// Collects field errors so a caller learns everything wrong at once.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn add(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            reason: reason.into(),
        });
    }

    /// Parses an optional value, recording the failure under `field`.
    fn parse<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        value: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let v = value.map(str::trim).filter(|v| !v.is_empty())?;
        match parse(v) {
            Ok(t) => Some(t),
            Err(e) => {
                self.add(field, e.to_string());
                None
            }
        }
    }

    fn text(&mut self, field: &str, value: &str, max: usize, required: bool) -> Option<String> {
        let v = value.trim();
        if v.is_empty() {
            if required {
                self.add(field, "is required");
            }
            return None;
        }
        let n = v.chars().count();
        if n > max {
            self.add(
                field,
                format!("is too long ({n} characters, at most {max})"),
            );
            return None;
        }
        // No database stores a NUL in text, and no person types one.
        if v.contains('\0') {
            self.add(field, "must not contain NUL characters");
            return None;
        }
        Some(v.to_owned())
    }

    fn finish(self) -> Result<(), CaseError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(CaseError::Invalid(self.0))
        }
    }
}

/// A new contact, on any channel. `attach_to` turns it into new information
/// on an existing case instead of a new case.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeRequest {
    /// Case type code from `GET /api/v1/case-types`. Required unless `attach_to` is given.
    #[serde(default)]
    pub case_type: Option<String>,
    /// phone, email, sms, e_service, letter, visit, social_media or chat.
    #[serde(default)]
    pub channel: String,
    /// What the resident said (at most 10 000 characters).
    #[serde(default)]
    pub description: String,
    /// District code; required for case types whose board depends on the district.
    #[serde(default)]
    pub district: Option<String>,
    #[serde(default)]
    pub contact: Option<ContactInput>,
    /// The resident does not want to be identified; no contact details may be given.
    #[serde(default)]
    pub anonymous: bool,
    /// email, sms, phone or letter.
    #[serde(default)]
    pub feedback_channel: Option<String>,
    /// Values of the case type's form fields, by field code.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub form: serde_json::Map<String, serde_json::Value>,
    /// An existing case number: the contact is added to that case as an inbound message.
    #[serde(default)]
    pub attach_to: Option<String>,
    /// Close at once with this resolution, e.g. `answered_at_first_contact`.
    #[serde(default)]
    pub close_as: Option<String>,
    /// When the contact was received, if earlier than now (a letter's stamp, a fallback form).
    #[serde(default)]
    pub received_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    #[serde(default)]
    pub name: Option<String>,
    /// YYYYMMDD-NNNN or YYMMDD-NNNN, with or without the dash; samordningsnummer accepted.
    #[serde(default)]
    pub personnummer: Option<String>,
    /// For an organisation: NNNNNN-NNNN.
    #[serde(default)]
    pub org_number: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// ISO 639-1 code, e.g. sv, en, fi, ar.
    #[serde(default)]
    pub preferred_language: Option<String>,
    #[serde(default)]
    pub protected_identity: bool,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// in_progress, waiting_for_resident or closed (hand-over has its own operation).
    #[serde(default)]
    pub status: String,
    /// Required when closing.
    #[serde(default)]
    pub resolution: Option<String>,
    /// Required when reopening a closed case.
    #[serde(default)]
    pub reason: Option<String>,
    /// The case's `version` as last read; the change fails with 409 if it moved on.
    #[serde(default)]
    pub expected_version: Option<i64>,
}

/// What the officer group does with a case handed over to it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverResponseRequest {
    /// accept, request_info, return or answer_and_close.
    #[serde(default)]
    pub action: String,
    /// The question (request_info), the reason (return) or the answer given
    /// to the resident (answer_and_close). Accepting takes no text.
    #[serde(default)]
    pub text: Option<String>,
    /// How the answer reached the resident (answer_and_close); the case's
    /// feedback channel when left out.
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverRequest {
    /// An officer group code.
    #[serde(default)]
    pub group: String,
    /// What the resident said and was told, so the officer need not call back to ask.
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryRequest {
    /// note, message_in, message_out, attachment or correction.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub text: Option<String>,
    /// For messages: the channel used.
    #[serde(default)]
    pub channel: Option<String>,
    /// For attachments.
    #[serde(default)]
    pub file_name: Option<String>,
    #[serde(default)]
    pub content_type: Option<String>,
    /// For attachments: the file, base64-encoded (at most 10 MiB decoded).
    #[serde(default)]
    pub content_base64: Option<String>,
    /// For corrections: the sequence number of the entry corrected.
    #[serde(default)]
    pub corrects: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    /// The case number to relate this case to.
    #[serde(default)]
    pub case: String,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReassignRequest {
    /// A group code from the catalog.
    #[serde(default)]
    pub group: Option<String>,
    /// A staff login (e.g. the official a message is for).
    #[serde(default)]
    pub person: Option<String>,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineRequest {
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
    #[serde(default)]
    pub reason: String,
}

/// The outcome of an intake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intake {
    pub number: CaseNumber,
    /// True when the contact was added to an existing case.
    pub attached: bool,
    pub status: Status,
    pub feedback_deadline: Option<NaiveDate>,
    /// A new case's secret to follow it on Mina sidor, shown once.
    pub follow_token: Option<String>,
}

/// What became of a message that came by itself on a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelIntake {
    Created(CaseNumber),
    Attached(CaseNumber),
    /// Registered before (the same message id): nothing done again.
    AlreadyRegistered(CaseNumber),
}

/// A file that came with a message (a mail's attachment).
#[derive(Debug, Clone)]
pub struct InboundFile {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// What a message that came by itself brings besides its text.
#[derive(Debug, Clone, Default)]
pub struct Arrival {
    pub files: Vec<InboundFile>,
    /// The message's own id (a mail's Message-ID), so it is registered once.
    pub intake_key: Option<String>,
    /// The resident's own answer, arriving by itself on a channel (mail,
    /// SMS) that has already matched it to its case: it is appended
    /// without reading the case (`Action::Append`). Everyone else adding
    /// to a case needs the right to change it.
    pub resident_reply: bool,
    /// Whom the new case is for, if not the type's answer group (a
    /// message the switchboard takes for someone), in the same write.
    pub assign: Option<Assignment>,
}

/// A new case given to a group and/or person, with its own deadline.
#[derive(Debug, Clone, Default)]
pub struct Assignment {
    pub group: Option<String>,
    pub person: Option<String>,
    pub deadline: Option<NaiveDate>,
    /// Why, for the timeline.
    pub note: String,
}

impl Arrival {
    /// The attachment entries and their files; a file name is cleaned of
    /// path characters rather than refused, since the sender cannot be
    /// asked to rename it.
    fn entries(&self) -> Result<(Vec<EntryBody>, Vec<NewBlob>), CaseError> {
        let mut entries = Vec::new();
        let mut blobs = Vec::new();
        for (i, f) in self.files.iter().enumerate() {
            if f.content.len() > limits::ATTACHMENT_BYTES {
                return Err(invalid(
                    &format!("files[{i}]"),
                    format!("is larger than {} bytes", limits::ATTACHMENT_BYTES),
                ));
            }
            let mut name: String = f
                .file_name
                .chars()
                .map(|c| {
                    if matches!(c, '/' | '\\' | '\0') || c.is_control() {
                        '_'
                    } else {
                        c
                    }
                })
                .take(limits::FILE_NAME_CHARS)
                .collect();
            if name.trim().is_empty() {
                name = format!("bilaga-{}", i + 1);
            }
            let content_type = stored_content_type(&f.content_type, &f.content);
            let sha256 = hex::encode(Sha256::digest(&f.content));
            entries.push(EntryBody::Attachment {
                file_name: name.trim().to_owned(),
                content_type,
                size: f.content.len() as u64,
                sha256: sha256.clone(),
            });
            blobs.push(NewBlob {
                sha256,
                content: f.content.clone(),
            });
        }
        Ok((entries, blobs))
    }
}

/// Why personal data is read when the caller does not say: the contact
/// centre's task.
pub const DEFAULT_PURPOSE: &str = "case_handling";

/// Who is acting, from where and why: the author of timeline entries and the
/// subject of audit entries.
#[derive(Debug, Clone)]
pub struct Actor {
    /// `user:<login>`, `token:<name>`, `system:<job>` or a staff id.
    pub id: String,
    pub client: String,
    pub operation_id: String,
    pub purpose: String,
    /// What the actor may see and do (roles, groups, protected identity).
    pub principal: Principal,
}

impl Actor {
    pub fn new(id: impl Into<String>) -> Self {
        Actor {
            id: id.into(),
            client: String::new(),
            operation_id: String::new(),
            purpose: DEFAULT_PURPOSE.into(),
            principal: Principal::default(),
        }
    }

    /// A channel's own intake (`system:mail`, `system:sms`, …): it may
    /// register cases, and append a reply already matched to its case,
    /// but read nothing.
    pub fn channel(id: &str) -> Self {
        let mut actor = Actor::new(id);
        actor.principal = Principal {
            roles: vec![kontakt_domain::access::Role::Intake],
            ..Principal::default()
        };
        actor
    }

    /// An audit event of this actor's.
    pub fn event(
        &self,
        at: DateTime<Utc>,
        action: &str,
        object: (&str, &str),
        board: &str,
        outcome: Outcome,
        detail: serde_json::Value,
    ) -> AuditEvent {
        AuditEvent {
            at,
            actor: self.id.clone(),
            action: action.into(),
            object_type: object.0.into(),
            object_id: object.1.into(),
            board: board.into(),
            purpose: self.purpose.clone(),
            operation_id: self.operation_id.clone(),
            client: self.client.clone(),
            outcome,
            detail,
        }
    }
}

pub struct CaseService {
    store: Arc<dyn Store>,
    catalog: Arc<Catalog>,
    /// Told (with no content) whenever a case was created or changed, so
    /// open desks can refresh their queues; what each desk may see is then
    /// decided by its own, access-checked reload.
    changes: tokio::sync::broadcast::Sender<()>,
    messages: crate::messages::MessageSettings,
}

impl CaseService {
    pub fn new(store: Arc<dyn Store>, catalog: Arc<Catalog>) -> Self {
        let (changes, _) = tokio::sync::broadcast::channel(64);
        CaseService {
            store,
            catalog,
            changes,
            messages: crate::messages::MessageSettings::default(),
        }
    }

    /// Who the messages to residents come from.
    pub fn with_messages(mut self, messages: crate::messages::MessageSettings) -> Self {
        self.messages = messages;
        self
    }

    /// Notices of case changes (see `changes`).
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<()> {
        self.changes.subscribe()
    }

    async fn create_case(&self, new: kontakt_store::NewCase) -> Result<CaseNumber, StoreError> {
        let number = self.store.create_case(new).await?;
        let _ = self.changes.send(());
        Ok(number)
    }

    /// Wakes the dispatcher: a message was queued outside a case change.
    pub fn nudge_outbox(&self) {
        let _ = self.changes.send(());
    }

    pub(crate) async fn update_case(
        &self,
        number: CaseNumber,
        update: CaseUpdate,
    ) -> Result<kontakt_store::Updated, StoreError> {
        let updated = self.store.update_case(number, update).await?;
        let _ = self.changes.send(());
        Ok(updated)
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The catalog, to share with the services beside this one.
    pub fn catalog_arc(&self) -> Arc<Catalog> {
        self.catalog.clone()
    }

    pub fn message_settings(&self) -> &crate::messages::MessageSettings {
        &self.messages
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Validates an intake completely (every problem reported at once) and
    /// either registers a new case or appends to the named one.
    pub async fn intake(
        &self,
        req: IntakeRequest,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Intake, CaseError> {
        self.intake_arrival(req, Arrival::default(), actor, now)
            .await
    }

    /// A message that came by itself on a channel: it joins `answers` (a
    /// case it was matched to) if that case still exists, else `new`
    /// registers it; a message registered before is reported, not
    /// registered again.
    pub async fn receive_on_channel(
        &self,
        answers: Option<(CaseNumber, IntakeRequest)>,
        new: IntakeRequest,
        arrival: Arrival,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<ChannelIntake, CaseError> {
        if let Some((_, request)) = answers {
            match self
                .intake_arrival(request, arrival.clone(), actor, now)
                .await
            {
                Ok(i) => return Ok(ChannelIntake::Attached(i.number)),
                Err(CaseError::Store(StoreError::AlreadyRegistered(n))) => {
                    return Ok(ChannelIntake::AlreadyRegistered(n))
                }
                // The case is gone (retention): the message makes a new one.
                Err(CaseError::Invalid(_)) => {}
                Err(e) => return Err(e),
            }
        }
        match self.intake_arrival(new, arrival, actor, now).await {
            Ok(i) => Ok(ChannelIntake::Created(i.number)),
            Err(CaseError::Store(StoreError::AlreadyRegistered(n))) => {
                Ok(ChannelIntake::AlreadyRegistered(n))
            }
            Err(e) => Err(e),
        }
    }

    /// `intake` for a message that came by itself (a mail, an SMS), with
    /// its files and its id: a message registered before is refused with
    /// `StoreError::AlreadyRegistered`, so fetching it twice does no harm.
    pub async fn intake_arrival(
        &self,
        req: IntakeRequest,
        arrival: Arrival,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Intake, CaseError> {
        let (files, blobs) = arrival.entries()?;
        if let Some(number) = req.attach_to.as_deref() {
            let action = if arrival.resident_reply {
                Action::Append
            } else {
                Action::Change
            };
            return self
                .attach(
                    number,
                    &req,
                    (files, blobs, arrival.intake_key),
                    action,
                    actor,
                    now,
                )
                .await;
        }
        let mut new = self.validate_new_case(req, actor, now)?;
        new.entries.extend(files.into_iter().map(|body| NewEntry {
            at: now,
            author: actor.id.clone(),
            body,
        }));
        if let Some(a) = &arrival.assign {
            if let Some(g) = &a.group {
                if self.catalog.group(g).is_none() {
                    return Err(invalid("group", format!("'{g}' is not a known group")));
                }
                new.assignee_group = Some(g.clone());
            }
            new.assignee_person = a.person.clone();
            if let Some(d) = a.deadline {
                if d < stockholm_date(now) {
                    return Err(invalid("callback_by", "lies in the past"));
                }
                new.feedback_deadline = Some(d);
            }
            if !a.note.is_empty() {
                new.entries.push(NewEntry {
                    at: now,
                    author: actor.id.clone(),
                    body: EntryBody::Note {
                        text: a.note.clone(),
                    },
                });
            }
        }
        new.blobs = blobs;
        new.intake_key = arrival.intake_key;
        let facts = CaseFacts {
            board: &new.board,
            service_area: &new.service_area,
            assignee_group: new.assignee_group.as_deref(),
            confidential: new.confidential,
            protected: matches!(&new.contact, NewContact::Person(p) if p.protected_identity),
        };
        if let Decision::Deny(reason) =
            decide(&self.catalog, &actor.principal, Action::Create, facts)
        {
            let event = actor.event(
                now,
                "access.denied",
                ("case", ""),
                &new.board,
                Outcome::Denied,
                serde_json::json!({"reason": reason, "action": "create", "case_type": new.case_type}),
            );
            self.store.audit(vec![event]).await?;
            return Err(CaseError::Forbidden(format!(
                "{reason} (case type {}, board {})",
                new.case_type, new.board
            )));
        }
        new.audit = Some(actor.event(
            now,
            "case.create",
            ("case", ""),
            &new.board,
            Outcome::Allowed,
            serde_json::json!({"case_type": new.case_type, "channel": new.channel.as_str()}),
        ));
        // The secret to follow the case on Mina sidor: given once, in the
        // acknowledgement and on the e-service's receipt; only its SHA-256
        // is kept. A protected person follows their cases with
        // e-legitimation only, so their cases get none.
        let follow_token = (!matches!(&new.contact, NewContact::Person(p) if p.protected_identity))
            .then(|| {
                let (token, hash) = crate::residents::new_follow_token();
                new.follow_token_hash = Some(hash);
                token
            });
        // The acknowledgement is queued with the case: if the case exists,
        // so does the promise to tell the resident its number.
        if let Some(ack) = crate::messages::acknowledgement(
            &self.catalog,
            &self.messages,
            &new,
            follow_token.as_deref(),
        ) {
            if self
                .within_acknowledgement_cap(new.channel, &ack, now)
                .await?
            {
                new.outbox.push(ack);
            }
        }
        let (status, feedback_deadline) = (new.status, new.feedback_deadline);
        Ok(Intake {
            number: self.create_case(new).await?,
            attached: false,
            status,
            feedback_deadline,
            follow_token,
        })
    }

    /// On the channels where anyone can name any address (a public form,
    /// a civic app, a mail or SMS from anywhere), acknowledgements to one
    /// address are capped per day, so Kontakt cannot be used to flood
    /// someone's inbox or phone, nor to keep a loop going with a mail
    /// robot that ignores `Auto-Submitted`. The case is registered all the
    /// same; only the acknowledgement is left out.
    async fn within_acknowledgement_cap(
        &self,
        channel: Channel,
        ack: &kontakt_store::outbox::NewOutbound,
        now: DateTime<Utc>,
    ) -> Result<bool, CaseError> {
        if !matches!(
            channel,
            Channel::EService | Channel::Open311 | Channel::Email | Channel::Sms
        ) {
            return Ok(true);
        }
        let sent = self
            .store
            .count_outbound_to(
                ack.channel,
                &ack.recipient,
                now - chrono::Duration::hours(24),
            )
            .await?;
        if sent >= limits::ACKNOWLEDGEMENTS_PER_ADDRESS_AND_DAY {
            tracing::warn!(
                channel = channel.as_str(),
                "acknowledgement left out: the address had its share today"
            );
            return Ok(false);
        }
        Ok(true)
    }

    /// Turns a request into a [`NewCase`] or every reason why not. Used by
    /// the generator too, so generated cases pass the same rules.
    pub fn validate_new_case(
        &self,
        req: IntakeRequest,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<NewCase, CaseError> {
        let mut p = Problems::default();
        let case_type = match req.case_type.as_deref().map(str::trim) {
            None | Some("") => {
                p.add("case_type", "is required");
                None
            }
            Some(code) => {
                let ct = self.catalog.case_type(code);
                if ct.is_none() {
                    p.add("case_type", format!("'{code}' is not a known case type"));
                }
                ct
            }
        };
        let channel = parse_word(
            &mut p,
            "channel",
            Some(&req.channel),
            Channel::parse,
            Channel::choices,
        );
        let description = p.text(
            "description",
            &req.description,
            limits::DESCRIPTION_CHARS,
            true,
        );
        let district = match req
            .district
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            Some(code) => {
                let d = self.catalog.district(code);
                if d.is_none() {
                    p.add("district", format!("'{code}' is not a known district"));
                }
                d
            }
            None => None,
        };
        let board = case_type.and_then(|ct| {
            let b = self.catalog.responsible_board(ct, district);
            if b.is_none() && req.district.as_deref().is_none_or(|d| d.trim().is_empty()) {
                p.add(
                    "district",
                    format!(
                        "is required for case type {} (its board depends on the district)",
                        ct.code
                    ),
                );
            }
            b
        });
        let contact = self.validate_contact(&mut p, &req);
        let feedback_channel = parse_word(
            &mut p,
            "feedback_channel",
            req.feedback_channel.as_deref(),
            FeedbackChannel::parse,
            FeedbackChannel::choices,
        );
        if let (Some(fc), Some(contact)) = (feedback_channel, &contact) {
            check_feedback_reachable(&mut p, fc, contact);
        }
        let form = case_type.and_then(|ct| match ct.validate_form(&req.form) {
            Ok(form) => Some(form),
            Err(problems) => {
                for (field, reason) in problems {
                    p.add(format!("form.{field}"), reason);
                }
                None
            }
        });
        let close_as = parse_word(
            &mut p,
            "close_as",
            req.close_as.as_deref(),
            Resolution::parse,
            Resolution::choices,
        );
        if let (Some(ct), Some(r)) = (case_type, close_as) {
            if let Err(e) = check_resolution(ct.centre_level, r, false, Status::Registered) {
                p.add("close_as", e.to_string());
            }
        }
        let created_at = match req.received_at {
            Some(t) if t > now + chrono::Duration::minutes(5) => {
                p.add("received_at", "lies in the future");
                now
            }
            Some(t) if t.timestamp() < 946_684_800 => {
                p.add("received_at", "lies before the year 2000");
                now
            }
            Some(t) => t,
            None => now,
        };
        p.finish()?;
        let (Some(ct), Some(board), Some(channel), Some(description), Some(contact), Some(form)) =
            (case_type, board, channel, description, contact, form)
        else {
            // Every None above recorded a problem, so this is unreachable in practice.
            return Err(CaseError::Invalid(vec![FieldError {
                field: "(request)".into(),
                reason: "is incomplete".into(),
            }]));
        };

        let entry = |body| NewEntry {
            at: created_at,
            author: actor.id.clone(),
            body,
        };
        let contact_given = match &contact {
            NewContact::Person(c) => ContactGiven {
                name: c.name.clone(),
                phone: c.phone.as_ref().map(|p| p.to_string()),
                email: c.email.as_ref().map(|e| e.to_string()),
            },
            NewContact::Organisation(c) => ContactGiven {
                name: c.name.clone(),
                phone: c.phone.as_ref().map(|p| p.to_string()),
                email: c.email.as_ref().map(|e| e.to_string()),
            },
            NewContact::Anonymous => ContactGiven::default(),
        };
        let mut entries = vec![entry(EntryBody::Registered {
            channel,
            contact_given,
        })];
        let (status, closed_at, deadline) = match close_as {
            Some(resolution) => {
                entries.push(entry(EntryBody::StatusChanged {
                    from: Status::Registered,
                    to: Status::Closed,
                    resolution: Some(resolution),
                    reason: None,
                }));
                (Status::Closed, Some(created_at), None)
            }
            None => (
                Status::Registered,
                None,
                Some(add_working_days(
                    stockholm_date(created_at),
                    ct.feedback_days,
                )),
            ),
        };
        Ok(NewCase {
            case_type: ct.code.clone(),
            board: board.code.clone(),
            service_area: ct.service_area.clone(),
            district: district.map(|d| d.code.clone()),
            channel,
            status,
            resolution: close_as,
            assignee_group: ct.answer_group.clone(),
            assignee_person: None,
            contact,
            feedback_channel,
            feedback_deadline: deadline,
            description,
            form,
            confidential: ct.confidential,
            created_at,
            closed_at,
            handed_over: false,
            entries,
            audit: None,
            outbox: vec![],
            blobs: vec![],
            intake_key: None,
            follow_token_hash: None,
        })
    }

    fn validate_contact(&self, p: &mut Problems, req: &IntakeRequest) -> Option<NewContact> {
        let Some(c) = &req.contact else {
            return Some(NewContact::Anonymous);
        };
        if req.anonymous {
            p.add("contact", "an anonymous contact gives no contact details");
            return None;
        }
        let before = p.0.len();
        let name = c
            .name
            .as_deref()
            .and_then(|n| p.text("contact.name", n, limits::NAME_CHARS, false));
        let personnummer = p.parse(
            "contact.personnummer",
            c.personnummer.as_deref(),
            Personnummer::parse_today,
        );
        let org_number = p.parse(
            "contact.org_number",
            c.org_number.as_deref(),
            OrganisationNumber::parse,
        );
        let phone = p.parse("contact.phone", c.phone.as_deref(), PhoneNumber::parse);
        let email = p.parse("contact.email", c.email.as_deref(), EmailAddress::parse);
        let preferred_language = p.parse(
            "contact.preferred_language",
            c.preferred_language.as_deref(),
            Language::parse,
        );
        if c.personnummer.is_some() && c.org_number.is_some() {
            p.add("contact", "give a personnummer or an org_number, not both");
        }
        if p.0.len() > before {
            return None;
        }
        match org_number {
            Some(org_number) => {
                if c.protected_identity {
                    p.add(
                        "contact.protected_identity",
                        "applies to persons, not organisations",
                    );
                    return None;
                }
                Some(NewContact::Organisation(OrganisationData {
                    org_number,
                    name,
                    phone,
                    email,
                }))
            }
            None => {
                if personnummer.is_none() && name.is_none() && phone.is_none() && email.is_none() {
                    p.add(
                        "contact",
                        "give at least a name, personnummer, phone or e-mail (or omit contact)",
                    );
                    return None;
                }
                Some(NewContact::Person(PersonData {
                    personnummer,
                    name,
                    phone,
                    email,
                    preferred_language,
                    protected_identity: c.protected_identity,
                }))
            }
        }
    }

    async fn attach(
        &self,
        number: &str,
        req: &IntakeRequest,
        (files, blobs, intake_key): (Vec<EntryBody>, Vec<NewBlob>, Option<String>),
        action: Action,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Intake, CaseError> {
        let mut p = Problems::default();
        let number = p.parse("attach_to", Some(number), CaseNumber::parse);
        let channel = parse_word(
            &mut p,
            "channel",
            Some(&req.channel),
            Channel::parse,
            Channel::choices,
        );
        let text = p.text(
            "description",
            &req.description,
            limits::DESCRIPTION_CHARS,
            true,
        );
        // New information joins a case as a message; anything that would
        // describe a new case is refused rather than silently dropped.
        let not_with_attach = [
            ("case_type", req.case_type.is_some()),
            ("district", req.district.is_some()),
            ("contact", req.contact.is_some()),
            ("anonymous", req.anonymous),
            ("feedback_channel", req.feedback_channel.is_some()),
            ("form", !req.form.is_empty()),
            ("close_as", req.close_as.is_some()),
            ("received_at", req.received_at.is_some()),
        ];
        for (field, given) in not_with_attach {
            if given {
                p.add(
                    field,
                    "does not apply when attach_to names an existing case",
                );
            }
        }
        p.finish()?;
        let (Some(number), Some(channel), Some(text)) = (number, channel, text) else {
            return Err(CaseError::Invalid(vec![]));
        };
        // A case the actor may not add to does not exist for them.
        let case = match self
            .load_visible(&number.to_string(), actor, action, now)
            .await
        {
            Ok((case, _)) => case,
            Err(CaseError::NotFound(_)) => {
                return Err(invalid("attach_to", format!("there is no case {number}")))
            }
            Err(e) => return Err(e),
        };
        let mut entries = vec![EntryBody::MessageIn { channel, text }];
        entries.extend(files);
        // New information on a closed case reopens it, so it reaches someone
        // instead of resting unseen in a closed timeline.
        let reopen = case.status == Status::Closed;
        let mut feedback_deadline = None;
        if reopen {
            let deadline =
                add_working_days(stockholm_date(now), self.case_type_of(&case)?.feedback_days);
            entries.push(EntryBody::StatusChanged {
                from: Status::Closed,
                to: Status::InProgress,
                resolution: None,
                reason: Some("new information from the resident".into()),
            });
            entries.push(EntryBody::FeedbackDeadlineChanged {
                deadline,
                reason: "reopened".into(),
            });
            feedback_deadline = Some(deadline);
        }
        let update = CaseUpdate {
            expected_version: reopen.then_some(case.version),
            at: now,
            author: actor.id.clone(),
            entries,
            status: reopen.then_some(Status::InProgress),
            resolution: reopen.then_some(None),
            closed_at: reopen.then_some(None),
            feedback_deadline,
            audit: vec![change_event(
                actor,
                now,
                "case.attach",
                &case,
                serde_json::json!({"channel": channel.as_str()}),
            )],
            blobs,
            intake_key,
            ..CaseUpdate::default()
        };
        match self.update_case(number, update).await {
            Ok(_) => {
                let case = self.load(&number.to_string()).await?;
                Ok(Intake {
                    number,
                    attached: true,
                    status: case.status,
                    feedback_deadline: case.feedback_deadline,
                    follow_token: None,
                })
            }
            Err(StoreError::NotFound) => Err(CaseError::Invalid(vec![FieldError {
                field: "attach_to".into(),
                reason: format!("there is no case {number}"),
            }])),
            Err(e) => Err(e.into()),
        }
    }

    /// A case for the service's own use; not audited (callers that hand
    /// the case out use [`CaseService::read`]).
    async fn load(&self, number: &str) -> Result<CaseRecord, CaseError> {
        let n = CaseNumber::parse(number)
            .map_err(|_| CaseError::NotFound(number.chars().take(40).collect()))?;
        self.store
            .case(n)
            .await?
            .ok_or_else(|| CaseError::NotFound(n.to_string()))
    }

    /// A case `actor` may see. A protected person's case does not exist for
    /// an actor without the permission; the attempt is audited and flagged.
    async fn load_visible(
        &self,
        number: &str,
        actor: &Actor,
        action: Action,
        now: DateTime<Utc>,
    ) -> Result<(CaseRecord, Vec<PersonalData>), CaseError> {
        let case = self.load(number).await?;
        let facts = CaseFacts {
            board: &case.board,
            service_area: &case.service_area,
            assignee_group: case.assignee_group.as_deref(),
            confidential: case.confidential,
            protected: is_protected(&case),
        };
        match decide(&self.catalog, &actor.principal, action, facts) {
            Decision::Allow(data) => Ok((case, data)),
            Decision::Deny(reason) => {
                // A case the actor may not see does not exist for them; the
                // attempt is recorded, and flagged when it is a protected person's.
                let action_name = if facts.protected {
                    "case.open_protected"
                } else {
                    "access.denied"
                };
                let event = actor.event(
                    now,
                    action_name,
                    ("case", &case.number.to_string()),
                    &case.board,
                    Outcome::Denied,
                    serde_json::json!({"reason": reason, "action": format!("{action:?}").to_lowercase()}),
                );
                self.store.audit(vec![event]).await?;
                Err(CaseError::NotFound(case.number.to_string()))
            }
        }
    }

    /// A case about to be changed. If the caller says which version it saw
    /// and the case has moved on, the change is refused before any rule is
    /// checked against a state the caller never saw.
    async fn load_at_version(
        &self,
        number: &str,
        expected: Option<i64>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<CaseRecord, CaseError> {
        let (case, _) = self
            .load_visible(number, actor, Action::Change, now)
            .await?;
        match expected {
            Some(v) if v != case.version => Err(CaseError::Conflict),
            _ => Ok(case),
        }
    }

    /// A case to show to `actor`. The read is in the audit log before the
    /// case is returned; so is an attempt to read a case that does not exist.
    pub async fn read(
        &self,
        number: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<CaseRecord, CaseError> {
        match self.load_visible(number, actor, Action::Read, now).await {
            Ok((mut case, data)) => {
                // Log review lists every lookup of a protected person, including
                // the permitted ones.
                let detail = if is_protected(&case) {
                    serde_json::json!({"protected": true})
                } else {
                    serde_json::json!({})
                };
                // The person record gathers what every board's contacts gave;
                // below the registrar, a case shows only what was given on it.
                if !actor.principal.has(kontakt_domain::access::Role::Registrar) {
                    contact_as_given(&mut case);
                }
                withhold(&mut case, &data);
                let number = case.number.to_string();
                let event = actor.event(
                    now,
                    "case.read",
                    ("case", &number),
                    &case.board,
                    Outcome::Allowed,
                    detail,
                );
                self.store.audit(vec![event]).await?;
                Ok(case)
            }
            Err(CaseError::NotFound(what)) => {
                let shown: String = number.chars().take(40).collect();
                let event = actor.event(
                    now,
                    "case.read",
                    ("case", &shown),
                    "",
                    Outcome::Denied,
                    serde_json::json!({"reason": "not found"}),
                );
                self.store.audit(vec![event]).await?;
                Err(CaseError::NotFound(what))
            }
            Err(e) => Err(e),
        }
    }

    /// Lists cases; the search (its filters and number of hits) is audited.
    pub async fn list(
        &self,
        filter: &CaseFilter,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Vec<CaseSummary>, CaseError> {
        let mut filter = filter.clone();
        filter.visibility = Some(visibility(&self.catalog, &actor.principal));
        let filter = &filter;
        if !filter.terms.is_empty() {
            // Writes queue their search terms; index them before searching,
            // so a search sees every acknowledged write.
            build_search_index(&self.store).await?;
        }
        let found = self.store.list_cases(filter).await?;
        // One entry per board whose data the search returned, so each
        // board's log reviewer sees the searches that touched its data.
        let mut per_board: std::collections::BTreeMap<&str, usize> =
            std::collections::BTreeMap::new();
        for case in &found {
            *per_board.entry(case.board.as_str()).or_default() += 1;
        }
        if per_board.is_empty() {
            per_board.insert(filter.board.as_deref().unwrap_or(""), 0);
        }
        let events = per_board
            .into_iter()
            .map(|(board, hits)| {
                let detail = serde_json::json!({
                    "filters": filter_terms(filter),
                    "hits": hits,
                    "total_hits": found.len(),
                });
                actor.event(
                    now,
                    "case.search",
                    ("case", ""),
                    board,
                    Outcome::Allowed,
                    detail,
                )
            })
            .collect();
        self.store.audit(events).await?;
        Ok(found)
    }

    fn case_type_of(&self, case: &CaseRecord) -> Result<&CaseType, CaseError> {
        self.catalog.case_type(&case.case_type).ok_or_else(|| {
            CaseError::Store(StoreError::Corrupt(format!(
                "case {} has case type {} which the catalog no longer has",
                case.number, case.case_type
            )))
        })
    }

    pub async fn change_status(
        &self,
        number: &str,
        req: StatusRequest,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<CaseRecord, CaseError> {
        let case = self
            .load_at_version(number, req.expected_version, actor, now)
            .await?;
        let mut p = Problems::default();
        let to = parse_word(
            &mut p,
            "status",
            Some(&req.status),
            Status::parse,
            Status::choices,
        );
        let resolution = parse_word(
            &mut p,
            "resolution",
            req.resolution.as_deref(),
            Resolution::parse,
            Resolution::choices,
        );
        let reason = req
            .reason
            .as_deref()
            .and_then(|r| p.text("reason", r, limits::REASON_CHARS, false));
        p.finish()?;
        let Some(to) = to else {
            return Err(CaseError::Invalid(vec![]));
        };
        if to == Status::HandedOver {
            return Err(CaseError::Invalid(vec![FieldError {
                field: "status".into(),
                reason: "use the hand-over operation, which needs a group and a summary".into(),
            }]));
        }
        check_transition(case.status, to, resolution, reason.as_deref())?;
        let ct = self.case_type_of(&case)?;
        if let Some(r) = resolution {
            check_resolution(ct.centre_level, r, case.handed_over, case.status)?;
        }
        let reopening = case.status == Status::Closed;
        let mut entries = vec![EntryBody::StatusChanged {
            from: case.status,
            to,
            resolution,
            reason,
        }];
        // A reopened case owes the resident feedback again, counted from today.
        let feedback_deadline =
            reopening.then(|| add_working_days(stockholm_date(now), ct.feedback_days));
        if let Some(deadline) = feedback_deadline {
            entries.push(EntryBody::FeedbackDeadlineChanged {
                deadline,
                reason: "reopened".into(),
            });
        }
        let update = CaseUpdate {
            expected_version: Some(case.version),
            at: now,
            author: actor.id.clone(),
            entries,
            feedback_deadline,
            status: Some(to),
            resolution: (to == Status::Closed || reopening).then_some(resolution),
            closed_at: if to == Status::Closed {
                Some(Some(now))
            } else if reopening {
                Some(None)
            } else {
                None
            },
            audit: vec![change_event(
                actor,
                now,
                "case.status",
                &case,
                serde_json::json!({"from": case.status.as_str(), "to": to.as_str()}),
            )],
            ..CaseUpdate::default()
        };
        self.update_case(case.number, update).await?;
        // The answer is a read like any other: withheld by agreement, audited.
        self.read(number, actor, now).await
    }

    pub async fn hand_over(
        &self,
        number: &str,
        req: HandoverRequest,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<CaseRecord, CaseError> {
        let case = self
            .load_at_version(number, req.expected_version, actor, now)
            .await?;
        let ct = self.case_type_of(&case)?;
        let mut p = Problems::default();
        let group = req.group.trim();
        match self.catalog.group(group).map(|g| &g.kind) {
            _ if group.is_empty() => p.add("group", "is required"),
            // The case's data goes to its own board's administration, or to
            // the group the catalog names for the type (a shared service).
            Some(GroupKind::Officer { board })
                if *board == case.board || ct.handover_group.as_deref() == Some(group) => {}
            Some(GroupKind::Officer { board }) => p.add(
                "group",
                format!(
                    "'{group}' belongs to board {board}, but the case's data belongs to {}; hand over within that board",
                    case.board
                ),
            ),
            Some(GroupKind::Answer { .. }) => p.add(
                "group",
                format!("'{group}' is an answer group; hand over to an officer group"),
            ),
            None => p.add("group", format!("'{group}' is not a known group")),
        }
        let summary = p.text("summary", &req.summary, limits::TEXT_CHARS, true);
        p.finish()?;
        check_handover(case.status, ct.centre_level)?;
        let update = CaseUpdate {
            expected_version: Some(case.version),
            at: now,
            author: actor.id.clone(),
            entries: vec![EntryBody::HandedOver {
                group: group.to_owned(),
                summary: summary.unwrap_or_default(),
            }],
            status: Some(Status::HandedOver),
            assignee_group: Some(Some(group.to_owned())),
            assignee_person: Some(None),
            handed_over: true,
            audit: vec![change_event(
                actor,
                now,
                "case.handover",
                &case,
                serde_json::json!({"group": group}),
            )],
            ..CaseUpdate::default()
        };
        self.update_case(case.number, update).await?;
        // The answer is a read like any other: withheld by agreement, audited.
        self.read(number, actor, now).await
    }

    /// An officer's answer to a hand-over: accept it, ask the centre for
    /// more, return it, or close it with the answer given. Only members of
    /// the officer group the case is assigned to may answer; asking and
    /// returning put the case back in the centre's queue, so the centre sees
    /// what the officer did on the timeline and in its queue.
    pub async fn respond_to_handover(
        &self,
        number: &str,
        req: HandoverResponseRequest,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Option<CaseRecord>, CaseError> {
        let case = self
            .load_at_version(number, req.expected_version, actor, now)
            .await?;
        let ct = self.case_type_of(&case)?;
        let mut p = Problems::default();
        let action = parse_word(
            &mut p,
            "action",
            Some(req.action.trim()),
            HandoverResponse::parse,
            HandoverResponse::choices,
        );
        let text = match (action, req.text.as_deref()) {
            (Some(HandoverResponse::Accept), Some(t)) if !t.trim().is_empty() => {
                p.add("text", "accepting takes no text; add a note instead");
                None
            }
            (Some(HandoverResponse::Accept), _) | (None, _) => None,
            (Some(_), t) => p.text("text", t.unwrap_or(""), limits::TEXT_CHARS, true),
        };
        let channel = match action {
            Some(HandoverResponse::AnswerAndClose) => {
                match req
                    .channel
                    .as_deref()
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                {
                    Some(c) => {
                        parse_word(&mut p, "channel", Some(c), Channel::parse, Channel::choices)
                    }
                    None => match case.feedback_channel {
                        Some(f) => Channel::parse(f.as_str()),
                        None => {
                            p.add("channel", "is required: the case has no feedback channel");
                            None
                        }
                    },
                }
            }
            _ => {
                if req.channel.as_deref().is_some_and(|c| !c.trim().is_empty()) {
                    p.add("channel", "only an answer is sent on a channel");
                }
                None
            }
        };
        p.finish()?;
        let Some(action) = action else {
            return Err(CaseError::Invalid(vec![]));
        };
        let officer_group = case
            .assignee_group
            .clone()
            .filter(|g| {
                matches!(
                    self.catalog.group(g).map(|g| &g.kind),
                    Some(GroupKind::Officer { .. })
                )
            })
            .filter(|g| actor.principal.groups.contains(g));
        let Some(officer_group) = officer_group else {
            return Err(invalid(
                "action",
                "the case is not handed over to one of your officer groups",
            ));
        };
        let to = check_handover_response(case.status, action)?;
        // Asking and returning send the case to the centre's queue for its type.
        let centre_group = || {
            ct.answer_group.clone().or_else(|| {
                self.catalog
                    .groups
                    .iter()
                    .find(|g| matches!(g.kind, GroupKind::Answer { .. }))
                    .map(|g| g.code.clone())
            })
        };
        let text = text.unwrap_or_default();
        let mut update = CaseUpdate {
            expected_version: Some(case.version),
            at: now,
            author: actor.id.clone(),
            status: Some(to),
            audit: vec![change_event(
                actor,
                now,
                "case.handover_response",
                &case,
                serde_json::json!({"action": action.as_str(), "group": officer_group}),
            )],
            ..CaseUpdate::default()
        };
        match action {
            HandoverResponse::Accept => {
                update.entries = vec![EntryBody::HandoverAccepted {
                    group: officer_group,
                }];
                update.assignee_person = Some(Some(actor.id.clone()));
            }
            HandoverResponse::RequestInfo | HandoverResponse::Return => {
                let Some(group) = centre_group() else {
                    return Err(invalid(
                        "action",
                        "the catalog has no answer group to send the case to",
                    ));
                };
                update.entries = vec![if action == HandoverResponse::RequestInfo {
                    EntryBody::InfoRequested {
                        group: group.clone(),
                        question: text,
                    }
                } else {
                    EntryBody::HandoverReturned {
                        group: group.clone(),
                        reason: text,
                    }
                }];
                update.assignee_group = Some(Some(group));
                update.assignee_person = Some(None);
            }
            HandoverResponse::AnswerAndClose => {
                let Some(channel) = channel else {
                    return Err(CaseError::Invalid(vec![]));
                };
                update.outbox = self.message_to_resident(&case, channel, &text)?;
                update.entries = vec![
                    EntryBody::MessageOut { channel, text },
                    EntryBody::StatusChanged {
                        from: case.status,
                        to,
                        resolution: Some(Resolution::HandedOver),
                        reason: None,
                    },
                ];
                update.resolution = Some(Some(Resolution::HandedOver));
                update.closed_at = Some(Some(now));
            }
        }
        self.update_case(case.number, update).await?;
        // After asking or returning, the case is the centre's again and the
        // officer may no longer see it: say so rather than read it (a read
        // would be refused and logged as an attempt).
        let after = self.load(number).await?;
        let facts = CaseFacts {
            board: &after.board,
            service_area: &after.service_area,
            assignee_group: after.assignee_group.as_deref(),
            confidential: after.confidential,
            protected: is_protected(&after),
        };
        if let Decision::Deny(_) = decide(&self.catalog, &actor.principal, Action::Read, facts) {
            return Ok(None);
        }
        self.read(number, actor, now).await.map(Some)
    }

    /// What goes out when a message to the resident is recorded: on e-mail
    /// and SMS Kontakt sends it itself (threaded after the case's earlier
    /// messages), so it must have the address; on the other channels the
    /// entry records what was said (on the phone, by letter).
    fn message_to_resident(
        &self,
        case: &CaseRecord,
        channel: Channel,
        text: &str,
    ) -> Result<Vec<kontakt_store::outbox::NewOutbound>, CaseError> {
        use kontakt_domain::message::OutboundChannel;
        let outbound = match channel {
            Channel::Email => OutboundChannel::Email,
            Channel::Sms => OutboundChannel::Sms,
            _ => return Ok(vec![]),
        };
        match crate::messages::reply(&self.messages, case, outbound, text, &case.outbox) {
            Some(message)
                if outbound == OutboundChannel::Sms
                    && kontakt_domain::sms::parts(&message.body).len() > crate::sms::MAX_PARTS =>
            {
                Err(invalid(
                    "text",
                    format!(
                        "is too long for SMS ({} parts, at most {}); send it by e-mail or letter",
                        kontakt_domain::sms::parts(&message.body).len(),
                        crate::sms::MAX_PARTS
                    ),
                ))
            }
            Some(message) => Ok(vec![message]),
            None => Err(invalid(
                "channel",
                match outbound {
                    OutboundChannel::Email => {
                        "the case has no e-mail address to send to; choose another channel"
                    }
                    OutboundChannel::Sms => {
                        "the case has no mobile number to send to; choose another channel"
                    }
                },
            )),
        }
    }

    pub async fn add_entry(
        &self,
        number: &str,
        req: EntryRequest,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(CaseRecord, u32), CaseError> {
        let (case, _) = self
            .load_visible(number, actor, Action::Change, now)
            .await?;
        let mut p = Problems::default();
        let text = |p: &mut Problems| match req.text.as_deref() {
            Some(t) => p.text("text", t, limits::TEXT_CHARS, true),
            None => {
                p.add("text", "is required");
                None
            }
        };
        let mut blob = None;
        let body = match req.kind.as_str() {
            "note" => text(&mut p).map(|text| EntryBody::Note { text }),
            kind @ ("message_in" | "message_out") => {
                let channel = match req.channel.as_deref() {
                    None => {
                        p.add("channel", "is required for a message");
                        None
                    }
                    c => parse_word(&mut p, "channel", c, Channel::parse, Channel::choices),
                };
                let text = text(&mut p);
                channel.zip(text).map(|(channel, text)| {
                    if kind == "message_in" {
                        EntryBody::MessageIn { channel, text }
                    } else {
                        EntryBody::MessageOut { channel, text }
                    }
                })
            }
            "attachment" => {
                let file_name = match req.file_name.as_deref() {
                    None => {
                        p.add("file_name", "is required for an attachment");
                        None
                    }
                    Some(f) => p.text("file_name", f, limits::FILE_NAME_CHARS, true),
                };
                if file_name
                    .as_deref()
                    .is_some_and(|f| f.contains(['/', '\\', '\0']))
                {
                    p.add("file_name", "must not contain '/', '\\' or NUL");
                }
                let content_type = req
                    .content_type
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or("application/octet-stream");
                if !is_mime_type(content_type) {
                    p.add(
                        "content_type",
                        format!("'{content_type}' is not a MIME type"),
                    );
                }
                let content = match req.content_base64.as_deref() {
                    None => {
                        p.add("content_base64", "is required for an attachment");
                        None
                    }
                    Some(b) => {
                        // Cheap size check before decoding: 4 base64 characters carry 3 bytes.
                        if b.len() / 4 * 3 > limits::ATTACHMENT_BYTES + 3 {
                            p.add(
                                "content_base64",
                                format!(
                                    "the file is larger than {} bytes",
                                    limits::ATTACHMENT_BYTES
                                ),
                            );
                            None
                        } else {
                            match base64::engine::general_purpose::STANDARD.decode(b.trim()) {
                                Ok(bytes) if bytes.len() > limits::ATTACHMENT_BYTES => {
                                    p.add(
                                        "content_base64",
                                        format!(
                                            "the file is larger than {} bytes",
                                            limits::ATTACHMENT_BYTES
                                        ),
                                    );
                                    None
                                }
                                Ok(bytes) if bytes.is_empty() => {
                                    p.add("content_base64", "the file is empty");
                                    None
                                }
                                Ok(bytes) => Some(bytes),
                                Err(e) => {
                                    p.add("content_base64", format!("is not valid base64: {e}"));
                                    None
                                }
                            }
                        }
                    }
                };
                match (file_name, content) {
                    (Some(file_name), Some(content)) if p.0.is_empty() => {
                        let sha256 = hex::encode(Sha256::digest(&content));
                        let body = EntryBody::Attachment {
                            file_name,
                            content_type: stored_content_type(content_type, &content),
                            size: content.len() as u64,
                            sha256: sha256.clone(),
                        };
                        blob = Some(NewBlob { sha256, content });
                        Some(body)
                    }
                    _ => None,
                }
            }
            "correction" => {
                let corrects = req.corrects;
                match corrects {
                    None => p.add(
                        "corrects",
                        "is required: the sequence number of the entry corrected",
                    ),
                    Some(seq) if !case.entries.iter().any(|e| e.seq == seq) => {
                        p.add("corrects", format!("the case has no entry {seq}"))
                    }
                    Some(_) => {}
                }
                let text = text(&mut p);
                corrects
                    .zip(text)
                    .map(|(corrects, text)| EntryBody::Correction { corrects, text })
            }
            "" => {
                p.add("kind", "is required");
                None
            }
            other => {
                p.add(
                    "kind",
                    format!("'{other}' is not one of: note, message_in, message_out, attachment, correction"),
                );
                None
            }
        };
        p.finish()?;
        let Some(body) = body else {
            return Err(CaseError::Invalid(vec![]));
        };
        let outbox = match &body {
            EntryBody::MessageOut { channel, text } => {
                self.message_to_resident(&case, *channel, text)?
            }
            _ => vec![],
        };
        let update = CaseUpdate {
            at: now,
            author: actor.id.clone(),
            entries: vec![body],
            outbox,
            blob,
            audit: vec![change_event(
                actor,
                now,
                "case.entry",
                &case,
                serde_json::json!({"kind": req.kind}),
            )],
            ..CaseUpdate::default()
        };
        let updated = self.update_case(case.number, update).await?;
        Ok((self.load(number).await?, updated.last_seq))
    }

    pub async fn link(
        &self,
        number: &str,
        req: LinkRequest,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<CaseRecord, CaseError> {
        let (case, _) = self
            .load_visible(number, actor, Action::Change, now)
            .await?;
        if req.case.trim().is_empty() {
            return Err(invalid("case", "is required"));
        }
        let other = CaseNumber::parse(&req.case).map_err(|e| invalid("case", e.to_string()))?;
        if other == case.number {
            return Err(invalid("case", "a case cannot be linked to itself"));
        }
        match self
            .load_visible(&other.to_string(), actor, Action::Read, now)
            .await
        {
            Ok(_) => {}
            Err(CaseError::NotFound(_)) => {
                return Err(invalid("case", format!("there is no case {other}")))
            }
            Err(e) => return Err(e),
        }
        if case.related.contains(&other) {
            return self.read(number, actor, now).await;
        }
        let update = CaseUpdate {
            at: now,
            author: actor.id.clone(),
            entries: vec![EntryBody::Linked { case: other }],
            link: Some(other),
            audit: vec![change_event(
                actor,
                now,
                "case.link",
                &case,
                serde_json::json!({"other": other.to_string()}),
            )],
            ..CaseUpdate::default()
        };
        match self.update_case(case.number, update).await {
            Err(StoreError::NotFound) => {
                return Err(invalid("case", format!("there is no case {other}")))
            }
            r => r?,
        };
        // The answer is a read like any other: withheld by agreement, audited.
        self.read(number, actor, now).await
    }

    pub async fn set_deadline(
        &self,
        number: &str,
        req: DeadlineRequest,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<CaseRecord, CaseError> {
        let (case, _) = self
            .load_visible(number, actor, Action::Change, now)
            .await?;
        let mut p = Problems::default();
        match req.deadline {
            None => p.add("deadline", "is required (YYYY-MM-DD)"),
            Some(d) if d < stockholm_date(now) => p.add("deadline", "lies in the past"),
            Some(_) if case.status == Status::Closed => p.add("deadline", "the case is closed"),
            Some(_) => {}
        }
        let reason = p.text("reason", &req.reason, limits::REASON_CHARS, true);
        p.finish()?;
        let Some(deadline) = req.deadline else {
            return Err(CaseError::Invalid(vec![]));
        };
        let update = CaseUpdate {
            expected_version: Some(case.version),
            at: now,
            author: actor.id.clone(),
            entries: vec![EntryBody::FeedbackDeadlineChanged {
                deadline,
                reason: reason.unwrap_or_default(),
            }],
            feedback_deadline: Some(deadline),
            audit: vec![change_event(
                actor,
                now,
                "case.deadline",
                &case,
                serde_json::json!({"deadline": deadline.to_string()}),
            )],
            ..CaseUpdate::default()
        };
        self.update_case(case.number, update).await?;
        // The answer is a read like any other: withheld by agreement, audited.
        self.read(number, actor, now).await
    }

    /// Gives the case to another group and/or person (a message taken by
    /// the switchboard, a leaver's cases). The target group must exist; the
    /// timeline says who gave it to whom and why.
    pub async fn reassign(
        &self,
        number: &str,
        req: ReassignRequest,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<CaseRecord, CaseError> {
        let (case, _) = self
            .load_visible(number, actor, Action::Change, now)
            .await?;
        let mut p = Problems::default();
        let group = req
            .group
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty());
        if let Some(g) = group {
            if self.catalog.group(g).is_none() {
                p.add("group", format!("'{g}' is not a known group"));
            }
        }
        let person = req
            .person
            .as_deref()
            .map(str::trim)
            .filter(|x| !x.is_empty());
        if let Some(x) = person {
            p.text("person", x, 100, true);
        }
        if group.is_none() && person.is_none() {
            p.add("group", "give a group, a person or both");
        }
        if case.status == Status::Closed {
            p.add("group", "the case is closed");
        }
        let reason = p.text("reason", &req.reason, limits::REASON_CHARS, true);
        p.finish()?;
        let to = [
            group.map(|g| format!("grupp {g}")),
            person.map(|x| format!("person {x}")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        let update = CaseUpdate {
            expected_version: Some(case.version),
            at: now,
            author: actor.id.clone(),
            entries: vec![EntryBody::Note {
                text: format!("Tilldelat {to}. {}", reason.unwrap_or_default()),
            }],
            assignee_group: group.map(|g| Some(g.to_owned())),
            assignee_person: Some(person.map(str::to_owned)),
            audit: vec![change_event(
                actor,
                now,
                "case.reassign",
                &case,
                serde_json::json!({"group": group, "person": person}),
            )],
            ..CaseUpdate::default()
        };
        self.update_case(case.number, update).await?;
        self.read(number, actor, now).await
    }

    /// An attachment's content, only if it belongs to this case (so a known
    /// hash cannot be used to read another case's files).
    pub async fn attachment(
        &self,
        number: &str,
        sha256: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(String, String, Vec<u8>), CaseError> {
        let (case, data) = self.load_visible(number, actor, Action::Read, now).await?;
        if !data.contains(&PersonalData::CaseText) {
            return Err(CaseError::NotFound(format!(
                "attachment {sha256} on {}",
                case.number
            )));
        }
        let (file_name, content_type) = case
            .entries
            .iter()
            .find_map(|e| match &e.body {
                EntryBody::Attachment {
                    file_name,
                    content_type,
                    sha256: s,
                    ..
                } if s == sha256 => Some((file_name.clone(), content_type.clone())),
                _ => None,
            })
            .ok_or_else(|| {
                CaseError::NotFound(format!("attachment {sha256} on {}", case.number))
            })?;
        let content = self.store.blob(sha256).await?.ok_or_else(|| {
            CaseError::Store(StoreError::Corrupt(format!(
                "attachment {sha256} has no content"
            )))
        })?;
        let event = actor.event(
            now,
            "attachment.read",
            ("case", &case.number.to_string()),
            &case.board,
            Outcome::Allowed,
            serde_json::json!({"sha256": sha256, "protected": is_protected(&case)}),
        );
        self.store.audit(vec![event]).await?;
        Ok((file_name, content_type, content))
    }
}

fn invalid(field: &str, reason: impl Into<String>) -> CaseError {
    CaseError::Invalid(vec![FieldError {
        field: field.into(),
        reason: reason.into(),
    }])
}

fn parse_word<T>(
    p: &mut Problems,
    field: &str,
    value: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    choices: impl Fn() -> String,
) -> Option<T> {
    let v = value?.trim();
    if v.is_empty() {
        p.add(field, "is required");
        return None;
    }
    let parsed = parse(v);
    if parsed.is_none() {
        p.add(field, format!("'{v}' is not one of: {}", choices()));
    }
    parsed
}

/// The resident must be reachable on the feedback channel they chose.
fn check_feedback_reachable(p: &mut Problems, channel: FeedbackChannel, contact: &NewContact) {
    let (phone, email) = match contact {
        NewContact::Anonymous => {
            p.add(
                "feedback_channel",
                "an anonymous contact cannot be given feedback; omit it or add contact details",
            );
            return;
        }
        NewContact::Person(c) => (c.phone.as_ref(), c.email.as_ref()),
        NewContact::Organisation(c) => (c.phone.as_ref(), c.email.as_ref()),
    };
    if let Some(reason) = unreachable_on(channel, phone, email.is_some()) {
        p.add("feedback_channel", reason);
    }
}

/// Why a contact with this phone number (and an e-mail address or not)
/// cannot hear back on `channel`, if they cannot.
pub(crate) fn unreachable_on(
    channel: FeedbackChannel,
    phone: Option<&PhoneNumber>,
    has_email: bool,
) -> Option<&'static str> {
    match channel {
        FeedbackChannel::Email if !has_email => Some("e-mail feedback needs contact.email"),
        FeedbackChannel::Sms if !phone.is_some_and(PhoneNumber::is_mobile) => {
            Some("SMS feedback needs a mobile number in contact.phone")
        }
        FeedbackChannel::Phone if phone.is_none() => Some("phone feedback needs contact.phone"),
        _ => None,
    }
}

/// The type a file is stored and served as. The sender's word is not
/// taken for it: what the first bytes show the file to be wins, so a
/// program sent as `faktura.pdf` is stored as a program (and the card
/// warns about it); a declared type whose signature is known but absent
/// (a "PDF" that is no PDF) becomes `application/octet-stream`; a type
/// without a signature (plain text, CSV) stands as declared.
pub fn stored_content_type(declared: &str, content: &[u8]) -> String {
    let declared = if is_mime_type(declared) {
        declared.trim()
    } else {
        "application/octet-stream"
    };
    let essence = declared
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match infer::get(content) {
        Some(kind) if kind.mime_type() == essence => declared.to_owned(),
        Some(kind) => kind.mime_type().to_owned(),
        None if essence != "application/octet-stream" && infer::is_mime_supported(&essence) => {
            "application/octet-stream".into()
        }
        None => declared.to_owned(),
    }
}

/// A file the agent should not open: a program or script, by its stored
/// type or by its name (scripts have no signature to sniff).
pub fn looks_like_program(file_name: &str, content_type: &str) -> bool {
    const TYPES: &[&str] = &[
        "application/vnd.microsoft.portable-executable",
        "application/x-msdownload",
        "application/x-executable",
        "application/x-sharedlib",
        "application/x-mach-binary",
        "application/java-vm",
        "application/java-archive",
        "application/vnd.android.dex",
        "application/vnd.android.dey",
        "application/wasm",
        "application/x-sh",
        "application/x-shellscript",
        "text/x-shellscript",
    ];
    const NAMES: &[&str] = &[
        ".exe", ".com", ".scr", ".bat", ".cmd", ".msi", ".dll", ".ps1", ".vbs", ".vbe", ".js",
        ".jse", ".wsf", ".hta", ".jar", ".lnk", ".sh", ".apk", ".iso", ".docm", ".xlsm",
    ];
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let name = file_name.trim().to_lowercase();
    TYPES.contains(&essence.as_str()) || NAMES.iter().any(|n| name.ends_with(n))
}

fn is_mime_type(s: &str) -> bool {
    let token = |t: &str| {
        !t.is_empty()
            && t.len() <= 127
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    // The whole value is sent back as a header on download: printable ASCII only.
    if s.len() > 200 || !s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return false;
    }
    let essence = s.split(';').next().unwrap_or("").trim();
    matches!(essence.split_once('/'), Some((a, b)) if token(a) && token(b))
}

/// The filters of a search, for its audit entry.
fn filter_terms(f: &CaseFilter) -> serde_json::Value {
    let mut terms = serde_json::Map::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            terms.insert(k.into(), serde_json::Value::String(v));
        }
    };
    put("status", f.status.map(|s| s.as_str().into()));
    put("case_type", f.case_type.clone());
    put("board", f.board.clone());
    put("district", f.district.clone());
    put("channel", f.channel.map(|c| c.as_str().into()));
    put("group", f.assignee_group.clone());
    put(
        "personnummer",
        f.personnummer.as_ref().map(|p| p.to_string()),
    );
    put("phone", f.phone.as_ref().map(|p| p.to_string()));
    put("name", f.name_prefix.clone());
    put("created_from", f.created_from.map(|t| t.to_rfc3339()));
    put("created_to", f.created_to.map(|t| t.to_rfc3339()));
    put("before", f.before.map(|n| n.to_string()));
    put("text", (!f.terms.is_empty()).then(|| f.terms.join(" ")));
    serde_json::Value::Object(terms)
}

/// Moves queued search terms into the full-text index, in large
/// transactions (every write queues them: indexing write by write would
/// cost more than the write itself).
pub async fn build_search_index(
    store: &std::sync::Arc<dyn kontakt_store::Store>,
) -> Result<u64, CaseError> {
    let mut total = 0;
    loop {
        let moved = store.index_queued(200_000).await?;
        total += moved;
        if moved == 0 {
            return Ok(total);
        }
    }
}

/// The audit entry of an allowed change to `case`.
fn change_event(
    actor: &Actor,
    now: DateTime<Utc>,
    action: &str,
    case: &CaseRecord,
    detail: serde_json::Value,
) -> AuditEvent {
    actor.event(
        now,
        action,
        ("case", &case.number.to_string()),
        &case.board,
        Outcome::Allowed,
        detail,
    )
}

fn is_protected(case: &CaseRecord) -> bool {
    matches!(&case.contact, kontakt_store::ContactRecord::Person(p) if p.protected_identity)
}

/// Removes the personal data an actor may not see under the agreement. Done
/// here, where every read passes, so no view can forget it.
fn withhold(case: &mut CaseRecord, allowed: &[PersonalData]) {
    use kontakt_store::ContactRecord;
    let identity = allowed.contains(&PersonalData::Identity);
    let contact = allowed.contains(&PersonalData::Contact);
    let text = allowed.contains(&PersonalData::CaseText);
    match &mut case.contact {
        ContactRecord::Person(p) => {
            if !identity {
                p.name = None;
                p.personnummer = None;
            }
            if !contact {
                p.phone = None;
                p.email = None;
                p.preferred_language = None;
            }
        }
        ContactRecord::Organisation(o) => {
            if !contact {
                o.phone = None;
                o.email = None;
            }
        }
        ContactRecord::Anonymous => {}
    }
    if !text {
        case.description = WITHHELD.into();
        case.form.clear();
    }
    for message in &mut case.outbox {
        if !contact {
            message.recipient = WITHHELD.into();
            // A mail server's refusal names the address.
            message.last_error = message.last_error.as_ref().map(|_| WITHHELD.into());
        }
        if !text {
            message.body = WITHHELD.into();
        }
    }
    for entry in &mut case.entries {
        if let EntryBody::CallbackRequested { phone, .. } = &mut entry.body {
            if !contact {
                *phone = None;
            }
        }
        match &mut entry.body {
            EntryBody::Registered { contact_given, .. } => {
                if !identity {
                    contact_given.name = None;
                }
                if !contact {
                    contact_given.phone = None;
                    contact_given.email = None;
                }
            }
            EntryBody::Note { text: t }
            | EntryBody::MessageIn { text: t, .. }
            | EntryBody::MessageOut { text: t, .. }
            | EntryBody::Correction { text: t, .. }
            | EntryBody::HandedOver { summary: t, .. }
            | EntryBody::InfoRequested { question: t, .. }
            | EntryBody::HandoverReturned { reason: t, .. }
            | EntryBody::FeedbackDeadlineChanged { reason: t, .. }
            | EntryBody::CallbackRequested { when: t, .. }
                if !text =>
            {
                *t = WITHHELD.into();
            }
            EntryBody::Attachment { file_name, .. } if !text => *file_name = WITHHELD.into(),
            EntryBody::StatusChanged {
                reason: Some(r), ..
            } if !text => *r = WITHHELD.into(),
            _ => {}
        }
    }
}

/// Replaces the person record's details with those given on this case
/// (all but the preferred language).
fn contact_as_given(case: &mut CaseRecord) {
    let given = case.entries.iter().find_map(|e| match &e.body {
        EntryBody::Registered { contact_given, .. } => Some(contact_given.clone()),
        _ => None,
    });
    if let (kontakt_store::ContactRecord::Person(p), Some(given)) = (&mut case.contact, given) {
        p.name = given.name;
        p.phone = given
            .phone
            .as_deref()
            .and_then(|x| PhoneNumber::parse(x).ok());
        p.email = given
            .email
            .as_deref()
            .and_then(|x| EmailAddress::parse(x).ok());
        // The language stays: the resident chose it (on Mina sidor or in
        // an e-service) so that whoever answers them uses it.
    }
}

/// Shown in place of text the agreement does not let the actor see.
pub const WITHHELD: &str = "(undanhållet enligt avtal / withheld by agreement)";

#[cfg(test)]
mod tests {
    use super::*;
    use kontakt_store::{ContactRecord, EntryRecord, PersonRecord};

    #[test]
    fn a_file_is_what_its_bytes_say() {
        let pdf = b"%PDF-1.4\n%intyg\n";
        let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00";
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
        assert_eq!(
            stored_content_type("application/pdf", pdf),
            "application/pdf"
        );
        // A program that says it is a PDF is stored as a program.
        let lying = stored_content_type("application/pdf", exe);
        assert_eq!(lying, "application/vnd.microsoft.portable-executable");
        assert!(looks_like_program("faktura.pdf", &lying));
        // A "PDF" that is no PDF is not believed.
        assert_eq!(
            stored_content_type("application/pdf", b"hej"),
            "application/octet-stream"
        );
        // A picture sent as anything is a picture.
        assert_eq!(
            stored_content_type("application/octet-stream", png),
            "image/png"
        );
        assert_eq!(stored_content_type("image/jpg", png), "image/png");
        // Text has no signature: the sender's word stands.
        assert_eq!(
            stored_content_type("text/csv; charset=utf-8", b"a;b\n1;2\n"),
            "text/csv; charset=utf-8"
        );
        assert_eq!(
            stored_content_type("not a type", b"x"),
            "application/octet-stream"
        );
        assert!(looks_like_program("uppdatering.JS", "text/plain"));
        assert!(!looks_like_program("intyg.pdf", "application/pdf"));
    }

    fn case() -> CaseRecord {
        let at = DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default();
        let entry = |seq, body| EntryRecord {
            seq,
            at,
            author: "anna".into(),
            body,
        };
        CaseRecord {
            number: CaseNumber::new(2026, 1).expect("number"),
            version: 1,
            case_type: "FSK-KO".into(),
            board: "SDN-SKH".into(),
            service_area: "preschool".into(),
            district: Some("skarholmen".into()),
            channel: Channel::Phone,
            status: Status::HandedOver,
            resolution: None,
            assignee_group: None,
            assignee_person: None,
            contact: ContactRecord::Person(PersonRecord {
                id: 1,
                personnummer: Personnummer::parse_today("19121212-1212").ok(),
                name: Some("Tolvan".into()),
                phone: PhoneNumber::parse("070-123 45 67").ok(),
                email: EmailAddress::parse("t@example.se").ok(),
                preferred_language: None,
                protected_identity: false,
            }),
            feedback_channel: None,
            feedback_deadline: None,
            description: "Min dotter behöver plats".into(),
            form: serde_json::json!({"child": "Lisa"})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            confidential: false,
            handed_over: true,
            created_at: at,
            updated_at: at,
            closed_at: None,
            related: vec![],
            outbox: vec![],
            entries: vec![
                entry(
                    1,
                    EntryBody::Registered {
                        channel: Channel::Phone,
                        contact_given: ContactGiven {
                            name: Some("Tolvan".into()),
                            phone: Some("+46701234567".into()),
                            email: None,
                        },
                    },
                ),
                entry(
                    2,
                    EntryBody::HandedOver {
                        group: "FSK-KO-SKH".into(),
                        summary: "Lisa, 3 år".into(),
                    },
                ),
            ],
        }
    }

    #[test]
    fn withholding_follows_the_agreement() {
        let mut all = case();
        withhold(&mut all, &PersonalData::ALL);
        assert_eq!(all, case(), "everything granted: nothing withheld");

        let mut no_text = case();
        withhold(
            &mut no_text,
            &[PersonalData::Identity, PersonalData::Contact],
        );
        assert_eq!(no_text.description, WITHHELD);
        assert!(no_text.form.is_empty());
        assert!(
            matches!(&no_text.entries[1].body, EntryBody::HandedOver { summary, .. } if summary == WITHHELD)
        );
        assert!(
            matches!(&no_text.contact, ContactRecord::Person(p) if p.name.is_some() && p.phone.is_some())
        );

        let mut identity_only = case();
        withhold(&mut identity_only, &[PersonalData::Identity]);
        let ContactRecord::Person(p) = &identity_only.contact else {
            panic!("person")
        };
        assert!(p.name.is_some() && p.personnummer.is_some());
        assert!(p.phone.is_none() && p.email.is_none());
        assert!(
            matches!(&identity_only.entries[0].body, EntryBody::Registered { contact_given, .. } if contact_given.phone.is_none() && contact_given.name.is_some())
        );

        let mut nothing = case();
        withhold(&mut nothing, &[]);
        let ContactRecord::Person(p) = &nothing.contact else {
            panic!("person")
        };
        assert!(p.name.is_none() && p.personnummer.is_none() && p.phone.is_none());
    }
}

/// Everything the register holds about one person (registerutdrag).
#[derive(Debug, Clone)]
pub struct RegisterExtract {
    pub person: kontakt_store::PersonRecord,
    pub cases: Vec<CaseRecord>,
    /// Every rectification of the person's details, oldest first.
    pub rectifications: Vec<kontakt_store::rights::RectificationRecord>,
    pub generated_at: DateTime<Utc>,
}

impl CaseService {
    /// The register extract for the person with `personnummer`: their
    /// record and every case about them, in full. For the registrar, who
    /// answers subject-access requests; a protected person's extract also
    /// needs the protected-identity permission. Audited.
    pub async fn register_extract(
        &self,
        personnummer: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<RegisterExtract, CaseError> {
        let (person, cases) = self
            .person_with_cases(personnummer, actor, now, "person.extract")
            .await?;
        // One entry per board whose data the extract holds, so each board's
        // log reviewer sees it.
        let mut per_board: std::collections::BTreeMap<&str, usize> =
            std::collections::BTreeMap::new();
        for c in &cases {
            *per_board.entry(c.board.as_str()).or_default() += 1;
        }
        let events = per_board
            .into_iter()
            .map(|(board, n)| {
                actor.event(
                    now,
                    "person.extract",
                    ("person", &person.id.to_string()),
                    board,
                    Outcome::Allowed,
                    serde_json::json!({"cases": n, "protected": person.protected_identity}),
                )
            })
            .collect();
        self.store.audit(events).await?;
        let rectifications = self.store.rectifications(person.id).await?;
        Ok(RegisterExtract {
            person,
            cases,
            rectifications,
            generated_at: now,
        })
    }

    /// A person found by personnummer through their cases, for the
    /// registrar's data-subject tasks; a protected person is "not found"
    /// for a registrar without that grant, and the attempt is flagged.
    pub(crate) async fn person_with_cases(
        &self,
        personnummer: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        action: &str,
    ) -> Result<(kontakt_store::PersonRecord, Vec<CaseRecord>), CaseError> {
        let pnr = Personnummer::parse_today(personnummer)
            .map_err(|e| invalid("personnummer", e.to_string()))?;
        let deny = |reason: &str| {
            actor.event(
                now,
                action,
                ("person", ""),
                "",
                Outcome::Denied,
                serde_json::json!({"reason": reason}),
            )
        };
        if !actor.principal.has(kontakt_domain::access::Role::Registrar) {
            self.store.audit(vec![deny("not a registrar")]).await?;
            return Err(CaseError::Forbidden(
                "a person's data is handled by the registrar".into(),
            ));
        }
        let mut numbers = Vec::new();
        let mut filter = CaseFilter {
            personnummer: Some(pnr),
            limit: limits::PAGE_MAX,
            ..CaseFilter::default()
        };
        loop {
            let page = self.store.list_cases(&filter).await?;
            numbers.extend(page.iter().map(|c| c.number));
            match page.last() {
                Some(last) if page.len() == limits::PAGE_MAX as usize => {
                    filter.before = Some(last.number)
                }
                _ => break,
            }
        }
        let mut cases = Vec::with_capacity(numbers.len());
        for n in numbers {
            cases.push(self.load(&n.to_string()).await?);
        }
        let person = cases.iter().find_map(|c| match &c.contact {
            kontakt_store::ContactRecord::Person(p) => Some(p.clone()),
            _ => None,
        });
        let Some(person) = person else {
            self.store.audit(vec![deny("no such person")]).await?;
            return Err(CaseError::NotFound("person".into()));
        };
        if person.protected_identity && !actor.principal.protected_identity {
            let event = actor.event(
                now,
                "case.open_protected",
                ("person", &person.id.to_string()),
                "",
                Outcome::Denied,
                serde_json::json!({"reason": action}),
            );
            self.store.audit(vec![event]).await?;
            return Err(CaseError::NotFound("person".into()));
        }
        Ok((person, cases))
    }
}
