//! The demo's way out: messages queued through the real case service on a
//! real SQLite store, sent by the dispatcher with `DirectoryTransport`,
//! land as files a person can open — an e-mail as a complete message with
//! the headers the mail server would get, an SMS as its recipient and
//! text — and are recorded as sent. A file that cannot be written is a
//! retry, never a loss.

use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, Utc};
use kontakt_app::cases::{Actor, CaseService, ContactInput, EntryRequest, IntakeRequest};
use kontakt_app::dispatch::{DirectoryTransport, Dispatcher, RetryPolicy};
use kontakt_app::messages::MessageSettings;
use kontakt_domain::case::CaseNumber;
use kontakt_domain::catalog::Catalog;
use kontakt_domain::message::{OutboundChannel, OutboundState};
use kontakt_store::outbox::OutboundMessage;
use kontakt_store::{OpenMode, Store};
use mail_parser::{HeaderValue, MessageParser};

const CATALOG: &str = include_str!("../../../catalog/stockholm.toml");
const FROM: &str = "Kontaktcenter Stockholm <kontaktcenter@stockholm.se>";

async fn service(dir: &Path) -> CaseService {
    let url = format!("sqlite:{}", dir.join("kontakt.db").display());
    let store = kontakt_store::open(&url, OpenMode::CreateIfMissing)
        .await
        .expect("store");
    let catalog = Arc::new(Catalog::load("stockholm.toml", CATALOG).expect("catalog"));
    let settings = MessageSettings::for_city(&catalog, Some("stockholm.se".into()));
    CaseService::new(store, catalog).with_messages(settings)
}

fn registrar() -> Actor {
    let mut actor = Actor::new("user:registrar");
    actor.principal = kontakt_app::tokens::principal(&["registrar".into()]);
    actor
}

/// A new case whose resident wants feedback on `feedback`: its
/// acknowledgement is queued with it.
async fn new_case(service: &CaseService, contact: ContactInput, feedback: &str) -> CaseNumber {
    let req = IntakeRequest {
        case_type: Some("AVF-ATERV".into()),
        channel: "phone".into(),
        description: "När öppnar återvinningscentralen i Farsta?".into(),
        contact: Some(contact),
        feedback_channel: Some(feedback.into()),
        ..IntakeRequest::default()
    };
    service
        .intake(req, &registrar(), Utc::now())
        .await
        .expect("intake")
        .number
}

fn by_mail(address: &str) -> ContactInput {
    ContactInput {
        name: Some("Anna Lind".into()),
        email: Some(address.into()),
        ..ContactInput::default()
    }
}

