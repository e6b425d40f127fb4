#!/bin/sh
# End-to-end, live evidence for Unix sockets: a real apache2 (children as
# www-data) proxies to a stale socket, to a socket under a 0700 directory
# and to a socket of another group (0660 root:root); real requests leave
# "AH02454" lines in its error log.  "vhostfix check" on that running tree
# must test each socket as www-data (socket-stale, socket-permission with
# the cause and the command), show the log's lines as evidence, and report
# a logged failure of a socket that works by now (log-unmatched).
#
# --root / is the only live system; this tree is the configuration of an
# apache2 started with -d ROOT/etc/apache2 whose sockets and logs are this
# machine's paths, so the test declares it live with VHOSTFIX_LIVE_ROOT.
# Without that, the same check skips the live tests with one note.

scenario_vhost()
{
	cat <<CONF
<VirtualHost *:$PORT>
	ServerName app.example.test
	ProxyPass /stale/ unix:$T/run/stale.sock|http://stale/
	ProxyPass /closed/ unix:$T/closed/app.sock|http://closed/
	ProxyPass /group/ unix:$T/run/group.sock|http://group/
	ProxyPass /later/ unix:$T/run/later.sock|http://later/
	ProxyPass / unix:$SOCK|http://app/
	ProxyPassReverse / http://app/
</VirtualHost>
CONF
}

. "$top_srcdir/tests/e2e/lib.sh"
[ "$(id -u)" -eq 0 ] ||
    e2e_skip "needs root: Apache's children must run as www-data"
# Sockets under /tmp are findings of their own (socket-in-private-tmp,
# which explains logged ENOENTs): the test's directory goes under /run.
[ -d /run ] && [ -w /run ] && TMPDIR=/run && export TMPDIR
e2e_start
H=app.example.test
helper=$top_srcdir/tests/e2e/sockhelper.py
SITE=/etc/apache2/sites-enabled/app.conf
mkdir "$T/closed"
e2e_bg python3 "$helper" stale "$T/run/stale.sock"
e2e_bg python3 "$helper" listen "$T/closed/app.sock" 0777
e2e_bg python3 "$helper" listen "$T/run/group.sock" 0660
e2e_wait "[ -S '$T/closed/app.sock' ] && [ -S '$T/run/group.sock' ] &&
    [ -S '$T/run/stale.sock' ]" || { e2e_fail "helper sockets"; exit 1; }
chmod 0700 "$T/closed"

status()
{
	curl -s --noproxy '*' --max-time 10 -o /dev/null -w '%{http_code}' \
	    --resolve "$H:$PORT:127.0.0.1" "http://$H:$PORT$1"
}
for p in /stale/a /closed/a /group/a /later/a /stale/b; do
	e2e_expect_eq "GET $p" "$(status $p)" 503
done
e2e_expect_eq "GET /seen (the working socket)" "$(status /seen)" 200
# The backend of /later/ starts now: its logged failure is history.
e2e_bg python3 "$helper" listen "$T/run/later.sock" 0777
e2e_wait "[ -S '$T/run/later.sock' ]" || e2e_fail "later.sock"
sleep 0.2

line()
{
	grep -n "ProxyPass $1 " "$ROOT/etc/apache2/sites-available/app.conf" |
	    cut -d: -f1
}

VHOSTFIX_LIVE_ROOT=$ROOT "$VHOSTFIX" --root "$ROOT" --config "$CONFIG" \
    check --format json >"$T/check.json" 2>"$T/check.err"
rc=$?
cat "$T/check.err"
e2e_expect_eq "check exit code" "$rc" 1
VHOSTFIX_LIVE_ROOT=$ROOT "$VHOSTFIX" --root "$ROOT" --config "$CONFIG" \
    check >"$T/check.txt" 2>&1
cat "$T/check.txt"

if python3 "$top_srcdir/tests/vfjson.py" findings "$T/check.json" \
    >/dev/null 2>"$T/vfjson.err"; then
	e2e_ok "the JSON with evidence is valid (tests/vfjson.py)"
else
	e2e_fail "vfjson.py: $(cat "$T/vfjson.err")"
fi
e2e_expect_live socket-stale "$SITE" "$(line /stale/)" \
    AH02454 111 "$T/run/stale.sock" 2 "nobody listens"
