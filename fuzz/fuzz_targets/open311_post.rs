//! Open311 `POST requests`: the form body decoded as axum's `Form` extractor
//! decodes it (`serde_urlencoded` over `form_urlencoded`), read by
//! `kontakt_web::open311::read_post_form` (the handler's own code before it
//! checks the API key), then validated by the intake
//! (`CaseService::validate_new_case`, pure: it reads only the catalog) and
//! the refusals turned into the specification's error list.
//!
//! Besides "no panic": a refusal before the key check is a 404 (another
//! jurisdiction) or a 400 (no service); a request names a public service
//! on the Open311 channel; the intake refuses bad input only with field
//! errors or a rule (a 400), never with anything that would become a 500,
//! and never with its "(request) is incomplete" fallback.
#![no_main]

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, TimeZone, Utc};
use kontakt_app::cases::{Actor, CaseError, CaseService};
use kontakt_domain::catalog::Catalog;
use kontakt_store::sqlite::SqliteStore;
use kontakt_store::OpenMode;
use kontakt_web::open311::{invalid_fields, read_post_form};
use libfuzzer_sys::fuzz_target;

const CATALOG: &str = include_str!("../../catalog/stockholm.toml");

struct Fixture {
    catalog: Arc<Catalog>,
    cases: CaseService,
    actor: Actor,
    now: DateTime<Utc>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let catalog =
            Arc::new(Catalog::load("stockholm.toml", CATALOG).expect("the city's catalog loads"));
        // CaseService needs a store; validation never touches it. The file
        // is removed once opened (the open connections keep it).
        let dir = std::env::temp_dir().join(format!("kontakt-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let store = SqliteStore::open(&dir.join("fuzz.db"), OpenMode::CreateIfMissing)
            .expect("a scratch store");
        let _ = std::fs::remove_dir_all(&dir);
        Fixture {
            cases: CaseService::new(Arc::new(store), catalog.clone()),
            catalog,
            actor: Actor::channel("token:fuzz"),
            now: Utc
                .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
                .single()
                .expect("a time"),
        }
    })
}

fuzz_target!(|body: &[u8]| {
    // What `Form<Vec<(String, String)>>` does with the body (axum 0.8).
    let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body) else {
        return;
    };
    let f = fixture();
    let form = match read_post_form(&pairs, &f.catalog) {
        Ok(form) => form,
        Err(refusal) => {
            assert_eq!(refusal.status.as_u16(), 404, "{refusal:?}");
            assert!(refusal.errors().is_array());
            return;
        }
    };
    let (service, request) = match form.request {
        Ok(r) => r,
        Err(refusal) => {
            assert_eq!(refusal.status.as_u16(), 400, "{refusal:?}");
            return;
        }
    };
    assert!(service.public);
    assert_eq!(request.case_type.as_deref(), Some(service.code.as_str()));
    assert_eq!(request.channel, "open311");
    assert_eq!(request.anonymous, request.contact.is_none());
    assert!(request.attach_to.is_none() && request.close_as.is_none());
    match f.cases.validate_new_case(request, &f.actor, f.now) {
        Ok(case) => assert_eq!(case.case_type, service.code),
        Err(CaseError::Invalid(errors)) => {
            assert!(!errors.is_empty(), "refused without a reason");
            assert!(
                errors.iter().all(|e| e.field != "(request)"),
                "the fallback error was reached: {errors:?}"
            );
            let list = invalid_fields(&errors);
            assert_eq!(list.as_array().map(Vec::len), Some(errors.len()));
            let _ = serde_json::to_string(&list).expect("JSON");
        }
        Err(CaseError::Rule(_)) => {}
        Err(other) => panic!("validation answered {other:?}"),
    }
});
