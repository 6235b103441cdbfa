//! The staff pages' languages: Swedish by default, English on request.
//! Every text lives in Project Fluent files under `crates/web/locales/`,
//! compiled into the binary; a test checks that both languages have every
//! message and that every message the code asks for exists.
//!
//! The choice is a cookie (`__Host-kontakt-lang`) set by `/lang/{sv|en}`,
//! so it holds on every page, before and after login.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::LazyLock;

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::{header, request::Parts, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::Deserialize;

pub const LANG_COOKIE: &str = "__Host-kontakt-lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Sv,
    En,
}

impl Lang {
    /// The staff pages' languages.
    pub const ALL: [Lang; 2] = [Lang::Sv, Lang::En];

    /// The BCP 47 code, for `lang` attributes and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language, offered by the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Sv => Lang::En,
            Lang::En => Lang::Sv,
        }
    }

    pub fn from_headers(headers: &HeaderMap) -> Lang {
        crate::session::cookie(headers, LANG_COOKIE)
            .and_then(|c| Lang::parse(&c))
            .unwrap_or_default()
    }

    /// The message `id` in this language.
    pub fn t(self, id: &str) -> String {
        ResidentLang::from(self).t(id)
    }

    /// The message `id` with its variables (`{ $name }` in the file).
    pub fn ta(self, id: &str, args: &[(&str, &dyn ToString)]) -> String {
        ResidentLang::from(self).ta(id, args)
    }

    /// A count in a message that agrees with it ("1 ärende", "2 ärenden").
    pub fn tn(self, id: &str, count: usize) -> String {
        ResidentLang::from(self).tn(id, count)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::from_headers(&parts.headers))
    }
}

/// The residents' languages (Mina sidor): Swedish and English, and the
/// languages most spoken in Stockholm besides them — Finnish (a national
/// minority language), Arabic, Persian, Somali, Tigrinya, Polish, Spanish,
/// Turkish and Russian. Every message of `resident.ftl` exists in each
/// (a test checks it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResidentLang {
    #[default]
    Sv,
    En,
    Fi,
    Ar,
    Fa,
    So,
    Ti,
    Pl,
    Es,
    Tr,
    Ru,
}

impl ResidentLang {
    pub const ALL: [ResidentLang; 11] = [
        ResidentLang::Sv,
        ResidentLang::En,
        ResidentLang::Fi,
        ResidentLang::Ar,
        ResidentLang::Fa,
        ResidentLang::So,
        ResidentLang::Ti,
        ResidentLang::Pl,
        ResidentLang::Es,
        ResidentLang::Tr,
        ResidentLang::Ru,
    ];

    /// The BCP 47 code, for `lang` attributes, the cookie, and the
    /// person's preferred language.
    pub fn code(self) -> &'static str {
        match self {
            ResidentLang::Sv => "sv",
            ResidentLang::En => "en",
            ResidentLang::Fi => "fi",
            ResidentLang::Ar => "ar",
            ResidentLang::Fa => "fa",
            ResidentLang::So => "so",
            ResidentLang::Ti => "ti",
            ResidentLang::Pl => "pl",
            ResidentLang::Es => "es",
            ResidentLang::Tr => "tr",
            ResidentLang::Ru => "ru",
        }
    }

    /// The language's name in itself, for the language menu.
    pub fn endonym(self) -> &'static str {
        match self {
            ResidentLang::Sv => "Svenska",
            ResidentLang::En => "English",
            ResidentLang::Fi => "Suomi",
            ResidentLang::Ar => "العربية",
            ResidentLang::Fa => "فارسی",
            ResidentLang::So => "Soomaali",
            ResidentLang::Ti => "ትግርኛ",
            ResidentLang::Pl => "Polski",
            ResidentLang::Es => "Español",
            ResidentLang::Tr => "Türkçe",
            ResidentLang::Ru => "Русский",
        }
    }

    /// Arabic and Persian are written right to left.
    pub fn dir(self) -> &'static str {
        match self {
            ResidentLang::Ar | ResidentLang::Fa => "rtl",
            _ => "ltr",
        }
    }

    pub fn parse(code: &str) -> Option<ResidentLang> {
        let code = code.trim().to_ascii_lowercase();
        // "ar-SE" is Arabic; "sv_FI" Swedish.
        let primary = code.split(['-', '_']).next().unwrap_or_default();
        ResidentLang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The language of the staff pages and of the catalog's names (which
    /// are in Swedish and English) closest to this one.
    pub fn staff(self) -> Lang {
        match self {
            ResidentLang::Sv => Lang::Sv,
            _ => Lang::En,
        }
    }

    /// The resident's choice (the cookie), else the first of the browser's
    /// languages (`Accept-Language`) that Kontakt speaks, else Swedish.
    pub fn from_headers(headers: &HeaderMap) -> ResidentLang {
        if let Some(lang) =
            crate::session::cookie(headers, LANG_COOKIE).and_then(|c| ResidentLang::parse(&c))
        {
            return lang;
        }
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| {
                h.split(',')
                    .filter_map(|part| ResidentLang::parse(part.split(';').next()?))
                    .next()
            })
            .unwrap_or_default()
    }

    /// The message `id` in this language (staff pages' `Lang` too).
    pub fn t(self, id: &str) -> String {
        format(self.code(), id, None)
    }

    /// The message `id` with its variables (`{ $name }` in the file).
    pub fn ta(self, id: &str, args: &[(&str, &dyn ToString)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, FluentValue::from(value.to_string()));
        }
        format(self.code(), id, Some(&fluent_args))
    }

    /// A count in a message that agrees with it ("1 ärende", "2 ärenden").
    pub fn tn(self, id: &str, count: usize) -> String {
        let mut fluent_args = FluentArgs::new();
        fluent_args.set("count", FluentValue::from(count));
        format(self.code(), id, Some(&fluent_args))
    }
}

