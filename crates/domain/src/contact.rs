//! Validated contact values: organisation numbers, phone numbers, e-mail addresses
//! and languages.
//!
//! Each type can only be obtained by parsing, so every value is valid and in its
//! canonical form. Serde goes through the same parsing, so invalid JSON values are
//! rejected at the edge.

use std::fmt;
use std::str::FromStr;

use crate::personnummer::luhn_check_digit;

/// `Display`, `FromStr` and serde (as the canonical string, deserialized through
/// `parse`) for a newtype over its canonical `String`. `$what` names the value in
/// deserialization errors, in the API's "field: message" style.
macro_rules! string_value_traits {
    ($type:ident, $error:ident, $what:literal) => {
        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $type {
            type Err = $error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::parse(&text)
                    .map_err(|e| serde::de::Error::custom(format_args!(concat!($what, ": {}"), e)))
            }
        }
    };
}

// ---------------------------------------------------------------------------
// Organisation number

/// What is wrong with an organisation number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrganisationNumberError {
    #[error("is empty")]
    Empty,
    #[error("contains a character other than digits and '-'")]
    InvalidCharacter,
    #[error("must have 10 digits, or 12 digits starting with 16")]
    WrongLength,
    #[error("must have at most one '-', just before the last four digits")]
    MisplacedSeparator,
    #[error("must start with 16 when it has 12 digits")]
    WrongPrefix,
    #[error("is not a legal entity's number: the third digit must be 2 or more")]
    NotLegalEntity,
    #[error("has a wrong check digit")]
    WrongCheckDigit,
}

/// A Swedish organisation number (organisationsnummer) of a legal entity, kept as
/// "NNNNNN-NNNN". Not personal data, so `Debug` shows it in full.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrganisationNumber(String);

impl OrganisationNumber {
    /// Accepts "NNNNNN-NNNN", "NNNNNNNNNN", "16NNNNNN-NNNN" and "16NNNNNNNNNN",
    /// surrounding whitespace trimmed.
    pub fn parse(input: &str) -> Result<Self, OrganisationNumberError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(OrganisationNumberError::Empty);
        }
        let mut digits: Vec<u8> = Vec::with_capacity(12);
        let mut separator_at: Option<usize> = None;
        for c in text.chars() {
            match c {
                '0'..='9' => digits.push(c as u8 - b'0'),
                '-' if separator_at.is_none() => separator_at = Some(digits.len()),
                '-' => return Err(OrganisationNumberError::MisplacedSeparator),
                _ => return Err(OrganisationNumberError::InvalidCharacter),
            }
        }
        let ten = match digits.len() {
            10 => &digits[..],
            // The 12-digit form used by Skatteverket prefixes "16" to the ten digits.
            12 if digits.starts_with(&[1, 6]) => &digits[2..],
            12 => return Err(OrganisationNumberError::WrongPrefix),
            _ => return Err(OrganisationNumberError::WrongLength),
        };
        if separator_at.is_some_and(|at| at != digits.len() - 4) {
            return Err(OrganisationNumberError::MisplacedSeparator);
        }
        // A third digit of 0 or 1 would be a month: a personnummer, not a legal entity.
        if ten[2] < 2 {
            return Err(OrganisationNumberError::NotLegalEntity);
        }
        if luhn_check_digit(&ten[..9]) != ten[9] {
            return Err(OrganisationNumberError::WrongCheckDigit);
        }
        Ok(Self::from_digits(ten))
    }

    /// Builds a valid number from its first nine digits, computing the check digit
    /// (for the synthetic data generator). None unless `digits` is nine ASCII digits
    /// with the third one 2 or more.
    pub fn from_first_nine(digits: &str) -> Option<Self> {
        let mut ten: Vec<u8> = digits
            .chars()
            .map(|c| c.to_digit(10).map(|d| d as u8))
            .collect::<Option<_>>()?;
        if ten.len() != 9 || ten[2] < 2 {
            return None;
        }
        ten.push(luhn_check_digit(&ten));
        Some(Self::from_digits(&ten))
    }

    fn from_digits(ten: &[u8]) -> Self {
        let mut canonical = String::with_capacity(11);
        for (i, digit) in ten.iter().enumerate() {
            if i == 6 {
                canonical.push('-');
            }
            canonical.push(char::from(b'0' + digit));
        }
        Self(canonical)
    }

    /// The canonical form "NNNNNN-NNNN".
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_value_traits!(
    OrganisationNumber,
    OrganisationNumberError,
    "organisation number"
);

