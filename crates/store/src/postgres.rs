//! PostgreSQL, for deployments that outgrow one machine. Same tables and the
//! same group-commit writer as SQLite: one task holds one connection for
//! writes, reads go through a connection pool. With several Kontakt
//! processes on one database the counter row's lock still keeps case numbers
//! gapless and unique (each writer's transaction waits for the other's).

use std::str::FromStr;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Transaction};
use kontakt_domain::audit::{AuditEvent, AuditRecord, Outcome};
use kontakt_domain::case::{CaseNumber, EntryBody};
use tokio::sync::mpsc;
use tokio_postgres::types::ToSql;
use tokio_postgres::NoTls;

use crate::phone::LineTable;
use crate::rows::{
    self, CaseRow, EntryRow, ListDialect, ListValue, OrganisationRow, PersonRow, SummaryRow,
};
use crate::writer::{unexpected, ChainHead, Output, Pending, WriteOp, WriterHandle, MAX_BATCH};
use crate::AuditQuery;
use crate::{
    case_year, migrate, ApiToken, Backend, CaseFilter, CaseRecord, CaseSummary, CaseUpdate,
    NewCase, NewContact, NewToken, Result, Store, StoreError, Updated,
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

pub struct PgStore {
    writer: WriterHandle,
    pool: Pool,
}

fn db(e: impl std::error::Error) -> StoreError {
    StoreError::Database(describe(&e))
}

/// An error with its causes: tokio-postgres puts the server's message in
/// `source()`, and "db error" alone helps nobody.
fn describe(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

type Param = Box<dyn ToSql + Sync + Send>;

impl PgStore {
    pub async fn open(url: &str) -> Result<Self> {
        let config =
            tokio_postgres::Config::from_str(url).map_err(|e| StoreError::BadUrl(e.to_string()))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager).max_size(16).build().map_err(db)?;
        let mut client = pool.get().await.map_err(db)?;
        run_migrations(&mut client).await?;
        prepare_writer_session(&client).await?;

        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(writer_loop(pool.clone(), client, rx));
        Ok(PgStore {
            writer: WriterHandle(tx),
            pool,
        })
    }

    async fn client(&self) -> Result<deadpool_postgres::Object> {
        self.pool.get().await.map_err(db)
    }

    async fn line_rows(&self, table: LineTable) -> Result<Vec<crate::phone::LineRow>> {
        let client = self.client().await?;
        let rows = client.query(&table.select_sql(), &[]).await.map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| crate::phone::LineRow {
                key: r.get(0),
                json: r.get(1),
                changed_by: r.get(2),
                changed_at: r.get(3),
            })
            .collect())
    }
}

async fn run_migrations(client: &mut deadpool_postgres::Object) -> Result<()> {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)",
        )
        .await
        .map_err(db)?;
    let tx = client.transaction().await.map_err(db)?;
    // Two processes starting at once must not both migrate.
    tx.batch_execute("LOCK TABLE schema_migrations IN EXCLUSIVE MODE")
        .await
        .map_err(db)?;
    let applied: i64 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .await
        .map_err(db)?
        .get(0);
    for (version, name, sql) in migrate::POSTGRES.iter().filter(|(v, _, _)| *v > applied) {
        tx.batch_execute(sql).await.map_err(|e| {
            StoreError::Database(format!("migration {version} ({name}): {}", describe(&e)))
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())",
            &[version, name],
        )
        .await
        .map_err(db)?;
    }
    tx.commit().await.map_err(db)
}

/// Acknowledged means durable, whatever the server's default: a server
/// tuned with `synchronous_commit = off` would otherwise lose acknowledged
/// writes in a crash.
async fn prepare_writer_session(client: &deadpool_postgres::Object) -> Result<()> {
    client
        .batch_execute("SET synchronous_commit = on")
        .await
        .map_err(db)
}

async fn writer_loop(
    pool: Pool,
    mut client: deadpool_postgres::Object,
    mut inbox: mpsc::Receiver<Pending>,
) {
    while let Some(first) = inbox.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match inbox.try_recv() {
                Ok(p) => batch.push(p),
                Err(_) => break,
            }
        }
        // After a restart of the server or a network cut, the next batch gets
        // a fresh connection instead of failing for ever.
        if client.is_closed() {
            match pool.get().await {
                Ok(fresh) if prepare_writer_session(&fresh).await.is_ok() => {
                    tracing::warn!("the writer's database connection was lost; reconnected");
                    client = fresh;
                }
                _ => {
                    for p in batch {
                        let _ = p.reply.send(Err(StoreError::Database(
                            "the database is unreachable".into(),
                        )));
                    }
                    continue;
                }
            }
        }
        run_batch(&mut client, batch).await;
    }
}

/// Runs the batch in one transaction without savepoints (each costs two
/// round trips). That is safe because a write fails with an expected error
/// (not found, conflict) only in its checks, before it has written anything.
/// A database error mid-write breaks the transaction: then every write of
/// the batch is retried alone, so each caller gets its own true answer.
async fn run_batch(client: &mut deadpool_postgres::Object, batch: Vec<Pending>) {
    match try_batch(client, batch.iter().map(|p| &p.op)).await {
        Ok(results) => {
            for (p, r) in batch.into_iter().zip(results) {
                let _ = p.reply.send(r);
            }
        }
        // A failed COMMIT may still have committed (the connection can drop
        // after the server did it): retrying could write twice, so callers
        // are told the truth instead.
        Err(BatchError::AtCommit(e)) => {
            for p in batch {
                let _ = p.reply.send(Err(StoreError::Database(format!(
                    "the outcome is unknown (commit failed: {e}); check before retrying"
                ))));
            }
        }
        Err(BatchError::Before(e)) if batch.len() == 1 => {
            if let Some(p) = batch.into_iter().next() {
                let _ = p.reply.send(Err(e));
            }
        }
        Err(BatchError::Before(e)) => {
            tracing::warn!(error = %e, writes = batch.len(), "batch failed; retrying its writes one by one");
            for p in batch {
                let result = match try_batch(client, std::iter::once(&p.op)).await {
                    Ok(mut r) => r.pop().unwrap_or_else(|| Err(unexpected())),
                    Err(BatchError::Before(e)) => Err(e),
                    Err(BatchError::AtCommit(e)) => Err(StoreError::Database(format!(
                        "the outcome is unknown (commit failed: {e}); check before retrying"
                    ))),
                };
                let _ = p.reply.send(result);
            }
        }
    }
}

