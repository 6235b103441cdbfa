//! Statistics over HTTP: a JSON API for each figure (`/api/v1/stats/…`)
//! and the dashboard pages (`/stats`), both from `StatsService`, so the
//! page, its exports and the API show the same numbers. Nothing here
//! carries personal data: the service computes from anonymous facts.

use axum::extract::{Query, State};
use axum::Json;
use chrono::Utc;
use kontakt_app::cases::{CaseError, FieldError};
use kontakt_app::stats::{CostKey, Scope, ScopeInput, StatsError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::desk::pick;
use crate::extract::Caller;
use crate::i18n::Lang;
use crate::pages::layout;
use crate::problem::{ApiError, PageError, Problem};
use crate::session::Staff;
use crate::stats_table::{BarChart, Column, Kind, Labels, StatsTable, Value};
use crate::AppState;
use kontakt_app::stats::{CaseFigures, DeviationRow, GroupCalls, ShownCounts, ShownKeyFigures};
use kontakt_domain::stats::Cell;
use kontakt_domain::stats::Share;
use maud::{html, Markup};

impl From<StatsError> for ApiError {
    fn from(e: StatsError) -> Self {
        match e {
            StatsError::Invalid(errors) => ApiError::BadQuery(errors),
            StatsError::Forbidden(m) => ApiError::Case(CaseError::Forbidden(m)),
            StatsError::Store(e) => e.into(),
        }
    }
}

impl From<StatsError> for PageError {
    fn from(e: StatsError) -> Self {
        match e {
            StatsError::Invalid(errors) => PageError::Invalid(
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.reason))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            StatsError::Forbidden(m) => PageError::Forbidden(m),
            StatsError::Store(e) => PageError::Internal(e.to_string()),
        }
    }
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(calls))
        .routes(routes!(weekly_availability))
        .routes(routes!(cases))
        .routes(routes!(deviations))
        .routes(routes!(crises))
        .routes(routes!(cost_allocation))
        .routes(routes!(list_baselines, freeze_baseline))
        .routes(routes!(compare_baseline))
}

/// Which contacts a figure counts.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ScopeQuery {
    /// day, week (default), month or year.
    pub period: Option<String>,
    /// The period: 2026-W49, 2026-12, 2026, or a date within it (default: today's).
    pub at: Option<String>,
    pub board: Option<String>,
    pub district: Option<String>,
    pub case_type: Option<String>,
    pub channel: Option<String>,
    /// Phone figures of one answer group.
    pub answer_group: Option<String>,
    /// One contact centre: its answer groups' calls, and the cases of the
    /// case types they answer.
    pub centre: Option<String>,
    /// Weeks in the weekly availability table (1–53, default 8).
    pub weeks: Option<usize>,
    /// Cost allocation: the amount in kronor (up to two decimals).
    pub total: Option<String>,
    /// Cost allocation: `contacts`, `minutes` or `children`.
    pub key: Option<String>,
    /// Cost allocation by children: the percent weighed by 0-year-olds (default 70).
    pub percent_0: Option<u32>,
}

impl ScopeQuery {
    /// The selection's fields by name, for forms that carry it on.
    fn selection(&self) -> [(&'static str, &Option<String>); 8] {
        [
            ("period", &self.period),
            ("at", &self.at),
            ("board", &self.board),
            ("district", &self.district),
            ("case_type", &self.case_type),
            ("channel", &self.channel),
            ("answer_group", &self.answer_group),
            ("centre", &self.centre),
        ]
    }

    pub fn scope_input(&self) -> ScopeInput {
        ScopeInput {
            period: self.period.clone(),
            at: self.at.clone(),
            board: self.board.clone(),
            district: self.district.clone(),
            case_type: self.case_type.clone(),
            channel: self.channel.clone(),
            answer_group: self.answer_group.clone(),
            centre: self.centre.clone(),
        }
    }
}

type ScopeResult = Result<Query<ScopeQuery>, axum::extract::rejection::QueryRejection>;

fn read_query(query: ScopeResult) -> Result<ScopeQuery, ApiError> {
    query.map(|Query(q)| q).map_err(|e| {
        ApiError::BadQuery(vec![FieldError {
            field: "(query)".into(),
            reason: e.body_text(),
        }])
    })
}

/// What every figure's handler does first: refuse a caller who may not
/// see statistics (before reading anything), then read the query and the
/// scope it names.
async fn checked_scope(
    state: &AppState,
    caller: &Caller,
    query: ScopeResult,
) -> Result<(ScopeQuery, Scope), ApiError> {
    state.stats.check(&caller.actor)?;
    let q = read_query(query)?;
    let scope = scope(state, &q)?;
    Ok((q, scope))
}

pub(crate) fn scope(state: &AppState, q: &ScopeQuery) -> Result<Scope, StatsError> {
    state.stats.scope(
        &q.scope_input(),
        kontakt_domain::calendar::stockholm_today(),
    )
}

/// The period a figure covers, in words a reader of the JSON can use.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodView {
    pub label: String,
    pub kind: String,
    pub first_day: chrono::NaiveDate,
    pub last_day: chrono::NaiveDate,
    pub previous: Option<String>,
    pub same_period_last_year: Option<String>,
}

pub(crate) fn period_view(p: kontakt_domain::stats::Period) -> PeriodView {
    PeriodView {
        label: p.label(),
        kind: p.kind().as_str().into(),
        first_day: p.first_day(),
        last_day: p.last_day(),
        previous: p.previous().map(|p| p.label()),
        same_period_last_year: p.same_period_last_year().map(|p| p.label()),
    }
}

fn answer<T: Serialize>(scope: &Scope, figures: T) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "period": period_view(scope.period),
        "figures": figures,
    }))
}

