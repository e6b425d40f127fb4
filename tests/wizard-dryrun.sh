#!/bin/sh
# --dry-run: the same walk, but step 6 never writes.  The tree stays
# byte-identical (contents, modes, times; nothing added), and the saved
# patch applied with `patch -p1 -d ROOT` gives exactly what fix --yes
# writes.
. "$top_srcdir/tests/wizard/lib.sh"

if ! command -v patch >/dev/null 2>&1; then
	echo "SKIP: patch is not installed" >&2
	exit 77
fi

snapshot() {
	(cd "$1" && find . -printf '%p %y %s %m %T@ %l\n' | sort)
}
snapshot "$ROOT" > "$W/before"

start_wizard "" --dry-run --no-configtest
wait_for "[dry run]"
walk_to_diff n
keys Enter
wait_for "Step 6 of 7 Write" "Dry run: nothing is written." \
    "/etc/apache2/sites-available/app.example.com.conf" "s save patch"
# the write key does nothing here
keys y
sleep 0.3
wait_for "Dry run: nothing is written."
keys s
wait_for "Save the patch to: ./vhostfix-app.example.com.patch"
keys Enter
wait_for "Saved the diff to ./vhostfix-app.example.com.patch" \
    "patch -p1 -d $ROOT < ./vhostfix-app"
[ -s "$W/vhostfix-app.example.com.patch" ] ||
    fail "no patch file in the current directory"

# saving again asks before overwriting; n keeps the file
keys s
wait_for "Save the patch to:"
keys Enter
wait_for "exists. Overwrite it?"
keys n
wait_for "Not saved."

keys Enter
wait_for "Step 7 of 7 Done" "Dry run finished: nothing was written." \
    "Patch saved to ./vhostfix-app.example.com.patch"
keys Enter
wait_for "Step 1 of 7 Virtual hosts" "app.example.com"
# saved: nothing pending, q quits at once
keys q
assert_clean_exit
# the summary says where the patch is and how it applies
# (the whole line is checked by test-wizard: here it wraps at 80 columns)
wait_for "vhostfix session: 0 files written" \
    "Patches saved (a dry run: nothing written):" \
    "./vhostfix-app.example.com.patch (1 file): patch -p1 -d "

snapshot "$ROOT" > "$W/after"
cmp -s "$W/before" "$W/after" || {
	diff "$W/before" "$W/after" >&2
	fail "the dry run changed the tree"
}
same_tree "$PRISTINE" "$ROOT"

# The patch gives what fix --yes writes.
new_tree "$W/patched"
new_tree "$W/byfix"
patch -s -p1 -d "$W/patched" < "$W/vhostfix-app.example.com.patch" ||
    fail "patch -p1 does not apply the saved diff"
"$VHOSTFIX" --root "$W/byfix" --config /etc/apache2/apache2.conf \
    fix app.example.com --yes --no-configtest --preserve-host off \
    >/dev/null 2>&1 || fail "fix --yes failed"
same_tree "$W/byfix/etc" "$W/patched/etc"
exit 0
