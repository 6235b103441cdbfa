//! The e-mail intake's reading of a mail (`kontakt_app::mail_in::parse_mail`,
//! the code `MailIntake::receive_for` runs before it touches the store),
//! then what the intake does with the result: the timeline text as a new
//! case and as a reply (quoted history cut), and the attachments' stored
//! types as `Arrival` sniffs them.
//!
//! Besides "no panic", the properties the rest of Kontakt relies on:
//! a description is never empty, holds no NUL and fits the intake's
//! limit; every kept file fits and is not empty; only Message-IDs of ours
//! are followed.
//!
//! Built with debug assertions (`cargo fuzz run -a`), mail-parser 0.11.9
//! panics on some malformed MIME nestings; `parse_mail` catches that and
//! refuses the mail (see `mail_in::parse_message`). libfuzzer-sys's panic
//! hook aborts on every panic, caught or not, so this target installs its
//! own: it prints the panic (one line for the known, caught one) and lets
//! it unwind; a panic nobody catches still ends the run as a crash.
#![no_main]

use kontakt_app::cases::{limits, looks_like_program, stored_content_type};
use kontakt_app::mail_in::{parse_mail, ParsedMail};
use libfuzzer_sys::fuzz_target;

/// Replaces libfuzzer-sys's aborting panic hook (installed before the
/// first input) with one that only prints.
fn let_caught_panics_unwind() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let known = info.location().is_some_and(|l| {
                l.file().contains("mail-parser") && l.file().ends_with("message.rs")
            });
            eprintln!("panic: {info}");
            if !known {
                eprintln!("{}", std::backtrace::Backtrace::force_capture());
            }
        }));
    });
}

const DOMAIN: &str = "stockholm.se";

fn ours(id: &str) -> bool {
    id.starts_with("kontakt.") && id.ends_with("@stockholm.se")
}

fuzz_target!(|raw: &[u8]| {
    let_caught_panics_unwind();
    let Ok(parsed) = parse_mail(raw, DOMAIN) else {
        return;
    };
    match parsed {
        ParsedMail::Bounce {
            message_ids,
            reason,
        } => {
            assert!(!message_ids.is_empty(), "a bounce names a message");
            assert!(message_ids.iter().all(|id| ours(id)), "{message_ids:?}");
            assert!(reason.chars().count() <= 300);
        }
        ParsedMail::Automatic => {}
        ParsedMail::Person(mail) => {
            assert!(!mail.intake_key().is_empty());
            assert!(mail.thread_ids.iter().all(|id| ours(id)));
            if let Some(name) = mail.sender_name() {
                assert!(!name.is_empty() && !name.contains('\0'));
                assert!(name.chars().count() <= limits::NAME_CHARS);
            }
            for f in mail.files() {
                assert!(!f.content.is_empty());
                assert!(f.content.len() <= limits::ATTACHMENT_BYTES);
                let stored = stored_content_type(&f.content_type, &f.content);
                assert!(!stored.is_empty());
                let _ = looks_like_program(&f.file_name, &stored);
            }
            for is_reply in [false, true] {
                let (description, files) = mail.description(is_reply);
                assert!(!description.trim().is_empty(), "empty description");
                assert!(!description.contains('\0'), "NUL in the description");
                assert!(
                    description.chars().count() <= limits::DESCRIPTION_CHARS,
                    "description of {} chars",
                    description.chars().count()
                );
                assert!(files.len() >= mail.files().len());
                assert!(files
                    .iter()
                    .all(|f| f.content.len() <= limits::ATTACHMENT_BYTES));
            }
        }
    }
});
