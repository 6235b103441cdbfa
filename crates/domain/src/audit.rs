//! The audit log's entries and their hash chain.
//!
//! Each entry's hash covers the previous entry's hash and the entry's own
//! canonical form, so changing, deleting or reordering a stored entry
//! breaks the chain at that point (`kontakt audit verify`). The chain proves
//! tampering to anyone who kept an earlier head hash; an attacker who can
//! rewrite the whole table can also recompute it, which is why the head is
//! also written to the server log.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Was the action carried out?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    Denied,
}

impl Outcome {
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "allowed" => Some(Outcome::Allowed),
            "denied" => Some(Outcome::Denied),
            _ => None,
        }
    }
}

/// Something to record: who did what to which object, when, from where and why.
/// Holds no more personal data than needed: objects are named by case number
/// or internal id, never by a person's name.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub at: DateTime<Utc>,
    /// `user:<login>`, `token:<name>` or `anonymous`.
    pub actor: String,
    /// e.g. `case.read`, `case.search`, `case.create`, `auth.denied`.
    pub action: String,
    /// e.g. `case`, `attachment`, `person`; empty when there is no object.
    pub object_type: String,
    /// e.g. the case number; filled in by the store for a new case.
    pub object_id: String,
    /// The board whose data it is (the data controller), if any.
    pub board: String,
    /// Why: chosen by the user or implied by the task.
    pub purpose: String,
    pub operation_id: String,
    /// The client's address.
    pub client: String,
    pub outcome: Outcome,
    /// Further facts as a JSON object (search terms and hit count, …).
    pub detail: serde_json::Value,
}

/// A stored entry: the event plus its place in the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub id: i64,
    pub event: AuditEvent,
    /// The JSON text the hash covers for `detail`, exactly as stored.
    pub detail_text: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The exact text an entry's hash covers. A JSON array of the fields in a
/// fixed order: unambiguous whatever the fields contain.
pub fn canonical(id: i64, e: &AuditEvent, detail_text: &str) -> String {
    serde_json::json!([
        id,
        e.at.timestamp_micros(),
        e.actor,
        e.action,
        e.object_type,
        e.object_id,
        e.board,
        e.purpose,
        e.operation_id,
        e.client,
        e.outcome.as_str(),
        detail_text,
    ])
    .to_string()
}

pub fn chain_hash(prev_hash: &str, canonical: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(canonical.as_bytes());
    hex::encode(h.finalize())
}

/// Where a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The entry's content does not match its hash: it was changed.
    Altered { id: i64 },
    /// The entry does not follow the one before it: entries were deleted,
    /// inserted or reordered.
    Unlinked { id: i64, after: Option<i64> },
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Break::Altered { id } => write!(f, "entry {id} was changed after it was written (its hash does not match)"),
            Break::Unlinked { id, after: Some(prev) } => write!(
                f,
                "entry {id} does not follow entry {prev} (entries were deleted, inserted or reordered)"
            ),
            Break::Unlinked { id, after: None } => {
                write!(f, "entry {id} is first but does not start the chain (earlier entries were deleted)")
            }
        }
    }
}

/// Checks entries in id order, carrying the chain across calls so a long log
/// can be verified page by page.
#[derive(Debug, Clone, Default)]
pub struct Verifier {
    last: Option<(i64, String)>,
    pub checked: u64,
}

impl Verifier {
    pub fn check(&mut self, r: &AuditRecord) -> Result<(), Break> {
        let expected_prev = self.last.as_ref().map_or(GENESIS, |(_, h)| h.as_str());
        if r.prev_hash != expected_prev {
            return Err(Break::Unlinked {
                id: r.id,
                after: self.last.as_ref().map(|(id, _)| *id),
            });
        }
        if chain_hash(&r.prev_hash, &canonical(r.id, &r.event, &r.detail_text)) != r.hash {
            return Err(Break::Altered { id: r.id });
        }
        self.last = Some((r.id, r.hash.clone()));
        self.checked += 1;
        Ok(())
    }

    /// The hash of the last entry checked: the head of the chain.
    pub fn head(&self) -> Option<&str> {
        self.last.as_ref().map(|(_, h)| h.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(action: &str) -> AuditEvent {
        AuditEvent {
            at: DateTime::from_timestamp_micros(1_790_000_000_000_000).expect("time"),
            actor: "user:anna".into(),
            action: action.into(),
            object_type: "case".into(),
            object_id: "KC-2026-000001".into(),
            board: "SDN-SKH".into(),
            purpose: "case_handling".into(),
            operation_id: "0123456789abcdef".into(),
            client: "127.0.0.1".into(),
            outcome: Outcome::Allowed,
            detail: serde_json::json!({}),
        }
    }

    fn chain(actions: &[&str]) -> Vec<AuditRecord> {
        let mut prev = GENESIS.to_owned();
        actions
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let e = event(a);
                let hash = chain_hash(&prev, &canonical(i as i64 + 1, &e, "{}"));
                let r = AuditRecord {
                    id: i as i64 + 1,
                    event: e,
                    detail_text: "{}".into(),
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                r
            })
            .collect()
    }

    fn verify(records: &[AuditRecord]) -> Result<u64, Break> {
        let mut v = Verifier::default();
        for r in records {
            v.check(r)?;
        }
        Ok(v.checked)
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(
            verify(&chain(&["case.read", "case.search", "case.create"])),
            Ok(3)
        );
    }

    #[test]
    fn changes_deletions_and_reordering_are_found() {
        let mut changed = chain(&["a", "b", "c"]);
        changed[1].event.actor = "user:mallory".into();
        assert_eq!(verify(&changed), Err(Break::Altered { id: 2 }));

        let mut deleted = chain(&["a", "b", "c"]);
        deleted.remove(1);
        assert_eq!(
            verify(&deleted),
            Err(Break::Unlinked {
                id: 3,
                after: Some(1)
            })
        );

        let mut first_deleted = chain(&["a", "b"]);
        first_deleted.remove(0);
        assert_eq!(
            verify(&first_deleted),
            Err(Break::Unlinked { id: 2, after: None })
        );

        let mut reordered = chain(&["a", "b", "c"]);
        reordered.swap(1, 2);
        assert_eq!(
            verify(&reordered),
            Err(Break::Unlinked {
                id: 3,
                after: Some(1)
            })
        );

        let mut detail = chain(&["a"]);
        detail[0].detail_text = r#"{"hits":0}"#.into();
        assert_eq!(verify(&detail), Err(Break::Altered { id: 1 }));
    }
}
