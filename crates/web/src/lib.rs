//! Kontakt's HTTP layer. Only this crate knows about HTTP; it turns requests
//! into calls on the services and errors into problem details (`problem.rs`).

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use kontakt_app::cases::CaseService;
use kontakt_app::sso::Sso;
use kontakt_app::staff::StaffService;
use rand::RngCore;
use tracing::Instrument;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub mod api;
mod crisis;
mod cti;
pub mod desk;
mod directory;
mod eservice;
pub mod extract;
mod fallback;
pub mod i18n;
mod knowledge;
mod letters;
pub mod mina_sidor;
pub mod open311;
pub mod pages;
mod pdf;
mod phone;
pub mod problem;
mod resident;
pub mod session;
mod set_aside;
mod sms;
pub mod sso;
mod stats;
pub mod stats_table;
pub mod views;

use problem::{ApiError, OPERATION_ID};

/// Largest request body: a 10 MiB attachment grows by a third in base64.
pub const BODY_LIMIT: usize = 16 * 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub cases: Arc<CaseService>,
    pub staff: Arc<StaffService>,
    /// Single sign-on, when the configuration names an OpenID provider.
    pub sso: Option<Arc<Sso>>,
    /// Keeps unauthenticated probing from flooding the append-only audit log.
    pub denials: Arc<extract::DenialLimiter>,
    pub login_throttle: Arc<session::LoginThrottle>,
    /// The city's reverse proxies: from them, the client's address is taken
    /// from `X-Forwarded-For` (for audit entries and throttling).
    pub trusted_proxies: Arc<Vec<std::net::IpAddr>>,
    /// Submissions of the public e-service forms, per client.
    pub submission_throttle: Arc<session::Throttle>,
    /// The SMS gateway, when the configuration names one.
    pub sms: Option<Arc<kontakt_app::sms::KannelConfig>>,
    pub phone: Arc<kontakt_app::phone::PhoneService>,
    /// The phone queues, when this process runs them.
    pub switchboard: Option<Arc<kontakt_app::switchboard::Switchboard>>,
    pub stats: Arc<kontakt_app::stats::StatsService>,
    pub knowledge: Arc<kontakt_app::knowledge::KnowledgeService>,
    pub crisis: Arc<kontakt_app::crisis::CrisisService>,
    /// The switchboard's directory (one per process: its index is shared).
    pub directory: Arc<kontakt_app::directory::DirectoryService>,
    /// Mina sidor.
    pub residents: Arc<kontakt_app::residents::ResidentService>,
    /// E-legitimation for residents, when the configuration names a provider.
    pub resident_sso: Option<Arc<Sso>>,
    /// Mina sidor's forms before login (codes, case secrets), per client.
    pub resident_throttle: Arc<session::Throttle>,
}

impl AppState {
    pub fn new(cases: Arc<CaseService>, staff: Arc<StaffService>, sso: Option<Arc<Sso>>) -> Self {
        let phone = Arc::new(kontakt_app::phone::PhoneService::new(
            cases.store().clone(),
            cases.catalog_arc(),
        ));
        let crisis = Arc::new(kontakt_app::crisis::CrisisService::new(
            cases.store().clone(),
            cases.catalog_arc(),
            phone.clone(),
        ));
        // Another process may start or end a crisis: this one follows.
        if tokio::runtime::Handle::try_current().is_ok() {
            crisis.spawn_watcher();
        }
        AppState {
            phone,
            crisis,
            stats: Arc::new(kontakt_app::stats::StatsService::new(
                cases.store().clone(),
                cases.catalog_arc(),
            )),
            knowledge: Arc::new(kontakt_app::knowledge::KnowledgeService::new(
                cases.store().clone(),
                cases.catalog_arc(),
            )),
            directory: Arc::new(kontakt_app::directory::DirectoryService::new(
                cases.store().clone(),
                cases.catalog_arc(),
            )),
            residents: Arc::new(kontakt_app::residents::ResidentService::new(
                cases.store().clone(),
                cases.clone(),
            )),
            resident_sso: None,
            resident_throttle: Arc::new(session::Throttle::new(
                mina_sidor::ATTEMPTS_PER_WINDOW,
                mina_sidor::WINDOW_SECONDS,
            )),
            cases,
            staff,
            sso,
            denials: Arc::new(extract::DenialLimiter::default()),
            login_throttle: Arc::new(session::LoginThrottle::default()),
            trusted_proxies: Arc::new(Vec::new()),
            sms: None,
            switchboard: None,
            submission_throttle: Arc::new(session::Throttle::new(
                eservice::SUBMISSIONS_PER_WINDOW,
                eservice::WINDOW_SECONDS,
            )),
        }
    }

    /// Starts the phone queues (closing call records a previous process
    /// left open) and their clock.
    pub async fn with_switchboard(mut self) -> Result<Self, kontakt_app::switchboard::CtiError> {
        let board = kontakt_app::switchboard::Switchboard::start(
            self.phone.clone(),
            self.cases.store().clone(),
            chrono::Utc::now(),
        )
        .await?;
        board.spawn_ticker();
        board.use_directory(self.directory.clone());
        self.switchboard = Some(board);
        Ok(self)
    }

