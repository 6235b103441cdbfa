//! E-mail in: a mail becomes a case, or joins the case it answers.
//!
//! - A reply to a message Kontakt sent (its Message-ID in `In-Reply-To` or
//!   `References`), or a mail with a case number in the subject, joins that
//!   case as an inbound message with its attachments; quoted history is cut
//!   off so the timeline shows what is new.
//! - Any other mail becomes a case of the type the catalog gives the
//!   address it was sent to (`[[mailboxes]]`), with the sender as contact
//!   and e-mail as the feedback channel, so the acknowledgement goes out.
//! - Automatic replies (out of office), mailing lists and bulk mail are
//!   recognised by their headers (RFC 3834 `Auto-Submitted`, `Precedence`,
//!   `List-Id`, `X-Autoreply`) and make nothing, so two machines cannot
//!   answer each other forever. A bounce (a delivery report) marks the
//!   message it reports on as failed, so the agent sees that the resident
//!   did not get it.
//!
//! Each mail is registered once: its Message-ID is stored with the case
//! change, so a mail fetched again after a crash is recognised.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use kontakt_domain::case::{CaseNumber, Channel};
use kontakt_store::outbox::{OutboundResult, Outcome};
use mail_parser::{HeaderValue, MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

use crate::cases::{
    limits, Actor, Arrival, CaseError, CaseService, ChannelIntake, ContactInput, InboundFile,
    IntakeRequest,
};
use crate::messages::case_number_in;

/// What became of a mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    Created(CaseNumber),
    Attached(CaseNumber),
    /// Registered before (the same Message-ID): nothing done again.
    AlreadyRegistered(CaseNumber),
    /// A delivery report; the messages it names are marked failed.
    Bounce {
        failed: usize,
    },
    /// An automatic reply or bulk mail: nothing registered, nothing sent.
    Automatic,
    /// It could not become a case by itself and waits for an agent
    /// (`set_aside`).
    SetAside {
        id: i64,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The mail cannot be registered however often it is tried; it is set
    /// aside in the mailbox for a person to look at.
    #[error("the mail cannot be registered: {0}")]
    Refused(String),
    /// Storage failed; the mail stays and is tried again.
    #[error("storage failed: {0}")]
    Store(String),
}

pub struct MailIntake {
    cases: Arc<CaseService>,
    actor: Actor,
}

/// Lines that start the quoted history in common mail programs.
const HISTORY_MARKERS: &[&str] = &[
    "-----original message-----",
    "-----ursprungligt meddelande-----",
    "-------- original message --------",
    "-------- ursprungligt meddelande --------",
    "från: ",
    "from: ",
];

impl MailIntake {
    pub fn new(cases: Arc<CaseService>) -> Self {
        MailIntake {
            cases,
            actor: Actor::channel("system:mail"),
        }
    }

    pub async fn receive(&self, raw: &[u8], now: DateTime<Utc>) -> Result<Received, MailError> {
        self.receive_for(raw, &[], now).await
    }

    /// `receive_for`, except that a mail which cannot be registered is set
    /// aside for an agent instead of refused: once this returns `Ok` the
    /// mail is safe in Kontakt, and may be deleted from the mailbox or
    /// acknowledged to the mail server.
    pub async fn accept(
        &self,
        raw: &[u8],
        envelope: &[String],
        now: DateTime<Utc>,
    ) -> Result<Received, MailError> {
        match self.receive_for(raw, envelope, now).await {
            Err(MailError::Refused(reason)) => {
                // An agent may have registered it already (from here).
                let key = crate::set_aside::intake_key(raw);
                if let Some(n) = self
                    .cases
                    .store()
                    .registered_intake(&key)
                    .await
                    .map_err(|e| MailError::Store(e.to_string()))?
                {
                    return Ok(Received::AlreadyRegistered(n));
                }
                tracing::warn!(reason = %reason, "mail set aside for an agent");
                let id = crate::set_aside::keep(self.cases.store().as_ref(), raw, &reason, now)
                    .await
                    .map_err(|e| MailError::Store(e.to_string()))?;
                Ok(Received::SetAside { id })
            }
            other => other,
        }
    }

    /// `receive`, for a mail delivered to these envelope recipients (they
    /// route a new mail before the headers' To and Cc do).
    pub async fn receive_for(
        &self,
        raw: &[u8],
        envelope: &[String],
        now: DateTime<Utc>,
    ) -> Result<Received, MailError> {
        let store = self.cases.store();
        let domain = &self.cases.message_settings().domain;
        let mail = match parse_mail(raw, domain)? {
            ParsedMail::Bounce {
                message_ids,
                reason,
            } => {
                let mut failed = 0;
                for id in message_ids {
                    if let Ok(Some(m)) = store.outbound_by_message_id(&id).await {
                        store
                            .record_outbound(OutboundResult {
                                id: m.id,
                                at: now,
                                outcome: Outcome::Failed {
                                    error: format!("bounced: {reason}"),
                                },
                            })
                            .await
                            .map_err(|e| MailError::Store(e.to_string()))?;
                        failed += 1;
                    }
                }
                return Ok(Received::Bounce { failed });
            }
            ParsedMail::Automatic => return Ok(Received::Automatic),
            ParsedMail::Person(mail) => *mail,
        };

        // The case it answers, if any.
        let mut answers = None;
        for id in &mail.thread_ids {
            // A message about no case (a board's report) threads nothing.
            if let Ok(Some(m)) = store.outbound_by_message_id(id).await {
                if let Some(case) = m.case {
                    answers = Some(case);
                    break;
                }
            }
        }
        // A case number in the subject is trusted only from the case's own
        // resident (its contact address, or an address Kontakt wrote to
        // about it): case numbers are easy to guess, and a stranger must
        // not be able to write into someone else's case. A stranger's mail
        // becomes a case of its own, its subject naming the number.
        if answers.is_none() {
            if let Some(n) = mail.subject_case {
                let from = mail.sender_address().map(str::to_lowercase);
                if let (Ok(Some(case)), Some(from)) = (store.case(n).await, from) {
                    let contact = match &case.contact {
                        kontakt_store::ContactRecord::Person(p) => {
                            p.email.as_ref().map(|e| e.as_str().to_lowercase())
                        }
                        kontakt_store::ContactRecord::Organisation(o) => {
                            o.email.as_ref().map(|e| e.as_str().to_lowercase())
                        }
                        kontakt_store::ContactRecord::Anonymous => None,
                    };
                    let written_to = case
                        .outbox
                        .iter()
                        .any(|m| m.recipient.to_lowercase() == from);
                    if contact.as_deref() == Some(from.as_str()) || written_to {
                        answers = Some(n);
                    }
                }
            }
        }

        let (description, files) = mail.description(answers.is_some());
        let arrival = Arrival {
            files,
            intake_key: Some(mail.intake_key().to_owned()),
            // Matched above by Kontakt's own Message-ID or the resident's address.
            resident_reply: answers.is_some(),
            assign: None,
        };

        let reply = answers.map(|number| {
            (
                number,
                IntakeRequest {
                    channel: Channel::Email.as_str().into(),
                    description: description.clone(),
                    attach_to: Some(number.to_string()),
                    ..IntakeRequest::default()
                },
            )
        });

        let catalog = self.cases.catalog();
        let mut recipients = mail.recipients;
        for (i, r) in envelope.iter().enumerate() {
            recipients.insert(i, r.trim().trim_matches(['<', '>']).to_owned());
        }
        let Some(mailbox) = catalog.mailbox_for(recipients.iter().map(String::as_str)) else {
            return Err(MailError::Refused("the catalog lists no mailboxes".into()));
        };
        let valid_sender = mail.valid_sender.as_deref();
        let request = IntakeRequest {
            case_type: Some(mailbox.case_type.clone()),
            channel: Channel::Email.as_str().into(),
            description,
            contact: valid_sender.map(|email| ContactInput {
                name: mail.content.sender_name,
                email: Some(email.to_owned()),
                ..ContactInput::default()
            }),
            anonymous: valid_sender.is_none(),
            feedback_channel: valid_sender.map(|_| "email".to_owned()),
            ..IntakeRequest::default()
        };
        match self
            .cases
            .receive_on_channel(reply, request, arrival, &self.actor, now)
            .await
            .map_err(classify)?
        {
            ChannelIntake::Created(n) => Ok(Received::Created(n)),
            ChannelIntake::Attached(n) => Ok(Received::Attached(n)),
            ChannelIntake::AlreadyRegistered(n) => Ok(Received::AlreadyRegistered(n)),
        }
    }
}

/// A mail as the intake reads it before it looks anything up in the store:
/// what kind of mail it is and, for a person's mail, everything the case
/// is made from.
#[derive(Debug)]
pub enum ParsedMail<'a> {
    /// A delivery report of a failure, naming messages of ours (their
    /// Message-IDs), with the mail server's reason.
    Bounce {
        message_ids: Vec<String>,
        reason: String,
    },
    /// An automatic reply, bulk mail, or a delivery report of a delay or
    /// about no message of ours: nothing is registered.
    Automatic,
    /// A person's mail: a new case, or a reply to one.
    Person(Box<PersonMail<'a>>),
}

/// A person's mail, read.
pub struct PersonMail<'a> {
    raw: &'a [u8],
    content: MailContent,
    /// Message-IDs of ours this mail answers (`References` and
    /// `In-Reply-To`), the most recent first.
    pub thread_ids: Vec<String>,
    /// The case number in the subject, if any (trusted only from the
    /// case's own resident).
    pub subject_case: Option<CaseNumber>,
    /// The addresses it was sent to: `Delivered-To`, then `To` and `Cc`.
    pub recipients: Vec<String>,
    /// The sender's address, if it is a valid e-mail address.
    pub valid_sender: Option<String>,
}

