#!/usr/bin/env bash
# A real, private mail server for the tests, from Debian's packages:
# Postfix takes mail over SMTP (plain and STARTTLS), submission (STARTTLS
# and AUTH required) and SMTPS (implicit TLS and AUTH), and hands mail for
# example.test over LMTP to Dovecot, which serves it over IMAP. Every
# address in example.test exists and its password is "test".
#
# Everything lives under STATE/mail (default: the directory services.sh
# uses), so two checkouts get two servers. Idempotent: running instances
# are reused. Prints the environment to export, nothing else on stdout.
#
#   eval "$(scripts/mail-server.sh [STATE])"
#
# To stop the instances (they are not stopped by anything else):
#   postfix -c STATE/mail/postfix stop
#   doveadm -c STATE/mail/dovecot/dovecot.conf stop
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# The same key as services.sh, so the ports belong to this checkout.
key=$(printf '%s' "$root" | cksum | cut -d' ' -f1)
state="${1:-${TMPDIR:-/tmp}/kontakt-test-services-$key}"

log() { echo "mail-server: $*" >&2; }

# Postfix's master and Dovecot's must start as root (they bind, then drop
# to their own users). TMPDIR is passed on so the default STATE agrees.
if [ "$(id -u)" -ne 0 ]; then
    exec sudo TMPDIR="${TMPDIR:-/tmp}" bash "$0" "$state"
fi

# As in services.sh; repeated here so this script also runs on its own.
apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >&2
    fi
}

apt_install postfix dovecot-imapd dovecot-lmtpd openssl

# Ports past PostgreSQL's 54000 range, one set per checkout.
smtp_port=$((55000 + key % 900))
submission_port=$((56000 + key % 900))
imap_port=$((57000 + key % 900))
lmtp_port=$((58000 + key % 900))
smtps_port=$((59000 + key % 900))
# Kontakt's SMTP listener in the tests. A test binds it long after the
# servers above started, so it lies below Linux's ephemeral ports
# (32768-60999), which any connection of the test run may be holding.
direct_port=$((31000 + key % 900))

mail="$state/mail"
pf_conf="$mail/postfix"       # main.cf, master.cf
pf_queue="$mail/spool"        # Postfix's queue_directory
dc_conf="$mail/dovecot/dovecot.conf"
dc_run="$mail/dovecot/run"    # Dovecot's base_dir: pid and sockets
tls="$mail/tls"
boxes="$mail/boxes"
logs="$mail/log"

# Postfix's own check wants its config and queue roots owned by root and
# not writable by others; the daemons' users (postfix, mail, dovecot)
# must be able to pass through $state and $mail.
mkdir -p "$mail" "$pf_conf" "$pf_queue" "$mail/dovecot/state" "$tls" "$boxes" "$logs"
chmod 755 "$state" "$mail" "$pf_conf" "$pf_queue" "$logs"
# Every virtual user's Maildir belongs to the system user 'mail', which
# Debian always has; Dovecot will not deliver as root.
chown mail:mail "$boxes"
chmod 700 "$boxes"

# Writes stdin to $1 only when it differs, so a running instance is told
# to reload only when this script changed its configuration.
changed_postfix=0
changed_dovecot=0
write_if_changed() {
    local file=$1 tmp
    tmp=$(mktemp "$file.XXXXXX")
    cat >"$tmp"
    chmod 644 "$tmp"
    # Postfix rereads a file changed within the last second until it
    # "cools down" (1.5 s at each start); ours is whole when moved in.
    touch -d "@$(($(date +%s) - 2))" "$tmp"
    if cmp -s "$tmp" "$file" 2>/dev/null; then
        rm -f "$tmp"
        return 1
    fi
    mv -f "$tmp" "$file"
}

