//! Reading an HR system's export into the directory: CSV (staff or units,
//! Swedish or English column names, comma or semicolon) and LDIF (RFC 2849
//! content records: `organizationalUnit` and `inetOrgPerson`).
//!
//! A file is the whole list of what it holds: a staff file's missing people
//! are leavers, a unit file's missing units are closed. Columns a file does
//! not have keep their current values (HR knows names and numbers; the
//! switchboard curates functions and search words), so an export never
//! wipes what the operators wrote. Every wrong value is reported with its
//! row (or LDIF record's line) and field; nothing is read half.
//!
//! LDIF is read here (about a hundred lines) as no maintained crate reads it.

use std::collections::{BTreeMap, HashMap};

use base64::Engine;
use kontakt_domain::contact::{EmailAddress, Language, PhoneNumber};
use kontakt_domain::directory::{Connect, Directory, Person, Problem, Unit, UnitKind};

/// What a file holds: units and/or people (`None`: not in the file), and
/// the line each entry came from, for errors found later.
#[derive(Debug, Default)]
pub struct ImportFile {
    pub units: Option<Vec<Unit>>,
    pub people: Option<Vec<Person>>,
    /// "unit X" / "person Y" → "row 7".
    pub rows: HashMap<String, String>,
    /// Absence notes the HR system (or its calendar) exports with staff.
    pub absences: Vec<ImportedAbsence>,
}

/// "Away until this day, ask this colleague instead", from a staff row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedAbsence {
    pub row: String,
    pub person: String,
    pub until: chrono::NaiveDate,
    pub reason: Option<String>,
    /// The stand-in's employee number.
    pub stand_in: Option<String>,
}

const MAX_ROWS: usize = 200_000;

/// Reads a CSV or LDIF export against the current directory.
pub fn read(bytes: &[u8], current: &Directory) -> Result<ImportFile, Vec<Problem>> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        vec![problem(
            "file",
            "encoding",
            "is not UTF-8 (save the export as UTF-8)",
        )]
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or_default()
        .to_ascii_lowercase();
    if first.starts_with("dn:") || first.starts_with("version:") {
        read_ldif(text, current)
    } else {
        read_csv(text, current)
    }
}

