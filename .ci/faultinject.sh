#!/bin/bash
# Fault injection on the write path (issue: trusted backups, no lost
# edit, recoverable runs).  strace makes one system call of `vhostfix fix
# --all --yes` fail (rename, fsync, write, openat, fchown, unlink; EIO or
# ENOSPC), at points spread over the whole run, with a configtest that
# passes (the fix stays) and one that fails (everything is restored); then
# kill -9 at random moments.  After each run every file of the tree must
# be byte for byte its old or its complete new version (all old unless
# the fix stayed or a restore could not finish), and `rollback` (or the
# next fix, which clears what a kill left) must give back the original
# exactly, with no temp file left.  Ends with
# "fault-injection: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
VHOSTFIX=${VHOSTFIX:-$PWD/src/vhostfix}
POINTS=${FI_POINTS:-12}		# injection points per call and configtest
KILLS=${FI_KILLS:-30}
command -v strace >/dev/null || { echo "fault-injection: 0 passed, 1 failed (no strace)"; exit 1; }
[ -x "$VHOSTFIX" ] || { echo "fault-injection: 0 passed, 1 failed (no $VHOSTFIX)"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-fi.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
declare -A exits

newroot() {
	rm -rf "$work/r"
	mkdir -p "$work/r"
	cp -R data/demo/. "$work/r/"
	chmod -R u+w "$work/r"
	R=$work/r
}

# The original and the fixed version of every file under etc.
newroot
(cd "$R" && find etc -type f | sort) >"$work/files"
mkdir -p "$work/old" "$work/new"
(cd "$R" && tar cf - etc) | (cd "$work/old" && tar xf -)
"$VHOSTFIX" --root "$R" fix --all --yes --no-configtest >/dev/null 2>&1
(cd "$R" && tar cf - etc) | (cd "$work/new" && tar xf -)
(cd "$work/old" && xargs -d '\n' sha256sum <"$work/files") >"$work/old.sum"
(cd "$work/new" && xargs -d '\n' sha256sum <"$work/files") >"$work/new.sum"
changed=$(diff "$work/old.sum" "$work/new.sum" | grep -c '^<')
echo "tree: $(wc -l <"$work/files") files, $changed changed by the fix"

bad() {
	echo "FAIL: $*"
	failed=$((failed + 1))
	ok=0
}

# check_tree WANT [clean]: each file old or new (WANT "old": all old;
# "new": all new; "any": each one or the other); with clean, no temp file
# under etc (right after a run, an unlink that failed may leave one: the
# next run removes it).
check_tree() {
	local line n_old n_new
	(cd "$R" && xargs -d '\n' sha256sum <"$work/files" 2>/dev/null) \
	    >"$work/cur.sum"
	# per file: old, new, or neither (by hash, against both versions)
	line=$(awk 'FNR == 1 { k++ }
	    k == 1 { old[$2] = $1 } k == 2 { new[$2] = $1 }
	    k == 3 { seen[$2] = 1
		if ($1 == old[$2]) o++; else if ($1 == new[$2]) n++;
		else { bad++; print "neither: " $2 > "/dev/stderr" } }
	    END { for (f in old) if (!(f in seen)) bad++
		printf "%d %d %d\n", o, n, bad }' \
	    "$work/old.sum" "$work/new.sum" "$work/cur.sum" 2>"$work/neither")
	set -- "$1" "${2:-}" $line
	[ "$5" -eq 0 ] || bad "$label: files neither old nor new: $(cat "$work/neither")"
	case $1 in
	old) [ "$4" -eq 0 ] || [ "$changed" -eq 0 ] ||
		bad "$label: $4 files new, expected all old" ;;
	new) [ "$3" -eq $(($(wc -l <"$work/files") - changed)) ] ||
		bad "$label: $3 files old, expected all new" ;;
	esac
	if [ "$2" = clean ] &&
	    [ -n "$(find "$R/etc" -name '.*.vhostfix-*' | head -n1)" ]; then
		bad "$label: temp files left: $(find "$R/etc" -name '.*.vhostfix-*')"
	fi
}

