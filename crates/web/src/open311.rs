//! Open311 GeoReport v2 under `/open311/v2/`: civic apps find the city's
//! services here and (later) report into the same case register. This part
//! answers the read side that holds no personal data: service discovery,
//! the service list and each service's definition (its form fields), in
//! JSON and XML, with the specification's error format.
//!
//! A service is a case type the catalog marks `public`; its attributes are
//! the type's form fields, so the API, the desk and Open311 ask for the same
//! things.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use kontakt_domain::catalog::{CaseType, FieldKind};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/open311/v2/{resource}", get(resource))
        .route("/open311/v2/services/{file}", get(service_definition))
}

/// The two formats of the specification, from a file name's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// Why an Open311 request is refused, answered in the specification's error
/// format and in the format the caller asked for.
struct Open311Error {
    format: Format,
    status: StatusCode,
    description: String,
}

impl Open311Error {
    fn not_found(format: Format, description: impl Into<String>) -> Self {
        Open311Error {
            format,
            status: StatusCode::NOT_FOUND,
            description: description.into(),
        }
    }
}

impl IntoResponse for Open311Error {
    fn into_response(self) -> Response {
        error(self.format, self.status, &self.description)
    }
}

/// `name.json` or `name.xml`, else the error to answer (in JSON, since the
/// caller named no format we speak).
fn split_format(file: &str) -> Result<(&str, Format), Open311Error> {
    match file.rsplit_once('.') {
        Some((name, "json")) => Ok((name, Format::Json)),
        Some((name, "xml")) => Ok((name, Format::Xml)),
        _ => Err(Open311Error::not_found(
            Format::Json,
            "the resource must end in .json or .xml",
        )),
    }
}

#[derive(Deserialize, Default)]
struct Params {
    jurisdiction_id: Option<String>,
}

/// A request for another jurisdiction is answered as the specification says:
/// 404 with the reason.
fn check_jurisdiction(state: &AppState, p: &Params, format: Format) -> Result<(), Open311Error> {
    match p.jurisdiction_id.as_deref().map(str::trim) {
        None | Some("") => Ok(()),
        Some(j) if j == state.cases.catalog().city.code => Ok(()),
        Some(j) => Err(Open311Error::not_found(
            format,
            format!("jurisdiction_id '{j}' not found"),
        )),
    }
}

async fn resource(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(p): Query<Params>,
) -> Result<Response, Open311Error> {
    let (name, format) = split_format(&file)?;
    check_jurisdiction(&state, &p, format)?;
    Ok(match name {
        "discovery" => answer(format, "discovery", discovery(&state)),
        "services" => {
            let services: Vec<Value> = state
                .cases
                .catalog()
                .case_types
                .iter()
                .filter(|t| t.public)
                .map(|t| service(&state, t))
                .collect();
            answer(format, "services", Value::Array(services))
        }
        other => {
            return Err(Open311Error::not_found(
                format,
                format!("no resource '{other}'"),
            ))
        }
    })
}

async fn service_definition(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(p): Query<Params>,
) -> Result<Response, Open311Error> {
    let (code, format) = split_format(&file)?;
    check_jurisdiction(&state, &p, format)?;
    let catalog = state.cases.catalog();
    let Some(t) = catalog.case_type(code).filter(|t| t.public) else {
        return Err(Open311Error::not_found(
            format,
            format!("service_code '{code}' not found"),
        ));
    };
    let attributes: Vec<Value> = t
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (datatype, values) = match &f.kind {
                FieldKind::Text { .. } => ("string", vec![]),
                FieldKind::Number => ("number", vec![]),
                FieldKind::Date => ("datetime", vec![]),
                FieldKind::Choice { choices } => ("singlevaluelist", choices.clone()),
                FieldKind::MultiChoice { choices } => ("multivaluelist", choices.clone()),
            };
            json!({
                "variable": true,
                "code": f.code,
                "datatype": datatype,
                "required": f.required,
                "datatype_description": match &f.kind {
                    FieldKind::Date => "YYYY-MM-DD",
                    FieldKind::Text { .. } => "text",
                    _ => "",
                },
                "order": i + 1,
                "description": f.label_sv,
                "values": values.iter().map(|c| json!({"key": c.key, "name": c.label_sv})).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(answer(
        format,
        "service_definition",
        json!({"service_code": t.code, "attributes": attributes}),
    ))
}

fn service(state: &AppState, t: &CaseType) -> Value {
    let group = state
        .cases
        .catalog()
        .service_areas
        .iter()
        .find(|a| a.code == t.service_area)
        .map_or(t.service_area.as_str(), |a| a.name_sv.as_str());
    json!({
        "service_code": t.code,
        "service_name": t.name_sv,
        "description": t.name_en,
        "metadata": !t.fields.is_empty(),
        // Every request becomes a case that people work on: none is
        // answered at once, and each can be followed.
        "type": "batch",
        "keywords": t.synonyms.join(","),
        "group": group,
    })
}

fn discovery(state: &AppState) -> Value {
    let city = &state.cases.catalog().city;
    json!({
        "changeset": "2026-11-23T00:00:00Z",
        "contact": format!("{} – Kontaktcenter", city.name),
        "key_service": "API keys are issued by the contact centre's administrators.",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": "/open311/v2",
            "changeset": "2026-11-23T00:00:00Z",
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }],
    })
}

/// The specification's error answer: a list of `{code, description}`.
fn error(format: Format, status: StatusCode, description: &str) -> Response {
    let body = json!([{"code": status.as_u16(), "description": description}]);
    let mut r = answer(format, "errors", body);
    *r.status_mut() = status;
    r
}

fn answer(format: Format, root: &str, value: Value) -> Response {
    match format {
        Format::Json => axum::Json(value).into_response(),
        Format::Xml => (
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            to_xml(root, &value),
        )
            .into_response(),
    }
}

/// The element name of one item of a list element, as GeoReport v2's XML
/// spells them (`<services><service>…`).
fn item_name(list: &str) -> &str {
    match list {
        "services" => "service",
        "attributes" => "attribute",
        "values" => "value",
        "errors" => "error",
        "endpoints" => "endpoint",
        "formats" => "format",
        "service_requests" => "request",
        other => other,
    }
}

/// JSON to GeoReport v2 XML: objects become elements named by their keys
/// (in key order: readers of the format go by name, not position), lists
/// repeat their item element; text is escaped by quick-xml.
fn to_xml(root: &str, value: &Value) -> String {
    use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
    fn write(w: &mut quick_xml::Writer<Vec<u8>>, name: &str, value: &Value) {
        let _ = w.write_event(Event::Start(BytesStart::new(name)));
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    write(w, k, v);
                }
            }
            Value::Array(items) => {
                for item in items {
                    write(w, item_name(name), item);
                }
            }
            Value::String(s) => {
                let _ = w.write_event(Event::Text(BytesText::new(s)));
            }
            Value::Null => {}
            other => {
                let _ = w.write_event(Event::Text(BytesText::new(&other.to_string())));
            }
        }
        let _ = w.write_event(Event::End(BytesEnd::new(name)));
    }
    let mut w = quick_xml::Writer::new(Vec::new());
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)));
    // A list at the top is the list element itself.
    write(&mut w, root, value);
    String::from_utf8(w.into_inner()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_follows_the_georeport_shape_and_escapes() {
        let xml = to_xml(
            "services",
            &json!([{"service_code": "A&B", "metadata": true, "keywords": "<x>"}]),
        );
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><services><service><keywords>&lt;x&gt;</keywords><metadata>true</metadata><service_code>A&amp;B</service_code></service></services>"
        );
    }
}