/// Phone figures per answer group: offered, answered, abandoned,
/// availability (answered of offered), service levels, queue times,
/// callbacks kept — for the period, the one before and the same period
/// last year.
#[utoipa::path(get, path = "/stats/calls", tag = "statistics", params(ScopeQuery),
    responses((status = 200, body = Object), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
async fn calls(
    State(state): State<AppState>,
    caller: Caller,
    query: ScopeResult,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (_, scope) = checked_scope(&state, &caller, query).await?;
    let figures = state.stats.calls(&caller.actor, &scope).await?;
    Ok(answer(&scope, figures))
}

/// Availability per answer group and week, for the weeks up to the
/// period's last: the city's weekly table.
#[utoipa::path(get, path = "/stats/calls/weekly", tag = "statistics", params(ScopeQuery),
    responses((status = 200, body = Object), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
async fn weekly_availability(
    State(state): State<AppState>,
    caller: Caller,
    query: ScopeResult,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (q, scope) = checked_scope(&state, &caller, query).await?;
    let weeks = q.weeks.unwrap_or(8);
    if !(1..=53).contains(&weeks) {
        return Err(ApiError::BadQuery(vec![FieldError {
            field: "weeks".into(),
            reason: "is 1–53".into(),
        }]));
    }
    let (periods, groups) = state
        .stats
        .weekly_availability(&caller.actor, &scope, weeks)
        .await?;
    Ok(answer(
        &scope,
        serde_json::json!({
            "weeks": periods.iter().map(|p| p.label()).collect::<Vec<_>>(),
            "groups": groups.iter().map(|(g, f)| serde_json::json!({"group": g, "weeks": f})).collect::<Vec<_>>(),
        }),
    ))
}

/// Case figures: volumes by channel, case type, board and district;
/// first-contact resolution against the target; feedback deadlines met;
/// written contacts answered within two working days; resolution times;
/// complaints per board.
#[utoipa::path(get, path = "/stats/cases", tag = "statistics", params(ScopeQuery),
    responses((status = 200, body = Object), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
async fn cases(
    State(state): State<AppState>,
    caller: Caller,
    query: ScopeResult,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (_, scope) = checked_scope(&state, &caller, query).await?;
    let figures = state.stats.cases(&caller.actor, &scope, Utc::now()).await?;
    Ok(answer(&scope, figures))
}

/// The latest crises and their contacts, counted apart: cases of the
/// crisis's case type registered on the days it lasted.
#[utoipa::path(get, path = "/stats/crises", tag = "statistics",
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
async fn crises(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<serde_json::Value>, ApiError> {
    let figures = state.stats.crises(&caller.actor, Utc::now()).await?;
    Ok(Json(serde_json::json!({ "crises": figures })))
}

/// Case types and districts whose volume in the period's last whole week
/// departs from their own previous eight weeks (Anscombe-transformed
/// counts, |z| ≥ 3, baseline at least 5 a week), for preventive action.
#[utoipa::path(get, path = "/stats/deviations", tag = "statistics", params(ScopeQuery),
    responses((status = 200, body = Object), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
async fn deviations(
    State(state): State<AppState>,
    caller: Caller,
    query: ScopeResult,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (_, scope) = checked_scope(&state, &caller, query).await?;
    let (week, rows) = state
        .stats
        .deviations(&caller.actor, &scope, Utc::now())
        .await?;
    Ok(answer(
        &scope,
        serde_json::json!({"week": week.label(), "deviations": rows}),
    ))
}

/// Reads kronor with at most two decimals ("1234,50", "1 234.5") as öre.
pub(crate) fn kronor_to_ore(text: &str) -> Option<i64> {
    let clean: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let (whole, fraction) = clean.split_once('.').unwrap_or((&clean, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > 2
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let ore: i64 = format!("{fraction:0<2}").parse().ok()?;
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(ore)
}

pub(crate) fn cost_key(q: &ScopeQuery) -> Result<CostKey, FieldError> {
    match q.key.as_deref().unwrap_or("contacts") {
        "contacts" => Ok(CostKey::Contacts),
        "minutes" => Ok(CostKey::Minutes),
        "children" => Ok(CostKey::Children {
            percent_0: q.percent_0.unwrap_or(70),
        }),
        other => Err(FieldError {
            field: "key".into(),
            reason: format!("'{other}' is not one of contacts, minutes, children"),
        }),
    }
}

/// The centre's cost for the period split between the boards
/// (debiteringsunderlag): by contacts registered for each board, by the
/// minutes agents handled calls for each board, or by the
/// catalog's children per district (`percent_0` % by 0-year-olds, the rest
/// by 1–5-year-olds). Amounts in öre; the parts sum exactly to the total.
#[utoipa::path(get, path = "/stats/cost-allocation", tag = "statistics", params(ScopeQuery),
    responses((status = 200, body = Object), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
async fn cost_allocation(
    State(state): State<AppState>,
    caller: Caller,
    query: ScopeResult,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (q, scope) = checked_scope(&state, &caller, query).await?;
    let mut errors = Vec::new();
    let total = match q.total.as_deref().map(kronor_to_ore) {
        Some(Some(ore)) => ore,
        _ => {
            errors.push(FieldError {
                field: "total".into(),
                reason: "is required: the amount in kronor, e.g. 4000000 or 1234,50".into(),
            });
            0
        }
    };
    let key = cost_key(&q).map_err(|e| errors.push(e)).ok();
    let Some(key) = key.filter(|_| errors.is_empty()) else {
        return Err(ApiError::BadQuery(errors));
    };
    let allocation = state
        .stats
        .cost_allocation(&caller.actor, &scope, total, &key, Utc::now())
        .await?;
    Ok(answer(
        &scope,
        serde_json::json!({
            "total_ore": total,
            "key": q.key.as_deref().unwrap_or("contacts"),
            "parts_ore": allocation.parts,
            "by_component_ore": allocation.by_component,
        }),
    ))
}

// ---------------------------------------------------------------------------
// The dashboard: the same figures as tables (with CSV and XLSX exports) and
// charts drawn on the server, for the scope chosen in a form.
// ---------------------------------------------------------------------------

fn percent(share: &Share) -> Value {
    Value::Percent(share.percent().map(|p| p / 100.0))
}

/// A count and share under the privacy rule: a hidden count hides its share.
/// A published cell as a table value: a count, "< 5", or ".." (hidden
/// so that a small count cannot be worked out).
fn cell(c: Cell) -> Value {
    match c {
        Cell::Count(n) => Value::Count(n),
        Cell::Below(below) => Value::Suppressed {
            below: u64::from(below),
        },
        Cell::Hidden => Value::text(".."),
    }
}

/// A share that may be hidden with its counts.
fn maybe_percent(share: Option<Share>) -> Value {
    share.map_or(Value::Percent(None), |s| percent(&s))
}

struct Names<'a> {
    state: &'a AppState,
    lang: Lang,
}

impl Names<'_> {
    fn board(&self, code: &str) -> String {
        self.state.stats.catalog().board(code).map_or_else(
            || code.to_owned(),
            |b| pick(self.lang, &b.name_sv, &b.name_en).to_owned(),
        )
    }

    fn case_type(&self, code: &str) -> String {
        self.state.stats.catalog().case_type(code).map_or_else(
            || code.to_owned(),
            |t| format!("{} ({code})", pick(self.lang, &t.name_sv, &t.name_en)),
        )
    }

    fn district(&self, code: &str) -> String {
        self.state
            .stats
            .catalog()
            .district(code)
            .map_or_else(|| code.to_owned(), |d| d.name.clone())
    }

    fn channel(&self, code: &str) -> String {
        let id = format!("channel-{}", code.replace('_', "-"));
        let text = self.lang.t(&id);
        if text == id {
            code.to_owned()
        } else {
            text
        }
    }
}

fn availability_table(
    lang: Lang,
    scope: &Scope,
    groups: &[GroupCalls],
    levels: &[u32],
) -> StatsTable {
    let mut columns = vec![
        Column::new(lang.t("stats-col-answer-group"), Kind::Text),
        Column::new(lang.t("stats-col-offered"), Kind::Count),
        Column::new(lang.t("stats-col-answered"), Kind::Count),
        Column::new(lang.t("stats-col-abandoned"), Kind::Count),
        Column::new(lang.t("stats-col-availability"), Kind::Percent),
    ];
    for s in levels {
        columns.push(Column::new(
            lang.ta("stats-col-within", &[("seconds", s)]),
            Kind::Percent,
        ));
    }
    columns.extend([
        Column::new(lang.t("stats-col-average-queue"), Kind::Duration),
        Column::new(lang.t("stats-col-p90-queue"), Kind::Duration),
        Column::new(lang.t("stats-col-callbacks-kept"), Kind::Percent),
        Column::new(lang.t("stats-col-availability-previous"), Kind::Percent),
        Column::new(lang.t("stats-col-availability-last-year"), Kind::Percent),
    ]);
    let mut t = StatsTable::new(
        "availability",
        lang.t("stats-availability-caption"),
        columns,
    );
    for g in groups {
        let f = &g.figures.current;
        let mut row = vec![
            Value::Link {
                text: format!("{} ({})", pick(lang, &g.name_sv, &g.name_en), g.group),
                href: drill_down(scope, "answer_group", &g.group),
            },
            Value::Count(f.offered),
            Value::Count(f.answered),
            Value::Count(f.abandoned),
            percent(&f.availability),
        ];
        row.extend(f.service_levels.iter().map(|l| percent(&l.share)));
        row.extend([
            f.average_queue_ms
                .map_or(Value::Empty, |ms| Value::Seconds(ms.div_ceil(1000))),
            f.p90_queue_ms
                .map_or(Value::Empty, |ms| Value::Seconds(ms.div_ceil(1000))),
            percent(&f.callbacks_within_deadline),
            percent(&g.figures.previous.availability),
            percent(&g.figures.last_year.availability),
        ]);
        t.push(row);
    }
    t
}

fn weekly_table(
    lang: Lang,
    weeks: &[kontakt_domain::stats::Period],
    groups: &[(String, Vec<kontakt_domain::stats::CallFigures>)],
    names: &Names,
) -> StatsTable {
    let mut columns = vec![Column::new(lang.t("stats-col-answer-group"), Kind::Text)];
    columns.extend(weeks.iter().map(|w| Column::new(w.label(), Kind::Percent)));
    let mut t = StatsTable::new(
        "weekly-availability",
        lang.t("stats-weekly-caption"),
        columns,
    );
    for (group, figures) in groups {
        let name = names.state.stats.catalog().group(group).map_or_else(
            || group.clone(),
            |g| pick(lang, &g.name_sv, &g.name_en).to_owned(),
        );
        let mut row = vec![Value::text(format!("{name} ({group})"))];
        row.extend(figures.iter().map(|f| percent(&f.availability)));
        t.push(row);
    }
    t
}

/// A table of case counts per code: its id, caption and first column's
/// header (all three message ids but the id), and the other columns.
struct Breakdown<'a> {
    id: &'a str,
    caption: &'a str,
    first: &'a str,
    columns: &'a [(&'a str, Kind)],
}

fn breakdown_table(
    lang: Lang,
    spec: Breakdown,
    rows: Vec<(Value, ShownCounts)>,
    cells: &dyn Fn(&ShownCounts) -> Vec<Value>,
) -> StatsTable {
    let mut cols = vec![Column::new(lang.t(spec.first), Kind::Text)];
    cols.extend(
        spec.columns
            .iter()
            .map(|(id, kind)| Column::new(lang.t(id), *kind)),
    );
    let mut t = StatsTable::new(spec.id, lang.t(spec.caption), cols);
    for (name, counts) in rows {
        let mut row = vec![name];
        row.extend(cells(&counts));
        t.push(row);
    }
    t
}

/// The dashboard narrowed to one row of a breakdown: the scope's
/// selection with `field` set to `code` (a drill-down). Statistics are
/// anonymous, so whoever sees the table may see the narrower one; the
/// privacy rule applies there as everywhere.
fn drill_down(scope: &Scope, field: &str, code: &str) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("period", scope.period.kind().as_str());
    q.append_pair("at", &scope.period.label());
    let selected = [
        ("board", &scope.board),
        ("district", &scope.district),
        ("case_type", &scope.case_type),
        ("channel", &scope.channel),
        ("answer_group", &scope.answer_group),
        ("centre", &scope.centre),
    ];
    for (name, value) in selected {
        if name == field {
            q.append_pair(name, code);
        } else if let Some(v) = value {
            q.append_pair(name, v);
        }
    }
    format!("/stats?{}", q.finish())
}

fn deviation_table(
    lang: Lang,
    week: kontakt_domain::stats::Period,
    rows: &[DeviationRow],
    names: &Names,
) -> StatsTable {
    let mut t = StatsTable::new(
        "deviations",
        lang.ta("stats-deviations-caption", &[("week", &week.label())]),
        vec![
            Column::new(lang.t("stats-col-what"), Kind::Text),
            Column::new(lang.t("stats-col-direction"), Kind::Text),
            Column::new(lang.t("stats-col-this-week"), Kind::Count),
            Column::new(lang.t("stats-col-baseline"), Kind::Text),
            Column::new(lang.t("stats-col-score"), Kind::Text),
        ],
    );
    for d in rows {
        let what = match d.dimension {
            "district" => format!("{}: {}", lang.t("stats-district"), names.district(&d.code)),
            _ => format!(
                "{}: {}",
                lang.t("stats-case-type"),
                names.case_type(&d.code)
            ),
        };
        t.push(vec![
            Value::text(what),
            Value::text(lang.t(if d.up { "stats-up" } else { "stats-down" })),
            cell(d.observed),
            Value::text(format!("{:.1}", d.baseline_mean).replace('.', ",")),
            Value::text(format!("{:+.1}", d.score).replace('.', ",")),
        ]);
    }
    t
}

fn crisis_table(lang: Lang, crises: &[kontakt_app::stats::CrisisContacts]) -> StatsTable {
    let mut t = StatsTable::new(
        "crises",
        lang.t("stats-crises-caption"),
        vec![
            Column::new(lang.t("stats-col-crisis"), Kind::Text),
            Column::new(lang.t("stats-col-started"), Kind::Text),
            Column::new(lang.t("stats-col-ended"), Kind::Text),
            Column::new(lang.t("stats-col-contacts"), Kind::Count),
        ],
    );
    let when = |at: chrono::DateTime<Utc>| {
        kontakt_domain::calendar::stockholm_local(at)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    for c in crises {
        t.push(vec![
            Value::text(format!("{} ({})", c.title, c.case_type)),
            Value::text(when(c.started_at)),
            Value::text(c.ended_at.map_or_else(|| lang.t("stats-ongoing"), when)),
            cell(c.contacts),
        ]);
    }
    t
}

/// Every table of the dashboard for a scope, in page order.
async fn tables(
    state: &AppState,
    staff: &Staff,
    scope: &Scope,
) -> Result<(Vec<StatsTable>, CaseFigures), StatsError> {
    let lang = staff.lang;
    let names = Names { state, lang };
    let stats = &state.stats;
    let now = Utc::now();
    let calls = stats.calls(&staff.actor, scope).await?;
    let (weeks, weekly) = stats.weekly_availability(&staff.actor, scope, 8).await?;
    let cases = stats.cases(&staff.actor, scope, now).await?;
    let (deviation_week, deviations) = stats.deviations(&staff.actor, scope, now).await?;
    let crises = stats.crises(&staff.actor, now).await?;
    let fcr = |c: &ShownCounts| {
        vec![
            cell(c.cases),
            cell(c.first_contact),
            maybe_percent(c.first_contact_share()),
        ]
    };
    // Each row's name links to the figures narrowed to it.
    let rows = |list: &[(String, ShownCounts)], field: &str, name: &dyn Fn(&str) -> String| {
        list.iter()
            .map(|(code, n)| {
                let link = Value::Link {
                    text: name(code),
                    href: drill_down(scope, field, code),
                };
                (link, *n)
            })
            .collect::<Vec<(Value, ShownCounts)>>()
    };
    let channel = |c: &str| names.channel(c);
    let mut by_channel = vec![(
        Value::text(lang.t("stats-all-channels")),
        cases.total.current,
    )];
    by_channel.extend(rows(&cases.by_channel, "channel", &channel));
    let written_channels: Vec<(String, ShownCounts)> = cases
        .by_channel
        .iter()
        .filter(|(_, c)| c.response_due != Cell::Count(0))
        .cloned()
        .collect();
    let written = rows(&written_channels, "channel", &channel);
    let fcr_cols = [
        ("stats-col-cases", Kind::Count),
        ("stats-col-first-contact", Kind::Count),
        ("stats-col-share", Kind::Percent),
    ];
    let mut resolution = StatsTable::new(
        "resolution",
        lang.t("stats-resolution-caption"),
        vec![
            Column::new(lang.t("stats-case-type"), Kind::Text),
            Column::new(lang.t("stats-col-closed"), Kind::Count),
            Column::new(lang.t("stats-col-median-days"), Kind::Count),
            Column::new(lang.t("stats-col-p90-days"), Kind::Count),
        ],
    );
    for r in &cases.resolution {
        let days = |d: Option<u64>| d.map_or(Value::Empty, Value::Count);
        resolution.push(vec![
            Value::text(names.case_type(&r.case_type)),
            cell(r.closed),
            days(r.median_days),
            days(r.p90_days),
        ]);
    }
    let tables = vec![
        availability_table(lang, scope, &calls, &stats.settings().service_level_secs),
        weekly_table(lang, &weeks, &weekly, &names),
        breakdown_table(
            lang,
            Breakdown {
                id: "first-contact",
                caption: "stats-first-contact-caption",
                first: "stats-channel",
                columns: &fcr_cols,
            },
            by_channel,
            &fcr,
        ),
        breakdown_table(
            lang,
            Breakdown {
                id: "deadlines",
                caption: "stats-deadlines-caption",
                first: "stats-board",
                columns: &[
                    ("stats-col-cases", Kind::Count),
                    ("stats-col-handed-over", Kind::Count),
                    ("stats-col-deadline-due", Kind::Count),
                    ("stats-col-deadline-met", Kind::Count),
                    ("stats-col-share", Kind::Percent),
                ],
            },
            rows(&cases.by_board, "board", &|c| names.board(c)),
            &|c| {
                vec![
                    cell(c.cases),
                    cell(c.handed_over),
                    cell(c.deadline_due),
                    cell(c.deadline_met),
                    maybe_percent(c.deadline_share()),
                ]
            },
        ),
        breakdown_table(
            lang,
            Breakdown {
                id: "written-answers",
                caption: "stats-written-caption",
                first: "stats-channel",
                columns: &[
                    ("stats-col-response-due", Kind::Count),
                    ("stats-col-response-met", Kind::Count),
                    ("stats-col-share", Kind::Percent),
                ],
            },
            written,
            &|c| {
                vec![
                    cell(c.response_due),
                    cell(c.response_met),
                    maybe_percent(c.response_share()),
                ]
            },
        ),
        resolution,
        breakdown_table(
            lang,
            Breakdown {
                id: "case-types",
                caption: "stats-case-types-caption",
                first: "stats-case-type",
                columns: &fcr_cols,
            },
            rows(&cases.by_case_type, "case_type", &|c| names.case_type(c)),
            &fcr,
        ),
        breakdown_table(
            lang,
            Breakdown {
                id: "districts",
                caption: "stats-districts-caption",
                first: "stats-district",
                columns: &fcr_cols,
            },
            rows(&cases.by_district, "district", &|c| names.district(c)),
            &fcr,
        ),
        breakdown_table(
            lang,
            Breakdown {
                id: "complaints",
                caption: "stats-complaints-caption",
                first: "stats-board",
                columns: &[("stats-col-cases", Kind::Count)],
            },
            rows(&cases.complaints_by_board, "board", &|c| names.board(c)),
            &|c| vec![cell(c.cases)],
        ),
        deviation_table(lang, deviation_week, &deviations, &names),
        crisis_table(lang, &crises),
    ];
    Ok((tables, cases))
}

/// The centre's cost for the period split between the boards, as asked in
/// the dashboard's cost form.
async fn cost_table(
    state: &AppState,
    staff: &Staff,
    scope: &Scope,
    q: &ScopeQuery,
    total: &str,
) -> Result<StatsTable, PageError> {
    let lang = staff.lang;
    let ore = kronor_to_ore(total).ok_or_else(|| {
        PageError::Invalid(format!(
            "total: '{total}' is not an amount in kronor, e.g. 4000000 or 1234,50"
        ))
    })?;
    let key = cost_key(q).map_err(|e| PageError::Invalid(format!("{}: {}", e.field, e.reason)))?;
    let allocation = state
        .stats
        .cost_allocation(&staff.actor, scope, ore, &key, Utc::now())
        .await?;
    let names = Names { state, lang };
    let mut columns = vec![
        Column::new(lang.t("stats-board"), Kind::Text),
        Column::new(lang.t("stats-col-cost"), Kind::Money),
    ];
    if let kontakt_app::stats::CostKey::Children { percent_0 } = key {
        columns.push(Column::new(
            lang.ta("stats-col-cost-0", &[("percent", &percent_0)]),
            Kind::Money,
        ));
        columns.push(Column::new(
            lang.ta("stats-col-cost-1-5", &[("percent", &(100 - percent_0))]),
            Kind::Money,
        ));
    }
    let mut t = StatsTable::new("cost-allocation", lang.t("stats-cost-caption"), columns);
    for (board, part) in &allocation.parts {
        let mut row = vec![Value::text(names.board(board)), Value::Ore(*part)];
        if allocation.by_component.len() > 1 {
            row.extend(
                allocation
                    .by_component
                    .iter()
                    .map(|c| Value::Ore(c.get(board).copied().unwrap_or(0))),
            );
        }
        t.push(row);
    }
    Ok(t)
}

fn cost_form(lang: Lang, q: &ScopeQuery) -> Markup {
    let kept = q.selection();
    html! {
        section aria-labelledby="cost-heading" {
            h2 #cost-heading { (lang.t("stats-cost")) }
            p { (lang.t("stats-cost-intro")) }
            form method="get" action="/stats" {
                @for (name, value) in kept {
                    @if let Some(v) = value { input type="hidden" name=(name) value=(v); }
                }
                label for="total" { (lang.t("stats-cost-total")) }
                input #total name="total" type="text" inputmode="decimal" value=(q.total.clone().unwrap_or_default());
                label for="key" { (lang.t("stats-cost-key")) }
                select #key name="key" {
                    option value="contacts" selected[q.key.as_deref().is_none_or(|k| k == "contacts")] { (lang.t("stats-cost-key-contacts")) }
                    option value="minutes" selected[q.key.as_deref() == Some("minutes")] { (lang.t("stats-cost-key-minutes")) }
                    option value="children" selected[q.key.as_deref() == Some("children")] { (lang.t("stats-cost-key-children")) }
                }
                label for="percent_0" { (lang.t("stats-cost-percent-0")) }
                input #percent_0 name="percent_0" type="number" min="0" max="100" value=(q.percent_0.unwrap_or(70));
                div.actions { button type="submit" { (lang.t("stats-cost-split")) } }
            }
        }
    }
}

/// The dashboard's query: the scope, and optionally one table to export.
fn dashboard_query(raw: Option<&str>) -> Result<(ScopeQuery, Option<(String, String)>), PageError> {
    let mut export = (None, None);
    let mut rest = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "table" => export.0 = Some(v.into_owned()),
            "format" => export.1 = Some(v.into_owned()),
            // An empty form field means "not chosen".
            _ if v.trim().is_empty() => {}
            _ => {
                rest.append_pair(&k, &v);
            }
        }
    }
    let uri: axum::http::Uri = format!("/?{}", rest.finish())
        .parse()
        .map_err(|_| PageError::Invalid("the query is not valid".into()))?;
    let Query(q) =
        Query::<ScopeQuery>::try_from_uri(&uri).map_err(|e| PageError::Invalid(e.body_text()))?;
    Ok((q, export.0.zip(export.1)))
}