impl std::fmt::Debug for PersonMail<'_> {
    /// Without the text or the sender: a mail is personal data.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonMail")
            .field("bytes", &self.raw.len())
            .field("files", &self.content.files.len())
            .field("thread_ids", &self.thread_ids)
            .field("subject_case", &self.subject_case)
            .finish_non_exhaustive()
    }
}

impl PersonMail<'_> {
    /// `mail:<Message-ID>`, or a hash of the mail if it has none.
    pub fn intake_key(&self) -> &str {
        &self.content.intake_key
    }

    pub fn subject(&self) -> &str {
        &self.content.subject
    }

    /// The sender's address as written (valid or not).
    pub fn sender_address(&self) -> Option<&str> {
        self.content.sender_address.as_deref()
    }

    pub fn sender_name(&self) -> Option<&str> {
        self.content.sender_name.as_deref()
    }

    /// Attachments, inline images and forwarded mails, with the types the
    /// mail declares (the intake stores them as
    /// [`crate::cases::stored_content_type`] sniffs them).
    pub fn files(&self) -> &[InboundFile] {
        &self.content.files
    }

    /// The text for the timeline and the files to keep: a reply loses its
    /// quoted history; a text too long is cut and the mail kept as a file.
    pub fn description(&self, is_reply: bool) -> (String, Vec<InboundFile>) {
        self.content.description(is_reply, self.raw)
    }
}

