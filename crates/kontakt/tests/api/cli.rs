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
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:{port}\"\ndatabase_url = \"{db}\"\ncatalog = \"{catalog}\"\n"
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