pub async fn dashboard(
    State(state): State<AppState>,
    staff: Staff,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<axum::response::Response, PageError> {
    use axum::response::IntoResponse;
    state.stats.check(&staff.actor)?;
    let lang = staff.lang;
    let (q, export) = dashboard_query(raw.as_deref())?;
    let scope = match scope(&state, &q) {
        Ok(scope) => scope,
        // The form again, with what was wrong.
        Err(StatsError::Invalid(errors)) => {
            let title = lang.t("stats-title-plain");
            let body = html! {
                h1 { (title) }
                div.error-summary role="alert" {
                    p { (lang.t("stats-not-shown")) }
                    ul { @for e in &errors { li { (e.field) ": " (e.reason) } } }
                }
                (filter_form(&state, lang, &q))
            };
            return Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                layout(lang, &title, Some(&staff), body),
            )
                .into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let (mut tables, cases) = tables(&state, &staff, &scope).await?;
    if let Some(total) = q.total.as_deref().filter(|t| !t.trim().is_empty()) {
        tables.push(cost_table(&state, &staff, &scope, &q, total).await?);
    }
    if let Some((table, format)) = export {
        let t = tables
            .iter()
            .find(|t| t.id == table)
            .ok_or(PageError::NotFound)?;
        return t.response(&format);
    }
    let baselines = state.stats.baselines(&staff.actor).await?;
    let labels = Labels::new(lang);
    let export_base = |id: &str| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes()) {
            if k != "table" && k != "format" {
                s.append_pair(&k, &v);
            }
        }
        s.append_pair("table", id);
        format!("/stats?{}", s.finish())
    };
    let total = &cases.total.current;
    let target = f64::from(cases.first_contact_target) / 100.0;
    let fcr_met = state.stats.first_contact_met(total);
    let title = lang.ta("stats-title", &[("period", &scope.period.label())]);
    let charts: Vec<(usize, BarChart)> = vec![
        (
            0,
            BarChart {
                column: 4,
                title: lang.t("stats-chart-availability"),
                desc: lang.t("stats-chart-availability-desc"),
                target: None,
            },
        ),
        (
            2,
            BarChart {
                column: 3,
                title: lang.t("stats-chart-first-contact"),
                desc: lang.t("stats-chart-first-contact-desc"),
                target: Some(Value::Percent(Some(target))),
            },
        ),
        (
            3,
            BarChart {
                column: 5,
                title: lang.t("stats-chart-deadlines"),
                desc: lang.t("stats-chart-deadlines-desc"),
                target: None,
            },
        ),
    ];
    let body = html! {
        h1 { (title) }
        p { (lang.t("stats-intro")) }
        (filter_form(&state, lang, &q))
        section aria-labelledby="stats-summary" {
            h2 #stats-summary { (lang.t("stats-summary")) }
            ul {
                li { (lang.ta("stats-summary-cases", &[("cases", &cell(total.cases)), ("previous", &cell(cases.total.previous.cases)), ("last_year", &cell(cases.total.last_year.cases))])) }
                li {
                    (lang.ta("stats-summary-first-contact", &[("share", &maybe_percent(total.first_contact_share())), ("target", &cases.first_contact_target)]))
                    " "
                    @match fcr_met {
                        Some(true) => strong { (lang.t("stats-target-met")) },
                        Some(false) => strong { (lang.t("stats-target-missed")) },
                        None => {},
                    }
                }
                li { (lang.ta("stats-summary-deadlines", &[("share", &maybe_percent(total.deadline_share()))])) }
                li { (lang.ta("stats-summary-written", &[("share", &maybe_percent(total.response_share()))])) }
            }
        }
        @for (i, t) in tables.iter().enumerate() {
            section {
                @for (_, chart) in charts.iter().filter(|(at, c)| *at == i && has_values(t, c.column)) {
                    (t.bar_chart(chart, &labels))
                }
                // Wide tables scroll on narrow screens, reachable by keyboard.
                div.table-scroll tabindex="0" role="region" aria-labelledby=(format!("{}-caption", t.slug())) {
                    (t.to_html(&export_base(&t.id), &labels))
                }
            }
        }
        (cost_form(lang, &q))
        (baselines_section(lang, &staff, &baselines, &q))
        p { (lang.t("stats-privacy")) }
    };
    Ok(layout(lang, &title, Some(&staff), body).into_response())
}

