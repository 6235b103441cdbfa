//! Phone figures from anonymous call facts: availability (tillgänglighet),
//! service level, queue times and callbacks kept.
//!
//! # What counts
//! - **Offered**: every call that reached a queue, whatever became of it —
//!   all outcomes except `closed` (out of hours or the group's absence
//!   message: nobody could have answered, so it is reported apart and
//!   never lowers availability).
//! - **Answered**: `answered`; `transferred`, because Kontakt only transfers
//!   a call an agent has answered and talked to; and `callback`, because the
//!   caller kept the place in the queue and was called back — the resident
//!   got an answer. A callback's queue time runs until the callback was
//!   answered, so it rarely counts within 20 s.
//! - **Not answered**: `abandoned` (hung up while waiting), `refused` (the
//!   queue was full: the caller got through to us and got no answer, so
//!   availability must show it) and `lost` (the phone system went silent,
//!   or a promised callback nobody made).
//! - A call that overflowed to another group counts for the group the caller
//!   chose, as the city's availability per answer group always has.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{percentile_of_counts, Period, PeriodKind, Share};
use crate::phone::CallOutcome;

/// Answered within 20 and within 60 seconds: the city's service levels.
pub const DEFAULT_SERVICE_LEVEL_SECS: [u32; 2] = [20, 60];

/// One call with nothing that could point to a person: no number, no
/// agent, no case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallFact {
    pub arrived_at: DateTime<Utc>,
    /// The answer group the caller chose.
    pub answer_group: String,
    pub outcome: CallOutcome,
    /// Waiting for an answer, ringing included; for a callback, until the
    /// callback was answered.
    pub queue_ms: u64,
    /// Moved on to another group after waiting.
    pub overflowed: bool,
    /// Some when a callback was promised: whether it was made by its deadline.
    pub callback_deadline_met: Option<bool>,
}

/// Calls alike in everything the figures count, and how many they are:
/// how the store hands over a year of calls without reading them one by
/// one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallBucket {
    pub answer_group: String,
    pub outcome: CallOutcome,
    /// The calls' queue time (the store counts it in whole seconds,
    /// rounded up, so a call at 20.4 s is not within 20 s).
    pub queue_ms: u64,
    /// The calls' exact queue times added up, for the average.
    pub total_queue_ms: u64,
    /// The agents' handling time (talk and wrap-up) added up, for the
    /// cost key by handled minutes.
    pub total_handle_ms: u64,
    pub overflowed: bool,
    pub callback_deadline_met: Option<bool>,
    pub count: u64,
}

/// The share of offered calls answered within `within_secs` (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ServiceLevel {
    pub within_secs: u32,
    pub share: Share,
}

/// The phone figures of one set of calls (one group and period, say).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallFigures {
    pub offered: u64,
    pub answered: u64,
    pub abandoned: u64,
    pub refused: u64,
    pub lost: u64,
    pub overflowed: u64,
    /// Calls outside opening hours; not offered.
    pub closed: u64,
    /// Answered of offered (tillgänglighet).
    pub availability: Share,
    /// One per threshold asked for, in the order asked.
    pub service_levels: Vec<ServiceLevel>,
    /// Of answered calls, in whole milliseconds (half up); None without any.
    pub average_queue_ms: Option<u64>,
    /// Of answered calls, by nearest rank.
    pub p90_queue_ms: Option<u64>,
    /// Of calls with a promised callback, those called back by the deadline.
    pub callbacks_within_deadline: Share,
}

