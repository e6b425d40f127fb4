/* screen-diag.c: step 2, what is wrong with the chosen vhost.
 *
 * Its proxy lines exactly as written (the offending ones highlighted),
 * then each finding in plain words: what Apache does with the line and
 * what a visitor gets from it, and the redirect preview when the rules
 * computed one.  x explains a URL typed by the user (the controller's
 * wizard_explain): its steps, each with its file:line, in a view of their
 * own over the diagnosis until Esc or q. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "errlog.h"
#include "screen.h"

enum {
	DG_FIX = 1,		/* the fix can change something */
	DG_DIAG = 2,		/* the diagnosis is shown */
	DG_EXPLAIN = 4,		/* an explanation is shown */
};

static const struct screen_key diag_keys[] = {
	TUI_SCROLL_KEYS("scroll right (long lines)"),
	{ { '\r', '\n', KEY_ENTER }, "Enter", "fix it",
	    "go on: choose how to fix these vhosts", TUI_ENTER, DG_FIX },
	{ { 'x', 'X' }, "x", "explain URL",
	    "explain a URL: the vhost, handler, backend, headers and "
	    "redirects Apache gives it", TUI_FILTER, DG_DIAG },
	{ { 27, KEY_LEFT, KEY_BACKSPACE, 127, 8 }, "Esc", "back",
	    "back to the list", TUI_BACK, DG_DIAG },
	{ { 27, 'q', 'Q', KEY_LEFT, KEY_BACKSPACE, 127, 8 }, "Esc/q", "back",
	    "back to the diagnosis", TUI_BACK, DG_EXPLAIN },
};

/* The screen's own state: the diagnosis, and an explanation over it. */
struct diag_data {
	struct tui_view	 view;
	struct tui_view	 ex;
	int		 explaining;
};

/* The directives this screen shows: everything mod_proxy and mod_headers
 * read for the vhost. */
static int
diag_is_proxy_line(const struct cf_node *n)
{
	return str_startswith(n->name, "Proxy") ||
	    str_startswith(n->name, "proxy") ||
	    str_startswith(n->name, "PROXY") ||
	    conf_is(n, "RequestHeader") || conf_is(n, "Header");
}

/* The node's first line as written, without its line ending and its
 * indentation (two spaces per section level instead: the columns go to
 * the arguments). */
static char *
diag_source_line(const struct cf_node *n)
{
	const char	*text = n->file->text;
	size_t		 start = n->line_start, end;
	const struct cf_node *p;
	struct buf	 b = { 0 };

	while (start < n->file->len && (text[start] == ' ' ||
	    text[start] == '\t'))
		start++;
	end = start;

	while (end < n->file->len && text[end] != '\n')
		end++;
	if (end > start && text[end - 1] == '\r')
		end--;
	for (p = n->parent; p != NULL && p->parent != NULL &&
	    !conf_is(p, "VirtualHost"); p = p->parent)
		buf_adds(&b, "  ");
	buf_add(&b, text + start, end - start);
	return buf_steal(&b);
}

