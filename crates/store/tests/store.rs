//! The store's guarantees, on SQLite and on PostgreSQL: an append-only
//! timeline enforced by the database itself, safe opening, optimistic
//! concurrency, gapless numbers under group commit, and the person upsert.
//!
//! The PostgreSQL variants need `KONTAKT_TEST_POSTGRES` (an admin URL; each
//! test creates its own database). Without it they fail, never pass
//! silently: start PostgreSQL with `eval "$(bash scripts/services.sh)"`.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use kontakt_domain::case::{CaseNumber, Channel, EntryBody, Resolution, Status};
use kontakt_domain::contact::{EmailAddress, Language, PhoneNumber};
use kontakt_domain::personnummer::Personnummer;
use kontakt_store::{
    CaseRecord, CaseUpdate, ContactRecord, NewCase, NewContact, NewEntry, OpenMode, PersonData,
    Store, StoreError,
};
use r2d2_sqlite::rusqlite;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Db {
    Sqlite,
    Postgres,
}

/// A fresh, empty database; the temporary directory lives as long as it.
struct TestDb {
    db: Db,
    url: String,
    /// The SQLite file, for raw connections.
    path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

async fn fresh(db: Db) -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("kontakt.db");
    let url = match db {
        Db::Sqlite => format!("sqlite:{}", path.display()),
        Db::Postgres => {
            let admin = std::env::var("KONTAKT_TEST_POSTGRES").unwrap_or_else(|_| {
                panic!(
                    "KONTAKT_TEST_POSTGRES is not set, so this PostgreSQL test cannot run. \
                     Start PostgreSQL with `eval \"$(bash scripts/services.sh)\"` \
                     (scripts/test.sh does this) and run the tests again."
                )
            });
            let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
                .await
                .unwrap_or_else(|e| panic!("connect to KONTAKT_TEST_POSTGRES ({admin}): {e}"));
            tokio::spawn(conn);
            static N: AtomicU32 = AtomicU32::new(0);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            let name = format!(
                "kontakt_store_test_{}_{}_{}",
                std::process::id(),
                nanos,
                N.fetch_add(1, Ordering::Relaxed)
            );
            client
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b)
                .expect("KONTAKT_TEST_POSTGRES names a database");
            format!("{base}/{name}")
        }
    };
    TestDb {
        db,
        url,
        path,
        _dir: dir,
    }
}

impl TestDb {
    async fn open(&self) -> Arc<dyn Store> {
        kontakt_store::open(&self.url, OpenMode::CreateIfMissing)
            .await
            .unwrap_or_else(|e| panic!("open {}: {e}", self.url))
    }

    /// A connection of its own, beside the store's, as an operator (or an
    /// intruder with the database password) would have.
    async fn raw(&self) -> Raw {
        match self.db {
            Db::Sqlite => Raw::Sqlite(rusqlite::Connection::open(&self.path).expect("raw sqlite")),
            Db::Postgres => {
                let (client, conn) = tokio_postgres::connect(&self.url, tokio_postgres::NoTls)
                    .await
                    .expect("raw postgres");
                tokio::spawn(conn);
                Raw::Postgres(client)
            }
        }
    }
}

enum Raw {
    Sqlite(rusqlite::Connection),
    Postgres(tokio_postgres::Client),
}

impl Raw {
    /// Runs one statement; the error is the database's own message.
    async fn execute(&self, sql: &str) -> Result<(), String> {
        match self {
            Raw::Sqlite(c) => c.execute_batch(sql).map_err(|e| e.to_string()),
            Raw::Postgres(c) => c
                .batch_execute(sql)
                .await
                .map_err(|e| match e.as_db_error() {
                    Some(db) => db.message().to_owned(),
                    None => e.to_string(),
                }),
        }
    }

    async fn count(&self, sql: &str) -> i64 {
        match self {
            Raw::Sqlite(c) => c
                .query_row(sql, [], |r| r.get(0))
                .unwrap_or_else(|e| panic!("{sql}: {e}")),
            Raw::Postgres(c) => c
                .query_one(sql, &[])
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .get(0),
        }
    }
}

/// Runs each named `async fn(Db)` once per backend.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(super::Db::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(super::Db::Postgres).await
                }
            }
        )*
    };
}

