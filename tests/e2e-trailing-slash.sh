#!/bin/sh
# End-to-end: trailing-slash on the real server.  "ProxyPass /app/
# unix:...|http://127.0.0.1" has no slash after the host: Apache glues the
# rest of the path onto it ("DNS lookup failure for: 127.0.0.1seen") and
# every URL under /app/ but /app/ itself fails with 500.  check calls it
# an error and the fix adds the slash, which changes no URL that worked.
# "ProxyPass /v1 ...|http://127.0.0.1/" only doubles the slash (the
# backend sees "//seen"): a warning, left alone.
#
# Balancers (gunicorn also on TCP, members http://127.0.0.1:PORT):
# mod_proxy_balancer appends what follows "balancer://name" to the
# member's URL.  "ProxyPass /g/ balancer://plain" glues the path onto the
# name ("No protocol handler was valid for the URL /g/seen", 500): an
# error, fixed by the slash.  A member ending in "/" doubles the slash of
# every request even when the ProxyPass line agrees with itself (/s/seen
# reaches the backend as //seen; "/t balancer://slashed/": ///seen), in
# both BalancerMember forms: a
# warning, left to the admin (the member may serve other lines).  Members
# without the slash, with "/p/ balancer://plain/" or "/q balancer://plain",
# work and get no finding.

E2E_TCP=1
E2E_MODULES="proxy_balancer slotmem_shm lbmethod_byrequests"

scenario_vhost()
{
	cat <<CONF
<VirtualHost *:$PORT>
	ServerName app.example.test
	Header unset Server
	RequestHeader set X-Forwarded-Proto "http"
	ProxyPass /app/ unix:$SOCK|http://127.0.0.1
	ProxyPassReverse /app/ http://127.0.0.1/
	ProxyPass /v1 unix:$SOCK|http://127.0.0.1/
	ProxyPassReverse /v1 http://127.0.0.1/
	<Proxy balancer://slashed>
		BalancerMember http://127.0.0.1:$TCP_PORT/
	</Proxy>
	<Proxy balancer://plain>
		BalancerMember http://127.0.0.1:$TCP_PORT
	</Proxy>
	ProxyPass /s/ balancer://slashed/
	ProxyPass /p/ balancer://plain/
	ProxyPass /q balancer://plain
	ProxyPass /g/ balancer://plain
	BalancerMember balancer://other http://127.0.0.1:$TCP_PORT/
	ProxyPass /o balancer://other
	ProxyPass /t balancer://slashed/
</VirtualHost>
CONF
}

. "$top_srcdir/tests/e2e/lib.sh"
e2e_start

H=app.example.test
status()
{
	e2e_get $H "$1" | head -n 1 | cut -d' ' -f2
}
e2e_expect_eq "/app/seen, broken" "$(status /app/seen)" 500
if grep -q "DNS lookup failure for: 127.0.0.1seen" "$T/run/error.log"; then
	e2e_ok "Apache glued the path onto the host"
else
	e2e_fail "no \"DNS lookup failure for: 127.0.0.1seen\" in the log"
fi
e2e_expect_eq "/app/ itself, broken" "$(status /app/)" 302
# gunicorn gets "//seen", not its /seen page: it redirects (302).
e2e_expect_eq "/v1/seen (doubled slash)" "$(status /v1/seen)" 302
e2e_expect_eq "/s/seen (member ends in /)" "$(status /s/seen)" 302
e2e_expect_eq "/o/seen (member ends in /)" "$(status /o/seen)" 302
e2e_expect_eq "the backend's path for /s/whoami/x" \
    "$(e2e_body $H /s/whoami/x)" "a //whoami/x"
e2e_expect_eq "the backend's path for /o/whoami/x" \
    "$(e2e_body $H /o/whoami/x)" "a //whoami/x"
e2e_expect_eq "the backend's path for /t/whoami/x" \
    "$(e2e_body $H /t/whoami/x)" "a ///whoami/x"
e2e_expect_eq "the backend's path for /p/whoami/x" \
    "$(e2e_body $H /p/whoami/x)" "a /whoami/x"
e2e_expect_eq "/p/seen (members agree)" "$(status /p/seen)" 200
e2e_expect_eq "/q/seen (members agree)" "$(status /q/seen)" 200
e2e_expect_eq "/g/seen, broken" "$(status /g/seen)" 500
e2e_expect_eq "/g/ itself" "$(status /g/)" 302
if grep -q "No protocol handler was valid for the URL /g/seen" \
    "$T/run/error.log"; then
	e2e_ok "Apache glued the path onto the balancer's name"
else
	e2e_fail "no \"No protocol handler ... /g/seen\" in the log"
fi
e2e_check_json
python3 - "$T/check.json" >"$T/sev" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for v in d["vhosts"]:
    for f in v["findings"]:
        if f["rule"] == "trailing-slash":
            print(f["line"], f["severity"])
EOF
e2e_expect_eq "trailing-slash findings (line severity)" \
    "$(tr '\n' ' ' <"$T/sev")" \
    "5 error 7 warning 15 warning 18 error 20 warning 21 warning "

e2e_fix

e2e_expect_eq "/app/seen, fixed" "$(status /app/seen)" 200
e2e_expect_eq "/app/ itself, fixed" "$(status /app/)" 302
e2e_expect_eq "/g/seen, fixed" "$(status /g/seen)" 200
e2e_expect_eq "/p/seen, unchanged" "$(status /p/seen)" 200
grep -q "BalancerMember http://127.0.0.1:$TCP_PORT/\$" \
    "$ROOT/etc/apache2/sites-available/app.conf" &&
    e2e_ok "the member's slash is left to the admin" ||
    e2e_fail "the fix changed BalancerMember"
grep -q "ProxyPass /v1 unix:$SOCK|http://127.0.0.1/\$" \
    "$ROOT/etc/apache2/sites-available/app.conf" &&
    e2e_ok "the doubled slash is left to the admin" ||
    e2e_fail "the fix changed ProxyPass /v1"
e2e_finish
