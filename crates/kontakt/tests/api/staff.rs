//! Staff logins end to end through the real server: password, second
//! factor (enrolment and use), sessions, CSRF, lockout, administration, the
//! page-route access matrix, and the security headers of pages.

use std::collections::HashMap;
use std::sync::Arc;

use kontakt_app::cases::Actor;
use kontakt_app::staff::{current_code, LoginPolicy, NewAccount, StaffService};
use kontakt_web::pages::{Guard, ROUTES};
use reqwest::redirect::Policy;

use crate::helpers::{minimal_case, TestApp};
use crate::on_both_backends;

pub const PASSWORD: &str = "ett långt lösenord 2026";

/// A browser: keeps the cookies our server sets (Secure cookies over plain
/// HTTP on loopback, as browsers do for localhost) and never follows redirects.
pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
    pub cookies: HashMap<String, String>,
}

pub struct Page {
    pub status: u16,
    pub location: String,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Browser {
    pub fn new(app: &TestApp) -> Self {
        Browser {
            base: app.base.clone(),
            client: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .expect("client"),
            cookies: HashMap::new(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&mut self, r: reqwest::Response) -> Page {
        for v in r.headers().get_all(reqwest::header::SET_COOKIE) {
            let text = v.to_str().unwrap_or_default();
            let pair = text.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || text.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        let mut page = head_of(&r);
        page.body = r.text().await.unwrap_or_default();
        page
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        };
        let r = self
            .client
            .get(url)
            .header(reqwest::header::COOKIE, self.cookie_header())
            .send()
            .await
            .expect("GET");
        self.finish(r).await
    }

    /// A GET of a file (an export): its bytes.
    pub async fn get_bytes(&mut self, path: &str) -> Vec<u8> {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .send()
            .await
            .expect("GET");
        assert!(r.status().is_success(), "GET {path}: {}", r.status());
        r.bytes().await.expect("body").to_vec()
    }

    /// A GET whose body is not read (an event stream never ends).
    pub async fn get_head(&mut self, path: &str) -> Page {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .send()
            .await
            .expect("GET");
        head_of(&r)
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .form(form)
            .send()
            .await
            .expect("POST");
        self.finish(r).await
    }

    /// A multipart/form-data POST, as a browser sends a file upload:
    /// (name, file name, content) in order.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        parts: &[(&str, Option<&str>, &[u8])],
    ) -> Page {
        let boundary = "----kontakt-test-boundary-7d1f";
        let mut body = Vec::new();
        for (name, file_name, content) in parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match file_name {
                Some(f) => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: {}\r\n\r\n", content_type_of(f)).as_bytes(),
                ),
                None => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .header(
                reqwest::header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .expect("POST");
        self.finish(r).await
    }

    pub fn session(&self) -> Option<String> {
        self.cookies.get("__Host-kontakt").cloned()
    }
}

/// A response's status and headers, with an empty body.
fn head_of(r: &reqwest::Response) -> Page {
    Page {
        status: r.status().as_u16(),
        location: r
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        headers: r.headers().clone(),
        body: String::new(),
    }
}

/// The value of the first hidden `csrf` field on a page.
/// What a browser says a file is, from its name.
fn content_type_of(file_name: &str) -> &'static str {
    match file_name.rsplit_once('.').map(|(_, e)| e) {
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        _ => "text/plain",
    }
}

pub fn csrf_of(body: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    body.find(marker)
        .map(|i| {
            let rest = &body[i + marker.len()..];
            rest[..rest.find('"').unwrap_or(0)].to_owned()
        })
        .unwrap_or_default()
}

/// The text of the first `<code class="secret">` on a page.
fn secret_of(body: &str) -> String {
    let marker = "<code class=\"secret\">";
    body.find(marker)
        .map(|i| {
            let rest = &body[i + marker.len()..];
            rest[..rest.find('<').unwrap_or(0)].to_owned()
        })
        .unwrap_or_default()
}

pub fn staff(app: &TestApp) -> StaffService {
    StaffService::new(
        app.store.clone(),
        app.catalog.clone(),
        LoginPolicy::default(),
    )
}

pub async fn create_account(app: &TestApp, username: &str, grants: &[&str], totp_exempt: bool) {
    staff(app)
        .create(
            &Actor::new("system:test"),
            NewAccount {
                username: username.into(),
                display_name: format!("Test {username}"),
                password: Some(PASSWORD.into()),
                grants: grants.iter().map(|g| g.to_string()).collect(),
                totp_exempt,
                sso_allowed: false,
            },
        )
        .await
        .expect("create account");
}

/// Logs in with the password (no second factor: the account is exempt).
pub async fn logged_in(app: &TestApp, username: &str, grants: &[&str]) -> Browser {
    create_account(app, username, grants, true).await;
    let mut b = Browser::new(app);
    let form = b.get("/login").await;
    let csrf = csrf_of(&form.body);
    let r = b
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", username),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!((r.status, r.location.as_str()), (303, "/"), "{}", r.body);
    b
}

async fn actions(app: &TestApp, action: &str) -> Vec<kontakt_domain::audit::AuditRecord> {
    app.audit_log()
        .await
        .into_iter()
        .filter(|r| r.event.action == action)
        .collect()
}

async fn password_and_second_factor(app: TestApp) {
    create_account(&app, "anna", &["agent_l1", "group:FSK"], false).await;
    let mut b = Browser::new(&app);
    let form = b.get("/login").await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("loggas"),
        "staff are told lookups are logged"
    );
    let csrf = csrf_of(&form.body);

    // A wrong password: a refusal that names nothing, and an audit entry.
    let r = b
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", "anna"),
                ("password", "fel lösenord här"),
            ],
        )
        .await;
    assert_eq!(r.status, 401);
    assert!(b.session().is_none());
    let denied = actions(&app, "auth.login").await;
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0].event.object_id, "anna");
    assert_eq!(denied[0].event.outcome.as_str(), "denied");

    // A session id planted before login is never the one after it.
    b.cookies.insert("__Host-kontakt".into(), "a".repeat(64));
    let r = b
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", "Anna"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        (r.status, r.location.as_str()),
        (303, "/login/second-factor")
    );
    let pending = b.session().expect("pending session");
    assert_ne!(pending, "a".repeat(64));

    // Half-way is not logged in.
    let home = b.get("/").await;
    assert_eq!((home.status, home.location.as_str()), (303, "/login"));

    // First time: enrol the authenticator.
    let page = b.get("/login/second-factor").await;
    assert_eq!(page.status, 200);
    let secret = secret_of(&page.body);
    assert!(secret.len() >= 32, "the page shows the key: {}", page.body);
    let step_csrf = csrf_of(&page.body);
    let r = b
        .post(
            "/login/second-factor",
            &[("csrf", &step_csrf), ("code", "000000")],
        )
        .await;
    assert_eq!(r.status, 401, "a wrong code is refused");
    let code = current_code(&secret).expect("code");
    let r = b
        .post(
            "/login/second-factor",
            &[("csrf", &step_csrf), ("code", &code)],
        )
        .await;
    assert_eq!((r.status, r.location.as_str()), (303, "/"));
    let full = b.session().expect("session");
    assert_ne!(full, pending, "a new session id at every step");

    let home = b.get("/").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Test anna"));
    let account = app
        .store
        .account("anna")
        .await
        .expect("read")
        .expect("account");
    assert_eq!(account.totp_secret.as_deref(), Some(secret.as_str()));

    // The pending step's id opens nothing now.
    let mut old = Browser::new(&app);
    old.cookies.insert("__Host-kontakt".into(), pending);
    assert_eq!(old.get("/").await.status, 303);

    // Next login: the enrolled factor is asked for, not shown again.
    let mut b2 = Browser::new(&app);
    let csrf = csrf_of(&b2.get("/login").await.body);
    b2.post(
        "/login",
        &[
            ("csrf", &csrf),
            ("username", "anna"),
            ("password", PASSWORD),
        ],
    )
    .await;
    let page = b2.get("/login/second-factor").await;
    assert!(secret_of(&page.body).is_empty());
    // The next time step's code: the one just used is spent.
    let code =
        kontakt_app::staff::code_at(&secret, chrono::Utc::now() + chrono::Duration::seconds(30))
            .expect("code");
    let r = b2
        .post(
            "/login/second-factor",
            &[("csrf", &csrf_of(&page.body)), ("code", &code)],
        )
        .await;
    assert_eq!(r.status, 303);

    let allowed: Vec<_> = actions(&app, "auth.second_factor").await;
    assert_eq!(
        allowed
            .iter()
            .map(|r| r.event.outcome.as_str())
            .collect::<Vec<_>>(),
        ["denied", "allowed", "allowed"]
    );
}

