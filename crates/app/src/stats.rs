//! Statistics: the city's key figures, computed from anonymous facts only.
//!
//! Cases are turned into facts (`kontakt_store::facts`: type, board,
//! district, channel, days and deadlines — never a number, a person or a
//! text) by `refresh`, which every figure runs first, so a figure always
//! includes what was acknowledged more than a few seconds ago. Calls are
//! counted from the call records, which hold no caller number. Retention
//! removes cases but neither facts nor call records, so statistics
//! survive it. The rules of each figure (what counts as offered, answered,
//! met) are in `kontakt_domain::stats`.
//!
//! Who may see statistics: analysts (who see nothing else), team leaders
//! and administrators. Every figure is anonymous, so none is audited as a
//! read of personal data.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kontakt_domain::access::Role;
use kontakt_domain::calendar;
use kontakt_domain::catalog::{Catalog, GroupKind};
use kontakt_domain::stats::{
    allocate, first_contact_resolution, percentile_of_counts, weekly_deviations, Allocation,
    AllocationKey, CallBucket, CallFigures, CaseCounts, Cell, Deviation, DeviationRule,
    PercentTarget, Period, PeriodKind, Share, Suppression, WeightedComponent,
    DEFAULT_SERVICE_LEVEL_SECS,
};
use kontakt_store::calls::{CallCount, CallCountsWrite, CallRow};
use kontakt_store::facts::{CaseFact, CaseFactSource, FactCounts, FactFilter, FactsWrite};
use kontakt_store::{Store, StoreError};
use serde::Serialize;

use crate::cases::{Actor, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error("the request has invalid fields")]
    Invalid(Vec<FieldError>),
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("storage failed: {0}")]
    Store(#[from] StoreError),
}

/// How the figures are computed; the city may set each.
#[derive(Debug, Clone)]
pub struct StatsSettings {
    /// Share of cases to answer at first contact (70 %, 001:181).
    pub first_contact_target: PercentTarget,
    pub service_level_secs: Vec<u32>,
    /// Counts below this are shown as "< N" in fine breakdowns.
    pub suppression: Suppression,
    pub deviations: DeviationRule,
    /// Working days within which a written contact is to be answered (the
    /// national municipal quality measure for e-mail: two).
    pub response_working_days: u32,
}

impl Default for StatsSettings {
    fn default() -> Self {
        StatsSettings {
            first_contact_target: PercentTarget::FIRST_CONTACT_RESOLUTION,
            service_level_secs: DEFAULT_SERVICE_LEVEL_SECS.to_vec(),
            suppression: Suppression::default(),
            deviations: DeviationRule::default(),
            response_working_days: 2,
        }
    }
}

/// Which contacts a figure counts: a period and optional dimensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub period: Period,
    pub board: Option<String>,
    pub district: Option<String>,
    pub case_type: Option<String>,
    pub channel: Option<String>,
    /// For phone figures: one answer group.
    pub answer_group: Option<String>,
    /// One contact centre: the calls of its answer groups, and the cases
    /// of the case types they answer.
    pub centre: Option<String>,
}

impl Scope {
    /// Everything in the scope's period and centre, nothing else selected.
    fn whole(&self) -> Scope {
        Scope {
            period: self.period,
            board: None,
            district: None,
            case_type: None,
            channel: None,
            answer_group: None,
            centre: self.centre.clone(),
        }
    }
}

/// A scope as the web layer reads it from a query string; a baseline
/// keeps one (without `at`) as its selection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ScopeInput {
    /// `day`, `week`, `month` or `year` (default `week`).
    pub period: Option<String>,
    /// A period label (`2026-W49`, `2026-12`, `2026`, `2026-12-07`), or a
    /// date within the period; default: the period holding today.
    pub at: Option<String>,
    pub board: Option<String>,
    pub district: Option<String>,
    pub case_type: Option<String>,
    pub channel: Option<String>,
    pub answer_group: Option<String>,
    pub centre: Option<String>,
}

/// A figure for a period, the period before, and the same period last year.
#[derive(Debug, Clone, Serialize)]
pub struct Compared<T> {
    pub current: T,
    pub previous: T,
    pub last_year: T,
}

/// Phone figures of one answer group.
#[derive(Debug, Clone, Serialize)]
pub struct GroupCalls {
    pub group: String,
    pub name_sv: String,
    pub name_en: String,
    pub figures: Compared<CallFigures>,
}

fn share(part: u64, whole: u64) -> Share {
    Share::new(part.min(whole), whole).unwrap_or_default()
}

/// `CaseCounts` as they may be published: each count a cell under the
/// privacy rule, so a small count is "< 5" wherever it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ShownCounts {
    pub cases: Cell,
    pub first_contact: Cell,
    pub handed_over: Cell,
    pub closed: Cell,
    pub deadline_due: Cell,
    pub deadline_met: Cell,
    pub response_due: Cell,
    pub response_met: Cell,
}

impl ShownCounts {
    fn from_cells(c: &[Cell]) -> ShownCounts {
        let at = |i: usize| c.get(i).copied().unwrap_or(Cell::Hidden);
        ShownCounts {
            cases: at(0),
            first_contact: at(1),
            handed_over: at(2),
            closed: at(3),
            deadline_due: at(4),
            deadline_met: at(5),
            response_due: at(6),
            response_met: at(7),
        }
    }

