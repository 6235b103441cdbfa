//! The synthetic city: a realistic year of contacts, deterministic by seed.
//! Tests, the demo and the benchmarks all use it.
//!
//! What makes it realistic, and where the numbers come from:
//! - channel mix dominated by phone (REQUIREMENTS §2), phone and visits only
//!   in opening hours, e-mail and e-services around the clock;
//! - weekday and month seasonality (Monday peak, July dip), Swedish holidays
//!   almost silent, an intraday curve peaking mid-morning and after lunch;
//! - districts weighted by population, service areas by a typical
//!   municipal contact mix, case types within an area by a Zipf curve;
//! - about 70 % answered at first contact (001:181), the rest handed over or
//!   handled in the centre and closed around their feedback deadline;
//! - recurring residents with valid personnummer, some with protected identity.
//!
//! Every case is built through [`CaseService::validate_new_case`], so
//! generated cases obey exactly the rules the API enforces.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc, Weekday};
use kontakt_domain::calendar::{add_working_days, is_working_day, stockholm_date};
use kontakt_domain::case::{
    check_handover, check_resolution, check_transition, Channel, EntryBody, Resolution, Status,
};
use kontakt_domain::catalog::{CaseType, Catalog, CentreLevel, FieldKind, GroupKind, Responsible};
use kontakt_domain::personnummer::Personnummer;
use kontakt_store::{NewCase, NewEntry};
use rand::distributions::{Distribution, WeightedIndex};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::cases::{Actor, CaseError, CaseService, ContactInput, IntakeRequest};

/// What to generate.
#[derive(Debug, Clone)]
pub struct GeneratorConfig {
    pub cases: u64,
    pub seed: u64,
    /// The generated year ends here; nothing is dated later.
    pub until: DateTime<Utc>,
}

const CHANNELS: &[(Channel, f64)] = &[
    (Channel::Phone, 0.62),
    (Channel::Email, 0.14),
    (Channel::EService, 0.12),
    (Channel::Sms, 0.03),
    (Channel::Letter, 0.03),
    (Channel::Visit, 0.03),
    (Channel::SocialMedia, 0.015),
    (Channel::Chat, 0.015),
];

/// Relative share of contacts per service area (unknown areas get 1).
const AREA_WEIGHTS: &[(&str, f64)] = &[
    ("preschool", 16.0),
    ("elderly", 11.0),
    ("parking", 11.0),
    ("waste", 9.0),
    ("streets", 7.0),
    ("education", 6.0),
    ("building", 5.0),
    ("invoices", 5.0),
    ("environment", 4.0),
    ("faults", 4.0),
    ("referral", 4.0),
    ("disability", 3.0),
    ("housing", 3.0),
    ("parks", 3.0),
    ("complaints", 3.0),
    ("social", 2.0),
    ("consumer", 2.0),
    ("culture", 1.5),
    ("sport", 1.0),
    ("cemeteries", 1.0),
    ("labour", 1.0),
    ("business", 1.0),
    ("safety", 0.5),
    ("guardianship", 0.5),
    ("proposals", 0.5),
];

const WEEKDAY: [f64; 7] = [1.25, 1.1, 1.0, 1.0, 0.85, 0.1, 0.08];
const MONTH: [f64; 12] = [
    1.15, 1.05, 1.05, 1.0, 1.0, 0.9, 0.6, 0.95, 1.1, 1.05, 1.0, 0.8,
];
/// Share of office-hour contacts per hour 08–16 (phone, visits).
const OFFICE_HOURS: [f64; 9] = [0.9, 1.6, 1.5, 1.2, 0.8, 1.3, 1.2, 1.0, 0.6];
/// Share of written contacts per hour 00–23 (e-mail, e-services, SMS).
const ALL_HOURS: [f64; 24] = [
    0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.7, 1.2, 1.4, 1.4, 1.3, 1.1, 1.2, 1.2, 1.1, 1.0, 0.9,
    0.9, 1.0, 1.0, 0.9, 0.6, 0.4,
];

