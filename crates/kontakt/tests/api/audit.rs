//! The audit log: every read and change of personal data is recorded before
//! the answer goes out, and tampering with the log is detected.

use std::process::Command;

use base64::Engine;
use kontakt_domain::audit::{AuditRecord, Outcome};
use serde_json::json;

use crate::helpers::{minimal_case, TestApp};
use crate::on_both_backends;

on_both_backends!(every_path_is_audited, tampering_is_detected, log_review);

fn find<'a>(log: &'a [AuditRecord], action: &str, object_id: &str) -> Option<&'a AuditRecord> {
    log.iter()
        .find(|r| r.event.action == action && r.event.object_id == object_id)
}

async fn every_path_is_audited(app: TestApp) {
    // Changes: create, attach, entry, status, hand-over, link, deadline.
    let mut body = minimal_case();
    body["contact"] = json!({"name": "Eva Ek", "personnummer": "19121212-1212"});
    let (_, created) = app.post("/api/v1/cases", &body).await;
    let n = created["number"].as_str().expect("n").to_owned();
    let other = app.new_case().await;
    app.post(
        "/api/v1/cases",
        &json!({"channel": "email", "description": "Mer info", "attach_to": n}),
    )
    .await;
    let file = base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.4 brev");
    let (_, added) = app
        .post(&format!("/api/v1/cases/{n}/entries"), &json!({"kind": "attachment", "file_name": "brev.pdf", "content_type": "application/pdf", "content_base64": file}))
        .await;
    assert!(added["seq"].is_number(), "{added}");
    app.post(
        &format!("/api/v1/cases/{n}/status"),
        &json!({"status": "in_progress"}),
    )
    .await;
    app.post(&format!("/api/v1/cases/{n}/links"), &json!({"case": other}))
        .await;
    let later = (chrono::Utc::now() + chrono::Duration::days(20))
        .date_naive()
        .to_string();
    app.post(
        &format!("/api/v1/cases/{n}/feedback-deadline"),
        &json!({"deadline": later, "reason": "Väntar"}),
    )
    .await;

    // Reads: the case, a search, an attachment, a case that does not exist.
    let r = app
        .client
        .get(app.url(&format!("/api/v1/cases/{n}")))
        .bearer_auth(&app.token)
        .header("x-kontakt-purpose", "resident_called_back")
        .send()
        .await
        .expect("get");
    let operation_id = r.headers()["x-operation-id"]
        .to_str()
        .expect("op id")
        .to_owned();
    let case: serde_json::Value = r.json().await.expect("json");
    let sha = case["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["kind"] == "attachment")
        .expect("attachment")["sha256"]
        .as_str()
        .expect("sha")
        .to_owned();
    app.get("/api/v1/cases?personnummer=191212121212&status=in_progress")
        .await;
    let r = app
        .client
        .get(app.url(&format!("/api/v1/cases/{n}/attachments/{sha}")))
        .bearer_auth(&app.token)
        .send()
        .await
        .expect("download");
    assert_eq!(r.status(), 200);
    assert_eq!(app.get("/api/v1/cases/KC-2026-424242").await.0, 404);

    // Refusals: no token, a wrong token, a missing scope.
    app.client
        .get(app.url("/api/v1/cases"))
        .send()
        .await
        .expect("send");
    app.client
        .get(app.url(&format!("/api/v1/cases/{n}")))
        .bearer_auth("kt_guess")
        .send()
        .await
        .expect("send");
    let reader = kontakt_app::tokens::issue(&app.store, "reader", &["analyst"])
        .await
        .expect("token");
    let r = app
        .client
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&reader)
        .json(&minimal_case())
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 403);

    let log = app.audit_log().await;
    for action in [
        "case.create",
        "case.attach",
        "case.entry",
        "case.status",
        "case.link",
        "case.deadline",
        "case.read",
        "attachment.read",
    ] {
        let entry =
            find(&log, action, &n).unwrap_or_else(|| panic!("no {action} entry for {n}: {log:#?}"));
        assert_eq!(entry.event.actor, "token:test");
        assert_eq!(entry.event.board, "SN", "{action}");
        assert_eq!(entry.event.outcome, Outcome::Allowed);
        assert_eq!(entry.event.client, "127.0.0.1");
        assert_eq!(entry.event.operation_id.len(), 16);
    }
    let read = log
        .iter()
        .find(|r| r.event.action == "case.read" && r.event.operation_id == operation_id)
        .expect("the GET's read");
    assert_eq!(read.event.purpose, "resident_called_back");
    assert_eq!(
        read.event.operation_id, operation_id,
        "the audit entry carries the request's operation id"
    );
    assert_eq!(
        find(&log, "case.create", &n).expect("create").event.purpose,
        "case_handling"
    );

    let search = log
        .iter()
        .find(|r| r.event.action == "case.search")
        .expect("search");
    assert_eq!(
        search.event.detail["filters"]["personnummer"],
        "19121212-1212"
    );
    assert_eq!(search.event.detail["hits"], 1);
    assert_eq!(
        search.event.board, "SN",
        "a search is logged under the board whose data it returned"
    );

    let missing = find(&log, "case.read", "KC-2026-424242").expect("denied read");
    assert_eq!(missing.event.outcome, Outcome::Denied);
    let denied: Vec<_> = log
        .iter()
        .filter(|r| r.event.action == "auth.denied")
        .collect();
    assert_eq!(denied.len(), 2);
    assert!(denied
        .iter()
        .all(|r| r.event.actor == "anonymous" && r.event.outcome == Outcome::Denied));
    let scope = log
        .iter()
        .find(|r| r.event.action == "access.denied")
        .expect("scope refusal");
    assert_eq!(scope.event.actor, "token:reader");
    assert_eq!(scope.event.detail["action"], "create");

    // The entries hold no more personal data than needed: no names.
    assert!(log.iter().all(|r| !r.detail_text.contains("Eva Ek")));

    match kontakt_app::audit::verify(&app.store)
        .await
        .expect("verify")
    {
        kontakt_app::audit::Verdict::Intact { entries, .. } => {
            assert_eq!(entries as usize, log.len())
        }
        broken => panic!("{broken:?}"),
    }
}

