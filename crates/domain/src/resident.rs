//! Mina sidor's rules: what a resident proved (their identity), the
//! address a one-time code goes to, the secret that follows one case, and
//! the limits that keep codes from being guessed and sessions short.

use std::fmt;

use crate::case::CaseNumber;
use crate::contact::{EmailAddress, PhoneNumber};
use crate::personnummer::Personnummer;

/// Digits in a one-time code.
pub const CODE_DIGITS: u32 = 6;
/// A code is good for this long.
pub const CODE_MINUTES: i64 = 10;
/// Wrong tries before a code dies (a million codes, five tries).
pub const CODE_ATTEMPTS: u32 = 5;
/// Codes one address may be sent in an hour, so Kontakt cannot be used
/// to flood someone's inbox or phone.
pub const CODES_PER_ADDRESS_AND_HOUR: u32 = 5;
/// A session ends after this long unused…
pub const SESSION_IDLE_MINUTES: i64 = 20;
/// …and after this long in any case.
pub const SESSION_MAX_MINUTES: i64 = 120;
/// Characters of the secret that follows a case (60 bits).
pub const FOLLOW_TOKEN_CHARS: usize = 12;
/// The secret's alphabet: Crockford's base 32, without letters that look
/// like digits (I, L, O, U), so it can be read aloud and typed from paper.
pub const FOLLOW_TOKEN_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// What a resident proved, and so which cases are theirs.
#[derive(Clone, PartialEq, Eq)]
pub enum ResidentIdentity {
    /// A one-time code sent to this address reached them.
    Email(EmailAddress),
    Phone(PhoneNumber),
    /// E-legitimation (OpenID Connect): the strongest; it alone shows the
    /// cases of a person with protected identity.
    Personnummer(Personnummer),
    /// The case's number and the secret from its acknowledgement: this
    /// one case only.
    Case(CaseNumber),
}

impl ResidentIdentity {
    /// The stored form: `email:…`, `phone:…`, `pnr:…`, `case:…`.
    pub fn stored(&self) -> String {
        match self {
            ResidentIdentity::Email(e) => format!("email:{}", e.as_str()),
            ResidentIdentity::Phone(p) => format!("phone:{}", p.as_str()),
            ResidentIdentity::Personnummer(p) => format!("pnr:{}", p.as_str()),
            ResidentIdentity::Case(n) => format!("case:{n}"),
        }
    }

    pub fn parse_stored(s: &str) -> Option<ResidentIdentity> {
        let (kind, value) = s.split_once(':')?;
        Some(match kind {
            "email" => ResidentIdentity::Email(EmailAddress::parse(value).ok()?),
            "phone" => ResidentIdentity::Phone(PhoneNumber::parse(value).ok()?),
            "pnr" => ResidentIdentity::Personnummer(Personnummer::parse_today(value).ok()?),
            "case" => ResidentIdentity::Case(CaseNumber::parse(value).ok()?),
            _ => return None,
        })
    }

    /// Whether this proof is strong enough for a protected person's cases.
    pub fn is_e_legitimation(&self) -> bool {
        matches!(self, ResidentIdentity::Personnummer(_))
    }

    /// For the audit log: the kind of proof and a pseudonym, never the
    /// address or personnummer itself (the log outlives the cases).
    pub fn audit_actor(&self, pseudonym: &str) -> String {
        let kind = match self {
            ResidentIdentity::Email(_) => "email",
            ResidentIdentity::Phone(_) => "sms",
            ResidentIdentity::Personnummer(_) => "eid",
            ResidentIdentity::Case(_) => "case",
        };
        format!("resident:{kind}:{pseudonym}")
    }
}

impl fmt::Debug for ResidentIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Personal data stays out of logs.
        match self {
            ResidentIdentity::Email(e) => write!(f, "Email({})", e.masked()),
            ResidentIdentity::Phone(_) => write!(f, "Phone(…)"),
            ResidentIdentity::Personnummer(_) => write!(f, "Personnummer(…)"),
            ResidentIdentity::Case(n) => write!(f, "Case({n})"),
        }
    }
}

/// Where a one-time code goes: an e-mail address or a mobile number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeAddress {
    Email(EmailAddress),
    Mobile(PhoneNumber),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeAddressError {
    #[error("is empty")]
    Empty,
    #[error("is not an e-mail address")]
    NotAnEmailAddress,
    #[error("is not a mobile number")]
    NotAMobileNumber,
}

impl CodeAddress {
    /// An address with an '@' is an e-mail address; anything else must be
    /// a mobile number (an SMS cannot reach a landline).
    pub fn parse(input: &str) -> Result<CodeAddress, CodeAddressError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(CodeAddressError::Empty);
        }
        if input.contains('@') {
            return EmailAddress::parse(input)
                .map(CodeAddress::Email)
                .map_err(|_| CodeAddressError::NotAnEmailAddress);
        }
        match PhoneNumber::parse(input) {
            Ok(p) if p.is_mobile() => Ok(CodeAddress::Mobile(p)),
            _ => Err(CodeAddressError::NotAMobileNumber),
        }
    }

    /// What the code proves once it is typed in.
    pub fn identity(&self) -> ResidentIdentity {
        match self {
            CodeAddress::Email(e) => ResidentIdentity::Email(e.clone()),
            CodeAddress::Mobile(p) => ResidentIdentity::Phone(p.clone()),
        }
    }

    /// The stored form, for counting the codes sent to it. E-mail
    /// addresses in lower case, so "Anna@" and "anna@" share one limit.
    pub fn stored(&self) -> String {
        match self {
            CodeAddress::Email(e) => format!("email:{}", e.as_str().to_lowercase()),
            CodeAddress::Mobile(p) => format!("phone:{}", p.as_str()),
        }
    }
}

