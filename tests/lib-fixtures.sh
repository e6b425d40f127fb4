# lib-fixtures.sh: runs the fixture cases of tests/fixtures/ (sourced by
# fixtures.sh and sockets.sh).
#
# A case is a directory tests/fixtures/<case>/ with
#   root/            the tree, as under / (Debian or RHEL layout)
#   args             one line of global arguments (may be empty)
#   expect           the findings of check, one "RULE FILE:LINE" a line,
#                    sorted (LC_ALL=C); empty: no findings
#   vhosts           optional: the vhosts Apache loads, in Apache's order,
#                    one "FILE:LINE NAME [ALIAS...]" a line
#   sockets          optional: Unix sockets to create in the copied root,
#                    "sock PATH MODE [OWNER:GROUP]" or "dir PATH MODE
#                    [OWNER:GROUP]" lines (git cannot hold sockets)
#   fix-NAME.args    a fix to try: the fix arguments ("--all
#                    --preserve-host off"); with it, any of
#   fixed-NAME/      the whole root after the fix, where the issue fixes
#                    the placement of every changed line
#   fix-NAME.has     "FILE LINE" lines: FILE (root-relative) must hold a
#                    line that is LINE once its indentation and CR are
#                    stripped (placement left to the planner)
#   fix-NAME.after   the findings of check after the fix, "RULE FILE" a
#                    line, sorted (line numbers move with insertions)
# Every case runs on copies in a mktemp directory; the fixtures are never
# written.

if [ -z "${BASH_VERSION:-}" ]; then
	echo "lib-fixtures.sh needs bash" >&2
	exit 99
fi
set -u

: "${top_srcdir:?top_srcdir is not set (run through make check)}"
: "${VHOSTFIX:?VHOSTFIX is not set (run through make check)}"

FIXTURES=$top_srcdir/tests/fixtures
VFJSON="python3 $top_srcdir/tests/vfjson.py"
export NO_COLOR=1 LC_ALL=C
unset VHOSTFIX_ROOT 2>/dev/null || true

work=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-test.XXXXXX") || exit 99
cleanup()
{
	chmod -R u+rwx "$work" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

npass=0
nfail=0
nskip=0
case_failed=0
current=

fail()
{
	echo "FAIL: $current: $*" >&2
	case_failed=1
}

# Run vhostfix with a time limit.  Usage: vf OUT ERR ARGS...; sets $rc.
# A crash (signal) or a hang is always a failure.
vf()
{
	local out=$1 err=$2
	shift 2
	timeout 120 "$VHOSTFIX" "$@" >"$out" 2>"$err"
	rc=$?
	if [ "$rc" -eq 124 ]; then
		fail "vhostfix $* did not finish in 120 s"
	elif [ "$rc" -ge 128 ]; then
		fail "vhostfix $* died of signal $((rc - 128))"
		sed 's/^/    /' "$err" >&2
	fi
}

# Everything under a directory: names, types, modes, owners, sizes,
# mtimes, link targets and contents.  Two equal listings mean nothing was
# written, created or removed, not even a temporary file.
listing()
{
	(
		cd "$1" || exit 1
		find . -mindepth 1 -printf '%p %y %m %U:%G %s %T@ %l\n' |
		    sort
		find . -type f -print0 | sort -z | xargs -0r sha256sum
	)
}

# Files and links only, without times: what a fix leaves behind.  Our own
# lock file and backup sets are not part of the configuration.
content_listing()
{
	(
		cd "$1" || exit 1
		find . -mindepth 1 \( -type f -o -type l \) \
		    ! -path './run/lock/vhostfix.lock' \
		    ! -path './var/backups/vhostfix/*' \
		    -printf '%p %y %m %l\n' | sort
		find . -type f ! -path './run/lock/vhostfix.lock' \
		    ! -path './var/backups/vhostfix/*' -print0 |
		    sort -z | xargs -0r sha256sum
	)
}

# Create the sockets of a case in a copied root.  Returns 77 when the case
# needs an owner change and we are not root.
make_sockets()
{
	local spec=$1 dst=$2 kind path mode owner
	[ -f "$spec" ] || return 0
	while read -r kind path mode owner; do
		case $kind in
		''|'#'*) continue ;;
		esac
		if [ -n "$owner" ] && [ "$(id -u)" -ne 0 ]; then
			echo "SKIP: $current: setting owner $owner of $path" \
			    "needs root" >&2
			return 77
		fi
		if [ -n "$owner" ] && ! id -u "${owner%%:*}" >/dev/null 2>&1
		then
			echo "SKIP: $current: no user ${owner%%:*} here" >&2
			return 77
		fi
		case $kind in
		sock)
			python3 - "$dst$path" <<'EOF' || return 1