/// Why a batch's transaction did not commit.
enum BatchError {
    /// Before COMMIT was sent: nothing of the batch was written.
    Before(StoreError),
    /// COMMIT itself failed: the batch may or may not be durable.
    AtCommit(StoreError),
}

impl From<StoreError> for BatchError {
    fn from(e: StoreError) -> Self {
        BatchError::Before(e)
    }
}

/// One transaction over `ops`: the per-write results if it committed.
async fn try_batch<'a>(
    client: &mut deadpool_postgres::Object,
    ops: impl Iterator<Item = &'a WriteOp>,
) -> std::result::Result<Vec<Result<Output>>, BatchError> {
    let tx = client.transaction().await.map_err(db)?;
    // Several Kontakt processes may share the database: the lock makes their
    // transactions extend the audit chain one after the other.
    // The lock first, then the head: in sequence, so no other process can
    // read the same head in between.
    tx.execute("SELECT pg_advisory_xact_lock(727101)", &[])
        .await
        .map_err(db)?;
    let head_row = tx
        .query_opt(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
            &[],
        )
        .await
        .map_err(db)?;
    let mut head = ChainHead::new(head_row.map(|r| (r.get(0), r.get(1))));
    let mut results = Vec::new();
    for op in ops {
        match apply(&tx, op, &mut head).await {
            Err(e @ StoreError::Database(_)) | Err(e @ StoreError::Corrupt(_)) => {
                return Err(BatchError::Before(e))
            }
            other => results.push(other),
        }
    }
    tx.commit()
        .await
        .map_err(|e| BatchError::AtCommit(StoreError::Database(describe(&e))))?;
    Ok(results)
}

async fn append_audit(
    tx: &Transaction<'_>,
    head: &mut ChainHead,
    events: &[AuditEvent],
) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let stmt = tx
        .prepare_cached(
            "INSERT INTO audit_log (id, at, actor, action, object_type, object_id, board, purpose, operation_id, \
             client, outcome, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .await
        .map_err(db)?;
    for e in events {
        let (id, detail, prev, hash) = head.link(e);
        tx.execute(
            &stmt,
            &[
                &id,
                &e.at.timestamp_micros(),
                &e.actor,
                &e.action,
                &e.object_type,
                &e.object_id,
                &e.board,
                &e.purpose,
                &e.operation_id,
                &e.client,
                &e.outcome.as_str(),
                &detail,
                &prev,
                &hash,
            ],
        )
        .await
        .map_err(db)?;
    }
    Ok(())
}

/// Applies one write. Expected failures (not found, conflict) happen before
/// anything is written; the audit chain head only moves when all succeeded.
async fn apply(tx: &Transaction<'_>, op: &WriteOp, head: &mut ChainHead) -> Result<Output> {
    let mut next = head.clone();
    let out = apply_write(tx, op, &mut next).await?;
    *head = next;
    Ok(out)
}