async fn csrf_is_required_for_every_change(app: TestApp) {
    let mut b = logged_in(&app, "rut", &["registrar"]).await;
    let home = b.get("/").await;
    let csrf = csrf_of(&home.body);
    assert_eq!(csrf.len(), 64);

    // A form without the token, or with a forged one, changes nothing.
    assert_eq!(b.post("/logout", &[]).await.status, 403);
    assert_eq!(
        b.post("/logout", &[("csrf", &"0".repeat(64))]).await.status,
        403
    );
    assert_eq!(b.get("/").await.status, 200, "still logged in");
    assert_eq!(actions(&app, "auth.csrf").await.len(), 2);

    // The login form has its own token (double submit).
    let mut stranger = Browser::new(&app);
    let r = stranger
        .post("/login", &[("username", "rut"), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status, 403);

    // The API with a session cookie: reads work, changes need the header.
    let cookie = format!("__Host-kontakt={}", b.session().expect("session"));
    let url = format!("{}/api/v1/cases", app.base);
    let r = app
        .client
        .get(&url)
        .header("cookie", &cookie)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
    let before = app.case_count().await;
    let r = app
        .client
        .post(&url)
        .header("cookie", &cookie)
        .json(&minimal_case())
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
    let body: serde_json::Value = r.json().await.expect("problem");
    assert!(body["type"].as_str().unwrap_or_default().ends_with("/csrf"));
    assert_eq!(app.case_count().await, before);
    let r = app
        .client
        .post(&url)
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(&minimal_case())
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 201);
    let created = actions(&app, "case.create").await;
    assert_eq!(
        created.last().map(|r| r.event.actor.as_str()),
        Some("user:rut")
    );

    // Logging out ends the session; its token cannot be replayed later.
    let r = b.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!((r.status, r.location.as_str()), (303, "/login"));
    let r = app
        .client
        .get(&url)
        .header("cookie", &cookie)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 401, "the old cookie opens nothing");
    let mut stale = Browser::new(&app);
    stale.cookies.insert(
        "__Host-kontakt".into(),
        cookie.trim_start_matches("__Host-kontakt=").to_owned(),
    );
    let dead = stale.get("/").await;
    assert_eq!(dead.status, 303);
    let denied = actions(&app, "auth.denied").await;
    assert!(
        denied
            .iter()
            .any(|r| r.event.detail["reason"] == "expired or unknown session"),
        "a dead session cookie is audited"
    );
    let mut again = Browser::new(&app);
    let login = again.get("/login").await;
    again
        .post(
            "/login",
            &[
                ("csrf", &csrf_of(&login.body)),
                ("username", "rut"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        again.post("/logout", &[("csrf", &csrf)]).await.status,
        403,
        "replayed token"
    );
    assert_eq!(actions(&app, "auth.logout").await.len(), 1);
}

async fn lockout_and_administrator_reset(app: TestApp) {
    create_account(&app, "bengt", &["agent_l1", "group:FSK"], true).await;
    let mut b = Browser::new(&app);
    let csrf = csrf_of(&b.get("/login").await.body);
    for _ in 0..5 {
        let r = b
            .post(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("username", "bengt"),
                    ("password", "fel fel fel fel"),
                ],
            )
            .await;
        assert_eq!(r.status, 401);
    }
    // Locked: even the right password is refused now, with the same words.
    let r = b
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", "bengt"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(actions(&app, "auth.locked").await.len(), 1);
    let last = actions(&app, "auth.login").await;
    assert_eq!(
        last.last().map(|r| r.event.detail["reason"].clone()),
        Some("locked".into())
    );

    // The administrator resets the password: the lock goes, a new password is owed.
    let mut admin = logged_in(&app, "admin", &["administrator"]).await;
    let page = admin.get("/admin/accounts").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Låst"), "the list shows the lock");
    let r = admin
        .post(
            "/admin/accounts/bengt/reset-password",
            &[("csrf", &csrf_of(&page.body))],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let temporary = secret_of(&r.body);
    assert_eq!(temporary.len(), 16);

    let r = b
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", "bengt"),
                ("password", &temporary),
            ],
        )
        .await;
    assert_eq!(
        (r.status, r.location.as_str()),
        (303, "/login/new-password")
    );
    let page = b.get("/login/new-password").await;
    let step = csrf_of(&page.body);
    let r = b
        .post(
            "/login/new-password",
            &[("csrf", &step), ("password", "kort")],
        )
        .await;
    assert_eq!(r.status, 400, "too short");
    let r = b
        .post(
            "/login/new-password",
            &[("csrf", &step), ("password", "ett nytt långt lösenord")],
        )
        .await;
    assert_eq!((r.status, r.location.as_str()), (303, "/"));
    assert_eq!(b.get("/").await.status, 200);

    // Disabling ends the session at once.
    let page = admin.get("/admin/accounts").await;
    let r = admin
        .post(
            "/admin/accounts/bengt/disable",
            &[("csrf", &csrf_of(&page.body))],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(b.get("/").await.status, 303);
    let mut b2 = Browser::new(&app);
    let csrf = csrf_of(&b2.get("/login").await.body);
    let r = b2
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", "bengt"),
                ("password", "ett nytt långt lösenord"),
            ],
        )
        .await;
    assert_eq!(r.status, 401, "a disabled account cannot log in");
    for action in [
        "account.reset_password",
        "account.disable",
        "account.change_password",
    ] {
        assert_eq!(actions(&app, action).await.len(), 1, "{action} is audited");
    }
}

