//! Manual fallback: when the case system or the phone system is down, agents
//! note each contact on a paper form or in a capture file (CSV), and import
//! the file afterwards. The routine and the columns: `docs/fallback.md`.
//!
//! The import checks every row before it registers any (the same rules as
//! any registration, through `CaseService::validate_new_case`, and the same
//! access rules), so a file with a bad row changes nothing. Each row is
//! registered with its capture id as its intake key (`fallback:<id>`), so
//! importing a file again — after a fix, or by a colleague who did not know
//! — registers nothing twice; the rows already in are reported as such.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use kontakt_domain::access::{decide, Action, CaseFacts, Decision};
use kontakt_domain::audit::Outcome;
use kontakt_domain::case::{CaseNumber, Channel, FeedbackChannel};
use kontakt_domain::catalog::Catalog;
use kontakt_store::{NewContact, StoreError};

use crate::cases::{Actor, Arrival, CaseError, CaseService, ContactInput, IntakeRequest};

/// A capture file's columns. The header row names them (Swedish, or the
/// English field names of the API); the optional ones may be left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    CaptureId,
    ContactTime,
    Channel,
    CaseType,
    District,
    Description,
    AnsweredAtFirstContact,
    Name,
    Personnummer,
    Phone,
    Email,
    FeedbackChannel,
    Form,
}

impl Column {
    /// Every column, in the template's order.
    pub const ALL: [Column; 13] = [
        Column::CaptureId,
        Column::ContactTime,
        Column::Channel,
        Column::CaseType,
        Column::District,
        Column::Description,
        Column::AnsweredAtFirstContact,
        Column::Name,
        Column::Personnummer,
        Column::Phone,
        Column::Email,
        Column::FeedbackChannel,
        Column::Form,
    ];

    /// The header in the template (Swedish: the agents fill it in).
    pub fn header(self) -> &'static str {
        match self {
            Column::CaptureId => "id",
            Column::ContactTime => "kontakttid",
            Column::Channel => "kanal",
            Column::CaseType => "ärendetyp",
            Column::District => "stadsdel",
            Column::Description => "beskrivning",
            Column::AnsweredAtFirstContact => "löst_direkt",
            Column::Name => "namn",
            Column::Personnummer => "personnummer",
            Column::Phone => "telefon",
            Column::Email => "e_post",
            Column::FeedbackChannel => "återkoppling",
            Column::Form => "formulärfält",
        }
    }

    /// The same column by the API's English name.
    fn english(self) -> &'static str {
        match self {
            Column::CaptureId => "capture_id",
            Column::ContactTime => "contact_time",
            Column::Channel => "channel",
            Column::CaseType => "case_type",
            Column::District => "district",
            Column::Description => "description",
            Column::AnsweredAtFirstContact => "answered_at_first_contact",
            Column::Name => "name",
            Column::Personnummer => "personnummer",
            Column::Phone => "phone",
            Column::Email => "email",
            Column::FeedbackChannel => "feedback_channel",
            Column::Form => "form",
        }
    }

    pub fn required(self) -> bool {
        matches!(
            self,
            Column::CaptureId
                | Column::ContactTime
                | Column::Channel
                | Column::CaseType
                | Column::Description
        )
    }

    fn from_header(h: &str) -> Option<Column> {
        let h = h.trim().to_lowercase().replace(['-', ' '], "_");
        Column::ALL
            .into_iter()
            .find(|c| c.header() == h || c.english() == h)
    }

    /// The column a registration rule's field comes from, so an error
    /// names what the agent wrote.
    fn of_field(field: &str) -> Column {
        match field {
            "case_type" => Column::CaseType,
            "channel" => Column::Channel,
            "district" => Column::District,
            "description" => Column::Description,
            "contact.personnummer" => Column::Personnummer,
            "contact.phone" => Column::Phone,
            "contact.email" => Column::Email,
            "feedback_channel" => Column::FeedbackChannel,
            "close_as" => Column::AnsweredAtFirstContact,
            "received_at" => Column::ContactTime,
            f if f.starts_with("form.") => Column::Form,
            _ => Column::Name,
        }
    }
}

/// One thing wrong in a capture file: the row (as a spreadsheet numbers
/// it: the header is row 1; 0 for the file as a whole), the column and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    pub row: u64,
    pub column: String,
    pub reason: String,
}

impl RowError {
    fn new(row: u64, column: impl Into<String>, reason: impl Into<String>) -> Self {
        RowError {
            row,
            column: column.into(),
            reason: reason.into(),
        }
    }
}

