#!/bin/sh
# Wizard 2 (issue 16, issue 14 section 4): from the Done screen, r reloads
# a real apache2 started by this test (through --reload-cmd) and verifies
# the fixed vhost through Apache's own listener: a check per line, all
# passing; then, with the backend stopped, the failing check shows what
# was expected, what came back, and how to roll back.

scenario_vhost()
{
	e2e_vhost_socket_prefix
}

. "$top_srcdir/tests/wizard/lib.sh"
TMUX_SOCK=$SOCK
. "$top_srcdir/tests/e2e/lib.sh"
e2e_start
SOCK=$TMUX_SOCK

both_cleanup()
{
	rc=$?
	wiz_cleanup
	(exit $rc)
	e2e_cleanup
}
trap both_cleanup EXIT

H=app.example.test
e2e_expect_eq "visitor Location, broken" "$(e2e_location $H)" \
    "http://127.0.0.1/next"

start_wizard "" --no-configtest \
    --reload-cmd "$APACHE2 -k graceful $(e2e_apache_args "$ROOT")"
wait_for "Step 1 of 7 Virtual hosts" "app.example.test"
keys Enter
wait_for "Step 2 of 7 Diagnosis: app.example.test" "reverse-socket-prefix"
keys Enter
wait_for "Step 3 of 7 Host header"
keys Enter
wait_for "Step 4 of 7 Extras" "[x] Header unset Server"
keys Enter
wait_for "Step 5 of 7 Review the diff"
keys Enter
wait_for "Step 6 of 7 Write"
keys y
wait_for "Written: 1 file changed."
keys Enter
wait_for "Step 7 of 7 Done" "r reload and verify"
keys r
wait_for "Verified: every check passed." "Reload and verify:" \
    "✓ GET http://$H:$PORT/ (through 127.0.0.1:$PORT)" \
    "✓ Location for http://$H:$PORT/" "✓ Server for http://$H:$PORT/"
e2e_expect_eq "visitor Location, fixed" "$(e2e_location $H)" \
    "http://$H:$PORT/next"

# The backend dies: the same check fails, and says how to go back.
e2e_stop_pid "$GUNICORN_PID"
GUNICORN_PID=
keys r
wait_for "Some checks failed: see below." \
    "✗ GET http://$H:$PORT/" "expected: a status below 500" \
    "got:      503" "To roll back: press u, or run"
keys Enter q
wait_exit >/dev/null
assert_tty_restored
e2e_finish
