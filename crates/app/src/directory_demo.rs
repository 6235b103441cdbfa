//! The switchboard's directory for the demo and the benchmark.
//!
//! - `stockholm`: a demo organisation of the City of Stockholm built from
//!   the catalog: the boards and companies, their administrations,
//!   departments and units (the contact centre's answer groups and the
//!   administrations' officer groups among them), the 14 district
//!   administrations with the words their residents use, and about 250
//!   people, the catalog's staff with their logins among them.
//! - `synthetic`: a city-scale directory for `kontakt bench directory`.
//! - `hr_export_example`: an HR staff export of the demo with a few
//!   changes, to try the import's preview on.
//!
//! Names of organisations follow the seeds' time (2008), like the catalog.
//! People, numbers and addresses are invented demo values.

use std::collections::{BTreeMap, HashMap, HashSet};

use kontakt_domain::catalog::{BoardKind, Catalog, GroupKind, Responsible};
use kontakt_domain::contact::{EmailAddress, Language, PhoneNumber};
use kontakt_domain::directory::{Connect, Function, Person, Unit, UnitKind};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

// ---------------------------------------------------------------------------
// Names

/// Names by origin: the language their bearers often also speak, its share
/// of staff (per mille), given names and family names (most common first).
struct Origin {
    language: &'static str,
    share: u32,
    given: &'static [&'static str],
    family: &'static [&'static str],
}

#[rustfmt::skip]
const ORIGINS: &[Origin] = &[
    Origin {
        language: "sv",
        share: 700,
        given: &[
            "Anna", "Eva", "Maria", "Karin", "Kristina", "Lena", "Kerstin", "Sara", "Emma",
            "Ingrid", "Malin", "Elin", "Johanna", "Linda", "Sofia", "Marie", "Birgitta", "Cecilia",
            "Helena", "Annika", "Ulrika", "Åsa", "Jenny", "Camilla", "Frida", "Ida", "Hanna",
            "Linnéa", "Ebba", "Maja", "Gunilla", "Margareta", "Agneta", "Lars", "Anders", "Johan",
            "Per", "Erik", "Karl", "Peter", "Mikael", "Magnus", "Fredrik", "Jonas", "Stefan",
            "Daniel", "Mattias", "Henrik", "Andreas", "Björn", "Gustav", "Oskar", "Viktor", "Olof",
            "Håkan", "Thomas", "Ulf", "Niklas", "Jesper", "Axel", "Sven", "Göran", "Bengt",
            "Anna-Karin", "Lars-Erik", "Eva-Lena", "Jan-Olof",
        ],
        family: &[
            "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
            "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
            "Bengtsson", "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Lindström", "Olofsson",
            "Lindqvist", "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg", "Lind",
            "Lundgren", "Lundqvist", "Mattsson", "Berglund", "Fredriksson", "Sandberg",
            "Henriksson", "Forsberg", "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson",
            "Håkansson", "Lundin", "Björk", "Bergman", "Gunnarsson", "Holm", "Wikström",
            "Samuelsson", "Isaksson", "Fransson", "Bergqvist", "Nyström", "Holmberg", "Arvidsson",
            "Löfgren", "Söderberg", "Nyberg", "Blomqvist", "Claesson", "Nordström", "Mårtensson",
            "Lundström", "Viklund", "Björklund", "Eliasson", "Pålsson", "Berggren", "Sandström",
            "Lund", "Nordin", "Ström", "Åberg", "Hermansson", "Ekström", "Holmgren", "Sundberg",
            "Hedlund", "Dahlberg", "Hellström", "Sjögren", "Abrahamsson", "Falk", "Öberg", "Ek",
            "Strand", "Palm", "Åkesson", "Lindholm", "Söderström", "Hedström", "Ekdahl", "Thulin",
            "Wahlgren",
        ],
    },
    Origin {
        language: "fi",
        share: 60,
        given: &[
            "Aino", "Mikko", "Juha", "Päivi", "Sirpa", "Tuula", "Kari", "Jari", "Riitta", "Pirjo",
            "Timo", "Heikki", "Marja-Liisa", "Eija", "Satu", "Antti",
        ],
        family: &[
            "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine",
            "Heikkinen", "Koskinen", "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen",
            "Heinonen", "Niemi", "Kinnunen",
        ],
    },
    Origin {
        language: "ar",
        share: 50,
        given: &[
            "Mohammed", "Ahmed", "Ali", "Omar", "Khalid", "Mustafa", "Hussein", "Youssef",
            "Fatima", "Nour", "Layla", "Zainab", "Rania", "Maryam", "Hiba", "Samir", "Rami",
            "Lina", "Yasmin",
        ],
        family: &[
            "Al-Hassan", "Haddad", "Khalil", "Saleh", "Ibrahim", "Mansour", "Aziz", "Al-Saadi",
            "Jaber", "Hamdan", "Nasser", "Abbas", "Khoury", "Yousef", "Al-Ali",
        ],
    },
    Origin {
        language: "fa",
        share: 40,
        given: &[
            "Reza", "Mehdi", "Dariush", "Amir", "Babak", "Maryam", "Leila", "Parisa", "Shirin",
            "Nasrin", "Azadeh", "Farhad", "Sina", "Negar",
        ],
        family: &[
            "Mohammadi", "Ahmadi", "Hosseini", "Karimi", "Rezaei", "Moradi", "Rahimi", "Sadeghi",
            "Jafari", "Hashemi", "Ebrahimi", "Nazari", "Kazemi", "Akbari",
        ],
    },
    Origin {
        language: "so",
        share: 30,
        given: &[
            "Abdi", "Abdullahi", "Hassan", "Mohamed", "Yusuf", "Hodan", "Amina", "Fadumo", "Ifrah",
            "Sahra", "Hawa", "Deqa", "Ayaan", "Ilhan", "Khadra",
        ],
        family: &[
            "Mohamed", "Hassan", "Abdi", "Ahmed", "Ali", "Farah", "Warsame", "Osman", "Yusuf",
            "Jama", "Nur", "Hussein", "Abdullahi", "Omar", "Ismail", "Aden",
        ],
    },
    Origin {
        language: "tr",
        share: 30,
        given: &[
            "Mehmet", "Emre", "Deniz", "Serkan", "Murat", "Hasan", "Ayşe", "Zeynep", "Elif",
            "Fatma", "Rojda", "Berivan", "Dilan", "Baran", "Kawa",
        ],
        family: &[
            "Yılmaz", "Demir", "Kaya", "Şahin", "Çelik", "Aydın", "Özdemir", "Arslan", "Doğan",
            "Kılıç", "Aslan", "Kurt", "Polat", "Öztürk", "Koç",
        ],
    },
    Origin {
        language: "pl",
        share: 30,
        given: &[
            "Agnieszka", "Katarzyna", "Magdalena", "Joanna", "Ewa", "Tomasz", "Piotr", "Paweł",
            "Krzysztof", "Marek", "Michał", "Monika", "Łukasz",
        ],
        family: &[
            "Nowak", "Wójcik", "Kowalczyk", "Woźniak", "Mazur", "Krawczyk", "Kaczmarek", "Zając",
            "Król", "Wieczorek", "Wróbel", "Dudek",
        ],
    },
    Origin {
        language: "es",
        share: 25,
        given: &[
            "Carlos", "Alejandro", "Diego", "Javier", "Juan", "Pablo", "Lucía", "Camila",
            "Valentina", "Carolina", "Paula", "Isabel", "Andrés", "Gabriela",
        ],
        family: &[
            "González", "Rodríguez", "Martínez", "López", "Pérez", "Sánchez", "Fernández",
            "Morales", "Torres", "Rojas", "Muñoz", "Silva", "Castro", "Vargas",
        ],
    },
    Origin {
        language: "ti",
        share: 15,
        given: &[
            "Senait", "Yonas", "Mulugeta", "Selam", "Tesfay", "Meron", "Dawit", "Helen", "Samuel",
            "Tsega", "Abeba", "Rahel", "Haben",
        ],
        family: &[
            "Tesfay", "Haile", "Gebremedhin", "Kidane", "Tekle", "Berhane", "Mehari", "Ghebreyesus",
            "Woldu", "Asmerom", "Yohannes", "Tsegay",
        ],
    },
    Origin {
        language: "bs",
        share: 20,
        given: &[
            "Amir", "Emina", "Dragan", "Jelena", "Mirza", "Goran", "Dragana", "Selma", "Nikola",
            "Ivana", "Adnan", "Lejla", "Marko", "Ana",
        ],
        family: &[
            "Hodžić", "Petrović", "Jovanović", "Nikolić", "Kovačević", "Begić", "Hadžić",
            "Marković", "Ilić", "Đorđević", "Babić", "Mehmedović",
        ],
    },
];

/// An index into `n` names, the first ones most often (Zipf-like; `flat`
/// evens it out).
fn zipf(rng: &mut ChaCha8Rng, n: usize, flat: f64) -> usize {
    let total: f64 = (0..n).map(|r| 1.0 / (r as f64 + flat)).sum();
    let mut x = rng.gen_range(0.0..total);
    for r in 0..n {
        x -= 1.0 / (r as f64 + flat);
        if x <= 0.0 {
            return r;
        }
    }
    n.saturating_sub(1)
}

/// A name: given, family, and the languages its bearer speaks. With a
/// `long_tail`, many names are rare ones (as in a city-sized staff, where
/// most family names occur once or twice), made from name parts.
fn draw_name(rng: &mut ChaCha8Rng, long_tail: bool) -> (String, String, Vec<&'static str>) {
    let mut x = rng.gen_range(0..1000);
    let origin = ORIGINS
        .iter()
        .find(|o| {
            if x < o.share {
                true
            } else {
                x -= o.share;
                false
            }
        })
        .unwrap_or(&ORIGINS[0]);
    let given = if long_tail && rng.gen_bool(0.25) {
        rare_given(rng, origin.language)
    } else {
        origin.given[zipf(rng, origin.given.len(), 6.0)].to_owned()
    };
    // Some take a partner's name from another origin.
    let family_origin = if rng.gen_bool(0.08) {
        &ORIGINS[rng.gen_range(0..ORIGINS.len())]
    } else {
        origin
    };
    let family = if long_tail && rng.gen_bool(0.45) {
        rare_family(rng, family_origin.language)
    } else {
        family_origin.family[zipf(rng, family_origin.family.len(), 2.0)].to_owned()
    };
    let mut languages = vec!["sv"];
    if origin.language != "sv" {
        languages.push(origin.language);
    }
    if rng.gen_bool(0.6) {
        languages.push("en");
    }
    if rng.gen_bool(0.05) {
        languages.push(["de", "fr", "es", "it"][rng.gen_range(0..4)]);
    }
    languages.dedup();
    (given, family, languages)
}

#[rustfmt::skip]
const SV_FIRST: &[&str] = &[
    "Lind", "Berg", "Ek", "Sjö", "Holm", "Ask", "Gran", "Ny", "Sand", "Strand", "Åker", "Löv",
    "Dahl", "Fors", "Hag", "Lund", "Ros", "Sund", "Wall", "Öst", "Norr", "Söder", "Väst", "Björk",
    "Alm", "Asp", "Hed", "Kvarn", "Mal", "Rud", "Sten", "Tall", "Vik", "Öd", "Bäck", "Eng", "Hall",
    "Kall", "Lil", "Mo", "Sköld", "Stjern", "Tor", "Ulv", "Wester", "Öhr", "Bränn", "Fager",
    "Gull", "Hjort",
];

#[rustfmt::skip]
const SV_LAST: &[&str] = &[
    "berg", "ström", "qvist", "gren", "lund", "holm", "dahl", "blad", "sten", "by", "löf", "mark",
    "vall", "bäck", "stedt", "ling", "ander", "ell", "ius", "näs", "fors", "hammar", "kvist",
    "skog", "sjö", "man", "ros", "ek", "gård", "wall",
];

