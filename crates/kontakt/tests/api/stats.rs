//! Statistics: each figure against hand-computed expectations on a small
//! crafted week (2026-W10), over the JSON API as an analyst; no figure
//! carries a personnummer, name, phone, e-mail or text from a case; the
//! figures survive retention of the cases they came from.

use chrono::{DateTime, Duration, Utc};
use kontakt_app::cases::{
    Actor, CaseService, ContactInput, HandoverRequest, HandoverResponseRequest, IntakeRequest,
};
use kontakt_domain::access::{Principal, Role};
use kontakt_domain::phone::CallOutcome;
use kontakt_store::calls::CallRow;
use serde_json::Value;

use crate::helpers::TestApp;
use crate::on_both_backends;

pub(crate) fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("time")
        .with_timezone(&Utc)
}

/// What the crafted cases say about their residents: none of it may
/// appear in a statistic.
pub(crate) const PERSONAL: &[&str] = &[
    "19121212-1212",
    "191212121212",
    "Tolvan Tolvansson",
    "0701234567",
    "+46701234567",
    "tolvan@example.se",
    "Förskoleplats i Skärholmen",
    "Lång väntetid",
];

pub(crate) fn request(
    case_type: &str,
    channel: &str,
    district: Option<&str>,
    close: bool,
) -> IntakeRequest {
    IntakeRequest {
        case_type: Some(case_type.into()),
        channel: channel.into(),
        description: if case_type.starts_with("FSK") {
            "Förskoleplats i Skärholmen".into()
        } else {
            "Lång väntetid".into()
        },
        district: district.map(str::to_owned),
        contact: Some(ContactInput {
            name: Some("Tolvan Tolvansson".into()),
            personnummer: Some("19121212-1212".into()),
            phone: Some("0701234567".into()),
            email: Some("tolvan@example.se".into()),
            ..ContactInput::default()
        }),
        feedback_channel: Some(if channel == "email" { "email" } else { "phone" }.into()),
        close_as: close.then(|| "answered_at_first_contact".into()),
        ..IntakeRequest::default()
    }
}

