//! The embedded default: SQLite in WAL mode with `synchronous = FULL`, so a
//! commit is on disk before it returns. One writer thread owns the only
//! writing connection and group-commits; reads run on a small pool of
//! read-only connections, which WAL lets proceed while the writer writes.

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use kontakt_domain::audit::{AuditEvent, AuditRecord, Outcome};
use kontakt_domain::case::CaseNumber;
use r2d2_sqlite::rusqlite::types::Value;
use r2d2_sqlite::rusqlite::{
    self, params, params_from_iter, Connection, OpenFlags, OptionalExtension, TransactionBehavior,
};
use r2d2_sqlite::SqliteConnectionManager;
use tokio::sync::mpsc;

use crate::phone::LineTable;
use crate::rows::{
    self, CaseRow, EntryRow, ListDialect, ListValue, OrganisationRow, PersonRow, SummaryRow,
};
use crate::writer::{ChainHead, Output, Pending, WriteOp, WriterHandle, MAX_BATCH};
use crate::AuditQuery;
use crate::{
    case_year, migrate, ApiToken, Backend, CaseFilter, CaseRecord, CaseSummary, CaseUpdate,
    NewCase, NewContact, NewToken, OpenMode, Result, Store, StoreError, Updated,
};

mod calls;
mod crisis;
mod directory;
mod facts;
mod knowledge;
mod outbox;
mod residents;
mod rights;
mod set_aside;
mod staff;

pub struct SqliteStore {
    writer: WriterHandle,
    readers: r2d2::Pool<SqliteConnectionManager>,
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

fn time(us: i64) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::from_timestamp_micros(us).ok_or(rusqlite::Error::IntegralValueOutOfRange(0, us))
}

fn opt_time(us: Option<i64>) -> rusqlite::Result<Option<DateTime<Utc>>> {
    us.map(time).transpose()
}

fn date(s: Option<String>) -> rusqlite::Result<Option<NaiveDate>> {
    s.map(|s| {
        s.parse::<NaiveDate>().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
    })
    .transpose()
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // FULL makes a WAL commit durable against power loss, not just a crash.
    conn.pragma_update(None, "synchronous", "FULL")?;
    // The cases table has several indexes; a larger page cache keeps their
    // upper levels in memory (the default is only 2 MB).
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Checkpoint less often than the default 1 000 pages: each checkpoint
    // rewrites hot index pages that the next transactions touch again.
    conn.pragma_update(None, "wal_autocheckpoint", 8_000)?;
    Ok(())
}

impl SqliteStore {
    pub fn open(path: &Path, mode: OpenMode) -> Result<Self> {
        if mode == OpenMode::MustExist && !path.exists() {
            return Err(StoreError::BadUrl(format!(
                "the database file {} does not exist (create it with `kontakt db create`)",
                path.display()
            )));
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(db)?;
        let journal: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(db)?;
        if !journal.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Database(format!(
                "could not switch to WAL (got {journal})"
            )));
        }
        configure(&conn).map_err(db)?;
        run_migrations(&mut conn)?;

        let manager = SqliteConnectionManager::file(path)
            .with_flags(OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .with_init(|c| {
                c.busy_timeout(Duration::from_secs(10))?;
                c.pragma_update(None, "cache_size", -32_768)?;
                c.pragma_update(None, "query_only", "ON")
            });
        let readers = r2d2::Pool::builder()
            .max_size(8)
            .build(manager)
            .map_err(|e| StoreError::Database(e.to_string()))?;

        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        std::thread::Builder::new()
            .name("kontakt-sqlite-writer".into())
            .spawn(move || writer_loop(conn, rx))
            .map_err(|e| StoreError::Database(format!("could not start the writer: {e}")))?;
        Ok(SqliteStore {
            writer: WriterHandle(tx),
            readers,
        })
    }

    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let pool = self.readers.clone();
        tokio::task::spawn_blocking(move || {
            let conn = pool
                .get()
                .map_err(|e| StoreError::Database(e.to_string()))?;
            f(&conn)
        })
        .await
        .map_err(|e| StoreError::Database(format!("reader task failed: {e}")))?
    }

    async fn line_rows(&self, table: LineTable) -> Result<Vec<crate::phone::LineRow>> {
        let rows: Vec<(String, String, String, i64)> = self
            .read(move |c| {
                c.prepare_cached(&table.select_sql())
                    .and_then(|mut s| {
                        s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                            .collect()
                    })
                    .map_err(db)
            })
            .await?;
        rows.into_iter()
            .map(|(key, json, changed_by, at)| {
                Ok(crate::phone::LineRow {
                    key,
                    json,
                    changed_by,
                    changed_at: time(at).map_err(db)?,
                })
            })
            .collect()
    }
}

fn run_migrations(conn: &mut Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
    )
    .map_err(db)?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db)?;
    let applied: i64 = tx
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )
        .map_err(db)?;
    for (version, name, sql) in migrate::SQLITE.iter().filter(|(v, _, _)| *v > applied) {
        tx.execute_batch(sql)
            .map_err(|e| StoreError::Database(format!("migration {version} ({name}): {e}")))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![version, name, micros(Utc::now())],
        )
        .map_err(db)?;
    }
    tx.commit().map_err(db)
}

fn writer_loop(mut conn: Connection, mut inbox: mpsc::Receiver<Pending>) {
    while let Some(first) = inbox.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match inbox.try_recv() {
                Ok(p) => batch.push(p),
                Err(_) => break,
            }
        }
        run_batch(&mut conn, batch);
    }
}

