//! Reporting periods — day, ISO week, month, year — in Stockholm local time.
//!
//! A period is the calendar days it covers, so a call at 00:30 on a summer
//! night belongs to the day the staff and the residents saw on the clock,
//! not to the UTC day before. Its start and end as instants follow from the
//! Stockholm midnights that bound it: the day summer time begins (last
//! Sunday of March) is 23 hours long, the day it ends (last Sunday of
//! October) 25 hours, and so are the weeks and months around them.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc, Weekday};

use crate::calendar::{stockholm_date, stockholm_midnight};

word_enum! {
    /// How long a reporting period is.
    PeriodKind {
        Day = "day",
        /// Monday to Sunday, numbered by ISO 8601 as Swedish calendars do.
        Week = "week",
        Month = "month",
        Year = "year",
    }
}

/// Periods lie in four-digit years, so every label has one spelling and
/// every period's neighbours exist in the calendar.
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// One reporting period: its kind and its first day (a Monday for weeks,
/// the 1st for months, 1 January for years — guaranteed by construction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    kind: PeriodKind,
    first_day: NaiveDate,
}

impl Period {
    /// The period of `kind` that holds Stockholm calendar date `date`; None
    /// outside the years 1–9999.
    pub fn of_date(kind: PeriodKind, date: NaiveDate) -> Option<Period> {
        let (first_day, year) = match kind {
            PeriodKind::Day => (Some(date), date.year()),
            PeriodKind::Week => {
                let monday = date.week(Weekday::Mon).first_day();
                (Some(monday), date.iso_week().year())
            }
            PeriodKind::Month => (date.with_day(1), date.year()),
            PeriodKind::Year => (NaiveDate::from_ymd_opt(date.year(), 1, 1), date.year()),
        };
        let first_day = first_day.filter(|_| YEARS.contains(&year))?;
        Some(Period { kind, first_day })
    }

    /// The period of `kind` an instant falls in, by the Stockholm wall clock.
    pub fn containing(kind: PeriodKind, at: DateTime<Utc>) -> Option<Period> {
        Period::of_date(kind, stockholm_date(at))
    }

    /// Reads a label as [`Period::label`] writes it: `2026`, `2026-12`,
    /// `2026-W49` or `2026-12-31`.
    pub fn parse(label: &str) -> Option<Period> {
        let number = |part: &str, len: usize| {
            (part.len() == len && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse::<u32>().ok())
                .flatten()
        };
        let year = |part: &str| number(part, 4).and_then(|y| i32::try_from(y).ok());
        let parts: Vec<&str> = label.split('-').collect();
        let (kind, date) = match parts.as_slice() {
            [y] => (PeriodKind::Year, NaiveDate::from_ymd_opt(year(y)?, 1, 1)),
            [y, w] if w.starts_with('W') => (
                PeriodKind::Week,
                NaiveDate::from_isoywd_opt(year(y)?, number(&w[1..], 2)?, Weekday::Mon),
            ),
            [y, m] => (
                PeriodKind::Month,
                NaiveDate::from_ymd_opt(year(y)?, number(m, 2)?, 1),
            ),
            [y, m, d] => (
                PeriodKind::Day,
                NaiveDate::from_ymd_opt(year(y)?, number(m, 2)?, number(d, 2)?),
            ),
            _ => return None,
        };
        Period::of_date(kind, date?)
    }

    pub fn kind(&self) -> PeriodKind {
        self.kind
    }

    pub fn first_day(&self) -> NaiveDate {
        self.first_day
    }

    pub fn last_day(&self) -> NaiveDate {
        self.day_after().pred_opt().unwrap_or(self.first_day)
    }

    /// The first day of the next period.
    fn day_after(&self) -> NaiveDate {
        let next = match self.kind {
            PeriodKind::Day => self.first_day.checked_add_days(Days::new(1)),
            PeriodKind::Week => self.first_day.checked_add_days(Days::new(7)),
            PeriodKind::Month => self.first_day.checked_add_months(Months::new(1)),
            PeriodKind::Year => self.first_day.checked_add_months(Months::new(12)),
        };
        // Periods end by the year 10000, which the calendar holds.
        next.unwrap_or(NaiveDate::MAX)
    }

    /// The instant the period begins (Stockholm midnight of its first day).
    pub fn start(&self) -> DateTime<Utc> {
        stockholm_midnight(self.first_day)
    }