/// Whether a chart of this column would draw anything.
fn has_values(t: &StatsTable, column: usize) -> bool {
    t.rows
        .iter()
        .any(|r| r.get(column).and_then(Value::magnitude).is_some())
}

fn filter_form(state: &AppState, lang: Lang, q: &ScopeQuery) -> Markup {
    let c = state.stats.catalog();
    let chosen = |v: &Option<String>, code: &str| v.as_deref() == Some(code);
    html! {
        form.stats-filter method="get" action="/stats" {
            fieldset {
                legend { (lang.t("stats-filter")) }
                div.field {
                    label for="period" { (lang.t("stats-period-kind")) }
                    select #period name="period" {
                        @for (code, id) in [("week", "stats-week"), ("day", "stats-day"), ("month", "stats-month"), ("year", "stats-year")] {
                            option value=(code) selected[chosen(&q.period, code)] { (lang.t(id)) }
                        }
                    }
                }
                div.field {
                    label for="at" { (lang.t("stats-at")) }
                    input #at name="at" type="text" value=(q.at.clone().unwrap_or_default()) aria-describedby="at-hint";
                    p.hint #at-hint { (lang.t("stats-at-hint")) }
                }
                div.field {
                    label for="board" { (lang.t("stats-board")) }
                    select #board name="board" {
                        option value="" { (lang.t("stats-all")) }
                        @for b in &c.boards {
                            option value=(b.code) selected[chosen(&q.board, &b.code)] { (pick(lang, &b.name_sv, &b.name_en)) }
                        }
                    }
                }
                div.field {
                    label for="district" { (lang.t("stats-district")) }
                    select #district name="district" {
                        option value="" { (lang.t("stats-all")) }
                        @for d in &c.districts {
                            option value=(d.code) selected[chosen(&q.district, &d.code)] { (d.name) }
                        }
                    }
                }
                div.field {
                    label for="channel" { (lang.t("stats-channel")) }
                    select #channel name="channel" {
                        option value="" { (lang.t("stats-all")) }
                        @for ch in kontakt_domain::case::Channel::ALL {
                            option value=(ch.as_str()) selected[chosen(&q.channel, ch.as_str())] { (Names { state, lang }.channel(ch.as_str())) }
                        }
                    }
                }
                div.field {
                    label for="centre" { (lang.t("stats-centre")) }
                    select #centre name="centre" {
                        option value="" { (lang.t("stats-all")) }
                        @for centre in &c.centres {
                            option value=(centre.code) selected[chosen(&q.centre, &centre.code)] { (pick(lang, &centre.name_sv, &centre.name_en)) }
                        }
                    }
                }
                div.field {
                    label for="answer_group" { (lang.t("stats-col-answer-group")) }
                    select #answer_group name="answer_group" {
                        option value="" { (lang.t("stats-all")) }
                        @for g in c.groups.iter().filter(|g| matches!(g.kind, kontakt_domain::catalog::GroupKind::Answer { .. })) {
                            option value=(g.code) selected[chosen(&q.answer_group, &g.code)] { (pick(lang, &g.name_sv, &g.name_en)) }
                        }
                    }
                }
                div.field {
                    label for="case_type" { (lang.t("stats-case-type")) }
                    input #case_type name="case_type" type="text" value=(q.case_type.clone().unwrap_or_default());
                }
                div.actions { button type="submit" { (lang.t("stats-show")) } }
            }
        }
    }
}