static void
diag_finding(struct tui *t, struct tui_view *tv, const struct finding *f)
{
	size_t	i;

	/* wrapped: the line number is never cut off a long path */
	tui_wline(tv, tui_sev_attr(f->sev), "%s %s  %s  %s:%u",
	    tui_glyph(t, tui_sev_glyph(f->sev)), sev_name(f->sev), f->rule->id,
	    f->path != NULL ? f->path : "", f->line);
	tui_wline(tv, TA_NORMAL, "    %s", f->message);
	tui_wline(tv, TA_NORMAL, "    Why: %s", f->rule->why);
	tui_wline(tv, TA_NORMAL, "    For a visitor: %s",
	    finding_visitor(f));
	if (f->preview != NULL && f->preview->backend_location != NULL) {
		tui_line(tv, TA_NORMAL, "    Backend sends Location: %s",
		    f->preview->backend_location);
		tui_line(tv, TA_HILITE, "    %s visitor is sent to %s%s",
		    tui_glyph(t, TG_ARROW),
		    f->preview->visitor_before != NULL ?
		    f->preview->visitor_before : "?",
		    f->preview->visitor_before != NULL &&
		    strcmp(f->preview->visitor_before,
		    f->preview->backend_location) == 0 ? " (unchanged)" : "");
		if (f->preview->visitor_after != NULL)
			tui_line(tv, TA_OK, "    after the fix %s %s (Host "
			    "setting kept)",
			    tui_glyph(t, TG_ARROW),
			    f->preview->visitor_after);
	}
	/* The error log's word on it: "Apache logged 37 x AH02454 for
	 * /run/app.sock since 09:12:04: Permission denied". */
	for (i = 0; i < f->evidence.n; i++) {
		const struct el_event	*e = f->evidence.v[i];

		tui_wline(tv, TA_HILITE, "    Apache logged %lu x %s for %s "
		    "since %s%s%s", e->count, e->code, e->backend, e->first,
		    e->errtext != NULL ? ": " : "",
		    e->errtext != NULL ? e->errtext : "");
	}
	/* a command to copy: wrapped, never cut */
	for (i = 0; i < f->suggest.n; i++)
		tui_wline(tv, TA_OK, "    %s %s", i == 0 ? (f->fixable ?
		    "Use:" : "Left to you:") : "    ",
		    (const char *)f->suggest.v[i]);
	tui_line(tv, TA_NORMAL, "%s", "");
}

static unsigned
diag_mode(struct tui *t)
{
	const struct diag_data	*d = t->data;

	if (d != NULL && d->explaining)
		return DG_EXPLAIN;
	return DG_DIAG | (wizard_fixable(&t->wz) > 0 ? DG_FIX : 0);
}

/* One vhost of the walk: its proxy lines and its findings. */
static void
diag_vhost(struct tui *t, struct tui_view *tv, const struct cf_vhost *v)
{
	const struct vec	*fs = wizard_vhost_findings(&t->wz, v);
	const struct cf_file	*file = v->node->file;
	size_t			 i, n = 0, nf = 0;
	char			*src;

	if (t->wz.batch.n > 1)
		tui_line(tv, TA_TITLE, " %s (%s:%u) ", conf_vhost_name(v),
		    file->path, v->node->line);
	tui_line(tv, TA_HEADING, "%s", "Proxy lines as they are");
	src = diag_source_line(v->node);
	tui_line(tv, TA_FILE, "  %s", file->path);
	tui_line(tv, TA_DIM, "  %5u  %s", v->node->line, src);
	free(src);
	for (i = 0; i < v->dirs.n; i++) {
		const struct cf_dir	*d = v->dirs.v[i];
		int			 bad;

		if (!diag_is_proxy_line(d->node))
			continue;
		bad = wizard_node_offends(&t->wz, d->node);
		src = diag_source_line(d->node);
		tui_line(tv, bad ? TA_HILITE : TA_NORMAL, "%s %5u  %s",
		    bad ? tui_glyph(t, TG_POINTER) : " ", d->node->line, src);
		free(src);
		n++;
	}
	if (n == 0)
		tui_line(tv, TA_NORMAL, "%s",
		    "  (no proxy lines: this vhost does not proxy)");
	tui_line(tv, TA_NORMAL, "%s", "");

	nf = fs->n;
	tui_line(tv, TA_HEADING, "Findings (%zu)", nf);
	if (nf == 0)
		tui_line(tv, TA_OK, "  %s %s", tui_glyph(t, TG_FINE),
		    "Nothing wrong found: this vhost looks right.");
	/* errors first: they are what breaks a visitor's request */
	for (n = 3; n-- > 0;)
		for (i = 0; i < fs->n; i++) {
			const struct finding	*f = fs->v[i];

			if ((size_t)f->sev == n)
				diag_finding(t, tv, f);
		}
}

