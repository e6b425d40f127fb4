#!/bin/sh
# Quick start on a Debian 12 machine, as root: install what is missing,
# build, and open the wizard on the bundled demo tree (without a terminal,
# show 'vhostfix --demo check' instead).  Safe to run again.
set -e
cd "$(dirname "$0")"

# Build: compiler, autotools, Augeas, ncurses and libcurl (verify).
# Tests: a real Apache and gunicorn, curl, openssl (a throwaway
# certificate), patch, tmux (the wizard through a real terminal), jq,
# python3 and python3-jsonschema (JSON checks), valgrind, strace (fault
# injection), zsh, bash-completion and groff-base (completions, man page),
# ansible-core (the Ansible module's test).
packages="build-essential autoconf automake pkg-config libaugeas-dev
augeas-lenses augeas-tools libncurses-dev libcurl4-openssl-dev apache2
ssl-cert gunicorn curl openssl patch tmux jq python3 python3-jsonschema xxd
attr acl e2fsprogs hyperfine time valgrind strace zsh bash-completion
groff-base ansible-core"

missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "quickstart: installing:$missing"
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends $missing
fi

[ -x configure ] || ./autogen.sh
[ -f Makefile ] || ./configure
make -j2

if [ -t 0 ] && [ -t 1 ]; then
	exec src/vhostfix --demo
fi
echo "quickstart: no terminal for the wizard; 'vhostfix --demo check' instead:"
rc=0
src/vhostfix --demo check || rc=$?
# 1 means "findings reported": the demo is broken on purpose.
[ "$rc" -le 1 ]
