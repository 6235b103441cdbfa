//! Sends what waits in the outbox: e-mail over SMTP (the city's mail
//! server, with STARTTLS or implicit TLS and login), SMS through the SMS
//! gateway (`sms.rs`), or — in the demo, which has neither — into files
//! in a directory (`DirectoryTransport`). One dispatcher runs per process;
//! it claims due messages with a lease, sends each and records the
//! outcome. A passing failure (server down, 4xx, a file that cannot be
//! written) is tried again with growing pauses; a lasting one (5xx, a
//! refused address) or too many attempts marks the message failed, which
//! the case card shows, so an agent can reach the resident another way.
//! Nothing is dropped silently.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use kontakt_domain::message::OutboundChannel;
use kontakt_store::outbox::{Claim, OutboundMessage, OutboundResult, Outcome};
use kontakt_store::Store;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::Deserialize;

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    /// True when trying again cannot help.
    pub permanent: bool,
    pub message: String,
}

/// One way out: the mail server or the SMS gateway.
#[async_trait]
pub trait Transport: Send + Sync {
    /// Sends; `Ok` carries the gateway's own id of the message, if any.
    async fn send(&self, message: &OutboundMessage) -> Result<Option<String>, SendError>;
}

/// When to try again.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// The pause after the first failure; each later one is four times the last.
    pub first_pause: Duration,
    pub max_pause: Duration,
    /// After this many attempts the message is marked failed.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        // 1 min, 4 min, 16 min, 1 h, then hourly: a day's outage is survived.
        RetryPolicy {
            first_pause: Duration::from_secs(60),
            max_pause: Duration::from_secs(3600),
            max_attempts: 30,
        }
    }
}

impl RetryPolicy {
    fn pause(&self, attempts: u32) -> Duration {
        let factor = 4u32.saturating_pow(attempts.saturating_sub(1).min(10));
        self.first_pause.saturating_mul(factor).min(self.max_pause)
    }
}

/// How long a claimed message is held before another dispatcher may take
/// it (longer than any send takes).
const LEASE: Duration = Duration::from_secs(300);
/// How many messages one round claims per channel: few enough that all
/// are sent (8 at a time, each within `SEND_TIMEOUT`) well before the lease
/// runs out, so no other process takes one that is still being sent.
const BATCH: u32 = 16;
/// The longest one message may take to send.
const SEND_TIMEOUT: Duration = Duration::from_secs(60);
/// How many messages are sent at the same time.
const PARALLEL: usize = 8;
/// How often the outbox is looked at when no change prompted it.
const POLL: Duration = Duration::from_secs(5);

pub struct Dispatcher {
    store: Arc<dyn Store>,
    transports: Vec<(OutboundChannel, Arc<dyn Transport>)>,
    retry: RetryPolicy,
}

impl Dispatcher {
    pub fn new(store: Arc<dyn Store>, retry: RetryPolicy) -> Self {
        Dispatcher {
            store,
            transports: vec![],
            retry,
        }
    }

    pub fn with(mut self, channel: OutboundChannel, transport: Arc<dyn Transport>) -> Self {
        self.transports.push((channel, transport));
        self
    }

    pub fn is_empty(&self) -> bool {
        self.transports.is_empty()
    }

    /// Sends every message due now; returns how many were handled.
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<usize, kontakt_store::StoreError> {
        let mut handled = 0;
        for (channel, transport) in &self.transports {
            let claimed = self
                .store
                .claim_outbound(Claim {
                    channel: *channel,
                    now,
                    lease_until: now + chrono::Duration::from_std(LEASE).unwrap_or_default(),
                    limit: BATCH,
                })
                .await?;
            // A few at a time: a mail server spends most of a message's
            // time writing it to its queue, so sending one after the other
            // leaves it idle.
            let results: Vec<Result<(), kontakt_store::StoreError>> =
                futures_util::stream::iter(claimed)
                    .map(|message| self.send_one(transport.as_ref(), message))
                    .buffer_unordered(PARALLEL)
                    .collect()
                    .await;
            for r in results {
                r?;
                handled += 1;
            }
        }
        Ok(handled)
    }

