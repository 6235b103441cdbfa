//! End to end in real headless Chromium (Debian's `chromium`, driven over
//! WebDriver by Debian's `chromedriver`): login, quick registration with the
//! keyboard only, the hand-over and the officer's answer, search, a
//! protected person invisible to a level-1 agent, and axe-core on every
//! page (zero WCAG 2.1 A/AA violations). Screenshots of the main pages go to
//! `target/screenshots/` for a reviewer to look at.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::{minimal_case, Db, TestApp};
use crate::staff::{create_account, PASSWORD};

pub(crate) struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

pub(crate) async fn browser() -> (Driver, Client) {
    let chromedriver = std::env::var("KONTAKT_TEST_CHROMEDRIVER").expect(
        "KONTAKT_TEST_CHROMEDRIVER is not set: run the tests with scripts/test.sh, which installs Chromium",
    );
    // Two TLS back-ends are compiled in (through different crates); the
    // WebDriver client needs one chosen for the process.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let port = free_port();
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver(child);
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({"args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--window-size=1280,1000", "--lang=sv-SE"]}),
    );
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if let Ok(mut builder) = ClientBuilder::rustls() {
            if let Ok(client) = builder.capabilities(caps.clone()).connect(&url).await {
                return (driver, client);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start");
}

pub(crate) fn screenshot_dir() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

/// Runs axe-core on the current page; returns the WCAG 2.1 A/AA violations.
pub(crate) async fn axe(c: &Client) -> Vec<String> {
    let path = std::env::var("KONTAKT_TEST_AXE").expect("KONTAKT_TEST_AXE: run scripts/test.sh");
    let source = std::fs::read_to_string(path).expect("axe.min.js");
    c.execute(&format!("{source}\nreturn true;"), vec![])
        .await
        .expect("load axe");
    let result = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
               .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' @ ' +
                    v.nodes.map(n => n.target.join(' ')).join(', '))))
               .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .expect("axe run");
    let list = result.as_array().expect("axe answers with a list");
    list.iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Checks the page with axe and keeps a screenshot of it.
pub(crate) async fn check_page(c: &Client, name: &str, violations: &mut Vec<String>) {
    for v in axe(c).await {
        violations.push(format!("{name}: {v}"));
    }
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).expect("write screenshot");
}

pub(crate) async fn type_into(c: &Client, css: &str, text: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("{css}"))
        .send_keys(text)
        .await
        .expect("type");
}

/// Types into whatever has the focus, as a person at the keyboard does.
pub(crate) async fn keys(c: &Client, text: &str) {
    c.active_element()
        .await
        .expect("focus")
        .send_keys(text)
        .await
        .expect("keys");
}

pub(crate) fn key(k: Key) -> String {
    char::from(k).to_string()
}

pub(crate) async fn login(c: &Client, app: &TestApp, username: &str) {
    c.goto(&format!("{}/login", app.base))
        .await
        .expect("login page");
    type_into(c, "#username", username).await;
    type_into(c, "#password", &format!("{PASSWORD}{}", key(Key::Enter))).await;
    wait_for_path(c, "/").await;
}

pub(crate) async fn wait_for_path(c: &Client, path: &str) {
    for _ in 0..50 {
        if c.current_url().await.is_ok_and(|u| u.path() == path) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "expected {path}, at {:?}",
        c.current_url().await.map(|u| u.to_string())
    );
}

