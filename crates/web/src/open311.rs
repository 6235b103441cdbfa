//! Open311 GeoReport v2 under `/open311/v2/`: civic apps find the city's
//! services here and report into the same case register: service
//! discovery, the service list and each service's definition (its form
//! fields), reports (`POST requests`, with an API key), and their state
//! (`GET requests`, `requests/{id}`, `tokens/{token}`) without any personal
//! data, in JSON and XML, with the specification's error format.
//!
//! A service is a case type the catalog marks `public`; its attributes are
//! the type's form fields, so the API, the desk and Open311 ask for the same
//! things.

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Form;
use axum::Router;
use chrono::DateTime;
use chrono::Utc;
use kontakt_app::cases::{Actor, CaseError, ContactInput, FieldError, IntakeRequest};
use kontakt_domain::case::{CaseNumber, Channel, Status};
use kontakt_domain::catalog::{CaseType, Catalog, FieldKind};
use kontakt_store::{CaseFilter, CaseSummary};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/open311/v2/{resource}", get(resource).post(post_request))
        .route("/open311/v2/services/{file}", get(service_definition))
        .route("/open311/v2/requests/{file}", get(get_request))
        .route("/open311/v2/tokens/{file}", get(get_token))
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
    // The filters of `GET requests`.
    service_request_id: Option<String>,
    service_code: Option<String>,
    status: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
}

/// The most requests one `GET requests` answers, and the period it covers
/// when the caller names none: the specification's defaults.
const LIST_LIMIT: usize = 1000;
const DEFAULT_DAYS: i64 = 90;
/// How many ids one `service_request_id` list may name.
const MAX_IDS: usize = 100;

/// A request for another jurisdiction is answered as the specification says:
/// 404 with the reason.
fn check_jurisdiction(state: &AppState, p: &Params, format: Format) -> Result<(), Open311Error> {
    jurisdiction(state.cases.catalog(), p.jurisdiction_id.as_deref())
        .map_err(|refusal| refusal.in_format(format))
}

fn jurisdiction(catalog: &Catalog, jurisdiction_id: Option<&str>) -> Result<(), Refusal> {
    match jurisdiction_id.map(str::trim) {
        None | Some("") => Ok(()),
        Some(j) if j == catalog.city.code => Ok(()),
        Some(j) => Err(Refusal {
            status: StatusCode::NOT_FOUND,
            description: format!("jurisdiction_id '{j}' not found"),
        }),
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
        "requests" => list_requests(&state, &p, format).await?,
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
    let mut attributes = attributes;
    if t.responsible == kontakt_domain::catalog::Responsible::DistrictBoard {
        // Which district board answers depends on the district; without
        // map data the app says which one (an attribute of our own).
        attributes.push(json!({
            "variable": true,
            "code": "district",
            "datatype": "singlevaluelist",
            "required": true,
            "datatype_description": "",
            "order": attributes.len() + 1,
            "description": "Stadsdel",
            "values": catalog.districts.iter().map(|d| json!({"key": d.code, "name": d.name})).collect::<Vec<_>>(),
        }));
    }
    Ok(answer(
        format,
        "service_definition",
        json!({"service_code": t.code, "attributes": attributes}),
    ))
}

/// Who calls: the client's address and the operation id, for the audit.
struct Client(Actor);

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Client(crate::session::anonymous_actor(parts)))
    }
}

