//! The one place where errors become HTTP: RFC 9457 problem details for the
//! API. A 500 says nothing about the inside; the operation id lets a user
//! quote the failure and an operator find it in the log.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kontakt_app::cases::{CaseError, FieldError};
use kontakt_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

tokio::task_local! {
    /// The current request's operation id, set by the middleware in `lib.rs`.
    pub static OPERATION_ID: String;
}

pub fn operation_id() -> String {
    OPERATION_ID.try_with(Clone::clone).unwrap_or_default()
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Every field that was wrong, with the reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Quote this when reporting the problem.
    pub operation_id: String,
}

/// Everything that can go wrong in an API request.
#[derive(Debug)]
pub enum ApiError {
    Case(CaseError),
    /// The body could not be read as the expected JSON.
    BadBody {
        field: Option<String>,
        reason: String,
    },
    UnsupportedMediaType,
    PayloadTooLarge(String),
    Unauthorized,
    /// A session-authenticated change without the session's CSRF token.
    Csrf,
    NotFound(String),
    BadQuery(Vec<FieldError>),
    Internal(String),
    /// A phone system's event the queues could not take.
    Cti(kontakt_app::switchboard::CtiError),
    /// The phone queues are not running in this process.
    NoPhoneQueues,
    /// The request cannot be done as things stand (someone is away, the
    /// directory changed since a preview): says why.
    Conflict(String),
}

impl From<kontakt_app::switchboard::CtiError> for ApiError {
    fn from(e: kontakt_app::switchboard::CtiError) -> Self {
        ApiError::Cti(e)
    }
}

