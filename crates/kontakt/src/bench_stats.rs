//! `kontakt bench stats`: the key figures over a generated database, in
//! process: the first refresh of the case facts, then each figure for a
//! year, a month and a week, timed over several runs. Call history is
//! simulated through the real queue engine and stored first if the
//! database has none.

use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use kontakt_app::cases::Actor;
use kontakt_app::stats::{ScopeInput, StatsService};
use kontakt_domain::access::{Principal, Role};
use kontakt_domain::catalog::Catalog;
use kontakt_store::Store;

pub struct StatsArgs {
    pub store: Arc<dyn Store>,
    pub catalog: Arc<Catalog>,
    pub call_weeks: u32,
    pub calls_per_week: u64,
    pub runs: usize,
}

fn millis(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn report(what: &str, mut times: Vec<f64>) {
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "{what:<44} median {median:>8.1} ms   min {:>8.1} ms   max {:>8.1} ms",
        times[0],
        times[times.len() - 1]
    );
}

pub async fn run(args: StatsArgs) -> anyhow::Result<()> {
    let StatsArgs {
        store,
        catalog,
        call_weeks,
        calls_per_week,
        runs,
    } = args;
    let now = Utc::now();
    println!(
        "{} cases, {} call records before the run",
        store.count_cases().await?,
        store
            .meta("bench.calls")
            .await?
            .unwrap_or_else(|| "0".into())
    );
    if store.meta("bench.calls").await?.is_none() && call_weeks > 0 {
        let t = Instant::now();
        let n = kontakt_app::simulate::store_call_history(
            &store,
            &catalog,
            call_weeks,
            calls_per_week,
            now,
            7,
        )
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
        store.set_meta("bench.calls", &n.to_string()).await?;
        println!(
            "simulated and stored {n} calls over {} weeks in {:.1} s",
            call_weeks + 1,
            millis(t) / 1000.0
        );
    }
    let stats = StatsService::new(store.clone(), catalog.clone());
    let t = Instant::now();
    let made = stats.refresh().await?;
    println!(
        "refresh: {made} case facts made in {:.1} s",
        millis(t) / 1000.0
    );
    let mut analyst = Actor::new("bench:analyst");
    analyst.principal = Principal {
        roles: vec![Role::Analyst],
        ..Principal::default()
    };
    let today = kontakt_domain::calendar::stockholm_today();
    for (kind, label) in [("year", "a year"), ("month", "a month"), ("week", "a week")] {
        let scope = stats.scope(
            &ScopeInput {
                period: Some(kind.into()),
                // The last whole period, so each holds data.
                at: Some(
                    (today - chrono::Duration::days(if kind == "week" { 7 } else { 31 }))
                        .to_string(),
                ),
                ..ScopeInput::default()
            },
            today,
        )?;
        let mut case_times = Vec::new();
        let mut call_times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            stats.cases(&analyst, &scope, now).await?;
            case_times.push(millis(t));
            let t = Instant::now();
            stats.calls(&analyst, &scope).await?;
            call_times.push(millis(t));
        }
        report(
            &format!("case figures, {label} ({})", scope.period),
            case_times,
        );
        report(
            &format!("phone figures, {label} ({})", scope.period),
            call_times,
        );
    }
    let week = stats.scope(&ScopeInput::default(), today)?;
    let mut weekly = Vec::new();
    let mut deviations = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        stats.weekly_availability(&analyst, &week, 8).await?;
        weekly.push(millis(t));
        let t = Instant::now();
        stats.deviations(&analyst, &week, now).await?;
        deviations.push(millis(t));
    }
    report("weekly availability, 8 weeks", weekly);
    report("deviations, 9 weeks", deviations);
    // Everything the dashboard page computes for a period: phone figures,
    // the weekly table, case figures and deviations.
    for (kind, back) in [("year", 31), ("month", 31), ("week", 7)] {
        let scope = stats.scope(
            &ScopeInput {
                period: Some(kind.into()),
                at: Some((today - chrono::Duration::days(back)).to_string()),
                ..ScopeInput::default()
            },
            today,
        )?;
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            stats.calls(&analyst, &scope).await?;
            stats.weekly_availability(&analyst, &scope, 8).await?;
            stats.cases(&analyst, &scope, now).await?;
            stats.deviations(&analyst, &scope, now).await?;
            times.push(millis(t));
        }
        report(
            &format!("dashboard figures, a {kind} ({})", scope.period),
            times,
        );
    }
    Ok(())
}
