//! What is changed about the phone lines while the city runs (see
//! `kontakt_domain::phone`): answer groups' own settings, and the
//! announcement each entry number plays before its menu. Both are a JSON
//! value per key with who changed it, so both backends store them with one
//! upsert and one select (`LineTable`).

use chrono::{DateTime, Utc};
use kontakt_domain::audit::AuditEvent;
use kontakt_domain::phone::{Announcement, GroupPhoneSettings};

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

/// An entry number's announcement as stored (None: removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnnouncement {
    pub number: String,
    pub announcement: Option<Announcement>,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

/// Sets or removes a number's announcement, with the audit entry, in one
/// transaction.
#[derive(Debug, Clone)]
pub struct AnnouncementWrite {
    pub stored: StoredAnnouncement,
    pub audit: Vec<AuditEvent>,
}

/// The tables of line settings, all of the same shape.
#[derive(Debug, Clone, Copy)]
pub(crate) enum LineTable {
    GroupSettings,
    Announcements,
}

impl LineTable {
    fn name_and_key(self) -> (&'static str, &'static str) {
        match self {
            LineTable::GroupSettings => ("group_phone_settings", "group_code"),
            LineTable::Announcements => ("phone_announcements", "number"),
        }
    }

    /// The upsert, with `?N` (SQLite) or `$N` (PostgreSQL) parameters:
    /// key, settings, changed_by, changed_at.
    pub(crate) fn upsert_sql(self, mark: char) -> String {
        let (table, key) = self.name_and_key();
        format!(
            "INSERT INTO {table} ({key}, settings, changed_by, changed_at) \
             VALUES ({mark}1, {mark}2, {mark}3, {mark}4) ON CONFLICT ({key}) DO UPDATE SET \
             settings = excluded.settings, changed_by = excluded.changed_by, changed_at = excluded.changed_at"
        )
    }

    pub(crate) fn select_sql(self) -> String {
        let (table, key) = self.name_and_key();
        format!("SELECT {key}, settings, changed_by, changed_at FROM {table} ORDER BY {key}")
    }
}

/// One row of a line table.
#[derive(Debug, Clone)]
pub(crate) struct LineRow {
    pub key: String,
    pub json: String,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

/// A write to a line table with its audit entries.
#[derive(Debug, Clone)]
pub(crate) struct LineWrite {
    pub table: LineTable,
    pub row: LineRow,
    pub audit: Vec<AuditEvent>,
}

impl From<PhoneSettingsWrite> for LineWrite {
    fn from(w: PhoneSettingsWrite) -> Self {
        LineWrite {
            table: LineTable::GroupSettings,
            row: LineRow {
                json: to_json(&w.stored.settings),
                key: w.stored.group,
                changed_by: w.stored.changed_by,
                changed_at: w.stored.changed_at,
            },
            audit: w.audit,
        }
    }
}

impl From<AnnouncementWrite> for LineWrite {
    fn from(w: AnnouncementWrite) -> Self {
        LineWrite {
            table: LineTable::Announcements,
            row: LineRow {
                json: to_json(&w.stored.announcement),
                key: w.stored.number,
                changed_by: w.stored.changed_by,
                changed_at: w.stored.changed_at,
            },
            audit: w.audit,
        }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

fn from_json<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> crate::Result<T> {
    serde_json::from_str(json).map_err(|e| crate::StoreError::Corrupt(format!("{what}: {e}")))
}

pub(crate) fn group_settings(rows: Vec<LineRow>) -> crate::Result<Vec<StoredPhoneSettings>> {
    rows.into_iter()
        .map(|r| {
            Ok(StoredPhoneSettings {
                settings: from_json(&format!("phone settings of {}", r.key), &r.json)?,
                group: r.key,
                changed_by: r.changed_by,
                changed_at: r.changed_at,
            })
        })
        .collect()
}

pub(crate) fn announcements(rows: Vec<LineRow>) -> crate::Result<Vec<StoredAnnouncement>> {
    rows.into_iter()
        .map(|r| {
            Ok(StoredAnnouncement {
                announcement: from_json(&format!("announcement of {}", r.key), &r.json)?,
                number: r.key,
                changed_by: r.changed_by,
                changed_at: r.changed_at,
            })
        })
        .collect()
}
