#!/bin/sh
# End-to-end, scenario 5: a TLS vhost with a ServerAlias, ProxyPreserveHost
# On, no X-Forwarded-Proto and the backend's address in ProxyPassReverse.
# The backend sees each visitor's Host but believes the scheme is http, so
# visitors of the https site, under either name, are sent to http://.  The
# fix sets X-Forwarded-Proto; that is all it takes.

E2E_TLS=1

scenario_vhost()
{
	cat <<CONF
<VirtualHost *:$PORT>
	ServerName app.example.test
	ServerAlias www.example.test
	SSLEngine on
	SSLCertificateFile $TLSDIR/cert.pem
	SSLCertificateKeyFile $TLSDIR/key.pem
	ProxyPreserveHost On
	ProxyPass / unix:$SOCK|http://127.0.0.1/
	ProxyPassReverse / http://127.0.0.1/
</VirtualHost>
CONF
}

. "$top_srcdir/tests/e2e/lib.sh"
e2e_start

H=app.example.test
A=www.example.test
e2e_expect_broken $H "http://$H:$PORT/next" "http://$H:$PORT/next"
e2e_expect_eq "visitor Location via the alias, broken" \
    "$(e2e_location $A)" "http://$A:$PORT/next"
e2e_expect_body $A /seen "host=$A:$PORT scheme=http"
e2e_expect_server $H /seen visible
e2e_check_json
e2e_expect_rule reverse-mismatch

e2e_fix

e2e_expect_fixed $H "https://$H:$PORT/next"
e2e_expect_eq "visitor Location via the alias, fixed" \
    "$(e2e_location $A)" "https://$A:$PORT/next"
e2e_expect_body $A /seen "host=$A:$PORT scheme=https"
e2e_expect_server $A /seen hidden
# X-Forwarded-Proto alone makes both names right: the backend redirects
# with the visitor's host and https, and no ProxyPassReverse is needed,
# so the fix writes none (the old line is dead and reported as info).
if grep -qi "ProxyPassReverse.*example.test" \
    "$ROOT/etc/apache2/sites-available/app.conf"; then
	e2e_fail "the fix wrote a ProxyPassReverse nothing needs"
else
	e2e_ok "no ProxyPassReverse added: none is needed"
fi
e2e_finish
