//! What Kontakt writes to residents: the acknowledgement of a new case
//! (its number, what happens next for this type, the feedback deadline)
//! and the replies agents and officers send, each on the channel the
//! resident chose, in their language (Swedish unless they chose English),
//! and threaded so that a resident's answer finds its case again.
//!
//! Messages are only composed here; they are queued in the outbox with the
//! change that made them (see `kontakt_store::outbox`) and sent by the
//! dispatcher (`dispatch.rs`).

use chrono::{Datelike, NaiveDate};
use kontakt_domain::case::{CaseNumber, FeedbackChannel, Status};
use kontakt_domain::catalog::{CaseType, Catalog};
use kontakt_domain::message::OutboundChannel;
use kontakt_store::outbox::{NewOutbound, OutboundMessage, CASE_NUMBER};
use kontakt_store::{CaseRecord, ContactRecord, NewCase, NewContact};
use rand::Rng;

/// Who the messages come from.
#[derive(Debug, Clone)]
pub struct MessageSettings {
    /// Signed under every message, e.g. "Kontaktcenter Stockholm".
    pub signature: String,
    /// The right-hand side of the Message-IDs Kontakt makes (the domain of
    /// its own address), so replies can be told apart from other mail.
    pub domain: String,
    /// Where residents reach Kontakt's public pages ("https://…", no
    /// trailing slash): the acknowledgement links to Mina sidor with it.
    pub public_url: Option<String>,
}

impl Default for MessageSettings {
    fn default() -> Self {
        MessageSettings {
            signature: "Kontaktcenter".into(),
            domain: "kontakt.invalid".into(),
            public_url: None,
        }
    }
}

impl MessageSettings {
    /// The city's contact centre signs; Message-IDs use the domain of the
    /// address mail is sent from, when there is one.
    pub fn for_city(catalog: &Catalog, mail_domain: Option<String>) -> Self {
        MessageSettings {
            signature: format!("Kontaktcenter, {}", catalog.city.name),
            domain: mail_domain.unwrap_or_else(|| MessageSettings::default().domain),
            public_url: None,
        }
    }

    /// The public pages' address, for the link to Mina sidor.
    pub fn with_public_url(mut self, url: Option<String>) -> Self {
        self.public_url = url.map(|u| u.trim_end_matches('/').to_owned());
        self
    }
}

/// The two languages messages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Sv,
    En,
}

fn lang(preferred: Option<&kontakt_domain::contact::Language>) -> Lang {
    match preferred.map(|l| l.as_str()) {
        Some("en") => Lang::En,
        _ => Lang::Sv,
    }
}

/// Where to reach the resident on their feedback channel, if Kontakt
/// sends on it and knows the address.
fn address(
    feedback: Option<FeedbackChannel>,
    email: Option<&str>,
    phone: Option<&str>,
) -> Option<(OutboundChannel, String)> {
    match feedback? {
        FeedbackChannel::Email => email.map(|e| (OutboundChannel::Email, e.to_owned())),
        FeedbackChannel::Sms => phone.map(|p| (OutboundChannel::Sms, p.to_owned())),
        FeedbackChannel::Phone | FeedbackChannel::Letter => None,
    }
}

/// A new, unique Message-ID (without the angle brackets).
pub fn new_message_id(settings: &MessageSettings) -> String {
    let mut bytes = [0u8; 12];
    rand::thread_rng().fill(&mut bytes);
    format!("kontakt.{}@{}", hex::encode(bytes), settings.domain)
}

/// A month's name: "november" / "November" (`month0` 0–11).
pub fn month_name(month0: u32, in_english: bool) -> &'static str {
    const SV: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let months = if in_english { EN } else { SV };
    months[(month0 as usize).min(11)]
}

/// "30 november 2026" / "30 November 2026".
pub fn long_date(date: NaiveDate, in_english: bool) -> String {
    format!(
        "{} {} {}",
        date.day(),
        month_name(date.month0(), in_english),
        date.year()
    )
}

/// The subject every message of a case carries, so that a resident's
/// answer names its case even when the mail program drops the threading
/// headers.
pub fn subject(number: &str, lang_en: bool) -> String {
    if lang_en {
        format!("Your case {number}")
    } else {
        format!("Ditt ärende {number}")
    }
}