fn verify_cli(url: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kontakt"))
        .args(["audit", "verify", "--database", url])
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Runs SQL on the test database as an attacker with full database rights
/// would, first switching off the append-only triggers.
async fn tamper(url: &str, statements: &[&str]) {
    if let Some(path) = url.strip_prefix("sqlite:") {
        let conn = r2d2_sqlite::rusqlite::Connection::open(path).expect("open");
        conn.execute_batch("DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; DROP TRIGGER IF EXISTS audit_log_no_replace;")
            .expect("drop triggers");
        for s in statements {
            conn.execute_batch(s).expect("tamper");
        }
    } else {
        let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .expect("connect");
        tokio::spawn(conn);
        client
            .batch_execute("ALTER TABLE audit_log DISABLE TRIGGER USER")
            .await
            .expect("disable triggers");
        for s in statements {
            client.batch_execute(s).await.expect("tamper");
        }
        client
            .batch_execute("ALTER TABLE audit_log ENABLE TRIGGER USER")
            .await
            .expect("enable");
    }
}

async fn tampering_is_detected(app: TestApp) {
    for _ in 0..3 {
        let n = app.new_case().await;
        app.get(&format!("/api/v1/cases/{n}")).await;
    }
    let (code, out) = verify_cli(&app.database_url);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("intact: 6 entries"), "{out}");

    // Append-only: plain UPDATE and DELETE are refused by the database.
    if let Some(path) = app.database_url.strip_prefix("sqlite:") {
        let conn = r2d2_sqlite::rusqlite::Connection::open(path).expect("open");
        assert!(conn
            .execute_batch("UPDATE audit_log SET actor = 'x' WHERE id = 1")
            .is_err());
        assert!(conn
            .execute_batch("DELETE FROM audit_log WHERE id = 1")
            .is_err());
    }

    // Changed: one entry's actor rewritten.
    tamper(
        &app.database_url,
        &["UPDATE audit_log SET actor = 'token:mallory' WHERE id = 4"],
    )
    .await;
    let (code, out) = verify_cli(&app.database_url);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("entry 4 was changed"), "{out}");
    tamper(
        &app.database_url,
        &["UPDATE audit_log SET actor = 'token:test' WHERE id = 4"],
    )
    .await;
    assert_eq!(verify_cli(&app.database_url).0, 0, "restored");

    // Reordered: entries 2 and 3 swap places.
    tamper(
        &app.database_url,
        &[
            "UPDATE audit_log SET id = -2 WHERE id = 2",
            "UPDATE audit_log SET id = 2 WHERE id = 3",
            "UPDATE audit_log SET id = 3 WHERE id = -2",
        ],
    )
    .await;
    let (code, out) = verify_cli(&app.database_url);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("entry 2"), "{out}");

    // Deleted: entry 5 removed.
    tamper(
        &app.database_url,
        &[
            "UPDATE audit_log SET id = -3 WHERE id = 3",
            "UPDATE audit_log SET id = 3 WHERE id = 2",
            "UPDATE audit_log SET id = 2 WHERE id = -3",
        ],
    )
    .await;
    assert_eq!(verify_cli(&app.database_url).0, 0, "swap undone");
    tamper(&app.database_url, &["DELETE FROM audit_log WHERE id = 5"]).await;
    let (code, out) = verify_cli(&app.database_url);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("entry 6 does not follow entry 4"), "{out}");
}

