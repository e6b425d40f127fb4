#!/bin/sh
# End-to-end: socket-label-shared on the real server.  Two gunicorns, "a"
# on $SOCK and "b" on $SOCK2, answer /whoami/ with their name.  mod_proxy
# names a worker by the URL after "|" and finds it by prefix, so in each
# vhost below some requests reach the other socket (measured on 2.4.71):
#   first.test  a server-level ProxyPass with the same label: its worker
#               comes first and takes every request of the vhost's own;
#   lab1.test   /api/'s URL starts with /shop/'s worker name: reused;
#   lab2.test   the other order: /shop/api/admin/ is mapped under /api/'s
#               longer name and reaches b past <Location /api/admin/>;
#   lab3.test   a <Proxy> block's worker reused by a ProxyPass;
#   lab4.test   a ProxyPassMatch worker (http://lab4/$1) outranks
#               ProxyPass /'s for every long enough URL.
# check reports each; the fix gives each socket its own label and every
# path then reaches the socket it names.

scenario_vhost()
{
	cat <<CONF
ProxyPass /healthz/ unix:$SOCK2|http://127.0.0.1/
<VirtualHost *:$PORT>
	ServerName first.test
	ProxyPass / unix:$SOCK|http://127.0.0.1/
</VirtualHost>
<VirtualHost *:$PORT>
	ServerName lab1.test
	ProxyPass /shop/ unix:$SOCK|http://localhost/
	ProxyPass /api/ unix:$SOCK2|http://localhost/api/
</VirtualHost>
<VirtualHost *:$PORT>
	ServerName lab2.test
	ProxyPass /api/ unix:$SOCK2|http://localhost/api/
	ProxyPass /shop/ unix:$SOCK|http://localhost/
	<Location /api/admin/>
		Require ip 192.0.2.1
	</Location>
</VirtualHost>
<VirtualHost *:$PORT>
	ServerName lab3.test
	<Proxy unix:$SOCK|http://lab3x/>
		ProxySet timeout=5
	</Proxy>
	ProxyPass /b/ unix:$SOCK2|http://lab3x/
</VirtualHost>
<VirtualHost *:$PORT>
	ServerName lab4.test
	ProxyPassMatch ^/api/(.*)$ unix:$SOCK2|http://lab4/\$1
	ProxyPass / unix:$SOCK|http://lab4/
</VirtualHost>
CONF
}

E2E_SOCK2=1
E2E_MODULES=authz_host
. "$top_srcdir/tests/e2e/lib.sh"
e2e_start

who()
{
	e2e_body "$1" "$2" | cut -d' ' -f1
}

# host path before after
cases()
{
	cat <<EOF
first.test /whoami/ b a
lab1.test /api/whoami/ a b
lab2.test /shop/api/admin/whoami/ b a
lab3.test /b/whoami/ a b
lab4.test /x/whoami/ b a
EOF
}

cases >"$T/cases"
while read -r h p want _; do
	e2e_expect_eq "before the fix, $h$p answered by" "$(who $h $p)" "$want"
done <"$T/cases"
e2e_expect_eq "lab2.test /api/admin/ itself is protected" \
    "$(e2e_get lab2.test /api/admin/whoami/ | head -n 1 | cut -d' ' -f2)" \
    403
e2e_check_json
n=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(sum(1 for v in d["vhosts"] for f in v["findings"]
          if f["rule"] == "socket-label-shared"))' "$T/check.json")
e2e_expect_eq "socket-label-shared findings" "$n" 5

e2e_fix

while read -r h p _ want; do
	e2e_expect_eq "after the fix, $h$p answered by" "$(who $h $p)" "$want"
done <"$T/cases"
"$VHOSTFIX" --root "$ROOT" --config "$CONFIG" check >"$T/after.txt" 2>&1
if grep -q socket-label-shared "$T/after.txt"; then
	cat "$T/after.txt"
	e2e_fail "socket-label-shared is still reported after the fix"
else
	e2e_ok "no socket-label-shared after the fix"
fi
e2e_finish
