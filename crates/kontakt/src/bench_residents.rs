//! `kontakt bench residents`: Mina sidor for a resident with many cases,
//! over real HTTP on loopback against the real server in this process, on
//! a generated database. The resident's cases are registered through the
//! case service (phone calls with the agent's answer, some handed over,
//! some closed), the resident logs in with a one-time code as in a
//! browser, then "my cases" and case pages are fetched one after another:
//! the time is the server's answer (routing, session, access check, the
//! durable audit entry of every view, rendering) plus loopback.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::Utc;
use kontakt_app::cases::{Actor, CaseService, EntryRequest, HandoverRequest, IntakeRequest};
use kontakt_app::residents::{CodeMessage, Origin, ResidentService};
use kontakt_app::staff::{LoginPolicy, StaffService};
use kontakt_domain::access::{Principal, Role};
use kontakt_domain::catalog::Catalog;
use kontakt_store::Store;
use rand::{Rng, SeedableRng};
use serde_json::json;

pub struct ResidentsArgs {
    pub store: Arc<dyn Store>,
    pub catalog: Arc<Catalog>,
    /// Cases the resident has (registered if the database has fewer).
    pub cases: usize,
    /// Timed requests of each page.
    pub requests: usize,
}

const RESIDENT: &str = "bench.resident@example.se";
const USER_AGENT: &str = "kontakt-bench-residents";

