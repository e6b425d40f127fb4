#!/bin/sh
# End-to-end, the live evidence commands on TLS: certbot's pair (a port-80
# vhost that redirects to https, and the TLS vhost of the same name with a
# self-signed certificate for it) in front of a real gunicorn on a Unix
# socket, the TLS vhost with the broken socket ProxyPassReverse.  verify
# reports the leaked redirect; fix --yes --reload writes, reloads and its
# verify passes; probe asks gunicorn with the Host, X-Forwarded-Host and
# X-Forwarded-Proto Apache sends on TLS (and the visitor's Host with its
# port under ProxyPreserveHost On); check --probe previews from gunicorn's
# real answer.  Every expectation is first what curl, as a visitor, gets
# from the same apache2.  Last, a certificate that does not name the site:
# a visitor's curl refuses it, and so does verify.

E2E_TLS=1
E2E_MODULES=rewrite

# The port-80 half on its own free port (picked again whenever lib.sh
# writes the tree for a new $PORT), the TLS half in its own file as
# certbot writes it (names: certbot's; ports: the test's).
scenario_vhost()
{
	HTTP_PORT=$(e2e_free_port)
	cat >"$ROOT/etc/apache2/sites-available/app-le-ssl.conf" <<CONF
<IfModule mod_ssl.c>
<VirtualHost *:$PORT>
	ServerName app.example.test
	ProxyPass / unix:$SOCK|http://127.0.0.1/
	ProxyPassReverse / unix:$SOCK|http://127.0.0.1/
	SSLEngine on
	SSLCertificateFile $TLSDIR/cert.pem
	SSLCertificateKeyFile $TLSDIR/key.pem
</VirtualHost>
</IfModule>
CONF
	ln -s ../sites-available/app-le-ssl.conf \
	    "$ROOT/etc/apache2/sites-enabled/app-le-ssl.conf"
	cat <<CONF
Listen 127.0.0.1:$HTTP_PORT
<VirtualHost *:$HTTP_PORT>
	ServerName app.example.test
	RewriteEngine on
	RewriteCond %{SERVER_NAME} =app.example.test
	RewriteRule ^ https://%{SERVER_NAME}:$PORT%{REQUEST_URI} [END,NE,R=permanent]
</VirtualHost>
CONF
}

. "$top_srcdir/tests/e2e/lib.sh"
e2e_start
H=app.example.test
U=https://$H:$PORT
SSLCONF=/etc/apache2/sites-enabled/app-le-ssl.conf
LC_ALL=C.UTF-8
VHOSTFIX_LIVE_ROOT=$ROOT
export LC_ALL VHOSTFIX_LIVE_ROOT

vf()
{
	"$VHOSTFIX" --root "$ROOT" --config "$CONFIG" "$@"
}
# expect_out WHAT FILE: FILE holds exactly the text on stdin.
expect_out()
{
	if diff -u - "$2" >"$T/out.diff"; then
		e2e_ok "$1: the expected output"
	else
		e2e_fail "$1: the output differs"
		cat "$T/out.diff"
	fi
}
# field FILE N KEY: probes[N].KEY of probe --format json ("" for null).
field()
{
	python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))["probes"][int(sys.argv[2])].get(sys.argv[3])
print("" if v is None else v)' "$@"
}
# The certificate as its own trust anchor: curl checks chain and name.
curl_ca()
{
	curl -s --noproxy '*' --max-time 10 --cacert "$TLSDIR/cert.pem" \
	    --resolve "$H:$PORT:127.0.0.1" "$@"
}

# --- What a visitor gets, before the fix.
e2e_expect_eq "curl, certificate checked: /seen" "$(curl_ca "$U/seen")" \
    "host=127.0.0.1 scheme=http"
e2e_expect_eq "the port-80 partner redirects to https" \
    "$(curl -s --noproxy '*' --max-time 10 -o /dev/null \
    -w '%{http_code} %{redirect_url}' --resolve "$H:$HTTP_PORT:127.0.0.1" \
    "http://$H:$HTTP_PORT/next")" "301 $U/next"
e2e_expect_eq "visitor Location, broken" "$(e2e_location $H)" \
    "http://127.0.0.1/next"
# Apache sends X-Forwarded-Host with the port the visitor named.
e2e_expect_eq "visitor Location from X-Forwarded-Host, broken" \
    "$(e2e_location $H /fwd/x)" "http://$H:$PORT/next"