impl From<CaseError> for ApiError {
    fn from(e: CaseError) -> Self {
        ApiError::Case(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Case(CaseError::from(e))
    }
}

fn problem(
    status: StatusCode,
    kind: &str,
    title: &str,
    detail: Option<String>,
    errors: Vec<FieldError>,
) -> Problem {
    Problem {
        kind: format!("https://kontakt.stockholm.se/problems/{kind}"),
        title: title.to_owned(),
        status: status.as_u16(),
        detail,
        errors,
        operation_id: operation_id(),
    }
}

impl ApiError {
    pub fn to_problem(&self) -> Problem {
        use StatusCode as S;
        match self {
            ApiError::Case(CaseError::Invalid(errors)) => problem(
                S::UNPROCESSABLE_ENTITY,
                "invalid-fields",
                "Some fields are invalid",
                Some(
                    errors
                        .iter()
                        .map(|e| format!("{}: {}", e.field, e.reason))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                errors.clone(),
            ),
            ApiError::Case(CaseError::NotFound(what)) => problem(
                S::NOT_FOUND,
                "not-found",
                "Not found",
                Some(format!("no {what}")),
                vec![],
            ),
            ApiError::Case(CaseError::Rule(rule)) => problem(
                S::CONFLICT,
                "rule",
                "The change breaks a case rule",
                Some(format!("{}: {rule}", rule.field())),
                vec![FieldError {
                    field: rule.field().into(),
                    reason: rule.to_string(),
                }],
            ),
            ApiError::Case(CaseError::Conflict) => problem(
                S::CONFLICT,
                "conflict",
                "The case was changed by someone else",
                Some("reload the case and try again".into()),
                vec![],
            ),
            ApiError::Case(CaseError::Store(e)) => {
                tracing::error!(error = %e, operation_id = %operation_id(), "storage failure");
                problem(
                    S::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Internal error",
                    None,
                    vec![],
                )
            }
            ApiError::Cti(e) => {
                use kontakt_app::switchboard::CtiError as C;
                use kontakt_domain::acd::AcdError as A;
                let (status, kind, title) = match e {
                    C::Invalid(_) | C::UnknownNumber(_) | C::Queue(A::Invalid { .. }) => (
                        S::UNPROCESSABLE_ENTITY,
                        "invalid-event",
                        "The event is invalid",
                    ),
                    C::Queue(A::UnknownCall(_) | A::UnknownAgent(_) | A::UnknownGroup(_)) => {
                        (S::NOT_FOUND, "unknown", "The event names something unknown")
                    }
                    C::Queue(A::DuplicateCall(_) | A::CallEnded(_)) => {
                        (S::CONFLICT, "duplicate", "The event was already reported")
                    }
                    C::Queue(_) | C::OutOfOrder(_) => (
                        S::CONFLICT,
                        "out-of-order",
                        "The event does not fit the call's or agent's state",
                    ),
                    C::Store(err) => {
                        tracing::error!(error = %err, operation_id = %operation_id(), "storage failure");
                        return problem(
                            S::INTERNAL_SERVER_ERROR,
                            "internal",
                            "Internal error",
                            None,
                            vec![],
                        );
                    }
                };
                problem(status, kind, title, Some(e.to_string()), vec![])
            }
            ApiError::NoPhoneQueues => problem(
                S::SERVICE_UNAVAILABLE,
                "no-phone-queues",
                "The phone queues are not running here",
                None,
                vec![],
            ),
            ApiError::Internal(e) => {
                tracing::error!(error = %e, operation_id = %operation_id(), "internal failure");
                problem(
                    S::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Internal error",
                    None,
                    vec![],
                )
            }
            ApiError::BadBody { field, reason } => problem(
                S::BAD_REQUEST,
                "bad-body",
                "The request body is not valid JSON of the expected shape",
                Some(match field {
                    Some(f) => format!("{f}: {reason}"),
                    None => reason.clone(),
                }),
                field
                    .iter()
                    .map(|f| FieldError {
                        field: f.clone(),
                        reason: reason.clone(),
                    })
                    .collect(),
            ),
            ApiError::UnsupportedMediaType => problem(
                S::UNSUPPORTED_MEDIA_TYPE,
                "media-type",
                "Send the body as application/json",
                None,
                vec![],
            ),
            ApiError::PayloadTooLarge(d) => problem(
                S::PAYLOAD_TOO_LARGE,
                "too-large",
                "The request is too large",
                Some(d.clone()),
                vec![],
            ),
            ApiError::Unauthorized => problem(
                S::UNAUTHORIZED,
                "unauthorized",
                "A valid bearer token is required",
                None,
                vec![],
            ),
            ApiError::Csrf => problem(
                S::FORBIDDEN,
                "csrf",
                "The X-CSRF-Token header is missing or wrong",
                Some(
                    "changes made with a session cookie must carry the session's CSRF token".into(),
                ),
                vec![],
            ),
            ApiError::Case(CaseError::Forbidden(reason)) => problem(
                S::FORBIDDEN,
                "forbidden",
                "Not allowed",
                Some(reason.clone()),
                vec![],
            ),
            ApiError::Conflict(d) => problem(
                S::CONFLICT,
                "conflict",
                "Not possible as things stand",
                Some(d.clone()),
                vec![],
            ),
            ApiError::NotFound(d) => problem(
                S::NOT_FOUND,
                "not-found",
                "Not found",
                Some(d.clone()),
                vec![],
            ),
            ApiError::BadQuery(errors) => problem(
                S::BAD_REQUEST,
                "bad-query",
                "Some query parameters are invalid",
                Some(
                    errors
                        .iter()
                        .map(|e| format!("{}: {}", e.field, e.reason))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                errors.clone(),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let p = self.to_problem();
        let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&p).unwrap_or_default();
        let mut resp = (status, body).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"kontakt\""),
            );
        }
        resp
    }
}

/// Why a staff page could not be shown; the HTML counterpart of [`ApiError`].
#[derive(Debug)]
pub enum PageError {
    /// No live session: the browser goes to the login page.
    LoginNeeded,
    Csrf,
    Forbidden(String),
    NotFound,
    /// A form with invalid input, shown again with the message.
    Invalid(String),
    TooManyAttempts,
    Internal(String),
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        PageError::Internal(e.to_string())
    }
}

impl From<kontakt_app::staff::StaffError> for PageError {
    fn from(e: kontakt_app::staff::StaffError) -> Self {
        use kontakt_app::staff::StaffError as E;
        match e {
            E::Invalid(m) => PageError::Invalid(m),
            E::Exists(u) => PageError::Invalid(format!(
                "Kontot {u} finns redan. (The account already exists.)"
            )),
            E::NotFound(_) => PageError::NotFound,
            E::Forbidden(m) => PageError::Forbidden(m),
            E::LoginFailed | E::NoSession => PageError::LoginNeeded,
            E::Store(e) => PageError::Internal(e.to_string()),
        }
    }
}