/// `MessageParser::default().parse(raw)`, except that a panic inside the
/// parser counts as no mail at all, so one malformed mail cannot take the
/// intake (the IMAP poller's task, an SMTP worker thread) down with it.
/// mail-parser 0.11.9 has such a panic: built with debug assertions (tests,
/// `cargo run`), it asserts on a multipart whose `message/rfc822` part holds
/// only another `message/rfc822` header (found by fuzzing, see
/// `docs/fuzzing.md`); a release build reads that mail.
pub fn parse_message(raw: &[u8]) -> Option<mail_parser::Message<'_>> {
    std::panic::catch_unwind(|| MessageParser::default().parse(raw)).unwrap_or_else(|_| {
        tracing::warn!(bytes = raw.len(), "the mail parser failed on a mail");
        None
    })
}

/// Reads a mail as the intake does before it touches the store: the MIME
/// structure, whether a machine sent it (a delivery report, an automatic
/// reply, bulk mail), the messages of ours it answers (Message-IDs
/// `kontakt.…@our_domain`), the case number in its subject, its
/// recipients, sender, text and attachments. Pure: the same bytes give
/// the same answer, and no input panics.
pub fn parse_mail<'a>(raw: &'a [u8], our_domain: &str) -> Result<ParsedMail<'a>, MailError> {
    let Some(mail) = parse_message(raw) else {
        return Err(MailError::Refused("not a mail message".into()));
    };
    let ours = |id: &str| id.starts_with("kontakt.") && id.ends_with(&format!("@{our_domain}"));

    if is_bounce(&mail) {
        // The report names the failed message: in its threading
        // headers, or in the returned original's headers. A report of
        // a delay (not a failure), or one about no message of ours, is
        // only recorded as machine mail.
        let text = String::from_utf8_lossy(raw);
        let lower = text.to_ascii_lowercase();
        let delayed = lower.contains("action: delayed") && !lower.contains("action: failed");
        let reason = diagnostic(&text);
        let named: Vec<String> = message_ids_in(&text)
            .into_iter()
            .filter(|id| ours(id))
            .collect();
        if delayed || named.is_empty() {
            return Ok(ParsedMail::Automatic);
        }
        return Ok(ParsedMail::Bounce {
            message_ids: named,
            reason,
        });
    }
    if is_automatic(&mail) {
        return Ok(ParsedMail::Automatic);
    }

    let content = MailContent::read(raw, &mail);

    // The case it answers, if any: the most recent of ours first.
    let mut thread_ids: Vec<String> = Vec::new();
    for header in [mail.in_reply_to(), mail.references()] {
        match header {
            HeaderValue::Text(t) => thread_ids.push(t.to_string()),
            HeaderValue::TextList(list) => thread_ids.extend(list.iter().map(|t| t.to_string())),
            _ => {}
        }
    }
    let thread_ids: Vec<String> = thread_ids.into_iter().rev().filter(|id| ours(id)).collect();
    let subject_case = case_number_in(&content.subject);

    let mut recipients: Vec<String> = mail
        .to()
        .into_iter()
        .chain(mail.cc())
        .flat_map(|a| a.iter())
        .filter_map(|a| a.address().map(str::to_owned))
        .collect();
    if let Some(d) = mail.header_raw("Delivered-To") {
        recipients.insert(0, d.trim().to_owned());
    }
    let valid_sender = content
        .sender_address
        .as_deref()
        .filter(|a| kontakt_domain::contact::EmailAddress::parse(a).is_ok())
        .map(str::to_owned);
    Ok(ParsedMail::Person(Box::new(PersonMail {
        raw,
        content,
        thread_ids,
        subject_case,
        recipients,
        valid_sender,
    })))
}

