/* render.c: the plan's edits applied in memory, and checked by parsing.
 * Nothing is written anywhere: a dry run stays a dry run. */
#include "config.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "augw.h"
#include "plan.h"

static int
cmp_edit(const void *a, const void *b)
{
	const struct edit	*x = *(struct edit *const *)a;
	const struct edit	*y = *(struct edit *const *)b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	/* Insertions at an offset go before a deletion starting there. */
	if ((x->end == x->start) != (y->end == y->start))
		return x->end == x->start ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
rendered_free(void *p)
{
	struct rendered	*r = p;

	free(r->text);
	free(r);
}

int
render_plan(const struct cf_config *c, const struct plan *p, struct vec *out,
    char **err)
{
	struct augw	*w;
	size_t		 i, j;
	int		 rc = 0;

	*err = NULL;
	if (p->edits.n == 0)
		return 0;
	w = augw_open(err);
	if (w == NULL)
		return -1;
	for (i = 0; i < c->files.n && rc == 0; i++) {
		struct cf_file	*f = c->files.v[i];
		struct vec	 mine = { 0 };
		struct buf	 b = { 0 };
		size_t		 at = 0;
		struct rendered	*r;
		unsigned	 line;
		char		*msg;

		for (j = 0; j < p->edits.n; j++)
			if (((struct edit *)p->edits.v[j])->file == f)
				vec_push(&mine, p->edits.v[j]);
		if (mine.n == 0)
			continue;
		qsort(mine.v, mine.n, sizeof *mine.v, cmp_edit);
		for (j = 0; j < mine.n; j++) {
			struct edit	*e = mine.v[j];

			/* Edits never overlap: the planner touches each
			 * byte range once. */
			assert(e->start >= at && e->end <= f->len);
			buf_add(&b, f->text + at, e->start - at);
			buf_adds(&b, e->text);
			at = e->end;
		}
		buf_add(&b, f->text + at, f->len - at);
		vec_free(&mine);
		if (b.len == f->len && memcmp(b.data, f->text, f->len) == 0) {
			buf_free(&b);
			continue;
		}
		if (augw_check(w, b.data, &line, &msg) != 0) {
			*err = xasprintf("%s: the corrected text does not parse "
			    "(line %u: %s); nothing written", f->path, line,
			    msg);
			free(msg);
			buf_free(&b);
			rc = -1;
			break;
		}
		r = xcalloc(1, sizeof *r);
		r->file = f;
		r->len = b.len;
		r->text = buf_steal(&b);
		vec_push(out, r);
	}
	augw_close(w);
	if (rc != 0)
		vec_free_all(out, rendered_free);
	return rc;
}
