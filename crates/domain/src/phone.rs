//! What an answer group's own team changes about its phone line while the
//! city runs (the catalog holds the rest): the greeting callers hear when
//! they enter the group's queue, the group's own opening hours within its
//! number's, and an absence message — a planning day, a system outage —
//! that closes the line until a given time.

use chrono::{DateTime, Duration, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::calendar;
use crate::catalog::phone::{OpeningHours, Span};

word_enum! {
    /// How a call to the city ended, for the call records.
    CallOutcome {
        Answered = "answered",
        Abandoned = "abandoned",
        /// The caller kept the place and was called back.
        Callback = "callback",
        /// The queue was full.
        Refused = "refused",
        Transferred = "transferred",
        /// The phone system went silent about it, or Kontakt restarted.
        Lost = "lost",
        /// Outside opening hours, or the group's absence message.
        Closed = "closed",
    }
}

/// At most this many characters in a greeting or absence message (a text
/// read aloud to callers: long ones lose them).
pub const MESSAGE_CHARS: usize = 600;
/// An absence ends within this many days; a longer closure is a catalog change.
pub const ABSENCE_MAX_DAYS: i64 = 60;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPhoneSettings {
    pub greeting_sv: Option<String>,
    pub greeting_en: Option<String>,
    /// The group's own hours (None: the number's hours apply).
    pub hours: Option<WeekHours>,
    pub absence: Option<Absence>,
}

/// Hours per kind of day; holidays stay closed as for the number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekHours {
    pub weekdays: Option<Span>,
    pub saturday: Option<Span>,
    pub sunday: Option<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Absence {
    pub message_sv: String,
    pub message_en: String,
    pub until: DateTime<Utc>,
}

/// The form a team leader fills in, as text.
#[derive(Debug, Clone, Default)]
pub struct SettingsInput {
    pub greeting_sv: String,
    pub greeting_en: String,
    /// `HH:MM-HH:MM`, `closed`, or empty for the number's hours (all three empty).
    pub weekdays: String,
    pub saturday: String,
    pub sunday: String,
    pub absence_sv: String,
    pub absence_en: String,
    /// Local Stockholm time `YYYY-MM-DDTHH:MM`, or empty for no absence.
    pub absent_until: String,
}

/// Why the line does not answer now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closed {
    /// Outside the number's or the group's hours: the number's closed message.
    Hours,
    /// The team's absence message.
    Absent(Absence),
}

fn message(
    problems: &mut Vec<(String, String)>,
    field: &str,
    text: &str,
    required: bool,
) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        if required {
            problems.push((field.into(), "is required".into()));
        }
        return None;
    }
    if text.chars().count() > MESSAGE_CHARS {
        problems.push((
            field.into(),
            format!("is longer than {MESSAGE_CHARS} characters"),
        ));
    } else if text.chars().any(|c| c.is_control() && c != '\n') {
        problems.push((field.into(), "contains control characters".into()));
    }
    Some(text.to_owned())
}

