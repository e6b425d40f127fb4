/* test-diff.c: diff_unified on many generated old/new pairs.
 *
 * Each diff is applied to the old text by the small patch applier below,
 * which also checks the hunks' shape (headers, line numbers, 3 lines of
 * context, hunks split by 7 or more unchanged lines); the result must be
 * the new text.  Small pairs must also give a smallest diff (checked by
 * the longest common subsequence).  Pairs: random insertions, deletions
 * and replacements among lines that repeat ("</VirtualHost>", empty
 * lines), texts without a final newline, and files of 300 and 20,000
 * vhosts with every vhost fixed or edits scattered, in memory linear in
 * the text (the search used to keep a copy of its state per edit: 24 GB
 * for the 20,000-vhost file). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "diff.h"
#include "util.h"
#include "check.h"

struct tline {
	const char	*p;
	size_t		 n;	/* with its '\n', if any */
};

#if defined(__SANITIZE_ADDRESS__)
#define RSS_LIMIT_KB	(2048 * 1024)
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RSS_LIMIT_KB	(2048 * 1024)
#endif
#endif
#ifndef RSS_LIMIT_KB
#define RSS_LIMIT_KB	(512 * 1024)
#endif

static uint64_t	seed = 42;

static unsigned
rnd(unsigned n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(seed >> 33) % n;
}

/* The next line at *s (before end) into l; 0 when there is none. */
static int
next_line(const char **s, const char *end, struct tline *l)
{
	const char	*nl;

	if (*s >= end)
		return 0;
	nl = memchr(*s, '\n', (size_t)(end - *s));
	l->p = *s;
	l->n = nl ? (size_t)(nl - *s) + 1 : (size_t)(end - *s);
	*s += l->n;
	return 1;
}

/* The lines of s into *out (caller frees); returns their count. */
static size_t
lines_of(const char *s, size_t len, struct tline **out)
{
	const char	*p = s, *end = s + len;
	struct tline	 l;
	size_t		 n = 0;

	while (next_line(&p, end, &l))
		n++;
	*out = xcalloc(n + 1, sizeof **out);
	for (p = s, n = 0; next_line(&p, end, &(*out)[n]); n++)
		;
	return n;
}

static size_t
count_lines(const struct buf *b)
{
	const char	*p = b->data, *end = b->data + b->len;
	struct tline	 l;
	size_t		 n = 0;

	while (b->len > 0 && next_line(&p, end, &l))
		n++;
	return n;
}

static int
same(const struct tline *a, const struct tline *b)
{
	return a->n == b->n && memcmp(a->p, b->p, a->n) == 0;
}

/* "@@ -A[,B] +C[,D] @@": start and count of each side. */
static int
hunk_header(const struct tline *l, size_t *a, size_t *b, size_t *c,
    size_t *d)
{
	const char	*s = l->p, *end = l->p + l->n;
	char		*e;

	if (l->n < 4 || strncmp(s, "@@ -", 4) != 0)
		return -1;
	*a = strtoul(s + 4, &e, 10);
	*b = 1;
	if (*e == ',')
		*b = strtoul(e + 1, &e, 10);
	if (strncmp(e, " +", 2) != 0)
		return -1;
	*c = strtoul(e + 2, &e, 10);
	*d = 1;
	if (*e == ',')
		*d = strtoul(e + 1, &e, 10);
	if (end - e != 4 || strncmp(e, " @@\n", 4) != 0)
		return -1;
	return 0;
}

/* Apply diff to old into out, checking the hunks' shape as it goes;
 * *changed counts the '+' and '-' lines.  Returns NULL or what is wrong. */
static const char *
apply(const struct buf *diff, const char *old, size_t oldlen,
    struct buf *out, size_t *changed)
{
	struct tline	*d, *o;
	size_t		 nd, no, i = 3, cur = 0, outn = 0;
	const char	*why = NULL;

