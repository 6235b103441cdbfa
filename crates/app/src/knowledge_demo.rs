//! Articles for the demo, and synthetic ones for the benchmark.
//!
//! The demo's articles answer what the city's examples ask: a preschool
//! place, when the bin is emptied (city-wide and in Farsta), the
//! recycling centre in Skärholmen, residents' parking, plus an agents-only
//! script and one article past its review date, so the owner's to-do list
//! has something on it.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use kontakt_domain::access::{Principal, Role};
use kontakt_domain::catalog::Catalog;
use kontakt_domain::knowledge::{ArticleContent, ArticleLink, ArticleText, Audience, WorkflowStep};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::cases::Actor;
use crate::knowledge::{KnowledgeError, KnowledgeService};

struct DemoArticle {
    title: &'static str,
    body: &'static str,
    english: Option<(&'static str, &'static str)>,
    owner: &'static str,
    area: &'static str,
    district: Option<&'static str>,
    audience: Audience,
    case_types: &'static [&'static str],
}

const DEMO: &[DemoArticle] = &[
    DemoArticle {
        title: "Förskoleplats – så ansöker du",
        body: "Du ansöker om plats i förskola i e-tjänsten **Förskola** på Mina sidor, senast fyra månader innan du vill att barnet börjar.\n\n- Du kan önska upp till fem förskolor.\n- Barnet får plats från ett års ålder.\n- Erbjudandet kommer via Mina sidor; tacka ja inom 14 dagar.",
        english: Some(("Preschool place – how to apply", "Apply for a preschool place in the **Preschool** e-service on My pages, at the latest four months before your child is to start. You may list up to five preschools.")),
        owner: "UTN",
        area: "preschool",
        district: None,
        audience: Audience::Public,
        case_types: &["FSK-KO"],
    },
    DemoArticle {
        title: "Platserbjudande i förskolan – tacka ja eller nej",
        body: "Erbjudandet om förskoleplats ska besvaras inom 14 dagar på Mina sidor. Tackar man nej står barnet kvar i kön till de förskolor som önskats.",
        english: None,
        owner: "UTN",
        area: "preschool",
        district: None,
        audience: Audience::Public,
        case_types: &["FSK-ERB", "FSK-KO"],
    },
    DemoArticle {
        title: "Manus: frågor om förskolekön",
        body: "Kontrollera först kötiden på Mina sidor tillsammans med den som ringer. Lova aldrig en viss förskola. Gäller frågan ett beslut: lämna över till förskoleenheten i stadsdelen.",
        english: None,
        owner: "UTN",
        area: "preschool",
        district: None,
        audience: Audience::Agents,
        case_types: &["FSK-KO", "FSK-ERB"],
    },
    DemoArticle {
        title: "Sophämtning – när töms soptunnan?",
        body: "Soptunnan för mat- och restavfall töms varannan vecka i villor och varje vecka i flerbostadshus. Ditt schema finns på Mina sidor under Avfall. Har tunnan inte tömts: anmäl utebliven hämtning.",
        english: Some(("Waste collection – when is the bin emptied?", "Bins are emptied every other week at houses and every week at blocks of flats. Your schedule is on My pages under Waste.")),
        owner: "TRN",
        area: "waste",
        district: None,
        audience: Audience::Public,
        case_types: &["AVF-MISS"],
    },
    DemoArticle {
        title: "Sophämtning i Farsta – tömningsdagar",
        body: "I Farsta töms soptunnan på **tisdagar** udda veckor (villor) och på måndagar (flerbostadshus). Vecka 49 är hämtningen försenad en dag på grund av snö.",
        english: Some(("Waste collection in Farsta – collection days", "In Farsta bins are emptied on **Tuesdays** in odd weeks (houses) and on Mondays (blocks of flats).")),
        owner: "TRN",
        area: "waste",
        district: Some("farsta"),
        audience: Audience::Public,
        case_types: &["AVF-MISS"],
    },
    DemoArticle {
        title: "Återvinningscentralen i Skärholmen – öppettider",
        body: "Återvinningscentralen i Skärholmen har öppet måndag–torsdag 10–19, fredag 10–17 och lördag–söndag 9–16. Grovsopor, elavfall och farligt avfall tas emot.",
        english: None,
        owner: "TRN",
        area: "waste",
        district: Some("skarholmen"),
        audience: Audience::Public,
        case_types: &["AVF-ATERV"],
    },
    DemoArticle {
        title: "Boendeparkering – ansök om parkeringstillstånd",
        body: "Boendeparkering söker du i e-tjänsten Parkeringstillstånd. Tillståndet gäller i din zon och kostar olika mycket i innerstaden och ytterstaden.",
        english: None,
        owner: "TRN",
        area: "parking",
        district: None,
        audience: Audience::Public,
        case_types: &[],
    },
];

/// An editor acting for the demo.
fn editor(id: &str) -> Actor {
    let mut actor = Actor::new(id);
    actor.principal = Principal {
        roles: vec![Role::Editor],
        ..Principal::default()
    };
    actor
}