const FIRST_NAMES: &[&str] = &[
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Anders",
    "Eva",
    "Johan",
    "Sara",
    "Mohammed",
    "Fatima",
    "Ahmed",
    "Elin",
    "Oskar",
    "Emma",
    "Ali",
    "Hodan",
    "Aino",
    "Mikko",
    "Zeynep",
    "Jan",
    "Birgitta",
    "Ingrid",
    "Per",
    "Kristina",
    "Olof",
    "Nour",
    "Reza",
    "Maryam",
    "Tesfay",
    "Agnieszka",
    "Carlos",
    "Lucía",
    "Leila",
    "Ebba",
    "Hugo",
    "Alva",
    "Liam",
    "Wilma",
    "Omar",
];
const LAST_NAMES: &[&str] = &[
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Lindberg",
    "Lindqvist",
    "Berg",
    "Hassan",
    "Ali",
    "Mohamed",
    "Ahmadi",
    "Hosseini",
    "Virtanen",
    "Korhonen",
    "Yilmaz",
    "Kaya",
    "Tesfaye",
    "Kowalski",
    "Nowak",
    "García",
    "Rodríguez",
    "Abdi",
    "Warsame",
    "Holm",
    "Sjöberg",
    "Wallin",
    "Öberg",
    "Åkesson",
    "Ekström",
    "Bergqvist",
];
const STREETS: &[&str] = &[
    "Götgatan",
    "Hornsgatan",
    "Sveavägen",
    "Drottninggatan",
    "Fleminggatan",
    "Rinkebystråket",
    "Vällingbyplan",
    "Skärholmsvägen",
    "Farsta gårdsväg",
    "Bergsgatan",
    "Ringvägen",
    "Tensta allé",
    "Årstavägen",
    "Huddingevägen",
    "Bromma kyrkväg",
    "Karlavägen",
    "Kungsholmsgatan",
    "Skarpnäcks allé",
];
const LANGUAGES: &[(&str, f64)] = &[
    ("sv", 80.0),
    ("en", 5.0),
    ("fi", 3.0),
    ("ar", 3.0),
    ("fa", 2.0),
    ("so", 2.0),
    ("ti", 1.0),
    ("pl", 1.0),
    ("es", 1.0),
    ("tr", 1.0),
];

/// A resident who may contact the city several times a year.
struct Resident {
    personnummer: Option<String>,
    name: String,
    phone: Option<String>,
    email: Option<String>,
    language: &'static str,
    protected: bool,
}

pub struct Generator<'a> {
    service: &'a CaseService,
    catalog: &'a Catalog,
    rng: ChaCha8Rng,
    days: Vec<NaiveDate>,
    channels: WeightedIndex<f64>,
    case_types: WeightedIndex<f64>,
    districts: WeightedIndex<f64>,
    office_hours: WeightedIndex<f64>,
    all_hours: WeightedIndex<f64>,
    residents: Vec<Resident>,
    officer_groups: HashMap<String, Vec<String>>,
    agents: Vec<String>,
    officers: Vec<String>,
    until: DateTime<Utc>,
    /// How many cases each day of the year gets, drawn up front so cases can
    /// be produced day by day in time order.
    per_day: Vec<u32>,
    next_day: usize,
    /// Something that happened in the year's last whole week, so the
    /// statistics have a deviation to find (issue 7's deviations list).
    event: Option<Event>,
}

/// A missed waste collection round in one district: for a week, a share
/// of all contacts are about it, from that district.
#[derive(Debug, Clone)]
struct Event {
    monday: NaiveDate,
    case_type: usize,
    district: String,
    share: f64,
}

impl Event {
    const CASE_TYPE: &'static str = "AVF-MISS";
    const DISTRICT: &'static str = "farsta";

    /// In the last whole ISO week before `last` (the generated year's last
    /// day), if the catalog has the case type and the district.
    fn in_week_before(catalog: &Catalog, last: NaiveDate) -> Option<Event> {
        let this_monday = last - Duration::days(i64::from(last.weekday().num_days_from_monday()));
        Some(Event {
            monday: this_monday - Duration::weeks(1),
            case_type: catalog
                .case_types
                .iter()
                .position(|t| t.code == Self::CASE_TYPE)?,
            district: catalog
                .districts
                .iter()
                .find(|d| d.code == Self::DISTRICT)?
                .code
                .clone(),
            share: 0.05,
        })
    }

