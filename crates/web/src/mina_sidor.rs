//! Mina sidor, the residents' own pages (`/mina-sidor`): log in with a
//! one-time code sent by e-mail or SMS, with e-legitimation (OpenID
//! Connect, when configured), or follow one case with its number and the
//! secret from its acknowledgement; then "my cases", a case as the
//! resident sees it (`resident::resident_case`, the same view agents open
//! from the case card), and on an open case: write a message, attach
//! documents, choose how to hear back, ask to be called.
//!
//! Every page is in the resident's language (`ResidentLang`, eleven of
//! them, Arabic and Persian right to left), works without scripts, and
//! shows the other ways to reach the city (phone, text telephone,
//! e-mail). Sessions are short and bound to the browser
//! (`ResidentService::session`); every form carries the session's CSRF
//! token, and the forms before login refuse other sites' posts.

use axum::extract::{FromRequestParts, Multipart, Path, Query, State};
use axum::http::{header, request::Parts, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::Utc;
use kontakt_app::cases::InboundFile;
use kontakt_app::residents::{CodeMessage, Origin, ResidentError, ResidentSession};
use kontakt_domain::case::{FeedbackChannel, Status};
use kontakt_domain::message::OutboundChannel;
use kontakt_domain::resident::{ResidentIdentity, CODE_MINUTES};
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;

use crate::i18n::{ResidentLang, LANG_COOKIE};
use crate::problem::ResidentPageError;
use crate::resident::{date, feedback_words, resident_case, status_words, type_words};
use crate::session::{client_address, cookie, set_cookie, tokens_match};
use crate::AppState;

/// Posts before login (codes asked for and typed, case secrets tried)
/// one client may make per window; each code also dies after five wrong
/// tries, and each address gets at most five codes an hour.
pub const ATTEMPTS_PER_WINDOW: u32 = 20;
pub const WINDOW_SECONDS: i64 = 600;

/// The resident's session.
pub const RESIDENT_COOKIE: &str = "__Host-kontakt-resident";
/// Between asking for a code and typing it: the challenge, so a code
/// works only in the browser that asked for it.
pub const CODE_COOKIE: &str = "__Host-kontakt-code";
/// Before e-legitimation: the OpenID Connect state, nonce and verifier.
pub const EID_COOKIE: &str = "__Host-kontakt-eid";

/// Who may open a Mina sidor page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    Resident,
}

/// Every Mina sidor route; a test walks them (no session, no CSRF token).
pub const ROUTES: &[(&str, &str, Access)] = &[
    ("GET", "/mina-sidor", Access::Public),
    ("GET", "/mina-sidor/folj", Access::Public),
    ("POST", "/mina-sidor/folj", Access::Public),
    ("POST", "/mina-sidor/kod", Access::Public),
    ("GET", "/mina-sidor/kod", Access::Public),
    ("POST", "/mina-sidor/kod/logga-in", Access::Public),
    ("GET", "/mina-sidor/e-legitimation", Access::Public),
    ("GET", "/mina-sidor/e-legitimation/klar", Access::Public),
    ("GET", "/mina-sidor/arenden", Access::Resident),
    ("GET", "/mina-sidor/arenden/{number}", Access::Resident),
    (
        "POST",
        "/mina-sidor/arenden/{number}/meddelande",
        Access::Resident,
    ),
    (
        "POST",
        "/mina-sidor/arenden/{number}/besked",
        Access::Resident,
    ),
    (
        "POST",
        "/mina-sidor/arenden/{number}/ring-upp",
        Access::Resident,
    ),
    (
        "GET",
        "/mina-sidor/arenden/{number}/filer/{sha256}",
        Access::Resident,
    ),
    ("GET", "/mina-sidor/starta", Access::Resident),
    ("POST", "/mina-sidor/sprak", Access::Resident),
    ("POST", "/mina-sidor/logga-ut", Access::Resident),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/mina-sidor", get(start))
        .route("/mina-sidor/folj", get(follow_form).post(follow))
        .route("/mina-sidor/kod", get(code_form).post(send_code))
        .route("/mina-sidor/kod/logga-in", post(redeem_code))
        .route(
            "/mina-sidor/e-legitimation",
            get(crate::sso::resident_start),
        )
        .route(
            "/mina-sidor/e-legitimation/klar",
            get(crate::sso::resident_callback),
        )
        .route("/mina-sidor/arenden", get(my_cases))
        .route("/mina-sidor/arenden/{number}", get(case_page))
        .route(
            "/mina-sidor/arenden/{number}/meddelande",
            post(send_message),
        )
        .route("/mina-sidor/arenden/{number}/besked", post(set_feedback))
        .route(
            "/mina-sidor/arenden/{number}/ring-upp",
            post(request_callback),
        )
        .route("/mina-sidor/arenden/{number}/filer/{sha256}", get(download))
        .route("/mina-sidor/starta", get(start_case))
        .route("/mina-sidor/sprak", post(choose_language))
        .route("/mina-sidor/logga-ut", post(log_out))
}

/// Where the request came from: for the audit log, throttling, and the
/// session's binding to the browser.
pub(crate) fn origin(parts: &Parts) -> Origin {
    Origin {
        client: client_address(parts),
        operation_id: crate::problem::operation_id(),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .chars()
            .take(512)
            .collect(),
    }
}

