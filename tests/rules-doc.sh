#!/bin/sh
# rules-doc.sh: the man page (RULES) and README.md (the rule table and one
# section per rule) name exactly the rules of the registry (src/rules.c,
# printed by tests/unit/list-rules), each with its default severity and
# whether the fix repairs it or leaves it to a human; tests/vfjson.py's
# copy has the same ids.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"

LIST=$top_builddir/tests/unit/list-rules
MAN=$top_srcdir/doc/vhostfix.1
README=$top_srcdir/README.md
failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-rules-doc.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM HUP

[ -x "$LIST" ] || { echo "FAIL: no $LIST (make check builds it)" >&2; exit 1; }
"$LIST" >"$T/table" || { echo "FAIL: $LIST failed" >&2; exit 1; }
[ -s "$T/table" ] || { echo "FAIL: the registry is empty" >&2; exit 1; }

. "$top_srcdir/tests/lib-compare.sh"

# No id twice in the registry.
dup=$(awk '{ print $1 }' "$T/table" | sort | uniq -d)
[ -z "$dup" ] || fail "registered twice: $dup"

awk '{ print $1 " (" $2 ")" }' "$T/table" >"$T/table-sev"
awk '{ print $1 " " $3 }' "$T/table" >"$T/table-fix"

# The man page: '.BR id " (severity)"' after each .TP of RULES, then the
# entry's "Fix: automatic..." or "Fix: by hand...".
awk '
	/^\.SH / { on = ($0 == ".SH RULES"); next }
	!on { next }
	/^\.TP/ { getline; tag = 1 }
	tag {
		line = $0
		gsub(/\\-/, "-", line)
		gsub(/"/, "", line)
		sub(/^\.BR /, "", line)
		gsub(/  */, " ", line)
		split(line, w, " ")
		id = w[1]
		print line >"'"$T/man-sev"'"
		tag = 0
		next
	}
	/^Fix: automatic/ { print id " auto" >"'"$T/man-fix"'" }
	/^Fix: by hand/ { print id " hand" >"'"$T/man-fix"'" }
' "$MAN"
compare "rule (severity)" "$T/table-sev" "$T/man-sev" "the registry" \
    "the man page RULES"
compare "rule fix" "$T/table-fix" "$T/man-fix" "the registry" \
    "the man page RULES (Fix: automatic / by hand)"

# README.md: the table's rows ('| [`id`](#id) | severity...') ...
sed -n 's/^| \[`\([a-z0-9-]*\)`\](#[a-z0-9-]*) | \([a-z]*\).*/\1 (\2)/p' \
    "$README" >"$T/readme-sev"
compare "rule (severity)" "$T/table-sev" "$T/readme-sev" "the registry" \
    "README.md's rule table"
# ... and the sections ('### id', then '**severity.**' or '**severity**
# when...', then '**Fix** (*fixed*...' or '**Fix** (by hand...').
awk '
	/^## / { on = ($0 == "## Rules"); next }
	!on { next }
	/^### / { id = $2; want = 1; next }
	want && /^\*\*(error|warning|info)/ {
		s = $1
		gsub(/[*.]/, "", s)
		print id " (" s ")" >"'"$T/sect-sev"'"
		want = 0
	}
	/^\*\*Fix\*\* \(\*fixed\*/ { print id " auto" >"'"$T/sect-fix"'" }
	/^\*\*Fix\*\* \(by hand/ { print id " hand" >"'"$T/sect-fix"'" }
' "$README"
compare "rule (severity)" "$T/table-sev" "$T/sect-sev" "the registry" \
    "README.md's rule sections"
compare "rule fix" "$T/table-fix" "$T/sect-fix" "the registry" \
    "README.md's rule sections (**Fix** (*fixed*) / (by hand))"

# tests/vfjson.py keeps its own copy (ids and the severities a finding
# may have) to validate the JSON: the default severity must be among them.
python3 -B -c '
import sys
sys.path.insert(0, sys.argv[1])
import vfjson
for rule, sevs in sorted(vfjson.RULES.items()):
    for s in sorted(sevs):
        print(rule, s)
' "$top_srcdir/tests" >"$T/vfjson-all" ||
    fail "cannot read RULES of tests/vfjson.py"
awk '{ print $1 }' "$T/vfjson-all" >"$T/vfjson-ids"
awk '{ print $1 }' "$T/table" >"$T/table-ids"
compare "rule" "$T/table-ids" "$T/vfjson-ids" "the registry" \
    "tests/vfjson.py's RULES"
awk '{ print $1, $2 }' "$T/table" | while read -r id sev; do
	grep -qx "$id $sev" "$T/vfjson-all" ||
	    echo "FAIL: tests/vfjson.py does not allow $id as $sev" >&2
done >"$T/vfjson-sev" 2>&1
if [ -s "$T/vfjson-sev" ]; then
	cat "$T/vfjson-sev" >&2
	failed=1
fi

n=$(wc -l <"$T/table")
if [ "$failed" -ne 0 ]; then
	echo "rules-doc: the documentation and the rule registry disagree" >&2
	exit 1
fi
echo "rules-doc: $n rules, their severities and fixes agree"
exit 0
