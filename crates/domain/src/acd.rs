//! The phone queues (ACD, automatic call distribution) of the answer groups.
//!
//! Pure: no I/O, no clock, no threads. The caller passes `now` in
//! milliseconds with every event, so the same engine serves the CTI
//! interface in real time and the simulator on its virtual clock. Time never
//! goes backwards: a stamp older than the latest one seen counts as the latest.
//!
//! Timers (ring timeouts, ends of wrap-up, overflows) fire only in
//! [`Acd::tick`], never inside [`Acd::handle`], so an event's answer
//! depends on nothing but the event: a real-time caller ticks a few times a
//! second, the simulator ticks exactly when [`Acd::next_due`] says.
//!
//! # Routing
//! - A call of group G in language L needs an agent who lists G at the
//!   group's level or higher and, unless L is Swedish, lists L.
//! - A new call goes to the ready agent who has been idle longest; an agent
//!   who becomes ready takes the best call it may take: highest priority
//!   first, then the one that has waited longest.
//! - After `overflow_after_ms` the agents of the `overflow_to` groups (level
//!   2 or a backup group, each at its own level) may take the call too; the
//!   call keeps its place.
//! - A call transferred to another answer group joins the back of that
//!   group's queue at its priority, so its position needs no counting.
//! - Each (group, language) has its own ordered queue of calls and its own
//!   set of ready agents ordered by idle time, so a routing decision costs a
//!   few ordered-set operations, never a scan of the waiting calls.
//!
//! # Predicted wait
//! `position × handling time ÷ staffed agents`, where `position` counts the
//! calls ahead in the call's (group, language) queue plus the call itself,
//! `handling time` is a moving average of talk plus wrap-up time of the
//! group's answered calls (each new call weighs 1/20, starting from
//! [`AcdConfig::default_handle_ms`]), and `staffed agents` are the agents
//! of that queue who are ready, ringing, talking or in wrap-up. With no
//! agent staffed the wait is unknown (`None`) and a callback is offered if
//! the group offers callbacks at all. It is deliberately simple: callers
//! hear a rough figure, and the threshold for callbacks needs no more.
//!
//! # Call records
//! Every call that arrives ends exactly once in a [`CallRecord`]
//! ([`Decision::Finished`]): answered (when the conversation ends),
//! abandoned (the caller hung up before an answer), callback (the callback
//! conversation ended), refused, transferred out of Kontakt's queues, or
//! lost (the phone system went silent about it, see [`Acd::expire`]).
//! A callback task nobody takes ends as lost once it is long overdue.
//! A transfer to another answer group is not an ending: the call queues
//! again there and its record lists the groups it passed through.
//!
//! # Callbacks
//! [`Event::AcceptCallback`] ends the caller's line but keeps the call's
//! place in the queue as a callback task with a deadline. When its turn
//! comes the task is offered to an agent like a call (kind
//! [`OfferKind::Callback`]); the agent's answer starts the callback
//! conversation, and its hang-up ends the record with outcome
//! [`Outcome::Callback`]. A hang-up for the caller's old line while the
//! task waits is expected and ignored.
//!
//! # Bad input
//! Every event is checked against the current state before anything
//! changes; a wrong one returns an [`AcdError`] and leaves the engine exactly
//! as it was.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use serde::Serialize;

use crate::catalog::{Catalog, Group as CatalogGroup, GroupKind, Level, Phone, Staff};

/// Callers choosing Swedish may be answered by any agent of the group.
pub const SWEDISH: &str = "sv";
/// The pause reason given to an agent who let an offered call ring out.
pub const MISSED_CALL: &str = "missed call";

const MAX_ID_LEN: usize = 128;
const MAX_REASON_LEN: usize = 64;
const MAX_SKILLS: usize = 64;
/// Weight of one new handling time in the group's moving average.
const HANDLE_AVERAGE_WEIGHT: f64 = 1.0 / 20.0;

/// The queue rules of one answer group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRules {
    pub code: String,
    /// The level an agent needs in this group to take its calls.
    pub level: Level,
    /// Callers waiting on the line beyond this are refused (busy).
    pub max_waiting: u32,
    pub overflow_after_ms: Option<u64>,
    /// Groups whose agents may also take the call after `overflow_after_ms`.
    pub overflow_to: Vec<String>,
    /// Offer a callback when the predicted wait exceeds this.
    pub callback_offer_over_ms: Option<u64>,
    /// A callback task is due this long after the caller accepted it.
    pub callback_deadline_ms: u64,
    pub wrap_up_ms: u64,
    /// An offered call that rings this long without an answer goes back to
    /// its place and the agent is paused.
    pub ring_timeout_ms: u64,
}

impl GroupRules {
    /// A group with no overflow and no callbacks; the rest are common values.
    pub fn new(code: &str, level: Level) -> GroupRules {
        GroupRules {
            code: code.to_string(),
            level,
            max_waiting: 50,
            overflow_after_ms: None,
            overflow_to: Vec::new(),
            callback_offer_over_ms: None,
            callback_deadline_ms: DEFAULT_CALLBACK_DEADLINE_MS,
            wrap_up_ms: 30_000,
            ring_timeout_ms: 20_000,
        }
    }
}

/// How long a callback task may wait when the catalog says nothing: the
/// same working day.
pub const DEFAULT_CALLBACK_DEADLINE_MS: u64 = 4 * 3_600_000;

impl GroupRules {
    /// The rules of an answer group as the catalog states them (`None` for
    /// an officer group).
    pub fn from_catalog(group: &CatalogGroup, phone: &Phone) -> Option<GroupRules> {
        let GroupKind::Answer { level, .. } = group.kind else {
            return None;
        };
        let q = group.queue.clone().unwrap_or_default();
        let ms = |s: u32| u64::from(s) * 1000;
        Some(GroupRules {
            code: group.code.clone(),
            level,
            max_waiting: q.max_waiting,
            overflow_after_ms: q.overflow_after_seconds.map(ms),
            overflow_to: q.overflow_to,
            callback_offer_over_ms: q.callback_over_seconds.map(ms),
            callback_deadline_ms: DEFAULT_CALLBACK_DEADLINE_MS,
            wrap_up_ms: ms(q.wrap_up_seconds),
            ring_timeout_ms: ms(phone.ring_timeout_seconds),
        })
    }

    /// Every answer group of the catalog.
    pub fn all_from_catalog(catalog: &Catalog) -> Vec<GroupRules> {
        catalog
            .groups
            .iter()
            .filter_map(|g| GroupRules::from_catalog(g, &catalog.phone))
            .collect()
    }
}

impl AgentSkills {
    /// A staff member's answer groups, each at the group's level, and
    /// languages; `None` when the person answers no phone queue.
    pub fn from_staff(staff: &Staff, catalog: &Catalog) -> Option<AgentSkills> {
        let groups: Vec<(String, Level)> = staff
            .groups
            .iter()
            .filter_map(|code| match catalog.group(code)?.kind {
                GroupKind::Answer { level, .. } => Some((code.clone(), level)),
                GroupKind::Officer { .. } => None,
            })
            .collect();
        (!groups.is_empty()).then(|| AgentSkills {
            groups,
            languages: staff.languages.clone(),
        })
    }
}

/// Engine-wide settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcdConfig {
    /// The service-level thresholds the wallboard counts (answered within).
    pub service_levels_ms: Vec<u64>,
    /// Talk plus wrap-up time assumed until a group has answered calls.
    pub default_handle_ms: u64,
    /// How many ended call ids are remembered to recognise duplicates.
    pub remember_ended: usize,
}

