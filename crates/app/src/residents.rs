//! `ResidentService`: Mina sidor. A resident proves who they are — a
//! one-time code sent to their e-mail address or mobile, e-legitimation
//! through the city's OpenID provider, or a case's number with the secret
//! from its acknowledgement — and gets a short session bound to their
//! browser. They see their own cases only (those whose person has the
//! address or personnummer they proved; a protected person's only after
//! e-legitimation), as the resident view shows them, and may add to an
//! open case: a message, a document, another way to hear back, a request
//! to be called. Every look at a case is audited like a staff read, under
//! a pseudonym of the resident (`resident:<kind>:<hash>`), never their
//! address.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use kontakt_domain::audit::{AuditEvent, Outcome};
use kontakt_domain::case::{CaseNumber, Channel, EntryBody, FeedbackChannel, Status};
use kontakt_domain::contact::PhoneNumber;
use kontakt_domain::message::OutboundChannel;
use kontakt_domain::personnummer::Personnummer;
use kontakt_domain::resident::{
    normalise_follow_token, CodeAddress, ResidentIdentity, CODES_PER_ADDRESS_AND_HOUR,
    CODE_ATTEMPTS, CODE_DIGITS, CODE_MINUTES, FOLLOW_TOKEN_ALPHABET, FOLLOW_TOKEN_CHARS,
    SESSION_IDLE_MINUTES, SESSION_MAX_MINUTES,
};
use kontakt_store::outbox::NewOutbound;
use kontakt_store::residents::{
    NewResidentSession, PersonsOf, ResidentWrite, CODE_ACCEPTED, CODE_WRONG,
};
use kontakt_store::{
    CaseFilter, CaseRecord, CaseSummary, CaseUpdate, ContactRecord, Store, StoreError,
};
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::cases::{
    Actor, Arrival, CaseError, CaseService, FieldError, InboundFile, IntakeRequest,
};

/// Cases shown on "my cases" at most (newest first).
pub const MY_CASES_LIMIT: u32 = 500;
/// Characters of a message from Mina sidor.
pub const MESSAGE_CHARS: usize = 5_000;
/// Files with one message.
pub const FILES_PER_MESSAGE: usize = 3;

#[derive(Debug, thiserror::Error)]
pub enum ResidentError {
    /// What the resident typed is wrong, field by field; nothing changed.
    #[error("the request has invalid fields")]
    Invalid(Vec<FieldError>),
    /// Too many codes to this address in the last hour.
    #[error("too many codes were sent to this address; wait a while")]
    TooManyCodes,
    /// The code was wrong; this many tries are left.
    #[error("the code is wrong")]
    WrongCode { tries_left: u32 },
    /// The code was used, has expired, or was tried too often.
    #[error("the code is no longer valid; ask for a new one")]
    CodeExpired,
    /// No such case for this resident (another's case is not revealed).
    #[error("no such case")]
    NotFound,
    /// A closed case takes nothing more from Mina sidor.
    #[error("the case is closed")]
    Closed,
    /// The session has ended, was never started, or is used in another browser.
    #[error("not logged in")]
    NotLoggedIn,
    /// The e-legitimation provider did not answer or answered wrongly.
    #[error("the e-legitimation provider: {0}")]
    Provider(String),
    #[error(transparent)]
    Case(CaseError),
    #[error("storage failed: {0}")]
    Store(#[from] StoreError),
}

impl From<CaseError> for ResidentError {
    fn from(e: CaseError) -> Self {
        match e {
            CaseError::Invalid(fields) => ResidentError::Invalid(fields),
            CaseError::NotFound(_) => ResidentError::NotFound,
            CaseError::Store(s) => ResidentError::Store(s),
            other => ResidentError::Case(other),
        }
    }
}

fn invalid(field: &str, reason: impl Into<String>) -> ResidentError {
    ResidentError::Invalid(vec![FieldError {
        field: field.into(),
        reason: reason.into(),
    }])
}

/// A live session.
#[derive(Debug, Clone)]
pub struct ResidentSession {
    pub id_hash: String,
    pub identity: ResidentIdentity,
    /// The synchronizer token every form must carry.
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
}

/// Where the resident's request came from, for the audit log and the
/// session's binding to the browser.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub client: String,
    pub operation_id: String,
    /// The browser's `User-Agent`: a session is refused in another one.
    pub user_agent: String,
}

