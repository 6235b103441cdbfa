//! `kontakt simulate --live URL --token T`: a phone system and its callers
//! in real time against a running Kontakt (the demo), over the CTI
//! interface a real phone system uses: calls arrive, callers press keys,
//! wait with limited patience, talk and hang up; some of the catalog's
//! staff log in on their phones and answer. Agents logged in at the desk
//! get the screen pops, and the wallboards move.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Context};
use kontakt_domain::acd::AgentSkills;
use kontakt_domain::catalog::phone::MenuTarget;
use kontakt_domain::catalog::Catalog;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

/// What the live simulation needs beyond the catalog.
pub struct Live {
    pub url: String,
    pub token: String,
    pub calls_per_hour: f64,
    pub agents: usize,
    pub minutes: Option<f64>,
    pub seed: u64,
}

#[derive(Clone)]
struct Phone {
    client: reqwest::Client,
    url: String,
    token: String,
    /// The agents this simulation plays (others are people at a desk).
    simulated: Arc<Vec<String>>,
    /// Calls answered so far (a caller whose call is answered is patient).
    calls: Arc<Mutex<HashMap<String, bool>>>,
    /// Every call this simulation made, to hang up when it stops.
    made: Arc<Mutex<Vec<String>>>,
    counts: Arc<Mutex<HashMap<&'static str, u64>>>,
}

impl Phone {
    fn count(&self, what: &'static str) {
        if let Ok(mut c) = self.counts.lock() {
            *c.entry(what).or_default() += 1;
        }
    }

    /// Posts one event; the instructions in the answer are followed.
    async fn post(&self, event: Value) -> anyhow::Result<Vec<Value>> {
        let r = self
            .client
            .post(format!("{}/api/v1/cti/events", self.url))
            .bearer_auth(&self.token)
            .json(&event)
            .send()
            .await
            .context("posting a call event")?;
        let status = r.status();
        let body: Value = r.json().await.unwrap_or_default();
        if status.as_u16() == 401 || status.as_u16() == 403 {
            bail!("the token is not a phone system's ({status})");
        }
        if !status.is_success() {
            // Late or crossing events (a caller hung up as the agent
            // answered) are refused by Kontakt; the simulation goes on.
            self.count("refused events");
            return Ok(Vec::new());
        }
        let instructions = body["instructions"].as_array().cloned().unwrap_or_default();
        for i in &instructions {
            self.follow(i.clone());
        }
        Ok(instructions)
    }

    /// What the phone system does with an instruction.
    fn follow(&self, instruction: Value) {
        let me = self.clone();
        match instruction["action"].as_str() {
            Some("connect") => {
                let call = instruction["call"].as_str().unwrap_or_default().to_owned();
                let agent = instruction["agent"].as_str().unwrap_or_default().to_owned();
                tokio::spawn(async move { me.ring(call, agent).await });
            }
            Some("offer_callback") => {
                let call = instruction["call"].as_str().unwrap_or_default().to_owned();
                if rand::thread_rng().gen_bool(0.3) {
                    tokio::spawn(async move {
                        let _ = me
                            .post(json!({"event": "callback_requested", "call_id": call}))
                            .await;
                    });
                }
            }
            _ => {}
        }
    }

    /// The offered agent picks up after a few rings, talks, hangs up; a
    /// simulated agent then finishes wrap-up.
    async fn ring(&self, call: String, agent: String) {
        let simulated = self.simulated.contains(&agent);
        let (ring, talk) = if simulated {
            (2.0, exponential(90.0))
        } else {
            // A person at the desk: time to see the screen pop and register.
            (5.0, 180.0)
        };
        tokio::time::sleep(Duration::from_secs_f64(ring)).await;
        if self
            .post(json!({"event": "answered", "call_id": call, "agent": agent}))
            .await
            .is_err()
        {
            return;
        }
        if let Ok(mut calls) = self.calls.lock() {
            calls.insert(call.clone(), true);
        }
        self.count("answered");
        tokio::time::sleep(Duration::from_secs_f64(talk)).await;
        let _ = self.post(json!({"event": "hangup", "call_id": call})).await;
        if simulated {
            tokio::time::sleep(Duration::from_secs(10)).await;
            let _ = self
                .post(json!({"event": "agent_wrap_up_done", "agent": agent}))
                .await;
        }
    }
}

fn exponential(mean: f64) -> f64 {
    let u: f64 = rand::thread_rng().gen_range(1e-9..1.0);
    -mean * u.ln()
}

/// Every key path of a number's menus that leads to a group.
fn key_paths(catalog: &Catalog, number: &str) -> Vec<String> {
    let phone = &catalog.phone;
    let Some(menu) = phone.number(number).and_then(|n| phone.menu(&n.menu)) else {
        return Vec::new();
    };
    let mut paths = Vec::new();
    for o in &menu.options {
        match &o.target {
            MenuTarget::Group(_) => paths.push(o.key.to_string()),
            MenuTarget::Menu(sub) => {
                for s in phone
                    .menu(sub)
                    .map(|m| m.options.as_slice())
                    .unwrap_or_default()
                {
                    paths.push(format!("{}{}", o.key, s.key));
                }
            }
        }
    }
    paths
}

