//! Cost allocation (debiteringsunderlag): the centre's cost for a period,
//! split between the boards it served by an allocation key.
//!
//! Amounts are whole öre. Each board's exact share is rarely a whole öre,
//! so parts are rounded by the largest-remainder method: every board gets
//! its share rounded down, and the öre left over go one each to the boards
//! with the largest remainders (equal remainders: the board first in key
//! order). The parts then sum exactly to the total, no board is more than
//! one öre from its exact share, and the same input always gives the same
//! invoice. The arithmetic is in integers, so nothing depends on floating
//! point.
//!
//! Weights are unsigned, so a negative weight cannot be expressed.

use std::collections::BTreeMap;

use super::StatsError;

/// How the cost is split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllocationKey<K> {
    /// By contacts the centre handled for each board.
    HandledContacts(BTreeMap<K, u64>),
    /// By minutes the centre spent on each board's contacts.
    HandledMinutes(BTreeMap<K, u64>),
    /// By several weightings at fixed percentages, e.g. the preschool key:
    /// 70 % by each district's share of the city's 0-year-olds and 30 % by
    /// its share of 1–5-year-olds. The percentages must sum to 100.
    Weighted(Vec<WeightedComponent<K>>),
}

/// One weighting of a [`AllocationKey::Weighted`] key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightedComponent<K> {
    /// This component's part of the total, in percent.
    pub percent: u32,
    /// E.g. the number of 0-year-olds per district.
    pub weights: BTreeMap<K, u64>,
}

/// The parts per board, and per component of a weighted key (one entry for
/// the other keys), as an invoice itemises them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation<K> {
    pub parts: BTreeMap<K, i64>,
    pub by_component: Vec<BTreeMap<K, i64>>,
}

/// `total_ore` split by `key`. A weighted key first splits the total between
/// its components by their percentages and then each component's amount by
/// its weights, both by largest remainder — the way the city's own tables
/// show a cost per component — so a board's part is within one öre per
/// component of its exact share and the parts still sum to the total.
pub fn allocate<K: Ord + Clone>(
    total_ore: i64,
    key: &AllocationKey<K>,
) -> Result<Allocation<K>, StatsError> {
    match key {
        AllocationKey::HandledContacts(weights) | AllocationKey::HandledMinutes(weights) => {
            let parts = split_by_weights(total_ore, weights)?;
            Ok(Allocation {
                by_component: vec![parts.clone()],
                parts,
            })
        }
        AllocationKey::Weighted(components) => {
            if components.is_empty() {
                return Err(StatsError::EmptyKey);
            }
            let sum: u64 = components.iter().map(|c| u64::from(c.percent)).sum();
            if sum != 100 {
                return Err(StatsError::ComponentsNotWhole { sum });
            }
            let percents: BTreeMap<usize, u64> = components
                .iter()
                .enumerate()
                .map(|(i, c)| (i, u64::from(c.percent)))
                .collect();
            let amounts = split_by_weights(total_ore, &percents)?;
            let mut parts: BTreeMap<K, i64> = BTreeMap::new();
            let mut by_component = Vec::with_capacity(components.len());
            for (i, component) in components.iter().enumerate() {
                let amount = amounts.get(&i).copied().unwrap_or(0);
                let split = split_by_weights(amount, &component.weights)?;
                for (board, part) in &split {
                    *parts.entry(board.clone()).or_insert(0) += part;
                }
                by_component.push(split);
            }
            Ok(Allocation {
                parts,
                by_component,
            })
        }
    }
}