/// `POST requests.{json,xml}`: a report from a civic app becomes an
/// ordinary case (channel `open311`) through the same intake as every other
/// channel. The form is the specification's: `api_key`, `service_code`,
/// `description`, a location (`address_string`, `lat`/`long`), the
/// reporter (`first_name`, `last_name`, `email`, `phone`) and the service's
/// attributes as `attribute[code]` (`attribute[code][]` for several values).
async fn post_request(
    State(state): State<AppState>,
    Client(mut actor): Client,
    Path(file): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Open311Error> {
    let (name, format) = split_format(&file)?;
    if name != "requests" {
        return Err(Open311Error::not_found(
            format,
            format!("no resource '{name}' to post to"),
        ));
    }
    let catalog = state.cases.catalog();
    let form = read_post_form(&pairs, catalog).map_err(|r| r.in_format(format))?;
    let refused = |status: StatusCode, description: String| Open311Error {
        format,
        status,
        description,
    };
    // The key is an API token that may register cases (role intake).
    let token = match form.api_key.as_deref() {
        Some(key) => kontakt_app::tokens::verify(state.cases.store(), key)
            .await
            .map_err(|_| {
                refused(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the key could not be checked".into(),
                )
            })?,
        None => None,
    };
    let Some(token) = token else {
        return Err(refused(
            StatusCode::FORBIDDEN,
            "api_key is missing or not valid".into(),
        ));
    };
    actor.id = format!("token:{}", token.name);
    actor.principal = kontakt_app::tokens::principal(&token.scopes);

    let (t, request) = form.request.map_err(|r| r.in_format(format))?;
    match state.cases.intake(request, &actor, Utc::now()).await {
        Ok(intake) => {
            // The acknowledgement: the number, what happens next for this
            // type, and the deadline.
            let mut notice = format!("Ärendet {} är registrerat.", intake.number);
            if let Some(next) = &t.next_steps_sv {
                notice.push_str(&format!(" {next}"));
            }
            if let Some(d) = intake.feedback_deadline {
                notice.push_str(&format!(
                    " Återkoppling senast {}.",
                    kontakt_app::messages::long_date(d, false)
                ));
            }
            Ok(answer(
                format,
                "service_requests",
                json!([{"service_request_id": intake.number.to_string(), "token": intake.number.to_string(), "service_notice": notice, "account_id": null}]),
            ))
        }
        Err(CaseError::Invalid(errors)) => {
            let mut r = answer(format, "errors", invalid_fields(&errors));
            *r.status_mut() = StatusCode::BAD_REQUEST;
            Ok(r)
        }
        Err(CaseError::Rule(rule)) => Err(refused(StatusCode::BAD_REQUEST, rule.to_string())),
        Err(CaseError::NotFound(_) | CaseError::Forbidden(_)) => Err(refused(
            StatusCode::FORBIDDEN,
            "this api_key may not report cases".into(),
        )),
        Err(_) => Err(refused(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the request could not be saved; nothing was registered".into(),
        )),
    }
}

/// Why a `POST requests` is refused before the intake sees it: the
/// HTTP status and the description of the specification's error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub description: String,
}

impl Refusal {
    /// The specification's error list: `[{code, description}]`.
    pub fn errors(&self) -> Value {
        error_list(self.status, &self.description)
    }

    fn in_format(self, format: Format) -> Open311Error {
        Open311Error {
            format,
            status: self.status,
            description: self.description,
        }
    }
}

/// A `POST requests` form, read (see [`read_post_form`]).
#[derive(Debug)]
pub struct PostForm<'c> {
    /// The API key, checked before anything else about the form is
    /// answered (a missing or unknown key: 403).
    pub api_key: Option<String>,
    /// The service and the intake's input, or why the form names no
    /// service (400).
    pub request: Result<(&'c CaseType, IntakeRequest), Refusal>,
}

/// Reads the fields of a `POST requests` form (the decoded pairs of its
/// `application/x-www-form-urlencoded` body, in order) into the intake's
/// input, the way the handler does before it checks the key and calls
/// the intake: the jurisdiction (404 if another), the API key, the
/// service, its attributes (`attribute[code]`, `attribute[code][]`), the
/// place and picture appended to the description, and the reporter.
/// Pure: no store, no clock.
pub fn read_post_form<'c>(
    pairs: &[(String, String)],
    catalog: &'c Catalog,
) -> Result<PostForm<'c>, Refusal> {
    let get = |key: &str| form_value(pairs, key);
    jurisdiction(catalog, get("jurisdiction_id"))?;
    Ok(PostForm {
        api_key: get("api_key").map(str::to_owned),
        request: post_request_input(pairs, catalog),
    })
}

