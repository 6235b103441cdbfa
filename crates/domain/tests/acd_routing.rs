//! The routing rules of the phone queues as data: each scenario is a script
//! of timed events with the decisions the engine must answer, in order.
//!
//! Script lines:
//! - `SECONDS COMMAND ARGS…`: an event (`login AGENT GROUP:LEVEL,… [LANGS]`,
//!   `logout`, `ready`, `pause AGENT REASON…`, `wrapped AGENT`,
//!   `arrive CALL GROUP LANG [PRIORITY]`, `answer CALL AGENT`, `hangup CALL`,
//!   `noanswer CALL AGENT`, `callback CALL`, `transfer CALL GROUP`), or an
//!   engine call (`tick`, `expire SILENT_SECONDS`, `resetday`);
//! - `=> DECISION`: the next decision of the event above (all must be listed);
//! - `! ERROR`: the event above is refused with this error, and the engine
//!   must be exactly as before;
//! - `? state AGENT …` and `? snapshot GROUP key=value …`: checks.
//!
//! Then a seeded random event stream, valid and invalid events mixed, checks
//! that every call that arrives ends exactly once, that no agent is offered
//! two calls at once, and that refused events change nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use kontakt_domain::acd::{
    Acd, AcdConfig, AcdError, AgentSkills, AgentState, Decision, Event, GroupRules, OfferKind,
    Outcome,
};
use kontakt_domain::catalog::{Catalog, Level};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// FSK: level 1, at most 3 waiting, overflow to FSK-2 after 60 s, callback
/// offered over 120 s (due within the hour). FSK-2: level 2. AVF: no
/// wrap-up, overflow to the backup group OVR after 30 s. OVR: defaults.
fn rules() -> Vec<GroupRules> {
    let mut fsk = GroupRules::new("FSK", Level::One);
    fsk.max_waiting = 3;
    fsk.overflow_after_ms = Some(60_000);
    fsk.overflow_to = vec!["FSK-2".into()];
    fsk.callback_offer_over_ms = Some(120_000);
    fsk.callback_deadline_ms = 3_600_000;
    let fsk2 = GroupRules::new("FSK-2", Level::Two);
    let mut avf = GroupRules::new("AVF", Level::One);
    avf.wrap_up_ms = 0;
    avf.overflow_after_ms = Some(30_000);
    avf.overflow_to = vec!["OVR".into()];
    let ovr = GroupRules::new("OVR", Level::One);
    vec![fsk, fsk2, avf, ovr]
}

