//! Mina sidor end to end through the real server and the real mail server
//! (Postfix and Dovecot, `scripts/mail-server.sh`): a resident asks for a
//! one-time code, reads it from their mailbox, logs in, sees only their own
//! cases as they see them (never internal notes), writes and uploads to an
//! open case, chooses how to hear back, asks to be called, changes the
//! language; the agent sees all of it on the case card. Then the ways it
//! must fail: wrong, expired and brute-forced codes, too many codes,
//! throttling, wrong case secrets, another resident's case, a protected
//! person's case without e-legitimation, another browser, no session and no
//! CSRF token on every route. E-legitimation through a real OpenID provider.

use std::sync::Arc;

use chrono::{Duration, Utc};
use kontakt_app::cases::CaseService;
use kontakt_app::dispatch::RetryPolicy;
use kontakt_app::residents::{CodeMessage, Origin, ResidentError, ResidentService};
use kontakt_domain::audit::Outcome;
use kontakt_web::mina_sidor::{Access, CODE_COOKIE, ROUTES};
use serde_json::{json, Value};

use crate::helpers::{spawn_app_for_residents, Db, TestApp};
use crate::mail::{address, dispatcher, mailbox, parse, submission};
use crate::staff::{csrf_of, Browser, Page};

const RESIDENT_UA: &str = "Mozilla/5.0 (Linux; Android 14) Mina sidor test";

/// A resident's browser: a user agent of its own (the session is bound to it).
pub(crate) fn resident_browser(app: &TestApp, user_agent: &str) -> Browser {
    let mut b = Browser::new(app);
    b.client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(user_agent)
        .build()
        .expect("client");
    b
}

/// Sends what waits in the outbox through the real mail server.
pub(crate) async fn send_mail(app: &TestApp) {
    let out = dispatcher(
        app,
        &submission(&address("kontakt")),
        RetryPolicy::default(),
    );
    out.run_once(Utc::now()).await.expect("send");
}

