//! The statistics area's pure core: reporting periods, call figures, shares
//! against targets, percentiles, small-count suppression, deviations and
//! cost allocation.
//!
//! Everything here works on anonymous facts and counts handed in by the
//! caller — never on cases or persons — so no figure computed here can carry
//! personal data, and figures survive the retention of the cases they came
//! from. Nothing here does I/O.

mod calls;
mod cost;
mod counts;
mod deviation;
mod percentile;
mod period;
mod suppression;

pub use calls::{
    call_figures_by_group, CallBucket, CallFact, CallFigures, ServiceLevel,
    DEFAULT_SERVICE_LEVEL_SECS,
};
pub use cost::{allocate, split_by_weights, Allocation, AllocationKey, WeightedComponent};
pub use counts::CaseCounts;
pub use deviation::{weekly_deviations, Deviation, DeviationRule, Direction};
pub use percentile::{median, percentile, percentile_90, percentile_of_counts};
pub use period::{Period, PeriodKind};
pub use suppression::{Cell, Suppression};

use serde::Serialize;

/// What can be wrong with the input of a statistic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatsError {
    #[error("a part ({part}) cannot be larger than its whole ({whole})")]
    PartExceedsWhole { part: u64, whole: u64 },
    #[error("a target is a percentage from 0 to 100, not {0}")]
    PercentOutOfRange(u32),
    #[error("the allocation key names no board")]
    EmptyKey,
    #[error("the allocation key's weights sum to zero, so there is nothing to split by")]
    ZeroWeights,
    #[error("the allocation key's components must sum to 100 %, not {sum} %")]
    ComponentsNotWhole { sum: u64 },
    #[error("the amount to allocate cannot be negative ({total} öre)")]
    NegativeTotal { total: i64 },
    #[error("deviation rule: {0}")]
    InvalidDeviationRule(&'static str),
}

/// A part of a whole, e.g. answered of offered calls. The part is never
/// larger than the whole; an empty whole is allowed (a week without calls)
/// and has no percentage rather than a made-up 0 % or 100 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Share {
    numerator: u64,
    denominator: u64,
}

/// As `{"part": 190, "whole": 209, "percent": 90.9…}` (percent null for an
/// empty whole), so a reader of the JSON need not divide.
impl Serialize for Share {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Share", 3)?;
        s.serialize_field("part", &self.numerator)?;
        s.serialize_field("whole", &self.denominator)?;
        s.serialize_field("percent", &self.percent())?;
        s.end()
    }
}

impl Share {
    pub fn new(part: u64, whole: u64) -> Result<Share, StatsError> {
        if part > whole {
            return Err(StatsError::PartExceedsWhole { part, whole });
        }
        Ok(Share {
            numerator: part,
            denominator: whole,
        })
    }

    /// For counts taken from the same facts, where the part is a subset of
    /// the whole by construction; clamps rather than fails.
    fn counted(part: u64, whole: u64) -> Share {
        Share {
            numerator: part.min(whole),
            denominator: whole,
        }
    }

    pub fn numerator(&self) -> u64 {
        self.numerator
    }

    pub fn denominator(&self) -> u64 {
        self.denominator
    }

    /// 0–100; None when the whole is empty.
    pub fn percent(&self) -> Option<f64> {
        (self.denominator > 0).then(|| 100.0 * self.numerator as f64 / self.denominator as f64)
    }

    /// Whether the share reaches the target, compared exactly in integers
    /// (69.99 % does not meet 70 %); None when the whole is empty.
    pub fn meets(&self, target: PercentTarget) -> Option<bool> {
        (self.denominator > 0).then(|| {
            u128::from(self.numerator) * 100
                >= u128::from(target.percent) * u128::from(self.denominator)
        })
    }
}

/// A target share in whole percent, 0–100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct PercentTarget {
    percent: u8,
}

impl PercentTarget {
    /// The city's target for first-contact resolution.
    pub const FIRST_CONTACT_RESOLUTION: PercentTarget = PercentTarget { percent: 70 };

