//! `kontakt bench acd`: the phone queues' routing engine in process, no
//! server. One routing decision at a time with a full contact centre
//! (200 agents, 2 000 callers waiting), and a simulated crisis week of
//! 1 000 000 calls.

use std::time::Instant;

use anyhow::{bail, Context};
use clap::Subcommand;
use kontakt_app::simulate::{simulate, Crisis, SimConfig};
use kontakt_domain::acd::{Acd, AcdConfig, AgentSkills, Decision, Event, GroupRules};
use kontakt_domain::catalog::{Catalog, Level};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `kontakt bench …`: the server load benchmarks and this one.
#[derive(Subcommand)]
pub enum AnyBench {
    /// Routing decisions and a simulated crisis week, in process.
    Acd(AcdArgs),
    #[command(flatten)]
    Server(crate::bench::BenchCommand),
}

#[derive(clap::Args)]
pub struct AcdArgs {
    /// Agents logged in; a tenth wait ready in a group of their own.
    #[arg(long, default_value_t = 200)]
    pub agents: usize,
    /// Callers waiting while the decisions are timed.
    #[arg(long, default_value_t = 2000)]
    pub waiting: usize,
    /// Timed decisions of each kind.
    #[arg(long, default_value_t = 100_000)]
    pub samples: usize,
    /// Calls in the simulated crisis week (0: skip the simulation).
    #[arg(long, default_value_t = 1_000_000)]
    pub sim_calls: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

const GROUPS: usize = 10;
const DIRECT: &str = "DIRECT";
const LANGUAGES: &[(&str, f64)] = &[
    ("sv", 0.85),
    ("en", 0.06),
    ("ar", 0.04),
    ("so", 0.03),
    ("fi", 0.02),
];

fn group(i: usize) -> String {
    format!("G{i}")
}

/// Ten answer groups that overflow to the next one after a minute and offer
/// callbacks over two minutes, and one group whose agents wait ready.
fn rules(waiting: usize) -> Vec<GroupRules> {
    let mut rules: Vec<GroupRules> = (0..GROUPS)
        .map(|i| {
            let mut r = GroupRules::new(&group(i), Level::One);
            r.max_waiting = u32::try_from(waiting).unwrap_or(u32::MAX);
            r.overflow_after_ms = Some(60_000);
            r.overflow_to = vec![group((i + 1) % GROUPS)];
            r.callback_offer_over_ms = Some(120_000);
            r
        })
        .collect();
    rules.push(GroupRules::new(DIRECT, Level::One));
    rules
}

fn language(rng: &mut ChaCha8Rng) -> String {
    let mut roll: f64 = rng.gen();
    for (l, share) in LANGUAGES {
        if roll < *share {
            return l.to_string();
        }
        roll -= share;
    }
    "sv".into()
}

struct Timings {
    name: &'static str,
    nanos: Vec<u64>,
}

impl Timings {
    fn new(name: &'static str, samples: usize) -> Timings {
        Timings {
            name,
            nanos: Vec::with_capacity(samples),
        }
    }

    fn time(&mut self, acd: &mut Acd, event: Event, now: u64) -> anyhow::Result<Vec<Decision>> {
        let started = Instant::now();
        let decisions = acd.handle(event, now);
        self.nanos.push(started.elapsed().as_nanos() as u64);
        decisions.with_context(|| format!("{}: the engine refused the event", self.name))
    }

    fn print(&mut self) {
        self.nanos.sort_unstable();
        let at = |q: f64| {
            let i = ((self.nanos.len() as f64 * q).ceil() as usize).clamp(1, self.nanos.len());
            self.nanos[i - 1] as f64 / 1000.0
        };
        let mean = self.nanos.iter().sum::<u64>() as f64 / self.nanos.len().max(1) as f64 / 1000.0;
        println!(
            "{:<34} {:>8} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
            self.name,
            self.nanos.len(),
            mean,
            at(0.50),
            at(0.99),
            at(0.999),
            at(1.0)
        );
    }
}

pub fn run(args: &AcdArgs, catalog: &Catalog) -> anyhow::Result<()> {
    if args.agents < 20 || args.samples == 0 {
        bail!("at least 20 agents and one sample");
    }
    decisions(args)?;
    if args.sim_calls > 0 {
        crisis_week(args, catalog)?;
    }
    Ok(())
}

fn decisions(args: &AcdArgs) -> anyhow::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let mut acd = Acd::new(rules(args.waiting), AcdConfig::default())?;
    let mut now: u64 = 0;
    let direct = args.agents / 10;
    let busy = args.agents - direct;

    // Every busy agent in one to three groups, some with a second language.
    for a in 0..busy {
        let mut groups = vec![(group(a % GROUPS), Level::One)];
        for _ in 0..rng.gen_range(0..=2) {
            let g = group(rng.gen_range(0..GROUPS));
            if !groups.iter().any(|(c, _)| *c == g) {
                groups.push((g, Level::One));
            }
        }
        let languages = LANGUAGES[1..]
            .iter()
            .filter(|_| rng.gen_bool(0.3))
            .map(|(l, _)| l.to_string())
            .collect();
        let skills = AgentSkills { groups, languages };
        acd.handle(
            Event::Login {
                agent: format!("a{a}"),
                skills,
            },
            now,
        )?;
    }
    for a in 0..direct {
        let skills = AgentSkills {
            groups: vec![(DIRECT.into(), Level::One)],
            languages: vec![],
        };
        now += 1;
        acd.handle(
            Event::Login {
                agent: format!("d{a}"),
                skills,
            },
            now,
        )?;
    }

