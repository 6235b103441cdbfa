//! The switchboard's directory through the real server: HR imports (CSV
//! and LDIF) with their preview, starters, leavers, moves, changed numbers
//! and bad rows; absence notes and stand-ins; a message taken for someone
//! becoming their case; connecting a call; the public directory.

use base64::Engine;
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::staff::{csrf_of, logged_in};

on_both_backends!(
    an_hr_file_is_previewed_then_applied_whole,
    absence_notes_come_with_the_hr_file,
    absence_notes_suggest_the_stand_in,
    a_message_becomes_a_case_for_the_person_and_unit,
    the_public_directory_lists_units_not_staff
);

pub const UNITS_CSV: &str = "enhetskod;namn;typ;overordnad;namnd;grupp;stadsdelar;telefon;funktionsbrevlada;publik\n\
TN;Trafiknämnden;nämnd;;TRN;;;;;ja\n\
TK;Trafikkontoret;förvaltning;TN;TRN;;;08-508 27 000;trafikkontoret@stockholm.se;ja\n\
TK-PT-IN;Parkeringstillstånd Innerstaden;enhet;TK;TRN;TK-PTILL;sodermalm|norrmalm;08-508 27 100;parkering@stockholm.se;ja\n\
TK-PT-SO;Parkeringstillstånd Söderort;enhet;TK;TRN;TK-PTILL;farsta|skarpnack;;;ja\n\
KC;Kontaktcenter Stockholm;förvaltning;;SN;;;08-508 00 000;;ja\n\
KC-VXL;Växeln;enhet;KC;SN;VXL;;;;nej\n";

pub const STAFF_CSV: &str = "anstallningsnummer;fornamn;efternamn;titel;enhet;direktnummer;mobil;epost;sprak;kompetenser;koppling;konto\n\
1001;Anna-Karin;Andersson;Handläggare;TK-PT-IN;08-508 27 101;;anna-karin.andersson@stockholm.se;sv,en;;direkt;anna.andersson\n\
1002;Olle;Bergström;Handläggare;TK-PT-IN;08-508 27 102;070-111 22 33;olle.bergstrom@stockholm.se;sv;VXL;funktion;olle.b\n\
1003;Fatima;Haddad;Enhetschef;TK-PT-SO;08-508 27 103;;fatima.haddad@stockholm.se;sv,ar;;direkt;\n\
1004;Sirpa;Virtanen;Telefonist;KC-VXL;08-508 00 104;;sirpa.virtanen@stockholm.se;sv,fi;VXL;direkt;sirpa.v\n";

async fn admin_token(app: &TestApp) -> String {
    kontakt_app::tokens::issue(&app.store, "dir-admin", &["administrator"])
        .await
        .expect("token")
}

