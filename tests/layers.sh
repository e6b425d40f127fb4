#!/bin/sh
# layers.sh: the source files stay layered and readable.
#  - No cycle among src/ files, measured on what they really use: file A
#    depends on file B when A's object refers to a symbol B's object
#    defines (nm).  The one shape allowed is a registry and its entries
#    (rules.c and the rule-*.c files, the wizard and its screens): every
#    edge of the cycle has the registry at one end.
#  - No src/ file over 800 lines, except the ones waived below while they
#    are being split.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"

MAX_LINES=800
# Over the limit today, each split by its own change (issue 11); a file
# that shrank below the limit is named so that its waiver goes.
WAIVED=""

failed=0
command -v nm >/dev/null 2>&1 || { echo "SKIP: no nm" >&2; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3" >&2; exit 77; }
set -- "$top_builddir"/src/*.o
[ -f "$1" ] || { echo "FAIL: no objects in $top_builddir/src" >&2; exit 1; }

# "FILE DEFINED-OR-USED SYMBOL" lines for every object.
T=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-layers.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM HUP
for o in "$@"; do
	f=${o##*/}
	f=${f#vhostfix-}
	f=${f%.o}.c
	nm "$o" | awk -v f="$f" '
		NF == 3 && $2 ~ /^[TDRBC]$/ { print f, "def", $3 }
		NF == 2 && $1 == "U" { print f, "use", $2 }
	'
done >"$T/symbols"

python3 - "$T/symbols" <<'PY' || failed=1
import collections
import sys

defs = {}
uses = collections.defaultdict(set)
files = set()
for line in open(sys.argv[1]):
    f, kind, sym = line.split()
    files.add(f)
    if kind == "def":
        defs[sym] = f
    else:
        uses[f].add(sym)
dep = {f: {defs[s] for s in uses[f] if s in defs and defs[s] != f}
       for f in files}

# Tarjan's strongly connected components, iteratively.
index, low, stack, on, comps = {}, {}, [], set(), []
for root in sorted(files):
    if root in index:
        continue
    work = [(root, iter(sorted(dep[root])))]
    index[root] = low[root] = len(index)
    stack.append(root)
    on.add(root)
    while work:
        v, it = work[-1]
        w = next(it, None)
        if w is not None:
            if w not in index:
                index[w] = low[w] = len(index)
                stack.append(w)
                on.add(w)
                work.append((w, iter(sorted(dep[w]))))
            elif w in on:
                low[v] = min(low[v], index[w])
            continue
        work.pop()
        if work:
            low[work[-1][0]] = min(low[work[-1][0]], low[v])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            comps.append(comp)

bad = 0
for comp in comps:
    if len(comp) < 2:
        continue
    edges = [(a, b) for a in comp for b in dep[a] if b in comp]
    hubs = [r for r in sorted(comp) if all(r in e for e in edges)]
    if hubs:
        print("layers: registry %s and its %d entries" % (hubs[0],
              len(comp) - 1))
        continue
    bad = 1
    print("FAIL: a cycle among %s:" % ", ".join(sorted(comp)),
          file=sys.stderr)
    for a, b in sorted(edges):
        why = sorted(s for s in uses[a] if defs.get(s) == b)
        print("  %s -> %s (%s)" % (a, b, ", ".join(why[:4])),
              file=sys.stderr)
print("layers: %d files, %d dependencies" % (len(files),
      sum(len(d) for d in dep.values())))
sys.exit(bad)
PY

for f in "$top_srcdir"/src/*.c; do
	n=$(wc -l <"$f")
	b=${f##*/}
	case " $WAIVED " in
	*" $b "*)
		[ "$n" -le "$MAX_LINES" ] &&
		    echo "note: src/$b has $n lines now: drop it from WAIVED"
		[ "$n" -gt "$MAX_LINES" ] &&
		    echo "note: src/$b has $n lines (waived while it is split)"
		;;
	*)
		if [ "$n" -gt "$MAX_LINES" ]; then
			echo "FAIL: src/$b has $n lines (at most $MAX_LINES)" >&2
			failed=1
		fi
		;;
	esac
done

if [ "$failed" -ne 0 ]; then
	echo "layers: the sources are not layered as they should be" >&2
	exit 1
fi
echo "layers: no cycle but registries, no file over $MAX_LINES lines"
exit 0