    /// Sends one claimed message and records how it went.
    async fn send_one(
        &self,
        transport: &dyn Transport,
        message: OutboundMessage,
    ) -> Result<(), kontakt_store::StoreError> {
        let sent = tokio::time::timeout(SEND_TIMEOUT, transport.send(&message))
            .await
            .unwrap_or_else(|_| {
                Err(SendError {
                    permanent: false,
                    message: format!("no answer within {} s", SEND_TIMEOUT.as_secs()),
                })
            });
        let outcome = match sent {
            Ok(provider_ref) => Outcome::Sent { provider_ref },
            Err(e) if e.permanent || message.attempts >= self.retry.max_attempts => {
                // The mail server's words may name the address: not logged.
                tracing::warn!(id = message.id, case = %message.case_label(), "message failed");
                Outcome::Failed { error: e.message }
            }
            Err(e) => {
                let pause = chrono::Duration::from_std(self.retry.pause(message.attempts))
                    .unwrap_or_default();
                tracing::info!(id = message.id, case = %message.case_label(), "message will be retried");
                Outcome::Retry {
                    at: Utc::now() + pause,
                    error: e.message,
                }
            }
        };
        self.store
            .record_outbound(OutboundResult {
                id: message.id,
                at: Utc::now(),
                outcome,
            })
            .await
    }

    /// Runs until the process ends: after every case change (a queued
    /// message comes with one) and every few seconds.
    pub fn spawn(
        self,
        mut changes: tokio::sync::broadcast::Receiver<()>,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                match self.run_once(Utc::now()).await {
                    Ok(n) if n as u32 >= BATCH => continue,
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "the outbox could not be read"),
                }
                tokio::select! {
                    _ = changes.recv() => {}
                    _ = tokio::time::sleep(POLL) => {}
                }
            }
        })
    }
}

/// How Kontakt reaches the mail server (`[mail]` in the configuration).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// "none", "starttls" (required, not opportunistic) or "tls" (implicit).
    #[serde(default = "default_security")]
    pub security: String,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender, e.g. "Kontaktcenter Stockholm <kontakt@stockholm.se>".
    pub from: String,
    /// A PEM file with the certificate authority to trust besides the
    /// usual ones (a city's own CA).
    pub ca_file: Option<PathBuf>,
}

fn default_security() -> String {
    "starttls".into()
}

pub struct SmtpTransport {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpTransport {
    pub fn new(config: &SmtpConfig) -> Result<Self, String> {
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|e| format!("mail.from '{}' is not an address: {e}", config.from))?;
        let tls = || -> Result<TlsParameters, String> {
            let mut builder = TlsParameters::builder(config.host.clone());
            if let Some(path) = &config.ca_file {
                let pem = std::fs::read(path)
                    .map_err(|e| format!("mail.ca_file {}: {e}", path.display()))?;
                let cert = Certificate::from_pem(&pem)
                    .map_err(|e| format!("mail.ca_file {}: {e}", path.display()))?;
                builder = builder.add_root_certificate(cert);
            }
            builder.build_rustls().map_err(|e| e.to_string())
        };
        let tls = match config.security.as_str() {
            "none" => Tls::None,
            "starttls" => Tls::Required(tls()?),
            "tls" => Tls::Wrapper(tls()?),
            other => {
                return Err(format!(
                    "mail.security '{other}' must be none, starttls or tls"
                ))
            }
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(30)));
        match (&config.username, &config.password) {
            (Some(u), Some(p)) => {
                builder = builder.credentials(Credentials::new(u.clone(), p.clone()))
            }
            (None, None) => {}
            _ => return Err("mail.username and mail.password go together".into()),
        }
        Ok(SmtpTransport {
            transport: builder.build(),
            from,
        })
    }

    /// The domain of the sender's address, for Message-IDs.
    pub fn domain(&self) -> String {
        self.from.email.domain().to_owned()
    }
}

fn angle(id: &str) -> String {
    format!("<{id}>")
}

/// The e-mail a queued message becomes, whichever way it goes out: from
/// Kontakt's address to the resident, its subject, its Message-ID and the
/// RFC 3834's Auto-Submitted for a message: a person's reply follows one
/// of Kontakt's own messages ("no"); the acknowledgement of a resident's
/// mail answers theirs ("auto-replied"); any other message Kontakt makes by
/// itself is "auto-generated". Either automatic value keeps vacation
/// responders from answering, so no loop can start.
fn auto_submitted(m: &OutboundMessage) -> &'static str {
    let domain = |id: &str| id.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase());
    match &m.in_reply_to {
        None => "auto-generated",
        Some(parent) if domain(parent) == domain(&m.message_id) => "no",
        Some(_) => "auto-replied",
    }
}

