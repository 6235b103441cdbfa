//! The SMS gateway's callbacks (Kannel's HTTP interface): a resident's SMS
//! (`sms-service` with `get-url`) and delivery reports (`dlr-url`). Both
//! carry the shared secret from the configuration; without it the answer
//! is 403 and nothing changes. The answer to an incoming SMS has an empty
//! body, so the gateway sends nothing back by itself: the acknowledgement
//! goes out through the outbox like every message.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use kontakt_app::cases::CaseError;
use kontakt_app::cases::ChannelIntake;
use kontakt_app::sms::{delivery_report, SmsIntake};
use serde::Deserialize;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sms/kannel/incoming", get(incoming).post(incoming))
        .route("/sms/kannel/dlr", get(dlr).post(dlr))
}

/// Why a callback is refused; plain text, for the gateway's log.
struct SmsError(StatusCode, String);

impl IntoResponse for SmsError {
    fn into_response(self) -> Response {
        (self.0, self.1).into_response()
    }
}

fn check(
    state: &AppState,
    secret: Option<&str>,
) -> Result<kontakt_app::sms::KannelConfig, SmsError> {
    let Some(config) = state.sms.as_ref() else {
        return Err(SmsError(
            StatusCode::NOT_FOUND,
            "SMS is not configured".into(),
        ));
    };
    if !secret.is_some_and(|s| config.authentic(s)) {
        return Err(SmsError(
            StatusCode::FORBIDDEN,
            "the secret is missing or wrong".into(),
        ));
    }
    Ok(config.as_ref().clone())
}

#[derive(Deserialize)]
struct Incoming {
    secret: Option<String>,
    from: Option<String>,
    text: Option<String>,
    /// The gateway's id of the message (`%I`).
    id: Option<String>,
}

async fn incoming(
    State(state): State<AppState>,
    Query(q): Query<Incoming>,
) -> Result<Response, SmsError> {
    let config = check(&state, q.secret.as_deref())?;
    let Some(from) = q.from.as_deref().filter(|f| !f.trim().is_empty()) else {
        return Err(SmsError(StatusCode::BAD_REQUEST, "from is required".into()));
    };
    let intake = SmsIntake::new(state.cases.clone(), config.case_type.clone());
    let received = intake
        .receive(
            from,
            q.text.as_deref().unwrap_or_default(),
            q.id.as_deref().unwrap_or_default(),
            Utc::now(),
        )
        .await
        .map_err(|e| match e {
            CaseError::Invalid(errors) => SmsError(
                StatusCode::BAD_REQUEST,
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.reason))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            // The gateway tries again; nothing was registered.
            other => SmsError(StatusCode::SERVICE_UNAVAILABLE, other.to_string()),
        })?;
    let number = match received {
        ChannelIntake::Created(n)
        | ChannelIntake::Attached(n)
        | ChannelIntake::AlreadyRegistered(n) => n,
    };
    tracing::info!(case = %number, ?received, "SMS received");
    Ok((StatusCode::OK, [("x-kontakt-case", number.to_string())], "").into_response())
}

#[derive(Deserialize)]
struct Report {
    secret: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    status: Option<String>,
    answer: Option<String>,
}

async fn dlr(State(state): State<AppState>, Query(q): Query<Report>) -> Result<Response, SmsError> {
    check(&state, q.secret.as_deref())?;
    let (Some(reference), Some(status)) = (q.reference.as_deref(), q.status.as_deref()) else {
        return Err(SmsError(
            StatusCode::BAD_REQUEST,
            "ref and status are required".into(),
        ));
    };
    let Ok(status) = status.trim().parse::<u8>() else {
        return Err(SmsError(
            StatusCode::BAD_REQUEST,
            format!("status '{status}' is not a number"),
        ));
    };
    match delivery_report(
        &state.cases,
        reference,
        status,
        q.answer.as_deref().unwrap_or_default(),
        Utc::now(),
    )
    .await
    {
        Ok(true) => Ok(StatusCode::OK.into_response()),
        Ok(false) => Err(SmsError(
            StatusCode::NOT_FOUND,
            format!("no message '{reference}'"),
        )),
        Err(e) => Err(SmsError(StatusCode::SERVICE_UNAVAILABLE, e.to_string())),
    }
}