/// A logged-in resident.
pub struct Resident {
    pub session: ResidentSession,
    pub origin: Origin,
    pub lang: ResidentLang,
}

impl Resident {
    fn check_csrf(&self, presented: &str) -> Result<(), ResidentPageError> {
        if tokens_match(presented, &self.session.csrf_token) {
            Ok(())
        } else {
            Err(ResidentPageError::csrf(self.lang))
        }
    }
}

impl FromRequestParts<AppState> for Resident {
    type Rejection = ResidentPageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = ResidentLang::from_headers(&parts.headers);
        let origin = origin(parts);
        let Some(secret) = cookie(&parts.headers, RESIDENT_COOKIE) else {
            return Err(ResidentPageError::new(lang, ResidentError::NotLoggedIn));
        };
        match state.residents.session(&secret, &origin, Utc::now()).await {
            Ok(Some(session)) => Ok(Resident {
                session,
                origin,
                lang,
            }),
            Ok(None) => Err(ResidentPageError::new(lang, ResidentError::NotLoggedIn)),
            Err(e) => Err(ResidentPageError::new(lang, e.into())),
        }
    }
}

/// The forms before login carry no session to tie a token to: a post
/// another site's page makes the browser send is refused instead.
fn same_site(headers: &HeaderMap) -> bool {
    let fetch_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("same-origin");
    if fetch_site == "cross-site" {
        return false;
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => {
            origin == format!("https://{host}") || origin == format!("http://{host}")
        }
        _ => true,
    }
}

/// The frame of every Mina sidor page, with the crisis message if one is
/// published.
fn page(
    state: &AppState,
    lang: ResidentLang,
    title: &str,
    resident: Option<&Resident>,
    here: &str,
    body: Markup,
) -> Markup {
    let crisis = state.crisis.current();
    frame(crisis.as_deref(), lang, title, resident, here, body)
}

/// A failure's page (rendered where no state is at hand).
pub(crate) fn error_page(lang: ResidentLang, text: &str) -> Markup {
    let title = lang.t("ms-error-title");
    frame(
        None,
        lang,
        &title,
        None,
        "/mina-sidor",
        html! {
            h1 { (title) }
            p role="alert" { (text) }
            p { a href="/mina-sidor" { (lang.t("ms-error-back")) } }
        },
    )
}

fn frame(
    crisis: Option<&kontakt_app::crisis::Crisis>,
    lang: ResidentLang,
    title: &str,
    resident: Option<&Resident>,
    here: &str,
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) dir=(lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – " (lang.t("ms-brand")) }
                link rel="stylesheet" href="/static/kontakt.css";
            }
            body.ms {
                a.skip href="#main" { (lang.t("ms-skip")) }
                header {
                    a.brand href="/mina-sidor" { (lang.t("ms-brand")) }
                    @if let Some(r) = resident {
                        nav.ms-menu aria-label=(lang.t("ms-nav")) {
                            ul {
                                li { a href="/mina-sidor/arenden" { (lang.t("ms-my-cases")) } }
                                li { a href="/mina-sidor/starta" { (lang.t("ms-start-case")) } }
                                li {
                                    form.logout method="post" action="/mina-sidor/logga-ut" {
                                        input type="hidden" name="csrf" value=(r.session.csrf_token);
                                        button type="submit" { (lang.t("ms-logout")) }
                                    }
                                }
                            }
                        }
                    }
                    (languages(lang, resident, here))
                }
                main #main tabindex="-1" {
                    (crate::crisis::public_banner(lang.code(), crisis))
                    (body)
                }
                footer {
                    h2 { (lang.t("ms-contact-title")) }
                    ul {
                        li { (lang.t("ms-contact-phone")) }
                        li { (lang.t("ms-contact-text-phone")) }
                        li { (lang.t("ms-contact-email")) }
                    }
                    p { (lang.t("ms-privacy")) }
                    @if let Some(r) = resident {
                        p { (logged_in_words(lang, &r.session.identity)) }
                    }
                }
            }
        }
    }
}

/// The language menu: every language named in itself. Logged in, the
/// choice is a form (it is stored as the preferred language); before,
/// links that set the cookie.
fn languages(lang: ResidentLang, resident: Option<&Resident>, here: &str) -> Markup {
    let back: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
    html! {
        nav.ms-languages aria-label=(lang.t("ms-languages")) {
            @if let Some(r) = resident {
                form method="post" action="/mina-sidor/sprak" {
                    input type="hidden" name="csrf" value=(r.session.csrf_token);
                    input type="hidden" name="back" value=(here);
                    ul {
                        @for l in ResidentLang::ALL {
                            li {
                                button type="submit" name="lang" value=(l.code()) lang=(l.code()) dir=(l.dir())
                                    aria-current=[(l == lang).then_some("true")] { (l.endonym()) }
                            }
                        }
                    }
                }
            } @else {
                ul {
                    @for l in ResidentLang::ALL {
                        li {
                            a href=(format!("/lang/{}?back={back}", l.code())) lang=(l.code()) hreflang=(l.code()) dir=(l.dir())
                                aria-current=[(l == lang).then_some("true")] { (l.endonym()) }
                        }
                    }
                }
            }
        }
    }
}