async fn administrators_create_accounts(app: TestApp) {
    let mut admin = logged_in(&app, "admin", &["administrator"]).await;
    let page = admin.get("/admin/accounts").await;
    let csrf = csrf_of(&page.body);
    let r = admin
        .post(
            "/admin/accounts",
            &[
                ("csrf", &csrf),
                ("username", "ny.agent"),
                ("display_name", "Ny Agent"),
                ("grants", "agent_l1 group:NOPE"),
            ],
        )
        .await;
    assert_eq!(r.status, 400, "an unknown group is refused");
    assert!(app.store.account("ny.agent").await.expect("read").is_none());
    let r = admin
        .post(
            "/admin/accounts",
            &[
                ("csrf", &csrf),
                ("username", "ny.agent"),
                ("display_name", "Ny Agent"),
                ("grants", "agent_l1 group:FSK"),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    let temporary = secret_of(&r.body);
    // The new agent: temporary password, own password, then enrol the second factor.
    let mut b = Browser::new(&app);
    let csrf = csrf_of(&b.get("/login").await.body);
    let r = b
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", "ny.agent"),
                ("password", &temporary),
            ],
        )
        .await;
    assert_eq!(r.location, "/login/new-password");
    let step = csrf_of(&b.get("/login/new-password").await.body);
    let r = b
        .post(
            "/login/new-password",
            &[("csrf", &step), ("password", "mitt eget lösenord!")],
        )
        .await;
    assert_eq!(
        r.location, "/login/second-factor",
        "agents see personal data: second factor"
    );
    // A non-administrator cannot manage accounts.
    let mut agent = logged_in(&app, "agent", &["agent_l2", "group:FSK-2"]).await;
    let page = agent.get("/").await;
    assert_eq!(agent.get("/admin/accounts").await.status, 403);
    let r = agent
        .post(
            "/admin/accounts/ny.agent/disable",
            &[("csrf", &csrf_of(&page.body))],
        )
        .await;
    assert_eq!(r.status, 403);
    let account = app
        .store
        .account("ny.agent")
        .await
        .expect("read")
        .expect("account");
    assert!(!account.disabled);
}

