//! `kontakt simulate`: a day or week of calls through the real routing
//! engine on a virtual clock, as fast as it runs; the report gives the
//! figures statistics will.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::bail;
use kontakt_app::simulate::{simulate, Crisis, SimConfig};
use kontakt_domain::catalog::Catalog;

#[derive(clap::Args)]
pub struct SimulateArgs {
    /// Days from a Monday (weekends have no calls).
    #[arg(long, default_value_t = 7)]
    pub days: u32,
    /// Scale the arrivals to about this many calls (default: the base load
    /// the catalog's staffing serves).
    #[arg(long)]
    pub calls: Option<u64>,
    /// Copies of each agent (default: as the arrivals scale).
    #[arg(long)]
    pub agents_scale: Option<f64>,
    /// Five times the calls about streets and fault reports, 09–13 on day two.
    #[arg(long)]
    pub crisis: bool,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Catalog file (default: the built-in Stockholm catalog).
    #[arg(long)]
    pub catalog: Option<PathBuf>,
    /// Real time against a running Kontakt (e.g. the demo at
    /// http://127.0.0.1:8080), as its phone system, over the CTI interface.
    #[arg(long)]
    pub live: Option<String>,
    /// The phone system's API token (the demo prints `demo-phone-system`).
    #[arg(long, requires = "live")]
    pub token: Option<String>,
    /// Live: calls an hour.
    #[arg(long, default_value_t = 120.0)]
    pub calls_per_hour: f64,
    /// Live: how many of the catalog's staff log in on their phones.
    #[arg(long, default_value_t = 6)]
    pub agents: usize,
    /// Live: stop after this many minutes (default: until Ctrl-C).
    #[arg(long)]
    pub minutes: Option<f64>,
}

impl SimulateArgs {
    pub fn config(&self) -> SimConfig {
        SimConfig {
            days: self.days,
            calls: self.calls,
            agents_scale: self.agents_scale,
            crisis: self.crisis.then(|| Crisis::storm(self.days)),
            seed: self.seed,
        }
    }
}

pub async fn run(args: &SimulateArgs, catalog: &Catalog) -> anyhow::Result<()> {
    if let Some(url) = &args.live {
        let Some(token) = args.token.clone() else {
            bail!("--live needs --token: the phone system's token (demo-phone-system in the demo)");
        };
        let live = crate::simulate_live::Live {
            url: url.clone(),
            token,
            calls_per_hour: args.calls_per_hour,
            agents: args.agents,
            minutes: args.minutes,
            seed: args.seed,
        };
        return crate::simulate_live::run(&live, catalog).await;
    }
    let started = Instant::now();
    let report = simulate(catalog, &args.config())?;
    let seconds = started.elapsed().as_secs_f64();
    println!("{report}");
    println!(
        "simulated {} calls in {seconds:.2} s wall time ({:.0} calls/s)",
        report.total.offered,
        report.total.offered as f64 / seconds.max(1e-9)
    );
    if report.rejected > 0 {
        bail!(
            "the engine refused {} simulated events: the simulation and the engine disagree",
            report.rejected
        );
    }
    Ok(())
}
