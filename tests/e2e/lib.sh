# lib.sh: end-to-end harness: a real apache2 in front of a real gunicorn.
#
# A scenario script defines scenario_vhost (prints the broken vhost; it may
# use $PORT, $SOCK, $ROOT, $TLSDIR), sets E2E_TLS=1 for a TLS vhost, then:
#
#	. "$top_srcdir/tests/e2e/lib.sh"
#	e2e_start		# gunicorn, the tree, apache2 on a free port
#	e2e_location HOST	# the Location a visitor gets for /next
#	e2e_check_json		# vhostfix check --format json, kept
#	e2e_fix			# dry-run + patch, --yes + apache2 -t,
#				# same trees, --reload (graceful)
#	e2e_location HOST	# and again, with the fixed config
#	e2e_expect_preview BACKEND BEFORE AFTER
#	e2e_finish		# exit 1 if any check failed
#
# Everything lives in one mktemp directory; one trap stops apache2 and
# gunicorn and removes it on any exit.  Ports are picked free at run time.
# Each tree is laid out like Debian's (ROOT/etc/apache2/apache2.conf, sites
# in sites-available linked from sites-enabled) so vhostfix reads it with
# --root ROOT, while apache2 runs it with -d ROOT/etc/apache2.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${VHOSTFIX:=$top_builddir/src/vhostfix}"

MODDIR=/usr/lib/apache2/modules
CONFIG=/etc/apache2/apache2.conf
E2E_TLS=${E2E_TLS:-0}
# Extra modules a scenario loads (mod_NAME.so in MODDIR), and the pids of
# helper processes it starts with e2e_bg (stopped on exit).
E2E_MODULES=${E2E_MODULES:-}
E2E_PIDS=
E2E_FAILED=0
T=
APACHE_PID=
GUNICORN_PID=
GUNICORN2_PID=
E2E_PIDS=

e2e_skip()
{
	echo "SKIP: $*" >&2
	exit 77
}

e2e_log()
{
	echo "$*"
}

e2e_fail()
{
	echo "FAIL: $*"
	E2E_FAILED=$((E2E_FAILED + 1))
}

e2e_ok()
{
	echo "ok: $*"
}

e2e_expect_eq()
{
	# what got want
	if [ "$2" = "$3" ]; then
		e2e_ok "$1: $2"
	else
		e2e_fail "$1: got '$2', want '$3'"
	fi
}

e2e_finish()
{
	if [ "$E2E_FAILED" -gt 0 ]; then
		echo "$E2E_FAILED check(s) failed"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}

# Stop a process we started: TERM, up to 10 s, then KILL.
e2e_stop_pid()
{
	[ -n "$1" ] || return 0
	kill -0 "$1" 2>/dev/null || return 0
	kill -TERM "$1" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

e2e_cleanup()
{
	rc=$?
	trap - EXIT INT TERM HUP
	if [ -n "$T" ] && [ -f "$T/run/apache2.pid" ]; then
		pid=$(cat "$T/run/apache2.pid" 2>/dev/null)
		[ "$pid" = "$APACHE_PID" ] || e2e_stop_pid "$pid"
	fi
	e2e_stop_pid "$APACHE_PID"
	for pid in $E2E_PIDS; do
		e2e_stop_pid "$pid"
	done
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -n "$T" ]; then
		for f in "$T"/run/error.log "$T"/run/gunicorn.log \
		    "$T"/run/gunicorn2.log \
		    "$T"/run/apache2.out; do
			[ -s "$f" ] || continue
			echo "--- ${f##*/} (last lines)"
			tail -n 20 "$f"
		done
	fi
	[ -n "$T" ] && rm -rf "$T"
	exit "$rc"
}

# e2e_bg COMMAND...: a helper process in the background, stopped on exit.
e2e_bg()
{
	"$@" </dev/null >>"$T/run/helpers.log" 2>&1 &
	E2E_PIDS="$E2E_PIDS $!"
}

