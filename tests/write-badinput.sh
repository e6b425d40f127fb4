#!/bin/sh
# Inputs that used to hang, crash or surprise:
#  - a FIFO where a config file is expected (check, fix, --config);
#  - a 16 MB config file, and 1 MB that only Augeas can read;
#  - --root '', --configtest '', --reload on a tree that is not / (the
#    demo) without --reload-cmd;
#  - the demo's private copy after SIGINT, SIGHUP and a closed pipe.
# Each is refused (or reported) with a clear message, quickly.
. "$top_srcdir/tests/write/lib.sh"

# refused MAXRC MESSAGE COMMAND...: each "vhostfix --root $R COMMAND"
# ends within 30 s, exits at most MAXRC and says MESSAGE (out or err).
refused() {
	local max=$1 msg=$2 cmd
	shift 2
	for cmd in "$@"; do
		rc=0
		timeout 30 "$VHOSTFIX" --root "$R" $cmd >"$work/out" \
		    2>"$work/err" || rc=$?
		[ "$rc" -ne 124 ] || fail "$cmd: hangs"
		[ "$rc" -le "$max" ] || fail "$cmd: exit $rc"
		cat "$work/out" "$work/err" >"$work/all"
		has "$work/all" "$msg" "$cmd"
	done
}

en=etc/apache2/sites-enabled
newroot b1
mkfifo "$R/$en/fifo.conf"
refused 2 "/$en/fifo.conf: not a regular file (a FIFO, socket or device)" \
    "check" "fix --all --dry-run" "fix --all --yes --no-configtest"
rm "$R/$en/fifo.conf"
mkfifo "$R/main.fifo"
rc=0
timeout 20 "$VHOSTFIX" --root "$R" --config /main.fifo check >"$work/out" \
    2>"$work/err" || rc=$?
[ "$rc" -eq 2 ] || fail "--config FIFO: exit $rc, not 2"
rm "$R/main.fifo"
pass "a FIFO is refused, not read"

# 16 MB of vhosts (Augeas crashed on it), then 1 MB of continuation lines
# (Augeas took 22 s on it): refused before Augeas sees them.
awk 'BEGIN { for (i = 0; i < 260000; i++) printf "<VirtualHost *:80>\n\tServerName h%d.example.com\n</VirtualHost>\n", i }' \
    >"$R/$en/big.conf"
[ "$(stat -c %s "$R/$en/big.conf")" -gt 16000000 ] || fail "big.conf too small"
refused 1 "/$en/big.conf: file too large (over 12 MB): not read" \
    "check" "fix --all --dry-run"
awk 'BEGIN { for (i = 0; i < 9000; i++) printf "<VirtualHost *:80>\n\tServerName h%d.example.com\n\tProxyPass / \\\n\t\thttp://127.0.0.1:8000/\n</VirtualHost>\n", i }' \
    >"$R/$en/big.conf"
t0=$(date +%s)
rc=0
timeout 30 "$VHOSTFIX" --root "$R" check >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" -eq 1 ] || fail "1 MB for Augeas: exit $rc, not 1"
[ $(($(date +%s) - t0)) -lt 10 ] || fail "1 MB for Augeas: too slow"
has "$work/out" "only the full Augeas parse reads" "1 MB for Augeas"
rm "$R/$en/big.conf"
pass "big files are refused with a message, quickly"

newroot b2
vf "$work/out" "$work/err" --root '' check
[ "$rc" -eq 2 ] || fail "--root '': exit $rc, not 2"
has "$work/err" "--root needs a directory"
vf "$work/out" "$work/err" --root "$R" fix --all --yes --configtest ''
[ "$rc" -eq 2 ] || fail "--configtest '': exit $rc, not 2"
has "$work/err" "the configtest command is empty"
before=$(snap "$R")
vf "$work/out" "$work/err" --root "$R" fix --all --yes --configtest ' '
[ "$rc" -eq 2 ] || fail "--configtest ' ': exit $rc, not 2"
[ "$(snap "$R")" = "$before" ] || fail "--configtest ' ': files written"
pass "empty --root and --configtest are refused"

# --reload on the demo would reload this machine's Apache: a fake
# apache2ctl first in PATH tells whether it was run.
mkdir -p "$work/bin" "$work/dtmp"
printf '#!/bin/sh\ntouch "%s/reloaded"\n' "$work" >"$work/bin/apache2ctl"
chmod +x "$work/bin/apache2ctl"
rc=0
PATH=$work/bin:$PATH TMPDIR=$work/dtmp "$VHOSTFIX" --demo fix --all --yes \
    --no-configtest --reload >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" -eq 2 ] || fail "--demo --reload: exit $rc, not 2"
has "$work/err" "--reload would reload this machine's Apache"
[ ! -e "$work/reloaded" ] || fail "--demo --reload reloaded the machine's Apache"
pass "--reload outside / needs --reload-cmd"

# The demo copy goes whatever ends the run.  A held lock keeps vhostfix
# waiting (without handlers of its own) while the signal comes.
mkdir -m 0700 "$work/bk"
sh -c 'exec 9>>"$1"; flock 9; exec sleep 2995' sh "$work/bk/.lock" &
bgpids="$bgpids $!"
for sig in INT HUP TERM; do
	TMPDIR=$work/dtmp python3 -c '
import os, signal, sys
for s in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
    signal.signal(s, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' "$VHOSTFIX" --demo fix --all --yes \
	    --no-configtest --backup-dir "$work/bk" >/dev/null 2>&1 &
	pid=$!
	bgpids="$bgpids $pid"
	wait_until 10 sh -c "ls -A '$work/dtmp' | grep -q ." ||
	    fail "SIG$sig: no demo copy made"
	sleep 0.5
	kill -s "$sig" "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -gt 128 ] || fail "SIG$sig: exit $rc, not killed by the signal"
	[ -z "$(ls -A "$work/dtmp")" ] ||
	    fail "SIG$sig: the demo copy was left: $(ls "$work/dtmp")"
done
# A signal while the copy is still being made.
for delay in 0.01 0.03 0.06 0.1; do
	TMPDIR=$work/dtmp "$VHOSTFIX" --demo fix --all --yes --no-configtest \
	    --backup-dir "$work/bk" >/dev/null 2>&1 &
	pid=$!
	bgpids="$bgpids $pid"
	sleep "$delay"
	kill -s TERM "$pid"
	wait "$pid"
	[ -z "$(ls -A "$work/dtmp")" ] ||
	    fail "SIGTERM after ${delay}s: the demo copy was left"
	rm -rf "$work/dtmp"/*
done
# A closed pipe: `fix --dry-run | head` when head is gone already.
rc=$(TMPDIR=$work/dtmp python3 -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.Popen(sys.argv[1:], stdout=w, stderr=subprocess.DEVNULL)
os.close(w)
print(p.wait())' "$VHOSTFIX" --demo fix --all --dry-run)
[ "$rc" = "-13" ] || fail "closed pipe: status $rc, not SIGPIPE"
[ -z "$(ls -A "$work/dtmp")" ] || fail "SIGPIPE: the demo copy was left"
pass "no demo copy left after SIGINT, SIGHUP, SIGTERM, SIGPIPE"
finish