#[rustfmt::skip]
const SV_RARE_GIVEN: &[&str] = &[
    "Tove", "Saga", "Signe", "Alva", "Vera", "Stina", "Ylva", "Tyra", "Elsa", "Edvin", "Sixten",
    "Ture", "Vilgot", "Melker", "Nils", "Tage", "Ivar", "Folke", "Ingvar", "Rune", "Arvid", "Elof",
    "Gösta", "Harriet", "Solveig", "Gudrun", "Ragnhild", "Torbjörn", "Kjell", "Leif", "Roine",
    "Majken", "Siv", "Ulla-Britt", "Britt-Marie", "Per-Olof", "Karl-Johan", "Mats-Ola",
];

const CONSONANTS: &[&str] = &[
    "b", "d", "f", "g", "h", "j", "k", "l", "m", "n", "r", "s", "t", "v", "y", "z", "sh", "kh",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "aa"];

fn syllables(rng: &mut ChaCha8Rng, n: usize) -> String {
    let mut out = String::new();
    for _ in 0..n {
        out.push_str(CONSONANTS[rng.gen_range(0..CONSONANTS.len())]);
        out.push_str(VOWELS[rng.gen_range(0..VOWELS.len())]);
    }
    capitalised(&out)
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A rare family name as names of that origin are made: "Hedqvist",
/// "Kasanen", "Yamazadeh", "Barović".
fn rare_family(rng: &mut ChaCha8Rng, language: &str) -> String {
    let endings: &[&str] = match language {
        "sv" => {
            let first = SV_FIRST[rng.gen_range(0..SV_FIRST.len())];
            let last = SV_LAST[rng.gen_range(0..SV_LAST.len())];
            return format!("{first}{last}");
        }
        "fi" => &["nen", "la", "lä", "inen", "o"],
        "fa" => &["i", "ian", "zadeh", "pour", "nejad"],
        "ar" | "so" => &["i", "an", "ani", "ullah", "ow"],
        "tr" => &["oğlu", "er", "kan", "han", "türk"],
        "bs" => &["ić", "ović", "ević"],
        "pl" => &["ak", "ek", "icz", "czyk"],
        "es" => &["ez", "es", "ero", "ado"],
        _ => &["ay", "u", "om", "e"],
    };
    let stem = syllables(rng, 2);
    format!("{stem}{}", endings[rng.gen_range(0..endings.len())])
}

fn rare_given(rng: &mut ChaCha8Rng, language: &str) -> String {
    if language == "sv" {
        SV_RARE_GIVEN[rng.gen_range(0..SV_RARE_GIVEN.len())].to_owned()
    } else {
        let n = rng.gen_range(2..=3);
        syllables(rng, n)
    }
}

/// Lower case ASCII for addresses: "Åsa Öberg-Yılmaz" → "asa.oberg-yilmaz".
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.to_lowercase().chars() {
        let s = match c {
            'å' | 'ä' | 'á' | 'à' | 'â' | 'ą' => "a",
            'ö' | 'ó' | 'ø' | 'ô' => "o",
            'é' | 'è' | 'ê' | 'ë' | 'ę' => "e",
            'ü' | 'ú' => "u",
            'í' | 'ı' | 'ï' => "i",
            'ç' | 'ć' | 'č' => "c",
            'ş' | 'ś' | 'š' => "s",
            'ž' | 'ź' | 'ż' => "z",
            'ñ' | 'ń' => "n",
            'ğ' => "g",
            'ł' => "l",
            'đ' => "dj",
            'æ' => "ae",
            '-' => "-",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => ".",
        };
        out.push_str(s);
    }
    let parts: Vec<&str> = out
        .split('.')
        .map(|p| p.trim_matches('-'))
        .filter(|p| !p.is_empty())
        .collect();
    parts.join(".")
}

fn number(text: &str) -> Option<PhoneNumber> {
    PhoneNumber::parse(text).ok()
}

/// A city number in the 08-508 series: "08-508 27 345".
fn city_number(n: u32) -> Option<PhoneNumber> {
    let n = n % 100_000;
    number(&format!("08-508 {:02} {:03}", n / 1000, n % 1000))
}

fn mobile(rng: &mut ChaCha8Rng) -> Option<PhoneNumber> {
    let prefix = ["070", "072", "073", "076"][rng.gen_range(0..4)];
    number(&format!(
        "{prefix}-{:03} {:02} {:02}",
        rng.gen_range(0..1000),
        rng.gen_range(0..100),
        rng.gen_range(0..100)
    ))
}

fn languages(codes: &[&str]) -> Vec<Language> {
    codes
        .iter()
        .filter_map(|c| Language::parse(c).ok())
        .collect()
}

fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| (*w).to_owned()).collect()
}

fn new_unit(id: &str, name: &str, kind: UnitKind, parent: Option<&str>) -> Unit {
    Unit {
        id: id.to_owned(),
        name: name.to_owned(),
        kind,
        parent: parent.map(str::to_owned),
        board: None,
        group: None,
        districts: Vec::new(),
        functions: Vec::new(),
        visiting_address: None,
        opening_hours: None,
        phone: None,
        mailbox: None,
        public: true,
    }
}

/// Hands out e-mail addresses, one each: "anna.andersson2@stockholm.se".
#[derive(Default)]
struct Mailboxes {
    taken: HashMap<String, u32>,
}

impl Mailboxes {
    fn person(&mut self, given: &str, family: &str, domain: &str) -> Option<EmailAddress> {
        self.address(&format!("{}.{}", fold(given), fold(family)), domain)
    }

    fn address(&mut self, local: &str, domain: &str) -> Option<EmailAddress> {
        let n = self.taken.entry(format!("{local}@{domain}")).or_default();
        *n += 1;
        let local = if *n == 1 {
            local.to_owned()
        } else {
            format!("{local}{n}")
        };
        EmailAddress::parse(&format!("{local}@{domain}")).ok()
    }
}

// ---------------------------------------------------------------------------
// The demo organisation

/// What a unit does, by key: name, service area, case types, search words.
type FunctionRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

#[rustfmt::skip]
const FUNCTIONS: &[FunctionRow] = &[
    ("p-tillstand", "Parkeringstillstånd", "parking", &["PARK-BOEND", "PARK-RH"], &[]),
    ("boendeparkering", "Boendeparkering", "parking", &["PARK-BOEND"], &["boende-p", "boendekort", "p-tillstånd"]),
    ("rh", "Parkeringstillstånd för rörelsehindrade", "parking", &["PARK-RH"], &["handikapptillstånd", "handikapparkering", "blått kort"]),
    ("fpa", "Felparkeringsavgifter", "parking", &["PARK-FPA", "PARK-BORT"], &["p-böter", "parkeringsbot", "bortforslat fordon"]),
    ("avfall", "Avfall och sophämtning", "waste", &["AVF-MISS", "AVF-GROV", "AVF-ABON", "AVF-FARL"], &["sopor", "soptunna", "grovsopor", "miljöbilen"]),
    ("insamling", "Sophämtning", "waste", &["AVF-MISS"], &[]),
    ("drift", "Felanmälan gata och park", "faults", &["FEL-ALLM", "GATA-HAL", "GATA-BELYS", "GATA-SNO"], &["felanmälan", "gatubelysning", "potthål", "snöröjning"]),
    ("trafikplan", "Trafikplanering och trafiksäkerhet", "streets", &["GATA-TRPL", "GATA-SKYLT"], &["farthinder", "övergångsställe", "trafiksignal"]),
    ("vagarbete", "Vägarbeten och avstängningar", "streets", &["GATA-VAGARB"], &["vägarbete", "grävning", "avstängd gata"]),
    ("bygglov", "Bygglov", "building", &["BYGG-FRAGA", "BYGG-STATUS", "BYGG-SKYLT"], &["bygganmälan", "marklov", "rivningslov"]),
    ("ritningar", "Ritningar och kartor", "building", &["BYGG-RITN"], &["ritningar", "nybyggnadskarta", "detaljplan"]),
    ("olovligt", "Tillsyn av olovligt byggande", "building", &["BYGG-ANM"], &["svartbygge", "ovårdad tomt"]),
    ("miljo", "Miljö- och hälsoskydd i bostäder", "environment", &["MILJO-BULLER", "MILJO-INNE", "MILJO-RADON"], &["buller", "mögel", "fukt", "radon", "ohyra"]),
    ("livs", "Livsmedelskontroll", "environment", &["MILJO-LIVS", "MILJO-ROK"], &["restaurang", "matförgiftning", "hygien"]),
    ("skolval", "Skolval och antagning", "education", &["UTB-SKOLVAL"], &["skolval", "byta skola", "förskoleklass"]),
    ("skolskjuts", "Skolskjuts", "education", &["UTB-SKJUTS"], &["skoltaxi", "skolbuss"]),
    ("vux", "Vuxenutbildning och sfi", "education", &["UTB-SFI"], &["sfi", "komvux", "svenska för invandrare"]),
    ("bab", "Bostadsanpassningsbidrag", "housing", &["BOST-BAB"], &["bostadsanpassning", "ramp", "trapphiss"]),
    ("socialjour", "Socialjouren", "social", &["SOC-OROS", "SOC-VALD"], &["socialjour", "akut", "kvinnojour"]),
    ("aldreombud", "Äldreombudsmannen", "elderly", &["ALD-OMB"], &["äldreombudsman"]),
    ("arkiv", "Stadsarkivet", "culture", &["KULT-ARKIV"], &["arkiv", "betygskopia", "släktforskning"]),
    ("bibliotek", "Bibliotek", "culture", &["KULT-BIBL"], &["bibliotek", "lånekort", "låna böcker"]),
    ("kulturskola", "Kulturskolan", "culture", &["KULT-SKOLAN"], &["musikskola", "teaterkurs", "dans"]),
    ("bad", "Bad och idrottsanläggningar", "sport", &["IDR-BAD"], &["simhall", "badhus", "idrottshall", "isbana"]),
    ("grav", "Gravrätt och gravskötsel", "cemeteries", &["KYRK-GRAV", "KYRK-SKOT", "KYRK-BEGR"], &["gravrätt", "gravsten", "minneslund", "begravning"]),
    ("lokaler", "Lokaler och saluhallar", "business", &["NAR-FAST"], &["saluhall", "festlokal"]),
    ("tomtratt", "Tomträtt och mark", "business", &["NAR-TOMT"], &["tomträttsavgäld", "arrende"]),
    ("godman", "God man och förvaltare", "guardianship", &["OFN-GODMAN"], &["god man", "förvaltare", "årsräkning"]),
    ("sotning", "Sotning och brandskydd", "safety", &["BRAND-SOT"], &["sotare", "brandskydd", "eldstad"]),
    ("jobbtorg", "Jobbtorg", "labour", &["ARB-JOBB"], &["jobbtorg", "feriejobb", "sommarjobb", "praktik"]),
    ("kontrollavgift", "Kontrollavgifter", "parking", &["PARK-KA"], &["kontrollavgift", "p-bot i garage"]),
    ("garage", "Garageplatser", "parking", &["PARK-GARAGE"], &["garageplats", "hyra p-plats"]),
    ("bostadsko", "Bostadskön", "housing", &["BOST-KO"], &["bostadskön", "ködagar", "hyresrätt"]),
    ("shem", "Kundservice för hyresgäster", "housing", &["BOST-SHEM"], &["felanmälan lägenhet", "hyresgäst"]),
    ("svb", "Kundservice för hyresgäster", "housing", &["BOST-SVB"], &["felanmälan lägenhet", "bovärd"]),
    ("lokal", "Lediga lokaler", "business", &["NAR-LOKAL"], &["butikslokal", "kontorslokal"]),
    ("skolfastighet", "Felanmälan skolfastigheter", "faults", &["FEL-SKOLA"], &["skolgård", "skolbyggnad"]),
    ("vatten", "Vatten och avlopp", "faults", &["FEL-VATTEN"], &["vattenläcka", "stopp i avlopp", "vattenavstängning"]),
    ("lots", "Företagslotsen", "business", &["NAR-LOTS"], &["starta företag", "företagslots"]),
    ("registratur", "Registratur och allmänna handlingar", "referral", &["ALLM-HANDL"], &["diarium", "allmän handling"]),
    ("fakturor", "Förskoleavgifter och kundfordringar", "invoices", &["FAKT-BET", "FAKT-ANST", "FAKT-AVB"], &["faktura", "avbetalning"]),
    // The districts' own, with the words each district adds (`Local`).
    ("forskoleplats", "Förskoleplats och kö", "preschool", &["FSK-KO", "FSK-ERB", "FSK-UPPS", "FSK-TID"], &["förskolekö", "förskoleplats"]),
    ("oppen-forskola", "Öppen förskola", "preschool", &[], &[]),
    ("bistand", "Biståndsbedömning äldreomsorg", "elderly", &["ALD-HEMTJ", "ALD-SABO", "ALD-LARM", "ALD-MAT"], &["biståndshandläggare", "trygghetslarm", "matlåda"]),
    ("ekonomiskt-bistand", "Ekonomiskt bistånd", "social", &["SOC-EKB", "SOC-MISSB"], &["försörjningsstöd", "socialbidrag"]),
    ("barn-unga", "Barn och unga", "social", &["SOC-OROS"], &["orosanmälan", "barn som far illa"]),
    ("lss", "Stöd enligt LSS", "disability", &["FN-LSS"], &["personlig assistans", "ledsagare", "gruppbostad"]),
    ("park", "Parker och lekplatser", "parks", &["GRON-TRAD", "GRON-LEK", "GRON-STAD"], &["lekplats", "parkskötsel"]),
    ("medborgarkontor", "Medborgarkontor", "referral", &["ALLM-HANV"], &["medborgarkontoret", "hjälp med e-tjänster"]),
];