/// Applies each write in its own savepoint (a failing one does not take the
/// others down), commits once, and only then answers the callers.
fn run_batch(conn: &mut Connection, batch: Vec<Pending>) {
    let mut tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => {
            let reason = e.to_string();
            for p in batch {
                let _ = p.reply.send(Err(StoreError::Database(reason.clone())));
            }
            return;
        }
    };
    let mut head = match read_head(&tx) {
        Ok(h) => h,
        Err(e) => {
            let reason = e.to_string();
            for p in batch {
                let _ = p.reply.send(Err(StoreError::Database(reason.clone())));
            }
            return;
        }
    };
    let mut results = Vec::with_capacity(batch.len());
    if let [only] = batch.as_slice() {
        // Alone in its transaction, a write needs no savepoint: on failure
        // the whole transaction is rolled back instead.
        match apply(&tx, &only.op, &mut head) {
            Ok(out) => results.push(Ok(out)),
            Err(e) => {
                drop(tx);
                if let Some(p) = batch.into_iter().next() {
                    let _ = p.reply.send(Err(e));
                }
                return;
            }
        }
    } else {
        for p in &batch {
            // The chain head advances only if the write's savepoint commits.
            let mut next = head.clone();
            let result = tx.savepoint().map_err(db).and_then(|sp| {
                let out = apply(&sp, &p.op, &mut next)?;
                sp.commit().map_err(db)?;
                Ok(out)
            });
            if result.is_ok() {
                head = next;
            }
            results.push(result);
            // Some errors (disk full, I/O) make SQLite roll back the whole
            // transaction. Going on would autocommit the rest piecemeal and
            // then report a failed COMMIT for writes that are on disk.
            if tx.is_autocommit() {
                for p in batch {
                    let _ = p.reply.send(Err(StoreError::Database(
                        "the transaction was rolled back by SQLite".into(),
                    )));
                }
                return;
            }
        }
    }
    match tx.commit() {
        Ok(()) => {
            for (p, r) in batch.into_iter().zip(results) {
                let _ = p.reply.send(r);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "commit failed; no write of this batch was acknowledged");
            for p in batch {
                let _ = p
                    .reply
                    .send(Err(StoreError::Database(format!("commit failed: {e}"))));
            }
        }
    }
}

