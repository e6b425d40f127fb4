#!/bin/sh
# cli.sh: the command table.  Every command takes exactly the options its
# 'COMMAND --help' lists: any other option of 'vhostfix --help' is refused
# with a usage error (exit 2) before anything runs, and none of the listed
# ones is.  -h is --help; an unknown command or option gets "did you
# mean"; a missing argument is named; extra arguments are refused; help
# texts fit 80 columns.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${VHOSTFIX:=$top_builddir/src/vhostfix}"

failed=0
checks=0
T=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-cli.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM HUP
mkdir "$T/empty"

. "$top_srcdir/tests/lib-compare.sh"

# run NAME ARGS...: run vhostfix (stdin not a terminal), keep its output
# in $T/NAME.out and .err and its exit status in $rc.
run()
{
	name=$1
	shift
	checks=$((checks + 1))
	rc=0
	"$VHOSTFIX" "$@" <"$T/empty-input" >"$T/$name.out" 2>"$T/$name.err" ||
	    rc=$?
}
: >"$T/empty-input"

# The "--name ARG" lines of a help text.
opts_of()
{
	awk '/^options:/ { on = 1; next } on && /^$/ { on = 0 }
	    on && /^  --/ { print $1, ($2 ~ /^[A-Z]+$/ || $2 ~ /\|/) ? $2 : "" }'
}

# A valid value for an option's argument.
value_for()
{
	case $1 in
	'') ;;
	*'|'*) echo "${1%%|*}" ;;
	DIR) echo "$T/empty" ;;
	*) echo "x" ;;
	esac
}

"$VHOSTFIX" --help | opts_of >"$T/all-opts"
[ -s "$T/all-opts" ] || { echo "FAIL: no options in --help" >&2; exit 1; }

# Each command against every option.  The tree is an empty directory, so
# whatever an accepted option lets run stops at loading (or at a missing
# backup set), and nothing is written anywhere.
# The wizard (no command) has no help of its own ('vhostfix --help' is
# everybody's): it takes every option but these.
grep -v -e '^--format ' -e '^--yes ' -e '^--all ' -e '^--list ' \
    -e '^--force ' -e '^--redo ' -e '^--fail-on ' -e '^--ignore ' -e '^--rule ' \
    -e '^--quiet ' -e '^--verbose ' -e '^--via ' -e '^--header ' \
    -e '^--location ' -e '^--probe ' -e '^--path ' "$T/all-opts" \
    >"$T/wizard-opts"
for cmd in "" list check fix explain probe verify rollback; do
	label=${cmd:-wizard}
	[ -n "$cmd" ] && "$VHOSTFIX" "$cmd" --help | opts_of >"$T/$label-opts"
	[ -s "$T/$label-opts" ] || fail "'$cmd --help' lists no options"
	while read -r opt arg; do
		case $opt in --help | --version) continue ;; esac
		val=$(value_for "$arg")
		root="--root $T/empty"
		[ "$opt" = --demo ] && root=
		# shellcheck disable=SC2086
		run "$label$opt" $root $cmd "$opt" ${val:+"$val"}
		# (by name: a command's --help lists only the values it
		# takes, e.g. fix's --format text|json)
		if grep -q -- "^$opt " "$T/$label-opts"; then
			grep -q "does not take" "$T/$label$opt.err" &&
			    fail "$label refuses $opt, which its --help lists"
		else
			[ "$rc" -eq 2 ] ||
			    fail "$label $opt: exit $rc, want 2 (usage)"
			grep -q "^vhostfix: .* does not take $opt\$" \
			    "$T/$label$opt.err" ||
			    fail "$label $opt: no 'does not take $opt'"
			grep -q "^usage: vhostfix" "$T/$label$opt.err" ||
			    fail "$label $opt: no usage line"
			[ -s "$T/$label$opt.out" ] &&
			    fail "$label $opt: printed on stdout"
		fi
	done <"$T/all-opts"
done

# The two the issue named: check --yes --force ran silently, fix --format
# json was ignored.  Now check refuses them, and fix refuses check's
# options (fix --format json is a document: tests/fixjson.sh); nothing is
# written.
cp -R "$top_srcdir/data/demo" "$T/tree"
chmod -R u+w "$T/tree"
(cd "$T/tree" && find . -type f -exec cksum {} + | sort) >"$T/before"
run checkyes --root "$T/tree" check --yes --force
[ "$rc" -eq 2 ] || fail "check --yes --force: exit $rc, want 2"
run fixjson --root "$T/tree" fix --all --yes --no-configtest --fail-on error
[ "$rc" -eq 2 ] || fail "fix --fail-on: exit $rc, want 2"
grep -q "fix does not take --fail-on" "$T/fixjson.err" ||
    fail "fix --fail-on: not refused"
