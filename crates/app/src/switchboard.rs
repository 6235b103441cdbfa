//! The call-centre interface (CTI): what a phone system reports — through
//! any adapter: Kontakt's own JSON events, Zammad's generic CTI, a SIP
//! front end later — goes into the queues (`kontakt_domain::acd`), and the
//! queues' decisions come back as instructions for the phone system, call
//! records in the store, and notices for the agents' desktops (screen pop)
//! and the wallboards.
//!
//! Events are applied one at a time, and an event is answered only after
//! the call records it changed are stored: what the phone system was told
//! is never lost. A call record is closed once; a duplicated, late or
//! unknown event gets a clear error and changes nothing.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use kontakt_domain::access::Role;
use kontakt_domain::acd::{
    Acd, AcdConfig, AcdError, AgentSkills, AgentState, CallRecord, Decision, Event, GroupRules,
    GroupSnapshot, OfferKind, Outcome,
};
use kontakt_domain::calendar;
use kontakt_domain::case::CaseNumber;
use kontakt_domain::catalog::{Catalog, GroupKind, Level};
use kontakt_domain::phone::CallOutcome;
use kontakt_store::calls::CallRow;
use kontakt_store::{Store, StoreError};
use serde::Serialize;
use tokio::sync::{broadcast, Mutex};

use crate::cases::Actor;
use crate::phone::{Destination, PhoneService};

/// A call nobody has heard of for this long is closed as lost: the phone
/// system went silent (crashed, lost its link) mid-call.
pub const SILENT_AFTER_MS: u64 = 3 * 3_600_000;

/// The language of a call nobody chose another for.
const SWEDISH: &str = "sv";

/// What a phone system reports (any adapter maps its own format to this).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CtiEvent {
    /// A call reached one of the city's numbers. `keys`: what the caller
    /// already pressed, if the phone system ran the menu itself.
    NewCall {
        call: String,
        from: String,
        to: String,
        keys: Option<String>,
    },
    /// The caller's keys on the menu Kontakt gave.
    Menu {
        call: String,
        keys: String,
    },
    /// The phone system put the call in this answer group's queue itself.
    Queue {
        call: String,
        group: String,
    },
    Answered {
        call: String,
        agent: String,
    },
    NoAnswer {
        call: String,
        agent: String,
    },
    CallbackRequested {
        call: String,
    },
    Transferred {
        call: String,
        to: String,
    },
    Hangup {
        call: String,
    },
    /// An agent logged in on the phone itself (ACD phones): skills from
    /// the catalog's staff entry.
    AgentLogin {
        agent: String,
    },
    AgentReady {
        agent: String,
    },
    AgentPause {
        agent: String,
        reason: String,
    },
    AgentWrapUpDone {
        agent: String,
    },
    AgentLogout {
        agent: String,
    },
}

/// What the phone system should do now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Instruction {
    /// Play the menu and report the keys (`menu` event).
    Menu { call: String, prompt: String },
    /// Play a message; hang up after it if `hang_up`.
    Play {
        call: String,
        message: String,
        hang_up: bool,
    },
    /// The caller waits in this group's queue.
    Queued {
        call: String,
        group: String,
        position: u32,
        predicted_wait_seconds: Option<u64>,
    },
    /// Offer the caller to keep the place and be called back.
    OfferCallback {
        call: String,
        predicted_wait_seconds: Option<u64>,
    },
    /// The callback is promised before this time.
    CallbackAccepted {
        call: String,
        deadline: DateTime<Utc>,
    },
    /// Ring this agent (a callback: call the resident, then connect).
    Connect {
        call: String,
        agent: String,
        callback: bool,
    },
    /// Stop ringing this agent.
    StopRinging { call: String, agent: String },
    /// Put the caller through to this number outside Kontakt's queues (the
    /// agent chose a person or unit in the directory).
    TransferTo {
        call: String,
        number: String,
        label: String,
    },
    /// The queue is full: play the busy message and hang up.
    Refused { call: String, message: String },
}

/// What the desktops and wallboards are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A call rings at this agent (screen pop).
    Offered {
        agent: String,
        call: String,
        callback: bool,
    },
    /// It no longer does.
    Withdrawn { agent: String, call: String },
    /// The agent answered: open quick registration with the call linked.
    Connected { agent: String, call: String },
    /// A queue changed (wallboards refresh).
    Queues,
}

