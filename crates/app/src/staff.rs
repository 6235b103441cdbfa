//! Staff logins: accounts with argon2id passwords and a TOTP second factor,
//! lockout after repeated failures, and browser sessions with idle and
//! absolute timeouts. Every login, failure, lockout, logout and account
//! change is written to the audit log in the same transaction as the change.
//!
//! A session's cookie value is a random secret; the store keeps only its
//! SHA-256, and every step up (password → second factor → logged in) gets a
//! new secret, so a session id planted before login is worth nothing after.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use kontakt_domain::access::{Principal, Role};
use kontakt_domain::audit::{AuditEvent, Outcome};
use kontakt_domain::catalog::Catalog;
use kontakt_store::staff::{
    Account, AccountChange, Session, SessionChange, SessionStage, StaffWrite,
};
use kontakt_store::{Store, StoreError};
use rand::{Rng, RngCore};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::cases::Actor;
use crate::tokens;

/// How logins are guarded. The defaults follow the city's information
/// security rules for systems with personal data.
#[derive(Debug, Clone)]
pub struct LoginPolicy {
    /// Failures in a row that lock the account.
    pub max_failures: u32,
    pub lock_for: Duration,
    /// A session unused this long is over.
    pub idle_timeout: Duration,
    /// Any session is over this long after login (a working day).
    pub absolute_timeout: Duration,
    /// The time allowed between the password and the second factor.
    pub step_timeout: Duration,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        LoginPolicy {
            max_failures: 5,
            lock_for: Duration::minutes(15),
            idle_timeout: Duration::minutes(30),
            absolute_timeout: Duration::hours(10),
            step_timeout: Duration::minutes(10),
        }
    }
}

pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longer passwords are refused before hashing: hashing is deliberately slow.
pub const MAX_PASSWORD_BYTES: usize = 256;
/// A session is written back as "seen" at most this often.
const TOUCH_EVERY: i64 = 60;

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("{0}")]
    Invalid(String),
    #[error("no account {0}")]
    NotFound(String),
    #[error("an account {0} already exists")]
    Exists(String),
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// Wrong name, wrong password, disabled or locked: one answer for all,
    /// so the login form does not tell which accounts exist.
    #[error("the login failed")]
    LoginFailed,
    /// The session is missing, over, or at another step.
    #[error("the session is not valid")]
    NoSession,
    #[error("storage failed: {0}")]
    Store(#[from] StoreError),
}

pub type Result<T> = std::result::Result<T, StaffError>;

/// A new account as an administrator (or the demo) describes it.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    /// `None`: a temporary password is made, or, for a single sign-on
    /// account, none at all.
    pub password: Option<String>,
    pub grants: Vec<String>,
    pub totp_exempt: bool,
    /// May log in through the city's OpenID provider.
    pub sso_allowed: bool,
}

/// A session that has reached a step, with the secret for its cookie.
#[derive(Debug, Clone)]
pub struct Started {
    pub secret: String,
    pub stage: SessionStage,
    pub csrf_token: String,
}

/// A logged-in staff member, as each request sees them.
#[derive(Debug, Clone)]
pub struct StaffSession {
    pub account: Account,
    pub session: Session,
    pub principal: Principal,
}

/// A session at an intermediate step (second factor, new password).
#[derive(Debug, Clone)]
pub struct PendingStep {
    pub account: Account,
    pub session: Session,
    /// The TOTP secret being enrolled, when the account has none yet.
    pub enrolment: Option<Enrolment>,
}

#[derive(Debug, Clone)]
pub struct Enrolment {
    pub secret_base32: String,
    pub otpauth_uri: String,
}

pub struct StaffService {
    store: Arc<dyn Store>,
    catalog: Arc<Catalog>,
    policy: LoginPolicy,
    /// Verified against when the account does not exist, so a wrong name
    /// takes as long as a wrong password.
    dummy_hash: String,
}

/// Whether an account's grants reach personal data, and so need a second factor.
pub fn needs_second_factor(grants: &[String]) -> bool {
    let p = tokens::principal(grants);
    p.protected_identity || !p.groups.is_empty() || p.roles.iter().any(|r| *r != Role::Analyst)
}

pub fn session_hash(secret: &str) -> String {
    tokens::hash(secret)
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StaffError::Invalid(format!("password hashing failed: {e}")))
}

