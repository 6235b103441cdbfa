//! The shared shape of the group-commit writer: what can be written, and how
//! a waiting caller is answered once the transaction holding its write has
//! committed (or failed as a whole).

use kontakt_domain::audit::{canonical, chain_hash, AuditEvent, GENESIS};
use kontakt_domain::case::CaseNumber;
use tokio::sync::{mpsc, oneshot};

use crate::{CaseUpdate, NewCase, NewToken, Result, StoreError, Updated};

/// How many waiting writes one transaction takes at most. Large enough to
/// amortise a disk flush, small enough to keep the latency of the first low.
pub(crate) const MAX_BATCH: usize = 256;

pub(crate) enum WriteOp {
    Create(Box<NewCase>),
    CreateMany(Vec<NewCase>),
    Update(CaseNumber, Box<CaseUpdate>),
    Token(NewToken),
    Meta(String, String),
    Audit(Vec<AuditEvent>),
    /// Writes nothing: proves the writer and its connection work.
    Ping,
    /// Revokes every live token with this name.
    RevokeTokens(String, chrono::DateTime<chrono::Utc>),
    Staff(Box<crate::staff::StaffWrite>),
    Remove(Box<crate::rights::Removal>),
    Rectify(Box<crate::rights::Rectification>),
    /// Moves up to this many queued search terms into the index.
    IndexQueued(i64),
    ClaimOutbound(crate::outbox::Claim),
    QueueReport(Box<crate::outbox::NewReport>),
    Knowledge(Box<crate::knowledge::KnowledgeWrite>),
    Crisis(Box<crate::crisis::CrisisWrite>),
    Directory(Box<crate::directory::DirectoryWrite>),
    Resident(Box<crate::residents::ResidentWrite>),
    RecordOutbound(crate::outbox::OutboundResult),
    SetAside(Box<crate::set_aside::NewSetAside>),
    ReleaseSetAside(crate::set_aside::Release),
    PhoneLine(Box<crate::phone::LineWrite>),
    Facts(Box<crate::facts::FactsWrite>),
    CountCalls(Box<crate::calls::CallCountsWrite>),
    Baseline(Box<crate::facts::NewBaseline>),
    SaveCall(Box<crate::calls::CallRow>),
    CloseOpenCalls(
        kontakt_domain::phone::CallOutcome,
        chrono::DateTime<chrono::Utc>,
    ),
    LinkCallCase(String, CaseNumber),
}

pub(crate) enum Output {
    Created(CaseNumber),
    CreatedMany(Vec<CaseNumber>),
    Updated(Updated),
    Count(u64),
    Claimed(Vec<crate::outbox::OutboundMessage>),
    Id(i64),
    Done,
}

pub(crate) struct Pending {
    pub op: WriteOp,
    pub reply: oneshot::Sender<Result<Output>>,
}

/// The writer's inbox; cloned into every store handle.
#[derive(Clone)]
pub(crate) struct WriterHandle(pub mpsc::Sender<Pending>);