/// A function by key, with extra search words.
fn function(key: &str, extra: &[&str]) -> Option<Function> {
    let (_, name, area, types, words) = FUNCTIONS.iter().find(|f| f.0 == key)?;
    let mut search_words = strings(words);
    for w in extra {
        if !search_words.iter().any(|s| s == w) {
            search_words.push((*w).to_owned());
        }
    }
    Some(Function {
        name: (*name).to_owned(),
        service_area: Some((*area).to_owned()),
        case_types: strings(types),
        search_words,
    })
}

const INNER: &[&str] = &["norrmalm", "kungsholmen", "ostermalm", "sodermalm"];
const SOUTH: &[&str] = &[
    "enskede-arsta-vantor",
    "skarpnack",
    "farsta",
    "alvsjo",
    "hagersten-liljeholmen",
    "skarholmen",
];
const WEST: &[&str] = &[
    "rinkeby-kista",
    "spanga-tensta",
    "hasselby-vallingby",
    "bromma",
];

/// One unit of the demo. Relative to its district administration in
/// `DISTRICT_UNITS` (`group` there is the group's prefix, completed with
/// the district's board: "FSK-KO" → "FSK-KO-SKH").
#[derive(Clone, Copy)]
struct Spec {
    id: &'static str,
    /// Empty: under the board (administrations) or the district's
    /// administration.
    parent: &'static str,
    kind: UnitKind,
    name: &'static str,
    board: &'static str,
    group: &'static str,
    districts: &'static [&'static str],
    functions: &'static [(&'static str, &'static [&'static str])],
    address: &'static str,
    hours: &'static str,
    /// Its own number, else the next in its administration's series.
    phone: &'static str,
    /// The administration's number series: 08-508 <block> xxx.
    block: u32,
    public: bool,
    staff: usize,
    title: &'static str,
    connect: Connect,
}

const S: Spec = Spec {
    id: "",
    parent: "",
    kind: UnitKind::Unit,
    name: "",
    board: "",
    group: "",
    districts: &[],
    functions: &[],
    address: "",
    hours: "",
    phone: "",
    block: 0,
    public: true,
    staff: 1,
    title: "Handläggare",
    connect: Connect::Direct,
};

const ADM: UnitKind = UnitKind::Administration;
const DEP: UnitKind = UnitKind::Department;
const OFFICE_HOURS: &str = "Måndag–fredag 8.00–16.30";
const PHONE_HOURS: &str = "Telefontid måndag–torsdag 9.00–11.00";
const TEKNISKA: &str = "Tekniska nämndhuset, Fleminggatan 4";
const STADSHUSET: &str = "Hantverkargatan 3";

