//! The binary itself: catalog checking, refusing bad database URLs, and
//! durability of acknowledged writes across `kill -9`.

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_kontakt");

fn kontakt(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .env_remove("KONTAKT_DATABASE_URL")
        .output()
        .expect("run kontakt");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn catalog_check_reports_every_error_with_file_line_and_field() {
    let catalog = concat!(env!("CARGO_MANIFEST_DIR"), "/../../catalog/stockholm.toml");
    let (code, out, _) = kontakt(&["catalog", "check", catalog]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("94 case types") || out.contains("case types"),
        "{out}"
    );

    let dir = tempfile::tempdir().expect("dir");
    let broken = dir.path().join("broken.toml");
    let text = std::fs::read_to_string(catalog)
        .expect("read")
        .replacen("feedback_days = 5", "feedback_days = 500", 1)
        .replacen("kind = \"district\"", "kind = \"county\"", 1)
        .replacen(
            "retention_months = 24",
            "retention_months = 24\nfavourite_colour = \"blå\"",
            1,
        );
    std::fs::write(&broken, text).expect("write");
    let (code, out, err) = kontakt(&["catalog", "check", broken.to_str().expect("utf-8")]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    for (line, expected) in lines.iter().zip([
        "kind: 'county'",
        "feedback_days: 500 is out of range",
        "favourite_colour: unknown key",
    ]) {
        assert!(
            line.starts_with(&format!("{}:", broken.display())),
            "{line}"
        );
        assert!(
            line.contains(expected) || out.contains(expected),
            "{expected} not in {out}"
        );
    }
    assert!(err.contains("3 error(s)"));
}

#[test]
fn bad_database_urls_are_refused_not_created() {
    let dir = tempfile::tempdir().expect("dir");
    let missing = dir.path().join("no-such.db");
    let config = dir.path().join("kontakt.toml");
    let catalog = concat!(env!("CARGO_MANIFEST_DIR"), "/../../catalog/stockholm.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:0\"\ndatabase_url = \"sqlite:{}\"\ncatalog = \"{catalog}\"\n",
            missing.display()
        ),
    )
    .expect("write");
    let (code, _, err) = kontakt(&["serve", "--config", config.to_str().expect("utf-8")]);
    assert_ne!(code, 0);
    assert!(err.contains("does not exist"), "{err}");
    assert!(!missing.exists(), "no empty database may be created");

    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:0\"\ndatabase_url = \"mysql://x\"\ncatalog = \"{catalog}\"\n"
        ),
    )
    .expect("write");
    let (code, _, err) = kontakt(&["serve", "--config", config.to_str().expect("utf-8")]);
    assert_ne!(code, 0);
    assert!(err.contains("unknown scheme"), "{err}");

    std::fs::write(&config, "listen = \"127.0.0.1:0\"\ncatalogue = \"x\"\n").expect("write");
    let (code, _, err) = kontakt(&["serve", "--config", config.to_str().expect("utf-8")]);
    assert_ne!(code, 0);
    assert!(err.contains("catalogue"), "{err}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    for _ in 0..200 {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server at {base} did not start");
}

