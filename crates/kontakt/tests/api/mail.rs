//! E-mail in and out against a real mail server (Postfix and Dovecot from
//! Debian, started by `scripts/mail-server.sh`): the acknowledgement and an
//! agent's reply reach the resident's mailbox over submission with
//! STARTTLS and login, threaded; the resident's answer, fetched over IMAP,
//! joins its case with its attachment and without the quoted history; a new
//! mail in another character set makes a case; automatic replies make
//! nothing; a bounce marks the message failed; mail waits while the server
//! is down and goes out when it is back.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures_util::TryStreamExt;
use kontakt_app::cases::CaseService;
use kontakt_app::dispatch::{Dispatcher, RetryPolicy, SmtpConfig, SmtpTransport};
use kontakt_app::mail_in::{poll_mailbox, ImapConfig, MailIntake, Received};
use kontakt_domain::message::OutboundChannel;
use lettre::AsyncTransport;
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::on_both_backends;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: run the tests with scripts/test.sh, which starts the mail server"
        )
    })
}

fn host_port(var: &str) -> (String, u16) {
    let value = env(var);
    let (host, port) = value.rsplit_once(':').expect("host:port");
    (host.to_owned(), port.parse().expect("port"))
}

/// The city's way out: submission with STARTTLS and login, sending as
/// `from` (Kontakt's mailbox for this test: bounces come back there).
pub(crate) fn submission(from: &str) -> SmtpConfig {
    let (host, port) = host_port("KONTAKT_TEST_SUBMISSION");
    SmtpConfig {
        host,
        port,
        security: "starttls".into(),
        username: Some("kontakt@example.test".into()),
        password: Some("test".into()),
        from: format!("Kontaktcenter <{from}>"),
        ca_file: Some(env("KONTAKT_TEST_MAIL_CA").into()),
    }
}

fn quick_retry() -> RetryPolicy {
    RetryPolicy {
        first_pause: Duration::ZERO,
        max_pause: Duration::ZERO,
        max_attempts: 5,
    }
}

pub(crate) fn dispatcher(app: &TestApp, config: &SmtpConfig, retry: RetryPolicy) -> Dispatcher {
    Dispatcher::new(app.store.clone(), retry).with(
        OutboundChannel::Email,
        Arc::new(SmtpTransport::new(config).expect("smtp config")),
    )
}

fn imap(user: &str) -> ImapConfig {
    let (host, port) = host_port("KONTAKT_TEST_IMAP");
    ImapConfig {
        host,
        port,
        security: "none".into(),
        username: user.into(),
        password: "test".into(),
        folder: "INBOX".into(),
        poll_seconds: 1,
        ca_file: None,
    }
}

/// A fresh address, so runs and backends do not see each other's mail.
pub(crate) fn address(name: &str) -> String {
    format!(
        "{name}.{}@example.test",
        hex::encode(rand::random::<[u8; 4]>())
    )
}

