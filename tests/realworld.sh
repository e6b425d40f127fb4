#!/bin/sh
# realworld.sh: vhostfix against Apache configurations published by real
# projects (tests/realworld/NN-name/, see tests/realworld/README.md).
#
# For each directory: a Debian tree is built in a temp directory (Debian's
# apache2.conf, ports.conf and envvars from the demo, Debian's default
# modules plus those named in MODULES, the site enabled with a symlink, the
# certificates it names generated with openssl, its sockets created), the
# real apache2 -t must accept it (or, for a case with APACHE_T_FAILS,
# refuse it with that message), then the (vhost, rule) pairs of
# vhostfix check --format json are compared with EXPECT.  Prints, per
# directory, expected and actual, then
#	realworld: N vhosts, X false alarms, Y misses
# and exits 1 on any difference.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${VHOSTFIX:=$top_builddir/src/vhostfix}"
export NO_COLOR=1 LC_ALL=C

RW=$top_srcdir/tests/realworld
DEMO=$top_srcdir/data/demo/etc/apache2
MODDIR=/usr/lib/apache2/modules
# Debian's default modules (apache2 package, a2enmod state after install).
BASE_MODULES="access_compat alias auth_basic authn_core authn_file
authz_core authz_host authz_user autoindex deflate dir env filter mime
mpm_event negotiation reqtimeout setenvif status"

APACHE2=$(command -v apache2 || true)
[ -n "$APACHE2" ] || [ ! -x /usr/sbin/apache2 ] || APACHE2=/usr/sbin/apache2
if [ -z "$APACHE2" ]; then
	echo "SKIP: apache2 is not installed" >&2
	exit 77
fi
for t in openssl python3; do
	command -v "$t" >/dev/null || { echo "SKIP: no $t" >&2; exit 77; }
done
[ -x "$VHOSTFIX" ] || { echo "no vhostfix at $VHOSTFIX" >&2; exit 99; }

T=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-rw.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP

# One certificate, key and DH group for every path a config names: the
# paths stay as published, the files are generated (in each tree).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -nodes -days 2 -subj /CN=example.com \
    -keyout "$T/key.pem" -out "$T/cert.pem" >"$T/openssl.log" 2>&1 &&
openssl genpkey -genparam -algorithm DH -pkeyopt dh_param:ffdhe2048 \
    -out "$T/dh.pem" >>"$T/openssl.log" 2>&1 ||
    { cat "$T/openssl.log"; echo "FAIL: openssl"; exit 1; }

# Pieces of sed patterns: blanks, an optional quote, a variable's name,
# the directives whose absolute path apache2 -t opens or checks.
WS='[ \t]\{1,\}'
Q='"\{0,1\}'
VAR='[A-Za-z_][A-Za-z0-9_]*'
PATHDIRS='SSL[A-Za-z]*File\|Include\|IncludeOptional\|ErrorLog\|CustomLog'

# The absolute paths a directive of the site names (first argument, or the
# second for SSLOpenSSLConfCmd DHParameters), quotes removed.
site_paths()
{
	sed -n -e 's/\r$//' \
	    -e "s/^[ \t]*$1[ \t]\{1,\}\"\{0,1\}\(\/[^\" \t]*\).*/\1/Ip" "$2"
}

enable_module()
{
	local etc=$1 m=$2
	[ -f "$MODDIR/mod_$m.so" ] || { echo "no module $m"; return 1; }
	if [ -f "$DEMO/mods-available/$m.load" ]; then
		cp "$DEMO/mods-available/$m.load" "$etc/mods-available/"
	else
		echo "LoadModule ${m}_module $MODDIR/mod_$m.so" \
		    >"$etc/mods-available/$m.load"
	fi
	ln -sf "../mods-available/$m.load" "$etc/mods-enabled/$m.load"
	if [ -f "$DEMO/mods-available/$m.conf" ]; then
		cp "$DEMO/mods-available/$m.conf" "$etc/mods-available/"
		ln -sf "../mods-available/$m.conf" \
		    "$etc/mods-enabled/$m.conf"
	fi
}

