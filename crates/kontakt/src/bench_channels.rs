//! `kontakt bench mail`, `kontakt bench imap` and `kontakt bench outbox`:
//! the channels' own speed, in process against a generated database.
//! `mail` builds realistic mails from the generated cases' own texts (a
//! quarter of them replies naming an existing case, a fifth HTML-only, a
//! tenth with a 100 kB attachment) and registers them through the mail
//! intake one after the other, as the IMAP reader or the SMTP listener
//! does; every new case queues its acknowledgement. `imap` puts the same
//! mails in a real IMAP mailbox and times the IMAP reader draining it.
//! `outbox` then sends what waits in the outbox to a real mail server.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use base64::Engine;
use chrono::Utc;
use kontakt_app::cases::CaseService;
use kontakt_app::dispatch::{Dispatcher, RetryPolicy, SmtpConfig, SmtpTransport};
use kontakt_app::mail_in::{poll_mailbox, ImapConfig, MailIntake, Received};
use kontakt_domain::catalog::Catalog;
use kontakt_domain::message::OutboundChannel;
use kontakt_store::Store;
use rand::{Rng, SeedableRng};

pub(crate) fn percentiles(mut us: Vec<u64>) -> String {
    us.sort_unstable();
    let n = us.len();
    let p = |q: f64| us[((n as f64 * q).ceil() as usize).clamp(1, n) - 1] as f64 / 1000.0;
    format!(
        "p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        p(0.5),
        p(0.9),
        p(0.99),
        p(1.0)
    )
}

/// The mail intake as the server wires it.
fn mail_intake(store: Arc<dyn Store>, catalog: Arc<Catalog>) -> MailIntake {
    MailIntake::new(Arc::new(CaseService::new(store, catalog)))
}

/// `count` realistic mails to the catalog's first mailbox, built from the
/// texts of random generated cases: a quarter replies naming an existing
/// case, a fifth HTML-only, a tenth with a 100 kB attachment. Each call's
/// mails are new mails from new senders (a repeated Message-ID is
/// registered once).
async fn generated_mails(
    store: &dyn Store,
    catalog: &Catalog,
    count: usize,
) -> anyhow::Result<Vec<String>> {
    let to = &catalog
        .mailboxes
        .first()
        .context("the catalog lists no mailboxes")?
        .address;
    let newest = store
        .list_cases(&kontakt_store::CaseFilter {
            limit: 1,
            ..Default::default()
        })
        .await?;
    let newest = newest
        .first()
        .context("the database has no cases; run `kontakt generate` first")?
        .number;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let attachment = base64::engine::general_purpose::STANDARD.encode(vec![0x5a_u8; 100 * 1024]);
    let run = Utc::now().timestamp_micros();
    let mut raw_mails = Vec::with_capacity(count);
    eprintln!("building {count} mails from the generated cases' texts …");
    while raw_mails.len() < count {
        let serial = rng.gen_range(1..=newest.serial());
        let Some(number) = kontakt_domain::case::CaseNumber::new(newest.year(), serial) else {
            continue;
        };
        let Some(case) = store.case(number).await? else {
            continue;
        };
        let i = raw_mails.len();
        // New residents each run: acknowledgements to one address are
        // capped per day, and a repeated run must queue them all again.
        let sender = format!("invanare{i}.{run}@example.test");
        let subject = if i % 4 == 0 {
            format!("Sv: Ditt ärende {number}")
        } else {
            "Fråga till kontaktcenter".to_owned()
        };
        let body = if i % 5 == 0 {
            format!(
                "Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>{}</p><p>Hälsningar</p></body></html>\r\n",
                case.description
            )
        } else if i % 10 == 1 {
            format!(
                "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n--b\r\n\
                 Content-Type: image/jpeg\r\nContent-Disposition: attachment; filename=\"bild.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{attachment}\r\n--b--\r\n",
                case.description
            )
        } else {
            format!(
                "Content-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
                case.description
            )
        };
        raw_mails.push(format!(
            "From: Invånare {i} <{sender}>\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <bench.{i}.{}.{}@example.se>\r\nMIME-Version: 1.0\r\n{body}",
            rng.gen::<u32>(),
            run
        ));
    }
    Ok(raw_mails)
}

pub async fn mail(
    store: Arc<dyn Store>,
    catalog: Arc<Catalog>,
    mails: usize,
) -> anyhow::Result<()> {
    let total = store.count_cases().await?;
    let raw_mails = generated_mails(store.as_ref(), &catalog, mails).await?;
    let intake = mail_intake(store, catalog);
    let mut latencies = Vec::with_capacity(mails);
    let (mut created, mut attached, mut other) = (0, 0, 0);
    let started = Instant::now();
    for raw in &raw_mails {
        let t = Instant::now();
        match intake.receive(raw.as_bytes(), Utc::now()).await? {
            Received::Created(_) => created += 1,
            Received::Attached(_) => attached += 1,
            _ => other += 1,
        }
        latencies.push(t.elapsed().as_micros() as u64);
    }
    let seconds = started.elapsed().as_secs_f64();
    println!("mail intake ({total} cases in the database)");
    println!(
        "  {mails} mails in {seconds:.1} s: {:.0} mails/s; {created} new cases, {attached} joined their case, {other} other",
        mails as f64 / seconds
    );
    println!("  latency: {}", percentiles(latencies));
    Ok(())
}

