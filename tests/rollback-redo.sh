#!/bin/sh
# rollback twice: the second would put the fix back, so it is refused
# (exit 2, a line naming --redo) and the tree stays as restored; naming
# the rollback's set (the command it printed) or --redo brings the fix
# back byte for byte, and a plain rollback undoes it again.  rollback --list summarises a set of many files on one short
# line; --format json keeps every file.
. "$top_srcdir/tests/write/lib.sh"

newroot demo
orig=$(snap "$R")
vf "$work/out" "$work/err" --root "$R" fix --all --yes --no-configtest
[ "$rc" -eq 0 ] || { fail "fix: exit $rc"; cat "$work/err" >&2; }
fixed=$(snap "$R")
[ "$fixed" != "$orig" ] || fail "fix changed nothing"

vf "$work/out" "$work/err" --root "$R" rollback --no-configtest
[ "$rc" -eq 0 ] || { fail "rollback: exit $rc"; cat "$work/err" >&2; }
[ "$(snap "$R")" = "$orig" ] || fail "rollback did not restore the tree"

vf "$work/out" "$work/err" --root "$R" rollback --no-configtest
[ "$rc" -eq 2 ] || fail "second rollback: exit $rc, want 2"
has "$work/err" "would redo the fix" "second rollback"
has "$work/err" "--redo" "second rollback"
# One line says it all (then the usual "nothing was written").
head -n 1 "$work/err" | grep -q "would redo the fix.*--redo" ||
    fail "second rollback: the first line does not say it: $(cat "$work/err")"
[ "$(snap "$R")" = "$orig" ] || fail "the refused rollback changed the tree"

pass "a second rollback is refused and names --redo"

# The rollback's set named by its id, as the rollback's "undo with" line
# names it, is a choice: the fix comes back, and a plain rollback undoes
# that again.
newest=$("$VHOSTFIX" --root "$R" rollback --list | tail -n 1 |
    awk '{ print $1 }')
vf "$work/out" "$work/err" --root "$R" rollback "$newest" --no-configtest
[ "$rc" -eq 0 ] || fail "rollback $newest (a rollback set): exit $rc"
[ "$(snap "$R")" = "$fixed" ] || fail "rollback ID: not the fixed tree"
vf "$work/out" "$work/err" --root "$R" rollback --no-configtest
[ "$rc" -eq 0 ] || fail "rollback after rollback ID: exit $rc"
[ "$(snap "$R")" = "$orig" ] || fail "rollback after rollback ID: not restored"
pass "rollback ID of a rollback set puts the fix back, as printed"

vf "$work/out" "$work/err" --root "$R" rollback --redo --no-configtest
[ "$rc" -eq 0 ] || { fail "rollback --redo: exit $rc"; cat "$work/err" >&2; }
[ "$(snap "$R")" = "$fixed" ] || fail "rollback --redo: not the fixed tree"
vf "$work/out" "$work/err" --root "$R" rollback --list
tail -n 1 "$work/out" | grep -q ' redo ' ||
    fail "the newest set is not of kind redo: $(cat "$work/out")"
# A redo with nothing undone to redo is refused.
vf "$work/out" "$work/err" --root "$R" rollback --redo --no-configtest
[ "$rc" -eq 2 ] || fail "rollback --redo after a redo: exit $rc, want 2"
has "$work/err" "nothing to redo" "rollback --redo after a redo"
[ "$(snap "$R")" = "$fixed" ] || fail "the refused redo changed the tree"
# A plain rollback undoes the redo.
vf "$work/out" "$work/err" --root "$R" rollback --no-configtest
[ "$rc" -eq 0 ] || { fail "rollback after redo: exit $rc"; cat "$work/err" >&2; }
[ "$(snap "$R")" = "$orig" ] || fail "rollback after redo: not restored"
pass "rollback --redo puts the fix back; rollback undoes it again"

# Many files: one short line per set.
G=$work/gen
sh "$top_srcdir/bench/gen-tree.sh" "$G" 60 >/dev/null ||
    fail "gen-tree.sh failed"
vf "$work/out" "$work/err" --root "$G" fix --all --yes --no-configtest
[ "$rc" -eq 0 ] || { fail "fix of 60 vhosts: exit $rc"; cat "$work/err" >&2; }
vf "$work/out" "$work/err" --root "$G" rollback --list
[ "$(wc -l <"$work/out")" -eq 1 ] ||
    fail "rollback --list: not one line: $(cat "$work/out")"
has "$work/out" "60 files:" "rollback --list"
has "$work/out" "and 57 more" "rollback --list"
len=$(awk '{ print length($0) }' "$work/out")
[ "$len" -le 400 ] || fail "rollback --list: a line of $len characters"
vf "$work/out" "$work/err" --root "$G" rollback --list --format json
n=$(python3 -c 'import json, sys
print(len(json.load(sys.stdin)[0]["files"]))' <"$work/out")
[ "$n" = 60 ] || fail "rollback --list --format json: $n files, want 60"
pass "rollback --list: 60 files on one line of $len characters"
finish
