#!/bin/bash
# make bench: vhostfix against Apache's own parse on generated hosting
# trees (issue "Scale").  Prints a table of medians, ratios and peak RSS,
# and PASS/FAIL per target; exits 1 if a target is missed.
#   VHOSTFIX   the binary (default: src/vhostfix in the build dir)
#   RUNS       hyperfine runs per command (default 10)
set -u
here=$(cd "$(dirname "$0")" && pwd)
V=${VHOSTFIX:-$PWD/src/vhostfix}
RUNS=${RUNS:-10}
APACHE=${APACHE:-/usr/sbin/apache2}
for t in hyperfine tmux python3 /usr/bin/time "$APACHE"; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "bench: $t is missing (apt-get install hyperfine time tmux apache2)" >&2
		exit 2
	}
done
work=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-bench.XXXXXX")
sock="vhostfix-bench-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/run"
export APACHE_RUN_DIR=$work/run APACHE_PID_FILE=$work/run/pid \
    APACHE_RUN_USER=www-data APACHE_RUN_GROUP=www-data \
    APACHE_LOG_DIR=$work/run APACHE_LOCK_DIR=$work/run

"$here/gen-tree.sh" "$work/files2000" 2000
"$here/gen-tree.sh" "$work/files4000" 4000
"$here/gen-tree.sh" "$work/one2000" 2000 one
"$here/gen-tree.sh" "$work/small20" 20
"$here/gen-tree.sh" "$work/files20000" 20000

# median seconds of a command (hyperfine), peak RSS in KB (/usr/bin/time)
median() {
	hyperfine -N --style none --warmup 2 --runs "$RUNS" -i \
	    --export-json "$work/h.json" "$1" >/dev/null 2>&1
	python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$work/h.json"
}
rss() {
	/usr/bin/time -f %M -o "$work/rss" sh -c "$1" >/dev/null 2>&1
	tail -n 1 "$work/rss"
}
apache_cmd() {
	echo "$APACHE -t -D DUMP_VHOSTS -d $1/etc/apache2 -f $1/etc/apache2/apache2.conf"
}
check_cmd() {
	echo "$V --root $1 check"
}

failed=0
verdict() {	# verdict OK-EXPRESSION
	if python3 -c "import sys; sys.exit(0 if ($1) else 1)"; then
		echo PASS
	else
		echo FAIL
		failed=$((failed + 1))
	fi
}

printf '%-34s %10s %10s %7s %10s %10s %6s  %s\n' tree vhostfix apache ratio \
    "rss KB" "apache KB" "rss x" target
for t in files2000 one2000; do
	"$APACHE" -t -d "$work/$t/etc/apache2" -f "$work/$t/etc/apache2/apache2.conf" \
	    >/dev/null 2>&1 || { echo "bench: apache2 rejects the $t tree" >&2; exit 2; }
	v=$(median "$(check_cmd "$work/$t")")
	a=$(median "$(apache_cmd "$work/$t")")
	vr=$(rss "$(check_cmd "$work/$t")")
	ar=$(rss "$(apache_cmd "$work/$t")")
	r=$(python3 -c "print('%.2f' % ($v / $a))")
	m=$(python3 -c "print('%.2f' % ($vr / $ar))")
	printf '%-34s %9ss %9ss %7s %10s %10s %6s  %s\n' "check, $t" "$v" "$a" \
	    "$r" "$vr" "$ar" "$m" "ratio<=1.0, rss<=2x: $(verdict "$r <= 1.0 and $m <= 2.0")"
done
v2=$(median "$(check_cmd "$work/files2000")")
v4=$(median "$(check_cmd "$work/files4000")")
g=$(python3 -c "print('%.2f' % ($v4 / $v2))")
printf '%-34s %9ss %10s %7s %32s  %s\n' "check, files4000 vs files2000" "$v4" "" \
    "$g" "" "<=2.2x: $(verdict "$g <= 2.2")"
s=$(median "$(check_cmd "$work/small20")")
printf '%-34s %9ss %51s  %s\n' "check, small20" "$s" "" \
    "<=30 ms: $(verdict "$s <= 0.030")"
d=$(median "$V --root $work/files2000 fix site1000.example.com --dry-run")
printf '%-34s %9ss %51s  %s\n' "fix --dry-run 1 vhost, files2000" "$d" "" \
    "<=0.2 s: $(verdict "$d <= 0.2")"