# --- TLS: one self-signed certificate for localhost / 127.0.0.1, which the
# tests trust as their only CA. CA:FALSE and no keyUsage on purpose:
# rustls (webpki) refuses a CA certificate as the server's own, and
# OpenSSL refuses a self-signed certificate whose keyUsage lacks certSign.
if [ ! -s "$tls/cert.pem" ] || [ ! -s "$tls/key.pem" ]; then
    log "creating a self-signed certificate in $tls"
    cat >"$tls/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
x509_extensions = ext
prompt = no
[dn]
CN = localhost
[ext]
basicConstraints = critical, CA:FALSE
subjectAltName = DNS:localhost, IP:127.0.0.1
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
EOF
    openssl req -x509 -config "$tls/openssl.cnf" -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
        -nodes -days 3650 -keyout "$tls/key.pem.new" -out "$tls/cert.pem.new" 2>/dev/null
    chmod 600 "$tls/key.pem.new"
    chmod 644 "$tls/cert.pem.new"
    mv -f "$tls/key.pem.new" "$tls/key.pem"
    mv -f "$tls/cert.pem.new" "$tls/cert.pem"
fi

# --- Dovecot: IMAP and LMTP on loopback, and the SASL service Postfix asks.
# No /etc/dovecot include: this file is the whole configuration.
if write_if_changed "$dc_conf" <<EOF
# Written by scripts/mail-server.sh; edits here are overwritten.
instance_name = kontakt-mail-$key
base_dir = $dc_run
state_dir = $mail/dovecot/state
log_path = $logs/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_verbose = yes
# Anna@Example.test and anna@example.test share one mailbox; a bare
# "anna" logs in as anna@example.test.
auth_username_format = %Lu
auth_default_realm = example.test
postmaster_address = postmaster@example.test

mail_uid = mail
mail_gid = mail
first_valid_uid = 8
last_valid_uid = 8
first_valid_gid = 8
last_valid_gid = 8
mail_location = maildir:~/Maildir

# Every address in example.test exists, with password "test". Anything
# else (wrong password, other domain) falls through to the second passdb,
# which refuses it at once: without it a wrong password would wait
# Dovecot's anti-brute-force delay (2 s), and another domain would be a
# "temporary failure", which clients retry.
passdb {
  driver = static
  args = password=test
  username_filter = *@example.test
}
passdb {
  driver = static
  args = nopassword=y nodelay=yes
  deny = yes
}
userdb {
  driver = static
  args = home=$boxes/%d/%n allow_all_users=yes
}

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $lmtp_port
  }
}
# Nor the penalty that grows (up to 15 s) with failures from one address.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service auth {
  unix_listener auth-postfix {
    mode = 0660
    user = postfix
    group = postfix
  }
}
EOF
then changed_dovecot=1; fi

# --- Postfix: main.cf. No DNS anywhere (there is no network), nothing
# leaves the machine, and no sleeps or backoffs that would slow tests.
if write_if_changed "$pf_conf/main.cf" <<EOF
# Written by scripts/mail-server.sh; edits here are overwritten.
compatibility_level = 3.6
config_directory = $pf_conf
queue_directory = $pf_queue
data_directory = $mail/postfix-data
mail_owner = postfix
setgid_group = postdrop
syslog_name = postfix-kontakt-$key
maillog_file = $logs/postfix.log
maillog_file_prefixes = $logs

myhostname = mail.example.test
mydomain = example.test
myorigin = example.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
biff = no
readme_directory = no
alias_maps =
alias_database =
local_recipient_maps =

virtual_mailbox_domains = example.test
virtual_transport = lmtp:inet:127.0.0.1:$lmtp_port
local_transport = error:no local mail in tests
relay_transport = error:no outside mail in tests
default_transport = error:no outside mail in tests

# gone.example.test: mail is accepted, then its delivery fails for good
# (the 'gone' transport runs /bin/false) and Postfix bounces it at once:
# the tests' real delivery status notification. Other mail keeps the
# usual retries. direct.example.test: relayed over SMTP to the port a test
# runs Kontakt's own SMTP listener on (direct delivery).
relay_domains = gone.example.test, direct.example.test
transport_maps = inline:{gone.example.test=gone:, direct.example.test=smtp:[127.0.0.1]:$direct_port}