/// The message carrying a code, composed by the caller in the resident's
/// language from the code.
pub struct CodeMessage {
    pub subject: String,
    pub body: String,
}

/// A code sent: the id the browser keeps to type the code against.
#[derive(Debug, Clone)]
pub struct CodeSent {
    pub challenge: String,
    pub channel: OutboundChannel,
}

pub struct ResidentService {
    store: Arc<dyn Store>,
    cases: Arc<CaseService>,
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A stable pseudonym of a resident for the audit log.
fn pseudonym(identity: &ResidentIdentity) -> String {
    sha256_hex(&identity.stored())[..16].to_owned()
}

fn code_hash(challenge: &str, code: &str) -> String {
    sha256_hex(&format!("{challenge}:{code}"))
}

/// A new secret to follow a case with, and the SHA-256 the case keeps.
pub fn new_follow_token() -> (String, String) {
    let mut rng = rand::rngs::OsRng;
    let token: String = (0..FOLLOW_TOKEN_CHARS)
        .map(|_| FOLLOW_TOKEN_ALPHABET[rng.gen_range(0..FOLLOW_TOKEN_ALPHABET.len())] as char)
        .collect();
    let hash = sha256_hex(&token);
    (token, hash)
}

/// Whether the case is the resident's: the address they proved was given
/// on it when it was registered — not merely on its person record, which
/// gathers what every contact gave, so someone who gave their own address
/// with another's personnummer sees only the case they gave it on —, its
/// person has the personnummer e-legitimation proved, or it is the case
/// they followed by its secret. A protected person's cases only with
/// e-legitimation.
pub fn owns(identity: &ResidentIdentity, case: &CaseRecord) -> bool {
    let person = match &case.contact {
        ContactRecord::Person(p) => Some(p),
        _ => None,
    };
    if person.is_some_and(|p| p.protected_identity) && !identity.is_e_legitimation() {
        return false;
    }
    let given = case.entries.iter().find_map(|e| match &e.body {
        EntryBody::Registered { contact_given, .. } => Some(contact_given),
        _ => None,
    });
    match identity {
        ResidentIdentity::Case(n) => *n == case.number,
        ResidentIdentity::Email(e) => given
            .and_then(|g| g.email.as_deref())
            .is_some_and(|mine| mine.eq_ignore_ascii_case(e.as_str())),
        ResidentIdentity::Phone(phone) => given
            .and_then(|g| g.phone.as_deref())
            .is_some_and(|mine| mine == phone.as_str()),
        ResidentIdentity::Personnummer(pnr) => person
            .and_then(|p| p.personnummer.as_ref())
            .is_some_and(|mine| mine == pnr),
    }
}

impl ResidentService {
    pub fn new(store: Arc<dyn Store>, cases: Arc<CaseService>) -> Self {
        ResidentService { store, cases }
    }

    fn actor(&self, identity: &ResidentIdentity, origin: &Origin) -> Actor {
        // The intake role: it may append what the resident sends to a case
        // already matched to them, and read nothing by itself.
        let mut actor = Actor::channel(&identity.audit_actor(&pseudonym(identity)));
        actor.client = origin.client.clone();
        actor.operation_id = origin.operation_id.clone();
        actor.purpose = "resident_self_service".into();
        actor
    }

    fn anonymous(&self, origin: &Origin) -> Actor {
        let mut actor = Actor::channel("resident:anonymous");
        actor.client = origin.client.clone();
        actor.operation_id = origin.operation_id.clone();
        actor.purpose = "resident_self_service".into();
        actor
    }

