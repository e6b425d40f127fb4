#!/bin/sh
# cli-paths.sh: what a first-time user types is understood.
#  - `list` has a header, and a vhost without ServerName is named for what
#    it is: "(default vhost)" when it is the first on its address (Apache
#    gives it every request no name matches), "(no ServerName)" otherwise.
#  - `--config` given as a path already under `--root` (tab-completed in
#    a shell) is the file it names, not "No such file".
#  - `--root` pointing at ROOT/etc/apache2 gets a hint naming ROOT.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${VHOSTFIX:=$top_builddir/src/vhostfix}"

failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-clipaths.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM HUP
fail() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }

cp -R "$top_srcdir/data/demo" "$T/root" || exit 1
chmod -R u+w "$T/root"
R=$T/root

"$VHOSTFIX" --root "$R" list >"$T/list" 2>"$T/err" || fail "list exited $?"
head -n1 "$T/list" | grep -q '^NAME  *ADDRESS  *FILE:LINE$' ||
    fail "list has no header: $(head -n1 "$T/list")"
grep -q '^(default vhost)  *\*:80  *.*000-default.conf:1$' "$T/list" ||
    fail "the nameless first vhost of *:80 is not shown as (default vhost)"
grep -q '^\*:80 ' "$T/list" && fail "an address is shown as a vhost's name"

# A second nameless vhost on *:80 is not the default.
cat >>"$R/etc/apache2/sites-enabled/000-default.conf" <<'CONF'
<VirtualHost *:80>
	DocumentRoot /var/www/html
</VirtualHost>
CONF
"$VHOSTFIX" --root "$R" list >"$T/list2" 2>"$T/err" || fail "list exited $?"
grep -c '^(default vhost) ' "$T/list2" | grep -qx 1 ||
    fail "more than one (default vhost) on *:80"
grep -q '^(no ServerName) ' "$T/list2" ||
    fail "the second nameless vhost is not shown as (no ServerName)"

rc=0
"$VHOSTFIX" --root "$R" --config "$R/etc/apache2/apache2.conf" list \
    >"$T/list3" 2>"$T/err" || rc=$?
[ "$rc" -eq 0 ] || fail "--config under --root: exit $rc: $(cat "$T/err")"
cmp -s "$T/list2" "$T/list3" ||
    fail "--config ROOT/etc/apache2/apache2.conf reads another tree"

rc=0
"$VHOSTFIX" --root "$R/etc/apache2" list >/dev/null 2>"$T/err" || rc=$?
[ "$rc" -eq 2 ] || fail "--root ROOT/etc/apache2 exited $rc, not 2"
grep -qF "try --root $(cd "$R" && pwd -P))" "$T/err" ||
    fail "--root ROOT/etc/apache2 gets no hint: $(cat "$T/err")"

# A --config missing under --root names the file looked for, ROOT/FILE,
# and says --config is read under --root; a missing --root says it is the
# --root.
echo "# elsewhere" >"$T/elsewhere.conf"
rc=0
"$VHOSTFIX" --root "$R" --config "$T/elsewhere.conf" list >/dev/null \
    2>"$T/err" || rc=$?
rroot=$(cd "$R" && pwd -P)
[ "$rc" -eq 2 ] && grep -qxF "vhostfix: $rroot$T/elsewhere.conf (--config): No such file or directory; --config is read under --root" \
    "$T/err" || fail "--config outside --root: exit $rc: $(cat "$T/err")"
rc=0
"$VHOSTFIX" --root "$T/no-such-root" list >/dev/null 2>"$T/err" || rc=$?
[ "$rc" -eq 2 ] && grep -qxF "vhostfix: --root $T/no-such-root: No such file or directory" \
    "$T/err" || fail "a missing --root: exit $rc: $(cat "$T/err")"

[ "$failed" -eq 0 ] && echo "cli-paths: all checks passed"
[ "$failed" -eq 0 ]
