//! Log review (loggranskning): what a board's log reviewer needs to check
//! regularly (seed 000 line 81): who looked up the board's data in a period,
//! every lookup of a person with protected identity, users whose volume
//! stands out from their peers, and lookups outside working hours.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use kontakt_domain::access::Role;
use kontakt_domain::audit::{AuditRecord, Outcome};
use kontakt_domain::calendar::{is_working_day, stockholm_date, stockholm_midnight};
use kontakt_store::{AuditQuery, Store};

use crate::cases::{Actor, CaseError, FieldError};

/// At most this many entries are read for one review; a longer period is
/// reported as truncated rather than slowing the server down.
pub const MAX_ENTRIES: u32 = 50_000;

/// A user's lookups in the period, flagged when far above their peers'.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct UserVolume {
    pub actor: String,
    pub lookups: u64,
    pub peer_median: u64,
}

#[derive(Debug, Clone)]
pub struct Review {
    pub board: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Every audit entry about the board's data in the period.
    pub entries: Vec<AuditRecord>,
    /// Ids of entries that looked up (or tried to) a protected person.
    pub protected: Vec<i64>,
    /// Ids of entries outside 07–18 Stockholm time on working days.
    pub after_hours: Vec<i64>,
    pub unusual: Vec<UserVolume>,
    pub truncated: bool,
}

fn is_lookup(action: &str) -> bool {
    matches!(
        action,
        "case.read" | "case.search" | "attachment.read" | "case.open_protected"
    )
}

fn is_protected_lookup(r: &AuditRecord) -> bool {
    r.event.action == "case.open_protected"
        || r.event.detail.get("protected") == Some(&serde_json::Value::Bool(true))
}

fn after_hours(at: DateTime<Utc>) -> bool {
    let local = at.with_timezone(&chrono_tz::Europe::Stockholm);
    !is_working_day(stockholm_date(at)) || !(7..18).contains(&local.hour())
}

/// Users with at least 20 lookups and three times the median of all users
/// who looked up the board's data in the period.
fn unusual_volumes(entries: &[AuditRecord]) -> Vec<UserVolume> {
    let mut per_actor: BTreeMap<&str, u64> = BTreeMap::new();
    for r in entries.iter().filter(|r| is_lookup(&r.event.action)) {
        *per_actor.entry(&r.event.actor).or_default() += 1;
    }
    let mut counts: Vec<u64> = per_actor.values().copied().collect();
    counts.sort_unstable();
    let median = counts.get(counts.len() / 2).copied().unwrap_or(0);
    per_actor
        .into_iter()
        .filter(|(_, n)| *n >= 20 && *n >= 3 * median.max(1) && counts.len() > 1)
        .map(|(actor, lookups)| UserVolume {
            actor: actor.to_owned(),
            lookups,
            peer_median: median,
        })
        .collect()
}

/// The review of `board` for the days `from`..=`to`, for a log reviewer of
/// that board only. The review itself is audited.
pub async fn review(
    store: &Arc<dyn Store>,
    actor: &Actor,
    board: &str,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Review, CaseError> {
    let allowed = actor.principal.has(Role::LogReviewer)
        && actor.principal.review_boards.iter().any(|b| b == board);
    let detail = serde_json::json!({"from": from.to_string(), "to": to.to_string()});
    if !allowed {
        let event = actor.event(
            now,
            "audit.review",
            ("board", board),
            board,
            Outcome::Denied,
            detail,
        );
        store.audit(vec![event]).await?;
        return Err(CaseError::Forbidden(format!(
            "not a log reviewer of board {board}"
        )));
    }
    if to < from {
        return Err(CaseError::Invalid(vec![FieldError {
            field: "to".into(),
            reason: "lies before from".into(),
        }]));
    }
    let query = AuditQuery {
        after: 0,
        board: Some(board.to_owned()),
        from: Some(stockholm_midnight(from)),
        to: Some(stockholm_midnight(to + chrono::Duration::days(1))),
        limit: MAX_ENTRIES + 1,
    };
    let mut entries = store.audit_page(&query).await?;
    let truncated = entries.len() > MAX_ENTRIES as usize;
    entries.truncate(MAX_ENTRIES as usize);
    let event = actor.event(
        now,
        "audit.review",
        ("board", board),
        board,
        Outcome::Allowed,
        detail,
    );
    store.audit(vec![event]).await?;
    Ok(Review {
        board: board.to_owned(),
        from,
        to,
        protected: entries
            .iter()
            .filter(|r| is_protected_lookup(r))
            .map(|r| r.id)
            .collect(),
        after_hours: entries
            .iter()
            .filter(|r| after_hours(r.event.at))
            .map(|r| r.id)
            .collect(),
        unusual: unusual_volumes(&entries),
        entries,
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use kontakt_domain::audit::AuditEvent;

    fn record(id: i64, actor: &str, at: &str) -> AuditRecord {
        AuditRecord {
            id,
            event: AuditEvent {
                at: at.parse().expect("time"),
                actor: actor.into(),
                action: "case.read".into(),
                object_type: "case".into(),
                object_id: "KC-2026-000001".into(),
                board: "SDN-SKH".into(),
                purpose: "case_handling".into(),
                operation_id: String::new(),
                client: String::new(),
                outcome: Outcome::Allowed,
                detail: serde_json::json!({}),
            },
            detail_text: "{}".into(),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn working_hours_in_stockholm() {
        for (at, expected) in [
            ("2026-11-23T08:30:00Z", false), // Monday 09:30
            ("2026-11-23T05:30:00Z", true),  // Monday 06:30
            ("2026-11-23T17:30:00Z", true),  // Monday 18:30
            ("2026-11-22T10:00:00Z", true),  // Sunday
            ("2026-12-24T10:00:00Z", true),  // Christmas Eve
            ("2026-06-15T15:30:00Z", false), // summer time: 17:30
            ("2026-06-15T16:30:00Z", true),  // summer time: 18:30
        ] {
            assert_eq!(after_hours(at.parse().expect("time")), expected, "{at}");
        }
    }

    #[test]
    fn a_user_far_above_their_peers_stands_out() {
        let mut entries = Vec::new();
        let mut id = 0;
        for (actor, n) in [
            ("token:a", 10),
            ("token:b", 12),
            ("token:c", 9),
            ("token:snoop", 80),
        ] {
            for _ in 0..n {
                id += 1;
                entries.push(record(id, actor, "2026-11-23T09:00:00Z"));
            }
        }
        let unusual = unusual_volumes(&entries);
        assert_eq!(
            unusual,
            vec![UserVolume {
                actor: "token:snoop".into(),
                lookups: 80,
                peer_median: 12
            }]
        );
        // One user alone has no peers to stand out from.
        assert!(unusual_volumes(&entries[..10]).is_empty());
    }
}
