# tests/wizard/lib.sh: drive the wizard through a real terminal (tmux).
#
# Sourced by tests/wizard-*.sh.  Each test gets a private temp dir and a
# private tmux server (its socket lives in that dir), both removed by the
# trap whatever happens.  The wizard runs in an 80x24 window; keys go in
# with send-keys, the screen comes back with capture-pane.
#
# The tree is a copy of the demo (data/demo), whose app.example.com has
# the classic broken socket ProxyPassReverse.  Variables a test may use:
# $W (the temp dir), $PRISTINE (the untouched tree), $ROOT (the copy the
# wizard works on).

set -u

if [ -z "${VHOSTFIX:-}" ] || [ -z "${top_srcdir:-}" ]; then
	echo "run through make check (VHOSTFIX, top_srcdir)" >&2
	exit 1
fi
if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP: tmux is not installed" >&2
	exit 77
fi
unset TMUX TMUX_PANE

W=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-wizard.XXXXXX") || exit 1
# One tmux server per wizard run, each on its own socket: a new session
# right after kill-server can reach the old server while it shuts down.
NSOCK=0
SOCK="$W/tmux.0"
PRISTINE="$W/pristine"
ROOT="$W/root"
TREE="$top_srcdir/data/demo"
# Long enough for a sanitizer build on a busy machine; a pass is fast.
WAIT_SECS=${WIZARD_WAIT:-20}

wiz_cleanup() {
	for s in "$W"/tmux.*; do
		[ -S "$s" ] && tmux -S "$s" kill-server >/dev/null 2>&1
	done
	rm -rf "$W"
}
trap wiz_cleanup EXIT
trap 'exit 1' HUP INT TERM

fail() {
	echo "FAIL: $*" >&2
	if [ -S "$SOCK" ]; then
		echo "--- screen:" >&2
		tmux -S "$SOCK" capture-pane -p -t wiz >&2 2>/dev/null
		echo "---" >&2
	fi
	exit 1
}

# new_tree DIR: a fresh copy of the test tree.
new_tree() {
	rm -rf "$1"
	cp -a "$TREE" "$1" || fail "cannot copy the test tree"
}

new_tree "$PRISTINE"
new_tree "$ROOT"

# start_wizard "ENV..." ARGS...: run the wizard on $ROOT in a fresh
# session; its exit status lands in $W/exit, the terminal modes before
# and after in $W/stty.before / $W/stty.after.
start_wizard() {
	wiz_env=$1
	shift
	rm -f "$W/exit" "$W/stty.before" "$W/stty.after"
	tmux -S "$SOCK" kill-server >/dev/null 2>&1
	NSOCK=$((NSOCK + 1))
	SOCK="$W/tmux.$NSOCK"
	# The pane's shell survives a Ctrl-C meant for the wizard (a no-op
	# trap, not an ignore: the wizard starts with default handlers).
	cmd="trap : INT; stty -g > '$W/stty.before';"
	cmd="$cmd env LC_ALL=C.UTF-8 TERM=xterm-256color $wiz_env"
	cmd="$cmd '$VHOSTFIX' --root '$ROOT'"
	cmd="$cmd --config /etc/apache2/apache2.conf"
	for a in "$@"; do
		cmd="$cmd '$a'"
	done
	cmd="$cmd; echo \$? > '$W/exit.tmp'; stty -g > '$W/stty.after';"
	cmd="$cmd mv '$W/exit.tmp' '$W/exit'; exec sleep 600"
	tmux -S "$SOCK" -f /dev/null new-session -d -s wiz -x 80 -y 24 \
	    -c "$W" "$cmd" || fail "tmux cannot start"
}

screen() {
	tmux -S "$SOCK" capture-pane -p -t wiz
}

# keys KEY...: tmux key names (Enter, Escape, Up, BSpace, C-c) or text.
keys() {
	tmux -S "$SOCK" send-keys -t wiz "$@" || fail "send-keys $*"
}