fn password_matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Checks a new password: long enough, not too long, not the user name.
pub fn check_password(password: &str, username: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(StaffError::Invalid(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(StaffError::Invalid(format!(
            "the password may have at most {MAX_PASSWORD_BYTES} bytes"
        )));
    }
    if password.to_lowercase().contains(username) {
        return Err(StaffError::Invalid(
            "the password must not contain the user name".into(),
        ));
    }
    Ok(())
}

fn check_username(username: &str) -> Result<String> {
    let u = username.trim().to_lowercase();
    let ok = (2..=64).contains(&u.len())
        && u.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if ok {
        Ok(u)
    } else {
        Err(StaffError::Invalid(
            "the user name must be 2–64 characters: a–z, 0–9, '.', '_' or '-'".into(),
        ))
    }
}

fn totp(secret_base32: &str, username: &str) -> Result<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_owned())
        .to_bytes()
        .map_err(|_| StaffError::Invalid("unreadable second-factor secret".into()))?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some("Kontakt".into()),
        username.to_owned(),
    )
    .map_err(|e| StaffError::Invalid(format!("second-factor secret: {e}")))
}

/// The code an authenticator app shows now for `secret_base32` (for tests).
pub fn current_code(secret_base32: &str) -> Option<String> {
    code_at(secret_base32, Utc::now())
}

/// The code an authenticator app shows at `at` (for tests).
pub fn code_at(secret_base32: &str, at: DateTime<Utc>) -> Option<String> {
    let t = u64::try_from(at.timestamp()).ok()?;
    Some(totp(secret_base32, "x").ok()?.generate(t))
}

fn new_session(
    username: &str,
    stage: SessionStage,
    pending: String,
    now: DateTime<Utc>,
) -> (String, Session) {
    let secret = random_hex(32);
    let session = Session {
        id_hash: session_hash(&secret),
        username: username.to_owned(),
        stage,
        csrf_token: random_hex(32),
        pending,
        created_at: now,
        last_seen_at: now,
        ended: false,
    };
    (secret, session)
}

impl StaffService {
    pub fn new(store: Arc<dyn Store>, catalog: Arc<Catalog>, policy: LoginPolicy) -> Self {
        let dummy_hash = hash_password("not a password of anyone's").unwrap_or_default();
        StaffService {
            store,
            catalog,
            policy,
            dummy_hash,
        }
    }

    pub fn policy(&self) -> &LoginPolicy {
        &self.policy
    }

    fn require_admin(&self, actor: &Actor) -> Result<()> {
        if actor.id.starts_with("system:") || actor.principal.has(Role::Administrator) {
            Ok(())
        } else {
            Err(StaffError::Forbidden(
                "only an administrator manages accounts".into(),
            ))
        }
    }

    /// Writes one account and/or session change with its audit entries. A
    /// step that was already taken (a replayed code, a reused one-time
    /// session) comes back as `LoginFailed`.
    async fn write(
        &self,
        at: DateTime<Utc>,
        account: Option<AccountChange>,
        session: Option<SessionChange>,
        audit: Vec<AuditEvent>,
    ) -> Result<()> {
        let write = StaffWrite {
            at,
            account,
            session,
            audit,
        };
        match self.store.staff_write(write).await {
            Ok(()) => Ok(()),
            Err(StoreError::Conflict) => Err(StaffError::LoginFailed),
            Err(StoreError::NotFound) => Err(StaffError::NotFound("account".into())),
            Err(e) => Err(e.into()),
        }
    }

    async fn audit(&self, events: Vec<AuditEvent>) -> Result<()> {
        self.store.audit(events).await?;
        Ok(())
    }

