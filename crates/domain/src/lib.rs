//! Kontakt's domain: the values, rules and catalog every other layer builds on.
//!
//! Nothing here does I/O or knows about HTTP or SQL; the store, the services
//! and the web layer depend on this crate, never the other way round.

/// An enum of fixed words: `as_str`/`parse`/`ALL`, serde and `Display`, so
/// the database, the API and the UI spell each value the same way.
macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$doc:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name { $($(#[$doc])* #[serde(rename = $word)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($word => Some($name::$variant),)+ _ => None }
            }
            /// The accepted spellings, for error messages.
            pub fn choices() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub mod access;
pub mod acd;
pub mod audit;
pub mod calendar;
pub mod case;
pub mod catalog;
pub mod contact;
pub mod crisis;
pub mod directory;
pub mod knowledge;
pub mod message;
pub mod personnummer;
pub mod phone;
pub mod resident;
pub mod sms;
pub mod stats;
pub mod text;
