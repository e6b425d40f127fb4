#!/bin/sh
# demo.sh: the bundled demo tree (data/demo).
#  - `vhostfix --demo check` lists the demo's problems (tests/demo/expect)
#    and leaves no private copy behind;
#  - `vhostfix --demo list --format json` is valid JSON listing every
#    enabled vhost (tests/demo/vhosts), not the sites that are only in
#    sites-available;
#  - `fix --all --dry-run` on a copy writes nothing, its diff applies with
#    patch -p1, the result passes the real `apache2 -t` (envvars sourced,
#    run/lock/log directories in a temp dir), leaves only the findings
#    without an automatic fix (tests/demo/after), and a second dry run
#    prints nothing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib-fixtures.sh"

current=demo
DEMO=$top_srcdir/data/demo
EXP=$top_srcdir/tests/demo
d=$work/demo
mkdir -p "$d/tmp"

# --demo check, with its private copy made under our own TMPDIR.
TMPDIR=$d/tmp vf "$d/check" "$d/check.err" --demo check
if [ "$rc" -ne 1 ]; then
	fail "--demo check exited $rc, expected 1 (findings)"
	sed 's/^/    /' "$d/check.err" >&2
fi
text_findings "$d/check" | cut -d' ' -f1,2 >"$d/check.f"
same "--demo check findings" "$EXP/expect" "$d/check.f"
if [ -n "$(ls -A "$d/tmp")" ]; then
	fail "--demo left files behind in TMPDIR: $(ls -A "$d/tmp")"
fi
# stderr: the private copy and the skipped live checks, nothing about the
# error logs a copied tree does not have
if [ "$(grep -c '^vhostfix: ' "$d/check.err")" -ne 2 ] ||
    ! grep -q '^vhostfix: demo: working on a private copy' "$d/check.err" ||
    ! grep -q '^vhostfix: note: live checks skipped' "$d/check.err"; then
	fail "--demo check: stderr is not its two lines"
	sed 's/^/    /' "$d/check.err" >&2
fi
# the demo's copy is gone at exit: no message names it as a place to go
# back to, and none says ROOT
TMPDIR=$d/tmp vf "$d/rl" "$d/rl.err" --demo rollback --list
grep -q "^vhostfix: no backup sets: the demo's private copy is new for each command" \
    "$d/rl.err" || fail "--demo rollback --list: $(tail -n 1 "$d/rl.err")"
TMPDIR=$d/tmp vf "$d/rb" "$d/rb.err" --demo rollback
[ "$rc" -eq 2 ] && grep -q "^vhostfix: nothing to roll back: the demo's" \
    "$d/rb.err" || fail "--demo rollback: exit $rc, $(tail -n 1 "$d/rb.err")"
TMPDIR=$d/tmp vf "$d/nv" "$d/nv.err" --demo fix nosuch.example.com
grep -q "^vhostfix: unknown vhost 'nosuch.example.com' in the demo tree:" \
    "$d/nv.err" || fail "--demo fix nosuch: $(tail -n 1 "$d/nv.err")"
TMPDIR=$d/tmp vf "$d/fy" "$d/fy.err" --demo fix --all --yes --no-configtest
[ "$rc" -eq 0 ] && grep -q "^vhostfix: demo: the private copy goes at exit" \
    "$d/fy.err" || fail "--demo fix --yes: exit $rc, $(tail -n 1 "$d/fy.err")"
grep -q "undo with\|ROOT" "$d/fy.err" "$d/rl.err" "$d/rb.err" &&
    fail "a demo message names its copy or ROOT"
# a tree without the socket's directory (copied without /run) tells
# nothing about the socket: an info that says so, not a warning
cp -a "$DEMO" "$d/norun"
rm -rf "$d/norun/run"
vf "$d/norun.out" "$d/norun.err" --root "$d/norun" check
grep -q "^/etc/apache2/sites-enabled/app.example.com.conf:8: info: socket /run/gunicorn/app.sock is not in this tree, nor its directory: whether a backend listens there shows only on the running system \[socket-missing\]" \
    "$d/norun.out" || fail "socket-missing without /run: $(grep socket-missing "$d/norun.out")"
grep -q "warning: socket /run/gunicorn/app.sock does not exist" "$d/check" ||
    fail "the demo (with /run/gunicorn) lost its socket-missing warning"
# a log that is there but cannot be read is still one note
cp -a "$DEMO" "$d/badlog"
mkdir -p "$d/badlog/var/log/apache2/error.log"
vf "$d/badlog.out" "$d/badlog.err" --root "$d/badlog" check
grep -q "^vhostfix: note: error log not read, so no evidence from it: .*/var/log/apache2/error.log: Is a directory" \
    "$d/badlog.err" || fail "an unreadable error log is not noted"

# --demo list --format json, and check --format json for the comparison.
TMPDIR=$d/tmp vf "$d/list.json" "$d/list.err" --demo list --format json
if [ "$rc" -ne 0 ]; then
	fail "--demo list --format json exited $rc"
	sed 's/^/    /' "$d/list.err" >&2