fn at() -> DateTime<Utc> {
    "2026-03-10T09:30:00Z".parse().expect("a fixed instant")
}

const AGENT: &str = "anna.lindqvist";

/// A case as the service would pass it: registered by phone, one entry.
fn new_case(description: &str, contact: NewContact) -> NewCase {
    NewCase {
        case_type: "SYNP-KCS".into(),
        board: "SN".into(),
        service_area: "complaints".into(),
        district: None,
        channel: Channel::Phone,
        status: Status::Registered,
        resolution: None,
        assignee_group: Some("SYNP".into()),
        assignee_person: None,
        contact,
        feedback_channel: None,
        feedback_deadline: NaiveDate::from_ymd_opt(2026, 3, 17),
        description: description.into(),
        form: serde_json::Map::new(),
        confidential: false,
        created_at: at(),
        closed_at: None,
        handed_over: false,
        entries: vec![NewEntry {
            at: at(),
            author: AGENT.into(),
            body: EntryBody::Registered {
                channel: Channel::Phone,
                contact_given: Default::default(),
            },
        }],
        audit: None,
        outbox: vec![],
        blobs: vec![],
        intake_key: None,
        follow_token_hash: None,
    }
}

fn anonymous(description: &str) -> NewCase {
    new_case(description, NewContact::Anonymous)
}

async fn read(store: &Arc<dyn Store>, number: CaseNumber) -> CaseRecord {
    store
        .case(number)
        .await
        .expect("read case")
        .unwrap_or_else(|| panic!("{number} is missing"))
}

fn note(text: &str) -> CaseUpdate {
    CaseUpdate {
        at: at() + chrono::Duration::minutes(10),
        author: AGENT.into(),
        entries: vec![EntryBody::Note { text: text.into() }],
        ..CaseUpdate::default()
    }
}

fn unknown_number() -> CaseNumber {
    CaseNumber::new(2026, 999_999).expect("a valid number")
}

// ---------------------------------------------------------------------------
// 1. The timeline is append-only in the database itself
// ---------------------------------------------------------------------------

/// A case with three entries: registered, in progress, a note.
async fn case_with_timeline(store: &Arc<dyn Store>) -> CaseNumber {
    let mut case = anonymous("Gatubelysningen är trasig på Götgatan.");
    case.status = Status::InProgress;
    case.entries.push(NewEntry {
        at: at(),
        author: AGENT.into(),
        body: EntryBody::StatusChanged {
            from: Status::Registered,
            to: Status::InProgress,
            resolution: None,
            reason: None,
        },
    });
    case.entries.push(NewEntry {
        at: at(),
        author: AGENT.into(),
        body: EntryBody::Note {
            text: "Felanmält till entreprenören.".into(),
        },
    });
    store.create_case(case).await.expect("create")
}

async fn the_timeline_refuses_update_and_delete(db: Db) {
    let t = fresh(db).await;
    let store = t.open().await;
    let number = case_with_timeline(&store).await;
    let before = read(&store, number).await.entries;
    assert_eq!(before.len(), 3);
    let raw = t.raw().await;
    for sql in [
        "UPDATE case_entries SET author = 'mallory'",
        "UPDATE case_entries SET kind = 'note' WHERE seq = 1",
        "UPDATE case_entries SET seq = seq + 10 WHERE seq = 3",
        "DELETE FROM case_entries WHERE seq = 2",
        "DELETE FROM case_entries",
    ] {
        match raw.execute(sql).await {
            Ok(()) => panic!("{db:?}: `{sql}` changed the timeline"),
            Err(e) => assert!(
                e.contains("the case timeline is append-only"),
                "{db:?}: `{sql}` failed, but not with the append-only error: {e}"
            ),
        }
    }
    assert_eq!(raw.count("SELECT COUNT(*) FROM case_entries").await, 3);
    assert_eq!(read(&store, number).await.entries, before);
    // Appending stays possible, through the store.
    store
        .update_case(number, note("Entreprenören har lagat lampan."))
        .await
        .expect("append");
    assert_eq!(read(&store, number).await.entries.len(), 4);
}

