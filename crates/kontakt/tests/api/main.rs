//! All API integration tests in one binary (faster to build). Each test
//! starts the real server on a free port with a fresh database and talks
//! HTTP to it; `on_both_backends!` runs it once on SQLite and once on
//! PostgreSQL (KONTAKT_TEST_POSTGRES names the server; `scripts/test.sh`
//! starts one).

mod helpers;

mod access;
mod audit;
mod bad_input;
mod browser;
mod browser_residents;
mod cases;
mod cli;
mod crisis;
mod desk;
mod directory;
mod eservice;
mod fallback;
mod knowledge;
mod language;
mod letters;
mod mail;
mod mina_sidor;
mod open311;
mod phone;
mod protected;
mod rights;
mod sms;
mod sso;
mod staff;
mod stats;
mod timeline;
