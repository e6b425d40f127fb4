/* diff.c: unified diffs of lines, in memory linear in the texts.
 *
 * The fix changes few lines of possibly large files, so the common head
 * and tail are trimmed first and Myers' O(ND) search runs on what is
 * left, as long as its trace stays small: it keeps (D+1)^2 positions and
 * takes about D * (N+M) steps.  A region that would cost more (a fix of
 * every vhost of a 20,000-vhost file makes D huge) is cut at lines found
 * exactly once in each side, in the same order on both (patience diff:
 * the longest increasing run of such anchors), and each piece between
 * two anchors is diffed the same way.  A piece with no anchor whose
 * search is still too dear is cut in halves, each diffed the same way:
 * correct, only less small.  Lines are numbered by a hash table first,
 * so that comparing two lines is comparing two numbers. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

#define CONTEXT		3
/* Myers' trace holds (D+1)^2 longs: 8 MB at most. */
#define MYERS_MAXD	1024
/* Steps (D * (N+M)) one search may take, about 0.1 s. */
#define MYERS_WORK	((uint64_t)1 << 25)
/* Steps all searches of one diff may take, plus 64 per line. */
#define MYERS_TOTAL	((uint64_t)1 << 26)
/* Patience and halving nesting; deeper pieces become a delete and add. */
#define PATIENCE_DEPTH	64

struct line {
	const char	*p;
	size_t		 n;	/* with its '\n', if any */
};

enum op { OP_EQ, OP_DEL, OP_ADD };

