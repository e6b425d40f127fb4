/* screen-diff.c: step 5, review the change.
 *
 * The same plan, render and diff as `fix --dry-run`, with the user's
 * choices.  Added and removed lines keep their +/- (readable without
 * color) and get their own attributes. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "screen.h"

enum {
	DM_CHANGE = 1,
	DM_EMPTY = 2,
};

static const struct screen_key diff_keys[] = {
	TUI_SCROLL_KEYS("scroll right (long lines)"),
	{ { '\r', '\n', KEY_ENTER }, "Enter", "write...",
	    "go on to the write step (asks before writing)", TUI_ENTER,
	    DM_CHANGE },
	{ { '\r', '\n', KEY_ENTER }, "Enter", "list",
	    "nothing to change: back to the list", TUI_ENTER, DM_EMPTY },
	{ { 27, KEY_LEFT, KEY_BACKSPACE, 127, 8 }, "Esc", "back",
	    "back to the extras", TUI_BACK, 0 },
};

static unsigned
diff_mode(struct tui *t)
{
	return t->diff.len > 0 ? DM_CHANGE : DM_EMPTY;
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

static void
diff_enter(struct tui *t)
{
	size_t	 i;
	int	 in_header = 0;
	char	*p, *nl;

	tui_drop_plan(t);
	memset(&t->plan, 0, sizeof t->plan);
	if (plan_build(t->config, &t->vhost, 1, &t->popts, &t->plan) != 0) {
		tui_line(t, TA_ERROR, "%s", "vhostfix could not plan a fix.");
		return;
	}
	t->have_plan = 1;
	if (render_plan(t->config, &t->plan, &t->rendered, &t->plan_err) !=
	    0) {
		tui_wline(t, TA_ERROR, "The fix did not render: %s",
		    t->plan_err != NULL ? t->plan_err : "unknown error");
		tui_line(t, TA_NORMAL, "%s", "Nothing can be written; this is "
		    "a bug in vhostfix, please report it.");
		vec_free_all(&t->rendered, rendered_free);
		return;
	}
	for (i = 0; i < t->rendered.n; i++) {
		const struct rendered	*r = t->rendered.v[i];

		diff_unified(&t->diff, r->file->real, r->file->text,
		    r->file->len, r->text, r->len);
	}
	t->pending = t->diff.len > 0;

	tui_wline(t, TA_NORMAL, "Choices: Host header preserved: %s; "
	    "X-Forwarded-Proto: %s; Header unset Server: %s; ServerTokens "
	    "Prod: %s.",
	    t->popts.preserve_host == PLAN_ON ? "yes" : "no",
	    t->vhost->tls && t->popts.forwarded_proto == PLAN_ON ? "yes" :
	    "no", t->popts.hide_server == PLAN_ON ? "yes" : "no",
	    t->popts.server_tokens_prod == PLAN_ON ? "yes" : "no");
	{
		/* Before: as configured now; after: with these choices (the
		 * backend may redirect elsewhere once the Host or the scheme
		 * it sees changes). */
		struct vec	pv = { 0 };

		plan_previews(t->config, t->vhost, &t->popts, &pv);
		for (i = 0; i < pv.n; i++) {
			const struct preview	*pw = pv.v[i];

			tui_line(t, TA_NORMAL, "Backend redirects to %s:",
			    pw->backend_location);
			tui_line(t, TA_DEL, "  before: visitor sent to %s",
			    pw->visitor_before);
			if (pw->backend_after != NULL)
				tui_line(t, TA_NORMAL, "  after the change the "
				    "backend redirects to %s", pw->backend_after);
			tui_line(t, TA_ADD, "  after:  visitor sent to %s",
			    pw->visitor_after);
		}
		vec_free_all(&pv, preview_free);
	}
	tui_line(t, TA_NORMAL, "%s", "");
	if (t->diff.len == 0) {
		tui_wline(t, TA_OK, "%s", "Nothing to change: with these "
		    "choices this vhost is already right.");
	}
	for (p = t->diff.data; p != NULL && *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		{
			char	*line = xstrndup(p, (size_t)(nl - p));

			tui_line(t, diff_line_attr(line, &in_header), "%s",
			    line);
			free(line);
		}
		if (*nl == '\0')
			break;
	}
	for (i = 0; i < t->plan.manual.n; i++) {
		if (i == 0) {
			tui_line(t, TA_NORMAL, "%s", "");
			tui_line(t, TA_HEADING, "%s", "Still needs a human:");
		}
		tui_wline(t, TA_WARNING, "  %s",
		    (const char *)t->plan.manual.v[i]);
	}
}

static void
diff_key(struct tui *t, int action, int ch)
{
	if (tui_lines_key(t, action, ch))
		return;
	switch (action) {
	case TUI_ENTER:
		if (t->diff.len > 0)
			tui_goto(t, STEP_WRITE);
		else
			tui_goto(t, STEP_LIST);
		break;
	case TUI_BACK:
		tui_drop_plan(t);
		tui_goto(t, STEP_EXTRAS);
		break;
	}
}

const struct screen screen_diff = {
	.title = "Review the diff",
	.keys = diff_keys,
	.nkeys = sizeof diff_keys / sizeof diff_keys[0],
	.mode = diff_mode,
	.enter = diff_enter,
	.draw = tui_draw_lines,
	.key = diff_key,
};
