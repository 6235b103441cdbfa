//! The knowledge base over the API, on both databases: the workflow and
//! who may take each step, search relevance with Swedish inflections, the
//! catalog's synonyms, typing errors and local knowledge, the residents'
//! web assistant and the questions it could not answer, agents' flags
//! reaching the owner, and articles given as answers on cases.

use std::collections::BTreeMap;

use kontakt_domain::knowledge::{ArticleContent, ArticleLink, ArticleText, Audience};
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::on_both_backends;

/// An article's content: Swedish text, owned by the waste administration,
/// public, reviewed half a year from now.
pub(crate) fn content(title: &str, district: Option<&str>) -> ArticleContent {
    ArticleContent {
        texts: BTreeMap::from([(
            "sv".to_owned(),
            ArticleText {
                title: title.into(),
                body: format!("{title}. Mer information finns på stadens webbplats."),
            },
        )]),
        owner_board: "TRN".into(),
        service_area: "waste".into(),
        district: district.map(str::to_owned),
        audience: Audience::Public,
        case_types: vec![],
        links: vec![ArticleLink {
            title: "Läs mer".into(),
            url: "https://start.stockholm/".into(),
        }],
        review_by: kontakt_domain::calendar::stockholm_today() + chrono::Duration::days(180),
    }
}

