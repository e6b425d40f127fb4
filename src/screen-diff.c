/* screen-diff.c: step 5, review the change.
 *
 * The same plan, render and diff as `fix --dry-run`, with the user's
 * choices.  Added and removed lines keep their +/- (readable without
 * color) and get their own attributes. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"

enum {
	DM_CHANGE = 1,
	DM_EMPTY = 2,
	DM_DRY = 4,		/* a change, in a dry run */
	DM_FILES = 8,		/* more than one file */
	DM_BATCH = 16,		/* several vhosts, the Host answer matters */
};

/* The screen's own state: the text, and the rows where each file's diff
 * starts (the jump list). */
struct diff_data {
	struct tui_view	 text;		/* first: tui_view_screen_draw */
	struct vec	 files;		/* size_t *: line index */
};

static const struct screen_key diff_keys[] = {
	TUI_SCROLL_KEYS("scroll right (long lines)"),
	{ { '\r', '\n', KEY_ENTER }, "Enter", "write...",
	    "go on to the write step (asks before writing)", TUI_ENTER,
	    DM_CHANGE },
	{ { '\r', '\n', KEY_ENTER }, "Enter", "save patch...",
	    "go on: save the diff as a patch (a dry run writes nothing)",
	    TUI_ENTER, DM_DRY },
	{ { 'n', '\t' }, "n/Tab", "next file", "jump to the next file's diff",
	    TUI_NEXT, DM_FILES },
	{ { 'p', KEY_BTAB }, "p", NULL, "jump to the previous file's diff",
	    TUI_PREV, DM_FILES },
	{ { 'e' }, "e", "exception",
	    "answer the Host question the other way for one vhost",
	    TUI_EXCEPT, DM_BATCH },
	{ { '\r', '\n', KEY_ENTER }, "Enter", "list",
	    "nothing to change: back to the list", TUI_ENTER, DM_EMPTY },
	{ { 27, KEY_LEFT, KEY_BACKSPACE, 127, 8 }, "Esc", "back",
	    "back to the extras", TUI_BACK, 0 },
};

static unsigned
diff_mode(struct tui *t)
{
	const struct diff_data	*d = t->data;
	unsigned		 m;

	if (t->wz.fix.diff.len == 0)
		m = DM_EMPTY;
	else
		m = t->wz.opts.dry_run ? DM_DRY : DM_CHANGE;
	if (d != NULL && d->files.n > 1)
		m |= DM_FILES;
	if (t->wz.batch.n > 1 && wizard_needs_host(&t->wz))
		m |= DM_BATCH;
	return m;
}

static int
diff_line_attr(const char *s, int *in_header)
{
	if (str_startswith(s, "diff --git ")) {
		*in_header = 1;
		return TA_FILE;
	}
	if (str_startswith(s, "@@")) {
		*in_header = 0;
		return TA_HUNK;
	}
	if (*in_header)
		return TA_FILE;
	if (*s == '+')
		return TA_ADD;
	if (*s == '-')
		return TA_DEL;
	if (*s == '\\')
		return TA_DIM;
	return TA_NORMAL;
}

/* Before: as configured now; after: with these choices (the backend may
 * redirect elsewhere once the Host or the scheme it sees changes). */
static void
diff_previews(struct tui *t, struct tui_view *tv, size_t k)
{
	struct vec	pv = { 0 };
	size_t		i;

	wizard_previews_of(&t->wz, k, &pv);
	for (i = 0; i < pv.n; i++) {
		const struct preview	*pw = pv.v[i];

		tui_line(tv, TA_NORMAL, "%s%sBackend redirects to %s:",
		    t->wz.batch.n > 1 ? conf_vhost_name(t->wz.batch.v[k]) :
		    "", t->wz.batch.n > 1 ? ": " : "", pw->backend_location);
		tui_line(tv, TA_DEL, "  before: visitor sent to %s",
		    pw->visitor_before);
		if (pw->backend_after != NULL)
			tui_line(tv, TA_NORMAL, "  after the change the "
			    "backend redirects to %s", pw->backend_after);
		tui_line(tv, TA_ADD, "  after:  visitor sent to %s",
		    pw->visitor_after);
	}
	vec_free_all(&pv, preview_free);
}

/* A vhost's addresses, space-separated: "*:80 *:443". */
static char *
diff_addrs(const struct cf_vhost *v)
{
	struct buf	b = { 0 };
	size_t		i;

	for (i = 0; i < v->naddrs; i++)
		buf_printf(&b, "%s%s", i > 0 ? " " : "", v->addrs[i]);
	return b.data != NULL ? buf_steal(&b) : xstrdup("");
}