impl WriterHandle {
    pub async fn submit(&self, op: WriteOp) -> Result<Output> {
        let (reply, answer) = oneshot::channel();
        self.0
            .send(Pending { op, reply })
            .await
            .map_err(|_| StoreError::Database("the writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Database("the writer stopped before answering".into()))?
    }
}

impl WriterHandle {
    pub async fn create(&self, case: NewCase) -> Result<CaseNumber> {
        match self.submit(WriteOp::Create(Box::new(case))).await? {
            Output::Created(n) => Ok(n),
            _ => Err(unexpected()),
        }
    }

    pub async fn create_many(&self, cases: Vec<NewCase>) -> Result<Vec<CaseNumber>> {
        match self.submit(WriteOp::CreateMany(cases)).await? {
            Output::CreatedMany(n) => Ok(n),
            _ => Err(unexpected()),
        }
    }

    pub async fn update(&self, number: CaseNumber, update: CaseUpdate) -> Result<Updated> {
        match self
            .submit(WriteOp::Update(number, Box::new(update)))
            .await?
        {
            Output::Updated(u) => Ok(u),
            _ => Err(unexpected()),
        }
    }

    pub async fn token(&self, token: NewToken) -> Result<()> {
        self.submit(WriteOp::Token(token)).await.map(|_| ())
    }

    pub async fn audit(&self, events: Vec<AuditEvent>) -> Result<()> {
        self.submit(WriteOp::Audit(events)).await.map(|_| ())
    }

    pub async fn revoke_tokens(&self, name: &str) -> Result<u64> {
        match self
            .submit(WriteOp::RevokeTokens(name.to_owned(), chrono::Utc::now()))
            .await?
        {
            Output::Count(n) => Ok(n),
            _ => Err(unexpected()),
        }
    }

    pub async fn staff(&self, write: crate::staff::StaffWrite) -> Result<()> {
        self.submit(WriteOp::Staff(Box::new(write)))
            .await
            .map(|_| ())
    }

    pub async fn remove(&self, removal: crate::rights::Removal) -> Result<u64> {
        match self.submit(WriteOp::Remove(Box::new(removal))).await? {
            Output::Count(n) => Ok(n),
            _ => Err(unexpected()),
        }
    }

    pub async fn rectify(&self, r: crate::rights::Rectification) -> Result<()> {
        self.submit(WriteOp::Rectify(Box::new(r))).await.map(|_| ())
    }

    pub async fn index_queued(&self, limit: u32) -> Result<u64> {
        match self.submit(WriteOp::IndexQueued(i64::from(limit))).await? {
            Output::Count(n) => Ok(n),
            _ => Err(unexpected()),
        }
    }

    pub async fn set_aside(&self, mail: crate::set_aside::NewSetAside) -> Result<i64> {
        match self.submit(WriteOp::SetAside(Box::new(mail))).await? {
            Output::Id(id) => Ok(id),
            _ => Err(unexpected()),
        }
    }

    pub async fn release_set_aside(&self, release: crate::set_aside::Release) -> Result<bool> {
        match self.submit(WriteOp::ReleaseSetAside(release)).await? {
            Output::Count(n) => Ok(n > 0),
            _ => Err(unexpected()),
        }
    }

    pub async fn baseline(&self, baseline: crate::facts::NewBaseline) -> Result<i64> {
        match self.submit(WriteOp::Baseline(Box::new(baseline))).await? {
            Output::Id(id) => Ok(id),
            _ => Err(unexpected()),
        }
    }

    pub async fn crisis(&self, write: crate::crisis::CrisisWrite) -> Result<i64> {
        match self.submit(WriteOp::Crisis(Box::new(write))).await? {
            Output::Id(n) => Ok(n),
            _ => Err(unexpected()),
        }
    }

    pub async fn resident(&self, write: crate::residents::ResidentWrite) -> Result<i64> {
        match self.submit(WriteOp::Resident(Box::new(write))).await? {
            Output::Id(n) => Ok(n),
            _ => Err(unexpected()),
        }
    }

    pub async fn directory(&self, write: crate::directory::DirectoryWrite) -> Result<i64> {
        match self.submit(WriteOp::Directory(Box::new(write))).await? {
            Output::Id(n) => Ok(n),
            _ => Err(unexpected()),
        }
    }

    pub async fn knowledge(&self, write: crate::knowledge::KnowledgeWrite) -> Result<i64> {
        match self.submit(WriteOp::Knowledge(Box::new(write))).await? {
            Output::Id(n) => Ok(n),
            _ => Err(unexpected()),
        }
    }

    pub async fn queue_report(&self, report: crate::outbox::NewReport) -> Result<bool> {
        match self.submit(WriteOp::QueueReport(Box::new(report))).await? {
            Output::Count(n) => Ok(n > 0),
            _ => Err(unexpected()),
        }
    }

    pub async fn count_calls(&self, write: crate::calls::CallCountsWrite) -> Result<u64> {
        match self.submit(WriteOp::CountCalls(Box::new(write))).await? {
            Output::Count(n) => Ok(n),
            _ => Err(unexpected()),
        }
    }

    pub async fn facts(&self, write: crate::facts::FactsWrite) -> Result<u64> {
        match self.submit(WriteOp::Facts(Box::new(write))).await? {
            Output::Count(n) => Ok(n),
            _ => Err(unexpected()),
        }
    }

    pub async fn phone_line(&self, write: crate::phone::LineWrite) -> Result<()> {
        self.submit(WriteOp::PhoneLine(Box::new(write)))
            .await
            .map(|_| ())
    }

    pub async fn save_call(&self, call: crate::calls::CallRow) -> Result<bool> {
        match self.submit(WriteOp::SaveCall(Box::new(call))).await? {
            Output::Count(n) => Ok(n > 0),
            _ => Err(unexpected()),
        }
    }

    pub async fn close_open_calls(
        &self,
        outcome: kontakt_domain::phone::CallOutcome,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<u64> {
        match self.submit(WriteOp::CloseOpenCalls(outcome, at)).await? {
            Output::Count(n) => Ok(n),
            _ => Err(unexpected()),
        }
    }

    pub async fn link_call_case(&self, call_id: &str, case: CaseNumber) -> Result<bool> {
        match self
            .submit(WriteOp::LinkCallCase(call_id.to_owned(), case))
            .await?
        {
            Output::Count(n) => Ok(n > 0),
            _ => Err(unexpected()),
        }
    }

    pub async fn claim_outbound(
        &self,
        claim: crate::outbox::Claim,
    ) -> Result<Vec<crate::outbox::OutboundMessage>> {
        match self.submit(WriteOp::ClaimOutbound(claim)).await? {
            Output::Claimed(m) => Ok(m),
            _ => Err(unexpected()),
        }
    }

    pub async fn record_outbound(&self, result: crate::outbox::OutboundResult) -> Result<()> {
        self.submit(WriteOp::RecordOutbound(result))
            .await
            .map(|_| ())
    }

    pub async fn ping(&self) -> Result<()> {
        self.submit(WriteOp::Ping).await.map(|_| ())
    }

    pub async fn meta(&self, key: &str, value: &str) -> Result<()> {
        self.submit(WriteOp::Meta(key.to_owned(), value.to_owned()))
            .await
            .map(|_| ())
    }
}

pub(crate) fn unexpected() -> StoreError {
    StoreError::Database("the writer answered with the wrong kind of result".into())
}

/// The end of the audit chain: the last entry's id and hash. The writer reads
/// it at the start of each transaction and advances a copy per write, kept
/// only if that write commits.
#[derive(Debug, Clone)]
pub(crate) struct ChainHead {
    pub id: i64,
    pub hash: String,
}

impl ChainHead {
    pub fn new(last: Option<(i64, String)>) -> Self {
        match last {
            Some((id, hash)) => ChainHead { id, hash },
            None => ChainHead {
                id: 0,
                hash: GENESIS.to_owned(),
            },
        }
    }

    /// The next entry for `event`: (id, detail text, prev hash, hash); advances the head.
    pub fn link(&mut self, event: &AuditEvent) -> (i64, String, String, String) {
        let id = self.id + 1;
        let detail = event.detail.to_string();
        let hash = chain_hash(&self.hash, &canonical(id, event, &detail));
        let prev = std::mem::replace(&mut self.hash, hash.clone());
        self.id = id;
        (id, detail, prev, hash)
    }
}
