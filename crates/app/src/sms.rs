//! SMS through an SMS gateway that speaks Kannel's HTTP interface: messages
//! go out by `sendsms` (coding chosen per text, GSM 7-bit or UCS-2, the
//! gateway concatenating long texts), delivery reports come back to
//! `dlr_url` and are recorded on the message, and a resident's SMS comes in
//! through the gateway's `sms-service` callback. An incoming SMS joins the
//! case it answers — the case number in its text, or the latest case Kontakt
//! texted that number about in the last 30 days — or becomes a case of the
//! catalog's SMS type. Each is registered once (the gateway's message id).

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kontakt_domain::case::Channel;
use kontakt_domain::contact::PhoneNumber;
use kontakt_domain::message::OutboundChannel;
use kontakt_store::outbox::{OutboundMessage, OutboundResult, Outcome};
use kontakt_store::StoreError;
use serde::Deserialize;

use crate::cases::{
    Actor, Arrival, CaseError, CaseService, ChannelIntake, ContactInput, IntakeRequest,
};
use crate::dispatch::{SendError, Transport};
use crate::messages::case_number_in;

/// The gateway (`[sms]` in the configuration).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KannelConfig {
    /// Kannel's sendsms address, e.g. "http://127.0.0.1:13013/cgi-bin/sendsms".
    pub sendsms_url: String,
    pub username: String,
    pub password: String,
    /// The sender shown on the phone: a number or up to 11 letters.
    pub from: String,
    /// Where the gateway reaches Kontakt: the base of the callback
    /// addresses, e.g. "https://kontakt.stockholm.se".
    pub callback_base: String,
    /// Shared with the gateway's configuration; every callback carries it.
    pub callback_secret: String,
    /// The case type an SMS that answers no case becomes.
    pub case_type: String,
}

impl KannelConfig {
    pub fn check(&self, catalog: &kontakt_domain::catalog::Catalog) -> Result<(), String> {
        if self.callback_secret.len() < 16 {
            return Err("sms.callback_secret must be at least 16 characters".into());
        }
        match catalog.case_type(&self.case_type) {
            None => Err(format!(
                "sms.case_type '{}' is not in the catalog",
                self.case_type
            )),
            Some(t) if t.fields.iter().any(|f| f.required) => Err(format!(
                "sms.case_type '{}' has required form fields, which an SMS cannot fill in",
                t.code
            )),
            Some(t) if t.responsible == kontakt_domain::catalog::Responsible::DistrictBoard => {
                Err(format!(
                    "sms.case_type '{}' needs a district, which an SMS does not name",
                    t.code
                ))
            }
            Some(_) => Ok(()),
        }
    }

    /// Whether a callback carries the shared secret (compared in constant time).
    pub fn authentic(&self, secret: &str) -> bool {
        use subtle::ConstantTimeEq;
        self.callback_secret
            .as_bytes()
            .ct_eq(secret.as_bytes())
            .into()
    }
}

pub struct KannelTransport {
    config: KannelConfig,
    http: reqwest::Client,
}

impl KannelTransport {
    pub fn new(config: KannelConfig) -> Self {
        KannelTransport {
            config,
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .unwrap_or_default(),
        }
    }
}

/// The most parts one SMS from Kontakt may take; a longer reply is refused
/// before it is queued (it belongs in an e-mail or a letter).
pub const MAX_PARTS: usize = 10;

/// Kannel's delivery report kinds (`dlr-mask`): delivered, not delivered,
/// accepted by the centre, rejected by the centre.
const DLR_MASK: u8 = 1 | 2 | 8 | 16;

