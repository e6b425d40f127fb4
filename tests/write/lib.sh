# tests/write/lib.sh: helpers of the write-path tests (tests/write-*.sh).
# Each test works on copies of the demo tree in its own temp directory;
# every process it starts is killed on exit.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
: "${VHOSTFIX:?VHOSTFIX must name the built program}"
: "${top_srcdir:?}"

work=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-wt.XXXXXX")
failures=0
bgpids=""

# Only our own jobs that still run, by pid (a pid or group id kept from
# earlier may belong to someone else by now), and what names our $work.
cleanup() {
	local p
	for p in $(jobs -p); do
		kill -9 "$p" 2>/dev/null
	done
	pkill -9 -f "$work" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

pass() {
	echo "ok: $*"
}

# newroot NAME: R is a fresh copy of the demo tree in $work/NAME.
newroot() {
	R=$work/$1
	rm -rf "$R"
	mkdir -p "$R"
	cp -R "$top_srcdir/data/demo/." "$R/"
	chmod -R u+w "$R"
}

# snap DIR: the sha256 of every file under DIR/etc, and its symlinks.
snap() {
	(cd "$1" && find etc \( -type f -o -type l \) -print0 | sort -z |
	    xargs -0 sha256sum 2>/dev/null; find etc -type l -printf '%p -> %l\n' |
	    sort)
}

# vf OUT ERR ARGS...: run vhostfix, rc its exit status.
vf() {
	local out=$1 err=$2
	shift 2
	rc=0
	"$VHOSTFIX" "$@" >"$out" 2>"$err" || rc=$?
}

# has FILE TEXT [WHAT]: FILE contains TEXT (fixed string).
has() {
	grep -qF -- "$2" "$1" || { fail "${3:-$1} lacks: $2"; sed 's/^/    /' "$1" >&2; }
}

# temps DIR: our temp files left under DIR.
temps() {
	find "$1" -name '.*.vhostfix-??????' | wc -l
}

# wait_until SECONDS COMMAND...: poll until COMMAND succeeds.
wait_until() {
	local n=$(($1 * 20))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.05
		n=$((n - 1))
	done
	return 1
}

finish() {
	if [ "$failures" -gt 0 ]; then
		echo "$failures failure(s)" >&2
		exit 1
	fi
	exit 0
}