struct Scenario {
    name: &'static str,
    script: &'static str,
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "skills: only agents of the call's group, at the group's level",
        script: "
            0 login olle OVR:1
            0 login trainee FSK-2:1
            0 login anna FSK:1
            1 arrive c1 FSK sv
            => offer c1 anna
            # the trainee lists FSK-2 at level 1; FSK-2 calls need level 2
            2 arrive c2 FSK-2 sv
            => queued c2 pos=1 wait=none
            3 login karin FSK-2:2
            => offer c2 karin
            ? state trainee ready since=0s
            ? state olle ready since=0s
        ",
    },
    Scenario {
        name: "languages: Swedish to anyone in the group, other languages to their speakers",
        script: "
            0 login anna FSK:1
            1 login yasmin FSK:1 ar,en
            2 arrive c1 FSK ar
            => offer c1 yasmin
            3 arrive c2 FSK so
            => queued c2 pos=1 wait=none
            => offer-callback c2 wait=none
            4 arrive c3 FSK sv
            => offer c3 anna
            5 answer c1 yasmin
            6 hangup c1
            => finished c1 answered FSK/ar queue=3s talk=1s by=yasmin
            # anna lets c3 ring out at 24 s; yasmin, free at 36 s, speaks Swedish too
            36 tick
            => withdrawn c3 anna ring_timeout
            => offer c3 yasmin
            ? state anna paused missed call
        ",
    },
    Scenario {
        name: "the longest-idle ready agent gets the call",
        script: "
            0 login a OVR:1
            1 login b OVR:1
            2 login c OVR:1
            10 arrive c1 OVR sv
            => offer c1 a
            11 answer c1 a
            20 hangup c1
            => finished c1 answered OVR/sv queue=1s talk=9s by=a
            21 arrive c2 OVR sv
            => offer c2 b
            22 answer c2 b
            # a's wrap-up ends at 50 s: a has been idle for less time than c
            50 tick
            51 arrive c3 OVR sv
            => offer c3 c
            52 arrive c4 OVR sv
            => offer c4 a
        ",
    },
    Scenario {
        name: "priorities: higher priority first, then the longest wait",
        script: "
            0 login anna OVR:1
            1 arrive c1 OVR sv
            => offer c1 anna
            2 answer c1 anna
            10 arrive c2 OVR sv 0
            => queued c2 pos=1 wait=300s
            11 arrive c3 OVR sv 0
            => queued c3 pos=2 wait=600s
            12 arrive c4 OVR sv 5
            => queued c4 pos=1 wait=300s
            ? snapshot OVR waiting=3 longest=2s on_call=1
            100 hangup c1
            => finished c1 answered OVR/sv queue=1s talk=98s by=anna
            101 wrapped anna
            => offer c4 anna
            102 answer c4 anna
            103 hangup c4
            => finished c4 answered OVR/sv queue=90s talk=1s by=anna
            104 wrapped anna
            => offer c2 anna
        ",
    },
    Scenario {
        name: "maximum queue length, and an unknown group, refuse the call",
        script: "
            0 arrive c1 FSK sv
            => queued c1 pos=1 wait=none
            => offer-callback c1 wait=none
            1 arrive c2 FSK sv
            => queued c2 pos=2 wait=none
            => offer-callback c2 wait=none
            2 arrive c3 FSK sv
            => queued c3 pos=3 wait=none
            => offer-callback c3 wait=none
            3 arrive c4 FSK sv
            => refused c4 queue_full
            => finished c4 refused:queue_full FSK/sv queue=0s talk=0s by=-
            # a callback frees the caller's line but keeps the place
            4 callback c1
            => callback-accepted c1 due=3604s
            5 arrive c5 FSK sv
            => queued c5 pos=4 wait=none
            => offer-callback c5 wait=none
            6 arrive c6 NOPE sv
            => refused c6 unknown_group
            => finished c6 refused:unknown_group NOPE/sv queue=0s talk=0s by=-
            ? snapshot FSK waiting=3 callbacks=1 refused=1 offered_today=5
        ",
    },
    Scenario {
        name: "overflow to level 2 after the wait",
        script: "
            0 login anna FSK:1
            0 login karin FSK-2:2
            1 arrive c1 FSK sv
            => offer c1 anna
            2 answer c1 anna
            # karin is ready but level 2 takes FSK calls only after 60 s
            3 arrive c2 FSK sv
            => queued c2 pos=1 wait=300s
            => offer-callback c2 wait=300s
            62 tick
            63 tick
            => overflowed c2 to=FSK-2
            => offer c2 karin
            64 answer c2 karin
            70 hangup c2
            => finished c2 answered FSK/sv queue=61s talk=6s by=karin overflowed
            ? snapshot FSK answered=2 overflowed=1 within20=1 within60=1
        ",
    },
    Scenario {
        name: "overflow to a backup group",
        script: "
            0 login olle OVR:1
            1 arrive c1 AVF sv
            => queued c1 pos=1 wait=none
            30 tick
            31 tick
            => overflowed c1 to=OVR
            => offer c1 olle
            32 answer c1 olle
            40 hangup c1
            => finished c1 answered AVF/sv queue=31s talk=8s by=olle overflowed
        ",
    },
    Scenario {
        name: "callback: offered over the threshold, accepted, called back later",
        script: "
            0 login anna FSK:1
            1 arrive c1 FSK sv
            => offer c1 anna
            2 answer c1 anna
            3 arrive c2 FSK sv
            => queued c2 pos=1 wait=300s
            => offer-callback c2 wait=300s
            10 callback c2
            => callback-accepted c2 due=3610s
            # the phone system ends the caller's line: the task stays
            11 hangup c2
            ? snapshot FSK waiting=0 callbacks=1 callbacks_accepted=1
            100 hangup c1
            => finished c1 answered FSK/sv queue=1s talk=98s by=anna
            130 tick
            => overflowed c2 to=FSK-2
            => offer c2 anna callback
            135 answer c2 anna
            200 hangup c2
            => finished c2 callback FSK/sv queue=132s talk=65s by=anna overflowed due=3610s
            ? snapshot FSK callbacks=0 callbacks_answered=1 answered=1
        ",
    },
    Scenario {
        name: "no answer: the agent is paused, the call keeps its place and goes on",
        script: "
            0 login anna OVR:1
            1 login bo OVR:1
            2 arrive c1 OVR sv
            => offer c1 anna
            5 noanswer c1 anna
            => withdrawn c1 anna no_answer
            => offer c1 bo
            ? state anna paused missed call
            6 arrive c2 OVR sv
            => queued c2 pos=1 wait=300s
            25 tick
            => withdrawn c1 bo ring_timeout
            ? state bo paused missed call
            ? snapshot OVR waiting=2 paused=2 ready=0
            30 ready anna
            => offer c1 anna
            31 answer c1 anna
            32 hangup c1
            => finished c1 answered OVR/sv queue=29s talk=1s by=anna
        ",
    },
    Scenario {
        name: "transfer: to an answer group it queues again, elsewhere it ends",
        script: "
            0 login anna FSK:1
            0 login karin FSK-2:2
            1 arrive c1 FSK sv
            => offer c1 anna
            2 answer c1 anna
            30 transfer c1 FSK-2
            => offer c1 karin
            ? state anna wrap_up until=60s
            35 answer c1 karin
            95 hangup c1
            => finished c1 answered FSK/sv queue=6s talk=88s by=karin via=FSK-2
            96 tick
            97 arrive c2 FSK sv
            => offer c2 anna
            98 answer c2 anna
            106 transfer c2 SBK-BYGG
            => finished c2 transferred FSK/sv queue=1s talk=8s by=anna via=SBK-BYGG
        ",
    },
    Scenario {
        name: "wrap-up: no call until it ends or is done; a group without wrap-up frees at once",
        script: "
            0 login anna OVR:1,AVF:1
            1 arrive c1 OVR sv
            => offer c1 anna
            2 answer c1 anna
            10 hangup c1
            => finished c1 answered OVR/sv queue=1s talk=8s by=anna
            # handling estimate: 300 s + (8 s talk + 30 s wrap-up - 300 s) / 20
            11 arrive c2 OVR sv
            => queued c2 pos=1 wait=286900ms
            ? state anna wrap_up until=40s
            20 wrapped anna
            => offer c2 anna
            21 answer c2 anna
            25 hangup c2
            => finished c2 answered OVR/sv queue=10s talk=4s by=anna
            26 wrapped anna
            27 arrive c3 AVF sv
            => offer c3 anna
            28 answer c3 anna
            29 arrive c4 AVF sv
            => queued c4 pos=1 wait=300s
            30 hangup c3
            => finished c3 answered AVF/sv queue=1s talk=2s by=anna
            => offer c4 anna
        ",
    },
    Scenario {
        name: "pause with a reason: no calls while paused",
        script: "
            0 login anna OVR:1
            5 pause anna lunch
            ? state anna paused lunch
            6 arrive c1 OVR sv
            => queued c1 pos=1 wait=none
            ? snapshot OVR paused=1 ready=0 waiting=1
            7 pause anna meeting with the unit
            ? state anna paused meeting with the unit
            2000 ready anna
            => offer c1 anna
            2001 pause anna coffee
            ! AgentState
        ",
    },
    Scenario {
        name: "hang-up while ringing: abandoned, and the agent keeps its turn",
        script: "
            0 login anna OVR:1
            1 login bo OVR:1
            2 arrive c1 OVR sv
            => offer c1 anna
            3 hangup c1
            => withdrawn c1 anna caller_hung_up
            => finished c1 abandoned OVR/sv queue=1s talk=0s by=-
            4 arrive c2 OVR sv
            => offer c2 anna
            5 arrive c3 OVR sv
            => offer c3 bo
            6 arrive c4 OVR sv
            => queued c4 pos=1 wait=150s
            40 hangup c4
            => finished c4 abandoned OVR/sv queue=34s talk=0s by=-
            ? snapshot OVR abandoned=2 offered_today=4 offered=2
        ",
    },
    Scenario {
        name: "log-out while ringing passes the call on; log-out on a call is refused",
        script: "
            0 login anna OVR:1
            1 login bo OVR:1
            2 arrive c1 OVR sv
            => offer c1 anna
            3 logout anna
            => withdrawn c1 anna agent_logged_out
            => offer c1 bo
            4 answer c1 bo
            5 logout bo
            ! AgentState
            ? state anna logged_out
            6 answer c1 anna
            ! AgentLoggedOut
            7 login anna FSK:1
            ? state anna ready since=7s
        ",
    },
    Scenario {
        name: "a silent phone system: calls end as lost, callback tasks stay",
        script: "
            0 login anna OVR:1
            1 arrive c1 OVR sv
            => offer c1 anna
            2 answer c1 anna
            3 arrive c2 OVR sv
            => queued c2 pos=1 wait=300s
            4 callback c2
            => callback-accepted c2 due=14404s
            3000 arrive c3 OVR sv
            => queued c3 pos=2 wait=600s
            3600 expire 3000
            => finished c1 lost OVR/sv queue=1s talk=3598s by=anna
            ? state anna wrap_up until=3630s
            ? snapshot OVR lost=1 callbacks=1 waiting=1
            3630 tick
            => offer c2 anna callback
        ",
    },
    Scenario {
        name: "a callback task nobody may take ends as lost once long overdue",
        script: "
            0 arrive c1 FSK so
            => queued c1 pos=1 wait=none
            => offer-callback c1 wait=none
            1 callback c1
            => callback-accepted c1 due=3601s
            # silence does not end a task: it waits for an agent, not the phone
            7000 expire 3600
            ? snapshot FSK callbacks=1
            7201 expire 3600
            => finished c1 lost FSK/so queue=7201s talk=0s by=- due=3601s
            ? snapshot FSK callbacks=0 lost=1
        ",
    },
    Scenario {
        name: "wallboard: service levels and the day's counters",
        script: "
            0 login anna OVR:1
            1 arrive c1 OVR sv
            => offer c1 anna
            2 answer c1 anna
            3 arrive c2 OVR sv
            => queued c2 pos=1 wait=300s
            4 arrive c3 OVR sv
            => queued c3 pos=2 wait=600s
            10 hangup c1
            => finished c1 answered OVR/sv queue=1s talk=8s by=anna
            40 tick
            => offer c2 anna
            41 answer c2 anna
            50 hangup c2
            => finished c2 answered OVR/sv queue=38s talk=9s by=anna
            80 tick
            => offer c3 anna
            81 answer c3 anna
            ? snapshot OVR answered=3 within20=1 within60=2 waiting=0 on_call=1 offered_today=3
            90 resetday
            ? snapshot OVR answered=0 within20=0 within60=0 on_call=1 offered_today=0
        ",
    },
    Scenario {
        name: "time from the past counts as the latest time seen",
        script: "
            0 login anna OVR:1
            10 arrive c1 OVR sv
            => offer c1 anna
            5 answer c1 anna
            8 hangup c1
            => finished c1 answered OVR/sv queue=0s talk=0s by=anna
        ",
    },
    Scenario {
        name: "bad input: refused with an error, nothing changes",
        script: "
            0 login anna OVR:1
            0 login anna OVR:1
            ! AlreadyLoggedIn
            1 ready anna
            ! AgentState
            1 login x NOPE:1
            ! UnknownGroup
            1 login x OVR:1 Swedish
            ! Invalid
            2 arrive c1 OVR sv
            => offer c1 anna
            3 arrive c1 OVR sv
            ! DuplicateCall
            3 arrive c2 OVR sv-SE
            ! Invalid
            4 answer c9 anna
            ! UnknownCall
            4 hangup c9
            ! UnknownCall
            4 answer c1 bo
            ! UnknownAgent
            4 login bo OVR:1
            5 answer c1 bo
            ! NotOfferedTo
            5 noanswer c1 bo
            ! NotOfferedTo
            5 transfer c1 FSK
            ! CallState
            5 callback c1
            ! CallState
            5 wrapped anna
            ! AgentState
            6 arrive c2 OVR sv
            => offer c2 bo
            7 answer c2 anna
            ! NotOfferedTo
            7 answer c2 bo
            8 answer c2 bo
            ! CallState
            9 hangup c2
            => finished c2 answered OVR/sv queue=1s talk=2s by=bo
            10 hangup c2
            ! CallEnded
            10 answer c2 bo
            ! CallEnded
            10 arrive c2 OVR sv
            ! DuplicateCall
            11 wrapped bo
            11 logout bo
            12 ready bo
            ! AgentLoggedOut
            12 pause zed lunch
            ! UnknownAgent
            13 arrive c3 FSK sv
            => queued c3 pos=1 wait=none
            => offer-callback c3 wait=none
            13 answer c3 anna
            ! CallState
            14 callback c3
            => callback-accepted c3 due=3614s
            14 callback c3
            ! CallState
            15 hangup c3
            15 answer c1 anna
            16 pause anna lunch
            ! AgentState
            # a transferred call may go past the queue limit: it is already talking
            16 transfer c1 FSK
            => queued c1 pos=2 wait=none
            => offer-callback c1 wait=none
        ",
    },
];