/// In-Reply-To and References that thread it after the case's earlier
/// messages (so the resident's answer finds its case), `Auto-Submitted`,
/// plain UTF-8 text.
fn email(from: &Mailbox, m: &OutboundMessage) -> Result<lettre::Message, SendError> {
    let to: Mailbox = m.recipient.parse().map_err(|e| SendError {
        permanent: true,
        message: format!("the address cannot be used: {e}"),
    })?;
    let mut builder = lettre::Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&m.subject)
        .message_id(Some(angle(&m.message_id)))
        // Answering machines must not answer this (RFC 3834), and a
        // reply to it is threaded by its Message-ID.
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            auto_submitted(m).to_owned(),
        ))
        .header(ContentType::TEXT_PLAIN);
    if let Some(parent) = &m.in_reply_to {
        builder = builder.in_reply_to(angle(parent));
    }
    if !m.references.is_empty() {
        builder = builder.references(
            m.references
                .iter()
                .map(|r| angle(r))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    builder.body(m.body.clone()).map_err(|e| SendError {
        permanent: true,
        message: format!("the message could not be built: {e}"),
    })
}

#[async_trait]
impl Transport for SmtpTransport {
    async fn send(&self, m: &OutboundMessage) -> Result<Option<String>, SendError> {
        let email = email(&self.from, m)?;
        match self.transport.send(email).await {
            Ok(response) => Ok(response.first_line().map(str::to_owned)),
            Err(e) => Err(SendError {
                permanent: e.is_permanent(),
                message: e.to_string(),
            }),
        }
    }
}

/// "Sends" by writing each message as a file into a directory: the demo's
/// way out, where there is no mail server and no SMS gateway, so that what
/// a resident would receive can be read. An e-mail becomes the complete
/// message the mail server would be given (`.eml`, built exactly as
/// [`SmtpTransport`] builds it); an SMS a text file with its recipient and
/// text (`.txt`). A file is written under a temporary name, synced and
/// renamed, so no one reads half a message; it is named by its case and
/// message id, so a message sent again replaces its file instead of
/// doubling it. A file that cannot be written (no such directory, no
/// permission, a full disk) is a passing failure: the message is retried.
pub struct DirectoryTransport {
    dir: PathBuf,
    kind: FileKind,
}

enum FileKind {
    Email { from: Mailbox },
    Sms,
}

impl DirectoryTransport {
    /// E-mail from `from` (e.g. "Kontaktcenter Stockholm <kc@stockholm.se>")
    /// as `.eml` files in `dir`, which is made when missing.
    pub fn email(dir: impl Into<PathBuf>, from: &str) -> Result<Self, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("the sender '{from}' is not an address: {e}"))?;
        Ok(DirectoryTransport {
            dir: dir.into(),
            kind: FileKind::Email { from },
        })
    }

    /// SMS as `.txt` files in `dir`, which is made when missing.
    pub fn sms(dir: impl Into<PathBuf>) -> Self {
        DirectoryTransport {
            dir: dir.into(),
            kind: FileKind::Sms,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The domain of the sender's address, for Message-IDs (e-mail only).
    pub fn domain(&self) -> Option<String> {
        match &self.kind {
            FileKind::Email { from } => Some(from.email.domain().to_owned()),
            FileKind::Sms => None,
        }
    }

    /// The file a message is written to: `<case>_<message id>.eml|.txt`
    /// (`no-case_…` for a message about no case: a board's report, a
    /// resident's login code),
    /// anything but letters, digits and `._@+-` in the id replaced by `_`.
    pub fn path_of(&self, m: &OutboundMessage) -> PathBuf {
        let id: String = m
            .message_id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "._@+-".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let extension = match self.kind {
            FileKind::Email { .. } => "eml",
            FileKind::Sms => "txt",
        };
        self.dir
            .join(format!("{}_{id}.{extension}", m.case_label()))
    }
}

#[async_trait]
impl Transport for DirectoryTransport {
    async fn send(&self, m: &OutboundMessage) -> Result<Option<String>, SendError> {
        let bytes = match &self.kind {
            FileKind::Email { from } => email(from, m)?.formatted(),
            FileKind::Sms => {
                let mut text = format!(
                    "To: {}\nCase: {}\n\n{}",
                    m.recipient,
                    m.case_label(),
                    m.body
                );
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                text.into_bytes()
            }
        };
        let path = self.path_of(m);
        let target = path.clone();
        let written = tokio::task::spawn_blocking(move || write_atomically(&target, &bytes))
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)));
        match written {
            Ok(()) => Ok(path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())),
            Err(e) => Err(SendError {
                permanent: false,
                message: format!("{} could not be written: {e}", path.display()),
            }),
        }
    }
}