async fn apply_write(tx: &Transaction<'_>, op: &WriteOp, head: &mut ChainHead) -> Result<Output> {
    match op {
        WriteOp::Create(case) => {
            let number = insert_case(tx, case).await?;
            if let Some(event) = &case.audit {
                let mut event = event.clone();
                event.object_id = number.to_string();
                append_audit(tx, head, &[event]).await?;
            }
            Ok(Output::Created(number))
        }
        WriteOp::Audit(events) => append_audit(tx, head, events).await.map(|_| Output::Done),
        WriteOp::Ping => Ok(Output::Done),
        WriteOp::RevokeTokens(name, at) => tx
            .execute(
                "UPDATE api_tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL",
                &[at, name],
            )
            .await
            .map(Output::Count)
            .map_err(db),
        WriteOp::CreateMany(cases) => {
            let mut numbers = Vec::with_capacity(cases.len());
            for c in cases {
                numbers.push(insert_case(tx, c).await?);
            }
            Ok(Output::CreatedMany(numbers))
        }
        WriteOp::IndexQueued(limit) => {
            let moved = tx
                .execute(
                    "WITH moved AS (
                         DELETE FROM case_search_queue
                         WHERE ctid IN (SELECT ctid FROM case_search_queue LIMIT $1)
                         RETURNING case_id, terms)
                     INSERT INTO case_search (case_id, terms)
                     SELECT case_id, to_tsvector('simple', terms) FROM moved",
                    &[limit],
                )
                .await
                .map_err(db)?;
            Ok(Output::Count(moved))
        }
        WriteOp::Update(number, update) => {
            let updated = update_case(tx, *number, update).await?;
            append_audit(tx, head, &update.audit).await?;
            Ok(Output::Updated(updated))
        }
        WriteOp::Token(t) => {
            tx.execute(
                "INSERT INTO api_tokens (name, token_hash, scopes, created_at) VALUES ($1, $2, $3, $4)",
                &[&t.name, &t.hash, &t.scopes.join(" "), &t.created_at],
            )
            .await
            .map_err(db)?;
            Ok(Output::Done)
        }
        WriteOp::Remove(r) => {
            let (n, audit) = rights::remove(tx, r).await?;
            append_audit(tx, head, &audit).await?;
            Ok(Output::Count(n))
        }
        WriteOp::ClaimOutbound(c) => outbox::claim(tx, c).await.map(Output::Claimed),
        WriteOp::RecordOutbound(r) => outbox::record(tx, r).await.map(|()| Output::Done),
        WriteOp::QueueReport(r) => outbox::queue_report(tx, r).await.map(Output::Count),
        WriteOp::Knowledge(w) => knowledge::write(tx, w).await.map(Output::Id),
        WriteOp::Crisis(w) => {
            let n = crisis::write(tx, w).await?;
            let audit = match w.as_ref() {
                crate::crisis::CrisisWrite::Start { audit, .. }
                | crate::crisis::CrisisWrite::End { audit, .. } => audit,
            };
            append_audit(tx, head, audit).await?;
            Ok(Output::Id(n))
        }
        WriteOp::Directory(w) => {
            let n = directory::write(tx, w).await?;
            append_audit(tx, head, w.audit()).await?;
            Ok(Output::Id(n))
        }
        WriteOp::Resident(w) => {
            let (n, audited) = residents::write(tx, w).await?;
            if audited {
                append_audit(tx, head, w.audit()).await?;
            }
            Ok(Output::Id(n))
        }
        WriteOp::PhoneLine(w) => {
            let row = &w.row;
            tx.execute(
                &w.table.upsert_sql('$'),
                &[&row.key, &row.json, &row.changed_by, &row.changed_at],
            )
            .await
            .map_err(db)?;
            append_audit(tx, head, &w.audit).await?;
            Ok(Output::Done)
        }
        WriteOp::Facts(w) => facts::save(tx, w).await.map(Output::Count),
        WriteOp::CountCalls(w) => calls::count(tx, w).await.map(Output::Count),
        WriteOp::Baseline(b) => {
            let id = facts::insert_baseline(tx, &b.baseline).await?;
            append_audit(tx, head, &b.audit).await?;
            Ok(Output::Id(id))
        }
        WriteOp::SaveCall(c) => calls::save(tx, c).await.map(Output::Count),
        WriteOp::CloseOpenCalls(outcome, at) => calls::close_open(tx, *outcome, *at)
            .await
            .map(Output::Count),
        WriteOp::LinkCallCase(call, case) => {
            calls::link_case(tx, call, *case).await.map(Output::Count)
        }
        WriteOp::SetAside(m) => set_aside::insert(tx, m).await.map(Output::Id),
        WriteOp::ReleaseSetAside(r) => {
            let n = set_aside::release(tx, r.id).await?;
            if n > 0 {
                append_audit(tx, head, &r.audit).await?;
            }
            Ok(Output::Count(n))
        }
        WriteOp::Rectify(r) => {
            rights::rectify(tx, r).await?;
            append_audit(tx, head, &r.audit).await?;
            Ok(Output::Done)
        }
        WriteOp::Staff(w) => {
            staff::write(tx, w).await?;
            append_audit(tx, head, &w.audit).await?;
            Ok(Output::Done)
        }
        WriteOp::Meta(key, value) => {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[key, value],
            )
            .await
            .map_err(db)?;
            Ok(Output::Done)
        }
    }
}

async fn insert_case(tx: &Transaction<'_>, c: &NewCase) -> Result<CaseNumber> {
    outbox::check_intake_key(tx, c.intake_key.as_deref()).await?;
    let year = case_year(c.created_at);
    let stmt = tx
        .prepare_cached(
            "INSERT INTO case_counters (year, last_serial) VALUES ($1, 1) \
             ON CONFLICT (year) DO UPDATE SET last_serial = case_counters.last_serial + 1 RETURNING last_serial",
        )
        .await
        .map_err(db)?;
    // The counter and the contact do not depend on each other: sent
    // together, they share one round trip (tokio-postgres pipelines them).
    let (serial_row, (person_id, organisation_id)) = tokio::try_join!(
        async { tx.query_one(&stmt, &[&year]).await.map_err(db) },
        upsert_contact(tx, &c.contact, c.created_at),
    )?;
    let serial: i64 = serial_row.get(0);
    let number = u16::try_from(year)
        .ok()
        .zip(u32::try_from(serial).ok())
        .and_then(|(y, s)| CaseNumber::new(y, s))
        .ok_or_else(|| {
            StoreError::Database(format!("no case number for year {year}, serial {serial}"))
        })?;
    let stmt = tx
        .prepare_cached(
            "INSERT INTO cases (number, case_type, board, service_area, district, channel, status, resolution, \
             assignee_group, assignee_person, contact_kind, person_id, organisation_id, feedback_channel, \
             feedback_deadline, description, form, confidential, handed_over, created_at, updated_at, closed_at, \
             follow_token_hash, given_email, given_phone) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25) \
             RETURNING id",
        )
        .await
        .map_err(db)?;
    let form = serde_json::Value::Object(c.form.clone());
    let (given_email, given_phone) = c.given_addresses();
    let case_id: i64 = tx
        .query_one(
            &stmt,
            &[
                &number.to_string(),
                &c.case_type,
                &c.board,
                &c.service_area,
                &c.district,
                &c.channel.as_str(),
                &c.status.as_str(),
                &c.resolution.map(|r| r.as_str()),
                &c.assignee_group,
                &c.assignee_person,
                &c.contact.kind().as_str(),
                &person_id,
                &organisation_id,
                &c.feedback_channel.map(|f| f.as_str()),
                &c.feedback_deadline,
                &c.description,
                &form,
                &c.confidential,
                &c.handed_over,
                &c.created_at,
                &crate::updated_at(c),
                &c.closed_at,
                &c.follow_token_hash,
                &given_email,
                &given_phone,
            ],
        )
        .await
        .map_err(db)?
        .get(0);
    futures_util::future::try_join_all(
        c.entries
            .iter()
            .enumerate()
            .map(|(i, e)| insert_entry(tx, case_id, i as i32 + 1, e.at, &e.author, &e.body)),
    )
    .await?;
    queue_for_search(tx, case_id, &crate::case_search_text(c)).await?;
    outbox::queue(tx, case_id, number, c.created_at, &c.outbox).await?;
    for blob in &c.blobs {
        outbox::insert_blob(tx, blob).await?;
    }
    outbox::record_intake_key(tx, c.intake_key.as_deref(), case_id, c.created_at).await?;
    Ok(number)
}

