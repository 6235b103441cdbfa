//! Crisis mode (001:362): an authorised user publishes one message with a
//! scripted answer and the case type its contacts are registered as. At
//! once it shows on every agent's desktop (a live banner fed from
//! `subscribe`), on the residents' pages, and before every entry number's
//! phone menu; ending it is one action that takes all of it away. Every
//! step is audited. Other processes learn of a change within a second
//! (`spawn_watcher` reads the store).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use kontakt_domain::access::Role;
use kontakt_domain::audit::Outcome;
use kontakt_domain::catalog::Catalog;
use kontakt_domain::crisis::CrisisMessage;
use kontakt_domain::phone::{Announcement, AnnouncementInput};
use kontakt_store::crisis::{CrisisWrite, StoredCrisis};
use kontakt_store::{Store, StoreError};
use serde::Serialize;
use tokio::sync::watch;

use crate::cases::{Actor, FieldError};
use crate::phone::PhoneService;

#[derive(Debug, thiserror::Error)]
pub enum CrisisError {
    #[error("the request has invalid fields")]
    Invalid(Vec<FieldError>),
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error("storage failed: {0}")]
    Store(#[from] StoreError),
}

/// A crisis as published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Crisis {
    pub id: i64,
    pub message: CrisisMessage,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    pub ended_by: Option<String>,
    pub ended_at: Option<DateTime<Utc>>,
}

impl Crisis {
    fn from_stored(s: StoredCrisis) -> Result<Crisis, CrisisError> {
        Ok(Crisis {
            message: serde_json::from_str(&s.message).map_err(|e| {
                CrisisError::Store(StoreError::Corrupt(format!("crisis {}: {e}", s.id)))
            })?,
            id: s.id,
            started_by: s.started_by,
            started_at: s.started_at,
            ended_by: s.ended_by,
            ended_at: s.ended_at,
        })
    }
}

pub struct CrisisService {
    store: Arc<dyn Store>,
    catalog: Arc<Catalog>,
    phone: Arc<PhoneService>,
    current: watch::Sender<Option<Arc<Crisis>>>,
    /// One start or end at a time in this process.
    changing: tokio::sync::Mutex<()>,
}

/// How often a process looks for a crisis another process started.
const WATCH_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

impl CrisisService {
    pub fn new(store: Arc<dyn Store>, catalog: Arc<Catalog>, phone: Arc<PhoneService>) -> Self {
        CrisisService {
            store,
            catalog,
            phone,
            current: watch::channel(None).0,
            changing: tokio::sync::Mutex::new(()),
        }
    }

    /// Team leaders, knowledge editors and administrators.
    pub fn may_publish(actor: &Actor) -> bool {
        let p = &actor.principal;
        p.has(Role::Supervisor) || p.has(Role::Editor) || p.has(Role::Administrator)
    }

    /// The crisis going on, as this process last knew it.
    pub fn current(&self) -> Option<Arc<Crisis>> {
        self.current.borrow().clone()
    }

    /// Every change, as it happens (the desktops' live banner).
    pub fn subscribe(&self) -> watch::Receiver<Option<Arc<Crisis>>> {
        self.current.subscribe()
    }

    /// Reads the crisis going on from the store and tells subscribers if
    /// it changed.
    pub async fn load(&self) -> Result<Option<Arc<Crisis>>, CrisisError> {
        let active = match self.store.active_crisis().await? {
            Some(s) => Some(Arc::new(Crisis::from_stored(s)?)),
            None => None,
        };
        self.current.send_if_modified(|c| {
            let changed = c.as_ref().map(|x| x.id) != active.as_ref().map(|x| x.id);
            if changed {
                *c = active.clone();
            }
            changed
        });
        Ok(active)
    }

