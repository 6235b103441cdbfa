//! Bad input gets a clear 4xx problem naming the field, and changes nothing.

use serde_json::{json, Value};

use crate::helpers::{minimal_case, TestApp};
use crate::on_both_backends;

on_both_backends!(
    invalid_fields_are_all_reported_and_nothing_is_stored,
    malformed_bodies,
    authentication_and_scopes,
);

/// Posts `body`, expects `status` and an error on `field`, and checks that
/// no case was stored.
async fn rejects(app: &TestApp, body: Value, status: u16, field: &str) {
    let before = app.case_count().await;
    let (got, problem) = app.post("/api/v1/cases", &body).await;
    assert_eq!(got, status, "{body} -> {problem}");
    assert_eq!(problem["status"], status);
    assert!(
        problem["operation_id"]
            .as_str()
            .is_some_and(|s| s.len() == 16),
        "{problem}"
    );
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        fields.contains(&field),
        "expected an error on {field}, got {problem}"
    );
    assert_eq!(
        app.case_count().await,
        before,
        "nothing may be stored for {body}"
    );
}

fn with(edit: impl FnOnce(&mut Value)) -> Value {
    let mut body = minimal_case();
    edit(&mut body);
    body
}

async fn invalid_fields_are_all_reported_and_nothing_is_stored(app: TestApp) {
    rejects(
        &app,
        with(|b| b["case_type"] = json!("NOPE")),
        422,
        "case_type",
    )
    .await;
    rejects(
        &app,
        with(|b| b["channel"] = json!("pigeon")),
        422,
        "channel",
    )
    .await;
    rejects(
        &app,
        with(|b| b["description"] = json!("   ")),
        422,
        "description",
    )
    .await;
    rejects(
        &app,
        with(|b| b["description"] = json!("x".repeat(10_001))),
        422,
        "description",
    )
    .await;
    rejects(
        &app,
        with(|b| b["district"] = json!("gotham")),
        422,
        "district",
    )
    .await;
    rejects(
        &app,
        with(|b| b["contact"] = json!({"personnummer": "19121212-1213"})),
        422,
        "contact.personnummer",
    )
    .await;
    rejects(
        &app,
        with(|b| b["contact"] = json!({"personnummer": "19991332-1234"})),
        422,
        "contact.personnummer",
    )
    .await;
    rejects(
        &app,
        with(|b| b["contact"] = json!({"name": "A", "phone": "ring mig"})),
        422,
        "contact.phone",
    )
    .await;
    rejects(
        &app,
        with(|b| b["contact"] = json!({"name": "A", "email": "a@b"})),
        422,
        "contact.email",
    )
    .await;
    rejects(
        &app,
        with(|b| b["contact"] = json!({"org_number": "556000-0002"})),
        422,
        "contact.org_number",
    )
    .await;
    rejects(
        &app,
        with(|b| b["contact"] = json!({"name": "x".repeat(201)})),
        422,
        "contact.name",
    )
    .await;
    rejects(
        &app,
        with(|b| {
            b["anonymous"] = json!(true);
            b["contact"] = json!({"name": "A"})
        }),
        422,
        "contact",
    )
    .await;
    rejects(
        &app,
        with(|b| b["feedback_channel"] = json!("email")),
        422,
        "feedback_channel",
    )
    .await;
    rejects(
        &app,
        with(|b| {
            b["contact"] = json!({"name": "A", "phone": "08-123 456 78"});
            b["feedback_channel"] = json!("sms")
        }),
        422,
        "feedback_channel",
    )
    .await;
    rejects(
        &app,
        with(|b| b["received_at"] = json!("2099-01-01T00:00:00Z")),
        422,
        "received_at",
    )
    .await;
    rejects(
        &app,
        with(|b| b["close_as"] = json!("vanished")),
        422,
        "close_as",
    )
    .await;
    // Form fields: missing required, unknown, wrong type.
    let fsk = |form: Value| json!({"case_type": "FSK-KO", "channel": "e_service", "description": "Ansökan", "district": "farsta", "form": form});
    rejects(&app, fsk(json!({})), 422, "form.child_birth_date").await;
    rejects(
        &app,
        fsk(json!({"child_birth_date": "igår", "wanted_start": "2027-01-10"})),
        422,
        "form.child_birth_date",
    )
    .await;
    rejects(&app, fsk(json!({"colour": "red"})), 422, "form.colour").await;
    // A district-bound type without a district.
    rejects(
        &app,
        json!({"case_type": "FSK-ERB", "channel": "phone", "description": "x"}),
        422,
        "district",
    )
    .await;

    // Missing fields are named, all at once.
    let (status, problem) = app
        .post("/api/v1/cases", &json!({"case_type": "SYNP-KCS"}))
        .await;
    assert_eq!(status, 422, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["channel", "description"]);

    // Everything wrong at once is reported at once.
    let (_, problem) = app
        .post(
            "/api/v1/cases",
            &json!({"case_type": "NOPE", "channel": "pigeon", "description": ""}),
        )
        .await;
    assert_eq!(
        problem["errors"].as_array().expect("errors").len(),
        3,
        "{problem}"
    );
}