    /// A share of two shown counts; None if either is hidden.
    fn share_of(part: Cell, whole: Cell) -> Option<Share> {
        Some(share(part.count()?, whole.count()?))
    }

    pub fn first_contact_share(&self) -> Option<Share> {
        Self::share_of(self.first_contact, self.cases)
    }

    pub fn deadline_share(&self) -> Option<Share> {
        Self::share_of(self.deadline_met, self.deadline_due)
    }

    pub fn response_share(&self) -> Option<Share> {
        Self::share_of(self.response_met, self.response_due)
    }
}

/// Case counts broken down by one dimension (a case type, board, district
/// or channel code), largest first, as they may be published.
pub type Breakdown = Vec<(String, ShownCounts)>;

/// How long closed cases of a type took, in whole days (hidden with a
/// small count of closed cases).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolutionTime {
    pub case_type: String,
    pub closed: Cell,
    pub median_days: Option<u64>,
    pub p90_days: Option<u64>,
}

/// The case figures of a scope, as they may be published.
#[derive(Debug, Clone, Serialize)]
pub struct CaseFigures {
    pub total: Compared<ShownCounts>,
    pub first_contact_target: u8,
    pub by_channel: Breakdown,
    pub by_case_type: Breakdown,
    pub by_board: Breakdown,
    pub by_district: Breakdown,
    /// Complaints and comments (the catalog's service area `complaints`) per board.
    pub complaints_by_board: Breakdown,
    pub resolution: Vec<ResolutionTime>,
}

/// Which way a deviation goes, and for what.
#[derive(Debug, Clone, Serialize)]
pub struct DeviationRow {
    /// `case_type` or `district`.
    pub dimension: &'static str,
    pub code: String,
    pub up: bool,
    pub baseline_mean: f64,
    pub observed: Cell,
    pub score: f64,
}

/// How the centre's cost is split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CostKey {
    /// By contacts registered for each board in the period.
    Contacts,
    /// By the minutes agents spent on calls for each board in the period:
    /// an answer group's handling time goes to its board, or, for a group
    /// answering for several boards, to the boards of its case types in
    /// proportion to their cases in the period.
    Minutes,
    /// By the catalog's children per district (the preschool key of
    /// 000:50–69): `percent_0` % by 0-year-olds, the rest by 1–5-year-olds,
    /// each district's share going to its board.
    Children { percent_0: u32 },
}

pub struct StatsService {
    store: Arc<dyn Store>,
    catalog: Arc<Catalog>,
    settings: StatsSettings,
    /// One refresh at a time; a figure waits for the one running.
    refreshing: tokio::sync::Mutex<()>,
}

/// Cases made into facts per transaction.
const REFRESH_BATCH: u32 = 5_000;

fn stockholm_day_end(day: NaiveDate) -> DateTime<Utc> {
    calendar::stockholm_midnight(day + Duration::days(1))
}