static void
diff_build(struct tui *t)
{
	struct diff_data	*d = t->data;
	struct tui_view		*tv = &d->text;
	const struct wz_fix	*fix = &t->wz.fix;
	size_t			 i;
	int			 in_header = 0;
	char			*p, *nl, *line;

	tui_view_clear(tv);
	vec_free_all(&d->files, free);
	if (wizard_prepare(&t->wz) != 0) {
		tui_wline(tv, TA_ERROR, "The fix did not render: %s",
		    fix->err);
		tui_line(tv, TA_NORMAL, "%s", "Nothing can be written; this "
		    "is a bug in vhostfix, please report it.");
		return;
	}
	tui_wline(tv, TA_NORMAL, "Choices: Host header preserved: %s; "
	    "X-Forwarded-Proto: %s; Header unset Server: %s; ServerTokens "
	    "Prod: %s.",
	    t->wz.choices.plan.preserve_host == PLAN_ON ? "yes" :
	    t->wz.choices.plan.preserve_host == PLAN_KEEP ? "as each has it" :
	    "no",
	    wizard_is_on(&t->wz, WZ_FORWARDED_PROTO) ? "yes" : "no",
	    wizard_is_on(&t->wz, WZ_HIDE_SERVER) ? "yes" : "no",
	    wizard_is_on(&t->wz, WZ_SERVER_TOKENS) ? "yes" : "no");
	if (t->wz.batch.n > 1 && wizard_needs_host(&t->wz)) {
		tui_line(tv, TA_HEADING, "%s", "Host header per vhost (e "
		    "makes an exception):");
		for (i = 0; i < t->wz.batch.n; i++)
		{
			const struct cf_vhost	*v = t->wz.batch.v[i];
			char			*addrs = diff_addrs(v);

			/* the answer first: a narrow terminal still
			 * shows it; the addresses tell a name's :80 and
			 * :443 vhosts apart */
			tui_line(tv, t->wz.except[i] ? TA_HILITE : TA_NORMAL,
			    "  %2zu. preserved: %-3s %s %s%s", i + 1,
			    wizard_preserve_of(&t->wz, i) ? "yes" : "no",
			    tui_vhost_name(t, v), addrs,
			    t->wz.except[i] ? "  (exception)" : "");
			free(addrs);
		}
	}
	for (i = 0; i < t->wz.batch.n; i++)
		diff_previews(t, tv, i);
	/* the jump list: every file, in the order of the diff */
	if (fix->rendered.n > 1) {
		tui_line(tv, TA_NORMAL, "%s", "");
		tui_line(tv, TA_HEADING, "%zu files (n/Tab jumps to the "
		    "next):", fix->rendered.n);
		for (i = 0; i < fix->rendered.n; i++)
			tui_line(tv, TA_FILE, "  %2zu. %s", i + 1,
			    ((const struct rendered *)
			    fix->rendered.v[i])->file->real);
	}
	tui_line(tv, TA_NORMAL, "%s", "");
	if (fix->diff.len == 0)
		tui_wline(tv, TA_OK, "%s", "Nothing to change: with these "
		    "choices this vhost is already right.");
	for (p = fix->diff.data; p != NULL && *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		line = xstrndup(p, (size_t)(nl - p));
		if (str_startswith(line, "diff --git ")) {
			size_t	*at = xmalloc(sizeof *at);

			*at = tv->lines.n;
			vec_push(&d->files, at);
		}
		tui_line(tv, diff_line_attr(line, &in_header), "%s", line);
		free(line);
		if (*nl == '\0')
			break;
	}
	for (i = 0; i < fix->plan.manual.n; i++) {
		if (i == 0) {
			tui_line(tv, TA_NORMAL, "%s", "");
			tui_line(tv, TA_HEADING, "%s", "Left to you:");
		}
		tui_wline(tv, TA_WARNING, "  %s",
		    (const char *)fix->plan.manual.v[i]);
	}
}

static void
diff_enter(struct tui *t)
{
	t->data = xcalloc(1, sizeof (struct diff_data));
	diff_build(t);
}

static void
diff_leave(struct tui *t)
{
	struct diff_data	*d = t->data;

	tui_view_clear(&d->text);
	vec_free_all(&d->files, free);
	free(d);
	t->data = NULL;
}

/* Scroll to the next (dir 1) or previous (-1) file's diff, around. */
static void
diff_jump(struct tui *t, int dir)
{
	struct diff_data	*d = t->data;
	size_t			 i, k, row, cur = d->text.scroll;

	if (d->files.n == 0)
		return;
	for (i = 0; i < d->files.n; i++) {
		k = dir > 0 ? i : d->files.n - 1 - i;
		row = tui_view_row_of(t, &d->text, *(size_t *)d->files.v[k]);
		if ((dir > 0 && row > cur) || (dir < 0 && row < cur)) {
			d->text.scroll = row;
			return;
		}
	}
	k = dir > 0 ? 0 : d->files.n - 1;
	d->text.scroll = tui_view_row_of(t, &d->text,
	    *(size_t *)d->files.v[k]);
}

static void
diff_except_done(struct tui *t, const char *text)
{
	char	*end;
	long	 k = strtol(text, &end, 10);

	if (*text == '\0' || *end != '\0' || k < 1 ||
	    (size_t)k > t->wz.batch.n) {
		tui_message(t, "No vhost number %s.", text);
		return;
	}
	wizard_toggle_exception(&t->wz, (size_t)k - 1);
	diff_build(t);
}

static void
diff_key(struct tui *t, int action, int ch)
{
	struct diff_data	*d = t->data;

	if (tui_view_key(&d->text, action, ch))
		return;
	switch (action) {
	case TUI_ENTER:
		if (t->wz.fix.diff.len > 0)
			tui_goto(t, STEP_WRITE);
		else
			tui_goto(t, STEP_LIST);
		break;
	case TUI_NEXT:
		diff_jump(t, 1);
		break;
	case TUI_PREV:
		diff_jump(t, -1);
		break;
	case TUI_EXCEPT:
		tui_prompt(t, "Host exception for vhost number:", "",
		    diff_except_done, NULL, NULL);
		break;
	case TUI_BACK:
		wizard_drop(&t->wz);
		tui_goto_prev(t);
		break;
	}
}

const struct screen screen_diff = {
	.title = "Review the diff",
	.keys = diff_keys,
	.nkeys = sizeof diff_keys / sizeof diff_keys[0],
	.mode = diff_mode,
	.enter = diff_enter,
	.draw = tui_view_screen_draw,
	.key = diff_key,
	.leave = diff_leave,
};
