//! Swedish working days, for feedback deadlines.
//!
//! A working day is a Monday–Friday that is neither a public holiday nor one of
//! the eves that are non-working in practice (midsommarafton, julafton, nyårsafton).
//! Today's rules (national day since 2005) are applied to every year.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc, Weekday};

/// A non-working day other than an ordinary weekend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name_sv: &'static str,
    pub name_en: &'static str,
    /// False for the eves, which are not public holidays by law but are not worked.
    pub statutory: bool,
}

/// Easter Sunday (Gregorian) of `year`.
///
/// For a year chrono cannot represent (beyond about ±262 000) this saturates to
/// `NaiveDate::MIN` or `NaiveDate::MAX` rather than panicking.
pub fn easter_sunday(year: i32) -> NaiveDate {
    easter_sunday_opt(year).unwrap_or(if year < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}

/// Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
/// Euclidean division keeps the intermediate values in range for any year.
fn easter_sunday_opt(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let n = h + l - 7 * m + 114;
    let month = u32::try_from(n / 31).ok()?;
    let day = u32::try_from(n % 31 + 1).ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The first `weekday` on or after `month`-`day` of `year`.
fn first_on_or_after(year: i32, month: u32, day: u32, weekday: Weekday) -> Option<NaiveDate> {
    let start = NaiveDate::from_ymd_opt(year, month, day)?;
    let ahead = (7 + weekday.num_days_from_monday() - start.weekday().num_days_from_monday()) % 7;
    start.checked_add_days(Days::new(u64::from(ahead)))
}

/// All Swedish public holidays and non-working eves of `year`, sorted by date.
/// Kristi himmelsfärdsdag can fall on 1 May; then both are listed.
pub fn holidays(year: i32) -> Vec<Holiday> {
    let fixed = |month, day| NaiveDate::from_ymd_opt(year, month, day);
    let easter = easter_sunday_opt(year);
    let after_easter = |days: u64| easter.and_then(|e| e.checked_add_days(Days::new(days)));
    let good_friday = easter.and_then(|e| e.checked_sub_days(Days::new(2)));
    let midsummer_eve = first_on_or_after(year, 6, 19, Weekday::Fri);
    let midsummer_day = midsummer_eve.and_then(|d| d.succ_opt());
    let all_saints = first_on_or_after(year, 10, 31, Weekday::Sat);

    let candidates = [
        (fixed(1, 1), "Nyårsdagen", "New Year's Day", true),
        (fixed(1, 6), "Trettondedag jul", "Epiphany", true),
        (good_friday, "Långfredagen", "Good Friday", true),
        (easter, "Påskdagen", "Easter Sunday", true),
        (after_easter(1), "Annandag påsk", "Easter Monday", true),
        (fixed(5, 1), "Första maj", "May Day", true),
        (
            after_easter(39),
            "Kristi himmelsfärdsdag",
            "Ascension Day",
            true,
        ),
        (after_easter(49), "Pingstdagen", "Whit Sunday", true),
        (
            fixed(6, 6),
            "Sveriges nationaldag",
            "National Day of Sweden",
            true,
        ),
        (midsummer_eve, "Midsommarafton", "Midsummer Eve", false),
        (midsummer_day, "Midsommardagen", "Midsummer Day", true),
        (all_saints, "Alla helgons dag", "All Saints' Day", true),
        (fixed(12, 24), "Julafton", "Christmas Eve", false),
        (fixed(12, 25), "Juldagen", "Christmas Day", true),
        (fixed(12, 26), "Annandag jul", "Boxing Day", true),
        (fixed(12, 31), "Nyårsafton", "New Year's Eve", false),
    ];
    let mut holidays: Vec<Holiday> = candidates
        .into_iter()
        .filter_map(|(date, name_sv, name_en, statutory)| {
            date.map(|date| Holiday {
                date,
                name_sv,
                name_en,
                statutory,
            })
        })
        .collect();
    // Stable, so same-day holidays keep the order above.
    holidays.sort_by_key(|holiday| holiday.date);
    holidays
}

/// True unless `date` is a Saturday, a Sunday, a public holiday or a non-working eve.
///
/// Must agree with [`holidays`], but runs in data generation a million times, so it
/// allocates nothing: it only looks for holidays that can fall on a weekday, and
/// computes Easter only in March–June.
pub fn is_working_day(date: NaiveDate) -> bool {
    let weekday = date.weekday();
    if matches!(weekday, Weekday::Sat | Weekday::Sun) {
        return false;
    }
    match (date.month(), date.day()) {
        (1, 1) | (1, 6) | (5, 1) | (6, 6) | (12, 24) | (12, 25) | (12, 26) | (12, 31) => false,
        // Midsommarafton is the Friday in 19–25 June.
        (6, 19..=25) if weekday == Weekday::Fri => false,
        // Easter Sunday is 22 March–25 April, so its weekday holidays fall in
        // 20 March–3 June. Påskdagen and pingstdagen are Sundays, already excluded.
        (3..=6, _) => match easter_sunday_opt(date.year()) {
            Some(easter) => !matches!((date - easter).num_days(), -2 | 1 | 39),
            None => true,
        },
        _ => true,
    }
}

/// The date `days` working days after `from` (`from` itself not counted).
/// days = 0 gives `from` if it is a working day, else the next working day.
///
/// Stops at `NaiveDate::MAX` instead of overflowing.
pub fn add_working_days(from: NaiveDate, days: u32) -> NaiveDate {
    let mut date = from;
    if days == 0 {
        while !is_working_day(date) {
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        return date;
    }
    let mut remaining = days;
    while remaining > 0 {
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
        if is_working_day(date) {
            remaining -= 1;
        }
    }
    date
}

/// Working days in the half-open range (from, to]; 0 if to <= from.
pub fn working_days_between(from: NaiveDate, to: NaiveDate) -> u32 {
    if to <= from {
        return 0;
    }
    let count = from
        .iter_days()
        .skip(1)
        .take_while(|date| *date <= to)
        .filter(|date| is_working_day(*date))
        .count();
    // The whole of chrono's date range has fewer than u32::MAX days.
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// The calendar date in Europe/Stockholm of an instant.
pub fn stockholm_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Stockholm).date_naive()
}

/// The wall-clock time in Europe/Stockholm of an instant.
pub fn stockholm_local(at: DateTime<Utc>) -> chrono::NaiveDateTime {
    at.with_timezone(&chrono_tz::Europe::Stockholm)
        .naive_local()
}

/// An instant as Stockholm's clock shows it, to the minute: "2026-12-07 09:30".
pub fn stockholm_minute(at: DateTime<Utc>) -> String {
    stockholm_local(at).format("%Y-%m-%d %H:%M").to_string()
}

/// Today's date in Europe/Stockholm.
pub fn stockholm_today() -> NaiveDate {
    stockholm_date(Utc::now())
}

/// The instant a Stockholm calendar day begins (midnight never falls in a
/// summer-time gap in Sweden, whose clocks change at 02:00/03:00).
pub fn stockholm_midnight(date: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    chrono_tz::Europe::Stockholm
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

/// The instant of a Stockholm wall-clock time; None for a time that does
/// not exist (the hour skipped when summer time begins). An hour that
/// happens twice (autumn) is taken the first time.
pub fn stockholm_to_utc(local: chrono::NaiveDateTime) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    chrono_tz::Europe::Stockholm
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stockholm_midnight_follows_summer_time() {
        let winter = NaiveDate::from_ymd_opt(2026, 1, 15).expect("date");
        let summer = NaiveDate::from_ymd_opt(2026, 7, 15).expect("date");
        assert_eq!(
            stockholm_midnight(winter).to_rfc3339(),
            "2026-01-14T23:00:00+00:00"
        );
        assert_eq!(
            stockholm_midnight(summer).to_rfc3339(),
            "2026-07-14T22:00:00+00:00"
        );
    }

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
    }

    fn ymd(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("valid test date")
    }

    #[test]
    fn easter_dates() {
        let cases = [
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2027, "2027-03-28"),
            (2038, "2038-04-25"),
            (2008, "2008-03-23"),
            (2000, "2000-04-23"),
            (1961, "1961-04-02"),
            (1943, "1943-04-25"), // latest possible
            (1818, "1818-03-22"), // earliest possible
            (2285, "2285-03-22"),
            (2019, "2019-04-21"),
            (2030, "2030-04-21"),
            (1583, "1583-04-10"),
        ];
        for (year, expected) in cases {
            assert_eq!(easter_sunday(year), ymd(expected), "{year}");
        }
        for year in 1583..=4099 {
            let easter = easter_sunday(year);
            assert_eq!(easter.weekday(), Weekday::Sun, "{year}");
            assert!(easter >= date(year, 3, 22) && easter <= date(year, 4, 25));
        }
    }

    #[test]
    fn easter_saturates_outside_chrono_range() {
        assert_eq!(easter_sunday(i32::MAX), NaiveDate::MAX);
        assert_eq!(easter_sunday(i32::MIN), NaiveDate::MIN);
        assert!(holidays(i32::MAX).is_empty());
        // Near the edges nothing panics.
        let _ = is_working_day(NaiveDate::MAX);
        let _ = is_working_day(NaiveDate::MIN);
        assert_eq!(add_working_days(NaiveDate::MAX, 5), NaiveDate::MAX);
    }

    #[test]
    fn holidays_2026() {
        let expected = [
            ("2026-01-01", "Nyårsdagen", true),
            ("2026-01-06", "Trettondedag jul", true),
            ("2026-04-03", "Långfredagen", true),
            ("2026-04-05", "Påskdagen", true),
            ("2026-04-06", "Annandag påsk", true),
            ("2026-05-01", "Första maj", true),
            ("2026-05-14", "Kristi himmelsfärdsdag", true),
            ("2026-05-24", "Pingstdagen", true),
            ("2026-06-06", "Sveriges nationaldag", true),
            ("2026-06-19", "Midsommarafton", false),
            ("2026-06-20", "Midsommardagen", true),
            ("2026-10-31", "Alla helgons dag", true),
            ("2026-12-24", "Julafton", false),
            ("2026-12-25", "Juldagen", true),
            ("2026-12-26", "Annandag jul", true),
            ("2026-12-31", "Nyårsafton", false),
        ];
        let got: Vec<_> = holidays(2026)
            .into_iter()
            .map(|h| (h.date, h.name_sv, h.statutory))
            .collect();
        let expected: Vec<_> = expected
            .iter()
            .map(|&(d, name, statutory)| (ymd(d), name, statutory))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn moving_holidays() {
        // (year, midsommarafton, alla helgons dag)
        let cases = [
            (2024, "2024-06-21", "2024-11-02"),
            (2025, "2025-06-20", "2025-11-01"),
            (2026, "2026-06-19", "2026-10-31"),
            (2027, "2027-06-25", "2027-11-06"),
            (2028, "2028-06-23", "2028-11-04"),
        ];
        for (year, eve, all_saints) in cases {
            let list = holidays(year);
            let find = |name: &str| {
                list.iter()
                    .find(|h| h.name_sv == name)
                    .map(|h| h.date)
                    .expect("listed")
            };
            assert_eq!(find("Midsommarafton"), ymd(eve), "{year}");
            assert_eq!(find("Midsommardagen"), ymd(eve) + Days::new(1), "{year}");
            assert_eq!(find("Alla helgons dag"), ymd(all_saints), "{year}");
        }
    }

    #[test]
    fn ascension_can_fall_on_may_day() {
        // Easter 2008 was 23 March, so Ascension Day was 1 May.
        let on_may_day: Vec<_> = holidays(2008)
            .into_iter()
            .filter(|h| h.date == date(2008, 5, 1))
            .map(|h| h.name_en)
            .collect();
        assert_eq!(on_may_day, ["May Day", "Ascension Day"]);
    }

    #[test]
    fn holidays_are_sorted_and_complete() {
        for year in 1900..=2200 {
            let list = holidays(year);
            assert_eq!(list.len(), 16, "{year}");
            assert!(list.windows(2).all(|w| w[0].date <= w[1].date), "{year}");
            assert!(list.iter().all(|h| h.date.year() == year), "{year}");
        }
    }

    #[test]
    fn is_working_day_agrees_with_holidays() {
        for year in 1900..=2200 {
            let list = holidays(year);
            for day in date(year, 1, 1)
                .iter_days()
                .take_while(|d| d.year() == year)
            {
                let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
                let holiday = list.iter().any(|h| h.date == day);
                assert_eq!(is_working_day(day), !weekend && !holiday, "{day}");
            }
        }
    }

    #[test]
    fn working_days() {
        let cases = [
            ("2026-04-02", true),  // Skärtorsdag is worked
            ("2026-04-03", false), // Långfredagen
            ("2026-04-06", false), // Annandag påsk
            ("2026-04-07", true),
            ("2026-05-14", false), // Kristi himmelsfärdsdag
            ("2026-05-15", true),  // a "klämdag", still a working day
            ("2026-05-25", true),  // Annandag pingst is no longer a holiday
            ("2026-06-19", false), // Midsommarafton
            ("2026-06-18", true),
            ("2026-06-22", true),
            ("2027-06-25", false), // Midsommarafton
            ("2026-12-24", false),
            ("2026-12-31", false),
            ("2027-01-06", false),
            ("2027-01-07", true),
            ("2026-03-14", false), // Saturday
            ("2026-03-15", false), // Sunday
            ("2026-03-16", true),
            ("2025-06-06", false), // national day on a Friday
            ("2025-11-01", false), // Alla helgons dag, a Saturday
            ("2025-10-31", true),  // the Friday before is worked
        ];
        for (day, working) in cases {
            assert_eq!(is_working_day(ymd(day)), working, "{day}");
        }
    }

    #[test]
    fn adding_working_days() {
        let cases = [
            // Across Easter: Thursday before Good Friday 2026.
            ("2026-04-02", 0, "2026-04-02"),
            ("2026-04-02", 1, "2026-04-07"),
            ("2026-04-02", 2, "2026-04-08"),
            ("2026-04-01", 5, "2026-04-10"),
            // Days = 0 on a non-working day moves to the next working day.
            ("2026-04-04", 0, "2026-04-07"),
            ("2026-03-14", 0, "2026-03-16"),
            ("2026-03-15", 0, "2026-03-16"),
            // Across a weekend.
            ("2026-03-13", 1, "2026-03-16"),
            ("2026-03-14", 1, "2026-03-16"),
            ("2026-03-16", 5, "2026-03-23"),
            ("2026-03-16", 10, "2026-03-30"),
            // Across Christmas and New Year.
            ("2026-12-23", 1, "2026-12-28"),
            ("2026-12-23", 4, "2027-01-04"),
            ("2026-12-23", 5, "2027-01-05"),
            ("2026-12-23", 6, "2027-01-07"),
            ("2026-12-24", 0, "2026-12-28"),
            // Across Midsummer.
            ("2026-06-18", 1, "2026-06-22"),
            ("2026-06-17", 2, "2026-06-22"),
            // Across Ascension Day.
            ("2026-05-13", 1, "2026-05-15"),
            // A long deadline: 20 working days from 1 December 2026.
            ("2026-12-01", 20, "2027-01-04"),
        ];
        for (from, days, expected) in cases {
            assert_eq!(
                add_working_days(ymd(from), days),
                ymd(expected),
                "{from} + {days}"
            );
        }
    }

    #[test]
    fn counting_working_days() {
        let cases = [
            ("2026-04-02", "2026-04-07", 1),
            ("2026-04-02", "2026-04-06", 0),
            ("2026-04-01", "2026-04-10", 5),
            ("2026-03-13", "2026-03-16", 1),
            ("2026-03-16", "2026-03-16", 0),
            ("2026-03-20", "2026-03-16", 0),
            ("2026-12-23", "2027-01-04", 4),
            ("2025-12-31", "2026-12-31", 251),
        ];
        for (from, to, expected) in cases {
            assert_eq!(
                working_days_between(ymd(from), ymd(to)),
                expected,
                "({from}, {to}]"
            );
        }
    }

    #[test]
    fn adding_and_counting_agree() {
        let mut from = date(2025, 1, 1);
        while from < date(2028, 1, 1) {
            for days in [1, 2, 5, 10, 15, 30] {
                let to = add_working_days(from, days);
                assert!(is_working_day(to), "{from} + {days}");
                assert_eq!(working_days_between(from, to), days, "{from} + {days}");
                // No earlier date already has enough working days.
                let day_before = to.pred_opt().expect("in range");
                assert_eq!(working_days_between(from, day_before), days - 1);
            }
            from = from + Days::new(1);
        }
    }

    #[test]
    fn stockholm_dates() {
        let at = |text: &str| {
            DateTime::parse_from_rfc3339(text)
                .expect("valid test instant")
                .with_timezone(&Utc)
        };
        let cases = [
            // Winter, UTC+1.
            ("2026-01-15T22:59:59Z", "2026-01-15"),
            ("2026-01-15T23:00:00Z", "2026-01-16"),
            ("2026-01-15T00:00:00Z", "2026-01-15"),
            ("2025-12-31T23:00:00Z", "2026-01-01"),
            // Summer, UTC+2.
            ("2026-07-15T21:59:59Z", "2026-07-15"),
            ("2026-07-15T22:00:00Z", "2026-07-16"),
            ("2026-07-15T23:30:00Z", "2026-07-16"),
            // Around the changes to and from summer time (29 March and 25 October 2026).
            ("2026-03-28T22:59:59Z", "2026-03-28"),
            ("2026-03-28T23:00:00Z", "2026-03-29"),
            ("2026-10-24T21:59:59Z", "2026-10-24"),
            ("2026-10-24T22:00:00Z", "2026-10-25"),
            ("2026-10-25T22:59:59Z", "2026-10-25"),
            ("2026-10-25T23:00:00Z", "2026-10-26"),
        ];
        for (instant, expected) in cases {
            assert_eq!(stockholm_date(at(instant)), ymd(expected), "{instant}");
        }
    }

    #[test]
    fn stockholm_today_is_close_to_utc_today() {
        let utc = Utc::now().date_naive();
        let today = stockholm_today();
        assert!(
            today == utc || Some(today) == utc.succ_opt(),
            "{today} vs {utc}"
        );
    }
}
