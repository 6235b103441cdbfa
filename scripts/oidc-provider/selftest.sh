#!/usr/bin/env bash
# End-to-end self-test of the oidc-provider fixture (provider.mjs).
#
# Starts the provider on a free port, walks the browser part of the
# authorization code + PKCE flow with curl and a cookie jar (redirects are
# NOT followed automatically, every hop is checked), exchanges the code at
# the token endpoint and checks the ID token (RS256 signature against the
# JWKS, iss, aud, sub, nonce). Also checks that PKCE is enforced, that a
# code cannot be replayed, that an existing session skips the login form,
# and that client_secret_post is accepted as well.
#
# Usage: scripts/oidc-provider/selftest.sh   (run `npm ci` in this folder first)
# Exit status 0 = all checks passed.

set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
cd "$HERE"

if [ ! -d node_modules/oidc-provider ]; then
  echo "node_modules missing: run 'npm ci' in $HERE first" >&2
  exit 2
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/oidc-selftest.XXXXXX")"
PROVIDER_PID=""

cleanup() {
  if [ -n "$PROVIDER_PID" ] && kill -0 "$PROVIDER_PID" 2>/dev/null; then
    kill -TERM "$PROVIDER_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do
      kill -0 "$PROVIDER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$PROVIDER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n== %s\n' "$*"; }
ok()   { printf '   ok: %s\n' "$*"; }
die()  {
  printf '   FAIL: %s\n' "$*" >&2
  if [ -s "$WORK/provider.err" ]; then
    printf -- '--- provider stderr ---\n' >&2
    cat "$WORK/provider.err" >&2
  fi
  exit 1
}

CURL=(curl --silent --show-error --max-time 5 --connect-timeout 2)

# Perform a request without following redirects.
# Usage: req NAME curl-args...   -> writes $WORK/NAME.{headers,body}, sets STATUS and LOCATION
req() {
  local name="$1"; shift
  STATUS="$("${CURL[@]}" -c "$WORK/jar" -b "$WORK/jar" \
    -D "$WORK/$name.headers" -o "$WORK/$name.body" -w '%{http_code}' "$@")" \
    || die "curl failed for $name"
  LOCATION="$(tr -d '\r' < "$WORK/$name.headers" | awk 'tolower($1)=="location:" {sub(/^[^:]*:[ ]*/, ""); print; exit}')"
}

# URL-encode one value.
urlenc() { node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$1"; }

# Get query parameter $2 from URL $1 ("" if absent).
qparam() { node -e 'process.stdout.write(new URL(process.argv[1], "http://x").searchParams.get(process.argv[2]) ?? "")' "$1" "$2"; }

# Get top-level JSON member $2 from file $1 ("" if absent).
jget() { node -e 'const v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[process.argv[2]]; process.stdout.write(v === undefined ? "" : (typeof v === "string" ? v : JSON.stringify(v)))' "$1" "$2"; }

# ---------------------------------------------------------------------------
step "start provider"

PORT="$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { process.stdout.write(String(s.address().port)); s.close(); })')"
ISSUER="http://127.0.0.1:$PORT"
CLIENT_ID="kontakt-test"
CLIENT_SECRET="selftest-secret-$RANDOM$RANDOM"
REDIRECT_URI="http://127.0.0.1:1/auth/callback"   # never contacted: we only read the Location header

OIDC_PORT="$PORT" OIDC_CLIENT_ID="$CLIENT_ID" OIDC_CLIENT_SECRET="$CLIENT_SECRET" \
OIDC_REDIRECT_URI="$REDIRECT_URI" \
  node provider.mjs > "$WORK/provider.out" 2> "$WORK/provider.err" &
PROVIDER_PID=$!

for _ in $(seq 1 100); do
  grep -q "^oidc-provider listening on $ISSUER\$" "$WORK/provider.out" 2>/dev/null && break
  kill -0 "$PROVIDER_PID" 2>/dev/null || die "provider exited early"
  sleep 0.1
done
grep -q "^oidc-provider listening on $ISSUER\$" "$WORK/provider.out" || die "provider did not start within 10s"
ok "$(cat "$WORK/provider.out")"

# ---------------------------------------------------------------------------
step "discovery"
req discovery "$ISSUER/.well-known/openid-configuration"
[ "$STATUS" = 200 ] || die "discovery status $STATUS"
[ "$(jget "$WORK/discovery.body" issuer)" = "$ISSUER" ] || die "issuer mismatch"
[ "$(jget "$WORK/discovery.body" authorization_endpoint)" = "$ISSUER/auth" ] || die "authorization_endpoint"
[ "$(jget "$WORK/discovery.body" token_endpoint)" = "$ISSUER/token" ] || die "token_endpoint"
[ "$(jget "$WORK/discovery.body" jwks_uri)" = "$ISSUER/jwks" ] || die "jwks_uri"
[ "$(jget "$WORK/discovery.body" code_challenge_methods_supported)" = '["S256"]' ] || die "code_challenge_methods_supported"
ok "issuer=$ISSUER, endpoints /auth /token /jwks /me, PKCE S256"

# ---------------------------------------------------------------------------
# PKCE pair: verifier = 32 random bytes base64url (43 chars), challenge = BASE64URL(SHA256(verifier))
new_pkce() {
  VERIFIER="$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))')"
  CHALLENGE="$(node -e 'process.stdout.write(require("crypto").createHash("sha256").update(process.argv[1]).digest("base64url"))' "$VERIFIER")"
}

auth_url() { # $1 state, $2 nonce, $3 challenge (empty = no PKCE)
  local u="$ISSUER/auth?client_id=$(urlenc "$CLIENT_ID")&response_type=code&scope=openid%20profile%20email"
  u="$u&redirect_uri=$(urlenc "$REDIRECT_URI")&state=$(urlenc "$1")&nonce=$(urlenc "$2")"
  if [ -n "$3" ]; then u="$u&code_challenge=$3&code_challenge_method=S256"; fi
  printf '%s' "$u"
}

# ---------------------------------------------------------------------------
step "authorization request WITHOUT code_challenge is refused (PKCE required)"
req nopkce "$(auth_url st-nopkce n-nopkce "")"
[ "$STATUS" = 303 ] || die "expected 303, got $STATUS"
case "$LOCATION" in "$REDIRECT_URI?"*) ;; *) die "expected error redirect to RP, got $LOCATION" ;; esac
[ "$(qparam "$LOCATION" error)" = invalid_request ] || die "expected error=invalid_request in $LOCATION"
ok "303 -> $LOCATION"
rm -f "$WORK/jar"