# Dovecot 2.3's LMTP lacks SMTPUTF8, so Postfix would bounce every mail
# sent with it (even an ASCII-only address with a UTF-8 Subject). Not
# offering it keeps raw UTF-8 headers deliverable (8BITMIME); a client
# that needs SMTPUTF8 (UTF-8 addresses) is told so at MAIL FROM.
smtputf8_enable = no

smtpd_peername_lookup = no
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled
lmtp_host_lookup = native
smtp_host_lookup = native
in_flow_delay = 0s
smtpd_error_sleep_time = 0s
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 30s
# A daemon that fails at start (smtpd while Dovecot's SASL socket is
# gone, say) pauses its service for 60 s by default.
service_throttle_time = 1s

smtpd_tls_cert_file = $tls/cert.pem
smtpd_tls_key_file = $tls/key.pem
smtpd_tls_security_level = may
smtp_tls_security_level = none
smtpd_sasl_type = dovecot
smtpd_sasl_path = $dc_run/auth-postfix
smtpd_sasl_auth_enable = no
EOF
then changed_postfix=1; fi

# master.cf: the three listeners, and Debian's internal services without
# chroot (a chroot would need copies of /etc files in the queue).
if write_if_changed "$pf_conf/master.cf" <<EOF
# Written by scripts/mail-server.sh; edits here are overwritten.
# service type  private unpriv  chroot  wakeup  maxproc command + args
127.0.0.1:$smtp_port inet n - n - - smtpd
127.0.0.1:$submission_port inet n - n - - smtpd
  -o syslog_name=postfix-kontakt-$key/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_tls_auth_only=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
127.0.0.1:$smtps_port inet n - n - - smtpd
  -o syslog_name=postfix-kontakt-$key/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
pickup     unix  n - n 60 1 pickup
cleanup    unix  n - n - 0 cleanup
qmgr       unix  n - n 300 1 qmgr
tlsmgr     unix  - - n 1000? 1 tlsmgr
rewrite    unix  - - n - - trivial-rewrite
bounce     unix  - - n - 0 bounce
defer      unix  - - n - 0 bounce
trace      unix  - - n - 0 bounce
verify     unix  - - n - 1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n - - proxymap
proxywrite unix  - - n - 1 proxymap
smtp       unix  - - n - - smtp
relay      unix  - - n - - smtp
showq      unix  n - n - - showq
error      unix  - - n - - error
retry      unix  - - n - - error
discard    unix  - - n - - discard
lmtp       unix  - - n - - lmtp
anvil      unix  - - n - 1 anvil
scache     unix  - - n - 1 scache
postlog    unix-dgram n - n - 1 postlogd
gone       unix  - n n - - pipe flags= user=nobody argv=/bin/false
EOF
then changed_postfix=1; fi

# Whether something listens on TCP port $1 (any address). Read from the
# kernel rather than by connecting, which would leave noise in the logs.
listening() {
    grep -qE "^ *[0-9]+: [0-9A-F]+:$(printf '%04X' "$1") 0+:0000 0A " /proc/net/tcp
}

# Waits until 127.0.0.1:$1 listens.
wait_port() {
    for _ in $(seq 100); do
        if listening "$1"; then return 0; fi
        sleep 0.1
    done
    log "nothing listens on 127.0.0.1:$1 (see $logs)"
    return 1
}

# Waits until nothing listens on port $1: after a crash, the dead
# master's children may hold its listening sockets a moment longer.
wait_port_free() {
    for _ in $(seq 50); do
        if ! listening "$1"; then return 0; fi
        sleep 0.1
    done
    log "port $1 is taken by something else"
    return 1
}

