#!/bin/bash
# automation.sh: vhostfix in cron jobs, monitoring and at scale, on copies
# of the demo tree (2 errors, 2 warnings, 4 infos) and a generated tree:
#  - the exit policy: each severity (isolated with --rule) against each
#    --fail-on and the default;
#  - --ignore (repeatable, unknown rules refused), -q, -v;
#  - /etc/vhostfix.conf under --root: each key, the command line winning,
#    errors naming the file and line, configtest-timeout killing a hung
#    configtest;
#  - what fix --all leaves to a human, grouped, on a 2,000-vhost tree;
#  - --format nagios: the line and the exit codes, UNKNOWN;
#  - --format prometheus: parsed by tests/promcheck.py, counts as check's;
#  - the README's Automation commands are the ones run here.
set -u
: "${top_srcdir:?top_srcdir is not set (run through make check)}"
: "${VHOSTFIX:?VHOSTFIX is not set (run through make check)}"
export NO_COLOR=1 LC_ALL=C
unset VHOSTFIX_CONF
work=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-auto.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP
failed=0
fail() {
	echo "FAIL: $*" >&2
	failed=1
}
T=$work/demo
cp -a "$top_srcdir/data/demo" "$T"
chmod -R u+w "$T"
vf() {	# vf ARGS...: out, err, rc
	rc=0
	"$VHOSTFIX" "$@" >"$work/out" 2>"$work/err" || rc=$?
}
expect_rc() {	# expect_rc WANT WHAT
	[ "$rc" -eq "$1" ] ||
	    fail "$2: exit $rc, expected $1 ($(head -c 300 "$work/err"))"
}
# The README's examples run as "vhostfix ...", on the demo copy.
ran=$work/ran
: >"$ran"
vhostfix() {
	"$VHOSTFIX" --root "$T" "$@"
}
example() {	# example 'vhostfix ...': run it, out/err/rc as vf
	echo "$1" >>"$ran"
	rc=0
	eval "$1" >"$work/out" 2>"$work/err" || rc=$?
}

# The exit policy table: severity x --fail-on.
sev_rule() {
	case $1 in
	error) echo reverse-socket-prefix ;;
	warning) echo socket-missing ;;
	info) echo server-header-exposed ;;
	esac
}
rank() {
	case $1 in error) echo 2 ;; warning) echo 1 ;; *) echo 0 ;; esac
}
for sev in error warning info; do
	r=$(sev_rule "$sev")
	for fo in default error warning info; do
		if [ "$fo" = default ]; then
			vf --root "$T" check --rule "$r"
			t=warning
		else
			vf --root "$T" check --rule "$r" --fail-on "$fo"
			t=$fo
		fi
		want=0
		[ "$(rank "$sev")" -ge "$(rank "$t")" ] && want=1
		expect_rc "$want" "a $sev ($r) with --fail-on $fo"
		grep -q "\[$r\]" "$work/out" ||
		    fail "a $sev with --fail-on $fo is not printed"
		grep -q ' in 7 vhosts' "$work/out" ||
		    fail "no summary for --rule $r --fail-on $fo"
		[ "$(grep -c '\[' "$work/out")" -eq "$(grep -c "\[$r\]" "$work/out")" ] ||
		    fail "--rule $r let other rules through"
	done
done
vf --root "$T" check --fail-on fatal
expect_rc 2 "--fail-on fatal"
vf --root "$T" check --rule no-such-rule
expect_rc 2 "--rule no-such-rule"
grep -q "unknown rule 'no-such-rule'" "$work/err" ||
    fail "--rule no-such-rule: $(cat "$work/err")"

# --ignore, repeatable; everywhere (fix's list of what is left too).
example 'vhostfix check --ignore forwarded-proto-spoofable --ignore server-header-exposed'
expect_rc 1 "check --ignore x2"
grep -q 'forwarded-proto-spoofable\|server-header-exposed' "$work/out" &&
    fail "--ignore let an ignored rule through"
grep -q '^2 errors, 2 warnings, 1 info in 7 vhosts' "$work/out" ||
    fail "--ignore summary: $(tail -1 "$work/out")"