fn logged_in_words(lang: ResidentLang, identity: &ResidentIdentity) -> String {
    lang.t(match identity {
        ResidentIdentity::Email(_) => "ms-logged-in-email",
        ResidentIdentity::Phone(_) => "ms-logged-in-sms",
        ResidentIdentity::Personnummer(_) => "ms-logged-in-eid",
        ResidentIdentity::Case(_) => "ms-logged-in-case",
    })
}

/// A form field's error, tied to its input.
fn field_error(id: &str, error: Option<&str>) -> Markup {
    html! {
        @if let Some(e) = error {
            p.field-error id=(format!("{id}-error")) { (e) }
        }
    }
}

fn error_summary(lang: ResidentLang, errors: &[String]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.error-summary role="alert" tabindex="-1" {
                h2 { (lang.t("ms-error-title")) }
                ul { @for e in errors { li { (e) } } }
            }
        }
    }
}

fn describedby(hint: &str, error: Option<&str>, id: &str) -> String {
    match error {
        Some(_) => format!("{hint} {id}-error"),
        None => hint.to_owned(),
    }
}

#[derive(Default)]
struct LoginErrors {
    address: Option<String>,
    follow: Option<String>,
    eid: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct FollowQuery {
    #[serde(default)]
    arende: String,
    #[serde(default)]
    kod: String,
    /// Set after logging out.
    #[serde(default)]
    utloggad: Option<String>,
}

fn login_page(
    state: &AppState,
    lang: ResidentLang,
    prefill: &FollowQuery,
    address: &str,
    errors: &LoginErrors,
) -> Markup {
    let all: Vec<String> = [&errors.eid, &errors.address, &errors.follow]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let title = lang.t("ms-login-title");
    page(
        state,
        lang,
        &title,
        None,
        "/mina-sidor",
        html! {
            h1 { (title) }
            @if prefill.utloggad.is_some() { p.ms-done role="status" { (lang.t("ms-logged-out")) } }
            p { (lang.t("ms-login-intro")) }
            (error_summary(lang, &all))
            div.ms-ways {
                @if state.resident_sso.is_some() {
                    section {
                        h2 { (lang.t("ms-eid-title")) }
                        p { (lang.t("ms-eid-text")) }
                        a.button href="/mina-sidor/e-legitimation" { (lang.t("ms-eid-button")) }
                    }
                }
                section {
                    h2 { (lang.t("ms-code-title")) }
                    p { (lang.t("ms-code-text")) }
                    form method="post" action="/mina-sidor/kod" {
                        label for="address" { (lang.t("ms-code-address")) }
                        p.hint #address-hint { (lang.t("ms-code-address-hint")) }
                        input #address name="address" value=(address) required autocomplete="email" dir="ltr"
                            aria-describedby=(describedby("address-hint", errors.address.as_deref(), "address"))
                            aria-invalid=[errors.address.as_ref().map(|_| "true")];
                        (field_error("address", errors.address.as_deref()))
                        button type="submit" { (lang.t("ms-code-send")) }
                    }
                }
                section #folj {
                    h2 { (lang.t("ms-follow-title")) }
                    p { (lang.t("ms-follow-text")) }
                    form method="post" action="/mina-sidor/folj" {
                        label for="number" { (lang.t("ms-follow-number")) }
                        p.hint #number-hint { (lang.t("ms-follow-number-hint")) }
                        input #number name="number" value=(prefill.arende) required autocomplete="off" spellcheck="false" dir="ltr"
                            aria-describedby=(describedby("number-hint", errors.follow.as_deref(), "follow"))
                            aria-invalid=[errors.follow.as_ref().map(|_| "true")];
                        label for="token" { (lang.t("ms-follow-token")) }
                        p.hint #token-hint { (lang.t("ms-follow-token-hint")) }
                        input #token name="token" value=(prefill.kod) required autocomplete="off" spellcheck="false" dir="ltr"
                            aria-describedby=(describedby("token-hint", errors.follow.as_deref(), "follow"))
                            aria-invalid=[errors.follow.as_ref().map(|_| "true")];
                        (field_error("follow", errors.follow.as_deref()))
                        button type="submit" { (lang.t("ms-follow-button")) }
                    }
                }
            }
        },
    )
}

/// `GET /mina-sidor`: the way in (or the resident's cases when logged in).
pub async fn start(
    State(state): State<AppState>,
    lang: ResidentLang,
    parts: Parts,
    Query(q): Query<FollowQuery>,
) -> Response {
    if logged_in_identity(&state, &parts).await.is_some() {
        return Redirect::to("/mina-sidor/arenden").into_response();
    }
    login_page(&state, lang, &q, "", &LoginErrors::default()).into_response()
}

/// Who is logged in on Mina sidor in this browser, if anyone (for pages
/// outside Mina sidor that fill in what is known, and the way in).
pub(crate) async fn logged_in_identity(
    state: &AppState,
    parts: &Parts,
) -> Option<ResidentIdentity> {
    let secret = cookie(&parts.headers, RESIDENT_COOKIE)?;
    match state
        .residents
        .session(&secret, &origin(parts), Utc::now())
        .await
    {
        Ok(Some(session)) => Some(session.identity),
        _ => None,
    }
}

