//! What the store keeps about staff logins: accounts and sessions. The rules
//! (password hashing, second factor, lockout, timeouts) live in
//! `kontakt_app::staff`; the store makes each change durable together with
//! its audit entries.

use chrono::{DateTime, Utc};
use kontakt_domain::audit::AuditEvent;

/// A staff member's local account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Lower-case login name, unique.
    pub username: String,
    pub display_name: String,
    /// Argon2id PHC string; `None` when the account logs in only by SSO.
    pub password_hash: Option<String>,
    /// Base32 TOTP secret once the second factor is enrolled.
    pub totp_secret: Option<String>,
    /// Only demo accounts: log in without a second factor.
    pub totp_exempt: bool,
    /// Set by an administrator's reset: a new password must be chosen.
    pub must_change_password: bool,
    /// May sign on through the OpenID provider (set by an administrator).
    pub sso_allowed: bool,
    /// The `sub` of the OpenID provider, bound at the first SSO login.
    pub oidc_subject: Option<String>,
    /// The last TOTP time step accepted; a code is never accepted twice.
    pub totp_last_step: i64,
    /// Same vocabulary as integration tokens: roles, `group:X`, `board:X`, `protected_identity`.
    pub grants: Vec<String>,
    pub disabled: bool,
    /// Failed logins since the last success or lock (kept by the store).
    pub failed_logins: u32,
    pub locked_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// How far a session has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// Password accepted; waiting for the second factor (or its enrolment).
    SecondFactor,
    /// Password accepted, but the administrator's reset demands a new one.
    NewPassword,
    /// Logged in.
    Full,
    /// Before login: carries the OpenID Connect state, nonce and PKCE verifier.
    SingleSignOn,
}

impl SessionStage {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStage::SecondFactor => "second_factor",
            SessionStage::NewPassword => "new_password",
            SessionStage::Full => "full",
            SessionStage::SingleSignOn => "sso",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "second_factor" => SessionStage::SecondFactor,
            "new_password" => SessionStage::NewPassword,
            "full" => SessionStage::Full,
            "sso" => SessionStage::SingleSignOn,
            _ => return None,
        })
    }
}

/// A browser session. Only the SHA-256 of its cookie value is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id_hash: String,
    /// Empty for a single sign-on session that has not come back yet.
    pub username: String,
    pub stage: SessionStage,
    /// The synchronizer token every state-changing form must carry.
    pub csrf_token: String,
    /// Stage data (the SSO state, nonce and verifier), JSON.
    pub pending: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub ended: bool,
}

/// A change to an account, written with its audit entries. Each change
/// touches only its own columns, so a login step never undoes what an
/// administrator changed meanwhile.
#[derive(Debug, Clone)]
pub enum AccountChange {
    /// A new account; fails if the name is taken.
    Create(Box<Account>),
    /// Disabling also ends the user's sessions.
    SetDisabled { username: String, disabled: bool },
    /// A new password hash; clears failures and any lock. `reset` (an
    /// administrator's) demands a new password at the next login and ends
    /// the user's sessions; `forget_second_factor` also drops the TOTP secret.
    SetPassword {
        username: String,
        hash: String,
        reset: bool,
        forget_second_factor: bool,
    },
    /// Counts a failed login step: the `max_failures`-th failure in a row
    /// locks the account until `lock_until`.
    Failure {
        username: String,
        max_failures: u32,
        lock_until: DateTime<Utc>,
    },
    /// The login is complete: clears failures and lock; records the TOTP
    /// step used (and enrols `enrol`, if given). Fails with
    /// [`crate::StoreError::Conflict`] if that step (or a later one) was
    /// already used or the account was disabled meanwhile.
    LoggedIn {
        username: String,
        totp_step: Option<i64>,
        enrol: Option<String>,
    },
    /// Binds the OpenID subject at the first sign-on; fails with
    /// [`crate::StoreError::Conflict`] unless the account allows single
    /// sign-on, is enabled and has no subject yet.
    BindSubject { username: String, subject: String },
}

/// A change to a session.
#[derive(Debug, Clone)]
pub enum SessionChange {
    Start(Box<Session>),
    /// Replaces a session by a new one (a new id at every step up, against
    /// session fixation).
    /// Fails with [`crate::StoreError::Conflict`] if the old session had
    /// already ended: each step can be taken once.
    Replace {
        old_id_hash: String,
        new: Box<Session>,
    },
    Touch {
        id_hash: String,
        at: DateTime<Utc>,
    },
    /// Fails with [`crate::StoreError::Conflict`] if it had already ended.
    End {
        id_hash: String,
        at: DateTime<Utc>,
    },
    /// Deletes sessions that ended, or were last used, before `before`.
    Purge {
        before: DateTime<Utc>,
    },
}

/// An account or session change and the audit entries that record it.
#[derive(Debug, Clone)]
pub struct StaffWrite {
    pub at: DateTime<Utc>,
    pub account: Option<AccountChange>,
    pub session: Option<SessionChange>,
    pub audit: Vec<AuditEvent>,
}
