//! The English switch: `/lang/{sv|en}` remembers the language in a cookie
//! and goes back to the page it was clicked on; every desk page then speaks
//! English, with `lang` on the document saying so.

use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::staff::logged_in;

async fn the_desk_speaks_english_on_request(app: TestApp) {
    let number = app.new_case().await;
    let mut agent = logged_in(&app, "agnes", &["agent_l1", "group:FSK"]).await;
    let home = agent.get("/").await;
    assert!(home.body.contains("<html lang=\"sv\"") && home.body.contains("Ny registrering"));
    assert!(
        home.body.contains("href=\"/lang/en\""),
        "the switch is on the page"
    );

    // The switch goes back to the page it was clicked on, and only on this site.
    let r = agent
        .client
        .get(format!("{}/lang/en", agent.base))
        .header("referer", format!("{}/cases/{number}", agent.base))
        .header("host", agent.base.trim_start_matches("http://"))
        .send()
        .await
        .expect("switch");
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], format!("/cases/{number}"));
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        cookie.starts_with("__Host-kontakt-lang=en;") && cookie.contains("Secure"),
        "{cookie}"
    );
    for back in ["//evil.example/x", "https://evil.example/", "/\\evil"] {
        let r = agent.get(&format!("/lang/en?back={back}")).await;
        assert_eq!(r.location, "/", "{back} is not followed");
    }

    agent
        .cookies
        .insert("__Host-kontakt-lang".into(), "en".into());
    let pages = [
        (
            "/",
            vec![
                "New registration",
                "Log out",
                "Every lookup of personal data is logged",
            ],
        ),
        (
            "/cases/new",
            vec!["What is it about?", "Save and open the case"],
        ),
        (
            &format!("/cases/{number}") as &str,
            vec!["Timeline", "Reply to the resident", "Responsible board"],
        ),
        (
            "/search?status=registered",
            vec!["Search cases", "Case type", "hit"],
        ),
        ("/help", vec!["Keyboard shortcuts", "How the desk works"]),
    ];
    for (path, words) in pages {
        let page = agent.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.contains("<html lang=\"en\""), "{path}");
        for w in words {
            assert!(page.body.contains(w), "{path}: '{w}' missing");
        }
        for swedish in ["Ny registrering", "Händelser", "Logga ut", "Sök ärenden"] {
            assert!(
                !page.body.contains(swedish),
                "{path}: Swedish '{swedish}' left"
            );
        }
    }
    // Back to Swedish.
    let r = agent.get("/lang/sv?back=/").await;
    assert_eq!(r.location, "/");
    agent
        .cookies
        .insert("__Host-kontakt-lang".into(), "sv".into());
    assert!(agent.get("/").await.body.contains("Ny registrering"));
}

on_both_backends!(the_desk_speaks_english_on_request);