e2e_expect_server $H /seen visible

# --- (1) verify: the leaked redirect, with the prediction.
vf verify $H >"$T/verify1.out" 2>&1
e2e_expect_eq "verify, broken: exit" "$?" 1
expect_out "verify, broken" "$T/verify1.out" <<OUT
$H (*:$PORT):
    ✓ Certificate for $U/: names $H
    ✓ GET $U/ (through 127.0.0.1:$PORT): 302
    ✗ Location for $U/: http://127.0.0.1/next, predicted on $U (predicted $U/next)
$H (*:$HTTP_PORT):
    nothing to check: no ProxyPass to an http backend
to undo the last fix: vhostfix --root $ROOT rollback
OUT

# --- (3) probe: gunicorn asked as Apache asks it.  It builds its Location
# from the Host (X-Forwarded-Host under /fwd/) and the scheme it is told,
# so equal Locations mean equal headers.
vf probe $H >"$T/probe1.out" 2>&1
e2e_expect_eq "probe, broken: exit" "$?" 0
expect_out "probe, broken" "$T/probe1.out" <<OUT
vhostfix: $H (*:$HTTP_PORT): no http backend to probe
$H $SSLCONF:4: / unix:$SOCK|http://127.0.0.1/
    GET /  Host: 127.0.0.1
    -> 302  Location: http://127.0.0.1/next  Server: gunicorn
    the visitor is sent to http://127.0.0.1/next now, to $U/next after the fix
OUT
vf probe $H --format json >"$T/p1.json" 2>/dev/null
vf probe $H --path /fwd/x --format json >"$T/p1f.json" 2>/dev/null
e2e_expect_eq "probe: backend Location = the one Apache got" \
    "$(field "$T/p1.json" 0 location)" "$(e2e_backend_location $H)"
e2e_expect_eq "probe: visitor now = Apache's real Location" \
    "$(field "$T/p1.json" 0 visitor_location_now)" "$(e2e_location $H)"
e2e_expect_eq "probe /fwd/x: backend Location = the one Apache got" \
    "$(field "$T/p1f.json" 0 location)" "$(e2e_backend_location $H /fwd/x)"
e2e_expect_eq "probe /fwd/x: visitor now = Apache's real Location" \
    "$(field "$T/p1f.json" 0 visitor_location_now)" \
    "$(e2e_location $H /fwd/x)"
after=$(field "$T/p1.json" 0 visitor_location_after)
after_fwd=$(field "$T/p1f.json" 0 visitor_location_after)

# --- (4) check --probe: the preview is gunicorn's real answer.
vf check --probe >"$T/cprobe.out" 2>"$T/cprobe.err"
e2e_expect_eq "check --probe: exit" "$?" 1
if grep -qxF "    redirect (asked the backend): backend sends Location: \
http://127.0.0.1/next -> visitor goes to http://127.0.0.1/next (leaks the \
backend address)" "$T/cprobe.out" &&
    grep -qxF "    after the fix: visitor goes to $after" "$T/cprobe.out"
then
	e2e_ok "check --probe previews from the backend's answer"
else
	cat "$T/cprobe.out" "$T/cprobe.err"
	e2e_fail "check --probe: no probed preview"
fi

# --- (2) fix --yes --reload: written, tested, reloaded, verified.
n=$(e2e_generations)
vf fix $H --yes --apache-bin "$APACHE2" \
    --configtest "$APACHE2 -t $(e2e_apache_args "$ROOT")" \
    --reload --reload-cmd "$APACHE2 -k graceful $(e2e_apache_args "$ROOT")" \
    >"$T/fix.out" 2>&1
rc=$?
cat "$T/fix.out"
e2e_expect_eq "fix --yes --reload: exit" "$rc" 0
e2e_restarted "$n"
sed -n '/^vhostfix: verifying the reloaded Apache:$/,$p' "$T/fix.out" \
    >"$T/fixverify.out"
expect_out "fix --yes --reload: its verify" "$T/fixverify.out" <<OUT
vhostfix: verifying the reloaded Apache:
$H (*:$PORT):
    ✓ Certificate for $U/: names $H
    ✓ GET $U/ (through 127.0.0.1:$PORT): 302
    ✓ Location for $U/: $U/next
    ✓ Server for $U/: $(e2e_header $H / Server)
