//! The staff pages: login (password, second factor, new password, single
//! sign-on), the start page, account administration and log review.
//! Server-rendered HTML without scripts; every state-changing form carries
//! the session's CSRF token. Swedish first, English second.
//!
//! Every page route is listed in [`ROUTES`] with the guard it needs; the
//! router is built from that table and the authorization tests walk it, so
//! a page cannot exist without being tested for access and CSRF.

use axum::extract::{Path, Query, State};
use axum::http::{header, request::Parts, HeaderMap, Method};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Form, Router};
use chrono::{NaiveDate, Utc};
use kontakt_app::staff::NewAccount;
use kontakt_domain::access::Role;
use kontakt_store::staff::SessionStage;
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;

use crate::i18n::Lang;
pub use crate::problem::PageError;
use crate::session::{self, cookie, set_cookie, tokens_match, Staff, LOGIN_COOKIE, SESSION_COOKIE};
use crate::AppState;

/// Who may open a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// Anyone (the login steps).
    Public,
    /// Any logged-in staff member.
    Session,
    /// Administrators.
    Admin,
    /// Log reviewers.
    Reviewer,
    /// Case work at the desk: agents, officers, registrars (what each may
    /// see of a case is then decided by the access rules).
    Desk,
}

#[derive(Debug, Clone, Copy)]
pub struct PageRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub guard: Guard,
}

const fn route(method: &'static str, path: &'static str, guard: Guard) -> PageRoute {
    PageRoute {
        method,
        path,
        guard,
    }
}

/// Every page route. `{username}` stands for an account's name.
pub const ROUTES: &[PageRoute] = &[
    route("GET", "/login", Guard::Public),
    route("POST", "/login", Guard::Public),
    route("GET", "/login/second-factor", Guard::Public),
    route("POST", "/login/second-factor", Guard::Public),
    route("GET", "/login/new-password", Guard::Public),
    route("POST", "/login/new-password", Guard::Public),
    route("GET", "/login/sso", Guard::Public),
    route("GET", "/login/sso/callback", Guard::Public),
    route("GET", "/", Guard::Session),
    route("POST", "/logout", Guard::Session),
    route("GET", "/admin/accounts", Guard::Admin),
    route("POST", "/admin/accounts", Guard::Admin),
    route("POST", "/admin/accounts/{username}/disable", Guard::Admin),
    route("POST", "/admin/accounts/{username}/enable", Guard::Admin),
    route(
        "POST",
        "/admin/accounts/{username}/reset-password",
        Guard::Admin,
    ),
    route(
        "POST",
        "/admin/accounts/{username}/reset-second-factor",
        Guard::Admin,
    ),
    route("GET", "/review", Guard::Reviewer),
    route("GET", "/cases/new", Guard::Desk),
    route("POST", "/cases/new", Guard::Desk),
    route("GET", "/cases/new/fields", Guard::Desk),
    route("GET", "/cases/new/person", Guard::Desk),
    route("GET", "/cases/{number}", Guard::Desk),
    route("GET", "/cases/{number}/person", Guard::Desk),
    route("POST", "/cases/{number}/note", Guard::Desk),
    route("POST", "/cases/{number}/handover", Guard::Desk),
    route("POST", "/cases/{number}/status", Guard::Desk),
    route("POST", "/cases/{number}/reply", Guard::Desk),
    route("POST", "/cases/{number}/deadline", Guard::Desk),
    route("POST", "/cases/{number}/respond", Guard::Desk),
    route("POST", "/cases/{number}/link", Guard::Desk),
    route("POST", "/cases/{number}/attach", Guard::Desk),
    route("GET", "/search", Guard::Desk),
    route("GET", "/events", Guard::Session),
    route("GET", "/help", Guard::Session),
    route("GET", "/lang/{code}", Guard::Public),
];

