//! The data subject's rights end to end: rectification with history, the
//! register extract as JSON, HTML and PDF (read back with poppler's
//! pdftotext), and retention (gallring) with its dry run.

use kontakt_app::cases::{Actor, CaseService};
use kontakt_app::generator::{generate_into, GeneratorConfig};
use serde_json::{json, Value};

use crate::helpers::{minimal_case, TestApp};
use crate::on_both_backends;

const PNR: &str = "19121212-1212";

async fn case_for_tolvan(app: &TestApp) -> String {
    let mut body = minimal_case();
    body["contact"] =
        json!({"name": "Tolvan Tolvansson", "personnummer": PNR, "phone": "070-123 45 67"});
    let (status, created) = app.post("/api/v1/cases", &body).await;
    assert_eq!(status, 201, "{created}");
    created["number"].as_str().expect("number").to_owned()
}

async fn extract(app: &TestApp, format: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/persons/extract"))
        .bearer_auth(&app.token)
        .json(&json!({"personnummer": PNR, "format": format}))
        .send()
        .await
        .expect("extract")
}

async fn rectification_keeps_history(app: TestApp) {
    let number = case_for_tolvan(&app).await;

    // Bad input changes nothing and names every problem.
    let (status, body) = app
        .post(
            "/api/v1/persons/rectify",
            &json!({"personnummer": PNR, "changes": {"phone": "inte ett nummer", "skostorlek": "44"}, "reason": ""}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["reason", "changes.phone", "changes.skostorlek"]);

    // Not the registrar's? Refused.
    let agent = kontakt_app::tokens::issue(&app.store, "agent", &["agent_l2"])
        .await
        .expect("token");
    let r = app
        .client
        .post(app.url("/api/v1/persons/rectify"))
        .bearer_auth(&agent)
        .json(&json!({"personnummer": PNR, "changes": {"name": "X"}, "reason": "försök"}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);

    let (status, history) = app
        .post(
            "/api/v1/persons/rectify",
            &json!({"personnummer": PNR, "changes": {"phone": "08-508 000 00", "name": "Tolvan Tolvansson-Ek"},
                "reason": "Den boende meddelade nytt namn och nummer"}),
        )
        .await;
    assert_eq!(status, 200, "{history}");
    let history = history.as_array().expect("history").clone();
    assert_eq!(history.len(), 2);
    let phone = history
        .iter()
        .find(|h| h["field"] == "phone")
        .expect("phone");
    assert_eq!(phone["old_value"], "+46701234567");
    assert_eq!(phone["new_value"], "+46850800000");
    assert_eq!(phone["by"], "token:test");

    // The case shows the new details; the extract shows the history.
    let (_, case) = app.get(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(case["contact"]["name"], "Tolvan Tolvansson-Ek");
    let json: Value = extract(&app, "json").await.json().await.expect("json");
    assert_eq!(json["rectifications"].as_array().map(Vec::len), Some(2));
    let html = extract(&app, "html").await;
    let csp = html.headers()["content-security-policy"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        csp.starts_with("default-src 'none'") && !csp.contains("script"),
        "{csp}"
    );
    let html = html.text().await.expect("html");
    assert!(html.contains("Rättelser") && html.contains("+46701234567"));

    // The audit names the fields, never the values.
    let log = app.audit_log().await;
    let entry = log
        .iter()
        .find(|r| r.event.action == "person.rectify" && r.event.outcome.as_str() == "allowed")
        .expect("audited");
    assert_eq!(entry.event.detail["fields"], json!(["name", "phone"]));
    assert!(!entry.detail_text.contains("0850800000"));
}

async fn register_extract_as_pdf(app: TestApp) {
    let number = case_for_tolvan(&app).await;
    let r = extract(&app, "pdf").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let bytes = r.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("utdrag.pdf");
    std::fs::write(&path, &bytes).expect("write");
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, installed by scripts/services.sh)");
    assert!(out.status.success(), "pdftotext refused the file");
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "Registerutdrag",
        "Tolvan Tolvansson",
        "19121212-1212",
        number.as_str(),
        "Ärenden",
    ] {
        assert!(text.contains(expected), "{expected} missing in:\n{text}");
    }
    // An unknown format is refused.
    assert_eq!(extract(&app, "docx").await.status(), 400);
}

/// A year of generated cases that ended in 2022, plus today's case: the
/// dry run finds what is due and removes nothing; the run removes exactly
/// that, keeps anonymous counts, and leaves the audit chain intact.
async fn retention_removes_what_is_due(app: TestApp) {
    let service = CaseService::new(app.store.clone(), app.catalog.clone());
    let until = chrono::NaiveDate::from_ymd_opt(2022, 12, 31)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .expect("date")
        .and_utc();
    generate_into(
        &service,
        &GeneratorConfig {
            cases: 300,
            seed: 7,
            until,
        },
        |_| {},
    )
    .await
    .expect("generate");
    let recent = case_for_tolvan(&app).await;
    let before = app.case_count().await;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");

    // The dry run, as the administrator sees it in the API.
    let admin = kontakt_app::tokens::issue(&app.store, "admin", &["administrator"])
        .await
        .expect("token");
    let r = app
        .client
        .get(app.url("/api/v1/retention?today=2026-11-22"))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("report");
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.expect("json");
    let due = report["due"].as_u64().expect("due");
    assert!(due > 50 && due < before, "due {due} of {before}");
    assert_eq!(report["removed"], 0);
    assert!(
        report["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .all(|l| l["retention_months"].as_u64() < Some(48)),
        "nothing kept 60 months is due"
    );
    assert_eq!(app.case_count().await, before, "a dry run removes nothing");

    let store = app.store.clone();
    let report = kontakt_app::rights::run_retention(
        &store,
        &app.catalog,
        &Actor::new("system:retention"),
        today,
        false,
    )
    .await
    .expect("retention");
    assert_eq!(report.removed, due);
    assert_eq!(app.case_count().await, before - due);
    let counted: u64 = app
        .store
        .removed_counts()
        .await
        .expect("counts")
        .iter()
        .map(|c| c.removed)
        .sum();
    assert_eq!(counted, due, "each removed case is counted, anonymously");
    let (status, _) = app.get(&format!("/api/v1/cases/{recent}")).await;
    assert_eq!(status, 200, "recent cases stay");
    let removed = app
        .audit_log()
        .await
        .into_iter()
        .filter(|r| r.event.action == "retention.remove")
        .collect::<Vec<_>>();
    assert_eq!(removed.len() as u64, due);
    let (status, _) = app
        .get(&format!("/api/v1/cases/{}", removed[0].event.object_id))
        .await;
    assert_eq!(status, 404, "a removed case is gone");
    assert!(matches!(
        kontakt_app::audit::verify(&store).await.expect("verify"),
        kontakt_app::audit::Verdict::Intact { .. }
    ));
    // A second run finds nothing more.
    let again = kontakt_app::rights::run_retention(
        &store,
        &app.catalog,
        &Actor::new("system:retention"),
        today,
        false,
    )
    .await
    .expect("again");
    assert_eq!((again.due, again.removed), (0, 0));
    // Only the administrator may ask.
    let r = app
        .client
        .get(app.url("/api/v1/retention"))
        .bearer_auth(&app.token)
        .send()
        .await
        .expect("report");
    assert_eq!(r.status(), 403);
}

on_both_backends!(
    rectification_keeps_history,
    register_extract_as_pdf,
    retention_removes_what_is_due,
);