fn problem(place: &str, field: &str, reason: &str) -> Problem {
    Problem {
        place: place.to_owned(),
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

/// The column names each field is known by (lower case, without accents
/// as HR exports often drop them).
const PERSON_COLUMNS: &[(&str, &[&str])] = &[
    (
        "id",
        &[
            "anstallningsnummer",
            "anställningsnummer",
            "anstnr",
            "employee_number",
            "id",
        ],
    ),
    ("given_name", &["fornamn", "förnamn", "given_name"]),
    ("family_name", &["efternamn", "family_name", "surname"]),
    ("title", &["titel", "befattning", "title"]),
    ("units", &["enhet", "enheter", "units", "unit"]),
    (
        "direct_phone",
        &["direktnummer", "telefon", "direct_phone", "phone"],
    ),
    ("mobile", &["mobil", "mobilnummer", "mobile"]),
    ("email", &["epost", "e-post", "email", "mail"]),
    ("languages", &["sprak", "språk", "languages"]),
    ("competences", &["kompetenser", "kompetens", "competences"]),
    ("connect", &["koppling", "connect"]),
    (
        "account",
        &["konto", "anvandarnamn", "användarnamn", "account", "login"],
    ),
    // An absence the HR system or its calendar knows of.
    (
        "away_until",
        &["franvarande_till", "frånvarande_till", "away_until"],
    ),
    (
        "away_reason",
        &["franvaroorsak", "frånvaroorsak", "away_reason"],
    ),
    ("stand_in", &["ersattare", "ersättare", "stand_in"]),
];

const UNIT_COLUMNS: &[(&str, &[&str])] = &[
    ("id", &["enhetskod", "kod", "unit_id", "code"]),
    ("name", &["namn", "enhetsnamn", "name"]),
    ("kind", &["typ", "niva", "nivå", "kind"]),
    ("parent", &["overordnad", "överordnad", "parent"]),
    ("board", &["namnd", "nämnd", "board"]),
    ("group", &["grupp", "group"]),
    ("districts", &["stadsdelar", "stadsdel", "districts"]),
    ("functions", &["funktioner", "functions"]),
    (
        "visiting_address",
        &["besoksadress", "besöksadress", "visiting_address"],
    ),
    (
        "opening_hours",
        &["oppettider", "öppettider", "opening_hours"],
    ),
    ("phone", &["telefon", "vaxelnummer", "växelnummer", "phone"]),
    (
        "mailbox",
        &["funktionsbrevlada", "funktionsbrevlåda", "epost", "mailbox"],
    ),
    ("public", &["publik", "public"]),
];

/// Where each known field is among the header's columns.
fn columns(header: &[String], known: &[(&'static str, &[&str])]) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for (i, h) in header.iter().enumerate() {
        let h = h.trim().to_lowercase();
        if let Some((field, _)) = known.iter().find(|(_, names)| names.contains(&h.as_str())) {
            out.entry(*field).or_insert(i);
        }
    }
    out
}

/// Several values in one cell: separated by '|' (or ',' in a file that
/// separates its columns with ';').
fn many(cell: &str, delimiter: u8) -> Vec<String> {
    cell.split(|c| c == '|' || (delimiter == b';' && c == ','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

fn read_csv(text: &str, current: &Directory) -> Result<ImportFile, Vec<Problem>> {
    let header_line = text.lines().next().unwrap_or_default();
    let delimiter = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| vec![problem("row 1", "header", &e.to_string())])?
        .iter()
        .map(str::to_owned)
        .collect();
    let people = columns(&header, PERSON_COLUMNS);
    let units = columns(&header, UNIT_COLUMNS);
    let is_people = people.contains_key("id") && people.contains_key("family_name");
    // A staff file without family names is no unit file.
    let is_units = !is_people
        && !people.contains_key("id")
        && units.contains_key("id")
        && units.contains_key("name");
    if !is_people && !is_units {
        return Err(vec![problem(
            "row 1",
            "header",
            "is neither a staff list (anstallningsnummer, fornamn, efternamn, enhet, …) \
             nor a unit list (enhetskod, namn, typ, overordnad, …)",
        )]);
    }
    let mut problems = Vec::new();
    let mut file = ImportFile::default();
    let mut records = Vec::new();
    for (i, record) in reader.records().enumerate() {
        // The file's own line, also past blank lines and quoted line breaks.
        let line = match &record {
            Ok(r) => r.position().map_or(i as u64 + 2, |p| p.line()),
            Err(e) => e.position().map_or(i as u64 + 2, |p| p.line()),
        };
        let row = format!("row {line}");
        if i >= MAX_ROWS {
            return Err(vec![problem(&row, "file", "has more than 200 000 rows")]);
        }
        match record {
            Ok(r) => records.push((row, r)),
            Err(e) => problems.push(problem(&row, "row", &e.to_string())),
        }
    }
    if records.is_empty() && problems.is_empty() {
        // An empty export would make everyone a leaver.
        return Err(vec![problem(
            "file",
            "rows",
            "has no rows: an export lists everyone, so nothing was read",
        )]);
    }
    if is_people {
        let mut list = Vec::new();
        for (row, r) in &records {
            let cell = |f: &str| people.get(f).and_then(|&i| r.get(i)).map(str::trim);
            let fields: Vec<(&'static str, Vec<String>)> = PERSON_COLUMNS
                .iter()
                .filter_map(|(f, _)| {
                    cell(f).map(|v| {
                        let values = match *f {
                            "units" | "languages" | "competences" => many(v, delimiter),
                            _ => vec![v.to_owned()],
                        };
                        (*f, values)
                    })
                })
                .collect();
            match person_from(&fields, current, row) {
                Ok(p) => {
                    file.rows.insert(format!("person {}", p.id), row.clone());
                    match absence_from(&fields, &p.id, row) {
                        Ok(Some(a)) => file.absences.push(a),
                        Ok(None) => {}
                        Err(e) => problems.push(e),
                    }
                    list.push(p);
                }
                Err(mut e) => problems.append(&mut e),
            }
        }
        file.people = Some(list);
    } else {
        let mut list = Vec::new();
        for (row, r) in &records {
            let cell = |f: &str| units.get(f).and_then(|&i| r.get(i)).map(str::trim);
            let fields: Vec<(&'static str, Vec<String>)> = UNIT_COLUMNS
                .iter()
                .filter_map(|(f, _)| {
                    cell(f).map(|v| {
                        let values = match *f {
                            "districts" => many(v, delimiter),
                            // "Bygglov: bygganmälan, attefallshus | Nybyggnadskarta"
                            "functions" => v
                                .split('|')
                                .map(str::trim)
                                .filter(|f| !f.is_empty())
                                .map(str::to_owned)
                                .collect(),
                            _ => vec![v.to_owned()],
                        };
                        (*f, values)
                    })
                })
                .collect();
            match unit_from(&fields, current, row) {
                Ok(u) => {
                    file.rows.insert(format!("unit {}", u.id), row.clone());
                    list.push(u);
                }
                Err(mut e) => problems.append(&mut e),
            }
        }
        file.units = Some(list);
    }
    if problems.is_empty() {
        Ok(file)
    } else {
        Err(problems)
    }
}

fn one<'a>(fields: &'a [(&'static str, Vec<String>)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(f, _)| *f == name)
        .map(|(_, v)| v.first().map(String::as_str).unwrap_or_default())
}

fn list<'a>(fields: &'a [(&'static str, Vec<String>)], name: &str) -> Option<&'a [String]> {
    fields
        .iter()
        .find(|(f, _)| *f == name)
        .map(|(_, v)| v.as_slice())
}

/// An optional value that must parse when given: `Ok(None)` when empty.
fn optional<T, E: std::fmt::Display>(
    value: &str,
    parse: impl Fn(&str) -> Result<T, E>,
    row: &str,
    field: &str,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    if value.is_empty() {
        return None;
    }
    match parse(value) {
        Ok(v) => Some(v),
        Err(e) => {
            problems.push(problem(row, field, &format!("'{value}': {e}")));
            None
        }
    }
}

fn person_from(
    fields: &[(&'static str, Vec<String>)],
    current: &Directory,
    row: &str,
) -> Result<Person, Vec<Problem>> {
    let mut problems = Vec::new();
    let id = one(fields, "id").unwrap_or_default().to_owned();
    if id.is_empty() {
        return Err(vec![problem(row, "id", "is required")]);
    }
    // Start from what the directory has, so columns the file lacks stay.
    let mut p = current.person(&id).cloned().unwrap_or(Person {
        id: id.clone(),
        given_name: String::new(),
        family_name: String::new(),
        title: None,
        units: Vec::new(),
        direct_phone: None,
        mobile: None,
        email: None,
        languages: Vec::new(),
        competences: Vec::new(),
        connect: Connect::Direct,
        account: None,
    });
    let nonempty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    if let Some(v) = one(fields, "given_name") {
        p.given_name = v.to_owned();
    }
    if let Some(v) = one(fields, "family_name") {
        p.family_name = v.to_owned();
    }
    if let Some(v) = one(fields, "title") {
        p.title = nonempty(v);
    }
    if let Some(v) = list(fields, "units") {
        p.units = v.to_vec();
    }
    if let Some(v) = one(fields, "direct_phone") {
        p.direct_phone = optional(v, PhoneNumber::parse, row, "direct_phone", &mut problems);
    }
    if let Some(v) = one(fields, "mobile") {
        p.mobile = optional(v, PhoneNumber::parse, row, "mobile", &mut problems);
    }
    if let Some(v) = one(fields, "email") {
        p.email = optional(v, EmailAddress::parse, row, "email", &mut problems);
    }
    if let Some(v) = list(fields, "languages") {
        p.languages = v
            .iter()
            .filter_map(|l| optional(l, Language::parse, row, "languages", &mut problems))
            .collect();
    }
    if let Some(v) = list(fields, "competences") {
        p.competences = v.to_vec();
    }
    if let Some(v) = one(fields, "connect") {
        match v.to_lowercase().as_str() {
            "" => {}
            "direkt" | "direct" | "ja" | "yes" => p.connect = Connect::Direct,
            "funktion" | "via_function" | "via funktion" | "nej" | "no" => {
                p.connect = Connect::ViaFunction
            }
            _ => problems.push(problem(
                row,
                "connect",
                &format!("'{v}': write 'direkt' or 'funktion'"),
            )),
        }
    }
    if let Some(v) = one(fields, "account") {
        p.account = nonempty(&v.to_lowercase());
    }
    if problems.is_empty() {
        Ok(p)
    } else {
        Err(problems)
    }
}

/// The row's absence, if it gives one: the day it lasts until (YYYY-MM-DD).
fn absence_from(
    fields: &[(&'static str, Vec<String>)],
    person: &str,
    row: &str,
) -> Result<Option<ImportedAbsence>, Problem> {
    let Some(until) = one(fields, "away_until").filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let until = chrono::NaiveDate::parse_from_str(until, "%Y-%m-%d")
        .map_err(|_| problem(row, "away_until", &format!("'{until}': write YYYY-MM-DD")))?;
    let text = |f: &str| one(fields, f).filter(|v| !v.is_empty()).map(str::to_owned);
    Ok(Some(ImportedAbsence {
        row: row.to_owned(),
        person: person.to_owned(),
        until,
        reason: text("away_reason"),
        stand_in: text("stand_in"),
    }))
}

fn unit_from(
    fields: &[(&'static str, Vec<String>)],
    current: &Directory,
    row: &str,
) -> Result<Unit, Vec<Problem>> {
    let mut problems = Vec::new();
    let id = one(fields, "id").unwrap_or_default().to_owned();
    if id.is_empty() {
        return Err(vec![problem(row, "id", "is required")]);
    }
    let mut u = current.unit(&id).cloned().unwrap_or(Unit {
        id: id.clone(),
        name: String::new(),
        kind: UnitKind::Unit,
        parent: None,
        board: None,
        group: None,
        districts: Vec::new(),
        functions: Vec::new(),
        visiting_address: None,
        opening_hours: None,
        phone: None,
        mailbox: None,
        // Published only when the file says so.
        public: false,
    });
    let nonempty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    if let Some(v) = one(fields, "name") {
        u.name = v.to_owned();
    }
    if let Some(v) = one(fields, "kind") {
        match UnitKind::parse_any(v) {
            Some(k) => u.kind = k,
            None if v.is_empty() => {}
            None => problems.push(problem(
                row,
                "kind",
                &format!("'{v}': write nämnd, bolag, förvaltning, avdelning or enhet"),
            )),
        }
    }
    if let Some(v) = one(fields, "parent") {
        u.parent = nonempty(v);
    }
    if let Some(v) = one(fields, "board") {
        u.board = nonempty(v);
    }
    if let Some(v) = one(fields, "group") {
        u.group = nonempty(v);
    }
    if let Some(v) = list(fields, "districts") {
        u.districts = v.to_vec();
    }
    if let Some(v) = list(fields, "functions") {
        // Functions by name, each with its search words after a colon; a
        // function the unit had keeps its case types, and its search words
        // unless the file gives some.
        let old = std::mem::take(&mut u.functions);
        u.functions = v
            .iter()
            .map(|cell| {
                let (name, words) = match cell.split_once(':') {
                    Some((n, w)) => (
                        n.trim(),
                        w.split(',')
                            .map(str::trim)
                            .filter(|w| !w.is_empty())
                            .map(str::to_owned)
                            .collect::<Vec<_>>(),
                    ),
                    None => (cell.trim(), Vec::new()),
                };
                let mut f = old.iter().find(|f| f.name == name).cloned().unwrap_or(
                    kontakt_domain::directory::Function {
                        name: name.to_owned(),
                        service_area: None,
                        case_types: Vec::new(),
                        search_words: Vec::new(),
                    },
                );
                if !words.is_empty() {
                    f.search_words = words;
                }
                f
            })
            .collect();
    }
    if let Some(v) = one(fields, "visiting_address") {
        u.visiting_address = nonempty(v);
    }
    if let Some(v) = one(fields, "opening_hours") {
        u.opening_hours = nonempty(v);
    }
    if let Some(v) = one(fields, "phone") {
        u.phone = optional(v, PhoneNumber::parse, row, "phone", &mut problems);
    }
    if let Some(v) = one(fields, "mailbox") {
        u.mailbox = optional(v, EmailAddress::parse, row, "mailbox", &mut problems);
    }
    if let Some(v) = one(fields, "public") {
        match v.to_lowercase().as_str() {
            "" => {}
            "ja" | "yes" | "true" | "1" => u.public = true,
            "nej" | "no" | "false" | "0" => u.public = false,
            _ => problems.push(problem(row, "public", &format!("'{v}': write ja or nej"))),
        }
    }
    if problems.is_empty() {
        Ok(u)
    } else {
        Err(problems)
    }
}

/// One LDIF content record: its first line and its attributes (lower-case
/// names, values in order).
#[derive(Debug)]
struct LdifRecord {
    line: usize,
    dn: String,
    attributes: Vec<(String, String)>,
}

impl LdifRecord {
    fn all(&self, name: &str) -> Vec<String> {
        self.attributes
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn first(&self, name: &str) -> Option<String> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    fn is(&self, class: &str) -> bool {
        self.all("objectclass")
            .iter()
            .any(|c| c.eq_ignore_ascii_case(class))
    }

    /// The value of the first `ou=` in the parent's DN.
    fn parent_ou(&self) -> Option<String> {
        self.dn
            .split_once(',')
            .map(|(_, rest)| rest)
            .and_then(|rest| rest.split(',').next())
            .and_then(|rdn| rdn.trim().split_once('='))
            .filter(|(k, _)| k.trim().eq_ignore_ascii_case("ou"))
            .map(|(_, v)| v.trim().to_owned())
    }
}

/// RFC 2849 content records: folded lines (a leading space continues the
/// line before), comments, `name: value`, `name:: base64`. URLs (`name:<`)
/// and change records are refused.
fn ldif_records(text: &str) -> Result<Vec<LdifRecord>, Vec<Problem>> {
    let mut logical: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = line.strip_prefix(' ') {
            match logical.last_mut() {
                Some((_, l)) if !l.is_empty() => l.push_str(rest),
                _ => {
                    return Err(vec![problem(
                        &format!("line {}", i + 1),
                        "line",
                        "continues nothing",
                    )])
                }
            }
        } else {
            logical.push((i + 1, line.to_owned()));
        }
    }
    let mut records = Vec::new();
    let mut problems = Vec::new();
    let mut current: Option<LdifRecord> = None;
    for (n, line) in logical {
        if line.starts_with('#') {
            continue;
        }
        if line.trim().is_empty() {
            records.extend(current.take());
            continue;
        }
        let place = format!("line {n}");
        let Some((name, rest)) = line.split_once(':') else {
            problems.push(problem(&place, "line", "is not 'attribute: value'"));
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        let value = if let Some(b64) = rest.strip_prefix(':') {
            match base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
            {
                Some(v) => v,
                None => {
                    problems.push(problem(&place, &name, "is not base64 of UTF-8 text"));
                    continue;
                }
            }
        } else if rest.starts_with('<') {
            problems.push(problem(&place, &name, "values from URLs are not read"));
            continue;
        } else {
            rest.trim().to_owned()
        };
        if name == "version" && current.is_none() {
            continue;
        }
        if name == "changetype" {
            problems.push(problem(
                &place,
                "changetype",
                "change records are not read: export the whole directory",
            ));
            continue;
        }
        match &mut current {
            None if name == "dn" => {
                current = Some(LdifRecord {
                    line: n,
                    dn: value,
                    attributes: Vec::new(),
                })
            }
            None => problems.push(problem(&place, &name, "comes before the record's dn")),
            Some(r) => r.attributes.push((name, value)),
        }
    }
    records.extend(current);
    if problems.is_empty() {
        Ok(records)
    } else {
        Err(problems)
    }
}

fn read_ldif(text: &str, current: &Directory) -> Result<ImportFile, Vec<Problem>> {
    let records = ldif_records(text)?;
    if records.len() > MAX_ROWS {
        return Err(vec![problem(
            "file",
            "file",
            "has more than 200 000 records",
        )]);
    }
    let mut problems = Vec::new();
    let mut file = ImportFile::default();
    let mut units = Vec::new();
    let mut people = Vec::new();
    for r in &records {
        let row = format!("line {}", r.line);
        if r.is("organizationalUnit") {
            let mut fields: Vec<(&'static str, Vec<String>)> = Vec::new();
            let mut put = |f: &'static str, v: Vec<String>| {
                if !v.is_empty() {
                    fields.push((f, v))
                }
            };
            put("id", r.first("ou").into_iter().collect());
            put(
                "name",
                r.first("description")
                    .or(r.first("ou"))
                    .into_iter()
                    .collect(),
            );
            put("parent", vec![r.parent_ou().unwrap_or_default()]);
            put("kind", r.first("businesscategory").into_iter().collect());
            put("phone", r.first("telephonenumber").into_iter().collect());
            put("mailbox", r.first("mail").into_iter().collect());
            put(
                "visiting_address",
                r.first("street")
                    .or(r.first("postaladdress"))
                    .into_iter()
                    .collect(),
            );
            match unit_from(&fields, current, &row) {
                Ok(u) => {
                    file.rows.insert(format!("unit {}", u.id), row);
                    units.push(u);
                }
                Err(mut e) => problems.append(&mut e),
            }
        } else if r.is("inetOrgPerson") || r.is("person") {
            let mut fields: Vec<(&'static str, Vec<String>)> = Vec::new();
            let mut put = |f: &'static str, v: Vec<String>| {
                if !v.is_empty() {
                    fields.push((f, v))
                }
            };
            put("id", r.first("employeenumber").into_iter().collect());
            put("given_name", r.first("givenname").into_iter().collect());
            put("family_name", r.first("sn").into_iter().collect());
            put("title", r.first("title").into_iter().collect());
            let departments = r.all("departmentnumber");
            put(
                "units",
                if departments.is_empty() {
                    r.parent_ou().into_iter().collect()
                } else {
                    departments
                },
            );
            put(
                "direct_phone",
                r.first("telephonenumber").into_iter().collect(),
            );
            put("mobile", r.first("mobile").into_iter().collect());
            put("email", r.first("mail").into_iter().collect());
            put("languages", r.all("preferredlanguage"));
            put("account", r.first("uid").into_iter().collect());
            match person_from(&fields, current, &row) {
                Ok(p) => {
                    file.rows.insert(format!("person {}", p.id), row);
                    people.push(p);
                }
                Err(mut e) => problems.append(&mut e),
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // An LDIF export is the whole tree: both lists, when it has them.
    file.units = (!units.is_empty()).then_some(units);
    file.people = (!people.is_empty()).then_some(people);
    if file.units.is_none() && file.people.is_none() {
        return Err(vec![problem(
            "file",
            "objectClass",
            "has no organizationalUnit or inetOrgPerson records",
        )]);
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_and_base64_ldif_values_are_read() {
        let text = "version: 1\n\n# a comment\ndn: uid=anna,ou=TK,dc=stockholm,dc=se\nobjectClass: inetOrgPerson\nemployeeNumber: 1001\ngivenName: Anna\nsn:: w5ZiZXJn\ntitle: Handl\n äggare\n\n";
        let records = ldif_records(text).expect("reads");
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].first("sn").as_deref(), Some("Öberg"));
        assert_eq!(records[0].first("title").as_deref(), Some("Handläggare"));
        assert_eq!(records[0].parent_ou().as_deref(), Some("TK"));
        assert_eq!(records[0].line, 4);
    }

    #[test]
    fn ldif_change_records_and_urls_are_refused_by_line() {
        let text = "dn: uid=a,ou=TK\nchangetype: delete\njpegPhoto:< file:///etc/passwd\n";
        let problems = ldif_records(text).expect_err("refused");
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            text,
            vec![
                "line 2: changetype: change records are not read: export the whole directory",
                "line 3: jpegphoto: values from URLs are not read",
            ]
        );
    }

    #[test]
    fn several_values_split_on_bars_or_commas_in_semicolon_files() {
        assert_eq!(many("sv| en |", b','), vec!["sv", "en"]);
        assert_eq!(many("sv, en", b';'), vec!["sv", "en"]);
        assert_eq!(many("Bygglov, Västerort", b','), vec!["Bygglov, Västerort"]);
    }
}
