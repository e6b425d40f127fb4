#!/bin/bash
# ansible.sh: the Ansible collection (contrib/ansible) on an inventory of
# six hosts with ansible_connection=local, each pointing the module at its
# own copy of a different fixture tree (tests/ansible/hosts.in):
#  - ansible-doc renders the module's documentation;
#  - playbooks/fix.yml --check --diff shows the diffs and changes nothing;
#  - playbooks/fleet-report.yml writes the Markdown and CSV report, whose
#    rows match each host's `vhostfix check --format json`;
#  - a real run reports changed exactly on the hosts whose tree it wrote,
#    and each written tree equals what `vhostfix fix --all --yes` makes;
#  - a second run reports no change;
#  - fail_on and ignore; a configtest that fails (exit 3) and an unknown
#    vhost (exit 2) fail the task with vhostfix's message;
# The commands are the ones of README.md's "Fleets" section.
set -u
: "${top_srcdir:?top_srcdir is not set (run through make check)}"
: "${VHOSTFIX:?VHOSTFIX is not set (run through make check)}"
for t in ansible-playbook ansible-galaxy ansible-doc; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "SKIP: $t is not installed (apt-get install ansible-core):" \
		    "the Ansible collection is not tested" >&2
		exit 77
	fi
done
export NO_COLOR=1 LC_ALL=C.UTF-8 ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
work=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-ansible.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP
export ANSIBLE_HOME=$work/ansible ANSIBLE_LOCAL_TEMP=$work/ansible/tmp \
    ANSIBLE_REMOTE_TEMP=$work/ansible/tmp \
    ANSIBLE_COLLECTIONS_PATH=$work/collections \
    ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_HOST_KEY_CHECKING=0 \
    ANSIBLE_STDOUT_CALLBACK=default ANSIBLE_LOAD_CALLBACK_PLUGINS=0
failed=0
fail() {
	echo "FAIL: $*" >&2
	failed=1
}
F=$top_srcdir/tests/fixtures

# The commands of README.md's "Fleets" section, in its order: the test
# runs exactly these (in $work, with a copy of contrib/ and an inventory
# named hosts).
fleet_cmds='ansible-galaxy collection build contrib/ansible
ansible-galaxy collection install vhostfix-apache-0.1.0.tar.gz
ansible-doc vhostfix.apache.vhostfix
ansible-playbook -i hosts contrib/ansible/playbooks/fleet-report.yml -e report_dir=report
ansible-playbook -i hosts contrib/ansible/playbooks/fix.yml --check --diff
ansible-playbook -i hosts contrib/ansible/playbooks/fix.yml'
awk '/^## Fleets/ { on = 1; next } /^## / { on = 0 }
    on && /^```sh/ { blk = 1; next } blk && /^```/ { exit }
    blk' "$top_srcdir/README.md" >"$work/readme.cmds"
printf '%s\n' "$fleet_cmds" | cmp -s - "$work/readme.cmds" ||
    fail "README's Fleets commands are not the ones tested: $(cat "$work/readme.cmds")"
cmd() {	# cmd N: the Nth command
	printf '%s\n' "$fleet_cmds" | sed -n "$1p"
}
cp -a "$top_srcdir/contrib" "$work/contrib"
chmod -R u+w "$work/contrib"

# The collection, built and installed.
(cd "$work" && eval "$(cmd 1)" && eval "$(cmd 2)") >"$work/build.out" 2>&1 || {
	cat "$work/build.out" >&2
	echo "FAIL: the collection does not build or install" >&2
	exit 1
}

# ansible-doc renders the module: text, and JSON with every option.
if ! (cd "$work" && eval "$(cmd 3)") >"$work/doc.txt" 2>&1; then
	fail "ansible-doc vhostfix.apache.vhostfix: $(head -3 "$work/doc.txt")"
fi
for w in "state" "checked" "fixed" "fail_on" "ignore" "EXAMPLES" \
    "RETURN VALUES"; do
	grep -q "$w" "$work/doc.txt" || fail "ansible-doc output lacks '$w'"
done
ansible-doc --json vhostfix.apache.vhostfix >"$work/doc.json" 2>&1
python3 - "$work/doc.json" <<'PY' || fail "ansible-doc --json: options missing"
import json, sys
d = json.load(open(sys.argv[1]))["vhostfix.apache.vhostfix"]["doc"]
need = {"state", "vhost", "root", "fail_on", "ignore", "preserve_host",
        "forwarded_proto", "hide_server", "server_tokens"}
