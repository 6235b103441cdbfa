//! `kontakt bench knowledge`: the agents' search over a knowledge base of
//! synthetic articles (`kontakt_app::knowledge_demo::synthetic`), in
//! process: the index's first build, then questions as agents type them
//! (catalog synonyms, districts, inflections, typing errors).

use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use kontakt_app::cases::Actor;
use kontakt_app::knowledge::KnowledgeService;
use kontakt_domain::access::{Principal, Role};
use kontakt_domain::catalog::Catalog;
use kontakt_store::Store;
use rand::{Rng, SeedableRng};

pub async fn run(
    store: Arc<dyn Store>,
    catalog: Arc<Catalog>,
    articles: usize,
    queries: usize,
) -> anyhow::Result<()> {
    let service = KnowledgeService::new(store, catalog.clone());
    let now = Utc::now();
    if service.is_empty().await.map_err(|e| anyhow::anyhow!(e))? {
        let t = Instant::now();
        let contents = kontakt_app::knowledge_demo::synthetic(
            &catalog,
            articles,
            1,
            kontakt_domain::calendar::stockholm_date(now),
        );
        kontakt_app::knowledge_demo::publish_all(&service, &contents, now)
            .await
            .map_err(|e| anyhow::anyhow!(e))?;
        println!(
            "published {articles} articles in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let (published, built) = service.warm().await.map_err(|e| anyhow::anyhow!(e))?;
    println!(
        "search index over {published} articles built in {:.0} ms",
        built.as_secs_f64() * 1000.0
    );
    let mut agent = Actor::new("bench:agent");
    agent.principal = Principal {
        roles: vec![Role::AgentL1],
        ..Principal::default()
    };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut latencies = Vec::with_capacity(queries);
    let mut empty = 0;
    for _ in 0..queries {
        let t = &catalog.case_types[rng.gen_range(0..catalog.case_types.len())];
        let word = if t.synonyms.is_empty() || rng.gen_bool(0.3) {
            t.name_sv.clone()
        } else {
            t.synonyms[rng.gen_range(0..t.synonyms.len())].clone()
        };
        let mut question = match rng.gen_range(0..4) {
            0 => format!("hur gör jag med {word}"),
            1 => {
                let d = &catalog.districts[rng.gen_range(0..catalog.districts.len())];
                format!("{word} i {}", d.name)
            }
            2 => format!("{word}en"),
            _ => word.clone(),
        };
        if rng.gen_bool(0.2) && question.chars().count() > 6 {
            // A typing error: one letter dropped.
            let at = rng.gen_range(1..question.chars().count() - 1);
            question = question
                .chars()
                .enumerate()
                .filter(|(i, _)| *i != at)
                .map(|(_, c)| c)
                .collect();
        }
        let started = Instant::now();
        let result = service
            .search(&agent, &question, None, now)
            .await
            .map_err(|e| anyhow::anyhow!(e))?;
        latencies.push(started.elapsed().as_micros() as u64);
        if result.hits.is_empty() {
            empty += 1;
        }
    }
    latencies.sort_unstable();
    let at =
        |p: usize| latencies[(latencies.len() * p / 100).min(latencies.len() - 1)] as f64 / 1000.0;
    println!(
        "{queries} searches: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {empty} without a hit",
        at(50),
        at(95),
        at(99),
        latencies[latencies.len() - 1] as f64 / 1000.0
    );
    Ok(())
}
