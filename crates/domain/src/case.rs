//! The case (ärende): its number, status rules and timeline entries.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::catalog::CentreLevel;

/// `KC-<year>-<serial>`, the serial zero-padded to at least six digits.
/// Unique and never reused: the store allocates serials per year without gaps.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseNumber {
    year: u16,
    serial: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a case number (expected KC-<year>-<serial>, e.g. KC-2026-000123)")]
pub struct CaseNumberError(String);

impl CaseNumber {
    pub fn new(year: u16, serial: u32) -> Option<Self> {
        ((2000..=9999).contains(&year) && serial >= 1).then_some(CaseNumber { year, serial })
    }

    pub fn parse(input: &str) -> Result<Self, CaseNumberError> {
        let err = || CaseNumberError(input.chars().take(40).collect());
        let s = input.trim();
        let rest = s
            .strip_prefix("KC-")
            .or_else(|| s.strip_prefix("kc-"))
            .ok_or_else(err)?;
        let (year, serial) = rest.split_once('-').ok_or_else(err)?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4
            || !digits(year)
            || serial.len() < 6
            || serial.len() > 9
            || !digits(serial)
        {
            return Err(err());
        }
        let year: u16 = year.parse().map_err(|_| err())?;
        let serial: u32 = serial.parse().map_err(|_| err())?;
        let number = CaseNumber::new(year, serial).ok_or_else(err)?;
        // Only the canonical spelling is accepted, so one case has one number.
        if number.to_string()[3..] != *rest {
            return Err(err());
        }
        Ok(number)
    }

    pub fn year(&self) -> u16 {
        self.year
    }
    pub fn serial(&self) -> u32 {
        self.serial
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KC-{}-{:06}", self.year, self.serial)
    }
}

impl fmt::Debug for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for CaseNumber {
    type Err = CaseNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CaseNumber::parse(s)
    }
}

impl Serialize for CaseNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CaseNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CaseNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

word_enum! {
    /// How the contact reached the city.
    Channel {
        Phone = "phone",
        Email = "email",
        Sms = "sms",
        EService = "e_service",
        Letter = "letter",
        Visit = "visit",
        SocialMedia = "social_media",
        Chat = "chat",
        /// A civic app reporting through Open311 GeoReport v2.
        Open311 = "open311",
    }
}

word_enum! {
    /// How the resident wants to hear back.
    FeedbackChannel {
        Email = "email",
        Sms = "sms",
        Phone = "phone",
        Letter = "letter",
    }
}

word_enum! {
    Status {
        Registered = "registered",
        InProgress = "in_progress",
        HandedOver = "handed_over",
        WaitingForResident = "waiting_for_resident",
        Closed = "closed",
    }
}

word_enum! {
    /// How a closed case ended; feeds the first-contact resolution figure.
    Resolution {
        AnsweredAtFirstContact = "answered_at_first_contact",
        ResolvedInCentre = "resolved_in_centre",
        HandedOver = "handed_over",
        ReferredElsewhere = "referred_elsewhere",
    }
}

word_enum! {
    /// What an officer group does with a case handed over to it.
    HandoverResponse {
        /// Take the case on: it becomes the officer's own.
        Accept = "accept",
        /// Ask the contact centre for more before working on it.
        RequestInfo = "request_info",
        /// Send it back to the centre: not ours, or not ready.
        Return = "return",
        /// Close the case with the answer given to the resident.
        AnswerAndClose = "answer_and_close",
    }
}

word_enum! {
    ContactKind {
        Person = "person",
        Organisation = "organisation",
        Anonymous = "anonymous",
    }
}

/// Why a change to a case is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("a case cannot go from {from} to {to}")]
    IllegalTransition { from: Status, to: Status },
    #[error("closing a case needs a resolution ({})", Resolution::choices())]
    ResolutionRequired,
    #[error("only closing a case sets a resolution")]
    ResolutionWithoutClose,
    #[error("reopening a closed case needs a reason")]
    ReasonRequired,
    #[error(
        "the contact centre may only inform about this case type, so it cannot be closed as {0}"
    )]
    NotAllowedForInform(Resolution),
    #[error(
        "the contact centre registers and hands over this case type; it cannot resolve it itself"
    )]
    NotAllowedForRegister,
    #[error("the case was never handed over, so it cannot be closed as handed_over")]
    NeverHandedOver,
    #[error("the case was handed over or worked on after registration, so it was not answered at first contact")]
    NotFirstContact,
    #[error("the contact centre may only inform about this case type; it cannot be handed over")]
    HandoverNotAllowed,
    #[error("a closed case must be reopened before it is handed over")]
    HandoverOfClosedCase,
    #[error("a case that is {status} cannot be answered with {response}")]
    ResponseNotPossible {
        status: Status,
        response: HandoverResponse,
    },
}

