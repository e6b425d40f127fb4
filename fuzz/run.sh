#!/bin/sh
# Run the fuzz targets: fuzz/run.sh BUILDDIR SECONDS [TARGET...]
#
# BUILDDIR was configured with CC=clang --enable-fuzzing and built.  Each
# target (default: all) runs for SECONDS on its seeds (fuzz/seeds.sh) and
# dictionary, one at a time, with a 10 s per-input timeout and a 2 GB RSS
# limit; any crash, leak, timeout or out-of-memory fails.  One line per
# target gives executions, coverage and corpus size.  FUZZ_CORPUS=DIR keeps
# the grown corpus there (default: a temporary one); a failing input is
# copied to BUILDDIR/fuzz-artifacts/.
set -u
build=$(cd "$1" && pwd)
secs=$2
shift 2
here=$(cd "$(dirname "$0")/.." && pwd)
targets=${*:-fuzz-config fuzz-url}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-fuzzrun.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM HUP
"$here/fuzz/seeds.sh" "$here" "$tmp/seeds" || exit 1

# Leaks inside libaugeas are not ours (see tests/lsan.supp).
LSAN_OPTIONS=suppressions=$here/tests/lsan.supp
export LSAN_OPTIONS

rc=0
for t in $targets; do
	bin=$build/fuzz/$t
	kind=${t#fuzz-}
	if [ ! -x "$bin" ]; then
		echo "fuzz: $t: not built in $build (configure CC=clang" \
		    "--enable-fuzzing)" >&2
		rc=1
		continue
	fi
	corpus=${FUZZ_CORPUS:-$tmp/corpus}/$kind
	mkdir -p "$corpus" "$tmp/art-$kind"
	log=$tmp/$t.log
	# -jobs/-workers stay at 1: the machine is shared.
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -dict="$here/fuzz/$kind.dict" -print_final_stats=1 \
	    -artifact_prefix="$tmp/art-$kind/" "$corpus" \
	    "$tmp/seeds/$kind" >"$log" 2>&1
	st=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p')
	found=$(ls "$tmp/art-$kind" | wc -l)
	echo "fuzz: $t: ${execs:-?} execs in ${secs} s, cov ${cov:-?}," \
	    "ft ${ft:-?}, corpus ${corp:-?}, peak rss ${rss:-?} MB," \
	    "crashes/leaks/timeouts $found, exit $st"
	if [ "$st" -ne 0 ] || [ "$found" -ne 0 ]; then
		rc=1
		mkdir -p "$build/fuzz-artifacts"
		cp "$tmp/art-$kind"/* "$build/fuzz-artifacts/" 2>/dev/null
		grep -vE '^#[0-9]+' "$log" | tail -n 40 >&2
		echo "fuzz: $t: failing inputs in $build/fuzz-artifacts/" >&2
	fi
done
exit $rc