impl CallFigures {
    /// The figures of `facts`, with a service level for each of
    /// `service_level_secs` (usually [`DEFAULT_SERVICE_LEVEL_SECS`]).
    pub fn from_facts<'a>(
        facts: impl IntoIterator<Item = &'a CallFact>,
        service_level_secs: &[u32],
    ) -> CallFigures {
        let buckets: Vec<CallBucket> = facts
            .into_iter()
            .map(|f| CallBucket {
                answer_group: f.answer_group.clone(),
                outcome: f.outcome,
                queue_ms: f.queue_ms,
                total_queue_ms: f.queue_ms,
                total_handle_ms: 0,
                overflowed: f.overflowed,
                callback_deadline_met: f.callback_deadline_met,
                count: 1,
            })
            .collect();
        CallFigures::from_buckets(&buckets, service_level_secs)
    }

    /// The figures of counted calls (see [`CallBucket`]), the same as of
    /// the calls one by one.
    pub fn from_buckets<'a>(
        buckets: impl IntoIterator<Item = &'a CallBucket>,
        service_level_secs: &[u32],
    ) -> CallFigures {
        let mut figures = CallFigures {
            offered: 0,
            answered: 0,
            abandoned: 0,
            refused: 0,
            lost: 0,
            overflowed: 0,
            closed: 0,
            availability: Share::default(),
            service_levels: Vec::new(),
            average_queue_ms: None,
            p90_queue_ms: None,
            callbacks_within_deadline: Share::default(),
        };
        // (queue time, calls) of answered calls, and their exact total.
        let mut answered_queue_ms: Vec<(u64, u64)> = Vec::new();
        let mut answered_total_ms: u128 = 0;
        let (mut callbacks_promised, mut callbacks_kept) = (0, 0);
        for b in buckets {
            let n = b.count;
            match b.outcome {
                CallOutcome::Closed => {
                    figures.closed += n;
                    continue;
                }
                CallOutcome::Answered | CallOutcome::Transferred | CallOutcome::Callback => {
                    figures.answered += n;
                    answered_queue_ms.push((b.queue_ms, n));
                    answered_total_ms += u128::from(b.total_queue_ms);
                }
                CallOutcome::Abandoned => figures.abandoned += n,
                CallOutcome::Refused => figures.refused += n,
                CallOutcome::Lost => figures.lost += n,
            }
            figures.offered += n;
            if b.overflowed {
                figures.overflowed += n;
            }
            if let Some(kept) = b.callback_deadline_met {
                callbacks_promised += n;
                if kept {
                    callbacks_kept += n;
                }
            }
        }
        figures.availability = Share::counted(figures.answered, figures.offered);
        figures.service_levels = service_level_secs
            .iter()
            .map(|&within_secs| {
                let limit_ms = u64::from(within_secs) * 1000;
                let within: u64 = answered_queue_ms
                    .iter()
                    .filter(|(q, _)| *q <= limit_ms)
                    .map(|(_, n)| n)
                    .sum();
                ServiceLevel {
                    within_secs,
                    share: Share::counted(within, figures.offered),
                }
            })
            .collect();
        let count = u128::from(figures.answered);
        figures.average_queue_ms = (count > 0)
            .then(|| u64::try_from((answered_total_ms + count / 2) / count).unwrap_or(u64::MAX));
        figures.p90_queue_ms = percentile_of_counts(&answered_queue_ms, 90);
        figures.callbacks_within_deadline = Share::counted(callbacks_kept, callbacks_promised);
        figures
    }
}