/// `GET /mina-sidor/folj?arende=…&kod=…`: the acknowledgement's link. It
/// fills in the form rather than logging in, so a link checker that
/// follows it starts nothing.
pub async fn follow_form(
    State(state): State<AppState>,
    lang: ResidentLang,
    Query(q): Query<FollowQuery>,
) -> Markup {
    login_page(&state, lang, &q, "", &LoginErrors::default())
}

fn too_many(state: &AppState, lang: ResidentLang) -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        message_page(state, lang, &lang.t("ms-error-slow-down")),
    )
        .into_response()
}

/// E-legitimation failed: the way in again, with the reason.
pub(crate) fn eid_failed_page(state: &AppState, lang: ResidentLang) -> Markup {
    let errors = LoginErrors {
        eid: Some(lang.t("ms-error-eid")),
        ..LoginErrors::default()
    };
    login_page(state, lang, &FollowQuery::default(), "", &errors)
}

/// A page with one message and a way back.
fn message_page(state: &AppState, lang: ResidentLang, text: &str) -> Markup {
    let title = lang.t("ms-error-title");
    page(
        state,
        lang,
        &title,
        None,
        "/mina-sidor",
        html! {
            h1 { (title) }
            p role="alert" { (text) }
            p { a href="/mina-sidor" { (lang.t("ms-error-back")) } }
        },
    )
}

/// Sets the resident's session cookie.
fn session_cookie(secret: Option<&str>) -> header::HeaderValue {
    set_cookie(RESIDENT_COOKIE, secret)
}

#[derive(Debug, Deserialize)]
pub struct FollowForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    token: String,
}

/// `POST /mina-sidor/folj`: a case's number and its secret.
pub async fn follow(
    State(state): State<AppState>,
    lang: ResidentLang,
    parts: Parts,
    Form(f): Form<FollowForm>,
) -> Response {
    if !same_site(&parts.headers) {
        return ResidentPageError::csrf(lang).into_response();
    }
    let origin = origin(&parts);
    if !state.resident_throttle.admit(&origin.client, Utc::now()) {
        return too_many(&state, lang);
    }
    match state
        .residents
        .follow(&f.number, &f.token, &origin, Utc::now())
        .await
    {
        Ok((secret, session)) => {
            keep_language(&state, &parts.headers, &session, &origin).await;
            let to = match session.identity {
                ResidentIdentity::Case(n) => format!("/mina-sidor/arenden/{n}"),
                _ => "/mina-sidor/arenden".into(),
            };
            logged_in(&secret, &to)
        }
        Err(e) => {
            let (status, message) = match e {
                ResidentError::Invalid(_) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    lang.t("ms-error-follow-format"),
                ),
                ResidentError::NotFound => (StatusCode::NOT_FOUND, lang.t("ms-error-follow")),
                other => return ResidentPageError::new(lang, other).into_response(),
            };
            let prefill = FollowQuery {
                arende: f.number.chars().take(40).collect(),
                kod: String::new(),
                utloggad: None,
            };
            let errors = LoginErrors {
                follow: Some(message),
                ..LoginErrors::default()
            };
            (status, login_page(&state, lang, &prefill, "", &errors)).into_response()
        }
    }
}

/// Logged in: the session cookie, and off to the page.
pub(crate) fn logged_in(secret: &str, to: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, session_cookie(Some(secret)));
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(CODE_COOKIE, None));
    response
}

/// A language the resident chose before logging in becomes their
/// preferred language. A failure here costs only the preference.
pub(crate) async fn keep_language(
    state: &AppState,
    headers: &HeaderMap,
    session: &ResidentSession,
    origin: &Origin,
) {
    let Some(lang) = cookie(headers, LANG_COOKIE).and_then(|c| ResidentLang::parse(&c)) else {
        return;
    };
    if let Err(e) = state
        .residents
        .set_language(session, lang.code(), origin, Utc::now())
        .await
    {
        tracing::warn!(error = %e, "the resident's language was not stored");
    }
}

#[derive(Debug, Deserialize)]
pub struct CodeRequest {
    #[serde(default)]
    address: String,
}

/// `POST /mina-sidor/kod`: sends a code to the address.
pub async fn send_code(
    State(state): State<AppState>,
    lang: ResidentLang,
    parts: Parts,
    Form(f): Form<CodeRequest>,
) -> Response {
    if !same_site(&parts.headers) {
        return ResidentPageError::csrf(lang).into_response();
    }
    let origin = origin(&parts);
    if !state.resident_throttle.admit(&origin.client, Utc::now()) {
        return too_many(&state, lang);
    }
    let compose = |code: &str| {
        let args: [(&str, &dyn ToString); 2] = [("code", &code), ("minutes", &CODE_MINUTES)];
        if f.address.contains('@') {
            CodeMessage {
                subject: lang.t("ms-code-message-subject"),
                body: format!("{}\n", lang.ta("ms-code-message-body", &args)),
            }
        } else {
            CodeMessage {
                subject: String::new(),
                body: lang.ta("ms-code-sms", &args),
            }
        }
    };
    let address: String = f.address.chars().take(254).collect();
    match state
        .residents
        .send_code(&f.address, compose, &origin, Utc::now())
        .await
    {
        Ok(sent) => {
            let via = match sent.channel {
                OutboundChannel::Email => "email",
                OutboundChannel::Sms => "sms",
            };
            // The dispatcher sends it now rather than at its next round.
            state.cases.nudge_outbox();
            let mut response = Redirect::to(&format!("/mina-sidor/kod?via={via}")).into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(CODE_COOKIE, Some(&sent.challenge)),
            );
            response
        }
        Err(e) => {
            let (status, message) = match e {
                ResidentError::Invalid(_) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, lang.t("ms-error-address"))
                }
                ResidentError::TooManyCodes => {
                    (StatusCode::TOO_MANY_REQUESTS, lang.t("ms-error-too-many"))
                }
                other => return ResidentPageError::new(lang, other).into_response(),
            };
            let errors = LoginErrors {
                address: Some(message),
                ..LoginErrors::default()
            };
            (
                status,
                login_page(&state, lang, &FollowQuery::default(), &address, &errors),
            )
                .into_response()
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CodeQuery {
    #[serde(default)]
    via: String,
}