    /// Creates an account (administrators, the CLI and the demo). Without a
    /// password, an account that may not use single sign-on gets a
    /// temporary one (returned, to be handed over and replaced at the first
    /// login); a single sign-on account may have no password at all.
    pub async fn create(&self, actor: &Actor, new: NewAccount) -> Result<Option<String>> {
        self.require_admin(actor)?;
        let username = check_username(&new.username)?;
        let display_name = new.display_name.trim().to_owned();
        if display_name.is_empty() || display_name.chars().count() > 100 {
            return Err(StaffError::Invalid(
                "the name must have 1–100 characters".into(),
            ));
        }
        let grants: Vec<&str> = new.grants.iter().map(String::as_str).collect();
        tokens::check_grants(&grants, &self.catalog).map_err(StaffError::Invalid)?;
        if grants.is_empty() {
            return Err(StaffError::Invalid(
                "an account needs at least one grant".into(),
            ));
        }
        let (password_hash, temporary) = match &new.password {
            Some(p) => {
                check_password(p, &username)?;
                (Some(hash_password(p)?), None)
            }
            None if new.sso_allowed => (None, None),
            None => {
                let t = temporary_password();
                (Some(hash_password(&t)?), Some(t))
            }
        };
        if self.store.account(&username).await?.is_some() {
            return Err(StaffError::Exists(username));
        }
        let now = Utc::now();
        let account = Account {
            username: username.clone(),
            display_name,
            password_hash,
            totp_secret: None,
            totp_exempt: new.totp_exempt,
            must_change_password: temporary.is_some(),
            sso_allowed: new.sso_allowed,
            oidc_subject: None,
            totp_last_step: 0,
            grants: new.grants.clone(),
            disabled: false,
            failed_logins: 0,
            locked_until: None,
            created_at: now,
            updated_at: now,
        };
        let event = actor.event(
            now,
            "account.create",
            ("account", &username),
            "",
            Outcome::Allowed,
            serde_json::json!({ "grants": new.grants, "totp_exempt": new.totp_exempt, "sso": new.sso_allowed }),
        );
        self.write(
            now,
            Some(AccountChange::Create(Box::new(account))),
            None,
            vec![event],
        )
        .await?;
        Ok(temporary)
    }

    pub async fn list(&self, actor: &Actor) -> Result<Vec<Account>> {
        self.require_admin(actor)?;
        Ok(self.store.accounts().await?)
    }

    async fn administer(
        &self,
        actor: &Actor,
        username: &str,
        action: &str,
        change: AccountChange,
    ) -> Result<()> {
        self.require_admin(actor)?;
        let now = Utc::now();
        let event = actor.event(
            now,
            action,
            ("account", username),
            "",
            Outcome::Allowed,
            serde_json::Value::Null,
        );
        self.write(now, Some(change), None, vec![event]).await
    }

    /// Disables or enables an account; disabling ends its sessions at once.
    pub async fn set_disabled(&self, actor: &Actor, username: &str, disabled: bool) -> Result<()> {
        if disabled && actor.id == format!("user:{username}") {
            return Err(StaffError::Invalid(
                "an administrator cannot disable their own account".into(),
            ));
        }
        let action = if disabled {
            "account.disable"
        } else {
            "account.enable"
        };
        let change = AccountChange::SetDisabled {
            username: username.to_owned(),
            disabled,
        };
        self.administer(actor, username, action, change).await
    }

    /// Sets a temporary password the user must replace at the next login,
    /// lifts a lock and ends the user's sessions, in one transaction.
    /// Returns the password, to be handed over by the administrator.
    pub async fn reset_password(&self, actor: &Actor, username: &str) -> Result<String> {
        let temporary = temporary_password();
        let change = AccountChange::SetPassword {
            username: username.to_owned(),
            hash: hash_password(&temporary)?,
            reset: true,
            forget_second_factor: false,
        };
        self.administer(actor, username, "account.reset_password", change)
            .await?;
        Ok(temporary)
    }

    /// For a lost authenticator: forgets the second factor and sets a
    /// temporary password too, so that only the person the administrator
    /// hands it to can enrol a new one.
    pub async fn reset_second_factor(&self, actor: &Actor, username: &str) -> Result<String> {
        let temporary = temporary_password();
        let change = AccountChange::SetPassword {
            username: username.to_owned(),
            hash: hash_password(&temporary)?,
            reset: true,
            forget_second_factor: true,
        };
        self.administer(actor, username, "account.reset_second_factor", change)
            .await?;
        Ok(temporary)
    }

    fn failure(&self, account: &Account, event: AuditEvent) -> (AccountChange, Vec<AuditEvent>) {
        let mut events = vec![event.clone()];
        if account.failed_logins + 1 >= self.policy.max_failures {
            let mut locked = event;
            locked.action = "auth.locked".into();
            locked.detail = serde_json::json!({ "minutes": self.policy.lock_for.num_minutes() });
            events.push(locked);
        }
        let change = AccountChange::Failure {
            username: account.username.clone(),
            max_failures: self.policy.max_failures,
            lock_until: event_time(&events) + self.policy.lock_for,
        };
        (change, events)
    }