async fn the_timeline_refuses_replace_and_truncate(db: Db) {
    let t = fresh(db).await;
    let store = t.open().await;
    let number = case_with_timeline(&store).await;
    let before = read(&store, number).await.entries;
    let raw = t.raw().await;
    let copy = "SELECT case_id, seq, at, 'mallory', kind, body FROM case_entries WHERE seq = 1";
    let statements = match db {
        Db::Sqlite => vec![
            format!(
                "INSERT OR REPLACE INTO case_entries (case_id, seq, at, author, kind, body) {copy}"
            ),
            format!("REPLACE INTO case_entries (case_id, seq, at, author, kind, body) {copy}"),
            format!(
                "INSERT INTO case_entries (case_id, seq, at, author, kind, body) {copy} \
                 ON CONFLICT (case_id, seq) DO UPDATE SET author = excluded.author"
            ),
        ],
        Db::Postgres => vec![
            format!(
                "INSERT INTO case_entries (case_id, seq, at, author, kind, body) {copy} \
                 ON CONFLICT (case_id, seq) DO UPDATE SET author = excluded.author"
            ),
            "TRUNCATE case_entries".to_owned(),
        ],
    };
    let mut changed = Vec::new();
    for sql in &statements {
        if raw.execute(sql).await.is_ok() {
            changed.push(sql.as_str());
        }
    }
    let after = store.case(number).await.expect("read").map(|c| c.entries);
    assert!(
        changed.is_empty() && after.as_ref() == Some(&before),
        "{db:?}: these statements rewrote the timeline: {changed:#?}\nnow: {after:#?}"
    );
}

// ---------------------------------------------------------------------------
// 2. Opening
// ---------------------------------------------------------------------------

#[tokio::test]
async fn urls_without_a_known_scheme_or_a_path_are_refused() {
    for url in [
        "mysql://x",
        "",
        "sqlite",
        "sqlite:",
        "sqlite://",
        "sqlite:?mode=memory",
        "file:/tmp/kontakt.db",
        "SQLite:/tmp/kontakt.db",
    ] {
        match kontakt_store::open(url, OpenMode::CreateIfMissing).await {
            Err(StoreError::BadUrl(reason)) => {
                assert!(!reason.is_empty(), "{url:?}: empty reason")
            }
            Err(other) => panic!("{url:?}: expected BadUrl, got {other:?}"),
            Ok(_) => panic!("{url:?} was opened"),
        }
    }
}

#[tokio::test]
async fn must_exist_refuses_a_missing_file_and_creates_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing_here = dir.path().join("typo.db");
    for path in [
        std::path::PathBuf::from("/nonexistent/dir/x.db"),
        missing_here.clone(),
    ] {
        let url = format!("sqlite:{}", path.display());
        match kontakt_store::open(&url, OpenMode::MustExist).await {
            Err(e) => assert!(
                e.to_string().contains(&path.display().to_string()),
                "the error should name the file: {e}"
            ),
            Ok(_) => panic!("{url} was opened"),
        }
        assert!(!path.exists(), "{} was created", path.display());
    }
    assert!(!std::path::Path::new("/nonexistent").exists());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.map(|e| e.file_name()))
        .collect();
    assert!(left.is_empty(), "files were created: {left:?}");
}

#[tokio::test]
async fn create_if_missing_in_a_missing_directory_is_an_error() {
    match kontakt_store::open("sqlite:/nonexistent/dir/x.db", OpenMode::CreateIfMissing).await {
        Err(StoreError::Database(_) | StoreError::BadUrl(_)) => {}
        Err(other) => panic!("unexpected error {other:?}"),
        Ok(_) => panic!("opened a database in a directory that does not exist"),
    }
    assert!(!std::path::Path::new("/nonexistent").exists());
}