/// A field's first value, trimmed, if it is not empty.
fn form_value<'p>(pairs: &'p [(String, String)], key: &str) -> Option<&'p str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// The service and the intake's input a `POST requests` form asks for.
fn post_request_input<'c>(
    pairs: &[(String, String)],
    catalog: &'c Catalog,
) -> Result<(&'c CaseType, IntakeRequest), Refusal> {
    let get = |key: &str| form_value(pairs, key);
    let refused = |status: StatusCode, description: String| Refusal {
        status,
        description,
    };
    let Some(code) = get("service_code") else {
        return Err(refused(
            StatusCode::BAD_REQUEST,
            "service_code is required".into(),
        ));
    };
    let Some(t) = catalog.case_type(code).filter(|t| t.public) else {
        return Err(refused(
            StatusCode::BAD_REQUEST,
            format!("service_code '{code}' is not a service"),
        ));
    };
    // Attributes: attribute[code] once, attribute[code][] for each of several.
    let mut form = serde_json::Map::new();
    let mut district = None;
    for (k, v) in pairs {
        let Some(rest) = k.strip_prefix("attribute[") else {
            continue;
        };
        let (code, many) = match rest.strip_suffix("][]") {
            Some(c) => (c, true),
            None => (rest.strip_suffix(']').unwrap_or(rest), false),
        };
        if code == "district" {
            district = Some(v.trim().to_owned());
        } else if many {
            if let Value::Array(items) = form
                .entry(code.to_owned())
                .or_insert_with(|| Value::Array(vec![]))
            {
                items.push(Value::String(v.clone()));
            }
        } else {
            form.insert(code.to_owned(), Value::String(v.clone()));
        }
    }
    // The case has no place of its own yet: where the reporter says it is
    // goes with the description, so the officer sees it.
    let mut description = get("description").unwrap_or_default().to_owned();
    let place: Vec<String> = [
        get("address_string").map(str::to_owned),
        get("lat")
            .zip(get("long"))
            .map(|(lat, long)| format!("{lat}, {long}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !place.is_empty() && !description.is_empty() {
        description.push_str(&format!("\n\nPlats: {}", place.join(" ")));
    }
    if let (Some(url), false) = (get("media_url"), description.is_empty()) {
        description.push_str(&format!("\nBild: {url}"));
    }
    let name = [get("first_name"), get("last_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let contact = ContactInput {
        name: (!name.is_empty()).then_some(name),
        phone: get("phone").map(str::to_owned),
        email: get("email").map(str::to_owned),
        ..ContactInput::default()
    };
    let identified = contact.name.is_some() || contact.phone.is_some() || contact.email.is_some();
    // Feedback where the reporter can be reached: e-mail first.
    let feedback_channel = contact
        .email
        .as_ref()
        .map(|_| "email")
        .or(contact.phone.as_ref().map(|_| "phone"))
        .map(str::to_owned);
    let request = IntakeRequest {
        case_type: Some(t.code.clone()),
        channel: Channel::Open311.as_str().to_owned(),
        description,
        district,
        contact: identified.then_some(contact),
        anonymous: !identified,
        feedback_channel,
        form,
        attach_to: None,
        close_as: None,
        received_at: None,
    };
    Ok((t, request))
}

/// The specification's error list for an intake that refused the
/// request: one `{code: 400, description}` per problem, naming the field
/// as the Open311 form does.
pub fn invalid_fields(errors: &[FieldError]) -> Value {
    Value::Array(
        errors
            .iter()
            .map(|e| json!({"code": 400, "description": format!("{}: {}", open311_field(&e.field), e.reason)}))
            .collect(),
    )
}

/// Our intake's field names as the Open311 form names them.
fn open311_field(field: &str) -> String {
    if let Some(code) = field.strip_prefix("form.") {
        return format!("attribute[{code}]");
    }
    match field {
        "case_type" => "service_code".into(),
        "district" => "attribute[district]".into(),
        "contact.phone" => "phone".into(),
        "contact.email" => "email".into(),
        "contact.name" => "first_name".into(),
        other => other.into(),
    }
}

/// A report made through Open311, as the app may see it. Nothing
/// personal: no description, no reporter, just the service, the state and
/// the dates. Only reports made through Open311 are shown at all, so a
/// phone call or a letter never appears in a public list.
async fn open311_report(state: &AppState, number: CaseNumber) -> Result<Option<CaseSummary>, ()> {
    match state.cases.store().case(number).await {
        Ok(Some(c)) if c.channel == Channel::Open311 => Ok(Some(CaseSummary {
            number: c.number,
            case_type: c.case_type,
            board: c.board,
            district: c.district,
            channel: c.channel,
            status: c.status,
            resolution: c.resolution,
            assignee_group: c.assignee_group,
            contact_kind: c.contact.kind(),
            feedback_deadline: c.feedback_deadline,
            created_at: c.created_at,
            updated_at: c.updated_at,
        })),
        Ok(_) => Ok(None),
        Err(_) => Err(()),
    }
}

fn request_json(state: &AppState, case: &CaseSummary) -> Value {
    let catalog = state.cases.catalog();
    let t = catalog.case_type(&case.case_type);
    json!({
        "service_request_id": case.number.to_string(),
        // Registration is immediate, so the token is the id itself.
        "token": case.number.to_string(),
        "status": if case.status == Status::Closed { "closed" } else { "open" },
        "service_code": case.case_type,
        "service_name": t.map_or(case.case_type.as_str(), |t| t.name_sv.as_str()),
        "agency_responsible": catalog.board(&case.board).map_or(case.board.as_str(), |b| b.name_sv.as_str()),
        "requested_datetime": case.created_at.to_rfc3339(),
        "updated_datetime": case.updated_at.to_rfc3339(),
        "expected_datetime": case.feedback_deadline.map(|d| d.to_string()),
    })
}

fn unavailable(format: Format) -> Open311Error {
    Open311Error {
        format,
        status: StatusCode::SERVICE_UNAVAILABLE,
        description: "the register could not be read; try again".into(),
    }
}

/// `GET requests/{id}.{json,xml}`: where a report made through Open311
/// stands.
async fn get_request(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(p): Query<Params>,
) -> Result<Response, Open311Error> {
    let (id, format) = split_format(&file)?;
    check_jurisdiction(&state, &p, format)?;
    let not_found =
        || Open311Error::not_found(format, format!("service_request_id '{id}' not found"));
    let number = CaseNumber::parse(id).map_err(|_| not_found())?;
    let case = open311_report(&state, number)
        .await
        .map_err(|()| unavailable(format))?
        .ok_or_else(not_found)?;
    Ok(answer(
        format,
        "service_requests",
        json!([request_json(&state, &case)]),
    ))
}

/// `GET tokens/{token}.{json,xml}`: the request a token stands for. Kontakt
/// registers a report while the app waits, so every token already has its
/// request: the token is the request's id.
async fn get_token(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(p): Query<Params>,
) -> Result<Response, Open311Error> {
    let (token, format) = split_format(&file)?;
    check_jurisdiction(&state, &p, format)?;
    let not_found = || Open311Error::not_found(format, format!("token '{token}' not found"));
    let number = CaseNumber::parse(token).map_err(|_| not_found())?;
    open311_report(&state, number)
        .await
        .map_err(|()| unavailable(format))?
        .ok_or_else(not_found)?;
    Ok(answer(
        format,
        "service_requests",
        json!([{"service_request_id": token, "token": token}]),
    ))
}

/// `GET requests.{json,xml}`: reports made through Open311, newest first,
/// filtered as the specification says — by a list of ids (then every other
/// filter is ignored), by service codes (comma-separated), by status (open
/// or closed) and by the period they were made in (RFC 3339; the last 90
/// days unless the caller names a start). At most 1 000 are answered.
async fn list_requests(
    state: &AppState,
    p: &Params,
    format: Format,
) -> Result<Response, Open311Error> {
    let bad = |description: String| Open311Error {
        format,
        status: StatusCode::BAD_REQUEST,
        description,
    };
    let list = |v: &Option<String>| -> Vec<String> {
        v.as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let ids = list(&p.service_request_id);
    let mut found = Vec::new();
    if !ids.is_empty() {
        if ids.len() > MAX_IDS {
            return Err(bad(format!(
                "service_request_id names more than {MAX_IDS} ids"
            )));
        }
        for id in &ids {
            let Ok(number) = CaseNumber::parse(id) else {
                continue;
            };
            if let Some(case) = open311_report(state, number)
                .await
                .map_err(|()| unavailable(format))?
            {
                found.push(case);
            }
        }
        let body = found.iter().map(|c| request_json(state, c)).collect();
        return Ok(answer(format, "service_requests", Value::Array(body)));
    }
    let date = |name: &str, v: &Option<String>| -> Result<Option<DateTime<Utc>>, Open311Error> {
        match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => DateTime::parse_from_rfc3339(v)
                .map(|d| Some(d.with_timezone(&Utc)))
                .map_err(|_| bad(format!("{name} '{v}' is not a date and time (RFC 3339, e.g. 2026-11-23T08:00:00+01:00)"))),
        }
    };
    let end = date("end_date", &p.end_date)?;
    let start = date("start_date", &p.start_date)?
        .unwrap_or_else(|| end.unwrap_or_else(Utc::now) - chrono::Duration::days(DEFAULT_DAYS));
    if end.is_some_and(|end| end < start) {
        return Err(bad("end_date is before start_date".into()));
    }
    let statuses: Vec<Option<Status>> = match p.status.as_deref().map(str::trim) {
        None | Some("") => vec![None],
        Some("closed") => vec![Some(Status::Closed)],
        Some("open") => Status::ALL
            .iter()
            .filter(|s| **s != Status::Closed)
            .map(|s| Some(*s))
            .collect(),
        Some(other) => return Err(bad(format!("status '{other}' is neither open nor closed"))),
    };
    let catalog = state.cases.catalog();
    let mut codes = list(&p.service_code);
    codes.sort();
    codes.dedup();
    if codes.len() > MAX_IDS {
        return Err(bad(format!(
            "service_code names more than {MAX_IDS} services"
        )));
    }
    for code in &codes {
        if catalog.case_type(code).is_none_or(|t| !t.public) {
            return Err(bad(format!("service_code '{code}' is not a service")));
        }
    }
    let codes: Vec<Option<String>> = if codes.is_empty() {
        vec![None]
    } else {
        codes.into_iter().map(Some).collect()
    };
    // One query per code and status (each uses the channel index), merged
    // newest first.
    for code in &codes {
        for status in &statuses {
            let filter = CaseFilter {
                channel: Some(Channel::Open311),
                case_type: code.clone(),
                status: *status,
                created_from: Some(start),
                created_to: end,
                limit: LIST_LIMIT as u32,
                ..CaseFilter::default()
            };
            found.extend(
                state
                    .cases
                    .store()
                    .list_cases(&filter)
                    .await
                    .map_err(|_| unavailable(format))?,
            );
        }
    }
    found.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then(b.number.cmp(&a.number))
    });
    found.truncate(LIST_LIMIT);
    let body = found.iter().map(|c| request_json(state, c)).collect();
    Ok(answer(format, "service_requests", Value::Array(body)))
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
    let mut r = answer(format, "errors", error_list(status, description));
    *r.status_mut() = status;
    r
}

fn error_list(status: StatusCode, description: &str) -> Value {
    json!([{"code": status.as_u16(), "description": description}])
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
/// `text` with the characters XML 1.0 cannot carry (control characters
/// but tab and line breaks, U+FFFE, U+FFFF) replaced: an error answer
/// repeats what the caller sent, and must stay well-formed.
fn xml_chars(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}')
    };
    if text.chars().any(bad) {
        text.chars()
            .map(|c| if bad(c) { '\u{fffd}' } else { c })
            .collect()
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

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
                let _ = w.write_event(Event::Text(BytesText::new(&xml_chars(s))));
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

    fn pairs(body: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(body.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    fn catalog() -> Catalog {
        Catalog::load(
            "stockholm.toml",
            include_str!("../../../catalog/stockholm.toml"),
        )
        .expect("catalog")
    }

    #[test]
    fn a_post_form_becomes_the_intakes_input() {
        let catalog = catalog();
        let form = read_post_form(
            &pairs("api_key=+k+&service_code=GRON-TRAD&description=Tr%C3%A4d&lat=59.3&long=18.0&attribute[district]=farsta&attribute[problem]=fallen&attribute[x][]=a&attribute[x][]=b&email=a%40example.se&phone=070"),
            &catalog,
        )
        .expect("our jurisdiction");
        assert_eq!(form.api_key.as_deref(), Some("k"));
        let (t, request) = form.request.expect("a service");
        assert_eq!(t.code, "GRON-TRAD");
        assert_eq!(request.description, "Träd\n\nPlats: 59.3, 18.0");
        assert_eq!(request.district.as_deref(), Some("farsta"));
        assert_eq!(request.form["problem"], json!("fallen"));
        assert_eq!(request.form["x"], json!(["a", "b"]));
        assert_eq!(request.feedback_channel.as_deref(), Some("email"));
        assert!(!request.anonymous);

        // Another city's jurisdiction is refused before anything else; a
        // missing service only after the key has been checked.
        let other = read_post_form(&pairs("jurisdiction_id=goteborg"), &catalog)
            .expect_err("another jurisdiction");
        assert_eq!(other.status, StatusCode::NOT_FOUND);
        assert_eq!(
            other.errors(),
            json!([{"code": 404, "description": "jurisdiction_id 'goteborg' not found"}])
        );
        let form = read_post_form(&pairs("service_code=AVF-ATERV"), &catalog).expect("form");
        assert_eq!(form.api_key, None);
        let refusal = form.request.expect_err("not a service");
        assert_eq!(refusal.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            refusal.description,
            "service_code 'AVF-ATERV' is not a service"
        );
    }

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

    #[test]
    fn xml_answers_stay_well_formed() {
        let xml = to_xml(
            "errors",
            &serde_json::json!([{"code": 400, "description": "service_code '\u{1}\u{fffe}x' is not known\n"}]),
        );
        assert!(!xml.contains('\u{1}') && !xml.contains('\u{fffe}'), "{xml}");
        assert!(xml.contains("\u{fffd}\u{fffd}x"), "{xml}");
        let mut reader = quick_xml::Reader::from_str(&xml);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("not well-formed: {e}: {xml}"),
            }
        }
    }
}
