//! Answer groups' own phone settings (see `kontakt_domain::phone`).

use chrono::{DateTime, Utc};
use kontakt_domain::audit::AuditEvent;
use kontakt_domain::phone::GroupPhoneSettings;

/// A group's settings as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPhoneSettings {
    pub group: String,
    pub settings: GroupPhoneSettings,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

/// Replaces a group's settings, with the audit entry of the change, in one
/// transaction.
#[derive(Debug, Clone)]
pub struct PhoneSettingsWrite {
    pub stored: StoredPhoneSettings,
    pub audit: Vec<AuditEvent>,
}

pub(crate) fn to_json(s: &GroupPhoneSettings) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "{}".into())
}

pub(crate) fn from_json(group: &str, json: &str) -> crate::Result<GroupPhoneSettings> {
    serde_json::from_str(json)
        .map_err(|e| crate::StoreError::Corrupt(format!("phone settings of {group}: {e}")))
}