    // Callers until every busy agent talks and `waiting` more wait.
    let mut serial = 0u64;
    let mut on_call: Vec<Option<String>> = vec![None; busy];
    while waiting(&acd) < args.waiting || on_call.iter().any(Option::is_none) {
        now += 10;
        let event = arrival(&mut serial, &mut rng);
        let decisions = acd.handle(event, now)?;
        answer_offers(&mut acd, decisions, &mut on_call, now)?;
        if serial > (args.waiting + busy) as u64 * 4 {
            bail!("agents stay idle: their groups and languages get no calls");
        }
    }
    // A minute on: the waiting calls have overflowed to a second group.
    now += 61_000;
    let decisions = acd.tick(now);
    answer_offers(&mut acd, decisions, &mut on_call, now)?;
    println!(
        "{} agents ({busy} talking, {direct} ready), {} callers waiting, {} calls in progress",
        args.agents,
        waiting(&acd),
        acd.calls_in_progress()
    );

    let mut queued = Timings::new("arrive → queued (position, wait)", args.samples);
    let mut offered = Timings::new("arrive → offered (longest idle)", args.samples);
    let mut ready = Timings::new("ready → offered (best of waiting)", args.samples);
    for i in 0..args.samples {
        // An agent ends a call and becomes ready: the best waiting call for it.
        let a = i % busy;
        if let Some(call) = on_call[a].take() {
            now += 1;
            acd.handle(Event::Hangup { call }, now)?;
            now += 1;
            let agent = format!("a{a}");
            let decisions = ready.time(&mut acd, Event::Ready { agent }, now)?;
            answer_offers(&mut acd, decisions, &mut on_call, now)?;
        }

        // A new caller joins the 2 000 waiting.
        now += 1;
        let event = arrival(&mut serial, &mut rng);
        let decisions = queued.time(&mut acd, event, now)?;
        answer_offers(&mut acd, decisions, &mut on_call, now)?;

        // A caller for the group with ready agents rings the longest idle,
        // then hangs up (the agent keeps its turn).
        serial += 1;
        let call = format!("c{serial}");
        now += 1;
        let event = Event::Arrive {
            call: call.clone(),
            group: DIRECT.into(),
            language: "sv".into(),
            priority: 0,
        };
        offered.time(&mut acd, event, now)?;
        acd.handle(Event::Hangup { call }, now)?;

        if i % 1000 == 999 {
            let decisions = acd.tick(now);
            answer_offers(&mut acd, decisions, &mut on_call, now)?;
        }
    }
    println!(
        "after: {} callers waiting, {} calls in progress",
        waiting(&acd),
        acd.calls_in_progress()
    );
    println!(
        "{:<34} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "decision (µs)", "samples", "mean", "p50", "p99", "p99.9", "max"
    );
    for t in [&mut queued, &mut offered, &mut ready] {
        t.print();
    }
    Ok(())
}

/// Callers waiting over all the benchmark's groups.
fn waiting(acd: &Acd) -> usize {
    (0..GROUPS)
        .filter_map(|i| acd.snapshot(&group(i), 0).ok())
        .map(|s| s.waiting as usize)
        .sum()
}

fn arrival(serial: &mut u64, rng: &mut ChaCha8Rng) -> Event {
    *serial += 1;
    Event::Arrive {
        call: format!("c{serial}"),
        group: group(rng.gen_range(0..GROUPS)),
        language: language(rng),
        priority: u8::from(rng.gen_bool(0.1)),
    }
}

/// The busy agents answer whatever they are offered at once.
fn answer_offers(
    acd: &mut Acd,
    decisions: Vec<Decision>,
    on_call: &mut [Option<String>],
    now: u64,
) -> anyhow::Result<()> {
    for d in decisions {
        if let Decision::Offer { call, agent, .. } = d {
            let Some(ix) = agent
                .strip_prefix('a')
                .and_then(|n| n.parse::<usize>().ok())
            else {
                continue;
            };
            acd.handle(
                Event::Answer {
                    call: call.clone(),
                    agent,
                },
                now,
            )?;
            if let Some(slot) = on_call.get_mut(ix) {
                *slot = Some(call);
            }
        }
    }
    Ok(())
}

fn crisis_week(args: &AcdArgs, catalog: &Catalog) -> anyhow::Result<()> {
    let config = SimConfig {
        days: 7,
        calls: Some(args.sim_calls),
        agents_scale: None,
        crisis: Some(Crisis::storm(7)),
        seed: args.seed,
    };
    let started = Instant::now();
    let report = simulate(catalog, &config)?;
    let seconds = started.elapsed().as_secs_f64();
    println!("\n{report}");
    println!(
        "crisis week: {} calls simulated in {seconds:.2} s wall time ({:.0} calls/s, {:.0} engine events/s)",
        report.total.offered,
        report.total.offered as f64 / seconds.max(1e-9),
        report.events as f64 / seconds.max(1e-9)
    );
    if report.rejected > 0 {
        bail!("the engine refused {} simulated events", report.rejected);
    }
    Ok(())
}
