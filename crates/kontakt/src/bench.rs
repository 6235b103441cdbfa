//! `kontakt bench`: load against a running server over real HTTP, reporting
//! throughput and latency percentiles. With `--rate` the load is open-loop:
//! latency counts from when a request was due, not when it was sent, so a
//! stalled server cannot hide its stalls (no coordinated omission).

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Subcommand;
use rand::Rng;
use serde_json::json;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Create cases with POST /api/v1/cases.
    Create {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        #[arg(long, env = "KONTAKT_TOKEN")]
        token: String,
        #[arg(long, default_value_t = 16)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Total requests per second across all clients; unlimited if absent.
        #[arg(long)]
        rate: Option<f64>,
    },
    /// Report faults as a civic app would: POST /open311/v2/requests.json.
    Open311 {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        /// An API token with the intake role.
        #[arg(long, env = "KONTAKT_API_KEY")]
        api_key: String,
        #[arg(long, default_value_t = 16)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        #[arg(long)]
        rate: Option<f64>,
    },
    /// Register generated mails through the mail intake (in process).
    Mail {
        /// A demo or generated data directory (its kontakt.db).
        #[arg(long)]
        data_dir: std::path::PathBuf,
        #[arg(long, default_value_t = 2000)]
        mails: usize,
    },
    /// Append generated mails to a fresh IMAP mailbox, then time the IMAP
    /// reader draining it into cases (plain IMAP; the test Dovecot).
    Imap {
        /// A demo or generated data directory (its kontakt.db).
        #[arg(long)]
        data_dir: std::path::PathBuf,
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        #[arg(long)]
        port: u16,
        #[arg(long, default_value_t = 1000)]
        mails: usize,
        /// The mailbox is bench-<random>@DOMAIN, new each run.
        #[arg(long, default_value = "example.test")]
        domain: String,
        /// The password every user of the domain has.
        #[arg(long, default_value = "test")]
        password: String,
    },
    /// The key figures (statistics) over a generated database, in process;
    /// simulates and stores call history first if it has none.
    Stats {
        /// A demo or generated data directory (its kontakt.db).
        #[arg(long)]
        data_dir: std::path::PathBuf,
        /// Weeks of call history to simulate before this one.
        #[arg(long, default_value_t = 52)]
        call_weeks: u32,
        #[arg(long, default_value_t = 40_000)]
        calls_per_week: u64,
        /// Timed runs of each figure.
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// The agents' knowledge search over synthetic articles, in process
    /// (a new data directory gets them published first).
    Knowledge {
        /// A data directory; its kontakt.db is made if missing.
        #[arg(long)]
        data_dir: std::path::PathBuf,
        #[arg(long, default_value_t = 20_000)]
        articles: usize,
        #[arg(long, default_value_t = 2_000)]
        queries: usize,
    },
    /// Mina sidor for a resident with many cases, in process over HTTP on
    /// loopback: "my cases" and case pages (the resident's cases are
    /// registered first if the database has fewer).
    Residents {
        /// A demo or generated data directory (its kontakt.db).
        #[arg(long)]
        data_dir: std::path::PathBuf,
        #[arg(long, default_value_t = 200)]
        cases: usize,
        /// Timed requests of each page.
        #[arg(long, default_value_t = 1_000)]
        requests: usize,
    },
    /// The switchboard's directory type-ahead over a synthetic city, in
    /// process: the index's build, operators' searches keystroke by
    /// keystroke, and a sample through the service on SQLite.
    Directory {
        /// Where the service's SQLite database is made (default: a new
        /// temporary directory, removed afterwards).
        #[arg(long)]
        data_dir: Option<std::path::PathBuf>,
        #[arg(long, default_value_t = 5_000)]
        units: usize,
        #[arg(long, default_value_t = 60_000)]
        people: usize,
        /// Things operators look for, each typed key by key.
        #[arg(long, default_value_t = 2_000)]
        targets: usize,
        /// Of those, how many go through the whole service.
        #[arg(long, default_value_t = 300)]
        service_targets: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Send every e-mail waiting in the outbox to a mail server.
    Outbox {
        #[arg(long)]
        data_dir: std::path::PathBuf,
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        #[arg(long)]
        port: u16,
        /// none, starttls or tls.
        #[arg(long, default_value = "starttls")]
        security: String,
        #[arg(long)]
        username: Option<String>,
        #[arg(long)]
        password: Option<String>,
        #[arg(long, default_value = "Kontaktcenter <kontakt@example.test>")]
        from: String,
        #[arg(long)]
        ca_file: Option<std::path::PathBuf>,
    },
    /// Fetch random existing cases with GET /api/v1/cases/{number}.
    Fetch {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        #[arg(long, env = "KONTAKT_TOKEN")]
        token: String,
        #[arg(long, default_value_t = 4)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
}

struct Outcome {
    latencies_us: Vec<u64>,
    errors: u64,
}

async fn open_data_dir(
    dir: &std::path::Path,
) -> anyhow::Result<std::sync::Arc<dyn kontakt_store::Store>> {
    let url = format!("sqlite:{}", dir.join("kontakt.db").display());
    Ok(kontakt_store::open(&url, kontakt_store::OpenMode::MustExist).await?)
}

pub async fn run(
    command: BenchCommand,
    catalog: kontakt_domain::catalog::Catalog,
) -> anyhow::Result<()> {
    match command {
        BenchCommand::Open311 {
            url,
            api_key,
            clients,
            seconds,
            rate,
        } => {
            let client = reqwest::Client::new();
            const PLACES: &[&str] = &[
                "Hornsgatan 12",
                "Ringvägen 100",
                "Sveavägen 44",
                "Götgatan 3",
                "Fleminggatan 20",
            ];
            let result = drive(clients, seconds, rate, move |i| {
                let client = client.clone();
                let url = format!("{url}/open311/v2/requests.json");
                let place = PLACES[(i % PLACES.len() as u64) as usize];
                let form = vec![
                    ("api_key", api_key.clone()),
                    ("service_code", "GATA-BELYS".to_owned()),
                    (
                        "description",
                        format!("Gatlyktan vid {place} är släckt sedan i går kväll."),
                    ),
                    ("address_string", place.to_owned()),
                    ("lat", "59.3173".to_owned()),
                    ("long", "18.0626".to_owned()),
                    ("attribute[location]", place.to_owned()),
                    ("attribute[extent]", "one".to_owned()),
                    ("attribute[state]", "off".to_owned()),
                    ("email", format!("rapport{i}@example.se")),
                ];
                async move {
                    let r = client.post(&url).form(&form).send().await;
                    matches!(r, Ok(r) if r.status().is_success())
                }
            })
            .await;
            report(
                "Open311 report (POST /open311/v2/requests.json)",
                clients,
                seconds,
                rate,
                result,
            );
        }
        BenchCommand::Stats {
            data_dir,
            call_weeks,
            calls_per_week,
            runs,
        } => {
            let store = open_data_dir(&data_dir).await?;
            crate::bench_stats::run(crate::bench_stats::StatsArgs {
                store,
                catalog: std::sync::Arc::new(catalog),
                call_weeks,
                calls_per_week,
                runs: runs.max(1),
            })
            .await?;
        }
        BenchCommand::Knowledge {
            data_dir,
            articles,
            queries,
        } => {
            std::fs::create_dir_all(&data_dir)?;
            let url = format!("sqlite:{}", data_dir.join("kontakt.db").display());
            let store = kontakt_store::open(&url, kontakt_store::OpenMode::CreateIfMissing).await?;
            crate::bench_knowledge::run(
                store,
                std::sync::Arc::new(catalog),
                articles,
                queries.max(1),
            )
            .await?;
        }
        BenchCommand::Residents {
            data_dir,
            cases,
            requests,
        } => {
            let store = open_data_dir(&data_dir).await?;
            crate::bench_residents::run(crate::bench_residents::ResidentsArgs {
                store,
                catalog: std::sync::Arc::new(catalog),
                cases: cases.max(1),
                requests: requests.max(1),
            })
            .await?;
        }
        BenchCommand::Directory {
            data_dir,
            units,
            people,
            targets,
            service_targets,
            seed,
        } => {
            crate::bench_directory::run(
                std::sync::Arc::new(catalog),
                data_dir,
                units,
                people,
                targets.max(1),
                service_targets,
                seed,
            )
            .await?;
        }
        BenchCommand::Mail { data_dir, mails } => {
            let store = open_data_dir(&data_dir).await?;
            crate::bench_channels::mail(store, std::sync::Arc::new(catalog), mails).await?;
        }
        BenchCommand::Imap {
            data_dir,
            host,
            port,
            mails,
            domain,
            password,
        } => {
            let store = open_data_dir(&data_dir).await?;
            let server = crate::bench_channels::ImapServer {
                host,
                port,
                domain,
                password,
            };
            crate::bench_channels::imap(store, std::sync::Arc::new(catalog), server, mails).await?;
        }
        BenchCommand::Outbox {
            data_dir,
            host,
            port,
            security,
            username,
            password,
            from,
            ca_file,
        } => {
            let store = open_data_dir(&data_dir).await?;
            let smtp = kontakt_app::dispatch::SmtpConfig {
                host,
                port,
                security,
                username,
                password,
                from,
                ca_file,
            };
            crate::bench_channels::outbox(store, smtp).await?;
        }
        BenchCommand::Create {
            url,
            token,
            clients,
            seconds,
            rate,
        } => {
            let client = reqwest::Client::new();
            let bodies = std::sync::Arc::new(case_bodies(&client, &url, &token).await?);
            let result = drive(clients, seconds, rate, move |i| {
                let client = client.clone();
                let url = format!("{url}/api/v1/cases");
                let token = token.clone();
                let body = bodies[(i % bodies.len() as u64) as usize].clone();
                async move {
                    let r = client
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await;
                    matches!(r, Ok(r) if r.status().as_u16() == 201)
                }
            })
            .await;
            report(
                "create case (POST /api/v1/cases)",
                clients,
                seconds,
                rate,
                result,
            );
        }
        BenchCommand::Fetch {
            url,
            token,
            clients,
            seconds,
        } => {
            let client = reqwest::Client::new();
            let ranges = number_ranges(&client, &url, &token).await?;
            let total: u64 = ranges.iter().map(|(_, n)| *n as u64).sum();
            eprintln!("fetching among {total} case numbers in {:?}", ranges);
            let result = drive(clients, seconds, None, move |_| {
                let client = client.clone();
                let (year, max) = ranges[rand::thread_rng().gen_range(0..ranges.len())];
                let serial = rand::thread_rng().gen_range(1..=max);
                let url = format!("{url}/api/v1/cases/KC-{year}-{serial:06}");
                let token = token.clone();
                async move {
                    let r = client.get(&url).bearer_auth(&token).send().await;
                    match r {
                        Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                        _ => false,
                    }
                }
            })
            .await;
            report(
                "fetch case (GET /api/v1/cases/{number})",
                clients,
                seconds,
                None,
                result,
            );
        }
    }
    Ok(())
}

/// The years with cases and the highest serial in each, read through the API.
async fn number_ranges(
    client: &reqwest::Client,
    url: &str,
    token: &str,
) -> anyhow::Result<Vec<(u16, u32)>> {
    let mut ranges = Vec::new();
    let mut created_to: Option<String> = None;
    for _ in 0..3 {
        let mut req = client
            .get(format!("{url}/api/v1/cases"))
            .bearer_auth(token)
            .query(&[("limit", "1")]);
        if let Some(t) = &created_to {
            req = req.query(&[("created_to", t)]);
        }
        let page: serde_json::Value = req.send().await?.error_for_status()?.json().await?;
        let Some(number) = page["items"][0]["number"].as_str() else {
            break;
        };
        let n = kontakt_domain::case::CaseNumber::parse(number)
            .context("a case number from the API")?;
        ranges.push((n.year(), n.serial()));
        created_to = Some(format!("{}-01-01", n.year()));
    }
    if ranges.is_empty() {
        bail!("the server has no cases to fetch; run `kontakt generate` first");
    }
    Ok(ranges)
}

/// Realistic intake bodies: every case type without required form fields,
/// spread over the districts, with an identified resident.
async fn case_bodies(
    client: &reqwest::Client,
    url: &str,
    token: &str,
) -> anyhow::Result<Vec<serde_json::Value>> {
    const DISTRICTS: &[&str] = &[
        "sodermalm",
        "farsta",
        "bromma",
        "rinkeby-kista",
        "skarholmen",
        "norrmalm",
    ];
    let types: Vec<serde_json::Value> = client
        .get(format!("{url}/api/v1/case-types"))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()
        .context("listing case types")?
        .json()
        .await?;
    let bodies: Vec<serde_json::Value> = types
        .iter()
        .filter(|t| {
            t["fields"]
                .as_array()
                .is_none_or(|f| f.iter().all(|f| f["required"] != true))
        })
        .enumerate()
        .map(|(i, t)| {
            json!({
                "case_type": t["code"],
                "channel": "phone",
                "district": DISTRICTS[i % DISTRICTS.len()],
                "description": "Invånaren ringer och vill ha hjälp med sitt ärende. Belastningstest.",
                "contact": {"name": "Test Testsson", "personnummer": "19121212-1212", "phone": "070-123 45 67"},
                "feedback_channel": "sms",
            })
        })
        .collect();
    if bodies.is_empty() {
        bail!("the catalog has no case type without required fields to register");
    }
    Ok(bodies)
}

async fn drive<F, Fut>(clients: usize, seconds: u64, rate: Option<f64>, request: F) -> Outcome
where
    F: Fn(u64) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let start = Instant::now();
    let end = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let request = request.clone();
        let interval = rate.map(|r| Duration::from_secs_f64(clients as f64 / r));
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            let mut due =
                start + interval.map_or(Duration::ZERO, |i| i.mul_f64(c as f64 / clients as f64));
            let mut i = c as u64;
            while due < end {
                if interval.is_some() {
                    tokio::time::sleep_until(due.into()).await;
                }
                let sent = if interval.is_some() {
                    due
                } else {
                    Instant::now()
                };
                if request(i).await {
                    latencies.push(sent.elapsed().as_micros() as u64);
                } else {
                    errors += 1;
                }
                i += clients as u64;
                due = match interval {
                    Some(iv) => due + iv,
                    None => Instant::now(),
                };
            }
            (latencies, errors)
        }));
    }
    let mut outcome = Outcome {
        latencies_us: Vec::new(),
        errors: 0,
    };
    for t in tasks {
        if let Ok((l, e)) = t.await {
            outcome.latencies_us.extend(l);
            outcome.errors += e;
        }
    }
    outcome
}

fn report(what: &str, clients: usize, seconds: u64, rate: Option<f64>, mut o: Outcome) {
    o.latencies_us.sort_unstable();
    let n = o.latencies_us.len();
    let pct = |p: f64| -> f64 {
        if n == 0 {
            return 0.0;
        }
        o.latencies_us[((n as f64 * p).ceil() as usize).clamp(1, n) - 1] as f64 / 1000.0
    };
    println!("{what}");
    println!(
        "  clients {clients}, {seconds} s, rate {}",
        rate.map_or("unlimited".to_owned(), |r| format!("{r}/s"))
    );
    println!(
        "  ok {n}, errors {}, throughput {:.0}/s",
        o.errors,
        n as f64 / seconds as f64
    );
    println!(
        "  latency ms: p50 {:.2}, p90 {:.2}, p99 {:.2}, max {:.2}",
        pct(0.5),
        pct(0.9),
        pct(0.99),
        pct(1.0)
    );
}