fn classify(e: CaseError) -> MailError {
    match e {
        CaseError::Store(e) => MailError::Store(e.to_string()),
        // Someone changed the case at the same moment: try again.
        CaseError::Conflict => MailError::Store(e.to_string()),
        CaseError::Invalid(errors) => MailError::Refused(
            errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.reason))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        other => MailError::Refused(other.to_string()),
    }
}

/// What a mail says, read once: for a new case, a reply, or a mail set
/// aside for an agent.
pub(crate) struct MailContent {
    /// `mail:<Message-ID>`, or a hash of the mail if it has none.
    pub intake_key: String,
    pub subject: String,
    pub text: String,
    /// Attachments, inline images and forwarded mails.
    pub files: Vec<InboundFile>,
    /// Attachments too large to keep, described for the timeline.
    pub left_out: Vec<String>,
    pub sender_address: Option<String>,
    pub sender_name: Option<String>,
}

impl MailContent {
    pub(crate) fn read(raw: &[u8], mail: &mail_parser::Message) -> MailContent {
        let intake_key = match mail.message_id() {
            Some(id) if !id.trim().is_empty() => format!("mail:{}", id.trim()),
            _ => format!("mail-sha256:{}", hex::encode(Sha256::digest(raw))),
        };
        let subject = mail.subject().unwrap_or_default().trim().to_owned();
        let text = mail
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default();
        let mut files = Vec::new();
        let mut left_out = Vec::new();
        for (i, part) in mail.attachments().enumerate() {
            let name = part
                .attachment_name()
                .map(str::to_owned)
                .unwrap_or_else(|| {
                    if part.is_message() {
                        format!("bifogat-mejl-{}.eml", i + 1)
                    } else {
                        format!("bilaga-{}", i + 1)
                    }
                });
            let content_type = part
                .content_type()
                .map(|c| match c.subtype() {
                    Some(sub) => format!("{}/{}", c.ctype(), sub),
                    None => c.ctype().to_owned(),
                })
                .unwrap_or_else(|| "application/octet-stream".into())
                .to_lowercase();
            let content = part.contents().to_vec();
            if content.len() > limits::ATTACHMENT_BYTES {
                left_out.push(format!("{name} ({} MB)", content.len() / (1024 * 1024)));
            } else if !content.is_empty() {
                files.push(InboundFile {
                    file_name: name,
                    content_type,
                    content,
                });
            }
        }
        let sender = mail.from().and_then(|a| a.first());
        let sender_address = sender.and_then(|a| a.address()).map(str::to_owned);
        let sender_name = sender
            .and_then(|a| a.name())
            .map(|n| {
                n.trim()
                    .replace('\0', "")
                    .chars()
                    .take(limits::NAME_CHARS)
                    .collect::<String>()
            })
            .filter(|n| !n.is_empty());
        MailContent {
            intake_key,
            subject,
            text,
            files,
            left_out,
            sender_address,
            sender_name,
        }
    }

    /// The text for the timeline (a reply without its quoted history) and
    /// the files to keep; a text too long for the timeline is cut, and the
    /// whole mail kept as a file.
    pub(crate) fn description(&self, is_reply: bool, raw: &[u8]) -> (String, Vec<InboundFile>) {
        let mut files = self.files.clone();
        let mut body = if is_reply {
            strip_quoted(&self.text)
        } else {
            self.text.trim().to_owned()
        };
        if !self.left_out.is_empty() {
            body.push_str(&format!(
                "\n\n[Bilagor som var för stora för att tas emot ({} MB högst): {}]",
                limits::ATTACHMENT_BYTES / (1024 * 1024),
                self.left_out.join(", ")
            ));
        }
        let mut description = if self.subject.is_empty() {
            body.trim().to_owned()
        } else {
            format!("Ämne: {}\n\n{}", self.subject, body.trim())
        };
        // A NUL has no place in text (and no database stores one).
        description.retain(|c| c != '\0');
        if description.trim().is_empty() {
            description = "(Mejlet hade ingen text.)".into();
        }
        if description.chars().count() > limits::DESCRIPTION_CHARS {
            description = description
                .chars()
                .take(limits::DESCRIPTION_CHARS - 100)
                .collect();
            // The whole text is kept as a file (the raw mail if it fits).
            description.push_str("\n\n[Texten är avkortad. Hela mejlet finns som bilaga.]");
            let (file_name, content_type, content) = if raw.len() <= limits::ATTACHMENT_BYTES {
                ("mejl.eml", "message/rfc822", raw.to_vec())
            } else {
                (
                    "mejlets-text.txt",
                    "text/plain; charset=utf-8",
                    self.text.clone().into_bytes(),
                )
            };
            files.push(InboundFile {
                file_name: file_name.into(),
                content_type: content_type.into(),
                content: content.into_iter().take(limits::ATTACHMENT_BYTES).collect(),
            });
        }
        (description, files)
    }
}