fn read_head(conn: &Connection) -> Result<ChainHead> {
    conn.prepare_cached("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
        .and_then(|mut s| s.query_row([], |r| Ok((r.get(0)?, r.get(1)?))).optional())
        .map(ChainHead::new)
        .map_err(db)
}

fn append_audit(conn: &Connection, head: &mut ChainHead, events: &[AuditEvent]) -> Result<()> {
    for e in events {
        let (id, detail, prev, hash) = head.link(e);
        conn.prepare_cached(
            "INSERT INTO audit_log (id, at, actor, action, object_type, object_id, board, purpose, operation_id, \
             client, outcome, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )
        .and_then(|mut s| {
            s.execute(params![
                id,
                micros(e.at),
                e.actor,
                e.action,
                e.object_type,
                e.object_id,
                e.board,
                e.purpose,
                e.operation_id,
                e.client,
                e.outcome.as_str(),
                detail,
                prev,
                hash
            ])
        })
        .map_err(db)?;
    }
    Ok(())
}

fn apply(conn: &Connection, op: &WriteOp, head: &mut ChainHead) -> Result<Output> {
    match op {
        WriteOp::Create(case) => {
            let number = insert_case(conn, case)?;
            if let Some(event) = &case.audit {
                let mut event = event.clone();
                event.object_id = number.to_string();
                append_audit(conn, head, &[event])?;
            }
            Ok(Output::Created(number))
        }
        WriteOp::Audit(events) => append_audit(conn, head, events).map(|_| Output::Done),
        WriteOp::Ping => Ok(Output::Done),
        WriteOp::RevokeTokens(name, at) => conn
            .prepare_cached(
                "UPDATE api_tokens SET revoked_at = ?1 WHERE name = ?2 AND revoked_at IS NULL",
            )
            .and_then(|mut s| s.execute(params![micros(*at), name]))
            .map(|n| Output::Count(n as u64))
            .map_err(db),
        WriteOp::CreateMany(cases) => cases
            .iter()
            .map(|c| insert_case(conn, c))
            .collect::<Result<Vec<_>>>()
            .map(Output::CreatedMany),
        WriteOp::IndexQueued(limit) => {
            // Oldest first, so slot 0 (the registration) comes before later entries.
            let moved = conn
                .prepare_cached(
                    "INSERT INTO case_search (rowid, terms)
                     SELECT id, terms FROM case_search_queue ORDER BY id LIMIT ?1",
                )
                .and_then(|mut s| s.execute([limit]))
                .map_err(db)?;
            conn.prepare_cached(
                "DELETE FROM case_search_queue WHERE id IN (SELECT id FROM case_search_queue ORDER BY id LIMIT ?1)",
            )
            .and_then(|mut s| s.execute([moved as i64]))
            .map_err(db)?;
            Ok(Output::Count(moved as u64))
        }
        WriteOp::Update(number, update) => {
            let updated = update_case(conn, *number, update)?;
            append_audit(conn, head, &update.audit)?;
            Ok(Output::Updated(updated))
        }
        WriteOp::Token(t) => {
            conn.prepare_cached("INSERT INTO api_tokens (name, token_hash, scopes, created_at) VALUES (?1, ?2, ?3, ?4)")
                .and_then(|mut s| s.execute(params![t.name, t.hash, t.scopes.join(" "), micros(t.created_at)]))
                .map_err(db)?;
            Ok(Output::Done)
        }
        WriteOp::Remove(r) => {
            let (n, audit) = rights::remove(conn, r)?;
            append_audit(conn, head, &audit)?;
            Ok(Output::Count(n))
        }
        WriteOp::ClaimOutbound(c) => outbox::claim(conn, c).map(Output::Claimed),
        WriteOp::RecordOutbound(r) => outbox::record(conn, r).map(|()| Output::Done),
        WriteOp::QueueReport(r) => outbox::queue_report(conn, r).map(Output::Count),
        WriteOp::Knowledge(w) => knowledge::write(conn, w).map(Output::Id),
        WriteOp::Crisis(w) => {
            let n = crisis::write(conn, w)?;
            let audit = match w.as_ref() {
                crate::crisis::CrisisWrite::Start { audit, .. }
                | crate::crisis::CrisisWrite::End { audit, .. } => audit,
            };
            append_audit(conn, head, audit)?;
            Ok(Output::Id(n))
        }
        WriteOp::Directory(w) => {
            let n = directory::write(conn, w)?;
            append_audit(conn, head, w.audit())?;
            Ok(Output::Id(n))
        }
        WriteOp::Resident(w) => {
            let (n, audited) = residents::write(conn, w)?;
            if audited {
                append_audit(conn, head, w.audit())?;
            }
            Ok(Output::Id(n))
        }
        WriteOp::PhoneLine(w) => {
            let row = &w.row;
            conn.prepare_cached(&w.table.upsert_sql('?'))
                .and_then(|mut s| {
                    s.execute(params![
                        row.key,
                        row.json,
                        row.changed_by,
                        micros(row.changed_at)
                    ])
                })
                .map_err(db)?;
            append_audit(conn, head, &w.audit)?;
            Ok(Output::Done)
        }
        WriteOp::Facts(w) => facts::save(conn, w).map(Output::Count),
        WriteOp::CountCalls(w) => calls::count(conn, w).map(Output::Count),
        WriteOp::Baseline(b) => {
            let id = facts::insert_baseline(conn, &b.baseline)?;
            append_audit(conn, head, &b.audit)?;
            Ok(Output::Id(id))
        }
        WriteOp::SaveCall(c) => calls::save(conn, c).map(Output::Count),
        WriteOp::CloseOpenCalls(outcome, at) => {
            calls::close_open(conn, *outcome, micros(*at)).map(Output::Count)
        }
        WriteOp::LinkCallCase(call, case) => calls::link_case(conn, call, *case).map(Output::Count),
        WriteOp::SetAside(m) => set_aside::insert(conn, m).map(Output::Id),
        WriteOp::ReleaseSetAside(r) => {
            let n = set_aside::release(conn, r.id)?;
            if n > 0 {
                append_audit(conn, head, &r.audit)?;
            }
            Ok(Output::Count(n))
        }
        WriteOp::Rectify(r) => {
            rights::rectify(conn, r)?;
            append_audit(conn, head, &r.audit)?;
            Ok(Output::Done)
        }
        WriteOp::Staff(w) => {
            staff::write(conn, w)?;
            append_audit(conn, head, &w.audit)?;
            Ok(Output::Done)
        }
        WriteOp::Meta(key, value) => {
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map_err(db)?;
            Ok(Output::Done)
        }
    }
}

fn insert_case(conn: &Connection, c: &NewCase) -> Result<CaseNumber> {
    outbox::check_intake_key(conn, c.intake_key.as_deref())?;
    let year = case_year(c.created_at);
    let serial: i64 = conn
        .prepare_cached(
            "INSERT INTO case_counters (year, last_serial) VALUES (?1, 1) \
             ON CONFLICT (year) DO UPDATE SET last_serial = last_serial + 1 RETURNING last_serial",
        )
        .and_then(|mut s| s.query_row([year], |r| r.get(0)))
        .map_err(db)?;
    let number = u16::try_from(year)
        .ok()
        .zip(u32::try_from(serial).ok())
        .and_then(|(y, s)| CaseNumber::new(y, s))
        .ok_or_else(|| {
            StoreError::Database(format!("no case number for year {year}, serial {serial}"))
        })?;
    let now = micros(c.created_at);
    let (person_id, organisation_id) = upsert_contact(conn, &c.contact, now)?;
    let form = serde_json::Value::Object(c.form.clone()).to_string();
    let (given_email, given_phone) = c.given_addresses();
    conn.prepare_cached(
        "INSERT INTO cases (number, case_type, board, service_area, district, channel, status, resolution, \
         assignee_group, assignee_person, contact_kind, person_id, organisation_id, feedback_channel, \
         feedback_deadline, description, form, confidential, handed_over, created_at, updated_at, closed_at, \
         follow_token_hash, given_email, given_phone) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
    )
    .and_then(|mut s| {
        s.execute(params![
            number.to_string(),
            c.case_type,
            c.board,
            c.service_area,
            c.district,
            c.channel.as_str(),
            c.status.as_str(),
            c.resolution.map(|r| r.as_str()),
            c.assignee_group,
            c.assignee_person,
            c.contact.kind().as_str(),
            person_id,
            organisation_id,
            c.feedback_channel.map(|f| f.as_str()),
            c.feedback_deadline.map(|d| d.to_string()),
            c.description,
            form,
            c.confidential,
            c.handed_over,
            now,
            micros(crate::updated_at(c)),
            c.closed_at.map(micros),
            c.follow_token_hash,
            given_email,
            given_phone,
        ])
    })
    .map_err(db)?;
    let case_id = conn.last_insert_rowid();
    queue_for_search(conn, case_id, 0, &crate::case_search_text(c))?;
    for (i, e) in c.entries.iter().enumerate() {
        insert_entry(
            conn,
            case_id,
            i as i64 + 1,
            micros(e.at),
            &e.author,
            &e.body,
        )?;
    }
    outbox::queue(conn, case_id, number, now, &c.outbox)?;
    for blob in &c.blobs {
        insert_blob(conn, blob)?;
    }
    outbox::record_intake_key(conn, c.intake_key.as_deref(), case_id, now)?;
    Ok(number)
}

pub(super) fn insert_blob(conn: &Connection, blob: &crate::NewBlob) -> Result<()> {
    conn.prepare_cached("INSERT INTO blobs (sha256, size, content) VALUES (?1, ?2, ?3) ON CONFLICT (sha256) DO NOTHING")
        .and_then(|mut s| s.execute(params![blob.sha256, blob.content.len() as i64, blob.content]))
        .map_err(db)?;
    Ok(())
}

/// Slots per case in the search index's rowid (see migration 0006).
const SEARCH_SLOTS: i64 = 1024;

/// Queues stems for the search index of a case, in `slot` (0 for the text
/// at registration, else the entry's sequence number). FTS5 indexes large
/// batches many times faster than single rows, so writes only queue and a
/// search first moves the queue into the index (`index_queued`). Entries
/// beyond the slots are not indexed; no case comes near a thousand.
fn queue_for_search(conn: &Connection, case_id: i64, slot: i64, terms: &str) -> Result<()> {
    if terms.is_empty() || slot >= SEARCH_SLOTS {
        return Ok(());
    }
    conn.prepare_cached("INSERT INTO case_search_queue (id, terms) VALUES (?1, ?2)")
        .and_then(|mut s| s.execute(params![case_id * SEARCH_SLOTS + slot, terms]))
        .map_err(db)?;
    Ok(())
}

fn insert_entry(
    conn: &Connection,
    case_id: i64,
    seq: i64,
    at: i64,
    author: &str,
    body: &kontakt_domain::case::EntryBody,
) -> Result<()> {
    let json = serde_json::to_string(body).map_err(|e| StoreError::Database(e.to_string()))?;
    conn.prepare_cached("INSERT INTO case_entries (case_id, seq, at, author, kind, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .and_then(|mut s| s.execute(params![case_id, seq, at, author, body.kind(), json]))
        .map_err(db)?;
    Ok(())
}

fn upsert_contact(
    conn: &Connection,
    contact: &NewContact,
    now: i64,
) -> Result<(Option<i64>, Option<i64>)> {
    match contact {
        NewContact::Anonymous => Ok((None, None)),
        // A later contact only fills in details the person record lacks (what
        // was said at each contact stays in that case's registration entry),
        // and never lifts a protected-identity flag: changing recorded
        // details is an explicit rectification.
        NewContact::Person(p) => {
            // The row is only rewritten when this contact fills in something
            // (a repeat contact is the common case): RETURNING then yields
            // nothing and the id is looked up instead.
            let inserted_or_filled: Option<i64> = conn
                .prepare_cached(
                    "INSERT INTO persons (personnummer, name, phone, email, preferred_language, protected_identity, created_at, updated_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) \
                     ON CONFLICT (personnummer) DO UPDATE SET \
                       name = COALESCE(persons.name, excluded.name), \
                       phone = COALESCE(persons.phone, excluded.phone), \
                       email = COALESCE(persons.email, excluded.email), \
                       preferred_language = COALESCE(persons.preferred_language, excluded.preferred_language), \
                       protected_identity = MAX(persons.protected_identity, excluded.protected_identity), \
                       updated_at = excluded.updated_at \
                     WHERE (persons.name IS NULL AND excluded.name IS NOT NULL) \
                        OR (persons.phone IS NULL AND excluded.phone IS NOT NULL) \
                        OR (persons.email IS NULL AND excluded.email IS NOT NULL) \
                        OR (persons.preferred_language IS NULL AND excluded.preferred_language IS NOT NULL) \
                        OR excluded.protected_identity > persons.protected_identity \
                     RETURNING id",
                )
                .and_then(|mut s| {
                    s.query_row(
                        params![
                            p.personnummer.as_ref().map(|x| x.as_str()),
                            p.name,
                            p.phone.as_ref().map(|x| x.as_str()),
                            p.email.as_ref().map(|x| x.as_str()),
                            p.preferred_language.as_ref().map(|x| x.as_str()),
                            p.protected_identity,
                            now
                        ],
                        |r| r.get(0),
                    )
                    .optional()
                })
                .map_err(db)?;
            let id = match inserted_or_filled {
                Some(id) => id,
                None => conn
                    .prepare_cached("SELECT id FROM persons WHERE personnummer = ?1")
                    .and_then(|mut s| s.query_row([p.personnummer.as_ref().map(|x| x.as_str())], |r| r.get(0)))
                    .map_err(db)?,
            };
            Ok((Some(id), None))
        }
        NewContact::Organisation(o) => conn
            .prepare_cached(
                "INSERT INTO organisations (org_number, name, phone, email, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5) \
                 ON CONFLICT (org_number) DO UPDATE SET \
                   name = COALESCE(organisations.name, excluded.name), \
                   phone = COALESCE(organisations.phone, excluded.phone), \
                   email = COALESCE(organisations.email, excluded.email), \
                   updated_at = excluded.updated_at \
                 RETURNING id",
            )
            .and_then(|mut s| {
                s.query_row(
                    params![
                        o.org_number.as_str(),
                        o.name,
                        o.phone.as_ref().map(|x| x.as_str()),
                        o.email.as_ref().map(|x| x.as_str()),
                        now
                    ],
                    |r| r.get(0),
                )
            })
            .map(|id| (None, Some(id)))
            .map_err(db),
    }
}

fn case_id_and_version(conn: &Connection, number: CaseNumber) -> Result<(i64, i64)> {
    conn.prepare_cached("SELECT id, version FROM cases WHERE number = ?1")
        .and_then(|mut s| {
            s.query_row([number.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .map_err(db)?
        .ok_or(StoreError::NotFound)
}

fn next_seq(conn: &Connection, case_id: i64) -> Result<i64> {
    conn.prepare_cached("SELECT COALESCE(MAX(seq), 0) + 1 FROM case_entries WHERE case_id = ?1")
        .and_then(|mut s| s.query_row([case_id], |r| r.get(0)))
        .map_err(db)
}

fn update_case(conn: &Connection, number: CaseNumber, u: &CaseUpdate) -> Result<Updated> {
    let (case_id, version) = case_id_and_version(conn, number)?;
    if u.expected_version.is_some_and(|v| v != version) {
        return Err(StoreError::Conflict);
    }
    // Every check comes before the first write, so a refused change leaves
    // nothing behind even without a savepoint.
    let other_id = match u.link {
        Some(other) => Some(case_id_and_version(conn, other)?.0),
        None => None,
    };
    outbox::check_intake_key(conn, u.intake_key.as_deref())?;
    let at = micros(u.at);
    let mut sets: Vec<(&str, Value)> = vec![
        ("version", Value::Integer(version + 1)),
        ("updated_at", Value::Integer(at)),
    ];
    let text = |s: Option<&str>| s.map_or(Value::Null, |s| Value::Text(s.to_owned()));
    if let Some(s) = u.status {
        sets.push(("status", text(Some(s.as_str()))));
    }
    if let Some(r) = u.resolution {
        sets.push(("resolution", text(r.map(|r| r.as_str()))));
    }
    if let Some(t) = u.closed_at {
        sets.push((
            "closed_at",
            t.map_or(Value::Null, |t| Value::Integer(micros(t))),
        ));
    }
    if let Some(g) = &u.assignee_group {
        sets.push(("assignee_group", text(g.as_deref())));
    }
    if let Some(p) = &u.assignee_person {
        sets.push(("assignee_person", text(p.as_deref())));
    }
    if u.handed_over {
        sets.push(("handed_over", Value::Integer(1)));
    }
    if let Some(d) = u.feedback_deadline {
        sets.push(("feedback_deadline", Value::Text(d.to_string())));
    }
    if let Some(c) = u.feedback_channel {
        sets.push(("feedback_channel", Value::Text(c.as_str().into())));
    }
    let sql = format!(
        "UPDATE cases SET {} WHERE id = ?{}",
        sets.iter()
            .enumerate()
            .map(|(i, (col, _))| format!("{col} = ?{}", i + 1))
            .collect::<Vec<_>>()
            .join(", "),
        sets.len() + 1
    );
    let mut values: Vec<Value> = sets.into_iter().map(|(_, v)| v).collect();
    values.push(Value::Integer(case_id));
    conn.prepare_cached(&sql)
        .and_then(|mut s| s.execute(params_from_iter(values)))
        .map_err(db)?;

    for blob in u.blob.iter().chain(&u.blobs) {
        insert_blob(conn, blob)?;
    }
    outbox::record_intake_key(conn, u.intake_key.as_deref(), case_id, at)?;
    let first = next_seq(conn, case_id)?;
    let mut last_seq = first - 1;
    for (seq, entry) in (first..).zip(&u.entries) {
        insert_entry(conn, case_id, seq, at, &u.author, entry)?;
        queue_for_search(
            conn,
            case_id,
            seq,
            &crate::search_terms_text(entry.text().unwrap_or_default()),
        )?;
        last_seq = seq;
    }
    outbox::queue(conn, case_id, number, at, &u.outbox)?;
    if let Some(other_id) = other_id {
        let inserted = conn
            .prepare_cached("INSERT INTO case_links (case_id, other_id) VALUES (?1, ?2), (?2, ?1) ON CONFLICT DO NOTHING")
            .and_then(|mut s| s.execute(params![case_id, other_id]))
            .map_err(db)?;
        if inserted > 0 {
            let back = kontakt_domain::case::EntryBody::Linked { case: number };
            insert_entry(
                conn,
                other_id,
                next_seq(conn, other_id)?,
                at,
                &u.author,
                &back,
            )?;
        }
    }
    Ok(Updated {
        version: version + 1,
        last_seq: u32::try_from(last_seq).unwrap_or(0),
    })
}

fn person_row(r: &rusqlite::Row) -> rusqlite::Result<PersonRow> {
    Ok(PersonRow {
        id: r.get(0)?,
        personnummer: r.get(1)?,
        name: r.get(2)?,
        phone: r.get(3)?,
        email: r.get(4)?,
        preferred_language: r.get(5)?,
        protected_identity: r.get(6)?,
    })
}

fn read_case(conn: &Connection, number: CaseNumber) -> Result<Option<CaseRecord>> {
    let sql = format!(
        "SELECT {} FROM cases c WHERE c.number = ?1",
        rows::CASE_COLUMNS
    );
    let found = conn
        .prepare_cached(&sql)
        .and_then(|mut s| {
            s.query_row([number.to_string()], |r| {
                let form: String = r.get(16)?;
                let row = CaseRow {
                    number: r.get(1)?,
                    version: r.get(2)?,
                    case_type: r.get(3)?,
                    board: r.get(4)?,
                    service_area: r.get(5)?,
                    district: r.get(6)?,
                    channel: r.get(7)?,
                    status: r.get(8)?,
                    resolution: r.get(9)?,
                    assignee_group: r.get(10)?,
                    assignee_person: r.get(11)?,
                    contact_kind: r.get(12)?,
                    feedback_channel: r.get(13)?,
                    feedback_deadline: date(r.get(14)?)?,
                    description: r.get(15)?,
                    form: serde_json::from_str(&form).unwrap_or(serde_json::Value::Null),
                    confidential: r.get(17)?,
                    handed_over: r.get(18)?,
                    created_at: time(r.get(19)?)?,
                    updated_at: time(r.get(20)?)?,
                    closed_at: opt_time(r.get(21)?)?,
                };
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<i64>>(22)?,
                    r.get::<_, Option<i64>>(23)?,
                    row,
                ))
            })
            .optional()
        })
        .map_err(db)?;
    let Some((case_id, person_id, organisation_id, row)) = found else {
        return Ok(None);
    };
    let person = match person_id {
        Some(id) => conn
            .prepare_cached(
                "SELECT id, personnummer, name, phone, email, preferred_language, protected_identity FROM persons WHERE id = ?1",
            )
            .and_then(|mut s| s.query_row([id], person_row).optional())
            .map_err(db)?,
        None => None,
    };
    let organisation = match organisation_id {
        Some(id) => conn
            .prepare_cached(
                "SELECT id, org_number, name, phone, email FROM organisations WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.query_row([id], |r| {
                    Ok(OrganisationRow {
                        id: r.get(0)?,
                        org_number: r.get(1)?,
                        name: r.get(2)?,
                        phone: r.get(3)?,
                        email: r.get(4)?,
                    })
                })
                .optional()
            })
            .map_err(db)?,
        None => None,
    };
    let entries = conn
        .prepare_cached(
            "SELECT seq, at, author, body FROM case_entries WHERE case_id = ?1 ORDER BY seq",
        )
        .and_then(|mut s| {
            s.query_map([case_id], |r| {
                let body: String = r.get(3)?;
                Ok(EntryRow {
                    seq: r.get(0)?,
                    at: time(r.get(1)?)?,
                    author: r.get(2)?,
                    body: serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(db)?;
    let related = conn
        .prepare_cached(
            "SELECT o.number FROM case_links l JOIN cases o ON o.id = l.other_id WHERE l.case_id = ?1 ORDER BY o.id",
        )
        .and_then(|mut s| s.query_map([case_id], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>())
        .map_err(db)?;
    let mut case = row.into_record(person, organisation, entries, related)?;
    case.outbox = outbox::for_case(conn, case.number)?;
    Ok(Some(case))
}

fn list(conn: &Connection, filter: &CaseFilter) -> Result<Vec<CaseSummary>> {
    let (query, values) = rows::list_query(
        filter,
        &ListDialect {
            search: "c.id IN (SELECT rowid >> 10 FROM case_search WHERE case_search MATCH ?)",
            name: "name",
            // Everything after the last space: rtrim drops the last word's
            // characters up to that space.
            family_name: "substr(name, length(rtrim(name, replace(name, ' ', ''))) + 1)",
        },
        |n| format!("?{n}"),
        |v| match v {
            ListValue::Text(s) => Value::Text(s),
            ListValue::Time(t) => Value::Integer(micros(t)),
        },
    );
    let mut stmt = conn.prepare_cached(&query).map_err(db)?;
    let rows = stmt
        .query_map(params_from_iter(values), |r| {
            Ok(SummaryRow {
                number: r.get(0)?,
                case_type: r.get(1)?,
                board: r.get(2)?,
                district: r.get(3)?,
                channel: r.get(4)?,
                status: r.get(5)?,
                resolution: r.get(6)?,
                assignee_group: r.get(7)?,
                contact_kind: r.get(8)?,
                feedback_deadline: date(r.get(9)?)?,
                created_at: time(r.get(10)?)?,
                updated_at: time(r.get(11)?)?,
            })
        })
        .map_err(db)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db)?;
    rows.into_iter().map(SummaryRow::into_summary).collect()
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn create_case(&self, case: NewCase) -> Result<CaseNumber> {
        self.writer.create(case).await
    }

    async fn create_cases(&self, cases: Vec<NewCase>) -> Result<Vec<CaseNumber>> {
        self.writer.create_many(cases).await
    }

    async fn update_case(&self, number: CaseNumber, update: CaseUpdate) -> Result<Updated> {
        self.writer.update(number, update).await
    }

    async fn case(&self, number: CaseNumber) -> Result<Option<CaseRecord>> {
        // One read transaction: the case row, its timeline and links from
        // the same snapshot, never half of a concurrent change.
        self.read(move |c| {
            let tx = c.unchecked_transaction().map_err(db)?;
            let case = read_case(&tx, number)?;
            tx.commit().map_err(db)?;
            Ok(case)
        })
        .await
    }

    async fn list_cases(&self, filter: &CaseFilter) -> Result<Vec<CaseSummary>> {
        let filter = filter.clone();
        self.read(move |c| list(c, &filter)).await
    }

    async fn claim_outbound(
        &self,
        claim: crate::outbox::Claim,
    ) -> Result<Vec<crate::outbox::OutboundMessage>> {
        self.writer.claim_outbound(claim).await
    }

    async fn record_outbound(&self, result: crate::outbox::OutboundResult) -> Result<()> {
        self.writer.record_outbound(result).await
    }

    async fn outbound_by_message_id(
        &self,
        message_id: &str,
    ) -> Result<Option<crate::outbox::OutboundMessage>> {
        let message_id = message_id.to_owned();
        self.read(move |c| outbox::by_message_id(c, &message_id))
            .await
    }

    async fn latest_outbound_to(
        &self,
        channel: kontakt_domain::message::OutboundChannel,
        recipient: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<CaseNumber>> {
        let recipient = recipient.to_owned();
        self.read(move |c| outbox::latest_to(c, channel, &recipient, micros(since)))
            .await
    }

    async fn count_cases(&self) -> Result<u64> {
        self.read(|c| {
            c.query_row("SELECT COUNT(*) FROM cases", [], |r| r.get::<_, i64>(0))
                .map(|n| n as u64)
                .map_err(db)
        })
        .await
    }

    async fn registered_intake(&self, key: &str) -> Result<Option<CaseNumber>> {
        let key = key.to_owned();
        let seen = self
            .read(move |c| outbox::check_intake_key(c, Some(&key)))
            .await;
        match seen {
            Ok(()) => Ok(None),
            Err(crate::StoreError::AlreadyRegistered(n)) => Ok(Some(n)),
            Err(e) => Err(e),
        }
    }

    async fn count_outbound_to(
        &self,
        channel: kontakt_domain::message::OutboundChannel,
        recipient: &str,
        since: DateTime<Utc>,
    ) -> Result<u64> {
        let recipient = recipient.to_owned();
        self.read(move |c| outbox::count_to(c, channel, &recipient, micros(since)))
            .await
    }

    async fn save_call(&self, call: crate::calls::CallRow) -> Result<bool> {
        self.writer.save_call(call).await
    }

    async fn close_open_calls(
        &self,
        outcome: kontakt_domain::phone::CallOutcome,
        at: DateTime<Utc>,
    ) -> Result<u64> {
        self.writer.close_open_calls(outcome, at).await
    }

    async fn link_call_case(&self, call_id: &str, case: CaseNumber) -> Result<bool> {
        self.writer.link_call_case(call_id, case).await
    }

    async fn calls_since(&self, since: DateTime<Utc>) -> Result<Vec<crate::calls::CallRow>> {
        self.read(move |c| calls::since(c, micros(since))).await
    }

    async fn call_buckets(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<kontakt_domain::stats::CallBucket>> {
        self.read(move |c| calls::buckets(c, from, to)).await
    }

    async fn uncounted_calls(&self, limit: u32) -> Result<Vec<crate::calls::CallRow>> {
        self.read(move |c| calls::uncounted(c, limit)).await
    }

    async fn count_calls(&self, write: crate::calls::CallCountsWrite) -> Result<u64> {
        self.writer.count_calls(write).await
    }

    async fn crisis_write(&self, write: crate::crisis::CrisisWrite) -> Result<i64> {
        self.writer.crisis(write).await
    }

    async fn active_crisis(&self) -> Result<Option<crate::crisis::StoredCrisis>> {
        self.read(crisis::active).await
    }

    async fn crises(&self, limit: u32) -> Result<Vec<crate::crisis::StoredCrisis>> {
        self.read(move |c| crisis::recent(c, limit)).await
    }

    async fn directory_write(&self, write: crate::directory::DirectoryWrite) -> Result<i64> {
        self.writer.directory(write).await
    }

    async fn directory(&self, now: DateTime<Utc>) -> Result<crate::directory::DirectorySnapshot> {
        self.read(move |c| directory::snapshot(c, now)).await
    }

    async fn directory_stamp(&self) -> Result<crate::directory::DirectoryStamp> {
        self.read(directory::stamp).await
    }

    async fn directory_notes(
        &self,
        now: DateTime<Utc>,
    ) -> Result<(
        crate::directory::DirectoryStamp,
        Vec<crate::directory::StoredAbsence>,
    )> {
        self.read(move |c| directory::notes(c, now)).await
    }

    async fn directory_history(
        &self,
        kind: &str,
        id: &str,
        limit: u32,
    ) -> Result<Vec<crate::directory::HistoryRow>> {
        let (kind, id) = (kind.to_owned(), id.to_owned());
        self.read(move |c| directory::history(c, &kind, &id, limit))
            .await
    }

    async fn resident_write(&self, write: crate::residents::ResidentWrite) -> Result<i64> {
        self.writer.resident(write).await
    }

    async fn resident_session(
        &self,
        id_hash: &str,
    ) -> Result<Option<crate::residents::ResidentSession>> {
        let id_hash = id_hash.to_owned();
        self.read(move |c| residents::session(c, &id_hash)).await
    }

    async fn resident_code(&self, id: &str) -> Result<Option<(String, u32)>> {
        let id = id.to_owned();
        self.read(move |c| residents::code(c, &id)).await
    }

    async fn resident_codes_since(&self, address: &str, since: DateTime<Utc>) -> Result<u64> {
        let address = address.to_owned();
        self.read(move |c| residents::codes_since(c, &address, micros(since)))
            .await
    }

    async fn follow_token_hash(&self, number: CaseNumber) -> Result<Option<String>> {
        self.read(move |c| residents::follow_token_hash(c, &number.to_string()))
            .await
    }

    async fn directory_imports(&self, limit: u32) -> Result<Vec<crate::directory::ImportRow>> {
        self.read(move |c| directory::imports(c, limit)).await
    }

    async fn knowledge(&self, write: crate::knowledge::KnowledgeWrite) -> Result<i64> {
        self.writer.knowledge(write).await
    }

    async fn article(&self, id: i64) -> Result<Option<crate::knowledge::StoredArticle>> {
        self.read(move |c| knowledge::article(c, id)).await
    }

    async fn published_articles(&self) -> Result<Vec<crate::knowledge::StoredArticle>> {
        self.read(knowledge::published).await
    }

    async fn article_attachments(
        &self,
        article: i64,
    ) -> Result<Vec<crate::knowledge::ArticleAttachment>> {
        self.read(move |c| knowledge::attachments(c, article)).await
    }

    async fn article_list(&self) -> Result<Vec<crate::knowledge::StoredArticle>> {
        self.read(knowledge::list).await
    }

    async fn knowledge_stamp(&self) -> Result<i64> {
        self.read(knowledge::stamp).await
    }

    async fn open_article_flags(&self) -> Result<Vec<crate::knowledge::ArticleFlag>> {
        self.read(knowledge::open_flags).await
    }

    async fn article_uses(&self) -> Result<Vec<crate::knowledge::ArticleUse>> {
        self.read(knowledge::uses).await
    }

    async fn knowledge_gaps(&self, since: NaiveDate) -> Result<Vec<crate::knowledge::Gap>> {
        self.read(move |c| knowledge::gaps(c, since)).await
    }

    async fn queue_report(&self, report: crate::outbox::NewReport) -> Result<bool> {
        self.writer.queue_report(report).await
    }

    async fn unlinked_calls(
        &self,
        agent: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<(String, DateTime<Utc>)>> {
        let agent = agent.to_owned();
        self.read(move |c| calls::unlinked(c, &agent, micros(since)))
            .await
    }

    async fn queued_for_facts(&self, limit: u32) -> Result<Vec<crate::facts::QueuedCase>> {
        self.read(move |c| facts::queued(c, limit)).await
    }

    async fn freeze_baseline(&self, baseline: crate::facts::NewBaseline) -> Result<i64> {
        self.writer.baseline(baseline).await
    }

    async fn baselines(&self) -> Result<Vec<crate::facts::Baseline>> {
        self.read(facts::baselines).await
    }

    async fn save_facts(&self, write: crate::facts::FactsWrite) -> Result<u64> {
        self.writer.facts(write).await
    }

    async fn fact_counts(
        &self,
        filter: crate::facts::FactFilter,
        by_day: bool,
    ) -> Result<Vec<crate::facts::FactCounts>> {
        self.read(move |c| facts::counts(c, &filter, by_day)).await
    }

    async fn fact_totals(
        &self,
        filter: crate::facts::FactFilter,
    ) -> Result<kontakt_domain::stats::CaseCounts> {
        self.read(move |c| facts::totals(c, &filter)).await
    }

    async fn resolution_buckets(
        &self,
        filter: crate::facts::FactFilter,
    ) -> Result<Vec<crate::facts::ResolutionBucket>> {
        self.read(move |c| facts::resolution(c, &filter)).await
    }

    async fn call(&self, call_id: &str) -> Result<Option<crate::calls::CallRow>> {
        let call_id = call_id.to_owned();
        self.read(move |c| calls::one(c, &call_id)).await
    }

    async fn phone_settings(&self) -> Result<Vec<crate::phone::StoredPhoneSettings>> {
        crate::phone::group_settings(self.line_rows(LineTable::GroupSettings).await?)
    }

    async fn save_phone_settings(&self, write: crate::phone::PhoneSettingsWrite) -> Result<()> {
        self.writer.phone_line(write.into()).await
    }

    async fn phone_announcements(&self) -> Result<Vec<crate::phone::StoredAnnouncement>> {
        crate::phone::announcements(self.line_rows(LineTable::Announcements).await?)
    }

    async fn save_phone_announcement(&self, write: crate::phone::AnnouncementWrite) -> Result<()> {
        self.writer.phone_line(write.into()).await
    }

    async fn set_aside(&self, mail: crate::set_aside::NewSetAside) -> Result<i64> {
        self.writer.set_aside(mail).await
    }

    async fn set_aside_list(&self, limit: u32) -> Result<Vec<crate::set_aside::SetAsideSummary>> {
        self.read(move |c| set_aside::list(c, limit)).await
    }

    async fn set_aside_mail(&self, id: i64) -> Result<Option<crate::set_aside::SetAside>> {
        self.read(move |c| set_aside::get(c, id)).await
    }

    async fn release_set_aside(&self, release: crate::set_aside::Release) -> Result<bool> {
        self.writer.release_set_aside(release).await
    }

    async fn blob(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let sha = sha256.to_owned();
        self.read(move |c| {
            c.prepare_cached("SELECT content FROM blobs WHERE sha256 = ?1")
                .and_then(|mut s| s.query_row([sha], |r| r.get(0)).optional())
                .map_err(db)
        })
        .await
    }

    async fn create_token(&self, token: NewToken) -> Result<()> {
        self.writer.token(token).await
    }

    async fn token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>> {
        let hash = hash.to_owned();
        self.read(move |c| {
            c.prepare_cached(
                "SELECT name, scopes, revoked_at IS NOT NULL FROM api_tokens WHERE token_hash = ?1",
            )
            .and_then(|mut s| {
                s.query_row([hash], |r| {
                    let scopes: String = r.get(1)?;
                    Ok(ApiToken {
                        name: r.get(0)?,
                        scopes: scopes.split_whitespace().map(str::to_owned).collect(),
                        revoked: r.get(2)?,
                    })
                })
                .optional()
            })
            .map_err(db)
        })
        .await
    }

    async fn meta(&self, key: &str) -> Result<Option<String>> {
        let key = key.to_owned();
        self.read(move |c| {
            c.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()
                .map_err(db)
        })
        .await
    }

    async fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.writer.meta(key, value).await
    }

    async fn retention_candidates(
        &self,
        case_type: &str,
        closed_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<crate::rights::RetentionCandidate>> {
        let case_type = case_type.to_owned();
        self.read(move |c| rights::candidates(c, &case_type, closed_before, limit))
            .await
    }

    async fn remove_cases(&self, removal: crate::rights::Removal) -> Result<u64> {
        self.writer.remove(removal).await
    }

    async fn removed_counts(&self) -> Result<Vec<crate::rights::RemovedCount>> {
        self.read(rights::counts).await
    }

    async fn rectify(&self, rectification: crate::rights::Rectification) -> Result<()> {
        self.writer.rectify(rectification).await
    }

    async fn rectifications(
        &self,
        person_id: i64,
    ) -> Result<Vec<crate::rights::RectificationRecord>> {
        self.read(move |c| rights::history(c, person_id)).await
    }

    async fn index_queued(&self, limit: u32) -> Result<u64> {
        self.writer.index_queued(limit).await
    }

    async fn staff_write(&self, write: crate::staff::StaffWrite) -> Result<()> {
        self.writer.staff(write).await
    }

    async fn account(&self, username: &str) -> Result<Option<crate::staff::Account>> {
        let username = username.to_owned();
        self.read(move |c| {
            staff::accounts(c, "WHERE username = ?1", &username).map(|a| a.into_iter().next())
        })
        .await
    }

    async fn account_by_subject(&self, subject: &str) -> Result<Option<crate::staff::Account>> {
        let subject = subject.to_owned();
        self.read(move |c| {
            staff::accounts(c, "WHERE oidc_subject = ?1", &subject).map(|a| a.into_iter().next())
        })
        .await
    }

    async fn accounts(&self) -> Result<Vec<crate::staff::Account>> {
        self.read(|c| staff::accounts(c, "", "")).await
    }

    async fn session(&self, id_hash: &str) -> Result<Option<crate::staff::Session>> {
        let id_hash = id_hash.to_owned();
        self.read(move |c| staff::session(c, &id_hash)).await
    }

    async fn revoke_tokens(&self, name: &str) -> Result<u64> {
        self.writer.revoke_tokens(name).await
    }

    async fn ping(&self) -> Result<()> {
        self.writer.ping().await
    }

    async fn audit(&self, events: Vec<AuditEvent>) -> Result<()> {
        self.writer.audit(events).await
    }

    async fn audit_page(&self, q: &AuditQuery) -> Result<Vec<AuditRecord>> {
        let (after, board, from, to, limit) = (
            q.after,
            q.board.clone(),
            q.from.map(micros),
            q.to.map(micros),
            q.limit,
        );
        self.read(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT id, at, actor, action, object_type, object_id, board, purpose, operation_id, client, \
                     outcome, detail, prev_hash, hash FROM audit_log WHERE id > ?1 AND (?2 IS NULL OR board = ?2) \
                     AND (?3 IS NULL OR at >= ?3) AND (?4 IS NULL OR at < ?4) ORDER BY id LIMIT ?5",
                )
                .map_err(db)?;
            let rows = stmt
                .query_map(params![after, board, from, to, limit], |r| {
                    let outcome: String = r.get(10)?;
                    let detail: String = r.get(11)?;
                    Ok((
                        AuditRecord {
                            id: r.get(0)?,
                            event: AuditEvent {
                                at: time(r.get(1)?)?,
                                actor: r.get(2)?,
                                action: r.get(3)?,
                                object_type: r.get(4)?,
                                object_id: r.get(5)?,
                                board: r.get(6)?,
                                purpose: r.get(7)?,
                                operation_id: r.get(8)?,
                                client: r.get(9)?,
                                outcome: Outcome::Allowed,
                                detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null),
                            },
                            detail_text: detail,
                            prev_hash: r.get(12)?,
                            hash: r.get(13)?,
                        },
                        outcome,
                    ))
                })
                .map_err(db)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(db)?;
            rows.into_iter().map(crate::rows::audit_outcome).collect()
        })
        .await
    }
}