/// The administrations of the specialist boards and the companies'
/// departments, with their units.
#[rustfmt::skip]
const SPECS: &[Spec] = &[
    // Servicenämnden: Kontaktcenter Stockholm and its answer groups (the
    // groups' units are made from the catalog, see `answer_units`).
    Spec { id: "SF", kind: ADM, name: "Serviceförvaltningen", board: "SN", address: "Hantverkargatan 2F", hours: OFFICE_HOURS, block: 11, title: "Förvaltningschef", ..S },
    Spec { id: "KCS", parent: "SF", kind: DEP, name: "Kontaktcenter Stockholm", phone: "08-508 00 000", hours: "Måndag–fredag 8.00–17.00", staff: 1, title: "Kontaktcenterchef", ..S },
    Spec { id: "KCS-VO", parent: "KCS", name: "Kontaktcenter Stockholm – Välfärd och utbildning", staff: 1, title: "Enhetschef", ..S },
    Spec { id: "KCS-TEK", parent: "KCS", name: "Kontaktcenter Stockholm – Tekniska nämndhuset", address: TEKNISKA, staff: 1, title: "Enhetschef", ..S },
    Spec { id: "KCS-AD", parent: "KCS", name: "Äldre Direkt", phone: "08-508 36 000", staff: 1, title: "Enhetschef", ..S },
    Spec { id: "KCS-KVAL", parent: "KCS", name: "Kvalitet och utveckling", public: false, staff: 1, title: "Verksamhetsutvecklare", ..S },
    Spec { id: "SF-REG", parent: "SF", name: "Registraturen", group: "SN-REG", functions: &[("registratur", &[])], public: false, staff: 0, ..S },
    Spec { id: "SF-EKADM", parent: "SF", name: "Ekonomiadministration", group: "SN-EKADM", functions: &[("fakturor", &["förskoleavgift", "kundfordringar"])], public: false, staff: 0, ..S },
    // Trafik- och renhållningsnämnden.
    Spec { id: "TK", kind: ADM, name: "Trafikkontoret", board: "TRN", address: TEKNISKA, hours: OFFICE_HOURS, block: 27, phone: "08-508 27 000", title: "Förvaltningschef", ..S },
    Spec { id: "TK-PARK", parent: "TK", kind: DEP, name: "Parkering", title: "Avdelningschef", ..S },
    Spec { id: "TK-PT-IN", parent: "TK-PARK", name: "Parkeringstillstånd Innerstaden", districts: INNER, functions: &[("p-tillstand", &["boendeparkering", "boende-p", "boendekort", "p-tillstånd"])], hours: PHONE_HOURS, staff: 3, title: "Parkeringshandläggare", ..S },
    Spec { id: "TK-PT-SO", parent: "TK-PARK", name: "Parkeringstillstånd Söderort", districts: SOUTH, functions: &[("p-tillstand", &["p-tillstånd", "parkeringskort", "boendeparkering"])], hours: PHONE_HOURS, staff: 2, title: "Parkeringshandläggare", ..S },
    Spec { id: "TK-PT-VO", parent: "TK-PARK", name: "Parkeringstillstånd Västerort", districts: WEST, functions: &[("p-tillstand", &["p-tillstånd", "parkeringskort"])], hours: PHONE_HOURS, staff: 2, title: "Parkeringshandläggare", ..S },
    Spec { id: "TK-BP", parent: "TK-PARK", name: "Kundmottagningen Boendeparkering", group: "TK-BP", functions: &[("boendeparkering", &[])], hours: "Måndag–fredag 9.00–15.00", staff: 1, title: "Kundtjänsthandläggare", ..S },
    Spec { id: "TK-PTILL", parent: "TK-PARK", name: "Parkeringstillstånd för rörelsehindrade", group: "TK-PTILL", functions: &[("rh", &[])], hours: PHONE_HOURS, staff: 2, title: "Parkeringshandläggare", ..S },
    Spec { id: "TK-FPA", parent: "TK-PARK", name: "Felparkeringsavgifter", group: "TK-FPA", functions: &[("fpa", &[])], staff: 2, ..S },
    Spec { id: "TK-AVFALL", parent: "TK", kind: DEP, name: "Avfall", title: "Avdelningschef", ..S },
    Spec { id: "TK-AVF", parent: "TK-AVFALL", name: "Kundservice Avfall", group: "TK-AVF", functions: &[("avfall", &[])], staff: 2, title: "Kundtjänsthandläggare", ..S },
    Spec { id: "TK-AVF-IN", parent: "TK-AVFALL", name: "Avfallsinsamling Innerstaden", districts: INNER, functions: &[("insamling", &["sophämtning", "soprum", "sopsug"])], title: "Renhållningsinspektör", ..S },
    Spec { id: "TK-AVF-SO", parent: "TK-AVFALL", name: "Avfallsinsamling Söderort", districts: SOUTH, functions: &[("insamling", &["tömning", "kärltömning", "sopkärl"])], title: "Renhållningsinspektör", ..S },
    Spec { id: "TK-AVF-VO", parent: "TK-AVFALL", name: "Avfallsinsamling Västerort", districts: WEST, functions: &[("insamling", &["tömning", "sophämtning", "matavfall"])], title: "Renhållningsinspektör", ..S },
    Spec { id: "TK-GATA", parent: "TK", kind: DEP, name: "Gata och trafik", title: "Avdelningschef", ..S },
    Spec { id: "TK-DRIFT", parent: "TK-GATA", name: "Driftcentralen", group: "TK-DRIFT", functions: &[("drift", &[])], hours: "Dygnet runt", staff: 2, title: "Driftledare", ..S },
    Spec { id: "TK-PL", parent: "TK-GATA", name: "Trafikplanering", group: "TK-PL", functions: &[("trafikplan", &[])], staff: 2, title: "Trafikplanerare", ..S },
    Spec { id: "TK-VA", parent: "TK-GATA", name: "Vägarbeten och tillstånd", functions: &[("vagarbete", &[])], title: "Trafikingenjör", ..S },
    Spec { id: "TK-REG", parent: "TK", name: "Registraturen Trafikkontoret", functions: &[("registratur", &[])], public: false, title: "Registrator", ..S },
    // Stadsbyggnadsnämnden.
    Spec { id: "SBK", kind: ADM, name: "Stadsbyggnadskontoret", board: "SBN", address: TEKNISKA, hours: OFFICE_HOURS, block: 26, title: "Stadsbyggnadsdirektör", ..S },
    Spec { id: "SBK-BL", parent: "SBK", kind: DEP, name: "Bygglovavdelningen", group: "SBK-BYGG", title: "Avdelningschef", ..S },
    Spec { id: "SBK-BL-IN", parent: "SBK-BL", name: "Bygglovsenheten Innerstaden", districts: INNER, functions: &[("bygglov", &["inglasad balkong", "fasadändring", "takkupa", "skylt"])], hours: PHONE_HOURS, staff: 2, title: "Bygglovshandläggare", ..S },
    Spec { id: "SBK-BL-SO", parent: "SBK-BL", name: "Bygglovsenheten Söderort", districts: SOUTH, functions: &[("bygglov", &["attefallshus", "altan", "plank", "friggebod"])], hours: PHONE_HOURS, staff: 2, title: "Bygglovshandläggare", ..S },
    Spec { id: "SBK-BL-VO", parent: "SBK-BL", name: "Bygglovsenheten Västerort", districts: WEST, functions: &[("bygglov", &["attefallshus", "friggebod", "villa", "tillbyggnad"])], hours: PHONE_HOURS, staff: 1, title: "Bygglovshandläggare", ..S },
    Spec { id: "SBK-EXP", parent: "SBK", name: "Stadsbyggnadsexpeditionen", group: "SBK-EXP", functions: &[("ritningar", &[])], hours: "Måndag–fredag 9.00–15.00", staff: 2, title: "Expeditionshandläggare", ..S },
    Spec { id: "SBK-TILL", parent: "SBK", name: "Tillsynsenheten", functions: &[("olovligt", &[])], title: "Byggnadsinspektör", ..S },
    // Miljö- och hälsoskyddsnämnden.
    Spec { id: "MF", kind: ADM, name: "Miljöförvaltningen", board: "MHN", address: TEKNISKA, hours: OFFICE_HOURS, block: 28, phone: "08-508 28 800", title: "Förvaltningschef", ..S },
    Spec { id: "MF-MILJO", parent: "MF", name: "Bostäder och buller", group: "MF-MILJO", functions: &[("miljo", &[])], staff: 2, title: "Miljöinspektör", ..S },
    Spec { id: "MF-LIVS", parent: "MF", name: "Livsmedelskontroll", group: "MF-LIVS", functions: &[("livs", &[])], staff: 2, title: "Livsmedelsinspektör", ..S },
    // Utbildningsnämnden.
    Spec { id: "UTF", kind: ADM, name: "Utbildningsförvaltningen", board: "UTN", address: "Hantverkargatan 2F", hours: OFFICE_HOURS, block: 33, title: "Förvaltningschef", ..S },
    Spec { id: "UTF-ANTAG", parent: "UTF", name: "Antagning och skolval", group: "UTB-ANTAG", functions: &[("skolval", &[])], staff: 2, ..S },
    Spec { id: "UTF-SKJUTS", parent: "UTF", name: "Skolskjutsenheten", group: "UTB-SKJUTS", functions: &[("skolskjuts", &[])], ..S },
    Spec { id: "UTF-VUX", parent: "UTF", name: "Vuxenutbildningen", functions: &[("vux", &[])], title: "Studie- och yrkesvägledare", ..S },
    // Socialtjänstnämnden, Äldrenämnden, Arbetsmarknadsnämnden.
    Spec { id: "SOF", kind: ADM, name: "Socialförvaltningen", board: "SOCN", address: "Swedenborgsgatan 20", hours: OFFICE_HOURS, block: 25, title: "Förvaltningschef", ..S },
    Spec { id: "SOF-BAB", parent: "SOF", name: "Bostadsanpassningsenheten", group: "SOC-BAB", functions: &[("bab", &[])], hours: PHONE_HOURS, ..S },
    Spec { id: "SOF-JOUR", parent: "SOF", name: "Socialjouren", functions: &[("socialjour", &[])], hours: "Vardagar 16.30–01.00, helger dygnet runt", title: "Socialsekreterare", connect: Connect::ViaFunction, ..S },
    Spec { id: "ALF", kind: ADM, name: "Äldreförvaltningen", board: "AEN", address: STADSHUSET, hours: OFFICE_HOURS, block: 37, title: "Förvaltningschef", ..S },
    Spec { id: "ALF-OMB", parent: "ALF", name: "Äldreombudsmannen", functions: &[("aldreombud", &[])], title: "Äldreombudsman", ..S },
    Spec { id: "AMF", kind: ADM, name: "Arbetsmarknadsförvaltningen", board: "ARBN", address: "Swedenborgsgatan 20", hours: OFFICE_HOURS, block: 39, staff: 0, ..S },
    Spec { id: "AMF-JT", parent: "AMF", name: "Jobbtorg Stockholm", functions: &[("jobbtorg", &[])], staff: 2, title: "Arbetsmarknadskonsulent", ..S },
    // Kultur, idrott, kyrkogårdar.
    Spec { id: "KF", kind: ADM, name: "Kulturförvaltningen", board: "KN", address: "Sergels torg 3", hours: OFFICE_HOURS, block: 31, staff: 0, ..S },
    Spec { id: "KF-SSA", parent: "KF", name: "Stadsarkivet", group: "SSA-BEST", functions: &[("arkiv", &[])], address: "Kungsklippan 6", hours: "Tisdag–torsdag 9.00–16.00", staff: 2, title: "Arkivarie", ..S },
    Spec { id: "KF-SSB", parent: "KF", name: "Stadsbiblioteket", functions: &[("bibliotek", &["Stadsbiblioteket"])], address: "Sveavägen 73", hours: "Måndag–torsdag 9.00–21.00, fredag 9.00–19.00, helger 11.00–17.00", title: "Bibliotekarie", ..S },
    Spec { id: "KF-KS", parent: "KF", name: "Kulturskolan Stockholm", functions: &[("kulturskola", &[])], title: "Kulturpedagog", ..S },
    Spec { id: "IF", kind: ADM, name: "Idrottsförvaltningen", board: "IDN", address: "Klarabergsviadukten 90", hours: OFFICE_HOURS, block: 32, staff: 0, ..S },
    Spec { id: "IF-BAD", parent: "IF", name: "Bad och anläggningar", functions: &[("bad", &[])], title: "Anläggningschef", ..S },
    Spec { id: "KYF", kind: ADM, name: "Kyrkogårdsförvaltningen", board: "KYN", address: "Skogskyrkogården, Sockenvägen 492", hours: OFFICE_HOURS, block: 30, staff: 0, ..S },
    Spec { id: "KYF-GRAV", parent: "KYF", name: "Gravrätt och gravskötsel", group: "KYF-GRAV", functions: &[("grav", &[])], staff: 2, title: "Gravrättshandläggare", ..S },
    // Fastighet, exploatering, överförmyndare, brand.
    Spec { id: "FK", kind: ADM, name: "Fastighetskontoret", board: "FN", address: STADSHUSET, hours: OFFICE_HOURS, block: 34, staff: 0, ..S },
    Spec { id: "FK-LOK", parent: "FK", name: "Lokaler och saluhallar", functions: &[("lokaler", &[])], title: "Förvaltare", ..S },
    Spec { id: "EK", kind: ADM, name: "Exploateringskontoret", board: "EXPN", address: STADSHUSET, hours: OFFICE_HOURS, block: 35, staff: 0, ..S },
    Spec { id: "EK-TOMT", parent: "EK", name: "Tomträtt och mark", functions: &[("tomtratt", &[])], title: "Markförhandlare", ..S },
    Spec { id: "OFF", kind: ADM, name: "Överförmyndarförvaltningen", board: "OFN", address: STADSHUSET, hours: OFFICE_HOURS, block: 29, staff: 0, ..S },
    Spec { id: "OFF-HANDL", parent: "OFF", name: "Handläggning god man och förvaltare", group: "OFN-HANDL", functions: &[("godman", &[])], hours: PHONE_HOURS, staff: 2, ..S },
    Spec { id: "BRF", kind: ADM, name: "Stockholms brandförsvar", board: "BRN", address: "Kungsholmsgatan 23", hours: OFFICE_HOURS, block: 38, staff: 0, ..S },
    Spec { id: "BRF-SOT", parent: "BRF", name: "Sotning och brandskydd", functions: &[("sotning", &[])], title: "Brandinspektör", ..S },
    // The city's companies.
    Spec { id: "SPAB-KA", parent: "SPAB", kind: DEP, name: "Kontrollavgifter", board: "SPAB", group: "SPAB-KA", functions: &[("kontrollavgift", &[])], block: 40, staff: 2, title: "Kundtjänsthandläggare", ..S },
    Spec { id: "SPAB-GAR", parent: "SPAB", kind: DEP, name: "Uthyrning av garageplatser", board: "SPAB", functions: &[("garage", &[])], block: 40, title: "Uthyrare", ..S },
    Spec { id: "BF-KUND", parent: "BF", kind: DEP, name: "Kundservice Bostadsförmedlingen", board: "BF", group: "BF-KUND", functions: &[("bostadsko", &[])], block: 41, staff: 2, title: "Kundtjänsthandläggare", ..S },
    Spec { id: "SHEM-KC", parent: "SHEM", kind: DEP, name: "Kundcenter Stockholmshem", board: "SHEM", functions: &[("shem", &[])], block: 42, title: "Kundtjänsthandläggare", ..S },
    Spec { id: "SVB-KC", parent: "SVB", kind: DEP, name: "Kundcenter Svenska Bostäder", board: "SVB", functions: &[("svb", &[])], block: 43, title: "Kundtjänsthandläggare", ..S },
    Spec { id: "FAB-LOK", parent: "FAB", kind: DEP, name: "Lokaluthyrning Familjebostäder", board: "FAB", functions: &[("lokal", &[])], block: 44, title: "Uthyrare", ..S },
    Spec { id: "SISAB-FEL", parent: "SISAB", kind: DEP, name: "Felanmälan SISAB", board: "SISAB", functions: &[("skolfastighet", &[])], block: 45, hours: "Dygnet runt", title: "Driftledare", ..S },
    Spec { id: "SVAB-KS", parent: "SVAB", kind: DEP, name: "Kundservice Stockholm Vatten", board: "SVAB", functions: &[("vatten", &[])], block: 46, title: "Kundtjänsthandläggare", ..S },
    Spec { id: "SBR-LOTS", parent: "SBR", kind: DEP, name: "Företagslotsen", board: "SBR", functions: &[("lots", &[])], block: 47, title: "Företagslots", ..S },
];

/// The units of every district administration (relative ids).
#[rustfmt::skip]
const DISTRICT_UNITS: &[Spec] = &[
    Spec { id: "FSK", kind: DEP, name: "Förskoleavdelningen", staff: 0, ..S },
    Spec { id: "FSK-KO", parent: "FSK", name: "Förskoleplatser och kö", group: "FSK-KO", functions: &[("forskoleplats", &[])], hours: PHONE_HOURS, title: "Förskolehandläggare", ..S },
    Spec { id: "FSK-OPPEN", parent: "FSK", name: "Öppna förskolan", functions: &[("oppen-forskola", &[])], hours: "Måndag–fredag 9.00–15.00", title: "Förskollärare", ..S },
    Spec { id: "ALD", kind: DEP, name: "Äldreomsorgsavdelningen", staff: 0, ..S },
    Spec { id: "ALD-BIST", parent: "ALD", name: "Biståndsenheten äldre", group: "BIST", functions: &[("bistand", &[])], title: "Biståndshandläggare", connect: Connect::ViaFunction, ..S },
    Spec { id: "IFO", kind: DEP, name: "Individ- och familjeomsorg", staff: 0, ..S },
    Spec { id: "IFO-MOT", parent: "IFO", name: "Mottagningen vuxna", group: "SOC", functions: &[("ekonomiskt-bistand", &[])], hours: "Telefontid måndag–fredag 8.30–10.00", title: "Socialsekreterare", connect: Connect::ViaFunction, ..S },
    Spec { id: "IFO-BU", parent: "IFO", name: "Barn och ungdom", functions: &[("barn-unga", &[])], title: "Socialsekreterare", connect: Connect::ViaFunction, ..S },
    Spec { id: "IFO-LSS", parent: "IFO", name: "Enheten för funktionsnedsättning", group: "LSS", functions: &[("lss", &[])], title: "LSS-handläggare", ..S },
    Spec { id: "STM", name: "Stadsmiljö och parker", group: "STM", functions: &[("park", &[])], title: "Parkingenjör", ..S },
    Spec { id: "ADM", kind: DEP, name: "Administrativa avdelningen", functions: &[("registratur", &[])], public: false, title: "Registrator", ..S },
];

/// What each district administration adds: its number series and
/// address, what its residents call the preschool's open activities, home
/// help and their parks, and its citizen office, if it has one.
struct Local {
    district: &'static str,
    block: u32,
    address: &'static str,
    open_preschool: &'static [&'static str],
    preschool: &'static [&'static str],
    elderly: &'static [&'static str],
    parks: &'static [&'static str],
    citizen_office: &'static str,
}