/// A delivery status notification (RFC 3464) or a mailer daemon's report.
fn is_bounce(mail: &mail_parser::Message) -> bool {
    let report = mail.content_type().is_some_and(|c| {
        c.ctype().eq_ignore_ascii_case("multipart")
            && c.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    let daemon = mail
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .and_then(|a| a.split('@').next())
        .is_some_and(|local| {
            let local = local.to_ascii_lowercase();
            local == "mailer-daemon" || local == "postmaster"
        });
    report || daemon
}

/// Mail that a machine sent on its own: answering it could start a loop.
fn is_automatic(mail: &mail_parser::Message) -> bool {
    let header = |name: &str| mail.header_raw(name).map(|v| v.trim().to_ascii_lowercase());
    let auto_submitted = header("Auto-Submitted").is_some_and(|v| v != "no");
    let precedence = header("Precedence")
        .is_some_and(|v| matches!(v.as_str(), "bulk" | "junk" | "list" | "auto_reply"));
    let flagged = ["X-Autoreply", "X-Autorespond", "X-Auto-Reply", "List-Id"]
        .iter()
        .any(|h| header(h).is_some());
    let ms_auto = header("X-Auto-Response-Suppress").is_some()
        && header("X-MS-Exchange-Generated-Message-Source").is_some();
    auto_submitted || precedence || flagged || ms_auto
}

/// Every `<id>` in a text, without the brackets.
fn message_ids_in(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        match after.find('>') {
            Some(end) if end < 300 => {
                let id = &after[..end];
                if id.contains('@')
                    && !id.contains(char::is_whitespace)
                    && !ids.iter().any(|i| i == id)
                {
                    ids.push(id.to_owned());
                }
                rest = &after[end + 1..];
            }
            _ => rest = after,
        }
    }
    ids
}

/// The mail server's reason in a delivery report, for the case card.
fn diagnostic(report: &str) -> String {
    report
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("diagnostic-code:"))
        .or_else(|| {
            report
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("status:"))
        })
        .map(|l| {
            l.split_once(':')
                .map_or(l, |(_, v)| v)
                .trim()
                .chars()
                .take(300)
                .collect()
        })
        .unwrap_or_else(|| "the mail server reported the message undeliverable".into())
}

