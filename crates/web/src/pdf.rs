//! The register extract as a PDF for the resident: plain A4 pages in
//! Helvetica (one of the fonts every PDF reader has, so nothing is
//! embedded), Swedish first, English in parentheses. The built-in fonts
//! cover Western European letters (WinAnsi); other characters print as '?',
//! and the HTML format is there for names in other scripts.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::views::RegisterExtractView;

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;

#[derive(Clone, Copy)]
enum Style {
    Title,
    Heading,
    Body,
}

impl Style {
    fn size(self) -> f32 {
        match self {
            Style::Title => 18.0,
            Style::Heading => 12.5,
            Style::Body => 10.0,
        }
    }

    fn font(self) -> Name<'static> {
        match self {
            Style::Body => Name(b"F1"),
            _ => Name(b"F2"),
        }
    }
}

/// Text in the WinAnsi encoding of the standard fonts.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' | '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '–' => 0x96,
            '—' => 0x97,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '…' => 0x85,
            '\t' | '\n' | '\r' => b' ',
            _ => b'?',
        })
        .collect()
}

/// Splits text into lines that fit the page at the given size (Helvetica's
/// average width is a little over half the font size).
fn wrap(text: &str, style: Style) -> Vec<String> {
    let per_line = ((PAGE_WIDTH - 2.0 * MARGIN) / (style.size() * 0.52)) as usize;
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > per_line {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Lays out lines top to bottom, starting a new page when one is full.
struct Layout {
    pages: Vec<Vec<(Style, f32, String)>>,
    y: f32,
}

impl Layout {
    fn new() -> Self {
        Layout {
            pages: vec![Vec::new()],
            y: PAGE_HEIGHT - MARGIN,
        }
    }

    fn add(&mut self, style: Style, text: &str) {
        if !matches!(style, Style::Body) {
            self.y -= style.size() * 0.6;
        }
        for line in wrap(text, style) {
            let height = style.size() * 1.35;
            if self.y - height < MARGIN {
                self.pages.push(Vec::new());
                self.y = PAGE_HEIGHT - MARGIN;
            }
            self.y -= height;
            let y = self.y;
            if let Some(page) = self.pages.last_mut() {
                page.push((style, y, line));
            }
        }
    }

    fn gap(&mut self) {
        self.y -= 6.0;
    }
}

pub fn register_extract(view: &RegisterExtractView) -> Vec<u8> {
    let mut doc = Layout::new();
    let p = &view.person;
    doc.add(Style::Title, "Registerutdrag (Register extract)");
    doc.add(
        Style::Body,
        &format!(
            "Framställt {} (made). Uppgifter som Stockholms stads kontaktcenter behandlar om dig.",
            view.generated_at.format("%Y-%m-%d %H:%M UTC")
        ),
    );
    doc.add(Style::Heading, "Personuppgifter (Personal data)");
    for (label, value) in [
        ("Namn (name)", p.name.clone()),
        (
            "Personnummer (personal identity number)",
            p.personnummer.clone(),
        ),
        ("Telefon (phone)", p.phone.clone()),
        ("E-post (e-mail)", p.email.clone()),
        ("Språk (language)", p.preferred_language.clone()),
    ] {
        doc.add(
            Style::Body,
            &format!("{label}: {}", value.as_deref().unwrap_or("–")),
        );
    }
    doc.add(
        Style::Body,
        &format!(
            "Skyddad identitet (protected identity): {}",
            if p.protected_identity {
                "ja (yes)"
            } else {
                "nej (no)"
            }
        ),
    );
    doc.add(
        Style::Heading,
        &format!("Ärenden (Cases): {}", view.cases.len()),
    );
    for c in &view.cases {
        doc.add(
            Style::Heading,
            &format!(
                "{} – {}",
                c.number,
                c.case_type_name_sv.as_deref().unwrap_or(&c.case_type)
            ),
        );
        doc.add(
            Style::Body,
            &format!(
                "Registrerat {} via {}. Status: {}. Ansvarig nämnd: {}.",
                c.created_at.format("%Y-%m-%d"),
                c.channel,
                c.status,
                c.board_name_sv.as_deref().unwrap_or(&c.board)
            ),
        );
        doc.add(Style::Body, &c.description);
        for e in &c.entries {
            let text = e.summary();
            doc.add(
                Style::Body,
                &format!(
                    "{}  {}  {}",
                    e.at.format("%Y-%m-%d %H:%M"),
                    e.body.kind(),
                    text
                ),
            );
        }
        doc.gap();
    }
    if !view.rectifications.is_empty() {
        doc.add(Style::Heading, "Rättelser (Rectifications)");
        for r in &view.rectifications {
            doc.add(
                Style::Body,
                &format!(
                    "{}  {}: före (before) {}, efter (after) {}. Skäl (reason): {}",
                    r.at.format("%Y-%m-%d %H:%M"),
                    r.field,
                    r.old_value.as_deref().unwrap_or("–"),
                    r.new_value.as_deref().unwrap_or("–"),
                    r.reason
                ),
            );
        }
    }
    render(&doc.pages)
}

fn render(pages: &[Vec<(Style, f32, String)>]) -> Vec<u8> {
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let mut next = 6;
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.document_info(info)
        .title(TextStr("Registerutdrag"))
        .producer(TextStr("Kontakt"));
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let mut page_ids = Vec::new();
    let total = pages.len();
    for (i, lines) in pages.iter().enumerate() {
        let page_id = Ref::new(next);
        let content_id = Ref::new(next + 1);
        next += 2;
        page_ids.push(page_id);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
        page.parent(tree);
        page.contents(content_id);
        page.resources()
            .fonts()
            .pair(Name(b"F1"), regular)
            .pair(Name(b"F2"), bold);
        page.finish();
        let mut content = Content::new();
        for (style, y, text) in lines {
            content.begin_text();
            content.set_font(style.font(), style.size());
            content.next_line(MARGIN, *y);
            content.show(Str(&win_ansi(text)));
            content.end_text();
        }
        content.begin_text();
        content.set_font(Name(b"F1"), 8.0);
        content.next_line(MARGIN, MARGIN / 2.0);
        content.show(Str(&win_ansi(&format!(
            "Registerutdrag – sida {} av {total}",
            i + 1
        ))));
        content.end_text();
        pdf.stream(content_id, &content.finish());
    }
    let count = page_ids.len() as i32;
    pdf.pages(tree).kids(page_ids).count(count);
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_letters_fit_win_ansi_and_others_do_not() {
        assert_eq!(win_ansi("Åsa Öberg–Ärlig"), b"\xc5sa \xd6berg\x96\xc4rlig");
        assert_eq!(win_ansi("Ωmega"), b"?mega");
    }

    #[test]
    fn long_text_wraps_within_the_page() {
        let text = "ord ".repeat(200);
        let lines = wrap(&text, Style::Body);
        assert!(lines.len() > 5);
        assert!(lines.iter().all(|l| l.chars().count() <= 95));
    }
}
