/* screen-list.c: step 1, every virtual host Apache loads, one line each.
 *
 * Proxying vhosts with errors come first, then those with warnings, then
 * the rest in Apache's order, so the one to fix is under the cursor when
 * the wizard opens.  Files Augeas cannot parse are listed on top with
 * their file and line: nothing in them can be fixed here.  A site's
 * port-80 and TLS vhosts of one name (certbot's -le-ssl.conf pair) are one
 * row, fixed together.  Space marks rows for a batch, a marks every
 * vhost with errors (A: errors or warnings); Enter fixes the marked ones
 * in one walk, or the row under the cursor when none is marked. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "screen.h"

enum list_kind {
	LIST_PARSE,		/* a parse-error finding */
	LIST_PROBLEM,		/* a discovery problem (missing Include) */
	LIST_VHOST,
};

struct list_row {
	enum list_kind		 kind;
	struct cf_vhost		*vhost;
	struct cf_vhost		*partner;	/* the site's other vhost */
	const struct finding	*finding;
	const struct cf_problem	*problem;
	int			 worst;		/* -1 or enum sev */
	int			 rank;
};

/* The screen's own state: its rows (rebuilt by the filter) and cursor. */
struct list_data {
	struct vec		 rows;		/* struct list_row * */
	struct tui_menu		 menu;
	/* of every vhost, once (not per keystroke of the filter): the
	 * widest name and addresses, the counts */
	int			 maxname;
	int			 maxaddr;
	size_t			 nerr;
	size_t			 nwarn;
};

static void	list_measure(struct tui *);

enum {
	LM_FILTERED = 1,
	LM_PLAIN = 2,
};

static const struct screen_key list_keys[] = {
	{ { 0 }, "j/k", "move", NULL, TUI_NONE, 0 },
	{ { KEY_UP, 'k' }, "Up/k", NULL, "move up", TUI_UP, 0 },
	{ { KEY_DOWN, 'j' }, "Down/j", NULL, "move down", TUI_DOWN, 0 },
	{ { KEY_PPAGE }, "PgUp", NULL, "page up", TUI_PGUP, 0 },
	{ { KEY_NPAGE }, "PgDn", NULL, "page down", TUI_PGDN, 0 },
	{ { KEY_HOME }, "Home", NULL, "first line", TUI_HOME, 0 },
	{ { KEY_END }, "End", NULL, "last line", TUI_END, 0 },
	{ { ' ' }, "Space", "mark", "mark or unmark the row for a batch fix",
	    TUI_TOGGLE, 0 },
	{ { 'a' }, "a", "all errors", "mark every vhost with errors",
	    TUI_MARK_ALL, 0 },
	{ { 'A' }, "A", NULL, "mark every vhost with errors or warnings",
	    TUI_MARK_BROKEN, 0 },
	{ { 'u' }, "u", NULL, "unmark everything", TUI_UNDO, 0 },
	{ { '\r', '\n', KEY_ENTER, KEY_RIGHT }, "Enter", "diagnose",
	    "diagnose the marked vhosts (or the one under the cursor)",
	    TUI_ENTER, 0 },
	{ { '/' }, "/", "filter", "filter by name (ServerName, ServerAlias)",
	    TUI_FILTER, 0 },
	{ { 27, KEY_BACKSPACE, 127, 8 }, "Esc", "clear filter",
	    "clear the filter", TUI_BACK, LM_FILTERED },
};

static unsigned
list_mode(struct tui *t)
{
	return t->filter != NULL && *t->filter != '\0' ? LM_FILTERED :
	    LM_PLAIN;
}

static int
list_match(const struct tui *t, const struct cf_vhost *v)
{
	size_t	i;

	if (t->filter == NULL || *t->filter == '\0')
		return 1;
	if (strcasestr(conf_vhost_name(v), t->filter) != NULL)
		return 1;
	for (i = 0; i < v->naliases; i++)
		if (strcasestr(v->aliases[i], t->filter) != NULL)
			return 1;
	return 0;
}

