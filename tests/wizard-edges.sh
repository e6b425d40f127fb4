#!/bin/sh
# Wizard 2 (issue 16): the rough edges a first-time user hit, one
# assertion each, at 80x24.
. "$top_srcdir/tests/wizard/lib.sh"

# "Step 1 of 7", not "1/7" (read as "vhost 1 of 7")
start_wizard "" --no-configtest
wait_for "Step 1 of 7 Virtual hosts"

# the help overlay has the legend of the status glyphs
keys '?'
wait_for "✗ error   ! warning   i info   ✓ fine   * marked"
keys x

# a line cut at the right edge says so; a command to copy is wrapped,
# never cut
keys Enter
wait_for "Step 2 of 7 Diagnosis: app.example.com"
keys Enter n Enter
wait_for "Step 5 of 7 Review the diff"
screen | grep -q "^diff --git a/etc/apache2/sites-available/app.*…$" ||
    fail "a line cut at the edge has no marker"
keys q y
wait_exit >/dev/null

# a vhost with nothing to fix says so and offers no "Enter fix it"
start_wizard "" --no-configtest
wait_for "Step 1 of 7 Virtual hosts"
keys / b l o g Enter Enter
wait_for "Step 2 of 7 Diagnosis: blog.example.com" "Nothing to fix."
screen | grep -q "Enter fix it" && fail "Enter fix it offered with nothing to fix"
keys Escape q
wait_exit >/dev/null

# dry run: the review offers to save a patch, never "write"
start_wizard "" --dry-run
wait_for "Step 1 of 7 Virtual hosts"
keys Enter Enter n Enter
wait_for "Step 5 of 7 Review the diff" "Enter save patch..."
screen | grep -q "Enter write" && fail "Enter write... in a dry run"
keys q y
wait_exit >/dev/null

# too small: q gets out, and the screen says so
start_wizard "" --no-configtest
wait_for "Step 1 of 7 Virtual hosts"
tmux -S "$SOCK" resize-window -t wiz -x 40 -y 10
wait_for "Terminal too small" "q quits."
keys q
rc=$(wait_exit)
[ "$rc" = 0 ] || fail "q on the too-small screen: exit $rc"
assert_tty_restored

# ASCII: "fine" is "ok", not "+"
start_wizard "" --ascii
wait_for "ok fine"
keys q
wait_exit >/dev/null

# a vt100: the batch marks, the legend and the batch's steps in ASCII
start_wizard "TERM=vt100" --no-configtest
wait_for "Step 1 of 7 Virtual hosts" "ok fine"
# (A marks app, wiki and the secure 80/443 pair: three rows, four vhosts;
# End Space adds shop, whose ProxyPreserveHost On differs from theirs)
keys A
wait_for "3 marked" ">*X error"
keys End Space
wait_for "4 marked" ">*i info    shop.example.com"
keys '?'
wait_for "X error   ! warning   i info   ok fine   * marked"
keys x Enter
wait_for "Step 2 of 7 Diagnosis: 5 vhosts"
screen | grep -q "[─✗✓▶…•]" && fail "UTF-8 glyphs on a vt100"
keys Enter
wait_for "(*) Keep each vhost's own setting" "( ) No, send the backend's"
screen | grep -q "[─✗✓▶…•]" && fail "UTF-8 glyphs on a vt100"
keys q y
wait_exit >/dev/null

# the list names the nameless vhost as `vhostfix list` does, shows an
# info as one, and `a` with no errors left says so
new_tree "$ROOT"
start_wizard "" --no-configtest
wait_for "Step 1 of 7 Virtual hosts" "(default vhost)    *:80" \
    "i info    shop.example.com"
keys / b l o g Enter a
wait_for "No vhost has errors."
keys Escape q
wait_exit >/dev/null

