#!/bin/sh
# Wizard 2 (issue 16): a tree of 20,000 vhosts shows its list before the
# diagnosis ends (rows "checking", the header's progress), moves and the
# filter answer meanwhile, the rows keep Apache's order until the end,
# and the counts at the end are check's.  A key that needs findings waits
# for them and acts on the row that was under the cursor.
. "$top_srcdir/tests/wizard/lib.sh"

"$top_srcdir/bench/gen-tree.sh" "$ROOT" 20000 one >/dev/null ||
    fail "cannot generate the tree"
# Three fine vhosts Apache reads first: while the diagnosis runs they head
# the list; once it ends, the 20,000 with errors come first.
for i in 0 1 2; do
	cat <<EOT
<VirtualHost 127.0.0.1:8080>
    ServerName fine$i.example.com
    ProxyPass / http://127.0.0.1:8000/
    ProxyPassReverse / http://127.0.0.1:8000/
</VirtualHost>
EOT
done > "$ROOT/etc/apache2/sites-enabled/000-fine.conf"

# check's figures: vhosts with errors, with warnings (and no error)
"$VHOSTFIX" --root "$ROOT" check --format json >"$W/check.json" 2>/dev/null
counts=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sev = [set(f["severity"] for f in v["findings"]) for v in d["vhosts"]]
print("%d virtual hosts: %d with errors, %d with warnings" % (len(sev),
    sum("error" in s for s in sev),
    sum("warning" in s and "error" not in s for s in sev)))' "$W/check.json") ||
    fail "check --format json"
case $counts in
"20003 virtual hosts: 20000 with errors, 0 with warnings") ;;
*) fail "check says: $counts" ;;
esac

start_wizard ""
wait_for "Step 1 of 7 Virtual hosts" "fine0.example.com"
s=$(screen)
case $s in
*"20003 virtual hosts: checking, "*"% done"*) ;;
*) fail "the first screen waited for the diagnosis" ;;
esac
# Apache's order meanwhile: the fine vhosts first, then site0
echo "$s" | grep -A1 "fine2\.example\.com" | grep -q "site0\.example\.com" ||
    fail "rows not in Apache's order while checking"
# the last rows are not diagnosed yet, and say so
keys End
wait_for "20003/20003"
screen | grep -q "checking  *site19999\.example\.com" ||
    fail "the last row does not say it is being checked"
keys Home
wait_for " 1/20003"
# the filter answers while the diagnosis runs
keys / f i n e 1
wait_for "filter: fine1"
keys Enter Escape
wait_for "fine2.example.com"
wait_for "$counts"
# the cursor stayed on its vhost (now near the end), and the vhosts with
# errors come first
screen | grep -q "▶ i info    fine1\.example\.com" ||
    fail "the cursor left its vhost when the rows were ranked"
keys Home
wait_for " 1/20003"
screen | grep -A2 "File:line" | grep -q "site0\.example\.com" ||
    fail "errors not ranked first after the diagnosis"
screen | grep -q "fine0\.example\.com" && fail "fine vhosts still on top"
# a filter on the full heading: the filter and the counter stay apart
keys / s i t e 1 2 3 4 5 Enter
wait_for "filter: site12345" "0 marked  1/1"
keys Escape
wait_for "$counts"
keys q
wait_exit >/dev/null

# Enter while checking: the wizard finishes the diagnosis, then opens the
# row that was under the cursor (fine1, though the rows were re-ranked)
start_wizard ""
wait_for "Step 1 of 7 Virtual hosts" "fine0.example.com"
screen | grep -q "checking, " || fail "the diagnosis ended before the test"
keys j Enter
wait_for "Step 2 of 7 Diagnosis: fine1.example.com"
keys Escape
wait_for "$counts"
# marking the 20,000 and Enter: the long preparation says so at once
keys a
wait_for "20000 marked:"
keys Enter
wait_for "Preparing the fix for 20000 vhosts..."
pid=$(wizard_pid)
[ -n "$pid" ] && kill -KILL "$pid"
exit 0
