//! SMS through a real Kannel (Debian's bearerbox and smsbox) with its fake
//! SMS centre (kannel-extras' fakesmsc) standing in for the operator: the
//! acknowledgement reaches the phone in 7-bit GSM with å, ä and ö intact
//! and comes back delivered; a long reply with characters outside GSM goes
//! as UCS-2 in concatenated parts that add up to the text; the resident's
//! answer joins its case; an SMS from an unknown number makes a case; a
//! number the gateway cannot route fails; the callbacks refuse a wrong
//! secret and register a repeated message once. Each test starts its own
//! gateway on free ports.

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use kontakt_app::dispatch::{Dispatcher, RetryPolicy};
use kontakt_app::sms::{KannelConfig, KannelTransport};
use kontakt_domain::message::OutboundChannel;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::Mutex;

use crate::helpers::{spawn_app_full, Db, TestApp, CATALOG};

const SECRET: &str = "kannel-callback-secret-1234";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A private Kannel: bearerbox, smsbox and a fake SMS centre whose output
/// (the messages the "operator" got) is collected line by line.
struct Kannel {
    _dir: tempfile::TempDir,
    children: Vec<Child>,
    fake_stdin: tokio::process::ChildStdin,
    seen: Arc<Mutex<Vec<String>>>,
    sendsms_port: u16,
}

impl Kannel {
    fn config(sendsms_port: u16) -> impl FnOnce(&str) -> Option<KannelConfig> {
        move |base: &str| {
            Some(KannelConfig {
                sendsms_url: format!("http://127.0.0.1:{sendsms_port}/cgi-bin/sendsms"),
                username: "kontakt".into(),
                password: "sms-secret".into(),
                from: "Stockholm".into(),
                callback_base: base.to_owned(),
                callback_secret: SECRET.into(),
                case_type: "ALLM-HANV".into(),
            })
        }
    }

    async fn start(app_base: &str, sendsms_port: u16) -> Kannel {
        let bin = std::env::var("KONTAKT_TEST_KANNEL")
            .expect("KONTAKT_TEST_KANNEL is not set: run the tests with scripts/test.sh, which installs Kannel");
        let fakesmsc = std::env::var("KONTAKT_TEST_FAKESMSC").expect("KONTAKT_TEST_FAKESMSC");
        let dir = tempfile::tempdir().expect("dir");
        let (admin, boxp, fake) = (free_port(), free_port(), free_port());
        let d = dir.path().display();
        let conf = format!(
            r#"group = core
admin-port = {admin}
admin-interface = 127.0.0.1
admin-password = adminpw
admin-allow-ip = "127.0.0.1"
smsbox-port = {boxp}
smsbox-interface = 127.0.0.1
box-allow-ip = "127.0.0.1"
log-file = "{d}/bearerbox.log"
log-level = 0
access-log = "{d}/access.log"
dlr-storage = internal
sms-resend-freq = 1
sms-combine-concatenated-mo = true
black-list-receiver-regex = "^\+?4670999"

group = smsc
smsc = fake
smsc-id = fake
port = {fake}
our-host = 127.0.0.1
connect-allow-ip = "127.0.0.1"

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {boxp}
sendsms-port = {sendsms_port}
sendsms-interface = 127.0.0.1
log-file = "{d}/smsbox.log"
log-level = 0
mo-recode = true

group = sendsms-user
username = kontakt
password = sms-secret
max-messages = 10
concatenation = true

group = sms-service
keyword = default
catch-all = true
max-messages = 0
omit-empty = true
get-url = "{app_base}/sms/kannel/incoming?secret={SECRET}&from=%p&to=%P&text=%b&id=%I"
"#
        );
        let conf_path = dir.path().join("kannel.conf");
        std::fs::write(&conf_path, conf).expect("write kannel.conf");
        let spawn = |program: String, args: Vec<String>| {
            Command::new(program)
                .args(args)
                .current_dir(dir.path())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .expect("start a Kannel box")
        };
        let conf_arg = conf_path.display().to_string();
        let mut children = vec![spawn(
            format!("{bin}/bearerbox"),
            vec!["-v".into(), "1".into(), conf_arg.clone()],
        )];
        let http = reqwest::Client::new();
        let status_url = format!("http://127.0.0.1:{admin}/status.txt?password=adminpw");
        let status = |http: reqwest::Client, url: String| async move {
            match http.get(&url).send().await {
                Ok(r) => r.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            }
        };
        for _ in 0..100 {
            if status(http.clone(), status_url.clone())
                .await
                .contains("fake[fake]")
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        children.push(spawn(
            format!("{bin}/smsbox"),
            vec!["-v".into(), "1".into(), conf_arg],
        ));
        let mut fake_child = Command::new(fakesmsc)
            .args([
                "-H",
                "127.0.0.1",
                "-r",
                &fake.to_string(),
                "-i",
                "0",
                "-v",
                "0",
            ])
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start fakesmsc");
        let seen = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            fake_child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>),
            fake_child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut lines = BufReader::new(stream).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    seen.lock().await.push(line);
                }
            });
        }
        let fake_stdin = fake_child.stdin.take().expect("stdin");
        children.push(fake_child);
        // Ready: the smsbox and the fake centre are connected.
        for _ in 0..100 {
            let s = status(http.clone(), status_url.clone()).await;
            if s.contains("smsbox:") && s.contains("(online") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Kannel {
            _dir: dir,
            children,
            fake_stdin,
            seen,
            sendsms_port,
        }
    }

    /// The messages the fake centre got from Kannel, as its lines
    /// `FROM TO text …` / `FROM TO ucs-2 …` / `FROM TO udh … data …`,
    /// waiting until there are at least `n`.
    async fn operator_got(&self, n: usize) -> Vec<String> {
        for _ in 0..150 {
            let got: Vec<String> = self
                .seen
                .lock()
                .await
                .iter()
                .filter_map(|l| {
                    l.split_once("Got message ")
                        .map(|(_, rest)| rest.to_owned())
                })
                .filter_map(|rest| {
                    rest.split_once(": <")
                        .map(|(_, m)| m.trim_end_matches('>').to_owned())
                })
                .collect();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "the SMS centre did not get {n} message(s): {:?}",
            self.seen.lock().await
        );
    }

    /// A resident's phone sends an SMS (one line of the fake centre's protocol).
    async fn phone_sends(&mut self, from: &str, text: &str) {
        let before = self.sent_count().await;
        self.fake_stdin
            .write_all(format!("{from} 12345 text {text}\n").as_bytes())
            .await
            .expect("write to fakesmsc");
        self.fake_stdin.flush().await.expect("flush");
        for _ in 0..100 {
            if self.sent_count().await > before {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("fakesmsc did not send the message");
    }

    async fn sent_count(&self) -> usize {
        self.seen
            .lock()
            .await
            .iter()
            .filter(|l| l.contains("sent message"))
            .count()
    }
}

impl Drop for Kannel {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.start_kill();
        }
    }
}

