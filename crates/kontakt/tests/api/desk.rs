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

    // The officer finds it in the group's queue, with the officer's answers
    // instead of the centre's tools.
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
    assert!(card.body.contains("Ta emot ärendet"));
    assert!(!card.body.contains("Lämna över till handläggare"));
    let ocsrf = csrf_of(&card.body);
    let respond = format!("/cases/{number}/respond");

    // Bad answers are explained and change nothing.
    let version = |c: &serde_json::Value| c["version"].as_i64();
    let (_, before) = app.get(&format!("/api/v1/cases/{number}")).await;
    for (action, text, why) in [
        ("accept", "Jag tar den", "accepting takes no text"),
        ("request_info", " ", "a question needs its text"),
        ("answer_and_close", "", "an answer needs its text"),
        ("shrug", "", "an unknown action"),
    ] {
        let r = officer
            .post(
                &respond,
                &[("csrf", &ocsrf), ("action", action), ("text", text)],
            )
            .await;
        assert_eq!(r.status, 422, "{why}: {}", r.body);
        assert!(r.body.contains("role=\"alert\""), "{why}: shown inline");
    }
    let (_, after) = app.get(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(version(&after), version(&before));
    // An officer of another group does not see the case, let alone answer it.
    let mut other = logged_in(&app, "otto", &["officer", "group:FSK-KO-RK"]).await;
    let other_csrf = csrf_of(&other.get("/").await.body);
    let r = other
        .post(&respond, &[("csrf", &other_csrf), ("action", "accept")])
        .await;
    assert_eq!(r.status, 404);

    // The officer asks the centre for more: the case goes back to its queue.
    let r = officer
        .post(
            &respond,
            &[
                ("csrf", &ocsrf),
                ("action", "request_info"),
                ("text", "Vilken förskola gäller ansökan?"),
            ],
        )
        .await;
    assert_eq!(
        (r.status, r.location.as_str()),
        (303, format!("/?sent_back={number}").as_str()),
        "{}",
        r.body
    );
    assert!(officer
        .get(&r.location)
        .await
        .body
        .contains("skickat tillbaka"));
    let home = agent.get("/").await;
    assert!(home.body.contains(&number), "back in the centre's queue");
    let card = agent.get(&format!("/cases/{number}")).await;
    assert!(
        card.body.contains("Handläggaren ber om mer underlag")
            && card.body.contains("Vilken förskola gäller ansökan?"),
        "the centre sees what the officer asked"
    );
    let r = agent
        .post(
            &format!("/cases/{number}/handover"),
            &[
                ("csrf", &csrf),
                ("group", "FSK-KO-SKH"),
                (
                    "summary",
                    "Förskolan Solrosen i Skärholmen, enligt invånaren.",
                ),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    // The officer accepts it (now under "my cases") and closes it with the answer.
    let r = officer
        .post(&respond, &[("csrf", &ocsrf), ("action", "accept")])
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Du har tagit emot ärendet"));
    let home = officer.get("/").await;
    let mine = home.body.split("Mina ärenden").nth(1).unwrap_or_default();
    assert!(
        mine.contains(&number),
        "accepted cases are the officer's own"
    );
    let r = officer
        .post(
            &format!("/cases/{number}/note"),
            &[
                ("csrf", &ocsrf),
                ("text", "Besked skickat: plats från 1 augusti."),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    let r = officer
        .post(
            &respond,
            &[
                ("csrf", &ocsrf),
                ("action", "answer_and_close"),
                ("text", "Du har fått plats på Solrosen från 1 augusti."),
                ("channel", "sms"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let (_, case) = app.get(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(case["status"], "closed");
    assert_eq!(case["resolution"], "handed_over");
    let kinds: Vec<&str> = case["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    for kind in ["info_requested", "handover_accepted", "message_out"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let answers = app
        .audit_log()
        .await
        .into_iter()
        .filter(|r| r.event.action == "case.handover_response")
        .count();
    assert_eq!(answers, 3, "ask, accept and answer are audited");

    // The centre sees the whole story on the case.
    let card = agent.get(&format!("/cases/{number}")).await;
    for part in [
        "Avslutat",
        "Ringde in i dag.",
        "Sökte plats på förskolan",
        "Vilken förskola gäller ansökan?",
        "Besked skickat",
        "Du har fått plats på Solrosen",
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
    let (_, api_hits) = app
        .get("/api/v1/cases?q=f%C3%B6rskola&case_type=FSK-ERB")
        .await;
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
    // The resident by phone number or the start of the name, as typed.
    for person in [
        "070-123%2045%2067",
        "%2B46701234567",
        "tolvan",
        "Tolvan%20Tolv",
        "tolvanss",
    ] {
        let hits = agent.get(&format!("/search?person={person}")).await;
        assert_eq!(hits.status, 200, "{person}: {}", hits.body);
        assert!(hits.body.contains(&number), "{person} finds the case");
    }
    let hits = agent.get("/search?person=tolvana").await;
    assert!(!hits.body.contains(&number));
    for (bad, said) in [
        ("x", "två bokstäver"),
        ("0", "Telefonnummer"),
        ("19121212-1213", "Personnummer"),
    ] {
        let r = agent.get(&format!("/search?person={bad}")).await;
        assert_eq!(r.status, 422, "{bad}");
        assert!(r.body.contains(said), "{bad}: {said} in {}", r.body);
    }
    // Quick registration's look-up of a caller by personnummer or phone.
    for person in ["19121212-1212", "0701234567"] {
        let found = agent
            .get(&format!("/cases/new/person?person={person}"))
            .await;
        assert!(
            found.body.contains("Tidigare kontakt") && found.body.contains("Tolvan Tolvansson"),
            "{person}: {}",
            found.body
        );
    }
    let none = agent.get("/cases/new/person?person=0709999999").await;
    assert!(none.body.contains("Ingen tidigare kontakt"));
    let name = agent.get("/cases/new/person?person=tolvan").await;
    assert_eq!(name.body, "", "a name is no identifier");
    // Board, channel and date range.
    let today = kontakt_domain::calendar::stockholm_today();
    let hits = agent
        .get(&format!(
            "/search?board=SDN-SKH&channel=phone&from={today}&to={today}"
        ))
        .await;
    assert!(hits.body.contains(&number), "{}", hits.body);
    let tomorrow = today.succ_opt().unwrap_or(today);
    let hits = agent
        .get(&format!("/search?board=SDN-SKH&from={tomorrow}"))
        .await;
    assert!(!hits.body.contains(&number));
    let r = agent
        .get(&format!("/search?from={tomorrow}&to={today}"))
        .await;
    assert_eq!(r.status, 422, "from after to is explained");
    let (_, api_hits) = app.get("/api/v1/cases?phone=0701234567&name=tolvan").await;
    assert_eq!(
        api_hits["items"].as_array().map(Vec::len),
        Some(1),
        "{api_hits}"
    );
    let (status, _) = app.get("/api/v1/cases?name=t").await;
    assert_eq!(status, 400);
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

/// An officer sends a hand-over back with a reason: it returns to the
/// centre's queue for the type, and the centre reads why on the card.
async fn officer_returns_a_hand_over(app: TestApp) {
    let (status, created) = app
        .post(
            "/api/v1/cases",
            &serde_json::json!({"case_type": "FSK-ERB", "channel": "phone", "district": "skarholmen",
                "description": "Fråga om barnomsorg på obekväm tid."}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let number = created["number"].as_str().unwrap_or_default().to_owned();
    let (status, body) = app
        .post(
            &format!("/api/v1/cases/{number}/handover"),
            &serde_json::json!({"group": "FSK-KO-SKH", "summary": "Vill veta om nattis finns."}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // Over the API: only the group's members answer, and bad bodies are named.
    let path = format!("/api/v1/cases/{number}/handover-response");
    for (body, status, field) in [
        (serde_json::json!({"action": "accept"}), 422, "action"),
        (
            serde_json::json!({"action": "accept", "channel": "sms"}),
            422,
            "channel",
        ),
        (
            serde_json::json!({"action": "return", "text": "x".repeat(20_001)}),
            422,
            "text",
        ),
        (
            serde_json::json!({"action": "accept", "mood": "glad"}),
            400,
            "",
        ),
    ] {
        let (got, problem) = app.post(&path, &body).await;
        assert_eq!(got, status, "{body}: {problem}");
        if !field.is_empty() {
            assert!(
                problem["errors"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|e| e["field"] == field),
                "{field} named in {problem}"
            );
        }
    }
    let (_, unchanged) = app.get(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(unchanged["status"], "handed_over");
    let mut officer = logged_in(&app, "olle", &["officer", "group:FSK-KO-SKH"]).await;
    let card = officer.get(&format!("/cases/{number}")).await;
    let r = officer
        .post(
            &format!("/cases/{number}/respond"),
            &[
                ("csrf", &csrf_of(&card.body)),
                ("action", "return"),
                ("text", "Gäller omsorg på kvällstid, som Skärholmen inte har; hänvisa till nattomsorgen."),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let (_, case) = app.get(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(case["status"], "in_progress");
    assert_eq!(case["assignee"]["group"], "FSK", "the type's answer group");
    assert_eq!(officer.get(&format!("/cases/{number}")).await.status, 404);
    let mut agent = logged_in(&app, "agnes", &["agent_l1", "group:FSK"]).await;
    let card = agent.get(&format!("/cases/{number}")).await;
    assert!(
        card.body.contains("Handläggaren returnerade ärendet")
            && card.body.contains("hänvisa till nattomsorgen"),
        "{}",
        card.body
    );
    // A returned case cannot be answered by the officer any more.
    let home_csrf = csrf_of(&officer.get("/").await.body);
    let r = officer
        .post(
            &format!("/cases/{number}/respond"),
            &[("csrf", &home_csrf), ("action", "accept")],
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
}

/// Quick registration shows the case type's guidance and form fields; a
/// missing required field comes back named, with the fields to fill in,
/// and nothing is saved until they are valid.
async fn quick_registration_asks_the_types_fields(app: TestApp) {
    let mut agent = logged_in(&app, "agnes", &["agent_l1", "group:FSK"]).await;
    let fields = agent.get("/cases/new/fields?case_type=FSK-KO").await;
    assert_eq!(fields.status, 200);
    for part in [
        "Vägledning",
        "BOSKO",
        "name=\"form.child_birth_date\"",
        "type=\"date\"",
        "value=\"preschool\"",
        "type=\"checkbox\"",
    ] {
        assert!(fields.body.contains(part), "{part} in {}", fields.body);
    }
    let none = agent.get("/cases/new/fields?case_type=FINNS-INTE").await;
    assert_eq!((none.status, none.body.as_str()), (200, ""));

    let csrf = csrf_of(&agent.get("/cases/new").await.body);
    let before = app.case_count().await;
    let base = [
        ("csrf", csrf.as_str()),
        ("case_type", "FSK-KO"),
        ("district", "farsta"),
        ("description", "Vill ställa sig i kö till förskola."),
        ("action", "open"),
    ];
    let r = agent.post("/cases/new", &base).await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("form.child_birth_date") && r.body.contains("name=\"form.care_form\""),
        "the missing fields are named and offered: {}",
        r.body
    );
    let mut bad = base.to_vec();
    bad.extend([
        ("form.child_birth_date", "igår"),
        ("form.wanted_start", "2027-08-01"),
        ("form.care_form", "preschool"),
        ("form.districts_wanted", "farsta"),
    ]);
    let r = agent.post("/cases/new", &bad).await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("YYYY-MM-DD") && r.body.contains("value=\"2027-08-01\""),
        "what was typed stays"
    );
    assert_eq!(app.case_count().await, before, "nothing saved");

    let mut good = base.to_vec();
    good.extend([
        ("form.child_birth_date", "2025-10-01"),
        ("form.wanted_start", "2027-08-01"),
        ("form.care_form", "preschool"),
        ("form.districts_wanted", "farsta"),
        ("form.districts_wanted", "alvsjo"),
    ]);
    let r = agent.post("/cases/new", &good).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let number = number_in(&r.location);
    let (_, case) = app.get(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(case["form"]["care_form"], "preschool");
    assert_eq!(
        case["form"]["districts_wanted"],
        serde_json::json!(["farsta", "alvsjo"])
    );
    let card = agent.get(&r.location).await;
    assert!(
        card.body.contains("Önskade stadsdelsområden") && card.body.contains("Farsta, Älvsjö"),
        "the card shows the fields by their labels"
    );
}

/// Files and links from the card: an uploaded file is on the timeline and
/// downloads unchanged; a forged upload, an empty one and a bad case number
/// are refused and change nothing.
async fn attach_and_link_from_the_card(app: TestApp) {
    let first = app.new_case().await;
    let second = app.new_case().await;
    let mut agent = logged_in(&app, "agnes", &["agent_l1", "group:FSK"]).await;
    let card = agent.get(&format!("/cases/{first}")).await;
    assert_eq!(card.status, 200, "{}", card.body);
    assert!(card.body.contains("enctype=\"multipart/form-data\""));
    let csrf = csrf_of(&card.body);
    let attach = format!("/cases/{first}/attach");
    let version = |c: &serde_json::Value| c["version"].as_i64();
    let (_, before) = app.get(&format!("/api/v1/cases/{first}")).await;

    let forged = agent
        .post_multipart(
            &attach,
            &[("csrf", None, b"wrong"), ("file", Some("x.txt"), b"hej")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let empty = agent
        .post_multipart(
            &attach,
            &[("csrf", None, csrf.as_bytes()), ("file", Some(""), b"")],
        )
        .await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("välj en fil"));
    let bad_link = agent
        .post(
            &format!("/cases/{first}/link"),
            &[("csrf", &csrf), ("case", "KC-20-1")],
        )
        .await;
    assert_eq!(bad_link.status, 422);
    let self_link = agent
        .post(
            &format!("/cases/{first}/link"),
            &[("csrf", &csrf), ("case", &first)],
        )
        .await;
    assert_eq!(self_link.status, 422);
    let (_, after) = app.get(&format!("/api/v1/cases/{first}")).await;
    assert_eq!(version(&after), version(&before), "nothing changed");

    let content = "Brev från invånaren om bygglovet på Söder.".as_bytes();
    let r = agent
        .post_multipart(
            &attach,
            &[
                ("csrf", None, csrf.as_bytes()),
                ("file", Some("brev från invånare.txt"), content),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Filen är bifogad.") && r.body.contains("brev från invånare.txt"));
    let href = r
        .body
        .split("href=\"")
        .find(|h| h.contains("/attachments/"))
        .and_then(|h| h.split('"').next())
        .expect("download link")
        .to_owned();
    let download = agent.get(&href).await;
    assert_eq!(download.status, 200);
    assert_eq!(download.body.as_bytes(), content);

    let r = agent
        .post(
            &format!("/cases/{first}/link"),
            &[("csrf", &csrf), ("case", &second.to_lowercase())],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Kopplade ärenden") && r.body.contains(&format!("/cases/{second}")));
    let other = agent.get(&format!("/cases/{second}")).await;
    assert!(
        other.body.contains(&format!("/cases/{first}")),
        "both cases show the link"
    );
}

on_both_backends!(call_to_handover_to_answer);
on_both_backends!(attach_and_link_from_the_card);
on_both_backends!(quick_registration_asks_the_types_fields);
on_both_backends!(officer_returns_a_hand_over);

on_both_backends!(the_resident_view_shows_what_the_resident_sees);

/// The agent's "resident view" of a case: what the resident was told and
/// sent, and that the case went to the administration — never the notes,
/// the hand-over summary or the officer's question to the centre. It is a
/// read like any other: audited.
async fn the_resident_view_shows_what_the_resident_sees(app: TestApp) {
    let mut body = crate::helpers::minimal_case();
    body["case_type"] = serde_json::json!("FSK-ERB");
    body["district"] = serde_json::json!("skarholmen");
    body["description"] = serde_json::json!("Vill ha plats på förskolan Solstrålen");
    body["contact"] = serde_json::json!({"name": "Bo Berg", "phone": "+46701234567"});
    let (status, created) = app.post("/api/v1/cases", &body).await;
    assert_eq!(status, 201, "{created}");
    let number = created["number"].as_str().expect("number").to_owned();
    for (path, entry) in [
        (
            "entries",
            serde_json::json!({"kind": "note", "text": "HEMLIG ANTECKNING"}),
        ),
        (
            "entries",
            serde_json::json!({"kind": "message_out", "channel": "phone", "text": "Vi har tagit emot din ansökan"}),
        ),
        (
            "handover",
            serde_json::json!({"group": "FSK-KO-SKH", "summary": "INTERN SAMMANFATTNING"}),
        ),
    ] {
        let (status, r) = app
            .post(&format!("/api/v1/cases/{number}/{path}"), &entry)
            .await;
        assert!(status == 200 || status == 201, "{r}");
    }
    let mut agent = logged_in(&app, "agnes", &["agent_l2"]).await;
    let card = agent.get(&format!("/cases/{number}")).await;
    assert!(
        card.body
            .contains(&format!("/cases/{number}/resident-view")),
        "the card links it"
    );
    let page = agent.get(&format!("/cases/{number}/resident-view")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    for shown in [
        "Vi har tagit emot din ansökan",
        "Ditt ärende har lämnats till Skärholmens stadsdelsnämnd",
        "Vi tog emot ditt ärende (telefon)",
    ] {
        assert!(page.body.contains(shown), "{shown} in {}", page.body);
    }
    for hidden in ["HEMLIG ANTECKNING", "INTERN SAMMANFATTNING"] {
        assert!(!page.body.contains(hidden), "{hidden} must not show");
    }
    assert!(
        app.audit_log()
            .await
            .iter()
            .any(|r| r.event.actor == "user:agnes"
                && r.event.action == "case.read"
                && r.event.object_id == number),
        "the view is audited"
    );
}