#[test]
fn routing_scenarios() {
    let mut failures = Vec::new();
    for scenario in SCENARIOS {
        if let Err(e) = run(scenario.script) {
            failures.push(format!("{}:\n{e}", scenario.name));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

fn run(script: &str) -> Result<(), String> {
    let mut acd = Acd::new(rules(), AcdConfig::default()).map_err(|e| e.to_string())?;
    let lines: Vec<&str> = script
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut now = 0;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if let Some(check) = line.strip_prefix('?') {
            check_state(&acd, check.trim(), now).map_err(|e| format!("{line}: {e}"))?;
            continue;
        }
        let (time, command) = line
            .split_once(' ')
            .ok_or_else(|| format!("not an event: {line}"))?;
        now = time
            .parse::<u64>()
            .map_err(|_| format!("bad time in {line}"))?
            * 1000;
        let mut expected = Vec::new();
        while i < lines.len() && (lines[i].starts_with("=>") || lines[i].starts_with('!')) {
            expected.push(lines[i]);
            i += 1;
        }
        let before = acd.clone();
        let actual: Vec<String> = match apply(&mut acd, command.trim(), now)? {
            Ok(decisions) => decisions
                .iter()
                .map(|d| format!("=> {}", show(d)))
                .collect(),
            Err(e) => {
                if acd != before {
                    return Err(format!("{line}: refused ({e}) but the engine changed"));
                }
                vec![format!("! {}", error_name(&e))]
            }
        };
        if actual != expected {
            return Err(format!(
                "{line}\n  expected:\n    {}\n  got:\n    {}",
                expected.join("\n    "),
                actual.join("\n    ")
            ));
        }
    }
    Ok(())
}

type Applied = Result<Vec<Decision>, AcdError>;

fn apply(acd: &mut Acd, command: &str, now: u64) -> Result<Applied, String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let arg = |n: usize| -> Result<String, String> {
        words
            .get(n)
            .map(|s| s.to_string())
            .ok_or_else(|| format!("{command}: argument {n} missing"))
    };
    let event = match words.first().copied() {
        Some("tick") => return Ok(Ok(acd.tick(now))),
        Some("expire") => {
            let silent: u64 = arg(1)?.parse().map_err(|_| "bad seconds".to_string())?;
            return Ok(Ok(acd.expire(silent * 1000, now)));
        }
        Some("resetday") => {
            acd.reset_day();
            return Ok(Ok(Vec::new()));
        }
        Some("login") => {
            let mut groups = Vec::new();
            for g in arg(2)?.split(',') {
                let (code, level) = g.split_once(':').ok_or("GROUP:LEVEL")?;
                let level = if level == "2" { Level::Two } else { Level::One };
                groups.push((code.to_string(), level));
            }
            let languages = words
                .get(3)
                .map(|l| l.split(',').map(String::from).collect())
                .unwrap_or_default();
            Event::Login {
                agent: arg(1)?,
                skills: AgentSkills { groups, languages },
            }
        }
        Some("logout") => Event::Logout { agent: arg(1)? },
        Some("ready") => Event::Ready { agent: arg(1)? },
        Some("wrapped") => Event::WrapUpDone { agent: arg(1)? },
        Some("pause") => Event::Pause {
            agent: arg(1)?,
            reason: words[2..].join(" "),
        },
        Some("arrive") => Event::Arrive {
            call: arg(1)?,
            group: arg(2)?,
            language: arg(3)?,
            priority: words
                .get(4)
                .map_or(Ok(0), |p| p.parse())
                .map_err(|_| "bad priority")?,
        },
        Some("answer") => Event::Answer {
            call: arg(1)?,
            agent: arg(2)?,
        },
        Some("hangup") => Event::Hangup { call: arg(1)? },
        Some("noanswer") => Event::NoAnswer {
            call: arg(1)?,
            agent: arg(2)?,
        },
        Some("callback") => Event::AcceptCallback { call: arg(1)? },
        Some("transfer") => Event::Transfer {
            call: arg(1)?,
            group: arg(2)?,
        },
        _ => return Err(format!("unknown command: {command}")),
    };
    Ok(acd.handle(event, now))
}

fn secs(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

fn show(d: &Decision) -> String {
    match d {
        Decision::Offer { call, agent, kind } => match kind {
            OfferKind::Call => format!("offer {call} {agent}"),
            OfferKind::Callback => format!("offer {call} {agent} callback"),
        },
        Decision::Withdrawn {
            call,
            agent,
            reason,
        } => format!(
            "withdrawn {call} {agent} {}",
            serde_json::to_value(reason)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default()
        ),
        Decision::Queued {
            call,
            position,
            predicted_wait_ms,
        } => format!(
            "queued {call} pos={position} wait={}",
            predicted_wait_ms.map_or("none".into(), secs)
        ),
        Decision::OfferCallback {
            call,
            predicted_wait_ms,
        } => format!(
            "offer-callback {call} wait={}",
            predicted_wait_ms.map_or("none".into(), secs)
        ),
        Decision::CallbackAccepted { call, deadline_ms } => {
            format!("callback-accepted {call} due={}", secs(*deadline_ms))
        }
        Decision::Refused { call, reason } => format!("refused {call} {reason}"),
        Decision::Overflowed { call, to } => format!("overflowed {call} to={}", to.join(",")),
        Decision::Finished(r) => {
            let mut s = format!("finished {} {}", r.call, r.outcome);
            if let Some(reason) = r.refusal {
                s = format!("{s}:{reason}");
            }
            s += &format!(
                " {}/{} queue={} talk={} by={}",
                r.group,
                r.language,
                secs(r.queue_ms),
                secs(r.handle_ms),
                r.agent.as_deref().unwrap_or("-")
            );
            if r.overflowed {
                s += " overflowed";
            }
            if !r.transfers.is_empty() {
                s += &format!(" via={}", r.transfers.join(","));
            }
            if let Some(due) = r.callback_deadline_ms {
                s += &format!(" due={}", secs(due));
            }
            s
        }
    }
}

fn error_name(e: &AcdError) -> &'static str {
    match e {
        AcdError::UnknownCall(_) => "UnknownCall",
        AcdError::CallEnded(_) => "CallEnded",
        AcdError::DuplicateCall(_) => "DuplicateCall",
        AcdError::UnknownAgent(_) => "UnknownAgent",
        AcdError::AgentLoggedOut(_) => "AgentLoggedOut",
        AcdError::AlreadyLoggedIn(_) => "AlreadyLoggedIn",
        AcdError::AgentState { .. } => "AgentState",
        AcdError::CallState { .. } => "CallState",
        AcdError::NotOfferedTo { .. } => "NotOfferedTo",
        AcdError::UnknownGroup(_) => "UnknownGroup",
        AcdError::Invalid { .. } => "Invalid",
    }
}

fn show_state(s: &AgentState) -> String {
    match s {
        AgentState::LoggedOut => "logged_out".into(),
        AgentState::Ready { since_ms } => format!("ready since={}", secs(*since_ms)),
        AgentState::Offered { call } => format!("offered {call}"),
        AgentState::OnCall { call } => format!("on_call {call}"),
        AgentState::WrapUp { until_ms } => format!("wrap_up until={}", secs(*until_ms)),
        AgentState::Paused { reason } => format!("paused {reason}"),
    }
}

fn check_state(acd: &Acd, check: &str, now: u64) -> Result<(), String> {
    let mut words = check.split_whitespace();
    match words.next() {
        Some("state") => {
            let agent = words.next().ok_or("state AGENT …")?;
            let expected = words.collect::<Vec<_>>().join(" ");
            let actual = acd
                .agent_state(agent)
                .map_or("unknown".into(), |s| show_state(&s));
            if actual == expected {
                Ok(())
            } else {
                Err(format!("agent {agent} is {actual}"))
            }
        }
        Some("snapshot") => {
            let group = words.next().ok_or("snapshot GROUP …")?;
            let s = acd.snapshot(group, now).map_err(|e| e.to_string())?;
            let within = |limit: u64| {
                s.answered_within
                    .iter()
                    .find(|(l, _)| *l == limit)
                    .map_or(0, |(_, n)| *n)
            };
            let values: HashMap<&str, String> = HashMap::from([
                ("waiting", s.waiting.to_string()),
                ("longest", secs(s.longest_wait_ms)),
                ("callbacks", s.callbacks_waiting.to_string()),
                ("ready", s.agents.ready.to_string()),
                ("offered", s.agents.offered.to_string()),
                ("on_call", s.agents.on_call.to_string()),
                ("wrap_up", s.agents.wrap_up.to_string()),
                ("paused", s.agents.paused.to_string()),
                ("offered_today", s.offered_today.to_string()),
                ("answered", s.answered_today.to_string()),
                ("abandoned", s.abandoned_today.to_string()),
                ("callbacks_accepted", s.callbacks_accepted_today.to_string()),
                ("callbacks_answered", s.callbacks_answered_today.to_string()),
                ("refused", s.refused_today.to_string()),
                ("overflowed", s.overflowed_today.to_string()),
                ("lost", s.lost_today.to_string()),
                ("within20", within(20_000).to_string()),
                ("within60", within(60_000).to_string()),
            ]);
            for pair in words {
                let (key, want) = pair.split_once('=').ok_or("key=value")?;
                let got = values.get(key).ok_or_else(|| format!("no figure {key}"))?;
                if got != want {
                    return Err(format!("{key} is {got}, not {want}"));
                }
            }
            Ok(())
        }
        _ => Err(format!("unknown check: {check}")),
    }
}

/// The Stockholm catalog's answer groups and staff make a working engine.
#[test]
fn the_catalog_configures_the_engine() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../catalog/stockholm.toml"
    ))
    .expect("the demo catalog");
    let catalog = Catalog::load("stockholm.toml", &text).expect("a valid catalog");
    let rules = GroupRules::all_from_catalog(&catalog);
    assert!(rules
        .iter()
        .any(|r| r.code == "FSK" && r.overflow_to == ["FSK-2"]));
    let mut acd = Acd::new(rules, AcdConfig::from_catalog(&catalog.phone)).expect("valid rules");
    let mut agents = 0;
    for staff in &catalog.staff {
        if let Some(skills) = AgentSkills::from_staff(staff, &catalog) {
            let agent = staff.id.clone();
            acd.handle(Event::Login { agent, skills }, 0)
                .expect("every catalog agent can log in");
            agents += 1;
        }
    }
    assert!(agents >= 30, "only {agents} agents answer phones");
    let decisions = acd
        .handle(
            Event::Arrive {
                call: "c1".into(),
                group: "FSK".into(),
                language: "so".into(),
                priority: 0,
            },
            1000,
        )
        .expect("a call arrives");
    assert!(
        matches!(&decisions[..], [Decision::Offer { agent, .. }] if agent == "fadumo.warsame"),
        "a Somali preschool call goes to the Somali-speaking preschool agent: {decisions:?}"
    );
}