(cd "$T/tree" && find . -type f -exec cksum {} + | sort) >"$T/after"
cmp -s "$T/before" "$T/after" || fail "a refused fix wrote to the tree"
[ -d "$T/tree/var/backups" ] && fail "a refused fix made a backup set"
# The accepted options still work together.
run checkjson --root "$T/tree" check --format json --color never
[ "$rc" -eq 1 ] || fail "check --format json: exit $rc, want 1"
grep -q '"rule":"reverse-socket-prefix"' "$T/checkjson.out" ||
    fail "check --format json: no finding in the JSON"

# -h is --help, globally and for a command.
run help --help
run h -h
[ "$rc" -eq 0 ] || fail "-h: exit $rc"
cmp -s "$T/help.out" "$T/h.out" || fail "-h does not print what --help does"
run checkh check -h
[ "$rc" -eq 0 ] || fail "check -h: exit $rc"
head -n 1 "$T/checkh.out" | grep -q "^usage: vhostfix check \[VHOST...\]" ||
    fail "check -h: no usage line of check"
grep -q -- "--yes" "$T/checkh.out" && fail "check -h lists --yes"
run fixh -h fix
grep -q -- "^  --dry-run" "$T/fixh.out" || fail "-h fix: no --dry-run"

# Unknown commands: near ones are suggested, else the list.
run chek chek
[ "$rc" -eq 2 ] || fail "chek: exit $rc, want 2"
grep -q "unknown command 'chek' (did you mean check?)" "$T/chek.err" ||
    fail "chek: no 'did you mean check?'"
run rollbak --root "$T/empty" rollbak
grep -q "did you mean rollback?" "$T/rollbak.err" ||
    fail "rollbak: no 'did you mean rollback?'"
run zzz qqqqqqq
[ "$rc" -eq 2 ] || fail "qqqqqqq: exit $rc, want 2"
grep -q "the commands are list, check, fix, explain, probe, verify, rollback" \
    "$T/zzz.err" ||
    fail "qqqqqqq: the commands are not listed"

# Unknown options: the near ones among those the command takes, and the
# command's own --help; an option it does not take keeps its message.
run fialon --root "$T/empty" check --fial-on error
[ "$rc" -eq 2 ] || fail "check --fial-on: exit $rc, want 2"
printf '%s\n' "vhostfix: unknown option '--fial-on' (did you mean --fail-on?)" \
    "Try 'vhostfix check --help'." >"$T/fialon.want"
cmp -s "$T/fialon.want" "$T/fialon.err" ||
    { fail "check --fial-on: not the message wanted"; cat "$T/fialon.err" >&2; }
[ -s "$T/fialon.out" ] && fail "check --fial-on: printed on stdout"
run fixverbos --root "$T/empty" --verbsoe fix --all
grep -qx "vhostfix: unknown option '--verbsoe' (did you mean --verbose?)" \
    "$T/fixverbos.err" || fail "fix --verbsoe: no 'did you mean --verbose?'"
grep -qx "Try 'vhostfix fix --help'." "$T/fixverbos.err" ||
    fail "fix --verbsoe: not sent to fix --help"
# --fail-on is check's, not list's: nothing near among list's options.
run listfial --root "$T/empty" list --fial-on error
grep -qx "vhostfix: unknown option '--fial-on'" "$T/listfial.err" ||
    fail "list --fial-on: a suggestion list does not take"
run zzzopt --zzzzzz
[ "$rc" -eq 2 ] || fail "--zzzzzz: exit $rc, want 2"
grep -qx "Try 'vhostfix --help'." "$T/zzzopt.err" ||
    fail "--zzzzzz (no command): not sent to vhostfix --help"

# Missing arguments: named from the command's usage.
run explain0 --root "$T/empty" explain
[ "$rc" -eq 2 ] || fail "explain without URL: exit $rc, want 2"
grep -qx "vhostfix: explain needs a URL" "$T/explain0.err" ||
    fail "explain without URL: no 'explain needs a URL'"