async fn reopening_keeps_data_and_migrates_nothing(db: Db) {
    let t = fresh(db).await;
    let migrations = "SELECT COUNT(*) FROM schema_migrations";
    let applied_sql = match db {
        Db::Sqlite => "SELECT MAX(applied_at) FROM schema_migrations",
        Db::Postgres => {
            "SELECT (EXTRACT(EPOCH FROM MAX(applied_at)) * 1000000)::BIGINT FROM schema_migrations"
        }
    };
    let first = {
        let store = t.open().await;
        for i in 0..3 {
            store
                .create_case(anonymous(&format!("case {i}")))
                .await
                .expect("create");
        }
        store.set_meta("seeded", "yes").await.expect("meta");
        store.count_cases().await.expect("count")
    };
    assert_eq!(first, 3);
    let raw = t.raw().await;
    let versions = raw.count(migrations).await;
    let applied = raw.count(applied_sql).await;
    assert!(versions >= 1);

    for round in 0..2 {
        let mode = match db {
            Db::Sqlite => OpenMode::MustExist,
            Db::Postgres => OpenMode::CreateIfMissing,
        };
        let store = kontakt_store::open(&t.url, mode)
            .await
            .unwrap_or_else(|e| panic!("reopen {round}: {e}"));
        assert_eq!(store.count_cases().await.expect("count"), 3 + round);
        assert_eq!(
            store.meta("seeded").await.expect("meta").as_deref(),
            Some("yes")
        );
        assert_eq!(
            raw.count(migrations).await,
            versions,
            "a migration ran again"
        );
        assert_eq!(
            raw.count(applied_sql).await,
            applied,
            "a migration ran again"
        );
        // Numbers continue after the reopen: never reused (DESIGN invariant 5).
        let number = store
            .create_case(anonymous("after reopening"))
            .await
            .expect("create after reopen");
        assert_eq!(number.serial() as u64, 4 + round);
    }
}

// ---------------------------------------------------------------------------
// 3. Optimistic concurrency
// ---------------------------------------------------------------------------

fn start_work(expected_version: Option<i64>) -> CaseUpdate {
    CaseUpdate {
        expected_version,
        at: at() + chrono::Duration::minutes(5),
        author: AGENT.into(),
        entries: vec![EntryBody::StatusChanged {
            from: Status::Registered,
            to: Status::InProgress,
            resolution: None,
            reason: None,
        }],
        status: Some(Status::InProgress),
        ..CaseUpdate::default()
    }
}

fn close(expected_version: Option<i64>) -> CaseUpdate {
    CaseUpdate {
        expected_version,
        at: at() + chrono::Duration::minutes(30),
        author: "erik.johansson".into(),
        entries: vec![EntryBody::StatusChanged {
            from: Status::Registered,
            to: Status::Closed,
            resolution: Some(Resolution::ResolvedInCentre),
            reason: None,
        }],
        status: Some(Status::Closed),
        resolution: Some(Some(Resolution::ResolvedInCentre)),
        closed_at: Some(Some(at() + chrono::Duration::minutes(30))),
        ..CaseUpdate::default()
    }
}

async fn a_stale_version_conflicts_and_writes_nothing(db: Db) {
    let t = fresh(db).await;
    let store = t.open().await;
    let number = store
        .create_case(anonymous("Soptunnan har inte tömts."))
        .await
        .expect("create");
    let v1 = read(&store, number).await;
    assert_eq!(v1.version, 1);

    let updated = store
        .update_case(number, start_work(Some(v1.version)))
        .await
        .expect("update at the current version");
    assert_eq!(updated.version, 2);
    assert_eq!(updated.last_seq, 2);
    let v2 = read(&store, number).await;

    // A second agent, still looking at version 1, tries to close the case.
    match store.update_case(number, close(Some(v1.version))).await {
        Err(StoreError::Conflict) => {}
        other => panic!("expected Conflict, got {other:?}"),
    }
    assert_eq!(
        read(&store, number).await,
        v2,
        "the stale update wrote something"
    );

    // Appending information needs no version and moves the version on.
    let appended = store
        .update_case(number, note("Ringde igen."))
        .await
        .expect("append");
    assert_eq!(appended.version, 3);
    let v3 = read(&store, number).await;
    assert_eq!(v3.entries.len(), 3);
    match store.update_case(number, close(Some(2))).await {
        Err(StoreError::Conflict) => {}
        other => panic!("expected Conflict after an append, got {other:?}"),
    }
    assert_eq!(read(&store, number).await, v3);
}