# build_tree DIR ROOT: the Debian tree of one case under ROOT.
build_tree()
{
	local d=$1 root=$2 etc=$2/etc/apache2 name site p m
	name=${d##*/}
	mkdir -p "$etc/mods-available" "$etc/mods-enabled" \
	    "$etc/sites-available" "$etc/sites-enabled" \
	    "$etc/conf-available" "$etc/conf-enabled" "$root/var/www/html"
	cp "$DEMO/apache2.conf" "$DEMO/ports.conf" "$DEMO/envvars" "$etc/"
	for m in $BASE_MODULES $(cat "$d/MODULES" 2>/dev/null); do
		enable_module "$etc" "$m" || return 1
	done
	[ -d "$d/root" ] && cp -R "$d/root/." "$root/"
	# site.conf is enabled as NAME.conf, any other X.conf as NAME-X.conf
	# (certbot's pair: NAME.conf and NAME-le-ssl.conf).
	for f in "$d"/*.conf; do
		b=${f##*/}
		[ "$b" = site.conf ] && b=$name.conf || b=$name-$b
		cp "$f" "$etc/sites-available/$b"
		ln -s "../sites-available/$b" "$etc/sites-enabled/$b"
		grep -q /etc/letsencrypt/options-ssl-apache.conf "$f" &&
		    mkdir -p "$root/etc/letsencrypt" &&
		    cp "$RW/certbot/options-ssl-apache.conf" \
		    "$root/etc/letsencrypt/"
	done
	# The files the site names, its Defines' ${VAR}s substituted.
	site=${root%/*}/site-all.conf
	cat "$d"/*.conf >"$site"
	sed -n "s/^[ \t]*Define$WS\($VAR\)$WS\([^ \t]*\).*/\1 \2/p" \
	    "$site" | while read -r var val; do
		sed -i "s#\${$var}#$val#g" "$site"
	done
	for p in $(site_paths 'SSLCertificateFile' "$site") \
	    $(site_paths 'SSLCertificateChainFile' "$site") \
	    $(site_paths 'SSLCACertificateFile' "$site"); do
		mkdir -p "$root${p%/*}" && cp "$T/cert.pem" "$root$p"
	done
	for p in $(site_paths 'SSLCertificateKeyFile' "$site"); do
		mkdir -p "$root${p%/*}" && cp "$T/key.pem" "$root$p"
	done
	for p in $(site_paths 'SSLOpenSSLConfCmd[ \t]\{1,\}DHParameters' \
	    "$site"); do
		mkdir -p "$root${p%/*}" && cp "$T/dh.pem" "$root$p"
	done
	# apache2 -t wants the directory of each log file (AH02291, AH02297).
	for p in $(site_paths 'ErrorLog' "$site") \
	    $(site_paths 'CustomLog' "$site"); do
		mkdir -p "$root${p%/*}"
	done
	for p in $(site_paths 'DocumentRoot' "$site") \
	    $(site_paths 'Alias[ \t]\{1,\}[^ \t]\{1,\}' "$site"); do
		mkdir -p "$root$p"
	done
	# The backends' Unix sockets exist (the application runs) and
	# Apache's user may connect: git cannot hold sockets.
	for p in $(sed -n 's/.*unix:\(\/[^|" \t]*\)|.*/\1/p' "$site" |
	    sort -u); do
		mkdir -p "$root${p%/*}"
		python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])' "$root$p" || return 1
		chmod 0666 "$root$p"
	done
	chmod -R a+rX "$root"
}

