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

on_both_backends!(services_and_definitions);
