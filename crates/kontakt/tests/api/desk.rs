//! The agents' desktop over HTTP, as a browser without scripts uses it:
//! quick registration (both ways out, inline errors), the case card, a
//! note, the hand-over, the officer's queue and answer, and search.

use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::staff::{csrf_of, logged_in};

fn number_in(location: &str) -> String {
    location
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .trim_start_matches("?registered=")
        .to_owned()
}

async fn call_to_handover_to_answer(app: TestApp) {
    let mut agent = logged_in(&app, "agnes", &["agent_l1", "group:FSK"]).await;
    let form = agent.get("/cases/new").await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("dagis"),
        "synonyms are offered in the type-ahead"
    );
    let csrf = csrf_of(&form.body);

    // Missing fields: the form comes back with each field's reason, nothing saved.
    let before = app.case_count().await;
    let r = agent
        .post(
            "/cases/new",
            &[
                ("csrf", &csrf),
                ("case_type", "FINNS-INTE"),
                ("description", ""),
                ("action", "close"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("case_type") && r.body.contains("Ärendet sparades inte"),
        "{}",
        r.body
    );
    assert_eq!(app.case_count().await, before);

    // A first-contact answer: saved and closed at once.
    let r = agent
        .post(
            "/cases/new",
            &[
                ("csrf", &csrf),
                ("case_type", "AVF-ATERV"),
                ("description", "När öppnar återvinningscentralen?"),
                ("action", "close"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let answered = number_in(&r.location);
    let home = agent.get(&r.location).await;
    assert!(home.body.contains(&answered));
    let (_, case) = app.get(&format!("/api/v1/cases/{answered}")).await;
    assert_eq!(case["status"], "closed");
    assert_eq!(case["resolution"], "answered_at_first_contact");

    // A case for the administration: saved and opened, then handed over.
    let r = agent
        .post(
            "/cases/new",
            &[
                ("csrf", &csrf),
                ("case_type", "FSK-ERB"),
                ("district", "skarholmen"),
                (
                    "description",
                    "Vill veta när hon får besked om förskoleplats.",
                ),
                ("personnummer", "19121212-1212"),
                ("name", "Tolvan Tolvansson"),
                ("phone", "070-123 45 67"),
                ("feedback_channel", "sms"),
                ("action", "open"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let number = number_in(&r.location);
    let card = agent.get(&r.location).await;
    assert_eq!(card.status, 200);
    assert!(card.body.contains("Tolvan Tolvansson") && card.body.contains("Lämna över"));
    let r = agent
        .post(
            &format!("/cases/{number}/note"),
            &[("csrf", &csrf), ("text", "Ringde in i dag.")],
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Ringde in i dag."));
    // Work status, the answer given, and a new feedback date.
    let r = agent
        .post(
            &format!("/cases/{number}/status"),
            &[("csrf", &csrf), ("status", "in_progress")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Pågår"));
    let r = agent
        .post(
            &format!("/cases/{number}/reply"),
            &[
                ("csrf", &csrf),
                ("text", "Du får besked inom fem arbetsdagar."),
                ("channel", "sms"),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Du får besked inom fem arbetsdagar."));
    let r = agent
        .post(
            &format!("/cases/{number}/deadline"),
            &[
                ("csrf", &csrf),
                ("deadline", "inte ett datum"),
                ("reason", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "a bad date is explained, nothing changes");
    let later = (chrono::Utc::now() + chrono::Duration::days(20))
        .date_naive()
        .to_string();
    let r = agent
        .post(
            &format!("/cases/{number}/deadline"),
            &[
                ("csrf", &csrf),
                ("deadline", &later),
                ("reason", "Väntar på kön"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(&later));
    let r = agent
        .post(
            &format!("/cases/{number}/handover"),
            &[("csrf", &csrf), ("group", "FSK-KO-SKH"), ("summary", "")],
        )
        .await;
    assert_eq!(r.status, 422, "a hand-over needs its summary");
    let r = agent
        .post(
            &format!("/cases/{number}/handover"),
            &[
                ("csrf", &csrf),
                ("group", "FSK-KO-SKH"),
                (
                    "summary",
                    "Sökte plats på förskolan i mars, önskar besked. Fick veta att handläggaren återkommer.",
                ),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Överlämnat"));

    // The officer finds it in the group's queue and closes it with the answer.
    let mut officer = logged_in(&app, "olle", &["officer", "group:FSK-KO-SKH"]).await;
    let home = officer.get("/").await;
    assert!(
        home.body.contains(&number),
        "the hand-over is in the officer's queue"
    );
    let card = officer.get(&format!("/cases/{number}")).await;
    assert!(
        card.body.contains("Sökte plats på förskolan i mars"),
        "the summary reaches the officer"
    );
    let r = officer
        .post(
            &format!("/cases/{number}/note"),
            &[
                ("csrf", &csrf_of(&card.body)),
                ("text", "Besked skickat: plats från 1 augusti."),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    let r = officer
        .post(
            &format!("/cases/{number}/status"),
            &[
                ("csrf", &csrf_of(&card.body)),
                ("status", "closed"),
                ("resolution", "handed_over"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    // The centre sees the whole story on the case.
    let card = agent.get(&format!("/cases/{number}")).await;
    for part in [
        "Avslutat",
        "Ringde in i dag.",
        "Sökte plats på förskolan",
        "Besked skickat",
    ] {
        assert!(card.body.contains(part), "{part} missing");
    }

    // Full-text search over description and timeline, Swedish inflections
    // matching: "förskolor" finds the hand-over that said "förskolan".
    let hits = agent.get("/search?q=handl%C3%A4ggaren+besked").await;
    assert!(
        hits.body.contains(&number),
        "words from the timeline are found"
    );
    let hits = agent.get("/search?q=f%C3%B6rskolor").await;
    assert!(hits.body.contains(&number), "förskolan/förskolor: one stem");
    let hits = agent.get("/search?q=simhall").await;
    assert!(!hits.body.contains(&number));
    let (_, api_hits) = app.get("/api/v1/cases?q=f%C3%B6rskola").await;
    assert_eq!(
        api_hits["items"].as_array().map(Vec::len),
        Some(1),
        "{api_hits}"
    );

    // The person view shows the contact history.
    let person = agent.get(&format!("/cases/{number}/person")).await;
    assert_eq!(person.status, 200);
    assert!(
        person.body.contains("Tolvan Tolvansson") && person.body.contains("Kontakthistorik: 1")
    );

    // Search by personnummer finds it; a case number goes straight to the card.
    let hits = agent.get("/search?personnummer=191212121212").await;
    assert!(hits.body.contains(&number));
    let r = agent
        .get(&format!("/search?number={}", number.to_lowercase()))
        .await;
    assert_eq!(r.location, format!("/cases/{number}"));
    let r = agent.get("/search?personnummer=123").await;
    assert!(
        r.body.contains("Personnummer:"),
        "a bad personnummer is explained"
    );

    // Someone without the desk roles gets a refusal, not the case.
    let mut analyst = logged_in(&app, "ada", &["analyst"]).await;
    let r = analyst.get(&format!("/cases/{number}")).await;
    assert_eq!(r.status, 403);
    assert!(!r.body.contains("Tolvan"));
}

on_both_backends!(call_to_handover_to_answer);
