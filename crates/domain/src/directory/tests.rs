use chrono::{Duration, TimeZone, Utc};

use super::diff::{difference, ChangeKind};
use super::search::DirectoryIndex;
use super::*;

fn catalog() -> Catalog {
    Catalog::load(
        "stockholm.toml",
        include_str!("../../../../catalog/stockholm.toml"),
    )
    .expect("the Stockholm catalog loads")
}

fn unit(id: &str, name: &str, parent: Option<&str>) -> Unit {
    Unit {
        id: id.into(),
        name: name.into(),
        kind: if parent.is_some() {
            UnitKind::Unit
        } else {
            UnitKind::Administration
        },
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

fn function(name: &str, words: &[&str]) -> Function {
    Function {
        name: name.into(),
        service_area: None,
        case_types: Vec::new(),
        search_words: words.iter().map(|w| w.to_string()).collect(),
    }
}

fn person(id: &str, given: &str, family: &str, unit: &str) -> Person {
    Person {
        id: id.into(),
        given_name: given.into(),
        family_name: family.into(),
        title: Some("Handläggare".into()),
        units: vec![unit.into()],
        direct_phone: Some(PhoneNumber::parse("08-508 270 00").expect("valid")),
        mobile: None,
        email: None,
        languages: Vec::new(),
        competences: Vec::new(),
        connect: Connect::Direct,
        account: None,
    }
}

/// A small organisation: the traffic office's permits for the inner city
/// and for the southern suburbs, building permits for Bromma, a preschool
/// office in Rinkeby-Kista, and a few people.
fn sample() -> Directory {
    let mut tk = unit("TK", "Trafikkontoret", None);
    tk.phone = Some(PhoneNumber::parse("08-508 27 000").expect("valid"));
    let mut inner = unit("TK-PT-IN", "Parkeringstillstånd Innerstaden", Some("TK"));
    inner.districts = vec!["sodermalm".into(), "norrmalm".into()];
    inner.functions = vec![function(
        "Parkeringstillstånd",
        &["p-tillstånd", "boendeparkering"],
    )];
    let mut south = unit("TK-PT-SO", "Parkeringstillstånd Söderort", Some("TK"));
    south.districts = vec!["farsta".into(), "skarpnack".into()];
    south.functions = vec![function("Parkeringstillstånd", &["boendeparkering"])];
    let mut sbk = unit("SBK", "Stadsbyggnadskontoret", None);
    sbk.phone = Some(PhoneNumber::parse("08-508 27 300").expect("valid"));
    let mut bygg = unit("SBK-BL-V", "Bygglovsenheten Västerort", Some("SBK"));
    bygg.districts = vec!["bromma".into()];
    bygg.functions = vec![function("Bygglov", &["bygganmälan", "attefallshus"])];
    let mut citywide = unit("SBK-KART", "Kartor och mätning", Some("SBK"));
    citywide.functions = vec![function("Nybyggnadskarta", &[])];
    let mut fsk = unit("RK-FSK", "Förskoleavdelningen Rinkeby-Kista", None);
    fsk.districts = vec!["rinkeby-kista".into()];
    fsk.functions = vec![function("Förskoleplats", &["dagis", "familjecentral"])];
    let units = vec![tk, inner, south, sbk, bygg, citywide, fsk];
    let mut anna = person("1001", "Anna-Karin", "Andersson", "TK-PT-IN");
    anna.account = Some("anna.andersson".into());
    let mut olle = person("1002", "Olle", "Bergström", "SBK-BL-V");
    olle.connect = Connect::ViaFunction;
    let people = vec![
        anna,
        olle,
        person("1003", "Fatima", "Haddad", "RK-FSK"),
        person("1004", "Anders", "Lind", "TK-PT-SO"),
    ];
    Directory::new(units, people, &catalog()).expect("valid sample")
}

fn first(index: &DirectoryIndex, q: &str) -> Option<Subject> {
    index.search(q, 10).into_iter().next().map(|h| h.subject)
}

fn unit_s(id: &str) -> Subject {
    Subject::Unit(id.into())
}

fn person_s(id: &str) -> Subject {
    Subject::Person(id.into())
}

#[test]
fn a_function_and_a_district_alias_find_the_unit_serving_that_district() {
    let index = DirectoryIndex::build(&sample(), &catalog());
    assert_eq!(
        first(&index, "parkeringstillstånd söder"),
        Some(unit_s("TK-PT-IN"))
    );
    assert_eq!(
        first(&index, "parkeringstillstånd farsta"),
        Some(unit_s("TK-PT-SO"))
    );
    assert_eq!(first(&index, "bygglov bromma"), Some(unit_s("SBK-BL-V")));
}

#[test]
fn a_districts_own_search_words_find_its_unit() {
    let index = DirectoryIndex::build(&sample(), &catalog());
    assert_eq!(first(&index, "familjecentral"), Some(unit_s("RK-FSK")));
    assert_eq!(first(&index, "dagis kista"), Some(unit_s("RK-FSK")));
    assert_eq!(first(&index, "p-tillstånd"), Some(unit_s("TK-PT-IN")));
}

#[test]
fn inflections_beginnings_and_typing_errors_are_tolerated() {
    let index = DirectoryIndex::build(&sample(), &catalog());
    // Inflection.
    assert_eq!(first(&index, "bygglovet"), Some(unit_s("SBK-BL-V")));
    // Half typed, letter by letter.
    assert_eq!(first(&index, "bergs"), Some(person_s("1002")));
    let hits: Vec<Subject> = index
        .search("ander", 10)
        .into_iter()
        .map(|h| h.subject)
        .collect();
    assert!(
        hits.contains(&person_s("1001")) && hits.contains(&person_s("1004")),
        "{hits:?}"
    );
    // Typing errors: a half-remembered surname.
    assert_eq!(first(&index, "andersen"), Some(person_s("1001")));
    assert_eq!(first(&index, "bergstöm"), Some(person_s("1002")));
    assert_eq!(
        first(&index, "parkringstillstånd söder"),
        Some(unit_s("TK-PT-IN"))
    );
    // Hyphenated given names, whole or by part.
    assert_eq!(first(&index, "anna-karin"), Some(person_s("1001")));
    assert_eq!(first(&index, "karin andersson"), Some(person_s("1001")));
}

#[test]
fn a_district_word_lets_through_units_serving_the_whole_city() {
    let index = DirectoryIndex::build(&sample(), &catalog());
    let hits: Vec<Subject> = index
        .search("nybyggnadskarta bromma", 10)
        .into_iter()
        .map(|h| h.subject)
        .collect();
    assert_eq!(hits, vec![unit_s("SBK-KART")]);
    // But a unit serving other districts is left out.
    assert!(!index
        .search("parkeringstillstånd bromma", 10)
        .iter()
        .any(|h| h.subject == unit_s("TK-PT-IN") || h.subject == unit_s("TK-PT-SO")));
}

#[test]
fn nothing_matches_nonsense() {
    let index = DirectoryIndex::build(&sample(), &catalog());
    assert!(index.search("xyzzyq", 10).is_empty());
    assert!(index.search("", 10).is_empty());
}

#[test]
fn references_are_checked_and_every_problem_is_named() {
    let mut units = vec![unit("A", "A", Some("B")), unit("B", "B", Some("A"))];
    units[0].group = Some("NOPE".into());
    units[1].districts = vec!["atlantis".into()];
    let mut p = person("x y", "", "Lind", "C");
    p.units.push("A".into());
    let problems = Directory::new(units, vec![p], &catalog()).expect_err("refused");
    let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    for expected in [
        "unit A: parent: makes the organisation a circle",
        "unit A: group: unknown group 'NOPE'",
        "unit B: districts: unknown district 'atlantis'",
        "person x y: id: may hold only",
        "person x y: given_name: is required",
        "person x y: units: unknown unit 'C'",
    ] {
        assert!(
            text.iter().any(|t| t.starts_with(expected)),
            "{expected} in {text:#?}"
        );
    }
}

#[test]
fn the_best_number_respects_how_a_person_may_be_connected() {
    let dir = sample();
    let (n, kind) = dir.best_number(&person_s("1001")).expect("valid");
    assert_eq!((n.as_str(), kind), ("+46850827000", NumberKind::Direct));
    // Olle is reached through his function: the unit has no number, its
    // parent (Stadsbyggnadskontoret) has.
    let (n, kind) = dir.best_number(&person_s("1002")).expect("valid");
    assert_eq!((n.as_str(), kind), ("+46850827300", NumberKind::Function));
    assert_eq!(dir.group_of_unit("TK-PT-IN"), None);
    assert_eq!(
        dir.path("TK-PT-IN")
            .iter()
            .map(|u| u.id.as_str())
            .collect::<Vec<_>>(),
        vec!["TK"]
    );
}

#[test]
fn a_stand_in_is_suggested_and_one_away_too_is_passed_over() {
    let dir = sample();
    let now = Utc
        .with_ymd_and_hms(2026, 12, 7, 9, 0, 0)
        .single()
        .expect("valid");
    let away = |who: &str, stand_in: Option<Subject>| Absence {
        subject: person_s(who),
        from: now - Duration::hours(1),
        until: now + Duration::days(3),
        reason: Some("Semester".into()),
        stand_in,
    };
    // Nobody away: nothing to suggest.
    assert_eq!(
        suggest_stand_in::<Absence>(&dir, &[], &person_s("1001"), now),
        None
    );
    // Anna away, Anders stands in.
    let notes = vec![away("1001", Some(person_s("1004")))];
    assert_eq!(
        suggest_stand_in(&dir, &notes, &person_s("1001"), now),
        Some(person_s("1004"))
    );
    // Anders away too, with no stand-in: his unit.
    let notes = vec![away("1001", Some(person_s("1004"))), away("1004", None)];
    assert_eq!(
        suggest_stand_in(&dir, &notes, &person_s("1001"), now),
        Some(unit_s("TK-PT-SO"))
    );
    // Each other's stand-ins and both away: no loop, no suggestion.
    let notes = vec![
        away("1001", Some(person_s("1004"))),
        away("1004", Some(person_s("1001"))),
    ];
    assert_eq!(suggest_stand_in(&dir, &notes, &person_s("1001"), now), None);
    // A note that ended suggests nothing.
    assert_eq!(
        suggest_stand_in(
            &dir,
            &[away("1001", None)],
            &person_s("1001"),
            now + Duration::days(4)
        ),
        None
    );
    // Checks.
    let mut bad = away("1001", Some(person_s("1001")));
    bad.until = bad.from;
    let problems = dir.check_absence(&bad);
    assert_eq!(problems.len(), 2, "{problems:?}");
}

#[test]
fn the_difference_names_starters_leavers_moves_and_changed_numbers() {
    let dir = sample();
    let cat = catalog();
    let mut people: Vec<Person> = dir.people().cloned().collect();
    // Fatima (1003) leaves; Olle (1002) moves; Anders (1004) gets a new number.
    people.retain(|p| p.id != "1003");
    for p in &mut people {
        if p.id == "1002" {
            p.units = vec!["SBK-KART".into()];
        }
        if p.id == "1004" {
            p.direct_phone = Some(PhoneNumber::parse("08-508 11 111").expect("valid"));
        }
    }
    people.push(person("1005", "Maja", "Öberg", "TK-PT-SO"));
    let d = difference(&dir, None, Some(people), &cat).expect("valid");
    let kinds: Vec<(ChangeKind, &str)> =
        d.changes.iter().map(|c| (c.kind, c.subject.id())).collect();
    assert_eq!(
        kinds,
        vec![
            (ChangeKind::Starter, "1005"),
            (ChangeKind::Leaver, "1003"),
            (ChangeKind::Moved, "1002"),
            (ChangeKind::Changed, "1004"),
        ]
    );
    assert_eq!(d.changes[3].fields, vec!["direct_phone"]);
    assert_eq!(d.unchanged, 7 + 1);
    // Removing a unit someone still works in is refused whole.
    let units: Vec<Unit> = dir.units().filter(|u| u.id != "RK-FSK").cloned().collect();
    let problems = difference(&dir, Some(units), None, &cat).expect_err("refused");
    assert!(
        problems[0].to_string().contains("unknown unit 'RK-FSK'"),
        "{problems:?}"
    );
}

#[test]
fn unit_kinds_read_swedish_words() {
    assert_eq!(
        UnitKind::parse_any("Förvaltning"),
        Some(UnitKind::Administration)
    );
    assert_eq!(UnitKind::parse_any("enhet"), Some(UnitKind::Unit));
    assert_eq!(
        UnitKind::parse_any("department"),
        Some(UnitKind::Department)
    );
    assert_eq!(UnitKind::parse_any("klubb"), None);
}

#[test]
fn swapped_letters_accents_and_inherited_districts() {
    let cat = catalog();
    let mut units: Vec<Unit> = sample().units().cloned().collect();
    // A unit under a district's office, with no districts of its own.
    let mut office = unit("SKH", "Skärholmens stadsdelsförvaltning", None);
    office.districts = vec!["skarholmen".into()];
    let mut park = unit("SKH-PARK", "Parkenheten", Some("SKH"));
    park.functions = vec![function("Parkskötsel", &[])];
    units.extend([office, park]);
    let mut people: Vec<Person> = sample().people().cloned().collect();
    people.push(person("1006", "José", "Ramírez", "SKH-PARK"));
    people.push(person("1007", "Ayşe", "Şahin", "SKH-PARK"));
    let dir = Directory::new(units, people, &cat).expect("valid");
    let index = DirectoryIndex::build(&dir, &cat);
    // Two letters swapped count as one typing error.
    assert_eq!(first(&index, "bergtsröm"), Some(person_s("1002")));
    // Accents of other languages need not be typed.
    assert_eq!(first(&index, "jose ramirez"), Some(person_s("1006")));
    assert_eq!(first(&index, "sahin"), Some(person_s("1007")));
    // The park unit serves Skärholmen through its office: not Bromma.
    assert_eq!(
        first(&index, "parkskötsel skärholmen"),
        Some(unit_s("SKH-PARK"))
    );
    assert!(index.search("parkskötsel bromma", 10).is_empty());
    // Only the best are kept, best first.
    let hits = index.search("a", 3);
    assert!(hits.len() <= 3);
}

#[test]
fn decomposed_letters_and_long_noise() {
    let index = DirectoryIndex::build(&sample(), &catalog());
    // "ö" as "o" and a combining diaeresis, as some systems paste it.
    assert_eq!(first(&index, "bergstro\u{308}m"), Some(person_s("1002")));
    let noise = "abcd ".repeat(40);
    assert!(index.search(&noise, 10).is_empty());
}