impl StatsService {
    pub fn new(store: Arc<dyn Store>, catalog: Arc<Catalog>) -> Self {
        StatsService {
            store,
            catalog,
            settings: StatsSettings::default(),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    pub fn with_settings(mut self, settings: StatsSettings) -> Self {
        self.settings = settings;
        self
    }

    pub fn settings(&self) -> &StatsSettings {
        &self.settings
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Whether the actor may see statistics.
    pub fn may_see(actor: &Actor) -> bool {
        let p = &actor.principal;
        p.has(Role::Analyst) || p.has(Role::Administrator) || p.has(Role::Supervisor)
    }

    /// Refuses an actor who may not see statistics.
    pub fn check(&self, actor: &Actor) -> Result<(), StatsError> {
        if Self::may_see(actor) {
            Ok(())
        } else {
            Err(StatsError::Forbidden(
                "statistics are for analysts, team leaders and administrators".into(),
            ))
        }
    }

    /// Makes the facts of every case changed since the last refresh (the
    /// store queues each change with the change itself) and counts the
    /// calls closed since; returns how many cases left the queue.
    pub async fn refresh(&self) -> Result<u64, StoreError> {
        let _one_at_a_time = self.refreshing.lock().await;
        self.count_calls().await?;
        let mut made = 0;
        loop {
            let queued = self.store.queued_for_facts(REFRESH_BATCH).await?;
            if queued.is_empty() {
                return Ok(made);
            }
            let full = queued.len() == REFRESH_BATCH as usize;
            let facts: Vec<CaseFact> = queued
                .iter()
                .filter_map(|q| q.source.as_ref())
                .map(|s| self.fact(s))
                .collect();
            let done = queued.iter().map(|q| (q.case_id, q.changes)).collect();
            let dequeued = self.store.save_facts(FactsWrite { facts, done }).await?;
            made += dequeued;
            // A batch that emptied nothing means its cases change faster
            // than they are read: stop, the next figure goes on.
            if !full || dequeued == 0 {
                return Ok(made);
            }
        }
    }

    /// Adds the calls closed since the last refresh to the daily and
    /// monthly counts (a closed call never changes again).
    async fn count_calls(&self) -> Result<u64, StoreError> {
        let mut counted = 0;
        loop {
            let calls = self.store.uncounted_calls(REFRESH_BATCH).await?;
            if calls.is_empty() {
                return Ok(counted);
            }
            let full = calls.len() == REFRESH_BATCH as usize;
            let write = CallCountsWrite {
                calls: calls
                    .iter()
                    .map(|call| (call.call_id.clone(), call_count(call)))
                    .collect(),
            };
            let marked = self.store.count_calls(write).await?;
            counted += marked;
            if !full || marked == 0 {
                return Ok(counted);
            }
        }
    }

    /// A case's anonymous fact.
    fn fact(&self, s: &CaseFactSource) -> CaseFact {
        let created_day = calendar::stockholm_date(s.created_at);
        let closed_day = s.closed_at.map(calendar::stockholm_date);
        // Written contacts are owed an answer within working days; the
        // first message out (or the closing, which answers) gives it.
        let written = matches!(
            s.channel.as_str(),
            "email" | "sms" | "e_service" | "open311"
        );
        let response_due = written.then(|| {
            stockholm_day_end(calendar::add_working_days(
                created_day,
                self.settings.response_working_days,
            ))
        });
        let first_response = match (s.first_message_out, s.closed_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        CaseFact {
            case_id: s.case_id,
            created_day,
            case_type: s.case_type.clone(),
            board: s.board.clone(),
            district: s.district.clone(),
            channel: s.channel.clone(),
            first_contact: s.resolution.as_deref() == Some("answered_at_first_contact"),
            handed_over: s.handed_over,
            closed_day,
            resolution_days: closed_day.map(|d| (d - created_day).num_days().max(0)),
            feedback_deadline: s.feedback_deadline,
            response_due,
            first_response: written.then_some(first_response).flatten(),
        }
    }

    /// Reads a scope, naming every wrong field.
    pub fn scope(&self, input: &ScopeInput, today: NaiveDate) -> Result<Scope, StatsError> {
        let mut errors = Vec::new();
        let mut field = |field: &str, reason: String| {
            errors.push(FieldError {
                field: field.into(),
                reason,
            })
        };
        let kind = match input.period.as_deref().map(str::trim) {
            None | Some("") => PeriodKind::Week,
            Some(k) => PeriodKind::parse(k).unwrap_or_else(|| {
                field(
                    "period",
                    format!("'{k}' is not one of day, week, month, year"),
                );
                PeriodKind::Week
            }),
        };
        let period = match input.at.as_deref().map(str::trim) {
            None | Some("") => Period::of_date(kind, today),
            Some(at) => match (Period::parse(at), at.parse::<NaiveDate>()) {
                (_, Ok(date)) => Period::of_date(kind, date),
                (Some(p), _) if p.kind() == kind => Some(p),
                (Some(p), _) => Period::of_date(kind, p.first_day()),
                (None, _) => {
                    field(
                        "at",
                        format!("'{at}' is not a period (2026-W49, 2026-12, 2026) or a date"),
                    );
                    None
                }
            },
        };
        let mut code = |name: &str, value: &Option<String>, known: bool| -> Option<String> {
            let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
            if !known {
                field(name, format!("'{value}' is not in the catalog"));
            }
            Some(value.to_owned())
        };
        let c = &self.catalog;
        let v = |o: &Option<String>| o.as_deref().map(str::trim).unwrap_or_default().to_owned();
        let board = code("board", &input.board, c.board(&v(&input.board)).is_some());
        let district = code(
            "district",
            &input.district,
            c.district(&v(&input.district)).is_some(),
        );
        let case_type = code(
            "case_type",
            &input.case_type,
            c.case_type(&v(&input.case_type)).is_some(),
        );
        let channel = code(
            "channel",
            &input.channel,
            kontakt_domain::case::Channel::parse(&v(&input.channel)).is_some(),
        );
        let answer_group = code(
            "answer_group",
            &input.answer_group,
            c.group(&v(&input.answer_group))
                .is_some_and(|g| matches!(g.kind, GroupKind::Answer { .. })),
        );
        let centre = code(
            "centre",
            &input.centre,
            c.centres.iter().any(|x| x.code == v(&input.centre)),
        );
        match period {
            Some(period) if errors.is_empty() => Ok(Scope {
                period,
                board,
                district,
                case_type,
                channel,
                answer_group,
                centre,
            }),
            _ => Err(StatsError::Invalid(errors)),
        }
    }

    fn compared(&self, period: Period) -> [Period; 3] {
        [
            period,
            period.previous().unwrap_or(period),
            period.same_period_last_year().unwrap_or(period),
        ]
    }

    /// Phone figures per answer group: availability (answered of offered),
    /// service levels, queue times, callbacks kept; compared with the
    /// period before and the same period last year.
    pub async fn calls(&self, actor: &Actor, scope: &Scope) -> Result<Vec<GroupCalls>, StatsError> {
        self.check(actor)?;
        self.refresh().await?;
        let mut by_period = Vec::new();
        for period in self.compared(scope.period) {
            by_period.push(self.group_figures(period, scope).await?);
        }
        let empty = CallFigures::from_buckets(&[], &self.settings.service_level_secs);
        let groups = self
            .catalog
            .groups
            .iter()
            .filter(|g| matches!(g.kind, GroupKind::Answer { .. }))
            .filter(|g| scope.answer_group.as_ref().is_none_or(|a| a == &g.code))
            .filter(|g| self.group_in_centre(scope, &g.code));
        let mut out = Vec::new();
        for g in groups {
            let [current, previous, last_year] = [0, 1, 2].map(|i| {
                by_period[i]
                    .get(&g.code)
                    .cloned()
                    .unwrap_or_else(|| empty.clone())
            });
            if current.offered + current.closed + previous.offered + last_year.offered == 0 {
                continue;
            }
            out.push(GroupCalls {
                group: g.code.clone(),
                name_sv: g.name_sv.clone(),
                name_en: g.name_en.clone(),
                figures: Compared {
                    current,
                    previous,
                    last_year,
                },
            });
        }
        Ok(out)
    }

    /// Availability per answer group and week for the `weeks` weeks up to
    /// the scope's: the table the city has always kept (001:265–268).
    pub async fn weekly_availability(
        &self,
        actor: &Actor,
        scope: &Scope,
        weeks: usize,
    ) -> Result<(Vec<Period>, Vec<(String, Vec<CallFigures>)>), StatsError> {
        self.check(actor)?;
        self.refresh().await?;
        let last =
            Period::of_date(PeriodKind::Week, scope.period.last_day()).unwrap_or(scope.period);
        let mut periods = vec![last];
        while periods.len() < weeks.max(1) {
            match periods.last().and_then(Period::previous) {
                Some(p) => periods.push(p),
                None => break,
            }
        }
        periods.reverse();
        let mut by_week = Vec::new();
        for week in &periods {
            by_week.push(self.group_figures(*week, scope).await?);
        }
        let empty = CallFigures::from_buckets(&[], &self.settings.service_level_secs);
        let mut groups: BTreeMap<String, Vec<CallFigures>> = BTreeMap::new();
        for group in by_week.iter().flat_map(BTreeMap::keys) {
            groups.entry(group.clone()).or_insert_with(|| {
                by_week
                    .iter()
                    .map(|figures| figures.get(group).cloned().unwrap_or_else(|| empty.clone()))
                    .collect()
            });
        }
        Ok((periods, groups.into_iter().collect()))
    }

    /// The phone figures of a period per answer group (within the scope's
    /// group, if it names one), from the store's counted calls.
    async fn group_figures(
        &self,
        period: Period,
        scope: &Scope,
    ) -> Result<BTreeMap<String, CallFigures>, StoreError> {
        let mut by_group: BTreeMap<String, Vec<CallBucket>> = BTreeMap::new();
        for b in self
            .store
            .call_buckets(period.first_day(), period.last_day() + Duration::days(1))
            .await?
        {
            if scope
                .answer_group
                .as_ref()
                .is_none_or(|a| a == &b.answer_group)
                && self.group_in_centre(scope, &b.answer_group)
            {
                by_group.entry(b.answer_group.clone()).or_default().push(b);
            }
        }
        Ok(by_group
            .into_iter()
            .map(|(group, buckets)| {
                let figures =
                    CallFigures::from_buckets(&buckets, &self.settings.service_level_secs);
                (group, figures)
            })
            .collect())
    }

    /// Whether an answer group belongs to the scope's centre (any group
    /// without one).
    fn group_in_centre(&self, scope: &Scope, group: &str) -> bool {
        let Some(centre) = &scope.centre else {
            return true;
        };
        self.catalog
            .group(group)
            .is_some_and(|g| matches!(&g.kind, GroupKind::Answer { centre: c, .. } if c == centre))
    }

    /// Whether a case type's cases count in the scope's centre: those its
    /// answer group answers there (any type without a centre selected).
    fn in_centre(&self, scope: &Scope, case_type: &str) -> bool {
        scope.centre.is_none()
            || self
                .catalog
                .case_type(case_type)
                .and_then(|t| t.answer_group.as_deref())
                .is_some_and(|g| self.group_in_centre(scope, g))
    }

    /// The facts of a period counted by dimension (or by day and
    /// dimension), within the scope's centre.
    async fn counts(
        &self,
        period: Period,
        scope: &Scope,
        now: DateTime<Utc>,
        by_day: bool,
    ) -> Result<Vec<FactCounts>, StoreError> {
        let rows = self
            .store
            .fact_counts(self.filter(period, scope, now), by_day)
            .await?;
        Ok(rows
            .into_iter()
            .filter(|r| self.in_centre(scope, &r.case_type))
            .collect())
    }

    /// The facts of a period counted together, within the scope's centre.
    async fn totals(
        &self,
        period: Period,
        scope: &Scope,
        now: DateTime<Utc>,
    ) -> Result<CaseCounts, StoreError> {
        if scope.centre.is_none() {
            return self
                .store
                .fact_totals(self.filter(period, scope, now))
                .await;
        }
        let mut total = CaseCounts::default();
        for r in self.counts(period, scope, now, false).await? {
            total.add(&r.counts);
        }
        Ok(total)
    }

    fn filter(&self, period: Period, scope: &Scope, now: DateTime<Utc>) -> FactFilter {
        FactFilter {
            from: period.first_day(),
            to: period.last_day() + Duration::days(1),
            case_type: scope.case_type.clone(),
            board: scope.board.clone(),
            district: scope.district.clone(),
            channel: scope.channel.clone(),
            today: calendar::stockholm_date(now),
            now,
        }
    }

    /// The case figures of a scope: volumes, first-contact resolution
    /// against the target, deadlines met, written answers in time,
    /// resolution times, complaints — compared where it matters.
    pub async fn cases(
        &self,
        actor: &Actor,
        scope: &Scope,
        now: DateTime<Utc>,
    ) -> Result<CaseFigures, StatsError> {
        self.check(actor)?;
        self.refresh().await?;
        let [current, previous, last_year] = self.compared(scope.period);
        let rows = self.counts(current, scope, now, false).await?;
        // The periods compared with need only their totals.
        let mut totals = Vec::new();
        for period in [previous, last_year] {
            totals.push(self.totals(period, scope, now).await?);
        }
        let mut total = CaseCounts::default();
        rows.iter().for_each(|r| total.add(&r.counts));
        let by = |key: &dyn Fn(&FactCounts) -> Option<String>| -> Breakdown {
            let mut map: BTreeMap<String, CaseCounts> = BTreeMap::new();
            for r in &rows {
                if let Some(k) = key(r) {
                    map.entry(k).or_default().add(&r.counts);
                }
            }
            let mut list: Vec<(String, CaseCounts)> = map.into_iter().collect();
            list.sort_by(|a, b| b.1.cases.cmp(&a.1.cases).then(a.0.cmp(&b.0)));
            self.protect(list)
        };
        let complaint_types: Vec<&str> = self
            .catalog
            .case_types
            .iter()
            .filter(|t| t.service_area == "complaints")
            .map(|t| t.code.as_str())
            .collect();
        let resolution = self.resolution(current, scope, now).await?;
        let [previous_total, last_year_total] = [totals[0], totals[1]];
        Ok(CaseFigures {
            total: Compared {
                current: self.shown(&total),
                previous: self.shown(&previous_total),
                last_year: self.shown(&last_year_total),
            },
            first_contact_target: self.settings.first_contact_target.percent(),
            by_channel: by(&|r| Some(r.channel.clone())),
            by_case_type: by(&|r| Some(r.case_type.clone())),
            by_board: by(&|r| Some(r.board.clone())),
            by_district: by(&|r| r.district.clone()),
            complaints_by_board: by(&|r| {
                complaint_types
                    .contains(&r.case_type.as_str())
                    .then(|| r.board.clone())
            }),
            resolution,
        })
    }

    /// Counts by the privacy rule alone (one row, such as a total).
    pub fn shown(&self, counts: &CaseCounts) -> ShownCounts {
        let cells: Vec<Cell> = counts
            .as_row()
            .into_iter()
            .map(|n| self.settings.suppression.cell(n))
            .collect();
        ShownCounts::from_cells(&cells)
    }

    /// A breakdown by the privacy rule: small counts hidden, and in each
    /// count's column the next smallest too, so none can be worked out
    /// from the published total. (The counts of one row are no parts of a
    /// whole, so a row needs no second hidden cell.)
    fn protect(&self, rows: Vec<(String, CaseCounts)>) -> Breakdown {
        let table: Vec<[u64; 8]> = rows.iter().map(|(_, c)| c.as_row()).collect();
        let fields = 8;
        let mut cells: Vec<Vec<Cell>> = vec![Vec::with_capacity(fields); table.len()];
        for field in 0..fields {
            // The field's counts down the breakdown, as one line of the rule.
            let line = vec![table.iter().map(|row| row[field]).collect::<Vec<u64>>()];
            let protected = self.settings.suppression.protect(&line);
            for (row, cell) in cells.iter_mut().zip(protected.into_iter().flatten()) {
                row.push(cell);
            }
        }
        rows.into_iter()
            .zip(cells)
            .map(|((code, _), cells)| (code, ShownCounts::from_cells(&cells)))
            .collect()
    }

    /// Whether the scope's first-contact resolution meets the target (None
    /// when its counts are hidden or there are none).
    pub fn first_contact_met(&self, counts: &ShownCounts) -> Option<bool> {
        first_contact_resolution(
            counts.first_contact.count()?,
            counts.cases.count()?,
            self.settings.first_contact_target,
        )
        .ok()
        .and_then(|f| f.target_met())
    }

    async fn resolution(
        &self,
        period: Period,
        scope: &Scope,
        now: DateTime<Utc>,
    ) -> Result<Vec<ResolutionTime>, StoreError> {
        let buckets = self
            .store
            .resolution_buckets(self.filter(period, scope, now))
            .await?;
        let mut by_type: BTreeMap<String, Vec<(u64, u64)>> = BTreeMap::new();
        for b in buckets {
            if !self.in_centre(scope, &b.case_type) {
                continue;
            }
            by_type
                .entry(b.case_type)
                .or_default()
                .push((b.days.max(0) as u64, b.count));
        }
        let mut out: Vec<ResolutionTime> = by_type
            .into_iter()
            .map(|(case_type, mut days)| {
                days.sort_unstable();
                let closed = days.iter().map(|(_, n)| n).sum();
                (closed, case_type, days)
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|(closed, case_type, days)| {
                let shown = self.settings.suppression.cell(closed);
                let hidden = shown.count().is_none();
                ResolutionTime {
                    case_type,
                    closed: shown,
                    median_days: percentile_of_counts(&days, 50).filter(|_| !hidden),
                    p90_days: percentile_of_counts(&days, 90).filter(|_| !hidden),
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.closed
                .count()
                .cmp(&a.closed.count())
                .then(a.case_type.cmp(&b.case_type))
        });
        Ok(out)
    }

    /// Case types and districts whose volume in a week departs from their
    /// own trailing weeks (method: `kontakt_domain::stats::deviation`): the
    /// scope's last week, or the last whole week if that one is not over
    /// (a week half gone always looks low). Returns the week compared.
    pub async fn deviations(
        &self,
        actor: &Actor,
        scope: &Scope,
        now: DateTime<Utc>,
    ) -> Result<(Period, Vec<DeviationRow>), StatsError> {
        self.check(actor)?;
        self.refresh().await?;
        let mut week =
            Period::of_date(PeriodKind::Week, scope.period.last_day()).unwrap_or(scope.period);
        while week.end() > now {
            match week.previous() {
                Some(p) => week = p,
                None => break,
            }
        }
        let weeks = self.settings.deviations.baseline_weeks() + 1;
        let mut first = week;
        for _ in 1..weeks {
            first = first.previous().unwrap_or(first);
        }
        let filter = FactFilter {
            from: first.first_day(),
            to: week.last_day() + Duration::days(1),
            ..self.filter(week, scope, now)
        };
        let rows: Vec<FactCounts> = self
            .store
            .fact_counts(filter, true)
            .await?
            .into_iter()
            .filter(|r| self.in_centre(scope, &r.case_type))
            .collect();
        let index = |day: NaiveDate| -> Option<usize> {
            let n = (day - first.first_day()).num_days() / 7;
            usize::try_from(n).ok().filter(|&i| i < weeks)
        };
        let mut series: BTreeMap<(&'static str, String), Vec<u64>> = BTreeMap::new();
        for r in &rows {
            let Some(i) = r.day.and_then(index) else {
                continue;
            };
            let keys = [
                Some(("case_type", r.case_type.clone())),
                r.district.clone().map(|d| ("district", d)),
            ];
            for key in keys.into_iter().flatten() {
                series.entry(key).or_insert_with(|| vec![0; weeks])[i] += r.counts.cases;
            }
        }
        let rows = weekly_deviations(&series, &self.settings.deviations)
            .into_iter()
            .map(|d: Deviation<(&'static str, String)>| DeviationRow {
                dimension: d.key.0,
                code: d.key.1,
                up: matches!(d.direction, kontakt_domain::stats::Direction::Up),
                baseline_mean: d.baseline_mean,
                observed: self.settings.suppression.cell(d.observed),
                score: d.score,
            })
            .collect();
        Ok((week, rows))
    }

    /// Splits `total_ore` (the centre's cost for the period) between the
    /// boards by `key`; the parts sum exactly to the total.
    pub async fn cost_allocation(
        &self,
        actor: &Actor,
        scope: &Scope,
        total_ore: i64,
        key: &CostKey,
        now: DateTime<Utc>,
    ) -> Result<Allocation<String>, StatsError> {
        self.check(actor)?;
        let invalid = |field: &str, reason: String| {
            StatsError::Invalid(vec![FieldError {
                field: field.into(),
                reason,
            }])
        };
        let key = match key {
            CostKey::Contacts => {
                self.refresh().await?;
                // The whole centre's contacts in the period (or all
                // centres'), whatever else is selected: a board's part
                // depends on the others' too.
                let whole = scope.whole();
                let mut weights: BTreeMap<String, u64> = BTreeMap::new();
                for r in self.counts(whole.period, &whole, now, false).await? {
                    *weights.entry(r.board).or_default() += r.counts.cases;
                }
                AllocationKey::HandledContacts(weights)
            }
            CostKey::Minutes => {
                self.refresh().await?;
                AllocationKey::HandledMinutes(
                    self.handled_ms_by_board(scope, scope.period, now).await?,
                )
            }
            CostKey::Children { percent_0 } => {
                if *percent_0 > 100 {
                    return Err(invalid("percent_0", "is a percentage, 0–100".into()));
                }
                let (mut zero, mut older) = (BTreeMap::new(), BTreeMap::new());
                for d in &self.catalog.districts {
                    *zero.entry(d.board.clone()).or_insert(0) +=
                        u64::from(d.children_0.unwrap_or(0));
                    *older.entry(d.board.clone()).or_insert(0) +=
                        u64::from(d.children_1_5.unwrap_or(0));
                }
                AllocationKey::Weighted(vec![
                    WeightedComponent {
                        percent: *percent_0,
                        weights: zero,
                    },
                    WeightedComponent {
                        percent: 100 - percent_0,
                        weights: older,
                    },
                ])
            }
        };
        allocate(total_ore, &key).map_err(|e| invalid("key", e.to_string()))
    }
}

/// A closed call as the statistics count it; a call that reached no
/// answer group is in no group's figures and counts nothing. Its queue
/// time is counted in whole seconds rounded up, so 20.4 s is not within
/// 20 s; a promised callback is kept if made by its deadline.
fn call_count(call: &CallRow) -> Option<CallCount> {
    let outcome = call.outcome?;
    let answer_group = call.answer_group.clone()?;
    let queue = Duration::milliseconds(i64::try_from(call.queue_ms).unwrap_or(i64::MAX));
    Some(CallCount {
        day: calendar::stockholm_date(call.arrived_at),
        answer_group,
        outcome,
        queue_secs: call.queue_ms.div_ceil(1000),
        overflowed: call.overflowed,
        callback_kept: call.callback_deadline.map(|deadline| {
            outcome == kontakt_domain::phone::CallOutcome::Callback
                && call.arrived_at + queue <= deadline
        }),
        calls: 1,
        queue_ms: call.queue_ms,
        handle_ms: call.handle_ms,
    })
}

impl StatsService {
    /// Milliseconds agents handled calls for each board in `period` (see
    /// [`CostKey::Minutes`]); the time of a group whose case types had no
    /// cases in the period goes to no board.
    async fn handled_ms_by_board(
        &self,
        scope: &Scope,
        period: Period,
        now: DateTime<Utc>,
    ) -> Result<BTreeMap<String, u64>, StoreError> {
        let mut handled: BTreeMap<String, u64> = BTreeMap::new();
        for b in self
            .store
            .call_buckets(period.first_day(), period.last_day() + Duration::days(1))
            .await?
        {
            if self.group_in_centre(scope, &b.answer_group) {
                *handled.entry(b.answer_group).or_default() += b.total_handle_ms;
            }
        }
        let whole = Scope {
            period,
            ..scope.whole()
        };
        // Each group's cases per board, through its case types.
        let group_of: BTreeMap<&str, &str> = self
            .catalog
            .case_types
            .iter()
            .filter_map(|t| Some((t.code.as_str(), t.answer_group.as_deref()?)))
            .collect();
        let mut cases: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for r in self.counts(period, &whole, now, false).await? {
            if let Some(group) = group_of.get(r.case_type.as_str()) {
                *cases
                    .entry((*group).to_owned())
                    .or_default()
                    .entry(r.board)
                    .or_default() += r.counts.cases;
            }
        }
        let mut weights: BTreeMap<String, u64> = BTreeMap::new();
        for (group, ms) in handled {
            let own_board = self.catalog.groups.iter().find_map(|g| match &g.kind {
                GroupKind::Answer { board, .. } if g.code == group => board.clone(),
                _ => None,
            });
            if let Some(board) = own_board {
                *weights.entry(board).or_default() += ms;
                continue;
            }
            let Some(boards) = cases.get(&group) else {
                continue;
            };
            let total: u64 = boards.values().sum();
            for (board, n) in boards {
                let part = u128::from(ms) * u128::from(*n) / u128::from(total.max(1));
                *weights.entry(board.clone()).or_default() +=
                    u64::try_from(part).unwrap_or(u64::MAX);
            }
        }
        Ok(weights)
    }
}

/// The contacts of one crisis, counted apart (issue 8): cases of the
/// crisis's case type registered on the days it lasted.
#[derive(Debug, Clone, Serialize)]
pub struct CrisisContacts {
    pub id: i64,
    pub title: String,
    pub case_type: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub contacts: Cell,
}

impl StatsService {
    /// The latest crises and their contacts.
    pub async fn crises(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Vec<CrisisContacts>, StatsError> {
        self.check(actor)?;
        self.refresh().await?;
        let mut out = Vec::new();
        for c in self.store.crises(20).await? {
            let Ok(message) =
                serde_json::from_str::<kontakt_domain::crisis::CrisisMessage>(&c.message)
            else {
                continue;
            };
            let from = calendar::stockholm_date(c.started_at);
            let to = calendar::stockholm_date(c.ended_at.unwrap_or(now)) + Duration::days(1);
            let counts = self
                .store
                .fact_totals(FactFilter {
                    from,
                    to,
                    case_type: Some(message.case_type.clone()),
                    board: None,
                    district: None,
                    channel: None,
                    today: calendar::stockholm_date(now),
                    now,
                })
                .await?;
            out.push(CrisisContacts {
                id: c.id,
                title: message
                    .text("sv")
                    .map(|(_, t)| t.title.clone())
                    .unwrap_or_default(),
                case_type: message.case_type,
                started_at: c.started_at,
                ended_at: c.ended_at,
                contacts: self.settings.suppression.cell(counts.cases),
            });
        }
        Ok(out)
    }
}

impl ScopeInput {
    /// The selection of a scope, for any period of its kind.
    fn selection_of(scope: &Scope) -> ScopeInput {
        ScopeInput {
            period: Some(scope.period.kind().as_str().to_owned()),
            at: None,
            board: scope.board.clone(),
            district: scope.district.clone(),
            case_type: scope.case_type.clone(),
            channel: scope.channel.clone(),
            answer_group: scope.answer_group.clone(),
            centre: scope.centre.clone(),
        }
    }
}

/// Offered, answered and abandoned calls of an answer group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CallCounts {
    pub offered: u64,
    pub answered: u64,
    pub abandoned: u64,
}

/// The key figures a baseline freezes: counts only, so shares are
/// computed the same way then and now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct KeyFigures {
    pub cases: CaseCounts,
    pub calls: BTreeMap<String, CallCounts>,
}

/// Key figures as they may be published.
#[derive(Debug, Clone, Serialize)]
pub struct ShownKeyFigures {
    pub cases: ShownCounts,
    pub calls: BTreeMap<String, CallCounts>,
}

/// A baseline and the same selection in another period.
#[derive(Debug, Clone, Serialize)]
pub struct BaselineComparison {
    pub id: i64,
    pub name: String,
    pub selection: ScopeInput,
    pub baseline_period: String,
    pub frozen_at: DateTime<Utc>,
    pub baseline: ShownKeyFigures,
    pub period: String,
    pub now: ShownKeyFigures,
}

impl StatsService {
    /// The key figures of a selection, as a baseline keeps them.
    pub async fn key_figures(
        &self,
        actor: &Actor,
        scope: &Scope,
        now: DateTime<Utc>,
    ) -> Result<KeyFigures, StatsError> {
        self.check(actor)?;
        self.refresh().await?;
        let cases = self.totals(scope.period, scope, now).await?;
        // The period itself only: a baseline compares nothing further.
        let calls = self.group_figures(scope.period, scope).await?;
        Ok(KeyFigures {
            cases,
            calls: calls
                .into_iter()
                .map(|(group, f)| {
                    (
                        group,
                        CallCounts {
                            offered: f.offered,
                            answered: f.answered,
                            abandoned: f.abandoned,
                        },
                    )
                })
                .collect(),
        })
    }

    /// Refuses an actor who may not freeze baselines: analysts and
    /// administrators may.
    pub fn check_freeze(&self, actor: &Actor) -> Result<(), StatsError> {
        let p = &actor.principal;
        if p.has(Role::Analyst) || p.has(Role::Administrator) {
            Ok(())
        } else {
            Err(StatsError::Forbidden(
                "analysts and administrators freeze baselines".into(),
            ))
        }
    }

    /// Freezes the key figures of a selection as a baseline (nollmätning)
    /// under `name`; analysts and administrators only; audited.
    pub async fn freeze_baseline(
        &self,
        actor: &Actor,
        name: &str,
        scope: &Scope,
        now: DateTime<Utc>,
    ) -> Result<i64, StatsError> {
        self.check_freeze(actor)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
            return Err(StatsError::Invalid(vec![FieldError {
                field: "name".into(),
                reason: "is required: 1–200 characters without control characters".into(),
            }]));
        }
        let figures = self.key_figures(actor, scope, now).await?;
        let selection = ScopeInput::selection_of(scope);
        let period = scope.period.label();
        let event = actor.event(
            now,
            "stats.baseline.freeze",
            ("baseline", ""),
            scope.board.as_deref().unwrap_or(""),
            kontakt_domain::audit::Outcome::Allowed,
            serde_json::json!({"name": name, "period": period, "selection": selection}),
        );
        let id = self
            .store
            .freeze_baseline(kontakt_store::facts::NewBaseline {
                baseline: kontakt_store::facts::Baseline {
                    id: 0,
                    name: name.to_owned(),
                    scope: to_json(&selection),
                    period,
                    figures: to_json(&figures),
                    frozen_by: actor.id.clone(),
                    frozen_at: now,
                },
                audit: vec![event],
            })
            .await?;
        Ok(id)
    }

    /// Every baseline, newest first: (id, name, period, selection, who, when).
    pub async fn baselines(
        &self,
        actor: &Actor,
    ) -> Result<Vec<kontakt_store::facts::Baseline>, StatsError> {
        self.check(actor)?;
        Ok(self.store.baselines().await?)
    }

    /// A baseline beside the same selection in the period at `at` (the
    /// current period of the same kind by default).
    pub async fn compare_baseline(
        &self,
        actor: &Actor,
        id: i64,
        at: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<Option<BaselineComparison>, StatsError> {
        self.check(actor)?;
        let Some(b) = self
            .store
            .baselines()
            .await?
            .into_iter()
            .find(|b| b.id == id)
        else {
            return Ok(None);
        };
        let corrupt = |what: &str, e: serde_json::Error| {
            StatsError::Store(StoreError::Corrupt(format!("baseline {id}: {what}: {e}")))
        };
        let selection: ScopeInput =
            serde_json::from_str(&b.scope).map_err(|e| corrupt("selection", e))?;
        let baseline: KeyFigures =
            serde_json::from_str(&b.figures).map_err(|e| corrupt("figures", e))?;
        let scope = self.scope(
            &ScopeInput {
                at,
                ..selection.clone()
            },
            calendar::stockholm_date(now),
        )?;
        let figures = self.key_figures(actor, &scope, now).await?;
        Ok(Some(BaselineComparison {
            id: b.id,
            name: b.name,
            selection,
            baseline_period: b.period,
            frozen_at: b.frozen_at,
            baseline: self.shown_key_figures(baseline),
            period: scope.period.label(),
            now: self.shown_key_figures(figures),
        }))
    }

    fn shown_key_figures(&self, k: KeyFigures) -> ShownKeyFigures {
        ShownKeyFigures {
            cases: self.shown(&k.cases),
            calls: k.calls,
        }
    }
}

/// JSON of what a baseline keeps (plain structs and maps of strings,
/// which always serialize).
fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}
