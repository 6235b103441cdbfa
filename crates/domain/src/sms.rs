//! How a text travels as SMS: in the GSM 7-bit default alphabet when every
//! character is in it (å, ä, ö, Å, Ä, Ö and é are), else in UCS-2; and in
//! how many parts. One part holds 160 GSM characters or 70 UCS-2 units; a
//! longer text is sent as concatenated parts of 153 or 67, since each part
//! carries a 6-byte header. A character from the GSM extension table (€, [,
//! ], {, }, \, ^, ~, |) takes two places and is never split from its escape;
//! a character outside the Basic Multilingual Plane (an emoji) takes two
//! UCS-2 units and is never split either.

/// GSM 03.38 default alphabet (one septet each), without the escape.
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// GSM 03.38 extension table (escape + one septet each).
const GSM_EXTENSION: &str = "\u{c}^{}\\[~]|€";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Gsm7,
    Ucs2,
}

impl Coding {
    /// Kannel's `coding` value: 0 for 7-bit, 2 for UCS-2.
    pub fn kannel(self) -> u8 {
        match self {
            Coding::Gsm7 => 0,
            Coding::Ucs2 => 2,
        }
    }
}

/// The places a character takes in its coding.
fn width(c: char, coding: Coding) -> usize {
    match coding {
        Coding::Gsm7 if GSM_EXTENSION.contains(c) => 2,
        Coding::Gsm7 => 1,
        Coding::Ucs2 => c.len_utf16(),
    }
}

pub fn coding(text: &str) -> Coding {
    if text
        .chars()
        .all(|c| GSM_BASIC.contains(c) || GSM_EXTENSION.contains(c))
    {
        Coding::Gsm7
    } else {
        Coding::Ucs2
    }
}

/// The text cut into the parts it is sent as.
pub fn parts(text: &str) -> Vec<String> {
    let coding = coding(text);
    let (single, each) = match coding {
        Coding::Gsm7 => (160, 153),
        Coding::Ucs2 => (70, 67),
    };
    let total: usize = text.chars().map(|c| width(c, coding)).sum();
    if total <= single {
        return vec![text.to_owned()];
    }
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = width(c, coding);
        if used + w > each {
            parts.push(std::mem::take(&mut current));
            used = 0;
        }
        current.push(c);
        used += w;
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_letters_are_gsm() {
        assert_eq!(
            coding("Hej Åsa! Ärendet är klart, öppet 8-17."),
            Coding::Gsm7
        );
        assert_eq!(coding("Kostnad 5 €"), Coding::Gsm7);
        assert_eq!(coding("Öppet 8–17"), Coding::Ucs2, "an en dash is not GSM");
        assert_eq!(coding("Tack 😀"), Coding::Ucs2);
        assert_eq!(coding("مرحبا"), Coding::Ucs2);
    }

    #[test]
    fn one_part_up_to_the_limit() {
        assert_eq!(parts(&"å".repeat(160)).len(), 1);
        assert_eq!(parts(&"å".repeat(161)).len(), 2);
        assert_eq!(parts(&"–".repeat(70)).len(), 1);
        assert_eq!(parts(&"–".repeat(71)).len(), 2);
        // € takes two places: 80 of them fill one part exactly.
        assert_eq!(parts(&"€".repeat(80)).len(), 1);
        assert_eq!(parts(&"€".repeat(81)).len(), 2);
    }

    #[test]
    fn long_texts_split_without_breaking_characters() {
        let text = "ä".repeat(400);
        let p = parts(&text);
        assert_eq!(
            p.iter().map(|p| p.chars().count()).collect::<Vec<_>>(),
            [153, 153, 94]
        );
        assert_eq!(p.concat(), text);
        // An extension character at the boundary moves whole to the next part.
        let text = format!("{}€", "a".repeat(152));
        let text = format!("{text}{}", "b".repeat(10));
        let p = parts(&text);
        assert_eq!(p[0].chars().count(), 152);
        assert!(p[1].starts_with('€'));
        // An emoji (two UCS-2 units) is never cut in half.
        let text = format!("{}😀{}", "–".repeat(66), "–".repeat(10));
        let p = parts(&text);
        assert_eq!(p[0].chars().count(), 66);
        assert!(p[1].starts_with('😀'));
        assert_eq!(p.concat(), text);
    }
}
