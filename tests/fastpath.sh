#!/bin/sh
# The fast scanner and the full Augeas read give identical findings:
# generated hosting trees (one file per vhost, all in one file), every
# fixture tree and the demo, compared as check --format json output.
set -u
: "${VHOSTFIX:?}" "${top_srcdir:?}"
work=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-fastpath.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
n=0

compare() {	# compare NAME ROOT [global args...]
	name=$1
	root=$2
	shift 2
	"$VHOSTFIX" --root "$root" "$@" check --format json >"$work/fast.json" \
	    2>"$work/fast.err"
	frc=$?
	VHOSTFIX_PARSER=augeas "$VHOSTFIX" --root "$root" "$@" check \
	    --format json >"$work/full.json" 2>"$work/full.err"
	arc=$?
	n=$((n + 1))
	if [ "$frc" -ne "$arc" ] || ! cmp -s "$work/fast.json" "$work/full.json"
	then
		echo "FAIL: $name: fast path (exit $frc) and full Augeas read" \
		    "(exit $arc) differ:"
		diff "$work/full.json" "$work/fast.json" | head -n 20
		fail=$((fail + 1))
	fi
}

sh "$top_srcdir/bench/gen-tree.sh" "$work/files" 60
sh "$top_srcdir/bench/gen-tree.sh" "$work/one" 60 one
compare "generated, one file per vhost" "$work/files"
compare "generated, one file" "$work/one"
# A generated tree with a mix the scanner declines (continuation lines,
# word lists) and accepts, in the same vhosts.
sh "$top_srcdir/bench/gen-tree.sh" "$work/mixed" 20
i=0
for f in "$work"/mixed/etc/apache2/sites-enabled/*.conf; do
	i=$((i + 1))
	[ $((i % 3)) -eq 0 ] || continue
	sed -i 's|^    ProxyPreserveHost Off$|    ProxyPreserveHost \\\n        On|' "$f"
done
compare "generated, continuation lines" "$work/mixed"
for c in "$top_srcdir"/tests/fixtures/*/; do
	[ -d "$c/root" ] || continue
	args=$(cat "$c/args" 2>/dev/null)
	cp -a "$c/root" "$work/fx"
	# shellcheck disable=SC2086
	compare "fixture $(basename "$c")" "$work/fx" $args
	rm -rf "$work/fx"
done
if [ -d "$top_srcdir/data/demo" ]; then
	cp -a "$top_srcdir/data/demo" "$work/demo"
	compare demo "$work/demo"
fi
echo "fastpath: $n trees compared, $fail differ"
[ "$fail" -eq 0 ]