static int
list_cmp(const void *a, const void *b)
{
	const struct list_row	*x = *(struct list_row *const *)a;
	const struct list_row	*y = *(struct list_row *const *)b;

	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	if (x->kind == LIST_VHOST)
		return x->vhost->index - y->vhost->index;
	return 0;
}

static void
list_build(struct tui *t)
{
	struct list_data	*d = t->data;
	const struct cf_config	*c = t->wz.config;
	const char		*flt = t->filter;
	struct cf_vhost		*keep = NULL;
	size_t			 i, first = (size_t)-1;

	if (d->menu.sel < d->rows.n) {
		struct list_row	*r = d->rows.v[d->menu.sel];

		keep = r->vhost;
	}
	vec_free_all(&d->rows, free);
	for (i = 0; i < t->wz.findings.n; i++) {
		const struct finding	*f = t->wz.findings.v[i];
		struct list_row		*r;

		if (f->rule != &rule_parse_error)
			continue;
		if (flt != NULL && *flt != '\0' && (f->path == NULL ||
		    strcasestr(f->path, flt) == NULL))
			continue;
		r = xcalloc(1, sizeof *r);
		r->kind = LIST_PARSE;
		r->finding = f;
		r->rank = (int)i;
		vec_push(&d->rows, r);
	}
	for (i = 0; i < c->problems.n; i++) {
		struct list_row		*r;

		if (flt != NULL && *flt != '\0')
			continue;
		r = xcalloc(1, sizeof *r);
		r->kind = LIST_PROBLEM;
		r->problem = c->problems.v[i];
		r->rank = (int)i;
		vec_push(&d->rows, r);
	}
	for (i = 0; i < c->vhosts.n; i++) {
		struct cf_vhost	*v = c->vhosts.v[i];
		struct cf_vhost	*p = wizard_site_partner(&t->wz, v);
		struct list_row	*r;
		int		 proxy;

		/* a site's pair is one row, on the vhost Apache reads first */
		if (p != NULL && p->index < v->index)
			continue;
		if (!list_match(t, v) && (p == NULL || !list_match(t, p)))
			continue;
		r = xcalloc(1, sizeof *r);
		r->kind = LIST_VHOST;
		r->vhost = v;
		r->partner = p;
		r->worst = wizard_vhost_worst(&t->wz, v);
		proxy = wizard_vhost_proxies(&t->wz, v);
		if (p != NULL) {
			int	pw = wizard_vhost_worst(&t->wz, p);

			if (pw > r->worst)
				r->worst = pw;
			proxy |= wizard_vhost_proxies(&t->wz, p);
		}
		/* Apache's order until every vhost is diagnosed: rows do
		 * not jump under the cursor meanwhile. */
		r->rank = wizard_busy(&t->wz) ? 2 :
		    proxy && r->worst == SEV_ERROR ? 0 :
		    proxy && r->worst == SEV_WARNING ? 1 : 2;
		vec_push(&d->rows, r);
	}
	if (d->rows.n > 1)
		qsort(d->rows.v, d->rows.n, sizeof d->rows.v[0], list_cmp);
	d->menu.n = d->rows.n;
	d->menu.top = 0;

	/* The cursor stays on its vhost, else on the one chosen last (it
	 * shows its new status after a fix), else on the first vhost. */
	d->menu.sel = 0;
	for (i = 0; i < d->rows.n; i++) {
		struct list_row	*r = d->rows.v[i];

		if (r->kind != LIST_VHOST)
			continue;
		if (first == (size_t)-1)
			first = i;
		if (keep != NULL ? r->vhost == keep :
		    r->vhost->index == t->wz.vhost_index) {
			first = i;
			break;
		}
	}
	if (first != (size_t)-1)
		d->menu.sel = first;
}

static void
list_enter(struct tui *t)
{
	struct list_data	*d = xcalloc(1, sizeof *d);
	char			*err = NULL;

	/* The walk is over: after a write the tree is read again, and the
	 * cursor lands on the vhost just fixed. */
	if (wizard_finish(&t->wz, &err) != 0) {
		tui_message(t, "Could not read the configuration again: %s",
		    err);
		free(err);
	}
	d->menu.sel = (size_t)-1;
	t->data = d;
	list_measure(t);
	list_build(t);
}

