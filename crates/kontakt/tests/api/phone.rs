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
