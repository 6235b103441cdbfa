#!/usr/bin/env bash
# Every test of the project, on SQLite and PostgreSQL. Installs and starts
# what the tests need (scripts/services.sh), then runs the test suite, the
# formatter check and clippy. This is the README's test command; CI runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(bash scripts/services.sh)"
export KONTAKT_TEST_POSTGRES KONTAKT_TEST_OIDC_PROVIDER KONTAKT_TEST_AXE KONTAKT_TEST_CHROMEDRIVER \
    KONTAKT_TEST_SMTP KONTAKT_TEST_SUBMISSION KONTAKT_TEST_SMTPS KONTAKT_TEST_IMAP KONTAKT_TEST_MAIL_CA \
    KONTAKT_TEST_DIRECT_DELIVERY KONTAKT_TEST_KANNEL KONTAKT_TEST_FAKESMSC

# A fresh clone builds once: incremental state would only double the disk used.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL=0; fi

# Test databases of earlier runs are never read again: drop them, so a
# long-lived cluster does not fill the disk.
psql "$KONTAKT_TEST_POSTGRES" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'kontakt\_%test\_%'" |
    while read -r name; do psql "$KONTAKT_TEST_POSTGRES" -qc "DROP DATABASE IF EXISTS $name" >/dev/null; done

log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== tests (SQLite and PostgreSQL)"
status=0
cargo test --workspace --locked --no-fail-fast --lib --bins --tests 2>&1 | tee "$log" || status=$?

echo "== format"
cargo fmt --all -- --check || status=1

echo "== clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings || status=1

# One total over all test binaries, so the last line tells the whole story.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed;?$/) p += $(i-1); if ($(i) ~ /^failed;?$/) f += $(i-1) } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit $status