static void
list_leave(struct tui *t)
{
	struct list_data	*d = t->data;

	vec_free_all(&d->rows, free);
	free(d);
	t->data = NULL;
}

static void
list_filter_change(struct tui *t, const char *text)
{
	free(t->filter);
	t->filter = xstrdup(text);
	list_build(t);
}

static void
list_filter_cancel(struct tui *t)
{
	free(t->filter);
	t->filter = NULL;
	list_build(t);
}

static void
list_filter_done(struct tui *t, const char *text)
{
	list_filter_change(t, text);
}

static char *
list_addrs(const struct cf_vhost *v, const struct cf_vhost *partner)
{
	struct buf	b = { 0 };
	size_t		i;

	for (i = 0; i < v->naddrs; i++) {
		if (i > 0)
			buf_addc(&b, ' ');
		buf_adds(&b, v->addrs[i]);
	}
	for (i = 0; partner != NULL && i < partner->naddrs; i++) {
		buf_addc(&b, ' ');
		buf_adds(&b, partner->addrs[i]);
	}
	return buf_steal(&b);
}

/* "file:line" in w columns: clipped on the left, where paths differ
 * least; when even the file's own name does not fit, its start, the mark
 * and its end (the line), so that the rows still tell files apart. */
static void
list_put_left_clipped(struct tui *t, int y, int x, int w, int attr,
    const char *s)
{
	const char	*base = strrchr(s, '/');
	size_t		 sw = tui_width(s), tail;
	int		 head;

	if (w <= 0)
		return;
	if (sw <= (size_t)w) {
		tui_put(t, y, x, w, attr, s, 0);
		return;
	}
	base = base != NULL ? base + 1 : s;
	if (tui_width(base) + 1 <= (size_t)w || w < 12) {
		x += tui_put(t, y, x, 1, attr, tui_glyph(t, TG_MORE), 0);
		tui_put(t, y, x, w - 1, attr, s, sw - (size_t)(w - 1));
		return;
	}
	/* the name's start (cut with the mark), then ".conf:3" */
	tail = (size_t)w / 3;
	head = w - (int)tail;
	tui_put(t, y, x, head, attr, base, 0);
	tui_put(t, y, x + head, (int)tail, attr, s, sw - tail);
}

/* Columns for the width and the names shown: name and addresses as wide
 * as their longest (within limits), file:line gets the rest. */
struct list_cols {
	int	cname, wname, caddr, waddr, cfile, wfile;
};

static void
list_measure(struct tui *t)
{
	struct list_data	*d = t->data;
	const struct vec	*vh = &t->wz.config->vhosts;
	size_t			 i;

	d->maxname = 10;	/* the headings */
	d->maxaddr = 9;
	d->nerr = d->nwarn = 0;
	for (i = 0; i < vh->n; i++) {
		const struct cf_vhost	*v = vh->v[i];
		char			*a;
		int			 n, worst = wizard_vhost_worst(&t->wz, v);

		d->nerr += worst == SEV_ERROR;
		d->nwarn += worst == SEV_WARNING;
		n = (int)tui_width(conf_vhost_name(v));
		if (n > d->maxname)
			d->maxname = n;
		a = list_addrs(v, wizard_site_partner(&t->wz, v));
		n = (int)tui_width(a);
		free(a);
		if (n > d->maxaddr)
			d->maxaddr = n;
	}
}

static void
list_columns(const struct list_data *d, struct list_cols *c)
{
	int	avail = COLS - 12;
	int	maxname = d->maxname, maxaddr = d->maxaddr;

	c->waddr = maxaddr < 15 ? maxaddr : 15;
	c->wname = maxname < avail * 45 / 100 ? maxname : avail * 45 / 100;
	c->wfile = avail - c->wname - c->waddr - 2;
	c->cname = 12;
	c->caddr = c->cname + c->wname + 1;
	c->cfile = c->caddr + c->waddr + 1;
}

/* A row's status as diagnosed so far: its rows keep what list_build saw
 * once the diagnosis is over; while it runs, asked at each draw. */
#define LIST_UNCHECKED	(-2)