impl GroupPhoneSettings {
    /// Checks a filled-in form; every problem is named (field, reason).
    pub fn from_input(
        input: &SettingsInput,
        now: DateTime<Utc>,
    ) -> Result<Self, Vec<(String, String)>> {
        let mut problems = Vec::new();
        let greeting_sv = message(&mut problems, "greeting_sv", &input.greeting_sv, false);
        let greeting_en = message(&mut problems, "greeting_en", &input.greeting_en, false);
        let mut span = |field: &str, text: &str| -> Option<Span> {
            match Span::parse(text) {
                Ok(s) => s,
                Err(e) => {
                    problems.push((field.into(), e));
                    None
                }
            }
        };
        let days = [&input.weekdays, &input.saturday, &input.sunday];
        let hours = if days.iter().all(|d| d.trim().is_empty()) {
            None
        } else {
            fn closed(d: &str) -> &str {
                if d.trim().is_empty() {
                    "closed"
                } else {
                    d
                }
            }
            Some(WeekHours {
                weekdays: span("weekdays", closed(&input.weekdays)),
                saturday: span("saturday", closed(&input.saturday)),
                sunday: span("sunday", closed(&input.sunday)),
            })
        };
        let until = input.absent_until.trim();
        let absence = if until.is_empty() {
            if !input.absence_sv.trim().is_empty() || !input.absence_en.trim().is_empty() {
                problems.push((
                    "absent_until".into(),
                    "is required with an absence message: until when is the line closed?".into(),
                ));
            }
            None
        } else {
            let at = chrono::NaiveDateTime::parse_from_str(until, "%Y-%m-%dT%H:%M")
                .ok()
                .and_then(calendar::stockholm_to_utc);
            match at {
                None => {
                    problems.push((
                        "absent_until".into(),
                        format!("'{until}' is not a time YYYY-MM-DDTHH:MM"),
                    ));
                    None
                }
                Some(at) if at <= now => {
                    problems.push(("absent_until".into(), "is in the past".into()));
                    None
                }
                Some(at) if at > now + Duration::days(ABSENCE_MAX_DAYS) => {
                    problems.push((
                        "absent_until".into(),
                        format!("is more than {ABSENCE_MAX_DAYS} days ahead"),
                    ));
                    None
                }
                Some(at) => {
                    let sv = message(&mut problems, "absence_sv", &input.absence_sv, true);
                    let en = message(&mut problems, "absence_en", &input.absence_en, true);
                    sv.zip(en).map(|(message_sv, message_en)| Absence {
                        message_sv,
                        message_en,
                        until: at,
                    })
                }
            }
        };
        if problems.is_empty() {
            Ok(GroupPhoneSettings {
                greeting_sv,
                greeting_en,
                hours,
                absence,
            })
        } else {
            Err(problems)
        }
    }

    /// The form filled in with these settings.
    pub fn to_input(&self) -> SettingsInput {
        let span = |s: Option<Span>| s.map_or("closed".to_owned(), |s| s.to_string());
        SettingsInput {
            greeting_sv: self.greeting_sv.clone().unwrap_or_default(),
            greeting_en: self.greeting_en.clone().unwrap_or_default(),
            weekdays: self.hours.map(|h| span(h.weekdays)).unwrap_or_default(),
            saturday: self.hours.map(|h| span(h.saturday)).unwrap_or_default(),
            sunday: self.hours.map(|h| span(h.sunday)).unwrap_or_default(),
            absence_sv: self
                .absence
                .as_ref()
                .map(|a| a.message_sv.clone())
                .unwrap_or_default(),
            absence_en: self
                .absence
                .as_ref()
                .map(|a| a.message_en.clone())
                .unwrap_or_default(),
            absent_until: self
                .absence
                .as_ref()
                .map(|a| {
                    calendar::stockholm_local(a.until)
                        .format("%Y-%m-%dT%H:%M")
                        .to_string()
                })
                .unwrap_or_default(),
        }
    }

    /// Whether the group's line is closed at `at`, given its number's hours.
    pub fn closed(&self, number_hours: &OpeningHours, at: DateTime<Utc>) -> Option<Closed> {
        if let Some(a) = self.absence.as_ref().filter(|a| at < a.until) {
            return Some(Closed::Absent(a.clone()));
        }
        if !number_hours.is_open(at) {
            return Some(Closed::Hours);
        }
        if let Some(hours) = self.hours {
            let local = calendar::stockholm_local(at);
            let span = match chrono::Datelike::weekday(&local.date()) {
                Weekday::Sat => hours.saturday,
                Weekday::Sun => hours.sunday,
                _ => hours.weekdays,
            };
            if !span.is_some_and(|s| s.contains(local.time())) {
                return Some(Closed::Hours);
            }
        }
        None
    }
}