/// The new part of a reply: what comes before the quoted history.
fn strip_quoted(text: &str) -> String {
    let mut kept = Vec::new();
    for line in text.lines() {
        let lower = line.trim().to_lowercase();
        let starts_history = HISTORY_MARKERS.iter().any(|m| lower.starts_with(m))
            || ((lower.starts_with("den ") || lower.starts_with("on "))
                && (lower.contains(" skrev") || lower.contains(" wrote"))
                && lower.ends_with(':'));
        if starts_history {
            break;
        }
        if line.trim_start().starts_with('>') {
            continue;
        }
        kept.push(line);
    }
    let new = kept.join("\n").trim().to_owned();
    if new.is_empty() {
        text.trim().to_owned()
    } else {
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_history_is_cut_off() {
        let reply = "Tack, nu fungerar lampan.\n\nDen 23 nov. 2026 kl. 09:12 skrev Kontaktcenter <kc@stad.se>:\n> Hej!\n> Vi har tagit emot";
        assert_eq!(strip_quoted(reply), "Tack, nu fungerar lampan.");
        let outlook = "Ja, det stämmer.\n-----Ursprungligt meddelande-----\nFrån: Kontaktcenter";
        assert_eq!(strip_quoted(outlook), "Ja, det stämmer.");
        assert_eq!(
            strip_quoted("> bara citat"),
            "> bara citat",
            "nothing new: keep it all"
        );
    }

    #[test]
    fn message_ids_and_reasons_are_found_in_reports() {
        let report = "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <x@example.test>: User unknown\nMessage-ID: <kontakt.ab12@stad.se>\n";
        assert_eq!(
            message_ids_in(report),
            vec!["x@example.test", "kontakt.ab12@stad.se"]
        );
        assert_eq!(
            diagnostic(report),
            "smtp; 550 5.1.1 <x@example.test>: User unknown"
        );
    }

    fn parse(raw: &str) -> mail_parser::Message<'_> {
        MessageParser::default()
            .parse(raw.as_bytes())
            .expect("mail")
    }

    #[test]
    fn machines_are_told_from_people() {
        let person = parse("From: Anna <anna@example.se>\r\nSubject: Fråga\r\n\r\nHej");
        assert!(!is_automatic(&person) && !is_bounce(&person));
        let away = parse("From: Anna <anna@example.se>\r\nAuto-Submitted: auto-replied\r\nSubject: Frånvaro\r\n\r\nBorta");
        assert!(is_automatic(&away));
        let explicit_no = parse("From: a@b.se\r\nAuto-Submitted: no\r\n\r\nHej");
        assert!(!is_automatic(&explicit_no));
        let list = parse("From: a@b.se\r\nList-Id: <nyheter.example.se>\r\n\r\nNyhetsbrev");
        assert!(is_automatic(&list));
        let daemon = parse("From: MAILER-DAEMON@mx.example.se\r\nSubject: Undelivered\r\n\r\nx");
        assert!(is_bounce(&daemon));
        let dsn = parse("From: a@b.se\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n");
        assert!(is_bounce(&dsn));
    }

    /// Found by `cargo fuzz run mail_parse` (docs/fuzzing.md): mail-parser
    /// 0.11.9 trips its `debug_assert!` "Invalid part ID, could not find
    /// multipart." on this mail. With debug assertions the intake refuses
    /// it (an agent gets it) instead of panicking; a release build reads it.
    #[test]
    fn a_mail_that_trips_the_parser_is_refused_not_a_panic() {
        let raw = b"Content-Type: multipart/mixed; boundary=fw\r\n\r\n--fw\r\nContent-Type: message/rfc822\r\n\r\nContent-Type: message/rfc822\r\n\r\n\r\n--fw--\r\n";
        let parsed = parse_mail(raw, "stad.se");
        if cfg!(debug_assertions) {
            assert!(matches!(parsed, Err(MailError::Refused(_))), "{parsed:?}");
        } else {
            assert!(matches!(parsed, Ok(ParsedMail::Person(_))), "{parsed:?}");
        }
    }

    #[test]
    fn a_mail_is_read_without_the_store() {
        let reply = "From: Anna <Anna@Example.se>\r\nTo: kc@stad.se, b@stad.se\r\nCc: c@stad.se\r\nDelivered-To: kontakt@stad.se\r\nSubject: Sv: KC-2026-000123\r\nIn-Reply-To: <kontakt.b@stad.se>\r\nReferences: <kontakt.a@stad.se> <x@example.se> <kontakt.b@stad.se>\r\nMessage-ID: <m1@example.se>\r\n\r\nTack!\r\n\r\nDen 1 dec. 2026 skrev Kontaktcenter:\r\n> Hej\r\n";
        let Ok(ParsedMail::Person(mail)) = parse_mail(reply.as_bytes(), "stad.se") else {
            panic!("a person's mail");
        };
        // Ours only, the most recent first (References after In-Reply-To).
        assert_eq!(
            mail.thread_ids,
            [
                "kontakt.b@stad.se",
                "kontakt.a@stad.se",
                "kontakt.b@stad.se"
            ]
        );
        assert_eq!(
            mail.subject_case.map(|n| n.to_string()).as_deref(),
            Some("KC-2026-000123")
        );
        assert_eq!(
            mail.recipients,
            ["kontakt@stad.se", "kc@stad.se", "b@stad.se", "c@stad.se"]
        );
        assert_eq!(mail.valid_sender.as_deref(), Some("Anna@Example.se"));
        assert_eq!(mail.intake_key(), "mail:m1@example.se");
        assert_eq!(
            mail.description(true).0,
            "Ämne: Sv: KC-2026-000123\n\nTack!"
        );
        assert!(mail.description(false).0.contains("> Hej"));

        let bounce = "From: MAILER-DAEMON@mx.example.se\r\nSubject: Undelivered\r\n\r\nAction: failed\r\nDiagnostic-Code: smtp; 550 User unknown\r\nMessage-ID: <kontakt.a@stad.se>\r\n";
        match parse_mail(bounce.as_bytes(), "stad.se") {
            Ok(ParsedMail::Bounce {
                message_ids,
                reason,
            }) => {
                assert_eq!(message_ids, ["kontakt.a@stad.se"]);
                assert_eq!(reason, "smtp; 550 User unknown");
            }
            other => panic!("a bounce, not {other:?}"),
        }
        // A report about no message of ours is only machine mail.
        assert!(matches!(
            parse_mail(bounce.as_bytes(), "annan.se"),
            Ok(ParsedMail::Automatic)
        ));
        assert!(matches!(
            parse_mail(b"", "stad.se"),
            Err(MailError::Refused(_))
        ));
    }
}

/// The mailbox Kontakt reads over IMAP (`[mail_in]` in the configuration).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImapConfig {
    pub host: String,
    pub port: u16,
    /// "tls" (implicit, port 993) or "none" (only on a trusted network).
    #[serde(default = "default_imap_security")]
    pub security: String,
    pub username: String,
    pub password: String,
    #[serde(default = "default_folder")]
    pub folder: String,
    /// Seconds between looks at the mailbox.
    #[serde(default = "default_poll")]
    pub poll_seconds: u64,
    /// A PEM file with a certificate authority to trust besides the usual ones.
    pub ca_file: Option<std::path::PathBuf>,
}

fn default_imap_security() -> String {
    "tls".into()
}
fn default_folder() -> String {
    "INBOX".into()
}
fn default_poll() -> u64 {
    30
}