impl RuleError {
    /// The request field the rule is about, for error responses.
    pub fn field(&self) -> &'static str {
        match self {
            RuleError::IllegalTransition { .. } => "status",
            RuleError::ResolutionRequired
            | RuleError::ResolutionWithoutClose
            | RuleError::NotAllowedForInform(_)
            | RuleError::NotAllowedForRegister
            | RuleError::NeverHandedOver
            | RuleError::NotFirstContact => "resolution",
            RuleError::ReasonRequired => "reason",
            RuleError::HandoverNotAllowed | RuleError::HandoverOfClosedCase => "group",
            RuleError::ResponseNotPossible { .. } => "action",
        }
    }
}

/// Whether the centre may close a case of a type with `resolution`, closing
/// it from status `from`. "Answered at first contact" is only true of a case
/// that was never handed over and never worked on after registration; it
/// feeds the first-contact resolution figure, which must not be inflated.
pub fn check_resolution(
    level: CentreLevel,
    resolution: Resolution,
    was_handed_over: bool,
    from: Status,
) -> Result<(), RuleError> {
    match (level, resolution) {
        (_, Resolution::HandedOver) if !was_handed_over => Err(RuleError::NeverHandedOver),
        (_, Resolution::AnsweredAtFirstContact)
            if was_handed_over || from != Status::Registered =>
        {
            Err(RuleError::NotFirstContact)
        }
        (CentreLevel::Inform, r @ (Resolution::ResolvedInCentre | Resolution::HandedOver)) => {
            Err(RuleError::NotAllowedForInform(r))
        }
        (CentreLevel::Register, Resolution::ResolvedInCentre) => {
            Err(RuleError::NotAllowedForRegister)
        }
        _ => Ok(()),
    }
}

/// The status machine. Hand-over has its own operation ([`check_handover`])
/// because it needs a group and a summary; `to = HandedOver` is refused here.
pub fn check_transition(
    from: Status,
    to: Status,
    resolution: Option<Resolution>,
    reason: Option<&str>,
) -> Result<(), RuleError> {
    use Status::*;
    let allowed = match from {
        Registered => matches!(to, InProgress | WaitingForResident | Closed),
        InProgress => matches!(to, WaitingForResident | Closed),
        HandedOver => matches!(to, InProgress | WaitingForResident | Closed),
        WaitingForResident => matches!(to, InProgress | Closed),
        Closed => matches!(to, InProgress),
    };
    if !allowed {
        return Err(RuleError::IllegalTransition { from, to });
    }
    match (to, resolution) {
        (Closed, None) => return Err(RuleError::ResolutionRequired),
        (Closed, Some(_)) => {}
        (_, Some(_)) => return Err(RuleError::ResolutionWithoutClose),
        (_, None) => {}
    }
    if from == Closed && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(RuleError::ReasonRequired);
    }
    Ok(())
}

pub fn check_handover(from: Status, level: CentreLevel) -> Result<(), RuleError> {
    if level == CentreLevel::Inform {
        return Err(RuleError::HandoverNotAllowed);
    }
    if from == Status::Closed {
        return Err(RuleError::HandoverOfClosedCase);
    }
    Ok(())
}

/// What an officer may do with a case handed over to their group, and the
/// status it moves to. Accepting is only for a case still waiting in the
/// group's queue; asking, returning and answering are also possible while
/// the officer works on it.
pub fn check_handover_response(
    from: Status,
    response: HandoverResponse,
) -> Result<Status, RuleError> {
    use HandoverResponse::*;
    let to = match (response, from) {
        (Accept, Status::HandedOver) => Status::InProgress,
        (RequestInfo | Return, Status::HandedOver | Status::InProgress) => Status::InProgress,
        (AnswerAndClose, Status::HandedOver | Status::InProgress | Status::WaitingForResident) => {
            Status::Closed
        }
        _ => {
            return Err(RuleError::ResponseNotPossible {
                status: from,
                response,
            })
        }
    };
    Ok(to)
}

/// Contact details as a resident gave them at one contact.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactGiven {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl ContactGiven {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.phone.is_none() && self.email.is_none()
    }
}