#[derive(Debug, thiserror::Error)]
pub enum CtiError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0} is not one of the city's numbers")]
    UnknownNumber(String),
    /// The event does not fit where the call is (e.g. answered while the
    /// caller is still in the menu).
    #[error("{0}")]
    OutOfOrder(String),
    #[error("{0}")]
    Queue(#[from] AcdError),
    #[error("storage failed: {0}")]
    Store(#[from] StoreError),
}

/// A call Kontakt is following.
struct LiveCall {
    from: String,
    row: CallRow,
    /// Handed to the queues (else still in the menu).
    queued: bool,
}

struct Inner {
    acd: Acd,
    calls: HashMap<String, LiveCall>,
    day: NaiveDate,
    /// Call records the store refused after the queues had moved on: kept
    /// and written again by the clock, so none is lost to a passing
    /// storage failure.
    unsaved: Vec<CallRow>,
}

/// A caller still in the menu this long has gone (the phone system did
/// not say so): the call is closed as abandoned.
const MENU_TIMEOUT_MS: i64 = 10 * 60_000;

pub struct Switchboard {
    phone: Arc<PhoneService>,
    store: Arc<dyn Store>,
    catalog: Arc<Catalog>,
    inner: Mutex<Inner>,
    notices: broadcast::Sender<Notice>,
    /// Instructions nobody asked for in a request — an offer when an agent
    /// gets ready or ends wrap-up, a ring timeout, an overflow — for the
    /// phone systems' stream (`/api/v1/cti/instructions`).
    unsolicited: broadcast::Sender<Instruction>,
    /// Agents' languages and competences come from the directory when it
    /// knows them (set once at start-up, `use_directory`).
    directory: std::sync::OnceLock<Arc<crate::directory::DirectoryService>>,
}

fn ms(at: DateTime<Utc>) -> u64 {
    u64::try_from(at.timestamp_millis()).unwrap_or(0)
}

fn time(ms: u64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(i64::try_from(ms).unwrap_or(i64::MAX)).unwrap_or_default()
}

pub(crate) fn outcome(o: Outcome) -> CallOutcome {
    match o {
        Outcome::Answered => CallOutcome::Answered,
        Outcome::Abandoned => CallOutcome::Abandoned,
        Outcome::Callback => CallOutcome::Callback,
        Outcome::Refused => CallOutcome::Refused,
        Outcome::Transferred => CallOutcome::Transferred,
        Outcome::Lost => CallOutcome::Lost,
    }
}

/// Caller ids and agent ids as phone systems send them: bounded, printable.
fn check_id(what: &str, id: &str) -> Result<(), CtiError> {
    if id.is_empty() || id.len() > 250 || id.chars().any(char::is_control) {
        return Err(CtiError::Invalid(format!(
            "{what} must be 1–250 printable characters"
        )));
    }
    Ok(())
}

impl Switchboard {
    /// Closes what the last process left open (its queue state died with
    /// it) and starts with empty queues.
    pub async fn start(
        phone: Arc<PhoneService>,
        store: Arc<dyn Store>,
        now: DateTime<Utc>,
    ) -> Result<Arc<Switchboard>, CtiError> {
        let catalog = Arc::new(phone.catalog().clone());
        let closed = store.close_open_calls(CallOutcome::Lost, now).await?;
        if closed > 0 {
            tracing::warn!(closed, "calls open at the last stop closed as lost");
        }
        let acd = Acd::new(
            GroupRules::all_from_catalog(&catalog),
            AcdConfig::from_catalog(&catalog.phone),
        )?;
        let (notices, _) = broadcast::channel(256);
        let (unsolicited, _) = broadcast::channel(1024);
        Ok(Arc::new(Switchboard {
            phone,
            store,
            catalog,
            inner: Mutex::new(Inner {
                acd,
                calls: HashMap::new(),
                day: calendar::stockholm_date(now),
                unsaved: Vec::new(),
            }),
            notices,
            unsolicited,
            directory: std::sync::OnceLock::new(),
        }))
    }

    /// Takes agents' skills from this directory from now on.
    pub fn use_directory(&self, directory: Arc<crate::directory::DirectoryService>) {
        let _ = self.directory.set(directory);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.notices.subscribe()
    }

    /// The instructions that arise outside a phone system's request.
    pub fn instructions(&self) -> broadcast::Receiver<Instruction> {
        self.unsolicited.subscribe()
    }

    fn publish(&self, instructions: &[Instruction]) {
        for i in instructions {
            let _ = self.unsolicited.send(i.clone());
        }
    }

    /// Moves the queues' clocks: overflows, ring timeouts, wrap-ups, and
    /// calls the phone system went silent about. Run every fraction of a
    /// second (`spawn_ticker`).
    pub async fn tick(&self, now: DateTime<Utc>) -> Result<Vec<Instruction>, CtiError> {
        let mut inner = self.inner.lock().await;
        let today = calendar::stockholm_date(now);
        if today != inner.day {
            inner.acd.reset_day();
            inner.day = today;
        }
        for row in std::mem::take(&mut inner.unsaved) {
            self.save(&mut inner, row).await;
        }
        let gone: Vec<String> = inner
            .calls
            .iter()
            .filter(|(_, c)| {
                !c.queued && (now - c.row.arrived_at).num_milliseconds() > MENU_TIMEOUT_MS
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in gone {
            if let Some(mut live) = inner.calls.remove(&id) {
                live.row.outcome = Some(CallOutcome::Abandoned);
                live.row.ended_at = Some(now);
                self.save(&mut inner, live.row).await;
            }
        }
        let mut decisions = inner.acd.tick(ms(now));
        decisions.extend(inner.acd.expire(SILENT_AFTER_MS, ms(now)));
        let out = self.apply(&mut inner, decisions).await?;
        self.publish(&out);
        Ok(out)
    }

    pub fn spawn_ticker(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_millis(250));
            loop {
                every.tick().await;
                if let Err(e) = me.tick(Utc::now()).await {
                    tracing::warn!(error = %e, "the queues' clock");
                }
            }
        })
    }

    /// Applies one event from a phone system; returns what it should do.
    pub async fn event(
        &self,
        event: CtiEvent,
        now: DateTime<Utc>,
    ) -> Result<Vec<Instruction>, CtiError> {
        // An agent's skills are looked up before the queues are locked: the
        // directory may have to be read, and no call must wait for that.
        let login_skills = match &event {
            CtiEvent::AgentLogin { agent } => {
                let base = self
                    .catalog
                    .staff_member(agent)
                    .and_then(|staff| AgentSkills::from_staff(staff, &self.catalog));
                // A phone login says nothing of the agent's role: groups
                // the directory adds are taken at level 1 only.
                self.with_directory_skills(agent, base, Some(Level::One))
                    .await
            }
            _ => None,
        };
        let mut inner = self.inner.lock().await;
        match event {
            CtiEvent::NewCall {
                call,
                from,
                to,
                keys,
            } => {
                check_id("callId", &call)?;
                if from.len() > 64 || from.chars().any(char::is_control) {
                    return Err(CtiError::Invalid("from is not a phone number".into()));
                }
                let Some(entry) = self.catalog.phone.number(&to) else {
                    return Err(CtiError::UnknownNumber(to));
                };
                if inner.calls.contains_key(&call) || self.store.call(&call).await?.is_some() {
                    return Err(CtiError::Queue(AcdError::DuplicateCall(call)));
                }
                // The crisis slot: what every caller hears before the menu
                // (read before the call is recorded, so a failed read
                // leaves no call open).
                let mut out: Vec<Instruction> = self
                    .phone
                    .announcement(&entry.number, now)
                    .await?
                    .map(|a| Instruction::Play {
                        call: call.clone(),
                        message: a.spoken(),
                        hang_up: false,
                    })
                    .into_iter()
                    .collect();
                let row = CallRow {
                    call_id: call.clone(),
                    entry_number: entry.number.clone(),
                    menu_path: String::new(),
                    answer_group: None,
                    language: "sv".into(),
                    arrived_at: now,
                    ended_at: None,
                    queue_ms: 0,
                    handle_ms: 0,
                    outcome: None,
                    agent: None,
                    overflowed: false,
                    callback_deadline: None,
                    case_number: None,
                };
                self.store.save_call(row.clone()).await?;
                let prompt = self
                    .catalog
                    .phone
                    .menu(&entry.menu)
                    .map(|m| {
                        let mut p: Vec<&str> =
                            entry.languages.iter().map(|l| l.prompt.as_str()).collect();
                        p.push(&m.prompt_sv);
                        p.join(" ")
                    })
                    .unwrap_or_default();
                inner.calls.insert(
                    call.clone(),
                    LiveCall {
                        from,
                        row,
                        queued: false,
                    },
                );
                match keys {
                    Some(keys) => {
                        out.extend(self.route(&mut inner, &call, &keys, None, now).await?)
                    }
                    None => out.push(Instruction::Menu { call, prompt }),
                }
                Ok(out)
            }
            CtiEvent::Menu { call, keys } => {
                if keys.len() > 16 || !keys.chars().all(|c| "0123456789*#".contains(c)) {
                    return Err(CtiError::Invalid(
                        "keys are at most 16 of 0–9, * and #".into(),
                    ));
                }
                self.route(&mut inner, &call, &keys, None, now).await
            }
            CtiEvent::Queue { call, group } => {
                self.route(&mut inner, &call, "", Some(group), now).await
            }
            CtiEvent::Hangup { call } => {
                let in_menu = inner.calls.get(&call).is_some_and(|c| !c.queued);
                if in_menu {
                    // Hung up in the menu, before any queue.
                    if let Some(mut row) = inner.calls.get(&call).map(|l| l.row.clone()) {
                        row.outcome = Some(CallOutcome::Abandoned);
                        row.ended_at = Some(now);
                        self.store.save_call(row).await?;
                        inner.calls.remove(&call);
                    }
                    return Ok(Vec::new());
                }
                let decisions = inner.acd.handle(Event::Hangup { call }, ms(now))?;
                self.apply(&mut inner, decisions).await
            }
            CtiEvent::Answered { ref call, .. }
            | CtiEvent::NoAnswer { ref call, .. }
            | CtiEvent::CallbackRequested { ref call }
            | CtiEvent::Transferred { ref call, .. }
                if inner.calls.get(call).is_some_and(|c| !c.queued) =>
            {
                Err(CtiError::OutOfOrder(format!(
                    "call {call} is still in the menu: it has no queue or agent yet"
                )))
            }
            CtiEvent::Answered { call, agent } => {
                let decisions = inner.acd.handle(
                    Event::Answer {
                        call: call.clone(),
                        agent: agent.clone(),
                    },
                    ms(now),
                )?;
                let _ = self.notices.send(Notice::Connected { agent, call });
                self.apply(&mut inner, decisions).await
            }
            CtiEvent::NoAnswer { call, agent } => {
                let decisions = inner.acd.handle(Event::NoAnswer { call, agent }, ms(now))?;
                self.apply(&mut inner, decisions).await
            }
            CtiEvent::CallbackRequested { call } => {
                let decisions = inner.acd.handle(Event::AcceptCallback { call }, ms(now))?;
                self.apply(&mut inner, decisions).await
            }
            CtiEvent::AgentLogin { agent } => {
                let skills = login_skills.ok_or_else(|| {
                    CtiError::Queue(AcdError::UnknownAgent(format!(
                        "{agent} (not in the catalog's staff of an answer group)"
                    )))
                })?;
                let decisions = inner.acd.handle(Event::Login { agent, skills }, ms(now))?;
                self.apply(&mut inner, decisions).await
            }
            CtiEvent::AgentReady { agent } => {
                let decisions = inner.acd.handle(Event::Ready { agent }, ms(now))?;
                self.apply(&mut inner, decisions).await
            }
            CtiEvent::AgentPause { agent, reason } => {
                let decisions = inner.acd.handle(Event::Pause { agent, reason }, ms(now))?;
                self.apply(&mut inner, decisions).await
            }
            CtiEvent::AgentWrapUpDone { agent } => {
                let decisions = inner.acd.handle(Event::WrapUpDone { agent }, ms(now))?;
                self.apply(&mut inner, decisions).await
            }
            CtiEvent::AgentLogout { agent } => {
                let decisions = inner.acd.handle(Event::Logout { agent }, ms(now))?;
                self.apply(&mut inner, decisions).await
            }
            CtiEvent::Transferred { call, to } => {
                check_id("to", &to)?;
                let decisions = inner
                    .acd
                    .handle(Event::Transfer { call, group: to }, ms(now))?;
                self.apply(&mut inner, decisions).await
            }
        }
    }

    /// The caller's keys (or the phone system's own queue choice) lead to
    /// a group: closed, or into its queue.
    async fn route(
        &self,
        inner: &mut Inner,
        call: &str,
        keys: &str,
        group: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Instruction>, CtiError> {
        let Some(live) = inner.calls.get(call) else {
            return Err(CtiError::Queue(AcdError::UnknownCall(call.to_owned())));
        };
        if live.queued {
            return Err(CtiError::Invalid(format!(
                "call {call} has already chosen its queue"
            )));
        }
        let number = live.row.entry_number.clone();
        let destination = match group {
            Some(g) => {
                let answer = self
                    .catalog
                    .group(&g)
                    .is_some_and(|x| matches!(x.kind, GroupKind::Answer { .. }));
                if !answer {
                    return Err(CtiError::Invalid(format!("{g} is not an answer group")));
                }
                self.phone.destination_in_group(&number, &g, now).await?
            }
            None => self.phone.destination(&number, keys, now).await?,
        }
        .ok_or_else(|| CtiError::UnknownNumber(number.clone()))?;
        // A caller the city knows, who chose a language on Mina sidor or
        // in an e-service, is answered in it when someone on duty speaks it.
        let destination = match destination {
            Destination::Queue {
                group,
                language,
                path,
                greeting,
                priority,
            } if language == SWEDISH => {
                let from = live.from.clone();
                let language = self
                    .preferred_language(inner, &from, &group, now)
                    .await
                    .unwrap_or(language);
                Destination::Queue {
                    group,
                    language,
                    path,
                    greeting,
                    priority,
                }
            }
            other => other,
        };
        let mut out = Vec::new();
        match destination {
            Destination::Closed {
                message,
                group,
                language,
                path,
            } => {
                if let Some(mut live) = inner.calls.remove(call) {
                    live.row.answer_group = group;
                    live.row.language = language;
                    live.row.menu_path = path;
                    live.row.outcome = Some(CallOutcome::Closed);
                    live.row.ended_at = Some(now);
                    self.save(inner, live.row).await;
                }
                out.push(Instruction::Play {
                    call: call.to_owned(),
                    message,
                    hang_up: true,
                });
                Ok(out)
            }
            Destination::Queue {
                group,
                language,
                path,
                greeting,
                priority,
            } => {
                let decisions = inner.acd.handle(
                    Event::Arrive {
                        call: call.to_owned(),
                        group: group.clone(),
                        language: language.clone(),
                        priority,
                    },
                    ms(now),
                )?;
                if let Some(live) = inner.calls.get_mut(call) {
                    live.queued = true;
                    live.row.answer_group = Some(group);
                    live.row.language = language;
                    live.row.menu_path = path;
                }
                if let Some(row) = inner.calls.get(call).map(|l| l.row.clone()) {
                    self.save(inner, row).await;
                }
                if let Some(message) = greeting {
                    out.push(Instruction::Play {
                        call: call.to_owned(),
                        message,
                        hang_up: false,
                    });
                }
                out.extend(self.apply(inner, decisions).await?);
                Ok(out)
            }
        }
    }

    /// Stores what the decisions closed, tells the desktops, and turns the
    /// rest into instructions.
    async fn apply(
        &self,
        inner: &mut Inner,
        decisions: Vec<Decision>,
    ) -> Result<Vec<Instruction>, CtiError> {
        let mut out = Vec::new();
        let changed = !decisions.is_empty();
        for d in decisions {
            match d {
                Decision::Finished(record) => self.finish(inner, record).await?,
                Decision::Offer { call, agent, kind } => {
                    let callback = kind == OfferKind::Callback;
                    let _ = self.notices.send(Notice::Offered {
                        agent: agent.clone(),
                        call: call.clone(),
                        callback,
                    });
                    out.push(Instruction::Connect {
                        call,
                        agent,
                        callback,
                    });
                }
                Decision::Withdrawn { call, agent, .. } => {
                    let _ = self.notices.send(Notice::Withdrawn {
                        agent: agent.clone(),
                        call: call.clone(),
                    });
                    out.push(Instruction::StopRinging { call, agent });
                }
                Decision::Queued {
                    call,
                    position,
                    predicted_wait_ms,
                } => {
                    let group = inner
                        .calls
                        .get(&call)
                        .and_then(|c| c.row.answer_group.clone())
                        .unwrap_or_default();
                    out.push(Instruction::Queued {
                        call,
                        group,
                        position,
                        predicted_wait_seconds: predicted_wait_ms.map(|m| m / 1000),
                    });
                }
                Decision::OfferCallback {
                    call,
                    predicted_wait_ms,
                } => out.push(Instruction::OfferCallback {
                    call,
                    predicted_wait_seconds: predicted_wait_ms.map(|m| m / 1000),
                }),
                Decision::CallbackAccepted { call, deadline_ms } => {
                    let row = inner.calls.get_mut(&call).map(|live| {
                        live.row.callback_deadline = Some(time(deadline_ms));
                        live.row.clone()
                    });
                    if let Some(row) = row {
                        self.save(inner, row).await;
                    }
                    out.push(Instruction::CallbackAccepted {
                        call,
                        deadline: time(deadline_ms),
                    });
                }
                Decision::Refused { call, .. } => out.push(Instruction::Refused {
                    call,
                    message: "Alla våra handläggare är upptagna och kön är full. Ring gärna igen senare, eller kontakta oss via stockholm.se.".into(),
                }),
                Decision::Overflowed { call, .. } => {
                    if let Some(live) = inner.calls.get_mut(&call) {
                        live.row.overflowed = true;
                    }
                }
            }
        }
        if changed {
            let _ = self.notices.send(Notice::Queues);
        }
        Ok(out)
    }

    /// Writes a call record after the queues moved on: a storage failure
    /// keeps the record for the clock to write again, so the rest of the
    /// decisions (offers to agents, other calls' records) still go out.
    async fn save(&self, inner: &mut Inner, row: CallRow) {
        if let Err(e) = self.store.save_call(row.clone()).await {
            tracing::error!(error = %e, call = %row.call_id, "call record kept to write again");
            inner.unsaved.push(row);
        }
    }

    async fn finish(&self, inner: &mut Inner, record: CallRecord) -> Result<(), CtiError> {
        let Some(live) = inner.calls.remove(&record.call) else {
            return Ok(());
        };
        let mut row = live.row;
        row.outcome = Some(outcome(record.outcome));
        row.ended_at = Some(time(record.ended_ms));
        row.queue_ms = record.queue_ms;
        row.handle_ms = record.handle_ms;
        row.agent = record.agent;
        row.overflowed = record.overflowed;
        row.answer_group = Some(record.group);
        if let Some(d) = record.callback_deadline_ms {
            row.callback_deadline = Some(time(d));
        }
        self.save(inner, row).await;
        Ok(())
    }

    /// An agent at the desktop: log in to the queues (skills from the
    /// catalog's staff entry, else the account's answer groups), ready,
    /// pause with a reason, done with wrap-up, log out.
    pub async fn agent(
        &self,
        actor: &Actor,
        action: AgentAction,
        now: DateTime<Utc>,
    ) -> Result<Vec<Instruction>, CtiError> {
        let agent = agent_id(actor);
        let event = match action {
            AgentAction::Login => Event::Login {
                skills: self
                    .skills(actor)
                    .await
                    .ok_or_else(|| CtiError::Invalid("you belong to no answer group".into()))?,
                agent,
            },
            AgentAction::Ready => Event::Ready { agent },
            AgentAction::Pause(reason) => Event::Pause { agent, reason },
            AgentAction::WrapUpDone => Event::WrapUpDone { agent },
            AgentAction::Logout => Event::Logout { agent },
        };
        let mut inner = self.inner.lock().await;
        let decisions = inner.acd.handle(event, ms(now))?;
        let out = self.apply(&mut inner, decisions).await?;
        self.publish(&out);
        Ok(out)
    }

    async fn skills(&self, actor: &Actor) -> Option<AgentSkills> {
        let id = agent_id(actor);
        let base = self.account_skills(actor, &id);
        // Only agents answer the queues, and at most at their role's level.
        self.with_directory_skills(&id, base, agent_level(actor))
            .await
    }

    /// The directory is where an agent's languages and competences are
    /// kept: its languages replace the catalog's, and a competence naming
    /// an answer group (by code or Swedish name) adds that group — at
    /// most at `max_level` (none without it), so an HR file cannot raise
    /// anyone's access.
    async fn with_directory_skills(
        &self,
        agent: &str,
        base: Option<AgentSkills>,
        max_level: Option<Level>,
    ) -> Option<AgentSkills> {
        let Some((languages, competences)) = (match self.directory.get() {
            Some(d) => d.skills_of(agent).await,
            None => None,
        }) else {
            return base;
        };
        let mut skills = base.unwrap_or(AgentSkills {
            groups: Vec::new(),
            languages: Vec::new(),
        });
        if !languages.is_empty() {
            skills.languages = languages;
        }
        for c in &competences {
            let named = self
                .catalog
                .groups
                .iter()
                .find(|g| g.code.eq_ignore_ascii_case(c) || g.name_sv.eq_ignore_ascii_case(c));
            if let (Some(g), Some(max)) = (named, max_level) {
                if let GroupKind::Answer { level, .. } = g.kind {
                    // A second-line group only for a second-line agent.
                    let allowed = level == Level::One || max == Level::Two;
                    if allowed && !skills.groups.iter().any(|(code, _)| code == &g.code) {
                        skills.groups.push((g.code.clone(), level));
                    }
                }
            }
        }
        (!skills.groups.is_empty()).then_some(skills)
    }

    /// Skills from the catalog's staff entry, else the account's answer groups.
    fn account_skills(&self, actor: &Actor, id: &str) -> Option<AgentSkills> {
        if let Some(staff) = self.catalog.staff_member(id) {
            return AgentSkills::from_staff(staff, &self.catalog);
        }
        let level = agent_level(actor).unwrap_or(Level::One);
        let groups: Vec<(String, Level)> = actor
            .principal
            .groups
            .iter()
            .filter(|g| {
                self.catalog
                    .group(g)
                    .is_some_and(|x| matches!(x.kind, GroupKind::Answer { .. }))
            })
            .map(|g| (g.clone(), level))
            .collect();
        (!groups.is_empty()).then(|| AgentSkills {
            groups,
            languages: Vec::new(),
        })
    }

    /// The preferred language of the person on the newest case with the
    /// caller's number, if an agent on duty in `group` speaks it. The
    /// look-up is audited (the case, for call routing); a protected
    /// person's is not made. Any failure leaves the call in Swedish.
    async fn preferred_language(
        &self,
        inner: &Inner,
        from: &str,
        group: &str,
        now: DateTime<Utc>,
    ) -> Option<String> {
        // Nobody on duty speaks another language: no look-up at all (this
        // runs while the queues wait).
        let on_duty = inner.acd.languages_on_duty(group);
        if on_duty.is_empty() {
            return None;
        }
        let phone = kontakt_domain::contact::PhoneNumber::parse(from).ok()?;
        let filter = kontakt_store::CaseFilter {
            phone: Some(phone),
            limit: 1,
            ..kontakt_store::CaseFilter::default()
        };
        let newest = self
            .store
            .list_cases(&filter)
            .await
            .ok()?
            .into_iter()
            .next()?;
        let case = self.store.case(newest.number).await.ok()??;
        let kontakt_store::ContactRecord::Person(person) = &case.contact else {
            return None;
        };
        if person.protected_identity {
            return None;
        }
        let language = person.preferred_language.as_ref()?.as_str().to_owned();
        if !on_duty.contains(&language.as_str()) {
            return None;
        }
        let mut actor = Actor::new("system:switchboard");
        actor.purpose = "call_routing".into();
        let event = actor.event(
            now,
            "case.read",
            ("case", &case.number.to_string()),
            &case.board,
            kontakt_domain::audit::Outcome::Allowed,
            serde_json::json!({ "fields": ["preferred_language"], "language": language }),
        );
        self.store.audit(vec![event]).await.ok()?;
        Some(language)
    }

    /// Callbacks promised in these groups and not yet made, earliest
    /// deadline first: (group, deadline). They are offered to the agents
    /// like calls; the desk lists them so nobody forgets a promise.
    pub async fn callbacks(&self, groups: &[String]) -> Vec<(String, DateTime<Utc>)> {
        let inner = self.inner.lock().await;
        let mut list: Vec<(String, DateTime<Utc>)> = inner
            .calls
            .values()
            .filter_map(|c| {
                let group = c.row.answer_group.clone()?;
                let deadline = c.row.callback_deadline?;
                groups.contains(&group).then_some((group, deadline))
            })
            .collect();
        list.sort_by_key(|(_, d)| *d);
        list
    }

    /// This agent's calls answered since `since` that are neither a case
    /// nor linked to one (every answered call should end as one): call id
    /// and arrival, oldest first.
    pub async fn unlinked_calls(
        &self,
        actor: &Actor,
        since: DateTime<Utc>,
    ) -> Result<Vec<(String, DateTime<Utc>)>, CtiError> {
        Ok(self.store.unlinked_calls(&agent_id(actor), since).await?)
    }

    pub async fn agent_state(&self, actor: &Actor) -> Option<AgentState> {
        self.inner.lock().await.acd.agent_state(&agent_id(actor))
    }

    /// The caller's number of a call ringing at or answered by this agent
    /// (for the screen pop; nobody else's calls).
    pub async fn caller(&self, actor: &Actor, call: &str) -> Option<String> {
        let inner = self.inner.lock().await;
        let state = inner.acd.agent_state(&agent_id(actor))?;
        let mine = match &state {
            AgentState::Offered { call: c } | AgentState::OnCall { call: c } => c == call,
            _ => false,
        };
        mine.then(|| inner.calls.get(call).map(|c| c.from.clone()))
            .flatten()
    }

    /// The agent on a call puts it through to a person or unit from the
    /// directory: to an answer group's queue, or to a number outside the
    /// queues (the call record then ends as transferred). Only the agent
    /// talking on the call may.
    pub async fn transfer(
        &self,
        actor: &Actor,
        call: &str,
        to: &crate::directory::Destination,
        now: DateTime<Utc>,
    ) -> Result<Vec<Instruction>, CtiError> {
        use crate::directory::Destination;
        let me = agent_id(actor);
        let mut inner = self.inner.lock().await;
        let talking = matches!(
            inner.acd.agent_state(&me),
            Some(AgentState::OnCall { call: ref c }) if c == call
        );
        if !talking {
            return Err(CtiError::Invalid(format!(
                "call {call} is not one you are talking on"
            )));
        }
        // The phone system learns of a transfer from the desk only through
        // its instruction stream: without a listener the caller would stay
        // while the record says transferred.
        if self.unsolicited.receiver_count() == 0 {
            return Err(CtiError::Invalid(
                "no phone system is listening for instructions; transfer the call on the phone"
                    .into(),
            ));
        }
        let (target, mut out) = match to {
            Destination::Group(g) => (g.clone(), Vec::new()),
            Destination::Number { number, label } => (
                number.to_string(),
                vec![Instruction::TransferTo {
                    call: call.to_owned(),
                    number: number.to_string(),
                    label: label.clone(),
                }],
            ),
        };
        let decisions = inner.acd.handle(
            Event::Transfer {
                call: call.to_owned(),
                group: target,
            },
            ms(now),
        )?;
        out.extend(self.apply(&mut inner, decisions).await?);
        self.publish(&out);
        Ok(out)
    }

    /// Links a call to the case registered from it (the call record keeps
    /// the number, for statistics of first-contact resolution).
    /// Only the agent who took the call links it (a stale form or another
    /// agent's cannot take over the call record); the first link stands.
    pub async fn link_case(
        &self,
        actor: &Actor,
        call: &str,
        case: CaseNumber,
    ) -> Result<bool, CtiError> {
        let me = agent_id(actor);
        let mut inner = self.inner.lock().await;
        let ringing_or_talking = matches!(
            inner.acd.agent_state(&me),
            Some(AgentState::Offered { call: ref c } | AgentState::OnCall { call: ref c }) if c == call
        );
        let stored = self.store.call(call).await?;
        let answered_by_me = stored.as_ref().and_then(|r| r.agent.as_deref()) == Some(me.as_str());
        if !ringing_or_talking && !answered_by_me {
            return Err(CtiError::Invalid(format!(
                "call {call} is not one you took"
            )));
        }
        if let Some(live) = inner.calls.get_mut(call) {
            live.row.case_number.get_or_insert(case);
        }
        Ok(self.store.link_call_case(call, case).await?)
    }

    pub async fn snapshot(
        &self,
        group: &str,
        now: DateTime<Utc>,
    ) -> Result<GroupSnapshot, CtiError> {
        Ok(self.inner.lock().await.acd.snapshot(group, ms(now))?)
    }
}

/// What an agent does at the desktop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentAction {
    Login,
    Ready,
    Pause(String),
    WrapUpDone,
    Logout,
}

/// Agents are known to the queues (and to phone systems) by user name.
/// The queue level an agent's role gives: none for those who are no agents.
fn agent_level(actor: &Actor) -> Option<Level> {
    if actor.principal.has(Role::AgentL2) {
        Some(Level::Two)
    } else if actor.principal.has(Role::AgentL1) {
        Some(Level::One)
    } else {
        None
    }
}

pub fn agent_id(actor: &Actor) -> String {
    actor
        .id
        .strip_prefix("user:")
        .unwrap_or(&actor.id)
        .to_owned()
}
