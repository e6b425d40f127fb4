#!/bin/sh
# The wizard follows resizes at every step: 60x16 still works, anything
# smaller shows a "too small" notice instead of a garbled screen, and it
# recovers when the window grows again.
. "$top_srcdir/tests/wizard/lib.sh"

resize() {
	tmux -S "$SOCK" resize-window -t wiz -x "$1" -y "$2" ||
	    fail "resize-window $1x$2"
}

start_wizard "" --no-configtest
wait_for "Step 1 of 7 Virtual hosts" "app.example.com"

resize 60 16
wait_for "Step 1 of 7 Virtual hosts" "app.example.com" "secure.example.com" \
    "Enter diagnose"
screen | grep -q "Terminal too small" && fail "60x16 is big enough"

resize 59 16
wait_for "Terminal too small" "59x16"
resize 60 15
wait_for "Terminal too small" "60x15"
resize 30 8
wait_for "Terminal too small"
resize 80 24
wait_for "Step 1 of 7 Virtual hosts" "app.example.com" "Enter diagnose"
wait_gone "Terminal too small"

# at each later step too
keys Enter
wait_for "Step 2 of 7 Diagnosis"
resize 40 10
wait_for "Terminal too small"
# keys other than q do nothing while too small
keys Enter
resize 60 16
wait_for "Step 2 of 7 Diagnosis" "Enter fix it"
keys Enter
wait_for "Step 3 of 7 Host header"
resize 60 16
keys n
wait_for "Step 4 of 7 Extras" "[x] Header unset Server"
keys Enter
wait_for "Step 5 of 7 Review the diff"
resize 50 12
wait_for "Terminal too small"
# a change is prepared: q still gets out, and says it writes nothing
wait_for "q quits (nothing is written)."
resize 80 24
wait_for "Step 5 of 7 Review the diff" "Enter write..."
keys q
wait_for "A change is prepared but not written"
keys y
assert_clean_exit
same_tree "$PRISTINE" "$ROOT"
exit 0