static int
list_row_worst(const struct tui *t, const struct list_row *r)
{
	int	worst, pw;

	if (!wizard_busy(&t->wz))
		return r->worst;
	if (!wizard_vhost_checked(&t->wz, r->vhost) || (r->partner != NULL &&
	    !wizard_vhost_checked(&t->wz, r->partner)))
		return LIST_UNCHECKED;
	worst = wizard_vhost_worst(&t->wz, r->vhost);
	pw = r->partner != NULL ? wizard_vhost_worst(&t->wz, r->partner) : -1;
	return pw > worst ? pw : worst;
}

static void
list_draw_row(struct tui *t, int y, const struct list_row *r, int selected,
    const struct list_cols *cols)
{
	struct list_cols c = *cols;
	int	 w = COLS;
	int	 cmark = 2, wmark = 9;	/* column 1: the batch mark */
	int	 a, worst;
	char	*s, *addrs;

	if (selected) {
		tui_fill(t, y, 0, w, TA_SELECTED);
		tui_put(t, y, 0, 1, TA_SELECTED, tui_glyph(t, TG_POINTER), 0);
	}
	switch (r->kind) {
	case LIST_PARSE:
		a = selected ? TA_SELECTED : TA_ERROR;
		s = xasprintf("%s error", tui_glyph(t, TG_ERROR));
		tui_put(t, y, cmark, wmark, a, s, 0);
		free(s);
		s = xasprintf("cannot parse %s:%u: %s",
		    r->finding->path != NULL ? r->finding->path : "?",
		    r->finding->line, r->finding->message);
		tui_put(t, y, c.cname, w - c.cname, selected ? TA_SELECTED :
		    TA_NORMAL, s, 0);
		free(s);
		return;
	case LIST_PROBLEM:
		a = selected ? TA_SELECTED :
		    r->problem->is_error ? TA_ERROR : TA_WARNING;
		s = xasprintf("%s %s", tui_glyph(t, r->problem->is_error ?
		    TG_ERROR : TG_WARNING), r->problem->is_error ? "error" :
		    "warning");
		tui_put(t, y, cmark, wmark, a, s, 0);
		free(s);
		s = xasprintf("%s:%u: %s", r->problem->file != NULL ?
		    r->problem->file : "", r->problem->line,
		    r->problem->message);
		tui_put(t, y, c.cname, w - c.cname, selected ? TA_SELECTED :
		    TA_NORMAL, s, 0);
		free(s);
		return;
	case LIST_VHOST:
		break;
	}
	if (wizard_is_marked(&t->wz, r->vhost))
		tui_put(t, y, 1, 1, selected ? TA_SELECTED : TA_KEY, "*", 0);
	worst = list_row_worst(t, r);
	if (worst == LIST_UNCHECKED) {
		a = TA_NORMAL;
		s = xstrdup("checking");
	} else if (worst == SEV_ERROR || worst == SEV_WARNING) {
		a = tui_sev_attr((enum sev)worst);
		s = xasprintf("%s %s", tui_glyph(t,
		    tui_sev_glyph((enum sev)worst)),
		    worst == SEV_ERROR ? "error" : "warning");
	} else if (worst == SEV_INFO) {
		a = TA_INFO;
		s = xasprintf("%s info", tui_glyph(t, TG_INFO));
	} else {
		a = TA_OK;
		s = xasprintf("%s fine", tui_glyph(t, TG_FINE));
	}
	tui_put(t, y, cmark, wmark, selected ? TA_SELECTED : a, s, 0);
	free(s);
	a = selected ? TA_SELECTED : TA_NORMAL;
	tui_put(t, y, c.cname, c.wname, a, tui_vhost_name(t, r->vhost), 0);
	addrs = list_addrs(r->vhost, r->partner);
	tui_put(t, y, c.caddr, c.waddr, a, addrs, 0);
	free(addrs);
	/* Relative to ServerRoot, as Apache's own Include lines name it:
	 * the part that tells files apart fits the column. */
	{
		const char	*path = r->vhost->node->file->path;
		const char	*sr = t->wz.config->server_root;
		size_t		 n = sr != NULL ? strlen(sr) : 0;

		if (n > 1 && strncmp(path, sr, n) == 0 && path[n] == '/')
			path += n + 1;
		s = xasprintf("%s:%u", path, r->vhost->node->line);
	}
	list_put_left_clipped(t, y, c.cfile, c.wfile, a, s);
	free(s);
}