pub async fn as_token(
    app: &TestApp,
    token: &str,
    method: &str,
    path: &str,
    body: &Value,
) -> (u16, Value) {
    let request = match method {
        "post" => app.client.post(app.url(path)).json(body),
        "delete" => app.client.delete(app.url(path)),
        _ => app.client.get(app.url(path)),
    };
    let r = request.bearer_auth(token).send().await.expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

/// What a file would change, as `token` asks it.
async fn preview_file(app: &TestApp, token: &str, content: &str) -> (u16, Value) {
    as_token(
        app,
        token,
        "post",
        "/api/v1/directory/imports/preview",
        &json!({"content": content}),
    )
    .await
}

/// Previews and applies a file as an administrator; returns the preview.
pub async fn import(app: &TestApp, token: &str, name: &str, content: &str) -> Value {
    let (status, preview) = as_token(
        app,
        token,
        "post",
        "/api/v1/directory/imports/preview",
        &json!({"content": content}),
    )
    .await;
    assert_eq!(status, 200, "{preview}");
    let (status, applied) = as_token(
        app,
        token,
        "post",
        "/api/v1/directory/imports",
        &json!({"content": content, "source": name, "stamp": preview["stamp"]}),
    )
    .await;
    assert_eq!(status, 201, "{applied}");
    preview
}

/// The small organisation above, imported.
pub async fn seed(app: &TestApp) -> String {
    let token = admin_token(app).await;
    import(app, &token, "enheter.csv", UNITS_CSV).await;
    import(app, &token, "personal.csv", STAFF_CSV).await;
    token
}

fn kinds(preview: &Value) -> Vec<(String, String)> {
    preview["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap_or_default().to_owned(),
                c["subject"]["id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn an_hr_file_is_previewed_then_applied_whole(app: TestApp) {
    let token = admin_token(&app).await;
    let first = import(&app, &token, "enheter.csv", UNITS_CSV).await;
    assert_eq!(first["starters"], 6, "{first}");
    let first = import(&app, &token, "personal.csv", STAFF_CSV).await;
    assert_eq!(first["starters"], 4, "{first}");

    // Olle has a message case assigned to him: it is listed when he leaves.
    let (status, message) = app
        .post(
            "/api/v1/directory/messages",
            &json!({"to": "person:1002", "caller_name": "Bo Berg", "caller_phone": "070-765 43 21",
                "message": "Undrar över sitt tillstånd"}),
        )
        .await;
    assert_eq!(status, 201, "{message}");

    // The next export: Maja starts, Olle leaves, Fatima moves, Anna-Karin
    // gets a new number; Sirpa is unchanged.
    let next = "anstallningsnummer;fornamn;efternamn;titel;enhet;direktnummer;epost\n\
1001;Anna-Karin;Andersson;Handläggare;TK-PT-IN;08-508 27 199;anna-karin.andersson@stockholm.se\n\
1003;Fatima;Haddad;Enhetschef;TK-PT-IN;08-508 27 103;fatima.haddad@stockholm.se\n\
1004;Sirpa;Virtanen;Telefonist;KC-VXL;08-508 00 104;sirpa.virtanen@stockholm.se\n\
1005;Maja;Öberg;Handläggare;TK-PT-SO;08-508 27 105;maja.oberg@stockholm.se\n";
    let (status, preview) = preview_file(&app, &token, next).await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(
        kinds(&preview),
        vec![
            ("starter".into(), "1005".into()),
            ("leaver".into(), "1002".into()),
            ("moved".into(), "1003".into()),
            ("changed".into(), "1001".into()),
        ]
    );
    assert_eq!(preview["changes"][3]["fields"], json!(["direct_phone"]));
    let work = &preview["leavers_work"][0];
    assert_eq!(work["name"], "Olle Bergström");
    assert_eq!(work["open_cases"], json!([message["number"]]), "{work}");
    // Columns the file lacks keep what the directory had (languages, accounts).
    let (_, anna) = app.get("/api/v1/directory/people/1001").await;
    assert_eq!(anna["person"]["languages"], json!(["sv", "en"]));

    // A preview is nothing applied.
    let (_, olle) = app.get("/api/v1/directory/people/1002").await;
    assert_eq!(olle["person"]["family_name"], "Bergström");
    // Olle is connected only through his function: his own numbers are
    // not handed out, except to administrators.
    assert!(
        olle["person"]["direct_phone"].is_null() && olle["person"]["mobile"].is_null(),
        "{olle}"
    );
    assert_eq!(olle["number_kind"], "function");
    let (_, olle) = as_token(
        &app,
        &token,
        "get",
        "/api/v1/directory/people/1002",
        &Value::Null,
    )
    .await;
    assert_eq!(olle["person"]["mobile"], "+46701112233");

    // An absence note in between does not void the preview…
    let (status, _) = as_token(
        &app,
        &token,
        "post",
        "/api/v1/directory/absences",
        &json!({"subject": "person:1004", "until": chrono::Utc::now() + chrono::Duration::hours(2)}),
    )
    .await;
    assert_eq!(status, 201);
    // …but another import does: the preview no longer applies.
    import(
        &app,
        &token,
        "enheter-2.csv",
        &UNITS_CSV.replace("08-508 27 100", "08-508 27 900"),
    )
    .await;
    let (status, stale) = as_token(
        &app,
        &token,
        "post",
        "/api/v1/directory/imports",
        &json!({"content": next, "source": "personal-2.csv", "stamp": preview["stamp"]}),
    )
    .await;
    assert_eq!(status, 409, "{stale}");
    let (_, olle) = app.get("/api/v1/directory/people/1002").await;
    assert_eq!(olle["person"]["id"], "1002", "nothing of it applied");

    // Only administrators import.
    let (status, _) = app
        .post(
            "/api/v1/directory/imports/preview",
            &json!({"content": next}),
        )
        .await;
    assert_eq!(status, 403);

    let applied = import(&app, &token, "personal-2.csv", next).await;
    assert_eq!(applied["leavers"], 1);
    // The leaver's case goes to a colleague.
    let number = message["number"].as_str().expect("number");
    let (status, case) = app
        .post(
            &format!("/api/v1/cases/{number}/assignee"),
            &json!({"group": "TK-PTILL", "person": "user:anna.andersson", "reason": "Olle har slutat"}),
        )
        .await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["assignee"]["person"], "user:anna.andersson");
    let (status, _) = app
        .post(
            &format!("/api/v1/cases/{number}/assignee"),
            &json!({"group": "NOPE", "reason": "x"}),
        )
        .await;
    assert_eq!(status, 422);
    let (status, _) = app.get("/api/v1/directory/people/1002").await;
    assert_eq!(status, 404, "Olle has left");
    let (_, anna) = app.get("/api/v1/directory/people/1001").await;
    assert_eq!(anna["person"]["direct_phone"], "+46850827199");
    let (_, fatima) = app.get("/api/v1/directory/people/1003").await;
    assert_eq!(fatima["person"]["units"], json!(["TK-PT-IN"]));
    // The history keeps every change, with who and which fields.
    let (status, history) = as_token(
        &app,
        &token,
        "get",
        "/api/v1/directory/people/1001/history",
        &Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{history}");
    assert_eq!(history["items"][0]["change"], "changed");
    assert_eq!(history["items"][0]["fields"], "direct_phone");
    assert_eq!(history["items"][0]["actor"], "token:dir-admin");
    assert_eq!(history["items"][1]["change"], "starter");
    let (_, history) = as_token(
        &app,
        &token,
        "get",
        "/api/v1/directory/people/1002/history",
        &Value::Null,
    )
    .await;
    assert_eq!(history["items"][0]["change"], "leaver");
    assert!(
        app.audit_log()
            .await
            .iter()
            .any(|r| r.event.action == "directory.import" && r.event.object_id == "personal-2.csv"),
        "the import is audited"
    );

    // Bad rows: each named by row and field, and nothing applied.
    let bad = "anstallningsnummer;fornamn;efternamn;enhet;direktnummer;epost;sprak\n\
1001;Anna-Karin;Andersson;TK-PT-IN;08-508 27 199;inte-en-adress;sv\n\
;Utan;Nummer;TK-PT-IN;;;\n\
1006;Per;Persson;NOPE;12;;svenska\n";
    let (status, refused) = preview_file(&app, &token, bad).await;
    assert_eq!(status, 422, "{refused}");
    let fields: Vec<&str> = refused["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or_default())
        .collect();
    for expected in [
        "row 2: email",
        "row 3: id",
        "row 4: direct_phone",
        "row 4: languages",
    ] {
        assert!(fields.contains(&expected), "{expected} in {fields:?}");
    }
    // A reference that does not resolve is named by its row too.
    let unknown_unit = "anstallningsnummer;fornamn;efternamn;enhet\n1006;Per;Persson;NOPE\n";
    let (status, refused) = preview_file(&app, &token, unknown_unit).await;
    assert_eq!(status, 422);
    assert!(
        refused["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("row 2 (person 1006): units: unknown unit 'NOPE'"),
        "{refused}"
    );
    // Through the page, what is applied is the file that was previewed.
    let mut admin = logged_in(&app, "dir.admin", &["administrator"]).await;
    let page = admin.get("/directory/import").await;
    let csrf = csrf_of(&page.body);
    let (_, stamp) = preview_file(&app, &token, next).await;
    let content = base64::engine::general_purpose::STANDARD.encode(next.replace("Maja", "Mallory"));
    let r = admin
        .post(
            "/directory/import/apply",
            &[
                ("csrf", csrf.as_str()),
                ("stamp", &stamp["stamp"].to_string()),
                ("source", "swapped.csv"),
                ("content", &content),
                ("sha256", &"0".repeat(64)),
            ],
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body.contains("not the file that was previewed"),
        "{}",
        r.body
    );
    let (_, hits) = app.get("/api/v1/directory/search?q=mallory").await;
    assert_eq!(hits["items"], json!([]), "nothing applied: {hits}");
    // An LDIF export is read the same way: a tree that leaves people in
    // units it no longer has is refused, each problem at its record's line.
    let partial = "version: 1\n\n\
dn: ou=TK-PT-IN,ou=TK,ou=TN,dc=stockholm,dc=se\nobjectClass: organizationalUnit\nou: TK-PT-IN\ndescription: Parkeringstillstånd Innerstaden\n\n\
dn: uid=maja.o,ou=TK-PT-SO,ou=TK,dc=stockholm,dc=se\nobjectClass: inetOrgPerson\nemployeeNumber: 1005\ngivenName: Maja\nsn:: w5ZiZXJn\n";
    let (status, refused) = preview_file(&app, &token, partial).await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("line 3 (unit TK-PT-IN): parent: unknown unit 'TK'"),
        "{refused}"
    );
    // People only: the units stay; Maja's number and login come from LDAP.
    let people = "version: 1\n\n\
dn: uid=maja.o,ou=TK-PT-SO,ou=TK,dc=stockholm,dc=se\nobjectClass: inetOrgPerson\nemployeeNumber: 1005\ngivenName: Maja\nsn:: w5ZiZXJn\ntelephoneNumber: 08-508 27 155\nuid: maja.o\n";
    let (status, preview) = preview_file(&app, &token, people).await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["leavers"], 3, "{preview}");
    let maja = preview["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["subject"]["id"] == "1005")
        .expect("Maja");
    assert_eq!(maja["fields"], json!(["direct_phone", "account"]), "{maja}");
}

async fn absence_notes_suggest_the_stand_in(app: TestApp) {
    seed(&app).await;
    let agent = kontakt_app::tokens::issue(&app.store, "dir-agent", &["agent_l1"])
        .await
        .expect("token");
    let analyst = kontakt_app::tokens::issue(&app.store, "dir-analyst", &["analyst"])
        .await
        .expect("token");
    let until = chrono::Utc::now() + chrono::Duration::days(3);
    // Only those who serve residents read or write notes.
    let (status, _) = as_token(
        &app,
        &analyst,
        "get",
        "/api/v1/directory/search?q=anna",
        &Value::Null,
    )
    .await;
    assert_eq!(status, 403);
    let body = json!({"subject": "person:1001", "until": until, "reason": "Semester", "stand_in": "person:1003"});
    let (status, _) = as_token(&app, &analyst, "post", "/api/v1/directory/absences", &body).await;
    assert_eq!(status, 403);
    // Bad notes are refused with every field named.
    let (status, bad) = as_token(
        &app,
        &agent,
        "post",
        "/api/v1/directory/absences",
        &json!({"subject": "person:1001", "until": chrono::Utc::now() - chrono::Duration::hours(1), "stand_in": "person:1001"}),
    )
    .await;
    assert_eq!(status, 422, "{bad}");
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or_default())
        .collect();
    assert!(
        fields.iter().any(|f| f.ends_with("stand_in"))
            && fields.iter().any(|f| f.ends_with("until")),
        "{fields:?}"
    );
    let (status, bad) = as_token(
        &app,
        &agent,
        "post",
        "/api/v1/directory/absences",
        &json!({"subject": "nobody", "until": until}),
    )
    .await;
    assert_eq!(status, 422, "{bad}");

    let (status, note) = as_token(&app, &agent, "post", "/api/v1/directory/absences", &body).await;
    assert_eq!(status, 201, "{note}");
    // The operator sees she is away, until when, and who stands in.
    let (status, hits) = as_token(
        &app,
        &agent,
        "get",
        "/api/v1/directory/search?q=andersen",
        &Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{hits}");
    let anna = &hits["items"][0];
    assert_eq!(anna["id"], "1001", "a half-remembered surname: {hits}");
    assert_eq!(anna["away"]["reason"], "Semester");
    assert_eq!(anna["away"]["stand_in"]["name"], "Fatima Haddad");
    assert_eq!(anna["away"]["stand_in"]["number"], "+46850827103");
    // Connecting someone away is refused, naming the stand-in.
    // (No call: the refusal comes before the phone is asked.)
    let (status, refused) = as_token(
        &app,
        &agent,
        "post",
        "/api/v1/phone/calls/c9/transfer",
        &json!({"to": "person:1001"}),
    )
    .await;
    assert_eq!(status, 409, "{refused}");
    assert!(
        refused["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("Fatima Haddad"),
        "{refused}"
    );
    // The stand-in away too, without a note's stand-in: her unit is suggested.
    let (status, _) = as_token(
        &app,
        &agent,
        "post",
        "/api/v1/directory/absences",
        &json!({"subject": "person:1003", "until": until}),
    )
    .await;
    assert_eq!(status, 201);
    let (_, hits) = as_token(
        &app,
        &agent,
        "get",
        "/api/v1/directory/search?q=anna-karin",
        &Value::Null,
    )
    .await;
    assert_eq!(
        hits["items"][0]["away"]["stand_in"]["name"], "Parkeringstillstånd Söderort",
        "{hits}"
    );
    // Back: the note is removed, and the audit says who did what.
    let id = note["id"].as_i64().expect("id");
    let (status, _) = as_token(
        &app,
        &agent,
        "delete",
        &format!("/api/v1/directory/absences/{id}"),
        &Value::Null,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = as_token(
        &app,
        &agent,
        "delete",
        &format!("/api/v1/directory/absences/{id}"),
        &Value::Null,
    )
    .await;
    assert_eq!(status, 404, "removed once");
    let (_, hits) = as_token(
        &app,
        &agent,
        "get",
        "/api/v1/directory/search?q=anna-karin",
        &Value::Null,
    )
    .await;
    assert!(hits["items"][0]["away"].is_null(), "{hits}");
    let log = app.audit_log().await;
    assert!(log
        .iter()
        .any(|r| r.event.action == "directory.absence_set" && r.event.actor == "token:dir-agent"));
    assert!(log
        .iter()
        .any(|r| r.event.action == "directory.absence_removed"));
    // A person sets their own note at the desk page.
    let mut anna = logged_in(&app, "anna.andersson", &["officer", "group:TK-PTILL"]).await;
    let page = anna.get("/directory/people/1001").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = csrf_of(&page.body);
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .date_naive()
        .to_string();
    let r = anna
        .post(
            "/directory/absences",
            &[
                ("csrf", &csrf),
                ("subject", "person:1001"),
                ("until_date", &tomorrow),
                ("until_time", "17:00"),
                ("reason", "Kurs"),
                ("stand_in", "unit:TK-PT-IN"),
            ],
        )
        .await;
    assert_eq!(
        (r.status, r.location.as_str()),
        (303, "/directory/people/1001"),
        "{}",
        r.body
    );
    let page = anna.get("/directory/people/1001").await;
    assert!(
        page.body.contains("Kurs") && page.body.contains("Frånvarande till"),
        "{}",
        page.body
    );
}

async fn a_message_becomes_a_case_for_the_person_and_unit(app: TestApp) {
    seed(&app).await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).date_naive();
    let (status, r) = app
        .post(
            "/api/v1/directory/messages",
            &json!({"to": "person:1001", "caller_name": "Bo Berg", "caller_phone": "070-765 43 21",
                "message": "Vill veta om ansökan om boendeparkering har kommit in", "callback_by": tomorrow}),
        )
        .await;
    assert_eq!(status, 201, "{r}");
    let number = r["number"].as_str().expect("number");
    let (_, case) = app.get(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(case["case_type"], "ALLM-MEDD");
    assert_eq!(case["assignee"]["group"], "TK-PTILL", "{case}");
    assert_eq!(case["assignee"]["person"], "user:anna.andersson", "{case}");
    assert_eq!(case["feedback_deadline"], tomorrow.to_string());
    assert_eq!(case["form"]["to"], "Anna-Karin Andersson");
    // The officers of the unit's group see it in their queue.
    let officer =
        kontakt_app::tokens::issue(&app.store, "dir-officer", &["officer", "group:TK-PTILL"])
            .await
            .expect("token");
    let (status, seen) = as_token(
        &app,
        &officer,
        "get",
        &format!("/api/v1/cases/{number}"),
        &Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{seen}");
    // A message for a unit goes to its group.
    let (status, r) = app
        .post(
            "/api/v1/directory/messages",
            &json!({"to": "unit:TK-PT-SO", "caller_phone": "070-765 43 21", "message": "Ring mig"}),
        )
        .await;
    assert_eq!(status, 201, "{r}");
    let (_, case) = app
        .get(&format!(
            "/api/v1/cases/{}",
            r["number"].as_str().expect("n")
        ))
        .await;
    assert_eq!(case["assignee"]["group"], "TK-PTILL");
    assert!(case["assignee"]["person"].is_null());
    // Bad input: nothing registered.
    let before = app.case_count().await;
    let (status, _) = app
        .post(
            "/api/v1/directory/messages",
            &json!({"to": "person:9999", "message": "x"}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, bad) = app
        .post(
            "/api/v1/directory/messages",
            &json!({"to": "person:1001", "message": ""}),
        )
        .await;
    assert_eq!(status, 422, "{bad}");
    let (status, _) = app
        .post(
            "/api/v1/directory/messages",
            &json!({"to": "someone", "message": "x"}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(app.case_count().await, before);
}

async fn the_public_directory_lists_units_not_staff(app: TestApp) {
    let token = seed(&app).await;
    let r = app
        .client
        .get(app.url("/api/v1/public/directory"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status().as_u16(), 200);
    let body = r.text().await.expect("text");
    assert!(body.contains("Parkeringstillstånd Innerstaden"), "{body}");
    assert!(!body.contains("Växeln"), "internal units are not listed");
    for private in [
        "Andersson",
        "Bergström",
        "anna.andersson",
        "070",
        "+46850827101",
    ] {
        assert!(!body.contains(private), "{private} in {body}");
    }
    for (path, lang_check) in [
        ("/organisation", "Stadens organisation"),
        ("/organisation/TK-PT-IN", "Parkeringstillstånd Innerstaden"),
    ] {
        let r = app.client.get(app.url(path)).send().await.expect("get");
        assert_eq!(r.status().as_u16(), 200, "{path}");
        let page = r.text().await.expect("text");
        assert!(page.contains(lang_check), "{page}");
        assert!(!page.contains("Andersson"), "{page}");
    }
    let r = app
        .client
        .get(app.url("/organisation?q=parkering%20farsta"))
        .send()
        .await
        .expect("get");
    let page = r.text().await.expect("text");
    assert!(
        page.contains("Söderort") && !page.contains("Innerstaden</a>"),
        "{page}"
    );
    // A new unit from a file that does not say it is public is not listed.
    let without: String = UNITS_CSV
        .lines()
        .map(|l| l.rsplit_once(';').map_or(l, |(rest, _)| rest).to_owned() + "\n")
        .collect::<String>()
        + "TK-NY;Ny intern enhet;enhet;TK;TRN;;;08-508 27 999;\n";
    import(&app, &token, "enheter-3.csv", &without).await;
    let body = app
        .client
        .get(app.url("/api/v1/public/directory"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(
        body.contains("Parkeringstillstånd Innerstaden") && !body.contains("Ny intern enhet"),
        "{body}"
    );
    let r = app
        .client
        .get(app.url("/organisation/KC-VXL"))
        .send()
        .await
        .expect("get");
    assert_eq!(
        r.status().as_u16(),
        404,
        "an internal unit has no public page"
    );
}

/// A call from the queues: the agent searches the directory from the
/// screen pop and connects it to a person (the phone system is told the
/// number; the call record ends as transferred), or takes a message that
/// becomes a case linked to the call. The directory's competences put an
/// agent without answer groups in the switchboard's queue.
async fn a_call_is_connected_or_a_message_taken(db: crate::helpers::Db) {
    let app = crate::helpers::spawn_app_with_catalog(db, &crate::phone::always_open()).await;
    seed(&app).await;
    let pbx = kontakt_app::tokens::issue(&app.store, "vaxel", &["phone_system"])
        .await
        .expect("token");
    // A competence in the directory puts only agents in a queue: Olle, an
    // officer, names the switchboard's group and still cannot log in to it.
    let mut olle = logged_in(&app, "olle.b", &["officer", "group:TK-PTILL"]).await;
    let start = olle.get("/").await;
    let csrf = csrf_of(&start.body);
    let refused = olle
        .post(
            "/phone/agent",
            &[("csrf", csrf.as_str()), ("action", "login")],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("no answer group"), "{}", refused.body);
    // Sirpa has no group in her account: the directory says she answers VXL.
    let mut sirpa = logged_in(&app, "sirpa.v", &["agent_l1"]).await;
    let start = sirpa.get("/").await;
    let csrf = csrf_of(&start.body);
    let login = sirpa
        .post(
            "/phone/agent",
            &[("csrf", csrf.as_str()), ("action", "login")],
        )
        .await;
    assert_eq!(login.status, 303, "{}", login.body);

    let mut calls = 0;
    for target in ["person:1001", "message"] {
        calls += 1;
        let call = format!("v{calls}");
        let cti = |body: Value| {
            let client = app.client.clone();
            let url = app.url("/api/v1/cti/events");
            let pbx = pbx.clone();
            async move {
                let r = client
                    .post(url)
                    .bearer_auth(pbx)
                    .json(&body)
                    .send()
                    .await
                    .expect("cti");
                let status = r.status().as_u16();
                (status, r.json::<Value>().await.unwrap_or_default())
            }
        };
        let (status, a) = cti(json!({"event": "new_call", "call_id": call, "from": "+46701234567", "to": "+46850800000"})).await;
        assert_eq!(status, 200, "{a}");
        // Key 0: the switchboard.
        let (status, a) = cti(json!({"event": "menu", "call_id": call, "keys": "0"})).await;
        assert_eq!(status, 200, "{a}");
        assert!(a.to_string().contains("sirpa.v"), "offered to Sirpa: {a}");
        let (status, a) =
            cti(json!({"event": "answered", "call_id": call, "agent": "sirpa.v"})).await;
        assert_eq!(status, 200, "{a}");
        let pop = sirpa.get(&format!("/phone/calls/{call}")).await;
        assert!(
            pop.body.contains("name=\"call\""),
            "the pop searches the directory: {}",
            pop.body
        );
        let found = sirpa
            .get(&format!(
                "/directory?q=parkeringstillst%C3%A5nd+s%C3%B6der&call={call}"
            ))
            .await;
        assert!(
            found.body.contains("Parkeringstillstånd Innerstaden"),
            "{}",
            found.body
        );
        let csrf = csrf_of(&found.body);
        if target == "message" {
            let form = sirpa
                .get(&format!("/directory/message?to=person%3A1002&call={call}"))
                .await;
            assert!(
                form.body.contains("+46701234567"),
                "the caller's number is filled in: {}",
                form.body
            );
            let r = sirpa
                .post(
                    "/directory/message",
                    &[
                        ("csrf", &csrf),
                        ("to", "person:1002"),
                        ("call", &call),
                        ("caller_name", "Bo Berg"),
                        ("caller_phone", "+46701234567"),
                        ("message", "Ring om tillståndet"),
                        ("callback_by", ""),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "{}", r.body);
            let number = r.location.trim_start_matches("/cases/").to_owned();
            let record = app.store.call(&call).await.expect("read").expect("call");
            assert_eq!(
                record.case_number.map(|n| n.to_string()),
                Some(number.clone()),
                "the call is linked"
            );
            let (_, case) = app.get(&format!("/api/v1/cases/{number}")).await;
            assert_eq!(case["assignee"]["person"], "user:olle.b");
            let (status, _) = cti(json!({"event": "hangup", "call_id": call})).await;
            assert_eq!(status, 200);
        } else {
            let mut events = app
                .client
                .get(app.url("/api/v1/cti/instructions"))
                .bearer_auth(&pbx)
                .send()
                .await
                .expect("stream");
            let r = sirpa
                .post(
                    "/directory/transfer",
                    &[("csrf", &csrf), ("call", &call), ("to", target)],
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.body);
            assert!(
                r.body.contains("kopplat till Anna-Karin Andersson"),
                "{}",
                r.body
            );
            let record = app.store.call(&call).await.expect("read").expect("call");
            assert_eq!(
                record.outcome,
                Some(kontakt_domain::phone::CallOutcome::Transferred)
            );
            // The phone system is told where to put the caller.
            let mut told = String::new();
            while !told.contains("transfer_to") {
                let chunk = tokio::time::timeout(std::time::Duration::from_secs(5), events.chunk())
                    .await
                    .expect("an instruction in time")
                    .expect("read")
                    .expect("chunk");
                told.push_str(&String::from_utf8_lossy(&chunk));
            }
            assert!(told.contains("+46850827101"), "{told}");
            // The call is over for Sirpa: a second transfer is refused.
            let again = sirpa
                .post(
                    "/directory/transfer",
                    &[("csrf", &csrf), ("call", &call), ("to", target)],
                )
                .await;
            assert!(again.body.contains("kunde inte kopplas"), "{}", again.body);
            // Wrap-up done, ready for the next call.
            let start = sirpa.get("/").await;
            let csrf = csrf_of(&start.body);
            sirpa
                .post(
                    "/phone/agent",
                    &[("csrf", csrf.as_str()), ("action", "wrap_up_done")],
                )
                .await;
        }
    }
}

mod a_call_is_connected_or_a_message_taken {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::a_call_is_connected_or_a_message_taken(crate::helpers::Db::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::a_call_is_connected_or_a_message_taken(crate::helpers::Db::Postgres).await
    }
}

/// The HR system (or its calendar) exports who is away: the notes are set
/// with the import, once however often the file is applied, and a stand-in
/// who is not in the directory is refused by row.
async fn absence_notes_come_with_the_hr_file(app: TestApp) {
    let token = seed(&app).await;
    let until = (chrono::Utc::now() + chrono::Duration::days(5)).date_naive();
    let file = format!(
        "anstallningsnummer;fornamn;efternamn;enhet;franvarande_till;franvaroorsak;ersattare\n\
1001;Anna-Karin;Andersson;TK-PT-IN;{until};Föräldraledig;1003\n\
1002;Olle;Bergström;TK-PT-IN;2020-01-01;Gammalt;\n\
1003;Fatima;Haddad;TK-PT-SO;;;\n\
1004;Sirpa;Virtanen;KC-VXL;;;\n"
    );
    for round in 0..2 {
        let preview = import(&app, &token, &format!("hr-{round}.csv"), &file).await;
        assert_eq!(
            preview["absences"], 1,
            "the past one is old news: {preview}"
        );
    }
    let (_, hits) = app.get("/api/v1/directory/search?q=anna-karin").await;
    let away = &hits["items"][0]["away"];
    assert_eq!(away["reason"], "Föräldraledig", "{hits}");
    assert_eq!(away["stand_in"]["name"], "Fatima Haddad");
    let (_, anna) = app.get("/api/v1/directory/people/1001").await;
    assert_eq!(
        anna["notes"].as_array().map(Vec::len),
        Some(1),
        "set once: {anna}"
    );
    let bad = file
        .replace(";1003\n", ";9999\n")
        .replace(&until.to_string(), "nästa vecka");
    let (status, refused) = preview_file(&app, &token, &bad).await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("row 2: away_until"),
        "{refused}"
    );
    let stand_in_gone = file.replace(";1003\n", ";9999\n");
    let (status, refused) = preview_file(&app, &token, &stand_in_gone).await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("row 2 (person 1001): stand_in"),
        "{refused}"
    );
}

/// `kontakt directory import`: the nightly sync from HR on the command
/// line: the difference, applied only with --apply, and a bad file named
/// by row and field with exit 1 and nothing changed.
#[test]
fn the_command_line_syncs_from_hr() {
    let run = crate::helpers::run_kontakt;
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite:{}", dir.path().join("k.db").display());
    assert_eq!(run(&["db", "create", "--database", &url]).0, 0);
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path.to_str().expect("utf-8").to_owned()
    };
    let units = write("enheter.csv", UNITS_CSV);
    let staff = write("personal.csv", STAFF_CSV);
    let (code, out) = run(&["directory", "import", "--database", &url, &units]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("starter\tunit TK-PT-IN") && out.contains("not applied"),
        "{out}"
    );
    let (code, out) = run(&["directory", "import", "--database", &url, "--apply", &units]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("applied: 6 starters"), "{out}");
    let (code, out) = run(&["directory", "import", "--database", &url, "--apply", &staff]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("applied: 4 starters"), "{out}");
    let (code, out) = run(&["directory", "import", "--database", &url, "--apply", &staff]);
    assert!(
        code == 0 && out.contains("0 starters, 0 leavers, 0 moved, 0 changed, 10 unchanged"),
        "{out}"
    );
    let bad = write(
        "fel.csv",
        &STAFF_CSV.replace("08-508 27 102", "inte ett nummer"),
    );
    let (code, out) = run(&["directory", "import", "--database", &url, "--apply", &bad]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("row 3: direct_phone"), "{out}");
}
