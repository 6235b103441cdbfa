//! Registering cases and reading them back.

use serde_json::json;

use crate::helpers::{minimal_case, TestApp, SIMPLE_TYPE};
use crate::on_both_backends;

on_both_backends!(
    health_and_openapi,
    minimal_case_is_registered_and_read_back,
    personnummer_in_every_accepted_spelling,
    district_decides_the_board,
    feedback_deadline_counts_swedish_working_days,
    first_contact_case_is_closed_at_once,
    new_information_joins_the_existing_case,
    concurrent_registrations_get_gapless_unique_numbers,
    list_filters_and_pages,
    protected_identity_is_invisible_without_the_scope,
    organisation_contact,
    register_extract,
);

async fn health_and_openapi(app: TestApp) {
    let r = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(r.status(), 200);
    for (name, value) in [
        (
            "content-security-policy",
            "default-src 'none'; frame-ancestors 'none'",
        ),
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("cache-control", "no-store"),
    ] {
        assert_eq!(r.headers()[name], value, "{name}");
    }
    assert!(
        !r.headers().contains_key("strict-transport-security"),
        "no HSTS over plain HTTP"
    );
    let r = app
        .client
        .get(app.url("/healthz"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .expect("healthz");
    assert_eq!(
        r.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    let doc: serde_json::Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .expect("openapi")
        .json()
        .await
        .expect("json");
    assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
    for path in [
        "/api/v1/case-types",
        "/api/v1/cases",
        "/api/v1/cases/{number}",
        "/api/v1/cases/{number}/entries",
        "/api/v1/cases/{number}/status",
        "/api/v1/cases/{number}/handover",
        "/api/v1/cases/{number}/handover-response",
        "/api/v1/cases/{number}/links",
        "/api/v1/cases/{number}/feedback-deadline",
        "/api/v1/cases/{number}/attachments/{sha256}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not documented");
    }
    assert!(doc["components"]["schemas"]["IntakeRequest"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

async fn minimal_case_is_registered_and_read_back(app: TestApp) {
    let (status, body) = app.post("/api/v1/cases", &minimal_case()).await;
    assert_eq!(status, 201, "{body}");
    let number = body["number"].as_str().expect("number");
    // Numbered by the Stockholm year (at New Year it differs from UTC).
    let year = kontakt_domain::calendar::stockholm_today()
        .format("%Y")
        .to_string();
    assert_eq!(number, format!("KC-{year}-000001"));
    assert_eq!(body["attached"], false);

    let (status, case) = app.get(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["number"], number);
    assert_eq!(case["case_type"], SIMPLE_TYPE);
    assert_eq!(case["board"], "SN");
    assert_eq!(case["status"], "registered");
    assert_eq!(case["channel"], "phone");
    assert_eq!(case["contact"]["kind"], "anonymous");
    assert_eq!(case["entries"][0]["kind"], "registered");
    assert_eq!(case["entries"][0]["seq"], 1);
    assert_eq!(case["entries"][0]["author"], "token:test");
    assert_eq!(case["version"], 1);

    let (status, _) = app.get("/api/v1/cases/KC-2026-999999").await;
    assert_eq!(status, 404);
    let (status, _) = app.get("/api/v1/cases/not-a-number").await;
    assert_eq!(status, 404);
}

async fn personnummer_in_every_accepted_spelling(app: TestApp) {
    for spelling in [
        "19121212-1212",
        "191212121212",
        "121212-1212",
        "1212121212",
        "121212+1212",
    ] {
        let mut body = minimal_case();
        body["contact"] = json!({"name": "Tolvan Tolvansson", "personnummer": spelling});
        let (status, created) = app.post("/api/v1/cases", &body).await;
        assert_eq!(status, 201, "{spelling}: {created}");
        let (_, case) = app
            .get(&format!(
                "/api/v1/cases/{}",
                created["number"].as_str().expect("n")
            ))
            .await;
        let expected = if spelling.contains('+') || spelling.len() >= 12 {
            "19121212-1212"
        } else {
            "20121212-1212"
        };
        assert_eq!(case["contact"]["personnummer"], expected, "{spelling}");
    }
    // A later contact's details stay with its own case; the person record
    // keeps what it knew and only fills in what was missing.
    let mut body = minimal_case();
    body["contact"] =
        json!({"name": "T. Tolvansson", "personnummer": "191212121212", "phone": "070-999 88 77"});
    let (_, created) = app.post("/api/v1/cases", &body).await;
    let (_, case) = app
        .get(&format!(
            "/api/v1/cases/{}",
            created["number"].as_str().expect("n")
        ))
        .await;
    assert_eq!(case["contact"]["name"], "Tolvan Tolvansson");
    assert_eq!(case["contact"]["phone"], "+46709998877");
    assert_eq!(case["entries"][0]["contact_given"]["name"], "T. Tolvansson");
    // The same person found again by personnummer: one person, many cases.
    let (_, list) = app.get("/api/v1/cases?personnummer=191212121212").await;
    assert_eq!(list["items"].as_array().expect("items").len(), 4);
}

async fn district_decides_the_board(app: TestApp) {
    let body = json!({"case_type": "FSK-ERB", "channel": "email", "description": "Vill ha erbjudandet förlängt.", "district": "skarholmen"});
    let (status, created) = app.post("/api/v1/cases", &body).await;
    assert_eq!(status, 201, "{created}");
    let (_, case) = app
        .get(&format!(
            "/api/v1/cases/{}",
            created["number"].as_str().expect("n")
        ))
        .await;
    let skh = app.catalog.district("skarholmen").expect("district");
    assert_eq!(case["board"], skh.board.as_str());
    assert_eq!(case["district_name"], "Skärholmen");
}

async fn feedback_deadline_counts_swedish_working_days(app: TestApp) {
    // Thursday before Easter 2026: Good Friday and Easter Monday are holidays.
    let days = app.case_type(SIMPLE_TYPE).feedback_days;
    let mut body = minimal_case();
    body["received_at"] = json!("2026-04-02T08:30:00Z");
    let (status, created) = app.post("/api/v1/cases", &body).await;
    assert_eq!(status, 201, "{created}");
    // Working days after Thu 2 April: Tue 7, Wed 8, Thu 9, Fri 10, Mon 13 ...
    let expected = [
        "2026-04-07",
        "2026-04-08",
        "2026-04-09",
        "2026-04-10",
        "2026-04-13",
        "2026-04-14",
    ];
    assert!(
        days >= 1 && days as usize <= expected.len(),
        "feedback_days {days}"
    );
    assert_eq!(created["feedback_deadline"], expected[days as usize - 1]);
    // A letter stamped in 2025 is numbered in 2025.
    body["received_at"] = json!("2025-12-30T10:00:00Z");
    let (_, created) = app.post("/api/v1/cases", &body).await;
    assert!(
        created["number"]
            .as_str()
            .expect("n")
            .starts_with("KC-2025-"),
        "{created}"
    );
}

async fn first_contact_case_is_closed_at_once(app: TestApp) {
    let mut body = minimal_case();
    body["close_as"] = json!("answered_at_first_contact");
    let (status, created) = app.post("/api/v1/cases", &body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["status"], "closed");
    assert!(created["feedback_deadline"].is_null());
    let (_, case) = app
        .get(&format!(
            "/api/v1/cases/{}",
            created["number"].as_str().expect("n")
        ))
        .await;
    assert_eq!(case["resolution"], "answered_at_first_contact");
    assert!(case["closed_at"].is_string());
    assert_eq!(case["entries"][1]["kind"], "status_changed");

    // An inform-only type cannot be "resolved in the centre".
    let bad = json!({"case_type": "UTB-INFO", "channel": "phone", "description": "Frågar om skolval.", "close_as": "resolved_in_centre"});
    let (status, problem) = app.post("/api/v1/cases", &bad).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "close_as");
}

async fn new_information_joins_the_existing_case(app: TestApp) {
    let number = app.new_case().await;
    let before = app.case_count().await;
    let body = json!({"channel": "email", "description": "Jag glömde säga att det gällde i fredags.", "attach_to": number});
    let (status, r) = app.post("/api/v1/cases", &body).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["number"], number.as_str());
    assert_eq!(r["attached"], true);
    assert_eq!(app.case_count().await, before, "no new case");
    let (_, case) = app.get(&format!("/api/v1/cases/{number}")).await;
    let last = case["entries"]
        .as_array()
        .expect("entries")
        .last()
        .expect("entry")
        .clone();
    assert_eq!(last["kind"], "message_in");
    assert_eq!(last["channel"], "email");

    // Fields that would describe a new case are refused, not dropped.
    let body = json!({"channel": "email", "description": "Hej", "attach_to": number, "contact": {"personnummer": "19121212-1213"}, "case_type": "SYNP-KCS"});
    let (status, problem) = app.post("/api/v1/cases", &body).await;
    assert_eq!(status, 422, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["case_type", "contact"]);

    // New information on a closed case reopens it with a new deadline.
    let (status, _) = app
        .post(
            &format!("/api/v1/cases/{number}/status"),
            &json!({"status": "closed", "resolution": "resolved_in_centre"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, r) = app
        .post(
            "/api/v1/cases",
            &json!({"channel": "sms", "description": "Det hände igen.", "attach_to": number}),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["status"], "in_progress");
    assert!(r["feedback_deadline"].is_string());
    let (_, case) = app.get(&format!("/api/v1/cases/{number}")).await;
    assert!(case["resolution"].is_null());
    let kinds: Vec<&str> = case["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(
        kinds[kinds.len() - 3..],
        ["message_in", "status_changed", "feedback_deadline_changed"]
    );

    let body = json!({"channel": "email", "description": "Hej", "attach_to": "KC-2026-777777"});
    let (status, problem) = app.post("/api/v1/cases", &body).await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "attach_to");
}

async fn concurrent_registrations_get_gapless_unique_numbers(app: TestApp) {
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move { app.new_case().await }));
    }
    let mut serials = Vec::new();
    for t in tasks {
        let n = t.await.expect("task");
        serials.push(
            n.rsplit('-')
                .next()
                .expect("serial")
                .parse::<u32>()
                .expect("digits"),
        );
    }
    serials.sort_unstable();
    assert_eq!(serials, (1..=200).collect::<Vec<_>>());
}

async fn list_filters_and_pages(app: TestApp) {
    for district in ["farsta", "farsta", "bromma"] {
        let body = json!({"case_type": "FSK-ERB", "channel": "phone", "description": "Fråga", "district": district});
        assert_eq!(app.post("/api/v1/cases", &body).await.0, 201);
    }
    app.new_case().await;
    let (status, all) = app.get("/api/v1/cases").await;
    assert_eq!(status, 200);
    let items = all["items"].as_array().expect("items");
    assert_eq!(items.len(), 4);
    assert!(
        items[0]["number"].as_str() > items[1]["number"].as_str(),
        "newest first"
    );
    assert!(
        items[0].get("description").is_none(),
        "lists carry no free text"
    );

    let (_, farsta) = app
        .get("/api/v1/cases?district=farsta&case_type=FSK-ERB")
        .await;
    assert_eq!(farsta["items"].as_array().expect("items").len(), 2);
    let (_, phone) = app
        .get("/api/v1/cases?channel=phone&status=registered")
        .await;
    assert_eq!(phone["items"].as_array().expect("items").len(), 4);

    let (_, page1) = app.get("/api/v1/cases?limit=3").await;
    assert_eq!(page1["items"].as_array().expect("items").len(), 3);
    let cursor = page1["next_before"].as_str().expect("cursor");
    let (_, page2) = app
        .get(&format!("/api/v1/cases?limit=3&before={cursor}"))
        .await;
    assert_eq!(page2["items"].as_array().expect("items").len(), 1);
    assert!(page2["next_before"].is_null());

    let today = kontakt_domain::calendar::stockholm_today();
    let (_, none) = app.get(&format!("/api/v1/cases?created_to={today}")).await;
    assert_eq!(none["items"].as_array().expect("items").len(), 0);

    let (status, problem) = app
        .get("/api/v1/cases?status=lost&limit=0&created_from=yesterday")
        .await;
    assert_eq!(status, 400);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["status", "limit", "created_from"]);
}

