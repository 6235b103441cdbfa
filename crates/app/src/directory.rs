//! `DirectoryService`: the switchboard's directory (see
//! `kontakt_domain::directory`). Reading and searching for everyone who
//! serves residents; absence notes by operators, team leaders,
//! administrators and the person themself; HR imports, with a preview of
//! the difference, by administrators; the public directory for anyone.
//!
//! The directory is held in memory with its search index and reloaded when
//! the store's stamp moves, so a keystroke costs one small read. An import
//! applies only to the directory its preview was made from (the stamp), in
//! one transaction with its history and audit entries.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use kontakt_domain::access::Role;
use kontakt_domain::audit::Outcome;
use kontakt_domain::catalog::{Catalog, GroupKind};
use kontakt_domain::contact::PhoneNumber;
use kontakt_domain::directory::diff::{difference, Change, ChangeKind, Entry};
use kontakt_domain::directory::search::DirectoryIndex;
use kontakt_domain::directory::{
    suggest_stand_in, Absence, Directory, NumberKind, Person, Problem, Subject, Unit,
};
use kontakt_store::directory::{
    DirectoryStamp, DirectoryWrite, EntryChange, HistoryRow, ImportRow, StoredAbsence,
};
use kontakt_store::{CaseFilter, Store, StoreError};
use serde::Serialize;

use crate::cases::{Actor, CaseError, CaseService, ContactInput, Intake, IntakeRequest};

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("the request has invalid fields")]
    Invalid(Vec<Problem>),
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("not in the directory")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("storage failed: {0}")]
    Store(StoreError),
    #[error(transparent)]
    Case(#[from] CaseError),
}

impl From<StoreError> for DirectoryError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict => DirectoryError::Conflict(
                "the directory changed since the preview; make a new preview".into(),
            ),
            other => DirectoryError::Store(other),
        }
    }
}

fn invalid(field: &str, reason: &str) -> DirectoryError {
    DirectoryError::Invalid(vec![Problem {
        place: "request".into(),
        field: field.into(),
        reason: reason.into(),
    }])
}

/// The case type of a message the switchboard takes for someone.
pub const MESSAGE_CASE_TYPE: &str = "ALLM-MEDD";
const MAX_RESULTS: usize = 50;

/// The directory as loaded, with its index. A change of absence notes
/// only reloads the notes: the directory and its index are shared.
pub struct Loaded {
    pub stamp: DirectoryStamp,
    pub dir: Arc<Directory>,
    pub notes: Vec<Note>,
    index: Arc<DirectoryIndex>,
}

/// An absence note as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub id: i64,
    #[serde(flatten)]
    pub absence: Absence,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

impl std::borrow::Borrow<Absence> for Note {
    fn borrow(&self) -> &Absence {
        &self.absence
    }
}

/// Someone away now: until when, why, and whom to turn to.
#[derive(Debug, Clone, Serialize)]
pub struct Away {
    pub note: i64,
    pub until: DateTime<Utc>,
    pub reason: Option<String>,
    pub stand_in: Option<Reach>,
}

/// A person or unit and how to reach them.
#[derive(Debug, Clone, Serialize)]
pub struct Reach {
    #[serde(flatten)]
    pub subject: Subject,
    pub name: String,
    pub number: Option<PhoneNumber>,
    pub number_kind: Option<NumberKind>,
}

/// One search result, ready for the operator.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    #[serde(flatten)]
    pub subject: Subject,
    pub name: String,
    /// A person's title, or a unit's kind.
    pub detail: String,
    /// The organisation around it: a person's unit, a unit's parents.
    pub context: String,
    pub number: Option<PhoneNumber>,
    pub number_kind: Option<NumberKind>,
    pub away: Option<Away>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    pub person: Person,
    pub units: Vec<Unit>,
    pub number: Option<PhoneNumber>,
    pub number_kind: Option<NumberKind>,
    pub away: Option<Away>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitView {
    pub unit: Unit,
    pub path: Vec<Unit>,
    pub children: Vec<Unit>,
    pub staff: Vec<Found>,
    pub number: Option<PhoneNumber>,
    pub away: Option<Away>,
    pub notes: Vec<Note>,
}

/// A leaver's work that needs a new owner.
#[derive(Debug, Clone, Serialize)]
pub struct LeaverWork {
    pub person: String,
    pub name: String,
    pub account: Option<String>,
    pub open_cases: Vec<String>,
    pub groups: Vec<String>,
}