    /// Sends a one-time code to the address (e-mail or SMS through the
    /// outbox) and answers the challenge the browser types it against.
    /// Anyone may ask for a code to any address — it only proves that the
    /// address reaches them — so the number of codes per address is capped.
    pub async fn send_code(
        &self,
        address: &str,
        compose: impl FnOnce(&str) -> CodeMessage,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<CodeSent, ResidentError> {
        let address = CodeAddress::parse(address).map_err(|e| invalid("address", e.to_string()))?;
        let stored = address.stored();
        // Counted again in the write; this spares the work when it is over.
        let sent = self
            .store
            .resident_codes_since(&stored, now - Duration::hours(1))
            .await?;
        if sent >= u64::from(CODES_PER_ADDRESS_AND_HOUR) {
            return Err(ResidentError::TooManyCodes);
        }
        let code = format!(
            "{:0width$}",
            rand::rngs::OsRng.gen_range(0..10u32.pow(CODE_DIGITS)),
            width = CODE_DIGITS as usize
        );
        let challenge = crate::tokens::random_secret();
        let message = compose(&code);
        let (channel, recipient) = match &address {
            CodeAddress::Email(e) => (OutboundChannel::Email, e.as_str().to_owned()),
            CodeAddress::Mobile(p) => (OutboundChannel::Sms, p.as_str().to_owned()),
        };
        let identity = address.identity();
        let actor = self.anonymous(origin);
        let event = actor.event(
            now,
            "resident.code_sent",
            ("resident", &pseudonym(&identity)),
            "",
            Outcome::Allowed,
            serde_json::json!({ "channel": channel.as_str() }),
        );
        let issued = self
            .store
            .resident_write(ResidentWrite::IssueCode {
                id: challenge.clone(),
                address: stored,
                code_hash: code_hash(&challenge, &code),
                at: now,
                expires_at: now + Duration::minutes(CODE_MINUTES),
                limit: CODES_PER_ADDRESS_AND_HOUR,
                since: now - Duration::hours(1),
                message: NewOutbound {
                    channel,
                    recipient,
                    subject: message.subject,
                    body: message.body,
                    message_id: crate::messages::new_message_id(self.cases.message_settings()),
                    in_reply_to: None,
                    references: vec![],
                },
                audit: vec![event],
            })
            .await?;
        if issued == 0 {
            return Err(ResidentError::TooManyCodes);
        }
        Ok(CodeSent { challenge, channel })
    }

    fn new_session(
        identity: &ResidentIdentity,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> (String, NewResidentSession) {
        let secret = crate::tokens::random_secret();
        let session = NewResidentSession {
            id_hash: sha256_hex(&secret),
            identity: identity.stored(),
            device_hash: sha256_hex(&origin.user_agent),
            csrf_token: crate::tokens::random_secret(),
            at: now,
        };
        (secret, session)
    }

    fn login_event(
        &self,
        identity: &ResidentIdentity,
        origin: &Origin,
        now: DateTime<Utc>,
        method: &str,
        outcome: Outcome,
    ) -> AuditEvent {
        self.actor(identity, origin).event(
            now,
            "resident.login",
            ("resident", &pseudonym(identity)),
            "",
            outcome,
            serde_json::json!({ "method": method }),
        )
    }

    /// Tries the code typed against the challenge; a right one starts a
    /// session (the cookie's secret is returned). The address is what the
    /// challenge was issued for, never what the browser says.
    pub async fn redeem_code(
        &self,
        challenge: &str,
        code: &str,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<(String, ResidentSession), ResidentError> {
        let Some(code) = kontakt_domain::resident::normalise_code(code) else {
            return Err(invalid("code", format!("is {CODE_DIGITS} digits")));
        };
        let Some(address) = self.challenge_address(challenge).await? else {
            return Err(ResidentError::CodeExpired);
        };
        let identity = address;
        let (secret, session) = Self::new_session(&identity, origin, now);
        let csrf_token = session.csrf_token.clone();
        let id_hash = session.id_hash.clone();
        let result = self
            .store
            .resident_write(ResidentWrite::Redeem {
                id: challenge.to_owned(),
                code_hash: code_hash(challenge, &code),
                max_attempts: CODE_ATTEMPTS,
                session,
                audit: vec![self.login_event(&identity, origin, now, "code", Outcome::Allowed)],
            })
            .await?;
        match result {
            CODE_ACCEPTED => Ok((
                secret,
                ResidentSession {
                    id_hash,
                    identity,
                    csrf_token,
                    created_at: now,
                },
            )),
            outcome => {
                let event = self.login_event(&identity, origin, now, "code", Outcome::Denied);
                self.store.audit(vec![event]).await?;
                if outcome == CODE_WRONG {
                    let tries = self.tries_used(challenge).await?;
                    Err(ResidentError::WrongCode {
                        tries_left: CODE_ATTEMPTS.saturating_sub(tries),
                    })
                } else {
                    Err(ResidentError::CodeExpired)
                }
            }
        }
    }

    /// The address a challenge was issued for, from the store (the code
    /// rows are the only record of it).
    async fn challenge_address(
        &self,
        challenge: &str,
    ) -> Result<Option<ResidentIdentity>, StoreError> {
        let Some((address, _)) = self.store.resident_code(challenge).await? else {
            return Ok(None);
        };
        Ok(ResidentIdentity::parse_stored(&address))
    }

    async fn tries_used(&self, challenge: &str) -> Result<u32, StoreError> {
        Ok(self
            .store
            .resident_code(challenge)
            .await?
            .map_or(CODE_ATTEMPTS, |(_, attempts)| attempts))
    }

    /// Follows one case by its number and the secret from its
    /// acknowledgement. A wrong pair is refused the same way whether or
    /// not the case exists.
    pub async fn follow(
        &self,
        number: &str,
        token: &str,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<(String, ResidentSession), ResidentError> {
        let number =
            CaseNumber::parse(number.trim()).map_err(|e| invalid("number", e.to_string()))?;
        let token = normalise_follow_token(token).ok_or_else(|| {
            invalid(
                "token",
                format!("is {FOLLOW_TOKEN_CHARS} letters and digits, as in the acknowledgement"),
            )
        })?;
        let identity = ResidentIdentity::Case(number);
        let stored = self.store.follow_token_hash(number).await?;
        let matches = stored.is_some_and(|h| h == sha256_hex(&token));
        // A protected person's case is followed only with e-legitimation.
        let case = if matches {
            self.store.case(number).await?
        } else {
            None
        };
        if !case.as_ref().is_some_and(|c| owns(&identity, c)) {
            let event = self.login_event(&identity, origin, now, "case_secret", Outcome::Denied);
            self.store.audit(vec![event]).await?;
            return Err(ResidentError::NotFound);
        }
        self.start(identity, "case_secret", origin, now).await
    }

    /// A resident the city's e-legitimation vouched for.
    pub async fn sign_in_with_e_legitimation(
        &self,
        personnummer: Personnummer,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<(String, ResidentSession), ResidentError> {
        self.start(
            ResidentIdentity::Personnummer(personnummer),
            "e_legitimation",
            origin,
            now,
        )
        .await
    }

    async fn start(
        &self,
        identity: ResidentIdentity,
        method: &str,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<(String, ResidentSession), ResidentError> {
        let (secret, session) = Self::new_session(&identity, origin, now);
        let live = ResidentSession {
            id_hash: session.id_hash.clone(),
            identity: identity.clone(),
            csrf_token: session.csrf_token.clone(),
            created_at: now,
        };
        self.store
            .resident_write(ResidentWrite::StartSession {
                session,
                audit: vec![self.login_event(&identity, origin, now, method, Outcome::Allowed)],
            })
            .await?;
        Ok((secret, live))
    }

    /// The live session for the cookie's secret in this browser, or `None`:
    /// ended, unused for too long, too old, or started in another browser.
    pub async fn session(
        &self,
        secret: &str,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<Option<ResidentSession>, StoreError> {
        let id_hash = sha256_hex(secret);
        let Some(s) = self.store.resident_session(&id_hash).await? else {
            return Ok(None);
        };
        let alive = s.ended_at.is_none()
            && now - s.last_seen_at < Duration::minutes(SESSION_IDLE_MINUTES)
            && now - s.created_at < Duration::minutes(SESSION_MAX_MINUTES)
            && s.device_hash == sha256_hex(&origin.user_agent);
        let Some(identity) = ResidentIdentity::parse_stored(&s.identity).filter(|_| alive) else {
            return Ok(None);
        };
        // Written at most once a minute: a page view costs no write.
        if now - s.last_seen_at > Duration::minutes(1) {
            self.store
                .resident_write(ResidentWrite::Touch {
                    id_hash: id_hash.clone(),
                    at: now,
                })
                .await?;
        }
        Ok(Some(ResidentSession {
            id_hash,
            identity,
            csrf_token: s.csrf_token,
            created_at: s.created_at,
        }))
    }

    /// Forgets codes and sessions dead for a day (a day, so the hourly cap
    /// on codes per address still counts every code of the last hour).
    pub async fn purge(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let n = self
            .store
            .resident_write(ResidentWrite::Purge {
                before: now - Duration::days(1),
            })
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    pub async fn sign_out(
        &self,
        session: &ResidentSession,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let event = self.actor(&session.identity, origin).event(
            now,
            "resident.logout",
            ("resident", &pseudonym(&session.identity)),
            "",
            Outcome::Allowed,
            serde_json::json!({}),
        );
        self.store
            .resident_write(ResidentWrite::End {
                id_hash: session.id_hash.clone(),
                at: now,
                audit: vec![event],
            })
            .await?;
        Ok(())
    }

    /// The resident's cases, newest first; the look is audited.
    pub async fn my_cases(
        &self,
        session: &ResidentSession,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<Vec<CaseSummary>, ResidentError> {
        let mut filter = CaseFilter {
            limit: MY_CASES_LIMIT,
            // Everyone's cases narrowed to theirs below; protected persons'
            // only with e-legitimation.
            visibility: Some(kontakt_domain::access::Visibility {
                everything: true,
                protected: session.identity.is_e_legitimation(),
                ..Default::default()
            }),
            ..CaseFilter::default()
        };
        let cases = match &session.identity {
            // A code proves an address: the cases it was given on.
            ResidentIdentity::Email(e) => {
                filter.given_email = Some(e.clone());
                self.store.list_cases(&filter).await?
            }
            ResidentIdentity::Phone(p) => {
                filter.given_phone = Some(p.clone());
                self.store.list_cases(&filter).await?
            }
            ResidentIdentity::Personnummer(p) => {
                filter.personnummer = Some(p.clone());
                self.store.list_cases(&filter).await?
            }
            ResidentIdentity::Case(n) => {
                let case = self.store.case(*n).await?;
                case.filter(|c| owns(&session.identity, c))
                    .map(|c| vec![summary(&c)])
                    .unwrap_or_default()
            }
        };
        let event = self.actor(&session.identity, origin).event(
            now,
            "case.list",
            ("resident", &pseudonym(&session.identity)),
            "",
            Outcome::Allowed,
            serde_json::json!({ "hits": cases.len(), "channel": "mina_sidor" }),
        );
        self.store.audit(vec![event]).await?;
        Ok(cases)
    }

    /// One of the resident's cases, audited like a staff read. Another's
    /// case (or none) is `NotFound`, audited as denied.
    pub async fn case(
        &self,
        session: &ResidentSession,
        number: &str,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<CaseRecord, ResidentError> {
        let case = self.own_case(session, number, origin, now).await?;
        let event = self.actor(&session.identity, origin).event(
            now,
            "case.read",
            ("case", &case.number.to_string()),
            &case.board,
            Outcome::Allowed,
            serde_json::json!({ "channel": "mina_sidor" }),
        );
        self.store.audit(vec![event]).await?;
        Ok(case)
    }

    async fn own_case(
        &self,
        session: &ResidentSession,
        number: &str,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<CaseRecord, ResidentError> {
        let case = match CaseNumber::parse(number.trim()) {
            Ok(n) => self.store.case(n).await?,
            Err(_) => None,
        };
        match case {
            Some(c) if owns(&session.identity, &c) => Ok(c),
            _ => {
                let shown: String = number.chars().take(40).collect();
                let event = self.actor(&session.identity, origin).event(
                    now,
                    "case.read",
                    ("case", &shown),
                    "",
                    Outcome::Denied,
                    serde_json::json!({ "reason": "not the resident's", "channel": "mina_sidor" }),
                );
                self.store.audit(vec![event]).await?;
                Err(ResidentError::NotFound)
            }
        }
    }

    async fn open_case(
        &self,
        session: &ResidentSession,
        number: &str,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<CaseRecord, ResidentError> {
        let case = self.own_case(session, number, origin, now).await?;
        if case.status == Status::Closed {
            return Err(ResidentError::Closed);
        }
        Ok(case)
    }

    /// A message, with files if any, to one of the resident's open cases:
    /// it joins the timeline as what the resident wrote (on the e-service
    /// channel), through the same intake as a mail's reply.
    pub async fn send_message(
        &self,
        session: &ResidentSession,
        number: &str,
        text: &str,
        files: Vec<InboundFile>,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<(), ResidentError> {
        let case = self.open_case(session, number, origin, now).await?;
        let mut problems = Vec::new();
        let text = text.trim();
        if text.chars().count() > MESSAGE_CHARS {
            problems.push(FieldError {
                field: "text".into(),
                reason: format!("is longer than {MESSAGE_CHARS} characters"),
            });
        }
        if text.is_empty() && files.is_empty() {
            problems.push(FieldError {
                field: "text".into(),
                reason: "write a message or choose a file".into(),
            });
        }
        if files.len() > FILES_PER_MESSAGE {
            problems.push(FieldError {
                field: "files".into(),
                reason: format!("at most {FILES_PER_MESSAGE} files at a time"),
            });
        }
        if !problems.is_empty() {
            return Err(ResidentError::Invalid(problems));
        }
        let description = if text.is_empty() {
            // A file alone still needs words on the timeline.
            format!(
                "(Bifogade filer: {})",
                files
                    .iter()
                    .map(|f| f.file_name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            text.to_owned()
        };
        let request = IntakeRequest {
            attach_to: Some(case.number.to_string()),
            channel: Channel::EService.as_str().into(),
            description,
            ..IntakeRequest::default()
        };
        let arrival = Arrival {
            files,
            intake_key: None,
            resident_reply: true,
            assign: None,
        };
        self.cases
            .intake_arrival(
                request,
                arrival,
                &self.actor(&session.identity, origin),
                now,
            )
            .await?;
        Ok(())
    }

    /// Another way to hear back. E-mail and SMS need an address the case
    /// has; the choice is on the timeline for the officer.
    pub async fn set_feedback_channel(
        &self,
        session: &ResidentSession,
        number: &str,
        channel: &str,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<(), ResidentError> {
        let case = self.open_case(session, number, origin, now).await?;
        let to = FeedbackChannel::parse(channel).ok_or_else(|| {
            invalid(
                "feedback_channel",
                format!("must be one of {}", FeedbackChannel::choices()),
            )
        })?;
        let (phone, email) = match &case.contact {
            ContactRecord::Person(p) => (p.phone.as_ref(), p.email.is_some()),
            ContactRecord::Organisation(o) => (o.phone.as_ref(), o.email.is_some()),
            ContactRecord::Anonymous => (None, false),
        };
        if let Some(reason) = crate::cases::unreachable_on(to, phone, email) {
            return Err(invalid(
                "feedback_channel",
                format!("{reason}; send a message with the address instead"),
            ));
        }
        if case.feedback_channel == Some(to) {
            return Ok(());
        }
        let entry = EntryBody::FeedbackChannelChanged {
            from: case.feedback_channel,
            to,
        };
        let detail = serde_json::json!({ "fields": ["feedback_channel"], "channel": "mina_sidor" });
        self.change(session, origin, &case, entry, Some(to), detail, now)
            .await
    }

    /// A change the resident makes to their case: one timeline entry (and
    /// the feedback channel, if given), audited as theirs.
    #[allow(clippy::too_many_arguments)]
    async fn change(
        &self,
        session: &ResidentSession,
        origin: &Origin,
        case: &CaseRecord,
        entry: EntryBody,
        feedback_channel: Option<FeedbackChannel>,
        detail: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<(), ResidentError> {
        let actor = self.actor(&session.identity, origin);
        let update = CaseUpdate {
            at: now,
            author: actor.id.clone(),
            entries: vec![entry],
            feedback_channel,
            audit: vec![actor.event(
                now,
                "case.change",
                ("case", &case.number.to_string()),
                &case.board,
                Outcome::Allowed,
                detail,
            )],
            ..CaseUpdate::default()
        };
        self.cases.update_case(case.number, update).await?;
        Ok(())
    }

    /// A request to be called back, on the timeline for whoever has the case.
    pub async fn request_callback(
        &self,
        session: &ResidentSession,
        number: &str,
        phone: &str,
        when: &str,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<(), ResidentError> {
        let case = self.open_case(session, number, origin, now).await?;
        let mut problems = Vec::new();
        let phone = match PhoneNumber::parse(phone) {
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(FieldError {
                    field: "phone".into(),
                    reason: e.to_string(),
                });
                None
            }
        };
        let when = when.trim();
        if when.chars().count() > 200 || when.contains('\0') {
            problems.push(FieldError {
                field: "when".into(),
                reason: "is longer than 200 characters".into(),
            });
        }
        let Some(phone) = phone.filter(|_| problems.is_empty()) else {
            return Err(ResidentError::Invalid(problems));
        };
        let entry = EntryBody::CallbackRequested {
            phone: Some(phone),
            when: when.to_owned(),
        };
        let detail = serde_json::json!({ "entry": "callback_requested", "channel": "mina_sidor" });
        self.change(session, origin, &case, entry, None, detail, now)
            .await
    }

    /// A file on one of the resident's cases that they may see.
    pub async fn attachment(
        &self,
        session: &ResidentSession,
        number: &str,
        sha256: &str,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<(String, String, Vec<u8>), ResidentError> {
        let case = self.case(session, number, origin, now).await?;
        let (file_name, content_type) = case
            .entries
            .iter()
            .filter(|e| e.body.seen_by_resident(&e.author))
            .find_map(|e| match &e.body {
                EntryBody::Attachment {
                    file_name,
                    content_type,
                    sha256: s,
                    ..
                } if s == sha256 => Some((file_name.clone(), content_type.clone())),
                _ => None,
            })
            .ok_or(ResidentError::NotFound)?;
        let content = self
            .store
            .blob(sha256)
            .await?
            .ok_or(ResidentError::NotFound)?;
        Ok((file_name, content_type, content))
    }

    /// The language the resident chose is kept as their preferred
    /// language on their person records, so agents see it and the phone
    /// queues can route by it.
    pub async fn set_language(
        &self,
        session: &ResidentSession,
        language: &str,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<u64, ResidentError> {
        let language = kontakt_domain::contact::Language::parse(language)
            .map_err(|e| invalid("language", e.to_string()))?;
        let persons = match &session.identity {
            ResidentIdentity::Email(e) => PersonsOf::Email(e.as_str().to_ascii_lowercase()),
            ResidentIdentity::Phone(p) => PersonsOf::Phone(p.as_str().to_owned()),
            ResidentIdentity::Personnummer(p) => PersonsOf::Personnummer(p.as_str().to_owned()),
            ResidentIdentity::Case(n) => PersonsOf::Case(n.to_string()),
        };
        let event = self.actor(&session.identity, origin).event(
            now,
            "person.change",
            ("resident", &pseudonym(&session.identity)),
            "",
            Outcome::Allowed,
            serde_json::json!({ "fields": ["preferred_language"], "language": language.as_str() }),
        );
        let n = self
            .store
            .resident_write(ResidentWrite::SetLanguage {
                persons,
                language: language.as_str().to_owned(),
                at: now,
                audit: vec![event],
            })
            .await?;
        Ok(n as u64)
    }
}

fn summary(c: &CaseRecord) -> CaseSummary {
    CaseSummary {
        number: c.number,
        case_type: c.case_type.clone(),
        board: c.board.clone(),
        district: c.district.clone(),
        channel: c.channel,
        status: c.status,
        resolution: c.resolution,
        assignee_group: c.assignee_group.clone(),
        contact_kind: c.contact.kind(),
        feedback_deadline: c.feedback_deadline,
        created_at: c.created_at,
        updated_at: c.updated_at,
    }
}
