#!/bin/sh
# e2e-differential.sh: "vhostfix explain" against a real apache2 and
# gunicorn on generated configurations (tests/differential/run.py): the
# kept regression cases, then a fixed seed.  DIFF_SEED and DIFF_N change
# the run ("make check-differential N=200" does).  Every request must
# agree.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${VHOSTFIX:=$top_builddir/src/vhostfix}"

command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
[ -x "$VHOSTFIX" ] || { echo "no vhostfix at $VHOSTFIX" >&2; exit 1; }
exec python3 "$top_srcdir/tests/differential/run.py" \
    --vhostfix "$VHOSTFIX" \
    --cases "$top_srcdir/tests/differential/regress.jsonl" \
    --seed "${DIFF_SEED:-20261130}" --n "${DIFF_N:-30}"