pub async fn outbox(store: Arc<dyn Store>, smtp: SmtpConfig) -> anyhow::Result<()> {
    let transport = SmtpTransport::new(&smtp).map_err(|e| anyhow::anyhow!(e))?;
    let dispatcher = Dispatcher::new(store, RetryPolicy::default())
        .with(OutboundChannel::Email, Arc::new(transport));
    let started = Instant::now();
    let mut sent = 0;
    loop {
        let n = dispatcher.run_once(Utc::now()).await?;
        if n == 0 {
            break;
        }
        sent += n;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!("outbox to {}:{} ({})", smtp.host, smtp.port, smtp.security);
    println!(
        "  {sent} messages in {seconds:.1} s: {:.0} messages/s",
        sent as f64 / seconds.max(0.001)
    );
    Ok(())
}

/// Fills a fresh mailbox on an IMAP server with `mails` generated mails,
/// then times the IMAP reader (`poll_mailbox`, as `[mail_in]` runs it)
/// draining it into cases, and checks that the mailbox is empty after.
/// The user is new each run (`bench-<random>@<domain>`), so runs do not
/// see each other's mail; the server must accept any user of the domain
/// with `password` (as the test Dovecot of `scripts/mail-server.sh` does).
pub async fn imap(
    store: Arc<dyn Store>,
    catalog: Arc<Catalog>,
    server: ImapServer,
    mails: usize,
) -> anyhow::Result<()> {
    let total = store.count_cases().await?;
    let raw_mails = generated_mails(store.as_ref(), &catalog, mails).await?;
    let bytes: usize = raw_mails.iter().map(String::len).sum();
    let username = format!("bench-{:016x}@{}", rand::random::<u64>(), server.domain);
    let config = ImapConfig {
        host: server.host,
        port: server.port,
        security: "none".into(),
        username,
        password: server.password,
        folder: "INBOX".into(),
        poll_seconds: 1,
        ca_file: None,
    };
    eprintln!(
        "appending {mails} mails ({:.1} MB) to {} on {}:{} …",
        bytes as f64 / 1e6,
        config.username,
        config.host,
        config.port
    );
    let appended = Instant::now();
    let in_mailbox = {
        let config = config.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<u32> {
            let mut imap = PlainImap::login(&config)?;
            anyhow::ensure!(
                imap.messages(&config.folder)? == 0,
                "{} is not a fresh mailbox",
                config.username
            );
            for raw in &raw_mails {
                imap.append(&config.folder, raw.as_bytes())?;
            }
            let n = imap.messages(&config.folder)?;
            imap.logout();
            Ok(n)
        })
        .await??
    };
    anyhow::ensure!(
        in_mailbox as usize == mails,
        "appended {mails} mails but the mailbox holds {in_mailbox}"
    );
    eprintln!(
        "  appended in {:.1} s; draining the mailbox with poll_mailbox …",
        appended.elapsed().as_secs_f64()
    );

    let intake = mail_intake(store.clone(), catalog);
    let (mut created, mut attached, mut set_aside, mut other) = (0, 0, 0, 0);
    let (mut retried, mut polls) = (0, 0);
    let mut cases = Vec::with_capacity(mails);
    let started = Instant::now();
    // One poll takes every mail; only a storage failure leaves one behind
    // for the next.
    loop {
        anyhow::ensure!(polls < 10, "the mailbox was not drained in {polls} polls");
        let report = poll_mailbox(&intake, &config)
            .await
            .map_err(|e| anyhow::anyhow!("poll_mailbox: {e}"))?;
        polls += 1;
        for received in report.received {
            match received {
                Received::Created(n) => {
                    created += 1;
                    cases.push(n);
                }
                Received::Attached(n) => {
                    attached += 1;
                    cases.push(n);
                }
                Received::SetAside { .. } => set_aside += 1,
                _ => other += 1,
            }
        }
        retried += report.retry;
        if report.retry == 0 {
            break;
        }
    }
    let seconds = started.elapsed().as_secs_f64();

    // Every mail was deleted, and only once Kontakt held it.
    let left = {
        let config = config.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<u32> {
            let mut imap = PlainImap::login(&config)?;
            let n = imap.messages(&config.folder)?;
            imap.logout();
            Ok(n)
        })
        .await??
    };
    let handled = created + attached + set_aside + other;
    anyhow::ensure!(
        left == 0 && handled == mails,
        "the mailbox was not drained: {left} of {mails} mails left in {} ({handled} handled, \
         {retried} left for a retry)",
        config.username
    );
    cases.sort_unstable();
    cases.dedup();
    for &n in &cases {
        anyhow::ensure!(
            store.case(n).await?.is_some(),
            "{n} was reported saved but cannot be read"
        );
    }

    println!(
        "IMAP intake ({total} cases in the database; {}:{}, plain IMAP)",
        config.host, config.port
    );
    println!(
        "  {mails} mails ({:.1} MB) drained in {seconds:.1} s over {polls} poll(s): {:.0} mails/s",
        bytes as f64 / 1e6,
        mails as f64 / seconds
    );
    println!(
        "  {created} new cases, {attached} joined their case, {set_aside} set aside, {other} other; \
         {retried} retried; mailbox empty after, all {} cases read back",
        cases.len()
    );
    Ok(())
}