// ---------------------------------------------------------------------------
// Phone number

/// What is wrong with a phone number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneNumberError {
    #[error("is empty")]
    Empty,
    #[error("contains letters")]
    ContainsLetters,
    #[error("contains a character other than digits, spaces, dashes, dots and parentheses")]
    InvalidCharacter,
    #[error("has a '+' that is not at the start")]
    MisplacedPlus,
    #[error("must start with 0, + or 00")]
    WrongStart,
    #[error("has a country code starting with 0")]
    InvalidCountryCode,
    #[error("is too short")]
    TooShort,
    #[error("is too long")]
    TooLong,
}

/// A phone number in E.164 form, e.g. "+46850824401".
///
/// `Debug` shows only the country code and the last two digits.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

/// Sweden's country code; national numbers are assumed to be Swedish.
const SWEDEN: &str = "46";

impl PhoneNumber {
    /// Parses a Swedish national number ("08-508 24 401", "070-123 45 67",
    /// "(08) 123 456") or an international one ("+46 70 123 45 67", "0046701234567").
    /// Spaces, dashes, dots and parentheses may separate the digits.
    ///
    /// A national number has 8–11 digits including the leading 0; an international
    /// number has 7–15 digits after the + or 00. A Swedish international number must
    /// also have a national part of 7–10 digits, and a trunk 0 written after +46
    /// ("+46 (0)8 …") is dropped.
    pub fn parse(input: &str) -> Result<Self, PhoneNumberError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(PhoneNumberError::Empty);
        }
        let mut digits = String::with_capacity(text.len());
        let mut plus = false;
        for (i, c) in text.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => plus = true,
                '+' => return Err(PhoneNumberError::MisplacedPlus),
                // Unicode dashes and no-break spaces come with numbers copied from web pages.
                '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '(' | ')' | '.' => {}
                c if c.is_whitespace() => {}
                c if c.is_alphabetic() => return Err(PhoneNumberError::ContainsLetters),
                _ => return Err(PhoneNumberError::InvalidCharacter),
            }
        }

        let international = if plus {
            digits.as_str()
        } else if let Some(rest) = digits.strip_prefix("00") {
            rest
        } else if let Some(national) = digits.strip_prefix('0') {
            return Self::swedish(national);
        } else {
            return Err(PhoneNumberError::WrongStart);
        };

        if international.starts_with('0') {
            return Err(PhoneNumberError::InvalidCountryCode);
        }
        if international.len() < 7 {
            return Err(PhoneNumberError::TooShort);
        }
        if international.len() > 15 {
            return Err(PhoneNumberError::TooLong);
        }
        match international.strip_prefix(SWEDEN) {
            Some(national) => Self::swedish(national.strip_prefix('0').unwrap_or(national)),
            None => Ok(Self(format!("+{international}"))),
        }
    }

    /// A Swedish number from its digits after the country code or trunk 0.
    fn swedish(national: &str) -> Result<Self, PhoneNumberError> {
        match national.len() {
            0..=6 => Err(PhoneNumberError::TooShort),
            7..=10 => Ok(Self(format!("+{SWEDEN}{national}"))),
            _ => Err(PhoneNumberError::TooLong),
        }
    }

    /// The E.164 form, e.g. "+46850824401".
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for Swedish mobile numbers (+467x).
    pub fn is_mobile(&self) -> bool {
        self.0.starts_with("+467")
    }

    /// As Swedes write it, for reading aloud and dialling by hand:
    /// "08-508 271 01", "070-123 45 67"; other countries' numbers in E.164.
    pub fn national(&self) -> String {
        let Some(rest) = self.0.strip_prefix("+46") else {
            return self.0.clone();
        };
        let group = |digits: &str, sizes: &[usize]| -> String {
            let mut out = Vec::new();
            let mut at = 0;
            for &n in sizes {
                out.push(&digits[at..at + n]);
                at += n;
            }
            out.join(" ")
        };
        match (rest.as_bytes().first(), rest.len()) {
            // Stockholm: 08 and a number of 7 or 8 digits.
            (Some(b'8'), 9) => format!("08-{}", group(&rest[1..], &[3, 3, 2])),
            (Some(b'8'), 8) => format!("08-{}", group(&rest[1..], &[3, 2, 2])),
            // Mobiles: 07X and 7 digits.
            (Some(b'7'), 9) => format!("0{}-{}", &rest[..2], group(&rest[2..], &[3, 2, 2])),
            _ => format!("0{rest}"),
        }
    }

    /// The country code and the last two digits, the rest as '*': "+46*******67".
    pub fn masked(&self) -> String {
        let digits = self.0.strip_prefix('+').unwrap_or(&self.0);
        let keep_start = country_code_len(digits);
        let keep_end = digits.len().saturating_sub(2);
        let mut masked = String::with_capacity(self.0.len());
        masked.push('+');
        for (i, c) in digits.chars().enumerate() {
            masked.push(if i < keep_start || i >= keep_end {
                c
            } else {
                '*'
            });
        }
        masked
    }
}