impl AcdConfig {
    pub fn from_catalog(phone: &Phone) -> AcdConfig {
        AcdConfig {
            service_levels_ms: phone
                .service_levels_seconds
                .iter()
                .map(|&s| u64::from(s) * 1000)
                .collect(),
            ..AcdConfig::default()
        }
    }
}

impl Default for AcdConfig {
    fn default() -> Self {
        AcdConfig {
            service_levels_ms: vec![20_000, 60_000],
            default_handle_ms: 300_000,
            remember_ended: 100_000,
        }
    }
}

/// What an agent may answer: groups with the agent's level in each, and
/// languages besides Swedish.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AgentSkills {
    pub groups: Vec<(String, Level)>,
    pub languages: Vec<String>,
}

/// What the phone system and the agents' desktops report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The agent logs in to the queues and is ready at once.
    Login {
        agent: String,
        skills: AgentSkills,
    },
    Logout {
        agent: String,
    },
    Ready {
        agent: String,
    },
    Pause {
        agent: String,
        reason: String,
    },
    Arrive {
        call: String,
        group: String,
        language: String,
        /// Higher first.
        priority: u8,
    },
    Answer {
        call: String,
        agent: String,
    },
    /// Ends a waiting call (abandoned) or a conversation (the agent goes to
    /// wrap-up).
    Hangup {
        call: String,
    },
    /// The offered agent did not pick up: the agent is paused
    /// ([`MISSED_CALL`]) and the call goes back to its place.
    NoAnswer {
        call: String,
        agent: String,
    },
    /// The waiting caller keeps the place and will be called back.
    AcceptCallback {
        call: String,
    },
    /// The agent transferred the conversation: to an answer group, where it
    /// queues again, or anywhere else, where it leaves Kontakt's queues.
    Transfer {
        call: String,
        group: String,
    },
    WrapUpDone {
        agent: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    Call,
    Callback,
}

/// Why an offer ended without an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WithdrawReason {
    NoAnswer,
    RingTimeout,
    CallerHungUp,
    AgentLoggedOut,
    Lost,
}

word_enum! {
    /// Why a call was not let into a queue.
    RefusalReason {
        QueueFull = "queue_full",
        UnknownGroup = "unknown_group",
    }
}

word_enum! {
    /// How a call ended.
    Outcome {
        Answered = "answered",
        Abandoned = "abandoned",
        Callback = "callback",
        Refused = "refused",
        /// Transferred out of Kontakt's queues (an officer, another number).
        Transferred = "transferred",
        /// The phone system went silent about the call.
        Lost = "lost",
    }
}

/// One call, from arrival to its end. No personal data: the caller's number
/// stays with the phone system and the case register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallRecord {
    pub call: String,
    /// The group the caller chose.
    pub group: String,
    pub language: String,
    pub priority: u8,
    pub arrived_ms: u64,
    pub ended_ms: u64,
    /// Time waiting for an answer (ringing included), over every group the
    /// call queued in; for a callback, until the callback was answered.
    pub queue_ms: u64,
    /// Time in conversation, over every agent who talked to the caller.
    pub handle_ms: u64,
    pub outcome: Outcome,
    pub refusal: Option<RefusalReason>,
    /// The last agent who answered.
    pub agent: Option<String>,
    pub overflowed: bool,
    pub callback_deadline_ms: Option<u64>,
    /// Where agents transferred the call, in order.
    pub transfers: Vec<String>,
}

/// What the engine tells the phone system and the desktops to do or show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    Offer {
        call: String,
        agent: String,
        kind: OfferKind,
    },
    /// The offer is off: stop ringing that agent.
    Withdrawn {
        call: String,
        agent: String,
        reason: WithdrawReason,
    },
    Queued {
        call: String,
        position: u32,
        predicted_wait_ms: Option<u64>,
    },
    OfferCallback {
        call: String,
        predicted_wait_ms: Option<u64>,
    },
    /// The callback task is on the agents' desktops until this deadline.
    CallbackAccepted {
        call: String,
        deadline_ms: u64,
    },
    Refused {
        call: String,
        reason: RefusalReason,
    },
    Overflowed {
        call: String,
        to: Vec<String>,
    },
    Finished(CallRecord),
}

/// An agent's state as the desktop shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AgentState {
    LoggedOut,
    Ready { since_ms: u64 },
    Offered { call: String },
    OnCall { call: String },
    WrapUp { until_ms: u64 },
    Paused { reason: String },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AgentCounts {
    pub ready: u32,
    pub offered: u32,
    pub on_call: u32,
    pub wrap_up: u32,
    pub paused: u32,
}

/// The live wallboard of one group. The `_today` counters run until
/// [`Acd::reset_day`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupSnapshot {
    pub group: String,
    /// Callers on the line not yet answered (ringing included).
    pub waiting: u32,
    pub longest_wait_ms: u64,
    pub callbacks_waiting: u32,
    /// Logged-in agents listing the group.
    pub agents: AgentCounts,
    pub offered_today: u32,
    pub answered_today: u32,
    pub abandoned_today: u32,
    pub callbacks_accepted_today: u32,
    pub callbacks_answered_today: u32,
    pub refused_today: u32,
    pub overflowed_today: u32,
    pub lost_today: u32,
    /// (threshold, calls answered within it), per configured threshold.
    pub answered_within: Vec<(u64, u32)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AcdError {
    #[error("unknown call {0}")]
    UnknownCall(String),
    #[error("call {0} has already ended")]
    CallEnded(String),
    #[error("call {0} already exists")]
    DuplicateCall(String),
    #[error("unknown agent {0}")]
    UnknownAgent(String),
    #[error("agent {0} is logged out")]
    AgentLoggedOut(String),
    #[error("agent {0} is already logged in")]
    AlreadyLoggedIn(String),
    #[error("agent {agent} is {state}: cannot {action}")]
    AgentState {
        agent: String,
        state: &'static str,
        action: &'static str,
    },
    #[error("call {call} is {state}: cannot {action}")]
    CallState {
        call: String,
        state: &'static str,
        action: &'static str,
    },
    #[error("call {call} was not offered to agent {agent}")]
    NotOfferedTo { call: String, agent: String },
    #[error("unknown answer group {0}")]
    UnknownGroup(String),
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
}

type GroupIx = usize;
type LangIx = usize;
type QueueIx = usize;
type AgentIx = usize;
type CallIx = usize;

/// A call's place in a queue: higher priority first, then earlier, then
/// first come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Place {
    priority: Reverse<u8>,
    at_ms: u64,
    seq: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Counters {
    offered: u32,
    answered: u32,
    abandoned: u32,
    callbacks_accepted: u32,
    callbacks_answered: u32,
    refused: u32,
    overflowed: u32,
    lost: u32,
    answered_within: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq)]