/// Waits until the page shows `text` (a form post and its answer take a moment).
pub(crate) async fn wait_for_text(c: &Client, text: &str) {
    for _ in 0..50 {
        if c.source().await.is_ok_and(|s| s.contains(text)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page never showed {text}");
}

/// Nothing on these pages needs scrolling sideways at the window's width
/// (WCAG 1.4.10 reflow: 640 CSS px is a 1280 px screen at 200 % zoom).
pub(crate) async fn assert_reflows(c: &Client, base: &str, paths: &[&str]) {
    for path in paths {
        c.goto(&format!("{base}{path}")).await.expect("page");
        let fits = c
            .execute(
                "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];",
                vec![],
            )
            .await
            .expect("widths");
        let (scroll, client) = (fits[0].as_i64().unwrap_or(0), fits[1].as_i64().unwrap_or(0));
        assert!(
            scroll <= client,
            "{path} scrolls sideways at this width ({scroll} > {client} px)"
        );
    }
}

async fn logout(c: &Client) {
    c.find(Locator::Css("form.logout button"))
        .await
        .expect("logout button")
        .click()
        .await
        .expect("logout");
    wait_for_path(c, "/login").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desk_in_a_real_browser() {
    // The city's number open around the clock: the phone part runs at any hour.
    let app =
        crate::helpers::spawn_app_with_catalog(Db::Sqlite, &crate::phone::always_open()).await;
    create_account(&app, "agnes", &["agent_l1", "group:FSK"], true).await;
    create_account(&app, "olle", &["officer", "group:FSK-KO-SKH"], true).await;
    create_account(&app, "admin", &["administrator"], true).await;
    create_account(&app, "lisa", &["log_reviewer", "board:SDN-SKH"], true).await;
    // A protected person's case, invisible to a level-1 agent.
    let mut body = minimal_case();
    body["contact"] = json!({"name": "Hemlig Hemligsson", "personnummer": "19811228-9874", "protected_identity": true});
    let (status, protected) = app.post("/api/v1/cases", &body).await;
    assert_eq!(status, 201);
    let protected = protected["number"].as_str().expect("number").to_owned();

    let (_driver, c) = browser().await;
    let mut violations = Vec::new();

    c.goto(&format!("{}/login", app.base))
        .await
        .expect("login page");
    check_page(&c, "01-login", &mut violations).await;
    login(&c, &app, "agnes").await;
    check_page(&c, "02-start-agent", &mut violations).await;

    // Quick registration with the keyboard only: Alt+N, type, Tab, Enter.
    let alt_n = KeyActions::new("keyboard".into())
        .then(KeyAction::Down {
            value: char::from(Key::Alt),
        })
        .then(KeyAction::Down { value: 'n' })
        .then(KeyAction::Up { value: 'n' })
        .then(KeyAction::Up {
            value: char::from(Key::Alt),
        });
    c.perform_actions(alt_n).await.expect("Alt+N");
    wait_for_path(&c, "/cases/new").await;
    check_page(&c, "03-quick-registration", &mut violations).await;
    keys(&c, "AVF-ATERV").await; // the case type field has the focus
    keys(&c, &key(Key::Tab)).await; // district
    keys(&c, &key(Key::Tab)).await; // description
    keys(&c, "Frågar när återvinningscentralen i Lövsta öppnar.").await;
    keys(&c, &key(Key::Tab)).await; // personnummer
    keys(&c, &key(Key::Enter)).await; // save and close as answered at first contact
    wait_for_path(&c, "/").await;
    let source = c.source().await.expect("source");
    assert!(
        source.contains("är registrerat och avslutat"),
        "the start page confirms it"
    );
    let (_, cases) = app.get("/api/v1/cases?case_type=AVF-ATERV").await;
    let first = &cases["items"][0];
    assert_eq!(first["status"], "closed");
    assert_eq!(first["resolution"], "answered_at_first_contact");

    // Picking a case type brings its guidance and form fields.
    c.goto(&format!("{}/cases/new", app.base))
        .await
        .expect("new");
    keys(&c, "FSK-KO").await;
    keys(&c, &key(Key::Tab)).await;
    let mut shown = false;
    for _ in 0..40 {
        if c.find(Locator::Css("#form-child_birth_date")).await.is_ok() {
            shown = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(shown, "the type's form fields appear");
    check_page(&c, "03b-quick-registration-fields", &mut violations).await;

    // A case for the administration, registered and handed over.
    c.goto(&format!("{}/cases/new", app.base))
        .await
        .expect("new");
    type_into(&c, "#case_type", "FSK-ERB").await;
    c.find(Locator::Css("#district option[value='skarholmen']"))
        .await
        .expect("district")
        .click()
        .await
        .expect("choose");
    type_into(
        &c,
        "#description",
        "Vill veta när hon får besked om förskoleplats.",
    )
    .await;
    type_into(&c, "#name", "Tolvan Tolvansson").await;
    c.find(Locator::Css("button[value='open']"))
        .await
        .expect("open button")
        .click()
        .await
        .expect("save and open");
    wait_for_text(&c, "Lämna över till handläggare").await;
    let url = c.current_url().await.expect("url");
    assert!(url.path().starts_with("/cases/KC-"), "{url}");
    let number = url.path().trim_start_matches("/cases/").to_owned();
    check_page(&c, "04-case-card", &mut violations).await;
    type_into(
        &c,
        "#summary",
        "Sökte plats i mars. Fick veta att handläggaren återkommer.",
    )
    .await;
    c.find(Locator::Css("form[action$='/handover'] button"))
        .await
        .expect("hand over")
        .click()
        .await
        .expect("hand over");
    wait_for_text(&c, "Ärendet är överlämnat.").await;

    // The protected person's case does not exist for a level-1 agent.
    c.goto(&format!("{}/cases/{protected}", app.base))
        .await
        .expect("protected");
    let source = c.source().await.expect("source");
    assert!(
        !source.contains("Hemlig"),
        "no trace of the protected person"
    );
    check_page(&c, "05-not-found", &mut violations).await;
    c.goto(&format!(
        "{}/cases/new/person?person=19811228-9874",
        app.base
    ))
    .await
    .expect("lookup");
    let source = c.source().await.expect("source");
    assert!(
        !source.contains("Hemlig") && source.contains("Ingen tidigare kontakt"),
        "the caller look-up does not reveal the protected person"
    );

    // Search.
    c.goto(&format!("{}/search?case_type=FSK-ERB", app.base))
        .await
        .expect("search");
    assert!(c.source().await.expect("source").contains(&number));
    check_page(&c, "06-search", &mut violations).await;
    logout(&c).await;

    // The officer answers from the queue.
    login(&c, &app, "olle").await;
    assert!(
        c.source().await.expect("source").contains(&number),
        "in the officer's queue"
    );
    // Live: a hand-over made elsewhere appears in the open queue by itself
    // (after the page's event stream has connected, so it is the event
    // that brings it).
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let body = json!({"case_type": "FSK-ERB", "channel": "phone", "district": "skarholmen",
        "description": "Fråga om kön till förskolan."});
    let (_, live) = app.post("/api/v1/cases", &body).await;
    let live = live["number"].as_str().expect("number").to_owned();
    let (status, _) = app
        .post(
            &format!("/api/v1/cases/{live}/handover"),
            &json!({"group": "FSK-KO-SKH", "summary": "Vill veta sin plats i kön."}),
        )
        .await;
    assert_eq!(status, 200);
    let mut appeared = false;
    for _ in 0..40 {
        if c.source().await.expect("source").contains(&live) {
            appeared = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(appeared, "the queue updated itself (server-sent events)");
    check_page(&c, "07-start-officer", &mut violations).await;
    c.goto(&format!("{}/cases/{number}", app.base))
        .await
        .expect("card");
    c.find(Locator::Css("#accept"))
        .await
        .expect("accept")
        .click()
        .await
        .expect("accept the hand-over");
    wait_for_text(&c, "Du har tagit emot ärendet.").await;
    type_into(&c, "#note", "Besked skickat: plats från 1 augusti.").await;
    c.find(Locator::Css("form[action$='/note'] button"))
        .await
        .expect("note")
        .click()
        .await
        .expect("save note");
    wait_for_text(&c, "Anteckningen är sparad.").await;
    type_into(
        &c,
        "#answer",
        "Du har fått plats på Solrosen från 1 augusti.",
    )
    .await;
    c.find(Locator::Css("input[value='answer_and_close'] ~ button"))
        .await
        .expect("answer and close")
        .click()
        .await
        .expect("answer and close");
    wait_for_text(&c, "Svaret är registrerat och ärendet avslutat.").await;
    let source = c.source().await.expect("source");
    assert!(source.contains("Avslutat") && source.contains("Besked skickat"));
    check_page(&c, "08-case-answered", &mut violations).await;
    logout(&c).await;

    // Back at the centre, the agent sees what the officer did.
    login(&c, &app, "agnes").await;
    c.goto(&format!("{}/cases/{number}", app.base))
        .await
        .expect("card");
    let source = c.source().await.expect("source");
    for part in [
        "Mottaget av handläggare",
        "Du har fått plats på Solrosen",
        "Avslutat",
    ] {
        assert!(source.contains(part), "the centre sees {part}");
    }
    // The help dialog: "?" opens it, Esc closes it, and the focus goes back
    // to where it was.
    c.execute(
        "document.querySelector('a.language').focus(); return true;",
        vec![],
    )
    .await
    .expect("focus a link");
    keys(&c, "?").await;
    let open = c
        .execute("return document.getElementById('help').open;", vec![])
        .await
        .expect("dialog state");
    assert_eq!(open, json!(true), "? opens the help dialog");
    check_page(&c, "09-help-dialog", &mut violations).await;
    keys(&c, &key(Key::Escape)).await;
    let open = c
        .execute("return document.getElementById('help').open;", vec![])
        .await
        .expect("dialog state");
    assert_eq!(open, json!(false), "Esc closes it");
    let back = c
        .execute(
            "return document.activeElement === document.querySelector('a.language');",
            vec![],
        )
        .await
        .expect("focus");
    assert_eq!(back, json!(true), "the focus returns to where it was");

    // The English switch: the same card in English, then back.
    c.find(Locator::Css("a.language"))
        .await
        .expect("switch")
        .click()
        .await
        .expect("to English");
    wait_for_text(&c, "Timeline").await;
    assert!(
        c.current_url()
            .await
            .expect("url")
            .path()
            .ends_with(&number),
        "back on the same page"
    );
    check_page(&c, "09b-case-card-english", &mut violations).await;
    c.find(Locator::Css("a.language"))
        .await
        .expect("switch")
        .click()
        .await
        .expect("to Swedish");
    wait_for_text(&c, "Händelser").await;

    // 200 % zoom: a 1280 px screen shows 640 CSS pixels. Nothing may need
    // scrolling sideways (WCAG 1.4.10 reflow).
    c.set_window_size(640, 900).await.expect("narrow window");
    assert_reflows(
        &c,
        &app.base,
        &[
            "/",
            "/cases/new",
            &format!("/cases/{number}"),
            &format!("/cases/{number}/resident-view"),
            "/search?case_type=FSK-ERB",
            "/help",
            "/fallback",
            "/fallback/form",
        ],
    )
    .await;
    c.goto(&format!("{}/cases/{number}", app.base))
        .await
        .expect("card");
    check_page(&c, "10-case-card-200-percent", &mut violations).await;
    c.goto(&format!("{}/cases/{number}/resident-view", app.base))
        .await
        .expect("resident view");
    check_page(&c, "10b-resident-view-200-percent", &mut violations).await;
    c.set_window_size(1280, 1000).await.expect("wide window");
    // The fallback routine and its printable form.
    c.goto(&format!("{}/fallback", app.base))
        .await
        .expect("fallback");
    check_page(&c, "10b-fallback", &mut violations).await;
    c.goto(&format!("{}/fallback/form", app.base))
        .await
        .expect("fallback form");
    check_page(&c, "10c-fallback-form", &mut violations).await;
    logout(&c).await;

    // Administration and log review pages pass axe too.
    login(&c, &app, "admin").await;
    c.goto(&format!("{}/admin/accounts", app.base))
        .await
        .expect("accounts");
    check_page(&c, "11-accounts", &mut violations).await;
    logout(&c).await;
    login(&c, &app, "lisa").await;
    c.goto(&format!("{}/review", app.base))
        .await
        .expect("review");
    check_page(&c, "12-log-review", &mut violations).await;
    logout(&c).await;

    // The residents' e-services: the list, a form sent wrong and then
    // right, and the receipt.
    c.goto(&format!("{}/e-tjanster", app.base))
        .await
        .expect("e-services");
    check_page(&c, "13-e-services", &mut violations).await;
    c.goto(&format!("{}/e-tjanster/GATA-BELYS", app.base))
        .await
        .expect("form");
    check_page(&c, "14-e-service-form", &mut violations).await;
    type_into(&c, "#form-location", "Ringvägen 100").await;
    c.find(Locator::Css("button[type=submit]"))
        .await
        .expect("send")
        .click()
        .await
        .expect("click");
    check_page(&c, "15-e-service-errors", &mut violations).await;
    type_into(&c, "#description", "Gatlyktan är släckt.").await;
    c.execute(
        "document.querySelector('#form-extent').value = 'one'; document.querySelector('#form-state').value = 'off'; return true;",
        vec![],
    )
    .await
    .expect("choose");
    type_into(&c, "#email", "dana@example.se").await;
    c.find(Locator::Css("input[name=feedback_channel][value=email]"))
        .await
        .expect("radio")
        .click()
        .await
        .expect("click");
    c.find(Locator::Css("button[type=submit]"))
        .await
        .expect("send")
        .click()
        .await
        .expect("click");
    wait_for_text(&c, "Ditt ärendenummer är").await;
    let receipt = c
        .find(Locator::Css(".receipt"))
        .await
        .expect("the receipt")
        .text()
        .await
        .expect("text");
    check_page(&c, "16-e-service-receipt", &mut violations).await;
    let sent = receipt
        .split_whitespace()
        .find(|w| w.starts_with("KC-"))
        .expect("number")
        .trim_end_matches('.')
        .to_owned();
    // The case card shows the acknowledgement waiting to be sent.
    login(&c, &app, "agnes").await;
    c.goto(&format!("{}/cases/{sent}", app.base))
        .await
        .expect("card");
    c.find(Locator::Css("table.messages"))
        .await
        .expect("the messages to the resident");
    check_page(&c, "17-case-card-messages", &mut violations).await;

    // A mail set aside for an agent: the list and the mail with its forms.
    let id = app
        .store
        .set_aside(kontakt_store::set_aside::NewSetAside {
            key: "mail:webbläsare@example.test".into(),
            received_at: chrono::Utc::now(),
            reason: "the catalog lists no mailboxes".into(),
            sender: "Greta Gran <greta@example.test>".into(),
            subject: "Bygglov".into(),
            raw: "From: Greta Gran <greta@example.test>\r\nTo: kc@example.test\r\nSubject: Bygglov\r\nMessage-ID: <webbläsare@example.test>\r\n\r\nFår jag bygga ett plank?\r\n".as_bytes().to_vec(),
        })
        .await
        .expect("set aside");
    c.goto(&format!("{}/", app.base)).await.expect("start");
    c.find(Locator::Css("a[href='/mail/set-aside']"))
        .await
        .expect("the start page says mail waits")
        .click()
        .await
        .expect("open the list");
    wait_for_text(&c, "Bygglov").await;
    check_page(&c, "18-set-aside-list", &mut violations).await;
    c.goto(&format!("{}/mail/set-aside/{id}", app.base))
        .await
        .expect("the mail");
    wait_for_text(&c, "bygga ett plank").await;
    check_page(&c, "19-set-aside-mail", &mut violations).await;

    // The phone: agnes logs in to the queue; a call rings at her desk (the
    // screen pop), she answers, and quick registration opens linked to it.
    let pbx = kontakt_app::tokens::issue(&app.store, "vaxel", &["phone_system"])
        .await
        .expect("token");
    let cti = |body: serde_json::Value| {
        let (client, url, pbx) = (
            app.client.clone(),
            app.url("/api/v1/cti/events"),
            pbx.clone(),
        );
        async move {
            let r = client
                .post(url)
                .bearer_auth(pbx)
                .json(&body)
                .send()
                .await
                .expect("cti");
            assert_eq!(r.status(), 200, "{body}");
        }
    };
    c.goto(&format!("{}/", app.base)).await.expect("start");
    c.find(Locator::Css(".phone-panel button"))
        .await
        .expect("log in to the queue")
        .click()
        .await
        .expect("click");
    wait_for_text(&c, "redo").await;
    check_page(&c, "20-start-phone-ready", &mut violations).await;
    cti(
        json!({"event": "new_call", "call_id": "b1", "from": "+46701234567", "to": "+46850800000"}),
    )
    .await;
    cti(json!({"event": "menu", "call_id": "b1", "keys": "11"})).await;
    c.wait()
        .for_element(Locator::Css("#screen-pop a"))
        .await
        .expect("the screen pop")
        .click()
        .await
        .expect("open the call");
    wait_for_path(&c, "/phone/calls/b1").await;
    check_page(&c, "21-screen-pop", &mut violations).await;
    cti(json!({"event": "answered", "call_id": "b1", "agent": "agnes"})).await;
    wait_for_path(&c, "/cases/new").await;
    c.find(Locator::Css("input[name=call][value=b1]"))
        .await
        .expect("the call is linked");
    check_page(&c, "22-quick-registration-from-call", &mut violations).await;
    c.goto(&format!("{}/phone/groups/FSK/wallboard", app.base))
        .await
        .expect("wallboard");
    wait_for_text(&c, "Besvarade i dag").await;
    check_page(&c, "23-wallboard", &mut violations).await;
    logout(&c).await;
    login(&c, &app, "admin").await;
    c.goto(&format!("{}/phone/groups/FSK", app.base))
        .await
        .expect("phone settings");
    wait_for_text(&c, "Frånvaromeddelande").await;
    check_page(&c, "24-phone-settings", &mut violations).await;
    c.goto(&format!("{}/phone/numbers/+46850800000", app.base))
        .await
        .expect("announcement");
    wait_for_text(&c, "Meddelande före menyn").await;
    check_page(&c, "25-phone-announcement", &mut violations).await;
    // The statistics of this session's call and cases, tables and charts.
    c.goto(&format!("{}/stats", app.base))
        .await
        .expect("statistics");
    wait_for_text(&c, "Tillgänglighet per svarsgrupp").await;
    check_page(&c, "26-statistics", &mut violations).await;
    c.goto(&format!("{}/crisis", app.base))
        .await
        .expect("crisis page");
    check_page(&c, "27-crisis", &mut violations).await;
    logout(&c).await;

    // The knowledge base: an editor publishes two articles; the agent
    // searches, reads one, and sees a crisis message arrive on the open
    // page within a second.
    let editor = kontakt_app::tokens::issue(&app.store, "redaktor", &["editor"])
        .await
        .expect("token");
    let review_by =
        (kontakt_domain::calendar::stockholm_today() + chrono::Duration::days(90)).to_string();
    for (title, body, district, owner, area, types) in [
        (
            "Sophämtning i Farsta",
            "I Farsta töms soptunnan på **tisdagar**, udda veckor.",
            Some("farsta"),
            "TRN",
            "waste",
            vec!["AVF-MISS"],
        ),
        (
            "Förskoleplats – så ansöker du",
            "Ansök i e-tjänsten senast fyra månader innan.",
            None,
            "UTN",
            "preschool",
            vec!["FSK-KO"],
        ),
    ] {
        let content = json!({
            "texts": {"sv": {"title": title, "body": body}},
            "owner_board": owner, "service_area": area, "district": district,
            "audience": "public", "case_types": types, "links": [], "review_by": review_by,
        });
        let r = app
            .client
            .post(format!("{}/api/v1/knowledge/articles", app.base))
            .bearer_auth(&editor)
            .json(&json!({"content": content}))
            .send()
            .await
            .expect("article");
        assert_eq!(r.status(), 201);
        let id = r.json::<serde_json::Value>().await.expect("json")["id"]
            .as_i64()
            .expect("id");
        for step in ["submit", "publish"] {
            let r = app
                .client
                .post(format!(
                    "{}/api/v1/knowledge/articles/{id}/versions/1/{step}",
                    app.base
                ))
                .bearer_auth(&editor)
                .send()
                .await
                .expect("step");
            assert_eq!(r.status(), 200);
        }
    }
    login(&c, &app, "agnes").await;
    c.goto(&format!(
        "{}/knowledge?q=n%C3%A4r+t%C3%B6ms+soptunnan+i+Farsta",
        app.base
    ))
    .await
    .expect("search");
    let first = c
        .find(Locator::Css("ol.kb-hits li a"))
        .await
        .expect("a hit")
        .text()
        .await
        .expect("text");
    assert_eq!(first, "Sophämtning i Farsta");
    check_page(&c, "28-knowledge-search", &mut violations).await;
    c.find(Locator::Css("ol.kb-hits li a"))
        .await
        .expect("a hit")
        .click()
        .await
        .expect("open");
    wait_for_text(&c, "tisdagar").await;
    check_page(&c, "29-knowledge-article", &mut violations).await;
    // Crisis: published through the API while the agent's page is open.
    let leader = kontakt_app::tokens::issue(&app.store, "ledare", &["supervisor"])
        .await
        .expect("token");
    // The page notes when the banner arrives (its own clock, the same
    // machine's), so polling the browser adds nothing to the delay.
    c.execute(
        "window.crisisArrived = null; var b = document.getElementById('crisis-banner'); \
         new MutationObserver(function () { if (!window.crisisArrived && b.textContent.indexOf('Strömavbrott i Farsta') >= 0) { window.crisisArrived = Date.now(); } }) \
           .observe(b, {childList: true, subtree: true, characterData: true}); return true;",
        vec![],
    )
    .await
    .expect("observe the banner");
    let published = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as f64;
    let r = app
        .client
        .post(format!("{}/api/v1/crisis", app.base))
        .bearer_auth(&leader)
        .json(&json!({"texts": {"sv": {
            "title": "Strömavbrott i Farsta",
            "message": "Strömmen är borta i Farsta till klockan 16.",
            "script": "Säg att felet är känt och att strömmen är tillbaka till klockan 16."
        }}}))
        .send()
        .await
        .expect("crisis");
    assert_eq!(r.status(), 201);
    let mut arrived = None;
    for _ in 0..100 {
        let at = c
            .execute("return window.crisisArrived;", vec![])
            .await
            .expect("read");
        if let Some(at) = at.as_f64() {
            arrived = Some(at - published);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let arrived = arrived.expect("the crisis banner reached the open page");
    assert!(arrived < 1000.0, "the banner took {arrived} ms");
    check_page(&c, "30-crisis-banner", &mut violations).await;
    let r = app
        .client
        .post(format!("{}/api/v1/crisis/end", app.base))
        .bearer_auth(&leader)
        .send()
        .await
        .expect("end");
    assert_eq!(r.status(), 200);
    for _ in 0..50 {
        let text = c
            .find(Locator::Css("#crisis-banner"))
            .await
            .expect("banner")
            .text()
            .await
            .unwrap_or_default();
        if text.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    logout(&c).await;
    // The residents' web assistant: the local article for a question in
    // their own words, and the way to ask the centre.
    c.goto(&format!(
        "{}/fraga?q=n%C3%A4r+t%C3%B6ms+soptunnan+i+Farsta",
        app.base
    ))
    .await
    .expect("assistant");
    wait_for_text(&c, "Sophämtning i Farsta").await;
    check_page(&c, "31-web-assistant", &mut violations).await;
    c.find(Locator::Css("ol.kb-hits li a"))
        .await
        .expect("a hit")
        .click()
        .await
        .expect("open");
    wait_for_text(&c, "tisdagar").await;
    check_page(&c, "32-public-article", &mut violations).await;
    login(&c, &app, "admin").await;

    // axe really checks: an image without a text alternative is caught.
    c.execute(
        "const img = document.createElement('img'); img.src = '/static/none.png'; document.querySelector('main').appendChild(img); return true;",
        vec![],
    )
    .await
    .expect("break the page");
    let found = axe(&c).await;
    assert!(
        found.iter().any(|v| v.starts_with("image-alt")),
        "axe must catch a missing alt text: {found:?}"
    );

    let _ = c.close().await;
    assert!(
        violations.is_empty(),
        "axe-core found WCAG violations:\n{}",
        violations.join("\n")
    );
}

/// The switchboard's directory in the browser: the operator's type-ahead
/// (results appear while typing, without Enter), someone away with the
/// stand-in, a message taken, the HR import with its preview, and the
/// public directory in Swedish and English; axe-core on every page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directory_in_a_real_browser() {
    let app = crate::helpers::spawn_app(Db::Sqlite).await;
    let admin_token = crate::directory::seed(&app).await;
    let until = chrono::Utc::now() + chrono::Duration::days(2);
    let (status, _) = crate::directory::as_token(
        &app,
        &admin_token,
        "post",
        "/api/v1/directory/absences",
        &json!({"subject": "person:1001", "until": until, "reason": "Semester", "stand_in": "person:1003"}),
    )
    .await;
    assert_eq!(status, 201);
    create_account(&app, "vera", &["agent_l1", "group:VXL"], true).await;
    create_account(&app, "admin", &["administrator"], true).await;
    let (_driver, c) = browser().await;
    let mut violations = Vec::new();

    login(&c, &app, "vera").await;
    c.goto(&format!("{}/directory", app.base))
        .await
        .expect("directory");
    check_page(&c, "40-directory", &mut violations).await;
    // Type-ahead: the results come while typing, letter by letter.
    for letter in "parkeringstillstånd söder".chars() {
        keys(&c, &letter.to_string()).await;
    }
    // "Söder" is Södermalm: the inner city's unit comes first.
    let mut first = String::new();
    for _ in 0..50 {
        first = match c.find(Locator::Css("ul.dir-results li a")).await {
            Ok(a) => a.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if first == "Parkeringstillstånd Innerstaden" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(first, "Parkeringstillstånd Innerstaden");
    assert!(
        c.current_url()
            .await
            .is_ok_and(|u| u.query().unwrap_or_default().contains("q=")),
        "the address keeps the query"
    );
    // A half-remembered surname: she is away, and who stands in is shown.
    c.goto(&format!("{}/directory", app.base))
        .await
        .expect("directory");
    for letter in "andersen".chars() {
        keys(&c, &letter.to_string()).await;
    }
    wait_for_text(&c, "Frånvarande till").await;
    wait_for_text(&c, "Fatima Haddad").await;
    check_page(&c, "41-directory-away", &mut violations).await;
    c.find(Locator::Css("ul.dir-results li a"))
        .await
        .expect("Anna-Karin")
        .click()
        .await
        .expect("open");
    wait_for_path(&c, "/directory/people/1001").await;
    check_page(&c, "42-directory-person", &mut violations).await;
    c.goto(&format!("{}/directory/units/TK-PT-IN", app.base))
        .await
        .expect("unit");
    check_page(&c, "43-directory-unit", &mut violations).await;
    // A message for Olle, by the keyboard.
    c.goto(&format!("{}/directory/message?to=person%3A1002", app.base))
        .await
        .expect("message");
    check_page(&c, "44-directory-message", &mut violations).await;
    type_into(&c, "#caller_name", "Bo Berg").await;
    type_into(&c, "#caller_phone", "070-765 43 21").await;
    type_into(&c, "#message", "Undrar om sitt tillstånd").await;
    c.find(Locator::Css("main form button[type=submit]"))
        .await
        .expect("save")
        .click()
        .await
        .expect("save");
    wait_for_text(&c, "Meddelande från växeln").await;
    assert!(c
        .current_url()
        .await
        .is_ok_and(|u| u.path().starts_with("/cases/KC-")));
    // 200 % zoom: the operator's pages reflow.
    c.set_window_size(640, 900).await.expect("narrow window");
    assert_reflows(
        &c,
        &app.base,
        &[
            "/directory?q=parkeringstillst%C3%A5nd",
            "/directory/people/1001",
            "/directory/units/TK-PT-IN",
            "/directory/message?to=person%3A1002",
        ],
    )
    .await;
    c.set_window_size(1280, 1000).await.expect("wide window");
    logout(&c).await;

    // The administrator imports an HR file: the preview first.
    login(&c, &app, "admin").await;
    c.goto(&format!("{}/directory/import", app.base))
        .await
        .expect("import");
    check_page(&c, "45-directory-import", &mut violations).await;
    let file = std::env::temp_dir().join(format!("hr-{}.csv", std::process::id()));
    let next = crate::directory::STAFF_CSV.replace(
        "1003;Fatima;Haddad;Enhetschef;TK-PT-SO;",
        "1003;Fatima;Haddad;Enhetschef;TK-PT-IN;",
    ) + "1005;Maja;Öberg;Handläggare;TK-PT-SO;08-508 27 105;;maja.oberg@stockholm.se;sv;;direkt;\n";
    std::fs::write(&file, next).expect("write the file");
    type_into(&c, "#file", &file.display().to_string()).await;
    c.find(Locator::Css("main form button[type=submit]"))
        .await
        .expect("preview")
        .click()
        .await
        .expect("preview");
    wait_for_text(&c, "1 nya, 0 slutade, 1 flyttade").await;
    check_page(&c, "46-directory-preview", &mut violations).await;
    c.find(Locator::Css(
        "form[action='/directory/import/apply'] button",
    ))
    .await
    .expect("apply")
    .click()
    .await
    .expect("apply");
    wait_for_text(&c, "Katalogen är uppdaterad").await;
    let _ = std::fs::remove_file(&file);
    let (_, maja) = app.get("/api/v1/directory/people/1005").await;
    assert_eq!(maja["person"]["family_name"], "Öberg");
    logout(&c).await;

    // The public directory, in Swedish and in English.
    c.goto(&format!("{}/organisation", app.base))
        .await
        .expect("public");
    wait_for_text(&c, "Parkeringstillstånd Söderort").await;
    check_page(&c, "47-public-directory", &mut violations).await;
    c.goto(&format!("{}/lang/en", app.base))
        .await
        .expect("english");
    c.goto(&format!("{}/organisation/TK-PT-IN", app.base))
        .await
        .expect("unit");
    wait_for_text(&c, "Visiting address").await;
    check_page(&c, "48-public-unit-en", &mut violations).await;
    let source = c.source().await.expect("source");
    assert!(!source.contains("Andersson"), "no staff on public pages");
    // A phone's 360 px: the public pages fit.
    c.set_window_size(360, 800).await.expect("phone width");
    assert_reflows(&c, &app.base, &["/organisation", "/organisation/TK-PT-IN"]).await;
    check_page(&c, "49-public-directory-phone", &mut violations).await;

    let _ = c.close().await;
    assert!(
        violations.is_empty(),
        "axe-core found WCAG violations:\n{}",
        violations.join("\n")
    );
}
