//! `kontakt bench directory`: the switchboard's type-ahead over a
//! synthetic city-scale directory (`kontakt_app::directory_demo::synthetic`),
//! in process: the search index's build, then what operators type replayed
//! keystroke by keystroke against the index (a type-ahead searches at every
//! key), and a smaller sample through `DirectoryService::search` on SQLite,
//! which also reads the store's stamp and builds the result rows.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use kontakt_app::cases::Actor;
use kontakt_app::directory::{AbsenceRequest, DirectoryService};
use kontakt_domain::access::{Principal, Role};
use kontakt_domain::catalog::Catalog;
use kontakt_domain::directory::search::DirectoryIndex;
use kontakt_domain::directory::{Directory, Subject};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What operators look for, by how they type it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// "anna andersson"
    Name,
    /// "andresson": a half-remembered family name, one typing error.
    FamilyTypo,
    /// "anna andresson"
    NameTypo,
    /// "nadersson": the first letters mistyped, so no known word begins
    /// like it until the typing error is corrected for.
    EarlyTypo,
    /// "bygglov bromma", "hemtjänst söder": a function and a district.
    FunctionDistrict,
    /// The phrases the switchboard hears every day.
    Phrase,
    /// "förskolan humlan": a unit by its name.
    UnitName,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Name => "given + family name",
            Kind::FamilyTypo => "family name, typing error",
            Kind::NameTypo => "given + family name, typing error",
            Kind::EarlyTypo => "family name, first letters swapped",
            Kind::FunctionDistrict => "function + district",
            Kind::Phrase => "everyday phrase",
            Kind::UnitName => "unit name",
        }
    }
}

const PHRASES: &[&str] = &[
    "parkeringstillstånd söder",
    "bygglov bromma",
    "familjecentral rinkeby",
    "sophämtning farsta",
    "p-tillstånd kungsholmen",
    "hemtjänst vällingby",
    "öppna förskolan kungsholmen",
    "socialtjänsten skärholmen",
    "förskolekö tensta",
    "boendeparkering östermalm",
    "attefallshus hässelby",
    "tömning hägersten",
    "medborgarkontoret skärholmen",
    "lekplats årsta",
    "biståndshandläggare farsta",
];

/// One thing an operator looks for: what they type, and what they mean
/// (none for a phrase, which many units answer).
struct Target {
    kind: Kind,
    text: String,
    wanted: Option<Subject>,
}

/// A person's name as searched: (given, family) in lower case.
fn name_of(dir: &Directory, s: &Subject) -> Option<(String, String)> {
    match s {
        Subject::Person(id) => dir
            .person(id)
            .map(|p| (p.given_name.to_lowercase(), p.family_name.to_lowercase())),
        Subject::Unit(_) => None,
    }
}

/// One typing error in a word, never its first letter: two letters
/// swapped, one dropped, one doubled, or one replaced by a neighbour.
fn typo(word: &str, rng: &mut ChaCha8Rng) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    if chars.len() < 4 {
        return word.to_owned();
    }
    let at = rng.gen_range(1..chars.len() - 1);
    match rng.gen_range(0..4) {
        0 => chars.swap(at, at + 1),
        1 => {
            chars.remove(at);
        }
        2 => chars.insert(at, chars[at]),
        _ => {
            let next = match chars[at] {
                'a' => 'e',
                'e' => 'a',
                'i' => 'e',
                'o' => 'u',
                'u' => 'o',
                'å' => 'o',
                'ä' => 'e',
                'ö' => 'o',
                's' => 'z',
                'k' => 'c',
                'n' => 'm',
                'm' => 'n',
                _ => 'e',
            };
            chars[at] = next;
        }
    }
    chars.into_iter().collect()
}

/// What operators will look for in this directory.
fn targets(dir: &Directory, catalog: &Catalog, n: usize, rng: &mut ChaCha8Rng) -> Vec<Target> {
    let people: Vec<_> = dir.people().collect();
    let units: Vec<_> = dir
        .units()
        .filter(|u| !u.functions.is_empty() && !u.districts.is_empty())
        .collect();
    let mut out = Vec::with_capacity(n);
    while out.len() < n && !people.is_empty() && !units.is_empty() {
        let p = people[rng.gen_range(0..people.len())];
        let u = units[rng.gen_range(0..units.len())];
        let given = p.given_name.to_lowercase();
        let family = p.family_name.to_lowercase();
        let person = Some(Subject::Person(p.id.clone()));
        let unit = Some(Subject::Unit(u.id.clone()));
        let target = match rng.gen_range(0..100) {
            0..=4 => {
                let mut chars: Vec<char> = family.chars().collect();
                if chars.len() > 2 {
                    chars.swap(0, 1);
                }
                Target {
                    kind: Kind::EarlyTypo,
                    text: chars.into_iter().collect(),
                    wanted: person,
                }
            }
            5..=24 => Target {
                kind: Kind::Name,
                text: format!("{given} {family}"),
                wanted: person,
            },
            25..=39 => Target {
                kind: Kind::FamilyTypo,
                text: typo(&family, rng),
                wanted: person,
            },
            40..=54 => Target {
                kind: Kind::NameTypo,
                text: format!("{given} {}", typo(&family, rng)),
                wanted: person,
            },
            55..=79 => {
                let f = &u.functions[0];
                let what = if f.search_words.is_empty() || rng.gen_bool(0.4) {
                    f.name.clone()
                } else {
                    f.search_words[rng.gen_range(0..f.search_words.len())].clone()
                };
                let d = catalog.district(&u.districts[rng.gen_range(0..u.districts.len())]);
                let place = d
                    .map(|d| {
                        let i = rng.gen_range(0..=d.aliases.len());
                        d.aliases.get(i).unwrap_or(&d.name).clone()
                    })
                    .unwrap_or_default();
                Target {
                    kind: Kind::FunctionDistrict,
                    text: format!("{what} {place}").to_lowercase(),
                    wanted: unit,
                }
            }
            80..=89 => Target {
                kind: Kind::Phrase,
                text: PHRASES[rng.gen_range(0..PHRASES.len())].to_owned(),
                wanted: None,
            },
            _ => Target {
                kind: Kind::UnitName,
                text: u.name.to_lowercase(),
                wanted: unit,
            },
        };
        out.push(target);
    }
    out
}

