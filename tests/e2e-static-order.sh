#!/bin/sh
# End-to-end, scenario 6: the ordering mistake.  "ProxyPass /static !"
# comes after "ProxyPass /", so Apache never reaches it and /static goes
# to the backend.  The fix moves the exclusion first; Apache then serves
# /static itself.

scenario_vhost()
{
	cat <<CONF
<VirtualHost *:$PORT>
	ServerName app.example.test
	DocumentRoot $ROOT/var/www/app
	<Directory $ROOT/var/www/app>
		Require all granted
	</Directory>
	ProxyPass / unix:$SOCK|http://127.0.0.1/
	ProxyPass /static !
	ProxyPassReverse / http://127.0.0.1/
</VirtualHost>
CONF
}

. "$top_srcdir/tests/e2e/lib.sh"
e2e_start

H=app.example.test
e2e_expect_body $H /static/hello.txt "static from the backend"
e2e_expect_eq "Server header for /static/hello.txt, broken" \
    "$(e2e_header $H /static/hello.txt Server)" gunicorn
e2e_expect_eq "visitor Location" "$(e2e_location $H)" \
    "http://$H:$PORT/next"
e2e_check_json
e2e_expect_rule proxypass-order

e2e_fix

e2e_expect_body $H /static/hello.txt "static from apache"
e2e_expect_eq "/static/missing is Apache's own 404" \
    "$(e2e_get $H /static/missing | head -n 1)" "HTTP/1.1 404 Not Found"
e2e_expect_eq "visitor Location, fixed" "$(e2e_location $H)" \
    "http://$H:$PORT/next"
e2e_expect_server $H /seen hidden
e2e_finish
