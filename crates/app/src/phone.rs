//! The phone: which answer group a call goes to (catalog numbers, menus and
//! hours, and each group's own settings), and the settings a group's team
//! leader changes from the web interface — validated, and audited with
//! the settings before and after.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use kontakt_domain::access::Role;
use kontakt_domain::audit::Outcome;
use kontakt_domain::catalog::{Catalog, Group, GroupKind};
use kontakt_domain::phone::{
    Announcement, AnnouncementInput, Closed, GroupPhoneSettings, SettingsInput,
};
use kontakt_store::phone::{
    AnnouncementWrite, PhoneSettingsWrite, StoredAnnouncement, StoredPhoneSettings,
};
use kontakt_store::{Store, StoreError};

use crate::cases::{Actor, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum PhoneError {
    #[error("the request has invalid fields")]
    Invalid(Vec<FieldError>),
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("no {0}")]
    NotFound(String),
    #[error("storage failed: {0}")]
    Store(#[from] StoreError),
}

/// Where a call to a number with these keys goes, now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// The queue of this group; `greeting` is played first, if the team set one.
    Queue {
        group: String,
        language: String,
        path: String,
        greeting: Option<String>,
        /// The number's priority (higher first).
        priority: u8,
    },
    /// Closed: the message to play, and the group the keys led to (if any).
    Closed {
        message: String,
        group: Option<String>,
        language: String,
        path: String,
    },
}

pub struct PhoneService {
    store: Arc<dyn Store>,
    catalog: Arc<Catalog>,
    /// Each group's settings, read from the store once; read on every
    /// call, changed rarely (and only through this service).
    settings: tokio::sync::OnceCell<RwLock<HashMap<String, StoredPhoneSettings>>>,
    /// Each entry number's announcement, the same way.
    announcements: tokio::sync::OnceCell<RwLock<HashMap<String, StoredAnnouncement>>>,
    /// One change at a time, so the store and the cache agree.
    changing: tokio::sync::Mutex<()>,
}

