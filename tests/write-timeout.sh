#!/bin/sh
# A configtest that hangs: stopped after --configtest-timeout (its whole
# process group, helpers included), every file restored, exit 4.  SIGTERM,
# SIGINT and SIGHUP while it runs stop vhostfix at once (not when the
# configtest ends), kill the configtest, restore, exit 5.
. "$top_srcdir/tests/write/lib.sh"

# The configtest says it started, then waits on a helper that never ends.
hang=$work/hang.sh
cat >"$hang" <<EOS
#!/bin/sh
echo started >"$work/started.\$\$"
echo "checking the configuration"
sleep 2999 &
wait
EOS
chmod +x "$hang"

newroot t1
before=$(snap "$R")
t0=$(date +%s)
vf "$work/out" "$work/err" --root "$R" fix --all --yes \
    --configtest "$hang" --configtest-timeout 2
t1=$(date +%s)
[ "$rc" -eq 4 ] || fail "hanging configtest: exit $rc, not 4"
[ $((t1 - t0)) -lt 15 ] || fail "hanging configtest: took $((t1 - t0)) s"
has "$work/err" "did not finish within 2 s" "timeout message"
has "$work/err" "every file was restored" "timeout message"
has "$work/err" "checking the configuration" "the configtest's output"
[ "$(snap "$R")" = "$before" ] || fail "timeout: the tree is not as before"
[ "$(temps "$R")" -eq 0 ] || fail "timeout: temp files left"
sleep 0.3
pgrep -f "$hang" >/dev/null && fail "timeout: the configtest still runs"
pgrep -f "sleep 2999" >/dev/null && fail "timeout: its helper still runs"
pass "hanging configtest timed out and restored"

for sig in TERM INT HUP; do
	newroot "s$sig"
	before=$(snap "$R")
	rm -f "$work"/started.*
	# A background job of a script would ignore SIGINT: start it with
	# the default action for every signal.
	python3 -c '
import os, signal, sys
for s in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
    signal.signal(s, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' "$VHOSTFIX" --root "$R" fix --all \
	    --yes --configtest "$hang" >"$work/out" 2>"$work/err" &
	pid=$!
	bgpids="$bgpids $pid"
	wait_until 20 sh -c "ls '$work'/started.* >/dev/null 2>&1" ||
	    fail "SIG$sig: the configtest never started"
	t0=$(date +%s)
	kill -s "$sig" "$pid"
	rc=0
	wait "$pid" || rc=$?
	t1=$(date +%s)
	[ "$rc" -eq 5 ] || fail "SIG$sig during the configtest: exit $rc, not 5"
	[ $((t1 - t0)) -lt 10 ] ||
	    fail "SIG$sig: vhostfix took $((t1 - t0)) s to stop"
	has "$work/err" "interrupted by signal" "SIG$sig message"
	[ "$(snap "$R")" = "$before" ] || fail "SIG$sig: the tree is not as before"
	sleep 0.3
	pgrep -f "sleep 2999" >/dev/null && fail "SIG$sig: the helper still runs"
	pass "SIG$sig during the configtest: stopped, killed, restored"
done

# Bad values are refused before anything runs.
newroot t2
for v in 0 -1 abc ""; do
	vf "$work/out" "$work/err" --root "$R" fix --all --yes \
	    --configtest true --configtest-timeout "$v"
	[ "$rc" -eq 2 ] || fail "--configtest-timeout '$v': exit $rc, not 2"
done
finish
