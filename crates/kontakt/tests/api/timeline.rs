//! Changing cases: status, hand-over, entries, attachments, links, deadlines.

use base64::Engine;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    status_machine_is_enforced,
    hand_over_and_the_officers_answer,
    notes_messages_and_corrections,
    attachments_are_stored_by_content,
    links_show_on_both_cases,
    feedback_deadline_can_be_moved,
    stale_version_is_a_conflict,
);

async fn status_machine_is_enforced(app: TestApp) {
    let n = app.new_case().await;
    let path = format!("/api/v1/cases/{n}/status");
    let (status, p) = app.post(&path, &json!({"status": "closed"})).await;
    assert_eq!(status, 409, "{p}");
    assert_eq!(p["errors"][0]["field"], "resolution");
    let (status, p) = app.post(&path, &json!({"status": "registered"})).await;
    assert_eq!(status, 409, "{p}");
    assert_eq!(p["errors"][0]["field"], "status");
    let (status, p) = app.post(&path, &json!({"status": "handed_over"})).await;
    assert_eq!(status, 422, "{p}");

    let (status, case) = app.post(&path, &json!({"status": "in_progress"})).await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["status"], "in_progress");
    // Worked on after registration: no longer a first-contact answer.
    let (status, p) = app
        .post(
            &path,
            &json!({"status": "closed", "resolution": "answered_at_first_contact"}),
        )
        .await;
    assert_eq!(status, 409, "{p}");
    assert_eq!(p["errors"][0]["field"], "resolution");
    let (status, case) = app
        .post(
            &path,
            &json!({"status": "closed", "resolution": "resolved_in_centre"}),
        )
        .await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["resolution"], "resolved_in_centre");
    // Reopening needs a reason, and clears the resolution.
    let (status, _) = app.post(&path, &json!({"status": "in_progress"})).await;
    assert_eq!(status, 409);
    let (status, case) = app
        .post(
            &path,
            &json!({"status": "in_progress", "reason": "Invånaren ringde igen"}),
        )
        .await;
    assert_eq!(status, 200, "{case}");
    assert!(case["resolution"].is_null());
    assert!(case["closed_at"].is_null());
    assert!(
        case["feedback_deadline"].is_string(),
        "a reopened case owes feedback again"
    );
    let kinds: Vec<&str> = case["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "registered",
            "status_changed",
            "status_changed",
            "status_changed",
            "feedback_deadline_changed"
        ]
    );
    assert_eq!(case["entries"][3]["reason"], "Invånaren ringde igen");
}

async fn hand_over_and_the_officers_answer(app: TestApp) {
    let body = json!({"case_type": "BYGG-SKYLT", "channel": "phone", "description": "Vill sätta upp en skylt på fasaden."});
    let (_, created) = app.post("/api/v1/cases", &body).await;
    let n = created["number"].as_str().expect("n").to_owned();
    let path = format!("/api/v1/cases/{n}/handover");
    let (status, p) = app
        .post(&path, &json!({"group": "SBK-BYGG", "summary": "  "}))
        .await;
    assert_eq!(status, 422);
    assert_eq!(p["errors"][0]["field"], "summary");
    let (status, p) = app
        .post(&path, &json!({"group": "KONS", "summary": "x"}))
        .await;
    assert_eq!(status, 422);
    assert!(p["errors"][0]["reason"]
        .as_str()
        .expect("reason")
        .contains("answer group"));
    // Another board's administration may not receive this board's case data.
    let (status, p) = app
        .post(&path, &json!({"group": "FSK-KO-SKH", "summary": "x"}))
        .await;
    assert_eq!(status, 422, "{p}");
    assert!(p["errors"][0]["reason"]
        .as_str()
        .expect("reason")
        .contains("belongs to board"));
    let (status, p) = app.post(&path, &json!({})).await;
    assert_eq!(status, 422, "{p}");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["group", "summary"]);
    // A register-level type cannot be resolved by the centre itself.
    let (status, p) = app
        .post(
            &format!("/api/v1/cases/{n}/status"),
            &json!({"status": "closed", "resolution": "resolved_in_centre"}),
        )
        .await;
    assert_eq!(status, 409, "{p}");

    let summary = "Vill sätta upp en skylt 2×1 m på Götgatan 12. Informerad om att bygglov kan krävas och att handläggaren återkommer inom tio arbetsdagar.";
    let (status, case) = app
        .post(&path, &json!({"group": "SBK-BYGG", "summary": summary}))
        .await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["status"], "handed_over");
    assert_eq!(case["assignee"]["group"], "SBK-BYGG");
    assert_eq!(case["handed_over"], true);
    let last = case["entries"]
        .as_array()
        .expect("entries")
        .last()
        .expect("entry")
        .clone();
    assert_eq!(last["kind"], "handed_over");
    assert_eq!(last["summary"], summary);

    let (status, case) = app
        .post(
            &format!("/api/v1/cases/{n}/status"),
            &json!({"status": "closed", "resolution": "handed_over"}),
        )
        .await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["resolution"], "handed_over");
    // A closed case must be reopened before another hand-over.
    let (status, _) = app
        .post(&path, &json!({"group": "SBK-BYGG", "summary": "igen"}))
        .await;
    assert_eq!(status, 409);

    // An inform-only case type is never handed over.
    let body = json!({"case_type": "UTB-INFO", "channel": "phone", "description": "Skolval"});
    let (_, created) = app.post("/api/v1/cases", &body).await;
    let (status, p) = app
        .post(
            &format!(
                "/api/v1/cases/{}/handover",
                created["number"].as_str().expect("n")
            ),
            &json!({"group": "UTB-ANTAG", "summary": "x"}),
        )
        .await;
    assert_eq!(status, 409, "{p}");
}