import os, socket, sys
d, b = os.path.split(sys.argv[1])
os.makedirs(d, exist_ok=True)
os.chdir(d)	# bind a relative name: long paths do not fit sun_path
s = socket.socket(socket.AF_UNIX)
s.bind(b)
s.close()
EOF
			;;
		dir)
			mkdir -p "$dst$path" || return 1
			;;
		*)
			echo "$spec: unknown kind $kind" >&2
			return 1
			;;
		esac
	done <"$spec"
	# Modes and owners last, so a closed directory does not stop the
	# creation of the sockets inside it.
	while read -r kind path mode owner; do
		case $kind in
		sock|dir) ;;
		*) continue ;;
		esac
		chmod "$mode" "$dst$path" || return 1
		if [ -n "$owner" ]; then
			chown "$owner" "$dst$path" || return 1
		fi
	done <"$spec"
	return 0
}

# A fresh copy of a case's root with its sockets.  Usage: copy_root CASEDIR
# DST.
copy_root()
{
	# u+w: the source may be read-only (make distcheck).
	mkdir -p "$2" && cp -a "$1/root/." "$2/" && chmod -R u+w "$2" &&
	    chmod 755 "$2" || return 1
	make_sockets "$1/sockets" "$2"
}

# "RULE FILE:LINE SEVERITY" from check's text output, sorted; complains
# about finding lines not followed by an indented suggestion.
text_findings()
{
	awk -v who="$current" '
	function flush() {
		if (pending != "")
			printf "FAIL: %s: no indented suggestion after: %s\n",
			    who, pending > "/dev/stderr"
		pending = ""
	}
	/^[ \t]/ { pending = ""; next }
	{ flush() }
	match($0, /^\/[^:]*:[0-9]+: (error|warning|info): .* \[[a-z0-9-]+\]$/) {
		file = $0; sub(/:.*/, "", file)
		rest = substr($0, length(file) + 2)
		line = rest; sub(/:.*/, "", line)
		sev = rest; sub(/^[0-9]+: /, "", sev); sub(/:.*/, "", sev)
		rule = $0; sub(/.*\[/, "", rule); sub(/\]$/, "", rule)
		print rule " " file ":" line " " sev
		pending = $0
	}
	END { flush() }
	' "$1" | sort
}

# Exact set comparison with a readable diff.  Usage: same WHAT EXPECTED
# ACTUAL.
same()
{
	if ! diff -u "$2" "$3" >"$work/diff.out"; then
		fail "$1 differ (--- expected, +++ actual):"
		sed 's/^/    /' "$work/diff.out" >&2
		return 1
	fi
	return 0
}

