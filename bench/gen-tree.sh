#!/bin/sh
# gen-tree.sh DIR N [one-file]: a Debian-layout tree with N proxy vhosts,
# one file each (sites-enabled), or all in one file.  Apache accepts it
# (apache2 -t -d DIR/etc/apache2 -f DIR/etc/apache2/apache2.conf with the
# envvars of bench.sh).
set -e
dir=$1
n=$2
one=${3:-}
rm -rf "$dir"
mkdir -p "$dir/etc/apache2/sites-enabled" "$dir/etc/apache2/mods-enabled"
cat > "$dir/etc/apache2/apache2.conf" <<EOT
DefaultRuntimeDir \${APACHE_RUN_DIR}
PidFile \${APACHE_PID_FILE}
Timeout 300
User \${APACHE_RUN_USER}
Group \${APACHE_RUN_GROUP}
ErrorLog \${APACHE_LOG_DIR}/error.log
LogLevel warn
IncludeOptional mods-enabled/*.load
Listen 127.0.0.1:8080
LogFormat "%h %l %u %t \"%r\" %>s %O" common
IncludeOptional sites-enabled/*.conf
EOT
for m in mpm_event authz_core authz_host proxy proxy_http headers; do
	echo "LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so" \
	    > "$dir/etc/apache2/mods-enabled/$m.load"
done
awk -v n="$n" -v one="$one" -v out="$dir/etc/apache2/sites-enabled" '
BEGIN {
	for (i = 0; i < n; i++) {
		f = one != "" ? out "/all.conf" : sprintf("%s/site%05d.conf", out, i)
		printf "<VirtualHost 127.0.0.1:8080>\n" \
		    "    ServerName site%d.example.com\n" \
		    "    ServerAlias www.site%d.example.com\n" \
		    "    ErrorLog ${APACHE_LOG_DIR}/site%d-error.log\n" \
		    "    ProxyPreserveHost Off\n" \
		    "    ProxyPass        /static !\n" \
		    "    ProxyPass        / unix:/run/site%d.sock|http://127.0.0.1/\n" \
		    "    ProxyPassReverse / unix:/run/site%d.sock|http://127.0.0.1/\n" \
		    "    <Location /admin>\n" \
		    "        Require ip 10.0.0.0/8\n" \
		    "    </Location>\n" \
		    "</VirtualHost>\n\n", i, i, i, i, i > f
		if (one == "")
			close(f)
	}
}'