/// Every page route × no session / a session without the role / the role:
/// redirected to login, refused, or shown; every POST refuses a missing
/// CSRF token. The routes come from the table the router is built from.
async fn page_route_matrix(app: TestApp) {
    let mut nobody = Browser::new(&app);
    let mut agent = logged_in(&app, "agent", &["agent_l1", "group:FSK"]).await;
    let mut admin = logged_in(&app, "admin", &["administrator"]).await;
    let mut reviewer = logged_in(&app, "granskare", &["log_reviewer", "board:SDN-SKH"]).await;
    create_account(&app, "target", &["analyst"], true).await;
    let number = app.new_case().await;
    let set_aside = app
        .store
        .set_aside(kontakt_store::set_aside::NewSetAside {
            key: "mail:matris@example.test".into(),
            received_at: chrono::Utc::now(),
            reason: "the catalog lists no mailboxes".into(),
            sender: String::new(),
            subject: "Matris".into(),
            raw: b"Subject: Matris\r\n\r\nText\r\n".to_vec(),
        })
        .await
        .expect("set aside");
    let baseline = app
        .store
        .freeze_baseline(kontakt_store::facts::NewBaseline {
            baseline: kontakt_store::facts::Baseline {
                id: 0,
                name: "Matris".into(),
                scope: r#"{"period":"week"}"#.into(),
                period: "2026-W10".into(),
                figures: serde_json::to_string(&kontakt_app::stats::KeyFigures::default())
                    .expect("json"),
                frozen_by: "user:admin".into(),
                frozen_at: chrono::Utc::now(),
            },
            audit: Vec::new(),
        })
        .await
        .expect("baseline");
    // A published public article, with an open flag.
    let article = app
        .store
        .knowledge(kontakt_store::knowledge::KnowledgeWrite::Create {
            content: serde_json::to_string(&crate::knowledge::content("Matris", None))
                .expect("json"),
            note: String::new(),
            by: "user:admin".into(),
            at: chrono::Utc::now(),
        })
        .await
        .expect("article");
    for (from, to) in [
        (
            kontakt_domain::knowledge::ArticleStatus::Draft,
            kontakt_domain::knowledge::ArticleStatus::Review,
        ),
        (
            kontakt_domain::knowledge::ArticleStatus::Review,
            kontakt_domain::knowledge::ArticleStatus::Published,
        ),
    ] {
        app.store
            .knowledge(kontakt_store::knowledge::KnowledgeWrite::Step {
                article,
                number: 1,
                from,
                to,
                by: "user:admin".into(),
                at: chrono::Utc::now(),
            })
            .await
            .expect("step");
    }
    let flag = app
        .store
        .knowledge(kontakt_store::knowledge::KnowledgeWrite::Flag {
            article,
            version: 1,
            reason: "Matris".into(),
            by: "user:agent".into(),
            at: chrono::Utc::now(),
        })
        .await
        .expect("flag");
    let attachment = app
        .store
        .knowledge(kontakt_store::knowledge::KnowledgeWrite::Attach {
            article,
            name: "matris.txt".into(),
            content_type: "text/plain".into(),
            blob: kontakt_store::NewBlob {
                sha256: "0".repeat(64),
                content: b"Matris".to_vec(),
            },
            by: "user:admin".into(),
            at: chrono::Utc::now(),
        })
        .await
        .expect("attachment");
    // A small directory, with an absence note.
    let admin_token = crate::directory::seed(&app).await;
    let until = chrono::Utc::now() + chrono::Duration::days(1);
    let note: serde_json::Value = app
        .client
        .post(app.url("/api/v1/directory/absences"))
        .bearer_auth(&admin_token)
        .json(&serde_json::json!({"subject": "person:1001", "until": until}))
        .send()
        .await
        .expect("note")
        .json()
        .await
        .expect("json");
    let note = note["id"].as_i64().expect("note id");
    let mut cells = 0;
    for r in ROUTES {
        let path = r
            .path
            .replace("{username}", "target")
            .replace("{number}", &number)
            .replace("{id}", &set_aside.to_string())
            .replace("{code}", "FSK")
            .replace("{call}", "no-such-call")
            .replace("{entry}", "+46850800000")
            .replace("{baseline}", &baseline.to_string())
            .replace("{article}", &article.to_string())
            .replace("{flag}", &flag.to_string())
            .replace("{attachment}", &attachment.to_string())
            .replace("{person}", "1001")
            .replace("{unit}", "TK-PT-IN")
            .replace("{note}", &note.to_string());
        for (who, browser) in [
            ("nobody", &mut nobody),
            ("agent", &mut agent),
            ("admin", &mut admin),
            ("reviewer", &mut reviewer),
        ] {
            cells += 1;
            let allowed = match r.guard {
                Guard::Public => true,
                Guard::Session => who != "nobody",
                Guard::Admin => who == "admin",
                Guard::Reviewer => who == "reviewer",
                Guard::Desk => who == "agent",
                Guard::Phone | Guard::Stats | Guard::Crisis => who == "admin",
                Guard::Knowledge => who == "agent" || who == "admin",
                // None of these four writes articles.
                Guard::KnowledgeWrite => false,
                Guard::Wallboard | Guard::Fallback | Guard::Directory => {
                    who == "admin" || who == "agent"
                }
                Guard::DirectoryImport => who == "admin",
            };
            let streams = r.path.ends_with("/events");
            let page = if streams {
                browser.get_head(&path).await
            } else if r.method == "GET" {
                browser.get(&path).await
            } else {
                browser.post(&path, &[]).await
            };
            let context = format!("{} {} as {who}: {}", r.method, r.path, page.status);
            assert!(page.status < 500, "{context}");
            if r.guard != Guard::Public && who == "nobody" {
                assert_eq!(
                    (page.status, page.location.as_str()),
                    (303, "/login"),
                    "{context}"
                );
            } else if r.method == "POST" && r.guard != Guard::Public {
                assert_eq!(
                    page.status, 403,
                    "a POST without CSRF token is refused: {context}"
                );
            } else if !allowed {
                assert_eq!(page.status, 403, "{context}");
            } else if streams {
                assert_eq!(page.status, 200, "{context}");
                assert_eq!(page.headers["content-type"], "text/event-stream");
            } else if r.path.contains("{call}") {
                // No call rings at this agent: nobody's caller is shown.
                assert_eq!(page.status, 404, "{context}");
            } else if r.guard != Guard::Public {
                assert_eq!(page.status, 200, "{context}");
                let csp = page.headers["content-security-policy"]
                    .to_str()
                    .unwrap_or_default();
                assert!(
                    csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
                    "{csp}"
                );
                assert!(!csp.contains("unsafe-inline"));
                // Fragments that desk.js fetches into quick registration
                // are parts of a page, not pages; a file download is none.
                let fragment = r.path.starts_with("/cases/new/")
                    || r.path == "/directory/results"
                    || r.path.ends_with(".csv")
                    || r.path.contains("/attachments/");
                assert!(
                    fragment || page.body.contains("loggas"),
                    "every page tells that lookups are logged: {context}"
                );
            }
        }
    }
    assert!(cells >= 90, "{cells}");
    let target = app
        .store
        .account("target")
        .await
        .expect("read")
        .expect("account");
    assert!(
        !target.disabled && target.password_hash.is_some(),
        "no POST got through"
    );
    // HSTS only when the request came over TLS (via the proxy).
    let r = app
        .client
        .get(format!("{}/login", app.base))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .expect("get");
    assert!(r.headers().contains_key("strict-transport-security"));
    let r = app
        .client
        .get(format!("{}/login", app.base))
        .send()
        .await
        .expect("get");
    assert!(!r.headers().contains_key("strict-transport-security"));
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    for attr in ["__Host-", "Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
}

async fn log_review_page(app: TestApp) {
    let number = app.new_case().await;
    app.get(&format!("/api/v1/cases/{number}")).await;
    let mut reviewer = logged_in(
        &app,
        "granskare",
        &["log_reviewer", "board:SDN-SKH", "board:SN"],
    )
    .await;
    let page = reviewer.get("/review?board=SN").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains(&number),
        "the lookup of the case is listed"
    );
    assert!(page.body.contains("format=csv"));
    // Another board's log is not this reviewer's.
    let page = reviewer.get("/review?board=SBN").await;
    assert_eq!(page.status, 403);
    // The export link works with the session.
    let csv = reviewer
        .get("/api/v1/audit/review?board=SN&from=2020-01-01&to=2030-12-31&format=csv")
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.contains(&number));
}