# check (text and JSON) and list on a case.
run_check()
{
	local c=$1 d want
	d=$work/$current/check
	local -a gargs=()
	read -r -a gargs <"$c/args" || true
	copy_root "$c" "$d/root" || return $?
	listing "$d/root" >"$d/before"

	vf "$d/text" "$d/err" --root "$d/root" "${gargs[@]}" check
	local trc=$rc
	text_findings "$d/text" >"$d/text.f" 2>"$d/text.warn"
	if [ -s "$d/text.warn" ]; then
		case_failed=1
		cat "$d/text.warn" >&2
	fi
	cut -d' ' -f1,2 "$d/text.f" | sort >"$d/actual"
	sort "$c/expect" >"$d/expect"
	same "check findings" "$d/expect" "$d/actual"
	# Exit 1 for a warning or an error (the default --fail-on); with
	# --fail-on info, for any finding.
	if grep -q ' \(error\|warning\)$' "$d/text.f"; then want=1; else
		want=0; fi
	if [ "$trc" -ne "$want" ]; then
		fail "check exited $trc, expected $want"
		sed 's/^/    /' "$d/err" >&2
	fi
	vf "$d/text-info" "$d/err" --root "$d/root" "${gargs[@]}" check \
	    --fail-on info
	if [ -s "$d/expect" ]; then want=1; else want=0; fi
	if [ "$rc" -ne "$want" ]; then
		fail "check --fail-on info exited $rc, expected $want"
	fi

	vf "$d/json" "$d/jerr" --root "$d/root" "${gargs[@]}" check \
	    --format json
	if [ "$rc" -ne "$trc" ]; then
		fail "check --format json exited $rc, text exited $trc"
	fi
	vf "$d/list" "$d/lerr" --root "$d/root" "${gargs[@]}" list \
	    --format json
	if [ "$rc" -ne 0 ]; then
		fail "list --format json exited $rc"
		sed 's/^/    /' "$d/lerr" >&2
	fi
	# Both documents through Python's JSON parser and the README's format.
	if ! $VFJSON pair "$d/json" "$d/list" "$d/v" 2>"$d/jv"; then
		fail "the JSON output does not follow the format:"
		sed 's/^/    /' "$d/jv" >&2
	else
		same "text and JSON findings" "$d/text.f" "$d/v.findings"
		same "vhosts of list and check" "$d/v.list-vhosts" \
		    "$d/v.check-vhosts"
		if [ -f "$c/vhosts" ]; then
			same "vhosts (list --format json)" "$c/vhosts" \
			    "$d/v.list-vhosts"
		fi
	fi

	listing "$d/root" >"$d/after"
	same "root listing before and after check/list" "$d/before" \
	    "$d/after"
	return 0
}

# Does the binary have the write path yet (issue: safe write)?
have_yes=
yes_checked=
has_yes()
{
	if [ -z "$yes_checked" ]; then
		yes_checked=1
		if "$VHOSTFIX" --help 2>&1 | grep -q -- '--yes'; then
			have_yes=1
		else
			echo "NOTE: fix --yes is not in vhostfix --help yet:" \
			    "the --yes comparisons are skipped" >&2
		fi
	fi
	[ -n "$have_yes" ]
}

