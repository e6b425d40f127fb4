#!/bin/sh
# End-to-end, one scenario a rule: what the rules listen-duplicate,
# proxypass-not-url, tls-certificate-missing, tls-port-plain,
# ssl-proxy-engine-missing, open-proxy, servername-duplicate and
# alias-shadowed claim, checked on the real apache2 with a real gunicorn
# (plain and TLS, on free loopback ports).  For each scenario vhostfix must
# report the rule (and only where it should), and Apache must do what the
# finding says: refuse the configuration, fail to start, answer 500, serve
# plain HTTP on the TLS port, proxy for anyone, or answer from the backend
# instead of the files.  Where the suggestion is a line to add, the line is
# added and Apache must then behave.  Also: a port-80 vhost that only
# redirects gets no server-header-exposed (Apache answers itself), a TLS
# vhost sending X-Forwarded-Ssl: on no forwarded-proto-missing (gunicorn
# reports https), and fix says what it leaves to a human.

. "$top_srcdir/tests/e2e/lib.sh"

e2e_find_tools
for m in rewrite alias; do
	[ -f "$MODDIR/mod_$m.so" ] || e2e_skip "$MODDIR/mod_$m.so is missing"
done
T=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-e2e.XXXXXX") || exit 1
GUNICORN_PID=
GUNICORN_TLS_PID=
trap 'r=$?; e2e_stop_pid "$GUNICORN_PID"; e2e_stop_pid "$GUNICORN_TLS_PID"; (exit $r); e2e_cleanup' EXIT
trap 'exit 1' INT TERM HUP
chmod 0711 "$T"
mkdir -p "$T/run" "$T/www/.well-known/acme-challenge"
chmod 0711 "$T/run"
echo "token from disk" >"$T/www/.well-known/acme-challenge/tok"
chmod -R a+rX "$T/www"
e2e_make_cert

# The backends: gunicorn on a free port, plain and TLS.
start_gunicorn()
{
	# start_gunicorn VAR-PID PORT [TLS-ARGS...]
	pidvar=$1 port=$2
	shift 2
	(cd "$T/run" && export PYTHONDONTWRITEBYTECODE=1 &&
	    exec "$GUNICORN" --bind "127.0.0.1:$port" "$@" \
	    --chdir "$top_srcdir/tests/e2e" --workers 1 app:app) \
	    </dev/null >>"$T/run/gunicorn.log" 2>&1 &
	eval "$pidvar=\$!"
}
BPORT=$(e2e_free_port)
start_gunicorn GUNICORN_PID "$BPORT"
SPORT=$(e2e_free_port)
start_gunicorn GUNICORN_TLS_PID "$SPORT" --certfile "$TLSDIR/cert.pem" \
    --keyfile "$TLSDIR/key.pem"
e2e_wait "curl -s -o /dev/null http://127.0.0.1:$BPORT/seen" &&
    e2e_wait "curl -s -k -o /dev/null https://127.0.0.1:$SPORT/seen" ||
    { e2e_fail "gunicorn did not start"; exit 1; }

# The tree of a scenario: Debian's layout under $T/NAME, the main config
# listening on $PORT, the site from stdin.  For vhostfix the site is as
# given; Apache gets it with ":443>" turned into ":$PORT>" (the vhost's
# port is the only change), the way tests/realworld/measure.py runs a
# published configuration.
write_tree()
{
	R=$T/$1
	rm -rf "$R"
	mkdir -p "$R/etc/apache2/sites-available" \
	    "$R/etc/apache2/sites-enabled" "$R/var/www/html"
	PORT=$(e2e_free_port)
	{
		e2e_main_conf "-$1" mpm_event authz_core authz_host alias dir \
		    proxy proxy_http headers socache_shmcb ssl rewrite
		echo "IncludeOptional sites-enabled/*.conf"
	} >"$R/etc/apache2/apache2.conf"
	sed -e "s/@PORT@/$PORT/g" -e "s/@BPORT@/$BPORT/g" \
	    -e "s/@SPORT@/$SPORT/g" -e "s#@T@#$T#g" \
	    >"$R/etc/apache2/sites-available/site.conf"
	ln -s ../sites-available/site.conf \
	    "$R/etc/apache2/sites-enabled/site.conf"
	cp -a "$R" "$R.apache"
	sed -i "s/:443>/:$PORT>/" \
	    "$R.apache/etc/apache2/sites-available/site.conf"
	chmod -R a+rX "$R" "$R.apache"
	APACHE_PID_FILE=$T/run/apache2-$1.pid
	ERRLOG=$T/run/error-$1.log
	NAME=$1
}