    fn covers(&self, day: NaiveDate) -> bool {
        day >= self.monday && day < self.monday + Duration::weeks(1)
    }
}

impl<'a> Generator<'a> {
    pub fn new(service: &'a CaseService, config: &GeneratorConfig) -> Self {
        let catalog = service.catalog();
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let last = stockholm_date(config.until);
        let days: Vec<NaiveDate> = (0..365).rev().map(|i| last - Duration::days(i)).collect();
        let day_weights = days
            .iter()
            .map(|d| {
                let base = WEEKDAY[d.weekday().num_days_from_monday() as usize]
                    * MONTH[d.month0() as usize];
                if d.weekday() != Weekday::Sat && d.weekday() != Weekday::Sun && !is_working_day(*d)
                {
                    base * 0.1
                } else {
                    base
                }
            })
            .collect::<Vec<_>>();
        let area_weight = |area: &str| {
            AREA_WEIGHTS
                .iter()
                .find(|(a, _)| *a == area)
                .map_or(1.0, |(_, w)| *w)
        };
        let mut rank_in_area: HashMap<&str, usize> = HashMap::new();
        let type_weights = catalog
            .case_types
            .iter()
            .map(|ct| {
                let rank = rank_in_area.entry(ct.service_area.as_str()).or_insert(0);
                *rank += 1;
                area_weight(&ct.service_area) / (*rank as f64)
            })
            .collect::<Vec<_>>();
        // Normalise per area so an area's total share does not depend on how
        // many case types it has.
        let mut area_totals: HashMap<&str, f64> = HashMap::new();
        for (ct, w) in catalog.case_types.iter().zip(&type_weights) {
            *area_totals.entry(ct.service_area.as_str()).or_default() += w;
        }
        let type_weights = catalog
            .case_types
            .iter()
            .zip(&type_weights)
            .map(|(ct, w)| {
                w / area_totals[ct.service_area.as_str()] * area_weight(&ct.service_area)
            })
            .collect::<Vec<_>>();
        let district_weights = catalog
            .districts
            .iter()
            .map(|d| f64::from(d.population.unwrap_or(50_000).max(1)))
            .collect::<Vec<_>>();

        let mut officer_groups: HashMap<String, Vec<String>> = HashMap::new();
        for g in &catalog.groups {
            if let GroupKind::Officer { board } = &g.kind {
                officer_groups
                    .entry(board.clone())
                    .or_default()
                    .push(g.code.clone());
            }
        }
        let is_officer = |id: &str| {
            catalog.staff_member(id).is_some_and(|s| {
                s.groups.iter().any(|g| {
                    matches!(
                        catalog.group(g).map(|g| &g.kind),
                        Some(GroupKind::Officer { .. })
                    )
                })
            })
        };
        let agents: Vec<String> = catalog
            .staff
            .iter()
            .filter(|s| !is_officer(&s.id))
            .map(|s| s.id.clone())
            .collect();
        let officers: Vec<String> = catalog
            .staff
            .iter()
            .filter(|s| is_officer(&s.id))
            .map(|s| s.id.clone())
            .collect();

        let languages =
            WeightedIndex::new(LANGUAGES.iter().map(|(_, w)| *w)).expect("fixed weights");
        let day_weights = WeightedIndex::new(day_weights).expect("positive weights");
        let mut per_day = vec![0u32; days.len()];
        for _ in 0..config.cases {
            per_day[day_weights.sample(&mut rng)] += 1;
        }
        let resident_count = (config.cases / 3).clamp(10, 2_000_000) as usize;
        let residents = (0..resident_count)
            .map(|_| make_resident(&mut rng, &languages, last))
            .collect();

        Generator {
            service,
            catalog,
            rng,
            days,
            channels: WeightedIndex::new(CHANNELS.iter().map(|(_, w)| *w)).expect("fixed weights"),
            case_types: WeightedIndex::new(type_weights).expect("the catalog has case types"),
            districts: WeightedIndex::new(district_weights).expect("the catalog has districts"),
            office_hours: WeightedIndex::new(OFFICE_HOURS).expect("fixed weights"),
            all_hours: WeightedIndex::new(ALL_HOURS).expect("fixed weights"),
            residents,
            officer_groups,
            agents: if agents.is_empty() {
                vec!["kc.agent".into()]
            } else {
                agents
            },
            officers: if officers.is_empty() {
                vec!["officer".into()]
            } else {
                officers
            },
            until: config.until,
            per_day,
            next_day: 0,
            event: Event::in_week_before(catalog, last),
        }
    }