/// What an import would do, before it is applied.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    /// Apply with this stamp: the import applies only to this directory.
    pub stamp: i64,
    pub starters: usize,
    pub leavers: usize,
    pub moved: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub changes: Vec<Change>,
    pub leavers_work: Vec<LeaverWork>,
    /// Absence notes the file brings (set when it is applied).
    pub absences: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    pub import: i64,
    pub preview: Preview,
}

/// A unit as the public sees it: no staff.
#[derive(Debug, Clone, Serialize)]
pub struct PublicUnit {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub parents: Vec<String>,
    pub functions: Vec<String>,
    pub districts: Vec<String>,
    pub visiting_address: Option<String>,
    pub opening_hours: Option<String>,
    pub phone: Option<PhoneNumber>,
    pub mailbox: Option<String>,
}

/// An absence note as asked for.
#[derive(Debug, Clone)]
pub struct AbsenceRequest {
    pub subject: Subject,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    pub stand_in: Option<Subject>,
}

/// A message the switchboard takes for someone who cannot answer.
#[derive(Debug, Clone, Default)]
pub struct MessageRequest {
    pub to: Option<Subject>,
    pub caller_name: String,
    pub caller_phone: String,
    pub message: String,
    /// The callback is promised by this day (else the case type's one working day).
    pub callback_by: Option<chrono::NaiveDate>,
    /// The call it was taken on, if any.
    pub call: Option<String>,
}

/// Where a call goes when transferred: a Kontakt answer group's queue, or
/// a number outside the queues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Group(String),
    Number { number: PhoneNumber, label: String },
}

pub struct DirectoryService {
    store: Arc<dyn Store>,
    catalog: Arc<Catalog>,
    cached: tokio::sync::RwLock<Option<Arc<Loaded>>>,
    rebuilding: tokio::sync::Mutex<()>,
}

fn notes_of(absences: Vec<StoredAbsence>) -> Vec<Note> {
    absences
        .into_iter()
        .filter_map(|a| {
            let absence: Absence = serde_json::from_str(&a.data).ok()?;
            Some(Note {
                id: a.id,
                absence,
                set_by: a.set_by,
                set_at: a.set_at,
            })
        })
        .collect()
}

/// Everyone who serves residents looks people up.
pub fn may_read(actor: &Actor) -> bool {
    [
        Role::AgentL1,
        Role::AgentL2,
        Role::Officer,
        Role::Registrar,
        Role::Supervisor,
        Role::Administrator,
        Role::Editor,
    ]
    .iter()
    .any(|r| actor.principal.has(*r))
}

pub fn may_import(actor: &Actor) -> bool {
    actor.principal.has(Role::Administrator)
}

fn login(actor: &Actor) -> &str {
    actor.id.strip_prefix("user:").unwrap_or(&actor.id)
}

/// Absence notes are set and removed by the switchboard's agents, team
/// leaders, administrators, or the person themself.
fn may_note(actor: &Actor, dir: &Directory, subject: &Subject) -> Result<(), DirectoryError> {
    let own = matches!(subject, Subject::Person(id)
        if dir.person(id).and_then(|p| p.account.as_deref()) == Some(login(actor)));
    let staff_role = [
        Role::AgentL1,
        Role::AgentL2,
        Role::Supervisor,
        Role::Administrator,
    ]
    .iter()
    .any(|r| actor.principal.has(*r));
    if own || staff_role {
        Ok(())
    } else {
        Err(DirectoryError::Forbidden(
            "absence notes are for the switchboard, team leaders, administrators or the person themself".into(),
        ))
    }
}

