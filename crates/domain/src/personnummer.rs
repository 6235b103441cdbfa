//! Swedish personal identity numbers (personnummer) and coordination numbers
//! (samordningsnummer).
//!
//! A [`Personnummer`] can only be obtained by parsing or by [`Personnummer::from_parts`],
//! so every value has a real birth date and a correct check digit.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What is wrong with a personnummer. The messages are shown to API clients
/// after the field name, e.g. "personnummer: has a wrong check digit".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonnummerError {
    #[error("is empty")]
    Empty,
    #[error("contains a character other than digits, '-' and '+'")]
    InvalidCharacter,
    #[error("must have 10 or 12 digits")]
    WrongLength,
    #[error("must have exactly one '-' or '+', just before the last four digits, or none")]
    MisplacedSeparator,
    #[error("must not use '+' with a four-digit year")]
    PlusWithFullYear,
    #[error("does not contain a valid date")]
    InvalidDate,
    #[error("has a birth date in the future")]
    FutureDate,
    #[error("has a wrong check digit")]
    WrongCheckDigit,
}

/// A valid Swedish personnummer or samordningsnummer, kept in the canonical
/// form "YYYYMMDD-NNNN" (the day is +60 for a samordningsnummer).
///
/// `Debug` hides the birth number and check digit because the value is personal data.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Personnummer {
    // First, so the derived ordering is by the canonical string: birth date, then birth number.
    canonical: String,
    birth_date: NaiveDate,
    coordination: bool,
}

/// Coordination numbers add this to the day of birth.
const COORDINATION_DAY_OFFSET: u32 = 60;

