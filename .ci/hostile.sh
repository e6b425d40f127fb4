#!/bin/bash
# Hostile input and faults, from a clean checkout (called by .ci/run):
#  1. a second build with --enable-sanitizers (ASan + UBSan) in its own
#     directory, and the whole test suite there;
#  2. the libFuzzer targets built with clang (--enable-fuzzing) and run
#     for FUZZ_SECONDS each (default 60);
#  3. clang-tidy (.clang-tidy) and cppcheck (.cppcheck-suppressions) over
#     src/ and fuzz/: any finding fails.
# Ends with "hostile: N passed, N failed".  Debian packages: clang,
# libclang-rt-14-dev, clang-tidy, cppcheck, valgrind, strace (see
# quickstart.sh for the rest).
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
out=${HOSTILE_BUILD:-$top/build-hostile}
secs=${FUZZ_SECONDS:-60}
jobs=${MAKE_JOBS:-2}

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "hostile: ok: $*"; }
fail() { failed=$((failed + 1)); echo "hostile: FAILED: $*"; }
stage() { echo "=== hostile: $*"; }

# configure DIR ARGS...: a fresh out-of-tree build in DIR.
build() {
	local dir=$1
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$dir" && "$top/configure" "$@" >configure.log 2>&1 &&
	    make -j"$jobs" >make.log 2>&1) && return 0
	tail -n 30 "$dir/configure.log" "$dir/make.log" 2>/dev/null
	return 1
}

# The Quick start builds in the source tree, and a configured source tree
# refuses out-of-tree builds: work on a pristine copy of the tracked files.
if [ -f config.status ] && command -v git >/dev/null 2>&1 &&
    git rev-parse --git-dir >/dev/null 2>&1; then
	rm -rf "$out/src"
	mkdir -p "$out/src"
	git ls-files -z | (cd "$top" && xargs -0 cp -a --parents -t "$out/src")
	top=$out/src
	cd "$top"
fi
[ -x configure ] || ./autogen.sh >/dev/null 2>&1 || { fail "autogen"; exit 1; }

stage "sanitizer build (ASan + UBSan) and make check"
if build "$out/san" --enable-sanitizers; then
	pass "sanitizer build"
	(cd "$out/san" && make -j"$jobs" check >check.log 2>&1)
	log=$out/san/test-suite.log
	if [ -f "$log" ]; then
		p=$(sed -n 's/^# PASS: *//p' "$log" | head -n1)
		f=$(sed -n 's/^# FAIL: *//p' "$log" | head -n1)
		e=$(sed -n 's/^# ERROR: *//p' "$log" | head -n1)
		passed=$((passed + ${p:-0}))
		failed=$((failed + ${f:-0} + ${e:-0}))
		echo "hostile: sanitizer make check: ${p:-0} passed," \
		    "$((${f:-0} + ${e:-0})) failed"
		for t in "$out"/san/tests/*.trs "$out"/san/tests/unit/*.trs; do
			[ -f "$t" ] || continue
			grep -q ':test-result: \(FAIL\|ERROR\)' "$t" &&
			    { echo "--- ${t%.trs}.log"; tail -n 40 "${t%.trs}.log"; }
		done
	else
		fail "sanitizer make check (no test-suite.log)"
		tail -n 30 "$out/san/check.log"
	fi
else
	fail "sanitizer build"
fi

stage "fuzzing: each target ${secs}s"
if ! command -v clang >/dev/null 2>&1; then
	fail "fuzzing: clang is not installed"
elif build "$out/fuzz" CC=clang --enable-fuzzing; then
	pass "fuzzing build"
	for t in fuzz-config fuzz-url; do
		if "$top/fuzz/run.sh" "$out/fuzz" "$secs" "$t"; then
			pass "$t ${secs}s"
		else
			fail "$t"
		fi
	done
else
	fail "fuzzing build (CC=clang --enable-fuzzing)"
fi

# The flags the code is compiled with, for the analysers; config.h from
# the sanitizer build.
cflags=(-std=gnu11 -I"$top/include" -I"$out/san" -DDATADIR=\"x\"
    -DSRCDIR=\"x\" -DBUILDDIR=\"x\")
# shellcheck disable=SC2207
cflags+=($(pkg-config --cflags augeas ncursesw))
srcs=("$top"/src/*.c "$top"/fuzz/*.c)

stage "clang-tidy"
if ! command -v clang-tidy >/dev/null 2>&1; then
	fail "clang-tidy is not installed"
elif [ ! -f "$out/san/config.h" ]; then
	fail "clang-tidy: no config.h (the sanitizer configure failed)"
else
	# One file per run: clang-tidy 14's valist checker carries state
	# from one file to the next within a run and then reports an
	# uninitialised va_list right after va_start.
	st=0
	: >"$out/clang-tidy.log"
	for f in "${srcs[@]}"; do
		clang-tidy --quiet "$f" -- "${cflags[@]}" \
		    >>"$out/clang-tidy.log" 2>&1 || st=1
	done
	n=$(grep -cE '(warning|error): ' "$out/clang-tidy.log")
	if [ "$st" -eq 0 ] && [ "$n" -eq 0 ]; then
		pass "clang-tidy (${#srcs[@]} files)"
	else
		grep -E '(warning|error): ' "$out/clang-tidy.log" | head -n 40
		fail "clang-tidy: $n findings"
	fi
fi

stage "cppcheck"
if ! command -v cppcheck >/dev/null 2>&1; then
	fail "cppcheck is not installed"
elif cppcheck --quiet --std=c11 --enable=warning,performance,portability \
    --inline-suppr --suppressions-list="$top/.cppcheck-suppressions" \
    -I"$top/include" -I"$out/san" --error-exitcode=1 "$top/src" \
    "$top/fuzz" >"$out/cppcheck.log" 2>&1; then
	pass "cppcheck"
else
	head -n 40 "$out/cppcheck.log"
	fail "cppcheck"
fi

echo "hostile: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