static void
list_draw(struct tui *t, int y, int h)
{
	struct list_data	*d = t->data;
	struct list_cols	 c;
	size_t	i, nv = t->wz.config->vhosts.n;
	size_t	nerr = d->nerr, nwarn = d->nwarn;
	int	w = COLS, rows, r, cw, brief;
	char	*s;
	const char *filter;

	/* where the cursor is in a long list, and the batch so far: on the
	 * right, the summary and the filter left of it, never over it */
	s = xasprintf("%zu marked  %zu/%zu", t->wz.nmarked, d->rows.n > 0 ?
	    d->menu.sel + 1 : 0, d->rows.n);
	cw = (int)tui_width(s);
	tui_put(t, y, w - cw - 1, cw + 1, t->wz.nmarked > 0 ? TA_KEY :
	    TA_NORMAL, s, 0);
	free(s);
	filter = t->filter != NULL && *t->filter ? t->filter : NULL;
	for (brief = 0; brief < 3; brief++) {
		if (brief == 2)		/* narrow: the filter only */
			s = xasprintf("filter: %s", filter);
		else if (wizard_busy(&t->wz)) {
			size_t	done, total;

			wizard_progress(&t->wz, &done, &total);
			s = xasprintf("%zu %s: checking, %zu%% done%s%s", nv,
			    brief ? "vhosts" : nv == 1 ? "virtual host" :
			    "virtual hosts", total > 0 ? done * 100 / total :
			    100, filter != NULL ? "   filter: " : "",
			    filter != NULL ? filter : "");
		} else if (brief)
			s = xasprintf("%zu vhosts: %zu error%s, %zu warning%s"
			    "%s%s", nv, nerr, nerr == 1 ? "" : "s", nwarn,
			    nwarn == 1 ? "" : "s", filter != NULL ?
			    "  filter: " : "", filter != NULL ? filter : "");
		else
			s = xasprintf("%zu virtual host%s: %zu with errors, "
			    "%zu with warnings%s%s", nv, nv == 1 ? "" : "s",
			    nerr, nwarn, filter != NULL ? "   filter: " : "",
			    filter != NULL ? filter : "");
		if (brief == 2 || (int)tui_width(s) <= w - cw - 4)
			break;
		if (brief == 1 && filter == NULL)
			break;
		free(s);
	}
	tui_put(t, y, 1, w - cw - 4, TA_NORMAL, s, 0);
	free(s);
	if (t->wz.opts.not_root) {
		tui_fill(t, y + 1, 0, w, TA_WARNING);
		tui_put(t, y + 1, 1, w - 1, TA_WARNING, "Not root: diagnose "
		    "and save a patch (a dry run); writing needs root.", 0);
		y++;
		h--;
	}
	/* The column widths, once per draw (thousands of rows). */
	list_columns(d, &c);
	tui_put(t, y + 1, 2, 9, TA_HEADING, "Status", 0);
	tui_put(t, y + 1, c.cname, c.wname, TA_HEADING, "ServerName", 0);
	tui_put(t, y + 1, c.caddr, c.waddr, TA_HEADING, "Addresses", 0);
	tui_put(t, y + 1, c.cfile, c.wfile, TA_HEADING, "File:line", 0);
	tui_hline(t, y + 2, 0, w);
	rows = h - 3;
	if (rows < 1)
		return;
	if (d->rows.n == 0) {
		tui_put(t, y + 3, 1, w - 1, TA_NORMAL, t->filter != NULL &&
		    *t->filter ? "No virtual host matches the filter." :
		    "Apache loads no virtual host from this configuration.",
		    0);
		return;
	}
	tui_menu_fit(&d->menu, rows);
	for (r = 0, i = d->menu.top; r < rows && i < d->rows.n; r++, i++)
		list_draw_row(t, y + 3 + r, d->rows.v[i], i == d->menu.sel,
		    &c);
}

