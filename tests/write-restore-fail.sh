#!/bin/sh
# A restore that fails (rename of the second file made to fail with EIO
# by strace, right after Apache rejected the change) is reported as such:
# exit 6, each file's state, the rollback command; that rollback then
# restores the original tree exactly.
. "$top_srcdir/tests/write/lib.sh"
command -v strace >/dev/null || { echo "SKIP: no strace"; exit 77; }
# LeakSanitizer stops the process with ptrace at exit, which it cannot do
# under strace: it would end a sanitizer build's run with exit 1.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
export ASAN_OPTIONS

# Which rename is the second restore: count them in a run without faults.
newroot count
strace -f -qq -e trace=rename -o "$work/trace" "$VHOSTFIX" --root "$R" \
    fix --all --yes --configtest false >/dev/null 2>&1
n=$(grep -c 'rename(' "$work/trace")
nlive=$(grep 'rename(' "$work/trace" | grep -vc '/var/backups/')
[ "$nlive" -ge 4 ] || fail "expected at least 2 files written and restored"
# The live renames: the first half writes, the second half restores; the
# last restore is the last rename of all.
when=$((n - nlive / 2 + 2))

newroot r1
before=$(snap "$R")
rc=0
strace -f -qq -o /dev/null -e trace=rename \
    -e inject=rename:error=EIO:when=$when "$VHOSTFIX" --root "$R" \
    fix --all --yes --configtest false >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" -eq 6 ] || fail "failed restore: exit $rc, not 6"
has "$work/err" "not everything could be restored"
has "$work/err" "Input/output error"
has "$work/err" "NOT restored, it still holds the new text"
has "$work/err" "as before"
has "$work/err" "the configuration is NOT as it was before"
grep -q "the configuration is as it was before" "$work/err" &&
    fail "a failed restore reported as a success"
cmd=$(sed -n 's/.*finish the restore with: \(vhostfix .* rollback [^ ]*\).*/\1/p' \
    "$work/err")
[ -n "$cmd" ] || fail "no rollback command printed"
[ "$(snap "$R")" != "$before" ] || fail "the injected fault did not happen"
pass "a failed restore is reported file by file, exit 6"

# The printed command finishes the job.
set -- $cmd
shift
vf "$work/out" "$work/err2" "$@" --no-configtest
[ "$rc" -eq 0 ] || { fail "the printed rollback: exit $rc"; cat "$work/err2" >&2; }
[ "$(snap "$R")" = "$before" ] || fail "rollback: the tree is not the original"
[ "$(temps "$R")" -eq 0 ] || fail "temp files left"
vf "$work/out" "$work/err" --root "$R" check
grep -q "interrupted fix" "$work/err" && fail "the fix is still reported open"
pass "the printed rollback restores the original exactly"
finish