/// The acknowledgement of a new case, if the resident chose a channel
/// Kontakt sends on and gave the address; none for a case answered and
/// closed at once (the resident already has the answer).
/// `follow` is the secret with which the resident follows the case on
/// Mina sidor without logging in; it goes in mails only (an SMS stays one
/// part, and a mobile number logs in by a code anyway).
pub fn acknowledgement(
    catalog: &Catalog,
    settings: &MessageSettings,
    case: &NewCase,
    follow: Option<&str>,
) -> Option<NewOutbound> {
    if case.status == Status::Closed {
        return None;
    }
    let (email, phone, preferred) = match &case.contact {
        NewContact::Person(p) => (
            p.email.as_ref().map(|e| e.as_str()),
            p.phone.as_ref().map(|p| p.as_str()),
            p.preferred_language.as_ref(),
        ),
        NewContact::Organisation(o) => (
            o.email.as_ref().map(|e| e.as_str()),
            o.phone.as_ref().map(|p| p.as_str()),
            None,
        ),
        NewContact::Anonymous => (None, None, None),
    };
    let (channel, recipient) = address(case.feedback_channel, email, phone)?;
    let t = catalog.case_type(&case.case_type)?;
    let lang = lang(preferred);
    let en = lang == Lang::En;
    let body = match channel {
        OutboundChannel::Email => ack_mail(catalog, settings, t, case, lang, follow),
        OutboundChannel::Sms => ack_sms(settings, t, case, lang),
    };
    // The acknowledgement of a mail answers that mail, so it lands in the
    // resident's thread.
    let resident_mail = (channel == OutboundChannel::Email)
        .then(|| case.intake_key.as_deref()?.strip_prefix("mail:"))
        .flatten()
        .map(str::to_owned);
    Some(NewOutbound {
        channel,
        recipient,
        subject: subject(CASE_NUMBER, en),
        body,
        message_id: new_message_id(settings),
        references: resident_mail.iter().cloned().collect(),
        in_reply_to: resident_mail,
    })
}

fn next_steps(catalog: &Catalog, t: &CaseType, case: &NewCase, lang: Lang) -> String {
    let own = match lang {
        Lang::Sv => t.next_steps_sv.as_ref(),
        Lang::En => t.next_steps_en.as_ref().or(t.next_steps_sv.as_ref()),
    };
    if let Some(text) = own {
        return text.clone();
    }
    let board = catalog.board(&case.board);
    match (lang, t.handover_group.is_some(), board) {
        (Lang::Sv, true, Some(b)) => format!(
            "Kontaktcenter lämnar ärendet till {}, som handlägger det.",
            b.name_sv
        ),
        (Lang::En, true, Some(b)) => format!(
            "The contact centre hands the case to {}, who will handle it.",
            b.name_en
        ),
        (Lang::Sv, _, _) => "Kontaktcenter handlägger ärendet.".into(),
        (Lang::En, _, _) => "The contact centre handles the case.".into(),
    }
}

fn ack_mail(
    catalog: &Catalog,
    settings: &MessageSettings,
    t: &CaseType,
    case: &NewCase,
    lang: Lang,
    follow: Option<&str>,
) -> String {
    let next = next_steps(catalog, t, case, lang);
    let follow = follow.map(kontakt_domain::resident::format_follow_token);
    match lang {
        Lang::Sv => {
            let deadline = case
                .feedback_deadline
                .map(|d| format!("\nDu får besked från oss senast {}.\n", long_date(d, false)))
                .unwrap_or_default();
            let follow = follow
                .map(|token| match &settings.public_url {
                    Some(url) => format!(
                        "\nFölj ärendet på Mina sidor: {url}/mina-sidor/folj?arende={CASE_NUMBER}&kod={token}\n\
                         (eller med ärendenumret och koden {token})\n"
                    ),
                    None => format!(
                        "\nFölj ärendet på Mina sidor med ärendenumret och koden {token}.\n"
                    ),
                })
                .unwrap_or_default();
            format!(
                "Hej!\n\nTack för att du kontaktade oss. Vi har tagit emot ditt ärende.\n\n\
                 Ärendenummer: {CASE_NUMBER}\nÄrende: {}\n\n\
                 Det här händer nu: {next}\n{deadline}{follow}\n\
                 Vill du lägga till något? Svara på det här mejlet. Ange ärendenumret om du \
                 kontaktar oss på något annat sätt.\n\n\
                 Med vänliga hälsningar\n{}\n",
                t.name_sv, settings.signature
            )
        }
        Lang::En => {
            let deadline = case
                .feedback_deadline
                .map(|d| format!("\nYou will hear from us by {}.\n", long_date(d, true)))
                .unwrap_or_default();
            let follow = follow
                .map(|token| match &settings.public_url {
                    Some(url) => format!(
                        "\nFollow your case on Mina sidor: {url}/mina-sidor/folj?arende={CASE_NUMBER}&kod={token}\n\
                         (or with the case number and the code {token})\n"
                    ),
                    None => format!(
                        "\nFollow your case on Mina sidor with the case number and the code {token}.\n"
                    ),
                })
                .unwrap_or_default();
            format!(
                "Hello,\n\nThank you for contacting us. We have received your case.\n\n\
                 Case number: {CASE_NUMBER}\nCase: {}\n\n\
                 What happens next: {next}\n{deadline}{follow}\n\
                 Anything to add? Reply to this e-mail. Please give the case number if you \
                 contact us in another way.\n\n\
                 Kind regards\n{}\n",
                t.name_en, settings.signature
            )
        }
    }
}

