#!/bin/sh
# Build the seed corpora of the fuzz targets: fuzz/seeds.sh SRCDIR OUTDIR
#
# OUTDIR/config: the checked-in fuzz/seeds/config/*, plus one seed per
# fixture tree (tests/fixtures/*/root): its main configuration, then each
# enabled site after a "#@@ NAME" line (the format fuzz-config.c reads).
# OUTDIR/url: fuzz/seeds/url/*, plus the arguments of every ProxyPass and
# ProxyPassReverse line of the fixtures, NUL-separated (fuzz-url.c).
set -eu
src=$1
out=$2
mkdir -p "$out/config" "$out/url"
cp "$src"/fuzz/seeds/config/* "$out/config/"
cp "$src"/fuzz/seeds/url/* "$out/url/"

n=0
for root in "$src"/tests/fixtures/*/root; do
	[ -d "$root" ] || continue
	name=$(basename "$(dirname "$root")")
	main=
	for m in etc/apache2/apache2.conf etc/httpd/conf/httpd.conf; do
		[ -f "$root/$m" ] && { main=$root/$m; break; }
	done
	[ -n "$main" ] || continue
	seed=$out/config/fixture-$name
	cat "$main" >"$seed"
	grep -q sites-enabled "$main" ||
	    printf 'IncludeOptional sites-enabled/*.conf\n' >>"$seed"
	for site in "$root"/etc/apache2/sites-enabled/* \
	    "$root"/etc/httpd/conf.d/*.conf; do
		[ -f "$site" ] || continue
		printf '#@@ %s\n' "$(basename "$site" .conf)" >>"$seed"
		cat "$site" >>"$seed"
	done
	n=$((n + 1))
done

# ProxyPass arguments as written, quotes kept: the parser sees them as the
# model hands them over (unquoted), and quoting is fuzzed as well.
k=0
if [ -d "$src/tests/fixtures" ]; then
	grep -rhiE '^[[:space:]]*ProxyPass(Reverse)?[[:space:]]' \
	    "$src/tests/fixtures" 2>/dev/null | sort -u |
	while IFS= read -r line; do
		k=$((k + 1))
		# shellcheck disable=SC2086
		set -f
		set -- $line
		set +f
		shift
		printf '%s\0' "$@" | head -c 4096 >"$out/url/fixture-$k"
	done
fi
echo "seeds: $(ls "$out/config" | wc -l) config, $(ls "$out/url" | wc -l)" \
    "url ($n fixture trees)"