async fn notes_messages_and_corrections(app: TestApp) {
    let n = app.new_case().await;
    let path = format!("/api/v1/cases/{n}/entries");
    let (status, added) = app
        .post(
            &path,
            &json!({"kind": "note", "text": "Ringde upp, inget svar."}),
        )
        .await;
    assert_eq!(status, 201, "{added}");
    assert_eq!(added["seq"], 2);
    // Said on the phone: recorded.
    let (status, _) = app
        .post(
            &path,
            &json!({"kind": "message_out", "channel": "phone", "text": "Vi återkommer i morgon."}),
        )
        .await;
    assert_eq!(status, 201);
    // By SMS Kontakt sends it itself, which needs a number: refused.
    let (status, p) = app
        .post(
            &path,
            &json!({"kind": "message_out", "channel": "sms", "text": "Vi återkommer i morgon."}),
        )
        .await;
    assert_eq!(status, 422, "{p}");
    assert_eq!(p["errors"][0]["field"], "channel");
    let (status, p) = app
        .post(&path, &json!({"kind": "message_out", "text": "Utan kanal"}))
        .await;
    assert_eq!(status, 422);
    assert_eq!(p["errors"][0]["field"], "channel");
    let (status, p) = app
        .post(
            &path,
            &json!({"kind": "correction", "corrects": 99, "text": "fel"}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(p["errors"][0]["field"], "corrects");
    let (status, _) = app
        .post(
            &path,
            &json!({"kind": "correction", "corrects": 2, "text": "Rättelse: jag fick svar."}),
        )
        .await;
    assert_eq!(status, 201);
    let (_, case) = app.get(&format!("/api/v1/cases/{n}")).await;
    let entries = case["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 4);
    assert_eq!(
        entries[1]["text"], "Ringde upp, inget svar.",
        "the corrected entry stays as it was"
    );
    assert_eq!(entries[3]["kind"], "correction");
    assert_eq!(entries[3]["corrects"], 2);
}

async fn attachments_are_stored_by_content(app: TestApp) {
    let n = app.new_case().await;
    let content = "Brev från invånaren: Hej! Jag vill klaga på … åäö"
        .as_bytes()
        .to_vec();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&content);
    let body = json!({"kind": "attachment", "file_name": "brev.txt", "content_type": "text/plain; charset=utf-8", "content_base64": b64});
    let (status, added) = app.post(&format!("/api/v1/cases/{n}/entries"), &body).await;
    assert_eq!(status, 201, "{added}");
    let sha = hex::encode(Sha256::digest(&content));
    let (_, case) = app.get(&format!("/api/v1/cases/{n}")).await;
    assert_eq!(case["entries"][1]["sha256"], sha.as_str());
    assert_eq!(case["entries"][1]["size"], content.len());

    let r = app
        .client
        .get(app.url(&format!("/api/v1/cases/{n}/attachments/{sha}")))
        .bearer_auth(&app.token)
        .send()
        .await
        .expect("download");
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/plain; charset=utf-8");
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), content);

    // The hash does not open the file through another case.
    let other = app.new_case().await;
    let (status, _) = app
        .get(&format!("/api/v1/cases/{other}/attachments/{sha}"))
        .await;
    assert_eq!(status, 404);

    // A program that calls itself a PDF is stored and served as what it
    // is, and the card warns the agent.
    let program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00rest".to_vec();
    let body = json!({"kind": "attachment", "file_name": "faktura.pdf", "content_type": "application/pdf",
        "content_base64": base64::engine::general_purpose::STANDARD.encode(&program)});
    let (status, added) = app.post(&format!("/api/v1/cases/{n}/entries"), &body).await;
    assert_eq!(status, 201, "{added}");
    let (_, case) = app.get(&format!("/api/v1/cases/{n}")).await;
    assert_eq!(
        case["entries"][2]["content_type"], "application/vnd.microsoft.portable-executable",
        "{case}"
    );
    let sha = hex::encode(Sha256::digest(&program));
    let r = app
        .client
        .get(app.url(&format!("/api/v1/cases/{n}/attachments/{sha}")))
        .bearer_auth(&app.token)
        .send()
        .await
        .expect("download");
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.microsoft.portable-executable"
    );
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap_or_default()
        .starts_with("attachment"));
    let mut agent = crate::staff::logged_in(&app, "alva", &["agent_l1", "group:OVR"]).await;
    let card = agent.get(&format!("/cases/{n}")).await;
    assert_eq!(card.status, 200);
    assert!(
        card.body.contains("ett program eller skript"),
        "{}",
        card.body
    );

    // Too large: rejected, nothing added.
    let big = base64::engine::general_purpose::STANDARD.encode(vec![0u8; 10 * 1024 * 1024 + 1]);
    let body = json!({"kind": "attachment", "file_name": "stor.bin", "content_base64": big});
    let (status, p) = app.post(&format!("/api/v1/cases/{n}/entries"), &body).await;
    assert_eq!(status, 422, "{p}");
    assert_eq!(p["errors"][0]["field"], "content_base64");
    let (_, case) = app.get(&format!("/api/v1/cases/{n}")).await;
    assert_eq!(case["entries"].as_array().expect("entries").len(), 3);
}