async fn publish(
    service: &KnowledgeService,
    actor: &Actor,
    content: &ArticleContent,
    at: DateTime<Utc>,
) -> Result<i64, KnowledgeError> {
    let id = service
        .create(actor, content, "Första versionen", at)
        .await?;
    service.step(actor, id, 1, WorkflowStep::Submit, at).await?;
    service
        .step(actor, id, 1, WorkflowStep::Publish, at)
        .await?;
    Ok(id)
}

/// Publishes the demo's articles into an empty knowledge base; returns
/// how many.
pub async fn seed_demo(
    service: &KnowledgeService,
    now: DateTime<Utc>,
) -> Result<u64, KnowledgeError> {
    if service.is_empty().await? {
        let actor = editor("system:demo");
        let today = kontakt_domain::calendar::stockholm_date(now);
        for a in DEMO {
            let mut texts = BTreeMap::from([(
                "sv".to_owned(),
                ArticleText {
                    title: a.title.into(),
                    body: a.body.into(),
                },
            )]);
            if let Some((title, body)) = a.english {
                texts.insert(
                    "en".into(),
                    ArticleText {
                        title: title.into(),
                        body: body.into(),
                    },
                );
            }
            let content = ArticleContent {
                texts,
                owner_board: a.owner.into(),
                service_area: a.area.into(),
                district: a.district.map(str::to_owned),
                audience: a.audience,
                case_types: a.case_types.iter().map(|s| s.to_string()).collect(),
                links: vec![ArticleLink {
                    title: "Stockholms stad".into(),
                    url: "https://start.stockholm/".into(),
                }],
                review_by: today + Duration::days(180),
            };
            publish(service, &actor, &content, now).await?;
        }
        // Written a year ago with half a year to its review: stale now.
        let then = now - Duration::days(365);
        let stale = ArticleContent {
            texts: BTreeMap::from([(
                "sv".to_owned(),
                ArticleText {
                    title: "Vinterväghållning – när plogas min gata?".into(),
                    body: "Huvudgator plogas först, sedan bussgator och sist lokalgator.".into(),
                },
            )]),
            owner_board: "TRN".into(),
            service_area: "streets".into(),
            district: None,
            audience: Audience::Public,
            case_types: vec![],
            links: vec![],
            review_by: kontakt_domain::calendar::stockholm_date(then) + Duration::days(180),
        };
        publish(service, &actor, &stale, then).await?;
        return Ok(DEMO.len() as u64 + 1);
    }
    Ok(0)
}

const FILLER: &[&str] = &[
    "Kontakta kontaktcenter om du har frågor.",
    "Beslutet fattas av nämnden inom fyra veckor.",
    "Du kan också skicka in ansökan per post.",
    "Avgiften betalas mot faktura.",
    "Handläggningstiden är normalt två veckor.",
    "Ta med legitimation när du besöker oss.",
    "Information finns på flera språk.",
    "Vid akuta ärenden ring 112.",
];

/// `n` synthetic articles from the catalog's case types and districts,
/// for the benchmark: every case type gets city-wide and local articles
/// whose words come from its name, synonyms and service area.
pub fn synthetic(
    catalog: &Catalog,
    n: usize,
    seed: u64,
    today: chrono::NaiveDate,
) -> Vec<ArticleContent> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let t = &catalog.case_types[i % catalog.case_types.len()];
        let district = (rng.gen_bool(0.6))
            .then(|| catalog.districts[rng.gen_range(0..catalog.districts.len())].clone());
        let area = catalog
            .service_areas
            .iter()
            .find(|a| a.code == t.service_area)
            .map_or("", |a| a.name_sv.as_str());
        let synonym = if t.synonyms.is_empty() {
            t.name_sv.clone()
        } else {
            t.synonyms[rng.gen_range(0..t.synonyms.len())].clone()
        };
        let place = district
            .as_ref()
            .map_or("hela staden".to_owned(), |d| d.name.clone());
        let title = format!(
            "{} i {place} ({})",
            t.name_sv,
            i / catalog.case_types.len() + 1
        );
        let mut body = format!(
            "Så fungerar {} ({synonym}) i {place}. Området är {area}.",
            t.name_sv.to_lowercase()
        );
        for _ in 0..rng.gen_range(3..8) {
            body.push(' ');
            body.push_str(FILLER[rng.gen_range(0..FILLER.len())]);
        }
        out.push(ArticleContent {
            texts: BTreeMap::from([("sv".to_owned(), ArticleText { title, body })]),
            owner_board: catalog.boards[rng.gen_range(0..catalog.boards.len())]
                .code
                .clone(),
            service_area: t.service_area.clone(),
            district: district.map(|d| d.code),
            audience: if rng.gen_bool(0.7) {
                Audience::Public
            } else {
                Audience::Agents
            },
            case_types: vec![t.code.clone()],
            links: vec![],
            review_by: today + Duration::days(rng.gen_range(30..700)),
        });
    }
    out
}

/// Publishes synthetic articles (for the benchmark) as `actor`.
pub async fn publish_all(
    service: &KnowledgeService,
    contents: &[ArticleContent],
    now: DateTime<Utc>,
) -> Result<(), KnowledgeError> {
    let actor = editor("system:bench");
    for c in contents {
        publish(service, &actor, c, now).await?;
    }
    Ok(())
}
