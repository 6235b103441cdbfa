//! The data subject's rights beyond the register extract (in `cases.rs`):
//! rectification (rättelse) of a person's details with history, and
//! retention (gallring): closed cases whose retention period — set per case
//! type in the catalog, counted from the day the case was closed — has
//! passed are removed, leaving anonymous counts for statistics.

use std::collections::BTreeMap;

use chrono::{DateTime, Months, NaiveDate, Utc};
use kontakt_domain::access::Role;
use kontakt_domain::audit::Outcome;
use kontakt_domain::catalog::Catalog;
use kontakt_domain::contact::{EmailAddress, Language, PhoneNumber};
use kontakt_store::rights::{PersonField, Rectification, RectificationRecord, Removal};
use kontakt_store::Store;

use crate::cases::{Actor, CaseError, CaseService, FieldError};

/// A rectification as asked for: new values by field name (`null` removes a
/// value), and why.
#[derive(Debug, Clone)]
pub struct RectifyRequest {
    pub personnummer: String,
    pub changes: BTreeMap<String, Option<String>>,
    pub reason: String,
}

fn field_error(field: String, reason: impl Into<String>) -> FieldError {
    FieldError {
        field,
        reason: reason.into(),
    }
}

/// Checks and normalises each change; every problem is reported at once.
fn check_changes(req: &RectifyRequest) -> Result<Vec<(PersonField, Option<String>)>, CaseError> {
    let mut errors = Vec::new();
    let mut changes = Vec::new();
    if req.changes.is_empty() {
        errors.push(field_error(
            "changes".into(),
            "name at least one field to change",
        ));
    }
    let reason = req.reason.trim();
    if !(3..=500).contains(&reason.chars().count()) {
        errors.push(field_error(
            "reason".into(),
            "give the reason in 3–500 characters",
        ));
    }
    for (name, value) in &req.changes {
        let path = format!("changes.{name}");
        let Some(field) = PersonField::parse(name) else {
            errors.push(field_error(
                path,
                "unknown field (name, phone, email, preferred_language)",
            ));
            continue;
        };
        let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty());
        let normalised = match (field, value) {
            (_, None) => Ok(None),
            (PersonField::Name, Some(v)) if v.chars().count() <= 200 => Ok(Some(v.to_owned())),
            (PersonField::Name, Some(_)) => Err("at most 200 characters".to_owned()),
            (PersonField::Phone, Some(v)) => PhoneNumber::parse(v)
                .map(|p| Some(p.as_str().to_owned()))
                .map_err(|e| e.to_string()),
            (PersonField::Email, Some(v)) => EmailAddress::parse(v)
                .map(|e| Some(e.as_str().to_owned()))
                .map_err(|e| e.to_string()),
            (PersonField::PreferredLanguage, Some(v)) => Language::parse(v)
                .map(|l| Some(l.as_str().to_owned()))
                .map_err(|e| e.to_string()),
        };
        match normalised {
            Ok(v) => changes.push((field, v)),
            Err(reason) => errors.push(field_error(path, reason)),
        }
    }
    if errors.is_empty() {
        Ok(changes)
    } else {
        Err(CaseError::Invalid(errors))
    }
}