impl From<CaseError> for PageError {
    fn from(e: CaseError) -> Self {
        match e {
            CaseError::Forbidden(m) => PageError::Forbidden(m),
            CaseError::NotFound(_) => PageError::NotFound,
            CaseError::Store(e) => PageError::Internal(e.to_string()),
            other => PageError::Invalid(other.to_string()),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        use StatusCode as S;
        let (status, sv, en) = match &self {
            PageError::LoginNeeded => {
                return axum::response::Redirect::to("/login").into_response();
            }
            PageError::Csrf => (
                S::FORBIDDEN,
                "Formuläret var för gammalt eller kom inte från Kontakt. Ladda om sidan och försök igen.".to_owned(),
                "The form was stale or did not come from Kontakt. Reload the page and try again.".to_owned(),
            ),
            PageError::Forbidden(m) => (
                S::FORBIDDEN,
                "Du har inte behörighet till det här.".to_owned(),
                format!("Not allowed: {m}"),
            ),
            PageError::NotFound => (S::NOT_FOUND, "Sidan finns inte.".to_owned(), "Not found.".to_owned()),
            PageError::Invalid(m) => (S::BAD_REQUEST, m.clone(), String::new()),
            PageError::TooManyAttempts => (
                S::TOO_MANY_REQUESTS,
                "För många inloggningsförsök. Vänta en minut.".to_owned(),
                "Too many login attempts. Wait a minute.".to_owned(),
            ),
            PageError::Internal(e) => {
                tracing::error!(error = %e, operation_id = %operation_id(), "page failed");
                (
                    S::INTERNAL_SERVER_ERROR,
                    format!("Något gick fel. Ange felkod {} om du kontaktar support.", operation_id()),
                    "Something went wrong.".to_owned(),
                )
            }
        };
        (status, crate::pages::message_page(&sv, &en)).into_response()
    }
}

/// A Mina sidor page's failure, told in the resident's language; a
/// missing or ended session goes back to the way in.
pub struct ResidentPageError {
    lang: crate::i18n::ResidentLang,
    error: kontakt_app::residents::ResidentError,
    csrf: bool,
}

impl ResidentPageError {
    pub fn new(
        lang: crate::i18n::ResidentLang,
        error: kontakt_app::residents::ResidentError,
    ) -> Self {
        ResidentPageError {
            lang,
            error,
            csrf: false,
        }
    }

    /// A form without this session's token, or posted from another site.
    pub fn csrf(lang: crate::i18n::ResidentLang) -> Self {
        ResidentPageError {
            lang,
            error: kontakt_app::residents::ResidentError::NotLoggedIn,
            csrf: true,
        }
    }
}

impl IntoResponse for ResidentPageError {
    fn into_response(self) -> Response {
        use kontakt_app::residents::ResidentError as E;
        use StatusCode as S;
        let lang = self.lang;
        let (status, message) = if self.csrf {
            (S::FORBIDDEN, lang.t("ms-error-session"))
        } else {
            match &self.error {
                E::NotLoggedIn => {
                    let mut response = axum::response::Redirect::to("/mina-sidor").into_response();
                    response.headers_mut().append(
                        header::SET_COOKIE,
                        crate::session::set_cookie(crate::mina_sidor::RESIDENT_COOKIE, None),
                    );
                    return response;
                }
                E::NotFound => (S::NOT_FOUND, lang.t("ms-error-not-found")),
                E::Closed => (S::CONFLICT, lang.t("ms-error-closed")),
                E::TooManyCodes => (S::TOO_MANY_REQUESTS, lang.t("ms-error-too-many")),
                E::WrongCode { .. } | E::CodeExpired => {
                    (S::UNPROCESSABLE_ENTITY, lang.t("ms-error-code-expired"))
                }
                E::Invalid(_) => (S::UNPROCESSABLE_ENTITY, lang.t("ms-error-failed")),
                E::Case(kontakt_app::cases::CaseError::Conflict) => {
                    (S::CONFLICT, lang.t("ms-error-failed"))
                }
                E::Case(e) => {
                    tracing::error!(error = %e, operation_id = %operation_id(), "resident page failed");
                    (S::INTERNAL_SERVER_ERROR, lang.t("ms-error-failed"))
                }
                E::Store(e) => {
                    tracing::error!(error = %e, operation_id = %operation_id(), "resident page failed");
                    (S::SERVICE_UNAVAILABLE, lang.t("ms-error-failed"))
                }
                E::Provider(e) => {
                    tracing::warn!(error = %e, operation_id = %operation_id(), "e-legitimation failed");
                    (S::SERVICE_UNAVAILABLE, lang.t("ms-error-eid"))
                }
            }
        };
        (status, crate::mina_sidor::error_page(lang, &message)).into_response()
    }
}