/// One entry of a case's append-only timeline. Stored as its kind plus this
/// body as JSON, so both databases keep the same shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryBody {
    Registered {
        channel: Channel,
        /// The contact details as given at this contact. The person record
        /// is not rewritten by a later contact, so each case keeps what was
        /// said then.
        #[serde(default, skip_serializing_if = "ContactGiven::is_empty")]
        contact_given: ContactGiven,
    },
    Note {
        text: String,
    },
    MessageIn {
        channel: Channel,
        text: String,
    },
    MessageOut {
        channel: Channel,
        text: String,
    },
    Attachment {
        file_name: String,
        content_type: String,
        size: u64,
        sha256: String,
    },
    StatusChanged {
        from: Status,
        to: Status,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        resolution: Option<Resolution>,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        reason: Option<String>,
    },
    HandedOver {
        group: String,
        summary: String,
    },
    Linked {
        case: CaseNumber,
    },
    /// An officer of `group` took the case on.
    HandoverAccepted {
        group: String,
    },
    /// The officer asked the centre for more; the case went to the centre's `group`.
    InfoRequested {
        group: String,
        question: String,
    },
    /// The officer sent the case back to the centre's `group`.
    HandoverReturned {
        group: String,
        reason: String,
    },
    Correction {
        corrects: u32,
        text: String,
    },
    FeedbackDeadlineChanged {
        deadline: chrono::NaiveDate,
        reason: String,
    },
    /// The resident chose another way to hear back (on Mina sidor).
    FeedbackChannelChanged {
        from: Option<FeedbackChannel>,
        to: FeedbackChannel,
    },
    /// The resident asked to be called back, on this number, at this time
    /// of day in their own words. The number is `None` only in a copy
    /// for a reader who may not see contact details.
    CallbackRequested {
        phone: Option<crate::contact::PhoneNumber>,
        when: String,
    },
}

impl EntryBody {
    /// Whether the resident sees this entry on their own pages (and the
    /// agent's "resident view"): what they sent and were sent, the files
    /// that came through a channel, and what the city did — never notes,
    /// hand-over summaries, questions and reasons between the centre and
    /// the officers, links to other cases or corrections.
    pub fn seen_by_resident(&self, author: &str) -> bool {
        match self {
            EntryBody::Registered { .. }
            | EntryBody::MessageIn { .. }
            | EntryBody::MessageOut { .. }
            | EntryBody::StatusChanged { .. }
            | EntryBody::HandedOver { .. }
            | EntryBody::HandoverAccepted { .. }
            | EntryBody::FeedbackDeadlineChanged { .. }
            | EntryBody::FeedbackChannelChanged { .. }
            | EntryBody::CallbackRequested { .. } => true,
            // What the resident sent came through a channel; a file staff
            // attached is the city's working material.
            EntryBody::Attachment { .. } => !author.starts_with("user:"),
            EntryBody::Note { .. }
            | EntryBody::Linked { .. }
            | EntryBody::InfoRequested { .. }
            | EntryBody::HandoverReturned { .. }
            | EntryBody::Correction { .. } => false,
        }
    }