vf --root "$T" check --ignore bogus-rule
expect_rc 2 "--ignore bogus-rule"
vf --root "$T" fix --all --dry-run --ignore socket-missing
grep -q 'socket-missing' "$work/err" &&
    fail "fix --ignore socket-missing still lists it"
vf --root "$T" check --rule server-header-exposed \
    --ignore server-header-exposed
expect_rc 0 "everything ignored"
grep -q '^0 errors, 0 warnings, 0 infos' "$work/out" ||
    fail "everything ignored: $(cat "$work/out")"

# -q: only what reaches the threshold, no summary.
example 'vhostfix -q check'
expect_rc 1 "-q check"
grep -q 'info:' "$work/out" && fail "-q printed an info"
grep -q ' in 7 vhosts' "$work/out" && fail "-q printed the summary"
[ "$(grep -c ': \(error\|warning\): ' "$work/out")" -eq 4 ] ||
    fail "-q: $(grep -c ': \(error\|warning\): ' "$work/out") errors and warnings, expected 4"
vf --root "$T" --quiet check --rule server-header-exposed
expect_rc 0 "-q with infos only"
[ -s "$work/out" ] && fail "-q with infos only printed: $(cat "$work/out")"
# not even the notes (a cron job mails stderr too)
[ -s "$work/err" ] && fail "-q printed notes: $(cat "$work/err")"
example 'vhostfix check --fail-on error'
expect_rc 1 "check --fail-on error"
example 'vhostfix check --rule socket-missing'
expect_rc 1 "check --rule socket-missing"

# -v: what is hidden.
example 'vhostfix -v check --ignore socket-missing'
grep -q '^vhostfix: not shown: 1 socket-missing finding$' "$work/err" ||
    fail "-v does not say what --ignore hid: $(cat "$work/err")"
vf --root "$T" -q -v check
grep -q 'not shown: 2 server-header-exposed findings' "$work/err" ||
    fail "-q -v does not say what -q hid: $(cat "$work/err")"

# The settings file, ROOT/etc/vhostfix.conf: the README's example.
conf=$T/etc/vhostfix.conf
awk '/^# \/etc\/vhostfix.conf$/ { on = 1 } on && /^```/ { exit } on' \
    "$top_srcdir/README.md" >"$conf"
grep -q '^fail-on = error$' "$conf" || fail "no settings example in README"
vf --root "$T" check --rule socket-missing
expect_rc 0 "fail-on = error in the file, a warning"
vf --root "$T" check --rule socket-missing --fail-on warning
expect_rc 1 "the command line's --fail-on wins over the file"
vf --root "$T" check
grep -q 'server-header-exposed\|forwarded-proto-spoofable' "$work/out" &&
    fail "ignore in the file is not applied"
vf --root "$T" check --ignore socket-missing
grep -q 'server-header-exposed' "$work/out" ||
    fail "the command line's --ignore does not replace the file's"