/// Queues stems for the search index of a case; a search first moves the
/// queue into the index in one statement (`index_queued`), which is far
/// cheaper than updating the GIN index write by write.
async fn queue_for_search(tx: &Transaction<'_>, case_id: i64, terms: &str) -> Result<()> {
    if terms.is_empty() {
        return Ok(());
    }
    let stmt = tx
        .prepare_cached("INSERT INTO case_search_queue (case_id, terms) VALUES ($1, $2)")
        .await
        .map_err(db)?;
    tx.execute(&stmt, &[&case_id, &terms]).await.map_err(db)?;
    Ok(())
}

async fn insert_entry(
    tx: &Transaction<'_>,
    case_id: i64,
    seq: i32,
    at: DateTime<Utc>,
    author: &str,
    body: &EntryBody,
) -> Result<()> {
    let json = serde_json::to_value(body).map_err(db)?;
    let stmt = tx
        .prepare_cached("INSERT INTO case_entries (case_id, seq, at, author, kind, body) VALUES ($1, $2, $3, $4, $5, $6)")
        .await
        .map_err(db)?;
    tx.execute(&stmt, &[&case_id, &seq, &at, &author, &body.kind(), &json])
        .await
        .map_err(db)?;
    Ok(())
}

async fn upsert_contact(
    tx: &Transaction<'_>,
    contact: &NewContact,
    now: DateTime<Utc>,
) -> Result<(Option<i64>, Option<i64>)> {
    match contact {
        NewContact::Anonymous => Ok((None, None)),
        NewContact::Person(p) => {
            let stmt = tx
                .prepare_cached(
                    "WITH changed AS ( \
                     INSERT INTO persons (personnummer, name, phone, email, preferred_language, protected_identity, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
                     ON CONFLICT (personnummer) DO UPDATE SET \
                       name = COALESCE(persons.name, excluded.name), \
                       phone = COALESCE(persons.phone, excluded.phone), \
                       email = COALESCE(persons.email, excluded.email), \
                       preferred_language = COALESCE(persons.preferred_language, excluded.preferred_language), \
                       protected_identity = persons.protected_identity OR excluded.protected_identity, \
                       updated_at = excluded.updated_at \
                     WHERE (persons.name IS NULL AND excluded.name IS NOT NULL) \
                        OR (persons.phone IS NULL AND excluded.phone IS NOT NULL) \
                        OR (persons.email IS NULL AND excluded.email IS NOT NULL) \
                        OR (persons.preferred_language IS NULL AND excluded.preferred_language IS NOT NULL) \
                        OR (excluded.protected_identity AND NOT persons.protected_identity) \
                     RETURNING id) \
                     SELECT id FROM changed \
                     UNION ALL SELECT id FROM persons WHERE personnummer = $1 AND NOT EXISTS (SELECT 1 FROM changed)",
                )
                .await
                .map_err(db)?;
            // Only a contact that fills something in rewrites the row; for a
            // plain repeat contact the statement reads the existing id instead,
            // in the same round trip.
            let id: i64 = tx
                .query_one(
                    &stmt,
                    &[
                        &p.personnummer.as_ref().map(|x| x.as_str()),
                        &p.name,
                        &p.phone.as_ref().map(|x| x.as_str()),
                        &p.email.as_ref().map(|x| x.as_str()),
                        &p.preferred_language.as_ref().map(|x| x.as_str()),
                        &p.protected_identity,
                        &now,
                    ],
                )
                .await
                .map_err(db)?
                .get(0);
            Ok((Some(id), None))
        }
        NewContact::Organisation(o) => {
            let stmt = tx
                .prepare_cached(
                    "INSERT INTO organisations (org_number, name, phone, email, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $5) \
                     ON CONFLICT (org_number) DO UPDATE SET \
                       name = COALESCE(organisations.name, excluded.name), \
                       phone = COALESCE(organisations.phone, excluded.phone), \
                       email = COALESCE(organisations.email, excluded.email), \
                       updated_at = excluded.updated_at \
                     RETURNING id",
                )
                .await
                .map_err(db)?;
            let row = tx
                .query_one(
                    &stmt,
                    &[
                        &o.org_number.as_str(),
                        &o.name,
                        &o.phone.as_ref().map(|x| x.as_str()),
                        &o.email.as_ref().map(|x| x.as_str()),
                        &now,
                    ],
                )
                .await
                .map_err(db)?;
            Ok((None, Some(row.get(0))))
        }
    }
}