// ---- random event streams ---------------------------------------------------

const GROUPS: &[&str] = &["FSK", "FSK-2", "AVF", "OVR", "NOPE"];
const LANGUAGES: &[&str] = &["sv", "sv", "sv", "en", "ar", "so", "SV"];

/// What the decisions say about who rings and who talks, kept beside the
/// engine to check it.
#[derive(Default)]
struct Ledger {
    arrived: HashSet<String>,
    finished: HashSet<String>,
    /// agent → the call offered to or answered by them.
    busy: BTreeMap<String, String>,
    /// call → the agent it is offered to.
    offered: BTreeMap<String, String>,
    outcomes: HashMap<Outcome, usize>,
}

impl Ledger {
    fn observe(&mut self, decisions: &[Decision]) -> Result<(), String> {
        for d in decisions {
            match d {
                Decision::Offer { call, agent, .. } => {
                    if let Some(other) = self.busy.get(agent) {
                        return Err(format!("{agent} offered {call} while holding {other}"));
                    }
                    if let Some(other) = self.offered.get(call) {
                        return Err(format!("{call} offered to {agent} and {other}"));
                    }
                    self.busy.insert(agent.clone(), call.clone());
                    self.offered.insert(call.clone(), agent.clone());
                }
                Decision::Withdrawn { call, agent, .. } => {
                    if self.busy.remove(agent).as_ref() != Some(call) {
                        return Err(format!(
                            "{call} withdrawn from {agent}, who did not hold it"
                        ));
                    }
                    self.offered.remove(call);
                }
                Decision::Finished(r) => {
                    *self.outcomes.entry(r.outcome).or_default() += 1;
                    if !self.finished.insert(r.call.clone()) {
                        return Err(format!("{} finished twice", r.call));
                    }
                    if r.outcome != Outcome::Refused && !self.arrived.contains(&r.call) {
                        return Err(format!("{} finished without arriving", r.call));
                    }
                    self.busy.retain(|_, c| c != &r.call);
                    self.offered.remove(&r.call);
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn release(&mut self, call: &str) {
        self.busy.retain(|_, c| c != call);
        self.offered.remove(call);
    }
}

fn random_event(rng: &mut StdRng, agents: &[String], calls: usize) -> Event {
    let agent = agents[rng.gen_range(0..agents.len())].clone();
    let call = format!("c{}", rng.gen_range(0..calls));
    match rng.gen_range(0..100) {
        0..=4 => {
            let mut groups = Vec::new();
            for g in &GROUPS[..4] {
                if rng.gen_bool(0.4) {
                    let level = if rng.gen_bool(0.5) {
                        Level::One
                    } else {
                        Level::Two
                    };
                    groups.push((g.to_string(), level));
                }
            }
            let languages = ["en", "ar", "so"]
                .iter()
                .filter(|_| rng.gen_bool(0.3))
                .map(|l| l.to_string())
                .collect();
            Event::Login {
                agent,
                skills: AgentSkills { groups, languages },
            }
        }
        5..=6 => Event::Logout { agent },
        7..=14 => Event::Ready { agent },
        15..=17 => Event::Pause {
            agent,
            reason: "lunch".into(),
        },
        18..=39 => Event::Arrive {
            call,
            group: GROUPS[rng.gen_range(0..GROUPS.len())].into(),
            language: LANGUAGES[rng.gen_range(0..LANGUAGES.len())].into(),
            priority: rng.gen_range(0..3),
        },
        40..=59 => Event::Answer { call, agent },
        60..=74 => Event::Hangup { call },
        75..=79 => Event::NoAnswer { call, agent },
        80..=84 => Event::AcceptCallback { call },
        85..=89 => Event::Transfer {
            call,
            group: GROUPS[rng.gen_range(0..GROUPS.len())].into(),
        },
        _ => Event::WrapUpDone { agent },
    }
}

/// What a phone system would plausibly say next about a call the engine
/// routed: an answer or a missed call for an offer, a hang-up or a transfer
/// for a conversation.
fn plausible_event(rng: &mut StdRng, acd: &Acd, ledger: &Ledger) -> Option<Event> {
    if ledger.busy.is_empty() {
        return None;
    }
    let (agent, call) = ledger
        .busy
        .iter()
        .nth(rng.gen_range(0..ledger.busy.len()))?;
    let (agent, call) = (agent.clone(), call.clone());
    Some(match acd.agent_state(&agent)? {
        AgentState::Offered { .. } if rng.gen_bool(0.8) => Event::Answer { call, agent },
        AgentState::Offered { .. } => Event::NoAnswer { call, agent },
        _ if rng.gen_bool(0.75) => Event::Hangup { call },
        _ => Event::Transfer {
            call,
            group: GROUPS[rng.gen_range(0..GROUPS.len())].into(),
        },
    })
}

/// Answers (and ends) whatever the engine offers; the answer to an offer
/// the ledger knows is always accepted.
fn step(
    acd: &mut Acd,
    ledger: &mut Ledger,
    event: Event,
    now: u64,
    invalid: &mut u32,
) -> Result<(), String> {
    let before = acd.clone();
    let (arriving, transferring) = match &event {
        Event::Arrive { call, .. } => (Some(call.clone()), None),
        Event::Transfer { call, .. } => (None, Some(call.clone())),
        _ => (None, None),
    };
    let shown = format!("{event:?}");
    match acd.handle(event, now) {
        Ok(decisions) => {
            if let Some(call) = arriving {
                ledger.arrived.insert(call);
            }
            if let Some(call) = transferring {
                ledger.release(&call);
            }
            ledger.observe(&decisions)?;
        }
        Err(e) => {
            *invalid += 1;
            if *acd != before {
                return Err(format!("{shown} refused ({e}) but the engine changed"));
            }
        }
    }
    Ok(())
}

fn check_agents(acd: &Acd, ledger: &Ledger) -> Result<(), String> {
    for (agent, call) in &ledger.busy {
        match acd.agent_state(agent) {
            Some(AgentState::Offered { call: c } | AgentState::OnCall { call: c })
                if &c == call => {}
            other => return Err(format!("{agent} should hold {call}, engine says {other:?}")),
        }
    }
    Ok(())
}

fn random_stream(seed: u64, steps: usize) -> Result<(u32, Ledger), String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut acd = Acd::new(rules(), AcdConfig::default()).map_err(|e| e.to_string())?;
    let agents: Vec<String> = (0..8).map(|i| format!("a{i}")).collect();
    let mut ledger = Ledger::default();
    let mut invalid = 0;
    let mut now = 0;
    for n in 0..steps {
        now += rng.gen_range(0..20_000);
        let plausible = if rng.gen_bool(0.4) {
            plausible_event(&mut rng, &acd, &ledger)
        } else {
            None
        };
        let event = plausible.unwrap_or_else(|| random_event(&mut rng, &agents, steps / 4));
        step(&mut acd, &mut ledger, event, now, &mut invalid)?;
        if n.is_multiple_of(7) {
            let decisions = acd.tick(now);
            ledger.observe(&decisions)?;
        }
        if n.is_multiple_of(500) {
            let decisions = acd.expire(3_600_000, now);
            ledger.observe(&decisions)?;
        }
        for g in GROUPS {
            let _ = acd.snapshot(g, now);
        }
        check_agents(&acd, &ledger)?;
    }

    // Drain: silence ends the phone calls; one agent who can take anything
    // works off the callback tasks.
    now += 10 * 3_600_000;
    let decisions = acd.expire(0, now);
    ledger.observe(&decisions)?;
    let skills = AgentSkills {
        groups: GROUPS[..4]
            .iter()
            .map(|g| (g.to_string(), Level::Two))
            .collect(),
        languages: vec!["en".into(), "ar".into(), "so".into()],
    };
    step(
        &mut acd,
        &mut ledger,
        Event::Login {
            agent: "drain".into(),
            skills,
        },
        now,
        &mut invalid,
    )?;
    let mut rounds = 0;
    while acd.calls_in_progress() > 0 {
        rounds += 1;
        if rounds > 10_000 {
            return Err(format!("{} calls never end", acd.calls_in_progress()));
        }
        now += 1000;
        let holding: BTreeSet<(String, String)> = ledger
            .busy
            .iter()
            .map(|(a, c)| (a.clone(), c.clone()))
            .collect();
        for (agent, call) in holding {
            if let Some(AgentState::Offered { .. }) = acd.agent_state(&agent) {
                let answered = acd.handle(
                    Event::Answer {
                        call: call.clone(),
                        agent: agent.clone(),
                    },
                    now,
                );
                ledger.observe(&answered.map_err(|e| format!("answer {call}: {e}"))?)?;
            }
            let ended = acd.handle(Event::Hangup { call: call.clone() }, now);
            ledger.observe(&ended.map_err(|e| format!("hangup {call}: {e}"))?)?;
        }
        for agent in agents.iter().map(String::as_str).chain(["drain"]) {
            if let Some(AgentState::WrapUp { .. } | AgentState::Paused { .. }) =
                acd.agent_state(agent)
            {
                let readied = acd.handle(
                    Event::Ready {
                        agent: agent.into(),
                    },
                    now,
                );
                ledger.observe(&readied.map_err(|e| e.to_string())?)?;
            }
        }
        let decisions = acd.tick(now);
        ledger.observe(&decisions)?;
    }
    let unfinished: Vec<&String> = ledger.arrived.difference(&ledger.finished).collect();
    if !unfinished.is_empty() {
        return Err(format!("never finished: {unfinished:?}"));
    }
    Ok((invalid, ledger))
}

#[test]
fn random_streams_end_every_call_once() {
    let mut outcomes: HashMap<Outcome, usize> = HashMap::new();
    for seed in 0..12 {
        match random_stream(seed, 4_000) {
            Ok((invalid, ledger)) => {
                let arrived = ledger.arrived.len();
                assert!(arrived > 100, "seed {seed}: only {arrived} calls arrived");
                assert!(invalid > 100, "seed {seed}: only {invalid} refused events");
                for (outcome, n) in ledger.outcomes {
                    *outcomes.entry(outcome).or_default() += n;
                }
            }
            Err(e) => panic!("seed {seed}: {e}"),
        }
    }
    // The streams reach every ending, or they test less than they seem to.
    for outcome in Outcome::ALL {
        assert!(
            outcomes.get(outcome).is_some_and(|&n| n >= 10),
            "{outcome} too rare: {outcomes:?}"
        );
    }
}
