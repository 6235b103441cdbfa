//! The phone as catalog data: the numbers residents call (entry points),
//! their opening hours with Swedish holidays, the message when closed, the
//! language choice, key menus at most two levels deep, and each answer
//! group's queue rules. The seeds warn that elderly callers get lost in
//! deep menus (001: one number, "en knapptryckning" to the answer group),
//! so a submenu may not have submenus of its own.

use std::collections::HashSet;
use std::ops::Range;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc, Weekday};
use serde::Serialize;

use super::{Ctx, Fields, GroupKind};
use crate::calendar;

/// What the catalog says about the phone.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Phone {
    pub numbers: Vec<EntryPoint>,
    pub menus: Vec<Menu>,
    pub opening_hours: Vec<OpeningHours>,
    /// Seconds within which an answered call counts as answered in time,
    /// for the service level (e.g. 20 and 60).
    pub service_levels_seconds: Vec<u32>,
    /// How long an offered call rings at an agent before it goes back to
    /// the queue.
    pub ring_timeout_seconds: u32,
}

/// A number residents call.
#[derive(Debug, Clone, Serialize)]
pub struct EntryPoint {
    /// E.164, e.g. `+46850800000`.
    pub number: String,
    pub name_sv: String,
    pub name_en: String,
    /// Code of its [`OpeningHours`].
    pub hours: String,
    /// Played when the number is closed.
    pub closed_sv: String,
    pub closed_en: String,
    /// Code of the menu played first.
    pub menu: String,
    /// Callers to this number go before others waiting for the same agents
    /// (0–9, higher first; default 0): e.g. Äldre Direkt's elderly callers.
    pub priority: u8,
    /// Keys on the first menu that choose another language than Swedish:
    /// the rest of the call is in that language, and only agents who speak
    /// it are offered the call.
    pub languages: Vec<LanguageKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LanguageKey {
    pub key: char,
    pub language: String,
    /// Said in that language, e.g. "For English, press 9".
    pub prompt: String,
    /// The answer group the key leads to straight away, for a language
    /// few agents speak (Finnish: the agents who speak it are gathered in
    /// one group); without one, the menu follows in that language.
    pub group: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Menu {
    pub code: String,
    pub prompt_sv: String,
    pub prompt_en: String,
    pub options: Vec<MenuOption>,
    /// Where a caller who presses nothing (or a key that means nothing)
    /// goes, rather than being hung up on.
    pub default_group: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MenuOption {
    pub key: char,
    pub label_sv: String,
    pub label_en: String,
    pub target: MenuTarget,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "code", rename_all = "snake_case")]
pub enum MenuTarget {
    /// The queue of this answer group.
    Group(String),
    /// A second-level menu.
    Menu(String),
}

/// Opening hours: a span per kind of day. A public holiday and the eves
/// Swedes do not work (midsommarafton, julafton, nyårsafton) are closed
/// unless an exception says otherwise; the working day before a public
/// holiday may have shorter hours.
#[derive(Debug, Clone, Serialize)]
pub struct OpeningHours {
    pub code: String,
    pub weekdays: Option<Span>,
    pub saturday: Option<Span>,
    pub sunday: Option<Span>,
    pub day_before_holiday: Option<Span>,
    /// Public holidays and non-working eves (default: closed).
    pub holidays: Option<Span>,
    /// Days with other hours than their kind (None: closed).
    pub exceptions: Vec<(NaiveDate, Option<Span>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Span {
    pub open: NaiveTime,
    pub close: NaiveTime,
}

impl Span {
    /// `"08:00-17:00"`; `"closed"` is None.
    pub fn parse(s: &str) -> Result<Option<Span>, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("closed") || s.eq_ignore_ascii_case("stängt") {
            return Ok(None);
        }
        let (a, b) = s
            .split_once('-')
            .ok_or_else(|| format!("'{s}' is not HH:MM-HH:MM or \"closed\""))?;
        let time = |t: &str| {
            // "24:00" is the end of the day (a line open around the clock).
            if t.trim() == "24:00" {
                return Ok(END_OF_DAY);
            }
            NaiveTime::parse_from_str(t.trim(), "%H:%M")
                .map_err(|_| format!("'{}' is not a time HH:MM", t.trim()))
        };
        let (open, close) = (time(a)?, time(b)?);
        if open >= close {
            return Err(format!("'{s}' closes before it opens"));
        }
        Ok(Some(Span { open, close }))
    }
}

/// The close of a span that runs to midnight.
const END_OF_DAY: NaiveTime = NaiveTime::MIN
    .overflowing_sub_signed(chrono::TimeDelta::nanoseconds(1))
    .0;

impl Span {
    /// Whether the line answers at this time of day.
    pub fn contains(&self, t: NaiveTime) -> bool {
        t >= self.open && (t < self.close || self.close == END_OF_DAY)
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let close = if self.close == END_OF_DAY {
            "24:00".to_owned()
        } else {
            self.close.format("%H:%M").to_string()
        };
        write!(f, "{}-{close}", self.open.format("%H:%M"))
    }
}

impl OpeningHours {
    /// The hours of one day in Stockholm (None: closed all day).
    pub fn on(&self, date: NaiveDate) -> Option<Span> {
        if let Some((_, span)) = self.exceptions.iter().find(|(d, _)| *d == date) {
            return *span;
        }
        let holidays = calendar::holidays(date.year());
        if holidays.iter().any(|h| h.date == date) {
            return self.holidays;
        }
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        let tomorrow = date.succ_opt();
        let before_holiday = tomorrow.is_some_and(|t| {
            calendar::holidays(t.year())
                .iter()
                .any(|h| h.date == t && h.statutory)
        });
        match date.weekday() {
            Weekday::Sat => self.saturday,
            Weekday::Sun => self.sunday,
            _ if before_holiday && !weekend && self.day_before_holiday.is_some() => {
                self.day_before_holiday
            }
            _ => self.weekdays,
        }
    }

    /// Whether the number answers at this moment.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        let local = calendar::stockholm_local(at);
        self.on(local.date())
            .is_some_and(|s| s.contains(local.time()))
    }
}

/// Queue rules of an answer group (`[[groups]]` of kind answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueRules {
    /// Callers beyond this many waiting hear that the line is full.
    pub max_waiting: u32,
    /// After this wait, agents of `overflow_to` may also take the call.
    pub overflow_after_seconds: Option<u32>,
    pub overflow_to: Vec<String>,
    /// Offer a callback when the predicted wait is longer than this.
    pub callback_over_seconds: Option<u32>,
    /// Time after a call for the agent to finish registering it.
    pub wrap_up_seconds: u32,
}

impl Default for QueueRules {
    fn default() -> Self {
        QueueRules {
            max_waiting: 100,
            overflow_after_seconds: None,
            overflow_to: Vec::new(),
            callback_over_seconds: None,
            wrap_up_seconds: 30,
        }
    }
}

/// Where a caller's keys lead from an entry point's first menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub group: String,
    pub language: String,
    /// The keys that meant something, in order (for the call record).
    pub path: String,
}