$H (*:$HTTP_PORT):
    nothing to check: no ProxyPass to an http backend
OUT
grep -qxF '+	RequestHeader set X-Forwarded-Proto "https"' "$T/fix.out" &&
    grep -qxF '+	Header unset Server' "$T/fix.out" &&
    e2e_ok "the fix adds X-Forwarded-Proto https and hides Server" ||
    e2e_fail "the fix adds no X-Forwarded-Proto or Header unset Server"

# What a visitor gets now: as verify said, as probe predicted.
e2e_expect_eq "visitor Location, fixed" "$(e2e_location $H)" "$U/next"
e2e_expect_eq "probe's prediction = Apache's Location after the fix" \
    "$(e2e_location $H)" "$after"
e2e_expect_eq "probe's /fwd/x prediction = Apache's Location after the fix" \
    "$(e2e_location $H /fwd/x)" "$after_fwd"
e2e_expect_body $H /seen "host=127.0.0.1 scheme=https"
e2e_expect_server $H /seen hidden

vf verify $H >"$T/verify2.out" 2>&1
e2e_expect_eq "verify, fixed: exit" "$?" 0
sed 1d "$T/fixverify.out" | expect_out "verify, fixed" "$T/verify2.out"

vf probe $H --format json >"$T/p2.json" 2>/dev/null
e2e_expect_eq "probe, fixed: X-Forwarded-Proto" \
    "$(field "$T/p2.json" 0 x_forwarded_proto)" https
e2e_expect_eq "probe, fixed: Host" "$(field "$T/p2.json" 0 host)" 127.0.0.1
e2e_expect_eq "probe, fixed: backend Location = the one Apache got" \
    "$(field "$T/p2.json" 0 location)" "$(e2e_backend_location $H)"
e2e_expect_eq "probe, fixed: visitor now = Apache's real Location" \
    "$(field "$T/p2.json" 0 visitor_location_now)" "$(e2e_location $H)"

# --- ProxyPreserveHost On: the visitor's Host, with its port, reaches
# gunicorn, and probe sends the same.
sed -i 's|^	ProxyPass / |	ProxyPreserveHost On\n&|' \
    "$ROOT/etc/apache2/sites-available/app-le-ssl.conf"
n=$(e2e_generations)
"$APACHE2" -k graceful $(e2e_apache_args "$ROOT")
e2e_restarted "$n"
e2e_expect_body $H /seen "host=$H:$PORT scheme=https"
vf probe $H --format json >"$T/p3.json" 2>/dev/null
e2e_expect_eq "probe, preserved Host: Host" "$(field "$T/p3.json" 0 host)" \
    "$H:$PORT"
e2e_expect_eq "probe, preserved Host: backend Location = the one Apache got" \
    "$(field "$T/p3.json" 0 location)" "$(e2e_backend_location $H)"
e2e_expect_eq "probe, preserved Host: visitor now = Apache's real Location" \
    "$(field "$T/p3.json" 0 visitor_location_now)" "$(e2e_location $H)"

# --- A certificate for another name: a visitor's client refuses it.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -nodes -days 2 -subj /CN=other.example.test \
    -addext "subjectAltName=DNS:other.example.test" \
    -keyout "$TLSDIR/key.pem" -out "$TLSDIR/cert.pem" \
    >"$TLSDIR/openssl.log" 2>&1 || e2e_fail "openssl req (other name)"
n=$(e2e_generations)
"$APACHE2" -k graceful $(e2e_apache_args "$ROOT")
e2e_restarted "$n"
curl_ca -o /dev/null "$U/seen"
e2e_expect_eq "curl refuses the other name's certificate (exit)" "$?" 60
vf verify $H:$PORT >"$T/verify3.out" 2>&1
e2e_expect_eq "verify, certificate for another name: exit" "$?" 1
expect_out "verify, certificate for another name" "$T/verify3.out" <<OUT
$H (*:$PORT):
    ✗ Certificate for $U/: SSL: no alternative certificate subject name matches target host name '$H', predicted a certificate naming $H (its chain is not checked)
    ✓ GET $U/ (through 127.0.0.1:$PORT): 302
    ✓ Location for $U/: $U/next
    ✓ Server for $U/: $(e2e_header $H / Server)
to undo the last fix: vhostfix --root $ROOT rollback
OUT
e2e_finish