# apache_view ROOT VIEW: a copy of ROOT/etc/apache2 for the real apache2,
# in which the absolute paths of certificates, Includes and log files
# point into ROOT (apache2 -t reads them, or checks their directory, at
# parse time).
apache_view()
{
	local root=$1 view=$2 f
	cp -R "$root/etc/apache2" "$view"
	for f in "$view"/sites-available/*.conf; do
		sed -i -e "s#^\([ \t]*\($PATHDIRS\)$WS$Q\)/#\1$root/#I" \
		    -e "s#^\([ \t]*SSLOpenSSLConfCmd${WS}DHParameters$WS$Q\)/#\1$root/#I" \
		    "$f"
	done
}

apache_test()
{
	local view=$1 run=$2
	mkdir -p "$run"
	(
		APACHE_CONFDIR=$view
		export APACHE_CONFDIR
		. "$view/envvars"
		APACHE_RUN_DIR=$run APACHE_PID_FILE=$run/apache2.pid
		APACHE_LOCK_DIR=$run APACHE_LOG_DIR=$run
		export APACHE_RUN_DIR APACHE_PID_FILE APACHE_LOCK_DIR \
		    APACHE_LOG_DIR
		exec "$APACHE2" -t -d "$view" -f "$view/apache2.conf"
	)
}

# realworld.sh --tree CASE DIR: only build CASE's tree in DIR/root and
# Apache's view of it in DIR/view (for tests/realworld/measure.py).
if [ "${1:-}" = --tree ]; then
	[ $# -eq 3 ] || { echo "usage: $0 --tree CASE DIR" >&2; exit 2; }
	d=$(cd "$2" && pwd) && mkdir -p "$3" || exit 2
	build_tree "$d" "$3/root" || exit 1
	apache_view "$3/root" "$3/view"
	exit 0
fi

status=0
: >"$T/totals"
for d in "$RW"/[0-9]*/; do
	d=${d%/}
	name=${d##*/}
	w=$T/$name
	mkdir -p "$w"
	echo "== $name"
	if ! build_tree "$d" "$w/root" >"$w/build.log" 2>&1; then
		sed 's/^/   /' "$w/build.log"
		echo "FAIL: $name: the tree could not be built"
		status=1
		continue
	fi
	apache_view "$w/root" "$w/view"
	if [ -f "$d/APACHE_T_FAILS" ]; then
		# A published configuration Apache itself refuses, kept
		# as published: apache2 -t must fail, with this message.
		want=$(cat "$d/APACHE_T_FAILS")
		if apache_test "$w/view" "$w/run" >"$w/t.out" 2>&1 ||
		    ! grep -qF "$want" "$w/t.out"; then
			sed 's/^/   /' "$w/t.out"
			echo "FAIL: $name: apache2 -t does not say: $want"
			status=1
			continue
		fi
		echo "   apache2 -t refuses it, as expected: $want"
	elif ! apache_test "$w/view" "$w/run" >"$w/t.out" 2>&1 ||
	    ! grep -q 'Syntax OK' "$w/t.out"; then
		sed 's/^/   /' "$w/t.out"
		echo "FAIL: $name: apache2 -t rejects the tree"
		status=1
		continue
	fi
	timeout 120 "$VHOSTFIX" --root "$w/root" \
	    --config /etc/apache2/apache2.conf check --format json \
	    >"$w/check.json" 2>"$w/check.err"
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
		sed 's/^/   /' "$w/check.err"
		echo "FAIL: $name: vhostfix check exited $rc"
		status=1
		continue
	fi
	python3 "$RW/compare.py" "$d/EXPECT" "$w/check.json" \
	    "/etc/apache2/sites-enabled/$name" "$T/totals" || status=1
done

python3 - "$T/totals" <<'EOF' || status=1
import sys
n = fa = mi = 0
for line in open(sys.argv[1]):
    a, b, c = map(int, line.split())
    n, fa, mi = n + a, fa + b, mi + c
print("realworld: %d vhosts, %d false alarms, %d misses" % (n, fa, mi))
EOF
exit $status