fn handler(method: &str, path: &str) -> MethodRouter<AppState> {
    match (method, path) {
        ("GET", "/login") => get(login_form),
        ("POST", "/login") => post(login),
        ("GET", "/login/second-factor") => get(second_factor_form),
        ("POST", "/login/second-factor") => post(second_factor),
        ("GET", "/login/new-password") => get(new_password_form),
        ("POST", "/login/new-password") => post(new_password),
        ("GET", "/login/sso") => get(crate::sso::start),
        ("GET", "/login/sso/callback") => get(crate::sso::callback),
        ("GET", "/") => get(home),
        ("POST", "/logout") => post(logout),
        ("GET", "/admin/accounts") => get(accounts),
        ("POST", "/admin/accounts") => post(create_account),
        ("POST", "/admin/accounts/{username}/disable") => post(disable),
        ("POST", "/admin/accounts/{username}/enable") => post(enable),
        ("POST", "/admin/accounts/{username}/reset-password") => post(reset_password),
        ("POST", "/admin/accounts/{username}/reset-second-factor") => post(reset_second_factor),
        ("GET", "/review") => get(review),
        ("GET", "/cases/new") => get(crate::desk::quick_form),
        ("POST", "/cases/new") => post(crate::desk::quick_register),
        ("GET", "/cases/{number}") => get(crate::desk::case_card),
        ("GET", "/cases/{number}/person") => get(crate::desk::person_view),
        ("POST", "/cases/{number}/note") => post(crate::desk::add_note),
        ("POST", "/cases/{number}/handover") => post(crate::desk::hand_over),
        ("POST", "/cases/{number}/status") => post(crate::desk::change_status),
        ("POST", "/cases/{number}/reply") => post(crate::desk::reply),
        ("POST", "/cases/{number}/deadline") => post(crate::desk::change_deadline),
        ("POST", "/cases/{number}/respond") => post(crate::desk::respond),
        ("GET", "/help") => get(help_page),
        ("GET", "/lang/{code}") => get(crate::i18n::switch),
        ("POST", "/cases/{number}/link") => post(crate::desk::link),
        ("POST", "/cases/{number}/attach") => post(crate::desk::attach),
        ("GET", "/cases/new/fields") => get(crate::desk::quick_fields),
        ("GET", "/cases/new/person") => get(crate::desk::quick_person),
        ("GET", "/search") => get(crate::desk::search),
        ("GET", "/events") => get(crate::desk::events),
        other => unreachable!("page route {other:?} has no handler"),
    }
}

pub fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for r in ROUTES {
        router = router.route(r.path, handler(r.method, r.path));
    }
    router
        .route("/static/kontakt.css", get(stylesheet))
        .route("/static/desk.js", get(desk_script))
}

const DESK_SCRIPT: &str = include_str!("../static/desk.js");

async fn desk_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        DESK_SCRIPT,
    )
        .into_response()
}

const STYLESHEET: &str = include_str!("../static/kontakt.css");

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

pub(crate) fn layout(lang: Lang, title: &str, staff: Option<&Staff>, body: Markup) -> Markup {
    let other = lang.other();
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – Kontakt" }
                link rel="stylesheet" href="/static/kontakt.css";
                script src="/static/desk.js" defer {}
            }
            body {
                header {
                    a.brand href="/" { (lang.t("brand")) }
                    @if let Some(s) = staff {
                        nav aria-label=(lang.t("nav-label")) {
                            a href="/" { (lang.t("nav-start")) }
                            @if crate::desk::require_desk(s).is_ok() {
                                a href="/cases/new" { (lang.t("nav-new")) }
                                a href="/search" { (lang.t("nav-search")) }
                            }
                            @if s.has(Role::Administrator) { a href="/admin/accounts" { (lang.t("nav-accounts")) } }
                            @if s.has(Role::LogReviewer) { a href="/review" { (lang.t("nav-review")) } }
                            a #help-link href="/help" aria-keyshortcuts="?" { (lang.t("nav-help")) }
                        }
                    }
                    a.language href=(format!("/lang/{}", other.code())) lang=(other.code()) hreflang=(other.code()) { (lang.t("switch-language")) }
                    @if let Some(s) = staff {
                        form.logout method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(s.session.session.csrf_token);
                            span { (s.session.account.display_name) }
                            button type="submit" { (lang.t("log-out")) }
                        }
                    }
                }
                p.notice role="note" { (lang.t("logging-notice")) }
                main { (body) }
                @if staff.is_some() {
                    // Opened by "?" or the help link (desk.js); /help is the
                    // same list as a page when scripts are off.
                    dialog #help aria-labelledby="help-title" {
                        h2 #help-title { (lang.t("help-title")) }
                        (shortcuts_list(lang))
                        form method="dialog" { button #help-close type="submit" { (lang.t("help-close")) } }
                    }
                }
            }
        }
    }
}

