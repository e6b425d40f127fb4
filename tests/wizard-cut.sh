#!/bin/sh
# Wizard 2 (issue 16): no screen cuts a word at its right edge.  The walk
# goes through every step of the demo, a single vhost and a batch, with
# each step's help, at 80x24 and at 60x16 (the minimum), paging through
# what scrolls; every line that reaches the last columns must end with the
# "more" mark, a frame, or a whole word of the program's or the tree's
# text (a cut word, "revi" of "review", is neither).
. "$top_srcdir/tests/wizard/lib.sh"

# The words a screen may end with: the program's strings and the tree's.
{
	strings -n 6 "$VHOSTFIX"
	find "$ROOT" -type f -exec cat {} +
} | tr -c 'A-Za-z0-9\n' '\n' | sort -u >"$W/words"

N=0
# snap: keep the screen for the check at the end
snap() {
	N=$((N + 1))
	screen >"$W/snap.$COLSNOW.$N"
}

# pages KEYS...: snap, then page down until the screen stays the same
pages() {
	snap
	i=0
	while [ $i -lt 30 ]; do
		prev=$(screen)
		keys "$@"
		sleep 0.2
		[ "$(screen)" = "$prev" ] && break
		snap
		i=$((i + 1))
	done
}

# help: the step's help, scrolled to its end, then closed
help() {
	keys '?'
	wait_for "close help"
	pages j
	keys x
	wait_gone "close help"
}

walk() {
	COLSNOW=$1
	new_tree "$ROOT"
	start_wizard "" --no-configtest
	wait_for "Step 1 of 7 Virtual hosts"
	tmux -S "$SOCK" resize-window -t wiz -x "$1" -y "$2"
	sleep 0.3
	# the list, with a filter, and with marks
	snap
	help
	keys / e x a m p l e Enter
	wait_for "filter: example"
	snap
	keys Escape A
	wait_for "3 marked"
	snap
	# the batch: its Host step says "one answer for all"
	keys Enter
	wait_for "Step 2 of 7 Diagnosis: 4 vhosts"
	pages NPage
	keys Enter
	wait_for "Step 3 of 7 Host header: 4 vhosts"
	snap
	help
	keys n
	wait_for "Step 4 of 7 Extras: 4 vhosts"
	snap
	help
	keys Enter
	wait_for "Step 5 of 7 Review the diff: 4 vhosts"
	pages NPage
	help
	keys q
	wait_for "A change is prepared" "y yes   n no"
	snap
	keys y
	wait_exit >/dev/null

	# one vhost, written, to the Done step
	new_tree "$ROOT"
	start_wizard "" --no-configtest
	wait_for "Step 1 of 7 Virtual hosts"
	tmux -S "$SOCK" resize-window -t wiz -x "$1" -y "$2"
	sleep 0.3
	keys Enter
	wait_for "Step 2 of 7 Diagnosis: app.example.com"
	pages NPage
	help
	keys Enter n
	wait_for "Step 4 of 7 Extras: app.example.com"
	keys Enter
	wait_for "Step 5 of 7 Review the diff"
	keys Enter
	wait_for "Step 6 of 7 Write"
	pages NPage
	help
	keys y
	wait_for "Enter continue"
	keys Enter
	wait_for "Step 7 of 7 Done"
	pages NPage
	help
	keys q
	wait_exit >/dev/null
}

walk 80 24
walk 60 16

python3 - "$W/words" "$W"/snap.* <<'PY' || fail "a word cut at the right edge"
import re, sys
words = set(open(sys.argv[1]).read().split())
bad = 0
for name in sys.argv[2:]:
    cols = int(name.split(".")[-2])
    for line in open(name, encoding="utf-8").read().split("\n"):
        t = line.rstrip()
        # the text view's scroll marks in the last column
        if len(t) == cols and t[-1] in "v^":
            t = t[:-1].rstrip()
        if len(t) < cols - 2:
            continue
        m = re.search(r"[A-Za-z0-9]+$", t)
        if m is None or m.group(0) in words:
            continue
        print("cut at %d columns: %s" % (cols, line), file=sys.stderr)
        bad += 1
sys.exit(1 if bad else 0)
PY
exit 0
