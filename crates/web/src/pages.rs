//! The staff pages: login (password, second factor, new password, single
//! sign-on), the start page, account administration and log review.
//! Server-rendered HTML without scripts; every state-changing form carries
//! the session's CSRF token. Swedish or English, as chosen by the switch;
//! the texts are in `locales/{sv,en}/pages.ftl`.
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
    /// The phone: team leaders (their own answer groups) and administrators.
    Phone,
    /// An answer group's wallboard: its agents and team leaders, and
    /// administrators.
    Wallboard,
    /// Statistics: analysts, team leaders and administrators.
    Stats,
    /// The knowledge base: everyone who serves residents (agents,
    /// officers, registrars, team leaders, editors, administrators).
    Knowledge,
    /// Writing articles: editors, team leaders, and officers (for their
    /// boards' articles).
    KnowledgeWrite,
    /// Publishing and ending a crisis message: team leaders, knowledge
    /// editors and administrators.
    Crisis,
    /// The manual fallback routine: agents, team leaders and administrators.
    Fallback,
    /// The switchboard's directory: everyone who serves residents.
    Directory,
    /// The directory's HR import: administrators.
    DirectoryImport,
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
    route("GET", "/cases/{number}/resident-view", Guard::Desk),
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
    route("GET", "/letters/new", Guard::Desk),
    route("POST", "/letters/new", Guard::Desk),
    route("POST", "/phone/agent", Guard::Desk),
    route("GET", "/phone/calls/{call}", Guard::Desk),
    route("POST", "/phone/calls/{call}/link", Guard::Desk),
    route("GET", "/phone/events", Guard::Session),
    route("GET", "/phone/groups/{code}/wallboard", Guard::Wallboard),
    route("GET", "/phone", Guard::Phone),
    route("GET", "/phone/groups/{code}", Guard::Phone),
    route("POST", "/phone/groups/{code}", Guard::Phone),
    route("GET", "/phone/numbers/{entry}", Guard::Phone),
    route("GET", "/stats", Guard::Stats),
    route("POST", "/stats/baselines", Guard::Stats),
    route("GET", "/stats/baselines/{baseline}", Guard::Stats),
    route("POST", "/phone/numbers/{entry}", Guard::Phone),
    route("GET", "/mail/set-aside", Guard::Desk),
    route("GET", "/mail/set-aside/{id}", Guard::Desk),
    route("POST", "/mail/set-aside/{id}/register", Guard::Desk),
    route("POST", "/mail/set-aside/{id}/discard", Guard::Desk),
    route("GET", "/fallback", Guard::Fallback),
    route("GET", "/fallback/form", Guard::Fallback),
    route("GET", "/fallback/template.csv", Guard::Fallback),
    route("POST", "/fallback/import", Guard::Fallback),
    route("GET", "/e-tjanster", Guard::Public),
    route("GET", "/e-tjanster/{code}", Guard::Public),
    route("POST", "/e-tjanster/{code}", Guard::Public),
    route("GET", "/knowledge", Guard::Knowledge),
    route("GET", "/knowledge/todo", Guard::Knowledge),
    route("GET", "/knowledge/new", Guard::KnowledgeWrite),
    route("POST", "/knowledge/new", Guard::KnowledgeWrite),
    route("GET", "/knowledge/{article}", Guard::Knowledge),
    route("GET", "/knowledge/{article}/edit", Guard::KnowledgeWrite),
    route("POST", "/knowledge/{article}/edit", Guard::KnowledgeWrite),
    route("POST", "/knowledge/{article}/step", Guard::KnowledgeWrite),
    route("POST", "/knowledge/{article}/flag", Guard::Knowledge),
    route(
        "POST",
        "/knowledge/flags/{flag}/resolve",
        Guard::KnowledgeWrite,
    ),
    route(
        "GET",
        "/knowledge/{article}/attachments/{attachment}",
        Guard::Knowledge,
    ),
    route(
        "POST",
        "/knowledge/{article}/attachments",
        Guard::KnowledgeWrite,
    ),
    route(
        "POST",
        "/knowledge/{article}/attachments/{attachment}/remove",
        Guard::KnowledgeWrite,
    ),
    route(
        "GET",
        "/fraga/artiklar/{article}/bilagor/{attachment}",
        Guard::Public,
    ),
    route("POST", "/cases/{number}/answer", Guard::Desk),
    route("GET", "/crisis", Guard::Crisis),
    route("POST", "/crisis", Guard::Crisis),
    route("POST", "/crisis/end", Guard::Crisis),
    route("GET", "/fraga", Guard::Public),
    route("GET", "/fraga/artiklar/{article}", Guard::Public),
    route("GET", "/directory", Guard::Directory),
    route("GET", "/directory/results", Guard::Directory),
    route("GET", "/directory/people/{person}", Guard::Directory),
    route("GET", "/directory/units/{unit}", Guard::Directory),
    route("GET", "/directory/groups/{code}", Guard::Directory),
    route("GET", "/directory/boards/{code}", Guard::Directory),
    route("POST", "/directory/absences", Guard::Directory),
    route(
        "POST",
        "/directory/absences/{note}/remove",
        Guard::Directory,
    ),
    route("GET", "/directory/message", Guard::Directory),
    route("POST", "/directory/message", Guard::Directory),
    route("POST", "/directory/transfer", Guard::Directory),
    route("GET", "/directory/import", Guard::DirectoryImport),
    route("POST", "/directory/import", Guard::DirectoryImport),
    route("POST", "/directory/import/apply", Guard::DirectoryImport),
    route("GET", "/organisation", Guard::Public),
    route("GET", "/organisation/{unit}", Guard::Public),
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
        ("GET", "/cases/{number}/resident-view") => get(crate::resident::resident_view),
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
        ("GET", "/letters/new") => get(crate::letters::form),
        ("POST", "/letters/new") => post(crate::letters::register),
        ("POST", "/phone/agent") => post(crate::phone::agent_action),
        ("GET", "/phone/calls/{call}") => get(crate::phone::call_pop),
        ("POST", "/phone/calls/{call}/link") => post(crate::phone::link_call),
        ("GET", "/phone/events") => get(crate::phone::events),
        ("GET", "/phone/groups/{code}/wallboard") => get(crate::phone::wallboard),
        ("GET", "/phone") => get(crate::phone::groups),
        ("GET", "/phone/groups/{code}") => get(crate::phone::group),
        ("POST", "/phone/groups/{code}") => post(crate::phone::save),
        ("GET", "/phone/numbers/{entry}") => get(crate::phone::number),
        ("GET", "/stats") => get(crate::stats::dashboard),
        ("POST", "/stats/baselines") => post(crate::stats::freeze_baseline_page),
        ("GET", "/stats/baselines/{baseline}") => get(crate::stats::baseline_page),
        ("POST", "/phone/numbers/{entry}") => post(crate::phone::save_number),
        ("GET", "/mail/set-aside") => get(crate::set_aside::list),
        ("GET", "/mail/set-aside/{id}") => get(crate::set_aside::show),
        ("POST", "/mail/set-aside/{id}/register") => post(crate::set_aside::register),
        ("POST", "/mail/set-aside/{id}/discard") => post(crate::set_aside::discard),
        ("GET", "/fallback") => get(crate::fallback::routine),
        ("GET", "/fallback/form") => get(crate::fallback::print_form),
        ("GET", "/fallback/template.csv") => get(crate::fallback::template),
        ("POST", "/fallback/import") => post(crate::fallback::import),
        ("GET", "/e-tjanster") => get(crate::eservice::list),
        ("GET", "/e-tjanster/{code}") => get(crate::eservice::form),
        ("POST", "/e-tjanster/{code}") => post(crate::eservice::submit),
        ("GET", "/knowledge") => get(crate::knowledge::search_page),
        ("GET", "/knowledge/todo") => get(crate::knowledge::todo_page),
        ("GET", "/knowledge/new") => get(crate::knowledge::new_form),
        ("POST", "/knowledge/new") => post(crate::knowledge::create),
        ("GET", "/knowledge/{article}") => get(crate::knowledge::article_page),
        ("GET", "/knowledge/{article}/edit") => get(crate::knowledge::edit_form),
        ("POST", "/knowledge/{article}/edit") => post(crate::knowledge::revise),
        ("POST", "/knowledge/{article}/step") => post(crate::knowledge::step),
        ("POST", "/knowledge/{article}/flag") => post(crate::knowledge::flag),
        ("POST", "/knowledge/flags/{flag}/resolve") => post(crate::knowledge::resolve_flag),
        ("POST", "/cases/{number}/answer") => post(crate::knowledge::answer_given),
        ("GET", "/crisis") => get(crate::crisis::page),
        ("POST", "/crisis") => post(crate::crisis::publish),
        ("POST", "/crisis/end") => post(crate::crisis::end),
        ("GET", "/knowledge/{article}/attachments/{attachment}") => {
            get(crate::knowledge::staff_file)
        }
        ("POST", "/knowledge/{article}/attachments") => post(crate::knowledge::upload),
        ("POST", "/knowledge/{article}/attachments/{attachment}/remove") => {
            post(crate::knowledge::remove_file)
        }
        ("GET", "/fraga/artiklar/{article}/bilagor/{attachment}") => {
            get(crate::knowledge::public_file)
        }
        ("GET", "/fraga") => get(crate::knowledge::assistant),
        ("GET", "/fraga/artiklar/{article}") => get(crate::knowledge::public_article),
        ("GET", "/directory") => get(crate::directory::search_page),
        ("GET", "/directory/results") => get(crate::directory::results_fragment),
        ("GET", "/directory/people/{person}") => get(crate::directory::person_page),
        ("GET", "/directory/units/{unit}") => get(crate::directory::unit_page),
        ("GET", "/directory/groups/{code}") => get(crate::directory::group_units),
        ("GET", "/directory/boards/{code}") => get(crate::directory::board_units),
        ("POST", "/directory/absences") => post(crate::directory::set_absence),
        ("POST", "/directory/absences/{note}/remove") => post(crate::directory::remove_absence),
        ("GET", "/directory/message") => get(crate::directory::message_form),
        ("POST", "/directory/message") => post(crate::directory::take_message),
        ("POST", "/directory/transfer") => post(crate::directory::transfer_page),
        ("GET", "/directory/import") => get(crate::directory::import_form),
        ("POST", "/directory/import") => post(crate::directory::import_preview),
        ("POST", "/directory/import/apply") => post(crate::directory::import_apply),
        ("GET", "/organisation") => get(crate::directory::public_list),
        ("GET", "/organisation/{unit}") => get(crate::directory::public_unit_page),
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
                                a href="/letters/new" { (lang.t("nav-letters")) }
                            }
                            @if kontakt_app::knowledge::KnowledgeService::may_read(&s.actor) { a href="/knowledge" { (lang.t("nav-knowledge")) } }
                            @if crate::directory::require_directory(s).is_ok() { a href="/directory" { (lang.t("nav-directory")) } }
                            @if crate::fallback::require_fallback(s).is_ok() { a href="/fallback" { (lang.t("nav-fallback")) } }
                            @if kontakt_app::crisis::CrisisService::may_publish(&s.actor) { a href="/crisis" { (lang.t("nav-crisis")) } }
                            @if s.has(Role::Supervisor) || s.has(Role::Administrator) { a href="/phone" { (lang.t("nav-phone")) } }
                            @if s.has(Role::Analyst) || s.has(Role::Supervisor) || s.has(Role::Administrator) { a href="/stats" { (lang.t("nav-stats")) } }
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
                // A crisis message appears here at once (desk.js, from the
                // page's event stream), on every staff page.
                @if staff.is_some() {
                    div #crisis-banner data-live="/events" aria-live="assertive" {}
                }
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

