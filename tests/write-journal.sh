#!/bin/sh
# kill -9 in the middle of a multi-file fix (between two files, and while
# the configtest runs): the next run reports the interrupted fix, fix
# refuses to write on top of it, the temp files a kill leaves are removed,
# and `rollback` restores the original tree exactly.
. "$top_srcdir/tests/write/lib.sh"

app=etc/apache2/sites-available/app.example.com.conf

# 1. Between two files.
newroot j1
before=$(snap "$R")
VHOSTFIX_TEST_PAUSE_BETWEEN_FILES=5000 "$VHOSTFIX" --root "$R" fix --all \
    --yes --no-configtest >/dev/null 2>&1 &
pid=$!
bgpids="$bgpids $pid"
wait_until 30 sh -c "! cmp -s '$R/$app' '$top_srcdir/data/demo/$app'" ||
    fail "the first file was never written"
kill -9 "$pid"
wait "$pid" 2>/dev/null
[ "$(snap "$R")" != "$before" ] || fail "nothing was written before the kill"
set_dir=$(ls -d "$R"/var/backups/vhostfix/*/)
[ -f "$set_dir/journal" ] || fail "no journal in $set_dir"
grep -q "^phase	write" "$set_dir/journal" || fail "journal: not in its write phase"
id=$(basename "$set_dir")
# What a kill during a rename leaves: a temp file next to a config (Apache
# would load it from an Include of the directory).
echo "stale" >"$R/etc/apache2/sites-available/.app.example.com.conf.vhostfix-Ab12Cd"

vf "$work/out" "$work/err" --root "$R" check
has "$work/err" "an interrupted fix is open (backup set $id"
has "$work/err" "1 of 4 files hold its new text, 3 the old"
has "$work/err" "rollback $id"
vf "$work/out" "$work/err" --root "$R" fix --all --dry-run
has "$work/err" "an interrupted fix is open" "fix --dry-run"
vf "$work/out" "$work/err" --root "$R" fix --all --yes --no-configtest
[ "$rc" -eq 2 ] || fail "fix on top of an interrupted one: exit $rc, not 2"
has "$work/err" "an interrupted fix is still open: backup set $id"
has "$work/err" "a temporary file left by an interrupted run"
[ "$(temps "$R/etc")" -eq 0 ] || fail "the stale temp file stayed"
pass "the interrupted fix is reported, fix refuses"

vf "$work/out" "$work/err" --root "$R" rollback --no-configtest
[ "$rc" -eq 0 ] || { fail "rollback: exit $rc"; cat "$work/err" >&2; }
has "$work/err" "the interrupted fix $id is undone and closed"
[ "$(snap "$R")" = "$before" ] || fail "rollback: the tree is not the original"
vf "$work/out" "$work/err" --root "$R" check
grep -q "interrupted fix" "$work/err" && fail "still reported after rollback"
pass "kill -9 between files: rollback restores the original exactly"

# 2. While the configtest runs: the files are live and untested.
newroot j2
before=$(snap "$R")
cat >"$work/slow.sh" <<EOS
#!/bin/sh
touch "$work/slow-started"
sleep 2998
EOS
chmod +x "$work/slow.sh"
"$VHOSTFIX" --root "$R" fix --all --yes --configtest "$work/slow.sh" \
    >/dev/null 2>&1 &
pid=$!
bgpids="$bgpids $pid"
wait_until 30 test -e "$work/slow-started" || fail "configtest never started"
kill -9 "$pid"
wait "$pid" 2>/dev/null
pkill -9 -f "$work/slow.sh"
pkill -9 -f "sleep 2998"
wait_until 5 sh -c "! pgrep -f 'sleep 2998' >/dev/null"
vf "$work/out" "$work/err" --root "$R" list
has "$work/err" "stopped in its test phase): 4 of 4 files hold its new text"
# --force finishes it instead: nothing is left to change, so the tree as
# it is gets the configtest, and the interrupted fix is closed.
vf "$work/out" "$work/err" --root "$R" fix --all --yes --configtest true --force
[ "$rc" -eq 0 ] || { fail "fix --force: exit $rc"; cat "$work/err" >&2; }
has "$work/err" "configtest passed: true"
has "$work/err" "is closed: this fix finished it"
vf "$work/out" "$work/err" --root "$R" check
grep -q "interrupted fix" "$work/err" && fail "fix --force left the journal open"
vf "$work/out" "$work/err" --root "$R" rollback --list
[ "$(wc -l <"$work/out")" -eq 1 ] || fail "rollback --list: $(cat "$work/out")"
id=$(awk '{ print $1 }' "$work/out")
vf "$work/out" "$work/err" --root "$R" rollback "$id" --no-configtest
[ "$(snap "$R")" = "$before" ] || fail "rollback after kill in the test phase"
pass "kill -9 during the configtest: reported, finished with --force, undone"
finish
