//! The phone: a team leader changes the answer group's greeting, hours and
//! absence message at the web interface — validated, saved only when
//! valid, audited with before and after — and the next call hears it.

use chrono::{DateTime, Utc};
use kontakt_app::phone::{Destination, PhoneService};

use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::staff::{csrf_of, logged_in};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("time")
        .with_timezone(&Utc)
}

async fn team_leader_changes_the_line(app: TestApp) {
    let mut lead = logged_in(&app, "tina", &["supervisor", "group:FSK"]).await;
    let list = lead.get("/phone").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains("/phone/groups/FSK"), "{}", list.body);
    assert!(
        !list.body.contains("/phone/groups/AVF"),
        "only their own group"
    );
    assert_eq!(lead.get("/phone/groups/AVF").await.status, 403);
    let mut agent = logged_in(&app, "agda", &["agent_l1", "group:FSK"]).await;
    assert_eq!(agent.get("/phone").await.status, 403);
    assert_eq!(agent.get("/phone/groups/FSK").await.status, 403);

    let form = lead.get("/phone/groups/FSK").await;
    assert_eq!(form.status, 200);
    let csrf = csrf_of(&form.body);
    let until = kontakt_domain::calendar::stockholm_local(Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%dT%H:%M")
        .to_string();

    // Wrong on every count: nothing saved, every field named.
    let bad = lead
        .post(
            "/phone/groups/FSK",
            &[
                ("csrf", csrf.as_str()),
                ("greeting_sv", &"lång ".repeat(200)),
                ("weekdays", "17-08"),
                ("absence_sv", "Planeringsdag"),
                ("absent_until", "igår"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    for field in ["greeting_sv", "weekdays", "absent_until"] {
        assert!(bad.body.contains(field), "{field} named: {}", bad.body);
    }
    assert!(app.store.phone_settings().await.expect("read").is_empty());
    // A forged form changes nothing either.
    let forged = lead
        .post(
            "/phone/groups/FSK",
            &[("csrf", "forged"), ("greeting_sv", "Hej")],
        )
        .await;
    assert_eq!(forged.status, 403);
    // Another group's settings are not the team leader's to change.
    let other = lead
        .post(
            "/phone/groups/AVF",
            &[("csrf", csrf.as_str()), ("greeting_sv", "Hej")],
        )
        .await;
    assert_eq!(other.status, 403);
    assert!(app.store.phone_settings().await.expect("read").is_empty());

    let ok = lead
        .post(
            "/phone/groups/FSK",
            &[
                ("csrf", csrf.as_str()),
                ("greeting_sv", "Du har kommit till förskolan."),
                ("greeting_en", "You have reached preschool."),
                ("weekdays", "08:00-16:00"),
                (
                    "absence_sv",
                    "Förskolegruppen har planeringsdag. Ring igen i morgon.",
                ),
                (
                    "absence_en",
                    "The preschool team is closed for planning today.",
                ),
                ("absent_until", until.as_str()),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let shown = lead.get(&ok.location).await;
    assert!(
        shown.body.contains("Du har kommit till förskolan."),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("08:00-16:00"));
    let stored = app.store.phone_settings().await.expect("read");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].changed_by, "user:tina");
    let log = app.audit_log().await;
    let change = log
        .iter()
        .find(|r| r.event.action == "phone.settings.change")
        .expect("audited");
    assert_eq!(change.event.object_id, "FSK");
    assert!(change.event.detail["after"]["absence"]["message_sv"]
        .as_str()
        .is_some_and(|m| m.contains("planeringsdag")));
    assert!(log
        .iter()
        .any(|r| r.event.action == "access.denied" && r.event.object_id == "AVF"));

    // The next call to preschool hears the absence message; other groups
    // answer as usual; in the evening the number is closed.
    let phone = PhoneService::new(app.store.clone(), app.catalog.clone());
    let monday_morning = at("2026-11-23T08:30:00Z");
    // The absence closes the line whatever the hour.
    match phone
        .destination("+46850800000", "11", Utc::now())
        .await
        .expect("store")
    {
        Some(Destination::Closed { message, group, .. }) => {
            assert!(message.contains("planeringsdag"), "{message}");
            assert_eq!(group.as_deref(), Some("FSK"));
        }
        other => panic!("expected the absence message, got {other:?}"),
    }
    let evening = at("2026-11-23T19:00:00Z");
    assert!(matches!(
        phone.destination("+46850800000", "5", evening).await.expect("store"),
        Some(Destination::Closed { message, .. }) if message.contains("har stängt")
    ));
    assert!(matches!(
        phone.destination("+46850800000", "922", monday_morning).await.expect("store"),
        Some(Destination::Queue { group, language, .. }) if group == "PARK" && language == "en"
    ));
    assert_eq!(
        phone
            .destination("+46700000000", "1", monday_morning)
            .await
            .expect("store"),
        None,
        "not one of the city's numbers"
    );
}

on_both_backends!(team_leader_changes_the_line);

/// The catalog with the city's number open around the clock, so the
/// queues can be tested at any hour (and on holidays).
pub fn always_open() -> String {
    let text = crate::helpers::CATALOG.replacen(
        "hours = \"KCS\"\nclosed_sv",
        "hours = \"ALWAYS\"\nclosed_sv",
        1,
    );
    assert_ne!(text, crate::helpers::CATALOG);
    format!(
        "{text}\n[[opening_hours]]\ncode = \"ALWAYS\"\nweekdays = \"00:00-24:00\"\nsaturday = \"00:00-24:00\"\n\
         sunday = \"00:00-24:00\"\nholidays = \"00:00-24:00\"\n"
    )
}

async fn cti(app: &TestApp, token: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    let r = app
        .client
        .post(app.url("/api/v1/cti/events"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("cti");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

fn actions(answer: &serde_json::Value) -> Vec<String> {
    answer["instructions"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| i["action"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A call end to end over the CTI interface: the menu, the queue, the
/// offer to the agent who logged in at the desk, the screen pop with the
/// caller's cases, quick registration linked to the call, the hang-up and
/// the call record; bad, duplicated and out-of-order events change nothing.
async fn a_call_through_the_queues(db: crate::helpers::Db) {
    let app = crate::helpers::spawn_app_with_catalog(db, &always_open()).await;
    let pbx = kontakt_app::tokens::issue(&app.store, "vaxel", &["phone_system"])
        .await
        .expect("token");
    // A resident who called before has an open case.
    let mut earlier = crate::helpers::minimal_case();
    earlier["contact"] = serde_json::json!({"name": "Bo Berg", "phone": "+46701234567"});
    let (status, old) = app.post("/api/v1/cases", &earlier).await;
    assert_eq!(status, 201, "{old}");

    let mut agda = logged_in(&app, "agda", &["agent_l1", "group:FSK"]).await;
    let start = agda.get("/").await;
    let csrf = csrf_of(&start.body);
    assert!(
        start.body.contains("Logga in i telefonkön"),
        "{}",
        start.body
    );
    let login = agda
        .post(
            "/phone/agent",
            &[("csrf", csrf.as_str()), ("action", "login")],
        )
        .await;
    assert_eq!(login.status, 303, "{}", login.body);
    assert!(agda.get("/").await.body.contains("redo"));

    // Only a phone system's token may report calls.
    let (status, _) = cti(
        &app,
        &app.token,
        serde_json::json!({"event": "hangup", "call_id": "x"}),
    )
    .await;
    assert_eq!(status, 403);

    let (status, a) = cti(&app, &pbx, serde_json::json!({"event": "new_call", "call_id": "c1", "from": "+46701234567", "to": "+46850800000"})).await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(actions(&a), ["menu"], "{a}");
    assert!(a["instructions"][0]["prompt"]
        .as_str()
        .unwrap_or_default()
        .contains("tryck 1"));
    // The same call again, an unknown number, garbage keys: refused, nothing changes.
    let (status, _) = cti(&app, &pbx, serde_json::json!({"event": "new_call", "call_id": "c1", "from": "+46701234567", "to": "+46850800000"})).await;
    assert_eq!(status, 409);
    let (status, _) = cti(&app, &pbx, serde_json::json!({"event": "new_call", "call_id": "c2", "from": "+4670", "to": "+4611111111"})).await;
    assert_eq!(status, 422);
    let (status, _) = cti(
        &app,
        &pbx,
        serde_json::json!({"event": "menu", "call_id": "c1", "keys": "1; DROP"}),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = cti(
        &app,
        &pbx,
        serde_json::json!({"event": "answered", "call_id": "c1", "agent": "agda"}),
    )
    .await;
    assert_eq!(status, 409, "answered before it was offered");
    let (status, _) = cti(
        &app,
        &pbx,
        serde_json::json!({"event": "hangup", "call_id": "nobody"}),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = cti(
        &app,
        &pbx,
        serde_json::json!({"event": "teleport", "call_id": "c1"}),
    )
    .await;
    assert!(status == 400 || status == 422, "{status}");

    // Key 1, then 1: preschool, where agda is ready: offered to her.
    let (status, a) = cti(
        &app,
        &pbx,
        serde_json::json!({"event": "menu", "call_id": "c1", "keys": "11"}),
    )
    .await;
    assert_eq!(status, 200, "{a}");
    let offer = a["instructions"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["action"] == "connect"))
        .expect("connect to an agent");
    assert_eq!(offer["agent"], "agda");

    // The screen pop: the caller's open case; another agent sees nothing.
    let pop = agda.get("/phone/calls/c1").await;
    assert_eq!(pop.status, 200, "{}", pop.body);
    assert!(
        pop.body.contains(old["number"].as_str().expect("number")),
        "{}",
        pop.body
    );
    let mut other = logged_in(&app, "otto", &["agent_l1", "group:FSK"]).await;
    assert_eq!(other.get("/phone/calls/c1").await.status, 404);

    let (status, a) = cti(
        &app,
        &pbx,
        serde_json::json!({"event": "answered", "call_id": "c1", "agent": "agda"}),
    )
    .await;
    assert_eq!(status, 200, "{a}");
    // Quick registration from the call: the number filled in, the call linked.
    let form = agda.get("/cases/new?call=c1").await;
    assert!(
        form.body.contains("name=\"call\" value=\"c1\""),
        "{}",
        form.body
    );
    let registered = agda
        .post(
            "/cases/new",
            &[
                ("csrf", csrf.as_str()),
                ("call", "c1"),
                ("case_type", crate::helpers::SIMPLE_TYPE),
                ("description", "Frågade om kön till förskolan."),
                ("phone", "+46701234567"),
                ("action", "close"),
            ],
        )
        .await;
    assert_eq!(registered.status, 303, "{}", registered.body);
    let agdas_case = registered
        .location
        .trim_start_matches("/?registered=")
        .to_owned();
    // Another agent cannot take the call record over with a form of theirs.
    let other_csrf = csrf_of(&other.get("/").await.body);
    let taken = other
        .post(
            "/cases/new",
            &[
                ("csrf", other_csrf.as_str()),
                ("call", "c1"),
                ("case_type", crate::helpers::SIMPLE_TYPE),
                ("description", "Fel samtal."),
                ("action", "close"),
            ],
        )
        .await;
    assert_eq!(taken.status, 303, "the case is registered, unlinked");
    let (status, _) = cti(
        &app,
        &pbx,
        serde_json::json!({"event": "hangup", "call_id": "c1"}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = cti(
        &app,
        &pbx,
        serde_json::json!({"event": "hangup", "call_id": "c1"}),
    )
    .await;
    assert_eq!(status, 409, "hung up twice");

    // agda is in wrap-up: the next caller waits; when she is done, the
    // offer reaches the phone system on its instruction stream.
    let mut stream = app
        .client
        .get(app.url("/api/v1/cti/instructions"))
        .bearer_auth(&pbx)
        .send()
        .await
        .expect("stream");
    assert_eq!(stream.status(), 200);
    cti(&app, &pbx, serde_json::json!({"event": "new_call", "call_id": "c4", "from": "+46709999999", "to": "+46850800000", "keys": "11"})).await;
    let done = agda
        .post(
            "/phone/agent",
            &[("csrf", csrf.as_str()), ("action", "wrap_up_done")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let mut seen = String::new();
    while !seen.contains("\"call\":\"c4\"") {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), stream.chunk())
            .await
            .expect("an instruction within 10 s")
            .expect("read")
            .expect("more");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(
        seen.contains("\"action\":\"connect\"") && seen.contains("agda"),
        "{seen}"
    );
    drop(stream);
    cti(
        &app,
        &pbx,
        serde_json::json!({"event": "hangup", "call_id": "c4"}),
    )
    .await;

    // Bo Berg calls again about his open case: agda links the call to it
    // from the screen pop; a forged form and a stranger's case change nothing.
    cti(&app, &pbx, serde_json::json!({"event": "new_call", "call_id": "c5", "from": "+46701234567", "to": "+46850800000", "keys": "11"})).await;
    let old_number = old["number"].as_str().expect("number").to_owned();
    let pop = agda.get("/phone/calls/c5").await;
    assert!(pop.body.contains("/phone/calls/c5/link"), "{}", pop.body);
    let forged = agda
        .post(
            "/phone/calls/c5/link",
            &[("csrf", "forged"), ("case", old_number.as_str())],
        )
        .await;
    assert_eq!(forged.status, 403);
    let not_mine = other
        .post(
            "/phone/calls/c5/link",
            &[("csrf", other_csrf.as_str()), ("case", old_number.as_str())],
        )
        .await;
    assert_eq!(not_mine.status, 400, "otto did not take c5");
    let linked = agda
        .post(
            "/phone/calls/c5/link",
            &[("csrf", csrf.as_str()), ("case", old_number.as_str())],
        )
        .await;
    assert_eq!(linked.status, 303, "{}", linked.body);
    assert_eq!(linked.location, format!("/cases/{old_number}"));
    cti(
        &app,
        &pbx,
        serde_json::json!({"event": "answered", "call_id": "c5", "agent": "agda"}),
    )
    .await;
    cti(
        &app,
        &pbx,
        serde_json::json!({"event": "hangup", "call_id": "c5"}),
    )
    .await;
    assert_eq!(
        app.store
            .call("c5")
            .await
            .expect("read")
            .and_then(|c| c.case_number)
            .map(|n| n.to_string()),
        Some(old_number.clone())
    );

    let record = app.store.call("c1").await.expect("read").expect("record");
    assert_eq!(
        record.outcome,
        Some(kontakt_domain::phone::CallOutcome::Answered)
    );
    assert_eq!(record.answer_group.as_deref(), Some("FSK"));
    assert_eq!(record.menu_path, "11");
    assert_eq!(record.agent.as_deref(), Some("agda"));
    assert_eq!(
        record.case_number.map(|n| n.to_string()),
        Some(agdas_case),
        "every answered call ends as a case: agda's"
    );

    // The wallboard counts it; an officer cannot see it.
    let board = agda.get("/phone/groups/FSK/wallboard").await;
    assert_eq!(board.status, 200, "{}", board.body);
    assert!(board.body.contains("Besvarade i dag"));
    let mut officer = logged_in(&app, "olga", &["officer", "group:FSK-KO-SKH"]).await;
    assert_eq!(officer.get("/phone/groups/FSK/wallboard").await.status, 403);

    // A caller who hangs up in the menu is abandoned; the agent in
    // wrap-up is not offered the next call until done.
    cti(&app, &pbx, serde_json::json!({"event": "new_call", "call_id": "c3", "from": "anonymous", "to": "+46850800000"})).await;
    let (status, _) = cti(
        &app,
        &pbx,
        serde_json::json!({"event": "hangup", "call_id": "c3"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        app.store
            .call("c3")
            .await
            .expect("read")
            .and_then(|c| c.outcome),
        Some(kontakt_domain::phone::CallOutcome::Abandoned)
    );

    // An answered call that became no case waits on the agent's start page
    // until it is registered or linked.
    let now = chrono::Utc::now();
    app.store
        .save_call(kontakt_store::calls::CallRow {
            call_id: "c9".into(),
            entry_number: "+46850800000".into(),
            menu_path: "11".into(),
            answer_group: Some("FSK".into()),
            language: "sv".into(),
            arrived_at: now - chrono::Duration::minutes(3),
            ended_at: Some(now - chrono::Duration::minutes(1)),
            queue_ms: 4_000,
            handle_ms: 90_000,
            outcome: Some(kontakt_domain::phone::CallOutcome::Answered),
            agent: Some("agda".into()),
            overflowed: false,
            callback_deadline: None,
            case_number: None,
        })
        .await
        .expect("call");
    let start = agda.get("/").await;
    assert!(start.body.contains("/cases/new?call=c9"), "{}", start.body);
    let linked = agda
        .post(
            "/phone/calls/c9/link",
            &[("csrf", csrf.as_str()), ("case", old_number.as_str())],
        )
        .await;
    assert_eq!(linked.status, 303, "{}", linked.body);
    assert!(!agda.get("/").await.body.contains("/cases/new?call=c9"));
}

mod call_through_the_queues {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::a_call_through_the_queues(crate::helpers::Db::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::a_call_through_the_queues(crate::helpers::Db::Postgres).await
    }
}

async fn zammad(app: &TestApp, token: &str, form: &[(&str, &str)]) -> (u16, serde_json::Value) {
    let r = app
        .client
        .post(app.url(&format!("/api/v1/cti/zammad/{token}")))
        .form(form)
        .send()
        .await
        .expect("zammad");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

/// A phone system that speaks Zammad's generic CTI speaks to Kontakt: its
/// own queue names the answer group, `answer` and `hangup` follow, and a
/// call the city cannot take (here: the group's absence message) is
/// rejected as Zammad expects.
async fn zammad_phone_systems(db: crate::helpers::Db) {
    let app = crate::helpers::spawn_app_with_catalog(db, &always_open()).await;
    let pbx = kontakt_app::tokens::issue(&app.store, "zammad-pbx", &["phone_system"])
        .await
        .expect("token");
    app.store
        .save_phone_settings(kontakt_store::phone::PhoneSettingsWrite {
            stored: kontakt_store::phone::StoredPhoneSettings {
                group: "OVR".into(),
                settings: kontakt_domain::phone::GroupPhoneSettings {
                    absence: Some(kontakt_domain::phone::Absence {
                        message_sv: "Stängt för utbildning.".into(),
                        message_en: "Closed for training.".into(),
                        until: Utc::now() + chrono::Duration::hours(2),
                    }),
                    ..Default::default()
                },
                changed_by: "user:tove".into(),
                changed_at: Utc::now(),
            },
            audit: vec![],
        })
        .await
        .expect("settings");
    let mut agda = logged_in(&app, "agda", &["agent_l1", "group:FSK"]).await;
    let csrf = csrf_of(&agda.get("/").await.body);
    agda.post(
        "/phone/agent",
        &[("csrf", csrf.as_str()), ("action", "login")],
    )
    .await;

    let call = [
        ("event", "newCall"),
        ("from", "46701234567"),
        ("to", "46850800000"),
        ("direction", "in"),
        ("callId", "z1"),
        ("queue", "FSK"),
    ];
    let (status, answer) = zammad(&app, &pbx, &call).await;
    assert_eq!(
        (status, answer.clone()),
        (200, serde_json::json!({})),
        "{answer}"
    );
    assert_eq!(
        agda.get("/phone/calls/z1").await.status,
        200,
        "offered to agda"
    );
    let (status, _) = zammad(
        &app,
        &pbx,
        &[
            ("event", "answer"),
            ("callId", "z1"),
            ("answeringNumber", "agda"),
            ("direction", "in"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = zammad(
        &app,
        &pbx,
        &[
            ("event", "hangup"),
            ("callId", "z1"),
            ("cause", "normalClearing"),
            ("direction", "in"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let record = app.store.call("z1").await.expect("read").expect("record");
    assert_eq!(
        record.outcome,
        Some(kontakt_domain::phone::CallOutcome::Answered)
    );
    assert_eq!(record.entry_number, "+46850800000");

    // No queue named: the number's default group, closed today: rejected.
    let (status, answer) = zammad(
        &app,
        &pbx,
        &[
            ("event", "newCall"),
            ("from", "anonymous"),
            ("to", "46850800000"),
            ("direction", "in"),
            ("callId", "z2"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(answer["action"], "reject", "{answer}");
    assert_eq!(
        app.store
            .call("z2")
            .await
            .expect("read")
            .and_then(|c| c.outcome),
        Some(kontakt_domain::phone::CallOutcome::Closed)
    );
    // Calls the city makes are not queued; a wrong token is refused.
    let (status, answer) = zammad(
        &app,
        &pbx,
        &[
            ("event", "newCall"),
            ("from", "46850800000"),
            ("to", "4670111"),
            ("direction", "out"),
            ("callId", "z3"),
        ],
    )
    .await;
    assert_eq!((status, answer), (200, serde_json::json!({})));
    assert_eq!(app.store.call("z3").await.expect("read"), None);
    assert_eq!(zammad(&app, "kt_wrong", &call).await.0, 401);
    assert_eq!(
        zammad(&app, &app.token, &call).await.0,
        401,
        "not a phone system's token"
    );
    let (status, _) = zammad(&app, &pbx, &[("event", "transfer"), ("callId", "z1")]).await;
    assert_eq!(status, 400);
    // JSON works too, and an unknown call is named.
    let r = app
        .client
        .post(app.url(&format!("/api/v1/cti/zammad/{pbx}")))
        .json(&serde_json::json!({"event": "hangup", "callId": "never", "direction": "in"}))
        .send()
        .await
        .expect("json");
    assert_eq!(r.status(), 404);
}

mod zammad_format {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::zammad_phone_systems(crate::helpers::Db::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::zammad_phone_systems(crate::helpers::Db::Postgres).await
    }
}

/// `kontakt simulate --live` plays a phone system in real time against a
/// running Kontakt over the CTI interface: calls arrive, simulated agents
/// answer, callers give up; when it stops, every call it made has a
/// closed record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_simulator_drives_a_running_kontakt() {
    let app =
        crate::helpers::spawn_app_with_catalog(crate::helpers::Db::Sqlite, &always_open()).await;
    let pbx = kontakt_app::tokens::issue(&app.store, "sim", &["phone_system"])
        .await
        .expect("token");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_kontakt"))
        .args([
            "simulate",
            "--live",
            &app.base,
            "--token",
            &pbx,
            "--calls-per-hour",
            "7200",
            "--agents",
            "8",
            "--minutes",
            "0.25",
        ])
        .output()
        .await
        .expect("run kontakt simulate");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calls = app
        .store
        .calls_since(Utc::now() - chrono::Duration::hours(1))
        .await
        .expect("calls");
    assert!(calls.len() >= 5, "{} calls: {stdout}", calls.len());
    // Closed — or a promised callback still waiting for an agent.
    let open: Vec<_> = calls
        .iter()
        .filter(|c| c.outcome.is_none() && c.callback_deadline.is_none())
        .collect();
    assert!(open.is_empty(), "every call closed: {open:?}");
    assert!(
        calls
            .iter()
            .any(|c| c.outcome == Some(kontakt_domain::phone::CallOutcome::Answered)),
        "{stdout}"
    );
    // Wrong token: a clear refusal, no calls.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_kontakt"))
        .args([
            "simulate",
            "--live",
            &app.base,
            "--token",
            &app.token,
            "--minutes",
            "0.05",
        ])
        .output()
        .await
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("phone system"));
}

/// Nobody answers preschool: the caller is offered a callback, keeps the
/// place, and the promise shows on the agents' desks with its deadline
/// until an agent logs in and is offered it.
async fn a_promised_callback(db: crate::helpers::Db) {
    let app = crate::helpers::spawn_app_with_catalog(db, &always_open()).await;
    let pbx = kontakt_app::tokens::issue(&app.store, "vaxel", &["phone_system"])
        .await
        .expect("token");
    let (status, a) = cti(&app, &pbx, serde_json::json!({"event": "new_call", "call_id": "cb1", "from": "+46701112233", "to": "+46850800000", "keys": "11"})).await;
    assert_eq!(status, 200, "{a}");
    assert!(actions(&a).contains(&"offer_callback".to_owned()), "{a}");
    let (status, a) = cti(
        &app,
        &pbx,
        serde_json::json!({"event": "callback_requested", "call_id": "cb1"}),
    )
    .await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(actions(&a), ["callback_accepted"], "{a}");
    let mut agda = logged_in(&app, "agda", &["agent_l1", "group:FSK"]).await;
    let start = agda.get("/").await;
    assert!(
        start
            .body
            .contains("Utlovade återuppringningar som väntar: 1"),
        "{}",
        start.body
    );
    let csrf = csrf_of(&start.body);
    let mut stream = app
        .client
        .get(app.url("/api/v1/cti/instructions"))
        .bearer_auth(&pbx)
        .send()
        .await
        .expect("stream");
    agda.post(
        "/phone/agent",
        &[("csrf", csrf.as_str()), ("action", "login")],
    )
    .await;
    let mut seen = String::new();
    while !seen.contains("\"callback\":true") {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), stream.chunk())
            .await
            .expect("the callback is offered")
            .expect("read")
            .expect("more");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.contains("cb1") && seen.contains("agda"), "{seen}");
}

mod promised_callback {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::a_promised_callback(crate::helpers::Db::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::a_promised_callback(crate::helpers::Db::Postgres).await
    }
}

/// The crisis slot: an administrator sets what every caller of a number
/// hears before the menu — validated, audited with before and after — the
/// next call hears it first, and removing it is one action.
async fn an_announcement_before_the_menu(db: crate::helpers::Db) {
    let app = crate::helpers::spawn_app_with_catalog(db, &always_open()).await;
    let pbx = kontakt_app::tokens::issue(&app.store, "vaxel", &["phone_system"])
        .await
        .expect("token");
    let city = "/phone/numbers/+46850800000";
    let mut lead = logged_in(&app, "tina", &["supervisor", "group:FSK"]).await;
    assert!(!lead.get("/phone").await.body.contains(city));
    assert_eq!(lead.get(city).await.status, 403);
    let mut admin = logged_in(&app, "ada", &["administrator"]).await;
    let list = admin.get("/phone").await;
    assert!(list.body.contains(city), "{}", list.body);
    assert_eq!(admin.get("/phone/numbers/+4611111111").await.status, 404);
    let form = admin.get(city).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let csrf = csrf_of(&form.body);

    // English without Swedish, a time in the past: nothing saved, both named.
    let bad = admin
        .post(
            city,
            &[
                ("csrf", csrf.as_str()),
                ("text_en", "Storm"),
                ("until", "2020-01-01T10:00"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("text_sv") && bad.body.contains("until"));
    let forged = admin
        .post(city, &[("csrf", "forged"), ("text_sv", "Storm")])
        .await;
    assert_eq!(forged.status, 403);
    assert!(app
        .store
        .phone_announcements()
        .await
        .expect("read")
        .is_empty());

    let storm = "Stormen har stängt Slussen. Kollektivtrafiken går inte söder om Slussen.";
    let ok = admin
        .post(
            city,
            &[
                ("csrf", csrf.as_str()),
                ("text_sv", storm),
                ("text_en", "The storm has closed Slussen."),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert!(admin.get(&ok.location).await.body.contains("Stormen"));
    let log = app.audit_log().await;
    let change = log
        .iter()
        .find(|r| r.event.action == "phone.announcement.change")
        .expect("audited");
    assert_eq!(change.event.object_id, "+46850800000");
    assert!(change.event.detail["before"].is_null());
    assert!(change.event.detail["after"]["text_sv"]
        .as_str()
        .is_some_and(|t| t.contains("Slussen")));

    // Every caller of the city's number hears it first; Äldre Direkt's
    // callers do not; with keys pressed already it still comes first.
    let (status, a) = cti(&app, &pbx, serde_json::json!({"event": "new_call", "call_id": "k1", "from": "+46701234567", "to": "+46850800000"})).await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(actions(&a), ["play", "menu"], "{a}");
    assert_eq!(a["instructions"][0]["hang_up"], false);
    assert!(a["instructions"][0]["message"]
        .as_str()
        .is_some_and(|m| m.starts_with(storm) && m.ends_with("closed Slussen.")));
    let (_, a) = cti(&app, &pbx, serde_json::json!({"event": "new_call", "call_id": "k2", "from": "+46701234567", "to": "+46850836000"})).await;
    assert_eq!(actions(&a), ["menu"], "{a}");
    let (_, a) = cti(&app, &pbx, serde_json::json!({"event": "new_call", "call_id": "k3", "from": "+46701234567", "to": "+46850800000", "keys": "11"})).await;
    assert_eq!(actions(&a).first().map(String::as_str), Some("play"), "{a}");

    // The crisis is over: one action removes it.
    let removed = admin
        .post(city, &[("csrf", csrf.as_str()), ("text_sv", "")])
        .await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    let (_, a) = cti(&app, &pbx, serde_json::json!({"event": "new_call", "call_id": "k4", "from": "+46701234567", "to": "+46850800000"})).await;
    assert_eq!(actions(&a), ["menu"], "{a}");
    let stored = app.store.phone_announcements().await.expect("read");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].announcement, None);
    assert_eq!(stored[0].changed_by, "user:ada");
}

mod announcement_before_the_menu {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::an_announcement_before_the_menu(crate::helpers::Db::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::an_announcement_before_the_menu(crate::helpers::Db::Postgres).await
    }
}

/// A caller the city knows, whose preferred language (chosen on Mina
/// sidor or in an e-service) an agent on duty speaks, is queued in that
/// language, and the look-up is audited; otherwise the call stays Swedish.
async fn a_known_callers_language(db: crate::helpers::Db) {
    let app = crate::helpers::spawn_app_with_catalog(db, &always_open()).await;
    let pbx = kontakt_app::tokens::issue(&app.store, "vaxel", &["phone_system"])
        .await
        .expect("token");
    for (phone, language) in [("+46701112201", "fi"), ("+46701112202", "ar")] {
        let mut body = crate::helpers::minimal_case();
        body["contact"] = serde_json::json!({"name": "Känd Uppringare", "phone": phone, "preferred_language": language});
        let (status, created) = app.post("/api/v1/cases", &body).await;
        assert_eq!(status, 201, "{created}");
    }
    // Mirja (the catalog: VXL, AD-1, SPRAK; Swedish, Finnish, English)
    // logs in on her phone. Nobody on duty speaks Arabic.
    let (status, a) = cti(
        &app,
        &pbx,
        serde_json::json!({"event": "agent_login", "agent": "mirja.koskinen"}),
    )
    .await;
    assert_eq!(status, 200, "{a}");
    for (call, from, expected) in [
        ("fi-1", "+46701112201", "fi"),
        ("ar-1", "+46701112202", "sv"),
        ("new-1", "+46709998877", "sv"),
    ] {
        let (status, a) = cti(&app, &pbx, serde_json::json!({"event": "new_call", "call_id": call, "from": from, "to": "+46850800000"})).await;
        assert_eq!(status, 200, "{a}");
        let (status, a) = cti(
            &app,
            &pbx,
            serde_json::json!({"event": "queued", "call_id": call, "group": "VXL"}),
        )
        .await;
        assert_eq!(status, 200, "{a}");
        let row = app.store.call(call).await.expect("read").expect("the call");
        assert_eq!(row.language, expected, "{call}");
        let (status, a) = cti(
            &app,
            &pbx,
            serde_json::json!({"event": "hangup", "call_id": call}),
        )
        .await;
        assert_eq!(status, 200, "{a}");
    }
    let routed: Vec<_> = app
        .audit_log()
        .await
        .into_iter()
        .filter(|r| r.event.actor == "system:switchboard" && r.event.purpose == "call_routing")
        .collect();
    assert_eq!(routed.len(), 1, "only the look-up that chose Finnish");
}

mod known_callers_language {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::a_known_callers_language(crate::helpers::Db::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::a_known_callers_language(crate::helpers::Db::Postgres).await
    }
}