/// How many of the leading digits of an E.164 number are the country code.
/// Country codes are prefix-free: 1 and 7 are alone in their zone, and the
/// two-digit codes are listed; every other code has three digits.
fn country_code_len(digits: &str) -> usize {
    let bytes = digits.as_bytes();
    match (bytes.first(), bytes.get(1)) {
        (Some(b'1' | b'7'), _) => 1,
        (Some(b'2'), Some(b'0' | b'7'))
        | (Some(b'3'), Some(b'0'..=b'4' | b'6' | b'9'))
        | (Some(b'4'), Some(b'0' | b'1' | b'3'..=b'9'))
        | (Some(b'5'), Some(b'1'..=b'8'))
        | (Some(b'6'), Some(b'0'..=b'6'))
        | (Some(b'8'), Some(b'1' | b'2' | b'4' | b'6'))
        | (Some(b'9'), Some(b'0'..=b'5' | b'8')) => 2,
        _ => 3,
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PhoneNumber").field(&self.masked()).finish()
    }
}

string_value_traits!(PhoneNumber, PhoneNumberError, "phone number");

// ---------------------------------------------------------------------------
// E-mail address

/// What is wrong with an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailAddressError {
    #[error("is empty")]
    Empty,
    #[error("is too short")]
    TooShort,
    #[error("is too long")]
    TooLong,
    #[error("has no '@'")]
    MissingAt,
    #[error("has more than one '@'")]
    MultipleAt,
    #[error("has nothing before the '@'")]
    EmptyLocalPart,
    #[error("has more than 64 characters before the '@'")]
    LocalPartTooLong,
    #[error("has a space or control character before the '@'")]
    InvalidLocalPart,
    #[error("has nothing after the '@'")]
    EmptyDomain,
    #[error("has a domain without a dot")]
    DomainWithoutDot,
    #[error("has an empty part in the domain (two dots in a row, or a dot at the start or end)")]
    EmptyDomainLabel,
    #[error("has a character in the domain other than letters, digits, hyphens and dots")]
    InvalidDomainCharacter,
    #[error("has a part of the domain that starts or ends with a hyphen")]
    HyphenAtLabelEdge,
}

