//! Rows as both backends read them, and their one conversion into records,
//! so SQLite and PostgreSQL cannot drift apart in how they interpret data.

use chrono::{DateTime, NaiveDate, Utc};
use kontakt_domain::case::{
    CaseNumber, Channel, ContactKind, EntryBody, FeedbackChannel, Resolution, Status,
};
use kontakt_domain::contact::{EmailAddress, Language, OrganisationNumber, PhoneNumber};
use kontakt_domain::personnummer::Personnummer;

use crate::{
    stored, CaseRecord, CaseSummary, ContactRecord, EntryRecord, OrganisationRecord, PersonRecord,
    Result, StoreError,
};

pub(crate) struct CaseRow {
    pub number: String,
    pub version: i64,
    pub case_type: String,
    pub board: String,
    pub service_area: String,
    pub district: Option<String>,
    pub channel: String,
    pub status: String,
    pub resolution: Option<String>,
    pub assignee_group: Option<String>,
    pub assignee_person: Option<String>,
    pub contact_kind: String,
    pub feedback_channel: Option<String>,
    pub feedback_deadline: Option<NaiveDate>,
    pub description: String,
    pub form: serde_json::Value,
    pub confidential: bool,
    pub handed_over: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

pub(crate) struct PersonRow {
    pub id: i64,
    pub personnummer: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub preferred_language: Option<String>,
    pub protected_identity: bool,
}

pub(crate) struct OrganisationRow {
    pub id: i64,
    pub org_number: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

pub(crate) struct EntryRow {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub author: String,
    pub body: serde_json::Value,
}

pub(crate) struct SummaryRow {
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

pub(crate) fn case_number(s: &str) -> Result<CaseNumber> {
    stored("case number", s, |s| CaseNumber::parse(s).ok())
}

fn opt<T>(what: &str, v: Option<String>, parse: impl Fn(&str) -> Option<T>) -> Result<Option<T>> {
    v.map(|s| stored(what, &s, &parse)).transpose()
}

impl PersonRow {
    pub fn into_record(self) -> Result<PersonRecord> {
        Ok(PersonRecord {
            id: self.id,
            personnummer: opt("personnummer", self.personnummer, |s| {
                Personnummer::parse_today(s).ok()
            })?,
            name: self.name,
            phone: opt("phone", self.phone, |s| PhoneNumber::parse(s).ok())?,
            email: opt("email", self.email, |s| EmailAddress::parse(s).ok())?,
            preferred_language: opt("language", self.preferred_language, |s| {
                Language::parse(s).ok()
            })?,
            protected_identity: self.protected_identity,
        })
    }
}

impl OrganisationRow {
    pub fn into_record(self) -> Result<OrganisationRecord> {
        Ok(OrganisationRecord {
            id: self.id,
            org_number: stored("organisation number", &self.org_number, |s| {
                OrganisationNumber::parse(s).ok()
            })?,
            name: self.name,
            phone: opt("phone", self.phone, |s| PhoneNumber::parse(s).ok())?,
            email: opt("email", self.email, |s| EmailAddress::parse(s).ok())?,
        })
    }
}

impl EntryRow {
    pub fn into_record(self) -> Result<EntryRecord> {
        let body: EntryBody = serde_json::from_value(self.body)
            .map_err(|e| StoreError::Corrupt(format!("timeline entry: {e}")))?;
        Ok(EntryRecord {
            seq: u32::try_from(self.seq)
                .map_err(|_| StoreError::Corrupt("entry sequence".into()))?,
            at: self.at,
            author: self.author,
            body,
        })
    }
}

impl CaseRow {
    pub fn into_record(
        self,
        person: Option<PersonRow>,
        organisation: Option<OrganisationRow>,
        entries: Vec<EntryRow>,
        related: Vec<String>,
    ) -> Result<CaseRecord> {
        let contact_kind = stored("contact kind", &self.contact_kind, ContactKind::parse)?;
        let contact = match (contact_kind, person, organisation) {
            (ContactKind::Person, Some(p), _) => ContactRecord::Person(p.into_record()?),
            (ContactKind::Organisation, _, Some(o)) => {
                ContactRecord::Organisation(o.into_record()?)
            }
            (ContactKind::Anonymous, _, _) => ContactRecord::Anonymous,
            _ => {
                return Err(StoreError::Corrupt(format!(
                    "case {}: contact missing",
                    self.number
                )))
            }
        };
        let form = match self.form {
            serde_json::Value::Object(map) => map,
            _ => {
                return Err(StoreError::Corrupt(format!(
                    "case {}: form is not an object",
                    self.number
                )))
            }
        };
        Ok(CaseRecord {
            number: case_number(&self.number)?,
            version: self.version,
            case_type: self.case_type,
            board: self.board,
            service_area: self.service_area,
            district: self.district,
            channel: stored("channel", &self.channel, Channel::parse)?,
            status: stored("status", &self.status, Status::parse)?,
            resolution: opt("resolution", self.resolution, Resolution::parse)?,
            assignee_group: self.assignee_group,
            assignee_person: self.assignee_person,
            contact,
            feedback_channel: opt(
                "feedback channel",
                self.feedback_channel,
                FeedbackChannel::parse,
            )?,
            feedback_deadline: self.feedback_deadline,
            description: self.description,
            form,
            confidential: self.confidential,
            handed_over: self.handed_over,
            created_at: self.created_at,
            updated_at: self.updated_at,
            closed_at: self.closed_at,
            related: related
                .iter()
                .map(|n| case_number(n))
                .collect::<Result<_>>()?,
            entries: entries
                .into_iter()
                .map(EntryRow::into_record)
                .collect::<Result<_>>()?,
            outbox: vec![],
        })
    }
}

impl SummaryRow {
    pub fn into_summary(self) -> Result<CaseSummary> {
        Ok(CaseSummary {
            number: case_number(&self.number)?,
            case_type: self.case_type,
            board: self.board,
            district: self.district,
            channel: stored("channel", &self.channel, Channel::parse)?,
            status: stored("status", &self.status, Status::parse)?,
            resolution: opt("resolution", self.resolution, Resolution::parse)?,
            assignee_group: self.assignee_group,
            contact_kind: stored("contact kind", &self.contact_kind, ContactKind::parse)?,
            feedback_deadline: self.feedback_deadline,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

pub(crate) const SUMMARY_COLUMNS: &str = "c.number, c.case_type, c.board, c.district, c.channel, c.status, \
     c.resolution, c.assignee_group, c.contact_kind, c.feedback_deadline, c.created_at, c.updated_at";

pub(crate) const CASE_COLUMNS: &str = "c.id, c.number, c.version, c.case_type, c.board, c.service_area, c.district, \
     c.channel, c.status, c.resolution, c.assignee_group, c.assignee_person, c.contact_kind, c.feedback_channel, \
     c.feedback_deadline, c.description, c.form, c.confidential, c.handed_over, c.created_at, c.updated_at, \
     c.closed_at, c.person_id, c.organisation_id";

/// What differs between the backends in the list query.
pub(crate) struct ListDialect {
    /// The full-text clause, one `?` for the query.
    pub search: &'static str,
    /// A person's name in byte order.
    pub name: &'static str,
    /// The last word of a person's name (the family name), in byte order;
    /// the same expression as the index on it (migration 0009).
    pub family_name: &'static str,
}

/// Builds the SQL that lists cases, shared by both backends. `placeholder(n)` spells the n-th
/// parameter for the backend; `push` receives each value in order.
pub(crate) fn list_query<V>(
    filter: &crate::CaseFilter,
    dialect: &ListDialect,
    placeholder: impl Fn(usize) -> String,
    mut push: impl FnMut(ListValue) -> V,
) -> (String, Vec<V>) {
    let mut clauses = Vec::new();
    let mut values = Vec::new();
    // Each '?' in a clause takes the next of its values.
    let mut add = |clause: &str, vs: Vec<ListValue>, values: &mut Vec<V>| {
        let mut vs = vs.into_iter();
        let mut out = String::with_capacity(clause.len());
        for ch in clause.chars() {
            match (ch, ch == '?') {
                (_, true) => {
                    if let Some(v) = vs.next() {
                        values.push(push(v));
                    }
                    out.push_str(&placeholder(values.len()));
                }
                (c, false) => out.push(c),
            }
        }
        clauses.push(out);
    };
    if let Some(s) = filter.status {
        add(
            "c.status = ?",
            vec![ListValue::Text(s.as_str().into())],
            &mut values,
        );
    }
    if let Some(s) = &filter.case_type {
        add(
            "c.case_type = ?",
            vec![ListValue::Text(s.clone())],
            &mut values,
        );
    }
    if let Some(s) = &filter.board {
        add("c.board = ?", vec![ListValue::Text(s.clone())], &mut values);
    }
    if let Some(s) = &filter.district {
        add(
            "c.district = ?",
            vec![ListValue::Text(s.clone())],
            &mut values,
        );
    }
    if let Some(s) = filter.channel {
        add(
            "c.channel = ?",
            vec![ListValue::Text(s.as_str().into())],
            &mut values,
        );
    }
    if let Some(s) = &filter.assignee_group {
        add(
            "c.assignee_group = ?",
            vec![ListValue::Text(s.clone())],
            &mut values,
        );
    }
    if let Some(s) = &filter.assignee_person {
        add(
            "c.assignee_person = ?",
            vec![ListValue::Text(s.clone())],
            &mut values,
        );
    }
    if let Some(phone) = &filter.phone {
        add(
            "c.person_id IN (SELECT id FROM persons WHERE phone = ?)",
            vec![ListValue::Text(phone.as_str().into())],
            &mut values,
        );
    }
    if let Some(email) = &filter.given_email {
        add(
            "c.given_email = ?",
            vec![ListValue::Text(email.as_str().to_ascii_lowercase())],
            &mut values,
        );
    }
    if let Some(phone) = &filter.given_phone {
        add(
            "c.given_phone = ?",
            vec![ListValue::Text(phone.as_str().into())],
            &mut values,
        );
    }
    if let Some(prefix) = filter.name_prefix.as_deref().filter(|p| !p.is_empty()) {
        // Ranges rather than LIKE, so both databases use their indexes;
        // compared in byte order so that a range holds exactly the names
        // that start with the prefix.
        // The name's start ("Anna L") or the family name's ("Lindqvist"):
        // each a range over its own index.
        let (name, family) = (dialect.name, dialect.family_name);
        add(
            &format!(
                "c.person_id IN (SELECT id FROM persons WHERE ({name} >= ? AND {name} < ?) OR ({family} >= ? AND {family} < ?))"
            ),
            vec![
                ListValue::Text(prefix.to_owned()),
                ListValue::Text(format!("{prefix}\u{10FFFF}")),
                ListValue::Text(prefix.to_owned()),
                ListValue::Text(format!("{prefix}\u{10FFFF}")),
            ],
            &mut values,
        );
    }
    if let Some(p) = &filter.personnummer {
        add(
            "c.person_id = (SELECT id FROM persons WHERE personnummer = ?)",
            vec![ListValue::Text(p.as_str().into())],
            &mut values,
        );
    }
    if !filter.terms.is_empty() {
        // Stems are letters and digits only (see kontakt_domain::text), so
        // they need no quoting in either query language; the backend's
        // clause says how its index is asked.
        let search_clause = dialect.search;
        let joiner = if search_clause.contains("MATCH") {
            " AND "
        } else {
            " & "
        };
        let query = filter
            .terms
            .iter()
            .filter(|t| t.chars().all(char::is_alphanumeric) && !t.is_empty())
            .map(|t| {
                if joiner == " AND " {
                    format!("\"{t}\"")
                } else {
                    t.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(joiner);
        if !query.is_empty() {
            add(search_clause, vec![ListValue::Text(query)], &mut values);
        }
    }
    if let Some(t) = filter.created_from {
        add("c.created_at >= ?", vec![ListValue::Time(t)], &mut values);
    }
    if let Some(t) = filter.message_failed_since {
        add(
            "c.id IN (SELECT case_id FROM outbox WHERE state = 'failed' AND created_at >= ?)",
            vec![ListValue::Time(t)],
            &mut values,
        );
    }
    if let Some(t) = filter.created_to {
        add("c.created_at < ?", vec![ListValue::Time(t)], &mut values);
    }
    if let Some(n) = filter.before {
        add(
            "c.id < (SELECT id FROM cases WHERE number = ?)",
            vec![ListValue::Text(n.to_string())],
            &mut values,
        );
    }
    if let Some(v) = &filter.visibility {
        if !v.everything {
            let mut any = Vec::new();
            if !v.board_areas.is_empty() {
                let mut marks = Vec::new();
                for pair in &v.board_areas {
                    values.push(push(ListValue::Text(pair.clone())));
                    marks.push(placeholder(values.len()));
                }
                let confidential = if v.board_areas_confidential {
                    ""
                } else {
                    " AND NOT c.confidential"
                };
                any.push(format!(
                    "((c.board || '|' || c.service_area) IN ({}){confidential})",
                    marks.join(", ")
                ));
            }
            if !v.groups.is_empty() {
                let mut marks = Vec::new();
                for g in &v.groups {
                    values.push(push(ListValue::Text(g.clone())));
                    marks.push(placeholder(values.len()));
                }
                any.push(format!("c.assignee_group IN ({})", marks.join(", ")));
            }
            if any.is_empty() {
                any.push("1 = 0".into());
            }
            clauses.push(format!("({})", any.join(" OR ")));
        }
        if !v.protected {
            // NOT IN over the (few) protected persons; `protected_identity` is a
            // boolean on PostgreSQL and 0/1 on SQLite, and both read it as a truth value.
            clauses.push(
                "(c.person_id IS NULL OR c.person_id NOT IN (SELECT id FROM persons WHERE protected_identity))".into(),
            );
        }
    }
    let where_ = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM cases c {where_} ORDER BY c.id DESC LIMIT {}",
        filter.limit.clamp(1, 500)
    );
    (sql, values)
}

pub(crate) enum ListValue {
    Text(String),
    Time(DateTime<Utc>),
}

/// Sets a read audit record's outcome from its stored word; an unknown word
/// is an error, not a guess.
pub(crate) fn audit_outcome(
    (mut record, outcome): (kontakt_domain::audit::AuditRecord, String),
) -> Result<kontakt_domain::audit::AuditRecord> {
    record.event.outcome = stored(
        "audit outcome",
        &outcome,
        kontakt_domain::audit::Outcome::parse,
    )?;
    Ok(record)
}