apache_args()
{
	echo "-d $T/$NAME.apache/etc/apache2" \
	    "-f $T/$NAME.apache/etc/apache2/apache2.conf"
}

# The rules vhostfix reports for the tree, "rule file:line" lines.
findings()
{
	"$VHOSTFIX" --root "$T/$NAME" --config "$CONFIG" check \
	    --format json >"$T/$NAME.json" 2>"$T/$NAME.err"
	python3 - "$T/$NAME.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
fs = [f for v in doc.get("vhosts", []) for f in v.get("findings", [])]
fs += doc.get("findings", []) if isinstance(doc.get("findings"), list) \
    else []
for f in fs:
    print("%s %s:%s" % (f.get("rule"), f.get("file"), f.get("line")))
EOF
}

expect_rule()
{
	# expect_rule RULE LINE: reported at sites-enabled/site.conf:LINE
	if findings | grep -qx "$1 /etc/apache2/sites-enabled/site.conf:$2"
	then
		e2e_ok "$NAME: check reports $1 at line $2"
	else
		e2e_fail "$NAME: check does not report $1 at line $2:" \
		    "$(findings | tr '\n' ';')"
	fi
}

expect_no_rule()
{
	if findings | grep -q "^$1 "; then
		e2e_fail "$NAME: check reports $1: $(findings | tr '\n' ';')"
	else
		e2e_ok "$NAME: no $1"
	fi
}

apache_t()
{
	"$APACHE2" -t $(apache_args) >"$T/$NAME.t" 2>&1
}

APACHE_PID=
apache_start()
{
	: >"$ERRLOG"
	"$APACHE2" $(apache_args) -DFOREGROUND </dev/null \
	    >"$T/$NAME.out" 2>&1 &
	APACHE_PID=$!
	e2e_wait "curl -s -k -o /dev/null http://127.0.0.1:$PORT/ ||
	    curl -s -k -o /dev/null https://127.0.0.1:$PORT/ ||
	    ! kill -0 $APACHE_PID 2>/dev/null"
	kill -0 "$APACHE_PID" 2>/dev/null
}

apache_stop()
{
	e2e_stop_pid "$APACHE_PID"
	APACHE_PID=
}

# curl as a visitor: get SCHEME HOST PATH [curl args] -> headers and body
get()
{
	s=$1 h=$2 p=$3
	shift 3
	curl -s -k --noproxy '*' --max-time 10 -D - \
	    --resolve "$h:$PORT:127.0.0.1" "$@" "$s://$h:$PORT$p" | tr -d '\r'
}

expect_grep()
{
	# expect_grep WHAT PATTERN FILE-OR-TEXT
	if printf '%s\n' "$3" | grep -q "$2"; then
		e2e_ok "$NAME: $1"
	else
		e2e_fail "$NAME: $1: no '$2' in:" \
		    "$(printf '%s' "$3" | head -c 600)"
	fi
}

# 1. listen-duplicate: a site repeating the main config's Listen line.
write_tree listen <<'EOF'
Listen 127.0.0.1:@PORT@
<VirtualHost *:@PORT@>
	ServerName app.example.test
</VirtualHost>
EOF
expect_rule listen-duplicate 1
apache_t && e2e_fail "$NAME: apache2 -t accepts it"
expect_grep "apache2 -t refuses it (AH00526)" \
    "AH00526.*\|Cannot define multiple Listeners" "$(cat "$T/$NAME.t")"
"$VHOSTFIX" --root "$T/$NAME" --config "$CONFIG" fix --all --dry-run \
    >"$T/$NAME.fix" 2>&1
expect_grep "fix names what it leaves to a human" \
    "nothing changed automatically; 1 finding above is left to you" \
    "$(cat "$T/$NAME.fix")"
expect_grep "fix prints the finding it leaves" \
    "not fixed automatically: .*\[listen-duplicate\]" "$(cat "$T/$NAME.fix")"

# 2. proxypass-not-url
write_tree notu <<'EOF'
<VirtualHost *:@PORT@>
	ServerName app.example.test
	ProxyPass /files @T@/www
