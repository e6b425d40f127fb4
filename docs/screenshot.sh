#!/bin/sh
# screenshot.sh: docs/wizard.png, taken from a real terminal.  The wizard
# runs on the demo tree in tmux at 100x30 (keys sent with send-keys); an
# xterm on a virtual X server (Xvfb) shows that tmux session, and
# ImageMagick's import takes the xterm window.
#
# usage: docs/screenshot.sh [VHOSTFIX [OUT.png]]
# needs: xvfb xterm imagemagick fonts-dejavu-core tmux
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
vhostfix=${1:-$top/src/vhostfix}
out=${2:-$top/docs/wizard.png}
case $vhostfix in /*) ;; *) vhostfix=$PWD/$vhostfix ;; esac

T=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-shot.XXXXXX")
sock=vhostfix-shot-$$
xvfb= xterm=
cleanup() {
	[ -z "$xterm" ] || kill "$xterm" 2>/dev/null || :
	[ -z "$xvfb" ] || kill "$xvfb" 2>/dev/null || :
	tmux -L "$sock" kill-server 2>/dev/null || :
	rm -rf "$T"
}
trap cleanup EXIT INT TERM HUP

# The wizard, on its second screen: every broken vhost marked (A) and
# diagnosed together.
tmux -L "$sock" -f /dev/null new-session -d -s w -x 100 -y 30 \
    "env LANG=C.UTF-8 '$vhostfix' --demo; sleep 60"
tmux -L "$sock" set -g status off
tmux -L "$sock" set -g window-size manual
sleep 1
tmux -L "$sock" send-keys -t w A
sleep 0.5
tmux -L "$sock" send-keys -t w Enter
sleep 1

# A real terminal showing it: xterm, DejaVu Sans Mono, the Tango palette.
cat >"$T/xres" <<'EOF'
XTerm*faceName: DejaVu Sans Mono
XTerm*faceSize: 11
XTerm*background: #1c1c1c
XTerm*foreground: #d3d7cf
XTerm*cursorColor: #1c1c1c
XTerm*internalBorder: 12
XTerm*scrollBar: false
XTerm*utf8: 1
XTerm*color0: #2e3436
XTerm*color1: #cc0000
XTerm*color2: #4e9a06
XTerm*color3: #c4a000
XTerm*color4: #3465a4
XTerm*color5: #75507b
XTerm*color6: #06989a
XTerm*color7: #d3d7cf
XTerm*color8: #555753
XTerm*color9: #ef2929
XTerm*color10: #8ae234
XTerm*color11: #fce94f
XTerm*color12: #729fcf
XTerm*color13: #ad7fa8
XTerm*color14: #34e2e2
XTerm*color15: #eeeeec
EOF
Xvfb -displayfd 3 -screen 0 1400x900x24 -nolisten tcp 3>"$T/display" \
    2>"$T/xvfb.log" &
xvfb=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
	[ -s "$T/display" ] && break
	sleep 0.5
done
DISPLAY=:$(cat "$T/display")
export DISPLAY
LANG=C.UTF-8 XENVIRONMENT=$T/xres xterm -geometry 100x30+0+0 \
    -e sh -c "echo \$WINDOWID >'$T/wid'; exec tmux -L '$sock' attach -t w" \
    2>"$T/xterm.log" &
xterm=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
	[ -s "$T/wid" ] && break
	sleep 0.5
done
sleep 2
import -window "$(cat "$T/wid")" "$out"
echo "screenshot: $out"