    /// The next whole days of cases, at least `n` cases unless the year is
    /// done; an empty batch at the end. Cases come in time order, as a real
    /// register fills up.
    pub fn batch(&mut self, n: usize) -> Result<Vec<NewCase>, CaseError> {
        let mut out = Vec::with_capacity(n + 4_000);
        while out.len() < n && self.next_day < self.days.len() {
            let day = self.days[self.next_day];
            let start = out.len();
            for _ in 0..self.per_day[self.next_day] {
                out.push(self.case(day)?);
            }
            out[start..].sort_by_key(|c| c.created_at);
            self.next_day += 1;
        }
        Ok(out)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.gen_range(0..items.len())]
    }

    fn time_on(&mut self, day: NaiveDate, channel: Channel) -> DateTime<Utc> {
        let hour = match channel {
            Channel::Phone | Channel::Visit => 8 + self.office_hours.sample(&mut self.rng) as u32,
            _ => self.all_hours.sample(&mut self.rng) as u32,
        };
        let local = day
            .and_hms_opt(hour, self.rng.gen_range(0..60), self.rng.gen_range(0..60))
            .unwrap_or_default();
        chrono_tz::Europe::Stockholm
            .from_local_datetime(&local)
            .earliest()
            .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
    }

    /// A contact time on `day` that is not later than `until`: on the last
    /// day, times past it are drawn again rather than piled up at `until`.
    fn contact_time(&mut self, day: NaiveDate, channel: Channel) -> DateTime<Utc> {
        for _ in 0..50 {
            let t = self.time_on(day, channel);
            if t <= self.until {
                return t;
            }
        }
        let start = kontakt_domain::calendar::stockholm_midnight(day);
        let span = (self.until - start).num_seconds().max(1);
        start + Duration::seconds(self.rng.gen_range(0..span))
    }

    fn case(&mut self, day: NaiveDate) -> Result<NewCase, CaseError> {
        let event = match &self.event {
            Some(e) if e.covers(day) && self.rng.gen_bool(e.share) => Some(e.clone()),
            _ => None,
        };
        let ct = match &event {
            Some(e) => &self.catalog.case_types[e.case_type],
            None => &self.catalog.case_types[self.case_types.sample(&mut self.rng)],
        };
        let mut channel = CHANNELS[self.channels.sample(&mut self.rng)].0;
        if !is_working_day(day) && matches!(channel, Channel::Phone | Channel::Visit) {
            channel = Channel::EService;
        }
        let created_at = self.contact_time(day, channel);
        let needs_district = ct.responsible == Responsible::DistrictBoard;
        let district = match event {
            Some(e) => Some(e.district),
            None => (needs_district || self.rng.gen_bool(0.85)).then(|| {
                self.catalog.districts[self.districts.sample(&mut self.rng)]
                    .code
                    .clone()
            }),
        };

        let roll: f64 = self.rng.gen();
        let (contact, anonymous) = if roll < 0.60 {
            let r = &self.residents[self.rng.gen_range(0..self.residents.len())];
            let c = ContactInput {
                name: Some(r.name.clone()),
                personnummer: r.personnummer.clone(),
                phone: r.phone.clone(),
                email: r.email.clone(),
                preferred_language: Some(r.language.to_owned()),
                protected_identity: r.protected,
                ..ContactInput::default()
            };
            (Some(c), false)
        } else if roll < 0.66 {
            let nine: String = (0..9)
                .map(|i| {
                    if i == 0 {
                        '5'
                    } else if i == 2 {
                        '6'
                    } else {
                        char::from(b'0' + self.rng.gen_range(0..10))
                    }
                })
                .collect();
            let org = kontakt_domain::contact::OrganisationNumber::from_first_nine(&nine)
                .map(|o| o.to_string());
            let c = ContactInput {
                name: Some(format!(
                    "{} {}",
                    self.pick(LAST_NAMES),
                    self.pick(&["AB", "Fastigheter AB", "Bygg AB", "HB"])
                )),
                org_number: org,
                phone: Some(format!(
                    "08-{:03} {:02} {:02}",
                    self.rng.gen_range(100..999),
                    self.rng.gen_range(0..100),
                    self.rng.gen_range(0..100)
                )),
                ..ContactInput::default()
            };
            (Some(c), false)
        } else {
            (None, true)
        };
        let feedback_channel = contact.as_ref().and_then(|c| {
            let r: f64 = self.rng.gen();
            if c.email.is_some() && r < 0.5 {
                Some("email")
            } else if c.phone.as_deref().is_some_and(|p| p.starts_with("07")) && r < 0.7 {
                Some("sms")
            } else if c.phone.is_some() && r < 0.9 {
                Some("phone")
            } else {
                None
            }
        });

        let first_contact_share = match ct.centre_level {
            CentreLevel::Inform => 0.95,
            CentreLevel::Register => 0.5,
            CentreLevel::Handle => 0.82,
        };
        let closes_at_once = self.rng.gen_bool(first_contact_share);
        let close_as = closes_at_once.then(|| {
            if ct.centre_level == CentreLevel::Inform && self.rng.gen_bool(0.1) {
                Resolution::ReferredElsewhere
            } else {
                Resolution::AnsweredAtFirstContact
            }
        });
        let form = self.form_values(ct, created_at);
        let description = self.description(ct, district.as_deref());
        let agent = self.pick_agent();
        let request = IntakeRequest {
            case_type: Some(ct.code.clone()),
            channel: channel.as_str().to_owned(),
            description,
            district,
            contact,
            anonymous,
            feedback_channel: feedback_channel.map(str::to_owned),
            form,
            close_as: close_as.map(|r| r.as_str().to_owned()),
            received_at: Some(created_at),
            attach_to: None,
        };
        let mut case = self
            .service
            .validate_new_case(request, &Actor::new(agent), created_at)?;
        if !closes_at_once {
            self.live_on(&mut case, ct);
            check_lifecycle(&case, ct)?;
        }
        Ok(case)
    }

    fn pick_agent(&mut self) -> String {
        let i = self.rng.gen_range(0..self.agents.len());
        self.agents[i].clone()
    }

    /// What happens to a case not closed at first contact: handed over or
    /// worked on in the centre, then closed around its feedback deadline
    /// (most in time, some late) unless that lies after `until`.
    fn live_on(&mut self, case: &mut NewCase, ct: &CaseType) {
        let start = case.created_at;
        let deadline = add_working_days(stockholm_date(start), ct.feedback_days.max(1));
        let work_days =
            ((ct.feedback_days.max(1) as f64) * self.rng.gen_range(0.2..1.5)).ceil() as u32;
        let done_day = add_working_days(stockholm_date(start), work_days);
        let done_at = self
            .time_on(done_day, Channel::Phone)
            .max(start + Duration::minutes(5));
        let step_at = start + Duration::minutes(self.rng.gen_range(2..240));
        let agent = case.entries[0].author.clone();
        let group = match &ct.handover_group {
            Some(g) => Some(g.clone()),
            None => self.officer_groups.get(&case.board).and_then(|gs| {
                let i = self.rng.gen_range(0..gs.len());
                gs.get(i).cloned()
            }),
        };
        // Only what the agreement allows: an inform-only type is never handed over.
        let hand_over = match ct.centre_level {
            CentreLevel::Inform => false,
            CentreLevel::Register => true,
            CentreLevel::Handle => group.is_some() && self.rng.gen_bool(0.25),
        };
        let (mut status, resolution) = match (hand_over, group) {
            (true, Some(group)) if step_at <= self.until => {
                case.entries.push(NewEntry {
                    at: step_at,
                    author: agent,
                    body: EntryBody::HandedOver {
                        group: group.clone(),
                        summary: format!(
                            "Invånaren har ringt om {}. Informerad om handläggningen och att återkoppling sker senast {deadline}.",
                            ct.name_sv.to_lowercase()
                        ),
                    },
                });
                case.assignee_group = Some(group);
                case.handed_over = true;
                (Status::HandedOver, Resolution::HandedOver)
            }
            _ if step_at <= self.until && ct.centre_level == CentreLevel::Handle => {
                case.entries.push(NewEntry {
                    at: step_at,
                    author: agent,
                    body: EntryBody::StatusChanged {
                        from: Status::Registered,
                        to: Status::InProgress,
                        resolution: None,
                        reason: None,
                    },
                });
                (Status::InProgress, Resolution::ResolvedInCentre)
            }
            _ => (Status::Registered, Resolution::ReferredElsewhere),
        };
        // A case nobody can take over (no officer group for its board) is closed
        // as referred elsewhere: the resident was told where to turn.
        if done_at <= self.until {
            let author = if status == Status::HandedOver {
                self.officers[self.rng.gen_range(0..self.officers.len())].clone()
            } else {
                self.pick_agent()
            };
            case.entries.push(NewEntry {
                at: done_at,
                author,
                body: EntryBody::StatusChanged {
                    from: status,
                    to: Status::Closed,
                    resolution: Some(resolution),
                    reason: None,
                },
            });
            status = Status::Closed;
            case.resolution = Some(resolution);
            case.closed_at = Some(done_at);
        }
        case.status = status;
    }

    fn form_values(
        &mut self,
        ct: &CaseType,
        at: DateTime<Utc>,
    ) -> serde_json::Map<String, serde_json::Value> {
        let mut form = serde_json::Map::new();
        for f in &ct.fields {
            if !f.required && self.rng.gen_bool(0.5) {
                continue;
            }
            let v = match &f.kind {
                FieldKind::Text { max_length } => {
                    let s = format!("{} {}", self.pick(STREETS), self.rng.gen_range(1..120));
                    serde_json::Value::String(s.chars().take(*max_length as usize).collect())
                }
                FieldKind::Number => serde_json::json!(self.rng.gen_range(1..20)),
                FieldKind::Date => {
                    let d = stockholm_date(at) + Duration::days(self.rng.gen_range(-60..120));
                    serde_json::Value::String(d.to_string())
                }
                FieldKind::Choice { choices } => serde_json::Value::String(
                    choices[self.rng.gen_range(0..choices.len())].key.clone(),
                ),
                FieldKind::MultiChoice { choices } => {
                    let first = self.rng.gen_range(0..choices.len());
                    let mut keys = vec![serde_json::Value::String(choices[first].key.clone())];
                    if choices.len() > 1 && self.rng.gen_bool(0.4) {
                        keys.push(serde_json::Value::String(
                            choices[(first + 1) % choices.len()].key.clone(),
                        ));
                    }
                    serde_json::Value::Array(keys)
                }
            };
            form.insert(f.code.clone(), v);
        }
        form
    }

    fn description(&mut self, ct: &CaseType, district: Option<&str>) -> String {
        let place = district
            .and_then(|d| self.catalog.district(d))
            .map(|d| format!(" i {}", d.name))
            .unwrap_or_default();
        let topic = ct.name_sv.to_lowercase();
        let synonym = ct
            .synonyms
            .first()
            .cloned()
            .unwrap_or_else(|| topic.clone());
        match self.rng.gen_range(0..6) {
            0 => format!("Invånaren ringer om {topic}{place} och vill veta hur det fungerar."),
            1 => format!(
                "Frågar om {synonym}{place}. Har tidigare fått besked men vill ha det bekräftat."
            ),
            2 => format!(
                "Vill anmäla ärende gällande {topic}{place}. {} {}.",
                self.pick(STREETS),
                self.rng.gen_range(1..90)
            ),
            3 => format!("Undrar över {synonym} – vad gäller och hur lång tid tar det?"),
            4 => format!("Har skickat in uppgifter om {topic} och undrar om de kommit fram."),
            _ => format!("Kontakt angående {topic}{place}. Ber om återkoppling."),
        }
    }
}