    /// E-legitimation on Mina sidor through this OpenID provider.
    pub fn with_resident_sso(mut self, sso: Arc<Sso>) -> Self {
        self.resident_sso = Some(sso);
        self
    }

    pub fn with_sms(mut self, sms: kontakt_app::sms::KannelConfig) -> Self {
        self.sms = Some(Arc::new(sms));
        self
    }

    pub fn with_trusted_proxies(mut self, proxies: Vec<std::net::IpAddr>) -> Self {
        self.trusted_proxies = Arc::new(proxies);
        self
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Kontakt API", description = "The case register of the city's contact centre."),
    modifiers(&BearerAuth),
    tags((name = "cases", description = "Cases and their timelines"), (name = "catalog", description = "The catalog"), (name = "audit", description = "Log review"), (name = "persons", description = "Data subject rights"), (name = "statistics", description = "Key figures from anonymous facts"), (name = "knowledge", description = "The knowledge base and the web assistant"), (name = "directory", description = "The switchboard's directory: units, staff, absence notes, HR imports"))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API routes and their OpenAPI document, built together so a route
/// cannot exist without documentation.
pub fn api_with_doc() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(
            "/api/v1",
            api::routes()
                .merge(cti::routes())
                .merge(stats::routes())
                .merge(knowledge::routes())
                .merge(crisis::routes())
                .merge(directory::routes()),
        )
        .split_for_parts();
    (router, doc)
}

pub fn router(state: AppState) -> Router {
    let (api, doc) = api_with_doc();
    let doc = Arc::new(doc);
    Router::new()
        .merge(api)
        .route(
            "/api/openapi.json",
            get(move || async move { Json(doc.as_ref().clone()) }),
        )
        .route("/healthz", get(healthz))
        .merge(pages::routes())
        .merge(mina_sidor::routes())
        .merge(open311::routes())
        .merge(sms::routes())
        .merge(cti::zammad_routes())
        .fallback(|| async { ApiError::NotFound("no such resource".into()) })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // Inside the operation-id layer, so the 500 carries the id; a panic
        // is a bug, but it must not reach a user as a dropped connection.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                ApiError::Internal("a request handler panicked".into()).into_response()
            },
        ))
        .layer(middleware::from_fn(operation))
        .layer(middleware::from_fn_with_state(state.clone(), real_client))
        .with_state(state)
}

/// Behind a trusted proxy, the client is the last address in
/// `X-Forwarded-For` that is not itself a trusted proxy; the connection's
/// peer is replaced by it, so audit entries and login throttling see the
/// real client. From anyone else the header is ignored (it could be forged).
async fn real_client(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    use axum::extract::ConnectInfo;
    use std::net::{IpAddr, SocketAddr};
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    if let Some(peer) = peer.filter(|p| state.trusted_proxies.contains(&p.ip())) {
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .collect::<Vec<_>>();
        if let Some(client) = forwarded
            .into_iter()
            .rev()
            .find(|ip| !state.trusted_proxies.contains(ip))
        {
            req.extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(client, peer.port())));
        }
    }
    next.run(req).await
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    match state.cases.store().ping().await {
        Ok(_) => "ok".into_response(),
        Err(e) => ApiError::Internal(format!("health check: {e}")).into_response(),
    }
}

/// Gives every request an operation id, visible in logs, in problem bodies
/// and in the `x-operation-id` response header.
async fn operation(req: Request, next: Next) -> Response {
    let is_page = !req.uri().path().starts_with("/api/") && req.uri().path() != "/healthz";
    // TLS ends at the city's proxy; HSTS only makes sense when it did.
    let over_tls = req
        .headers()
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let mut bytes = [0u8; 8];
    rand::thread_rng().fill_bytes(&mut bytes);
    let id = hex::encode(bytes);
    // A path may carry a secret (the Zammad adapter's token, as Zammad
    // puts it there): logs get the path without it.
    let path = match req.uri().path().split_once("/cti/zammad/") {
        Some((head, _)) => format!("{head}/cti/zammad/(token)"),
        None => req.uri().path().to_owned(),
    };
    let span =
        tracing::info_span!("request", operation_id = %id, method = %req.method(), path = %path);
    let mut resp = OPERATION_ID
        .scope(id.clone(), next.run(req))
        .instrument(span)
        .await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-operation-id", v);
    }
    let h = resp.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // The API serves data, never pages: nothing may run, be framed or be
    // cached on the way (responses carry personal data). Pages load only
    // their own stylesheet, run no script, and post forms only to us.
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert(
        HeaderValue::from_static(if is_page {
            "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        } else {
            "default-src 'none'; frame-ancestors 'none'"
        }),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Pages' addresses hold case numbers: they never go to another site.
    // Within the site they do, so the language switch returns to the page.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    if over_tls {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    resp
}

/// Serves the application on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
