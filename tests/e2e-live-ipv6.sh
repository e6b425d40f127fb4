#!/bin/sh
# End-to-end, live evidence for TCP backends: gunicorn listens on
# 127.0.0.1 only, and Apache reaches it through names that resolve to ::1
# first (backend.test: ::1, then 127.0.0.1) or only (v6only.test).  Apache
# falls back to 127.0.0.1 for the first (a refused [::1] attempt on every
# new connection, AH00957 at debug level) and answers 503 for the second
# (AH00957 [::1] at error level).  "vhostfix check" must report
# backend-ipv6-first on both lines, with those log lines as evidence; and
# backend-unreachable for a port nobody listens on and a name that does
# not resolve, with theirs.
#
# This machine's own resolver decides what "localhost" means, so the test
# does not rely on it: it runs in a private mount namespace (unshare -m)
# where a hosts file of its own is bind-mounted over /etc/hosts, seen by
# apache2 and vhostfix alike and by nothing outside the test.  The tree is
# declared live with VHOSTFIX_LIVE_ROOT (see e2e-live-socket.sh).

if [ -z "${VHOSTFIX_E2E_NS:-}" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (unshare -m)"; exit 77; }
	command -v unshare >/dev/null || { echo "SKIP: no unshare"; exit 77; }
	unshare -m true 2>/dev/null ||
	    { echo "SKIP: unshare -m is not allowed here"; exit 77; }
	VHOSTFIX_E2E_NS=1
	export VHOSTFIX_E2E_NS
	exec unshare -m sh "$0" "$@"
fi
hosts=$(mktemp "${TMPDIR:-/tmp}/vhostfix-hosts.XXXXXX") || exit 1
cat >"$hosts" <<HOSTS
127.0.0.1	localhost
::1	backend.test
127.0.0.1	backend.test
::1	v6only.test
HOSTS
chmod 0644 "$hosts"
mount --bind "$hosts" /etc/hosts || { rm -f "$hosts"; exit 77; }
rm -f "$hosts"
first=$(getent ahosts backend.test | head -n 1 | cut -d' ' -f1)
[ "$first" = "::1" ] ||
    { echo "SKIP: backend.test resolves to $first first, not ::1"; exit 77; }

scenario_vhost()
{
	cat <<CONF
<VirtualHost *:$PORT>
	ServerName app.example.test
	LogLevel warn proxy:debug
	ProxyPass /v6first/ http://backend.test:$TPORT/
	ProxyPassReverse /v6first/ http://backend.test:$TPORT/
	ProxyPass /v6only/ http://v6only.test:$TPORT/
	ProxyPassReverse /v6only/ http://v6only.test:$TPORT/
	ProxyPass /dead/ http://127.0.0.1:$DPORT/
	ProxyPassReverse /dead/ http://127.0.0.1:$DPORT/
	ProxyPass /nodns/ http://nosuchhost.invalid/
	ProxyPassReverse /nodns/ http://nosuchhost.invalid/
</VirtualHost>
CONF
}

. "$top_srcdir/tests/e2e/lib.sh"
TPORT=$(e2e_free_port)
DPORT=$(e2e_free_port)
e2e_start
H=app.example.test
e2e_bg env PYTHONDONTWRITEBYTECODE=1 "$GUNICORN" --bind "127.0.0.1:$TPORT" \
    --chdir "$top_srcdir/tests/e2e" --workers 1 app:app
e2e_wait "curl -s --max-time 2 -o /dev/null http://127.0.0.1:$TPORT/seen" ||
    { e2e_fail "gunicorn on 127.0.0.1:$TPORT"; exit 1; }

status()
{
	curl -s --noproxy '*' --max-time 10 -o /dev/null -w '%{http_code}' \
	    --resolve "$H:$PORT:127.0.0.1" "http://$H:$PORT$1"
}
e2e_expect_eq "GET /v6first/seen (falls back to 127.0.0.1)" \
    "$(status /v6first/seen)" 200
e2e_expect_eq "GET /v6only/seen" "$(status /v6only/seen)" 503
e2e_expect_eq "GET /dead/x (nobody on the port)" "$(status /dead/x)" 503
e2e_expect_eq "GET /nodns/x (no such name)" "$(status /nodns/x)" 500
sleep 0.2
grep -q "AH00957: http: attempt to connect to \[::1\]:$TPORT (backend.test" \
    "$T/run/error.log" && e2e_ok "Apache logged the [::1] attempt" ||
    e2e_fail "no AH00957 [::1] for backend.test in the error log"

line()
{
	grep -n "ProxyPass $1 " "$ROOT/etc/apache2/sites-available/app.conf" |
	    cut -d: -f1
}
VHOSTFIX_LIVE_ROOT=$ROOT "$VHOSTFIX" --root "$ROOT" --config "$CONFIG" \
    check --format json >"$T/check.json" 2>"$T/check.err"
e2e_expect_eq "check exit code" "$?" 1
cat "$T/check.err"
VHOSTFIX_LIVE_ROOT=$ROOT "$VHOSTFIX" --root "$ROOT" --config "$CONFIG" \
    check >"$T/check.txt" 2>&1
cat "$T/check.txt"

SITE=/etc/apache2/sites-enabled/app.conf
e2e_expect_live backend-ipv6-first "$SITE" "$(line /v6first/)" \
    AH00957 111 "backend.test:$TPORT" - "resolves to [::1]:$TPORT first"
e2e_expect_live backend-ipv6-first "$SITE" "$(line /v6only/)" \
    AH00957 111 "v6only.test:$TPORT" 1 "resolves to ::1 only"
e2e_expect_live backend-unreachable "$SITE" "$(line /dead/)" \
    AH00957 111 "127.0.0.1:$DPORT" 1 "no address of 127.0.0.1:$DPORT"
e2e_expect_live backend-unreachable "$SITE" "$(line /nodns/)" \
    AH00898 0 "nosuchhost.invalid" 1 "does not resolve"
grep -q "error: v6only.test resolves to ::1 only" "$T/check.txt" &&
    e2e_ok "::1 only is an error" || e2e_fail "::1 only is not an error"
grep -q "warning: backend.test resolves to \[::1\]:$TPORT first" \
    "$T/check.txt" && e2e_ok "::1 first is a warning" ||
    e2e_fail "::1 first is not a warning"
e2e_finish