/// A baseline to freeze: its name and the selection (as for every figure).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BaselineRequest {
    /// What the baseline is, e.g. "Nollmätning förskolan före flytten".
    pub name: String,
    pub period: Option<String>,
    pub at: Option<String>,
    pub board: Option<String>,
    pub district: Option<String>,
    pub case_type: Option<String>,
    pub channel: Option<String>,
    pub answer_group: Option<String>,
    pub centre: Option<String>,
}

/// Freeze the key figures of a selection as a baseline (nollmätning),
/// before a service area moves to the centre; compare later periods with it.
#[utoipa::path(post, path = "/stats/baselines", tag = "statistics", request_body = BaselineRequest,
    responses((status = 201, body = Object), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
async fn freeze_baseline(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<crate::extract::ApiJson<BaselineRequest>, ApiError>,
) -> Result<(axum::http::StatusCode, Json<serde_json::Value>), ApiError> {
    state.stats.check_freeze(&caller.actor)?;
    let crate::extract::ApiJson(req) = body?;
    let input = ScopeInput {
        period: req.period,
        at: req.at,
        board: req.board,
        district: req.district,
        case_type: req.case_type,
        channel: req.channel,
        answer_group: req.answer_group,
        centre: req.centre,
    };
    let scope = state
        .stats
        .scope(&input, kontakt_domain::calendar::stockholm_today())?;
    let id = state
        .stats
        .freeze_baseline(&caller.actor, &req.name, &scope, Utc::now())
        .await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(serde_json::json!({"id": id, "period": scope.period.label()})),
    ))
}