static void
diag_enter(struct tui *t)
{
	struct diag_data *d = xcalloc(1, sizeof *d);
	struct tui_view	*tv = &d->view;
	size_t		 i, nfix = wizard_fixable(&t->wz);
	size_t		 nleft = wizard_left(&t->wz, NULL);

	if (t->wz.batch.n > 1)
		tui_wline(tv, TA_NORMAL, "%zu vhosts fixed together: one set "
		    "of answers, one diff, one write, one backup set.",
		    t->wz.batch.n);
	for (i = 0; i < t->wz.batch.n; i++)
		diag_vhost(t, tv, t->wz.batch.v[i]);
	if (nfix > 0)
		tui_line(tv, TA_NORMAL, "%s", "Press Enter to choose how to "
		    "fix it.");
	else if (nleft > 0)
		tui_wline(tv, TA_WARNING, "Nothing here that vhostfix can "
		    "change: the %zu finding%s above %s left to you, with "
		    "the command to use.", nleft, nleft == 1 ? "" : "s",
		    nleft == 1 ? "is" : "are");
	else
		tui_line(tv, TA_OK, "%s", "Nothing to fix. Esc goes back to "
		    "the list.");
	t->data = d;
}

/* The URL typed: its explanation replaces the diagnosis until Esc. */
static void
diag_explain_done(struct tui *t, const char *url)
{
	struct diag_data	*d = t->data;
	struct buf		 b = { 0 };
	char			*err = NULL;
	const char		*p, *nl;

	if (wizard_explain(&t->wz, url, &b, &err) != 0) {
		tui_message(t, "explain: %s", err);
		free(err);
		buf_free(&b);
		return;
	}
	tui_view_clear(&d->ex);
	tui_line(&d->ex, TA_HEADING, "Explain %s", url);
	tui_line(&d->ex, TA_DIM, "%s", "What Apache does with this request, "
	    "each step with the line that decides it.");
	tui_line(&d->ex, TA_NORMAL, "%s", "");
	/* prose: wrapped, so that no file:line is cut off */
	for (p = b.data != NULL ? b.data : ""; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		tui_wline(&d->ex, TA_NORMAL, "%.*s", (int)(nl - p), p);
		if (*nl == '\0')
			break;
	}
	buf_free(&b);
	d->explaining = 1;
}

static void
diag_draw(struct tui *t, int y, int h)
{
	struct diag_data	*d = t->data;

	tui_view_draw(t, d->explaining ? &d->ex : &d->view, y, h);
}

static void
diag_leave(struct tui *t)
{
	struct diag_data	*d = t->data;

	if (d != NULL) {
		tui_view_clear(&d->view);
		tui_view_clear(&d->ex);
	}
	free(d);
	t->data = NULL;
}

static void
diag_key(struct tui *t, int action, int ch)
{
	struct diag_data	*d = t->data;
	char			*url;

	if (tui_view_key(d->explaining ? &d->ex : &d->view, action, ch))
		return;
	switch (action) {
	case TUI_ENTER:
		tui_goto_next(t);
		break;
	case TUI_FILTER:
		url = wizard_explain_url(&t->wz);
		tui_prompt(t, "Explain URL:", url, diag_explain_done, NULL,
		    NULL);
		free(url);
		break;
	case TUI_BACK:
		if (d->explaining) {
			d->explaining = 0;
			tui_view_clear(&d->ex);
		} else
			tui_goto(t, STEP_LIST);
		break;
	}
}

const struct screen screen_diag = {
	.title = "Diagnosis",
	.keys = diag_keys,
	.nkeys = sizeof diag_keys / sizeof diag_keys[0],
	.mode = diag_mode,
	.enter = diag_enter,
	.draw = diag_draw,
	.key = diag_key,
	.leave = diag_leave,
};
