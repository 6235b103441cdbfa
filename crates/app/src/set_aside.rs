//! Mail set aside for an agent: a mail that arrived but could not become a
//! case by itself (see `kontakt_store::set_aside`). The mail server was told
//! it arrived, so it is kept until an agent registers it as a case — with
//! the case type, district and form fields a mail cannot give — or
//! discards it. Listing and reading show senders and texts, so both are
//! audited reads, open to the contact centre's agents and registrars only.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use kontakt_domain::access::Role;
use kontakt_domain::audit::Outcome;
use kontakt_domain::case::CaseNumber;
use kontakt_store::set_aside::{NewSetAside, Release, SetAsideSummary};
use kontakt_store::{Store, StoreError};
use sha2::{Digest, Sha256};

use crate::cases::{limits, Actor, Arrival, CaseError, CaseService, FieldError, IntakeRequest};
use crate::mail_in::MailContent;

/// Who may see and decide on set-aside mail.
const ROLES: [Role; 3] = [Role::AgentL1, Role::AgentL2, Role::Registrar];

/// Days a set-aside mail waits for an agent before retention removes it.
pub const KEPT_DAYS: u64 = 30;

/// How many set-aside mails a list shows (oldest first).
pub const LIST_MAX: u32 = 500;

/// The key a mail is registered under: its Message-ID, or a hash of the
/// mail if it has none (or is no mail at all).
pub fn intake_key(raw: &[u8]) -> String {
    match crate::mail_in::parse_message(raw) {
        Some(mail) => MailContent::read(raw, &mail).intake_key,
        None => format!("mail-sha256:{}", hex::encode(Sha256::digest(raw))),
    }
}

/// Keeps a mail that could not be registered; the same mail kept twice is
/// kept once.
pub async fn keep(
    store: &dyn Store,
    raw: &[u8],
    reason: &str,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let parsed = crate::mail_in::parse_message(raw);
    let (key, sender, subject) = match &parsed {
        Some(mail) => {
            let content = MailContent::read(raw, mail);
            let sender = mail
                .from()
                .and_then(|a| a.first())
                .map(|a| match (a.name(), a.address()) {
                    (Some(n), Some(addr)) => format!("{n} <{addr}>"),
                    (None, Some(addr)) => addr.to_owned(),
                    (Some(n), None) => n.to_owned(),
                    (None, None) => String::new(),
                })
                .unwrap_or_default();
            (content.intake_key, sender, content.subject)
        }
        None => (
            format!("mail-sha256:{}", hex::encode(Sha256::digest(raw))),
            String::new(),
            String::new(),
        ),
    };
    let clean =
        |s: String, max: usize| -> String { s.chars().filter(|c| *c != '\0').take(max).collect() };
    store
        .set_aside(NewSetAside {
            key,
            received_at: now,
            reason: clean(reason.to_owned(), limits::REASON_CHARS),
            sender: clean(sender, limits::NAME_CHARS + 320),
            subject: clean(subject, limits::NAME_CHARS * 5),
            raw: raw.to_vec(),
        })
        .await
}

/// A set-aside mail as an agent reads it.
#[derive(Debug, Clone)]
pub struct SetAsideView {
    pub summary: SetAsideSummary,
    pub sender_address: Option<String>,
    pub sender_name: Option<String>,
    /// The addresses it was sent to, as written.
    pub to: Vec<String>,
    /// The text a case would get (subject first).
    pub text: String,
    /// The files a case would get: name and size in bytes.
    pub files: Vec<(String, usize)>,
}

pub struct SetAsideMail {
    cases: Arc<CaseService>,
}

impl SetAsideMail {
    pub fn new(cases: Arc<CaseService>) -> Self {
        SetAsideMail { cases }
    }

    async fn allow(&self, actor: &Actor, what: &str, now: DateTime<Utc>) -> Result<(), CaseError> {
        if ROLES.iter().any(|r| actor.principal.has(*r)) {
            return Ok(());
        }
        let event = actor.event(
            now,
            "access.denied",
            ("set_aside_mail", ""),
            "",
            Outcome::Denied,
            serde_json::json!({"action": what, "reason": "not an agent or registrar"}),
        );
        self.cases.store().audit(vec![event]).await?;
        Err(CaseError::Forbidden(
            "set-aside mail is for the contact centre's agents and registrars".into(),
        ))
    }