/// Short: one SMS part where it can be (see `kontakt_domain::sms`).
fn ack_sms(settings: &MessageSettings, t: &CaseType, case: &NewCase, lang: Lang) -> String {
    match lang {
        Lang::Sv => {
            let deadline = case
                .feedback_deadline
                .map(|d| format!(" Besked senast {}.", long_date(d, false)))
                .unwrap_or_default();
            format!(
                "Vi har tagit emot ditt ärende om {}. Ärendenummer {CASE_NUMBER}.{deadline} /{}",
                t.name_sv.to_lowercase(),
                settings.signature
            )
        }
        Lang::En => {
            let deadline = case
                .feedback_deadline
                .map(|d| format!(" Answer by {}.", long_date(d, true)))
                .unwrap_or_default();
            format!(
                "We have received your case about {}. Case number {CASE_NUMBER}.{deadline} /{}",
                t.name_en.to_lowercase(),
                settings.signature
            )
        }
    }
}

/// A message to the resident on a case's feedback channel (an agent's or
/// officer's reply), threaded after the case's earlier messages. `None`
/// when the resident cannot be reached on that channel.
pub fn reply(
    settings: &MessageSettings,
    case: &CaseRecord,
    channel: OutboundChannel,
    text: &str,
    earlier: &[OutboundMessage],
) -> Option<NewOutbound> {
    let (email, phone, preferred) = match &case.contact {
        ContactRecord::Person(p) => (
            p.email.as_ref().map(|e| e.as_str().to_owned()),
            p.phone.as_ref().map(|p| p.as_str().to_owned()),
            p.preferred_language.as_ref(),
        ),
        ContactRecord::Organisation(o) => (
            o.email.as_ref().map(|e| e.as_str().to_owned()),
            o.phone.as_ref().map(|p| p.as_str().to_owned()),
            None,
        ),
        ContactRecord::Anonymous => (None, None, None),
    };
    let recipient = match channel {
        OutboundChannel::Email => email?,
        OutboundChannel::Sms => phone?,
    };
    let en = lang(preferred) == Lang::En;
    let number = case.number.to_string();
    let thread: Vec<String> = earlier
        .iter()
        .filter(|m| channel == OutboundChannel::Email && m.channel == channel)
        .map(|m| m.message_id.clone())
        .collect();
    let body = match channel {
        OutboundChannel::Email => {
            let (greeting, sign) = if en {
                ("Hello,", "Kind regards")
            } else {
                ("Hej!", "Med vänliga hälsningar")
            };
            format!(
                "{greeting}\n\n{text}\n\n{sign}\n{}\n\n{}: {number}\n",
                settings.signature,
                if en { "Case number" } else { "Ärendenummer" }
            )
        }
        OutboundChannel::Sms => format!("{text} /{} {number}", settings.signature),
    };
    Some(NewOutbound {
        channel,
        recipient,
        subject: subject(&number, en),
        body,
        message_id: new_message_id(settings),
        in_reply_to: thread.last().cloned(),
        references: thread,
    })
}

/// The case number in a subject or text, e.g. "Sv: Ditt ärende KC-2026-000123".
pub fn case_number_in(text: &str) -> Option<CaseNumber> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.starts_with("KC-"))
        .find_map(|w| CaseNumber::parse(w).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_out_in_each_language() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
        assert_eq!(long_date(d, false), "30 november 2026");
        assert_eq!(long_date(d, true), "30 November 2026");
    }

    #[test]
    fn case_numbers_are_found_in_subjects() {
        assert_eq!(
            case_number_in("Sv: Ditt ärende KC-2026-000123").map(|n| n.to_string()),
            Some("KC-2026-000123".into())
        );
        assert_eq!(
            case_number_in("Re: [KC-2026-000007] fråga").map(|n| n.to_string()),
            Some("KC-2026-000007".into())
        );
        assert_eq!(case_number_in("Hej KC-20x"), None);
    }

    #[test]
    fn message_ids_are_unique_and_ours() {
        let s = MessageSettings::default();
        let (a, b) = (new_message_id(&s), new_message_id(&s));
        assert_ne!(a, b);
        assert!(a.ends_with("@kontakt.invalid"));
    }
}