fn code_page(state: &AppState, lang: ResidentLang, via: &str, error: Option<&str>) -> Markup {
    let title = lang.t("ms-code-sent-title");
    let minutes: [(&str, &dyn ToString); 1] = [("minutes", &CODE_MINUTES)];
    let errors: Vec<String> = error.map(str::to_owned).into_iter().collect();
    page(
        state,
        lang,
        &title,
        None,
        &format!("/mina-sidor/kod?via={via}"),
        html! {
            h1 { (title) }
            (error_summary(lang, &errors))
            p role="status" {
                @if via == "sms" { (lang.ta("ms-code-sent-sms", &minutes)) }
                @else { (lang.ta("ms-code-sent-email", &minutes)) }
            }
            form method="post" action="/mina-sidor/kod/logga-in" {
                input type="hidden" name="via" value=(via);
                label for="code" { (lang.t("ms-code-label")) }
                input #code name="code" required inputmode="numeric" autocomplete="one-time-code"
                    maxlength="20" dir="ltr"
                    aria-describedby=[error.map(|_| "code-error")]
                    aria-invalid=[error.map(|_| "true")];
                (field_error("code", error))
                button type="submit" { (lang.t("ms-code-button")) }
            }
            p { a href="/mina-sidor" { (lang.t("ms-code-again")) } }
        },
    )
}

/// `GET /mina-sidor/kod`: type the code.
pub async fn code_form(
    State(state): State<AppState>,
    lang: ResidentLang,
    headers: HeaderMap,
    Query(q): Query<CodeQuery>,
) -> Response {
    if cookie(&headers, CODE_COOKIE).is_none() {
        return Redirect::to("/mina-sidor").into_response();
    }
    code_page(&state, lang, &q.via, None).into_response()
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    via: String,
}

/// `POST /mina-sidor/kod/logga-in`: the code typed in.
pub async fn redeem_code(
    State(state): State<AppState>,
    lang: ResidentLang,
    parts: Parts,
    Form(f): Form<CodeForm>,
) -> Response {
    if !same_site(&parts.headers) {
        return ResidentPageError::csrf(lang).into_response();
    }
    let origin = origin(&parts);
    if !state.resident_throttle.admit(&origin.client, Utc::now()) {
        return too_many(&state, lang);
    }
    let Some(challenge) = cookie(&parts.headers, CODE_COOKIE) else {
        return Redirect::to("/mina-sidor").into_response();
    };
    let via = if f.via == "sms" { "sms" } else { "email" };
    match state
        .residents
        .redeem_code(&challenge, &f.code, &origin, Utc::now())
        .await
    {
        Ok((secret, session)) => {
            keep_language(&state, &parts.headers, &session, &origin).await;
            logged_in(&secret, "/mina-sidor/arenden")
        }
        Err(e) => {
            let message = match e {
                ResidentError::Invalid(_) => lang.t("ms-error-code-format"),
                ResidentError::WrongCode { tries_left } => {
                    lang.ta("ms-error-code-wrong", &[("left", &tries_left)])
                }
                ResidentError::CodeExpired => lang.t("ms-error-code-expired"),
                other => return ResidentPageError::new(lang, other).into_response(),
            };
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                code_page(&state, lang, via, Some(&message)),
            )
                .into_response()
        }
    }
}