/// Every keyboard shortcut of the desk, for the help dialog and page.
fn shortcuts_list(lang: Lang) -> Markup {
    html! {
        dl.shortcuts {
            dt { kbd { "Alt+N" } } dd { (lang.t("shortcut-new")) }
            dt { kbd { "Alt+S" } } dd { (lang.t("shortcut-search")) }
            dt { kbd { "Alt+H" } } dd { (lang.t("shortcut-home")) }
            dt { kbd { "?" } } dd { (lang.t("shortcut-help")) }
            dt { kbd { "Esc" } } dd { (lang.t("shortcut-close-help")) }
            dt { kbd { "Tab" } " / " kbd { (lang.t("key-shift-tab")) } } dd { (lang.t("shortcut-fields")) }
            dt { kbd { "Enter" } } dd { (lang.t("shortcut-enter")) }
        }
    }
}

async fn help_page(staff: Staff) -> Markup {
    let lang = staff.lang;
    layout(
        lang,
        &lang.t("help-page-title"),
        Some(&staff),
        html! {
            h1 { (lang.t("help-page-title")) }
            h2 { (lang.t("help-title")) }
            (shortcuts_list(lang))
            h2 { (lang.t("help-how")) }
            ol {
                li { (lang.t("help-step-call")) }
                li { (lang.t("help-step-answer")) }
                li { (lang.t("help-step-handover")) }
                li { (lang.t("help-step-officer")) }
            }
        },
    )
}

/// A page with a message only (errors).
pub fn message_page(sv: &str, en: &str) -> Markup {
    // Said in both languages: an error page is rendered without the request.
    layout(
        Lang::Sv,
        "Meddelande",
        None,
        html! {
            h1 { "Kontakt" }
            p role="alert" { (sv) }
            @if !en.is_empty() { p lang="en" { (en) } }
            p.operation { "Felkod för support " span lang="en" { "(operation id)" } ": " code { (crate::problem::operation_id()) } }
            p { a href="/" { "Till startsidan" } }
        },
    )
}

fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut b);
    hex::encode(b)
}

fn login_page(state: &AppState, csrf: &str, error: Option<&str>) -> Markup {
    layout(
        Lang::Sv,
        "Logga in",
        None,
        html! {
            h1 { "Logga in " span lang="en" { "(Log in)" } }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form method="post" action="/login" {
                input type="hidden" name="csrf" value=(csrf);
                label for="username" { "Användarnamn " span lang="en" { "(User name)" } }
                input #username name="username" autocomplete="username" required autofocus;
                label for="password" { "Lösenord " span lang="en" { "(Password)" } }
                input #password type="password" name="password" autocomplete="current-password" required;
                button type="submit" { "Logga in" }
            }
            p.hint { "Efter " (state.staff.policy().max_failures) " misslyckade försök i rad låses kontot i "
                (state.staff.policy().lock_for.num_minutes()) " minuter." }
            @if state.sso.is_some() {
                p { a.button href="/login/sso" { "Logga in med stadens konto (SSO)" } }
            }
        },
    )
}

async fn login_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let csrf = cookie(&headers, LOGIN_COOKIE).unwrap_or_else(random_token);
    (
        [(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, Some(&csrf)))],
        login_page(&state, &csrf, None),
    )
        .into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// Redirects to the page of the step a session has reached, setting its cookie.
pub(crate) fn to_stage(started: &kontakt_app::staff::Started) -> Response {
    let target = match started.stage {
        SessionStage::Full => "/",
        SessionStage::SecondFactor => "/login/second-factor",
        SessionStage::NewPassword => "/login/new-password",
        SessionStage::SingleSignOn => "/login",
    };
    (
        [(
            header::SET_COOKIE,
            set_cookie(SESSION_COOKIE, Some(&started.secret)),
        )],
        Redirect::to(target),
    )
        .into_response()
}