/* Mark every row (as filtered) whose worst finding is an error, or an
 * error or a warning. */
static void
list_mark_all(struct tui *t, int warnings)
{
	struct list_data	*d = t->data;
	size_t			 i;

	for (i = 0; i < d->rows.n; i++) {
		const struct list_row	*r = d->rows.v[i];

		if (r->kind == LIST_VHOST && (r->worst == SEV_ERROR ||
		    (warnings && r->worst == SEV_WARNING)))
			wizard_mark(&t->wz, r->vhost, 1);
	}
	if (t->wz.nmarked == 0)
		tui_message(t, "%s", warnings ? "No vhost has errors or "
		    "warnings." : "No vhost has errors.");
	else
		tui_message(t, "%zu marked: Enter fixes them in one walk.",
		    t->wz.nmarked);
}

static void
list_choose_marked(struct tui *t)
{
	const struct vec	*vh = &t->wz.config->vhosts;
	struct vec		 sel = { 0 };
	size_t			 i;

	for (i = 0; i < vh->n; i++)
		if (wizard_is_marked(&t->wz, vh->v[i]))
			vec_push(&sel, vh->v[i]);
	/* a large batch takes a while: say so before the work starts */
	if (sel.n > 1) {
		tui_message(t, "Preparing the fix for %zu vhosts...", sel.n);
		tui_redraw(t);
	}
	wizard_choose_batch(&t->wz, (struct cf_vhost *const *)sel.v, sel.n);
	vec_free(&sel);
	tui_goto(t, STEP_DIAG);
	free(t->msg);
	t->msg = NULL;
}

static void
list_key(struct tui *t, int action, int ch)
{
	struct list_data	*d = t->data;
	struct list_row		*r;

	(void)ch;
	if (tui_menu_key(&d->menu, action))
		return;
	switch (action) {
	case TUI_TOGGLE:
		if (d->menu.sel >= d->rows.n)
			break;
		r = d->rows.v[d->menu.sel];
		if (r->kind != LIST_VHOST)
			break;
		wizard_mark(&t->wz, r->vhost, !wizard_is_marked(&t->wz,
		    r->vhost));
		tui_menu_key(&d->menu, TUI_DOWN);
		break;
	case TUI_MARK_ALL:
	case TUI_MARK_BROKEN:
		list_mark_all(t, action == TUI_MARK_BROKEN);
		break;
	case TUI_UNDO:
		wizard_mark_clear(&t->wz);
		break;
	case TUI_FILTER:
		tui_prompt(t, "Filter by name:", t->filter, list_filter_done,
		    list_filter_cancel, list_filter_change);
		break;
	case TUI_BACK:
		list_filter_cancel(t);
		break;
	case TUI_ENTER:
		if (d->menu.sel >= d->rows.n)
			break;
		r = d->rows.v[d->menu.sel];
		if (t->wz.nmarked > 0)
			list_choose_marked(t);
		else if (r->kind == LIST_VHOST) {
			wizard_choose_batch(&t->wz, &r->vhost, 1);
			tui_goto(t, STEP_DIAG);
		} else if (r->kind == LIST_PARSE)
			tui_message(t, "Augeas cannot parse this file: fix "
			    "line %u by hand, then run vhostfix again.",
			    r->finding->line);
		else
			tui_message(t, "Apache's configuration names "
			    "something vhostfix cannot follow; see the "
			    "message.");
		break;
	}
}

/* The diagnosis ended: the counts, and the rows ranked (the cursor
 * stays on its vhost).  While it runs, rows show it at each draw. */
static void
list_update(struct tui *t)
{
	if (wizard_busy(&t->wz))
		return;
	list_measure(t);
	list_build(t);
}

const struct screen screen_list = {
	.title = "Virtual hosts",
	.keys = list_keys,
	.nkeys = sizeof list_keys / sizeof list_keys[0],
	.mode = list_mode,
	.enter = list_enter,
	.draw = list_draw,
	.key = list_key,
	.leave = list_leave,
	.update = list_update,
};
