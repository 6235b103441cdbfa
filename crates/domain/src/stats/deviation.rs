//! Deviations: case types or districts whose latest weekly volume departs
//! from their own recent past, listed for preventive action.
//!
//! # Method
//! Each key is compared with its own trailing baseline (by default the 8
//! weeks before the latest). Counts of contacts are roughly Poisson, whose
//! spread grows with the mean, so every week's count `v` is first put
//! through the Anscombe transform `A(v) = 2·√(v + 3/8)`, which makes the
//! variance about 1 whatever the mean. The score is
//!
//! `z = (A(latest) − mean of A(baseline)) / max(1, sd of A(baseline))`
//!
//! with the sample standard deviation (n − 1). The floor of 1 is the Poisson
//! spread itself; a key whose weeks vary more than Poisson (seasonal, or
//! driven by mailings) is measured against its own larger spread, so its
//! normal swings do not flag. The latest week is flagged when `|z|` reaches
//! the rule's minimum score (default 3: about 1 week in 370 by chance per
//! key under the model). A key whose baseline mean is below the minimum
//! volume (default 5 a week — below that the transform's variance is no
//! longer near 1, and a handful of contacts is no trend) or that has fewer
//! weeks than the baseline plus one is never flagged.
//!
//! The caller passes complete weeks only, oldest first, with zeros for
//! weeks without contacts: a week still in progress would flag as a drop.

use std::collections::BTreeMap;

use serde::Serialize;

use super::StatsError;

word_enum! {
    /// Which way the latest week departs from the baseline.
    Direction {
        Up = "up",
        Down = "down",
    }
}

/// When a week counts as a deviation; see the module's method.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DeviationRule {
    baseline_weeks: usize,
    min_baseline_mean: f64,
    min_score: f64,
}

impl Default for DeviationRule {
    fn default() -> Self {
        DeviationRule {
            baseline_weeks: 8,
            min_baseline_mean: 5.0,
            min_score: 3.0,
        }
    }
}

impl DeviationRule {
    /// `baseline_weeks` ≥ 2 (a spread needs two weeks), `min_baseline_mean`
    /// a finite number ≥ 0, `min_score` a finite number > 0.
    pub fn new(
        baseline_weeks: usize,
        min_baseline_mean: f64,
        min_score: f64,
    ) -> Result<DeviationRule, StatsError> {
        if baseline_weeks < 2 {
            return Err(StatsError::InvalidDeviationRule(
                "the baseline needs at least 2 weeks",
            ));
        }
        if !(min_baseline_mean.is_finite() && min_baseline_mean >= 0.0) {
            return Err(StatsError::InvalidDeviationRule(
                "the minimum baseline volume must be a number of at least 0",
            ));
        }
        if !(min_score.is_finite() && min_score > 0.0) {
            return Err(StatsError::InvalidDeviationRule(
                "the minimum score must be a number above 0",
            ));
        }
        Ok(DeviationRule {
            baseline_weeks,
            min_baseline_mean,
            min_score,
        })
    }

    pub fn baseline_weeks(&self) -> usize {
        self.baseline_weeks
    }

    pub fn min_baseline_mean(&self) -> f64 {
        self.min_baseline_mean
    }

    pub fn min_score(&self) -> f64 {
        self.min_score
    }
}

/// A key whose latest week departs from its baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deviation<K> {
    pub key: K,
    pub direction: Direction,
    /// Contacts a week over the baseline weeks.
    pub baseline_mean: f64,
    /// Contacts in the latest week.
    pub observed: u64,
    /// `|z|`, how far from the baseline in (transformed) standard deviations.
    pub score: f64,
}

/// The keys of `weekly_volumes` (oldest week first, latest last) whose
/// latest week deviates by `rule`, the largest score first, then by key.
pub fn weekly_deviations<K: Clone + Ord>(
    weekly_volumes: &BTreeMap<K, Vec<u64>>,
    rule: &DeviationRule,
) -> Vec<Deviation<K>> {
    let mut found: Vec<Deviation<K>> = weekly_volumes
        .iter()
        .filter_map(|(key, weeks)| {
            let (&observed, earlier) = weeks.split_last()?;
            let baseline = earlier.get(earlier.len().checked_sub(rule.baseline_weeks)?..)?;
            let n = baseline.len() as f64;
            let baseline_mean = baseline.iter().map(|&v| v as f64).sum::<f64>() / n;
            if baseline_mean < rule.min_baseline_mean {
                return None;
            }
            let transformed: Vec<f64> = baseline.iter().map(|&v| anscombe(v)).collect();
            let mean = transformed.iter().sum::<f64>() / n;
            let variance = transformed.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / (n - 1.0);
            let z = (anscombe(observed) - mean) / variance.sqrt().max(1.0);
            (z.abs() >= rule.min_score).then(|| Deviation {
                key: key.clone(),
                direction: if z > 0.0 {
                    Direction::Up
                } else {
                    Direction::Down
                },
                baseline_mean,
                observed,
                score: z.abs(),
            })
        })
        .collect();
    found.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.key.cmp(&b.key)));
    found
}