async fn updating_an_unknown_case_is_not_found_and_writes_nothing(db: Db) {
    let t = fresh(db).await;
    let store = t.open().await;
    let number = store
        .create_case(anonymous("Fråga om bygglov."))
        .await
        .expect("create");
    let before = read(&store, number).await;

    for update in [note("x"), start_work(Some(1)), start_work(None)] {
        match store.update_case(unknown_number(), update).await {
            Err(StoreError::NotFound) => {}
            other => panic!("expected NotFound, got {other:?}"),
        }
    }
    // A link to a case that does not exist fails as a whole: the entries and
    // the version bump of the first case are rolled back with it.
    let link = CaseUpdate {
        entries: vec![EntryBody::Linked {
            case: unknown_number(),
        }],
        link: Some(unknown_number()),
        ..note("Hör ihop med ett annat ärende.")
    };
    match store.update_case(number, link).await {
        Err(StoreError::NotFound) => {}
        other => panic!("expected NotFound for the linked case, got {other:?}"),
    }
    assert_eq!(
        read(&store, number).await,
        before,
        "a failed update left traces"
    );
    let raw = t.raw().await;
    assert_eq!(raw.count("SELECT COUNT(*) FROM case_entries").await, 1);
    assert_eq!(raw.count("SELECT COUNT(*) FROM case_links").await, 0);
}

// ---------------------------------------------------------------------------
// 4. Group commit under load
// ---------------------------------------------------------------------------

fn assert_gapless(numbers: &[CaseNumber], what: &str) {
    let mut serials: Vec<u32> = numbers.iter().map(|n| n.serial()).collect();
    serials.sort_unstable();
    let expected: Vec<u32> = (1..=numbers.len() as u32).collect();
    assert!(
        serials == expected,
        "{what}: serials are not 1..={}: first {:?}, duplicates {}",
        numbers.len(),
        &serials[..serials.len().min(20)],
        numbers.len() - numbers.iter().collect::<HashSet<_>>().len()
    );
    assert!(
        numbers.iter().all(|n| n.year() == 2026),
        "{what}: wrong year"
    );
}

async fn concurrent_creates_get_distinct_gapless_numbers(db: Db) {
    const N: usize = 500;
    let t = fresh(db).await;
    let store = t.open().await;
    let tasks: Vec<_> = (0..N)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move { store.create_case(anonymous(&format!("case {i}"))).await })
        })
        .collect();
    let mut numbers = Vec::with_capacity(N);
    for (i, task) in tasks.into_iter().enumerate() {
        let number = task
            .await
            .expect("task")
            .unwrap_or_else(|e| panic!("create {i}: {e}"));
        numbers.push((i, number));
    }
    let only: Vec<CaseNumber> = numbers.iter().map(|(_, n)| *n).collect();
    assert_gapless(&only, "500 concurrent creates");
    assert_eq!(store.count_cases().await.expect("count"), N as u64);
    // Each caller got the number of its own case.
    for (i, number) in numbers {
        assert_eq!(read(&store, number).await.description, format!("case {i}"));
    }
}

/// Makes the database reject a case whose description is `REJECT`, after
/// its number was allocated: a write that fails inside the writer's batch.
async fn reject_marked_cases(raw: &Raw, db: Db) {
    let sql = match db {
        Db::Sqlite => {
            "CREATE TRIGGER test_reject BEFORE INSERT ON cases WHEN NEW.description = 'REJECT' \
             BEGIN SELECT RAISE(ABORT, 'rejected by the test'); END;"
        }
        Db::Postgres => {
            "CREATE FUNCTION test_reject() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN IF NEW.description = 'REJECT' THEN RAISE EXCEPTION 'rejected by the test'; END IF; \
             RETURN NEW; END; $$; \
             CREATE TRIGGER test_reject BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION test_reject();"
        }
    };
    raw.execute(sql).await.expect("install the test trigger");
}

#[derive(Debug)]
enum Outcome {
    Created(CaseNumber),
    Updated,
    Failed(StoreError),
}

