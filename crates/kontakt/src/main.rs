//! `kontakt`: the one binary. Subcommands wire the layers together; no rules
//! live here.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context};
use chrono::{NaiveDate, Utc};
use clap::{Parser, Subcommand};
use kontakt_app::cases::{Actor, CaseService};
use kontakt_app::dispatch::{
    DirectoryTransport, Dispatcher, RetryPolicy, SmtpTransport, Transport,
};
use kontakt_app::generator::{generate_into, GeneratorConfig};
use kontakt_app::messages::MessageSettings;
use kontakt_app::staff::{LoginPolicy, NewAccount, StaffService};
use kontakt_app::tokens;
use kontakt_domain::catalog::Catalog;
use kontakt_domain::message::OutboundChannel;
use kontakt_store::OpenMode;

mod bench;
mod bench_acd;
mod bench_channels;
mod bench_directory;
mod bench_knowledge;
mod bench_residents;
mod bench_stats;
mod simulate;
mod simulate_live;

/// The demo's principals: one per role, with the groups and boards that make
/// each role meaningful in the Stockholm catalog.
const DEMO_ROLES: &[(&str, &[&str])] = &[
    ("demo-agent-l1", &["agent_l1", "group:FSK"]),
    ("demo-agent-l2", &["agent_l2", "group:FSK-2"]),
    ("demo-officer", &["officer", "group:FSK-KO-SKH"]),
    ("demo-registrar", &["registrar"]),
    (
        "demo-registrar-protected",
        &["registrar", "protected_identity"],
    ),
    ("demo-analyst", &["analyst"]),
    ("demo-log-reviewer", &["log_reviewer", "board:SDN-SKH"]),
    ("demo-administrator", &["administrator"]),
    ("demo-editor", &["editor"]),
    ("demo-intake", &["intake"]),
    ("demo-phone-system", &["phone_system"]),
];

/// The demo's staff logins, one per role, all with [`DEMO_PASSWORD`] and
/// without the second factor (said when the demo starts).
const DEMO_ACCOUNTS: &[(&str, &str, &[&str])] = &[
    ("agent1", "Agnes Agent (nivå 1)", &["agent_l1", "group:FSK"]),
    (
        "agent2",
        "Aron Agent (nivå 2)",
        &["agent_l2", "group:FSK-2"],
    ),
    (
        "officer",
        "Olle Handläggare",
        &["officer", "group:FSK-KO-SKH"],
    ),
    ("registrar", "Rut Registrator", &["registrar"]),
    (
        "registrar-protected",
        "Ragnar Registrator (skyddade)",
        &["registrar", "protected_identity"],
    ),
    ("analyst", "Ada Analytiker", &["analyst"]),
    (
        "reviewer",
        "Lisa Loggranskare",
        &["log_reviewer", "board:SDN-SKH"],
    ),
    ("admin", "Adam Administratör", &["administrator"]),
    ("editor", "Erika Redaktör (kunskapsbanken)", &["editor"]),
    (
        "teamlead",
        "Tove Teamledare (förskola)",
        &["supervisor", "group:FSK"],
    ),
];
const DEMO_PASSWORD: &str = "Stockholm-demo-2026";

/// Calls a week in the demo's simulated call history (the catalog's staff
/// scaled to match, so queues behave as on a normal week).
const DEMO_CALLS_PER_WEEK: u64 = 3_000;

/// What an SMS that answers no case becomes in the demo.
const DEMO_SMS_CASE_TYPE: &str = "ALLM-HANV";

/// The demo catalog, compiled in so `kontakt demo` needs no files.
const DEMO_CATALOG: &str = include_str!("../../../catalog/stockholm.toml");
const DEMO_CATALOG_NAME: &str = "catalog/stockholm.toml";

#[derive(Parser)]
#[command(
    name = "kontakt",
    version,
    about = "Kontakt – the city's contact-centre platform"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the demo: an embedded database with the Stockholm catalog and generated cases.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        #[arg(long, default_value = "kontakt-data")]
        data_dir: PathBuf,
        /// Cases to generate when the data directory is new.
        #[arg(long, default_value_t = 20_000)]
        cases: u64,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Where the demo takes mail for the catalog's mailboxes over SMTP,
        /// as the city's mail server would deliver it (loopback only).
        #[arg(long, default_value = "127.0.0.1:2525")]
        smtp_addr: SocketAddr,
    },
    /// Run the production server from a config file (secrets from the environment).
    Serve {
        #[arg(long)]
        config: PathBuf,
    },
    /// Generate a synthetic year of cases into a database.
    Generate {
        #[arg(long)]
        cases: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// sqlite:PATH or postgres://…; created if it is a new SQLite file.
        #[arg(
            long,
            env = "KONTAKT_DATABASE_URL",
            default_value = "sqlite:kontakt-data/kontakt.db"
        )]
        database: String,
        /// Catalog file (default: the built-in Stockholm catalog).
        #[arg(long)]
        catalog: Option<PathBuf>,
        /// Last day of the generated year (default: today).
        #[arg(long)]
        until: Option<NaiveDate>,
    },
    /// Work with catalog files.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// Database administration.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Integration tokens for the API.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Staff accounts (logins for the staff pages).
    Account {
        #[command(subcommand)]
        command: AccountCommand,
    },
    /// Retention (gallring): remove closed cases whose retention period has passed.
    Retention {
        /// A demo data directory (its kontakt.db).
        #[arg(long, conflicts_with = "database")]
        data_dir: Option<PathBuf>,
        #[arg(long, env = "KONTAKT_DATABASE_URL")]
        database: Option<String>,
        /// Report what is due, remove nothing.
        #[arg(long)]
        dry_run: bool,
        /// The day to run for (default: today in Stockholm).
        #[arg(long)]
        today: Option<NaiveDate>,
        /// Catalog file with the retention periods (default: built in).
        #[arg(long)]
        catalog: Option<PathBuf>,
    },
    /// The manual fallback's capture files (docs/fallback.md).
    Fallback {
        #[command(subcommand)]
        command: FallbackCommand,
    },
    /// The switchboard's directory (docs/directory.md).
    Directory {
        #[command(subcommand)]
        command: DirectoryCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Load benchmarks against a running server, and the phone queues' engine.
    Bench {
        #[command(subcommand)]
        command: bench_acd::AnyBench,
    },
    /// A day or week of calls through the phone queues, accelerated.
    Simulate(simulate::SimulateArgs),
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Validate a catalog file; prints every error as FILE:LINE: FIELD: REASON.
    Check { file: PathBuf },
}