async fn links_show_on_both_cases(app: TestApp) {
    let a = app.new_case().await;
    let b = app.new_case().await;
    let (status, case) = app
        .post(&format!("/api/v1/cases/{a}/links"), &json!({"case": b}))
        .await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["related"], json!([b]));
    let (_, other) = app.get(&format!("/api/v1/cases/{b}")).await;
    assert_eq!(other["related"], json!([a]));
    assert_eq!(other["entries"][1]["kind"], "linked");
    // Linking again changes nothing; self-links and unknown cases are refused.
    let (status, _) = app
        .post(&format!("/api/v1/cases/{a}/links"), &json!({"case": b}))
        .await;
    assert_eq!(status, 200);
    let (_, case) = app.get(&format!("/api/v1/cases/{a}")).await;
    assert_eq!(case["entries"].as_array().expect("entries").len(), 2);
    let (status, _) = app
        .post(&format!("/api/v1/cases/{a}/links"), &json!({"case": a}))
        .await;
    assert_eq!(status, 422);
    let (status, _) = app
        .post(
            &format!("/api/v1/cases/{a}/links"),
            &json!({"case": "KC-2026-555555"}),
        )
        .await;
    assert_eq!(status, 422);
}

async fn feedback_deadline_can_be_moved(app: TestApp) {
    let n = app.new_case().await;
    let future = (chrono::Utc::now() + chrono::Duration::days(30))
        .date_naive()
        .to_string();
    let path = format!("/api/v1/cases/{n}/feedback-deadline");
    let (status, case) = app
        .post(
            &path,
            &json!({"deadline": future, "reason": "Väntar på yttrande"}),
        )
        .await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["feedback_deadline"], future.as_str());
    let (status, p) = app
        .post(&path, &json!({"deadline": "2020-01-01", "reason": ""}))
        .await;
    assert_eq!(status, 422);
    assert_eq!(p["errors"].as_array().expect("errors").len(), 2);
}

async fn stale_version_is_a_conflict(app: TestApp) {
    let n = app.new_case().await;
    let path = format!("/api/v1/cases/{n}/status");
    let (status, _) = app
        .post(
            &path,
            &json!({"status": "in_progress", "expected_version": 1}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, p) = app
        .post(
            &path,
            &json!({"status": "waiting_for_resident", "expected_version": 1}),
        )
        .await;
    assert_eq!(status, 409, "{p}");
    assert_eq!(p["type"], "https://kontakt.stockholm.se/problems/conflict");
}
