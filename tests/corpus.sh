#!/bin/sh
# corpus.sh: vhostfix reads every tree of the shared corpus of real Apache
# configurations ($top_srcdir/../shared/corpus, see its README) without a
# crash (VHOSTFIX_CORPUS names another place).
#
# Trees (certbot-apache/): each main config (apache2.conf, httpd.conf) is
# run with --root set to the highest directory above it that holds no
# other main config, as the corpus README says ("--root <tree> --config
# /<that path>").  Single files (certbot-apache-conf-files/): each is the
# main config of a root of its own.  On copies, for each: list, check and
# check --format json; exit status 0, 1 or 2 only (never a signal or a
# hang), valid JSON unless the status is 2 (then a message on stderr),
# nothing written.  Every parse-error finding names a file that Augeas's
# Httpd lens really rejects (augtool) or an Include line that Apache would
# stop at, and a single-file config that the lens rejects is reported as
# a parse-error finding.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib-fixtures.sh"

corpus=${VHOSTFIX_CORPUS:-$top_srcdir/../shared/corpus}
if [ ! -d "$corpus" ]; then
	echo "SKIP: no corpus at $corpus" >&2
	exit 77
fi
corpus=$(cd "$corpus" && pwd)
if ! command -v augtool >/dev/null 2>&1; then
	echo "SKIP: augtool (augeas-tools) is needed to cross-check parse" \
	    "errors" >&2
	exit 77
fi

ntrees=0

# Does Augeas's Httpd lens reject this file?  Usage: aug_rejects ROOT FILE
aug_rejects()
{
	augtool -r "$1" -A -L -t "Httpd.lns incl $2" <<EOF 2>/dev/null |
load
match /augeas/files$2/error
EOF
	    grep -q "^/augeas/files$2/error"
}

# Usage: run_one NAME ROOT CONFIG [single]
run_one()
{
	local name=$1 root=$2 config=$3 single=${4:-} d rcs f line
	current=$name
	case_failed=0
	d=$work/run
	rm -rf "$d"
	mkdir -p "$d"
	listing "$root" >"$d/before"

	rcs=
	vf "$d/list" "$d/list.err" --root "$root" --config "$config" list
	rcs="$rcs $rc"
	vf "$d/text" "$d/text.err" --root "$root" --config "$config" check
	rcs="$rcs $rc"
	local trc=$rc
	vf "$d/json" "$d/json.err" --root "$root" --config "$config" check \
	    --format json
	rcs="$rcs $rc"
	for rc in $rcs; do
		case $rc in
		0|1|2) ;;
		*) fail "exit status $rc (list, check, check --format json:$rcs)" ;;
		esac
	done
	if [ "$rc" -ne "$trc" ]; then
		fail "check exited $trc, check --format json $rc"
	fi
	if [ "$rc" -eq 2 ]; then
		if [ ! -s "$d/json.err" ]; then
			fail "exit 2 without a message"
		fi
	elif ! $VFJSON findings "$d/json" >"$d/findings" 2>"$d/jv"; then
		fail "check --format json does not follow the format:"
		sed 's/^/    /' "$d/jv" >&2
	else
		# Each parse-error names a file Augeas rejects, or an Include
		# line Apache itself would stop at (a missing file, a
		# wildcard without a match).
		while read -r rule line _; do
			[ "$rule" = parse-error ] || continue
			f=${line%:*}
			n=${line##*:}
			if aug_rejects "$root" "$f"; then
				continue
			fi
			if sed -n "${n}p" "$root$f" 2>/dev/null |
			    grep -qiE '^[[:space:]]*include(optional)?[[:space:]]'
			then
				continue
			fi
			fail "parse-error at $line, which Augeas parses and" \
			    "which is no Include line"
		done <"$d/findings"
		# A lone main config that Augeas rejects is reported.
		if [ -n "$single" ] && aug_rejects "$root" "$config" &&
		    ! grep -q "^parse-error $config:" "$d/findings"; then
			fail "Augeas rejects $config but check reports no" \
			    "parse-error for it"
		fi
	fi
	listing "$root" >"$d/after"
	same "root listing before and after" "$d/before" "$d/after"

	ntrees=$((ntrees + 1))
	if [ "$case_failed" -eq 0 ]; then
		echo "ok: $name (exit $rc, $(cat "$d/findings" 2>/dev/null |
		    wc -l) findings)"
		npass=$((npass + 1))
	else
		echo "FAILED: $name"
		nfail=$((nfail + 1))
	fi
}

# The trees.
mains=$(cd "$corpus" && find . -type f \( -name apache2.conf -o \
    -name httpd.conf \) | sed 's#^\./##' | sort)
for m in $mains; do
	# The highest directory above m holding no other main config.
	tree=
	IFS=/ read -r -a parts <<<"$m"
	prefix=
	for ((i = 0; i < ${#parts[@]} - 1; i++)); do
		prefix=${prefix:+$prefix/}${parts[i]}
		[ "$i" -eq 0 ] && continue	# the corpus' own folders
		n=$(printf '%s\n' $mains | grep -c "^$prefix/")
		if [ "$n" -eq 1 ]; then
			tree=$prefix
			break
		fi
	done
	[ -n "$tree" ] || tree=${m%/*}
	copy=$work/trees/${tree//\//_}
	rm -rf "$copy"
	mkdir -p "$copy"
	cp -a "$corpus/$tree/." "$copy/"
	chmod -R u+w "$copy"
	run_one "$m" "$copy" "/${m#"$tree"/}"
	chmod -R u+rwx "$copy"
	rm -rf "$copy"
done

# The single files.
for f in "$corpus"/certbot-apache-conf-files/*/*; do
	[ -f "$f" ] || continue
	rel=${f#"$corpus"/}
	copy=$work/single
	rm -rf "$copy"
	mkdir -p "$copy/etc/apache2"
	cp "$f" "$copy/etc/apache2/${f##*/}"
	chmod -R u+w "$copy"
	run_one "$rel" "$copy" "/etc/apache2/${f##*/}" single
done

echo "$npass corpus configurations passed, $nfail failed"
if [ "$nfail" -gt 0 ]; then
	exit 1
fi
if [ "$ntrees" -eq 0 ]; then
	echo "SKIP: the corpus holds no configuration" >&2
	exit 77
fi
exit 0
