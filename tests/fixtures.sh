#!/bin/sh
# fixtures.sh: check, check --format json, list --format json and the fixes
# of every fixture case under tests/fixtures/ that needs no Unix socket
# (those run in sockets.sh).  See lib-fixtures.sh for a case's files.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib-fixtures.sh"
run_cases 0
