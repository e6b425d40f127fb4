#!/bin/sh
# End-to-end, scenario 3: the socket's label says localhost, the
# ProxyPassReverse says 127.0.0.1.  Apache sends "Host: localhost" to the
# backend, which redirects to http://localhost/next; the literal prefix
# http://127.0.0.1/ does not match, and the visitor is sent to their own
# machine.

scenario_vhost()
{
	cat <<CONF
<VirtualHost *:$PORT>
	ServerName app.example.test
	ProxyPass / unix:$SOCK|http://localhost/
	ProxyPassReverse / http://127.0.0.1/
</VirtualHost>
CONF
}

. "$top_srcdir/tests/e2e/lib.sh"
e2e_start

H=app.example.test
e2e_expect_broken $H "http://localhost/next" "http://localhost/next"
e2e_expect_server $H /seen visible
e2e_check_json
e2e_expect_rule reverse-mismatch

e2e_fix

e2e_expect_fixed $H "http://$H:$PORT/next"
e2e_expect_server $H /seen hidden
e2e_finish