/// A one-time code as the resident typed or pasted it: its digits in
/// ASCII, or `None` unless there are exactly [`CODE_DIGITS`]. Spaces and
/// dashes are allowed between them, invisible direction marks (a code
/// copied from an Arabic or Persian message carries them) are dropped,
/// and Arabic-Indic and Persian digits read as the digits they are.
pub fn normalise_code(input: &str) -> Option<String> {
    let mut digits = String::new();
    for c in input.chars() {
        let digit = match c {
            '0'..='9' => Some(c),
            '\u{0660}'..='\u{0669}' => char::from_digit(c as u32 - 0x0660, 10),
            '\u{06F0}'..='\u{06F9}' => char::from_digit(c as u32 - 0x06F0, 10),
            _ => None,
        };
        match digit {
            Some(d) => digits.push(d),
            None if c.is_whitespace()
                || c == '-'
                || matches!(
                    c,
                    '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{2066}'..='\u{2069}'
                ) => {}
            None => return None,
        }
    }
    (digits.len() == CODE_DIGITS as usize).then_some(digits)
}

/// The secret as the resident typed it, in its canonical form (upper case,
/// no spaces or dashes, O read as 0 and I/L as 1), or `None` if it cannot
/// be one.
pub fn normalise_follow_token(input: &str) -> Option<String> {
    let token: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{a0}'))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    (token.len() == FOLLOW_TOKEN_CHARS && token.bytes().all(|b| FOLLOW_TOKEN_ALPHABET.contains(&b)))
        .then_some(token)
}

/// The secret grouped for reading: "ABCD-EFGH-JKMN".
pub fn format_follow_token(token: &str) -> String {
    token
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_as_typed_or_pasted() {
        assert_eq!(normalise_code("123456").as_deref(), Some("123456"));
        assert_eq!(normalise_code(" 123 456 ").as_deref(), Some("123456"));
        assert_eq!(normalise_code("123-456").as_deref(), Some("123456"));
        assert_eq!(
            normalise_code("\u{2068}123456\u{2069}").as_deref(),
            Some("123456")
        );
        assert_eq!(normalise_code("١٢٣٤٥٦").as_deref(), Some("123456"));
        assert_eq!(normalise_code("۱۲۳۴۵۶").as_deref(), Some("123456"));
        for bad in ["", "12345", "1234567", "12a456", "١٢٣٤٥"] {
            assert_eq!(normalise_code(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_address_is_an_email_or_a_mobile_number() {
        assert!(matches!(
            CodeAddress::parse(" anna@example.se "),
            Ok(CodeAddress::Email(_))
        ));
        assert!(matches!(
            CodeAddress::parse("070-123 45 67"),
            Ok(CodeAddress::Mobile(_))
        ));
        assert_eq!(
            CodeAddress::parse("08-508 000 00"),
            Err(CodeAddressError::NotAMobileNumber)
        );
        assert_eq!(
            CodeAddress::parse("anna@"),
            Err(CodeAddressError::NotAnEmailAddress)
        );
        assert_eq!(CodeAddress::parse("  "), Err(CodeAddressError::Empty));
        let a = CodeAddress::parse("Anna@Example.se").expect("valid");
        assert_eq!(a.stored(), "email:anna@example.se");
    }

    #[test]
    fn identities_round_trip_through_their_stored_form() {
        for s in [
            "email:anna@example.se",
            "phone:+46701234567",
            "pnr:19811218-9876",
            "case:KC-2026-000123",
        ] {
            let identity = ResidentIdentity::parse_stored(s).expect(s);
            assert_eq!(identity.stored(), s);
        }
        assert!(ResidentIdentity::parse_stored("staff:anna").is_none());
        assert!(ResidentIdentity::parse_stored("email:nope").is_none());
        let pnr = ResidentIdentity::parse_stored("pnr:19811218-9876").expect("valid");
        assert!(pnr.is_e_legitimation());
        assert_eq!(format!("{pnr:?}"), "Personnummer(…)");
        assert_eq!(pnr.audit_actor("ab12"), "resident:eid:ab12");
    }

    #[test]
    fn a_typed_secret_is_read_forgivingly() {
        assert_eq!(
            normalise_follow_token("abcd-efgh-jkmn").as_deref(),
            Some("ABCDEFGHJKMN")
        );
        assert_eq!(
            normalise_follow_token(" ABCD EFGH JKMO ").as_deref(),
            Some("ABCDEFGHJKM0")
        );
        assert_eq!(normalise_follow_token("ABCD-EFGH"), None);
        assert_eq!(normalise_follow_token("ABCD-EFGH-JKMU"), None);
        assert_eq!(format_follow_token("ABCDEFGHJKMN"), "ABCD-EFGH-JKMN");
    }
}