impl Phone {
    pub fn number(&self, number: &str) -> Option<&EntryPoint> {
        self.numbers.iter().find(|n| n.number == number)
    }

    pub fn menu(&self, code: &str) -> Option<&Menu> {
        self.menus.iter().find(|m| m.code == code)
    }

    pub fn hours(&self, code: &str) -> Option<&OpeningHours> {
        self.opening_hours.iter().find(|h| h.code == code)
    }

    /// Follows the keys a caller pressed on `entry`: a language key first
    /// (optional), then at most two menu levels. A key that means nothing,
    /// or no key at all, leads to the menu's default group: nobody is hung
    /// up on for pressing the wrong key.
    pub fn route(&self, entry: &EntryPoint, keys: &str) -> Option<Route> {
        let mut keys = keys.chars().filter(|c| !c.is_whitespace()).peekable();
        let mut path = String::new();
        let mut language = "sv".to_owned();
        if let Some(l) = keys
            .peek()
            .and_then(|k| entry.languages.iter().find(|l| l.key == *k))
        {
            language = l.language.clone();
            path.push(l.key);
            keys.next();
            if let Some(group) = &l.group {
                return Some(Route {
                    group: group.clone(),
                    language,
                    path,
                });
            }
        }
        let mut menu = self.menu(&entry.menu)?;
        loop {
            let Some(key) = keys.next() else {
                return Some(Route {
                    group: menu.default_group.clone(),
                    language,
                    path,
                });
            };
            match menu.options.iter().find(|o| o.key == key) {
                Some(MenuOption {
                    target: MenuTarget::Group(g),
                    ..
                }) => {
                    path.push(key);
                    return Some(Route {
                        group: g.clone(),
                        language,
                        path,
                    });
                }
                Some(MenuOption {
                    target: MenuTarget::Menu(m),
                    ..
                }) => {
                    path.push(key);
                    menu = self.menu(m)?;
                }
                None => {
                    return Some(Route {
                        group: menu.default_group.clone(),
                        language,
                        path,
                    })
                }
            }
        }
    }
}