/// An announcement every caller of a number hears before its menu: the
/// crisis slot, so that in a storm or an outage the same information
/// reaches everyone at once and fewer need to wait for an agent. It ends
/// when it is removed or at `until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    pub text_sv: String,
    /// Played after the Swedish text (callers choose a language only later).
    pub text_en: Option<String>,
    pub until: Option<DateTime<Utc>>,
}

/// The form that sets a number's announcement, as text; an empty Swedish
/// text removes the announcement.
#[derive(Debug, Clone, Default)]
pub struct AnnouncementInput {
    pub text_sv: String,
    pub text_en: String,
    /// Local Stockholm time `YYYY-MM-DDTHH:MM`, or empty: until removed.
    pub until: String,
}

impl Announcement {
    /// Checks a filled-in form: `Ok(None)` removes the announcement.
    pub fn from_input(
        input: &AnnouncementInput,
        now: DateTime<Utc>,
    ) -> Result<Option<Self>, Vec<(String, String)>> {
        let mut problems = Vec::new();
        let text_sv = message(&mut problems, "text_sv", &input.text_sv, false);
        let text_en = message(&mut problems, "text_en", &input.text_en, false);
        if text_sv.is_none() && text_en.is_some() {
            problems.push((
                "text_sv".into(),
                "is required with an English text: callers hear Swedish first".into(),
            ));
        }
        let until = input.until.trim();
        let until = if until.is_empty() {
            None
        } else {
            match chrono::NaiveDateTime::parse_from_str(until, "%Y-%m-%dT%H:%M")
                .ok()
                .and_then(calendar::stockholm_to_utc)
            {
                None => {
                    problems.push((
                        "until".into(),
                        format!("'{until}' is not a time YYYY-MM-DDTHH:MM"),
                    ));
                    None
                }
                Some(at) if at <= now => {
                    problems.push(("until".into(), "is in the past".into()));
                    None
                }
                Some(at) => Some(at),
            }
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(text_sv.map(|text_sv| Announcement {
            text_sv,
            text_en,
            until,
        }))
    }

    /// The form filled in with this announcement.
    pub fn to_input(&self) -> AnnouncementInput {
        AnnouncementInput {
            text_sv: self.text_sv.clone(),
            text_en: self.text_en.clone().unwrap_or_default(),
            until: self
                .until
                .map(|t| {
                    calendar::stockholm_local(t)
                        .format("%Y-%m-%dT%H:%M")
                        .to_string()
                })
                .unwrap_or_default(),
        }
    }

    pub fn is_active(&self, at: DateTime<Utc>) -> bool {
        self.until.is_none_or(|until| at < until)
    }

    /// What is played: the Swedish text, then the English one.
    pub fn spoken(&self) -> String {
        match &self.text_en {
            Some(en) => format!("{} {en}", self.text_sv),
            None => self.text_sv.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("time")
            .with_timezone(&Utc)
    }

    fn number_hours() -> OpeningHours {
        OpeningHours {
            code: "KCS".into(),
            weekdays: Span::parse("08:00-17:00").expect("span"),
            saturday: None,
            sunday: None,
            day_before_holiday: None,
            holidays: None,
            exceptions: Vec::new(),
        }
    }

    #[test]
    fn a_team_narrows_its_hours_and_closes_for_a_planning_day() {
        let now = at("2026-11-23T08:00:00Z"); // Monday 09:00 in Stockholm
        let input = SettingsInput {
            greeting_sv: "Du har kommit till förskolan.".into(),
            weekdays: "09:00-16:00".into(),
            ..SettingsInput::default()
        };
        let s = GroupPhoneSettings::from_input(&input, now).expect("valid");
        let hours = number_hours();
        assert_eq!(s.closed(&hours, at("2026-11-23T08:30:00Z")), None);
        assert_eq!(
            s.closed(&hours, at("2026-11-23T15:30:00Z")),
            Some(Closed::Hours),
            "16:30 local"
        );
        assert_eq!(
            s.closed(&hours, at("2026-11-28T10:00:00Z")),
            Some(Closed::Hours),
            "Saturday"
        );
        assert_eq!(
            GroupPhoneSettings::from_input(&s.to_input(), now),
            Ok(s.clone())
        );

        let planning = SettingsInput {
            absence_sv: "Vi har planeringsdag och svarar igen i morgon.".into(),
            absence_en: "We are closed for planning today.".into(),
            absent_until: "2026-11-24T08:00".into(),
            ..SettingsInput::default()
        };
        let s = GroupPhoneSettings::from_input(&planning, now).expect("valid");
        assert!(matches!(
            s.closed(&hours, at("2026-11-23T09:00:00Z")),
            Some(Closed::Absent(_))
        ));
        assert_eq!(
            s.closed(&hours, at("2026-11-24T07:00:00Z")),
            None,
            "08:00 local: back"
        );
        assert_eq!(GroupPhoneSettings::from_input(&s.to_input(), now), Ok(s));
    }

    #[test]
    fn bad_settings_name_every_field() {
        let now = at("2026-11-23T08:00:00Z");
        let bad = SettingsInput {
            greeting_sv: "x".repeat(MESSAGE_CHARS + 1),
            greeting_en: "tab\there".into(),
            weekdays: "16:00-09:00".into(),
            saturday: "soon".into(),
            absence_sv: "Stängt".into(),
            absent_until: "2026-11-22T08:00".into(),
            ..SettingsInput::default()
        };
        let problems = GroupPhoneSettings::from_input(&bad, now).expect_err("invalid");
        let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "greeting_sv",
                "greeting_en",
                "weekdays",
                "saturday",
                "absent_until"
            ],
            "{problems:?}"
        );
        let far = SettingsInput {
            absence_sv: "a".into(),
            absence_en: "b".into(),
            absent_until: "2027-06-01T08:00".into(),
            ..SettingsInput::default()
        };
        assert!(GroupPhoneSettings::from_input(&far, now).is_err());
        let no_text = SettingsInput {
            absent_until: "2026-11-24T08:00".into(),
            ..SettingsInput::default()
        };
        let problems = GroupPhoneSettings::from_input(&no_text, now).expect_err("invalid");
        assert_eq!(
            problems.len(),
            2,
            "both messages are required: {problems:?}"
        );
    }