impl Personnummer {
    /// Accepts "YYYYMMDD-NNNN", "YYYYMMDDNNNN", "YYMMDD-NNNN", "YYMMDDNNNN", "YYMMDD+NNNN"
    /// (the plus marks a person aged 100 or more), surrounding whitespace trimmed.
    /// The century of a 10-digit number is inferred relative to `today` (the person is
    /// at most 99 years old unless '+' is used; a date in the future is not a birth date).
    /// Samordningsnummer: day + 60. Luhn check digit over the 10-digit form.
    pub fn parse(input: &str, today: NaiveDate) -> Result<Self, PersonnummerError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(PersonnummerError::Empty);
        }

        let mut digits: Vec<u8> = Vec::with_capacity(12);
        // The separator and how many digits come before it.
        let mut separator: Option<(char, usize)> = None;
        for c in text.chars() {
            match c {
                // Only ASCII digits: other Unicode digits are not a personnummer.
                '0'..='9' => digits.push(c as u8 - b'0'),
                '-' | '+' if separator.is_none() => separator = Some((c, digits.len())),
                '-' | '+' => return Err(PersonnummerError::MisplacedSeparator),
                _ => return Err(PersonnummerError::InvalidCharacter),
            }
        }
        if digits.len() != 10 && digits.len() != 12 {
            return Err(PersonnummerError::WrongLength);
        }
        if let Some((_, position)) = separator {
            if position != digits.len() - 4 {
                return Err(PersonnummerError::MisplacedSeparator);
            }
        }
        let plus = matches!(separator, Some(('+', _)));

        // The check digit and everything but the century are in the last ten digits.
        let (ten, full_year) = match digits.split_at(digits.len() - 10) {
            (&[], ten) => (ten, None),
            (century, ten) => {
                if plus {
                    return Err(PersonnummerError::PlusWithFullYear);
                }
                (ten, Some(number(century) * 100 + number(&ten[0..2])))
            }
        };

        let month = number(&ten[2..4]);
        let day_field = number(&ten[4..6]);
        let coordination = day_field > COORDINATION_DAY_OFFSET;
        let day = if coordination {
            day_field - COORDINATION_DAY_OFFSET
        } else {
            day_field
        };

        let birth_date = match full_year {
            Some(year) => {
                let year = i32::try_from(year).map_err(|_| PersonnummerError::InvalidDate)?;
                let date = NaiveDate::from_ymd_opt(year, month, day)
                    .ok_or(PersonnummerError::InvalidDate)?;
                if date > today {
                    return Err(PersonnummerError::FutureDate);
                }
                date
            }
            None => {
                // Without '+' the person is under 100, so born on or before today;
                // with '+' born on or before the same day 100 years ago.
                let latest = if plus {
                    today
                        .checked_sub_months(Months::new(12 * 100))
                        .ok_or(PersonnummerError::InvalidDate)?
                } else {
                    today
                };
                infer_century(number(&ten[0..2]), month, day, latest)?
            }
        };

        if luhn_check_digit(&ten[..9]) != ten[9] {
            return Err(PersonnummerError::WrongCheckDigit);
        }
        // The parsed date came from four digits, or was inferred near `today`.
        let serial = number(&ten[6..9]);
        Self::build(birth_date, serial, coordination).ok_or(PersonnummerError::InvalidDate)
    }

    /// [`Personnummer::parse`] with today's date in Europe/Stockholm.
    pub fn parse_today(input: &str) -> Result<Self, PersonnummerError> {
        Self::parse(input, crate::calendar::stockholm_today())
    }

    /// Builds a valid number (check digit computed) — used by the synthetic data generator.
    /// `serial` is the three-digit birth number 0..=999; returns None if serial > 999
    /// or the year does not have four digits (0..=9999).
    ///
    /// The date is not compared with today, so a number built for a future date will
    /// not parse until that date.
    pub fn from_parts(birth_date: NaiveDate, serial: u16, coordination: bool) -> Option<Self> {
        if serial > 999 {
            return None;
        }
        Self::build(birth_date, u32::from(serial), coordination)
    }

    fn build(birth_date: NaiveDate, serial: u32, coordination: bool) -> Option<Self> {
        let year = u32::try_from(birth_date.year())
            .ok()
            .filter(|year| *year <= 9999)?;
        let day_field = birth_date.day()
            + if coordination {
                COORDINATION_DAY_OFFSET
            } else {
                0
            };
        let mut nine = [0u8; 9];
        for (i, part) in [year % 100, birth_date.month(), day_field]
            .iter()
            .enumerate()
        {
            nine[2 * i] = (part / 10) as u8;
            nine[2 * i + 1] = (part % 10) as u8;
        }
        nine[6] = (serial / 100) as u8;
        nine[7] = (serial / 10 % 10) as u8;
        nine[8] = (serial % 10) as u8;
        let check = luhn_check_digit(&nine);
        let canonical = format!(
            "{year:04}{:02}{day_field:02}-{serial:03}{check}",
            birth_date.month()
        );
        Some(Self {
            canonical,
            birth_date,
            coordination,
        })
    }

    /// The canonical form "YYYYMMDD-NNNN".
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// The real date of birth (for a samordningsnummer, without the +60 on the day).
    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// True for a samordningsnummer (coordination number), whose day is +60.
    pub fn is_coordination_number(&self) -> bool {
        self.coordination
    }

    /// "YYYYMMDD-****": enough to tell numbers apart in logs without the full number.
    pub fn masked(&self) -> String {
        let day_field = self.birth_date.day()
            + if self.coordination {
                COORDINATION_DAY_OFFSET
            } else {
                0
            };
        format!(
            "{:04}{:02}{day_field:02}-****",
            self.birth_date.year(),
            self.birth_date.month()
        )
    }
}

/// The latest date with year ending in `yy` that is not after `latest`.
fn infer_century(
    yy: u32,
    month: u32,
    day: u32,
    latest: NaiveDate,
) -> Result<NaiveDate, PersonnummerError> {
    let latest_year = latest.year();
    // `yy` < 100, so this cannot overflow.
    let year = latest_year - (latest_year - yy as i32).rem_euclid(100);
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or(PersonnummerError::InvalidDate)?;
    if date <= latest {
        return Ok(date);
    }
    // Same year as `latest` but later in it: the century before.
    NaiveDate::from_ymd_opt(year - 100, month, day).ok_or(PersonnummerError::InvalidDate)
}

/// The decimal value of a few digits (each 0–9).
fn number(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0, |acc, &digit| acc * 10 + u32::from(digit))
}