const KEYS: &str = "0123456789*#";

fn key(f: &mut Fields, ctx: &mut Ctx, name: &'static str) -> Option<char> {
    let s = f.string(ctx, name)?;
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if KEYS.contains(c) => Some(c),
        _ => {
            f.problem(ctx, name, format!("'{s}' is not one key (0–9, * or #)"));
            None
        }
    }
}

fn span(f: &mut Fields, ctx: &mut Ctx, name: &'static str) -> Option<Span> {
    let s = f.opt_string(ctx, name)?;
    match Span::parse(&s) {
        Ok(span) => span,
        Err(e) => {
            f.problem(ctx, name, e);
            None
        }
    }
}

/// Reads `queue_*` keys of an answer group.
pub(super) fn read_queue_rules(f: &mut Fields, ctx: &mut Ctx) -> QueueRules {
    let d = QueueRules::default();
    let secs = |f: &mut Fields, ctx: &mut Ctx, k| {
        f.opt_int(ctx, k, 0..=86_400)
            .map(|n| u32::try_from(n).unwrap_or(0))
    };
    QueueRules {
        max_waiting: f
            .opt_int(ctx, "max_waiting", 1..=100_000)
            .map_or(d.max_waiting, |n| u32::try_from(n).unwrap_or(d.max_waiting)),
        overflow_after_seconds: secs(f, ctx, "overflow_after_seconds"),
        overflow_to: f.string_list(ctx, "overflow_to"),
        callback_over_seconds: secs(f, ctx, "callback_over_seconds"),
        wrap_up_seconds: secs(f, ctx, "wrap_up_seconds").unwrap_or(d.wrap_up_seconds),
    }
}