async fn case_id_and_version(tx: &Transaction<'_>, number: CaseNumber) -> Result<(i64, i64)> {
    // FOR UPDATE: another process's writer must not change the case between
    // this version check and our update.
    let stmt = tx
        .prepare_cached("SELECT id, version FROM cases WHERE number = $1 FOR UPDATE")
        .await
        .map_err(db)?;
    let row = tx
        .query_opt(&stmt, &[&number.to_string()])
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound)?;
    Ok((row.get(0), row.get(1)))
}

async fn next_seq(tx: &Transaction<'_>, case_id: i64) -> Result<i32> {
    let stmt = tx
        .prepare_cached("SELECT COALESCE(MAX(seq), 0) + 1 FROM case_entries WHERE case_id = $1")
        .await
        .map_err(db)?;
    Ok(tx.query_one(&stmt, &[&case_id]).await.map_err(db)?.get(0))
}

async fn update_case(tx: &Transaction<'_>, number: CaseNumber, u: &CaseUpdate) -> Result<Updated> {
    let (case_id, version) = case_id_and_version(tx, number).await?;
    if u.expected_version.is_some_and(|v| v != version) {
        return Err(StoreError::Conflict);
    }
    // Every check comes before the first write (see `try_batch`).
    let other_id = match u.link {
        Some(other) => Some(case_id_and_version(tx, other).await?.0),
        None => None,
    };
    outbox::check_intake_key(tx, u.intake_key.as_deref()).await?;
    let mut sets: Vec<(&str, Param)> = vec![
        ("version", Box::new(version + 1)),
        ("updated_at", Box::new(u.at)),
    ];
    let text = |s: Option<&str>| -> Param { Box::new(s.map(str::to_owned)) };
    if let Some(s) = u.status {
        sets.push(("status", text(Some(s.as_str()))));
    }
    if let Some(r) = u.resolution {
        sets.push(("resolution", text(r.map(|r| r.as_str()))));
    }
    if let Some(t) = u.closed_at {
        sets.push(("closed_at", Box::new(t)));
    }
    if let Some(g) = &u.assignee_group {
        sets.push(("assignee_group", text(g.as_deref())));
    }
    if let Some(p) = &u.assignee_person {
        sets.push(("assignee_person", text(p.as_deref())));
    }
    if u.handed_over {
        sets.push(("handed_over", Box::new(true)));
    }
    if let Some(d) = u.feedback_deadline {
        sets.push(("feedback_deadline", Box::new(d)));
    }
    if let Some(c) = u.feedback_channel {
        sets.push(("feedback_channel", Box::new(c.as_str())));
    }
    let sql = format!(
        "UPDATE cases SET {} WHERE id = ${}",
        sets.iter()
            .enumerate()
            .map(|(i, (col, _))| format!("{col} = ${}", i + 1))
            .collect::<Vec<_>>()
            .join(", "),
        sets.len() + 1
    );
    let mut values: Vec<Param> = sets.into_iter().map(|(_, v)| v).collect();
    values.push(Box::new(case_id));
    let refs: Vec<&(dyn ToSql + Sync)> = values
        .iter()
        .map(|v| v.as_ref() as &(dyn ToSql + Sync))
        .collect();
    let stmt = tx.prepare_cached(&sql).await.map_err(db)?;
    tx.execute(&stmt, &refs).await.map_err(db)?;

    for blob in u.blob.iter().chain(&u.blobs) {
        outbox::insert_blob(tx, blob).await?;
    }
    outbox::record_intake_key(tx, u.intake_key.as_deref(), case_id, u.at).await?;
    let first = next_seq(tx, case_id).await?;
    let mut last_seq = first - 1;
    for (seq, entry) in (first..).zip(&u.entries) {
        insert_entry(tx, case_id, seq, u.at, &u.author, entry).await?;
        let terms = crate::search_terms_text(entry.text().unwrap_or_default());
        queue_for_search(tx, case_id, &terms).await?;
        last_seq = seq;
    }
    outbox::queue(tx, case_id, number, u.at, &u.outbox).await?;
    if let Some(other_id) = other_id {
        let inserted = tx
            .execute(
                "INSERT INTO case_links (case_id, other_id) VALUES ($1, $2), ($2, $1) ON CONFLICT DO NOTHING",
                &[&case_id, &other_id],
            )
            .await
            .map_err(db)?;
        if inserted > 0 {
            let back = EntryBody::Linked { case: number };
            let other_seq = next_seq(tx, other_id).await?;
            insert_entry(tx, other_id, other_seq, u.at, &u.author, &back).await?;
        }
    }
    Ok(Updated {
        version: version + 1,
        last_seq: u32::try_from(last_seq).unwrap_or(0),
    })
}

