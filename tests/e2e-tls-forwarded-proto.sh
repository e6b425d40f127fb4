#!/bin/sh
# End-to-end, scenario 4: a TLS vhost that sets no X-Forwarded-Proto and
# has no ProxyPassReverse.  The backend believes it is served over http and
# redirects to http://127.0.0.1/next, which reaches the visitor of an
# https site unchanged.  The fix adds X-Forwarded-Proto, so gunicorn (which
# trusts it from Unix-socket peers) redirects to https://127.0.0.1/next: it
# only works if the https:// form of the backend URL gets its own
# ProxyPassReverse line.

E2E_TLS=1

scenario_vhost()
{
	cat <<CONF
<VirtualHost *:$PORT>
	ServerName app.example.test
	SSLEngine on
	SSLCertificateFile $TLSDIR/cert.pem
	SSLCertificateKeyFile $TLSDIR/key.pem
	ProxyPass / unix:$SOCK|http://127.0.0.1/
</VirtualHost>
CONF
}

. "$top_srcdir/tests/e2e/lib.sh"
e2e_start

H=app.example.test
e2e_expect_broken $H "http://127.0.0.1/next" "http://127.0.0.1/next"
e2e_expect_body $H /seen "host=127.0.0.1 scheme=http"
e2e_expect_server $H /seen visible
e2e_check_json
e2e_expect_rule reverse-missing
e2e_expect_rule forwarded-proto-missing

e2e_fix

e2e_expect_eq "backend Location, fixed" "$(e2e_backend_location $H)" \
    "https://127.0.0.1/next"
e2e_expect_fixed $H "https://$H:$PORT/next"
e2e_expect_body $H /seen "host=127.0.0.1 scheme=https"
e2e_expect_server $H /seen hidden
e2e_finish
