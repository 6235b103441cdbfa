use std::sync::Arc;

use kontakt_app::cases::CaseService;
use kontakt_app::staff::{LoginPolicy, StaffService};
use kontakt_app::tokens;
use kontakt_domain::catalog::Catalog;
use kontakt_store::{OpenMode, Store};
use serde_json::{json, Value};

pub const CATALOG: &str = include_str!("../../../../catalog/stockholm.toml");

#[derive(Clone, Copy, Debug)]
pub enum Db {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    /// A registrar's: registers and reads every case but protected persons'.
    pub token: String,
    pub store: Arc<dyn Store>,
    pub catalog: Arc<Catalog>,
    pub database_url: String,
    _dir: tempfile::TempDir,
}

/// Runs the kontakt binary without a database from the environment:
/// (exit code, standard output).
pub fn run_kontakt(args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kontakt"))
        .args(args)
        .env_remove("KONTAKT_DATABASE_URL")
        .output()
        .expect("run kontakt");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// A fresh, empty database of the given kind.
pub async fn fresh_database(db: Db, dir: &std::path::Path) -> String {
    match db {
        Db::Sqlite => format!("sqlite:{}", dir.join("kontakt.db").display()),
        Db::Postgres => {
            let admin = std::env::var("KONTAKT_TEST_POSTGRES").expect(
                "KONTAKT_TEST_POSTGRES is not set: run the tests with scripts/test.sh, which starts PostgreSQL",
            );
            let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
                .await
                .expect("connect to the test PostgreSQL");
            tokio::spawn(conn);
            let name = format!("kontakt_test_{}", hex::encode(rand::random::<[u8; 6]>()));
            client
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b)
                .expect("URL with a database");
            format!("{base}/{name}")
        }
    }
}

pub async fn spawn_app(db: Db) -> TestApp {
    spawn_app_with_catalog(db, CATALOG).await
}

/// The real server with another catalog (e.g. a narrower agreement).
pub async fn spawn_app_with_catalog(db: Db, catalog_text: &str) -> TestApp {
    spawn_app_with(db, catalog_text, None).await
}

/// The real server with a catalog and, optionally, single sign-on.
pub async fn spawn_app_with(
    db: Db,
    catalog_text: &str,
    sso: Option<kontakt_app::sso::SsoConfig>,
) -> TestApp {
    spawn_app_full(db, catalog_text, sso, |_| None).await
}

/// The real server, with an SMS gateway made from its own base URL.
pub async fn spawn_app_full(
    db: Db,
    catalog_text: &str,
    sso: Option<kontakt_app::sso::SsoConfig>,
    sms: impl FnOnce(&str) -> Option<kontakt_app::sms::KannelConfig>,
) -> TestApp {
    spawn_app_configured(db, catalog_text, sso, sms, None).await
}

/// The real server for Mina sidor: acknowledgements link to its own base
/// URL, and residents may log in with e-legitimation at `resident_sso`
/// (its redirect URL is filled in).
pub async fn spawn_app_for_residents(
    db: Db,
    resident_sso: Option<kontakt_app::sso::SsoConfig>,
) -> TestApp {
    spawn_app_configured(db, CATALOG, None, |_| None, Some(resident_sso)).await
}

async fn spawn_app_configured(
    db: Db,
    catalog_text: &str,
    sso: Option<kontakt_app::sso::SsoConfig>,
    sms: impl FnOnce(&str) -> Option<kontakt_app::sms::KannelConfig>,
    residents: Option<Option<kontakt_app::sso::SsoConfig>>,
) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = fresh_database(db, dir.path()).await;
    let store = kontakt_store::open(&database_url, OpenMode::CreateIfMissing)
        .await
        .expect("open store");
    let catalog = Arc::new(Catalog::load("stockholm.toml", catalog_text).expect("catalog"));
    let token = tokens::issue(&store, "test", &["registrar"])
        .await
        .expect("token");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let sso = sso.map(|mut config| {
        config.redirect_url = format!("{base}/login/sso/callback");
        Arc::new(kontakt_app::sso::Sso::new(config).expect("sso config"))
    });
    let staff = Arc::new(StaffService::new(
        store.clone(),
        catalog.clone(),
        LoginPolicy::default(),
    ));
    let mut cases = CaseService::new(store.clone(), catalog.clone());
    if residents.is_some() {
        cases = cases.with_messages(
            kontakt_app::messages::MessageSettings::for_city(&catalog, None)
                .with_public_url(Some(base.clone())),
        );
    }
    let mut state = kontakt_web::AppState::new(Arc::new(cases), staff, sso);
    if let Some(sms) = sms(&base) {
        state = state.with_sms(sms);
    }
    if let Some(Some(mut config)) = residents {
        config.redirect_url = format!("{base}/mina-sidor/e-legitimation/klar");
        state = state.with_resident_sso(Arc::new(
            kontakt_app::sso::Sso::new(config).expect("resident sso config"),
        ));
    }
    let state = state.with_switchboard().await.expect("phone queues");
    tokio::spawn(kontakt_web::serve(listener, state, std::future::pending()));
    TestApp {
        base,
        client: reqwest::Client::new(),
        token,
        store,
        catalog,
        database_url,
        _dir: dir,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .client
            .post(self.url(path))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .expect("request");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let r = self
            .client
            .get(self.url(path))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("request");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Registers a simple open case and returns its number.
    pub async fn new_case(&self) -> String {
        let (status, body) = self.post("/api/v1/cases", &minimal_case()).await;
        assert_eq!(status, 201, "{body}");
        body["number"].as_str().expect("number").to_owned()
    }

    pub async fn case_count(&self) -> u64 {
        self.store.count_cases().await.expect("count")
    }

    /// Every audit entry so far, in order.
    pub async fn audit_log(&self) -> Vec<kontakt_domain::audit::AuditRecord> {
        let all = kontakt_store::AuditQuery {
            limit: 100_000,
            ..Default::default()
        };
        self.store.audit_page(&all).await.expect("audit page")
    }

    /// A case type by code from the catalog, for expectations.
    pub fn case_type(&self, code: &str) -> &kontakt_domain::catalog::CaseType {
        self.catalog.case_type(code).expect("case type in catalog")
    }
}

/// A case type of the demo catalog that the centre handles to closure, with
/// no required form fields and a fixed board.
pub const SIMPLE_TYPE: &str = "SYNP-KCS";

pub fn minimal_case() -> Value {
    json!({"case_type": SIMPLE_TYPE, "channel": "phone", "description": "Tycker att väntetiden i telefon var för lång."})
}

/// Runs each named `async fn(TestApp)` once per database backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::spawn_app($crate::helpers::Db::Sqlite).await).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::helpers::spawn_app($crate::helpers::Db::Postgres).await).await
                }
            }
        )*
    };
}
