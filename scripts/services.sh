#!/usr/bin/env bash
# Installs (from Debian's packages) and starts the real services the tests
# use, each private to this checkout under .test-services/. Idempotent: a
# service already running is reused. Prints the environment to export.
#
#   eval "$(scripts/services.sh)"
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# Outside the checkout: the 'postgres' user must reach its data directory,
# and a checkout under /root is closed to it. One directory (and one port)
# per checkout, so two checkouts do not share a cluster.
key=$(printf '%s' "$root" | cksum | cut -d' ' -f1)
state="${TMPDIR:-/tmp}/kontakt-test-services-$key"
mkdir -p "$state"
chmod 755 "$state"

log() { echo "services: $*" >&2; }

apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        if [ "$(id -u)" -eq 0 ]; then
            (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >&2
        else
            (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >&2
        fi
    fi
}

# --- PostgreSQL: a private cluster, trust auth on loopback only.
pg_port=$((54000 + key % 900))
# poppler-utils and Tesseract (with Swedish) read scanned letters.
apt_install postgresql poppler-utils tesseract-ocr tesseract-ocr-swe
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg_data="$state/pg"
# PostgreSQL refuses to run as root, so the cluster belongs to 'postgres'.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if ! as_pg "$pg_bin/pg_ctl" -D "$pg_data" status >/dev/null 2>&1; then
    if [ ! -f "$pg_data/PG_VERSION" ]; then
        log "creating a PostgreSQL cluster in $pg_data"
        mkdir -p "$pg_data"
        if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$pg_data"; fi
        as_pg "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    log "starting PostgreSQL on 127.0.0.1:$pg_port"
    as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w \
        -o "-p $pg_port -k $pg_data -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on" start >/dev/null
fi
echo "export KONTAKT_TEST_POSTGRES=postgres://postgres@127.0.0.1:$pg_port/postgres"

# --- The OpenID provider for the single sign-on tests: node and the
# certified 'oidc-provider' package, installed from the lock file. Each
# test starts its own provider (scripts/oidc-provider/provider.mjs).
# The machine image may bring its own node with npm; Debian's only if not.
command -v npm >/dev/null 2>&1 || apt_install nodejs npm
oidc_dir="$root/scripts/oidc-provider"
if [ ! -d "$oidc_dir/node_modules/oidc-provider" ]; then
    log "installing oidc-provider from npm"
    (cd "$oidc_dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
echo "export KONTAKT_TEST_OIDC_PROVIDER=$oidc_dir/provider.mjs"

# --- Real headless Chromium and its WebDriver, from Debian, and axe-core
# (npm) for the accessibility checks of the browser tests.
# Abyssinica: the Ge'ez script of Tigrinya on Mina sidor.
apt_install chromium chromium-driver fonts-dejavu-core fonts-sil-abyssinica
browser_dir="$root/scripts/browser"
if [ ! -f "$browser_dir/node_modules/axe-core/axe.min.js" ]; then
    log "installing axe-core from npm"
    (cd "$browser_dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
echo "export KONTAKT_TEST_AXE=$browser_dir/node_modules/axe-core/axe.min.js"
echo "export KONTAKT_TEST_CHROMEDRIVER=$(command -v chromedriver)"

# --- The SMS gateway Kannel (bearerbox, smsbox) and its fake SMS centre
# (kannel-extras' fakesmsc). Each SMS test starts its own private gateway
# on free ports (tests/api/sms.rs), so only the programs are needed here.
apt_install kannel kannel-extras
echo "export KONTAKT_TEST_KANNEL=/usr/sbin"
echo "export KONTAKT_TEST_FAKESMSC=/usr/lib/kannel/test/fakesmsc"

# --- A real mail server (Postfix and Dovecot) on loopback, for the e-mail
# tests: its own script, as it is long; its export lines pass through.
bash "$root/scripts/mail-server.sh" "$state"