/// Invariant 1: an acknowledged case survives a crash of the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_cases_survive_kill_dash_nine() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite:{}", dir.path().join("k.db").display());
    assert_eq!(kontakt(&["db", "create", "--database", &db]).0, 0);
    let (code, out, err) = kontakt(&[
        "token",
        "create",
        "--database",
        &db,
        "--name",
        "crash",
        "--grant",
        "registrar",
    ]);
    assert_eq!(code, 0, "{err}");
    let token = out
        .trim()
        .strip_prefix("api token: ")
        .expect("token line")
        .to_owned();
    let port = free_port();
    let config = dir.path().join("kontakt.toml");
    let catalog = concat!(env!("CARGO_MANIFEST_DIR"), "/../../catalog/stockholm.toml");
    // The monthly reports' job runs too, queuing last month's reports while
    // the cases are written.
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:{port}\"\ndatabase_url = \"{db}\"\ncatalog = \"{catalog}\"\n\
             [monthly_reports]\nlink_base = \"http://127.0.0.1:{port}\"\n"
        ),
    )
    .expect("write");
    let start = || {
        Command::new(BIN)
            .args(["serve", "--config", config.to_str().expect("utf-8")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn server")
    };
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut server = start();
    wait_ready(&client, &base).await;

    // Writers keep posting; the server is killed while requests are in flight.
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for _ in 0..8 {
        let (client, base, token, acknowledged) = (
            client.clone(),
            base.clone(),
            token.clone(),
            acknowledged.clone(),
        );
        writers.push(tokio::spawn(async move {
            loop {
                let r = client
                    .post(format!("{base}/api/v1/cases"))
                    .bearer_auth(&token)
                    .json(&crate::helpers::minimal_case())
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status() == 201 => {
                        let v: Value = match r.json().await {
                            Ok(v) => v,
                            Err(_) => return,
                        };
                        acknowledged
                            .lock()
                            .expect("lock")
                            .push(v["number"].as_str().expect("n").to_owned());
                    }
                    _ => return,
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill().expect("kill -9");
    server.wait().expect("wait");
    for w in writers {
        let _ = w.await;
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(
        acknowledged.len() > 50,
        "too few writes before the crash: {}",
        acknowledged.len()
    );

    let mut server = start();
    wait_ready(&client, &base).await;
    for number in &acknowledged {
        let r = client
            .get(format!("{base}/api/v1/cases/{number}"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), 200, "acknowledged case {number} was lost");
    }
    // Numbering continues without reuse after the crash.
    let r: Value = client
        .post(format!("{base}/api/v1/cases"))
        .bearer_auth(&token)
        .json(&crate::helpers::minimal_case())
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert!(!acknowledged.contains(&r["number"].as_str().expect("n").to_owned()));
    server.kill().expect("kill");
    let _ = server.wait();
}

/// Speaks just enough SMTP to hand one mail to a server, as a mail server
/// relaying to Kontakt would; returns the server's last answer.
async fn send_mail(addr: &str, from: &str, to: &str, mail: &str) -> String {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    // A reply may have several lines ("250-…"); the last has a space.
    async fn reply(
        lines: &mut tokio::io::Lines<BufReader<tokio::net::tcp::OwnedReadHalf>>,
    ) -> String {
        loop {
            let line = lines.next_line().await.expect("read").expect("a reply");
            if line.as_bytes().get(3) != Some(&b'-') {
                return line;
            }
        }
    }
    assert!(reply(&mut lines).await.starts_with("220"));
    let data = format!("{}\r\n.\r\n", mail.replace('\n', "\r\n"));
    for command in [
        "EHLO test.example\r\n".to_owned(),
        format!("MAIL FROM:<{from}>\r\n"),
        format!("RCPT TO:<{to}>\r\n"),
        "DATA\r\n".to_owned(),
        data,
    ] {
        write.write_all(command.as_bytes()).await.expect("write");
        let answer = reply(&mut lines).await;
        if !(answer.starts_with('2') || answer.starts_with('3')) {
            return answer;
        }
        if command.starts_with(".") || command.ends_with("\r\n.\r\n") {
            return answer;
        }
    }
    unreachable!()
}

/// Waits for a file to appear in `dir` whose text contains `needle`.
async fn file_containing(dir: &std::path::Path, needle: &str) -> String {
    for _ in 0..200 {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            if text.contains(needle) {
                return text;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no file in {} mentions {needle}", dir.display());
}

/// The demo takes mail over SMTP and SMS from the gateway's callback, as
/// the city's mail server and SMS gateway would deliver them: each becomes
/// a case, and the acknowledgement with its number lands in the demo's
/// outgoing directories.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_takes_mail_and_sms() {
    let dir = tempfile::tempdir().expect("dir");
    let (http, smtp) = (free_port(), free_port());
    let mut demo = Command::new(BIN)
        .args([
            "demo",
            "--addr",
            &format!("127.0.0.1:{http}"),
            "--smtp-addr",
            &format!("127.0.0.1:{smtp}"),
            "--data-dir",
            dir.path().to_str().expect("utf-8"),
            "--cases",
            "30",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn demo");
    // The demo prints its token last; read up to it.
    let stdout = demo.stdout.take().expect("stdout");
    let reading = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        let mut printed = String::new();
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line.expect("line");
            printed.push_str(&line);
            printed.push('\n');
            if line.starts_with("api token: ") {
                break;
            }
        }
        printed
    });
    // The first start generates cases and simulates calls: allow it time,
    // but a demo that never gets ready fails the test instead of hanging it.
    let printed = tokio::time::timeout(Duration::from_secs(300), reading)
        .await
        .expect("the demo started within 5 minutes")
        .expect("read demo output");
    let token = printed
        .lines()
        .find_map(|l| l.strip_prefix("api token: "))
        .expect("token")
        .to_owned();
    let secret = printed
        .split("secret=")
        .nth(1)
        .and_then(|s| s.split('&').next())
        .expect("the SMS secret is printed")
        .to_owned();
    assert!(
        printed.contains(&format!("smtp://127.0.0.1:{smtp}")),
        "{printed}"
    );
    let base = format!("http://127.0.0.1:{http}");
    let client = reqwest::Client::new();
    wait_ready(&client, &base).await;

    // The demo's knowledge base: a resident asking in their own words
    // finds the local article; an agent typing the case's word finds how
    // to apply.
    let asked = client
        .get(format!("{base}/api/v1/assistant"))
        .query(&[("q", "när töms soptunnan i Farsta")])
        .send()
        .await
        .expect("assistant")
        .json::<Value>()
        .await
        .expect("json");
    assert_eq!(
        asked["hits"][0]["title"], "Sophämtning i Farsta – tömningsdagar",
        "{asked}"
    );
    let agent = printed
        .lines()
        .find(|l| l.trim_start().starts_with("demo-agent-l1 "))
        .and_then(|l| l.split_whitespace().last())
        .expect("the agent's token is printed")
        .to_owned();
    let found = client
        .get(format!("{base}/api/v1/knowledge/search"))
        .query(&[("q", "förskoleplats")])
        .bearer_auth(&agent)
        .send()
        .await
        .expect("search")
        .json::<Value>()
        .await
        .expect("json");
    assert_eq!(
        found["hits"][0]["title"], "Förskoleplats – så ansöker du",
        "{found}"
    );
    // The directory's "done when": an operator typing "parkeringstillstånd
    // söder" finds the unit, a half-remembered surname finds the person
    // away and the stand-in; the HR file to try the import with is there.
    let directory = |q: &str| {
        let (client, base, agent) = (client.clone(), base.clone(), agent.clone());
        let q = q.to_owned();
        async move {
            client
                .get(format!("{base}/api/v1/directory/search"))
                .query(&[("q", q.as_str())])
                .bearer_auth(&agent)
                .send()
                .await
                .expect("search")
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    let found = directory("parkeringstillstånd söder").await;
    assert_eq!(
        found["items"][0]["name"], "Parkeringstillstånd Innerstaden",
        "{found}"
    );
    let found = directory("stjärnhelm").await;
    assert_eq!(found["items"][0]["name"], "Greta Stjärnhielm", "{found}");
    assert_eq!(
        found["items"][0]["away"]["stand_in"]["name"], "Jonas Wennerholm",
        "{found}"
    );
    assert!(printed.contains("Greta Stjärnhielm is away"), "{printed}");
    assert!(dir.path().join("hr-export-exempel.csv").exists());

    let mail = "From: Eva Ek <eva.ek@example.se>\nTo: kontaktcenter@stockholm.se\n\
                Subject: =?utf-8?q?Tr=C3=A4d_som_har_fallit?=\nMessage-ID: <demo-1@example.se>\n\
                Content-Type: text/plain; charset=utf-8\n\n\
                Ett träd har fallit över gångvägen vid Kvistholmen.\n";
    let answer = send_mail(
        &format!("127.0.0.1:{smtp}"),
        "eva.ek@example.se",
        "kontaktcenter@stockholm.se",
        mail,
    )
    .await;
    assert!(answer.starts_with("250"), "{answer}");
    // Not one of the catalog's mailboxes: refused, Kontakt is no relay.
    let answer = send_mail(
        &format!("127.0.0.1:{smtp}"),
        "eva.ek@example.se",
        "someone@example.com",
        mail,
    )
    .await;
    assert!(answer.starts_with('5'), "{answer}");
    // Generated cases fill the demo too: find ours by a word only it has.
    let cases = |channel: &'static str, word: &'static str| {
        let (client, base, token) = (client.clone(), base.clone(), token.clone());
        async move {
            let list: Value = client
                .get(format!("{base}/api/v1/cases?channel={channel}&q={word}"))
                .bearer_auth(&token)
                .send()
                .await
                .expect("list")
                .json()
                .await
                .expect("json");
            list["items"].as_array().cloned().unwrap_or_default()
        }
    };
    let by_mail = cases("email", "kvistholmen").await;
    assert_eq!(by_mail.len(), 1, "the mail is one case: {by_mail:?}");
    let number = by_mail[0]["number"].as_str().expect("number").to_owned();
    let ack = file_containing(&dir.path().join("outbox-mail"), &number).await;
    assert!(
        ack.contains("eva.ek@example.se"),
        "the resident's address: {ack}"
    );
    assert!(ack.contains("In-Reply-To: <demo-1@example.se>"), "{ack}");
    // An automatic answer: vacation responders must not answer it back.
    assert!(ack.contains("Auto-Submitted: auto-replied"), "{ack}");

    // An SMS through the gateway's callback; a wrong secret is refused.
    let sms = |secret: String, id: &'static str| {
        let (client, base) = (client.clone(), base.clone());
        async move {
            client
                .get(format!("{base}/sms/kannel/incoming"))
                .query(&[
                    ("secret", secret.as_str()),
                    ("from", "+46701234567"),
                    ("to", "Stockholm"),
                    ("id", id),
                    ("text", "Gatlampan på Kvarnholmsgränd är trasig"),
                ])
                .send()
                .await
                .expect("sms")
                .status()
                .as_u16()
        }
    };
    assert_eq!(sms("wrong-secret".into(), "s0").await, 403);
    assert!(cases("sms", "kvarnholmsgränd").await.is_empty());
    assert_eq!(sms(secret.clone(), "s1").await, 200);
    let by_sms = cases("sms", "kvarnholmsgränd").await;
    assert_eq!(by_sms.len(), 1, "{by_sms:?}");
    let number = by_sms[0]["number"].as_str().expect("number").to_owned();
    file_containing(&dir.path().join("outbox-sms"), &number).await;
    // The gateway delivering the same SMS twice makes one case.
    assert_eq!(sms(secret, "s1").await, 200);
    assert_eq!(cases("sms", "kvarnholmsgränd").await.len(), 1);

    demo.kill().expect("kill");
    let _ = demo.wait();
}
