#!/bin/sh
# errlog-real.sh: the error-log classifier (src/errlog.c) on lines a real
# apache2 wrote.  Apache proxies to real broken backends (a missing socket,
# a stale one, a 0700 directory, a socket of another group when root, a
# closed TCP port, a backend that hangs up, a missing scheme module, a
# trailing-slash mistake, https to a plain backend, fcgi, uwsgi and a
# balancer member that is down); each request leaves its code in the log,
# and tests/unit/test-errlog must classify every one with its errno and
# backend.  No line is written by the test itself.

E2E_MODULES="proxy_fcgi proxy_uwsgi proxy_balancer slotmem_shm \
lbmethod_byrequests"

scenario_vhost()
{
	cat <<CONF
<VirtualHost *:$PORT>
	ServerName app.example.test
	Timeout 5
	ProxyPass /missing/ unix:$T/run/missing.sock|http://missing/
	ProxyPass /stale/ unix:$T/run/stale.sock|http://stale/
	ProxyPass /closed/ unix:$T/closed/app.sock|http://closed/
	ProxyPass /group/ unix:$T/run/group.sock|http://group/
	ProxyPass /tcpdead/ http://127.0.0.1:$DPORT/
	ProxyPass /reset/ http://127.0.0.1:$RPORT/
	ProxyPass /slash/ http://127.0.0.1:$RPORT
	ProxyPass /ajp/ ajp://127.0.0.1:$RPORT/
	ProxyPass /tls/ https://127.0.0.1:$RPORT/
	ProxyPass /fcgi/ fcgi://127.0.0.1:$DPORT/
	ProxyPass /uwsgi/ uwsgi://127.0.0.1:$DPORT/
	ProxyPass /bal/ balancer://cl/
	<Proxy balancer://cl>
		BalancerMember http://127.0.0.1:$DPORT
	</Proxy>
</VirtualHost>
CONF
}

. "$top_srcdir/tests/e2e/lib.sh"
TEST_ERRLOG=$top_builddir/tests/unit/test-errlog
[ -x "$TEST_ERRLOG" ] || { echo "no $TEST_ERRLOG" >&2; exit 1; }
DPORT=$(e2e_free_port)
RPORT=$(e2e_free_port)
e2e_start
H=app.example.test
helper=$top_srcdir/tests/e2e/sockhelper.py
mkdir "$T/closed"
e2e_bg python3 "$helper" stale "$T/run/stale.sock"
e2e_bg python3 "$helper" listen "$T/closed/app.sock" 0777
e2e_bg python3 "$helper" listen "$T/run/group.sock" 0660
e2e_bg python3 "$helper" reset "$RPORT"
e2e_wait "[ -S '$T/closed/app.sock' ] && [ -S '$T/run/group.sock' ] &&
    [ -S '$T/run/stale.sock' ]" || { e2e_fail "helpers"; exit 1; }
chmod 0700 "$T/closed"
root=0
[ "$(id -u)" -eq 0 ] && root=1
paths="/missing/x /stale/x /tcpdead/x /reset/x /slash/x /ajp/x /tls/x
    /fcgi/x /uwsgi/x /bal/x /missing/y"
[ $root = 1 ] && paths="$paths /closed/x /group/x"
for p in $paths; do
	code=$(curl -s --noproxy '*' --max-time 10 -o /dev/null \
	    -w '%{http_code}' --resolve "$H:$PORT:127.0.0.1" \
	    "http://$H:$PORT$p")
	e2e_log "GET $p: $code"
done
sleep 0.3

"$TEST_ERRLOG" "$T/run/error.log" >"$T/events" 2>"$T/events.err"
rc=$?
cat "$T/events" "$T/events.err"
e2e_expect_eq "test-errlog exit code" "$rc" 0

expect()
{
	if grep -qxF "$1" "$T/events"; then
		e2e_ok "classified: $1"
	else
		e2e_fail "not classified: $1"
	fi
}
expect "AH02454 2 socket $T/run/missing.sock 2"
expect "AH01114 0 host missing 2"
expect "AH02454 111 socket $T/run/stale.sock 1"
# One address refused four times: the plain, fcgi, uwsgi and balancer
# workers all connect to it.
expect "AH00957 111 addr 127.0.0.1:$DPORT 4"
# The errno of a hang-up depends on timing: (104) reset, or (20014)/(70014)
# when Apache's read sees the close first.
if grep -Eq "^AH01102 (104|20014|70014) addr 127.0.0.1:$RPORT 1\$" \
    "$T/events"; then
	e2e_ok "classified: AH01102 for 127.0.0.1:$RPORT"
else
	e2e_fail "not classified: AH01102 for 127.0.0.1:$RPORT"
fi
expect "AH00898 0 urlpath /reset/x 1"
expect "AH00898 0 host 127.0.0.1:${RPORT}x 1"
expect "AH01144 0 urlpath /ajp/x 1"
expect "AH00961 0 addr 127.0.0.1:$RPORT 1"
expect "AH01079 0 host 127.0.0.1 1"
expect "AH10101 0 addr 127.0.0.1:$DPORT 1"
expect "AH00959 0 addr 127.0.0.1:$DPORT 1"
if [ $root = 1 ]; then
	# Apache's children run as www-data: a 0700 directory and a socket
	# of group root, mode 0660, both give EACCES.
	expect "AH02454 13 socket $T/closed/app.sock 1"
	expect "AH02454 13 socket $T/run/group.sock 1"
fi
grep -q 'EAI 2' "$T/run/error.log" &&
    e2e_ok "the resolver's error is in the log as (EAI 2)"

"$TEST_ERRLOG" --tail "$T/run/error.log" "$T" || e2e_fail "tail/rotation"
e2e_finish