# One fix of a case.  Usage: run_fix CASEDIR NAME
run_fix()
{
	local c=$1 name=$2 d want
	d=$work/$current/fix-$name
	local -a gargs=() fargs=()
	read -r -a gargs <"$c/args" || true
	read -r -a fargs <"$c/fix-$name.args" || true
	mkdir -p "$d"

	# The dry run: a diff, and nothing written.
	copy_root "$c" "$d/dry" || return $?
	listing "$d/dry" >"$d/before"
	vf "$d/diff" "$d/err" --root "$d/dry" "${gargs[@]}" fix \
	    "${fargs[@]}" --dry-run
	local drc=$rc
	listing "$d/dry" >"$d/after"
	same "fix-$name: root listing before and after --dry-run" \
	    "$d/before" "$d/after"
	if [ -s "$d/diff" ]; then want=1; else want=0; fi
	if [ "$drc" -ne "$want" ]; then
		fail "fix-$name: --dry-run exited $drc with" \
		    "$( [ -s "$d/diff" ] && echo a diff || echo no diff )"
		sed 's/^/    /' "$d/err" >&2
		return 0
	fi

	# Headers name the real files, relative to the root.
	local hdr p
	while read -r hdr p _; do
		case $hdr in
		---|+++) ;;
		*) continue ;;
		esac
		case $p in
		a/*|b/*) p=${p#?/} ;;
		*) fail "fix-$name: diff header without a/ or b/: $hdr $p"
		   continue ;;
		esac
		if [ -L "$c/root/$p" ] || [ ! -f "$c/root/$p" ]; then
			fail "fix-$name: diff names $p, not a regular file of" \
			    "the root (the real file behind a symlink)"
		fi
	done < <(grep -E '^(---|\+\+\+) ' "$d/diff")

	# Applied with patch: the expected tree.
	copy_root "$c" "$d/patched" || return $?
	if [ -s "$d/diff" ] && ! patch -p1 -d "$d/patched" --batch --forward \
	    --no-backup-if-mismatch --quiet <"$d/diff" >"$d/patch.out" 2>&1
	then
		fail "fix-$name: patch -p1 does not apply the --dry-run diff:"
		sed 's/^/    /' "$d/patch.out" "$d/diff" >&2
		return 0
	fi
	if [ -n "$(find "$d/patched" -name '*.rej' -o -name '*.orig')" ]; then
		fail "fix-$name: patch left .rej/.orig files"
	fi

	if [ -f "$c/fix-$name.has" ]; then
		local f text
		while read -r f text; do
			[ -n "$f" ] || continue
			if ! sed 's/^[ \t]*//; s/\r$//' "$d/patched$f" |
			    grep -qxF -- "$text"; then
				fail "fix-$name: $f has no line: $text"
			fi
		done <"$c/fix-$name.has"
	fi

	# What check says afterwards.
	if [ -f "$c/fix-$name.after" ]; then
		vf "$d/check" "$d/cerr" --root "$d/patched" "${gargs[@]}" check
		text_findings "$d/check" 2>/dev/null |
		    sed 's/:[0-9]* [a-z]*$//' | sort >"$d/after.f"
		sort "$c/fix-$name.after" >"$d/after.e"
		same "fix-$name: findings after the fix" "$d/after.e" \
		    "$d/after.f"
	fi

	# Idempotence: nothing left to do.
	listing "$d/patched" >"$d/p.before"
	vf "$d/diff2" "$d/err2" --root "$d/patched" "${gargs[@]}" fix \
	    "${fargs[@]}" --dry-run
	if [ "$rc" -ne 0 ] || [ -s "$d/diff2" ]; then
		fail "fix-$name: a second --dry-run on the fixed tree exited" \
		    "$rc with:"
		sed 's/^/    /' "$d/diff2" "$d/err2" >&2
	fi
	listing "$d/patched" >"$d/p.after"
	same "fix-$name: root listing before and after the second --dry-run" \
	    "$d/p.before" "$d/p.after"

	# fix --yes writes the same tree.
	if has_yes; then
		copy_root "$c" "$d/yes" || return $?
		vf "$d/yes.out" "$d/yes.err" --root "$d/yes" "${gargs[@]}" \
		    fix "${fargs[@]}" --yes --no-configtest \
		    --backup-dir "$d/backups"
		if [ "$rc" -gt 1 ]; then
			fail "fix-$name: --yes exited $rc:"
			sed 's/^/    /' "$d/yes.err" >&2
		else
			content_listing "$d/patched" >"$d/p.list"
			content_listing "$d/yes" >"$d/y.list"
			same "fix-$name: trees after patch and after --yes" \
			    "$d/p.list" "$d/y.list"
		fi
	fi

	if [ -d "$c/fixed-$name" ]; then
		find "$d/patched" -type s -delete
		if ! diff -r --no-dereference "$c/fixed-$name" "$d/patched" \
		    >"$d/tree.diff" 2>&1; then
			fail "fix-$name: the patched root differs from" \
			    "fixed-$name/ (< expected, > actual):"
			sed 's/^/    /' "$d/tree.diff" >&2
		fi
	fi
	return 0
}

# Run every case; with_sockets=1: only the cases with a sockets file,
# else only those without.  Exits with the automake status.
run_cases()
{
	local with_sockets=$1 c f n st
	for c in "$FIXTURES"/*/; do
		c=${c%/}
		[ -d "$c/root" ] || continue
		if [ -f "$c/sockets" ]; then
			[ "$with_sockets" = 1 ] || continue
		else
			[ "$with_sockets" = 1 ] && continue
		fi
		current=${c##*/}
		case_failed=0
		mkdir -p "$work/$current"
		run_check "$c"
		st=$?
		if [ "$st" -eq 77 ]; then
			nskip=$((nskip + 1))
			continue
		elif [ "$st" -ne 0 ]; then
			fail "could not set up the case"
		fi
		for f in "$c"/fix-*.args; do
			[ -f "$f" ] || continue
			n=${f##*/fix-}
			n=${n%.args}
			run_fix "$c" "$n" || fail "fix-$n: could not set up"
		done
		if [ "$case_failed" -eq 0 ]; then
			echo "ok: $current"
			npass=$((npass + 1))
		else
			echo "FAILED: $current"
			nfail=$((nfail + 1))
		fi
		chmod -R u+rwx "$work/$current" 2>/dev/null
		rm -rf "${work:?}/$current"
	done
	echo "$npass cases passed, $nfail failed, $nskip skipped"
	if [ "$nfail" -gt 0 ]; then
		exit 1
	fi
	if [ "$npass" -eq 0 ]; then
		echo "SKIP: no case could run" >&2
		exit 77
	fi
	exit 0
}