impl From<Lang> for ResidentLang {
    fn from(lang: Lang) -> Self {
        match lang {
            Lang::Sv => ResidentLang::Sv,
            Lang::En => ResidentLang::En,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ResidentLang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ResidentLang::from_headers(&parts.headers))
    }
}

/// The message files, per language code, in the order they are loaded.
/// The staff pages are in Swedish and English; the residents' pages
/// (`resident.ftl`) in every language of `ResidentLang`.
const FILES: &[(&str, &str, &str)] = &[
    ("sv", "common", include_str!("../locales/sv/common.ftl")),
    ("sv", "desk", include_str!("../locales/sv/desk.ftl")),
    ("sv", "pages", include_str!("../locales/sv/pages.ftl")),
    ("sv", "fallback", include_str!("../locales/sv/fallback.ftl")),
    (
        "sv",
        "directory",
        include_str!("../locales/sv/directory.ftl"),
    ),
    ("en", "common", include_str!("../locales/en/common.ftl")),
    ("en", "desk", include_str!("../locales/en/desk.ftl")),
    ("en", "pages", include_str!("../locales/en/pages.ftl")),
    ("en", "fallback", include_str!("../locales/en/fallback.ftl")),
    (
        "en",
        "directory",
        include_str!("../locales/en/directory.ftl"),
    ),
    ("sv", "resident", include_str!("../locales/sv/resident.ftl")),
    ("en", "resident", include_str!("../locales/en/resident.ftl")),
    ("fi", "resident", include_str!("../locales/fi/resident.ftl")),
    ("ar", "resident", include_str!("../locales/ar/resident.ftl")),
    ("fa", "resident", include_str!("../locales/fa/resident.ftl")),
    ("so", "resident", include_str!("../locales/so/resident.ftl")),
    ("ti", "resident", include_str!("../locales/ti/resident.ftl")),
    ("pl", "resident", include_str!("../locales/pl/resident.ftl")),
    ("es", "resident", include_str!("../locales/es/resident.ftl")),
    ("tr", "resident", include_str!("../locales/tr/resident.ftl")),
    ("ru", "resident", include_str!("../locales/ru/resident.ftl")),
];

type Bundle = FluentBundle<FluentResource>;

static BUNDLES: LazyLock<HashMap<&'static str, Bundle>> = LazyLock::new(|| {
    let mut bundles = HashMap::new();
    for lang in ResidentLang::ALL {
        let code = lang.code();
        let id: unic_langid::LanguageIdentifier = code.parse().expect("a valid language code");
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // The pages are HTML with `lang` and `dir` set; Unicode isolation
        // marks around every variable would only show up in copied text.
        // Right-to-left text needs them: a Latin board name or a case
        // number inside Arabic would otherwise pull punctuation with it.
        bundle.set_use_isolating(lang.dir() == "rtl");
        for (file_code, name, text) in FILES {
            if *file_code != code {
                continue;
            }
            let resource = FluentResource::try_new((*text).to_owned())
                .unwrap_or_else(|(_, errors)| panic!("{code}/{name}.ftl: {errors:?}"));
            bundle
                .add_resource(resource)
                .unwrap_or_else(|errors| panic!("{code}/{name}.ftl: {errors:?}"));
        }
        bundles.insert(code, bundle);
    }
    bundles
});