# wait_for TEXT...: until every TEXT (fixed strings) is on the screen.
wait_for() {
	deadline=$(( $(date +%s) + WAIT_SECS ))
	while :; do
		s=$(screen 2>/dev/null)
		ok=1
		for want in "$@"; do
			case $s in
			*"$want"*) ;;
			*) ok=0; break ;;
			esac
		done
		[ $ok = 1 ] && return 0
		[ "$(date +%s)" -ge "$deadline" ] && fail "no '$want' on screen"
		sleep 0.1
	done
}

# wait_gone TEXT: until TEXT is no longer on the screen.
wait_gone() {
	deadline=$(( $(date +%s) + WAIT_SECS ))
	while screen | grep -qF -- "$1"; do
		[ "$(date +%s)" -ge "$deadline" ] && fail "'$1' stays on screen"
		sleep 0.1
	done
}

# wait_exit: the wizard's exit status, once it has ended.
wait_exit() {
	deadline=$(( $(date +%s) + WAIT_SECS ))
	while [ ! -f "$W/exit" ]; do
		[ "$(date +%s)" -ge "$deadline" ] &&
		    fail "the wizard did not end"
		sleep 0.1
	done
	cat "$W/exit"
}

# assert_clean_exit: the wizard ends with status 0 and the terminal as it
# was.
assert_clean_exit() {
	rc=$(wait_exit)
	[ "$rc" = 0 ] || fail "exit status $rc"
	assert_tty_restored
}

# assert_title_not TEXT: an escape sequence from the tree did not set the
# pane's title to TEXT (it was drawn inert).
assert_title_not() {
	[ "$(tmux -S "$SOCK" display -p -t wiz '#{pane_title}')" != "$1" ] ||
	    fail "an escape sequence reached the terminal"
}

# The terminal is back as it was (echo, canonical mode, ...).
assert_tty_restored() {
	[ -s "$W/stty.before" ] && [ -s "$W/stty.after" ] ||
	    fail "no terminal modes recorded"
	cmp -s "$W/stty.before" "$W/stty.after" ||
	    fail "terminal modes differ after the wizard:" \
	    "$(cat "$W/stty.before") vs $(cat "$W/stty.after")"
}

# same_tree A B: every file byte-identical, nothing added or missing
# (backups are compared separately).
same_tree() {
	diff -r --no-dereference -x backups "$1" "$2" >&2 ||
	    fail "trees differ: $1 $2"
}

# The wizard's pid (the child of the pane's shell).
wizard_pid() {
	pane=$(tmux -S "$SOCK" display -p -t wiz '#{pane_pid}')
	pgrep -P "$pane" -x vhostfix | head -n 1
}

# walk_to_diff CHOICE: from the list to the diff of app.example.com with
# the Host answer CHOICE (y or n), asserting each screen on the way.
walk_to_diff() {
	wait_for "Step 1 of 7 Virtual hosts" "app.example.com" "error" \
	    " sites-enabled/app.example.com.conf:3"
	keys Enter
	wait_for "Step 2 of 7 Diagnosis: app.example.com" "Proxy lines as they are" \
	    "ProxyPassReverse / unix:/run/gunicorn/app.sock|http://127.0.0.1/" \
	    "reverse-socket-prefix" "For a visitor:" \
	    "Backend sends Location: http://127.0.0.1/next"
	keys Enter
	wait_for "Step 3 of 7 Host header" "Yes, preserve the Host header" \
	    "No, send the backend's address   (current setting)" \
	    "The fix writes no ProxyPassReverse line" \
	    "The fix writes this ProxyPassReverse line:" \
	    "  ProxyPassReverse / http://127.0.0.1/"
	keys "$1"
	wait_for "Step 4 of 7 Extras" "[x] Header unset Server" \
	    "[ ] ServerTokens Prod"
	# a plain-HTTP vhost: the TLS-only extra is not offered
	screen | grep -q "X-Forwarded-Proto" &&
	    fail "X-Forwarded-Proto offered on a plain-HTTP vhost"
	keys Enter
	wait_for "Step 5 of 7 Review the diff" \
	    "--- a/etc/apache2/sites-available/app.example.com.conf" \
	    "+       Header unset Server"
}
