//! Kontakt's domain: the values, rules and catalog every other layer builds on.
//!
//! Nothing here does I/O or knows about HTTP or SQL; the store, the services
//! and the web layer depend on this crate, never the other way round.

pub mod access;
pub mod audit;
pub mod calendar;
pub mod case;
pub mod catalog;
pub mod contact;
pub mod personnummer;