missing = need - set(d["options"])
if missing:
    print("missing options:", sorted(missing), file=sys.stderr)
    sys.exit(1)
PY

# Six hosts, six different trees.
hosts="web1:classic-socket web2:reverse-mismatch web3:proxypass-order
web4:forwarded-proto-missing web5:server-header-ok web6:server-header-exposed"
: >"$work/hosts"
echo "[web]" >>"$work/hosts"
for hc in $hosts; do
	h=${hc%%:*} c=${hc#*:}
	cp -a "$F/$c/root" "$work/$h"
	cp -a "$F/$c/root" "$work/expect-$h"
	echo "$h ansible_connection=local ansible_python_interpreter=$(command -v python3) vhostfix_root=$work/$h vhostfix_bin=$VHOSTFIX" >>"$work/hosts"
	# What the fix should give, and whether it writes at all.
	rc=0
	"$VHOSTFIX" --root "$work/expect-$h" fix --all --yes \
	    >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 0 ] || fail "$h: vhostfix fix --all --yes exited $rc"
	if diff -r "$F/$c/root" "$work/expect-$h" >/dev/null; then
		echo "$h 0" >>"$work/want-changed"
	else
		echo "$h 1" >>"$work/want-changed"
	fi
	rm -rf "$work/expect-$h/var"
done
sort -o "$work/want-changed" "$work/want-changed"
grep -q ' 1$' "$work/want-changed" && grep -q ' 0$' "$work/want-changed" ||
    fail "the trees should include fixed and untouched hosts: $(cat "$work/want-changed")"

snapshot() {
	(cd "$work" && for hc in $hosts; do
		find "${hc%%:*}" -type f -exec sha256sum {} +
	done) | sort
}
# "web1 : ok=1 changed=1 ..." -> "web1 1"
recap() {
	sed -n 's/^\(web[0-9]\) *: ok=[0-9]* *changed=\([0-9]*\).*/\1 \2/p' "$1" |
	    sort
}
play() {	# play OUT N: the Nth command
	(cd "$work" && eval "$(cmd "$2")") >"$1" 2>&1
}

# --check --diff: the diffs, changed where a fix would write, nothing written.
snapshot >"$work/before"
play "$work/check.out" 5 ||
    fail "fix.yml --check --diff failed: $(tail -20 "$work/check.out")"
snapshot >"$work/after-check"
cmp -s "$work/before" "$work/after-check" ||
    fail "--check --diff changed files"
recap "$work/check.out" >"$work/check.recap"
cmp -s "$work/want-changed" "$work/check.recap" ||
    fail "--check recap: $(tr '\n' ' ' <"$work/check.recap"), want $(tr '\n' ' ' <"$work/want-changed")"
grep -q '^+.*ProxyPassReverse / http://127.0.0.1/' "$work/check.out" ||
    fail "--diff does not show the ProxyPassReverse fix"
grep -q '^-.*ProxyPassReverse / unix:' "$work/check.out" ||
    fail "--diff does not show the broken line removed"

# The fleet report (before the fix, so every host has its findings): its
# rows are each host's check findings.
play "$work/report.out" 4 ||
    fail "fleet-report.yml failed: $(tail -20 "$work/report.out")"
for hc in $hosts; do
	h=${hc%%:*}
	"$VHOSTFIX" --root "$work/$h" check --format json >"$work/$h.json" 2>/dev/null
done
python3 - "$work" $hosts <<'PY' || fail "the fleet report does not match the checks"
import collections, csv, json, sys
work, hosts = sys.argv[1], [h.split(":")[0] for h in sys.argv[2:]]
rows = list(csv.DictReader(open(work + "/report/vhostfix-report.csv")))
md = open(work + "/report/vhostfix-report.md").read()
bad = 0
for h in hosts:
    doc = json.load(open("%s/%s.json" % (work, h)))
    want = collections.Counter()
    for v in doc["vhosts"]:
        for f in v["findings"]:
            want[(f["rule"], f["severity"], f["file"], f["line"])] += 1
    for f in doc["findings"]:
        want[(f["rule"], f["severity"], f["file"] or "", f["line"])] += 1
    got = collections.Counter((r["rule"], r["severity"], r["file"],
                               int(r["line"])) for r in rows if r["host"] == h)
    if got != want:
        print("%s: csv %s, check %s" % (h, dict(got), dict(want)),
              file=sys.stderr)
        bad = 1
    sect = md.split("## %s\n" % h)
    if len(sect) != 2:
        print("%s: no Markdown section" % h, file=sys.stderr)
        bad = 1
        continue
    body = sect[1].split("\n## ")[0]
    per_rule = collections.Counter()
    for (rule, sev, _, _), n in want.items():
        per_rule[(rule, sev)] += n
    for (rule, sev), n in per_rule.items():
        if "| %s | %s | %d |" % (rule, sev, n) not in body:
            print("%s: no Markdown row for %s %s %d" % (h, rule, sev, n),
                  file=sys.stderr)
            bad = 1
    if not want and "No findings." not in body:
        print("%s: a host without findings is not said so" % h,
              file=sys.stderr)
        bad = 1
