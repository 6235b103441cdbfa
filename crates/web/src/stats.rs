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

use crate::extract::Caller;
use crate::problem::{ApiError, PageError, Problem};
use crate::AppState;

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
        .routes(routes!(cost_allocation))
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
    /// Weeks in the weekly availability table (1–53, default 8).
    pub weeks: Option<usize>,
    /// Cost allocation: the amount in kronor (up to two decimals).
    pub total: Option<String>,
    /// Cost allocation: `contacts` or `children`.
    pub key: Option<String>,
    /// Cost allocation by children: the percent weighed by 0-year-olds (default 70).
    pub percent_0: Option<u32>,
}

impl ScopeQuery {
    pub fn scope_input(&self) -> ScopeInput {
        ScopeInput {
            period: self.period.clone(),
            at: self.at.clone(),
            board: self.board.clone(),
            district: self.district.clone(),
            case_type: self.case_type.clone(),
            channel: self.channel.clone(),
            answer_group: self.answer_group.clone(),
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
    state.stats.check(&caller.actor)?;
    let q = read_query(query)?;
    let scope = scope(&state, &q)?;
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
    state.stats.check(&caller.actor)?;
    let q = read_query(query)?;
    let scope = scope(&state, &q)?;
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
    state.stats.check(&caller.actor)?;
    let q = read_query(query)?;
    let scope = scope(&state, &q)?;
    let figures = state.stats.cases(&caller.actor, &scope, Utc::now()).await?;
    Ok(answer(&scope, figures))
}

/// Case types and districts whose volume in the period's last week
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
    state.stats.check(&caller.actor)?;
    let q = read_query(query)?;
    let scope = scope(&state, &q)?;
    let rows = state
        .stats
        .deviations(&caller.actor, &scope, Utc::now())
        .await?;
    Ok(answer(&scope, rows))
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
        "children" => Ok(CostKey::Children {
            percent_0: q.percent_0.unwrap_or(70),
        }),
        other => Err(FieldError {
            field: "key".into(),
            reason: format!("'{other}' is not one of contacts, children"),
        }),
    }
}

/// The centre's cost for the period split between the boards
/// (debiteringsunderlag): by contacts registered for each board, or by the
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
    state.stats.check(&caller.actor)?;
    let q = read_query(query)?;
    let scope = scope(&state, &q)?;
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
