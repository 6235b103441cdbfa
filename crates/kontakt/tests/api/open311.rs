//! Open311 GeoReport v2, the read side: discovery, the service list (the
//! catalog's public case types) and each service's definition (its form
//! fields), in JSON and XML, with the specification's error format.

use serde_json::Value;

use crate::helpers::TestApp;
use crate::on_both_backends;

async fn raw(app: &TestApp, path: &str) -> (u16, String, String) {
    let r = app.client.get(app.url(path)).send().await.expect("get");
    let status = r.status().as_u16();
    let content_type = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, content_type, r.text().await.unwrap_or_default())
}

async fn services_and_definitions(app: TestApp) {
    // No key is needed to read what the city offers.
    let (status, _, body) = raw(&app, "/open311/v2/services.json").await;
    assert_eq!(status, 200, "{body}");
    let services: Vec<Value> = serde_json::from_str(&body).expect("json list");
    let public = app.catalog.case_types.iter().filter(|t| t.public).count();
    assert_eq!(services.len(), public, "exactly the public case types");
    let fsk = services
        .iter()
        .find(|s| s["service_code"] == "FSK-KO")
        .expect("FSK-KO is public");
    assert_eq!(fsk["metadata"], true);
    assert_eq!(fsk["type"], "batch");
    assert!(fsk["keywords"]
        .as_str()
        .unwrap_or_default()
        .contains("dagis"));
    assert!(
        !services.iter().any(|s| s["service_code"] == "SOC-OROS"),
        "a confidential, non-public type is not offered"
    );

    let (status, content_type, xml) =
        raw(&app, "/open311/v2/services.xml?jurisdiction_id=stockholm").await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/xml"), "{content_type}");
    assert!(xml.starts_with("<?xml") && xml.contains("<services><service>"));
    assert!(xml.contains("<service_code>FSK-KO</service_code>"));

    let (status, _, body) = raw(&app, "/open311/v2/services/FSK-KO.json").await;
    assert_eq!(status, 200, "{body}");
    let def: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(def["service_code"], "FSK-KO");
    let attrs = def["attributes"].as_array().expect("attributes");
    let care = attrs
        .iter()
        .find(|a| a["code"] == "care_form")
        .expect("care_form");
    assert_eq!(care["datatype"], "singlevaluelist");
    assert_eq!(care["required"], true);
    assert!(care["values"]
        .as_array()
        .is_some_and(|v| v.iter().any(|x| x["key"] == "preschool")));
    let districts = attrs
        .iter()
        .find(|a| a["code"] == "districts_wanted")
        .expect("multi");
    assert_eq!(districts["datatype"], "multivaluelist");
    assert_eq!(attrs[0]["order"], 1);
    let (_, _, xml) = raw(&app, "/open311/v2/services/FSK-KO.xml").await;
    assert!(xml.contains("<service_definition>") && xml.contains("<attributes><attribute>"));
    assert!(xml.contains("<values><value><key>"));

    let (status, _, body) = raw(&app, "/open311/v2/discovery.json").await;
    assert_eq!(status, 200);
    let d: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(
        d["endpoints"][0]["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );

    // Errors in the specification's format, in the format asked for.
    for (path, status) in [
        ("/open311/v2/services/NOPE.json", 404),
        ("/open311/v2/services/SOC-OROS.json", 404),
        ("/open311/v2/services.json?jurisdiction_id=goteborg", 404),
        ("/open311/v2/services.csv", 404),
        ("/open311/v2/frobnicate.json", 404),
    ] {
        let (got, _, body) = raw(&app, path).await;
        assert_eq!(got, status, "{path}: {body}");
        let errors: Vec<Value> = serde_json::from_str(&body).expect("error list");
        assert_eq!(errors[0]["code"], status, "{path}");
        assert!(errors[0]["description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()));
    }
    let (status, _, xml) = raw(&app, "/open311/v2/services/NOPE.xml").await;
    assert_eq!(status, 404);
    assert!(
        xml.contains("<errors><error><code>404</code><description>"),
        "{xml}"
    );
}

async fn post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let r = app
        .client
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .expect("post");
    let status = r.status().as_u16();
    let body = r.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

/// A civic app reports through `POST requests.json`: the report is an
/// ordinary case (channel open311); bad reports are refused in the
/// specification's error format and register nothing; the report's state
/// can be followed without any personal data.
async fn reports_become_cases(app: TestApp) {
    let key = kontakt_app::tokens::issue(&app.store, "civic-app", &["intake"])
        .await
        .expect("key");
    let before = app.case_count().await;
    let good = [
        ("api_key", key.as_str()),
        ("service_code", "GATA-BELYS"),
        ("description", "Gatlyktan är trasig sedan i måndags."),
        ("address_string", "Hornsgatan 12"),
        ("lat", "59.3173"),
        ("long", "18.0626"),
        ("attribute[location]", "Hornsgatan 12, utanför porten"),
        ("attribute[extent]", "one"),
        ("attribute[state]", "off"),
        ("email", "anna@example.se"),
        ("first_name", "Anna"),
        ("last_name", "Lind"),
    ];
    // Refusals first: each names its reason and registers nothing.
    let (status, errors) = post(&app, "/open311/v2/requests.json", &good[1..]).await;
    assert_eq!(status, 403, "{errors}");
    assert_eq!(errors[0]["code"], 403);
    let mut wrong_key = good.to_vec();
    wrong_key[0] = ("api_key", "kt_wrong");
    assert_eq!(
        post(&app, "/open311/v2/requests.json", &wrong_key).await.0,
        403
    );
    let mut unknown = good.to_vec();
    unknown[1] = ("service_code", "SOC-OROS");
    let (status, errors) = post(&app, "/open311/v2/requests.json", &unknown).await;
    assert_eq!(status, 400, "a non-public type is no service: {errors}");
    let missing: Vec<_> = good
        .iter()
        .filter(|(k, _)| *k != "attribute[state]")
        .cloned()
        .collect();
    let (status, errors) = post(&app, "/open311/v2/requests.json", &missing).await;
    assert_eq!(status, 400);
    assert!(
        errors
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["description"]
                .as_str()
                .is_some_and(|d| d.starts_with("attribute[state]"))),
        "the missing attribute is named as Open311 names it: {errors}"
    );
    assert_eq!(app.case_count().await, before, "nothing registered");

    let (status, answer) = post(&app, "/open311/v2/requests.json", &good).await;
    assert_eq!(status, 200, "{answer}");
    let id = answer[0]["service_request_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let notice = answer[0]["service_notice"].as_str().unwrap_or_default();
    assert!(notice.contains(&id), "{notice}");
    assert!(
        notice.contains("Felanmälan skickas till trafikkontorets"),
        "what happens next: {notice}"
    );
    assert!(notice.contains("Återkoppling senast"), "{notice}");
    let (_, case) = app.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(case["channel"], "open311");
    assert_eq!(case["case_type"], "GATA-BELYS");
    assert_eq!(case["form"]["state"], "off");
    assert_eq!(case["feedback_channel"], "email");
    assert!(case["description"]
        .as_str()
        .unwrap_or_default()
        .contains("Hornsgatan 12"));

    // Its state, for the app: nothing personal.
    let (status, _, body) = raw(&app, &format!("/open311/v2/requests/{id}.json")).await;
    assert_eq!(status, 200, "{body}");
    let followed: Vec<Value> = serde_json::from_str(&body).expect("json");
    assert_eq!(followed[0]["status"], "open");
    assert_eq!(followed[0]["service_code"], "GATA-BELYS");
    assert!(
        !body.contains("Anna") && !body.contains("trasig"),
        "no personal data: {body}"
    );
    let (_, _, xml) = raw(&app, &format!("/open311/v2/requests/{id}.xml")).await;
    assert!(xml.contains("<service_requests><request><"), "{xml}");
    // A case that did not come through Open311 is not there to follow.
    let other = app.new_case().await;
    let (status, _, _) = raw(&app, &format!("/open311/v2/requests/{other}.json")).await;
    assert_eq!(status, 404);

    // A district-bound service asks for the district, and gets it.
    let (_, _, def) = raw(&app, "/open311/v2/services/FSK-KO.json").await;
    assert!(def.contains("\"code\":\"district\""), "{def}");
    let (status, answer) = post(
        &app,
        "/open311/v2/requests.xml",
        &[
            ("api_key", key.as_str()),
            ("service_code", "FSK-KO"),
            ("description", "Ansökan om förskoleplats."),
            ("attribute[district]", "farsta"),
            ("attribute[child_birth_date]", "2025-10-01"),
            ("attribute[wanted_start]", "2027-08-01"),
            ("attribute[care_form]", "preschool"),
            ("attribute[districts_wanted][]", "farsta"),
            ("attribute[districts_wanted][]", "alvsjo"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let xml = answer.as_str().unwrap_or_default();
    assert!(xml.contains("<service_requests><request>"), "{xml}");
    let id = xml
        .split("<service_request_id>")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .expect("id");
    let (_, case) = app.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(case["district"], "farsta");
    assert_eq!(case["board"], "SDN-FA");
    assert_eq!(
        case["form"]["districts_wanted"],
        serde_json::json!(["farsta", "alvsjo"])
    );
    assert_eq!(case["contact"]["kind"], "anonymous");

    // The list: both reports, newest first, and never the phone case.
    let street = answer_id_of(&app, "GATA-BELYS").await;
    let list = |query: &str| {
        let path = format!("/open311/v2/requests.json{query}");
        let app = &app;
        async move {
            let (status, _, body) = raw(app, &path).await;
            (
                status,
                serde_json::from_str::<Value>(&body).unwrap_or(Value::String(body)),
            )
        }
    };
    let (status, all) = list("").await;
    assert_eq!(status, 200, "{all}");
    let ids: Vec<&str> = all
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["service_request_id"].as_str())
        .collect();
    assert_eq!(ids, [id, street.as_str()], "newest first: {all}");
    assert!(!all.to_string().contains(&other.to_string()));
    assert!(!all.to_string().contains("Anna"), "no personal data: {all}");
    let (_, lights) = list("?service_code=GATA-BELYS").await;
    assert_eq!(lights.as_array().map(Vec::len), Some(1), "{lights}");
    let (_, both) = list("?service_code=GATA-BELYS,FSK-KO&status=open").await;
    assert_eq!(both.as_array().map(Vec::len), Some(2), "{both}");
    let (_, closed) = list("?status=closed").await;
    assert_eq!(closed, serde_json::json!([]));
    let (_, later) = list("?start_date=2099-01-01T00:00:00Z").await;
    assert_eq!(later, serde_json::json!([]));
    let (_, by_id) = list(&format!(
        "?service_request_id={street},{other},KC-1999-1&status=closed"
    ))
    .await;
    assert_eq!(
        by_id.as_array().map(Vec::len),
        Some(1),
        "ids win over other filters, and only Open311 reports: {by_id}"
    );
    for bad in [
        "?status=pending",
        "?start_date=yesterday",
        "?start_date=2026-11-20T00:00:00Z&end_date=2026-11-01T00:00:00Z",
        "?service_code=SOC-OROS",
    ] {
        let (status, errors) = list(bad).await;
        assert_eq!(status, 400, "{bad}: {errors}");
        assert_eq!(errors[0]["code"], 400, "{bad}: {errors}");
    }
    let (status, _, xml) = raw(&app, "/open311/v2/requests.xml?service_code=FSK-KO").await;
    assert_eq!(status, 200);
    assert!(
        xml.contains("<service_requests><request><agency_responsible>"),
        "{xml}"
    );

    // A token names its request; an unknown one is the specification's 404.
    let (status, _, token) = raw(&app, &format!("/open311/v2/tokens/{street}.json")).await;
    assert_eq!(status, 200, "{token}");
    assert!(
        token.contains(&format!("\"service_request_id\":\"{street}\"")),
        "{token}"
    );
    let (status, _, _) = raw(&app, &format!("/open311/v2/tokens/{other}.json")).await;
    assert_eq!(status, 404);
    let (status, _, _) = raw(&app, "/open311/v2/tokens/nonsense.xml").await;
    assert_eq!(status, 404);
}

/// The newest Open311 report of a type, from the register itself.
async fn answer_id_of(app: &TestApp, code: &str) -> String {
    let (_, list) = app
        .get(&format!("/api/v1/cases?channel=open311&case_type={code}"))
        .await;
    list["items"][0]["number"]
        .as_str()
        .expect("a report")
        .to_owned()
}

/// Hostile reports: random and mangled forms (unknown codes, missing and
/// repeated attributes, huge values, broken percent-encoding, bytes that
/// are no UTF-8). Each gets a 4xx in the specification's shape or a case;
/// none a 5xx, and only an accepted report makes a case.
async fn hostile_reports_are_refused_cleanly(app: TestApp) {
    use rand::{Rng, SeedableRng};
    let key = kontakt_app::tokens::issue(&app.store, "civic-app", &["intake"])
        .await
        .expect("key");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(311);
    let keys = [
        "api_key",
        "service_code",
        "description",
        "attribute[location]",
        "attribute[extent]",
        "attribute[state]",
        "attribute[district]",
        "attribute[x][]",
        "email",
        "phone",
        "lat",
        "long",
        "jurisdiction_id",
        "first_name",
        "media_url",
    ];
    let values = [
        key.clone(),
        "GATA-BELYS".into(),
        "FSK-KO".into(),
        "SOC-OROS".into(),
        "off".into(),
        "one".into(),
        "".into(),
        "Hornsgatan 12".into(),
        "x".repeat(20_000),
        "%ZZ%".into(),
        "åäö\0".into(),
        "stockholm".into(),
        "not-an-email".into(),
        "+4670".into(),
    ];
    let started = std::time::Instant::now();
    let inputs = 400;
    let mut accepted = 0;
    for i in 0..inputs {
        let before = app.case_count().await;
        let body: Vec<u8> = if i % 5 == 0 {
            (0..rng.gen_range(0..300)).map(|_| rng.gen()).collect()
        } else {
            let pairs: Vec<String> = (0..rng.gen_range(0..12))
                .map(|_| {
                    let k = keys[rng.gen_range(0..keys.len())];
                    let v = &values[rng.gen_range(0..values.len())];
                    let enc = |s: &str| s.bytes().map(|b| format!("%{b:02X}")).collect::<String>();
                    format!(
                        "{}={}",
                        enc(k),
                        if v == "%ZZ%" { v.clone() } else { enc(v) }
                    )
                })
                .collect();
            let mut form = pairs.join("&");
            // Every tenth: a good report with the random pairs after it.
            if i % 10 == 3 {
                form = format!(
                    "api_key={key}&service_code=GATA-BELYS&description=Lyktan%20%C3%A4r%20sl%C3%A4ckt&attribute%5Blocation%5D=Ringv%C3%A4gen&attribute%5Bextent%5D=one&attribute%5Bstate%5D=off&{form}"
                );
            }
            form.into_bytes()
        };
        let format = if i % 2 == 0 { "json" } else { "xml" };
        let r = app
            .client
            .post(app.url(&format!("/open311/v2/requests.{format}")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("post");
        let status = r.status().as_u16();
        assert!(
            status < 500,
            "input {i}: {status} {}",
            r.text().await.unwrap_or_default()
        );
        let after = app.case_count().await;
        if status == 200 {
            accepted += 1;
            assert_eq!(after, before + 1, "input {i}");
        } else {
            assert_eq!(after, before, "input {i}: refused, yet a case was made");
        }
    }
    eprintln!(
        "{inputs} hostile Open311 reports in {:.1} s: {accepted} accepted",
        started.elapsed().as_secs_f64()
    );
}

on_both_backends!(hostile_reports_are_refused_cleanly);
on_both_backends!(services_and_definitions);
on_both_backends!(reports_become_cases);