	*changed = 0;
	nd = lines_of(diff->data ? diff->data : "", diff->len, &d);
	no = lines_of(old, oldlen, &o);
	if (nd < 4 || strncmp(d[0].p, "diff --git a/etc/x.conf b/etc/x.conf\n",
	    d[0].n) != 0 || strncmp(d[1].p, "--- a/etc/x.conf\n", d[1].n) ||
	    strncmp(d[2].p, "+++ b/etc/x.conf\n", d[2].n)) {
		why = "bad headers";
		goto done;
	}
	while (i < nd) {
		size_t	a, b, c, e, os, ns, lead = 0, trail = 0, run = 0;
		int	seen = 0;

		if (hunk_header(&d[i++], &a, &b, &c, &e) != 0) {
			why = "bad hunk header";
			goto done;
		}
		os = b ? a - 1 : a;
		ns = e ? c - 1 : c;
		if (os < cur || (cur > 0 && os == cur) || os > no) {
			why = "hunks out of order or touching";
			goto done;
		}
		for (; cur < os; cur++, outn++)
			buf_add(out, o[cur].p, o[cur].n);
		if (ns != outn) {
			why = "new-side line number";
			goto done;
		}
		while (b > 0 || e > 0) {
			struct tline	 l;
			char		 tag;

			if (i >= nd || d[i].n < 2) {
				why = "hunk cut short";
				goto done;
			}
			tag = d[i].p[0];
			l.p = d[i].p + 1;
			l.n = d[i].n - 1;
			i++;
			if (i < nd && d[i].n > 0 && d[i].p[0] == '\\') {
				if (strncmp(d[i].p,
				    "\\ No newline at end of file\n",
				    d[i].n) != 0) {
					why = "bad marker";
					goto done;
				}
				l.n--;	/* the line had no '\n' */
				i++;
			}
			if (tag == ' ' || tag == '-') {
				if (b == 0 || cur >= no || !same(&l, &o[cur])) {
					why = "context or removed line differs";
					goto done;
				}
				cur++;
				b--;
			}
			if (tag == ' ' || tag == '+') {
				if (e == 0) {
					why = "too many new lines";
					goto done;
				}
				buf_add(out, l.p, l.n);
				outn++;
				e--;
			}
			if (tag == ' ') {
				run++;
				if (!seen)
					lead++;
				trail++;
			} else if (tag == '+' || tag == '-') {
				(*changed)++;
				seen = 1;
				trail = 0;
				run = 0;
			} else {
				why = "bad line tag";
				goto done;
			}
			if (seen && run > 2 * 3 && b + e > 0) {
				why = "7 unchanged lines inside a hunk";
				goto done;
			}
		}
		if (!seen || lead > 3 || (lead < 3 && os != 0) || trail > 3 ||
		    (trail < 3 && cur != no)) {
			why = "context is not 3 lines";
			goto done;
		}
	}
	for (; cur < no; cur++)
		buf_add(out, o[cur].p, o[cur].n);
done:
	free(d);
	free(o);
	return why;
}

/* The length of the longest common subsequence of lines. */
static size_t
lcs(const char *x, size_t xl, const char *y, size_t yl)
{
	struct tline	*a, *b;
	size_t		 n = lines_of(x, xl, &a), m = lines_of(y, yl, &b), i,
			 j, r, *row = xcalloc((n + 1) * (m + 1), sizeof *row);

	for (i = 1; i <= n; i++)
		for (j = 1; j <= m; j++) {
			size_t	up = row[(i - 1) * (m + 1) + j],
				left = row[i * (m + 1) + j - 1];

			row[i * (m + 1) + j] = same(&a[i - 1], &b[j - 1]) ?
			    row[(i - 1) * (m + 1) + j - 1] + 1 :
			    up > left ? up : left;
		}
	r = row[n * (m + 1) + m];
	free(row);
	free(a);
	free(b);
	return r;
}

/* diff old -> new, apply it, compare; returns the changed lines. */
static size_t
roundtrip(const char *what, const struct buf *old, const struct buf *new,
    size_t *hunks)
{
	struct buf	 d = { 0 }, got = { 0 };
	const char	*o = old->data ? old->data : "";
	const char	*n = new->data ? new->data : "";
	const char	*why;
	size_t		 changed = 0;
	int		 h;

	h = diff_unified(&d, "/etc/x.conf", o, old->len, n, new->len);
	if (old->len == new->len && memcmp(o, n, old->len) == 0) {
		CHECK(h == 0 && d.len == 0);
		goto out;
	}
	why = apply(&d, o, old->len, &got, &changed);
	if (why != NULL)
		fprintf(stderr, "%s: %s\n", what, why);
	CHECK(why == NULL);
	CHECK(got.len == new->len && memcmp(got.data ? got.data : "", n,
	    new->len) == 0);
	CHECK(h > 0);
	if (hunks != NULL)
		*hunks = (size_t)h;
out:
	buf_free(&d);
	buf_free(&got);
	return changed;
}

static const char *const pool[] = {
	"</VirtualHost>\n", "\n", "    </Location>\n", "a\n", "b\n",
	"    ProxyPreserveHost Off\n", "c\r\n"
};