/// `GET /mina-sidor/arenden`: the resident's cases, open ones first.
pub async fn my_cases(
    State(state): State<AppState>,
    r: Resident,
) -> Result<Markup, ResidentPageError> {
    let lang = r.lang;
    let cases = state
        .residents
        .my_cases(&r.session, &r.origin, Utc::now())
        .await
        .map_err(|e| ResidentPageError::new(lang, e))?;
    let catalog = state.cases.catalog();
    let (open, closed): (Vec<_>, Vec<_>) = cases.iter().partition(|c| c.status != Status::Closed);
    let title = lang.t("ms-my-cases");
    let table = |rows: &[&kontakt_store::CaseSummary], caption: &str| {
        html! {
            table.ms-cases {
                caption { (caption) }
                thead { tr {
                    th scope="col" { (lang.t("ms-col-number")) }
                    th scope="col" { (lang.t("ms-col-what")) }
                    th scope="col" { (lang.t("ms-col-status")) }
                    th scope="col" { (lang.t("ms-col-by")) }
                    th scope="col" { (lang.t("ms-col-updated")) }
                } }
                tbody {
                    @for c in rows {
                        tr {
                            td dir="ltr" { a href=(format!("/mina-sidor/arenden/{}", c.number)) { (c.number) } }
                            td { (type_words(lang, catalog, &c.case_type)) }
                            td { (summary_status(lang, catalog, c)) }
                            td { @if c.status != Status::Closed { @if let Some(d) = c.feedback_deadline { (date(d)) } } }
                            td { (date(kontakt_domain::calendar::stockholm_date(c.updated_at))) }
                        }
                    }
                }
            }
        }
    };
    Ok(page(
        &state,
        lang,
        &title,
        Some(&r),
        "/mina-sidor/arenden",
        html! {
            h1 { (title) }
            @if cases.is_empty() {
                p { (lang.t("ms-cases-none")) }
                p { a href="/mina-sidor/starta" { (lang.t("ms-start-case")) } }
            } @else {
                p { (lang.ta("ms-cases-count", &[("count", &cases.len())])) }
                @if !open.is_empty() { (table(&open, &lang.t("ms-cases-open"))) }
                @if !closed.is_empty() { (table(&closed, &lang.t("ms-cases-closed"))) }
            }
        },
    ))
}

/// A listed case's status in words (the list has no timeline).
fn summary_status(
    lang: ResidentLang,
    catalog: &kontakt_domain::catalog::Catalog,
    c: &kontakt_store::CaseSummary,
) -> Markup {
    let shell = kontakt_store::CaseRecord {
        number: c.number,
        version: 0,
        case_type: c.case_type.clone(),
        board: c.board.clone(),
        service_area: String::new(),
        district: c.district.clone(),
        channel: c.channel,
        status: c.status,
        resolution: c.resolution,
        assignee_group: c.assignee_group.clone(),
        assignee_person: None,
        contact: kontakt_store::ContactRecord::Anonymous,
        feedback_channel: None,
        feedback_deadline: c.feedback_deadline,
        description: String::new(),
        form: Default::default(),
        confidential: false,
        handed_over: false,
        created_at: c.created_at,
        updated_at: c.updated_at,
        closed_at: None,
        related: vec![],
        entries: vec![],
        outbox: vec![],
    };
    status_words(lang, catalog, &shell)
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    klart: String,
}

/// What went wrong with one of the case page's forms, to show again.
#[derive(Default)]
struct CaseForms {
    errors: Vec<String>,
    message: String,
    phone: String,
    when: String,
}

fn case_markup(
    state: &AppState,
    r: &Resident,
    case: &kontakt_store::CaseRecord,
    done: &str,
    forms: &CaseForms,
) -> Markup {
    let lang = r.lang;
    let number = case.number.to_string();
    let title = lang.ta("ms-case-title", &[("number", &number)]);
    let base = format!("/mina-sidor/arenden/{number}");
    let csrf = &r.session.csrf_token;
    let documents: Vec<(&str, &str)> = case
        .entries
        .iter()
        .filter(|e| e.body.seen_by_resident(&e.author))
        .filter_map(|e| match &e.body {
            kontakt_domain::case::EntryBody::Attachment {
                file_name, sha256, ..
            } => Some((file_name.as_str(), sha256.as_str())),
            _ => None,
        })
        .collect();
    let done_text = match done {
        "meddelande" => Some(lang.t("ms-message-sent")),
        "besked" => Some(lang.t("ms-feedback-saved")),
        "samtal" => Some(lang.t("ms-callback-sent")),
        _ => None,
    };
    // The number given on this case, not the person record's (which may
    // hold a number another contact gave).
    let phone_given = case
        .entries
        .iter()
        .find_map(|e| match &e.body {
            kontakt_domain::case::EntryBody::Registered { contact_given, .. } => {
                contact_given.phone.clone()
            }
            _ => None,
        })
        .and_then(|p| kontakt_domain::contact::PhoneNumber::parse(&p).ok())
        .map(|p| p.national());
    page(
        state,
        lang,
        &title,
        Some(r),
        &base,
        html! {
            p { a href="/mina-sidor/arenden" { (lang.t("ms-back-to-cases")) } }
            h1 dir="auto" { (title) }
            @if let Some(t) = done_text { p.ms-done role="status" { (t) } }
            (error_summary(lang, &forms.errors))
            (resident_case(lang, state.cases.catalog(), case))
            p { (lang.ta("ms-feedback-now", &[("channel", &feedback_words(lang, case.feedback_channel))])) }
            @if !documents.is_empty() {
                h2 { (lang.t("ms-documents")) }
                ul {
                    @for (name, sha) in &documents {
                        li { a href=(format!("{base}/filer/{sha}")) download=(name) dir="auto" { (name) } }
                    }
                }
            }
            @if case.status == Status::Closed {
                p.callout { (lang.t("ms-closed-note")) }
                p { a href="/mina-sidor/starta" { (lang.t("ms-start-case")) } }
            } @else {
                div.ms-case-actions {
                    section {
                        h2 { (lang.t("ms-message-title")) }
                        form method="post" action=(format!("{base}/meddelande")) enctype="multipart/form-data" {
                            input type="hidden" name="csrf" value=(csrf);
                            label for="text" { (lang.t("ms-message-text")) }
                            textarea #text name="text" rows="5" dir="auto" { (forms.message) }
                            label for="files" { (lang.t("ms-message-files")) }
                            p.hint #files-hint { (lang.t("ms-message-files-hint")) }
                            input #files name="files" type="file" multiple aria-describedby="files-hint";
                            button type="submit" { (lang.t("ms-message-send")) }
                        }
                    }
                    section {
                        h2 { (lang.t("ms-feedback-title")) }
                        form method="post" action=(format!("{base}/besked")) {
                            input type="hidden" name="csrf" value=(csrf);
                            fieldset {
                                legend { (lang.t("ms-feedback-title")) }
                                @for ch in [FeedbackChannel::Email, FeedbackChannel::Sms, FeedbackChannel::Phone, FeedbackChannel::Letter] {
                                    label.check {
                                        input type="radio" name="feedback_channel" value=(ch.as_str()) checked[case.feedback_channel == Some(ch)];
                                        " " (feedback_words(lang, Some(ch)))
                                    }
                                }
                            }
                            button type="submit" { (lang.t("ms-feedback-save")) }
                        }
                    }
                    section {
                        h2 { (lang.t("ms-callback-title")) }
                        p { (lang.t("ms-callback-text")) }
                        form method="post" action=(format!("{base}/ring-upp")) {
                            input type="hidden" name="csrf" value=(csrf);
                            label for="phone" { (lang.t("ms-callback-phone")) }
                            input #phone name="phone" type="tel" required autocomplete="tel" dir="ltr"
                                value=(if forms.phone.is_empty() { phone_given.clone().unwrap_or_default() } else { forms.phone.clone() });
                            label for="when" { (lang.t("ms-callback-when")) }
                            p.hint #when-hint { (lang.t("ms-callback-when-hint")) }
                            input #when name="when" maxlength="200" aria-describedby="when-hint" dir="auto" value=(forms.when);
                            button type="submit" { (lang.t("ms-callback-send")) }
                        }
                    }
                }
            }
        },
    )
}

