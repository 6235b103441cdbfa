//! The catalog: the city's organisation as data (boards, districts, centres,
//! groups, staff, service areas, case types), loaded from TOML.
//!
//! Loading validates everything and collects *every* error with its line, so
//! an administrator fixes a broken file in one pass. A catalog with any error
//! is never returned, so no part of the program ever sees a half-loaded one.
//! The format is documented in `docs/catalog.md`.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::{Range, RangeInclusive};

use serde::Serialize;
use serde_json::Value as Json;
use toml_edit::{Item, TableLike};

/// One problem in a catalog file, located by line and by a path such as
/// `case_types[FSK-KO].feedback_days`.
pub mod phone;
pub use phone::{Phone, QueueRules};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    pub file: String,
    pub line: usize,
    pub path: String,
    pub reason: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.path, self.reason
        )
    }
}

/// All problems found in one catalog file, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogErrors(pub Vec<CatalogError>);

impl fmt::Display for CatalogErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CatalogErrors {}

#[derive(Debug, Clone, Serialize)]
pub struct City {
    pub name: String,
    pub code: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceArea {
    pub code: String,
    pub name_sv: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BoardKind {
    District,
    Specialist,
    Company,
    Service,
}

/// A board (nämnd) or city company: each is the data controller for its cases.
#[derive(Debug, Clone, Serialize)]
pub struct Board {
    pub code: String,
    pub name_sv: String,
    pub name_en: String,
    pub kind: BoardKind,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct District {
    pub code: String,
    pub name: String,
    /// What residents and staff also call it ("Söder" for Södermalm), for
    /// the directory's search.
    pub aliases: Vec<String>,
    pub board: String,
    pub population: Option<u32>,
    pub children_0: Option<u32>,
    pub children_1_5: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Centre {
    pub code: String,
    pub name_sv: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Level {
    #[serde(rename = "1")]
    One,
    #[serde(rename = "2")]
    Two,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GroupKind {
    /// A svarsgrupp at a contact centre; `board` when it answers for one board only.
    Answer {
        centre: String,
        level: Level,
        board: Option<String>,
    },
    /// A handläggargrupp at a board's administration, receiving hand-overs.
    Officer { board: String },
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub code: String,
    pub name_sv: String,
    pub name_en: String,
    #[serde(flatten)]
    pub kind: GroupKind,
    pub languages: Vec<String>,
    /// The queue rules of an answer group (None for an officer group).
    pub queue: Option<QueueRules>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Staff {
    pub id: String,
    pub name: String,
    pub groups: Vec<String>,
    pub languages: Vec<String>,
}

word_enum! {
    /// What the contact centre may do with a case type under its agreement.
    CentreLevel {
        /// Give information only.
        Inform = "inform",
        /// Register and hand over to the responsible administration.
        Register = "register",
        /// Handle to closure in the centre.
        Handle = "handle",
    }
}

/// Which board is responsible for (data controller of) cases of a type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Responsible {
    Board(String),
    /// The district board of the case's district (preschool, elderly care, …).
    DistrictBoard,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub key: String,
    pub label_sv: String,
    pub label_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldKind {
    Text { max_length: u32 },
    Number,
    Date,
    Choice { choices: Vec<Choice> },
    MultiChoice { choices: Vec<Choice> },
}

/// A typed form field of a case type (the shape of an Open311 service attribute).
#[derive(Debug, Clone, Serialize)]
pub struct FormField {
    pub code: String,
    pub label_sv: String,
    pub label_en: String,
    #[serde(flatten)]
    pub kind: FieldKind,
    pub required: bool,
}

pub const DEFAULT_TEXT_FIELD_MAX: u32 = 2000;

#[derive(Debug, Clone, Serialize)]
pub struct CaseType {
    pub code: String,
    pub name_sv: String,
    pub name_en: String,
    pub synonyms: Vec<String>,
    pub service_area: String,
    pub responsible: Responsible,
    pub centre_level: CentreLevel,
    pub answer_group: Option<String>,
    pub handover_group: Option<String>,
    pub feedback_days: u32,
    pub retention_months: u32,
    pub confidential: bool,
    pub public: bool,
    pub guidance_sv: Option<String>,
    pub guidance_en: Option<String>,
    /// What happens next, told to the resident in the acknowledgement
    /// (else a sentence made from the type's board and deadline).
    pub next_steps_sv: Option<String>,
    pub next_steps_en: Option<String>,
    pub fields: Vec<FormField>,
}

/// A validated catalog. Every reference in it resolves.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub city: City,
    pub service_areas: Vec<ServiceArea>,
    pub boards: Vec<Board>,
    pub districts: Vec<District>,
    pub centres: Vec<Centre>,
    pub groups: Vec<Group>,
    pub staff: Vec<Staff>,
    pub case_types: Vec<CaseType>,
    /// The processing agreements, at most one per board.
    pub agreements: Vec<Agreement>,
    /// The city's public e-mail addresses Kontakt reads, and the case type
    /// a new mail to each becomes. The first is the centre's own address,
    /// which takes mail to any other address.
    pub mailboxes: Vec<Mailbox>,
    /// Numbers, menus, opening hours (see `phone`).
    pub phone: Phone,
    by_code: Index,
}

/// A public e-mail address and the case type mail to it becomes.
#[derive(Debug, Clone, Serialize)]
pub struct Mailbox {
    /// Lower case.
    pub address: String,
    pub case_type: String,
}

/// Which personal data the centre's staff may see under an agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonalData {
    /// Name and personal identity number.
    Identity,
    /// Phone, e-mail and other ways to reach the person.
    Contact,
    /// What the resident said: description, form answers, messages, notes, files.
    CaseText,
}

impl PersonalData {
    pub const ALL: [PersonalData; 3] = [
        PersonalData::Identity,
        PersonalData::Contact,
        PersonalData::CaseText,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "identity" => Some(PersonalData::Identity),
            "contact" => Some(PersonalData::Contact),
            "case_text" => Some(PersonalData::CaseText),
            _ => None,
        }
    }
}

/// A board's processing agreement (personuppgiftsbiträdesavtal) with the
/// contact centre: which of its service areas the centre processes, the most
/// it may do there, and which personal data its staff may see. Without an
/// agreement the centre processes nothing of the board's.
#[derive(Debug, Clone, Serialize)]
pub struct Agreement {
    pub board: String,
    pub service_areas: Vec<String>,
    pub level: CentreLevel,
    pub personal_data: Vec<PersonalData>,
}

impl Agreement {
    pub fn covers(&self, service_area: &str) -> bool {
        self.service_areas.iter().any(|a| a == service_area)
    }
}

#[derive(Debug, Clone, Default)]
struct Index {
    service_areas: HashMap<String, usize>,
    boards: HashMap<String, usize>,
    districts: HashMap<String, usize>,
    centres: HashMap<String, usize>,
    groups: HashMap<String, usize>,
    staff: HashMap<String, usize>,
    case_types: HashMap<String, usize>,
    agreements: HashMap<String, usize>,
}

impl Catalog {
    /// Parses and validates a catalog. `file` is only used in error messages.
    pub fn load(file: &str, text: &str) -> Result<Catalog, CatalogErrors> {
        let mut ctx = Ctx {
            file,
            text,
            errors: Vec::new(),
            declared: HashSet::new(),
        };
        let catalog = read_catalog(&mut ctx);
        match catalog {
            Some(c) if ctx.errors.is_empty() => Ok(c),
            _ => {
                ctx.errors.sort_by_key(|e| e.line);
                Err(CatalogErrors(ctx.errors))
            }
        }
    }

    /// The mailbox a mail to one of these addresses belongs to: the first
    /// address (in the order given) that is a mailbox, else the centre's
    /// own (the first mailbox).
    pub fn mailbox_for<'a>(
        &self,
        addresses: impl IntoIterator<Item = &'a str>,
    ) -> Option<&Mailbox> {
        // In the order given: the envelope's recipients come first.
        addresses
            .into_iter()
            .map(str::to_lowercase)
            .find_map(|a| self.mailboxes.iter().find(|m| m.address == a))
            .or(self.mailboxes.first())
    }

    pub fn case_type(&self, code: &str) -> Option<&CaseType> {
        self.by_code
            .case_types
            .get(code)
            .map(|&i| &self.case_types[i])
    }
    pub fn board(&self, code: &str) -> Option<&Board> {
        self.by_code.boards.get(code).map(|&i| &self.boards[i])
    }
    pub fn district(&self, code: &str) -> Option<&District> {
        self.by_code
            .districts
            .get(code)
            .map(|&i| &self.districts[i])
    }
    pub fn group(&self, code: &str) -> Option<&Group> {
        self.by_code.groups.get(code).map(|&i| &self.groups[i])
    }
    pub fn service_area(&self, code: &str) -> Option<&ServiceArea> {
        self.by_code
            .service_areas
            .get(code)
            .map(|&i| &self.service_areas[i])
    }
    pub fn centre(&self, code: &str) -> Option<&Centre> {
        self.by_code.centres.get(code).map(|&i| &self.centres[i])
    }
    /// The board's processing agreement, if it has one.
    pub fn agreement(&self, board: &str) -> Option<&Agreement> {
        self.by_code
            .agreements
            .get(board)
            .map(|&i| &self.agreements[i])
    }

    pub fn staff_member(&self, id: &str) -> Option<&Staff> {
        self.by_code.staff.get(id).map(|&i| &self.staff[i])
    }

    /// The board responsible for a case of `case_type` in `district`, or
    /// `None` when the type is district-bound and no district is given.
    pub fn responsible_board(
        &self,
        case_type: &CaseType,
        district: Option<&District>,
    ) -> Option<&Board> {
        match &case_type.responsible {
            Responsible::Board(code) => self.board(code),
            Responsible::DistrictBoard => district.and_then(|d| self.board(&d.board)),
        }
    }
}

impl CaseType {
    /// Checks submitted form values against the fields: unknown fields,
    /// missing required fields and wrongly typed values are all reported,
    /// each as `(field code, reason)`. Returns the normalised values.
    pub fn validate_form(
        &self,
        values: &serde_json::Map<String, Json>,
    ) -> Result<serde_json::Map<String, Json>, Vec<(String, String)>> {
        let mut problems = Vec::new();
        let mut clean = serde_json::Map::new();
        for key in values.keys() {
            if !self.fields.iter().any(|f| &f.code == key) {
                problems.push((
                    key.clone(),
                    format!("is not a field of case type {}", self.code),
                ));
            }
        }
        for field in &self.fields {
            match values.get(&field.code) {
                None | Some(Json::Null) => {
                    if field.required {
                        problems.push((field.code.clone(), "is required".into()));
                    }
                }
                Some(v) => match field.kind.normalise(v) {
                    Ok(Some(v)) => {
                        clean.insert(field.code.clone(), v);
                    }
                    Ok(None) if field.required => {
                        problems.push((field.code.clone(), "is required".into()))
                    }
                    Ok(None) => {}
                    Err(reason) => problems.push((field.code.clone(), reason)),
                },
            }
        }
        if problems.is_empty() {
            Ok(clean)
        } else {
            Err(problems)
        }
    }

    /// Whether `text` (already lower-cased) matches the type's code, names or synonyms.
    pub fn matches(&self, lowercase_text: &str) -> bool {
        self.code.to_lowercase().contains(lowercase_text)
            || self.name_sv.to_lowercase().contains(lowercase_text)
            || self.name_en.to_lowercase().contains(lowercase_text)
            || self
                .synonyms
                .iter()
                .any(|s| s.to_lowercase().contains(lowercase_text))
    }
}

impl FieldKind {
    /// Normalises one submitted value; `Ok(None)` means "empty".
    fn normalise(&self, v: &Json) -> Result<Option<Json>, String> {
        match self {
            FieldKind::Text { max_length } => {
                let s = v.as_str().ok_or("must be text")?.trim();
                if s.is_empty() {
                    return Ok(None);
                }
                if s.contains('\0') {
                    return Err("must not contain NUL characters".into());
                }
                let len = s.chars().count();
                if len > *max_length as usize {
                    return Err(format!(
                        "is too long ({len} characters, at most {max_length})"
                    ));
                }
                Ok(Some(Json::String(s.to_owned())))
            }
            FieldKind::Number => {
                let n = match v {
                    Json::Number(n) => n.as_f64(),
                    Json::String(s) if s.trim().is_empty() => return Ok(None),
                    Json::String(s) => s.trim().replace(',', ".").parse::<f64>().ok(),
                    _ => None,
                };
                match n
                    .filter(|n| n.is_finite())
                    .and_then(serde_json::Number::from_f64)
                {
                    Some(n) => Ok(Some(Json::Number(n))),
                    None => Err("must be a number".into()),
                }
            }
            FieldKind::Date => {
                let s = v.as_str().ok_or("must be a date (YYYY-MM-DD)")?.trim();
                if s.is_empty() {
                    return Ok(None);
                }
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map(|d| Some(Json::String(d.to_string())))
                    .map_err(|_| format!("must be a date (YYYY-MM-DD), not '{s}'"))
            }
            FieldKind::Choice { choices } => {
                let s = v.as_str().ok_or("must be one of the choices")?.trim();
                if s.is_empty() {
                    return Ok(None);
                }
                if choices.iter().any(|c| c.key == s) {
                    Ok(Some(Json::String(s.to_owned())))
                } else {
                    Err(format!("'{s}' is not one of: {}", keys(choices)))
                }
            }
            FieldKind::MultiChoice { choices } => {
                let arr = v.as_array().ok_or("must be a list of choices")?;
                let mut picked: Vec<Json> = Vec::new();
                for item in arr {
                    let s = item.as_str().ok_or("must be a list of choices")?;
                    if !choices.iter().any(|c| c.key == s) {
                        return Err(format!("'{s}' is not one of: {}", keys(choices)));
                    }
                    if picked.iter().any(|p| p.as_str() == Some(s)) {
                        return Err(format!("'{s}' is given twice"));
                    }
                    picked.push(Json::String(s.to_owned()));
                }
                Ok((!picked.is_empty()).then_some(Json::Array(picked)))
            }
        }
    }
}

fn keys(choices: &[Choice]) -> String {
    choices
        .iter()
        .map(|c| c.key.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether `s` is a well-formed catalog code.
pub fn is_code(s: &str) -> bool {
    (1..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn is_language(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_lowercase())
}

// ---------------------------------------------------------------------------
// Reading: a small typed reader over toml_edit tables that records every error
// with the line of the offending key, then a pass that resolves references.

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<CatalogError>,
    /// Codes written in the file per section, valid entries or not: a
    /// reference to an entry that itself has an error is not reported again.
    declared: HashSet<(&'static str, String)>,
}

impl Ctx<'_> {
    /// Whether a reference to `code` in `section` is dangling.
    fn undeclared(&self, section: &'static str, code: &str) -> bool {
        !self.declared.contains(&(section, code.to_owned()))
    }

    fn declare_codes(&mut self, doc: &toml_edit::Table) {
        for (section, key) in [
            ("service_areas", "code"),
            ("boards", "code"),
            ("districts", "code"),
            ("centres", "code"),
            ("groups", "code"),
            ("staff", "id"),
            ("case_types", "code"),
        ] {
            let Some(item) = doc.get(section) else {
                continue;
            };
            let tables: Vec<&dyn TableLike> = match (item.as_array_of_tables(), item.as_array()) {
                (Some(aot), _) => aot.iter().map(|t| t as &dyn TableLike).collect(),
                (None, Some(a)) => a
                    .iter()
                    .filter_map(|v| v.as_inline_table())
                    .map(|t| t as &dyn TableLike)
                    .collect(),
                _ => Vec::new(),
            };
            for t in tables {
                if let Some(code) = t.get(key).and_then(Item::as_str) {
                    self.declared.insert((section, code.trim().to_owned()));
                }
            }
        }
    }

    fn line_of(&self, span: Option<Range<usize>>) -> usize {
        let offset = span.map(|s| s.start).unwrap_or(0).min(self.text.len());
        self.text.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    fn error(
        &mut self,
        span: Option<Range<usize>>,
        path: impl Into<String>,
        reason: impl Into<String>,
    ) {
        let line = self.line_of(span);
        self.errors.push(CatalogError {
            file: self.file.to_owned(),
            line,
            path: path.into(),
            reason: reason.into(),
        });
    }
}

/// The keys of one table, read one by one; `finish` reports keys nobody read.
struct Fields<'t> {
    table: &'t dyn TableLike,
    path: String,
    span: Option<Range<usize>>,
    read: HashSet<&'static str>,
}

impl<'t> Fields<'t> {
    fn new(table: &'t dyn TableLike, path: String, span: Option<Range<usize>>) -> Self {
        Fields {
            table,
            path,
            span,
            read: HashSet::new(),
        }
    }

    fn item(&mut self, key: &'static str) -> Option<&'t Item> {
        self.read.insert(key);
        self.table.get(key)
    }

    fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.table
            .key(key)
            .and_then(|k| k.span())
            .or_else(|| self.span.clone())
    }

    fn at(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    fn problem(&self, ctx: &mut Ctx, key: &str, reason: impl Into<String>) {
        ctx.error(self.key_span(key), self.at(key), reason);
    }

    fn opt_string(&mut self, ctx: &mut Ctx, key: &'static str) -> Option<String> {
        let item = self.item(key)?;
        match item.as_str() {
            Some(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Some(_) => {
                self.problem(ctx, key, "must not be empty");
                None
            }
            None => {
                self.problem(ctx, key, "must be a string");
                None
            }
        }
    }

    fn string(&mut self, ctx: &mut Ctx, key: &'static str) -> Option<String> {
        if self.table.get(key).is_none() {
            self.read.insert(key);
            ctx.error(self.span.clone(), self.at(key), "is missing");
            return None;
        }
        self.opt_string(ctx, key)
    }

    fn code(&mut self, ctx: &mut Ctx, key: &'static str) -> Option<String> {
        let s = self.string(ctx, key)?;
        self.check_code(ctx, key, s)
    }

    fn opt_code(&mut self, ctx: &mut Ctx, key: &'static str) -> Option<String> {
        let s = self.opt_string(ctx, key)?;
        self.check_code(ctx, key, s)
    }

    fn check_code(&self, ctx: &mut Ctx, key: &str, s: String) -> Option<String> {
        if is_code(&s) {
            Some(s)
        } else {
            self.problem(
                ctx,
                key,
                format!("'{s}' is not a valid code (1–32 ASCII letters, digits, '-' or '_')"),
            );
            None
        }
    }

    fn opt_int(
        &mut self,
        ctx: &mut Ctx,
        key: &'static str,
        range: RangeInclusive<i64>,
    ) -> Option<i64> {
        let item = self.item(key)?;
        match item.as_integer() {
            Some(n) if range.contains(&n) => Some(n),
            Some(n) => {
                self.problem(
                    ctx,
                    key,
                    format!("{n} is out of range ({}–{})", range.start(), range.end()),
                );
                None
            }
            None => {
                self.problem(ctx, key, "must be a whole number");
                None
            }
        }
    }

    fn int(&mut self, ctx: &mut Ctx, key: &'static str, range: RangeInclusive<i64>) -> Option<i64> {
        if self.table.get(key).is_none() {
            self.read.insert(key);
            ctx.error(self.span.clone(), self.at(key), "is missing");
            return None;
        }
        self.opt_int(ctx, key, range)
    }

    fn bool(&mut self, ctx: &mut Ctx, key: &'static str, default: bool) -> bool {
        match self.item(key) {
            None => default,
            Some(item) => item.as_bool().unwrap_or_else(|| {
                self.problem(ctx, key, "must be true or false");
                default
            }),
        }
    }

    fn level(&mut self, ctx: &mut Ctx, key: &'static str) -> Option<CentreLevel> {
        let word = self.string(ctx, key)?;
        let level = CentreLevel::parse(&word);
        if level.is_none() {
            self.problem(
                ctx,
                key,
                format!("'{word}' is not one of: {}", CentreLevel::choices()),
            );
        }
        level
    }

    fn string_list(&mut self, ctx: &mut Ctx, key: &'static str) -> Vec<String> {
        let Some(item) = self.item(key) else {
            return Vec::new();
        };
        let Some(array) = item.as_array() else {
            self.problem(ctx, key, "must be a list of strings");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, v) in array.iter().enumerate() {
            match v.as_str() {
                Some(s) if !s.trim().is_empty() => out.push(s.trim().to_owned()),
                _ => ctx.error(
                    v.span().or_else(|| self.key_span(key)),
                    format!("{}[{i}]", self.at(key)),
                    "must be a non-empty string",
                ),
            }
        }
        out
    }

    fn languages(&mut self, ctx: &mut Ctx, key: &'static str) -> Vec<String> {
        let list = self.string_list(ctx, key);
        for l in &list {
            if !is_language(l) {
                self.problem(
                    ctx,
                    key,
                    format!("'{l}' is not a two-letter ISO 639-1 language code"),
                );
            }
        }
        list.into_iter().filter(|l| is_language(l)).collect()
    }

    /// Sub-tables under `key`, written either as `[[path.key]]` or as an
    /// inline array of tables.
    fn tables(
        &mut self,
        ctx: &mut Ctx,
        key: &'static str,
    ) -> Vec<(&'t dyn TableLike, Option<Range<usize>>)> {
        let Some(item) = self.item(key) else {
            return Vec::new();
        };
        if let Some(aot) = item.as_array_of_tables() {
            return aot
                .iter()
                .map(|t| (t as &dyn TableLike, t.span()))
                .collect();
        }
        if let Some(array) = item.as_array() {
            let mut out = Vec::new();
            for (i, v) in array.iter().enumerate() {
                match v.as_inline_table() {
                    Some(t) => out.push((t as &dyn TableLike, v.span())),
                    None => ctx.error(
                        v.span(),
                        format!("{}[{i}]", self.at(key)),
                        "must be a table",
                    ),
                }
            }
            return out;
        }
        self.problem(ctx, key, "must be a list of tables");
        Vec::new()
    }

    fn finish(self, ctx: &mut Ctx) {
        for (key, _) in self.table.iter() {
            if !self.read.contains(key) {
                ctx.error(self.key_span(key), self.at(key), "unknown key");
            }
        }
    }
}

fn read_catalog(ctx: &mut Ctx) -> Option<Catalog> {
    let doc = match toml_edit::Document::parse(ctx.text) {
        Ok(doc) => doc,
        Err(e) => {
            let reason = e.message().trim().to_owned();
            ctx.error(e.span(), "(syntax)", reason);
            return None;
        }
    };
    ctx.declare_codes(doc.as_table());
    let mut top = Fields::new(doc.as_table(), String::new(), None);
    // The top-level path is empty, so key paths read `boards[…]`, not `.boards`.
    let schema = top.int(ctx, "schema", 1..=1);
    let _ = schema;

    let city = match top.item("city").and_then(Item::as_table_like) {
        Some(t) => {
            let mut f = Fields::new(t, "city".into(), doc.key("city").and_then(|k| k.span()));
            let name = f.string(ctx, "name");
            let code = f.code(ctx, "code");
            f.finish(ctx);
            name.zip(code).map(|(name, code)| City { name, code })
        }
        None => {
            ctx.error(
                None,
                "city",
                "is missing (a [city] table with name and code)",
            );
            None
        }
    };

    let service_areas = top
        .tables(ctx, "service_areas")
        .into_iter()
        .enumerate()
        .filter_map(|(i, (t, span))| {
            let mut f = Fields::new(t, format!("service_areas[{i}]"), span);
            let (code, name_sv, name_en) = (
                f.code(ctx, "code"),
                f.string(ctx, "name_sv"),
                f.string(ctx, "name_en"),
            );
            f.finish(ctx);
            Some(ServiceArea {
                code: code?,
                name_sv: name_sv?,
                name_en: name_en?,
            })
        })
        .collect::<Vec<_>>();

    let boards = top
        .tables(ctx, "boards")
        .into_iter()
        .enumerate()
        .filter_map(|(i, (t, span))| {
            let mut f = Fields::new(t, format!("boards[{i}]"), span);
            let code = f.code(ctx, "code");
            let (name_sv, name_en) = (f.string(ctx, "name_sv"), f.string(ctx, "name_en"));
            let kind = f.string(ctx, "kind").and_then(|k| match k.as_str() {
                "district" => Some(BoardKind::District),
                "specialist" => Some(BoardKind::Specialist),
                "company" => Some(BoardKind::Company),
                "service" => Some(BoardKind::Service),
                other => {
                    f.problem(
                        ctx,
                        "kind",
                        format!("'{other}' is not one of: district, specialist, company, service"),
                    );
                    None
                }
            });
            let email = f.opt_string(ctx, "email");
            if let Some(e) = &email {
                if !e.contains('@') {
                    f.problem(ctx, "email", format!("'{e}' is not an e-mail address"));
                }
            }
            f.finish(ctx);
            Some(Board {
                code: code?,
                name_sv: name_sv?,
                name_en: name_en?,
                kind: kind?,
                email,
            })
        })
        .collect::<Vec<_>>();

    let districts = top
        .tables(ctx, "districts")
        .into_iter()
        .enumerate()
        .filter_map(|(i, (t, span))| {
            let mut f = Fields::new(t, format!("districts[{i}]"), span);
            let code = f.code(ctx, "code");
            let name = f.string(ctx, "name");
            let aliases = f.string_list(ctx, "aliases");
            let board = f.code(ctx, "board");
            let count = 0..=10_000_000;
            let population = f
                .opt_int(ctx, "population", count.clone())
                .map(|n| n as u32);
            let children_0 = f
                .opt_int(ctx, "children_0", count.clone())
                .map(|n| n as u32);
            let children_1_5 = f.opt_int(ctx, "children_1_5", count).map(|n| n as u32);
            f.finish(ctx);
            Some(District {
                code: code?,
                name: name?,
                aliases,
                board: board?,
                population,
                children_0,
                children_1_5,
            })
        })
        .collect::<Vec<_>>();

    let centres = top
        .tables(ctx, "centres")
        .into_iter()
        .enumerate()
        .filter_map(|(i, (t, span))| {
            let mut f = Fields::new(t, format!("centres[{i}]"), span);
            let (code, name_sv, name_en) = (
                f.code(ctx, "code"),
                f.string(ctx, "name_sv"),
                f.string(ctx, "name_en"),
            );
            f.finish(ctx);
            Some(Centre {
                code: code?,
                name_sv: name_sv?,
                name_en: name_en?,
            })
        })
        .collect::<Vec<_>>();

    let groups = top
        .tables(ctx, "groups")
        .into_iter()
        .enumerate()
        .filter_map(|(i, (t, span))| {
            let mut f = Fields::new(t, format!("groups[{i}]"), span);
            let code = f.code(ctx, "code");
            let (name_sv, name_en) = (f.string(ctx, "name_sv"), f.string(ctx, "name_en"));
            let kind_name = f.string(ctx, "kind");
            let centre = f.opt_code(ctx, "centre");
            let level = f.opt_int(ctx, "level", 1..=2);
            let board = f.opt_code(ctx, "board");
            let languages = f.languages(ctx, "languages");
            let queue = (kind_name.as_deref() == Some("answer"))
                .then(|| phone::read_queue_rules(&mut f, ctx));
            let kind = match kind_name.as_deref() {
                Some("answer") => {
                    if centre.is_none() {
                        f.problem(ctx, "centre", "is required for an answer group");
                    }
                    if level.is_none() {
                        f.problem(ctx, "level", "is required for an answer group (1 or 2)");
                    }
                    centre.zip(level).map(|(centre, level)| GroupKind::Answer {
                        centre,
                        level: if level == 1 { Level::One } else { Level::Two },
                        board: board.clone(),
                    })
                }
                Some("officer") => {
                    if centre.is_some() || level.is_some() {
                        f.problem(
                            ctx,
                            "kind",
                            "an officer group has a board, not a centre or level",
                        );
                    }
                    if board.is_none() {
                        f.problem(ctx, "board", "is required for an officer group");
                    }
                    board.map(|board| GroupKind::Officer { board })
                }
                Some(other) => {
                    f.problem(
                        ctx,
                        "kind",
                        format!("'{other}' is not one of: answer, officer"),
                    );
                    None
                }
                None => None,
            };
            f.finish(ctx);
            Some(Group {
                code: code?,
                name_sv: name_sv?,
                name_en: name_en?,
                kind: kind?,
                languages,
                queue,
            })
        })
        .collect::<Vec<_>>();

    let staff = top
        .tables(ctx, "staff")
        .into_iter()
        .enumerate()
        .filter_map(|(i, (t, span))| {
            let mut f = Fields::new(t, format!("staff[{i}]"), span);
            let id = f.string(ctx, "id");
            let id = id.and_then(|id| {
                let ok = (1..=64).contains(&id.len())
                    && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
                if !ok {
                    f.problem(ctx, "id", format!("'{id}' is not a valid login name (ASCII letters, digits, '.', '_', '-')"));
                }
                ok.then_some(id)
            });
            let name = f.string(ctx, "name");
            let groups = f.string_list(ctx, "groups");
            let languages = f.languages(ctx, "languages");
            f.finish(ctx);
            Some(Staff {
                id: id?,
                name: name?,
                groups,
                languages,
            })
        })
        .collect::<Vec<_>>();

    let mut case_type_spans = Vec::new();
    let case_types = top
        .tables(ctx, "case_types")
        .into_iter()
        .enumerate()
        .filter_map(|(i, (t, span))| {
            let ct = read_case_type(ctx, i, t, span.clone());
            if ct.is_some() {
                case_type_spans.push(span);
            }
            ct
        })
        .collect::<Vec<_>>();

    let agreements = top
        .tables(ctx, "agreements")
        .into_iter()
        .enumerate()
        .filter_map(|(i, (t, span))| {
            let mut f = Fields::new(t, format!("agreements[{i}]"), span);
            let board = f.code(ctx, "board");
            let service_areas = f.string_list(ctx, "service_areas");
            let level = f.level(ctx, "level");
            let mut personal_data = Vec::new();
            for word in f.string_list(ctx, "personal_data") {
                match PersonalData::parse(&word) {
                    Some(d) if !personal_data.contains(&d) => personal_data.push(d),
                    Some(_) => f.problem(ctx, "personal_data", format!("'{word}' is given twice")),
                    None => f.problem(
                        ctx,
                        "personal_data",
                        format!("'{word}' is not one of: identity, contact, case_text"),
                    ),
                }
            }
            personal_data.sort();
            f.finish(ctx);
            Some(Agreement {
                board: board?,
                service_areas,
                level: level?,
                personal_data,
            })
        })
        .collect::<Vec<_>>();

    let mailboxes = top
        .tables(ctx, "mailboxes")
        .into_iter()
        .enumerate()
        .filter_map(|(i, (t, span))| {
            let mut f = Fields::new(t, format!("mailboxes[{i}]"), span);
            let address = f.string(ctx, "address");
            let case_type = f.code(ctx, "case_type");
            if let Some(a) = &address {
                let parts: Vec<&str> = a.split('@').collect();
                if parts.len() != 2
                    || parts
                        .iter()
                        .any(|p| p.is_empty() || p.contains(char::is_whitespace))
                {
                    f.problem(ctx, "address", format!("'{a}' is not an e-mail address"));
                }
            }
            f.finish(ctx);
            Some(Mailbox {
                address: address?.to_lowercase(),
                case_type: case_type?,
            })
        })
        .collect::<Vec<_>>();

    let phone = phone::read(ctx, &mut top);

    top.finish(ctx);

    let mut catalog = Catalog {
        city: city?,
        service_areas,
        boards,
        districts,
        centres,
        groups,
        staff,
        case_types,
        agreements,
        mailboxes,
        phone,
        by_code: Index::default(),
    };
    resolve(ctx, &mut catalog, &doc, &case_type_spans);
    Some(catalog)
}

fn read_case_type(
    ctx: &mut Ctx,
    i: usize,
    t: &dyn TableLike,
    span: Option<Range<usize>>,
) -> Option<CaseType> {
    let code_hint = t.get("code").and_then(Item::as_str).unwrap_or("?");
    let mut f = Fields::new(t, format!("case_types[{i}:{code_hint}]"), span);
    let code = f.code(ctx, "code");
    let name_sv = f.string(ctx, "name_sv");
    let name_en = f.string(ctx, "name_en");
    let synonyms = f.string_list(ctx, "synonyms");
    let service_area = f.code(ctx, "service_area");
    let board = f.opt_code(ctx, "board");
    let by_district = f.bool(ctx, "board_by_district", false);
    let responsible = match (board, by_district) {
        (Some(b), false) => Some(Responsible::Board(b)),
        (None, true) => Some(Responsible::DistrictBoard),
        (Some(_), true) => {
            f.problem(
                ctx,
                "board",
                "give either board or board_by_district = true, not both",
            );
            None
        }
        (None, false) => {
            f.problem(ctx, "board", "is missing (or set board_by_district = true)");
            None
        }
    };
    let centre_level = f.level(ctx, "centre_level");
    let answer_group = f.opt_code(ctx, "answer_group");
    let handover_group = f.opt_code(ctx, "handover_group");
    let feedback_days = f.int(ctx, "feedback_days", 0..=60).map(|n| n as u32);
    let retention_months = f.int(ctx, "retention_months", 1..=1200).map(|n| n as u32);
    let confidential = f.bool(ctx, "confidential", false);
    let public = f.bool(ctx, "public", false);
    let guidance_sv = f.opt_string(ctx, "guidance_sv");
    let guidance_en = f.opt_string(ctx, "guidance_en");
    let next_steps_sv = f.opt_string(ctx, "next_steps_sv");
    let next_steps_en = f.opt_string(ctx, "next_steps_en");
    let path = f.path.clone();
    let mut fields = Vec::new();
    let mut field_codes = HashSet::new();
    for (j, (ft, fspan)) in f.tables(ctx, "fields").into_iter().enumerate() {
        if let Some(field) = read_field(ctx, &format!("{path}.fields[{j}]"), ft, fspan.clone()) {
            if !field_codes.insert(field.code.clone()) {
                ctx.error(
                    fspan,
                    format!("{path}.fields[{j}].code"),
                    format!("'{}' is used twice", field.code),
                );
            }
            fields.push(field);
        }
    }
    f.finish(ctx);
    Some(CaseType {
        code: code?,
        name_sv: name_sv?,
        name_en: name_en?,
        synonyms,
        service_area: service_area?,
        responsible: responsible?,
        centre_level: centre_level?,
        answer_group,
        handover_group,
        feedback_days: feedback_days?,
        retention_months: retention_months?,
        confidential,
        public,
        guidance_sv,
        guidance_en,
        next_steps_sv,
        next_steps_en,
        fields,
    })
}

fn read_field(
    ctx: &mut Ctx,
    path: &str,
    t: &dyn TableLike,
    span: Option<Range<usize>>,
) -> Option<FormField> {
    let mut f = Fields::new(t, path.to_owned(), span);
    let code = f.code(ctx, "code");
    let label_sv = f.string(ctx, "label_sv");
    let label_en = f.string(ctx, "label_en");
    let required = f.bool(ctx, "required", false);
    let kind_name = f.string(ctx, "kind");
    let max_length = f.opt_int(ctx, "max_length", 1..=100_000).map(|n| n as u32);
    let mut choices = Vec::new();
    let mut choice_keys = HashSet::new();
    let has_choices = t.get("choices").is_some();
    for (k, (ct, cspan)) in f.tables(ctx, "choices").into_iter().enumerate() {
        let mut c = Fields::new(ct, format!("{path}.choices[{k}]"), cspan.clone());
        let key = c.code(ctx, "key");
        let (label_sv, label_en) = (c.string(ctx, "label_sv"), c.string(ctx, "label_en"));
        c.finish(ctx);
        if let (Some(key), Some(label_sv), Some(label_en)) = (key, label_sv, label_en) {
            if !choice_keys.insert(key.clone()) {
                ctx.error(
                    cspan,
                    format!("{path}.choices[{k}].key"),
                    format!("'{key}' is used twice"),
                );
            }
            choices.push(Choice {
                key,
                label_sv,
                label_en,
            });
        }
    }
    let kind = match kind_name.as_deref() {
        Some(k @ ("choice" | "multi_choice")) => {
            if choices.is_empty() && !has_choices {
                f.problem(ctx, "choices", format!("is required for a {k} field"));
            }
            if max_length.is_some() {
                f.problem(ctx, "max_length", "applies to text fields only");
            }
            if k == "choice" {
                Some(FieldKind::Choice { choices })
            } else {
                Some(FieldKind::MultiChoice { choices })
            }
        }
        Some(k @ ("text" | "number" | "date")) => {
            if has_choices {
                f.problem(ctx, "choices", format!("a {k} field has no choices"));
            }
            if k != "text" && max_length.is_some() {
                f.problem(ctx, "max_length", "applies to text fields only");
            }
            Some(match k {
                "text" => FieldKind::Text {
                    max_length: max_length.unwrap_or(DEFAULT_TEXT_FIELD_MAX),
                },
                "number" => FieldKind::Number,
                _ => FieldKind::Date,
            })
        }
        Some(other) => {
            f.problem(
                ctx,
                "kind",
                format!("'{other}' is not one of: text, number, date, choice, multi_choice"),
            );
            None
        }
        None => None,
    };
    f.finish(ctx);
    Some(FormField {
        code: code?,
        label_sv: label_sv?,
        label_en: label_en?,
        kind: kind?,
        required,
    })
}

/// Builds the indexes and checks uniqueness and every cross-reference.
fn resolve(
    ctx: &mut Ctx,
    c: &mut Catalog,
    doc: &toml_edit::Document<&str>,
    case_type_spans: &[Option<Range<usize>>],
) {
    // Lines for entries are looked up again from the document by position,
    // because the typed entries no longer carry spans.
    let span_of = |section: &str, i: usize| -> Option<Range<usize>> {
        let item = doc.get(section)?;
        if let Some(aot) = item.as_array_of_tables() {
            return aot.get(i).and_then(|t| t.span());
        }
        item.as_array()
            .and_then(|a| a.get(i))
            .and_then(|v| v.span())
    };

    fn index<T>(
        ctx: &mut Ctx,
        section: &str,
        items: &[T],
        code: impl Fn(&T) -> &str,
        span_of: &dyn Fn(&str, usize) -> Option<Range<usize>>,
    ) -> HashMap<String, usize> {
        let mut map = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            if map.insert(code(item).to_owned(), i).is_some() {
                ctx.error(
                    span_of(section, i),
                    format!("{section}[{i}].code"),
                    format!("'{}' is used twice", code(item)),
                );
            }
        }
        map
    }

    c.by_code = Index {
        service_areas: index(
            ctx,
            "service_areas",
            &c.service_areas,
            |x| &x.code,
            &span_of,
        ),
        boards: index(ctx, "boards", &c.boards, |x| &x.code, &span_of),
        districts: index(ctx, "districts", &c.districts, |x| &x.code, &span_of),
        centres: index(ctx, "centres", &c.centres, |x| &x.code, &span_of),
        groups: index(ctx, "groups", &c.groups, |x| &x.code, &span_of),
        staff: index(ctx, "staff", &c.staff, |x| &x.id, &span_of),
        case_types: HashMap::new(),
        agreements: HashMap::new(),
    };
    let mut case_types = HashMap::new();
    for (i, ct) in c.case_types.iter().enumerate() {
        if case_types.insert(ct.code.clone(), i).is_some() {
            ctx.error(
                case_type_spans.get(i).cloned().flatten(),
                format!("case_types[{i}:{}].code", ct.code),
                format!("'{}' is used twice", ct.code),
            );
        }
    }
    c.by_code.case_types = case_types;

    let mut agreements = HashMap::new();
    for (i, a) in c.agreements.iter().enumerate() {
        let at = |k: &str| format!("agreements[{i}].{k}");
        if agreements.insert(a.board.clone(), i).is_some() {
            ctx.error(
                span_of("agreements", i),
                at("board"),
                format!("board '{}' has two agreements", a.board),
            );
        }
        if ctx.undeclared("boards", &a.board) {
            ctx.error(
                span_of("agreements", i),
                at("board"),
                format!("unknown board '{}'", a.board),
            );
        }
        for area in &a.service_areas {
            if ctx.undeclared("service_areas", area) {
                ctx.error(
                    span_of("agreements", i),
                    at("service_areas"),
                    format!("unknown service area '{area}'"),
                );
            }
        }
    }
    c.by_code.agreements = agreements;

    // What a case type lets the centre do may not exceed what its board's
    // agreement allows (invariant 4). Levels are declared in rising order.
    for (i, ct) in c.case_types.iter().enumerate() {
        let boards: Vec<&str> = match &ct.responsible {
            Responsible::Board(b) => vec![b.as_str()],
            Responsible::DistrictBoard => c.districts.iter().map(|d| d.board.as_str()).collect(),
        };
        for board in boards {
            let Some(a) = c.by_code.agreements.get(board).map(|&j| &c.agreements[j]) else {
                continue;
            };
            if a.covers(&ct.service_area) && ct.centre_level > a.level {
                ctx.error(
                    case_type_spans.get(i).cloned().flatten(),
                    format!("case_types[{i}:{}].centre_level", ct.code),
                    format!(
                        "{} exceeds the agreement of board {board} ({})",
                        ct.centre_level.as_str(),
                        a.level.as_str()
                    ),
                );
            }
        }
    }

    phone::check(ctx, &c.phone, &c.groups, &span_of);

    // A mail cannot fill in a form, and cannot name a district: a mailbox
    // leads to a type that needs neither.
    let mut addresses = HashSet::new();
    for (i, m) in c.mailboxes.iter().enumerate() {
        let at = |k: &str| format!("mailboxes[{i}].{k}");
        if !addresses.insert(m.address.as_str()) {
            ctx.error(
                span_of("mailboxes", i),
                at("address"),
                format!("'{}' is listed twice", m.address),
            );
        }
        match c
            .by_code
            .case_types
            .get(&m.case_type)
            .map(|&j| &c.case_types[j])
        {
            None => ctx.error(
                span_of("mailboxes", i),
                at("case_type"),
                format!("unknown case type '{}'", m.case_type),
            ),
            Some(t) if t.fields.iter().any(|f| f.required) => ctx.error(
                span_of("mailboxes", i),
                at("case_type"),
                format!(
                    "'{}' has required form fields, which a mail cannot fill in",
                    t.code
                ),
            ),
            Some(t) if t.responsible == Responsible::DistrictBoard => ctx.error(
                span_of("mailboxes", i),
                at("case_type"),
                format!("'{}' needs a district, which a mail does not name", t.code),
            ),
            Some(_) => {}
        }
    }

    if c.districts.is_empty() {
        ctx.error(None, "districts", "the catalog needs at least one district");
    }
    for (i, d) in c.districts.iter().enumerate() {
        match c.board(&d.board) {
            None if ctx.undeclared("boards", &d.board) => ctx.error(
                span_of("districts", i),
                format!("districts[{i}].board"),
                format!("unknown board '{}'", d.board),
            ),
            Some(b) if b.kind != BoardKind::District => ctx.error(
                span_of("districts", i),
                format!("districts[{i}].board"),
                format!("'{}' is not a district board", d.board),
            ),
            _ => {}
        }
    }
    for (i, g) in c.groups.iter().enumerate() {
        match &g.kind {
            GroupKind::Answer { centre, .. } if ctx.undeclared("centres", centre) => ctx.error(
                span_of("groups", i),
                format!("groups[{i}].centre"),
                format!("unknown centre '{centre}'"),
            ),
            GroupKind::Answer {
                board: Some(board), ..
            }
            | GroupKind::Officer { board }
                if ctx.undeclared("boards", board) =>
            {
                ctx.error(
                    span_of("groups", i),
                    format!("groups[{i}].board"),
                    format!("unknown board '{board}'"),
                )
            }
            _ => {}
        }
    }
    for (i, s) in c.staff.iter().enumerate() {
        for g in &s.groups {
            if ctx.undeclared("groups", g) {
                ctx.error(
                    span_of("staff", i),
                    format!("staff[{i}].groups"),
                    format!("unknown group '{g}'"),
                );
            }
        }
    }
    for (i, ct) in c.case_types.iter().enumerate() {
        let span = case_type_spans.get(i).cloned().flatten();
        let at = |k: &str| format!("case_types[{i}:{}].{k}", ct.code);
        if ctx.undeclared("service_areas", &ct.service_area) {
            ctx.error(
                span.clone(),
                at("service_area"),
                format!("unknown service area '{}'", ct.service_area),
            );
        }
        if let Responsible::Board(b) = &ct.responsible {
            if ctx.undeclared("boards", b) {
                ctx.error(span.clone(), at("board"), format!("unknown board '{b}'"));
            }
        }
        if let Some(g) = &ct.answer_group {
            match c.group(g).map(|g| &g.kind) {
                None if ctx.undeclared("groups", g) => ctx.error(
                    span.clone(),
                    at("answer_group"),
                    format!("unknown group '{g}'"),
                ),
                Some(GroupKind::Officer { .. }) => ctx.error(
                    span.clone(),
                    at("answer_group"),
                    format!("'{g}' is an officer group, not an answer group"),
                ),
                _ => {}
            }
        }
        if let Some(g) = &ct.handover_group {
            match c.group(g).map(|g| &g.kind) {
                None if ctx.undeclared("groups", g) => ctx.error(
                    span.clone(),
                    at("handover_group"),
                    format!("unknown group '{g}'"),
                ),
                Some(GroupKind::Answer { .. }) => ctx.error(
                    span.clone(),
                    at("handover_group"),
                    format!("'{g}' is an answer group, not an officer group"),
                ),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
schema = 1
[city]
name = "Teststad"
code = "test"

[[service_areas]]
code = "waste"
name_sv = "Avfall"
name_en = "Waste"

[[boards]]
code = "SDN-A"
name_sv = "A stadsdelsnämnd"
name_en = "A District Board"
kind = "district"

[[boards]]
code = "TN"
name_sv = "Trafiknämnden"
name_en = "Traffic Board"
kind = "specialist"

[[districts]]
code = "a"
name = "Å-by"
board = "SDN-A"

[[centres]]
code = "KC"
name_sv = "Kontaktcenter"
name_en = "Contact centre"

[[groups]]
code = "AVF"
name_sv = "Avfall"
name_en = "Waste"
kind = "answer"
centre = "KC"
level = 1

[[groups]]
code = "TN-H"
name_sv = "Trafikhandläggare"
name_en = "Traffic officers"
kind = "officer"
board = "TN"

[[staff]]
id = "eva.ek"
name = "Eva Ek"
groups = ["AVF"]
languages = ["sv", "fi"]

[[case_types]]
code = "AVF-MISS"
name_sv = "Missad sophämtning"
name_en = "Missed collection"
synonyms = ["soptunna"]
service_area = "waste"
board = "TN"
centre_level = "handle"
answer_group = "AVF"
handover_group = "TN-H"
feedback_days = 3
retention_months = 24
public = true

[[case_types.fields]]
code = "address"
label_sv = "Adress"
label_en = "Address"
kind = "text"
required = true

[[case_types.fields]]
code = "bin"
label_sv = "Kärl"
label_en = "Bin"
kind = "choice"
choices = [ { key = "rest", label_sv = "Restavfall", label_en = "Residual" }, { key = "mat", label_sv = "Matavfall", label_en = "Food" } ]
"#;

    fn errors_of(text: &str) -> Vec<String> {
        match Catalog::load("t.toml", text) {
            Ok(_) => vec![],
            Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn minimal_catalog_loads() {
        let c = Catalog::load("t.toml", MINIMAL).expect("loads");
        let ct = c.case_type("AVF-MISS").expect("type");
        assert_eq!(ct.fields.len(), 2);
        assert_eq!(
            c.responsible_board(ct, None).map(|b| b.code.as_str()),
            Some("TN")
        );
        assert!(ct.matches("soptunna"));
    }

    fn check(edit: (&str, &str), expected: &str) {
        let text = MINIMAL.replacen(edit.0, edit.1, 1);
        assert_ne!(text, MINIMAL, "edit did not apply: {edit:?}");
        let errors = errors_of(&text);
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "expected an error containing {expected:?}, got {errors:#?}"
        );
    }

    #[test]
    fn errors_name_line_path_and_reason() {
        check(
            ("feedback_days = 3", "feedback_days = 99"),
            "t.toml:65: case_types[0:AVF-MISS].feedback_days: 99 is out of range (0–60)",
        );
        check(
            (
                "board = \"TN\"\ncentre_level",
                "board = \"XX\"\ncentre_level",
            ),
            "case_types[0:AVF-MISS].board: unknown board 'XX'",
        );
        check(
            ("kind = \"district\"", "kind = \"county\""),
            "t.toml:16: boards[0].kind: 'county' is not one of",
        );
        check(
            ("public = true", "public = true\nfavourite = 1"),
            "case_types[0:AVF-MISS].favourite: unknown key",
        );
        check(
            ("groups = [\"AVF\"]", "groups = [\"NOPE\"]"),
            "staff[0].groups: unknown group 'NOPE'",
        );
        check(
            ("handover_group = \"TN-H\"", "handover_group = \"AVF\""),
            "is an answer group, not an officer group",
        );
        check(
            ("languages = [\"sv\", \"fi\"]", "languages = [\"swe\"]"),
            "'swe' is not a two-letter",
        );
        check(
            ("code = \"TN\"", "code = \"SDN-A\""),
            "boards[1].code: 'SDN-A' is used twice",
        );
        check(("schema = 1", "schema = 2"), "schema: 2 is out of range");
        check(
            ("kind = \"choice\"", "kind = \"text\""),
            "a text field has no choices",
        );
        check(
            ("centre = \"KC\"\nlevel = 1", "level = 1"),
            "centre: is required for an answer group",
        );
        check(
            (
                "board = \"TN\"\ncentre_level",
                "board_by_district = true\nboard = \"TN\"\ncentre_level",
            ),
            "not both",
        );
        check(("[city]", "[city\n"), "t.toml:3: (syntax)");
    }

    #[test]
    fn agreements_are_checked() {
        let agreement = |level: &str, data: &str| {
            format!(
                "{MINIMAL}\n[[agreements]]\nboard = \"TN\"\nservice_areas = [\"waste\"]\nlevel = \"{level}\"\npersonal_data = [{data}]\n"
            )
        };
        assert_eq!(
            errors_of(&agreement("handle", "\"identity\", \"case_text\"")),
            Vec::<String>::new()
        );
        let c = Catalog::load("t.toml", &agreement("handle", "\"identity\"")).expect("loads");
        assert_eq!(
            c.agreement("TN").map(|a| a.personal_data.clone()),
            Some(vec![PersonalData::Identity])
        );
        let errors = errors_of(&agreement("register", "\"identity\""));
        assert!(
            errors.iter().any(|e| e.contains("case_types[0:AVF-MISS].centre_level: handle exceeds the agreement of board TN (register)")),
            "{errors:#?}"
        );
        let errors = errors_of(&agreement("handle", "\"addresses\""));
        assert!(
            errors
                .iter()
                .any(|e| e.contains("'addresses' is not one of")),
            "{errors:#?}"
        );
    }

    #[test]
    fn every_error_is_reported_not_just_the_first() {
        let text = MINIMAL
            .replacen("feedback_days = 3", "feedback_days = -1", 1)
            .replacen("retention_months = 24", "retention_months = 0", 1)
            .replacen("board = \"SDN-A\"", "board = \"TN\"", 1);
        let errors = errors_of(&text);
        assert_eq!(errors.len(), 3, "{errors:#?}");
    }

    #[test]
    fn form_values_are_checked_and_normalised() {
        let c = Catalog::load("t.toml", MINIMAL).expect("loads");
        let ct = c.case_type("AVF-MISS").expect("type");
        let ok = serde_json::json!({"address": "  Götgatan 1 ", "bin": "mat"});
        let clean = ct
            .validate_form(ok.as_object().expect("object"))
            .expect("valid");
        assert_eq!(clean["address"], "Götgatan 1");
        let bad = serde_json::json!({"bin": "glas", "colour": "red"});
        let problems = ct
            .validate_form(bad.as_object().expect("object"))
            .expect_err("invalid");
        let fields: Vec<_> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["colour", "address", "bin"]);
    }
}
