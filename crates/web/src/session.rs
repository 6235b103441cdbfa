//! Staff sessions in the browser: the cookies, the logged-in staff member
//! as an extractor, and the CSRF check every state-changing form passes.
//!
//! Cookies are `__Host-` prefixed (Secure, Path=/, no Domain), HttpOnly and
//! SameSite=Lax: Lax rather than Strict so the OpenID provider's redirect
//! back to us still carries the pre-login cookie; the CSRF token covers the
//! rest.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue};
use chrono::Utc;
use kontakt_app::cases::{Actor, DEFAULT_PURPOSE};
use kontakt_app::staff::StaffSession;
use kontakt_domain::access::Role;
use kontakt_domain::audit::Outcome;
use subtle::ConstantTimeEq;

use crate::pages::PageError;
use crate::AppState;

/// The logged-in session (and the intermediate login steps).
pub const SESSION_COOKIE: &str = "__Host-kontakt";
/// Before login: the login form's CSRF token and the single sign-on state.
pub const LOGIN_COOKIE: &str = "__Host-kontakt-login";

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// A `Set-Cookie` value; `None` as value clears the cookie.
pub fn set_cookie(name: &str, value: Option<&str>) -> HeaderValue {
    let text = match value {
        Some(v) => format!("{name}={v}; Path=/; Secure; HttpOnly; SameSite=Lax"),
        None => format!("{name}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0"),
    };
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static(""))
}

/// Compares a presented CSRF token with the expected one in constant time.
pub fn tokens_match(presented: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(presented.as_bytes().ct_eq(expected.as_bytes()))
}

pub fn client_address(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default()
}

/// An actor without a login yet: who tries, from where, in which operation.
pub fn anonymous_actor(parts: &Parts) -> Actor {
    Actor {
        id: "anonymous".into(),
        client: client_address(parts),
        operation_id: crate::problem::operation_id(),
        purpose: DEFAULT_PURPOSE.into(),
        principal: Default::default(),
    }
}

/// The actor of a logged-in staff member.
pub fn staff_actor(parts: &Parts, session: &StaffSession) -> Actor {
    let mut actor = anonymous_actor(parts);
    actor.id = format!("user:{}", session.account.username);
    actor.principal = session.principal.clone();
    if let Some(p) = parts
        .headers
        .get("x-kontakt-purpose")
        .and_then(|v| v.to_str().ok())
        .map(|p| p.trim().chars().take(100).collect::<String>())
        .filter(|p| !p.is_empty())
    {
        actor.purpose = p;
    }
    actor
}

/// The staff member's session from the cookie, if it is live.
pub async fn from_cookie(
    parts: &Parts,
    state: &AppState,
) -> Result<Option<StaffSession>, PageError> {
    let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    Ok(state.staff.authenticate(&secret).await?)
}

/// A logged-in staff member, for pages: without a live session the browser
/// is sent to the login page.
pub struct Staff {
    pub session: StaffSession,
    pub actor: Actor,
    /// The language the pages speak to this person.
    pub lang: crate::i18n::Lang,
}

impl Staff {
    pub fn has(&self, role: Role) -> bool {
        self.session.principal.has(role)
    }

    /// Refuses a form whose CSRF token is not this session's, and logs the attempt.
    pub async fn check_csrf(&self, state: &AppState, presented: &str) -> Result<(), PageError> {
        if tokens_match(presented, &self.session.session.csrf_token) {
            return Ok(());
        }
        let event = self.actor.event(
            Utc::now(),
            "auth.csrf",
            ("account", &self.session.account.username),
            "",
            Outcome::Denied,
            serde_json::json!({ "reason": "missing or wrong CSRF token" }),
        );
        state.cases.store().audit(vec![event]).await?;
        Err(PageError::Csrf)
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match from_cookie(parts, state).await? {
            Some(session) => {
                let actor = staff_actor(parts, &session);
                Ok(Staff {
                    session,
                    actor,
                    lang: crate::i18n::Lang::from_headers(&parts.headers),
                })
            }
            None => {
                if cookie(&parts.headers, SESSION_COOKIE).is_some() {
                    // A cookie that no longer opens anything: expired, ended or forged.
                    let actor = anonymous_actor(parts);
                    let now = Utc::now();
                    if let Some(suppressed) = state.denials.admit(&actor.client, now) {
                        let detail = serde_json::json!({
                            "reason": "expired or unknown session",
                            "path": parts.uri.path().chars().take(100).collect::<String>(),
                            "suppressed_before": suppressed,
                        });
                        let event =
                            actor.event(now, "auth.denied", ("", ""), "", Outcome::Denied, detail);
                        state.cases.store().audit(vec![event]).await?;
                    }
                }
                Err(PageError::LoginNeeded)
            }
        }
    }
}

/// How many login attempts (password or code) one client address may make
/// per minute, whichever accounts they name: slows down guessing across
/// many accounts, which the per-account lockout alone would not.
pub const LOGIN_ATTEMPTS_PER_MINUTE: u32 = 30;

/// Counts requests per client address in fixed windows.
pub struct Throttle {
    limit: u32,
    window_seconds: i64,
    by_client: std::sync::Mutex<std::collections::HashMap<String, (i64, u32)>>,
}

/// Login attempts: a fixed number per client and minute.
pub type LoginThrottle = Throttle;

impl Default for Throttle {
    fn default() -> Self {
        Throttle::new(LOGIN_ATTEMPTS_PER_MINUTE, 60)
    }
}

impl Throttle {
    /// At most `limit` per client in each window of `window_seconds`.
    pub fn new(limit: u32, window_seconds: i64) -> Self {
        Throttle {
            limit,
            window_seconds: window_seconds.max(1),
            by_client: Default::default(),
        }
    }

    pub fn admit(&self, client: &str, now: chrono::DateTime<Utc>) -> bool {
        let window = now.timestamp() / self.window_seconds;
        let mut map = self.by_client.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (w, _)| *w == window);
        }
        let entry = map.entry(client.to_owned()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        entry.1 += 1;
        entry.1 <= self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_a_fixed_number_of_attempts_a_minute() {
        let t = LoginThrottle::default();
        let t0 = chrono::DateTime::from_timestamp(1_790_000_040, 0).unwrap_or_default();
        let admitted = (0..50).filter(|_| t.admit("10.0.0.1", t0)).count();
        assert_eq!(admitted, LOGIN_ATTEMPTS_PER_MINUTE as usize);
        assert!(t.admit("10.0.0.2", t0));
        assert!(t.admit("10.0.0.1", t0 + chrono::Duration::seconds(60)));
    }

    #[test]
    fn cookies_are_read_by_exact_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; __Host-kontakt=abc; __Host-kontakt-login=def"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, LOGIN_COOKIE).as_deref(), Some("def"));
        assert_eq!(cookie(&h, "b"), None);
        let set = set_cookie(SESSION_COOKIE, Some("x"));
        let text = set.to_str().unwrap_or_default();
        for attr in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(text.contains(attr), "{text}");
        }
    }
}
