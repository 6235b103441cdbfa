//! Percentiles by the nearest-rank method.
//!
//! The p-th percentile of n values is the value at rank ⌈p·n/100⌉ (1-based)
//! in ascending order. The answer is always a value that occurred — a queue
//! time some caller really had — rather than an interpolation between two,
//! and the same data gives the same answer in every report and database.
//! For an even count the median is therefore the lower of the two middle
//! values.

/// The `percent`-th percentile (1–100) of `values`; None for no values or a
/// percent outside 1–100 (the 0th has no nearest rank).
pub fn percentile(values: &[u64], percent: u8) -> Option<u64> {
    if values.is_empty() || !(1..=100).contains(&percent) {
        return None;
    }
    let n = values.len();
    // ⌈p·n/100⌉ in integers; at least 1 since p ≥ 1 and n ≥ 1.
    let rank = (usize::from(percent) * n).div_ceil(100);
    let mut sorted = values.to_vec();
    // Selection, not a full sort: linear time on a year's call records.
    let (_, value, _) = sorted.select_nth_unstable(rank.saturating_sub(1));
    Some(*value)
}

/// The `percent`-th percentile of values given as (value, how many times)
/// — a histogram, as the store counts a year of calls — by the same
/// nearest rank as [`percentile`] on the values themselves.
pub fn percentile_of_counts(counts: &[(u64, u64)], percent: u8) -> Option<u64> {
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    if total == 0 || !(1..=100).contains(&percent) {
        return None;
    }
    let rank = (u128::from(percent) * u128::from(total)).div_ceil(100);
    let mut sorted: Vec<(u64, u64)> = counts.iter().copied().filter(|(_, n)| *n > 0).collect();
    sorted.sort_unstable();
    let mut seen: u128 = 0;
    for (value, n) in &sorted {
        seen += u128::from(*n);
        if seen >= rank {
            return Some(*value);
        }
    }
    sorted.last().map(|(v, _)| *v)
}

/// The median by nearest rank (the lower middle value for an even count).
pub fn median(values: &[u64]) -> Option<u64> {
    percentile(values, 50)
}

/// The 90th percentile by nearest rank.
pub fn percentile_90(values: &[u64]) -> Option<u64> {
    percentile(values, 90)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_values_have_the_percentiles_of_the_values() {
        let values = [0u64, 1, 1, 2, 3, 3, 3, 7, 10, 30];
        let mut counts = std::collections::BTreeMap::new();
        for v in values {
            *counts.entry(v).or_insert(0u64) += 1;
        }
        let counts: Vec<(u64, u64)> = counts.into_iter().collect();
        for p in [1, 10, 49, 50, 51, 90, 99, 100] {
            assert_eq!(
                percentile_of_counts(&counts, p),
                percentile(&values, p),
                "p{p}"
            );
        }
        assert_eq!(percentile_of_counts(&[], 50), None);
        assert_eq!(percentile_of_counts(&[(5, 0)], 50), None);
    }

    #[test]
    fn empty_input_has_no_percentile() {
        assert_eq!(median(&[]), None);
        assert_eq!(percentile_90(&[]), None);
    }

    #[test]
    fn the_median_is_the_middle_value_or_the_lower_middle() {
        assert_eq!(median(&[7]), Some(7));
        // Odd: ⌈0.5·5⌉ = rank 3 of 1 2 3 4 5.
        assert_eq!(median(&[5, 1, 4, 2, 3]), Some(3));
        // Even: ⌈0.5·4⌉ = rank 2 of 10 20 30 40 — no interpolation to 25.
        assert_eq!(median(&[40, 10, 30, 20]), Some(20));
    }

    #[test]
    fn the_90th_percentile_takes_the_nearest_rank_upwards() {
        let ten: Vec<u64> = (1..=10).map(|v| v * 10).collect();
        // ⌈0.9·10⌉ = rank 9.
        assert_eq!(percentile_90(&ten), Some(90));
        let eleven: Vec<u64> = (1..=11).rev().collect();
        // ⌈0.9·11⌉ = ⌈9.9⌉ = rank 10.
        assert_eq!(percentile_90(&eleven), Some(10));
        // ⌈0.9·3⌉ = rank 3: with few values the 90th is the largest.
        assert_eq!(percentile_90(&[3, 1, 2]), Some(3));
        assert_eq!(percentile_90(&[5, 5, 5, 9]), Some(9));
    }

    #[test]
    fn percent_outside_1_to_100_has_no_nearest_rank() {
        assert_eq!(percentile(&[1, 2, 3], 0), None);
        assert_eq!(percentile(&[1, 2, 3], 101), None);
        assert_eq!(percentile(&[1, 2, 3], 100), Some(3));
        assert_eq!(percentile(&[1, 2, 3], 1), Some(1));
    }
}
