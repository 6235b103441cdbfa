//! The manual fallback at the desk (`/fallback`): the routine for when the
//! case system or the phone system is down, the printable blank form, the
//! capture file's template, and the import of a filled-in capture file
//! (`kontakt_app::fallback`), which registers every row or none.

use axum::extract::{Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use kontakt_app::fallback::{
    template_csv, Column, FallbackError, FallbackImport, ImportReport, RowError, RowOutcome,
};
use kontakt_domain::access::Role;
use kontakt_domain::case::Channel;
use maud::{html, Markup};

use crate::desk::channel_name;
use crate::i18n::Lang;
use crate::pages::layout;
use crate::problem::PageError;
use crate::session::Staff;
use crate::AppState;

/// The roles that keep working on paper: agents, their team leaders and
/// administrators. Importing still needs the right to register each row's
/// case type, which the case service decides.
const FALLBACK_ROLES: &[Role] = &[
    Role::AgentL1,
    Role::AgentL2,
    Role::Supervisor,
    Role::Administrator,
];

pub fn require_fallback(staff: &Staff) -> Result<(), PageError> {
    if FALLBACK_ROLES.iter().any(|r| staff.has(*r)) {
        Ok(())
    } else {
        Err(PageError::Forbidden(
            "the fallback routine is for agents, team leaders and administrators".into(),
        ))
    }
}

/// What the page shows above the routine.
enum Shown<'a> {
    None,
    Report(&'a ImportReport),
    Errors(&'a [RowError]),
    Interrupted(&'a ImportReport, String),
}

/// What goes in a column, for the table on the page.
fn about(lang: Lang, column: Column) -> String {
    match column {
        Column::CaptureId => lang.t("fallback-about-id"),
        Column::ContactTime => lang.t("fallback-about-time"),
        Column::Channel => lang.t("fallback-about-channel"),
        Column::CaseType => lang.t("fallback-about-case-type"),
        Column::District => lang.t("fallback-about-district"),
        Column::Description => lang.t("fallback-about-description"),
        Column::AnsweredAtFirstContact => lang.t("fallback-about-answered"),
        Column::Name => lang.t("fallback-about-name"),
        Column::Personnummer => lang.t("fallback-about-personnummer"),
        Column::Phone => lang.t("fallback-about-phone"),
        Column::Email => lang.t("fallback-about-email"),
        Column::FeedbackChannel => lang.t("fallback-about-feedback"),
        Column::Form => lang.t("fallback-about-form"),
    }
}

fn column_label(lang: Lang, column: &str) -> String {
    if column.is_empty() {
        lang.t("fallback-whole-row")
    } else {
        column.to_owned()
    }
}

fn page(staff: &Staff, result: Shown<'_>) -> Markup {
    let lang = staff.lang;
    let csrf = &staff.session.session.csrf_token;
    layout(
        lang,
        &lang.t("fallback-title"),
        Some(staff),
        html! {
            h1 { (lang.t("fallback-title")) }
            @match result {
                Shown::None => {}
                Shown::Report(report) => { (report_section(lang, report)) }
                Shown::Interrupted(report, error) => {
                    div.error-summary role="alert" {
                        p { (lang.t("fallback-interrupted")) }
                        p { code { (error) } }
                    }
                    (report_section(lang, report))
                }
                Shown::Errors(errors) => {
                    div.error-summary role="alert" #import-errors {
                        p { (lang.tn("fallback-errors", errors.len())) }
                    }
                    div.table-scroll {
                        table {
                            caption { (lang.t("fallback-errors-caption")) }
                            thead { tr {
                                th scope="col" { (lang.t("fallback-col-row")) }
                                th scope="col" { (lang.t("fallback-col-column")) }
                                th scope="col" { (lang.t("fallback-col-reason")) }
                            } }
                            tbody {
                                @for e in errors {
                                    tr {
                                        td.num { @if e.row == 0 { "–" } @else { (e.row) } }
                                        td { (column_label(lang, &e.column)) }
                                        td { (e.reason) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            p { (lang.t("fallback-intro")) }
            section aria-labelledby="routine" {
                h2 #routine { (lang.t("fallback-routine")) }
                ol {
                    li { (lang.t("fallback-step-1")) }
                    li { (lang.t("fallback-step-2")) }
                    li { (lang.t("fallback-step-3")) }
                    li { (lang.t("fallback-step-4")) }
                    li { (lang.t("fallback-step-5")) }
                    li { (lang.t("fallback-step-6")) }
                }
                ul {
                    li { a href="/fallback/form" { (lang.t("fallback-print-link")) } }
                    li { a href="/fallback/template.csv" download="reservrutin.csv" { (lang.t("fallback-template-link")) } }
                }
            }
            section aria-labelledby="columns" {
                h2 #columns { (lang.t("fallback-columns")) }
                div.table-scroll {
                    table {
                        caption { (lang.t("fallback-columns-caption")) }
                        thead { tr {
                            th scope="col" { (lang.t("fallback-col-column")) }
                            th scope="col" { (lang.t("fallback-col-content")) }
                            th scope="col" { (lang.t("required")) }
                        } }
                        tbody {
                            @for c in Column::ALL {
                                tr {
                                    td { code { (c.header()) } }
                                    td { (about(lang, c)) }
                                    td { @if c.required() { (lang.t("yes")) } @else { (lang.t("no")) } }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="import" {
                h2 #import { (lang.t("fallback-import")) }
                p { (lang.t("fallback-import-intro")) }
                @if !(staff.has(Role::AgentL1) || staff.has(Role::AgentL2)) {
                    p.hint { (lang.t("fallback-import-agents")) }
                }
                form method="post" action="/fallback/import" enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="file" { (lang.t("fallback-file")) " (" (lang.t("required")) ")" }
                    input #file name="file" type="file" required accept=".csv,text/csv";
                    div.actions { button type="submit" { (lang.t("fallback-import-button")) } }
                }
            }
        },
    )
}

fn report_section(lang: Lang, report: &ImportReport) -> Markup {
    html! {
        p.message role="status" #import-result {
            (lang.ta("fallback-result", &[
                ("imported", &report.imported()),
                ("already", &report.already_imported()),
            ]))
        }
        div.table-scroll {
            table {
                caption { (lang.t("fallback-result-caption")) }
                thead { tr {
                    th scope="col" { (lang.t("fallback-col-row")) }
                    th scope="col" { (lang.t("fallback-col-id")) }
                    th scope="col" { (lang.t("fallback-col-case")) }
                    th scope="col" { (lang.t("fallback-col-outcome")) }
                } }
                tbody {
                    @for r in &report.rows {
                        tr {
                            td.num { (r.row) }
                            td { (r.capture_id) }
                            td { a href=(format!("/cases/{}", r.number)) { (r.number) } }
                            td { @match r.outcome {
                                RowOutcome::Imported => (lang.t("fallback-imported")),
                                RowOutcome::AlreadyImported => (lang.t("fallback-already-imported")),
                            } }
                        }
                    }
                }
            }
        }
    }
}

pub async fn routine(staff: Staff) -> Result<Markup, PageError> {
    require_fallback(&staff)?;
    Ok(page(&staff, Shown::None))
}

/// The blank registration form, to print before it is needed: the same
/// fields as the capture file, in the order they are typed in afterwards.
pub async fn print_form(staff: Staff) -> Result<Markup, PageError> {
    require_fallback(&staff)?;
    let lang = staff.lang;
    let channels = [
        Channel::Phone,
        Channel::Visit,
        Channel::Email,
        Channel::Letter,
        Channel::Sms,
        Channel::Chat,
        Channel::SocialMedia,
    ];
    let feedback = [
        Channel::Phone,
        Channel::Email,
        Channel::Sms,
        Channel::Letter,
    ];
    let field = |label: String, column: Option<Column>, class: &'static str| {
        html! {
            div class=(format!("paper-field {class}")) {
                span.paper-label { (label) @if let Some(c) = column { " " span.paper-column { "(" (c.header()) ")" } } }
            }
        }
    };
    let choices = |label: String, column: Column, words: Vec<String>| {
        html! {
            div.paper-field {
                span.paper-label { (label) " " span.paper-column { "(" (column.header()) ")" } }
                span.paper-choices { @for w in words { span { "☐ " (w) } } }
            }
        }
    };
    Ok(layout(
        lang,
        &lang.t("fallback-form-title"),
        Some(&staff),
        html! {
            p.no-print { a href="/fallback" { "← " (lang.t("fallback-title")) } }
            p.no-print.hint { (lang.t("fallback-form-print-hint")) }
            div.paper-form {
                h1 { (lang.t("fallback-form-title")) }
                p.paper-intro { (lang.t("fallback-form-intro")) }
                div.paper-row {
                    (field(lang.t("fallback-form-id"), Some(Column::CaptureId), "narrow"))
                    (field(lang.t("fallback-form-time"), Some(Column::ContactTime), "narrow"))
                    (field(lang.t("fallback-form-agent"), None, "narrow"))
                }
                (choices(lang.t("fallback-form-channel"), Column::Channel,
                    channels.iter().map(|c| channel_name(lang, *c)).collect()))
                div.paper-row {
                    (field(lang.t("fallback-form-case-type"), Some(Column::CaseType), ""))
                    (field(lang.t("fallback-form-district"), Some(Column::District), ""))
                }
                (field(lang.t("fallback-form-description"), Some(Column::Description), "tall"))
                (field(lang.t("fallback-form-form-fields"), Some(Column::Form), ""))
                (choices(lang.t("fallback-form-answered"), Column::AnsweredAtFirstContact,
                    vec![lang.t("yes"), lang.t("no")]))
                h2 { (lang.t("fallback-form-resident")) }
                div.paper-row {
                    (field(lang.t("name"), Some(Column::Name), ""))
                    (field(lang.t("fallback-form-personnummer"), Some(Column::Personnummer), ""))
                }
                div.paper-row {
                    (field(lang.t("fallback-form-phone"), Some(Column::Phone), ""))
                    (field(lang.t("email"), Some(Column::Email), ""))
                }
                (choices(lang.t("feedback-via"), Column::FeedbackChannel,
                    feedback.iter().map(|c| channel_name(lang, *c)).collect()))
                h2 { (lang.t("fallback-form-afterwards")) }
                div.paper-row {
                    (field(lang.t("fallback-form-imported-by"), None, "narrow"))
                    (field(lang.t("fallback-form-case-number"), None, "narrow"))
                }
            }
        },
    ))
}

pub async fn template(staff: Staff) -> Result<Response, PageError> {
    require_fallback(&staff)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"reservrutin.csv\"",
            ),
        ],
        template_csv(),
    )
        .into_response())
}

pub async fn import(
    State(state): State<AppState>,
    staff: Staff,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let Ok(mut multipart) = multipart else {
        staff.check_csrf(&state, "").await?;
        return Err(PageError::Csrf);
    };
    let lang = staff.lang;
    let mut csrf_checked = false;
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut upload_error = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                upload_error = Some(lang.ta("error-upload", &[("error", &e)]));
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        // The token comes first in the form: nothing is read before it is checked.
        if name == "csrf" {
            staff
                .check_csrf(&state, &field.text().await.unwrap_or_default())
                .await?;
            csrf_checked = true;
            continue;
        }
        if !csrf_checked {
            break;
        }
        if name == "file" {
            let file_name = field.file_name().unwrap_or("fallback.csv").to_owned();
            match field.bytes().await {
                Ok(bytes) if !bytes.is_empty() => file = Some((file_name, bytes.to_vec())),
                Ok(_) => {}
                Err(e) => upload_error = Some(lang.ta("error-upload", &[("error", &e)])),
            }
        }
    }
    if !csrf_checked {
        staff.check_csrf(&state, "").await?;
    }
    require_fallback(&staff)?;
    let Some((file_name, content)) = file else {
        let errors = [RowError {
            row: 0,
            column: String::new(),
            reason: upload_error.unwrap_or_else(|| lang.t("fallback-no-file")),
        }];
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            page(&staff, Shown::Errors(&errors)),
        )
            .into_response());
    };
    // Only the name's last part, and briefly: it goes into the audit log.
    let file_name: String = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    let import = FallbackImport::new(&state.cases);
    match import
        .import(&content, &file_name, &staff.actor, Utc::now())
        .await
    {
        Ok(report) => Ok(page(&staff, Shown::Report(&report)).into_response()),
        Err(FallbackError::Rows(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            page(&staff, Shown::Errors(&errors)),
        )
            .into_response()),
        Err(FallbackError::Interrupted { done, error }) => {
            tracing::error!(error = %error, "a fallback import stopped part-way");
            Ok((
                StatusCode::SERVICE_UNAVAILABLE,
                page(
                    &staff,
                    Shown::Interrupted(&done, crate::problem::operation_id()),
                ),
            )
                .into_response())
        }
        Err(FallbackError::Case(e)) => Err(e.into()),
    }
}