impl CaseService {
    /// Rectifies a person's details (the registrar's task). The old values
    /// are kept in the person's rectification history, which the register
    /// extract shows; the audit entries name the fields, not the values.
    pub async fn rectify(
        &self,
        req: RectifyRequest,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Vec<RectificationRecord>, CaseError> {
        let changes = check_changes(&req)?;
        let (person, cases) = self
            .person_with_cases(&req.personnummer, actor, now, "person.rectify")
            .await?;
        let fields: Vec<&str> = changes.iter().map(|(f, _)| f.column()).collect();
        let boards: std::collections::BTreeSet<&str> =
            cases.iter().map(|c| c.board.as_str()).collect();
        let audit = boards
            .into_iter()
            .map(|board| {
                actor.event(
                    now,
                    "person.rectify",
                    ("person", &person.id.to_string()),
                    board,
                    Outcome::Allowed,
                    serde_json::json!({ "fields": fields, "protected": person.protected_identity }),
                )
            })
            .collect();
        self.store()
            .rectify(Rectification {
                person_id: person.id,
                changes,
                reason: req.reason.trim().to_owned(),
                actor: actor.id.clone(),
                at: now,
                audit,
            })
            .await?;
        Ok(self.store().rectifications(person.id).await?)
    }
}

/// One case type's line in a retention report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RetentionLine {
    pub case_type: String,
    pub retention_months: u32,
    /// Cases closed before this day are due.
    pub closed_before: NaiveDate,
    pub due: u64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct RetentionReport {
    pub today: NaiveDate,
    pub dry_run: bool,
    /// Only case types with cases due.
    pub lines: Vec<RetentionLine>,
    pub due: u64,
    pub removed: u64,
    /// Set-aside mail older than [`crate::set_aside::KEPT_DAYS`] removed.
    pub set_aside_removed: u64,
}

/// Cases removed per transaction: keeps each write short, so the desk's
/// own writes do not wait behind a night's retention.
const BATCH: u32 = 500;

/// Finds the closed cases due for removal on `today` and, unless `dry_run`,
/// removes them in batches. Only the administrator (or the system's own
/// scheduled job) runs it; every removal is audited with the case number.
pub async fn run_retention(
    store: &std::sync::Arc<dyn Store>,
    catalog: &Catalog,
    actor: &Actor,
    today: NaiveDate,
    dry_run: bool,
) -> Result<RetentionReport, CaseError> {
    if !actor.id.starts_with("system:") && !actor.principal.has(Role::Administrator) {
        return Err(CaseError::Forbidden(
            "retention is run by an administrator".into(),
        ));
    }
    if !dry_run {
        // Statistics outlive the cases: their latest facts are made first.
        crate::stats::StatsService::new(store.clone(), std::sync::Arc::new(catalog.clone()))
            .refresh()
            .await?;
    }
    let mut report = RetentionReport {
        today,
        dry_run,
        lines: Vec::new(),
        due: 0,
        removed: 0,
        set_aside_removed: 0,
    };
    for case_type in &catalog.case_types {
        let months = case_type.retention_months;
        let closed_before = today
            .checked_sub_months(Months::new(months))
            .unwrap_or(NaiveDate::MIN);
        let cutoff = kontakt_domain::calendar::stockholm_midnight(closed_before);
        let due = store
            .retention_candidates(&case_type.code, cutoff, u32::MAX)
            .await?
            .len() as u64;
        if due == 0 {
            continue;
        }
        report.due += due;
        report.lines.push(RetentionLine {
            case_type: case_type.code.clone(),
            retention_months: months,
            closed_before,
            due,
        });
        if dry_run {
            continue;
        }
        loop {
            let batch = store
                .retention_candidates(&case_type.code, cutoff, BATCH)
                .await?;
            if batch.is_empty() {
                break;
            }
            let template = actor.event(
                Utc::now(),
                "retention.remove",
                ("case", ""),
                "",
                Outcome::Allowed,
                serde_json::json!({ "retention_months": months }),
            );
            let removal = Removal {
                case_type: case_type.code.clone(),
                closed_before: cutoff,
                numbers: batch.iter().map(|c| c.number).collect(),
                template,
            };
            let removed = store.remove_cases(removal).await?;
            report.removed += removed;
            if removed == 0 {
                break;
            }
        }
    }
    if !dry_run {
        let before = kontakt_domain::calendar::stockholm_midnight(
            today - chrono::Days::new(crate::set_aside::KEPT_DAYS),
        );
        report.set_aside_removed =
            crate::set_aside::remove_older_than(store.as_ref(), before, actor, Utc::now()).await?;
    }
    let summary = actor.event(
        Utc::now(),
        if dry_run {
            "retention.dry_run"
        } else {
            "retention.run"
        },
        ("", ""),
        "",
        Outcome::Allowed,
        serde_json::json!({ "today": today.to_string(), "due": report.due, "removed": report.removed, "set_aside_removed": report.set_aside_removed }),
    );
    store.audit(vec![summary]).await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(changes: &[(&str, Option<&str>)], reason: &str) -> RectifyRequest {
        RectifyRequest {
            personnummer: "19121212-1212".into(),
            changes: changes
                .iter()
                .map(|(k, v)| (k.to_string(), v.map(str::to_owned)))
                .collect(),
            reason: reason.into(),
        }
    }

    #[test]
    fn changes_are_normalised_and_every_problem_reported() {
        let ok = check_changes(&req(
            &[("phone", Some("070-123 45 67")), ("email", None)],
            "fel nummer",
        ));
        let ok = ok.unwrap_or_default();
        assert_eq!(ok[0].1, None, "email removed");
        assert_eq!(ok[1].1.as_deref(), Some("+46701234567"));
        let Err(CaseError::Invalid(errors)) = check_changes(&req(
            &[("phone", Some("abc")), ("shoe_size", Some("44"))],
            "x",
        )) else {
            panic!("expected invalid");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["reason", "changes.phone", "changes.shoe_size"]);
    }
}