struct dctx {
	char		*ops;
	size_t		 nops;
	uint64_t	 budget;	/* Myers steps left */
	size_t		*cnta, *cntb;	/* per id, zero between uses */
	size_t		*posb;		/* per id: its line in b */
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

static uint64_t
hash_line(const struct line *l)
{
	uint64_t	h = 14695981039346656037ULL;	/* FNV-1a */
	size_t		i;

	for (i = 0; i < l->n; i++) {
		h ^= (unsigned char)l->p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* Give each distinct line of a and b a number (its id): ida[i], idb[j].
 * Returns the number of ids. */
static size_t
diff_number_lines(const struct line *a, size_t n, const struct line *b,
    size_t m, size_t *ida, size_t *idb)
{
	size_t			 cap = 16, mask, nid = 0, i, slot;
	size_t			*tab;		/* id + 1, 0 when free */
	const struct line	**rep;		/* per id, its first line */
	uint64_t		*hid, h;

	while (cap < 2 * (n + m))
		cap *= 2;
	mask = cap - 1;
	tab = xcalloc(cap, sizeof *tab);
	rep = xmalloc((n + m + 1) * sizeof *rep);
	hid = xmalloc((n + m + 1) * sizeof *hid);
	for (i = 0; i < n + m; i++) {
		const struct line	*l = i < n ? &a[i] : &b[i - n];

		h = hash_line(l);
		for (slot = (size_t)h & mask; tab[slot] != 0;
		    slot = (slot + 1) & mask)
			if (hid[tab[slot] - 1] == h &&
			    eq(rep[tab[slot] - 1], l))
				break;
		if (tab[slot] == 0) {
			rep[nid] = l;
			hid[nid] = h;
			tab[slot] = ++nid;
		}
		if (i < n)
			ida[i] = tab[slot] - 1;
		else
			idb[i - n] = tab[slot] - 1;
	}
	free(hid);
	free(rep);
	free(tab);
	return nid;
}

static void
diff_emit_ops(struct dctx *x, enum op op, size_t count)
{
	memset(x->ops + x->nops, op, count);
	x->nops += count;
}

/* Myers on a[0..n) -> b[0..m), appending its ops; returns the number of
 * edits, or gives up (returns -1, appends nothing) past dmax edits. */
static long
diff_myers(struct dctx *x, const size_t *a, size_t n, const size_t *b,
    size_t m, long dmax)
{
	long		 d, dused, k, px, py, pk, xx, yy, off = dmax + 1;
	long		*v, **trace;
	size_t		 nops = 0, i;
	char		*rev;

	v = xcalloc((size_t)(2 * dmax + 3), sizeof *v);
	trace = xcalloc((size_t)(dmax + 1), sizeof *trace);
	for (d = 0; d <= dmax; d++) {
		for (k = -d; k <= d; k += 2) {
			if (k == -d || (k != d && v[off + k - 1] <
			    v[off + k + 1]))
				xx = v[off + k + 1];
			else
				xx = v[off + k - 1] + 1;
			yy = xx - k;
			while (xx < (long)n && yy < (long)m &&
			    a[xx] == b[yy]) {
				xx++;
				yy++;
			}
			v[off + k] = xx;
			if (xx >= (long)n && yy >= (long)m)
				goto found;
		}
		/* Only diagonals -d..d are read back from step d. */
		trace[d] = xmalloc((size_t)(2 * d + 1) * sizeof **trace);
		memcpy(trace[d], v + off - d, (size_t)(2 * d + 1) *
		    sizeof *v);
	}
	for (d = 0; d <= dmax; d++)
		free(trace[d]);
	free(trace);
	free(v);
	return -1;
found:
	dused = d;
	/* Walk back through the trace. */
	rev = xmalloc(n + m + 1);
	xx = (long)n;
	yy = (long)m;
	for (; d > 0; d--) {
		long	*pv = trace[d - 1] + (d - 1);	/* pv[k], |k| < d */

		k = xx - yy;
		if (k == -d || (k != d && pv[k - 1] < pv[k + 1]))
			pk = k + 1;
		else
			pk = k - 1;
		px = pv[pk];
		py = px - pk;
		while (xx > px && yy > py) {
			rev[nops++] = OP_EQ;
			xx--;
			yy--;
		}
		if (xx == px)
			rev[nops++] = OP_ADD, yy--;
		else
			rev[nops++] = OP_DEL, xx--;
	}
	while (xx > 0 && yy > 0) {
		rev[nops++] = OP_EQ;
		xx--;
		yy--;
	}
	for (i = 0; i < nops; i++)
		x->ops[x->nops++] = rev[nops - 1 - i];
	free(rev);
	for (k = 0; k <= dmax; k++)
		free(trace[k]);
	free(trace);
	free(v);
	return dused;
}

/* Patience: the anchors of a[0..n), b[0..m) (lines once in each), the
 * longest run of them in the same order on both sides.  Fills ai[], bj[]
 * (allocated by the caller, n entries) in order; returns their count. */
static size_t
diff_anchors(struct dctx *x, const size_t *a, size_t n, const size_t *b,
    size_t m, size_t *ai, size_t *bj)
{
	size_t	 i, j, na = 0, ntop = 0, lo, hi, mid, t, cnt;
	size_t	*top, *prev;

	for (j = 0; j < m; j++) {
		x->cntb[b[j]]++;
		x->posb[b[j]] = j;
	}
	for (i = 0; i < n; i++)
		x->cnta[a[i]]++;
	/* Candidates, in a's order: ai[] their line in a, bj[] in b. */
	for (i = 0; i < n; i++)
		if (x->cnta[a[i]] == 1 && x->cntb[a[i]] == 1) {
			ai[na] = i;
			bj[na] = x->posb[a[i]];
			na++;
		}
	for (i = 0; i < n; i++)
		x->cnta[a[i]] = 0;
	for (j = 0; j < m; j++)
		x->cntb[b[j]] = 0;
	if (na == 0)
		return 0;
	/* Longest increasing subsequence of bj[] (patience sorting):
	 * top[p] is the candidate ending the best run of length p + 1. */
	top = xmalloc(na * sizeof *top);
	prev = xmalloc(na * sizeof *prev);
	for (i = 0; i < na; i++) {
		lo = 0;
		hi = ntop;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (bj[top[mid]] < bj[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		prev[i] = lo > 0 ? top[lo - 1] : SIZE_MAX;
		top[lo] = i;
		if (lo == ntop)
			ntop++;
	}
	/* Walk the run back into top[] (reused), then compact in order. */
	cnt = ntop;
	for (t = top[ntop - 1], i = cnt; i > 0; t = prev[t])
		top[--i] = t;
	for (i = 0; i < cnt; i++) {
		ai[i] = ai[top[i]];
		bj[i] = bj[top[i]];
	}
	free(prev);
	free(top);
	return cnt;
}

/* Ops for a[0..n) -> b[0..m), appended to x->ops. */
static void
diff_region(struct dctx *x, const size_t *a, size_t n, const size_t *b,
    size_t m, int depth)
{
	size_t		 pre = 0, suf = 0, *ai, *bj, na, i, pa, pb;
	uint64_t	 work, dmax;
	long		 d;

	while (pre < n && pre < m && a[pre] == b[pre])
		pre++;
	while (suf < n - pre && suf < m - pre &&
	    a[n - 1 - suf] == b[m - 1 - suf])
		suf++;
	diff_emit_ops(x, OP_EQ, pre);
	a += pre;
	b += pre;
	n -= pre + suf;
	m -= pre + suf;
	if (n == 0 || m == 0) {
		diff_emit_ops(x, OP_DEL, n);
		diff_emit_ops(x, OP_ADD, m);
		goto out;
	}
	work = x->budget < MYERS_WORK ? x->budget : MYERS_WORK;
	dmax = work / (n + m);
	if (dmax > MYERS_MAXD)
		dmax = MYERS_MAXD;
	if (dmax > n + m)
		dmax = n + m;
	d = diff_myers(x, a, n, b, m, (long)dmax);
	/* Charged (D+1) * (N+M), an upper bound of the steps taken. */
	work = ((d < 0 ? dmax : (uint64_t)d) + 1) * (n + m);
	x->budget -= work < x->budget ? work : x->budget;
	if (d >= 0)
		goto out;
	na = 0;
	ai = xmalloc((n + 1) * sizeof *ai);
	bj = xmalloc((n + 1) * sizeof *bj);
	if (depth < PATIENCE_DEPTH)
		na = diff_anchors(x, a, n, b, m, ai, bj);
	if (na == 0 && (depth >= PATIENCE_DEPTH || n + m <= 2)) {
		diff_emit_ops(x, OP_DEL, n);
		diff_emit_ops(x, OP_ADD, m);
	} else if (na == 0) {
		/* No anchor: halve both sides (any cut gives a correct
		 * script; the halves are searched or halved again). */
		diff_region(x, a, n / 2, b, m / 2, depth + 1);
		diff_region(x, a + n / 2, n - n / 2, b + m / 2, m - m / 2,
		    depth + 1);
	} else {
		pa = pb = 0;
		for (i = 0; i < na; i++) {
			diff_region(x, a + pa, ai[i] - pa, b + pb, bj[i] - pb,
			    depth + 1);
			diff_emit_ops(x, OP_EQ, 1);
			pa = ai[i] + 1;
			pb = bj[i] + 1;
		}
		diff_region(x, a + pa, n - pa, b + pb, m - pb, depth + 1);
	}
	free(bj);
	free(ai);
out:
	diff_emit_ops(x, OP_EQ, suf);
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
	struct dctx	 x;
	size_t		 n, m, nid, nops, i, hunks = 0, pos = 0, ai = 0, bi = 0;
	size_t		*ida, *idb;
	char		*ops;
	const char	*p = path[0] == '/' ? path + 1 : path;

	if (oldlen == newlen && memcmp(old, new, oldlen) == 0)
		return 0;
	n = split(old, oldlen, &a);
	m = split(new, newlen, &b);
	ida = xmalloc((n + 1) * sizeof *ida);
	idb = xmalloc((m + 1) * sizeof *idb);
	memset(&x, 0, sizeof x);
	nid = diff_number_lines(a, n, b, m, ida, idb);
	x.ops = ops = xmalloc(n + m + 1);
	x.budget = MYERS_TOTAL + 64 * (uint64_t)(n + m);
	x.cnta = xcalloc(nid + 1, sizeof *x.cnta);
	x.cntb = xcalloc(nid + 1, sizeof *x.cntb);
	x.posb = xcalloc(nid + 1, sizeof *x.posb);
	diff_region(&x, ida, n, idb, m, 0);
	nops = x.nops;
	free(x.posb);
	free(x.cntb);
	free(x.cnta);
	free(idb);
	free(ida);

	buf_printf(out, "diff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n", p, p,
	    p, p);
	/* Group changes into hunks with CONTEXT lines around them. */
	for (i = 0; i < nops; ) {
		size_t	 start, end, j, k, hs, he, acount, bcount;

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
		/* Line numbers at hs (hunks never overlap: pos <= hs). */
		for (; pos < hs; pos++) {
			if (ops[pos] != OP_ADD)
				ai++;
			if (ops[pos] != OP_DEL)
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
		for (k = hs; k < he; k++) {
			if (ops[k] == OP_EQ)
				emit_line(out, ' ', &a[ai++]), bi++;
			else if (ops[k] == OP_DEL)
				emit_line(out, '-', &a[ai++]);
			else
				emit_line(out, '+', &b[bi++]);
		}
		pos = he;
		hunks++;
		i = he;
	}
	free(ops);
	free(a);
	free(b);
	return (int)hunks;
}