    /// Counts a failed step (wrong password or code) towards the lockout.
    async fn count_failure(&self, account: &Account, event: AuditEvent) -> Result<()> {
        let at = event.at;
        let (change, events) = self.failure(account, event);
        self.write(at, Some(change), None, events).await
    }

    /// Checks a password and starts a session at the next step. The failure
    /// counter is cleared only when the login is complete, so the second
    /// factor cannot be guessed by logging in again between guesses.
    pub async fn login(&self, actor: &Actor, username: &str, password: &str) -> Result<Started> {
        let now = Utc::now();
        let username = username.trim().to_lowercase();
        let account = if username.len() <= 64 && password.len() <= MAX_PASSWORD_BYTES {
            self.store.account(&username).await?
        } else {
            None
        };
        let phc = account
            .as_ref()
            .and_then(|a| a.password_hash.clone())
            .unwrap_or_else(|| self.dummy_hash.clone());
        let password_owned = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || password_matches(&password_owned, &phc))
            .await
            .unwrap_or(false);
        let denied = |reason: &str, who: &str| {
            actor.event(
                now,
                "auth.login",
                ("account", who),
                "",
                Outcome::Denied,
                serde_json::json!({ "reason": reason }),
            )
        };
        let Some(account) = account else {
            // The typed name stays out of the log: it may be a password typed in the wrong box.
            self.audit(vec![denied("unknown account", "")]).await?;
            return Err(StaffError::LoginFailed);
        };
        if account.disabled {
            self.audit(vec![denied("disabled", &username)]).await?;
            return Err(StaffError::LoginFailed);
        }
        if account.locked_until.is_some_and(|t| t > now) {
            self.audit(vec![denied("locked", &username)]).await?;
            return Err(StaffError::LoginFailed);
        }
        if account.password_hash.is_none() {
            // Single sign-on only: nothing to guess, so nothing to count
            // (counting would let anyone lock the user out of SSO too).
            self.audit(vec![denied("single sign-on only", &username)])
                .await?;
            return Err(StaffError::LoginFailed);
        }
        if !matches {
            self.count_failure(&account, denied("wrong password", &username))
                .await?;
            return Err(StaffError::LoginFailed);
        }
        let stage = next_stage(&account, SessionStage::NewPassword);
        let (secret, session) =
            new_session(&username, stage, self.pending_for(&account, stage), now);
        let csrf_token = session.csrf_token.clone();
        let event = actor.event(
            now,
            "auth.login",
            ("account", &username),
            "",
            Outcome::Allowed,
            serde_json::json!({ "method": "password", "next": stage.as_str() }),
        );
        let account_change = (stage == SessionStage::Full).then(|| AccountChange::LoggedIn {
            username: username.clone(),
            totp_step: None,
            enrol: None,
        });
        self.write(
            now,
            account_change,
            Some(SessionChange::Start(Box::new(session))),
            vec![event],
        )
        .await?;
        Ok(Started {
            secret,
            stage,
            csrf_token,
        })
    }

    /// A new TOTP secret to enrol, carried in the pending session.
    fn pending_for(&self, account: &Account, stage: SessionStage) -> String {
        if stage == SessionStage::SecondFactor && account.totp_secret.is_none() {
            let mut bytes = [0u8; 20];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let secret = Secret::Raw(bytes.to_vec()).to_encoded().to_string();
            serde_json::json!({ "enrol": secret }).to_string()
        } else {
            String::new()
        }
    }

    /// The session at an intermediate step, if it is still valid.
    pub async fn pending(&self, secret: &str, stage: SessionStage) -> Result<PendingStep> {
        let now = Utc::now();
        let session = self
            .store
            .session(&session_hash(secret))
            .await?
            .filter(|s| {
                !s.ended && s.stage == stage && now - s.created_at < self.policy.step_timeout
            })
            .ok_or(StaffError::NoSession)?;
        let account = self
            .store
            .account(&session.username)
            .await?
            .filter(|a| !a.disabled)
            .ok_or(StaffError::NoSession)?;
        let enrolment = serde_json::from_str::<serde_json::Value>(&session.pending)
            .ok()
            .and_then(|v| v.get("enrol").and_then(|s| s.as_str()).map(str::to_owned))
            .and_then(|secret| {
                let uri = totp(&secret, &account.username).ok()?.get_url();
                Some(Enrolment {
                    secret_base32: secret,
                    otpauth_uri: uri,
                })
            });
        Ok(PendingStep {
            account,
            session,
            enrolment,
        })
    }

    /// Checks the second factor (enrolling it the first time) and logs in.
    /// Each code is accepted once: its time step must be later than the
    /// last one used.
    pub async fn second_factor(&self, actor: &Actor, secret: &str, code: &str) -> Result<Started> {
        let step = self.pending(secret, SessionStage::SecondFactor).await?;
        let now = Utc::now();
        let username = step.account.username.clone();
        let totp_secret = match (&step.enrolment, &step.account.totp_secret) {
            (Some(e), _) => e.secret_base32.clone(),
            (None, Some(s)) => s.clone(),
            (None, None) => return Err(StaffError::NoSession),
        };
        let code = code.trim().replace(' ', "");
        let matched = matched_step(&totp(&totp_secret, &username)?, &code, now)
            .filter(|s| *s > step.account.totp_last_step);
        let denied = |reason: &str| {
            actor.event(
                now,
                "auth.second_factor",
                ("account", &username),
                "",
                Outcome::Denied,
                serde_json::json!({ "reason": reason }),
            )
        };
        let locked = step.account.locked_until.is_some_and(|t| t > now);
        let Some(time_step) = matched.filter(|_| !locked) else {
            self.count_failure(
                &step.account,
                denied(if locked {
                    "locked"
                } else {
                    "wrong or used code"
                }),
            )
            .await?;
            return Err(StaffError::LoginFailed);
        };
        let enrol = step.enrolment.as_ref().map(|e| e.secret_base32.clone());
        let (new_secret, session) = new_session(&username, SessionStage::Full, String::new(), now);
        let csrf_token = session.csrf_token.clone();
        let event = actor.event(
            now,
            "auth.second_factor",
            ("account", &username),
            "",
            Outcome::Allowed,
            serde_json::json!({ "enrolled": enrol.is_some() }),
        );
        let result = self
            .write(
                now,
                Some(AccountChange::LoggedIn {
                    username: username.clone(),
                    totp_step: Some(time_step),
                    enrol,
                }),
                Some(SessionChange::Replace {
                    old_id_hash: step.session.id_hash.clone(),
                    new: Box::new(session),
                }),
                vec![event],
            )
            .await;
        if let Err(StaffError::LoginFailed) = result {
            // Another request used this code (or this step) first.
            self.count_failure(&step.account, denied("code already used"))
                .await?;
        }
        result?;
        Ok(Started {
            secret: new_secret,
            stage: SessionStage::Full,
            csrf_token,
        })
    }

    /// Replaces the temporary password an administrator set, then goes on
    /// to the second factor or logs in.
    pub async fn new_password(
        &self,
        actor: &Actor,
        secret: &str,
        password: &str,
    ) -> Result<Started> {
        let step = self.pending(secret, SessionStage::NewPassword).await?;
        let mut account = step.account.clone();
        check_password(password, &account.username)?;
        if account
            .password_hash
            .as_deref()
            .is_some_and(|h| password_matches(password, h))
        {
            return Err(StaffError::Invalid(
                "the new password must differ from the temporary one".into(),
            ));
        }
        let now = Utc::now();
        account.must_change_password = false;
        let stage = next_stage(&account, SessionStage::SecondFactor);
        let (new_secret, session) = new_session(
            &account.username,
            stage,
            self.pending_for(&account, stage),
            now,
        );
        let csrf_token = session.csrf_token.clone();
        let event = actor.event(
            now,
            "account.change_password",
            ("account", &account.username),
            "",
            Outcome::Allowed,
            serde_json::Value::Null,
        );
        self.write(
            now,
            Some(AccountChange::SetPassword {
                username: account.username.clone(),
                hash: hash_password(password)?,
                reset: false,
                forget_second_factor: false,
            }),
            Some(SessionChange::Replace {
                old_id_hash: step.session.id_hash,
                new: Box::new(session),
            }),
            vec![event],
        )
        .await?;
        Ok(Started {
            secret: new_secret,
            stage,
            csrf_token,
        })
    }

    /// Starts a session for a user the OpenID provider vouched for. The
    /// account must exist here and allow single sign-on (roles are
    /// Kontakt's, not the provider's); the first sign-on binds the
    /// provider's subject to it, and later ones must come with that subject.
    /// Unless the provider is trusted to enforce multi-factor login, an
    /// account that needs a second factor goes on to it.
    pub async fn single_sign_on(
        &self,
        actor: &Actor,
        subject: &str,
        username: &str,
        provider_enforces_mfa: bool,
    ) -> Result<Started> {
        let now = Utc::now();
        let denied = |reason: &str, who: &str| {
            actor.event(
                now,
                "auth.login",
                ("account", who),
                "",
                Outcome::Denied,
                serde_json::json!({ "reason": reason, "method": "oidc" }),
            )
        };
        let (account, bind) = match self.store.account_by_subject(subject).await? {
            Some(a) => (Some(a), false),
            None => (
                self.store
                    .account(&username.trim().to_lowercase())
                    .await?
                    .filter(|a| a.sso_allowed && a.oidc_subject.is_none()),
                true,
            ),
        };
        let Some(account) = account.filter(|a| a.sso_allowed) else {
            self.audit(vec![denied(
                "no single sign-on account for this subject",
                "",
            )])
            .await?;
            return Err(StaffError::LoginFailed);
        };
        if account.disabled || account.locked_until.is_some_and(|t| t > now) {
            self.audit(vec![denied("disabled or locked", &account.username)])
                .await?;
            return Err(StaffError::LoginFailed);
        }
        let stage = if provider_enforces_mfa {
            SessionStage::Full
        } else {
            next_stage(&account, SessionStage::SecondFactor)
        };
        let (secret, session) = new_session(
            &account.username,
            stage,
            self.pending_for(&account, stage),
            now,
        );
        let csrf_token = session.csrf_token.clone();
        let event = actor.event(
            now,
            "auth.login",
            ("account", &account.username),
            "",
            Outcome::Allowed,
            serde_json::json!({ "method": "oidc", "bound": bind, "next": stage.as_str() }),
        );
        let account_change = if bind {
            Some(AccountChange::BindSubject {
                username: account.username.clone(),
                subject: subject.to_owned(),
            })
        } else {
            (stage == SessionStage::Full).then(|| AccountChange::LoggedIn {
                username: account.username.clone(),
                totp_step: None,
                enrol: None,
            })
        };
        self.write(
            now,
            account_change,
            Some(SessionChange::Start(Box::new(session))),
            vec![event],
        )
        .await?;
        Ok(Started {
            secret,
            stage,
            csrf_token,
        })
    }

    /// Deletes sessions that are over (ended, or unused, for longer than
    /// the absolute timeout): the table would otherwise grow with every
    /// login and every single sign-on attempt.
    pub async fn purge_sessions(&self) -> Result<()> {
        let now = Utc::now();
        let before = now - self.policy.absolute_timeout;
        self.write(now, None, Some(SessionChange::Purge { before }), vec![])
            .await
    }

    /// Starts a pre-login session that carries single sign-on state.
    pub async fn start_sign_on(&self, pending: String) -> Result<String> {
        let now = Utc::now();
        let (secret, session) = new_session("", SessionStage::SingleSignOn, pending, now);
        self.write(
            now,
            None,
            Some(SessionChange::Start(Box::new(session))),
            vec![],
        )
        .await?;
        Ok(secret)
    }

    /// The single sign-on state of a pre-login session; ends the session (one use only).
    pub async fn take_sign_on(&self, secret: &str) -> Result<String> {
        let now = Utc::now();
        let session = self
            .store
            .session(&session_hash(secret))
            .await?
            .filter(|s| {
                !s.ended
                    && s.stage == SessionStage::SingleSignOn
                    && now - s.created_at < self.policy.step_timeout
            })
            .ok_or(StaffError::NoSession)?;
        self.write(
            now,
            None,
            Some(SessionChange::End {
                id_hash: session.id_hash,
                at: now,
            }),
            vec![],
        )
        .await?;
        Ok(session.pending)
    }

    /// The logged-in staff member a cookie secret belongs to, if the session
    /// is live: not ended, not idle too long, not older than a working day,
    /// and the account still enabled.
    pub async fn authenticate(&self, secret: &str) -> Result<Option<StaffSession>> {
        if secret.len() != 64 {
            return Ok(None);
        }
        let now = Utc::now();
        let Some(session) = self.store.session(&session_hash(secret)).await? else {
            return Ok(None);
        };
        if session.ended || session.stage != SessionStage::Full {
            return Ok(None);
        }
        let idle = now - session.last_seen_at > self.policy.idle_timeout;
        let too_old = now - session.created_at > self.policy.absolute_timeout;
        if idle || too_old {
            let end = SessionChange::End {
                id_hash: session.id_hash.clone(),
                at: now,
            };
            // Another request may have ended it first; either way it is over.
            match self.write(now, None, Some(end), vec![]).await {
                Ok(()) | Err(StaffError::LoginFailed) => return Ok(None),
                Err(e) => return Err(e),
            }
        }
        let Some(account) = self
            .store
            .account(&session.username)
            .await?
            .filter(|a| !a.disabled)
        else {
            return Ok(None);
        };
        if (now - session.last_seen_at).num_seconds() >= TOUCH_EVERY {
            let touch = SessionChange::Touch {
                id_hash: session.id_hash.clone(),
                at: now,
            };
            self.write(now, None, Some(touch), vec![]).await?;
        }
        let principal = tokens::principal(&account.grants);
        Ok(Some(StaffSession {
            account,
            session,
            principal,
        }))
    }

    pub async fn logout(&self, actor: &Actor, session: &Session) -> Result<()> {
        let now = Utc::now();
        let event = actor.event(
            now,
            "auth.logout",
            ("account", &session.username),
            "",
            Outcome::Allowed,
            serde_json::Value::Null,
        );
        let end = SessionChange::End {
            id_hash: session.id_hash.clone(),
            at: now,
        };
        self.write(now, None, Some(end), vec![event]).await
    }
}

