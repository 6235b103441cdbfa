//! Request extractors that fail with problem details instead of axum's plain
//! text: the JSON body (naming the field that is wrong) and the bearer token.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts, Method};
use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use chrono::Utc;
use kontakt_app::cases::{Actor, DEFAULT_PURPOSE};
use kontakt_domain::audit::Outcome;
use serde::de::DeserializeOwned;

use crate::problem::ApiError;
use crate::AppState;

/// A JSON body; errors name the offending field by its path.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                let v = v.trim();
                v.eq_ignore_ascii_case("application/json") || v.ends_with("+json")
            });
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge(format!(
                    "the body is larger than {} bytes",
                    crate::BODY_LIMIT
                ))
            } else {
                ApiError::BadBody {
                    field: None,
                    reason: e.body_text(),
                }
            }
        })?;
        if std::str::from_utf8(&bytes).is_err() {
            return Err(ApiError::BadBody {
                field: None,
                reason: "the body is not valid UTF-8".into(),
            });
        }
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let reason = e.into_inner().to_string();
            ApiError::BadBody {
                field: (path != ".").then_some(path),
                reason,
            }
        })?;
        de.end().map_err(|e| ApiError::BadBody {
            field: None,
            reason: e.to_string(),
        })?;
        Ok(ApiJson(value))
    }
}

/// The integration token presented as `Authorization: Bearer …`, and the
/// actor it makes: who, from which address, in which operation, and why
/// (`X-Kontakt-Purpose`, else the contact centre's task).
///
/// A staff member's browser session (the cookie) is accepted too, so the
/// pages' exports use the same routes; a change made that way must carry
/// the session's CSRF token in `X-CSRF-Token`.
pub struct Caller {
    pub actor: Actor,
}

/// How many refused logins per client and minute are audited one by one;
/// beyond that they are counted and the count goes into the next entry.
const DENIALS_PER_MINUTE: u32 = 20;

#[derive(Default)]
pub struct DenialLimiter {
    /// client → (minute, audited this minute, suppressed since last audited)
    by_client: std::sync::Mutex<std::collections::HashMap<String, (i64, u32, u32)>>,
}

impl DenialLimiter {
    /// `Some(suppressed so far)` if this denial should be audited.
    pub(crate) fn admit(&self, client: &str, now: chrono::DateTime<Utc>) -> Option<u32> {
        let minute = now.timestamp() / 60;
        let mut map = self.by_client.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (m, _, _)| *m == minute);
        }
        let entry = map.entry(client.to_owned()).or_insert((minute, 0, 0));
        if entry.0 != minute {
            *entry = (minute, 0, entry.2);
        }
        entry.1 += 1;
        if entry.1 <= DENIALS_PER_MINUTE {
            Some(std::mem::take(&mut entry.2))
        } else {
            entry.2 += 1;
            None
        }
    }
}

fn actor_for(parts: &Parts, id: String) -> Actor {
    let client = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default();
    let purpose = parts
        .headers
        .get("x-kontakt-purpose")
        .and_then(|v| v.to_str().ok())
        .map(|p| p.trim().chars().take(100).collect::<String>())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| DEFAULT_PURPOSE.to_owned());
    Actor {
        id,
        client,
        operation_id: crate::problem::operation_id(),
        purpose,
        principal: Default::default(),
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            });
        if secret.is_none() {
            if let Some(caller) = session_caller(parts, state).await? {
                return Ok(caller);
            }
        }
        let token = match secret {
            Some(secret) => kontakt_app::tokens::verify(state.cases.store(), secret.trim()).await?,
            None => None,
        };
        match token {
            Some(token) => {
                let mut actor = actor_for(parts, format!("token:{}", token.name));
                actor.principal = kontakt_app::tokens::principal(&token.scopes);
                Ok(Caller { actor })
            }
            None => {
                // A missing or wrong token is recorded: probing shows in log review.
                let actor = actor_for(parts, "anonymous".into());
                let now = Utc::now();
                if let Some(suppressed) = state.denials.admit(&actor.client, now) {
                    let detail = serde_json::json!({
                        "reason": if secret.is_some() { "unknown or revoked token" } else { "no token" },
                        "path": parts.uri.path().chars().take(100).collect::<String>(),
                        "suppressed_before": suppressed,
                    });
                    let event =
                        actor.event(now, "auth.denied", ("", ""), "", Outcome::Denied, detail);
                    state.cases.store().audit(vec![event]).await?;
                }
                Err(ApiError::Unauthorized)
            }
        }
    }
}

/// The caller from a live session cookie, CSRF-checked for changes.
async fn session_caller(parts: &Parts, state: &AppState) -> Result<Option<Caller>, ApiError> {
    let session = match crate::session::from_cookie(parts, state).await {
        Ok(Some(s)) => s,
        Ok(None) => return Ok(None),
        Err(e) => return Err(ApiError::Internal(format!("{e:?}"))),
    };
    let actor = crate::session::staff_actor(parts, &session);
    // A link or form on another site must not make a staff member's browser
    // read personal data in their name (the read would be audited as theirs).
    let cross_site = parts
        .headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site");
    if cross_site {
        return Err(ApiError::Csrf);
    }
    let safe = matches!(parts.method, Method::GET | Method::HEAD);
    let presented = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !safe && !crate::session::tokens_match(presented, &session.session.csrf_token) {
        let event = actor.event(
            Utc::now(),
            "auth.csrf",
            ("account", &session.account.username),
            "",
            Outcome::Denied,
            serde_json::json!({ "reason": "missing or wrong X-CSRF-Token", "path": parts.uri.path().chars().take(100).collect::<String>() }),
        );
        state.cases.store().audit(vec![event]).await?;
        return Err(ApiError::Csrf);
    }
    Ok(Some(Caller { actor }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denials_are_audited_up_to_a_limit_then_counted() {
        let limiter = DenialLimiter::default();
        let t0 = chrono::DateTime::from_timestamp(1_790_000_040, 0).unwrap_or_default();
        let admitted = (0..30)
            .filter(|_| limiter.admit("10.0.0.1", t0).is_some())
            .count();
        assert_eq!(admitted, DENIALS_PER_MINUTE as usize);
        // Another client has its own allowance.
        assert_eq!(limiter.admit("10.0.0.2", t0), Some(0));
        // The next minute's first entry carries the count of those not logged.
        let t1 = t0 + chrono::Duration::seconds(60);
        assert_eq!(limiter.admit("10.0.0.1", t1), Some(10));
        assert_eq!(limiter.admit("10.0.0.1", t1), Some(0));
    }
}
