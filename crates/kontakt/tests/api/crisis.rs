//! Crisis mode, on both databases: who may publish, bad input, the live
//! banner reaching a connected desktop's stream within a second, the
//! residents' pages, the announcement before every phone menu, the
//! crisis's contacts counted apart, the audit trail, and one action that
//! ends it all.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::on_both_backends;

async fn send(app: &TestApp, token: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = app.client.post(app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

fn message() -> Value {
    json!({
        "texts": {
            "sv": {
                "title": "Vattenläcka i Farsta",
                "message": "Kranvattnet i Farsta är avstängt\r\ntill klockan 18.",
                "script": "Säg att vattnet är avstängt till 18 och att nödvatten finns vid Farsta centrum."
            },
            "en": {
                "title": "Water leak in Farsta",
                "message": "Tap water in Farsta is off until 6 pm.",
                "script": "Say the water is off until 6 pm; emergency water at Farsta centrum."
            }
        }
    })
}

/// The next crisis event on a banner stream, within `wait`; what was read
/// after it stays in `buffer`.
async fn next_event(stream: &mut reqwest::Response, buffer: &mut String, wait: Duration) -> String {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        if let Some(end) = buffer.find("\n\n") {
            let event = buffer[..end].to_owned();
            *buffer = buffer[end + 2..].to_owned();
            if event.contains("event: crisis") {
                return event;
            }
            continue;
        }
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .expect("an event in time")
            .expect("the stream goes on")
            .expect("a chunk");
        buffer.push_str(&String::from_utf8_lossy(&chunk));
    }
}

async fn a_crisis_reaches_desktops_pages_and_phones(app: TestApp) {
    let agent = kontakt_app::tokens::issue(&app.store, "agent", &["agent_l1"])
        .await
        .expect("token");
    let leader = kontakt_app::tokens::issue(&app.store, "ledare", &["supervisor"])
        .await
        .expect("token");

    // Agents do not publish; a message without Swedish, or with an
    // unknown case type, is refused field by field.
    assert_eq!(
        send(&app, &agent, "/api/v1/crisis", Some(message()))
            .await
            .0,
        403
    );
    let (status, problem) = send(
        &app,
        &leader,
        "/api/v1/crisis",
        Some(json!({ "texts": { "en": { "title": "x", "message": "x", "script": " " } }, "case_type": "NOPE" })),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    for field in ["texts.sv", "texts.en.script", "case_type"] {
        assert!(problem.to_string().contains(field), "{field}: {problem}");
    }

    // One number announces a holiday closure before the crisis.
    let holiday = app.catalog.phone.numbers[0].number.clone();
    app.store
        .save_phone_announcement(kontakt_store::phone::AnnouncementWrite {
            stored: kontakt_store::phone::StoredAnnouncement {
                number: holiday.clone(),
                announcement: Some(kontakt_domain::phone::Announcement {
                    text_sv: "Vi har stängt på juldagen.".into(),
                    text_en: None,
                    until: None,
                }),
                changed_by: "user:admin".into(),
                changed_at: chrono::Utc::now(),
            },
            audit: Vec::new(),
        })
        .await
        .expect("announcement");

    // A desktop is open: its banner stream says there is no crisis.
    let mut desk = crate::staff::logged_in(&app, "agda", &["agent_l1", "group:FSK"]).await;
    let page = desk.get("/").await;
    assert!(page.body.contains("id=\"crisis-banner\""), "{}", page.body);
    let response = desk
        .client
        .get(app.url("/events"))
        .header(reqwest::header::COOKIE, desk.cookie_header())
        .send()
        .await
        .expect("stream");
    assert_eq!(response.status(), 200);
    let mut stream = response;
    let mut buffer = String::new();
    let first = next_event(&mut stream, &mut buffer, Duration::from_secs(5)).await;
    assert!(first.contains("data: none"), "{first}");

    // Published: the open desktop has it within a second.
    let (status, started) = send(&app, &leader, "/api/v1/crisis", Some(message())).await;
    assert_eq!(status, 201, "{started}");
    assert_eq!(started["crisis"]["message"]["case_type"], "ALLM-KRIS");
    let banner = next_event(&mut stream, &mut buffer, Duration::from_secs(1)).await;
    assert!(banner.contains("Vattenläcka i Farsta"), "{banner}");
    assert!(banner.contains("nödvatten"), "the script: {banner}");
    assert!(
        banner.contains("/cases/new?case_type=ALLM-KRIS"),
        "{banner}"
    );
    // One at a time.
    assert_eq!(
        send(&app, &leader, "/api/v1/crisis", Some(message()))
            .await
            .0,
        409
    );

    // The residents' pages, in their language.
    let public = app
        .client
        .get(app.url("/e-tjanster"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(
        public.contains("Kranvattnet i Farsta är avstängt"),
        "{public}"
    );
    let assistant = app
        .client
        .get(app.url("/fraga"))
        .header(reqwest::header::COOKIE, "__Host-kontakt-lang=en")
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(
        assistant.contains("Tap water in Farsta is off"),
        "{assistant}"
    );

    // Every entry number announces it before its menu.
    let announcements = app
        .store
        .phone_announcements()
        .await
        .expect("announcements");
    for entry in &app.catalog.phone.numbers {
        let a = announcements
            .iter()
            .find(|a| a.number == entry.number)
            .and_then(|a| a.announcement.clone())
            .unwrap_or_else(|| panic!("{} announces nothing", entry.number));
        assert_eq!(
            a.text_sv,
            "Kranvattnet i Farsta är avstängt\ntill klockan 18."
        );
        assert_eq!(
            a.text_en.as_deref(),
            Some("Tap water in Farsta is off until 6 pm.")
        );
    }

    // Five contacts registered as the crisis type: counted apart.
    for i in 0..5 {
        let (status, body) = app
            .post(
                "/api/v1/cases",
                &json!({
                    "case_type": "ALLM-KRIS", "channel": "phone",
                    "description": format!("Fråga om vattnet {i}"),
                    "close_as": "answered_at_first_contact"
                }),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let analyst = kontakt_app::tokens::issue(&app.store, "analys", &["analyst"])
        .await
        .expect("token");
    let r = app
        .client
        .get(app.url("/api/v1/stats/crises"))
        .bearer_auth(&analyst)
        .send()
        .await
        .expect("crises");
    let figures: Value = r.json().await.expect("json");
    assert_eq!(
        figures["crises"][0]["title"], "Vattenläcka i Farsta",
        "{figures}"
    );
    assert_eq!(figures["crises"][0]["contacts"], 5, "{figures}");

    // One action ends it all.
    let (status, _) = send(&app, &agent, "/api/v1/crisis/end", None).await;
    assert_eq!(status, 403);
    let (status, ended) = send(&app, &leader, "/api/v1/crisis/end", None).await;
    assert_eq!(status, 200, "{ended}");
    let gone = next_event(&mut stream, &mut buffer, Duration::from_secs(1)).await;
    assert!(gone.contains("data: none"), "{gone}");
    let announcements = app
        .store
        .phone_announcements()
        .await
        .expect("announcements");
    // Every number is as before the crisis: the holiday closure is back.
    for a in &announcements {
        let text = a.announcement.as_ref().map(|a| a.text_sv.as_str());
        if a.number == holiday {
            assert_eq!(
                text,
                Some("Vi har stängt på juldagen."),
                "{announcements:?}"
            );
        } else {
            assert_eq!(text, None, "{announcements:?}");
        }
    }
    let public = app
        .client
        .get(app.url("/e-tjanster"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(!public.contains("Kranvattnet"), "{public}");
    assert_eq!(send(&app, &leader, "/api/v1/crisis/end", None).await.0, 409);

    // Every step is in the audit log, by whom.
    let log = app.audit_log().await;
    for action in ["crisis.start", "crisis.end"] {
        assert!(
            log.iter()
                .any(|r| r.event.action == action && r.event.actor == "token:ledare"),
            "{action} audited"
        );
    }
    assert!(log
        .iter()
        .any(|r| r.event.action == "phone.announcement.change"
            && r.event.detail["context"]["crisis"].is_number()));
}

on_both_backends!(a_crisis_reaches_desktops_pages_and_phones);
