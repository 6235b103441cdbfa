//! Integration tokens for the API: random secrets shown once, stored only as
//! SHA-256 hashes. A token carries grants that make its principal: roles
//! (`agent_l2`, `registrar`, `intake`, …), groups (`group:SBK-BYGG`),
//! boards for log review (`board:SDN-SKH`) and `protected_identity`. What the principal may do is decided by
//! `kontakt_domain::access`, like for any staff member.

use std::sync::Arc;

use chrono::Utc;
use kontakt_domain::access::{Principal, Role};
use kontakt_domain::catalog::Catalog;
use kontakt_store::{ApiToken, NewToken, Store, StoreError};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The grant for persons with protected identity.
pub const GRANT_PROTECTED: &str = "protected_identity";
const GROUP_PREFIX: &str = "group:";
const BOARD_PREFIX: &str = "board:";

/// Prefix that makes leaked tokens easy to recognise in logs and scanners.
const PREFIX: &str = "kt_";

pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The principal a token's grants make.
pub fn principal(grants: &[String]) -> Principal {
    let mut p = Principal::default();
    for g in grants {
        if let Some(role) = Role::parse(g) {
            p.roles.push(role);
        } else if let Some(group) = g.strip_prefix(GROUP_PREFIX) {
            p.groups.push(group.to_owned());
        } else if let Some(board) = g.strip_prefix(BOARD_PREFIX) {
            p.review_boards.push(board.to_owned());
        } else if g == GRANT_PROTECTED {
            p.protected_identity = true;
        }
    }
    p
}

/// Checks grants before a token is made: every word must mean something.
pub fn check_grants(grants: &[&str], catalog: &Catalog) -> Result<(), String> {
    for g in grants {
        let ok = Role::parse(g).is_some()
            || *g == GRANT_PROTECTED
            || g.strip_prefix(GROUP_PREFIX)
                .is_some_and(|code| catalog.group(code).is_some())
            || g.strip_prefix(BOARD_PREFIX)
                .is_some_and(|code| catalog.board(code).is_some());
        if !ok {
            let roles: Vec<&str> = Role::ALL.iter().map(Role::as_str).collect();
            return Err(format!(
                                "unknown grant '{g}' (roles: {}; group:<catalog group>; board:<catalog board, for log review>; {GRANT_PROTECTED})",
                roles.join(", ")
            ));
        }
    }
    Ok(())
}

/// 256 random bits from the operating system, in hex.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Creates a token and returns the secret; it cannot be recovered later.
pub async fn issue(
    store: &Arc<dyn Store>,
    name: &str,
    grants: &[&str],
) -> Result<String, StoreError> {
    let secret = format!("{PREFIX}{}", random_secret());
    store
        .create_token(NewToken {
            name: name.to_owned(),
            hash: hash(&secret),
            scopes: grants.iter().map(|s| s.to_string()).collect(),
            created_at: Utc::now(),
        })
        .await?;
    Ok(secret)
}

/// The token for a presented secret, if it exists and is not revoked.
pub async fn verify(store: &Arc<dyn Store>, secret: &str) -> Result<Option<ApiToken>, StoreError> {
    if !secret.starts_with(PREFIX) || secret.len() > 200 {
        return Ok(None);
    }
    Ok(store
        .token_by_hash(&hash(secret))
        .await?
        .filter(|t| !t.revoked))
}
