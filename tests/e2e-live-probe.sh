#!/bin/sh
# End-to-end, "vhostfix probe" and "vhostfix verify": the broken classic pair in front of a real
# gunicorn.  probe asks gunicorn directly (its Unix socket, the Host Apache
# sends), reports its real 302 Location and Server, and predicts where the
# visitor is sent now and after the fix; both predictions must equal what
# Apache really sends, before and after the real fix.  verify after the
# fix and reload shows ✓, and ✗ with the difference once the backend is
# gone.  probe refuses a
# tree that is not the running system, and a dead backend gives an answer
# (no hang) with exit 1.  fix --reload without --reload-cmd is refused
# on such a tree.  The tree is declared live with VHOSTFIX_LIVE_ROOT
# (see e2e-live-socket.sh).

scenario_vhost()
{
	e2e_vhost_socket_prefix
}

. "$top_srcdir/tests/e2e/lib.sh"
e2e_start
H=app.example.test

probe()
{
	VHOSTFIX_LIVE_ROOT=$ROOT "$VHOSTFIX" --root "$ROOT" --config "$CONFIG" \
	    probe "$@"
}
field()
{
	python3 -c 'import json, sys
doc = json.load(open(sys.argv[1]))
v = doc["probes"][0].get(sys.argv[2])
print("" if v is None else v)' "$T/probe.json" "$1"
}

probe $H --path /next
probe $H --path /next --format json >"$T/probe.json"
e2e_expect_eq "probe exit code" "$?" 0
before=$(e2e_location $H)
e2e_expect_eq "probe: backend status" "$(field status)" 302
e2e_expect_eq "probe: Host sent" "$(field host)" 127.0.0.1
e2e_expect_eq "probe: backend Location" "$(field location)" \
    "$(e2e_backend_location $H)"
case $(field server) in
gunicorn*) e2e_ok "probe: Server $(field server)" ;;
*) e2e_fail "probe: Server '$(field server)', want gunicorn" ;;
esac
e2e_expect_eq "probe: visitor now = Apache's real Location" \
    "$(field visitor_location_now)" "$before"
predicted=$(field visitor_location_after)

# check --probe: the reverse-socket-prefix preview from gunicorn's real
# answer for the ProxyPass path (/), not the sample redirect.
VHOSTFIX_LIVE_ROOT=$ROOT "$VHOSTFIX" --root "$ROOT" --config "$CONFIG" \
    check --probe --format json >"$T/cprobe.json" 2>"$T/cprobe.err"
cat "$T/cprobe.err"
python3 - "$T/cprobe.json" "$(e2e_location $H /)" "$predicted" <<'PY' &&
import json, sys
doc = json.load(open(sys.argv[1]))
for v in doc["vhosts"]:
    for f in v["findings"]:
        p = f.get("preview")
        if f["rule"] == "reverse-socket-prefix" and p and p.get("probed"):
            ok = (p["visitor_location_before"] == sys.argv[2] and
                  p["visitor_location_after"] == sys.argv[3])
            print(p)
            sys.exit(0 if ok else 1)
sys.exit(1)
PY
    e2e_ok "check --probe: the preview is the backend's real answer" ||
    e2e_fail "check --probe: no probed preview matching Apache's answer"

# Declared live, fix --yes --reload verifies the reloaded Apache itself.
VHOSTFIX_LIVE_ROOT=$ROOT
export VHOSTFIX_LIVE_ROOT
LC_ALL=C.UTF-8
export LC_ALL
e2e_fix
unset VHOSTFIX_LIVE_ROOT
grep -q "✓ Location for http://$H:$PORT/: http://$H:$PORT/next" \
    "$T/yes.out" &&
    e2e_ok "fix --yes --reload verified the reloaded Apache" ||
    e2e_fail "fix --yes --reload did not verify"
e2e_expect_eq "probe's prediction = Apache's Location after the fix" \
    "$(e2e_location $H)" "$predicted"

# verify after the real fix and reload: Apache answers as predicted.
verify()
{
	LC_ALL=C.UTF-8 VHOSTFIX_LIVE_ROOT=$ROOT "$VHOSTFIX" --root "$ROOT" \
	    --config "$CONFIG" verify "$@"
}
verify $H >"$T/verify.out" 2>&1
rc=$?
cat "$T/verify.out"
e2e_expect_eq "verify after the fix exits" "$rc" 0
grep -q "✓ Location for http://$H:$PORT/: http://$H:$PORT/next" \
    "$T/verify.out" && e2e_ok "verify: ✓ Location" ||
    e2e_fail "verify: no ✓ Location line"
grep -q "✓ Server for http://$H:$PORT/: Apache" "$T/verify.out" &&
    e2e_ok "verify: ✓ Server (gunicorn's hidden)" ||
    e2e_fail "verify: no ✓ Server line"

"$VHOSTFIX" --root "$ROOT" --config "$CONFIG" probe $H >"$T/nl.out" 2>&1
e2e_expect_eq "probe on a tree not declared live exits" "$?" 2
grep -q "needs the running system" "$T/nl.out" &&
    e2e_ok "and says why" || e2e_fail "no reason: $(cat "$T/nl.out")"

# --reload with no --reload-cmd would reload this machine's Apache, which
# does not run this tree: refused before anything is written.
"$VHOSTFIX" --root "$ROOT" --config "$CONFIG" fix --all --yes --reload \
    >"$T/reload.out" 2>&1
e2e_expect_eq "fix --reload on a tree that is not the live one exits" \
    "$?" 2
e2e_stop_pid "$GUNICORN_PID"
GUNICORN_PID=
# The harness breaks the backend after the fix: verify says so.
verify $H >"$T/verify2.out" 2>&1
rc=$?
cat "$T/verify2.out"
e2e_expect_eq "verify with the backend gone exits" "$rc" 1
grep -q "✗ GET http://$H:$PORT/ (through 127.0.0.1:$PORT): 503" \
    "$T/verify2.out" && e2e_ok "verify: ✗ with the difference" ||
    e2e_fail "verify: no ✗ status line"
grep -q "vhostfix --root $ROOT rollback" "$T/verify2.out" &&
    e2e_ok "verify names the rollback command" ||
    e2e_fail "verify does not name the rollback command"
start=$(date +%s)
probe $H >"$T/dead.out" 2>&1
rc=$?
cat "$T/dead.out"
e2e_expect_eq "probe of a dead backend exits" "$rc" 1
[ $(( $(date +%s) - start )) -le 5 ] && e2e_ok "and does not hang" ||
    e2e_fail "probe of a dead backend took over 5 s"
grep -q "no answer: connect to $SOCK" "$T/dead.out" &&
    e2e_ok "the dead backend is named" || e2e_fail "no 'no answer' line"
e2e_finish