/// Reads `[phone]`, `[[phone_numbers]]`, `[[menus]]` and `[[opening_hours]]`.
pub(super) fn read(ctx: &mut Ctx, top: &mut Fields) -> Phone {
    let mut phone = Phone {
        service_levels_seconds: vec![20, 60],
        ring_timeout_seconds: 20,
        ..Phone::default()
    };
    if let Some(t) = top.item("phone").and_then(|i| i.as_table_like()) {
        let mut f = Fields::new(t, "phone".into(), None);
        if let Some(item) = f.item("service_levels_seconds") {
            let parsed: Option<Vec<u32>> = item.as_array().and_then(|a| {
                a.iter()
                    .map(|v| {
                        v.as_integer()
                            .filter(|n| (1..=3600).contains(n))
                            .and_then(|n| u32::try_from(n).ok())
                    })
                    .collect()
            });
            match parsed {
                Some(levels) if !levels.is_empty() => phone.service_levels_seconds = levels,
                _ => f.problem(
                    ctx,
                    "service_levels_seconds",
                    "must be a list of whole seconds between 1 and 3600, e.g. [20, 60]",
                ),
            }
        }
        if let Some(n) = f.opt_int(ctx, "ring_timeout_seconds", 5..=120) {
            phone.ring_timeout_seconds = u32::try_from(n).unwrap_or(20);
        }
        f.finish(ctx);
    }

    phone.opening_hours = top
        .tables(ctx, "opening_hours")
        .into_iter()
        .enumerate()
        .filter_map(|(i, (t, s))| {
            let mut f = Fields::new(t, format!("opening_hours[{i}]"), s);
            let code = f.code(ctx, "code");
            let weekdays = span(&mut f, ctx, "weekdays");
            let saturday = span(&mut f, ctx, "saturday");
            let sunday = span(&mut f, ctx, "sunday");
            let day_before_holiday = span(&mut f, ctx, "day_before_holiday");
            let holidays = span(&mut f, ctx, "holidays");
            let mut exceptions = Vec::new();
            for (j, (e, es)) in f.tables(ctx, "exceptions").into_iter().enumerate() {
                let mut g = Fields::new(e, format!("opening_hours[{i}].exceptions[{j}]"), es);
                let date = g.string(ctx, "date").and_then(|d| {
                    NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                        .map_err(|_| g.problem(ctx, "date", format!("'{d}' is not YYYY-MM-DD")))
                        .ok()
                });
                let hours = g
                    .string(ctx, "hours")
                    .and_then(|h| Span::parse(&h).map_err(|e| g.problem(ctx, "hours", e)).ok());
                g.finish(ctx);
                if let (Some(d), Some(h)) = (date, hours) {
                    exceptions.push((d, h));
                }
            }
            f.finish(ctx);
            Some(OpeningHours {
                code: code?,
                weekdays,
                saturday,
                sunday,
                day_before_holiday,
                holidays,
                exceptions,
            })
        })
        .collect();

    phone.menus = top
        .tables(ctx, "menus")
        .into_iter()
        .enumerate()
        .filter_map(|(i, (t, s))| {
            let mut f = Fields::new(t, format!("menus[{i}]"), s);
            let code = f.code(ctx, "code");
            let prompt_sv = f.string(ctx, "prompt_sv");
            let prompt_en = f.string(ctx, "prompt_en");
            let default_group = f.code(ctx, "default_group");
            let mut options = Vec::new();
            let mut keys = HashSet::new();
            for (j, (o, os)) in f.tables(ctx, "options").into_iter().enumerate() {
                let mut g = Fields::new(o, format!("menus[{i}].options[{j}]"), os);
                let k = key(&mut g, ctx, "key");
                let label_sv = g.string(ctx, "label_sv");
                let label_en = g.string(ctx, "label_en");
                let group = g.opt_code(ctx, "group");
                let menu = g.opt_code(ctx, "menu");
                let target = match (group, menu) {
                    (Some(g), None) => Some(MenuTarget::Group(g)),
                    (None, Some(m)) => Some(MenuTarget::Menu(m)),
                    _ => {
                        g.problem(ctx, "group", "an option leads to either a group or a menu");
                        None
                    }
                };
                if let Some(k) = k {
                    if !keys.insert(k) {
                        g.problem(ctx, "key", format!("key {k} is used twice in this menu"));
                    }
                }
                g.finish(ctx);
                if let (Some(key), Some(label_sv), Some(label_en), Some(target)) =
                    (k, label_sv, label_en, target)
                {
                    options.push(MenuOption {
                        key,
                        label_sv,
                        label_en,
                        target,
                    });
                }
            }
            if options.is_empty() {
                f.problem(ctx, "options", "a menu needs at least one option");
            }
            f.finish(ctx);
            Some(Menu {
                code: code?,
                prompt_sv: prompt_sv?,
                prompt_en: prompt_en?,
                options,
                default_group: default_group?,
            })
        })
        .collect();

    phone.numbers = top
        .tables(ctx, "phone_numbers")
        .into_iter()
        .enumerate()
        .filter_map(|(i, (t, s))| {
            let mut f = Fields::new(t, format!("phone_numbers[{i}]"), s);
            let number = f.string(ctx, "number");
            if let Some(n) = &number {
                let digits = n.strip_prefix('+').unwrap_or("");
                if !(8..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit())
                {
                    f.problem(
                        ctx,
                        "number",
                        format!("'{n}' is not an E.164 number like +46850800000"),
                    );
                }
            }
            let name_sv = f.string(ctx, "name_sv");
            let name_en = f.string(ctx, "name_en");
            let hours = f.code(ctx, "hours");
            let closed_sv = f.string(ctx, "closed_sv");
            let closed_en = f.string(ctx, "closed_en");
            let menu = f.code(ctx, "menu");
            let priority = f
                .opt_int(ctx, "priority", 0..=9)
                .map_or(0, |p| u8::try_from(p).unwrap_or(0));
            let mut languages = Vec::new();
            for (j, (l, ls)) in f.tables(ctx, "languages").into_iter().enumerate() {
                let mut g = Fields::new(l, format!("phone_numbers[{i}].languages[{j}]"), ls);
                let k = key(&mut g, ctx, "key");
                let language = g.string(ctx, "language");
                if language
                    .as_deref()
                    .is_some_and(|l| !super::is_language(l) || l == "sv")
                {
                    g.problem(
                        ctx,
                        "language",
                        "must be a language code other than sv, e.g. en, fi, ar",
                    );
                }
                let prompt = g.string(ctx, "prompt");
                let group = g.opt_code(ctx, "group");
                g.finish(ctx);
                if let (Some(key), Some(language), Some(prompt)) = (k, language, prompt) {
                    languages.push(LanguageKey {
                        key,
                        language,
                        prompt,
                        group,
                    });
                }
            }
            f.finish(ctx);
            Some(EntryPoint {
                number: number?,
                name_sv: name_sv?,
                name_en: name_en?,
                hours: hours?,
                closed_sv: closed_sv?,
                closed_en: closed_en?,
                menu: menu?,
                priority,
                languages,
            })
        })
        .collect();
    phone
}

