# lib-compare.sh: fail and compare, for the tests that hold the program and
# its documentation against each other.  The caller sets failed=0 first.

fail()
{
	echo "FAIL: $*" >&2
	failed=1
}

# Compare two lists as sets; name what is only in one of them.
compare()
{
	what=$1 left=$2 right=$3 lname=$4 rname=$5

	sort -u "$left" >"$left.s"
	sort -u "$right" >"$right.s"
	comm -23 "$left.s" "$right.s" | while IFS= read -r x; do
		echo "FAIL: $what '$x' is in $lname but not in $rname" >&2
	done
	comm -13 "$left.s" "$right.s" | while IFS= read -r x; do
		echo "FAIL: $what '$x' is in $rname but not in $lname" >&2
	done
	cmp -s "$left.s" "$right.s" || failed=1
	if [ ! -s "$left.s" ]; then
		fail "no $what found in $lname"
	fi
}