async fn outbox(store: &Arc<dyn Store>, number: CaseNumber) -> Vec<OutboundMessage> {
    store
        .case(number)
        .await
        .expect("read")
        .expect("the case")
        .outbox
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn ids(header: &HeaderValue) -> Vec<String> {
    match header {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(list) => list.iter().map(|t| t.to_string()).collect(),
        _ => vec![],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_messages_become_files_and_are_recorded_sent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let service = service(dir.path()).await;
    let store = service.store().clone();
    let mail_dir = dir.path().join("outbox-mail");
    let sms_dir = dir.path().join("outbox-sms");

    // An acknowledgement and a reply threaded after it, by e-mail; an
    // acknowledgement by SMS.
    let mailed = new_case(&service, by_mail("anna.lind@example.se"), "email").await;
    service
        .add_entry(
            &mailed.to_string(),
            EntryRequest {
                kind: "message_out".into(),
                text: Some("Återvinningscentralen i Farsta öppnar klockan 10 på lördag.".into()),
                channel: Some("email".into()),
                file_name: None,
                content_type: None,
                content_base64: None,
                corrects: None,
            },
            &registrar(),
            Utc::now(),
        )
        .await
        .expect("reply");
    let texted = new_case(
        &service,
        ContactInput {
            phone: Some("070-123 45 67".into()),
            ..ContactInput::default()
        },
        "sms",
    )
    .await;

    let mail = Arc::new(DirectoryTransport::email(&mail_dir, FROM).expect("sender"));
    let sms = Arc::new(DirectoryTransport::sms(&sms_dir));
    let dispatcher = Dispatcher::new(store.clone(), RetryPolicy::default())
        .with(OutboundChannel::Email, mail.clone())
        .with(OutboundChannel::Sms, sms.clone());
    assert_eq!(dispatcher.run_once(Utc::now()).await.expect("run"), 3);

    let mails = outbox(&store, mailed).await;
    assert_eq!(mails.len(), 2);
    let (ack, reply) = (&mails[0], &mails[1]);
    assert_eq!(reply.in_reply_to.as_deref(), Some(ack.message_id.as_str()));
    assert_eq!(reply.references, vec![ack.message_id.clone()]);
    for m in &mails {
        assert_eq!(m.state, OutboundState::Sent, "{m:?}");
        assert!(m.sent_at.is_some());
        assert_eq!(m.attempts, 1);
        assert_eq!(m.last_error, None);

        let raw = std::fs::read(mail.path_of(m)).expect("the .eml file");
        let parsed = MessageParser::default().parse(&raw).expect("parses");
        assert_eq!(parsed.message_id(), Some(m.message_id.as_str()));
        assert!(m.message_id.ends_with("@stockholm.se"));
        assert_eq!(parsed.subject(), Some(m.subject.as_str()));
        assert!(m.subject.contains(&mailed.to_string()), "{}", m.subject);
        let from = parsed.from().and_then(|a| a.first()).expect("From");
        assert_eq!(from.address(), Some("kontaktcenter@stockholm.se"));
        assert_eq!(from.name(), Some("Kontaktcenter Stockholm"));
        let to = parsed.to().and_then(|a| a.first()).expect("To");
        assert_eq!(to.address(), Some("anna.lind@example.se"));
        assert!(parsed.date().is_some());
        assert_eq!(
            ids(parsed.in_reply_to()),
            m.in_reply_to.iter().cloned().collect::<Vec<_>>()
        );
        assert_eq!(ids(parsed.references()), m.references);
        assert_eq!(
            parsed.header_raw("Auto-Submitted").map(str::trim),
            Some(if m.in_reply_to.is_some() {
                "no"
            } else {
                "auto-generated"
            })
        );
        let text = parsed.body_text(0).expect("a text body");
        // Lines end in CRLF in a mail.
        assert_eq!(text.replace("\r\n", "\n").trim_end(), m.body.trim_end());
    }
    assert!(reply.body.contains("öppnar klockan 10"));

    let texts = outbox(&store, texted).await;
    assert_eq!(texts.len(), 1);
    let text = &texts[0];
    assert_eq!(text.state, OutboundState::Sent);
    assert_eq!(text.recipient, "+46701234567");
    let file = std::fs::read_to_string(sms.path_of(text)).expect("the .txt file");
    assert!(
        file.starts_with(&format!("To: +46701234567\nCase: {texted}\n\n")),
        "{file}"
    );
    assert!(file.contains(text.body.trim_end()));

    // Exactly one file per message, nothing half-written left over; a
    // second round finds nothing due and writes nothing.
    assert_eq!(files(&mail_dir).len(), 2);
    assert!(files(&mail_dir).iter().all(|f| f.ends_with(".eml")));
    assert_eq!(files(&sms_dir).len(), 1);
    assert!(files(&sms_dir)[0].ends_with(".txt"));
    assert_eq!(dispatcher.run_once(Utc::now()).await.expect("run"), 0);
    assert_eq!(files(&mail_dir).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_cannot_be_written_is_retried_not_lost() {
    let dir = tempfile::tempdir().expect("temp dir");
    let service = service(dir.path()).await;
    let store = service.store().clone();
    let number = new_case(&service, by_mail("bertil@example.se"), "email").await;

    // Where the directory should be there is a file.
    let mail_dir = dir.path().join("outbox-mail");
    std::fs::write(&mail_dir, "in the way").expect("a file");
    let dispatcher = Dispatcher::new(store.clone(), RetryPolicy::default()).with(
        OutboundChannel::Email,
        Arc::new(DirectoryTransport::email(&mail_dir, FROM).expect("sender")),
    );
    let now = Utc::now();
    assert_eq!(dispatcher.run_once(now).await.expect("run"), 1);
    let m = &outbox(&store, number).await[0];
    assert_eq!(m.state, OutboundState::Queued, "a retry: {m:?}");
    assert_eq!(m.attempts, 1);
    assert!(m.sent_at.is_none());
    assert!(
        m.last_error
            .as_deref()
            .is_some_and(|e| e.contains("could not be written")),
        "{:?}",
        m.last_error
    );
    // Not due again before its pause is over.
    assert_eq!(dispatcher.run_once(now).await.expect("run"), 0);

    // A read-only directory is the same (root may write anyway: then
    // there is nothing to show, and only the file in the way counts).
    std::fs::remove_file(&mail_dir).expect("cleared");
    std::fs::create_dir(&mail_dir).expect("directory");
    let read_only = read_only(&mail_dir);
    let mut later = now + Duration::minutes(2);
    if read_only {
        assert_eq!(dispatcher.run_once(later).await.expect("run"), 1);
        let m = &outbox(&store, number).await[0];
        assert_eq!(m.state, OutboundState::Queued, "a retry: {m:?}");
        assert_eq!(m.attempts, 2);
        assert!(files(&mail_dir).is_empty());
        make_writable(&mail_dir);
        later += Duration::minutes(5);
    } else {
        make_writable(&mail_dir);
        eprintln!("the directory stays writable for this user; read-only case skipped");
    }

    // Once the directory can be written, the same message goes out.
    assert_eq!(dispatcher.run_once(later).await.expect("run"), 1);
    let m = &outbox(&store, number).await[0];
    assert_eq!(m.state, OutboundState::Sent, "{m:?}");
    assert_eq!(m.attempts, if read_only { 3 } else { 2 });
    assert_eq!(m.last_error, None);
    assert_eq!(files(&mail_dir).len(), 1);
    let raw = std::fs::read(mail_dir.join(&files(&mail_dir)[0])).expect("read");
    let parsed = MessageParser::default().parse(&raw).expect("parses");
    assert_eq!(parsed.message_id(), Some(m.message_id.as_str()));
}

/// Makes `dir` read-only; true if that stops this user writing in it.
fn read_only(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let probe = dir.join("probe");
    match std::fs::write(&probe, "x") {
        Ok(()) => {
            std::fs::remove_file(&probe).expect("probe removed");
            false
        }
        Err(_) => true,
    }
}

fn make_writable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}