async fn a_failing_write_does_not_fail_its_batch(db: Db) {
    const N: usize = 400;
    let t = fresh(db).await;
    let store = t.open().await;
    let raw = t.raw().await;
    reject_marked_cases(&raw, db).await;
    let existing = store
        .create_case(anonymous("existing"))
        .await
        .expect("create");
    // Moves `existing` to version 2, so expected_version 1 is stale.
    store
        .update_case(existing, note("first"))
        .await
        .expect("note");

    // Every fifth write fails, in three different ways, among creates and
    // good updates submitted at the same moment.
    let tasks: Vec<_> = (0..N)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let result = match i % 10 {
                    0 => store
                        .update_case(unknown_number(), note("lost"))
                        .await
                        .map(|_| None),
                    5 => store.create_case(anonymous("REJECT")).await.map(Some),
                    7 => store
                        .update_case(existing, close(Some(1)))
                        .await
                        .map(|_| None),
                    3 | 8 => store
                        .update_case(existing, note(&format!("note {i}")))
                        .await
                        .map(|_| None),
                    _ => store
                        .create_case(anonymous(&format!("case {i}")))
                        .await
                        .map(Some),
                };
                match result {
                    Ok(Some(n)) => Outcome::Created(n),
                    Ok(None) => Outcome::Updated,
                    Err(e) => Outcome::Failed(e),
                }
            })
        })
        .collect();
    let mut created = vec![existing];
    for (i, task) in tasks.into_iter().enumerate() {
        let outcome = task.await.expect("task");
        match (i % 10, outcome) {
            (0, Outcome::Failed(StoreError::NotFound)) => {}
            // The reason is checked by `database_errors_say_why`.
            (5, Outcome::Failed(StoreError::Database(_))) => {}
            (7, Outcome::Failed(StoreError::Conflict)) => {}
            (3 | 8, Outcome::Updated) => {}
            (1 | 2 | 4 | 6 | 9, Outcome::Created(n)) => created.push(n),
            (_, other) => panic!("write {i} (kind {}): unexpected {other:?}", i % 10),
        }
    }
    // Rejected creates gave their numbers back: no gap (DESIGN invariant 5).
    assert_gapless(&created, "creates beside failing writes");
    assert_eq!(
        store.count_cases().await.expect("count"),
        created.len() as u64
    );
    assert_eq!(
        raw.count("SELECT COUNT(*) FROM cases WHERE description = 'REJECT'")
            .await,
        0
    );
    let existing = read(&store, existing).await;
    assert_eq!(
        existing.status,
        Status::Registered,
        "a stale close got through"
    );
    assert_eq!(
        existing.entries.len(),
        2 + N / 5,
        "notes lost or stale entries written"
    );
}

async fn database_errors_say_why(db: Db) {
    let t = fresh(db).await;
    let store = t.open().await;
    reject_marked_cases(&t.raw().await, db).await;
    // An operator reading the log must learn what the database refused, not
    // only that something failed.
    match store.create_case(anonymous("REJECT")).await {
        Err(StoreError::Database(reason)) => assert!(
            reason.contains("rejected by the test"),
            "{db:?}: the database's reason is lost: {reason:?}"
        ),
        other => panic!("{db:?}: expected a database error, got {other:?}"),
    }
    assert_eq!(store.count_cases().await.expect("count"), 0);
}

// ---------------------------------------------------------------------------
// 5. Person upsert
// ---------------------------------------------------------------------------

/// One contact by a person: (name, phone, email, language, protected).
type Contact = (
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    bool,
);

fn person(pnr: Option<&Personnummer>, c: Contact) -> NewContact {
    let (name, phone, email, language, protected) = c;
    NewContact::Person(PersonData {
        personnummer: pnr.cloned(),
        name: name.map(str::to_owned),
        phone: phone.map(|p| PhoneNumber::parse(p).expect("phone")),
        email: email.map(|e| EmailAddress::parse(e).expect("email")),
        preferred_language: language.map(|l| Language::parse(l).expect("language")),
        protected_identity: protected,
    })
}

fn person_of(case: &CaseRecord) -> &kontakt_store::PersonRecord {
    match &case.contact {
        ContactRecord::Person(p) => p,
        other => panic!("{}: not a person: {other:?}", case.number),
    }
}

