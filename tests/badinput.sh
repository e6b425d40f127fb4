#!/bin/sh
# badinput.sh: the bad-input corpus (tests/badinput/*.case).
#
# vhostfix runs as root over configuration it did not write.  For every
# case, on a tree built in a private directory WORK (WORK/root is the
# root, WORK/outside holds a canary file that must never be touched):
#   - "check" exits with the case's status and prints its message (an ERE
#     matched against stdout and stderr together);
#   - check, check --format json, list and fix --all --dry-run each end
#     within VF_TIMEOUT seconds (default 120) with status 0, 1 or 2: no
#     signal, no sanitizer report, no assertion; a fatal case (status 2)
#     gives the same one-line message "vhostfix: ..." for all of them;
#   - text and JSON output hold no control character but newline (the
#     configuration's bytes are shown inert), the JSON parses, and fix
#     --dry-run run on a terminal (script(1)) sends no escape sequence;
#   - nothing is written anywhere under WORK (names, modes, sizes, mtimes
#     and contents compared before and after);
#   - with strace available, no file outside the root is opened, read,
#     listed or even stat'ed, and nothing is opened for writing.
#
# A case file sets desc, expect_rc and expect_msg (and may set also_msg,
# a second ERE that must match too), defines setup() (which
# builds the tree with the helpers below), and may set opts (global
# options for every command), args (the command for the first step,
# default "check"), root_arg (what --root gets,
# default the root), timeout, no_strace=1 (for a case too big to trace)
# and drop_dac=1 (run without CAP_DAC_OVERRIDE, so that a mode 000 file
# is unreadable even to root).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

: "${top_srcdir:?top_srcdir is not set (run through make check)}"
: "${VHOSTFIX:?VHOSTFIX is not set (run through make check)}"
export NO_COLOR=1 LC_ALL=C.UTF-8