fi
TMPDIR=$d/tmp vf "$d/check.json" "$d/cj.err" --demo check --format json
if ! $VFJSON pair "$d/check.json" "$d/list.json" "$d/v" 2>"$d/jv"; then
	fail "the demo's JSON output does not follow the format:"
	sed 's/^/    /' "$d/jv" >&2
else
	same "--demo list --format json vhosts" "$EXP/vhosts" \
	    "$d/v.list-vhosts"
	cut -d' ' -f1,2 "$d/v.findings" >"$d/json.f"
	same "--demo check --format json findings" "$EXP/expect" "$d/json.f"
fi
if grep -q 'old-intranet\|default-ssl' "$d/list.json"; then
	fail "list names a site that is not enabled"
fi

# The fix on a copy of the demo tree.
mkdir -p "$d/root"
cp -a "$DEMO/." "$d/root/"
chmod -R u+w "$d/root"
listing "$d/root" >"$d/before"
vf "$d/diff" "$d/diff.err" --root "$d/root" fix --all --dry-run
if [ "$rc" -ne 1 ] || [ ! -s "$d/diff" ]; then
	fail "fix --all --dry-run on the demo exited $rc" \
	    "$( [ -s "$d/diff" ] || echo "without a diff" )"
	sed 's/^/    /' "$d/diff.err" >&2
fi
listing "$d/root" >"$d/after"
same "demo root listing before and after --dry-run" "$d/before" "$d/after"
mkdir -p "$d/patched"
cp -a "$DEMO/." "$d/patched/"
chmod -R u+w "$d/patched"
if ! patch -p1 -d "$d/patched" --batch --forward --no-backup-if-mismatch \
    --quiet <"$d/diff" >"$d/patch.out" 2>&1; then
	fail "patch -p1 does not apply the demo's --dry-run diff:"
	sed 's/^/    /' "$d/patch.out" >&2
fi
vf "$d/check2" "$d/check2.err" --root "$d/patched" check
text_findings "$d/check2" 2>/dev/null | sed 's/:[0-9]* [a-z]*$//' |
    sort >"$d/after.f"
same "findings left after the fix" "$EXP/after" "$d/after.f"
vf "$d/diff2" "$d/diff2.err" --root "$d/patched" fix --all --dry-run
if [ "$rc" -ne 0 ] || [ -s "$d/diff2" ]; then
	fail "a second --dry-run on the fixed demo exited $rc with:"
	sed 's/^/    /' "$d/diff2" "$d/diff2.err" >&2
fi

# Apache's own check, on the demo as shipped and after the fix.  The TLS
# vhost names Debian's snakeoil pair (package ssl-cert); where it has not
# been generated, a throwaway pair made with openssl stands in for it in
# the copies.
apache_test()
{
	local tree=$1 what=$2 out=$d/apache-$2.out
	mkdir -p "$d/run-$what"
	(
		APACHE_CONFDIR=$tree/etc/apache2
		export APACHE_CONFDIR
		. "$tree/etc/apache2/envvars"
		APACHE_RUN_DIR=$d/run-$what
		APACHE_PID_FILE=$d/run-$what/apache2.pid
		APACHE_LOCK_DIR=$d/run-$what
		APACHE_LOG_DIR=$d/run-$what
		export APACHE_RUN_DIR APACHE_PID_FILE APACHE_LOCK_DIR \
		    APACHE_LOG_DIR
		exec "$apache" -t -d "$tree/etc/apache2" \
		    -f "$tree/etc/apache2/apache2.conf"
	) >"$out" 2>&1
	if ! grep -q 'Syntax OK' "$out"; then
		fail "apache2 -t rejects the demo ($what):"
		sed 's/^/    /' "$out" >&2
	fi
}
apache=$(command -v apache2 || ls /usr/sbin/apache2 2>/dev/null)
if [ -z "$apache" ]; then
	echo "SKIP (part): apache2 is not installed: the demo is not" \
	    "checked with apache2 -t" >&2
else
	cert=/etc/ssl/certs/ssl-cert-snakeoil.pem
	key=/etc/ssl/private/ssl-cert-snakeoil.key
	mkdir -p "$d/shipped"
	cp -a "$DEMO/." "$d/shipped/"
	chmod -R u+w "$d/shipped"
	if [ ! -r "$cert" ] || [ ! -r "$key" ]; then
		if ! openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
		    -subj /CN=secure.example.com -keyout "$d/key.pem" \
		    -out "$d/cert.pem" >"$d/openssl.out" 2>&1; then
			fail "openssl could not make a throwaway certificate:"
			sed 's/^/    /' "$d/openssl.out" >&2
		fi
		for t in "$d/shipped" "$d/patched"; do
			grep -rl snakeoil "$t/etc/apache2" | xargs -r sed -i \
			    -e "s#$cert#$d/cert.pem#" -e "s#$key#$d/key.pem#"
		done
	fi
	apache_test "$d/shipped" shipped
	apache_test "$d/patched" fixed
fi

if [ "$case_failed" -ne 0 ]; then
	echo "FAILED: demo"
	exit 1
fi
echo "ok: demo"
exit 0
