#!/usr/bin/env bash
# Server time of the desk's pages, logged in as demo accounts, over a demo
# data directory (first run: `kontakt demo --data-dir DIR --cases 1000000`).
#   bash scripts/bench-desk.sh DIR
# 200 requests per page with curl; prints p50 and p99.
set -euo pipefail
DATA=${1:?usage: bench-desk.sh DATA_DIR}
cd "$(dirname "$0")/.."
cargo build --release -q -p kontakt
K=target/release/kontakt
TMPDIR_B=$(mktemp -d)
KONTAKT_LOG=warn $K demo --data-dir "$DATA" --addr 127.0.0.1:18081 > "$TMPDIR_B"/demo.log 2>&1 &
PID=$!
for i in $(seq 1 120); do curl -s -o /dev/null http://127.0.0.1:18081/login && break; sleep 1; done
B=http://127.0.0.1:18081
login() { # user file: keeps "name=value" of the session cookie (curl drops Secure cookies over http)
  page=$(curl -s -D "$TMPDIR_B"/h1 $B/login)
  csrf=$(echo "$page" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
  lc=$(grep -i '^set-cookie: __Host-kontakt-login=' "$TMPDIR_B"/h1 | sed 's/^[^:]*: //;s/;.*//' | tr -d '\r')
  curl -s -o /dev/null -D "$TMPDIR_B"/h2 -H "Cookie: $lc" --data-urlencode "csrf=$csrf" --data-urlencode "username=$1" --data-urlencode "password=Stockholm-demo-2026" $B/login
  grep -i '^set-cookie: __Host-kontakt=' "$TMPDIR_B"/h2 | sed 's/^[^:]*: //;s/;.*//' | tr -d '\r' > $2
}
cookies() { cat $1; }
time_page() { # label jar path
  c=$(cookies $2)
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $c" "$B$3")
  for i in $(seq 1 200); do curl -s -o /dev/null -w '%{time_total}\n' -H "Cookie: $c" "$B$3"; done | sort -n | awk -v l="$1" -v code="$code" '{a[NR]=$1} END {printf "%-45s HTTP %s  p50 %5.1f ms  p99 %5.1f ms\n", l, code, a[int(NR*0.5)]*1000, a[int(NR*0.99)]*1000}'
}
login officer "$TMPDIR_B"/jar-officer
login agent2 "$TMPDIR_B"/jar-agent2
# A case in the officer's queue, and one of a person with a phone.
N=$(curl -s -H "Cookie: $(cookies "$TMPDIR_B"/jar-officer)" $B/ | grep -o '/cases/KC-[0-9-]*' | head -1 | sed 's|/cases/||')
echo "officer's case: $N"
time_page "case card (officer)" "$TMPDIR_B"/jar-officer "/cases/$N"
time_page "start page (officer: my cases + queue)" "$TMPDIR_B"/jar-officer "/"
time_page "start page (agent level 2)" "$TMPDIR_B"/jar-agent2 "/"
time_page "search: full text bygglov" "$TMPDIR_B"/jar-agent2 "/search?q=bygglov"
time_page "search: common word när" "$TMPDIR_B"/jar-agent2 "/search?q=n%C3%A4r"
time_page "search: district + status" "$TMPDIR_B"/jar-agent2 "/search?district=skarholmen&status=closed"
time_page "search: name start (anna)" "$TMPDIR_B"/jar-agent2 "/search?person=anna"
time_page "search: name start (lindqvist)" "$TMPDIR_B"/jar-agent2 "/search?person=lindqvist"
time_page "search: full name (anna lindqvist)" "$TMPDIR_B"/jar-agent2 "/search?person=anna+lindqvist"
PH=$(sqlite3 "$DATA/kontakt.db" "SELECT phone FROM persons WHERE phone IS NOT NULL AND NOT protected_identity LIMIT 1 OFFSET 5000" 2>/dev/null || true)
[ -n "$PH" ] && time_page "search: phone ($PH)" "$TMPDIR_B"/jar-agent2 "/search?person=$(python3 -c "import urllib.parse,sys;print(urllib.parse.quote(sys.argv[1]))" "$PH")"
time_page "search: board + channel + date range" "$TMPDIR_B"/jar-agent2 "/search?board=SDN-SKH&channel=email&from=2026-01-01&to=2026-06-30"
[ -n "$PH" ] && time_page "caller look-up by phone" "$TMPDIR_B"/jar-agent2 "/cases/new/person?person=$(python3 -c "import urllib.parse,sys;print(urllib.parse.quote(sys.argv[1]))" "$PH")"
time_page "quick registration fields (FSK-KO)" "$TMPDIR_B"/jar-agent2 "/cases/new/fields?case_type=FSK-KO"
kill $PID