# After a run: undo what stayed, then the original must be back.
recover() {
	local rc=0
	"$VHOSTFIX" --root "$R" rollback --no-configtest >"$work/rb.out" 2>&1 || rc=$?
	# the next fix clears what a kill left (it knows the tree); its
	# configtest fails, so it writes nothing for good
	"$VHOSTFIX" --root "$R" fix --all --yes --configtest false \
	    >/dev/null 2>"$work/fx.err" || true
	check_tree old clean
	grep -q "interrupted fix" "$work/fx.err" &&
	    bad "$label: an interrupted fix is still open after rollback"
	return 0
}

# The write phase begins with the first call on a temp file of ours or on
# the backup directory; before it, a failing call changes what is loaded
# (and so the fix), which is not what this checks.
inject() {	# inject SYSCALL CONFIGTEST
	local sc=$1 ct=$2 n k i err rc first
	newroot
	strace -qq -y -o "$work/trace" -e trace="$sc" "$VHOSTFIX" --root "$R" \
	    fix --all --yes --configtest "$ct" >/dev/null 2>&1
	grep "^$sc(" "$work/trace" >"$work/calls"
	n=$(wc -l <"$work/calls")
	first=$(grep -n -m1 -E '\.vhostfix-|/var/backups/' "$work/calls" |
	    cut -d: -f1)
	[ -n "$first" ] || { echo "$sc: not called while writing"; return; }
	for i in $(seq 1 "$POINTS"); do
		k=$(( first + (i - 1) * (n - first) / (POINTS > 1 ? POINTS - 1 : 1) ))
		err=EIO
		[ $((i % 2)) -eq 0 ] && err=ENOSPC
		label="$sc #$k/$n $err configtest=$ct"
		ok=1
		newroot
		rc=0
		strace -qq -o /dev/null -e trace="$sc" \
		    -e inject="$sc:error=$err:when=$k" "$VHOSTFIX" --root "$R" \
		    fix --all --yes --configtest "$ct" >/dev/null \
		    2>"$work/err" || rc=$?
		exits["$sc $rc"]=$((${exits["$sc $rc"]:-0} + 1))
		case $rc in
		0) check_tree new ;;
		2|3|4|5) check_tree old ;;
		6) check_tree any
		   grep -q "NOT as it was before" "$work/err" ||
		       bad "$label: exit 6 without the file states" ;;
		*) bad "$label: exit $rc"; cat "$work/err" ;;
		esac
		[ "$ct" = false ] && [ "$rc" -eq 0 ] &&
		    bad "$label: a failing configtest, yet exit 0"
		recover
		[ "$ok" -eq 1 ] && passed=$((passed + 1))
	done
}

t0=$(date +%s)
for sc in rename fsync write openat fchown unlink; do
	for ct in true false; do
		inject "$sc" "$ct"
	done
	line="$sc:"
	for key in "${!exits[@]}"; do
		case $key in "$sc "*) line="$line exit ${key#* }: ${exits[$key]}," ;; esac
	done
	echo "${line%,}"
done

# kill -9 at random moments of a fix whose files are written slowly and
# whose configtest takes a moment: before, during and after the writes
# (and now and then after the run ended).
kexits=""
for i in $(seq 1 "$KILLS"); do
	label="kill -9 #$i"
	ok=1
	newroot
	VHOSTFIX_TEST_PAUSE_BETWEEN_FILES=40 "$VHOSTFIX" --root "$R" fix --all \
	    --yes --configtest "sleep 0.1" >/dev/null 2>&1 &
	pid=$!
	sleep "0.$(printf '%03d' $((RANDOM % 700)))"
	kill -9 "$pid" 2>/dev/null && kexits="$kexits k" || kexits="$kexits d"
	wait "$pid" 2>/dev/null
	check_tree any
	recover
	[ "$ok" -eq 1 ] && passed=$((passed + 1))
done
echo "kill -9: $KILLS runs, $(echo "$kexits" | tr ' ' '\n' | grep -c k) killed mid-run"
echo "time: $(($(date +%s) - t0)) s"
echo "fault-injection: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
