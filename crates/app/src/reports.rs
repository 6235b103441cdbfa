//! Monthly statistics reports: when a month is over, each board with an
//! e-mail address in the catalog gets that month's key figures for its
//! contacts, in Swedish and in English, with a link to the printable
//! dashboard. A report is queued in the outbox like every message (sent at
//! least once, never lost) and at most once per board and month, however
//! often the job runs. It holds figures only: counts under the privacy
//! rule, shares and days — nothing about a person.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};
use kontakt_domain::access::{Principal, Role};
use kontakt_domain::catalog::{Board, Catalog};
use kontakt_domain::message::OutboundChannel;
use kontakt_domain::stats::{Cell, Period, PeriodKind, Share};
use kontakt_store::outbox::{NewOutbound, NewReport};
use kontakt_store::Store;

use crate::cases::Actor;
use crate::messages::{month_name, new_message_id, MessageSettings};
use crate::stats::{CaseFigures, Scope, StatsError, StatsService};

pub struct MonthlyReports {
    stats: Arc<StatsService>,
    store: Arc<dyn Store>,
    catalog: Arc<Catalog>,
    messages: MessageSettings,
    /// Where staff reach Kontakt, e.g. `https://kontakt.stockholm.se`, for
    /// the link to the printable report (without it, the path only).
    link_base: Option<String>,
}

impl MonthlyReports {
    pub fn new(
        stats: Arc<StatsService>,
        store: Arc<dyn Store>,
        catalog: Arc<Catalog>,
        messages: MessageSettings,
        link_base: Option<String>,
    ) -> Self {
        MonthlyReports {
            stats,
            store,
            catalog,
            messages,
            link_base: link_base.map(|b| b.trim_end_matches('/').to_owned()),
        }
    }

    /// The job itself reads statistics as an analyst would, nothing more.
    fn actor() -> Actor {
        let mut actor = Actor::new("system:monthly-reports");
        actor.principal = Principal {
            roles: vec![Role::Analyst],
            ..Principal::default()
        };
        actor
    }

    /// Queues the reports of the last month that is over at `now` (in
    /// Stockholm) for every board not yet sent it; returns how many were
    /// queued now.
    pub async fn queue_due(&self, now: DateTime<Utc>) -> Result<u64, StatsError> {
        let today = kontakt_domain::calendar::stockholm_date(now);
        let Some(last_month) = Period::of_date(PeriodKind::Month, today).and_then(|m| m.previous())
        else {
            return Ok(0);
        };
        self.queue_month(last_month, now).await
    }

    /// Queues `month`'s report for every board with an e-mail address
    /// that has not had it; returns how many were queued now.
    pub async fn queue_month(&self, month: Period, now: DateTime<Utc>) -> Result<u64, StatsError> {
        let actor = Self::actor();
        let mut queued = 0;
        for board in &self.catalog.boards {
            let Some(email) = board.email.as_deref().filter(|e| !e.trim().is_empty()) else {
                continue;
            };
            let scope = Scope {
                period: month,
                board: Some(board.code.clone()),
                district: None,
                case_type: None,
                channel: None,
                answer_group: None,
                centre: None,
            };
            let figures = self.stats.cases(&actor, &scope, now).await?;
            let (subject, body) = self.compose(board, month, &figures);
            let report = NewReport {
                board: board.code.clone(),
                month: month.first_day(),
                message: NewOutbound {
                    channel: OutboundChannel::Email,
                    recipient: email.trim().to_owned(),
                    subject,
                    body,
                    message_id: new_message_id(&self.messages),
                    in_reply_to: None,
                    references: vec![],
                },
                at: now,
            };
            if self.store.queue_report(report).await? {
                queued += 1;
            }
        }
        Ok(queued)
    }