/// The id an agent gives each contact (initials and a running number, e.g.
/// `AB-017`): unique per contact, so a row is registered once however
/// often its file is imported. Letters, digits, `-`, `_` and `.`, at most
/// 40; compared without regard to case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CaptureId(String);

impl CaptureId {
    pub fn parse(s: &str) -> Result<CaptureId, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("is required".into());
        }
        if s.chars().count() > 40 {
            return Err("is longer than 40 characters".into());
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(format!(
                "'{s}' may hold only letters A–Z, digits, '-', '_' and '.' (e.g. AB-017)"
            ));
        }
        Ok(CaptureId(s.to_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The intake key the case is registered under.
    pub fn intake_key(&self) -> String {
        format!("fallback:{}", self.0)
    }
}

impl std::fmt::Display for CaptureId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One contact from a capture file, ready for the registration rules.
#[derive(Debug, Clone)]
pub struct CapturedContact {
    pub row: u64,
    pub capture_id: CaptureId,
    pub request: IntakeRequest,
}

/// The words agents write for a channel, in Swedish or as the API's codes.
fn channel_of(s: &str) -> Option<Channel> {
    let s = s.trim().to_lowercase();
    let word = match s.as_str() {
        "telefon" | "tel" => "phone",
        "besök" | "besok" => "visit",
        "e-post" | "epost" | "e_post" | "mejl" | "mail" => "email",
        "brev" => "letter",
        "chatt" => "chat",
        "sociala medier" | "sociala_medier" => "social_media",
        "e-tjänst" | "e_tjänst" | "etjänst" => "e_service",
        other => other,
    };
    Channel::parse(word).filter(|c| *c != Channel::Open311)
}

fn feedback_of(s: &str) -> Option<FeedbackChannel> {
    let s = s.trim().to_lowercase();
    let word = match s.as_str() {
        "telefon" | "tel" => "phone",
        "e-post" | "epost" | "e_post" | "mejl" | "mail" => "email",
        "brev" => "letter",
        other => other,
    };
    FeedbackChannel::parse(word)
}

fn yes_no(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "ja" | "j" | "yes" | "x" => Some(true),
        "nej" | "n" | "no" | "" => Some(false),
        _ => None,
    }
}

/// A Stockholm wall-clock time as agents write it; the hour skipped when
/// summer time begins is refused, the hour that happens twice is taken
/// the first time.
fn contact_time(s: &str) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("is required".into());
    }
    let local = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .ok_or_else(|| format!("'{s}' is not a time written YYYY-MM-DD HH:MM"))?;
    kontakt_domain::calendar::stockholm_to_utc(local)
        .ok_or_else(|| format!("'{s}' does not exist in Stockholm (summer time begins)"))
}

/// The form field values `kod=värde | kod=värde`.
fn form_values(s: &str) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let mut form = serde_json::Map::new();
    for part in s.split('|').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((code, value)) = part.split_once('=') else {
            return Err(format!("'{part}' is not written code=value"));
        };
        form.insert(
            code.trim().to_owned(),
            serde_json::Value::String(value.trim().to_owned()),
        );
    }
    Ok(form)
}

/// Which separator a file uses: Swedish Excel writes semicolons, most
/// other programs commas. Decided by the header line, which has no quotes.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    if header.matches(';').count() >= header.matches(',').count() && header.contains(';') {
        b';'
    } else {
        b','
    }
}

/// Reads a capture file: every row is checked, and either every contact
/// comes back or every problem does. What the catalog and the registration
/// rules decide is checked by the import, not here.
pub fn parse(file: &[u8], now: DateTime<Utc>) -> Result<Vec<CapturedContact>, Vec<RowError>> {
    match read(file, now) {
        (contacts, errors) if errors.is_empty() => Ok(contacts),
        (_, errors) => Err(errors),
    }
}

