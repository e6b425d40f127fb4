#!/bin/sh
# End-to-end: the redirect model (src/redirect.c) against the real server.
#
# One apache2 (a plain-HTTP port and a TLS port) in front of one gunicorn
# (a Unix socket and 127.0.0.1:TCP) serves one vhost per combination of
#   ProxyPreserveHost  Off | On
#   X-Forwarded-Proto  none | literal "https" | expr=%{REQUEST_SCHEME} |
#                      none set, the visitor sends "https"
#   TLS                no | yes
#   mounted at         / | /app/
#   ProxyPassReverse   one line | "/signup" line first, then the path's own
#   backend            Unix socket | TCP
# (128 vhosts).  For each, the Location the model predicts for the
# backend's redirect of <mount>go (tests/e2e/predict, the same code as
# check's previews) must be what curl receives, before and after
# "vhostfix fix --all"; where check reports a reverse-* finding, its
# preview's before and after must be what curl receives too.

scenario_vhost()
{
	[ -n "${TLSDIR:-}" ] || e2e_make_cert >&2
	PORT2=$(e2e_free_port)
	echo "Listen 127.0.0.1:$PORT2"
	n=0
	for preserve in Off On; do
	for xfp in none literal expr client; do
	for tls in 0 1; do
	for mount in / /app/; do
	for revs in one signup; do
	for be in sock tcp; do
		n=$((n + 1))
		name=c$n.test
		echo "$name $preserve $xfp $tls $mount $revs $be" \
		    >>"$T/combos"
		if [ "$be" = sock ]; then
			url=http://127.0.0.1/
			target="unix:$SOCK|$url"
		else
			url=http://127.0.0.1:$TCP_PORT/
			target=$url
		fi
		if [ "$tls" = 1 ]; then
			echo "<VirtualHost *:$PORT2>"
			echo "	SSLEngine on"
			echo "	SSLCertificateFile $TLSDIR/cert.pem"
			echo "	SSLCertificateKeyFile $TLSDIR/key.pem"
		else
			echo "<VirtualHost *:$PORT>"
		fi
		echo "	ServerName $name"
		echo "	ProxyPreserveHost $preserve"
		case $xfp in
		literal)
			echo '	RequestHeader set X-Forwarded-Proto "https"' ;;
		expr)
			echo '	RequestHeader set X-Forwarded-Proto' \
			    'expr=%{REQUEST_SCHEME}' ;;
		esac
		echo "	ProxyPass $mount $target"
		[ "$revs" = signup ] &&
		    echo "	ProxyPassReverse /signup $url"
		echo "	ProxyPassReverse $mount $url"
		echo "</VirtualHost>"
	done; done; done; done; done; done
}

E2E_TCP=1
. "$top_srcdir/tests/e2e/lib.sh"
PREDICT=${PREDICT:-$top_builddir/tests/e2e/predict}
[ -x "$PREDICT" ] || { echo "no $PREDICT" >&2; exit 1; }
e2e_start

# location NAME TLS MOUNT CLIENT: what curl gets for MOUNT/go
location()
{
	if [ "$2" = 1 ]; then s=https p=$PORT2; else s=http p=$PORT; fi
	if [ "$4" = client ]; then
		set -- "$1" "$2" "$3" -H "X-Forwarded-Proto: https"
	else
		set -- "$1" "$2" "$3"
	fi
	h=$1 m=$3
	shift 3
	curl -s -k --noproxy '*' --max-time 10 -o /dev/null -D - \
	    --resolve "$h:$p:127.0.0.1" "$@" "$s://$h:$p${m}go" |
	    tr -d '\r' | sed -n 's/^Location: *//Ip' | head -n 1
}

# predictions PHASE: the model's, for a visitor without and with the header
predictions()
{
	"$PREDICT" "$ROOT" "$CONFIG" >"$T/$1.plain" 2>&1 ||
	    { cat "$T/$1.plain"; e2e_fail "predict failed"; }
	"$PREDICT" "$ROOT" "$CONFIG" https >"$T/$1.client" 2>&1 ||
	    { cat "$T/$1.client"; e2e_fail "predict failed"; }
}