cases=${BADINPUT_CASES:-$top_srcdir/tests/badinput/*.case}
VF_TIMEOUT=${VF_TIMEOUT:-120}
base=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-bad.XXXXXX") || exit 99
base=$(cd "$base" && pwd -P)
cleanup()
{
	chmod -R u+rwx "$base" 2>/dev/null
	rm -rf "$base"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

have_strace=0
if command -v strace >/dev/null 2>&1 &&
    strace -f -qq -o /dev/null true 2>/dev/null; then
	have_strace=1
else
	echo "note: strace missing or not permitted: the 'nothing outside" \
	    "the root is opened' checks are skipped" >&2
fi
have_script=0
command -v script >/dev/null 2>&1 && have_script=1
have_jq=0
command -v jq >/dev/null 2>&1 && have_jq=1

npass=0
nfail=0
case_failed=0
name=

fail()
{
	echo "FAIL: $name: $*" >&2
	case_failed=1
}

# ---- helpers for setup() ----------------------------------------------

# A Debian-layout tree with the proxy modules loaded and sites-enabled/*.
skeleton()
{
	mkdir -p "$root/etc/apache2/mods-enabled" \
	    "$root/etc/apache2/sites-enabled" "$root/run/app"
	cat >"$root/etc/apache2/apache2.conf" <<'EOF'
User ${APACHE_RUN_USER}
Group ${APACHE_RUN_GROUP}
IncludeOptional mods-enabled/*.load
IncludeOptional sites-enabled/*.conf
EOF
	cat >"$root/etc/apache2/mods-enabled/proxy.load" <<'EOF'
LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so
LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so
EOF
	cat >"$root/etc/apache2/envvars" <<'EOF'
export APACHE_RUN_USER=www-data
export APACHE_RUN_GROUP=www-data
EOF
}

# site NAME: stdin becomes sites-enabled/NAME.conf.
site()
{
	cat >"$root/etc/apache2/sites-enabled/$1.conf"
}

# The classic broken vhost (reverse-socket-prefix), for the cases that
# check that the rest of the tree is still analysed.
classic()
{
	printf '<VirtualHost *:80>\n    ServerName %s\n    ProxyPass / unix:/run/app/app.sock|http://127.0.0.1/\n    ProxyPassReverse / unix:/run/app/app.sock|http://127.0.0.1/\n</VirtualHost>\n' "${1:-app.example.com}"
}

# ---- checks -------------------------------------------------------------

# Everything under WORK, with contents: compared before and after.
snapshot()
{
	(cd "$work" && find . -printf '%p %y %m %U:%G %s %T@ %l\n' | sort)
	(cd "$work" && find . -type f -readable -print0 | sort -z |
	    xargs -0 -r sha256sum)
}

# run OUT ERR ARGS...: vhostfix with the case's root, bounded in time, from
# the outside directory (a relative path would land there).  Sets rc.
run()
{
	local out=$1 err=$2
	shift 2
	local -a pre=()

	if [ "${drop_dac:-0}" = 1 ] && [ "$(id -u)" = 0 ]; then
		pre=(setpriv --inh-caps=-dac_override,-dac_read_search
		    --bounding-set=-dac_override,-dac_read_search)
	fi
	(cd "$outside" && timeout -k 5 "${timeout:-$VF_TIMEOUT}" \
	    "${pre[@]}" "$VHOSTFIX" --root "$root_arg" $opts "$@" \
	    >"$out" 2>"$err" </dev/null)
	rc=$?
}

# Paths in an strace log (-y) that vhostfix must not have touched: under
# WORK but neither the root (as given), nothing inside it nor a directory
# above it, relative to the working directory, or opened for writing.
# Paths are normalised (".." taken lexically), and the file an open
# returned is checked as well.
strace_violations()
{
	awk -v work="$work" -v root="$root_arg" '
	function norm(p,   n, a, i, k, out) {
		n = split(p, a, "/");
		k = 0;
		for (i = 1; i <= n; i++) {
			if (a[i] == "" || a[i] == ".")
				continue;
			if (a[i] == "..") {
				if (k > 0)
					k--;
				continue;
			}
			st[++k] = a[i];
		}
		out = "";
		for (i = 1; i <= k; i++)
			out = out "/" st[i];
		return out == "" ? "/" : out;
	}
	function outside(p, opening) {
		p = norm(p);
		if (index(p "/", work "/") != 1)
			return 0;		# not ours: libraries, lenses
		if (p == root || index(p, root "/") == 1)
			return 0;		# inside the root
		if (index(root "/", p "/") == 1 && !opening)
			return 0;		# above it: realpath of the root
		return 1;
	}
	/^[0-9]+ +execve\(/ { next }
	{
		if (match($0, /= [0-9]+<[^>]*>$/)) {
			r = substr($0, RSTART, RLENGTH);
			sub(/^= [0-9]+</, "", r);
			sub(/>$/, "", r);
			if (outside(r, 1))
				print "opened outside the root: " r;
		}
		if (!match($0, /"([^"\\]|\\.)*"/))
			next;
		p = substr($0, RSTART + 1, RLENGTH - 2);
		pre = substr($0, 1, RSTART - 1);
		if (p == "")
			next;
		if (substr(p, 1, 1) != "/") {
			# fd-relative: the directory is shown as N</dir>
			if (match(pre, /[0-9]+<[^>]*>, *$/) &&
			    pre !~ /AT_FDCWD/) {
				d = substr(pre, RSTART, RLENGTH);
				sub(/^[0-9]+</, "", d);
				sub(/>, *$/, "", d);
				p = d "/" p;
			} else {
				print "relative path: " p;
				next;
			}
		}
		if ($0 ~ /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC/ ||
		    $0 ~ /^[0-9]+ +(mkdir|mkdirat|unlink|unlinkat|rename|renameat2?|rmdir|symlink|symlinkat|link|linkat|chmod|fchmodat|chown|fchownat|lchown|utimensat|truncate|creat)\(/) {
			if (p !~ /^\/dev\//)
				print "write: " p;
			next;
		}
		if (outside(p, $0 ~ /^[0-9]+ +open/))
			print "outside the root: " p;
	}' "$1" | sort -u
}

# Control bytes a terminal acts on: all C0 but newline (and tab for text
# that quotes configuration lines), DEL, and C1 in UTF-8 form.
has_controls()
{
	LC_ALL=C grep -qP '[\x00-\x08\x0a-\x1f\x7f]|\xc2[\x80-\x9f]' \
	    <(tr -d '\n' <"$1")
}

check_common()
{
	local what=$1 out=$2 err=$3

	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		fail "$what: no answer within ${timeout:-$VF_TIMEOUT} s"
	elif [ "$rc" -gt 2 ]; then
		fail "$what: exit $rc (crash or signal)"
	fi
	if grep -qE 'Sanitizer|runtime error:|Assertion|Segmentation|core dumped' \
	    "$err"; then
		fail "$what: sanitizer or assertion report:"
		head -n 20 "$err" >&2
	fi
	if [ "$rc" -eq 2 ] && [ "$expect_rc" -ne 2 ]; then
		fail "$what: exit 2 where the tree is readable:"
		head -n 5 "$err" >&2
	fi
}

run_case()
{
	local f=$1 d=$base/$name out err before after v
	local -a cmds

	# The tree (compared before and after) and, beside it, the outputs.
	work=$d/tree
	root=$work/root
	outside=$work/outside
	mkdir -p "$root" "$outside"
	echo "secret: never read by vhostfix" >"$outside/secret.conf"
	root_arg=$root

	unset -f setup
	desc= expect_rc= expect_msg= also_msg= opts= args=check timeout= no_strace=0 drop_dac=0
	# shellcheck disable=SC1090
	. "$f"
	setup || { fail "setup failed"; return; }
	before=$(snapshot)

	# 1. The case's own command: status and message.
	out=$d/out.1 err=$d/err.1
	# shellcheck disable=SC2086
	run "$out" "$err" $args
	check_common "$args" "$out" "$err"
	if [ "$rc" -ne "$expect_rc" ]; then
		fail "$args: exit $rc, expected $expect_rc"
		head -n 5 "$err" >&2
	fi
	if ! cat "$out" "$err" | grep -qE -- "$expect_msg"; then
		fail "$args: no message matching /$expect_msg/; got:"
		cat "$out" "$err" | head -n 8 | cut -c1-200 >&2
	fi
	if [ -n "$also_msg" ] && ! cat "$out" "$err" | grep -qE -- "$also_msg"
	then
		fail "$args: no message matching /$also_msg/"
	fi
	if [ "$expect_rc" -eq 2 ]; then
		if [ "$(wc -l <"$err")" -ne 1 ] || ! grep -q '^vhostfix: ' "$err"
		then
			fail "fatal error is not one line 'vhostfix: ...':"
			head -n 5 "$err" >&2
		fi
		fatal=$(cat "$err")
	fi
	if has_controls "$out" || has_controls "$err"; then
		fail "$args: raw control bytes in the output"
	fi

	# 2. The other commands: bounded, no crash, inert, valid JSON.
	cmds=("check --format json" "list" "list --format json"
	    "fix --all --dry-run" "fix --all --dry-run --preserve-host on")
	for v in "${cmds[@]}"; do
		out=$d/out.x err=$d/err.x
		# shellcheck disable=SC2086
		run "$out" "$err" $v
		check_common "$v" "$out" "$err"
		if [ "$expect_rc" -eq 2 ]; then
			[ "$rc" -eq 2 ] && [ "$(cat "$err")" = "$fatal" ] ||
			    fail "$v: exit $rc, not the same fatal error"
			continue
		fi
		case $v in
		*json*)
			if [ "$have_jq" = 1 ] && ! jq -e . "$out" >/dev/null
			then
				fail "$v: output is not JSON"
			fi
			has_controls "$out" && fail "$v: raw control bytes" ;;
		list)
			has_controls "$out" && fail "$v: raw control bytes" ;;
		esac
		has_controls "$err" && fail "$v: raw control bytes on stderr"
	done

	# 3. The diff on a terminal: shown inert.
	if [ "$have_script" = 1 ] && [ "$expect_rc" -ne 2 ]; then
		out=$d/out.tty
		(cd "$outside" && timeout -k 5 "${timeout:-$VF_TIMEOUT}" \
		    script -qec "$(printf '%q ' "$VHOSTFIX" --root "$root_arg" \
		    $opts fix --all --dry-run)" /dev/null >"$out" 2>&1 </dev/null)
		if LC_ALL=C grep -qP '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]' "$out"
		then
			fail "fix --dry-run on a terminal sent raw control bytes"
		fi
	fi

	# 4. Nothing outside the root is touched, nothing is written.
	if [ "$have_strace" = 1 ] && [ "$no_strace" != 1 ]; then
		for v in check "fix --all --dry-run"; do
			# shellcheck disable=SC2086
			(cd "$outside" && timeout -k 5 \
			    "${timeout:-$VF_TIMEOUT}" strace -f -qq -y \
			    -e trace=%file -o "$d/strace.log" \
			    "$VHOSTFIX" --root "$root_arg" $opts $v \
			    >/dev/null 2>&1 </dev/null)
			bad=$(strace_violations "$d/strace.log")
			if [ -n "$bad" ]; then
				fail "$v: touched outside the root:"
				echo "$bad" | head -n 10 >&2
			fi
		done
	fi
	after=$(snapshot)
	if [ "$before" != "$after" ]; then
		fail "the tree changed:"
		diff <(echo "$before") <(echo "$after") | head -n 10 >&2
	fi
}

for f in $cases; do
	name=$(basename "$f" .case)
	case_failed=0
	start=$(date +%s)
	run_case "$f"
	secs=$(( $(date +%s) - start ))
	if [ "$case_failed" = 0 ]; then
		npass=$((npass + 1))
		echo "ok: $name ($desc) [${secs}s]"
	else
		nfail=$((nfail + 1))
		echo "not ok: $name ($desc)"
	fi
done
echo "badinput: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
