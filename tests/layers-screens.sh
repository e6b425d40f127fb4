#!/bin/sh
# layers-screens.sh: the wizard's screens draw and map keys; every
# decision goes through the controller (src/wizard.c).  So no function of
# the planner (plan*.c), render.c, diff.c, the write path (write*.c) or
# augw.c may be called from src/screen-*.c or src/tui*.c, as a curses call
# in the core fails to link (the unit tests link without ncurses).
#
# The functions are read from the layers' sources: in the house style a
# definition starts a line with its name and "(" (the return type is on
# the line above).
set -u
if [ -z "${top_srcdir:-}" ]; then
	echo "run through make check (top_srcdir)" >&2
	exit 1
fi
src=$top_srcdir/src
fns=$(cat "$src"/plan*.c "$src/render.c" "$src/diff.c" "$src"/write*.c \
    "$src/augw.c" | sed -n 's/^\([a-z_][a-z0-9_]*\)(.*/\1/p' | sort -u)
if [ -z "$fns" ]; then
	echo "FAIL: no function definitions found in the core's sources" >&2
	exit 1
fi
# Sanity: the list has the layers' entry points.
for f in plan_build render_plan diff_unified write_apply; do
	echo "$fns" | grep -qx "$f" || {
		echo "FAIL: $f not found among the layers' functions" >&2
		exit 1
	}
done
screens=$(ls "$src"/screen-*.c "$src"/tui*.c 2>/dev/null)
if [ -z "$screens" ]; then
	echo "FAIL: no screen sources under $src" >&2
	exit 1
fi
pattern=$(echo "$fns" | tr '\n' '|' | sed 's/|$//')
# Comments may name them; code may not.  Strip /* ... */ on one line and
# lines inside a block comment (" * ...").
bad=$(for f in $screens; do
	sed -e 's|/\*.*\*/||g' -e '/^[ \t]*\*/d' -e '/^[ \t]*\/\*/d' "$f" |
	    grep -nE "(^|[^a-z0-9_])($pattern)[ \t]*\(" |
	    sed "s|^|${f#$top_srcdir/}:|"
done)
if [ -n "$bad" ]; then
	echo "FAIL: screens call the core's layers directly (use the" \
	    "controller, include/wizard.h):" >&2
	echo "$bad" >&2
	exit 1
fi
echo "screens and tui: $(echo "$screens" | wc -l) files, none calls one of" \
    "$(echo "$fns" | wc -l) functions of plan/render/diff/write/augw"
exit 0