/// Checks the references between the phone's parts and to the groups:
/// every menu option and default leads to an answer group or a menu; a
/// submenu has no submenus (two levels at most); a language key is not
/// also a key of the first menu; numbers are unique.
pub(super) fn check(
    ctx: &mut Ctx,
    phone: &Phone,
    groups: &[super::Group],
    span_of: &dyn Fn(&str, usize) -> Option<Range<usize>>,
) {
    let answer_group = |code: &str| {
        groups
            .iter()
            .any(|g| g.code == code && matches!(g.kind, GroupKind::Answer { .. }))
    };
    let mut seen = HashSet::new();
    for (i, m) in phone.menus.iter().enumerate() {
        if !seen.insert(m.code.as_str()) {
            ctx.error(
                span_of("menus", i),
                format!("menus[{i}].code"),
                format!("menu '{}' is defined twice", m.code),
            );
        }
        if !answer_group(&m.default_group) {
            ctx.error(
                span_of("menus", i),
                format!("menus[{i}].default_group"),
                format!("'{}' is not an answer group", m.default_group),
            );
        }
        for (j, o) in m.options.iter().enumerate() {
            let at = format!("menus[{i}].options[{j}]");
            match &o.target {
                MenuTarget::Group(g) if !answer_group(g) => {
                    ctx.error(span_of("menus", i), format!("{at}.group"), format!("'{g}' is not an answer group"))
                }
                MenuTarget::Menu(sub) => match phone.menu(sub) {
                    None => ctx.error(span_of("menus", i), format!("{at}.menu"), format!("unknown menu '{sub}'")),
                    Some(s) if s.options.iter().any(|o| matches!(o.target, MenuTarget::Menu(_))) => ctx.error(
                        span_of("menus", i),
                        format!("{at}.menu"),
                        format!("'{sub}' has menus of its own: at most two levels, so callers do not get lost"),
                    ),
                    Some(_) => {}
                },
                MenuTarget::Group(_) => {}
            }
        }
    }
    let mut hours = HashSet::new();
    for (i, h) in phone.opening_hours.iter().enumerate() {
        if !hours.insert(h.code.as_str()) {
            ctx.error(
                span_of("opening_hours", i),
                format!("opening_hours[{i}].code"),
                format!("'{}' is defined twice", h.code),
            );
        }
    }
    let mut numbers = HashSet::new();
    for (i, n) in phone.numbers.iter().enumerate() {
        let at = |k: &str| format!("phone_numbers[{i}].{k}");
        if !numbers.insert(n.number.as_str()) {
            ctx.error(
                span_of("phone_numbers", i),
                at("number"),
                format!("{} is listed twice", n.number),
            );
        }
        if phone.hours(&n.hours).is_none() {
            ctx.error(
                span_of("phone_numbers", i),
                at("hours"),
                format!("unknown opening hours '{}'", n.hours),
            );
        }
        match phone.menu(&n.menu) {
            None => ctx.error(
                span_of("phone_numbers", i),
                at("menu"),
                format!("unknown menu '{}'", n.menu),
            ),
            Some(menu) => {
                for l in &n.languages {
                    if let Some(g) = l.group.as_deref().filter(|g| !answer_group(g)) {
                        ctx.error(
                            span_of("phone_numbers", i),
                            at("languages"),
                            format!("'{g}' is not an answer group"),
                        );
                    }
                    if menu.options.iter().any(|o| o.key == l.key) {
                        ctx.error(
                            span_of("phone_numbers", i),
                            at("languages"),
                            format!(
                                "key {} chooses {} and also an option of menu '{}'",
                                l.key, l.language, menu.code
                            ),
                        );
                    }
                }
            }
        }
    }
    for (i, g) in groups.iter().enumerate() {
        if let (GroupKind::Answer { .. }, Some(rules)) = (&g.kind, &g.queue) {
            for o in &rules.overflow_to {
                if !answer_group(o) || *o == g.code {
                    ctx.error(
                        span_of("groups", i),
                        format!("groups[{i}].overflow_to"),
                        format!("'{o}' is not another answer group"),
                    );
                }
            }
            if rules.overflow_after_seconds.is_some() == rules.overflow_to.is_empty() {
                ctx.error(
                    span_of("groups", i),
                    format!("groups[{i}].overflow_after_seconds"),
                    "overflow_after_seconds and overflow_to go together",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Catalog;
    use super::*;

    const STOCKHOLM: &str = include_str!("../../../../catalog/stockholm.toml");

    fn stockholm() -> Catalog {
        Catalog::load("stockholm.toml", STOCKHOLM).expect("the Stockholm catalog loads")
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn keys_lead_to_answer_groups_in_at_most_two_steps() {
        let c = stockholm();
        let main = c.phone.number("+46850800000").expect("the city's number");
        let route = |keys: &str| {
            let r = c.phone.route(main, keys).expect("route");
            (r.group, r.language, r.path)
        };
        assert_eq!(route("11"), ("FSK".into(), "sv".into(), "11".into()));
        assert_eq!(route("12"), ("FSK-2".into(), "sv".into(), "12".into()));
        assert_eq!(route("5"), ("SYNP".into(), "sv".into(), "5".into()));
        // English first, then the menu.
        assert_eq!(route("922"), ("PARK".into(), "en".into(), "922".into()));
        // Finnish goes straight to the agents who speak it.
        assert_eq!(route("8"), ("SPRAK".into(), "fi".into(), "8".into()));
        assert_eq!(route("81"), ("SPRAK".into(), "fi".into(), "8".into()));
        // No key, or a key that means nothing: the menu's default group.
        assert_eq!(route(""), ("OVR".into(), "sv".into(), "".into()));
        assert_eq!(route("6"), ("OVR".into(), "sv".into(), "".into()));
        assert_eq!(route("1#"), ("FSK".into(), "sv".into(), "1".into()));
        // Keys after the group are ignored.
        assert_eq!(route("0123"), ("VXL".into(), "sv".into(), "0".into()));
        let elderly = c.phone.number("+46850836000").expect("Äldre Direkt");
        assert_eq!(c.phone.route(elderly, "2").expect("route").group, "AD-2");
        assert_eq!(c.phone.number("+46812345678").map(|n| &n.number), None);
        let fsk = c.group("FSK").and_then(|g| g.queue.clone()).expect("rules");
        assert_eq!(fsk.overflow_to, vec!["FSK-2".to_owned()]);
        assert!(c.group("FSK-KO-SKH").is_some_and(|g| g.queue.is_none()));
    }

    #[test]
    fn opening_hours_follow_the_swedish_calendar() {
        let c = stockholm();
        let kcs = c.phone.hours("KCS").expect("hours");
        let span = |d: &str| kcs.on(date(d)).map(|s| s.to_string());
        assert_eq!(
            span("2026-11-23").as_deref(),
            Some("08:00-17:00"),
            "a Monday"
        );
        assert_eq!(span("2026-11-22"), None, "a Sunday");
        assert_eq!(span("2026-12-24"), None, "julafton");
        assert_eq!(span("2026-12-25"), None, "juldagen");
        assert_eq!(span("2026-06-19"), None, "midsommarafton");
        assert_eq!(
            span("2026-12-23").as_deref(),
            Some("08:00-15:00"),
            "an exception"
        );
        assert_eq!(
            span("2026-12-28").as_deref(),
            Some("09:00-16:00"),
            "an exception"
        );
        // The day before Kristi himmelsfärd (Thursday 14 May 2026) is short.
        assert_eq!(span("2026-05-13").as_deref(), Some("08:00-15:00"));
        // 08:00 local on a Monday in winter is 07:00 UTC.
        let at = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .expect("time")
                .with_timezone(&Utc)
        };
        assert!(kcs.is_open(at("2026-11-23T07:00:00Z")));
        assert!(!kcs.is_open(at("2026-11-23T06:59:59Z")));
        assert!(
            !kcs.is_open(at("2026-11-23T16:00:00Z")),
            "17:00 local is closed"
        );
    }

    fn errors(edit: (&str, &str)) -> Vec<String> {
        let text = STOCKHOLM.replacen(edit.0, edit.1, 1);
        assert_ne!(text, STOCKHOLM, "edit did not apply: {edit:?}");
        match Catalog::load("stockholm.toml", &text) {
            Ok(_) => vec![],
            Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
        }
    }

    fn rejects(edit: (&str, &str), expected: &str) {
        let found = errors(edit);
        assert!(
            found.iter().any(|e| e.contains(expected)),
            "expected {expected:?}, got {found:#?}"
        );
    }

    #[test]
    fn bad_phone_data_is_named() {
        rejects(
            (
                r#"{ key = "1", label_sv = "Förskoleplats och kö", label_en = "Preschool places and queue", group = "FSK" }"#,
                r#"{ key = "1", label_sv = "Förskoleplats och kö", label_en = "Preschool places and queue", menu = "KCS-STAD" }"#,
            ),
            "at most two levels",
        );
        rejects(
            (
                r#"{ key = "5", label_sv = "Synpunkter"#,
                r#"{ key = "1", label_sv = "Synpunkter"#,
            ),
            "key 1 is used twice",
        );
        rejects(
            (
                r#"{ key = "5", label_sv = "Synpunkter"#,
                r#"{ key = "55", label_sv = "Synpunkter"#,
            ),
            "is not one key",
        );
        rejects(
            (r#"group = "SYNP" }"#, r#"group = "FSK-KO-SKH" }"#),
            "is not an answer group",
        );
        rejects(
            (r#"default_group = "OVR""#, r#"default_group = "NOPE""#),
            "is not an answer group",
        );
        rejects(
            (r#"number = "+46850800000""#, r#"number = "08-508 000 00""#),
            "is not an E.164 number",
        );
        rejects(
            (r#"weekdays = "08:00-17:00""#, r#"weekdays = "17:00-08:00""#),
            "closes before it opens",
        );
        rejects(
            (r#"weekdays = "08:00-17:00""#, r#"weekdays = "8-17""#),
            "is not a time",
        );
        rejects(
            (r#"date = "2026-12-23""#, r#"date = "23/12""#),
            "is not YYYY-MM-DD",
        );
        rejects(
            (r#"hours = "KCS""#, r#"hours = "NOPE""#),
            "unknown opening hours",
        );
        rejects(
            (
                r#"{ key = "9", language = "en", prompt = "For service in English, press 9." },"#,
                r#"{ key = "1", language = "en", prompt = "x" },"#,
            ),
            "key 1 chooses en",
        );
        rejects(
            (
                r#"overflow_to = ["FSK-2"]"#,
                r#"overflow_to = ["FSK-KO-SKH"]"#,
            ),
            "is not another answer group",
        );
        rejects(
            (r#"overflow_to = ["FSK-2"]"#, r#"overflow_to = []"#),
            "go together",
        );
        rejects(
            (
                r#"ring_timeout_seconds = 20"#,
                r#"ring_timeout_seconds = 1"#,
            ),
            "out of range",
        );
        rejects(
            (
                r#"service_levels_seconds = [20, 60]"#,
                r#"service_levels_seconds = ["x"]"#,
            ),
            "whole seconds",
        );
        rejects(
            (r#"max_waiting = 200"#, r#"max_waiting = 0"#),
            "out of range",
        );
        // Queue rules belong to answer groups only.
        rejects(
            (
                "kind = \"officer\"\n",
                "kind = \"officer\"\nmax_waiting = 5\n",
            ),
            "unknown key",
        );
    }
}