/// The rows that could be read and the problems of the others, so that the
/// import can check the readable rows against the rules too and report
/// everything wrong with a file at once.
fn read(file: &[u8], now: DateTime<Utc>) -> (Vec<CapturedContact>, Vec<RowError>) {
    let file = file.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(file);
    let Ok(text) = std::str::from_utf8(file) else {
        return (
            Vec::new(),
            vec![RowError::new(
                0,
                "",
                "the file is not UTF-8 text; save it as \"CSV UTF-8\"",
            )],
        );
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return (Vec::new(), vec![RowError::new(1, "", e.to_string())]),
        None => return (Vec::new(), vec![RowError::new(0, "", "the file is empty")]),
    };
    let mut errors = Vec::new();
    let mut columns = Vec::new();
    for h in header.iter() {
        match Column::from_header(h) {
            Some(c) if columns.contains(&Some(c)) => {
                errors.push(RowError::new(1, h, "the column appears twice"));
                columns.push(None);
            }
            Some(c) => columns.push(Some(c)),
            None if h.trim().is_empty() => columns.push(None),
            None => {
                errors.push(RowError::new(1, h, "is not a column of the capture file"));
                columns.push(None);
            }
        }
    }
    for c in Column::ALL.into_iter().filter(|c| c.required()) {
        if !columns.contains(&Some(c)) {
            errors.push(RowError::new(1, c.header(), "the column is missing"));
        }
    }
    if !errors.is_empty() {
        return (Vec::new(), errors);
    }
    let mut contacts = Vec::new();
    let mut seen: HashMap<CaptureId, u64> = HashMap::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let row = e.position().map_or(0, |p| p.line());
                errors.push(RowError::new(row, "", e.to_string()));
                continue;
            }
        };
        let row = record.position().map_or(0, |p| p.line());
        // A blank line (or one of only separators) is no contact.
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        if record.len() != columns.len() {
            errors.push(RowError::new(
                row,
                "",
                format!(
                    "has {} fields; the header has {} (a separator too many or too few?)",
                    record.len(),
                    columns.len()
                ),
            ));
            continue;
        }
        let value = |c: Column| -> &str {
            columns
                .iter()
                .position(|x| *x == Some(c))
                .and_then(|i| record.get(i))
                .map(str::trim)
                .unwrap_or_default()
        };
        let optional = |c: Column| Some(value(c).to_owned()).filter(|v| !v.is_empty());
        let mut bad = |c: Column, reason: String| {
            errors.push(RowError::new(row, c.header(), reason));
        };
        let capture_id = match CaptureId::parse(value(Column::CaptureId)) {
            Ok(id) => match seen.get(&id) {
                Some(first) => {
                    bad(
                        Column::CaptureId,
                        format!("'{id}' is used on row {first} too; each contact needs its own id"),
                    );
                    None
                }
                None => {
                    seen.insert(id.clone(), row);
                    Some(id)
                }
            },
            Err(reason) => {
                bad(Column::CaptureId, reason);
                None
            }
        };
        let received_at = match contact_time(value(Column::ContactTime)) {
            Ok(t) if t > now => {
                bad(
                    Column::ContactTime,
                    format!("{} lies in the future", value(Column::ContactTime)),
                );
                None
            }
            Ok(t) => Some(t),
            Err(reason) => {
                bad(Column::ContactTime, reason);
                None
            }
        };
        let channel = match value(Column::Channel) {
            "" => {
                bad(Column::Channel, "is required".into());
                None
            }
            v => {
                let c = channel_of(v);
                if c.is_none() {
                    bad(
                        Column::Channel,
                        format!("'{v}' is not one of: telefon, besök, e-post, brev, sms, chatt, sociala medier"),
                    );
                }
                c
            }
        };
        let feedback_channel = match value(Column::FeedbackChannel) {
            "" => None,
            v => {
                let c = feedback_of(v);
                if c.is_none() {
                    bad(
                        Column::FeedbackChannel,
                        format!("'{v}' is not one of: telefon, e-post, sms, brev"),
                    );
                }
                c
            }
        };
        let first_contact = yes_no(value(Column::AnsweredAtFirstContact));
        if first_contact.is_none() {
            bad(
                Column::AnsweredAtFirstContact,
                format!(
                    "'{}' is not ja or nej",
                    value(Column::AnsweredAtFirstContact)
                ),
            );
        }
        let form = form_values(value(Column::Form)).unwrap_or_else(|reason| {
            bad(Column::Form, reason);
            serde_json::Map::new()
        });
        let contact = ContactInput {
            name: optional(Column::Name),
            personnummer: optional(Column::Personnummer),
            phone: optional(Column::Phone),
            email: optional(Column::Email),
            ..ContactInput::default()
        };
        let has_contact = contact.name.is_some()
            || contact.personnummer.is_some()
            || contact.phone.is_some()
            || contact.email.is_some();
        let (Some(capture_id), Some(received_at), Some(channel), Some(first_contact)) =
            (capture_id, received_at, channel, first_contact)
        else {
            continue;
        };
        contacts.push(CapturedContact {
            row,
            capture_id,
            request: IntakeRequest {
                case_type: optional(Column::CaseType).map(|t| t.to_uppercase()),
                channel: channel.as_str().into(),
                description: value(Column::Description).to_owned(),
                district: optional(Column::District),
                contact: has_contact.then_some(contact),
                feedback_channel: feedback_channel.map(|f| f.as_str().to_owned()),
                form,
                close_as: first_contact.then(|| "answered_at_first_contact".into()),
                received_at: Some(received_at),
                ..IntakeRequest::default()
            },
        });
    }
    if contacts.is_empty() && errors.is_empty() {
        errors.push(RowError::new(
            0,
            "",
            "the file has a header but no contacts",
        ));
    }
    (contacts, errors)
}

