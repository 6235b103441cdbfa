//! The call-centre interface over HTTP, two adapters over one switchboard:
//! Kontakt's own JSON events (`POST /api/v1/cti/events`, in the OpenAPI
//! document), and Zammad's generic CTI (`POST /api/v1/cti/zammad/{token}`,
//! `newCall`, `answer`, `hangup`), so a phone system that already speaks to
//! Zammad speaks to Kontakt. A SIP front end would be a third adapter
//! producing the same `CtiEvent`s.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use kontakt_app::switchboard::{CtiEvent, Instruction, Switchboard};
use kontakt_domain::access::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::{ApiJson, Caller};
use crate::problem::{ApiError, Problem};
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(post_event))
        .routes(routes!(instruction_stream))
}

/// The Zammad adapter: its token is in the path, as Zammad's is.
pub fn zammad_routes() -> axum::Router<AppState> {
    axum::Router::new().route(
        "/api/v1/cti/zammad/{token}",
        axum::routing::post(zammad_event),
    )
}

fn switchboard(state: &AppState) -> Result<&std::sync::Arc<Switchboard>, ApiError> {
    state.switchboard.as_ref().ok_or(ApiError::NoPhoneQueues)
}

/// One event from the phone system.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
pub enum CtiRequest {
    /// A call reached one of the city's numbers (`to`). `keys`: what the
    /// caller pressed, if the phone system ran the menu itself; without
    /// them Kontakt answers with the menu to play. While the number has an
    /// announcement (the crisis slot), a `play` comes first.
    NewCall {
        call_id: String,
        from: String,
        to: String,
        #[serde(default)]
        keys: Option<String>,
    },
    /// The caller's keys on the menu.
    Menu {
        call_id: String,
        keys: String,
    },
    /// The phone system queued the call in this answer group itself.
    Queued {
        call_id: String,
        group: String,
    },
    /// The agent Kontakt offered the call to picked up.
    Answered {
        call_id: String,
        agent: String,
    },
    /// The offered agent did not pick up.
    NoAnswer {
        call_id: String,
        agent: String,
    },
    /// The caller chose to keep the place and be called back.
    CallbackRequested {
        call_id: String,
    },
    /// The agent transferred the call: to an answer group (it queues
    /// again) or elsewhere (it leaves Kontakt's queues).
    Transferred {
        call_id: String,
        to: String,
    },
    /// The caller or the agent hung up.
    Hangup {
        call_id: String,
    },
    /// An agent logged in to the queues on the phone (skills from the
    /// catalog's staff entry); the desktop does the same for its user.
    AgentLogin {
        agent: String,
    },
    AgentReady {
        agent: String,
    },
    AgentPause {
        agent: String,
        reason: String,
    },
    AgentWrapUpDone {
        agent: String,
    },
    AgentLogout {
        agent: String,
    },
}

impl From<CtiRequest> for CtiEvent {
    fn from(r: CtiRequest) -> Self {
        match r {
            CtiRequest::NewCall {
                call_id,
                from,
                to,
                keys,
            } => CtiEvent::NewCall {
                call: call_id,
                from,
                to,
                keys,
            },
            CtiRequest::Menu { call_id, keys } => CtiEvent::Menu {
                call: call_id,
                keys,
            },
            CtiRequest::Queued { call_id, group } => CtiEvent::Queue {
                call: call_id,
                group,
            },
            CtiRequest::Answered { call_id, agent } => CtiEvent::Answered {
                call: call_id,
                agent,
            },
            CtiRequest::NoAnswer { call_id, agent } => CtiEvent::NoAnswer {
                call: call_id,
                agent,
            },
            CtiRequest::CallbackRequested { call_id } => {
                CtiEvent::CallbackRequested { call: call_id }
            }
            CtiRequest::Transferred { call_id, to } => CtiEvent::Transferred { call: call_id, to },
            CtiRequest::Hangup { call_id } => CtiEvent::Hangup { call: call_id },
            CtiRequest::AgentLogin { agent } => CtiEvent::AgentLogin { agent },
            CtiRequest::AgentReady { agent } => CtiEvent::AgentReady { agent },
            CtiRequest::AgentPause { agent, reason } => CtiEvent::AgentPause { agent, reason },
            CtiRequest::AgentWrapUpDone { agent } => CtiEvent::AgentWrapUpDone { agent },
            CtiRequest::AgentLogout { agent } => CtiEvent::AgentLogout { agent },
        }
    }
}