#[rustfmt::skip]
const LOCAL: &[Local] = &[
    Local { district: "rinkeby-kista", block: 51, address: "Kista allé 2", open_preschool: &["familjecentral", "familjecentralen Rinkeby"], preschool: &["dagis", "barnomsorg"], elderly: &["hemtjänst", "äldreboende"], parks: &["Järvafältet", "lekplats"], citizen_office: "Medborgarkontoret Rinkeby" },
    Local { district: "spanga-tensta", block: 52, address: "Tensta allé 8", open_preschool: &["familjecentral"], preschool: &["dagis", "förskola"], elderly: &["hemtjänst", "dagverksamhet"], parks: &["Järvafältet", "Spånga by"], citizen_office: "Medborgarkontoret Tensta" },
    Local { district: "hasselby-vallingby", block: 53, address: "Vällingbyplan 2", open_preschool: &["öppna förskolan", "familjecentral"], preschool: &["förskola", "barnomsorg"], elderly: &["hemtjänst", "servicehus"], parks: &["Grimstaskogen", "Hässelby strand"], citizen_office: "Medborgarkontoret Vällingby" },
    Local { district: "bromma", block: 54, address: "Tunnlandsvägen 3", open_preschool: &["öppna förskolan", "lekis"], preschool: &["förskola", "förskoleplats"], elderly: &["hemtjänst", "äldreboende", "anhörigstöd"], parks: &["Judarskogen", "Kyrkviken"], citizen_office: "" },
    Local { district: "kungsholmen", block: 55, address: "Lindhagensgatan 74", open_preschool: &["öppna förskolan"], preschool: &["förskola", "dagis"], elderly: &["hemtjänst", "servicehus"], parks: &["Rålambshovsparken", "Kronobergsparken"], citizen_office: "" },
    Local { district: "norrmalm", block: 56, address: "Rådmansgatan 40", open_preschool: &["öppna förskolan", "föräldracafé"], preschool: &["förskola", "dagis"], elderly: &["hemtjänst", "servicehus"], parks: &["Vasaparken", "Observatorielunden"], citizen_office: "" },
    Local { district: "ostermalm", block: 57, address: "Karlavägen 104", open_preschool: &["öppna förskolan"], preschool: &["förskola"], elderly: &["hemtjänst", "äldreboende"], parks: &["Humlegården", "Gärdet"], citizen_office: "" },
    Local { district: "sodermalm", block: 58, address: "Medborgarplatsen 3", open_preschool: &["öppna förskolan", "familjecentralen"], preschool: &["dagiskö", "dagis"], elderly: &["hemtjänst", "äldreboende"], parks: &["Tantolunden", "Vitabergsparken"], citizen_office: "" },
    Local { district: "enskede-arsta-vantor", block: 59, address: "Sockenvägen 290", open_preschool: &["familjecentral"], preschool: &["förskola", "barnomsorg"], elderly: &["hemtjänst", "dagverksamhet"], parks: &["Årstaskogen", "Nyckelviken"], citizen_office: "Medborgarkontoret Rågsved" },
    Local { district: "skarpnack", block: 60, address: "Skarpnäcks allé 55", open_preschool: &["öppna förskolan"], preschool: &["förskola"], elderly: &["hemtjänst"], parks: &["Nackareservatet", "Flatenbadet"], citizen_office: "" },
    Local { district: "farsta", block: 61, address: "Farsta gårdsväg 1", open_preschool: &["familjecentral"], preschool: &["förskola", "dagis"], elderly: &["hemtjänst", "dagverksamhet"], parks: &["Farstanäset", "Magelungen"], citizen_office: "" },
    Local { district: "alvsjo", block: 62, address: "Götalandsvägen 214", open_preschool: &["öppna förskolan"], preschool: &["förskola"], elderly: &["hemtjänst", "äldreboende"], parks: &["Älvsjöskogen", "Långsjön"], citizen_office: "" },
    Local { district: "hagersten-liljeholmen", block: 63, address: "Liljeholmstorget 7", open_preschool: &["öppna förskolan", "familjecentral"], preschool: &["förskola", "dagis"], elderly: &["hemtjänst", "servicehus"], parks: &["Aspudden", "Trekanten"], citizen_office: "" },
    Local { district: "skarholmen", block: 64, address: "Skärholmsplan 3", open_preschool: &["familjecentral", "öppna förskolan"], preschool: &["dagis", "barnomsorg"], elderly: &["hemtjänst", "äldreboende"], parks: &["Sätraskogen", "Vårbergstoppen"], citizen_office: "Medborgarkontoret Skärholmen" },
];

/// Named people the demo refers to: id, given and family name, title, unit,
/// languages.
type NamedRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

#[rustfmt::skip]
const NAMED: &[NamedRow] = &[
    ("104711", "Greta", "Stjärnhielm", "Bygglovshandläggare", "SBK-BL-VO", &["sv", "en", "de"]),
    ("104712", "Jonas", "Wennerholm", "Bygglovshandläggare", "SBK-BL-VO", &["sv", "en"]),
    ("104713", "Anna-Karin", "Lindholm-Persson", "Enhetschef", "TK-PT-IN", &["sv", "en"]),
];

/// The person the demo marks as away (a building permit officer in
/// Västerort) and the colleague who stands in.
pub fn demo_absence_subject() -> (&'static str, &'static str) {
    ("104711", "104712")
}

/// The e-mail domain of a board's staff: the companies have their own.
fn domain(board: &str) -> &'static str {
    match board {
        "SPAB" => "stockholmparkering.se",
        "BF" => "bostad.stockholm.se",
        "SHEM" => "stockholmshem.se",
        "SVB" => "svenskabostader.se",
        "FAB" => "familjebostader.com",
        "SISAB" => "sisab.se",
        "SVAB" => "stockholmvatten.se",
        "SBR" => "stockholmbusinessregion.se",
        _ => "stockholm.se",
    }
}

/// The organisation being built: units, people, and their number series.
struct Org<'a> {
    catalog: &'a Catalog,
    rng: ChaCha8Rng,
    units: Vec<Unit>,
    index: HashMap<String, usize>,
    block_of: HashMap<String, u32>,
    next_unit_number: HashMap<u32, u32>,
    next_direct: HashMap<u32, u32>,
    people: Vec<Person>,
    next_id: u32,
    mail: Mailboxes,
}

impl Org<'_> {
    fn unit(&self, id: &str) -> Option<&Unit> {
        self.index.get(id).map(|&i| &self.units[i])
    }

    /// Adds a unit: board, address and hours as its parent's unless its
    /// own, a number from its series, a functional mailbox.
    fn add(&mut self, mut u: Unit, block: u32, phone: &str) {
        let parent = u.parent.as_deref().and_then(|p| self.unit(p)).cloned();
        if let Some(p) = &parent {
            u.board = u.board.or(p.board.clone());
            u.visiting_address = u.visiting_address.or(p.visiting_address.clone());
            u.opening_hours = u.opening_hours.or(p.opening_hours.clone());
        }
        let block = if block > 0 {
            block
        } else {
            parent
                .as_ref()
                .and_then(|p| self.block_of.get(&p.id).copied())
                .unwrap_or(0)
        };
        // A unit with a number of its own (the city's, Äldre Direkt's)
        // still takes its place in the series.
        let next = self.next_unit_number.entry(block).or_default();
        let n = *next;
        *next += 10;
        u.phone = if phone.is_empty() && block > 0 {
            city_number(block * 1000 + n)
        } else {
            number(phone)
        };
        if u.mailbox.is_none() && u.kind != UnitKind::Board && u.kind != UnitKind::Company {
            // A district's unit: "bistandsenheten.aldre.farsta@…", unless
            // its name says where it is.
            let name = fold(&u.name);
            let district = match u.districts.as_slice() {
                [d] => self
                    .catalog
                    .district(d)
                    .filter(|d| {
                        !std::iter::once(&d.name)
                            .chain(&d.aliases)
                            .any(|w| name.contains(&fold(w)))
                    })
                    .map(|d| format!(".{}", fold(&d.name)))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            let local = format!("{name}{district}");
            u.mailbox = self
                .mail
                .address(&local, domain(u.board.as_deref().unwrap_or_default()));
        }
        self.block_of.insert(u.id.clone(), block);
        self.index.insert(u.id.clone(), self.units.len());
        self.units.push(u);
    }

    fn next_id(&mut self) -> String {
        self.next_id += 1;
        self.next_id.to_string()
    }

    /// Adds a person to a unit, with a direct number from its series.
    fn person(
        &mut self,
        id: String,
        (given, family): (&str, &str),
        title: &str,
        unit: &str,
        langs: &[&str],
        connect: Connect,
    ) {
        let block = self.block_of.get(unit).copied().unwrap_or(0);
        let next = self.next_direct.entry(block).or_insert(500);
        let direct = city_number(block * 1000 + *next);
        *next += 1;
        let board = self
            .unit(unit)
            .and_then(|u| u.board.clone())
            .unwrap_or_default();
        let competences = self
            .unit(unit)
            .map(|u| u.functions.iter().take(2).map(|f| f.name.clone()).collect())
            .unwrap_or_default();
        let mobile = if self.rng.gen_bool(0.3) {
            mobile(&mut self.rng)
        } else {
            None
        };
        let email = self.mail.person(given, family, domain(&board));
        self.people.push(Person {
            id,
            given_name: given.to_owned(),
            family_name: family.to_owned(),
            title: Some(title.to_owned()).filter(|t| !t.is_empty()),
            units: vec![unit.to_owned()],
            direct_phone: direct,
            mobile,
            email,
            languages: languages(langs),
            competences,
            connect,
            account: None,
        });
    }

    /// `count` people drawn from the name lists; the first of a unit with
    /// several is its head.
    fn staff(&mut self, unit: &str, count: usize, title: &str, connect: Connect) {
        let kind = self.unit(unit).map(|u| u.kind);
        for i in 0..count {
            let (given, family, langs) = draw_name(&mut self.rng, false);
            let (title, connect) = match (i, kind) {
                (0, Some(UnitKind::Unit)) if count > 1 => ("Enhetschef", Connect::Direct),
                _ => (title, connect),
            };
            let id = self.next_id();
            self.person(id, (&given, &family), title, unit, &langs, connect);
        }
    }

    /// A unit from its spec (added with `add`).
    fn build(s: &Spec, id: &str, parent: &str, group: Option<String>) -> Unit {
        let mut u = new_unit(id, s.name, s.kind, Some(parent));
        u.board = Some(s.board.to_owned()).filter(|b| !b.is_empty());
        u.group = group;
        u.districts = strings(s.districts);
        u.functions = s
            .functions
            .iter()
            .filter_map(|(key, extra)| function(key, extra))
            .collect();
        u.visiting_address = Some(s.address.to_owned()).filter(|a| !a.is_empty());
        u.opening_hours = Some(s.hours.to_owned()).filter(|h| !h.is_empty());
        u.public = s.public;
        u
    }
}

/// What the officers of a unit are called (not its head).
fn officer_title(unit: &str) -> &'static str {
    SPECS
        .iter()
        .find(|s| s.id == unit)
        .or_else(|| {
            DISTRICT_UNITS
                .iter()
                .find(|s| unit.starts_with("SDF-") && unit.ends_with(&format!("-{}", s.id)))
        })
        .map(|s| s.title)
        .filter(|t| !t.contains("chef") && !t.contains("direktör"))
        .unwrap_or("Handläggare")
}