/// Variance-stabilising for Poisson counts: about unit variance at any mean
/// from about 5 up.
fn anscombe(count: u64) -> f64 {
    2.0 * (count as f64 + 0.375).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(baseline: &[u64], latest: u64) -> Vec<u64> {
        let mut weeks = baseline.to_vec();
        weeks.push(latest);
        weeks
    }

    fn one(weeks: Vec<u64>) -> Vec<Deviation<&'static str>> {
        weekly_deviations(&BTreeMap::from([("key", weeks)]), &DeviationRule::default())
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-3
    }

    #[test]
    fn a_steady_key_flags_a_jump_beyond_three_poisson_deviations() {
        // Baseline 100 a week: A(100) = 2·√100.375 = 20.0375, spread 0 → 1.
        // 140: A = 2·√140.375 = 23.6960, z = 3.6585.
        let up = one(series(&[100; 8], 140));
        assert_eq!(up.len(), 1);
        assert_eq!(up[0].direction, Direction::Up);
        assert_eq!(up[0].observed, 140);
        assert!(close(up[0].baseline_mean, 100.0));
        assert!(close(up[0].score, 3.6585), "{}", up[0].score);
        // 130: z = 2.7989, within normal variation.
        assert!(one(series(&[100; 8], 130)).is_empty());
        // 65: A = 2·√65.375 = 16.1710, z = −3.8665.
        let down = one(series(&[100; 8], 65));
        assert_eq!(down[0].direction, Direction::Down);
        assert!(close(down[0].score, 3.8665), "{}", down[0].score);
    }

    #[test]
    fn a_key_that_always_swings_is_measured_against_its_own_spread() {
        // A(80) = 17.9304, A(120) = 21.9431: mean 19.9368, sd 2.1449, so
        // 140 scores (23.6960 − 19.9368) / 2.1449 = 1.7527, not 3.66.
        let rule = DeviationRule::new(8, 5.0, 1.5).expect("rule");
        let found = weekly_deviations(
            &BTreeMap::from([(
                "swinging",
                series(&[80, 120, 80, 120, 80, 120, 80, 120], 140),
            )]),
            &rule,
        );
        assert!(close(found[0].score, 1.7527), "{}", found[0].score);
        assert!(one(series(&[80, 120, 80, 120, 80, 120, 80, 120], 140)).is_empty());
    }

    #[test]
    fn tiny_or_short_series_never_flag() {
        // Mean 2 a week is below the minimum volume, however large the jump.
        assert!(one(series(&[2; 8], 20)).is_empty());
        // Seven weeks of history is short of the eight-week baseline.
        assert!(one(series(&[100; 7], 400)).is_empty());
        assert!(one(vec![]).is_empty());
        // Only the last eight weeks form the baseline: an old quiet spell
        // (zeros) does not lower it.
        let found = one(series(
            &[0, 0, 0, 100, 100, 100, 100, 100, 100, 100, 100],
            140,
        ));
        assert!(close(found[0].baseline_mean, 100.0));
    }

    #[test]
    fn deviations_are_listed_by_score() {
        let volumes = BTreeMap::from([
            // Mean 10.5, sd of A 0.3633 → 1: z(25) = 3.4880.
            ("waste", series(&[10, 12, 9, 11, 10, 12, 9, 11], 25)),
            // z(400) = 5.3588.
            (
                "parking",
                series(&[300, 310, 290, 305, 295, 300, 310, 290], 400),
            ),
            // z(65) = −3.8665.
            ("preschool", series(&[100; 8], 65)),
            ("steady", series(&[100; 8], 130)),
            ("tiny", series(&[2; 8], 20)),
        ]);
        let found = weekly_deviations(&volumes, &DeviationRule::default());
        let listed: Vec<(&str, Direction)> = found.iter().map(|d| (d.key, d.direction)).collect();
        assert_eq!(
            listed,
            vec![
                ("parking", Direction::Up),
                ("preschool", Direction::Down),
                ("waste", Direction::Up),
            ]
        );
        assert!(close(found[0].score, 5.3588));
        assert!(close(found[2].score, 3.4880));
        assert!(close(found[2].baseline_mean, 10.5));
    }

    #[test]
    fn a_rule_must_make_sense() {
        assert!(DeviationRule::new(1, 5.0, 3.0).is_err());
        assert!(DeviationRule::new(8, -1.0, 3.0).is_err());
        assert!(DeviationRule::new(8, f64::NAN, 3.0).is_err());
        assert!(DeviationRule::new(8, 5.0, 0.0).is_err());
        assert!(DeviationRule::new(8, 5.0, f64::INFINITY).is_err());
        let rule = DeviationRule::new(4, 0.0, 2.0).expect("rule");
        assert_eq!(
            (
                rule.baseline_weeks(),
                rule.min_baseline_mean(),
                rule.min_score()
            ),
            (4, 0.0, 2.0)
        );
        // A shorter baseline sees a shorter history.
        assert_eq!(
            weekly_deviations(&BTreeMap::from([("k", series(&[100; 4], 140))]), &rule).len(),
            1
        );
    }
}