/// Logs in with the password and returns the second-factor page's CSRF token.
async fn to_second_factor(b: &mut Browser, username: &str) -> String {
    let csrf = csrf_of(&b.get("/login").await.body);
    let r = b
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", username),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.location, "/login/second-factor", "{}", r.body);
    csrf_of(&b.get("/login/second-factor").await.body)
}

/// Wrong codes count towards the lockout even across new password logins
/// (the right password does not clear them), and a code works only once.
async fn second_factor_lockout_and_replay(app: TestApp) {
    create_account(&app, "cilla", &["agent_l1", "group:FSK"], false).await;
    // Enrol.
    let mut b = Browser::new(&app);
    let step = to_second_factor(&mut b, "cilla").await;
    let page = b.get("/login/second-factor").await;
    let secret = secret_of(&page.body);
    let code = current_code(&secret).expect("code");
    let r = b
        .post("/login/second-factor", &[("csrf", &step), ("code", &code)])
        .await;
    assert_eq!(r.location, "/");

    // The same code again, in a new login: refused (replay).
    let mut again = Browser::new(&app);
    let step = to_second_factor(&mut again, "cilla").await;
    let r = again
        .post("/login/second-factor", &[("csrf", &step), ("code", &code)])
        .await;
    assert_eq!(r.status, 401, "a used code is refused");

    // Wrong codes, with a fresh password login in between: still counted.
    for round in 0..2 {
        let mut b = Browser::new(&app);
        let step = to_second_factor(&mut b, "cilla").await;
        for _ in 0..2 {
            let r = b
                .post(
                    "/login/second-factor",
                    &[("csrf", &step), ("code", "123456")],
                )
                .await;
            assert_eq!(r.status, 401, "round {round}");
        }
    }
    // 1 replay + 4 wrong codes = 5 failures in a row: locked.
    let account = app
        .store
        .account("cilla")
        .await
        .expect("read")
        .expect("account");
    assert!(
        account.locked_until.is_some_and(|t| t > chrono::Utc::now()),
        "{account:?}"
    );
    let mut b = Browser::new(&app);
    let csrf = csrf_of(&b.get("/login").await.body);
    let r = b
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", "cilla"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, 401, "locked: even the right password is refused");
}