/// The answer groups' units at Kontaktcenter Stockholm (and the Bromma
/// contact centre's), from the catalog: each does what its case types are
/// about, and callers name it by their synonyms.
fn answer_units(org: &mut Org<'_>) {
    let catalog = org.catalog;
    for g in &catalog.groups {
        let GroupKind::Answer { centre, .. } = &g.kind else {
            continue;
        };
        let (parent, name) = match centre.as_str() {
            "KCS" if g.code == "VXL" => ("KCS", "Växeln".to_owned()),
            "KCS" => ("KCS", g.name_sv.clone()),
            "KCS-VO" => ("KCS-VO", g.name_sv.clone()),
            "KCS-TEK" => ("KCS-TEK", g.name_sv.clone()),
            "AD" => ("KCS-AD", g.name_sv.clone()),
            "KC-BRO" => ("SDF-BRO", format!("Kontaktcenter Bromma – {}", g.name_sv)),
            _ => ("KCS", g.name_sv.clone()),
        };
        let types: Vec<_> = catalog
            .case_types
            .iter()
            .filter(|t| t.answer_group.as_deref() == Some(g.code.as_str()))
            .collect();
        let mut areas: BTreeMap<&str, usize> = BTreeMap::new();
        for t in &types {
            *areas.entry(t.service_area.as_str()).or_default() += 1;
        }
        let area = areas
            .iter()
            .max_by_key(|(_, n)| **n)
            .map(|(a, _)| (*a).to_owned());
        let mut words: Vec<String> = types
            .iter()
            .filter_map(|t| t.synonyms.first().cloned())
            .collect();
        if g.code == "VXL" {
            words.extend(strings(&["växeln", "telefonist", "hänvisning"]));
        }
        words.dedup();
        words.truncate(12);
        let mut u = new_unit(
            &format!("KC-{}", g.code),
            &name,
            UnitKind::Unit,
            Some(parent),
        );
        u.group = Some(g.code.clone());
        let local = match g.code.as_str() {
            "VXL" => "vaxeln".to_owned(),
            _ => format!("kontaktcenter.{}", fold(&g.name_sv)),
        };
        u.mailbox = org.mail.address(&local, "stockholm.se");
        if parent == "SDF-BRO" {
            u.districts = vec!["bromma".into()];
        }
        u.functions = vec![Function {
            name: if g.code == "VXL" {
                "Växel och hänvisning".into()
            } else {
                g.name_sv.clone()
            },
            service_area: area,
            case_types: types.iter().take(8).map(|t| t.code.clone()).collect(),
            search_words: words,
        }];
        org.add(u, 0, "");
    }
}

/// A realistic demo organisation of the City of Stockholm, from the
/// catalog: every reference resolves (`Directory::new` accepts it), and
/// the catalog's staff are in the units that are their groups, with their
/// logins and languages.
pub fn stockholm(catalog: &Catalog) -> (Vec<Unit>, Vec<Person>) {
    let mut org = Org {
        catalog,
        rng: ChaCha8Rng::seed_from_u64(2008),
        units: Vec::new(),
        index: HashMap::new(),
        block_of: HashMap::new(),
        next_unit_number: HashMap::new(),
        next_direct: HashMap::new(),
        people: Vec::new(),
        next_id: 100_000,
        mail: Mailboxes::default(),
    };
    // The boards and companies.
    for b in &catalog.boards {
        let kind = if b.kind == BoardKind::Company {
            UnitKind::Company
        } else {
            UnitKind::Board
        };
        let mut u = new_unit(&b.code, &b.name_sv, kind, None);
        u.board = Some(b.code.clone());
        u.mailbox = b.email.as_deref().and_then(|e| EmailAddress::parse(e).ok());
        u.districts = catalog
            .districts
            .iter()
            .filter(|d| d.board == b.code)
            .map(|d| d.code.clone())
            .collect();
        let phone = if kind == UnitKind::Company {
            ""
        } else {
            "08-508 00 000"
        };
        let block = match b.code.as_str() {
            "SPAB" => 40,
            "BF" => 41,
            "SHEM" => 42,
            "SVB" => 43,
            "FAB" => 44,
            "SISAB" => 45,
            "SVAB" => 46,
            "SBR" => 47,
            "SHAB" => 48,
            "STOKAB" => 49,
            "STEM" => 50,
            _ => 0,
        };
        org.add(u, block, phone);
    }
    for s in SPECS {
        let parent = if s.parent.is_empty() {
            s.board
        } else {
            s.parent
        };
        let group = Some(s.group.to_owned()).filter(|g| !g.is_empty());
        let u = Org::build(s, s.id, parent, group);
        org.add(u, s.block, s.phone);
    }
    // The district administrations.
    for local in LOCAL {
        let Some(d) = catalog.district(local.district) else {
            continue;
        };
        let short = d.board.trim_start_matches("SDN-");
        let admin = format!("SDF-{short}");
        let name = catalog
            .board(&d.board)
            .map(|b| b.name_sv.replace("stadsdelsnämnd", "stadsdelsförvaltning"))
            .unwrap_or_else(|| format!("{} stadsdelsförvaltning", d.name));
        let mut u = new_unit(&admin, &name, UnitKind::Administration, Some(&d.board));
        u.districts = vec![d.code.clone()];
        u.visiting_address = Some(local.address.to_owned());
        u.opening_hours = Some(OFFICE_HOURS.to_owned());
        u.mailbox = EmailAddress::parse(&format!("{}@stockholm.se", d.code)).ok();
        org.add(u, local.block, "");
        for s in DISTRICT_UNITS {
            let id = format!("{admin}-{}", s.id);
            let parent = if s.parent.is_empty() {
                admin.clone()
            } else {
                format!("{admin}-{}", s.parent)
            };
            let group = Some(format!("{}-{short}", s.group))
                .filter(|g| !s.group.is_empty() && catalog.group(g).is_some());
            let mut u = Org::build(s, &id, &parent, group);
            u.districts = vec![d.code.clone()];
            if s.id == "FSK-OPPEN" && local.open_preschool.first() == Some(&"familjecentral") {
                u.name = "Familjecentralen".into();
            }
            let extra: &[&str] = match s.id {
                "FSK-KO" => local.preschool,
                "FSK-OPPEN" => local.open_preschool,
                "ALD-BIST" => local.elderly,
                "STM" => local.parks,
                _ => &[],
            };
            if let Some(f) = u.functions.first_mut() {
                for w in extra {
                    if !f.search_words.iter().any(|x| x == w) {
                        f.search_words.push((*w).to_owned());
                    }
                }
            }
            org.add(u, s.block, s.phone);
        }
        if !local.citizen_office.is_empty() {
            let spec = Spec {
                name: local.citizen_office,
                functions: &[("medborgarkontor", &[])],
                hours: "Måndag–torsdag 9.00–17.00, fredag 9.00–15.00",
                title: "Medborgarvägledare",
                ..S
            };
            let mut u = Org::build(&spec, &format!("{admin}-MBK"), &admin, None);
            u.districts = vec![d.code.clone()];
            org.add(u, 0, "");
        }
    }
    answer_units(&mut org);

    // People: the named ones, the catalog's staff, then each unit's.
    for (id, given, family, title, unit, langs) in NAMED {
        if org.unit(unit).is_some() {
            org.person(
                (*id).to_owned(),
                (given, family),
                title,
                unit,
                langs,
                Connect::Direct,
            );
        }
    }
    for s in &catalog.staff {
        let Some(unit) = s.groups.iter().find_map(|g| {
            org.units
                .iter()
                .find(|u| u.group.as_deref() == Some(g.as_str()))
                .map(|u| u.id.clone())
        }) else {
            continue;
        };
        let answer = org
            .unit(&unit)
            .and_then(|u| u.group.as_deref())
            .and_then(|g| catalog.group(g))
            .map(|g| matches!(g.kind, GroupKind::Answer { .. }))
            .unwrap_or(false);
        let title = match (answer, unit.as_str()) {
            (true, "KC-VXL") => "Växeltelefonist",
            (true, _) => "Kontaktcenterhandläggare",
            (false, "SF-REG") => "Registrator",
            (false, "SF-EKADM") => "Ekonomiassistent",
            (false, id) => officer_title(id),
        };
        let (given, family) = s.name.split_once(' ').unwrap_or((&s.name, ""));
        let langs: Vec<&str> = s.languages.iter().map(String::as_str).collect();
        let connect = if answer {
            Connect::ViaFunction
        } else {
            Connect::Direct
        };
        let id = org.next_id();
        org.person(id, (given, family), title, &unit, &langs, connect);
        if let Some(p) = org.people.last_mut() {
            p.account = Some(s.id.clone());
            // A competence naming an answer group is a queue skill: the
            // catalog's groups, so the directory agrees with it.
            p.competences = s
                .groups
                .iter()
                .filter_map(|g| catalog.group(g).map(|g| g.name_sv.clone()))
                .collect();
        }
    }
    let with_staff: Vec<(String, Spec)> = SPECS
        .iter()
        .map(|s| (s.id.to_owned(), *s))
        .chain(LOCAL.iter().filter_map(|l| {
            let d = catalog.district(l.district)?;
            let admin = format!("SDF-{}", d.board.trim_start_matches("SDN-"));
            let head = Spec {
                kind: ADM,
                title: "Stadsdelsdirektör",
                ..S
            };
            Some((admin, head))
        }))
        .collect();
    for (id, s) in &with_staff {
        org.staff(id, s.staff, s.title, s.connect);
    }
    for l in LOCAL {
        let Some(d) = catalog.district(l.district) else {
            continue;
        };
        let admin = format!("SDF-{}", d.board.trim_start_matches("SDN-"));
        for s in DISTRICT_UNITS {
            org.staff(&format!("{admin}-{}", s.id), s.staff, s.title, s.connect);
        }
        if !l.citizen_office.is_empty() {
            org.staff(
                &format!("{admin}-MBK"),
                1,
                "Medborgarvägledare",
                Connect::Direct,
            );
        }
    }
    (org.units, org.people)
}

// ---------------------------------------------------------------------------
// The HR export example

/// A staff export from the HR system (semicolon separated, as Swedish
/// spreadsheet programs write it) of these people, with two starters, two
/// leavers, one person moved to another unit and one new direct number:
/// what the import's preview should show.
pub fn hr_export_example(units: &[Unit], people: &[Person]) -> String {
    let named: HashSet<&str> = NAMED.iter().map(|n| n.0).collect();
    let plain: Vec<usize> = people
        .iter()
        .enumerate()
        .filter(|(_, p)| p.account.is_none() && !named.contains(p.id.as_str()))
        .map(|(i, _)| i)
        .collect();
    let pick = |n: usize| plain.get(plain.len().saturating_sub(1 + n * 7)).copied();
    let (leavers, moved, changed) = ([pick(0), pick(1)], pick(2), pick(3));
    let mut rows: Vec<Person> = people
        .iter()
        .enumerate()
        .filter(|(i, _)| !leavers.contains(&Some(*i)))
        .map(|(_, p)| p.clone())
        .collect();
    let unit_ids: Vec<&str> = units
        .iter()
        .filter(|u| u.kind == UnitKind::Unit)
        .map(|u| u.id.as_str())
        .collect();
    if let Some(p) = moved.and_then(|i| rows.iter_mut().find(|p| p.id == people[i].id)) {
        if let Some(other) = unit_ids.iter().find(|u| !p.units.iter().any(|x| x == *u)) {
            p.units = vec![(*other).to_owned()];
        }
    }
    if let Some(p) = changed.and_then(|i| rows.iter_mut().find(|p| p.id == people[i].id)) {
        p.direct_phone = number("08-508 19 999");
    }
    let home = units
        .iter()
        .find(|u| u.id == "SBK-BL-VO")
        .or_else(|| units.iter().find(|u| u.kind == UnitKind::Unit))
        .map(|u| u.id.clone())
        .unwrap_or_default();
    for (id, given, family, title, langs) in [
        (
            "109001",
            "Saga",
            "Lindén",
            "Bygglovshandläggare",
            &["sv", "en"][..],
        ),
        (
            "109002",
            "Yusuf",
            "Abdirahman",
            "Bygglovsarkitekt",
            &["sv", "so", "en"][..],
        ),
    ] {
        rows.push(Person {
            id: id.into(),
            given_name: given.into(),
            family_name: family.into(),
            title: Some(title.into()),
            units: vec![home.clone()],
            direct_phone: None,
            mobile: None,
            email: EmailAddress::parse(&format!("{}.{}@stockholm.se", fold(given), fold(family)))
                .ok(),
            languages: languages(langs),
            competences: Vec::new(),
            connect: Connect::Direct,
            account: None,
        });
    }
    let mut out = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let header = [
        "anstallningsnummer",
        "fornamn",
        "efternamn",
        "titel",
        "enhet",
        "direktnummer",
        "mobil",
        "epost",
        "sprak",
    ];
    let mut ok = out.write_record(header).is_ok();
    for p in &rows {
        let record = [
            p.id.clone(),
            p.given_name.clone(),
            p.family_name.clone(),
            p.title.clone().unwrap_or_default(),
            p.units.join(","),
            p.direct_phone
                .as_ref()
                .map(PhoneNumber::national)
                .unwrap_or_default(),
            p.mobile
                .as_ref()
                .map(PhoneNumber::national)
                .unwrap_or_default(),
            p.email
                .as_ref()
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default(),
            p.languages
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(","),
        ];
        ok &= out.write_record(&record).is_ok();
    }
    let bytes = out.into_inner().unwrap_or_default();
    if ok {
        String::from_utf8(bytes).unwrap_or_default()
    } else {
        String::new()
    }
}

