#!/bin/sh
# Backup sets and the lock cannot be planted by others:
#  - a symlinked or world-writable backup directory is refused (fix and
#    rollback), nothing written;
#  - a set owned by another user, or whose manifest names a path outside
#    the root ("/etc/../../victim", or through a symlinked directory), is
#    refused by rollback, and the victim stays untouched;
#  - a world-writable run/lock with a lock file planted and held by
#    another user does not block a fix, and the holder's text never
#    reaches the terminal raw.
. "$top_srcdir/tests/write/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (chown)"; exit 77; }
nobody=65534

# 1. The backup directory is a symlink.
newroot b1
before=$(snap "$R")
mkdir -p "$R/var/backups" "$work/elsewhere"
ln -s "$work/elsewhere" "$R/var/backups/vhostfix"
vf "$work/out" "$work/err" --root "$R" fix --all --yes --no-configtest
[ "$rc" -eq 2 ] || fail "symlinked backup dir: exit $rc, not 2"
has "$work/err" "is a symlink: refused"
[ "$(snap "$R")" = "$before" ] || fail "symlinked backup dir: files written"
[ -z "$(ls -A "$work/elsewhere")" ] || fail "something went through the symlink"
vf "$work/out" "$work/err" --root "$R" rollback
[ "$rc" -eq 2 ] || fail "rollback with a symlinked backup dir: exit $rc"
has "$work/err" "is a symlink: refused"
pass "a symlinked backup directory is refused"

# 2. ... or writable by others.
rm "$R/var/backups/vhostfix"
mkdir -m 0777 "$R/var/backups/vhostfix"
chmod 0777 "$R/var/backups/vhostfix"
vf "$work/out" "$work/err" --root "$R" fix --all --yes --no-configtest
[ "$rc" -eq 2 ] || fail "world-writable backup dir: exit $rc, not 2"
has "$work/err" "is writable by others (mode 0777): refused"
[ "$(snap "$R")" = "$before" ] || fail "world-writable backup dir: files written"
chmod 0700 "$R/var/backups/vhostfix"
pass "a world-writable backup directory is refused"

# 3. A set planted by another user: its manifest sends rollback outside.
victim=$work/victim
echo "precious" >"$victim"
rel=$(realpath --relative-to="$R/etc" "$victim")
plant() {	# plant DIR PATH
	mkdir -p "$(dirname "$1/files$2")"
	echo "owned" >"$1/files$2"
	h=$(sha256sum <"$1/files$2" | cut -d' ' -f1)
	printf 'format\t1\nkind\tfix\ntime\t2030-01-01T00:00:00Z\nstamp\t1893456000.000000000\nroot\t%s\nfile\t%s\t%s\t%s\t%s\n' \
	    "$R" "$2" "$2" "$h" "$(sha256sum <"$victim" | cut -d' ' -f1)" \
	    >"$1/manifest"
}
set1=$R/var/backups/vhostfix/20300101T000000Z-aaaaaa
plant "$set1" "/etc/$rel"
chown -R "$nobody" "$set1"
vf "$work/out" "$work/err" --root "$R" rollback
[ "$rc" -eq 2 ] || fail "planted set: exit $rc, not 2"
has "$work/err" "is owned by uid $nobody, not by root: refused"
grep -qx precious "$victim" || fail "planted set: the victim was written"
vf "$work/out" "$work/err" --root "$R" rollback --list
[ "$rc" -eq 2 ] || fail "rollback --list with a planted set: exit $rc, not 2"
rm -rf "$set1"
pass "a set owned by another user is refused"

# 4. Root's own set, but its path climbs out of the root.
plant "$set1" "/etc/$rel"
vf "$work/out" "$work/err" --root "$R" rollback 20300101T000000Z-aaaaaa
[ "$rc" -eq 2 ] || fail "manifest with ..: exit $rc, not 2"
has "$work/err" "not a valid manifest line"
grep -qx precious "$victim" || fail "manifest with ..: the victim was written"
rm -rf "$set1"
# ... or through a symlinked directory inside the root.
ln -s "$work" "$R/etc/apache2/out"
plant "$set1" "/etc/apache2/out/victim"
vf "$work/out" "$work/err" --root "$R" rollback 20300101T000000Z-aaaaaa
[ "$rc" -eq 2 ] || fail "manifest through a symlink: exit $rc, not 2"
has "$work/err" "outside the root"
grep -qx precious "$victim" || fail "manifest through a symlink: victim written"
rm -rf "$set1" "$R/etc/apache2/out"
pass "manifest paths are confined to the root"

# 5. The lock: run/lock is world-writable (as on Debian), another user
# planted vhostfix.lock with terminal escapes and holds it.
newroot l1
chmod 0755 "$work"
mkdir -p "$R/run/lock"
chmod 1777 "$R/run/lock"
printf '\033]0;pwned\007\033[2J666\n' >"$R/run/lock/vhostfix.lock"
chown "$nobody" "$R/run/lock/vhostfix.lock"
# (sh execs sleep, so $! is the process that holds the lock)
setpriv --reuid="$nobody" --regid="$nobody" --clear-groups \
    sh -c 'exec 9>>"$1"; flock 9; exec sleep 2997' sh \
    "$R/run/lock/vhostfix.lock" &
bgpids="$bgpids $!"
wait_until 10 sh -c "pgrep -f 'sleep 2997' >/dev/null"
vf "$work/out" "$work/err" --root "$R" fix --all --yes --no-configtest
[ "$rc" -eq 0 ] || { fail "a lock planted in run/lock blocks the fix: exit $rc"; cat "$work/err" >&2; }
# Our own lock, held, with text in it: the message shows digits only.
lock=$R/var/backups/vhostfix/.lock
printf '\033]0;pwned\007\n' >"$lock"
sh -c 'exec 9>>"$1"; flock 9; exec sleep 2996' sh "$lock" &
bgpids="$bgpids $!"
wait_until 10 sh -c "pgrep -f 'sleep 2996' >/dev/null"
vf "$work/out" "$work/err" --root "$R" rollback --no-configtest
[ "$rc" -eq 2 ] || fail "held lock: exit $rc, not 2"
has "$work/err" "another vhostfix (pid unknown) is writing"
LC_ALL=C grep -q "$(printf '\033')" "$work/err" && fail "escape reached the terminal"
pass "the lock cannot be planted, held or used to inject by others"
finish
