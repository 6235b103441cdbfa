//! Hostile mail through the whole mail intake, on a real SQLite store:
//! thousands of mutations of real-looking mails (flipped and dropped bytes,
//! cut-off bodies, broken boundaries and encodings, enormous header lines,
//! lying content types, forged threading headers and bounces). Every one
//! must be answered — registered, recognised as machine mail, or refused
//! with a reason — without a panic, and must make at most one case.
//!
//! `cargo fuzz` needs a nightly toolchain, which cannot be installed here;
//! this is the same idea on the stable toolchain, seeded so a failure can
//! be replayed.

use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use kontakt_app::cases::CaseService;
use kontakt_app::mail_in::{MailError, MailIntake};
use kontakt_domain::catalog::Catalog;
use kontakt_store::OpenMode;
use rand::{Rng, SeedableRng};

const CATALOG: &str = include_str!("../../../catalog/stockholm.toml");

const SEEDS: &[&str] = &[
    "From: Anna Lind <anna@example.se>\r\nTo: kontaktcenter@stockholm.se\r\nSubject: =?utf-8?q?Fr=C3=A5ga_om_f=C3=B6rskola?=\r\nMessage-ID: <a1@example.se>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nHej! När får vi besked om förskoleplats i Farsta?\r\n",
    "From: =?iso-8859-1?q?Bertil_=C5kesson?= <b@example.se>\r\nTo: kontaktcenter@stockholm.se\r\nSubject: =?iso-8859-1?q?=D6ppettider?=\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>N=E4r =F6ppnar <b>medborgarkontoret</b>?</p>\r\n",
    "From: c@example.se\r\nTo: kontaktcenter@stockholm.se\r\nSubject: Sv: Ditt =?utf-8?b?w6RyZW5kZQ==?= KC-2026-000001\r\nIn-Reply-To: <kontakt.0123456789abcdef01234567@kontakt.invalid>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"xyz\"\r\n\r\n--xyz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSe bilden.\r\n> citat\r\n--xyz\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename=\"bild.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQ==\r\n--xyz--\r\n",
    "From: MAILER-DAEMON@mx.example.se\r\nTo: kontakt@stockholm.se\r\nSubject: Undelivered Mail\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 no such user\r\n--r\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <kontakt.0123456789abcdef01234567@kontakt.invalid>\r\n--r--\r\n",
    "From: d@example.se\r\nTo: kontaktcenter@stockholm.se\r\nAuto-Submitted: auto-replied\r\nSubject: Autosvar\r\n\r\nJag är ledig.\r\n",
];

fn insert(m: &mut Vec<u8>, at: usize, bytes: &[u8]) {
    m.splice(at..at, bytes.iter().copied());
}

fn mutate(rng: &mut impl Rng, seed: &[u8]) -> Vec<u8> {
    let mut m = seed.to_vec();
    for _ in 0..rng.gen_range(1..6) {
        if m.is_empty() {
            m.push(b'x');
        }
        let at = rng.gen_range(0..m.len());
        match rng.gen_range(0..9) {
            0 => m[at] = rng.gen(),
            1 => {
                m.remove(at);
            }
            2 => m.truncate(at),
            3 => {
                let junk: Vec<u8> = (0..rng.gen_range(1..64)).map(|_| rng.gen()).collect();
                insert(&mut m, at, &junk);
            }
            4 => insert(
                &mut m,
                at,
                b"\r\n--xyz\r\nContent-Type: multipart/mixed; boundary=\"xyz\"\r\n\r\n",
            ),
            5 => {
                let long = format!("X-Long: {}\r\n", "a".repeat(rng.gen_range(1000..100_000)));
                insert(&mut m, at, long.as_bytes());
            }
            6 => insert(&mut m, at, b"=?utf-8?b?////?= =?iso-8859-1?q?=ZZ?= "),
            7 => insert(
                &mut m,
                0,
                b"Content-Type: application/pdf; name=\"virus.exe\"\r\n",
            ),
            _ => insert(
                &mut m,
                0,
                b"References: <kontakt.ffffffffffffffffffffffff@kontakt.invalid> <>\r\n",
            ),
        }
    }
    m
}

#[test]
fn hostile_mail_is_answered_without_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}", dir.path().join("kontakt.db").display());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let store = kontakt_store::open(&url, OpenMode::CreateIfMissing)
            .await
            .expect("store");
        let catalog = Arc::new(Catalog::load("stockholm.toml", CATALOG).expect("catalog"));
        let intake = MailIntake::new(Arc::new(CaseService::new(store.clone(), catalog)));
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2026);
        let started = Instant::now();
        let inputs = 3_000;
        let (mut registered, mut refused) = (0, 0);
        for i in 0..inputs {
            let seed = SEEDS[i % SEEDS.len()].as_bytes();
            let mail = mutate(&mut rng, seed);
            let before = store.count_cases().await.expect("count");
            match intake.receive(&mail, Utc::now()).await {
                Ok(_) => registered += 1,
                Err(MailError::Refused(_)) => refused += 1,
                Err(MailError::Store(e)) => panic!("input {i}: storage failed: {e}"),
            }
            let after = store.count_cases().await.expect("count");
            assert!(
                after <= before + 1,
                "input {i} made {} cases",
                after - before
            );
        }
        eprintln!(
            "{inputs} hostile mails in {:.1} s: {registered} answered, {refused} refused",
            started.elapsed().as_secs_f64()
        );
        assert_eq!(registered + refused, inputs);
    });
}