    /// The mails waiting for an agent, oldest first.
    pub async fn list(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Vec<SetAsideSummary>, CaseError> {
        self.allow(actor, "list", now).await?;
        let list = self.cases.store().set_aside_list(LIST_MAX).await?;
        let event = actor.event(
            now,
            "set_aside_mail.list",
            ("set_aside_mail", ""),
            "",
            Outcome::Allowed,
            serde_json::json!({"count": list.len()}),
        );
        self.cases.store().audit(vec![event]).await?;
        Ok(list)
    }

    /// How many mails wait (for the start page); reveals no content.
    pub async fn count(&self, actor: &Actor) -> Result<usize, CaseError> {
        if !ROLES.iter().any(|r| actor.principal.has(*r)) {
            return Ok(0);
        }
        Ok(self.cases.store().set_aside_list(LIST_MAX).await?.len())
    }

    pub async fn read(
        &self,
        id: i64,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<SetAsideView, CaseError> {
        self.allow(actor, "read", now).await?;
        let mail = self
            .cases
            .store()
            .set_aside_mail(id)
            .await?
            .ok_or_else(|| CaseError::NotFound(format!("set-aside mail {id}")))?;
        let event = actor.event(
            now,
            "set_aside_mail.read",
            ("set_aside_mail", &id.to_string()),
            "",
            Outcome::Allowed,
            serde_json::json!({}),
        );
        self.cases.store().audit(vec![event]).await?;
        let view = match crate::mail_in::parse_message(&mail.raw) {
            Some(parsed) => {
                let content = MailContent::read(&mail.raw, &parsed);
                let (text, files) = content.description(false, &mail.raw);
                SetAsideView {
                    to: parsed
                        .to()
                        .into_iter()
                        .chain(parsed.cc())
                        .flat_map(|a| a.iter())
                        .filter_map(|a| a.address().map(str::to_owned))
                        .collect(),
                    text,
                    files: files
                        .iter()
                        .map(|f| (f.file_name.clone(), f.content.len()))
                        .collect(),
                    sender_address: content.sender_address,
                    sender_name: content.sender_name,
                    summary: mail.summary,
                }
            }
            None => SetAsideView {
                to: Vec::new(),
                text: String::from_utf8_lossy(&mail.raw)
                    .chars()
                    .filter(|c| *c != '\0')
                    .take(limits::DESCRIPTION_CHARS)
                    .collect(),
                files: Vec::new(),
                sender_address: None,
                sender_name: None,
                summary: mail.summary,
            },
        };
        Ok(view)
    }

    /// Registers the mail as a case from the agent's request (channel
    /// e-mail; the mail's files and its Message-ID come from the mail),
    /// then lets the mail go. Registering twice (two agents, or a retry
    /// after a failure between the two steps) gives the same case.
    pub async fn register(
        &self,
        id: i64,
        mut request: IntakeRequest,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<CaseNumber, CaseError> {
        self.allow(actor, "register", now).await?;
        let store = self.cases.store();
        let mail = store
            .set_aside_mail(id)
            .await?
            .ok_or_else(|| CaseError::NotFound(format!("set-aside mail {id}")))?;
        let parsed = crate::mail_in::parse_message(&mail.raw);
        let arrival = match &parsed {
            Some(parsed) => {
                let content = MailContent::read(&mail.raw, parsed);
                let (_, files) = content.description(false, &mail.raw);
                Arrival {
                    files,
                    intake_key: Some(content.intake_key),
                    resident_reply: false,
                    assign: None,
                }
            }
            None => Arrival {
                intake_key: Some(format!(
                    "mail-sha256:{}",
                    hex::encode(Sha256::digest(&mail.raw))
                )),
                ..Arrival::default()
            },
        };
        request.channel = kontakt_domain::case::Channel::Email.as_str().into();
        request.attach_to = None;
        request.received_at = Some(mail.summary.received_at.min(now));
        let number = match self
            .cases
            .intake_arrival(request, arrival, actor, now)
            .await
        {
            Ok(intake) => intake.number,
            Err(CaseError::Store(StoreError::AlreadyRegistered(n))) => n,
            Err(e) => return Err(e),
        };
        let event = actor.event(
            now,
            "set_aside_mail.register",
            ("set_aside_mail", &id.to_string()),
            "",
            Outcome::Allowed,
            serde_json::json!({"case": number.to_string()}),
        );
        store
            .release_set_aside(Release {
                id,
                audit: vec![event],
            })
            .await?;
        Ok(number)
    }

    /// Lets the mail go without a case (spam, a mail that was never meant
    /// for the city), with the agent's reason in the audit log.
    pub async fn discard(
        &self,
        id: i64,
        reason: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), CaseError> {
        self.allow(actor, "discard", now).await?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > limits::REASON_CHARS {
            return Err(CaseError::Invalid(vec![FieldError {
                field: "reason".into(),
                reason: format!(
                    "is required (at most {} characters): say why the mail is not registered",
                    limits::REASON_CHARS
                ),
            }]));
        }
        let event = actor.event(
            now,
            "set_aside_mail.discard",
            ("set_aside_mail", &id.to_string()),
            "",
            Outcome::Allowed,
            serde_json::json!({"reason": reason}),
        );
        let released = self
            .cases
            .store()
            .release_set_aside(Release {
                id,
                audit: vec![event],
            })
            .await?;
        if !released {
            return Err(CaseError::NotFound(format!("set-aside mail {id}")));
        }
        Ok(())
    }
}

/// Removes set-aside mail older than `before` (retention): it waited
/// long enough for an agent; after that it is personal data kept for
/// no purpose. Returns how many were removed.
pub async fn remove_older_than(
    store: &dyn Store,
    before: DateTime<Utc>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let mut removed = 0;
    for mail in store.set_aside_list(u32::MAX).await? {
        if mail.received_at >= before {
            break;
        }
        let event = actor.event(
            now,
            "retention.remove",
            ("set_aside_mail", &mail.id.to_string()),
            "",
            Outcome::Allowed,
            serde_json::json!({"received_at": mail.received_at}),
        );
        if store
            .release_set_aside(Release {
                id: mail.id,
                audit: vec![event],
            })
            .await?
        {
            removed += 1;
        }
    }
    Ok(removed)
}