# Waits up to 5 s for process $1 to end (a master told to stop may take
# a moment), then kills what is left of its process group.
wait_gone() {
    for _ in $(seq 50); do
        if ! kill -0 "$1" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    kill -9 -- "-$1" 2>/dev/null || true
}

# --- Start Dovecot first: Postfix's SASL socket and LMTP are Dovecot's.
# Reused if the pid file names a live dovecot started with our config
# that still listens (it may be a killed one shutting down); a pid file
# left by a killed instance (its pid maybe reused) is removed.
dc_pid=$(cat "$dc_run/master.pid" 2>/dev/null || true)
if [ -n "$dc_pid" ] && tr '\0' ' ' 2>/dev/null <"/proc/$dc_pid/cmdline" | grep -qF -- "-c $dc_conf"; then
    if ! listening "$imap_port" || ! listening "$lmtp_port"; then
        log "waiting for a Dovecot that does not listen (PID $dc_pid) to end"
        wait_gone "$dc_pid"
    fi
else
    dc_pid=
fi
if [ -n "$dc_pid" ] && kill -0 "$dc_pid" 2>/dev/null; then
    if [ "$changed_dovecot" = 1 ]; then
        log "reloading Dovecot (configuration changed)"
        kill -HUP "$dc_pid"
    fi
else
    rm -f "$dc_run/master.pid"
    log "starting Dovecot: IMAP on 127.0.0.1:$imap_port, LMTP on 127.0.0.1:$lmtp_port"
    wait_port_free "$imap_port"
    wait_port_free "$lmtp_port"
    # Dovecot keeps the stderr it was started with (as its log's last
    # resort), which would hold open any pipe our caller reads, e.g.
    # "services.sh 2>&1 | tee": so a file, shown here if the start fails.
    if ! dovecot -c "$dc_conf" </dev/null >"$logs/dovecot-start.log" 2>&1; then
        cat "$logs/dovecot-start.log" >&2
        exit 1
    fi
fi
wait_port "$imap_port"
wait_port "$lmtp_port"

# --- Then Postfix. "postfix status" asks the master's lock on its pid
# file, so a stale pid file cannot fool it; one that runs but does not
# listen is stopped and started again.
pf_up=0
if postfix -c "$pf_conf" status >/dev/null 2>&1; then
    pf_up=1
    for port in "$smtp_port" "$submission_port" "$smtps_port"; do
        if ! listening "$port"; then pf_up=0; fi
    done
    if [ "$pf_up" = 0 ]; then
        log "restarting a Postfix that does not listen"
        postfix -c "$pf_conf" stop </dev/null >&2 || true
    fi
fi
if [ "$pf_up" = 1 ]; then
    if [ "$changed_postfix" = 1 ]; then
        log "reloading Postfix (configuration changed)"
        postfix -c "$pf_conf" reload </dev/null >&2
    fi
else
    log "starting Postfix: SMTP on 127.0.0.1:$smtp_port, submission on $submission_port, SMTPS on $smtps_port"
    # Start also creates the queue directories with the owners Postfix
    # wants (post-install create-missing); check-warn's findings go to the log.
    for port in "$smtp_port" "$submission_port" "$smtps_port"; do wait_port_free "$port"; done
    postfix -c "$pf_conf" start </dev/null >&2
fi
wait_port "$smtp_port"
wait_port "$submission_port"
wait_port "$smtps_port"

echo "export KONTAKT_TEST_SMTP=127.0.0.1:$smtp_port"
echo "export KONTAKT_TEST_SUBMISSION=127.0.0.1:$submission_port"
echo "export KONTAKT_TEST_SMTPS=127.0.0.1:$smtps_port"
echo "export KONTAKT_TEST_IMAP=127.0.0.1:$imap_port"
echo "export KONTAKT_TEST_DIRECT_DELIVERY=127.0.0.1:$direct_port"
echo "export KONTAKT_TEST_MAIL_CA=$tls/cert.pem"