/// Every mail in a mailbox, raw, waiting until there are at least `n`.
pub(crate) async fn mailbox(user: &str, n: usize) -> Vec<Vec<u8>> {
    let (host, port) = host_port("KONTAKT_TEST_IMAP");
    for _ in 0..100 {
        let tcp = tokio::net::TcpStream::connect((host.as_str(), port))
            .await
            .expect("imap connect");
        let mut client = async_imap::Client::new(tcp);
        client.read_response().await.expect("greeting");
        let mut session = client
            .login(user, "test")
            .await
            .map_err(|(e, _)| e)
            .expect("login");
        let inbox = session.select("INBOX").await.expect("select");
        let mut all = Vec::new();
        if inbox.exists > 0 {
            all = session
                .fetch("1:*", "BODY.PEEK[]")
                .await
                .expect("fetch")
                .try_collect::<Vec<_>>()
                .await
                .expect("fetch");
        }
        let _ = session.logout().await;
        let bodies: Vec<Vec<u8>> = all
            .iter()
            .filter_map(|f| f.body().map(<[u8]>::to_vec))
            .collect();
        if bodies.len() >= n {
            return bodies;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{user} did not get {n} mail(s) within 20 s");
}

pub(crate) fn parse(raw: &[u8]) -> mail_parser::Message<'_> {
    mail_parser::MessageParser::default()
        .parse(raw)
        .expect("a mail")
}

/// Sends a hand-written mail into the mail server, as a resident's mail
/// program would (plain SMTP on the inbound port).
async fn deliver(from: &str, to: &str, raw: &str) {
    let (host, port) = host_port("KONTAKT_TEST_SMTP");
    let smtp = lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .build();
    let envelope = lettre::address::Envelope::new(
        Some(from.parse().expect("from")),
        vec![to.parse().expect("to")],
    )
    .expect("envelope");
    smtp.send_raw(&envelope, raw.replace('\n', "\r\n").as_bytes())
        .await
        .expect("deliver");
}

/// Reads Kontakt's mailbox until it has handled `n` mails.
async fn read_kontakt_mailbox(intake: &MailIntake, kontakt: &str, n: usize) -> Vec<Received> {
    let mut received = Vec::new();
    for _ in 0..100 {
        let report = poll_mailbox(intake, &imap(kontakt)).await.expect("poll");
        assert_eq!(report.retry, 0, "{report:?}");
        received.extend(report.received);
        if received.len() >= n {
            return received;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("only {received:?} of {n} mails arrived");
}

async fn case(app: &TestApp, number: &str) -> Value {
    let (status, case) = app.get(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(status, 200, "{case}");
    case
}

async fn mail_both_ways(app: TestApp) {
    // Kontakt's own mailbox, one per test so parallel tests keep apart.
    let kontakt = address("kontakt");
    let cases = Arc::new(CaseService::new(app.store.clone(), app.catalog.clone()));
    let intake = MailIntake::new(cases.clone());

    let resident = address("anna");
    let (status, created) = app
        .post(
            "/api/v1/cases",
            &json!({
                "case_type": "GATA-BELYS", "channel": "e_service",
                "description": "Gatlyktan utanför Hornsgatan 12 är släckt.",
                "form": {"location": "Hornsgatan 12", "extent": "one", "state": "off"},
                "contact": {"name": "Anna Lind", "email": resident},
                "feedback_channel": "email",
            }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let number = created["number"].as_str().expect("number").to_owned();
    let queued = case(&app, &number).await;
    assert_eq!(queued["messages"][0]["state"], "queued", "{queued}");

    let out = dispatcher(&app, &submission(&kontakt), RetryPolicy::default());
    assert_eq!(out.run_once(Utc::now()).await.expect("send"), 1);
    let sent = case(&app, &number).await;
    assert_eq!(sent["messages"][0]["state"], "sent", "{sent}");

    // The acknowledgement, as the resident's mail program shows it.
    let inbox = mailbox(&resident, 1).await;
    let ack = parse(&inbox[0]);
    assert_eq!(
        ack.subject(),
        Some(format!("Ditt ärende {number}").as_str())
    );
    let text = ack.body_text(0).expect("text").into_owned();
    assert!(text.contains(&format!("Ärendenummer: {number}")), "{text}");
    assert!(
        text.contains("Det här händer nu: Felanmälan skickas till trafikkontorets"),
        "{text}"
    );
    let deadline = chrono::NaiveDate::parse_from_str(
        sent["feedback_deadline"].as_str().expect("deadline"),
        "%Y-%m-%d",
    )
    .expect("date");
    assert!(
        text.contains(&kontakt_app::messages::long_date(deadline, false)),
        "the deadline in words: {text}"
    );
    assert_eq!(
        ack.header_raw("Auto-Submitted").map(str::trim),
        Some("auto-generated")
    );
    let ack_id = ack.message_id().expect("Message-ID").to_owned();

    // The resident answers, with a photo, quoting the acknowledgement.
    deliver(
        &resident,
        &kontakt,
        &format!(
            "From: Anna Lind <{resident}>\nTo: {kontakt}\nSubject: Sv: Ditt ärende {number}\n\
             Message-ID: <svar.{ack_id}>\nIn-Reply-To: <{ack_id}>\nReferences: <{ack_id}>\nMIME-Version: 1.0\n\
             Content-Type: multipart/mixed; boundary=\"xyz\"\n\n--xyz\nContent-Type: text/plain; charset=utf-8\n\
             Content-Transfer-Encoding: 8bit\n\nLampan lyser fortfarande inte, se bilden.\n\n\
             Den 23 nov. 2026 kl. 09:12 skrev Kontaktcenter <{kontakt}>:\n> Hej!\n> Vi har tagit emot ditt ärende.\n\
             --xyz\nContent-Type: image/jpeg\nContent-Disposition: attachment; filename=\"lyktan.jpg\"\n\
             Content-Transfer-Encoding: base64\n\n/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQ==\n--xyz--\n"
        ),
    )
    .await;
    let received = read_kontakt_mailbox(&intake, &kontakt, 1).await;
    assert_eq!(
        received,
        vec![Received::Attached(number.parse().expect("n"))]
    );
    let joined = case(&app, &number).await;
    let entries = joined["entries"].as_array().expect("entries");
    let message = entries
        .iter()
        .find(|e| e["kind"] == "message_in")
        .expect("the answer is on the case");
    let said = message["text"].as_str().unwrap_or_default();
    assert!(said.contains("Lampan lyser fortfarande inte"), "{message}");
    assert!(
        !said.contains("Vi har tagit emot"),
        "the quoted history is cut: {said}"
    );
    assert!(
        entries
            .iter()
            .any(|e| e["kind"] == "attachment" && e["file_name"] == "lyktan.jpg"),
        "{joined}"
    );
    // Fetched again (say, after a crash before the mailbox was told), it
    // is recognised and registered once only.
    let raw = format!("From: {resident}\nMessage-ID: <svar.{ack_id}>\nIn-Reply-To: <{ack_id}>\nSubject: x\n\nLampan");
    assert_eq!(
        intake
            .receive(raw.as_bytes(), Utc::now())
            .await
            .expect("receive"),
        Received::AlreadyRegistered(number.parse().expect("n"))
    );

    // The agent's reply goes out threaded after the acknowledgement.
    let (status, p) = app
        .post(
            &format!("/api/v1/cases/{number}/entries"),
            &json!({"kind": "message_out", "channel": "email", "text": "Vi har skickat en tekniker som byter lampan i veckan."}),
        )
        .await;
    assert_eq!(status, 201, "{p}");
    assert_eq!(out.run_once(Utc::now()).await.expect("send"), 1);
    let inbox = mailbox(&resident, 2).await;
    let reply = inbox
        .iter()
        .map(|r| parse(r))
        .find(|m| m.message_id() != Some(ack_id.as_str()))
        .expect("the reply");
    assert_eq!(reply.in_reply_to().as_text(), Some(ack_id.as_str()));
    assert!(reply.body_text(0).expect("text").contains("byter lampan"));
    assert_eq!(
        reply.subject(),
        Some(format!("Ditt ärende {number}").as_str())
    );

    // No SMS without a mobile number: refused, and nothing queued.
    let (status, p) = app
        .post(
            &format!("/api/v1/cases/{number}/entries"),
            &json!({"kind": "message_out", "channel": "sms", "text": "Hej"}),
        )
        .await;
    assert_eq!(status, 422, "{p}");
    assert_eq!(
        case(&app, &number).await["messages"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    // A new mail, HTML only and in ISO-8859-1, makes a case of the
    // centre's mailbox type with the sender to answer, and is acknowledged.
    let writer = address("bertil");
    let before = app.case_count().await;
    deliver(
        &writer,
        &kontakt,
        &format!(
            "From: =?iso-8859-1?q?Bertil_=C5kesson?= <{writer}>\nTo: kontaktcenter@stockholm.se\n\
             Subject: =?iso-8859-1?q?Fr=E5ga_om_=F6ppettider?=\nMessage-ID: <ny.{writer}>\nMIME-Version: 1.0\n\
             Content-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n\
             <html><body><p>N=E4r =F6ppnar medborgarkontoret i Sk=E4rholmen?</p></body></html>\n"
        ),
    )
    .await;
    let received = read_kontakt_mailbox(&intake, &kontakt, 1).await;
    let Received::Created(new) = received[0] else {
        panic!("a new case: {received:?}");
    };
    assert_eq!(app.case_count().await, before + 1);
    let made = case(&app, &new.to_string()).await;
    assert_eq!(made["case_type"], "ALLM-HANV");
    assert_eq!(made["channel"], "email");
    assert_eq!(made["contact"]["email"], writer.as_str());
    assert_eq!(made["contact"]["name"], "Bertil Åkesson");
    let description = made["description"].as_str().unwrap_or_default();
    assert!(
        description.contains("Ämne: Fråga om öppettider"),
        "{description}"
    );
    assert!(
        description.contains("När öppnar medborgarkontoret i Skärholmen?"),
        "{description}"
    );
    assert!(!description.contains("<p>"), "{description}");
    assert_eq!(out.run_once(Utc::now()).await.expect("send"), 1);
    assert_eq!(mailbox(&writer, 1).await.len(), 1);

    // A stranger naming Anna's case in the subject does not write into it:
    // the mail becomes a case of its own.
    let stranger = address("okand");
    let anna_entries = case(&app, &number).await["entries"]
        .as_array()
        .map(Vec::len);
    deliver(
        &stranger,
        &kontakt,
        &format!("From: {stranger}\nTo: {kontakt}\nSubject: Sv: Ditt ärende {number}\nMessage-ID: <f.{stranger}>\n\nLägg till detta.\n"),
    )
    .await;
    let received = read_kontakt_mailbox(&intake, &kontakt, 1).await;
    assert!(matches!(received[0], Received::Created(_)), "{received:?}");
    assert_eq!(
        out.run_once(Utc::now()).await.expect("send"),
        1,
        "the stranger's own acknowledgement"
    );
    assert_eq!(
        case(&app, &number).await["entries"]
            .as_array()
            .map(Vec::len),
        anna_entries
    );
    // From the resident's own address, the number alone is enough.
    deliver(
        &resident,
        &kontakt,
        &format!("From: {resident}\nTo: {kontakt}\nSubject: Angående ärende {number}\nMessage-ID: <g.{resident}>\n\nEn sak till.\n"),
    )
    .await;
    let received = read_kontakt_mailbox(&intake, &kontakt, 1).await;
    assert_eq!(
        received,
        vec![Received::Attached(number.parse().expect("n"))]
    );

    // An out-of-office answer to that acknowledgement makes nothing.
    deliver(
        &writer,
        &kontakt,
        &format!(
            "From: {writer}\nTo: {kontakt}\nSubject: Frånvaro: Ditt ärende {new}\n\
             Auto-Submitted: auto-replied\nMessage-ID: <borta.{writer}>\n\nJag är tillbaka på måndag.\n"
        ),
    )
    .await;
    assert_eq!(
        read_kontakt_mailbox(&intake, &kontakt, 1).await,
        vec![Received::Automatic]
    );
    assert_eq!(app.case_count().await, before + 2);
    assert_eq!(
        case(&app, &new.to_string()).await["entries"]
            .as_array()
            .map(Vec::len),
        made["entries"].as_array().map(Vec::len),
        "nothing joined the case"
    );

    // An address the server accepts but cannot deliver to: its bounce
    // comes back to Kontakt's mailbox and marks the message failed.
    let lost = ask_by_mail(&app, "ingen@gone.example.test").await;
    assert_eq!(out.run_once(Utc::now()).await.expect("send"), 1);
    assert_eq!(case(&app, &lost).await["messages"][0]["state"], "sent");
    let received = read_kontakt_mailbox(&intake, &kontakt, 1).await;
    assert_eq!(received, vec![Received::Bounce { failed: 1 }]);
    let bounced = case(&app, &lost).await;
    assert_eq!(bounced["messages"][0]["state"], "failed", "{bounced}");
    assert!(
        bounced["messages"][0]["last_error"]
            .as_str()
            .unwrap_or_default()
            .starts_with("bounced"),
        "{bounced}"
    );
    assert_eq!(app.case_count().await, before + 3, "a bounce makes no case");
}

/// A case whose resident wants the answer by e-mail at `email`.
async fn ask_by_mail(app: &TestApp, email: &str) -> String {
    let (status, created) = app
        .post(
            "/api/v1/cases",
            &json!({
                "case_type": "ALLM-HANV", "channel": "phone",
                "description": "Vill ha besked via mejl.",
                "contact": {"email": email},
                "feedback_channel": "email",
            }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    created["number"].as_str().expect("number").to_owned()
}

async fn mail_waits_for_the_server(app: TestApp) {
    let kontakt = address("kontakt");
    let resident = address("cecilia");
    let (status, created) = app
        .post(
            "/api/v1/cases",
            &json!({
                "case_type": "ALLM-HANV", "channel": "phone",
                "description": "Ring eller mejla om öppettiderna.",
                "contact": {"email": resident, "preferred_language": "en"},
                "feedback_channel": "email",
            }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let number = created["number"].as_str().expect("number").to_owned();

    // The mail server is down: the message waits, with the reason shown.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let mut down = submission(&kontakt);
    down.port = closed;
    down.security = "none".into();
    down.username = None;
    down.password = None;
    let failing = dispatcher(&app, &down, quick_retry());
    assert_eq!(failing.run_once(Utc::now()).await.expect("run"), 1);
    let waiting = case(&app, &number).await;
    assert_eq!(waiting["messages"][0]["state"], "queued", "{waiting}");
    assert_eq!(waiting["messages"][0]["attempts"], 1);
    assert!(
        waiting["messages"][0]["last_error"].is_string(),
        "{waiting}"
    );

    // Back up: it goes out (here over implicit TLS, port 465 style), in
    // English as the resident chose.
    let (host, port) = host_port("KONTAKT_TEST_SMTPS");
    let implicit = SmtpConfig {
        host,
        port,
        security: "tls".into(),
        ..submission(&kontakt)
    };
    let out = dispatcher(&app, &implicit, quick_retry());
    assert_eq!(out.run_once(Utc::now()).await.expect("run"), 1);
    assert_eq!(case(&app, &number).await["messages"][0]["state"], "sent");
    let inbox = mailbox(&resident, 1).await;
    let ack = parse(&inbox[0]);
    assert_eq!(ack.subject(), Some(format!("Your case {number}").as_str()));
    assert!(ack.body_text(0).expect("text").contains("Case number:"));

    // A server that stays down: after the last attempt the message is
    // marked failed, for an agent to reach the resident another way.
    let (_, second) = app
        .post(
            &format!("/api/v1/cases/{number}/entries"),
            &json!({"kind": "message_out", "channel": "email", "text": "Öppet 8–17."}),
        )
        .await;
    assert!(second["seq"].is_number(), "{second}");
    let give_up = dispatcher(
        &app,
        &down,
        RetryPolicy {
            max_attempts: 2,
            ..quick_retry()
        },
    );
    give_up.run_once(Utc::now()).await.expect("run");
    give_up.run_once(Utc::now()).await.expect("run");
    let failed = case(&app, &number).await;
    assert_eq!(failed["messages"][1]["state"], "failed", "{failed}");
    assert_eq!(failed["messages"][1]["attempts"], 2);
    assert_eq!(
        give_up.run_once(Utc::now()).await.expect("run"),
        0,
        "not tried again"
    );

    // The agents' queue of messages that did not arrive lists the case.
    let mut agent = crate::staff::logged_in(&app, "agnes", &["agent_l1", "group:OVR"]).await;
    let start = agent.get("/").await;
    assert!(
        start.body.contains("Meddelanden som inte kom fram"),
        "{}",
        start.body
    );
    assert!(start.body.contains(&number), "{}", start.body);
}

/// The city's mail server delivers straight to Kontakt over SMTP: Postfix
/// relays mail for the catalog's mailbox to Kontakt's listener, which
/// answers only once the case is saved; an address that is no mailbox is
/// refused at RCPT, so Kontakt relays nothing. One backend: the listener's
/// port is fixed by the mail server's configuration.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_delivery_over_smtp() {
    let catalog = crate::helpers::CATALOG.replace(
        "address = \"kontaktcenter@stockholm.se\"",
        "address = \"kontakt@direct.example.test\"",
    );
    let app = crate::helpers::spawn_app_with_catalog(crate::helpers::Db::Sqlite, &catalog).await;
    let cases = Arc::new(CaseService::new(app.store.clone(), app.catalog.clone()));
    let intake = Arc::new(MailIntake::new(cases));
    let listen = env("KONTAKT_TEST_DIRECT_DELIVERY")
        .parse()
        .expect("address");
    kontakt_app::mail_in::spawn_smtp_listener(
        intake,
        &kontakt_app::mail_in::SmtpInConfig {
            listen,
            allowed_clients: vec!["127.0.0.1".parse().expect("ip")],
            max_bytes: 1024 * 1024,
        },
    )
    .expect("listen");

    let resident = address("erik");
    let before = app.case_count().await;
    deliver(
        &resident,
        "kontakt@direct.example.test",
        &format!(
            "From: Erik Ek <{resident}>\nTo: kontakt@direct.example.test\nSubject: Parkeringstillstånd\n\
             Message-ID: <direkt.{resident}>\nContent-Type: text/plain; charset=utf-8\n\n\
             Hur länge gäller boendeparkeringen på Södermalm?\n"
        ),
    )
    .await;
    for _ in 0..100 {
        if app.case_count().await > before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        app.case_count().await,
        before + 1,
        "relayed by Postfix and registered"
    );
    let (_, list) = app.get("/api/v1/cases?channel=email").await;
    let number = list["items"][0]["number"]
        .as_str()
        .expect("the case")
        .to_owned();
    let made = case(&app, &number).await;
    assert_eq!(made["contact"]["email"], resident.as_str());
    assert!(made["description"]
        .as_str()
        .unwrap_or_default()
        .contains("boendeparkeringen"));

    // No open relay: an address that is no mailbox is refused at once.
    let smtp = lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::builder_dangerous(
        listen.ip().to_string(),
    )
    .port(listen.port())
    .build();
    let envelope = lettre::address::Envelope::new(
        Some(resident.parse().expect("from")),
        vec!["someone@elsewhere.example".parse().expect("to")],
    )
    .expect("envelope");
    let refused = smtp
        .send_raw(&envelope, b"Subject: x\r\n\r\nspam\r\n")
        .await;
    assert!(refused.is_err_and(|e| e.is_permanent()), "550 at RCPT");
    assert_eq!(app.case_count().await, before + 1);
}

/// A mail that cannot become a case by itself (here: the catalog names no
/// mailbox yet, so no case type) is not bounced and not lost: it is taken
/// out of the mailbox and set aside in Kontakt, once however often it
/// arrives, and an agent registers it as a case with what was missing —
/// case type, district, form fields — keeping its attachment, its sender
/// and its acknowledgement, or discards it with a reason. Every look is
/// audited; officers see nothing.
async fn mail_set_aside_for_an_agent(db: crate::helpers::Db) {
    let catalog = crate::helpers::CATALOG.replace(
        "[[mailboxes]]\naddress = \"kontaktcenter@stockholm.se\"\ncase_type = \"ALLM-HANV\"",
        "",
    );
    assert_ne!(catalog, crate::helpers::CATALOG);
    let app = crate::helpers::spawn_app_with_catalog(db, &catalog).await;
    let kontakt = address("kontakt");
    let cases = Arc::new(CaseService::new(app.store.clone(), app.catalog.clone()));
    let intake = MailIntake::new(cases);
    let resident = address("dagny");
    let mail = format!(
        "From: Dagny Dahl <{resident}>\nTo: {kontakt}\nSubject: Förskoleplats\n\
         Message-ID: <forskola.{resident}>\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n\
         Content-Type: text/plain; charset=utf-8\n\n\
         Jag vill ställa min dotter i kö till förskola i Skärholmen från augusti.\n--b\n\
         Content-Type: application/pdf; name=\"intyg.pdf\"\n\
         Content-Disposition: attachment; filename=\"intyg.pdf\"\n\
         Content-Transfer-Encoding: base64\n\nJVBERi0xLjQKJSBpbnR5Zwo=\n--b--\n"
    );
    let before = app.case_count().await;
    deliver(&resident, &kontakt, &mail).await;
    let received = read_kontakt_mailbox(&intake, &kontakt, 1).await;
    assert!(
        matches!(received[..], [Received::SetAside { .. }]),
        "{received:?}"
    );
    assert!(
        mailbox(&kontakt, 0).await.is_empty(),
        "taken out of the mailbox"
    );
    // Delivered again (the mail server retried): still one.
    deliver(&resident, &kontakt, &mail).await;
    read_kontakt_mailbox(&intake, &kontakt, 1).await;
    let waiting = app.store.set_aside_list(100).await.expect("list");
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(app.case_count().await, before, "no case yet");
    let id = waiting[0].id;
    assert!(waiting[0].reason.contains("mailboxes"), "{waiting:?}");

    // An officer sees nothing of it.
    let mut officer = crate::staff::logged_in(&app, "olle", &["officer", "group:FSK-KO-SKH"]).await;
    assert_eq!(officer.get("/mail/set-aside").await.status, 403);
    assert_eq!(
        officer.get(&format!("/mail/set-aside/{id}")).await.status,
        403
    );

    let mut agent = crate::staff::logged_in(&app, "agda", &["agent_l1", "group:FSK"]).await;
    let start = agent.get("/").await;
    assert!(start.body.contains("/mail/set-aside"), "{}", start.body);
    let list = agent.get("/mail/set-aside").await;
    assert_eq!(list.status, 200);
    assert!(
        list.body.contains("Förskoleplats") && list.body.contains("Dagny Dahl"),
        "{}",
        list.body
    );
    let page = agent.get(&format!("/mail/set-aside/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("ställa min dotter i kö") && page.body.contains("intyg.pdf"),
        "{}",
        page.body
    );
    let csrf = crate::staff::csrf_of(&page.body);

    // What is still missing is named, and nothing changes.
    let register = format!("/mail/set-aside/{id}/register");
    let missing = agent
        .post(
            &register,
            &[
                ("csrf", &csrf),
                ("case_type", "FSK-KO"),
                ("description", "Kö till förskola"),
                ("email", &resident),
                ("feedback_channel", "email"),
            ],
        )
        .await;
    assert_eq!(missing.status, 422, "{}", missing.body);
    assert!(
        missing.body.contains("form.child_birth_date"),
        "{}",
        missing.body
    );
    assert_eq!(app.case_count().await, before);
    assert_eq!(app.store.set_aside_list(100).await.expect("list").len(), 1);

    let done = agent
        .post(
            &register,
            &[
                ("csrf", &csrf),
                ("case_type", "FSK-KO"),
                ("district", "skarholmen"),
                ("description", "Kö till förskola i Skärholmen från augusti."),
                ("name", "Dagny Dahl"),
                ("email", &resident),
                ("feedback_channel", "email"),
                ("form.child_birth_date", "2025-03-01"),
                ("form.wanted_start", "2026-08-15"),
                ("form.care_form", "preschool"),
                ("form.districts_wanted", "skarholmen"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let number = done.location.trim_start_matches("/cases/").to_owned();
    let made = case(&app, &number).await;
    assert_eq!(made["channel"], "email");
    assert_eq!(made["contact"]["email"], resident.as_str());
    let entries = made["entries"].as_array().expect("entries");
    assert!(
        entries
            .iter()
            .any(|e| e["kind"] == "attachment" && e["file_name"] == "intyg.pdf"),
        "{made}"
    );
    assert_eq!(
        made["messages"].as_array().map(Vec::len),
        Some(1),
        "acknowledged: {made}"
    );
    assert!(app
        .store
        .set_aside_list(100)
        .await
        .expect("list")
        .is_empty());
    // The same mail once more: it is the case's already, not set aside again.
    deliver(&resident, &kontakt, &mail).await;
    let again = read_kontakt_mailbox(&intake, &kontakt, 1).await;
    assert!(
        matches!(again[..], [Received::AlreadyRegistered(n)] if n.to_string() == number),
        "{again:?}"
    );
    assert_eq!(
        agent
            .post(&register, &[("csrf", &csrf), ("case_type", "FSK-KO")])
            .await
            .status,
        404
    );

    // Spam is discarded, with a reason.
    let spam = format!("From: <{}>\nTo: {kontakt}\nSubject: Vinst!\nMessage-ID: <vinst.{resident}>\n\nKlicka här.\n", address("spam"));
    deliver(&resident, &kontakt, &spam).await;
    read_kontakt_mailbox(&intake, &kontakt, 1).await;
    let spam_id = app.store.set_aside_list(100).await.expect("list")[0].id;
    let discard = format!("/mail/set-aside/{spam_id}/discard");
    assert_eq!(
        agent
            .post(&discard, &[("csrf", &csrf), ("reason", " ")])
            .await
            .status,
        422
    );
    assert_eq!(
        agent
            .post(&discard, &[("csrf", "forged"), ("reason", "Skräppost")])
            .await
            .status,
        403
    );
    assert_eq!(app.store.set_aside_list(100).await.expect("list").len(), 1);
    assert_eq!(
        agent
            .post(&discard, &[("csrf", &csrf), ("reason", "Skräppost")])
            .await
            .status,
        303
    );
    assert!(app
        .store
        .set_aside_list(100)
        .await
        .expect("list")
        .is_empty());

    let log = app.audit_log().await;
    for action in [
        "set_aside_mail.list",
        "set_aside_mail.read",
        "set_aside_mail.register",
        "set_aside_mail.discard",
    ] {
        assert!(
            log.iter()
                .any(|r| r.event.action == action && r.event.actor == "user:agda"),
            "{action} audited"
        );
    }
    assert!(log
        .iter()
        .any(|r| r.event.action == "access.denied" && r.event.actor == "user:olle"));
}

mod mail_set_aside {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::mail_set_aside_for_an_agent(crate::helpers::Db::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::mail_set_aside_for_an_agent(crate::helpers::Db::Postgres).await
    }
}
on_both_backends!(mail_both_ways);
on_both_backends!(mail_waits_for_the_server);

/// A board's monthly report: once a month is over, each board with an
/// address gets that month's figures by mail, once however often the job
/// runs, through the outbox and the real mail server; figures only, no
/// person in it.
async fn monthly_reports_reach_the_boards(app: TestApp) {
    use crate::stats::{at, registrar_service, request, PERSONAL};
    let (cases, registrar) = registrar_service(&app);
    // March 2026: six preschool cases in Skärholmen, five answered at once.
    for i in 0..6 {
        cases
            .intake(
                request("FSK-ERB", "phone", Some("skarholmen"), i < 5),
                &registrar,
                at("2026-03-10T09:00:00Z") + chrono::Duration::minutes(i),
            )
            .await
            .expect("registered");
    }
    // Only two boards have an address here: Skärholmen's and one with no
    // cases that month (a report of nothing is a report too).
    let (skh, kf) = (address("skarholmen"), address("kn"));
    let mut catalog = (*app.catalog).clone();
    for board in &mut catalog.boards {
        board.email = match board.code.as_str() {
            "SDN-SKH" => Some(skh.clone()),
            "KN" => Some(kf.clone()),
            _ => None,
        };
    }
    let catalog = Arc::new(catalog);
    let stats = Arc::new(kontakt_app::stats::StatsService::new(
        app.store.clone(),
        catalog.clone(),
    ));
    let reports = kontakt_app::reports::MonthlyReports::new(
        stats,
        app.store.clone(),
        catalog,
        kontakt_app::messages::MessageSettings::default(),
        Some("https://kontakt.example.test/".into()),
    );
    // During March nothing of March is due; on 1 April it is, once.
    let april = at("2026-04-01T06:00:00Z");
    assert_eq!(reports.queue_due(april).await.expect("reports"), 2);
    assert_eq!(reports.queue_due(april).await.expect("reports"), 0);
    assert_eq!(
        reports
            .queue_due(april + chrono::Duration::days(3))
            .await
            .expect("reports"),
        0
    );

    let kontakt = address("kontakt");
    let out = dispatcher(&app, &submission(&kontakt), RetryPolicy::default());
    assert_eq!(out.run_once(Utc::now()).await.expect("send"), 2);
    let inbox = mailbox(&skh, 1).await;
    assert_eq!(inbox.len(), 1, "one report, not two");
    let raw = String::from_utf8_lossy(&inbox[0]).into_owned();
    let mail = parse(&inbox[0]);
    assert_eq!(
        mail.subject(),
        Some("Månadsrapport mars 2026: Skärholmens stadsdelsnämnd / Monthly report March 2026")
    );
    assert!(raw.contains("Auto-Submitted: auto-generated"), "{raw}");
    let body = mail.body_text(0).expect("text").into_owned();
    for text in [
        "Nämnd: Skärholmens stadsdelsnämnd",
        "Period: mars 2026 (2026-03)",
        "Ärenden: 6",
        "Besvarade vid första kontakten: 5 av 6 (83,3 %; målet är 70 %)",
        "Answered at first contact: 5 of 6 (83.3 %; the target is 70 %)",
        "https://kontakt.example.test/stats?period=month&at=2026-03&board=SDN-SKH",
    ] {
        assert!(body.contains(text), "{text}: {body}");
    }
    for personal in PERSONAL {
        assert!(!body.contains(personal), "{personal} in the report");
    }
    let empty = parse(&mailbox(&kf, 1).await[0])
        .body_text(0)
        .expect("text")
        .into_owned();
    assert!(empty.contains("Ärenden: 0"), "{empty}");
}

on_both_backends!(monthly_reports_reach_the_boards);