/// How one look at the mailbox went.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PollReport {
    pub received: Vec<Received>,
    /// Mails that could not become cases by themselves, kept in Kontakt
    /// for an agent (`set_aside`).
    pub set_aside: usize,
    /// Mails left for the next look because storage failed.
    pub retry: usize,
}

impl ImapConfig {
    pub fn check(&self) -> Result<(), String> {
        match self.security.as_str() {
            "tls" | "none" => Ok(()),
            other => Err(format!("mail_in.security '{other}' must be tls or none")),
        }
    }
}

/// Reads the mailbox: every mail not yet handled (neither deleted nor
/// flagged) is fetched without marking it read, registered, and only then
/// deleted; a mail that cannot become a case by itself is set aside in
/// Kontakt for an agent, then deleted; on a storage failure the mail stays
/// for the next look. The mail is the only copy until Kontakt holds it, so
/// it is never removed before that transaction has committed. (Flagged
/// mail is left alone: a person in the mailbox may flag mail to keep it.)
pub async fn poll_mailbox(intake: &MailIntake, config: &ImapConfig) -> Result<PollReport, String> {
    let tcp = tokio::net::TcpStream::connect((config.host.as_str(), config.port))
        .await
        .map_err(|e| format!("connecting to {}:{}: {e}", config.host, config.port))?;
    match config.security.as_str() {
        "none" => poll_over(intake, config, tcp).await,
        _ => {
            let mut roots = tokio_rustls::rustls::RootCertStore::empty();
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            if let Some(path) = &config.ca_file {
                use tokio_rustls::rustls::pki_types::pem::PemObject;
                let certs = tokio_rustls::rustls::pki_types::CertificateDer::pem_file_iter(path)
                    .map_err(|e| format!("mail_in.ca_file {}: {e}", path.display()))?;
                for cert in certs {
                    let cert =
                        cert.map_err(|e| format!("mail_in.ca_file {}: {e}", path.display()))?;
                    roots
                        .add(cert)
                        .map_err(|e| format!("mail_in.ca_file: {e}"))?;
                }
            }
            let tls = tokio_rustls::rustls::ClientConfig::builder_with_provider(Arc::new(
                tokio_rustls::rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
            let name = tokio_rustls::rustls::pki_types::ServerName::try_from(config.host.clone())
                .map_err(|e| format!("mail_in.host: {e}"))?;
            let stream = tokio_rustls::TlsConnector::from(Arc::new(tls))
                .connect(name, tcp)
                .await
                .map_err(|e| format!("TLS to {}: {e}", config.host))?;
            poll_over(intake, config, stream).await
        }
    }
}

async fn poll_over<T>(
    intake: &MailIntake,
    config: &ImapConfig,
    stream: T,
) -> Result<PollReport, String>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    use futures_util::TryStreamExt;
    let mut client = async_imap::Client::new(stream);
    client
        .read_response()
        .await
        .map_err(|e| format!("IMAP greeting: {e}"))?;
    let mut session = client
        .login(&config.username, &config.password)
        .await
        .map_err(|(e, _)| format!("IMAP login as {}: {e}", config.username))?;
    session
        .select(&config.folder)
        .await
        .map_err(|e| format!("IMAP select {}: {e}", config.folder))?;
    let mut uids: Vec<u32> = session
        .uid_search("NOT DELETED NOT FLAGGED")
        .await
        .map_err(|e| format!("IMAP search: {e}"))?
        .into_iter()
        .collect();
    uids.sort_unstable();
    let mut report = PollReport::default();
    for uid in uids {
        let fetched: Vec<_> = session
            .uid_fetch(uid.to_string(), "BODY.PEEK[]")
            .await
            .map_err(|e| format!("IMAP fetch: {e}"))?
            .try_collect()
            .await
            .map_err(|e| format!("IMAP fetch: {e}"))?;
        let Some(raw) = fetched.iter().find_map(|f| f.body().map(<[u8]>::to_vec)) else {
            continue;
        };
        let flag = match intake.accept(&raw, &[], Utc::now()).await {
            Ok(received) => {
                tracing::info!(uid, ?received, "mail handled");
                if matches!(received, Received::SetAside { .. }) {
                    report.set_aside += 1;
                }
                report.received.push(received);
                Some("+FLAGS (\\Deleted)")
            }
            Err(why) => {
                tracing::warn!(uid, reason = %why, "mail left for the next look");
                report.retry += 1;
                None
            }
        };
        if let Some(flag) = flag {
            let _: Vec<_> = session
                .uid_store(uid.to_string(), flag)
                .await
                .map_err(|e| format!("IMAP store: {e}"))?
                .try_collect()
                .await
                .map_err(|e| format!("IMAP store: {e}"))?;
        }
    }
    let _: Vec<_> = session
        .expunge()
        .await
        .map_err(|e| format!("IMAP expunge: {e}"))?
        .try_collect()
        .await
        .map_err(|e| format!("IMAP expunge: {e}"))?;
    let _ = session.logout().await;
    Ok(report)
}

/// Reads the mailbox every `poll_seconds` until the process ends.
pub fn spawn_poller(intake: MailIntake, config: ImapConfig) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let pause = std::time::Duration::from_secs(config.poll_seconds.max(1));
        loop {
            if let Err(e) = poll_mailbox(&intake, &config).await {
                tracing::warn!(error = %e, "the mailbox could not be read");
            }
            tokio::time::sleep(pause).await;
        }
    })
}