/* A random line: often one that repeats. */
static void
add_line(struct buf *b, unsigned spread)
{
	if (rnd(2) == 0)
		buf_adds(b, pool[rnd(sizeof pool / sizeof pool[0])]);
	else
		buf_printf(b, "line %u\n", rnd(spread));
}

/* old: n random lines; new: old with random insertions, deletions and
 * replacements, each line edited with probability pct/100. */
static void
gen_pair(struct buf *old, struct buf *new, unsigned n, unsigned pct,
    unsigned spread)
{
	unsigned	i;
	size_t		start;

	for (i = 0; i < n; i++) {
		start = old->len;
		add_line(old, spread);
		if (rnd(100) >= pct) {
			buf_add(new, old->data + start, old->len - start);
			continue;
		}
		switch (rnd(3)) {
		case 0:		/* deleted */
			break;
		case 1:		/* replaced */
			add_line(new, spread);
			break;
		default:	/* lines inserted before it */
			do
				add_line(new, spread);
			while (rnd(3) == 0);
			buf_add(new, old->data + start, old->len - start);
		}
	}
	/* Sometimes no final newline, on either side. */
	if (rnd(4) == 0)
		buf_adds(old, "last");
	if (rnd(4) == 0)
		buf_adds(new, rnd(2) ? "last" : "other last");
}

#define HEAD "diff --git a/etc/x.conf b/etc/x.conf\n" \
	"--- a/etc/x.conf\n+++ b/etc/x.conf\n"

/* Diffs as the program has always printed them. */
static const struct {
	const char	*old, *new, *diff;
	int		 hunks;
} golden[] = {
	{ "a\nb\n", "a\nb\n", "", 0 },
	{ "a\nb\nc\n", "a\nB\nc\n",
	    HEAD "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n", 1 },
	{ "a\nb", "a\nc", HEAD "@@ -1,2 +1,2 @@\n a\n-b\n"
	    "\\ No newline at end of file\n+c\n"
	    "\\ No newline at end of file\n", 1 },
	{ "", "x\n", HEAD "@@ -0,0 +1 @@\n+x\n", 1 },
	/* Two changes 7 lines apart make two hunks; 6 apart, one. */
	{ "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n",
	    "X\n1\n2\n3\n4\n5\n6\n7\nY\n9\n",
	    HEAD "@@ -1,4 +1,4 @@\n-0\n+X\n 1\n 2\n 3\n"
	    "@@ -6,5 +6,5 @@\n 5\n 6\n 7\n-8\n+Y\n 9\n", 2 },
	{ "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n",
	    "X\n1\n2\n3\n4\n5\n6\nY\n8\n9\n",
	    HEAD "@@ -1,10 +1,10 @@\n-0\n+X\n 1\n 2\n 3\n 4\n 5\n 6\n"
	    "-7\n+Y\n 8\n 9\n", 1 },
};

static void
test_golden(void)
{
	size_t	i;

	for (i = 0; i < sizeof golden / sizeof golden[0]; i++) {
		struct buf	d = { 0 };

		CHECK(diff_unified(&d, i % 2 ? "etc/x.conf" : "/etc/x.conf",
		    golden[i].old, strlen(golden[i].old), golden[i].new,
		    strlen(golden[i].new)) == golden[i].hunks);
		buf_addc(&d, '\0');
		if (strcmp(d.data, golden[i].diff) != 0)
			fprintf(stderr, "golden %zu:\n%s", i, d.data);
		CHECK(strcmp(d.data, golden[i].diff) == 0);
		buf_free(&d);
	}
}

/* Many small and medium pairs; the small ones' diffs are smallest. */
static void
test_random(void)
{
	unsigned	i;

	for (i = 0; i < 3000; i++) {
		struct buf	old = { 0 }, new = { 0 };
		unsigned	n = i % 3 == 2 ? 50 + rnd(1500) : rnd(120);
		size_t		changed, l;
		char		what[64];

		snprintf(what, sizeof what, "random pair %u", i);
		gen_pair(&old, &new, n, 1 + rnd(40), i % 2 ? 10 : 100000);
		changed = roundtrip(what, &old, &new, NULL);
		if (n < 120) {
			l = lcs(old.data ? old.data : "", old.len,
			    new.data ? new.data : "", new.len);
			if (old.len != new.len || (old.len > 0 &&
			    memcmp(old.data, new.data, old.len) != 0))
				CHECK(changed == count_lines(&old) +
				    count_lines(&new) - 2 * l);
		}
		buf_free(&old);
		buf_free(&new);
	}
}

