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
    let (pending, code) = match returned(&state, &parts, SSO_COOKIE, q).await {
        Ok(back) => back,
        Err(reason) => return refuse(reason).await,
    };
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

/// Back from the provider: the sign-on this browser started (kept under
/// `cookie_name`; one use only, it ends here whatever happens next) and
/// the code, if the provider answered it with the same state; else why not.
async fn returned(
    state: &AppState,
    parts: &Parts,
    cookie_name: &str,
    q: Callback,
) -> Result<(PendingSignOn, String), String> {
    let pending = match cookie(&parts.headers, cookie_name) {
        Some(secret) => state.staff.take_sign_on(&secret).await.ok(),
        None => None,
    };
    let pending = pending
        .and_then(|p| serde_json::from_str::<PendingSignOn>(&p).ok())
        .ok_or_else(|| "no pending sign-on for this browser".to_owned())?;
    if let Some(error) = q.error {
        return Err(format!("provider error: {error}"));
    }
    let (Some(code), Some(returned_state)) = (q.code, q.state) else {
        return Err("no code or state".into());
    };
    if !tokens_match(&returned_state, &pending.state) {
        return Err("state does not match".into());
    }
    Ok((pending, code))
}

/// `GET /mina-sidor/e-legitimation`: off to the city's e-legitimation
/// (an OpenID provider following the Swedish OIDC profile), with the
/// state, nonce and verifier kept in a one-use pre-login session.
pub async fn resident_start(
    State(state): State<AppState>,
    lang: crate::i18n::ResidentLang,
    parts: Parts,
) -> Result<Response, crate::problem::ResidentPageError> {
    use kontakt_app::residents::ResidentError;
    let fail = |e: ResidentError| crate::problem::ResidentPageError::new(lang, e);
    let Some(sso) = state.resident_sso.clone() else {
        return Err(fail(ResidentError::NotFound));
    };
    let origin = crate::mina_sidor::origin(&parts);
    if !state.resident_throttle.admit(&origin.client, Utc::now()) {
        return Err(fail(ResidentError::TooManyCodes));
    }
    let (url, pending) = sso.begin_for_residents().await.map_err(|e| {
        tracing::warn!(error = %e, "e-legitimation could not start");
        fail(ResidentError::Provider(e.to_string()))
    })?;
    let pending = serde_json::to_string(&pending)
        .map_err(|e| fail(ResidentError::Provider(e.to_string())))?;
    let secret = state.staff.start_sign_on(pending).await.map_err(|e| {
        fail(ResidentError::Store(kontakt_store::StoreError::Database(
            e.to_string(),
        )))
    })?;
    Ok((
        [(
            header::SET_COOKIE,
            set_cookie(crate::mina_sidor::EID_COOKIE, Some(&secret)),
        )],
        Redirect::to(&url),
    )
        .into_response())
}

/// `GET /mina-sidor/e-legitimation/klar`: back from the provider; the ID
/// token's personnummer claim is who the resident is.
pub async fn resident_callback(
    State(state): State<AppState>,
    lang: crate::i18n::ResidentLang,
    parts: Parts,
    Query(q): Query<Callback>,
) -> Response {
    let Some(sso) = state.resident_sso.clone() else {
        return crate::problem::ResidentPageError::new(
            lang,
            kontakt_app::residents::ResidentError::NotFound,
        )
        .into_response();
    };
    let origin = crate::mina_sidor::origin(&parts);
    let refuse = |reason: String| {
        let actor = session::anonymous_actor(&parts);
        let now = Utc::now();
        let event = state.denials.admit(&actor.client, now).map(|suppressed| {
            actor.event(
                now,
                "resident.login",
                ("", ""),
                "",
                Outcome::Denied,
                serde_json::json!({ "method": "e_legitimation", "reason": reason.chars().take(200).collect::<String>(), "suppressed_before": suppressed }),
            )
        });
        let store = state.cases.store().clone();
        let state = state.clone();
        async move {
            if let Err(e) = store.audit(event.into_iter().collect()).await {
                tracing::error!(error = %e, "a refused e-legitimation was not audited");
            }
            (
                axum::http::StatusCode::UNAUTHORIZED,
                crate::mina_sidor::eid_failed_page(&state, lang),
            )
                .into_response()
        }
    };
    let (pending, code) = match returned(&state, &parts, crate::mina_sidor::EID_COOKIE, q).await {
        Ok(back) => back,
        Err(reason) => return refuse(reason).await,
    };
    let personnummer = match sso.finish_for_residents(pending, &code).await {
        Ok(p) => p,
        Err(e) => return refuse(e.to_string()).await,
    };
    match state
        .residents
        .sign_in_with_e_legitimation(personnummer, &origin, Utc::now())
        .await
    {
        Ok((secret, session)) => {
            crate::mina_sidor::keep_language(&state, &parts.headers, &session, &origin).await;
            let mut response = crate::mina_sidor::logged_in(&secret, "/mina-sidor/arenden");
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(crate::mina_sidor::EID_COOKIE, None),
            );
            response
        }
        Err(e) => crate::problem::ResidentPageError::new(lang, e).into_response(),
    }
}
