// Local OpenID Connect provider used as a test fixture for Kontakt.
//
// Built on the certified `oidc-provider` package. Configuration comes from
// environment variables (see README.md):
//
//   OIDC_PORT           port to listen on (127.0.0.1 only); issuer is
//                       http://127.0.0.1:${OIDC_PORT}
//   OIDC_CLIENT_ID      client_id of the single confidential client
//   OIDC_CLIENT_SECRET  its client_secret
//   OIDC_REDIRECT_URI   the exact redirect_uri registered for that client
//
// This is NOT meant for production: any login name is accepted with any
// password, keys are generated at start-up and everything is kept in memory.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import process from 'node:process';

import Provider from 'oidc-provider';

const HOST = '127.0.0.1';
// The Swedish OIDC profile's scope and claim for a personnummer
// (https://www.oidc.se), as the e-legitimation providers give them.
const PERSONNUMMER_SCOPE = 'https://id.oidc.se/scope/naturalPersonNumber';
const PERSONNUMMER_CLAIM = 'https://id.oidc.se/claim/personalIdentityNumber';
const SCOPES_GRANTED = `openid profile email ${PERSONNUMMER_SCOPE}`;

function fail(message) {
  process.stderr.write(`oidc-provider fixture: ${message}\n`);
  process.exit(2);
}

function requireEnv(name) {
  const value = process.env[name];
  if (value === undefined || value === '') {
    fail(`environment variable ${name} must be set`);
  }
  return value;
}

const portText = requireEnv('OIDC_PORT');
const port = Number(portText);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  fail(`OIDC_PORT must be an integer between 1 and 65535, got ${JSON.stringify(portText)}`);
}
const clientId = requireEnv('OIDC_CLIENT_ID');
const clientSecret = requireEnv('OIDC_CLIENT_SECRET');
const redirectUri = requireEnv('OIDC_REDIRECT_URI');
try {
  // eslint-disable-next-line no-new
  new URL(redirectUri);
} catch {
  fail(`OIDC_REDIRECT_URI must be an absolute URL, got ${JSON.stringify(redirectUri)}`);
}

const issuer = `http://${HOST}:${port}`;

// Fresh RS256 signing key for every start (the relying party fetches it
// from jwks_uri, so it never needs to be known in advance).
function generateSigningJwk() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return {
    ...jwk, kid: `fixture-${randomBytes(6).toString('hex')}`, alg: 'RS256', use: 'sig',
  };
}

// "anna.andersson" -> "Anna Andersson"
function displayNameFor(login) {
  const words = login.split(/[._\-\s@]+/).filter(Boolean);
  if (words.length === 0) return login;
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

// Every login name is a valid account; its claims are derived from the name.
async function findAccount(_ctx, accountId) {
  return {
    accountId,
    async claims() {
      const claims = {
        sub: accountId,
        preferred_username: accountId,
        name: displayNameFor(accountId),
        email: `${accountId}@stockholm.se`,
        email_verified: true,
      };
      // A login name of twelve digits is a resident's personnummer.
      if (/^[0-9]{12}$/.test(accountId)) {
        claims[PERSONNUMMER_CLAIM] = accountId;
      }
      return claims;
    },
  };
}

// Skip the consent prompt: for our client, a grant covering
// "openid profile email" is created (and saved) as soon as the user is
// logged in, so the authorization endpoint redirects straight back to the
// relying party with ?code=...&state=...
async function loadExistingGrant(ctx) {
  const { provider, client, session } = ctx.oidc;
  const existingId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
  if (existingId) {
    const existing = await provider.Grant.find(existingId);
    if (existing && existing.accountId === session.accountId) {
      return existing;
    }
  }
  if (client.clientId !== clientId) {
    return undefined;
  }
  const grant = new provider.Grant({ accountId: session.accountId, clientId: client.clientId });
  grant.addOIDCScope(SCOPES_GRANTED);
  await grant.save();
  return grant;
}

const configuration = {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      // client_secret_post is accepted as well: oidc-provider treats the two
      // client_secret_* methods as interchangeable at the token endpoint.
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
  ],
  // Only the authorization code flow is offered.
  responseTypes: ['code'],
  jwks: { keys: [generateSigningJwk()] },
  cookies: {
    keys: [randomBytes(32).toString('base64url')],
  },
  // PKCE (S256, the only method oidc-provider 9 supports) is mandatory for
  // every client, including this confidential one.
  pkce: {
    required: () => true,
  },
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
    [PERSONNUMMER_SCOPE]: [PERSONNUMMER_CLAIM],
  },
  // Put the scope-derived claims (name, preferred_username, email) into the
  // ID token too, not only into the userinfo response.
  conformIdTokenClaims: false,
  features: {
    // Built-in login form at /interaction/:uid (accepts any login/password).
    devInteractions: { enabled: true },
    userinfo: { enabled: true },
  },
  findAccount,
  loadExistingGrant,
};

const provider = new Provider(issuer, configuration);

provider.on('server_error', (_ctx, err) => {
  process.stderr.write(`oidc-provider server_error: ${err?.stack || err}\n`);
});
for (const event of ['authorization.error', 'grant.error', 'userinfo.error', 'introspection.error']) {
  provider.on(event, (_ctx, err) => {
    process.stderr.write(`oidc-provider ${event}: ${err?.name}: ${err?.message}${err?.error_description ? ` (${err.error_description})` : ''}${err?.error_detail ? ` [${err.error_detail}]` : ''}\n`);
  });
}

const server = provider.listen(port, HOST, () => {
  process.stdout.write(`oidc-provider listening on ${issuer}\n`);
});
server.on('error', (err) => {
  process.stderr.write(`oidc-provider fixture: cannot listen on ${HOST}:${port}: ${err.message}\n`);
  process.exit(1);
});

let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`oidc-provider fixture: ${signal} received, shutting down\n`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  // Never hang on shutdown.
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