fn format(code: &str, id: &str, args: Option<&FluentArgs>) -> String {
    let Some(bundle) = BUNDLES.get(code) else {
        return id.to_owned();
    };
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        // A missing message shows its id rather than failing the page;
        // the test below keeps this from happening.
        tracing::warn!(message = id, lang = code, "missing message");
        return id.to_owned();
    };
    let mut errors = Vec::new();
    bundle
        .format_pattern(pattern, args, &mut errors)
        .into_owned()
}

#[derive(Deserialize)]
pub struct SwitchQuery {
    #[serde(default)]
    back: String,
}

/// A path on this site to go back to: `back`, else the page the switch was
/// clicked on (the Referer), else the start page. Never another site.
pub(crate) fn back_path(back: &str, headers: &HeaderMap) -> String {
    // Browsers drop tabs and line breaks from a URL, so "/\t/evil.example"
    // would become "//evil.example": no control characters or spaces.
    let local = |p: &str| {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p.contains('\\')
            && !p.chars().any(|c| c.is_control() || c.is_whitespace())
    };
    if local(back) {
        return back.to_owned();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let referer = headers.get(header::REFERER).and_then(|h| h.to_str().ok());
    if let (Some(host), Some(referer)) = (host, referer) {
        for scheme in ["https://", "http://"] {
            if let Some(path) = referer
                .strip_prefix(scheme)
                .and_then(|r| r.strip_prefix(host))
                .filter(|p| local(p))
            {
                return path.to_owned();
            }
        }
    }
    "/".to_owned()
}

/// `/lang/{code}`: remembers the language and returns to the page.
pub async fn switch(
    Path(code): Path<String>,
    Query(q): Query<SwitchQuery>,
    headers: HeaderMap,
) -> Response {
    // Staff pages read only Swedish and English from the cookie; the
    // residents' pages read every language they have.
    let lang = ResidentLang::parse(&code).unwrap_or_default();
    let back = back_path(&q.back, &headers);
    let mut response = Redirect::to(&back).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, lang_cookie(lang));
    response
}