    /// The instant the next period begins; the period is `start <= t < end`.
    pub fn end(&self) -> DateTime<Utc> {
        stockholm_midnight(self.day_after())
    }

    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.start() <= at && at < self.end()
    }

    /// The period just before; None before the year 1.
    pub fn previous(&self) -> Option<Period> {
        Period::of_date(self.kind, self.first_day.pred_opt()?)
    }

    /// The period just after; None after the year 9999.
    pub fn next(&self) -> Option<Period> {
        Period::of_date(self.kind, self.day_after())
    }

    /// The period to compare with a year earlier: the same date (29 February
    /// becomes 28 February), the same month or the previous year; for an
    /// ISO week the same week number of the previous ISO year, or week 52
    /// when that year has no week 53.
    pub fn same_period_last_year(&self) -> Option<Period> {
        let date = match self.kind {
            PeriodKind::Week => {
                let iso = self.first_day.iso_week();
                let last_year = iso.year().checked_sub(1)?;
                NaiveDate::from_isoywd_opt(last_year, iso.week(), Weekday::Mon)
                    .or_else(|| NaiveDate::from_isoywd_opt(last_year, 52, Weekday::Mon))?
            }
            _ => self.first_day.checked_sub_months(Months::new(12))?,
        };
        Period::of_date(self.kind, date)
    }

    /// `2026-12-31`, `2026-W53`, `2026-12` or `2026`.
    pub fn label(&self) -> String {
        let d = self.first_day;
        match self.kind {
            PeriodKind::Day => format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
            PeriodKind::Week => {
                let iso = d.iso_week();
                format!("{:04}-W{:02}", iso.year(), iso.week())
            }
            PeriodKind::Month => format!("{:04}-{:02}", d.year(), d.month()),
            PeriodKind::Year => format!("{:04}", d.year()),
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("instant")
            .with_timezone(&Utc)
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn period(label: &str) -> Period {
        Period::parse(label).expect("period label")
    }

    fn label_of(kind: PeriodKind, at: &str) -> String {
        Period::containing(kind, utc(at)).expect("period").label()
    }

    #[test]
    fn iso_weeks_cross_the_turn_of_the_year() {
        // 2026 begins on a Thursday, so it has 53 ISO weeks.
        assert_eq!(
            label_of(PeriodKind::Week, "2026-12-31T12:00:00Z"),
            "2026-W53"
        );
        assert_eq!(
            label_of(PeriodKind::Week, "2027-01-03T12:00:00Z"),
            "2026-W53"
        );
        assert_eq!(
            label_of(PeriodKind::Week, "2027-01-04T12:00:00Z"),
            "2027-W01"
        );
        // 2008-W01 began on Monday 31 December 2007.
        assert_eq!(
            label_of(PeriodKind::Week, "2007-12-31T08:00:00Z"),
            "2008-W01"
        );
        let w53 = period("2026-W53");
        assert_eq!(w53.first_day(), date(2026, 12, 28));
        assert_eq!(w53.last_day(), date(2027, 1, 3));
        assert_eq!(w53.next().expect("next").label(), "2027-W01");
        assert_eq!(period("2027-W01").previous(), Some(w53));
    }

    #[test]
    fn an_instant_is_bucketed_by_the_stockholm_clock() {
        // 23:30 UTC on New Year's Eve is already 00:30 on New Year's Day.
        assert_eq!(
            label_of(PeriodKind::Day, "2026-12-31T23:30:00Z"),
            "2027-01-01"
        );
        assert_eq!(
            label_of(PeriodKind::Month, "2026-12-31T23:30:00Z"),
            "2027-01"
        );
        assert_eq!(label_of(PeriodKind::Year, "2026-12-31T23:30:00Z"), "2027");
        // In summer the day turns two hours before UTC's.
        assert_eq!(
            label_of(PeriodKind::Day, "2026-06-30T22:00:00Z"),
            "2026-07-01"
        );
        assert_eq!(
            label_of(PeriodKind::Day, "2026-06-30T21:59:59Z"),
            "2026-06-30"
        );
    }

    #[test]
    fn the_day_summer_time_begins_has_23_hours() {
        let day = period("2026-03-29");
        assert_eq!(day.start(), utc("2026-03-28T23:00:00Z"));
        assert_eq!(day.end(), utc("2026-03-29T22:00:00Z"));
        assert_eq!((day.end() - day.start()).num_hours(), 23);
        // 01:30 CET, before the jump, and 03:30 CEST, after it.
        assert!(day.contains(utc("2026-03-29T00:30:00Z")));
        assert!(day.contains(utc("2026-03-29T01:30:00Z")));
        assert!(!day.contains(utc("2026-03-29T22:00:00Z")));
        assert_eq!(
            label_of(PeriodKind::Day, "2026-03-29T21:59:59Z"),
            "2026-03-29"
        );
        assert_eq!(
            label_of(PeriodKind::Day, "2026-03-29T22:00:00Z"),
            "2026-03-30"
        );
        // Week 13 ends that Sunday: seven days less an hour.
        let week = period("2026-W13");
        assert_eq!(week.start(), utc("2026-03-22T23:00:00Z"));
        assert_eq!(week.end(), utc("2026-03-29T22:00:00Z"));
        let march = period("2026-03");
        assert_eq!(march.start(), utc("2026-02-28T23:00:00Z"));
        assert_eq!(march.end(), utc("2026-03-31T22:00:00Z"));
    }

    #[test]
    fn the_day_summer_time_ends_has_25_hours() {
        let day = period("2026-10-25");
        assert_eq!(day.start(), utc("2026-10-24T22:00:00Z"));
        assert_eq!(day.end(), utc("2026-10-25T23:00:00Z"));
        assert_eq!((day.end() - day.start()).num_hours(), 25);
        // 02:30 happens twice that night; both belong to the 25th.
        assert_eq!(
            label_of(PeriodKind::Day, "2026-10-25T00:30:00Z"),
            "2026-10-25"
        );
        assert_eq!(
            label_of(PeriodKind::Day, "2026-10-25T01:30:00Z"),
            "2026-10-25"
        );
        assert_eq!(
            label_of(PeriodKind::Day, "2026-10-25T22:59:59Z"),
            "2026-10-25"
        );
        assert_eq!(
            label_of(PeriodKind::Day, "2026-10-25T23:00:00Z"),
            "2026-10-26"
        );
        let year = period("2026");
        assert_eq!(year.start(), utc("2025-12-31T23:00:00Z"));
        assert_eq!(year.end(), utc("2026-12-31T23:00:00Z"));
    }

    #[test]
    fn previous_periods() {
        let previous = |label: &str| period(label).previous().expect("previous").label();
        assert_eq!(previous("2026-03-01"), "2026-02-28");
        assert_eq!(previous("2024-03-01"), "2024-02-29");
        assert_eq!(previous("2026-W01"), "2025-W52");
        assert_eq!(previous("2026-01"), "2025-12");
        assert_eq!(previous("2026"), "2025");
        assert_eq!(period("0001").previous(), None);
        assert_eq!(period("9999-12").next(), None);
    }

    #[test]
    fn same_period_last_year() {
        let last_year = |label: &str| {
            period(label)
                .same_period_last_year()
                .expect("period")
                .label()
        };
        assert_eq!(last_year("2026-W49"), "2025-W49");
        // 2025 has no week 53: its week 52 stands in.
        assert_eq!(last_year("2026-W53"), "2025-W52");
        assert_eq!(last_year("2027-W01"), "2026-W01");
        assert_eq!(last_year("2021-W01"), "2020-W01");
        assert_eq!(last_year("2024-02-29"), "2023-02-28");
        assert_eq!(last_year("2026-12-31"), "2025-12-31");
        assert_eq!(last_year("2026-12"), "2025-12");
        assert_eq!(last_year("2026"), "2025");
    }

    #[test]
    fn labels_read_back_and_nothing_else_reads() {
        for label in [
            "2026",
            "2026-12",
            "2026-W49",
            "2026-W05",
            "2026-12-31",
            "0001",
        ] {
            assert_eq!(period(label).label(), label);
            assert_eq!(period(label).to_string(), label);
        }
        assert_eq!(period("2026-W49").kind(), PeriodKind::Week);
        assert_eq!(period("2026-W49").first_day(), date(2026, 11, 30));
        for bad in [
            "",
            "26",
            "2026-1",
            "2026-13",
            "2025-W53",
            "2026-W54",
            "2026-W5",
            "2026-02-30",
            "2026-12-31-1",
            "+2026",
            "2026-W+1",
            "2026-+1",
            "abcd",
            "10000",
            "0000",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_date_is_in_the_period_that_holds_it() {
        let d = date(2026, 12, 31);
        assert_eq!(
            Period::of_date(PeriodKind::Month, d).map(|p| p.first_day()),
            Some(date(2026, 12, 1))
        );
        assert_eq!(
            Period::of_date(PeriodKind::Year, d).map(|p| p.last_day()),
            Some(d)
        );
        assert_eq!(Period::of_date(PeriodKind::Day, date(10_000, 1, 1)), None);
        assert_eq!(Period::of_date(PeriodKind::Week, date(0, 12, 31)), None);
    }
}