struct Group {
    rules: GroupRules,
    overflow_to: Vec<GroupIx>,
    /// Logged-in agents listing the group, for the wallboard.
    members: Vec<AgentIx>,
    /// Unanswered callers on the line, by the start of their wait.
    on_line: BTreeSet<(u64, CallIx)>,
    callbacks_waiting: u32,
    handle_ms: f64,
    today: Counters,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Queue {
    calls: BTreeMap<Place, CallIx>,
    /// Ready agents, longest idle first.
    ready: BTreeSet<(u64, AgentIx)>,
    /// Agents ready, ringing, talking or in wrap-up.
    staffed: u32,
    /// Waiting calls per priority, so a new call's position needs no scan.
    by_priority: BTreeMap<Reverse<u8>, u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Slot {
    LoggedOut,
    Ready {
        since: u64,
    },
    Offered {
        call: CallIx,
        idle_since: u64,
        deadline: u64,
    },
    OnCall {
        call: CallIx,
    },
    WrapUp {
        until: u64,
    },
    Paused {
        reason: String,
    },
}

impl Slot {
    fn staffed(&self) -> bool {
        matches!(
            self,
            Slot::Ready { .. } | Slot::Offered { .. } | Slot::OnCall { .. } | Slot::WrapUp { .. }
        )
    }

    fn name(&self) -> &'static str {
        match self {
            Slot::LoggedOut => "logged out",
            Slot::Ready { .. } => "ready",
            Slot::Offered { .. } => "being offered a call",
            Slot::OnCall { .. } => "on a call",
            Slot::WrapUp { .. } => "in wrap-up",
            Slot::Paused { .. } => "paused",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Agent {
    id: String,
    slot: Slot,
    /// Groups listed, whatever the level.
    listed: Vec<GroupIx>,
    /// Groups whose calls the agent's level allows.
    eligible: Vec<GroupIx>,
    /// Languages besides Swedish.
    languages: Vec<LangIx>,
    queues: Vec<QueueIx>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Waiting,
    Offered { agent: AgentIx },
    Talking { agent: AgentIx, since: u64 },
}

impl Phase {
    fn name(&self) -> &'static str {
        match self {
            Phase::Waiting => "waiting",
            Phase::Offered { .. } => "being offered",
            Phase::Talking { .. } => "in conversation",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Call {
    id: String,
    first_group: GroupIx,
    group: GroupIx,
    language: LangIx,
    priority: u8,
    arrived_ms: u64,
    place: Place,
    wait_started: u64,
    waited_ms: u64,
    talked_ms: u64,
    phase: Phase,
    /// A callback task not yet answered: no caller on the line.
    callback_pending: bool,
    callback_deadline: Option<u64>,
    answered_by_callback: bool,
    overflow_due: Option<u64>,
    /// Overflowed in the current group: the overflow groups' queues hold it too.
    overflowed: bool,
    ever_overflowed: bool,
    queues: Vec<QueueIx>,
    transfers: Vec<String>,
    agent: Option<AgentIx>,
    last_heard: u64,
}

/// The queues of every answer group, with the agents and calls in them.
#[derive(Debug, Clone, PartialEq)]
pub struct Acd {
    config: AcdConfig,
    now: u64,
    seq: u64,
    groups: Vec<Group>,
    group_ix: HashMap<String, GroupIx>,
    languages: Vec<String>,
    language_ix: HashMap<String, LangIx>,
    queues: Vec<Queue>,
    queue_ix: HashMap<(GroupIx, LangIx), QueueIx>,
    agents: Vec<Agent>,
    agent_ix: HashMap<String, AgentIx>,
    calls: Vec<Option<Call>>,
    free_calls: Vec<CallIx>,
    call_ix: HashMap<String, CallIx>,
    ended: HashSet<String>,
    ended_order: VecDeque<String>,
    overflow_timers: BTreeSet<(u64, CallIx)>,
    wrap_up_timers: BTreeSet<(u64, AgentIx)>,
    ring_timers: BTreeSet<(u64, AgentIx)>,
}

const SWEDISH_IX: LangIx = 0;

fn level_rank(level: Level) -> u8 {
    match level {
        Level::One => 1,
        Level::Two => 2,
    }
}

fn check_id(field: &'static str, value: &str) -> Result<(), AcdError> {
    if value.is_empty() || value.len() > MAX_ID_LEN || value.chars().any(char::is_control) {
        return Err(AcdError::Invalid {
            field,
            reason: format!("must be 1–{MAX_ID_LEN} bytes without control characters"),
        });
    }
    Ok(())
}

/// ISO 639 codes, lower case; anything else would let a phone system grow
/// the queues without bound.
fn check_language(value: &str) -> Result<(), AcdError> {
    if (2..=3).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_lowercase()) {
        Ok(())
    } else {
        Err(AcdError::Invalid {
            field: "language",
            reason: "must be an ISO 639 code in lower case, like sv or ar".into(),
        })
    }
}

impl Acd {
    pub fn new(rules: Vec<GroupRules>, config: AcdConfig) -> Result<Acd, AcdError> {
        let mut acd = Acd {
            config,
            now: 0,
            seq: 0,
            groups: Vec::new(),
            group_ix: HashMap::new(),
            languages: Vec::new(),
            language_ix: HashMap::new(),
            queues: Vec::new(),
            queue_ix: HashMap::new(),
            agents: Vec::new(),
            agent_ix: HashMap::new(),
            calls: Vec::new(),
            free_calls: Vec::new(),
            call_ix: HashMap::new(),
            ended: HashSet::new(),
            ended_order: VecDeque::new(),
            overflow_timers: BTreeSet::new(),
            wrap_up_timers: BTreeSet::new(),
            ring_timers: BTreeSet::new(),
        };
        acd.intern_language(SWEDISH);
        for r in &rules {
            check_id("group code", &r.code)?;
            if acd.group_ix.contains_key(&r.code) {
                return Err(AcdError::Invalid {
                    field: "group code",
                    reason: format!("{} appears twice", r.code),
                });
            }
            if r.ring_timeout_ms == 0 {
                return Err(AcdError::Invalid {
                    field: "ring_timeout_ms",
                    reason: format!("{}: must be above 0", r.code),
                });
            }
            if r.overflow_after_ms.is_some() && r.overflow_to.is_empty() {
                return Err(AcdError::Invalid {
                    field: "overflow_to",
                    reason: format!("{}: overflow_after_ms needs groups to overflow to", r.code),
                });
            }
            acd.group_ix.insert(r.code.clone(), acd.groups.len());
            acd.groups.push(Group {
                rules: r.clone(),
                overflow_to: Vec::new(),
                members: Vec::new(),
                on_line: BTreeSet::new(),
                callbacks_waiting: 0,
                handle_ms: acd.config.default_handle_ms as f64,
                today: Counters {
                    answered_within: vec![0; acd.config.service_levels_ms.len()],
                    ..Counters::default()
                },
            });
        }
        for g in 0..acd.groups.len() {
            let mut targets = Vec::new();
            for code in &acd.groups[g].rules.overflow_to {
                match acd.group_ix.get(code) {
                    Some(&t) if t != g => {
                        if !targets.contains(&t) {
                            targets.push(t);
                        }
                    }
                    Some(_) => {
                        return Err(AcdError::Invalid {
                            field: "overflow_to",
                            reason: format!("{code} overflows to itself"),
                        })
                    }
                    None => return Err(AcdError::UnknownGroup(code.clone())),
                }
            }
            acd.groups[g].overflow_to = targets;
        }
        Ok(acd)
    }

    /// Applies one event. On an error nothing has changed.
    pub fn handle(&mut self, event: Event, now_ms: u64) -> Result<Vec<Decision>, AcdError> {
        let now = now_ms.max(self.now);
        let decisions = match event {
            Event::Login { agent, skills } => self.login(agent, skills, now)?,
            Event::Logout { agent } => self.logout(&agent, now)?,
            Event::Ready { agent } => self.ready(&agent, now)?,
            Event::Pause { agent, reason } => self.pause(&agent, reason)?,
            Event::Arrive {
                call,
                group,
                language,
                priority,
            } => self.arrive(call, group, &language, priority, now)?,
            Event::Answer { call, agent } => self.answer(&call, &agent, now)?,
            Event::Hangup { call } => self.hangup(&call, now)?,
            Event::NoAnswer { call, agent } => self.no_answer(&call, &agent, now)?,
            Event::AcceptCallback { call } => self.accept_callback(&call, now)?,
            Event::Transfer { call, group } => self.transfer(&call, group, now)?,
            Event::WrapUpDone { agent } => self.wrap_up_done(&agent, now)?,
        };
        self.now = now;
        Ok(decisions)
    }

    /// Runs what is due by `now`: ring timeouts, ends of wrap-up, overflows,
    /// in the order they fell due.
    pub fn tick(&mut self, now_ms: u64) -> Vec<Decision> {
        let now = now_ms.max(self.now);
        self.now = now;
        let mut out = Vec::new();
        loop {
            let ring = self.ring_timers.first().map(|&(t, a)| (t, 0, a));
            let wrap = self.wrap_up_timers.first().map(|&(t, a)| (t, 1, a));
            let over = self.overflow_timers.first().map(|&(t, c)| (t, 2, c));
            let Some((due, kind, ix)) = [ring, wrap, over].into_iter().flatten().min() else {
                break;
            };
            if due > now {
                break;
            }
            match kind {
                0 => {
                    if let Slot::Offered { call, .. } = self.agents[ix].slot {
                        self.withdraw_unanswered(
                            call,
                            ix,
                            WithdrawReason::RingTimeout,
                            now,
                            &mut out,
                        );
                    } else {
                        self.ring_timers.remove(&(due, ix));
                    }
                }
                1 => {
                    if self.agents[ix].slot == (Slot::WrapUp { until: due }) {
                        // Ready from when the wrap-up ended, not from this
                        // tick, so a late tick does not cost the agent its turn.
                        self.set_slot(ix, Slot::Ready { since: due });
                        self.route_agent(ix, now, &mut out);
                    } else {
                        self.wrap_up_timers.remove(&(due, ix));
                    }
                }
                _ => {
                    self.overflow_timers.remove(&(due, ix));
                    self.overflow(ix, now, &mut out);
                }
            }
        }
        out
    }

    /// When [`Acd::tick`] next has something to do.
    pub fn next_due(&self) -> Option<u64> {
        [
            self.ring_timers.first().map(|&(t, _)| t),
            self.wrap_up_timers.first().map(|&(t, _)| t),
            self.overflow_timers.first().map(|&(t, _)| t),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Ends, with outcome [`Outcome::Lost`], what nobody will finish: every
    /// call the phone system has said nothing about for `silent_for_ms`
    /// (waiting, ringing or in conversation), and every callback task still
    /// waiting that long after its deadline (no agent who may take it came).
    /// A callback task waits for an agent, not for the phone system, so
    /// silence alone never ends it. Choose the silence longer than any real
    /// wait plus conversation (an hour or more); this scans the calls, so
    /// run it now and then, not per event.
    pub fn expire(&mut self, silent_for_ms: u64, now_ms: u64) -> Vec<Decision> {
        let now = now_ms.max(self.now);
        self.now = now;
        let silent: Vec<CallIx> = self
            .calls
            .iter()
            .enumerate()
            .filter_map(|(ix, slot)| {
                let call = slot.as_ref()?;
                let gone = if call.callback_pending {
                    let overdue = call.callback_deadline.map_or(0, |d| now.saturating_sub(d));
                    call.phase == Phase::Waiting && overdue >= silent_for_ms
                } else {
                    now.saturating_sub(call.last_heard) >= silent_for_ms
                };
                gone.then_some(ix)
            })
            .collect();
        let mut out = Vec::new();
        for c in silent {
            let Some(call) = self.calls[c].as_ref() else {
                continue;
            };
            match call.phase {
                Phase::Waiting => out.push(self.finish(c, Outcome::Lost, now)),
                Phase::Offered { agent } => {
                    let call_id = call.id.clone();
                    let idle_since = match self.agents[agent].slot {
                        Slot::Offered { idle_since, .. } => idle_since,
                        _ => now,
                    };
                    self.set_slot(agent, Slot::Ready { since: idle_since });
                    out.push(Decision::Withdrawn {
                        call: call_id,
                        agent: self.agents[agent].id.clone(),
                        reason: WithdrawReason::Lost,
                    });
                    out.push(self.finish(c, Outcome::Lost, now));
                    self.route_agent(agent, now, &mut out);
                }
                Phase::Talking { agent, since } => {
                    let group = call.group;
                    if let Some(call) = self.calls[c].as_mut() {
                        call.talked_ms += now.saturating_sub(since);
                    }
                    out.push(self.finish(c, Outcome::Lost, now));
                    self.start_wrap_up(agent, group, now, &mut out);
                }
            }
        }
        out
    }

    /// The wallboard of one group.
    pub fn snapshot(&self, group: &str, now_ms: u64) -> Result<GroupSnapshot, AcdError> {
        let g = *self
            .group_ix
            .get(group)
            .ok_or_else(|| AcdError::UnknownGroup(group.to_string()))?;
        let now = now_ms.max(self.now);
        let grp = &self.groups[g];
        let mut agents = AgentCounts::default();
        for &a in &grp.members {
            match self.agents[a].slot {
                Slot::LoggedOut => {}
                Slot::Ready { .. } => agents.ready += 1,
                Slot::Offered { .. } => agents.offered += 1,
                Slot::OnCall { .. } => agents.on_call += 1,
                Slot::WrapUp { .. } => agents.wrap_up += 1,
                Slot::Paused { .. } => agents.paused += 1,
            }
        }
        let t = &grp.today;
        Ok(GroupSnapshot {
            group: grp.rules.code.clone(),
            waiting: count(grp.on_line.len()),
            longest_wait_ms: grp
                .on_line
                .first()
                .map_or(0, |&(since, _)| now.saturating_sub(since)),
            callbacks_waiting: grp.callbacks_waiting,
            agents,
            offered_today: t.offered,
            answered_today: t.answered,
            abandoned_today: t.abandoned,
            callbacks_accepted_today: t.callbacks_accepted,
            callbacks_answered_today: t.callbacks_answered,
            refused_today: t.refused,
            overflowed_today: t.overflowed,
            lost_today: t.lost,
            answered_within: self
                .config
                .service_levels_ms
                .iter()
                .copied()
                .zip(t.answered_within.iter().copied())
                .collect(),
        })
    }

    /// Starts the wallboard's day counters again (at midnight).
    pub fn reset_day(&mut self) {
        let thresholds = self.config.service_levels_ms.len();
        for g in &mut self.groups {
            g.today = Counters {
                answered_within: vec![0; thresholds],
                ..Counters::default()
            };
        }
    }

    pub fn agent_state(&self, agent: &str) -> Option<AgentState> {
        let a = &self.agents[*self.agent_ix.get(agent)?];
        let call_id = |c: CallIx| {
            self.calls[c]
                .as_ref()
                .map_or_else(String::new, |c| c.id.clone())
        };
        Some(match &a.slot {
            Slot::LoggedOut => AgentState::LoggedOut,
            Slot::Ready { since } => AgentState::Ready { since_ms: *since },
            Slot::Offered { call, .. } => AgentState::Offered {
                call: call_id(*call),
            },
            Slot::OnCall { call } => AgentState::OnCall {
                call: call_id(*call),
            },
            Slot::WrapUp { until } => AgentState::WrapUp { until_ms: *until },
            Slot::Paused { reason } => AgentState::Paused {
                reason: reason.clone(),
            },
        })
    }

    /// The languages besides Swedish in which an agent logged in now may
    /// take a call of `group` (the group at its level, and the language).
    /// A known caller's preferred language is used only if it is one of
    /// them, so no call waits for a language nobody on duty speaks.
    pub fn languages_on_duty(&self, group: &str) -> Vec<&str> {
        let Some(&g) = self.group_ix.get(group) else {
            return Vec::new();
        };
        let mut on_duty: Vec<LangIx> = self
            .agents
            .iter()
            .filter(|a| !matches!(a.slot, Slot::LoggedOut) && a.eligible.contains(&g))
            .flat_map(|a| a.languages.iter().copied())
            .collect();
        on_duty.sort_unstable();
        on_duty.dedup();
        on_duty
            .into_iter()
            .map(|l| self.languages[l].as_str())
            .collect()
    }

    /// Calls not yet ended: waiting, ringing, in conversation or callback tasks.
    pub fn calls_in_progress(&self) -> usize {
        self.call_ix.len()
    }

    pub fn group_codes(&self) -> impl Iterator<Item = &str> {
        self.groups.iter().map(|g| g.rules.code.as_str())
    }

    // ---- events -----------------------------------------------------------

    fn login(
        &mut self,
        agent: String,
        skills: AgentSkills,
        now: u64,
    ) -> Result<Vec<Decision>, AcdError> {
        check_id("agent", &agent)?;
        if skills.groups.len() > MAX_SKILLS || skills.languages.len() > MAX_SKILLS {
            return Err(AcdError::Invalid {
                field: "skills",
                reason: format!("at most {MAX_SKILLS} groups and {MAX_SKILLS} languages"),
            });
        }
        let mut listed = Vec::new();
        let mut eligible = Vec::new();
        for (code, level) in &skills.groups {
            check_id("group code", code)?;
            let g = *self
                .group_ix
                .get(code)
                .ok_or_else(|| AcdError::UnknownGroup(code.clone()))?;
            if !listed.contains(&g) {
                listed.push(g);
            }
            if level_rank(*level) >= level_rank(self.groups[g].rules.level)
                && !eligible.contains(&g)
            {
                eligible.push(g);
            }
        }
        for l in &skills.languages {
            check_language(l)?;
        }
        if let Some(&a) = self.agent_ix.get(&agent) {
            if self.agents[a].slot != Slot::LoggedOut {
                return Err(AcdError::AlreadyLoggedIn(agent));
            }
        }

        let mut languages = Vec::new();
        for l in &skills.languages {
            let l = self.intern_language(l);
            if l != SWEDISH_IX && !languages.contains(&l) {
                languages.push(l);
            }
        }
        let a = match self.agent_ix.get(&agent) {
            Some(&a) => a,
            None => {
                self.agent_ix.insert(agent.clone(), self.agents.len());
                self.agents.push(Agent {
                    id: agent,
                    slot: Slot::LoggedOut,
                    listed: Vec::new(),
                    eligible: Vec::new(),
                    languages: Vec::new(),
                    queues: Vec::new(),
                });
                self.agents.len() - 1
            }
        };
        for &g in &listed {
            self.groups[g].members.push(a);
        }
        let served: Vec<(GroupIx, LangIx)> = eligible
            .iter()
            .flat_map(|&g| {
                std::iter::once(SWEDISH_IX)
                    .chain(languages.iter().copied())
                    .map(move |l| (g, l))
            })
            .collect();
        let agent = &mut self.agents[a];
        agent.listed = listed;
        agent.eligible = eligible;
        agent.languages = languages;
        agent.queues.clear();
        for (g, l) in served {
            let (q, created) = self.queue(g, l);
            if !created {
                self.agents[a].queues.push(q);
            }
        }
        self.set_slot(a, Slot::Ready { since: now });
        let mut out = Vec::new();
        self.route_agent(a, now, &mut out);
        Ok(out)
    }

    fn logout(&mut self, agent: &str, now: u64) -> Result<Vec<Decision>, AcdError> {
        let a = self.logged_in(agent)?;
        let mut out = Vec::new();
        match self.agents[a].slot {
            Slot::OnCall { .. } => return Err(self.agent_state_error(a, "log out")),
            Slot::Offered { call, .. } => {
                self.set_slot(a, Slot::LoggedOut);
                out.push(self.withdrawn(call, a, WithdrawReason::AgentLoggedOut));
                self.back_to_queue(call, now, &mut out);
            }
            _ => self.set_slot(a, Slot::LoggedOut),
        }
        let listed = std::mem::take(&mut self.agents[a].listed);
        for g in listed {
            self.groups[g].members.retain(|&m| m != a);
        }
        let agent = &mut self.agents[a];
        agent.eligible.clear();
        agent.languages.clear();
        agent.queues.clear();
        Ok(out)
    }

    fn ready(&mut self, agent: &str, now: u64) -> Result<Vec<Decision>, AcdError> {
        let a = self.logged_in(agent)?;
        match self.agents[a].slot {
            Slot::Paused { .. } | Slot::WrapUp { .. } => {}
            _ => return Err(self.agent_state_error(a, "become ready")),
        }
        self.set_slot(a, Slot::Ready { since: now });
        let mut out = Vec::new();
        self.route_agent(a, now, &mut out);
        Ok(out)
    }

    fn wrap_up_done(&mut self, agent: &str, now: u64) -> Result<Vec<Decision>, AcdError> {
        let a = self.logged_in(agent)?;
        if !matches!(self.agents[a].slot, Slot::WrapUp { .. }) {
            return Err(self.agent_state_error(a, "end a wrap-up"));
        }
        self.set_slot(a, Slot::Ready { since: now });
        let mut out = Vec::new();
        self.route_agent(a, now, &mut out);
        Ok(out)
    }

    fn pause(&mut self, agent: &str, reason: String) -> Result<Vec<Decision>, AcdError> {
        let a = self.logged_in(agent)?;
        if reason.trim().is_empty()
            || reason.len() > MAX_REASON_LEN
            || reason.chars().any(char::is_control)
        {
            return Err(AcdError::Invalid {
                field: "reason",
                reason: format!("must be 1–{MAX_REASON_LEN} bytes without control characters"),
            });
        }
        match self.agents[a].slot {
            Slot::Ready { .. } | Slot::WrapUp { .. } | Slot::Paused { .. } => {}
            _ => return Err(self.agent_state_error(a, "pause")),
        }
        self.set_slot(a, Slot::Paused { reason });
        Ok(Vec::new())
    }

    fn arrive(
        &mut self,
        call: String,
        group: String,
        language: &str,
        priority: u8,
        now: u64,
    ) -> Result<Vec<Decision>, AcdError> {
        check_id("call", &call)?;
        check_id("group code", &group)?;
        check_language(language)?;
        if self.call_ix.contains_key(&call) || self.ended.contains(&call) {
            return Err(AcdError::DuplicateCall(call));
        }

        let Some(&g) = self.group_ix.get(&group) else {
            return Ok(self.refuse(
                call,
                group,
                language,
                priority,
                RefusalReason::UnknownGroup,
                now,
            ));
        };
        self.groups[g].today.offered += 1;
        let lang = self.intern_language(language);
        let (q, _) = self.queue(g, lang);
        let full = self.groups[g].on_line.len() >= self.groups[g].rules.max_waiting as usize;
        if full && self.queues[q].ready.is_empty() {
            self.groups[g].today.refused += 1;
            return Ok(self.refuse(
                call,
                group,
                language,
                priority,
                RefusalReason::QueueFull,
                now,
            ));
        }

        self.seq += 1;
        let place = Place {
            priority: Reverse(priority),
            at_ms: now,
            seq: self.seq,
        };
        let overflow_due = self.groups[g]
            .rules
            .overflow_after_ms
            .map(|d| now.saturating_add(d));
        let c = self.insert_call(Call {
            id: call,
            first_group: g,
            group: g,
            language: lang,
            priority,
            arrived_ms: now,
            place,
            wait_started: now,
            waited_ms: 0,
            talked_ms: 0,
            phase: Phase::Waiting,
            callback_pending: false,
            callback_deadline: None,
            answered_by_callback: false,
            overflow_due,
            overflowed: false,
            ever_overflowed: false,
            queues: Vec::new(),
            transfers: Vec::new(),
            agent: None,
            last_heard: now,
        });
        self.join_group(c);
        let mut out = Vec::new();
        self.queue_new_call(c, now, &mut out);
        Ok(out)
    }

    fn answer(&mut self, call: &str, agent: &str, now: u64) -> Result<Vec<Decision>, AcdError> {
        let c = self.known_call(call)?;
        let a = self.logged_in(agent)?;
        let cl = self.live(c);
        if cl.phase != (Phase::Offered { agent: a }) {
            return Err(match cl.phase {
                Phase::Offered { .. } => AcdError::NotOfferedTo {
                    call: call.to_string(),
                    agent: agent.to_string(),
                },
                phase => self.call_state_error(c, phase, "be answered"),
            });
        }

        let segment = now.saturating_sub(cl.wait_started);
        let callback = cl.callback_pending;
        let g = cl.group;
        self.leave_group(c);
        let cl = self.live_mut(c);
        cl.waited_ms += segment;
        cl.phase = Phase::Talking {
            agent: a,
            since: now,
        };
        cl.agent = Some(a);
        cl.last_heard = now;
        if callback {
            cl.callback_pending = false;
            cl.answered_by_callback = true;
        }
        let today = &mut self.groups[g].today;
        if callback {
            today.callbacks_answered += 1;
        } else {
            today.answered += 1;
            for (n, &limit) in today
                .answered_within
                .iter_mut()
                .zip(&self.config.service_levels_ms)
            {
                if segment <= limit {
                    *n += 1;
                }
            }
        }
        self.set_slot(a, Slot::OnCall { call: c });
        Ok(Vec::new())
    }

    fn hangup(&mut self, call: &str, now: u64) -> Result<Vec<Decision>, AcdError> {
        let c = self.known_call(call)?;
        let cl = self.live(c);
        let mut out = Vec::new();
        if cl.callback_pending {
            // The caller's line after accepting a callback: the task stays.
            return Ok(out);
        }
        match cl.phase {
            Phase::Waiting => out.push(self.finish(c, Outcome::Abandoned, now)),
            Phase::Offered { agent } => {
                let idle_since = match self.agents[agent].slot {
                    Slot::Offered { idle_since, .. } => idle_since,
                    _ => now,
                };
                self.set_slot(agent, Slot::Ready { since: idle_since });
                out.push(self.withdrawn(c, agent, WithdrawReason::CallerHungUp));
                out.push(self.finish(c, Outcome::Abandoned, now));
                self.route_agent(agent, now, &mut out);
            }
            Phase::Talking { agent, since } => {
                let g = cl.group;
                let outcome = if cl.answered_by_callback {
                    Outcome::Callback
                } else {
                    Outcome::Answered
                };
                let talked = now.saturating_sub(since);
                self.live_mut(c).talked_ms += talked;
                let group = &mut self.groups[g];
                let sample = (talked + group.rules.wrap_up_ms) as f64;
                group.handle_ms += (sample - group.handle_ms) * HANDLE_AVERAGE_WEIGHT;
                out.push(self.finish(c, outcome, now));
                self.start_wrap_up(agent, g, now, &mut out);
            }
        }
        Ok(out)
    }

    fn no_answer(&mut self, call: &str, agent: &str, now: u64) -> Result<Vec<Decision>, AcdError> {
        let c = self.known_call(call)?;
        let a = self.logged_in(agent)?;
        let cl = self.live(c);
        if cl.phase != (Phase::Offered { agent: a }) {
            return Err(match cl.phase {
                Phase::Offered { .. } => AcdError::NotOfferedTo {
                    call: call.to_string(),
                    agent: agent.to_string(),
                },
                phase => self.call_state_error(c, phase, "ring out"),
            });
        }
        self.live_mut(c).last_heard = now;
        let mut out = Vec::new();
        self.withdraw_unanswered(c, a, WithdrawReason::NoAnswer, now, &mut out);
        Ok(out)
    }

    fn accept_callback(&mut self, call: &str, now: u64) -> Result<Vec<Decision>, AcdError> {
        let c = self.known_call(call)?;
        let cl = self.live(c);
        if cl.callback_pending {
            return Err(AcdError::CallState {
                call: call.to_string(),
                state: "already a callback task",
                action: "accept a callback",
            });
        }
        if cl.phase != Phase::Waiting {
            return Err(self.call_state_error(c, cl.phase, "accept a callback"));
        }
        let g = cl.group;
        let deadline = now.saturating_add(self.groups[g].rules.callback_deadline_ms);
        self.leave_group(c);
        let cl = self.live_mut(c);
        cl.callback_pending = true;
        cl.callback_deadline = Some(deadline);
        cl.last_heard = now;
        let id = cl.id.clone();
        self.join_group(c);
        self.groups[g].today.callbacks_accepted += 1;
        Ok(vec![Decision::CallbackAccepted {
            call: id,
            deadline_ms: deadline,
        }])
    }

    fn transfer(&mut self, call: &str, to: String, now: u64) -> Result<Vec<Decision>, AcdError> {
        check_id("group code", &to)?;
        let c = self.known_call(call)?;
        let cl = self.live(c);
        let Phase::Talking { agent, since } = cl.phase else {
            return Err(self.call_state_error(c, cl.phase, "be transferred"));
        };
        let from = cl.group;
        let mut out = Vec::new();
        let talked = now.saturating_sub(since);
        match self.group_ix.get(&to).copied() {
            None => {
                let cl = self.live_mut(c);
                cl.talked_ms += talked;
                cl.transfers.push(to);
                out.push(self.finish(c, Outcome::Transferred, now));
            }
            Some(g) => {
                self.seq += 1;
                let seq = self.seq;
                let overflow_due = self.groups[g]
                    .rules
                    .overflow_after_ms
                    .map(|d| now.saturating_add(d));
                let cl = self.live_mut(c);
                cl.talked_ms += talked;
                cl.transfers.push(to);
                cl.group = g;
                // The back of the new group's queue at the call's priority:
                // its position is then known without counting.
                cl.place = Place {
                    priority: Reverse(cl.priority),
                    at_ms: now,
                    seq,
                };
                cl.wait_started = now;
                cl.phase = Phase::Waiting;
                cl.overflowed = false;
                cl.overflow_due = overflow_due;
                cl.last_heard = now;
                self.join_group(c);
                self.queue_new_call(c, now, &mut out);
            }
        }
        // Routed before the agent is free, so the agent cannot be handed
        // back the call they just passed on.
        self.start_wrap_up(agent, from, now, &mut out);
        Ok(out)
    }

    // ---- routing ----------------------------------------------------------

    /// Puts a call that has just joined a group into its queue: overflow if
    /// due at once, an offer if an agent is ready, else its position.
    fn queue_new_call(&mut self, c: CallIx, now: u64, out: &mut Vec<Decision>) {
        self.enter_queues(c);
        let due = self.live(c).overflow_due;
        match due {
            Some(due) if due <= now => self.overflow(c, now, out),
            Some(due) => {
                self.overflow_timers.insert((due, c));
                self.route_call(c, now, out);
            }
            None => self.route_call(c, now, out),
        }
        if self.live(c).phase != Phase::Waiting {
            return;
        }
        let cl = self.live(c);
        let q = cl.queues[0];
        let queue = &self.queues[q];
        let position: u32 = queue
            .by_priority
            .range(..=Reverse(cl.priority))
            .map(|(_, n)| n)
            .sum();
        let predicted = (queue.staffed > 0).then(|| {
            (f64::from(position) * self.groups[cl.group].handle_ms / f64::from(queue.staffed))
                as u64
        });
        out.push(Decision::Queued {
            call: cl.id.clone(),
            position,
            predicted_wait_ms: predicted,
        });
        if let Some(limit) = self.groups[cl.group].rules.callback_offer_over_ms {
            if predicted.is_none_or(|p| p > limit) {
                out.push(Decision::OfferCallback {
                    call: cl.id.clone(),
                    predicted_wait_ms: predicted,
                });
            }
        }
    }

    /// Offers a waiting call to the longest-idle ready agent who may take it.
    fn route_call(&mut self, c: CallIx, now: u64, out: &mut Vec<Decision>) {
        let best = self
            .live(c)
            .queues
            .iter()
            .filter_map(|&q| self.queues[q].ready.first().copied())
            .min();
        if let Some((_, a)) = best {
            out.push(self.offer(c, a, now));
        }
    }

    /// Offers a ready agent the best call it may take.
    fn route_agent(&mut self, a: AgentIx, now: u64, out: &mut Vec<Decision>) {
        if !matches!(self.agents[a].slot, Slot::Ready { .. }) {
            return;
        }
        let best = self.agents[a]
            .queues
            .iter()
            .filter_map(|&q| self.queues[q].calls.first_key_value())
            .min_by_key(|(place, _)| **place)
            .map(|(_, &c)| c);
        if let Some(c) = best {
            out.push(self.offer(c, a, now));
        }
    }

    fn offer(&mut self, c: CallIx, a: AgentIx, now: u64) -> Decision {
        let idle_since = match self.agents[a].slot {
            Slot::Ready { since } => since,
            _ => now,
        };
        self.leave_queues(c);
        let cl = self.live(c);
        let pending_overflow = match (cl.overflow_due, cl.overflowed) {
            (Some(due), false) => Some(due),
            _ => None,
        };
        let deadline = now.saturating_add(self.groups[cl.group].rules.ring_timeout_ms);
        let kind = if cl.callback_pending {
            OfferKind::Callback
        } else {
            OfferKind::Call
        };
        if let Some(due) = pending_overflow {
            self.overflow_timers.remove(&(due, c));
        }
        self.live_mut(c).phase = Phase::Offered { agent: a };
        self.set_slot(
            a,
            Slot::Offered {
                call: c,
                idle_since,
                deadline,
            },
        );
        Decision::Offer {
            call: self.live(c).id.clone(),
            agent: self.agents[a].id.clone(),
            kind,
        }
    }

    /// The offered agent did not answer: paused, and the call back in its place.
    fn withdraw_unanswered(
        &mut self,
        c: CallIx,
        a: AgentIx,
        reason: WithdrawReason,
        now: u64,
        out: &mut Vec<Decision>,
    ) {
        self.set_slot(
            a,
            Slot::Paused {
                reason: MISSED_CALL.to_string(),
            },
        );
        out.push(self.withdrawn(c, a, reason));
        self.back_to_queue(c, now, out);
    }

    /// A call whose offer fell through returns to its old place.
    fn back_to_queue(&mut self, c: CallIx, now: u64, out: &mut Vec<Decision>) {
        self.live_mut(c).phase = Phase::Waiting;
        self.enter_queues(c);
        let cl = self.live(c);
        match (cl.overflow_due, cl.overflowed) {
            (Some(due), false) if due <= now => self.overflow(c, now, out),
            (Some(due), false) => {
                self.overflow_timers.insert((due, c));
                self.route_call(c, now, out);
            }
            _ => self.route_call(c, now, out),
        }
    }

    fn overflow(&mut self, c: CallIx, now: u64, out: &mut Vec<Decision>) {
        let cl = self.live(c);
        if cl.phase != Phase::Waiting || cl.overflowed {
            return;
        }
        let (g, lang, place) = (cl.group, cl.language, cl.place);
        let targets = self.groups[g].overflow_to.clone();
        let mut queues = Vec::with_capacity(targets.len());
        for &t in &targets {
            let (q, _) = self.queue(t, lang);
            self.insert_in_queue(q, place, c);
            queues.push(q);
        }
        let cl = self.live_mut(c);
        cl.overflowed = true;
        cl.ever_overflowed = true;
        cl.queues.extend(queues);
        let id = cl.id.clone();
        self.groups[g].today.overflowed += 1;
        out.push(Decision::Overflowed {
            call: id,
            to: targets
                .iter()
                .map(|&t| self.groups[t].rules.code.clone())
                .collect(),
        });
        self.route_call(c, now, out);
    }

    fn start_wrap_up(&mut self, a: AgentIx, g: GroupIx, now: u64, out: &mut Vec<Decision>) {
        let wrap = self.groups[g].rules.wrap_up_ms;
        if wrap == 0 {
            self.set_slot(a, Slot::Ready { since: now });
            self.route_agent(a, now, out);
        } else {
            self.set_slot(
                a,
                Slot::WrapUp {
                    until: now.saturating_add(wrap),
                },
            );
        }
    }

    fn refuse(
        &mut self,
        call: String,
        group: String,
        language: &str,
        priority: u8,
        reason: RefusalReason,
        now: u64,
    ) -> Vec<Decision> {
        self.remember_ended(call.clone());
        vec![
            Decision::Refused {
                call: call.clone(),
                reason,
            },
            Decision::Finished(CallRecord {
                call,
                group,
                language: language.to_string(),
                priority,
                arrived_ms: now,
                ended_ms: now,
                queue_ms: 0,
                handle_ms: 0,
                outcome: Outcome::Refused,
                refusal: Some(reason),
                agent: None,
                overflowed: false,
                callback_deadline_ms: None,
                transfers: Vec::new(),
            }),
        ]
    }

    /// Ends a call that is waiting, ringing (its agent already released) or
    /// in conversation (its talk time already counted).
    fn finish(&mut self, c: CallIx, outcome: Outcome, now: u64) -> Decision {
        let phase = self.live(c).phase;
        if phase == Phase::Waiting {
            self.leave_queues(c);
            let cl = self.live(c);
            if let (Some(due), false) = (cl.overflow_due, cl.overflowed) {
                self.overflow_timers.remove(&(due, c));
            }
        }
        if !matches!(phase, Phase::Talking { .. }) {
            self.leave_group(c);
        }
        let Some(cl) = self.calls[c].take() else {
            unreachable!("finish is only called for live calls");
        };
        self.free_calls.push(c);
        self.call_ix.remove(&cl.id);
        let today = &mut self.groups[cl.group].today;
        match outcome {
            Outcome::Abandoned => today.abandoned += 1,
            Outcome::Lost => today.lost += 1,
            _ => {}
        }
        let open_wait = match phase {
            Phase::Talking { .. } => 0,
            _ => now.saturating_sub(cl.wait_started),
        };
        self.remember_ended(cl.id.clone());
        Decision::Finished(CallRecord {
            call: cl.id,
            group: self.groups[cl.first_group].rules.code.clone(),
            language: self.languages[cl.language].clone(),
            priority: cl.priority,
            arrived_ms: cl.arrived_ms,
            ended_ms: now,
            queue_ms: cl.waited_ms + open_wait,
            handle_ms: cl.talked_ms,
            outcome,
            refusal: None,
            agent: cl.agent.map(|a| self.agents[a].id.clone()),
            overflowed: cl.ever_overflowed,
            callback_deadline_ms: cl.callback_deadline,
            transfers: cl.transfers,
        })
    }

    // ---- bookkeeping ------------------------------------------------------

    /// The one place an agent changes state, so the ready sets, staffing
    /// counts and timers always agree with it.
    fn set_slot(&mut self, a: AgentIx, slot: Slot) {
        let old = std::mem::replace(&mut self.agents[a].slot, slot);
        let agent = &self.agents[a];
        match old {
            Slot::Ready { since } => {
                for &q in &agent.queues {
                    self.queues[q].ready.remove(&(since, a));
                }
            }
            Slot::Offered { deadline, .. } => {
                self.ring_timers.remove(&(deadline, a));
            }
            Slot::WrapUp { until } => {
                self.wrap_up_timers.remove(&(until, a));
            }
            _ => {}
        }
        match (old.staffed(), agent.slot.staffed()) {
            (false, true) => agent
                .queues
                .iter()
                .for_each(|&q| self.queues[q].staffed += 1),
            (true, false) => agent.queues.iter().for_each(|&q| {
                debug_assert!(self.queues[q].staffed > 0);
                self.queues[q].staffed = self.queues[q].staffed.saturating_sub(1);
            }),
            _ => {}
        }
        match agent.slot {
            Slot::Ready { since } => {
                for &q in &agent.queues {
                    self.queues[q].ready.insert((since, a));
                }
            }
            Slot::Offered { deadline, .. } => {
                self.ring_timers.insert((deadline, a));
            }
            Slot::WrapUp { until } => {
                self.wrap_up_timers.insert((until, a));
            }
            _ => {}
        }
    }

    /// The queue of (group, language), made on first use with the logged-in
    /// agents who serve it; `true` when it was made now.
    fn queue(&mut self, g: GroupIx, l: LangIx) -> (QueueIx, bool) {
        if let Some(&q) = self.queue_ix.get(&(g, l)) {
            return (q, false);
        }
        let q = self.queues.len();
        self.queues.push(Queue::default());
        self.queue_ix.insert((g, l), q);
        for &a in &self.groups[g].members {
            let agent = &mut self.agents[a];
            let serves =
                agent.eligible.contains(&g) && (l == SWEDISH_IX || agent.languages.contains(&l));
            if !serves {
                continue;
            }
            agent.queues.push(q);
            let queue = &mut self.queues[q];
            if agent.slot.staffed() {
                queue.staffed += 1;
            }
            if let Slot::Ready { since } = agent.slot {
                queue.ready.insert((since, a));
            }
        }
        (q, true)
    }

    /// The call's own queue and, once overflowed, the overflow groups' queues.
    fn enter_queues(&mut self, c: CallIx) {
        let cl = self.live(c);
        let (g, lang, place, overflowed) = (cl.group, cl.language, cl.place, cl.overflowed);
        let mut groups = vec![g];
        if overflowed {
            groups.extend(self.groups[g].overflow_to.iter().copied());
        }
        let mut queues = Vec::with_capacity(groups.len());
        for t in groups {
            let (q, _) = self.queue(t, lang);
            self.insert_in_queue(q, place, c);
            queues.push(q);
        }
        self.live_mut(c).queues = queues;
    }

    fn leave_queues(&mut self, c: CallIx) {
        let cl = self.live_mut(c);
        let queues = std::mem::take(&mut cl.queues);
        let place = cl.place;
        for q in queues {
            let queue = &mut self.queues[q];
            queue.calls.remove(&place);
            if let Some(n) = queue.by_priority.get_mut(&place.priority) {
                *n -= 1;
                if *n == 0 {
                    queue.by_priority.remove(&place.priority);
                }
            }
        }
    }

    fn insert_in_queue(&mut self, q: QueueIx, place: Place, c: CallIx) {
        let queue = &mut self.queues[q];
        queue.calls.insert(place, c);
        *queue.by_priority.entry(place.priority).or_insert(0) += 1;
    }

    /// Counts an unanswered call in its group's wallboard figures.
    fn join_group(&mut self, c: CallIx) {
        let cl = self.live(c);
        let (g, pending, since) = (cl.group, cl.callback_pending, cl.wait_started);
        if pending {
            self.groups[g].callbacks_waiting += 1;
        } else {
            self.groups[g].on_line.insert((since, c));
        }
    }

    fn leave_group(&mut self, c: CallIx) {
        let cl = self.live(c);
        let (g, pending, since) = (cl.group, cl.callback_pending, cl.wait_started);
        if pending {
            debug_assert!(self.groups[g].callbacks_waiting > 0);
            let group = &mut self.groups[g];
            group.callbacks_waiting = group.callbacks_waiting.saturating_sub(1);
        } else {
            self.groups[g].on_line.remove(&(since, c));
        }
    }

    fn insert_call(&mut self, call: Call) -> CallIx {
        let id = call.id.clone();
        let c = match self.free_calls.pop() {
            Some(c) => {
                self.calls[c] = Some(call);
                c
            }
            None => {
                self.calls.push(Some(call));
                self.calls.len() - 1
            }
        };
        self.call_ix.insert(id, c);
        c
    }

    fn remember_ended(&mut self, id: String) {
        if self.config.remember_ended == 0 {
            return;
        }
        while self.ended_order.len() >= self.config.remember_ended {
            if let Some(old) = self.ended_order.pop_front() {
                self.ended.remove(&old);
            }
        }
        self.ended.insert(id.clone());
        self.ended_order.push_back(id);
    }

    fn intern_language(&mut self, language: &str) -> LangIx {
        if let Some(&l) = self.language_ix.get(language) {
            return l;
        }
        self.languages.push(language.to_string());
        self.language_ix
            .insert(language.to_string(), self.languages.len() - 1);
        self.languages.len() - 1
    }

    fn withdrawn(&self, c: CallIx, a: AgentIx, reason: WithdrawReason) -> Decision {
        Decision::Withdrawn {
            call: self.live(c).id.clone(),
            agent: self.agents[a].id.clone(),
            reason,
        }
    }

    fn known_call(&self, call: &str) -> Result<CallIx, AcdError> {
        check_id("call", call)?;
        match self.call_ix.get(call) {
            Some(&c) => Ok(c),
            None if self.ended.contains(call) => Err(AcdError::CallEnded(call.to_string())),
            None => Err(AcdError::UnknownCall(call.to_string())),
        }
    }

    fn logged_in(&self, agent: &str) -> Result<AgentIx, AcdError> {
        check_id("agent", agent)?;
        let a = *self
            .agent_ix
            .get(agent)
            .ok_or_else(|| AcdError::UnknownAgent(agent.to_string()))?;
        if self.agents[a].slot == Slot::LoggedOut {
            return Err(AcdError::AgentLoggedOut(agent.to_string()));
        }
        Ok(a)
    }

    fn agent_state_error(&self, a: AgentIx, action: &'static str) -> AcdError {
        AcdError::AgentState {
            agent: self.agents[a].id.clone(),
            state: self.agents[a].slot.name(),
            action,
        }
    }

    fn call_state_error(&self, c: CallIx, phase: Phase, action: &'static str) -> AcdError {
        AcdError::CallState {
            call: self.live(c).id.clone(),
            state: phase.name(),
            action,
        }
    }

    fn live(&self, c: CallIx) -> &Call {
        match &self.calls[c] {
            Some(call) => call,
            None => unreachable!("call indices in the engine's own sets are live"),
        }
    }

    fn live_mut(&mut self, c: CallIx) -> &mut Call {
        match &mut self.calls[c] {
            Some(call) => call,
            None => unreachable!("call indices in the engine's own sets are live"),
        }
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