    #[test]
    fn announcements_are_checked() {
        let now = at("2026-12-07T08:00:00Z");
        let input = |sv: &str, en: &str, until: &str| AnnouncementInput {
            text_sv: sv.into(),
            text_en: en.into(),
            until: until.into(),
        };
        let a = Announcement::from_input(
            &input(
                "Stormen stänger färjorna.",
                "The storm stops the ferries.",
                "2026-12-07T18:00",
            ),
            now,
        )
        .expect("valid")
        .expect("set");
        assert_eq!(
            a.spoken(),
            "Stormen stänger färjorna. The storm stops the ferries."
        );
        assert!(a.is_active(now));
        assert!(!a.is_active(at("2026-12-07T17:00:00Z")));
        assert_eq!(Announcement::from_input(&a.to_input(), now), Ok(Some(a)));
        assert_eq!(Announcement::from_input(&input(" ", "", ""), now), Ok(None));
        let fields = |r: Result<Option<Announcement>, Vec<(String, String)>>| -> Vec<String> {
            r.expect_err("invalid")
                .into_iter()
                .map(|(f, _)| f)
                .collect()
        };
        assert_eq!(
            fields(Announcement::from_input(
                &input("", "Only English", ""),
                now
            )),
            ["text_sv"]
        );
        assert_eq!(
            fields(Announcement::from_input(
                &input("x", "", "2026-12-06T10:00"),
                now
            )),
            ["until"]
        );
        assert_eq!(
            fields(Announcement::from_input(
                &input(&"å".repeat(601), "", "tomorrow"),
                now
            )),
            ["text_sv", "until"]
        );
    }
}
