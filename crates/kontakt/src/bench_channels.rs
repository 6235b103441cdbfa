//! `kontakt bench mail` and `kontakt bench outbox`: the channels' own
//! speed, in process against a generated database. `mail` builds realistic
//! mails from the generated cases' own texts (a quarter of them replies
//! naming an existing case, a fifth HTML-only, a tenth with a 100 kB
//! attachment) and registers them through the mail intake one after the
//! other, as the IMAP reader or the SMTP listener does; every new case
//! queues its acknowledgement. `outbox` then sends what waits in the
//! outbox to a real mail server.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use base64::Engine;
use chrono::Utc;
use kontakt_app::cases::CaseService;
use kontakt_app::dispatch::{Dispatcher, RetryPolicy, SmtpConfig, SmtpTransport};
use kontakt_app::mail_in::MailIntake;
use kontakt_domain::catalog::Catalog;
use kontakt_domain::message::OutboundChannel;
use kontakt_store::Store;
use rand::{Rng, SeedableRng};

fn percentiles(mut us: Vec<u64>) -> String {
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

pub async fn mail(
    store: Arc<dyn Store>,
    catalog: Arc<Catalog>,
    mails: usize,
) -> anyhow::Result<()> {
    let total = store.count_cases().await?;
    anyhow::ensure!(
        total > 0,
        "the database has no cases; run `kontakt generate` first"
    );
    let newest = store
        .list_cases(&kontakt_store::CaseFilter {
            limit: 1,
            ..Default::default()
        })
        .await?;
    let newest = newest.first().context("a newest case")?.number;
    let cases = Arc::new(CaseService::new(store.clone(), catalog));
    let intake = MailIntake::new(cases);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let attachment = base64::engine::general_purpose::STANDARD.encode(vec![0x5a_u8; 100 * 1024]);
    // Each run's mails are new mails (a repeated Message-ID is registered once).
    let run = Utc::now().timestamp_micros();
    let mut raw_mails = Vec::with_capacity(mails);
    eprintln!("building {mails} mails from the generated cases' texts …");
    while raw_mails.len() < mails {
        let serial = rng.gen_range(1..=newest.serial());
        let Some(number) = kontakt_domain::case::CaseNumber::new(newest.year(), serial) else {
            continue;
        };
        let Some(case) = store.case(number).await? else {
            continue;
        };
        let i = raw_mails.len();
        let sender = format!("invanare{i}@example.test");
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
            "From: Invånare {i} <{sender}>\r\nTo: kontaktcenter@stockholm.se\r\nSubject: {subject}\r\nMessage-ID: <bench.{i}.{}.{}@example.se>\r\nMIME-Version: 1.0\r\n{body}",
            rng.gen::<u32>(),
            run
        ));
    }
    let mut latencies = Vec::with_capacity(mails);
    let (mut created, mut attached, mut other) = (0, 0, 0);
    let started = Instant::now();
    for raw in &raw_mails {
        let t = Instant::now();
        match intake.receive(raw.as_bytes(), Utc::now()).await? {
            kontakt_app::mail_in::Received::Created(_) => created += 1,
            kontakt_app::mail_in::Received::Attached(_) => attached += 1,
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
