//! Kontakt's services: the rules between a request and the store.
//!
//! Depends on the domain and the store's trait; knows nothing of HTTP.

pub mod audit;
pub mod cases;
pub mod crisis;
pub mod directory;
pub mod directory_demo;
pub mod directory_import;
pub mod dispatch;
pub mod fallback;
pub mod generator;
pub mod knowledge;
pub mod knowledge_demo;
pub mod letters;
pub mod mail_in;
pub mod messages;
pub mod phone;
pub mod reports;
pub mod residents;
pub mod review;
pub mod rights;
pub mod set_aside;
pub mod simulate;
pub mod sms;
pub mod sso;
pub mod staff;
pub mod stats;
pub mod switchboard;
pub mod tokens;
