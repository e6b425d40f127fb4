#!/bin/sh
# Signals: SIGINT (Ctrl-C), SIGTERM and SIGHUP (a dropped SSH session)
# before the write was confirmed end the wizard, restore the terminal and
# write nothing.  A crash signal restores the terminal too.
. "$top_srcdir/tests/wizard/lib.sh"

for sig in INT TERM HUP SEGV; do
	start_wizard "" --no-configtest
	walk_to_diff n
	keys Enter
	wait_for "Step 6 of 7 Write" "Press y to write"
	if [ $sig = INT ]; then
		keys C-c
	else
		pid=$(wizard_pid)
		[ -n "$pid" ] || fail "no wizard process"
		kill -s $sig "$pid"
	fi
	rc=$(wait_exit)
	case $sig in
	INT) want=130 ;;
	TERM) want=143 ;;
	HUP) want=129 ;;
	SEGV) want=139 ;;
	esac
	[ "$rc" = "$want" ] || fail "SIG$sig: exit status $rc, not $want"
	assert_tty_restored
	same_tree "$PRISTINE" "$ROOT"
	[ ! -e "$ROOT/var/backups" ] || fail "SIG$sig: a backup was made"
	# the screen is the shell's again, not the wizard's
	wait_gone "Step 6 of 7 Write"
done
exit 0
