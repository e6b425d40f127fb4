#!/bin/bash
# The Debian package, as a sysadmin gets it: build the .deb from a clean
# copy of the sources (dpkg-buildpackage -us -uc -b), lintian with no
# error, install it with apt-get, then run the installed program: its
# version, the man page, the bash completion, and 'vhostfix --demo check'
# on the installed demo tree.  Run as root (it installs packages).  Ends
# with "package: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
top=$PWD

passed=0
failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-package.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM HUP

ok() {
	echo "ok: $*"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

finish() {
	echo "package: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

# Show the end of a log after a failed step.
show() {
	echo "--- last lines of $1"
	tail -n "${2:-40}" "$1"
}

# The tools, then the Build-Depends of debian/control.
need=""
for p in dpkg-dev debhelper lintian build-essential; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed" || need="$need $p"
done
updated=0
if [ -n "$need" ]; then
	echo "package: installing:$need"
	apt-get update -q >"$T/apt.log" 2>&1 && updated=1
	apt-get install -y -q --no-install-recommends $need >>"$T/apt.log" \
	    2>&1 || { show "$T/apt.log"; fail "install$need"; finish; }
fi

# A clean copy: the files git knows (symlinks stay symlinks), or, from a
# release tarball, the tree as it is.
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
src=$T/build/vhostfix-$version
mkdir -p "$src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$top" ls-files -z | (cd "$top" && tar --null -T - -cf -) |
	    (cd "$src" && tar xf -)
else
	tar --exclude=./build --exclude='./vhostfix-*' -cf - . |
	    (cd "$src" && tar xf -)
fi
[ -f "$src/debian/control" ] || { fail "copy of the sources"; finish; }

if ! (cd "$src" && dpkg-checkbuilddeps) >"$T/deps.log" 2>&1; then
	echo "package: installing the Build-Depends"
	[ "$updated" -eq 1 ] || apt-get update -q >>"$T/apt.log" 2>&1
	apt-get build-dep -y -q "$src" >>"$T/apt.log" 2>&1 ||
	    { show "$T/apt.log"; fail "Build-Depends"; finish; }
fi

# The source package, from the clean copy (lintian reads debian/ there).
(cd "$T/build" && dpkg-source -b "vhostfix-$version") >"$T/source.log" 2>&1 ||
    { show "$T/source.log"; fail "dpkg-source -b"; }

# Build.
if (cd "$src" && dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b"
else
	show "$T/build.log" 60
	fail "dpkg-buildpackage -us -uc -b"
	finish
fi
deb=$(ls "$T"/build/vhostfix_"$version"_*.deb 2>/dev/null | head -n1)
changes=$(ls "$T"/build/vhostfix_"$version"_*.changes 2>/dev/null |
    head -n1)
[ -n "$deb" ] || { fail "no .deb in $T/build"; finish; }
echo "package: built $(basename "$deb")"

# What is in it.
dpkg-deb -c "$deb" >"$T/contents"
for f in ./usr/bin/vhostfix ./usr/share/man/man1/vhostfix.1.gz \
    ./usr/share/bash-completion/completions/vhostfix \
    ./usr/share/zsh/vendor-completions/_vhostfix \
    ./usr/share/vhostfix/demo/ ./usr/share/vhostfix/fix.schema.json \
    ./usr/share/doc/vhostfix/copyright \
    ./usr/share/doc/vhostfix/README.md.gz; do
	if grep -q " $f\( \|$\)" "$T/contents"; then
		ok "the package holds ${f#.}"
	else
		fail "the package lacks ${f#.}"
	fi
done
dpkg-deb -f "$deb" Depends >"$T/depends"
for lib in libaugeas0 libncursesw6 augeas-lenses; do
	if grep -q "$lib" "$T/depends"; then
		ok "depends on $lib"
	else
		fail "does not depend on $lib: $(cat "$T/depends")"
	fi
done

# lintian: no error (warnings and notes are shown, not fatal), on the
# binary package and on the source package (debian/ itself, packed
# before the build).
lintian --allow-root --fail-on error --display-info "$changes" \
    "$T/build/vhostfix_$version.dsc" >"$T/lintian.log" 2>&1
rc=$?
cat "$T/lintian.log"
if [ "$rc" -eq 0 ]; then
	ok "lintian: no error"
else
	fail "lintian reports errors"
fi

# Install it as a sysadmin would, with its dependencies.
if apt-get install -y -q --reinstall "$deb" >"$T/install.log" 2>&1; then
	ok "apt-get install $(basename "$deb")"
else
	show "$T/install.log"
	fail "apt-get install $(basename "$deb")"
	finish
fi

# The installed program, from a directory far from the sources, with a
# clean environment: nothing may point back at the build.
run() {
	(cd / && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
	    LANG=C.UTF-8 TMPDIR="$T" "$@")
}
[ "$(command -v vhostfix)" = /usr/bin/vhostfix ] ||
    fail "vhostfix on PATH is $(command -v vhostfix), not /usr/bin/vhostfix"
out=$(run vhostfix --version)
if [ "$out" = "vhostfix ${version%%-*}" ]; then
	ok "vhostfix --version: $out"
else
	fail "vhostfix --version said '$out', not 'vhostfix ${version%%-*}'"
fi

rc=0
run vhostfix --demo check >"$T/check.out" 2>"$T/check.err" || rc=$?
cat "$T/check.out" "$T/check.err"
# 1: findings reported; the demo tree is broken on purpose.
if [ "$rc" -eq 1 ] && grep -q ': error: .*\[[a-z-]*\]$' "$T/check.out"; then
	ok "vhostfix --demo check (exit 1, findings)"
else
	fail "vhostfix --demo check exited $rc"
fi
rc=0
run vhostfix --demo fix --all --dry-run >"$T/fix.out" 2>&1 || rc=$?
if [ "$rc" -eq 1 ] && grep -q '^+++ b/' "$T/fix.out"; then
	ok "vhostfix --demo fix --all --dry-run (a diff)"
else
	cat "$T/fix.out"
	fail "vhostfix --demo fix --all --dry-run exited $rc"
fi
links=$(find /usr/share/vhostfix/demo -type l | wc -l)
if [ "$links" -gt 0 ] &&
    [ -z "$(find /usr/share/vhostfix/demo -xtype l)" ]; then
	ok "installed demo tree keeps its $links symlinks, none dangling"
else
	fail "installed demo tree: $links symlinks, or dangling ones"
fi

# The man page, through man(1).
if run man -w vhostfix >/dev/null 2>&1 &&
    run env MANWIDTH=80 man vhostfix 2>/dev/null | grep -q -- '--dry-run'
then
	ok "man vhostfix"
else
	fail "man vhostfix"
fi

# The bash completion, loaded the way bash-completion loads it.
comp=/usr/share/bash-completion/completions/vhostfix
got=$(run bash -c '. "$1"; COMP_WORDS=(vhostfix ch); COMP_CWORD=1
    _vhostfix vhostfix ch vhostfix; echo "${COMPREPLY[*]}"' _ "$comp")
if [ "$got" = check ]; then
	ok "bash completion: vhostfix ch<Tab> gives check"
else
	fail "bash completion: vhostfix ch<Tab> gave '$got'"
fi

finish
