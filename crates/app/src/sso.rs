//! Single sign-on for staff through the city's OpenID provider: the
//! authorization-code flow with PKCE (S256), a nonce and a state, and the
//! ID token's signature, issuer, audience, expiry and nonce checked by the
//! `openidconnect` crate. The provider says who the person is; what they may
//! do is still decided by their Kontakt account (see `staff.rs`).

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;

/// The Swedish OIDC profile's scope and claim for a natural person's
/// personnummer (https://www.oidc.se, "Swedish OpenID Connect Profile").
pub const PERSONNUMMER_SCOPE: &str = "https://id.oidc.se/scope/naturalPersonNumber";
pub const PERSONNUMMER_CLAIM: &str = "https://id.oidc.se/claim/personalIdentityNumber";

/// The `[sso]` section of the configuration file (and `[resident_sso]`,
/// residents' e-legitimation).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsoConfig {
    /// The provider's issuer URL; its discovery document is read from it.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// This server's callback, `https://…/login/sso/callback`, as registered at the provider.
    pub redirect_url: String,
    /// Whether the provider itself demands a second factor of every staff
    /// login. If not (the default), accounts that need one give Kontakt's
    /// TOTP code after signing on.
    #[serde(default)]
    pub provider_enforces_mfa: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    #[error("single sign-on configuration: {0}")]
    Config(String),
    #[error("the OpenID provider could not be reached or answered wrongly: {0}")]
    Provider(String),
    #[error("the answer from the OpenID provider was refused: {0}")]
    Refused(String),
}

/// What must survive the round trip through the provider, kept server-side
/// in a one-use pre-login session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingSignOn {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// Who the provider vouched for.
#[derive(Debug, Clone)]
pub struct Identity {
    pub subject: String,
    /// `preferred_username`: it names the Kontakt account at the first sign-on.
    pub username: String,
}

pub struct Sso {
    pub config: SsoConfig,
    http: reqwest::Client,
    /// Read on first use, so Kontakt starts even while the provider is down.
    metadata: OnceCell<CoreProviderMetadata>,
}

impl Sso {
    pub fn new(config: SsoConfig) -> Result<Self, SsoError> {
        IssuerUrl::new(config.issuer.clone())
            .map_err(|e| SsoError::Config(format!("issuer: {e}")))?;
        RedirectUrl::new(config.redirect_url.clone())
            .map_err(|e| SsoError::Config(format!("redirect_url: {e}")))?;
        let http = reqwest::Client::builder()
            // Following redirects from the token endpoint would open SSRF holes.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| SsoError::Config(e.to_string()))?;
        Ok(Sso {
            config,
            http,
            metadata: OnceCell::new(),
        })
    }

    async fn metadata(&self) -> Result<&CoreProviderMetadata, SsoError> {
        self.metadata
            .get_or_try_init(|| async {
                let issuer = IssuerUrl::new(self.config.issuer.clone())
                    .map_err(|e| SsoError::Config(e.to_string()))?;
                CoreProviderMetadata::discover_async(issuer, &self.http)
                    .await
                    .map_err(|e| SsoError::Provider(describe(&e)))
            })
            .await
    }

    /// The URL to send the browser to, and what to keep until it comes back.
    pub async fn begin(&self) -> Result<(String, PendingSignOn), SsoError> {
        self.begin_with(&["profile", "email"]).await
    }

    async fn begin_with(&self, scopes: &[&str]) -> Result<(String, PendingSignOn), SsoError> {
        let metadata = self.metadata().await?.clone();
        let redirect = RedirectUrl::new(self.config.redirect_url.clone())
            .map_err(|e| SsoError::Config(e.to_string()))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            Some(ClientSecret::new(self.config.client_secret.clone())),
        )
        .set_redirect_uri(redirect);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scopes(scopes.iter().map(|s| Scope::new((*s).to_owned())))
            .set_pkce_challenge(challenge)
            .url();
        Ok((
            url.to_string(),
            PendingSignOn {
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
            },
        ))
    }

    /// For residents: the Swedish OIDC profile's scope for a natural
    /// person's personnummer (https://www.oidc.se), nothing else.
    pub async fn begin_for_residents(&self) -> Result<(String, PendingSignOn), SsoError> {
        self.begin_with(&[PERSONNUMMER_SCOPE]).await
    }

    /// Exchanges the code and answers the personnummer the verified ID
    /// token names in the Swedish profile's claim.
    pub async fn finish_for_residents(
        &self,
        pending: PendingSignOn,
        code: &str,
    ) -> Result<kontakt_domain::personnummer::Personnummer, SsoError> {
        let (_, _, raw) = self.verified(pending, code).await?;
        // The token's signature, issuer, audience, expiry and nonce are
        // checked by now; its payload is read once more for the claim the
        // standard claims type does not carry.
        let payload = raw
            .split('.')
            .nth(1)
            .and_then(|p| {
                base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, p).ok()
            })
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .ok_or_else(|| SsoError::Refused("the ID token's payload is unreadable".into()))?;
        let value = payload
            .get(PERSONNUMMER_CLAIM)
            .and_then(|v| v.as_str())
            .ok_or_else(|| SsoError::Refused("the ID token names no personnummer".into()))?;
        kontakt_domain::personnummer::Personnummer::parse_today(value)
            .map_err(|e| SsoError::Refused(format!("the personnummer in the ID token: {e}")))
    }

    /// Exchanges the code (with the PKCE verifier) and checks the ID token.
    pub async fn finish(&self, pending: PendingSignOn, code: &str) -> Result<Identity, SsoError> {
        let (subject, username, _) = self.verified(pending, code).await?;
        // Only the provider's user name; an e-mail address's local part is
        // not an identity (other domains have the same local parts).
        let username = username
            .ok_or_else(|| SsoError::Refused("the ID token has no preferred_username".into()))?;
        Ok(Identity { subject, username })
    }

    /// The verified ID token's subject, user name, and compact form.
    async fn verified(
        &self,
        pending: PendingSignOn,
        code: &str,
    ) -> Result<(String, Option<String>, String), SsoError> {
        let metadata = self.metadata().await?.clone();
        let redirect = RedirectUrl::new(self.config.redirect_url.clone())
            .map_err(|e| SsoError::Config(e.to_string()))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            Some(ClientSecret::new(self.config.client_secret.clone())),
        )
        .set_redirect_uri(redirect);
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| SsoError::Config(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| SsoError::Refused(describe(&e)))?;
        let id_token = response
            .id_token()
            .ok_or_else(|| SsoError::Refused("no ID token in the token response".into()))?;
        let claims = id_token
            .claims(&client.id_token_verifier(), &Nonce::new(pending.nonce))
            .map_err(|e| SsoError::Refused(describe(&e)))?;
        Ok((
            claims.subject().as_str().to_owned(),
            claims.preferred_username().map(|u| u.as_str().to_owned()),
            id_token.to_string(),
        ))
    }
}

fn describe(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
