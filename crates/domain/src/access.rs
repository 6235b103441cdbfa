//! Who may see and do what with a case: computed from the principal's roles
//! and groups and the boards' processing agreements. Deny unless a rule
//! allows. Every path (case card, lists, search, attachments, changes,
//! intake) asks [`decide`] or uses [`visibility`], which states the same
//! rules for a list query.

use crate::catalog::{Catalog, PersonalData};

word_enum! {
    /// What a principal is in the contact centre or at a board.
    Role {
    /// Contact-centre agent, first line: cases the agreements cover, not confidential ones.
    AgentL1 = "agent_l1",
    /// Contact-centre agent, second line: also confidential case types.
    AgentL2 = "agent_l2",
    /// Officer at an administration: the cases assigned to their groups.
    Officer = "officer",
    /// Registrar: registers and reads every case (records function).
    Registrar = "registrar",
    /// Statistics only, never a case or a person.
    Analyst = "analyst",
    /// Reviews the audit log of their boards; no case content.
    LogReviewer = "log_reviewer",
    /// Accounts and configuration; no case content.
    Administrator = "administrator",
    /// Team leader of the answer groups they belong to: the groups' phone
    /// settings (greeting, hours, absence message) and wallboards; no case
    /// content by this role.
    Supervisor = "supervisor",
    /// Knowledge editor: reviews and publishes knowledge articles of every
    /// board; no case content by this role.
    Editor = "editor",
    /// An integration that files contacts (e-services, Open311): create only.
    Intake = "intake",
    /// A phone system reporting call events (the CTI interface); no case content.
    PhoneSystem = "phone_system",
    }
}

/// Whoever acts: a staff member or an integration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Principal {
    pub roles: Vec<Role>,
    /// Groups the principal belongs to (officer groups, answer groups).
    pub groups: Vec<String>,
    /// The explicit permission for persons with protected identity.
    pub protected_identity: bool,
    /// Boards whose audit log a log reviewer reviews.
    pub review_boards: Vec<String>,
}

impl Principal {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Register a new case.
    Create,
    /// See a case: its card, a search hit, an attachment.
    Read,
    /// Add to or change a case: entries, status, hand-over, links, deadline.
    Change,
    /// Add what the resident sent (a message and its files) to their case,
    /// without reading it: how a reply by e-mail or SMS finds its case.
    Append,
}

/// The facts about a case that access depends on.
#[derive(Debug, Clone, Copy)]
pub struct CaseFacts<'a> {
    pub board: &'a str,
    pub service_area: &'a str,
    pub assignee_group: Option<&'a str>,
    pub confidential: bool,
    pub protected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Allowed, seeing these kinds of personal data.
    Allow(Vec<PersonalData>),
    Deny(&'static str),
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allow(_))
    }
}

/// The one decision. Roles add up: the principal gets the widest view any
/// of its roles allows; without any allowing rule the answer is no.
pub fn decide(catalog: &Catalog, p: &Principal, action: Action, case: CaseFacts) -> Decision {
    // Registering a contact must always be possible for whoever takes
    // contacts, or something acknowledged could be lost; seeing or changing
    // a protected person's case needs the explicit permission.
    // Appending what the resident sent is as necessary as registering it,
    // and reveals nothing, so for the intake channels it is not blocked either.
    let intake_append = action == Action::Append && p.has(Role::Intake);
    if case.protected && action != Action::Create && !intake_append && !p.protected_identity {
        return Decision::Deny("the case concerns a person with protected identity");
    }
    let mut seen: Vec<PersonalData> = Vec::new();
    let mut allowed = false;
    let mut grant = |data: &[PersonalData]| {
        allowed = true;
        for d in data {
            if !seen.contains(d) {
                seen.push(*d);
            }
        }
    };
    for role in &p.roles {
        match role {
            Role::AgentL1 | Role::AgentL2 => {
                let Some(agreement) = catalog.agreement(case.board) else {
                    continue;
                };
                if !agreement.covers(case.service_area) {
                    continue;
                }
                if case.confidential && *role == Role::AgentL1 && action != Action::Create {
                    continue;
                }
                grant(&agreement.personal_data);
            }
            Role::Officer => {
                let assigned = case
                    .assignee_group
                    .is_some_and(|g| officer_groups(catalog, p).any(|mine| mine == g));
                if assigned && action != Action::Create {
                    // The officer works for the data controller itself.
                    grant(&PersonalData::ALL);
                }
            }
            Role::Registrar => grant(&PersonalData::ALL),
            Role::Intake => {
                if matches!(action, Action::Create | Action::Append) {
                    grant(&[]);
                }
            }
            Role::Analyst
            | Role::LogReviewer
            | Role::Administrator
            | Role::Supervisor
            | Role::Editor
            | Role::PhoneSystem => {}
        }
    }
    if allowed {
        seen.sort();
        Decision::Allow(seen)
    } else {
        Decision::Deny("no role of the principal covers this case")
    }
}

/// The principal's groups that are officer groups: membership of an answer
/// group gives an officer nothing (those queues hold other boards' cases).
fn officer_groups<'a>(
    catalog: &'a Catalog,
    p: &'a Principal,
) -> impl Iterator<Item = &'a str> + 'a {
    p.groups.iter().map(String::as_str).filter(|g| {
        catalog
            .group(g)
            .is_some_and(|g| matches!(g.kind, crate::catalog::GroupKind::Officer { .. }))
    })
}

/// The rules of [`decide`] for `Action::Read`, as a list query can apply
/// them to many cases at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visibility {
    /// Every case (registrar).
    pub everything: bool,
    /// `board|service_area` pairs covered by an agreement, for agents.
    pub board_areas: Vec<String>,
    /// Whether the agent rule includes confidential case types (level 2).
    pub board_areas_confidential: bool,
    /// Cases assigned to these groups (officers).
    pub groups: Vec<String>,
    /// Cases of persons with protected identity too.
    pub protected: bool,
}