async fn get(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let r = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("get");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

fn call(id: &str, arrived: DateTime<Utc>, outcome: CallOutcome, queue_s: u64) -> CallRow {
    CallRow {
        call_id: id.into(),
        entry_number: "+46850800000".into(),
        menu_path: "11".into(),
        answer_group: Some("FSK".into()),
        language: "sv".into(),
        arrived_at: arrived,
        ended_at: Some(arrived + Duration::minutes(5)),
        queue_ms: queue_s * 1000,
        handle_ms: 120_000,
        outcome: Some(outcome),
        agent: (outcome == CallOutcome::Answered).then(|| "agda".into()),
        overflowed: false,
        callback_deadline: None,
        case_number: None,
    }
}

/// The case service as a registrar uses it, to register cases at any time.
pub(crate) fn registrar_service(app: &TestApp) -> (CaseService, Actor) {
    let mut registrar = Actor::new("user:reg");
    registrar.principal = Principal {
        roles: vec![Role::Registrar],
        ..Principal::default()
    };
    (
        CaseService::new(app.store.clone(), app.catalog.clone()),
        registrar,
    )
}

async fn key_figures_from_a_crafted_week(app: TestApp) {
    let (cases, registrar) = registrar_service(&app);
    // Tuesday of 2026-W10, 09:00 in Stockholm.
    let tuesday = at("2026-03-03T08:00:00Z");
    let mut n = 0;
    let mut register = |req: IntakeRequest| {
        n += 1;
        let (cases, registrar) = (&cases, &registrar);
        async move {
            cases
                .intake(req, registrar, tuesday + Duration::minutes(n))
                .await
                .expect("registered")
                .number
                .to_string()
        }
    };
    // Five times (so no count falls under the privacy rule's 5): four
    // complaints by phone answered at once; two by e-mail, one answered at
    // once and one never answered; two preschool cases handed over to
    // Skärholmen, one closed two days later, within its five working days,
    // one never closed.
    let mut handed = Vec::new();
    for _ in 0..5 {
        for _ in 0..4 {
            register(request("SYNP-KCS", "phone", None, true)).await;
        }
        register(request("SYNP-KCS", "email", None, true)).await;
        register(request("SYNP-KCS", "email", None, false)).await;
        for _ in 0..2 {
            let number = register(request("FSK-ERB", "phone", Some("skarholmen"), false)).await;
            cases
                .hand_over(
                    &number,
                    HandoverRequest {
                        group: "FSK-KO-SKH".into(),
                        summary: "Sammanfattning".into(),
                        expected_version: None,
                    },
                    &registrar,
                    tuesday + Duration::hours(1),
                )
                .await
                .expect("handed over");
            handed.push(number);
        }
    }
    let mut officer = Actor::new("user:olle");
    officer.principal = Principal {
        roles: vec![Role::Officer],
        groups: vec!["FSK-KO-SKH".into()],
        ..Principal::default()
    };
    for number in handed.iter().step_by(2) {
        cases
            .respond_to_handover(
                number,
                HandoverResponseRequest {
                    action: "answer_and_close".into(),
                    text: Some("Platsen är erbjuden.".into()),
                    channel: Some("phone".into()),
                    expected_version: None,
                },
                &officer,
                at("2026-03-05T10:00:00Z"),
            )
            .await
            .expect("closed");
    }
    // Calls to preschool that week: eight answered after 5–90 s, one
    // abandoned, one out of hours; one the week before.
    for (i, (outcome, queue)) in [
        (CallOutcome::Answered, 5),
        (CallOutcome::Answered, 10),
        (CallOutcome::Answered, 15),
        (CallOutcome::Answered, 20),
        (CallOutcome::Answered, 30),
        (CallOutcome::Answered, 45),
        (CallOutcome::Answered, 60),
        (CallOutcome::Answered, 90),
        (CallOutcome::Abandoned, 120),
        (CallOutcome::Closed, 0),
    ]
    .into_iter()
    .enumerate()
    {
        let row = call(
            &format!("w10-{i}"),
            tuesday + Duration::minutes(i as i64),
            outcome,
            queue,
        );
        app.store.save_call(row).await.expect("call");
    }
    app.store
        .save_call(call(
            "w09",
            at("2026-02-24T09:00:00Z"),
            CallOutcome::Answered,
            3,
        ))
        .await
        .expect("call");

    let analyst = kontakt_app::tokens::issue(&app.store, "analys", &["analyst"])
        .await
        .expect("token");
    let mut seen = Vec::new();

    // Only those who may see statistics.
    let (status, _) = get(&app, &app.token, "/api/v1/stats/cases").await;
    assert_eq!(status, 403);

    let (status, body) = get(
        &app,
        &analyst,
        "/api/v1/stats/cases?period=week&at=2026-W10",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    seen.push(body.to_string());
    assert_eq!(body["period"]["label"], "2026-W10");
    assert_eq!(body["period"]["previous"], "2026-W09");
    assert_eq!(body["period"]["same_period_last_year"], "2025-W10");
    let total = &body["figures"]["total"]["current"];
    assert_eq!(total["cases"], 40, "{body}");
    assert_eq!(total["first_contact"], 25);
    assert_eq!(total["handed_over"], 10);
    assert_eq!(total["closed"], 30);
    // Written contacts owed an answer within two working days: the e-mail
    // answered at once met it, the other missed it.
    assert_eq!(total["response_due"], 10);
    assert_eq!(total["response_met"], 5);
    assert_eq!(body["figures"]["first_contact_target"], 70);
    let row = |list: &str, code: &str| -> Value {
        body["figures"][list]
            .as_array()
            .expect("list")
            .iter()
            .find(|r| r[0] == code)
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("{code} in {list}: {body}"))
    };
    let skh = row("by_board", "SDN-SKH");
    assert_eq!(skh["cases"], 10);
    assert_eq!(skh["deadline_due"], 10);
    assert_eq!(skh["deadline_met"], 5);
    assert_eq!(row("by_channel", "email")["cases"], 10);
    assert_eq!(row("by_district", "skarholmen")["cases"], 10);
    let complaints = body["figures"]["complaints_by_board"]
        .as_array()
        .expect("complaints");
    assert_eq!(complaints.len(), 1, "{body}");
    assert_eq!(complaints[0][1]["cases"], 30);
    let resolution = body["figures"]["resolution"]
        .as_array()
        .expect("resolution");
    let fsk = resolution
        .iter()
        .find(|r| r["case_type"] == "FSK-ERB")
        .expect("FSK-ERB resolution");
    assert_eq!(fsk["closed"], 5);
    assert_eq!(fsk["median_days"], 2);
    // The week before had no cases: compared, not made up.
    assert_eq!(body["figures"]["total"]["previous"]["cases"], 0);

    // A month and a year are read from the monthly counts, a week from the
    // daily ones; both are kept through every change above (hand-over,
    // closing, answers) and agree, as the month and the year hold no other
    // case.
    for (period, label) in [("month", "2026-03"), ("year", "2026")] {
        let (status, wide) = get(
            &app,
            &analyst,
            &format!("/api/v1/stats/cases?period={period}&at={label}"),
        )
        .await;
        assert_eq!(status, 200, "{wide}");
        for part in [
            "by_board",
            "by_channel",
            "by_case_type",
            "by_district",
            "resolution",
        ] {
            assert_eq!(
                wide["figures"][part], body["figures"][part],
                "{period}: {part}"
            );
        }
        assert_eq!(
            wide["figures"]["total"]["current"], body["figures"]["total"]["current"],
            "{period}"
        );
    }

    // One board only.
    let (_, only) = get(
        &app,
        &analyst,
        "/api/v1/stats/cases?at=2026-W10&board=SDN-SKH",
    )
    .await;
    assert_eq!(only["figures"]["total"]["current"]["cases"], 10, "{only}");
    // One contact centre: the cases of the types its answer groups answer
    // (preschool at Välfärd och utbildning, complaints at the main centre),
    // and its groups' calls only.
    for (centre, cases, groups) in [("KCS-VO", 10, 1), ("KCS", 30, 0)] {
        let (status, one) = get(
            &app,
            &analyst,
            &format!("/api/v1/stats/cases?at=2026-W10&centre={centre}"),
        )
        .await;
        assert_eq!(status, 200, "{one}");
        assert_eq!(
            one["figures"]["total"]["current"]["cases"], cases,
            "{centre}: {one}"
        );
        let (_, calls) = get(
            &app,
            &analyst,
            &format!("/api/v1/stats/calls?at=2026-W10&centre={centre}"),
        )
        .await;
        assert_eq!(
            calls["figures"].as_array().map(Vec::len),
            Some(groups),
            "{centre}: {calls}"
        );
    }

    let (status, body) = get(
        &app,
        &analyst,
        "/api/v1/stats/calls?at=2026-W10&answer_group=FSK",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    seen.push(body.to_string());
    let fsk = &body["figures"][0];
    assert_eq!(fsk["group"], "FSK", "{body}");
    let week = &fsk["figures"]["current"];
    assert_eq!(week["offered"], 9, "{body}");
    assert_eq!(week["answered"], 8);
    assert_eq!(week["abandoned"], 1);
    assert_eq!(week["closed"], 1);
    assert_eq!(week["availability"]["part"], 8);
    assert_eq!(week["availability"]["whole"], 9);
    assert_eq!(week["service_levels"][0]["within_secs"], 20);
    assert_eq!(week["service_levels"][0]["share"]["part"], 4);
    assert_eq!(week["service_levels"][1]["share"]["part"], 7);
    assert_eq!(week["average_queue_ms"], 34_375);
    assert_eq!(week["p90_queue_ms"], 90_000);
    assert_eq!(fsk["figures"]["previous"]["answered"], 1);
    // The month holds that week's calls only; the year also the week
    // before's one.
    for (period, label, offered) in [("month", "2026-03", 9), ("year", "2026", 10)] {
        let (_, wide) = get(
            &app,
            &analyst,
            &format!("/api/v1/stats/calls?period={period}&at={label}&answer_group=FSK"),
        )
        .await;
        assert_eq!(
            wide["figures"][0]["figures"]["current"]["offered"], offered,
            "{wide}"
        );
    }
    let (_, march) = get(
        &app,
        &analyst,
        "/api/v1/stats/calls?period=month&at=2026-03&answer_group=FSK",
    )
    .await;
    let mut month = march["figures"][0]["figures"]["current"].clone();
    let mut week = week.clone();
    for figures in [&mut month, &mut week] {
        figures.as_object_mut().expect("figures").remove("period");
    }
    assert_eq!(month, week);

    let (_, weekly) = get(
        &app,
        &analyst,
        "/api/v1/stats/calls/weekly?at=2026-W10&weeks=2",
    )
    .await;
    seen.push(weekly.to_string());
    assert_eq!(
        weekly["figures"]["weeks"],
        serde_json::json!(["2026-W09", "2026-W10"])
    );
    let group = &weekly["figures"]["groups"][0];
    assert_eq!(group["group"], "FSK", "{weekly}");
    assert_eq!(group["weeks"][0]["offered"], 1);
    assert_eq!(group["weeks"][1]["offered"], 9);

    let (status, deviations) = get(&app, &analyst, "/api/v1/stats/deviations?at=2026-W10").await;
    assert_eq!(status, 200, "{deviations}");
    seen.push(deviations.to_string());
    // Too few weeks of history to call anything a deviation.
    assert_eq!(deviations["figures"]["week"], "2026-W10");
    assert_eq!(deviations["figures"]["deviations"], serde_json::json!([]));

    // The preschool key of 000:50–69: 70 % by 0-year-olds, 30 % by 1–5.
    let (status, cost) = get(
        &app,
        &analyst,
        "/api/v1/stats/cost-allocation?at=2026&period=year&key=children&total=4000000",
    )
    .await;
    assert_eq!(status, 200, "{cost}");
    seen.push(cost.to_string());
    let parts = cost["figures"]["parts_ore"].as_object().expect("parts");
    let sum: i64 = parts.values().map(|v| v.as_i64().expect("öre")).sum();
    assert_eq!(sum, 400_000_000, "the parts sum to the total: {cost}");
    let (_, contacts) = get(
        &app,
        &analyst,
        "/api/v1/stats/cost-allocation?at=2026-W10&total=1000",
    )
    .await;
    let parts = contacts["figures"]["parts_ore"].as_object().expect("parts");
    assert_eq!(parts["SDN-SKH"], 25_000, "10 of 40 contacts: {contacts}");
    // By handled minutes: every call that week went to the preschool
    // group, which answers for the district boards; its only cases that
    // week were Skärholmen's, so Skärholmen carries the whole cost.
    let (status, minutes) = get(
        &app,
        &analyst,
        "/api/v1/stats/cost-allocation?at=2026-W10&total=1000&key=minutes",
    )
    .await;
    assert_eq!(status, 200, "{minutes}");
    let parts = minutes["figures"]["parts_ore"].as_object().expect("parts");
    assert_eq!(parts.len(), 1, "{minutes}");
    assert_eq!(parts["SDN-SKH"], 100_000, "{minutes}");

    // Bad input: every wrong field named, nothing computed.
    let (status, problem) = get(
        &app,
        &analyst,
        "/api/v1/stats/cases?period=fortnight&at=W10&board=NOPE&channel=pigeon&centre=MARS",
    )
    .await;
    assert_eq!(status, 400, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    for f in ["period", "at", "board", "channel", "centre"] {
        assert!(fields.contains(&f), "{f} named: {problem}");
    }
    let (status, _) = get(&app, &analyst, "/api/v1/stats/cases?colour=red").await;
    assert_eq!(status, 400);
    let (status, problem) = get(
        &app,
        &analyst,
        "/api/v1/stats/cost-allocation?total=-5&key=dice",
    )
    .await;
    assert_eq!(status, 400, "{problem}");

    // A baseline (nollmätning) of the week, compared with the week before
    // and with itself; freezing needs a name; only analysts freeze.
    let post = |token: String, body: Value| {
        let (client, url) = (app.client.clone(), app.url("/api/v1/stats/baselines"));
        async move {
            let r = client
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .expect("post");
            (
                r.status().as_u16(),
                r.json::<Value>().await.unwrap_or_default(),
            )
        }
    };
    let (status, problem) = post(
        analyst.clone(),
        serde_json::json!({"name": " ", "at": "2026-W10"}),
    )
    .await;
    assert_eq!(status, 400, "{problem}");
    let (status, _) = post(app.token.clone(), serde_json::json!({"name": "x"})).await;
    assert_eq!(status, 403);
    let (status, frozen) = post(
        analyst.clone(),
        serde_json::json!({"name": "Förskolan före flytten", "at": "2026-W10", "board": "SDN-SKH"}),
    )
    .await;
    assert_eq!(status, 201, "{frozen}");
    assert_eq!(frozen["period"], "2026-W10");
    let id = frozen["id"].as_i64().expect("id");
    let (_, list) = get(&app, &analyst, "/api/v1/stats/baselines").await;
    assert_eq!(
        list["baselines"][0]["name"], "Förskolan före flytten",
        "{list}"
    );
    let (status, compared) = get(
        &app,
        &analyst,
        &format!("/api/v1/stats/baselines/{id}?at=2026-W09"),
    )
    .await;
    assert_eq!(status, 200, "{compared}");
    seen.push(compared.to_string());
    assert_eq!(compared["baseline"]["cases"]["cases"], 10, "{compared}");
    assert_eq!(compared["baseline"]["cases"]["deadline_met"], 5);
    assert_eq!(compared["period"], "2026-W09");
    assert_eq!(compared["now"]["cases"]["cases"], 0);
    let (status, _) = get(&app, &analyst, "/api/v1/stats/baselines/999999").await;
    assert_eq!(status, 404);

    // No statistic names a person or repeats what they said.
    for text in &seen {
        for personal in PERSONAL {
            assert!(!text.contains(personal), "{personal} in {text}");
        }
    }

    // Retention removes the cases; their statistics stay.
    let before = app.case_count().await;
    let report = kontakt_app::rights::run_retention(
        &app.store,
        &app.catalog,
        &Actor::new("system:retention"),
        chrono::NaiveDate::from_ymd_opt(2031, 1, 1).expect("date"),
        false,
    )
    .await
    .expect("retention");
    assert!(app.case_count().await < before, "{report:?}");
    let (_, after) = get(
        &app,
        &analyst,
        "/api/v1/stats/cases?period=week&at=2026-W10",
    )
    .await;
    assert_eq!(after["figures"]["total"]["current"]["cases"], 40, "{after}");
    assert_eq!(after["figures"]["total"]["current"]["first_contact"], 25);

    // A contact registered now but dated in that week (a letter by its
    // postmark) still reaches the week's figures, although they were
    // computed before.
    cases
        .intake(
            request("SYNP-KCS", "letter", None, true),
            &registrar,
            tuesday + Duration::hours(3),
        )
        .await
        .expect("registered");
    let (_, later) = get(
        &app,
        &analyst,
        "/api/v1/stats/cases?period=week&at=2026-W10",
    )
    .await;
    assert_eq!(later["figures"]["total"]["current"]["cases"], 41, "{later}");
}

on_both_backends!(key_figures_from_a_crafted_week);

/// The dashboard: the same figures as the API, as tables with charts; each
/// table exported as CSV and XLSX; only for those who may see statistics;
/// no personal data on the page or in an export.
async fn the_dashboard_and_its_exports(app: TestApp) {
    let (cases, registrar) = registrar_service(&app);
    let tuesday = at("2026-03-03T08:00:00Z");
    for i in 0..6 {
        cases
            .intake(
                request("SYNP-KCS", "phone", None, i < 5),
                &registrar,
                tuesday + Duration::minutes(i),
            )
            .await
            .expect("registered");
    }
    // One preschool case in Farsta: a count the privacy rule hides.
    cases
        .intake(
            request("FSK-ERB", "phone", Some("farsta"), false),
            &registrar,
            tuesday + Duration::minutes(30),
        )
        .await
        .expect("registered");
    for (i, outcome) in [
        CallOutcome::Answered,
        CallOutcome::Answered,
        CallOutcome::Abandoned,
    ]
    .into_iter()
    .enumerate()
    {
        let row = call(
            &format!("d-{i}"),
            tuesday + Duration::minutes(i as i64),
            outcome,
            12,
        );
        app.store.save_call(row).await.expect("call");
    }
    let mut agent = crate::staff::logged_in(&app, "agda", &["agent_l1", "group:FSK"]).await;
    assert_eq!(agent.get("/stats").await.status, 403);
    let mut analyst = crate::staff::logged_in(&app, "anna", &["analyst"]).await;
    let start = analyst.get("/").await;
    assert!(start.body.contains("href=\"/stats\""), "{}", start.body);
    let page = analyst.get("/stats?period=week&at=2026-W10").await;
    assert_eq!(page.status, 200, "{}", page.body);
    for text in [
        "Statistik 2026-W10",
        "Tillgänglighet per svarsgrupp",
        // 2 of 3 offered calls answered.
        "66,7",
        "Besvarade vid första kontakten",
        // 5 of 7 cases: above the 70 % target.
        "71,4",
        "Målet nås.",
        "<svg",
        "format=csv",
        "format=xlsx",
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    for personal in PERSONAL {
        assert!(!page.body.contains(personal), "{personal} on the page");
    }
    // No message id shows instead of its text.
    assert!(!page.body.contains(">stats-"), "{}", page.body);
    // Each row of a breakdown leads to the figures narrowed to it, the
    // rest of the selection kept; the narrower page hides small counts
    // as the wider one does.
    let drill = "/stats?period=week&amp;at=2026-W10&amp;district=farsta";
    assert!(
        page.body.contains(&format!("href=\"{drill}\"")),
        "{}",
        page.body
    );
    let farsta = analyst.get(&drill.replace("&amp;", "&")).await;
    assert_eq!(farsta.status, 200, "{}", farsta.body);
    assert!(
        farsta.body.contains("<option value=\"farsta\" selected>"),
        "{}",
        farsta.body
    );
    assert!(farsta.body.contains("&lt;\u{a0}5"), "{}", farsta.body);

    let csv = analyst
        .get("/stats?period=week&at=2026-W10&table=first-contact&format=csv")
        .await;
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv.headers["content-type"]
        .to_str()
        .unwrap_or_default()
        .starts_with("text/csv"));
    assert!(csv.body.contains("Alla kanaler,7,5,"), "{}", csv.body);
    for personal in PERSONAL {
        assert!(!csv.body.contains(personal), "{personal} in the export");
    }
    // Farsta's one case is a small count, and the next smallest district
    // count is hidden too, so it cannot be worked out from the total.
    let token = kontakt_app::tokens::issue(&app.store, "analys", &["analyst"])
        .await
        .expect("token");
    let (_, api) = get(&app, &token, "/api/v1/stats/cases?at=2026-W10").await;
    let cell = |list: &str, code: &str| -> Value {
        api["figures"][list]
            .as_array()
            .expect("list")
            .iter()
            .find(|r| r[0] == code)
            .map(|r| r[1]["cases"].clone())
            .unwrap_or_else(|| panic!("{code} in {list}: {api}"))
    };
    assert_eq!(cell("by_district", "farsta"), "< 5", "{api}");
    assert_eq!(cell("by_case_type", "FSK-ERB"), "< 5");
    assert_eq!(cell("by_case_type", "SYNP-KCS"), "..");
    assert_eq!(api["figures"]["total"]["current"]["cases"], 7);
    let xlsx = analyst
        .get_bytes("/stats?period=week&at=2026-W10&table=availability&format=xlsx")
        .await;
    assert_eq!(&xlsx[..2], b"PK", "an XLSX is a ZIP file");
    assert_eq!(
        analyst
            .get("/stats?at=2026-W10&table=nope&format=csv")
            .await
            .status,
        404
    );
    // The cost for the week split by contacts: all six are complaints.
    let cost = analyst
        .get("/stats?period=week&at=2026-W10&total=1000&key=contacts")
        .await;
    assert_eq!(cost.status, 200, "{}", cost.body);
    assert!(
        cost.body.contains("Kostnadsfördelning per nämnd"),
        "{}",
        cost.body
    );
    // 6 of 7 contacts were the service board's.
    assert!(cost.body.contains("857,14"), "{}", cost.body);
    let bad_cost = analyst.get("/stats?at=2026-W10&total=mycket").await;
    assert_eq!(bad_cost.status, 400, "{}", bad_cost.body);

    // Freeze the week as a baseline from the page and look at it.
    let csrf = crate::staff::csrf_of(&page.body);
    let frozen = analyst
        .post(
            "/stats/baselines",
            &[
                ("csrf", csrf.as_str()),
                ("name", "Synpunkter vecka 10"),
                ("period", "week"),
                ("at", "2026-W10"),
            ],
        )
        .await;
    assert_eq!(frozen.status, 303, "{}", frozen.body);
    let shown = analyst
        .get(&format!("{}?at=2026-W10", frozen.location))
        .await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(shown.body.contains("Synpunkter vecka 10"), "{}", shown.body);
    assert!(shown.body.contains("71,4"), "{}", shown.body);
    let csv = analyst
        .get(&format!(
            "{}?at=2026-W10&table=baseline-counts&format=csv",
            frozen.location
        ))
        .await;
    assert!(csv.body.contains("Ärenden,7,7"), "{}", csv.body);
    assert!(analyst
        .get("/stats")
        .await
        .body
        .contains("Synpunkter vecka 10"));

    let bad = analyst.get("/stats?period=fortnight").await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("period"), "{}", bad.body);
}

on_both_backends!(the_dashboard_and_its_exports);