/// What the phone system should do now; decisions about other calls (an
/// agent freed by a hang-up gets the next caller) are included.
#[derive(Debug, Serialize, ToSchema)]
pub struct CtiAnswer {
    pub instructions: Vec<Instruction>,
}

fn require_phone_system(caller: &Caller) -> Result<(), ApiError> {
    if caller.actor.principal.has(Role::PhoneSystem) {
        Ok(())
    } else {
        Err(ApiError::Case(kontakt_app::cases::CaseError::Forbidden(
            "call events come from a phone system's token (grant phone_system)".into(),
        )))
    }
}

/// Report a call event; Kontakt answers with routing decisions.
#[utoipa::path(post, path = "/cti/events", tag = "phone", request_body = CtiRequest,
    responses(
        (status = 200, body = CtiAnswer),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "Unknown call or agent", body = Problem),
        (status = 409, description = "A duplicate, or out of order for the call's state", body = Problem),
        (status = 422, body = Problem), (status = 503, description = "No phone queues in this process", body = Problem)),
    security(("bearer" = [])))]
async fn post_event(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<CtiRequest>,
) -> Result<Json<CtiAnswer>, ApiError> {
    require_phone_system(&caller)?;
    let instructions = switchboard(&state)?
        .event(request.into(), Utc::now())
        .await?;
    Ok(Json(CtiAnswer { instructions }))
}

/// Instructions that arise outside a request — an agent got ready or ended
/// wrap-up and is offered a waiting call, an offer rang out, a call
/// overflowed — as Server-Sent Events (`event: instruction`, the
/// instruction as JSON), for the phone system to follow.
#[utoipa::path(get, path = "/cti/instructions", tag = "phone",
    responses(
        (status = 200, description = "text/event-stream of instructions", body = Instruction, content_type = "text/event-stream"),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 503, body = Problem)),
    security(("bearer" = [])))]