/// The cookie that remembers the language for a year (language codes
/// are ASCII, so the value is always a valid header).
pub(crate) fn lang_cookie(lang: ResidentLang) -> header::HeaderValue {
    header::HeaderValue::from_str(&format!(
        "{LANG_COOKIE}={}; Path=/; Secure; SameSite=Lax; Max-Age=31536000",
        lang.code()
    ))
    .unwrap_or_else(|_| header::HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message ids of a file: lines that start a message (`id = …`).
    fn ids(text: &str) -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_owned()))
            .collect()
    }

    #[test]
    fn both_languages_have_every_message() {
        for name in ["common", "desk", "pages", "fallback"] {
            let of = |lang: Lang| {
                let mut v: Vec<String> = FILES
                    .iter()
                    .filter(|(l, n, _)| *l == lang.code() && *n == name)
                    .flat_map(|(_, _, text)| ids(text))
                    .collect();
                v.sort();
                v
            };
            let (sv, en) = (of(Lang::Sv), of(Lang::En));
            let missing_en: Vec<_> = sv.iter().filter(|id| !en.contains(id)).collect();
            let missing_sv: Vec<_> = en.iter().filter(|id| !sv.contains(id)).collect();
            assert!(
                missing_en.is_empty() && missing_sv.is_empty(),
                "{name}.ftl: missing in English {missing_en:?}, missing in Swedish {missing_sv:?}"
            );
        }
    }

    /// Every message id the code asks for (`.t("…")`, `.ta("…"`, `.tn("…"`)
    /// exists in both languages.
    #[test]
    fn every_message_the_code_uses_exists() {
        let sources = [
            include_str!("desk.rs"),
            include_str!("pages.rs"),
            include_str!("eservice.rs"),
            include_str!("fallback.rs"),
            include_str!("letters.rs"),
            include_str!("i18n.rs"),
            include_str!("phone.rs"),
            include_str!("set_aside.rs"),
            include_str!("stats.rs"),
            include_str!("stats_table.rs"),
            include_str!("directory.rs"),
            include_str!("resident.rs"),
        ];
        let mut used = Vec::new();
        // Ids handed around before they are looked up: the statistics
        // page's column headers ("stats-col-…").
        for part in include_str!("stats.rs").split("(\"stats-").skip(1) {
            if let Some(id) = part.split('"').next() {
                used.push(format!("stats-{id}"));
            }
        }
        for source in sources {
            for call in [".t(\"", ".ta(\"", ".tn(\""] {
                for part in source.split(call).skip(1) {
                    if let Some(id) = part.split('"').next() {
                        if !id.is_empty()
                            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                        {
                            used.push(id.to_owned());
                        }
                    }
                }
            }
        }
        assert!(used.len() > 10, "the scan finds the calls");
        for lang in Lang::ALL {
            let bundle = &BUNDLES[lang.code()];
            let missing: Vec<_> = used.iter().filter(|id| !bundle.has_message(id)).collect();
            assert!(
                missing.is_empty(),
                "{}: no message {missing:?}",
                lang.code()
            );
        }
    }

    /// Every resident language has exactly the Swedish file's messages, in
    /// the same order, with the same variables: a translation that drifts
    /// fails here, not in front of a resident.
    #[test]
    fn every_resident_language_has_every_message() {
        let file = |code: &str| {
            FILES
                .iter()
                .find(|(l, n, _)| *l == code && *n == "resident")
                .map(|(_, _, text)| *text)
                .unwrap_or_else(|| panic!("{code}/resident.ftl is listed"))
        };
        let variables = |text: &str| -> Vec<(String, Vec<String>)> {
            text.lines()
                .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
                .filter_map(|l| l.split_once(" ="))
                .map(|(id, value)| {
                    let mut vars: Vec<String> = value
                        .split("{ $")
                        .skip(1)
                        .filter_map(|p| p.split(' ').next().map(str::to_owned))
                        .collect();
                    vars.sort();
                    (id.trim().to_owned(), vars)
                })
                .collect()
        };
        let swedish = variables(file("sv"));
        assert!(swedish.len() > 100, "the Swedish file is read");
        for lang in ResidentLang::ALL {
            let theirs = variables(file(lang.code()));
            assert_eq!(theirs, swedish, "{}/resident.ftl", lang.code());
        }
    }

    /// Every message id the residents' pages ask for exists in every
    /// resident language.
    #[test]
    fn every_message_the_residents_pages_use_exists() {
        let mut used = Vec::new();
        for source in [include_str!("resident.rs"), include_str!("mina_sidor.rs")] {
            for call in [".t(\"", ".ta(\"", ".tn(\""] {
                for part in source.split(call).skip(1) {
                    if let Some(id) = part.split('"').next() {
                        if !id.is_empty()
                            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                        {
                            used.push(id.to_owned());
                        }
                    }
                }
            }
            // Ids chosen by a match and looked up later. The staff-only
            // "resident view" heading lives in desk.ftl.
            for prefix in ["ms-", "resident-"] {
                for part in source.split(&format!("\"{prefix}")).skip(1) {
                    if let Some(rest) = part.split('"').next() {
                        if !rest.starts_with("view-") && !rest.contains(' ') {
                            used.push(format!("{prefix}{rest}"));
                        }
                    }
                }
            }
        }
        used.retain(|id| !id.starts_with("resident-view-"));
        assert!(used.len() > 30, "the scan finds the calls");
        for lang in ResidentLang::ALL {
            let bundle = &BUNDLES[lang.code()];
            let missing: Vec<_> = used.iter().filter(|id| !bundle.has_message(id)).collect();
            assert!(
                missing.is_empty(),
                "{}: no message {missing:?}",
                lang.code()
            );
        }
    }

    #[test]
    fn going_back_never_leaves_the_site() {
        let none = HeaderMap::new();
        assert_eq!(
            back_path("/mina-sidor/arenden", &none),
            "/mina-sidor/arenden"
        );
        for evil in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "https://evil.example/",
            "",
        ] {
            assert_eq!(back_path(evil, &none), "/", "{evil:?}");
        }
    }

    #[test]
    fn messages_take_their_variables() {
        assert_eq!(Lang::Sv.t("nav-start"), "Start");
        assert_eq!(Lang::En.t("nav-search"), "Search");
        assert_eq!(Lang::Sv.tn("count-cases", 1), "1 ärende");
        assert_eq!(Lang::Sv.tn("count-cases", 3), "3 ärenden");
        assert_eq!(Lang::En.tn("count-cases", 1), "1 case");
        assert_eq!(Lang::En.tn("count-cases", 2), "2 cases");
    }
}