/// An e-mail address, validated pragmatically (not the full RFC 5322 grammar),
/// with the domain lower-cased. The local part keeps its case, since mail servers
/// may treat it as significant.
///
/// `Debug` shows only the first character of the local part and the domain.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Accepts 3–254 characters after trimming, with exactly one '@'; a local part
    /// of 1–64 characters without spaces or control characters; a domain of at
    /// least two dot-separated labels of letters (non-ASCII too), digits and
    /// hyphens, no label starting or ending with a hyphen.
    pub fn parse(input: &str) -> Result<Self, EmailAddressError> {
        let text = input.trim();
        let length = text.chars().count();
        if length == 0 {
            return Err(EmailAddressError::Empty);
        }
        if length < 3 {
            return Err(EmailAddressError::TooShort);
        }
        if length > 254 {
            return Err(EmailAddressError::TooLong);
        }
        let (local, domain) = text.split_once('@').ok_or(EmailAddressError::MissingAt)?;
        if domain.contains('@') {
            return Err(EmailAddressError::MultipleAt);
        }

        if local.is_empty() {
            return Err(EmailAddressError::EmptyLocalPart);
        }
        if local.chars().count() > 64 {
            return Err(EmailAddressError::LocalPartTooLong);
        }
        if local.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailAddressError::InvalidLocalPart);
        }

        if domain.is_empty() {
            return Err(EmailAddressError::EmptyDomain);
        }
        let domain = domain.to_lowercase();
        if !domain.contains('.') {
            return Err(EmailAddressError::DomainWithoutDot);
        }
        for label in domain.split('.') {
            if label.is_empty() {
                return Err(EmailAddressError::EmptyDomainLabel);
            }
            if !label
                .chars()
                .all(|c| c.is_alphabetic() || c.is_ascii_digit() || c == '-')
            {
                return Err(EmailAddressError::InvalidDomainCharacter);
            }
            if label.starts_with('-') || label.ends_with('-') {
                return Err(EmailAddressError::HyphenAtLabelEdge);
            }
        }
        Ok(Self(format!("{local}@{domain}")))
    }

    /// The address, with the domain lower-cased.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first character of the local part, then "***@" and the domain: "a***@example.se".
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.split_once('@').unwrap_or((&self.0, ""));
        let first = local.chars().next().unwrap_or('*');
        format!("{first}***@{domain}")
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("EmailAddress").field(&self.masked()).finish()
    }
}

string_value_traits!(EmailAddress, EmailAddressError, "email address");

// ---------------------------------------------------------------------------
// Language

/// What is wrong with a language code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LanguageError {
    #[error("is empty")]
    Empty,
    #[error("must be a two-letter ISO 639-1 code such as \"sv\"")]
    Invalid,
}

/// A language as an ISO 639-1 code: two lowercase ASCII letters, e.g. "sv".
///
/// Only the form is checked, not that the code is assigned.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Language(String);

impl Language {
    /// Accepts two ASCII letters in either case, surrounding whitespace trimmed.
    pub fn parse(input: &str) -> Result<Self, LanguageError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(LanguageError::Empty);
        }
        if text.len() != 2 || !text.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(LanguageError::Invalid);
        }
        Ok(Self(text.to_ascii_lowercase()))
    }

    /// The lowercase code, e.g. "sv".
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_value_traits!(Language, LanguageError, "language");

/// The name prefix to look a resident up by, as names are stored. Agents
/// type names in lower case while the resident spells them; names are
/// stored as given, with capitals, so a wholly lower-case query is
/// capitalised word by word ("anna-karin lind" → "Anna-Karin Lind"). A query
/// with any capital is taken as typed. `None` for less than two letters.
pub fn name_search_prefix(typed: &str) -> Option<String> {
    let words: Vec<&str> = typed.split_whitespace().collect();
    let joined = words.join(" ");
    if joined.chars().filter(|c| c.is_alphabetic()).count() < 2 {
        return None;
    }
    if joined.chars().any(char::is_uppercase) {
        return Some(joined);
    }
    let mut out = String::with_capacity(joined.len());
    let mut start = true;
    for c in joined.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = c == ' ' || c == '-';
    }
    Some(out)
}

#[cfg(test)]
mod tests {