/// A link on another site must not make a logged-in browser read through
/// the API in the staff member's name.
async fn cross_site_reads_are_refused(app: TestApp) {
    let b = logged_in(&app, "rut", &["registrar"]).await;
    let number = app.new_case().await;
    let cookie = format!("__Host-kontakt={}", b.session().expect("session"));
    let url = app.url(&format!("/api/v1/cases/{number}"));
    let r = app
        .client
        .get(&url)
        .header("cookie", &cookie)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 403);
    assert!(!r.text().await.unwrap_or_default().contains(&number));
    let r = app
        .client
        .get(&url)
        .header("cookie", &cookie)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
}

on_both_backends!(
    second_factor_lockout_and_replay,
    cross_site_reads_are_refused,
    password_and_second_factor,
    csrf_is_required_for_every_change,
    lockout_and_administrator_reset,
    administrators_create_accounts,
    page_route_matrix,
    log_review_page,
);

/// Idle and absolute timeouts, with a policy of seconds instead of minutes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_time_out() {
    let app = crate::helpers::spawn_app(crate::helpers::Db::Sqlite).await;
    create_account(&app, "tina", &["analyst"], false).await;
    let policy = LoginPolicy {
        idle_timeout: chrono::Duration::milliseconds(1500),
        absolute_timeout: chrono::Duration::milliseconds(2500),
        ..LoginPolicy::default()
    };
    let service = Arc::new(StaffService::new(
        app.store.clone(),
        app.catalog.clone(),
        policy,
    ));
    let actor = Actor::new("test");
    // Idle: unused for longer than the idle timeout.
    let s = service
        .login(&actor, "tina", PASSWORD)
        .await
        .expect("login");
    assert!(service
        .authenticate(&s.secret)
        .await
        .expect("auth")
        .is_some());
    tokio::time::sleep(std::time::Duration::from_millis(1700)).await;
    assert!(service
        .authenticate(&s.secret)
        .await
        .expect("auth")
        .is_none());
    // Absolute: in use all along, but over after the absolute timeout.
    let s = service
        .login(&actor, "tina", PASSWORD)
        .await
        .expect("login");
    for _ in 0..3 {
        tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
        // Touching happens at most once a minute, so keep it fresh by hand.
        let hash = kontakt_app::staff::session_hash(&s.secret);
        app.store
            .staff_write(kontakt_store::staff::StaffWrite {
                at: chrono::Utc::now(),
                account: None,
                session: Some(kontakt_store::staff::SessionChange::Touch {
                    id_hash: hash,
                    at: chrono::Utc::now(),
                }),
                audit: vec![],
            })
            .await
            .expect("touch");
    }
    assert!(service
        .authenticate(&s.secret)
        .await
        .expect("auth")
        .is_none());
    // Sessions that are over are purged from the table.
    let hash = kontakt_app::staff::session_hash(&s.secret);
    assert!(app.store.session(&hash).await.expect("read").is_some());
    tokio::time::sleep(std::time::Duration::from_millis(2600)).await;
    service.purge_sessions().await.expect("purge");
    assert!(app.store.session(&hash).await.expect("read").is_none());
}