// ---------------------------------------------------------------------------
// The synthetic city

/// What departments of an area are called, their units (`{place}`,
/// `{region}`, `{nature}`, `{street}`, `{n}`) and their staff's titles.
struct Area {
    code: &'static str,
    function: &'static str,
    department: &'static str,
    units: &'static [&'static str],
    titles: &'static [&'static str],
    words: &'static [&'static str],
}

#[rustfmt::skip]
const AREAS: &[Area] = &[
    Area { code: "preschool", function: "Förskola", department: "Förskoleavdelningen", units: &["Förskolan {nature}", "Förskolan {nature}", "Förskolan {nature}", "Öppna förskolan {place}", "Familjecentralen {place}"], titles: &["Förskollärare", "Barnskötare", "Förskollärare", "Barnskötare", "Kock"], words: &["dagis", "förskola", "familjecentral", "öppna förskolan"] },
    Area { code: "elderly", function: "Hemtjänst och äldreboende", department: "Äldreomsorg", units: &["Hemtjänsten {place}", "{place} vård- och omsorgsboende", "Biståndsenheten {place}", "Dagverksamhet {place}"], titles: &["Undersköterska", "Vårdbiträde", "Biståndshandläggare", "Sjuksköterska"], words: &["hemtjänst", "äldreboende", "servicehus"] },
    Area { code: "disability", function: "Stöd enligt LSS", department: "Stöd och service", units: &["Gruppbostad {street}", "Daglig verksamhet {place}", "Korttidsboende {place}"], titles: &["Boendestödjare", "Stödassistent", "LSS-handläggare"], words: &["LSS", "gruppbostad", "daglig verksamhet"] },
    Area { code: "social", function: "Socialtjänst", department: "Individ- och familjeomsorg", units: &["Mottagningen {place}", "Barn och unga {place}", "Vuxenenheten {place}"], titles: &["Socialsekreterare", "Socialsekreterare", "Familjebehandlare"], words: &["socialtjänsten", "soc", "försörjningsstöd"] },
    Area { code: "parks", function: "Parker och lekplatser", department: "Stadsmiljö", units: &["Parkenheten {place}", "Lekplatser {place}"], titles: &["Parkingenjör", "Parkarbetare"], words: &["park", "lekplats"] },
    Area { code: "education", function: "Grundskola och fritidshem", department: "Grundskoleavdelningen", units: &["{place}skolan", "Fritidshemmet {nature}", "{place} gymnasium"], titles: &["Lärare", "Lärare", "Fritidspedagog", "Skolsköterska", "Kurator"], words: &["skola", "fritids"] },
    Area { code: "labour", function: "Jobbtorg", department: "Jobbtorg", units: &["Jobbtorg {place}"], titles: &["Arbetsmarknadskonsulent", "Jobbcoach"], words: &["jobbtorg", "praktik"] },
    Area { code: "waste", function: "Sophämtning", department: "Avfall", units: &["Avfallsinsamling {region} {n}"], titles: &["Renhållningsinspektör", "Kundtjänsthandläggare"], words: &["sophämtning", "tömning"] },
    Area { code: "parking", function: "Parkeringstillstånd", department: "Parkering", units: &["Parkeringstillstånd {region} {n}", "Parkeringsövervakning {region} {n}"], titles: &["Parkeringshandläggare", "Parkeringsvakt"], words: &["p-tillstånd", "boendeparkering"] },
    Area { code: "building", function: "Bygglov", department: "Bygglovavdelningen", units: &["Bygglovsenheten {region} {n}"], titles: &["Bygglovshandläggare", "Bygglovsarkitekt", "Byggnadsinspektör"], words: &["bygglov", "attefallshus", "friggebod"] },
    Area { code: "environment", function: "Miljö- och livsmedelstillsyn", department: "Miljötillsyn", units: &["Miljöinspektörerna {region} {n}", "Livsmedelskontroll {region} {n}"], titles: &["Miljöinspektör", "Livsmedelsinspektör"], words: &["buller", "mögel", "restaurang"] },
    Area { code: "streets", function: "Gator och trafik", department: "Gata och trafik", units: &["Gatudrift {region} {n}", "Trafikplanering {region} {n}"], titles: &["Trafikplanerare", "Gatuingenjör"], words: &["snöröjning", "potthål"] },
    Area { code: "culture", function: "Bibliotek och kulturskola", department: "Kultur", units: &["{place} bibliotek", "Kulturskolan {place}"], titles: &["Bibliotekarie", "Kulturpedagog"], words: &["bibliotek", "kulturskola"] },
    Area { code: "sport", function: "Bad och idrott", department: "Idrott", units: &["{place} sim- och idrottshall", "{place} IP"], titles: &["Badmästare", "Anläggningsskötare"], words: &["simhall", "idrottshall"] },
    Area { code: "cemeteries", function: "Begravningsplatser och gravrätt", department: "Kyrkogårdar", units: &["{place} begravningsplats"], titles: &["Kyrkogårdsarbetare", "Gravrättshandläggare"], words: &["grav", "gravrätt"] },
    Area { code: "housing", function: "Hyresgästservice", department: "Bostäder", units: &["Kundcenter {place}", "Bovärdar {place}"], titles: &["Bovärd", "Uthyrare"], words: &["lägenhet", "hyresgäst"] },
    Area { code: "referral", function: "Medborgarkontor", department: "Medborgarservice", units: &["Medborgarkontoret {place}"], titles: &["Medborgarvägledare"], words: &["medborgarkontor"] },
];

/// Internal departments: no function for residents, not public.
const INTERNAL: Area = Area {
    code: "",
    function: "",
    department: "Administrativa avdelningen",
    units: &["Ekonomi {n}", "HR {n}", "IT-stöd {n}", "Registraturen {n}"],
    titles: &["Ekonom", "HR-specialist", "IT-tekniker", "Registrator"],
    words: &[],
};

#[rustfmt::skip]
const NATURE: &[&str] = &[
    "Solrosen", "Humlan", "Ekorren", "Blåklockan", "Lärkan", "Trollet", "Myran", "Tallkotten",
    "Regnbågen", "Stjärnan", "Lingonet", "Snäckan", "Månen", "Björnen", "Ugglan", "Vitsippan",
    "Fjärilen", "Kastanjen", "Äppelgården", "Pärlan", "Nyckelpigan", "Igelkotten",
];

#[rustfmt::skip]
const STREETS: &[&str] = &[
    "Götgatan", "Hornsgatan", "Sveavägen", "Fleminggatan", "Rinkebystråket", "Vällingbyplan",
    "Skärholmsvägen", "Farsta gårdsväg", "Bergsgatan", "Ringvägen", "Tensta allé", "Årstavägen",
    "Bromma kyrkväg", "Karlavägen", "Kungsholmsgatan", "Skarpnäcks allé", "Sockenvägen",
    "Huddingevägen",
];

#[rustfmt::skip]
const REGIONS: &[(&str, &[&str])] = &[("Innerstaden", INNER), ("Söderort", SOUTH), ("Västerort", WEST)];