impl DirectoryService {
    pub fn new(store: Arc<dyn Store>, catalog: Arc<Catalog>) -> Self {
        DirectoryService {
            store,
            catalog,
            cached: tokio::sync::RwLock::new(None),
            rebuilding: tokio::sync::Mutex::new(()),
        }
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The directory, reloaded when the store's stamp moved (only the
    /// notes, when only they changed).
    pub async fn loaded(&self) -> Result<Arc<Loaded>, DirectoryError> {
        let stamp = self.store.directory_stamp().await?;
        if let Some(c) = self.cached.read().await.as_ref() {
            if c.stamp == stamp {
                return Ok(c.clone());
            }
        }
        let _one = self.rebuilding.lock().await;
        let cached = self.cached.read().await.clone();
        if let Some(c) = &cached {
            if c.stamp.entries >= stamp.entries && c.stamp.notes >= stamp.notes {
                return Ok(c.clone());
            }
            if c.stamp.entries == stamp.entries {
                let (now_stamp, absences) = self.store.directory_notes(Utc::now()).await?;
                if now_stamp.entries == c.stamp.entries {
                    let loaded = Arc::new(Loaded {
                        stamp: now_stamp,
                        dir: c.dir.clone(),
                        index: c.index.clone(),
                        notes: notes_of(absences),
                    });
                    *self.cached.write().await = Some(loaded.clone());
                    return Ok(loaded);
                }
            }
        }
        let snapshot = self.store.directory(Utc::now()).await?;
        let (mut units, mut people) = (Vec::new(), Vec::new());
        for e in &snapshot.entries {
            let bad =
                |e: serde_json::Error| DirectoryError::Store(StoreError::Database(e.to_string()));
            match e.kind.as_str() {
                "unit" => units.push(serde_json::from_str::<Unit>(&e.data).map_err(bad)?),
                _ => people.push(serde_json::from_str::<Person>(&e.data).map_err(bad)?),
            }
        }
        // What is stored was checked when written; a catalog changed since
        // (a group removed) must not hide the whole directory.
        let dir = Directory::new(units.clone(), people.clone(), &self.catalog)
            .unwrap_or_else(|problems| {
                tracing::warn!(count = problems.len(), first = %problems[0], "the stored directory no longer matches the catalog");
                Directory::new_unchecked(units, people)
            });
        let index = DirectoryIndex::build(&dir, &self.catalog);
        let loaded = Arc::new(Loaded {
            stamp: snapshot.stamp,
            dir: Arc::new(dir),
            notes: notes_of(snapshot.absences),
            index: Arc::new(index),
        });
        *self.cached.write().await = Some(loaded.clone());
        Ok(loaded)
    }

    fn check_read(&self, actor: &Actor) -> Result<(), DirectoryError> {
        if may_read(actor) {
            Ok(())
        } else {
            Err(DirectoryError::Forbidden(
                "the directory is for staff who serve residents".into(),
            ))
        }
    }

    /// Type-ahead for operators: the best people and units, with whether
    /// they are away, who stands in, and the number to connect to.
    pub async fn search(
        &self,
        actor: &Actor,
        query: &str,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<Found>, DirectoryError> {
        self.check_read(actor)?;
        if query.chars().count() > 200 {
            return Err(invalid("q", "is longer than 200 characters"));
        }
        let loaded = self.loaded().await?;
        Ok(loaded
            .index
            .search(query, limit.clamp(1, MAX_RESULTS))
            .into_iter()
            .filter_map(|h| loaded.found(&h.subject, now))
            .collect())
    }

    pub async fn person(
        &self,
        actor: &Actor,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<PersonView, DirectoryError> {
        self.check_read(actor)?;
        let loaded = self.loaded().await?;
        let mut person = loaded
            .dir
            .person(id)
            .ok_or(DirectoryError::NotFound)?
            .clone();
        // Someone reached only through their function: their own numbers
        // are not handed out (administrators and they themselves see them).
        let own = person.account.as_deref() == Some(login(actor));
        if person.connect == kontakt_domain::directory::Connect::ViaFunction
            && !(own || may_import(actor))
        {
            person.direct_phone = None;
            person.mobile = None;
        }
        let subject = Subject::Person(id.to_owned());
        let (number, number_kind) = loaded.number(&subject);
        Ok(PersonView {
            units: person
                .units
                .iter()
                .filter_map(|u| loaded.dir.unit(u).cloned())
                .collect(),
            away: loaded.away(&subject, now),
            notes: loaded.notes_of(&subject),
            person,
            number,
            number_kind,
        })
    }

    pub async fn unit(
        &self,
        actor: &Actor,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<UnitView, DirectoryError> {
        self.check_read(actor)?;
        let loaded = self.loaded().await?;
        let unit = loaded.dir.unit(id).ok_or(DirectoryError::NotFound)?.clone();
        let subject = Subject::Unit(id.to_owned());
        Ok(UnitView {
            path: loaded.dir.path(id).into_iter().cloned().collect(),
            children: loaded
                .dir
                .units()
                .filter(|u| u.parent.as_deref() == Some(id))
                .cloned()
                .collect(),
            staff: loaded
                .dir
                .staff_of(id)
                .filter_map(|p| loaded.found(&Subject::Person(p.id.clone()), now))
                .collect(),
            number: loaded.number(&subject).0,
            away: loaded.away(&subject, now),
            notes: loaded.notes_of(&subject),
            unit,
        })
    }

    /// A person's or unit's name, for a page's heading.
    pub async fn name_of(
        &self,
        actor: &Actor,
        subject: &Subject,
    ) -> Result<String, DirectoryError> {
        self.check_read(actor)?;
        let loaded = self.loaded().await?;
        if !loaded.dir.exists(subject) {
            return Err(DirectoryError::NotFound);
        }
        Ok(loaded.name(subject))
    }

    /// The units that are a catalog group in Kontakt (where a hand-over
    /// goes), or a board's own units (who owns a knowledge article), so
    /// the desk can show whom it means.
    pub async fn units_of(
        &self,
        actor: &Actor,
        group: Option<&str>,
        board: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Found>, DirectoryError> {
        self.check_read(actor)?;
        let loaded = self.loaded().await?;
        let top = |u: &Unit| {
            matches!(
                u.kind,
                kontakt_domain::directory::UnitKind::Board
                    | kontakt_domain::directory::UnitKind::Company
                    | kontakt_domain::directory::UnitKind::Administration
            )
        };
        Ok(loaded
            .dir
            .units()
            .filter(|u| {
                group.is_some_and(|g| u.group.as_deref() == Some(g))
                    || board.is_some_and(|b| u.board.as_deref() == Some(b) && top(u))
            })
            .take(MAX_RESULTS)
            .filter_map(|u| loaded.found(&Subject::Unit(u.id.clone()), now))
            .collect())
    }

    /// The history of a person or unit: imports, edits, absence notes.
    pub async fn history(
        &self,
        actor: &Actor,
        subject: &Subject,
    ) -> Result<Vec<HistoryRow>, DirectoryError> {
        if !(may_import(actor) || actor.principal.has(Role::Supervisor)) {
            return Err(DirectoryError::Forbidden(
                "the directory's history is for team leaders and administrators".into(),
            ));
        }
        Ok(self
            .store
            .directory_history(subject.kind(), subject.id(), 200)
            .await?)
    }

    pub async fn imports(&self, actor: &Actor) -> Result<Vec<ImportRow>, DirectoryError> {
        if !may_import(actor) {
            return Err(DirectoryError::Forbidden(
                "imports are for administrators".into(),
            ));
        }
        Ok(self.store.directory_imports(20).await?)
    }

    /// Sets an absence note: operators note what they are told, team
    /// leaders and administrators too, and a person may set their own.
    pub async fn set_absence(
        &self,
        actor: &Actor,
        req: AbsenceRequest,
        now: DateTime<Utc>,
    ) -> Result<i64, DirectoryError> {
        let loaded = self.loaded().await?;
        may_note(actor, &loaded.dir, &req.subject)?;
        let Some(until) = req.until else {
            return Err(invalid("until", "is required"));
        };
        let absence = Absence {
            subject: req.subject,
            from: req.from.unwrap_or(now),
            until,
            reason: req
                .reason
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty()),
            stand_in: req.stand_in,
        };
        let mut problems = loaded.dir.check_absence(&absence);
        if absence.until <= now {
            problems.push(Problem {
                place: "request".into(),
                field: "until".into(),
                reason: "lies in the past".into(),
            });
        }
        if !problems.is_empty() {
            return Err(DirectoryError::Invalid(problems));
        }
        self.write_absence(actor, &absence, now).await
    }

    async fn write_absence(
        &self,
        actor: &Actor,
        absence: &Absence,
        now: DateTime<Utc>,
    ) -> Result<i64, DirectoryError> {
        let data = serde_json::to_string(absence)
            .map_err(|e| DirectoryError::Store(StoreError::Database(e.to_string())))?;
        let id = self
            .store
            .directory_write(DirectoryWrite::SetAbsence {
                kind: absence.subject.kind().into(),
                entry_id: absence.subject.id().into(),
                starts_at: absence.from,
                ends_at: absence.until,
                data,
                by: actor.id.clone(),
                at: now,
                audit: vec![actor.event(
                    now,
                    "directory.absence_set",
                    (absence.subject.kind(), absence.subject.id()),
                    "",
                    Outcome::Allowed,
                    serde_json::json!({"until": absence.until, "stand_in": absence.stand_in}),
                )],
            })
            .await?;
        Ok(id)
    }

    pub async fn remove_absence(
        &self,
        actor: &Actor,
        note: i64,
        now: DateTime<Utc>,
    ) -> Result<(), DirectoryError> {
        let loaded = self.loaded().await?;
        let found = loaded
            .notes
            .iter()
            .find(|n| n.id == note)
            .ok_or(DirectoryError::NotFound)?;
        may_note(actor, &loaded.dir, &found.absence.subject)?;
        let subject = found.absence.subject.clone();
        let n = self
            .store
            .directory_write(DirectoryWrite::RemoveAbsence {
                id: note,
                by: actor.id.clone(),
                at: now,
                audit: vec![actor.event(
                    now,
                    "directory.absence_removed",
                    (subject.kind(), subject.id()),
                    "",
                    Outcome::Allowed,
                    serde_json::json!({"note": note}),
                )],
            })
            .await?;
        if n == 0 {
            return Err(DirectoryError::NotFound);
        }
        Ok(())
    }

    /// What an HR file would change. Nothing is written.
    pub async fn preview(&self, actor: &Actor, bytes: &[u8]) -> Result<Preview, DirectoryError> {
        if !may_import(actor) {
            return Err(DirectoryError::Forbidden(
                "imports are for administrators".into(),
            ));
        }
        let loaded = self.loaded().await?;
        let (preview, _, _) = self.difference(&loaded, bytes, Utc::now()).await?;
        Ok(preview)
    }

    async fn difference(
        &self,
        loaded: &Loaded,
        bytes: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(Preview, Vec<Change>, Vec<Absence>), DirectoryError> {
        let file =
            crate::directory_import::read(bytes, &loaded.dir).map_err(DirectoryError::Invalid)?;
        let rows = file.rows;
        let imported = file.absences;
        let d = difference(&loaded.dir, file.units, file.people, &self.catalog).map_err(
            |problems| {
                // Name the file's row where there is one.
                DirectoryError::Invalid(
                    problems
                        .into_iter()
                        .map(|mut p| {
                            if let Some(row) = rows.get(&p.place) {
                                p.place = format!("{row} ({})", p.place);
                            }
                            p
                        })
                        .collect(),
                )
            },
        )?;
        // The file's absence notes, checked against the directory after it;
        // a day already past is old news, not an error.
        let mut absences = Vec::new();
        let mut problems = Vec::new();
        for a in imported {
            let until = kontakt_domain::calendar::stockholm_to_utc(
                a.until.and_hms_opt(23, 59, 0).unwrap_or_default(),
            )
            .unwrap_or(now);
            if until <= now {
                continue;
            }
            let absence = Absence {
                subject: Subject::Person(a.person.clone()),
                from: now,
                until,
                reason: a.reason,
                stand_in: a.stand_in.map(Subject::Person),
            };
            for mut p in d.after.check_absence(&absence) {
                p.place = format!("{} ({})", a.row, p.place);
                problems.push(p);
            }
            absences.push(absence);
        }
        if !problems.is_empty() {
            return Err(DirectoryError::Invalid(problems));
        }
        let mut leavers_work = Vec::new();
        for c in d.changes.iter().filter(|c| c.kind == ChangeKind::Leaver) {
            if let Some(Entry::Person(p)) = &c.before {
                leavers_work.push(self.work_of(p).await?);
            }
        }
        let preview = Preview {
            stamp: loaded.stamp.entries,
            starters: d.count(ChangeKind::Starter),
            leavers: d.count(ChangeKind::Leaver),
            moved: d.count(ChangeKind::Moved),
            changed: d.count(ChangeKind::Changed),
            unchanged: d.unchanged,
            changes: d.changes.clone(),
            leavers_work,
            absences: absences.len(),
        };
        Ok((preview, d.changes, absences))
    }

    /// A leaver's open cases and group memberships, to give to others.
    async fn work_of(&self, p: &Person) -> Result<LeaverWork, DirectoryError> {
        let mut open_cases = Vec::new();
        let mut groups = Vec::new();
        if let Some(account) = &p.account {
            // Each open status asked for apart: a long career's closed
            // cases must not crowd the open ones out of a page.
            use kontakt_domain::case::Status;
            for status in [
                Status::Registered,
                Status::InProgress,
                Status::HandedOver,
                Status::WaitingForResident,
            ] {
                let filter = CaseFilter {
                    assignee_person: Some(format!("user:{account}")),
                    status: Some(status),
                    limit: 500,
                    ..CaseFilter::default()
                };
                open_cases.extend(
                    self.store
                        .list_cases(&filter)
                        .await?
                        .into_iter()
                        .map(|c| c.number.to_string()),
                );
            }
            open_cases.sort();
            if let Some(a) = self.store.account(account).await? {
                groups.extend(
                    a.grants
                        .iter()
                        .filter_map(|g| g.strip_prefix("group:"))
                        .map(str::to_owned),
                );
            }
            if let Some(s) = self.catalog.staff_member(account) {
                groups.extend(s.groups.iter().cloned());
            }
            groups.sort();
            groups.dedup();
        }
        Ok(LeaverWork {
            person: p.id.clone(),
            name: p.full_name(),
            account: p.account.clone(),
            open_cases,
            groups,
        })
    }

    /// Applies an HR file whose preview was made at `stamp`: all of it in
    /// one transaction, or nothing if the directory moved on since.
    pub async fn apply(
        &self,
        actor: &Actor,
        source: &str,
        bytes: &[u8],
        stamp: i64,
        now: DateTime<Utc>,
    ) -> Result<Applied, DirectoryError> {
        if !may_import(actor) {
            return Err(DirectoryError::Forbidden(
                "imports are for administrators".into(),
            ));
        }
        let source = source.trim();
        if source.is_empty() || source.chars().count() > 200 || source.chars().any(char::is_control)
        {
            return Err(invalid("source", "name the file (at most 200 characters)"));
        }
        let loaded = self.loaded().await?;
        if loaded.stamp.entries != stamp {
            return Err(StoreError::Conflict.into());
        }
        let (preview, changes, absences) = self.difference(&loaded, bytes, now).await?;
        let summary = format!(
            "{} starters, {} leavers, {} moved, {} changed, {} absence notes",
            preview.starters, preview.leavers, preview.moved, preview.changed, preview.absences
        );
        let import = self
            .write_changes(actor, &changes, Some(source), &summary, stamp, now)
            .await?;
        // The file's absence notes after its people: a note already there
        // (the same file applied again) is not set twice.
        for a in &absences {
            let known = loaded.notes.iter().any(|n| {
                n.absence.subject == a.subject
                    && n.absence.until == a.until
                    && n.absence.stand_in == a.stand_in
            });
            if !known {
                self.write_absence(actor, a, now).await?;
            }
        }
        // The index is rebuilt now, by the one who imported, not at the
        // next operator's keystroke.
        self.loaded().await?;
        Ok(Applied { import, preview })
    }

    async fn write_changes(
        &self,
        actor: &Actor,
        changes: &[Change],
        source: Option<&str>,
        summary: &str,
        stamp: i64,
        now: DateTime<Utc>,
    ) -> Result<i64, DirectoryError> {
        let json = |e: &Option<Entry>| -> Result<Option<String>, DirectoryError> {
            e.as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| DirectoryError::Store(StoreError::Database(e.to_string())))
        };
        let mut rows = Vec::with_capacity(changes.len());
        for c in changes {
            rows.push(EntryChange {
                kind: c.subject.kind().into(),
                id: c.subject.id().into(),
                change: c.kind.as_str().into(),
                fields: c.fields.join(","),
                before: json(&c.before)?,
                after: json(&c.after)?,
            });
        }
        Ok(self
            .store
            .directory_write(DirectoryWrite::Apply {
                expected_stamp: stamp,
                changes: rows,
                source: source.map(str::to_owned),
                summary: summary.to_owned(),
                by: actor.id.clone(),
                at: now,
                audit: vec![actor.event(
                    now,
                    "directory.import",
                    ("directory", source.unwrap_or("edit")),
                    "",
                    Outcome::Allowed,
                    serde_json::json!({"summary": summary}),
                )],
            })
            .await?)
    }

    /// Replaces the directory with these units and people (the demo's
    /// organisation; the benchmark's), as one import by the system.
    pub async fn seed(
        &self,
        units: Vec<Unit>,
        people: Vec<Person>,
        source: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DirectoryError> {
        let loaded = self.loaded().await?;
        let d = difference(&loaded.dir, Some(units), Some(people), &self.catalog)
            .map_err(DirectoryError::Invalid)?;
        let summary = format!(
            "{} starters, {} leavers, {} moved, {} changed",
            d.count(ChangeKind::Starter),
            d.count(ChangeKind::Leaver),
            d.count(ChangeKind::Moved),
            d.count(ChangeKind::Changed)
        );
        self.write_changes(
            &Actor::new(format!("system:{source}")),
            &d.changes,
            Some(source),
            &summary,
            loaded.stamp.entries,
            now,
        )
        .await?;
        Ok(())
    }

    /// The public directory: units the city lists, their functions,
    /// numbers and addresses; never staff.
    pub async fn public_units(&self) -> Result<Vec<PublicUnit>, DirectoryError> {
        let loaded = self.loaded().await?;
        let dir = &loaded.dir;
        let district_name = |code: &String| {
            self.catalog
                .district(code)
                .map(|d| d.name.clone())
                .unwrap_or_else(|| code.clone())
        };
        let mut out: Vec<PublicUnit> = dir
            .units()
            .filter(|u| u.public)
            .map(|u| PublicUnit {
                id: u.id.clone(),
                name: u.name.clone(),
                kind: u.kind.label_sv(),
                // Only what the city publishes: public units above, and a
                // number of this unit's own or a public unit's above it.
                parents: dir
                    .path(&u.id)
                    .iter()
                    .filter(|p| p.public)
                    .map(|p| p.name.clone())
                    .collect(),
                functions: u.functions.iter().map(|f| f.name.clone()).collect(),
                districts: u.districts.iter().map(district_name).collect(),
                visiting_address: u.visiting_address.clone(),
                opening_hours: u.opening_hours.clone(),
                phone: std::iter::once(u)
                    .chain(dir.path(&u.id).into_iter().rev())
                    .filter(|x| x.public)
                    .find_map(|x| x.phone.clone()),
                mailbox: u.mailbox.as_ref().map(|m| m.to_string()),
            })
            .collect();
        out.sort_by(|a, b| (&a.parents, &a.name).cmp(&(&b.parents, &b.name)));
        Ok(out)
    }

    /// Where a call to this person or unit goes: the unit's Kontakt
    /// answer group's queue, else the best number. Someone away is not
    /// connected: the operator is told who stands in.
    pub async fn destination(
        &self,
        actor: &Actor,
        subject: &Subject,
        now: DateTime<Utc>,
    ) -> Result<Destination, DirectoryError> {
        self.check_read(actor)?;
        let loaded = self.loaded().await?;
        if !loaded.dir.exists(subject) {
            return Err(DirectoryError::NotFound);
        }
        if let Some(away) = loaded.away(subject, now) {
            let instead = away
                .stand_in
                .map(|s| format!("; {} stands in", s.name))
                .unwrap_or_default();
            return Err(DirectoryError::Conflict(format!(
                "{} is away until {}{instead}",
                loaded.name(subject),
                kontakt_domain::calendar::stockholm_minute(away.until)
            )));
        }
        if let Subject::Unit(id) = subject {
            if let Some(g) = loaded.dir.unit(id).and_then(|u| u.group.as_deref()) {
                if matches!(
                    self.catalog.group(g).map(|g| &g.kind),
                    Some(GroupKind::Answer { .. })
                ) {
                    return Ok(Destination::Group(g.to_owned()));
                }
            }
        }
        let (number, _) = loaded.number(subject);
        number
            .map(|number| Destination::Number {
                number,
                label: loaded.name(subject),
            })
            .ok_or_else(|| {
                DirectoryError::Conflict(format!(
                    "{} has no number to connect to",
                    loaded.name(subject)
                ))
            })
    }

    /// Takes a message for someone: a case of `ALLM-MEDD` with the caller's
    /// name and number, given to the person (their login) and to their
    /// unit's Kontakt group, with the callback promised by a day.
    pub async fn take_message(
        &self,
        cases: &CaseService,
        actor: &Actor,
        req: MessageRequest,
        now: DateTime<Utc>,
    ) -> Result<Intake, DirectoryError> {
        // A message is a contact registered: for those who register them.
        if ![Role::AgentL1, Role::AgentL2, Role::Registrar]
            .iter()
            .any(|r| actor.principal.has(*r))
        {
            return Err(DirectoryError::Forbidden(
                "messages are taken by the switchboard's agents and registrars".into(),
            ));
        }
        let loaded = self.loaded().await?;
        let Some(to) = req.to.clone() else {
            return Err(invalid(
                "to",
                "choose the person or unit the message is for",
            ));
        };
        if !loaded.dir.exists(&to) {
            return Err(DirectoryError::NotFound);
        }
        let (person, unit) = match &to {
            Subject::Person(id) => {
                let p = loaded.dir.person(id).ok_or(DirectoryError::NotFound)?;
                (Some(p), p.main_unit().to_owned())
            }
            Subject::Unit(id) => (None, id.clone()),
        };
        let group = loaded.dir.group_of_unit(&unit).map(str::to_owned);
        let unit_name = loaded
            .dir
            .unit(&unit)
            .map(|u| u.name.clone())
            .unwrap_or_default();
        let to_name = loaded.name(&to);
        // Checked before anything is written: the case and its assignment
        // are one write, so a refusal leaves nothing behind.
        if let Some(day) = req.callback_by {
            let today = kontakt_domain::calendar::stockholm_date(now);
            if day < today || day > today + chrono::Days::new(366) {
                return Err(invalid(
                    "callback_by",
                    "must be a day from today and within a year",
                ));
            }
        }
        let mut form = serde_json::Map::new();
        form.insert("to".into(), serde_json::Value::String(to_name.clone()));
        form.insert("unit".into(), serde_json::Value::String(unit_name));
        let account = person
            .and_then(|p| p.account.clone())
            .map(|a| format!("user:{a}"));
        let assign = crate::cases::Assignment {
            group,
            person: account,
            deadline: req.callback_by,
            note: format!("Meddelande från växeln till {to_name}."),
        };
        let phone_given = !req.caller_phone.trim().is_empty();
        Ok(cases
            .intake_arrival(
                IntakeRequest {
                    case_type: Some(MESSAGE_CASE_TYPE.into()),
                    channel: "phone".into(),
                    description: req.message,
                    district: None,
                    contact: Some(ContactInput {
                        name: Some(req.caller_name).filter(|n| !n.trim().is_empty()),
                        phone: Some(req.caller_phone).filter(|n| !n.trim().is_empty()),
                        ..ContactInput::default()
                    }),
                    anonymous: false,
                    // Called back when there is a number to call.
                    feedback_channel: phone_given.then(|| "phone".into()),
                    form,
                    attach_to: None,
                    close_as: None,
                    received_at: None,
                },
                crate::cases::Arrival {
                    assign: Some(assign),
                    ..crate::cases::Arrival::default()
                },
                actor,
                now,
            )
            .await?)
    }

    /// A staff member's languages and competences for the phone queues,
    /// from the directory (by their login), if it knows them.
    pub async fn skills_of(&self, account: &str) -> Option<(Vec<String>, Vec<String>)> {
        let loaded = self.loaded().await.ok()?;
        let p = loaded.dir.person_by_account(account)?;
        Some((
            p.languages.iter().map(|l| l.as_str().to_owned()).collect(),
            p.competences.clone(),
        ))
    }
}

impl Loaded {
    fn name(&self, s: &Subject) -> String {
        match s {
            Subject::Person(id) => self.dir.person(id).map(Person::full_name),
            Subject::Unit(id) => self.dir.unit(id).map(|u| u.name.clone()),
        }
        .unwrap_or_else(|| s.id().to_owned())
    }

    fn number(&self, s: &Subject) -> (Option<PhoneNumber>, Option<NumberKind>) {
        match self.dir.best_number(s) {
            Some((n, k)) => (Some(n), Some(k)),
            None => (None, None),
        }
    }

    fn notes_of(&self, s: &Subject) -> Vec<Note> {
        self.notes
            .iter()
            .filter(|n| &n.absence.subject == s)
            .cloned()
            .collect()
    }

    /// Away now: the note, and the stand-in to suggest.
    fn away(&self, s: &Subject, now: DateTime<Utc>) -> Option<Away> {
        let note = self
            .notes
            .iter()
            .filter(|n| &n.absence.subject == s && n.absence.covers(now))
            .max_by_key(|n| n.absence.from)?;
        let stand_in = suggest_stand_in(&self.dir, &self.notes, s, now).map(|x| {
            let (number, number_kind) = self.number(&x);
            Reach {
                name: self.name(&x),
                subject: x,
                number,
                number_kind,
            }
        });
        Some(Away {
            note: note.id,
            until: note.absence.until,
            reason: note.absence.reason.clone(),
            stand_in,
        })
    }

    fn found(&self, s: &Subject, now: DateTime<Utc>) -> Option<Found> {
        let (detail, context) = match s {
            Subject::Person(id) => {
                let p = self.dir.person(id)?;
                let unit = self.dir.unit(p.main_unit());
                (
                    p.title.clone().unwrap_or_default(),
                    unit.map(|u| u.name.clone()).unwrap_or_default(),
                )
            }
            Subject::Unit(id) => {
                let u = self.dir.unit(id)?;
                let functions: Vec<&str> = u.functions.iter().map(|f| f.name.as_str()).collect();
                let path: Vec<&str> = self.dir.path(id).iter().map(|p| p.name.as_str()).collect();
                (functions.join(", "), path.join(" › "))
            }
        };
        let (number, number_kind) = self.number(s);
        Some(Found {
            subject: s.clone(),
            name: self.name(s),
            detail,
            context,
            number,
            number_kind,
            away: self.away(s, now),
        })
    }
}
