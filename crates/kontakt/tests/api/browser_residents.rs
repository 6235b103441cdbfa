//! Mina sidor in real headless Chromium: the resident logs in by the
//! keyboard with a one-time code read from the real mail server, sees the
//! case an agent registered for them, reads it in Arabic (right to left,
//! and the layout really mirrors), uploads a photo, and the agent sees the
//! photo and the resident's language on the case card. axe-core finds no
//! WCAG 2.1 A/AA violation on any page in any of the eleven languages;
//! the pages reflow at 200 % zoom and on a 360 px wide phone (screenshots
//! in `target/screenshots/`).

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::browser::{
    assert_reflows, axe, browser, check_page, key, login, screenshot_dir, type_into, wait_for_path,
    wait_for_text,
};
use crate::helpers::{spawn_app_for_residents, Db};
use crate::mail::address;
use crate::mina_sidor::{api_case, mail_with_subject, new_case, send_mail, six_digits};
use crate::staff::create_account;

/// Every resident language, as the pages name them in `/lang/{code}`.
const LANGUAGES: [&str; 11] = [
    "sv", "en", "fi", "ar", "fa", "so", "ti", "pl", "es", "tr", "ru",
];

/// Runs axe on `path` in every language; returns the violations.
async fn axe_in_every_language(c: &Client, base: &str, path: &str) -> Vec<String> {
    let back = path
        .replace('?', "%3F")
        .replace('=', "%3D")
        .replace('/', "%2F");
    let mut violations = Vec::new();
    for lang in LANGUAGES {
        c.goto(&format!("{base}/lang/{lang}?back={back}"))
            .await
            .expect("switch language");
        let html_lang = c
            .execute("return document.documentElement.lang;", vec![])
            .await
            .expect("lang");
        assert_eq!(html_lang, lang, "{path} in {lang}");
        for v in axe(c).await {
            violations.push(format!("{path} [{lang}]: {v}"));
        }
    }
    violations
}

/// Where an element sits: its left and right edge in CSS pixels.
async fn edges(c: &Client, css: &str) -> (f64, f64) {
    let r = c
        .execute(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect(); return [r.left, r.right];",
            vec![json!(css)],
        )
        .await
        .expect("rect");
    (r[0].as_f64().unwrap_or(0.0), r[1].as_f64().unwrap_or(0.0))
}

async fn window_width(c: &Client) -> f64 {
    c.execute("return window.innerWidth;", vec![])
        .await
        .expect("width")
        .as_f64()
        .unwrap_or(0.0)
}

