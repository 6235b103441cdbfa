//! The authorization matrix: every route of the API × every role × a case
//! inside and a case outside the processing agreements → allowed or denied
//! as the rules in `kontakt_domain::access` say. A route that is not in the
//! matrix fails the test, so no path can escape the rules unnoticed.

use base64::Engine;
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(every_route_every_role);

/// The roles tried, as token grants; `none` has a valid token and no role.
const ROLES: &[(&str, &[&str])] = &[
    ("agent_l1", &["agent_l1"]),
    ("agent_l2", &["agent_l2"]),
    ("officer", &["officer", "group:FSK-KO-SKH"]),
    ("registrar", &["registrar"]),
    ("analyst", &["analyst"]),
    ("log_reviewer", &["log_reviewer", "board:SDN-SKH"]),
    ("administrator", &["administrator"]),
    ("intake", &["intake"]),
    ("phone_system", &["phone_system"]),
    ("none", &[]),
];

/// (method, OpenAPI path, roles allowed on the covered case, roles allowed on
/// the uncovered one). Covered: a Skärholmen preschool case (agreement with
/// SDN-SKH) handed over to the officer group FSK-KO-SKH. Uncovered: a
/// guardianship case (Överförmyndarnämnden has no agreement).
const MATRIX: &[(&str, &str, &[&str], &[&str])] = &[
    ("get", "/api/v1/case-types", ALL, ALL),
    (
        "post",
        "/api/v1/cases",
        &["agent_l1", "agent_l2", "registrar", "intake"],
        &["registrar", "intake"],
    ),
    ("get", "/api/v1/cases", SEE, &["registrar"]),
    ("get", "/api/v1/cases/{number}", SEE, &["registrar"]),
    (
        "post",
        "/api/v1/cases/{number}/entries",
        SEE,
        &["registrar"],
    ),
    ("post", "/api/v1/cases/{number}/status", SEE, &["registrar"]),
    (
        "post",
        "/api/v1/cases/{number}/handover",
        SEE,
        &["registrar"],
    ),
    (
        "post",
        "/api/v1/cases/{number}/handover-response",
        SEE,
        &["registrar"],
    ),
    ("post", "/api/v1/cases/{number}/links", SEE, &["registrar"]),
    (
        "post",
        "/api/v1/cases/{number}/feedback-deadline",
        SEE,
        &["registrar"],
    ),
    (
        "post",
        "/api/v1/cases/{number}/assignee",
        SEE,
        &["registrar"],
    ),
    (
        "get",
        "/api/v1/cases/{number}/attachments/{sha256}",
        SEE,
        &["registrar"],
    ),
    ("get", "/api/v1/audit/review", &["log_reviewer"], &[]),
    (
        "post",
        "/api/v1/persons/extract",
        &["registrar"],
        &["registrar"],
    ),
    (
        "post",
        "/api/v1/persons/rectify",
        &["registrar"],
        &["registrar"],
    ),
    (
        "get",
        "/api/v1/retention",
        &["administrator"],
        &["administrator"],
    ),
    (
        "get",
        "/api/v1/cti/instructions",
        &["phone_system"],
        &["phone_system"],
    ),
    // Statistics: anonymous, for analysts and administrators (and team leaders).
    ("get", "/api/v1/stats/calls", STATS, STATS),
    ("get", "/api/v1/stats/calls/weekly", STATS, STATS),
    ("get", "/api/v1/stats/cases", STATS, STATS),
    ("get", "/api/v1/stats/deviations", STATS, STATS),
    ("get", "/api/v1/stats/cost-allocation", STATS, STATS),
    ("get", "/api/v1/stats/baselines", STATS, STATS),
    ("post", "/api/v1/stats/baselines", STATS, STATS),
    ("get", "/api/v1/stats/baselines/{id}", STATS, STATS),
    ("get", "/api/v1/stats/crises", STATS, STATS),
    // The knowledge base: read by everyone who serves residents, written
    // by editors, team leaders and the owning board's officers (here the
    // article is Skärholmen's), the assistant open to anyone.
    ("get", "/api/v1/assistant", ALL, ALL),
    ("get", "/api/v1/knowledge/search", KB, KB),
    ("get", "/api/v1/knowledge/todo", KB, KB),
    ("get", "/api/v1/knowledge/uses", KB, KB),
    ("get", "/api/v1/knowledge/articles/{id}", KB, KB),
    (
        "post",
        "/api/v1/knowledge/articles",
        &["officer"],
        &["officer"],
    ),
    (
        "post",
        "/api/v1/knowledge/articles/{id}/versions",
        &["officer"],
        &["officer"],
    ),
    (
        "post",
        "/api/v1/knowledge/articles/{id}/versions/{version}/{step}",
        &["officer"],
        &["officer"],
    ),
    ("post", "/api/v1/knowledge/articles/{id}/flags", KB, KB),
    ("post", "/api/v1/knowledge/articles/{id}/answers", KB, KB),
    (
        "post",
        "/api/v1/knowledge/articles/{id}/attachments",
        &["officer"],
        &["officer"],
    ),
    // Crisis mode: any caller sees it; administrators (and team leaders,
    // editors) publish and end it.
    ("get", "/api/v1/crisis", ALL, ALL),
    (
        "post",
        "/api/v1/crisis",
        &["administrator"],
        &["administrator"],
    ),
    (
        "post",
        "/api/v1/crisis/end",
        &["administrator"],
        &["administrator"],
    ),
    // The switchboard's directory: read by everyone who serves residents;
    // absence notes by the switchboard's agents (and team leaders,
    // administrators); imports and history by administrators; a message
    // is a case, so by those who register; the public directory for all.
    ("get", "/api/v1/directory/search", KB, KB),
    ("get", "/api/v1/directory/people/{id}", KB, KB),
    ("get", "/api/v1/directory/units/{id}", KB, KB),
    (
        "get",
        "/api/v1/directory/{kind}/{id}/history",
        &["administrator"],
        &["administrator"],
    ),
    ("post", "/api/v1/directory/absences", NOTES, NOTES),
    ("delete", "/api/v1/directory/absences/{id}", NOTES, NOTES),
    (
        "post",
        "/api/v1/directory/imports/preview",
        &["administrator"],
        &["administrator"],
    ),
    (
        "post",
        "/api/v1/directory/imports",
        &["administrator"],
        &["administrator"],
    ),
    (
        "post",
        "/api/v1/directory/messages",
        &["agent_l1", "agent_l2", "registrar"],
        &["agent_l1", "agent_l2", "registrar"],
    ),
    ("post", "/api/v1/phone/calls/{call}/transfer", KB, KB),
    ("get", "/api/v1/public/directory", ALL, ALL),
    // Not about a case: only a phone system reports calls.
    (
        "post",
        "/api/v1/cti/events",
        &["phone_system"],
        &["phone_system"],
    ),
];
const ALL: &[&str] = &[
    "agent_l1",
    "agent_l2",
    "officer",
    "registrar",
    "analyst",
    "log_reviewer",
    "administrator",
    "intake",
    "phone_system",
    "none",
];
const SEE: &[&str] = &["agent_l1", "agent_l2", "officer", "registrar"];
const STATS: &[&str] = &["analyst", "administrator"];
const NOTES: &[&str] = &["agent_l1", "agent_l2", "administrator"];
const KB: &[&str] = &[
    "agent_l1",
    "agent_l2",
    "officer",
    "registrar",
    "administrator",
];