async fn malformed_bodies(app: TestApp) {
    let before = app.case_count().await;
    let send = |body: Vec<u8>, content_type: &'static str| {
        app.client
            .post(app.url("/api/v1/cases"))
            .bearer_auth(&app.token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let cases: Vec<(Vec<u8>, &str, u16, Option<&str>)> = vec![
        (b"{\"case_type\": ".to_vec(), "application/json", 400, None),
        (b"[1,2,3]".to_vec(), "application/json", 400, None),
        (
            b"{\"case_type\":\"SYNP-KCS\",\"channel\":\"phone\",\"description\":\"\xff\xfe\"}"
                .to_vec(),
            "application/json",
            400,
            None,
        ),
        (
            br#"{"case_type":"SYNP-KCS","channel":"phone","description":"x","colour":"red"}"#
                .to_vec(),
            "application/json",
            400,
            Some("colour"),
        ),
        (
            br#"{"case_type":"SYNP-KCS","channel":"phone","description":42}"#.to_vec(),
            "application/json",
            400,
            Some("description"),
        ),
        (
            br#"{"case_type":"SYNP-KCS","channel":"phone","description":"x","contact":{"name":7}}"#
                .to_vec(),
            "application/json",
            400,
            Some("contact.name"),
        ),
        (
            br#"{"case_type":"SYNP-KCS","channel":"phone","description":"x"} trailing"#.to_vec(),
            "application/json",
            400,
            None,
        ),
        (
            b"case_type=SYNP-KCS".to_vec(),
            "application/x-www-form-urlencoded",
            415,
            None,
        ),
        // One byte over the limit: the server has read the whole body when
        // it refuses it, so it closes cleanly and the client reads the 413.
        // (A larger body left unread makes the server's close a reset that
        // can reach the client before the answer does.)
        (
            vec![b' '; kontakt_web::BODY_LIMIT + 1],
            "application/json",
            413,
            None,
        ),
    ];
    for (body, content_type, status, field) in cases {
        let preview = String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned();
        let r = send(body, content_type).await.expect("send");
        assert_eq!(r.status().as_u16(), status, "{preview}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let problem: Value = r.json().await.expect("problem json");
        if let Some(field) = field {
            assert!(
                problem["detail"].as_str().expect("detail").contains(field),
                "{problem}"
            );
        }
    }
    assert_eq!(app.case_count().await, before);
}

async fn authentication_and_scopes(app: TestApp) {
    let r = app
        .client
        .get(app.url("/api/v1/cases"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 401);
    assert!(r.headers().contains_key("www-authenticate"));
    let r = app
        .client
        .get(app.url("/api/v1/cases"))
        .bearer_auth("kt_forged")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 401);
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
    let r = app
        .client
        .get(app.url("/api/v1/cases"))
        .bearer_auth(&reader)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    // A revoked token stops working at once.
    assert_eq!(app.store.revoke_tokens("reader").await.expect("revoke"), 1);
    let r = app
        .client
        .get(app.url("/api/v1/cases"))
        .bearer_auth(&reader)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 401);
    let r = app
        .client
        .get(app.url("/api/v1/nowhere"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert_eq!(app.case_count().await, 0);
}
