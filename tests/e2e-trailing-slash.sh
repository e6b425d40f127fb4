#!/bin/sh
# End-to-end: trailing-slash on the real server.  "ProxyPass /app/
# unix:...|http://127.0.0.1" has no slash after the host: Apache glues the
# rest of the path onto it ("DNS lookup failure for: 127.0.0.1seen") and
# every URL under /app/ but /app/ itself fails with 500.  check calls it
# an error and the fix adds the slash, which changes no URL that worked.
# "ProxyPass /v1 ...|http://127.0.0.1/" only doubles the slash (the
# backend sees "//seen"): a warning, left alone.

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
    "$(tr '\n' ' ' <"$T/sev")" "5 error 7 warning "

e2e_fix

e2e_expect_eq "/app/seen, fixed" "$(status /app/seen)" 200
e2e_expect_eq "/app/ itself, fixed" "$(status /app/)" 302
grep -q "ProxyPass /v1 unix:$SOCK|http://127.0.0.1/\$" \
    "$ROOT/etc/apache2/sites-available/app.conf" &&
    e2e_ok "the doubled slash is left to the admin" ||
    e2e_fail "the fix changed ProxyPass /v1"
e2e_finish