/// Replays a generated timeline through the domain's rules, so generated
/// data can never hold a step the API would refuse.
fn check_lifecycle(case: &NewCase, ct: &CaseType) -> Result<(), CaseError> {
    let mut status = Status::Registered;
    let mut handed_over = false;
    for entry in &case.entries[1..] {
        match &entry.body {
            EntryBody::HandedOver { .. } => {
                check_handover(status, ct.centre_level)?;
                status = Status::HandedOver;
                handed_over = true;
            }
            EntryBody::StatusChanged {
                from,
                to,
                resolution,
                reason,
            } => {
                check_transition(*from, *to, *resolution, reason.as_deref())?;
                if let Some(r) = resolution {
                    check_resolution(ct.centre_level, *r, handed_over, *from)?;
                }
                status = *to;
            }
            _ => {}
        }
    }
    Ok(())
}

fn make_resident(
    rng: &mut ChaCha8Rng,
    languages: &WeightedIndex<f64>,
    today: NaiveDate,
) -> Resident {
    let first = FIRST_NAMES[rng.gen_range(0..FIRST_NAMES.len())];
    let last = LAST_NAMES[rng.gen_range(0..LAST_NAMES.len())];
    let age_days = rng.gen_range(18 * 365..95 * 365);
    let birth = today - Duration::days(age_days);
    let coordination = rng.gen_bool(0.02);
    let personnummer = rng
        .gen_bool(0.85)
        .then(|| Personnummer::from_parts(birth, rng.gen_range(0..1000), coordination))
        .flatten()
        .map(|p| p.to_string());
    let phone = rng.gen_bool(0.9).then(|| {
        format!(
            "07{}-{:03} {:02} {:02}",
            [0, 2, 3, 6, 9][rng.gen_range(0..5)],
            rng.gen_range(100..1000),
            rng.gen_range(0..100),
            rng.gen_range(0..100)
        )
    });
    let ascii = |s: &str| {
        s.to_lowercase()
            .chars()
            .map(|c| match c {
                'å' | 'ä' | 'á' => 'a',
                'ö' => 'o',
                'é' => 'e',
                'í' => 'i',
                c => c,
            })
            .collect::<String>()
    };
    let email = rng.gen_bool(0.6).then(|| {
        format!(
            "{}.{}{}@example.se",
            ascii(first),
            ascii(last),
            rng.gen_range(1..100)
        )
    });
    Resident {
        personnummer,
        name: format!("{first} {last}"),
        phone,
        email,
        language: LANGUAGES[languages.sample(rng)].0,
        protected: rng.gen_bool(0.005),
    }
}