grep -q 'socket-missing' "$work/out" && fail "--ignore with a file"
printf 'fail-on = warning\nbackup-dir = %s\n' "$work/bk" >"$conf"
cp -a "$T" "$work/demo-fix"
T2=$work/demo-fix
printf 'backup-dir = %s\n' "$work/bk" >"$T2/etc/vhostfix.conf"
vf --root "$T2" fix --all --yes --no-configtest
expect_rc 0 "fix with backup-dir from the file"
ls "$work/bk"/*/ >/dev/null 2>&1 || fail "backup-dir from the file not used"
[ -e "$T2/var/backups/vhostfix" ] && fail "backup went to the default place"
printf 'configtest-timeout = 1\n' >"$T2/etc/vhostfix.conf"
cp -a "$top_srcdir/data/demo/etc/apache2/sites-available/." \
    "$T2/etc/apache2/sites-available/"
t0=$(date +%s)
vf --root "$T2" fix --all --yes --configtest 'sleep 30'
t1=$(date +%s)
expect_rc 4 "a configtest past configtest-timeout"
[ $((t1 - t0)) -lt 15 ] || fail "configtest-timeout = 1 took $((t1 - t0)) s"
grep -q 'did not finish within 1 s' "$work/err" ||
    fail "the timeout is not said: $(cat "$work/err")"
for bad in 'fail-on = fatal' 'colour = on' 'ignore = no-such-rule' \
    'configtest-timeout = soon' 'just words'; do
	printf '# a comment\n%s\n' "$bad" >"$conf"
	vf --root "$T" check
	expect_rc 2 "settings '$bad'"
	grep -q "etc/vhostfix.conf:2: " "$work/err" ||
	    fail "settings '$bad': $(cat "$work/err")"
done
VHOSTFIX_CONF=$work/none.conf vf --root "$T" check
expect_rc 1 "VHOSTFIX_CONF naming a missing file"
rm -f "$conf"

# Nagios.
example 'vhostfix check --format nagios'
expect_rc 2 "nagios on the demo (errors)"
line='VHOSTFIX CRITICAL - 2 errors, 2 warnings in 7 vhosts | errors=2;;;0 warnings=2;;;0 vhosts=7;;;0 infos=4;;;0'
[ "$(cat "$work/out")" = "$line" ] ||
    fail "nagios line: $(cat "$work/out"), expected $line"
# --demo runs the check in a worker under a guard: one line, its status.
vf --demo check --format nagios
expect_rc 2 "nagios with --demo"
[ "$(cat "$work/out")" = "$line" ] ||
    fail "nagios with --demo: $(cat "$work/out"), expected $line alone"
vf --root "$T" check --format nagios --rule socket-missing
expect_rc 1 "nagios, a warning"
grep -q '^VHOSTFIX WARNING - 0 errors, 1 warning in 7 vhosts | ' "$work/out" ||
    fail "nagios warning: $(cat "$work/out")"
vf --root "$T" check --format nagios --rule server-header-exposed
expect_rc 0 "nagios, infos only"
grep -q '^VHOSTFIX OK - 0 errors, 0 warnings in 7 vhosts | .* infos=2;;;0$' \
    "$work/out" || fail "nagios ok: $(cat "$work/out")"
vf --root "$T" check --format nagios --fail-on error --rule socket-missing
expect_rc 0 "nagios, a warning under --fail-on error"
vf --root "$work/nowhere" check --format nagios
expect_rc 3 "nagios, no tree"
grep -q '^VHOSTFIX UNKNOWN - ' "$work/out" ||
    fail "nagios unknown: $(cat "$work/out")"
[ "$(wc -l <"$work/out")" -eq 1 ] || fail "nagios: more than one line"
vf --root "$T" check --format nagios --fail-on fatal
expect_rc 3 "nagios, a usage error"
grep -q '^VHOSTFIX UNKNOWN - usage or input error' "$work/out" ||
    fail "nagios usage error: $(cat "$work/out")"
grep -q "fail-on takes error, warning or info, not 'fatal'" "$work/err" ||
    fail "nagios usage error: the reason is not on stderr"

# Prometheus.
example 'vhostfix check --format prometheus'
expect_rc 0 "prometheus"
python3 "$top_srcdir/tests/promcheck.py" "$work/out" >"$work/samples" ||
    fail "prometheus output does not parse"
vf --root "$T" check --format json
python3 - "$work/samples" "$work/out" <<'PY' || fail "prometheus counts"
import collections, json, sys, time
samples = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
want = collections.Counter()
for v in doc["vhosts"]:
    name = v["server_name"] or v["addresses"][0]
    for f in v["findings"]:
        want[(name, v["file"], f["rule"], f["severity"])] += 1
got = {}
by = {}
other = {}
for name, labels, value in samples:
    if name == "vhostfix_findings":
        got[(labels["vhost"], labels["file"], labels["rule"],
             labels["severity"])] = value
    elif name == "vhostfix_findings_by_severity":
        by[labels["severity"]] = value
    else:
        other[name] = value
assert got == dict(want), (got, want)
s = doc["summary"]
assert by == {"error": s["errors"], "warning": s["warnings"],
              "info": s["infos"]}, by
assert other["vhostfix_vhosts"] == len(doc["vhosts"]), other
assert other["vhostfix_check_success"] == 1, other
assert abs(other["vhostfix_last_check_timestamp_seconds"] - time.time()) < 120
PY
vf --root "$work/nowhere" check --format prometheus
expect_rc 2 "prometheus, no tree"
python3 "$top_srcdir/tests/promcheck.py" "$work/out" >"$work/samples" ||
    fail "prometheus failure output does not parse"
grep -q '^vhostfix_check_success 0$' "$work/out" ||
    fail "prometheus failure: $(cat "$work/out")"

# At scale: a generated tree of 2,000 vhosts, one socket-missing and one
# forwarded-proto-spoofable each.
G=$work/gen
sh "$top_srcdir/bench/gen-tree.sh" "$G" 2000 >/dev/null
LC_ALL=C.UTF-8 vf --root "$G" fix --all --dry-run
expect_rc 1 "fix --all --dry-run on 2,000 vhosts"
[ "$(wc -l <"$work/err")" -le 10 ] ||
    fail "fix --all on 2,000 vhosts: $(wc -l <"$work/err") lines on stderr"
want="vhostfix: not fixed automatically: 2000 × socket-missing, e.g. /etc/apache2/sites-enabled/site00000.conf:7, /etc/apache2/sites-enabled/site00001.conf:7, /etc/apache2/sites-enabled/site00002.conf:7; run 'vhostfix --root $G check --rule socket-missing' for all"
grep -qxF "$want" "$work/err" ||
    fail "grouped socket-missing line: $(grep socket-missing "$work/err" | head -1)"
grep -q '^vhostfix: not fixed automatically: 2000 × forwarded-proto-spoofable, e.g. ' \
    "$work/err" || fail "grouped forwarded-proto-spoofable line"
# (the generated tree has no /run: the group says where to look)
grep -q '^    vhostfix check    (on the running system, with --root /)' \
    "$work/err" || fail "the group does not say what to do"
vf --root "$G" fix --all --dry-run
grep -q ': 2000 x socket-missing, e.g. ' "$work/err" ||
    fail "grouped line outside UTF-8: $(head -1 "$work/err")"
vf --root "$G" check --rule socket-missing
[ "$(grep -c '\[socket-missing\]$' "$work/out")" -eq 2000 ] ||
    fail "the command the group names does not list the 2,000"
vf --root "$G" -v fix --all --dry-run
[ "$(grep -c '^vhostfix: not fixed automatically: .*\[socket-missing\]$' "$work/err")" -eq 2000 ] ||
    fail "-v does not list every item"
vf --root "$G" fix --all --dry-run --format json
python3 - "$work/out" <<'PY' || fail "left_summary on 2,000 vhosts"
import json, sys
d = json.load(open(sys.argv[1]))
s = {x["rule"]: x["count"] for x in d["left_summary"]}
assert s == {"forwarded-proto-spoofable": 2000, "socket-missing": 2000}, s
PY
# A rule with few findings keeps one line each (the small case).
vf --root "$T" fix --all --dry-run
grep -q '^vhostfix: not fixed automatically: /etc/apache2/sites-enabled/app.example.com.conf:8: .*\[socket-missing\]$' \
    "$work/err" || fail "a single socket-missing is not on its own line"

# The README's Automation commands are the ones run here.
fix_example='vhostfix fix --all --dry-run --format json'
example "$fix_example"
expect_rc 1 "$fix_example"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/out" ||
    fail "$fix_example: not JSON"
awk '/^## Automation/ { on = 1; next } /^## / { on = 0 }
    on && /^```sh/ { blk = 1; next } blk && /^```/ { exit }
    blk' "$top_srcdir/README.md" >"$work/readme.cmds"
[ -s "$work/readme.cmds" ] || fail "no Automation commands in README"
while IFS= read -r c; do
	grep -qxF "$c" "$ran" || fail "README example not tested: $c"
done <"$work/readme.cmds"

[ "$failed" -eq 0 ] && echo "automation: exit policy, settings, monitoring and scale"
exit "$failed"
