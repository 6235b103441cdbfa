//! The single sign-on pages: off to the OpenID provider, and back.

use axum::extract::{Query, State};
use axum::http::{header, request::Parts};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use kontakt_app::sso::PendingSignOn;
use kontakt_domain::audit::Outcome;
use serde::Deserialize;

use crate::problem::PageError;
use crate::session::{self, cookie, set_cookie, tokens_match};
use crate::AppState;

/// Holds the pre-login session that carries the state, nonce and verifier.
pub const SSO_COOKIE: &str = "__Host-kontakt-sso";

pub async fn start(State(state): State<AppState>, parts: Parts) -> Result<Response, PageError> {
    let Some(sso) = state.sso.clone() else {
        return Err(PageError::NotFound);
    };
    // Each start stores a pre-login session: throttled like logins.
    let client = session::client_address(&parts);
    if !state.login_throttle.admit(&client, Utc::now()) {
        return Err(PageError::TooManyAttempts);
    }
    let (url, pending) = sso
        .begin()
        .await
        .map_err(|e| PageError::Internal(e.to_string()))?;
    let pending =
        serde_json::to_string(&pending).map_err(|e| PageError::Internal(e.to_string()))?;
    let secret = state.staff.start_sign_on(pending).await?;
    Ok((
        [(header::SET_COOKIE, set_cookie(SSO_COOKIE, Some(&secret)))],
        Redirect::to(&url),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

pub async fn callback(
    State(state): State<AppState>,
    parts: Parts,
    Query(q): Query<Callback>,
) -> Result<Response, PageError> {
    let Some(sso) = state.sso.clone() else {
        return Err(PageError::NotFound);
    };
    let actor = session::anonymous_actor(&parts);
    let refuse = |reason: String| {
        let now = Utc::now();
        // Audited within the per-client limit: anyone can call this URL.
        let event = state.denials.admit(&actor.client, now).map(|suppressed| {
            actor.event(
                now,
                "auth.login",
                ("", ""),
                "",
                Outcome::Denied,
                serde_json::json!({ "method": "oidc", "reason": reason.chars().take(200).collect::<String>(), "suppressed_before": suppressed }),
            )
        });
        let store = state.cases.store().clone();
        async move {
            store.audit(event.into_iter().collect()).await?;
            Err::<Response, PageError>(PageError::Invalid(
                "Inloggningen via stadens konto misslyckades. Försök igen. (Single sign-on failed.)".into(),
            ))
        }
    };
    // One use only: the pre-login session ends here whatever happens next.
    let pending = match cookie(&parts.headers, SSO_COOKIE) {
        Some(secret) => state.staff.take_sign_on(&secret).await.ok(),
        None => None,
    };
    let Some(pending) = pending.and_then(|p| serde_json::from_str::<PendingSignOn>(&p).ok()) else {
        return refuse("no pending sign-on for this browser".into()).await;
    };
    if let Some(error) = q.error {
        return refuse(format!("provider error: {error}")).await;
    }
    let (Some(code), Some(returned_state)) = (q.code, q.state) else {
        return refuse("no code or state".into()).await;
    };
    if !tokens_match(&returned_state, &pending.state) {
        return refuse("state does not match".into()).await;
    }
    let identity = match sso.finish(pending, &code).await {
        Ok(i) => i,
        Err(e) => return refuse(e.to_string()).await,
    };
    match state
        .staff
        .single_sign_on(
            &actor,
            &identity.subject,
            &identity.username,
            sso.config.provider_enforces_mfa,
        )
        .await
    {
        Ok(started) => {
            let mut resp = crate::pages::to_stage(&started);
            resp.headers_mut()
                .append(header::SET_COOKIE, set_cookie(SSO_COOKIE, None));
            Ok(resp)
        }
        Err(kontakt_app::staff::StaffError::LoginFailed) => Err(PageError::Invalid(
            "Det finns inget aktivt Kontakt-konto för din inloggning. (No active Kontakt account.)"
                .into(),
        )),
        Err(e) => Err(e.into()),
    }
}
