#!/bin/sh
# Going back (Esc, Left, Backspace) one step at a time, help, the filter,
# and quitting: at once from the list, with a question when a change is
# prepared but not written.  Nothing is written on any of these paths.
. "$top_srcdir/tests/wizard/lib.sh"

start_wizard "" --no-configtest
wait_for "Step 1 of 7 Virtual hosts" "app.example.com" "secure.example.com"

# help lists this screen's keys; any key closes it
keys '?'
wait_for "Virtual hosts" "filter by name" "quit (asks first"
keys x
wait_for "j/k move" "Enter diagnose"
wait_gone "filter by name"

# F1 too
keys F1
wait_for "show the keys of this screen"
keys Escape
wait_gone "show the keys of this screen"

# the filter narrows the list by name; Esc clears it
keys / s e c
wait_for "Filter by name: sec"
wait_gone "app.example.com"
keys Enter
wait_for "filter: sec" "secure.example.com" "Esc clear filter"
keys Escape
wait_for "app.example.com" "secure.example.com"
# the cursor stayed on secure.example.com; Home goes to the top
keys Home

# diagnosis -> list (Esc), -> host -> diagnosis (Left)
keys Enter
wait_for "Step 2 of 7 Diagnosis: app.example.com"
keys Escape
wait_for "Step 1 of 7 Virtual hosts"
keys Enter
wait_for "Step 2 of 7 Diagnosis"
keys Enter
wait_for "Step 3 of 7 Host header"
keys Left
wait_for "Step 2 of 7 Diagnosis"
keys Enter
wait_for "Step 3 of 7 Host header"
keys n
wait_for "Step 4 of 7 Extras"
keys BSpace
wait_for "Step 3 of 7 Host header"
keys Down Enter
wait_for "Step 4 of 7 Extras"
# Space toggles the box under the cursor
keys Space
wait_for "[ ] Header unset Server"
keys Space
wait_for "[x] Header unset Server"
keys Enter
wait_for "Step 5 of 7 Review the diff" "+       Header unset Server"
keys Escape
wait_for "Step 4 of 7 Extras"
keys Enter
wait_for "Step 5 of 7 Review the diff"
keys Enter
wait_for "Step 6 of 7 Write" "Press y to write"
keys Escape
wait_for "Step 5 of 7 Review the diff"

# a prepared change: q asks; n stays, y quits without writing
keys q
wait_for "A change is prepared but not written" "y yes"
keys n
wait_gone "A change is prepared"
wait_for "Step 5 of 7 Review the diff"
keys q
wait_for "A change is prepared but not written"
keys y
assert_clean_exit
same_tree "$PRISTINE" "$ROOT"
[ ! -e "$ROOT/var/backups" ] || fail "a backup was made without a write"

# nothing prepared: q quits at once
start_wizard "" --no-configtest
wait_for "Step 1 of 7 Virtual hosts"
keys q
assert_clean_exit
same_tree "$PRISTINE" "$ROOT"
exit 0