/// Stands in a message for a piece of markup (a link, a code): the message
/// is formatted with this as the variable and split there, so each language
/// places the markup in its own word order and the text around stays escaped.
const SLOT: &str = "\u{E000}";

/// A message formatted with [`SLOT`], with `markup` put in its place.
fn with_markup(text: &str, markup: Markup) -> Markup {
    match text.split_once(SLOT) {
        Some((before, after)) => html! { (before) (markup) (after) },
        None => html! { (text) " " (markup) },
    }
}

fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut b);
    hex::encode(b)
}

fn login_page(state: &AppState, lang: Lang, csrf: &str, error: Option<&str>) -> Markup {
    let policy = state.staff.policy();
    // Each count agrees with its own noun, so the sentence takes them whole.
    let attempts = lang.tn("login-failed-attempts", policy.max_failures as usize);
    let minutes = usize::try_from(policy.lock_for.num_minutes()).unwrap_or(0);
    let duration = lang.tn("login-lock-minutes", minutes);
    layout(
        lang,
        &lang.t("login-title"),
        None,
        html! {
            h1 { (lang.t("login-title")) }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form method="post" action="/login" {
                input type="hidden" name="csrf" value=(csrf);
                label for="username" { (lang.t("login-username")) }
                input #username name="username" autocomplete="username" required autofocus;
                label for="password" { (lang.t("login-password")) }
                input #password type="password" name="password" autocomplete="current-password" required;
                button type="submit" { (lang.t("login-submit")) }
            }
            p.hint { (lang.ta("login-lock-hint", &[("attempts", &attempts), ("duration", &duration)])) }
            @if state.sso.is_some() {
                p { a.button href="/login/sso" { (lang.t("login-sso")) } }
            }
        },
    )
}

