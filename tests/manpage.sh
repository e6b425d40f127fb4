#!/bin/sh
# manpage.sh: doc/vhostfix.1 says what the program does.  Both ways:
#  - every option of --help (with its argument) is in OPTIONS, and every
#    option there is in --help;
#  - every command of --help is in COMMANDS, and the other way round;
#  - (the rules of RULES: tests/rules-doc.sh)
#  - every exit code of include/cli.h is in EXIT STATUS, and back;
#  - the version in .TH is the program's;
#  - groff renders the page without a warning.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${VHOSTFIX:=$top_builddir/src/vhostfix}"

MAN=$top_srcdir/doc/vhostfix.1
failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-manpage.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM HUP

. "$top_srcdir/tests/lib-compare.sh"

[ -f "$MAN" ] || { echo "FAIL: no $MAN" >&2; exit 1; }
"$VHOSTFIX" --help >"$T/help" || { echo "FAIL: --help" >&2; exit 1; }

# The lines of one .SH section of the page, without the .SH line.
section()
{
	awk -v want="$1" '
		/^\.SH / {
			name = substr($0, 5)
			gsub(/"/, "", name)
			on = (name == want)
			next
		}
		on
	' "$MAN"
}

# Plain text of a roff line: fonts, \- and quotes out, spaces squeezed.
plain()
{
	sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\&//g' -e 's/"//g' \
	    -e 's/^\.[A-Z]* *//' -e 's/  */ /g' -e 's/ *$//'
}

# The tag line after each .TP of a section, as plain text.
tags()
{
	section "$1" | awk '/^\.TP/ { getline; print }' | plain
}

# Options: "--name ARG" as the help prints them (an argument is upper
# case or a list of words with |) ...
awk '
	/^options:/ { on = 1; next }
	on && /^$/ { on = 0 }
	on && /^  --/ {
		opt = $1
		if ($2 ~ /^[A-Z]+$/ || $2 ~ /\|/)
			opt = opt " " $2
		print opt
	}
' "$T/help" >"$T/help-opts"
# ... and as the page writes them: ".B \-\-name arg" or ".BI \-\-name " ARG"".
tags OPTIONS | grep '^--' >"$T/man-opts"
compare option "$T/help-opts" "$T/man-opts" "--help" "the man page OPTIONS"

# Commands: the first word of each line of the help's command list.
awk '
	/^commands:/ { on = 1; next }
	on && /^$/ { on = 0 }
	on && /^  [a-z]/ { print $1 }
' "$T/help" >"$T/help-cmds"
tags COMMANDS | awk '$1 ~ /^[a-z]+$/ { print $1 }' >"$T/man-cmds"
compare command "$T/help-cmds" "$T/man-cmds" "--help" "the man page COMMANDS"

# Exit codes: include/cli.h's enum and the page's EXIT STATUS.
sed -n 's/^[[:space:]]*EXIT_[A-Z_]* = \([0-9]*\),.*/\1/p' \
    "$top_srcdir/include/cli.h" >"$T/src-exits"
tags "EXIT STATUS" >"$T/man-exits"
compare "exit code" "$T/src-exits" "$T/man-exits" "include/cli.h" \
    "the man page EXIT STATUS"

# Version.
version=$("$VHOSTFIX" --version | awk '{ print $2 }')
grep -q "^\.TH VHOSTFIX 1 \"[^\"]*\" \"vhostfix $version\"" "$MAN" ||
    fail ".TH does not name vhostfix $version (the program's --version)"

# Every section the page promises.
for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS WIZARD RULES \
    "JSON OUTPUT" "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do
	grep -q "^\.SH \"*$s\"*\$" "$MAN" || fail "no section $s"
done
for v in NO_COLOR TERM; do
	section ENVIRONMENT | grep -q "^\.B $v\$" || fail "ENVIRONMENT lacks $v"
done

# Rendering: groff's warnings are what lintian reports too.
if command -v groff >/dev/null 2>&1; then
	LC_ALL=C.UTF-8 groff -man -ww -z -Tutf8 "$MAN" >"$T/groff" 2>&1 ||
	    fail "groff failed"
	if [ -s "$T/groff" ]; then
		cat "$T/groff" >&2
		fail "groff warns about the page"
	fi
else
	echo "note: groff not installed, rendering not checked" >&2
fi

n=$(wc -l <"$T/help-opts")
if [ "$failed" -ne 0 ]; then
	echo "manpage: the man page and the program disagree" >&2
	exit 1
fi
echo "manpage: $n options, commands and exit codes agree"
exit 0