fn person_row(r: &tokio_postgres::Row) -> PersonRow {
    PersonRow {
        id: r.get(0),
        personnummer: r.get(1),
        name: r.get(2),
        phone: r.get(3),
        email: r.get(4),
        preferred_language: r.get(5),
        protected_identity: r.get(6),
    }
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
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
        let mut conn = self.client().await?;
        // One snapshot for the case row, its timeline and links; ends with a
        // rollback when dropped, which is all a read-only transaction needs.
        let client = conn
            .build_transaction()
            .read_only(true)
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .start()
            .await
            .map_err(db)?;
        let sql = format!(
            "SELECT {} FROM cases c WHERE c.number = $1",
            rows::CASE_COLUMNS
        );
        let stmt = client.prepare_cached(&sql).await.map_err(db)?;
        let Some(r) = client
            .query_opt(&stmt, &[&number.to_string()])
            .await
            .map_err(db)?
        else {
            return Ok(None);
        };
        let case_id: i64 = r.get(0);
        let person_id: Option<i64> = r.get(22);
        let organisation_id: Option<i64> = r.get(23);
        let row = CaseRow {
            number: r.get(1),
            version: r.get(2),
            case_type: r.get(3),
            board: r.get(4),
            service_area: r.get(5),
            district: r.get(6),
            channel: r.get(7),
            status: r.get(8),
            resolution: r.get(9),
            assignee_group: r.get(10),
            assignee_person: r.get(11),
            contact_kind: r.get(12),
            feedback_channel: r.get(13),
            feedback_deadline: r.get(14),
            description: r.get(15),
            form: r.get(16),
            confidential: r.get(17),
            handed_over: r.get(18),
            created_at: r.get(19),
            updated_at: r.get(20),
            closed_at: r.get(21),
        };
        let person = match person_id {
            Some(id) => {
                let stmt = client
                    .prepare_cached(
                        "SELECT id, personnummer, name, phone, email, preferred_language, protected_identity FROM persons WHERE id = $1",
                    )
                    .await
                    .map_err(db)?;
                client
                    .query_opt(&stmt, &[&id])
                    .await
                    .map_err(db)?
                    .as_ref()
                    .map(person_row)
            }
            None => None,
        };
        let organisation = match organisation_id {
            Some(id) => {
                let stmt = client
                    .prepare_cached("SELECT id, org_number, name, phone, email FROM organisations WHERE id = $1")
                    .await
                    .map_err(db)?;
                client
                    .query_opt(&stmt, &[&id])
                    .await
                    .map_err(db)?
                    .map(|r| OrganisationRow {
                        id: r.get(0),
                        org_number: r.get(1),
                        name: r.get(2),
                        phone: r.get(3),
                        email: r.get(4),
                    })
            }
            None => None,
        };
        let stmt = client
            .prepare_cached(
                "SELECT seq, at, author, body FROM case_entries WHERE case_id = $1 ORDER BY seq",
            )
            .await
            .map_err(db)?;
        let entries = client
            .query(&stmt, &[&case_id])
            .await
            .map_err(db)?
            .iter()
            .map(|r| EntryRow {
                seq: i64::from(r.get::<_, i32>(0)),
                at: r.get(1),
                author: r.get(2),
                body: r.get(3),
            })
            .collect();
        let stmt = client
            .prepare_cached(
                "SELECT o.number FROM case_links l JOIN cases o ON o.id = l.other_id WHERE l.case_id = $1 ORDER BY o.id",
            )
            .await
            .map_err(db)?;
        let related = client
            .query(&stmt, &[&case_id])
            .await
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut case = row.into_record(person, organisation, entries, related)?;
        case.outbox = outbox::for_case(&client, case.number).await?;
        Ok(Some(case))
    }

    async fn list_cases(&self, filter: &CaseFilter) -> Result<Vec<CaseSummary>> {
        let (query, values) = rows::list_query(
            filter,
            &ListDialect {
                search: "c.id IN (SELECT case_id FROM case_search WHERE terms @@ to_tsquery('simple', ?))",
                name: "(name COLLATE \"C\")",
                family_name: "(split_part(name, ' ', -1) COLLATE \"C\")",
            },
            |n| format!("${n}"),
            |v| -> Param {
                match v {
                    ListValue::Text(s) => Box::new(s),
                    ListValue::Time(t) => Box::new(t),
                }
            },
        );
        let refs: Vec<&(dyn ToSql + Sync)> = values
            .iter()
            .map(|v| v.as_ref() as &(dyn ToSql + Sync))
            .collect();
        let client = self.client().await?;
        let stmt = client.prepare_cached(&query).await.map_err(db)?;
        client
            .query(&stmt, &refs)
            .await
            .map_err(db)?
            .iter()
            .map(|r| {
                SummaryRow {
                    number: r.get(0),
                    case_type: r.get(1),
                    board: r.get(2),
                    district: r.get(3),
                    channel: r.get(4),
                    status: r.get(5),
                    resolution: r.get(6),
                    assignee_group: r.get(7),
                    contact_kind: r.get(8),
                    feedback_deadline: r.get(9),
                    created_at: r.get(10),
                    updated_at: r.get(11),
                }
                .into_summary()
            })
            .collect()
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
        let client = self.client().await?;
        outbox::by_message_id(&client, message_id).await
    }

    async fn latest_outbound_to(
        &self,
        channel: kontakt_domain::message::OutboundChannel,
        recipient: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<CaseNumber>> {
        let client = self.client().await?;
        outbox::latest_to(&client, channel, recipient, since).await
    }

    async fn count_cases(&self) -> Result<u64> {
        let client = self.client().await?;
        let n: i64 = client
            .query_one("SELECT COUNT(*) FROM cases", &[])
            .await
            .map_err(db)?
            .get(0);
        Ok(n as u64)
    }

    async fn registered_intake(&self, key: &str) -> Result<Option<CaseNumber>> {
        let client = self.client().await?;
        let seen = outbox::check_intake_key(&client, Some(key)).await;
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
        let client = self.client().await?;
        outbox::count_to(&client, channel, recipient, since).await
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
        let client = self.client().await?;
        calls::since(&client, since).await
    }

    async fn call_buckets(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<kontakt_domain::stats::CallBucket>> {
        let client = self.client().await?;
        calls::buckets(&client, from, to).await
    }

    async fn uncounted_calls(&self, limit: u32) -> Result<Vec<crate::calls::CallRow>> {
        let client = self.client().await?;
        calls::uncounted(&client, limit).await
    }

    async fn count_calls(&self, write: crate::calls::CallCountsWrite) -> Result<u64> {
        self.writer.count_calls(write).await
    }

    async fn crisis_write(&self, write: crate::crisis::CrisisWrite) -> Result<i64> {
        self.writer.crisis(write).await
    }

    async fn active_crisis(&self) -> Result<Option<crate::crisis::StoredCrisis>> {
        let client = self.client().await?;
        crisis::active(&client).await
    }

    async fn crises(&self, limit: u32) -> Result<Vec<crate::crisis::StoredCrisis>> {
        let client = self.client().await?;
        crisis::recent(&client, limit).await
    }

    async fn directory_write(&self, write: crate::directory::DirectoryWrite) -> Result<i64> {
        self.writer.directory(write).await
    }

    async fn directory(&self, now: DateTime<Utc>) -> Result<crate::directory::DirectorySnapshot> {
        let mut client = self.client().await?;
        let snapshot = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(db)?;
        directory::snapshot(&snapshot, now).await
    }

    async fn directory_stamp(&self) -> Result<crate::directory::DirectoryStamp> {
        let client = self.client().await?;
        directory::stamp(&client).await
    }

    async fn directory_notes(
        &self,
        now: DateTime<Utc>,
    ) -> Result<(
        crate::directory::DirectoryStamp,
        Vec<crate::directory::StoredAbsence>,
    )> {
        let mut client = self.client().await?;
        let snapshot = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(db)?;
        directory::notes(&snapshot, now).await
    }

    async fn directory_history(
        &self,
        kind: &str,
        id: &str,
        limit: u32,
    ) -> Result<Vec<crate::directory::HistoryRow>> {
        let client = self.client().await?;
        directory::history(&client, kind, id, limit).await
    }

    async fn directory_imports(&self, limit: u32) -> Result<Vec<crate::directory::ImportRow>> {
        let client = self.client().await?;
        directory::imports(&client, limit).await
    }

    async fn resident_write(&self, write: crate::residents::ResidentWrite) -> Result<i64> {
        self.writer.resident(write).await
    }

    async fn resident_session(
        &self,
        id_hash: &str,
    ) -> Result<Option<crate::residents::ResidentSession>> {
        let client = self.client().await?;
        residents::session(&client, id_hash).await
    }

    async fn resident_code(&self, id: &str) -> Result<Option<(String, u32)>> {
        let client = self.client().await?;
        residents::code(&client, id).await
    }

    async fn resident_codes_since(&self, address: &str, since: DateTime<Utc>) -> Result<u64> {
        let client = self.client().await?;
        residents::codes_since(&client, address, since).await
    }

    async fn follow_token_hash(&self, number: CaseNumber) -> Result<Option<String>> {
        let client = self.client().await?;
        residents::follow_token_hash(&client, &number.to_string()).await
    }

    async fn knowledge(&self, write: crate::knowledge::KnowledgeWrite) -> Result<i64> {
        self.writer.knowledge(write).await
    }

    async fn article(&self, id: i64) -> Result<Option<crate::knowledge::StoredArticle>> {
        let client = self.client().await?;
        knowledge::article(&client, id).await
    }

    async fn published_articles(&self) -> Result<Vec<crate::knowledge::StoredArticle>> {
        let client = self.client().await?;
        knowledge::published(&client).await
    }

    async fn article_attachments(
        &self,
        article: i64,
    ) -> Result<Vec<crate::knowledge::ArticleAttachment>> {
        let client = self.client().await?;
        knowledge::attachments(&client, article).await
    }

    async fn article_list(&self) -> Result<Vec<crate::knowledge::StoredArticle>> {
        let client = self.client().await?;
        knowledge::list(&client).await
    }

    async fn knowledge_stamp(&self) -> Result<i64> {
        let client = self.client().await?;
        knowledge::stamp(&client).await
    }

    async fn open_article_flags(&self) -> Result<Vec<crate::knowledge::ArticleFlag>> {
        let client = self.client().await?;
        knowledge::open_flags(&client).await
    }

    async fn article_uses(&self) -> Result<Vec<crate::knowledge::ArticleUse>> {
        let client = self.client().await?;
        knowledge::uses(&client).await
    }

    async fn knowledge_gaps(&self, since: NaiveDate) -> Result<Vec<crate::knowledge::Gap>> {
        let client = self.client().await?;
        knowledge::gaps(&client, since).await
    }

    async fn queue_report(&self, report: crate::outbox::NewReport) -> Result<bool> {
        self.writer.queue_report(report).await
    }

    async fn unlinked_calls(
        &self,
        agent: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<(String, DateTime<Utc>)>> {
        let client = self.client().await?;
        calls::unlinked(&client, agent, since).await
    }

    async fn queued_for_facts(&self, limit: u32) -> Result<Vec<crate::facts::QueuedCase>> {
        let client = self.client().await?;
        facts::queued(&client, limit).await
    }

    async fn freeze_baseline(&self, baseline: crate::facts::NewBaseline) -> Result<i64> {
        self.writer.baseline(baseline).await
    }

    async fn baselines(&self) -> Result<Vec<crate::facts::Baseline>> {
        let client = self.client().await?;
        facts::baselines(&client).await
    }

    async fn save_facts(&self, write: crate::facts::FactsWrite) -> Result<u64> {
        self.writer.facts(write).await
    }

    async fn fact_counts(
        &self,
        filter: crate::facts::FactFilter,
        by_day: bool,
    ) -> Result<Vec<crate::facts::FactCounts>> {
        // The months, the days and the pending facts in one snapshot.
        let mut client = self.client().await?;
        let snapshot = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(db)?;
        let counts = facts::counts(&snapshot, &filter, by_day).await?;
        snapshot.commit().await.map_err(db)?;
        Ok(counts)
    }

    async fn fact_totals(
        &self,
        filter: crate::facts::FactFilter,
    ) -> Result<kontakt_domain::stats::CaseCounts> {
        let mut client = self.client().await?;
        let snapshot = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(db)?;
        let totals = facts::totals(&snapshot, &filter).await?;
        snapshot.commit().await.map_err(db)?;
        Ok(totals)
    }

    async fn resolution_buckets(
        &self,
        filter: crate::facts::FactFilter,
    ) -> Result<Vec<crate::facts::ResolutionBucket>> {
        let client = self.client().await?;
        facts::resolution(&client, &filter).await
    }

    async fn call(&self, call_id: &str) -> Result<Option<crate::calls::CallRow>> {
        let client = self.client().await?;
        calls::one(&client, call_id).await
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
        let client = self.client().await?;
        set_aside::list(&client, limit).await
    }

    async fn set_aside_mail(&self, id: i64) -> Result<Option<crate::set_aside::SetAside>> {
        let client = self.client().await?;
        set_aside::get(&client, id).await
    }

    async fn release_set_aside(&self, release: crate::set_aside::Release) -> Result<bool> {
        self.writer.release_set_aside(release).await
    }

    async fn blob(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let client = self.client().await?;
        Ok(client
            .query_opt("SELECT content FROM blobs WHERE sha256 = $1", &[&sha256])
            .await
            .map_err(db)?
            .map(|r| r.get(0)))
    }

    async fn create_token(&self, token: NewToken) -> Result<()> {
        self.writer.token(token).await
    }

    async fn token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(
                "SELECT name, scopes, revoked_at IS NOT NULL FROM api_tokens WHERE token_hash = $1",
            )
            .await
            .map_err(db)?;
        Ok(client
            .query_opt(&stmt, &[&hash])
            .await
            .map_err(db)?
            .map(|r| {
                let scopes: String = r.get(1);
                ApiToken {
                    name: r.get(0),
                    scopes: scopes.split_whitespace().map(str::to_owned).collect(),
                    revoked: r.get(2),
                }
            }))
    }

    async fn meta(&self, key: &str) -> Result<Option<String>> {
        let client = self.client().await?;
        Ok(client
            .query_opt("SELECT value FROM meta WHERE key = $1", &[&key])
            .await
            .map_err(db)?
            .map(|r| r.get(0)))
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
        let client = self.client().await?;
        rights::candidates(&**client, case_type, closed_before, limit).await
    }

    async fn remove_cases(&self, removal: crate::rights::Removal) -> Result<u64> {
        self.writer.remove(removal).await
    }

    async fn removed_counts(&self) -> Result<Vec<crate::rights::RemovedCount>> {
        let client = self.client().await?;
        rights::counts(&**client).await
    }

    async fn rectify(&self, rectification: crate::rights::Rectification) -> Result<()> {
        self.writer.rectify(rectification).await
    }

    async fn rectifications(
        &self,
        person_id: i64,
    ) -> Result<Vec<crate::rights::RectificationRecord>> {
        let client = self.client().await?;
        rights::history(&**client, person_id).await
    }

    async fn index_queued(&self, limit: u32) -> Result<u64> {
        self.writer.index_queued(limit).await
    }

    async fn staff_write(&self, write: crate::staff::StaffWrite) -> Result<()> {
        self.writer.staff(write).await
    }

    async fn account(&self, username: &str) -> Result<Option<crate::staff::Account>> {
        let client = self.client().await?;
        let found = staff::accounts(&**client, "WHERE username = $1", Some(username)).await?;
        Ok(found.into_iter().next())
    }

    async fn account_by_subject(&self, subject: &str) -> Result<Option<crate::staff::Account>> {
        let client = self.client().await?;
        let found = staff::accounts(&**client, "WHERE oidc_subject = $1", Some(subject)).await?;
        Ok(found.into_iter().next())
    }

    async fn accounts(&self) -> Result<Vec<crate::staff::Account>> {
        let client = self.client().await?;
        staff::accounts(&**client, "", None).await
    }

    async fn session(&self, id_hash: &str) -> Result<Option<crate::staff::Session>> {
        let client = self.client().await?;
        staff::session(&**client, id_hash).await
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
        let (from, to) = (
            q.from.map(|t| t.timestamp_micros()),
            q.to.map(|t| t.timestamp_micros()),
        );
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(
                "SELECT id, at, actor, action, object_type, object_id, board, purpose, operation_id, client, \
                 outcome, detail, prev_hash, hash FROM audit_log WHERE id > $1 AND ($2::text IS NULL OR board = $2) \
                 AND ($3::bigint IS NULL OR at >= $3) AND ($4::bigint IS NULL OR at < $4) ORDER BY id LIMIT $5",
            )
            .await
            .map_err(db)?;
        let rows = client
            .query(
                &stmt,
                &[&q.after, &q.board, &from, &to, &i64::from(q.limit)],
            )
            .await
            .map_err(db)?;
        rows.iter()
            .map(|r| {
                let detail: String = r.get(11);
                let at: i64 = r.get(1);
                let record = AuditRecord {
                    id: r.get(0),
                    event: AuditEvent {
                        at: DateTime::from_timestamp_micros(at)
                            .ok_or_else(|| StoreError::Corrupt(format!("audit time {at}")))?,
                        actor: r.get(2),
                        action: r.get(3),
                        object_type: r.get(4),
                        object_id: r.get(5),
                        board: r.get(6),
                        purpose: r.get(7),
                        operation_id: r.get(8),
                        client: r.get(9),
                        outcome: Outcome::Allowed,
                        detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null),
                    },
                    detail_text: detail,
                    prev_hash: r.get(12),
                    hash: r.get(13),
                };
                crate::rows::audit_outcome((record, r.get(10)))
            })
            .collect()
    }
}