async fn send(
    app: &TestApp,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = match method {
        "POST" => app.client.post(app.url(path)),
        _ => app.client.get(app.url(path)),
    };
    if !token.is_empty() {
        req = req.bearer_auth(token);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

async fn token(app: &TestApp, name: &str, grants: &[&str]) -> String {
    kontakt_app::tokens::issue(&app.store, name, grants)
        .await
        .expect("token")
}

/// Creates and publishes an article as `editor`; returns its id.
async fn published(app: &TestApp, editor: &str, content: &ArticleContent) -> i64 {
    let (status, created) = send(
        app,
        editor,
        "POST",
        "/api/v1/knowledge/articles",
        Some(json!({ "content": content, "note": "Ny" })),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().expect("id");
    for step in ["submit", "publish"] {
        let (status, body) = send(
            app,
            editor,
            "POST",
            &format!("/api/v1/knowledge/articles/{id}/versions/1/{step}"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{step}: {body}");
    }
    id
}

async fn articles_are_written_reviewed_and_published(app: TestApp) {
    let editor = token(&app, "redaktor", &["editor"]).await;
    let agent = token(&app, "agent", &["agent_l1"]).await;
    // An officer at the waste administration (TRN) and one at a district.
    let waste = token(&app, "avfall", &["officer", "group:TK-AVF"]).await;
    let district = token(&app, "sdn", &["officer", "group:SOC-SKH"]).await;

    // Bad content: every wrong field named, nothing stored.
    let mut bad = content("Sophämtning", Some("atlantis"));
    bad.review_by = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).expect("date");
    bad.links[0].url = "javascript:alert(1)".into();
    let (status, problem) = send(
        &app,
        &waste,
        "POST",
        "/api/v1/knowledge/articles",
        Some(json!({ "content": bad })),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let text = problem.to_string();
    for field in ["district", "review_by", "links[0].url"] {
        assert!(text.contains(field), "{field}: {problem}");
    }
    // Another board's officer may not write the waste administration's article.
    let (status, _) = send(
        &app,
        &district,
        "POST",
        "/api/v1/knowledge/articles",
        Some(json!({ "content": content("Sophämtning", None) })),
    )
    .await;
    assert_eq!(status, 403);
    // Agents read; they do not write.
    let (status, _) = send(
        &app,
        &agent,
        "POST",
        "/api/v1/knowledge/articles",
        Some(json!({ "content": content("Sophämtning", None) })),
    )
    .await;
    assert_eq!(status, 403);

    // The owner writes a draft: agents do not see it yet.
    let (status, created) = send(
        &app,
        &waste,
        "POST",
        "/api/v1/knowledge/articles",
        Some(json!({ "content": content("Sophämtning i Farsta", Some("farsta")), "note": "Första versionen" })),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().expect("id");
    let path = format!("/api/v1/knowledge/articles/{id}");
    assert_eq!(send(&app, &agent, "GET", &path, None).await.0, 404);
    // Only a draft goes to review, and only an editor publishes.
    let step = |n: i64, s: &str| format!("{path}/versions/{n}/{s}");
    assert_eq!(
        send(&app, &waste, "POST", &step(1, "publish"), None)
            .await
            .0,
        403
    );
    assert_eq!(
        send(&app, &editor, "POST", &step(1, "publish"), None)
            .await
            .0,
        409
    );
    assert_eq!(
        send(&app, &waste, "POST", &step(1, "submit"), None).await.0,
        200
    );
    assert_eq!(
        send(&app, &editor, "POST", &step(1, "dance"), None).await.0,
        404
    );
    // While in review nobody changes the text.
    let (status, _) = send(
        &app,
        &waste,
        "POST",
        &format!("{path}/versions"),
        Some(json!({ "content": content("Sophämtning i Farsta", Some("farsta")), "after": 1 })),
    )
    .await;
    assert_eq!(status, 409);
    let (status, body) = send(&app, &editor, "POST", &step(1, "publish"), None).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("published")),
        "{body}"
    );
    let (status, seen) = send(&app, &agent, "GET", &path, None).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["versions"].as_array().map(Vec::len), Some(1));

    // A second version: agents keep reading the first until it is published.
    let mut changed = content("Sophämtning i Farsta – tisdagar", Some("farsta"));
    changed.case_types = vec!["AVF-MISS".into()];
    let revise = |after: i64| json!({ "content": changed.clone(), "after": after, "note": "Ny tömningsdag" });
    let (status, _) = send(
        &app,
        &waste,
        "POST",
        &format!("{path}/versions"),
        Some(revise(0)),
    )
    .await;
    assert_eq!(status, 409, "a stale version number is refused");
    let (status, v2) = send(
        &app,
        &waste,
        "POST",
        &format!("{path}/versions"),
        Some(revise(1)),
    )
    .await;
    assert_eq!((status, v2["version"].as_i64()), (201, Some(2)), "{v2}");
    let (_, seen) = send(&app, &agent, "GET", &path, None).await;
    assert_eq!(seen["versions"][0]["number"], 1, "{seen}");
    send(&app, &waste, "POST", &step(2, "submit"), None).await;
    let (status, _) = send(&app, &editor, "POST", &step(2, "return"), None).await;
    assert_eq!(status, 200);
    send(&app, &waste, "POST", &step(2, "submit"), None).await;
    assert_eq!(
        send(&app, &editor, "POST", &step(2, "publish"), None)
            .await
            .0,
        200
    );
    let (_, history) = send(&app, &waste, "GET", &path, None).await;
    let states: Vec<&str> = history["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .filter_map(|v| v["status"].as_str())
        .collect();
    assert_eq!(states, ["superseded", "published"], "{history}");
    assert_eq!(history["versions"][1]["note"], "Ny tömningsdag");
    // Who took the last step, by version.
    assert_eq!(
        history["versions"][1]["changed_by"], "token:redaktor",
        "{history}"
    );
    // Analysts see statistics only.
    let analyst = token(&app, "analys", &["analyst"]).await;
    assert_eq!(send(&app, &analyst, "GET", &path, None).await.0, 403);
}

async fn agents_find_the_right_article(app: TestApp) {
    let editor = token(&app, "redaktor", &["editor"]).await;
    let agent = token(&app, "agent", &["agent_l1"]).await;
    let mut preschool = content("Förskoleplats – så ansöker du", None);
    preschool.owner_board = "UTN".into();
    preschool.service_area = "preschool".into();
    preschool.case_types = vec!["FSK-KO".into()];
    preschool.texts.get_mut("sv").expect("sv").body =
        "Du ansöker om plats i förskola i e-tjänsten senast fyra månader innan.".into();
    let preschool = published(&app, &editor, &preschool).await;
    let city = published(
        &app,
        &editor,
        &content("Sophämtning – när töms soptunnan?", None),
    )
    .await;
    let farsta = published(
        &app,
        &editor,
        &content(
            "Sophämtning i Farsta: soptunnan töms på tisdagar",
            Some("farsta"),
        ),
    )
    .await;
    let mut parking = content("Boendeparkering och parkeringstillstånd", None);
    parking.service_area = "parking".into();
    let parking = published(&app, &editor, &parking).await;

    let first = |q: &'static str, district: Option<&'static str>| {
        let (app, agent) = (&app, &agent);
        async move {
            let mut query = vec![("q", q)];
            if let Some(d) = district {
                query.push(("district", d));
            }
            let r = app
                .client
                .get(app.url("/api/v1/knowledge/search"))
                .query(&query)
                .bearer_auth(agent)
                .send()
                .await
                .expect("search");
            assert_eq!(r.status(), 200);
            let body: Value = r.json().await.expect("json");
            body["hits"][0]["id"].as_i64().unwrap_or(0)
        }
    };
    // Inflections, the catalog's synonyms, typing errors.
    assert_eq!(first("förskoleplatser", None).await, preschool);
    assert_eq!(first("dagis", None).await, preschool);
    assert_eq!(first("förskolplats", None).await, preschool);
    assert_eq!(first("parkeringstillståndet", None).await, parking);
    // Local knowledge: the district named in the question, or the caller's.
    assert_eq!(first("när töms soptunnan i Farsta", None).await, farsta);
    assert_eq!(first("när töms soptunnan", None).await, city);
    assert_eq!(first("soptunnan", Some("farsta")).await, farsta);
    // A question is required, and not a novel.
    let (status, _) = send(&app, &agent, "GET", "/api/v1/knowledge/search?q=", None).await;
    assert_eq!(status, 400);
    let long = "a".repeat(501);
    let (status, _) = send(
        &app,
        &agent,
        "GET",
        &format!("/api/v1/knowledge/search?q={long}"),
        None,
    )
    .await;
    assert_eq!(status, 400);
    // Without a token, no search for staff.
    assert_eq!(
        send(&app, "", "GET", "/api/v1/knowledge/search?q=dagis", None)
            .await
            .0,
        401
    );
}

async fn the_web_assistant_answers_residents(app: TestApp) {
    let editor = token(&app, "redaktor", &["editor"]).await;
    let mut preschool = content("Förskoleplats – så ansöker du", None);
    preschool.owner_board = "UTN".into();
    preschool.service_area = "preschool".into();
    preschool.texts.insert(
        "en".into(),
        ArticleText {
            title: "Preschool place – how to apply".into(),
            body: "Apply in the e-service.".into(),
        },
    );
    let public = published(&app, &editor, &preschool).await;
    let mut script = content("Manus: förskolekön", None);
    script.owner_board = "UTN".into();
    script.service_area = "preschool".into();
    script.audience = Audience::Agents;
    let internal = published(&app, &editor, &script).await;

    // Anyone may ask; residents get public articles only, in their language.
    let (status, answer) = send(
        &app,
        "",
        "GET",
        "/api/v1/assistant?q=f%C3%B6rskola&lang=en",
        None,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let hits = answer["hits"].as_array().expect("hits");
    assert!(hits.iter().all(|h| h["id"] != internal), "{answer}");
    assert_eq!(hits[0]["id"], public);
    assert_eq!(hits[0]["lang"], "en");
    assert_eq!(hits[0]["title"], "Preschool place – how to apply");

    // A question nothing answers is counted, as words without digits,
    // and listed for the owners once asked three times (one resident's
    // single question is shown to nobody).
    for i in 0..3 {
        let (_, none) = send(
            &app,
            "",
            "GET",
            "/api/v1/assistant?q=Hur%20f%C3%A5r%20jag%20fiskekort%2019121212-1212",
            None,
        )
        .await;
        assert_eq!(none["hits"].as_array().map(Vec::len), Some(0), "{none}");
        if i == 1 {
            let (_, todo) = send(&app, &editor, "GET", "/api/v1/knowledge/todo", None).await;
            assert!(!todo["gaps"].to_string().contains("fiskekort"), "{todo}");
        }
    }
    let (status, todo) = send(&app, &editor, "GET", "/api/v1/knowledge/todo", None).await;
    assert_eq!(status, 200, "{todo}");
    let gaps = todo["gaps"].as_array().expect("gaps");
    assert!(
        gaps.iter()
            .any(|g| g["terms"].as_str().is_some_and(|t| t.contains("fiskekort"))),
        "{todo}"
    );
    assert!(!todo.to_string().contains("1212"), "{todo}");

    // The page: the answers, and the way to ask the centre with the
    // question filled in.
    let page = app
        .client
        .get(app.url("/fraga?q=f%C3%B6rskola"))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let body = page.text().await.expect("body");
    assert!(body.contains("Förskoleplats – så ansöker du"), "{body}");
    assert!(!body.contains("Manus"), "{body}");
    let page = app
        .client
        .get(app.url("/fraga?q=fiskekort"))
        .send()
        .await
        .expect("page");
    let body = page.text().await.expect("body");
    assert!(
        body.contains("/e-tjanster/ALLM-FRAGA?fraga=fiskekort"),
        "{body}"
    );
    let form = app
        .client
        .get(app.url("/e-tjanster/ALLM-FRAGA?fraga=fiskekort"))
        .send()
        .await
        .expect("form")
        .text()
        .await
        .expect("body");
    assert!(form.contains(">fiskekort</textarea>"), "{form}");
    // A public article reads on its own page; an internal one does not.
    let ok = app
        .client
        .get(app.url(&format!("/fraga/artiklar/{public}?lang=en")))
        .send()
        .await
        .expect("article");
    assert_eq!(ok.status(), 200);
    assert!(ok
        .text()
        .await
        .expect("body")
        .contains("Apply in the e-service."));
    let hidden = app
        .client
        .get(app.url(&format!("/fraga/artiklar/{internal}")))
        .send()
        .await
        .expect("article");
    assert_eq!(hidden.status(), 404);
}

async fn flags_reach_the_owner_and_answers_are_counted(app: TestApp) {
    let editor = token(&app, "redaktor", &["editor"]).await;
    let agent = token(&app, "agent", &["agent_l1"]).await;
    let waste = token(&app, "avfall", &["officer", "group:TK-AVF"]).await;
    let other = token(&app, "sdn", &["officer", "group:SOC-SKH"]).await;
    let id = published(&app, &editor, &content("Grovsopor", None)).await;
    let path = format!("/api/v1/knowledge/articles/{id}");

    let (status, _) = send(
        &app,
        &agent,
        "POST",
        &format!("{path}/flags"),
        Some(json!({ "reason": " " })),
    )
    .await;
    assert_eq!(status, 422);
    let (status, flag) = send(
        &app,
        &agent,
        "POST",
        &format!("{path}/flags"),
        Some(json!({ "reason": "Grovsoprummet i Farsta har stängt." })),
    )
    .await;
    assert_eq!(status, 201, "{flag}");
    // The owner's list has it; another board's officer's has not.
    let (_, todo) = send(&app, &waste, "GET", "/api/v1/knowledge/todo", None).await;
    assert!(todo["flags"].to_string().contains("har stängt"), "{todo}");
    let (_, theirs) = send(&app, &other, "GET", "/api/v1/knowledge/todo", None).await;
    assert!(
        !theirs["flags"].to_string().contains("har stängt"),
        "{theirs}"
    );

    // An article given as the answer on a case, once per case.
    let (status, created) = app
        .post("/api/v1/cases", &crate::helpers::minimal_case())
        .await;
    assert_eq!(status, 201, "{created}");
    let number = created["number"].as_str().expect("number");
    let answer = |case: &str| json!({ "case": case });
    let (status, first) = send(
        &app,
        &agent,
        "POST",
        &format!("{path}/answers"),
        Some(answer(number)),
    )
    .await;
    assert_eq!(
        (status, first["new"].as_bool()),
        (200, Some(true)),
        "{first}"
    );
    let (_, again) = send(
        &app,
        &agent,
        "POST",
        &format!("{path}/answers"),
        Some(answer(number)),
    )
    .await;
    assert_eq!(again["new"], false);
    let (status, _) = send(
        &app,
        &agent,
        "POST",
        &format!("{path}/answers"),
        Some(answer("KC-1999-999999")),
    )
    .await;
    // No such case (or none the agent may read): refused alike.
    assert_eq!(status, 404);
    let (status, _) = send(
        &app,
        &agent,
        "POST",
        &format!("{path}/answers"),
        Some(answer("nonsense")),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = send(
        &app,
        &agent,
        "POST",
        "/api/v1/knowledge/articles/999999/answers",
        Some(answer(number)),
    )
    .await;
    assert_eq!(status, 404);
    // Which answers are given, and solve the question at once: the case
    // was registered open, so not at first contact.
    let (status, uses) = send(&app, &agent, "GET", "/api/v1/knowledge/uses", None).await;
    assert_eq!(status, 200, "{uses}");
    let row = uses["uses"]
        .as_array()
        .expect("uses")
        .iter()
        .find(|u| u["article"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("{uses}"));
    assert_eq!(row["uses"], 1, "{uses}");
    assert_eq!(row["first_contact"], 0, "{uses}");
    assert_eq!(row["title"], "Grovsopor");
}

async fn files_go_with_articles(app: TestApp) {
    use base64::Engine;
    let editor = token(&app, "redaktor", &["editor"]).await;
    let agent = token(&app, "agent", &["agent_l1"]).await;
    let public = published(&app, &editor, &content("Grovsopor – blankett", None)).await;
    let mut internal = content("Intern rutin", None);
    internal.audience = Audience::Agents;
    let internal = published(&app, &editor, &internal).await;
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();
    let file = |name: &str, bytes: &[u8]| {
        json!({
            "file_name": name,
            "content_type": "application/octet-stream",
            "content_base64": base64::engine::general_purpose::STANDARD.encode(bytes),
        })
    };
    let path = |id: i64| format!("/api/v1/knowledge/articles/{id}/attachments");
    // Readers do not attach; nothing empty, no path in a name, no bad base64.
    assert_eq!(
        send(
            &app,
            &agent,
            "POST",
            &path(public),
            Some(file("a.pdf", &pdf))
        )
        .await
        .0,
        403
    );
    assert_eq!(
        send(
            &app,
            &editor,
            "POST",
            &path(public),
            Some(file("a.pdf", b""))
        )
        .await
        .0,
        422
    );
    assert_eq!(
        send(
            &app,
            &editor,
            "POST",
            &path(public),
            Some(file("../a.pdf", &pdf))
        )
        .await
        .0,
        422
    );
    let (status, _) = send(
        &app,
        &editor,
        "POST",
        &path(public),
        Some(json!({"file_name": "a.pdf", "content_base64": "***"})),
    )
    .await;
    assert_eq!(status, 422);
    let (status, attached) = send(
        &app,
        &editor,
        "POST",
        &path(public),
        Some(file("blankett.pdf", &pdf)),
    )
    .await;
    assert_eq!(status, 201, "{attached}");
    let attachment = attached["attachment"].as_i64().expect("id");
    // Residents download a public article's file, typed by its content.
    let r = app
        .client
        .get(app.url(&format!("/fraga/artiklar/{public}/bilagor/{attachment}")))
        .send()
        .await
        .expect("download");
    assert_eq!(r.status(), 200, "{:?}", r.headers());
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), pdf);
    let page = app
        .client
        .get(app.url(&format!("/fraga/artiklar/{public}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(page.contains("blankett.pdf"), "{page}");
    // A file added to a new draft stays with the draft until it is
    // published.
    let (status, v2) = send(
        &app,
        &editor,
        "POST",
        &format!("/api/v1/knowledge/articles/{public}/versions"),
        Some(json!({ "content": content("Grovsopor – blankett", None), "after": 1 })),
    )
    .await;
    assert_eq!(status, 201, "{v2}");
    let (status, draft_file) = send(
        &app,
        &editor,
        "POST",
        &path(public),
        Some(file("utkast.pdf", &pdf)),
    )
    .await;
    assert_eq!(status, 201, "{draft_file}");
    let r = app
        .client
        .get(app.url(&format!(
            "/fraga/artiklar/{public}/bilagor/{}",
            draft_file["attachment"]
        )))
        .send()
        .await
        .expect("download");
    assert_eq!(r.status(), 404);
    // An agents-only article's file is not public.
    let (status, hidden) = send(
        &app,
        &editor,
        "POST",
        &path(internal),
        Some(file("rutin.pdf", &pdf)),
    )
    .await;
    assert_eq!(status, 201, "{hidden}");
    let r = app
        .client
        .get(app.url(&format!(
            "/fraga/artiklar/{internal}/bilagor/{}",
            hidden["attachment"]
        )))
        .send()
        .await
        .expect("download");
    assert_eq!(r.status(), 404);
    // Nor is a file asked for under another article.
    let r = app
        .client
        .get(app.url(&format!(
            "/fraga/artiklar/{public}/bilagor/{}",
            hidden["attachment"]
        )))
        .send()
        .await
        .expect("download");
    assert_eq!(r.status(), 404);
}

on_both_backends!(files_go_with_articles);
on_both_backends!(articles_are_written_reviewed_and_published);
on_both_backends!(agents_find_the_right_article);
on_both_backends!(the_web_assistant_answers_residents);
on_both_backends!(flags_reach_the_owner_and_answers_are_counted);