#[async_trait]
impl Transport for KannelTransport {
    async fn send(&self, m: &OutboundMessage) -> Result<Option<String>, SendError> {
        let coding = kontakt_domain::sms::coding(&m.body);
        let dlr_url = format!(
            "{}/sms/kannel/dlr?secret={}&ref={}&status=%d&answer=%A",
            self.config.callback_base.trim_end_matches('/'),
            url_escape(&self.config.callback_secret),
            url_escape(&m.message_id),
        );
        let response = self
            .http
            .get(&self.config.sendsms_url)
            .query(&[
                ("username", self.config.username.as_str()),
                ("password", self.config.password.as_str()),
                ("from", self.config.from.as_str()),
                ("to", m.recipient.as_str()),
                ("text", m.body.as_str()),
                ("charset", "UTF-8"),
                ("coding", &coding.kannel().to_string()),
                ("dlr-mask", &DLR_MASK.to_string()),
                ("dlr-url", &dlr_url),
            ])
            .send()
            .await
            .map_err(|e| SendError {
                permanent: false,
                message: format!("the SMS gateway did not answer: {e}"),
            })?;
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        if status.is_success() {
            Ok(Some(body.trim().to_owned()))
        } else {
            Err(SendError {
                // A refused number or text will be refused again (Kannel
                // says "Do not try again" for a number it cannot route); the
                // gateway being full or misconfigured may pass.
                permanent: status == reqwest::StatusCode::BAD_REQUEST
                    || body.contains("Do not try again"),
                message: format!("the SMS gateway answered {status}: {}", body.trim()),
            })
        }
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A delivery report: Kannel's `%d` status for the message `reference`.
pub async fn delivery_report(
    cases: &CaseService,
    reference: &str,
    status: u8,
    answer: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let store = cases.store();
    let Some(message) = store.outbound_by_message_id(reference).await? else {
        return Ok(false);
    };
    let outcome = match status {
        1 => Some(Outcome::Delivered),
        2 | 16 => Some(Outcome::Failed {
            error: format!("not delivered (gateway status {status}): {}", answer.trim()),
        }),
        // Accepted by the centre, or waiting there: still on its way.
        _ => None,
    };
    if let Some(outcome) = outcome {
        store
            .record_outbound(OutboundResult {
                id: message.id,
                at: now,
                outcome,
            })
            .await?;
    }
    Ok(true)
}

pub struct SmsIntake {
    cases: Arc<CaseService>,
    case_type: String,
    actor: Actor,
}

/// How far back an SMS from a number is taken as the answer to Kontakt's
/// latest SMS to it.
const ANSWER_WINDOW_DAYS: i64 = 30;

impl SmsIntake {
    pub fn new(cases: Arc<CaseService>, case_type: String) -> Self {
        SmsIntake {
            cases,
            case_type,
            actor: Actor::channel("system:sms"),
        }
    }

    /// `id` is the gateway's id of the message, so a repeated callback is
    /// registered once.
    pub async fn receive(
        &self,
        from: &str,
        text: &str,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<ChannelIntake, CaseError> {
        // Gateways give the sender in international form, often without
        // the "+" (46701234567).
        let from = from.trim();
        let from = if from.starts_with(|c: char| c.is_ascii_digit() && c != '0') {
            format!("+{from}")
        } else {
            from.to_owned()
        };
        let phone = PhoneNumber::parse(&from).map_err(|e| {
            CaseError::Invalid(vec![crate::cases::FieldError {
                field: "from".into(),
                reason: e.to_string(),
            }])
        })?;
        let text = text.trim().replace('\0', "");
        let text = text.as_str();
        let store = self.cases.store();
        let mut answers = None;
        // A case number in the text is trusted only from the case's own
        // number (its contact's, or one Kontakt texted about it).
        if let Some(n) = case_number_in(text) {
            if let Ok(Some(case)) = store.case(n).await {
                let contact = match &case.contact {
                    kontakt_store::ContactRecord::Person(p) => p.phone.as_ref(),
                    kontakt_store::ContactRecord::Organisation(o) => o.phone.as_ref(),
                    kontakt_store::ContactRecord::Anonymous => None,
                };
                let texted = case.outbox.iter().any(|m| m.recipient == phone.as_str());
                if contact == Some(&phone) || texted {
                    answers = Some(n);
                }
            }
        }
        if answers.is_none() {
            answers = store
                .latest_outbound_to(
                    OutboundChannel::Sms,
                    phone.as_str(),
                    now - chrono::Duration::days(ANSWER_WINDOW_DAYS),
                )
                .await?;
        }
        let arrival = Arrival {
            files: vec![],
            intake_key: (!id.trim().is_empty()).then(|| format!("sms:{}", id.trim())),
            // From the number the case is about: see above.
            resident_reply: true,
            assign: None,
        };
        let description = if text.is_empty() {
            "(Tomt SMS.)".to_owned()
        } else {
            text.to_owned()
        };
        let reply = answers.map(|number| {
            (
                number,
                IntakeRequest {
                    channel: Channel::Sms.as_str().into(),
                    description: description.clone(),
                    attach_to: Some(number.to_string()),
                    ..IntakeRequest::default()
                },
            )
        });
        let request = IntakeRequest {
            case_type: Some(self.case_type.clone()),
            channel: Channel::Sms.as_str().into(),
            description,
            contact: Some(ContactInput {
                phone: Some(phone.as_str().to_owned()),
                ..ContactInput::default()
            }),
            feedback_channel: Some("sms".into()),
            ..IntakeRequest::default()
        };
        self.cases
            .receive_on_channel(reply, request, arrival, &self.actor, now)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_values_are_escaped() {
        assert_eq!(url_escape("kontakt.ab@x.se"), "kontakt.ab%40x.se");
        assert_eq!(url_escape("a b&c"), "a%20b%26c");
    }
}