async fn one_person_per_personnummer_and_details_only_filled_in(db: Db) {
    let t = fresh(db).await;
    let store = t.open().await;
    let pnr = Personnummer::from_parts(
        NaiveDate::from_ymd_opt(1968, 4, 12).expect("date"),
        123,
        false,
    )
    .expect("personnummer");
    // (what the resident gives at this contact, what the person record
    // must hold afterwards)
    let steps: &[(Contact, Contact)] = &[
        (
            (None, Some("070-111 11 11"), None, None, false),
            (None, Some("070-111 11 11"), None, None, false),
        ),
        // Missing details are filled in; known ones are not rewritten by a
        // later contact (each case keeps what was given in its own entry).
        (
            (
                Some("Anna Svensson"),
                Some("070-222 22 22"),
                Some("anna@example.se"),
                Some("sv"),
                false,
            ),
            (
                Some("Anna Svensson"),
                Some("070-111 11 11"),
                Some("anna@example.se"),
                Some("sv"),
                false,
            ),
        ),
        // Protected identity is set by a later contact…
        (
            (None, None, None, None, true),
            (
                Some("Anna Svensson"),
                Some("070-111 11 11"),
                Some("anna@example.se"),
                Some("sv"),
                true,
            ),
        ),
        // …never lifted by one that does not mention it, and a contact
        // cannot redirect a protected person's details.
        (
            (
                Some("Anna Berg"),
                Some("08-508 24 401"),
                Some("anna.berg@example.se"),
                Some("fi"),
                false,
            ),
            (
                Some("Anna Svensson"),
                Some("070-111 11 11"),
                Some("anna@example.se"),
                Some("sv"),
                true,
            ),
        ),
    ];
    let mut numbers = Vec::new();
    let mut id = None;
    for (step, (given, expected)) in steps.iter().enumerate() {
        let number = store
            .create_case(new_case(
                &format!("contact {step}"),
                person(Some(&pnr), *given),
            ))
            .await
            .unwrap_or_else(|e| panic!("step {step}: {e}"));
        numbers.push(number);
        let case = read(&store, number).await;
        let p = person_of(&case);
        assert_eq!(
            *id.get_or_insert(p.id),
            p.id,
            "step {step}: a second person"
        );
        let want = match person(Some(&pnr), *expected) {
            NewContact::Person(w) => w,
            _ => unreachable!(),
        };
        let got = PersonData {
            personnummer: p.personnummer.clone(),
            name: p.name.clone(),
            phone: p.phone.clone(),
            email: p.email.clone(),
            preferred_language: p.preferred_language.clone(),
            protected_identity: p.protected_identity,
        };
        assert_eq!(got, want, "step {step}");
    }
    // Every case of the resident shows the one, current person.
    let last = person_of(&read(&store, *numbers.last().expect("cases")).await).clone();
    for n in &numbers {
        assert_eq!(person_of(&read(&store, *n).await), &last, "{n}");
    }
    let raw = t.raw().await;
    assert_eq!(raw.count("SELECT COUNT(*) FROM persons").await, 1);

    // Without a personnummer nobody can tell two callers apart: each contact
    // is a person of its own, even with the same name.
    let unnamed = (
        Some("Anna Svensson"),
        Some("070-111 11 11"),
        None,
        None,
        false,
    );
    let a = store
        .create_case(new_case("a", person(None, unnamed)))
        .await
        .expect("a");
    let b = store
        .create_case(new_case("b", person(None, unnamed)))
        .await
        .expect("b");
    let (a, b) = (read(&store, a).await, read(&store, b).await);
    assert_ne!(person_of(&a).id, person_of(&b).id);
    assert_ne!(person_of(&a).id, last.id);
    assert_eq!(raw.count("SELECT COUNT(*) FROM persons").await, 3);
}