/// Registers the resident's cases until there are `wanted`: phone calls
/// about case types without required fields, each answered, every third
/// handed over to its officer group, every fourth closed.
async fn seed_cases(
    cases: &CaseService,
    catalog: &Catalog,
    wanted: usize,
) -> anyhow::Result<Vec<String>> {
    let mut agent = Actor::new("bench:agent");
    agent.principal = Principal {
        roles: vec![Role::Registrar],
        ..Principal::default()
    };
    let existing = cases
        .store()
        .list_cases(&kontakt_store::CaseFilter {
            given_email: Some(kontakt_domain::contact::EmailAddress::parse(RESIDENT)?),
            limit: wanted as u32 + 1,
            ..kontakt_store::CaseFilter::default()
        })
        .await?;
    let mut numbers: Vec<String> = existing.iter().map(|c| c.number.to_string()).collect();
    let types: Vec<_> = catalog
        .case_types
        .iter()
        .filter(|t| t.fields.iter().all(|f| !f.required))
        .collect();
    anyhow::ensure!(!types.is_empty(), "no case type without required fields");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let started = Instant::now();
    while numbers.len() < wanted {
        let t = types[rng.gen_range(0..types.len())];
        let request: IntakeRequest = serde_json::from_value(json!({
            "case_type": t.code,
            "channel": "phone",
            "district": catalog.districts[rng.gen_range(0..catalog.districts.len())].code,
            "description": format!("Invånaren ringer om {}. Vill veta hur det går och när beslut kommer.", t.name_sv.to_lowercase()),
            "contact": {"name": "Bengt Bänk", "email": RESIDENT, "phone": "070-111 22 33"},
            "feedback_channel": "email",
        }))?;
        let now = Utc::now();
        let intake = cases
            .intake(request, &agent, now)
            .await
            .map_err(|e| anyhow::anyhow!("registering a {}: {e:?}", t.code))?;
        let number = intake.number.to_string();
        let answer: EntryRequest = serde_json::from_value(json!({
            "kind": "message_out", "channel": "email",
            "text": "Tack för ditt samtal. Vi har tittat på ditt ärende och återkommer med besked.",
        }))?;
        cases.add_entry(&number, answer, &agent, now).await?;
        let note: EntryRequest = serde_json::from_value(
            json!({"kind": "note", "text": "Intern anteckning: ringt upp, inget svar."}),
        )?;
        cases.add_entry(&number, note, &agent, now).await?;
        let i = numbers.len();
        if i.is_multiple_of(3) {
            if let Some(group) = &t.handover_group {
                let handover: HandoverRequest = serde_json::from_value(json!({
                    "group": group,
                    "summary": "Invånaren vill ha besked om ärendet. Informerad om handläggningstiden.",
                }))?;
                cases.hand_over(&number, handover, &agent, now).await?;
            }
        } else if i.is_multiple_of(4) {
            let close = serde_json::from_value(
                json!({"status": "closed", "resolution": "resolved_in_centre"}),
            )?;
            // A type the centre may only inform about stays open.
            let _ = cases.change_status(&number, close, &agent, now).await;
        }
        numbers.push(number);
    }
    eprintln!(
        "the resident's cases: {} ({} registered now, in {:.1} s)",
        numbers.len(),
        numbers.len() - existing.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(numbers)
}

pub async fn run(args: ResidentsArgs) -> anyhow::Result<()> {
    let cases = Arc::new(CaseService::new(args.store.clone(), args.catalog.clone()));
    let numbers = seed_cases(&cases, &args.catalog, args.cases).await?;
    let stored = args.store.count_cases().await?;

    // Log in with a code, as a browser does (the code read from the composer).
    let residents = ResidentService::new(args.store.clone(), cases.clone());
    let origin = Origin {
        client: "127.0.0.1".into(),
        operation_id: "bench".into(),
        user_agent: USER_AGENT.into(),
    };
    let code = std::sync::Mutex::new(String::new());
    let sent = residents
        .send_code(
            RESIDENT,
            |c: &str| {
                if let Ok(mut slot) = code.lock() {
                    *slot = c.to_owned();
                }
                CodeMessage {
                    subject: "Din kod".into(),
                    body: format!("Koden är {c}"),
                }
            },
            &origin,
            Utc::now(),
        )
        .await
        .context("sending the code")?;
    let typed = code.lock().map(|c| c.clone()).unwrap_or_default();
    let (secret, _) = residents
        .redeem_code(&sent.challenge, &typed, &origin, Utc::now())
        .await
        .context("logging in")?;

    // The real server, on loopback.
    let staff = Arc::new(StaffService::new(
        args.store.clone(),
        args.catalog.clone(),
        LoginPolicy::default(),
    ));
    let state = kontakt_web::AppState::new(cases.clone(), staff, None);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(kontakt_web::serve(listener, state, std::future::pending()));
    let client = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let cookie = format!("{}={secret}", kontakt_web::mina_sidor::RESIDENT_COOKIE);
    let get = |path: String| {
        let client = client.clone();
        let cookie = cookie.clone();
        let url = format!("{base}{path}");
        async move {
            let started = Instant::now();
            let r = client
                .get(&url)
                .header(reqwest::header::COOKIE, cookie)
                .send()
                .await?;
            let status = r.status();
            let body = r.text().await?;
            anyhow::ensure!(status == 200, "GET {url}: {status}");
            Ok::<_, anyhow::Error>((started.elapsed().as_micros() as u64, body))
        }
    };

    // Warm up, and check the page lists every case.
    let (_, list) = get("/mina-sidor/arenden".into()).await?;
    let listed = numbers.iter().filter(|n| list.contains(n.as_str())).count();
    anyhow::ensure!(
        listed == numbers.len(),
        "my cases lists {listed} of {}",
        numbers.len()
    );
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let (mut my_cases, mut case_page) = (Vec::new(), Vec::new());
    let started = Instant::now();
    for _ in 0..args.requests {
        my_cases.push(get("/mina-sidor/arenden".into()).await?.0);
        let n = &numbers[rng.gen_range(0..numbers.len())];
        case_page.push(get(format!("/mina-sidor/arenden/{n}")).await?.0);
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "Mina sidor, a resident with {} cases, {stored} cases stored, {} requests of each page in {seconds:.1} s (one at a time):",
        numbers.len(),
        args.requests
    );
    println!(
        "  my cases ({} kB): {}",
        list.len() / 1024,
        crate::bench_channels::percentiles(my_cases)
    );
    println!(
        "  a case page:       {}",
        crate::bench_channels::percentiles(case_page)
    );
    Ok(())
}
