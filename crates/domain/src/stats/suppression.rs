//! Small-count suppression, so no fine breakdown points to a person.
//!
//! **Primary**: a count from 1 to `min_count − 1` is shown as "< 5" (for the
//! default). Zero is shown: it describes nobody, and hiding it would hide
//! that nothing happened.
//!
//! **Secondary**: a row or column with exactly one suppressed cell would give
//! it away by subtraction from the row's or column's total, so its smallest
//! other non-zero cell (the first of equals) is hidden too, shown as "..";
//! a zero only when the line has nothing else left to hide.
//! Hiding one cell can leave another line with a single suppressed cell, so
//! the rule is applied until nothing changes. This is the simple rule, not an
//! optimal cell-suppression search: it hides a little more than needed.
//! Totals printed beside the table must pass [`Suppression::cell`] as well:
//! a row whose only non-zero cell is small has a small total.

use std::fmt;

use serde::Serialize;

/// The rule: counts below `min_count` are not shown. 0 or 1 turns it off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Suppression {
    pub min_count: u32,
}

impl Default for Suppression {
    fn default() -> Self {
        Suppression { min_count: 5 }
    }
}

/// One cell of a published table; in JSON a number, or the text shown
/// ("< 5", "..").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cell {
    Count(u64),
    /// A small count: 1 to `below − 1`. Shown as "< 5".
    Below(u32),
    /// A count hidden so that a small one cannot be worked out. Shown as "..".
    Hidden,
}

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Count(count) => serializer.serialize_u64(*count),
            other => serializer.collect_str(other),
        }
    }
}

impl Cell {
    /// The count, if shown.
    pub fn count(self) -> Option<u64> {
        match self {
            Cell::Count(n) => Some(n),
            _ => None,
        }
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Count(count) => write!(f, "{count}"),
            Cell::Below(min_count) => write!(f, "< {min_count}"),
            Cell::Hidden => f.write_str(".."),
        }
    }
}

impl Suppression {
    /// One figure by the primary rule alone (a total, a single count).
    pub fn cell(&self, count: u64) -> Cell {
        if count > 0 && count < u64::from(self.min_count) {
            Cell::Below(self.min_count)
        } else {
            Cell::Count(count)
        }
    }

    /// A table of counts (rows of columns; a one-dimensional breakdown is a
    /// single row) with primary and secondary suppression applied.
    pub fn protect(&self, table: &[Vec<u64>]) -> Vec<Vec<Cell>> {
        let mut cells: Vec<Vec<Cell>> = table
            .iter()
            .map(|row| row.iter().map(|&count| self.cell(count)).collect())
            .collect();
        let columns = table.iter().map(Vec::len).max().unwrap_or(0);
        let rows: Vec<Vec<(usize, usize)>> = (0..cells.len())
            .map(|r| (0..cells[r].len()).map(|c| (r, c)).collect())
            .collect();
        let cols: Vec<Vec<(usize, usize)>> = (0..columns)
            .map(|c| {
                (0..cells.len())
                    .filter(|&r| c < cells[r].len())
                    .map(|r| (r, c))
                    .collect()
            })
            .collect();
        // Each round hides at least one more cell or stops, so it ends.
        loop {
            let mut changed = false;
            for line in rows.iter().chain(&cols) {
                changed |= hide_complement(&mut cells, line);
            }
            if !changed {
                return cells;
            }
        }
    }
}

/// Hides the smallest shown cell of `line` when exactly one of its cells is
/// suppressed — non-zero first, as hiding a zero protects little; true if
/// it hid one.
fn hide_complement(cells: &mut [Vec<Cell>], line: &[(usize, usize)]) -> bool {
    let suppressed = line
        .iter()
        .filter(|&&(r, c)| !matches!(cells[r][c], Cell::Count(_)))
        .count();
    if suppressed != 1 {
        return false;
    }
    let smallest = line
        .iter()
        .filter_map(|&(r, c)| match cells[r][c] {
            Cell::Count(count) => Some((count == 0, count, (r, c))),
            _ => None,
        })
        .min();
    match smallest {
        Some((_, _, (r, c))) => {
            cells[r][c] = Cell::Hidden;
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Cell = Cell::Below(5);
    const H: Cell = Cell::Hidden;

    fn n(count: u64) -> Cell {
        Cell::Count(count)
    }

    #[test]
    fn counts_from_1_to_4_are_shown_as_below_5() {
        let rule = Suppression::default();
        assert_eq!(rule.cell(0), n(0));
        assert_eq!(rule.cell(1), B);
        assert_eq!(rule.cell(4), B);
        assert_eq!(rule.cell(5), n(5));
        assert_eq!(rule.cell(4).to_string(), "< 5");
        assert_eq!(Cell::Hidden.to_string(), "..");
        assert_eq!(n(12).to_string(), "12");
        let stricter = Suppression { min_count: 10 };
        assert_eq!(stricter.cell(9).to_string(), "< 10");
        assert_eq!(Suppression { min_count: 1 }.cell(1), n(1));
        assert_eq!(Suppression { min_count: 0 }.cell(1), n(1));
    }

    #[test]
    fn a_lone_small_cell_takes_its_smallest_neighbours_with_it() {
        let table = vec![vec![12, 3, 40], vec![7, 9, 15], vec![20, 25, 30]];
        // Row 0 has only the 3: hide the 12. Column 0 then has only the 12:
        // hide the 7. Column 1 has only the 3: hide the 9. Now every line
        // has none or two, and the four hidden cells cannot be solved
        // from the totals (four unknowns, three independent equations).
        assert_eq!(
            Suppression::default().protect(&table),
            vec![
                vec![H, B, n(40)],
                vec![H, H, n(15)],
                vec![n(20), n(25), n(30)]
            ]
        );
    }

    #[test]
    fn two_small_cells_in_a_line_protect_each_other() {
        let table = vec![vec![2, 3, 40, 50]];
        assert_eq!(
            Suppression::default().protect(&table),
            vec![vec![B, B, n(40), n(50)]]
        );
    }

    #[test]
    fn a_one_dimensional_breakdown_hides_its_next_smallest_count() {
        // Equal candidates: the first is hidden. A zero only as a last resort.
        let table = vec![vec![0, 30, 4, 8, 8]];
        assert_eq!(
            Suppression::default().protect(&table),
            vec![vec![n(0), n(30), B, H, n(8)]]
        );
    }

    #[test]
    fn nothing_small_means_nothing_hidden() {
        let table = vec![vec![5, 0, 9], vec![6, 7]];
        assert_eq!(
            Suppression::default().protect(&table),
            vec![vec![n(5), n(0), n(9)], vec![n(6), n(7)]]
        );
        assert_eq!(Suppression::default().protect(&[]), Vec::<Vec<Cell>>::new());
    }

    #[test]
    fn a_zero_is_hidden_when_nothing_else_can_protect_the_small_cell() {
        // Row 0: the 2 has only a zero beside it, which is hidden; then
        // column 0 hides the 10, column 1 the 20. Leaving the 20 shown would
        // give away the 10 from row 1's total, and then the 2 from column 0's.
        let rule = Suppression::default();
        let table = vec![vec![2, 0], vec![10, 20]];
        assert_eq!(rule.protect(&table), vec![vec![B, H], vec![H, H]]);
        // Row 0's total (2) is itself small.
        assert_eq!(rule.cell(2), B);
    }
}
