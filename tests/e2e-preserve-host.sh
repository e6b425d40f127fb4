#!/bin/sh
# End-to-end, scenario 2: ProxyPreserveHost On with the backend's address
# in ProxyPassReverse.  The backend sees the visitor's Host and redirects
# to http://app.example.test:PORT/next; the ProxyPassReverse line never
# matches that, so the visitor of an application mounted under /app/
# leaves the mount.  Fixed (ProxyPassReverse /app/ with the URL the
# backend sees, http://<ServerName>:<port>/), Apache maps it back under
# /app/.

scenario_vhost()
{
	cat <<CONF
<VirtualHost *:$PORT>
	ServerName app.example.test
	ProxyPreserveHost On
	ProxyPass /app/ unix:$SOCK|http://127.0.0.1/
	ProxyPassReverse /app/ http://127.0.0.1/
</VirtualHost>
CONF
}

. "$top_srcdir/tests/e2e/lib.sh"
e2e_start

H=app.example.test
e2e_expect_broken $H "http://$H:$PORT/next" "http://$H:$PORT/next" /app/start
e2e_expect_body $H /app/seen "host=$H:$PORT scheme=http"
e2e_expect_server $H /app/seen visible
e2e_check_json
e2e_expect_rule reverse-mismatch

e2e_fix

e2e_expect_fixed $H "http://$H:$PORT/app/next" /app/start
e2e_expect_server $H /app/seen hidden
e2e_finish
