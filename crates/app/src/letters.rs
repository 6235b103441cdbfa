//! Letters and faxes: the text of a scanned letter, so the letter is
//! searchable like every other contact. A PDF with a text layer gives its
//! text (`pdftotext`); a scanned PDF (no text layer) is rasterised
//! (`pdftoppm`, 300 dpi) and read by OCR; an image is read by OCR directly
//! (Tesseract with its Swedish data). All three are Debian's programs,
//! run with a time limit on a private copy of the file.

use std::path::Path;
use std::time::Duration;

use tokio::process::Command;

/// How long one program may take on one file.
const TIME_LIMIT: Duration = Duration::from_secs(120);
/// Fewer letters than this in a PDF's text layer: it is a scan.
const MIN_TEXT_LAYER: usize = 20;
/// Pages read by OCR at most (a long scan is kept whole as the file).
const MAX_OCR_PAGES: usize = 20;

#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    #[error("the file is neither a PDF nor an image (PNG, JPEG, TIFF): {0}")]
    Unsupported(String),
    #[error("the text could not be read: {0}")]
    Unreadable(String),
}

/// The kinds of file a letter may come as.
pub fn is_supported(content_type: &str) -> bool {
    matches!(
        content_type,
        "application/pdf" | "image/png" | "image/jpeg" | "image/tiff" | "image/gif" | "image/bmp"
    )
}

async fn run(program: &str, args: &[&std::ffi::OsStr]) -> Result<Vec<u8>, LetterError> {
    let output = tokio::time::timeout(
        TIME_LIMIT,
        Command::new(program).args(args).kill_on_drop(true).output(),
    )
    .await
    .map_err(|_| {
        LetterError::Unreadable(format!(
            "{program} took longer than {} s",
            TIME_LIMIT.as_secs()
        ))
    })?
    .map_err(|e| LetterError::Unreadable(format!("{program} could not be started: {e}")))?;
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        return Err(LetterError::Unreadable(format!(
            "{program}: {}",
            err.lines().last().unwrap_or_default()
        )));
    }
    Ok(output.stdout)
}

async fn ocr(image: &Path) -> Result<String, LetterError> {
    // "swe+eng": Swedish first; English covers letters from abroad.
    let out = run(
        "tesseract",
        &[
            image.as_os_str(),
            "-".as_ref(),
            "-l".as_ref(),
            "swe+eng".as_ref(),
        ],
    )
    .await?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The text of a letter; an empty string when nothing could be read.
pub async fn extract_text(content: &[u8], content_type: &str) -> Result<String, LetterError> {
    if !is_supported(content_type) {
        return Err(LetterError::Unsupported(content_type.to_owned()));
    }
    let dir = tempfile::tempdir().map_err(|e| LetterError::Unreadable(e.to_string()))?;
    let file = dir.path().join(if content_type == "application/pdf" {
        "letter.pdf"
    } else {
        "letter.img"
    });
    tokio::fs::write(&file, content)
        .await
        .map_err(|e| LetterError::Unreadable(e.to_string()))?;
    let text = if content_type == "application/pdf" {
        let layer = run(
            "pdftotext",
            &["-layout".as_ref(), file.as_os_str(), "-".as_ref()],
        )
        .await?;
        let layer = String::from_utf8_lossy(&layer).into_owned();
        if layer.chars().filter(|c| c.is_alphabetic()).count() >= MIN_TEXT_LAYER {
            layer
        } else {
            let prefix = dir.path().join("page");
            run(
                "pdftoppm",
                &[
                    "-r".as_ref(),
                    "300".as_ref(),
                    "-gray".as_ref(),
                    "-png".as_ref(),
                    "-l".as_ref(),
                    MAX_OCR_PAGES.to_string().as_ref(),
                    file.as_os_str(),
                    prefix.as_os_str(),
                ],
            )
            .await?;
            let mut pages: Vec<_> = std::fs::read_dir(dir.path())
                .map_err(|e| LetterError::Unreadable(e.to_string()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "png"))
                .collect();
            pages.sort();
            let mut text = String::new();
            for page in pages {
                text.push_str(&ocr(&page).await?);
                text.push('\n');
            }
            text
        }
    } else {
        ocr(&file).await?
    };
    Ok(tidy(&text))
}

/// Trailing spaces, form feeds and runs of blank lines out.
fn tidy(text: &str) -> String {
    let mut out = Vec::new();
    let mut blank = 0;
    let text = text.replace('\u{c}', "\n");
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push(line);
    }
    out.join("\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_tidied() {
        assert_eq!(tidy("Hej  \n\n\n\nDå\u{c}\n"), "Hej\n\nDå");
    }

    #[test]
    fn only_pdfs_and_images() {
        assert!(is_supported("application/pdf") && is_supported("image/png"));
        assert!(!is_supported("text/html"));
    }
}