    /// The report's subject and plain-text body, Swedish first.
    pub fn compose(&self, board: &Board, month: Period, f: &CaseFigures) -> (String, String) {
        let d = month.first_day();
        let month_sv = format!("{} {}", month_name(d.month0(), false), d.year());
        let month_en = format!("{} {}", month_name(d.month0(), true), d.year());
        let link = format!(
            "{}/stats?period=month&at={}&board={}",
            self.link_base.as_deref().unwrap_or(""),
            month.label(),
            board.code
        );
        let subject = format!(
            "Månadsrapport {month_sv}: {} / Monthly report {month_en}",
            board.name_sv
        );
        let t = &f.total;
        let target = f.first_contact_target;
        let complaints: u64 = f
            .complaints_by_board
            .iter()
            .filter_map(|(_, c)| c.cases.count())
            .sum();
        let complaints_hidden = f
            .complaints_by_board
            .iter()
            .any(|(_, c)| c.cases.count().is_none());
        // A hidden count is shown as hidden, beside what can be shown.
        let complaints = match (complaints_hidden, complaints) {
            (true, 0) => "< 5".to_owned(),
            (true, n) => format!("{} + ..", number(n)),
            (false, n) => number(n),
        };
        let resolution = |days_word: &str, closed_word: &str, name: &dyn Fn(&str) -> String| {
            f.resolution
                .iter()
                .filter_map(|r| {
                    Some(format!(
                        "  {}: {} / {} {days_word} ({} {closed_word})\n",
                        name(&r.case_type),
                        r.median_days?,
                        r.p90_days?,
                        cell(r.closed)
                    ))
                })
                .collect::<String>()
        };
        let type_sv = |code: &str| {
            self.catalog
                .case_type(code)
                .map_or_else(|| code.to_owned(), |t| t.name_sv.clone())
        };
        let type_en = |code: &str| {
            self.catalog
                .case_type(code)
                .map_or_else(|| code.to_owned(), |t| t.name_en.clone())
        };
        let (resolution_sv, resolution_en) = (
            resolution("dagar", "avslutade", &type_sv),
            resolution("days", "closed", &type_en),
        );
        let c = &t.current;
        let body = format!(
            "Månadsrapport från {signature}\n\
             Nämnd: {board_sv}\n\
             Period: {month_sv} ({label})\n\n\
             Ärenden: {cases} (månaden före: {previous}; samma månad förra året: {last_year})\n\
             Besvarade vid första kontakten: {fc} av {cases} ({fc_share}; målet är {target} %)\n\
             Överlämnade till förvaltningen: {handed}\n\
             Återkoppling i tid: {met} av {due} ({met_share})\n\
             Skriftliga kontakter besvarade inom två arbetsdagar: {rmet} av {rdue} ({r_share})\n\
             Synpunkter och klagomål: {complaints}\n\n\
             Handläggningstid per ärendetyp, median / 90:e percentilen:\n{resolution_sv}\n\
             Antal under 5 visas som \"< 5\" och ett antal som annars skulle avslöja dem som \"..\". \
             Rapporten innehåller inga personuppgifter.\n\
             Hela rapporten, utskrivbar: {link}\n\n\
             ---\n\n\
             Monthly report from {signature}\n\
             Board: {board_en}\n\
             Period: {month_en} ({label})\n\n\
             Cases: {cases} (month before: {previous}; same month last year: {last_year})\n\
             Answered at first contact: {fc} of {cases} ({fc_share_en}; the target is {target} %)\n\
             Handed over to the administration: {handed}\n\
             Feedback in time: {met} of {due} ({met_share_en})\n\
             Written contacts answered within two working days: {rmet} of {rdue} ({r_share_en})\n\
             Comments and complaints: {complaints}\n\n\
             Resolution time per case type, median / 90th percentile:\n{resolution_en}\n\
             Counts under 5 show as \"< 5\", and a count that would give them away as \"..\". \
             The report holds no personal data.\n\
             The whole report, printable: {link}\n\n\
             {signature}\n",
            signature = self.messages.signature,
            board_sv = board.name_sv,
            board_en = board.name_en,
            label = month.label(),
            cases = cell(c.cases),
            previous = cell(t.previous.cases),
            last_year = cell(t.last_year.cases),
            fc = cell(c.first_contact),
            fc_share = percent(c.first_contact_share(), ','),
            fc_share_en = percent(c.first_contact_share(), '.'),
            handed = cell(c.handed_over),
            met = cell(c.deadline_met),
            due = cell(c.deadline_due),
            met_share = percent(c.deadline_share(), ','),
            met_share_en = percent(c.deadline_share(), '.'),
            rmet = cell(c.response_met),
            rdue = cell(c.response_due),
            r_share = percent(c.response_share(), ','),
            r_share_en = percent(c.response_share(), '.'),
        );
        (subject, body)
    }
}

/// `12 345`: digits grouped by three, as both languages' reports read.
fn number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

fn cell(c: Cell) -> String {
    match c {
        Cell::Count(n) => number(n),
        other => other.to_string(),
    }
}

/// `65,8 %` (or `65.8 %`); a dash where there was nothing to divide or
/// the counts are hidden.
fn percent(share: Option<Share>, decimal: char) -> String {
    match share.and_then(|s| s.percent()) {
        Some(p) => format!("{:.1} %", p).replace('.', &decimal.to_string()),
        None => "–".to_owned(),
    }
}

/// So the report's counts and a hand-made table read the same.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_shares_read_as_in_the_city_s_tables() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(1234), "1 234");
        assert_eq!(number(1_234_567), "1 234 567");
        assert_eq!(cell(Cell::Below(5)), "< 5");
        assert_eq!(cell(Cell::Hidden), "..");
        let share = Share::new(812, 1234).ok();
        assert_eq!(percent(share, ','), "65,8 %");
        assert_eq!(percent(share, '.'), "65.8 %");
        assert_eq!(percent(None, ','), "–");
        assert_eq!(percent(Share::new(0, 0).ok(), ','), "–");
    }
}
