#!/bin/sh
# A configtest that fails: the wizard shows it and that everything was
# rolled back; the files are byte-identical to before and the list still
# shows the vhost's error.
. "$top_srcdir/tests/wizard/lib.sh"

start_wizard "" --configtest false
walk_to_diff n
keys Enter
wait_for "Step 6 of 7 Write" "The configtest runs: false" "Press y to write"
keys y
wait_for "Apache rejected the change. Everything was rolled back" \
    "exactly as they were before" "configtest said:" \
    "Press Enter to go back to the list."
same_tree "$PRISTINE/etc" "$ROOT/etc"
# nothing pending any more: the user has seen the result
keys Enter
wait_for "Step 1 of 7 Virtual hosts" "2 with errors"
screen | grep 'app\.example\.com' | grep -q error ||
    fail "app.example.com should still show its error"
keys q
assert_clean_exit
same_tree "$PRISTINE/etc" "$ROOT/etc"
exit 0