# 60x16, the minimum: the key line keeps help and quit, the help scrolls,
# the quit question wraps, the review's Host list shows each answer
start_wizard "" --no-configtest
wait_for "Step 1 of 7 Virtual hosts"
tmux -S "$SOCK" resize-window -t wiz -x 60 -y 16
wait_for "Enter diagnose" "?/F1 help  q quit"
# the heading's counts and counter apart, each file told apart
wait_for "7 vhosts: 2 errors, 1 warning   " "0 marked  1/6" \
    "app.example…conf:3" "wiki.exampl…conf:3"
keys A Enter
wait_for "Step 2 of 7 Diagnosis: 4 vhosts"
keys Enter n Enter
wait_for "Step 5 of 7 Review the diff: 4 vhosts" "?/F1 help  q quit"
keys Down Down
wait_for "preserved: no  secure.example.com *:443"
keys '?'
wait_for "more below: j/Down, PgDn" "j/k scroll  any other key: close help"
screen | grep -q "q                quit" && fail "help fits at 60x16?"
keys PageDown PageDown
wait_for "q                quit (asks first if a change is"
wait_gone "more below"
keys x
wait_gone "close help"
keys q
wait_for "Quit without" "writing it?" "y yes   n no"
keys y
wait_exit >/dev/null

# keys that are off say why: r and s on the Write step outside a dry run,
# r on Done with no running system and no --reload-cmd
new_tree "$ROOT"
start_wizard "" --no-configtest
wait_for "Step 1 of 7 Virtual hosts"
keys Enter Enter n Enter Enter
wait_for "Step 6 of 7 Write"
keys r
wait_for "A reload needs the running system (--root /) or --reload-cmd."
keys s
wait_for "A patch is saved in a dry run (--dry-run); here y writes"
keys y
wait_for "Enter continue"
keys Enter
wait_for "Step 7 of 7 Done" "u undo"
keys r
wait_for "A reload needs the running system (--root /) or --reload-cmd."
keys q
wait_exit >/dev/null

# a vt100 (tmux sends xterm keys its terminfo lacks): PgDn on Done pages,
# not Esc and keys (which went back and lost the undo); an unknown
# sequence is swallowed; Esc alone still goes back
new_tree "$ROOT"
start_wizard "TERM=vt100" --no-configtest
wait_for "Step 1 of 7 Virtual hosts"
keys Enter Enter n Enter Enter y
wait_for "Enter continue"
keys Enter
wait_for "Step 7 of 7 Done" "u undo"
keys NPage
sleep 0.5
keys PPage End Home
sleep 0.5
tmux -S "$SOCK" send-keys -t wiz -l "$(printf '\033[99~')"
sleep 0.5
screen | grep -q "Step 7 of 7 Done" || fail "a key sequence left Done"
wait_for "u undo"
keys Escape
wait_for "Step 1 of 7 Virtual hosts"
keys q
wait_exit >/dev/null

# the demo: undo is offered while the wizard runs, not as a command that
# names a copy removed at exit
tmux -S "$SOCK" kill-server >/dev/null 2>&1
NSOCK=$((NSOCK + 1))
SOCK="$W/tmux.$NSOCK"
tmux -S "$SOCK" -f /dev/null new-session -d -s wiz -x 80 -y 24 -c "$W" \
    "env LC_ALL=C.UTF-8 TERM=xterm-256color '$VHOSTFIX' --demo \
    --no-configtest; exec sleep 600" || fail "tmux cannot start"
wait_for "Step 1 of 7 Virtual hosts"
keys Enter Enter n Enter Enter y
wait_for "Written: 1 file changed."
keys Enter
wait_for "Step 7 of 7 Done" "undo works while the wizard runs: press u."
screen | grep -q "or run later" && fail "the demo prints an undo command"
keys u y
wait_for "Undone: every file is back as it was"
# quit normally: the demo's copy is removed, the summary stays
keys Enter q
wait_for "vhostfix session: 0 files written (1 write undone)" \
    "undo works while the wizard runs (u on the Done screen)"
screen | sed -n '/^vhostfix session/,$p' | grep -q "vhostfix-demo\." &&
    fail "the summary names the demo's copy"
exit 0