    #[test]
    fn numbers_read_as_swedes_write_them() {
        let n = |s: &str| PhoneNumber::parse(s).expect("valid").national();
        assert_eq!(n("08-508 271 01"), "08-508 271 01");
        assert_eq!(n("+46 8 123 45 67"), "08-123 45 67");
        assert_eq!(n("0701234567"), "070-123 45 67");
        assert_eq!(n("031-123 45 67"), "0311234567");
        assert_eq!(n("+358 9 1234567"), "+35891234567");
    }

    #[test]
    fn name_prefixes_follow_how_names_are_written() {
        assert_eq!(
            name_search_prefix("anna-karin  lind").as_deref(),
            Some("Anna-Karin Lind")
        );
        assert_eq!(name_search_prefix("åsa").as_deref(), Some("Åsa"));
        assert_eq!(name_search_prefix("af Klint").as_deref(), Some("af Klint"));
        assert_eq!(name_search_prefix(" a "), None);
        assert_eq!(name_search_prefix("07"), None);
    }

    use super::*;

    mod organisation_number {
        use super::*;
        use OrganisationNumberError as E;

        fn check(input: &str, expected: Result<&str, OrganisationNumberError>) {
            let got = OrganisationNumber::parse(input);
            assert_eq!(
                got.as_ref()
                    .map(OrganisationNumber::as_str)
                    .map_err(Clone::clone),
                expected,
                "input {input:?}"
            );
        }

        #[test]
        fn parses_real_numbers() {
            check("212000-0142", Ok("212000-0142")); // Stockholms kommun
            check("2120000142", Ok("212000-0142"));
            check("16212000-0142", Ok("212000-0142"));
            check("162120000142", Ok("212000-0142"));
            check("  212000-0142 \n", Ok("212000-0142"));
            check("202100-5448", Ok("202100-5448")); // Skatteverket
            check("232100-0016", Ok("232100-0016")); // Region Stockholm
            check("556012-5790", Ok("556012-5790")); // AB Volvo
            check("556016-0680", Ok("556016-0680")); // Ericsson
            check("556703-7485", Ok("556703-7485")); // Spotify AB
            check("556000-0001", Ok("556000-0001"));
        }

        #[test]
        fn rejects_invalid_numbers() {
            check("", Err(E::Empty));
            check(" ", Err(E::Empty));
            check("556000-0000", Err(E::WrongCheckDigit));
            check("212000-0143", Err(E::WrongCheckDigit));
            check("16212000-0141", Err(E::WrongCheckDigit));
            check("212000 0142", Err(E::InvalidCharacter));
            check("212000+0142", Err(E::InvalidCharacter));
            check("SE212000014201", Err(E::InvalidCharacter));
            check("２１２０００-０１４２", Err(E::InvalidCharacter));
            check("212000-014", Err(E::WrongLength));
            check("212000-01422", Err(E::WrongLength));
            check("19212000-0142", Err(E::WrongPrefix));
            check("2120-000142", Err(E::MisplacedSeparator));
            check("212000--0142", Err(E::MisplacedSeparator));
            check("162120-000142", Err(E::MisplacedSeparator));
            // A personnummer (third digit is a month) is not a legal entity's number.
            check("811228-9874", Err(E::NotLegalEntity));
            check("121212-1212", Err(E::NotLegalEntity));
        }

        #[test]
        fn from_first_nine() {
            let cases = [
                ("212000014", Some("212000-0142")),
                ("556000000", Some("556000-0001")),
                ("202100544", Some("202100-5448")),
                ("811228987", None),
                ("21200001", None),
                ("2120000142", None),
                ("21200001a", None),
                ("21200001٤", None),
                ("", None),
            ];
            for (digits, expected) in cases {
                let got = OrganisationNumber::from_first_nine(digits);
                assert_eq!(got.as_ref().map(|o| o.as_str()), expected, "{digits:?}");
                if let Some(number) = got {
                    assert_eq!(OrganisationNumber::parse(number.as_str()), Ok(number));
                }
            }
        }