fn event_time(events: &[AuditEvent]) -> DateTime<Utc> {
    events.first().map_or_else(Utc::now, |e| e.at)
}

fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// The time step (of 30 s) whose code `code` is, allowing one step of clock
/// skew either way.
fn matched_step(totp: &TOTP, code: &str, now: DateTime<Utc>) -> Option<i64> {
    if code.len() != 6 {
        return None;
    }
    let t = u64::try_from(now.timestamp()).ok()?;
    let current = t / totp.step;
    [current.saturating_sub(1), current, current + 1]
        .into_iter()
        .find(|s| {
            let expected = totp.generate(s * totp.step);
            bool::from(subtle::ConstantTimeEq::ct_eq(
                expected.as_bytes(),
                code.as_bytes(),
            ))
        })
        .and_then(|s| i64::try_from(s).ok())
}

/// The step after `after`: a new password if one is owed, then the second
/// factor if the account's grants need one, then logged in.
fn next_stage(account: &Account, after: SessionStage) -> SessionStage {
    if after == SessionStage::NewPassword && account.must_change_password {
        SessionStage::NewPassword
    } else if needs_second_factor(&account.grants) && !account.totp_exempt {
        SessionStage::SecondFactor
    } else {
        SessionStage::Full
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analysts_alone_need_no_second_factor() {
        assert!(!needs_second_factor(&["analyst".into()]));
        assert!(needs_second_factor(&["agent_l1".into()]));
        assert!(needs_second_factor(&["analyst".into(), "registrar".into()]));
        assert!(needs_second_factor(&[
            "analyst".into(),
            "protected_identity".into()
        ]));
    }

    #[test]
    fn passwords_are_hashed_with_argon2id_and_verified() {
        let h = hash_password("correct horse battery").unwrap_or_default();
        assert!(h.starts_with("$argon2id$"));
        assert!(password_matches("correct horse battery", &h));
        assert!(!password_matches("correct horse batterY", &h));
        assert!(!password_matches("x", "not a phc string"));
    }

    #[test]
    fn weak_passwords_and_bad_names_are_refused() {
        assert!(check_password("short", "anna").is_err());
        assert!(check_password("anna-is-my-password", "anna").is_err());
        assert!(check_password(&"x".repeat(300), "anna").is_err());
        assert!(check_password("lång lösenfras här", "anna").is_ok());
        assert!(check_username("Anna.Andersson").is_ok());
        assert!(check_username("a").is_err());
        assert!(check_username("anna andersson").is_err());
    }

    #[test]
    fn the_current_code_verifies() {
        let secret = Secret::Raw(vec![7u8; 20]).to_encoded().to_string();
        let code = current_code(&secret).unwrap_or_default();
        assert_eq!(code.len(), 6);
        let t = totp(&secret, "anna").ok();
        assert!(t.is_some_and(|t| t.check_current(&code).unwrap_or(false)));
    }
}
