#!/bin/sh
# Terminals: colors by default; NO_COLOR and --color never use bold and
# reverse only; TERM=vt100, LC_ALL=C and --ascii draw ASCII frames and
# marks.  And strings from the config are drawn inert: an escape sequence
# in a ServerName shows as text and does nothing to the terminal.
. "$top_srcdir/tests/wizard/lib.sh"

ESC=$(printf '\033')
colors() {
	tmux -S "$SOCK" capture-pane -e -p -t wiz |
	    grep -c "$ESC\[[34][0-7]m"
}

# quit_ok: q from the list, status 0, terminal restored
quit_ok() {
	keys q
	assert_clean_exit
}

start_wizard ""
wait_for "Step 1 of 7 Virtual hosts" "──────" "✗ error" "✓ fine"
[ "$(colors)" -gt 0 ] || fail "no colors on xterm-256color"
quit_ok

for how in "NO_COLOR=1" "--color never"; do
	case $how in
	NO_COLOR=1) start_wizard "NO_COLOR=1" ;;
	*) start_wizard "" --color never ;;
	esac
	wait_for "Step 1 of 7 Virtual hosts" "✗ error" "! warning" "✓ fine"
	[ "$(colors)" = 0 ] || fail "colors with $how"
	# still distinguishable: bold or reverse
	tmux -S "$SOCK" capture-pane -e -p -t wiz | grep -q "$ESC\[7m" ||
	    fail "no reverse video with $how"
	keys Enter Enter n Enter
	wait_for "Step 5 of 7 Review the diff" "+       Header unset Server" \
	    "-       ProxyPassReverse"
	[ "$(colors)" = 0 ] || fail "colors in the diff with $how"
	keys q y
	rc=$(wait_exit)
	[ "$rc" = 0 ] || fail "exit status $rc"
done

for how in "TERM=vt100" "LC_ALL=C" "--ascii"; do
	case $how in
	--ascii) start_wizard "" --ascii ;;
	*) start_wizard "$how" ;;
	esac
	wait_for "Step 1 of 7 Virtual hosts" "--------------------" "X error" \
	    "ok fine" "> X error"
	screen | grep -q "[─✗✓▶…]" && fail "UTF-8 glyphs with $how"
	keys '?'
	wait_for "+-------" "| Virtual hosts"
	keys x
	quit_ok
done

# Escape sequences in names: shown as ^[ / ^G, never sent.
{
	printf '<VirtualHost *:80>\n'
	printf '\tServerName evil\033]0;pwned\007.example.com\n'
	printf '\tProxyPass / http://127.0.0.1:9000/\n'
	printf '</VirtualHost>\n'
} > "$ROOT/etc/apache2/sites-enabled/odd.conf"
start_wizard ""
wait_for "Step 1 of 7 Virtual hosts" "evil^[]0;pwned^G.example.com"
assert_title_not pwned
keys / e v i l Enter
wait_for "filter: evil"
wait_gone "static.example.com"
keys Enter
wait_for "Step 2 of 7 Diagnosis: evil^[]0;pwned^G.example.com"
assert_title_not pwned
keys Escape
wait_for "Step 1 of 7 Virtual hosts"
quit_ok
exit 0