</VirtualHost>
EOF
expect_rule proxypass-not-url 3
apache_t && e2e_fail "$NAME: apache2 -t accepts it"
expect_grep "apache2 -t refuses it" "ProxyPass URL must be absolute" \
    "$(cat "$T/$NAME.t")"

# 3. tls-certificate-missing: -t passes, the start fails.
write_tree nocert <<'EOF'
<VirtualHost *:@PORT@>
	ServerName app.example.test
	SSLEngine on
</VirtualHost>
EOF
expect_rule tls-certificate-missing 1
apache_t || e2e_fail "$NAME: apache2 -t refuses it: $(cat "$T/$NAME.t")"
if apache_start; then
	e2e_fail "$NAME: apache2 started without a certificate"
fi
apache_stop
expect_grep "the start fails with AH02572" "AH02572" \
    "$(cat "$ERRLOG" "$T/$NAME.out")"

# 4. tls-port-plain: port 443 without SSLEngine speaks plain HTTP.
write_tree plain443 <<'EOF'
<VirtualHost *:443>
	ServerName app.example.test
	SSLCertificateFile @T@/tls/cert.pem
	SSLCertificateKeyFile @T@/tls/key.pem
	ProxyPass / http://127.0.0.1:@BPORT@/
	ProxyPassReverse / http://127.0.0.1:@BPORT@/
	Header unset Server
</VirtualHost>
EOF
expect_rule tls-port-plain 1
expect_no_rule forwarded-proto-missing
apache_start || e2e_fail "$NAME: apache2 did not start"
expect_grep "https fails" "^000" "$(curl -s -k -o /dev/null \
    -w '%{http_code}' --resolve "app.example.test:$PORT:127.0.0.1" \
    "https://app.example.test:$PORT/seen")"
expect_grep "plain http answers on the TLS vhost" "scheme=http" \
    "$(get http app.example.test /seen)"
apache_stop

# 5. ssl-proxy-engine-missing: 500 and AH00961; with SSLProxyEngine On
# (the suggestion; the test backend's certificate is self-signed for
# another name, hence SSLProxyCheckPeerName off in the second run) 200.
write_tree sslproxy <<'EOF'
<VirtualHost *:@PORT@>
	ServerName app.example.test
	ProxyPass /tls/ https://127.0.0.1:@SPORT@/
	ProxyPassReverse /tls/ https://127.0.0.1:@SPORT@/
	Header unset Server
</VirtualHost>
EOF
expect_rule ssl-proxy-engine-missing 3
apache_start || e2e_fail "$NAME: apache2 did not start"
expect_grep "every request is a 500" "^HTTP/1.1 500" \
    "$(get http app.example.test /tls/seen)"
expect_grep "the error log says AH00961" "AH00961" "$(cat "$ERRLOG")"
apache_stop
add='\n\tSSLProxyEngine On\n\tSSLProxyCheckPeerName off'
sed -i "s/^\tServerName app.example.test\$/&$add/" \
    "$T/$NAME.apache/etc/apache2/sites-available/site.conf"
apache_start || e2e_fail "$NAME: apache2 did not start"
expect_grep "with SSLProxyEngine On the backend answers" \
    "scheme=https" "$(get http app.example.test /tls/seen)"
apache_stop

# 6. open-proxy: anyone fetches any URL; a <Proxy *> restriction stops it.
write_tree openproxy <<'EOF'
<VirtualHost *:@PORT@>
	ServerName app.example.test
	ProxyRequests On
</VirtualHost>
EOF
expect_rule open-proxy 3
apache_start || e2e_fail "$NAME: apache2 did not start"
expect_grep "curl -x fetches another server's page" "host=127.0.0.1:$BPORT" \
    "$(curl -s --max-time 10 -x "http://127.0.0.1:$PORT" \
    "http://127.0.0.1:$BPORT/seen")"
apache_stop
write_tree closedproxy <<'EOF'
<VirtualHost *:@PORT@>
	ServerName app.example.test
	ProxyRequests On
	<Proxy "*">
		Require ip 192.0.2.0/24
	</Proxy>
</VirtualHost>
EOF
expect_no_rule open-proxy
apache_start || e2e_fail "$NAME: apache2 did not start"
expect_grep "restricted: 403" "^403" "$(curl -s -o /dev/null \
    -w '%{http_code}' --max-time 10 -x "http://127.0.0.1:$PORT" \
    "http://127.0.0.1:$BPORT/seen")"
apache_stop