impl PhoneService {
    pub fn new(store: Arc<dyn Store>, catalog: Arc<Catalog>) -> Self {
        PhoneService {
            store,
            catalog,
            settings: tokio::sync::OnceCell::new(),
            announcements: tokio::sync::OnceCell::new(),
            changing: tokio::sync::Mutex::new(()),
        }
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    async fn all_settings(
        &self,
    ) -> Result<&RwLock<HashMap<String, StoredPhoneSettings>>, StoreError> {
        self.settings
            .get_or_try_init(|| async {
                let all = self.store.phone_settings().await?;
                Ok(RwLock::new(
                    all.into_iter().map(|s| (s.group.clone(), s)).collect(),
                ))
            })
            .await
    }

    /// A group's settings as the team last saved them (None if never).
    pub async fn settings(&self, group: &str) -> Result<Option<StoredPhoneSettings>, StoreError> {
        Ok(self
            .all_settings()
            .await?
            .read()
            .ok()
            .and_then(|s| s.get(group).cloned()))
    }

    async fn all_announcements(
        &self,
    ) -> Result<&RwLock<HashMap<String, StoredAnnouncement>>, StoreError> {
        self.announcements
            .get_or_try_init(|| async {
                let all = self.store.phone_announcements().await?;
                Ok(RwLock::new(
                    all.into_iter().map(|a| (a.number.clone(), a)).collect(),
                ))
            })
            .await
    }

    /// A number's announcement as last set or removed (None if never).
    pub async fn stored_announcement(
        &self,
        number: &str,
    ) -> Result<Option<StoredAnnouncement>, StoreError> {
        Ok(self
            .all_announcements()
            .await?
            .read()
            .ok()
            .and_then(|a| a.get(number).cloned()))
    }

    /// What callers of `number` hear before the menu at `at`, if anything.
    pub async fn announcement(
        &self,
        number: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<Announcement>, StoreError> {
        Ok(self
            .stored_announcement(number)
            .await?
            .and_then(|s| s.announcement)
            .filter(|a| a.is_active(at)))
    }

    /// Whether the actor may set the announcements before the menus: they
    /// reach every caller of the city, so administrators only.
    pub fn may_announce(actor: &Actor) -> bool {
        actor.principal.has(Role::Administrator)
    }

    /// Sets (or, with an empty text, removes) the announcement played to
    /// every caller of `number` before its menu.
    pub async fn change_announcement(
        &self,
        number: &str,
        input: &AnnouncementInput,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Option<Announcement>, PhoneError> {
        if !Self::may_announce(actor) {
            let event = actor.event(
                now,
                "access.denied",
                ("phone_number", &number.chars().take(32).collect::<String>()),
                "",
                Outcome::Denied,
                serde_json::json!({"action": "phone.announcement.change"}),
            );
            self.store.audit(vec![event]).await?;
            return Err(PhoneError::Forbidden(
                "only an administrator changes what every caller hears before the menu".into(),
            ));
        }
        self.set_announcement(number, input, actor, now, serde_json::Value::Null)
            .await
    }

    /// Sets what every caller of `number` hears first, for an actor whose
    /// right to do so is already established (an administrator, or a
    /// crisis being published: `context` says which, in the audit entry).
    pub(crate) async fn set_announcement(
        &self,
        number: &str,
        input: &AnnouncementInput,
        actor: &Actor,
        now: DateTime<Utc>,
        context: serde_json::Value,
    ) -> Result<Option<Announcement>, PhoneError> {
        let Some(entry) = self.catalog.phone.number(number) else {
            return Err(PhoneError::NotFound(format!("entry number {number}")));
        };
        let announcement = Announcement::from_input(input, now).map_err(invalid)?;
        let _one_at_a_time = self.changing.lock().await;
        let before = self
            .stored_announcement(&entry.number)
            .await?
            .and_then(|s| s.announcement);
        let event = actor.event(
            now,
            "phone.announcement.change",
            ("phone_number", &entry.number),
            "",
            Outcome::Allowed,
            serde_json::json!({"before": before, "after": announcement, "context": context}),
        );
        let stored = StoredAnnouncement {
            number: entry.number.clone(),
            announcement: announcement.clone(),
            changed_by: actor.id.clone(),
            changed_at: now,
        };
        self.store
            .save_phone_announcement(AnnouncementWrite {
                stored: stored.clone(),
                audit: vec![event],
            })
            .await?;
        if let Ok(mut all) = self.all_announcements().await?.write() {
            all.insert(entry.number.clone(), stored);
        }
        Ok(announcement)
    }

    /// The answer groups whose phone settings the actor may change: a team
    /// leader their own groups', an administrator every group's.
    pub fn managed_groups(&self, actor: &Actor) -> Vec<&Group> {
        self.catalog
            .groups
            .iter()
            .filter(|g| matches!(g.kind, GroupKind::Answer { .. }))
            .filter(|g| may_manage(actor, &g.code))
            .collect()
    }

    /// Where a call to `number` with `keys` pressed goes at `at`: the
    /// number's menu chooses the group; the number's hours, then the
    /// group's own hours and absence decide whether it answers.
    pub async fn destination(
        &self,
        number: &str,
        keys: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<Destination>, StoreError> {
        let phone = &self.catalog.phone;
        let Some(route) = phone
            .number(number)
            .and_then(|entry| phone.route(entry, keys))
        else {
            return Ok(None);
        };
        self.open_or_closed(number, route, at).await
    }

    /// Where a call goes that the phone system queued in `group` itself
    /// (its own menu): the same hours, absence message and greeting apply.
    pub async fn destination_in_group(
        &self,
        number: &str,
        group: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<Destination>, StoreError> {
        let route = kontakt_domain::catalog::phone::Route {
            group: group.to_owned(),
            language: "sv".into(),
            path: String::new(),
        };
        self.open_or_closed(number, route, at).await
    }

    async fn open_or_closed(
        &self,
        number: &str,
        route: kontakt_domain::catalog::phone::Route,
        at: DateTime<Utc>,
    ) -> Result<Option<Destination>, StoreError> {
        let phone = &self.catalog.phone;
        let Some(entry) = phone.number(number) else {
            return Ok(None);
        };
        let Some(hours) = phone.hours(&entry.hours) else {
            return Ok(None);
        };
        let english = route.language == "en";
        let settings = self
            .settings(&route.group)
            .await?
            .map(|s| s.settings)
            .unwrap_or_default();
        let pick = |sv: &str, en: &str| {
            if english {
                en.to_owned()
            } else {
                sv.to_owned()
            }
        };
        Ok(match settings.closed(hours, at) {
            Some(Closed::Absent(a)) => Some(Destination::Closed {
                message: pick(&a.message_sv, &a.message_en),
                group: Some(route.group),
                language: route.language,
                path: route.path,
            }),
            Some(Closed::Hours) => Some(Destination::Closed {
                message: pick(&entry.closed_sv, &entry.closed_en),
                group: Some(route.group),
                language: route.language,
                path: route.path,
            }),
            None => {
                let greeting = if english {
                    settings.greeting_en.or(settings.greeting_sv)
                } else {
                    settings.greeting_sv
                };
                Some(Destination::Queue {
                    group: route.group,
                    language: route.language,
                    path: route.path,
                    greeting,
                    priority: entry.priority,
                })
            }
        })
    }

    /// Saves a group's settings from the team leader's form.
    pub async fn change_settings(
        &self,
        group: &str,
        input: &SettingsInput,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<GroupPhoneSettings, PhoneError> {
        let is_answer_group = self
            .catalog
            .group(group)
            .is_some_and(|g| matches!(g.kind, GroupKind::Answer { .. }));
        if !is_answer_group {
            return Err(PhoneError::NotFound(format!("answer group {group}")));
        }
        if !may_manage(actor, group) {
            let event = actor.event(
                now,
                "access.denied",
                ("answer_group", group),
                "",
                Outcome::Denied,
                serde_json::json!({"action": "phone.settings.change"}),
            );
            self.store.audit(vec![event]).await?;
            return Err(PhoneError::Forbidden(format!(
                "only the team leaders of {group} (or an administrator) change its phone settings"
            )));
        }
        let settings = GroupPhoneSettings::from_input(input, now).map_err(invalid)?;
        let _one_at_a_time = self.changing.lock().await;
        let before = self
            .settings(group)
            .await?
            .map(|s| s.settings)
            .unwrap_or_default();
        let event = actor.event(
            now,
            "phone.settings.change",
            ("answer_group", group),
            "",
            Outcome::Allowed,
            serde_json::json!({"before": before, "after": settings}),
        );
        let stored = StoredPhoneSettings {
            group: group.to_owned(),
            settings: settings.clone(),
            changed_by: actor.id.clone(),
            changed_at: now,
        };
        self.store
            .save_phone_settings(PhoneSettingsWrite {
                stored: stored.clone(),
                audit: vec![event],
            })
            .await?;
        if let Ok(mut all) = self.all_settings().await?.write() {
            all.insert(group.to_owned(), stored);
        }
        Ok(settings)
    }
}

fn invalid(problems: Vec<(String, String)>) -> PhoneError {
    PhoneError::Invalid(
        problems
            .into_iter()
            .map(|(field, reason)| FieldError { field, reason })
            .collect(),
    )
}

fn may_manage(actor: &Actor, group: &str) -> bool {
    let p = &actor.principal;
    p.has(Role::Administrator) || (p.has(Role::Supervisor) && p.groups.iter().any(|g| g == group))
}