async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).expect("write screenshot");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mina_sidor_in_a_real_browser() {
    let app = spawn_app_for_residents(Db::Sqlite, None).await;
    create_account(&app, "agnes", &["agent_l1", "group:STAD"], true).await;
    // The agent registers the resident's call.
    let resident = address("amal");
    let number = new_case(
        &app,
        json!({"name": "Amal Hassan", "email": resident, "phone": "070-765 43 21"}),
        "Gatlyktan utanför Fittjavägen 3 är släckt sedan i måndags.",
    )
    .await;
    let (_driver, c) = browser().await;
    let mut violations = Vec::new();

    // Before logging in: the way in, in every language.
    violations.extend(axe_in_every_language(&c, &app.base, "/mina-sidor").await);
    c.goto(&format!("{}/lang/sv?back=/mina-sidor", app.base))
        .await
        .expect("Swedish");
    check_page(&c, "ms-01-login", &mut violations).await;

    // Log in by the keyboard: the address, Enter; the code, Enter.
    type_into(
        &c,
        "#address",
        &format!("{resident}{}", key(fantoccini::key::Key::Enter)),
    )
    .await;
    wait_for_path(&c, "/mina-sidor/kod").await;
    violations.extend(axe_in_every_language(&c, &app.base, "/mina-sidor/kod?via=email").await);
    c.goto(&format!(
        "{}/lang/sv?back=%2Fmina-sidor%2Fkod%3Fvia%3Demail",
        app.base
    ))
    .await
    .expect("Swedish");
    check_page(&c, "ms-02-code", &mut violations).await;
    send_mail(&app).await;
    let code = six_digits(&mail_with_subject(&resident, 1, "Din kod till Mina sidor").await);
    type_into(
        &c,
        "#code",
        &format!("{code}{}", key(fantoccini::key::Key::Enter)),
    )
    .await;
    wait_for_path(&c, "/mina-sidor/arenden").await;

    // The case the agent registered a moment ago.
    wait_for_text(&c, &number).await;
    check_page(&c, "ms-03-my-cases", &mut violations).await;
    c.find(Locator::LinkText(&number))
        .await
        .expect("the case's link")
        .click()
        .await
        .expect("open the case");
    let case_path = format!("/mina-sidor/arenden/{number}");
    wait_for_path(&c, &case_path).await;
    wait_for_text(&c, "Fittjavägen 3").await;
    check_page(&c, "ms-04-case", &mut violations).await;
    let (ltr_left, _) = edges(&c, "a.brand").await;

    // Arabic: chosen from the language menu, right to left, mirrored.
    c.find(Locator::Css("nav.ms-languages button[value=ar]"))
        .await
        .expect("the Arabic button")
        .click()
        .await
        .expect("choose Arabic");
    for _ in 0..50 {
        let dir = c
            .execute("return document.documentElement.dir;", vec![])
            .await
            .expect("dir");
        if dir == "rtl" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_for_path(&c, &case_path).await;
    let dir = c
        .execute("return [document.documentElement.lang, document.documentElement.dir, getComputedStyle(document.body).direction];", vec![])
        .await
        .expect("dir");
    assert_eq!(dir, json!(["ar", "rtl", "rtl"]));
    let width = window_width(&c).await;
    let (_, rtl_right) = edges(&c, "a.brand").await;
    assert!(
        ltr_left < width / 2.0,
        "the brand starts at the left in Swedish"
    );
    assert!(
        rtl_right > width / 2.0,
        "the brand sits at the right in Arabic ({rtl_right} of {width})"
    );
    let (label_left, _) = edges(&c, "label[for=text]").await;
    assert!(
        label_left > width / 4.0,
        "the form's labels start at the right"
    );
    check_page(&c, "ms-05-case-arabic", &mut violations).await;

    // A photo with a message, in Arabic.
    let dir = tempfile::tempdir().expect("temp dir");
    let photo = dir.path().join("gatlykta.png");
    std::fs::write(&photo, b"\x89PNG\r\n\x1a\n photo of the street light").expect("photo");
    type_into(&c, "#text", "المصباح لا يزال مطفأ.").await;
    c.find(Locator::Css("#files"))
        .await
        .expect("file input")
        .send_keys(&photo.display().to_string())
        .await
        .expect("choose the photo");
    c.find(Locator::Css(".ms-case-actions form button[type=submit]"))
        .await
        .expect("send button")
        .click()
        .await
        .expect("send");
    wait_for_text(&c, "gatlykta.png").await;
    wait_for_text(&c, "المصباح لا يزال مطفأ.").await;
    check_page(&c, "ms-06-sent-arabic", &mut violations).await;

    // Every logged-in page in every language, and a refusal page.
    for path in [
        "/mina-sidor/arenden".to_owned(),
        case_path.clone(),
        "/mina-sidor/starta".to_owned(),
        "/mina-sidor/arenden/KC-2026-999999".to_owned(),
    ] {
        violations.extend(axe_in_every_language(&c, &app.base, &path).await);
    }

    // A phone 360 px wide, and 200 % zoom (640 CSS px), in Swedish and Arabic.
    for (lang, width) in [("sv", 360), ("ar", 360), ("sv", 640), ("ar", 640)] {
        c.set_window_size(width, 800).await.expect("window size");
        c.goto(&format!(
            "{}/lang/{lang}?back=/mina-sidor/arenden",
            app.base
        ))
        .await
        .expect("language");
        assert_reflows(
            &c,
            &app.base,
            &["/mina-sidor/arenden", &case_path, "/mina-sidor/starta"],
        )
        .await;
        if width == 360 {
            c.goto(&format!("{}{case_path}", app.base))
                .await
                .expect("case");
            screenshot(&c, &format!("ms-07-phone-{lang}")).await;
        }
    }
    c.set_window_size(1280, 1000).await.expect("wide window");

    // The agent sees the photo, the message and the language on the card.
    c.goto(&format!("{}/lang/sv?back=/login", app.base))
        .await
        .expect("Swedish");
    login(&c, &app, "agnes").await;
    c.goto(&format!("{}/cases/{number}", app.base))
        .await
        .expect("case card");
    wait_for_text(&c, "gatlykta.png").await;
    wait_for_text(&c, "المصباح لا يزال مطفأ.").await;
    wait_for_text(&c, "Språk: العربية (ar)").await;
    let card = api_case(&app, &number).await;
    assert_eq!(card["contact"]["preferred_language"], "ar");
    // And the resident view shows the agent exactly what the resident sees.
    c.goto(&format!("{}/cases/{number}/resident-view", app.base))
        .await
        .expect("resident view");
    wait_for_text(&c, "gatlykta.png").await;
    check_page(&c, "ms-08-resident-view", &mut violations).await;

    assert!(
        violations.is_empty(),
        "accessibility violations:\n{}",
        violations.join("\n")
    );
}
