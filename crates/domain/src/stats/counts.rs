//! The counts every case figure is made of, as the store adds them up from
//! the anonymous facts and the statistics fold them into periods and
//! breakdowns.

use serde::{Deserialize, Serialize};

/// Cases, their first-contact resolution, hand-overs, closures and the
/// deadlines they met.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseCounts {
    pub cases: u64,
    pub first_contact: u64,
    pub handed_over: u64,
    pub closed: u64,
    /// With a feedback deadline that is past or was met by closing.
    pub deadline_due: u64,
    /// Of those, closed on or before the deadline.
    pub deadline_met: u64,
    /// Written contacts answered, or whose answer is overdue.
    pub response_due: u64,
    /// Of those, answered in time.
    pub response_met: u64,
}

impl CaseCounts {
    pub fn add(&mut self, other: &CaseCounts) {
        self.cases += other.cases;
        self.first_contact += other.first_contact;
        self.handed_over += other.handed_over;
        self.closed += other.closed;
        self.deadline_due += other.deadline_due;
        self.deadline_met += other.deadline_met;
        self.response_due += other.response_due;
        self.response_met += other.response_met;
    }

    /// Counts from a row in field order (as `as_row` gives it).
    pub fn from_row(row: [u64; 8]) -> CaseCounts {
        let [cases, first_contact, handed_over, closed, deadline_due, deadline_met, response_due, response_met] =
            row;
        CaseCounts {
            cases,
            first_contact,
            handed_over,
            closed,
            deadline_due,
            deadline_met,
            response_due,
            response_met,
        }
    }

    /// The counts in field order, as one row of a published table.
    pub fn as_row(&self) -> [u64; 8] {
        [
            self.cases,
            self.first_contact,
            self.handed_over,
            self.closed,
            self.deadline_due,
            self.deadline_met,
            self.response_due,
            self.response_met,
        ]
    }
}