    pub fn new(percent: u32) -> Result<PercentTarget, StatsError> {
        u8::try_from(percent)
            .ok()
            .filter(|p| *p <= 100)
            .map(|percent| PercentTarget { percent })
            .ok_or(StatsError::PercentOutOfRange(percent))
    }

    pub fn percent(&self) -> u8 {
        self.percent
    }
}

/// First-contact resolution (lösningsgrad) against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FirstContactResolution {
    share: Share,
    target: PercentTarget,
}

impl FirstContactResolution {
    pub fn share(&self) -> Share {
        self.share
    }

    pub fn target(&self) -> PercentTarget {
        self.target
    }

    /// None for a period without cases: no cases is neither success nor failure.
    pub fn target_met(&self) -> Option<bool> {
        self.share.meets(self.target)
    }
}

/// The share of `cases` (contacts the centre handled in the period) that
/// were `resolved_at_first_contact` (closed at that contact, without a
/// hand-over or a later contact). The caller decides which cases count, so
/// reopened cases can be left out of the numerator where the city wants that.
pub fn first_contact_resolution(
    resolved_at_first_contact: u64,
    cases: u64,
    target: PercentTarget,
) -> Result<FirstContactResolution, StatsError> {
    Ok(FirstContactResolution {
        share: Share::new(resolved_at_first_contact, cases)?,
        target,
    })
}

/// The share of cases with a feedback deadline in the period whose feedback
/// was given by it.
pub fn feedback_deadlines_met(met: u64, with_deadline: u64) -> Result<Share, StatsError> {
    Share::new(met, with_deadline)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_refuses_a_part_larger_than_its_whole() {
        assert_eq!(
            Share::new(6, 5),
            Err(StatsError::PartExceedsWhole { part: 6, whole: 5 })
        );
        let share = Share::new(3, 4).expect("share");
        assert_eq!((share.numerator(), share.denominator()), (3, 4));
        assert_eq!(share.percent(), Some(75.0));
    }

    #[test]
    fn an_empty_whole_has_no_percentage_and_meets_no_target() {
        let empty = Share::new(0, 0).expect("share");
        assert_eq!(empty.percent(), None);
        assert_eq!(empty.meets(PercentTarget::FIRST_CONTACT_RESOLUTION), None);
    }

    #[test]
    fn targets_are_whole_percentages_up_to_100() {
        assert_eq!(PercentTarget::new(100).expect("target").percent(), 100);
        assert_eq!(PercentTarget::new(0).expect("target").percent(), 0);
        assert_eq!(
            PercentTarget::new(101),
            Err(StatsError::PercentOutOfRange(101))
        );
        assert_eq!(
            PercentTarget::new(300),
            Err(StatsError::PercentOutOfRange(300))
        );
    }

    #[test]
    fn first_contact_resolution_is_compared_exactly_with_its_target() {
        let target = PercentTarget::FIRST_CONTACT_RESOLUTION;
        // 7 of 10 is exactly 70 %: met.
        let exactly = first_contact_resolution(7, 10, target).expect("fcr");
        assert_eq!(exactly.target_met(), Some(true));
        assert_eq!(exactly.share().percent(), Some(70.0));
        // 6 999 of 10 000 is 69.99 %: not met, though it rounds to 70 %.
        let just_under = first_contact_resolution(6_999, 10_000, target).expect("fcr");
        assert_eq!(just_under.target_met(), Some(false));
        assert_eq!(just_under.target().percent(), 70);
        let stricter = PercentTarget::new(80).expect("target");
        assert_eq!(
            first_contact_resolution(7, 10, stricter)
                .expect("fcr")
                .target_met(),
            Some(false)
        );
        assert!(first_contact_resolution(11, 10, target).is_err());
        assert_eq!(
            first_contact_resolution(0, 0, target)
                .expect("fcr")
                .target_met(),
            None
        );
    }

    #[test]
    fn feedback_deadlines_met_is_a_share_of_cases_with_a_deadline() {
        let share = feedback_deadlines_met(45, 60).expect("share");
        assert_eq!(share.percent(), Some(75.0));
        assert!(feedback_deadlines_met(61, 60).is_err());
    }
}