/// Where `bench imap` appends its mails.
pub struct ImapServer {
    pub host: String,
    pub port: u16,
    /// Any user of this domain exists ...
    pub domain: String,
    /// ... with this password.
    pub password: String,
}

/// Just enough plain-text IMAP (RFC 3501: LOGIN, APPEND, STATUS, LOGOUT)
/// to fill the bench's mailbox and look at it afterwards, blocking, off
/// the timed path. The reader under test, `poll_mailbox`, uses async-imap;
/// this binary has async-imap only as a dev-dependency.
struct PlainImap {
    reader: std::io::BufReader<std::net::TcpStream>,
    writer: std::net::TcpStream,
    tag: u32,
}

impl PlainImap {
    fn login(config: &ImapConfig) -> anyhow::Result<Self> {
        let stream = std::net::TcpStream::connect((config.host.as_str(), config.port))
            .with_context(|| format!("connecting to {}:{}", config.host, config.port))?;
        stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
        stream.set_nodelay(true)?;
        let mut imap = PlainImap {
            reader: std::io::BufReader::new(stream.try_clone()?),
            writer: stream,
            tag: 0,
        };
        let greeting = imap.line()?;
        anyhow::ensure!(greeting.starts_with("* OK"), "IMAP greeting: {greeting}");
        imap.command(&format!(
            "LOGIN {} {}",
            quoted(&config.username),
            quoted(&config.password)
        ))
        .with_context(|| format!("IMAP login as {}", config.username))?;
        Ok(imap)
    }

    fn line(&mut self) -> anyhow::Result<String> {
        use std::io::BufRead;
        let mut line = String::new();
        anyhow::ensure!(
            self.reader.read_line(&mut line)? > 0,
            "the IMAP server closed the connection"
        );
        Ok(line.trim_end().to_owned())
    }

    fn next_tag(&mut self) -> String {
        self.tag += 1;
        format!("b{}", self.tag)
    }

    /// Reads up to the tagged answer to `tag`: the untagged lines before
    /// it if it is OK, an error if it is NO or BAD.
    fn answer(&mut self, tag: &str) -> anyhow::Result<Vec<String>> {
        let mut untagged = Vec::new();
        loop {
            let line = self.line()?;
            match line.strip_prefix(tag).and_then(|l| l.strip_prefix(' ')) {
                Some(status) if status.starts_with("OK") => return Ok(untagged),
                Some(status) => anyhow::bail!("IMAP: {status}"),
                None => untagged.push(line),
            }
        }
    }

    fn command(&mut self, command: &str) -> anyhow::Result<Vec<String>> {
        use std::io::Write;
        let tag = self.next_tag();
        write!(self.writer, "{tag} {command}\r\n")?;
        self.answer(&tag)
    }

    fn append(&mut self, folder: &str, mail: &[u8]) -> anyhow::Result<()> {
        use std::io::Write;
        let tag = self.next_tag();
        write!(
            self.writer,
            "{tag} APPEND {} {{{}}}\r\n",
            quoted(folder),
            mail.len()
        )?;
        let ready = self.line()?;
        anyhow::ensure!(ready.starts_with('+'), "IMAP append: {ready}");
        self.writer.write_all(mail)?;
        self.writer.write_all(b"\r\n")?;
        self.answer(&tag).context("IMAP append")?;
        Ok(())
    }

    /// How many mails the folder holds (deleted ones are expunged).
    fn messages(&mut self, folder: &str) -> anyhow::Result<u32> {
        let lines = self.command(&format!("STATUS {} (MESSAGES)", quoted(folder)))?;
        lines
            .iter()
            .find_map(|l| {
                let rest = l.strip_prefix("* STATUS ")?;
                let n = rest.rsplit_once("(MESSAGES ")?.1.strip_suffix(')')?;
                n.trim().parse().ok()
            })
            .with_context(|| format!("IMAP status: no MESSAGES in {lines:?}"))
    }

    fn logout(mut self) {
        let _ = self.command("LOGOUT");
    }
}

/// An IMAP quoted string.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