/// The frozen baselines, newest first.
#[utoipa::path(get, path = "/stats/baselines", tag = "statistics",
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
async fn list_baselines(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<serde_json::Value>, ApiError> {
    let list = state.stats.baselines(&caller.actor).await?;
    Ok(Json(serde_json::json!({
        "baselines": list.iter().map(|b| serde_json::json!({
            "id": b.id, "name": b.name, "period": b.period,
            "selection": serde_json::from_str::<serde_json::Value>(&b.scope).unwrap_or_default(),
            "frozen_at": b.frozen_at,
        })).collect::<Vec<_>>(),
    })))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CompareQuery {
    /// The period to compare with (default: the current one of the baseline's kind).
    pub at: Option<String>,
}

/// A baseline beside the same selection in another period.
#[utoipa::path(get, path = "/stats/baselines/{id}", tag = "statistics", params(("id" = i64, Path, description = "The baseline"), CompareQuery),
    responses((status = 200, body = Object), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn compare_baseline(
    State(state): State<AppState>,
    caller: Caller,
    axum::extract::Path(id): axum::extract::Path<String>,
    query: Result<Query<CompareQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<kontakt_app::stats::BaselineComparison>, ApiError> {
    state.stats.check(&caller.actor)?;
    let Query(q) = query.map_err(|e| {
        ApiError::BadQuery(vec![FieldError {
            field: "(query)".into(),
            reason: e.body_text(),
        }])
    })?;
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::NotFound("no such baseline".into()))?;
    state
        .stats
        .compare_baseline(&caller.actor, id, q.at, Utc::now())
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound("no such baseline".into()))
}

// ---------------------------------------------------------------------------
// Baselines on the pages: the list and the freeze form on the dashboard,
// and the comparison page.
// ---------------------------------------------------------------------------

fn baselines_section(
    lang: Lang,
    staff: &Staff,
    list: &[kontakt_store::facts::Baseline],
    q: &ScopeQuery,
) -> Markup {
    let may_freeze = staff.has(kontakt_domain::access::Role::Analyst)
        || staff.has(kontakt_domain::access::Role::Administrator);
    let hidden = q.selection();
    html! {
        section aria-labelledby="baselines-heading" {
            h2 #baselines-heading { (lang.t("stats-baselines")) }
            p { (lang.t("stats-baselines-intro")) }
            @if list.is_empty() {
                p { (lang.t("stats-no-baselines")) }
            } @else {
                ul {
                    @for b in list {
                        li { a href=(format!("/stats/baselines/{}", b.id)) { (b.name) } " (" (b.period) ")" }
                    }
                }
            }
            @if may_freeze {
                form method="post" action="/stats/baselines" {
                    input type="hidden" name="csrf" value=(staff.session.session.csrf_token);
                    @for (name, value) in hidden {
                        @if let Some(v) = value { input type="hidden" name=(name) value=(v); }
                    }
                    label for="baseline-name" { (lang.t("stats-baseline-name")) }
                    input #baseline-name name="name" type="text" required maxlength="200";
                    div.actions { button type="submit" { (lang.t("stats-baseline-freeze")) } }
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct BaselineForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    period: Option<String>,
    at: Option<String>,
    board: Option<String>,
    district: Option<String>,
    case_type: Option<String>,
    channel: Option<String>,
    answer_group: Option<String>,
    centre: Option<String>,
}

pub async fn freeze_baseline_page(
    State(state): State<AppState>,
    staff: Staff,
    axum::Form(f): axum::Form<BaselineForm>,
) -> Result<axum::response::Response, PageError> {
    use axum::response::IntoResponse;
    staff.check_csrf(&state, &f.csrf).await?;
    state.stats.check_freeze(&staff.actor)?;
    let input = ScopeInput {
        period: f.period,
        at: f.at,
        board: f.board,
        district: f.district,
        case_type: f.case_type,
        channel: f.channel,
        answer_group: f.answer_group,
        centre: f.centre,
    };
    let scope = state
        .stats
        .scope(&input, kontakt_domain::calendar::stockholm_today())?;
    let id = state
        .stats
        .freeze_baseline(&staff.actor, &f.name, &scope, Utc::now())
        .await?;
    Ok(axum::response::Redirect::to(&format!("/stats/baselines/{id}")).into_response())
}

pub async fn baseline_page(
    State(state): State<AppState>,
    staff: Staff,
    axum::extract::Path(id): axum::extract::Path<String>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<axum::response::Response, PageError> {
    use axum::response::IntoResponse;
    state.stats.check(&staff.actor)?;
    let lang = staff.lang;
    let (mut at, mut table, mut format) = (None, None, None);
    for (k, v) in form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "at" if !v.trim().is_empty() => at = Some(v.into_owned()),
            "table" => table = Some(v.into_owned()),
            "format" => format = Some(v.into_owned()),
            _ => {}
        }
    }
    let id: i64 = id.parse().map_err(|_| PageError::NotFound)?;
    let c = state
        .stats
        .compare_baseline(&staff.actor, id, at.clone(), Utc::now())
        .await?
        .ok_or(PageError::NotFound)?;
    let names = Names {
        state: &state,
        lang,
    };
    let columns = |kind: Kind| {
        vec![
            Column::new(lang.t("stats-col-what"), Kind::Text),
            Column::new(
                lang.ta("stats-baseline-then", &[("period", &c.baseline_period)]),
                kind,
            ),
            Column::new(
                lang.ta("stats-baseline-now", &[("period", &c.period)]),
                kind,
            ),
        ]
    };
    let mut counts = StatsTable::new(
        "baseline-counts",
        lang.ta("stats-baseline-counts-caption", &[("name", &c.name)]),
        columns(Kind::Count),
    );
    let mut shares = StatsTable::new(
        "baseline-shares",
        lang.ta("stats-baseline-shares-caption", &[("name", &c.name)]),
        columns(Kind::Percent),
    );
    let (then, now) = (&c.baseline, &c.now);
    counts.push(vec![
        Value::text(lang.t("stats-col-cases")),
        cell(then.cases.cases),
        cell(now.cases.cases),
    ]);
    for (id, f) in [
        (
            "stats-col-first-contact",
            ShownCounts::first_contact_share as fn(&ShownCounts) -> Option<Share>,
        ),
        ("stats-col-deadline-met", ShownCounts::deadline_share),
        ("stats-col-response-met", ShownCounts::response_share),
    ] {
        shares.push(vec![
            Value::text(lang.t(id)),
            maybe_percent(f(&then.cases)),
            maybe_percent(f(&now.cases)),
        ]);
    }
    let groups: std::collections::BTreeSet<&String> =
        then.calls.keys().chain(now.calls.keys()).collect();
    for g in groups {
        let name = names.state.stats.catalog().group(g).map_or_else(
            || g.clone(),
            |x| pick(lang, &x.name_sv, &x.name_en).to_owned(),
        );
        let offered = |k: &ShownKeyFigures| k.calls.get(g).map_or(0, |c| c.offered);
        let availability = |k: &ShownKeyFigures| {
            k.calls.get(g).map_or(Value::Percent(None), |c| {
                percent(&Share::new(c.answered.min(c.offered), c.offered).unwrap_or_default())
            })
        };
        counts.push(vec![
            Value::text(lang.ta("stats-baseline-offered", &[("group", &name)])),
            Value::Count(offered(then)),
            Value::Count(offered(now)),
        ]);
        shares.push(vec![
            Value::text(lang.ta("stats-baseline-availability", &[("group", &name)])),
            availability(then),
            availability(now),
        ]);
    }
    if let Some(format) = format {
        let table = [&shares, &counts]
            .into_iter()
            .find(|t| Some(&t.id) == table.as_ref())
            .ok_or(PageError::NotFound)?;
        return table.response(&format);
    }
    let labels = Labels::new(lang);
    let export_base = |table: &str| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        if let Some(at) = &at {
            s.append_pair("at", at);
        }
        s.append_pair("table", table);
        format!("/stats/baselines/{id}?{}", s.finish())
    };
    let title = lang.ta("stats-baseline-title", &[("name", &c.name)]);
    let body = html! {
        p { a href="/stats" { "← " (lang.t("stats-title-plain")) } }
        h1 { (title) }
        p { (lang.ta("stats-baseline-frozen", &[("period", &c.baseline_period), ("at", &c.frozen_at.format("%Y-%m-%d").to_string())])) }
        form method="get" action=(format!("/stats/baselines/{id}")) {
            label for="at" { (lang.t("stats-at")) }
            input #at name="at" type="text" value=(at.clone().unwrap_or_default()) aria-describedby="at-hint";
            p.hint #at-hint { (lang.t("stats-at-hint")) }
            div.actions { button type="submit" { (lang.t("stats-show")) } }
        }
        @for t in [&shares, &counts] {
            div.table-scroll tabindex="0" role="region" aria-labelledby=(format!("{}-caption", t.slug())) {
                (t.to_html(&export_base(&t.id), &labels))
            }
        }
    };
    Ok(layout(lang, &title, Some(&staff), body).into_response())
}

#[cfg(test)]
mod tests {
    use super::kronor_to_ore;

    #[test]
    fn kronor_are_read_as_ore() {
        assert_eq!(kronor_to_ore("4000000"), Some(400_000_000));
        assert_eq!(kronor_to_ore("1 234,5"), Some(123_450));
        assert_eq!(kronor_to_ore("1234.05"), Some(123_405));
        for bad in ["", "-5", "1,234,5", "12.345", "tio", "1e5"] {
            assert_eq!(kronor_to_ore(bad), None, "{bad}");
        }
    }
}