# ---------------------------------------------------------------------------
LOGIN="anna.andersson"
STATE="st-$RANDOM$RANDOM"
NONCE="n-$RANDOM$RANDOM"
new_pkce

step "1. GET /auth?... (authorization request)"
req a1 "$(auth_url "$STATE" "$NONCE" "$CHALLENGE")"
[ "$STATUS" = 303 ] || die "expected 303, got $STATUS"
case "$LOCATION" in /interaction/*) ;; *) die "expected Location /interaction/<uid>, got $LOCATION" ;; esac
UID_="${LOCATION#/interaction/}"
grep -qi '^set-cookie: _interaction=' "$WORK/a1.headers" || die "no _interaction cookie"
grep -qi '^set-cookie: _interaction_resume=' "$WORK/a1.headers" || die "no _interaction_resume cookie"
ok "303 -> $LOCATION (cookies: $(grep -i '^set-cookie:' "$WORK/a1.headers" | sed 's/^[^:]*: *//; s/=.*;.*path=\([^;]*\).*/ (path \1)/' | tr -d '\r' | paste -sd, -))"

step "2. GET /interaction/$UID_ (login form)"
req a2 "$ISSUER/interaction/$UID_"
[ "$STATUS" = 200 ] || die "expected 200, got $STATUS"
grep -q "action=\"$ISSUER/interaction/$UID_\"" "$WORK/a2.body" || grep -q "action=\"/interaction/$UID_\"" "$WORK/a2.body" || die "form action not found"
grep -q 'name="prompt" value="login"' "$WORK/a2.body" || die "hidden prompt=login field not found"
grep -q 'name="login"' "$WORK/a2.body" && grep -q 'name="password"' "$WORK/a2.body" || die "login/password fields not found"
ok "200 HTML form: POST $(grep -o 'action="[^"]*"' "$WORK/a2.body" | head -1), fields prompt=login, login, password"

step "3. POST /interaction/$UID_ (prompt=login&login=$LOGIN&password=...)"
req a3 -X POST --data-urlencode prompt=login --data-urlencode "login=$LOGIN" --data-urlencode "password=whatever" \
  "$ISSUER/interaction/$UID_"
[ "$STATUS" = 303 ] || die "expected 303, got $STATUS"
[ "$LOCATION" = "$ISSUER/auth/$UID_" ] || die "expected Location $ISSUER/auth/$UID_, got $LOCATION"
ok "303 -> $LOCATION"

step "4. GET /auth/$UID_ (resume; consent is skipped)"
req a4 "$LOCATION"
[ "$STATUS" = 303 ] || die "expected 303, got $STATUS"
case "$LOCATION" in "$REDIRECT_URI?"*) ;; *) die "expected redirect to $REDIRECT_URI, got $LOCATION" ;; esac
[ -z "$(qparam "$LOCATION" error)" ] || die "error in redirect: $LOCATION"
CODE="$(qparam "$LOCATION" code)"
[ -n "$CODE" ] || die "no code in $LOCATION"
[ "$(qparam "$LOCATION" state)" = "$STATE" ] || die "state mismatch in $LOCATION"
[ "$(qparam "$LOCATION" iss)" = "$ISSUER" ] || die "iss mismatch in $LOCATION"
grep -qi '^set-cookie: _session=' "$WORK/a4.headers" || die "no _session cookie set"
ok "303 -> $LOCATION"

