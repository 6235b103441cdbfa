//! The residents' e-services: a public form per public case type, made
//! from its form fields; a sent form is an ordinary case with its files and
//! an acknowledgement in the resident's language; wrong input is shown
//! again with every reason and registers nothing; robots (the honeypot)
//! and floods (the per-client limit) are turned away.

use reqwest::multipart::{Form, Part};
use serde_json::Value;

use crate::helpers::TestApp;
use crate::on_both_backends;

fn street_light() -> Form {
    Form::new()
        .text(
            "description",
            "Gatlyktan utanför porten är släckt sedan i fredags.",
        )
        .text("form.location", "Ringvägen 100")
        .text("form.extent", "one")
        .text("form.state", "off")
        .text("name", "Dana Öberg")
        .text("email", "dana@example.se")
        .text("feedback_channel", "email")
        .text("website", "")
}

async fn send(app: &TestApp, code: &str, form: Form, english: bool) -> (u16, String) {
    let mut request = app
        .client
        .post(app.url(&format!("/e-tjanster/{code}")))
        .multipart(form);
    if english {
        request = request.header("cookie", "__Host-kontakt-lang=en");
    }
    let r = request.send().await.expect("post");
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

fn number_in(page: &str) -> String {
    page.split("KC-")
        .nth(1)
        .map(|rest| format!("KC-{}", &rest[..11]))
        .expect("a case number on the receipt")
}

async fn e_services(app: TestApp) {
    let list = app
        .client
        .get(app.url("/e-tjanster"))
        .send()
        .await
        .expect("get");
    assert_eq!(list.status(), 200);
    let list = list.text().await.unwrap_or_default();
    assert!(
        list.contains("/e-tjanster/GATA-BELYS"),
        "public types are offered"
    );
    assert!(
        !list.contains("/e-tjanster/SOC-OROS"),
        "non-public types are not"
    );
    let form = app
        .client
        .get(app.url("/e-tjanster/GATA-BELYS"))
        .send()
        .await
        .expect("get");
    let form = form.text().await.unwrap_or_default();
    for wanted in [
        "name=\"form.location\"",
        "name=\"form.state\"",
        "type=\"file\"",
        "name=\"website\"",
        "name=\"feedback_channel\"",
    ] {
        assert!(form.contains(wanted), "{wanted} in the form");
    }
    let missing = app
        .client
        .get(app.url("/e-tjanster/SOC-OROS"))
        .send()
        .await
        .expect("get");
    assert_eq!(missing.status(), 404, "a non-public type has no form");

    // A good form, with a photo: a case, its file, and the acknowledgement.
    let before = app.case_count().await;
    let photo = Part::bytes(b"\xff\xd8\xff\xe0fake-jpeg".to_vec())
        .file_name("lyktan.jpg")
        .mime_str("image/jpeg")
        .expect("mime");
    let (status, page) = send(
        &app,
        "GATA-BELYS",
        street_light().part("files", photo),
        false,
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Ditt ärendenummer är KC-"), "{page}");
    assert!(page.contains("Det här händer nu"), "{page}");
    let number = number_in(&page);
    // The receipt says how to follow the case on Mina sidor.
    assert!(
        page.contains(&format!("/mina-sidor/folj?arende={number}&amp;kod=")),
        "{page}"
    );
    let (_, case) = app.get(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(case["channel"], "e_service");
    assert_eq!(case["form"]["state"], "off");
    assert_eq!(case["contact"]["email"], "dana@example.se");
    assert!(
        case["entries"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["kind"] == "attachment" && e["file_name"] == "lyktan.jpg"),
        "{case}"
    );
    assert_eq!(case["messages"][0]["state"], "queued", "{case}");
    assert_eq!(
        case["messages"][0]["subject"],
        format!("Ditt ärende {number}")
    );
    assert_eq!(app.case_count().await, before + 1);

    // A required field left out: the form again, naming the field by its
    // label, keeping what was written, and nothing registered.
    let without_state = Form::new()
        .text("description", "Släckt lykta.")
        .text("form.location", "Ringvägen 100")
        .text("form.extent", "one")
        .text("website", "");
    let (status, page) = send(&app, "GATA-BELYS", without_state, false).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("Formuläret skickades inte"), "{page}");
    let state_label = app
        .case_type("GATA-BELYS")
        .fields
        .iter()
        .find(|f| f.code == "state")
        .map(|f| f.label_sv.clone())
        .expect("field");
    assert!(
        page.contains(&state_label),
        "the field is named by its label: {page}"
    );
    assert!(page.contains("Ringvägen 100"), "what was written is kept");
    assert_eq!(app.case_count().await, before + 1);

    // A robot fills in the field no person sees: nothing registered.
    let robot = street_light().text("website", "http://spam.example");
    let (status, _) = send(&app, "GATA-BELYS", robot, false).await;
    assert_eq!(status, 422);
    // Too many files.
    let mut many = street_light();
    for i in 0..4 {
        many = many.part(
            "files",
            Part::bytes(vec![b'x'; 10]).file_name(format!("f{i}.txt")),
        );
    }
    let (status, page) = send(&app, "GATA-BELYS", many, false).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("högst 3 filer"), "{page}");
    assert_eq!(app.case_count().await, before + 1);

    // In English, the resident's language is kept and used for the answer.
    let (status, page) = send(&app, "GATA-BELYS", street_light(), true).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Your case number is KC-"), "{page}");
    let english = number_in(&page);
    let (_, case): (u16, Value) = app.get(&format!("/api/v1/cases/{english}")).await;
    assert_eq!(
        case["messages"][0]["subject"],
        format!("Your case {english}")
    );

    // The sixth form from one client within ten minutes is turned away.
    let (status, page) = send(&app, "GATA-BELYS", street_light(), false).await;
    assert_eq!(status, 429, "{page}");
    assert_eq!(app.case_count().await, before + 2);
}

/// Anyone can type anyone's address into a public form: acknowledgements
/// to one address are capped per day, so the city cannot be made to flood
/// someone's inbox. The cases are registered all the same; a case from the
/// desk (phone) is not capped.
async fn acknowledgements_to_one_address_are_capped(app: TestApp) {
    let victim = "mottagare@example.se";
    let report = |channel: &str| {
        serde_json::json!({"case_type": crate::helpers::SIMPLE_TYPE, "channel": channel,
            "description": "Synpunkt", "contact": {"email": victim}, "feedback_channel": "email"})
    };
    let mut messages = Vec::new();
    for _ in 0..7 {
        let (status, created) = app.post("/api/v1/cases", &report("e_service")).await;
        assert_eq!(status, 201, "{created}");
        let number = created["number"].as_str().expect("number").to_owned();
        let (_, case) = app.get(&format!("/api/v1/cases/{number}")).await;
        messages.push(case["messages"].as_array().map_or(0, Vec::len));
    }
    assert_eq!(messages, [1, 1, 1, 1, 1, 0, 0], "five a day, then none");
    let (status, created) = app.post("/api/v1/cases", &report("phone")).await;
    assert_eq!(status, 201, "{created}");
    let (_, case) = app
        .get(&format!(
            "/api/v1/cases/{}",
            created["number"].as_str().expect("number")
        ))
        .await;
    assert_eq!(
        case["messages"].as_array().map(Vec::len),
        Some(1),
        "the desk is not capped"
    );
}

on_both_backends!(e_services, acknowledgements_to_one_address_are_capped);