static void
vhost(struct buf *b, unsigned i, int fixed)
{
	buf_printf(b, "<VirtualHost 127.0.0.1:8080>\n"
	    "    ServerName site%u.example.com\n"
	    "    ServerAlias www.site%u.example.com\n"
	    "    ErrorLog ${APACHE_LOG_DIR}/site%u-error.log\n"
	    "    ProxyPreserveHost Off\n%s"
	    "    ProxyPass        /static !\n"
	    "    ProxyPass        / unix:/run/site%u.sock|http://127.0.0.1/\n",
	    i, i, i, fixed ? "    Header unset Server\n" : "", i);
	if (fixed)
		buf_adds(b, "    ProxyPassReverse / http://127.0.0.1/\n");
	else
		buf_printf(b, "    ProxyPassReverse / unix:/run/site%u.sock|"
		    "http://127.0.0.1/\n", i);
	buf_adds(b, "    <Location /admin>\n"
	    "        Require ip 10.0.0.0/8\n"
	    "    </Location>\n"
	    "</VirtualHost>\n\n");
}

/* A file of n vhosts, each fixed as fix --all does (one line added, one
 * replaced): n hunks of 3 changed lines. */
static void
test_vhosts_fixed(unsigned n)
{
	struct buf	old = { 0 }, new = { 0 };
	size_t		hunks = 0, changed;
	unsigned	i;

	for (i = 0; i < n; i++) {
		vhost(&old, i, 0);
		vhost(&new, i, 1);
	}
	changed = roundtrip("vhosts fixed", &old, &new, &hunks);
	CHECK(hunks == n);
	CHECK(changed == 3 * (size_t)n);
	buf_free(&old);
	buf_free(&new);
}

/* n vhosts, lines edited here and there (an edit may hit a vhost's
 * unique lines, or leave it with nothing unique); the diff is no larger
 * than the edits made. */
static void
test_vhosts_scattered(unsigned n, unsigned pct)
{
	struct buf	old = { 0 }, new = { 0 }, v = { 0 };
	struct tline	*l;
	size_t		nl, j, edits = 0, changed;
	unsigned	i;

	for (i = 0; i < n; i++) {
		vhost(&v, i, 0);
		nl = lines_of(v.data, v.len, &l);
		for (j = 0; j < nl; j++) {
			buf_add(&old, l[j].p, l[j].n);
			if (rnd(1000) >= pct) {
				buf_add(&new, l[j].p, l[j].n);
				continue;
			}
			switch (rnd(3)) {
			case 0:
				edits++;
				break;
			case 1:
				add_line(&new, 100);
				edits += 2;
				break;
			default:
				add_line(&new, 100);
				buf_add(&new, l[j].p, l[j].n);
				edits++;
			}
		}
		free(l);
		v.len = 0;
	}
	changed = roundtrip("vhosts scattered", &old, &new, NULL);
	CHECK(changed <= edits);
	buf_free(&v);
	buf_free(&old);
	buf_free(&new);
}

/* Nothing unique to anchor on and too many edits for the search: still a
 * diff that gives the new text, cut in pieces small enough to search, no
 * larger than the edits made. */
static void
test_no_anchor(void)
{
	struct buf	old = { 0 }, new = { 0 };
	size_t		edits = 0;
	unsigned	i;

	for (i = 0; i < 6000; i++) {
		const char	*s = rnd(2) ? "a\n" : "</VirtualHost>\n", *r;

		buf_adds(&old, s);
		switch (rnd(4)) {
		case 0:
			edits++;
			break;
		case 1:
			r = rnd(2) ? "b\n" : "a\n";
			buf_adds(&new, r);
			edits += strcmp(r, s) != 0 ? 2 : 0;
			break;
		default:
			buf_adds(&new, s);
		}
	}
	CHECK(roundtrip("no anchor", &old, &new, NULL) <= edits);
	buf_free(&old);
	buf_free(&new);
}

int
main(void)
{
	struct rusage	ru;

	test_golden();
	test_random();
	test_vhosts_fixed(300);
	test_vhosts_fixed(20000);
	test_vhosts_scattered(300, 30);
	test_vhosts_scattered(20000, 20);
	test_no_anchor();
	/* The texts of 20,000 vhosts are 5 MB each; the former search took
	 * 24 GB for them.  AddressSanitizer's shadow and quarantine about
	 * double the peak. */
	CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
	fprintf(stderr, "peak RSS %ld KB\n", ru.ru_maxrss);
	CHECK(ru.ru_maxrss < RSS_LIMIT_KB);
	return failures ? 1 : 0;
}