    /// Keeps `current` in step with the store, for crises started or
    /// ended by another process.
    pub fn spawn_watcher(self: &Arc<Self>) {
        let me = Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                let Some(service) = me.upgrade() else { return };
                if let Err(e) = service.load().await {
                    tracing::warn!(error = %e, "reading the crisis state failed");
                }
                drop(service);
                tokio::time::sleep(WATCH_EVERY).await;
            }
        });
    }

    fn check(actor: &Actor) -> Result<(), CrisisError> {
        if Self::may_publish(actor) {
            Ok(())
        } else {
            Err(CrisisError::Forbidden(
                "team leaders, knowledge editors and administrators publish crisis messages".into(),
            ))
        }
    }

    /// What every caller hears first during the crisis: each language's
    /// message, Swedish then English.
    fn announcement(message: &CrisisMessage) -> AnnouncementInput {
        let text = |l: &str| {
            message
                .texts
                .get(l)
                .map(|t| t.message.trim().to_owned())
                .unwrap_or_default()
        };
        AnnouncementInput {
            text_sv: text("sv"),
            text_en: text("en"),
            until: String::new(),
        }
    }

    async fn announce_one(
        &self,
        number: &str,
        input: &AnnouncementInput,
        actor: &Actor,
        crisis: i64,
        now: DateTime<Utc>,
    ) -> Result<(), CrisisError> {
        self.phone
            .set_announcement(
                number,
                input,
                actor,
                now,
                serde_json::json!({ "crisis": crisis }),
            )
            .await
            .map_err(|e| CrisisError::Conflict(format!("phone announcement: {e}")))?;
        Ok(())
    }

    /// Publishes a crisis message: the banner, the residents' pages and
    /// the announcement before every phone menu.
    pub async fn start(
        &self,
        actor: &Actor,
        message: &CrisisMessage,
        now: DateTime<Utc>,
    ) -> Result<Arc<Crisis>, CrisisError> {
        Self::check(actor)?;
        let message = &message.normalized();
        let mut problems = message.problems(&self.catalog);
        // The announcement before the phone menus is checked before
        // anything is saved, so a crisis never goes out without it.
        if let Err(p) =
            kontakt_domain::phone::Announcement::from_input(&Self::announcement(message), now)
        {
            problems.extend(p.into_iter().map(|(f, r)| (format!("announcement.{f}"), r)));
        }
        if !problems.is_empty() {
            return Err(CrisisError::Invalid(
                problems
                    .into_iter()
                    .map(|(field, reason)| FieldError { field, reason })
                    .collect(),
            ));
        }
        let _one = self.changing.lock().await;
        let message = message.clone();
        let json = serde_json::to_string(&message)
            .map_err(|e| CrisisError::Store(StoreError::Corrupt(e.to_string())))?;
        // What each number announced before, to put back when it ends.
        let mut before: std::collections::BTreeMap<String, Announcement> =
            std::collections::BTreeMap::new();
        for entry in &self.catalog.phone.numbers {
            if let Some(a) = self.phone.announcement(&entry.number, now).await? {
                before.insert(entry.number.clone(), a);
            }
        }
        let phone_before = serde_json::to_string(&before)
            .map_err(|e| CrisisError::Store(StoreError::Corrupt(e.to_string())))?;
        let event = actor.event(
            now,
            "crisis.start",
            ("crisis", "new"),
            "",
            Outcome::Allowed,
            serde_json::json!({ "case_type": message.case_type, "languages": message.texts.keys().collect::<Vec<_>>() }),
        );
        let id = self
            .store
            .crisis_write(CrisisWrite::Start {
                message: json,
                phone_before,
                by: actor.id.clone(),
                at: now,
                audit: vec![event],
            })
            .await
            .map_err(|e| match e {
                StoreError::Conflict => CrisisError::Conflict(
                    "a crisis message is already published: end it first".into(),
                ),
                other => other.into(),
            })?;
        for entry in &self.catalog.phone.numbers {
            self.announce_one(&entry.number, &Self::announcement(&message), actor, id, now)
                .await?;
        }
        Ok(self.load().await?.unwrap_or_else(|| {
            Arc::new(Crisis {
                id,
                message,
                started_by: actor.id.clone(),
                started_at: now,
                ended_by: None,
                ended_at: None,
            })
        }))
    }

    /// Ends the crisis going on: the banner, the pages' message and the
    /// phone announcements go.
    pub async fn end(&self, actor: &Actor, now: DateTime<Utc>) -> Result<i64, CrisisError> {
        Self::check(actor)?;
        let _one = self.changing.lock().await;
        let Some(active) = self.store.active_crisis().await? else {
            return Err(CrisisError::Conflict(
                "no crisis message is published".into(),
            ));
        };
        let event = actor.event(
            now,
            "crisis.end",
            ("crisis", &active.id.to_string()),
            "",
            Outcome::Allowed,
            serde_json::json!({ "started_at": active.started_at }),
        );
        self.store
            .crisis_write(CrisisWrite::End {
                id: active.id,
                by: actor.id.clone(),
                at: now,
                audit: vec![event],
            })
            .await?;
        // Each number gets back what it announced before the crisis, if
        // that does not run out within minutes (the form keeps minutes).
        let before: std::collections::BTreeMap<String, Announcement> =
            serde_json::from_str(&active.phone_before).unwrap_or_default();
        for entry in &self.catalog.phone.numbers {
            let input = before
                .get(&entry.number)
                .filter(|a| a.is_active(now + chrono::Duration::minutes(2)))
                .map(input_of)
                .unwrap_or_default();
            self.announce_one(&entry.number, &input, actor, active.id, now)
                .await?;
        }
        self.load().await?;
        Ok(active.id)
    }

    /// The latest crises, newest first.
    pub async fn recent(&self, limit: u32) -> Result<Vec<Crisis>, CrisisError> {
        self.store
            .crises(limit)
            .await?
            .into_iter()
            .map(Crisis::from_stored)
            .collect()
    }
}

/// An announcement as the form that sets it again.
fn input_of(a: &Announcement) -> AnnouncementInput {
    AnnouncementInput {
        text_sv: a.text_sv.clone(),
        text_en: a.text_en.clone().unwrap_or_default(),
        until: a
            .until
            .map(|u| {
                kontakt_domain::calendar::stockholm_local(u)
                    .format("%Y-%m-%dT%H:%M")
                    .to_string()
            })
            .unwrap_or_default(),
    }
}
