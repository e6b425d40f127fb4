#!/bin/sh
# fix --all --dry-run on 20,000 vhosts in one file: every vhost changed,
# so the diff has 20,000 hunks scattered through 260,000 lines.  Its
# memory stays bounded (the run gets 600 MB of address space; the diff's
# former search wanted 24 GB here and was killed) and it ends well within
# a minute (make bench measures it: about 2.5 s).  The diff applies with
# patch -p1, and a dry run on the patched tree has nothing left to change.
set -u
: "${VHOSTFIX:?}" "${top_srcdir:?}"
command -v patch >/dev/null 2>&1 || { echo "SKIP: no patch" >&2; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-difflarge.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0

sh "$top_srcdir/bench/gen-tree.sh" "$work/one" 20000 one
# A sanitizer build reserves terabytes of address space: no limit then.
limit="ulimit -v 600000;"
if ldd "$VHOSTFIX" 2>/dev/null | grep -q 'lib[at]san'; then
	limit=
fi
dryrun() {	# dryrun ROOT: fix --all --dry-run within the limits
	sh -c "$limit exec timeout 60 \"\$0\" --root \"\$1\" fix --all \
	    --dry-run" "$VHOSTFIX" "$1"
}
dryrun "$work/one" >"$work/diff" 2>"$work/err"
rc=$?
if [ "$rc" -gt 1 ]; then
	echo "FAIL: fix --all --dry-run exited $rc (124: over 60 s;" \
	    "134: out of memory):"
	tail -n 3 "$work/err"
	fail=1
fi
hunks=$(grep -c '^@@ ' "$work/diff")
if [ "$hunks" -ne 20000 ]; then
	echo "FAIL: $hunks hunks, not 20000"
	fail=1
fi
if [ "$fail" -eq 0 ] && ! (cd "$work/one" &&
    patch -p1 -s --dry-run <"$work/diff" >/dev/null &&
    patch -p1 -s <"$work/diff"); then
	echo "FAIL: the diff does not apply"
	fail=1
fi
if [ "$fail" -eq 0 ]; then
	dryrun "$work/one" >"$work/again" 2>"$work/err"
	rc2=$?
	if [ "$rc2" -gt 1 ]; then
		echo "FAIL: the dry run on the patched tree exited $rc2"
		fail=1
	elif [ -s "$work/again" ]; then
		echo "FAIL: the patched tree still has changes:"
		head -n 10 "$work/again"
		fail=1
	fi
fi
echo "diff-large: $hunks hunks, exit $rc"
[ "$fail" -eq 0 ]
