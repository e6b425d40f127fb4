#!/bin/sh
# completion.sh: source completions/vhostfix.bash in a real bash and ask
# it what a Tab would offer, as bash does: COMP_WORDS and COMP_CWORD set,
# _vhostfix called, COMPREPLY read.  Commands, options, option values,
# virtual host names from a tree of our own, backup set ids after a real
# fix.  Then, if zsh is there, the zsh completion must at least parse.
[ -n "${BASH_VERSION-}" ] || exec bash "$0" "$@"
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${VHOSTFIX:=$top_builddir/src/vhostfix}"

failed=0
checks=0
T=$(mktemp -d "${TMPDIR:-/tmp}/vhostfix-completion.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM HUP

# The program is reached as the user would type it: by name, on PATH.
mkdir "$T/bin"
ln -s "$VHOSTFIX" "$T/bin/vhostfix"
PATH=$T/bin:$PATH

# shellcheck source=/dev/null
. "$top_srcdir/completions/vhostfix.bash" || { echo "FAIL: source" >&2
    exit 1; }
complete -p vhostfix >/dev/null 2>&1 ||
    { echo "FAIL: no 'complete' for vhostfix" >&2; exit 1; }

# A tree: two vhosts (one with an alias), one proxying without a
# ProxyPassReverse, so that fix has something to write.
R=$T/root
mkdir -p "$R/etc/apache2"
cat >"$R/etc/apache2/apache2.conf" <<'EOF'
LoadModule proxy_module modules/mod_proxy.so
LoadModule proxy_http_module modules/mod_proxy_http.so
LoadModule headers_module modules/mod_headers.so
<VirtualHost *:80>
	ServerName alpha.example.com
	ServerAlias www.alpha.example.com
	ProxyPass / http://127.0.0.1:8001/
</VirtualHost>
<VirtualHost *:8080>
	ServerName beta.example.org
</VirtualHost>
EOF
mkdir -p "$T/dirs/sub-one" "$T/dirs/sub-two"
: >"$T/dirs/afile"

# complete WORD... : the words of the line, the last one being completed;
# sets $got to the sorted replies, one a line.
complete_line()
{
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_vhostfix vhostfix "${COMP_WORDS[COMP_CWORD]}" \
	    "${COMP_WORDS[COMP_CWORD - 1]}"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | sed '/^$/d')
}

# expect "WANTED REPLIES (one a line)" WORD...
expect()
{
	local want=$1
	shift
	complete_line "$@"
	checks=$((checks + 1))
	if [ "$got" != "$want" ]; then
		echo "FAIL: vhostfix ${*:2} <Tab>" >&2
		echo "  want: $(printf '%s' "$want" | tr '\n' ' ')" >&2
		echo "  got:  $(printf '%s' "$got" | tr '\n' ' ')" >&2
		failed=1
	fi
}

nl=$'\n'

# Commands.
expect "check${nl}explain${nl}fix${nl}list${nl}probe${nl}rollback${nl}verify" vhostfix ""
expect "check" vhostfix ch
expect "check" vhostfix --root "$R" ch

# Options: every one of --help, and prefixes.
complete_line vhostfix --
want=$("$VHOSTFIX" --help | awk '/^  --/ { print $1 }' | sort)
checks=$((checks + 1))
[ "$got" = "$want" ] && [ -n "$got" ] ||
    { echo "FAIL: vhostfix --<Tab> is not the options of --help" >&2
      failed=1; }
expect "--dry-run" vhostfix fix --dr
expect "--force${nl}--format${nl}--forwarded-proto" vhostfix --fo
expect "--reload${nl}--reload-cmd" vhostfix fix --relo

# Option values, after a space and after '=' (split or not).
expect "json${nl}nagios${nl}prometheus${nl}text" vhostfix check --format ""
expect "error${nl}info${nl}warning" vhostfix check --fail-on ""
expect "socket-backlog-full${nl}socket-in-private-tmp${nl}socket-label-shared${nl}socket-missing${nl}socket-path-too-long${nl}socket-permission${nl}socket-stale${nl}socket-url-syntax" vhostfix check --rule socket-
expect "server-header-exposed${nl}servername-duplicate" vhostfix check --ignore serv
expect "--quiet" vhostfix check --qu
expect "json" vhostfix check --format j
expect "json" vhostfix check --format = j
expect "json" vhostfix check --format=j
expect "always" vhostfix --color = al
expect "off${nl}on" vhostfix fix --preserve-host ""
expect "auto" vhostfix fix --forwarded-proto a
expect "prod" vhostfix fix --server-tokens p
expect "$T/dirs/sub-one${nl}$T/dirs/sub-two" vhostfix --root "$T/dirs/sub"
expect "$T/dirs/afile" vhostfix --config "$T/dirs/af"
# An option without a value does not take the next word.
expect "check${nl}explain${nl}fix${nl}list${nl}probe${nl}rollback${nl}verify" vhostfix --demo --yes ""

# Virtual hosts of the tree that --root names (aliases too).
expect "alpha.example.com${nl}beta.example.org${nl}www.alpha.example.com" \
    vhostfix --root "$R" check ""
expect "alpha.example.com" vhostfix --root "$R" fix --dry-run al
expect "www.alpha.example.com" vhostfix --root="$R" check w
expect "beta.example.org" vhostfix --root = "$R" fix b
expect "beta.example.org" vhostfix check --root "$R" b
# --backup-dir (which list does not take) does not stop the names.
expect "beta.example.org" vhostfix --root "$R" --backup-dir "$T" fix b
expect "beta.example.org" vhostfix --root "$R" --backup-dir="$T" fix b
# A value of an option is not the command.
expect "alpha.example.com" vhostfix --root "$R" --format json check a
# list takes no vhost.
expect "" vhostfix --root "$R" list ""

# Backup set ids: make one with a real fix, then complete rollback.
if "$VHOSTFIX" --root "$R" fix --yes --no-configtest alpha.example.com \
    >"$T/fix.out" 2>&1; then
	id=$("$VHOSTFIX" --root "$R" rollback --list | awk '{ print $1 }')
	checks=$((checks + 1))
	[ -n "$id" ] || { echo "FAIL: no backup set after fix" >&2; failed=1; }
	expect "$id" vhostfix --root "$R" rollback ""
	expect "$id" vhostfix --root "$R" rollback "${id%"${id#?????}"}"
	expect "" vhostfix --root "$R" rollback nosuchid
else
	cat "$T/fix.out" >&2
	echo "FAIL: fix --yes on the test tree" >&2
	failed=1
fi

# zsh: the completion function must parse (zsh is optional).
if command -v zsh >/dev/null 2>&1; then
	checks=$((checks + 1))
	zsh -n "$top_srcdir/completions/_vhostfix" ||
	    { echo "FAIL: zsh -n completions/_vhostfix" >&2; failed=1; }
else
	echo "note: zsh not installed, completions/_vhostfix not parsed" >&2
fi

if [ "$failed" -ne 0 ]; then
	echo "completion: some completions are wrong" >&2
	exit 1
fi
echo "completion: $checks checks passed"
exit 0
