#!/bin/sh
# The full walk, once per Host choice: every screen's text, the written
# files equal `fix --yes` with the same choice, the undo command works,
# and the list shows the vhost's new status.
. "$top_srcdir/tests/wizard/lib.sh"

for choice in off on; do
	new_tree "$ROOT"
	new_tree "$W/byfix"
	"$VHOSTFIX" --root "$W/byfix" --config /etc/apache2/apache2.conf \
	    fix app.example.com --yes --no-configtest \
	    --preserve-host "$choice" >/dev/null 2>&1 ||
	    fail "fix --yes --preserve-host $choice failed"

	start_wizard "" --no-configtest
	if [ $choice = on ]; then
		walk_to_diff y
		# Host preserved, application at /: the backend's redirects
		# are right as they are; the unix: line stays, dead (info).
		wait_for "+       ProxyPreserveHost On"
		screen | grep -q "ProxyPassReverse / http://app.example.com/" &&
		    fail "a ProxyPassReverse nothing needs is written"
	else
		walk_to_diff n
		wait_for "-       ProxyPassReverse / unix:/run/gunicorn/app.sock|http://127" \
		    "+       ProxyPassReverse / http://127.0.0.1/" \
		    "before: visitor sent to http://127.0.0.1/next" \
		    "after:  visitor sent to http://app.example.com/next"
	fi
	same_tree "$PRISTINE" "$ROOT"

	keys Enter
	wait_for "Step 6 of 7 Write" "Ready to write 1 file for app.example.com" \
	    "/etc/apache2/sites-available/app.example.com.conf" \
	    "No configtest (--no-configtest)" "Press y to write"
	same_tree "$PRISTINE" "$ROOT"
	keys y
	wait_for "Written: 1 file changed." "Backup set: "
	keys Enter
	wait_for "Step 7 of 7 Done" "The change for app.example.com is written." \
	    "What changed:" "To undo it, press u now, or run later:" "rollback"
	# The command is one line, clipped at 80 columns when the root's
	# path is long: read it from a wider window.
	tmux -S "$SOCK" resize-window -t wiz -x 200 -y 24
	wait_for "To undo it, press u now, or run later:"
	sleep 0.3
	undo=$(screen | sed -n 's/^ *vhostfix \(.* rollback [^ ]*\) *$/\1/p')
	tmux -S "$SOCK" resize-window -t wiz -x 80 -y 24
	[ -n "$undo" ] || fail "no undo command on the Done screen"
	id=${undo##* }
	[ -d "$ROOT/var/backups/vhostfix/$id" ] ||
	    fail "backup set $id is not in $ROOT/var/backups/vhostfix"

	# The same bytes as fix --yes with the same choice.
	same_tree "$W/byfix/etc" "$ROOT/etc"

	keys Enter
	wait_for "Step 1 of 7 Virtual hosts" "app.example.com"
	# reverse-socket-prefix is gone: the row shows no error any more
	row=$(screen | grep 'app\.example\.com')
	case $row in
	*error*) fail "app.example.com still has errors: $row" ;;
	esac
	screen | grep -q "1 with errors" || fail "the list was not read again"

	keys q
	rc=$(wait_exit)
	[ "$rc" = 0 ] || fail "exit status $rc after q"
	assert_tty_restored

	# The printed undo command restores the original bytes.
	eval "set -- $undo"
	"$VHOSTFIX" "$@" >/dev/null 2>&1 || fail "undo command failed: $undo"
	same_tree "$PRISTINE/etc" "$ROOT/etc"
done
exit 0