async fn login(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let expected = cookie(&parts.headers, LOGIN_COOKIE).unwrap_or_default();
    if !tokens_match(&form.csrf, &expected) {
        return Err(refuse_step(&state, &parts, "/login").await);
    }
    let actor = session::anonymous_actor(&parts);
    if !state.login_throttle.admit(&actor.client, Utc::now()) {
        return Err(PageError::TooManyAttempts);
    }
    match state.staff.login(&actor, &form.username, &form.password).await {
        Ok(started) => Ok(to_stage(&started)),
        Err(kontakt_app::staff::StaffError::LoginFailed) => Ok((
            axum::http::StatusCode::UNAUTHORIZED,
            login_page(
                &state,
                &expected,
                Some("Inloggningen misslyckades: fel användarnamn eller lösenord, eller så är kontot låst eller avstängt. (The login failed.)"),
            ),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

/// A login step posted without its CSRF token: audited (within the
/// per-client limit, so it cannot flood the log) and refused.
async fn refuse_step(state: &AppState, parts: &Parts, path: &str) -> PageError {
    let actor = session::anonymous_actor(parts);
    let now = Utc::now();
    if let Some(suppressed) = state.denials.admit(&actor.client, now) {
        let event = actor.event(
            now,
            "auth.csrf",
            ("", ""),
            "",
            kontakt_domain::audit::Outcome::Denied,
            serde_json::json!({ "reason": "login step without its CSRF token", "path": path, "suppressed_before": suppressed }),
        );
        if let Err(e) = state.cases.store().audit(vec![event]).await {
            return e.into();
        }
    }
    PageError::Csrf
}

fn step_secret(headers: &HeaderMap) -> Result<String, PageError> {
    cookie(headers, SESSION_COOKIE).ok_or(PageError::LoginNeeded)
}

fn second_factor_page(step: &kontakt_app::staff::PendingStep, error: Option<&str>) -> Markup {
    layout(
        Lang::Sv,
        "Tvåfaktorsinloggning",
        None,
        html! {
            h1 { "Engångskod " span lang="en" { "(One-time code)" } }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            @if let Some(enrol) = &step.enrolment {
                p { "Ditt konto behöver en andra faktor. Lägg till nyckeln i din autentiseringsapp och ange koden den visar. "
                    span lang="en" { "(Add this key to your authenticator app and enter the code it shows.)" } }
                p { "Nyckel " span lang="en" { "(Key)" } ": " code.secret { (enrol.secret_base32) } }
                p { "Länk för appen: " code { (enrol.otpauth_uri) } }
            } @else {
                p { "Ange koden från din autentiseringsapp. " span lang="en" { "(Enter the code from your authenticator app.)" } }
            }
            form method="post" action="/login/second-factor" {
                input type="hidden" name="csrf" value=(step.session.csrf_token);
                label for="code" { "Kod " span lang="en" { "(Code)" } }
                input #code name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required autofocus;
                button type="submit" { "Fortsätt" }
            }
        },
    )
}

async fn second_factor_form(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Markup, PageError> {
    let step = state
        .staff
        .pending(&step_secret(&headers)?, SessionStage::SecondFactor)
        .await?;
    Ok(second_factor_page(&step, None))
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

async fn second_factor(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    let secret = step_secret(&parts.headers)?;
    let step = state
        .staff
        .pending(&secret, SessionStage::SecondFactor)
        .await?;
    if !tokens_match(&form.csrf, &step.session.csrf_token) {
        return Err(PageError::Csrf);
    }
    let actor = session::anonymous_actor(&parts);
    if !state.login_throttle.admit(&actor.client, Utc::now()) {
        return Err(PageError::TooManyAttempts);
    }
    match state.staff.second_factor(&actor, &secret, &form.code).await {
        Ok(started) => Ok(to_stage(&started)),
        Err(kontakt_app::staff::StaffError::LoginFailed) => Ok((
            axum::http::StatusCode::UNAUTHORIZED,
            second_factor_page(&step, Some("Fel kod. Försök igen. (Wrong code.)")),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

fn new_password_page(csrf: &str, error: Option<&str>) -> Markup {
    layout(
        Lang::Sv,
        "Nytt lösenord",
        None,
        html! {
            h1 { "Välj ett nytt lösenord " span lang="en" { "(Choose a new password)" } }
            p { "En administratör har återställt ditt lösenord. Välj ett eget på minst "
                (kontakt_app::staff::MIN_PASSWORD_CHARS) " tecken." }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form method="post" action="/login/new-password" {
                input type="hidden" name="csrf" value=(csrf);
                label for="password" { "Nytt lösenord " span lang="en" { "(New password)" } }
                input #password type="password" name="password" autocomplete="new-password" required autofocus;
                button type="submit" { "Spara" }
            }
        },
    )
}

async fn new_password_form(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Markup, PageError> {
    let step = state
        .staff
        .pending(&step_secret(&headers)?, SessionStage::NewPassword)
        .await?;
    Ok(new_password_page(&step.session.csrf_token, None))
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

async fn new_password(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let secret = step_secret(&parts.headers)?;
    let step = state
        .staff
        .pending(&secret, SessionStage::NewPassword)
        .await?;
    if !tokens_match(&form.csrf, &step.session.csrf_token) {
        return Err(PageError::Csrf);
    }
    let actor = session::anonymous_actor(&parts);
    match state
        .staff
        .new_password(&actor, &secret, &form.password)
        .await
    {
        Ok(started) => Ok(to_stage(&started)),
        Err(kontakt_app::staff::StaffError::Invalid(m)) => Ok((
            axum::http::StatusCode::BAD_REQUEST,
            new_password_page(&step.session.csrf_token, Some(&m)),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct HomeParams {
    registered: Option<String>,
    sent_back: Option<String>,
}

async fn home(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<HomeParams>,
) -> Result<Markup, PageError> {
    let work = crate::desk::start_page_work(&state, &staff).await?;
    let a = &staff.session.account;
    Ok(layout(
        staff.lang,
        "Start",
        Some(&staff),
        html! {
            h1 { "Välkommen, " (a.display_name) }
            @if let Some(n) = q.registered.as_deref().filter(|n| n.len() <= 20) {
                p.message role="status" { "Ärende " a href=(format!("/cases/{n}")) { (n) } " är registrerat och avslutat som besvarat direkt." }
            }
            @if let Some(n) = q.sent_back.as_deref().filter(|n| n.len() <= 20) {
                p.message role="status" { "Ärende " (n) " är skickat tillbaka till kontaktcenter." }
            }
            (work)
            details {
                summary { "Inloggad som " code { (a.username) } }
                ul { @for g in &a.grants { li { code { (g) } } } }
            }
        },
    ))
}

#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &form.csrf).await?;
    state
        .staff
        .logout(&staff.actor, &staff.session.session)
        .await?;
    Ok((
        [(header::SET_COOKIE, set_cookie(SESSION_COOKIE, None))],
        Redirect::to("/login"),
    )
        .into_response())
}

fn require(staff: &Staff, role: Role) -> Result<(), PageError> {
    if staff.has(role) {
        Ok(())
    } else {
        Err(PageError::Forbidden(format!(
            "the role {} is needed",
            role.as_str()
        )))
    }
}

fn accounts_page(
    staff: &Staff,
    accounts: &[kontakt_store::staff::Account],
    message: Option<Markup>,
) -> Markup {
    let csrf = &staff.session.session.csrf_token;
    let now = Utc::now();
    layout(
        staff.lang,
        "Konton",
        Some(staff),
        html! {
            h1 { "Konton " span lang="en" { "(Accounts)" } }
            @if let Some(m) = message { div.message role="status" { (m) } }
            table {
                thead { tr {
                    th scope="col" { "Användare" } th scope="col" { "Namn" } th scope="col" { "Behörigheter" }
                    th scope="col" { "Status" } th scope="col" { "Åtgärder" }
                } }
                tbody {
                    @for a in accounts {
                        tr {
                            td { code { (a.username) } }
                            td { (a.display_name) }
                            td { (a.grants.join(" ")) }
                            td {
                                @if a.disabled { "Avstängt" }
                                @else if a.locked_until.is_some_and(|t| t > now) { "Låst" }
                                @else { "Aktivt" }
                                @if a.totp_secret.is_some() { " · tvåfaktor" }
                                @if a.totp_exempt { " · demo utan tvåfaktor" }
                                @if a.sso_allowed { " · SSO" }
                            }
                            td.actions {
                                @let base = format!("/admin/accounts/{}", a.username);
                                @if a.disabled {
                                    (action_button(&format!("{base}/enable"), csrf, "Aktivera"))
                                } @else {
                                    (action_button(&format!("{base}/disable"), csrf, "Stäng av"))
                                }
                                (action_button(&format!("{base}/reset-password"), csrf, "Nytt lösenord"))
                                (action_button(&format!("{base}/reset-second-factor"), csrf, "Ny tvåfaktor"))
                            }
                        }
                    }
                }
            }
            h2 { "Nytt konto " span lang="en" { "(New account)" } }
            form method="post" action="/admin/accounts" {
                input type="hidden" name="csrf" value=(csrf);
                label for="new-username" { "Användarnamn" }
                input #new-username name="username" required;
                label for="new-name" { "Namn" }
                input #new-name name="display_name" required;
                label for="new-grants" { "Behörigheter (mellanslag emellan, t.ex. agent_l1 group:KC-CITY-1)" }
                input #new-grants name="grants" required;
                label.check { input type="checkbox" name="sso" value="on"; " Får logga in via stadens konto (SSO), utan lösenord i Kontakt" }
                button type="submit" { "Skapa konto" }
            }
        },
    )
}

fn action_button(action: &str, csrf: &str, label: &str) -> Markup {
    html! {
        form.inline method="post" action=(action) {
            input type="hidden" name="csrf" value=(csrf);
            button type="submit" { (label) }
        }
    }
}

async fn accounts(State(state): State<AppState>, staff: Staff) -> Result<Markup, PageError> {
    require(&staff, Role::Administrator)?;
    let list = state.staff.list(&staff.actor).await?;
    Ok(accounts_page(&staff, &list, None))
}

#[derive(Deserialize)]
struct NewAccountForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    grants: String,
    /// A checkbox: present when ticked.
    sso: Option<String>,
}

async fn create_account(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<NewAccountForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &form.csrf).await?;
    require(&staff, Role::Administrator)?;
    let new = NewAccount {
        username: form.username.clone(),
        display_name: form.display_name,
        password: None,
        grants: form.grants.split_whitespace().map(str::to_owned).collect(),
        totp_exempt: false,
        sso_allowed: form.sso.is_some(),
    };
    let message = match state.staff.create(&staff.actor, new).await {
        Ok(Some(temporary)) => {
            html! { p { "Kontot är skapat. Tillfälligt lösenord att lämna till användaren: " code.secret { (temporary) } } }
        }
        Ok(None) => html! { p { "Kontot är skapat för inloggning via stadens konto (SSO)." } },
        Err(kontakt_app::staff::StaffError::Invalid(m)) => {
            let list = state.staff.list(&staff.actor).await?;
            return Ok((
                axum::http::StatusCode::BAD_REQUEST,
                accounts_page(&staff, &list, Some(html! { p.error role="alert" { (m) } })),
            )
                .into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let list = state.staff.list(&staff.actor).await?;
    Ok(accounts_page(&staff, &list, Some(message)).into_response())
}

async fn account_action(
    state: AppState,
    staff: Staff,
    username: String,
    csrf: String,
    action: &str,
) -> Result<Response, PageError> {
    staff.check_csrf(&state, &csrf).await?;
    require(&staff, Role::Administrator)?;
    let message = match action {
        "disable" => {
            state
                .staff
                .set_disabled(&staff.actor, &username, true)
                .await?;
            html! { p { "Kontot " (username) " är avstängt och utloggat." } }
        }
        "enable" => {
            state
                .staff
                .set_disabled(&staff.actor, &username, false)
                .await?;
            html! { p { "Kontot " (username) " är aktiverat." } }
        }
        "reset-password" => {
            let temporary = state.staff.reset_password(&staff.actor, &username).await?;
            html! { p { "Tillfälligt lösenord för " (username) ": " code.secret { (temporary) } " (byts vid nästa inloggning)" } }
        }
        _ => {
            state
                .staff
                .reset_second_factor(&staff.actor, &username)
                .await?;
            html! { p { (username) " registrerar en ny andra faktor vid nästa inloggning." } }
        }
    };
    let list = state.staff.list(&staff.actor).await?;
    Ok(accounts_page(&staff, &list, Some(message)).into_response())
}

async fn disable(
    State(s): State<AppState>,
    staff: Staff,
    Path(u): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    account_action(s, staff, u, f.csrf, "disable").await
}
async fn enable(
    State(s): State<AppState>,
    staff: Staff,
    Path(u): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    account_action(s, staff, u, f.csrf, "enable").await
}
async fn reset_password(
    State(s): State<AppState>,
    staff: Staff,
    Path(u): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    account_action(s, staff, u, f.csrf, "reset-password").await
}
async fn reset_second_factor(
    State(s): State<AppState>,
    staff: Staff,
    Path(u): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    account_action(s, staff, u, f.csrf, "reset-second-factor").await
}

#[derive(Deserialize)]
struct ReviewParams {
    board: Option<String>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

async fn review(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ReviewParams>,
) -> Result<Markup, PageError> {
    require(&staff, Role::LogReviewer)?;
    let boards = &staff.session.principal.review_boards;
    let today = kontakt_domain::calendar::stockholm_today();
    let board = q
        .board
        .or_else(|| boards.first().cloned())
        .unwrap_or_default();
    let from = q.from.unwrap_or(today - chrono::Duration::days(30));
    let to = q.to.unwrap_or(today);
    let result = kontakt_app::review::review(
        state.cases.store(),
        &staff.actor,
        &board,
        from,
        to,
        Utc::now(),
    )
    .await?;
    let csv = format!("/api/v1/audit/review?board={board}&from={from}&to={to}&format=csv");
    Ok(layout(
        staff.lang,
        "Loggranskning",
        Some(&staff),
        html! {
            h1 { "Loggranskning " span lang="en" { "(Log review)" } }
            form method="get" action="/review" {
                label for="board" { "Nämnd" }
                select #board name="board" {
                    @for b in boards { option value=(b) selected[*b == board] { (b) } }
                }
                label for="from" { "Från" } input #from type="date" name="from" value=(from);
                label for="to" { "Till" } input #to type="date" name="to" value=(to);
                button type="submit" { "Visa" }
            }
            p { (result.entries.len()) " uppslagningar. "
                (result.protected.len()) " av personer med skyddad identitet. "
                (result.after_hours.len()) " utanför kontorstid. "
                a href=(csv) { "Exportera (CSV)" } }
            @if result.truncated { p.error { "Perioden har fler poster än sidan visar; korta perioden eller exportera." } }
            @if !result.unusual.is_empty() {
                h2 { "Ovanligt många uppslagningar " span lang="en" { "(Unusual volumes)" } }
                table { thead { tr { th scope="col" { "Användare" } th scope="col" { "Uppslagningar" } th scope="col" { "Median bland kollegor" } } }
                    tbody { @for u in &result.unusual { tr { td { (u.actor) } td { (u.lookups) } td { (u.peer_median) } } } } }
            }
            h2 { "Uppslagningar " span lang="en" { "(Lookups)" } }
            table {
                thead { tr { th scope="col" { "Tid" } th scope="col" { "Vem" } th scope="col" { "Vad" } th scope="col" { "Objekt" }
                    th scope="col" { "Ändamål" } th scope="col" { "Utfall" } th scope="col" { "Flaggor" } } }
                tbody {
                    @for e in &result.entries {
                        tr {
                            td { (kontakt_domain::calendar::stockholm_local(e.event.at).format("%Y-%m-%d %H:%M")) }
                            td { (e.event.actor) }
                            td { (e.event.action) }
                            td { (e.event.object_id) }
                            td { (e.event.purpose) }
                            td { (e.event.outcome.as_str()) }
                            td {
                                @if result.protected.contains(&e.id) { span.flag { "skyddad" } " " }
                                @if result.after_hours.contains(&e.id) { span.flag { "kvällstid" } }
                            }
                        }
                    }
                }
            }
        },
    ))
}

/// The route table's methods as axum methods (for tests).
pub fn method_of(r: &PageRoute) -> Method {
    Method::from_bytes(r.method.as_bytes()).unwrap_or(Method::GET)
}