/// `total_ore` split in proportion to `weights`, by largest remainder.
pub fn split_by_weights<K: Ord + Clone>(
    total_ore: i64,
    weights: &BTreeMap<K, u64>,
) -> Result<BTreeMap<K, i64>, StatsError> {
    let total =
        u64::try_from(total_ore).map_err(|_| StatsError::NegativeTotal { total: total_ore })?;
    if weights.is_empty() {
        return Err(StatsError::EmptyKey);
    }
    let weight_sum: u128 = weights.values().map(|&w| u128::from(w)).sum();
    if weight_sum == 0 {
        return Err(StatsError::ZeroWeights);
    }
    // total · weight < 2^63 · 2^64: no overflow in u128.
    let mut shares: Vec<(&K, u128, u128)> = weights
        .iter()
        .map(|(key, &weight)| {
            let exact = u128::from(total) * u128::from(weight);
            (key, exact / weight_sum, exact % weight_sum)
        })
        .collect();
    let rounded_down: u128 = shares.iter().map(|(_, part, _)| part).sum();
    // Fewer than one öre per board is left over.
    let left_over = usize::try_from(u128::from(total) - rounded_down).unwrap_or(usize::MAX);
    let mut by_remainder: Vec<usize> = (0..shares.len()).collect();
    // Stable: equal remainders keep key order.
    by_remainder.sort_by(|&a, &b| shares[b].2.cmp(&shares[a].2));
    for &i in by_remainder.iter().take(left_over) {
        shares[i].1 += 1;
    }
    Ok(shares
        .into_iter()
        // Each part is at most the total, which came from an i64.
        .map(|(key, part, _)| (key.clone(), i64::try_from(part).unwrap_or(i64::MAX)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weights(pairs: &[(&'static str, u64)]) -> BTreeMap<&'static str, u64> {
        pairs.iter().copied().collect()
    }

    fn parts(pairs: &[(&'static str, i64)]) -> BTreeMap<&'static str, i64> {
        pairs.iter().copied().collect()
    }

    #[test]
    fn leftover_ore_go_to_the_largest_remainders() {
        // 100 · 1/7 = 14.29, 100 · 2/7 = 28.57, 100 · 4/7 = 57.14: 99 rounded
        // down; the öre left goes to b, whose remainder (4/7) is largest.
        assert_eq!(
            split_by_weights(100, &weights(&[("a", 1), ("b", 2), ("c", 4)])),
            Ok(parts(&[("a", 14), ("b", 29), ("c", 57)]))
        );
        // Exact shares need no rounding.
        assert_eq!(
            split_by_weights(10, &weights(&[("a", 7), ("b", 2), ("c", 1)])),
            Ok(parts(&[("a", 7), ("b", 2), ("c", 1)]))
        );
    }

    #[test]
    fn equal_remainders_are_broken_by_key_order() {
        assert_eq!(
            split_by_weights(100, &weights(&[("c", 1), ("a", 1), ("b", 1)])),
            Ok(parts(&[("a", 34), ("b", 33), ("c", 33)]))
        );
        assert_eq!(
            split_by_weights(5, &weights(&[("a", 1), ("b", 1), ("c", 1), ("d", 1)])),
            Ok(parts(&[("a", 2), ("b", 1), ("c", 1), ("d", 1)]))
        );
    }

    #[test]
    fn a_board_with_no_weight_pays_nothing_and_zero_costs_nothing() {
        assert_eq!(
            split_by_weights(99, &weights(&[("a", 0), ("b", 3)])),
            Ok(parts(&[("a", 0), ("b", 99)]))
        );
        assert_eq!(
            split_by_weights(0, &weights(&[("a", 1), ("b", 3)])),
            Ok(parts(&[("a", 0), ("b", 0)]))
        );
    }

    #[test]
    fn the_largest_amounts_and_weights_do_not_overflow() {
        let split =
            split_by_weights(i64::MAX, &weights(&[("a", u64::MAX), ("b", 1)])).expect("split");
        assert_eq!(
            split.values().map(|&p| i128::from(p)).sum::<i128>(),
            i128::from(i64::MAX)
        );
        // b's exact share is 0.4999… öre; a's remainder is the larger.
        assert_eq!((split["a"], split["b"]), (i64::MAX, 0));
    }

    #[test]
    fn bad_keys_and_totals_are_refused() {
        assert_eq!(
            split_by_weights(100, &weights(&[])),
            Err(StatsError::EmptyKey)
        );
        assert_eq!(
            split_by_weights(100, &weights(&[("a", 0), ("b", 0)])),
            Err(StatsError::ZeroWeights)
        );
        assert_eq!(
            split_by_weights(-1, &weights(&[("a", 1)])),
            Err(StatsError::NegativeTotal { total: -1 })
        );
        let component = |percent| WeightedComponent {
            percent,
            weights: weights(&[("a", 1)]),
        };
        assert_eq!(
            allocate(
                100,
                &AllocationKey::Weighted(vec![component(70), component(20)])
            ),
            Err(StatsError::ComponentsNotWhole { sum: 90 })
        );
        assert_eq!(
            allocate(
                100,
                &AllocationKey::Weighted(vec![component(70), component(40)])
            ),
            Err(StatsError::ComponentsNotWhole { sum: 110 })
        );
        assert_eq!(
            allocate(100, &AllocationKey::<&str>::Weighted(vec![])),
            Err(StatsError::EmptyKey)
        );
        let empty_component = WeightedComponent {
            percent: 30,
            weights: BTreeMap::new(),
        };
        assert_eq!(
            allocate(
                100,
                &AllocationKey::Weighted(vec![component(70), empty_component])
            ),
            Err(StatsError::EmptyKey)
        );
        assert_eq!(
            allocate(-5, &AllocationKey::HandledContacts(weights(&[("a", 1)]))),
            Err(StatsError::NegativeTotal { total: -5 })
        );
    }

    #[test]
    fn by_handled_contacts_or_minutes() {
        let minutes = AllocationKey::HandledMinutes(weights(&[
            ("education", 1_200),
            ("environment", 300),
            ("traffic", 500),
        ]));
        // 1 000 000 öre over 2 000 minutes: 500 öre a minute.
        let allocation = allocate(1_000_000, &minutes).expect("allocation");
        assert_eq!(
            allocation.parts,
            parts(&[
                ("education", 600_000),
                ("environment", 150_000),
                ("traffic", 250_000)
            ])
        );
        assert_eq!(allocation.by_component, vec![allocation.parts.clone()]);
        let contacts = AllocationKey::HandledContacts(weights(&[("a", 2), ("b", 1)]));
        // 1 000 · 2/3 = 666.67, 1 000 · 1/3 = 333.33: a's remainder is larger.
        assert_eq!(
            allocate(1_000, &contacts).expect("allocation").parts,
            parts(&[("a", 667), ("b", 333)])
        );
    }

    /// `seeds/000_…`: the preschool questions' cost for 2009, 4.0 million
    /// kronor, 70 % by each district's share of 0-year-olds and 30 % by its
    /// share of 1–5-year-olds (USK's forecast for 2009). The city's table
    /// rounded each column to 0.1 million first, so its columns add up to
    /// 2.6 + 1.4; here they are exactly 2.8 + 1.2 million.
    #[test]
    fn the_preschool_key_of_2009() {
        let children: [(&str, u64, u64); 14] = [
            ("Rinkeby-Kista", 695, 3300),
            ("Spånga-Tensta", 601, 3027),
            ("Hässelby-Vällingby", 827, 4290),
            ("Bromma", 857, 4412),
            ("Kungsholmen", 945, 2801),
            ("Norrmalm", 1113, 3344),
            ("Östermalm", 768, 2882),
            ("Södermalm", 1716, 6155),
            ("Enskede-Årsta-Vantör", 1351, 5743),
            ("Skarpnäck", 650, 2681),
            ("Farsta", 623, 2906),
            ("Älvsjö", 366, 1913),
            ("Hägersten-Liljeholmen", 1168, 4473),
            ("Skärholmen", 487, 2361),
        ];
        let key = AllocationKey::Weighted(vec![
            WeightedComponent {
                percent: 70,
                weights: children.iter().map(|&(d, age0, _)| (d, age0)).collect(),
            },
            WeightedComponent {
                percent: 30,
                weights: children.iter().map(|&(d, _, age1_5)| (d, age1_5)).collect(),
            },
        ]);
        let total = 400_000_000; // 4.0 million kronor in öre
        let allocation = allocate(total, &key).expect("allocation");
        assert_eq!(allocation.parts.values().sum::<i64>(), total);
        assert_eq!(
            allocation.by_component[0].values().sum::<i64>(),
            280_000_000
        );
        assert_eq!(
            allocation.by_component[1].values().sum::<i64>(),
            120_000_000
        );
        // Rinkeby-Kista: 280 000 000 · 695/12 167 = 15 994 082.34 and
        // 120 000 000 · 3 300/50 288 = 7 874 642.06.
        assert_eq!(allocation.by_component[0]["Rinkeby-Kista"], 15_994_082);
        assert_eq!(allocation.by_component[1]["Rinkeby-Kista"], 7_874_642);
        assert_eq!(allocation.parts["Rinkeby-Kista"], 23_868_724);
        // Södermalm: 39 490 424.92 + 14 687 400.57, both rounded up (large remainders).
        assert_eq!(allocation.parts["Södermalm"], 54_177_826);
        let (sum0, sum1) = (12_167.0, 50_288.0);
        for (district, age0, age1_5) in children {
            let exact = 0.7 * 4e8 * age0 as f64 / sum0 + 0.3 * 4e8 * age1_5 as f64 / sum1;
            let part = allocation.parts[district] as f64;
            assert!((part - exact).abs() < 2.0, "{district}: {part} vs {exact}");
        }
    }
}
