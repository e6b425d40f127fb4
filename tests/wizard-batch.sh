#!/bin/sh
# Wizard 2 (issue 16): every broken demo vhost fixed in one walk, with one
# backup set and at most 12 key presses; a batch whose vhosts differ in
# ProxyPreserveHost keeps each one's setting; undo from the Done screen puts
# the files back; the session summary is printed after curses ends; a
# certbot pair is one row and fixed together (the port-80 vhost that only
# redirects is not touched); the Host step is skipped when no finding
# depends on it, and has no "keep each" answer when the batch's vhosts
# agree; a user who cannot write the tree gets the not-root banner.
. "$top_srcdir/tests/wizard/lib.sh"

NKEYS=0
# press KEY...: send keys, counting the presses of the batch walk
press() {
	NKEYS=$((NKEYS + $#))
	keys "$@"
}

# ---- the batch: A marks errors and warnings, Enter walks them ---------
# A marks the three rows with errors or warnings (app, wiki and the secure
# 80/443 pair), not shop: its ProxyPassReverse is dead (an info) since it
# preserves the Host header.  Space marks shop too, so the batch mixes
# ProxyPreserveHost On (shop) with Off (the others).
start_wizard "" --no-configtest
wait_for "Step 1 of 7 Virtual hosts" "0 marked  1/6"
press A
wait_for "3 marked  1/6" "▶*✗ error   app.example.com" \
    " *✗ error   wiki.example.com" " *! warning secure.example.com *:80 *:443" \
    "  i info    shop.example.com"
press End Space
wait_for "4 marked  6/6" "▶*i info    shop.example.com"
press Enter
wait_for "Step 2 of 7 Diagnosis: 5 vhosts" "5 vhosts fixed together"
press Enter
wait_for "Step 3 of 7 Host header" "One answer for all 5 vhosts" \
    "(•) Keep each vhost's own setting   (current settings differ)"
press Enter
wait_for "Step 4 of 7 Extras"
press Enter
wait_for "Step 5 of 7 Review the diff" "Host header per vhost" \
    "preserved: no  app.example.com *:80" \
    "preserved: yes shop.example.com *:80" \
    "preserved: no  secure.example.com *:80" \
    "preserved: no  secure.example.com *:443"
# shop keeps its ProxyPreserveHost On, the others keep theirs off
# the jump list of files, and n jumps to the next file's diff
tmux -S "$SOCK" resize-window -t wiz -x 80 -y 50
wait_for "3 files (n/Tab jumps to the next):" \
    "/etc/apache2/sites-available/wiki.example.com.conf"
screen | grep -q "^ *[0-9]*\. /etc/apache2/sites-available/shop" &&
    fail "shop's file, with nothing to fix, is in the review's file list"
tmux -S "$SOCK" resize-window -t wiz -x 80 -y 24
keys n
wait_for "diff --git a/etc/apache2/"
keys Home
same_tree "$PRISTINE" "$ROOT"
press Enter
wait_for "Step 6 of 7 Write" "Ready to write 3 files for 5 vhosts" \
    "Press y to write"
press y
wait_for "Written: 3 files changed."
[ "$NKEYS" -le 12 ] || fail "the batch took $NKEYS key presses (max 12)"
echo "batch of 5 vhosts (4 rows) written in $NKEYS key presses"
nsets=$(ls "$ROOT/var/backups/vhostfix" | wc -l)
[ "$nsets" = 1 ] || fail "$nsets backup sets for one batch write"
# the three broken vhosts' files changed; shop's, with only a dead line
# (an info) and its own ProxyPreserveHost On kept, did not: the answer
# "No" would have turned it Off
for site in app wiki secure; do
	cmp -s "$PRISTINE/etc/apache2/sites-available/$site.example.com.conf" \
	    "$ROOT/etc/apache2/sites-available/$site.example.com.conf" &&
	    fail "$site.example.com.conf not changed by the batch"
done
cmp -s "$PRISTINE/etc/apache2/sites-available/shop.example.com.conf" \
    "$ROOT/etc/apache2/sites-available/shop.example.com.conf" ||
    fail "shop.example.com.conf changed by the batch"

grep -q "ProxyPreserveHost On" \
    "$ROOT/etc/apache2/sites-available/shop.example.com.conf" ||
    fail "the batch turned shop's ProxyPreserveHost off"
grep -q "ProxyPreserveHost On" \
    "$ROOT/etc/apache2/sites-available/app.example.com.conf" &&
    fail "the batch turned app's ProxyPreserveHost on"

keys Enter
wait_for "Step 7 of 7 Done" "The change for 5 vhosts is written (one backup" \
    "What changed:" "u undo"
# each change at its own line of the new file, in order
screen | grep -E '^  /etc/apache2/sites-available/app.example.com.conf:[0-9]+' |
    sed -E 's/.*conf:([0-9]+) .*/\1/' >"$W/lines"
[ -s "$W/lines" ] || fail "no change listed with its line"
sort -n -c "$W/lines" 2>/dev/null || fail "changes not in line order"
[ "$(sort -n "$W/lines" | uniq -d)" = "" ] ||
    fail "two changes listed at one line"

# undo asks first, then restores every file
keys u
wait_for "Undo the write: put every file back as it was?"
keys y
wait_for "Undone: every file is back as it was"
same_tree "$PRISTINE/etc" "$ROOT/etc"
keys Enter
wait_for "Step 1 of 7 Virtual hosts"
keys q
assert_clean_exit
# the summary stays on the terminal after curses ends
# (undone: no file written, nothing left over from that write)
wait_for "vhostfix session: 0 files written (1 write undone)" \
    "Backup sets:" ": undone"
screen | grep -q "Left to you:" && fail "an undone write still leaves work"

# ---- the Host step is skipped for a ProxyPass order fix ---------------
new_tree "$ROOT"
start_wizard "" --no-configtest
wait_for "Step 1 of 7 Virtual hosts"
keys / w i k i Enter
wait_for "filter: wiki"
keys Enter
wait_for "Step 2 of 7 Diagnosis: wiki.example.com" "proxypass-order"
# one Enter from the diagnosis lands on the review: no Host question (and
# no extras: wiki already hides the backend's Server header)
keys Enter
wait_for "Step 5 of 7 Review the diff: wiki.example.com"
keys q y
wait_exit >/dev/null

# ---- one setting in the batch: no "keep each" answer ------------------
# A alone marks app, wiki and the secure pair, all without
# ProxyPreserveHost: the Host step offers yes or no, no third answer.
new_tree "$ROOT"
start_wizard "" --no-configtest
wait_for "Step 1 of 7 Virtual hosts"
keys A
wait_for "3 marked"
keys Enter
wait_for "Step 2 of 7 Diagnosis: 4 vhosts" "4 vhosts fixed together"
keys Enter
wait_for "Step 3 of 7 Host header: 4 vhosts" "One answer for all 4 vhosts" \
    "(•) No, send the backend's address   (current setting)"
screen | grep -q "Keep each vhost's own setting" &&
    fail "keep each vhost's setting offered when all have the same"
keys q y
wait_exit >/dev/null

# ---- a certbot pair: one row, fixed together --------------------------
new_tree "$ROOT"
SA=$ROOT/etc/apache2/sites-available
cat >"$SA/pair.example.com.conf" <<'CONF'
<VirtualHost *:80>
	ServerName pair.example.com
	Redirect permanent / https://pair.example.com/
</VirtualHost>
CONF
cat >"$SA/pair.example.com-le-ssl.conf" <<'CONF'
<VirtualHost *:443>
	ServerName pair.example.com
	SSLEngine on
	ProxyPass        / unix:/run/gunicorn/pair.sock|http://127.0.0.1/
	ProxyPassReverse / unix:/run/gunicorn/pair.sock|http://127.0.0.1/
	SSLCertificateFile /etc/letsencrypt/live/pair.example.com/fullchain.pem
	SSLCertificateKeyFile /etc/letsencrypt/live/pair.example.com/privkey.pem
</VirtualHost>
CONF
ln -s ../sites-available/pair.example.com.conf \
    "$ROOT/etc/apache2/sites-enabled/pair.example.com.conf"
ln -s ../sites-available/pair.example.com-le-ssl.conf \
    "$ROOT/etc/apache2/sites-enabled/pair.example.com-le-ssl.conf"
cp "$SA/pair.example.com.conf" "$W/pair80"
start_wizard "" --no-configtest
wait_for "Step 1 of 7 Virtual hosts" "*:80 *:443"
[ "$(screen | grep -c 'pair\.example\.com')" = 1 ] ||
    fail "the pair is not one row"
keys / p a i r Enter
wait_for "filter: pair"
keys Enter
wait_for "Step 2 of 7 Diagnosis: 2 vhosts" "2 vhosts fixed together" \
    "pair.example.com-le-ssl.conf"
# a long path does not cut the finding's line number off (rough edge)
wait_for "/etc/apache2/sites-enabled/pair.example.com-le-ssl.conf:5"
keys Enter
wait_for "Step 3 of 7 Host header"
keys Enter
wait_for "Step 4 of 7 Extras" "X-Forwarded-Proto"
keys Enter
wait_for "Step 5 of 7 Review the diff" "pair.example.com-le-ssl.conf"
keys Enter
wait_for "Step 6 of 7 Write" "for 2 vhosts"
keys y
wait_for "Written: 1 file changed."
cmp -s "$W/pair80" "$SA/pair.example.com.conf" ||
    fail "the redirect-only port-80 vhost got edits"
grep -q "ProxyPassReverse / http" "$SA/pair.example.com-le-ssl.conf" ||
    fail "the TLS vhost was not fixed"
keys Enter q
wait_exit >/dev/null

# ---- not root: a banner and a dry run ---------------------------------
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 &&
    setpriv --reuid=65534 --regid=65534 --clear-groups \
    test -x "$VHOSTFIX" 2>/dev/null; then
	new_tree "$ROOT"
	chmod 755 "$W"
	chmod -R a+rX,go-w "$ROOT"
	start_wizard "setpriv --reuid=65534 --regid=65534 --clear-groups"
	wait_for "Not root: diagnose and save a patch (a dry run)" \
	    "writing needs root" "[dry run]"
	keys Enter
	wait_for "Step 2 of 7 Diagnosis"
	keys q
	wait_exit >/dev/null
	same_tree "$PRISTINE" "$ROOT"
else
	echo "not-root part skipped: not root, or no setpriv"
fi
exit 0