pub fn visibility(catalog: &Catalog, p: &Principal) -> Visibility {
    let mut v = Visibility {
        protected: p.protected_identity,
        ..Visibility::default()
    };
    for role in &p.roles {
        match role {
            Role::Registrar => v.everything = true,
            Role::AgentL1 | Role::AgentL2 => {
                if *role == Role::AgentL2 {
                    v.board_areas_confidential = true;
                }
                for a in &catalog.agreements {
                    for area in &a.service_areas {
                        let pair = format!("{}|{area}", a.board);
                        if !v.board_areas.contains(&pair) {
                            v.board_areas.push(pair);
                        }
                    }
                }
            }
            Role::Officer => v
                .groups
                .extend(officer_groups(catalog, p).map(str::to_owned)),
            Role::Intake
            | Role::Analyst
            | Role::LogReviewer
            | Role::Administrator
            | Role::Supervisor
            | Role::Editor
            | Role::PhoneSystem => {}
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOG: &str = include_str!("../../../catalog/stockholm.toml");

    fn principal(roles: &[Role], groups: &[&str], protected: bool) -> Principal {
        Principal {
            roles: roles.to_vec(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
            protected_identity: protected,
            review_boards: vec![],
        }
    }

    /// roles, groups, protected-identity permission, action, case, allowed?
    type Row<'a> = (&'a [Role], &'a [&'a str], bool, Action, CaseFacts<'a>, bool);

    #[test]
    fn the_rules_as_a_table() {
        let catalog = Catalog::load("stockholm.toml", CATALOG).expect("catalog");
        let preschool = CaseFacts {
            board: "SDN-SKH",
            service_area: "preschool",
            assignee_group: Some("FSK-KO-SKH"),
            confidential: false,
            protected: false,
        };
        let social = CaseFacts {
            board: "SDN-SKH",
            service_area: "social",
            assignee_group: None,
            confidential: true,
            protected: false,
        };
        let guardianship = CaseFacts {
            board: "OFN",
            service_area: "guardianship",
            assignee_group: Some("OFN-HANDL"),
            confidential: true,
            protected: false,
        };
        let protected = CaseFacts {
            protected: true,
            ..preschool
        };
        use Action::*;
        use Role::*;
        let cases: &[Row] = &[
            (&[AgentL1], &[], false, Read, preschool, true),
            (&[AgentL1], &[], false, Read, social, false),
            (&[AgentL1], &[], false, Create, social, true),
            (&[AgentL2], &[], false, Read, social, true),
            (&[AgentL2], &[], false, Read, guardianship, false),
            (&[AgentL2], &[], false, Create, guardianship, false),
            (&[AgentL2], &[], false, Read, protected, false),
            (&[AgentL2], &[], true, Read, protected, true),
            (&[AgentL2], &[], false, Create, protected, true),
            (&[Officer], &["FSK-KO-SKH"], false, Read, preschool, true),
            (&[Officer], &["FSK-KO-SKH"], false, Change, preschool, true),
            (&[Officer], &["FSK-KO-SKH"], false, Create, preschool, false),
            (&[Officer], &["SBK-BYGG"], false, Read, preschool, false),
            (&[Officer], &["OFN-HANDL"], false, Read, guardianship, true),
            // An answer group gives an officer nothing.
            (
                &[Officer],
                &["OVR"],
                false,
                Read,
                CaseFacts {
                    assignee_group: Some("OVR"),
                    ..guardianship
                },
                false,
            ),
            (&[Registrar], &[], false, Read, guardianship, true),
            (&[Registrar], &[], false, Read, protected, false),
            (&[Analyst], &[], false, Read, preschool, false),
            (&[LogReviewer], &[], false, Read, preschool, false),
            (&[Administrator], &[], false, Change, preschool, false),
            (&[Intake], &[], false, Create, preschool, true),
            (&[Intake], &[], false, Read, preschool, false),
            (&[Intake], &[], false, Change, preschool, false),
            (&[Intake], &[], false, Append, preschool, true),
            (&[Intake], &[], false, Append, protected, true),
            (&[AgentL1], &[], false, Append, protected, false),
            (&[Analyst], &[], false, Append, preschool, false),
            (&[], &[], false, Read, preschool, false),
            (&[Analyst, AgentL1], &[], false, Read, preschool, true),
        ];
        for (i, (roles, groups, prot, action, facts, expected)) in cases.iter().enumerate() {
            let got = decide(&catalog, &principal(roles, groups, *prot), *action, *facts);
            assert_eq!(
                got.is_allowed(),
                *expected,
                "row {i}: {roles:?} {action:?} {facts:?} -> {got:?}"
            );
        }
        assert_eq!(
            decide(
                &catalog,
                &principal(&[AgentL1], &[], false),
                Read,
                preschool
            ),
            Decision::Allow(PersonalData::ALL.to_vec())
        );
    }

    #[test]
    fn visibility_matches_the_agreements() {
        let catalog = Catalog::load("stockholm.toml", CATALOG).expect("catalog");
        let v = visibility(&catalog, &principal(&[Role::AgentL1], &[], false));
        assert!(v.board_areas.contains(&"SDN-SKH|preschool".to_owned()));
        assert!(!v.board_areas.iter().any(|p| p.starts_with("OFN|")));
        assert!(!v.board_areas_confidential && !v.everything && !v.protected);
        assert_eq!(
            visibility(&catalog, &principal(&[Role::Analyst], &[], true))
                .board_areas
                .len(),
            0
        );
    }
}