    /// What was written or said in this entry, for full-text search.
    pub fn text(&self) -> Option<&str> {
        match self {
            EntryBody::Note { text }
            | EntryBody::MessageIn { text, .. }
            | EntryBody::MessageOut { text, .. }
            | EntryBody::Correction { text, .. } => Some(text),
            EntryBody::HandedOver { summary, .. } => Some(summary),
            EntryBody::InfoRequested { question, .. } => Some(question),
            EntryBody::HandoverReturned { reason, .. } => Some(reason),
            EntryBody::StatusChanged { reason, .. } => reason.as_deref(),
            EntryBody::FeedbackDeadlineChanged { reason, .. } => Some(reason),
            EntryBody::CallbackRequested { when, .. } => Some(when),
            EntryBody::Registered { .. }
            | EntryBody::Attachment { .. }
            | EntryBody::Linked { .. }
            | EntryBody::HandoverAccepted { .. }
            | EntryBody::FeedbackChannelChanged { .. } => None,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            EntryBody::Registered { .. } => "registered",
            EntryBody::Note { .. } => "note",
            EntryBody::MessageIn { .. } => "message_in",
            EntryBody::MessageOut { .. } => "message_out",
            EntryBody::Attachment { .. } => "attachment",
            EntryBody::StatusChanged { .. } => "status_changed",
            EntryBody::HandedOver { .. } => "handed_over",
            EntryBody::Linked { .. } => "linked",
            EntryBody::HandoverAccepted { .. } => "handover_accepted",
            EntryBody::InfoRequested { .. } => "info_requested",
            EntryBody::HandoverReturned { .. } => "handover_returned",
            EntryBody::Correction { .. } => "correction",
            EntryBody::FeedbackDeadlineChanged { .. } => "feedback_deadline_changed",
            EntryBody::FeedbackChannelChanged { .. } => "feedback_channel_changed",
            EntryBody::CallbackRequested { .. } => "callback_requested",
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn residents_see_what_they_sent_and_what_the_city_did_never_notes() {
        let note = EntryBody::Note {
            text: "intern".into(),
        };
        let summary = EntryBody::HandedOver {
            group: "FSK-KO-SKH".into(),
            summary: "intern".into(),
        };
        let file = EntryBody::Attachment {
            file_name: "foto.jpg".into(),
            content_type: "image/jpeg".into(),
            size: 1,
            sha256: "0".repeat(64),
        };
        assert!(!note.seen_by_resident("user:agent"));
        assert!(
            summary.seen_by_resident("user:agent"),
            "that it was handed over, not the summary"
        );
        assert!(file.seen_by_resident("system:mail"));
        assert!(!file.seen_by_resident("user:officer"));
        assert!(!EntryBody::InfoRequested {
            group: "FSK".into(),
            question: "intern".into()
        }
        .seen_by_resident("user:officer"));
    }

    use super::*;

    #[test]
    fn case_numbers_round_trip_and_reject_garbage() {
        for (input, expected) in [
            ("KC-2026-000123", Some("KC-2026-000123")),
            (" kc-2026-000001 ", Some("KC-2026-000001")),
            ("KC-2026-1000000", Some("KC-2026-1000000")),
            ("KC-2026-0000001", None),
            ("KC-2026-123", None),
            ("KC-26-000123", None),
            ("KC-2026-000000", None),
            ("KC-1999-000001", None),
            ("2026-000123", None),
            ("KC-2026-00012a", None),
            ("KC-2026-０００１２３", None),
        ] {
            let got = CaseNumber::parse(input).ok().map(|n| n.to_string());
            assert_eq!(got.as_deref(), expected, "input {input:?}");
        }
    }

    #[test]
    fn status_machine() {
        use Resolution::*;
        use Status::*;
        let ok = |from, to, res, reason| check_transition(from, to, res, reason).is_ok();
        assert!(ok(Registered, Closed, Some(AnsweredAtFirstContact), None));
        assert!(ok(Registered, InProgress, None, None));
        assert!(!ok(Registered, Closed, None, None));
        assert!(!ok(Registered, InProgress, Some(ResolvedInCentre), None));
        assert!(!ok(Registered, Registered, None, None));
        assert!(!ok(InProgress, Registered, None, None));
        assert!(!ok(Registered, Status::HandedOver, None, None));
        assert!(ok(
            Closed,
            InProgress,
            None,
            Some("the resident called back")
        ));
        assert!(!ok(Closed, InProgress, None, Some("  ")));
        assert!(!ok(Closed, InProgress, None, None));
        assert!(!ok(Closed, Closed, Some(ResolvedInCentre), None));
        assert!(ok(
            Status::HandedOver,
            Closed,
            Some(Resolution::HandedOver),
            None
        ));
    }

    #[test]
    fn resolutions_follow_the_agreement_level() {
        use CentreLevel::*;
        use Resolution::*;
        let reg = Status::Registered;
        assert!(check_resolution(Inform, AnsweredAtFirstContact, false, reg).is_ok());
        assert!(check_resolution(Inform, ResolvedInCentre, false, reg).is_err());
        assert!(check_resolution(Register, ResolvedInCentre, false, reg).is_err());
        assert!(
            check_resolution(Register, Resolution::HandedOver, true, Status::HandedOver).is_ok()
        );
        assert!(check_resolution(Handle, Resolution::HandedOver, false, reg).is_err());
        assert!(check_resolution(Handle, ResolvedInCentre, false, Status::InProgress).is_ok());
        // First contact means first contact: not after a hand-over or later work.
        assert_eq!(
            check_resolution(Handle, AnsweredAtFirstContact, true, Status::InProgress),
            Err(RuleError::NotFirstContact)
        );
        assert_eq!(
            check_resolution(Handle, AnsweredAtFirstContact, false, Status::InProgress),
            Err(RuleError::NotFirstContact)
        );
        assert!(check_handover(Status::Registered, Inform).is_err());
        assert!(check_handover(Status::Closed, Handle).is_err());
        assert!(check_handover(Status::InProgress, Register).is_ok());
    }

    #[test]
    fn officers_answer_hand_overs() {
        use HandoverResponse::*;
        let to = |from, r| check_handover_response(from, r).ok();
        assert_eq!(to(Status::HandedOver, Accept), Some(Status::InProgress));
        assert_eq!(to(Status::InProgress, Accept), None);
        assert_eq!(
            to(Status::HandedOver, RequestInfo),
            Some(Status::InProgress)
        );
        assert_eq!(to(Status::InProgress, Return), Some(Status::InProgress));
        assert_eq!(to(Status::Registered, Return), None);
        assert_eq!(
            to(Status::WaitingForResident, AnswerAndClose),
            Some(Status::Closed)
        );
        assert_eq!(to(Status::Closed, AnswerAndClose), None);
        assert_eq!(to(Status::Closed, Accept), None);
    }

    #[test]
    fn entry_bodies_serialise_with_their_kind() {
        let e = EntryBody::HandedOver {
            group: "FSK-H".into(),
            summary: "Wants a place from March".into(),
        };
        let json = serde_json::to_value(&e).expect("json");
        assert_eq!(json["kind"], e.kind());
        let back: EntryBody = serde_json::from_value(json).expect("back");
        assert_eq!(back, e);
    }
}