pub async fn run(live: &Live, catalog: &Catalog) -> anyhow::Result<()> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(live.seed);
    let mut staff: Vec<String> = catalog
        .staff
        .iter()
        .filter(|s| AgentSkills::from_staff(s, catalog).is_some())
        .map(|s| s.id.clone())
        .collect();
    for i in (1..staff.len()).rev() {
        staff.swap(i, rng.gen_range(0..=i));
    }
    staff.truncate(live.agents);
    let phone = Phone {
        client: reqwest::Client::new(),
        url: live.url.trim_end_matches('/').to_owned(),
        token: live.token.clone(),
        simulated: Arc::new(staff.clone()),
        calls: Arc::default(),
        made: Arc::default(),
        counts: Arc::default(),
    };
    for agent in staff.iter() {
        phone
            .post(json!({"event": "agent_login", "agent": agent}))
            .await?;
    }
    println!(
        "{} simulated agents logged in: {}",
        staff.len(),
        staff.join(", ")
    );

    // What arises outside a request (an agent got ready and is offered a
    // waiting call) comes on the instruction stream.
    let stream_phone = phone.clone();
    let mut stream = phone
        .client
        .get(format!("{}/api/v1/cti/instructions", phone.url))
        .bearer_auth(&phone.token)
        .send()
        .await
        .context("opening the instruction stream")?;
    if !stream.status().is_success() {
        bail!("the instruction stream answered {}", stream.status());
    }
    tokio::spawn(async move {
        let mut buffer = String::new();
        while let Ok(Some(chunk)) = stream.chunk().await {
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let block: String = buffer.drain(..end + 2).collect();
                for line in block.lines() {
                    if let Some(data) = line.strip_prefix("data:") {
                        if let Ok(instruction) = serde_json::from_str::<Value>(data.trim()) {
                            stream_phone.follow(instruction);
                        }
                    }
                }
            }
        }
    });

    let numbers: Vec<String> = catalog
        .phone
        .numbers
        .iter()
        .map(|n| n.number.clone())
        .collect();
    if numbers.is_empty() {
        bail!("the catalog has no phone numbers");
    }
    let deadline = live
        .minutes
        .map(|m| tokio::time::Instant::now() + Duration::from_secs_f64(m.clamp(0.0, 1e6) * 60.0));
    let mut n = 0u64;
    println!(
        "calling {} at about {:.0} calls an hour; Ctrl-C stops",
        phone.url, live.calls_per_hour
    );
    // Call ids unique to this run: a second run against the same
    // database must not collide with the first one's records.
    let run = format!("{:08x}", rand::random::<u32>());
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    loop {
        let pause = -(3600.0 / live.calls_per_hour.max(1.0)) * rng.gen_range(1e-9f64..1.0).ln();
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs_f64(pause.min(3600.0))) => {}
            _ = &mut stop => break,
        }
        if deadline.is_some_and(|d| tokio::time::Instant::now() >= d) {
            break;
        }
        n += 1;
        // The city's number gets most calls; Äldre Direkt its share.
        let number = if rng.gen_bool(0.85) {
            &numbers[0]
        } else {
            &numbers[numbers.len() - 1]
        };
        let paths = key_paths(catalog, number);
        let keys = paths
            .get(rng.gen_range(0..paths.len().max(1)))
            .cloned()
            .unwrap_or_default();
        let call = format!("sim-{run}-{n}");
        let from = format!("+467{:08}", rng.gen_range(0..100_000_000u64));
        phone.count("calls");
        if let Ok(mut made) = phone.made.lock() {
            made.push(call.clone());
        }
        let first = match phone
            .post(json!({"event": "new_call", "call_id": call, "from": from, "to": number}))
            .await
        {
            Ok(first) => first,
            Err(e) => {
                eprintln!("stopping: {e:#}");
                break;
            }
        };
        if first.iter().any(|i| i["action"] == "menu") {
            let _ = phone
                .post(json!({"event": "menu", "call_id": call, "keys": keys}))
                .await;
        }
        // A caller's patience: hang up unless answered by then.
        let patient = phone.clone();
        let patience = exponential(180.0);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs_f64(patience)).await;
            let answered = patient
                .calls
                .lock()
                .map(|c| c.contains_key(&call))
                .unwrap_or(false);
            if !answered {
                patient.count("gave up");
                let _ = patient
                    .post(json!({"event": "hangup", "call_id": call}))
                    .await;
            }
        });
    }
    // Stopping hangs up every call still on the line: nothing is left
    // open for Kontakt to close as lost hours later.
    let made = phone.made.lock().map(|m| m.clone()).unwrap_or_default();
    for call in made {
        let _ = phone
            .post(json!({"event": "hangup", "call_id": call}))
            .await;
    }
    for agent in staff.iter() {
        let _ = phone
            .post(json!({"event": "agent_wrap_up_done", "agent": agent}))
            .await;
        let _ = phone
            .post(json!({"event": "agent_logout", "agent": agent}))
            .await;
    }
    let counts = phone.counts.lock().map(|c| c.clone()).unwrap_or_default();
    println!("done: {counts:?}");
    Ok(())
}