/// `GET /mina-sidor/arenden/{number}`: one of the resident's cases.
pub async fn case_page(
    State(state): State<AppState>,
    r: Resident,
    Path(number): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Markup, ResidentPageError> {
    let case = state
        .residents
        .case(&r.session, &number, &r.origin, Utc::now())
        .await
        .map_err(|e| ResidentPageError::new(r.lang, e))?;
    Ok(case_markup(
        &state,
        &r,
        &case,
        &q.klart,
        &CaseForms::default(),
    ))
}

/// A refused form: the case page again with the reasons, or the error page.
async fn refused(
    state: &AppState,
    r: &Resident,
    number: &str,
    error: ResidentError,
    mut forms: CaseForms,
) -> Response {
    let lang = r.lang;
    let ResidentError::Invalid(fields) = error else {
        return ResidentPageError::new(lang, error).into_response();
    };
    forms.errors = fields
        .iter()
        .map(|f| match f.field.as_str() {
            "text" if f.reason.contains("longer") => lang.t("ms-error-message-long"),
            "text" => lang.t("ms-error-message-empty"),
            "files" | "attach_to" => lang.t("ms-error-files"),
            "phone" => lang.t("ms-error-phone"),
            "when" => lang.t("ms-error-when"),
            "feedback_channel" => lang.t("ms-error-channel"),
            f if f.starts_with("files") => lang.t("ms-error-files"),
            _ => lang.t("ms-error-failed"),
        })
        .collect();
    match state
        .residents
        .case(&r.session, number, &r.origin, Utc::now())
        .await
    {
        Ok(case) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            case_markup(state, r, &case, "", &forms),
        )
            .into_response(),
        Err(e) => ResidentPageError::new(lang, e).into_response(),
    }
}

/// `POST /mina-sidor/arenden/{number}/meddelande`: a message and files.
pub async fn send_message(
    State(state): State<AppState>,
    r: Resident,
    Path(number): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let lang = r.lang;
    let Ok(mut multipart) = multipart else {
        return ResidentPageError::csrf(lang).into_response();
    };
    let (mut csrf, mut text, mut files, mut too_large) =
        (String::new(), String::new(), Vec::new(), false);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                too_large = true;
                break;
            }
        };
        match field.name().unwrap_or_default() {
            "csrf" => csrf = field.text().await.unwrap_or_default(),
            "text" => text = field.text().await.unwrap_or_default(),
            "files" => {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let content_type = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_owned();
                match field.bytes().await {
                    // An empty file input still sends a part without a name.
                    Ok(b) if b.is_empty() && file_name.is_empty() => {}
                    Ok(b) if b.len() > kontakt_app::cases::limits::ATTACHMENT_BYTES => {
                        too_large = true
                    }
                    Ok(b) => files.push(InboundFile {
                        file_name,
                        content_type,
                        content: b.to_vec(),
                    }),
                    Err(_) => too_large = true,
                }
            }
            _ => {}
        }
    }
    if let Err(e) = r.check_csrf(&csrf) {
        return e.into_response();
    }
    let forms = CaseForms {
        message: text
            .chars()
            .take(kontakt_app::residents::MESSAGE_CHARS + 100)
            .collect(),
        ..CaseForms::default()
    };
    if too_large {
        let error = ResidentError::Invalid(vec![kontakt_app::cases::FieldError {
            field: "files".into(),
            reason: "too large".into(),
        }]);
        return refused(&state, &r, &number, error, forms).await;
    }
    match state
        .residents
        .send_message(&r.session, &number, &text, files, &r.origin, Utc::now())
        .await
    {
        Ok(()) => Redirect::to(&format!(
            "/mina-sidor/arenden/{number}?klart=meddelande#main"
        ))
        .into_response(),
        Err(e) => refused(&state, &r, &number, e, forms).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct FeedbackForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    feedback_channel: String,
}

