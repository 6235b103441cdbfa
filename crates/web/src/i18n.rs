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
        format(self, id, None)
    }

    /// The message `id` with its variables (`{ $name }` in the file).
    pub fn ta(self, id: &str, args: &[(&str, &dyn ToString)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, FluentValue::from(value.to_string()));
        }
        format(self, id, Some(&fluent_args))
    }

    /// A count in a message that agrees with it ("1 ärende", "2 ärenden").
    pub fn tn(self, id: &str, count: usize) -> String {
        let mut fluent_args = FluentArgs::new();
        fluent_args.set("count", FluentValue::from(count));
        format(self, id, Some(&fluent_args))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::from_headers(&parts.headers))
    }
}

/// The message files, per language, in the order they are loaded.
const FILES: &[(Lang, &str, &str)] = &[
    (Lang::Sv, "common", include_str!("../locales/sv/common.ftl")),
    (Lang::Sv, "desk", include_str!("../locales/sv/desk.ftl")),
    (Lang::Sv, "pages", include_str!("../locales/sv/pages.ftl")),
    (
        Lang::Sv,
        "fallback",
        include_str!("../locales/sv/fallback.ftl"),
    ),
    (
        Lang::Sv,
        "directory",
        include_str!("../locales/sv/directory.ftl"),
    ),
    (Lang::En, "common", include_str!("../locales/en/common.ftl")),
    (Lang::En, "desk", include_str!("../locales/en/desk.ftl")),
    (Lang::En, "pages", include_str!("../locales/en/pages.ftl")),
    (
        Lang::En,
        "fallback",
        include_str!("../locales/en/fallback.ftl"),
    ),
    (
        Lang::En,
        "directory",
        include_str!("../locales/en/directory.ftl"),
    ),
];

type Bundle = FluentBundle<FluentResource>;

static BUNDLES: LazyLock<HashMap<&'static str, Bundle>> = LazyLock::new(|| {
    let mut bundles = HashMap::new();
    for lang in Lang::ALL {
        let id: unic_langid::LanguageIdentifier =
            lang.code().parse().expect("a valid language code");
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // The pages are HTML in one direction; Unicode isolation marks
        // around every variable would only show up in copied text.
        bundle.set_use_isolating(false);
        for (file_lang, name, text) in FILES {
            if *file_lang != lang {
                continue;
            }
            let resource = FluentResource::try_new((*text).to_owned())
                .unwrap_or_else(|(_, errors)| panic!("{}/{name}.ftl: {errors:?}", lang.code()));
            bundle
                .add_resource(resource)
                .unwrap_or_else(|errors| panic!("{}/{name}.ftl: {errors:?}", lang.code()));
        }
        bundles.insert(lang.code(), bundle);
    }
    bundles
});

fn format(lang: Lang, id: &str, args: Option<&FluentArgs>) -> String {
    let Some(bundle) = BUNDLES.get(lang.code()) else {
        return id.to_owned();
    };
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        // A missing message shows its id rather than failing the page;
        // the test below keeps this from happening.
        tracing::warn!(message = id, lang = lang.code(), "missing message");
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
fn back_path(back: &str, headers: &HeaderMap) -> String {
    let local = |p: &str| p.starts_with('/') && !p.starts_with("//") && !p.contains('\\');
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

/// `/lang/{sv|en}`: remembers the language and returns to the page.
pub async fn switch(
    Path(code): Path<String>,
    Query(q): Query<SwitchQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let back = back_path(&q.back, &headers);
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Secure; SameSite=Lax; Max-Age=31536000",
        lang.code()
    );
    let mut response = Redirect::to(&back).into_response();
    if let Ok(value) = header::HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
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
                    .filter(|(l, n, _)| *l == lang && *n == name)
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
