/* diff.c: unified diffs (Myers' O(ND) algorithm on lines).
 *
 * The fix changes few lines of possibly large files, so the common head
 * and tail are trimmed first and the search runs on what is left. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "diff.h"

#define CONTEXT	3

struct line {
	const char	*p;
	size_t		 n;	/* with its '\n', if any */
};

static size_t
split(const char *s, size_t len, struct line **out)
{
	size_t	n = 0, cap = 16, i = 0;

	*out = xmalloc(cap * sizeof **out);
	while (i < len) {
		const char	*nl = memchr(s + i, '\n', len - i);
		size_t		 e = nl ? (size_t)(nl - s) + 1 : len;

		if (n == cap) {
			cap *= 2;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		(*out)[n].p = s + i;
		(*out)[n].n = e - i;
		n++;
		i = e;
	}
	return n;
}

static int
eq(const struct line *a, const struct line *b)
{
	return a->n == b->n && memcmp(a->p, b->p, a->n) == 0;
}

enum op { OP_EQ, OP_DEL, OP_ADD };

/* Myers: fills ops (length returned) for a[0..n) -> b[0..m). */
static size_t
myers(const struct line *a, size_t n, const struct line *b, size_t m,
    char *ops)
{
	long		 max = (long)(n + m), d, k, x, y;
	long		*v, **trace;
	size_t		 nops = 0, i;
	char		*rev;

	v = xcalloc((size_t)(2 * max + 3), sizeof *v);
	trace = xcalloc((size_t)(max + 2), sizeof *trace);
	for (d = 0; d <= max; d++) {
		trace[d] = xmalloc((size_t)(2 * max + 3) * sizeof **trace);
		for (k = -d; k <= d; k += 2) {
			if (k == -d || (k != d && v[max + k - 1] <
			    v[max + k + 1]))
				x = v[max + k + 1];
			else
				x = v[max + k - 1] + 1;
			y = x - k;
			while (x < (long)n && y < (long)m &&
			    eq(&a[x], &b[y])) {
				x++;
				y++;
			}
			v[max + k] = x;
			if (x >= (long)n && y >= (long)m) {
				memcpy(trace[d], v, (size_t)(2 * max + 3) *
				    sizeof *v);
				goto found;
			}
		}
		memcpy(trace[d], v, (size_t)(2 * max + 3) * sizeof *v);
	}
found:
	/* Walk back through the trace. */
	rev = xmalloc(n + m + 1);
	x = (long)n;
	y = (long)m;
	for (; d > 0; d--) {
		long	*pv = trace[d - 1], pk, px, py;

		k = x - y;
		if (k == -d || (k != d && pv[max + k - 1] < pv[max + k + 1]))
			pk = k + 1;
		else
			pk = k - 1;
		px = pv[max + pk];
		py = px - pk;
		while (x > px && y > py) {
			rev[nops++] = OP_EQ;
			x--;
			y--;
		}
		if (x == px)
			rev[nops++] = OP_ADD, y--;
		else
			rev[nops++] = OP_DEL, x--;
	}
	while (x > 0 && y > 0) {
		rev[nops++] = OP_EQ;
		x--;
		y--;
	}
	for (i = 0; i < nops; i++)
		ops[i] = rev[nops - 1 - i];
	free(rev);
	for (k = 0; k <= max && k <= (long)(n + m) + 1; k++)
		if (trace[k] == NULL)
			break;
		else
			free(trace[k]);
	free(trace);
	free(v);
	return nops;
}

static void
emit_line(struct buf *out, char tag, const struct line *l)
{
	buf_addc(out, tag);
	buf_add(out, l->p, l->n);
	if (l->n == 0 || l->p[l->n - 1] != '\n')
		buf_adds(out, "\n\\ No newline at end of file\n");
}

int
diff_unified(struct buf *out, const char *path, const char *old,
    size_t oldlen, const char *new, size_t newlen)
{
	struct line	*a, *b;
	size_t		 n, m, pre = 0, suf = 0, nops, i, hunks = 0;
	char		*ops;
	const char	*p = path[0] == '/' ? path + 1 : path;

	if (oldlen == newlen && memcmp(old, new, oldlen) == 0)
		return 0;
	n = split(old, oldlen, &a);
	m = split(new, newlen, &b);
	while (pre < n && pre < m && eq(&a[pre], &b[pre]))
		pre++;
	while (suf < n - pre && suf < m - pre &&
	    eq(&a[n - 1 - suf], &b[m - 1 - suf]))
		suf++;
	ops = xmalloc(n + m + 1);
	memset(ops, OP_EQ, pre);
	nops = pre + myers(a + pre, n - pre - suf, b + pre, m - pre - suf,
	    ops + pre);
	memset(ops + nops, OP_EQ, suf);
	nops += suf;

	buf_printf(out, "diff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n", p, p,
	    p, p);
	/* Group changes into hunks with CONTEXT lines around them. */
	for (i = 0; i < nops; ) {
		size_t	 start, end, j, ai = 0, bi = 0, k, hs, he, acount,
			 bcount, ha, hb;

		if (ops[i] == OP_EQ) {
			i++;
			continue;
		}
		start = i;
		end = i;
		/* Extend while the next change is within 2*CONTEXT. */
		for (j = i; j < nops; j++) {
			if (ops[j] != OP_EQ)
				end = j + 1;
			else if (j - end >= 2 * CONTEXT)
				break;
		}
		hs = start > CONTEXT ? start - CONTEXT : 0;
		he = end + CONTEXT < nops ? end + CONTEXT : nops;
		/* Line numbers at hs. */
		for (k = 0; k < hs; k++) {
			if (ops[k] != OP_ADD)
				ai++;
			if (ops[k] != OP_DEL)
				bi++;
		}
		acount = bcount = 0;
		for (k = hs; k < he; k++) {
			if (ops[k] != OP_ADD)
				acount++;
			if (ops[k] != OP_DEL)
				bcount++;
		}
		buf_printf(out, "@@ -%zu", acount ? ai + 1 : ai);
		if (acount != 1)
			buf_printf(out, ",%zu", acount);
		buf_printf(out, " +%zu", bcount ? bi + 1 : bi);
		if (bcount != 1)
			buf_printf(out, ",%zu", bcount);
		buf_adds(out, " @@\n");
		ha = ai;
		hb = bi;
		for (k = hs; k < he; k++) {
			if (ops[k] == OP_EQ)
				emit_line(out, ' ', &a[ha++]), hb++;
			else if (ops[k] == OP_DEL)
				emit_line(out, '-', &a[ha++]);
			else
				emit_line(out, '+', &b[hb++]);
		}
		hunks++;
		i = he;
	}
	free(ops);
	free(a);
	free(b);
	return (int)hunks;
}