async fn protected_identity_is_invisible_without_the_scope(app: TestApp) {
    let mut body = minimal_case();
    body["contact"] = json!({"name": "Skyddad Person", "personnummer": "19811228-9874", "phone": "070-111 22 33", "protected_identity": true});
    body["district"] = json!("farsta");
    let (status, created) = app.post("/api/v1/cases", &body).await;
    assert_eq!(status, 201, "{created}");
    let number = created["number"].as_str().expect("n").to_owned();
    let open = app.new_case().await;

    // Without the permission the case does not exist: not by number, not in
    // lists, not by personnummer, not for changes or attachments.
    let r = app
        .client
        .get(app.url(&format!("/api/v1/cases/{number}")))
        .bearer_auth(&app.token)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 404);
    let text = r.text().await.expect("text");
    for secret in ["Skyddad Person", "19811228", "9874", "111 22 33", "farsta"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    let (_, all) = app.get("/api/v1/cases").await;
    let numbers: Vec<&str> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["number"].as_str())
        .collect();
    assert_eq!(numbers, [open.as_str()], "the protected case is not listed");
    let (_, by_pnr) = app.get("/api/v1/cases?personnummer=198112289874").await;
    assert_eq!(by_pnr["items"].as_array().expect("items").len(), 0);
    let (status, _) = app
        .post(
            &format!("/api/v1/cases/{number}/entries"),
            &json!({"kind": "note", "text": "x"}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .post(
            &format!("/api/v1/cases/{number}/status"),
            &json!({"status": "in_progress"}),
        )
        .await;
    assert_eq!(status, 404);

    // Every attempt is audited and flagged.
    let log = app.audit_log().await;
    let flagged = log
        .iter()
        .filter(|r| r.event.action == "case.open_protected" && r.event.object_id == number)
        .count();
    assert_eq!(flagged, 3, "read, note and status attempts");

    // A later contact without the flag never lifts it.
    body["contact"]["protected_identity"] = json!(false);
    let (_, again) = app.post("/api/v1/cases", &body).await;
    assert_eq!(
        app.get(&format!(
            "/api/v1/cases/{}",
            again["number"].as_str().expect("n")
        ))
        .await
        .0,
        404
    );

    // With the explicit permission the case is there, in full.
    let privileged = kontakt_app::tokens::issue(
        &app.store,
        "registrar",
        &["registrar", kontakt_app::tokens::GRANT_PROTECTED],
    )
    .await
    .expect("token");
    let case: serde_json::Value = app
        .client
        .get(app.url(&format!("/api/v1/cases/{number}")))
        .bearer_auth(&privileged)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(case["contact"]["name"], "Skyddad Person");
    assert_eq!(case["contact"]["protected_identity"], true);
    let listed: serde_json::Value = app
        .client
        .get(app.url("/api/v1/cases?personnummer=198112289874"))
        .bearer_auth(&privileged)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(listed["items"].as_array().expect("items").len(), 2);
}

async fn organisation_contact(app: TestApp) {
    let mut body = minimal_case();
    body["contact"] = json!({"name": "Stockholms kommun", "org_number": "212000-0142", "email": "registrator@example.se"});
    body["feedback_channel"] = json!("email");
    let (status, created) = app.post("/api/v1/cases", &body).await;
    assert_eq!(status, 201, "{created}");
    let (_, case) = app
        .get(&format!(
            "/api/v1/cases/{}",
            created["number"].as_str().expect("n")
        ))
        .await;
    assert_eq!(case["contact"]["kind"], "organisation");
    assert_eq!(case["contact"]["org_number"], "212000-0142");
    assert_eq!(case["feedback_channel"], "email");
}

async fn register_extract(app: TestApp) {
    let pnr = "19121212-1212";
    for text in [
        "Första kontakten <script>alert(1)</script>",
        "Andra kontakten",
    ] {
        let mut body = minimal_case();
        body["description"] = json!(text);
        body["contact"] =
            json!({"name": "Tolvan Tolvansson", "personnummer": pnr, "email": "tolvan@example.se"});
        assert_eq!(app.post("/api/v1/cases", &body).await.0, 201);
    }
    app.new_case().await;
    let (status, extract) = app
        .post(
            "/api/v1/persons/extract",
            &json!({"personnummer": "191212121212"}),
        )
        .await;
    assert_eq!(status, 200, "{extract}");
    assert_eq!(extract["person"]["name"], "Tolvan Tolvansson");
    assert_eq!(extract["person"]["email"], "tolvan@example.se");
    assert_eq!(
        extract["cases"].as_array().expect("cases").len(),
        2,
        "only this person's cases"
    );

    let r = app
        .client
        .post(app.url("/api/v1/persons/extract"))
        .bearer_auth(&app.token)
        .json(&json!({"personnummer": pnr, "format": "html"}))
        .send()
        .await
        .expect("html");
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    let html = r.text().await.expect("text");
    assert!(html.contains("<html lang=\"sv\">") && html.contains("Registerutdrag"));
    assert!(html.contains("Tolvan Tolvansson") && html.contains("Andra kontakten"));
    assert!(
        html.contains("&lt;script&gt;") && !html.contains("<script>"),
        "text is escaped"
    );

    let log = app.audit_log().await;
    let entry = log
        .iter()
        .find(|r| r.event.action == "person.extract")
        .expect("audited");
    assert_eq!(entry.event.detail["cases"], 2);
    assert!(
        !entry.detail_text.contains("Tolvan"),
        "no more personal data than needed"
    );

    // Refusals: not a registrar, unknown person, bad number, protected person.
    let analyst = kontakt_app::tokens::issue(&app.store, "analyst", &["analyst"])
        .await
        .expect("token");
    let r = app
        .client
        .post(app.url("/api/v1/persons/extract"))
        .bearer_auth(&analyst)
        .json(&json!({"personnummer": pnr}))
        .send()
        .await
        .expect("r");
    assert_eq!(r.status(), 403);
    assert_eq!(
        app.post(
            "/api/v1/persons/extract",
            &json!({"personnummer": "19811228-9874"})
        )
        .await
        .0,
        404
    );
    let (status, p) = app
        .post(
            "/api/v1/persons/extract",
            &json!({"personnummer": "19121212-1213"}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(p["errors"][0]["field"], "personnummer");
    let mut body = minimal_case();
    body["contact"] =
        json!({"name": "Skyddad", "personnummer": "19811228-9874", "protected_identity": true});
    app.post("/api/v1/cases", &body).await;
    assert_eq!(
        app.post(
            "/api/v1/persons/extract",
            &json!({"personnummer": "19811228-9874"})
        )
        .await
        .0,
        404
    );
}
