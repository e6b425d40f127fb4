#!/bin/sh
# valgrind.sh: the command line under valgrind memcheck.
#
# list, check (text and JSON), fix --dry-run with both Host choices, and
# the error paths (unknown vhost, no main config, bad usage) run on a tree
# that holds the classic broken vhost, a file Augeas rejects, an Include
# loop, CRLF, bytes that are not UTF-8 and a ServerName with escapes.
# Each must show no invalid read or write, no use of uninitialised memory
# and nothing definitely lost (tests/valgrind.supp: Augeas's own leak on a
# parse error), and exit as it does without valgrind.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

: "${top_srcdir:?top_srcdir is not set (run through make check)}"
: "${VHOSTFIX:?VHOSTFIX is not set (run through make check)}"
export NO_COLOR=1 LC_ALL=C.UTF-8

if ! command -v valgrind >/dev/null 2>&1; then
	echo "SKIP: valgrind is not installed (Debian: apt-get install" \
	    "valgrind)" >&2
	exit 77
fi
if grep -q __asan_init "$VHOSTFIX" 2>/dev/null; then
	echo "SKIP: $VHOSTFIX is built with AddressSanitizer, which" \
	    "valgrind cannot run; the plain build runs this test" >&2
	exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-vg.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP
root=$work/root
mkdir -p "$root/etc/apache2/sites-enabled" "$root/etc/apache2/mods-enabled"
cat >"$root/etc/apache2/apache2.conf" <<'CONF'
User ${APACHE_RUN_USER}
IncludeOptional mods-enabled/*.load
IncludeOptional sites-enabled/*.conf
CONF
printf 'export APACHE_RUN_USER=www-data\n' >"$root/etc/apache2/envvars"
cat >"$root/etc/apache2/mods-enabled/proxy.load" <<'CONF'
LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so
LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so
CONF
s=$root/etc/apache2/sites-enabled
printf '<VirtualHost *:443>\r\n    ServerName app.example.com\r\n    SSLEngine on\r\n    ProxyPass / unix:/run/app.sock|http://127.0.0.1/\r\n    ProxyPassReverse / unix:/run/app.sock|http://127.0.0.1/\r\n    ProxyPass /static !\r\n</VirtualHost>\r\n' \
    >"$s/app.conf"
printf '<VirtualHost *:80>\n    ServerName "caf\xe9 \033[2J"\n    ServerAlias b.example.com\n    ProxyPreserveHost On\n    ProxyPass /a/ http://127.0.0.1:8000/a/\n    ProxyPass /a/b http://127.0.0.1:8000/b\n    <Location /x/>\n        ProxyPass http://127.0.0.1:9000/x/\n        ProxyPassReverse http://wrong/\n    </Location>\n</VirtualHost>\n' \
    >"$s/b.conf"
printf '<Directory />\n\tOptions x\nServerName y\n</VirtualHost>\n' >"$s/broken.conf"
printf 'Include sites-enabled/loop.conf\n' >"$s/loop.conf"

npass=0
nfail=0
# vg EXPECTED-STATUS ARGS...
vg()
{
	local want=$1 rc log=$work/vg.log
	shift
	valgrind -q --error-exitcode=99 --leak-check=full --num-callers=50 \
	    --show-leak-kinds=definite --errors-for-leak-kinds=definite \
	    --track-origins=yes \
	    --suppressions="$top_srcdir/tests/valgrind.supp" \
	    --log-file="$log" "$VHOSTFIX" "$@" >/dev/null 2>"$work/err" \
	    </dev/null
	rc=$?
	if [ "$rc" -eq "$want" ] && [ ! -s "$log" ]; then
		npass=$((npass + 1))
		echo "ok: $*"
	else
		nfail=$((nfail + 1))
		echo "FAIL: $* (exit $rc, expected $want)" >&2
		head -n 40 "$log" >&2
	fi
}

vg 0 --root "$root" list
vg 1 --root "$root" check
vg 1 --root "$root" check --format json
vg 1 --root "$root" check app.example.com
vg 1 --root "$root" fix --all --dry-run
vg 1 --root "$root" fix --all --dry-run --preserve-host on \
    --server-tokens prod
vg 1 --root "$root" fix app.example.com --dry-run --preserve-host off
vg 2 --root "$root" check no.such.vhost
vg 2 --root "$work/nothing" check
vg 2 --root "$root" --format yaml check
vg 0 --help
echo "valgrind: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