struct Target {
    board: &'static str,
    personnummer: &'static str,
    number: String,
    sha256: String,
    peer: String,
    handover_group: &'static str,
    create_body: Value,
    /// A frozen statistics baseline's id.
    baseline: String,
    /// A published knowledge article's id.
    article: String,
    /// An administrator's token, to make what a route needs first (an
    /// absence note to remove).
    admin: String,
}

async fn target(
    app: &TestApp,
    board: &'static str,
    personnummer: &'static str,
    case_type: &str,
    district: Option<&str>,
    group: &'static str,
) -> Target {
    let mut body = json!({"case_type": case_type, "channel": "phone", "description": "Matrisfall",
        "contact": {"name": "Matris Person", "personnummer": personnummer}});
    if let Some(d) = district {
        body["district"] = json!(d);
    }
    let (status, created) = app.post("/api/v1/cases", &body).await;
    assert_eq!(status, 201, "{created}");
    let number = created["number"].as_str().expect("n").to_owned();
    let (_, peer) = app.post("/api/v1/cases", &body).await;
    let (status, r) = app
        .post(
            &format!("/api/v1/cases/{number}/handover"),
            &json!({"group": group, "summary": "Sammanfattning"}),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    let file = base64::engine::general_purpose::STANDARD.encode(format!("bilaga {number}"));
    let (status, r) = app
        .post(&format!("/api/v1/cases/{number}/entries"), &json!({"kind": "attachment", "file_name": "a.txt", "content_type": "text/plain", "content_base64": file}))
        .await;
    assert_eq!(status, 201, "{r}");
    let (_, case) = app.get(&format!("/api/v1/cases/{number}")).await;
    let sha256 = case["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["kind"] == "attachment")
        .expect("attachment")["sha256"]
        .as_str()
        .expect("sha")
        .to_owned();
    Target {
        board,
        personnummer,
        number,
        sha256,
        peer: peer["number"].as_str().expect("peer").to_owned(),
        handover_group: group,
        create_body: body,
        baseline: String::new(),
        article: String::new(),
        admin: String::new(),
    }
}

/// Calls the route as `token`; true if access was granted (anything but 403/404,
/// or for the list: the case is among the hits).
async fn allowed(app: &TestApp, token: &str, method: &str, path: &str, t: &Target) -> bool {
    let today = kontakt_domain::calendar::stockholm_today();
    let until = chrono::Utc::now() + chrono::Duration::days(1);
    // A note of its own for each removal, so every caller finds one.
    let note = if path == "/api/v1/directory/absences/{id}" {
        let (status, note) = crate::directory::as_token(
            app,
            &t.admin,
            "post",
            "/api/v1/directory/absences",
            &json!({"subject": "person:1001", "until": until}),
        )
        .await;
        assert_eq!(status, 201, "{note}");
        note["id"].to_string()
    } else {
        String::new()
    };
    let url = if path == "/api/v1/audit/review" {
        app.url(&format!("{path}?board={}&from={today}&to={today}", t.board))
    } else {
        app.url(
            &path
                .replace("{number}", &t.number)
                .replace("{sha256}", &t.sha256)
                .replace("{kind}", "people")
                .replace(
                    "{id}",
                    if path.starts_with("/api/v1/knowledge/") {
                        &t.article
                    } else if path.starts_with("/api/v1/directory/absences/") {
                        &note
                    } else if path.starts_with("/api/v1/directory/units/") {
                        "TK-PT-IN"
                    } else if path.starts_with("/api/v1/directory/") {
                        "1001"
                    } else {
                        &t.baseline
                    },
                )
                .replace("{call}", "no-such-call")
                .replace("{version}", "1")
                .replace("{step}", "submit"),
        )
    };
    let future = (chrono::Utc::now() + chrono::Duration::days(30))
        .date_naive()
        .to_string();
    let body = match path {
        "/api/v1/cases" => t.create_body.clone(),
        p if p.ends_with("/entries") => json!({"kind": "note", "text": "Anteckning"}),
        p if p.ends_with("/status") => json!({"status": "waiting_for_resident"}),
        p if p.ends_with("/handover") => json!({"group": t.handover_group, "summary": "Igen"}),
        p if p.ends_with("/links") => json!({"case": t.peer}),
        // Nobody's group holds the case, so a permitted caller gets 422.
        p if p.ends_with("/handover-response") => json!({"action": "accept"}),
        p if p.ends_with("/feedback-deadline") => json!({"deadline": future, "reason": "Väntar"}),
        // Back to the group it was handed to.
        p if p.ends_with("/assignee") => json!({"group": t.handover_group, "reason": "Matris"}),
        // A number that is not the city's: a phone system is told so (422).
        "/api/v1/cti/events" => {
            json!({"event": "new_call", "call_id": "matrix", "from": "+46701234567", "to": "+4611"})
        }
        "/api/v1/persons/extract" => json!({"personnummer": t.personnummer}),
        "/api/v1/directory/absences" => json!({"subject": "person:1003", "until": until}),
        // A stale stamp: a permitted caller gets 409.
        "/api/v1/directory/imports" => {
            json!({"content": crate::directory::STAFF_CSV, "source": "m.csv", "stamp": -1})
        }
        "/api/v1/directory/imports/preview" => json!({"content": crate::directory::STAFF_CSV}),
        "/api/v1/directory/messages" => json!({"to": "person:1001", "message": "Matris"}),
        p if p.ends_with("/transfer") => json!({"to": "person:1001"}),
        "/api/v1/stats/baselines" => json!({"name": "Matrisens nollmätning"}),
        "/api/v1/persons/rectify" => json!({"personnummer": t.personnummer,
            "changes": {"phone": "070-765 43 21"}, "reason": "Matristest"}),
        _ => Value::Null,
    };
    let request = match method {
        "get" => app.client.get(&url),
        "delete" => app.client.delete(&url),
        _ => app.client.post(&url).json(&body),
    };
    let r = request.bearer_auth(token).send().await.expect("request");
    let status = r.status().as_u16();
    if method == "get" && path == "/api/v1/cases" {
        let list: Value = r.json().await.expect("json");
        return list["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|c| c["number"] == t.number.as_str());
    }
    assert_ne!(status, 500, "{method} {path}");
    status != 403 && status != 404
}

async fn every_route_every_role(app: TestApp) {
    // The matrix covers exactly the API's routes.
    let doc: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .expect("doc")
        .json()
        .await
        .expect("json");
    let mut documented: Vec<String> = Vec::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for method in ops.as_object().expect("ops").keys() {
            documented.push(format!("{method} {path}"));
        }
    }
    let mut in_matrix: Vec<String> = MATRIX
        .iter()
        .map(|(m, p, _, _)| format!("{m} {p}"))
        .collect();
    documented.sort();
    in_matrix.sort();
    assert_eq!(
        documented, in_matrix,
        "every route must be in the authorization matrix"
    );

    let mut covered = target(
        &app,
        "SDN-SKH",
        "19121212-1212",
        "FSK-ERB",
        Some("skarholmen"),
        "FSK-KO-SKH",
    )
    .await;
    let mut uncovered = target(
        &app,
        "OFN",
        "19811228-9874",
        "OFN-GODMAN",
        None,
        "OFN-HANDL",
    )
    .await;
    // A confidential case type (social services) under a covering agreement.
    let mut confidential = target(
        &app,
        "SDN-SKH",
        "20121212-1212",
        "SOC-EKB",
        Some("skarholmen"),
        "FSK-KO-SKH",
    )
    .await;
    // A statistics baseline, for the routes that show one.
    let analyst = kontakt_app::tokens::issue(&app.store, "matrix-analyst", &["analyst"])
        .await
        .expect("token");
    let frozen: Value = app
        .client
        .post(app.url("/api/v1/stats/baselines"))
        .bearer_auth(&analyst)
        .json(&json!({"name": "Matris"}))
        .send()
        .await
        .expect("freeze")
        .json()
        .await
        .expect("json");
    let baseline = frozen["id"].to_string();
    // A published public article of Skärholmen's, for the routes that
    // show or change one.
    let mut content = crate::knowledge::content("Matris", None);
    content.owner_board = "SDN-SKH".into();
    content.service_area = "preschool".into();
    let article = app
        .store
        .knowledge(kontakt_store::knowledge::KnowledgeWrite::Create {
            content: serde_json::to_string(&content).expect("json"),
            note: String::new(),
            by: "user:matrix".into(),
            at: chrono::Utc::now(),
        })
        .await
        .expect("article");
    for (from, to) in [
        (
            kontakt_domain::knowledge::ArticleStatus::Draft,
            kontakt_domain::knowledge::ArticleStatus::Review,
        ),
        (
            kontakt_domain::knowledge::ArticleStatus::Review,
            kontakt_domain::knowledge::ArticleStatus::Published,
        ),
    ] {
        app.store
            .knowledge(kontakt_store::knowledge::KnowledgeWrite::Step {
                article,
                number: 1,
                from,
                to,
                by: "user:matrix".into(),
                at: chrono::Utc::now(),
            })
            .await
            .expect("step");
    }
    // A small directory, for its routes.
    let admin = crate::directory::seed(&app).await;
    for t in [&mut covered, &mut uncovered, &mut confidential] {
        t.baseline = baseline.clone();
        t.article = article.to_string();
        t.admin = admin.clone();
    }
    let mut tokens = Vec::new();
    for (role, grants) in ROLES {
        tokens.push((
            *role,
            kontakt_app::tokens::issue(&app.store, role, grants)
                .await
                .expect("token"),
        ));
    }
    let mut wrong = Vec::new();
    let mut checked = 0;
    for (method, path, on_covered, on_uncovered) in MATRIX {
        // Level 1 agents never see confidential case types: the same cells
        // as the covered case, less agent_l1 wherever an existing case is touched.
        let touches_case =
            path.contains("{number}") || (*method == "get" && *path == "/api/v1/cases");
        let on_confidential: Vec<&str> = on_covered
            .iter()
            .copied()
            .filter(|r| !(touches_case && *r == "agent_l1"))
            .collect();
        for (t, expected) in [
            (&covered, *on_covered),
            (&uncovered, *on_uncovered),
            (&confidential, on_confidential.as_slice()),
        ] {
            for (role, token) in &tokens {
                let got = allowed(&app, token, method, path, t).await;
                checked += 1;
                if got != expected.contains(role) {
                    wrong.push(format!(
                        "{method} {path} as {role} on {}: allowed={got}",
                        t.number
                    ));
                }
            }
        }
        // Without a token nothing is allowed.
        let r = app
            .client
            .get(app.url("/api/v1/cases"))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 401);
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked} cells disagree with the rules:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(checked, MATRIX.len() * 3 * ROLES.len());
}

/// The Stockholm catalog with Servicenämnden's agreement narrowed to identity only.
fn identity_only_catalog() -> String {
    let text = crate::helpers::CATALOG;
    let start = text
        .find("[[agreements]]\nboard = \"SN\"")
        .expect("SN agreement");
    let line = text[start..]
        .find("personal_data = ")
        .expect("personal_data")
        + start;
    let end = text[line..].find('\n').expect("line end") + line;
    format!(
        "{}personal_data = [\"identity\"]{}",
        &text[..line],
        &text[end..]
    )
}

async fn narrow_agreement_withholds_on_every_answer(db: crate::helpers::Db) {
    let app = crate::helpers::spawn_app_with_catalog(db, &identity_only_catalog()).await;
    let mut body = crate::helpers::minimal_case();
    body["contact"] =
        json!({"name": "Tolvan", "personnummer": "19121212-1212", "phone": "070-123 45 67"});
    let (_, created) = app.post("/api/v1/cases", &body).await;
    let n = created["number"].as_str().expect("n").to_owned();
    app.post(
        &format!("/api/v1/cases/{n}/entries"),
        &json!({"kind": "note", "text": "Hemligt innehåll"}),
    )
    .await;
    let agent = kontakt_app::tokens::issue(&app.store, "agent", &["agent_l2"])
        .await
        .expect("token");
    let withheld = kontakt_app::cases::WITHHELD;
    let check = |case: &Value, what: &str| {
        assert_eq!(case["description"], withheld, "{what}: {case}");
        assert_eq!(
            case["contact"]["name"], "Tolvan",
            "{what}: identity is granted"
        );
        assert!(
            case["contact"].get("phone").is_none(),
            "{what}: contact details are not granted"
        );
        let text = case.to_string();
        assert!(
            !text.contains("Hemligt") && !text.contains("701234567"),
            "{what}: {text}"
        );
    };
    let get: Value = app
        .client
        .get(app.url(&format!("/api/v1/cases/{n}")))
        .bearer_auth(&agent)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    check(&get, "GET");
    for (path, body) in [
        ("status", json!({"status": "in_progress"})),
        (
            "feedback-deadline",
            json!({"deadline": (chrono::Utc::now() + chrono::Duration::days(20)).date_naive().to_string(), "reason": "Väntar"}),
        ),
    ] {
        let r = app
            .client
            .post(app.url(&format!("/api/v1/cases/{n}/{path}")))
            .bearer_auth(&agent)
            .json(&body)
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 200, "{path}");
        check(&r.json().await.expect("json"), path);
    }
    // Every answer that carried the case is a logged read.
    let reads = app
        .audit_log()
        .await
        .into_iter()
        .filter(|r| r.event.action == "case.read" && r.event.actor == "token:agent")
        .count();
    assert_eq!(reads, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn narrow_agreement_withholds_on_every_answer_sqlite() {
    narrow_agreement_withholds_on_every_answer(crate::helpers::Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn narrow_agreement_withholds_on_every_answer_postgres() {
    narrow_agreement_withholds_on_every_answer(crate::helpers::Db::Postgres).await
}