/// The text of the newest mail with this subject in the mailbox, waiting
/// until there are `n` mails with it.
pub(crate) async fn mail_with_subject(user: &str, n: usize, subject: &str) -> String {
    for _ in 0..100 {
        let mails = mailbox(user, 1).await;
        let texts: Vec<String> = mails
            .iter()
            .map(|raw| parse(raw))
            .filter(|m| m.subject().is_some_and(|s| s.contains(subject)))
            .filter_map(|m| m.body_text(0).map(|t| t.into_owned()))
            .collect();
        if texts.len() >= n {
            return texts.last().cloned().unwrap_or_default();
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("{user} did not get {n} mail(s) about {subject}");
}

/// The first run of exactly six digits: the code in the code mail.
pub(crate) fn six_digits(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no code in {text}"))
        .to_owned()
}

pub(crate) async fn new_case(app: &TestApp, contact: Value, description: &str) -> String {
    let (status, created) = app
        .post(
            "/api/v1/cases",
            &json!({
                "case_type": "GATA-BELYS", "channel": "phone",
                "description": description,
                "form": {"location": "Hornsgatan 12", "extent": "one", "state": "off"},
                "feedback_channel": if contact.get("email").is_some() { json!("email") } else { Value::Null },
                "contact": contact,
            }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    created["number"].as_str().expect("number").to_owned()
}

pub(crate) async fn api_case(app: &TestApp, number: &str) -> Value {
    let (status, case) = app.get(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(status, 200, "{case}");
    case
}

/// Asks for a code to `to` and logs in with the code from the mailbox.
async fn log_in_by_mail(app: &TestApp, b: &mut Browser, to: &str, codes_before: usize) -> Page {
    let asked = b.post("/mina-sidor/kod", &[("address", to)]).await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    assert_eq!(asked.location, "/mina-sidor/kod?via=email");
    let form = b.get(&asked.location).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Skriv in koden"), "{}", form.body);
    send_mail(app).await;
    let text = mail_with_subject(to, codes_before + 1, "Din kod till Mina sidor").await;
    let code = six_digits(&text);
    b.post(
        "/mina-sidor/kod/logga-in",
        &[("code", code.as_str()), ("via", "email")],
    )
    .await
}

async fn resident_follows_their_cases(app: TestApp) {
    let anna = address("anna");
    // The agent registers Anna's case on the phone; she chose e-mail.
    let number = new_case(
        &app,
        json!({"name": "Anna Lind", "email": anna, "phone": "070-123 45 67"}),
        "Gatlyktan utanför Hornsgatan 12 är släckt.",
    )
    .await;
    let others = new_case(
        &app,
        json!({"name": "Bo Ek", "email": address("bo")}),
        "Gatlyktan på Bellmansgatan blinkar.",
    )
    .await;
    // The acknowledgement reaches her mailbox with the way to Mina sidor.
    send_mail(&app).await;
    let ack = mail_with_subject(&anna, 1, &number).await;
    assert!(
        ack.contains(&format!(
            "{}/mina-sidor/folj?arende={number}&kod=",
            app.base
        )),
        "{ack}"
    );

    // Log in with a code: first a wrong one, then the right one.
    let mut b = resident_browser(&app, RESIDENT_UA);
    let start = b.get("/mina-sidor").await;
    assert_eq!(start.status, 200);
    assert!(
        start.body.contains("<html lang=\"sv\" dir=\"ltr\""),
        "{}",
        start.body
    );
    assert!(start.body.contains("Texttelefon"), "the other ways in");
    let asked = b
        .post("/mina-sidor/kod", &[("address", anna.as_str())])
        .await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    send_mail(&app).await;
    let code = six_digits(&mail_with_subject(&anna, 1, "Din kod till Mina sidor").await);
    let challenge = b.cookies.get(CODE_COOKIE).cloned().expect("the challenge");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = b
        .post(
            "/mina-sidor/kod/logga-in",
            &[("code", wrong), ("via", "email")],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("Koden stämmer inte"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains('4'), "tries left: {}", refused.body);
    let bad = b
        .post(
            "/mina-sidor/kod/logga-in",
            &[("code", "12a"), ("via", "email")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("6 siffror"), "{}", bad.body);
    let logged_in = b
        .post(
            "/mina-sidor/kod/logga-in",
            &[("code", code.as_str()), ("via", "email")],
        )
        .await;
    assert_eq!(logged_in.status, 303, "{}", logged_in.body);
    assert_eq!(logged_in.location, "/mina-sidor/arenden");
    // The code works once, even with the challenge kept.
    let mut replay = resident_browser(&app, RESIDENT_UA);
    replay.cookies.insert(CODE_COOKIE.into(), challenge);
    let again = replay
        .post(
            "/mina-sidor/kod/logga-in",
            &[("code", code.as_str()), ("via", "email")],
        )
        .await;
    assert_eq!(again.status, 422, "a used code: {}", again.body);
    assert!(again.body.contains("gäller inte längre"), "{}", again.body);

    // My cases: hers, not Bo's.
    let mine = b.get("/mina-sidor/arenden").await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert!(mine.body.contains(&number), "{}", mine.body);
    assert!(!mine.body.contains(&others));
    assert!(mine.body.contains("Vi har tagit emot ditt ärende."));
    let path = format!("/mina-sidor/arenden/{number}");
    let denied = b.get(&format!("/mina-sidor/arenden/{others}")).await;
    assert_eq!(denied.status, 404);
    assert!(!denied.body.contains("Bellmansgatan"));

    // The officer's work: an internal note (never shown), a hand-over and
    // an answer (shown).
    let note = "Intern: elnätet felanmält, ärende 4711 hos Ellevio";
    let (status, _) = app
        .post(
            &format!("/api/v1/cases/{number}/entries"),
            &json!({"kind": "note", "text": note}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, handed) = app
        .post(
            &format!("/api/v1/cases/{number}/handover"),
            &json!({"group": "TK-DRIFT", "summary": "Släckt gatlykta, Hornsgatan 12."}),
        )
        .await;
    assert_eq!(status, 200, "{handed}");
    let answer = "Vi byter lampan i gatlyktan på torsdag.";
    let (status, _) = app
        .post(
            &format!("/api/v1/cases/{number}/entries"),
            &json!({"kind": "message_out", "channel": "email", "text": answer}),
        )
        .await;
    assert_eq!(status, 201);
    let page = b.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(answer), "{}", page.body);
    assert!(page.body.contains("Ärendet lämnades till"), "{}", page.body);
    assert!(!page.body.contains("Ellevio"), "an internal note shows");

    // A message with a photo.
    let csrf = csrf_of(&page.body);
    assert!(!csrf.is_empty());
    let photo: &[u8] = b"\x89PNG\r\n\x1a\n photo of the street light";
    let sent = b
        .post_multipart(
            &format!("{path}/meddelande"),
            &[
                ("csrf", None, csrf.as_bytes()),
                ("text", None, "Lampan lyser fortfarande inte.".as_bytes()),
                ("files", Some("gatlykta.png"), photo),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    // Without the CSRF token: refused, nothing added.
    let forged = b
        .post_multipart(
            &format!("{path}/meddelande"),
            &[("text", None, "Förfalskat".as_bytes())],
        )
        .await;
    assert_eq!(forged.status, 403);
    // Empty: a clear error.
    let empty = b
        .post_multipart(
            &format!("{path}/meddelande"),
            &[("csrf", None, csrf.as_bytes()), ("text", None, b"  ")],
        )
        .await;
    assert_eq!(empty.status, 422);
    assert!(
        empty.body.contains("Skriv ett meddelande"),
        "{}",
        empty.body
    );

    // How to hear back, and a call back.
    let channel = b
        .post(
            &format!("{path}/besked"),
            &[("csrf", csrf.as_str()), ("feedback_channel", "sms")],
        )
        .await;
    assert_eq!(channel.status, 303, "{}", channel.body);
    let no_fax = b
        .post(
            &format!("{path}/besked"),
            &[("csrf", csrf.as_str()), ("feedback_channel", "fax")],
        )
        .await;
    assert_eq!(no_fax.status, 422, "{}", no_fax.body);
    let callback = b
        .post(
            &format!("{path}/ring-upp"),
            &[
                ("csrf", csrf.as_str()),
                ("phone", "070-123 45 67"),
                ("when", "Vardagar efter 15"),
            ],
        )
        .await;
    assert_eq!(callback.status, 303, "{}", callback.body);
    let bad_phone = b
        .post(
            &format!("{path}/ring-upp"),
            &[("csrf", csrf.as_str()), ("phone", "ring mig")],
        )
        .await;
    assert_eq!(bad_phone.status, 422);

    // The agent sees all of it on the case.
    let case = api_case(&app, &number).await;
    assert_eq!(case["feedback_channel"], "sms", "{case}");
    let entries = case["entries"].as_array().expect("entries");
    let kinds: Vec<&str> = entries.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert!(
        entries
            .iter()
            .any(|e| e["kind"] == "message_in" && e["text"] == "Lampan lyser fortfarande inte."),
        "{kinds:?}"
    );
    assert!(
        entries
            .iter()
            .any(|e| e["kind"] == "attachment" && e["file_name"] == "gatlykta.png"),
        "{kinds:?}"
    );
    assert!(!entries.iter().any(|e| e["text"] == "Förfalskat"));
    assert!(kinds.contains(&"feedback_channel_changed"), "{kinds:?}");
    assert!(kinds.contains(&"callback_requested"), "{kinds:?}");
    // And the resident sees her photo and can fetch it again.
    let page = b.get(&path).await;
    assert!(page.body.contains("gatlykta.png"), "{}", page.body);
    let sha = entries
        .iter()
        .find(|e| e["kind"] == "attachment")
        .and_then(|e| e["sha256"].as_str())
        .expect("sha256")
        .to_owned();
    let file = b.get(&format!("{path}/filer/{sha}")).await;
    assert_eq!(file.status, 200);
    let theirs = b
        .get(&format!("/mina-sidor/arenden/{others}/filer/{sha}"))
        .await;
    assert_eq!(theirs.status, 404);

    // Every look at a case is in the audit log, the refused one too.
    let audit = app.audit_log().await;
    assert!(audit.iter().any(|r| r.event.action == "case.read"
        && r.event.object_id == number
        && r.event.actor.starts_with("resident:")));
    assert!(audit.iter().any(|r| r.event.object_id == others
        && r.event.actor.starts_with("resident:")
        && r.event.outcome == Outcome::Denied));

    // Starting a case: the e-services and the web assistant, the e-service
    // form filled in with the address she logged in with.
    let start = b.get("/mina-sidor/starta").await;
    assert_eq!(start.status, 200);
    assert!(start.body.contains("href=\"/e-tjanster\"") && start.body.contains("href=\"/fraga\""));
    let form = b.get("/e-tjanster/ALLM-FRAGA").await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains(&format!("value=\"{anna}\"")),
        "{}",
        form.body
    );

    // Arabic: the pages turn right to left, and the choice is kept as her
    // preferred language, shown to the agent.
    let ar = b
        .post(
            "/mina-sidor/sprak",
            &[("csrf", csrf.as_str()), ("lang", "ar"), ("back", &path)],
        )
        .await;
    assert_eq!(ar.status, 303, "{}", ar.body);
    let page = b.get(&path).await;
    assert!(
        page.body.contains("<html lang=\"ar\" dir=\"rtl\""),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(answer),
        "the city's own words stay as written"
    );
    let case = api_case(&app, &number).await;
    assert_eq!(case["contact"]["preferred_language"], "ar", "{case}");

    // Another browser with the same cookie is not her.
    let mut thief = resident_browser(&app, "curl/8.0");
    thief.cookies = b.cookies.clone();
    let stolen = thief.get("/mina-sidor/arenden").await;
    assert_eq!(
        stolen.status, 303,
        "a copied cookie works in another browser"
    );

    // Closed: nothing more can be added.
    let (status, closed) = app
        .post(
            &format!("/api/v1/cases/{number}/status"),
            &json!({"status": "closed", "resolution": "handed_over"}),
        )
        .await;
    assert_eq!(status, 200, "{closed}");
    let late = b
        .post_multipart(
            &format!("{path}/meddelande"),
            &[
                ("csrf", None, csrf.as_bytes()),
                ("text", None, b"En sak till"),
            ],
        )
        .await;
    assert_eq!(late.status, 409, "{}", late.body);

    // Log out: the session is gone.
    let out = b
        .post("/mina-sidor/logga-ut", &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(out.status, 303);
    let after = b.get("/mina-sidor/arenden").await;
    assert_eq!(after.status, 303);
    assert_eq!(after.location, "/mina-sidor");
}

/// Someone who gives their own address with another's personnummer puts
/// it on that person's record, but a code to it opens only the case they
/// gave it on, and their language choice reaches no protected person.
async fn an_address_opens_only_the_cases_it_was_given_on(app: TestApp) {
    let pnr = "19850315-2335";
    let veras = new_case(
        &app,
        json!({"name": "Vera Ek", "personnummer": pnr, "phone": "070-222 33 44"}),
        "Veras eget ärende om lyktan.",
    )
    .await;
    let mallory = address("mallory");
    let planted = new_case(
        &app,
        json!({"personnummer": pnr, "email": mallory}),
        "Planterat ärende.",
    )
    .await;
    let record = api_case(&app, &veras).await;
    assert_eq!(
        record["contact"]["email"], mallory,
        "the person record gathers the address: {record}"
    );
    let mut b = resident_browser(&app, RESIDENT_UA);
    let r = log_in_by_mail(&app, &mut b, &mallory, 0).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let mine = b.get("/mina-sidor/arenden").await;
    assert!(mine.body.contains(&planted), "{}", mine.body);
    assert!(!mine.body.contains(&veras), "{}", mine.body);
    let page = b.get(&format!("/mina-sidor/arenden/{veras}")).await;
    assert_eq!(page.status, 404);
    assert!(!page.body.contains("Veras"));
}

/// Following one case with its number and the secret from the
/// acknowledgement; every wrong combination is refused alike.
async fn anonymous_follow_by_case_secret(app: TestApp) {
    let anna = address("anna");
    let number = new_case(
        &app,
        json!({"name": "Anna Lind", "email": anna}),
        "Släckt lykta.",
    )
    .await;
    let other = new_case(&app, json!({"email": address("bo")}), "Trasig lykta.").await;
    send_mail(&app).await;
    let ack = mail_with_subject(&anna, 1, &number).await;
    let token = follow_token(&ack);

    let mut b = resident_browser(&app, RESIDENT_UA);
    // The link fills in the form; it does not log in.
    let link = b
        .get(&format!("/mina-sidor/folj?arende={number}&kod={token}"))
        .await;
    assert_eq!(link.status, 200);
    assert!(link.body.contains(&token));
    assert!(b.cookies.is_empty());
    for (n, t, status) in [
        (other.as_str(), token.as_str(), 404),
        (number.as_str(), "ABCD-EFGH-JKMN", 404),
        ("KC-2026-999999", token.as_str(), 404),
        ("inte ett nummer", token.as_str(), 422),
        (number.as_str(), "kort", 422),
    ] {
        let r = b
            .post("/mina-sidor/folj", &[("number", n), ("token", t)])
            .await;
        assert_eq!(r.status, status, "{n} {t}: {}", r.body);
        assert!(!r.body.contains("Trasig"));
    }
    // A post from another site is refused before anything is tried.
    let r = b
        .client
        .post(format!("{}/mina-sidor/folj", app.base))
        .header("origin", "https://elak.example")
        .form(&[("number", number.as_str()), ("token", token.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
    // The right pair, typed in lower case without dashes.
    let typed = token.replace('-', "").to_lowercase();
    let r = b
        .post(
            "/mina-sidor/folj",
            &[("number", number.as_str()), ("token", typed.as_str())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location, format!("/mina-sidor/arenden/{number}"));
    let page = b.get(&r.location).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Släckt lykta."));
    // That one case only.
    assert_eq!(
        b.get(&format!("/mina-sidor/arenden/{other}")).await.status,
        404
    );
    let list = b.get("/mina-sidor/arenden").await;
    assert!(!list.body.contains(&other));
}

/// Codes: five wrong tries kill a code, a code dies after ten minutes, an
/// address gets five codes an hour, and one client twenty tries in ten
/// minutes.
async fn codes_resist_guessing(app: TestApp) {
    let cases = Arc::new(CaseService::new(app.store.clone(), app.catalog.clone()));
    let residents = ResidentService::new(app.store.clone(), cases);
    let origin = Origin {
        client: "192.0.2.7".into(),
        operation_id: "test".into(),
        user_agent: RESIDENT_UA.into(),
    };
    let compose = |code: &str| CodeMessage {
        subject: "Din kod".into(),
        body: format!("Koden är {code}"),
    };
    let now = Utc::now();
    let to = address("cleo");
    let sent = residents
        .send_code(&to, compose, &origin, now)
        .await
        .expect("code sent");
    // The code itself is only in the outbox; guess all wrong five times.
    for left in (0..5u32).rev() {
        let r = residents
            .redeem_code(&sent.challenge, "999999", &origin, now)
            .await;
        match r {
            Err(ResidentError::WrongCode { tries_left }) => assert_eq!(tries_left, left),
            Err(ResidentError::CodeExpired) if left == 0 => {}
            other => panic!("try with {left} left: {other:?}"),
        }
    }
    let sixth = residents
        .redeem_code(&sent.challenge, "999999", &origin, now)
        .await;
    assert!(
        matches!(sixth, Err(ResidentError::CodeExpired)),
        "{sixth:?}"
    );

    // Expired: the right code eleven minutes later.
    let code = std::cell::RefCell::new(String::new());
    let sent = residents
        .send_code(
            &to,
            |c: &str| {
                *code.borrow_mut() = c.to_owned();
                compose(c)
            },
            &origin,
            now,
        )
        .await
        .expect("code sent");
    let right = code.borrow().clone();
    let late = residents
        .redeem_code(
            &sent.challenge,
            &right,
            &origin,
            now + Duration::minutes(11),
        )
        .await;
    assert!(matches!(late, Err(ResidentError::CodeExpired)), "{late:?}");

    // Five codes an hour to one address (two sent above).
    for _ in 0..3 {
        residents
            .send_code(&to, compose, &origin, now)
            .await
            .expect("within the cap");
    }
    let capped = residents.send_code(&to, compose, &origin, now).await;
    assert!(
        matches!(capped, Err(ResidentError::TooManyCodes)),
        "{capped:?}"
    );
    residents
        .send_code(&to, compose, &origin, now + Duration::minutes(61))
        .await
        .expect("an hour later");
    // A mobile number gets its code by SMS (through the outbox, which
    // `sms.rs` sends through Kannel).
    let by_sms = residents
        .send_code("070-765 43 21", compose, &origin, now)
        .await
        .expect("code by SMS");
    assert_eq!(
        by_sms.channel,
        kontakt_domain::message::OutboundChannel::Sms
    );
    // Bad addresses change nothing.
    let before = app
        .store
        .resident_codes_since(
            &format!("email:{}", to.to_lowercase()),
            now - Duration::hours(2),
        )
        .await
        .expect("count");
    for bad in ["", "inte en adress", "070", "a@"] {
        let r = residents.send_code(bad, compose, &origin, now).await;
        assert!(matches!(r, Err(ResidentError::Invalid(_))), "{bad}: {r:?}");
    }
    let after = app
        .store
        .resident_codes_since(
            &format!("email:{}", to.to_lowercase()),
            now - Duration::hours(2),
        )
        .await
        .expect("count");
    assert_eq!(before, after);

    // Over HTTP: the address's cap is a clear 429, and one client is
    // throttled after twenty tries in ten minutes.
    let mut b = resident_browser(&app, RESIDENT_UA);
    let r = b.post("/mina-sidor/kod", &[("address", to.as_str())]).await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.body.contains("Vänta en timme"), "{}", r.body);
    let r = b
        .post("/mina-sidor/kod", &[("address", "inte en adress")])
        .await;
    assert_eq!(r.status, 422);
    let r = b
        .post("/mina-sidor/kod", &[("address", "+46 70 765 43 22")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location, "/mina-sidor/kod?via=sms");
    let form = b.get(&r.location).await;
    assert!(form.body.contains("din mobil"), "{}", form.body);
    // Twice the window's allowance: a window that turns mid-test still
    // fills up.
    let mut throttled = false;
    for _ in 0..2 * kontakt_web::mina_sidor::ATTEMPTS_PER_WINDOW {
        let r = b
            .post(
                "/mina-sidor/folj",
                &[("number", "KC-2026-000001"), ("token", "ABCD-EFGH-JKMN")],
            )
            .await;
        if r.status == 429 {
            throttled = true;
            break;
        }
        assert_eq!(r.status, 404);
    }
    assert!(throttled, "twenty wrong tries are not throttled");

    // Sessions: alive while used, dead after 20 idle minutes, and after
    // two hours however busy; only in the browser that started them.
    let sessions_to = address("sessions");
    let code = std::cell::RefCell::new(String::new());
    let sent = residents
        .send_code(
            &sessions_to,
            |c: &str| {
                *code.borrow_mut() = c.to_owned();
                compose(c)
            },
            &origin,
            now,
        )
        .await
        .expect("code sent");
    let right = code.borrow().clone();
    let (secret, _) = residents
        .redeem_code(&sent.challenge, &right, &origin, now)
        .await
        .expect("logged in");
    let alive = |minutes: i64| {
        let residents = &residents;
        let (secret, origin) = (&secret, &origin);
        async move {
            residents
                .session(secret, origin, now + Duration::minutes(minutes))
                .await
                .expect("session")
                .is_some()
        }
    };
    for minutes in [15, 30, 45, 60, 75, 90, 105] {
        assert!(
            alive(minutes).await,
            "used every 15 minutes, alive at {minutes}"
        );
    }
    assert!(!alive(121).await, "two hours at most");
    let other_browser = Origin {
        user_agent: "curl/8".into(),
        ..origin.clone()
    };
    assert!(residents
        .session(&secret, &other_browser, now + Duration::minutes(106))
        .await
        .expect("session")
        .is_none());
    let sent = residents
        .send_code(
            &sessions_to,
            |c: &str| {
                *code.borrow_mut() = c.to_owned();
                compose(c)
            },
            &origin,
            now,
        )
        .await
        .expect("code sent");
    let right = code.borrow().clone();
    let (idle, _) = residents
        .redeem_code(&sent.challenge, &right, &origin, now)
        .await
        .expect("logged in");
    let idle_alive = |minutes: i64| {
        let residents = &residents;
        let (idle, origin) = (&idle, &origin);
        async move {
            residents
                .session(idle, origin, now + Duration::minutes(minutes))
                .await
                .expect("session")
                .is_some()
        }
    };
    assert!(idle_alive(19).await);
    assert!(!idle_alive(40).await, "21 idle minutes end it");

    // A day after they died, codes are forgotten (the addresses with them).
    let gone = residents
        .purge(now + Duration::days(2))
        .await
        .expect("purge");
    assert!(gone >= 7, "{gone}");
    assert_eq!(
        app.store
            .resident_codes_since(
                &format!("email:{}", to.to_lowercase()),
                now - Duration::hours(2)
            )
            .await
            .expect("count"),
        0
    );
}

/// Every resident route refuses a browser without a session, and every
/// post refuses a session without the CSRF token.
async fn every_route_is_guarded(app: TestApp) {
    let dan = address("dan");
    let number = new_case(&app, json!({"email": dan}), "Lykta.").await;
    let mut anonymous = resident_browser(&app, RESIDENT_UA);
    for (method, route, access) in ROUTES {
        if *access != Access::Resident {
            continue;
        }
        let path = route
            .replace("{number}", &number)
            .replace("{sha256}", &"0".repeat(64));
        let page = match *method {
            "GET" => anonymous.get(&path).await,
            _ => anonymous.post(&path, &[("text", "x")]).await,
        };
        assert_eq!(page.status, 303, "{method} {path} without a session");
        assert_eq!(page.location, "/mina-sidor", "{method} {path}");
    }
    // A session by the case secret from the acknowledgement.
    send_mail(&app).await;
    let token = follow_token(&mail_with_subject(&dan, 1, &number).await);
    let mut b = resident_browser(&app, RESIDENT_UA);
    let r = b
        .post(
            "/mina-sidor/folj",
            &[("number", number.as_str()), ("token", token.as_str())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    for (method, route, access) in ROUTES {
        if *access != Access::Resident || *method != "POST" {
            continue;
        }
        let path = route.replace("{number}", &number);
        let page = b.post(&path, &[("csrf", "fel"), ("text", "x")]).await;
        assert_eq!(page.status, 403, "{method} {path} with a wrong token");
    }
    let case = api_case(&app, &number).await;
    assert_eq!(case["entries"].as_array().map(Vec::len), Some(1), "{case}");
    // Still logged in: the refusals ended nothing.
    assert_eq!(b.get("/mina-sidor/arenden").await.status, 200);
}

/// The secret in an acknowledgement's link to Mina sidor.
fn follow_token(ack: &str) -> String {
    ack.split("kod=")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("no link to Mina sidor in {ack}"))
        .to_owned()
}

/// Each test once on SQLite and once on PostgreSQL, on a server whose
/// acknowledgements link to its Mina sidor.
macro_rules! on_both_backends_for_residents {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(super::spawn_app_for_residents(super::Db::Sqlite, None).await).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(super::spawn_app_for_residents(super::Db::Postgres, None).await).await
                }
            }
        )*
    };
}

on_both_backends_for_residents!(
    resident_follows_their_cases,
    anonymous_follow_by_case_secret,
    codes_resist_guessing,
    every_route_is_guarded,
    protected_cases_need_e_legitimation,
    an_address_opens_only_the_cases_it_was_given_on,
);

mod e_legitimation {
    //! E-legitimation through a real OpenID provider (the `oidc-provider`
    //! package, as for staff single sign-on): the personnummer claim of
    //! the Swedish profile is who the resident is; it alone shows a
    //! protected person's cases.

    use serde_json::json;

    use super::{new_case, resident_browser, RESIDENT_UA};
    use crate::helpers::{spawn_app_for_residents, Db};
    use crate::sso::{start_provider, through_provider_at, CLIENT_ID, CLIENT_SECRET};

    const PNR: &str = "19900101-2385";
    const PNR_LOGIN: &str = "199001012385";

    async fn e_legitimation(db: Db) {
        let port = crate::sso::free_port();
        let config = kontakt_app::sso::SsoConfig {
            issuer: format!("http://127.0.0.1:{port}"),
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            redirect_url: String::new(),
            provider_enforces_mfa: false,
        };
        let app = spawn_app_for_residents(db, Some(config)).await;
        let provider = start_provider(
            port,
            &format!("{}/mina-sidor/e-legitimation/klar", app.base),
        );
        let open = new_case(
            &app,
            json!({"name": "Eva Berg", "personnummer": PNR}),
            "Öppen lykta.",
        )
        .await;
        let protected = new_case(
            &app,
            json!({"name": "Eva Berg", "personnummer": PNR, "email": crate::mail::address("eva"), "protected_identity": true}),
            "Skyddad lykta.",
        )
        .await;
        let someone_else = new_case(
            &app,
            json!({"personnummer": "19121212-1212"}),
            "Annans lykta.",
        )
        .await;

        let mut b = resident_browser(&app, RESIDENT_UA);
        let back =
            through_provider_at(&mut b, &provider, "/mina-sidor/e-legitimation", PNR_LOGIN).await;
        assert!(back.contains("/mina-sidor/e-legitimation/klar"), "{back}");
        let done = b.get(&back).await;
        assert_eq!(done.status, 303, "{}", done.body);
        let mine = b.get("/mina-sidor/arenden").await;
        assert_eq!(mine.status, 200, "{}", mine.body);
        assert!(mine.body.contains(&open), "{}", mine.body);
        assert!(
            mine.body.contains(&protected),
            "e-legitimation shows the protected case"
        );
        assert!(!mine.body.contains(&someone_else));
        assert!(mine.body.contains("e-legitimation"));
        let page = b.get(&format!("/mina-sidor/arenden/{protected}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Skyddad lykta."));
        drop(provider);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn e_legitimation_sqlite() {
        e_legitimation(Db::Sqlite).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn e_legitimation_postgres() {
        e_legitimation(Db::Postgres).await
    }
}

/// A protected person's case is not shown to a code login for its address
/// (only e-legitimation shows it), and gets no follow secret.
async fn protected_cases_need_e_legitimation(app: TestApp) {
    let eva = address("eva");
    let protected = new_case(
        &app,
        json!({"name": "Eva Berg", "personnummer": "19900101-2385", "email": eva, "protected_identity": true}),
        "Skyddad lykta.",
    )
    .await;
    let mut b = resident_browser(&app, RESIDENT_UA);
    let logged_in = log_in_by_mail(&app, &mut b, &eva, 0).await;
    assert_eq!(logged_in.status, 303, "{}", logged_in.body);
    let mine = b.get("/mina-sidor/arenden").await;
    assert_eq!(mine.status, 200);
    assert!(!mine.body.contains(&protected), "{}", mine.body);
    assert!(!mine.body.contains("Skyddad"));
    assert_eq!(
        b.get(&format!("/mina-sidor/arenden/{protected}"))
            .await
            .status,
        404
    );
    let mail = mailbox(&eva, 1).await;
    let text: String = mail
        .iter()
        .map(|m| String::from_utf8_lossy(m).into_owned())
        .collect();
    assert!(
        !text.contains("mina-sidor/folj"),
        "a protected case gets a follow secret"
    );
}
