#!/bin/sh
# The diagnosis screen's x: explain a URL typed by the user.  The screen
# shows what `vhostfix explain URL` prints for the same URL (the vhost's
# file:line, the backend socket, the visitor's Location), and Esc goes
# back to the diagnosis.  The Host screen's ProxyPassReverse text comes
# from the plan: with the host preserved and the app at /, none.
. "$top_srcdir/tests/wizard/lib.sh"

URL=http://app.example.com/api/x
"$VHOSTFIX" --root "$ROOT" --config /etc/apache2/apache2.conf \
    explain "$URL" > "$W/cli.txt" 2>&1 || fail "explain $URL failed"
# the key lines of the command's answer
vhost_at=$(sed -n 's/^1\. Virtual host: .*(\(.*:[0-9]*\))$/\1/p' "$W/cli.txt")
socket=$(sed -n 's/^ *connects to the Unix socket //p' "$W/cli.txt")
visitor=$(sed -n 's/^ *reaches the visitor as //p' "$W/cli.txt")
[ -n "$vhost_at" ] && [ -n "$socket" ] && [ -n "$visitor" ] ||
    fail "explain printed no vhost, socket or visitor line: $(cat "$W/cli.txt")"

start_wizard "" --no-configtest
wait_for "Step 1 of 7 Virtual hosts" "app.example.com"
keys Enter
wait_for "Step 2 of 7 Diagnosis: app.example.com" "x explain URL"

# the help lists the key
keys '?'
wait_for "explain a URL"
keys Escape
wait_gone "explain a URL"

# the prompt offers the vhost's own root; type a path under it
keys x
wait_for "Explain URL: http://app.example.com/"
keys a p i / x Enter
wait_for "Explain $URL" "1. Virtual host: app.example.com" "$vhost_at" \
    "Esc/q back"
# q goes back here: the key line does not offer it as quit
screen | tail -1 | grep -q "q quit" &&
    fail "q offered as quit over the explanation"
keys End
wait_for "Unix socket $socket" "reaches the visitor as $visitor"
keys Home
wait_for "Explain $URL"

# q is back here, not quit; then Esc is back to the list as before
keys q
wait_for "Step 2 of 7 Diagnosis: app.example.com" "Proxy lines as they are"
wait_gone "Explain $URL"
keys x
wait_for "Explain URL:"
keys Escape
wait_gone "Explain URL:"
wait_for "Proxy lines as they are"
# a URL that cannot be used: one line, the diagnosis stays
keys x C-u f t p : / / x / Enter
wait_for "explain: URL 'ftp://x/': only http://" "Proxy lines as they are"

# the Host screen: the ProxyPassReverse lines of the plan, or none
keys Enter
wait_for "Step 3 of 7 Host header" \
    "The fix writes no ProxyPassReverse line" \
    "ProxyPassReverse / http://127.0.0.1/"
screen | grep -q "must name your domain" &&
    fail "the Host screen claims a ProxyPassReverse the fix does not write"
keys Escape
wait_for "Step 2 of 7 Diagnosis"
keys Escape
wait_for "Step 1 of 7 Virtual hosts"
keys q
[ "$(wait_exit)" = 0 ] || fail "the wizard did not exit 0"
same_tree "$PRISTINE" "$ROOT"
assert_tty_restored

# Control characters from the configuration stay inert in the
# explanation: shown as text, never sent to the terminal.
{
	printf '<VirtualHost *:80>\n'
	printf '\tServerName odd.example.com\n'
	printf '\tProxyPass / http://127.0.0.1:9000/a\033]0;pwned\007/\n'
	printf '</VirtualHost>\n'
} > "$ROOT/etc/apache2/sites-enabled/odd.conf"
start_wizard "" --no-configtest
wait_for "Step 1 of 7 Virtual hosts" "odd.example.com"
keys / o d d Enter
wait_for "filter: odd"
keys Enter
wait_for "Step 2 of 7 Diagnosis: odd.example.com"
keys x
wait_for "Explain URL: http://odd.example.com/"
keys Enter
wait_for "Explain http://odd.example.com/"
keys End
wait_for '3. Backend: http://127.0.0.1:9000/a\x1b]0;pwned\x07/'
assert_title_not pwned
keys Escape
wait_for "Step 2 of 7 Diagnosis: odd.example.com" "Proxy lines as they are"
keys Escape
wait_for "Step 1 of 7 Virtual hosts"
keys q
[ "$(wait_exit)" = 0 ] || fail "the wizard did not exit 0"