        #[test]
        fn traits() {
            let number: OrganisationNumber = "2120000142".parse().expect("valid");
            assert_eq!(number.to_string(), "212000-0142");
            assert_eq!(
                format!("{number:?}"),
                r#"OrganisationNumber("212000-0142")"#
            );
            let json = serde_json::to_string(&number).expect("serializes");
            assert_eq!(json, r#""212000-0142""#);
            let back: OrganisationNumber = serde_json::from_str(&json).expect("deserializes");
            assert_eq!(back, number);
            let err = serde_json::from_str::<OrganisationNumber>(r#""556000-0000""#)
                .expect_err("invalid");
            assert!(
                err.to_string()
                    .starts_with("organisation number: has a wrong check digit"),
                "{err}"
            );
        }
    }

    mod phone_number {
        use super::*;
        use PhoneNumberError as E;

        fn check(input: &str, expected: Result<&str, PhoneNumberError>) {
            let got = PhoneNumber::parse(input);
            assert_eq!(
                got.as_ref().map(PhoneNumber::as_str).map_err(Clone::clone),
                expected,
                "input {input:?}"
            );
        }

        #[test]
        fn parses_swedish_numbers() {
            check("08-508 24 401", Ok("+46850824401"));
            check("070-123 45 67", Ok("+46701234567"));
            check("0701234567", Ok("+46701234567"));
            check("070.123.45.67", Ok("+46701234567"));
            check("(08) 123 456", Ok("+468123456"));
            check("0771-567 567", Ok("+46771567567"));
            check("031-123 45 678", Ok("+463112345678"));
            check("  08-508 24 401\t", Ok("+46850824401"));
            check("08\u{a0}508\u{a0}24\u{a0}401", Ok("+46850824401"));
            check("08–508 24 401", Ok("+46850824401"));
        }

        #[test]
        fn parses_international_numbers() {
            check("+46 70 123 45 67", Ok("+46701234567"));
            check("+46701234567", Ok("+46701234567"));
            check("0046701234567", Ok("+46701234567"));
            check("00 46 8 508 24 401", Ok("+46850824401"));
            check("+46 (0)8-508 24 401", Ok("+46850824401"));
            check("+47 22 12 34 56", Ok("+4722123456"));
            check("+358 9 123 4567", Ok("+35891234567"));
            check("+1 (212) 555-0123", Ok("+12125550123"));
            check("+44 20 7946 0958", Ok("+442079460958"));
            check("+1234567", Ok("+1234567"));
            check("+123456789012345", Ok("+123456789012345"));
        }

        #[test]
        fn rejects_invalid_numbers() {
            check("", Err(E::Empty));
            check("  ", Err(E::Empty));
            check("070-ABC 45 67", Err(E::ContainsLetters));
            check("tel 070 123 45 67", Err(E::ContainsLetters));
            check("070/123 45 67", Err(E::InvalidCharacter));
            check("070#1234567", Err(E::InvalidCharacter));
            check("٠٧٠١٢٣٤٥٦٧", Err(E::InvalidCharacter));
            check("46 70 123 45 67", Err(E::WrongStart));
            check("8-508 24 401", Err(E::WrongStart));
            check("(70) 123 45 67", Err(E::WrongStart));
            check("070+1234567", Err(E::MisplacedPlus));
            check("++46701234567", Err(E::MisplacedPlus));
            check("+0701234567", Err(E::InvalidCountryCode));
            check("000701234567", Err(E::InvalidCountryCode));
            check("0", Err(E::TooShort));
            check("08-12 34", Err(E::TooShort));
            check("08 123 45", Err(E::TooShort)); // 7 digits
            check("+", Err(E::TooShort));
            check("00", Err(E::TooShort));
            check("+123456", Err(E::TooShort));
            check("+46 8 123 45", Err(E::TooShort));
            check("070-123 45 67 89", Err(E::TooLong)); // 12 digits
            check("+1234567890123456", Err(E::TooLong));
            check("+46 70 123 45 67 89", Err(E::TooLong));
        }

        #[test]
        fn mobile_numbers() {
            let cases = [
                ("070-123 45 67", true),
                ("073 123 45 67", true),
                ("+46 76 123 45 67", true),
                ("08-508 24 401", false),
                ("+47 41 23 45 67", false),
                ("+7 912 345 67 89", false),
            ];
            for (input, mobile) in cases {
                let number = PhoneNumber::parse(input).expect("valid");
                assert_eq!(number.is_mobile(), mobile, "{input}");
            }
        }

        #[test]
        fn debug_is_masked() {
            let cases = [
                ("070-123 45 67", "+46*******67"),
                ("08-508 24 401", "+46*******01"),
                ("+1 212 555 0123", "+1********23"),
                ("+358 9 123 4567", "+358******67"),
                ("+420 123 456 789", "+420*******89"),
                ("+1234567", "+1****67"),
            ];
            for (input, masked) in cases {
                let number = PhoneNumber::parse(input).expect("valid");
                assert_eq!(number.masked(), masked, "{input}");
                assert_eq!(format!("{number:?}"), format!("PhoneNumber({masked:?})"));
            }
        }

        #[test]
        fn country_code_lengths() {
            let cases = [
                ("1", 1),
                ("7", 1),
                ("20", 2),
                ("212", 3),
                ("27", 2),
                ("33", 2),
                ("358", 3),
                ("39", 2),
                ("420", 3),
                ("46", 2),
                ("49", 2),
                ("506", 3),
                ("55", 2),
                ("66", 2),
                ("679", 3),
                ("86", 2),
                ("852", 3),
                ("98", 2),
                ("971", 3),
            ];
            for (code, len) in cases {
                assert_eq!(country_code_len(&format!("{code}1234567")), len, "{code}");
            }
        }

        #[test]
        fn traits() {
            let number: PhoneNumber = "08-508 24 401".parse().expect("valid");
            assert_eq!(number.to_string(), "+46850824401");
            let json = serde_json::to_string(&number).expect("serializes");
            assert_eq!(json, r#""+46850824401""#);
            let back: PhoneNumber = serde_json::from_str(r#""08-508 24 401""#).expect("valid");
            assert_eq!(back, number);
            let err = serde_json::from_str::<PhoneNumber>(r#""123""#).expect_err("invalid");
            assert!(
                err.to_string()
                    .starts_with("phone number: must start with 0, + or 00"),
                "{err}"
            );
        }
    }

    mod email_address {
        use super::*;
        use EmailAddressError as E;

        fn check(input: &str, expected: Result<&str, EmailAddressError>) {
            let got = EmailAddress::parse(input);
            assert_eq!(
                got.as_ref().map(EmailAddress::as_str).map_err(Clone::clone),
                expected,
                "input {input:?}"
            );
        }

        #[test]
        fn parses_valid_addresses() {
            check("anna@example.se", Ok("anna@example.se"));
            check(
                "  Anna.Svensson@Stockholm.SE \n",
                Ok("Anna.Svensson@stockholm.se"),
            );
            check("a@b.c", Ok("a@b.c"));
            check(
                "kontakt+ärende@stockholm.se",
                Ok("kontakt+ärende@stockholm.se"),
            );
            check("info@räksmörgås.se", Ok("info@räksmörgås.se"));
            check("info@RÄKSMÖRGÅS.SE", Ok("info@räksmörgås.se"));
            check(
                "x@sub-domain.example.co.uk",
                Ok("x@sub-domain.example.co.uk"),
            );
            check("x@123.example", Ok("x@123.example"));
            check("\"quoted\"@example.se", Ok("\"quoted\"@example.se"));
        }

        #[test]
        fn rejects_invalid_addresses() {
            check("", Err(E::Empty));
            check("   ", Err(E::Empty));
            check("a@", Err(E::TooShort));
            check(&format!("a@{}.se", "b".repeat(250)), Err(E::TooLong));
            check("anna.example.se", Err(E::MissingAt));
            check("anna@svensson@example.se", Err(E::MultipleAt));
            check("@example.se", Err(E::EmptyLocalPart));
            check(
                &format!("{}@example.se", "a".repeat(65)),
                Err(E::LocalPartTooLong),
            );
            check("anna svensson@example.se", Err(E::InvalidLocalPart));
            check("anna\u{7}@example.se", Err(E::InvalidLocalPart));
            check("anna@", Err(E::EmptyDomain));
            check("anna@localhost", Err(E::DomainWithoutDot));
            check("anna@example..se", Err(E::EmptyDomainLabel));
            check("anna@.example.se", Err(E::EmptyDomainLabel));
            check("anna@example.se.", Err(E::EmptyDomainLabel));
            check("anna@exa_mple.se", Err(E::InvalidDomainCharacter));
            check("anna@exa mple.se", Err(E::InvalidDomainCharacter));
            check("anna@[127.0.0.1]", Err(E::InvalidDomainCharacter));
            check("anna@-example.se", Err(E::HyphenAtLabelEdge));
            check("anna@example-.se", Err(E::HyphenAtLabelEdge));
        }

        #[test]
        fn length_limits_are_inclusive() {
            let longest_local = format!("{}@example.se", "a".repeat(64));
            assert!(EmailAddress::parse(&longest_local).is_ok());
            let longest = format!("a@{}.se", "b".repeat(249));
            assert_eq!(longest.chars().count(), 254);
            assert!(EmailAddress::parse(&longest).is_ok());
        }

        #[test]
        fn debug_is_masked() {
            let email = EmailAddress::parse("anna.svensson@example.se").expect("valid");
            assert_eq!(email.masked(), "a***@example.se");
            assert_eq!(format!("{email:?}"), r#"EmailAddress("a***@example.se")"#);
            let email = EmailAddress::parse("örjan@example.se").expect("valid");
            assert_eq!(email.masked(), "ö***@example.se");
        }

        #[test]
        fn traits() {
            let email: EmailAddress = "Anna@Example.SE".parse().expect("valid");
            assert_eq!(email.to_string(), "Anna@example.se");
            let json = serde_json::to_string(&email).expect("serializes");
            assert_eq!(json, r#""Anna@example.se""#);
            let back: EmailAddress = serde_json::from_str(&json).expect("deserializes");
            assert_eq!(back, email);
            let err = serde_json::from_str::<EmailAddress>(r#""anna""#).expect_err("invalid");
            assert!(
                err.to_string().starts_with("email address: has no '@'"),
                "{err}"
            );
        }
    }

    mod language {
        use super::*;
        use LanguageError as E;

        fn check(input: &str, expected: Result<&str, LanguageError>) {
            let got = Language::parse(input);
            assert_eq!(
                got.as_ref().map(Language::as_str).map_err(Clone::clone),
                expected,
                "input {input:?}"
            );
        }

        #[test]
        fn parses_codes() {
            check("sv", Ok("sv"));
            check("EN", Ok("en"));
            check(" Ar\n", Ok("ar"));
            check("so", Ok("so"));
            check("", Err(E::Empty));
            check("  ", Err(E::Empty));
            check("s", Err(E::Invalid));
            check("swe", Err(E::Invalid));
            check("sv-SE", Err(E::Invalid));
            check("s1", Err(E::Invalid));
            check("s v", Err(E::Invalid));
            check("så", Err(E::Invalid));
            check("ſv", Err(E::Invalid));
        }

        #[test]
        fn traits() {
            let language: Language = "SV".parse().expect("valid");
            assert_eq!(language.to_string(), "sv");
            assert_eq!(format!("{language:?}"), r#"Language("sv")"#);
            let json = serde_json::to_string(&language).expect("serializes");
            assert_eq!(json, r#""sv""#);
            let back: Language = serde_json::from_str(r#""Sv""#).expect("deserializes");
            assert_eq!(back, language);
            assert!(serde_json::from_str::<Language>(r#""svenska""#).is_err());
        }
    }
}
