//! Letters at the desk: a PDF with text and a scanned image (read by
//! Tesseract's OCR) become searchable cases, or join the case they name,
//! dated the day they arrived; a file that is no letter, and a forged
//! form, change nothing.

use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::staff::{csrf_of, logged_in};

/// A one-page PDF with a line of text (Helvetica, WinAnsi), made by hand
/// with a correct cross-reference table.
fn letter_pdf(line: &str) -> Vec<u8> {
    let text: Vec<u8> = line
        .chars()
        .map(|c| match c {
            'å' => 0xE5,
            'ä' => 0xE4,
            'ö' => 0xF6,
            'Å' => 0xC5,
            'Ä' => 0xC4,
            'Ö' => 0xD6,
            c => c as u8,
        })
        .collect();
    let mut stream = b"BT /F1 20 Tf 60 700 Td (".to_vec();
    stream.extend(&text);
    stream.extend(b") Tj ET");
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
        [format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes(), stream, b"\nendstream".to_vec()].concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n", i + 1).into_bytes());
        pdf.extend(o);
        pdf.extend(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).into_bytes());
    for o in offsets {
        pdf.extend(format!("{o:010} 00000 n \n").into_bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .into_bytes(),
    );
    pdf
}

/// The same letter as a scanner would give it: an image, no text layer.
fn scanned(pdf: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("letter.pdf");
    std::fs::write(&file, pdf).expect("write");
    let status = std::process::Command::new("pdftoppm")
        .args(["-r", "200", "-png", "-singlefile"])
        .arg(&file)
        .arg(dir.path().join("scan"))
        .status()
        .expect("pdftoppm (poppler-utils, installed by scripts/services.sh)");
    assert!(status.success());
    std::fs::read(dir.path().join("scan.png")).expect("the image")
}

async fn letters_are_read_and_found(app: TestApp) {
    let mut agent = logged_in(&app, "agnes", &["agent_l1", "group:FSK"]).await;
    let form = agent.get("/letters/new").await;
    assert_eq!(form.status, 200, "{}", form.body);
    let csrf = csrf_of(&form.body);
    let before = app.case_count().await;

    // A file that is no letter, and a forged form: nothing registered.
    let r = agent
        .post_multipart(
            "/letters/new",
            &[
                ("csrf", None, csrf.as_bytes()),
                ("file", Some("notes.txt"), b"hej"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let pdf = letter_pdf("Ansökan om bygglov för altan på Söder");
    let r = agent
        .post_multipart(
            "/letters/new",
            &[("csrf", None, b"forged"), ("file", Some("brev.pdf"), &pdf)],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(app.case_count().await, before);

    // A PDF with text: a new case, dated the day it arrived.
    let r = agent
        .post_multipart(
            "/letters/new",
            &[
                ("csrf", None, csrf.as_bytes()),
                ("file", Some("brev.pdf"), &pdf),
                ("received", None, b"2026-11-20"),
                ("case_type", None, b"ALLM-HANV"),
                ("name", None, "Erik Ek".as_bytes()),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Brevet är registrerat."), "{}", r.body);
    assert_eq!(app.case_count().await, before + 1);
    let (_, list) = app.get("/api/v1/cases?channel=letter").await;
    let number = list["items"][0]["number"]
        .as_str()
        .expect("the letter's case")
        .to_owned();
    let (_, case) = app.get(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(case["channel"], "letter");
    assert!(
        case["created_at"]
            .as_str()
            .unwrap_or_default()
            .starts_with("2026-11-19T23:00"),
        "{case}"
    );
    assert!(
        case["description"]
            .as_str()
            .unwrap_or_default()
            .contains("bygglov för altan på Söder"),
        "{case}"
    );
    assert!(case["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|e| e["kind"] == "attachment" && e["file_name"] == "brev.pdf"));

    // A scan naming that case joins it, its text read by OCR.
    let png = scanned(&letter_pdf("Komplettering: ritning över altanen bifogas"));
    let r = agent
        .post_multipart(
            "/letters/new",
            &[
                ("csrf", None, csrf.as_bytes()),
                ("file", Some("skanning.png"), &png),
                ("case_number", None, number.to_lowercase().as_bytes()),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(app.case_count().await, before + 1, "joined, not a new case");
    let (_, case) = app.get(&format!("/api/v1/cases/{number}")).await;
    let read = case["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["kind"] == "message_in" && e["channel"] == "letter")
        .and_then(|e| e["text"].as_str())
        .unwrap_or_default()
        .to_owned();
    assert!(
        read.contains("ritning") && read.contains("altanen"),
        "OCR read the scan: {read}"
    );

    // Both letters are found by search.
    for word in ["altan", "ritning"] {
        let (_, found) = app.get(&format!("/api/v1/cases?q={word}")).await;
        assert!(
            found["items"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["number"] == number.as_str()),
            "{word}: {found}"
        );
    }
}

on_both_backends!(letters_are_read_and_found);