/// The district by its code or its name (agents write "Farsta").
fn district_code(catalog: &Catalog, value: &str) -> String {
    if catalog.district(value).is_some() {
        return value.to_owned();
    }
    catalog
        .districts
        .iter()
        .find(|d| d.name.to_lowercase() == value.to_lowercase())
        .map_or_else(|| value.to_owned(), |d| d.code.clone())
}

/// What became of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    Imported,
    /// Its capture id was imported before: that case, nothing new.
    AlreadyImported,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportedRow {
    pub row: u64,
    pub capture_id: String,
    pub number: CaseNumber,
    pub outcome: RowOutcome,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub rows: Vec<ImportedRow>,
}

impl ImportReport {
    pub fn imported(&self) -> usize {
        self.count(RowOutcome::Imported)
    }

    pub fn already_imported(&self) -> usize {
        self.count(RowOutcome::AlreadyImported)
    }

    fn count(&self, outcome: RowOutcome) -> usize {
        self.rows.iter().filter(|r| r.outcome == outcome).count()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FallbackError {
    /// Rows that cannot be registered; nothing was imported.
    #[error("the file has {} error(s); nothing was imported", .0.len())]
    Rows(Vec<RowError>),
    /// Storage failed part-way: the rows in the report are registered,
    /// the rest are not; importing the same file again finishes the job.
    #[error("the import stopped after {} row(s): {error}; import the same file again to register the rest", .done.rows.len())]
    Interrupted {
        done: ImportReport,
        error: CaseError,
    },
    #[error(transparent)]
    Case(#[from] CaseError),
}

impl From<StoreError> for FallbackError {
    fn from(e: StoreError) -> Self {
        FallbackError::Case(e.into())
    }
}

/// Imports capture files through the case service.
pub struct FallbackImport<'a> {
    cases: &'a CaseService,
}

impl<'a> FallbackImport<'a> {
    pub fn new(cases: &'a CaseService) -> Self {
        FallbackImport { cases }
    }

    /// Checks every row (format, registration rules, the actor's right to
    /// register each type), then registers the rows not imported before,
    /// each dated when the contact was made. Audited whether or not it
    /// imported anything.
    pub async fn import(
        &self,
        file: &[u8],
        file_name: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<ImportReport, FallbackError> {
        let result = self.check_and_register(file, actor, now).await;
        let (outcome, detail) = match &result {
            Ok(report) => (
                Outcome::Allowed,
                serde_json::json!({
                    "file": file_name,
                    "imported": report.imported(),
                    "already_imported": report.already_imported(),
                    "cases": report.rows.iter().filter(|r| r.outcome == RowOutcome::Imported)
                        .map(|r| r.number.to_string()).collect::<Vec<_>>(),
                }),
            ),
            Err(FallbackError::Rows(errors)) => (
                Outcome::Denied,
                serde_json::json!({
                    "file": file_name,
                    "row_errors": errors.len(),
                    // Where, not what: a reason may repeat a personnummer.
                    "rows": errors.iter().map(|e| e.row).collect::<Vec<_>>(),
                }),
            ),
            Err(FallbackError::Interrupted { done, .. }) => (
                Outcome::Allowed,
                serde_json::json!({
                    "file": file_name,
                    "interrupted": true,
                    "imported": done.imported(),
                    "already_imported": done.already_imported(),
                }),
            ),
            Err(FallbackError::Case(_)) => return result,
        };
        let event = actor.event(
            now,
            "fallback.import",
            ("file", file_name),
            "",
            outcome,
            detail,
        );
        self.cases.store().audit(vec![event]).await?;
        result
    }

    async fn check_and_register(
        &self,
        file: &[u8],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<ImportReport, FallbackError> {
        let catalog = self.cases.catalog();
        let (mut contacts, mut errors) = read(file, now);
        for c in &mut contacts {
            if let Some(d) = c.request.district.take() {
                c.request.district = Some(district_code(catalog, &d));
            }
            let new = match self.cases.validate_new_case(c.request.clone(), actor, now) {
                Ok(new) => new,
                Err(CaseError::Invalid(fields)) => {
                    for f in fields {
                        let reason = match f.field.strip_prefix("form.") {
                            Some(code) => format!("{code}: {}", f.reason),
                            None => f.reason,
                        };
                        errors.push(RowError::new(
                            c.row,
                            Column::of_field(&f.field).header(),
                            reason,
                        ));
                    }
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            // Checked here as well as at registration, so that a row the
            // agent may not register stops the whole file beforehand.
            let facts = CaseFacts {
                board: &new.board,
                service_area: &new.service_area,
                assignee_group: new.assignee_group.as_deref(),
                confidential: new.confidential,
                protected: matches!(&new.contact, NewContact::Person(p) if p.protected_identity),
            };
            if let Decision::Deny(reason) = decide(catalog, &actor.principal, Action::Create, facts)
            {
                errors.push(RowError::new(
                    c.row,
                    Column::CaseType.header(),
                    format!(
                        "you may not register cases of type {} ({reason})",
                        new.case_type
                    ),
                ));
            }
        }
        if !errors.is_empty() {
            // By row; within a row, in the order found (stable sort).
            errors.sort_by_key(|e| e.row);
            return Err(FallbackError::Rows(errors));
        }
        let mut report = ImportReport::default();
        for c in contacts {
            let key = c.capture_id.intake_key();
            let registered = match self.cases.store().registered_intake(&key).await {
                Ok(Some(number)) => Ok((number, RowOutcome::AlreadyImported)),
                Ok(None) => {
                    let arrival = Arrival {
                        intake_key: Some(key),
                        ..Arrival::default()
                    };
                    match self
                        .cases
                        .intake_arrival(c.request, arrival, actor, now)
                        .await
                    {
                        Ok(intake) => Ok((intake.number, RowOutcome::Imported)),
                        // Another import of the same file got there first.
                        Err(CaseError::Store(StoreError::AlreadyRegistered(number))) => {
                            Ok((number, RowOutcome::AlreadyImported))
                        }
                        Err(e) => Err(e),
                    }
                }
                Err(e) => Err(e.into()),
            };
            match registered {
                Ok((number, outcome)) => report.rows.push(ImportedRow {
                    row: c.row,
                    capture_id: c.capture_id.to_string(),
                    number,
                    outcome,
                }),
                Err(error) if report.rows.is_empty() => return Err(error.into()),
                Err(error) => {
                    return Err(FallbackError::Interrupted {
                        done: report,
                        error,
                    })
                }
            }
        }
        Ok(report)
    }
}

/// The capture file to fill in: the header and one example row, with a
/// byte-order mark and semicolons, as Swedish Excel opens and saves it.
pub fn template_csv() -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let example = [
        "AB-001",
        "2026-11-20 08:15",
        "telefon",
        "AVF-ATERV",
        "Farsta",
        "Frågar när återvinningscentralen i Farsta har öppet. Svar: vardagar 10–19.",
        "ja",
        "Anna Andersson",
        "",
        "070-123 45 67",
        "",
        "",
        "",
    ];
    let written = w
        .write_record(Column::ALL.map(Column::header))
        .and_then(|()| w.write_record(example))
        .map_err(|e| e.to_string())
        .and_then(|()| w.into_inner().map_err(|e| e.to_string()));
    match written {
        Ok(bytes) => out.extend(bytes),
        // Writing to memory cannot fail; the header alone is still a template.
        Err(_) => out.extend(Column::ALL.map(Column::header).join(";").into_bytes()),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-21T12:00:00Z".parse().expect("time")
    }

    const HEADER: &str = "id,kontakttid,kanal,ärendetyp,stadsdel,beskrivning,löst_direkt,namn,personnummer,telefon,e_post,återkoppling,formulärfält";

    fn errors_of(text: &str) -> Vec<(u64, String)> {
        parse(text.as_bytes(), now())
            .expect_err("errors")
            .into_iter()
            .map(|e| (e.row, e.column))
            .collect()
    }

    #[test]
    fn a_good_row_becomes_a_request_dated_when_the_contact_was_made() {
        let text = format!(
            "{HEADER}\nab-001,2026-11-20 08:15,Telefon,avf-aterv,Farsta,\"Öppettider, Farsta\",ja,Anna,,070-1234567,,telefon,\n"
        );
        let contacts = parse(text.as_bytes(), now()).expect("parsed");
        assert_eq!(contacts.len(), 1);
        let c = &contacts[0];
        assert_eq!((c.row, c.capture_id.as_str()), (2, "AB-001"));
        assert_eq!(c.capture_id.intake_key(), "fallback:AB-001");
        let r = &c.request;
        // 08:15 in Stockholm in November is 07:15 UTC.
        assert_eq!(
            r.received_at.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-11-20T07:15:00+00:00")
        );
        assert_eq!(r.case_type.as_deref(), Some("AVF-ATERV"));
        assert_eq!(r.channel, "phone");
        assert_eq!(r.description, "Öppettider, Farsta");
        assert_eq!(r.close_as.as_deref(), Some("answered_at_first_contact"));
        assert_eq!(r.feedback_channel.as_deref(), Some("phone"));
        let contact = r.contact.as_ref().expect("contact");
        assert_eq!(contact.name.as_deref(), Some("Anna"));
        assert_eq!(contact.personnummer, None);
    }

    #[test]
    fn semicolons_a_bom_and_columns_in_any_order_are_read() {
        let text = "\u{FEFF}Beskrivning;ID;Kontakttid;Kanal;Ärendetyp\r\nFråga om bygglov;x-1;2026-07-01 23:59;besök;SBK-BYGG\r\n";
        let contacts = parse(text.as_bytes(), now()).expect("parsed");
        let r = &contacts[0].request;
        assert_eq!(r.description, "Fråga om bygglov");
        assert_eq!(r.channel, "visit");
        assert_eq!(r.close_as, None);
        assert!(r.contact.is_none());
        // Summer time: UTC+2.
        assert_eq!(
            r.received_at.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-07-01T21:59:00+00:00")
        );
    }

    #[test]
    fn every_bad_row_is_reported_with_its_column() {
        let text = format!(
            "{HEADER}\n\
             A-1,2026-11-20 8.15,telefon,X,,d,ja,,,,,,\n\
             A-2,2027-01-01 10:00,fax,X,,d,kanske,,,,,duva,\n\
             A-1,2026-03-29 02:30,telefon,X,,d,nej,,,,,,f\n\
             A-4,2026-11-20 10:00,telefon\n\
             ,2026-11-20 10:00,telefon,X,,d,nej,,,,,,\n"
        );
        assert_eq!(
            errors_of(&text),
            vec![
                (2, "kontakttid".into()),
                (3, "kontakttid".into()),
                (3, "kanal".into()),
                (3, "återkoppling".into()),
                (3, "löst_direkt".into()),
                (4, "id".into()),
                (4, "kontakttid".into()),
                (4, "formulärfält".into()),
                (5, "".into()),
                (6, "id".into()),
            ]
        );
    }

    #[test]
    fn a_header_without_the_required_columns_or_with_strangers_is_refused() {
        assert_eq!(
            errors_of("id,kanal,skostorlek\nA,telefon,42\n"),
            vec![
                (1, "skostorlek".into()),
                (1, "kontakttid".into()),
                (1, "ärendetyp".into()),
                (1, "beskrivning".into()),
            ]
        );
        assert_eq!(errors_of(""), vec![(0, "".into())]);
        assert_eq!(errors_of(&format!("{HEADER}\n\n")), vec![(0, "".into())]);
        let latin1 = b"id;beskrivning\nA;\xE4\n";
        assert_eq!(
            parse(latin1, now()).expect_err("not UTF-8")[0].reason,
            "the file is not UTF-8 text; save it as \"CSV UTF-8\""
        );
    }

    #[test]
    fn form_fields_are_code_value_pairs() {
        let form =
            form_values("child_birth_date=2025-01-02 | care_form = preschool").expect("form");
        assert_eq!(form["child_birth_date"], "2025-01-02");
        assert_eq!(form["care_form"], "preschool");
        assert!(form_values("bara text").is_err());
    }

    #[test]
    fn the_template_reads_back_as_one_contact() {
        let template = template_csv();
        assert!(template.starts_with(b"\xEF\xBB\xBF"));
        let contacts = parse(&template, now()).expect("the template parses");
        assert_eq!(contacts.len(), 1);
        assert_eq!(contacts[0].capture_id.as_str(), "AB-001");
    }
}