e2e_find_tools()
{
	APACHE2=$(command -v apache2 || true)
	[ -n "$APACHE2" ] || [ ! -x /usr/sbin/apache2 ] ||
	    APACHE2=/usr/sbin/apache2
	[ -n "$APACHE2" ] || e2e_skip "apache2 is not installed"
	GUNICORN=$(command -v gunicorn || command -v gunicorn3 || true)
	[ -n "$GUNICORN" ] || e2e_skip "gunicorn is not installed"
	for m in mpm_event authz_core proxy proxy_http headers ssl \
	    socache_shmcb ${E2E_MODULES:-}; do
		[ -f "$MODDIR/mod_$m.so" ] ||
		    e2e_skip "$MODDIR/mod_$m.so is missing"
	done
	for t in curl openssl patch python3 diff; do
		command -v "$t" >/dev/null || e2e_skip "$t is not installed"
	done
	[ -x "$VHOSTFIX" ] || { echo "no vhostfix at $VHOSTFIX" >&2; exit 1; }
}

# A port nobody listens on now.  Another process may take it before
# apache2 binds it: e2e_start picks a new one when that happens.
e2e_free_port()
{
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Poll a shell condition for up to 10 s.
e2e_wait()
{
	i=0
	while ! eval "$1"; do
		i=$((i + 1))
		[ $i -lt 100 ] || return 1
		sleep 0.1
	done
	return 0
}

e2e_start_gunicorn()
{
	# Gunicorn trusts X-Forwarded-Proto from any non-TCP peer (its
	# --forwarded-allow-ips list only applies to IP peers), so the Unix
	# socket needs no option for it.  The socket is created 0777 (its
	# default umask is 0).  No .pyc next to app.py in the source tree.
	# E2E_TCP=1: also on 127.0.0.1:$TCP_PORT (gunicorn trusts
	# X-Forwarded-Proto from 127.0.0.1 by default).
	tcp=
	if [ "${E2E_TCP:-0}" = 1 ]; then
		TCP_PORT=$(e2e_free_port)
		tcp="--bind 127.0.0.1:$TCP_PORT"
	fi
	e2e_gunicorn a "$SOCK" gunicorn $tcp
	GUNICORN_PID=$E2E_PID
	# E2E_SOCK2=1: a second backend, "b", on $SOCK2 (the first one
	# answers /whoami/ as "a").
	[ "${E2E_SOCK2:-0}" = 1 ] || return 0
	e2e_gunicorn b "$SOCK2" gunicorn2
	GUNICORN2_PID=$E2E_PID
}

# e2e_gunicorn NAME SOCKET LOG [ARGS]: app.py on SOCKET, answering /whoami/
# as NAME, logging to $T/run/LOG.log; its pid in E2E_PID.
e2e_gunicorn()
{
	name=$1 sock=$2 log=$T/run/$3.log
	shift 3
	(cd "$T/run" && export PYTHONDONTWRITEBYTECODE=1 E2E_APP_NAME=$name &&
	    exec "$GUNICORN" --bind "unix:$sock" "$@" \
	    --chdir "$top_srcdir/tests/e2e" --workers 1 \
	    --log-file "$log" app:app) </dev/null >>"$log" 2>&1 &
	E2E_PID=$!
	E2E_PIDS="$E2E_PIDS $E2E_PID"
	e2e_wait "curl -s --max-time 2 --unix-socket '$sock' \
	    -o /dev/null http://backend/seen" ||
	    { e2e_fail "gunicorn did not answer on $sock"; exit 1; }
	e2e_log "gunicorn $E2E_PID on $sock"
}

e2e_make_cert()
{
	TLSDIR=$T/tls
	mkdir -p "$TLSDIR"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -days 2 -subj /CN=app.example.test \
	    -addext "subjectAltName=DNS:app.example.test,DNS:www.example.test" \
	    -addext "basicConstraints=critical,CA:FALSE" \
	    -keyout "$TLSDIR/key.pem" -out "$TLSDIR/cert.pem" \
	    >"$TLSDIR/openssl.log" 2>&1 ||
	    { cat "$TLSDIR/openssl.log"; e2e_fail "openssl req"; exit 1; }
}

# The main server's lines of a test's apache2.conf, listening on
# 127.0.0.1:$PORT: e2e_main_conf SUFFIX MODULE... (SUFFIX tells apart the
# pid, log and cache files of several trees in one $T/run).
e2e_main_conf()
{
	sfx=$1
	shift
	echo "DefaultRuntimeDir $T/run"
	echo "PidFile $T/run/apache2$sfx.pid"
	echo "Mutex file:$T/run default"
	echo "ErrorLog $T/run/error$sfx.log"
	echo "LogLevel notice"
	echo "ServerName localhost"
	if [ "$(id -u)" -eq 0 ]; then
		echo "User www-data"
		echo "Group www-data"
	fi
	echo "Listen 127.0.0.1:$PORT"
	for m in "$@"; do
		echo "LoadModule ${m}_module $MODDIR/mod_$m.so"
	done
	echo "StartServers 1"
	echo "ThreadsPerChild 8"
	echo "MinSpareThreads 8"
	echo "MaxSpareThreads 16"
	echo "MaxRequestWorkers 16"
	echo "SSLSessionCache shmcb:$T/run/ssl_scache$sfx(512000)"
}

# ROOT/etc/apache2 for $PORT: the main config, and the scenario's vhost in
# sites-available/app.conf, enabled by a symlink as a2ensite does.
e2e_write_tree()
{
	rm -rf "$ROOT"
	mkdir -p "$ROOT/etc/apache2/sites-available" \
	    "$ROOT/etc/apache2/sites-enabled" "$ROOT/var/www/app/static"
	echo "static from apache" >"$ROOT/var/www/app/static/hello.txt"
	{
		echo "# apache2.conf for a vhostfix end-to-end test"
		e2e_main_conf "" mpm_event authz_core proxy proxy_http \
		    headers socache_shmcb ssl ${E2E_MODULES:-}
		echo "<Directory />"
		echo "	AllowOverride None"
		echo "	Require all denied"
		echo "</Directory>"
		echo "IncludeOptional sites-enabled/*.conf"
	} >"$ROOT/etc/apache2/apache2.conf"
	scenario_vhost >"$ROOT/etc/apache2/sites-available/app.conf"
	ln -s ../sites-available/app.conf \
	    "$ROOT/etc/apache2/sites-enabled/app.conf"
	# Apache's children run as www-data when we are root: they read the
	# document root and connect to the socket through these directories.
	chmod -R a+rX "$ROOT"
}

e2e_apache_args()
{
	echo "-d $1/etc/apache2 -f $1/etc/apache2/apache2.conf"
}

e2e_start_apache()
{
	tries=0
	while :; do
		PORT=$(e2e_free_port)
		e2e_write_tree
		: >"$T/run/error.log"
		"$APACHE2" $(e2e_apache_args "$ROOT") -DFOREGROUND \
		    </dev/null >>"$T/run/apache2.out" 2>&1 &
		APACHE_PID=$!
		if e2e_wait "e2e_serving || ! kill -0 $APACHE_PID 2>/dev/null" &&
		    e2e_serving; then
			break
		fi
		e2e_stop_pid "$APACHE_PID"
		APACHE_PID=
		tries=$((tries + 1))
		if [ $tries -ge 5 ] ||
		    ! grep -q "Address already in use" "$T/run/error.log" \
		    "$T/run/apache2.out"; then
			cat "$T/run/apache2.out" "$T/run/error.log"
			e2e_fail "apache2 did not start"
			exit 1
		fi
		e2e_log "port $PORT was taken, trying another"
	done
	e2e_log "apache2 $APACHE_PID on 127.0.0.1:$PORT (tls=$E2E_TLS)"
}

e2e_scheme()
{
	if [ "$E2E_TLS" = 1 ]; then echo https; else echo http; fi
}

# curl as a visitor's browser at http(s)://HOST:$PORT/PATH: the name
# resolves to our Apache on 127.0.0.1, SNI names it, and the Host header is
# "HOST:$PORT", as a browser sends it for a vhost on a non-default port.
# Prints the response headers.
e2e_get()
{
	curl -s -k --noproxy '*' --max-time 10 -o /dev/null -D - \
	    --resolve "$1:$PORT:127.0.0.1" "$(e2e_scheme)://$1:$PORT$2" |
	    tr -d '\r'
}

e2e_body()
{
	curl -s -k --noproxy '*' --max-time 10 \
	    --resolve "$1:$PORT:127.0.0.1" "$(e2e_scheme)://$1:$PORT$2"
}

e2e_serving()
{
	[ -n "$(e2e_get localhost /seen 2>/dev/null | head -n 1)" ]
}

# A header's value (first one, name case-insensitive).
e2e_header()
{
	e2e_get "$1" "$2" | sed -n "s/^$3: *//Ip" | head -n 1
}

# e2e_location HOST [PATH]: the Location a visitor gets (PATH: /next).
e2e_location()
{
	e2e_header "$1" "${2:-/next}" Location
}

# The redirect preview vhostfix gives for the broken config.
e2e_check_json()
{
	"$VHOSTFIX" --root "$ROOT" --config "$CONFIG" check --format json \
	    >"$T/check.json" 2>"$T/check.err"
	rc=$?
	cat "$T/check.err"
	if [ $rc -ne 1 ]; then
		e2e_fail "check --format json exited $rc, want 1 (findings)"
	fi
	python3 -m json.tool "$T/check.json" >/dev/null 2>&1 ||
	    e2e_fail "check --format json is not valid JSON"
	python3 - "$T/check.json" <<'EOF' || true
import json, sys
try:
    doc = json.load(open(sys.argv[1]))
except Exception:
    sys.exit(0)
for v in doc.get("vhosts", []):
    for f in v.get("findings", []):
        print("finding: %s %s:%s %s" % (f.get("rule"), f.get("file"),
              f.get("line"), f.get("message")))
EOF
}

# e2e_expect_rule RULE: the broken config has that finding.
e2e_expect_rule()
{
	if python3 - "$T/check.json" "$1" <<'EOF'
import json, sys
try:
    doc = json.load(open(sys.argv[1]))
except Exception:
    sys.exit(1)
rules = [f.get("rule") for v in doc.get("vhosts", [])
         for f in v.get("findings", [])]
sys.exit(0 if sys.argv[2] in rules else 1)
EOF
	then
		e2e_ok "check reports $1"
	else
		e2e_fail "check does not report $1"
	fi
}

# e2e_expect_preview BACKEND BEFORE AFTER: the preview of the first
# reverse-* finding equals what Apache sent before and after the fix.
e2e_expect_preview()
{
	python3 - "$T/check.json" >"$T/preview" 2>&1 <<'EOF'
import json, sys
try:
    doc = json.load(open(sys.argv[1]))
except Exception:
    print("check --format json gave no JSON")
    sys.exit(1)
for v in doc.get("vhosts", []):
    for f in v.get("findings", []):
        if f.get("rule", "").startswith("reverse-") and "preview" in f:
            p = f["preview"]
            for k in ("backend_location", "visitor_location_before",
                      "visitor_location_after"):
                print(p.get(k, ""))
            sys.exit(0)
print("no reverse-* finding with a preview")
sys.exit(1)
EOF
	if [ $? -ne 0 ]; then
		e2e_fail "preview: $(cat "$T/preview")"
		return
	fi
	e2e_expect_eq "preview backend_location" \
	    "$(sed -n 1p "$T/preview")" "$1"
	e2e_expect_eq "preview visitor_location_before" \
	    "$(sed -n 2p "$T/preview")" "$2"
	e2e_expect_eq "preview visitor_location_after" \
	    "$(sed -n 3p "$T/preview")" "$3"
}

# What the backend itself sent for /next (the app copies its Location into
# X-Backend-Location, which Apache passes through untouched).
e2e_backend_location()
{
	e2e_header "$1" "${2:-/next}" X-Backend-Location
}

# e2e_expect_broken HOST BACKEND VISITOR [PATH]: before the fix, a request
# for PATH (/next) makes the backend redirect to BACKEND and sends the
# visitor to VISITOR.  Sets $backend and $before (for e2e_expect_preview).
e2e_expect_broken()
{
	backend=$(e2e_backend_location "$1" "$4")
	before=$(e2e_location "$1" "$4")
	e2e_expect_eq "backend Location" "$backend" "$2"
	e2e_expect_eq "visitor Location, broken" "$before" "$3"
}

# e2e_expect_fixed HOST VISITOR [PATH]: after the fix the visitor is sent
# to VISITOR, and check's preview had predicted both redirects.  Sets
# $after.
e2e_expect_fixed()
{
	after=$(e2e_location "$1" "$3")
	e2e_expect_eq "visitor Location, fixed" "$after" "$2"
	e2e_expect_preview "$backend" "$before" "$after"
}

# e2e_expect_live RULE FILE LINE [CODE ERRNO BACKEND COUNT [MESSAGE]]:
# check's JSON ($T/check.json) has that finding, with that evidence from
# the error log (tests/e2e/live.py says what "-" skips).
e2e_expect_live()
{
	if python3 "$top_srcdir/tests/e2e/live.py" "$T/check.json" "$@" \
	    >"$T/py.out" 2>&1; then
		e2e_ok "$1 at line $3 with its log lines: $(cat "$T/py.out")"
	else
		e2e_fail "$1 at line $3: $(cat "$T/py.out")"
	fi
}

# The classic broken pair, for scenario_vhost: ProxyPassReverse carries the
# socket prefix, so Apache never maps the backend's redirects.
e2e_vhost_socket_prefix()
{
	cat <<CONF
<VirtualHost *:$PORT>
	ServerName app.example.test
	ProxyPass / unix:$SOCK|http://127.0.0.1/
	ProxyPassReverse / unix:$SOCK|http://127.0.0.1/
</VirtualHost>
CONF
}

e2e_generations()
{
	grep -c "resuming normal operations" "$T/run/error.log" 2>/dev/null ||
	    true
}

# e2e_restarted N: wait until Apache has started a generation after the
# N it had (a graceful restart: vhostfix --reload runs apache2 -k graceful,
# which sends SIGUSR1 to the pid in our PidFile) and serves again.
e2e_restarted()
{
	if e2e_wait "[ \$(e2e_generations) -gt $1 ]" && e2e_wait e2e_serving
	then
		e2e_ok "apache2 restarted gracefully"
	else
		e2e_fail "apache2 was not restarted, or did not come back"
		tail -n 20 "$T/run/error.log"
		exit 1
	fi
}

# The fix, both ways: the dry-run diff applied with patch to a copy of the
# broken tree, and fix --yes on the live tree with the real apache2 as
# pre-flight, configtest and graceful reload.  Both must give the same
# files; apache2 accepts them; a second dry-run has nothing left to do;
# Apache comes back with the new configuration.
e2e_fix()
{
	COPY=$T/copy
	rm -rf "$COPY"
	cp -a "$ROOT" "$COPY"

	"$VHOSTFIX" --root "$ROOT" --config "$CONFIG" fix --all --dry-run \
	    >"$T/fix.diff" 2>"$T/fix.err"
	rc=$?
	e2e_log "--- fix --all --dry-run (exit $rc)"
	cat "$T/fix.diff" "$T/fix.err"
	e2e_expect_eq "fix --dry-run exit code" "$rc" 1
	if [ -s "$T/fix.diff" ] &&
	    patch -p1 -s -d "$COPY" <"$T/fix.diff" >"$T/patch.out" 2>&1; then
		e2e_ok "the dry-run diff applies with patch -p1"
	else
		cat "$T/patch.out" 2>/dev/null
		e2e_fail "the dry-run diff does not apply with patch -p1"
	fi

	# --apache-bin: the staged pre-flight runs the real apache2 -t on a
	# copy first; --configtest: the real apache2 -t on the written tree;
	# --reload: the real apache2 -k graceful (SIGUSR1 to our pid file).
	n=$(e2e_generations)
	"$VHOSTFIX" --root "$ROOT" --config "$CONFIG" fix --all --yes \
	    --apache-bin "$APACHE2" \
	    --configtest "$APACHE2 -t $(e2e_apache_args "$ROOT")" \
	    --reload --reload-cmd "$APACHE2 -k graceful $(e2e_apache_args "$ROOT")" \
	    >"$T/yes.out" 2>&1
	rc=$?
	e2e_log "--- fix --all --yes (exit $rc)"
	cat "$T/yes.out"
	e2e_expect_eq "fix --yes exit code" "$rc" 0

	if diff -r "$COPY/etc" "$ROOT/etc" >"$T/trees.diff" 2>&1; then
		e2e_ok "dry-run + patch and --yes give identical trees"
	else
		cat "$T/trees.diff"
		e2e_fail "dry-run + patch and --yes give different trees"
	fi

	if "$APACHE2" -t $(e2e_apache_args "$ROOT") >"$T/t.out" 2>&1; then
		e2e_ok "apache2 -t accepts the fixed tree"
	else
		cat "$T/t.out"
		e2e_fail "apache2 -t rejects the fixed tree"
	fi

	"$VHOSTFIX" --root "$ROOT" --config "$CONFIG" fix --all --dry-run \
	    >"$T/again.diff" 2>"$T/again.err"
	rc=$?
	if [ $rc -eq 0 ] && [ ! -s "$T/again.diff" ]; then
		e2e_ok "a second dry-run has nothing to change"
	else
		cat "$T/again.diff" "$T/again.err"
		e2e_fail "a second dry-run exits $rc and prints the above"
	fi

	e2e_log "--- the fixed vhost"
	cat "$ROOT/etc/apache2/sites-available/app.conf"
	e2e_restarted "$n"
}

# e2e_expect_server HOST PATH visible|hidden: before the fix gunicorn's
# Server header reaches the visitor; after it (Header unset Server) Apache
# sends its own.
e2e_expect_server()
{
	got=$(e2e_header "$1" "$2" Server)
	case "$3:$got" in
	visible:gunicorn*|hidden:Apache*)
		e2e_ok "Server header for $2: $got" ;;
	*)
		e2e_fail "Server header for $2: '$got', want gunicorn's" \
		    "header $3" ;;
	esac
}

# e2e_expect_body HOST PATH WANT
e2e_expect_body()
{
	e2e_expect_eq "body of $2" "$(e2e_body "$1" "$2")" "$3"
}

e2e_start()
{
	e2e_find_tools
	T=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-e2e.XXXXXX") || exit 1
	trap e2e_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	# www-data (Apache's children when we are root) must cross it.
	chmod 0711 "$T"
	mkdir -p "$T/run"
	chmod 0711 "$T/run"
	ROOT=$T/root
	SOCK=$T/run/app.sock
	SOCK2=$T/run/b.sock
	[ "$E2E_TLS" = 1 ] && e2e_make_cert
	e2e_start_gunicorn
	e2e_start_apache
}