/// A call record is written when the call arrives, updated while it is
/// open, and closed once: a late or repeated event for a closed call
/// changes nothing, so no call is counted twice; start-up closes what the
/// last process left open; the case is linked after the call.
async fn a_call_is_closed_once(db: Db) {
    use kontakt_domain::phone::CallOutcome;
    use kontakt_store::calls::CallRow;
    let t = fresh(db).await;
    let store = t.open().await;
    let open = CallRow {
        call_id: "pbx-1".into(),
        entry_number: "+46850800000".into(),
        menu_path: String::new(),
        answer_group: None,
        language: "sv".into(),
        arrived_at: at(),
        ended_at: None,
        queue_ms: 0,
        handle_ms: 0,
        outcome: None,
        agent: None,
        overflowed: false,
        callback_deadline: None,
        case_number: None,
    };
    assert!(store.save_call(open.clone()).await.expect("arrive"));
    let queued = CallRow {
        menu_path: "11".into(),
        answer_group: Some("FSK".into()),
        ..open.clone()
    };
    assert!(store.save_call(queued.clone()).await.expect("queued"));
    let answered = CallRow {
        ended_at: Some(at() + chrono::Duration::seconds(300)),
        queue_ms: 42_000,
        handle_ms: 258_000,
        outcome: Some(CallOutcome::Answered),
        agent: Some(AGENT.into()),
        ..queued.clone()
    };
    assert!(store.save_call(answered.clone()).await.expect("answered"));
    let late = CallRow {
        outcome: Some(CallOutcome::Abandoned),
        ..answered.clone()
    };
    assert!(
        !store.save_call(late).await.expect("late"),
        "closed stays closed"
    );
    assert!(!store.save_call(open.clone()).await.expect("repeat"));
    assert_eq!(
        store.call("pbx-1").await.expect("read"),
        Some(answered.clone())
    );

    let number = store
        .create_case(anonymous("Samtal om förskola"))
        .await
        .expect("case");
    assert!(store.link_call_case("pbx-1", number).await.expect("link"));
    assert!(!store.link_call_case("pbx-1", number).await.expect("once"));
    assert!(!store
        .link_call_case("pbx-unknown", number)
        .await
        .expect("unknown"));

    let left = CallRow {
        call_id: "pbx-2".into(),
        ..open
    };
    assert!(store.save_call(left).await.expect("arrive"));
    let later = at() + chrono::Duration::hours(1);
    assert_eq!(
        store
            .close_open_calls(CallOutcome::Lost, later)
            .await
            .expect("close"),
        1
    );
    let all = store.calls_since(at()).await.expect("since");
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].case_number, Some(number));
    assert_eq!(all[1].outcome, Some(CallOutcome::Lost));
    assert_eq!(all[1].ended_at, Some(later));
    assert!(store.calls_since(later).await.expect("since").is_empty());
}

on_both_backends!(
    a_call_is_closed_once,
    the_timeline_refuses_update_and_delete,
    reopening_keeps_data_and_migrates_nothing,
    a_stale_version_conflicts_and_writes_nothing,
    updating_an_unknown_case_is_not_found_and_writes_nothing,
    concurrent_creates_get_distinct_gapless_numbers,
    a_failing_write_does_not_fail_its_batch,
    one_person_per_personnummer_and_details_only_filled_in,
);

// Ways around the append-only rules that once got through, one backend at a time.

mod the_timeline_refuses_replace_and_truncate {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::the_timeline_refuses_replace_and_truncate(super::Db::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::the_timeline_refuses_replace_and_truncate(super::Db::Postgres).await
    }
}

mod database_errors_say_why {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::database_errors_say_why(super::Db::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::database_errors_say_why(super::Db::Postgres).await
    }
}

/// The PostgreSQL writer survives a lost connection (a server restart, a
/// network cut): the next write gets a fresh connection instead of failing
/// for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_writer_reconnects_after_losing_its_connection() {
    let t = fresh(Db::Postgres).await;
    let store = t.open().await;
    let first = store
        .create_case(anonymous("before"))
        .await
        .expect("create before");
    let database = t.url.rsplit('/').next().expect("database name").to_owned();
    let admin = std::env::var("KONTAKT_TEST_POSTGRES").expect("admin URL");
    let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
        .await
        .expect("admin");
    tokio::spawn(conn);
    let killed: i64 = client
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1",
            &[&database],
        )
        .await
        .expect("terminate")
        .get(0);
    assert!(killed >= 1, "the writer's connection was terminated");
    // Give the client a moment to notice the closed socket.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let second = store
        .create_case(anonymous("after"))
        .await
        .expect("create after the connection was lost");
    assert_eq!(
        second.serial(),
        first.serial() + 1,
        "numbering goes on without a gap"
    );
    assert!(store.case(second).await.expect("read").is_some());
}
