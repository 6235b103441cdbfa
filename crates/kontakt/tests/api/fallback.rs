//! The manual fallback end to end: a capture file filled in while the
//! systems were down becomes cases dated when each contact was made;
//! importing it again registers nothing twice; a file with bad rows names
//! each row and column and registers nothing; the pages are for agents,
//! team leaders and administrators, and the upload needs the session's
//! CSRF token.

use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::staff::{csrf_of, logged_in, Browser, Page};

const HEADER: &str = "id,kontakttid,kanal,ärendetyp,stadsdel,beskrivning,löst_direkt,namn,personnummer,telefon,e_post,återkoppling,formulärfält";

async fn import(browser: &mut Browser, csrf: &str, file: &[u8]) -> Page {
    browser
        .post_multipart(
            "/fallback/import",
            &[
                ("csrf", None, csrf.as_bytes()),
                ("file", Some("reservrutin.csv"), file),
            ],
        )
        .await
}

/// The case numbers a result page links to, in order.
fn numbers(body: &str) -> Vec<String> {
    body.split("href=\"/cases/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|n| n.starts_with("KC-"))
        .map(str::to_owned)
        .collect()
}

async fn agent_with_form(app: &TestApp, username: &str) -> (Browser, String) {
    let mut agent = logged_in(app, username, &["agent_l1", "group:FSK"]).await;
    let page = agent.get("/fallback").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = csrf_of(&page.body);
    (agent, csrf)
}

async fn fallback_import_registers_each_contact_once(app: TestApp) {
    let (mut agent, csrf) = agent_with_form(&app, "agnes").await;
    let before = app.case_count().await;
    let file = format!(
        "{HEADER}\n\
         ab-001,2026-11-20 08:15,telefon,SYNP-KCS,,\"Väntetiden var lång, 40 minuter\",ja,Anna Andersson,19121212-1212,070-123 45 67,,telefon,\n\
         AB-002,2026-07-03 16:45,besök,ALLM-HANV,Farsta,Frågar var medborgarkontoret ligger,nej,,,,,,\n"
    );
    let r = import(&mut agent, &csrf, file.as_bytes()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body
            .contains("Importerade: 2. Redan importerade tidigare: 0."),
        "{}",
        r.body
    );
    let first = numbers(&r.body);
    assert_eq!(first.len(), 2, "{}", r.body);
    assert_eq!(app.case_count().await, before + 2);

    // Each case carries the time the contact was made, not the import's.
    let (_, case) = app.get(&format!("/api/v1/cases/{}", first[0])).await;
    assert_eq!(case["created_at"], "2026-11-20T07:15:00Z", "{case}");
    assert_eq!(case["channel"], "phone");
    assert_eq!(case["status"], "closed");
    assert_eq!(case["resolution"], "answered_at_first_contact");
    assert_eq!(case["description"], "Väntetiden var lång, 40 minuter");
    assert_eq!(case["feedback_channel"], "phone");
    let (_, case) = app.get(&format!("/api/v1/cases/{}", first[1])).await;
    // Summer time: 16:45 in Stockholm is 14:45 UTC.
    assert_eq!(case["created_at"], "2026-07-03T14:45:00Z", "{case}");
    assert_eq!(case["channel"], "visit");
    assert_eq!(case["district"], "farsta");
    assert_eq!(case["status"], "registered");

    // The same file again: nothing new, the same cases reported.
    let r = import(&mut agent, &csrf, file.as_bytes()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body
            .contains("Importerade: 0. Redan importerade tidigare: 2."),
        "{}",
        r.body
    );
    assert_eq!(numbers(&r.body), first);
    assert_eq!(app.case_count().await, before + 2);

    // Swedish Excel's file (BOM, semicolons, CRLF), with one row imported
    // before and one new, in another colleague's session.
    let (mut colleague, csrf2) = agent_with_form(&app, "bertil").await;
    let excel = "\u{FEFF}Id;Kontakttid;Kanal;Ärendetyp;Beskrivning;Löst_direkt\r\n\
                 AB-001;2026-11-20 08:15;telefon;SYNP-KCS;Väntetiden var lång;ja\r\n\
                 BC-001;2026-11-20 10:05;e-post;ALLM-HANV;Fråga om öppettider;ja\r\n";
    let r = import(&mut colleague, &csrf2, excel.as_bytes()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body
            .contains("Importerade: 1. Redan importerade tidigare: 1."),
        "{}",
        r.body
    );
    let third = numbers(&r.body);
    assert_eq!(third[0], first[0]);
    assert_eq!(app.case_count().await, before + 3);
    let (_, case) = app.get(&format!("/api/v1/cases/{}", third[1])).await;
    assert_eq!(case["created_at"], "2026-11-20T09:05:00Z", "{case}");
    assert_eq!(case["channel"], "email");

    // Every import is audited, by the staff member who made it; each case
    // is created with its own audit entry as on any channel.
    let log = app.audit_log().await;
    let imports: Vec<_> = log
        .iter()
        .filter(|r| r.event.action == "fallback.import")
        .collect();
    assert_eq!(imports.len(), 3);
    assert!(imports[0].event.actor.contains("agnes"), "{:?}", imports[0]);
    assert!(imports[2].event.actor.contains("bertil"));
    assert_eq!(imports[1].event.detail["imported"], 0);
    assert_eq!(imports[1].event.detail["already_imported"], 2);
    let created = log
        .iter()
        .filter(|r| r.event.action == "case.create" && r.event.actor.contains("agnes"))
        .count();
    assert_eq!(created, 2);
}

async fn fallback_import_with_bad_rows_imports_nothing(app: TestApp) {
    let (mut agent, csrf) = agent_with_form(&app, "agnes").await;
    let before = app.case_count().await;
    let file = format!(
        "{HEADER}\n\
         OK-1,2026-11-20 08:15,telefon,SYNP-KCS,,Bra rad,ja,,,,,,\n\
         OK-2,2026-11-20 08:20,telefon,FINNS-INTE,,Okänd typ,ja,,,,,,\n\
         OK-3,20/11/2026 08:25,telefon,SYNP-KCS,,Fel tidsformat,ja,,,,,,\n\
         OK-4,2099-01-01 10:00,telefon,SYNP-KCS,,Framtiden,ja,,,,,,\n\
         OK-5,2026-11-20 08:35,telefon,SYNP-KCS,,,ja,,,,,,\n\
         OK-6,2026-11-20 08:40,telefon,SYNP-KCS,,Fel personnummer,ja,,19121212-1213,,,,\n\
         OK-7,2026-11-20 08:45,telefon\n"
    );
    let r = import(&mut agent, &csrf, file.as_bytes()).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Ingenting har importerats"), "{}", r.body);
    for (row, column) in [
        (3, "ärendetyp"),
        (4, "kontakttid"),
        (5, "kontakttid"),
        (6, "beskrivning"),
        (7, "personnummer"),
        (8, "(hela raden)"),
    ] {
        let cell = format!("<td class=\"num\">{row}</td><td>{column}</td>");
        assert!(r.body.contains(&cell), "no error for {cell}: {}", r.body);
    }
    assert!(
        !r.body.contains("<td class=\"num\">2</td>"),
        "the good row is no error"
    );
    assert!(numbers(&r.body).is_empty());
    assert_eq!(app.case_count().await, before, "nothing half-imported");

    // The good row was not half-registered: on its own it imports now.
    let good = format!("{HEADER}\nOK-1,2026-11-20 08:15,telefon,SYNP-KCS,,Bra rad,ja,,,,,,\n");
    let r = import(&mut agent, &csrf, good.as_bytes()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Importerade: 1."), "{}", r.body);
    assert_eq!(app.case_count().await, before + 1);

    // A file that is no capture file at all, and no file.
    let r = import(&mut agent, &csrf, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = import(&mut agent, &csrf, b"").await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(app.case_count().await, before + 1);

    // The refused import is audited, without the rows' contents.
    let refused: Vec<_> = app
        .audit_log()
        .await
        .into_iter()
        .filter(|r| r.event.action == "fallback.import" && r.event.outcome.as_str() == "denied")
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert_eq!(refused[0].event.detail["row_errors"], 6);
    assert!(!refused[0].event.detail.to_string().contains("19121212"));
}

async fn fallback_pages_are_for_the_desk_and_check_csrf(app: TestApp) {
    let (mut agent, csrf) = agent_with_form(&app, "agnes").await;
    let page = agent.get("/fallback").await;
    assert!(page.body.contains("href=\"/fallback/form\""));
    assert!(page.body.contains("href=\"/fallback/template.csv\""));
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    let start = agent.get("/").await;
    assert!(
        start.body.contains("href=\"/fallback\""),
        "linked in the navigation"
    );
    let form = agent.get("/fallback/form").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Registreringsblankett vid driftstopp"));
    assert!(form.body.contains("(personnummer)"));
    let template = agent.get_bytes("/fallback/template.csv").await;
    assert!(template.starts_with("\u{FEFF}id;kontakttid;kanal;ärendetyp".as_bytes()));

    // The template, as downloaded, is a valid file of one contact.
    let before = app.case_count().await;
    let r = import(&mut agent, &csrf, &template).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(app.case_count().await, before + 1);

    // A forged token changes nothing.
    let other = "AB-777,2026-11-20 08:15,telefon,SYNP-KCS,,Förfalskad,ja,,,,,,";
    let r = import(
        &mut agent,
        "forged",
        format!("{HEADER}\n{other}\n").as_bytes(),
    )
    .await;
    assert_eq!(r.status, 403);
    assert_eq!(app.case_count().await, before + 1);

    // Team leaders and administrators see the routine; an analyst (who
    // sees statistics and nothing else) does not.
    let mut lead = logged_in(&app, "lead", &["supervisor", "group:FSK"]).await;
    assert_eq!(lead.get("/fallback").await.status, 200);
    let mut admin = logged_in(&app, "admin", &["administrator"]).await;
    assert_eq!(admin.get("/fallback/form").await.status, 200);
    let mut analyst = logged_in(&app, "analys", &["analyst"]).await;
    for path in ["/fallback", "/fallback/form", "/fallback/template.csv"] {
        assert_eq!(analyst.get(path).await.status, 403, "{path}");
    }
    let analyst_csrf = csrf_of(&analyst.get("/").await.body);
    let r = import(
        &mut analyst,
        &analyst_csrf,
        format!("{HEADER}\n{other}\n").as_bytes(),
    )
    .await;
    assert_eq!(r.status, 403);
    assert_eq!(app.case_count().await, before + 1);
    assert!(!analyst.get("/").await.body.contains("href=\"/fallback\""));
}

/// `kontakt fallback import`: the same report on the command line, exit 1
/// and nothing imported on a bad row.
#[test]
fn the_command_line_import_reports_per_row() {
    let run = crate::helpers::run_kontakt;
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite:{}", dir.path().join("k.db").display());
    assert_eq!(run(&["db", "create", "--database", &url]).0, 0);
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        format!("{HEADER}\nCLI-1,2026-11-20 08:15,telefon,SYNP-KCS,,Från kommandoraden,ja,,,,,,\n"),
    )
    .expect("write");
    let good = good.to_str().expect("utf-8");
    let (code, out) = run(&["fallback", "import", "--database", &url, good]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("CLI-1\tKC-2026-") && out.contains("imported 1, already imported earlier 0"),
        "{out}"
    );
    let (code, out) = run(&["fallback", "import", "--database", &url, good]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("imported 0, already imported earlier 1"),
        "{out}"
    );

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!("{HEADER}\nCLI-2,2026-11-20 08:15,telefon,SYNP-KCS,,Bra,ja,,,,,,\nCLI-3,2026-11-20 08:20,telefon,NEJ,,Fel typ,ja,,,,,,\n"),
    )
    .expect("write");
    let bad = bad.to_str().expect("utf-8");
    let (code, out) = run(&["fallback", "import", "--database", &url, bad]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "{bad}:3: ärendetyp: 'NEJ' is not a known case type"
        )),
        "{out}"
    );
    let (_, out) = run(&["fallback", "import", "--database", &url, good]);
    assert!(
        out.contains("imported 0, already imported earlier 1"),
        "nothing more: {out}"
    );
}

on_both_backends!(
    fallback_import_registers_each_contact_once,
    fallback_import_with_bad_rows_imports_nothing,
    fallback_pages_are_for_the_desk_and_check_csrf,
);