/// The Luhn (mod 10) check digit for the nine digits (each 0–9) before it, as used
/// by personnummer and organisation numbers: weights 2, 1, 2, 1, … from the left,
/// and the digits of each product summed.
pub(crate) fn luhn_check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, &digit)| {
            let product = u32::from(digit) * if i % 2 == 0 { 2 } else { 1 };
            product / 10 + product % 10
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

impl fmt::Display for Personnummer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

impl fmt::Debug for Personnummer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Personnummer").field(&self.masked()).finish()
    }
}

impl FromStr for Personnummer {
    type Err = PersonnummerError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_today(s)
    }
}

impl Serialize for Personnummer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.canonical)
    }
}

impl<'de> Deserialize<'de> for Personnummer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse_today(&text)
            .map_err(|e| serde::de::Error::custom(format_args!("personnummer: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PersonnummerError as E;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
    }

    /// The fixed "today" for the data-driven tests.
    fn today() -> NaiveDate {
        date(2026, 4, 15)
    }

    fn check(input: &str, expected: Result<&str, PersonnummerError>) {
        let got = Personnummer::parse(input, today());
        assert_eq!(
            got.as_ref().map(Personnummer::as_str).map_err(Clone::clone),
            expected,
            "input {input:?}"
        );
    }

    #[test]
    fn parses_valid_numbers() {
        // The well-known test number in all accepted forms.
        check("19121212-1212", Ok("19121212-1212"));
        check("191212121212", Ok("19121212-1212"));
        check("121212+1212", Ok("19121212-1212"));
        // Without '+' the same ten digits are a 13-year-old.
        check("121212-1212", Ok("20121212-1212"));
        check("1212121212", Ok("20121212-1212"));
        check("811228-9874", Ok("19811228-9874"));
        check("8112289874", Ok("19811228-9874"));
        check("19811228-9874", Ok("19811228-9874"));
        check("198112289874", Ok("19811228-9874"));
        check("  811228-9874\n", Ok("19811228-9874"));
        check("\t19811228-9874 ", Ok("19811228-9874"));
        // Samordningsnummer: day 63 is the 3rd.
        check("701063-2391", Ok("19701063-2391"));
        check("19701063-2391", Ok("19701063-2391"));
        // Leap days.
        check("000229-1235", Ok("20000229-1235"));
        check("20240229-1237", Ok("20240229-1237"));
    }

    #[test]
    fn rejects_malformed_input() {
        check("", Err(E::Empty));
        check("   ", Err(E::Empty));
        check("abc", Err(E::InvalidCharacter));
        check("811228-987X", Err(E::InvalidCharacter));
        check("811228 9874", Err(E::InvalidCharacter));
        check("811228/9874", Err(E::InvalidCharacter));
        check("811228_9874", Err(E::InvalidCharacter));
        // Full-width and Arabic-Indic digits are digits, but not ASCII ones.
        check("８１１２２８-９８７４", Err(E::InvalidCharacter));
        check("٨١١٢٢٨-٩٨٧٤", Err(E::InvalidCharacter));
        check("-", Err(E::WrongLength));
        check("811228-987", Err(E::WrongLength));
        check("81122898", Err(E::WrongLength));
        check("19811228-98745", Err(E::WrongLength));
        check("0019811228-9874", Err(E::WrongLength));
        check("1981122896", Err(E::InvalidDate)); // 12-digit form cut short: month 81
        check("81122-89874", Err(E::MisplacedSeparator));
        check("8112289-874", Err(E::MisplacedSeparator));
        check("811228--9874", Err(E::MisplacedSeparator));
        check("811228-+9874", Err(E::MisplacedSeparator));
        check("8112289874-", Err(E::MisplacedSeparator));
        check("-8112289874", Err(E::MisplacedSeparator));
        check("1981-1228-9874", Err(E::MisplacedSeparator));
        check("198112-289874", Err(E::MisplacedSeparator));
        check("19811228+9874", Err(E::PlusWithFullYear));
    }

    #[test]
    fn rejects_wrong_check_digits() {
        check("19121212-1213", Err(E::WrongCheckDigit));
        check("811228-9875", Err(E::WrongCheckDigit));
        check("811228-9870", Err(E::WrongCheckDigit));
        check("19811228-9873", Err(E::WrongCheckDigit));
        check("701063-2390", Err(E::WrongCheckDigit));
        // Two swapped digits.
        check("811228-8974", Err(E::WrongCheckDigit));
    }

    #[test]
    fn rejects_impossible_dates() {
        // Each has a correct check digit, so only the date is wrong.
        check("811328-9873", Err(E::InvalidDate)); // month 13
        check("810028-9878", Err(E::InvalidDate)); // month 0
        check("810230-9872", Err(E::InvalidDate)); // 30 February
        check("810229-9875", Err(E::InvalidDate)); // 29 February, 1981 is no leap year
        check("19810229-9875", Err(E::InvalidDate));
        check("000229+1235", Err(E::InvalidDate)); // 1900 is no leap year
        check("19000229-1235", Err(E::InvalidDate));
        check("810100-9879", Err(E::InvalidDate)); // day 0
        check("810132-9871", Err(E::InvalidDate)); // day 32
        check("810431-9879", Err(E::InvalidDate)); // 31 April
        check("811260-9873", Err(E::InvalidDate)); // coordination day 0
        check("811292-9875", Err(E::InvalidDate)); // coordination day 32
        check("810289-9872", Err(E::InvalidDate)); // coordination 29 February 1981
        check("19810289-9872", Err(E::InvalidDate));
    }

    #[test]
    fn rejects_future_dates() {
        check("20261224-1238", Err(E::FutureDate));
        check("20260416-1238", Err(E::FutureDate));
        check("20260415-1239", Ok("20260415-1239"));
    }

    #[test]
    fn infers_the_century_near_the_boundary() {
        // today() is 2026-04-15.
        check("260415-1239", Ok("20260415-1239")); // born today
        check("260416-1238", Ok("19260416-1238")); // turns 100 tomorrow
        check("260415+1239", Ok("19260415-1239")); // 100 today
        check("260416+1238", Ok("18260416-1238")); // 100 tomorrow, so 200
        check("991231-1231", Ok("19991231-1231"));
        check("991231+1231", Ok("18991231-1231"));
        check("000101-1238", Ok("20000101-1238"));
        check("000101+1238", Ok("19000101-1238"));
        check("261224-1238", Ok("19261224-1238"));
        check("261224+1238", Ok("18261224-1238"));
        check("790301-1232", Ok("19790301-1232"));
        check("790361-1239", Ok("19790361-1239"));
    }

    #[test]
    fn century_follows_today() {
        let parse =
            |input, today| Personnummer::parse(input, today).map(|pnr| pnr.as_str().to_string());
        assert_eq!(
            parse("121212-1212", date(2012, 12, 11)),
            Ok("19121212-1212".to_string())
        );
        assert_eq!(
            parse("121212-1212", date(2012, 12, 12)),
            Ok("20121212-1212".to_string())
        );
        // On a leap day, 100 years back is also a leap day.
        assert_eq!(
            parse("280229+1233", date(2028, 2, 29)),
            Ok("19280229-1233".to_string())
        );
    }

    #[test]
    fn accessors() {
        let pnr = Personnummer::parse("701063-2391", today()).expect("valid");
        assert_eq!(pnr.as_str(), "19701063-2391");
        assert_eq!(pnr.birth_date(), date(1970, 10, 3));
        assert!(pnr.is_coordination_number());
        assert_eq!(pnr.masked(), "19701063-****");

        let pnr = Personnummer::parse("811228-9874", today()).expect("valid");
        assert_eq!(pnr.birth_date(), date(1981, 12, 28));
        assert!(!pnr.is_coordination_number());
        assert_eq!(pnr.masked(), "19811228-****");
        assert_eq!(pnr.to_string(), "19811228-9874");
    }

    #[test]
    fn debug_hides_the_birth_number() {
        let pnr = Personnummer::parse("811228-9874", today()).expect("valid");
        let debug = format!("{pnr:?}");
        assert_eq!(debug, r#"Personnummer("19811228-****")"#);
        assert!(!debug.contains("9874"));
    }

    #[test]
    fn from_parts_computes_the_check_digit() {
        let cases = [
            (date(1912, 12, 12), 121, false, "19121212-1212"),
            (date(1981, 12, 28), 987, false, "19811228-9874"),
            (date(1970, 10, 3), 239, true, "19701063-2391"),
            (date(2000, 1, 1), 0, false, "20000101-0008"),
            (date(2000, 1, 31), 999, true, "20000191-9992"),
        ];
        for (birth_date, serial, coordination, expected) in cases {
            let pnr = Personnummer::from_parts(birth_date, serial, coordination).expect("valid");
            assert_eq!(pnr.as_str(), expected);
            assert_eq!(pnr.birth_date(), birth_date);
            assert_eq!(pnr.is_coordination_number(), coordination);
        }
        assert_eq!(
            Personnummer::from_parts(date(1981, 12, 28), 1000, false),
            None
        );
        assert_eq!(Personnummer::from_parts(date(10000, 1, 1), 1, false), None);
        assert_eq!(Personnummer::from_parts(date(-1, 1, 1), 1, false), None);
    }

    #[test]
    fn from_parts_round_trips_through_parse() {
        let mut day = date(1927, 1, 1);
        let mut serial = 0u16;
        while day <= today() {
            for coordination in [false, true] {
                let built = Personnummer::from_parts(day, serial, coordination).expect("valid");
                assert_eq!(
                    Personnummer::parse(built.as_str(), today()),
                    Ok(built.clone())
                );
                // The 10-digit form with a '-' also gives the same number for anyone under 100.
                let short = &built.as_str()[2..];
                assert_eq!(Personnummer::parse(short, today()), Ok(built.clone()));
                assert_eq!(
                    Personnummer::parse(&short.replace('-', ""), today()),
                    Ok(built)
                );
            }
            serial = (serial + 37) % 1000;
            day = day + chrono::Days::new(3);
        }
    }

    #[test]
    fn plus_form_round_trips_for_centenarians() {
        let built = Personnummer::from_parts(date(1910, 6, 1), 123, false).expect("valid");
        let plus = built.as_str()[2..].replace('-', "+");
        assert_eq!(Personnummer::parse(&plus, today()), Ok(built));
    }

    #[test]
    fn orders_by_birth_date_then_birth_number() {
        let a = Personnummer::parse("19121212-1212", today()).expect("valid");
        let b = Personnummer::parse("811228-9874", today()).expect("valid");
        let c = Personnummer::from_parts(date(1981, 12, 28), 988, false).expect("valid");
        assert!(a < b && b < c);
    }

    #[test]
    fn parse_today_and_from_str() {
        assert_eq!(
            "811228-9874".parse::<Personnummer>().map(|p| p.to_string()),
            Ok("19811228-9874".to_string())
        );
        assert_eq!(
            Personnummer::parse_today("811228-9875"),
            Err(E::WrongCheckDigit)
        );
    }

    #[test]
    fn serde_uses_the_canonical_string_and_validates() {
        let pnr = Personnummer::parse("811228-9874", today()).expect("valid");
        let json = serde_json::to_string(&pnr).expect("serializes");
        assert_eq!(json, r#""19811228-9874""#);
        let back: Personnummer = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, pnr);
        let short: Personnummer = serde_json::from_str(r#""8112289874""#).expect("deserializes");
        assert_eq!(short, pnr);

        let err = serde_json::from_str::<Personnummer>(r#""811228-9875""#)
            .expect_err("wrong check digit");
        assert!(
            err.to_string()
                .starts_with("personnummer: has a wrong check digit"),
            "{err}"
        );
        assert!(serde_json::from_str::<Personnummer>("8112289874").is_err());
    }

    #[test]
    fn error_messages() {
        assert_eq!(E::WrongCheckDigit.to_string(), "has a wrong check digit");
        assert_eq!(E::InvalidDate.to_string(), "does not contain a valid date");
        assert_eq!(E::FutureDate.to_string(), "has a birth date in the future");
    }

    #[test]
    fn luhn_check_digits() {
        let check = |nine: &str, expected: u8| {
            let digits: Vec<u8> = nine.bytes().map(|b| b - b'0').collect();
            assert_eq!(luhn_check_digit(&digits), expected, "{nine}");
        };
        check("121212121", 2);
        check("811228987", 4);
        check("701063239", 1);
        check("212000014", 2);
        check("556000000", 1);
        check("000000000", 0);
    }
}