# 7. servername-duplicate: the second vhost never gets the name.
write_tree dupname <<'EOF'
<VirtualHost *:@PORT@>
	ServerName app.example.test
	ProxyPass / http://127.0.0.1:@BPORT@/
	ProxyPassReverse / http://127.0.0.1:@BPORT@/
	Header unset Server
	Header set X-Vhost first
</VirtualHost>
<VirtualHost *:@PORT@>
	ServerName app.example.test
	ProxyPass / http://127.0.0.1:@BPORT@/
	ProxyPassReverse / http://127.0.0.1:@BPORT@/
	Header unset Server
	Header set X-Vhost second
</VirtualHost>
EOF
expect_rule servername-duplicate 8
apache_start || e2e_fail "$NAME: apache2 did not start"
expect_grep "the name reaches the first vhost" "^X-Vhost: first" \
    "$(get http app.example.test /seen)"
apache_stop

# 8. alias-shadowed: the ACME token comes from the backend; with the
# suggested exclusion before ProxyPass /, from disk.
write_tree acme <<'EOF'
<VirtualHost *:@PORT@>
	ServerName app.example.test
	Alias /.well-known/acme-challenge/ @T@/www/.well-known/acme-challenge/
	<Directory @T@/www>
		Require all granted
	</Directory>
	ProxyPass / http://127.0.0.1:@BPORT@/
	ProxyPassReverse / http://127.0.0.1:@BPORT@/
	Header unset Server
</VirtualHost>
EOF
expect_rule alias-shadowed 3
sugg=$(python3 -c 'import json, sys
for v in json.load(open(sys.argv[1]))["vhosts"]:
    for f in v["findings"]:
        if f["rule"] == "alias-shadowed":
            print(f["suggestion"][0].split("    ")[0])' "$T/$NAME.json")
expect_grep "the suggestion is an exclusion" \
    "^ProxyPass /.well-known/acme-challenge/ !$" "$sugg"
apache_start || e2e_fail "$NAME: apache2 did not start"
expect_grep "the backend answers the challenge" "redirecting" \
    "$(get http app.example.test /.well-known/acme-challenge/tok)"
apache_stop
sed -i "s#^\tProxyPass / #\t$sugg\n&#" \
    "$T/$NAME.apache/etc/apache2/sites-available/site.conf"
apache_start || e2e_fail "$NAME: apache2 did not start"
expect_grep "with the exclusion the file is served" "token from disk" \
    "$(get http app.example.test /.well-known/acme-challenge/tok)"
apache_stop

# 9. A port-80 vhost that sends everyone to https before any proxying:
# Apache answers itself, no server-header-exposed.
write_tree redirect <<'EOF'
<VirtualHost *:@PORT@>
	ServerName app.example.test
	ProxyPass / http://127.0.0.1:@BPORT@/
	ProxyPassReverse / http://127.0.0.1:@BPORT@/
	RewriteEngine on
	RewriteCond %{SERVER_NAME} =app.example.test
	RewriteRule ^ https://%{SERVER_NAME}%{REQUEST_URI} [END,NE,R=permanent]
</VirtualHost>
EOF
expect_no_rule server-header-exposed
apache_start || e2e_fail "$NAME: apache2 did not start"
r=$(get http app.example.test /seen)
expect_grep "a 301 from Apache" "^HTTP/1.1 301" "$r"
expect_grep "Apache's own Server header" "^Server: Apache" "$r"
apache_stop

# 10. A TLS vhost telling the scheme with X-Forwarded-Ssl: gunicorn
# (trusting 127.0.0.1) reports https: no forwarded-proto-missing.
write_tree xfssl <<'EOF'
<VirtualHost *:@PORT@>
	ServerName app.example.test
	SSLEngine on
	SSLCertificateFile @T@/tls/cert.pem
	SSLCertificateKeyFile @T@/tls/key.pem
	ProxyPreserveHost On
	RequestHeader set X-Forwarded-Ssl on
	ProxyPass / http://127.0.0.1:@BPORT@/
	Header unset Server
</VirtualHost>
EOF
expect_no_rule forwarded-proto-missing
apache_start || e2e_fail "$NAME: apache2 did not start"
expect_grep "the backend sees https" "scheme=https" \
    "$(get https app.example.test /seen)"
expect_grep "its redirect is https" \
    "^Location: https://app.example.test:$PORT/next" \
    "$(get https app.example.test /next)"
apache_stop

e2e_finish