/// `POST /mina-sidor/arenden/{number}/besked`: another way to hear back.
pub async fn set_feedback(
    State(state): State<AppState>,
    r: Resident,
    Path(number): Path<String>,
    Form(f): Form<FeedbackForm>,
) -> Response {
    if let Err(e) = r.check_csrf(&f.csrf) {
        return e.into_response();
    }
    match state
        .residents
        .set_feedback_channel(
            &r.session,
            &number,
            &f.feedback_channel,
            &r.origin,
            Utc::now(),
        )
        .await
    {
        Ok(()) => {
            Redirect::to(&format!("/mina-sidor/arenden/{number}?klart=besked#main")).into_response()
        }
        Err(e) => refused(&state, &r, &number, e, CaseForms::default()).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct CallbackForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    when: String,
}

/// `POST /mina-sidor/arenden/{number}/ring-upp`: please call me.
pub async fn request_callback(
    State(state): State<AppState>,
    r: Resident,
    Path(number): Path<String>,
    Form(f): Form<CallbackForm>,
) -> Response {
    if let Err(e) = r.check_csrf(&f.csrf) {
        return e.into_response();
    }
    match state
        .residents
        .request_callback(
            &r.session,
            &number,
            &f.phone,
            &f.when,
            &r.origin,
            Utc::now(),
        )
        .await
    {
        Ok(()) => {
            Redirect::to(&format!("/mina-sidor/arenden/{number}?klart=samtal#main")).into_response()
        }
        Err(e) => {
            let forms = CaseForms {
                phone: f.phone.chars().take(40).collect(),
                when: f.when.chars().take(200).collect(),
                ..CaseForms::default()
            };
            refused(&state, &r, &number, e, forms).await
        }
    }
}

/// `GET /mina-sidor/arenden/{number}/filer/{sha256}`: a document of the case.
pub async fn download(
    State(state): State<AppState>,
    r: Resident,
    Path((number, sha256)): Path<(String, String)>,
) -> Response {
    match state
        .residents
        .attachment(&r.session, &number, &sha256, &r.origin, Utc::now())
        .await
    {
        Ok((file_name, content_type, content)) => {
            crate::api::file_download(&file_name, content_type, content)
        }
        Err(e) => ResidentPageError::new(r.lang, e).into_response(),
    }
}

/// `GET /mina-sidor/starta`: the e-services and the web assistant.
pub async fn start_case(State(state): State<AppState>, r: Resident) -> Markup {
    let lang = r.lang;
    let title = lang.t("ms-start-case");
    page(
        &state,
        lang,
        &title,
        Some(&r),
        "/mina-sidor/starta",
        html! {
            h1 { (title) }
            p { (lang.t("ms-start-intro")) }
            ul {
                li { a href="/e-tjanster" { (lang.t("ms-start-eservices")) } }
                li { a href="/fraga" { (lang.t("ms-start-assistant")) } }
            }
            p { (lang.t("ms-start-call")) }
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    back: String,
}

/// `POST /mina-sidor/sprak`: the language of the pages, kept as the
/// resident's preferred language.
pub async fn choose_language(
    State(state): State<AppState>,
    r: Resident,
    headers: HeaderMap,
    Form(f): Form<LanguageForm>,
) -> Response {
    if let Err(e) = r.check_csrf(&f.csrf) {
        return e.into_response();
    }
    let lang = ResidentLang::parse(&f.lang).unwrap_or(r.lang);
    if let Err(e) = state
        .residents
        .set_language(&r.session, lang.code(), &r.origin, Utc::now())
        .await
    {
        return ResidentPageError::new(lang, e).into_response();
    }
    let back = crate::i18n::back_path(&f.back, &headers);
    let back = if back.starts_with("/mina-sidor") {
        back
    } else {
        "/mina-sidor/arenden".into()
    };
    let mut response = Redirect::to(&back).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, crate::i18n::lang_cookie(lang));
    response
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /mina-sidor/logga-ut`.
pub async fn log_out(
    State(state): State<AppState>,
    r: Resident,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Err(e) = r.check_csrf(&f.csrf) {
        return e.into_response();
    }
    if let Err(e) = state
        .residents
        .sign_out(&r.session, &r.origin, Utc::now())
        .await
    {
        return ResidentPageError::new(r.lang, e.into()).into_response();
    }
    let mut response = Redirect::to("/mina-sidor?utloggad=1").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, session_cookie(None));
    response
}
