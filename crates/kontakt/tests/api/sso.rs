//! Single sign-on against a real OpenID provider: the certified npm package
//! `oidc-provider`, started per test (scripts/oidc-provider/provider.mjs;
//! `scripts/services.sh` installs it). The browser goes through the
//! provider's own login form; Kontakt exchanges the code with its PKCE
//! verifier and checks the ID token.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use kontakt_app::sso::SsoConfig;
use reqwest::redirect::Policy;

use crate::helpers::{spawn_app_with, Db, TestApp, CATALOG};
use crate::staff::Browser;

pub(crate) const CLIENT_ID: &str = "kontakt-test";
pub(crate) const CLIENT_SECRET: &str = "kontakt-test-secret-0123456789";

/// The provider process; stopped when dropped.
pub(crate) struct Provider {
    child: Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Starts the provider and waits until it listens. Now and then node hangs
/// before it listens (no CPU, no output); rather than hang the suite, such
/// a start is killed after 20 s and tried again, at most three times.
pub(crate) fn start_provider(port: u16, redirect_uri: &str) -> Provider {
    let script = std::env::var("KONTAKT_TEST_OIDC_PROVIDER").expect(
        "KONTAKT_TEST_OIDC_PROVIDER is not set: run the tests with scripts/test.sh, which installs the OpenID provider",
    );
    let mut last = String::new();
    for _attempt in 0..3 {
        let mut child = Command::new("node")
            .arg(&script)
            .env("OIDC_PORT", port.to_string())
            .env("OIDC_CLIENT_ID", CLIENT_ID)
            .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
            .env("OIDC_REDIRECT_URI", redirect_uri)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start node");
        let stdout = child.stdout.take().expect("stdout");
        let (first_line, started) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = first_line.send(lines.next().and_then(|l| l.ok()).unwrap_or_default());
            // Keep reading: the provider dies of EPIPE if its stdout is closed.
            lines.for_each(drop);
        });
        match started.recv_timeout(std::time::Duration::from_secs(20)) {
            Ok(line) if line.contains("listening") => {
                return Provider {
                    child,
                    issuer: format!("http://127.0.0.1:{port}"),
                }
            }
            Ok(line) => last = line,
            Err(_) => last = "no output within 20 s".into(),
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("the OpenID provider did not start: {last}");
}

async fn app_with_provider(db: Db) -> (TestApp, Provider) {
    let port = free_port();
    let config = SsoConfig {
        issuer: format!("http://127.0.0.1:{port}"),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        redirect_url: String::new(),
        provider_enforces_mfa: false,
    };
    let app = spawn_app_with(db, CATALOG, Some(config)).await;
    let provider = start_provider(port, &format!("{}/login/sso/callback", app.base));
    (app, provider)
}

/// Logs in at the provider as `login` and returns the redirect back to Kontakt.
async fn through_provider(b: &mut Browser, provider: &Provider, login: &str) -> String {
    through_provider_at(b, provider, "/login/sso", login).await
}

/// The same from another way in (`start`, e.g. residents' e-legitimation).
pub(crate) async fn through_provider_at(
    b: &mut Browser,
    provider: &Provider,
    start: &str,
    login: &str,
) -> String {
    let start = b.get(start).await;
    assert_eq!(start.status, 303, "{}", start.body);
    let auth = start.location;
    assert!(auth.starts_with(&provider.issuer), "{auth}");
    assert!(auth.contains("code_challenge_method=S256"), "PKCE: {auth}");
    assert!(auth.contains("nonce=") && auth.contains("state="));
    // The provider's side: its own cookies, its own login form.
    let idp = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client");
    let r = idp.get(&auth).send().await.expect("authorize");
    assert_eq!(r.status(), 303);
    let interaction = format!(
        "{}{}",
        provider.issuer,
        r.headers()["location"].to_str().expect("location")
    );
    let r = idp
        .post(&interaction)
        .form(&[
            ("prompt", "login"),
            ("login", login),
            ("password", "vad som helst"),
        ])
        .send()
        .await
        .expect("login at provider");
    assert_eq!(r.status(), 303);
    let resume = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let r = idp.get(&resume).send().await.expect("resume");
    assert_eq!(r.status(), 303);
    r.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned()
}

async fn single_sign_on(db: Db) {
    let (app, provider) = app_with_provider(db).await;
    let staff = crate::staff::staff(&app);
    let system = kontakt_app::cases::Actor::new("system:test");
    for (username, sso_allowed) in [("anna.andersson", true), ("bo.berg", false)] {
        let account = kontakt_app::staff::NewAccount {
            username: username.into(),
            display_name: format!("Test {username}"),
            password: None,
            grants: vec!["agent_l1".into(), "group:FSK".into()],
            totp_exempt: false,
            sso_allowed,
        };
        staff.create(&system, account).await.expect("account");
    }

    // The login page offers single sign-on when it is configured.
    let mut b = Browser::new(&app);
    assert!(b.get("/login").await.body.contains("/login/sso"));
    let back = through_provider(&mut b, &provider, "anna.andersson").await;
    assert!(
        back.starts_with(&format!("{}/login/sso/callback?code=", app.base)),
        "{back}"
    );
    let before_callback = b.cookies.clone();
    let r = b.get(&back).await;
    let log = app.audit_log().await;
    // An agent sees personal data: after the provider, Kontakt's own second
    // factor (the provider is not configured as enforcing one).
    assert_eq!(
        (r.status, r.location.as_str()),
        (303, "/login/second-factor"),
        "{:?}",
        log.last().map(|r| &r.event.detail)
    );
    let page = b.get("/login/second-factor").await;
    let secret = {
        let marker = "<code class=\"secret\">";
        let i = page.body.find(marker).expect("enrolment key") + marker.len();
        page.body[i..i + page.body[i..].find('<').expect("end")].to_owned()
    };
    let code = kontakt_app::staff::current_code(&secret).expect("code");
    let r = b
        .post(
            "/login/second-factor",
            &[
                ("csrf", &crate::staff::csrf_of(&page.body)),
                ("code", &code),
            ],
        )
        .await;
    assert_eq!((r.status, r.location.as_str()), (303, "/"));
    let home = b.get("/").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Test anna.andersson"));
    // The provider's subject is bound to the account.
    let account = app
        .store
        .account("anna.andersson")
        .await
        .expect("read")
        .expect("account");
    assert_eq!(account.oidc_subject.as_deref(), Some("anna.andersson"));
    let logins: Vec<_> = app
        .audit_log()
        .await
        .into_iter()
        .filter(|r| r.event.action == "auth.login")
        .collect();
    assert_eq!(logins.len(), 1);
    assert_eq!(logins[0].event.detail["method"], "oidc");

    // The callback works once: replaying it opens nothing.
    let mut replay = Browser::new(&app);
    replay.cookies = before_callback;
    let r = replay.get(&back).await;
    assert_eq!(r.status, 400);
    assert!(replay.session().is_none());

    // A forged state is refused and logged.
    let mut forged = Browser::new(&app);
    let back = through_provider(&mut forged, &provider, "anna.andersson").await;
    let tampered = back.replace("state=", "state=x");
    let r = forged.get(&tampered).await;
    assert_eq!(r.status, 400);
    assert!(forged.session().is_none());

    // An account that may not sign on is never bound, even with its name.
    let mut other = Browser::new(&app);
    let back = through_provider(&mut other, &provider, "bo.berg").await;
    assert_eq!(other.get(&back).await.status, 400);
    assert!(other.session().is_none());
    let bo = app
        .store
        .account("bo.berg")
        .await
        .expect("read")
        .expect("account");
    assert_eq!(bo.oidc_subject, None);

    // Someone the provider knows but Kontakt has no account for: refused.
    let mut stranger = Browser::new(&app);
    let back = through_provider(&mut stranger, &provider, "okand.person").await;
    let r = stranger.get(&back).await;
    assert_eq!(r.status, 400);
    assert!(stranger.session().is_none());

    // A disabled account cannot sign on either.
    staff
        .set_disabled(
            &kontakt_app::cases::Actor::new("system:test"),
            "anna.andersson",
            true,
        )
        .await
        .expect("disable");
    let mut again = Browser::new(&app);
    let back = through_provider(&mut again, &provider, "anna.andersson").await;
    assert_eq!(again.get(&back).await.status, 400);
    assert!(again.session().is_none());
    let denied = app
        .audit_log()
        .await
        .into_iter()
        .filter(|r| r.event.action == "auth.login" && r.event.outcome.as_str() == "denied")
        .count();
    assert_eq!(
        denied, 5,
        "replay, forged state, account without sign-on, unknown person, disabled account"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_sign_on_sqlite() {
    single_sign_on(Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_sign_on_postgres() {
    single_sign_on(Db::Postgres).await
}