/// A synthetic city-scale directory for the benchmark: the catalog's
/// boards and companies, an administration for each, departments by the
/// areas each board answers for, and units four levels down (at least
/// two units per board whatever `units` says); `people` staff with names
/// as common as they are in Stockholm, heads first. Deterministic for a
/// seed, and accepted by `Directory::new`.
pub fn synthetic(
    catalog: &Catalog,
    units: usize,
    people: usize,
    seed: u64,
) -> (Vec<Unit>, Vec<Person>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out: Vec<Unit> = Vec::with_capacity(units);
    // Level 1 and 2: boards and their administrations, with the areas
    // each answers for.
    let mut admins: Vec<(usize, Vec<&Area>, Option<&str>, u32)> = Vec::new();
    for (i, b) in catalog.boards.iter().enumerate() {
        let kind = if b.kind == BoardKind::Company {
            UnitKind::Company
        } else {
            UnitKind::Board
        };
        let mut top = new_unit(&b.code, &b.name_sv, kind, None);
        top.board = Some(b.code.clone());
        top.phone = city_number(0);
        let district = catalog.districts.iter().find(|d| d.board == b.code);
        let (name, areas, weight): (String, Vec<&Area>, u32) = match (b.kind, district) {
            (BoardKind::District, Some(_)) => (
                b.name_sv.replace("stadsdelsnämnd", "stadsdelsförvaltning"),
                [
                    "preschool",
                    "elderly",
                    "social",
                    "disability",
                    "parks",
                    "referral",
                ]
                .iter()
                .filter_map(|c| AREAS.iter().find(|a| a.code == *c))
                .collect(),
                4,
            ),
            _ => {
                let mut codes: Vec<&str> = catalog
                    .case_types
                    .iter()
                    .filter(|t| matches!(&t.responsible, Responsible::Board(x) if x == &b.code))
                    .map(|t| t.service_area.as_str())
                    .collect();
                codes.sort_unstable();
                codes.dedup();
                let mut areas: Vec<&Area> = codes
                    .iter()
                    .filter_map(|c| AREAS.iter().find(|a| a.code == *c))
                    .collect();
                if areas.is_empty() {
                    areas.push(&AREAS[AREAS.len() - 1]);
                }
                let (name, weight) = if kind == UnitKind::Company {
                    (format!("{} – verksamheten", b.name_sv), 1)
                } else {
                    (format!("{} – förvaltningen", b.name_sv), 2)
                };
                (name, areas, weight)
            }
        };
        top.districts = district.map(|d| vec![d.code.clone()]).unwrap_or_default();
        out.push(top);
        let mut admin = new_unit(
            &format!("A{i:02}"),
            &name,
            UnitKind::Administration,
            Some(&b.code),
        );
        admin.board = Some(b.code.clone());
        admin.districts = district.map(|d| vec![d.code.clone()]).unwrap_or_default();
        admin.visiting_address = Some(format!("{} {}", STREETS[i % STREETS.len()], 1 + i));
        admin.opening_hours = Some(OFFICE_HOURS.into());
        admins.push((out.len(), areas, district.map(|d| d.code.as_str()), weight));
        out.push(admin);
    }
    // Level 3: departments, more for the districts (shares by weight,
    // rounded so they add up); level 4: units.
    let rest = units.saturating_sub(out.len());
    let departments = (rest / 12).max(admins.len()).min(rest);
    let total_weight: usize = admins.iter().map(|a| a.3 as usize).sum::<usize>().max(1);
    let mut level3: Vec<(usize, &Area, Option<&str>)> = Vec::new();
    let mut level4: Vec<usize> = Vec::new();
    let mut cumulative = 0;
    for (admin, areas, district, weight) in &admins {
        let before = departments * cumulative / total_weight;
        cumulative += *weight as usize;
        let share = departments * cumulative / total_weight - before;
        for k in 0..share {
            // Every administration has an internal department.
            let area = if k % 7 == 6 {
                &INTERNAL
            } else {
                areas[k % areas.len()]
            };
            let parent = &out[*admin];
            let mut dep = new_unit(
                &format!("{}-{k:02}", parent.id),
                area.department,
                UnitKind::Department,
                Some(&parent.id),
            );
            dep.board = parent.board.clone();
            dep.districts = parent.districts.clone();
            dep.visiting_address = parent.visiting_address.clone();
            dep.opening_hours = parent.opening_hours.clone();
            dep.phone = city_number((out.len() * 10) as u32);
            dep.public = !area.code.is_empty();
            level3.push((out.len(), area, *district));
            out.push(dep);
        }
    }
    let leaves = units.saturating_sub(out.len());
    for k in 0..leaves {
        let Some(&(dep, area, district)) = level3.get(k % level3.len().max(1)) else {
            break;
        };
        let n = k / level3.len().max(1) + 1;
        let parent = out[dep].clone();
        let pattern = area.units[rng.gen_range(0..area.units.len())];
        let d = match district {
            Some(code) => catalog.district(code),
            None => catalog
                .districts
                .get(rng.gen_range(0..catalog.districts.len())),
        };
        let place: String = d
            .map(|d| -> String {
                let i = rng.gen_range(0..=d.aliases.len());
                // Aliases may be written in lower case ("söderort").
                capitalised(d.aliases.get(i).unwrap_or(&d.name))
            })
            .unwrap_or_default();
        let (region, region_districts) = REGIONS[rng.gen_range(0..REGIONS.len())];
        let name = pattern
            .replace("{place}", &place)
            .replace("{region}", region)
            .replace("{nature}", NATURE[rng.gen_range(0..NATURE.len())])
            .replace("{street}", STREETS[rng.gen_range(0..STREETS.len())])
            .replace("{n}", &n.to_string());
        let mut u = new_unit(
            &format!("{}-{n:03}", parent.id),
            &name,
            UnitKind::Unit,
            Some(&parent.id),
        );
        u.board = parent.board.clone();
        u.districts = if district.is_some() {
            parent.districts.clone()
        } else if pattern.contains("{region}") {
            strings(region_districts)
        } else if pattern.contains("{place}") {
            d.map(|d| vec![d.code.clone()]).unwrap_or_default()
        } else {
            Vec::new()
        };
        u.public = parent.public;
        if !area.code.is_empty() {
            let types: Vec<_> = catalog
                .case_types
                .iter()
                .filter(|t| t.service_area == area.code)
                .collect();
            let mut words: Vec<String> = Vec::new();
            for _ in 0..3 {
                if let Some(t) = types.get(rng.gen_range(0..types.len().max(1))) {
                    if let Some(s) = t.synonyms.get(rng.gen_range(0..t.synonyms.len().max(1))) {
                        words.push(s.clone());
                    }
                }
            }
            words.push(area.words[rng.gen_range(0..area.words.len())].to_owned());
            words.sort();
            words.dedup();
            u.functions = vec![Function {
                name: area.function.to_owned(),
                service_area: Some(area.code.to_owned()),
                case_types: types.iter().take(4).map(|t| t.code.clone()).collect(),
                search_words: words,
            }];
        }
        u.visiting_address = Some(format!(
            "{} {}",
            STREETS[rng.gen_range(0..STREETS.len())],
            rng.gen_range(1..120)
        ));
        u.opening_hours = parent.opening_hours.clone();
        u.phone = city_number((out.len() * 10) as u32);
        u.mailbox = EmailAddress::parse(&format!("{}.{}@stockholm.se", fold(&name), k)).ok();
        level4.push(out.len());
        out.push(u);
    }
    // People: heads first (administrations, departments, units), then
    // staff spread over the units.
    let mut heads: Vec<(usize, &str)> = admins.iter().map(|a| (a.0, "Förvaltningschef")).collect();
    heads.extend(level3.iter().map(|d| (d.0, "Avdelningschef")));
    heads.extend(level4.iter().map(|&u| (u, "Enhetschef")));
    let mut staff: Vec<Person> = Vec::with_capacity(people);
    let mut mail = Mailboxes::default();
    let area_of: HashMap<&str, &Area> = level3
        .iter()
        .map(|(i, a, _)| (out[*i].id.as_str(), *a))
        .collect();
    for i in 0..people {
        let (unit, title) = match heads.get(i) {
            Some(&(u, t)) => (u, t.to_owned()),
            None => {
                let Some(&u) = level4.get(rng.gen_range(0..level4.len().max(1))) else {
                    break;
                };
                let area = out[u]
                    .parent
                    .as_deref()
                    .and_then(|p| area_of.get(p))
                    .copied()
                    .unwrap_or(&INTERNAL);
                (
                    u,
                    area.titles[rng.gen_range(0..area.titles.len())].to_owned(),
                )
            }
        };
        let (given, family, langs) = draw_name(&mut rng, true);
        let u = &out[unit];
        let mut units = vec![u.id.clone()];
        if rng.gen_bool(0.05) {
            if let Some(&other) = level4.get(rng.gen_range(0..level4.len().max(1))) {
                if other != unit {
                    units.push(out[other].id.clone());
                }
            }
        }
        let competences = u
            .functions
            .first()
            .map(|f| {
                f.search_words
                    .iter()
                    .take(rng.gen_range(0..3))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let via_function = title.contains("Socialsekreterare") || rng.gen_bool(0.15);
        staff.push(Person {
            id: (200_001 + i).to_string(),
            given_name: given.clone(),
            family_name: family.clone(),
            title: Some(title),
            units,
            direct_phone: if rng.gen_bool(0.85) {
                city_number((50_000 + i) as u32)
            } else {
                None
            },
            mobile: if rng.gen_bool(0.35) {
                mobile(&mut rng)
            } else {
                None
            },
            email: if rng.gen_bool(0.97) {
                mail.person(&given, &family, "stockholm.se")
            } else {
                None
            },
            languages: languages(&langs),
            competences,
            connect: if via_function {
                Connect::ViaFunction
            } else {
                Connect::Direct
            },
            account: None,
        });
    }
    (out, staff)
}

#[cfg(test)]
mod tests {
    use kontakt_domain::directory::diff::{difference, ChangeKind};
    use kontakt_domain::directory::search::DirectoryIndex;
    use kontakt_domain::directory::{Directory, Subject};

    use super::*;

    fn catalog() -> Catalog {
        Catalog::load(
            "stockholm.toml",
            include_str!("../../../catalog/stockholm.toml"),
        )
        .expect("the demo catalog is valid")
    }

    fn demo(catalog: &Catalog) -> Directory {
        let (units, people) = stockholm(catalog);
        match Directory::new(units, people, catalog) {
            Ok(d) => d,
            Err(problems) => panic!("the demo directory has problems: {problems:#?}"),
        }
    }

    #[test]
    fn the_demo_directory_is_valid_and_complete() {
        let catalog = catalog();
        let dir = demo(&catalog);
        let people = dir.people().count();
        assert!((150..=300).contains(&people), "{people} people");
        // Every staff member of the catalog, with their login and
        // languages, in a unit that is one of their groups.
        for s in &catalog.staff {
            let p = dir
                .person_by_account(&s.id)
                .expect("every staff member is in the directory");
            let langs: Vec<&str> = p.languages.iter().map(|l| l.as_str()).collect();
            assert_eq!(langs, s.languages, "{}", s.id);
            assert!(
                p.units.iter().any(|u| dir
                    .unit(u)
                    .and_then(|u| u.group.as_ref())
                    .is_some_and(|g| s.groups.contains(g))),
                "{} is not in a unit of their groups",
                s.id
            );
        }
        // The switchboard, the administrations, the 14 districts.
        let vxl: Vec<_> = dir.units_of_group("VXL").collect();
        assert_eq!(vxl.len(), 1);
        assert_eq!(vxl[0].name, "Växeln");
        for name in [
            "Trafikkontoret",
            "Stadsbyggnadskontoret",
            "Miljöförvaltningen",
            "Socialförvaltningen",
            "Utbildningsförvaltningen",
            "Kontaktcenter Stockholm",
        ] {
            assert!(dir.units().any(|u| u.name == name), "{name}");
        }
        let districts = dir
            .units()
            .filter(|u| {
                u.kind == UnitKind::Administration && u.name.ends_with("stadsdelsförvaltning")
            })
            .count();
        assert_eq!(districts, 14);
        assert!(dir.units().any(|u| !u.public));
        assert!(dir.units().all(|u| u.phone.is_some()));
        let (away, stand_in) = demo_absence_subject();
        assert_eq!(
            dir.person(away).map(|p| p.family_name.as_str()),
            Some("Stjärnhielm")
        );
        assert!(dir.person(stand_in).is_some());
        // Deterministic.
        assert_eq!(stockholm(&catalog), stockholm(&catalog));
    }

    #[test]
    fn operators_find_the_units_by_function_and_district() {
        let catalog = catalog();
        let dir = demo(&catalog);
        let index = DirectoryIndex::build(&dir, &catalog);
        let first = |q: &str| index.search(q, 10).first().map(|h| h.subject.clone());
        assert_eq!(
            first("parkeringstillstånd söder"),
            Some(Subject::Unit("TK-PT-IN".into()))
        );
        assert_eq!(
            first("parkeringstillstånd farsta"),
            Some(Subject::Unit("TK-PT-SO".into()))
        );
        assert_eq!(
            first("bygglov Bromma"),
            Some(Subject::Unit("SBK-BL-VO".into()))
        );
        assert_eq!(first("stjärnhjelm"), Some(Subject::Person("104711".into())));
        let found = |q: &str| {
            index
                .search(q, 10)
                .iter()
                .filter_map(|h| match &h.subject {
                    Subject::Unit(id) => dir.unit(id).map(|u| u.districts.clone()),
                    Subject::Person(_) => None,
                })
                .next()
        };
        assert_eq!(
            found("familjecentral rinkeby"),
            Some(vec!["rinkeby-kista".to_owned()])
        );
        assert_eq!(
            found("öppna förskolan kungsholmen"),
            Some(vec!["kungsholmen".to_owned()])
        );
        assert_eq!(
            found("tömning hägersten").map(|d| d.len()),
            Some(SOUTH.len())
        );
    }

    #[test]
    fn the_hr_export_example_shows_two_starters_two_leavers_a_move_and_a_change() {
        let catalog = catalog();
        let dir = demo(&catalog);
        let (units, people) = stockholm(&catalog);
        let text = hr_export_example(&units, &people);
        assert!(text.starts_with(
            "anstallningsnummer;fornamn;efternamn;titel;enhet;direktnummer;mobil;epost;sprak\n"
        ));
        let file = crate::directory_import::read(text.as_bytes(), &dir).expect("the export reads");
        assert!(file.units.is_none());
        let d = difference(&dir, file.units, file.people, &catalog).expect("the export applies");
        assert_eq!(d.count(ChangeKind::Starter), 2);
        assert_eq!(d.count(ChangeKind::Leaver), 2);
        assert_eq!(d.count(ChangeKind::Moved), 1);
        assert_eq!(d.count(ChangeKind::Changed), 1);
        let changed = d
            .changes
            .iter()
            .find(|c| c.kind == ChangeKind::Changed)
            .expect("one change");
        assert_eq!(changed.fields, vec!["direct_phone"]);
    }

    #[test]
    fn the_synthetic_city_is_valid_and_as_large_as_asked() {
        let catalog = catalog();
        let (units, people) = synthetic(&catalog, 600, 3000, 7);
        assert_eq!(units.len(), 600);
        assert_eq!(people.len(), 3000);
        let again = synthetic(&catalog, 600, 3000, 7);
        assert_eq!((units.clone(), people.clone()), again);
        let dir = match Directory::new(units, people, &catalog) {
            Ok(d) => d,
            Err(problems) => panic!("{problems:#?}"),
        };
        let deepest = dir.units().map(|u| dir.ancestors(&u.id).count()).max();
        assert_eq!(deepest, Some(3), "four levels");
        assert!(dir
            .units()
            .any(|u| !u.functions.is_empty() && !u.districts.is_empty()));
    }
}