run verify0 --root "$T/empty" verify
grep -qx "vhostfix: verify needs a VHOST" "$T/verify0.err" ||
    fail "verify without VHOST: no 'verify needs a VHOST'"
run probe0 --root "$T/empty" probe
grep -qx "vhostfix: probe needs a VHOST" "$T/probe0.err" ||
    fail "probe without VHOST: no 'probe needs a VHOST'"

# Help texts fit 80 columns; a help too long wraps under its column; an
# option too wide for the left column has its help on the next line.
for cmd in "" list check fix explain probe verify rollback; do
	"$VHOSTFIX" $cmd --help >"$T/width.out"
	checks=$((checks + 1))
	awk 'length > 80 { print; bad = 1 } END { exit bad }' \
	    "$T/width.out" >&2 || fail "'$cmd --help' has lines over 80"
done
"$VHOSTFIX" --help >"$T/wrap.out"
grep -A1 -x '  --probe  *check: ask each backend directly for its redirects' \
    "$T/wrap.out" | grep -qx ' \{29\}(running system only)' ||
    fail "--help: --probe's help does not wrap under its column"
grep -A1 -x '  --configtest-timeout SECONDS' "$T/wrap.out" |
    grep -q '^ \{29\}fix, rollback: kill' ||
    fail "--help: --configtest-timeout's help not on the next line"
# Each command's --format lists the values it takes.
grep -qx '  --format text|json|nagios|prometheus' "$T/wrap.out" ||
    fail "--help: --format does not list every value"
grep -q '^ *output format (nagios, prometheus: check only)$' "$T/wrap.out" ||
    fail "--help: --format does not say nagios, prometheus are check's"
"$VHOSTFIX" check --help | grep -qx '  --format text|json|nagios|prometheus' ||
    fail "check --help: --format lacks nagios, prometheus"
for cmd in list fix explain probe rollback; do
	checks=$((checks + 1))
	"$VHOSTFIX" $cmd --help >"$T/fmt.out"
	grep -q '^  --format text|json  *output format$' "$T/fmt.out" ||
	    fail "$cmd --help: --format is not text|json"
	grep -q 'nagios\|prometheus' "$T/fmt.out" &&
	    fail "$cmd --help names check's formats"
done
# ... and of an option's help, only the part for that command, without
# the "fix, rollback:" label that --help puts before it.
for cmd in list check fix explain probe verify rollback; do
	checks=$((checks + 1))
	"$VHOSTFIX" $cmd --help | sed -n '/^options:/,$p' |
	    grep -E '^  --[^ ]+( [^ ]+)? +([a-z]+, )*[a-z]+: ' >&2 &&
	    fail "$cmd --help: an option's help keeps its commands' label"
done
"$VHOSTFIX" fix --help |
    grep -qx '  --force  *write on top of an interrupted fix' ||
    fail "fix --help: --force is not fix's part of its help"
"$VHOSTFIX" rollback --help |
    grep -qx '  --force  *restore files changed since the fix' ||
    fail "rollback --help: --force is not rollback's part of its help"
run fixnagios --root "$T/empty" fix --all --format prometheus
[ "$rc" -eq 2 ] || fail "fix --format prometheus: exit $rc, want 2"
grep -qx "vhostfix: --format prometheus is for check" "$T/fixnagios.err" ||
    fail "fix --format prometheus: not refused as check's"

# Argument counts.
run listarg --root "$T/tree" list app.example.com
[ "$rc" -eq 2 ] || fail "list with an argument: exit $rc, want 2"
grep -q "list takes no arguments" "$T/listarg.err" ||
    fail "list with an argument: not refused"
run rb2 --root "$T/tree" rollback a b
[ "$rc" -eq 2 ] || fail "rollback with two ids: exit $rc, want 2"
run rbfmt --root "$T/tree" rollback --format json
[ "$rc" -eq 2 ] || fail "rollback --format without --list: exit $rc"
run rblist --root "$T/tree" rollback --list --format json
[ "$rc" -eq 0 ] || fail "rollback --list --format json: exit $rc"
grep -qx '\[\]' "$T/rblist.out" || fail "rollback --list --format json: not []"

if [ "$failed" -ne 0 ]; then
	echo "cli: the command table is not enforced" >&2
	exit 1
fi
echo "cli: $checks runs: options per command, -h, did you mean, arguments," \
    "help width"
exit 0