async fn login_form(State(state): State<AppState>, lang: Lang, headers: HeaderMap) -> Response {
    let csrf = cookie(&headers, LOGIN_COOKIE).unwrap_or_else(random_token);
    (
        [(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, Some(&csrf)))],
        login_page(&state, lang, &csrf, None),
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
    lang: Lang,
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
    match state
        .staff
        .login(&actor, &form.username, &form.password)
        .await
    {
        Ok(started) => Ok(to_stage(&started)),
        Err(kontakt_app::staff::StaffError::LoginFailed) => Ok((
            axum::http::StatusCode::UNAUTHORIZED,
            login_page(&state, lang, &expected, Some(&lang.t("login-failed"))),
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

fn second_factor_page(
    lang: Lang,
    step: &kontakt_app::staff::PendingStep,
    error: Option<&str>,
) -> Markup {
    layout(
        lang,
        &lang.t("second-factor-title"),
        None,
        html! {
            h1 { (lang.t("second-factor-heading")) }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            @if let Some(enrol) = &step.enrolment {
                p { (lang.t("second-factor-enrol")) }
                p { (with_markup(&lang.ta("second-factor-key", &[("key", &SLOT)]),
                    html! { code.secret { (enrol.secret_base32) } })) }
                p { (with_markup(&lang.ta("second-factor-app-link", &[("link", &SLOT)]),
                    html! { code { (enrol.otpauth_uri) } })) }
            } @else {
                p { (lang.t("second-factor-enter")) }
            }
            form method="post" action="/login/second-factor" {
                input type="hidden" name="csrf" value=(step.session.csrf_token);
                label for="code" { (lang.t("second-factor-code")) }
                input #code name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required autofocus;
                button type="submit" { (lang.t("second-factor-continue")) }
            }
        },
    )
}

async fn second_factor_form(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
) -> Result<Markup, PageError> {
    let step = state
        .staff
        .pending(&step_secret(&headers)?, SessionStage::SecondFactor)
        .await?;
    Ok(second_factor_page(lang, &step, None))
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
    lang: Lang,
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
            second_factor_page(lang, &step, Some(&lang.t("second-factor-wrong-code"))),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

fn new_password_page(lang: Lang, csrf: &str, error: Option<&str>) -> Markup {
    layout(
        lang,
        &lang.t("new-password-title"),
        None,
        html! {
            h1 { (lang.t("new-password-heading")) }
            p { (lang.tn("new-password-intro", kontakt_app::staff::MIN_PASSWORD_CHARS)) }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form method="post" action="/login/new-password" {
                input type="hidden" name="csrf" value=(csrf);
                label for="password" { (lang.t("new-password-label")) }
                input #password type="password" name="password" autocomplete="new-password" required autofocus;
                button type="submit" { (lang.t("new-password-save")) }
            }
        },
    )
}

async fn new_password_form(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
) -> Result<Markup, PageError> {
    let step = state
        .staff
        .pending(&step_secret(&headers)?, SessionStage::NewPassword)
        .await?;
    Ok(new_password_page(lang, &step.session.csrf_token, None))
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
    lang: Lang,
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
            new_password_page(lang, &step.session.csrf_token, Some(&m)),
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
    let lang = staff.lang;
    Ok(layout(
        lang,
        &lang.t("home-title"),
        Some(&staff),
        html! {
            h1 { (lang.ta("home-welcome", &[("name", &a.display_name)])) }
            @if let Some(n) = q.registered.as_deref().filter(|n| n.len() <= 20) {
                p.message role="status" { (with_markup(&lang.ta("home-registered", &[("case", &SLOT)]),
                    html! { a href=(format!("/cases/{n}")) { (n) } })) }
            }
            @if let Some(n) = q.sent_back.as_deref().filter(|n| n.len() <= 20) {
                p.message role="status" { (lang.ta("home-sent-back", &[("case", &n)])) }
            }
            (work)
            details {
                summary { (with_markup(&lang.ta("home-logged-in-as", &[("username", &SLOT)]),
                    html! { code { (a.username) } })) }
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
    let lang = staff.lang;
    layout(
        lang,
        &lang.t("admin-title"),
        Some(staff),
        html! {
            h1 { (lang.t("admin-title")) }
            @if let Some(m) = message { div.message role="status" { (m) } }
            table {
                thead { tr {
                    th scope="col" { (lang.t("admin-col-user")) }
                    th scope="col" { (lang.t("admin-col-name")) }
                    th scope="col" { (lang.t("admin-col-grants")) }
                    th scope="col" { (lang.t("admin-col-status")) }
                    th scope="col" { (lang.t("admin-col-actions")) }
                } }
                tbody {
                    @for a in accounts {
                        tr {
                            td { code { (a.username) } }
                            td { (a.display_name) }
                            td { (a.grants.join(" ")) }
                            td {
                                @if a.disabled { (lang.t("admin-status-disabled")) }
                                @else if a.locked_until.is_some_and(|t| t > now) { (lang.t("admin-status-locked")) }
                                @else { (lang.t("admin-status-active")) }
                                @if a.totp_secret.is_some() { " · " (lang.t("admin-status-second-factor")) }
                                @if a.totp_exempt { " · " (lang.t("admin-status-no-second-factor")) }
                                @if a.sso_allowed { " · " (lang.t("admin-status-sso")) }
                            }
                            td.actions {
                                @let base = format!("/admin/accounts/{}", a.username);
                                @if a.disabled {
                                    (action_button(&format!("{base}/enable"), csrf, &lang.t("admin-enable")))
                                } @else {
                                    (action_button(&format!("{base}/disable"), csrf, &lang.t("admin-disable")))
                                }
                                (action_button(&format!("{base}/reset-password"), csrf, &lang.t("admin-reset-password")))
                                (action_button(&format!("{base}/reset-second-factor"), csrf, &lang.t("admin-reset-second-factor")))
                            }
                        }
                    }
                }
            }
            h2 { (lang.t("admin-new-heading")) }
            form method="post" action="/admin/accounts" {
                input type="hidden" name="csrf" value=(csrf);
                label for="new-username" { (lang.t("admin-new-username")) }
                input #new-username name="username" required;
                label for="new-name" { (lang.t("admin-new-name")) }
                input #new-name name="display_name" required;
                label for="new-grants" { (lang.t("admin-new-grants")) }
                input #new-grants name="grants" required;
                label.check { input type="checkbox" name="sso" value="on"; " " (lang.t("admin-new-sso")) }
                button type="submit" { (lang.t("admin-create")) }
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
    let lang = staff.lang;
    let message = match state.staff.create(&staff.actor, new).await {
        Ok(Some(temporary)) => html! { p {
            (with_markup(&lang.ta("admin-created-temporary", &[("password", &SLOT)]),
                html! { code.secret { (temporary) } }))
        } },
        Ok(None) => html! { p { (lang.t("admin-created-sso")) } },
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
    let lang = staff.lang;
    let message = match action {
        "disable" => {
            state
                .staff
                .set_disabled(&staff.actor, &username, true)
                .await?;
            html! { p { (lang.ta("admin-disabled", &[("username", &username)])) } }
        }
        "enable" => {
            state
                .staff
                .set_disabled(&staff.actor, &username, false)
                .await?;
            html! { p { (lang.ta("admin-enabled", &[("username", &username)])) } }
        }
        "reset-password" => {
            let temporary = state.staff.reset_password(&staff.actor, &username).await?;
            html! { p {
                (with_markup(&lang.ta("admin-password-reset", &[("username", &username), ("password", &SLOT)]),
                    html! { code.secret { (temporary) } }))
            } }
        }
        _ => {
            state
                .staff
                .reset_second_factor(&staff.actor, &username)
                .await?;
            html! { p { (lang.ta("admin-second-factor-reset", &[("username", &username)])) } }
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
    let lang = staff.lang;
    Ok(layout(
        lang,
        &lang.t("review-title"),
        Some(&staff),
        html! {
            h1 { (lang.t("review-title")) }
            form method="get" action="/review" {
                label for="board" { (lang.t("review-board")) }
                select #board name="board" {
                    @for b in boards { option value=(b) selected[*b == board] { (b) } }
                }
                label for="from" { (lang.t("review-from")) } input #from type="date" name="from" value=(from);
                label for="to" { (lang.t("review-to")) } input #to type="date" name="to" value=(to);
                button type="submit" { (lang.t("review-show")) }
            }
            p { (lang.tn("review-lookups-count", result.entries.len())) " "
                (lang.tn("review-protected-count", result.protected.len())) " "
                (lang.tn("review-after-hours-count", result.after_hours.len())) " "
                a href=(csv) { (lang.t("review-export")) } }
            @if result.truncated { p.error { (lang.t("review-truncated")) } }
            @if !result.unusual.is_empty() {
                h2 { (lang.t("review-unusual-heading")) }
                table { thead { tr {
                        th scope="col" { (lang.t("review-col-user")) }
                        th scope="col" { (lang.t("review-col-lookups")) }
                        th scope="col" { (lang.t("review-col-peer-median")) }
                    } }
                    tbody { @for u in &result.unusual { tr { td { (u.actor) } td { (u.lookups) } td { (u.peer_median) } } } } }
            }
            h2 { (lang.t("review-lookups-heading")) }
            table {
                thead { tr {
                    th scope="col" { (lang.t("review-col-time")) }
                    th scope="col" { (lang.t("review-col-who")) }
                    th scope="col" { (lang.t("review-col-what")) }
                    th scope="col" { (lang.t("review-col-object")) }
                    th scope="col" { (lang.t("review-col-purpose")) }
                    th scope="col" { (lang.t("review-col-outcome")) }
                    th scope="col" { (lang.t("review-col-flags")) }
                } }
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
                                @if result.protected.contains(&e.id) { span.flag { (lang.t("review-flag-protected")) } " " }
                                @if result.after_hours.contains(&e.id) { span.flag { (lang.t("review-flag-after-hours")) } }
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