# compare PHASE: every combination, prediction against curl
compare()
{
	good=0
	bad=0
	: >"$T/$1.got"
	while read -r name preserve xfp tls mount revs be; do
		if [ "$xfp" = client ]; then f=$T/$1.client; else f=$T/$1.plain; fi
		want=$(awk -v n="$name" '$1 == n { print $3; exit }' "$f")
		got=$(location "$name" "$tls" "$mount" "$xfp")
		echo "$name $got" >>"$T/$1.got"
		if [ -n "$got" ] && [ "$got" = "$want" ]; then
			good=$((good + 1))
		else
			bad=$((bad + 1))
			e2e_fail "$1: $name (preserve $preserve, xfp $xfp," \
			    "tls $tls, mount $mount, revs $revs, $be):" \
			    "curl got '$got', the model says '$want'"
		fi
	done <"$T/combos"
	e2e_log "$1: $good of $((good + bad)) combinations as predicted"
	[ "$good" -ge 24 ] || e2e_fail "$1: fewer than 24 combinations"
}

predictions before
compare before
e2e_check_json >/dev/null

e2e_fix >"$T/fix.log" 2>&1
grep -E '^(FAIL|ok):' "$T/fix.log"
E2E_FAILED=$((E2E_FAILED + $(grep -c '^FAIL:' "$T/fix.log")))

predictions after
compare after

# How many were right (model's harm 0) before and after, for the log.
for phase in before after; do
	e2e_log "$phase: $(awk '$4 == 0' "$T/$phase.plain" | wc -l) of" \
	    "$(wc -l <"$T/$phase.plain") right for a visitor sending no" \
	    "X-Forwarded-Proto"
done
# The fix makes every one right.
[ "$(awk '$4 != 0' "$T/after.plain" | wc -l)" -eq 0 ] ||
    e2e_fail "after the fix, some redirects are still wrong"
# No combination the model calls right may become wrong by the fix.
awk 'NR == FNR { before[$1] = $4; next }
    before[$1] == 0 && $4 != 0 { print "FAIL: " $1 " was right, the fix" \
    " broke it"; bad++ } END { exit bad > 0 }' "$T/before.plain" \
    "$T/after.plain" || e2e_fail "the fix made a right redirect wrong"

# check's previews (findings of the broken tree) against the server.
python3 - "$T/check.json" "$T/combos" "$T/before.got" "$T/after.got" \
    >"$T/previews" 2>&1 <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
xfp = {l.split()[0]: l.split()[2] for l in open(sys.argv[2])}
got = [dict(l.split(None, 1) for l in open(p) if len(l.split()) == 2)
       for p in sys.argv[3:5]]
got = [{k: v.strip() for k, v in g.items()} for g in got]
n = bad = 0
for v in doc["vhosts"]:
    name = v.get("server_name")
    if xfp.get(name) in (None, "client"):
        continue
    for f in v.get("findings", []):
        p = f.get("preview")
        if not f["rule"].startswith("reverse-") or not p:
            continue
        n += 1
        if p["visitor_location_before"] != got[0].get(name):
            bad += 1
            print("FAIL: %s preview before %s, curl got %s"
                  % (name, p["visitor_location_before"], got[0].get(name)))
        after = p["visitor_location_after"]
        if after is not None and after != got[1].get(name):
            bad += 1
            print("FAIL: %s preview after %s, curl got %s"
                  % (name, after, got[1].get(name)))
print("%d previews checked, %d wrong" % (n, bad))
sys.exit(1 if bad or n == 0 else 0)
EOF
rc=$?
cat "$T/previews"
[ $rc -eq 0 ] || e2e_fail "check's previews differ from what curl got"
e2e_finish
