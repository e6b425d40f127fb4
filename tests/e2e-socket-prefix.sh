#!/bin/sh
# End-to-end, scenario 1: the classic broken pair.  ProxyPassReverse
# carries the socket prefix, so Apache never matches it against the
# backend's "Location: http://127.0.0.1/next" and the visitor is sent to
# the backend's own address.  Fixed, Apache maps it to the visitor's host.

scenario_vhost()
{
	e2e_vhost_socket_prefix
}

. "$top_srcdir/tests/e2e/lib.sh"
e2e_start

H=app.example.test
e2e_expect_broken $H "http://127.0.0.1/next" "http://127.0.0.1/next"
e2e_expect_server $H /seen visible
e2e_check_json
e2e_expect_rule reverse-socket-prefix

e2e_fix

e2e_expect_fixed $H "http://$H:$PORT/next"
e2e_expect_server $H /seen hidden
e2e_finish