e2e_expect_live socket-permission "$SITE" "$(line /closed/)" \
    AH02454 13 "$T/closed/app.sock" 1 "www-data cannot enter $T/closed"
e2e_expect_live socket-permission "$SITE" "$(line /group/)" \
    AH02454 13 "$T/run/group.sock" 1 "may not write to the socket"
e2e_expect_live log-unmatched "$SITE" "$(line /later/)" \
    AH02454 2 "$T/run/later.sock" 1
grep -q "chmod o+x $T/closed" "$T/check.txt" &&
    e2e_ok "the advice names the directory's command" ||
    e2e_fail "no 'chmod o+x $T/closed' in the text output"
grep -q "chgrp www-data $T/run/group.sock && chmod g+w" "$T/check.txt" &&
    e2e_ok "the advice names the socket's command" ||
    e2e_fail "no chgrp advice in the text output"
grep -q "evidence: Apache logged 2 x AH02454 (111 Connection refused)" \
    "$T/check.txt" && e2e_ok "text output shows the evidence" ||
    e2e_fail "text output lacks the evidence line"
for r in socket-missing socket-permission socket-stale log-unmatched; do
	if python3 "$top_srcdir/tests/e2e/live.py" "$T/check.json" $r \
	    "$SITE" "$(line /)" >/dev/null 2>&1; then
		e2e_fail "$r for the working socket"
	fi
done
e2e_ok "the working socket has no socket finding"

# Not declared live: the live tests are skipped, with one note.
"$VHOSTFIX" --root "$ROOT" --config "$CONFIG" check --format json \
    >"$T/nolive.json" 2>"$T/nolive.err"
e2e_expect_eq "notes 'live checks skipped' without VHOSTFIX_LIVE_ROOT" \
    "$(grep -c 'note: live checks skipped' "$T/nolive.err")" 1
if grep -q socket-stale "$T/nolive.json"; then
	e2e_fail "socket-stale reported without a live root"
else
	e2e_ok "no live finding without a live root"
fi

# Not root: one note, and the modes decide (the 0700 directory is still
# found, judged from the modes).
setpriv --reuid=65534 --regid=65534 --clear-groups env \
    VHOSTFIX_LIVE_ROOT="$ROOT" "$VHOSTFIX" --root "$ROOT" \
    --config "$CONFIG" check --format json >"$T/user.json" 2>"$T/user.err"
cat "$T/user.err"
e2e_expect_eq "notes 'not running as root' once" \
    "$(grep -c 'note: not running as root' "$T/user.err")" 1
expect_user()
{
	if python3 "$top_srcdir/tests/e2e/live.py" "$T/user.json" "$@" \
	    >"$T/py.out" 2>&1; then
		e2e_ok "as nobody: $1 at line $3"
	else
		e2e_fail "as nobody: $1 at line $3: $(cat "$T/py.out")"
	fi
}
expect_user socket-permission "$SITE" "$(line /closed/)" \
    AH02454 13 "$T/closed/app.sock" 1 "(judged from the modes)"
expect_user socket-stale "$SITE" "$(line /stale/)"

# The wizard's diagnosis screen shows the same evidence (tmux, 120x300:
# every finding of the vhost on one screen).
if command -v tmux >/dev/null 2>&1; then
	TS=$T/tmux.sock
	tmux -S "$TS" -f /dev/null new-session -d -x 120 -y 300 \
	    "env LC_ALL=C.UTF-8 TERM=xterm VHOSTFIX_LIVE_ROOT=$ROOT \
	    $VHOSTFIX --root $ROOT --config $CONFIG; sleep 60"
	E2E_PIDS="$E2E_PIDS $(tmux -S "$TS" display -p '#{pid}')"
	screen()
	{
		tmux -S "$TS" capture-pane -p -S -200 >"$T/screen" 2>/dev/null
	}
	e2e_wait "screen; grep -q app.example.test '$T/screen'" ||
	    e2e_fail "the wizard did not show its list"
	tmux -S "$TS" send-keys Enter
	if e2e_wait "screen; grep -q 'Apache logged 2 x AH02454 for $T/run/stale.sock' '$T/screen'"
	then
		e2e_ok "the wizard's diagnosis shows the log's evidence"
	else
		cat "$T/screen"
		e2e_fail "no evidence line on the wizard's diagnosis screen"
	fi
	tmux -S "$TS" kill-server 2>/dev/null
fi
e2e_finish
