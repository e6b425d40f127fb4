#!/bin/sh
# Someone else edits a file while the configtest runs, and the configtest
# fails: their edit is kept (not overwritten by the automatic restore),
# the other files are restored, our version is kept in the backup set,
# the output says which file is in which state and what to do, exit 6;
# the next run reports the open fix; rollback --force finishes the job.
. "$top_srcdir/tests/write/lib.sh"

app=etc/apache2/sites-available/app.example.com.conf
shop=etc/apache2/sites-available/shop.example.com.conf
newroot f1
cp "$R/$app" "$work/app.orig"
cp "$R/$shop" "$work/shop.orig"
# A colleague's edit, then Apache's verdict: rejected.
edit=$work/colleague.sh
cat >"$edit" <<EOS
#!/bin/sh
echo "# colleague: raised the timeout" >>"$R/$app"
echo "AH00526: Syntax error (simulated)"
exit 1
EOS
chmod +x "$edit"
vf "$work/out" "$work/err" --root "$R" fix --all --yes --configtest "$edit"
[ "$rc" -eq 6 ] || fail "foreign edit: exit $rc, not 6"
tail -n1 "$R/$app" | grep -qF "# colleague: raised the timeout" ||
    fail "the colleague's edit was lost"
cmp -s "$R/$shop" "$work/shop.orig" || fail "shop.example.com.conf not restored"
has "$work/err" "app.example.com.conf): changed by someone else meanwhile, left as they wrote it"
has "$work/err" "shop.example.com.conf): as before"
has "$work/err" "NOT as it was before"
has "$work/err" "rollback"
id=$(sed -n 's/.*finish the restore with: .* rollback \([^ ]*\).*/\1/p' "$work/err")
[ -n "$id" ] || fail "no rollback command printed"
set_dir=$R/var/backups/vhostfix/$id
cmp -s "$set_dir/files/$app" "$work/app.orig" ||
    fail "the original is not in the backup set"
[ -f "$set_dir/new/$app" ] || fail "our version is not kept beside it"
grep -q "^ProxyPassReverse / http://127.0.0.1/" <(tr -d '\t' <"$set_dir/new/$app") ||
    fail "the kept version is not the fix"
pass "a colleague's edit during the configtest is kept"

# The next run says so; fix refuses to write on top of it.
vf "$work/out" "$work/err" --root "$R" check
has "$work/err" "an interrupted fix is open (backup set $id"
vf "$work/out" "$work/err" --root "$R" fix --all --yes --no-configtest
[ "$rc" -eq 2 ] || fail "fix on top of an open fix: exit $rc, not 2"
has "$work/err" "an interrupted fix is still open"
# rollback does not overwrite the colleague's file without --force.
vf "$work/out" "$work/err" --root "$R" rollback --no-configtest
[ "$rc" -eq 2 ] || fail "rollback over a foreign edit: exit $rc, not 2"
has "$work/err" "changed since backup set $id"
vf "$work/out" "$work/err" --root "$R" rollback --force --no-configtest
[ "$rc" -eq 0 ] || fail "rollback --force: exit $rc"
cmp -s "$R/$app" "$work/app.orig" || fail "rollback --force: not the original"
vf "$work/out" "$work/err" --root "$R" check
grep -q "interrupted fix" "$work/err" && fail "the journal is still open"
pass "rollback --force closes it"
finish