#[derive(Subcommand)]
enum FallbackCommand {
    /// Import a capture file: every row is checked first and nothing is
    /// imported if one is wrong (exit 1); rows imported before are reported,
    /// not registered again.
    Import {
        /// A demo data directory (its kontakt.db).
        #[arg(long, conflicts_with = "database")]
        data_dir: Option<PathBuf>,
        #[arg(long, env = "KONTAKT_DATABASE_URL")]
        database: Option<String>,
        /// Catalog file (default: built in).
        #[arg(long)]
        catalog: Option<PathBuf>,
        /// The capture file (CSV).
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum DirectoryCommand {
    /// Import an HR export (CSV or LDIF): prints the difference; with
    /// --apply, applies it (all or nothing). For a nightly sync from HR.
    /// Exit 1 on a file with errors (each printed with its row and field).
    Import {
        /// A demo data directory (its kontakt.db).
        #[arg(long, conflicts_with = "database")]
        data_dir: Option<PathBuf>,
        #[arg(long, env = "KONTAKT_DATABASE_URL")]
        database: Option<String>,
        /// Catalog file (default: built in).
        #[arg(long)]
        catalog: Option<PathBuf>,
        /// Apply the difference (else only show it).
        #[arg(long)]
        apply: bool,
        /// The export.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain; exits non-zero and names the first broken link.
    Verify {
        /// A demo data directory (its kontakt.db).
        #[arg(long, conflicts_with_all = ["config", "database"])]
        data_dir: Option<PathBuf>,
        /// A server config file (its database_url, or KONTAKT_DATABASE_URL).
        #[arg(long, conflicts_with = "database")]
        config: Option<PathBuf>,
        #[arg(long)]
        database: Option<String>,
    },
}

#[derive(Subcommand)]
enum AccountCommand {
    /// Create an account; prints a temporary password to change at first login.
    Create {
        #[arg(long, env = "KONTAKT_DATABASE_URL")]
        database: String,
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// Repeat for several; the same grants as for tokens.
        #[arg(long = "grant", required = true)]
        grants: Vec<String>,
        /// May log in through single sign-on; such an account gets no password.
        #[arg(long)]
        sso: bool,
        #[arg(long)]
        catalog: Option<PathBuf>,
    },
    /// List accounts.
    List {
        #[arg(long, env = "KONTAKT_DATABASE_URL")]
        database: String,
    },
    /// Disable an account: its sessions end at once.
    Disable {
        #[arg(long, env = "KONTAKT_DATABASE_URL")]
        database: String,
        #[arg(long)]
        username: String,
    },
    Enable {
        #[arg(long, env = "KONTAKT_DATABASE_URL")]
        database: String,
        #[arg(long)]
        username: String,
    },
    /// Set a temporary password (printed) and lift a lockout.
    ResetPassword {
        #[arg(long, env = "KONTAKT_DATABASE_URL")]
        database: String,
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand)]
enum DbCommand {
    /// Create (SQLite) or prepare (PostgreSQL) a database and run the migrations.
    Create {
        #[arg(long, env = "KONTAKT_DATABASE_URL")]
        database: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Revoke every token with this name; they stop working at once.
    Revoke {
        #[arg(long, env = "KONTAKT_DATABASE_URL")]
        database: String,
        #[arg(long)]
        name: String,
    },
    /// Create a token; the secret is printed once and stored only as a hash.
    Create {
        #[arg(long, env = "KONTAKT_DATABASE_URL")]
        database: String,
        #[arg(long)]
        name: String,
        /// Repeat for several: a role (agent_l1, agent_l2, officer, registrar,
        /// analyst, log_reviewer, administrator, intake), group:<code>, or
        /// protected_identity.
        #[arg(long = "grant", required = true)]
        grants: Vec<String>,
        /// Catalog file the group grants are checked against (default: built in).
        #[arg(long)]
        catalog: Option<PathBuf>,
    },
}

/// `kontakt serve`'s config file. Secrets (the database URL with its
/// password) may instead come from KONTAKT_DATABASE_URL.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    listen: SocketAddr,
    database_url: Option<String>,
    catalog: PathBuf,
    /// Single sign-on through the city's OpenID provider (optional).
    sso: Option<kontakt_app::sso::SsoConfig>,
    /// Where residents reach Kontakt, e.g. "https://kontakt.stockholm.se":
    /// acknowledgements link to Mina sidor under it (optional; without it
    /// they name the case number and the follow code only).
    public_url: Option<String>,
    /// E-legitimation for residents on Mina sidor through an OpenID
    /// provider that gives the personnummer (optional; without it
    /// residents log in with a one-time code). Its redirect_url ends in
    /// `/mina-sidor/e-legitimation/klar`.
    resident_sso: Option<kontakt_app::sso::SsoConfig>,
    /// The nightly retention job (optional; off when absent).
    retention: Option<RetentionConfig>,
    /// The mail server acknowledgements and replies go out through
    /// (optional; without it e-mail waits in the outbox).
    mail: Option<kontakt_app::dispatch::SmtpConfig>,
    /// The mailbox residents write to, read over IMAP (optional).
    mail_in: Option<kontakt_app::mail_in::ImapConfig>,
    /// Direct delivery from the city's mail server over SMTP (optional).
    mail_in_smtp: Option<kontakt_app::mail_in::SmtpInConfig>,
    /// The SMS gateway (Kannel's HTTP interface; optional).
    sms: Option<kontakt_app::sms::KannelConfig>,
    /// The reverse proxies whose X-Forwarded-For names the client.
    #[serde(default)]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// The phone queues (optional). One process runs them: the queues
    /// live in that process, and starting them closes the call records a
    /// previous run left open.
    phone: Option<PhoneConfig>,
    /// Each board's monthly statistics report by e-mail to its address in
    /// the catalog (optional; off when absent).
    monthly_reports: Option<ReportsConfig>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportsConfig {
    /// Where staff reach Kontakt, for the report's link to the printable
    /// dashboard, e.g. "https://kontakt.stockholm.se".
    link_base: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PhoneConfig {
    /// Run the queues and the CTI interface in this process.
    queues: bool,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RetentionConfig {
    /// Stockholm time of day, e.g. "03:00".
    daily_at: chrono::NaiveTime,
}

/// The staff service with the default login policy.
fn staff_service(
    store: &Arc<dyn kontakt_store::Store>,
    catalog: &Arc<Catalog>,
) -> Arc<StaffService> {
    Arc::new(StaffService::new(
        store.clone(),
        catalog.clone(),
        LoginPolicy::default(),
    ))
}

async fn account(command: AccountCommand) -> anyhow::Result<std::process::ExitCode> {
    let actor = Actor::new("system:cli");
    let open = |database: String| async move {
        let store = kontakt_store::open(&database, OpenMode::MustExist).await?;
        anyhow::Ok(store)
    };
    match command {
        AccountCommand::Create {
            database,
            username,
            name,
            grants,
            sso,
            catalog,
        } => {
            let catalog = Arc::new(load_catalog(catalog.as_deref())?);
            let store = open(database).await?;
            let staff = staff_service(&store, &catalog);
            let temporary = staff
                .create(
                    &actor,
                    NewAccount {
                        username: username.clone(),
                        display_name: name,
                        password: None,
                        grants,
                        totp_exempt: false,
                        sso_allowed: sso,
                    },
                )
                .await?;
            match temporary {
                Some(t) => println!(
                    "account {username} created; temporary password (to be changed at first login): {t}"
                ),
                None => println!("account {username} created (single sign-on only, no password)"),
            }
        }
        AccountCommand::List { database } => {
            let store = open(database).await?;
            for a in store.accounts().await? {
                println!(
                    "{:<24} {:<30} {:<9} {}",
                    a.username,
                    a.display_name,
                    if a.disabled { "disabled" } else { "active" },
                    a.grants.join(" ")
                );
            }
        }
        AccountCommand::Disable { database, username } => {
            let store = open(database).await?;
            let staff = staff_service(&store, &Arc::new(load_catalog(None)?));
            staff.set_disabled(&actor, &username, true).await?;
            println!("account {username} disabled; its sessions have ended");
        }
        AccountCommand::Enable { database, username } => {
            let store = open(database).await?;
            let staff = staff_service(&store, &Arc::new(load_catalog(None)?));
            staff.set_disabled(&actor, &username, false).await?;
            println!("account {username} enabled");
        }
        AccountCommand::ResetPassword { database, username } => {
            let store = open(database).await?;
            let staff = staff_service(&store, &Arc::new(load_catalog(None)?));
            let temporary = staff.reset_password(&actor, &username).await?;
            println!(
                "temporary password for {username} (to be changed at next login): {temporary}"
            );
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KONTAKT_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    match cli.command {
        Command::Catalog {
            command: CatalogCommand::Check { file },
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            match Catalog::load(&file.display().to_string(), &text) {
                Ok(c) => {
                    println!(
                        "{}: ok ({} boards, {} districts, {} groups, {} staff, {} case types)",
                        file.display(),
                        c.boards.len(),
                        c.districts.len(),
                        c.groups.len(),
                        c.staff.len(),
                        c.case_types.len()
                    );
                    return Ok(std::process::ExitCode::SUCCESS);
                }
                Err(errors) => {
                    for e in &errors.0 {
                        println!("{e}");
                    }
                    eprintln!("{} error(s); the catalog was not loaded", errors.0.len());
                    return Ok(std::process::ExitCode::FAILURE);
                }
            }
        }
        Command::Db {
            command: DbCommand::Create { database },
        } => {
            kontakt_store::open(&database, OpenMode::CreateIfMissing).await?;
            println!("database ready: {}", redact(&database));
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    database,
                    name,
                    grants,
                    catalog,
                },
        } => {
            let catalog = load_catalog(catalog.as_deref())?;
            let grants: Vec<&str> = grants.iter().map(String::as_str).collect();
            tokens::check_grants(&grants, &catalog).map_err(anyhow::Error::msg)?;
            let store = kontakt_store::open(&database, OpenMode::MustExist).await?;
            println!(
                "api token: {}",
                tokens::issue(&store, &name, &grants).await?
            );
        }
        Command::Account { command } => return account(command).await,
        Command::Retention {
            data_dir,
            database,
            dry_run,
            today,
            catalog,
        } => {
            let url = match (data_dir, database) {
                (Some(dir), _) => format!("sqlite:{}", dir.join("kontakt.db").display()),
                (None, Some(url)) => url,
                (None, None) => bail!("name the database: --data-dir or --database"),
            };
            let catalog = load_catalog(catalog.as_deref())?;
            let store = kontakt_store::open(&url, OpenMode::MustExist).await?;
            let real_today = kontakt_domain::calendar::stockholm_today();
            let today = today.unwrap_or(real_today);
            if today > real_today && !dry_run {
                bail!("--today {today} is in the future: only a dry run may look ahead");
            }
            let report = kontakt_app::rights::run_retention(
                &store,
                &catalog,
                &Actor::new("system:retention"),
                today,
                dry_run,
            )
            .await
            .map_err(|e| anyhow::anyhow!("retention: {e}"))?;
            print_retention(&report);
        }
        Command::Fallback {
            command:
                FallbackCommand::Import {
                    data_dir,
                    database,
                    catalog,
                    file,
                },
        } => {
            let url = match (data_dir, database) {
                (Some(dir), _) => format!("sqlite:{}", dir.join("kontakt.db").display()),
                (None, Some(url)) => url,
                (None, None) => bail!("name the database: --data-dir or --database"),
            };
            let content =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let catalog = load_catalog(catalog.as_deref())?;
            let store = kontakt_store::open(&url, OpenMode::MustExist).await?;
            let service = CaseService::new(store, Arc::new(catalog));
            // Whoever runs this has the database itself; the import acts as
            // an intake channel, which may register cases and read nothing.
            let actor = Actor::channel("system:fallback-import");
            let name = file.display().to_string();
            return match kontakt_app::fallback::FallbackImport::new(&service)
                .import(&content, &name, &actor, Utc::now())
                .await
            {
                Ok(report) => {
                    print_fallback(&report);
                    Ok(std::process::ExitCode::SUCCESS)
                }
                Err(kontakt_app::fallback::FallbackError::Rows(errors)) => {
                    for e in &errors {
                        let column = if e.column.is_empty() {
                            "(row)"
                        } else {
                            &e.column
                        };
                        println!("{name}:{}: {column}: {}", e.row, e.reason);
                    }
                    eprintln!("{} error(s); nothing was imported", errors.len());
                    Ok(std::process::ExitCode::FAILURE)
                }
                Err(kontakt_app::fallback::FallbackError::Interrupted { done, error }) => {
                    print_fallback(&done);
                    eprintln!("the import stopped: {error}; run it again with the same file to register the rest");
                    Ok(std::process::ExitCode::FAILURE)
                }
                Err(e) => Err(e.into()),
            };
        }
        Command::Directory {
            command:
                DirectoryCommand::Import {
                    data_dir,
                    database,
                    catalog,
                    apply,
                    file,
                },
        } => {
            let url = match (data_dir, database) {
                (Some(dir), _) => format!("sqlite:{}", dir.join("kontakt.db").display()),
                (None, Some(url)) => url,
                (None, None) => bail!("name the database: --data-dir or --database"),
            };
            let content =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let catalog = load_catalog(catalog.as_deref())?;
            let store = kontakt_store::open(&url, OpenMode::MustExist).await?;
            let directory = kontakt_app::directory::DirectoryService::new(store, Arc::new(catalog));
            // Whoever runs this has the database itself; the sync acts as an
            // administrator, audited as the HR sync.
            let mut actor = Actor::new("system:hr-sync");
            actor.principal.roles = vec![kontakt_domain::access::Role::Administrator];
            let name = file.display().to_string();
            let preview = match directory.preview(&actor, &content).await {
                Ok(p) => p,
                Err(kontakt_app::directory::DirectoryError::Invalid(problems)) => {
                    for p in &problems {
                        println!("{name}: {p}");
                    }
                    eprintln!("{} error(s); nothing was changed", problems.len());
                    return Ok(std::process::ExitCode::FAILURE);
                }
                Err(e) => return Err(anyhow::anyhow!("{e}")),
            };
            for c in &preview.changes {
                println!(
                    "{}\t{} {}\t{}",
                    c.kind.as_str(),
                    c.subject.kind(),
                    c.subject.id(),
                    c.fields.join(",")
                );
            }
            for w in &preview.leavers_work {
                if !w.open_cases.is_empty() || !w.groups.is_empty() {
                    println!(
                        "to hand over from {} ({}): cases {}; groups {}",
                        w.name,
                        w.person,
                        w.open_cases.join(" "),
                        w.groups.join(" ")
                    );
                }
            }
            let summary = format!(
                "{} starters, {} leavers, {} moved, {} changed, {} unchanged, {} absence notes",
                preview.starters,
                preview.leavers,
                preview.moved,
                preview.changed,
                preview.unchanged,
                preview.absences
            );
            if apply {
                directory
                    .apply(&actor, &name, &content, preview.stamp, Utc::now())
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                println!("applied: {summary}");
            } else {
                println!("not applied (add --apply): {summary}");
            }
        }
        Command::Token {
            command: TokenCommand::Revoke { database, name },
        } => {
            let store = kontakt_store::open(&database, OpenMode::MustExist).await?;
            let n = store.revoke_tokens(&name).await?;
            println!("revoked {n} token(s) named {name}");
        }
        Command::Generate {
            cases,
            seed,
            database,
            catalog,
            until,
        } => {
            let catalog = load_catalog(catalog.as_deref())?;
            if let Some(dir) = database
                .strip_prefix("sqlite:")
                .and_then(|p| Path::new(p).parent())
            {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)?;
                }
            }
            let store = kontakt_store::open(&database, OpenMode::CreateIfMissing).await?;
            let until = match until {
                Some(d) => {
                    kontakt_domain::calendar::stockholm_midnight(d + chrono::Duration::days(1))
                        - chrono::Duration::seconds(1)
                }
                None => Utc::now(),
            };
            let service = CaseService::new(store, Arc::new(catalog));
            let started = std::time::Instant::now();
            let n = generate(&service, cases, seed, until).await?;
            let secs = started.elapsed().as_secs_f64();
            println!(
                "generated {n} cases in {secs:.1} s ({:.0} cases/s) into {}",
                n as f64 / secs.max(1e-9),
                redact(&database)
            );
        }
        Command::Demo {
            addr,
            data_dir,
            cases,
            seed,
            smtp_addr,
        } => demo(addr, smtp_addr, &data_dir, cases, seed).await?,
        Command::Serve { config } => serve(&config).await?,
        Command::Bench {
            command: bench_acd::AnyBench::Server(command),
        } => bench::run(command, load_catalog(None)?).await?,
        Command::Bench {
            command: bench_acd::AnyBench::Acd(args),
        } => bench_acd::run(&args, &load_catalog(None)?)?,
        Command::Simulate(args) => {
            simulate::run(&args, &load_catalog(args.catalog.as_deref())?).await?
        }
        Command::Audit {
            command:
                AuditCommand::Verify {
                    data_dir,
                    config,
                    database,
                },
        } => {
            let url = match (data_dir, config, database) {
                (Some(dir), _, _) => format!("sqlite:{}", dir.join("kontakt.db").display()),
                (None, Some(config), _) => read_config(&config)?.1,
                (None, None, Some(url)) => url,
                (None, None, None) => {
                    bail!("name the database: --data-dir, --config or --database")
                }
            };
            let store = kontakt_store::open(&url, OpenMode::MustExist).await?;
            match kontakt_app::audit::verify(&store).await? {
                kontakt_app::audit::Verdict::Intact { entries, head } => {
                    println!(
                        "audit log intact: {entries} entries, head {}",
                        head.as_deref().unwrap_or("(empty)")
                    );
                }
                kontakt_app::audit::Verdict::Broken {
                    entries_checked,
                    at,
                } => {
                    println!(
                        "audit log BROKEN: {at} ({entries_checked} entries before it verified)"
                    );
                    return Ok(std::process::ExitCode::FAILURE);
                }
            }
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

fn load_catalog(path: Option<&Path>) -> anyhow::Result<Catalog> {
    let (name, text) = match path {
        Some(p) => (
            p.display().to_string(),
            std::fs::read_to_string(p)
                .with_context(|| format!("reading catalog {}", p.display()))?,
        ),
        None => (DEMO_CATALOG_NAME.to_owned(), DEMO_CATALOG.to_owned()),
    };
    Catalog::load(&name, &text)
        .map_err(|e| anyhow::anyhow!("the catalog has errors and was not loaded:\n{e}"))
}

async fn generate(
    service: &CaseService,
    cases: u64,
    seed: u64,
    until: chrono::DateTime<Utc>,
) -> anyhow::Result<u64> {
    let config = GeneratorConfig { cases, seed, until };
    let mut last_report = 0;
    let n = generate_into(service, &config, |done| {
        if done >= last_report + 100_000 {
            eprintln!("  {done} cases …");
            last_report = done;
        }
    })
    .await
    .map_err(|e| anyhow::anyhow!("generating cases: {e}"))?;
    Ok(n)
}

async fn demo(
    addr: SocketAddr,
    smtp_addr: SocketAddr,
    data_dir: &Path,
    cases: u64,
    seed: u64,
) -> anyhow::Result<()> {
    if !smtp_addr.ip().is_loopback() {
        bail!("--smtp-addr must be a loopback address: the demo takes mail from this machine only");
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let db_path = data_dir.join("kontakt.db");
    let store = kontakt_store::open(
        &format!("sqlite:{}", db_path.display()),
        OpenMode::CreateIfMissing,
    )
    .await?;
    let catalog = Arc::new(load_catalog(None)?);
    // No mail server and no SMS gateway: what would be sent is written
    // into these directories, one file per message, for the user to read.
    let (mail_dir, sms_dir) = (data_dir.join("outbox-mail"), data_dir.join("outbox-sms"));
    for dir in [&mail_dir, &sms_dir] {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mail = DirectoryTransport::email(
        &mail_dir,
        &format!(
            "Kontaktcenter {} <kontaktcenter@{}>",
            catalog.city.name,
            MessageSettings::default().domain
        ),
    )
    .map_err(|e| anyhow::anyhow!(e))?;
    // Bound before the services are made: acknowledgements link to Mina
    // sidor at this address.
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr}"))?;
    let local = listener.local_addr()?;
    let service = Arc::new(
        CaseService::new(store.clone(), catalog.clone()).with_messages(
            MessageSettings::for_city(&catalog, mail.domain())
                .with_public_url(Some(format!("http://{local}"))),
        ),
    );
    let staff = staff_service(&store, &catalog);
    if store.meta("demo.generated").await?.is_none() {
        eprintln!("Generating {cases} cases of a synthetic year in Stockholm (seed {seed}) …");
        let n = generate(&service, cases, seed, Utc::now()).await?;
        store.set_meta("demo.generated", &n.to_string()).await?;
    }
    if store.meta("demo.calls").await?.is_none() {
        eprintln!("Simulating nine weeks of calls through the queues …");
        let n = kontakt_app::simulate::store_call_history(
            &store,
            &catalog,
            8,
            DEMO_CALLS_PER_WEEK,
            Utc::now(),
            seed,
        )
        .await
        .map_err(|e| anyhow::anyhow!("call history: {e}"))?;
        store.set_meta("demo.calls", &n.to_string()).await?;
    }
    let total = store.count_cases().await?;
    // Each start prints new tokens; the ones printed before stop working.
    // The main one is a registrar's: it registers and reads every case, but
    // not those of persons with protected identity.
    let mut role_tokens = Vec::new();
    for (name, grants) in DEMO_ROLES {
        store.revoke_tokens(name).await?;
        role_tokens.push((*name, tokens::issue(&store, name, grants).await?));
    }
    store.revoke_tokens("demo").await?;
    let token = tokens::issue(&store, "demo", &["registrar"]).await?;
    let system = Actor::new("system:demo");
    for (username, name, grants) in DEMO_ACCOUNTS {
        if store.account(username).await?.is_none() {
            staff
                .create(
                    &system,
                    NewAccount {
                        username: (*username).into(),
                        display_name: (*name).into(),
                        password: Some(DEMO_PASSWORD.into()),
                        grants: grants.iter().map(|g| g.to_string()).collect(),
                        totp_exempt: true,
                        sso_allowed: false,
                    },
                )
                .await?;
        }
    }
    start_dispatcher(
        &service,
        vec![
            (OutboundChannel::Email, Arc::new(mail)),
            (
                OutboundChannel::Sms,
                Arc::new(DirectoryTransport::sms(&sms_dir)),
            ),
        ],
    );
    // Mail in: the city's mail server would relay mail for the catalog's
    // mailboxes to this listener; here anyone on this machine can.
    let intake = Arc::new(kontakt_app::mail_in::MailIntake::new(service.clone()));
    let smtp_in = kontakt_app::mail_in::SmtpInConfig {
        listen: smtp_addr,
        allowed_clients: Vec::new(),
        max_bytes: 40 * 1024 * 1024,
    };
    let smtp_line = match kontakt_app::mail_in::spawn_smtp_listener(intake, &smtp_in) {
        Ok(at) => format!(
            "smtp://{at}  (mail to {} becomes a case; e.g. curl smtp://{at} --mail-from you@example.se --mail-rcpt {} -T mail.eml)",
            catalog
                .mailboxes
                .iter()
                .map(|m| m.address.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            catalog.mailboxes.first().map_or("", |m| m.address.as_str()),
        ),
        Err(e) => format!("not started: {e} (choose another with --smtp-addr)"),
    };
    // SMS in: the gateway's callback, with a secret made for this start.
    let sms_secret = tokens::random_secret();
    let sms = kontakt_app::sms::KannelConfig {
        // Outgoing SMS are written to files, so no gateway is called.
        sendsms_url: String::new(),
        username: String::new(),
        password: String::new(),
        from: catalog.city.name.clone(),
        callback_base: format!("http://{local}"),
        callback_secret: sms_secret.clone(),
        case_type: DEMO_SMS_CASE_TYPE.into(),
    };
    sms.check(&catalog).map_err(|e| anyhow::anyhow!(e))?;
    // Before anything is printed: the demo prints its token last, and a
    // reader may stop reading there.
    let directory = seed_directory_demo(&service, data_dir).await?;
    println!("Kontakt demo");
    println!("  base URL:      http://{local}");
    println!("  API docs:      http://{local}/api/openapi.json");
    println!(
        "  outgoing mail: {}  (acknowledgements and replies, one .eml file each; nothing is sent)",
        mail_dir.display()
    );
    println!(
        "  outgoing SMS:  {}  (one .txt file each; nothing is sent)",
        sms_dir.display()
    );
    println!("  incoming mail: {smtp_line}");
    println!(
        "  incoming SMS:  curl 'http://{local}/sms/kannel/incoming?secret={sms_secret}&from=%2B46701234567&to=Stockholm&id=1&text=Hej'  (as the SMS gateway calls it)"
    );
    println!(
        "  data:          {} ({total} cases, embedded SQLite)",
        data_dir.display()
    );
    println!(
        "  staff login:   http://{local}/login  (password for every demo account: {DEMO_PASSWORD})"
    );
    println!("  demo accounts (NOTE: the demo accounts log in WITHOUT the second factor that real accounts must use):");
    for (username, name, grants) in DEMO_ACCOUNTS {
        println!("    {username:<22} {name:<32} {}", grants.join(" "));
    }
    println!("  API tokens, one per role:");
    for ((name, grants), (_, secret)) in DEMO_ROLES.iter().zip(&role_tokens) {
        println!("    {name:<26} {:<40} {secret}", grants.join(" "));
    }
    println!("  directory:     http://{local}/directory  (operators: try \"parkeringstillstånd söder\", \"bygglov bromma\" or a surname; {} is away, {} stands in)", directory.away, directory.stand_in);
    println!(
        "  HR import:     {}  (as admin at http://{local}/directory/import: 2 new, 2 leaving, 1 moved, 1 new number)",
        directory.hr_file.display()
    );
    println!(
        "  public:        http://{local}/organisation  (the city's units and numbers, no staff)"
    );
    println!(
        "  Mina sidor:    http://{local}/mina-sidor  (residents: a case's e-mail address or mobile number gets a one-time code, written to outgoing mail/SMS above; 11 languages)"
    );
    println!("  try:           curl -H 'Authorization: Bearer <token>' http://{local}/api/v1/cases?limit=5");
    println!("api token: {token}");
    let state = kontakt_web::AppState::new(service.clone(), staff, None)
        .with_sms(sms)
        .with_switchboard()
        .await
        .map_err(|e| anyhow::anyhow!("phone queues: {e}"))?;
    start_monthly_reports(&service, &state, Some(format!("http://{local}")));
    let seeded = kontakt_app::knowledge_demo::seed_demo(&state.knowledge, Utc::now())
        .await
        .map_err(|e| anyhow::anyhow!("knowledge base: {e}"))?;
    if seeded > 0 {
        eprintln!("Published {seeded} knowledge articles.");
    }
    kontakt_web::serve(listener, state, shutdown_signal()).await?;
    Ok(())
}

/// What the demo's directory shows first.
struct DirectoryDemo {
    away: String,
    stand_in: String,
    hr_file: PathBuf,
}

/// The demo's organisation (once), someone away with a stand-in, and an HR
/// file with starters and leavers to try the import's preview with.
async fn seed_directory_demo(
    service: &CaseService,
    data_dir: &Path,
) -> anyhow::Result<DirectoryDemo> {
    use kontakt_app::directory::AbsenceRequest;
    use kontakt_domain::directory::Subject;
    let directory = &kontakt_app::directory::DirectoryService::new(
        service.store().clone(),
        service.catalog_arc(),
    );
    let (units, people) = kontakt_app::directory_demo::stockholm(directory.catalog());
    let (away, stand_in) = kontakt_app::directory_demo::demo_absence_subject();
    let now = Utc::now();
    let loaded = directory
        .loaded()
        .await
        .map_err(|e| anyhow::anyhow!("directory: {e}"))?;
    if loaded.dir.units().next().is_none() {
        directory
            .seed(units.clone(), people.clone(), "demo", now)
            .await
            .map_err(|e| anyhow::anyhow!("directory: {e}"))?;
        eprintln!(
            "Loaded the directory: {} units, {} people.",
            units.len(),
            people.len()
        );
    }
    let loaded = directory
        .loaded()
        .await
        .map_err(|e| anyhow::anyhow!("directory: {e}"))?;
    let subject = Subject::Person(away.to_owned());
    if loaded.dir.person(away).is_some()
        && !loaded.notes.iter().any(|n| n.absence.subject == subject)
    {
        let mut actor = kontakt_app::cases::Actor::new("system:demo");
        actor.principal.roles = vec![kontakt_domain::access::Role::Administrator];
        directory
            .set_absence(
                &actor,
                AbsenceRequest {
                    subject,
                    from: None,
                    until: Some(now + chrono::Duration::days(7)),
                    reason: Some("Semester".into()),
                    stand_in: Some(Subject::Person(stand_in.to_owned())),
                },
                now,
            )
            .await
            .map_err(|e| anyhow::anyhow!("directory: {e}"))?;
    }
    let name = |id: &str| {
        loaded
            .dir
            .person(id)
            .map_or_else(|| id.to_owned(), |p| p.full_name())
    };
    let hr_file = data_dir.join("hr-export-exempel.csv");
    std::fs::write(
        &hr_file,
        kontakt_app::directory_demo::hr_export_example(&units, &people),
    )
    .with_context(|| format!("writing {}", hr_file.display()))?;
    Ok(DirectoryDemo {
        away: name(away),
        stand_in: name(stand_in),
        hr_file,
    })
}

/// The config file and the database URL it (or the environment) names.
fn read_config(config_path: &Path) -> anyhow::Result<(Config, String)> {
    let text = std::fs::read_to_string(config_path)
        .with_context(|| format!("reading {}", config_path.display()))?;
    let config: Config =
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", config_path.display()))?;
    let database = std::env::var("KONTAKT_DATABASE_URL")
        .ok()
        .or(config.database_url.clone())
        .context("no database: set database_url in the config or KONTAKT_DATABASE_URL")?;
    Ok((config, database))
}

async fn serve(config_path: &Path) -> anyhow::Result<()> {
    let (config, database) = read_config(config_path)?;
    let catalog = Arc::new(load_catalog(Some(&config.catalog))?);
    let store = kontakt_store::open(&database, OpenMode::MustExist).await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    tracing::info!(addr = %listener.local_addr()?, database = %redact(&database), "serving");
    let sso = match config.sso.clone() {
        Some(c) => Some(Arc::new(kontakt_app::sso::Sso::new(c)?)),
        None => None,
    };
    let staff = staff_service(&store, &catalog);
    if let Some(r) = &config.retention {
        tokio::spawn(retention_schedule(
            store.clone(),
            catalog.clone(),
            r.daily_at,
        ));
    }
    let mut transports: Vec<(OutboundChannel, Arc<dyn Transport>)> = Vec::new();
    let mut mail_domain = None;
    if let Some(mail) = &config.mail {
        let smtp = SmtpTransport::new(mail)
            .map_err(|e| anyhow::anyhow!("{}: {e}", config_path.display()))?;
        mail_domain = Some(smtp.domain());
        transports.push((OutboundChannel::Email, Arc::new(smtp)));
    }
    if let Some(sms) = &config.sms {
        sms.check(&catalog)
            .map_err(|e| anyhow::anyhow!("{}: {e}", config_path.display()))?;
        transports.push((
            OutboundChannel::Sms,
            Arc::new(kontakt_app::sms::KannelTransport::new(sms.clone())),
        ));
    }
    let messages =
        MessageSettings::for_city(&catalog, mail_domain).with_public_url(config.public_url.clone());
    let cases = Arc::new(CaseService::new(store, catalog.clone()).with_messages(messages));
    start_dispatcher(&cases, transports);
    if let Some(smtp_in) = &config.mail_in_smtp {
        let intake = Arc::new(kontakt_app::mail_in::MailIntake::new(cases.clone()));
        let addr = kontakt_app::mail_in::spawn_smtp_listener(intake, smtp_in)
            .map_err(|e| anyhow::anyhow!("{}: {e}", config_path.display()))?;
        tracing::info!(%addr, "receiving mail over SMTP");
    }
    if let Some(imap) = config.mail_in.clone() {
        imap.check()
            .map_err(|e| anyhow::anyhow!("{}: {e}", config_path.display()))?;
        kontakt_app::mail_in::spawn_poller(
            kontakt_app::mail_in::MailIntake::new(cases.clone()),
            imap,
        );
    }
    let mut state = kontakt_web::AppState::new(cases.clone(), staff.clone(), sso)
        .with_trusted_proxies(config.trusted_proxies.clone());
    tokio::spawn(purge_sessions(staff, state.residents.clone()));
    if let Some(sms) = config.sms.clone() {
        state = state.with_sms(sms);
    }
    if let Some(c) = config.resident_sso.clone() {
        state = state.with_resident_sso(Arc::new(kontakt_app::sso::Sso::new(c)?));
    }
    if config.phone.as_ref().is_some_and(|p| p.queues) {
        state = state
            .with_switchboard()
            .await
            .map_err(|e| anyhow::anyhow!("phone queues: {e}"))?;
    }
    if let Some(reports) = &config.monthly_reports {
        start_monthly_reports(&cases, &state, reports.link_base.clone());
    }
    kontakt_web::serve(listener, state, shutdown_signal()).await?;
    Ok(())
}

/// Starts the outbox's dispatcher with a transport per channel Kontakt
/// sends on (none: nothing to start). It runs after every case change and
/// every few seconds until the process ends.
fn start_dispatcher(cases: &CaseService, transports: Vec<(OutboundChannel, Arc<dyn Transport>)>) {
    let dispatcher = transports.into_iter().fold(
        Dispatcher::new(cases.store().clone(), RetryPolicy::default()),
        |dispatcher, (channel, transport)| dispatcher.with(channel, transport),
    );
    if !dispatcher.is_empty() {
        dispatcher.spawn(cases.subscribe());
    }
}

fn print_fallback(report: &kontakt_app::fallback::ImportReport) {
    for r in &report.rows {
        let outcome = match r.outcome {
            kontakt_app::fallback::RowOutcome::Imported => "imported",
            kontakt_app::fallback::RowOutcome::AlreadyImported => "already imported earlier",
        };
        println!("row {}\t{}\t{}\t{outcome}", r.row, r.capture_id, r.number);
    }
    println!(
        "imported {}, already imported earlier {}",
        report.imported(),
        report.already_imported()
    );
}

fn print_retention(report: &kontakt_app::rights::RetentionReport) {
    println!(
        "retention {} for {}: {} case(s) due",
        if report.dry_run { "dry run" } else { "run" },
        report.today,
        report.due
    );
    for line in &report.lines {
        println!(
            "  {:<14} {:>3} months  closed before {}  {:>7} due",
            line.case_type, line.retention_months, line.closed_before, line.due
        );
    }
    if !report.dry_run {
        println!("removed {} case(s); anonymous counts kept", report.removed);
    }
}

/// The nightly retention job: at `daily_at` (Stockholm time) a dry run is
/// logged, then the removal runs. A failed night is logged and retried the
/// next night; what was removed before the failure stays removed.
async fn retention_schedule(
    store: Arc<dyn kontakt_store::Store>,
    catalog: Arc<Catalog>,
    daily_at: chrono::NaiveTime,
) {
    let actor = Actor::new("system:retention");
    loop {
        let now = Utc::now();
        let local = kontakt_domain::calendar::stockholm_local(now);
        let mut next = local.date().and_time(daily_at);
        if next <= local {
            next += chrono::Duration::days(1);
        }
        let wait = (next - local).to_std().unwrap_or_default();
        tokio::time::sleep(wait).await;
        let today = kontakt_domain::calendar::stockholm_today();
        for dry_run in [true, false] {
            match kontakt_app::rights::run_retention(&store, &catalog, &actor, today, dry_run).await
            {
                Ok(r) => tracing::info!(dry_run, due = r.due, removed = r.removed, "retention"),
                Err(e) => {
                    tracing::error!(error = %e, "retention failed");
                    break;
                }
            }
        }
    }
}

/// Hourly: queues the last month's report for every board that has not had
/// it (the outbox's dispatcher sends them); queuing is once per board and
/// month, so a restart or a second process sends nothing twice.
fn start_monthly_reports(
    cases: &CaseService,
    state: &kontakt_web::AppState,
    link_base: Option<String>,
) {
    let reports = kontakt_app::reports::MonthlyReports::new(
        state.stats.clone(),
        cases.store().clone(),
        cases.catalog_arc(),
        cases.message_settings().clone(),
        link_base,
    );
    tokio::spawn(async move {
        loop {
            match reports.queue_due(Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(queued = n, "monthly reports"),
                Err(e) => {
                    tracing::warn!(error = %e, "monthly reports failed; trying again in an hour")
                }
            }
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        }
    });
}

/// Hourly: deletes staff sessions that are over.
async fn purge_sessions(
    staff: Arc<StaffService>,
    residents: Arc<kontakt_app::residents::ResidentService>,
) {
    loop {
        if let Err(e) = staff.purge_sessions().await {
            tracing::warn!(error = %e, "purging ended sessions failed");
        }
        if let Err(e) = residents.purge(Utc::now()).await {
            tracing::warn!(error = %e, "purging residents' codes and sessions failed");
        }
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

/// A database URL without its password, for printing.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _password)) => {
                    format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
                }
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