sys.exit(bad)
PY

# fail_on and ignore, and a failure carrying vhostfix's message (ad hoc,
# on web1, which has an error and a warning before the fix).
adhoc() {	# adhoc OUT HOST ARGS
	(cd "$work" && ansible "$2" -i hosts -m vhostfix.apache.vhostfix \
	    -a "root={{ vhostfix_root }} binary={{ vhostfix_bin }} $3") \
	    >"$1" 2>&1
}
adhoc "$work/failon.out" web1 "state=checked fail_on=warning" &&
    fail "fail_on=warning passed on a tree with an error"
grep -q 'finding(s) at or above warning' "$work/failon.out" ||
    fail "fail_on: $(tail -5 "$work/failon.out")"
adhoc "$work/ignore.out" web1 "state=checked fail_on=info ignore=reverse-socket-prefix,socket-missing,forwarded-proto-spoofable" ||
    fail "ignore: $(tail -5 "$work/ignore.out")"
cp -a "$work/web1" "$work/web1-copy"
snapshot >"$work/before-rollback"
(cd "$work" && ansible web1 -i hosts -m vhostfix.apache.vhostfix \
    -a "root=$work/web1-copy binary={{ vhostfix_bin }} state=fixed configtest='echo AH00526: Syntax error; exit 1'") \
    >"$work/rolled.out" 2>&1 && fail "a failing configtest did not fail the task"
grep -q 'configtest failed.*restored.*AH00526' "$work/rolled.out" ||
    fail "the rollback message is not vhostfix's: $(tail -8 "$work/rolled.out")"
diff -r -x var -x run "$work/web1" "$work/web1-copy" >/dev/null ||
    fail "the rolled back tree differs"
(cd "$work" && ansible web1 -i hosts -m vhostfix.apache.vhostfix \
    -a "root=$work/web1-copy binary={{ vhostfix_bin }} vhost=no.such.example") \
    >"$work/unknown.out" 2>&1 && fail "an unknown vhost did not fail the task"
grep -q "unknown vhost 'no.such.example'" "$work/unknown.out" ||
    fail "exit 2 message: $(tail -5 "$work/unknown.out")"
rm -rf "$work/web1-copy"

# The real run: changed exactly where it wrote, the trees as fix --yes.
play "$work/run1.out" 6 ||
    fail "fix.yml failed: $(tail -20 "$work/run1.out")"
recap "$work/run1.out" >"$work/run1.recap"
cmp -s "$work/want-changed" "$work/run1.recap" ||
    fail "first run recap: $(tr '\n' ' ' <"$work/run1.recap"), want $(tr '\n' ' ' <"$work/want-changed")"
for hc in $hosts; do
	h=${hc%%:*}
	diff -r -x var "$work/expect-$h" "$work/$h" >"$work/d-$h" ||
	    fail "$h: the tree differs from fix --all --yes: $(head -5 "$work/d-$h")"
	if grep -q "^$h 1" "$work/want-changed"; then
		ls "$work/$h/var/backups/vhostfix" >/dev/null 2>&1 ||
		    fail "$h: written without a backup set"
	elif [ -e "$work/$h/var/backups/vhostfix" ]; then
		fail "$h: a backup set where nothing was to change"
	fi
done

# The second run changes nothing.
play "$work/run2.out" 6 ||
    fail "second fix.yml failed: $(tail -20 "$work/run2.out")"
recap "$work/run2.out" >"$work/run2.recap"
[ "$(awk '$2 != 0' "$work/run2.recap")" = "" ] && [ -s "$work/run2.recap" ] ||
    fail "second run recap: $(tr '\n' ' ' <"$work/run2.recap")"

[ "$failed" -eq 0 ] && echo "ansible: the collection checks, fixes and reports on 6 hosts"
exit "$failed"