/// Every prefix as typed: "b", "by", "byg", …
fn keystrokes(text: &str) -> impl Iterator<Item = String> + '_ {
    text.char_indices()
        .map(|(i, c)| text[..i + c.len_utf8()].to_owned())
}

/// Nearest-rank percentiles of latencies in microseconds, as milliseconds.
struct Stats(Vec<u64>);

impl Stats {
    fn new(mut micros: Vec<u64>) -> Stats {
        micros.sort_unstable();
        Stats(micros)
    }

    fn at(&self, p: usize) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        self.0[(self.0.len() * p / 100).min(self.0.len() - 1)] as f64 / 1000.0
    }

    fn max(&self) -> f64 {
        self.0.last().copied().unwrap_or(0) as f64 / 1000.0
    }

    fn line(&self) -> String {
        format!(
            "{} searches: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.0.len(),
            self.at(50),
            self.at(95),
            self.at(99),
            self.max()
        )
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[allow(clippy::too_many_arguments)]
pub async fn run(
    catalog: Arc<Catalog>,
    data_dir: Option<PathBuf>,
    units: usize,
    people: usize,
    targets_count: usize,
    service_targets: usize,
    seed: u64,
) -> anyhow::Result<()> {
    let t = Instant::now();
    let (unit_list, people_list) =
        kontakt_app::directory_demo::synthetic(&catalog, units, people, seed);
    let made = t.elapsed();
    let t = Instant::now();
    let dir = Directory::new(unit_list.clone(), people_list.clone(), &catalog).map_err(|p| {
        anyhow::anyhow!(
            "the synthetic directory has {} problems, the first: {}",
            p.len(),
            p.first().map(ToString::to_string).unwrap_or_default()
        )
    })?;
    let family_names: std::collections::HashSet<&str> =
        people_list.iter().map(|p| p.family_name.as_str()).collect();
    println!(
        "synthetic directory: {} units, {} people, {} family names (made in {:.0} ms, checked in {:.0} ms)",
        unit_list.len(),
        people_list.len(),
        family_names.len(),
        ms(made),
        ms(t.elapsed())
    );

    // The index, built a few times: the first build pays for warming up.
    let mut builds = Vec::new();
    let mut index = None;
    for _ in 0..3 {
        let t = Instant::now();
        let built = DirectoryIndex::build(&dir, &catalog);
        builds.push(ms(t.elapsed()));
        index = Some(built);
    }
    let index = index.ok_or_else(|| anyhow::anyhow!("no index was built"))?;
    let mut sorted = builds.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "DirectoryIndex::build over {} subjects: {:.0} ms (median of {}: {})",
        index.len(),
        sorted[sorted.len() / 2],
        builds.len(),
        builds
            .iter()
            .map(|b| format!("{b:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    );

    // Operators' type-ahead against the index.
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(1));
    let targets = targets(&dir, &catalog, targets_count, &mut rng);
    let mut all = Vec::new();
    // Per kind: latencies, the one meant found, someone of that name
    // found, targets with one meant.
    let mut by_kind: BTreeMap<Kind, (Vec<u64>, usize, usize, usize)> = BTreeMap::new();
    let mut slowest: Vec<(u64, String)> = Vec::new();
    for target in &targets {
        let entry = by_kind.entry(target.kind).or_default();
        let mut last = Vec::new();
        for q in keystrokes(&target.text) {
            let t = Instant::now();
            last = index.search(&q, 10);
            let us = t.elapsed().as_micros() as u64;
            all.push(us);
            entry.0.push(us);
            slowest.push((us, q));
        }
        if let Some(wanted) = &target.wanted {
            entry.3 += 1;
            if last.iter().any(|h| &h.subject == wanted) {
                entry.1 += 1;
            }
            // For a name: someone of that name (given name too if typed),
            // which is all a name can tell apart.
            let with_given = matches!(target.kind, Kind::Name | Kind::NameTypo);
            let same_name = |s: &Subject| match (name_of(&dir, s), name_of(&dir, wanted)) {
                (Some(a), Some(b)) => a.1 == b.1 && (!with_given || a.0 == b.0),
                (None, None) => s == wanted,
                _ => false,
            };
            if last.iter().any(|h| same_name(&h.subject)) {
                entry.2 += 1;
            }
        }
    }
    let overall = Stats::new(all);
    println!(
        "type-ahead, DirectoryIndex::search(q, 10), {} targets keystroke by keystroke: {}",
        targets.len(),
        overall.line()
    );
    for (kind, (micros, found, named, wanted)) in by_kind {
        let stats = Stats::new(micros);
        let share = |n: usize| 100.0 * n as f64 / wanted.max(1) as f64;
        let found = match (wanted, kind) {
            (0, _) => String::new(),
            (_, Kind::FunctionDistrict | Kind::UnitName) => {
                format!("; in the first 10 at the last key: {:.0} %", share(found))
            }
            _ => format!(
                "; in the first 10 at the last key: {:.0} % (someone of that name: {:.0} %)",
                share(found),
                share(named)
            ),
        };
        println!("  {:<36} {}{found}", kind.label(), stats.line());
    }
    // Each query once, at its slowest.
    let mut worst: BTreeMap<String, u64> = BTreeMap::new();
    for (us, q) in slowest {
        let w = worst.entry(q).or_default();
        *w = (*w).max(us);
    }
    let mut slowest: Vec<(u64, String)> = worst.into_iter().map(|(q, us)| (us, q)).collect();
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    println!("  slowest keystrokes:");
    for (us, q) in slowest.iter().take(10) {
        println!("    {:>8.2} ms  {q:?}", *us as f64 / 1000.0);
    }

    // The whole path through the service: stamp read, search, result rows.
    let (dir_path, temporary) = match data_dir {
        Some(d) => (d, false),
        None => (
            std::env::temp_dir().join(format!("kontakt-bench-directory-{}", std::process::id())),
            true,
        ),
    };
    std::fs::create_dir_all(&dir_path)?;
    let result = service_sample(
        catalog.clone(),
        &dir_path,
        unit_list,
        people_list,
        &targets[..service_targets.min(targets.len())],
    )
    .await;
    if temporary {
        // The database goes with the run; a failure to remove it is no
        // reason to fail the benchmark.
        let _ = std::fs::remove_dir_all(&dir_path);
    }
    result
}

async fn service_sample(
    catalog: Arc<Catalog>,
    dir_path: &std::path::Path,
    units: Vec<kontakt_domain::directory::Unit>,
    people: Vec<kontakt_domain::directory::Person>,
    targets: &[Target],
) -> anyhow::Result<()> {
    let url = format!("sqlite:{}", dir_path.join("kontakt.db").display());
    let store = kontakt_store::open(&url, kontakt_store::OpenMode::CreateIfMissing).await?;
    let service = DirectoryService::new(store, catalog);
    let now = Utc::now();
    let entries = units.len() + people.len();
    let t = Instant::now();
    service
        .seed(units, people, "bench", now)
        .await
        .map_err(|e| anyhow::anyhow!("seeding the directory: {e}"))?;
    println!(
        "DirectoryService::seed: {entries} entries written to SQLite in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let mut operator = Actor::new("bench:operator");
    operator.principal = Principal {
        roles: vec![Role::AgentL1],
        ..Principal::default()
    };
    let t = Instant::now();
    service
        .search(&operator, "a", 10, now)
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    println!(
        "first search (reads the directory from SQLite, builds the index): {:.0} ms",
        ms(t.elapsed())
    );
    let mut micros = Vec::new();
    for target in targets {
        for q in keystrokes(&target.text) {
            let t = Instant::now();
            service
                .search(&operator, &q, 10, now)
                .await
                .map_err(|e| anyhow::anyhow!(e))?;
            micros.push(t.elapsed().as_micros() as u64);
        }
    }
    println!(
        "type-ahead, DirectoryService::search (stamp read, search, result rows), {} targets: {}",
        targets.len(),
        Stats::new(micros).line()
    );
    // An absence note moves the directory's stamp: the next search, by
    // any operator, reads the directory and builds the index again.
    if let Some(Target {
        wanted: Some(subject),
        text,
        ..
    }) = targets
        .iter()
        .find(|t| matches!(t.wanted, Some(Subject::Person(_))))
    {
        let t = Instant::now();
        service
            .set_absence(
                &operator,
                AbsenceRequest {
                    subject: subject.clone(),
                    from: None,
                    until: Some(now + chrono::Duration::hours(2)),
                    reason: Some("i möte".into()),
                    stand_in: None,
                },
                now,
            )
            .await
            .map_err(|e| anyhow::anyhow!(e))?;
        let set = t.elapsed();
        let t = Instant::now();
        service
            .search(&operator, text, 10, now)
            .await
            .map_err(|e| anyhow::anyhow!(e))?;
        println!(
            "an absence note set in {:.1} ms; the next search {:.0} ms (reloads the notes only)",
            ms(set),
            ms(t.elapsed())
        );
    }
    Ok(())
}