/// Direct delivery from the city's mail server over SMTP (`[mail_in_smtp]`
/// in the configuration): the mail server relays mail for the catalog's
/// mailboxes to Kontakt, which answers 250 only once the case is saved,
/// 451 when storage failed (the mail server tries again); a mail that
/// cannot become a case by itself is set aside for an agent and accepted.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpInConfig {
    pub listen: std::net::SocketAddr,
    /// The mail servers allowed to deliver; empty only on loopback.
    #[serde(default)]
    pub allowed_clients: Vec<std::net::IpAddr>,
    /// The largest mail accepted, in bytes.
    #[serde(default = "default_max_bytes")]
    pub max_bytes: usize,
}

fn default_max_bytes() -> usize {
    40 * 1024 * 1024
}

#[derive(Clone)]
struct Delivery {
    intake: Arc<MailIntake>,
    runtime: tokio::runtime::Handle,
    allowed: Arc<Vec<std::net::IpAddr>>,
    mailboxes: Arc<Vec<String>>,
    max_bytes: usize,
    recipients: Vec<String>,
    data: Vec<u8>,
    too_big: bool,
}

impl mailin_embedded::Handler for Delivery {
    fn helo(&mut self, ip: std::net::IpAddr, _domain: &str) -> mailin_embedded::Response {
        if self.allowed.is_empty() || self.allowed.contains(&ip) {
            mailin_embedded::response::OK
        } else {
            mailin_embedded::response::BLOCKED_IP
        }
    }

    /// Only the catalog's mailboxes: Kontakt is no open relay.
    fn rcpt(&mut self, to: &str) -> mailin_embedded::Response {
        let to = to.trim().trim_matches(['<', '>']).to_lowercase();
        if self.mailboxes.contains(&to) {
            mailin_embedded::response::OK
        } else {
            mailin_embedded::response::NO_MAILBOX
        }
    }

    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        to: &[String],
    ) -> mailin_embedded::Response {
        self.recipients = to.to_vec();
        self.data.clear();
        self.too_big = false;
        mailin_embedded::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if self.data.len() + buf.len() > self.max_bytes {
            self.too_big = true;
        } else {
            self.data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        if self.too_big {
            return mailin_embedded::response::NO_STORAGE;
        }
        let raw = std::mem::take(&mut self.data);
        let outcome = self
            .runtime
            .block_on(self.intake.accept(&raw, &self.recipients, Utc::now()));
        match outcome {
            Ok(received) => {
                tracing::info!(?received, "mail delivered over SMTP");
                mailin_embedded::response::OK
            }
            Err(MailError::Refused(why)) => {
                tracing::warn!(reason = %why, "mail over SMTP refused");
                mailin_embedded::Response::custom(
                    554,
                    format!("not registered: {why}").chars().take(200).collect(),
                )
            }
            Err(MailError::Store(why)) => {
                tracing::warn!(reason = %why, "mail over SMTP deferred");
                mailin_embedded::response::INTERNAL_ERROR
            }
        }
    }
}

/// Starts the SMTP listener on its own threads; the bound address is
/// returned (port 0 picks a free one).
pub fn spawn_smtp_listener(
    intake: Arc<MailIntake>,
    config: &SmtpInConfig,
) -> Result<std::net::SocketAddr, String> {
    if config.allowed_clients.is_empty() && !config.listen.ip().is_loopback() {
        return Err(format!(
            "mail_in_smtp.allowed_clients is empty: name the mail servers that may deliver to {}",
            config.listen
        ));
    }
    let listener = std::net::TcpListener::bind(config.listen)
        .map_err(|e| format!("mail_in_smtp.listen {}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let mailboxes = intake
        .cases
        .catalog()
        .mailboxes
        .iter()
        .map(|m| m.address.clone())
        .collect();
    let handler = Delivery {
        intake,
        runtime: tokio::runtime::Handle::current(),
        allowed: Arc::new(config.allowed_clients.clone()),
        mailboxes: Arc::new(mailboxes),
        max_bytes: config.max_bytes,
        recipients: vec![],
        data: vec![],
        too_big: false,
    };
    let mut server = mailin_embedded::Server::new(handler);
    server
        .with_name("kontakt")
        .with_num_threads(4)
        .with_tcp_listener(listener);
    std::thread::Builder::new()
        .name("smtp-in".into())
        .spawn(move || {
            if let Err(e) = server.serve() {
                tracing::error!(error = %e, "the SMTP listener stopped");
            }
        })
        .map_err(|e| e.to_string())?;
    Ok(addr)
}