async fn log_review(app: TestApp) {
    let board = "SN";
    let plain = app.new_case().await;
    let mut body = minimal_case();
    body["contact"] =
        json!({"name": "Skyddad", "personnummer": "19811228-9874", "protected_identity": true});
    let (_, created) = app.post("/api/v1/cases", &body).await;
    let protected = created["number"].as_str().expect("n").to_owned();
    // The registrar reads the plain case and tries the protected one (refused);
    // a permitted registrar reads the protected one.
    app.get(&format!("/api/v1/cases/{plain}")).await;
    assert_eq!(app.get(&format!("/api/v1/cases/{protected}")).await.0, 404);
    let permitted = kontakt_app::tokens::issue(
        &app.store,
        "permitted",
        &["registrar", "protected_identity"],
    )
    .await
    .expect("token");
    let r = app
        .client
        .get(app.url(&format!("/api/v1/cases/{protected}")))
        .bearer_auth(&permitted)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);

    let reviewer =
        kontakt_app::tokens::issue(&app.store, "reviewer", &["log_reviewer", "board:SN"])
            .await
            .expect("token");
    let today = kontakt_domain::calendar::stockholm_today();
    let url = app.url(&format!(
        "/api/v1/audit/review?board={board}&from={today}&to={today}"
    ));
    let review: serde_json::Value = app
        .client
        .get(&url)
        .bearer_auth(&reviewer)
        .send()
        .await
        .expect("review")
        .json()
        .await
        .expect("json");
    let entries = review["entries"].as_array().expect("entries");
    let find = |actor: &str, action: &str, object: &str| {
        entries
            .iter()
            .find(|e| e["actor"] == actor && e["action"] == action && e["object_id"] == object)
            .cloned()
    };
    let plain_read = find("token:test", "case.read", &plain).expect("plain read");
    let refused = find("token:test", "case.open_protected", &protected).expect("refused attempt");
    let allowed = find("token:permitted", "case.read", &protected).expect("permitted read");
    let flagged: Vec<i64> = review["protected_lookups"]
        .as_array()
        .expect("ids")
        .iter()
        .filter_map(|i| i.as_i64())
        .collect();
    assert!(flagged.contains(&refused["id"].as_i64().expect("id")));
    assert!(flagged.contains(&allowed["id"].as_i64().expect("id")));
    assert!(!flagged.contains(&plain_read["id"].as_i64().expect("id")));

    // The same as CSV, for export.
    let csv = app
        .client
        .get(format!("{url}&format=csv"))
        .bearer_auth(&reviewer)
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.expect("text");
    assert!(text.starts_with("id,at,actor,action"));
    assert!(text.contains("protected_identity"));

    // Only the board's own reviewer; the review itself is audited.
    let other = kontakt_app::tokens::issue(&app.store, "other", &["log_reviewer", "board:SDN-SKH"])
        .await
        .expect("token");
    assert_eq!(
        app.client
            .get(&url)
            .bearer_auth(&other)
            .send()
            .await
            .expect("r")
            .status(),
        403
    );
    assert_eq!(
        app.client
            .get(&url)
            .bearer_auth(&app.token)
            .send()
            .await
            .expect("r")
            .status(),
        403
    );
    let log = app.audit_log().await;
    assert!(log.iter().any(|r| r.event.action == "audit.review"
        && r.event.actor == "token:reviewer"
        && r.event.outcome == Outcome::Allowed));
    assert!(log.iter().any(|r| r.event.action == "audit.review"
        && r.event.actor == "token:other"
        && r.event.outcome == Outcome::Denied));
}