# fix --all --dry-run on a hosting server: at most twice check's time on
# the same tree, peak memory at most Apache's own for apache2 -t there.
# One file per vhost, and all 20,000 in one file: one diff of 20,000
# hunks through 260,000 lines (its search once grew to 24 GB there).
"$here/gen-tree.sh" "$work/one20000" 20000 one
for t in files20000 one20000; do
	"$APACHE" -t -d "$work/$t/etc/apache2" \
	    -f "$work/$t/etc/apache2/apache2.conf" >/dev/null 2>&1 ||
	    { echo "bench: apache2 rejects the $t tree" >&2; exit 2; }
	fixall="$V --root $work/$t fix --all --dry-run"
	c=$(RUNS=3 median "$(check_cmd "$work/$t")")
	f=$(RUNS=3 median "$fixall")
	fr=$(rss "$fixall")
	ar=$(rss "$(apache_cmd "$work/$t")")
	r=$(python3 -c "print('%.2f' % ($f / $c))")
	m=$(python3 -c "print('%.2f' % ($fr / $ar))")
	printf '%-34s %9ss %9ss %7s %10s %10s %6s  %s\n' \
	    "fix --all --dry-run, $t" "$f" "$c" "$r" "$fr" "$ar" "$m" \
	    "vs check <=2.0, rss<=apache: $(verdict "$r <= 2.0 and $m <= 1.0")"
done

# The wizard's first screen: time from start until the list is drawn, in
# a real terminal (tmux, its server started beforehand so its own start-up
# is not counted), median of 5.  The screen is polled every 10 ms (a poll
# without a pause would take a core from the program measured), and each
# run starts once the previous one has exited (freeing 20,000 vhosts
# must not overlap the next start).
# kill_and_wait WINDOW: close it and wait for its program to exit.
kill_and_wait() {
	local pid
	pid=$(tmux -L "$sock" display -p -t "idle:$1" '#{pane_pid}' 2>/dev/null)
	tmux -L "$sock" kill-window -t "idle:$1" 2>/dev/null
	while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do
		sleep 0.01
	done
}
# wait_screen WINDOW REGEX LIMIT [STEP]: poll WINDOW until it shows REGEX,
# for LIMIT seconds at most, every STEP (0.01) seconds.
wait_screen() {
	local start=${EPOCHREALTIME/./}
	until tmux -L "$sock" capture-pane -p -t "idle:$1" 2>/dev/null |
	    grep -q "$2"; do
		[ $(( ${EPOCHREALTIME/./} - start )) -lt $(( $3 * 1000000 )) ] ||
		    break
		sleep "${4:-0.01}"
	done
}
# wizard_open WINDOW ROOT LIMIT: start the wizard on ROOT in WINDOW and
# wait for its list (LIMIT seconds at most); t0 and t1 frame the wait.
wizard_open() {
	t0=${EPOCHREALTIME/./}
	tmux -L "$sock" new-window -d -t idle: -n "$1" \
	    "env LC_ALL=C.UTF-8 TERM=xterm-256color $V --root $2"
	wait_screen "$1" 'site[0-9]*\.example\.com' "$3"
	t1=${EPOCHREALTIME/./}
}
# secs: from t0 to t1 in seconds.
secs() {
	printf '%d.%04d' $(( (t1 - t0) / 1000000 )) \
	    $(( (t1 - t0) % 1000000 / 100 ))
}
tmux -L "$sock" new-session -d -x 100 -y 30 -s idle "sleep 600"
first=()
for i in 1 2 3 4 5; do
	wizard_open "w$i" "$work/files2000" 10
	kill_and_wait "w$i"
	first+=("$(secs)")
done
tmux -L "$sock" kill-server 2>/dev/null
w=$(printf '%s\n' "${first[@]}" | sort -n | sed -n 3p)
printf '%-34s %9ss %51s  %s\n' "wizard first screen, files2000" "$w" "" \
    "<=0.5 s: $(verdict "$w <= 0.5")"

# The wizard on 20,000 vhosts (issue 16): the first screen, and the
# response to one keystroke of the list's filter (from the key sent to the
# list drawn with the new filter; the filter leaves one row), median of 5.
"$here/gen-tree.sh" "$work/files20000" 20000
tmux -L "$sock" new-session -d -x 100 -y 30 -s idle "sleep 600"
first=()
key=()
for i in 1 2 3 4 5; do
	wizard_open "w$i" "$work/files20000" 60
	first+=("$(secs)")
	tmux -L "$sock" send-keys -t "idle:w$i" / s i t e 1 9 9 9
	wait_screen "w$i" 'filter: site1999 ' 20
	sleep 0.3
	t0=${EPOCHREALTIME/./}
	tmux -L "$sock" send-keys -t "idle:w$i" 9
	wait_screen "w$i" 'filter: site19999' 20 0.002
	t1=${EPOCHREALTIME/./}
	key+=("$(secs)")
	kill_and_wait "w$i"
done
tmux -L "$sock" kill-server 2>/dev/null
w=$(printf '%s\n' "${first[@]}" | sort -n | sed -n 3p)
printf '%-34s %9ss %51s  %s\n' "wizard first screen, files20000" "$w" "" \
    "<=0.5 s: $(verdict "$w <= 0.5")"
k=$(printf '%s\n' "${key[@]}" | sort -n | sed -n 3p)
printf '%-34s %9ss %51s  %s\n' "wizard filter keystroke, files20000" "$k" \
    "" "<=50 ms: $(verdict "$k <= 0.050")"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n1)"
[ "$failed" -eq 0 ]