/// Behind the city's proxy the audit names the real client; from anyone
/// else the header is ignored (it could be forged).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_client_only_from_trusted_proxies() {
    let app = crate::helpers::spawn_app(crate::helpers::Db::Sqlite).await;
    // The test app trusts no proxy: the header changes nothing.
    let r = app
        .client
        .get(app.url("/api/v1/cases"))
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 401);
    let denied = actions(&app, "auth.denied").await;
    assert_eq!(
        denied.last().map(|r| r.event.client.as_str()),
        Some("127.0.0.1")
    );

    // A server that trusts 127.0.0.1 as its proxy takes the client from it.
    let cases = Arc::new(kontakt_app::cases::CaseService::new(
        app.store.clone(),
        app.catalog.clone(),
    ));
    let state = kontakt_web::AppState::new(cases, Arc::new(staff(&app)), None)
        .with_trusted_proxies(vec!["127.0.0.1".parse().expect("ip")]);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(kontakt_web::serve(listener, state, std::future::pending()));
    let r = app
        .client
        .get(format!("{base}/api/v1/cases"))
        .header("x-forwarded-for", "198.51.100.2, 203.0.113.7")
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 401);
    let denied = actions(&app, "auth.denied").await;
    assert_eq!(
        denied.last().map(|r| r.event.client.as_str()),
        Some("203.0.113.7"),
        "the address the proxy saw, not one the client wrote in front of it"
    );
}
