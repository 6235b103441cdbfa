//! Integration tokens for the API: random secrets shown once, stored only as
//! SHA-256 hashes, each with scopes.

use std::sync::Arc;

use chrono::Utc;
use kontakt_store::{ApiToken, NewToken, Store, StoreError};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Scopes a token may carry.
pub const SCOPE_CASES_READ: &str = "cases:read";
pub const SCOPE_CASES_WRITE: &str = "cases:write";
/// May see the name and contact details of persons with protected identity.
pub const SCOPE_PROTECTED: &str = "persons:protected";

/// Prefix that makes leaked tokens easy to recognise in logs and scanners.
const PREFIX: &str = "kt_";

pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Creates a token and returns the secret; it cannot be recovered later.
pub async fn issue(
    store: &Arc<dyn Store>,
    name: &str,
    scopes: &[&str],
) -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = format!("{PREFIX}{}", hex::encode(bytes));
    store
        .create_token(NewToken {
            name: name.to_owned(),
            hash: hash(&secret),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
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