/// Local hour of a UTC time in Stockholm; used by tests of the seasonality.
pub fn stockholm_hour(t: DateTime<Utc>) -> u32 {
    t.with_timezone(&chrono_tz::Europe::Stockholm).hour()
}

/// Generates `config.cases` cases into the service's store, in batches, and
/// calls `progress` with the running total. Generation of the next batch
/// overlaps with the store writing the previous one.
pub async fn generate_into(
    service: &CaseService,
    config: &GeneratorConfig,
    mut progress: impl FnMut(u64),
) -> Result<u64, CaseError> {
    // Small transactions: SQLite's per-statement savepoints get slower as a
    // transaction's dirty pages pile up.
    const BATCH: usize = 5_000;
    let mut generator = Generator::new(service, config);
    let mut written = 0u64;
    let mut in_flight: Option<tokio::task::JoinHandle<Result<usize, kontakt_store::StoreError>>> =
        None;
    loop {
        let batch = generator.batch(BATCH)?;
        if let Some(task) = in_flight.take() {
            written += task.await.map_err(|e| {
                CaseError::Store(kontakt_store::StoreError::Database(e.to_string()))
            })?? as u64;
            progress(written);
        }
        if batch.is_empty() {
            let started = std::time::Instant::now();
            let indexed = crate::cases::build_search_index(service.store()).await?;
            tracing::info!(
                cases = indexed,
                seconds = started.elapsed().as_secs_f64(),
                "search index built"
            );
            let event = Actor::new("system:generator").event(
                chrono::Utc::now(),
                "data.generate",
                ("case", ""),
                "",
                kontakt_domain::audit::Outcome::Allowed,
                serde_json::json!({"cases": written, "seed": config.seed}),
            );
            service.store().audit(vec![event]).await?;
            return Ok(written);
        }
        let store = service.store().clone();
        in_flight = Some(tokio::spawn(async move {
            store.create_cases(batch).await.map(|n| n.len())
        }));
    }
}