async fn instruction_stream(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Response, ApiError> {
    use axum::response::sse::{Event, KeepAlive, Sse};
    require_phone_system(&caller)?;
    let receiver = switchboard(&state)?.instructions();
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        let event = match receiver.recv().await {
            Ok(instruction) => Event::default()
                .event("instruction")
                .data(serde_json::to_string(&instruction).unwrap_or_default()),
            // A phone system too slow to follow is told how much it missed.
            Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                Event::default().event("lagged").data(n.to_string())
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
        };
        Some((Ok::<_, std::convert::Infallible>(event), receiver))
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}

/// Zammad's generic CTI event, as a form or JSON.
#[derive(Debug, Default, Deserialize)]
struct ZammadEvent {
    #[serde(default)]
    event: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    direction: String,
    #[serde(default, rename = "callId")]
    call_id: String,
    #[serde(default)]
    queue: Option<String>,
    #[serde(default, rename = "answeringNumber")]
    answering_number: Option<String>,
    #[serde(default, rename = "user[]", alias = "user")]
    user: Vec<String>,
}

fn zammad_form(body: &[u8]) -> Result<ZammadEvent, ApiError> {
    let bad = |e: String| ApiError::BadBody {
        field: None,
        reason: e,
    };
    let mut z = ZammadEvent::default();
    for (k, v) in form_urlencoded::parse(body) {
        let v = v.into_owned();
        match k.as_ref() {
            "event" => z.event = v,
            "from" => z.from = v,
            "to" => z.to = v,
            "direction" => z.direction = v,
            "callId" => z.call_id = v,
            "queue" => z.queue = Some(v),
            "answeringNumber" => z.answering_number = Some(v),
            "user[]" | "user" => z.user.push(v),
            _ => {}
        }
    }
    if z.event.is_empty() {
        return Err(bad("event is missing".into()));
    }
    Ok(z)
}

/// Zammad numbers come without '+' ("493055571600"); the catalog's are E.164.
fn e164(number: &str) -> String {
    let n = number.trim();
    if n.starts_with('+') {
        n.to_owned()
    } else if let Some(rest) = n.strip_prefix("00") {
        format!("+{rest}")
    } else {
        format!("+{n}")
    }
}

async fn zammad_event(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let known = kontakt_app::tokens::verify(state.cases.store(), &token).await?;
    let Some(token) = known.filter(|t| t.scopes.iter().any(|s| s == Role::PhoneSystem.as_str()))
    else {
        return Err(ApiError::Unauthorized);
    };
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let z: ZammadEvent = if json {
        serde_json::from_slice(&body).map_err(|e| ApiError::BadBody {
            field: None,
            reason: e.to_string(),
        })?
    } else {
        zammad_form(&body)?
    };
    tracing::debug!(token = %token.name, event = %z.event, "Zammad CTI event");
    // Calls the city makes are logged by the phone system, not queued.
    if z.direction == "out" {
        return Ok(Json(serde_json::json!({})).into_response());
    }
    let board = switchboard(&state)?;
    let now = Utc::now();
    let instructions = match z.event.as_str() {
        "newCall" => {
            let mut out = board
                .event(
                    CtiEvent::NewCall {
                        call: z.call_id.clone(),
                        from: z.from.clone(),
                        to: e164(&z.to),
                        keys: None,
                    },
                    now,
                )
                .await?;
            // The phone system ran its own menu: its queue is the answer
            // group; without one, the number's default group.
            let next = match z.queue.filter(|q| !q.trim().is_empty()) {
                Some(group) => CtiEvent::Queue {
                    call: z.call_id.clone(),
                    group,
                },
                None => CtiEvent::Menu {
                    call: z.call_id.clone(),
                    keys: String::new(),
                },
            };
            out.retain(|i| !matches!(i, Instruction::Menu { .. }));
            match board.event(next, now).await {
                Ok(more) => out.extend(more),
                Err(e) => {
                    // The call was registered but cannot be queued (its
                    // queue is no answer group): it ends here, not open.
                    let _ = board
                        .event(
                            CtiEvent::Hangup {
                                call: z.call_id.clone(),
                            },
                            now,
                        )
                        .await;
                    return Err(e.into());
                }
            }
            out
        }
        "answer" => {
            let agent = z
                .answering_number
                .clone()
                .or_else(|| z.user.first().cloned())
                .unwrap_or_default();
            board
                .event(
                    CtiEvent::Answered {
                        call: z.call_id.clone(),
                        agent,
                    },
                    now,
                )
                .await?
        }
        "hangup" => {
            board
                .event(
                    CtiEvent::Hangup {
                        call: z.call_id.clone(),
                    },
                    now,
                )
                .await?
        }
        other => {
            return Err(ApiError::BadBody {
                field: Some("event".into()),
                reason: format!("'{other}' is not one of newCall, answer, hangup"),
            })
        }
    };
    // Zammad's answer: a call the city cannot take now is rejected.
    let refused = instructions.iter().any(|i| {
        matches!(
            i,
            Instruction::Refused { .. } | Instruction::Play { hang_up: true, .. }
        )
    });
    Ok(if refused {
        Json(serde_json::json!({"action": "reject", "reason": "busy"})).into_response()
    } else {
        Json(serde_json::json!({})).into_response()
    })
}