# ---------------------------------------------------------------------------
step "token request WITHOUT code_verifier is refused"
req t0 -X POST -u "$CLIENT_ID:$CLIENT_SECRET" \
  --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" \
  --data-urlencode "redirect_uri=$REDIRECT_URI" "$ISSUER/token"
[ "$STATUS" = 400 ] || die "expected 400, got $STATUS: $(cat "$WORK/t0.body")"
[ "$(jget "$WORK/t0.body" error)" = invalid_grant ] || die "expected invalid_grant: $(cat "$WORK/t0.body")"
ok "400 $(cat "$WORK/t0.body")"

step "token request with a WRONG code_verifier is refused"
new_pkce_wrong="$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))')"
req t0b -X POST -u "$CLIENT_ID:$CLIENT_SECRET" \
  --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" \
  --data-urlencode "redirect_uri=$REDIRECT_URI" --data-urlencode "code_verifier=$new_pkce_wrong" "$ISSUER/token"
[ "$STATUS" = 400 ] || die "expected 400, got $STATUS: $(cat "$WORK/t0b.body")"
[ "$(jget "$WORK/t0b.body" error)" = invalid_grant ] || die "expected invalid_grant: $(cat "$WORK/t0b.body")"
ok "400 $(cat "$WORK/t0b.body")"

step "token request with a wrong client secret is refused"
req t0c -X POST -u "$CLIENT_ID:not-the-secret" \
  --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" \
  --data-urlencode "redirect_uri=$REDIRECT_URI" --data-urlencode "code_verifier=$VERIFIER" "$ISSUER/token"
[ "$STATUS" = 401 ] || die "expected 401, got $STATUS: $(cat "$WORK/t0c.body")"
[ "$(jget "$WORK/t0c.body" error)" = invalid_client ] || die "expected invalid_client: $(cat "$WORK/t0c.body")"
ok "401 $(cat "$WORK/t0c.body")"

step "5. POST /token (client_secret_basic + code_verifier)"
req t1 -X POST -u "$CLIENT_ID:$CLIENT_SECRET" \
  --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" \
  --data-urlencode "redirect_uri=$REDIRECT_URI" --data-urlencode "code_verifier=$VERIFIER" "$ISSUER/token"
[ "$STATUS" = 200 ] || die "expected 200, got $STATUS: $(cat "$WORK/t1.body")"
ok "200 members: $(node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(Object.entries(j).map(([k, v]) => k + "=" + (typeof v === "string" && v.length > 24 ? v.slice(0, 12) + "..." : v)).join(" "))' "$WORK/t1.body")"

req jwks "$ISSUER/jwks"
[ "$STATUS" = 200 ] || die "jwks status $STATUS"

