#!/bin/sh
# sockets.sh: the fixture cases that need real Unix sockets (socket-missing,
# socket-permission, socket-path-too-long, socket-in-private-tmp,
# socket-label-shared, socket-url-syntax, forwarded-proto-spoofable, ${VAR}
# in socket paths).  Git cannot hold sockets: each case's "sockets" file
# says which to create, with which mode and owner, in a copy of its root.
# Owners other than ours need root; such cases are skipped otherwise.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib-fixtures.sh"
run_cases 1