/// Figures per answer group and period of `kind` (by the Stockholm clock),
/// e.g. availability per group and week as the city has always reported it.
pub fn call_figures_by_group(
    facts: &[CallFact],
    kind: PeriodKind,
    service_level_secs: &[u32],
) -> BTreeMap<(String, Period), CallFigures> {
    let mut buckets: BTreeMap<(&str, Period), Vec<&CallFact>> = BTreeMap::new();
    for fact in facts {
        // Only instants beyond the year 9999 have no period.
        if let Some(period) = Period::containing(kind, fact.arrived_at) {
            buckets
                .entry((fact.answer_group.as_str(), period))
                .or_default()
                .push(fact);
        }
    }
    buckets
        .into_iter()
        .map(|((group, period), facts)| {
            let figures = CallFigures::from_facts(facts, service_level_secs);
            ((group.to_owned(), period), figures)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, NaiveDate, Weekday};

    fn fact(outcome: CallOutcome, queue_secs: u64) -> CallFact {
        CallFact {
            arrived_at: DateTime::parse_from_rfc3339("2026-03-25T09:00:00+01:00")
                .expect("instant")
                .with_timezone(&Utc),
            answer_group: "06075".to_owned(),
            outcome,
            queue_ms: queue_secs * 1000,
            overflowed: false,
            callback_deadline_met: None,
        }
    }

    #[test]
    fn every_outcome_counts_by_the_documented_rule() {
        use CallOutcome::*;
        let facts = vec![
            fact(Answered, 5),
            fact(Answered, 20),
            fact(Answered, 45),
            fact(Transferred, 15),
            CallFact {
                callback_deadline_met: Some(true),
                ..fact(Callback, 300)
            },
            CallFact {
                callback_deadline_met: Some(false),
                ..fact(Lost, 900)
            },
            fact(Abandoned, 30),
            fact(Refused, 0),
            fact(Closed, 0),
            CallFact {
                overflowed: true,
                ..fact(Answered, 61)
            },
        ];
        let figures = CallFigures::from_facts(&facts, &DEFAULT_SERVICE_LEVEL_SECS);
        assert_eq!(figures.offered, 9);
        assert_eq!(figures.answered, 6);
        assert_eq!(
            (
                figures.abandoned,
                figures.refused,
                figures.lost,
                figures.closed
            ),
            (1, 1, 1, 1)
        );
        assert_eq!(figures.overflowed, 1);
        assert_eq!(figures.availability, Share::new(6, 9).expect("share"));
        // Within 20 s (inclusive): 5, 20 and 15 s. Within 60 s: also 45 s.
        assert_eq!(
            figures.service_levels,
            vec![
                ServiceLevel {
                    within_secs: 20,
                    share: Share::new(3, 9).expect("share")
                },
                ServiceLevel {
                    within_secs: 60,
                    share: Share::new(4, 9).expect("share")
                },
            ]
        );
        // Answered queue times 5, 15, 20, 45, 61, 300 s: 446 000 ms / 6.
        assert_eq!(figures.average_queue_ms, Some(74_333));
        // ⌈0.9 · 6⌉ = rank 6.
        assert_eq!(figures.p90_queue_ms, Some(300_000));
        assert_eq!(
            figures.callbacks_within_deadline,
            Share::new(1, 2).expect("share")
        );
    }

    #[test]
    fn service_level_thresholds_are_configurable() {
        let facts = [
            fact(CallOutcome::Answered, 10),
            fact(CallOutcome::Answered, 31),
        ];
        let figures = CallFigures::from_facts(&facts, &[30]);
        assert_eq!(figures.service_levels.len(), 1);
        assert_eq!(figures.service_levels[0].share.percent(), Some(50.0));
    }

    #[test]
    fn no_calls_give_no_percentages() {
        let figures = CallFigures::from_facts(&[fact(CallOutcome::Closed, 0)], &[20]);
        assert_eq!((figures.offered, figures.closed), (0, 1));
        assert_eq!(figures.availability.percent(), None);
        assert_eq!(figures.service_levels[0].share.percent(), None);
        assert_eq!(figures.average_queue_ms, None);
        assert_eq!(figures.p90_queue_ms, None);
        assert_eq!(figures.callbacks_within_deadline.percent(), None);
    }

    /// `seeds/001_…` lines 265–268: Bromma's answer group 06075 (elderly
    /// care and disability), weeks 1–8 of 2008.
    #[test]
    fn bromma_availability_winter_2008() {
        let calls = [209, 339, 554, 670, 502, 375, 403, 389];
        let answered = [190, 325, 528, 631, 469, 364, 378, 370];
        let availability = [91.0, 96.0, 95.0, 94.0, 93.0, 97.0, 94.0, 95.0];
        let mut facts = Vec::new();
        for (week, (&calls, &answered)) in (1..).zip(calls.iter().zip(&answered)) {
            let monday = NaiveDate::from_isoywd_opt(2008, week, Weekday::Mon).expect("week");
            // From 08:00 Stockholm time, one call a minute into the evening.
            let opening = crate::calendar::stockholm_midnight(monday) + Duration::hours(8);
            for i in 0..calls {
                let outcome = if i < answered {
                    CallOutcome::Answered
                } else {
                    CallOutcome::Abandoned
                };
                facts.push(CallFact {
                    arrived_at: opening + Duration::minutes(i64::try_from(i).expect("minutes")),
                    ..fact(outcome, 12)
                });
            }
            // Out-of-hours calls are not offered.
            facts.push(CallFact {
                arrived_at: opening - Duration::hours(6),
                ..fact(CallOutcome::Closed, 0)
            });
        }
        // Another group's calls stay out of 06075's figures.
        facts.push(CallFact {
            answer_group: "06076".to_owned(),
            arrived_at: crate::calendar::stockholm_midnight(
                NaiveDate::from_ymd_opt(2008, 1, 2).expect("date"),
            ),
            ..fact(CallOutcome::Abandoned, 100)
        });

        let by_group = call_figures_by_group(&facts, PeriodKind::Week, &DEFAULT_SERVICE_LEVEL_SECS);
        let bromma: Vec<(String, &CallFigures)> = by_group
            .iter()
            .filter(|((group, _), _)| group == "06075")
            .map(|((_, period), figures)| (period.label(), figures))
            .collect();
        assert_eq!(bromma.len(), 8);
        for (i, (label, figures)) in bromma.iter().enumerate() {
            assert_eq!(label, &format!("2008-W{:02}", i + 1));
            assert_eq!(figures.offered, calls[i]);
            assert_eq!(figures.answered, answered[i]);
            assert_eq!(figures.abandoned, calls[i] - answered[i]);
            assert_eq!(figures.closed, 1);
            let percent = figures.availability.percent().expect("calls");
            assert_eq!(percent.round(), availability[i], "{label}");
        }
        let other = &by_group[&("06076".to_owned(), Period::parse("2008-W01").expect("week"))];
        assert_eq!((other.offered, other.answered), (1, 0));
    }

    #[test]
    fn calls_are_grouped_by_the_stockholm_week() {
        let at = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .expect("instant")
                .with_timezone(&Utc)
        };
        let facts = [
            // Sunday 29 March 2026, 23:30 summer time: still week 13.
            CallFact {
                arrived_at: at("2026-03-29T21:30:00Z"),
                ..fact(CallOutcome::Answered, 1)
            },
            // Monday 00:30 summer time, though still Sunday in UTC: week 14.
            CallFact {
                arrived_at: at("2026-03-29T22:30:00Z"),
                ..fact(CallOutcome::Abandoned, 1)
            },
        ];
        let by_group = call_figures_by_group(&facts, PeriodKind::Week, &[20]);
        let labels: Vec<(String, u64)> = by_group
            .iter()
            .map(|((_, period), figures)| (period.label(), figures.answered))
            .collect();
        assert_eq!(
            labels,
            vec![("2026-W13".to_owned(), 1), ("2026-W14".to_owned(), 0)]
        );
    }
}