check_id_token() { # $1 token response file, $2 expected nonce
  node --input-type=module - "$1" "$WORK/jwks.body" "$ISSUER" "$CLIENT_ID" "$LOGIN" "$2" <<'JS'
import { readFileSync } from 'node:fs';
import { createPublicKey, verify } from 'node:crypto';
const [tokenFile, jwksFile, iss, aud, sub, nonce] = process.argv.slice(2);
const tok = JSON.parse(readFileSync(tokenFile, 'utf8'));
const fail = (m) => { console.error(`   FAIL: ${m}`); process.exit(1); };
if (tok.token_type !== 'Bearer') fail(`token_type ${tok.token_type}`);
if (!tok.access_token) fail('no access_token');
if (!tok.id_token) fail('no id_token');
const [h64, p64, s64] = tok.id_token.split('.');
const header = JSON.parse(Buffer.from(h64, 'base64url'));
const payload = JSON.parse(Buffer.from(p64, 'base64url'));
if (header.alg !== 'RS256') fail(`alg ${header.alg}`);
const jwk = JSON.parse(readFileSync(jwksFile, 'utf8')).keys.find((k) => k.kid === header.kid);
if (!jwk) fail(`kid ${header.kid} not in JWKS`);
const good = verify('RSA-SHA256', Buffer.from(`${h64}.${p64}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s64, 'base64url'));
if (!good) fail('bad RS256 signature');
const want = { iss, aud, sub, nonce, preferred_username: sub, email: `${sub}@stockholm.se` };
for (const [k, v] of Object.entries(want)) if (payload[k] !== v) fail(`id_token ${k}=${payload[k]}, expected ${v}`);
if (!(payload.exp > Date.now() / 1000)) fail('id_token expired');
console.log(`   ok: id_token RS256 signature valid (kid ${header.kid})`);
console.log(`   ok: id_token payload ${JSON.stringify(payload)}`);
JS
}
check_id_token "$WORK/t1.body" "$NONCE" || die "id_token check failed"
ACCESS_TOKEN="$(jget "$WORK/t1.body" access_token)"

step "GET /me (userinfo) with the access token"
req me -H "Authorization: Bearer $ACCESS_TOKEN" "$ISSUER/me"
[ "$STATUS" = 200 ] || die "userinfo status $STATUS: $(cat "$WORK/me.body")"
[ "$(jget "$WORK/me.body" sub)" = "$LOGIN" ] || die "userinfo sub"
[ "$(jget "$WORK/me.body" email)" = "$LOGIN@stockholm.se" ] || die "userinfo email"
ok "200 $(cat "$WORK/me.body")"

step "code replay is refused"
req t2 -X POST -u "$CLIENT_ID:$CLIENT_SECRET" \
  --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" \
  --data-urlencode "redirect_uri=$REDIRECT_URI" --data-urlencode "code_verifier=$VERIFIER" "$ISSUER/token"
[ "$STATUS" = 400 ] && [ "$(jget "$WORK/t2.body" error)" = invalid_grant ] || die "replay not refused: $STATUS $(cat "$WORK/t2.body")"
ok "400 $(cat "$WORK/t2.body")"

req me2 -H "Authorization: Bearer $ACCESS_TOKEN" "$ISSUER/me"
[ "$STATUS" = 401 ] || die "expected the access token to be revoked after code replay, got $STATUS"
ok "tokens issued from the replayed code are revoked (GET /me -> 401)"

# ---------------------------------------------------------------------------
step "second authorization with the _session cookie: no login form, straight back to the RP"
STATE2="st2-$RANDOM$RANDOM"
NONCE2="n2-$RANDOM$RANDOM"
new_pkce
req b1 "$(auth_url "$STATE2" "$NONCE2" "$CHALLENGE")"
[ "$STATUS" = 303 ] || die "expected 303, got $STATUS"
case "$LOCATION" in "$REDIRECT_URI?"*) ;; *) die "expected redirect to RP, got $LOCATION" ;; esac
CODE2="$(qparam "$LOCATION" code)"
[ -n "$CODE2" ] && [ "$(qparam "$LOCATION" state)" = "$STATE2" ] || die "bad redirect $LOCATION"
ok "303 -> $LOCATION"

step "POST /token with client_secret_post"
req t3 -X POST \
  --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE2" \
  --data-urlencode "redirect_uri=$REDIRECT_URI" --data-urlencode "code_verifier=$VERIFIER" \
  --data-urlencode "client_id=$CLIENT_ID" --data-urlencode "client_secret=$CLIENT_SECRET" "$ISSUER/token"
[ "$STATUS" = 200 ] || die "expected 200, got $STATUS: $(cat "$WORK/t3.body")"
check_id_token "$WORK/t3.body" "$NONCE2" || die "id_token check failed"

# ---------------------------------------------------------------------------
step "SIGTERM stops the provider cleanly"
kill -TERM "$PROVIDER_PID"
EXIT_CODE=""
for _ in $(seq 1 50); do
  if ! kill -0 "$PROVIDER_PID" 2>/dev/null; then
    set +e; wait "$PROVIDER_PID"; EXIT_CODE=$?; set -e
    break
  fi
  sleep 0.1
done
[ "$EXIT_CODE" = 0 ] || die "provider did not exit with 0 within 5s after SIGTERM (exit=$EXIT_CODE)"
PROVIDER_PID=""
ok "provider exited with status 0"

step "provider stderr (refused requests are logged with their reason)"
grep -v 'WARNING' "$WORK/provider.err" | sed 's/^/   | /' || true

printf '\nSELFTEST PASSED\n'