/// Writes `bytes` to `path` all at once or not at all: into a temporary
/// file beside it, synced, then renamed over `path` (replacing an earlier
/// version), and the directory synced so the rename lasts.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("the file has no directory"))?;
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::Builder::new()
        .prefix(".kontakt-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_grow_and_stop_growing() {
        let p = RetryPolicy::default();
        assert_eq!(p.pause(1), Duration::from_secs(60));
        assert_eq!(p.pause(2), Duration::from_secs(240));
        assert_eq!(p.pause(3), Duration::from_secs(960));
        assert_eq!(p.pause(4), Duration::from_secs(3600));
        assert_eq!(p.pause(29), Duration::from_secs(3600));
    }

    // The pooled transport starts its housekeeping on the runtime.
    #[tokio::test]
    async fn bad_settings_are_named() {
        let config = |security: &str, from: &str| SmtpConfig {
            host: "localhost".into(),
            port: 25,
            security: security.into(),
            username: None,
            password: None,
            from: from.into(),
            ca_file: None,
        };
        assert!(SmtpTransport::new(&config("sometimes", "a@b.se"))
            .err()
            .is_some_and(|e| e.contains("mail.security")));
        assert!(SmtpTransport::new(&config("none", "not an address"))
            .err()
            .is_some_and(|e| e.contains("mail.from")));
        assert!(SmtpTransport::new(&config("starttls", "Kontaktcenter <kc@stad.se>")).is_ok());
    }

    fn queued(channel: OutboundChannel, recipient: &str, message_id: &str) -> OutboundMessage {
        OutboundMessage {
            id: 1,
            case: Some("KC-2026-000042".parse().expect("case number")),
            channel,
            recipient: recipient.into(),
            subject: "Ditt ärende KC-2026-000042".into(),
            body: "Hej!\n\nVi har tagit emot ditt ärende.".into(),
            message_id: message_id.into(),
            in_reply_to: None,
            references: vec![],
            state: kontakt_domain::message::OutboundState::Queued,
            attempts: 1,
            last_error: None,
            created_at: Utc::now(),
            sent_at: None,
        }
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn file_names_stay_in_the_directory() {
        let t = DirectoryTransport::sms("/tmp/out");
        let m = queued(OutboundChannel::Sms, "+46701234567", "../../etc/pass wd");
        assert_eq!(
            t.path_of(&m),
            Path::new("/tmp/out/KC-2026-000042_.._.._etc_pass_wd.txt")
        );
    }

    #[tokio::test]
    async fn a_message_sent_again_replaces_its_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("outbox-sms");
        let t = DirectoryTransport::sms(&out);
        let m = queued(OutboundChannel::Sms, "+46701234567", "kontakt.ab12@stad.se");
        let first = t.send(&m).await.expect("written");
        assert_eq!(
            first.as_deref(),
            Some("KC-2026-000042_kontakt.ab12@stad.se.txt")
        );
        assert_eq!(t.send(&m).await.expect("written again"), first);
        // One file, no temporary file left behind.
        assert_eq!(files(&out), vec!["KC-2026-000042_kontakt.ab12@stad.se.txt"]);
        assert_eq!(
            std::fs::read_to_string(t.path_of(&m)).expect("read"),
            "To: +46701234567\nCase: KC-2026-000042\n\nHej!\n\nVi har tagit emot ditt ärende.\n"
        );
    }

    #[tokio::test]
    async fn an_unusable_address_is_refused_for_good_and_writes_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let t = DirectoryTransport::email(dir.path(), "Kontaktcenter <kc@stad.se>").expect("from");
        assert_eq!(t.domain().as_deref(), Some("stad.se"));
        let m = queued(
            OutboundChannel::Email,
            "not an address",
            "kontakt.cd34@stad.se",
        );
        let e = t.send(&m).await.expect_err("refused");
        assert!(e.permanent, "{e:?}");
        assert!(files(dir.path()).is_empty());
        assert!(DirectoryTransport::email(dir.path(), "nobody").is_err());
    }
}
