#!/bin/bash
# fixjson.sh: `fix --format json` on copies of the demo tree, every
# document validated against data/fix.schema.json (tests/fixjson.py):
#  - --dry-run: status dry-run, exit 1, the diff is the text dry run's
#    stdout, files named as included and by real path, nothing written;
#  - --yes with a passing configtest and --reload: written, backup set,
#    configtest and reload results, the tree as the dry-run diff applied
#    with patch -p1;
#  - --yes with a failing configtest: rolled back, exit 3, Apache's
#    message, the tree byte-identical to before;
#  - a second dry run after the write: nothing-to-change, exit 0;
#  - neither --dry-run nor --yes: refused, exit 2, nothing written;
#  - what is left to a human, counted by rule.
set -u
: "${top_srcdir:?top_srcdir is not set (run through make check)}"
: "${VHOSTFIX:?VHOSTFIX is not set (run through make check)}"
export NO_COLOR=1 LC_ALL=C
python3 -c 'import jsonschema' 2>/dev/null || {
	echo "SKIP: python3-jsonschema is not installed (apt-get install" \
	    "python3-jsonschema): fix --format json is not validated" >&2
	exit 77
}
work=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-fixjson.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP
failed=0
fail() {
	echo "FAIL: $*" >&2
	failed=1
}
SCHEMA=$top_srcdir/data/fix.schema.json
check() {	# check DOC KEY=VALUE...
	python3 "$top_srcdir/tests/fixjson.py" "$SCHEMA" "$@" || fail "$1"
}
fresh() {
	rm -rf "${work:?}/${1:?}"
	cp -a "$top_srcdir/data/demo" "$work/$1"
	chmod -R u+w "$work/$1"
}
tree_sum() {
	(cd "$1" && find . \( -path ./var -o -path ./run \) -prune -o -type f -print0 |
	    sort -z | xargs -0 sha256sum)
}
vf() {	# vf OUT ERR ARGS...: rc is the exit status
	local out=$1 err=$2
	shift 2
	rc=0
	"$VHOSTFIX" "$@" >"$out" 2>"$err" || rc=$?
}

# Dry run.
fresh dry
tree_sum "$work/dry" >"$work/dry.sum0"
vf "$work/dry.json" "$work/dry.err" --root "$work/dry" fix --all --dry-run \
    --format json
[ "$rc" -eq 1 ] || fail "dry run exited $rc, expected 1"
[ -s "$work/dry.err" ] && fail "dry run wrote to stderr: $(head -3 "$work/dry.err")"
check "$work/dry.json" status=dry-run exit_code=1 dry_run=true changed=true \
    backup=null configtest=null files.0.path=/etc/apache2/sites-enabled/app.example.com.conf \
    files.0.real_path=/etc/apache2/sites-available/app.example.com.conf \
    files.0.written=false
tree_sum "$work/dry" >"$work/dry.sum1"
cmp -s "$work/dry.sum0" "$work/dry.sum1" || fail "the dry run wrote"
vf "$work/dry.txt" "$work/dry.txterr" --root "$work/dry" fix --all --dry-run
python3 -c 'import json,sys; sys.stdout.write(json.load(open(sys.argv[1]))["diff"])' \
    "$work/dry.json" >"$work/dry.diff"
cmp -s "$work/dry.txt" "$work/dry.diff" ||
    fail "the JSON diff is not the text dry run's diff"
# What is left to a human: the text's rules, with counts.
python3 - "$work/dry.json" <<'PY' || fail "left_to_human / left_summary disagree"
import collections, json, sys
d = json.load(open(sys.argv[1]))
c = collections.Counter(x["rule"] for x in d["left_to_human"])
s = {x["rule"]: x["count"] for x in d["left_summary"]}
assert c == s, (c, s)
assert "socket-missing" in s, s
for x in d["left_to_human"]:
    assert x["do"], x
PY

# A write with a passing configtest.
fresh ok
(cd "$work/ok" && patch -s -p1 <"$work/dry.diff") || fail "patch -p1 failed"
tree_sum "$work/ok" >"$work/patched.sum"
fresh ok
vf "$work/ok.json" "$work/ok.err" --root "$work/ok" fix --all --yes \
    --configtest true --reload --reload-cmd 'echo graceful' --format json
[ "$rc" -eq 0 ] || fail "write exited $rc: $(cat "$work/ok.err")"
check "$work/ok.json" status=written exit_code=0 dry_run=false changed=true \
    configtest.command='"true"' configtest.exit_code=0 configtest.passed=true \
    'reload.command=echo graceful' reload.exit_code=0 'reload.output=graceful
' files.0.written=true error=null
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["backup"]["id"])' \
    "$work/ok.json" >"$work/ok.id" 2>/dev/null
[ -d "$work/ok/var/backups/vhostfix/$(cat "$work/ok.id")" ] ||
    fail "the backup set named in the document is not there"
tree_sum "$work/ok" >"$work/ok.sum"
cmp -s "$work/patched.sum" "$work/ok.sum" ||
    fail "the written tree is not the dry-run diff applied"

# Again: nothing to change.
vf "$work/again.json" "$work/again.err" --root "$work/ok" fix --all \
    --dry-run --format json
[ "$rc" -eq 0 ] || fail "second dry run exited $rc"
check "$work/again.json" status=nothing-to-change exit_code=0 changed=false \
    diff= files.n=0

# A configtest that fails: everything restored.
fresh bad
tree_sum "$work/bad" >"$work/bad.sum0"
vf "$work/bad.json" "$work/bad.err" --root "$work/bad" fix --all --yes \
    --configtest 'echo "AH00526: Syntax error on line 9"; exit 1' \
    --format json
[ "$rc" -eq 3 ] || fail "failing configtest exited $rc, expected 3"
check "$work/bad.json" status=rolled-back exit_code=3 changed=false \
    configtest.exit_code=1 configtest.passed=false \
    'configtest.output=AH00526: Syntax error on line 9
' files.0.written=false
grep -q 'restored' "$work/bad.json" || fail "the error does not say restored"
tree_sum "$work/bad" >"$work/bad.sum1"
cmp -s "$work/bad.sum0" "$work/bad.sum1" || fail "the rollback left changes"

# Neither --dry-run nor --yes: no question on a JSON stdout.
fresh ask
tree_sum "$work/ask" >"$work/ask.sum0"
vf "$work/ask.json" "$work/ask.err" --root "$work/ask" fix --all \
    --format json </dev/null
[ "$rc" -eq 2 ] || fail "fix --format json without --yes exited $rc"
check "$work/ask.json" status=refused exit_code=2 changed=false
tree_sum "$work/ask" >"$work/ask.sum1"
cmp -s "$work/ask.sum0" "$work/ask.sum1" || fail "a refused fix wrote"

[ "$failed" -eq 0 ] && echo "fixjson: dry run, write, rollback, refusal valid against the schema"
exit "$failed"