/// `+`, `%XX`: the fake centre's encoding of bytes.
fn bytes_of(encoded: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let b = encoded.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                out.push(u8::from_str_radix(&encoded[i + 1..i + 3], 16).expect("hex"));
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

fn utf16be(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16(&units).expect("UTF-16")
}

async fn case(app: &TestApp, number: &str) -> Value {
    app.get(&format!("/api/v1/cases/{number}")).await.1
}

/// Waits until the case's `i`th message is in `state` (delivery reports
/// come back from the gateway on their own).
async fn message_state(app: &TestApp, number: &str, i: usize, state: &str) -> Value {
    for _ in 0..100 {
        let c = case(app, number).await;
        if c["messages"][i]["state"] == state {
            return c;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "message {i} of {number} never became {state}: {}",
        case(app, number).await
    );
}

async fn sms_both_ways(db: Db) {
    let sendsms_port = free_port();
    let app = spawn_app_full(db, CATALOG, None, Kannel::config(sendsms_port)).await;
    let mut kannel = Kannel::start(&app.base, sendsms_port).await;
    let config = Kannel::config(kannel.sendsms_port)(&app.base).expect("config");
    let out = Dispatcher::new(app.store.clone(), RetryPolicy::default())
        .with(OutboundChannel::Sms, Arc::new(KannelTransport::new(config)));

    // The acknowledgement, in 7-bit GSM with the Swedish letters intact.
    let (status, created) = app
        .post(
            "/api/v1/cases",
            &json!({
                "case_type": "ALLM-HANV", "channel": "phone",
                "description": "Vill veta när återvinningscentralen öppnar.",
                "contact": {"phone": "070-123 45 67"},
                "feedback_channel": "sms",
            }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let number = created["number"].as_str().expect("number").to_owned();
    assert_eq!(out.run_once(Utc::now()).await.expect("send"), 1);
    let got = kannel.operator_got(1).await;
    assert!(
        got[0].starts_with(
            "Stockholm +46701234567 text Vi har tagit emot ditt ärende om allmän fråga"
        ),
        "{got:?}"
    );
    assert!(got[0].contains(&number), "{got:?}");
    // The fake centre reports delivery; Kannel calls Kontakt back.
    message_state(&app, &number, 0, "delivered").await;

    // A long reply with an en dash: UCS-2, in parts that add up.
    let text = format!(
        "Återvinningscentralen öppnar 07–19 på vardagar. {}",
        "Ta med legitimation. ".repeat(5)
    );
    let (status, p) = app
        .post(
            &format!("/api/v1/cases/{number}/entries"),
            &json!({"kind": "message_out", "channel": "sms", "text": text}),
        )
        .await;
    assert_eq!(status, 201, "{p}");
    let sent_body = case(&app, &number).await["messages"][1]["body"]
        .as_str()
        .expect("body")
        .to_owned();
    let parts = kontakt_domain::sms::parts(&sent_body).len();
    assert!(parts >= 2, "a long UCS-2 text: {parts} parts");
    assert_eq!(out.run_once(Utc::now()).await.expect("send"), 1);
    let got = kannel.operator_got(1 + parts).await;
    let mut joined = Vec::new();
    for line in &got[1..] {
        let (_, data) = line.split_once(" data ").expect("a concatenated part");
        assert!(
            line.contains(" udh %05%00%03"),
            "each part has its header: {line}"
        );
        joined.extend(bytes_of(data));
    }
    assert_eq!(utf16be(&joined), sent_body, "the parts add up to the text");
    message_state(&app, &number, 1, "delivered").await;

    // Too long for SMS: refused before anything is queued.
    let (status, p) = app
        .post(
            &format!("/api/v1/cases/{number}/entries"),
            &json!({"kind": "message_out", "channel": "sms", "text": "–".repeat(700)}),
        )
        .await;
    assert_eq!(status, 422, "{p}");

    // The resident answers from the phone: the answer joins the case.
    kannel
        .phone_sends("46701234567", "Tack! Då åker jag dit på lördag.")
        .await;
    let mut joined_case = Value::Null;
    for _ in 0..100 {
        joined_case = case(&app, &number).await;
        if joined_case["entries"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["kind"] == "message_in")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let answer = joined_case["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["kind"] == "message_in")
        .unwrap_or_else(|| panic!("the answer joined the case: {joined_case}"));
    assert_eq!(answer["text"], "Tack! Då åker jag dit på lördag.");
    assert_eq!(answer["channel"], "sms");

    // An SMS from a number Kontakt never texted makes a case, acknowledged.
    let before = app.case_count().await;
    kannel
        .phone_sends(
            "46709876543",
            "Hej, vem ansvarar för snöröjningen på Sveavägen?",
        )
        .await;
    for _ in 0..100 {
        if app.case_count().await > before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.case_count().await, before + 1);
    let (_, list) = app.get("/api/v1/cases?channel=sms").await;
    let new = list["items"][0]["number"]
        .as_str()
        .expect("the new case")
        .to_owned();
    let made = case(&app, &new).await;
    assert_eq!(made["contact"]["phone"], "+46709876543");
    assert_eq!(made["feedback_channel"], "sms");
    assert_eq!(made["messages"][0]["state"], "queued");

    // A number the gateway cannot route: failed at once, not retried.
    let (_, unroutable) = app
        .post(
            "/api/v1/cases",
            &json!({
                "case_type": "ALLM-HANV", "channel": "phone", "description": "Sms-svar önskas.",
                "contact": {"phone": "0709 99 99 99"}, "feedback_channel": "sms",
            }),
        )
        .await;
    let lost = unroutable["number"]
        .as_str()
        .unwrap_or_else(|| panic!("{unroutable}"))
        .to_owned();
    out.run_once(Utc::now()).await.expect("send");
    let failed = message_state(&app, &lost, 0, "failed").await;
    assert!(failed["messages"][0]["last_error"].is_string(), "{failed}");

    // The callbacks: a wrong secret changes nothing; a repeated message
    // (the same gateway id) is registered once.
    let url = |secret: &str, id: &str| {
        format!(
            "{}/sms/kannel/incoming?secret={secret}&from=46701112233&text=Hej&id={id}",
            app.base
        )
    };
    let r = app
        .client
        .get(url("wrong", "x1"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 403);
    let before = app.case_count().await;
    for _ in 0..2 {
        let r = app
            .client
            .get(url(SECRET, "dup-1"))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.text().await.unwrap_or_default(),
            "",
            "nothing is texted back by the gateway"
        );
    }
    assert_eq!(app.case_count().await, before + 1, "registered once");
    let r = app
        .client
        .get(format!(
            "{}/sms/kannel/incoming?secret={SECRET}&text=Hej",
            app.base
        ))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 400, "no sender");
    let r = app
        .client
        .get(format!(
            "{}/sms/kannel/dlr?secret={SECRET}&ref=nothing&status=1",
            app.base
        ))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 404, "a report on no message");
    drop(kannel);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sms_through_kannel_sqlite() {
    sms_both_ways(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sms_through_kannel_postgres() {
    sms_both_ways(Db::Postgres).await;
}
